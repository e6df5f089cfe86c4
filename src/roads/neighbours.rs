//! Neighbour lists: for every stop, the `k` other stops nearest by travel time.
//!
//! At city scale (tens of thousands of stops) the n x n matrix no longer fits (30,000 stops:
//! 10.8 GB at 12 bytes an entry), yet a routing search mostly looks at arcs between nearby
//! stops. So each stop gets one Dijkstra on the road graph that stops as soon as its `k`
//! nearest stops are certain, instead of settling the whole city: memory is O(n k) and the
//! work per stop depends on how dense the stops are, not on the size of the graph.
//!
//! # Same numbers as the dense matrix
//! Entries are made with the matrix's formula (`roads::cost`): the fastest node-to-node
//! path with ties broken by length, the snap legs of both stops at the access speed, one
//! rounding. The search key is `(time_ms, length_mm)` lexicographically, so the path
//! found is the matrix's. Stops are ranked by `(free-flow ms, metres, stop index)`, which
//! makes the list the first `k` of the matrix row sorted the same way.
//!
//! # When a search may stop
//! A stop `j` at node `v` costs `round(d(v) + leg_i + leg_j)`, so its rank depends on its
//! own snap leg too. Nodes settle in increasing `d`; once `k` candidates are held and the
//! worst of them is below `round(d + leg_i)` (what any later stop costs at least, as
//! `leg_j >= 0`), no later stop can enter the list. The strict `<` keeps equal-time
//! candidates coming, so ties are decided by distance and index, never by settle order.

use crate::context::SolveContext;
use crate::roads::cost;
use crate::roads::error::RoadError;
use crate::roads::graph::{Csr, RoadGraph, UNSET};
use crate::roads::oracle_options::OracleOptions;
use crate::roads::snap::Snapped;
use crate::roads::traffic::TrafficProfile;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One entry of a neighbour list: a nearby stop and the arc to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Neighbour {
    /// The neighbour's position among the stops.
    pub stop: u32,
    /// Travel time to it at the departure hour (as `TravelMatrix::time_s`).
    ///
    /// # Units
    /// Whole seconds.
    pub time_s: u32,
    /// Road distance to it along the fastest path (as `TravelMatrix::distance_m`).
    ///
    /// # Units
    /// Whole metres.
    pub distance_m: u32,
}

/// Where a stop meets the road graph: its node and snap leg.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StopEnd {
    pub(crate) node: u32,
    pub(crate) snap_m: f64,
}

impl StopEnd {
    pub(crate) fn of(stops: &[Snapped], graph: &RoadGraph) -> Result<Vec<Self>, RoadError> {
        if let Some((stop, s)) = stops.iter().enumerate().find(|(_, s)| !graph.contains(s.node)) {
            return Err(RoadError::ForeignStop { stop, node: s.node.index() as u32 });
        }
        if u32::try_from(stops.len()).is_err() {
            let expected = "at most 2^32 - 1 stops";
            let value = stops.len() as f64;
            return Err(RoadError::InvalidOption { name: "stops", value, expected });
        }
        let end = |s: &Snapped| StopEnd { node: s.node.index() as u32, snap_m: s.snap_distance_m };
        Ok(stops.iter().map(end).collect())
    }
}

/// The `k` nearest stops of every stop, nearest first, in one flat array.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourLists {
    row_len: usize,
    entries: Vec<Neighbour>,
    lens: Vec<u32>,
}

impl NeighbourLists {
    /// Bytes that lists of `k` neighbours for `stops` stops take, plus the search space
    /// of each of `threads` workers on a graph of `nodes` nodes.
    pub fn bytes_needed(stops: usize, k: usize, nodes: usize, threads: usize) -> u64 {
        let row = k.min(stops.saturating_sub(1)) as u128;
        let lists = stops as u128 * (row * size_of::<Neighbour>() as u128 + 4);
        let stop_index = (nodes as u128 + 1 + stops as u128) * 4;
        let scratch = threads as u128 * nodes as u128 * 20;
        u64::try_from(lists + stop_index + scratch).unwrap_or(u64::MAX)
    }

    /// The `options.neighbours` nearest other stops of each of `stops`, by travel time at
    /// `departure_hour`, using `ctx.threads()` workers.
    ///
    /// # Errors
    /// [`RoadError::InvalidHour`] / [`RoadError::InvalidOption`] for a bad hour or
    /// profile, [`RoadError::ForeignStop`] for a stop snapped on another graph,
    /// [`RoadError::MemoryLimit`] (checked before anything is allocated) when the lists
    /// would exceed `options.max_neighbour_bytes`, [`RoadError::Interrupted`] when `ctx`
    /// is cancelled or past its deadline (checked before each stop's search),
    /// [`RoadError::ThreadPool`] when the workers cannot start.
    ///
    /// # Complexity
    /// One bounded Dijkstra per stop, each settling the nodes up to its `k`-th nearest
    /// stop: O(n s log s) for s settled nodes per search, in parallel; memory
    /// 12 n k bytes (see [`bytes_needed`](Self::bytes_needed)). Progress is reported
    /// per stop.
    pub fn compute(
        graph: &RoadGraph,
        stops: &[Snapped],
        profile: &TrafficProfile,
        departure_hour: u8,
        options: &OracleOptions,
        ctx: &SolveContext,
    ) -> Result<Self, RoadError> {
        let multiplier = profile.time_multiplier(departure_hour)?;
        let ends = StopEnd::of(stops, graph)?;
        let threads = ctx.threads();
        let needed =
            Self::bytes_needed(stops.len(), options.neighbours, graph.node_count(), threads);
        if needed > options.max_neighbour_bytes {
            let limit_bytes = options.max_neighbour_bytes;
            return Err(RoadError::MemoryLimit {
                what: "neighbour lists",
                needed_bytes: needed,
                limit_bytes,
            });
        }
        let n = ends.len();
        let row_len = options.neighbours.min(n.saturating_sub(1));
        let mut lists =
            Self { row_len, entries: vec![Neighbour::default(); n * row_len], lens: vec![0; n] };
        if row_len == 0 {
            return Ok(lists);
        }
        let at = StopsAtNodes::new(&ends, graph.node_count());
        let ms_per_m = cost::ms_per_m(graph.access_speed_kmh());
        let csr = graph.csr();
        let progress = ctx.progress();
        progress.phase("neighbour lists");
        progress.set_total(n as u64);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| RoadError::ThreadPool { threads, source })?;
        let nodes = graph.node_count();
        pool.install(|| {
            lists
                .entries
                .par_chunks_mut(row_len)
                .zip(lists.lens.par_iter_mut())
                .enumerate()
                .try_for_each_init(
                    || Bounded::new(nodes),
                    |search, (i, (row, len))| {
                        ctx.check()?;
                        search.run(csr, &at, &ends, i, row_len, ms_per_m);
                        for (slot, &(ff_ms, distance_m, stop)) in row.iter_mut().zip(&search.sorted)
                        {
                            let time_s = cost::retime_s(ff_ms, multiplier);
                            *slot = Neighbour { stop, time_s, distance_m };
                        }
                        *len = search.sorted.len().min(row_len) as u32;
                        progress.advance(1);
                        Ok::<(), RoadError>(())
                    },
                )
        })?;
        Ok(lists)
    }

    /// Number of stops (lists).
    pub fn len(&self) -> usize {
        self.lens.len()
    }

    /// Whether there is no stop.
    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    /// The neighbours of stop `stop`, nearest first (by free-flow time, then distance, then
    /// index); empty when `stop` is out of range. Shorter than `k` only when fewer other
    /// stops exist or can be reached.
    pub fn of(&self, stop: usize) -> &[Neighbour] {
        match self.lens.get(stop) {
            Some(&len) => &self.entries[stop * self.row_len..][..len as usize],
            None => &[],
        }
    }

    /// Memory held by the lists.
    ///
    /// # Units
    /// Bytes.
    pub fn heap_bytes(&self) -> usize {
        self.entries.len() * size_of::<Neighbour>() + self.lens.len() * 4
    }
}

/// The stops at each road node, in CSR form.
struct StopsAtNodes {
    first: Vec<u32>,
    stops: Vec<u32>,
}

impl StopsAtNodes {
    fn new(ends: &[StopEnd], nodes: usize) -> Self {
        let mut first = vec![0u32; nodes + 1];
        for e in ends {
            first[e.node as usize + 1] += 1;
        }
        for v in 0..nodes {
            first[v + 1] += first[v];
        }
        let mut next = first.clone();
        let mut stops = vec![0u32; ends.len()];
        for (i, e) in ends.iter().enumerate() {
            let slot = &mut next[e.node as usize];
            stops[*slot as usize] = i as u32;
            *slot += 1;
        }
        Self { first, stops }
    }

    fn at(&self, node: u32) -> &[u32] {
        let v = node as usize;
        &self.stops[self.first[v] as usize..self.first[v + 1] as usize]
    }
}

/// Scratch space of one worker: a Dijkstra reset only where it wrote.
struct Bounded {
    time: Vec<u64>,
    length: Vec<u64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    /// The best candidates so far, worst on top: `(free-flow ms, metres, stop)`.
    best: BinaryHeap<(u32, u32, u32)>,
    /// The result of the last run, nearest first.
    sorted: Vec<(u32, u32, u32)>,
}

impl Bounded {
    fn new(nodes: usize) -> Self {
        Self {
            time: vec![UNSET; nodes],
            length: vec![UNSET; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            best: BinaryHeap::new(),
            sorted: Vec::new(),
        }
    }

    /// Finds the `k` nearest stops of stop `source` (see the module docs for the stop rule).
    fn run(
        &mut self,
        csr: &Csr,
        at: &StopsAtNodes,
        ends: &[StopEnd],
        source: usize,
        k: usize,
        ms_per_m: f64,
    ) {
        for &v in &self.touched {
            self.time[v as usize] = UNSET;
            self.length[v as usize] = UNSET;
        }
        self.touched.clear();
        self.heap.clear();
        self.best.clear();
        let a = ends[source];
        self.time[a.node as usize] = 0;
        self.length[a.node as usize] = 0;
        self.touched.push(a.node);
        self.heap.push(Reverse((0, 0, a.node)));
        while let Some(Reverse((t, l, v))) = self.heap.pop() {
            let vi = v as usize;
            if (t, l) != (self.time[vi], self.length[vi]) {
                continue; // stale: a better label was pushed later
            }
            if self.best.len() == k {
                let at_least = cost::stop_entry(t, l, a.snap_m, ms_per_m).0;
                if self.best.peek().is_some_and(|worst| worst.0 < at_least) {
                    break;
                }
            }
            for &j in at.at(v) {
                if j as usize == source {
                    continue;
                }
                let b = ends[j as usize];
                let (ff, m) = cost::stop_entry(t, l, a.snap_m + b.snap_m, ms_per_m);
                let candidate = (ff, m, j);
                if self.best.len() < k {
                    self.best.push(candidate);
                } else if self.best.peek().is_some_and(|worst| candidate < *worst) {
                    self.best.pop();
                    self.best.push(candidate);
                }
            }
            for e in csr.out_edges(vi) {
                let (w, et, el) = csr.edge(e);
                let wi = w as usize;
                let (nt, nl) = (t + u64::from(et), l + u64::from(el));
                if (nt, nl) < (self.time[wi], self.length[wi]) {
                    if self.time[wi] == UNSET {
                        self.touched.push(w);
                    }
                    self.time[wi] = nt;
                    self.length[wi] = nl;
                    self.heap.push(Reverse((nt, nl, w)));
                }
            }
        }
        self.sorted.clear();
        self.sorted.extend(self.best.drain());
        self.sorted.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Interrupted;
    use crate::roads::graph::tests::{edge, grid_node};
    use crate::roads::graph::{RoadNode, RoadOptions};
    use crate::roads::matrix::TravelMatrix;

    /// A two-way 6 x 6 grid with uneven street times, so rows have ties and non-ties.
    fn grid() -> RoadGraph {
        let id = |r: u32, c: u32| r * 6 + c;
        let nodes = (0..36).map(|i| grid_node(i / 6, i % 6)).collect();
        let mut edges = Vec::new();
        for r in 0..6 {
            for c in 0..6 {
                if c + 1 < 6 {
                    let s = 10 + (r * 7 + c * 3) % 5;
                    edges.extend([
                        (id(r, c), id(r, c + 1), edge(s)),
                        (id(r, c + 1), id(r, c), edge(s)),
                    ]);
                }
                if r + 1 < 6 {
                    let s = 10 + (r + c) % 3;
                    edges.extend([
                        (id(r, c), id(r + 1, c), edge(s)),
                        (id(r + 1, c), id(r, c), edge(s)),
                    ]);
                }
            }
        }
        RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap()
    }

    /// Stops on every other node, some two to a node, with snap legs of 0-40 m.
    fn stops(g: &RoadGraph) -> Vec<Snapped> {
        (0..30)
            .map(|i| {
                let node = RoadNode::new((i * 7) % 36);
                let n = g.node(node);
                let snap_distance_m = f64::from((i * 13 % 5) as u32) * 10.0;
                Snapped { node, snap_distance_m, lat: n.lat, lon: n.lon }
            })
            .collect()
    }

    #[test]
    fn lists_are_the_first_k_of_the_sorted_matrix_row() {
        let g = grid();
        let stops = stops(&g);
        let mut hourly = [1.0; 24];
        hourly[8] = 0.7;
        let profile = TrafficProfile::hourly(hourly);
        for threads in [1, 2] {
            let ctx = SolveContext::new(0).with_threads(threads);
            let m = TravelMatrix::compute(&g, &stops, &profile, 8, &ctx).unwrap();
            for k in [1, 5, 29, 40] {
                let options = OracleOptions::default().with_neighbours(k);
                let lists =
                    NeighbourLists::compute(&g, &stops, &profile, 8, &options, &ctx).unwrap();
                assert_eq!(lists.len(), 30);
                for i in 0..30 {
                    let mut row: Vec<(u32, u32, usize)> = (0..30)
                        .filter(|&j| j != i)
                        .map(|j| (m.free_flow_ms(i, j), m.distance_m(i, j), j))
                        .collect();
                    row.sort_unstable();
                    let expected: Vec<Neighbour> = row
                        .iter()
                        .take(k)
                        .map(|&(_, _, j)| Neighbour {
                            stop: j as u32,
                            time_s: m.time_s(i, j),
                            distance_m: m.distance_m(i, j),
                        })
                        .collect();
                    assert_eq!(lists.of(i), expected.as_slice(), "stop {i}, k {k}");
                }
            }
        }
    }

    #[test]
    fn the_search_stops_early_on_a_large_graph() {
        // On a 6 x 6 grid with stops everywhere, the 3 nearest lie within two blocks.
        let g = grid();
        let stops: Vec<Snapped> = (0..36)
            .map(|i| {
                let n = g.node(RoadNode::new(i));
                Snapped { node: RoadNode::new(i), snap_distance_m: 0.0, lat: n.lat, lon: n.lon }
            })
            .collect();
        let ends = StopEnd::of(&stops, &g).unwrap();
        let at = StopsAtNodes::new(&ends, 36);
        let mut search = Bounded::new(36);
        search.run(g.csr(), &at, &ends, 0, 3, cost::ms_per_m(15.0));
        assert_eq!(search.sorted.len(), 3);
        assert!(search.touched.len() < 15, "touched {} of 36 nodes", search.touched.len());
    }

    #[test]
    fn memory_limit_foreign_stops_and_cancel_are_errors() {
        let g = grid();
        let stops = stops(&g);
        let flat = TrafficProfile::flat();
        let ctx = SolveContext::new(0);
        let tight = OracleOptions::default().with_max_neighbour_bytes(1_000);
        match NeighbourLists::compute(&g, &stops, &flat, 0, &tight, &ctx) {
            Err(RoadError::MemoryLimit { needed_bytes, limit_bytes: 1_000, .. }) => {
                assert!(needed_bytes > 1_000)
            }
            other => panic!("{other:?}"),
        }
        let options = OracleOptions::default();
        let mut foreign = stops.clone();
        foreign[3].node = RoadNode::new(500);
        let e = NeighbourLists::compute(&g, &foreign, &flat, 0, &options, &ctx);
        assert!(matches!(e, Err(RoadError::ForeignStop { stop: 3, node: 500 })), "{e:?}");
        let cancelled = SolveContext::new(0);
        cancelled.cancel_token().cancel();
        let e = NeighbourLists::compute(&g, &stops, &flat, 0, &options, &cancelled);
        assert!(matches!(e, Err(RoadError::Interrupted(Interrupted::Cancelled))), "{e:?}");
        let none = NeighbourLists::compute(&g, &stops[..1], &flat, 0, &options, &ctx).unwrap();
        assert!(none.of(0).is_empty() && none.of(7).is_empty());
    }
}
