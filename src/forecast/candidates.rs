//! The candidate models of a run, built once and evaluated together.
//!
//! A backtest needs every candidate's forecast at every origin. A [`ModelKind::Combination`]
//! is the mean of other candidates, so when its members are candidates too their forecasts
//! are reused instead of fitted again (ETS, the costly member, would otherwise run twice).

use super::models::{Forecaster, ModelKind, ModelSettings};

/// Candidate models plus how to derive the combination from the others.
pub struct CandidateSet {
    kinds: Vec<ModelKind>,
    models: Vec<Box<dyn Forecaster>>,
    /// Per candidate: the indices of its members when it is a combination of candidates.
    derived: Vec<Option<Vec<usize>>>,
}

impl CandidateSet {
    /// Builds `kinds` with `settings`.
    pub fn new(kinds: Vec<ModelKind>, settings: &ModelSettings) -> Self {
        let models = kinds.iter().map(|k| k.build(settings)).collect();
        let derived = kinds
            .iter()
            .map(|&k| {
                if k != ModelKind::Combination {
                    return None;
                }
                ModelKind::COMBINED.iter().map(|m| kinds.iter().position(|x| x == m)).collect()
            })
            .collect();
        Self { kinds, models, derived }
    }

    /// The kinds, in candidate order.
    pub fn kinds(&self) -> &[ModelKind] {
        &self.kinds
    }

    /// Every candidate's forecast of `y`, in candidate order.
    ///
    /// # Units
    /// Product units per period.
    pub fn forecast_all(&self, y: &[f64], horizon: usize) -> Vec<Vec<f64>> {
        let mut out: Vec<Vec<f64>> = self
            .models
            .iter()
            .zip(&self.derived)
            .map(|(m, d)| if d.is_some() { Vec::new() } else { m.forecast(y, horizon) })
            .collect();
        for (i, d) in self.derived.iter().enumerate() {
            if let Some(members) = d {
                let mut mean = vec![0.0; horizon];
                for &j in members {
                    for (acc, v) in mean.iter_mut().zip(&out[j]) {
                        *acc += v / members.len() as f64;
                    }
                }
                out[i] = mean;
            }
        }
        out
    }

    /// Candidate `i`'s forecast of `y`.
    ///
    /// # Units
    /// Product units per period.
    pub fn forecast_one(&self, i: usize, y: &[f64], horizon: usize) -> Vec<f64> {
        self.models[i].forecast(y, horizon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_combination_equals_the_fitted_one() {
        let set = CandidateSet::new(ModelKind::ALL.to_vec(), &ModelSettings::default());
        let y: Vec<f64> = (0..90).map(|t| ((t * 7) % 5) as f64 * f64::from(t % 3 == 0)).collect();
        let all = set.forecast_all(&y, 14);
        let c = set.kinds().iter().position(|&k| k == ModelKind::Combination).unwrap();
        let direct = set.forecast_one(c, &y, 14);
        for (a, b) in all[c].iter().zip(&direct) {
            assert!((a - b).abs() < 1e-9);
        }
        for (i, f) in all.iter().enumerate() {
            assert_eq!(f, &set.forecast_one(i, &y, 14));
        }
    }
}
