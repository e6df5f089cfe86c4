//! Road distances from centres to zones, where the road graph covers both ends.
//!
//! The LP's transport and promise costs use the haversine distance by default. When the
//! scenario ships an OpenStreetMap extract, each centre and zone centroid is snapped onto
//! the road graph and the centre -> zone road distance replaces the straight line for every
//! pair whose two ends snapped. Ends that do not snap (a centre outside the extract, as
//! Carros and Mougins are for the Monaco extract) keep the haversine distance, and are
//! listed in [`RoadCoverage::outside`] so the caller can say so: nothing is dropped silently.

use super::error::PlacementError;
use super::model::{PlacementInput, RoadDistance};
use crate::context::SolveContext;
use crate::ids::{CentreId, ZoneId};
use crate::roads::graph::RoadGraph;
use crate::roads::points::{MatrixTiming, PointMatrix};
use crate::roads::snap::DEFAULT_MAX_SNAP_M;

/// One end that could not be placed on the road graph.
#[derive(Debug, Clone, PartialEq)]
pub enum OffRoad {
    /// A centre farther than the snap distance from any drivable road of the graph.
    Centre(CentreId),
    /// A zone centroid farther than the snap distance from any drivable road of the graph.
    Zone(ZoneId),
}

/// The road distances found, and the ends that keep the straight-line distance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoadCoverage {
    /// Centre -> zone road distances, one per pair whose two ends snapped.
    pub distances: Vec<RoadDistance>,
    /// Centres and zones outside the road graph (haversine is used for their pairs).
    pub outside: Vec<OffRoad>,
}

/// Road distances from every centre to every zone of `input` that `graph` covers.
///
/// # Units
/// Kilometres, along the fastest free-flow road path (the matrix's path choice).
///
/// # Errors
/// [`PlacementError::Road`] when the travel matrix fails (cancelled, no path between two
/// snapped ends of the graph's strongly connected component).
///
/// # Complexity
/// One Dijkstra per snapped centre and zone on the road graph (see [`PointMatrix`]).
pub fn road_distances(
    graph: &RoadGraph,
    input: &PlacementInput,
    ctx: &SolveContext,
) -> Result<RoadCoverage, PlacementError> {
    let mut coverage = RoadCoverage::default();
    let centre_points = input.centres.iter().map(|c| (c.lat, c.lon));
    let zone_points = input.zones.iter().map(|z| (z.lat, z.lon));
    let snapped: Vec<_> = centre_points
        .chain(zone_points)
        .map(|(lat, lon)| graph.snap(lat, lon, DEFAULT_MAX_SNAP_M))
        .collect();
    let (centre_snaps, zone_snaps) = snapped.split_at(input.centres.len());
    for (c, s) in input.centres.iter().zip(centre_snaps) {
        if s.is_err() {
            coverage.outside.push(OffRoad::Centre(c.id.clone()));
        }
    }
    for (z, s) in input.zones.iter().zip(zone_snaps) {
        if s.is_err() {
            coverage.outside.push(OffRoad::Zone(z.id.clone()));
        }
    }
    // No pair has both ends on the graph: no matrix to build.
    if centre_snaps.iter().all(Result::is_err) || zone_snaps.iter().all(Result::is_err) {
        return Ok(coverage);
    }
    let matrix = PointMatrix::from_snapped(graph, snapped, &MatrixTiming::flat(0), ctx)
        .map_err(|source| PlacementError::Road { source })?;
    let n_centres = input.centres.len();
    for (i, centre) in input.centres.iter().enumerate() {
        for (j, zone) in input.zones.iter().enumerate() {
            if let Some(m) = matrix.distance_m(i, n_centres + j) {
                coverage.distances.push(RoadDistance {
                    zone: zone.id.clone(),
                    centre: centre.id.clone(),
                    km: f64::from(m) / 1000.0,
                });
            }
        }
    }
    Ok(coverage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::synth::{SynthSpec, network};
    use crate::roads::graph::tests::line_graph;

    #[test]
    fn covered_pairs_get_road_km_and_far_ends_are_listed() {
        let mut input = network(&SynthSpec::new(2, 2, 2, 1));
        input.centres[0].lat = 43.70;
        input.centres[0].lon = 7.0;
        input.centres[1].lat = 10.0; // far from the road: keeps haversine
        input.zones[0].lat = 43.72;
        input.zones[0].lon = 7.0;
        input.zones[1].lat = 43.71;
        input.zones[1].lon = 7.0;
        let cov = road_distances(&line_graph(), &input, &SolveContext::new(0)).unwrap();
        assert_eq!(cov.outside, vec![OffRoad::Centre(input.centres[1].id.clone())]);
        assert_eq!(cov.distances.len(), 2);
        let far = cov.distances.iter().find(|d| d.zone == input.zones[0].id).unwrap();
        assert!((far.km - 2.224).abs() < 0.01, "{far:?}");
        input.road_km = cov.distances;
        assert!(input.validate().is_ok());
    }
}
