//! The service's one error type and its JSON rendering.
//!
//! Every failure a client can see has the same body, `{"error": {"code", "message",
//! "field"}}` (plus `details`, one entry per [`Issue`], when input rules were broken: a
//! routing problem, a placement input, a history or a scenario), so a client needs
//! one error handler. Client mistakes map to 4xx with a message that says what to change;
//! server faults map to 500 with a generic message, and the cause goes to the log (inside
//! the request's trace span) rather than to the client.

use crate::issue::Issue;
use crate::routing::RoutingError;
use crate::store::StoreError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Any error of the HTTP service: bad requests, missing resources, overload, and the
/// failures of starting or running the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The body is not JSON (syntax error, truncated).
    #[error("malformed JSON: {message}")]
    MalformedJson {
        /// The parser's message, with line and column.
        message: String,
    },
    /// The body was not declared as JSON.
    #[error("expected `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// A field has the wrong type, is missing or unknown, or its value is out of range.
    #[error("`{field}`: {message}")]
    InvalidField {
        /// A stable code (`invalid_field`, `out_of_range`, `too_many_stops`, ...).
        code: &'static str,
        /// The field's path in the request (`stops[3].location`, `time_limit_s`).
        field: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A routing problem broke one or more rules; all are listed.
    #[error("invalid routing problem: {} violation(s)", .0.len())]
    InvalidProblem(Vec<Issue>),
    /// Some other input (a placement input, a history, a scenario) broke one or more rules;
    /// all are listed.
    #[error("invalid {what}: {} issue(s)", issues.len())]
    InvalidInput {
        /// `placement input`, `history`, `scenario`.
        what: &'static str,
        /// Every issue found.
        issues: Vec<Issue>,
    },
    /// The body is larger than the configured limit.
    #[error("request body larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// No such resource.
    #[error("no {what} `{id}`")]
    NotFound {
        /// `job`, `forecast run`, `route`.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The method is not served on this path.
    #[error("method not allowed on this path")]
    MethodNotAllowed,
    /// The request needs the scenario that `--scenario` loads, and none was loaded.
    #[error("this request needs a scenario: start the server with --scenario DIR")]
    NoScenario {
        /// The request field that asked for it.
        field: Option<String>,
    },
    /// An `Idempotency-Key` came back with a different request.
    #[error("Idempotency-Key `{key}` was used for a different request (job `{job}`)")]
    IdempotencyMismatch {
        /// The key.
        key: String,
        /// The job that holds it.
        job: String,
    },
    /// The job has already ended and cannot be cancelled.
    #[error("job `{id}` has already ended ({state})")]
    JobFinished {
        /// The job.
        id: String,
        /// Its final state.
        state: &'static str,
    },
    /// The plan has no report: it has not succeeded (yet).
    #[error("plan `{id}` is {state}: a plan has a report once it has succeeded")]
    NoReport {
        /// The plan (its job id).
        id: String,
        /// Its state.
        state: &'static str,
    },
    /// Another request stored this version of a plan's state first: read the latest and
    /// start again from it.
    #[error("version {version} of plan `{plan}` is already stored")]
    VersionTaken {
        /// The plan.
        plan: String,
        /// The version.
        version: u64,
    },
    /// The job queue or the solver slots are full: retry later.
    #[error("{what} is full ({capacity}); retry in {retry_after_s} s")]
    Overloaded {
        /// `job queue` or `solver queue`.
        what: &'static str,
        /// Its capacity.
        capacity: usize,
        /// Suggested wait, sent as `Retry-After`.
        retry_after_s: u64,
    },
    /// The server is shutting down and takes no new work.
    #[error("the server is shutting down")]
    ShuttingDown,
    /// The store failed (not a missing record, which is [`ApiError::NotFound`]).
    #[error(transparent)]
    Store(StoreError),
    /// A stage failed in a way the client could not have prevented.
    #[error(transparent)]
    Internal(Box<crate::Error>),
    /// The listening socket failed, or the server stopped with an I/O error.
    #[error("server I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The metrics registry refused a metric (a bug).
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// A blocking task panicked or was cancelled.
    #[error("a background task failed: {0}")]
    Task(String),
    /// A response value could not be encoded as JSON (a bug: every response type is plain
    /// data, so this only fires on a non-finite float or a map with non-string keys).
    #[error("encoding {what} as JSON: {source}")]
    Encode {
        /// What was being encoded (`request echo`, `run info`, `route GeoJSON`).
        what: &'static str,
        /// The encoder's error.
        #[source]
        source: serde_json::Error,
    },
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::RunNotFound(id) => Self::NotFound { what: "forecast run", id: id.0 },
            StoreError::JobNotFound(id) => Self::NotFound { what: "job", id: id.0 },
            StoreError::PlanStateNotFound { plan, version } => Self::NotFound {
                what: "plan state",
                id: version.map_or_else(|| plan.0.clone(), |v| format!("{plan}/{v}")),
            },
            StoreError::PlanVersionTaken { plan, version } => {
                Self::VersionTaken { plan: plan.0, version }
            }
            other => Self::Store(other),
        }
    }
}

impl From<RoutingError> for ApiError {
    fn from(e: RoutingError) -> Self {
        match e {
            RoutingError::Invalid(v) => Self::InvalidProblem(v),
            RoutingError::Parse { message, .. } => Self::MalformedJson { message },
            e @ (RoutingError::TooLarge { .. } | RoutingError::OutOfMemory { .. }) => {
                Self::InvalidField {
                    code: "too_many_locations",
                    field: "locations".into(),
                    message: e.to_string(),
                }
            }
            e @ RoutingError::ArcTooLong { .. } => Self::InvalidField {
                code: "out_of_range",
                field: "locations".into(),
                message: e.to_string(),
            },
            other => Self::Internal(Box::new(other.into())),
        }
    }
}

impl From<crate::placement::PlacementError> for ApiError {
    fn from(e: crate::placement::PlacementError) -> Self {
        match e {
            crate::placement::PlacementError::InvalidInput { issues } => {
                Self::InvalidInput { what: "placement input", issues }
            }
            other => Self::Internal(Box::new(other.into())),
        }
    }
}

impl From<crate::forecast::ForecastError> for ApiError {
    fn from(e: crate::forecast::ForecastError) -> Self {
        match e {
            crate::forecast::ForecastError::InvalidHistory { issues, .. } => {
                Self::InvalidInput { what: "history", issues }
            }
            other => Self::Internal(Box::new(other.into())),
        }
    }
}

impl From<crate::scenario::ScenarioError> for ApiError {
    fn from(e: crate::scenario::ScenarioError) -> Self {
        match e {
            crate::scenario::ScenarioError::Invalid(report) => {
                Self::InvalidInput { what: "scenario", issues: report.issues }
            }
            other => Self::Internal(Box::new(other.into())),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Task(e.to_string())
    }
}

/// Shorthand: a request field out of its range (`out_of_range` at `field`).
pub(crate) fn out_of_range(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::field("out_of_range", field, message)
}

impl ApiError {
    /// An [`ApiError::Encode`] for `what`, for `map_err`.
    pub fn encode(what: &'static str) -> impl FnOnce(serde_json::Error) -> Self {
        move |source| Self::Encode { what, source }
    }

    /// A 422 for one field.
    pub fn field(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidField { code, field: field.into(), message: message.into() }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MalformedJson { .. } => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::InvalidField { .. }
            | Self::InvalidProblem(_)
            | Self::InvalidInput { .. }
            | Self::NoScenario { .. }
            | Self::IdempotencyMismatch { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::JobFinished { .. } | Self::NoReport { .. } | Self::VersionTaken { .. } => {
                StatusCode::CONFLICT
            }
            Self::Overloaded { .. } | Self::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            Self::Store(_)
            | Self::Internal(_)
            | Self::Io(_)
            | Self::Task(_)
            | Self::Encode { .. }
            | Self::Metrics(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code of the body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MalformedJson { .. } => "malformed_json",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::InvalidField { code, .. } => code,
            Self::InvalidProblem(_) => "invalid_problem",
            Self::InvalidInput { .. } => "invalid_input",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::NotFound { .. } => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::NoScenario { .. } => "no_scenario",
            Self::IdempotencyMismatch { .. } => "idempotency_key_reused",
            Self::JobFinished { .. } => "job_finished",
            Self::NoReport { .. } => "plan_not_succeeded",
            Self::VersionTaken { .. } => "plan_version_taken",
            Self::Overloaded { .. } => "overloaded",
            Self::ShuttingDown => "shutting_down",
            Self::Store(_)
            | Self::Internal(_)
            | Self::Io(_)
            | Self::Task(_)
            | Self::Encode { .. }
            | Self::Metrics(_) => "internal",
        }
    }

    fn body(&self) -> ErrorBody {
        let (field, details) = match self {
            Self::InvalidField { field, .. } => (Some(field.clone()), Vec::new()),
            Self::NoScenario { field } => (field.clone(), Vec::new()),
            Self::IdempotencyMismatch { .. } => (Some("Idempotency-Key".into()), Vec::new()),
            Self::InvalidProblem(issues) | Self::InvalidInput { issues, .. } => {
                (issues.first().map(|x| x.location.to_string()), details(issues))
            }
            _ => (None, Vec::new()),
        };
        let message = if self.status().is_server_error()
            && !matches!(self, Self::Overloaded { .. } | Self::ShuttingDown)
        {
            "internal error (logged on the server)".to_owned()
        } else {
            self.to_string()
        };
        ErrorBody { error: ErrorInfo { code: self.code().to_owned(), message, field, details } }
    }
}

/// One detail per issue: errors first (they are why the request failed), then warnings.
fn details(issues: &[Issue]) -> Vec<ErrorDetail> {
    let (errors, warnings): (Vec<&Issue>, Vec<&Issue>) = issues.iter().partition(|i| i.is_error());
    errors.into_iter().chain(warnings).map(ErrorDetail::from).collect()
}

impl From<&Issue> for ErrorDetail {
    fn from(issue: &Issue) -> Self {
        ErrorDetail {
            code: issue.code.as_str().to_owned(),
            field: issue.location.to_string(),
            message: issue.cause.clone(),
            action: Some(issue.action.clone()).filter(|a| !a.is_empty()),
            value: issue.value.clone(),
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorInfo,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorInfo {
    /// A stable, machine-readable code (`malformed_json`, `too_many_stops`, ...).
    pub code: String,
    /// What went wrong and how to fix it.
    pub message: String,
    /// The request field at fault (a JSON path such as `stops[3].location`), if one is.
    pub field: Option<String>,
    /// Every issue, when input rules were broken (one entry per [`Issue`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// One issue of a request: an [`Issue`] as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// The stage's stable code (`E1002` routing, `E2004` placement, `E-BAD-DATE` files).
    pub code: String,
    /// Where: a JSON path (`stops[3].demand`) or `file:line field`.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The offending value as written, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, code = self.code(), "request failed");
        } else {
            tracing::debug!(error = %self, code = self.code(), "request refused");
        }
        let retry = match &self {
            Self::Overloaded { retry_after_s, .. } => Some(*retry_after_s),
            Self::ShuttingDown => Some(5),
            _ => None,
        };
        let mut response = (status, Json(self.body())).into_response();
        if let Some(s) = retry {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_name_the_field_and_server_errors_hide_the_cause() {
        let e = ApiError::field("out_of_range", "time_limit_s", "must be in (0, 30]");
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = e.body();
        assert_eq!(body.error.field.as_deref(), Some("time_limit_s"));
        assert!(body.error.message.contains("(0, 30]"));
        let e = ApiError::Task("boom: secret path".into());
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.body().error.message.contains("secret"));
        let source = serde_json::from_str::<u8>("x").unwrap_err();
        let e = ApiError::encode("run info")(source);
        assert_eq!((e.status(), e.code()), (StatusCode::INTERNAL_SERVER_ERROR, "internal"));
        assert!(e.to_string().starts_with("encoding run info as JSON"));
        assert!(!e.body().error.message.contains("run info"));
        let e: ApiError = StoreError::JobNotFound("j".into()).into();
        assert_eq!((e.status(), e.code()), (StatusCode::NOT_FOUND, "not_found"));
    }

    #[test]
    fn any_list_of_issues_renders_as_details_errors_first() {
        let spec = crate::placement::synth::SynthSpec::new(2, 2, 2, 1);
        let mut input = crate::placement::synth::network(&spec);
        input.centres[1].storage_m3 = -1.0;
        let e: ApiError = input.validate().unwrap_err().into();
        assert_eq!((e.status(), e.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"));
        let body = e.body();
        assert_eq!(body.error.field.as_deref(), Some("centres[1].storage_m3"));
        assert_eq!(body.error.details.len(), 1);
        assert_eq!(body.error.details[0].code, "E2004");
        let action = body.error.details[0].action.as_deref();
        assert_eq!(action, Some("use zero or a positive finite number"));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        std::fs::write(&path, "date,sku,zone,quantity,extra\n2024-01-01,A,Z,x,1\n").unwrap();
        let err = crate::forecast::History::read_csv(&path, &Default::default()).unwrap_err();
        let body = ApiError::from(err).body();
        let codes: Vec<&str> = body.error.details.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["E-NOT-A-NUMBER", "W-UNKNOWN-COLUMN"]);
        assert!(body.error.details[0].field.ends_with("h.csv:2 quantity"));
        assert_eq!(body.error.details[0].value.as_deref(), Some("x"));
    }
}
