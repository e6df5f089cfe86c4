//! `POST /v1/placements`: a placement job from a stored forecast run and the network of the
//! scenario loaded at start.
//!
//! The run must exist when the request comes (404 now, not a failed job later). The job
//! does what `stockroute place` does: demand from the run ([`placement::input_from`]), road
//! distances where the scenario's road graph covers both ends, the LP, and the independent
//! check; its result is the plan report plus the checker's verdict.

use super::{out_of_range, submit};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::AppJson;
use crate::api::state::AppState;
use crate::ids::RunId;
use crate::placement::{self, PlacementOptions};
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
    /// Each zone may be served by its k nearest centres (default 3, at least 1).
    #[serde(default)]
    pub k: Option<usize>,
    /// Periods the stock must cover (default: the scenario's horizon, at most the run's).
    #[serde(default)]
    pub cycle_periods: Option<f64>,
    /// Solver time limit in seconds (0-3600; default none).
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Use road distances where the scenario has a road graph (default true).
    #[serde(default)]
    pub roads: Option<bool>,
}

/// Starts a placement job.
#[utoipa::path(
    post,
    path = "/v1/placements",
    request_body = PlacementRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key + same body = same job")),
    responses(
        (status = 202, description = "Job accepted; poll its Location", body = crate::api::handlers::JobView),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
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
    let loaded = state.scenario().cloned().ok_or(ApiError::NoScenario { field: None })?;
    let k = check(&request)?;
    let run = RunId::new(request.run_id.clone());
    let info = state.blocking(move |s| Ok(s.store().run_info(&run)?)).await?;
    let cycle = cycle_periods(&request, loaded.scenario.horizon_periods, info.run.horizon)?;
    let echo = serde_json::to_value(&request).map_err(|e| ApiError::Task(e.to_string()))?;
    let store = state.store().clone();
    let (roads, time_limit_s) = (request.roads.unwrap_or(true), request.time_limit_s);
    let work = Box::new(move |ctx: &crate::SolveContext| {
        let rows = store.read_run(&info.id)?;
        let options = PlacementOptions { cycle_periods: cycle, ..PlacementOptions::default() }
            .with_k_nearest(k);
        let mut input = placement::input_from(&loaded.scenario, &info, &rows, options)?;
        let mut road_pairs = 0;
        if let Some(graph) = loaded.roads.as_ref().filter(|_| roads) {
            let coverage = placement::road_distances(graph, &input, ctx)?;
            road_pairs = coverage.distances.len();
            input.road_km = coverage.distances;
        }
        let ctx = match time_limit_s {
            Some(t) => ctx.clone().with_time_limit(crate::api::config::seconds(t)),
            None => ctx.clone(),
        };
        let result = placement::solve(&input, &ctx)?;
        let verdict = placement::check(&input, &result.plan, 1e-6)?;
        Ok(serde_json::json!({
            "forecast_run": info.id,
            "cycle_periods": cycle,
            "road_pairs": road_pairs,
            "feasible": verdict.is_feasible(),
            "violations": verdict.violations,
            "plan": result.report(&input),
        }))
    });
    submit(&state, &headers, "placement", echo, 0, work).await
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
