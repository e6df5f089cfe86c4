//! Inventory placement: how much of each SKU to hold in each fulfilment centre, and which
//! centre serves which zone, as one linear program.
//!
//! # The model
//!
//! Indices: SKUs `s`, centres `c`, zones `z`; `C(z)` are the `k` centres nearest to `z`
//! (road km where given, haversine otherwise), the only ones allowed to serve it, which keeps
//! the LP sparse. Demand entries `e = (s, z)` have mean `d_e > 0` and P90 `p_e >= d_e` over
//! the cycle of `T` periods (`options.cycle_periods`).
//!
//! Variables, all `>= 0`: stock `x[s,c]`; flow `f[e,c]` for `c in C(z)`; lost sales `u[e]`
//! (absent when full service is required).
//!
//! ```text
//! min  sum_{s,c} h_c T x[s,c]                                   holding
//!    + sum_{e,c} (t * km(z,c) + late * [km(z,c) > promise]) f[e,c]   transport + lateness
//!    + sum_e lost * u[e]                                        lost sales
//! s.t. sum_{c in C(z)} f[e,c] + u[e] = d_e            for all e      (demand balance)
//!      x[s,c] >= sum_{e=(s,z)} (p_e / d_e) f[e,c]      for all s, c   (safety stock: P90 cover)
//!      sum_s vol_s x[s,c] <= storage_c                 for all c      (storage, m3)
//!      sum_{e} f[e,c] <= outbound_c T                  for all c      (throughput)
//!      sum_c x[s,c] <= supply_s                        where given    (supply)
//!      sum_c x[s,c] >= min_units                       if set         (every SKU somewhere)
//! ```
//!
//! The safety-stock row is why a centre holds more than the mean it ships: serving a share
//! `f/d` of a zone's demand commits it to hold that share of the zone's P90. (P90s of
//! several zones are added, not pooled: conservative, and linear.) "Every SKU in at least one
//! centre" is a binary condition; its LP form is a minimum total stock per SKU.
//!
//! Shadow prices of the storage and throughput rows say what one more m3 or one more
//! unit of outbound capacity at a centre would save over the cycle.
//!
//! # Why these choices
//!
//! - The matrix is built column-wise into a neutral sparse form (`lp.rs`) that feeds both
//!   good_lp and the MPS writer, so "the same model solved by a solver alone" is exact.
//! - Without supply or minimum-stock rows, stock only ever meets its safety-stock row with
//!   equality, so it is substituted out (`x[s,c] = sum_e (p_e/d_e) f[e,c]`, each flow
//!   carrying its stock's holding cost and m3): same optimum, 40 % fewer rows, and the
//!   interior-point solver needed 2.3x less CPU at 1M variables.
//! - [`PlacementModel::solve_decomposed`]: price coordination over the capacity rows
//!   (column generation, closed-form pricing per SKU and zone) with a Lagrangian lower
//!   bound; faster than the monolithic solve on large models (docs/benchmarks.md).
//! - Backend by cargo feature (`solve.rs`): Clarabel through good_lp by default (pure Rust,
//!   duals, fastest here at 1M variables; docs/benchmarks.md), or Clp/Cbc (`cbc`), which
//!   gives no duals: its shadow prices come from finite-difference re-solves (`prices.rs`).
//! - Infeasibility is explained by an elastic (phase-one) re-solve that relaxes the storage,
//!   throughput, supply and minimum rows at unit cost; the rows it relaxes are returned with
//!   their family, ids and shortfall in [`PlacementError::Infeasible`].
//! - An independent [`check`] re-verifies every plan from the input's own numbers.
//! - [`place`] is the stage's entry point (input, road distances, LP, check, report) for
//!   every caller; its demand is a [`ForecastDemand`], not the store's rows.
//!
//! # Example
//! ```
//! use stockroute::placement::{self, synth::SynthSpec};
//! use stockroute::SolveContext;
//!
//! let input = placement::synth::network(&SynthSpec::new(5, 3, 4, 7));
//! let result = placement::solve(&input, &SolveContext::new(7))?;
//! let verdict = placement::check(&input, &result.plan, 1e-6)?;
//! assert!(verdict.is_feasible());
//! assert!((verdict.cost.total - result.objective).abs() < 1e-4 * result.objective.max(1.0));
//! Ok::<(), stockroute::Error>(())
//! ```

pub mod check;
mod decompose;
mod demand;
mod error;
mod from_scenario;
mod lp;
mod model;
mod mps;
mod network;
mod prices;
mod prune;
mod replay;
mod result;
mod roads;
mod solve;
mod stage;
pub mod synth;

pub use check::{CheckReport, CheckRule, CheckViolation, check};
pub use decompose::DEFAULT_GAP as DEFAULT_DECOMPOSED_GAP;
pub use demand::{DemandQuantiles, ForecastDemand};
pub use error::{Conflict, ConstraintFamily, PlacementError};
pub use from_scenario::input_from;
pub use model::{
    CentreSpec, PlacementCosts, PlacementInput, PlacementOptions, RoadDistance, SkuSpec,
    ZoneSkuDemand, ZoneSpec,
};
pub use network::{CentreIdx, SkuIdx, ZoneIdx, haversine_km};
pub use prune::REPORT_TOLERANCE_UNITS;
pub use replay::{Replay, replay};
pub use result::{
    CLIP_PRICE, CLIP_UNITS, CentreShadowPrice, CostBreakdown, FlowLine, FlowReport, Kpis, LostLine,
    PlacementPlan, PlacementReport, PlacementResult, ShadowPriceSource, SolveStats, StockLine,
    StockReport,
};
pub use roads::{OffRoad, RoadCoverage, road_distances};
pub use solve::{BACKEND, BACKEND_HAS_DUALS};
pub use stage::{CheckedPlacement, PlaceOptions, place};

use crate::context::SolveContext;
use lp::LpModel;
use network::Network;
use prices::CapacityPrices;
use solve::LpOutcome;
use std::path::Path;

/// A validated input with its LP built, ready to solve or to write as MPS.
#[derive(Debug, Clone)]
pub struct PlacementModel<'a> {
    input: &'a PlacementInput,
    net: Network,
    lp: LpModel,
}

impl<'a> PlacementModel<'a> {
    /// Validates the input and builds the LP.
    ///
    /// # Errors
    /// [`PlacementError::InvalidInput`] listing every bad value.
    ///
    /// # Complexity
    /// O(S * F + Z * F log F + D * k) for S SKUs, F centres, Z zones, D demand rows.
    pub fn new(input: &'a PlacementInput) -> Result<Self, PlacementError> {
        input.validate()?;
        let net = Network::new(input);
        let lp = LpModel::build(input, &net);
        Ok(Self { input, net, lp })
    }

    /// Number of LP variables.
    pub fn variables(&self) -> usize {
        self.lp.n_cols()
    }

    /// Number of LP constraints (variable bounds not counted).
    pub fn constraints(&self) -> usize {
        self.lp.rows.len()
    }

    /// Writes the LP in free MPS format, for solving it with another solver alone.
    ///
    /// # Errors
    /// [`PlacementError::Io`] if the file cannot be written.
    pub fn write_mps(&self, path: &Path) -> Result<(), PlacementError> {
        mps::write(&self.lp, path)
    }

    /// Solves the LP under the context's deadline and cancel token.
    ///
    /// # Errors
    /// [`PlacementError::Infeasible`] naming the rows to relax, [`PlacementError::TimeLimit`],
    /// [`PlacementError::Interrupted`], [`PlacementError::Unbounded`] or
    /// [`PlacementError::Solver`].
    pub fn solve(&self, ctx: &SolveContext) -> Result<PlacementResult, PlacementError> {
        let sol = match solve::solve_lp(&self.lp, ctx)? {
            LpOutcome::Optimal(sol) => sol,
            LpOutcome::Infeasible => return Err(self.explain_infeasible(ctx)),
        };
        let started = std::time::Instant::now();
        let prices = match &sol.row_dual {
            Some(duals) => CapacityPrices {
                storage: self.capacity_duals(duals, ConstraintFamily::Storage),
                throughput: self.capacity_duals(duals, ConstraintFamily::Throughput),
                source: ShadowPriceSource::Duals,
            },
            None => prices::finite_difference(
                &self.lp,
                self.net.n_centres,
                &sol.x,
                sol.objective,
                self.input.options.price_resolve_max_variables,
                ctx,
            )?,
        };
        let stats = SolveStats {
            variables: self.variables(),
            constraints: self.constraints(),
            backend_build_s: sol.backend_build_s,
            solver_s: sol.solver_s,
            iterations: sol.iterations,
            price_resolve_s: if sol.row_dual.is_some() {
                0.0
            } else {
                started.elapsed().as_secs_f64()
            },
        };
        self.assemble(&sol.x, sol.objective, None, &prices, stats)
    }

    /// Solves by price coordination (Dantzig-Wolfe column generation over the capacity
    /// rows, see `decompose.rs`) until the objective is within `rel_gap` of the Lagrangian
    /// lower bound, which the result reports ([`DEFAULT_DECOMPOSED_GAP`] is a good default).
    /// Pricing runs on `ctx.threads()` threads; the result does not depend on their number.
    ///
    /// # Errors
    /// [`PlacementError::Unsupported`] for models with supply or minimum-stock rows or with
    /// full service required; [`PlacementError::Interrupted`] at the deadline; solver errors.
    pub fn solve_decomposed(
        &self,
        rel_gap: f64,
        ctx: &SolveContext,
    ) -> Result<PlacementResult, PlacementError> {
        let started = std::time::Instant::now();
        let dec = decompose::solve(self.input, &self.net, &self.lp, rel_gap, 10_000, ctx)?;
        let stats = SolveStats {
            variables: self.variables(),
            constraints: self.constraints(),
            backend_build_s: 0.0,
            solver_s: started.elapsed().as_secs_f64(),
            iterations: dec.iterations,
            price_resolve_s: 0.0,
        };
        let clip =
            |p: Vec<f64>| p.into_iter().map(|v| if v > CLIP_PRICE { v } else { 0.0 }).collect();
        let prices = CapacityPrices {
            storage: clip(dec.storage_price),
            throughput: clip(dec.throughput_price),
            source: ShadowPriceSource::Decomposition,
        };
        self.assemble(&dec.x, dec.objective, Some(dec.lower_bound), &prices, stats)
    }

    /// Shadow prices (>= 0, noise clipped) of one capacity family, per centre.
    fn capacity_duals(&self, row_dual: &[f64], family: ConstraintFamily) -> Vec<f64> {
        let mut prices = vec![0.0; self.net.n_centres];
        for (row, &dual) in self.lp.rows.iter().zip(row_dual) {
            if let Some(p) = prices.get_mut(row.owner as usize).filter(|_| row.family == family) {
                *p = if -dual > CLIP_PRICE { -dual } else { 0.0 };
            }
        }
        prices
    }

    fn assemble(
        &self,
        x: &[f64],
        objective: f64,
        lower_bound: Option<f64>,
        prices: &CapacityPrices,
        stats: SolveStats,
    ) -> Result<PlacementResult, PlacementError> {
        let plan = result::extract_plan(&self.lp, &self.net, x);
        let verdict = check::check(self.input, &plan, 1e-6)?;
        let kpis = result::kpis(self.input, &self.net, &plan, verdict.cost, prices.source);
        let shadow_prices = match prices.source {
            ShadowPriceSource::Unavailable { .. } => Vec::new(),
            _ => self
                .input
                .centres
                .iter()
                .enumerate()
                .map(|(c, centre)| CentreShadowPrice {
                    centre: centre.id.clone(),
                    storage_per_m3: prices.storage.get(c).copied().unwrap_or(0.0),
                    throughput_per_unit: prices.throughput.get(c).copied().unwrap_or(0.0),
                })
                .collect(),
        };
        Ok(PlacementResult {
            forecast_run: self.input.forecast_run.clone(),
            plan,
            objective,
            lower_bound,
            kpis,
            shadow_prices,
            stats,
            backend: BACKEND,
        })
    }

    /// Re-solves the elastic model and names the rows it had to relax.
    fn explain_infeasible(&self, ctx: &SolveContext) -> PlacementError {
        let elastic = self.lp.elastic();
        let sol = match solve::solve_lp(&elastic, ctx) {
            Ok(LpOutcome::Optimal(sol)) => sol,
            Ok(LpOutcome::Infeasible) => {
                return PlacementError::Solver {
                    solver: BACKEND,
                    status: "elastic model infeasible".to_owned(),
                };
            }
            Err(err) => return err,
        };
        let mut conflicts = Vec::new();
        for j in self.lp.model_cols..elastic.n_cols() {
            let (Some(r), Some(&v)) = (elastic.slack_row(j), sol.x.get(j)) else { continue };
            let Some(row) = self.lp.rows.get(r as usize) else { continue };
            if v > 1e-6 * row.rhs.abs().max(1.0) {
                conflicts.push(Conflict { family: row.family, id: self.row_id(row), shortfall: v });
            }
        }
        PlacementError::Infeasible { conflicts }
    }

    fn row_id(&self, row: &lp::Row) -> String {
        let input = self.input;
        let owner = row.owner as usize;
        let name = |v: Option<String>| v.unwrap_or_else(|| format!("#{owner}"));
        match row.family {
            ConstraintFamily::Storage | ConstraintFamily::Throughput => {
                name(input.centres.get(owner).map(|c| c.id.to_string()))
            }
            ConstraintFamily::Supply | ConstraintFamily::MinimumStock => {
                name(input.skus.get(owner).map(|s| s.id.to_string()))
            }
            ConstraintFamily::DemandBalance => name(self.net.demand.get(owner).and_then(|d| {
                let sku = input.skus.get(d.sku.0 as usize)?;
                let zone = input.zones.get(d.zone.0 as usize)?;
                Some(format!("{}@{}", sku.id, zone.id))
            })),
            ConstraintFamily::SafetyStock => {
                let f_n = self.net.n_centres.max(1);
                name(
                    input
                        .skus
                        .get(owner / f_n)
                        .zip(input.centres.get(owner % f_n))
                        .map(|(s, c)| format!("{}@{}", s.id, c.id)),
                )
            }
        }
    }
}

/// Validates, builds and solves in one call.
///
/// # Errors
/// As [`PlacementModel::new`] and [`PlacementModel::solve`].
pub fn solve(
    input: &PlacementInput,
    ctx: &SolveContext,
) -> Result<PlacementResult, PlacementError> {
    PlacementModel::new(input)?.solve(ctx)
}
