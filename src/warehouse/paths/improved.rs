//! The general method: local search on the visit order, for layouts of any number of
//! blocks (where no exact polynomial method is known).
//!
//! Distances are the aisle grid's shortest trips ([`Layout::distance_cm`], closed form, so
//! no matrix is stored). Start orders: the visit order of every classic heuristic and a
//! nearest-neighbour order; each is improved by 2-opt (reverse a stretch) and or-opt (move a
//! stretch of 1 to 3 stops, either way round) until neither improves, and the best is kept.
//! A heuristic's route visits its stops in some order, and joining that order by shortest
//! trips is never longer than the route, so the result is never longer than the best classic
//! heuristic. The deadline of the run context is checked between passes.
//!
//! # Complexity
//! O(n^2) per 2-opt pass and O(n^2) per or-opt pass for n stops.

use super::PickRouter;
use super::{largest_gap::LargestGap, midpoint::Midpoint, return_route::Return, s_shape::SShape};
use crate::context::SolveContext;
use crate::warehouse::error::WarehouseError;
use crate::warehouse::layout::{Layout, Point};
use crate::warehouse::orders::Stop;
use crate::warehouse::path::{PickPath, path_of_order, tour_length_cm};
use std::collections::HashMap;

/// Local search on the aisle grid.
#[derive(Debug, Clone, Copy)]
pub struct Improved {
    /// Passes per start order at most (each pass is one sweep of 2-opt and one of or-opt).
    pub max_passes: u32,
}

impl Default for Improved {
    fn default() -> Self {
        Self { max_passes: 50 }
    }
}

impl PickRouter for Improved {
    fn name(&self) -> &'static str {
        "improved"
    }

    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        ctx: &SolveContext,
    ) -> Result<PickPath, WarehouseError> {
        let index: HashMap<Point, usize> =
            stops.iter().enumerate().map(|(i, s)| (s.point, i)).collect();
        let mut starts: Vec<Vec<usize>> = Vec::new();
        let classic: [&dyn PickRouter; 4] = [&SShape, &Return, &Midpoint, &LargestGap];
        for m in classic {
            let path = m.route(layout, stops, ctx)?;
            let order: Vec<usize> =
                path.visit_order().iter().filter_map(|p| index.get(p).copied()).collect();
            if order.len() == stops.len() {
                starts.push(order);
            }
        }
        starts.push(nearest_neighbour(layout, stops));
        let mut best: Option<(i64, Vec<usize>)> = None;
        for mut order in starts {
            improve(layout, stops, &mut order, self.max_passes, ctx);
            let len = tour_length_cm(layout, stops, &order);
            if best.as_ref().is_none_or(|(b, _)| len < *b) {
                best = Some((len, order));
            }
        }
        let order = best.map(|b| b.1).unwrap_or_default();
        Ok(path_of_order(layout, stops, &order))
    }
}

fn nearest_neighbour(layout: &Layout, stops: &[Stop]) -> Vec<usize> {
    let mut left: Vec<usize> = (0..stops.len()).collect();
    let mut at = layout.depot;
    let mut order = Vec::with_capacity(stops.len());
    while !left.is_empty() {
        let (k, _) = left
            .iter()
            .enumerate()
            .min_by_key(|(_, i)| layout.distance_cm(at, stops[**i].point))
            .expect("not empty");
        let i = left.swap_remove(k);
        at = stops[i].point;
        order.push(i);
    }
    order
}

/// 2-opt and or-opt to a local optimum (or `max_passes`, or the deadline).
fn improve(
    layout: &Layout,
    stops: &[Stop],
    order: &mut Vec<usize>,
    max_passes: u32,
    ctx: &SolveContext,
) {
    let n = order.len();
    if n < 2 {
        return;
    }
    // Tour with the depot at both ends.
    let mut t: Vec<Point> = std::iter::once(layout.depot)
        .chain(order.iter().map(|&i| stops[i].point))
        .chain(std::iter::once(layout.depot))
        .collect();
    let mut ids: Vec<usize> = std::iter::once(usize::MAX)
        .chain(order.iter().copied())
        .chain(std::iter::once(usize::MAX))
        .collect();
    let d = |a: Point, b: Point| layout.distance_cm(a, b);
    for _ in 0..max_passes {
        if ctx.should_stop() {
            break;
        }
        let mut improved = false;
        // 2-opt: reverse t[i..=j].
        for i in 1..=n {
            for j in i + 1..=n {
                let delta =
                    d(t[i - 1], t[j]) + d(t[i], t[j + 1]) - d(t[i - 1], t[i]) - d(t[j], t[j + 1]);
                if delta < 0 {
                    t[i..=j].reverse();
                    ids[i..=j].reverse();
                    improved = true;
                }
            }
        }
        // Or-opt: move t[i..i+len] between t[k] and t[k+1], forwards or reversed.
        for len in 1..=3usize.min(n) {
            let mut i = 1;
            while i + len <= n + 1 {
                let (a, s0, s1, z) = (t[i - 1], t[i], t[i + len - 1], t[i + len]);
                let removed = d(a, s0) + d(s1, z) - d(a, z);
                let mut best: Option<(i64, usize, bool)> = None;
                for k in 0..=n {
                    if k + 1 >= i && k < i + len {
                        continue; // inside or next to the stretch
                    }
                    let (p, q) = (t[k], t[k + 1]);
                    let fwd = d(p, s0) + d(s1, q) - d(p, q);
                    let rev = d(p, s1) + d(s0, q) - d(p, q);
                    let (add, reversed) = if rev < fwd { (rev, true) } else { (fwd, false) };
                    if add - removed < best.map_or(0, |b| b.0) {
                        best = Some((add - removed, k, reversed));
                    }
                }
                if let Some((_, k, reversed)) = best {
                    let mut seg_t: Vec<Point> = t.drain(i..i + len).collect();
                    let mut seg_i: Vec<usize> = ids.drain(i..i + len).collect();
                    if reversed {
                        seg_t.reverse();
                        seg_i.reverse();
                    }
                    let at = if k < i { k + 1 } else { k + 1 - len };
                    t.splice(at..at, seg_t);
                    ids.splice(at..at, seg_i);
                    improved = true;
                }
                i += 1;
            }
        }
        if !improved {
            break;
        }
    }
    order.clear();
    order.extend(ids[1..=n].iter().copied());
}
