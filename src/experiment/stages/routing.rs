//! Routing experiments: instances x seeds, both arms with the same seed per unit.
//!
//! A unit is one instance solved with one seed; an instance is a benchmark file or a
//! station-day of a scenario (its delivery day cut per station by
//! [`crate::routing::from_scenario::day_problems`], on the scenario's road graph). Both arms start from the same seed
//! (common random numbers): the difference on a unit is then the configuration's doing, not
//! the luck of the draw. Every solution goes through the independent checker
//! ([`crate::routing::check`]); a failing one stops the experiment, since a verdict on an
//! invalid plan would mean nothing.

use super::batch::Batch;
use crate::context::SolveContext;
use crate::experiment::error::ExperimentError;
use crate::experiment::outcome::Measures;
use crate::experiment::spec::{ArmConfig, MetricKind, Spec};
use crate::routing::formats::{self, Format};
use crate::routing::from_scenario::{DayOptions, day_problems, fleet_roads};
use crate::routing::{self, Problem, Solution};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The loaded instances and the (instance, seed) of each batch.
pub(in crate::experiment) struct Data {
    problems: Vec<Problem>,
    cells: Vec<(usize, u64)>,
}

pub(super) fn prepare(spec: &Spec) -> Result<(Data, Vec<Batch>), ExperimentError> {
    let mut problems = Vec::new();
    let mut names = Vec::new();
    for path in &spec.units.instances {
        let request = formats::read(path, Format::from_path(path))?;
        names.push(
            path.file_name()
                .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned()),
        );
        problems.push(request.problem);
    }
    for folder in &spec.units.scenarios {
        for (name, problem) in station_days(folder)? {
            names.push(name);
            problems.push(problem);
        }
    }
    let mut cells = Vec::new();
    let mut batches = Vec::new();
    for (i, name) in names.iter().enumerate() {
        for &seed in &spec.units.seeds {
            let key = format!("{name}#{seed}");
            cells.push((i, seed));
            batches.push(Batch { key: key.clone(), seed, units: vec![key] });
        }
    }
    Ok((Data { problems, cells }, batches))
}

/// The station problems of a scenario's delivery day (stations with at least one stop),
/// named `<scenario>/<station>`.
fn station_days(folder: &Path) -> Result<Vec<(String, Problem)>, ExperimentError> {
    let (scenario, _) = crate::scenario::load(folder)?;
    let Some(roads) = fleet_roads(&scenario)? else {
        return Err(ExperimentError::InvalidSpec(vec![format!(
            "units.scenarios: {} has no road extract to route on",
            folder.display()
        )]));
    };
    let day = day_problems(&scenario, &roads, &DayOptions::default(), &SolveContext::new(0))?;
    Ok(day
        .stations
        .into_iter()
        .filter(|sp| !sp.problem.stops.is_empty())
        .map(|sp| (format!("{}/{}", scenario.name, sp.station), sp.problem))
        .collect())
}

/// The measures of one routing solution.
///
/// # Units
/// Cost per order in the problem's cost units; distance in its distance unit.
pub fn measure(problem: &Problem, solution: &Solution) -> Measures {
    let stops = problem.stops.len().max(1) as f64;
    Measures::from([
        (MetricKind::CostPerOrder, (solution.cost + solution.unserved_penalty) / stops),
        (MetricKind::Distance, solution.distance),
        (MetricKind::Vehicles, solution.vehicles() as f64),
        (MetricKind::Unserved, solution.unserved.len() as f64),
    ])
}

/// Solves `problem` with an arm's configuration and seed, sharing `ctx`'s cancel token, and
/// checks the solution independently.
///
/// # Errors
/// [`ExperimentError::Routing`] for an invalid problem, [`ExperimentError::InfeasibleSolution`]
/// when the checker refuses the plan.
pub fn solve_arm(
    problem: &Problem,
    arm: &ArmConfig,
    seed: u64,
    unit: &str,
    arm_name: &'static str,
    ctx: &SolveContext,
) -> Result<Solution, ExperimentError> {
    let mut config = arm.solver.clone().unwrap_or_default();
    if let Some(n) = arm.max_iterations {
        config.max_iterations = Some(n);
    }
    let mut sctx = SolveContext::new(seed).with_cancel(ctx.cancel_token().clone());
    if let Some(t) = arm.time_limit_s {
        sctx = sctx.with_time_limit(Duration::from_secs_f64(t.clamp(0.0, 1e9)));
    }
    let routing::CheckedSolution { solution, verdict: report } =
        routing::solve_checked(problem, &config, &sctx)?;
    if !report.is_ok() {
        let first: Vec<String> =
            report.violations.iter().take(3).map(|v| format!("{v:?}")).collect();
        return Err(ExperimentError::InfeasibleSolution {
            unit: unit.to_owned(),
            arm: arm_name,
            violations: first.join(", "),
        });
    }
    Ok(solution)
}

pub(super) fn evaluate(
    d: &Data,
    batch: &Batch,
    index: usize,
    arm: &ArmConfig,
    arm_name: &'static str,
    seed: u64,
    ctx: &SolveContext,
) -> Result<BTreeMap<String, Measures>, ExperimentError> {
    ctx.check()?;
    let (instance, _) = d.cells[index];
    let problem = &d.problems[instance];
    let solution = solve_arm(problem, arm, seed, &batch.key, arm_name, ctx)?;
    Ok(BTreeMap::from([(batch.key.clone(), measure(problem, &solution))]))
}
