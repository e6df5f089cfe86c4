//! `POST /v1/vroom`: a VROOM-compatible endpoint. The body is VROOM's input JSON
//! ([`crate::routing::formats::vroom`]), the answer VROOM's output JSON, so a VROOM user
//! switches by changing the URL. `?check=true` is VROOM's plan mode (`vroom -c`): the
//! routes given as each vehicle's `steps` are evaluated by the independent checker and
//! every violation reported, nothing optimised.
//!
//! Limits and path are those of `POST /v1/routes` ([`super::routes`]): at most
//! `max_stops` tasks (a shipment counts two) and `max_locations` locations (matrix rows or
//! distinct coordinates), checked before any work; `time_limit_s` in
//! `(0, max_time_limit_s]`, counted from the request's arrival; the solve on the blocking
//! pool behind the solver slots. Without `matrices` the coordinates (`[lon, lat]`) are
//! snapped onto the loaded scenario's road graph, as `POST /v1/routes?roads=true` does
//! (metres, seconds at the departure hour's speeds). Errors are the service's JSON errors:
//! a key stockroute does not honour is a 422 naming its path (`vehicles[1].breaks`),
//! every such key listed in `details`.

use super::out_of_range;
use crate::api::config::{ServiceConfig, seconds};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{AppJson, AppQuery};
use crate::api::state::AppState;
use crate::roads::error::RoadError;
use crate::roads::points::MatrixTiming;
use crate::roads::traffic::TrafficProfile;
use crate::routing::RoutingError;
use crate::routing::formats::vroom::{self, Mode, VroomInput, VroomOutput, map, output};
use crate::routing::model::Locations;
use crate::routing::{self, SolverConfig};
use crate::{Interrupted, SolveContext};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use std::time::Instant;

/// Query parameters of `POST /v1/vroom`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VroomQuery {
    /// Plan mode (VROOM's `-c`): evaluate the vehicles' `steps`, report every violation.
    #[serde(default)]
    pub check: bool,
    /// Time limit of the solve in seconds (default: the server's).
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Seed of the search (no unit, default 0).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Stop the search after this many iterations (the time limit still applies).
    #[serde(default)]
    pub max_iterations: Option<u64>,
    /// Departure hour (0-23) of the road travel times without `matrices` (default 8).
    #[serde(default)]
    #[param(maximum = 23)]
    pub departure_hour: Option<u8>,
}

/// Solves (or, with `check=true`, evaluates) a VROOM problem.
#[utoipa::path(
    post,
    path = "/v1/vroom",
    operation_id = "solve_vroom",
    params(VroomQuery),
    request_body(content = VroomInput, description = "VROOM's input (its docs/example_2.json)", example = json!({
        "vehicles": [{"id": 0, "start_index": 0, "end_index": 3}],
        "jobs": [{"id": 1414, "location_index": 1}, {"id": 1515, "location_index": 2}],
        "matrices": {"car": {"durations": [
            [0, 2104, 197, 1299], [2103, 0, 2255, 3152], [197, 2256, 0, 1102], [1299, 3153, 1102, 0]
        ]}}
    })),
    responses(
        (status = 200, description = "VROOM's answer (code 0)", body = VroomOutput, example = json!(example_answer())),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body not declared as JSON", body = ErrorBody),
        (status = 422, description = "A key not supported (each named in `details`), an invalid value, too many tasks or locations, time limit out of range", body = ErrorBody),
        (status = 503, description = "All solver slots busy and the waiting room full", body = ErrorBody),
    ),
    tag = "routing"
)]
pub async fn solve(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<VroomQuery>,
    AppJson(input): AppJson<VroomInput>,
) -> Result<Json<VroomOutput>, ApiError> {
    let arrived = Instant::now();
    let limit = check(&input, &query, state.config())?;
    let ctx = SolveContext::new(query.seed.unwrap_or(0)).with_time_limit(seconds(limit));
    let permit = state.slots().acquire().await?;
    let answer = state
        .blocking(move |s| {
            let _permit = permit;
            answer_now(s, &input, &query, &ctx, arrived)
        })
        .await?;
    Ok(Json(answer))
}

/// The answer of the `200` example: VROOM's `docs/example_2.json` as this endpoint
/// answered it (`data/vroom/example_2_answer.json`).
fn example_answer() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../data/vroom/example_2_answer.json"))
        .unwrap_or_default()
}

/// The checks made before any work: the task and location counts, the time limit, the
/// query; returns the time limit in seconds.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the field out of its limit.
pub fn check(
    input: &VroomInput,
    query: &VroomQuery,
    config: &ServiceConfig,
) -> Result<f64, ApiError> {
    let tasks = input.jobs.len().saturating_add(input.shipments.len().saturating_mul(2));
    if tasks > config.max_stops {
        let message = format!("{tasks} tasks exceed the limit of {}", config.max_stops);
        return Err(ApiError::field("too_many_stops", "jobs", message));
    }
    let locations = match &input.matrices {
        Some(m) => m.values().filter_map(|x| x.durations.as_ref().map(Vec::len)).max().unwrap_or(0),
        None => map::coordinates(input).map_or(0, |p| p.len()),
    };
    if locations > config.max_locations {
        let message = format!("{locations} locations exceed the limit of {}", config.max_locations);
        return Err(ApiError::field("too_many_locations", "matrices", message));
    }
    let limit = query.time_limit_s.unwrap_or(config.default_time_limit_s);
    if !(limit > 0.0 && limit <= config.max_time_limit_s) {
        return Err(out_of_range(
            "time_limit_s",
            format!("must be > 0 and <= {} seconds, got {limit}", config.max_time_limit_s),
        ));
    }
    if let Some(hour) = query.departure_hour.filter(|&h| h > 23) {
        return Err(out_of_range("departure_hour", format!("must be 0-23, got {hour}")));
    }
    Ok(limit)
}

/// Maps, solves or evaluates, checks and answers, on the calling (blocking) thread.
fn answer_now(
    state: &AppState,
    input: &VroomInput,
    query: &VroomQuery,
    ctx: &SolveContext,
    arrived: Instant,
) -> Result<VroomOutput, ApiError> {
    let mode = if query.check { Mode::Check } else { Mode::Solve };
    let routed = Instant::now();
    let resolved = on_roads(state, input, query, ctx)?;
    let routing_ms = millis(routed);
    let mapped = map::map(input, mode, resolved)?;
    let loading_ms = millis(arrived).saturating_sub(routing_ms);
    let solving = Instant::now();
    let (solution, report) = match mode {
        Mode::Check => vroom::check_mode::evaluate(&mapped),
        Mode::Solve => {
            let config =
                SolverConfig { max_iterations: query.max_iterations, ..SolverConfig::default() };
            let checked =
                routing::solve_checked(&mapped.problem, &config, ctx).map_err(|e| match e {
                    // The matrices are VROOM's `matrices` (or the road matrix).
                    RoutingError::ArcTooLong { .. } => {
                        ApiError::field("out_of_range", "matrices", e.to_string())
                    }
                    RoutingError::TooLarge { .. } | RoutingError::OutOfMemory { .. } => {
                        ApiError::field("too_many_locations", "matrices", e.to_string())
                    }
                    other => other.into(),
                })?;
            (checked.solution, checked.verdict)
        }
    };
    if mode == Mode::Solve && !report.is_ok() {
        tracing::error!(violations = ?report.violations, "the checker refused a VROOM solve");
    }
    let times =
        output::VroomTimes { loading: loading_ms, solving: millis(solving), routing: routing_ms };
    Ok(output::answer(&mapped, &solution, &report, times))
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The road arcs between the coordinates of `input` on the loaded scenario's graphs, one
/// travel per VROOM profile its vehicles name ([`map::on_roads`]), or `None` without roads
/// or with `matrices` (the mapping then refuses the coordinates by name).
fn on_roads(
    state: &AppState,
    input: &VroomInput,
    query: &VroomQuery,
    ctx: &SolveContext,
) -> Result<Option<Vec<(String, Locations)>>, ApiError> {
    let Some(roads) = state.scenario().and_then(|s| s.roads.as_ref()) else { return Ok(None) };
    let timing = MatrixTiming {
        profile: TrafficProfile::default(),
        departure_hour: query.departure_hour.unwrap_or(8),
    };
    map::on_roads(input, roads, &timing, ctx).map_err(|e| match e {
        RoadError::Interrupted(Interrupted::Deadline) => out_of_range(
            "time_limit_s",
            "the time limit ran out while building the road matrix: allow more time",
        ),
        RoadError::MemoryLimit { needed_bytes, .. }
        | RoadError::OutOfMemory { needed_bytes, .. } => ApiError::field(
            "too_many_locations",
            "matrices",
            format!("the road matrix would take {needed_bytes} bytes: send fewer locations"),
        ),
        other => ApiError::Internal(Box::new(other.into())),
    })
}
