//! Placement experiments replayed against realised demand.
//!
//! For each origin, an arm forecasts the next cycle from the history before the cut (its
//! own forecast configuration), places stock with the placement LP from that forecast (its
//! own placement options), and the plan is then judged by [`super::replay`] against the
//! demand that was really realised in the cycle: realised cost, fill rate, stock-outs,
//! split and long-distance shipments. The LP's own objective plays no part in the verdict.
//!
//! Centre -> zone distances are great-circle km in both the plan and the replay (no road
//! graph is loaded: the experiment compares policies, and loading roads per origin would
//! dominate its cost).

use super::batch::{Batch, unit_seed};
use super::forecast::{cut_dates, forecast_at};
use super::replay::replay;
use crate::context::SolveContext;
use crate::experiment::error::ExperimentError;
use crate::experiment::outcome::Measures;
use crate::experiment::spec::{ArmConfig, Spec};
use crate::forecast::Frequency;
use crate::ids::RunId;
use crate::placement::{self, PlaceOptions, PlacementOptions};
use crate::scenario::{DemandRow, Scenario};
use crate::store::set_demand;
use chrono::{Days, NaiveDate};
use std::collections::BTreeMap;

/// A scenario cut at several origins.
pub(in crate::experiment) struct Data {
    scenario: Scenario,
    origins: Vec<NaiveDate>,
    /// The cycle, in scenario periods.
    horizon: usize,
}

pub(super) fn prepare(spec: &Spec) -> Result<(Data, Vec<Batch>), ExperimentError> {
    let (scenario, origins, horizon) = cut_dates(spec)?;
    let batches = origins
        .iter()
        .enumerate()
        .map(|(i, cut)| Batch {
            key: cut.to_string(),
            seed: unit_seed(spec.seed, i),
            units: vec![cut.to_string()],
        })
        .collect();
    Ok((Data { scenario, origins, horizon }, batches))
}

pub(super) fn evaluate(
    d: &Data,
    index: usize,
    arm: &ArmConfig,
    seed: u64,
    ctx: &SolveContext,
) -> Result<BTreeMap<String, Measures>, ExperimentError> {
    let cut = d.origins[index];
    let set = forecast_at(&d.scenario, cut, d.horizon, arm, seed, ctx)?;
    // The forecast stays in memory: an experiment must not fill the store with runs.
    let demand = set_demand(RunId::new(format!("experiment-{cut}")), &set);
    let mut options = PlacementOptions { cycle_periods: d.horizon as f64, ..Default::default() };
    if let Some(k) = arm.k_nearest {
        options = options.with_k_nearest(k);
    }
    if let Some(full) = arm.require_full_service {
        options = options.with_full_service(full);
    }
    // The LP on one thread, as this stage always ran it (the plan does not depend on it).
    let pctx = ctx.child(seed).with_threads(1);
    let options = PlaceOptions { placement: options, solve_time_limit: None };
    let placed = placement::place(&d.scenario, &demand, None, &options, &pctx)?;
    let days = u64::from(Frequency::from(d.scenario.period).days()) * d.horizon as u64;
    let end = cut.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX);
    let realised: Vec<DemandRow> =
        d.scenario.demand.iter().filter(|r| r.date >= cut && r.date < end).copied().collect();
    let measures = replay(&d.scenario, &placed.report, &realised, d.horizon as f64);
    Ok(BTreeMap::from([(cut.to_string(), measures)]))
}
