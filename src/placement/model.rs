//! The placement input: small domain structs, independent of file formats and stores.
//!
//! The lead fills a [`PlacementInput`] from a scenario (centres, zones, SKUs, costs) and a
//! stored forecast run (demand mean and P90 per SKU and zone, summed over the cycle) in a
//! few lines; tests and the benchmark build it directly. [`PlacementInput::validate`]
//! reports every bad value at once, so past it the LP builder can trust the numbers.

use super::error::{PlacementError, input_action};
use crate::ids::{CentreId, RunId, SkuId, ZoneId};
use crate::issue::Issue;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A fulfilment centre that can hold stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreSpec {
    /// Centre id.
    pub id: CentreId,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Storage volume available for the placed SKUs, m3.
    pub storage_m3: f64,
    /// Units the centre can ship per period.
    pub outbound_units_per_period: f64,
    /// Cost of holding one unit for one period (currency).
    pub holding_cost_per_unit_period: f64,
}

/// A delivery zone (its centroid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    /// Zone id.
    pub id: ZoneId,
    /// Centroid latitude in degrees.
    pub lat: f64,
    /// Centroid longitude in degrees.
    pub lon: f64,
}

/// A SKU to place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkuSpec {
    /// SKU id.
    pub id: SkuId,
    /// Volume of one unit, m3.
    pub volume_m3: f64,
    /// Units available to place in the whole network; `None` means unlimited.
    #[serde(default)]
    pub supply_units: Option<f64>,
}

/// Forecast demand of one SKU in one zone over the cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSkuDemand {
    /// The SKU.
    pub sku: SkuId,
    /// The zone.
    pub zone: ZoneId,
    /// Expected units over the cycle.
    pub mean_units: f64,
    /// 90th percentile of units over the cycle (safety stock target); raised to the mean if
    /// below it.
    pub p90_units: f64,
}

/// A road distance from a centre to a zone, overriding the geodesic default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadDistance {
    /// The zone.
    pub zone: ZoneId,
    /// The centre.
    pub centre: CentreId,
    /// Road distance in km.
    pub km: f64,
}

/// Unit costs of the network (the scenario's `[costs]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementCosts {
    /// Currency per unit of mean demand not served.
    pub lost_sale_per_unit: f64,
    /// Currency per unit served from beyond the promise distance (slower delivery).
    pub late_per_unit: f64,
    /// Promise distance in km.
    pub promise_distance_km: f64,
    /// Outbound transport per unit and km, centre to zone.
    pub transport_per_unit_km: f64,
}

/// Modelling options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlacementOptions {
    /// Each zone may be served by its `k` nearest centres only (keeps the LP sparse).
    pub k_nearest: usize,
    /// Periods the placed stock must cover: holding costs and throughput scale by it.
    pub cycle_periods: f64,
    /// Minimum units of every SKU held in the network (LP form of "every SKU in at least
    /// one centre"); `None` for no minimum.
    pub min_units_per_sku: Option<f64>,
    /// Forbid lost sales: all mean demand must be served (may make the model infeasible).
    pub require_full_service: bool,
    /// With a backend that gives no duals (`cbc`), shadow prices come from one re-solve per
    /// binding capacity row, only for models with at most this many variables; above it
    /// they are reported unavailable (`Kpis::shadow_prices` says why). Ignored when the
    /// backend gives duals.
    pub price_resolve_max_variables: usize,
}

impl Default for PlacementOptions {
    fn default() -> Self {
        Self {
            k_nearest: 3,
            cycle_periods: 1.0,
            min_units_per_sku: None,
            require_full_service: false,
            price_resolve_max_variables: 200_000,
        }
    }
}

impl PlacementOptions {
    /// Sets `k_nearest`.
    pub fn with_k_nearest(mut self, k: usize) -> Self {
        self.k_nearest = k;
        self
    }

    /// Sets `min_units_per_sku`.
    pub fn with_min_units_per_sku(mut self, units: f64) -> Self {
        self.min_units_per_sku = Some(units);
        self
    }

    /// Sets `require_full_service`.
    pub fn with_full_service(mut self, required: bool) -> Self {
        self.require_full_service = required;
        self
    }
}

/// Everything the placement LP needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementInput {
    /// Centres that may hold stock.
    pub centres: Vec<CentreSpec>,
    /// Zones to serve.
    pub zones: Vec<ZoneSpec>,
    /// SKUs to place.
    pub skus: Vec<SkuSpec>,
    /// Demand per SKU and zone (sparse: a missing pair has none).
    pub demand: Vec<ZoneSkuDemand>,
    /// Road distances where the road graph covers a pair; other pairs use the haversine.
    #[serde(default)]
    pub road_km: Vec<RoadDistance>,
    /// Unit costs.
    pub costs: PlacementCosts,
    /// Options.
    #[serde(default)]
    pub options: PlacementOptions,
    /// The forecast run the demand came from, recorded in the result.
    #[serde(default)]
    pub forecast_run: Option<RunId>,
}

fn finite_nonneg(v: f64) -> bool {
    v.is_finite() && v >= 0.0
}

fn finite_pos(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

impl PlacementInput {
    /// Checks every value and reference and reports all problems at once.
    ///
    /// # Errors
    /// [`PlacementError::InvalidInput`] listing every violation.
    pub fn validate(&self) -> Result<(), PlacementError> {
        let mut bad = Vec::new();
        let mut push = |code: &'static str, path: String, id: &str, reason: &str| {
            let cause = if id.is_empty() { reason.to_owned() } else { format!("`{id}`: {reason}") };
            bad.push(Issue::at_path(code, path, cause, input_action(code)));
        };
        const NONNEG: &str = "must be a finite number >= 0";
        const POS: &str = "must be a finite number > 0";
        if self.centres.is_empty() {
            push("E2001", "centres".to_owned(), "", "at least one centre is needed");
        }
        let mut seen = HashSet::new();
        for (i, c) in self.centres.iter().enumerate() {
            let id = c.id.to_string();
            if !seen.insert(c.id.as_str()) {
                push("E2002", format!("centres[{i}].id"), &id, "duplicate centre id");
            }
            if !(c.lat.is_finite() && (-90.0..=90.0).contains(&c.lat)) {
                push("E2003", format!("centres[{i}].lat"), &id, "must be in [-90, 90]");
            }
            if !(c.lon.is_finite() && (-180.0..=180.0).contains(&c.lon)) {
                push("E2003", format!("centres[{i}].lon"), &id, "must be in [-180, 180]");
            }
            if !finite_nonneg(c.storage_m3) {
                push("E2004", format!("centres[{i}].storage_m3"), &id, NONNEG);
            }
            if !finite_nonneg(c.outbound_units_per_period) {
                push("E2004", format!("centres[{i}].outbound_units_per_period"), &id, NONNEG);
            }
            if !finite_nonneg(c.holding_cost_per_unit_period) {
                push("E2004", format!("centres[{i}].holding_cost_per_unit_period"), &id, NONNEG);
            }
        }
        let mut zones = HashSet::new();
        for (i, z) in self.zones.iter().enumerate() {
            let id = z.id.to_string();
            if !zones.insert(z.id.as_str()) {
                push("E2002", format!("zones[{i}].id"), &id, "duplicate zone id");
            }
            if !(z.lat.is_finite() && (-90.0..=90.0).contains(&z.lat)) {
                push("E2003", format!("zones[{i}].lat"), &id, "must be in [-90, 90]");
            }
            if !(z.lon.is_finite() && (-180.0..=180.0).contains(&z.lon)) {
                push("E2003", format!("zones[{i}].lon"), &id, "must be in [-180, 180]");
            }
        }
        let mut skus = HashSet::new();
        for (i, s) in self.skus.iter().enumerate() {
            let id = s.id.to_string();
            if !skus.insert(s.id.as_str()) {
                push("E2002", format!("skus[{i}].id"), &id, "duplicate SKU id");
            }
            if !finite_pos(s.volume_m3) {
                push("E2005", format!("skus[{i}].volume_m3"), &id, POS);
            }
            if s.supply_units.is_some_and(|u| !finite_nonneg(u)) {
                push("E2004", format!("skus[{i}].supply_units"), &id, NONNEG);
            }
        }
        let mut pairs = HashSet::new();
        for (i, d) in self.demand.iter().enumerate() {
            let id = format!("{}@{}", d.sku, d.zone);
            if !skus.contains(d.sku.as_str()) {
                push("E2006", format!("demand[{i}].sku"), &id, "unknown SKU");
            }
            if !zones.contains(d.zone.as_str()) {
                push("E2006", format!("demand[{i}].zone"), &id, "unknown zone");
            }
            if !pairs.insert((d.sku.as_str(), d.zone.as_str())) {
                push(
                    "E2007",
                    format!("demand[{i}]"),
                    &id,
                    "duplicate (sku, zone) row: sum them first",
                );
            }
            if !finite_nonneg(d.mean_units) {
                push("E2004", format!("demand[{i}].mean_units"), &id, NONNEG);
            }
            if !finite_nonneg(d.p90_units) {
                push("E2004", format!("demand[{i}].p90_units"), &id, NONNEG);
            }
        }
        for (i, r) in self.road_km.iter().enumerate() {
            let id = format!("{}->{}", r.centre, r.zone);
            if !zones.contains(r.zone.as_str()) {
                push("E2006", format!("road_km[{i}].zone"), &id, "unknown zone");
            }
            if !seen.contains(r.centre.as_str()) {
                push("E2006", format!("road_km[{i}].centre"), &id, "unknown centre");
            }
            if !finite_nonneg(r.km) {
                push("E2004", format!("road_km[{i}].km"), &id, NONNEG);
            }
        }
        let c = &self.costs;
        for (field, v) in [
            ("costs.lost_sale_per_unit", c.lost_sale_per_unit),
            ("costs.late_per_unit", c.late_per_unit),
            ("costs.promise_distance_km", c.promise_distance_km),
            ("costs.transport_per_unit_km", c.transport_per_unit_km),
        ] {
            if !finite_nonneg(v) {
                push("E2004", field.to_owned(), "", NONNEG);
            }
        }
        let o = &self.options;
        if o.k_nearest == 0 {
            push("E2005", "options.k_nearest".to_owned(), "", "must be at least 1");
        }
        if !finite_pos(o.cycle_periods) {
            push("E2005", "options.cycle_periods".to_owned(), "", POS);
        }
        if o.min_units_per_sku.is_some_and(|u| !finite_nonneg(u)) {
            push("E2004", "options.min_units_per_sku".to_owned(), "", NONNEG);
        }
        if bad.is_empty() { Ok(()) } else { Err(PlacementError::InvalidInput { issues: bad }) }
    }
}
