//! The placement LP as a sparse matrix, built column by column.
//!
//! One neutral representation feeds both the good_lp backend (`solve.rs`) and the MPS
//! writer (`mps.rs`), so the model a solver solves alone from the MPS file is exactly the
//! one the library solves. Building column-wise is natural here: each variable touches at
//! most four rows that are known from its indices, so the matrix is filled in one pass with
//! no hashing and no per-row expression objects.
//!
//! Columns: stock `x[s,c]` (all SKUs x centres; substituted out when no supply or minimum
//! rows need them, see `build`), then per demand entry its `k` flows `f[e,j]` and, unless
//! full service is required, its lost sales `u[e]`. All are `>= 0`.

use super::error::ConstraintFamily;
use super::model::PlacementInput;
use super::network::{CentreIdx, Network};

/// Direction of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    Le,
    Ge,
    Eq,
}

/// One row: `sum(a_ij x_j) <sense> rhs`; `owner` indexes the family's record (demand
/// entry, SKU * F + centre, centre, or SKU).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Row {
    pub sense: Sense,
    pub rhs: f64,
    pub family: ConstraintFamily,
    pub owner: u32,
}

/// A column-wise LP `min c'x, A x <sense> b, x >= 0`.
#[derive(Debug, Clone, Default)]
pub(crate) struct LpModel {
    pub cost: Vec<f64>,
    pub rows: Vec<Row>,
    /// CSC: the entries of column `j` are `col_start[j]..col_start[j + 1]`.
    pub col_start: Vec<usize>,
    pub row_idx: Vec<u32>,
    pub val: Vec<f64>,
    /// Where each kind of column starts.
    pub flow_start: usize,
    pub lost_start: usize,
    /// Number of columns that belong to the placement model (elastic slacks come after).
    pub model_cols: usize,
    /// `row_of_safety[s * F + c]`: the safety-stock row of (s, c), `u32::MAX` when no flow
    /// can use that pair.
    pub safety_row: Vec<u32>,
    /// Whether stock columns and safety-stock rows were substituted out (see `build`).
    pub stock_substituted: bool,
}

const NONE: u32 = u32::MAX;

impl LpModel {
    /// Builds the LP of a validated input.
    ///
    /// # Complexity
    /// O(S * F + D * k) time and memory for S SKUs, F centres, D demand entries.
    pub fn build(input: &PlacementInput, net: &Network) -> Self {
        let (s_n, f_n, k) = (net.n_skus, net.n_centres, net.k);
        let opts = &input.options;
        let d_n = net.demand.len();
        let mut lp = LpModel::default();
        // Without supply or minimum rows, stock only ever meets its safety-stock row with
        // equality (holding costs are >= 0), so `x[s,c] = sum_e r_e f[e,c]` can be
        // substituted: each flow then carries its stock's holding cost and storage volume.
        // Same optimum, but no stock columns and no safety-stock rows: a much smaller and
        // better conditioned LP for the interior-point solver.
        let substitute =
            opts.min_units_per_sku.is_none() && input.skus.iter().all(|s| s.supply_units.is_none());
        lp.stock_substituted = substitute;
        // Rows, family by family.
        for (e, d) in net.demand.iter().enumerate() {
            lp.rows.push(Row {
                sense: Sense::Eq,
                rhs: d.mean,
                family: ConstraintFamily::DemandBalance,
                owner: e as u32,
            });
        }
        let mut safety_row = vec![NONE; if substitute { 0 } else { s_n * f_n }];
        for d in net.demand.iter().filter(|_| !substitute) {
            for c in net.candidates(d.zone) {
                let slot = &mut safety_row[d.sku.0 as usize * f_n + c.0 as usize];
                if *slot == NONE {
                    *slot = 0; // mark; numbered below in (s, c) order for a stable layout
                }
            }
        }
        for (sc, slot) in safety_row.iter_mut().enumerate() {
            if *slot != NONE {
                *slot = lp.rows.len() as u32;
                lp.rows.push(Row {
                    sense: Sense::Ge,
                    rhs: 0.0,
                    family: ConstraintFamily::SafetyStock,
                    owner: sc as u32,
                });
            }
        }
        let storage0 = lp.rows.len();
        for (c, centre) in input.centres.iter().enumerate() {
            lp.rows.push(Row {
                sense: Sense::Le,
                rhs: centre.storage_m3,
                family: ConstraintFamily::Storage,
                owner: c as u32,
            });
        }
        let throughput0 = lp.rows.len();
        for (c, centre) in input.centres.iter().enumerate() {
            lp.rows.push(Row {
                sense: Sense::Le,
                rhs: centre.outbound_units_per_period * opts.cycle_periods,
                family: ConstraintFamily::Throughput,
                owner: c as u32,
            });
        }
        let mut supply_row = vec![NONE; s_n];
        for (s, sku) in input.skus.iter().enumerate() {
            if let Some(units) = sku.supply_units {
                supply_row[s] = lp.rows.len() as u32;
                lp.rows.push(Row {
                    sense: Sense::Le,
                    rhs: units,
                    family: ConstraintFamily::Supply,
                    owner: s as u32,
                });
            }
        }
        let min0 = lp.rows.len();
        if let Some(units) = opts.min_units_per_sku {
            for s in 0..s_n {
                lp.rows.push(Row {
                    sense: Sense::Ge,
                    rhs: units,
                    family: ConstraintFamily::MinimumStock,
                    owner: s as u32,
                });
            }
        }
        // Columns.
        let n_lost = if opts.require_full_service { 0 } else { d_n };
        let n_cols = if substitute { 0 } else { s_n * f_n } + d_n * k + n_lost;
        lp.cost.reserve(n_cols);
        lp.col_start.reserve(n_cols + 1);
        lp.row_idx.reserve(s_n * f_n * 4 + d_n * k * 3 + n_lost);
        lp.val.reserve(lp.row_idx.capacity());
        lp.col_start.push(0);
        for (s, sku) in input.skus.iter().enumerate().filter(|_| !substitute) {
            for (c, centre) in input.centres.iter().enumerate() {
                let safety = safety_row[s * f_n + c];
                if safety != NONE {
                    lp.entry(safety, 1.0);
                }
                lp.entry((storage0 + c) as u32, sku.volume_m3);
                if supply_row[s] != NONE {
                    lp.entry(supply_row[s], 1.0);
                }
                if opts.min_units_per_sku.is_some() {
                    lp.entry((min0 + s) as u32, 1.0);
                }
                lp.end_column(centre.holding_cost_per_unit_period * opts.cycle_periods);
            }
        }
        lp.flow_start = lp.cost.len();
        for (e, d) in net.demand.iter().enumerate() {
            for &CentreIdx(c) in net.candidates(d.zone) {
                let (transport, late) = net.unit_flow_cost(input, d.zone, CentreIdx(c));
                lp.entry(e as u32, 1.0);
                let mut cost = transport + late;
                if substitute {
                    let volume = input.skus[d.sku.0 as usize].volume_m3;
                    lp.entry((storage0 + c as usize) as u32, volume * d.cover_ratio());
                    let holding = input.centres[c as usize].holding_cost_per_unit_period;
                    cost += holding * opts.cycle_periods * d.cover_ratio();
                } else {
                    lp.entry(safety_row[d.sku.0 as usize * f_n + c as usize], -d.cover_ratio());
                }
                lp.entry((throughput0 + c as usize) as u32, 1.0);
                lp.end_column(cost);
            }
        }
        lp.lost_start = lp.cost.len();
        for e in 0..n_lost {
            lp.entry(e as u32, 1.0);
            lp.end_column(input.costs.lost_sale_per_unit);
        }
        lp.model_cols = lp.cost.len();
        lp.safety_row = safety_row;
        lp
    }

    fn entry(&mut self, row: u32, value: f64) {
        self.row_idx.push(row);
        self.val.push(value);
    }

    fn end_column(&mut self, cost: f64) {
        self.cost.push(cost);
        self.col_start.push(self.row_idx.len());
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.cost.len()
    }

    /// The entries of column `j` as (row, value) pairs.
    pub fn column(&self, j: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        let range = self.col_start[j]..self.col_start[j + 1];
        self.row_idx[range.clone()].iter().copied().zip(self.val[range].iter().copied())
    }

    /// The matrix row by row (CSR), as (row_start, col_idx, val).
    ///
    /// # Complexity
    /// O(nnz) by counting sort.
    pub fn rows_csr(&self) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
        let m = self.rows.len();
        let mut start = vec![0usize; m + 1];
        for &r in &self.row_idx {
            start[r as usize + 1] += 1;
        }
        for i in 0..m {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let nnz = self.row_idx.len();
        let mut cols = vec![0u32; nnz];
        let mut vals = vec![0f64; nnz];
        for j in 0..self.n_cols() {
            for (r, v) in self.column(j) {
                let slot = &mut next[r as usize];
                cols[*slot] = j as u32;
                vals[*slot] = v;
                *slot += 1;
            }
        }
        (start, cols, vals)
    }

    /// The phase-one ("elastic") model used to explain infeasibility: original costs set to
    /// zero, and one slack column of cost 1 per storage, throughput, supply and minimum row
    /// that relaxes it. Its optimum is a smallest total relaxation (m3 and units weighted
    /// alike); the slack columns that stay positive name the conflicting rows.
    pub fn elastic(&self) -> Self {
        let mut lp = self.clone();
        lp.cost.iter_mut().for_each(|c| *c = 0.0);
        for (i, row) in self.rows.iter().enumerate() {
            // Safety-stock and demand rows stay hard: with every capacity relaxable the model
            // is always feasible, and the relaxed rows name the capacities that fall short.
            let sign = match (row.family, row.sense) {
                (ConstraintFamily::SafetyStock | ConstraintFamily::DemandBalance, _) => continue,
                (_, Sense::Le) => -1.0,
                (_, Sense::Ge | Sense::Eq) => 1.0,
            };
            lp.entry(i as u32, sign);
            lp.end_column(1.0);
        }
        lp
    }

    /// The row relaxed by elastic slack column `j` (`j >= model_cols`).
    pub fn slack_row(&self, j: usize) -> Option<u32> {
        (j >= self.model_cols).then(|| self.row_idx[self.col_start[j]])
    }
}
