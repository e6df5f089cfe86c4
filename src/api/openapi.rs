//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations and the
//! request/response types' `ToSchema` derives, so it cannot drift from the code, and
//! `GET /openapi.json`, which serves it.
//!
//! The handler lives here rather than beside `/healthz` in [`handlers::health`]: the
//! document names every handler, so a handler that served it would import its own index.

use super::error::{ErrorBody, ErrorDetail, ErrorInfo};
use super::handlers::{self, JobView};
use crate::routing::formats::json::{
    JsonDepot, JsonLocations, JsonObjective, JsonProblem, JsonStop, JsonVehicle,
};
use crate::routing::{Metric, TimeWindow};
use crate::store::JobState;
use crate::store::jobs::{JobError, JobProgress};
use axum::Json;
use axum::response::IntoResponse;
use utoipa::OpenApi;

/// The API description served at `GET /openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "stockroute",
        description = "Forecast demand, place stock, route the last mile. Errors are \
                       `{\"error\": {\"code\", \"message\", \"field\"}}` everywhere."
    ),
    paths(
        handlers::routes::solve,
        handlers::forecasts::create,
        handlers::forecasts::show,
        handlers::placements::create,
        handlers::plans::create,
        handlers::experiments::create,
        handlers::experiments::show,
        handlers::experiments::report,
        handlers::experiments::shadow_status,
        handlers::jobs::show,
        handlers::jobs::cancel,
        handlers::health::healthz,
        handlers::health::metrics,
        openapi,
    ),
    components(schemas(
        ErrorBody,
        ErrorInfo,
        ErrorDetail,
        JobView,
        JobState,
        JobProgress,
        JobError,
        JsonProblem,
        JsonLocations,
        JsonDepot,
        JsonVehicle,
        JsonStop,
        JsonObjective,
        Metric,
        TimeWindow,
        handlers::routes::RouteAnswer,
        handlers::routes::RouteView,
        handlers::routes::VisitView,
        handlers::routes::UnservedView,
        handlers::routes::SnapView,
        handlers::forecasts::ForecastRequest,
        handlers::forecasts::HistoryRow,
        handlers::forecasts::ForecastPage,
        handlers::placements::PlacementRequest,
        handlers::plans::PlanBody,
        handlers::health::Health,
        handlers::experiments::ExperimentRequest,
        handlers::experiments::ExperimentView,
    ))
)]
pub struct ApiDoc;

/// The OpenAPI 3.1 document of this API, generated from the Rust types.
#[utoipa::path(
    get,
    path = "/openapi.json",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json")),
    tag = "service"
)]
pub async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_route() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for p in [
            "/v1/routes",
            "/v1/forecasts",
            "/v1/forecasts/{id}",
            "/v1/placements",
            "/v1/plans",
            "/v1/jobs/{id}",
            "/healthz",
            "/metrics",
            "/openapi.json",
            "/v1/experiments",
            "/v1/experiments/{id}",
            "/v1/experiments/{id}/report",
            "/v1/shadow",
        ] {
            assert!(paths.contains_key(p), "{p} missing");
        }
        assert!(doc["components"]["schemas"]["JsonProblem"]["properties"]["stops"].is_object());
    }
}
