//! Croston's method and its bias-corrected (SBA) and optimised variants.
//!
//! Demand sizes and the intervals between demands are smoothed separately; the forecast per
//! period is size / interval. Classic and SBA use alpha = 0.1 for both, SBA multiplies by
//! 0.95 (Syntetos-Boylan) to remove Croston's upward bias, the optimised variant fits each
//! alpha in [0.1, 0.3]. Definitions as in statsforecast.

use super::Forecaster;
use super::ses::{demand_sizes, intervals, optimized_ses_forecast, ses_forecast};

/// Which Croston variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrostonVariant {
    /// alpha = 0.1 for sizes and intervals.
    Classic,
    /// Classic times 0.95.
    Sba,
    /// Both alphas fitted by least squares in [0.1, 0.3].
    Optimized,
}

/// Croston-type forecaster: a flat forecast of size / interval.
#[derive(Debug, Clone, Copy)]
pub struct Croston {
    /// The variant.
    pub variant: CrostonVariant,
}

impl Forecaster for Croston {
    fn name(&self) -> &'static str {
        match self.variant {
            CrostonVariant::Classic => "croston",
            CrostonVariant::Sba => "sba",
            CrostonVariant::Optimized => "croston_optimized",
        }
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let sizes = demand_sizes(demand);
        if sizes.is_empty() {
            // statsforecast falls back to the naive forecast: the last value (0 here).
            return vec![demand.last().copied().unwrap_or(0.0).max(0.0); horizon];
        }
        let gaps = intervals(demand);
        let (size, gap) = match self.variant {
            CrostonVariant::Classic | CrostonVariant::Sba => {
                (ses_forecast(&sizes, 0.1), ses_forecast(&gaps, 0.1))
            }
            CrostonVariant::Optimized => {
                (optimized_ses_forecast(&sizes), optimized_ses_forecast(&gaps))
            }
        };
        let mut mean = if gap != 0.0 { size / gap } else { size };
        if self.variant == CrostonVariant::Sba {
            mean *= 0.95;
        }
        vec![mean; horizon]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn croston_by_hand() {
        // sizes [3, 5]: level 3 -> 0.1*5 + 0.9*3 = 3.2; intervals [2, 3]: 2 -> 2.1.
        let y = [0.0, 3.0, 0.0, 0.0, 5.0, 0.0];
        let c = Croston { variant: CrostonVariant::Classic }.forecast(&y, 2);
        assert!((c[0] - 3.2 / 2.1).abs() < 1e-12);
        let s = Croston { variant: CrostonVariant::Sba }.forecast(&y, 1);
        assert!((s[0] - 0.95 * 3.2 / 2.1).abs() < 1e-12);
    }
}
