//! Everything that decides a forecast run ([`ForecastConfig`], stored with the run as its
//! model config) and which series it models ([`Eligibility`]). Its own file, below both the
//! pipeline ([`super::engine`]) and the summary of its selection ([`super::summary`]),
//! which read it.

use super::backtest::BacktestPlan;
use super::bias::BiasCorrection;
use super::candidates::CandidateSet;
use super::error::ForecastError;
use super::hierarchy::Reconciliation;
use super::models::{ModelKind, ModelSettings};
use super::select::Selection;
use super::series::Frequency;
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

    pub(super) fn plan(&self) -> BacktestPlan {
        BacktestPlan {
            horizon: self.horizon,
            origins: self.origins,
            step: self.origin_step.max(1),
            min_train: self.eligibility.min_history.max(self.settings.season * 2).max(1),
        }
    }

    /// The candidates plus the fallback (appended when not a candidate), built.
    pub(super) fn models(&self) -> (CandidateSet, usize) {
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

    pub(super) fn check(&self) -> Result<(), ForecastError> {
        use crate::scenario::limits::MAX_HORIZON_PERIODS as MAX_HORIZON;
        if self.horizon == 0 || self.horizon > MAX_HORIZON {
            return Err(ForecastError::InvalidHorizon { horizon: self.horizon, max: MAX_HORIZON });
        }
        Ok(())
    }
}
