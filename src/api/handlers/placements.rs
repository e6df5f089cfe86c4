//! `POST /v1/placements`: a placement job from a stored forecast run and the network of the
//! scenario loaded at start.
//!
//! The run must exist when the request comes (404 now, not a failed job later). The job
//! calls [`placement::place`] as `stockroute place` does (demand from the run, road
//! distances where the scenario's road graph covers both ends, the LP, the independent
//! check); its result is the plan report plus the checker's verdict. The time limit bounds
//! the LP solve.

use super::{out_of_range, submit};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::AppJson;
use crate::api::state::AppState;
use crate::ids::RunId;
use crate::placement::{self, PlaceOptions, PlacementOptions};
use crate::store::ForecastStore;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

/// Longest solver time limit of a placement job, in seconds.
const MAX_TIME_LIMIT_S: f64 = 3600.0;

/// A placement request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementRequest {
    /// The forecast run whose demand is placed.
    pub run_id: String,
    /// Each zone may be served by its k nearest centres (count of centres, default 3, at
    /// least 1).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub k: Option<usize>,
    /// Periods the stock must cover (default: the scenario's horizon, at most the run's).
    #[serde(default)]
    pub cycle_periods: Option<f64>,
    /// Solver time limit in seconds (0-3600; default none).
    #[serde(default)]
    #[schema(exclusive_minimum = 0.0, maximum = 3600.0)]
    pub time_limit_s: Option<f64>,
    /// Use road distances where the scenario has a road graph (default true).
    #[serde(default)]
    pub roads: Option<bool>,
}

/// Starts a placement job.
#[utoipa::path(
    post,
    path = "/v1/placements",
    operation_id = "create_placement",
    request_body(content = PlacementRequest, example = json!({
        "run_id": "20260101T080000000Z-1a2b3c4d", "k": 3, "time_limit_s": 30, "roads": true
    })),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$", description = "Same key + same body = same job (1-255 visible ASCII characters)")),
    responses(
        (status = 202, description = "Job accepted; poll its Location", body = crate::api::handlers::JobView, links(
            ("ShowJob" = (operation_id = "show_job", parameters(("id" = "$response.body#/id")))),
            ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id"))))
        ), example = json!({
            "id": "job-20261201T101500123Z-5c1f2e3d",
            "kind": "placement",
            "state": "queued",
            "created_at": "2026-12-01T10:15:00.123Z",
            "started_at": null,
            "finished_at": null,
            "progress": {"done": 0, "total": 0, "phase": null},
            "result": null,
            "error": null,
            "href": "/v1/jobs/job-20261201T101500123Z-5c1f2e3d"
        })),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 415, description = "Body not declared as JSON", body = ErrorBody),
        (status = 404, description = "No such forecast run", body = ErrorBody),
        (status = 422, description = "Out-of-range value, no scenario, key reused", body = ErrorBody),
        (status = 503, description = "Job queue full", body = ErrorBody),
    ),
    tag = "placements"
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(request): AppJson<PlacementRequest>,
) -> Result<Response, ApiError> {
    let echo = serde_json::to_value(&request).map_err(ApiError::encode("request echo"))?;
    // The job's own checks (`work`): a request a worker would refuse is a 4xx now.
    let echo = state.blocking(move |s| work(s, &echo).map(|_| echo)).await?;
    submit(&state, &headers, "placement", echo).await
}

/// The work of a placement job from its stored request (the echo of a
/// [`PlacementRequest`]), checked as `POST /v1/placements` checks it; its seed is 0.
/// Blocking (reads the run's description).
///
/// # Errors
/// [`ApiError::NoScenario`], [`ApiError::InvalidField`], [`ApiError::NotFound`] for a
/// run that is not in the store, [`ApiError::Store`].
pub(crate) fn work(
    state: &AppState,
    echo: &serde_json::Value,
) -> Result<(u64, crate::api::jobs::Work), ApiError> {
    let request: PlacementRequest = super::stored_request(echo)?;
    let loaded = state.scenario().cloned().ok_or(ApiError::NoScenario { field: None })?;
    let k = check(&request)?;
    let run = RunId::new(request.run_id.clone());
    let info = state.store().run_info(&run)?;
    let cycle = cycle_periods(&request, loaded.scenario.horizon_periods, info.run.horizon)?;
    let store = state.store().clone();
    let (roads, time_limit_s) = (request.roads.unwrap_or(true), request.time_limit_s);
    let work: crate::api::jobs::Work =
        Box::new(move |_: &crate::ids::JobId, ctx: &crate::SolveContext| {
            let rows = store.read_run(&info.id)?;
            let demand = crate::store::forecast_demand(&info, &rows);
            let options = PlaceOptions {
                placement: PlacementOptions { cycle_periods: cycle, ..PlacementOptions::default() }
                    .with_k_nearest(k),
                solve_time_limit: time_limit_s.map(crate::api::config::seconds),
            };
            let graph = loaded.graph().filter(|_| roads);
            let placed = placement::place(&loaded.scenario, &demand, graph, &options, ctx)?;
            Ok(serde_json::json!({
                "forecast_run": info.id,
                "cycle_periods": cycle,
                "road_pairs": placed.road_pairs(),
                "feasible": placed.verdict.is_feasible(),
                "violations": placed.verdict.violations,
                "plan": placed.report,
            }))
        });
    Ok((0, work))
}

/// The checks `POST /v1/placements` makes before it looks the run up: `k` and the time
/// limit; returns `k`.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the field out of its range.
pub fn check(request: &PlacementRequest) -> Result<usize, ApiError> {
    let k = request.k.unwrap_or(3);
    if k == 0 {
        return Err(out_of_range("k", "must be at least 1"));
    }
    if let Some(t) = request.time_limit_s.filter(|t| !(*t > 0.0 && *t <= MAX_TIME_LIMIT_S)) {
        return Err(out_of_range(
            "time_limit_s",
            format!("must be > 0 and <= {MAX_TIME_LIMIT_S}, got {t}"),
        ));
    }
    Ok(k)
}

/// The periods the stock must cover: the request's, else the scenario's horizon capped by
/// the run's, and never beyond the run's horizon (`run_horizon` periods).
///
/// # Errors
/// [`ApiError::InvalidField`] naming `cycle_periods`.
pub fn cycle_periods(
    request: &PlacementRequest,
    scenario_horizon: u32,
    run_horizon: usize,
) -> Result<f64, ApiError> {
    let run_horizon = run_horizon as f64;
    let cycle =
        request.cycle_periods.unwrap_or_else(|| f64::from(scenario_horizon).min(run_horizon));
    if !(cycle.is_finite() && cycle > 0.0 && cycle <= run_horizon) {
        return Err(out_of_range(
            "cycle_periods",
            format!("must be > 0 and <= the run's horizon {run_horizon}, got {cycle}"),
        ));
    }
    Ok(cycle)
}
