//! Realised demand replayed against a placement plan ([`placement::replay`]), as the
//! experiment's measures.

use crate::experiment::outcome::Measures;
use crate::experiment::spec::MetricKind;
use crate::placement::{self, PlacementReport};
use crate::scenario::{DemandRow, Scenario};

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
    let r = placement::replay(scenario, plan, realised, cycle_periods);
    Measures::from([
        (MetricKind::RealisedCost, r.realised_cost),
        (MetricKind::FillRate, r.fill_rate),
        (MetricKind::Stockouts, r.stockouts as f64),
        (MetricKind::SplitShipments, r.split_shipments as f64),
        (MetricKind::LongDistanceUnits, r.long_distance_units),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::{FlowReport, Kpis, StockReport, haversine_km};

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
