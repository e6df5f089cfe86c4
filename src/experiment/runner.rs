//! Runs an experiment: both arms on the same fixed sample of units, then the verdict.
//!
//! The sample is drawn before either arm runs: every eligible unit (known from the data
//! alone) is listed, a permutation seeded with the spec's seed orders them, and the first
//! `decision.units` are kept. Nothing is looked at before all of them are measured, so
//! there is no peeking and no optional stopping. Within a batch the arms alternate which
//! goes first, so a slow patch of the machine does not always hit the same arm (it matters
//! for time-limited routing arms).

use super::error::ExperimentError;
use super::outcome::{Outcome, UnitResult, summarise};
use super::records::ExperimentStore;
use super::spec::Spec;
use super::stages::{self, Batch};
use crate::context::SolveContext;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64Mcg;
use std::collections::{BTreeMap, HashSet};

/// The fixed sample: `wanted` unit keys drawn from every batch's eligible units.
fn sample(spec: &Spec, batches: &[Batch]) -> Result<HashSet<String>, ExperimentError> {
    let eligible: Vec<&String> = batches.iter().flat_map(|b| &b.units).collect();
    let wanted = spec.decision.units;
    if eligible.len() < wanted {
        return Err(ExperimentError::TooFewUnits {
            wanted,
            available: eligible.len(),
            why: stages::eligibility(spec.stage),
        });
    }
    let mut order: Vec<usize> = (0..eligible.len()).collect();
    order.shuffle(&mut Pcg64Mcg::seed_from_u64(spec.seed));
    Ok(order[..wanted].iter().map(|&i| eligible[i].clone()).collect())
}

/// Progress steps per arm evaluation in the experiment's bar.
const STEPS_PER_ARM: u64 = 1000;

/// Runs `spec`: validates it, lists and samples the units, measures both arms on every
/// sampled unit, records everything in `store` when given, and returns the outcome with
/// the decision. `ctx` gives the thread budget (forecasts), the cancel token and the
/// progress sink ([`STEPS_PER_ARM`] steps per arm and batch); each solve gets its own seeded context.
///
/// # Errors
/// [`ExperimentError::InvalidSpec`], [`ExperimentError::TooFewUnits`], the stages' errors,
/// [`ExperimentError::Interrupted`] on cancel; the stored experiment is then marked aborted.
///
/// # Complexity
/// Two arm evaluations per batch that holds a sampled unit, plus `metrics x resamples x
/// units` for the bootstrap.
pub fn run(
    spec: &Spec,
    store: Option<&dyn ExperimentStore>,
    ctx: &SolveContext,
) -> Result<Outcome, ExperimentError> {
    spec.validate()?;
    let progress = ctx.progress();
    progress.phase("prepare");
    let (prepared, batches) = stages::prepare(spec)?;
    let chosen = sample(spec, &batches)?;
    let needed: Vec<usize> = (0..batches.len())
        .filter(|&i| batches[i].units.iter().any(|u| chosen.contains(u)))
        .collect();
    let id = store.map(|s| s.create_experiment(spec)).transpose()?;
    progress.set_total(2 * needed.len() as u64 * STEPS_PER_ARM);
    progress.phase("units");
    let mut units = Vec::with_capacity(chosen.len());
    let measured = (|| {
        for (n, &i) in needed.iter().enumerate() {
            let batch = &batches[i];
            // Each arm's solves report on their own scale: one part of the bar per arm.
            let arm = |cfg, name| {
                let (arm_ctx, part) = ctx.clone().with_progress_part(STEPS_PER_ARM);
                let result = stages::evaluate(&prepared, batch, i, cfg, name, &arm_ctx);
                part.finish();
                result
            };
            let (a, b) = if n % 2 == 0 {
                let a = arm(&spec.champion, "champion")?;
                (a, arm(&spec.challenger, "challenger")?)
            } else {
                let b = arm(&spec.challenger, "challenger")?;
                (arm(&spec.champion, "champion")?, b)
            };
            ctx.check()?;
            for result in pair(batch, &chosen, a, b)? {
                if let (Some(store), Some(id)) = (store, &id) {
                    store.add_unit(id, &result)?;
                }
                units.push(result);
            }
        }
        Ok::<(), ExperimentError>(())
    })();
    if let Err(err) = measured {
        if let (Some(store), Some(id)) = (store, &id) {
            // The error that stopped the run matters more than one from marking it.
            let _ = store.finish_experiment(id, None);
        }
        return Err(err);
    }
    let verdict = summarise(spec, &units);
    if let (Some(store), Some(id)) = (store, &id) {
        store.finish_experiment(id, Some(&verdict))?;
    }
    Ok(Outcome { experiment: id, spec: spec.clone(), units, verdict })
}

/// Joins both arms' measures of a batch's sampled units.
fn pair(
    batch: &Batch,
    chosen: &HashSet<String>,
    mut a: BTreeMap<String, super::outcome::Measures>,
    mut b: BTreeMap<String, super::outcome::Measures>,
) -> Result<Vec<UnitResult>, ExperimentError> {
    batch
        .units
        .iter()
        .filter(|u| chosen.contains(*u))
        .map(|u| match (a.remove(u), b.remove(u)) {
            (Some(champion), Some(challenger)) => {
                Ok(UnitResult { unit: u.clone(), seed: batch.seed, champion, challenger })
            }
            _ => Err(ExperimentError::UnitNotMeasured(u.clone())),
        })
        .collect()
}
