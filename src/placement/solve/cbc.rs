//! The Clp/Cbc backend (feature `cbc`): COIN-OR's simplex codes through good_lp's
//! `coin_cbc`, linked against the system library (Debian: `coinor-libcbc-dev`).
//!
//! - **No duals**: the C interface of Cbc 2.10 (Debian's) has no row prices, so good_lp
//!   gives none; `PlacementModel::solve` prices the capacity rows by re-solves.
//! - **One solve at a time per process**: Cbc 2.10's `CbcMain` keeps global state and is not
//!   thread-safe (coin-or/Cbc issue 332), so good_lp's `singlethread-cbc` lock stays on:
//!   concurrent solves queue behind it (model building still runs in parallel). The lock
//!   can go once Cbc >= 2.10.10 / 3.x with a thread-safe `CbcMain` is what distributions
//!   ship.
//! - **Time limit, only partly honoured**: the deadline goes to Cbc's `sec` parameter
//!   (whole seconds, rounded up), but Cbc 2.10 applies it to branch and bound only, not to
//!   the root LP, which for a pure LP is the whole solve: measured at 900k variables with a
//!   5 s limit, Clp ran to its optimum (125 CPU s). A solve that ends past the deadline is
//!   reported as [`PlacementError::TimeLimit`], never as a late result; a caller that must
//!   get control back at the deadline needs the `clarabel` backend, whose limit stops the
//!   solver itself.

use super::{LpOutcome, LpSolution, Scale, build, secs};
use crate::context::SolveContext;
use crate::placement::error::PlacementError;
use crate::placement::lp::LpModel;
use good_lp::solvers::SolutionStatus;
use good_lp::{ResolutionError, Solution, SolverModel, WithTimeLimit};
use std::time::Instant;

pub(super) const NAME: &str = "cbc";
pub(super) const HAS_DUALS: bool = false;

pub(super) fn solve(lp: &LpModel, ctx: &SolveContext) -> Result<LpOutcome, PlacementError> {
    let started = Instant::now();
    let (mut problem, xs, _refs, _scale) = build(lp, good_lp::coin_cbc, Scale::of(lp));
    let limit_s = ctx.remaining().map(|d| d.as_secs_f64());
    if let Some(limit) = limit_s {
        problem = problem.with_time_limit(limit);
    }
    let backend_build_s = secs(started);
    ctx.check()?;
    let started = Instant::now();
    let outcome = problem.solve();
    let solver_s = secs(started);
    let time_limit = PlacementError::TimeLimit { limit_s: limit_s.unwrap_or(0.0) };
    let solution = match outcome {
        Ok(solution) => solution,
        Err(ResolutionError::Infeasible) => return Ok(LpOutcome::Infeasible),
        Err(ResolutionError::Unbounded) => {
            return Err(PlacementError::Unbounded { family: "placement costs" });
        }
        Err(other) => {
            return Err(PlacementError::Solver { solver: NAME, status: other.to_string() });
        }
    };
    match solution.status() {
        SolutionStatus::Optimal => {}
        SolutionStatus::TimeLimit => return Err(time_limit),
        SolutionStatus::GapLimit => {
            return Err(PlacementError::Solver { solver: NAME, status: "gap limit".to_owned() });
        }
    }
    if ctx.remaining().is_some_and(|left| left.is_zero()) {
        return Err(time_limit);
    }
    let iterations = u32::try_from(solution.model().iteration_count()).unwrap_or(0);
    let x: Vec<f64> = xs.iter().map(|&v| solution.value(v)).collect();
    let objective = lp.cost.iter().zip(&x).map(|(c, v)| c * v).sum();
    Ok(LpOutcome::Optimal(LpSolution {
        x,
        row_dual: None,
        objective,
        backend_build_s,
        solver_s,
        iterations,
    }))
}
