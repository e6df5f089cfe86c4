//! The placement result: plan, KPIs and shadow prices, traced to its forecast run.
//!
//! The plan keeps dense indices (cheap at a million flows); [`PlacementResult::report`]
//! turns it into ids for JSON. Interior-point values carry ~1e-9 noise: quantities below
//! [`CLIP_UNITS`] are dropped and shadow prices below [`CLIP_PRICE`] reported as zero, so a
//! reader never sees `-0.0000000003` units.

use super::lp::LpModel;
use super::model::PlacementInput;
use super::network::{CentreIdx, Network, SkuIdx, ZoneIdx};
use super::prune::prune;
use crate::ids::{CentreId, RunId, SkuId, ZoneId};
use serde::Serialize;

/// Plan quantities below this many units are treated as zero.
pub const CLIP_UNITS: f64 = 1e-7;
/// Shadow prices below this (currency per m3 or unit) are reported as zero.
pub const CLIP_PRICE: f64 = 1e-6;

/// Stock of one SKU at one centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StockLine {
    /// The SKU.
    pub sku: SkuIdx,
    /// The centre.
    pub centre: CentreIdx,
    /// Units to hold.
    pub units: f64,
}

/// Expected units of a SKU shipped from a centre to a zone over the cycle.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FlowLine {
    /// The SKU.
    pub sku: SkuIdx,
    /// The zone served.
    pub zone: ZoneIdx,
    /// The centre it ships from.
    pub centre: CentreIdx,
    /// Units.
    pub units: f64,
}

/// Expected units of a SKU's demand in a zone left unserved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LostLine {
    /// The SKU.
    pub sku: SkuIdx,
    /// The zone.
    pub zone: ZoneIdx,
    /// Units.
    pub units: f64,
}

/// Stock, flows and lost sales (non-zero lines only).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlacementPlan {
    /// Stock per SKU x centre.
    pub stock: Vec<StockLine>,
    /// Flows per SKU x zone x centre.
    pub flows: Vec<FlowLine>,
    /// Lost sales per SKU x zone.
    pub lost: Vec<LostLine>,
}

/// Cost of a plan by term (currency over the cycle).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CostBreakdown {
    /// Holding cost of the stock.
    pub holding: f64,
    /// Outbound transport.
    pub transport: f64,
    /// Penalty for units served from beyond the promise distance.
    pub late: f64,
    /// Lost sales.
    pub lost_sales: f64,
    /// Sum of the above.
    pub total: f64,
}

/// Service and cost KPIs of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kpis {
    /// Cost by term, recomputed from the plan by [`check`](super::check::check).
    pub cost: CostBreakdown,
    /// Mean demand over the cycle, units.
    pub demand_units: f64,
    /// Share of mean demand served from within the promise distance.
    pub within_promise_share: f64,
    /// Expected fill rate: share of mean demand served at all.
    pub expected_fill_rate: f64,
    /// Units held in the network.
    pub stock_units: f64,
    /// How the shadow prices were obtained, or why there are none.
    pub shadow_prices: ShadowPriceSource,
}

/// Where the shadow prices of a result come from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShadowPriceSource {
    /// Row duals of the LP solve (Clarabel).
    Duals,
    /// The decomposition's master prices (its Lagrangian multipliers).
    Decomposition,
    /// One re-solve per binding capacity row with its capacity raised by a small step
    /// (backends without duals, small models); rows with slack are priced 0.
    FiniteDifference {
        /// Re-solves run.
        resolves: u32,
    },
    /// Not computed: the result's `shadow_prices` is empty.
    Unavailable {
        /// Why.
        reason: &'static str,
    },
}

/// What capacity is worth at one centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CentreShadowPrice {
    /// The centre.
    pub centre: CentreId,
    /// Cost saved by one more m3 of storage (currency per m3 per cycle, >= 0).
    pub storage_per_m3: f64,
    /// Cost saved by one more unit of outbound throughput in the cycle (>= 0).
    pub throughput_per_unit: f64,
}

/// Sizes and timings of a solve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveStats {
    /// LP columns.
    pub variables: usize,
    /// LP rows (bounds not counted).
    pub constraints: usize,
    /// Seconds to turn the matrix into the good_lp model.
    pub backend_build_s: f64,
    /// Seconds in the solver.
    pub solver_s: f64,
    /// Solver iterations (interior-point steps for Clarabel; Cbc reports 0 for an LP;
    /// master solves for the decomposed method).
    pub iterations: u32,
    /// Seconds of finite-difference re-solves for shadow prices (0 when the backend gives
    /// duals).
    pub price_resolve_s: f64,
}

/// The outcome of a placement solve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacementResult {
    /// The forecast run the demand came from.
    pub forecast_run: Option<RunId>,
    /// The optimal plan.
    pub plan: PlacementPlan,
    /// The LP objective at the solver's point (currency over the cycle).
    pub objective: f64,
    /// A proven lower bound on the optimum, where the method gives one (decomposed).
    pub lower_bound: Option<f64>,
    /// KPIs of the plan.
    pub kpis: Kpis,
    /// Shadow prices of the capacity rows, one per centre in input order; empty when
    /// `kpis.shadow_prices` says they are unavailable.
    pub shadow_prices: Vec<CentreShadowPrice>,
    /// Sizes and timings.
    pub stats: SolveStats,
    /// The LP backend.
    pub backend: &'static str,
}

/// Reads the plan out of the LP columns (see `lp.rs` for their order), clipping noise.
pub(crate) fn extract_plan(lp: &LpModel, net: &Network, x: &[f64]) -> PlacementPlan {
    let f_n = net.n_centres;
    let mut plan = PlacementPlan::default();
    for (j, &v) in x[..lp.flow_start].iter().enumerate() {
        if v > CLIP_UNITS {
            let (sku, centre) = (SkuIdx((j / f_n) as u32), CentreIdx((j % f_n) as u32));
            plan.stock.push(StockLine { sku, centre, units: v });
        }
    }
    // Stock implied by the flows when the stock columns were substituted out.
    let mut implied = vec![0.0; if lp.stock_substituted { net.n_skus * f_n } else { 0 }];
    for (e, d) in net.demand.iter().enumerate() {
        for (i, &centre) in net.candidates(d.zone).iter().enumerate() {
            let v = x[lp.flow_start + e * net.k + i];
            if v > CLIP_UNITS {
                plan.flows.push(FlowLine { sku: d.sku, zone: d.zone, centre, units: v });
                if let Some(slot) = implied.get_mut(d.sku.0 as usize * f_n + centre.0 as usize) {
                    *slot += v * d.cover_ratio();
                }
            }
        }
        let lost = lp.lost_start + e;
        if lost < lp.model_cols && x.get(lost).is_some_and(|&v| v > CLIP_UNITS) {
            plan.lost.push(LostLine { sku: d.sku, zone: d.zone, units: x[lost] });
        }
    }
    for (j, &v) in implied.iter().enumerate() {
        if v > CLIP_UNITS {
            let (sku, centre) = (SkuIdx((j / f_n) as u32), CentreIdx((j % f_n) as u32));
            plan.stock.push(StockLine { sku, centre, units: v });
        }
    }
    plan
}

/// Service KPIs of a plan whose cost was recomputed by the checker.
pub(crate) fn kpis(
    input: &PlacementInput,
    net: &Network,
    plan: &PlacementPlan,
    cost: CostBreakdown,
    shadow_prices: ShadowPriceSource,
) -> Kpis {
    let demand_units: f64 = net.demand.iter().map(|d| d.mean).sum();
    let served: f64 = plan.flows.iter().map(|f| f.units).sum();
    let within: f64 = plan
        .flows
        .iter()
        .filter(|f| net.km(f.zone, f.centre) <= input.costs.promise_distance_km)
        .map(|f| f.units)
        .sum();
    let share = |v: f64| if demand_units > 0.0 { (v / demand_units).min(1.0) } else { 1.0 };
    Kpis {
        cost,
        demand_units,
        within_promise_share: share(within),
        expected_fill_rate: share(served),
        stock_units: plan.stock.iter().map(|s| s.units).sum(),
        shadow_prices,
    }
}

/// One stock line with ids.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StockReport {
    /// SKU id.
    pub sku: SkuId,
    /// Centre id.
    pub centre: CentreId,
    /// Units.
    pub units: f64,
}

/// One flow line with ids.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowReport {
    /// SKU id.
    pub sku: SkuId,
    /// Zone id.
    pub zone: ZoneId,
    /// Centre id.
    pub centre: CentreId,
    /// Units.
    pub units: f64,
}

/// The result with ids instead of indices, for JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacementReport {
    /// The forecast run the demand came from.
    pub forecast_run: Option<RunId>,
    /// LP objective.
    pub objective: f64,
    /// KPIs.
    pub kpis: Kpis,
    /// Shadow prices per centre.
    pub shadow_prices: Vec<CentreShadowPrice>,
    /// Stock lines ([`PlacementReport::pruned`] drops the solver's noise).
    pub stock: Vec<StockReport>,
    /// Flow lines ([`PlacementReport::pruned`] drops the solver's noise).
    pub flows: Vec<FlowReport>,
}

impl PlacementReport {
    /// The report for people's files (plan.json, stock.csv, flows.csv): rows below
    /// [`REPORT_TOLERANCE_UNITS`](super::REPORT_TOLERANCE_UNITS) pruned, their units moved to
    /// the largest row of the SKU (stock) or of the (SKU, zone) (flows), so those totals are
    /// the plan's ([`super::prune`](super::REPORT_TOLERANCE_UNITS)).
    pub fn pruned(mut self) -> Self {
        self.stock = prune(self.stock, |s| s.sku.clone(), |s| &mut s.units);
        self.flows = prune(self.flows, |f| (f.sku.clone(), f.zone.clone()), |f| &mut f.units);
        self
    }
}

impl PlacementResult {
    /// The result with ids; `input` must be the one it was solved from (an index it does
    /// not have shows as `#<index>`).
    pub fn report(&self, input: &PlacementInput) -> PlacementReport {
        let sku = |i: SkuIdx| {
            input
                .skus
                .get(i.0 as usize)
                .map_or_else(|| SkuId(format!("#{}", i.0)), |s| s.id.clone())
        };
        let centre = |i: CentreIdx| {
            input
                .centres
                .get(i.0 as usize)
                .map_or_else(|| CentreId(format!("#{}", i.0)), |c| c.id.clone())
        };
        let zone = |i: ZoneIdx| {
            input
                .zones
                .get(i.0 as usize)
                .map_or_else(|| ZoneId(format!("#{}", i.0)), |z| z.id.clone())
        };
        PlacementReport {
            forecast_run: self.forecast_run.clone(),
            objective: self.objective,
            kpis: self.kpis,
            shadow_prices: self.shadow_prices.clone(),
            stock: self
                .plan
                .stock
                .iter()
                .map(|s| StockReport { sku: sku(s.sku), centre: centre(s.centre), units: s.units })
                .collect(),
            flows: self
                .plan
                .flows
                .iter()
                .map(|f| FlowReport {
                    sku: sku(f.sku),
                    zone: zone(f.zone),
                    centre: centre(f.centre),
                    units: f.units,
                })
                .collect(),
        }
    }
}
