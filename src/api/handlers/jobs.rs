//! `GET /v1/jobs/{id}` (status, progress, result) and `DELETE /v1/jobs/{id}` (cancel).

use super::JobView;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::state::AppState;
use crate::ids::JobId;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// A job's status, progress and, once it ended, its result or error.
#[utoipa::path(
    get,
    path = "/v1/jobs/{id}",
    operation_id = "show_job",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = JobView, links(
            ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id"))))
        )),
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
        (status = 200, description = "Cancelled", body = JobView),
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
