//! Issue 12, items 2 and 7d: requests that would exhaust the server, and JSON problems
//! whose mistakes must come back as a 422 naming the field.

use super::{Server, circle_problem, shared};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The first detail of an error body, or the body's own field.
fn field(body: &Value) -> &str {
    body["error"]["details"][0]["field"].as_str().or(body["error"]["field"].as_str()).unwrap()
}

fn detail_code(body: &Value) -> &str {
    body["error"]["details"][0]["code"].as_str().unwrap_or_default()
}

/// 100,000 identical coordinates (a 2.3 MB body, under the 4 MiB body limit) used to
/// allocate a 100,000² road matrix and abort the process: now a 422 before snapping, and
/// the server answers afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_a_hundred_thousand_locations_get_a_422_and_the_server_lives() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let mut problem = json!({
        "locations": {"coordinates": vec![[7.4246123, 43.7384156]; 100_000]},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "capacity": [10], "start_depot": "D"}],
        "stops": [{"id": "a", "location": 1, "demand": [1]}],
        "time_limit_s": 1
    });
    assert!(serde_json::to_vec(&problem).unwrap().len() > 2_000_000);
    let (status, body) = server.post("/v1/routes?roads=true", &problem).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "too_many_locations");
    assert_eq!(body["error"]["field"], "locations");
    // The same without roads: the limit holds for the solver's own matrices too.
    let (status, body) = server.post("/v1/routes", &problem).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "too_many_locations");
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    // Under the limit the same request is solved on the roads.
    problem["locations"]["coordinates"] = json!(vec![[7.4246123, 43.7384156]; 50]);
    let (status, body) = server.post("/v1/routes?roads=true", &problem).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_the_location_limit_is_configurable() {
    let server = Server::fresh(|c| c.with_max_locations(5)).await;
    let (status, body) = server.post("/v1/routes", &circle_problem(5, 0.1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("6 locations"), "{body}");
    let (status, body) = server.post("/v1/routes", &circle_problem(4, 0.1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_json_problem_mistakes_are_422s_naming_the_field() {
    let server = Server::fresh(|c| c).await;
    let base = circle_problem(3, 0.1);
    let mut three = base.clone();
    three["locations"]["coordinates"][2] = json!([1.0, 2.0, 3.0]);
    let mut depots = base.clone();
    depots["depots"] = json!([{"id": "D", "location": 0}, {"id": "D", "location": 1}]);
    let mut vehicles = base.clone();
    vehicles["vehicles"] = json!([
        {"id": "van", "capacity": [3], "start_depot": "D"},
        {"id": "van", "capacity": [3], "start_depot": "D"}
    ]);
    let mut none = base.clone();
    none["vehicles"] = json!([]);
    let mut zero = base.clone();
    zero["vehicles"][0]["count"] = json!(0);
    for (problem, code, at) in [
        (three, "E1006", "locations.coordinates[2]"),
        (depots, "E1009", "depots[1].id"),
        (vehicles, "E1010", "vehicles[1].id"),
        (none, "no_vehicle", "vehicles"),
        (zero, "no_vehicle", "vehicles"),
    ] {
        let (status, body) = server.post("/v1/routes", &problem).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{at}: {body}");
        assert_eq!((detail_code(&body), field(&body)), (code, at), "{body}");
    }
    server.stop().await;
}

/// A stop 536,871 units away is served (the fixed-point scale comes from the data), and one
/// too far for any scale is a 422 naming `locations`, never "unreachable" with
/// `feasible: true`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_long_arcs_are_served_and_too_long_ones_are_a_422() {
    let server = Server::fresh(|c| c).await;
    let problem = |far: f64| {
        json!({
            "locations": {"coordinates": [[0.0, 0.0], [far, 0.0]]},
            "depots": [{"id": "D", "location": 0}],
            "vehicles": [{"id": "van", "capacity": [10], "start_depot": "D"}],
            "stops": [{"id": "a", "location": 1, "demand": [1]}],
            "max_iterations": 20, "seed": 1
        })
    };
    let (status, body) = server.post("/v1/routes", &problem(536_871.0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["unserved"].as_array().map(Vec::len), Some(0), "{body}");
    assert_eq!(body["feasible"], true, "{body}");
    let (status, body) = server.post("/v1/routes", &problem(1e9)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!((body["error"]["code"].as_str(), field(&body)), (Some("out_of_range"), "locations"));
    server.stop().await;
}

/// The routes handler's checks without a server (what the `api_routes` fuzz target runs):
/// the location limit is judged before anything else is built, stops within their limit.
#[test]
fn check_refuses_too_many_locations_before_any_work() {
    use stockroute::api::handlers::routes::{RouteQuery, check};
    use stockroute::api::{ApiError, ServiceConfig};
    let problem = serde_json::from_value(circle_problem(5, 0.1)).unwrap();
    let query = RouteQuery::default();
    let roomy = ServiceConfig::default().with_max_locations(6);
    assert_eq!(check(&problem, &query, &roomy).unwrap(), 0.1);
    let tight = ServiceConfig::default().with_max_locations(5);
    match check(&problem, &query, &tight) {
        Err(ApiError::InvalidField { code, field, message }) => {
            assert_eq!((code, field.as_str()), ("too_many_locations", "locations"));
            assert!(message.contains("6 locations exceed the limit of 5"), "{message}");
        }
        other => panic!("6 locations under a limit of 5: {other:?}"),
    }
}

/// A 34 KB forecast request once wrote 516 MB to the store: what one request may make the
/// server compute and write is bounded (series x horizon, series x days of history), with a
/// 422 naming the field and nothing stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_a_small_forecast_request_cannot_make_a_huge_run() {
    let server = Server::fresh(|c| c).await;
    // 1,000 series of one row each: 1,000 x 3,660 periods = 3.66 M rows.
    let rows: Vec<Value> = (0..1000)
        .map(|i| json!({"date": "2026-01-01", "sku": format!("S{i}"), "zone": "Z", "quantity": 1}))
        .collect();
    let (status, body) =
        server.post("/v1/forecasts", &json!({"history": rows, "horizon": 3660})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!((body["error"]["code"].as_str(), field(&body)), (Some("out_of_range"), "horizon"));
    assert!(body.to_string().contains("forecast rows"), "{body}");
    // Two rows 200 years apart for 1,000 series: 1,000 x 73,000 days of history.
    let mut rows: Vec<Value> = Vec::new();
    for i in 0..1000 {
        rows.push(
            json!({"date": "1900-01-01", "sku": format!("S{i}"), "zone": "Z", "quantity": 1}),
        );
        rows.push(
            json!({"date": "2100-01-01", "sku": format!("S{i}"), "zone": "Z", "quantity": 1}),
        );
    }
    let (status, body) =
        server.post("/v1/forecasts", &json!({"history": rows, "horizon": 7})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field(&body), "history", "{body}");
    let metrics =
        server.http.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let jobs: Vec<&str> = metrics.lines().filter(|l| l.starts_with("stockroute_jobs{")).collect();
    assert!(jobs.iter().all(|l| l.ends_with(" 0")), "a refused request made a job: {jobs:?}");
    server.stop().await;
}

/// The same bound holds for the loaded scenario's history (Monaco: 5,718 series).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_a_forecast_of_the_scenario_is_bounded_too() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let (status, body) = server.post("/v1/forecasts", &json!({"horizon": 3660})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field(&body), "horizon", "{body}");
    assert!(body.to_string().contains("5718 series x 3660 periods"), "{body}");
    server.stop().await;
}
