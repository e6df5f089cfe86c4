//! The node and edge weights of the road graph, and its typed node index.
//!
//! Their own file, below both the graph and the contraction hierarchy
//! ([`crate::roads::ch`]), which reads edges but not the graph that holds them.

use petgraph::graph::{EdgeIndex, NodeIndex};

/// A node of the road graph.
pub type RoadNode = NodeIndex<u32>;

/// A directed edge of the road graph.
pub type RoadEdge = EdgeIndex<u32>;

/// A road node: a point where a way bends, ends or meets another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeData {
    /// Latitude in degrees (WGS84).
    pub lat: f64,
    /// Longitude in degrees (WGS84).
    pub lon: f64,
    /// The OSM node id, when the graph came from OSM.
    pub osm_id: Option<i64>,
    /// Whether stops may be snapped here: false for nodes used only by ways the vehicle
    /// does not stop on (tunnels; motorway and trunk roads for motor vehicles; see
    /// [`VehicleProfile`](super::VehicleProfile)).
    pub stoppable: bool,
}

/// A directed road segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeData {
    /// Length of the segment.
    ///
    /// # Units
    /// Millimetres.
    pub length_mm: u32,
    /// Free-flow travel time along the segment.
    ///
    /// # Units
    /// Milliseconds.
    pub time_ms: u32,
}

impl EdgeData {
    /// The edge of a segment `length_m` long driven at `speed_kmh`.
    ///
    /// # Units
    /// `length_m` in metres, `speed_kmh` in km/h (must be positive).
    pub fn from_length(length_m: f64, speed_kmh: f64) -> Self {
        let time_ms = length_m / (speed_kmh / 3.6) * 1000.0;
        // `as` saturates: a segment longer than 4,294 km or 49 days is not a road edge.
        Self { length_mm: (length_m * 1000.0).round() as u32, time_ms: time_ms.round() as u32 }
    }
}
