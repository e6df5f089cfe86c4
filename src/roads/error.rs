//! Errors of the road network, snapping and travel-matrix code.
//!
//! Kept apart from the VRP solver's `RoutingError` so the two halves of `routing` can grow
//! independently; the crate-wide error wraps both. Variants carry the offending path, value or
//! limit so the CLI and the service can say exactly what to fix.

use crate::context::Interrupted;
use std::path::PathBuf;

/// Why a road graph or a travel matrix could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoadError {
    /// The extract could not be opened or read (missing file, permissions, I/O failure).
    #[error("cannot read road extract {path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file exists but is not a readable OpenStreetMap PBF extract.
    #[error("{path} is not a readable OpenStreetMap PBF extract: {source}")]
    NotPbf {
        /// The file involved.
        path: PathBuf,
        /// What the PBF decoder reported.
        #[source]
        source: osmpbf::Error,
    },
    /// The extract holds no way that a car may drive on (or none whose nodes it contains).
    #[error(
        "{path} holds no drivable road ({ways} ways with a `highway` tag); \
         use an extract that covers streets"
    )]
    NoDrivableRoads {
        /// The file involved (empty for graphs built from explicit edges).
        path: PathBuf,
        /// Ways carrying any `highway` tag, drivable or not.
        ways: usize,
    },
    /// An edge of an explicitly built network names a node that does not exist.
    #[error("edge {edge} refers to node {node}, but the network has only {nodes} nodes")]
    UnknownNode {
        /// Position of the edge in the input list.
        edge: usize,
        /// The missing node index.
        node: u32,
        /// How many nodes the network has.
        nodes: usize,
    },
    /// A numeric option is out of its valid range (speeds, factors, distances).
    #[error("option `{name}` = {value} is invalid: {expected}")]
    InvalidOption {
        /// The option's name as written in configuration.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What would be valid.
        expected: &'static str,
    },
    /// The departure hour of a travel matrix is not an hour of the day.
    #[error("departure hour {hour} is not in 0..24")]
    InvalidHour {
        /// The hour given.
        hour: u8,
    },
    /// A snapped stop names a node that is not in this graph (it was snapped on another one).
    #[error("stop {stop} was snapped to node {node}, which this road graph does not have")]
    ForeignStop {
        /// Position of the stop in the request.
        stop: usize,
        /// The node index it carries.
        node: u32,
    },
    /// Some ordered pairs of stops have no road path between them. Never filled with 0.
    #[error(
        "{count} ordered stop pairs have no road path (first: {first:?}); \
         snap stops onto the strongly connected road graph"
    )]
    NoPath {
        /// How many ordered pairs (i, j), i != j, are unconnected.
        count: usize,
        /// Up to ten of them, as stop positions (from, to).
        first: Vec<(usize, usize)>,
    },
    /// The thread pool for a parallel matrix could not be started.
    #[error("cannot start {threads} matrix worker threads: {source}")]
    ThreadPool {
        /// Threads requested.
        threads: usize,
        /// What rayon reported.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
    /// A structure sized by the request would take more memory than allowed; nothing was
    /// allocated.
    #[error(
        "{what} would take {needed_bytes} bytes, over the limit of {limit_bytes}; \
         ask for fewer stops or neighbours, or raise the limit"
    )]
    MemoryLimit {
        /// What was about to be allocated ("neighbour lists", ...).
        what: &'static str,
        /// The bytes it needs.
        needed_bytes: u64,
        /// The configured limit.
        limit_bytes: u64,
    },
    /// A buffer sized by the request could not be allocated (the allocator refused it);
    /// nothing was computed and the process lives on.
    #[error("{what} needs {needed_bytes} bytes, more than this machine could allocate")]
    OutOfMemory {
        /// What was about to be allocated ("travel matrix", ...).
        what: &'static str,
        /// The bytes it needs (`u64::MAX` when the size itself overflows).
        needed_bytes: u64,
    },
    /// The graph's times and lengths are too large to encode exactly as one contraction
    /// hierarchy weight (fastest time, then length); see `roads::ch`.
    #[error(
        "road graph too large for exact contraction-hierarchy weights: a fastest path \
         would weigh up to {needed}, over {limit}"
    )]
    WeightRange {
        /// The bound on one encoded path weight.
        needed: u128,
        /// The largest weight allowed.
        limit: u128,
    },
    /// A contraction hierarchy was built on another road graph than the one given.
    #[error("the contraction hierarchy has {hierarchy_nodes} nodes, the road graph {graph_nodes}")]
    ForeignHierarchy {
        /// Nodes of the hierarchy.
        hierarchy_nodes: usize,
        /// Nodes of the road graph.
        graph_nodes: usize,
    },
    /// A stop position is not below the number of stops the oracle was built for.
    #[error("stop {stop} is out of range: the oracle has {stops} stops")]
    StopOutOfRange {
        /// The position asked for.
        stop: usize,
        /// How many stops there are.
        stops: usize,
    },
    /// The run was cancelled or hit its deadline.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
}
