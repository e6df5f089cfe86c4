//! Reading an OpenStreetMap `.osm.pbf` extract into a plain node and edge list, for one
//! vehicle profile.
//!
//! osmpbf's indexed reader makes two passes: the ways the profile may use first (their
//! node ids are remembered), then only the nodes those ways use, so memory follows the road
//! network and not the whole extract. Only nodes used by a kept way become graph nodes; every
//! consecutive pair of way nodes becomes one edge per allowed direction. A way node that is
//! missing from the extract (ways cut at the extract's border) drops only the segments
//! that touch it; their count is reported in [`BuildStats`].

use super::tags::{Direction, RoadClass, WayProfile};
use super::way_rules::way_profile;
use super::{BuildStats, EdgeData, NodeData, RoadOptions};
use crate::roads::error::RoadError;
use geo::{Distance, Geodesic, Point};
use osmpbf::{Element, IndexedReader};
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

/// What a PBF extract yields before the graph is built.
pub(super) struct RawNetwork {
    pub nodes: Vec<NodeData>,
    pub edges: Vec<(u32, u32, EdgeData)>,
    /// The class of each of `edges`, in order.
    pub classes: Vec<RoadClass>,
    pub stats: BuildStats,
}

struct WayRecord {
    refs: Vec<i64>,
    profile: WayProfile,
}

/// Reads the network of `path` that `options.profile` may use.
///
/// # Errors
/// [`RoadError::Io`] when the file cannot be opened, [`RoadError::NotPbf`] when it is not a
/// readable PBF, [`RoadError::NoDrivableRoads`] when no usable way has usable nodes.
pub(super) fn read(path: &Path, options: &RoadOptions) -> Result<RawNetwork, RoadError> {
    let file =
        File::open(path).map_err(|source| RoadError::Io { path: path.to_owned(), source })?;
    let not_pbf = |source: osmpbf::Error| RoadError::NotPbf { path: path.to_owned(), source };
    let mut reader = IndexedReader::new(file).map_err(not_pbf)?;

    let mut ways = Vec::new();
    let mut highway_ways = 0usize;
    let mut coords: HashMap<i64, (f64, f64)> = HashMap::new();
    reader
        .read_ways_and_deps(
            |way| {
                let has_highway = way.tags().any(|(k, _)| k == "highway");
                highway_ways += usize::from(has_highway);
                has_highway && way_profile(way.tags(), options).is_some()
            },
            |element| match element {
                Element::Way(way) => {
                    if let Some(profile) = way_profile(way.tags(), options) {
                        ways.push(WayRecord { refs: way.refs().collect(), profile });
                    }
                }
                Element::Node(node) => {
                    coords.insert(node.id(), (node.lat(), node.lon()));
                }
                Element::DenseNode(node) => {
                    coords.insert(node.id(), (node.lat(), node.lon()));
                }
                Element::Relation(_) => {}
            },
        )
        .map_err(not_pbf)?;

    let mut stats = BuildStats { highway_ways, drivable_ways: ways.len(), ..BuildStats::default() };
    let mut index: HashMap<i64, u32> = HashMap::new();
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut classes = Vec::new();
    for way in &ways {
        let speed_kmh = way.profile.speed_kmh(options);
        for pair in way.refs.windows(2) {
            let (Some(&a), Some(&b)) = (coords.get(&pair[0]), coords.get(&pair[1])) else {
                stats.missing_node_refs += 1;
                continue;
            };
            let mut node_of = |id: i64, (lat, lon): (f64, f64)| {
                let i = *index.entry(id).or_insert_with(|| {
                    nodes.push(NodeData { lat, lon, osm_id: Some(id), stoppable: false });
                    (nodes.len() - 1) as u32
                });
                // A node is a snap target when any way through it is one the vehicle stops on.
                nodes[i as usize].stoppable |= way.profile.stoppable;
                i
            };
            let (u, v) = (node_of(pair[0], a), node_of(pair[1], b));
            let edge = EdgeData::from_length(geodesic_m(a, b), speed_kmh);
            match way.profile.direction {
                Direction::Forward => edges.push((u, v, edge)),
                Direction::Backward => edges.push((v, u, edge)),
                Direction::Both => edges.extend([(u, v, edge), (v, u, edge)]),
            }
            classes.resize(edges.len(), way.profile.class);
        }
    }
    if edges.is_empty() {
        return Err(RoadError::NoDrivableRoads { path: path.to_owned(), ways: highway_ways });
    }
    Ok(RawNetwork { nodes, edges, classes, stats })
}

/// Geodesic (WGS84 ellipsoid) distance between two `(lat, lon)` points.
///
/// # Units
/// Metres.
fn geodesic_m((lat_a, lon_a): (f64, f64), (lat_b, lon_b): (f64, f64)) -> f64 {
    Geodesic.distance(Point::new(lon_a, lat_a), Point::new(lon_b, lat_b))
}
