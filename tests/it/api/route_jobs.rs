//! `POST /v1/routes/jobs`: a problem too big for a request is refused there with a pointer to
//! the job path, and solved as a job with progress; a bad problem is a 422 before any job is
//! stored; a running routing job can be cancelled.

use super::{Server, error_of, finished};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// `n` stops on a grid around a central depot (above the solver's dense size when n > 3,000,
/// so the neighbour-list path runs), vans of capacity 80.
fn grid_problem(n: usize, time_limit_s: f64) -> Value {
    let side = (n as f64).sqrt().ceil() as usize;
    let mut coordinates = vec![[side as f64 * 5.0, side as f64 * 5.0]];
    coordinates.extend((0..n).map(|i| [(i % side) as f64 * 10.0, (i / side) as f64 * 10.0]));
    let stops: Vec<Value> =
        (0..n).map(|i| json!({"id": format!("s{i}"), "location": i + 1, "demand": [1]})).collect();
    json!({
        "name": "grid",
        "locations": {"coordinates": coordinates},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "count": n / 80 + 5, "capacity": [80], "start_depot": "D"}],
        "stops": stops,
        "time_limit_s": time_limit_s,
        "seed": 3,
    })
}

/// Polls the job until `ready(job)` or `within` passes.
async fn poll_until(server: &Server, id: &str, within: Duration, ready: impl Fn(&Value) -> bool) {
    let started = Instant::now();
    loop {
        let (status, job) = server.get(&format!("/v1/jobs/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{job}");
        if ready(&job) {
            return;
        }
        assert!(started.elapsed() < within, "job {id} never got there: {job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_too_big_for_a_request_is_solved_as_a_job_with_progress() {
    let server = Server::fresh(|c| c.with_max_stops(40).with_workers(1)).await;
    let n = 3200;
    let big = grid_problem(n, 2.0);

    // The request path refuses it and says where to send it.
    let (status, body) = server.post("/v1/routes", &big).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body), ("too_many_stops".into(), Some("stops".into())));
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("POST /v1/routes/jobs"), "{message}");

    // The job path takes it: 202, then a checked answer of the request path's shape.
    let (status, job) = server.post("/v1/routes/jobs", &big).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(job["kind"], "route");
    let id = job["id"].as_str().unwrap().to_owned();
    let done = server.wait_job(&id, finished).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let answer = &done["result"];
    assert_eq!(answer["feasible"], true, "{}", answer["effort"]);
    let routes = answer["routes"].as_array().unwrap();
    let served: usize = routes.iter().map(|r| r["stops"].as_array().unwrap().len()).sum();
    assert_eq!(served + answer["unserved"].as_array().unwrap().len(), n);
    assert_eq!(answer["unserved"], json!([]));
    assert!(routes.len() >= n / 80, "{} routes", routes.len());
    let mut numbers: Vec<u64> = routes.iter().map(|r| r["vehicle"].as_u64().unwrap()).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=routes.len() as u64).collect::<Vec<_>>());
    assert_eq!(done["progress"]["phase"], "routing", "{}", done["progress"]);
    assert_eq!(done["progress"]["done"], done["progress"]["total"], "{}", done["progress"]);

    // A broken problem is refused before any job is stored.
    let (_, before) = server.get("/v1/jobs").await;
    let mut bad = grid_problem(n, 2.0);
    bad["stops"][7]["location"] = json!(n + 50);
    let (status, body) = server.post("/v1/routes/jobs", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body).0, "invalid_problem");
    let mut slow = grid_problem(n, 1.0e6);
    slow["time_limit_s"] = json!(1.0e6);
    let (status, body) = server.post("/v1/routes/jobs", &slow).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body), ("out_of_range".into(), Some("time_limit_s".into())));
    let (_, after) = server.get("/v1/jobs").await;
    assert_eq!(after["items"].as_array().map(Vec::len), before["items"].as_array().map(Vec::len));

    // A long job shows the best cost so far while it searches, and stops when cancelled.
    let (status, job) = server.post("/v1/routes/jobs", &grid_problem(n, 60.0)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    poll_until(&server, &id, Duration::from_secs(60), |job| {
        job["progress"]["message"].as_str().is_some_and(|m| m.starts_with("best "))
    })
    .await;
    let (status, _) = server.delete(&format!("/v1/jobs/{id}")).await;
    assert!(status == StatusCode::ACCEPTED || status == StatusCode::OK, "{status}");
    let ended = server.wait_job(&id, finished).await;
    assert_eq!(ended["state"], "cancelled", "{ended}");
    assert!(ended["progress"].get("message").is_none(), "{ended}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_job_path_has_its_own_body_limit() {
    let server = Server::fresh(|c| {
        c.with_max_body_bytes(64 * 1024).with_max_job_body_bytes(1024 * 1024).with_workers(1)
    })
    .await;
    let big = grid_problem(3200, 0.5);
    let r = server.http.post(server.url("/v1/routes")).json(&big).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (status, job) = server.post("/v1/routes/jobs", &big).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let done = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(done["state"], "succeeded", "{}", done["error"]);
    let huge = grid_problem(20_000, 0.5);
    let r = server.http.post(server.url("/v1/routes/jobs")).json(&huge).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    server.stop().await;
}
