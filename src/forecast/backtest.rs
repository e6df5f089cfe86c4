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

/// What one backtest origin shows: every candidate's forecast total and the actual demand
/// summed from the first horizon period through each period. Kept per series so that the
/// selection, the bias correction ([`super::bias`]) and the lead-time quantiles
/// ([`super::lead_time`]) read the same fits.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginRecord {
    /// Per candidate, its forecast summed over the horizon (units).
    pub forecast_totals: Vec<f64>,
    /// Actual demand from the first horizon period through period `h`, for every `h`
    /// (units, non-decreasing; the last entry is the horizon total).
    pub actual_cum: Vec<f64>,
}

impl OriginRecord {
    /// The actual horizon total (units).
    pub fn actual_total(&self) -> f64 {
        self.actual_cum.last().copied().unwrap_or(0.0)
    }
}

/// One [`OriginRecord`] per usable origin of the plan, latest first (empty when the series
/// is too short for any origin).
///
/// # Complexity
/// `origins` calls of `forecast_all` (one fit per model) on at most `n` periods.
pub fn origin_records(
    y: &[f64],
    plan: &BacktestPlan,
    forecast_all: impl Fn(&[f64], usize) -> Vec<Vec<f64>>,
) -> Vec<OriginRecord> {
    plan.cuts(y.len())
        .map(|cut| {
            let actual_cum = y[cut..cut + plan.horizon]
                .iter()
                .scan(0.0, |acc, v| {
                    *acc += v;
                    Some(*acc)
                })
                .collect();
            let forecast_totals =
                forecast_all(&y[..cut], plan.horizon).iter().map(|f| f.iter().sum()).collect();
            OriginRecord { forecast_totals, actual_cum }
        })
        .collect()
}

/// Per candidate, the sum over `records` of |forecast total - actual total|; `None` when
/// there is no record.
///
/// # Units
/// Product units (summed over the horizon and the origins).
pub fn scores_of(records: &[OriginRecord]) -> Option<Vec<f64>> {
    let mut scores: Vec<f64> = Vec::new();
    for r in records {
        scores.resize(r.forecast_totals.len(), 0.0);
        for (score, f) in scores.iter_mut().zip(&r.forecast_totals) {
            *score += (f - r.actual_total()).abs();
        }
    }
    (!records.is_empty()).then_some(scores)
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
    scores_of(&origin_records(y, plan, forecast_all))
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
        let records = origin_records(&y, &plan, all);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].forecast_totals, vec![8.0, 8.0, 4.0]);
        assert_eq!(records[0].actual_cum, vec![2.0, 4.0]);
        assert_eq!(records[0].actual_total(), 4.0);
    }
}
