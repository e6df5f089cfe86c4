//! The road network: a directed petgraph graph of OSM road nodes and the segments one
//! vehicle profile may use.
//!
//! Built once per extract and profile ([`RoadGraph::from_pbf`]) or from explicit nodes and edges
//! ([`RoadGraph::from_network`], for non-OSM networks and tests), then shared read-only by
//! snapping, travel matrices and path geometry.
//!
//! Key decisions:
//! - **Integer measures.** Each edge stores its length in millimetres and its free-flow
//!   travel time in milliseconds (`u32`); searches add them in `u64`. Rounding happens once,
//!   when a matrix entry is turned into whole seconds and metres, so long paths of short
//!   OSM segments do not accumulate per-edge rounding.
//! - **Geodesic edge lengths** (WGS84 ellipsoid, `geo::Geodesic`), computed once at build.
//! - **Largest strongly connected component only.** OSM extracts contain one-way dead ends,
//!   private courtyards and pieces cut off at the extract border; a stop snapped there could
//!   be entered but not left (about 13% of random Monaco node pairs have no path before this
//!   step). Every other node is dropped and counted in [`BuildStats`], so any two snapped
//!   stops are connected both ways.
//! - **Typed indices**: `NodeIndex<u32>` ([`RoadNode`]); a flat CSR copy (`graph/csr.rs`)
//!   serves the hot searches.
//! - **One graph per vehicle profile** ([`VehicleProfile`]): a bike and a van use different
//!   ways at different speeds, so each profile reads the extract again into its own graph.
//!   The road class of each edge is kept beside the edges (one byte each, not in
//!   [`EdgeData`], which the searches copy), for callers that ask what a path runs on
//!   ([`RoadGraph::path_classes`]).
//!
//! Which ways a vehicle may use, their direction and speed: see [`VehicleProfile`] and
//! [`tags`].

mod csr;
pub(crate) mod elements;
mod options;
mod osm;
pub mod profile;
mod speeds;
pub mod tags;
pub mod way_rules;

use crate::context::SolveContext;
use crate::roads::ch::ContractionHierarchy;
use crate::roads::error::RoadError;
use crate::roads::spatial::SnapIndex;
pub(crate) use csr::{Csr, Search, UNSET};
pub use elements::{EdgeData, NodeData, RoadEdge, RoadNode};
pub use options::RoadOptions;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::DiGraph;
use petgraph::visit::EdgeRef;
pub use profile::VehicleProfile;
use serde::Serialize;
pub use speeds::ClassSpeeds;
use std::path::Path;
use std::sync::{Arc, OnceLock};
pub use tags::RoadClass;

/// The attribution that OSM's licence (ODbL 1.0) requires on anything that shows data
/// derived from an OSM extract: maps, GeoJSON, reports, API responses with geometry.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// What building the graph kept and dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BuildStats {
    /// Ways with any `highway` tag (PBF input only).
    pub highway_ways: usize,
    /// Ways kept because the profile may use them (PBF input only).
    pub drivable_ways: usize,
    /// Way segments skipped because a node was missing from the extract.
    pub missing_node_refs: usize,
    /// Nodes before keeping the largest strongly connected component.
    pub nodes_before_scc: usize,
    /// Directed edges before keeping the largest strongly connected component.
    pub edges_before_scc: usize,
    /// Strongly connected components found.
    pub components: usize,
    /// Nodes dropped because they are outside the largest component.
    pub nodes_dropped: usize,
    /// Directed edges dropped with them.
    pub edges_dropped: usize,
}

/// A strongly connected road network with its spatial index.
#[derive(Debug, Clone)]
pub struct RoadGraph {
    graph: DiGraph<NodeData, EdgeData, u32>,
    csr: Csr,
    snap: SnapIndex,
    access_speed_kmh: f64,
    profile: VehicleProfile,
    /// The road class of each edge, by edge index; empty when the network did not come
    /// with classes ([`RoadGraph::from_network`]).
    edge_classes: Vec<RoadClass>,
    stats: BuildStats,
    /// The contraction hierarchy, built on first use and shared by clones of the graph
    /// (they are the same network) and by every oracle on it ([`RoadGraph::hierarchy`]).
    pub(crate) hierarchy: Arc<OnceLock<Arc<ContractionHierarchy>>>,
}

impl RoadGraph {
    /// Reads the road network of an OpenStreetMap `.osm.pbf` extract that the vehicle of
    /// `options.profile` may use (one read of the file per call).
    ///
    /// # Errors
    /// [`RoadError::InvalidOption`] for bad options, [`RoadError::Io`] for a missing or
    /// unreadable file, [`RoadError::NotPbf`] when it is not a PBF extract,
    /// [`RoadError::NoDrivableRoads`] when it holds no way the profile may use.
    ///
    /// # Complexity
    /// O(N + E log E) for N nodes and E edges in the extract (two reading passes, one SCC
    /// pass, one R-tree bulk load). Monaco: about 0.2 s.
    ///
    /// # Example
    /// ```
    /// use stockroute::SolveContext;
    /// use stockroute::roads::graph::{RoadGraph, RoadOptions};
    /// use stockroute::roads::matrix::TravelMatrix;
    /// use stockroute::roads::snap::DEFAULT_MAX_SNAP_M;
    /// use stockroute::roads::traffic::TrafficProfile;
    ///
    /// let graph = RoadGraph::from_pbf("data/scenarios/monaco/roads.osm.pbf", &RoadOptions::default())?;
    /// // The Prince's Palace and the Casino.
    /// let palace = graph.snap(43.7314, 7.4197, DEFAULT_MAX_SNAP_M).expect("on a street");
    /// let casino = graph.snap(43.7393, 7.4286, DEFAULT_MAX_SNAP_M).expect("on a street");
    /// let ctx = SolveContext::new(1).with_threads(2);
    /// let stops = [palace, casino];
    /// let matrix = TravelMatrix::compute(&graph, &stops, &TrafficProfile::flat(), 9, &ctx)?;
    /// assert!(matrix.time_s(0, 1) > 60 && matrix.distance_m(0, 1) > 1_000);
    /// let line = graph.path_geometry(&palace, &casino).expect("connected");
    /// assert_eq!(line[0], (palace.lon, palace.lat));
    /// Ok::<(), stockroute::Error>(())
    /// ```
    pub fn from_pbf(path: impl AsRef<Path>, options: &RoadOptions) -> Result<Self, RoadError> {
        options.validate()?;
        let raw = osm::read(path.as_ref(), options)?;
        Ok(Self::build(raw.nodes, raw.edges, raw.classes, options, raw.stats))
    }

    /// Builds a graph from explicit nodes and directed edges `(from, to, data)`, where
    /// `from`/`to` are positions in `nodes`. Only the largest strongly connected component
    /// is kept, as for OSM input; node indices are renumbered in their original order.
    /// The graph reports `options.profile` but has no road classes
    /// ([`path_classes`](Self::path_classes) is `None`).
    ///
    /// # Errors
    /// [`RoadError::InvalidOption`] for bad options, [`RoadError::UnknownNode`] for an edge
    /// naming a missing node, [`RoadError::NoDrivableRoads`] when there is no edge.
    pub fn from_network(
        nodes: Vec<NodeData>,
        edges: Vec<(u32, u32, EdgeData)>,
        options: &RoadOptions,
    ) -> Result<Self, RoadError> {
        options.validate()?;
        if let Some((edge, node)) = edges.iter().enumerate().find_map(|(i, &(a, b, _))| {
            [a, b].into_iter().find(|&x| x as usize >= nodes.len()).map(|x| (i, x))
        }) {
            return Err(RoadError::UnknownNode { edge, node, nodes: nodes.len() });
        }
        if edges.is_empty() {
            return Err(RoadError::NoDrivableRoads { path: Default::default(), ways: 0 });
        }
        Ok(Self::build(nodes, edges, Vec::new(), options, BuildStats::default()))
    }

    /// `classes` is empty or holds the class of each of `edges`, in order.
    fn build(
        nodes: Vec<NodeData>,
        edges: Vec<(u32, u32, EdgeData)>,
        classes: Vec<RoadClass>,
        options: &RoadOptions,
        mut stats: BuildStats,
    ) -> Self {
        let mut full = DiGraph::<NodeData, EdgeData, u32>::with_capacity(nodes.len(), edges.len());
        for n in nodes {
            full.add_node(n);
        }
        for (a, b, e) in edges {
            full.add_edge(RoadNode::new(a as usize), RoadNode::new(b as usize), e);
        }
        let components = kosaraju_scc(&full);
        let mut keep = vec![false; full.node_count()];
        // Largest first; on a tie the component holding the lowest node index, so the
        // result does not depend on the SCC algorithm's output order.
        if let Some(largest) = components.iter().max_by_key(|c| {
            (c.len(), std::cmp::Reverse(c.iter().map(|n| n.index()).min().unwrap_or(0)))
        }) {
            for n in largest {
                keep[n.index()] = true;
            }
        }
        let graph = full.filter_map(|i, n| keep[i.index()].then_some(*n), |_, e| Some(*e));
        // `filter_map` keeps the surviving edges in index order: exactly those with both
        // ends kept.
        let edge_classes: Vec<RoadClass> = if classes.is_empty() {
            Vec::new()
        } else {
            full.edge_references()
                .filter(|e| keep[e.source().index()] && keep[e.target().index()])
                .map(|e| classes[e.id().index()])
                .collect()
        };
        debug_assert!(edge_classes.is_empty() || edge_classes.len() == graph.edge_count());
        stats.nodes_before_scc = full.node_count();
        stats.edges_before_scc = full.edge_count();
        stats.components = components.len();
        stats.nodes_dropped = full.node_count() - graph.node_count();
        stats.edges_dropped = full.edge_count() - graph.edge_count();
        tracing::info!(
            profile = ?options.profile,
            nodes = graph.node_count(),
            edges = graph.edge_count(),
            nodes_dropped = stats.nodes_dropped,
            components = stats.components,
            "road graph built (largest strongly connected component)"
        );
        let csr = Csr::from_graph(&graph);
        let snap = SnapIndex::build(&node_points(&graph));
        Self {
            graph,
            csr,
            snap,
            access_speed_kmh: options.access_speed_kmh,
            profile: options.profile,
            edge_classes,
            stats,
            hierarchy: Arc::default(),
        }
    }

    /// A graph that keeps every component: lets tests reach the "no path" branches that
    /// strongly connected graphs built by the public constructors never take.
    #[cfg(test)]
    pub(crate) fn unfiltered_for_tests(
        nodes: Vec<NodeData>,
        edges: Vec<(u32, u32, EdgeData)>,
    ) -> Self {
        let mut graph = DiGraph::<NodeData, EdgeData, u32>::default();
        for n in nodes {
            graph.add_node(n);
        }
        for (a, b, e) in edges {
            graph.add_edge(RoadNode::new(a as usize), RoadNode::new(b as usize), e);
        }
        let csr = Csr::from_graph(&graph);
        let snap = SnapIndex::build(&node_points(&graph));
        Self {
            graph,
            csr,
            snap,
            access_speed_kmh: 15.0,
            profile: VehicleProfile::default(),
            edge_classes: Vec::new(),
            stats: BuildStats::default(),
            hierarchy: Arc::default(),
        }
    }

    /// The petgraph graph (read-only): typed indices, node coordinates, edge measures.
    pub fn graph(&self) -> &DiGraph<NodeData, EdgeData, u32> {
        &self.graph
    }

    /// Number of nodes kept.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of directed edges kept.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// What the build kept and dropped.
    pub fn stats(&self) -> &BuildStats {
        &self.stats
    }

    /// The data of a node.
    ///
    /// # Panics
    /// If `node` is not a node of this graph (indices come from this graph's own methods).
    pub fn node(&self, node: RoadNode) -> &NodeData {
        &self.graph[node]
    }

    /// Whether `node` belongs to this graph.
    pub fn contains(&self, node: RoadNode) -> bool {
        node.index() < self.graph.node_count()
    }

    /// The bounding box of the kept nodes: `[min_lat, min_lon, max_lat, max_lon]`.
    ///
    /// # Units
    /// Degrees (WGS84).
    pub fn bounds(&self) -> [f64; 4] {
        self.snap.bounds()
    }

    /// The speed charged on snap legs.
    ///
    /// # Units
    /// km/h.
    pub fn access_speed_kmh(&self) -> f64 {
        self.access_speed_kmh
    }

    /// The vehicle this graph was built for.
    pub fn profile(&self) -> VehicleProfile {
        self.profile
    }

    /// The road class of an edge; `None` for an edge not in this graph, or when the graph
    /// was built from explicit edges, which carry no class.
    pub fn edge_class(&self, edge: RoadEdge) -> Option<RoadClass> {
        self.edge_classes.get(edge.index()).copied()
    }

    /// The road class of each leg of `path` (one per pair of consecutive nodes): the class
    /// of the edge a search takes between them, the fastest (then shortest) of parallel
    /// edges. `None` when the graph has no classes or two consecutive nodes of `path` are
    /// not joined by an edge of this graph (a path of another graph).
    ///
    /// # Complexity
    /// O(path length x node degree).
    pub fn path_classes(&self, path: &RoadPath) -> Option<Vec<RoadClass>> {
        if self.edge_classes.is_empty() {
            return None;
        }
        path.nodes
            .windows(2)
            .map(|leg| {
                let edge = self
                    .graph
                    .edges_connecting(leg[0], leg[1])
                    .min_by_key(|e| (e.weight().time_ms, e.weight().length_mm))?;
                self.edge_class(edge.id())
            })
            .collect()
    }

    pub(crate) fn csr(&self) -> &Csr {
        &self.csr
    }

    pub(crate) fn snap_index(&self) -> &SnapIndex {
        &self.snap
    }

    /// The free-flow fastest path between two nodes (ties broken by length).
    ///
    /// # Complexity
    /// One Dijkstra search stopped at `to`: O((V + E) log V) at worst.
    pub fn shortest_path(&self, from: RoadNode, to: RoadNode) -> Option<RoadPath> {
        if !(self.contains(from) && self.contains(to)) {
            return None;
        }
        let mut search = Search::new(self.csr.node_count());
        let (s, t) = (from.index() as u32, to.index() as u32);
        search.run(&self.csr, s, &[t]);
        let nodes = search.path_to(t)?;
        Some(RoadPath {
            nodes: nodes.into_iter().map(|n| RoadNode::new(n as usize)).collect(),
            time_ms: search.time_ms(t),
            length_mm: search.length_mm(t),
        })
    }
}

/// `(lat, lon, stoppable)` per node, by node index, for the spatial index.
fn node_points(graph: &DiGraph<NodeData, EdgeData, u32>) -> Vec<(f64, f64, bool)> {
    graph.node_weights().map(|n| (n.lat, n.lon, n.stoppable)).collect()
}

/// A path through the road graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadPath {
    /// The nodes visited, both ends included.
    pub nodes: Vec<RoadNode>,
    /// Free-flow travel time.
    ///
    /// # Units
    /// Milliseconds.
    pub time_ms: u64,
    /// Length.
    ///
    /// # Units
    /// Millimetres.
    pub length_mm: u64,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A node on a small grid near Monaco: `(row, col)` 0.001 degrees apart (~110 x 80 m).
    pub(crate) fn grid_node(row: u32, col: u32) -> NodeData {
        NodeData {
            lat: 43.73 + 0.001 * f64::from(row),
            lon: 7.42 + 0.001 * f64::from(col),
            osm_id: None,
            stoppable: true,
        }
    }

    /// An edge with whole seconds of travel time, so expected values are exact.
    /// A two-way road of 3 nodes, ~1.1 km per edge, along a meridian.
    pub(crate) fn line_graph() -> RoadGraph {
        let node = |lat: f64| NodeData { lat, lon: 7.0, osm_id: None, stoppable: true };
        let nodes = vec![node(43.70), node(43.71), node(43.72)];
        let edge = EdgeData::from_length(1112.0, 50.0);
        let edges = vec![(0, 1, edge), (1, 0, edge), (1, 2, edge), (2, 1, edge)];
        RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap()
    }

    pub(crate) fn edge(seconds: u32) -> EdgeData {
        EdgeData { length_mm: seconds * 10_000, time_ms: seconds * 1000 }
    }

    fn both(a: u32, b: u32, s: u32) -> [(u32, u32, EdgeData); 2] {
        [(a, b, edge(s)), (b, a, edge(s))]
    }

    #[test]
    fn oneway_edges_are_driven_one_way_only() {
        // 0 -> 1 -> 2 -> 0 one-way ring: going back from 1 to 0 must go round via 2.
        let nodes = vec![grid_node(0, 0), grid_node(0, 1), grid_node(1, 1)];
        let edges = vec![(0, 1, edge(10)), (1, 2, edge(10)), (2, 0, edge(10))];
        let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
        let forward = g.shortest_path(RoadNode::new(0), RoadNode::new(1)).unwrap();
        assert_eq!(forward.time_ms, 10_000);
        let back = g.shortest_path(RoadNode::new(1), RoadNode::new(0)).unwrap();
        assert_eq!(back.nodes, [1, 2, 0].map(RoadNode::new));
        assert_eq!(back.time_ms, 20_000);
        assert_eq!(back.length_mm, 200_000);
    }

    #[test]
    fn only_the_largest_strongly_connected_component_is_kept() {
        // Component {0,1,2} (two-way), component {3,4} (two-way), node 5 reachable from 0
        // but with no way back (a one-way dead end).
        let nodes = (0..6).map(|i| grid_node(i, 0)).collect();
        let mut edges = Vec::new();
        edges.extend(both(0, 1, 5));
        edges.extend(both(1, 2, 5));
        edges.extend(both(3, 4, 5));
        edges.push((0, 5, edge(5)));
        let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
        assert_eq!(g.node_count(), 3);
        assert_eq!(g.edge_count(), 4);
        let s = g.stats();
        assert_eq!((s.nodes_before_scc, s.nodes_dropped, s.components), (6, 3, 3));
        assert_eq!((s.edges_before_scc, s.edges_dropped), (7, 3));
        // Kept nodes are renumbered in their original order.
        assert_eq!(g.node(RoadNode::new(2)).lat, grid_node(2, 0).lat);
    }

    #[test]
    fn fastest_path_wins_over_shortest_and_ties_go_to_the_shorter() {
        let nodes = (0..4).map(|i| grid_node(0, i)).collect();
        let slow_short = EdgeData { length_mm: 1_000, time_ms: 9_000 };
        let fast_long = EdgeData { length_mm: 5_000, time_ms: 4_000 };
        let mut edges = vec![(0, 1, slow_short), (1, 0, slow_short)];
        edges.extend([(0, 2, fast_long), (2, 1, fast_long), (1, 2, fast_long), (2, 0, fast_long)]);
        // Two paths 0 -> 3 of equal time 8 s: via 2 (10 m) and direct (20 m).
        edges.extend([(2, 3, fast_long), (3, 0, fast_long)]);
        let direct = EdgeData { length_mm: 20_000, time_ms: 8_000 };
        edges.push((0, 3, direct));
        let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
        let p = g.shortest_path(RoadNode::new(0), RoadNode::new(1)).unwrap();
        assert_eq!((p.time_ms, p.length_mm), (8_000, 10_000));
        let p = g.shortest_path(RoadNode::new(0), RoadNode::new(3)).unwrap();
        assert_eq!((p.time_ms, p.length_mm), (8_000, 10_000));
    }

    #[test]
    fn bad_networks_and_options_are_errors() {
        let opts = RoadOptions::default();
        let e = RoadGraph::from_network(vec![grid_node(0, 0)], vec![(0, 3, edge(1))], &opts);
        assert!(matches!(e, Err(RoadError::UnknownNode { edge: 0, node: 3, nodes: 1 })));
        let e = RoadGraph::from_network(vec![grid_node(0, 0)], vec![], &opts);
        assert!(matches!(e, Err(RoadError::NoDrivableRoads { .. })));
        let bad = RoadOptions::default().with_access_speed_kmh(0.0);
        let e = RoadGraph::from_network(vec![grid_node(0, 0)], vec![(0, 0, edge(1))], &bad);
        assert!(matches!(e, Err(RoadError::InvalidOption { name: "access_speed_kmh", .. })));
        assert!(RoadOptions::default().with_maxspeed_factor(f64::NAN).validate().is_err());
    }

    #[test]
    fn missing_and_non_pbf_files_are_clear_errors() {
        let opts = RoadOptions::default();
        let e = RoadGraph::from_pbf("/nonexistent/monaco.osm.pbf", &opts);
        assert!(matches!(e, Err(RoadError::Io { ref source, .. })
            if source.kind() == std::io::ErrorKind::NotFound));
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("roads.osm.pbf");
        std::fs::write(&text, "<osm version=\"0.6\">this is XML, not PBF</osm>\n".repeat(20))
            .unwrap();
        let e = RoadGraph::from_pbf(&text, &opts);
        assert!(matches!(e, Err(RoadError::NotPbf { .. })), "{e:?}");
        let empty = dir.path().join("empty.osm.pbf");
        std::fs::write(&empty, "").unwrap();
        let e = RoadGraph::from_pbf(&empty, &opts);
        assert!(matches!(e, Err(RoadError::NoDrivableRoads { ways: 0, .. })), "{e:?}");
    }

    #[test]
    fn explicit_networks_have_a_profile_but_no_classes() {
        let g = line_graph();
        assert_eq!(g.profile(), VehicleProfile::Van);
        let path = g.shortest_path(RoadNode::new(0), RoadNode::new(2)).unwrap();
        assert_eq!(g.path_classes(&path), None);
        assert_eq!(g.edge_class(RoadEdge::new(0)), None);
    }

    #[test]
    fn edge_data_stays_two_words() {
        // The searches copy edges by the million; the class lives beside them.
        assert_eq!(std::mem::size_of::<EdgeData>(), 8);
    }

    #[test]
    fn edge_time_follows_speed() {
        // 1 km at 36 km/h (10 m/s) is 100 s.
        assert_eq!(
            EdgeData::from_length(1000.0, 36.0),
            EdgeData { length_mm: 1_000_000, time_ms: 100_000 }
        );
    }
}

impl RoadGraph {
    /// This graph's contraction hierarchy: built by [`ContractionHierarchy::build`] on the
    /// first call, then the same one for every later call (and every clone of the graph),
    /// so the service and a day's stations pay for it once per road graph.
    ///
    /// # Errors
    /// As [`ContractionHierarchy::build`] (then nothing is kept and a later call tries
    /// again).
    ///
    /// # Complexity
    /// The contraction once (Columbus, 65k nodes: about 1.5 s), O(1) after.
    pub fn hierarchy(&self, ctx: &SolveContext) -> Result<Arc<ContractionHierarchy>, RoadError> {
        if let Some(h) = self.hierarchy.get() {
            return Ok(h.clone());
        }
        let built = Arc::new(ContractionHierarchy::build(self.graph(), ctx)?);
        // Two first calls at once may both build; the first one stored wins, both equal.
        Ok(self.hierarchy.get_or_init(|| built).clone())
    }
}

#[cfg(test)]
mod hierarchy_tests;
