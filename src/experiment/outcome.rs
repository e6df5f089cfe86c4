//! What an experiment produces: per-unit measurements of both arms, the paired analysis of
//! every metric, and the decision on the primary metric.
//!
//! The same [`summarise`] serves the offline runner and shadow mode, so a verdict means the
//! same thing whichever way the units were collected.

use super::spec::{MetricKind, Spec};
use super::stats::{Decision, PairedAnalysis, analyse, decide};
use crate::ids::ExperimentId;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The metrics one arm scored on one unit.
pub type Measures = BTreeMap<MetricKind, f64>;

/// One unit's measurements under both arms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    /// The unit's key, e.g. `2011-11-12/06240-05` or `A-n32-k5.vrp#3`.
    pub unit: String,
    /// The seed both arms used (before an arm's `seed_offset`).
    pub seed: u64,
    /// The champion's metrics.
    pub champion: Measures,
    /// The challenger's metrics.
    pub challenger: Measures,
}

/// The paired analysis of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// The metric.
    pub metric: MetricKind,
    /// Whether lower values are better.
    pub lower_is_better: bool,
    /// Means, improvement and its interval.
    #[serde(flatten)]
    pub analysis: PairedAnalysis,
    /// The decision (primary metric only; secondary metrics are informative).
    pub decision: Option<Decision>,
}

/// The result of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The stored record's id, when the run was recorded.
    pub experiment: Option<ExperimentId>,
    /// The spec that was run.
    pub spec: Spec,
    /// Every unit, in evaluation order.
    pub units: Vec<UnitResult>,
    /// The analysis and the decision.
    pub verdict: Verdict,
}

/// The analysis of every metric and the decision: what the store keeps as an experiment's
/// result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The primary metric with the decision.
    pub primary: MetricSummary,
    /// The other metrics both arms measured on every unit.
    pub secondary: Vec<MetricSummary>,
}

impl Verdict {
    /// The decision on the primary metric.
    pub fn decision(&self) -> Decision {
        self.primary.decision.unwrap_or(Decision::Inconclusive)
    }
}

impl Outcome {
    /// The decision on the primary metric.
    pub fn decision(&self) -> Decision {
        self.verdict.decision()
    }
}

/// Analyses every metric that both arms measured on every unit; the primary one gets the
/// decision. The bootstrap RNG is seeded from the spec's seed, one stream per metric.
pub fn summarise(spec: &Spec, units: &[UnitResult]) -> Verdict {
    let rule = &spec.decision;
    let metrics: Vec<MetricKind> = units
        .first()
        .map(|u| {
            u.champion
                .keys()
                .filter(|m| units.iter().all(|u| u.champion.contains_key(m)))
                .filter(|m| units.iter().all(|u| u.challenger.contains_key(m)))
                .copied()
                .collect()
        })
        .unwrap_or_default();
    let summary = |metric: MetricKind| {
        let get = |m: &Measures| m.get(&metric).copied().unwrap_or(f64::NAN);
        let a: Vec<f64> = units.iter().map(|u| get(&u.champion)).collect();
        let b: Vec<f64> = units.iter().map(|u| get(&u.challenger)).collect();
        let mut rng = Pcg64Mcg::seed_from_u64(spec.seed ^ (metric as u64 + 1).wrapping_mul(0x9E37));
        let lower = metric.lower_is_better();
        let analysis =
            analyse(&a, &b, lower, (rule.interval, rule.confidence, rule.resamples), &mut rng);
        let decision = (metric == spec.metric).then(|| decide(&analysis, rule.min_effect));
        MetricSummary { metric, lower_is_better: lower, analysis, decision }
    };
    let primary = summary(spec.metric);
    let secondary = metrics.into_iter().filter(|&m| m != spec.metric).map(summary).collect();
    Verdict { primary, secondary }
}
