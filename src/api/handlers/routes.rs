//! `POST /v1/routes`: solve a routing problem within the request.
//!
//! The body is the crate's JSON problem format ([`crate::routing::formats::json`]). With
//! `?roads=true` its coordinates are `[lon, lat]` (GeoJSON order) and are snapped onto the
//! road graph of the scenario loaded at start; the distance and time matrices then come
//! from the roads (metres, seconds), and a stop too far from any road is answered as
//! unserved (`unreachable`) with its snap failure listed, never dropped. `&geometry=true`
//! adds the routes' road polylines as GeoJSON ([`crate::roads::geometry`]).
//!
//! Limits are checked before any work: at most `max_stops` stops and `max_locations`
//! locations (the matrices grow with its square, so it is checked before snapping or any
//! allocation), `time_limit_s` in
//! `(0, max_time_limit_s]`. The time limit counts from the request's arrival, so waiting for
//! a solver slot and building a road matrix are part of it. The solve runs on the blocking
//! pool behind the [solver slots](crate::api::slots), and every answer goes through the
//! independent checker (`feasible`).

use super::out_of_range;
use crate::api::config::{ServiceConfig, seconds};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{AppJson, AppQuery};
use crate::api::state::AppState;
use crate::roads::FleetRoads;
use crate::roads::error::RoadError;
use crate::roads::geometry::{GeoJsonBuilder, properties, route_line};
use crate::roads::graph::{RoadGraph, VehicleProfile};
use crate::roads::points::{MatrixTiming, PointPlace};
use crate::roads::snap::{DEFAULT_MAX_SNAP_M, Snapped};
use crate::roads::traffic::TrafficProfile;
use crate::routing::formats::json::{self, JsonProblem};
use crate::routing::model::Locations;
use crate::routing::road_locations;
use crate::routing::{self, Problem, RoadArcOptions, Solution, SolverConfig, StopReason};
use crate::{Interrupted, SolveContext};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

/// Query parameters of `POST /v1/routes`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RouteQuery {
    /// Coordinates are `[lon, lat]`, snapped to the loaded scenario's road graph.
    #[serde(default)]
    pub roads: bool,
    /// Departure hour (0-23) of the road travel times (default 8).
    #[serde(default)]
    #[param(maximum = 23)]
    pub departure_hour: Option<u8>,
    /// With `roads=true`: add the routes' road polylines as GeoJSON (`geometry`).
    #[serde(default)]
    pub geometry: bool,
}

/// A solved routing problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RouteAnswer {
    /// The problem's name.
    pub name: String,
    /// Cost of the routes: fixed, distance and time costs (currency, as the vehicles' costs).
    pub cost: f64,
    /// Total distance (metres with `roads=true`, else the problem's unit).
    pub distance: f64,
    /// Sum of the penalties of unserved stops (currency, as the stops' penalties).
    pub unserved_penalty: f64,
    /// Vehicles used (count).
    pub vehicles: usize,
    /// Whether the independent checker found no violation.
    pub feasible: bool,
    /// Wall time from the request's arrival to the answer, in seconds.
    pub seconds: f64,
    /// Search iterations done (also in `effort`).
    pub iterations: u64,
    /// How much search the answer had, and whether it is only the first plan.
    pub effort: SearchEffort,
    /// The routes, with per-stop times.
    pub routes: Vec<RouteView>,
    /// Stops no route serves, with the reason.
    pub unserved: Vec<UnservedView>,
    /// With `roads=true`: how far each location was moved onto the road graph, or why it
    /// could not be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapping: Vec<SnapView>,
    /// With `geometry=true`: a GeoJSON FeatureCollection of the routes along the roads,
    /// their stops and depots (`[lon, lat]`), with the OpenStreetMap attribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<serde_json::Value>,
}

/// The search behind an answer. A request's time limit counts from its arrival, so time
/// spent waiting for a solver slot (`queued_s`) is time the search did not get; an answer
/// the search never improved is flagged `degraded` (and counted in `/metrics` as
/// `stockroute_routes_degraded_total`), so a client can retry with more time or later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchEffort {
    /// Ruin-and-recreate iterations done (all workers).
    pub iterations: u64,
    /// Why the search stopped: `exact` (the first plan is optimal), `stalled` (it stopped
    /// improving), `iterations` (`max_iterations` reached), `deadline` (the time limit),
    /// `cancelled`.
    pub stop_reason: String,
    /// Seconds the request waited for a solver slot.
    pub queued_s: f64,
    /// Seconds spent building the problem and searching.
    pub searched_s: f64,
    /// Whether the time limit ran out before the search did a single iteration on a
    /// problem with two or more stops: the answer is the construction plan only.
    pub degraded: bool,
}

impl SearchEffort {
    fn of(p: &Problem, s: &Solution, queued_s: f64, searched_s: f64) -> Self {
        let stop_reason = s.stats.stop_reason;
        let cut = matches!(stop_reason, StopReason::Deadline | StopReason::Cancelled);
        Self {
            iterations: s.stats.iterations,
            stop_reason: wire_name(stop_reason),
            queued_s,
            searched_s,
            degraded: cut && s.stats.iterations == 0 && p.stops.len() >= 2,
        }
    }
}

/// The name a unit enum variant has on the wire (its serde name: `time_window`, `deadline`).
fn wire_name(v: impl Serialize) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// One vehicle's route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RouteView {
    /// Vehicle type id.
    pub vehicle_type: String,
    /// Which vehicle of that type: an index numbered from 1 (as in plan.json and the report).
    pub vehicle: usize,
    /// Distance driven (metres with `roads=true`, else the problem's distance unit).
    pub distance: f64,
    /// Time from shift start to return (seconds with `roads=true`, else the problem's time
    /// unit).
    pub duration: f64,
    /// The stops in visiting order.
    pub stops: Vec<VisitView>,
    /// The driver breaks taken, in order (absent for a vehicle type without breaks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<BreakView>,
    /// Multi-trip: after how many of `stops` the vehicle goes back to its start depot to
    /// reload, ascending (count of stops; absent for one trip). The stops' times include
    /// the drive there and back and the reload time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reloads: Vec<usize>,
}

/// A driver break on a route (on the clock of the time windows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BreakView {
    /// The break's id in its vehicle type.
    pub id: String,
    /// How many of the route's stops come before it (count; 0: on the way to the first).
    pub after: usize,
    /// When it starts (the problem's time unit on its clock: seconds with `roads=true`).
    pub start: f64,
    /// When it ends (the problem's time unit on its clock).
    pub end: f64,
}

/// A stop on a route and when it is served (on the clock of the time windows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VisitView {
    /// Stop id.
    pub id: String,
    /// Arrival time (the problem's time unit on its clock: seconds with `roads=true`).
    pub arrival: f64,
    /// Service start, after waiting for the window to open (the problem's time unit).
    pub start: f64,
    /// Departure time (the problem's time unit).
    pub departure: f64,
}

/// A stop left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnservedView {
    /// Stop id.
    pub id: String,
    /// `capacity`, `time_window`, `unreachable`, `no_vehicle`, `skills` (no vehicle type
    /// has them all) or `optional` (a stop with a penalty the plan leaves out).
    pub reason: String,
}

/// How one location was put on the road graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SnapView {
    /// Location index (0-based index into `locations`).
    pub location: usize,
    /// Distance to the road node it was moved to, in metres; absent when it could not be.
    pub snap_distance_m: Option<f64>,
    /// Why it could not be snapped.
    pub unreachable: Option<String>,
}

/// Solves a routing problem within the request.
#[utoipa::path(
    post,
    path = "/v1/routes",
    operation_id = "solve_routes",
    params(RouteQuery),
    request_body(content = JsonProblem, example = json!({
        "name": "square",
        "locations": {"coordinates": [[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]},
        "depots": [{"id": "hub", "location": 0}],
        "vehicles": [{"id": "van", "count": 1, "capacity": [10], "start_depot": "hub",
                      "skills": ["fridge"], "max_stops": 20, "max_distance": 100}],
        "stops": [
            {"id": "a", "location": 1, "demand": [1], "skills": ["fridge"]},
            {"id": "b", "location": 2, "demand": [1], "prize": 500},
            {"id": "c", "location": 3, "demand": [1],
             "time_windows": [{"start": 0, "end": 5}, {"start": 30, "end": 100}]}
        ],
        "time_limit_s": 1,
        "seed": 7,
        "max_iterations": 500
    })),
    responses(
        (status = 200, description = "Solved (check `feasible` and `unserved`)", body = RouteAnswer, example = json!({
            "name": "square",
            "cost": 48.2842712474619,
            "distance": 48.2842712474619,
            "unserved_penalty": 0.0,
            "vehicles": 1,
            "feasible": true,
            "seconds": 0.040465318,
            "iterations": 500,
            "effort": {"iterations": 500, "stop_reason": "iterations", "queued_s": 0.000011021, "searched_s": 0.040411868, "degraded": false},
            "routes": [{
                "vehicle_type": "van",
                "vehicle": 1,
                "distance": 48.2842712474619,
                "duration": 48.2842712474619,
                "stops": [
                    {"id": "a", "arrival": 10.0, "start": 10.0, "departure": 10.0},
                    {"id": "b", "arrival": 24.14213562373095, "start": 24.14213562373095, "departure": 24.14213562373095},
                    {"id": "c", "arrival": 38.2842712474619, "start": 38.2842712474619, "departure": 38.2842712474619}
                ]
            }],
            "unserved": []
        })),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body not declared as JSON", body = ErrorBody),
        (status = 422, description = "Invalid problem, too many stops, time limit out of range", body = ErrorBody),
        (status = 503, description = "All solver slots busy and the waiting room full", body = ErrorBody),
    ),
    tag = "routing"
)]
pub async fn solve(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<RouteQuery>,
    AppJson(raw): AppJson<JsonProblem>,
) -> Result<Json<RouteAnswer>, ApiError> {
    let limit = check(&raw, &query, state.config())?;
    let ctx = SolveContext::new(raw.seed.unwrap_or(0)).with_time_limit(seconds(limit));
    let permit = state.slots().acquire().await?;
    let queued_s = ctx.elapsed().as_secs_f64();
    let answer = state
        .blocking(move |s| {
            let _permit = permit;
            solve_now(s, raw, &query, &ctx, queued_s, true)
        })
        .await?;
    if answer.effort.degraded {
        state.metrics().count_degraded_route();
    }
    Ok(Json(answer))
}

/// The limits one way in holds a routing problem to: the request path's (small problems,
/// answered within the request) or the job path's ([`super::route_jobs`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteLimits {
    /// Most stops (count).
    pub max_stops: usize,
    /// Most locations: coordinates or matrix rows (count).
    pub max_locations: usize,
    /// Largest `time_limit_s`, in seconds.
    pub max_time_limit_s: f64,
    /// `time_limit_s` when the problem gives none, in seconds.
    pub default_time_limit_s: f64,
}

impl RouteLimits {
    /// The limits of `POST /v1/routes`.
    pub fn in_request(config: &ServiceConfig) -> Self {
        Self {
            max_stops: config.max_stops,
            max_locations: config.max_locations,
            max_time_limit_s: config.max_time_limit_s,
            default_time_limit_s: config.default_time_limit_s,
        }
    }

    /// The limits of `POST /v1/routes/jobs`.
    pub fn as_job(config: &ServiceConfig) -> Self {
        Self {
            max_stops: config.max_job_stops,
            max_locations: config.max_job_locations,
            max_time_limit_s: config.max_job_time_limit_s,
            default_time_limit_s: config.default_job_time_limit_s,
        }
    }
}

/// The checks `POST /v1/routes` makes before any work (the stop count, the location count
/// before any snapping or allocation, the time limit, the query); returns the time limit of
/// the solve in seconds. The problem itself is validated by [`json::convert`] once it is on
/// the blocking pool. A problem too big for a request but not for a job is told to go to
/// `POST /v1/routes/jobs`.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the field out of its limit.
pub fn check(
    raw: &JsonProblem,
    query: &RouteQuery,
    config: &ServiceConfig,
) -> Result<f64, ApiError> {
    check_within(raw, query, &RouteLimits::in_request(config), Some(&RouteLimits::as_job(config)))
}

/// The checks of [`check`] under `limits`; `jobs` are the larger limits of the job path, named
/// in the message when a problem is too big for `limits` but fits them.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the field out of its limit.
pub fn check_within(
    raw: &JsonProblem,
    query: &RouteQuery,
    limits: &RouteLimits,
    jobs: Option<&RouteLimits>,
) -> Result<f64, ApiError> {
    let locations = match (&raw.locations.coordinates, &raw.locations.distance) {
        (Some(points), _) => points.len(),
        (None, Some(rows)) => rows.len(),
        (None, None) => 0,
    };
    let as_job = jobs.filter(|j| raw.stops.len() <= j.max_stops && locations <= j.max_locations);
    let hint = as_job.map_or_else(String::new, |j| {
        format!(
            "; send it as a job to POST /v1/routes/jobs (up to {} stops, {} s)",
            j.max_stops, j.max_time_limit_s
        )
    });
    if raw.stops.len() > limits.max_stops {
        return Err(ApiError::field(
            "too_many_stops",
            "stops",
            format!("{} stops exceed the limit of {}{hint}", raw.stops.len(), limits.max_stops),
        ));
    }
    if locations > limits.max_locations {
        return Err(ApiError::field(
            "too_many_locations",
            "locations",
            format!("{locations} locations exceed the limit of {}{hint}", limits.max_locations),
        ));
    }
    let limit = raw.time_limit_s.unwrap_or(limits.default_time_limit_s);
    if !(limit > 0.0 && limit <= limits.max_time_limit_s) {
        let hint = if as_job.is_some_and(|j| limit > 0.0 && limit <= j.max_time_limit_s) {
            hint.as_str()
        } else {
            ""
        };
        return Err(out_of_range(
            "time_limit_s",
            format!("must be > 0 and <= {} seconds, got {limit}{hint}", limits.max_time_limit_s),
        ));
    }
    if query.geometry && !query.roads {
        return Err(ApiError::field(
            "invalid_field",
            "geometry",
            "road geometry needs roads=true (coordinates as [lon, lat])",
        ));
    }
    if let Some(hour) = query.departure_hour.filter(|&h| h > 23) {
        return Err(out_of_range("departure_hour", format!("must be 0-23, got {hour}")));
    }
    Ok(limit)
}

/// Solves `raw` under `ctx` on the calling (blocking) thread: the road locations when asked,
/// the search, the check, the shadow offer (request path only: a shadow challenger of a
/// city-scale job would double the server's work) and the answer.
pub(crate) fn solve_now(
    state: &AppState,
    mut raw: JsonProblem,
    query: &RouteQuery,
    ctx: &SolveContext,
    queued_s: f64,
    offer_shadow: bool,
) -> Result<RouteAnswer, ApiError> {
    let (request, snapping, snapped, graphs) = if query.roads {
        let on = on_roads(state, &mut raw, query, ctx)?;
        let graphs = on.profiles.iter().map(|p| p.profile).collect();
        let profiles = on.profiles.iter().map(|p| (p.name.clone(), p.locations.clone())).collect();
        let request = json::convert_with_profiles(raw, on.locations, profiles)?;
        // Each vehicle's places: the van's graph for profile 0, its own for the others.
        let places = std::iter::once(on.snapped).chain(on.profiles.into_iter().map(|p| p.snapped));
        (request, on.snapping, places.collect(), graphs)
    } else {
        (json::convert(raw)?, Vec::new(), Vec::new(), Vec::new())
    };
    let config = SolverConfig { max_iterations: request.max_iterations, ..SolverConfig::default() };
    let problem = request.problem;
    let checked = routing::solve_checked(&problem, &config, ctx)?;
    let (solution, feasible) = (checked.solution, checked.verdict.is_ok());
    if let Some(shadow) = state.shadow().filter(|_| offer_shadow) {
        shadow.offer(&problem, &solution, ctx.seed());
    }
    let geometry = match state.scenario().and_then(|s| s.roads.as_ref()) {
        Some(roads) if query.geometry => {
            Some(geometry(&problem, &solution, &snapped, roads, &graphs)?)
        }
        _ => None,
    };
    let effort =
        SearchEffort::of(&problem, &solution, queued_s, ctx.elapsed().as_secs_f64() - queued_s);
    let mut answer = answer(&problem, &solution, feasible, ctx, snapping, effort);
    answer.geometry = geometry;
    Ok(answer)
}

/// The routes along the roads (each on its vehicle's graph), the stops and the depots as
/// GeoJSON; `snapped[k]` holds the places of profile `k` (0: the van's graph).
fn geometry(
    p: &Problem,
    s: &Solution,
    snapped: &[Vec<Option<Snapped>>],
    roads: &FleetRoads,
    graphs: &[VehicleProfile],
) -> Result<serde_json::Value, ApiError> {
    let on = |k: usize, location: usize| snapped.get(k)?.get(location).copied().flatten();
    let at = |location: usize| on(0, location);
    let mut features = GeoJsonBuilder::new();
    for r in &s.routes {
        let Some(v) = p.vehicle_types.get(r.vehicle_type) else { continue };
        let graph = match v.profile.checked_sub(1).and_then(|k| graphs.get(k)) {
            Some(&profile) => roads.of(profile),
            None => roads.primary(),
        };
        let at = |location: usize| on(v.profile, location);
        let depot = |i: usize| p.depots.get(i).and_then(|d| at(d.location));
        // A reload goes back to the start depot before the stop it names.
        let stops = r.stops.iter().enumerate().flat_map(|(k, &i)| {
            let reload = r.reloads.binary_search(&k).is_ok();
            let back = reload.then(|| depot(v.start_depot)).flatten();
            back.into_iter().chain(p.stops.get(i).and_then(|s| at(s.location)))
        });
        let visits: Vec<Snapped> = depot(v.start_depot)
            .into_iter()
            .chain(stops)
            .chain(v.end_depot.and_then(depot))
            .collect();
        let line =
            route_line(graph, &visits).map_err(|e| ApiError::Internal(Box::new(e.into())))?;
        let props = serde_json::json!({"vehicle_type": v.id, "vehicle": r.vehicle + 1, "distance_m": r.distance});
        features.line("route", &line, properties(&props));
    }
    for stop in &p.stops {
        if let Some(s) = at(stop.location) {
            features.point("stop", s.lon, s.lat, properties(&serde_json::json!({"id": stop.id})));
        }
    }
    for d in &p.depots {
        if let Some(s) = at(d.location) {
            features.point("depot", s.lon, s.lat, properties(&serde_json::json!({"id": d.id})));
        }
    }
    serde_json::to_value(features.finish()).map_err(ApiError::encode("route GeoJSON"))
}

/// Road arcs between the snapped locations (a matrix, or the road oracle above the dense
/// size), as the solver's [`Locations`], on the van's graph and on the graph of every other
/// road profile a vehicle names (`profile`: `van`, `car`, `truck`, `bicycle`/`bike`,
/// `foot`, among those the scenario's fleet drives); returns the snapping report (on the
/// van's graph) and each location's place on each graph too.
fn on_roads(
    state: &AppState,
    raw: &mut JsonProblem,
    query: &RouteQuery,
    ctx: &SolveContext,
) -> Result<RoadLocations, ApiError> {
    let roads = state
        .scenario()
        .and_then(|s| s.roads.as_ref())
        .ok_or(ApiError::NoScenario { field: Some("roads".into()) })?;
    let points = match (raw.locations.coordinates.take(), &raw.locations.distance) {
        (Some(points), None) => json::coordinate_pairs(&points)?,
        _ => {
            return Err(ApiError::field(
                "invalid_field",
                "locations",
                "with roads=true give `coordinates` as [lon, lat] and no matrix",
            ));
        }
    };
    if !raw.profiles.is_empty() {
        return Err(ApiError::field(
            "invalid_field",
            "profiles",
            "with roads=true the roads give each profile's travel: name a road profile \
             (van, car, truck, bicycle, foot) in the vehicles' `profile`, no matrices",
        ));
    }
    let wanted = road_profiles(raw, roads)?;
    let timing = MatrixTiming {
        profile: TrafficProfile::default(),
        departure_hour: query.departure_hour.unwrap_or(8),
    };
    let primary = roads.primary();
    let (on, snapped) = on_graph(primary, &points, raw, &timing, ctx)?;
    // No path (a location off the graph) is an infinite entry: the solver leaves that stop
    // unserved as `unreachable`.
    let snapping = on
        .places
        .iter()
        .enumerate()
        .map(|(location, place)| match place {
            PointPlace::Row { snapped, .. } => SnapView {
                location,
                snap_distance_m: Some(snapped.snap_distance_m),
                unreachable: None,
            },
            PointPlace::Unreachable(why) => {
                SnapView { location, snap_distance_m: None, unreachable: Some(why.to_string()) }
            }
        })
        .collect();
    let mut profiles = Vec::with_capacity(wanted.len());
    for (name, profile) in wanted {
        let (travel, snapped) = on_graph(roads.of(profile), &points, raw, &timing, ctx)?;
        profiles.push(ProfileTravel { name, profile, snapped, locations: travel.locations });
    }
    Ok(RoadLocations { snapping, snapped, locations: on.locations, profiles })
}

/// The road profiles the vehicles of `raw` name besides the van's graph, each once by its
/// canonical name, which becomes the vehicle's `profile`; a vehicle naming the van's
/// profile drives the primary graph (its `profile` cleared).
///
/// # Errors
/// `invalid_field` at `vehicles[i].profile` for a name that is no road profile, or one the
/// server has no graph for (the scenario's fleet does not drive it).
fn road_profiles(
    raw: &mut JsonProblem,
    roads: &FleetRoads,
) -> Result<Vec<(String, VehicleProfile)>, ApiError> {
    let mut wanted: Vec<(String, VehicleProfile)> = Vec::new();
    let loaded: Vec<&str> = roads.graphs().iter().map(|g| g.profile().name()).collect();
    for (i, v) in raw.vehicles.iter_mut().enumerate() {
        let Some(name) = v.profile.take() else { continue };
        let field = format!("vehicles[{i}].profile");
        let Some(profile) = VehicleProfile::parse(&name) else {
            let message =
                format!("`{name}` is no road profile: van, car, truck, bicycle (bike), foot");
            return Err(ApiError::field("invalid_field", field, message));
        };
        if profile == roads.primary().profile() {
            continue;
        }
        if !roads.has_own(profile) {
            let message = format!(
                "this server has no `{name}` road graph: its scenario's fleet drives {}",
                loaded.join(", ")
            );
            return Err(ApiError::field("invalid_field", field, message));
        }
        let canonical = profile.name().to_owned();
        if !wanted.iter().any(|(_, p)| *p == profile) {
            wanted.push((canonical.clone(), profile));
        }
        v.profile = Some(canonical);
    }
    Ok(wanted)
}

/// `points` snapped onto `graph` and the arcs between them; a depot off the graph is
/// refused before any matrix work.
fn on_graph(
    graph: &RoadGraph,
    points: &[[f64; 2]],
    raw: &JsonProblem,
    timing: &MatrixTiming,
    ctx: &SolveContext,
) -> Result<(crate::routing::RoadPlaces, Vec<Option<Snapped>>), ApiError> {
    let snapped: Vec<_> =
        points.iter().map(|&[lon, lat]| graph.snap(lat, lon, DEFAULT_MAX_SNAP_M)).collect();
    for (i, d) in raw.depots.iter().enumerate() {
        if let Some(Err(why)) = snapped.get(d.location) {
            return Err(ApiError::field(
                "unreachable_depot",
                format!("depots[{i}].location"),
                format!(
                    "depot `{}` is not on the {} road graph: {why}",
                    d.id,
                    graph.profile().name()
                ),
            ));
        }
    }
    // A matrix up to the dense size, the road oracle above it: the same metres and seconds.
    let on = road_locations(graph, snapped, timing, &RoadArcOptions::default(), ctx);
    let on = on.map_err(|e| match e {
        RoadError::Interrupted(Interrupted::Deadline) => out_of_range(
            "time_limit_s",
            "the time limit ran out while building the road matrix: allow more time",
        ),
        // The matrix could not be allocated: the request is too big for this server.
        RoadError::MemoryLimit { needed_bytes, .. }
        | RoadError::OutOfMemory { needed_bytes, .. } => ApiError::field(
            "too_many_locations",
            "locations",
            format!("the road matrix would take {needed_bytes} bytes: send fewer locations"),
        ),
        other => ApiError::Internal(Box::new(other.into())),
    })?;
    let snapped = (0..on.places.len()).map(|i| on.snapped(i)).collect();
    Ok((on, snapped))
}

/// One further road profile's travel for a request.
struct ProfileTravel {
    /// The name its vehicles give (the profile's canonical name).
    name: String,
    /// The profile.
    profile: VehicleProfile,
    /// Each location's place on the profile's graph, when it has one.
    snapped: Vec<Option<Snapped>>,
    /// The arcs on that graph.
    locations: Locations,
}

/// A request's locations put on the road graph.
struct RoadLocations {
    /// How each location was snapped, or why it could not be.
    snapping: Vec<SnapView>,
    /// Each location's place on the graph, when it has one.
    snapped: Vec<Option<Snapped>>,
    /// The road arcs (metres, seconds) for the solver.
    locations: Locations,
    /// The further road profiles the vehicles name, in the problem's profile order.
    profiles: Vec<ProfileTravel>,
}

fn answer(
    p: &Problem,
    s: &Solution,
    feasible: bool,
    ctx: &SolveContext,
    snapping: Vec<SnapView>,
    effort: SearchEffort,
) -> RouteAnswer {
    let stop_id = |i: usize| p.stops.get(i).map_or_else(|| format!("#{i}"), |s| s.id.0.clone());
    let routes = s
        .routes
        .iter()
        .map(|r| RouteView {
            vehicle_type: p
                .vehicle_types
                .get(r.vehicle_type)
                .map_or_else(String::new, |v| v.id.0.clone()),
            vehicle: r.vehicle + 1,
            distance: r.distance,
            duration: r.duration,
            stops: r
                .stops
                .iter()
                .zip(r.schedule(p))
                .map(|(&i, v)| VisitView {
                    id: stop_id(i),
                    arrival: v.arrival,
                    start: v.start,
                    departure: v.departure,
                })
                .collect(),
            breaks: r
                .breaks_taken(p)
                .map(|(b, spec)| BreakView {
                    id: spec.id.0.clone(),
                    after: b.after,
                    start: b.start,
                    end: b.start + spec.duration,
                })
                .collect(),
            reloads: r.reloads.clone(),
        })
        .collect();
    RouteAnswer {
        name: p.name.clone(),
        cost: s.cost,
        distance: s.distance,
        // `+ 0.0` turns the empty sum's -0.0 into 0.
        unserved_penalty: s.unserved_penalty + 0.0,
        vehicles: s.vehicles(),
        feasible,
        seconds: ctx.elapsed().as_secs_f64(),
        iterations: s.stats.iterations,
        effort,
        routes,
        unserved: s
            .unserved
            .iter()
            .map(|u| UnservedView { id: stop_id(u.stop), reason: wire_name(u.reason) })
            .collect(),
        snapping,
        geometry: None,
    }
}
