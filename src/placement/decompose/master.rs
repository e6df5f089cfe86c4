//! The restricted master of the decomposition: the cheapest convex mix of the columns found
//! so far that respects every centre's storage and throughput, and the full LP's column
//! values of that mix.

use super::pricing::Column;
use crate::context::SolveContext;
use crate::placement::error::{ConstraintFamily, PlacementError};
use crate::placement::lp::{LpModel, Row, Sense};
use crate::placement::network::Network;
use crate::placement::solve::{self, LpOutcome};

/// The master's optimum.
pub(super) struct MasterSolution {
    /// Weight of each column.
    pub weights: Vec<f64>,
    /// Cost of the mix: an upper bound on the full LP's optimum.
    pub objective: f64,
    /// Storage prices per centre (>= 0, per m3).
    pub lambda: Vec<f64>,
    /// Throughput prices per centre (>= 0, per unit).
    pub mu: Vec<f64>,
    /// Dual of the convexity row: `objective + lambda' storage + mu' throughput`.
    pub sigma: f64,
}

/// Solves the master over `columns` (2F + 1 rows: storage, throughput, `sum w = 1`).
///
/// # Errors
/// Solver errors; [`PlacementError::Solver`] if the master is infeasible, which cannot
/// happen while it holds the all-lost column.
///
/// # Complexity
/// One LP of 2F + 1 rows and `columns.len()` columns, each with at most 2F + 1 entries.
pub(super) fn solve(
    columns: &[&Column],
    cap: &[f64],
    thr: &[f64],
    ctx: &SolveContext,
) -> Result<MasterSolution, PlacementError> {
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
    let sol = match solve::solve_lp(&lp, ctx)? {
        LpOutcome::Optimal(sol) => sol,
        LpOutcome::Infeasible => {
            return Err(PlacementError::Solver {
                solver: solve::BACKEND,
                status: "decomposition master infeasible".to_owned(),
            });
        }
    };
    let price = |d: &[f64]| -> Vec<f64> { d.iter().map(|d| (-d).max(0.0)).collect() };
    let lambda = price(sol.row_dual.get(..f_n).unwrap_or_default());
    let mu = price(sol.row_dual.get(f_n..2 * f_n).unwrap_or_default());
    let sigma = sol.objective + super::pricing::dot(&lambda, cap) + super::pricing::dot(&mu, thr);
    let weights = sol.x.iter().map(|w| w.max(0.0)).collect();
    Ok(MasterSolution { weights, objective: sol.objective, lambda, mu, sigma })
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
