//! `POST /v1/routes/jobs`: a routing problem too big or too slow for a request, solved as a
//! job.
//!
//! A delivery station's day (tens of thousands of stops, a minute of search or more) cannot
//! be answered within a request: the client would hold a connection open for minutes and a
//! restart would lose the work. So the request path keeps its small limits
//! ([`ServiceConfig::max_stops`](crate::api::ServiceConfig::max_stops), 30 s) and points
//! larger problems here. The body and the query are those of `POST /v1/routes`; the limits
//! are the job path's (`max_job_stops`, `max_job_locations`, `max_job_time_limit_s`, and the
//! job deadline), and the problem is validated before the job is stored, so a bad problem is
//! a 422 now, never a failed job later. The job runs on a job worker with
//! `threads_per_job` threads, shows the search's progress (`phase`, `done` of `total`, and
//! the best cost so far in `message`), stops on `DELETE /v1/jobs/{id}`, and its result is
//! the answer `POST /v1/routes` would give, checked by the independent checker.

use super::routes::{RouteAnswer, RouteLimits, RouteQuery, check_within, solve_now};
use super::submit;
use crate::api::config::seconds;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{AppJson, AppQuery};
use crate::api::state::AppState;
use crate::ids::JobId;
use crate::issue::Issue;
use crate::routing::RoutingError;
use crate::routing::formats::json::{self, JsonProblem};
use crate::{Error, SolveContext};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

/// Starts a routing job.
#[utoipa::path(
    post,
    path = "/v1/routes/jobs",
    operation_id = "create_route_job",
    params(
        RouteQuery,
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$", description = "Same key + same body = same job (1-255 visible ASCII characters)")
    ),
    request_body(content = JsonProblem, description = "The problem of `POST /v1/routes`, up to the job path's limits (`JsonRouteJob` in the components).", example = json!({
        "name": "square",
        "locations": {"coordinates": [[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]},
        "depots": [{"id": "hub", "location": 0}],
        "vehicles": [{"id": "van", "count": 1, "capacity": [10], "start_depot": "hub"}],
        "stops": [
            {"id": "a", "location": 1, "demand": [1]},
            {"id": "b", "location": 2, "demand": [1]},
            {"id": "c", "location": 3, "demand": [1]}
        ],
        "time_limit_s": 60,
        "seed": 7
    })),
    responses(
        (status = 202, description = "Job accepted; poll its Location (the result is a `RouteAnswer`)", body = crate::api::handlers::JobView, links(
            ("ShowJob" = (operation_id = "show_job", parameters(("id" = "$response.body#/id")))),
            ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id"))))
        ), example = json!({
            "id": "job-20261202T071500123Z-9a0b1c2d",
            "kind": "route",
            "state": "queued",
            "created_at": "2026-12-02T07:15:00.123Z",
            "started_at": null,
            "finished_at": null,
            "progress": {"done": 0, "total": 0, "phase": null},
            "result": null,
            "error": null,
            "href": "/v1/jobs/job-20261202T071500123Z-9a0b1c2d"
        })),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body not declared as JSON", body = ErrorBody),
        (status = 422, description = "Invalid problem, too many stops or locations, time limit out of range, key reused", body = ErrorBody),
        (status = 503, description = "Job queue full", body = ErrorBody),
    ),
    tag = "routing"
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppQuery(query): AppQuery<RouteQuery>,
    AppJson(raw): AppJson<JsonProblem>,
) -> Result<Response, ApiError> {
    let limits = job_limits(&state);
    check_within(&raw, &query, &limits, None)?;
    if query.roads && state.scenario().and_then(|s| s.roads.as_ref()).is_none() {
        return Err(ApiError::NoScenario { field: Some("roads".into()) });
    }
    let echo = state
        .blocking(move |_| {
            validate(&raw, query.roads)?;
            Ok(serde_json::json!({"problem": &raw, "query": {
                "roads": query.roads,
                "departure_hour": query.departure_hour,
                "geometry": query.geometry,
            }}))
        })
        .await?;
    submit(&state, &headers, "route", echo).await
}

/// The stored request of a routing job: the problem and the query.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredRouteJob {
    problem: JsonProblem,
    query: RouteQuery,
}

/// The work of a routing job from its stored request (`{problem, query}`), within this
/// process's job limits; its seed is the problem's. The problem was validated when the job
/// was accepted; the solve converts it again and refuses it with its issues if not.
///
/// # Errors
/// [`ApiError::InvalidField`] for a problem over this process's limits,
/// [`ApiError::NoScenario`] for a road problem without a road graph here.
pub(crate) fn work(
    state: &AppState,
    echo: &serde_json::Value,
) -> Result<(u64, crate::api::jobs::Work), ApiError> {
    let StoredRouteJob { problem: raw, query } = super::stored_request(echo)?;
    let limit = check_within(&raw, &query, &job_limits(state), None)?;
    if query.roads && state.scenario().and_then(|s| s.roads.as_ref()).is_none() {
        return Err(ApiError::NoScenario { field: Some("roads".into()) });
    }
    let seed = raw.seed.unwrap_or(0);
    let job_state = state.clone();
    let work: crate::api::jobs::Work = Box::new(move |_: &JobId, ctx: &SolveContext| {
        let ctx = ctx.clone().with_time_limit(seconds(limit));
        let answer = solve_now(&job_state, raw, &query, &ctx, 0.0, false).map_err(stage_error)?;
        Ok(to_json(&answer))
    });
    Ok((seed, work))
}

/// The job path's limits, with the time limit bounded by the job deadline too.
fn job_limits(state: &AppState) -> RouteLimits {
    let config = state.config();
    let mut limits = RouteLimits::as_job(config);
    limits.max_time_limit_s = limits.max_time_limit_s.min(config.job_deadline_s);
    limits.default_time_limit_s = limits.default_time_limit_s.min(limits.max_time_limit_s);
    limits
}

/// Validates the problem as the job will convert it, before the job is stored. With
/// `roads`, the coordinates are `[lon, lat]` to be snapped later; as planar points they
/// still show every rule the problem breaks (ids, indices, demands, windows).
///
/// # Errors
/// [`ApiError::InvalidField`] for a road problem without coordinates or with a matrix;
/// [`ApiError::InvalidProblem`] with every violation.
fn validate(raw: &JsonProblem, roads: bool) -> Result<(), ApiError> {
    if roads && (raw.locations.coordinates.is_none() || raw.locations.distance.is_some()) {
        return Err(ApiError::field(
            "invalid_field",
            "locations",
            "with roads=true give `coordinates` as [lon, lat] and no matrix",
        ));
    }
    json::convert(raw.clone())?;
    Ok(())
}

/// A refusal met inside the job (a road matrix that ran out of time or memory, a depot off
/// the roads) as the stage error the job records.
fn stage_error(e: ApiError) -> Error {
    match e {
        ApiError::Internal(inner) => *inner,
        ApiError::InvalidProblem(issues) => RoutingError::Invalid(issues).into(),
        ApiError::InvalidField { code, field, message } => {
            let fix = "change the field and submit the job again";
            RoutingError::Invalid(vec![Issue::at_path(code, field, message, fix)]).into()
        }
        other => {
            let fix = "submit the job again";
            RoutingError::Invalid(vec![Issue::at_path("rejected", "", other.to_string(), fix)])
                .into()
        }
    }
}

/// The job's result document.
fn to_json(answer: &RouteAnswer) -> serde_json::Value {
    // Plain structs, string keys and numbers: serde_json cannot fail on them (a NaN is
    // written as null). Were it to, the job would fail as `internal`, never succeed empty.
    serde_json::to_value(answer).expect("a route answer has only string keys and numbers")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::Location;

    #[test]
    fn a_refusal_inside_the_job_keeps_its_code_and_field() {
        let e = ApiError::field("too_many_locations", "locations", "the road matrix is too big");
        match stage_error(e) {
            Error::Routing(RoutingError::Invalid(issues)) => {
                assert_eq!(issues[0].code.as_str(), "too_many_locations");
                assert_eq!(issues[0].location, Location::Path { path: "locations".into() });
            }
            other => panic!("{other:?}"),
        }
    }
}
