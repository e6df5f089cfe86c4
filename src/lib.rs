//! # stockroute
//!
//! A decision engine for fulfilment networks: it learns demand from history, decides where
//! stock should sit, and plans the last-mile routes that deliver it.
//!
//! Data flows one way through four stages, each a module that the CLI, the HTTP service
//! and the examples call the same way:
//!
//! ```text
//!  history, network, roads            forecast store (versioned runs)
//!         |                             ^            |            |
//!         v                             |            v            v
//!  [scenario] --clean series--> [forecast] --run--> [placement] -> [routing]
//! ```
//!
//! One entry point per stage, called alike by the CLI, the service, the batch run
//! ([`plan`]) and the experiments: [`store::forecast_run`] (a forecast written as a run),
//! [`placement::place`] (a checked placement from a forecast's quantities) and
//! [`routing::route_day`] (a delivery day routed and checked per station). Below them,
//! [`roads::PointMatrix`] is the one way to get a travel matrix for a list of places.
//!
//! Every solve receives a [`SolveContext`]: the seed, the deadline, a cancel token and a
//! progress sink, so results are reproducible and time limits are honest.
//!
//! ```
//! use stockroute::SolveContext;
//! use std::time::Duration;
//!
//! let ctx = SolveContext::new(42).with_time_limit(Duration::from_secs(5));
//! assert!(ctx.check().is_ok());
//! Ok::<(), stockroute::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]
#![warn(missing_docs)]

pub mod api;
pub mod context;
pub mod error;
pub mod experiment;
pub mod forecast;
pub mod ids;
pub mod issue;
pub mod placement;
pub mod plan;
pub mod report;
pub mod roads;
pub mod routing;
pub mod scenario;
pub mod store;

pub use context::{CancelToken, Interrupted, Progress, SolveContext};
pub use error::{Error, Result};
