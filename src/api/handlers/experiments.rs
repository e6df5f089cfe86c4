//! `POST /v1/experiments` (an offline champion/challenger experiment run as a job),
//! `GET /v1/experiments` (the stored experiments, newest first, a page at a time),
//! `GET /v1/experiments/{id}` (its stored record) and `GET /v1/experiments/{id}/report`
//! (the HTML report once it is decided).
//!
//! # Why a job
//! An experiment solves every sampled unit twice: seconds to minutes of CPU. It runs on a
//! job worker like a forecast, so it reports progress (one step per arm and batch), can be
//! cancelled (`DELETE /v1/jobs/{id}`; the record is then marked aborted) and honours
//! `Idempotency-Key`.
//!
//! # Paths in a spec
//! Data paths (`units.instances`, `units.scenarios`, `units.scenario`) must be relative,
//! are resolved against the server's working directory, may not contain `..` and must
//! exist; anything else is a 422 naming the field. A client can thus only point at data
//! the operator put under the directory the server was started in. Paths are resolved
//! (symbolic links followed) before the check, so a link cannot lead outside; an instance
//! must be a regular file of at most [`MAX_INSTANCE_BYTES`] and a scenario a folder whose
//! entries are regular files or folders inside the directory (a FIFO would block the job's
//! read forever). Errors name the field and the path, never what the file holds.
//!
//! # Budget
//! A spec's routing arms may plan at most the job deadline
//! ([`crate::api::ServiceConfig::job_deadline_s`]) of solver time (units x each arm's
//! `time_limit_s`); beyond it the spec is a 422 instead of a job that is cut off halfway.

use super::submit;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{AppJson, AppQuery};
use crate::api::paging::{Page, PageQuery};
use crate::api::state::AppState;
use crate::experiment::{
    self, ExperimentError, ExperimentRecord, ExperimentStore, Outcome, Spec, UnitResult,
};
use crate::ids::ExperimentId;
use crate::report;
use crate::store::StoreError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path as FsPath};

/// An experiment request: the spec as JSON (`spec`) or as TOML text (`spec_toml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentRequest {
    /// The spec in its JSON form (same fields as the TOML file of `stockroute experiment`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub spec: Option<Spec>,
    /// The spec as TOML text.
    #[serde(default)]
    pub spec_toml: Option<String>,
}

/// A stored experiment and its units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExperimentView {
    /// The record: id, name, created_at, spec, spec_fingerprint, planned_units, status
    /// (`running`, `done`, `aborted`), units_recorded, verdict.
    #[schema(value_type = Object)]
    pub experiment: ExperimentRecord,
    /// The decision on the primary metric once done: `win`, `lose`, `inconclusive`.
    pub decision: Option<String>,
    /// Every unit's metrics under both arms, in recording order.
    #[schema(value_type = Vec<Object>)]
    pub units: Vec<UnitResult>,
    /// The HTML report's URL, once done.
    pub report: Option<String>,
}

/// Starts an experiment job.
#[utoipa::path(
    post,
    path = "/v1/experiments",
    operation_id = "create_experiment",
    request_body(content = ExperimentRequest, example = json!({"spec": {
        "name": "routing-iterations",
        "stage": "routing",
        "metric": "cost_per_order",
        "seed": 7,
        "decision": {"min_effect": 0.0, "confidence": 0.95, "units": 3, "resamples": 500},
        "units": {"instances": ["data/routing/A-n32-k5.vrp"], "seeds": [1, 2, 3]},
        "champion": {"label": "200 iterations", "max_iterations": 200},
        "challenger": {"label": "400 iterations", "max_iterations": 400, "seed_offset": 1000}
    }})),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$", description = "Same key + same body = same job (1-255 visible ASCII characters)")),
    responses(
        (status = 202, description = "Job accepted; its result holds the outcome and the experiment id", body = crate::api::handlers::JobView, links(
            ("ShowJob" = (operation_id = "show_job", parameters(("id" = "$response.body#/id")))),
            ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id"))))
        ), example = json!({
            "id": "job-20261201T101500123Z-5c1f2e3d",
            "kind": "experiment",
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
        (status = 422, description = "Invalid spec (the field is named), bad path, key reused", body = ErrorBody),
        (status = 503, description = "Job queue full", body = ErrorBody),
    ),
    tag = "experiments"
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(request): AppJson<ExperimentRequest>,
) -> Result<Response, ApiError> {
    let spec = check(request, state.config().job_deadline_s)?;
    let echo = serde_json::to_value(&spec).map_err(ApiError::encode("spec echo"))?;
    submit(&state, &headers, "experiment", echo).await
}

/// The work of an experiment job from its stored request (the echo of the checked spec),
/// checked again as `POST /v1/experiments` checks a spec (this process's deadline, its
/// data paths); its seed is the spec's.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the field, as [`check`].
pub(crate) fn work(
    state: &AppState,
    echo: &serde_json::Value,
) -> Result<(u64, crate::api::jobs::Work), ApiError> {
    let request = ExperimentRequest { spec: Some(super::stored_request(echo)?), spec_toml: None };
    let spec = check(request, state.config().job_deadline_s)?;
    let store = state.store().clone();
    let seed = spec.seed;
    let work: crate::api::jobs::Work =
        Box::new(move |_: &crate::ids::JobId, ctx: &crate::SolveContext| {
            let outcome = experiment::run(&spec, Some(&*store as &dyn ExperimentStore), ctx)?;
            let id = outcome.experiment.as_ref().map(|id| id.0.clone());
            Ok(serde_json::json!({
                "experiment_id": id,
                "href": id.as_ref().map(|id| format!("/v1/experiments/{id}")),
                "decision": outcome.verdict.decision().name(),
                "outcome": outcome,
            }))
        });
    Ok((seed, work))
}

/// The checks `POST /v1/experiments` makes before a job is made: exactly one of `spec`
/// and `spec_toml`, the spec valid as a whole (every number bounded), its routing arms'
/// planned solver time within `job_deadline_s` (the server's
/// [`crate::api::ServiceConfig::job_deadline_s`]), and its data paths safe and present.
/// Returns the spec.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the field.
pub fn check(request: ExperimentRequest, job_deadline_s: f64) -> Result<Spec, ApiError> {
    let spec = match (request.spec, request.spec_toml) {
        (Some(spec), None) => spec,
        (None, Some(text)) => Spec::from_toml(&text).map_err(|e| spec_error(e, "spec_toml"))?,
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "invalid_field",
                "spec_toml",
                "give `spec` or `spec_toml`, not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::field("missing_field", "spec", "give `spec` or `spec_toml`"));
        }
    };
    spec.validate().map_err(|e| spec_error(e, "spec"))?;
    check_budget(&spec, job_deadline_s)?;
    check_paths(&spec)?;
    Ok(spec)
}

/// A spec error as a 422 naming `field`.
fn spec_error(e: ExperimentError, field: &str) -> ApiError {
    let code = match e {
        ExperimentError::SpecSyntax(_) => "invalid_field",
        _ => "invalid_spec",
    };
    ApiError::field(code, field, e.to_string())
}

/// Largest routing instance file a spec may name.
pub const MAX_INSTANCE_BYTES: u64 = 64 << 20;

/// Most entries of a scenario folder a spec may name.
const MAX_SCENARIO_ENTRIES: usize = 1_000;

/// The routing arms' planned solver time fits in the job deadline.
fn check_budget(spec: &Spec, deadline_s: f64) -> Result<(), ApiError> {
    let planned_s: f64 = [&spec.champion, &spec.challenger]
        .iter()
        .filter_map(|arm| arm.time_limit_s)
        .map(|t| t * spec.decision.units as f64)
        .sum();
    if planned_s > deadline_s {
        return Err(super::out_of_range(
            "spec.decision.units",
            format!(
                "{} units x the arms' time_limit_s plan {planned_s:.0} s of solving, over the \
                 job deadline of {deadline_s:.0} s",
                spec.decision.units
            ),
        ));
    }
    Ok(())
}

/// Every data path: relative, inside the working directory, existing, of the right kind.
fn check_paths(spec: &Spec) -> Result<(), ApiError> {
    let u = &spec.units;
    let folders = u.scenario.iter().map(|p| ("spec.units.scenario".to_owned(), p, true)).chain(
        u.scenarios
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("spec.units.scenarios[{i}]"), p, true)),
    );
    let files = u
        .instances
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("spec.units.instances[{i}]"), p, false));
    let root = std::env::current_dir().and_then(std::fs::canonicalize).map_err(ApiError::Io)?;
    for (field, path, folder) in folders.chain(files) {
        check_path(&field, path)?;
        let real = inside(&root, &field, path, &root.join(path))?;
        if folder {
            check_folder(&root, &field, path, &real)?;
        } else {
            regular_file(&field, path, &real)?;
        }
    }
    Ok(())
}

/// `candidate` with links resolved, refused unless it lies under `root`.
fn inside(
    root: &FsPath,
    field: &str,
    path: &FsPath,
    candidate: &FsPath,
) -> Result<std::path::PathBuf, ApiError> {
    let real = std::fs::canonicalize(candidate).map_err(|_| {
        ApiError::field(
            "invalid_path",
            field,
            format!("`{}` cannot be resolved under the server's working directory", path.display()),
        )
    })?;
    if !real.starts_with(root) {
        return Err(ApiError::field(
            "invalid_path",
            field,
            format!("`{}` leads outside the server's working directory", path.display()),
        ));
    }
    Ok(real)
}

/// A regular file of at most [`MAX_INSTANCE_BYTES`].
fn regular_file(field: &str, path: &FsPath, real: &FsPath) -> Result<(), ApiError> {
    let meta = std::fs::metadata(real).map_err(ApiError::Io)?;
    if !meta.is_file() {
        return Err(ApiError::field(
            "invalid_path",
            field,
            format!("`{}` is not a regular file", path.display()),
        ));
    }
    if meta.len() > MAX_INSTANCE_BYTES {
        return Err(ApiError::field(
            "invalid_path",
            field,
            format!("`{}` is larger than {} bytes", path.display(), MAX_INSTANCE_BYTES),
        ));
    }
    Ok(())
}

/// A folder whose entries are regular files or folders under `root`.
fn check_folder(root: &FsPath, field: &str, path: &FsPath, real: &FsPath) -> Result<(), ApiError> {
    let not_folder =
        || ApiError::field("invalid_path", field, format!("`{}` is not a folder", path.display()));
    let entries = std::fs::read_dir(real).map_err(|_| not_folder())?;
    for (n, entry) in entries.enumerate() {
        if n >= MAX_SCENARIO_ENTRIES {
            return Err(ApiError::field(
                "invalid_path",
                field,
                format!("`{}` holds more than {MAX_SCENARIO_ENTRIES} entries", path.display()),
            ));
        }
        let entry = entry.map_err(ApiError::Io)?;
        let shown = path.join(entry.file_name());
        let target = inside(root, field, &shown, &entry.path())?;
        let meta = std::fs::metadata(&target).map_err(ApiError::Io)?;
        if !(meta.is_file() || meta.is_dir()) {
            return Err(ApiError::field(
                "invalid_path",
                field,
                format!("`{}` is not a regular file", shown.display()),
            ));
        }
    }
    Ok(())
}

fn check_path(field: &str, path: &FsPath) -> Result<(), ApiError> {
    let escapes = path.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if path.as_os_str().is_empty() || escapes {
        return Err(ApiError::field(
            "invalid_path",
            field,
            format!(
                "`{}`: paths must be relative to the server's working directory, without `..`",
                path.display()
            ),
        ));
    }
    if !path.exists() {
        return Err(ApiError::field(
            "invalid_path",
            field,
            format!("`{}` does not exist under the server's working directory", path.display()),
        ));
    }
    Ok(())
}

/// The store's answer, with an unknown experiment as a 404.
fn found<T>(r: Result<T, StoreError>) -> Result<T, ApiError> {
    r.map_err(|e| match e {
        StoreError::ExperimentNotFound(id) => ApiError::NotFound { what: "experiment", id: id.0 },
        other => other.into(),
    })
}

async fn load(
    state: &AppState,
    id: String,
) -> Result<(ExperimentRecord, Vec<UnitResult>), ApiError> {
    let id = ExperimentId::new(id);
    state
        .blocking(move |s| {
            let record = found(s.store().experiment(&id))?;
            let units = found(s.store().experiment_units(&id))?;
            Ok((record, units))
        })
        .await
}

/// The example answer of `GET /v1/experiments/{id}`: a real record (the request example
/// of `POST /v1/experiments`, run on this server), kept as the JSON file it was.
fn experiment_view_example() -> serde_json::Value {
    // The file is checked by the test below; a broken one would show as a `null` example.
    serde_json::from_str(include_str!("../examples/experiment_view.json"))
        .unwrap_or(serde_json::Value::Null)
}

/// A stored experiment: its spec, status, planned and recorded units, every unit's
/// metrics and the verdict once decided.
#[utoipa::path(
    get,
    path = "/v1/experiments/{id}",
    operation_id = "show_experiment",
    params(("id" = String, Path, description = "Experiment id")),
    responses(
        (status = 200, description = "The record and its units", body = ExperimentView, example = experiment_view_example),
        (status = 404, description = "No such experiment", body = ErrorBody),
    ),
    tag = "experiments"
)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ExperimentView>, ApiError> {
    let (experiment, units) = load(&state, id).await?;
    let decision = experiment.verdict.as_ref().map(|v| v.decision().name().to_owned());
    let report =
        experiment.verdict.as_ref().map(|_| format!("/v1/experiments/{}/report", experiment.id));
    Ok(Json(ExperimentView { experiment, decision, units, report }))
}

/// The HTML report of a decided experiment (the same page `stockroute experiment` writes).
#[utoipa::path(
    get,
    path = "/v1/experiments/{id}/report",
    operation_id = "show_experiment_report",
    params(("id" = String, Path, description = "Experiment id")),
    responses(
        (status = 200, description = "The report", content_type = "text/html", body = String,
            example = json!("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>stockroute experiment: routing-iterations</title>...</html>")),
        (status = 404, description = "No such experiment, or not decided yet", body = ErrorBody),
    ),
    tag = "experiments"
)]
pub async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (record, units) = load(&state, id).await?;
    let Some(verdict) = record.verdict else {
        return Err(ApiError::NotFound {
            what: "experiment report (not decided yet)",
            id: record.id.0,
        });
    };
    let outcome = Outcome { experiment: Some(record.id), spec: record.spec, units, verdict };
    let html = report::experiment::html(&outcome);
    let mut response = html.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Ok(response)
}

/// The shadow experiment of this server (`serve --shadow`), as `GET /v1/experiments/{id}`
/// shows it.
#[utoipa::path(
    get,
    path = "/v1/shadow",
    operation_id = "show_shadow",
    responses(
        (status = 200, description = "The shadow experiment's record and units", body = ExperimentView, example = experiment_view_example),
        (status = 404, description = "The server runs no shadow experiment", body = ErrorBody),
    ),
    tag = "experiments"
)]
pub async fn shadow_status(
    State(state): State<AppState>,
) -> Result<Json<ExperimentView>, ApiError> {
    let Some(shadow) = state.shadow() else {
        return Err(ApiError::NotFound { what: "shadow experiment", id: "(none)".into() });
    };
    let id = shadow.id().0.clone();
    show(State(state), Path(id)).await
}

/// An experiment in a list: its record without the spec and the units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExperimentItem {
    /// The experiment id.
    pub id: String,
    /// The spec's name.
    pub name: String,
    /// The stage it judges: `forecast`, `placement` or `routing`.
    pub stage: String,
    /// `running`, `done` or `aborted`.
    pub status: String,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// Units the spec fixed in advance (count of units).
    pub planned_units: u64,
    /// Units recorded so far (count of units).
    pub units_recorded: u64,
    /// The decision on the primary metric once done: `win`, `lose`, `inconclusive`.
    pub decision: Option<String>,
    /// The experiment's URL (record and units).
    pub href: String,
    /// The HTML report's URL, once done.
    pub report: Option<String>,
}

impl ExperimentItem {
    fn new(r: ExperimentRecord) -> Result<Self, ApiError> {
        let stage = serde_json::to_value(r.spec.stage).map_err(ApiError::encode("stage"))?;
        let status = serde_json::to_value(r.status).map_err(ApiError::encode("status"))?;
        Ok(Self {
            href: format!("/v1/experiments/{}", r.id),
            report: r.verdict.as_ref().map(|_| format!("/v1/experiments/{}/report", r.id)),
            decision: r.verdict.as_ref().map(|v| v.decision().name().to_owned()),
            id: r.id.0,
            name: r.name,
            stage: stage.as_str().unwrap_or_default().to_owned(),
            status: status.as_str().unwrap_or_default().to_owned(),
            created_at: super::time(r.created_at),
            planned_units: r.planned_units as u64,
            units_recorded: r.units_recorded as u64,
        })
    }
}

/// A page of experiments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExperimentList {
    /// The experiments, newest first.
    pub items: Vec<ExperimentItem>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The stored experiments, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/experiments",
    operation_id = "list_experiments",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of experiments", body = ExperimentList, example = json!({
            "items": [{
                "id": "20261201T090000000Z-0f1e2d3c",
                "name": "routing-iterations",
                "stage": "routing",
                "status": "done",
                "created_at": "2026-12-01T09:00:00.000Z",
                "planned_units": 3,
                "units_recorded": 3,
                "decision": "inconclusive",
                "href": "/v1/experiments/20261201T090000000Z-0f1e2d3c",
                "report": "/v1/experiments/20261201T090000000Z-0f1e2d3c/report"
            }],
            "next_cursor": "63310a6578706572696d656e74730a323032362d31322d30315430393a30303a30302e3030305a0a3230323631323031543039303030303030305a2d3066316532643363"
        })),
        (status = 422, description = "`limit` out of 1-500 or a bad `cursor`", body = ErrorBody),
    ),
    tag = "experiments"
)]
pub async fn list(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<PageQuery>,
) -> Result<Json<ExperimentList>, ApiError> {
    let page = Page::new("experiments", query.limit, query.cursor.as_deref())?;
    let (records, next_cursor) = state
        .blocking(move |s| {
            let rows = s.store().experiments_page(page.after.as_ref(), page.fetch())?;
            Ok(page.finish("experiments", rows, |r| (r.created_at, r.id.as_str())))
        })
        .await?;
    let items = records.into_iter().map(ExperimentItem::new).collect::<Result<_, _>>()?;
    Ok(Json(ExperimentList { items, next_cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_answer_is_an_experiment_view() {
        let example = experiment_view_example();
        let view: ExperimentView = serde_json::from_value(example).unwrap();
        assert_eq!(view.units.len(), view.experiment.units_recorded);
        assert_eq!(view.decision.as_deref(), Some("win"));
    }
}
