//! Points in, one travel matrix out, with the map between the two.
//!
//! Every caller of the road network asks the same question: "here are n places (stops,
//! stations, centres, zone centroids); how far apart are they by road?". Some places do not
//! snap onto the graph, so the [`TravelMatrix`] only has rows for those that do, and the
//! caller has to map its own indices to matrix rows and back, and report the others with
//! their reason. [`PointMatrix`] does that bookkeeping once: it keeps every input point in
//! input order, either with its matrix row and [`Snapped`] position or with its
//! [`UnreachableReason`], and answers travel times and distances by *input* index. The
//! routes endpoint, the delivery-day builder ([`crate::routing::from_scenario`]) and the
//! placement road distances all go through it.

use crate::context::SolveContext;
use crate::roads::error::RoadError;
use crate::roads::graph::RoadGraph;
use crate::roads::matrix::{TravelMatrix, reserve};
use crate::roads::snap::{Snapped, UnreachableReason};
use crate::roads::traffic::TrafficProfile;

/// How the matrix of a [`PointMatrix`] is timed.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixTiming {
    /// The traffic profile that re-times free-flow travel.
    pub profile: TrafficProfile,
    /// The departure hour (0-23) the times are for.
    pub departure_hour: u8,
}

impl MatrixTiming {
    /// Free-flow times (flat profile) for a departure in `departure_hour`.
    pub fn flat(departure_hour: u8) -> Self {
        Self { profile: TrafficProfile::flat(), departure_hour }
    }
}

/// Where one input point ended up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PointPlace {
    /// On the graph, as row `row` of the matrix.
    Row {
        /// Its row (and column) in [`PointMatrix::matrix`].
        row: usize,
        /// Its position on the graph.
        snapped: Snapped,
    },
    /// Not on the graph; it has no row.
    Unreachable(UnreachableReason),
}

/// A travel matrix over the points that snapped, indexed by the caller's own point order.
#[derive(Debug, Clone, PartialEq)]
pub struct PointMatrix {
    matrix: TravelMatrix,
    places: Vec<PointPlace>,
}

impl PointMatrix {
    /// Snaps `points` (`(lat, lon)` in degrees, WGS84) within `max_snap_m` metres, then
    /// builds one matrix over those that snapped.
    ///
    /// # Errors
    /// As [`TravelMatrix::compute`].
    ///
    /// # Complexity
    /// O(n log V) snapping, then one Dijkstra per distinct snapped node.
    pub fn compute(
        graph: &RoadGraph,
        points: impl IntoIterator<Item = (f64, f64)>,
        max_snap_m: f64,
        timing: &MatrixTiming,
        ctx: &SolveContext,
    ) -> Result<Self, RoadError> {
        let snapped = points.into_iter().map(|(lat, lon)| graph.snap(lat, lon, max_snap_m));
        Self::from_snapped(graph, snapped, timing, ctx)
    }

    /// The matrix over points the caller has already snapped (when it needs the snap
    /// results to decide what to ask for), one entry per point in the caller's order.
    ///
    /// # Errors
    /// As [`TravelMatrix::compute`], and [`RoadError::OutOfMemory`] when the point list
    /// cannot be allocated.
    pub fn from_snapped(
        graph: &RoadGraph,
        snapped: impl IntoIterator<Item = Result<Snapped, UnreachableReason>>,
        timing: &MatrixTiming,
        ctx: &SolveContext,
    ) -> Result<Self, RoadError> {
        let snapped = snapped.into_iter();
        // Fallible so that a huge request is an error, not an abort; the matrix itself
        // (n x n) is reserved the same way in `TravelMatrix::compute`.
        let (mut on_graph, mut places) = (Vec::new(), Vec::new());
        reserve(&mut places, snapped.size_hint().0, "snapped points")?;
        reserve(&mut on_graph, snapped.size_hint().0, "snapped points")?;
        for s in snapped {
            places.push(match s {
                Ok(snapped) => {
                    on_graph.push(snapped);
                    PointPlace::Row { row: on_graph.len() - 1, snapped }
                }
                Err(reason) => PointPlace::Unreachable(reason),
            });
        }
        let matrix =
            TravelMatrix::compute(graph, &on_graph, &timing.profile, timing.departure_hour, ctx)?;
        Ok(Self { matrix, places })
    }

    /// How many input points there are (on the graph or not).
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether there were no input points.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Where each input point ended up, in input order.
    pub fn places(&self) -> &[PointPlace] {
        &self.places
    }

    /// The matrix row of input point `point`; `None` when it is not on the graph (or out
    /// of range).
    pub fn row(&self, point: usize) -> Option<usize> {
        match self.places.get(point) {
            Some(PointPlace::Row { row, .. }) => Some(*row),
            _ => None,
        }
    }

    /// The position on the graph of input point `point`, when it snapped.
    pub fn snapped(&self, point: usize) -> Option<Snapped> {
        match self.places.get(point) {
            Some(PointPlace::Row { snapped, .. }) => Some(*snapped),
            _ => None,
        }
    }

    /// The input points that are not on the graph, with the reason, in input order.
    pub fn unreachable(&self) -> impl Iterator<Item = (usize, UnreachableReason)> + '_ {
        self.places.iter().enumerate().filter_map(|(i, p)| match p {
            PointPlace::Unreachable(reason) => Some((i, *reason)),
            PointPlace::Row { .. } => None,
        })
    }

    /// The matrix over the points on the graph (rows as [`row`](Self::row) gives them).
    pub fn matrix(&self) -> &TravelMatrix {
        &self.matrix
    }

    /// Travel time from input point `from` to input point `to`: 0 from a point to itself,
    /// `None` when either end is not on the graph.
    ///
    /// # Units
    /// Seconds.
    pub fn time_s(&self, from: usize, to: usize) -> Option<u32> {
        self.between(from, to, TravelMatrix::time_s)
    }

    /// Road distance from input point `from` to input point `to`: 0 from a point to
    /// itself, `None` when either end is not on the graph.
    ///
    /// # Units
    /// Metres.
    pub fn distance_m(&self, from: usize, to: usize) -> Option<u32> {
        self.between(from, to, TravelMatrix::distance_m)
    }

    fn between(
        &self,
        from: usize,
        to: usize,
        entry: fn(&TravelMatrix, usize, usize) -> u32,
    ) -> Option<u32> {
        if from == to && from < self.places.len() {
            return Some(0);
        }
        Some(entry(&self.matrix, self.row(from)?, self.row(to)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::graph::tests::line_graph;

    #[test]
    fn input_indices_map_to_rows_and_off_road_points_keep_their_reason() {
        let g = line_graph();
        let points = [(43.70, 7.0), (10.0, 7.0), (43.72, 7.0), (f64::NAN, 7.0)];
        let ctx = SolveContext::new(0);
        let pm = PointMatrix::compute(&g, points, 500.0, &MatrixTiming::flat(8), &ctx).unwrap();
        assert_eq!(pm.len(), 4);
        assert_eq!((pm.row(0), pm.row(1), pm.row(2), pm.row(3)), (Some(0), None, Some(1), None));
        assert_eq!(pm.matrix().len(), 2);
        let unreachable: Vec<_> = pm.unreachable().collect();
        assert_eq!(unreachable.len(), 2);
        assert_eq!(unreachable[0], (1, UnreachableReason::OutsideGraph));
        assert!(matches!(unreachable[1], (3, UnreachableReason::InvalidCoordinate { .. })));
        let d = pm.distance_m(0, 2).unwrap();
        assert_eq!(d, pm.matrix().distance_m(0, 1));
        assert!((2200..2250).contains(&d), "{d}");
        assert_eq!(pm.time_s(2, 0), Some(pm.matrix().time_s(1, 0)));
        assert_eq!(
            (pm.distance_m(1, 1), pm.distance_m(0, 1), pm.time_s(3, 2)),
            (Some(0), None, None)
        );
        assert_eq!(pm.distance_m(9, 9), None);
        assert_eq!(pm.snapped(2).map(|s| s.lat), Some(43.72));
    }

    #[test]
    fn same_numbers_as_the_matrix_over_the_snapped_points() {
        let g = line_graph();
        let ctx = SolveContext::new(0);
        let points = [(43.701, 7.0), (43.719, 7.0)];
        let timing = MatrixTiming { profile: TrafficProfile::default(), departure_hour: 8 };
        let pm = PointMatrix::compute(&g, points, 500.0, &timing, &ctx).unwrap();
        let snapped: Vec<Snapped> =
            points.iter().map(|&(lat, lon)| g.snap(lat, lon, 500.0).unwrap()).collect();
        let direct =
            TravelMatrix::compute(&g, &snapped, &TrafficProfile::default(), 8, &ctx).unwrap();
        assert_eq!(pm.matrix(), &direct);
    }
}
