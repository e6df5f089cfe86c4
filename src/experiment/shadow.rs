//! Shadow mode: a challenger configuration runs beside the champion on live requests; the
//! champion's answer is returned, the challenger's is only measured and recorded.
//!
//! The service holds a shadow experiment (a [`Spec`] whose units are live requests) and,
//! for each request it routes:
//! 1. solves with the champion and returns that answer, as always;
//! 2. solves the same problem with [`solve_challenger`] (same seed: common random
//!    numbers), off the request path;
//! 3. calls [`routing_pair`] and [`record`].
//!
//! The fixed horizon holds here too: the verdict is computed once, when the spec's
//! `decision.units` pairs are in, and the store refuses pairs after that, so a dashboard
//! that watches a shadow experiment cannot stop it at a lucky moment. Forecast and
//! placement answers cannot be judged at request time (their outcome is future demand);
//! they are compared by replay ([`super::run`]) once the demand is known.

use super::error::ExperimentError;
use super::outcome::{UnitResult, Verdict, summarise};
use super::records::ExperimentStore;
use super::spec::{Spec, Stage};
use super::stages::routing::{measure, solve_arm};
use crate::context::{CancelToken, SolveContext};
use crate::ids::ExperimentId;
use crate::routing::{Problem, Solution};
use crate::store::StoreError;
use serde::{Deserialize, Serialize};

/// Where a shadow experiment stands after a pair was offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowStatus {
    /// Whether the pair was recorded (false once the planned units are in).
    pub accepted: bool,
    /// Pairs recorded.
    pub recorded: usize,
    /// Pairs planned (the fixed horizon).
    pub planned: usize,
    /// The verdict, once all planned pairs are in.
    pub verdict: Option<Verdict>,
}

/// Records a new shadow experiment (stage routing; its units come from live requests).
///
/// # Errors
/// [`ExperimentError::InvalidSpec`] (also for a stage other than routing), the store's
/// errors (a name already used with another spec).
pub fn start(store: &dyn ExperimentStore, spec: &Spec) -> Result<ExperimentId, ExperimentError> {
    spec.validate_rule()?;
    if spec.stage != Stage::Routing {
        return Err(ExperimentError::InvalidSpec(vec![format!(
            "shadow mode compares answers at request time: stage {:?} is judged by replay",
            spec.stage
        )]));
    }
    Ok(store.create_experiment(spec)?)
}

/// Solves a live problem with the spec's challenger, with the seed the champion used.
///
/// # Errors
/// [`ExperimentError::Routing`], [`ExperimentError::InfeasibleSolution`].
pub fn solve_challenger(
    spec: &Spec,
    problem: &Problem,
    seed: u64,
    unit: &str,
    cancel: &CancelToken,
) -> Result<Solution, ExperimentError> {
    let ctx = SolveContext::new(seed).with_cancel(cancel.clone());
    let seed = seed.wrapping_add(spec.challenger.seed_offset);
    solve_arm(problem, &spec.challenger, seed, unit, "challenger", &ctx)
}

/// The paired measures of one live routing request.
pub fn routing_pair(
    unit: impl Into<String>,
    seed: u64,
    problem: &Problem,
    champion: &Solution,
    challenger: &Solution,
) -> UnitResult {
    UnitResult {
        unit: unit.into(),
        seed,
        champion: measure(problem, champion),
        challenger: measure(problem, challenger),
    }
}

/// Records one pair; the pair that completes the planned units also computes, stores and
/// returns the verdict. Pairs offered after that are not recorded (`accepted: false`).
///
/// # Errors
/// The store's errors ([`StoreError::ExperimentNotFound`], a unit key recorded twice).
pub fn record(
    store: &dyn ExperimentStore,
    id: &ExperimentId,
    spec: &Spec,
    pair: &UnitResult,
) -> Result<ShadowStatus, ExperimentError> {
    let planned = spec.decision.units;
    match store.add_unit(id, pair) {
        Ok(recorded) if recorded >= planned => {
            let units = store.experiment_units(id)?;
            let verdict = summarise(spec, &units);
            store.finish_experiment(id, Some(&verdict))?;
            Ok(ShadowStatus { accepted: true, recorded, planned, verdict: Some(verdict) })
        }
        Ok(recorded) => Ok(ShadowStatus { accepted: true, recorded, planned, verdict: None }),
        Err(StoreError::ExperimentClosed(_)) => {
            let rec = store.experiment(id)?;
            Ok(ShadowStatus {
                accepted: false,
                recorded: rec.units_recorded,
                planned,
                verdict: rec.verdict,
            })
        }
        Err(other) => Err(other.into()),
    }
}
