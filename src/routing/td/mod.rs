//! Time-dependent routing (issue 14): travel times that change with the departure time.
//!
//! - [`speed`]: the Ichoua-Gendreau-Potvin speed-step model (piecewise-constant speeds per
//!   arc category and time zone), exact FIFO arrivals and their inverse, and the same travel
//!   time as a piecewise-linear function ([`speed::TravelFn`]).
//! - [`instance`]: the time-dependent VRPTW the solver reads ([`TdInstance`]).
//! - [`dabia`]: the strict reader of the Dabia et al. (2013) benchmark files.
//! - [`schedule`]: a route's schedule, and the departure time that minimises its duration.
//! - [`search`]: SISR ruin-and-recreate under simulated annealing on time-dependent tours.
//! - [`check`](mod@check): the independent checker, from the raw file.
//! - [`solution`]: plans in the shape of the benchmark's `solutions.json`.
//!
//! The static solver ([`crate::routing::solve`]) is untouched: problems without a speed
//! profile solve exactly as before.

pub mod check;
pub mod dabia;
pub mod error;
pub mod instance;
pub mod schedule;
pub mod search;
pub mod solution;
pub mod speed;

pub use check::{TdCheck, check};
pub use error::TdError;
pub use instance::TdInstance;
pub use search::{TdConfig, TdStats, solve};
pub use solution::{TdRoute, TdSolution};
pub use speed::{SpeedModel, TravelFn};
