//! Seasonal naive: repeat the last season. The floor any seasonal model must beat.

use super::Forecaster;

/// Repeats the last `season` values (the last value when the series is shorter).
#[derive(Debug, Clone, Copy)]
pub struct SeasonalNaive {
    /// Season length in periods (7 for daily data).
    pub season: usize,
}

impl Forecaster for SeasonalNaive {
    fn name(&self) -> &'static str {
        "seasonal_naive"
    }

    fn forecast(&self, demand: &[f64], horizon: usize) -> Vec<f64> {
        let m = self.season.max(1);
        if demand.len() < m {
            return vec![demand.last().copied().unwrap_or(0.0); horizon];
        }
        let last = &demand[demand.len() - m..];
        (0..horizon).map(|h| last[h % m]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_the_last_season() {
        let f = SeasonalNaive { season: 3 }.forecast(&[9.0, 1.0, 2.0, 3.0], 5);
        assert_eq!(f, vec![1.0, 2.0, 3.0, 1.0, 2.0]);
    }
}
