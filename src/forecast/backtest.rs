//! Rolling-origin backtests of one series.
//!
//! A plan cuts the series at several origins, latest first, each followed by a full horizon
//! of known demand: `cut_k = n - horizon - k * step`. Every candidate model is fitted on
//! `y[..cut_k]` and scored on the absolute error of its horizon total against
//! `y[cut_k..cut_k + horizon]`, summed over origins: the lead-time error that placement
//! feels. An evaluation that holds out the last window must call this on the history before
//! that window only, so selection never sees the evaluation window.

use serde::{Deserialize, Serialize};

/// Where the origins of a rolling-origin backtest fall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacktestPlan {
    /// Periods forecast from each origin.
    pub horizon: usize,
    /// How many origins (at most; fewer when the series is short).
    pub origins: usize,
    /// Periods between consecutive origins.
    pub step: usize,
    /// Fewest training periods an origin may leave.
    pub min_train: usize,
}

impl BacktestPlan {
    /// The training lengths of the usable origins for a series of length `n`, latest first.
    pub fn cuts(&self, n: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.origins)
            .map_while(move |k| n.checked_sub(self.horizon + k * self.step.max(1)))
            .filter(move |&cut| cut >= self.min_train.max(1))
    }
}

/// Sums over the plan's origins of |forecast total - actual total| per model; `None` when
/// the series is too short for any origin.
///
/// # Units
/// Product units (summed over the horizon and the origins).
///
/// # Complexity
/// `origins` calls of `forecast_all` (one fit per model) on at most `n` periods.
pub fn total_error_scores(
    y: &[f64],
    plan: &BacktestPlan,
    forecast_all: impl Fn(&[f64], usize) -> Vec<Vec<f64>>,
) -> Option<Vec<f64>> {
    let mut scores: Vec<f64> = Vec::new();
    for cut in plan.cuts(y.len()) {
        let actual: f64 = y[cut..cut + plan.horizon].iter().sum();
        let forecasts = forecast_all(&y[..cut], plan.horizon);
        scores.resize(forecasts.len(), 0.0);
        for (score, f) in scores.iter_mut().zip(forecasts) {
            *score += (f.iter().sum::<f64>() - actual).abs();
        }
    }
    (!scores.is_empty()).then_some(scores)
}

/// The actual horizon totals summed over the plan's origins: the denominator that turns
/// [`total_error_scores`] into a WAPE of horizon totals.
///
/// # Units
/// Product units.
pub fn actual_totals(y: &[f64], plan: &BacktestPlan) -> f64 {
    plan.cuts(y.len()).map(|cut| y[cut..cut + plan.horizon].iter().sum::<f64>()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::models::{Forecaster, SeasonalNaive, WindowAverage};

    #[test]
    fn cuts_latest_first_and_respect_min_train() {
        let plan = BacktestPlan { horizon: 3, origins: 4, step: 2, min_train: 3 };
        assert_eq!(plan.cuts(10).collect::<Vec<_>>(), vec![7, 5, 3]);
        assert_eq!(plan.cuts(2).count(), 0);
    }

    #[test]
    fn scores_by_hand() {
        // One origin: train [1, 1, 4], actual [2, 2] (total 4).
        // Window(1) forecasts 4 + 4 = 8 -> error 4; seasonal naive(1) is the same model.
        // Window(3) forecasts 2 + 2 = 4 -> error 0.
        let y = [1.0, 1.0, 4.0, 2.0, 2.0];
        let plan = BacktestPlan { horizon: 2, origins: 1, step: 2, min_train: 1 };
        let models: Vec<Box<dyn Forecaster>> = vec![
            Box::new(WindowAverage { window: 1 }),
            Box::new(SeasonalNaive { season: 1 }),
            Box::new(WindowAverage { window: 3 }),
        ];
        let all = |y: &[f64], h| models.iter().map(|m| m.forecast(y, h)).collect();
        assert_eq!(total_error_scores(&y, &plan, all), Some(vec![4.0, 4.0, 0.0]));
        assert_eq!(actual_totals(&y, &plan), 4.0);
    }
}
