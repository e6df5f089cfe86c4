//! Model selection from backtest scores.
//!
//! Three policies, all on the horizon-total error of [`mod@super::backtest`]:
//! - `per_series`: each series takes its own best model (noisy with few origins);
//! - `per_class`: series are grouped by demand pattern (Syntetos-Boylan classes by mean
//!   inter-demand interval and squared variation of sizes) and each class takes the model
//!   with the least summed error over its series;
//! - `global`: one model for every series.
//!
//! Ties go to the earlier candidate, so list the simpler models first.

use serde::{Deserialize, Serialize};

/// How the backtest scores pick a model for each series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// Each series its own best model.
    PerSeries,
    /// The best model per demand class.
    PerClass,
    /// The best model over all series.
    Global,
}

impl std::str::FromStr for Selection {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "per_series" | "per-series" => Ok(Selection::PerSeries),
            "per_class" | "per-class" => Ok(Selection::PerClass),
            "global" => Ok(Selection::Global),
            other => Err(format!("unknown selection `{other}` (per_series, per_class, global)")),
        }
    }
}

/// Syntetos-Boylan demand classes (cut-offs ADI 1.32, CV² 0.49).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandClass {
    /// Frequent demand of steady size.
    Smooth,
    /// Frequent demand of varying size.
    Erratic,
    /// Rare demand of steady size.
    Intermittent,
    /// Rare demand of varying size.
    Lumpy,
}

impl DemandClass {
    /// All classes, in index order.
    pub const ALL: [DemandClass; 4] =
        [DemandClass::Smooth, DemandClass::Erratic, DemandClass::Intermittent, DemandClass::Lumpy];

    /// Classifies a series by its mean interval between demands and the squared coefficient
    /// of variation of its non-zero sizes.
    pub fn of(y: &[f64]) -> DemandClass {
        let sizes: Vec<f64> = y.iter().copied().filter(|&v| v > 0.0).collect();
        if sizes.is_empty() {
            return DemandClass::Intermittent;
        }
        let adi = y.len() as f64 / sizes.len() as f64;
        let mean = sizes.iter().sum::<f64>() / sizes.len() as f64;
        let var = sizes.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / sizes.len() as f64;
        let cv2 = var / (mean * mean);
        match (adi < 1.32, cv2 < 0.49) {
            (true, true) => DemandClass::Smooth,
            (true, false) => DemandClass::Erratic,
            (false, true) => DemandClass::Intermittent,
            (false, false) => DemandClass::Lumpy,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Picks a candidate index per series. `scores[i]` are series i's backtest errors per
/// candidate (`None`: too short to backtest, gets `fallback`); `pooled[i]` says whether the
/// series takes part in the pooled (class / global) choice.
pub fn choose(
    policy: Selection,
    scores: &[Option<Vec<f64>>],
    classes: &[DemandClass],
    pooled: &[bool],
    fallback: usize,
) -> Vec<usize> {
    let argmin = |v: &[f64]| {
        v.iter()
            .enumerate()
            .fold((fallback, f64::INFINITY), |best, (i, &s)| if s < best.1 { (i, s) } else { best })
            .0
    };
    match policy {
        Selection::PerSeries => {
            scores.iter().map(|s| s.as_deref().map_or(fallback, argmin)).collect()
        }
        Selection::PerClass | Selection::Global => {
            let groups = if policy == Selection::Global { 1 } else { DemandClass::ALL.len() };
            let group = |i: usize| if policy == Selection::Global { 0 } else { classes[i].index() };
            let width = scores.iter().flatten().map(Vec::len).max().unwrap_or(0);
            let mut sums = vec![vec![0.0; width]; groups];
            for (i, s) in scores.iter().enumerate() {
                if let (Some(s), true) = (s, pooled[i]) {
                    for (acc, v) in sums[group(i)].iter_mut().zip(s) {
                        *acc += v;
                    }
                }
            }
            let best: Vec<usize> =
                sums.iter().map(|s| if s.is_empty() { fallback } else { argmin(s) }).collect();
            scores
                .iter()
                .enumerate()
                .map(|(i, s)| if s.is_some() { best[group(i)] } else { fallback })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_hand() {
        assert_eq!(DemandClass::of(&[5.0, 5.0, 5.0, 6.0]), DemandClass::Smooth);
        assert_eq!(DemandClass::of(&[1.0, 10.0, 1.0, 10.0]), DemandClass::Erratic);
        assert_eq!(DemandClass::of(&[0.0, 0.0, 5.0, 0.0, 5.0, 0.0]), DemandClass::Intermittent);
        assert_eq!(DemandClass::of(&[0.0, 0.0, 1.0, 0.0, 20.0, 0.0]), DemandClass::Lumpy);
    }

    #[test]
    fn policies_by_hand() {
        let scores = vec![Some(vec![1.0, 2.0]), Some(vec![5.0, 1.0]), None, Some(vec![3.0, 3.0])];
        let classes =
            [DemandClass::Smooth, DemandClass::Lumpy, DemandClass::Smooth, DemandClass::Smooth];
        let pooled = [true, true, true, true];
        assert_eq!(choose(Selection::PerSeries, &scores, &classes, &pooled, 0), vec![0, 1, 0, 0]);
        // Global sums: [9, 6] -> model 1 for all scored series.
        assert_eq!(choose(Selection::Global, &scores, &classes, &pooled, 0), vec![1, 1, 0, 1]);
        // Smooth sums [4, 5] -> 0; lumpy [5, 1] -> 1.
        assert_eq!(choose(Selection::PerClass, &scores, &classes, &pooled, 0), vec![0, 1, 0, 0]);
        // Unpooled series do not vote: without series 1, the global sums are [4, 5].
        let pooled = [true, false, true, true];
        assert_eq!(choose(Selection::Global, &scores, &classes, &pooled, 0), vec![0, 0, 0, 0]);
    }
}
