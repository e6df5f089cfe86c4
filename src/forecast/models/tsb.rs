//! TSB (Teunter, Syntetos and Babai): smooth the demand probability every period and the
//! demand size on demand periods; forecast = probability x size.
//!
//! Unlike Croston, the probability decays during long runs of zeros, so a product that
//! stopped selling is forecast towards zero (obsolescence), which matters on this data where
//! many SKUs sell for a season and stop.

use super::Forecaster;
use super::ses::{demand_sizes, ses_forecast};

/// TSB with fixed smoothing parameters (statsforecast's `TSB(alpha_d, alpha_p)`).
#[derive(Debug, Clone, Copy)]
pub struct Tsb {
    /// Smoothing of the demand size.
    pub alpha_d: f64,
    /// Smoothing of the demand probability.
    pub alpha_p: f64,
}

impl Forecaster for Tsb {
    fn name(&self) -> &'static str {
        "tsb"
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let sizes = demand_sizes(demand);
        if sizes.is_empty() {
            return vec![0.0; horizon];
        }
        let occurs: Vec<f64> = demand.iter().map(|&v| f64::from(u8::from(v != 0.0))).collect();
        let p = ses_forecast(&occurs, self.alpha_p);
        let z = ses_forecast(&sizes, self.alpha_d);
        vec![p * z; horizon]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsb_by_hand() {
        // occurrence [0,1,0,1], alpha 0.5: level 0 -> 0 -> 0.5 -> 0.25; forecast 0.5+0.125.
        // sizes [2, 4], alpha 0.5: level 2 -> forecast 0.5*4 + 0.5*2 = 3.
        let f = Tsb { alpha_d: 0.5, alpha_p: 0.5 }.forecast(&[0.0, 2.0, 0.0, 4.0], 1);
        assert!((f[0] - 0.625 * 3.0).abs() < 1e-12);
    }
}
