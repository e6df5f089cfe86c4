//! Forecast combination: the mean of several models' forecasts.
//!
//! On the shared retail data no single method wins at every origin (the window average led
//! in early summer, ETS and TSB in late summer), and a selection made on past origins chases
//! yesterday's winner. An equal-weight mean of a few different methods is the classic
//! remedy (Clemen 1989; the M4 and M5 results): its error is rarely far from the best
//! member's and never the worst.

use super::Forecaster;

/// The per-period mean of its members' forecasts.
pub struct Combination {
    /// The models averaged, at least one.
    pub members: Vec<Box<dyn Forecaster>>,
}

impl Forecaster for Combination {
    fn name(&self) -> &'static str {
        "combination"
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let mut sum = vec![0.0; horizon];
        for m in &self.members {
            for (s, v) in sum.iter_mut().zip(m.forecast(demand, horizon)) {
                *s += v;
            }
        }
        let n = self.members.len().max(1) as f64;
        sum.iter().map(|s| s / n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::models::WindowAverage;

    #[test]
    fn averages_members() {
        let c = Combination {
            members: vec![
                Box::new(WindowAverage { window: 1 }),
                Box::new(WindowAverage { window: 3 }),
            ],
        };
        // Window 1: 6; window 3: (0 + 3 + 6) / 3 = 3; mean 4.5.
        assert_eq!(c.forecast(&[0.0, 3.0, 6.0], 2), vec![4.5, 4.5]);
    }
}
