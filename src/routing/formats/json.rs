//! The service's own JSON problem format (also accepted by `stockroute route --format
//! json`).
//!
//! Designed for HTTP callers: stops, depots and vehicles carry string ids and are referred
//! to by id; locations are either coordinates or explicit matrices (`null` = no path);
//! optional fields have sensible defaults; the request may carry its own time limit and
//! seed. Unknown fields are refused so a typo never passes silently.
//!
//! ```
//! use stockroute::routing::formats::json;
//! let req = json::parse(r#"{
//!   "locations": {"coordinates": [[0, 0], [3, 4]]},
//!   "depots": [{"id": "D", "location": 0}],
//!   "vehicles": [{"id": "van", "capacity": [10], "start_depot": "D"}],
//!   "stops": [{"id": "a", "location": 1, "demand": [2]}],
//!   "time_limit_s": 1
//! }"#)?;
//! assert_eq!(req.problem.stops.len(), 1);
//! Ok::<(), stockroute::Error>(())
//! ```

use crate::ids::{BreakId, SkillId, StationId, StopId, VehicleTypeId};
use crate::issue::Issue;
use crate::routing::breaks::Break;
use crate::routing::error::{RoutingError, violation};
use crate::routing::model::{
    Balance, BalanceMeasure, Depot, Locations, Metric, Objective, Problem, Shipment, Stop,
    TimeWindow, VehicleType,
};
use crate::routing::solution::{Solution, UnservedReason};
use serde::{Deserialize, Serialize};

/// A routing request as sent to the service.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonProblem {
    /// Name for reports.
    #[serde(default)]
    pub name: String,
    /// Coordinates or matrices.
    pub locations: JsonLocations,
    /// Further travel profiles over the same locations (default none): a vehicle that
    /// names one in its `profile` drives that profile's matrices (a cargo bike on cycle
    /// paths beside vans on roads), every other vehicle drives `locations`. At most
    /// [`MAX_PROFILES`], each with the locations' count of rows and columns.
    #[serde(default)]
    #[schema(example = json!([{"name": "bike", "distance": [[0, 900], [900, 0]], "duration": [[0, 216], [216, 0]]}]))]
    pub profiles: Vec<JsonProfile>,
    /// Depots.
    pub depots: Vec<JsonDepot>,
    /// Vehicle types.
    pub vehicles: Vec<JsonVehicle>,
    /// Stops.
    pub stops: Vec<JsonStop>,
    /// Pickup-and-delivery pairs among the stops, by stop id (default none): the same
    /// route serves both, the pickup first; the pickup's `demand` is loaded there and
    /// unloaded at the delivery (whose `demand` must be the same), and the load never
    /// exceeds the vehicle's capacity along the route. Stops in no shipment are
    /// deliveries from the depot.
    #[serde(default)]
    #[schema(example = json!([{"pickup": "shop-3", "delivery": "customer-17"}]))]
    pub shipments: Vec<JsonShipment>,
    /// Objective options.
    #[serde(default)]
    pub objective: JsonObjective,
    /// Time limit of the solve in seconds.
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Seed of the solve.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Stop the search after this many iterations per worker (the time limit still
    /// applies): with a seed, the same request then gets the same answer on any machine.
    #[serde(default)]
    pub max_iterations: Option<u64>,
}

/// Either `coordinates` (+ optional `metric`) or `distance` (+ optional `duration`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonLocations {
    /// Planar points `[x, y]`. Read as lists so that a point of another length is a
    /// violation naming its index (`locations.coordinates[3]`), not a bare parse error.
    #[serde(default)]
    pub coordinates: Option<Vec<Vec<f64>>>,
    /// `euclidean` (default) or `euclidean_rounded`.
    #[serde(default)]
    pub metric: Option<Metric>,
    /// Distance matrix; `null` marks no path.
    #[serde(default)]
    pub distance: Option<Vec<Vec<Option<f64>>>>,
    /// Travel-time matrix (defaults to the distance matrix).
    #[serde(default)]
    pub duration: Option<Vec<Vec<Option<f64>>>>,
}

/// Most further travel profiles one request may give.
pub const MAX_PROFILES: usize = 8;

/// The matrices of one further travel profile.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonProfile {
    /// What vehicles name in their `profile`.
    pub name: String,
    /// Distance matrix over the problem's locations, in the problem's distance unit;
    /// `null` marks no path for this profile (a motorway a bike may not take).
    pub distance: Vec<Vec<Option<f64>>>,
    /// Travel-time matrix in the problem's time unit (defaults to the distance matrix).
    #[serde(default)]
    pub duration: Option<Vec<Vec<Option<f64>>>>,
}

/// A depot.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonDepot {
    /// Its id.
    #[schema(value_type = String)]
    pub id: StationId,
    /// Location index.
    pub location: usize,
}

fn one() -> usize {
    1
}

fn unit() -> f64 {
    1.0
}

/// A vehicle type.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonVehicle {
    /// Its id.
    #[schema(value_type = String)]
    pub id: VehicleTypeId,
    /// How many (default 1).
    #[serde(default = "one")]
    pub count: usize,
    /// Capacity per dimension.
    pub capacity: Vec<i64>,
    /// Start depot id.
    #[schema(value_type = String)]
    pub start_depot: StationId,
    /// End depot id (default: the start depot).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub end_depot: Option<StationId>,
    /// Whether routes end at their last stop instead of a depot (an open route: no way
    /// back is driven, timed or paid; the shift end binds the last service's end).
    /// Default false; with `end_depot` it is an error (`E1042`).
    #[serde(default)]
    pub open_end: bool,
    /// Multi-trip: how many times a route may go back to its start depot to reload,
    /// each trip carrying at most `capacity` (count, at most 32; default 0: one trip).
    /// Where it reloads is the solver's choice, stated in the answer's `reloads`.
    #[serde(default)]
    pub max_reloads: usize,
    /// How long one reload takes at the depot, in the problem's time unit (default 0).
    #[serde(default)]
    pub reload_time: f64,
    /// Shift (default: always).
    #[serde(default)]
    pub shift: Option<TimeWindow>,
    /// Longest route duration.
    #[serde(default)]
    pub max_duration: Option<f64>,
    /// Cost of using the vehicle.
    #[serde(default)]
    pub fixed_cost: f64,
    /// Cost per distance unit (default 1).
    #[serde(default = "unit")]
    pub cost_per_distance: f64,
    /// Cost per time unit.
    #[serde(default)]
    pub cost_per_time: f64,
    /// Skills every vehicle of this type has (default none); it serves only stops whose
    /// `skills` are all among them. At most 64 distinct skills per request.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["fridge", "tail_lift"]))]
    pub skills: Vec<SkillId>,
    /// Most stops one route of this type serves (default: no limit).
    #[serde(default)]
    #[schema(example = 40)]
    pub max_stops: Option<usize>,
    /// Longest distance one route drives, depot to depot, in the distance unit of the
    /// locations (metres on roads; default: no limit).
    #[serde(default)]
    #[schema(example = 80000.0)]
    pub max_distance: Option<f64>,
    /// Driver breaks every used vehicle of this type takes once each, in this order,
    /// between stops (on the road or while waiting), each starting inside one of its
    /// windows (default none; at most 8).
    #[serde(default)]
    pub breaks: Vec<JsonBreak>,
    /// The `name` of one of `profiles` this vehicle drives (default: `locations`). With
    /// the service's `roads=true`: a road profile (`van`, `car`, `truck`, `bicycle` or
    /// `bike`, `foot`) among those its scenario's fleet drives, whose graph then gives the
    /// vehicle's metres, seconds and drawn route (default: the van's).
    #[serde(default)]
    #[schema(example = "bike")]
    pub profile: Option<String>,
}

/// A driver break of a vehicle type.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "lunch", "windows": [{"start": 39600, "end": 50400}], "duration": 1800}))]
pub struct JsonBreak {
    /// Its id, unique within the vehicle type.
    #[schema(value_type = String)]
    pub id: BreakId,
    /// When it may start: at least one window, sorted and disjoint.
    pub windows: Vec<TimeWindow>,
    /// How long it lasts.
    pub duration: f64,
}

/// A stop.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonStop {
    /// Its id.
    #[schema(value_type = String)]
    pub id: StopId,
    /// Location index.
    pub location: usize,
    /// Demand per dimension (default: zeros).
    #[serde(default)]
    pub demand: Option<Vec<i64>>,
    /// Service time.
    #[serde(default)]
    pub service_time: f64,
    /// When service may start (default: always), in the time unit of the locations
    /// (seconds on roads). Give this or `time_windows`, not both.
    #[serde(default)]
    pub time_window: Option<TimeWindow>,
    /// Several windows, sorted and disjoint: service starts inside one of them, a vehicle
    /// arriving between two waits for the next. Same unit as `time_window`.
    #[serde(default)]
    #[schema(example = json!([{"start": 28800.0, "end": 36000.0}, {"start": 50400.0, "end": 57600.0}]))]
    pub time_windows: Option<Vec<TimeWindow>>,
    /// Cost of leaving the stop unserved, in the cost unit of the vehicles' costs. A stop
    /// with a penalty (this, `prize`, or `objective.unserved_penalty`) is optional: it is
    /// left out when serving it would cost more. Without one it is required: left out
    /// only when no vehicle can serve it.
    #[serde(default)]
    pub unserved_penalty: Option<f64>,
    /// The same as `unserved_penalty` under the name OR-Tools and prize-collecting VRP
    /// users know (what serving the stop earns); give one of the two.
    #[serde(default)]
    #[schema(example = 250.0)]
    pub prize: Option<f64>,
    /// Skills the serving vehicle must have (default none).
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["fridge"]))]
    pub skills: Vec<SkillId>,
    /// What the vehicle collects here and brings back to its end depot (returns, empty
    /// crates), per capacity dimension, in the capacity's units (default none): the load
    /// falls by `demand` and rises by this at the stop, and never exceeds the capacity
    /// along the route. Not on a shipment's stops.
    #[serde(default)]
    #[schema(example = json!([3]))]
    pub backhaul: Option<Vec<i64>>,
}

/// A pickup and its delivery, by stop id.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonShipment {
    /// Id of the stop where the goods are loaded.
    #[schema(value_type = String, example = "shop-3")]
    pub pickup: StopId,
    /// Id of the stop where they are unloaded (after the pickup, on the same route).
    #[schema(value_type = String, example = "customer-17")]
    pub delivery: StopId,
}

/// Objective options.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonObjective {
    /// Minimise vehicles first.
    #[serde(default)]
    pub vehicles_first: bool,
    /// Default unserved penalty.
    #[serde(default)]
    pub unserved_penalty: Option<f64>,
    /// Balanced routes: `weight` times the longest route's duration (`max_duration`, cost
    /// per time unit) or times the most stops on a route less the fewest (`stop_spread`,
    /// cost per stop), added to the cost. Default: none.
    #[serde(default)]
    pub balance: Option<JsonBalance>,
}

/// A balanced-routes objective term.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonBalance {
    /// What is evened out.
    pub measure: BalanceMeasure,
    /// Cost per unit of the measure: per time unit of the longest route, or per stop of
    /// spread; in [0, 1e9].
    #[schema(example = 0.5)]
    pub weight: f64,
}

/// A parsed request: the problem and the solve options it carried.
#[derive(Debug, Clone)]
pub struct Request {
    /// The problem.
    pub problem: Problem,
    /// Time limit in seconds, if given.
    pub time_limit_s: Option<f64>,
    /// Seed, if given.
    pub seed: Option<u64>,
    /// Iteration budget per worker, if given.
    pub max_iterations: Option<u64>,
}

/// Parses a JSON request.
///
/// # Errors
/// [`RoutingError::Parse`] for malformed JSON (with its line), [`RoutingError::Invalid`]
/// for unknown depot ids or missing locations (all listed).
pub fn parse(text: &str) -> Result<Request, RoutingError> {
    let raw: JsonProblem = serde_json::from_str(text)
        .map_err(|e| RoutingError::parse("json", e.line(), e.to_string()))?;
    convert(raw)
}

/// Converts the wire form into a [`Request`].
///
/// # Errors
/// [`RoutingError::Invalid`] for unknown depot ids or missing locations.
pub fn convert(mut raw: JsonProblem) -> Result<Request, RoutingError> {
    let mut v = Vec::new();
    let given = std::mem::take(&mut raw.locations);
    let locations = match (given.coordinates, given.distance) {
        (Some(points), None) => Locations::Coordinates {
            points: pairs(&points, &mut v),
            metric: given.metric.unwrap_or(Metric::Euclidean),
        },
        (None, Some(distance)) => matrix_locations(distance, given.duration),
        _ => {
            let message = "give either `coordinates` or a `distance` matrix".to_owned();
            v.push(violation("E1006", "locations".into(), message));
            Locations::Coordinates { points: Vec::new(), metric: Metric::Euclidean }
        }
    };
    build(raw, locations, Vec::new(), v)
}

/// Explicit matrices, `null` read as no path; the duration defaults to the distance.
fn matrix_locations(
    distance: Vec<Vec<Option<f64>>>,
    duration: Option<Vec<Vec<Option<f64>>>>,
) -> Locations {
    let inf = |m: Vec<Vec<Option<f64>>>| -> Vec<Vec<f64>> {
        m.into_iter().map(|r| r.into_iter().map(|x| x.unwrap_or(f64::INFINITY)).collect()).collect()
    };
    let duration = duration.map_or_else(|| inf(distance.clone()), inf);
    Locations::Matrix { distance: inf(distance), duration }
}

/// The further profiles of a request, and each one's number (1 for the first) by name:
/// `E1040` for more than [`MAX_PROFILES`] or a name given twice.
fn profiles(given: Vec<JsonProfile>, v: &mut Vec<Issue>) -> (Vec<Locations>, Vec<String>) {
    if given.len() > MAX_PROFILES {
        let message = format!("at most {MAX_PROFILES} profiles, got {}", given.len());
        v.push(violation("E1040", "profiles".into(), message));
        return (Vec::new(), Vec::new());
    }
    let mut names: Vec<String> = Vec::with_capacity(given.len());
    let mut travel = Vec::with_capacity(given.len());
    for (i, x) in given.into_iter().enumerate() {
        if names.contains(&x.name) {
            let message = format!("profile name `{}` is used twice", x.name);
            v.push(violation("E1040", format!("profiles[{i}].name"), message));
        }
        names.push(x.name);
        travel.push(matrix_locations(x.distance, x.duration));
    }
    (travel, names)
}

/// The points of `locations.coordinates` as `[x, y]` pairs; a point with another number of
/// elements is an `E1006` violation at its index (and stands as `[0, 0]` meanwhile).
fn pairs(points: &[Vec<f64>], v: &mut Vec<Issue>) -> Vec<[f64; 2]> {
    points
        .iter()
        .enumerate()
        .map(|(i, p)| match p.as_slice() {
            &[x, y] => [x, y],
            other => {
                let message = format!("a point has 2 numbers, this one {}", other.len());
                v.push(violation("E1006", format!("locations.coordinates[{i}]"), message));
                [0.0, 0.0]
            }
        })
        .collect()
}

/// The points of `locations.coordinates` as `[x, y]` (or `[lon, lat]`) pairs.
///
/// # Errors
/// [`RoutingError::Invalid`] naming every point that does not have exactly 2 numbers.
pub fn coordinate_pairs(points: &[Vec<f64>]) -> Result<Vec<[f64; 2]>, RoutingError> {
    let mut v = Vec::new();
    let pairs = pairs(points, &mut v);
    if v.is_empty() { Ok(pairs) } else { Err(RoutingError::Invalid(v)) }
}

/// Converts a request whose locations the caller has already resolved (the service's road
/// matrices): `locations` is used as given and `raw.locations` is ignored. The rest is
/// checked as [`convert`] does.
///
/// # Errors
/// As [`convert`].
pub fn convert_with(raw: JsonProblem, locations: Locations) -> Result<Request, RoutingError> {
    build(raw, locations, Vec::new(), Vec::new())
}

/// [`convert_with`], and further travels the caller resolved too, by the name vehicles
/// give in `profile` (the service's road graph of each vehicle profile), after any of
/// `raw.profiles`.
///
/// # Errors
/// As [`convert`].
pub fn convert_with_profiles(
    raw: JsonProblem,
    locations: Locations,
    profiles: Vec<(String, Locations)>,
) -> Result<Request, RoutingError> {
    build(raw, locations, profiles, Vec::new())
}

/// Depots, vehicles, stops and objective of `raw` around `locations`; `v` holds the
/// violations found so far.
fn build(
    raw: JsonProblem,
    locations: Locations,
    resolved: Vec<(String, Locations)>,
    mut v: Vec<Issue>,
) -> Result<Request, RoutingError> {
    let depot = |id: &StationId, field: String, v: &mut Vec<Issue>| -> usize {
        raw.depots.iter().position(|d| &d.id == id).unwrap_or_else(|| {
            v.push(violation("E1007", field, format!("no depot `{id}`")));
            0
        })
    };
    if raw.vehicles.iter().all(|x| x.count == 0) {
        let message = "the problem has no vehicle, so no stop could be served".to_owned();
        v.push(violation("no_vehicle", "vehicles".into(), message));
    }
    let dims = raw.vehicles.first().map_or(0, |x| x.capacity.len());
    let (mut profiles, mut names) = profiles(raw.profiles, &mut v);
    for (name, travel) in resolved {
        names.push(name);
        profiles.push(travel);
    }
    let mut vehicle_types = Vec::new();
    for (i, x) in raw.vehicles.iter().enumerate() {
        let start = depot(&x.start_depot, format!("vehicles[{i}].start_depot"), &mut v);
        let end = match (&x.end_depot, x.open_end) {
            (Some(e), false) => Some(depot(e, format!("vehicles[{i}].end_depot"), &mut v)),
            (None, false) => Some(start),
            (None, true) => None,
            (Some(_), true) => {
                let message = "an open route has no end depot".to_owned();
                v.push(violation("E1042", format!("vehicles[{i}].open_end"), message));
                None
            }
        };
        let profile = match &x.profile {
            None => 0,
            Some(name) => names.iter().position(|n| n == name).map_or_else(
                || {
                    let message = format!("no profile `{name}` in `profiles`");
                    v.push(violation("E1040", format!("vehicles[{i}].profile"), message));
                    0
                },
                |k| k + 1,
            ),
        };
        vehicle_types.push(VehicleType {
            id: x.id.clone(),
            count: x.count,
            capacity: x.capacity.clone(),
            start_depot: start,
            end_depot: end,
            shift: x.shift.unwrap_or_default(),
            max_duration: x.max_duration,
            fixed_cost: x.fixed_cost,
            cost_per_distance: x.cost_per_distance,
            cost_per_time: x.cost_per_time,
            skills: x.skills.clone(),
            max_stops: x.max_stops,
            max_distance: x.max_distance,
            breaks: x
                .breaks
                .iter()
                .map(|b| Break {
                    id: b.id.clone(),
                    windows: b.windows.clone(),
                    duration: b.duration,
                })
                .collect(),
            profile,
            max_reloads: x.max_reloads,
            reload_time: x.reload_time,
        });
    }
    let shipments = shipments(&raw.shipments, &raw.stops, &mut v);
    let mut stops = Vec::with_capacity(raw.stops.len());
    for (i, s) in raw.stops.into_iter().enumerate() {
        let both = |a: &str, b: &str, v: &mut Vec<Issue>| {
            let message = format!("`{a}` and `{b}` are both given");
            v.push(violation("E1013", format!("stops[{i}].{b}"), message));
        };
        if s.time_window.is_some() && s.time_windows.is_some() {
            both("time_window", "time_windows", &mut v);
        }
        if s.unserved_penalty.is_some() && s.prize.is_some() {
            both("unserved_penalty", "prize", &mut v);
        }
        let mut windows = s.time_windows.unwrap_or_default().into_iter();
        let first = s.time_window.or_else(|| windows.next()).unwrap_or_default();
        stops.push(Stop {
            id: s.id,
            location: s.location,
            demand: s.demand.unwrap_or_else(|| vec![0; dims]),
            service_time: s.service_time,
            time_window: first,
            extra_windows: windows.collect(),
            unserved_penalty: s.unserved_penalty.or(s.prize),
            skills: s.skills,
            backhaul: s.backhaul.unwrap_or_default(),
        });
    }
    let problem = Problem {
        profiles,
        name: raw.name,
        locations,
        depots: raw.depots.into_iter().map(|d| Depot { id: d.id, location: d.location }).collect(),
        vehicle_types,
        stops,
        objective: Objective {
            vehicles_first: raw.objective.vehicles_first,
            unserved_penalty: raw.objective.unserved_penalty,
            balance: raw
                .objective
                .balance
                .map(|b| Balance { measure: b.measure, weight: b.weight }),
        },
        shipments,
    };
    if !v.is_empty() {
        return Err(RoutingError::Invalid(v));
    }
    problem.validate().map_err(|e| match e {
        RoutingError::Invalid(issues) => {
            RoutingError::Invalid(issues.into_iter().map(wire_path).collect())
        }
        other => other,
    })?;
    Ok(Request {
        problem,
        time_limit_s: raw.time_limit_s,
        seed: raw.seed,
        max_iterations: raw.max_iterations,
    })
}

/// The shipments by stop index; an id no stop has is an `E1030` violation naming the field
/// (`shipments[2].delivery`); the model's rules (`E1031`, `E1032`) follow in validation.
fn shipments(given: &[JsonShipment], stops: &[JsonStop], v: &mut Vec<Issue>) -> Vec<Shipment> {
    let index: std::collections::HashMap<&str, usize> =
        stops.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut out = Vec::with_capacity(given.len());
    for (i, x) in given.iter().enumerate() {
        let mut find = |id: &StopId, name: &str| {
            let found = index.get(id.as_str()).copied();
            if found.is_none() {
                let field = format!("shipments[{i}].{name}");
                v.push(violation("E1030", field, format!("no stop `{id}`")));
            }
            found
        };
        if let (Some(pickup), Some(delivery)) =
            (find(&x.pickup, "pickup"), find(&x.delivery, "delivery"))
        {
            out.push(Shipment { pickup, delivery });
        }
    }
    out
}

/// The model calls vehicles `vehicle_types[i]`; the request calls them `vehicles[i]`, and
/// the caller must be told the field it sent.
fn wire_path(mut issue: Issue) -> Issue {
    if let crate::issue::Location::Path { path } = &mut issue.location
        && let Some(rest) = path.strip_prefix("vehicle_types")
    {
        *path = format!("vehicles{rest}");
    }
    issue
}

/// A route in the service's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonRoute {
    /// Vehicle type id.
    pub vehicle_type: VehicleTypeId,
    /// Which vehicle of its type, numbered from 1 (as in plan.json, the report and the API).
    pub vehicle: usize,
    /// Stop ids in visiting order.
    pub stops: Vec<StopId>,
    /// Distance driven.
    pub distance: f64,
    /// Time from shift start to return, breaks included.
    pub duration: f64,
    /// Where the route takes its vehicle type's breaks, in order (absent without breaks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<JsonBreakVisit>,
    /// Multi-trip: after how many of `stops` the vehicle goes back to its start depot to
    /// reload, ascending (count of stops; absent for one trip).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reloads: Vec<usize>,
}

/// A break taken on a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonBreakVisit {
    /// The break's id.
    pub id: BreakId,
    /// How many of the route's stops come before it (0: on the way to the first).
    pub after: usize,
    /// When it starts, on the clock of the time windows.
    pub start: f64,
    /// How long it lasts.
    pub duration: f64,
}

/// An unserved stop in the service's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonUnserved {
    /// Stop id.
    pub id: StopId,
    /// Why.
    pub reason: UnservedReason,
}

/// The service's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonSolution {
    /// Route cost.
    pub cost: f64,
    /// Total distance.
    pub distance: f64,
    /// Vehicles used.
    pub vehicles: usize,
    /// Routes.
    pub routes: Vec<JsonRoute>,
    /// Unserved stops.
    pub unserved: Vec<JsonUnserved>,
}

/// Renders a solution with the problem's ids.
pub fn to_json(problem: &Problem, s: &Solution) -> JsonSolution {
    JsonSolution {
        cost: s.cost,
        distance: s.distance,
        vehicles: s.vehicles(),
        routes: s
            .routes
            .iter()
            .map(|r| JsonRoute {
                vehicle_type: problem.vehicle_types[r.vehicle_type].id.clone(),
                vehicle: r.vehicle + 1,
                stops: r.stops.iter().map(|&i| problem.stops[i].id.clone()).collect(),
                distance: r.distance,
                duration: r.duration,
                breaks: r
                    .breaks_taken(problem)
                    .map(|(b, spec)| JsonBreakVisit {
                        id: spec.id.clone(),
                        after: b.after,
                        start: b.start,
                        duration: spec.duration,
                    })
                    .collect(),
                reloads: r.reloads.clone(),
            })
            .collect(),
        unserved: s
            .unserved
            .iter()
            .map(|u| JsonUnserved { id: problem.stops[u.stop].id.clone(), reason: u.reason })
            .collect(),
    }
}
