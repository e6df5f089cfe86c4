//! The handlers, one file per resource, and what the job-submitting ones share: the
//! `Idempotency-Key` header, the request digest and the `202 Accepted` answer.

pub mod experiments;
pub mod forecasts;
pub mod health;
pub mod jobs;
pub mod live_plans;
pub mod orders;
pub mod picks;
pub mod placements;
pub mod plans;
pub mod roads;
pub mod route_jobs;
pub mod routes;
pub mod vroom;

use super::error::ApiError;
use super::jobs::{Submitted, Work};
use super::state::AppState;
use crate::store::JobRecord as StoredJob;
use crate::store::jobs::{JobError, JobProgress};
use crate::store::{JobRecord, JobState, NewJob};
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The header that makes a job submission idempotent.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A job as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobView {
    /// The job id.
    pub id: String,
    /// `forecast`, `placement`, `plan`, `experiment` or `route`.
    pub kind: String,
    /// Where the job is.
    pub state: JobState,
    /// When it was accepted (RFC 3339, UTC).
    pub created_at: String,
    /// When a worker took it.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
    /// How far it got.
    pub progress: JobProgress,
    /// The result document, once succeeded.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    /// Why it failed or was cancelled.
    pub error: Option<JobError>,
    /// This job's URL.
    pub href: String,
}

/// A time as the API writes it: RFC 3339, UTC, milliseconds.
pub(crate) fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl From<JobRecord> for JobView {
    fn from(r: JobRecord) -> Self {
        Self {
            href: format!("/v1/jobs/{}", r.id),
            id: r.id.0,
            kind: r.kind,
            state: r.state,
            created_at: time(r.created_at),
            started_at: r.started_at.map(time),
            finished_at: r.finished_at.map(time),
            progress: r.progress,
            result: r.result,
            error: r.error,
        }
    }
}

/// The client's idempotency key: 1 to 255 visible ASCII characters.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the header.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else { return Ok(None) };
    let bad = || {
        ApiError::field(
            "invalid_header",
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters",
        )
    };
    let text = value.to_str().map_err(|_| bad())?;
    if text.is_empty() || text.len() > 255 || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad());
    }
    Ok(Some(text.to_owned()))
}

/// FNV-1a (64 bits) of the kind and the canonical JSON of the request (serde_json sorts
/// object keys), so the same request written with other spacing or key order is a replay.
pub(crate) fn digest(kind: &str, request: &serde_json::Value) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind.bytes().chain([b'\n']).chain(request.to_string().into_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// Stores and queues a job; answers `202 Accepted` with the job, its `Location`, and
/// `Idempotent-Replayed: true` when an earlier request with the same key made it.
///
/// # Errors
/// Those of the job runner's submission.
pub(crate) async fn submit(
    state: &AppState,
    headers: &HeaderMap,
    kind: &'static str,
    request: serde_json::Value,
) -> Result<Response, ApiError> {
    let key = idempotency_key(headers)?;
    let job = NewJob {
        kind: kind.to_owned(),
        idempotency_key: key,
        request_digest: digest(kind, &request),
        request,
    };
    let Submitted { record, replayed } = state.blocking(move |s| s.jobs().submit(job)).await?;
    let view = JobView::from(record);
    let mut response = (StatusCode::ACCEPTED, Json(&view)).into_response();
    if let Ok(location) = HeaderValue::from_str(&view.href) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    if replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The work of a stored job, whichever process stored it: the kind's `work` function
/// rebuilds it from the stored request with this process's state (scenario, limits, store),
/// checked as the request was when it was accepted. Every process that runs jobs (`serve`
/// with workers, `stockroute worker`) runs them through this one function.
///
/// # Errors
/// A [`JobError`] with the refusal's code: `unknown_kind` for a kind this build does not
/// know, else the code of the request check that failed here (a scenario this process did
/// not load: `no_scenario`).
pub(crate) fn prepare(state: &AppState, job: &StoredJob) -> Result<(u64, Work), JobError> {
    let made = match job.kind.as_str() {
        "forecast" => forecasts::work(state, &job.request),
        "placement" => placements::work(state, &job.request),
        "plan" => plans::work(state, &job.request),
        "route" => route_jobs::work(state, &job.request),
        "experiment" => experiments::work(state, &job.request),
        "picks" => picks::work(state, &job.request),
        other => {
            return Err(JobError {
                code: "unknown_kind".into(),
                message: format!("this worker does not run `{other}` jobs"),
            });
        }
    };
    made.map_err(|e| JobError { code: e.code().into(), message: e.to_string() })
}

/// A job's stored request as the kind's request type.
///
/// # Errors
/// [`ApiError::InvalidField`] (`stored_request`) when the stored request does not parse
/// (a job stored by another version).
pub(crate) fn stored_request<T: serde::de::DeserializeOwned>(
    request: &serde_json::Value,
) -> Result<T, ApiError> {
    T::deserialize(request).map_err(|e| ApiError::field("stored_request", "request", e.to_string()))
}

pub(crate) use super::error::out_of_range;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_ignores_key_order_and_keys_are_checked() {
        let a: serde_json::Value = serde_json::from_str(r#"{"a": 1, "b": [1, 2]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"b":[1,2],"a":1}"#).unwrap();
        assert_eq!(digest("forecast", &a), digest("forecast", &b));
        assert_ne!(digest("forecast", &a), digest("placement", &a));
        let mut h = HeaderMap::new();
        assert_eq!(idempotency_key(&h).unwrap(), None);
        h.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("order-17"));
        assert_eq!(idempotency_key(&h).unwrap().as_deref(), Some("order-17"));
        h.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("two words"));
        assert!(idempotency_key(&h).is_err());
    }
}
