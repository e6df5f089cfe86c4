//! `POST /v1/plans`: the whole pipeline ([`plan::run_scenario`]) on the scenario loaded at
//! start, as a job; `GET /v1/plans`: the plan jobs, newest first, a page at a time; and
//! `GET /v1/plans/{id}/report`: a plan's HTML report.
//!
//! A plan is its job: its id is the job id, its state and result are at
//! `GET /v1/jobs/{id}`. The job renders the plan's report ([`report::plan_page::html`],
//! the report.html of `stockroute plan`) and stores it beside the job before it succeeds
//! ([`crate::store::SqliteStore::put_plan_report`]), so serving it reads one row and a
//! plan's report stays the page it was when the plan was made.
//!
//! The body holds the run's options, not a scenario path: the service plans only the
//! scenario it was started with (`--scenario`), so a client cannot make the server read an
//! arbitrary folder. The job's result is the [`plan::PlanOutcome`] (forecast digest,
//! placement, routes per station); the forecast run it used stays in the store and is
//! readable at `GET /v1/forecasts/{id}`.

use super::jobs::page_of_jobs;
use super::{out_of_range, submit, time};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{AppJson, AppQuery};
use crate::api::paging::{Page, PageQuery};
use crate::api::state::AppState;
use crate::ids::JobId;
use crate::plan::{self, ForecastOptions, PlacementStageOptions, PlanRequest, RoutingStageOptions};
use crate::report;
use crate::scenario::Station;
use crate::store::jobs::{JobError, JobProgress};
use crate::store::{JobFilter, JobState, JobSummary, StoreError};
// The longest horizon, the forecast engine's and the scenario's bound too.
use crate::scenario::limits::MAX_HORIZON_PERIODS as MAX_HORIZON;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
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
        ), example = json!({
            "id": "job-20261201T101500123Z-5c1f2e3d",
            "kind": "plan",
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
    let echo = serde_json::to_value(&body).map_err(ApiError::encode("request echo"))?;
    let echo = state.blocking(move |s| work(s, &echo).map(|_| echo)).await?;
    submit(&state, &headers, "plan", echo).await
}

/// The work of a plan job from its stored request (the echo of a [`PlanBody`]), checked
/// as `POST /v1/plans` checks it, on this process's loaded scenario; its seed is the
/// body's.
///
/// # Errors
/// [`ApiError::NoScenario`], [`ApiError::InvalidField`] naming the first field that is
/// wrong.
pub(crate) fn work(
    state: &AppState,
    echo: &serde_json::Value,
) -> Result<(u64, crate::api::jobs::Work), ApiError> {
    let body: PlanBody = super::stored_request(echo)?;
    let loaded = state.scenario().cloned().ok_or(ApiError::NoScenario { field: None })?;
    check(&body, &loaded.scenario.stations)?;
    let request = PlanRequest {
        scenario: loaded.folder.clone(),
        seed: body.seed,
        forecast: body.forecast,
        placement: body.placement,
        routing: body.routing,
    };
    let store = state.store().clone();
    let seed = request.seed;
    let work: crate::api::jobs::Work = Box::new(move |job: &JobId, ctx: &crate::SolveContext| {
        let outcome = plan::run_scenario(&loaded.scenario, &request, store.as_ref(), ctx)?;
        store.put_plan_report(job, &report::plan_page::html(&outcome))?;
        serde_json::to_value(&outcome).map_err(|e| {
            crate::Error::Plan(plan::PlanError::Encode {
                path: "result".into(),
                message: e.to_string(),
            })
        })
    });
    Ok((seed, work))
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

/// A plan in a list: its job, without the request and the result, and its report's URL
/// once it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanItem {
    /// The plan's id (its job id).
    pub id: String,
    /// Where the plan's job is.
    pub state: JobState,
    /// When it was accepted (RFC 3339, UTC).
    pub created_at: String,
    /// When it ended (RFC 3339, UTC).
    pub finished_at: Option<String>,
    /// How far it got (live while it runs).
    pub progress: JobProgress,
    /// Why it failed or was cancelled.
    pub error: Option<JobError>,
    /// The plan's job (state, result, cancel).
    pub href: String,
    /// The HTML report, once the plan has succeeded.
    pub report: Option<String>,
}

impl From<JobSummary> for PlanItem {
    fn from(j: JobSummary) -> Self {
        let report = (j.state == JobState::Succeeded).then(|| format!("/v1/plans/{}/report", j.id));
        Self {
            href: format!("/v1/jobs/{}", j.id),
            report,
            id: j.id.0,
            state: j.state,
            created_at: time(j.created_at),
            finished_at: j.finished_at.map(time),
            progress: j.progress,
            error: j.error,
        }
    }
}

/// A page of plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanList {
    /// The plans, newest first.
    pub items: Vec<PlanItem>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The plans (plan jobs), newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/plans",
    operation_id = "list_plans",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of plans", body = PlanList, example = json!({
            "items": [{
                "id": "job-20261201T101500123Z-5c1f2e3d",
                "state": "succeeded",
                "created_at": "2026-12-01T10:15:00.123Z",
                "finished_at": "2026-12-01T10:16:41.907Z",
                "progress": {"done": 5, "total": 5, "phase": "routing"},
                "error": null,
                "href": "/v1/jobs/job-20261201T101500123Z-5c1f2e3d",
                "report": "/v1/plans/job-20261201T101500123Z-5c1f2e3d/report"
            }],
            "next_cursor": null
        })),
        (status = 422, description = "`limit` out of 1-500 or a bad `cursor`", body = ErrorBody),
    ),
    tag = "plans"
)]
pub async fn list(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<PageQuery>,
) -> Result<Json<PlanList>, ApiError> {
    let page = Page::new("plans", query.limit, query.cursor.as_deref())?;
    let filter = JobFilter { kind: Some("plan".to_owned()), state: None };
    let (rows, next_cursor) =
        state.blocking(move |s| page_of_jobs(s, "plans", &filter, &page)).await?;
    Ok(Json(PlanList { items: rows.into_iter().map(PlanItem::from).collect(), next_cursor }))
}

/// The Content-Security-Policy of a plan's report: the page is one file with an inline
/// style sheet and inline SVG, and no script, so it may use inline styles and nothing else
/// (no script at all, no request of any kind, no framing).
pub const REPORT_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
    img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A plan's HTML report (the report.html `stockroute plan` writes).
#[utoipa::path(
    get,
    path = "/v1/plans/{id}/report",
    operation_id = "show_plan_report",
    params(
        ("id" = String, Path, description = "Plan id (its job id)"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer: 304 when the report is unchanged"),
    ),
    responses(
        (status = 200, description = "The report (a whole HTML page, no script)", content_type = "text/html; charset=utf-8", body = String,
            headers(
                ("ETag" = String, description = "The report's content hash"),
                ("Cache-Control" = String, description = "`no-cache`: revalidate with the ETag"),
                ("Content-Security-Policy" = String, description = "Inline styles only, no script"),
            ), example = json!("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>stockroute plan: monaco</title>...</html>")),
        (status = 304, description = "Unchanged since the ETag given in `If-None-Match`"),
        (status = 404, description = "No such plan, or a plan made before reports were stored", body = ErrorBody),
        (status = 409, description = "The plan is queued, running, failed or cancelled: no report", body = ErrorBody),
    ),
    tag = "plans"
)]
pub async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = JobId::new(id);
    let html = state
        .blocking(move |s| {
            let not_found = |what| ApiError::NotFound { what, id: id.0.clone() };
            let job = match s.store().job_summary(&id) {
                Err(StoreError::JobNotFound(_)) => return Err(not_found("plan")),
                other => other?,
            };
            if job.kind != "plan" {
                return Err(not_found("plan"));
            }
            if job.state != JobState::Succeeded {
                return Err(ApiError::NoReport { id: id.0.clone(), state: job.state.as_str() });
            }
            s.store().plan_report(&id)?.ok_or_else(|| not_found("plan report"))
        })
        .await?;
    Ok(html_response(html, &headers))
}

/// `html` with the report's headers: `ETag` (its content hash) and `no-cache`, so a client
/// revalidates and gets `304` while the report is unchanged, as the planner's page does
/// ([`crate::api::page`]).
fn html_response(html: String, request: &HeaderMap) -> Response {
    let etag = format!("\"{:016x}\"", crate::api::page::fnv1a(html.as_bytes()));
    let mut response = if crate::api::page::etag_matches(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
    };
    let h = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(REPORT_CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_answer_revalidates_with_its_etag() {
        let r = html_response("<p>plan</p>".into(), &HeaderMap::new());
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(r.headers()[header::CONTENT_SECURITY_POLICY], REPORT_CONTENT_SECURITY_POLICY);
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, r.headers()[header::ETAG].clone());
        assert_eq!(html_response("<p>plan</p>".into(), &again).status(), StatusCode::NOT_MODIFIED);
        assert_eq!(html_response("<p>other</p>".into(), &again).status(), StatusCode::OK);
    }
}
