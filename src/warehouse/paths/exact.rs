//! The exact method for one block: the dynamic programme of Ratliff and Rosenthal (1983).
//!
//! A shortest pick tour is a connected multigraph on the aisle grid in which every vertex
//! has even degree, containing the depot and every stop; no edge is needed more than twice.
//! The programme sweeps the aisles left to right. After aisle `j` the state is what the
//! rest of the sweep needs to know of the partial graph: the degree class (zero, odd, even)
//! of the aisle's front end `a_j` and back end `b_j`, whether the two are connected, and
//! whether the tour has not started yet or is already closed. Between aisles the front and
//! back cross-aisle stretches are used 0, 1 or 2 times; each aisle is left out, traversed
//! once or twice, entered from the front or from the back up to its farthest stop, or
//! entered from both ends leaving out its largest gap (the only gap worth leaving: every
//! gap option has the same effect on the state, so the cheapest is the largest). The best
//! graph is turned into a walk by Hierholzer's algorithm from the depot.
//!
//! Where the textbook lists the seven state classes and their transition tables, this file
//! derives the transitions by a small union-find over the four frontier vertices, which is
//! shorter to read and checked against brute force in the tests.
//!
//! # Complexity
//! O(aisles x states x 9 x 6) time with fewer than 40 states, plus O(stops) for the walk.

use super::{PickRouter, by_block};
use crate::context::SolveContext;
use crate::warehouse::error::WarehouseError;
use crate::warehouse::layout::{Layout, Point};
use crate::warehouse::orders::Stop;
use crate::warehouse::path::{PathBuilder, PickPath, euler_walk};
use std::collections::BTreeMap;

/// The Ratliff-Rosenthal dynamic programme (single-block layouts only).
#[derive(Debug, Clone, Copy, Default)]
pub struct Exact;

impl PickRouter for Exact {
    fn name(&self) -> &'static str {
        "exact"
    }

    fn supports(&self, layout: &Layout) -> bool {
        layout.blocks() == 1
    }

    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        _: &SolveContext,
    ) -> Result<PickPath, WarehouseError> {
        if !self.supports(layout) {
            return Err(WarehouseError::Unsupported {
                method: "exact",
                blocks: layout.blocks(),
                max_blocks: 1,
            });
        }
        Ok(exact(layout, stops))
    }
}

/// Degree class of a frontier vertex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Deg {
    Zero,
    Odd,
    Even,
}

impl Deg {
    fn add(self, m: u8) -> Deg {
        let odd = (self == Deg::Odd) ^ (m % 2 == 1);
        match (self, m, odd) {
            (Deg::Zero, 0, _) => Deg::Zero,
            (_, _, true) => Deg::Odd,
            _ => Deg::Even,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Phase {
    NotStarted,
    Open,
    Closed,
}

// Ordered, so the states of one aisle are met in the same order in every run: ties
// between equal-cost tours are broken the same way, and a seed gives one path (a map with
// a random hasher gave equal-length paths of other shapes, whose congestion replays
// differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct State {
    a: Deg,
    b: Deg,
    /// `a` and `b` are in one component (meaningful when both have edges).
    joined: bool,
    phase: Phase,
}

/// How an aisle is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cover {
    None,
    Once,
    Twice,
    FromFront,
    FromBack,
    /// Both ends, leaving out the gap after stop `k` (0-based, among the aisle's stops).
    Gap(usize),
}

struct Aisle {
    x_cm: i64,
    /// Stop indices by y.
    stops: Vec<usize>,
    ys: Vec<i64>,
}

impl Aisle {
    /// (cost, degree added at a, at b, joins a and b) of every possible cover.
    fn covers(&self, len: i64) -> Vec<(Cover, i64, u8, u8, bool)> {
        let mut v = vec![(Cover::Once, len, 1, 1, true), (Cover::Twice, 2 * len, 2, 2, true)];
        match (self.ys.first(), self.ys.last()) {
            (Some(&lo), Some(&hi)) => {
                v.push((Cover::FromFront, 2 * hi, 2, 0, false));
                v.push((Cover::FromBack, 2 * (len - lo), 0, 2, false));
                let best = (0..self.ys.len().saturating_sub(1))
                    .max_by_key(|&k| (self.ys[k + 1] - self.ys[k], std::cmp::Reverse(k)));
                if let Some(k) = best {
                    v.push((
                        Cover::Gap(k),
                        2 * self.ys[k] + 2 * (len - self.ys[k + 1]),
                        2,
                        2,
                        false,
                    ));
                }
            }
            _ => v.push((Cover::None, 0, 0, 0, false)),
        }
        v
    }
}

struct Uf([usize; 4]);

impl Uf {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        self.0[x] = r;
        r
    }
    fn union(&mut self, x: usize, y: usize) {
        let (rx, ry) = (self.find(x), self.find(y));
        self.0[rx] = ry;
    }
}

type Back = (State, u8, u8, usize);

/// The next state after the cross stretches (`mf` front, `mb` back) from aisle `j` to
/// `j + 1` and `cover` on aisle `j + 1`, or `None` when the move cannot be part of a tour.
fn step(
    s: State,
    mf: u8,
    mb: u8,
    cover: (u8, u8, bool),
    depot_done: bool,
    left_is_depot: bool,
) -> Option<State> {
    if s.phase == Phase::Closed {
        return (mf == 0 && mb == 0 && cover == (0, 0, false)).then_some(s);
    }
    // The old frontier leaves for good: its degrees must be even now.
    let (a_old, b_old) = (s.a.add(mf), s.b.add(mb));
    if a_old == Deg::Odd || b_old == Deg::Odd {
        return None;
    }
    if left_is_depot && a_old == Deg::Zero {
        return None;
    }
    let (a_new, b_new) = (Deg::Zero.add(mf + cover.0), Deg::Zero.add(mb + cover.1));
    // 0 = a_j, 1 = b_j, 2 = a_j+1, 3 = b_j+1.
    let mut uf = Uf([0, 1, 2, 3]);
    let (a_act, b_act) = (s.a != Deg::Zero, s.b != Deg::Zero);
    if a_act && b_act && s.joined {
        uf.union(0, 1);
    }
    if mf > 0 {
        uf.union(0, 2);
    }
    if mb > 0 {
        uf.union(1, 3);
    }
    if cover.2 {
        uf.union(2, 3);
    }
    let new_act = [a_new != Deg::Zero, b_new != Deg::Zero];
    let mut closes = false;
    for (v, act) in [(0, a_act || mf > 0), (1, b_act || mb > 0)] {
        if act {
            let r = uf.find(v);
            let continues = (new_act[0] && uf.find(2) == r) || (new_act[1] && uf.find(3) == r);
            closes |= !continues;
        }
    }
    if closes {
        // A component that no longer touches the frontier is finished: only allowed when it
        // is the whole tour (nothing else started, nothing starts now, the depot is in it).
        let one = !(a_act && b_act) || s.joined || uf.find(0) == uf.find(1);
        let ok = one && !new_act[0] && !new_act[1] && depot_done;
        return ok.then_some(State {
            a: Deg::Zero,
            b: Deg::Zero,
            joined: false,
            phase: Phase::Closed,
        });
    }
    if !new_act[0] && !new_act[1] {
        // Nothing on either side: a tour cannot be open here without touching the frontier.
        return (s.phase == Phase::NotStarted && !(a_act || b_act)).then_some(s);
    }
    if s.phase == Phase::NotStarted && depot_done && !left_is_depot {
        return None; // the depot's aisle went by untouched
    }
    let joined = new_act[0] && new_act[1] && uf.find(2) == uf.find(3);
    Some(State { a: a_new, b: b_new, joined, phase: Phase::Open })
}

fn exact(layout: &Layout, stops: &[Stop]) -> PickPath {
    if stops.is_empty() {
        return PathBuilder::new(layout).finish();
    }
    let front = layout.cross_y_cm[0];
    let len = layout.cross_y_cm[1] - front;
    let mut aisles: Vec<Aisle> = layout
        .aisle_x_cm
        .iter()
        .map(|&x_cm| Aisle { x_cm, stops: Vec::new(), ys: Vec::new() })
        .collect();
    for row in by_block(layout, stops) {
        for a in row {
            let aisle = &mut aisles[a.aisle as usize];
            aisle.ys = a.stops.iter().map(|&i| stops[i].point.y_cm - front).collect();
            aisle.stops = a.stops;
        }
    }
    let depot = layout.spec.depot_aisle as usize;
    let n = aisles.len();
    // best[j]: state -> (cost, back pointer into best[j - 1]).
    let mut best: Vec<BTreeMap<State, (i64, Option<Back>)>> = Vec::with_capacity(n);
    let mut first = BTreeMap::new();
    for (i, &(_, cost, da, db, join)) in aisles[0].covers(len).iter().enumerate() {
        let (a, b) = (Deg::Zero.add(da), Deg::Zero.add(db));
        let phase = if a == Deg::Zero && b == Deg::Zero { Phase::NotStarted } else { Phase::Open };
        let s = State { a, b, joined: join, phase };
        let back = Some((s, 0, 0, i));
        keep(&mut first, s, cost, back);
    }
    best.push(first);
    for j in 0..n - 1 {
        let dx = aisles[j + 1].x_cm - aisles[j].x_cm;
        let covers = aisles[j + 1].covers(len);
        let mut next = BTreeMap::new();
        for (&s, &(cost, _)) in &best[j] {
            for mf in 0..3u8 {
                for mb in 0..3u8 {
                    for (ci, &(_, c, da, db, join)) in covers.iter().enumerate() {
                        let Some(t) = step(s, mf, mb, (da, db, join), j >= depot, j == depot)
                        else {
                            continue;
                        };
                        let total = cost + i64::from(mf + mb) * dx + c;
                        keep(&mut next, t, total, Some((s, mf, mb, ci)));
                    }
                }
            }
        }
        best.push(next);
    }
    // A final state: even ends, one component, the depot covered.
    let last = n - 1;
    let end = best[last]
        .iter()
        .filter(|(s, _)| match s.phase {
            Phase::Closed => true,
            Phase::NotStarted => false,
            Phase::Open => {
                s.a != Deg::Odd
                    && s.b != Deg::Odd
                    && (s.joined || s.a == Deg::Zero || s.b == Deg::Zero)
                    && (depot != last || s.a != Deg::Zero)
            }
        })
        .min_by_key(|(_, (c, _))| *c)
        .map(|(s, _)| *s)
        .expect("traversing every aisle twice is always a tour");
    // Walk the back pointers: the cover of each aisle and the stretches between aisles.
    let mut chosen = vec![(Cover::None, 0u8, 0u8); n];
    let mut s = end;
    for j in (0..n).rev() {
        let (_, Some((prev, mf, mb, ci))) = best[j][&s] else { break };
        chosen[j] = (aisles[j].covers(len)[ci].0, mf, mb);
        s = prev;
    }
    walk(layout, stops, &aisles, &chosen, front, len)
}

fn keep(map: &mut BTreeMap<State, (i64, Option<Back>)>, s: State, cost: i64, back: Option<Back>) {
    match map.get(&s) {
        Some(&(c, _)) if c <= cost => {}
        _ => {
            map.insert(s, (cost, back));
        }
    }
}

/// Builds the tour's multigraph and walks it (Hierholzer) from the depot.
fn walk(
    layout: &Layout,
    stops: &[Stop],
    aisles: &[Aisle],
    chosen: &[(Cover, u8, u8)],
    front: i64,
    len: i64,
) -> PickPath {
    let mut edges: Vec<(Point, Point)> = Vec::new();
    for (j, (aisle, &(cover, mf, mb))) in aisles.iter().zip(chosen).enumerate() {
        // Points of the aisle: front end, stops, back end.
        let ys: Vec<i64> = std::iter::once(0)
            .chain(aisle.ys.iter().copied())
            .chain(std::iter::once(len))
            .collect();
        let k = aisle.ys.len();
        for seg in 0..ys.len() - 1 {
            // Segment `seg` runs from ys[seg] to ys[seg + 1]; stop i sits at ys[i + 1].
            let times = match cover {
                Cover::None => 0,
                Cover::Once => 1,
                Cover::Twice => 2,
                Cover::FromFront => {
                    if seg < k {
                        2
                    } else {
                        0
                    }
                }
                Cover::FromBack => {
                    if seg >= 1 {
                        2
                    } else {
                        0
                    }
                }
                Cover::Gap(g) => {
                    if seg == g + 1 {
                        0
                    } else {
                        2
                    }
                }
            };
            let p = Point { x_cm: aisle.x_cm, y_cm: front + ys[seg] };
            let q = Point { x_cm: aisle.x_cm, y_cm: front + ys[seg + 1] };
            for _ in 0..times {
                edges.push((p, q));
            }
        }
        if j > 0 {
            let prev = aisles[j - 1].x_cm;
            for (y, m) in [(front, mf), (front + len, mb)] {
                let p = Point { x_cm: prev, y_cm: y };
                let q = Point { x_cm: aisle.x_cm, y_cm: y };
                for _ in 0..m {
                    edges.push((p, q));
                }
            }
        }
    }
    euler_walk(layout, stops, &edges)
}
