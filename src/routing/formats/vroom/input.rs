//! VROOM's input JSON as serde types (VROOM's `docs/API.md`, "Input").
//!
//! Every object refuses unknown keys (`deny_unknown_fields`), so a typo or a key of a newer
//! VROOM is a 422 naming its JSON path. Keys VROOM documents that stockroute does not
//! honour are *read* (as raw JSON, or as the number they are) so that
//! [`super::refuse`] can name each one, all at once, with why; nothing is silently ignored.
//! Numbers are VROOM's unsigned integers (seconds, metres, amounts), so a negative or
//! fractional value is refused by the reader with its path.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A VROOM problem: `jobs`, `shipments`, `vehicles` and optional per-profile `matrices`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomInput {
    /// Single-location tasks (default none).
    #[serde(default)]
    pub jobs: Vec<VroomJob>,
    /// Pickup-and-delivery pairs (default none).
    #[serde(default)]
    pub shipments: Vec<VroomShipment>,
    /// The vehicles, one route each.
    pub vehicles: Vec<VroomVehicle>,
    /// Custom matrices per vehicle profile (`durations`, optional `distances`). Without
    /// them every location must be `[lon, lat]` coordinates, routed on the service's road
    /// graph.
    #[serde(default)]
    pub matrices: Option<BTreeMap<String, VroomMatrices>>,
    /// VROOM's deprecated single matrix: refused (use `matrices`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub matrix: Option<serde_json::Value>,
}

/// A job: one task at one place.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomJob {
    /// Its id (an integer, no unit), unique among jobs.
    pub id: u64,
    /// Free text, echoed in the answer.
    #[serde(default)]
    pub description: Option<String>,
    /// `[lon, lat]` in degrees.
    #[serde(default)]
    pub location: Option<[f64; 2]>,
    /// Row and column in the custom matrices (an index).
    #[serde(default)]
    pub location_index: Option<usize>,
    /// Setup duration in seconds: only 0 is accepted (setup times are not modelled yet).
    #[serde(default)]
    pub setup: Option<u64>,
    /// Service duration in seconds (default 0).
    #[serde(default)]
    pub service: u64,
    /// Refused: service times per vehicle type are not modelled.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub setup_per_type: Option<serde_json::Value>,
    /// Refused: service times per vehicle type are not modelled.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub service_per_type: Option<serde_json::Value>,
    /// VROOM's deprecated `amount`: refused (use `delivery`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub amount: Option<serde_json::Value>,
    /// Amounts delivered (units per capacity dimension), loaded at the vehicle's start.
    #[serde(default)]
    pub delivery: Option<Vec<u64>>,
    /// Amounts picked up and brought back to the vehicle's end (units per dimension):
    /// only zeros are accepted (model a pickup as a shipment).
    #[serde(default)]
    pub pickup: Option<Vec<u64>>,
    /// Skills the vehicle must have (integers, no unit).
    #[serde(default)]
    pub skills: Vec<u32>,
    /// Priority in `[0, 100]` (no unit): every task must have the same one.
    #[serde(default)]
    pub priority: u32,
    /// `[start, end]` pairs in seconds: service starts inside one of them.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Vec<u64>>>)]
    pub time_windows: Option<Vec<[u64; 2]>>,
}

/// A shipment: a pickup and its delivery on the same route, pickup first.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomShipment {
    /// Where the goods are loaded.
    pub pickup: VroomShipmentStep,
    /// Where they are unloaded.
    pub delivery: VroomShipmentStep,
    /// Amount carried from pickup to delivery (units per capacity dimension).
    #[serde(default)]
    pub amount: Option<Vec<u64>>,
    /// Skills the vehicle must have (integers, no unit).
    #[serde(default)]
    pub skills: Vec<u32>,
    /// Priority in `[0, 100]` (no unit): every task must have the same one.
    #[serde(default)]
    pub priority: u32,
}

/// One end of a shipment.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomShipmentStep {
    /// Its id (an integer, no unit), unique among pickups (resp. deliveries).
    pub id: u64,
    /// Free text, echoed in the answer.
    #[serde(default)]
    pub description: Option<String>,
    /// `[lon, lat]` in degrees.
    #[serde(default)]
    pub location: Option<[f64; 2]>,
    /// Row and column in the custom matrices (an index).
    #[serde(default)]
    pub location_index: Option<usize>,
    /// Setup duration in seconds: only 0 is accepted.
    #[serde(default)]
    pub setup: Option<u64>,
    /// Service duration in seconds (default 0).
    #[serde(default)]
    pub service: u64,
    /// Refused: service times per vehicle type are not modelled.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub setup_per_type: Option<serde_json::Value>,
    /// Refused: service times per vehicle type are not modelled.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub service_per_type: Option<serde_json::Value>,
    /// `[start, end]` pairs in seconds: service starts inside one of them.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Vec<u64>>>)]
    pub time_windows: Option<Vec<[u64; 2]>>,
}

/// A vehicle.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomVehicle {
    /// Its id (an integer, no unit).
    pub id: u64,
    /// Routing profile (default `car`): all vehicles must share one.
    #[serde(default)]
    pub profile: Option<String>,
    /// Free text, echoed in the answer.
    #[serde(default)]
    pub description: Option<String>,
    /// Start `[lon, lat]` in degrees.
    #[serde(default)]
    pub start: Option<[f64; 2]>,
    /// Start row and column in the custom matrices (an index).
    #[serde(default)]
    pub start_index: Option<usize>,
    /// End `[lon, lat]` in degrees (required: open routes are not modelled yet).
    #[serde(default)]
    pub end: Option<[f64; 2]>,
    /// End row and column in the custom matrices (an index).
    #[serde(default)]
    pub end_index: Option<usize>,
    /// Capacity (units per dimension).
    #[serde(default)]
    pub capacity: Option<Vec<u64>>,
    /// Costs of using the vehicle.
    #[serde(default)]
    pub costs: Option<VroomCosts>,
    /// Skills the vehicle has (integers, no unit).
    #[serde(default)]
    pub skills: Vec<u32>,
    /// A vehicle type name (only used by `*_per_type`, which are refused).
    #[serde(default, rename = "type")]
    pub vehicle_type: Option<String>,
    /// Working hours `[start, end]` in seconds.
    #[serde(default)]
    #[schema(value_type = Option<Vec<u64>>)]
    pub time_window: Option<[u64; 2]>,
    /// Driver breaks, taken in this order between tasks (or while waiting).
    #[serde(default)]
    pub breaks: Option<Vec<VroomBreak>>,
    /// Travel time scale (no unit, in (0, 5], two decimals, default 1): the vehicle's
    /// travel times are its profile's divided by it, as in VROOM.
    #[serde(default)]
    pub speed_factor: Option<f64>,
    /// Most tasks in the route (count).
    #[serde(default)]
    pub max_tasks: Option<usize>,
    /// Refused: stockroute limits a route's whole duration, not its travel time (seconds).
    #[serde(default)]
    pub max_travel_time: Option<u64>,
    /// Longest route distance in metres.
    #[serde(default)]
    pub max_distance: Option<u64>,
    /// The route to evaluate in plan mode (`check=true`); refused when solving.
    #[serde(default)]
    pub steps: Option<Vec<VroomVehicleStep>>,
}

/// A driver break of a vehicle.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomBreak {
    /// Its id (no unit), unique within the vehicle.
    pub id: u64,
    /// `[start, end]` pairs in seconds: the break starts inside one of them (default: any
    /// time).
    #[serde(default)]
    #[schema(value_type = Option<Vec<Vec<u64>>>)]
    pub time_windows: Option<Vec<[u64; 2]>>,
    /// How long it lasts, in seconds (default 0).
    #[serde(default)]
    pub service: u64,
    /// Echoed in the answer.
    #[serde(default)]
    pub description: Option<String>,
    /// Refused: a most load on board during the break (units per capacity dimension) is not
    /// modelled.
    #[serde(default)]
    #[schema(value_type = Option<Vec<i64>>)]
    pub max_load: Option<serde_json::Value>,
}

/// A vehicle's costs (VROOM's integers, in the caller's currency).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomCosts {
    /// Cost of using the vehicle at all (currency, default 0).
    #[serde(default)]
    pub fixed: u64,
    /// Cost of one hour of travel (currency per hour, default 3600).
    #[serde(default)]
    pub per_hour: Option<u64>,
    /// Cost of one hour of task time (currency per hour): only 0 is accepted.
    #[serde(default)]
    pub per_task_hour: Option<u64>,
    /// Cost of one km driven (currency per km, default 0).
    #[serde(default)]
    pub per_km: u64,
}

/// The kind of a route step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VroomStepType {
    /// The vehicle's start.
    Start,
    /// A job.
    Job,
    /// A shipment's pickup.
    Pickup,
    /// A shipment's delivery.
    Delivery,
    /// A driver break (its `id` names one of the vehicle's breaks).
    Break,
    /// The vehicle's end.
    End,
}

/// One step of a given route (plan mode).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomVehicleStep {
    /// What the step is.
    #[serde(rename = "type")]
    pub step_type: VroomStepType,
    /// The task's id (an integer, no unit) for `job`, `pickup` and `delivery`.
    #[serde(default)]
    pub id: Option<u64>,
    /// Refused: a fixed service time in seconds.
    #[serde(default)]
    pub service_at: Option<u64>,
    /// Refused: an earliest service time in seconds.
    #[serde(default)]
    pub service_after: Option<u64>,
    /// Refused: a latest service time in seconds.
    #[serde(default)]
    pub service_before: Option<u64>,
}

/// The custom matrices of one profile (`[from][to]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VroomMatrices {
    /// Travel times in seconds (required).
    #[serde(default)]
    pub durations: Option<Vec<Vec<u64>>>,
    /// Distances in metres (optional; needed for `distance`, `per_km` and `max_distance`).
    #[serde(default)]
    pub distances: Option<Vec<Vec<u64>>>,
    /// Refused: a custom cost matrix is not modelled.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub costs: Option<serde_json::Value>,
}
