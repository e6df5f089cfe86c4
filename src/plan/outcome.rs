//! The result of a planning run, as plain serialisable records.
//!
//! Everything the outputs need is here: plan.json is this struct, the CSVs, the GeoJSON
//! and report.html are drawn from it alone, so the service can return it and render the
//! same files. It holds no wall-clock time or duration: the same inputs and seed give the
//! same outcome, byte for byte once serialised.

use crate::ids::{BreakId, CentreId, OrderId, RunId, SkuId, StationId, VehicleTypeId, ZoneId};
use crate::placement::PlacementReport;
use crate::routing::UnservedReason;
use crate::routing::from_scenario::{OffRoadStation, UnroutedReason};
use chrono::NaiveDate;
use serde::Serialize;

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanOutcome {
    /// Scenario name.
    pub scenario: String,
    /// Currency of every amount.
    pub currency: String,
    /// The seed the run used.
    pub seed: u64,
    /// What was forecast, with chart data.
    pub forecast: ForecastSummary,
    /// Where stock sits.
    pub placement: PlacementSummary,
    /// The delivery day's routes.
    pub routing: RoutingSummary,
    /// Zone outlines and centroids, for maps.
    pub zones: Vec<ZoneShape>,
}

/// The forecast run used and a digest for charts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastSummary {
    /// The run in the store.
    pub run_id: RunId,
    /// Whether an existing run of the same data and configuration was reused. Not
    /// serialised: a first run and its re-run must give the same plan.json.
    #[serde(skip)]
    pub reused: bool,
    /// Number of (sku, zone) series forecast.
    pub series: usize,
    /// Periods forecast.
    pub horizon: usize,
    /// Units in the history.
    pub history_units: f64,
    /// Mean units forecast over the horizon.
    pub forecast_units: f64,
    /// All SKUs and zones together.
    pub total: DemandChart,
    /// The SKUs with the most forecast units, largest first.
    pub top_skus: Vec<SkuChart>,
}

/// History and forecast of one aggregate, per period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandChart {
    /// The last periods of history (units per period).
    pub history: Vec<HistoryPoint>,
    /// The forecast (units per period); `p90` is the P90 of the sum of the series
    /// ([`forecast::band`](crate::forecast::band): independent series, normal sum).
    pub forecast: Vec<ForecastPoint>,
}

/// Units in one past period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HistoryPoint {
    /// First day of the period.
    pub period: NaiveDate,
    /// Units.
    pub units: f64,
}

/// The forecast of one period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForecastPoint {
    /// First day of the period.
    pub period: NaiveDate,
    /// Mean units.
    pub mean: f64,
    /// P90 of the summed units (>= `mean`), see [`crate::forecast::band`].
    pub p90: f64,
}

/// One SKU's chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkuChart {
    /// The SKU.
    pub sku: SkuId,
    /// Its history and forecast over all zones.
    pub chart: DemandChart,
}

/// The placement report with capacity use per centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacementSummary {
    /// Periods the stock covers.
    pub cycle_periods: f64,
    /// The plan's fill rate two ways, side by side: what the LP expects and what replaying
    /// realised demand gives.
    pub fill_rate: FillRates,
    /// Objective, KPIs, shadow prices, stock and flows.
    pub report: PlacementReport,
    /// Capacity use per centre, scenario order.
    pub centres: Vec<CentreUse>,
    /// Centre -> zone pairs priced by road distance (the rest by straight line).
    pub road_pairs: usize,
    /// What `placement::check` found wrong (empty for a checked plan).
    pub check_violations: Vec<String>,
}

/// Expected and replayed fill rate of a placement plan.
///
/// They answer different questions and differ on lumpy demand: `expected` pools the mean
/// forecast over the cycle, so a plan that covers the mean scores 1 however the days fall;
/// `replayed` serves the real rows of the last cycle of history one day at a time
/// ([`placement::replay`](crate::placement::replay())), so a day's spike that the stock in
/// the right centre cannot cover is lost. The history's last cycle is the only realised
/// demand a plan has (its forecast looks past the history); it is demand the forecast was
/// fitted on, so the replay is in-sample, and the experiments replay held-back demand.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FillRates {
    /// Expected (LP): share of the mean forecast demand over the cycle that the plan serves.
    pub expected: f64,
    /// Replayed: share of the realised demand of `replay_from..=replay_to` served from the
    /// plan's stock, day by day, without replenishment.
    pub replayed: f64,
    /// First day replayed.
    pub replay_from: Option<NaiveDate>,
    /// Last day replayed (the history's last day).
    pub replay_to: Option<NaiveDate>,
    /// Units demanded on the replayed days.
    pub replay_demand_units: f64,
}

/// One centre's stock, capacity use and shadow prices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CentreUse {
    /// The centre.
    pub centre: CentreId,
    /// Its name.
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Units held.
    pub stock_units: f64,
    /// Storage used, m3.
    pub storage_used_m3: f64,
    /// Storage capacity, m3.
    pub storage_m3: f64,
    /// Units shipped over the cycle.
    pub shipped_units: f64,
    /// Outbound capacity over the cycle, units.
    pub throughput_units: f64,
    /// Saving of one more m3 of storage (currency per m3 per cycle).
    pub storage_shadow_price: f64,
    /// Saving of one more unit of outbound capacity (currency per unit).
    pub throughput_shadow_price: f64,
}

/// Routes of the delivery day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutingSummary {
    /// Hour the travel times were computed for.
    pub departure_hour: u8,
    /// Search iterations per station.
    pub max_iterations: u64,
    /// Per routed station.
    pub stations: Vec<StationRoutes>,
    /// Every order not delivered, with the reason.
    pub unserved: Vec<UnservedOrder>,
    /// Stations not on the road graph.
    pub off_road_stations: Vec<OffRoadStation>,
    /// Orders in the scenario.
    pub orders: usize,
    /// Orders delivered.
    pub served: usize,
    /// Vehicles used.
    pub vehicles: usize,
    /// Kilometres driven.
    pub distance_km: f64,
    /// Cost of all routes.
    pub cost: f64,
}

/// One station's routes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationRoutes {
    /// The station.
    pub station: StationId,
    /// Its name.
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// The routes, by vehicle type then vehicle.
    pub routes: Vec<PlannedRoute>,
    /// What `routing::check` found wrong (empty for a checked plan).
    pub check_violations: Vec<String>,
}

/// One vehicle's route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRoute {
    /// Vehicle type id.
    pub vehicle_type: VehicleTypeId,
    /// Which vehicle of the type, numbered from 1: the number every output shows (CLI,
    /// report.html, routes.csv, routes.geojson), so plan.json says "van 1" where they do.
    pub vehicle: usize,
    /// Visits in order.
    pub stops: Vec<Visit>,
    /// Leaves the station, seconds since midnight.
    pub start_s: f64,
    /// Back at the station, seconds since midnight.
    pub end_s: f64,
    /// Distance driven, km.
    pub distance_km: f64,
    /// Kilograms carried.
    pub weight_kg: f64,
    /// Cubic metres carried.
    pub volume_m3: f64,
    /// Largest of weight and volume use, percent of capacity.
    pub load_pct: f64,
    /// Fixed + distance + time cost.
    pub cost: f64,
    /// Road polyline, `[lon, lat]` degrees, station to station.
    pub path: Vec<[f64; 2]>,
    /// Driver breaks taken, in order (absent for a vehicle type without breaks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<PlannedBreak>,
}

/// A driver break on a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedBreak {
    /// The break's id in the scenario's fleet.
    pub id: BreakId,
    /// Stops delivered before it (0: on the way to the first).
    pub after: usize,
    /// Starts, seconds since midnight.
    pub start_s: f64,
    /// Ends, seconds since midnight.
    pub end_s: f64,
}

/// A stop on a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Visit {
    /// The order delivered.
    pub order: OrderId,
    /// Its zone.
    pub zone: Option<ZoneId>,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Arrival, seconds since midnight.
    pub arrival_s: f64,
    /// Service start (after waiting for the window), seconds since midnight.
    pub start_s: f64,
    /// Departure, seconds since midnight.
    pub departure_s: f64,
    /// Kilograms delivered.
    pub weight_kg: f64,
    /// Cubic metres delivered.
    pub volume_m3: f64,
}

/// Why an order is not delivered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum UnservedCause {
    /// Before routing (no roads, not snapped, no station...).
    Unrouted(UnroutedReason),
    /// The solver could not fit it.
    Solver {
        /// Capacity, time window, unreachable or no vehicle left.
        code: UnservedReason,
    },
}

/// An order not delivered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnservedOrder {
    /// The order.
    pub order: OrderId,
    /// Its station, when one was chosen.
    pub station: Option<StationId>,
    /// Why (`code` names it).
    pub reason: UnservedCause,
}

/// A zone for maps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneShape {
    /// The zone.
    pub zone: ZoneId,
    /// Centroid latitude, degrees.
    pub lat: f64,
    /// Centroid longitude, degrees.
    pub lon: f64,
    /// Exterior ring `[lon, lat]` (empty when the zone has no polygon).
    pub ring: Vec<[f64; 2]>,
}
