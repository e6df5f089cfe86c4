//! Read-only data shared by every operator of one search: the compiled problem and the
//! neighbour lists (each stop's nearest stops, for string removal and granular moves).
//!
//! The lists take O(n k) memory. With a dense matrix they come from the matrix itself
//! (exact for asymmetric and road matrices); with planar arcs from an `rstar` R-tree
//! over the stops' points, O(n k log n) instead of O(n^2 log n), which is what lets
//! 30,000 stops set up in well under a second; on roads from the oracle's own lists (its
//! nearest stops by travel time, found by bounded road searches), kept to the stops of
//! this problem, so no arc is queried to build them.

use crate::routing::arcs::{Arcs, Road};
use crate::routing::compiled::{Compiled, UNREACHABLE};
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// How many nearest stops each stop remembers.
const NEIGHBOURS: usize = 64;

/// The compiled problem plus neighbour lists.
#[derive(Debug)]
pub(crate) struct Env<'a> {
    pub c: &'a Compiled,
    /// `neighbours[s]`: the stops nearest to `s` (by distance both ways), nearest first.
    pub neighbours: Vec<Vec<u32>>,
    /// Distance from the first vehicle type's start depot to each stop.
    pub depot_dist: Vec<i32>,
    /// Whether any time window or shift end binds.
    pub time_windows: bool,
}

impl<'a> Env<'a> {
    /// Builds the neighbour lists.
    ///
    /// # Complexity
    /// O(n^2 log n) for n stops with a dense matrix, O(n k log n) with planar arcs; done
    /// once per solve.
    pub fn new(c: &'a Compiled) -> Self {
        let n = c.n;
        let k = NEIGHBOURS.min(n.saturating_sub(1));
        let neighbours = match &c.arcs {
            Arcs::Dense { .. } => dense_neighbours(c, k),
            Arcs::Planar(p) => planar_neighbours(c, &p.points, k),
            Arcs::Road(r) => road_neighbours(c, r, k),
        };
        let start = c.kinds.first().map_or(0, |k| k.start_loc);
        let depot_dist = c
            .loc
            .iter()
            .map(|&l| if c.nloc > 0 { c.d(start, l).min(UNREACHABLE) } else { 0 })
            .collect();
        Env { c, neighbours, depot_dist, time_windows: c.has_time_windows() }
    }
}

/// Each stop's `k` nearest stops by the smaller of the two directed distances.
fn dense_neighbours(c: &Compiled, k: usize) -> Vec<Vec<u32>> {
    let n = c.n;
    (0..n)
        .into_par_iter()
        .map(|i| {
            let li = c.loc[i];
            let mut v: Vec<(i64, u32)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| {
                    let lj = c.loc[j];
                    let d = i64::from(c.d(li, lj)).min(i64::from(c.d(lj, li)));
                    (d, j as u32)
                })
                .collect();
            if k < v.len() {
                v.select_nth_unstable(k);
                v.truncate(k);
            }
            v.sort_unstable();
            v.into_iter().map(|(_, j)| j).collect()
        })
        .collect()
}

/// Each stop's `k` nearest stops by Euclidean distance, from an R-tree (ties between
/// equally far stops broken by the tree's order).
fn planar_neighbours(c: &Compiled, points: &[[f64; 2]], k: usize) -> Vec<Vec<u32>> {
    let at = |s: usize| points[c.loc[s] as usize];
    let tree = RTree::bulk_load((0..c.n).map(|s| GeomWithData::new(at(s), s as u32)).collect());
    (0..c.n)
        .into_par_iter()
        .map(|i| {
            tree.nearest_neighbor_iter(at(i))
                .map(|g| g.data)
                .filter(|&j| j as usize != i)
                .take(k)
                .collect()
        })
        .collect()
}

/// Each stop's `k` nearest stops by road: the other stops at its own oracle stop, then
/// those at the oracle's neighbours, nearest first (by free-flow time from the stop). A
/// stop off the graph has none; a list may be shorter than `k` when the oracle's lists
/// hold stops of other problems (another station's orders).
fn road_neighbours(c: &Compiled, r: &Road, k: usize) -> Vec<Vec<u32>> {
    // The problem's stops at each oracle stop, as a linked list (first, next).
    let none = u32::MAX;
    let mut first = vec![none; r.arcs.oracle().len()];
    let mut next = vec![none; c.n];
    for s in (0..c.n).rev() {
        if let Some(at) = r.arcs.stop(c.loc[s] as usize) {
            next[s] = first[at as usize];
            first[at as usize] = s as u32;
        }
    }
    // `successors` asks for the next item as it hands out one, so the end marker never
    // reaches the index.
    let link = |s: u32| (s != none).then_some(s);
    let at_stop =
        |at: u32| std::iter::successors(link(first[at as usize]), |&s| link(next[s as usize]));
    (0..c.n)
        .into_par_iter()
        .map(|i| {
            let Some(own) = r.arcs.stop(c.loc[i] as usize) else { return Vec::new() };
            let near = r.arcs.oracle().neighbours(own as usize).iter().map(|n| n.stop);
            std::iter::once(own)
                .chain(near)
                .flat_map(at_stop)
                .filter(|&j| j as usize != i)
                .take(k)
                .collect()
        })
        .collect()
}
