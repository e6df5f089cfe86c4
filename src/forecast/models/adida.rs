//! ADIDA: aggregate-disaggregate intermittent demand approach (Nikolopoulos et al. 2011).
//!
//! The series is summed into blocks as long as its mean inter-demand interval, where demand
//! is no longer intermittent; an optimised SES forecasts the block sums; the forecast per
//! period is that divided by the block length. Blocks end at the last observation.

use super::Forecaster;
use super::ses::{aggregation_level, block_sums, optimized_ses_forecast};

/// ADIDA with statsforecast's choices (block = rounded mean interval, SES alpha in [0.1, 0.3]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Adida;

impl Forecaster for Adida {
    fn name(&self) -> &'static str {
        "adida"
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let Some(level) = aggregation_level(demand) else { return vec![0.0; horizon] };
        let sums = block_sums(demand, level);
        vec![optimized_ses_forecast(&sums) / level as f64; horizon]
    }
}
