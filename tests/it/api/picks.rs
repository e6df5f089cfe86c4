//! `POST /v1/picks` through the real server on 127.0.0.1: a scenario centre's day and a
//! generated day planned as jobs (progress, result with the drawing, an urgent order
//! inserted), bad requests refused by field before any job is stored, a long job cancelled
//! and a short deadline kept.

use super::{Server, error_of, finished, shared};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn generated(lines: u64) -> Value {
    json!({"blocks": 2, "aisles": 10, "slots_per_side": 10, "robots": 4, "skus": 300, "lines": lines})
}

/// The length of a drawn path, m (Manhattan, as every run is along one axis).
fn drawn_length_m(path: &Value) -> f64 {
    let pts: Vec<(f64, f64)> = path
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    pts.windows(2).map(|w| (w[0].0 - w[1].0).abs() + (w[0].1 - w[1].1).abs()).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_centres_day_is_planned_as_a_job_and_an_urgent_order_is_inserted() {
    let server =
        Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco")).with_workers(1)).await;
    let (status, job) = server.post("/v1/picks", &json!({"centre": "FC-VENTIMIGLIA"})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(job["kind"], "picks");
    let done = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let r = &done["result"];
    assert_eq!(r["centre"], "FC-VENTIMIGLIA");
    assert_eq!(r["method"], "exact-two-block", "{r}");
    assert_eq!(r["checked"], true);
    assert_eq!(done["progress"]["phase"], "assign", "{}", done["progress"]);
    assert_eq!(done["progress"]["done"], r["batches"], "{}", done["progress"]);
    let view = &r["view"];
    assert_eq!(
        view["layout"]["aisle_x_m"].as_array().unwrap().len() as u64,
        view["layout"]["aisles"].as_u64().unwrap()
    );
    let shown = view["batches"].as_array().unwrap();
    assert_eq!(
        shown.len() as u64 + view["batches_not_shown"].as_u64().unwrap(),
        r["batches"].as_u64().unwrap()
    );
    let travel: f64 = shown.iter().map(|b| b["length_m"].as_f64().unwrap()).sum();
    if view["batches_not_shown"] == 0 {
        assert!(
            (travel - r["travel_m"].as_f64().unwrap()).abs() < 0.01,
            "{travel} vs {}",
            r["travel_m"]
        );
    }
    for b in shown {
        assert!((drawn_length_m(&b["path_m"]) - b["length_m"].as_f64().unwrap()).abs() < 0.01);
        assert_eq!(b["path_m"][0], view["layout"]["depot_m"]);
    }
    assert!(
        view["heat"].as_array().unwrap().iter().any(|h| h["picks_per_day"].as_f64().unwrap() > 0.0)
    );

    // An urgent order: a SKU of the scenario, arriving after the first batches started.
    let sku = std::fs::read_to_string(shared("data/scenarios/monaco/skus.csv")).unwrap();
    let sku = sku.lines().nth(1).unwrap().split(',').next().unwrap().to_owned();
    let body = json!({"centre": "FC-VENTIMIGLIA", "urgent": {"id": "RUSH", "arrives_s": 60, "lines": [{"sku": sku, "quantity": 1}]}});
    let (status, job) = server.post("/v1/picks", &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let done = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let u = &done["result"]["urgent"];
    assert_eq!(u["order"], "RUSH");
    assert!(u["done_s"].as_f64().unwrap() >= 60.0, "{u}");
    assert!(u["done_s"].as_f64().unwrap() < u["next_wave_done_s"].as_f64().unwrap(), "{u}");
    assert!(u["started_batches"].as_u64().unwrap() >= 1, "{u}");
    let with_urgent = done["result"]["view"]["batches"].as_array().unwrap();
    let batch = u["batch"].as_u64().unwrap();
    let holder = with_urgent.iter().find(|b| b["index"] == batch);
    if let Some(holder) = holder {
        assert!(holder["orders"].as_array().unwrap().contains(&json!("RUSH")), "{holder}");
    }

    // Refused by field, before any job is stored.
    let (_, before) = server.get("/v1/jobs").await;
    for (body, code, field) in [
        (json!({"centre": "NOWHERE"}), "invalid_input", None),
        (json!({}), "invalid_field", Some("centre")),
        (json!({"centre": "FC-VENTIMIGLIA", "wave_s": 5}), "out_of_range", Some("wave_s")),
        (
            json!({"centre": "FC-VENTIMIGLIA", "max_paths": 1_000_000}),
            "out_of_range",
            Some("max_paths"),
        ),
        (
            json!({"centre": "FC-VENTIMIGLIA", "time_limit_s": 1e9}),
            "out_of_range",
            Some("time_limit_s"),
        ),
        (
            json!({"centre": "FC-VENTIMIGLIA", "batching": "magic"}),
            "invalid_field",
            Some("batching"),
        ),
        (
            json!({"centre": "FC-VENTIMIGLIA", "urgent": {"id": "U", "arrives_s": 0, "lines": [{"sku": "NOPE", "quantity": 1}]}}),
            "unknown_sku",
            Some("urgent.lines[0].sku"),
        ),
        (json!({"generated": generated(10_000_000)}), "out_of_range", Some("generated.lines")),
    ] {
        let (status, answer) = server.post("/v1/picks", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        let (c, f) = error_of(&answer);
        assert_eq!(c, code, "{body}: {answer}");
        if field.is_some() {
            assert_eq!(f.as_deref(), field, "{body}: {answer}");
        }
    }
    let (_, after) = server.get("/v1/jobs").await;
    assert_eq!(after["items"].as_array().map(Vec::len), before["items"].as_array().map(Vec::len));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_day_runs_without_a_scenario_and_long_jobs_stop() {
    let server = Server::fresh(|c| c.with_workers(1)).await;
    let (status, answer) = server.post("/v1/picks", &json!({"centre": "X"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(error_of(&answer), ("no_scenario".into(), Some("centre".into())));

    let body = json!({"generated": generated(800), "max_paths": 5, "batching": "fcfs", "method": "s-shape", "seed": 4});
    let (status, job) = server.post("/v1/picks", &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let done = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let r = &done["result"];
    assert_eq!((r["method"].as_str(), r["batching"].as_str()), (Some("s-shape"), Some("fcfs")));
    assert!(r["lines"].as_u64().unwrap() >= 800);
    assert_eq!(r["view"]["batches"].as_array().unwrap().len(), 5);

    // A large day is cancelled while it runs; a tiny time limit ends one as failed.
    let big = json!({"generated": {"blocks": 4, "aisles": 60, "slots_per_side": 20, "robots": 20, "skus": 5000, "lines": 200_000}});
    let (status, job) = server.post("/v1/picks", &big).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let started = Instant::now();
    loop {
        let (_, j) = server.get(&format!("/v1/jobs/{id}")).await;
        if j["state"] == "running" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{j}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, _) = server.delete(&format!("/v1/jobs/{id}")).await;
    assert!(status == StatusCode::ACCEPTED || status == StatusCode::OK, "{status}");
    let ended = server.wait_job(&id, finished).await;
    assert_eq!(ended["state"], "cancelled", "{ended}");

    let mut quick = big.clone();
    quick["time_limit_s"] = json!(0.01);
    let (status, job) = server.post("/v1/picks", &quick).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let ended = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(ended["state"], "failed", "{ended}");
    assert_eq!(ended["error"]["code"], "time_limit", "{ended}");
    server.stop().await;
}
