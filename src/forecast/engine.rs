//! The forecasting pipeline over a whole [`History`]: backtest the candidates per series,
//! select, fit the bias correction ([`super::bias`]) and the lead-time pools
//! ([`super::lead_time`]) on the same backtest origins, fit the chosen model, correct it,
//! lay the history's weekday profile over it where the history shows one
//! ([`super::weekday`]), attach daily and lead-time quantiles; and its evaluation on a
//! held-out window (whose forecasts are shaped the same way).
//!
//! Series are independent, so both passes run in parallel over series (rayon, with the
//! thread budget of the [`SolveContext`]), with a dense buffer per worker and nothing kept
//! per series beyond its scores, its origins' totals and its forecast. Results do not depend on the thread count:
//! every per-series result is computed alone and reduced in series order.

use super::backtest::{OriginRecord, origin_records, scores_of};
use super::band::variance_ratio;
use super::bias::{self, ClassFactor, factor_of};
use super::candidates::CandidateSet;
use super::coherence::{LevelReport, aggregate_base, evaluate_levels};
pub use super::config::{Eligibility, ForecastConfig};
use super::error::ForecastError;
use super::hierarchy::{Hierarchy, Reconciliation};
use super::lead_time::{LeadTimeModel, independent};
use super::metrics::{Metrics, MetricsAccumulator};
use super::models::ModelKind;
use super::quantile::{QUANTILE_LEVELS, quantile_ratios};
use super::scored::Scored;
use super::select::{DemandClass, Selection, choose};
use super::series::{Frequency, History};
use super::summary::summarize;
pub use super::summary::{SelectionLine, SelectionSummary};
use super::weekday::WeekdayProfile;
use crate::context::{Interrupted, SolveContext};
use crate::ids::{SkuId, ZoneId};
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The forecast of one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesForecast {
    /// The SKU.
    pub sku: SkuId,
    /// The zone.
    pub zone: ZoneId,
    /// The model that made it.
    pub model: ModelKind,
    /// Mean per period (units).
    pub mean: Vec<f64>,
    /// Median per period (units).
    pub p50: Vec<f64>,
    /// 90th percentile per period (units).
    pub p90: Vec<f64>,
    /// Median of demand summed from the first period through each period (units,
    /// cumulative; see [`super::lead_time`]).
    pub p50_cum: Vec<f64>,
    /// 90th percentile of demand summed from the first period through each period (units,
    /// cumulative): the last entry is the P90 of the horizon total.
    pub p90_cum: Vec<f64>,
}

/// A forecast for every series of a history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastSet {
    /// Period length.
    pub frequency: Frequency,
    /// Periods forecast.
    pub horizon: usize,
    /// Start date of the first forecast period (the day after the history).
    pub start: NaiveDate,
    /// Per series, in (sku, zone) order.
    pub series: Vec<SeriesForecast>,
    /// What the selection saw and chose; stored with the run as its metrics.
    pub selection: SelectionSummary,
}

impl ForecastSet {
    /// Start date of forecast period `h` (0-based).
    pub fn period_start(&self, h: usize) -> NaiveDate {
        let days = (h as u64) * u64::from(self.frequency.days());
        self.start.checked_add_days(chrono::Days::new(days)).unwrap_or(NaiveDate::MAX)
    }
}

/// Accuracy of each candidate and of the selection on a held-out window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    /// First date of the held-out window.
    pub holdout_start: NaiveDate,
    /// Periods scored per series.
    pub horizon: usize,
    /// Selection policy used.
    pub selection: Selection,
    /// Per candidate: its metrics and how many series selected it.
    pub models: Vec<ModelReport>,
    /// Metrics of the per-series selected models, bias-corrected as the run's
    /// `bias_correction` says, with their lead-time quantiles.
    pub selected: Metrics,
    /// The bias correction fitted on the selection origins (all before the held-out
    /// window).
    pub bias_factors: Vec<ClassFactor>,
    /// Every reconciliation at every level (bottom = eligible series; the aggregates sum all
    /// series, the ineligible ones with the fallback model).
    pub hierarchy: Vec<LevelReport>,
}

/// One candidate's line of a [`BacktestReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelReport {
    /// The model.
    pub model: ModelKind,
    /// Its accuracy on every scored series.
    pub metrics: Metrics,
    /// Series for which the selection chose it.
    pub chosen_for: u64,
}

/// A quantile path: the mean path times the series' quantile ratio (see [`super::quantile`]).
fn scaled(mean: &[f64], ratio: f64) -> Vec<f64> {
    mean.iter().map(|m| m * ratio).collect()
}

/// Maps `f` over series `0..n` in parallel under `ctx` (threads, cancel, deadline,
/// progress), giving each worker a reusable buffer.
fn par_series<T: Send>(
    n: usize,
    ctx: &SolveContext,
    f: impl Fn(usize, &mut Vec<f64>) -> T + Sync + Send,
) -> Result<Vec<T>, Interrupted> {
    let work = || {
        (0..n)
            .into_par_iter()
            .map_init(Vec::new, |buf, i| {
                ctx.check()?;
                let out = f(i, buf);
                ctx.progress().advance(1);
                Ok(out)
            })
            .collect()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(ctx.threads()).build() {
        Ok(pool) => pool.install(work),
        // No thread could be started: run on the global pool rather than fail.
        Err(_) => work(),
    }
}

/// Backtest scores and class of each series whose history up to `cut` is eligible.
fn score_all(
    history: &History,
    cut: usize,
    config: &ForecastConfig,
    models: &CandidateSet,
    ctx: &SolveContext,
) -> Result<Vec<Scored>, Interrupted> {
    let plan = config.plan();
    par_series(history.len(), ctx, |i, buf| {
        history.dense(i, cut, buf);
        let eligible = config.eligibility.admits(buf);
        let records = if eligible {
            origin_records(buf, &plan, |y, h| models.forecast_all(y, h))
        } else {
            Vec::new()
        };
        let scores = scores_of(&records);
        let actual = records.iter().map(OriginRecord::actual_total).sum();
        Scored { eligible, scores, records, actual, class: DemandClass::of(buf) }
    })
}

/// The bias correction and the lead-time model of the selection: the correction fitted on
/// the backtest origins of the chosen models, the lead-time pools on their corrected totals.
fn calibrate(
    config: &ForecastConfig,
    scored: &[Scored],
    chosen: &[usize],
) -> (Vec<ClassFactor>, LeadTimeModel) {
    let factors = bias::fit(
        config.bias_correction,
        scored.iter().zip(chosen).map(|(s, &c)| (s.class, c, s.records.as_slice())),
    );
    let samples = scored.iter().zip(chosen).flat_map(|(s, &c)| {
        let factor = factor_of(&factors, s.class);
        s.records.iter().map(move |r| (s.class, factor * r.forecast_totals[c], r))
    });
    let lead_time = LeadTimeModel::fit(config.horizon, samples);
    (factors, lead_time)
}

/// The lead-time model of candidate `m` alone (uncorrected), for its line of a backtest.
fn calibrate_candidate(config: &ForecastConfig, scored: &[Scored], m: usize) -> LeadTimeModel {
    let samples = scored
        .iter()
        .flat_map(|s| s.records.iter().map(move |r| (s.class, r.forecast_totals[m], r)));
    LeadTimeModel::fit(config.horizon, samples)
}

fn pick(config: &ForecastConfig, scored: &[Scored], fallback: usize) -> Vec<usize> {
    let scores: Vec<Option<Vec<f64>>> = scored.iter().map(|s| s.scores.clone()).collect();
    let classes: Vec<DemandClass> = scored.iter().map(|s| s.class).collect();
    let pooled: Vec<bool> = scores.iter().map(Option::is_some).collect();
    choose(config.selection, &scores, &classes, &pooled, fallback)
}

/// Forecasts every series of `history` for `config.horizon` periods after its end.
///
/// # Errors
/// [`ForecastError::InvalidHorizon`], or [`ForecastError::Interrupted`] when `ctx` is
/// cancelled or its deadline passes.
///
/// # Complexity
/// `O(series x (origins + 1) x candidates)` model fits, in parallel over series.
pub fn forecast(
    history: &History,
    config: &ForecastConfig,
    ctx: &SolveContext,
) -> Result<ForecastSet, ForecastError> {
    config.check()?;
    let (models, fallback) = config.models();
    let kinds = models.kinds();
    let end = history.periods();
    ctx.progress().phase("forecast");
    ctx.progress().set_total(2 * history.len() as u64);
    let scored = score_all(history, end, config, &models, ctx)?;
    let chosen = pick(config, &scored, fallback);
    let (factors, lead_time) = calibrate(config, &scored, &chosen);
    let profile = WeekdayProfile::estimate(history, end, config.quantile_window);
    let first_day = history.period_start(end).weekday();
    let series = par_series(history.len(), ctx, |i, buf| {
        history.dense(i, end, buf);
        let model = chosen[i];
        let class = scored[i].class;
        let factor = factor_of(&factors, class);
        let mut mean = models.forecast_one(model, buf, config.horizon);
        mean.iter_mut().for_each(|m| *m *= factor);
        if let Some(p) = &profile {
            p.apply(&mut mean, first_day);
        }
        let ratios = quantile_ratios(buf, config.quantile_window, &QUANTILE_LEVELS);
        let cum = lead_time.quantiles(class, &mean, buf, config.quantile_window);
        let (sku, zone) = history.key(i);
        SeriesForecast {
            sku: sku.clone(),
            zone: zone.clone(),
            model: kinds[model],
            p50: scaled(&mean, ratios[0]),
            p90: scaled(&mean, ratios[1]),
            mean,
            p50_cum: cum.p50,
            p90_cum: cum.p90,
        }
    })?;
    let series = reconcile_set(history, config, end, series);
    Ok(ForecastSet {
        frequency: history.frequency(),
        horizon: config.horizon,
        start: history.period_start(end),
        series,
        selection: summarize(config, kinds, &scored, &chosen, factors),
    })
}

/// Holds out the last `holdout` periods, selects on origins before them, forecasts
/// `config.horizon` periods from the cut with every candidate, and scores each candidate and
/// the selection on the eligible series.
///
/// # Errors
/// [`ForecastError::InvalidHorizon`], [`ForecastError::HistoryTooShort`] when `holdout` is
/// shorter than the horizon or leaves no history, [`ForecastError::Interrupted`].
///
/// # Complexity
/// `O(series x (origins + 1) x candidates)` model fits, in parallel over series.
pub fn backtest(
    history: &History,
    config: &ForecastConfig,
    holdout: usize,
    ctx: &SolveContext,
) -> Result<BacktestReport, ForecastError> {
    config.check()?;
    let end = history.periods();
    if holdout < config.horizon || holdout >= end {
        return Err(ForecastError::HistoryTooShort {
            needed: holdout.max(config.horizon) + 1,
            available: end,
        });
    }
    let cut = end - holdout;
    let (models, fallback) = config.models();
    let kinds = models.kinds();
    ctx.progress().phase("backtest");
    ctx.progress().set_total(2 * history.len() as u64);
    let scored = score_all(history, cut, config, &models, ctx)?;
    let chosen = pick(config, &scored, fallback);
    let (factors, lead_time) = calibrate(config, &scored, &chosen);
    let candidate_lead_time: Vec<LeadTimeModel> =
        (0..kinds.len()).map(|m| calibrate_candidate(config, &scored, m)).collect();
    let h = config.horizon;
    // The forecasts scored here are shaped as `forecast` shapes them, from the cut.
    let profile = WeekdayProfile::estimate(history, cut, config.quantile_window);
    let first_day = history.period_start(cut).weekday();
    let shape = |mut mean: Vec<f64>| {
        if let Some(p) = &profile {
            p.apply(&mut mean, first_day);
        }
        mean
    };
    let per_series = par_series(history.len(), ctx, |i, buf| {
        let start = history.dense(i, cut + h, buf);
        let split = cut.saturating_sub(start);
        let (train, actual) = buf.split_at(split);
        // A series whose first sale falls inside the window has zeros before it.
        let mut actual_full = vec![0.0; h - actual.len()];
        actual_full.extend_from_slice(actual);
        let class = scored[i].class;
        let factor = factor_of(&factors, class);
        let corrected = |mean: &[f64]| mean.iter().map(|m| m * factor).collect::<Vec<f64>>();
        if !scored[i].eligible {
            let mean = corrected(&shape(models.forecast_one(chosen[i], train, h)));
            return (None, mean, actual_full);
        }
        let ratios = quantile_ratios(train, config.quantile_window, &QUANTILE_LEVELS);
        let cv2 = variance_ratio(train, config.quantile_window);
        let score = |mean: &[f64], lead_time: &LeadTimeModel| {
            let mut acc = MetricsAccumulator::default();
            let (p50, p90) = (scaled(mean, ratios[0]), scaled(mean, ratios[1]));
            acc.add_series(train, &actual_full, mean, &p50, &p90);
            let cum = lead_time.quantiles(class, mean, train, config.quantile_window);
            let last = |v: &[f64]| v.last().copied().unwrap_or(0.0);
            acc.add_lead_time(
                actual_full.iter().sum(),
                last(&cum.p50),
                last(&cum.p90),
                p90.iter().sum(),
                last(&independent(mean, cv2).p90),
            );
            acc
        };
        let all: Vec<Vec<f64>> = models.forecast_all(train, h).into_iter().map(&shape).collect();
        let accs: Vec<MetricsAccumulator> =
            all.iter().zip(&candidate_lead_time).map(|(mean, lt)| score(mean, lt)).collect();
        let mean = corrected(&all[chosen[i]]);
        (Some((accs, score(&mean, &lead_time))), mean, actual_full)
    })?;
    let mut totals = vec![MetricsAccumulator::default(); kinds.len()];
    let mut counts = vec![0u64; kinds.len()];
    let mut selected = MetricsAccumulator::default();
    for ((accs, _, _), &choice) in per_series.iter().zip(&chosen) {
        let Some((accs, selected_acc)) = accs else { continue };
        for (t, a) in totals.iter_mut().zip(accs) {
            t.merge(a);
        }
        selected.merge(selected_acc);
        counts[choice] += 1;
    }
    Ok(BacktestReport {
        holdout_start: history.period_start(cut),
        horizon: h,
        selection: config.selection,
        models: kinds
            .iter()
            .zip(totals.iter().zip(counts))
            .map(|(&model, (t, chosen_for))| ModelReport { model, metrics: t.finish(), chosen_for })
            .collect(),
        selected: selected.finish(),
        bias_factors: factors,
        hierarchy: {
            let hierarchy = Hierarchy::new((0..history.len()).map(|i| history.key(i)));
            let base = aggregate_base(
                history,
                &hierarchy,
                cut,
                h,
                config.aggregate_model,
                &config.settings,
            );
            let (bottom, actual): (Vec<Vec<f64>>, Vec<Vec<f64>>) =
                per_series.into_iter().map(|(_, f, a)| (f, a)).unzip();
            let eligible: Vec<bool> = scored.iter().map(|s| s.eligible).collect();
            evaluate_levels(&hierarchy, &bottom, &actual, &eligible, &base, h)
        },
    })
}

/// Applies `config.reconciliation` to the bottom forecasts; quantiles move with the mean
/// (the cumulative ones with the horizon total).
fn reconcile_set(
    history: &History,
    config: &ForecastConfig,
    end: usize,
    mut series: Vec<SeriesForecast>,
) -> Vec<SeriesForecast> {
    if config.reconciliation == Reconciliation::BottomUp {
        return series;
    }
    let h = config.horizon;
    let hierarchy = Hierarchy::new(series.iter().map(|s| (&s.sku, &s.zone)));
    let base =
        aggregate_base(history, &hierarchy, end, h, config.aggregate_model, &config.settings);
    let bottom: Vec<Vec<f64>> = series.iter().map(|s| s.mean.clone()).collect();
    let rec = hierarchy.reconcile(config.reconciliation, &bottom, &base, h);
    for (s, new) in series.iter_mut().zip(rec) {
        for (k, &m) in new.iter().enumerate() {
            let scale = if s.mean[k] > 0.0 { m / s.mean[k] } else { 1.0 };
            s.p50[k] = if s.mean[k] > 0.0 { s.p50[k] * scale } else { m };
            s.p90[k] = if s.mean[k] > 0.0 { s.p90[k] * scale } else { m };
        }
        let (old_total, new_total): (f64, f64) = (s.mean.iter().sum(), new.iter().sum());
        if old_total > 0.0 {
            let scale = new_total / old_total;
            s.p50_cum.iter_mut().chain(s.p90_cum.iter_mut()).for_each(|q| *q *= scale);
        } else {
            let cum = super::lead_time::cumulative(&new);
            (s.p50_cum, s.p90_cum) = (cum.clone(), cum);
        }
        s.mean = new;
    }
    series
}
