//! Price coordination (Dantzig-Wolfe column generation) for large placement LPs.
//!
//! With stock substituted out (`lp.rs`), only the 2F storage and throughput rows couple
//! the (SKU, zone) demand entries. Relax them with prices `lambda_c` (per m3) and `mu_c`
//! (per unit shipped): each entry then picks, on its own, its cheapest option among its `k`
//! centres and losing the sale, in O(D k) (`pricing.rs`, parallel over entries). That
//! pricing step gives
//!
//! - a Lagrangian lower bound `L(lambda, mu) = sum_e d_e min_j (cost_ej + lambda_c a_ej +
//!   mu_c) - lambda' storage - mu' throughput` on the LP optimum, and
//! - a new column (one pure choice per entry) for the master LP, which mixes the columns
//!   found so far under the capacity rows (`sum_i w_i = 1`, `w >= 0`, `master.rs`).
//!
//! The master is tiny (2F + 1 rows) and solved by the same backend; its duals are the next
//! prices, and its optimum is a feasible plan (an upper bound). Iteration stops when the
//! two bounds meet within `rel_gap`. The first column loses every sale (uses no capacity),
//! so the master is always feasible; this is why the method needs lost sales allowed and no
//! supply or minimum rows (which would couple the entries of one SKU).
//!
//! # Why it is stabilised
//!
//! Plain column generation prices at the master's duals, which jump from one extreme
//! point of the dual to another and tail off: at ~1M variables it took 824 master solves to
//! a gap of 1e-6, and the master solves were about 90 % of the time. Prices here are smoothed
//! towards the best-bound point (Wentges smoothing, "in-out" separation): price at
//! `alpha * best + (1 - alpha) * master`. A column that does not improve the master at its
//! duals (a mis-price) still moves the lower bound; the next try steps `alpha` towards 0,
//! where a column that does not improve the master proves the bounds equal. Columns that
//! have had no weight in the last [`MAX_IDLE`] masters are dropped, which keeps each master
//! small and cannot raise its optimum (their weight was zero). The master is solved in its
//! dual form while iterating (`master.rs`), so the method needs no duals from the backend
//! and works with Cbc too.

mod master;
mod pricing;

use super::error::PlacementError;
use super::lp::LpModel;
use super::model::PlacementInput;
use super::network::Network;
use crate::context::SolveContext;
use pricing::{Column, Pricing, dot};

/// Relative gap at which the decomposed method stops by default (`bench placement --gap`):
/// a proven 0.01 %, far inside what a plan's inputs are known to, and about 1.5x the time
/// of a 1e-3 gap at ~1M variables (docs/benchmarks.md).
pub const DEFAULT_GAP: f64 = 1e-4;

/// Weight of the best-bound point in the smoothed prices. Measured at ~1M variables (gap
/// 1e-4): 0.5 took 240 masters, 0.7 178, 0.8 148, 0.9 126, 0.95 137.
const SMOOTHING: f64 = 0.9;

/// Masters a column may stay priced out (reduced cost > 0 at the master's prices, so no
/// weight in the master) before it is dropped.
const MAX_IDLE: u32 = 10;

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
    /// Master solves.
    pub iterations: u32,
}

/// Capacity prices: storage per m3 and throughput per unit, per centre.
#[derive(Debug, Clone, PartialEq)]
struct Prices {
    lambda: Vec<f64>,
    mu: Vec<f64>,
}

impl Prices {
    /// `a * self + (1 - a) * other`.
    fn towards(&self, other: &Prices, a: f64) -> Prices {
        let mix =
            |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(x, y)| a * x + (1.0 - a) * y).collect();
        Prices { lambda: mix(&self.lambda, &other.lambda), mu: mix(&self.mu, &other.mu) }
    }
}

/// A column of the master with the number of masters since it last had weight.
struct Pooled {
    column: Column,
    idle: u32,
}

/// Runs column generation until the relative gap is at most `rel_gap`, the iteration limit
/// or the deadline. Pricing runs on a rayon pool of `ctx.threads()` threads.
///
/// # Errors
/// [`PlacementError::Unsupported`] when the model has supply or minimum rows or forbids lost
/// sales; [`PlacementError::Interrupted`] when cancelled or past the deadline; solver errors
/// of the master.
///
/// # Complexity
/// Per pricing O(D k); per master an LP of 2F + 1 rows and at most one column per pricing
/// of the last [`MAX_IDLE`] masters plus those with weight.
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
    let work = || run(input, net, lp, rel_gap, max_iterations, ctx);
    match rayon::ThreadPoolBuilder::new().num_threads(ctx.threads()).build() {
        Ok(pool) => pool.install(work),
        // No thread could be started: run on the global pool rather than fail.
        Err(_) => work(),
    }
}

fn run(
    input: &PlacementInput,
    net: &Network,
    lp: &LpModel,
    rel_gap: f64,
    max_iterations: u32,
    ctx: &SolveContext,
) -> Result<Decomposed, PlacementError> {
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
    let lagrangian = |value: f64, p: &Prices| value - dot(&p.lambda, &cap) - dot(&p.mu, &thr);
    let zero = Prices { lambda: vec![0.0; f_n], mu: vec![0.0; f_n] };
    let (first, value) = pricing.price(&zero.lambda, &zero.mu);
    let mut lower_bound = lagrangian(value, &zero);
    let mut best = zero;
    let mut pool =
        vec![Pooled { column: pricing.all_lost(), idle: 0 }, Pooled { column: first, idle: 0 }];
    let (mut iterations, mut pricings) = (0, 1);
    let (mut t_price, mut t_master) = (0.0, 0.0);
    loop {
        ctx.check()?;
        let t0 = std::time::Instant::now();
        let columns: Vec<&Column> = pool.iter().map(|p| &p.column).collect();
        let m = master::prices(&columns, &cap, &thr, ctx)?;
        drop(columns);
        t_master += t0.elapsed().as_secs_f64();
        iterations += 1;
        let scale = m.objective.abs().max(1.0);
        for p in &mut pool {
            // A column priced above the convexity row has no weight in the master.
            let idle = p.column.reduced_cost(&m.lambda, &m.mu, m.sigma) > 1e-9 * scale;
            p.idle = if idle { p.idle + 1 } else { 0 };
        }
        let out = Prices { lambda: m.lambda.clone(), mu: m.mu.clone() };
        let done = |lb: f64| m.objective - lb <= rel_gap * scale;
        let mut converged = done(lower_bound) || iterations >= max_iterations;
        // Price at smoothed points until a column improves the master or the bounds meet.
        let mut step = 1.0;
        while !converged {
            ctx.check()?;
            let alpha = (1.0 - step * (1.0 - SMOOTHING)).max(0.0);
            let at = best.towards(&out, alpha);
            let t0 = std::time::Instant::now();
            let (column, value) = pricing.price(&at.lambda, &at.mu);
            t_price += t0.elapsed().as_secs_f64();
            pricings += 1;
            let bound = lagrangian(value, &at);
            if bound > lower_bound {
                (lower_bound, best) = (bound, at);
            }
            converged = done(lower_bound);
            if column.reduced_cost(&out.lambda, &out.mu, m.sigma) < -1e-9 * scale {
                pool.push(Pooled { column, idle: 0 });
                break;
            }
            // No column improves the master at its own duals: it is optimal for the full
            // LP, and `bound` (the Lagrangian at those duals) says so up to rounding.
            converged |= alpha == 0.0;
            step += 1.0;
        }
        if converged {
            let t0 = std::time::Instant::now();
            let columns: Vec<&Column> = pool.iter().map(|p| &p.column).collect();
            let (weights, objective) = master::weights(&columns, &cap, &thr, ctx)?;
            let x = master::mix(lp, net, &columns, &weights);
            tracing::debug!(
                t_price,
                t_master,
                t_final = t0.elapsed().as_secs_f64(),
                iterations,
                pricings,
                columns = columns.len(),
                "decomposition"
            );
            return Ok(Decomposed {
                x,
                objective,
                lower_bound,
                storage_price: m.lambda,
                throughput_price: m.mu,
                iterations,
            });
        }
        // Drop columns priced out for too long (never the all-lost one, which keeps the
        // master feasible). Their weights were zero, so the master's optimum cannot rise.
        let mut i = 0;
        pool.retain(|p| {
            i += 1;
            i == 1 || p.idle <= MAX_IDLE
        });
    }
}
