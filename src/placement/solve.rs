//! Solving the LP through good_lp, with the backend chosen by cargo feature.
//!
//! The backend is Clarabel (feature `clarabel`, the default): pure Rust, so a fresh
//! machine and CI build it with no system package in about a minute; it returns shadow
//! prices through good_lp (Cbc's binding gives none); and on this machine it solved the
//! ~1M-variable placement LP in less CPU time than Clp's dual simplex alone on the same
//! MPS (101 vs 133 s; figures in docs/benchmarks.md, "Placement"). It is an
//! interior-point method: values carry ~1e-9 noise, which `result.rs` clips, and an
//! optimum that is not unique comes back as an interior (split) point, not a vertex.
//!
//! The deadline of the [`SolveContext`] becomes Clarabel's own time limit; the cancel
//! token is checked before the solve starts (good_lp gives no hook inside the solve).

use super::error::PlacementError;
use super::lp::{LpModel, Sense};
use crate::context::SolveContext;
use good_lp::constraint::ConstraintReference;
use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolutionWithDual, SolverModel,
    Variable, variable,
};
use std::time::Instant;

#[cfg(not(feature = "clarabel"))]
compile_error!("placement needs an LP backend: enable the `clarabel` feature");

/// Primal values, row duals and timings of one LP solve.
#[derive(Debug, Clone)]
pub(crate) struct LpSolution {
    /// One value per column.
    pub x: Vec<f64>,
    /// Per row: d(objective) / d(rhs).
    pub row_dual: Vec<f64>,
    /// `cost' x`.
    pub objective: f64,
    /// Seconds spent turning the matrix into good_lp variables and constraints.
    pub backend_build_s: f64,
    /// Seconds inside the solver (including its own matrix conversion).
    pub solver_s: f64,
    /// Solver iterations.
    pub iterations: u32,
}

/// The solver's name, for reports.
pub const BACKEND: &str = "clarabel";

/// Builds the good_lp problem from the matrix and solves it under the context's limits.
///
/// # Errors
/// [`PlacementError::Interrupted`] if cancelled or past the deadline before the solve,
/// [`PlacementError::TimeLimit`], [`PlacementError::Unbounded`] or
/// [`PlacementError::Solver`]. Infeasibility is not an error here but
/// [`LpOutcome::Infeasible`], for the caller to explain.
pub(crate) fn solve_lp(lp: &LpModel, ctx: &SolveContext) -> Result<LpOutcome, PlacementError> {
    ctx.check()?;
    let started = Instant::now();
    let mut vars = ProblemVariables::new();
    let xs: Vec<Variable> = vars.add_vector(variable().min(0.0), lp.n_cols());
    let mut objective = Expression::with_capacity(lp.n_cols());
    for (&c, &x) in lp.cost.iter().zip(&xs) {
        if c != 0.0 {
            objective.add_mul(c, x);
        }
    }
    let mut problem = vars.minimise(objective).using(good_lp::clarabel);
    let (start, cols, vals) = lp.rows_csr();
    let mut refs: Vec<ConstraintReference> = Vec::with_capacity(lp.rows.len());
    for (i, row) in lp.rows.iter().enumerate() {
        let range = start[i]..start[i + 1];
        let mut expr = Expression::with_capacity(range.len());
        for (&j, &a) in cols[range.clone()].iter().zip(&vals[range]) {
            expr.add_mul(a, xs[j as usize]);
        }
        let constraint = match row.sense {
            Sense::Le => good_lp::constraint::leq(expr, row.rhs),
            Sense::Ge => good_lp::constraint::geq(expr, row.rhs),
            Sense::Eq => good_lp::constraint::eq(expr, row.rhs),
        };
        refs.push(problem.add_constraint(constraint));
    }
    let limit_s = ctx.remaining().map(|d| d.as_secs_f64());
    if let Some(limit) = limit_s {
        problem.settings().time_limit(limit);
    }
    let backend_build_s = started.elapsed().as_secs_f64();
    ctx.check()?;
    let started = Instant::now();
    let outcome = problem.solve();
    let solver_s = started.elapsed().as_secs_f64();
    let mut solution = match outcome {
        Ok(solution) => solution,
        Err(ResolutionError::Infeasible) => return Ok(LpOutcome::Infeasible),
        Err(ResolutionError::Unbounded) => {
            return Err(PlacementError::Unbounded { family: "placement costs" });
        }
        Err(ResolutionError::Other("Time limit reached")) => {
            return Err(PlacementError::TimeLimit { limit_s: limit_s.unwrap_or(0.0) });
        }
        Err(other) => {
            return Err(PlacementError::Solver { solver: BACKEND, status: other.to_string() });
        }
    };
    use clarabel::solver::SolverStatus;
    match solution.inner().status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {}
        SolverStatus::DualInfeasible | SolverStatus::AlmostDualInfeasible => {
            return Err(PlacementError::Unbounded { family: "placement costs" });
        }
        other => {
            return Err(PlacementError::Solver { solver: BACKEND, status: format!("{other:?}") });
        }
    }
    let iterations = solution.inner().iterations;
    let x: Vec<f64> = xs.iter().map(|&v| solution.value(v)).collect();
    let objective = lp.cost.iter().zip(&x).map(|(c, v)| c * v).sum();
    let duals = solution.compute_dual();
    let row_dual = refs.into_iter().map(|r| good_lp::DualValues::dual(&duals, r)).collect();
    Ok(LpOutcome::Optimal(LpSolution {
        x,
        row_dual,
        objective,
        backend_build_s,
        solver_s,
        iterations,
    }))
}

/// What the solver concluded.
#[derive(Debug, Clone)]
pub(crate) enum LpOutcome {
    /// An optimal solution.
    Optimal(LpSolution),
    /// No solution satisfies every row.
    Infeasible,
}
