//! `POST /v1/forecasts` (a forecast job from inline history or the loaded scenario) and
//! `GET /v1/forecasts/{id}` (a stored run: its description and a page of its rows).
//!
//! The request is checked whole before a job is made (rows, horizon, models), so a bad
//! request is a 4xx now, not a failed job later. The job runs the same library calls as
//! `stockroute forecast` and writes the run to the store; its result names the run id.

use super::{out_of_range, submit};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{AppJson, AppQuery};
use crate::api::state::AppState;
use crate::forecast::{
    self, ForecastConfig, Frequency, History, HistoryBuilder, ModelKind, Selection,
};
use crate::ids::{RunId, SkuId, ZoneId};
// The longest horizon, the forecast engine's and the scenario's bound too.
use crate::scenario::limits::MAX_HORIZON_PERIODS as MAX_HORIZON;
use crate::store::{self, ForecastRow, ForecastStore, RowFilter};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Most rows one page may hold.
const MAX_PAGE: u64 = 10_000;

/// A forecast request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastRequest {
    /// Demand rows; absent = the history of the scenario loaded at start.
    #[serde(default)]
    pub history: Option<Vec<HistoryRow>>,
    /// `daily` (default) or `weekly` for inline history; a scenario's own period wins.
    #[serde(default)]
    pub frequency: Option<Frequency>,
    /// Periods to forecast (1-3660; default with a scenario: its horizon).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3660)]
    pub horizon: Option<usize>,
    /// `per_class` (default), `per_series` or `global`.
    #[serde(default)]
    pub selection: Option<Selection>,
    /// Candidate models (default: all), e.g. `["seasonal_naive", "tsb"]`.
    #[serde(default)]
    pub models: Option<Vec<ModelKind>>,
    /// Rolling origins used for selection (count, 1-20, default 3).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 20)]
    pub origins: Option<usize>,
}

/// One day's demand of a (sku, zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryRow {
    /// The day, `YYYY-MM-DD`.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// SKU id.
    pub sku: String,
    /// Zone id.
    pub zone: String,
    /// Units sold (finite, >= 0).
    pub quantity: f64,
}

/// Query of `GET /v1/forecasts/{id}`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RowsQuery {
    /// Only this SKU.
    pub sku: Option<String>,
    /// Only this zone.
    pub zone: Option<String>,
    /// Rows to skip (default 0).
    #[serde(default)]
    pub offset: u64,
    /// Rows in the page (1-10000, default 1000).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u64>,
}

/// A stored forecast run and a page of its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ForecastPage {
    /// The run's description (id, created_at, model_config, horizon, frequency, ...).
    #[schema(value_type = Object)]
    pub run: serde_json::Value,
    /// Rows matching the filter, in all pages.
    pub total: u64,
    /// Rows skipped.
    pub offset: u64,
    /// Page size asked for (rows).
    pub limit: u64,
    /// This page: `{sku, zone, period, mean, quantiles, cum_quantiles}` ordered by (sku,
    /// zone, period), both quantile arrays at the run's `quantile_levels`; `cum_quantiles`
    /// are those of demand summed from the run's first period through this one (lead-time
    /// demand; empty for runs stored before they were kept).
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<ForecastRow>,
}

/// Starts a forecast job.
#[utoipa::path(
    post,
    path = "/v1/forecasts",
    operation_id = "create_forecast",
    request_body(content = ForecastRequest, example = json!({
        "history": [
            {"date": "2026-01-01", "sku": "SKU-1", "zone": "Z1", "quantity": 3},
            {"date": "2026-01-02", "sku": "SKU-1", "zone": "Z1", "quantity": 0},
            {"date": "2026-01-03", "sku": "SKU-1", "zone": "Z1", "quantity": 5}
        ],
        "frequency": "daily",
        "horizon": 7,
        "models": ["seasonal_naive"],
        "origins": 1
    })),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$", description = "Same key + same body = same job (1-255 visible ASCII characters)")),
    responses(
        (status = 202, description = "Job accepted; poll its Location", body = crate::api::handlers::JobView, links(
            ("ShowJob" = (operation_id = "show_job", parameters(("id" = "$response.body#/id")))),
            ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id"))))
        ), example = json!({
            "id": "job-20261201T101500123Z-5c1f2e3d",
            "kind": "forecast",
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
        (status = 422, description = "Invalid rows or values, no scenario, key reused", body = ErrorBody),
        (status = 503, description = "Job queue full", body = ErrorBody),
    ),
    tag = "forecasts"
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(request): AppJson<ForecastRequest>,
) -> Result<Response, ApiError> {
    let echo = serde_json::to_value(&request).map_err(ApiError::encode("request echo"))?;
    // The checks are the job's own (`work`), so a request a worker would refuse is a 4xx
    // now, not a failed job later.
    let echo = state.blocking(move |s| work(s, &echo).map(|_| echo)).await?;
    submit(&state, &headers, "forecast", echo).await
}

/// The work of a forecast job from its stored request (the echo of a
/// [`ForecastRequest`]), checked as `POST /v1/forecasts` checks it; its seed is 0.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the first field that is wrong,
/// [`ApiError::NoScenario`] for a request on the scenario when none is loaded.
pub(crate) fn work(
    state: &AppState,
    echo: &serde_json::Value,
) -> Result<(u64, crate::api::jobs::Work), ApiError> {
    let request: ForecastRequest = super::stored_request(echo)?;
    let loaded = match request.history {
        Some(_) => None,
        None => {
            let loaded = state
                .scenario()
                .cloned()
                .ok_or(ApiError::NoScenario { field: Some("history".into()) })?;
            if loaded.scenario.demand.is_empty() {
                return Err(ApiError::field(
                    "no_history",
                    "history",
                    "the scenario has no demand rows",
                ));
            }
            Some(loaded)
        }
    };
    let scenario_horizon = loaded.as_ref().map(|s| s.scenario.horizon_periods as usize);
    let Checked { horizon, origins } = check(&request, scenario_horizon)?;
    if let Some(summary) = loaded.as_ref().and_then(|l| l.series.as_ref()) {
        check_size(summary.series, summary.periods as u64, horizon)?;
    }
    let source = match (request.history, loaded) {
        (Some(rows), _) => Source::Inline(rows, request.frequency.unwrap_or(Frequency::Daily)),
        (None, loaded) => {
            Source::Scenario(loaded.ok_or(ApiError::NoScenario { field: Some("history".into()) })?)
        }
    };
    let (selection, models) = (request.selection, request.models);
    let store = state.store().clone();
    let work: crate::api::jobs::Work =
        Box::new(move |_: &crate::ids::JobId, ctx: &crate::SolveContext| {
            let (history, source) = match &source {
                Source::Inline(rows, frequency) => {
                    let mut b = HistoryBuilder::new();
                    for r in rows {
                        b.push(r.date, &r.sku, &r.zone, r.quantity);
                    }
                    let empty = || forecast::ForecastError::EmptyHistory { path: "request".into() };
                    (b.finish(*frequency).ok_or_else(empty)?, "request".to_owned())
                }
                Source::Scenario(loaded) => {
                    let empty =
                        || forecast::ForecastError::EmptyHistory { path: loaded.folder.clone() };
                    let history = History::from_scenario(&loaded.scenario).ok_or_else(empty)?;
                    (history, loaded.folder.display().to_string())
                }
            };
            let frequency = history.frequency();
            let mut config = ForecastConfig::new(frequency, horizon);
            config.origins = origins;
            if let Some(s) = selection {
                config.selection = s;
            }
            if let Some(models) = &models {
                config.candidates = models.clone();
            }
            let run = store::forecast_run::<crate::Error>(&*store, &history, &config, source, ctx)?;
            let (id, set) = (run.id, run.set);
            Ok(serde_json::json!({
                "run_id": id,
                "href": format!("/v1/forecasts/{id}"),
                "series": set.series.len(),
                "horizon": horizon,
                "frequency": frequency,
                "rows": set.series.len() * horizon,
            }))
        });
    Ok((0, work))
}

/// Where a forecast's history comes from.
enum Source {
    /// The request's rows, bucketed at this frequency.
    Inline(Vec<HistoryRow>, Frequency),
    /// The scenario loaded at start.
    Scenario(std::sync::Arc<crate::api::state::LoadedScenario>),
}

/// What [`check`] settled: the horizon and the number of rolling origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Periods to forecast.
    pub horizon: usize,
    /// Rolling origins for selection.
    pub origins: usize,
}

/// The checks `POST /v1/forecasts` makes before a job is made: the inline rows, the
/// horizon (the request's, else `scenario_horizon` when the history is the scenario's),
/// the origins and the models.
///
/// # Errors
/// [`ApiError::InvalidField`] naming the first field that is wrong.
pub fn check(
    request: &ForecastRequest,
    scenario_horizon: Option<usize>,
) -> Result<Checked, ApiError> {
    if let Some(rows) = &request.history {
        check_rows(rows)?;
    }
    let horizon = request.horizon.or(scenario_horizon).ok_or_else(|| {
        ApiError::field("missing_field", "horizon", "required with inline history")
    })?;
    if !(1..=MAX_HORIZON).contains(&horizon) {
        return Err(out_of_range("horizon", format!("must be 1-{MAX_HORIZON}, got {horizon}")));
    }
    if let Some(rows) = &request.history {
        let series: HashSet<(&str, &str)> =
            rows.iter().map(|r| (r.sku.as_str(), r.zone.as_str())).collect();
        check_size(series.len(), span_days(rows.iter().map(|r| r.date)), horizon)?;
    }
    let origins = request.origins.unwrap_or(3);
    if !(1..=20).contains(&origins) {
        return Err(out_of_range("origins", format!("must be 1-20, got {origins}")));
    }
    if request.models.as_ref().is_some_and(Vec::is_empty) {
        return Err(out_of_range("models", "give at least one model, or leave it out for all"));
    }
    Ok(Checked { horizon, origins })
}

/// Most forecast rows one run may write: series x horizon (a row is a few hundred bytes in
/// the store, so this is a few hundred MB at most).
pub const MAX_RUN_ROWS: u64 = 1_000_000;

/// Most history cells one run may fit: series x periods of history (the backtest's work and
/// the dense series' memory grow with it). Inline history counts the days from its first to
/// its last date; a loaded scenario its own periods, as its load counted them.
pub const MAX_HISTORY_CELLS: u64 = 50_000_000;

/// What one forecast request may make the server compute and write, checked before a job
/// is made: a small request must not turn into gigabytes in the store.
///
/// # Errors
/// [`ApiError::InvalidField`] (`out_of_range`) on `horizon` or `history`.
pub fn check_size(series: usize, history_periods: u64, horizon: usize) -> Result<(), ApiError> {
    let rows = (series as u64).saturating_mul(horizon as u64);
    if rows > MAX_RUN_ROWS {
        return Err(out_of_range(
            "horizon",
            format!(
                "{series} series x {horizon} periods = {rows} forecast rows, over the limit of \
                 {MAX_RUN_ROWS} per run (forecast fewer periods or fewer series)"
            ),
        ));
    }
    let cells = (series as u64).saturating_mul(history_periods);
    if cells > MAX_HISTORY_CELLS {
        return Err(out_of_range(
            "history",
            format!(
                "{series} series x {history_periods} periods of history = {cells} cells, over the \
                 limit of {MAX_HISTORY_CELLS} per run (send a shorter span or fewer series)"
            ),
        ));
    }
    Ok(())
}

/// Days from the first to the last of `dates`, both counted (0 for none).
fn span_days(mut dates: impl Iterator<Item = NaiveDate>) -> u64 {
    let Some(first) = dates.next() else { return 0 };
    let (lo, hi) = dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
    (hi - lo).num_days().unsigned_abs() + 1
}

fn check_rows(rows: &[HistoryRow]) -> Result<(), ApiError> {
    if rows.is_empty() {
        return Err(ApiError::field("no_history", "history", "give at least one row"));
    }
    for (i, r) in rows.iter().enumerate() {
        if r.sku.trim().is_empty() {
            return Err(ApiError::field("invalid_field", format!("history[{i}].sku"), "empty id"));
        }
        if r.zone.trim().is_empty() {
            return Err(ApiError::field("invalid_field", format!("history[{i}].zone"), "empty id"));
        }
        if !(r.quantity.is_finite() && r.quantity >= 0.0) {
            return Err(out_of_range(
                &format!("history[{i}].quantity"),
                format!("must be a finite number >= 0, got {}", r.quantity),
            ));
        }
    }
    Ok(())
}

/// A stored forecast run and a page of its rows, optionally for one SKU and/or zone.
#[utoipa::path(
    get,
    path = "/v1/forecasts/{id}",
    operation_id = "show_forecast",
    params(("id" = String, Path, description = "Forecast run id"), RowsQuery),
    responses(
        (status = 200, description = "The run and a page of rows", body = ForecastPage, example = json!({
            "run": {
                "id": "20261201T200857143Z-c0060092",
                "created_at": "2026-12-01T20:08:57.143Z",
                "data_fingerprint": "fnv1a64:b9f6ad8819e80ba9",
                "frequency": "daily",
                "horizon": 7,
                "metrics": {"models": [{"chosen_for": 0, "model": "seasonal_naive", "total_wape": null}, {"chosen_for": 1, "model": "window_average", "total_wape": null}], "policy": "per_class", "selected_total_wape": null, "series_backtested": 0},
                "model_config": {"candidates": ["seasonal_naive"], "fallback": "window_average", "horizon": 7, "origins": 1, "selection": "per_class"},
                "quantile_levels": [0.5, 0.9],
                "row_count": 7,
                "source": "request"
            },
            "total": 7,
            "offset": 0,
            "limit": 2,
            "rows": [
                {"sku": "SKU-1", "zone": "Z1", "period": "2026-01-04", "mean": 2.6666666666666665, "quantiles": [3.0, 4.6], "cum_quantiles": [2.6666666666666665, 5.300004805389982]},
                {"sku": "SKU-1", "zone": "Z1", "period": "2026-01-05", "mean": 2.6666666666666665, "quantiles": [3.0, 4.6], "cum_quantiles": [5.333333333333333, 9.05743584343017]}
            ]
        })),
        (status = 404, description = "No such run", body = ErrorBody),
        (status = 422, description = "Bad query parameter", body = ErrorBody),
    ),
    tag = "forecasts"
)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AppQuery(query): AppQuery<RowsQuery>,
) -> Result<Json<ForecastPage>, ApiError> {
    let limit = query.limit.unwrap_or(1000);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(out_of_range("limit", format!("must be 1-{MAX_PAGE}, got {limit}")));
    }
    let id = RunId::new(id);
    let filter = RowFilter { sku: query.sku.map(SkuId::new), zone: query.zone.map(ZoneId::new) };
    let offset = query.offset;
    let (info, page) = state
        .blocking(move |s| {
            let info = s.store().run_info(&id)?;
            let page = s.store().rows_page(&id, &filter, offset, limit)?;
            Ok((info, page))
        })
        .await?;
    let run = serde_json::to_value(&info).map_err(ApiError::encode("run info"))?;
    Ok(Json(ForecastPage { run, total: page.total, offset, limit, rows: page.rows }))
}

/// A stored forecast run in a list (a run is written whole, so it has no state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunItem {
    /// The run id.
    pub id: String,
    /// What it is: always `forecast_run`.
    pub kind: String,
    /// When it was written (RFC 3339, UTC).
    pub created_at: String,
    /// Period length: `daily` or `weekly`.
    pub frequency: Frequency,
    /// Periods forecast per series (count of periods).
    pub horizon: u64,
    /// Forecast rows in the run (count of rows: series x horizon).
    pub row_count: u64,
    /// Where its history came from (the scenario folder, or `request`).
    pub source: String,
    /// Digest of the history it was made from.
    pub data_fingerprint: String,
    /// The run's URL (description and rows).
    pub href: String,
}

/// A page of forecast runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunList {
    /// The runs, newest first.
    pub items: Vec<RunItem>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The stored forecast runs, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/forecasts",
    operation_id = "list_forecasts",
    params(crate::api::paging::PageQuery),
    responses(
        (status = 200, description = "A page of forecast runs", body = RunList, example = json!({
            "items": [{
                "id": "20261201T101502456Z-9a8b7c6d",
                "kind": "forecast_run",
                "created_at": "2026-12-01T10:15:02.456Z",
                "frequency": "daily",
                "horizon": 7,
                "row_count": 4200,
                "source": "data/scenarios/monaco",
                "data_fingerprint": "fnv1a64:2f4e6a8c0b1d3f57",
                "href": "/v1/forecasts/20261201T101502456Z-9a8b7c6d"
            }],
            "next_cursor": "63310a666f726563617374730a323032362d31322d30315431303a31353a30322e3435365a0a3230323631323031543130313530323435365a2d3961386237633664"
        })),
        (status = 422, description = "`limit` out of 1-500 or a bad `cursor`", body = ErrorBody),
    ),
    tag = "forecasts"
)]
pub async fn list(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<crate::api::paging::PageQuery>,
) -> Result<Json<RunList>, ApiError> {
    let page = crate::api::paging::Page::new("forecasts", query.limit, query.cursor.as_deref())?;
    let (runs, next_cursor) = state
        .blocking(move |s| {
            let rows = s.store().runs_page(page.after.as_ref(), page.fetch())?;
            Ok(page.finish("forecasts", rows, |r| (r.created_at, r.id.as_str())))
        })
        .await?;
    let items = runs
        .into_iter()
        .map(|r| RunItem {
            href: format!("/v1/forecasts/{}", r.id),
            id: r.id.0,
            kind: "forecast_run".to_owned(),
            created_at: super::time(r.created_at),
            frequency: r.frequency,
            horizon: r.horizon,
            row_count: r.row_count,
            source: r.source,
            data_fingerprint: r.data_fingerprint,
        })
        .collect();
    Ok(Json(RunList { items, next_cursor }))
}
