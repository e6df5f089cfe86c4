//! The restricted master of the decomposition: the cheapest convex mix of the columns found
//! so far that respects every centre's storage and throughput.
//!
//! While iterating only the master's prices and optimum are needed, so its dual is solved,
//! a small LP whose variables are the prices themselves:
//!
//! ```text
//! max  sigma - lambda' storage - mu' throughput
//! s.t. sigma - lambda' s_i - mu' t_i <= cost_i     for every column i
//!      sigma, lambda, mu >= 0
//! ```
//!
//! (`sigma >= 0` loses nothing: costs are >= 0, so `sigma = min_i(...)` is too.) That works
//! with any backend, including those that give no duals (Cbc), and needs no sign
//! convention. The primal master, for the weights of the final mix, is solved once at the
//! end.

use super::pricing::{Column, dot};
use crate::context::SolveContext;
use crate::placement::error::{ConstraintFamily, PlacementError};
use crate::placement::lp::{LpModel, Row, Sense};
use crate::placement::network::Network;
use crate::placement::solve::{self, LpOutcome, LpSolution};

/// The master's optimum, from its dual.
pub(super) struct MasterPrices {
    /// The master's optimum: an upper bound on the full LP's optimum.
    pub objective: f64,
    /// Storage prices per centre (>= 0, per m3).
    pub lambda: Vec<f64>,
    /// Throughput prices per centre (>= 0, per unit).
    pub mu: Vec<f64>,
    /// Price of the convexity row `sum w = 1`.
    pub sigma: f64,
}

fn optimal(outcome: LpOutcome, what: &str) -> Result<LpSolution, PlacementError> {
    match outcome {
        LpOutcome::Optimal(sol) => Ok(sol),
        LpOutcome::Infeasible => Err(PlacementError::Solver {
            solver: solve::BACKEND,
            status: format!("decomposition {what} infeasible"),
        }),
    }
}

/// Solves the master's dual over `columns`: columns `sigma, lambda (F), mu (F)`, one row per
/// master column.
///
/// # Errors
/// Solver errors.
///
/// # Complexity
/// One LP of `columns.len()` rows and 2F + 1 columns.
pub(super) fn prices(
    columns: &[&Column],
    cap: &[f64],
    thr: &[f64],
    ctx: &SolveContext,
) -> Result<MasterPrices, PlacementError> {
    let f_n = cap.len();
    let mut lp = LpModel::default();
    for (i, col) in columns.iter().enumerate() {
        let family = ConstraintFamily::DemandBalance;
        lp.rows.push(Row { sense: Sense::Le, rhs: col.cost, family, owner: i as u32 });
    }
    lp.col_start.push(0);
    // sigma: +1 in every row, maximised.
    for i in 0..columns.len() {
        lp.row_idx.push(i as u32);
        lp.val.push(1.0);
    }
    lp.cost.push(-1.0);
    lp.col_start.push(lp.row_idx.len());
    for (use_of, rhs) in [(0, cap), (1, thr)] {
        for (c, &rhs) in rhs.iter().enumerate() {
            for (i, col) in columns.iter().enumerate() {
                let a = if use_of == 0 { col.storage[c] } else { col.shipped[c] };
                if a != 0.0 {
                    lp.row_idx.push(i as u32);
                    lp.val.push(-a);
                }
            }
            lp.cost.push(rhs);
            lp.col_start.push(lp.row_idx.len());
        }
    }
    lp.model_cols = lp.cost.len();
    let sol = optimal(solve::solve_lp(&lp, ctx)?, "master dual")?;
    let value = |j: usize| sol.x.get(j).map_or(0.0, |v| v.max(0.0));
    let lambda: Vec<f64> = (1..=f_n).map(value).collect();
    let mu: Vec<f64> = (f_n + 1..=2 * f_n).map(value).collect();
    let sigma = value(0);
    let objective = sigma - dot(&lambda, cap) - dot(&mu, thr);
    Ok(MasterPrices { objective, lambda, mu, sigma })
}

/// Solves the primal master (2F + 1 rows: storage, throughput, `sum w = 1`); returns the
/// column weights and the cost of the mix.
///
/// # Errors
/// Solver errors; [`PlacementError::Solver`] if the master is infeasible, which cannot
/// happen while it holds the all-lost column.
///
/// # Complexity
/// One LP of 2F + 1 rows and `columns.len()` columns.
pub(super) fn weights(
    columns: &[&Column],
    cap: &[f64],
    thr: &[f64],
    ctx: &SolveContext,
) -> Result<(Vec<f64>, f64), PlacementError> {
    let f_n = cap.len();
    let mut lp = LpModel::default();
    let rows = [(ConstraintFamily::Storage, cap), (ConstraintFamily::Throughput, thr)];
    for (family, rhs) in rows {
        for (c, &rhs) in rhs.iter().enumerate() {
            lp.rows.push(Row { sense: Sense::Le, rhs, family, owner: c as u32 });
        }
    }
    let family = ConstraintFamily::DemandBalance;
    lp.rows.push(Row { sense: Sense::Eq, rhs: 1.0, family, owner: 0 });
    lp.col_start.push(0);
    for col in columns {
        for (c, (&s, &t)) in col.storage.iter().zip(&col.shipped).enumerate() {
            if s != 0.0 {
                lp.row_idx.push(c as u32);
                lp.val.push(s);
            }
            if t != 0.0 {
                lp.row_idx.push((f_n + c) as u32);
                lp.val.push(t);
            }
        }
        lp.row_idx.push((2 * f_n) as u32);
        lp.val.push(1.0);
        lp.cost.push(col.cost);
        lp.col_start.push(lp.row_idx.len());
    }
    lp.model_cols = lp.cost.len();
    let sol = optimal(solve::solve_lp(&lp, ctx)?, "master")?;
    let weights = sol.x.iter().map(|w| w.max(0.0)).collect();
    Ok((weights, sol.objective))
}

/// The full LP's column values (flows, lost sales) of the weighted mix of pure choices.
///
/// # Complexity
/// O(D) per column with positive weight.
pub(super) fn mix(lp: &LpModel, net: &Network, columns: &[&Column], weights: &[f64]) -> Vec<f64> {
    let k = net.k;
    let mut x = vec![0.0; lp.n_cols()];
    for (col, &w) in columns.iter().zip(weights).filter(|(_, w)| **w > 0.0) {
        for (e, (d, &j)) in net.demand.iter().zip(&col.choice).enumerate() {
            let slot = if (j as usize) < k {
                lp.flow_start + e * k + j as usize
            } else {
                lp.lost_start + e
            };
            if let Some(v) = x.get_mut(slot) {
                *v += w * d.mean;
            }
        }
    }
    x
}
