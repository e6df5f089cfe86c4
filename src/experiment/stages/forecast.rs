//! Forecast experiments replayed against held-back demand.
//!
//! For each origin (a cut date), the scenario's history is cut at that date, each arm
//! forecasts the next `horizon` periods from the cut history alone, and its horizon totals
//! are compared with the demand that was actually realised after the cut. The error is the
//! WAPE of the horizon totals (the lead-time quantity placement consumes, see
//! [`crate::forecast::metrics`]) per zone, or per series.
//!
//! Which units exist depends only on the realised data (a zone or series with demand in
//! the window), never on an arm's forecast, so both arms are judged on the same units.

use super::batch::{Batch, unit_seed};
use crate::context::{NoProgress, SolveContext};
use crate::experiment::error::ExperimentError;
use crate::experiment::outcome::Measures;
use crate::experiment::spec::{ArmConfig, Grain, MetricKind, Spec};
use crate::forecast::{ForecastConfig, ForecastSet, Frequency, HistoryBuilder, forecast};
use crate::ids::{SkuId, ZoneId};
use crate::scenario::Scenario;
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Realised or forecast horizon totals per (sku, zone).
pub(super) type Totals = BTreeMap<(SkuId, ZoneId), f64>;

/// A scenario cut at several origins, with the realised totals after each.
pub(in crate::experiment) struct Data {
    pub(super) scenario: Scenario,
    /// Cut dates, latest first.
    pub(super) origins: Vec<NaiveDate>,
    /// Periods after each cut.
    pub(super) horizon: usize,
    grain: Grain,
    /// Per origin: realised totals in the window after it.
    actual: Vec<Totals>,
}

/// Loads the scenario and computes the cut dates, `latest first`; the latest leaves
/// exactly `horizon` periods of realised demand.
pub(super) fn cut_dates(spec: &Spec) -> Result<(Scenario, Vec<NaiveDate>, usize), ExperimentError> {
    let u = &spec.units;
    let path = u.scenario.clone().unwrap_or_default();
    let (scenario, _) = crate::scenario::load(&path)?;
    let horizon = u.horizon.unwrap_or(1);
    let step = u.origin_step.unwrap_or(horizon).max(1);
    let days = u64::from(Frequency::from(scenario.period).days());
    let first = scenario.demand.iter().map(|r| r.date).min();
    let last = scenario.demand.iter().map(|r| r.date).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Err(ExperimentError::HistoryTooShort { origin: 0, needed: horizon, available: 0 });
    };
    let available = ((last - first).num_days() as u64 + 1) / days;
    let mut origins = Vec::new();
    for k in 0..u.origins.unwrap_or(1) {
        let back = (horizon + k * step) as u64;
        // At least two horizons of history before every cut.
        let needed = back + 2 * horizon as u64;
        let cut = last
            .checked_add_days(Days::new(1))
            .and_then(|d| d.checked_sub_days(Days::new(back * days)));
        match cut {
            Some(cut) if needed <= available => origins.push(cut),
            _ => {
                return Err(ExperimentError::HistoryTooShort {
                    origin: k,
                    needed: needed as usize,
                    available: available as usize,
                });
            }
        }
    }
    Ok((scenario, origins, horizon))
}

/// Realised totals per (sku, zone) in `[cut, cut + horizon periods)`.
pub(super) fn realised(scenario: &Scenario, cut: NaiveDate, horizon: usize) -> Totals {
    let days = u64::from(Frequency::from(scenario.period).days()) * horizon as u64;
    let end = cut.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX);
    let mut out = Totals::new();
    for r in scenario.demand.iter().filter(|r| r.date >= cut && r.date < end) {
        if let (Some(s), Some(z)) = (scenario.sku(r.sku), scenario.zone(r.zone)) {
            *out.entry((s.id.clone(), z.id.clone())).or_default() += r.quantity;
        }
    }
    out
}

fn key(cut: NaiveDate, grain: Grain, sku: &SkuId, zone: &ZoneId) -> String {
    match grain {
        Grain::Zone => format!("{cut}/{zone}"),
        Grain::Series => format!("{cut}/{sku}@{zone}"),
    }
}

pub(super) fn prepare(spec: &Spec) -> Result<(Data, Vec<Batch>), ExperimentError> {
    let (scenario, origins, horizon) = cut_dates(spec)?;
    let grain = spec.units.by.unwrap_or_default();
    let actual: Vec<Totals> = origins.iter().map(|&c| realised(&scenario, c, horizon)).collect();
    let batches = origins
        .iter()
        .zip(&actual)
        .enumerate()
        .map(|(i, (&cut, totals))| {
            let units: BTreeSet<String> = totals
                .iter()
                .filter(|(_, a)| **a > 0.0)
                .map(|((s, z), _)| key(cut, grain, s, z))
                .collect();
            let seed = unit_seed(spec.seed, i);
            Batch { key: cut.to_string(), seed, units: units.into_iter().collect() }
        })
        .collect();
    Ok((Data { scenario, origins, horizon, grain, actual }, batches))
}

/// The forecast config of an arm: the frequency's defaults with the arm's overrides.
pub(super) fn config(frequency: Frequency, horizon: usize, arm: &ArmConfig) -> ForecastConfig {
    let mut c = ForecastConfig::new(frequency, horizon);
    if let Some(candidates) = &arm.candidates {
        c.candidates.clone_from(candidates);
    }
    if let Some(selection) = arm.selection {
        c.selection = selection;
    }
    if let Some(fallback) = arm.fallback {
        c.fallback = fallback;
    }
    c
}

/// The arm's forecast of `horizon` periods from the history before `cut`.
pub(super) fn forecast_at(
    scenario: &Scenario,
    cut: NaiveDate,
    horizon: usize,
    arm: &ArmConfig,
    seed: u64,
    ctx: &SolveContext,
) -> Result<ForecastSet, ExperimentError> {
    let mut builder = HistoryBuilder::new();
    for r in scenario.demand.iter().filter(|r| r.date < cut) {
        if let (Some(s), Some(z)) = (scenario.sku(r.sku), scenario.zone(r.zone)) {
            builder.push(r.date, s.id.as_str(), z.id.as_str(), r.quantity);
        }
    }
    // A zero row pins the history's end to the day before the cut (a quiet last day would
    // otherwise end it earlier and shift the forecast window).
    if let (Some(s), Some(z), Some(day)) =
        (scenario.skus.first(), scenario.zones.first(), cut.pred_opt())
    {
        builder.push(day, s.id.as_str(), z.id.as_str(), 0.0);
    }
    let frequency = Frequency::from(scenario.period);
    let history = builder.finish(frequency).ok_or(ExperimentError::HistoryTooShort {
        origin: 0,
        needed: horizon,
        available: 0,
    })?;
    // The runner's progress sink counts units: the forecast's own phases stay out of it.
    let fctx = ctx.child(seed).with_progress(Arc::new(NoProgress));
    Ok(forecast(&history, &config(frequency, horizon, arm), &fctx)?)
}

/// Forecast horizon totals per (sku, zone).
fn totals(set: &ForecastSet) -> Totals {
    set.series
        .iter()
        .map(|s| ((s.sku.clone(), s.zone.clone()), s.mean.iter().sum::<f64>()))
        .collect()
}

pub(super) fn evaluate(
    d: &Data,
    index: usize,
    arm: &ArmConfig,
    seed: u64,
    ctx: &SolveContext,
) -> Result<BTreeMap<String, Measures>, ExperimentError> {
    let cut = d.origins[index];
    let fc = totals(&forecast_at(&d.scenario, cut, d.horizon, arm, seed, ctx)?);
    let actual = &d.actual[index];
    // Per unit: (sum |F - A|, sum A) over the unit's series, forecast-only series included.
    let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (k, &a) in actual {
        let f = fc.get(k).copied().unwrap_or(0.0);
        let slot = sums.entry(key(cut, d.grain, &k.0, &k.1)).or_default();
        slot.0 += (f - a).abs();
        slot.1 += a;
    }
    for (k, &f) in fc.iter().filter(|(k, _)| !actual.contains_key(*k)) {
        if let Some(slot) = sums.get_mut(&key(cut, d.grain, &k.0, &k.1)) {
            slot.0 += f;
        }
    }
    Ok(sums
        .into_iter()
        .filter(|(_, (_, a))| *a > 0.0)
        .map(|(unit, (err, a))| (unit, Measures::from([(MetricKind::Wape, err / a)])))
        .collect())
}
