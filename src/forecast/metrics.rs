//! Accuracy metrics, accumulated series by series so that large panels never hold every
//! forecast at once.
//!
//! The headline metric is the WAPE of each series' horizon total: the lead-time demand that
//! placement consumes. Per-period WAPE and MASE reward forecasting zero on sparse retail data
//! (a zero forecast scores per-day WAPE 1.00 and beats every real method), so they are
//! reported but never used to select models.

use serde::{Deserialize, Serialize};

/// Running sums for one model over many series. Add series with
/// [`add_series`](Self::add_series), combine with [`merge`](Self::merge), read with
/// [`finish`](Self::finish).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MetricsAccumulator {
    series: u64,
    cells: u64,
    abs_total_error: f64,
    actual: f64,
    forecast: f64,
    abs_period_error: f64,
    rmsse_sum: f64,
    rmsse_series: u64,
    pinball_p50: f64,
    pinball_p90: f64,
    covered_p50: u64,
    covered_p90: u64,
    lead_time: LeadTimeSums,
}

/// Running sums of the horizon-total quantiles (see [`MetricsAccumulator::add_lead_time`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct LeadTimeSums {
    series: u64,
    covered_p50: u64,
    covered_p90: u64,
    pinball_p90: f64,
    actual: f64,
    covered_summed_p90: u64,
    covered_independent_p90: u64,
}

/// Accuracy of one model (or of the selection) over a set of series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Series scored.
    pub series: u64,
    /// WAPE of horizon totals: sum over series of |forecast total - actual total| / sum of
    /// actual totals. The selection metric.
    pub total_wape: f64,
    /// WAPE per period: sum |F - A| / sum A over all cells.
    pub period_wape: f64,
    /// Mean over series of RMSSE (RMSE scaled by the in-sample RMSE of the naive one-step
    /// forecast; series with a constant history are skipped).
    pub rmsse: f64,
    /// (sum F - sum A) / sum A: positive = over-forecast.
    pub bias: f64,
    /// Pinball loss of P50 summed over cells, divided by sum A (scale-free).
    pub scaled_pinball_p50: f64,
    /// Pinball loss of P90 summed over cells, divided by sum A.
    pub scaled_pinball_p90: f64,
    /// Share of cells with actual <= P50.
    pub coverage_p50: f64,
    /// Share of cells with actual <= P90 (aim: close to 0.90).
    pub coverage_p90: f64,
    /// Series whose horizon-total quantiles were scored (the lead-time figures below; 0
    /// and NaN figures when none was).
    pub lead_time_series: u64,
    /// Share of series whose actual horizon total is <= the P50 of the total
    /// ([`super::lead_time`]).
    pub total_coverage_p50: f64,
    /// Share of series whose actual horizon total is <= the P90 of the total (aim 0.85-0.95).
    pub total_coverage_p90: f64,
    /// Pinball loss of the P90 of the total summed over series, divided by the sum of
    /// actual totals (scale-free; lower = sharper at the same coverage).
    pub total_scaled_pinball_p90: f64,
    /// For comparison: share of series whose actual total is <= the sum of the daily P90s.
    pub summed_p90_total_coverage: f64,
    /// For comparison: share of series whose actual total is <= the P90 of a total of
    /// independent periods ([`super::lead_time::independent`]).
    pub independent_p90_total_coverage: f64,
}

fn pinball(actual: f64, quantile: f64, tau: f64) -> f64 {
    let d = actual - quantile;
    if d >= 0.0 { tau * d } else { (tau - 1.0) * d }
}

impl MetricsAccumulator {
    /// Scores one series. `train` is the history before the forecast origin (for RMSSE's
    /// scale); `actual`, `mean`, `p50`, `p90` cover the horizon and have equal lengths.
    ///
    /// # Units
    /// All slices in product units per period.
    pub fn add_series(
        &mut self,
        train: &[f64],
        actual: &[f64],
        mean: &[f64],
        p50: &[f64],
        p90: &[f64],
    ) {
        let total_a: f64 = actual.iter().sum();
        let total_f: f64 = mean.iter().sum();
        self.series += 1;
        self.cells += actual.len() as u64;
        self.abs_total_error += (total_f - total_a).abs();
        self.actual += total_a;
        self.forecast += total_f;
        let mut sq = 0.0;
        for i in 0..actual.len() {
            let (a, f) = (actual[i], mean[i]);
            self.abs_period_error += (f - a).abs();
            sq += (f - a) * (f - a);
            self.pinball_p50 += pinball(a, p50[i], 0.5);
            self.pinball_p90 += pinball(a, p90[i], 0.9);
            self.covered_p50 += u64::from(a <= p50[i]);
            self.covered_p90 += u64::from(a <= p90[i]);
        }
        let scale: f64 = train.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<f64>()
            / (train.len().saturating_sub(1)).max(1) as f64;
        if scale > 0.0 && !actual.is_empty() {
            self.rmsse_sum += (sq / actual.len() as f64 / scale).sqrt();
            self.rmsse_series += 1;
        }
    }

    /// Scores one series' horizon total against quantiles of the total: the lead-time ones
    /// (`p50_total`, `p90_total`) and, for comparison, the sum of its daily P90s and the P90
    /// of independent periods.
    ///
    /// # Units
    /// Product units over the horizon.
    pub fn add_lead_time(
        &mut self,
        actual_total: f64,
        p50_total: f64,
        p90_total: f64,
        summed_p90: f64,
        independent_p90: f64,
    ) {
        let l = &mut self.lead_time;
        l.series += 1;
        l.actual += actual_total;
        l.covered_p50 += u64::from(actual_total <= p50_total);
        l.covered_p90 += u64::from(actual_total <= p90_total);
        l.pinball_p90 += pinball(actual_total, p90_total, 0.9);
        l.covered_summed_p90 += u64::from(actual_total <= summed_p90);
        l.covered_independent_p90 += u64::from(actual_total <= independent_p90);
    }

    /// Adds another accumulator's sums into this one.
    pub fn merge(&mut self, o: &MetricsAccumulator) {
        self.series += o.series;
        self.cells += o.cells;
        self.abs_total_error += o.abs_total_error;
        self.actual += o.actual;
        self.forecast += o.forecast;
        self.abs_period_error += o.abs_period_error;
        self.rmsse_sum += o.rmsse_sum;
        self.rmsse_series += o.rmsse_series;
        self.pinball_p50 += o.pinball_p50;
        self.pinball_p90 += o.pinball_p90;
        self.covered_p50 += o.covered_p50;
        self.covered_p90 += o.covered_p90;
        let (l, m) = (&mut self.lead_time, &o.lead_time);
        l.series += m.series;
        l.covered_p50 += m.covered_p50;
        l.covered_p90 += m.covered_p90;
        l.pinball_p90 += m.pinball_p90;
        l.actual += m.actual;
        l.covered_summed_p90 += m.covered_summed_p90;
        l.covered_independent_p90 += m.covered_independent_p90;
    }

    /// The metrics so far (NaN where a denominator is zero).
    pub fn finish(&self) -> Metrics {
        let per_actual = |x: f64| x / self.actual;
        let share = |n: u64| n as f64 / self.cells as f64;
        let l = &self.lead_time;
        let of_series = |n: u64| n as f64 / l.series as f64;
        Metrics {
            series: self.series,
            total_wape: per_actual(self.abs_total_error),
            period_wape: per_actual(self.abs_period_error),
            rmsse: self.rmsse_sum / self.rmsse_series as f64,
            bias: per_actual(self.forecast - self.actual),
            scaled_pinball_p50: per_actual(self.pinball_p50),
            scaled_pinball_p90: per_actual(self.pinball_p90),
            coverage_p50: share(self.covered_p50),
            coverage_p90: share(self.covered_p90),
            lead_time_series: l.series,
            total_coverage_p50: of_series(l.covered_p50),
            total_coverage_p90: of_series(l.covered_p90),
            total_scaled_pinball_p90: l.pinball_p90 / l.actual,
            summed_p90_total_coverage: of_series(l.covered_summed_p90),
            independent_p90_total_coverage: of_series(l.covered_independent_p90),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_hand() {
        let mut acc = MetricsAccumulator::default();
        // Totals: F = 4, A = 2 -> |err| 2; per period |2-0| + |2-2| = 2.
        acc.add_series(&[0.0, 2.0, 0.0], &[0.0, 2.0], &[2.0, 2.0], &[0.0, 1.0], &[3.0, 1.0]);
        let mut other = MetricsAccumulator::default();
        // Totals: F = 1, A = 2 -> |err| 1.
        other.add_series(&[1.0, 1.0], &[1.0, 1.0], &[0.5, 0.5], &[1.0, 1.0], &[1.0, 1.0]);
        acc.merge(&other);
        let m = acc.finish();
        assert_eq!(m.series, 2);
        assert!((m.total_wape - 3.0 / 4.0).abs() < 1e-12);
        assert!((m.period_wape - 3.0 / 4.0).abs() < 1e-12);
        assert!((m.bias - (5.0 - 4.0) / 4.0).abs() < 1e-12);
        // Cells with A <= P90: 0<=3, 2<=1 no, 1<=1, 1<=1 -> 3 of 4.
        assert!((m.coverage_p90 - 0.75).abs() < 1e-12);
        // P50 pinball: (0), 0.5*(2-1)=0.5, 0, 0 -> 0.5 / 4.
        assert!((m.scaled_pinball_p50 - 0.125).abs() < 1e-12);
        // RMSSE: first series scale ((2)^2+(2)^2)/2 = 4, mse (4+0)/2 = 2 -> sqrt(0.5);
        // the second has a constant history and is skipped.
        assert!((m.rmsse - 0.5f64.sqrt()).abs() < 1e-12);
        // No lead-time quantiles were scored.
        assert_eq!(m.lead_time_series, 0);
        assert!(m.total_coverage_p90.is_nan());
    }

    #[test]
    fn lead_time_coverage_by_hand() {
        let mut acc = MetricsAccumulator::default();
        // Actual 10: P50 8 (not covered), P90 12 (covered; pinball 0.1 x 2), summed daily P90
        // 6 (not covered), independent P90 11 (covered).
        acc.add_lead_time(10.0, 8.0, 12.0, 6.0, 11.0);
        let mut other = MetricsAccumulator::default();
        // Actual 30: everything below it; P90 20 -> pinball 0.9 x 10.
        other.add_lead_time(30.0, 10.0, 20.0, 5.0, 25.0);
        acc.merge(&other);
        let m = acc.finish();
        assert_eq!(m.lead_time_series, 2);
        assert_eq!((m.total_coverage_p50, m.total_coverage_p90), (0.0, 0.5));
        assert_eq!((m.summed_p90_total_coverage, m.independent_p90_total_coverage), (0.0, 0.5));
        assert!((m.total_scaled_pinball_p90 - (0.2 + 9.0) / 40.0).abs() < 1e-12);
    }
}
