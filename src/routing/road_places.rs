//! Routing problems on a road graph, with a dense matrix or with the road oracle.
//!
//! A problem whose locations are snapped onto a [`RoadGraph`] gets its arcs one of two ways,
//! chosen by [`road_locations`] from the number of snapped locations:
//! - up to [`RoadArcOptions::dense_up_to`] (default [`DENSE_UP_TO`], as for coordinates):
//!   one [`PointMatrix`] (a Dijkstra per location), as [`Locations::Matrix`];
//! - above it: a [`RoadOracle`] (neighbour lists by bounded searches, every other arc by a
//!   contraction hierarchy query through a bounded cache), as [`Locations::Road`]. Nothing
//!   of size n x n is allocated: a 30,000-stop day would need 10.8 GB of matrices.
//!
//! Both give the same whole seconds and metres for every pair (the oracle is exact, see
//! [`crate::roads::oracle`]), so the solver, the checker and every report read the same
//! numbers whichever form a problem has. The oracle's side of a problem is [`RoadArcs`]
//! ([`crate::routing::road`]).
//!
//! # Units
//! Distances in metres, times in seconds (whole numbers, as the road matrices).

use crate::context::SolveContext;
use crate::roads::error::RoadError;
use crate::roads::graph::RoadGraph;
use crate::roads::matrix::reserve;
use crate::roads::oracle::{OracleOptions, RoadOracle};
use crate::roads::points::{MatrixTiming, PointMatrix, PointPlace};
use crate::roads::snap::{Snapped, UnreachableReason};
use crate::routing::arcs::DENSE_UP_TO;
use crate::routing::model::Locations;
use crate::routing::road::RoadArcs;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// When [`road_locations`] builds an oracle instead of a matrix, and its sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoadArcOptions {
    /// Most snapped locations kept in a dense matrix (default [`DENSE_UP_TO`]); above
    /// it the oracle answers the arcs.
    pub dense_up_to: usize,
    /// The oracle's sizes (neighbours per stop, memory of the lists, cache).
    pub oracle: OracleOptions,
}

impl Default for RoadArcOptions {
    fn default() -> Self {
        // 128 neighbours, twice what the search keeps per stop (routing::env): the arcs
        // a search asks beyond its own lists (an insertion beside a neighbour's
        // neighbour, a 2-opt* tail) are mostly within the 128 nearest, and a list hit
        // costs a lookup where a miss costs a hierarchy query. On the 30,000-stop
        // Columbus day: 15.6 hierarchy queries per iteration instead of 49, and 1.4x the
        // iterations in the same minute (docs/benchmarks.md).
        Self { dense_up_to: DENSE_UP_TO, oracle: OracleOptions::default().with_neighbours(128) }
    }
}

impl RoadArcOptions {
    /// Sets the most locations kept in a dense matrix.
    pub fn with_dense_up_to(mut self, locations: usize) -> Self {
        self.dense_up_to = locations;
        self
    }

    /// Sets the oracle's sizes.
    pub fn with_oracle(mut self, oracle: OracleOptions) -> Self {
        self.oracle = oracle;
        self
    }
}

/// Snapped points as a problem's locations, with where each point ended up.
#[derive(Debug, Clone)]
pub struct RoadPlaces {
    /// Location `i` is input point `i`: a matrix or the oracle (module docs).
    pub locations: Locations,
    /// Per input point: its row (the matrix's or the oracle's stop) and snapped position,
    /// or why it is not on the graph.
    pub places: Vec<PointPlace>,
}

impl RoadPlaces {
    /// The snapped position of input point `point`, when it is on the graph.
    pub fn snapped(&self, point: usize) -> Option<Snapped> {
        match self.places.get(point) {
            Some(PointPlace::Row { snapped, .. }) => Some(*snapped),
            _ => None,
        }
    }
}

/// The locations of a road problem over `snapped` points (in the caller's order, snapped
/// or not): a dense matrix up to `options.dense_up_to` points on the graph, the road oracle
/// above (module docs). Unreachable points get infinite matrix entries, or no oracle stop.
///
/// # Errors
/// As [`PointMatrix::from_snapped`] for a matrix; for the oracle, as
/// [`RoadGraph::hierarchy`] and [`RoadOracle::build`] (the neighbour lists' memory limit is
/// checked before they are allocated).
///
/// # Complexity
/// A matrix: one Dijkstra per distinct node, O(n^2) memory. The oracle: the hierarchy once
/// per graph, then one bounded Dijkstra per stop, O(n k) memory.
pub fn road_locations(
    graph: &RoadGraph,
    snapped: Vec<Result<Snapped, UnreachableReason>>,
    timing: &MatrixTiming,
    options: &RoadArcOptions,
    ctx: &SolveContext,
) -> Result<RoadPlaces, RoadError> {
    let on_graph = snapped.iter().filter(|s| s.is_ok()).count();
    if on_graph <= options.dense_up_to {
        let matrix = PointMatrix::from_snapped(graph, snapped, timing, ctx)?;
        let n = matrix.len();
        let grid = |f: &dyn Fn(usize, usize) -> Option<u32>| -> Vec<Vec<f64>> {
            let row = |a| (0..n).map(|b| f(a, b).map_or(f64::INFINITY, f64::from)).collect();
            (0..n).map(row).collect()
        };
        let locations = Locations::Matrix {
            distance: grid(&|a, b| matrix.distance_m(a, b)),
            duration: grid(&|a, b| matrix.time_s(a, b)),
        };
        return Ok(RoadPlaces { locations, places: matrix.places().to_vec() });
    }
    let (mut stops, mut places, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    reserve(&mut stops, on_graph, "snapped points")?;
    reserve(&mut places, snapped.len(), "snapped points")?;
    reserve(&mut rows, snapped.len(), "snapped points")?;
    for s in snapped {
        match s {
            Ok(snapped) => {
                rows.push(Some(stops.len()));
                places.push(PointPlace::Row { row: stops.len(), snapped });
                stops.push(snapped);
            }
            Err(reason) => {
                rows.push(None);
                places.push(PointPlace::Unreachable(reason));
            }
        }
    }
    let hierarchy = graph.hierarchy(ctx)?;
    let oracle = RoadOracle::build(
        graph,
        hierarchy,
        &stops,
        &timing.profile,
        timing.departure_hour,
        &options.oracle,
        ctx,
    )?;
    let arcs = RoadArcs::new(Arc::new(oracle), rows)?;
    Ok(RoadPlaces { locations: Locations::Road(arcs), places })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::graph::RoadOptions;
    use crate::roads::graph::tests::{edge, grid_node};
    use crate::roads::graph::{RoadGraph, RoadNode};

    /// A two-way line of 6 nodes, 10 s a segment.
    fn line() -> RoadGraph {
        let nodes = (0..6).map(|i| grid_node(0, i)).collect();
        let mut edges = Vec::new();
        for i in 0..5u32 {
            edges.extend([(i, i + 1, edge(10)), (i + 1, i, edge(10))]);
        }
        RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap()
    }

    fn at(g: &RoadGraph, i: usize) -> Result<Snapped, UnreachableReason> {
        let n = g.node(RoadNode::new(i));
        Ok(Snapped { node: RoadNode::new(i), snap_distance_m: 0.0, lat: n.lat, lon: n.lon })
    }

    #[test]
    fn above_the_dense_size_the_oracle_answers_the_matrix_numbers() {
        let g = line();
        let points = || {
            let mut p: Vec<_> = (0..6).map(|i| at(&g, i)).collect();
            p.insert(2, Err(UnreachableReason::OutsideGraph));
            p
        };
        let ctx = SolveContext::new(0);
        let timing = MatrixTiming::flat(9);
        let oracle = RoadArcOptions::default()
            .with_dense_up_to(3)
            .with_oracle(OracleOptions::default().with_neighbours(2));
        let dense = road_locations(&g, points(), &timing, &RoadArcOptions::default(), &ctx);
        let road = road_locations(&g, points(), &timing, &oracle, &ctx).unwrap();
        let dense = dense.unwrap();
        assert!(matches!(dense.locations, Locations::Matrix { .. }));
        let Locations::Road(arcs) = &road.locations else { panic!("{:?}", road.locations) };
        assert_eq!(arcs.len(), 7);
        assert_eq!(arcs.stop(2), None);
        assert_eq!(arcs.stop(3), Some(2));
        for a in 0..7 {
            for b in 0..7 {
                let (d, r) = (&dense.locations, &road.locations);
                assert_eq!(d.distance(a, b), r.distance(a, b), "{a} -> {b}");
                assert_eq!(d.duration(a, b), r.duration(a, b), "{a} -> {b}");
            }
        }
        assert_eq!(road.locations.duration(0, 6), 50.0);
        assert!(road.locations.duration(2, 0).is_infinite());
        assert_eq!(road.snapped(3).map(|s| s.node.index()), Some(2));
        assert_eq!(road.places.len(), 7);
        // A subset reads the same oracle for its own locations; a clone is equal.
        let sub = arcs.subset(&[6, 0, 2, 99]);
        assert_eq!(sub.arc(0, 1), arcs.arc(6, 0));
        assert_eq!((sub.arc(2, 0), sub.arc(3, 0)), (None, None));
        assert_eq!(arcs.clone(), *arcs);
        assert_ne!(sub, *arcs);
        assert!(matches!(
            RoadArcs::new(arcs.oracle().clone(), vec![Some(6)]),
            Err(RoadError::StopOutOfRange { stop: 6, stops: 6 })
        ));
    }
}
