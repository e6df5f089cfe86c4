//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations and the
//! request/response types' `ToSchema` derives, so it cannot drift from the code, and
//! `GET /openapi.json`, which serves it.
//!
//! The handler lives here rather than beside `/healthz` in [`handlers::health`]: the
//! document names every handler, so a handler that served it would import its own index.

use super::error::{ErrorBody, ErrorDetail, ErrorInfo};
use super::handlers::{self, JobView};
use super::{ApiError, AppState, ServiceConfig};
use crate::routing::formats::json::{
    JsonDepot, JsonLocations, JsonObjective, JsonProblem, JsonProfile, JsonShipment, JsonStop,
    JsonVehicle,
};
use crate::routing::formats::vroom;
use crate::routing::{Metric, TimeWindow};
use crate::store::JobState;
use crate::store::jobs::{JobError, JobProgress};
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
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
        handlers::vroom::solve,
        handlers::route_jobs::create,
        handlers::picks::create,
        handlers::forecasts::create,
        handlers::forecasts::list,
        handlers::forecasts::show,
        handlers::placements::create,
        handlers::plans::create,
        handlers::plans::list,
        handlers::plans::report,
        handlers::live_plans::create,
        handlers::live_plans::show,
        handlers::live_plans::latest,
        handlers::live_plans::reoptimise,
        handlers::experiments::create,
        handlers::experiments::list,
        handlers::experiments::show,
        handlers::experiments::report,
        handlers::experiments::shadow_status,
        handlers::jobs::list,
        handlers::jobs::show,
        handlers::jobs::cancel,
        handlers::roads::show,
        handlers::orders::list,
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
        JsonShipment,
        JsonProfile,
        JsonObjective,
        Metric,
        TimeWindow,
        handlers::routes::RouteAnswer,
        handlers::routes::SearchEffort,
        handlers::routes::RouteView,
        handlers::routes::VisitView,
        handlers::routes::UnservedView,
        handlers::routes::SnapView,
        handlers::forecasts::ForecastRequest,
        crate::forecast::Frequency,
        crate::forecast::Selection,
        crate::forecast::ModelKind,
        handlers::forecasts::HistoryRow,
        handlers::forecasts::ForecastPage,
        handlers::placements::PlacementRequest,
        handlers::plans::PlanBody,
        crate::plan::ForecastOptions,
        crate::plan::PlacementStageOptions,
        crate::plan::RoutingStageOptions,
        handlers::health::Health,
        handlers::experiments::ExperimentRequest,
        handlers::experiments::ExperimentView,
        handlers::experiments::ExperimentItem,
        handlers::experiments::ExperimentList,
        handlers::jobs::JobKind,
        handlers::jobs::JobItem,
        handlers::jobs::JobList,
        handlers::forecasts::RunItem,
        handlers::forecasts::RunList,
        handlers::plans::PlanItem,
        handlers::plans::PlanList,
        handlers::live_plans::PlanStateView,
        handlers::live_plans::ReoptimiseBody,
        handlers::live_plans::ReoptimiseAnswer,
        crate::replan::PlanState,
        crate::replan::VehicleState,
        crate::replan::Position,
        crate::replan::NewOrders,
        crate::replan::NewOrder,
        crate::replan::ReoptimiseSummary,
        crate::replan::Changes,
        crate::replan::Moved,
        crate::replan::Inserted,
        crate::replan::VehicleRef,
        handlers::orders::OrderItem,
        handlers::orders::OrderPage,
        handlers::picks::PickRequest,
        handlers::picks::GeneratedPick,
        crate::warehouse::urgent::UrgentOrder,
        crate::warehouse::urgent::UrgentLine,
        vroom::input::VroomInput,
        vroom::input::VroomJob,
        vroom::input::VroomShipment,
        vroom::input::VroomShipmentStep,
        vroom::input::VroomVehicle,
        vroom::input::VroomCosts,
        vroom::input::VroomStepType,
        vroom::input::VroomVehicleStep,
        vroom::input::VroomMatrices,
        vroom::output::VroomOutput,
        vroom::output::VroomSummary,
        vroom::output::VroomTimes,
        vroom::output::VroomRoute,
        vroom::output::VroomStep,
        vroom::output::VroomViolation,
        vroom::output::VroomUnassigned,
    ))
)]
pub struct ApiDoc;

/// The OpenAPI 3.1 document of this API, generated from the Rust types, with this
/// server's limits (most stops, longest `time_limit_s` of `POST /v1/routes`) written into
/// the schemas they bound.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json",
        example = json!({"openapi": "3.1.0", "info": {"title": "stockroute", "version": "0.1.0"}, "paths": {}}))),
    tag = "service"
)]
pub async fn openapi(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    document(state.config()).map(Json)
}

/// [`ApiDoc`] as JSON, fixed and completed for `config`:
///
/// - utoipa 5.5 writes a response link's fields in snake case (`operation_id`,
///   `request_body`, `operation_ref`); OpenAPI names them `operationId`, `requestBody`,
///   `operationRef`, and validators refuse the document otherwise;
/// - the numbers of types the API does not own get their units ([`super::units`]);
/// - `JsonProblem.stops` gets `maxItems = max_stops` and `JsonProblem.time_limit_s`
///   `exclusiveMinimum = 0`, `maximum = max_time_limit_s`, so a client (or a contract
///   tester) can tell from the document which requests this server accepts; the job path's
///   copy of it, `JsonRouteJob`, gets the job limits.
///
/// # Errors
/// [`ApiError::Encode`] if the document cannot be encoded (a bug).
pub fn document(config: &ServiceConfig) -> Result<Value, ApiError> {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).map_err(ApiError::encode("OpenAPI"))?;
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        let operations =
            paths.values_mut().filter_map(Value::as_object_mut).flat_map(|p| p.values_mut());
        let responses = operations
            .filter_map(|op| op.get_mut("responses").and_then(Value::as_object_mut))
            .flat_map(|r| r.values_mut());
        for links in responses.filter_map(|r| r.get_mut("links").and_then(Value::as_object_mut)) {
            for link in links.values_mut().filter_map(Value::as_object_mut) {
                for (snake, camel) in [
                    ("operation_id", "operationId"),
                    ("operation_ref", "operationRef"),
                    ("request_body", "requestBody"),
                ] {
                    if let Some(v) = link.remove(snake) {
                        link.insert(camel.to_owned(), v);
                    }
                }
            }
        }
    }
    // Not an error for a client: the table's own test keeps it in step with the types.
    let _ = super::units::describe(&mut doc);
    // The job path takes the same problem up to its own limits: a copy of the schema with
    // them, which `POST /v1/routes/jobs` points to.
    let job_problem = doc.pointer("/components/schemas/JsonProblem").cloned();
    if let (Some(schemas), Some(copy)) =
        (doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut), job_problem)
    {
        schemas.insert("JsonRouteJob".into(), copy);
    }
    let job_time_limit = config.max_job_time_limit_s.min(config.job_deadline_s);
    for (schema, max_stops, max_time_limit_s) in [
        ("JsonProblem", config.max_stops, config.max_time_limit_s),
        ("JsonRouteJob", config.max_job_stops, job_time_limit),
    ] {
        let Some(props) = doc.pointer_mut(&format!("/components/schemas/{schema}/properties"))
        else {
            continue;
        };
        if let Some(stops) = props.get_mut("stops").and_then(Value::as_object_mut) {
            stops.insert("maxItems".into(), json!(max_stops));
        }
        if let Some(limit) = props.get_mut("time_limit_s").and_then(Value::as_object_mut) {
            limit.insert("exclusiveMinimum".into(), json!(0));
            limit.insert("maximum".into(), json!(max_time_limit_s));
        }
    }
    if let Some(body) = doc
        .pointer_mut("/paths/~1v1~1routes~1jobs/post/requestBody/content/application~1json/schema")
    {
        *body = json!({"$ref": "#/components/schemas/JsonRouteJob"});
    }
    Ok(doc)
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
            "/v1/routes/jobs",
            "/v1/forecasts",
            "/v1/forecasts/{id}",
            "/v1/placements",
            "/v1/plans",
            "/v1/jobs",
            "/v1/jobs/{id}",
            "/v1/plans/{id}/report",
            "/healthz",
            "/metrics",
            "/openapi.json",
            "/v1/experiments",
            "/v1/experiments/{id}",
            "/v1/experiments/{id}/report",
            "/v1/shadow",
            "/v1/scenario/roads",
            "/v1/scenario/orders",
            "/v1/picks",
        ] {
            assert!(paths.contains_key(p), "{p} missing");
        }
        assert!(doc["components"]["schemas"]["JsonProblem"]["properties"]["stops"].is_object());
    }

    #[test]
    fn links_use_openapi_field_names_and_the_limits_are_the_servers() {
        let config = ServiceConfig::default().with_max_stops(40);
        let doc = document(&config).unwrap();
        let link = &doc["paths"]["/v1/forecasts"]["post"]["responses"]["202"]["links"]["ShowJob"];
        assert_eq!(link["operationId"], "show_job", "{link}");
        assert!(link.get("operation_id").is_none(), "{link}");
        let problem = &doc["components"]["schemas"]["JsonProblem"]["properties"];
        assert_eq!(problem["stops"]["maxItems"], 40);
        assert_eq!(problem["time_limit_s"]["maximum"], config.max_time_limit_s);
    }
}
