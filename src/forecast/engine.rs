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

use super::backtest::{BacktestPlan, OriginRecord, origin_records, scores_of};
use super::band::variance_ratio;
use super::bias::{self, BiasCorrection, ClassFactor, factor_of};
use super::candidates::CandidateSet;
use super::coherence::{LevelReport, aggregate_base, evaluate_levels};
use super::error::ForecastError;
use super::hierarchy::{Hierarchy, Reconciliation};
use super::lead_time::{LeadTimeModel, independent};
use super::metrics::{Metrics, MetricsAccumulator};
use super::models::{ModelKind, ModelSettings};
use super::quantile::{QUANTILE_LEVELS, quantile_ratios};
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

/// Which series are forecast with the selected model (the others get the fallback) and
/// which are scored in evaluations. All counts are in periods of the history's frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// Fewest periods from the first sale to the origin.
    pub min_history: usize,
    /// Fewest periods with a sale.
    pub min_selling: usize,
    /// The last sale must lie within this many periods before the origin.
    pub max_since_sale: usize,
}

impl Eligibility {
    /// Whether a series (starting at its first sale, ending at the origin) qualifies.
    pub fn admits(&self, y: &[f64]) -> bool {
        let selling = y.iter().filter(|&&v| v > 0.0).count();
        let last = y.iter().rposition(|&v| v > 0.0);
        y.len() >= self.min_history
            && selling >= self.min_selling
            && last.is_some_and(|l| y.len() - l <= self.max_since_sale)
    }
}

/// Everything that decides a forecast run; stored with the run as its model config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastConfig {
    /// Periods to forecast.
    pub horizon: usize,
    /// Models the selection chooses from, simplest first.
    pub candidates: Vec<ModelKind>,
    /// Model for series that cannot be backtested or are not eligible.
    pub fallback: ModelKind,
    /// Shared model parameters (season, window, TSB alphas).
    pub settings: ModelSettings,
    /// Selection policy.
    pub selection: Selection,
    /// Rolling origins used for selection.
    pub origins: usize,
    /// Periods between origins.
    pub origin_step: usize,
    /// Periods of recent history that shape the quantiles and the weekday profile
    /// ([`super::weekday`]).
    pub quantile_window: usize,
    /// Which series are modelled and scored.
    pub eligibility: Eligibility,
    /// How bottom forecasts are reconciled with the aggregate ones.
    pub reconciliation: Reconciliation,
    /// The model of aggregate (zone, SKU, total) base forecasts.
    pub aggregate_model: ModelKind,
    /// Whether the selected forecasts are corrected for their backtest bias
    /// ([`super::bias`]); runs stored before the option read as `per_class`.
    #[serde(default)]
    pub bias_correction: BiasCorrection,
}

impl ForecastConfig {
    /// Defaults for a frequency: daily = season 7, 28-day window, eligibility 56 days /
    /// 5 selling days / a sale in the last 91 days, 91-day quantile window; weekly = the
    /// same spans in weeks, no season.
    pub fn new(frequency: Frequency, horizon: usize) -> Self {
        let p = |days| frequency.periods_in_days(days);
        Self {
            horizon,
            candidates: ModelKind::ALL.to_vec(),
            fallback: ModelKind::WindowAverage,
            settings: ModelSettings {
                season: frequency.season(),
                window: p(28),
                ..ModelSettings::default()
            },
            selection: Selection::PerClass,
            origins: 3,
            origin_step: horizon,
            quantile_window: p(91),
            eligibility: Eligibility {
                min_history: p(56),
                min_selling: if frequency == Frequency::Daily { 5 } else { 3 },
                max_since_sale: p(91),
            },
            reconciliation: Reconciliation::BottomUp,
            aggregate_model: ModelKind::Combination,
            bias_correction: BiasCorrection::PerClass,
        }
    }

    fn plan(&self) -> BacktestPlan {
        BacktestPlan {
            horizon: self.horizon,
            origins: self.origins,
            step: self.origin_step.max(1),
            min_train: self.eligibility.min_history.max(self.settings.season * 2).max(1),
        }
    }

    /// The candidates plus the fallback (appended when not a candidate), built.
    fn models(&self) -> (CandidateSet, usize) {
        let mut kinds = self.candidates.clone();
        let fallback = match kinds.iter().position(|&k| k == self.fallback) {
            Some(i) => i,
            None => {
                kinds.push(self.fallback);
                kinds.len() - 1
            }
        };
        (CandidateSet::new(kinds, &self.settings), fallback)
    }

    fn check(&self) -> Result<(), ForecastError> {
        use crate::scenario::limits::MAX_HORIZON_PERIODS as MAX_HORIZON;
        if self.horizon == 0 || self.horizon > MAX_HORIZON {
            return Err(ForecastError::InvalidHorizon { horizon: self.horizon, max: MAX_HORIZON });
        }
        Ok(())
    }
}

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

/// What the first pass learns about one series.
pub(super) struct Scored {
    /// Whether the series is eligible at the origin (modelled, and scored in evaluations).
    pub(super) eligible: bool,
    /// Backtest errors per candidate; `None` when not eligible or too short to backtest.
    pub(super) scores: Option<Vec<f64>>,
    /// What each backtest origin showed (empty without scores).
    pub(super) records: Vec<OriginRecord>,
    /// Actual horizon totals summed over the origins (0 without scores).
    pub(super) actual: f64,
    /// Its demand class.
    pub(super) class: DemandClass,
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
