//! Quantile forecasts from the series' own recent demand distribution.
//!
//! A model gives the mean per period; the quantiles come from the empirical distribution of
//! the last `window` periods of the same series, rescaled so that its mean equals the
//! forecast mean: `q_tau(h) = mean(h) * Q_tau(recent) / mean(recent)`. On intermittent
//! data this keeps the real shape (mostly zeros, occasional large orders) that a normal or
//! Poisson assumption would miss, and it follows the model when the level moves. Coverage
//! is measured in every backtest ([`super::metrics::Metrics::coverage_p90`]).

/// Quantile levels written with every forecast.
pub const QUANTILE_LEVELS: [f64; 2] = [0.5, 0.9];

/// The ratios `Q_tau(recent) / mean(recent)` for each of `levels`, from the last `window`
/// values of `history` (type-7 interpolation, as numpy's default). All ones when the window
/// has no demand.
pub fn quantile_ratios(history: &[f64], window: usize, levels: &[f64]) -> Vec<f64> {
    let recent = &history[history.len().saturating_sub(window.max(1))..];
    let mean =
        if recent.is_empty() { 0.0 } else { recent.iter().sum::<f64>() / recent.len() as f64 };
    if mean <= 0.0 {
        return vec![1.0; levels.len()];
    }
    let mut sorted = recent.to_vec();
    sorted.sort_by(f64::total_cmp);
    levels.iter().map(|&tau| empirical_quantile(&sorted, tau) / mean).collect()
}

/// Type-7 quantile of sorted, non-empty data.
pub fn empirical_quantile(sorted: &[f64], tau: f64) -> f64 {
    let pos = tau.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_by_hand() {
        // Window [0, 0, 0, 4]: mean 1; Q0.5 = 0; Q0.9 at pos 2.7 -> 0 + 0.7 * 4 = 2.8.
        let r = quantile_ratios(&[9.0, 0.0, 0.0, 0.0, 4.0], 4, &QUANTILE_LEVELS);
        assert_eq!(r[0], 0.0);
        assert!((r[1] - 2.8).abs() < 1e-12);
        assert_eq!(quantile_ratios(&[0.0, 0.0], 4, &QUANTILE_LEVELS), vec![1.0, 1.0]);
    }
}
