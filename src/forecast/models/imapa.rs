//! IMAPA: intermittent multiple aggregation prediction algorithm (Petropoulos and
//! Kourentzes 2015).
//!
//! ADIDA at every block length from 1 to the rounded mean inter-demand interval, averaged:
//! no single aggregation level has to be right.

use super::Forecaster;
use super::ses::{aggregation_level, block_sums, optimized_ses_forecast};

/// IMAPA with statsforecast's choices.
#[derive(Debug, Clone, Copy, Default)]
pub struct Imapa;

impl Forecaster for Imapa {
    fn name(&self) -> &'static str {
        "imapa"
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let Some(max_level) = aggregation_level(demand) else { return vec![0.0; horizon] };
        let total: f64 = (1..=max_level)
            .map(|level| optimized_ses_forecast(&block_sums(demand, level)) / level as f64)
            .sum();
        vec![total / max_level as f64; horizon]
    }
}
