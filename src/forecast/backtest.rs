//! Rolling-origin backtests of one series.
//!
//! A plan cuts the series at several origins, latest first, each followed by a full horizon
//! of known demand: `cut_k = n - horizon - k * step`. Every candidate model is fitted on
//! `y[..cut_k]` and scored on the absolute error of its horizon total against
//! `y[cut_k..cut_k + horizon]`, summed over origins: the lead-time error that placement
//! feels. An evaluation that holds out the last window must call this on the history before
//! that window only, so selection never sees the evaluation window.

use super::models::Forecaster;
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
/// `origins x models` model fits on at most `n` periods.
pub fn total_error_scores(
    y: &[f64],
    plan: &BacktestPlan,
    models: &[Box<dyn Forecaster>],
) -> Option<Vec<f64>> {
    let mut scores = vec![0.0; models.len()];
    let mut any = false;
    for cut in plan.cuts(y.len()) {
        any = true;
        let actual: f64 = y[cut..cut + plan.horizon].iter().sum();
        for (score, model) in scores.iter_mut().zip(models) {
            let total: f64 = model.forecast(&y[..cut], plan.horizon).iter().sum();
            *score += (total - actual).abs();
        }
    }
    any.then_some(scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::models::{SeasonalNaive, WindowAverage};

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
        assert_eq!(total_error_scores(&y, &plan, &models), Some(vec![4.0, 4.0, 0.0]));
    }
}
