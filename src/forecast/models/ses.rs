//! Simple exponential smoothing and the series transforms the intermittent methods share.
//!
//! The recursions follow statsforecast exactly (the peer on this data) so results can be
//! compared number for number: the level starts at the first value and the forecast is
//! `alpha * x[n-1] + (1 - alpha) * level[n-1]`; optimised alphas are searched in
//! `[0.1, 0.3]`.

use crate::forecast::optimize::golden_section;

/// Bounds of the optimised smoothing parameter (statsforecast's `_optimized_ses_forecast`).
pub const OPTIMIZED_ALPHA_BOUNDS: (f64, f64) = (0.1, 0.3);

/// The one-step-ahead SES forecast of `x` (0 for an empty slice).
///
/// # Units
/// Those of `x`.
pub fn ses_forecast(x: &[f64], alpha: f64) -> f64 {
    let Some(&first) = x.first() else { return 0.0 };
    let mut level = first;
    for &v in &x[..x.len() - 1] {
        level = alpha * v + (1.0 - alpha) * level;
    }
    alpha * x[x.len() - 1] + (1.0 - alpha) * level
}

/// Sum of squared one-step errors of SES on `x` (the first value is not scored).
pub fn ses_sse(x: &[f64], alpha: f64) -> f64 {
    let Some(&first) = x.first() else { return 0.0 };
    let mut forecast = first;
    let mut sse = 0.0;
    for w in x.windows(2) {
        forecast = alpha * w[0] + (1.0 - alpha) * forecast;
        let e = w[1] - forecast;
        sse += e * e;
    }
    sse
}

/// The SES forecast with alpha chosen in [`OPTIMIZED_ALPHA_BOUNDS`] by least squares.
pub fn optimized_ses_forecast(x: &[f64]) -> f64 {
    let (lo, hi) = OPTIMIZED_ALPHA_BOUNDS;
    let alpha = golden_section(lo, hi, 1e-7, |a| ses_sse(x, a));
    ses_forecast(x, alpha)
}

/// Periods between consecutive non-zero values, the first counted from just before `x[0]`.
pub fn intervals(x: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    let mut last = 0usize;
    for (i, &v) in x.iter().enumerate() {
        if v != 0.0 {
            out.push((i + 1 - last) as f64);
            last = i + 1;
        }
    }
    out
}

/// The non-zero values of `x`, in order.
pub fn demand_sizes(x: &[f64]) -> Vec<f64> {
    x.iter().copied().filter(|&v| v > 0.0).collect()
}

/// Sums of consecutive blocks of `size` values after dropping the oldest `len % size`
/// values, so the last block ends at the last observation.
pub fn block_sums(x: &[f64], size: usize) -> Vec<f64> {
    let size = size.max(1);
    x[x.len() % size..].chunks_exact(size).map(|c| c.iter().sum()).collect()
}

/// Python's `round` (ties to even), as statsforecast uses for aggregation levels.
pub fn round_half_even(x: f64) -> usize {
    x.round_ties_even().max(1.0) as usize
}

/// The block length of ADIDA (and the largest of IMAPA): the mean interval between demands,
/// rounded as statsforecast does. `None` when `x` has no demand.
pub fn aggregation_level(x: &[f64]) -> Option<usize> {
    let gaps = intervals(x);
    (!gaps.is_empty()).then(|| round_half_even(gaps.iter().sum::<f64>() / gaps.len() as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ses_by_hand() {
        // level: 1, then 0.5*1+0.5*1 = 1, then 0.5*3+0.5*1 = 2 -> forecast 0.5*0 + 0.5*2 = 1
        assert_eq!(ses_forecast(&[1.0, 3.0, 0.0], 0.5), 1.0);
        assert_eq!(intervals(&[0.0, 2.0, 0.0, 0.0, 1.0]), vec![2.0, 3.0]);
        assert_eq!(block_sums(&[1.0, 2.0, 3.0, 4.0, 5.0], 2), vec![5.0, 9.0]);
        assert_eq!(round_half_even(2.5), 2);
        assert_eq!(round_half_even(3.5), 4);
    }
}
