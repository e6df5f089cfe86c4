//! Solving the LP through good_lp, with the backend chosen by cargo feature.
//!
//! | feature | solver | needs | duals |
//! |---|---|---|---|
//! | `clarabel` (default) | Clarabel, interior point, pure Rust | crates only | yes |
//! | `cbc` | Clp (dual simplex) inside Cbc, through good_lp's `coin_cbc` | system package `coinor-libcbc-dev` | no |
//!
//! Exactly one backend is compiled in: when both features are on, `cbc` wins (it is never
//! on by default, so turning it on is an explicit choice; `--no-default-features --features
//! cbc` builds without Clarabel). Why Clarabel is the default (pure Rust, duals, fastest at
//! ~1M variables here) is measured in docs/benchmarks.md, "Placement".
//!
//! The deadline of the [`SolveContext`] becomes the solver's own time limit; the cancel
//! token is checked before the solve starts (good_lp gives no hook inside the solve).
//! A backend without duals returns `row_dual: None`; `PlacementModel::solve` then prices
//! the capacity rows by finite-difference re-solves (`prices.rs`).

#[cfg(not(any(feature = "clarabel", feature = "cbc")))]
compile_error!("placement needs an LP backend: enable the `clarabel` (default) or `cbc` feature");

#[cfg(feature = "cbc")]
mod cbc;
#[cfg(feature = "cbc")]
use cbc as backend;
#[cfg(all(feature = "clarabel", not(feature = "cbc")))]
mod clarabel;
#[cfg(all(feature = "clarabel", not(feature = "cbc")))]
use clarabel as backend;

use super::error::PlacementError;
use super::lp::{LpModel, Sense};
use crate::context::SolveContext;
use good_lp::constraint::ConstraintReference;
use good_lp::{Expression, ProblemVariables, Solver, SolverModel, Variable, variable};
use std::time::Instant;

/// Primal values, row duals and timings of one LP solve.
#[derive(Debug, Clone)]
pub(crate) struct LpSolution {
    /// One value per column.
    pub x: Vec<f64>,
    /// Per row: d(objective) / d(rhs); `None` when the backend gives no duals.
    pub row_dual: Option<Vec<f64>>,
    /// `cost' x`.
    pub objective: f64,
    /// Seconds spent turning the matrix into good_lp variables and constraints.
    pub backend_build_s: f64,
    /// Seconds inside the solver (including its own matrix conversion).
    pub solver_s: f64,
    /// Solver iterations.
    pub iterations: u32,
}

/// What the solver concluded.
#[derive(Debug, Clone)]
pub(crate) enum LpOutcome {
    /// An optimal solution.
    Optimal(LpSolution),
    /// No solution satisfies every row.
    Infeasible,
}

/// The solver's name, for reports: `clarabel` or `cbc`.
pub const BACKEND: &str = backend::NAME;

/// Whether the backend returns row duals (otherwise shadow prices need re-solves).
pub const BACKEND_HAS_DUALS: bool = backend::HAS_DUALS;

/// Builds the good_lp problem from the matrix and solves it under the context's limits.
///
/// # Errors
/// [`PlacementError::Interrupted`] if cancelled or past the deadline before the solve,
/// [`PlacementError::TimeLimit`], [`PlacementError::Unbounded`] or
/// [`PlacementError::Solver`]. Infeasibility is not an error here but
/// [`LpOutcome::Infeasible`], for the caller to explain.
pub(crate) fn solve_lp(lp: &LpModel, ctx: &SolveContext) -> Result<LpOutcome, PlacementError> {
    ctx.check()?;
    backend::solve(lp, ctx)
}

/// How the LP handed to the backend is scaled: every cost times `cost`, chosen so that
/// the largest is 1.
///
/// Why: the backends' tolerances are absolute. Measured on the Monaco scenario with one
/// cost raised: a holding cost of 1e5 per unit made Clarabel call the model unbounded (it
/// cannot be: every cost is >= 0 and every column >= 0). Scaling the costs changes neither
/// the optimum nor the primal values; the backend's duals are `cost * y`. Right-hand sides
/// are not scaled: dividing them by the largest (a 1e7 m3 centre) pushed the demand rows
/// below the tolerance and made the answer miss them, measured the same way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scale {
    /// Factor on every cost.
    pub cost: f64,
}

impl Scale {
    /// No scaling (the Clarabel backend's second try).
    #[cfg_attr(not(feature = "clarabel"), allow(dead_code))]
    pub const NONE: Self = Self { cost: 1.0 };

    /// The scale that makes the largest cost 1.
    pub fn of(lp: &LpModel) -> Self {
        let max_cost = lp.cost.iter().fold(0.0_f64, |m, c| m.max(c.abs()));
        let cost = if max_cost.is_finite() && max_cost > 0.0 { 1.0 / max_cost } else { 1.0 };
        Self { cost }
    }

    /// A row's dual in the LP's own units (objective per unit of right-hand side); Cbc
    /// gives no duals.
    #[cfg_attr(not(feature = "clarabel"), allow(dead_code))]
    pub fn dual(self, scaled: f64) -> f64 {
        scaled / self.cost
    }
}

/// The LP as a good_lp model of `solver`, scaled by `scale`: the variables (one per
/// column, `>= 0`), one constraint reference per row, and the scale to undo.
///
/// # Complexity
/// O(nnz) plus good_lp's and the backend's own model building.
pub(super) fn build<S: Solver>(
    lp: &LpModel,
    solver: S,
    scale: Scale,
) -> (S::Model, Vec<Variable>, Vec<ConstraintReference>, Scale) {
    let mut vars = ProblemVariables::new();
    let xs: Vec<Variable> = vars.add_vector(variable().min(0.0), lp.n_cols());
    let mut objective = Expression::with_capacity(lp.n_cols());
    for (&c, &x) in lp.cost.iter().zip(&xs) {
        if c != 0.0 {
            objective.add_mul(c * scale.cost, x);
        }
    }
    let mut problem = vars.minimise(objective).using(solver);
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
    (problem, xs, refs, scale)
}

/// Seconds since `started`.
pub(super) fn secs(started: Instant) -> f64 {
    started.elapsed().as_secs_f64()
}
