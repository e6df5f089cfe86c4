//! `POST /v1/plans`: the whole pipeline ([`plan::run_scenario`]) on the scenario loaded at
//! start, as a job.
//!
//! The body holds the run's options, not a scenario path: the service plans only the
//! scenario it was started with (`--scenario`), so a client cannot make the server read an
//! arbitrary folder. The job's result is the [`plan::PlanOutcome`] (forecast digest,
//! placement, routes per station); the forecast run it used stays in the store and is
//! readable at `GET /v1/forecasts/{id}`.

use super::{out_of_range, submit};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::AppJson;
use crate::api::state::AppState;
use crate::plan::{self, ForecastOptions, PlacementStageOptions, PlanRequest, RoutingStageOptions};
use crate::scenario::Station;
// The longest horizon, the forecast engine's and the scenario's bound too.
use crate::scenario::limits::MAX_HORIZON_PERIODS as MAX_HORIZON;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

/// Most routing iterations per station a request may ask for.
const MAX_ITERATIONS: u64 = 1_000_000;

/// The options of a planning run on the loaded scenario (every field has a default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// Seed of every random choice; same scenario + options + seed = same plan
    /// (0 to 2^63 - 1, the range the store keeps).
    #[serde(default)]
    #[schema(maximum = 9_223_372_036_854_775_807_u64)]
    pub seed: u64,
    /// `{horizon, models, origins, selection, reuse}`.
    #[serde(default)]
    pub forecast: ForecastOptions,
    /// `{k_nearest, cycle_periods, road_distances}`.
    #[serde(default)]
    pub placement: PlacementStageOptions,
    /// `{stations, max_iterations, service_time_s, max_snap_m}`.
    #[serde(default)]
    pub routing: RoutingStageOptions,
}

/// Starts a planning job on the loaded scenario.
#[utoipa::path(
    post,
    path = "/v1/plans",
    operation_id = "create_plan",
    request_body(content = PlanBody, example = json!({
        "seed": 7,
        "forecast": {"horizon": 7, "models": ["seasonal_naive"], "origins": 1},
        "placement": {"k_nearest": 3},
        "routing": {"max_iterations": 2000, "service_time_s": 300}
    })),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$", description = "Same key + same body = same job (1-255 visible ASCII characters)")),
    responses(
        (status = 202, description = "Job accepted; poll its Location", body = crate::api::handlers::JobView, links(
            ("ShowJob" = (operation_id = "show_job", parameters(("id" = "$response.body#/id")))),
            ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id"))))
        )),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 415, description = "Body not declared as JSON", body = ErrorBody),
        (status = 422, description = "Out-of-range value, unknown station, no scenario, key reused", body = ErrorBody),
        (status = 503, description = "Job queue full", body = ErrorBody),
    ),
    tag = "plans"
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(body): AppJson<PlanBody>,
) -> Result<Response, ApiError> {
    let loaded = state.scenario().cloned().ok_or(ApiError::NoScenario { field: None })?;
    check(&body, &loaded.scenario.stations)?;
    let echo = serde_json::to_value(&body).map_err(ApiError::encode("request echo"))?;
    let request = PlanRequest {
        scenario: loaded.folder.clone(),
        seed: body.seed,
        forecast: body.forecast,
        placement: body.placement,
        routing: body.routing,
    };
    let store = state.store().clone();
    let seed = request.seed;
    let work = Box::new(move |ctx: &crate::SolveContext| {
        let outcome = plan::run_scenario(&loaded.scenario, &request, store.as_ref(), ctx)?;
        serde_json::to_value(&outcome).map_err(|e| {
            crate::Error::Plan(plan::PlanError::Encode {
                path: "result".into(),
                message: e.to_string(),
            })
        })
    });
    submit(&state, &headers, "plan", echo, seed, work).await
}

/// The checks `POST /v1/plans` makes before a job is made: every option in its range and
/// every station named in `routing.stations` one of `stations` (the loaded scenario's).
///
/// # Errors
/// [`ApiError::InvalidField`] naming the first field that is wrong.
pub fn check(body: &PlanBody, stations: &[Station]) -> Result<(), ApiError> {
    if i64::try_from(body.seed).is_err() {
        return Err(out_of_range(
            "seed",
            format!("must be at most {}, got {}", i64::MAX, body.seed),
        ));
    }
    if let Some(h) = body.forecast.horizon.filter(|h| !(1..=MAX_HORIZON).contains(h)) {
        return Err(out_of_range("forecast.horizon", format!("must be 1-{MAX_HORIZON}, got {h}")));
    }
    if !(1..=20).contains(&body.forecast.origins) {
        let o = body.forecast.origins;
        return Err(out_of_range("forecast.origins", format!("must be 1-20, got {o}")));
    }
    if body.placement.k_nearest == 0 {
        return Err(out_of_range("placement.k_nearest", "must be at least 1"));
    }
    if let Some(c) = body.placement.cycle_periods.filter(|c| !(c.is_finite() && *c > 0.0)) {
        return Err(out_of_range("placement.cycle_periods", format!("must be > 0, got {c}")));
    }
    let r = &body.routing;
    if !(1..=MAX_ITERATIONS).contains(&r.max_iterations) {
        let m = r.max_iterations;
        return Err(out_of_range(
            "routing.max_iterations",
            format!("must be 1-{MAX_ITERATIONS}, got {m}"),
        ));
    }
    if !(r.service_time_s.is_finite() && r.service_time_s >= 0.0) {
        return Err(out_of_range("routing.service_time_s", "must be a finite number >= 0"));
    }
    if !(r.max_snap_m.is_finite() && r.max_snap_m >= 0.0) {
        return Err(out_of_range("routing.max_snap_m", "must be a finite number >= 0"));
    }
    if let Some((i, id)) =
        r.stations.iter().enumerate().find(|(_, id)| !stations.iter().any(|s| &s.id == *id))
    {
        return Err(ApiError::field(
            "unknown_station",
            format!("routing.stations[{i}]"),
            format!("station `{id}` is not in the scenario"),
        ));
    }
    Ok(())
}
