//! Snapping request locations onto the road graph.
//!
//! A stop's coordinates rarely sit on a road node: each is moved to the nearest graph node
//! where a van can stop (found with an `rstar` R-tree; not tunnels or motorway/trunk
//! roads, see [`tags`](super::graph::tags)) and the straight-line gap is kept as the stop's *snap
//! leg*, which the travel matrix charges at the slow access speed of
//! [`RoadOptions::access_speed_kmh`](super::graph::RoadOptions). Snapping to nodes rather
//! than to edge projections is enough here because OSM ways carry shape nodes every few
//! metres in town; the snap distance is returned so the service can show it and flag
//! doubtful addresses. Snapping onto the projection on the nearest edge would shorten the
//! legs on long straight segments; it needs two-sided starts in the matrix searches and is
//! not done yet.
//!
//! A location is never dropped silently: it is either [`Snapped`] or comes back with an
//! [`UnreachableReason`] (too far from any road, outside the area the graph covers, or not
//! a coordinate at all).
//!
//! The R-tree works in a local equirectangular projection (metres east/north, scaled at the
//! graph's mean latitude), so planar nearest-neighbour order matches ground distance at
//! city and regional scale; the reported distance is the haversine distance to the chosen
//! node, picked among the few planar-nearest candidates.

use super::graph::{RoadGraph, RoadNode};
use super::spatial::{M_PER_DEG, haversine_m};
use serde::Serialize;

/// The default largest distance between a stop and the road node it is snapped to.
///
/// # Units
/// Metres.
pub const DEFAULT_MAX_SNAP_M: f64 = 500.0;

/// A location moved onto the road graph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Snapped {
    /// The road node the location was moved to.
    #[serde(skip)]
    pub node: RoadNode,
    /// Straight-line distance from the location to the node.
    ///
    /// # Units
    /// Metres.
    pub snap_distance_m: f64,
    /// The location as given: latitude in degrees (WGS84).
    pub lat: f64,
    /// The location as given: longitude in degrees (WGS84).
    pub lon: f64,
}

/// Why a location could not be snapped onto the road graph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnreachableReason {
    /// The nearest road node is farther than the allowed snap distance (a point at sea,
    /// in a park, or a wrong geocode).
    #[error("nearest road is {distance_m:.0} m away (limit {max_snap_m:.0} m)")]
    TooFarFromRoad {
        /// Distance to the nearest road node, in metres.
        distance_m: f64,
        /// The limit that was applied, in metres.
        max_snap_m: f64,
    },
    /// The location lies outside the area this road graph covers (its bounding box grown
    /// by the snap limit): load an extract that contains it.
    #[error("outside the area covered by the road graph")]
    OutsideGraph,
    /// Latitude or longitude is not a finite coordinate in range.
    #[error("not a valid coordinate (lat {lat}, lon {lon})")]
    InvalidCoordinate {
        /// The latitude given.
        lat: f64,
        /// The longitude given.
        lon: f64,
    },
}

/// A location that could not be snapped, with the caller's id for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unreachable<Id> {
    /// The caller's id of the location (a stop id, a row number, ...).
    pub id: Id,
    /// Why it could not be snapped.
    pub reason: UnreachableReason,
}

/// The outcome of snapping a batch: every input appears in exactly one of the two lists,
/// each list in input order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapReport<Id> {
    /// Locations on the graph.
    pub snapped: Vec<(Id, Snapped)>,
    /// Locations that are not, with the reason.
    pub unreachable: Vec<Unreachable<Id>>,
}

impl RoadGraph {
    /// Moves a location onto the nearest road node, if one is within `max_snap_m`.
    ///
    /// # Units
    /// `lat`, `lon` in degrees (WGS84); `max_snap_m` and the returned
    /// [`Snapped::snap_distance_m`] in metres. A negative or NaN limit snaps nothing.
    ///
    /// # Errors
    /// The [`UnreachableReason`]: invalid coordinate, outside the graph's area, or too far
    /// from the nearest road node.
    ///
    /// # Complexity
    /// O(log V) expected (R-tree nearest-neighbour query).
    pub fn snap(&self, lat: f64, lon: f64, max_snap_m: f64) -> Result<Snapped, UnreachableReason> {
        let index = self.snap_index();
        if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
            return Err(UnreachableReason::InvalidCoordinate { lat, lon });
        }
        let margin = max_snap_m.max(0.0);
        let dlat = margin / M_PER_DEG;
        let dlon = margin / (M_PER_DEG * lat.to_radians().cos().max(1e-6));
        let [min_lat, min_lon, max_lat, max_lon] = index.bounds();
        if lat < min_lat - dlat
            || lat > max_lat + dlat
            || lon < min_lon - dlon
            || lon > max_lon + dlon
        {
            return Err(UnreachableReason::OutsideGraph);
        }
        let best = index
            .candidates(lat, lon)
            .map(|i| {
                let node = RoadNode::new(i as usize);
                let data = self.node(node);
                (node, haversine_m((lat, lon), (data.lat, data.lon)))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let Some((node, distance_m)) = best else {
            return Err(UnreachableReason::OutsideGraph);
        };
        // A NaN limit rejects (NaN compares as neither less nor equal).
        if distance_m.partial_cmp(&max_snap_m).is_none_or(|o| o.is_gt()) {
            return Err(UnreachableReason::TooFarFromRoad { distance_m, max_snap_m });
        }
        Ok(Snapped { node, snap_distance_m: distance_m, lat, lon })
    }

    /// Snaps a batch of `(id, lat, lon)` locations; none is dropped (see [`SnapReport`]).
    ///
    /// # Units
    /// Degrees (WGS84) in, metres for `max_snap_m`.
    ///
    /// # Complexity
    /// O(n log V).
    pub fn snap_all<Id>(
        &self,
        points: impl IntoIterator<Item = (Id, f64, f64)>,
        max_snap_m: f64,
    ) -> SnapReport<Id> {
        let mut report = SnapReport { snapped: Vec::new(), unreachable: Vec::new() };
        for (id, lat, lon) in points {
            match self.snap(lat, lon, max_snap_m) {
                Ok(s) => report.snapped.push((id, s)),
                Err(reason) => report.unreachable.push(Unreachable { id, reason }),
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::graph::tests::{edge, grid_node};
    use crate::roads::graph::{NodeData, RoadOptions};

    /// A 3 x 3 two-way grid: node `3 * row + col`.
    fn grid() -> RoadGraph {
        let nodes: Vec<NodeData> = (0..9).map(|i| grid_node(i / 3, i % 3)).collect();
        let mut edges = Vec::new();
        for i in 0..9u32 {
            if i % 3 < 2 {
                edges.extend([(i, i + 1, edge(10)), (i + 1, i, edge(10))]);
            }
            if i < 6 {
                edges.extend([(i, i + 3, edge(10)), (i + 3, i, edge(10))]);
            }
        }
        RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap()
    }

    #[test]
    fn snaps_to_the_nearest_node_and_reports_the_distance() {
        let g = grid();
        let target = grid_node(1, 2);
        let s = g.snap(target.lat + 0.0001, target.lon - 0.0001, DEFAULT_MAX_SNAP_M).unwrap();
        assert_eq!(s.node, RoadNode::new(5));
        let expected = haversine_m((s.lat, s.lon), (target.lat, target.lon));
        assert!((s.snap_distance_m - expected).abs() < 1e-9);
        assert!(s.snap_distance_m > 10.0 && s.snap_distance_m < 16.0, "{}", s.snap_distance_m);
        let exact = g.snap(target.lat, target.lon, 0.0).unwrap();
        assert_eq!((exact.node, exact.snap_distance_m), (RoadNode::new(5), 0.0));
    }

    #[test]
    fn far_outside_and_invalid_points_are_reported_with_a_reason() {
        let g = grid();
        let (a, b) = (grid_node(0, 0), grid_node(1, 1));
        // The middle of a grid cell is ~68 m from its four corner nodes.
        let (lat, lon) = ((a.lat + b.lat) / 2.0, (a.lon + b.lon) / 2.0);
        match g.snap(lat, lon, 50.0) {
            Err(UnreachableReason::TooFarFromRoad { distance_m, max_snap_m }) => {
                assert!(distance_m > 60.0 && distance_m < 75.0, "{distance_m}");
                assert_eq!(max_snap_m, 50.0);
            }
            other => panic!("{other:?}"),
        }
        assert!(g.snap(lat, lon, 100.0).is_ok());
        // 220 m north of the grid: outside its box grown by 100 m, inside when grown by 500 m.
        let north = grid_node(2, 1).lat + 0.002;
        assert_eq!(g.snap(north, b.lon, 100.0), Err(UnreachableReason::OutsideGraph));
        assert!(g.snap(north, b.lon, DEFAULT_MAX_SNAP_M).is_ok());
        assert_eq!(g.snap(48.85, 2.35, DEFAULT_MAX_SNAP_M), Err(UnreachableReason::OutsideGraph));
        assert!(matches!(
            g.snap(f64::NAN, 7.42, DEFAULT_MAX_SNAP_M),
            Err(UnreachableReason::InvalidCoordinate { .. })
        ));
        assert!(matches!(
            g.snap(43.73, 7.42, f64::NAN),
            Err(UnreachableReason::TooFarFromRoad { .. })
        ));
    }

    #[test]
    fn stops_never_snap_into_tunnels_or_onto_through_roads() {
        // A tunnel node right under the point, a street node 110 m away.
        let mut tunnel = grid_node(0, 0);
        tunnel.stoppable = false;
        let street = grid_node(1, 0);
        let nodes = vec![tunnel, street];
        let edges = vec![(0, 1, edge(10)), (1, 0, edge(10))];
        let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
        let s = g.snap(tunnel.lat, tunnel.lon, DEFAULT_MAX_SNAP_M).unwrap();
        assert_eq!(s.node, RoadNode::new(1));
        assert!(s.snap_distance_m > 100.0);
        // With a limit below that distance the point is too far, not snapped into the tunnel.
        assert!(matches!(
            g.snap(tunnel.lat, tunnel.lon, 50.0),
            Err(UnreachableReason::TooFarFromRoad { .. })
        ));
    }

    #[test]
    fn snap_all_keeps_every_input_in_order() {
        let g = grid();
        let n = grid_node(0, 0);
        let points = vec![("a", n.lat, n.lon), ("sea", 43.0, 7.42), ("b", n.lat, n.lon + 0.001)];
        let report = g.snap_all(points, DEFAULT_MAX_SNAP_M);
        let ids: Vec<&str> = report.snapped.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(report.unreachable.len(), 1);
        assert_eq!(report.unreachable[0].id, "sea");
        assert_eq!(report.unreachable[0].reason, UnreachableReason::OutsideGraph);
    }
}
