//! Arc costs between the stops of a city-scale request, without an n x n matrix.
//!
//! A [`RoadOracle`] bundles, for one set of snapped stops and one departure hour:
//! - the [neighbour lists](super::neighbours) (each stop's `k` nearest stops, computed
//!   up front: these are the arcs a routing search looks at most),
//! - a [contraction hierarchy](super::ch) shared by every oracle on the same graph, for
//!   any other arc the search asks for,
//! - a bounded [cache](super::arc_cache) of those answers, and counters of where each
//!   answer came from.
//!
//! Every answer is exactly the dense [`TravelMatrix`](super::matrix::TravelMatrix) entry
//! for the same pair (same path, same legs, same rounding; `roads::cost`), so a solver may
//! switch between the two without changing a single cost. The oracle is `Send + Sync`
//! and answers through `&self`, so a routing model can hold it in an `Arc` behind its own
//! arc-cost trait and query it from parallel searches.

use crate::context::SolveContext;
use crate::roads::arc_cache::ArcCache;
use crate::roads::ch::ContractionHierarchy;
use crate::roads::cost;
use crate::roads::error::RoadError;
use crate::roads::graph::{RoadGraph, RoadNode};
use crate::roads::neighbours::{Neighbour, NeighbourLists, StopEnd};
pub use crate::roads::oracle_options::OracleOptions;
use crate::roads::snap::Snapped;
use crate::roads::traffic::TrafficProfile;
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The travel time and distance of one arc, as in the dense matrix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ArcCost {
    /// Travel time at the oracle's departure hour.
    ///
    /// # Units
    /// Whole seconds.
    pub time_s: u32,
    /// Road distance along the fastest path.
    ///
    /// # Units
    /// Whole metres.
    pub distance_m: u32,
}

/// Where the answers of a [`RoadOracle`] came from, since it was built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OracleStats {
    /// Calls of [`RoadOracle::arc`] with valid stops.
    pub queries: u64,
    /// Answered from the neighbour lists.
    pub neighbour_hits: u64,
    /// Answered from the cache.
    pub cache_hits: u64,
    /// Answered by a hierarchy query (then cached).
    pub hierarchy_queries: u64,
    /// Time spent in those hierarchy queries, summed over the threads that asked.
    ///
    /// # Units
    /// Microseconds.
    pub hierarchy_us: u64,
}

/// Arc costs between a fixed set of snapped stops at one departure hour.
pub struct RoadOracle {
    hierarchy: Arc<ContractionHierarchy>,
    ends: Vec<StopEnd>,
    ms_per_m: f64,
    departure_hour: u8,
    time_multiplier: f64,
    neighbours: NeighbourLists,
    cache: ArcCache<ArcCost>,
    queries: AtomicU64,
    neighbour_hits: AtomicU64,
    cache_hits: AtomicU64,
    hierarchy_queries: AtomicU64,
    hierarchy_ns: AtomicU64,
}

impl std::fmt::Debug for RoadOracle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoadOracle")
            .field("stops", &self.ends.len())
            .field("departure_hour", &self.departure_hour)
            .field("stats", &self.stats())
            .finish()
    }
}

impl RoadOracle {
    /// Builds the neighbour lists of `stops` and readies point-to-point queries on
    /// `hierarchy` (built with [`ContractionHierarchy::build`] on the same `graph`).
    ///
    /// # Errors
    /// [`RoadError::ForeignHierarchy`] when `hierarchy` belongs to another graph, and
    /// every error of [`NeighbourLists::compute`] (bad hour, foreign stop, memory limit,
    /// cancelled, thread pool).
    ///
    /// # Complexity
    /// That of [`NeighbourLists::compute`]; the cache is allocated as it fills.
    ///
    /// # Example
    /// ```
    /// use std::sync::Arc;
    /// use stockroute::SolveContext;
    /// use stockroute::roads::ch::ContractionHierarchy;
    /// use stockroute::roads::oracle::{OracleOptions, RoadOracle};
    /// use stockroute::roads::{DEFAULT_MAX_SNAP_M, RoadGraph, RoadOptions, TrafficProfile};
    ///
    /// let graph = RoadGraph::from_pbf("data/scenarios/monaco/roads.osm.pbf", &RoadOptions::default())?;
    /// let points = [(43.7314, 7.4197), (43.7393, 7.4286), (43.7370, 7.4210)];
    /// let stops: Vec<_> =
    ///     points.iter().map(|&(lat, lon)| graph.snap(lat, lon, DEFAULT_MAX_SNAP_M).expect("street")).collect();
    /// let ctx = SolveContext::new(1).with_threads(2);
    /// let hierarchy = Arc::new(ContractionHierarchy::build(graph.graph(), &ctx)?);
    /// let options = OracleOptions::default().with_neighbours(1);
    /// let oracle = RoadOracle::build(&graph, hierarchy, &stops, &TrafficProfile::flat(), 9, &options, &ctx)?;
    /// assert_eq!(oracle.neighbours(0).len(), 1);
    /// let arc = oracle.arc(0, 1)?; // from a list or from the hierarchy, same numbers
    /// assert!(arc.time_s > 60 && arc.distance_m > 1_000);
    /// Ok::<(), stockroute::Error>(())
    /// ```
    pub fn build(
        graph: &RoadGraph,
        hierarchy: Arc<ContractionHierarchy>,
        stops: &[Snapped],
        profile: &TrafficProfile,
        departure_hour: u8,
        options: &OracleOptions,
        ctx: &SolveContext,
    ) -> Result<Self, RoadError> {
        if hierarchy.node_count() != graph.node_count() {
            return Err(RoadError::ForeignHierarchy {
                hierarchy_nodes: hierarchy.node_count(),
                graph_nodes: graph.node_count(),
            });
        }
        let time_multiplier = profile.time_multiplier(departure_hour)?;
        let neighbours =
            NeighbourLists::compute(graph, stops, profile, departure_hour, options, ctx)?;
        Ok(Self {
            hierarchy,
            ends: StopEnd::of(stops, graph)?,
            ms_per_m: cost::ms_per_m(graph.access_speed_kmh()),
            departure_hour,
            time_multiplier,
            neighbours,
            cache: ArcCache::new(options.cache_entries),
            queries: AtomicU64::new(0),
            neighbour_hits: AtomicU64::new(0),
            cache_hits: AtomicU64::new(0),
            hierarchy_queries: AtomicU64::new(0),
            hierarchy_ns: AtomicU64::new(0),
        })
    }

    /// Number of stops.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the oracle has no stop.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The departure hour the times are for.
    pub fn departure_hour(&self) -> u8 {
        self.departure_hour
    }

    /// The `k` nearest stops of `stop`, nearest first (free-flow time, then distance, then
    /// index); empty when `stop` is out of range.
    pub fn neighbours(&self, stop: usize) -> &[Neighbour] {
        self.neighbours.of(stop)
    }

    /// All neighbour lists.
    pub fn neighbour_lists(&self) -> &NeighbourLists {
        &self.neighbours
    }

    /// The arc from stop `from` to stop `to`: from the neighbour lists, else the cache,
    /// else a hierarchy query (then cached). `(i, i)` is 0.
    ///
    /// # Units
    /// Whole seconds and metres ([`ArcCost`]), equal to `TravelMatrix::time_s` and
    /// `TravelMatrix::distance_m` for the same stops and hour.
    ///
    /// # Errors
    /// [`RoadError::StopOutOfRange`] for a position not below [`len`](Self::len),
    /// [`RoadError::NoPath`] when the two are not connected (never on graphs built by
    /// [`RoadGraph`]'s constructors, which keep one strongly connected component).
    ///
    /// # Complexity
    /// O(k) for the list, O(1) for the cache, one hierarchy query otherwise.
    pub fn arc(&self, from: usize, to: usize) -> Result<ArcCost, RoadError> {
        let stops = self.ends.len();
        if let Some(stop) = [from, to].into_iter().find(|&s| s >= stops) {
            return Err(RoadError::StopOutOfRange { stop, stops });
        }
        self.queries.fetch_add(1, Ordering::Relaxed);
        if from == to {
            return Ok(ArcCost::default());
        }
        if let Some(n) = self.neighbours.of(from).iter().find(|n| n.stop as usize == to) {
            self.neighbour_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(ArcCost { time_s: n.time_s, distance_m: n.distance_m });
        }
        // Both fit in 32 bits: the oracle refuses more than u32::MAX stops.
        let key = (from as u64) << 32 | to as u64;
        if let Some(arc) = self.cache.get(key) {
            self.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(arc);
        }
        self.hierarchy_queries.fetch_add(1, Ordering::Relaxed);
        let (a, b) = (self.ends[from], self.ends[to]);
        let node = |e: StopEnd| RoadNode::new(e.node as usize);
        // Timed so that a solve can report the road part of its work apart from the
        // search's (a clock read is ~25 ns against a query's microseconds).
        let started = std::time::Instant::now();
        let path = self.hierarchy.path(node(a), node(b));
        let spent_ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.hierarchy_ns.fetch_add(spent_ns, Ordering::Relaxed);
        let path = path.ok_or_else(|| RoadError::NoPath { count: 1, first: vec![(from, to)] })?;
        let snap_m = a.snap_m + b.snap_m;
        let (ff_ms, distance_m) =
            cost::stop_entry(path.time_ms, path.length_mm, snap_m, self.ms_per_m);
        let arc = ArcCost { time_s: cost::retime_s(ff_ms, self.time_multiplier), distance_m };
        self.cache.insert(key, arc);
        Ok(arc)
    }

    /// Where the answers so far came from.
    pub fn stats(&self) -> OracleStats {
        OracleStats {
            queries: self.queries.load(Ordering::Relaxed),
            neighbour_hits: self.neighbour_hits.load(Ordering::Relaxed),
            cache_hits: self.cache_hits.load(Ordering::Relaxed),
            hierarchy_queries: self.hierarchy_queries.load(Ordering::Relaxed),
            hierarchy_us: self.hierarchy_ns.load(Ordering::Relaxed) / 1000,
        }
    }

    /// An upper bound on every arc the oracle can answer: the hierarchy's bound on
    /// fastest paths ([`ContractionHierarchy::path_bound`]) plus the two longest snap legs,
    /// through the same formula as the arcs. Lets a routing model size its penalties
    /// without an n x n scan.
    ///
    /// # Units
    /// Whole seconds and metres ([`ArcCost`]).
    pub fn longest_arc(&self) -> ArcCost {
        let leg_m = self.ends.iter().map(|e| e.snap_m).fold(0.0, f64::max);
        let bound = self.hierarchy.path_bound();
        let (ff_ms, distance_m) =
            cost::stop_entry(bound.time_ms, bound.length_mm, 2.0 * leg_m, self.ms_per_m);
        ArcCost { time_s: cost::retime_s(ff_ms, self.time_multiplier), distance_m }
    }

    /// Bytes the oracle holds for its stops besides the shared hierarchy: the neighbour
    /// lists, the stops' ends and the cache when full.
    pub fn heap_bytes(&self) -> u64 {
        let per_cached_arc = 24; // key, value and hash-table slack
        self.neighbours.heap_bytes() as u64
            + (self.ends.len() * std::mem::size_of::<StopEnd>()) as u64
            + (self.cache.max_entries() * per_cached_arc) as u64
    }

    /// Arcs held in the cache now.
    pub fn cached_arcs(&self) -> usize {
        self.cache.len()
    }

    /// The most arcs the cache may hold at once.
    pub fn cache_capacity(&self) -> usize {
        self.cache.max_entries()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::graph::RoadOptions;
    use crate::roads::graph::tests::{edge, grid_node};
    use crate::roads::matrix::TravelMatrix;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn the_oracle_can_be_shared_between_threads() {
        assert_send_sync::<RoadOracle>();
        assert_send_sync::<ContractionHierarchy>();
    }

    /// A two-way ring of 12 nodes with a chord, stops on every node with snap legs.
    fn ring() -> (RoadGraph, Vec<Snapped>) {
        let nodes = (0..12).map(|i| grid_node(i / 4, i % 4)).collect();
        let mut edges = Vec::new();
        for i in 0..12u32 {
            let s = 5 + i % 4;
            edges.extend([(i, (i + 1) % 12, edge(s)), ((i + 1) % 12, i, edge(s))]);
        }
        edges.extend([(0, 6, edge(9)), (6, 0, edge(12))]);
        let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
        let stops = (0..12)
            .map(|i| {
                let node = RoadNode::new(i);
                let n = g.node(node);
                let snap_distance_m = (i % 3) as f64 * 7.5;
                Snapped { node, snap_distance_m, lat: n.lat, lon: n.lon }
            })
            .collect();
        (g, stops)
    }

    #[test]
    fn every_arc_equals_the_matrix_and_is_counted_by_source() {
        let (g, stops) = ring();
        let ctx = SolveContext::new(0).with_threads(2);
        let mut hourly = [1.0; 24];
        hourly[17] = 0.6;
        let profile = TrafficProfile::hourly(hourly).with_weather(1.1);
        let m = TravelMatrix::compute(&g, &stops, &profile, 17, &ctx).unwrap();
        let h = Arc::new(ContractionHierarchy::build(g.graph(), &ctx).unwrap());
        let options = OracleOptions::default().with_neighbours(3);
        let oracle = RoadOracle::build(&g, h, &stops, &profile, 17, &options, &ctx).unwrap();
        for round in 0..2 {
            for i in 0..12 {
                for j in 0..12 {
                    let arc = oracle.arc(i, j).unwrap();
                    let expected =
                        ArcCost { time_s: m.time_s(i, j), distance_m: m.distance_m(i, j) };
                    assert_eq!(arc, expected, "{i} -> {j}, round {round}");
                }
            }
        }
        let s = oracle.stats();
        assert_eq!(s.queries, 2 * 144);
        assert_eq!(s.neighbour_hits, 2 * 12 * 3);
        assert_eq!(s.hierarchy_queries, 12 * 8);
        assert_eq!(s.cache_hits, 12 * 8);
        assert_eq!(oracle.cached_arcs(), 12 * 8);
    }

    #[test]
    fn bad_stops_and_foreign_hierarchies_are_errors() {
        let (g, stops) = ring();
        let ctx = SolveContext::new(0);
        let h = Arc::new(ContractionHierarchy::build(g.graph(), &ctx).unwrap());
        let flat = TrafficProfile::flat();
        let options = OracleOptions::default();
        let oracle = RoadOracle::build(&g, h, &stops, &flat, 0, &options, &ctx).unwrap();
        assert!(matches!(
            oracle.arc(0, 12),
            Err(RoadError::StopOutOfRange { stop: 12, stops: 12 })
        ));
        assert!(matches!(oracle.arc(40, 1), Err(RoadError::StopOutOfRange { stop: 40, .. })));
        assert!(oracle.neighbours(12).is_empty());
        assert_eq!(oracle.stats().queries, 0);

        let nodes = (0..2).map(|i| grid_node(0, i)).collect();
        let other = RoadGraph::from_network(
            nodes,
            vec![(0, 1, edge(1)), (1, 0, edge(1))],
            &RoadOptions::default(),
        )
        .unwrap();
        let small = Arc::new(ContractionHierarchy::build(other.graph(), &ctx).unwrap());
        let e = RoadOracle::build(&g, small, &stops, &flat, 0, &options, &ctx);
        assert!(
            matches!(e, Err(RoadError::ForeignHierarchy { hierarchy_nodes: 2, graph_nodes: 12 })),
            "{e:?}"
        );
    }

    #[test]
    fn options_read_from_toml_and_reject_unknown_fields() {
        let o: OracleOptions = toml::from_str("neighbours = 12").unwrap();
        assert_eq!(o, OracleOptions::default().with_neighbours(12));
        assert!(toml::from_str::<OracleOptions>("neighbors = 12").is_err());
    }
}
