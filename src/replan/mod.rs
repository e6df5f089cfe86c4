//! Live re-optimisation: re-plan a day under way as orders arrive, keeping what drivers
//! have done and been promised.
//!
//! - [`state`]: the plan under way ([`PlanState`]: per vehicle its served, committed and
//!   planned stops and its position; the day's problem; a version and the plan it belongs
//!   to) and the new orders with release times ([`NewOrders`]), read and checked strictly.
//! - [`reoptimise()`]: the library function under the CLI and the service. Served and
//!   committed stops never move; the rest is solved as a plain routing problem from where
//!   each vehicle's committed stops end ([`residual`]), with an optional churn penalty
//!   ([`churn`], [`repair`]); the whole day goes through the routing checker.
//! - [`generate()`]: seeded states for the benchmark and the property tests.
//!
//! Static problems do not pass through here: [`crate::routing::solve`] is unchanged.
//!
//! ```
//! use stockroute::replan::{self, GenerateOptions, ReoptimiseOptions};
//! use stockroute::routing::SolverConfig;
//! use stockroute::SolveContext;
//! let small = GenerateOptions { stops: 30, orders: 5, iterations: 300, ..Default::default() };
//! let (state, orders) = replan::generate(&small, 1)?;
//! let options = ReoptimiseOptions {
//!     churn_penalty: 50.0,
//!     solver: SolverConfig::default().with_max_iterations(300),
//! };
//! let answer = replan::reoptimise(state, orders, &options, &SolveContext::new(1))?;
//! assert_eq!(answer.state.version, 2);
//! assert_eq!(answer.state.parent_version, Some(1));
//! Ok::<(), stockroute::Error>(())
//! ```

pub mod churn;
pub mod error;
mod generate;
mod reoptimise;
mod repair;
mod residual;
pub mod state;

pub use churn::{Changes, Inserted, Moved, VehicleRef};
pub use error::ReplanError;
pub use generate::{GenerateOptions, generate};
pub use reoptimise::{
    MAX_CHURN_PENALTY, ReoptimiseOptions, ReoptimiseSummary, Reoptimised, check_state, reoptimise,
};
pub use state::{NewOrder, NewOrders, PlanState, Position, VehicleState};
