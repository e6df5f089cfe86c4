//! The stage-specific halves of an experiment: which units exist (known from the data alone,
//! before either arm runs) and how one arm is measured on a batch of units.
//!
//! A batch is the work that yields several units at once: one forecast origin yields a unit
//! per zone, one placement origin a unit, one (instance, seed) a routing unit.

mod batch;
mod forecast;
mod placement;
mod replay;
pub(super) mod routing;
mod warehouse;

pub(super) use batch::Batch;
pub use routing::measure as routing_measures;

use super::error::ExperimentError;
use super::outcome::Measures;
use super::spec::{ArmConfig, Spec, Stage};
use crate::context::SolveContext;
use std::collections::BTreeMap;

/// The loaded data of a stage.
pub(super) enum Prepared {
    Forecast(forecast::Data),
    Placement(placement::Data),
    Routing(routing::Data),
    Warehouse(warehouse::Data),
}

/// Loads the stage's data and lists its batches and eligible units.
pub(super) fn prepare(spec: &Spec) -> Result<(Prepared, Vec<Batch>), ExperimentError> {
    Ok(match spec.stage {
        Stage::Forecast => {
            let (d, b) = forecast::prepare(spec)?;
            (Prepared::Forecast(d), b)
        }
        Stage::Placement => {
            let (d, b) = placement::prepare(spec)?;
            (Prepared::Placement(d), b)
        }
        Stage::Routing => {
            let (d, b) = routing::prepare(spec)?;
            (Prepared::Routing(d), b)
        }
        Stage::Warehouse => {
            let (d, b) = warehouse::prepare(spec)?;
            (Prepared::Warehouse(d), b)
        }
    })
}

/// Which units count as eligible, for error messages.
pub(super) fn eligibility(stage: Stage) -> &'static str {
    match stage {
        Stage::Forecast => "(origin, zone or series) with realised demand in the window",
        Stage::Placement => "origins",
        Stage::Routing => "(instances + station-days) x seeds",
        Stage::Warehouse => "replayed order days (units.warehouse.days)",
    }
}

/// Measures `arm` on every unit of `batch`.
pub(super) fn evaluate(
    prepared: &Prepared,
    batch: &Batch,
    index: usize,
    arm: &ArmConfig,
    arm_name: &'static str,
    ctx: &SolveContext,
) -> Result<BTreeMap<String, Measures>, ExperimentError> {
    let seed = batch.seed.wrapping_add(arm.seed_offset);
    match prepared {
        Prepared::Forecast(d) => forecast::evaluate(d, index, arm, seed, ctx),
        Prepared::Placement(d) => placement::evaluate(d, index, arm, seed, ctx),
        Prepared::Routing(d) => routing::evaluate(d, batch, index, arm, arm_name, seed, ctx),
        Prepared::Warehouse(d) => warehouse::evaluate(d, batch, index, arm, seed, ctx),
    }
}
