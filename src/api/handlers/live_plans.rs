//! Plans under way (issue 16): `POST /v1/plans/{id}/states` stores a plan's first state,
//! `GET /v1/plans/{id}/states/{version}` (or `.../state` for the latest) reads one back,
//! and `POST /v1/plans/{id}/reoptimise` re-plans the latest (or a named) version with new
//! orders and stores the next version.
//!
//! `{id}` is the plan the state belongs to (`plan_id` in the state): a plan job's id, or
//! any id of a plan made elsewhere. Each version is written once and points at the one it
//! came from ([`crate::store::StoredPlanState`]), so a driver's plan can be traced back to
//! the first; two re-optimisations of one version racing: the first stores the next
//! version, the second gets `409 plan_version_taken` and can retry from the new latest.
//!
//! Limits are checked before any work, as for `POST /v1/routes`: the state's stops plus
//! the new orders at most `max_stops`, its locations at most `max_locations`,
//! `time_limit_s` in `(0, max_time_limit_s]`, `max_iterations` at most 1,000,000, the churn
//! penalty in `[0, 1e9]`. The solve runs on the blocking pool behind the solver slots;
//! every answer has passed the routing checker with the fixed stops included.

use super::out_of_range;
use crate::SolveContext;
use crate::api::config::seconds;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::AppJson;
use crate::api::state::AppState;
use crate::ids::PlanId;
use crate::replan::{
    self, NewOrders, PlanState, ReoptimiseOptions, ReoptimiseSummary, ReplanError,
};
use crate::routing::SolverConfig;
use crate::store::{NewPlanState, StoredPlanState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// Most search iterations a re-optimisation may ask for.
const MAX_ITERATIONS: u64 = 1_000_000;

/// A stored version of a plan's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanStateView {
    /// The plan.
    pub plan_id: String,
    /// This version (a count, no unit).
    pub version: u64,
    /// The version it came from (a count, no unit).
    pub parent_version: Option<u64>,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
    /// The state (`PlanState`).
    #[schema(value_type = Object)]
    pub state: serde_json::Value,
    /// The re-optimisation that made it (`ReoptimiseSummary`); `null` for a first version.
    #[schema(value_type = Option<Object>)]
    pub summary: Option<serde_json::Value>,
    /// This version's URL.
    pub href: String,
}

/// What to re-optimise with.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReoptimiseBody {
    /// The orders that arrived (default: none).
    #[serde(default)]
    pub orders: NewOrders,
    /// Cost of each planned stop moved to another vehicle, re-sequenced or dropped, in the
    /// problem's cost unit (currency, as the vehicles' costs; 0 to 1e9; default 0: plans may
    /// change freely).
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1e9)]
    pub churn_penalty: f64,
    /// Time limit in seconds, counted from the request's arrival (default 1).
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Seed of the search (no unit; default: the state problem's, else 0).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Most search iterations (at most 1,000,000).
    #[serde(default)]
    #[schema(maximum = 1_000_000)]
    pub max_iterations: Option<u64>,
    /// The version to start from (a count, no unit; default: the latest).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub from_version: Option<u64>,
}

/// The answer of a re-optimisation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReoptimiseAnswer {
    /// Figures and what changed.
    pub summary: ReoptimiseSummary,
    /// The new version, as stored.
    pub stored: PlanStateView,
}

fn view(s: StoredPlanState) -> Result<PlanStateView, ApiError> {
    let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t);
    let corrupt = |e: serde_json::Error| {
        ApiError::Internal(Box::new(crate::Error::Replan(ReplanError::Parse {
            what: "stored state",
            line: e.line(),
            message: e.to_string(),
        })))
    };
    Ok(PlanStateView {
        href: format!("/v1/plans/{}/states/{}", s.plan_id, s.version),
        state: parse(&s.state).map_err(corrupt)?,
        summary: s.summary.as_deref().map(parse).transpose().map_err(corrupt)?,
        plan_id: s.plan_id.0,
        version: s.version,
        parent_version: s.parent_version,
        created_at: s.created_at,
    })
}

/// A stage error as the client sees it: its rules broken, 422 with every issue.
fn client(e: ReplanError) -> ApiError {
    match e {
        ReplanError::Invalid(issues) => ApiError::InvalidInput { what: "plan state", issues },
        ReplanError::Parse { message, .. } => ApiError::MalformedJson { message },
        ReplanError::Routing(r) => r.into(),
        other => ApiError::Internal(Box::new(other.into())),
    }
}

/// The request-path size limits, before any work.
fn check_size(state: &PlanState, orders: usize, app: &AppState) -> Result<(), ApiError> {
    let config = app.config();
    let stops = state.problem.stops.len().saturating_add(orders);
    if stops > config.max_stops {
        let message = format!("{stops} stops and orders, at most {}", config.max_stops);
        return Err(ApiError::field("too_many_stops", "problem.stops", message));
    }
    let l = &state.problem.locations;
    let locations =
        l.coordinates.as_ref().map_or(0, Vec::len).max(l.distance.as_ref().map_or(0, Vec::len));
    if locations > config.max_locations {
        let message = format!("{locations} locations, at most {}", config.max_locations);
        return Err(ApiError::field("too_many_locations", "problem.locations", message));
    }
    Ok(())
}

/// Stores the first state of a plan.
#[utoipa::path(
    post,
    path = "/v1/plans/{id}/states",
    operation_id = "create_plan_state",
    params(("id" = String, Path, description = "The plan (the state's `plan_id`)")),
    request_body(content = PlanState, description = "Version 1 of the plan's state", example = json!({
        "plan_id": "day-1", "version": 1, "now": 3600,
        "problem": {"locations": {"coordinates": [[0, 0], [3, 4], [6, 8]]},
            "depots": [{"id": "D", "location": 0}],
            "vehicles": [{"id": "van", "capacity": [10], "start_depot": "D"}],
            "stops": [{"id": "a", "location": 1, "demand": [2]}, {"id": "b", "location": 2, "demand": [3]}]},
        "vehicles": [{"vehicle_type": "van", "vehicle": 1, "served": ["a"], "planned": ["b"]}]
    })),
    responses(
        (status = 201, description = "Stored", body = PlanStateView, example = json!({"plan_id": "day-1", "version": 2, "parent_version": 1,
            "created_at": "2026-12-02T10:15:00.123Z", "state": {"plan_id": "day-1", "version": 2},
            "summary": {"version": 2, "changes": {"churn": 0}}, "href": "/v1/plans/day-1/states/2"})),
        (status = 409, description = "The plan has a first version already", body = ErrorBody),
        (status = 422, description = "Invalid state (every rule broken, at its JSON path)", body = ErrorBody),
    ),
    tag = "plans"
)]
pub async fn create(
    State(app): State<AppState>,
    Path(id): Path<String>,
    AppJson(state): AppJson<PlanState>,
) -> Result<(StatusCode, Json<PlanStateView>), ApiError> {
    if state.plan_id.as_str() != id {
        return Err(ApiError::field(
            "plan_mismatch",
            "plan_id",
            format!("the path names plan `{id}`"),
        ));
    }
    if state.version != 1 || state.parent_version.is_some() {
        return Err(out_of_range("version", "a first state is version 1 with no parent_version"));
    }
    check_size(&state, 0, &app)?;
    let stored = app
        .blocking(move |s| {
            replan::check_state(&state).map_err(client)?;
            let text = serde_json::to_string(&state).map_err(ApiError::encode("plan state"))?;
            let new =
                NewPlanState { plan_id: &state.plan_id, version: 1, state: &text, summary: None };
            s.store().put_plan_state(&new)?;
            Ok(s.store().plan_state(&state.plan_id, Some(1))?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view(stored)?)))
}

/// One version of a plan's state.
#[utoipa::path(
    get,
    path = "/v1/plans/{id}/states/{version}",
    operation_id = "show_plan_state",
    params(("id" = String, Path, description = "The plan"), ("version" = u64, Path, description = "The version (a count, no unit)")),
    responses(
        (status = 200, description = "The version", body = PlanStateView, example = json!({"plan_id": "day-1", "version": 2, "parent_version": 1,
            "created_at": "2026-12-02T10:15:00.123Z", "state": {"plan_id": "day-1", "version": 2},
            "summary": {"version": 2, "changes": {"churn": 0}}, "href": "/v1/plans/day-1/states/2"})),
        (status = 404, description = "No such plan or version", body = ErrorBody),
    ),
    tag = "plans"
)]
pub async fn show(
    State(app): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<PlanStateView>, ApiError> {
    let version: u64 = version
        .parse()
        .ok()
        .filter(|&v| v >= 1)
        .ok_or_else(|| out_of_range("version", "a version is a whole number from 1"))?;
    let stored =
        app.blocking(move |s| Ok(s.store().plan_state(&PlanId(id), Some(version))?)).await?;
    Ok(Json(view(stored)?))
}

/// The latest version of a plan's state.
#[utoipa::path(
    get,
    path = "/v1/plans/{id}/state",
    operation_id = "latest_plan_state",
    params(("id" = String, Path, description = "The plan")),
    responses(
        (status = 200, description = "The latest version", body = PlanStateView, example = json!({"plan_id": "day-1", "version": 2, "parent_version": 1,
            "created_at": "2026-12-02T10:15:00.123Z", "state": {"plan_id": "day-1", "version": 2},
            "summary": {"version": 2, "changes": {"churn": 0}}, "href": "/v1/plans/day-1/states/2"})),
        (status = 404, description = "No such plan", body = ErrorBody),
    ),
    tag = "plans"
)]
pub async fn latest(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PlanStateView>, ApiError> {
    let stored = app.blocking(move |s| Ok(s.store().plan_state(&PlanId(id), None)?)).await?;
    Ok(Json(view(stored)?))
}

/// Re-plans a plan under way with new orders; stores and returns the next version.
#[utoipa::path(
    post,
    path = "/v1/plans/{id}/reoptimise",
    operation_id = "reoptimise_plan",
    params(("id" = String, Path, description = "The plan")),
    request_body(content = ReoptimiseBody, example = json!({
        "orders": {"orders": [{"release_time": 3600, "stop": {"id": "n1", "location": 4, "demand": [2]}}]},
        "churn_penalty": 50,
        "time_limit_s": 1
    })),
    responses(
        (status = 200, description = "The next version and what changed", body = ReoptimiseAnswer, example = json!({"summary": {"version": 2, "cost": 1520.5, "residual_cost": 980.0, "stops_on_routes": 41, "seconds": 0.8, "changes": {"moved": [], "resequenced": [], "inserted": [{"stop": "n1", "to": {"vehicle_type": "van", "vehicle": 1}}], "dropped": [], "unassigned": [], "churn": 0}}, "stored": {"plan_id": "day-1", "version": 2, "parent_version": 1, "created_at": "2026-12-02T10:15:00.123Z", "state": {}, "summary": {}, "href": "/v1/plans/day-1/states/2"}})),
        (status = 404, description = "No such plan or version", body = ErrorBody),
        (status = 409, description = "Another re-optimisation stored the next version first", body = ErrorBody),
        (status = 422, description = "Invalid orders or option (every rule broken, at its JSON path)", body = ErrorBody),
    ),
    tag = "plans"
)]
pub async fn reoptimise(
    State(app): State<AppState>,
    Path(id): Path<String>,
    AppJson(body): AppJson<ReoptimiseBody>,
) -> Result<Json<ReoptimiseAnswer>, ApiError> {
    let config = app.config();
    let limit = body.time_limit_s.unwrap_or(1.0);
    if !(limit > 0.0 && limit <= config.max_time_limit_s) {
        let message = format!("must be in (0, {}]", config.max_time_limit_s);
        return Err(out_of_range("time_limit_s", message));
    }
    if body.max_iterations.is_some_and(|n| n > MAX_ITERATIONS) {
        return Err(out_of_range("max_iterations", format!("at most {MAX_ITERATIONS}")));
    }
    if !(body.churn_penalty.is_finite()
        && (0.0..=replan::MAX_CHURN_PENALTY).contains(&body.churn_penalty))
    {
        return Err(out_of_range("churn_penalty", "must be in [0, 1e9]"));
    }
    if body.from_version == Some(0) {
        return Err(out_of_range("from_version", "versions start at 1"));
    }
    let ctx = SolveContext::new(0).with_time_limit(seconds(limit));
    let plan = PlanId(id);
    let stored = {
        let plan = plan.clone();
        let from = body.from_version;
        app.blocking(move |s| Ok(s.store().plan_state(&plan, from)?)).await?
    };
    let state: PlanState = serde_json::from_str(&stored.state).map_err(|e| {
        ApiError::Internal(Box::new(crate::Error::Replan(ReplanError::Parse {
            what: "stored state",
            line: e.line(),
            message: e.to_string(),
        })))
    })?;
    check_size(&state, body.orders.orders.len(), &app)?;
    let permit = app.slots().acquire().await?;
    let answer = app
        .blocking(move |s| {
            let _permit = permit;
            let seed = body.seed.or(state.problem.seed).unwrap_or(0);
            let ctx = ctx.child(seed);
            let solver =
                SolverConfig { max_iterations: body.max_iterations, ..SolverConfig::default() };
            let options = ReoptimiseOptions { churn_penalty: body.churn_penalty, solver };
            let done = replan::reoptimise(state, body.orders, &options, &ctx).map_err(client)?;
            let text =
                serde_json::to_string(&done.state).map_err(ApiError::encode("plan state"))?;
            let summary =
                serde_json::to_string(&done.summary).map_err(ApiError::encode("summary"))?;
            let new = NewPlanState {
                plan_id: &plan,
                version: done.state.version,
                state: &text,
                summary: Some(&summary),
            };
            s.store().put_plan_state(&new)?;
            let stored = s.store().plan_state(&plan, Some(done.state.version))?;
            Ok(ReoptimiseAnswer { summary: done.summary, stored: view(stored)? })
        })
        .await?;
    Ok(Json(answer))
}
