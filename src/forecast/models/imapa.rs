//! IMAPA: intermittent multiple aggregation prediction algorithm (Petropoulos and
//! Kourentzes 2015).
//!
//! ADIDA at every block length from 1 to the rounded mean inter-demand interval, averaged:
//! no single aggregation level has to be right.

use super::Forecaster;
use super::ses::{block_sums, intervals, optimized_ses_forecast, round_half_even};

/// IMAPA with statsforecast's choices.
#[derive(Debug, Clone, Copy, Default)]
pub struct Imapa;

impl Forecaster for Imapa {
    fn name(&self) -> &'static str {
        "imapa"
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let gaps = intervals(demand);
        if gaps.is_empty() {
            return vec![0.0; horizon];
        }
        let max_level = round_half_even(gaps.iter().sum::<f64>() / gaps.len() as f64);
        let total: f64 = (1..=max_level)
            .map(|level| optimized_ses_forecast(&block_sums(demand, level)) / level as f64)
            .sum();
        vec![total / max_level as f64; horizon]
    }
}
