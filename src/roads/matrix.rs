//! Travel-time and distance matrices between the stops of a request.
//!
//! # How an entry is made
//! For stops `i != j` snapped to road nodes `u` and `v`:
//!
//! ```text
//! free_flow_ms(i, j) = leg(i) + fastest_path_ms(u -> v) + leg(j)
//! time_s(i, j)       = round(free_flow_ms(i, j) * multiplier(hour) / 1000)
//! distance_m(i, j)   = round((snap_i + length_of_that_path + snap_j) / 1000 mm)
//! ```
//!
//! where `leg(k)` is stop `k`'s snap distance driven at
//! [`RoadGraph::access_speed_kmh`] and `multiplier` comes from the [`TrafficProfile`] (see
//! [`traffic`](super::traffic)). The path is the fastest one, ties broken by length; the
//! distance is that path's length, not the shortest distance. `(i, i)` is 0. Two stops
//! snapped to the same node are `leg(i) + leg(j)` apart. Rounding to whole seconds and
//! metres happens once per entry, so the triangle inequality may be off by 1 (unit).
//! A pair without a path is an error ([`RoadError::NoPath`]), never a silent 0; it cannot
//! happen on a graph built here, which keeps one strongly connected component.
//!
//! # Why one Dijkstra per source, on a contracted copy
//! Per request, every chain of shape nodes that holds no stop (a node with one way in and
//! one out, or the two directions of a two-way street) is replaced by one edge with the
//! chain's summed time and length: fastest paths between the remaining nodes are exactly
//! the same, and OSM ways carry many shape nodes (Monaco with 1,000 stops: 14,782 nodes
//! become 2,479). Then one Dijkstra per distinct stop node runs on that small graph, in
//! parallel over sources with rayon (one reusable scratch space per worker), each stopping
//! once every stop node is settled.
//!
//! Measured on Monaco (`cargo bench --bench matrix`, figures in `docs/benchmarks.md`): a
//! 1,000 x 1,000 time-and-distance matrix takes 0.12-0.28 s on 2 cores shared with other
//! work (load 4.5-10.5), well under the 1 s bar, with no preprocessing to keep in sync with
//! the graph. The peer, contraction hierarchies from `fast_paths`, needs its own
//! contraction (0.06 s) and then answers one pair at a time: 100 x 100 pairs took 0.10 s,
//! 5x this crate's whole 100 x 100 matrix (0.019 s), so 1,000 x 1,000 would be a million
//! queries (about 10 s), and without distances. A many-to-many bucket CH would beat n
//! searches on country graphs, where one Dijkstra settles millions of nodes, but
//! `fast_paths` does not expose the contracted graph it would need; revisit if stops come
//! from regional extracts.

use crate::context::SolveContext;
use crate::roads::cost;
use crate::roads::error::RoadError;
use crate::roads::graph::{RoadGraph, Search, UNSET};
use crate::roads::snap::Snapped;
use crate::roads::traffic::TrafficProfile;
use rayon::prelude::*;

/// An n x n matrix of integer travel times and distances between snapped stops, for one
/// departure hour. Row-major; row = from, column = to.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelMatrix {
    n: usize,
    departure_hour: u8,
    time_multiplier: f64,
    free_flow_ms: Vec<u32>,
    time_s: Vec<u32>,
    distance_m: Vec<u32>,
}

impl TravelMatrix {
    /// Computes the matrix between `stops` (in that order) for a departure in
    /// `departure_hour`, using `ctx.threads()` worker threads.
    ///
    /// # Errors
    /// [`RoadError::InvalidHour`] / [`RoadError::InvalidOption`] for a bad hour or profile,
    /// [`RoadError::ForeignStop`] for a stop snapped on another graph,
    /// [`RoadError::Interrupted`] when `ctx` is cancelled or past its deadline (checked
    /// before each search), [`RoadError::NoPath`] when some pair is unconnected,
    /// [`RoadError::ThreadPool`] when the workers cannot start,
    /// [`RoadError::OutOfMemory`] when the n x n buffers cannot be allocated.
    ///
    /// # Complexity
    /// One Dijkstra per distinct stop node on the chain-contracted graph,
    /// O(n (V + E) log V), divided over the threads; 12 bytes per matrix entry (free-flow
    /// time, time, distance) plus 16 bytes x 256 x distinct nodes of search rows in flight.
    /// Progress is reported per search.
    pub fn compute(
        graph: &RoadGraph,
        stops: &[Snapped],
        profile: &TrafficProfile,
        departure_hour: u8,
        ctx: &SolveContext,
    ) -> Result<Self, RoadError> {
        let time_multiplier = profile.time_multiplier(departure_hour)?;
        if let Some((stop, s)) = stops.iter().enumerate().find(|(_, s)| !graph.contains(s.node)) {
            return Err(RoadError::ForeignStop { stop, node: s.node.index() as u32 });
        }
        // One search per distinct node: stops at the same address share it.
        let mut nodes: Vec<u32> = stops.iter().map(|s| s.node.index() as u32).collect();
        nodes.sort_unstable();
        nodes.dedup();
        let slot: Vec<usize> = stops
            .iter()
            .map(|s| nodes.binary_search(&(s.node.index() as u32)).unwrap_or_default())
            .collect();

        // Shape nodes between junctions are only worth searching when a stop sits on them.
        let mut keep = vec![false; graph.node_count()];
        for &v in &nodes {
            keep[v as usize] = true;
        }
        let (csr, new_index) = graph.csr().without_chains(&keep);
        let targets: Vec<u32> = nodes.iter().map(|&v| new_index[v as usize]).collect();
        tracing::debug!(
            stops = stops.len(),
            nodes = graph.node_count(),
            search_nodes = csr.node_count(),
            "travel matrix search graph (shape-node chains contracted)"
        );

        let progress = ctx.progress();
        progress.phase("travel matrix");
        progress.set_total(targets.len() as u64);
        let threads = ctx.threads();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| RoadError::ThreadPool { threads, source })?;
        let mut stops_at: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        for (i, &s) in slot.iter().enumerate() {
            stops_at[s].push(i);
        }
        let n = stops.len();
        let mut fill = Fill {
            n,
            ms_per_m: cost::ms_per_m(graph.access_speed_kmh()),
            free_flow_ms: zeroed(n.checked_mul(n), "travel matrix")?,
            distance_m: zeroed(n.checked_mul(n), "travel matrix")?,
            missing: 0,
            first_missing: Vec::new(),
        };
        // Sources go in batches so that the raw search rows held at once stay small
        // (BATCH x distinct nodes) next to the n x n result.
        for (b, batch) in targets.chunks(BATCH).enumerate() {
            let rows: Vec<Vec<(u64, u64)>> = pool.install(|| {
                batch
                    .par_iter()
                    .map_init(
                        || Search::new(csr.node_count()),
                        |search, &source| {
                            ctx.check()?;
                            search.run(&csr, source, &targets);
                            progress.advance(1);
                            let row =
                                targets.iter().map(|&t| (search.time_ms(t), search.length_mm(t)));
                            Ok(row.collect())
                        },
                    )
                    .collect::<Result<_, RoadError>>()
            })?;
            for (k, row) in rows.iter().enumerate() {
                for &i in &stops_at[b * BATCH + k] {
                    fill.row(i, stops, &slot, row);
                }
            }
        }
        if fill.missing > 0 {
            fill.first_missing.sort_unstable();
            fill.first_missing.truncate(10);
            return Err(RoadError::NoPath { count: fill.missing, first: fill.first_missing });
        }
        let Fill { free_flow_ms, distance_m, .. } = fill;
        let time_s = retime(&free_flow_ms, time_multiplier)?;
        Ok(Self { n, departure_hour, time_multiplier, free_flow_ms, time_s, distance_m })
    }

    /// The same matrix re-timed for another departure hour or profile. Paths do not depend
    /// on the profile (its factor is uniform over the network), so no search is repeated.
    ///
    /// # Errors
    /// [`RoadError::InvalidHour`] / [`RoadError::InvalidOption`] for a bad hour or profile,
    /// [`RoadError::OutOfMemory`] when the re-timed matrix cannot be allocated.
    ///
    /// # Complexity
    /// O(n²).
    pub fn at_hour(&self, profile: &TrafficProfile, departure_hour: u8) -> Result<Self, RoadError> {
        let time_multiplier = profile.time_multiplier(departure_hour)?;
        Ok(Self {
            departure_hour,
            time_multiplier,
            time_s: retime(&self.free_flow_ms, time_multiplier)?,
            ..self.clone()
        })
    }

    /// Number of stops (rows, columns).
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the matrix has no stop.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The departure hour the times are for.
    pub fn departure_hour(&self) -> u8 {
        self.departure_hour
    }

    /// The factor applied to free-flow times (`weather / hourly speed factor`).
    pub fn time_multiplier(&self) -> f64 {
        self.time_multiplier
    }

    /// Travel time from stop `from` to stop `to` at the departure hour.
    ///
    /// # Units
    /// Whole seconds.
    ///
    /// # Panics
    /// If `from` or `to` is not below [`len`](Self::len).
    pub fn time_s(&self, from: usize, to: usize) -> u32 {
        self.time_s[self.at(from, to)]
    }

    /// Road distance from stop `from` to stop `to` (along the fastest path).
    ///
    /// # Units
    /// Whole metres.
    ///
    /// # Panics
    /// If `from` or `to` is not below [`len`](Self::len).
    pub fn distance_m(&self, from: usize, to: usize) -> u32 {
        self.distance_m[self.at(from, to)]
    }

    /// Free-flow travel time (no traffic, no weather factor), before rounding to seconds.
    ///
    /// # Units
    /// Milliseconds.
    ///
    /// # Panics
    /// If `from` or `to` is not below [`len`](Self::len).
    pub fn free_flow_ms(&self, from: usize, to: usize) -> u32 {
        self.free_flow_ms[self.at(from, to)]
    }

    /// All travel times, row-major (`from * len + to`).
    ///
    /// # Units
    /// Whole seconds.
    pub fn times_s(&self) -> &[u32] {
        &self.time_s
    }

    /// All distances, row-major (`from * len + to`).
    ///
    /// # Units
    /// Whole metres.
    pub fn distances_m(&self) -> &[u32] {
        &self.distance_m
    }

    fn at(&self, from: usize, to: usize) -> usize {
        assert!(from < self.n && to < self.n, "stop index out of range");
        from * self.n + to
    }
}

/// Distinct source nodes searched per parallel batch.
const BATCH: usize = 256;

/// The result arrays while they are being filled, one row per stop.
struct Fill {
    n: usize,
    ms_per_m: f64,
    free_flow_ms: Vec<u32>,
    distance_m: Vec<u32>,
    missing: usize,
    first_missing: Vec<(usize, usize)>,
}

impl Fill {
    /// Row `i` from the search rooted at stop `i`'s node; `row` is indexed by node slot.
    fn row(&mut self, i: usize, stops: &[Snapped], slot: &[usize], row: &[(u64, u64)]) {
        let a = &stops[i];
        for (j, b) in stops.iter().enumerate() {
            if i == j {
                continue;
            }
            let (path_ms, path_mm) = row[slot[j]];
            if path_ms == UNSET {
                self.missing += 1;
                self.first_missing.push((i, j));
                if self.first_missing.len() > 100 {
                    self.first_missing.sort_unstable();
                    self.first_missing.truncate(10);
                }
                continue;
            }
            let snap_m = a.snap_distance_m + b.snap_distance_m;
            let (ms, m) = cost::stop_entry(path_ms, path_mm, snap_m, self.ms_per_m);
            self.free_flow_ms[i * self.n + j] = ms;
            self.distance_m[i * self.n + j] = m;
        }
    }
}

fn retime(free_flow_ms: &[u32], multiplier: f64) -> Result<Vec<u32>, RoadError> {
    let mut out = Vec::new();
    reserve(&mut out, free_flow_ms.len(), "travel matrix")?;
    out.extend(free_flow_ms.iter().map(|&ms| cost::retime_s(ms, multiplier)));
    Ok(out)
}

/// `len` zeros (`None`: the length overflowed), or [`RoadError::OutOfMemory`] when the
/// allocator refuses: an n x n buffer for a huge request must be an error, not an abort.
pub(crate) fn zeroed<T: Copy + Default>(
    len: Option<usize>,
    what: &'static str,
) -> Result<Vec<T>, RoadError> {
    let mut v = Vec::new();
    let Some(len) = len else {
        return Err(RoadError::OutOfMemory { what, needed_bytes: u64::MAX });
    };
    reserve(&mut v, len, what)?;
    v.resize(len, T::default());
    Ok(v)
}

/// Reserves room for `additional` more items, fallibly (see [`zeroed`]).
pub(crate) fn reserve<T>(
    v: &mut Vec<T>,
    additional: usize,
    what: &'static str,
) -> Result<(), RoadError> {
    v.try_reserve_exact(additional).map_err(|_| RoadError::OutOfMemory {
        what,
        needed_bytes: (additional as u64).saturating_mul(std::mem::size_of::<T>() as u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r12_a_matrix_too_big_to_allocate_is_an_error_not_an_abort() {
        let overflow = zeroed::<u32>(100_000usize.checked_mul(usize::MAX), "travel matrix");
        assert!(matches!(overflow, Err(RoadError::OutOfMemory { needed_bytes: u64::MAX, .. })));
        let huge = zeroed::<u32>(Some(usize::MAX / 2), "travel matrix");
        assert!(matches!(huge, Err(RoadError::OutOfMemory { what: "travel matrix", .. })));
        assert_eq!(zeroed::<u32>(Some(4), "travel matrix").unwrap(), vec![0; 4]);
    }
    use crate::context::{Interrupted, SolveContext};
    use crate::roads::graph::tests::{edge, grid_node};
    use crate::roads::graph::{EdgeData, NodeData, RoadNode, RoadOptions};
    use petgraph::algo::dijkstra;
    use proptest::prelude::*;

    fn at_node(g: &RoadGraph, i: usize) -> Snapped {
        let n = g.node(RoadNode::new(i));
        Snapped { node: RoadNode::new(i), snap_distance_m: 0.0, lat: n.lat, lon: n.lon }
    }

    fn all_nodes(g: &RoadGraph) -> Vec<Snapped> {
        (0..g.node_count()).map(|i| at_node(g, i)).collect()
    }

    /// A two-way path 0 - 1 - 2 - 3 with 10, 20, 30 s edges.
    fn line() -> RoadGraph {
        let nodes = (0..4).map(|i| grid_node(0, i)).collect();
        let mut edges = Vec::new();
        for (i, s) in [(0, 10), (1, 20), (2, 30)] {
            edges.extend([(i, i + 1, edge(s)), (i + 1, i, edge(s))]);
        }
        RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap()
    }

    fn flat(g: &RoadGraph, stops: &[Snapped]) -> Result<TravelMatrix, RoadError> {
        TravelMatrix::compute(g, stops, &TrafficProfile::flat(), 0, &SolveContext::new(1))
    }

    #[test]
    fn undirected_toy_gives_a_symmetric_matrix_with_zero_diagonal() {
        let g = line();
        let m = flat(&g, &all_nodes(&g)).unwrap();
        assert_eq!(m.len(), 4);
        for i in 0..4 {
            assert_eq!((m.time_s(i, i), m.distance_m(i, i)), (0, 0));
            for j in 0..4 {
                assert_eq!(m.time_s(i, j), m.time_s(j, i));
                assert_eq!(m.distance_m(i, j), m.distance_m(j, i));
            }
        }
        assert_eq!(m.time_s(0, 3), 60);
        assert_eq!(m.distance_m(0, 3), 600);
    }

    #[test]
    fn snap_legs_are_charged_at_access_speed_and_same_node_stops_are_apart() {
        let g = line();
        let mut far = at_node(&g, 3);
        far.snap_distance_m = 50.0; // 50 m at 15 km/h = 12 s
        let stops = [at_node(&g, 0), far, at_node(&g, 3)];
        let m = flat(&g, &stops).unwrap();
        assert_eq!((m.time_s(0, 1), m.distance_m(0, 1)), (72, 650));
        assert_eq!((m.time_s(1, 0), m.distance_m(1, 0)), (72, 650));
        assert_eq!((m.time_s(1, 2), m.distance_m(1, 2)), (12, 50));
        assert_eq!(m.free_flow_ms(1, 2), 12_000);
    }

    #[test]
    fn slower_hours_and_weather_scale_times_but_not_distances() {
        let g = line();
        let stops = all_nodes(&g);
        let mut hourly = [1.0; 24];
        hourly[8] = 0.5;
        let profile = TrafficProfile::hourly(hourly).with_weather(1.5);
        let ctx = SolveContext::new(1);
        let rush = TravelMatrix::compute(&g, &stops, &profile, 8, &ctx).unwrap();
        let night = TravelMatrix::compute(&g, &stops, &profile, 3, &ctx).unwrap();
        let free = flat(&g, &stops).unwrap();
        for i in 0..4 {
            for j in 0..4 {
                assert_eq!(rush.time_s(i, j), free.time_s(i, j) * 3);
                assert_eq!(night.time_s(i, j) * 2, free.time_s(i, j) * 3);
                assert_eq!(rush.distance_m(i, j), free.distance_m(i, j));
            }
        }
        assert_eq!(free.at_hour(&profile, 8).unwrap(), rush);
        assert!(matches!(free.at_hour(&profile, 24), Err(RoadError::InvalidHour { hour: 24 })));
    }

    #[test]
    fn unconnected_pairs_are_reported_not_zero() {
        // 0 -> 1 one-way only: 1 cannot reach 0.
        let nodes = vec![grid_node(0, 0), grid_node(0, 1)];
        let g = RoadGraph::unfiltered_for_tests(nodes, vec![(0, 1, edge(5))]);
        match flat(&g, &all_nodes(&g)) {
            Err(RoadError::NoPath { count, first }) => {
                assert_eq!(count, 1);
                assert_eq!(first, [(1, 0)]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn foreign_stops_cancel_and_bad_hours_are_errors() {
        let g = line();
        let mut foreign = at_node(&g, 0);
        foreign.node = RoadNode::new(99);
        assert!(matches!(flat(&g, &[foreign]), Err(RoadError::ForeignStop { stop: 0, node: 99 })));
        let ctx = SolveContext::new(1);
        ctx.cancel_token().cancel();
        let r = TravelMatrix::compute(&g, &all_nodes(&g), &TrafficProfile::flat(), 0, &ctx);
        assert!(matches!(r, Err(RoadError::Interrupted(Interrupted::Cancelled))));
        let r = TravelMatrix::compute(&g, &[], &TrafficProfile::flat(), 30, &SolveContext::new(1));
        assert!(matches!(r, Err(RoadError::InvalidHour { hour: 30 })));
        assert!(flat(&g, &[]).unwrap().is_empty());
    }

    prop_compose! {
        /// A random directed toy network: up to 12 nodes, whole-second edge times.
        fn toy_network()(n in 2u32..12)(
            n in Just(n),
            edges in prop::collection::vec((0..n, 0..n, 1u32..120, 1u32..500), 1..40),
        ) -> (Vec<NodeData>, Vec<(u32, u32, EdgeData)>) {
            let nodes = (0..n).map(|i| grid_node(i / 4, i % 4)).collect();
            let edges = edges
                .into_iter()
                .map(|(a, b, s, m)| (a, b, EdgeData { length_mm: m * 1000, time_ms: s * 1000 }))
                .collect();
            (nodes, edges)
        }
    }

    prop_compose! {
        /// A road-like toy network: a ring of up to 30 nodes whose segments are one- or
        /// two-way, plus a few chords, so it has long chains of shape-like nodes.
        fn ring_network()(n in 3u32..30)(
            n in Just(n),
            ring in prop::collection::vec((any::<bool>(), 1u32..60, 1u32..300), n as usize),
            chords in prop::collection::vec((0..n, 0..n, 1u32..60, 1u32..300), 0..4),
        ) -> (Vec<NodeData>, Vec<(u32, u32, EdgeData)>) {
            let nodes = (0..n).map(|i| grid_node(i / 6, i % 6)).collect();
            let mut edges = Vec::new();
            let ed = |s: u32, m: u32| EdgeData { length_mm: m * 1000, time_ms: s * 1000 };
            for (i, (two_way, s, m)) in ring.into_iter().enumerate() {
                let (a, b) = (i as u32, (i as u32 + 1) % n);
                edges.push((a, b, ed(s, m)));
                if two_way {
                    edges.push((b, a, ed(s + 1, m)));
                }
            }
            edges.extend(chords.into_iter().map(|(a, b, s, m)| (a, b, ed(s, m))));
            (nodes, edges)
        }
    }

    proptest! {
        #[test]
        fn chain_contraction_keeps_exact_times_and_lengths(
            (nodes, edges) in ring_network(),
            picks in prop::collection::vec(any::<prop::sample::Index>(), 1..6),
        ) {
            let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
            let stops: Vec<Snapped> =
                picks.iter().map(|p| at_node(&g, p.index(g.node_count()))).collect();
            let m = flat(&g, &stops).unwrap();
            for (i, a) in stops.iter().enumerate() {
                let reference = dijkstra(g.graph(), a.node, None, |e| e.weight().time_ms);
                for (j, b) in stops.iter().enumerate() {
                    if i == j {
                        continue;
                    }
                    let path = g.shortest_path(a.node, b.node).unwrap();
                    prop_assert_eq!(m.free_flow_ms(i, j), reference[&b.node]);
                    prop_assert_eq!(u64::from(m.free_flow_ms(i, j)), path.time_ms);
                    prop_assert_eq!(u64::from(m.distance_m(i, j)) * 1000, path.length_mm);
                }
            }
        }

        #[test]
        fn matrix_entries_equal_petgraph_dijkstra((nodes, edges) in toy_network(), threads in 1usize..3) {
            let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
            let ctx = SolveContext::new(0).with_threads(threads);
            let m = TravelMatrix::compute(&g, &all_nodes(&g), &TrafficProfile::flat(), 12, &ctx)
                .unwrap();
            for i in 0..g.node_count() {
                let reference = dijkstra(g.graph(), RoadNode::new(i), None, |e| e.weight().time_ms);
                for j in 0..g.node_count() {
                    let expected = if i == j { 0 } else { reference[&RoadNode::new(j)] };
                    prop_assert_eq!(m.free_flow_ms(i, j), expected);
                    prop_assert_eq!(m.time_s(i, j) * 1000, expected);
                    let path = g.shortest_path(RoadNode::new(i), RoadNode::new(j)).unwrap();
                    if i != j {
                        prop_assert_eq!(u64::from(m.distance_m(i, j)) * 1000, path.length_mm);
                    }
                }
            }
        }
    }
}
