//! The forecast stage of a planning run: forecast the scenario's history into the store
//! (or reuse an identical stored run), then digest history and forecast for charts.

use super::outcome::{DemandChart, ForecastPoint, ForecastSummary, HistoryPoint, SkuChart};
use super::{PlanError, PlanRequest};
use crate::context::SolveContext;
use crate::forecast::{ForecastConfig, History, band};
use crate::ids::{SkuId, ZoneId};
use crate::scenario::{Calendar, Scenario};
use crate::store::{self, ForecastRow, ForecastStore, RunInfo};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// SKUs drawn one by one in the report.
const TOP_SKUS: usize = 4;

/// The stored run a plan reads, with its rows.
pub(crate) struct StoredForecast {
    pub info: RunInfo,
    pub rows: Vec<ForecastRow>,
    pub reused: bool,
    pub series: usize,
}

/// Forecasts into the store ([`store::forecast_run`], as `stockroute forecast` does), or
/// reuses the newest run of the same data and configuration.
pub(crate) fn run(
    scn: &Scenario,
    request: &PlanRequest,
    store: &dyn ForecastStore,
    ctx: &SolveContext,
) -> Result<StoredForecast, PlanError> {
    let history = History::from_scenario(scn)
        .ok_or_else(|| PlanError::NoHistory { scenario: scn.name.clone() })?;
    let options = &request.forecast;
    let horizon = options.horizon.unwrap_or(scn.horizon_periods as usize);
    let mut config = ForecastConfig::new(history.frequency(), horizon);
    config.origins = options.origins;
    config.selection = options.selection;
    if let Some(models) = &options.models {
        config.candidates.clone_from(models);
    }
    let model_config = serde_json::to_value(&config).map_err(|e| PlanError::Encode {
        path: "forecast config".into(),
        message: e.to_string(),
    })?;
    let fingerprint = history.fingerprint();
    if options.reuse {
        let same = store.list_runs()?.into_iter().find(|r| {
            r.run.data_fingerprint == fingerprint
                && r.run.horizon == horizon
                && r.run.model_config == model_config
        });
        if let Some(info) = same {
            let rows = store.read_run(&info.id)?;
            return Ok(StoredForecast { info, rows, reused: true, series: history.len() });
        }
    }
    let source = request.scenario.display().to_string();
    let run = store::forecast_run::<PlanError>(store, &history, &config, source, ctx)?;
    let id = run.id;
    let info = store.run_info(&id)?;
    let rows = store.read_run(&id)?;
    Ok(StoredForecast { info, rows, reused: false, series: history.len() })
}

/// Periods of history shown before the forecast.
fn history_window(horizon: usize) -> usize {
    (3 * horizon).max(56)
}

/// Per (sku, zone) series: the [`band::variance_ratio`] of its recent history, over the
/// quantile window of the run's configuration (the window its quantiles came from).
fn variance_ratios<'a>(
    scn: &Scenario,
    stored: &'a StoredForecast,
) -> HashMap<(&'a SkuId, &'a ZoneId), f64> {
    let run = &stored.info.run;
    let Some(history) = History::from_scenario(scn) else { return HashMap::new() };
    let window = serde_json::from_value::<ForecastConfig>(run.model_config.clone()).map_or_else(
        |_| ForecastConfig::new(history.frequency(), run.horizon).quantile_window,
        |c| c.quantile_window,
    );
    let mut by_key: HashMap<(String, String), f64> = HashMap::new();
    let mut buf = Vec::new();
    for i in 0..history.len() {
        history.dense(i, history.periods(), &mut buf);
        let (sku, zone) = history.key(i);
        by_key.insert((sku.0.clone(), zone.0.clone()), band::variance_ratio(&buf, window));
    }
    stored
        .rows
        .iter()
        .filter_map(|r| {
            let ratio = by_key.get(&(r.sku.0.clone(), r.zone.0.clone()))?;
            Some(((&r.sku, &r.zone), *ratio))
        })
        .collect()
}

/// The chart digest: totals and the top SKUs, history (last periods) then forecast.
pub(crate) fn summary(scn: &Scenario, stored: &StoredForecast) -> ForecastSummary {
    let window = history_window(stored.info.run.horizon);
    let cv2 = variance_ratios(scn, stored);
    let mut by_sku_forecast: HashMap<&SkuId, f64> = HashMap::new();
    for r in &stored.rows {
        *by_sku_forecast.entry(&r.sku).or_default() += r.mean;
    }
    let mut ranked: Vec<(&SkuId, f64)> = by_sku_forecast.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let top: Vec<SkuId> = ranked.iter().take(TOP_SKUS).map(|(s, _)| (*s).clone()).collect();

    let chart = |keep: &dyn Fn(&SkuId) -> bool| -> DemandChart {
        let mut past: BTreeMap<NaiveDate, f64> = BTreeMap::new();
        let grid = Calendar::of(scn.period, &scn.demand);
        for row in &scn.demand {
            if let Some(start) = grid.and_then(|g| g.start_of(row.date))
                && scn.sku(row.sku).is_some_and(|s| keep(&s.id))
            {
                *past.entry(start).or_default() += row.quantity;
            }
        }
        // Periods without a sale have no row: fill them with zeros.
        let step = chrono::Days::new(scn.period.days().unsigned_abs());
        let mut dense = Vec::new();
        if let (Some((&first, _)), Some((&last, _))) =
            (past.first_key_value(), past.last_key_value())
        {
            let mut day = first;
            while day <= last {
                dense.push(HistoryPoint {
                    period: day,
                    units: past.get(&day).copied().unwrap_or(0.0),
                });
                match day.checked_add_days(step) {
                    Some(next) => day = next,
                    None => break,
                }
            }
        }
        let skip = dense.len().saturating_sub(window);
        let history = dense.split_off(skip);
        // The band of the sum, not the sum of the series' P90s (see forecast::band).
        let mut ahead: BTreeMap<NaiveDate, Vec<(f64, f64)>> = BTreeMap::new();
        for r in stored.rows.iter().filter(|r| keep(&r.sku)) {
            let ratio = cv2.get(&(&r.sku, &r.zone)).copied().unwrap_or(0.0);
            ahead.entry(r.period).or_default().push((r.mean, ratio));
        }
        let forecast = ahead
            .into_iter()
            .map(|(period, parts)| {
                let (mean, p90) = band::sum_band(parts);
                ForecastPoint { period, mean, p90 }
            })
            .collect();
        DemandChart { history, forecast }
    };
    let total = chart(&|_| true);
    let top_skus =
        top.iter().map(|sku| SkuChart { sku: sku.clone(), chart: chart(&|s| s == sku) }).collect();
    ForecastSummary {
        run_id: stored.info.id.clone(),
        reused: stored.reused,
        series: stored.series,
        horizon: stored.info.run.horizon,
        history_units: scn.demand.iter().map(|r| r.quantity).sum(),
        forecast_units: stored.rows.iter().map(|r| r.mean).sum(),
        total,
        top_skus,
    }
}
