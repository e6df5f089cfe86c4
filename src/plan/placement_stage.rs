//! The placement stage of a planning run: [`placement::place`] on the stored forecast (as
//! `stockroute place` does), with capacity use per centre.

use super::forecast_stage::StoredForecast;
use super::outcome::{CentreUse, FillRates, PlacementSummary};
use super::{PlanError, PlanRequest};
use crate::context::SolveContext;
use crate::ids::{CentreId, SkuId};
use crate::placement::{self, PlaceOptions, PlacementOptions};
use crate::roads::graph::RoadGraph;
use crate::scenario::Scenario;
use crate::store;
use std::collections::HashMap;

/// Solves, checks and summarises the placement for the stored forecast.
pub(crate) fn run(
    scn: &Scenario,
    request: &PlanRequest,
    stored: &StoredForecast,
    graph: Option<&RoadGraph>,
    ctx: &SolveContext,
) -> Result<PlacementSummary, PlanError> {
    let options = &request.placement;
    let cycle = options
        .cycle_periods
        .unwrap_or_else(|| f64::from(scn.horizon_periods.min(stored.info.run.horizon as u32)));
    let placement_options =
        PlacementOptions { cycle_periods: cycle, ..PlacementOptions::default() }
            .with_k_nearest(options.k_nearest);
    let demand = store::forecast_demand(&stored.info, &stored.rows);
    let place_options = PlaceOptions { placement: placement_options, solve_time_limit: None };
    let graph = graph.filter(|_| options.road_distances);
    let placed = placement::place(scn, &demand, graph, &place_options, ctx)?;
    let road_pairs = placed.road_pairs();
    let report = placed.report.pruned();
    let check_violations = placed
        .verdict
        .violations
        .iter()
        .map(|v| format!("{:?} {} by {:.6}", v.rule, v.id, v.amount))
        .collect();

    let volume: HashMap<&SkuId, f64> = scn.skus.iter().map(|s| (&s.id, s.volume_m3)).collect();
    let mut stock: HashMap<&CentreId, (f64, f64)> = HashMap::new();
    for s in &report.stock {
        let e = stock.entry(&s.centre).or_default();
        e.0 += s.units;
        e.1 += s.units * volume.get(&s.sku).copied().unwrap_or(0.0);
    }
    let mut shipped: HashMap<&CentreId, f64> = HashMap::new();
    for f in &report.flows {
        *shipped.entry(&f.centre).or_default() += f.units;
    }
    let prices: HashMap<&CentreId, (f64, f64)> = report
        .shadow_prices
        .iter()
        .map(|p| (&p.centre, (p.storage_per_m3, p.throughput_per_unit)))
        .collect();
    let centres = scn
        .centres
        .iter()
        .map(|c| {
            let (stock_units, storage_used_m3) = stock.get(&c.id).copied().unwrap_or_default();
            let (storage_shadow_price, throughput_shadow_price) =
                prices.get(&c.id).copied().unwrap_or_default();
            CentreUse {
                centre: c.id.clone(),
                name: c.name.clone(),
                lat: c.lat,
                lon: c.lon,
                stock_units,
                storage_used_m3,
                storage_m3: c.storage_m3,
                shipped_units: shipped.get(&c.id).copied().unwrap_or(0.0),
                throughput_units: c.outbound_units_per_period * cycle,
                storage_shadow_price,
                throughput_shadow_price,
            }
        })
        .collect();
    let fill_rate = fill_rates(scn, &report, cycle);
    Ok(PlacementSummary {
        cycle_periods: cycle,
        fill_rate,
        report,
        centres,
        road_pairs,
        check_violations,
    })
}

/// The LP's expected fill rate beside the replay of the history's last cycle
/// (`cycle` periods ending on its last day) against the plan.
fn fill_rates(scn: &Scenario, report: &placement::PlacementReport, cycle: f64) -> FillRates {
    let last = scn.demand.iter().map(|r| r.date).max();
    let days = (cycle.ceil().max(1.0) as u64).saturating_mul(scn.period.days().unsigned_abs());
    let first = last.and_then(|d| d.checked_sub_days(chrono::Days::new(days.saturating_sub(1))));
    let rows: Vec<_> =
        scn.demand.iter().filter(|r| first.is_some_and(|f| r.date >= f)).copied().collect();
    let replayed = placement::replay(scn, report, &rows, cycle);
    FillRates {
        expected: report.kpis.expected_fill_rate,
        replayed: replayed.fill_rate,
        replay_from: first,
        replay_to: last,
        replay_demand_units: replayed.demand_units,
    }
}
