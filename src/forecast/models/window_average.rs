//! Moving (window) average: the mean of the last `window` periods, flat.
//!
//! On sparse retail data the 28-day window average is the baseline to beat for lead-time
//! totals (it tied the best statsforecast method on the shared data).

use super::Forecaster;

/// The mean of the last `window` values (all values when the series is shorter).
#[derive(Debug, Clone, Copy)]
pub struct WindowAverage {
    /// Window length in periods.
    pub window: usize,
}

impl Forecaster for WindowAverage {
    fn name(&self) -> &'static str {
        "window_average"
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let w = self.window.max(1).min(demand.len());
        let mean =
            if w == 0 { 0.0 } else { demand[demand.len() - w..].iter().sum::<f64>() / w as f64 };
        vec![mean; horizon]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_the_last_window() {
        assert_eq!(WindowAverage { window: 2 }.forecast(&[10.0, 1.0, 3.0], 2), vec![2.0, 2.0]);
        assert_eq!(WindowAverage { window: 5 }.forecast(&[1.0, 3.0], 1), vec![2.0]);
        assert_eq!(WindowAverage { window: 5 }.forecast(&[], 1), vec![0.0]);
    }
}
