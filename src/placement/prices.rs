//! Shadow prices of the capacity rows by finite differences, for backends without duals.
//!
//! The Cbc backend gives no row duals (see `solve/cbc.rs`). The price of a capacity row is
//! then measured: the model is re-solved with that row's right-hand side raised by a small
//! step `delta`, and `(objective - objective') / delta` is what one more m3 (or unit of
//! throughput) saves, i.e. the right derivative the shadow price stands for. Only binding
//! rows are re-solved; a row with slack has price 0 by complementary slackness. The
//! re-solves are independent and run on a rayon pool of `ctx.threads()` threads (with Cbc
//! the solver calls themselves take turns behind its lock; building runs in parallel).
//!
//! Each re-solve costs as much as the solve itself, so above
//! `PlacementOptions::price_resolve_max_variables` the prices are reported unavailable, with
//! the reason, instead of multiplying the solve time by the number of binding rows.

use super::error::{ConstraintFamily, PlacementError};
use super::lp::LpModel;
use super::result::ShadowPriceSource;
use super::solve::{self, LpOutcome};
use crate::context::{Interrupted, SolveContext};
use rayon::prelude::*;

/// Relative size of the step: `delta = STEP * max(rhs, 1)`. Small enough to stay on the
/// linear piece of the objective around the optimum in practice, large enough that a
/// simplex solution's ~1e-9 relative noise stays far below the difference.
const STEP: f64 = 1e-3;

/// Capacity prices per centre and how they were obtained.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CapacityPrices {
    /// Storage, per m3 (empty when unavailable).
    pub storage: Vec<f64>,
    /// Throughput, per unit (empty when unavailable).
    pub throughput: Vec<f64>,
    /// Duals, finite differences or unavailable.
    pub source: ShadowPriceSource,
}

/// Prices the binding storage and throughput rows of `lp` at the optimum `x` by re-solves.
///
/// # Errors
/// [`PlacementError::Interrupted`] when cancelled; solver errors of a re-solve. A deadline
/// that passes during the re-solves is not an error: the prices are then unavailable.
///
/// # Complexity
/// O(nnz) plus one LP solve per binding capacity row (at most 2F).
pub(crate) fn finite_difference(
    lp: &LpModel,
    n_centres: usize,
    x: &[f64],
    objective: f64,
    max_variables: usize,
    ctx: &SolveContext,
) -> Result<CapacityPrices, PlacementError> {
    let unavailable = |reason| CapacityPrices {
        storage: Vec::new(),
        throughput: Vec::new(),
        source: ShadowPriceSource::Unavailable { reason },
    };
    if lp.n_cols() > max_variables {
        return Ok(unavailable(
            "the backend gives no duals and the model has more variables than \
             price_resolve_max_variables allows for finite-difference re-solves",
        ));
    }
    let capacity = |f| matches!(f, ConstraintFamily::Storage | ConstraintFamily::Throughput);
    let mut activity = vec![0.0; lp.rows.len()];
    for (j, &v) in x.iter().enumerate().filter(|(_, v)| **v != 0.0) {
        for (r, a) in lp.column(j) {
            activity[r as usize] += a * v;
        }
    }
    let binding: Vec<usize> = (0..lp.rows.len())
        .filter(|&r| {
            let row = &lp.rows[r];
            capacity(row.family) && activity[r] >= row.rhs - 1e-6 * row.rhs.abs().max(1.0)
        })
        .collect();
    let resolve = |r: usize| -> Result<f64, PlacementError> {
        let mut raised = lp.clone();
        let delta = STEP * raised.rows[r].rhs.abs().max(1.0);
        raised.rows[r].rhs += delta;
        match solve::solve_lp(&raised, ctx)? {
            LpOutcome::Optimal(sol) => Ok(((objective - sol.objective) / delta).max(0.0)),
            LpOutcome::Infeasible => Err(PlacementError::Solver {
                solver: solve::BACKEND,
                status: "re-solve with a raised capacity infeasible".to_owned(),
            }),
        }
    };
    let work = || binding.par_iter().map(|&r| resolve(r)).collect::<Vec<_>>();
    let prices = match rayon::ThreadPoolBuilder::new().num_threads(ctx.threads()).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    };
    let mut out = CapacityPrices {
        storage: vec![0.0; n_centres],
        throughput: vec![0.0; n_centres],
        source: ShadowPriceSource::FiniteDifference { resolves: binding.len() as u32 },
    };
    for (&r, price) in binding.iter().zip(prices) {
        let price = match price {
            Ok(p) => p,
            Err(PlacementError::TimeLimit { .. })
            | Err(PlacementError::Interrupted(Interrupted::Deadline)) => {
                return Ok(unavailable(
                    "the backend gives no duals and the time limit passed during the \
                     finite-difference re-solves",
                ));
            }
            Err(other) => return Err(other),
        };
        let row = &lp.rows[r];
        let slot = match row.family {
            ConstraintFamily::Storage => out.storage.get_mut(row.owner as usize),
            _ => out.throughput.get_mut(row.owner as usize),
        };
        if let Some(slot) = slot {
            *slot = price;
        }
    }
    Ok(out)
}
