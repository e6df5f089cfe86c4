//! Price coordination (Dantzig-Wolfe column generation) for large placement LPs.
//!
//! With stock substituted out (`lp.rs`), only the 2F storage and throughput rows couple
//! the (SKU, zone) demand entries. Relax them with prices `lambda_c` (per m3) and `mu_c`
//! (per unit shipped): each entry then picks, on its own, its cheapest option among its `k`
//! centres and losing the sale, in O(D k). That pricing step gives
//!
//! - a Lagrangian lower bound `L(lambda, mu) = sum_e d_e min_j (cost_ej + lambda_c a_ej +
//!   mu_c) - lambda' storage - mu' throughput` on the LP optimum, and
//! - a new column (one pure choice per entry) for the master LP, which mixes the columns
//!   found so far under the capacity rows (`sum_i w_i = 1`, `w >= 0`).
//!
//! The master is tiny (2F + 1 rows) and solved by the same backend; its duals are the next
//! prices, and its optimum is a feasible plan (an upper bound). Iteration stops when the
//! two bounds meet within `rel_gap`. The first column loses every sale (uses no capacity),
//! so the master is always feasible; this is why the method needs lost sales allowed and no
//! supply or minimum rows (which would couple the entries of one SKU).

use super::error::{ConstraintFamily, PlacementError};
use super::lp::{LpModel, Row, Sense};
use super::model::PlacementInput;
use super::network::Network;
use super::solve::{LpOutcome, solve_lp};
use crate::context::SolveContext;

/// The outcome of column generation.
#[derive(Debug, Clone)]
pub(crate) struct Decomposed {
    /// Column values of the full LP (flows, lost sales) of the mixed plan.
    pub x: Vec<f64>,
    /// Cost of the mixed plan (an upper bound on the optimum).
    pub objective: f64,
    /// Best Lagrangian bound found.
    pub lower_bound: f64,
    /// Storage prices per centre (currency per m3, >= 0).
    pub storage_price: Vec<f64>,
    /// Throughput prices per centre (currency per unit, >= 0).
    pub throughput_price: Vec<f64>,
    /// Master iterations.
    pub iterations: u32,
}

/// One pure choice per entry (`k` = lost sale) with its cost and capacity use.
struct Column {
    choice: Vec<u8>,
    cost: f64,
    storage: Vec<f64>,
    shipped: Vec<f64>,
}

struct Pricing<'a> {
    lp: &'a LpModel,
    net: &'a Network,
    /// Storage m3 per unit served, per entry (the same for every centre of the entry).
    volume: Vec<f64>,
    lost_cost: f64,
}

impl Pricing<'_> {
    /// The cheapest pure choice at the given prices, and its Lagrangian value (before the
    /// capacity terms).
    fn price(&self, storage: &[f64], shipped: &[f64]) -> (Column, f64) {
        let (k, f_n) = (self.net.k, self.net.n_centres);
        let mut col = Column {
            choice: Vec::with_capacity(self.net.demand.len()),
            cost: 0.0,
            storage: vec![0.0; f_n],
            shipped: vec![0.0; f_n],
        };
        let mut value = 0.0;
        for (e, d) in self.net.demand.iter().enumerate() {
            let (mut best, mut best_j) = (self.lost_cost, k);
            for (j, c) in self.net.candidates(d.zone).iter().enumerate() {
                let c = c.0 as usize;
                let priced = self.lp.cost[self.lp.flow_start + e * k + j]
                    + storage[c] * self.volume[e]
                    + shipped[c];
                if priced < best {
                    (best, best_j) = (priced, j);
                }
            }
            value += d.mean * best;
            col.choice.push(best_j as u8);
            if best_j < k {
                let c = self.net.candidates(d.zone)[best_j].0 as usize;
                col.cost += d.mean * self.lp.cost[self.lp.flow_start + e * k + best_j];
                col.storage[c] += d.mean * self.volume[e];
                col.shipped[c] += d.mean;
            } else {
                col.cost += d.mean * self.lost_cost;
            }
        }
        (col, value)
    }
}

/// Runs column generation until the relative gap is at most `rel_gap`, the iteration limit
/// or the deadline.
///
/// # Errors
/// [`PlacementError::Unsupported`] when the model has supply or minimum rows or forbids lost
/// sales; solver errors of the master.
///
/// # Complexity
/// Per iteration O(D k) pricing plus a master LP of 2F + 1 rows and one column per
/// iteration.
pub(crate) fn solve(
    input: &PlacementInput,
    net: &Network,
    lp: &LpModel,
    rel_gap: f64,
    max_iterations: u32,
    ctx: &SolveContext,
) -> Result<Decomposed, PlacementError> {
    if !lp.stock_substituted || input.options.require_full_service {
        return Err(PlacementError::Unsupported {
            method: "decomposed",
            reason: "needs lost sales allowed and no supply or minimum-stock rows",
        });
    }
    if net.k >= u8::MAX as usize {
        return Err(PlacementError::Unsupported {
            method: "decomposed",
            reason: "needs fewer than 255 candidate centres per zone",
        });
    }
    let f_n = net.n_centres;
    let volume = net
        .demand
        .iter()
        .map(|d| input.skus.get(d.sku.0 as usize).map_or(0.0, |s| s.volume_m3) * d.cover_ratio())
        .collect();
    let pricing = Pricing { lp, net, volume, lost_cost: input.costs.lost_sale_per_unit };
    let cap: Vec<f64> = input.centres.iter().map(|c| c.storage_m3).collect();
    let thr: Vec<f64> = input
        .centres
        .iter()
        .map(|c| c.outbound_units_per_period * input.options.cycle_periods)
        .collect();
    let mut columns = Vec::new();
    // Column 0 loses every sale: uses no capacity, so the master is always feasible.
    let (mut lost, _) = pricing.price(&vec![f64::INFINITY; f_n], &vec![f64::INFINITY; f_n]);
    lost.choice.iter_mut().for_each(|c| *c = net.k as u8);
    columns.push(lost);
    let (mut lambda, mut mu) = (vec![0.0; f_n], vec![0.0; f_n]);
    let mut lower_bound = f64::NEG_INFINITY;
    let mut iterations = 0;
    loop {
        ctx.check()?;
        let (col, value) = pricing.price(&lambda, &mu);
        let bound = value
            - lambda.iter().zip(&cap).map(|(l, c)| l * c).sum::<f64>()
            - mu.iter().zip(&thr).map(|(m, t)| m * t).sum::<f64>();
        lower_bound = lower_bound.max(bound);
        columns.push(col);
        iterations += 1;
        let (weights, objective, duals) = master(&columns, &cap, &thr, ctx)?;
        lambda = duals[..f_n].iter().map(|d| (-d).max(0.0)).collect();
        mu = duals[f_n..2 * f_n].iter().map(|d| (-d).max(0.0)).collect();
        let gap = objective - lower_bound;
        if gap <= rel_gap * objective.abs().max(1.0) || iterations >= max_iterations {
            let x = mix(lp, net, &columns, &weights);
            return Ok(Decomposed {
                x,
                objective,
                lower_bound,
                storage_price: lambda,
                throughput_price: mu,
                iterations,
            });
        }
    }
}

/// Solves the restricted master; returns weights, objective and row duals.
fn master(
    columns: &[Column],
    cap: &[f64],
    thr: &[f64],
    ctx: &SolveContext,
) -> Result<(Vec<f64>, f64, Vec<f64>), PlacementError> {
    let f_n = cap.len();
    let mut lp = LpModel::default();
    for (c, &rhs) in cap.iter().enumerate() {
        lp.rows.push(Row {
            sense: Sense::Le,
            rhs,
            family: ConstraintFamily::Storage,
            owner: c as u32,
        });
    }
    for (c, &rhs) in thr.iter().enumerate() {
        let family = ConstraintFamily::Throughput;
        lp.rows.push(Row { sense: Sense::Le, rhs, family, owner: c as u32 });
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
    match solve_lp(&lp, ctx)? {
        LpOutcome::Optimal(sol) => Ok((sol.x, sol.objective, sol.row_dual)),
        LpOutcome::Infeasible => Err(PlacementError::Solver {
            solver: super::solve::BACKEND,
            status: "decomposition master infeasible".to_owned(),
        }),
    }
}

/// The full LP's column values of the weighted mix of pure choices.
fn mix(lp: &LpModel, net: &Network, columns: &[Column], weights: &[f64]) -> Vec<f64> {
    let k = net.k;
    let mut x = vec![0.0; lp.n_cols()];
    for (col, &w) in columns.iter().zip(weights) {
        let w = w.max(0.0);
        if w <= 0.0 {
            continue;
        }
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
