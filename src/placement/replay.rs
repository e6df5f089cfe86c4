//! Replays realised demand against a placement plan: what the plan would really have
//! delivered, not what its LP objective promised.
//!
//! The LP's own fill rate ([`Kpis::expected_fill_rate`](super::Kpis)) is the share of
//! the *mean forecast* it serves, pooled over the cycle: a plan that covers the mean
//! everywhere scores 100 % however lumpy the real days are. The replay serves real rows
//! one day at a time instead, which is what the experiments judge plans by and what
//! `stockroute plan` reports beside the expected figure.
//!
//! The stock of the plan is put in the centres at the start of the cycle, with no
//! replenishment during it. Realised demand rows are served day by day (in date, zone, SKU
//! order): first from the centres the plan assigned to that (SKU, zone), largest planned
//! flow first, then from any other centre that still holds the SKU, nearest first; what no
//! centre can serve is lost. Counted per cycle:
//! - fill rate = units served / units demanded;
//! - stock-outs = (SKU, zone, day) demands not served in full;
//! - split shipments = zone-days served from more than one centre;
//! - long-distance units = units shipped from beyond the promise distance;
//! - realised cost = holding of the placed stock over the cycle + transport per unit-km +
//!   the late penalty of long-distance units + lost sales, with the scenario's unit costs.
//!
//! Distances are great-circle km (the plan's own distances when the scenario has no roads).

use super::network::haversine_km;
use super::result::PlacementReport;
use crate::scenario::{DemandRow, Scenario};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// What a plan delivered when realised demand was replayed against it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Replay {
    /// Units demanded by the replayed rows.
    pub demand_units: f64,
    /// Units served from the plan's stock.
    pub served_units: f64,
    /// `served_units / demand_units` (1 when nothing was demanded).
    pub fill_rate: f64,
    /// (SKU, zone, day) demands not served in full.
    pub stockouts: u64,
    /// Zone-days served from more than one centre.
    pub split_shipments: u64,
    /// Units shipped from beyond the promise distance.
    pub long_distance_units: f64,
    /// Holding + transport + late penalties + lost sales, in the scenario's currency.
    pub realised_cost: f64,
}

/// Replays `realised` demand (rows of `scenario`) against `plan` over a cycle of
/// `cycle_periods` periods (see the module docs).
///
/// # Units
/// Cost in the scenario's currency; fill rate a share; counts; units.
///
/// # Complexity
/// O(rows x centres) after O(zones x centres log centres) set-up.
pub fn replay(
    scenario: &Scenario,
    plan: &PlacementReport,
    realised: &[DemandRow],
    cycle_periods: f64,
) -> Replay {
    let centre_of: HashMap<&str, usize> =
        scenario.centres.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
    let skus = scenario.sku_indices();
    let zones = scenario.zone_indices();
    let n_c = scenario.centres.len();
    let mut stock: HashMap<(usize, usize), f64> = HashMap::new();
    let mut holding = 0.0;
    for line in &plan.stock {
        if let (Some(&s), Some(&c)) = (skus.get(&line.sku), centre_of.get(line.centre.as_str())) {
            *stock.entry((s.0 as usize, c)).or_default() += line.units;
            holding +=
                line.units * scenario.centres[c].holding_cost_per_unit_period * cycle_periods;
        }
    }
    let mut preferred: HashMap<(usize, usize), Vec<(f64, usize)>> = HashMap::new();
    for f in &plan.flows {
        let ids = (skus.get(&f.sku), zones.get(&f.zone), centre_of.get(f.centre.as_str()));
        if let (Some(s), Some(z), Some(&c)) = ids {
            preferred.entry((s.0 as usize, z.0 as usize)).or_default().push((f.units, c));
        }
    }
    for list in preferred.values_mut() {
        list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    let km: Vec<Vec<f64>> = scenario
        .zones
        .iter()
        .map(|z| {
            scenario.centres.iter().map(|c| haversine_km(z.lat, z.lon, c.lat, c.lon)).collect()
        })
        .collect();
    let nearest: Vec<Vec<usize>> = km
        .iter()
        .map(|row| {
            let mut order: Vec<usize> = (0..n_c).collect();
            order.sort_by(|&a, &b| row[a].total_cmp(&row[b]).then(a.cmp(&b)));
            order
        })
        .collect();
    let mut rows: Vec<&DemandRow> = realised.iter().collect();
    rows.sort_by_key(|r| (r.date, r.zone.0, r.sku.0));
    let costs = &scenario.costs;
    let (mut demand, mut served, mut lost, mut long, mut transport) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut stockouts = 0u64;
    let mut used: HashMap<(chrono::NaiveDate, usize), BTreeSet<usize>> = HashMap::new();
    for r in rows {
        let (s, z) = (r.sku.0 as usize, r.zone.0 as usize);
        let Some(dist) = km.get(z) else { continue };
        demand += r.quantity;
        let mut need = r.quantity;
        let first = preferred.get(&(s, z)).into_iter().flatten().map(|&(_, c)| c);
        for c in first.chain(nearest[z].iter().copied()) {
            if need <= 1e-9 {
                break;
            }
            let Some(have) = stock.get_mut(&(s, c)) else { continue };
            let take = need.min(*have);
            if take <= 1e-9 {
                continue;
            }
            *have -= take;
            need -= take;
            served += take;
            transport += take * dist[c] * costs.transport_per_unit_km;
            if dist[c] > costs.promise_distance_km {
                long += take;
            }
            used.entry((r.date, z)).or_default().insert(c);
        }
        if need > 1e-9 {
            stockouts += 1;
            lost += need;
        }
    }
    let split = used.values().filter(|c| c.len() > 1).count() as u64;
    Replay {
        demand_units: demand,
        served_units: served,
        fill_rate: if demand > 0.0 { served / demand } else { 1.0 },
        stockouts,
        split_shipments: split,
        long_distance_units: long,
        realised_cost: holding
            + transport
            + long * costs.late_per_unit
            + lost * costs.lost_sale_per_unit,
    }
}
