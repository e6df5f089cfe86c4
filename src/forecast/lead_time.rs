//! Quantiles of lead-time (cumulative) demand: for horizon period `h`, the P50 and P90 of
//! demand summed from the first horizon period through `h`. The last period's P90 is the
//! P90 of the horizon total, the number placement's safety stock needs.
//!
//! Why not the daily quantiles summed: a sum's quantile is not the sum of the quantiles.
//! On intermittent series the daily P90 is often 0, and, more important over 28 days, the
//! daily quantiles only describe day-to-day noise around the forecast mean, while the error
//! of a 28-day total is dominated by the error of the mean itself (the level moves, the
//! model trails it). Summed daily P90s covered well under 90 % of the held-out series totals.
//!
//! What this module does: the **error distribution of the model over the horizon, measured on
//! the selection's backtest origins and pooled per demand class and size**:
//!
//! - a sample is one (series, origin): the actual cumulative path `A(h)` divided by the
//!   (bias-corrected, [`super::bias`]) forecast horizon total `F` of the selected model at that
//!   origin, `r(h) = A(h) / F`. A forecast total of 0 gives no sample;
//! - samples are pooled by [`DemandClass`] x size bin of `F` ([`SIZE_BOUNDS`]): with three
//!   origins a series has too few samples of its own, and the relative spread of a total
//!   depends on its size (a 3-unit total is mostly Poisson noise, a 300-unit one mostly level
//!   error). A bin with fewer than [`MIN_SAMPLES`] falls back to its class, then to all;
//! - the forecast's quantile is `q_tau(h) = F_final x Q_tau(r(h))`, `F_final` the forecast's
//!   own horizon total. Each sample's `r(h)` is non-decreasing in `h`, so its order
//!   statistics are too: the quantiles are non-decreasing in `h` and in the level by
//!   construction, without repair.
//!
//! `r(h)` is read against the horizon total, not against the mean's own cumulative path, so
//! the shape within the horizon (closed Saturdays, a weekday pattern) is learnt from the
//! actual paths. The origins lie `k x origin_step` periods before the forecast origin; with
//! the default step (the horizon) and a horizon of whole weeks, every origin starts on the
//! forecast's weekday. Where no series could be backtested, the quantiles assume independent
//! periods (the spread of [`super::band`]), a known under-statement of the spread of a total.
//!
//! Measured against the other candidates (summed daily quantiles; independent periods, normal)
//! on the shared data in docs/benchmarks.md, "Lead-time quantiles and bias".

use super::backtest::OriginRecord;
use super::band::{Z90, variance_ratio};
use super::quantile::empirical_quantile;
use super::select::DemandClass;

/// Upper bounds (units) of the size bins of a forecast horizon total; the last bin is open.
pub const SIZE_BOUNDS: [f64; 4] = [4.0, 16.0, 64.0, 256.0];

/// Fewest samples a bin needs to be used on its own.
pub const MIN_SAMPLES: usize = 50;

/// The size bin of a forecast horizon total.
fn size_bin(total: f64) -> usize {
    SIZE_BOUNDS.iter().position(|&b| total < b).unwrap_or(SIZE_BOUNDS.len())
}

const BINS: usize = SIZE_BOUNDS.len() + 1;

/// Cumulative quantiles of one series: `p50[h]`, `p90[h]` of demand summed over periods
/// `0..=h`.
///
/// # Units
/// Product units (cumulative over the horizon).
#[derive(Debug, Clone, PartialEq)]
pub struct CumulativeQuantiles {
    /// Median of cumulative demand per horizon period.
    pub p50: Vec<f64>,
    /// 90th percentile of cumulative demand per horizon period.
    pub p90: Vec<f64>,
}

/// The ratio quantiles of one pool of samples: per horizon period, `[Q0.5, Q0.9]` of
/// `A(h) / F`.
#[derive(Debug, Clone, PartialEq)]
struct Pool {
    samples: usize,
    quantiles: Vec<[f64; 2]>,
}

/// Pools of ratio samples, fitted once per run; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadTimeModel {
    horizon: usize,
    /// Per class x size bin.
    cells: Vec<Option<Pool>>,
    /// Per class.
    classes: Vec<Option<Pool>>,
    /// Every sample.
    all: Option<Pool>,
}

/// One sample's ratios, gathered into per-period vectors.
#[derive(Default)]
struct Gather {
    samples: usize,
    by_period: Vec<Vec<f64>>,
}

impl Gather {
    fn push(&mut self, actual_cum: &[f64], total: f64, horizon: usize) {
        if self.by_period.is_empty() {
            self.by_period = vec![Vec::new(); horizon];
        }
        self.samples += 1;
        for (v, a) in self.by_period.iter_mut().zip(actual_cum) {
            v.push(a / total);
        }
    }

    fn finish(mut self) -> Option<Pool> {
        if self.samples == 0 {
            return None;
        }
        let quantiles = self
            .by_period
            .iter_mut()
            .map(|v| {
                v.sort_by(f64::total_cmp);
                [empirical_quantile(v, 0.5), empirical_quantile(v, 0.9)]
            })
            .collect();
        Some(Pool { samples: self.samples, quantiles })
    }
}

impl LeadTimeModel {
    /// Fits the pools from `(class, forecast horizon total, actual record)` of every
    /// (series, origin) of the backtest, the forecast total being the one the series'
    /// forecasts are made with (the selected model's, bias-corrected). Records whose actual
    /// path is shorter than `horizon` are skipped.
    ///
    /// # Complexity
    /// O(samples x horizon x log samples).
    pub fn fit<'a>(
        horizon: usize,
        samples: impl IntoIterator<Item = (DemandClass, f64, &'a OriginRecord)>,
    ) -> Self {
        let classes = DemandClass::ALL.len();
        let mut cells: Vec<Gather> = (0..classes * BINS).map(|_| Gather::default()).collect();
        let mut by_class: Vec<Gather> = (0..classes).map(|_| Gather::default()).collect();
        let mut all = Gather::default();
        for (class, total, record) in samples {
            if !(total > 0.0 && total.is_finite()) || record.actual_cum.len() < horizon {
                continue;
            }
            let c = class as usize;
            let path = &record.actual_cum[..horizon];
            cells[c * BINS + size_bin(total)].push(path, total, horizon);
            by_class[c].push(path, total, horizon);
            all.push(path, total, horizon);
        }
        Self {
            horizon,
            cells: cells.into_iter().map(Gather::finish).collect(),
            classes: by_class.into_iter().map(Gather::finish).collect(),
            all: all.finish(),
        }
    }

    /// Samples behind the whole model.
    pub fn samples(&self) -> usize {
        self.all.as_ref().map_or(0, |p| p.samples)
    }

    /// The pool a series of `class` with forecast horizon total `total` reads.
    fn pool(&self, class: DemandClass, total: f64) -> Option<&Pool> {
        let enough = |p: &&Pool| p.samples >= MIN_SAMPLES;
        let c = class as usize;
        self.cells[c * BINS + size_bin(total)]
            .as_ref()
            .filter(enough)
            .or_else(|| self.classes[c].as_ref().filter(enough))
            .or(self.all.as_ref())
    }

    /// The cumulative quantiles of a series of `class` whose forecast mean per period is
    /// `mean` (length = the model's horizon), `history` being its demand before the
    /// forecast origin (read only when no sample was fitted, for the independent-periods
    /// spread over the last `window` periods).
    ///
    /// # Units
    /// Product units, cumulative.
    pub fn quantiles(
        &self,
        class: DemandClass,
        mean: &[f64],
        history: &[f64],
        window: usize,
    ) -> CumulativeQuantiles {
        let total: f64 = mean.iter().sum();
        match self.pool(class, total) {
            Some(pool) if mean.len() == self.horizon => CumulativeQuantiles {
                p50: pool.quantiles.iter().map(|q| total * q[0]).collect(),
                p90: pool.quantiles.iter().map(|q| total * q[1]).collect(),
            },
            _ => independent(mean, variance_ratio(history, window)),
        }
    }
}

/// The cumulative quantiles of periods that vary independently around `mean`, each with
/// squared coefficient of variation `cv2`, the sum taken as normal (as [`super::band`]):
/// `P50 = cumulative mean`, `P90 = cumulative mean + z90 x sd`.
///
/// # Units
/// Product units, cumulative.
pub fn independent(mean: &[f64], cv2: f64) -> CumulativeQuantiles {
    let (mut m, mut var) = (0.0, 0.0);
    let mut out = CumulativeQuantiles { p50: Vec::new(), p90: Vec::new() };
    for &v in mean {
        m += v;
        var += cv2.max(0.0) * v * v;
        out.p50.push(m);
        out.p90.push(m + Z90 * var.sqrt());
    }
    out
}

/// The running sum of `values`: the cumulative mean of a mean path.
///
/// # Units
/// Those of `values`, cumulative.
pub fn cumulative(values: &[f64]) -> Vec<f64> {
    values
        .iter()
        .scan(0.0, |acc, v| {
            *acc += v;
            Some(*acc)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record(path: &[f64]) -> OriginRecord {
        OriginRecord { forecast_totals: vec![], actual_cum: cumulative(path) }
    }

    #[test]
    fn quantiles_by_hand_from_one_pool() {
        // 60 samples (enough for the bin of totals 4-16), forecast total 10 each; actual
        // paths over 2 periods: i % 10 units on day 1, then 2 more. Ratios at h = 0 are
        // (i % 10) / 10: 0.0 .. 0.9, six each -> Q0.5 = 0.45, Q0.9 at pos 53.1 -> 0.8 +
        // 0.1 x 0.1 = 0.81.
        let records: Vec<OriginRecord> = (0..60).map(|i| record(&[(i % 10) as f64, 2.0])).collect();
        let model = LeadTimeModel::fit(2, records.iter().map(|r| (DemandClass::Smooth, 10.0, r)));
        assert_eq!(model.samples(), 60);
        // A series forecast at 5 + 3 = 8 units (same bin): quantiles scale with its total.
        let q = model.quantiles(DemandClass::Smooth, &[5.0, 3.0], &[], 91);
        assert!((q.p50[0] - 8.0 * 0.45).abs() < 1e-12, "{q:?}");
        assert!((q.p90[0] - 8.0 * 0.81).abs() < 1e-12, "{q:?}");
        // h = 1 adds 0.2 to every ratio.
        assert!((q.p50[1] - 8.0 * 0.65).abs() < 1e-12);
        assert!((q.p90[1] - 8.0 * 1.01).abs() < 1e-12);
        // Another class has no samples of its own and reads the pool of all samples.
        assert_eq!(model.quantiles(DemandClass::Lumpy, &[5.0, 3.0], &[], 91), q);
        // A forecast of zero has zero quantiles.
        let zero = model.quantiles(DemandClass::Smooth, &[0.0, 0.0], &[], 91);
        assert_eq!(zero.p90, vec![0.0, 0.0]);
    }

    #[test]
    fn a_small_bin_falls_back_to_its_class() {
        // 55 samples at total 100 (bin 64-256) and 5 at total 2 (bin 0-4, too small).
        let big: Vec<OriginRecord> = (0..55).map(|_| record(&[100.0])).collect();
        let small: Vec<OriginRecord> = (0..5).map(|_| record(&[0.0])).collect();
        let samples = big
            .iter()
            .map(|r| (DemandClass::Erratic, 100.0, r))
            .chain(small.iter().map(|r| (DemandClass::Erratic, 2.0, r)));
        let model = LeadTimeModel::fit(1, samples);
        // The big bin alone: every ratio 1.
        assert_eq!(model.quantiles(DemandClass::Erratic, &[100.0], &[], 91).p90, vec![100.0]);
        // The small bin reads the class: 55 ones and 5 zeros -> Q0.5 = 1, Q0.9 = 1.
        assert_eq!(model.quantiles(DemandClass::Erratic, &[2.0], &[], 91).p50, vec![2.0]);
    }

    #[test]
    fn without_samples_the_periods_are_taken_as_independent() {
        let model = LeadTimeModel::fit(2, std::iter::empty());
        assert_eq!(model.samples(), 0);
        // History [0, 0, 0, 4]: cv2 = 3; mean 1 per day -> variance 3 then 6.
        let q = model.quantiles(DemandClass::Smooth, &[1.0, 1.0], &[0.0, 0.0, 0.0, 4.0], 4);
        assert_eq!(q.p50, vec![1.0, 2.0]);
        assert!((q.p90[0] - (1.0 + Z90 * 3f64.sqrt())).abs() < 1e-12);
        assert!((q.p90[1] - (2.0 + Z90 * 6f64.sqrt())).abs() < 1e-12);
    }

    #[test]
    fn the_cumulative_mean_is_the_sum_of_the_means() {
        let mean = [1.5, 0.0, 2.25, 4.0];
        let cum = cumulative(&mean);
        for h in 0..mean.len() {
            assert!((cum[h] - mean[..=h].iter().sum::<f64>()).abs() < 1e-12);
        }
        // Without spread the quantiles of the cumulative demand are its mean.
        let q = independent(&mean, 0.0);
        assert_eq!((q.p50.clone(), q.p90), (cum.clone(), cum.clone()));
        // Samples whose paths are exactly the forecast: P50 and P90 are the cumulative mean
        // when the mean is flat.
        let flat = [2.0; 4];
        let records: Vec<OriginRecord> = (0..60).map(|_| record(&flat)).collect();
        let model = LeadTimeModel::fit(4, records.iter().map(|r| (DemandClass::Smooth, 8.0, r)));
        let q = model.quantiles(DemandClass::Smooth, &flat, &[], 91);
        assert_eq!(q.p50, cumulative(&flat));
        assert_eq!(q.p90, cumulative(&flat));
    }

    prop_compose! {
        /// Up to 80 (class, forecast total, actual daily path) samples over `h` periods.
        fn samples(h: usize)(
            rows in prop::collection::vec(
                (0usize..4, 0.0f64..400.0, prop::collection::vec(
                    prop_oneof![3 => Just(0.0), 2 => 0.0f64..50.0], h)),
                0..80),
        ) -> Vec<(DemandClass, f64, OriginRecord)> {
            rows.into_iter()
                .map(|(c, total, path)| (DemandClass::ALL[c], total, record(&path)))
                .collect()
        }
    }

    proptest! {
        #[test]
        fn cumulative_quantiles_never_decrease_in_the_period_or_the_level(
            data in samples(14),
            class in 0usize..4,
            mean in prop::collection::vec(0.0f64..30.0, 14),
            history in prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..20.0], 0..100),
        ) {
            let model = LeadTimeModel::fit(14, data.iter().map(|(c, t, r)| (*c, *t, r)));
            let q = model.quantiles(DemandClass::ALL[class], &mean, &history, 91);
            prop_assert_eq!(q.p50.len(), 14);
            for h in 0..14 {
                prop_assert!(q.p50[h].is_finite() && q.p50[h] >= 0.0);
                prop_assert!(q.p50[h] <= q.p90[h] + 1e-9 * q.p90[h].abs().max(1.0));
                if h > 0 {
                    prop_assert!(q.p50[h - 1] <= q.p50[h] + 1e-9 * q.p50[h].max(1.0));
                    prop_assert!(q.p90[h - 1] <= q.p90[h] + 1e-9 * q.p90[h].max(1.0));
                }
            }
        }
    }
}
