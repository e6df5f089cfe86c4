//! The HTTP service on 127.0.0.1: the real server (in-process through `api::serve`, or the
//! real binary where a process has to die), a real SQLite file, a real HTTP client.
//! Every endpoint, its happy path and its refusals; [`process`] kills and restarts the
//! real binary, [`damaged`] feeds the router broken requests.

mod basemap;
mod connections;
mod contract;
mod damaged;
mod experiments;
mod fleet_model;
mod lists;
mod live_plans;
mod locations;
mod orders;
mod page;
mod picks;
mod process;
mod profiles;
mod route_jobs;
mod shipments;
mod vroom;

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use stockroute::api::{self, ServiceConfig};
use tokio::sync::oneshot;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A server running in this process until dropped or [`Server::stop`]ped.
struct Server {
    base: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), api::ApiError>>>,
    http: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    async fn start(config: ServiceConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(api::serve(listener, config, async move {
            let _ = rx.await;
        }));
        Server {
            base: format!("http://{addr}"),
            stop: Some(tx),
            task: Some(task),
            http: reqwest::Client::new(),
            _dir: None,
        }
    }

    /// A server on a fresh store in a temporary folder.
    async fn fresh(tweak: impl FnOnce(ServiceConfig) -> ServiceConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = tweak(ServiceConfig::new(dir.path().join("store.sqlite")));
        let mut server = Self::start(config).await;
        server._dir = Some(dir);
        server
    }

    async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self.http.post(self.url(path)).json(body).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap())
    }

    async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let r = self.http.delete(self.url(path)).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap())
    }

    /// Polls a job until `done(state)` or 120 s pass.
    async fn wait_job(&self, id: &str, done: impl Fn(&str) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let (status, job) = self.get(&format!("/v1/jobs/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{job}");
            if done(job["state"].as_str().unwrap()) {
                return job;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "job {id} stuck: {job}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

pub(super) fn finished(state: &str) -> bool {
    matches!(state, "succeeded" | "failed" | "cancelled")
}

/// Asserts the JSON error shape and returns (code, field).
pub(super) fn error_of(body: &Value) -> (String, Option<String>) {
    let e = &body["error"];
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    (e["code"].as_str().unwrap().to_owned(), e["field"].as_str().map(str::to_owned))
}

/// A VRP with `n` stops on a circle around the depot, two vans.
pub(super) fn circle_problem(n: usize, time_limit_s: f64) -> Value {
    let mut coordinates = vec![[0.0, 0.0]];
    for i in 0..n {
        let a = i as f64 / n as f64 * std::f64::consts::TAU;
        coordinates.push([100.0 * a.cos(), 100.0 * a.sin()]);
    }
    let stops: Vec<Value> =
        (0..n).map(|i| json!({"id": format!("s{i}"), "location": i + 1, "demand": [1]})).collect();
    json!({
        "name": "circle",
        "locations": {"coordinates": coordinates},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "count": 2, "capacity": [n], "start_depot": "D"}],
        "stops": stops,
        "time_limit_s": time_limit_s,
    })
}

/// Issue 13 over HTTP: skills, `max_stops`, a second window and prizes in `POST /v1/routes`;
/// a stop needing a skill no vehicle has comes back unserved with reason `skills`, and two
/// names for one field are a 422 naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_fleet_fields_are_solved_and_checked_over_http() {
    let server = Server::fresh(|c| c).await;
    let mut p = circle_problem(6, 0.5);
    p["max_iterations"] = json!(500);
    p["vehicles"][0]["max_stops"] = json!(3);
    p["vehicles"][0]["skills"] = json!(["fridge"]);
    p["stops"][0]["skills"] = json!(["fridge"]);
    p["stops"][1]["skills"] = json!(["crane"]);
    p["stops"][2]["time_windows"] = json!([{"start": 0, "end": 1}, {"start": 400, "end": 500}]);
    p["stops"][3]["prize"] = json!(1e6);
    let (status, answer) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["feasible"], true, "{answer}");
    assert_eq!(answer["unserved"], json!([{"id": "s1", "reason": "skills"}]));
    let routes = answer["routes"].as_array().unwrap();
    assert!(routes.iter().all(|r| r["stops"].as_array().unwrap().len() <= 3), "{answer}");
    let mut visits = routes.iter().flat_map(|r| r["stops"].as_array().unwrap().iter());
    let windowed = visits.find(|v| v["id"] == "s2").unwrap();
    assert!((400.0..=500.0).contains(&windowed["start"].as_f64().unwrap()), "{windowed}");
    p["stops"][3]["unserved_penalty"] = json!(5);
    let (status, body) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let details = body["error"]["details"].as_array().unwrap();
    assert!(
        details.iter().any(|d| d["code"] == "E1013" && d["field"] == "stops[3].prize"),
        "{body}"
    );
    server.stop().await;
}

/// A seed and an iteration budget make the answer reproducible: the same request twice
/// gets the same routes, whatever the machine's load did to the clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_and_an_iteration_budget_give_the_same_answer_twice() {
    let server = Server::fresh(|c| c).await;
    let n = 30;
    let coordinates: Vec<[f64; 2]> = (0..=n)
        .map(|i| {
            let (x, y) = ((i * 37 % 101) as f64, (i * 61 % 97) as f64);
            [x, y]
        })
        .collect();
    let stops: Vec<Value> = (1..=n)
        .map(|i| json!({"id": format!("s{i}"), "location": i, "demand": [1 + i % 4]}))
        .collect();
    let problem = json!({
        "name": "scatter",
        "locations": {"coordinates": coordinates},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "count": 6, "capacity": [15], "start_depot": "D"}],
        "stops": stops,
        "time_limit_s": 30.0,
        "seed": 7,
        "max_iterations": 3000,
    });
    let (status, first) = server.post("/v1/routes", &problem).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, second) = server.post("/v1/routes", &problem).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(first["feasible"], true);
    assert_eq!(first["iterations"], 3000, "{first}");
    assert_eq!(first["routes"], second["routes"]);
    assert_eq!(first["cost"], second["cost"]);
    server.stop().await;
}

/// Daily history rows: `series` (sku, zone) pairs selling on `sales` days spread over
/// `days` days ending 2024-12-31.
pub(super) fn history(series: usize, days: i64, sales: usize) -> Vec<Value> {
    let end = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    let mut rows = Vec::new();
    for s in 0..series {
        for k in 0..sales {
            let back = (k as i64 * days / sales as i64 + s as i64 % 7) % days;
            let date = end - chrono::Days::new(back as u64);
            rows.push(json!({
                "date": date.to_string(),
                "sku": format!("SKU{:04}", s / 3),
                "zone": format!("Z{}", s % 3),
                "quantity": 1 + (s + k) % 5,
            }));
        }
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_are_solved_in_the_request_with_times_and_every_refusal_is_json() {
    let server = Server::fresh(|c| c.with_max_stops(40).with_max_body_bytes(64 * 1024)).await;

    // Happy path: feasible, every stop once, per-stop times that add up.
    let (status, answer) = server.post("/v1/routes", &circle_problem(12, 0.3)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["feasible"], true);
    let routes = answer["routes"].as_array().unwrap();
    let served: usize = routes.iter().map(|r| r["stops"].as_array().unwrap().len()).sum();
    assert_eq!(served, 12);
    // Vehicles are numbered from 1 within their type, as in plan.json and the report.
    let mut numbers: Vec<u64> = routes.iter().map(|r| r["vehicle"].as_u64().unwrap()).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=routes.len() as u64).collect::<Vec<_>>(), "{answer}");
    for r in routes {
        let mut last = 0.0;
        for v in r["stops"].as_array().unwrap() {
            let (arrival, departure) =
                (v["arrival"].as_f64().unwrap(), v["departure"].as_f64().unwrap());
            assert!(arrival > last && departure >= arrival, "{r}");
            last = departure;
        }
    }

    // Time windows and an impossible stop: served late-window, and the reason code.
    let mut p = circle_problem(3, 0.2);
    p["stops"][0]["time_window"] = json!({"start": 500.0, "end": 600.0});
    p["stops"][1]["demand"] = json!([99]);
    let (status, answer) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["unserved"], json!([{"id": "s1", "reason": "capacity"}]));
    let visit = answer["routes"][0]["stops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "s0")
        .unwrap()
        .clone();
    assert_eq!(visit["start"].as_f64().unwrap(), 500.0);

    // Malformed JSON: 400, JSON body.
    let r = server
        .http
        .post(server.url("/v1/routes"))
        .header("content-type", "application/json")
        .body("{\"locations\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(&r.json().await.unwrap()).0, "malformed_json");

    // Not declared as JSON: 415.
    let r = server.http.post(server.url("/v1/routes")).body("{}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_of(&r.json().await.unwrap()).0, "unsupported_media_type");

    // A wrong type names the field's path.
    let mut p = circle_problem(3, 0.2);
    p["stops"][2]["location"] = json!("three");
    let (status, body) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body), ("invalid_field".into(), Some("stops[2].location".into())));

    // Broken rules are all listed.
    let mut p = circle_problem(3, 0.2);
    p["vehicles"][0]["start_depot"] = json!("nowhere");
    p["stops"][1]["location"] = json!(99);
    let (status, body) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body).0, "invalid_problem");
    assert!(!body["error"]["details"].as_array().unwrap().is_empty());

    // Limits: stops, time limit, body size.
    let (status, body) = server.post("/v1/routes", &circle_problem(41, 0.2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body), ("too_many_stops".into(), Some("stops".into())));
    for bad in [0.0, -1.0, 31.0] {
        let (status, body) = server.post("/v1/routes", &circle_problem(3, bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(error_of(&body), ("out_of_range".into(), Some("time_limit_s".into())));
    }
    let mut big = circle_problem(3, 0.2);
    big["name"] = json!("x".repeat(70 * 1024));
    let (status, body) = server.post("/v1/routes", &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_of(&body).0, "payload_too_large");

    // Road snapping needs a scenario with roads; bad query values are 422 too.
    let (status, body) = server.post("/v1/routes?roads=true", &circle_problem(3, 0.2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body), ("no_scenario".into(), Some("roads".into())));
    let (status, body) = server.post("/v1/routes?geometry=true", &circle_problem(3, 0.2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).1.as_deref(), Some("geometry"));
    let (status, body) = server.post("/v1/routes?roads=maybe", &circle_problem(3, 0.2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).1.as_deref(), Some("roads"));

    // Unknown paths and methods.
    let (status, body) = server.get("/v2/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&body).0, "not_found");
    let (status, body) = server.get("/v1/routes").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_of(&body).0, "method_not_allowed");

    // Health, metrics (the requests above counted by route template), OpenAPI.
    let (status, health) = server.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");
    let metrics =
        server.http.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(
        "stockroute_http_requests_total{method=\"POST\",route=\"/v1/routes\",status=\"200\"} 2"
    ));
    assert!(metrics.contains("route=\"/v1/routes\",status=\"413\""));
    assert!(metrics.contains("stockroute_job_queue_depth 0"));
    let (status, doc) = server.get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/v1/jobs/{id}"]["delete"].is_object());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forecast_and_placement_jobs_run_on_the_loaded_scenario() {
    let scenario = shared("tests/data/valid");
    let server = Server::fresh(|c| c.with_scenario(&scenario)).await;

    // Forecast of the scenario's own history.
    let r = server.http.post(server.url("/v1/forecasts")).json(&json!({"horizon": 7})).send();
    let r = r.await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let job: Value = r.json().await.unwrap();
    assert_eq!(location, format!("/v1/jobs/{}", job["id"].as_str().unwrap()));
    let job = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let run = job["result"]["run_id"].as_str().unwrap().to_owned();

    // The stored run, paged and filtered.
    let (status, page) = server.get(&format!("/v1/forecasts/{run}?limit=5")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["run"]["id"], run.as_str());
    assert_eq!(page["rows"].as_array().unwrap().len(), 5);
    let total = page["total"].as_u64().unwrap();
    assert_eq!(total, job["result"]["rows"].as_u64().unwrap());
    let sku = page["rows"][0]["sku"].as_str().unwrap().to_owned();
    let (_, filtered) = server.get(&format!("/v1/forecasts/{run}?sku={sku}&limit=1000")).await;
    let rows = filtered["rows"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r["sku"] == sku.as_str()));
    assert!(filtered["total"].as_u64().unwrap() < total);
    let (status, body) = server.get(&format!("/v1/forecasts/{run}?limit=0")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body), ("out_of_range".into(), Some("limit".into())));
    let (status, body) = server.get("/v1/forecasts/no-such-run").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&body).0, "not_found");

    // Placement from that run.
    let (status, job) = server.post("/v1/placements", &json!({"run_id": run, "k": 2})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["feasible"], true);
    assert_eq!(job["result"]["forecast_run"], run.as_str());
    assert!(!job["result"]["plan"]["stock"].as_array().unwrap().is_empty());
    let (status, body) = server.post("/v1/placements", &json!({"run_id": "nope"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&body).0, "not_found");
    let (status, body) =
        server.post("/v1/placements", &json!({"run_id": run, "cycle_periods": 99})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).1.as_deref(), Some("cycle_periods"));

    // The whole pipeline on the loaded scenario.
    let body = json!({"seed": 3, "routing": {"max_iterations": 300}});
    let (status, job) = server.post("/v1/plans", &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let outcome = &job["result"];
    assert_eq!(outcome["seed"], 3);
    assert!(outcome["routing"].is_object() && outcome["placement"].is_object(), "{outcome}");
    let plan_run = outcome["forecast"]["run_id"].as_str().unwrap();
    let (status, _) = server.get(&format!("/v1/forecasts/{plan_run}?limit=1")).await;
    assert_eq!(status, StatusCode::OK);
    let bad = json!({"routing": {"stations": ["DS-NOWHERE"]}});
    let (status, body) = server.post("/v1/plans", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body), ("unknown_station".into(), Some("routing.stations[0]".into())));
    let (status, body) = server.post("/v1/plans", &json!({"routing": {"max_iterations": 0}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).1.as_deref(), Some("routing.max_iterations"));
    let (status, body) = server.post("/v1/plans", &json!({"forecast": {"horizn": 3}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).0, "invalid_field");
    // r12: a nested options object sent as an array of its fields (found by schemathesis;
    // serde alone would read it as the defaults and start a plan).
    for field in ["forecast", "routing", "placement"] {
        let (status, body) = server.post("/v1/plans", &json!({field: [null, null]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        assert_eq!(error_of(&body), ("invalid_field".into(), Some(field.into())), "{body}");
    }

    // Inline history: checked before any job is made.
    let rows = history(6, 120, 20);
    let (status, job) =
        server.post("/v1/forecasts", &json!({"history": rows, "horizon": 14})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let job = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(job["result"]["series"], 6, "{job}");
    let mut bad = history(2, 30, 5);
    bad[3]["quantity"] = json!(-2.0);
    let (status, body) = server.post("/v1/forecasts", &json!({"history": bad, "horizon": 7})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).1.as_deref(), Some("history[3].quantity"));
    let (status, body) =
        server.post("/v1/forecasts", &json!({"history": history(1, 30, 5), "horizon": 0})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).1.as_deref(), Some("horizon"));
    let (status, body) = server.post("/v1/forecasts", &json!({"horizon": 7, "seed": 1})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).0, "invalid_field");
    server.stop().await;

    // Without a scenario, requests that need one say so.
    let bare = Server::fresh(|c| c).await;
    let (status, body) = bare.post("/v1/forecasts", &json!({"horizon": 7})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body), ("no_scenario".into(), Some("history".into())));
    let (status, body) = bare.post("/v1/placements", &json!({"run_id": run})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).0, "no_scenario");
    let (status, body) = bare.post("/v1/plans", &json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).0, "no_scenario");
    bare.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_returns_the_same_job_and_refuses_another_body() {
    let server = Server::fresh(|c| c).await;
    let body = json!({"history": history(3, 60, 10), "horizon": 7});
    let send = |body: &Value, key: &str| {
        server
            .http
            .post(server.url("/v1/forecasts"))
            .header("Idempotency-Key", key)
            .json(body)
            .send()
    };
    let first = send(&body, "k-1").await.unwrap();
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = send(&body, "k-1").await.unwrap();
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let other = json!({"history": history(3, 60, 10), "horizon": 8});
    let refused = send(&other, "k-1").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(
        error_of(&refused),
        ("idempotency_key_reused".into(), Some("Idempotency-Key".into()))
    );
    let fresh: Value = send(&other, "k-2").await.unwrap().json().await.unwrap();
    assert_ne!(fresh["id"], first["id"]);
    let done = server.wait_job(first["id"].as_str().unwrap(), finished).await;
    assert_eq!(done["state"], "succeeded");
    // After the end, the key still answers with the finished job.
    let late: Value = send(&body, "k-1").await.unwrap().json().await.unwrap();
    assert_eq!(
        (late["id"].clone(), late["state"].clone()),
        (first["id"].clone(), json!("succeeded"))
    );
    server.stop().await;
}

/// A forecast that keeps one worker busy for many seconds unless cancelled: 1,500 series
/// over two years, 20 rolling origins.
pub(super) fn long_forecast() -> Value {
    json!({"history": history(1500, 730, 40), "horizon": 28, "origins": 20})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_is_503_and_jobs_can_be_cancelled_queued_or_running() {
    let server =
        Server::fresh(|c| c.with_workers(1).with_queue(1).with_max_body_bytes(32 * 1024 * 1024))
            .await;
    let (status, long) = server.post("/v1/forecasts", &long_forecast()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{long}");
    let long_id = long["id"].as_str().unwrap().to_owned();
    let running = server.wait_job(&long_id, |s| s != "queued").await;
    assert_eq!(running["state"], "running", "{running}");

    // The worker is busy: one job may wait, the next is refused.
    let small = json!({"history": history(2, 60, 10), "horizon": 7});
    let (status, queued) = server.post("/v1/forecasts", &small).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(queued["state"], "queued");
    let r = server.http.post(server.url("/v1/forecasts")).json(&small).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().get("retry-after").is_some());
    assert_eq!(error_of(&r.json().await.unwrap()).0, "overloaded");

    // Live progress while it runs; /healthz still answers.
    let (status, health) = server.get("/healthz").await;
    assert_eq!((status, health["queued_jobs"].as_u64()), (StatusCode::OK, Some(1)));

    // Cancel the queued job (ends at once), then the running one (ends at its next check).
    let queued_id = queued["id"].as_str().unwrap();
    let (status, cancelled) = server.delete(&format!("/v1/jobs/{queued_id}")).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["state"], "cancelled");
    let (status, _) = server.delete(&format!("/v1/jobs/{long_id}")).await;
    assert!(status == StatusCode::ACCEPTED || status == StatusCode::OK);
    let ended = server.wait_job(&long_id, finished).await;
    assert_eq!(ended["state"], "cancelled", "{ended}");
    assert_eq!(ended["error"]["code"], "cancelled");
    let (status, body) = server.delete(&format!("/v1/jobs/{long_id}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_of(&body).0, "job_finished");
    let (status, body) = server.get("/v1/jobs/job-none").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&body).0, "not_found");
    let (status, body) = server.delete("/v1/jobs/job-none").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&body).0, "not_found");

    // The queue has room again.
    let (status, _) = server.post("/v1/forecasts", &small).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let metrics =
        server.http.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("stockroute_jobs{state=\"cancelled\"} 2"), "{metrics}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn road_snapped_routes_on_the_monaco_scenario() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let problem = json!({
        "locations": {"coordinates": [
            [7.4246, 43.7384], [7.4200, 43.7310], [7.4270, 43.7400], [7.4150, 43.7330],
            [7.5000, 43.6000]
        ]},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "capacity": [10], "start_depot": "D"}],
        "stops": [
            {"id": "a", "location": 1, "demand": [1]},
            {"id": "b", "location": 2, "demand": [1]},
            {"id": "c", "location": 3, "demand": [1]},
            {"id": "at-sea", "location": 4, "demand": [1]}
        ],
        "time_limit_s": 2
    });
    let path = "/v1/routes?roads=true&departure_hour=9&geometry=true";
    let (status, answer) = server.post(path, &problem).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["feasible"], true);
    assert_eq!(answer["unserved"], json!([{"id": "at-sea", "reason": "unreachable"}]));
    let snapping = answer["snapping"].as_array().unwrap();
    assert_eq!(snapping.len(), 5);
    assert!(snapping[4]["unreachable"].is_string());
    assert!(snapping[..4].iter().all(|s| s["snap_distance_m"].as_f64().unwrap() < 500.0));
    // Road metres: longer than the straight line, shorter than a tour of the principality.
    let distance = answer["distance"].as_f64().unwrap();
    assert!(distance > 1500.0 && distance < 30_000.0, "{distance}");
    // GeoJSON: one road polyline per route, from and back to the depot, OSM attribution.
    let geo = &answer["geometry"];
    assert_eq!(geo["type"], "FeatureCollection");
    assert!(geo["attribution"].as_str().unwrap().contains("OpenStreetMap"));
    let lines: Vec<&Value> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["geometry"]["type"] == "LineString")
        .collect();
    assert_eq!(lines.len(), answer["routes"].as_array().unwrap().len());
    let line = lines[0]["geometry"]["coordinates"].as_array().unwrap();
    assert!(line.len() > 5, "a road polyline, not straight legs");
    assert_eq!(line[0], line[line.len() - 1]);

    let mut bad = problem.clone();
    bad["depots"][0]["location"] = json!(4);
    let (status, body) = server.post("/v1/routes?roads=true", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body), ("unreachable_depot".into(), Some("depots[0].location".into())));
    let (status, body) = server.post("/v1/routes?roads=true&departure_hour=24", &problem).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).1.as_deref(), Some("departure_hour"));
    server.stop().await;
}
