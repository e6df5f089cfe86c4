//! Last-mile routing: the vehicle routing model, its solver, file formats and an
//! independent checker.
//!
//! - [`Problem`] ([`model`]) states a VRP: one or several depots, a mixed fleet with
//!   multi-dimensional capacities, shifts, fixed and per-distance/per-time costs, skills,
//!   route limits (most stops, longest distance, longest duration), driver breaks and
//!   open routes (ending at their last stop); an optional balanced-routes term in the
//!   objective (the longest route's duration, or the spread of stop counts);
//!   stops with demand, service time, one or several time windows, the skills they need
//!   and, for optional stops, a prize (the penalty of leaving them out); shipments (a pickup and its
//!   delivery on one route, pickup first, the load checked along the route); coordinates
//!   or an explicit matrix.
//! - [`solve`] ([`search`]) runs SISR ruin-and-recreate under simulated annealing (the module
//!   docs say why this method) within a [`crate::context::SolveContext`]'s deadline and returns a
//!   [`Solution`]; stops it cannot serve are reported with an [`UnservedReason`].
//! - [`check()`] re-verifies a solution from the raw problem, sharing no code with the
//!   solver.
//! - [`formats`] reads CVRPLIB/VRPLIB and Solomon files and the service's JSON, and writes
//!   CVRPLIB `.sol` files.
//!
//! The road network (OSM graph, snapping, matrices) is the stage below, [`crate::roads`];
//! this module never reads OSM nor builds road graphs.
//!
//! ```
//! use stockroute::routing::{self, formats::vrplib, SolverConfig};
//! use stockroute::SolveContext;
//! let text = "NAME : t\nTYPE : CVRP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n\
//!     NODE_COORD_SECTION\n1 0 0\n2 0 10\n3 10 0\n4 10 10\nDEMAND_SECTION\n1 0\n2 6\n3 6\n4 3\n\
//!     DEPOT_SECTION\n1\n-1\nEOF\n";
//! let problem = vrplib::parse(text)?;
//! let config = SolverConfig::default().with_max_iterations(200);
//! let solution = routing::solve(&problem, &config, &SolveContext::new(1))?;
//! assert!(routing::check(&problem, &solution).is_ok());
//! assert_eq!(solution.vehicles(), 2);
//! Ok::<(), stockroute::Error>(())
//! ```

mod arcs;
mod balance;
pub mod bounds;
mod break_plan;
mod break_schedule;
pub mod breaks;
pub mod check;
mod compiled;
mod construct;
mod day;
mod decompose;
mod env;
pub mod error;
pub mod formats;
pub mod from_scenario;
mod local;
pub mod model;
mod plan;
mod recreate;
pub mod road;
pub mod road_places;
mod ruin;
pub mod search;
mod shipments;
pub mod solution;
mod solve;
pub mod td;
mod trips;
mod window;

pub use arcs::DENSE_UP_TO;
pub use breaks::Break;
pub use check::{CheckReport, CheckViolation, check};
pub use day::{CheckedSolution, RoutedDay, RoutedStation, route_day, solve_checked};
pub use error::RoutingError;
pub use model::{
    Balance, BalanceMeasure, Depot, Locations, Metric, Objective, Problem, Shipment, Stop,
    TimeWindow, VehicleType,
};
pub use road::RoadArcs;
pub use road_places::{RoadArcOptions, RoadPlaces, road_locations};
pub use search::SolverConfig;
pub use solution::{
    BreakVisit, Route, Solution, SolveStats, StopReason, Unserved, UnservedReason, Visit,
};
pub use solve::solve;
