//! Replays realised demand against a placement plan: what the plan would really have
//! delivered, not what its LP objective promised.
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

use crate::experiment::outcome::Measures;
use crate::experiment::spec::MetricKind;
use crate::placement::{PlacementReport, haversine_km};
use crate::scenario::{DemandRow, Scenario};
use std::collections::{BTreeSet, HashMap};

/// The replay's measures of a plan over `realised` demand (rows of `scenario`).
///
/// # Units
/// Cost in the scenario's currency; fill rate a share; counts; units.
///
/// # Complexity
/// O(rows x centres) after O(zones x centres log centres) set-up.
pub(super) fn replay(
    scenario: &Scenario,
    plan: &PlacementReport,
    realised: &[DemandRow],
    cycle_periods: f64,
) -> Measures {
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
    let split = used.values().filter(|c| c.len() > 1).count();
    let cost = holding + transport + long * costs.late_per_unit + lost * costs.lost_sale_per_unit;
    Measures::from([
        (MetricKind::RealisedCost, cost),
        (MetricKind::FillRate, if demand > 0.0 { served / demand } else { 1.0 }),
        (MetricKind::Stockouts, stockouts as f64),
        (MetricKind::SplitShipments, split as f64),
        (MetricKind::LongDistanceUnits, long),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::{FlowReport, Kpis, StockReport};

    fn tiny() -> Scenario {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/valid");
        crate::scenario::load(dir).unwrap().0
    }

    fn report(stock: Vec<StockReport>, flows: Vec<FlowReport>) -> PlacementReport {
        PlacementReport {
            forecast_run: None,
            objective: 0.0,
            kpis: Kpis {
                cost: Default::default(),
                demand_units: 0.0,
                within_promise_share: 1.0,
                expected_fill_rate: 1.0,
                stock_units: 0.0,
                shadow_prices: crate::placement::ShadowPriceSource::Unavailable {
                    reason: "a hand-made report",
                },
            },
            shadow_prices: vec![],
            stock,
            flows,
        }
    }

    #[test]
    fn hand_replay_with_a_split_and_a_stockout() {
        let mut scn = tiny();
        // A second centre about 111 km north of the first: beyond any promise distance.
        let mut far = scn.centres[0].clone();
        far.id = crate::ids::CentreId::new("FAR");
        far.lat += 1.0;
        scn.centres.truncate(1);
        scn.centres.push(far);
        let (sku, zone) = (scn.skus[0].id.clone(), scn.zones[0].id.clone());
        let (c0, c1) = (scn.centres[0].id.clone(), scn.centres[1].id.clone());
        // 3 units at the assigned centre c0, 2 at c1; demand 4 then 3 on two days.
        let plan = report(
            vec![
                StockReport { sku: sku.clone(), centre: c0.clone(), units: 3.0 },
                StockReport { sku: sku.clone(), centre: c1.clone(), units: 2.0 },
            ],
            vec![FlowReport { sku: sku.clone(), zone: zone.clone(), centre: c0, units: 7.0 }],
        );
        let day = |d| chrono::NaiveDate::from_ymd_opt(2024, 1, d).unwrap();
        let (s, z) = (scn.sku_indices()[&sku], scn.zone_indices()[&zone]);
        let rows = [
            DemandRow { date: day(2), sku: s, zone: z, quantity: 3.0 },
            DemandRow { date: day(1), sku: s, zone: z, quantity: 4.0 },
        ];
        let m = replay(&scn, &plan, &rows, 2.0);
        // Day 1: 3 from c0 + 1 from c1 (split); day 2: 1 from c1, 2 lost (a stock-out).
        assert_eq!(m[&MetricKind::FillRate], 5.0 / 7.0);
        assert_eq!(m[&MetricKind::Stockouts], 1.0);
        assert_eq!(m[&MetricKind::SplitShipments], 1.0);
        let k = |c: usize| {
            let (zz, cc) = (&scn.zones[0], &scn.centres[c]);
            haversine_km(zz.lat, zz.lon, cc.lat, cc.lon)
        };
        let costs = &scn.costs;
        let holding = 2.0
            * (3.0 * scn.centres[0].holding_cost_per_unit_period
                + 2.0 * scn.centres[1].holding_cost_per_unit_period);
        let transport = (3.0 * k(0) + 2.0 * k(1)) * costs.transport_per_unit_km;
        let long: f64 = [(0, 3.0), (1, 2.0)]
            .iter()
            .filter(|(c, _)| k(*c) > costs.promise_distance_km)
            .map(|(_, u)| u)
            .sum();
        assert_eq!(m[&MetricKind::LongDistanceUnits], long);
        let cost =
            holding + transport + long * costs.late_per_unit + 2.0 * costs.lost_sale_per_unit;
        assert!((m[&MetricKind::RealisedCost] - cost).abs() < 1e-9);
    }
}
