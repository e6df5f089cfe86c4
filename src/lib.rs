//! # stockroute
//!
//! A decision engine for fulfilment networks: it learns demand from history, decides where
//! stock should sit, and plans the last-mile routes that deliver it.
//!
//! ## The stages, bottom up
//!
//! Data flows one way; each stage is a folder that imports only the ones below it (the
//! crate-wide [`error`] alone wraps every stage's error type):
//!
//! ```text
//!  history, network, roads                 the store: versioned forecast runs, jobs
//!         |                                  ^           |
//!         v                                  |           v
//!  [scenario] --clean series--> [forecast] --run--> [placement] --stock--+
//!                                                                       |
//!  [roads] --matrices, neighbour lists, point-to-point queries--> [routing] --routes
//!                                                                     |
//!                                        epochs, policies, replay  [dispatch]
//!         \___________________ [plan] (the batch run), [experiment] ______/
//!                         [report] renders; [api] and the CLI present
//! ```
//!
//! - [`context`], [`ids`], [`issue`]: the run context (seed, deadline, cancel, threads,
//!   progress; [`SolveContext::child`] for sub-solves), newtype ids, and the one
//!   validation-issue type every stage reports with (code, location, cause, action).
//! - [`scenario`]: reads and validates a scenario folder (every bad row named) into clean
//!   series; [`scenario::Calendar`] is the one week definition.
//! - [`roads`]: the road network: OSM loading, snapping, travel matrices
//!   ([`roads::PointMatrix`] is the one way to get one for a list of places), traffic,
//!   and for city scale neighbour lists and contraction-hierarchy queries
//!   ([`roads::RoadOracle`]).
//! - [`forecast`]: models per series, backtest-based selection, quantiles.
//! - [`store`]: forecast runs and service jobs in SQLite; [`store::forecast_run`] is the
//!   forecast stage's entry point (a forecast written as an immutable run).
//! - [`placement`]: the stock-positioning LP; [`placement::place`] is its entry point (a
//!   checked placement from a forecast's quantities, not from store rows).
//! - [`routing`]: the VRP model, solver, formats and independent checker;
//!   [`routing::route_day`] routes and checks a delivery day per station,
//!   [`routing::solve_checked`] one problem.
//! - [`dispatch`]: the dynamic day: epoch-based dispatch policies over the routing stage,
//!   the EURO-NeurIPS 2022 (ORTEC) dynamic rules as a test bench and their replay.
//! - [`replan`]: a plan under way (served, committed and planned stops per vehicle,
//!   versioned) re-optimised as orders arrive, [`replan::reoptimise`] its entry point.
//! - [`warehouse`]: inside a centre: the building's layout (an optional file per centre),
//!   slotting by forecast velocity, pick batches, pick paths (the exact single-block DP,
//!   classic heuristics, local search on the aisle grid) with an independent checker, and
//!   robots; [`warehouse::pick_day`] is its entry point.
//! - [`plan`]: the whole batch run, calling each entry point and nothing else;
//!   [`experiment`]: champion/challenger trials of any stage; [`report`]: the HTML, SVG,
//!   CSV and GeoJSON outputs of both.
//! - [`api`]: the HTTP service (axum), whose handlers call the same entry points.
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
//! let sub = ctx.child(7);
//! assert_eq!(sub.seed(), 7);
//! Ok::<(), stockroute::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]
#![warn(missing_docs)]

pub mod api;
pub mod context;
pub mod dispatch;
pub mod error;
pub mod experiment;
pub mod forecast;
pub mod ids;
pub mod issue;
pub mod placement;
pub mod plan;
pub mod replan;
pub mod report;
pub mod roads;
pub mod routing;
pub mod scenario;
pub mod store;
pub mod warehouse;

pub use context::{CancelToken, Interrupted, Progress, SolveContext};
pub use error::{Error, Result};
