//! Calling a running `stockroute serve` from Rust.
//!
//! Key points:
//! - Start the server first: `cargo run --release -- serve --store /tmp/s.sqlite`
//!   (add `--scenario data/scenarios/monaco` for forecasts of the example scenario,
//!   placements and road-snapped routes).
//! - Synchronous solve: `POST /v1/routes` answers with routes and per-stop times.
//! - Jobs: `POST /v1/forecasts` answers `202` + `Location`; poll `GET /v1/jobs/{id}` until it
//!   ends, then read the stored run with `GET /v1/forecasts/{run}`. An `Idempotency-Key`
//!   makes a retried submission return the same job.
//! - Every error is `{"error": {"code", "message", "field"}}`.
//! - Run: `cargo run --release --example service_client [-- http://127.0.0.1:8080]`.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let base = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let http = reqwest::Client::new();

    let health: Value = http.get(format!("{base}/healthz")).send().await?.json().await?;
    println!("healthz: {health}");

    // A small routing problem with a time window; coordinates in any planar unit.
    let problem = json!({
        "name": "three stops",
        "locations": {"coordinates": [[0, 0], [3, 4], [6, 8], [-5, 0]]},
        "depots": [{"id": "depot", "location": 0}],
        "vehicles": [{"id": "van", "count": 1, "capacity": [10], "start_depot": "depot"}],
        "stops": [
            {"id": "a", "location": 1, "demand": [3]},
            {"id": "b", "location": 2, "demand": [3], "time_window": {"start": 20, "end": 40}},
            {"id": "c", "location": 3, "demand": [3], "service_time": 2}
        ],
        "time_limit_s": 0.5
    });
    let r = http.post(format!("{base}/v1/routes")).json(&problem).send().await?;
    let status = r.status();
    let answer: Value = r.json().await?;
    if !status.is_success() {
        bail!("routes: {status} {answer}");
    }
    for route in answer["routes"].as_array().context("routes")? {
        println!("route of {} {}:", route["vehicle_type"], route["vehicle"]);
        for v in route["stops"].as_array().context("stops")? {
            println!(
                "  {} arrive {} start {} leave {}",
                v["id"], v["arrival"], v["start"], v["departure"]
            );
        }
    }

    // A forecast job from inline history: 8 weeks of daily sales of two SKUs in one zone.
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).context("date")?;
    let history: Vec<Value> = (0..56u64)
        .flat_map(|d| {
            let date = (start + chrono::Days::new(d)).to_string();
            [("mug", 3 + d % 7), ("lamp", d % 3)]
                .map(|(sku, q)| json!({"date": date, "sku": sku, "zone": "98000", "quantity": q}))
        })
        .collect();
    let r = http
        .post(format!("{base}/v1/forecasts"))
        .header("Idempotency-Key", "service-client-example")
        .json(&json!({"history": history, "horizon": 7}))
        .send()
        .await?;
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .context("no Location header")?
        .to_owned();
    println!("forecast job: {} -> {location}", r.status());
    let job = loop {
        let job: Value = http.get(format!("{base}{location}")).send().await?.json().await?;
        match job["state"].as_str() {
            Some("queued" | "running") => tokio::time::sleep(Duration::from_millis(100)).await,
            _ => break job,
        }
    };
    if job["state"] != "succeeded" {
        bail!("forecast job ended {}: {}", job["state"], job["error"]);
    }
    let href = job["result"]["href"].as_str().context("result href")?;
    let page: Value =
        http.get(format!("{base}{href}?sku=mug&limit=7")).send().await?.json().await?;
    println!("forecast run {} ({} rows for mug):", page["run"]["id"], page["total"]);
    for row in page["rows"].as_array().context("rows")? {
        println!(
            "  {} mean {:.2} quantiles {}",
            row["period"],
            row["mean"].as_f64().unwrap_or(0.0),
            row["quantiles"]
        );
    }
    Ok(())
}
