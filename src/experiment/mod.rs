//! Experiments: a champion and a challenger configuration of one stage, run on the same
//! units and judged on outcomes, with a decision rule fixed in advance.
//!
//! A change to a forecast model, a placement policy or a routing configuration is trusted
//! only after an experiment shows it helps. The pieces:
//! - [`Spec`] ([`spec`]): stage, arms, units, metric, decision rule (minimum effect,
//!   confidence, a fixed number of units), seed; TOML for the CLI, JSON for the service.
//! - [`run`] ([`runner`]): samples the units before anything is measured, runs both arms
//!   on each with the same seed (common random numbers), records every unit in an
//!   [`ExperimentStore`] and the verdict at the end.
//! - The stages replay against outcomes, never against a model's own objective: forecasts
//!   against the demand realised after a cut date, placement plans by replaying that demand
//!   through the plan's stock, routing on instances x seeds, warehouse policies by picking
//!   replayed order days.
//! - [`stats`]: paired differences, seeded bootstrap interval (studentized or percentile),
//!   win / lose / inconclusive.
//! - [`shadow`]: a challenger beside the champion on live routing requests.
//! - Reports (terminal table, a self-contained HTML page with an SVG chart) are rendered
//!   above this module, by [`crate::report::experiment`].
//!
//! ```no_run
//! use stockroute::experiment::{self, Spec};
//! use stockroute::SolveContext;
//! let spec = Spec::from_file(std::path::Path::new("examples/experiments/routing_time_limits.toml"))?;
//! let outcome = experiment::run(&spec, None, &SolveContext::new(0))?;
//! println!("{}", stockroute::report::experiment::table(&outcome));
//! Ok::<(), stockroute::Error>(())
//! ```

mod error;
mod outcome;
mod records;
pub mod runner;
pub mod shadow;
pub mod spec;
mod stages;
pub mod stats;

pub use error::ExperimentError;
pub use outcome::{Measures, MetricSummary, Outcome, UnitResult, Verdict, summarise};
pub use records::{ExperimentRecord, ExperimentStatus, ExperimentStore};
pub use runner::run;
pub use spec::{
    ArmConfig, DecisionRule, Grain, MetricKind, Spec, Stage, UnitsSpec, WarehouseUnits,
};
pub use stages::routing_measures;
pub use stats::{Decision, Interval, PairedAnalysis};
