//! The arcs of a routing problem whose locations are stops of a shared road oracle.
//!
//! [`RoadArcs`] maps a problem's locations to the oracle's stops, so several problems (a
//! day's stations) share one oracle, and a location that did not snap stays in the problem
//! as unreachable (its stop is reported unserved), as with a matrix's infinite entries. The
//! oracle is exact (see [`crate::roads::oracle`]): it gives the same whole seconds and
//! metres as the dense road matrix for every pair. How a problem gets these arcs or a dense
//! matrix is [`crate::routing::road_places`]'s job; this file sits below the model, which
//! holds [`RoadArcs`] as one of its location kinds.
//!
//! # Units
//! Distances in metres, times in seconds (whole numbers, as the road matrices).

use crate::roads::error::RoadError;
use crate::roads::oracle::{ArcCost, RoadOracle};
use std::fmt;
use std::sync::Arc;

/// The arcs of a problem's locations, answered by a shared [`RoadOracle`].
#[derive(Clone)]
pub struct RoadArcs {
    oracle: Arc<RoadOracle>,
    /// Per problem location: its stop in the oracle, `None` when it is not on the graph.
    stops: Vec<Option<u32>>,
}

impl fmt::Debug for RoadArcs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoadArcs")
            .field("locations", &self.stops.len())
            .field("oracle", &self.oracle)
            .finish()
    }
}

/// Two are equal when they read the same oracle for the same stops.
impl PartialEq for RoadArcs {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.oracle, &other.oracle) && self.stops == other.stops
    }
}

impl RoadArcs {
    /// Location `i` of the problem is stop `stops[i]` of `oracle` (`None`: not on the
    /// graph, every arc to or from it unreachable).
    ///
    /// # Errors
    /// [`RoadError::StopOutOfRange`] when a stop is not below `oracle.len()`.
    pub fn new(oracle: Arc<RoadOracle>, stops: Vec<Option<usize>>) -> Result<Self, RoadError> {
        let n = oracle.len();
        if let Some(stop) = stops.iter().flatten().copied().find(|&s| s >= n) {
            return Err(RoadError::StopOutOfRange { stop, stops: n });
        }
        // Below `n`, which the oracle keeps within u32 (its cache keys are two u32).
        let stops = stops.into_iter().map(|s| s.map(|s| s as u32)).collect();
        Ok(Self { oracle, stops })
    }

    /// The same oracle for a subset of the locations: location `i` of the result is
    /// location `locations[i]` of `self` (an index out of range is not on the graph).
    pub fn subset(&self, locations: &[usize]) -> Self {
        let stops = locations.iter().map(|&l| self.stops.get(l).copied().flatten()).collect();
        Self { oracle: self.oracle.clone(), stops }
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.stops.len()
    }

    /// Whether there are no locations.
    pub fn is_empty(&self) -> bool {
        self.stops.is_empty()
    }

    /// The oracle's stop of location `location`, when it is on the graph.
    pub fn stop(&self, location: usize) -> Option<u32> {
        self.stops.get(location).copied().flatten()
    }

    /// The oracle behind the arcs.
    pub fn oracle(&self) -> &Arc<RoadOracle> {
        &self.oracle
    }

    /// The arc between two locations (0 from a location to itself); `None` when either is
    /// not on the graph (or out of range), or the oracle finds no path.
    ///
    /// # Units
    /// Whole seconds and metres ([`ArcCost`]), as the dense road matrix.
    ///
    /// # Complexity
    /// That of [`RoadOracle::arc`]: a list or cache lookup, else one hierarchy query.
    #[inline]
    pub fn arc(&self, from: usize, to: usize) -> Option<ArcCost> {
        // A location to itself is 0, on the graph or not, as in the matrix.
        if from == to && from < self.stops.len() {
            return Some(ArcCost::default());
        }
        let (a, b) = (self.stop(from)?, self.stop(to)?);
        self.oracle.arc(a as usize, b as usize).ok()
    }
}
