//! The Clarabel backend (feature `clarabel`, the default): interior point, pure Rust.
//!
//! Values carry ~1e-9 noise, which `result.rs` clips, and an optimum that is not unique
//! comes back as an interior (split) point, not a vertex. The deadline becomes Clarabel's
//! own time limit.

use super::{LpOutcome, LpSolution, Scale, build, secs};
use crate::context::SolveContext;
use crate::placement::error::PlacementError;
use crate::placement::lp::LpModel;
use clarabel::solver::SolverStatus;
use good_lp::{ResolutionError, Solution, SolutionWithDual, SolverModel};
use std::time::Instant;

pub(super) const NAME: &str = "clarabel";
pub(super) const HAS_DUALS: bool = true;
/// Feasibility and gap tolerance tried first: tighter than Clarabel's 1e-8, because with
/// a 100,000 m3 centre (measured on the Monaco scenario) 1e-8 left demand rows 1e-6 units
/// short and the check refused the plan.
const STRICT_TOL: f64 = 1e-10;
/// Clarabel's own default tolerance, for the second try.
const DEFAULT_TOL: f64 = 1e-8;

/// Solves the LP with its costs scaled to 1 at [`STRICT_TOL`]; when Clarabel stops short
/// of it (iteration limit, no progress, numerical error), solves it once more as it is, at
/// [`DEFAULT_TOL`].
///
/// Why: on the decomposition's master LPs (`bench placement --method decomposed` from 100
/// SKUs, 10 centres, 25 zones) the scaled strict solve stops at Clarabel's iteration limit,
/// and so does the scaled one at 1e-8; the unscaled one at 1e-8 solves them, as it did
/// before the scaling. The monolithic LPs measured so far solve on the first try.
pub(super) fn solve(lp: &LpModel, ctx: &SolveContext) -> Result<LpOutcome, PlacementError> {
    match attempt(lp, ctx, Scale::of(lp), STRICT_TOL)? {
        Attempt::Done(outcome) => Ok(outcome),
        Attempt::Stalled(status) => match attempt(lp, ctx, Scale::NONE, DEFAULT_TOL)? {
            Attempt::Done(outcome) => {
                tracing::debug!(strict = %status, "placement LP solved at Clarabel's default tolerance");
                Ok(outcome)
            }
            Attempt::Stalled(status) => Err(PlacementError::Solver { solver: NAME, status }),
        },
    }
}

/// One solve, or why the iterations stopped short of the tolerance.
enum Attempt {
    Done(LpOutcome),
    Stalled(String),
}

fn attempt(
    lp: &LpModel,
    ctx: &SolveContext,
    scale: Scale,
    tol: f64,
) -> Result<Attempt, PlacementError> {
    let started = Instant::now();
    let (mut problem, xs, refs, scale) = build(lp, good_lp::clarabel, scale);
    problem.settings().tol_feas(tol).tol_gap_abs(tol).tol_gap_rel(tol);
    let limit_s = ctx.remaining().map(|d| d.as_secs_f64());
    if let Some(limit) = limit_s {
        problem.settings().time_limit(limit);
    }
    let backend_build_s = secs(started);
    ctx.check()?;
    let started = Instant::now();
    let outcome = problem.solve();
    let solver_s = secs(started);
    let mut solution = match outcome {
        Ok(solution) => solution,
        Err(ResolutionError::Infeasible) => return Ok(Attempt::Done(LpOutcome::Infeasible)),
        Err(ResolutionError::Unbounded) => {
            return Err(PlacementError::Unbounded { family: "placement costs" });
        }
        Err(ResolutionError::Other("Time limit reached")) => {
            return Err(PlacementError::TimeLimit { limit_s: limit_s.unwrap_or(0.0) });
        }
        Err(
            stalled @ ResolutionError::Other(
                "Max iterations reached" | "No progress" | "Numerical error",
            ),
        ) => return Ok(Attempt::Stalled(stalled.to_string())),
        Err(other) => {
            return Err(PlacementError::Solver { solver: NAME, status: other.to_string() });
        }
    };
    match solution.inner().status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {}
        SolverStatus::DualInfeasible | SolverStatus::AlmostDualInfeasible => {
            return Err(PlacementError::Unbounded { family: "placement costs" });
        }
        other => {
            return Err(PlacementError::Solver { solver: NAME, status: format!("{other:?}") });
        }
    }
    let iterations = solution.inner().iterations;
    let x: Vec<f64> = xs.iter().map(|&v| solution.value(v)).collect();
    let objective = lp.cost.iter().zip(&x).map(|(c, v)| c * v).sum();
    let duals = solution.compute_dual();
    let row_dual =
        refs.into_iter().map(|r| scale.dual(good_lp::DualValues::dual(&duals, r))).collect();
    Ok(Attempt::Done(LpOutcome::Optimal(LpSolution {
        x,
        row_dual: Some(row_dual),
        objective,
        backend_build_s,
        solver_s,
        iterations,
    })))
}
