//! The pricing step of the decomposition: every demand entry picks, on its own, its
//! cheapest option at the given capacity prices.
//!
//! Entries are independent once the capacity rows are priced, so the step runs in parallel
//! over fixed chunks of entries (rayon) and the chunk results are added in chunk order: the
//! same prices give the same column and bound, bit for bit, whatever the thread count.

use crate::placement::lp::LpModel;
use crate::placement::network::Network;
use rayon::prelude::*;

/// Entries per parallel task: large enough that a task outweighs its scheduling.
const CHUNK: usize = 4096;

/// One pure choice per entry (`k` = lost sale) with its cost and capacity use.
pub(super) struct Column {
    /// Per entry: the candidate index chosen, `k` for a lost sale.
    pub choice: Vec<u8>,
    /// Cost of the choice over the cycle.
    pub cost: f64,
    /// Storage m3 used per centre.
    pub storage: Vec<f64>,
    /// Units shipped per centre.
    pub shipped: Vec<f64>,
}

impl Column {
    /// Reduced cost in the master at capacity prices `lambda`, `mu` and convexity dual
    /// `sigma`: negative when the column would improve the master.
    pub fn reduced_cost(&self, lambda: &[f64], mu: &[f64], sigma: f64) -> f64 {
        self.cost + dot(lambda, &self.storage) + dot(mu, &self.shipped) - sigma
    }
}

/// `a . b`.
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The data the pricing step reads.
pub(super) struct Pricing<'a> {
    pub lp: &'a LpModel,
    pub net: &'a Network,
    /// Storage m3 per unit served, per entry (the same for every centre of the entry).
    pub volume: Vec<f64>,
    /// Cost of one unit of lost sales.
    pub lost_cost: f64,
}

/// What one chunk of entries adds to a column.
struct Partial {
    cost: f64,
    value: f64,
    storage: Vec<f64>,
    shipped: Vec<f64>,
}

impl Pricing<'_> {
    /// The cheapest pure choice at prices `storage` (per m3) and `shipped` (per unit), and
    /// `sum_e d_e min_j priced_ej`: the Lagrangian value before its capacity terms.
    ///
    /// # Complexity
    /// O(D k) work for D entries, spread over the current rayon pool.
    pub fn price(&self, storage: &[f64], shipped: &[f64]) -> (Column, f64) {
        let (k, f_n) = (self.net.k, self.net.n_centres);
        let mut choice = vec![0u8; self.net.demand.len()];
        let partials: Vec<Partial> = choice
            .par_chunks_mut(CHUNK)
            .enumerate()
            .map(|(chunk, out)| {
                let first = chunk * CHUNK;
                let mut p = Partial {
                    cost: 0.0,
                    value: 0.0,
                    storage: vec![0.0; f_n],
                    shipped: vec![0.0; f_n],
                };
                for (i, slot) in out.iter_mut().enumerate() {
                    let e = first + i;
                    let d = &self.net.demand[e];
                    let candidates = self.net.candidates(d.zone);
                    let flow_cost = &self.lp.cost[self.lp.flow_start + e * k..][..k];
                    let (mut best, mut best_j) = (self.lost_cost, k);
                    for (j, (c, &cost)) in candidates.iter().zip(flow_cost).enumerate() {
                        let c = c.0 as usize;
                        let priced = cost + storage[c] * self.volume[e] + shipped[c];
                        if priced < best {
                            (best, best_j) = (priced, j);
                        }
                    }
                    p.value += d.mean * best;
                    *slot = best_j as u8;
                    if let Some(c) = candidates.get(best_j) {
                        let c = c.0 as usize;
                        p.cost += d.mean * flow_cost[best_j];
                        p.storage[c] += d.mean * self.volume[e];
                        p.shipped[c] += d.mean;
                    } else {
                        p.cost += d.mean * self.lost_cost;
                    }
                }
                p
            })
            .collect();
        let mut col =
            Column { choice, cost: 0.0, storage: vec![0.0; f_n], shipped: vec![0.0; f_n] };
        let mut value = 0.0;
        for p in partials {
            col.cost += p.cost;
            value += p.value;
            col.storage.iter_mut().zip(&p.storage).for_each(|(a, b)| *a += b);
            col.shipped.iter_mut().zip(&p.shipped).for_each(|(a, b)| *a += b);
        }
        (col, value)
    }

    /// The column that loses every sale: it uses no capacity, so a master holding it is
    /// always feasible.
    pub fn all_lost(&self) -> Column {
        let f_n = self.net.n_centres;
        Column {
            choice: vec![self.net.k as u8; self.net.demand.len()],
            cost: self.net.demand.iter().map(|d| d.mean * self.lost_cost).sum(),
            storage: vec![0.0; f_n],
            shipped: vec![0.0; f_n],
        }
    }
}
