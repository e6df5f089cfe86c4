//! `GET /v1/jobs` (the jobs, newest first, a page at a time), `GET /v1/jobs/{id}`
//! (status, progress, result) and `DELETE /v1/jobs/{id}` (cancel).
//!
//! A list shows each job without its request and result (a plan's result is megabytes):
//! `GET /v1/jobs/{id}` has those. A running job's progress is the live one, as in
//! `GET /v1/jobs/{id}`.

use super::{JobView, time};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::AppQuery;
use crate::api::paging::Page;
use crate::api::state::AppState;
use crate::ids::JobId;
use crate::store::jobs::{JobError, JobProgress};
use crate::store::{JobFilter, JobState, JobSummary};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// What a job does: the operation that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// `POST /v1/forecasts`.
    Forecast,
    /// `POST /v1/placements`.
    Placement,
    /// `POST /v1/plans`.
    Plan,
    /// `POST /v1/experiments`.
    Experiment,
    /// `POST /v1/picks`.
    Picks,
}

impl JobKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Forecast => "forecast",
            Self::Placement => "placement",
            Self::Plan => "plan",
            Self::Experiment => "experiment",
            Self::Picks => "picks",
        }
    }
}

/// Query of `GET /v1/jobs`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    /// Items per page (count, 1-500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Where the page starts: the `next_cursor` of the page before (opaque; absent = the
    /// newest jobs).
    #[param(max_length = 1024)]
    pub cursor: Option<String>,
    /// Only jobs in this state.
    pub state: Option<JobState>,
    /// Only jobs of this kind.
    pub kind: Option<JobKind>,
}

/// A job in a list: [`JobView`] without the request and the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobItem {
    /// The job id.
    pub id: String,
    /// `forecast`, `placement`, `plan` or `experiment`.
    pub kind: String,
    /// Where the job is.
    pub state: JobState,
    /// When it was accepted (RFC 3339, UTC).
    pub created_at: String,
    /// When a worker took it (RFC 3339, UTC).
    pub started_at: Option<String>,
    /// When it ended (RFC 3339, UTC).
    pub finished_at: Option<String>,
    /// How far it got (live while it runs).
    pub progress: JobProgress,
    /// Why it failed or was cancelled.
    pub error: Option<JobError>,
    /// This job's URL (status, result, cancel).
    pub href: String,
}

impl From<JobSummary> for JobItem {
    fn from(j: JobSummary) -> Self {
        Self {
            href: format!("/v1/jobs/{}", j.id),
            id: j.id.0,
            kind: j.kind,
            state: j.state,
            created_at: time(j.created_at),
            started_at: j.started_at.map(time),
            finished_at: j.finished_at.map(time),
            progress: j.progress,
            error: j.error,
        }
    }
}

/// A page of jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobList {
    /// The jobs, newest first.
    pub items: Vec<JobItem>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A page of the store's jobs matching `filter` (live progress for running ones) and the
/// next page's cursor, for list `list`. Blocking (SQLite).
///
/// # Errors
/// [`ApiError::Store`].
pub(crate) fn page_of_jobs(
    state: &AppState,
    list: &str,
    filter: &JobFilter,
    page: &Page,
) -> Result<(Vec<JobSummary>, Option<String>), ApiError> {
    let mut rows = state.store().jobs_page(filter, page.after.as_ref(), page.fetch())?;
    for job in rows.iter_mut().filter(|j| !j.state.is_finished()) {
        if let Some(live) = state.jobs().live_progress(&job.id) {
            job.progress = live;
        }
    }
    Ok(page.finish(list, rows, |j| (j.created_at, j.id.as_str())))
}

/// The jobs, newest first, a page at a time; optionally only one state or kind.
#[utoipa::path(
    get,
    path = "/v1/jobs",
    operation_id = "list_jobs",
    params(JobsQuery),
    responses(
        (status = 200, description = "A page of jobs", body = JobList, example = json!({
            "items": [{
                "id": "job-20261201T101500123Z-5c1f2e3d",
                "kind": "plan",
                "state": "running",
                "created_at": "2026-12-01T10:15:00.123Z",
                "started_at": "2026-12-01T10:15:00.140Z",
                "finished_at": null,
                "progress": {"done": 2, "total": 5, "phase": "routing"},
                "error": null,
                "href": "/v1/jobs/job-20261201T101500123Z-5c1f2e3d"
            }],
            "next_cursor": "63310a6a6f62730a323032362d31322d30315431303a31353a30302e3132335a0a6a6f622d3230323631323031543130313530303132335a2d3563316632653364"
        })),
        (status = 422, description = "`limit` out of 1-500, a bad `cursor`, an unknown `state` or `kind`", body = ErrorBody),
    ),
    tag = "jobs"
)]
pub async fn list(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<JobsQuery>,
) -> Result<Json<JobList>, ApiError> {
    let page = Page::new("jobs", query.limit, query.cursor.as_deref())?;
    let filter = JobFilter { kind: query.kind.map(|k| k.as_str().to_owned()), state: query.state };
    let (rows, next_cursor) =
        state.blocking(move |s| page_of_jobs(s, "jobs", &filter, &page)).await?;
    Ok(Json(JobList { items: rows.into_iter().map(JobItem::from).collect(), next_cursor }))
}

/// A job's status, progress and, once it ended, its result or error.
#[utoipa::path(
    get,
    path = "/v1/jobs/{id}",
    operation_id = "show_job",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = JobView, links(
            ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id"))))
        ), example = json!({
            "id": "job-20261201T101500123Z-5c1f2e3d",
            "kind": "forecast",
            "state": "succeeded",
            "created_at": "2026-12-01T10:15:00.123Z",
            "started_at": "2026-12-01T10:15:00.140Z",
            "finished_at": "2026-12-01T10:15:02.456Z",
            "progress": {"done": 3, "total": 3, "phase": "forecast"},
            "result": {
                "run_id": "20261201T101502456Z-9a8b7c6d",
                "href": "/v1/forecasts/20261201T101502456Z-9a8b7c6d",
                "series": 600,
                "horizon": 7,
                "frequency": "daily",
                "rows": 4200
            },
            "error": null,
            "href": "/v1/jobs/job-20261201T101500123Z-5c1f2e3d"
        })),
        (status = 404, description = "No such job", body = ErrorBody),
    ),
    tag = "jobs"
)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    let id = JobId::new(id);
    let record = state.blocking(move |s| s.jobs().get(&id)).await?;
    Ok(Json(record.into()))
}

/// Cancels a job. A queued job is cancelled at once (200); a running one is asked to stop
/// and the answer (202) shows it still running: poll until `cancelled`.
#[utoipa::path(
    delete,
    path = "/v1/jobs/{id}",
    operation_id = "cancel_job",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "Cancelled", body = JobView, example = json!({
            "id": "job-20261201T101500123Z-5c1f2e3d",
            "kind": "plan",
            "state": "cancelled",
            "created_at": "2026-12-01T10:15:00.123Z",
            "started_at": null,
            "finished_at": "2026-12-01T10:15:01.002Z",
            "progress": {"done": 0, "total": 0, "phase": null},
            "result": null,
            "error": {"code": "cancelled", "message": "cancelled while queued"},
            "href": "/v1/jobs/job-20261201T101500123Z-5c1f2e3d"
        })),
        (status = 202, description = "Cancellation requested; the job stops at its next check", body = JobView),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job has already ended", body = ErrorBody),
    ),
    tag = "jobs"
)]
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<JobView>), ApiError> {
    let id = JobId::new(id);
    let record = state.blocking(move |s| s.jobs().cancel(&id)).await?;
    let status = if record.state.is_finished() { StatusCode::OK } else { StatusCode::ACCEPTED };
    Ok((status, Json(record.into())))
}
