//! What the selection saw and chose in a forecast run, stored with the run as its metrics:
//! per candidate, how often it was chosen, its error and bias of horizon totals on the
//! selection's own origins, and the bias correction fitted there ([`super::bias`]).
//!
//! These figures are in-sample to the selection (optimistic for the selected line); the
//! held-out [`super::backtest()`] gives honest ones.

use super::bias::ClassFactor;
use super::config::ForecastConfig;
use super::models::ModelKind;
use super::scored::Scored;
use super::select::Selection;
use serde::{Deserialize, Serialize};

/// The selection's view of a forecast run: how often each model was chosen and the
/// backtest error on the selection origins. These errors are in-sample to the selection
/// (optimistic for the selected line); [`super::backtest()`] gives honest held-out figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionSummary {
    /// Selection policy.
    pub policy: Selection,
    /// Series with at least one backtest origin.
    pub series_backtested: u64,
    /// Per candidate: series that use it, and its WAPE of horizon totals over the origins.
    pub models: Vec<SelectionLine>,
    /// WAPE of horizon totals over the origins of the models as selected.
    pub selected_total_wape: f64,
    /// Bias of horizon totals over the origins of the models as selected, before the
    /// correction: `(sum F - sum A) / sum A`.
    #[serde(default)]
    pub selected_bias: f64,
    /// The bias correction fitted per demand class on the origins ([`super::bias`]).
    #[serde(default)]
    pub bias_factors: Vec<ClassFactor>,
}

/// One candidate's line of a [`SelectionSummary`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionLine {
    /// The model.
    pub model: ModelKind,
    /// Series forecast with it (all series, the ineligible ones with the fallback).
    pub chosen_for: u64,
    /// WAPE of horizon totals on the selection origins (backtested series).
    pub total_wape: f64,
    /// Bias of horizon totals on the selection origins: `(sum F - sum A) / sum A`.
    #[serde(default)]
    pub bias: f64,
}

pub(super) fn summarize(
    config: &ForecastConfig,
    kinds: &[ModelKind],
    scored: &[Scored],
    chosen: &[usize],
    bias_factors: Vec<ClassFactor>,
) -> SelectionSummary {
    let mut errors = vec![0.0; kinds.len()];
    let mut forecasts = vec![0.0; kinds.len()];
    let mut counts = vec![0u64; kinds.len()];
    let (mut actual, mut selected, mut selected_forecast, mut n) = (0.0, 0.0, 0.0, 0u64);
    for (s, &c) in scored.iter().zip(chosen) {
        counts[c] += 1;
        if let Some(scores) = &s.scores {
            n += 1;
            actual += s.actual;
            selected += scores[c];
            for (e, v) in errors.iter_mut().zip(scores) {
                *e += v;
            }
            for r in &s.records {
                for (f, v) in forecasts.iter_mut().zip(&r.forecast_totals) {
                    *f += v;
                }
                selected_forecast += r.forecast_totals[c];
            }
        }
    }
    SelectionSummary {
        policy: config.selection,
        series_backtested: n,
        models: kinds
            .iter()
            .zip(errors.iter().zip(counts).zip(forecasts))
            .map(|(&model, ((e, chosen_for), f))| SelectionLine {
                model,
                chosen_for,
                total_wape: e / actual,
                bias: (f - actual) / actual,
            })
            .collect(),
        selected_total_wape: selected / actual,
        selected_bias: (selected_forecast - actual) / actual,
        bias_factors,
    }
}
