//! The spatial index over road nodes: an `rstar` R-tree in a local equirectangular
//! projection, so planar nearest-neighbour order matches ground distance at city and
//! regional scale.
//!
//! It knows points, not graphs: the graph hands it `(lat, lon, stoppable)` per node at
//! build time, and snapping ([`super::snap`]) asks it for the few planar-nearest
//! candidates, then picks by haversine distance. Keeping it below the graph is what lets
//! the graph own an index without the graph and snapping importing each other.

use geo::{Distance, Haversine, Point};
use rstar::RTree;
use rstar::primitives::GeomWithData;

/// Metres per degree of latitude (and of longitude at the equator).
pub(crate) const M_PER_DEG: f64 = 111_320.0;
/// How many planar-nearest nodes snapping compares by ground distance.
const CANDIDATES: usize = 8;

/// The spatial index over the graph's nodes.
#[derive(Debug, Clone)]
pub(crate) struct SnapIndex {
    tree: RTree<GeomWithData<[f64; 2], u32>>,
    cos_lat0: f64,
    /// min lat, min lon, max lat, max lon of the nodes, in degrees.
    bbox: [f64; 4],
}

impl SnapIndex {
    /// Indexes the stoppable nodes among `nodes` (`(lat, lon, stoppable)` by node index;
    /// all nodes if none is stoppable); the bounding box covers every node.
    pub(crate) fn build(nodes: &[(f64, f64, bool)]) -> Self {
        let (mut bbox, mut sum_lat): ([f64; 4], f64) = ([90.0, 180.0, -90.0, -180.0], 0.0);
        for &(lat, lon, _) in nodes {
            bbox = [bbox[0].min(lat), bbox[1].min(lon), bbox[2].max(lat), bbox[3].max(lon)];
            sum_lat += lat;
        }
        let cos_lat0 = (sum_lat / nodes.len().max(1) as f64).to_radians().cos();
        let any_stoppable = nodes.iter().any(|n| n.2);
        let points = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.2 || !any_stoppable)
            .map(|(i, &(lat, lon, _))| GeomWithData::new(project(cos_lat0, lat, lon), i as u32))
            .collect();
        Self { tree: RTree::bulk_load(points), cos_lat0, bbox }
    }

    /// `[min_lat, min_lon, max_lat, max_lon]` of the indexed nodes, in degrees.
    pub(crate) fn bounds(&self) -> [f64; 4] {
        self.bbox
    }

    /// The node indices nearest to a point in the projection, nearest first, at most
    /// a handful.
    pub(crate) fn candidates(&self, lat: f64, lon: f64) -> impl Iterator<Item = u32> + '_ {
        let query = project(self.cos_lat0, lat, lon);
        self.tree.nearest_neighbor_iter(query).take(CANDIDATES).map(|p| p.data)
    }
}

fn project(cos_lat0: f64, lat: f64, lon: f64) -> [f64; 2] {
    [lon * cos_lat0 * M_PER_DEG, lat * M_PER_DEG]
}

/// Haversine distance between two `(lat, lon)` points.
///
/// # Units
/// Metres.
pub(crate) fn haversine_m((lat_a, lon_a): (f64, f64), (lat_b, lon_b): (f64, f64)) -> f64 {
    Haversine.distance(Point::new(lon_a, lat_a), Point::new(lon_b, lat_b))
}
