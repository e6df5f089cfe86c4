//! Builds a [`PlacementInput`] from a validated scenario and a forecast's quantities, so
//! every caller places stock from exactly the same mapping.
//!
//! # The conversion
//!
//! - Centres, zones (centroids), SKUs (volume; supply unlimited) and costs are copied field
//!   by field from the scenario. Distances are the haversine default (no `road_km`); the
//!   caller adds road distances with [`super::road_distances`] when the scenario has roads.
//! - Demand per (SKU, zone): the forecast's per-period mean is summed over the first
//!   `options.cycle_periods` periods of the run (a fractional last period counts pro rata).
//!   The P90 is the run's lead-time P90 at the end of the cycle: the P90 of demand summed
//!   over the cycle (`forecast::lead_time`), read between the two periods around a
//!   fractional end. A sum of per-period P90s is not the P90 of the sum: on the shared retail
//!   data it covered well under 90 % of the held-out 28-day totals (docs/benchmarks.md,
//!   "Lead-time quantiles and bias"), so the stock it set was short of the service it
//!   claimed. Runs stored without lead-time quantiles still sum the per-period P90s.
//! - Rows naming a SKU or zone the scenario does not have are ignored; pairs whose cycle
//!   mean is 0 are left out (the LP needs `mean > 0`).

use super::demand::ForecastDemand;
use super::error::PlacementError;
use super::model::{
    CentreSpec, PlacementCosts, PlacementInput, PlacementOptions, SkuSpec, ZoneSkuDemand, ZoneSpec,
};
use crate::ids::{SkuId, ZoneId};
use crate::scenario::Scenario;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The quantile level used as the safety-stock target.
const P90: f64 = 0.9;

/// The placement input of `scenario` with demand from the forecast `demand`.
///
/// # Units
/// Demand in product units over the cycle; costs as in the scenario.
///
/// # Errors
/// [`PlacementError::MissingQuantile`] when the run has no 0.9 quantile,
/// [`PlacementError::CycleBeyondForecast`] when the cycle is longer than the run,
/// [`PlacementError::NoMatchingDemand`] when no row matches the scenario.
///
/// # Complexity
/// O(rows log rows).
pub fn input_from(
    scenario: &Scenario,
    demand: &ForecastDemand,
    options: PlacementOptions,
) -> Result<PlacementInput, PlacementError> {
    let forecast_run = demand.run.clone();
    let run_id = forecast_run.to_string();
    let rows = &demand.rows;
    let levels = &demand.quantile_levels;
    let p90_at = levels.iter().position(|&l| (l - P90).abs() < 1e-9).ok_or_else(|| {
        PlacementError::MissingQuantile {
            run: run_id.clone(),
            level_pct: 90,
            levels: levels.clone(),
        }
    })?;
    let periods: BTreeSet<_> = rows.iter().map(|r| r.period).collect();
    let cycle = options.cycle_periods;
    if !(cycle.is_finite() && cycle > 0.0) || cycle > periods.len() as f64 {
        return Err(PlacementError::CycleBeyondForecast {
            run: run_id,
            cycle_periods: cycle,
            horizon: periods.len(),
        });
    }
    // Weight of the i-th period of the run: 1 inside the cycle, the fraction at its end.
    let weight: BTreeMap<_, f64> =
        periods.iter().enumerate().map(|(i, &p)| (p, (cycle - i as f64).clamp(0.0, 1.0))).collect();
    // The lead-time P90 at the cycle's end is read from the periods `whole - 1` (the last
    // whole one) and `whole` (the fractional one after it): `cum(c) = cum(whole) + frac x
    // (cum(whole + 1) - cum(whole))`, with `cum(0) = 0`.
    let whole = cycle.floor() as usize;
    let frac = cycle - whole as f64;
    let index: BTreeMap<_, usize> = periods.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let skus: HashSet<&SkuId> = scenario.skus.iter().map(|s| &s.id).collect();
    let zones: HashSet<&ZoneId> = scenario.zones.iter().map(|z| &z.id).collect();
    let mut sums: BTreeMap<(&SkuId, &ZoneId), CycleSums> = BTreeMap::new();
    for r in rows {
        let w = weight.get(&r.period).copied().unwrap_or(0.0);
        if w == 0.0 || !skus.contains(&r.sku) || !zones.contains(&r.zone) {
            continue;
        }
        let p90 = r.quantile_units.get(p90_at).copied().unwrap_or(r.mean_units);
        let slot = sums.entry((&r.sku, &r.zone)).or_default();
        slot.mean += w * r.mean_units;
        slot.summed_p90 += w * p90;
        let cum = r.cum_quantile_units.get(p90_at).copied();
        match index.get(&r.period).map(|&i| i + 1) {
            Some(end) if end == whole => slot.cum_whole = cum,
            Some(end) if end == whole + 1 => slot.cum_next = cum,
            _ => {}
        }
    }
    let demand: Vec<ZoneSkuDemand> = sums
        .into_iter()
        .filter(|(_, s)| s.mean > 0.0)
        .map(|((sku, zone), s)| ZoneSkuDemand {
            sku: sku.clone(),
            zone: zone.clone(),
            mean_units: s.mean,
            p90_units: s.lead_time_p90(whole, frac).unwrap_or(s.summed_p90).max(s.mean),
        })
        .collect();
    if demand.is_empty() {
        return Err(PlacementError::NoMatchingDemand {
            run: run_id,
            scenario: scenario.name.clone(),
        });
    }
    Ok(PlacementInput {
        centres: scenario
            .centres
            .iter()
            .map(|c| CentreSpec {
                id: c.id.clone(),
                lat: c.lat,
                lon: c.lon,
                storage_m3: c.storage_m3,
                outbound_units_per_period: c.outbound_units_per_period,
                holding_cost_per_unit_period: c.holding_cost_per_unit_period,
            })
            .collect(),
        zones: scenario
            .zones
            .iter()
            .map(|z| ZoneSpec { id: z.id.clone(), lat: z.lat, lon: z.lon })
            .collect(),
        skus: scenario
            .skus
            .iter()
            .map(|s| SkuSpec { id: s.id.clone(), volume_m3: s.volume_m3, supply_units: None })
            .collect(),
        demand,
        road_km: Vec::new(),
        costs: PlacementCosts {
            lost_sale_per_unit: scenario.costs.lost_sale_per_unit,
            late_per_unit: scenario.costs.late_per_unit,
            promise_distance_km: scenario.costs.promise_distance_km,
            transport_per_unit_km: scenario.costs.transport_per_unit_km,
        },
        options,
        forecast_run: Some(forecast_run),
    })
}

/// What the cycle adds up to for one (SKU, zone).
#[derive(Debug, Default)]
struct CycleSums {
    /// Mean demand over the cycle (units).
    mean: f64,
    /// The per-period P90s summed over the cycle (units): the fallback.
    summed_p90: f64,
    /// Lead-time P90 through the cycle's last whole period (units).
    cum_whole: Option<f64>,
    /// Lead-time P90 through the period after it (units), read for a fractional cycle.
    cum_next: Option<f64>,
}

impl CycleSums {
    /// The lead-time P90 over a cycle of `whole + frac` periods, when the run has one.
    fn lead_time_p90(&self, whole: usize, frac: f64) -> Option<f64> {
        let at_whole = if whole == 0 { Some(0.0) } else { self.cum_whole };
        if frac == 0.0 {
            return at_whole;
        }
        Some(at_whole? + frac * (self.cum_next? - at_whole?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::RunId;
    use crate::placement::demand::DemandQuantiles;
    use chrono::NaiveDate;

    fn scenario() -> Scenario {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/valid");
        crate::scenario::load(dir).unwrap().0
    }

    fn run(levels: Vec<f64>, rows: Vec<DemandQuantiles>) -> ForecastDemand {
        ForecastDemand { run: RunId::new("r1"), quantile_levels: levels, rows }
    }

    fn row(sku: &str, zone: &str, day: u32, mean: f64, p90: f64) -> DemandQuantiles {
        DemandQuantiles {
            sku: SkuId::new(sku),
            zone: ZoneId::new(zone),
            period: NaiveDate::from_ymd_opt(2024, 4, day).unwrap(),
            mean_units: mean,
            quantile_units: vec![mean, p90],
            cum_quantile_units: Vec::new(),
        }
    }

    fn rows() -> Vec<DemandQuantiles> {
        let mut rows = Vec::new();
        for day in 1..=3 {
            rows.push(row("85123A", "98000", day, 2.0, 5.0));
            rows.push(row("UNKNOWN", "98000", day, 9.0, 9.0));
            rows.push(row("22423", "06240", day, 0.0, 0.0));
        }
        rows
    }

    #[test]
    fn sums_the_cycle_pro_rata_and_skips_unknown_and_zero_pairs() {
        let options = PlacementOptions { cycle_periods: 1.5, ..PlacementOptions::default() };
        let input = input_from(&scenario(), &run(vec![0.5, 0.9], rows()), options).unwrap();
        assert_eq!(input.demand.len(), 1);
        let d = &input.demand[0];
        assert_eq!((d.sku.as_str(), d.zone.as_str()), ("85123A", "98000"));
        assert!((d.mean_units - 3.0).abs() < 1e-12 && (d.p90_units - 7.5).abs() < 1e-12);
        assert_eq!(input.forecast_run, Some(RunId::new("r1")));
        input.validate().unwrap();
    }

    #[test]
    fn the_cycle_p90_is_the_lead_time_p90_at_its_end() {
        // Daily P90 5 (summed over 1.5 days: 7.5), lead-time P90 5, 8, 10 through days 1-3:
        // the P90 of a 1.5-day total is 5 + 0.5 x (8 - 5) = 6.5, of a 2-day total 8.
        let rows: Vec<DemandQuantiles> = (1..=3)
            .map(|day| DemandQuantiles {
                cum_quantile_units: vec![2.0 * day as f64, [5.0, 8.0, 10.0][day as usize - 1]],
                ..row("85123A", "98000", day, 2.0, 5.0)
            })
            .collect();
        let opts = |c| PlacementOptions { cycle_periods: c, ..PlacementOptions::default() };
        let input = input_from(&scenario(), &run(vec![0.5, 0.9], rows.clone()), opts(1.5)).unwrap();
        assert!((input.demand[0].p90_units - 6.5).abs() < 1e-12);
        assert!((input.demand[0].mean_units - 3.0).abs() < 1e-12);
        let input = input_from(&scenario(), &run(vec![0.5, 0.9], rows.clone()), opts(2.0)).unwrap();
        assert!((input.demand[0].p90_units - 8.0).abs() < 1e-12);
        // Half a day: half the first day's lead-time P90, raised to the mean (1 unit) here.
        let input = input_from(&scenario(), &run(vec![0.5, 0.9], rows), opts(0.5)).unwrap();
        assert!((input.demand[0].p90_units - 2.5).abs() < 1e-12);
    }

    #[test]
    fn bad_runs_are_named_errors() {
        let scn = scenario();
        let opts = |c| PlacementOptions { cycle_periods: c, ..PlacementOptions::default() };
        let no_p90 = input_from(&scn, &run(vec![0.5], rows()), opts(1.0)).unwrap_err();
        assert!(matches!(no_p90, PlacementError::MissingQuantile { level_pct: 90, .. }));
        let long = input_from(&scn, &run(vec![0.5, 0.9], rows()), opts(4.0)).unwrap_err();
        assert!(matches!(long, PlacementError::CycleBeyondForecast { horizon: 3, .. }));
        let other = vec![row("UNKNOWN", "98000", 1, 1.0, 2.0)];
        let none = input_from(&scn, &run(vec![0.5, 0.9], other), opts(1.0)).unwrap_err();
        assert!(matches!(none, PlacementError::NoMatchingDemand { .. }));
    }
}
