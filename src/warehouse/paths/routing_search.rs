//! The project's own VRP search on the aisle grid: one robot, every stop a job, the
//! shortest-trip distances of the grid as an explicit matrix, solved by
//! [`crate::routing::solve`] (SISR ruin-and-recreate; reused, not copied).
//!
//! The local search of [`super::Improved`] is the default for multi-block layouts: it starts
//! from the classic routes and is never longer than them, and needs no n x n matrix. This
//! method is the routing stage's view of the same problem, for comparison and for batches
//! where a longer search pays; a batch above [`MAX_STOPS`] is refused rather than building a
//! large matrix.

use super::PickRouter;
use crate::context::SolveContext;
use crate::routing::{self, Locations, Problem, SolverConfig, Stop as VrpStop, VehicleType};
use crate::warehouse::error::WarehouseError;
use crate::warehouse::layout::{Layout, Point};
use crate::warehouse::orders::Stop;
use crate::warehouse::path::{PickPath, path_of_order};

/// The most stops a batch routed this way may have (the matrix is (stops + 1)^2).
pub const MAX_STOPS: usize = 1000;

/// The routing stage's search on the grid's distance matrix.
#[derive(Debug, Clone, Copy)]
pub struct RoutingSearch {
    /// Search iterations.
    pub iterations: u64,
}

impl Default for RoutingSearch {
    fn default() -> Self {
        Self { iterations: 2000 }
    }
}

impl PickRouter for RoutingSearch {
    fn name(&self) -> &'static str {
        "routing-search"
    }

    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        ctx: &SolveContext,
    ) -> Result<PickPath, WarehouseError> {
        if stops.len() > MAX_STOPS {
            return Err(WarehouseError::BadOption {
                option: "stops per batch (routing-search)",
                value: stops.len() as u64,
                expected: "at most 1000",
            });
        }
        if stops.is_empty() {
            return Ok(path_of_order(layout, stops, &[]));
        }
        let points: Vec<Point> =
            std::iter::once(layout.depot).chain(stops.iter().map(|s| s.point)).collect();
        let distance: Vec<Vec<f64>> = points
            .iter()
            .map(|&p| points.iter().map(|&q| layout.distance_cm(p, q) as f64).collect())
            .collect();
        let n = stops.len();
        let problem = Problem {
            profiles: Vec::new(),
            name: "pick batch".into(),
            locations: Locations::Matrix { duration: distance.clone(), distance },
            depots: vec![routing::Depot { id: "depot".into(), location: 0 }],
            vehicle_types: vec![VehicleType::new("robot", 1, vec![n as i64])],
            stops: (0..n).map(|i| VrpStop::new(format!("s{i}").as_str(), i + 1, vec![1])).collect(),
            objective: Default::default(),
            shipments: Vec::new(),
        };
        let config = SolverConfig::default().with_max_iterations(self.iterations);
        let solution = routing::solve(&problem, &config, &ctx.child(ctx.seed()));
        // The search always has a solution serving every stop (one vehicle, capacity n, no
        // windows); an interruption or a refusal falls back to the stops' own order.
        let order: Vec<usize> = match solution {
            Ok(s) if s.unserved.is_empty() => s.routes.into_iter().flat_map(|r| r.stops).collect(),
            _ => (0..n).collect(),
        };
        Ok(path_of_order(layout, stops, &order))
    }
}
