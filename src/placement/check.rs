//! An independent checker of placement plans.
//!
//! It re-verifies a [`PlacementPlan`] against the [`PlacementInput`] from the input's own
//! numbers, never from the LP matrix: non-negativity, flows only on a zone's `k` nearest
//! centres, demand balance, the P90 safety-stock rule, storage, throughput, supply and
//! minimum stock, each within a relative tolerance; and it recomputes the cost of the plan
//! term by term. Every plan a test produces goes through it (vrp's checker habit), so a
//! bug in the LP builder shows up as a violation or an objective mismatch.

use super::error::{ConstraintFamily, PlacementError};
use super::model::PlacementInput;
use super::network::Network;
use super::result::{CostBreakdown, PlacementPlan};
use serde::Serialize;
use std::collections::HashMap;

/// Which rule a plan breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckRule {
    /// A negative (or non-finite) quantity.
    NonNegative,
    /// An index outside the input's vectors.
    UnknownIndex,
    /// A flow on an arc that is not among the zone's `k` nearest centres, or for a
    /// (SKU, zone) with no demand.
    NotACandidate,
    /// A constraint family of the model.
    Constraint(ConstraintFamily),
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckViolation {
    /// The rule.
    pub rule: CheckRule,
    /// The record: centre, SKU, `sku@zone` or `sku@centre`.
    pub id: String,
    /// By how much the rule is exceeded, in the row's unit (m3 or units).
    pub amount: f64,
}

/// The checker's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Every violation beyond tolerance (empty: the plan is feasible).
    pub violations: Vec<CheckViolation>,
    /// The cost of the plan recomputed from the input.
    pub cost: CostBreakdown,
}

impl CheckReport {
    /// Whether the plan met every rule within tolerance.
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Checks `plan` against `input` with relative tolerance `tol` (a row of size `b` may be
/// off by `tol * max(1, |b|)`).
///
/// # Errors
/// [`PlacementError::InvalidInput`] when the input itself is invalid.
///
/// # Complexity
/// O(S * F + Z * F log F + plan lines).
pub fn check(
    input: &PlacementInput,
    plan: &PlacementPlan,
    tol: f64,
) -> Result<CheckReport, PlacementError> {
    input.validate()?;
    let net = Network::new(input);
    let (s_n, f_n, z_n) = (input.skus.len(), input.centres.len(), input.zones.len());
    let mut bad = Vec::new();
    let slack = |b: f64| tol * b.abs().max(1.0);
    let mut flag = |rule, id: String, amount: f64| bad.push(CheckViolation { rule, id, amount });
    // Demand as given, P90 raised to the mean.
    let mut demand: HashMap<(u32, u32), (f64, f64)> = HashMap::new();
    let sku_of: HashMap<&str, u32> =
        input.skus.iter().enumerate().map(|(i, s)| (s.id.as_str(), i as u32)).collect();
    let zone_of: HashMap<&str, u32> =
        input.zones.iter().enumerate().map(|(i, z)| (z.id.as_str(), i as u32)).collect();
    for d in &input.demand {
        if let (Some(&s), Some(&z)) = (sku_of.get(d.sku.as_str()), zone_of.get(d.zone.as_str())) {
            demand.insert((s, z), (d.mean_units, d.p90_units.max(d.mean_units)));
        }
    }
    let sz_id =
        |s: u32, z: u32| format!("{}@{}", input.skus[s as usize].id, input.zones[z as usize].id);
    let mut stock = vec![0.0; s_n * f_n];
    for line in &plan.stock {
        let (s, c) = (line.sku.0 as usize, line.centre.0 as usize);
        if s >= s_n || c >= f_n {
            flag(CheckRule::UnknownIndex, format!("stock {s}@{c}"), 0.0);
            continue;
        }
        if !(line.units.is_finite() && line.units >= -slack(0.0)) {
            flag(CheckRule::NonNegative, input.skus[s].id.to_string(), -line.units);
        }
        stock[s * f_n + c] += line.units;
    }
    let mut served: HashMap<(u32, u32), f64> = HashMap::new();
    let mut cover = vec![0.0; s_n * f_n];
    let mut shipped = vec![0.0; f_n];
    let mut cost = CostBreakdown::default();
    for line in &plan.flows {
        let (s, z, c) = (line.sku.0, line.zone.0, line.centre.0);
        if s as usize >= s_n || z as usize >= z_n || c as usize >= f_n {
            flag(CheckRule::UnknownIndex, format!("flow {s}@{z} from {c}"), 0.0);
            continue;
        }
        if !(line.units.is_finite() && line.units >= -slack(0.0)) {
            flag(CheckRule::NonNegative, sz_id(s, z), -line.units);
        }
        let mean_p90 = demand.get(&(s, z)).copied().filter(|&(mean, _)| mean > 0.0);
        let allowed = net.candidates(line.zone).contains(&line.centre);
        let Some((mean, p90)) = mean_p90.filter(|_| allowed) else {
            flag(CheckRule::NotACandidate, sz_id(s, z), line.units);
            continue;
        };
        *served.entry((s, z)).or_default() += line.units;
        cover[s as usize * f_n + c as usize] += line.units * p90 / mean;
        shipped[c as usize] += line.units;
        let km = net.km(line.zone, line.centre);
        cost.transport += line.units * km * input.costs.transport_per_unit_km;
        if km > input.costs.promise_distance_km {
            cost.late += line.units * input.costs.late_per_unit;
        }
    }
    let mut lost: HashMap<(u32, u32), f64> = HashMap::new();
    for line in &plan.lost {
        let (s, z) = (line.sku.0, line.zone.0);
        if s as usize >= s_n || z as usize >= z_n {
            flag(CheckRule::UnknownIndex, format!("lost {s}@{z}"), 0.0);
            continue;
        }
        if !(line.units.is_finite() && line.units >= -slack(0.0)) {
            flag(CheckRule::NonNegative, sz_id(s, z), -line.units);
        }
        *lost.entry((s, z)).or_default() += line.units;
        cost.lost_sales += line.units * input.costs.lost_sale_per_unit;
    }
    let family = CheckRule::Constraint;
    let mut keys: Vec<_> = demand.keys().chain(served.keys()).chain(lost.keys()).collect();
    keys.sort_unstable();
    keys.dedup();
    for &(s, z) in keys {
        let mean = demand.get(&(s, z)).map_or(0.0, |d| d.0);
        let got = served.get(&(s, z)).copied().unwrap_or(0.0);
        let missing = lost.get(&(s, z)).copied().unwrap_or(0.0);
        if (got + missing - mean).abs() > slack(mean) {
            flag(family(ConstraintFamily::DemandBalance), sz_id(s, z), got + missing - mean);
        }
        if input.options.require_full_service && missing > slack(mean) {
            flag(family(ConstraintFamily::DemandBalance), sz_id(s, z), missing);
        }
    }
    let opts = &input.options;
    let mut volume = vec![0.0; f_n];
    for (s, sku) in input.skus.iter().enumerate() {
        let row = &stock[s * f_n..(s + 1) * f_n];
        for (c, &units) in row.iter().enumerate() {
            let need = cover[s * f_n + c];
            if units < need - slack(need) {
                let id = format!("{}@{}", sku.id, input.centres[c].id);
                flag(family(ConstraintFamily::SafetyStock), id, need - units);
            }
            volume[c] += units * sku.volume_m3;
            cost.holding +=
                units * input.centres[c].holding_cost_per_unit_period * opts.cycle_periods;
        }
        let total: f64 = row.iter().sum();
        if let Some(supply) = sku.supply_units.filter(|&u| total > u + slack(u)) {
            flag(family(ConstraintFamily::Supply), sku.id.to_string(), total - supply);
        }
        if let Some(min) = opts.min_units_per_sku.filter(|&m| total < m - slack(m)) {
            flag(family(ConstraintFamily::MinimumStock), sku.id.to_string(), min - total);
        }
    }
    for (c, centre) in input.centres.iter().enumerate() {
        if volume[c] > centre.storage_m3 + slack(centre.storage_m3) {
            let over = volume[c] - centre.storage_m3;
            flag(family(ConstraintFamily::Storage), centre.id.to_string(), over);
        }
        let cap = centre.outbound_units_per_period * opts.cycle_periods;
        if shipped[c] > cap + slack(cap) {
            flag(family(ConstraintFamily::Throughput), centre.id.to_string(), shipped[c] - cap);
        }
    }
    cost.total = cost.holding + cost.transport + cost.late + cost.lost_sales;
    Ok(CheckReport { violations: bad, cost })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::result::{FlowLine, LostLine, StockLine};
    use crate::placement::synth::{SynthSpec, network};
    use crate::placement::{CentreIdx, SkuIdx, ZoneIdx};

    /// A hand-made plan for SKU 0 in zone 0 of a one-SKU, one-zone, one-centre network.
    fn tiny() -> (PlacementInput, PlacementPlan) {
        let mut input = network(&SynthSpec::new(1, 1, 1, 9));
        input.options.k_nearest = 1;
        input.centres[0].storage_m3 = 1e6;
        input.centres[0].outbound_units_per_period = 1e6;
        let d = input.demand[0].clone();
        let plan = PlacementPlan {
            stock: vec![StockLine { sku: SkuIdx(0), centre: CentreIdx(0), units: d.p90_units }],
            flows: vec![FlowLine {
                sku: SkuIdx(0),
                zone: ZoneIdx(0),
                centre: CentreIdx(0),
                units: d.mean_units,
            }],
            lost: vec![],
        };
        (input, plan)
    }

    fn rules(report: &CheckReport) -> Vec<CheckRule> {
        report.violations.iter().map(|v| v.rule).collect()
    }

    #[test]
    fn a_consistent_plan_passes_and_its_cost_is_recomputed_term_by_term() {
        let (input, plan) = tiny();
        let report = check(&input, &plan, 1e-9).unwrap();
        assert!(report.is_feasible(), "{:?}", report.violations);
        let c = &input.centres[0];
        let holding = input.demand[0].p90_units * c.holding_cost_per_unit_period;
        assert!((report.cost.holding - holding).abs() < 1e-12);
        assert!(report.cost.transport > 0.0);
        let sum = report.cost.holding + report.cost.transport + report.cost.late;
        assert!((report.cost.total - sum).abs() < 1e-12);
    }

    #[test]
    fn each_broken_rule_is_reported() {
        let (input, plan) = tiny();
        let mut short = plan.clone();
        short.stock[0].units = input.demand[0].mean_units; // below P90
        assert_eq!(
            rules(&check(&input, &short, 1e-9).unwrap()),
            [CheckRule::Constraint(ConstraintFamily::SafetyStock)]
        );
        let mut unbalanced = plan.clone();
        unbalanced.lost.push(LostLine { sku: SkuIdx(0), zone: ZoneIdx(0), units: 1.0 });
        assert_eq!(
            rules(&check(&input, &unbalanced, 1e-9).unwrap()),
            [CheckRule::Constraint(ConstraintFamily::DemandBalance)]
        );
        let mut small = input.clone();
        small.centres[0].storage_m3 = 1e-6;
        small.centres[0].outbound_units_per_period = 1e-6;
        assert_eq!(
            rules(&check(&small, &plan, 1e-9).unwrap()),
            [
                CheckRule::Constraint(ConstraintFamily::Storage),
                CheckRule::Constraint(ConstraintFamily::Throughput)
            ]
        );
        let mut negative = plan.clone();
        negative.stock.push(StockLine { sku: SkuIdx(0), centre: CentreIdx(0), units: -1.0 });
        assert!(rules(&check(&input, &negative, 1e-9).unwrap()).contains(&CheckRule::NonNegative));
        let mut stray = plan;
        stray.flows[0].centre = CentreIdx(5);
        assert_eq!(rules(&check(&input, &stray, 1e-9).unwrap())[0], CheckRule::UnknownIndex);
    }
}
