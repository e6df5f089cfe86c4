//! A bounded load test of a running `stockroute serve`: many routing requests at a fixed
//! concurrency, then `/healthz` latency while a long job runs.
//!
//! Key points:
//! - Start the release server first, with room for the long job's body:
//!   `cargo run --release -- serve --store /tmp/load.sqlite --max-body-bytes 33554432`.
//! - Phase 1: `--requests` (2,000) `POST /v1/routes` of a `--stops`-stop (50) problem from
//!   `--concurrency` (32) client tasks. Every answer must be 200 and `feasible`; errors and
//!   lost requests (sent but never answered) are counted, latency percentiles and throughput
//!   printed. The request's `time_limit_s` (`--time-limit-s`, 1 s) counts from its arrival,
//!   so time spent waiting for a solver slot shortens the search, never the deadline.
//! - Phase 2: a forecast job that keeps a worker busy; `/healthz` is sampled every 100 ms
//!   while it runs, then the job is cancelled.
//! - Run: `cargo run --release --example load_test [-- --base http://127.0.0.1:8080]`.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Options {
    base: String,
    requests: usize,
    concurrency: usize,
    stops: usize,
    time_limit_s: f64,
}

fn options() -> anyhow::Result<Options> {
    let mut o = Options {
        base: "http://127.0.0.1:8080".into(),
        requests: 2000,
        concurrency: 32,
        stops: 50,
        time_limit_s: 1.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--base" => o.base = value,
            "--requests" => o.requests = value.parse()?,
            "--concurrency" => o.concurrency = value.parse()?,
            "--stops" => o.stops = value.parse()?,
            "--time-limit-s" => o.time_limit_s = value.parse()?,
            other => bail!("unknown option {other}"),
        }
    }
    Ok(o)
}

/// `stops` customers scattered (deterministically) over a 10 x 10 km square, 4 vans of
/// capacity 15, time windows on every fifth stop.
fn problem(stops: usize, seed: usize, time_limit_s: f64) -> Value {
    let mut x = (seed as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 10_000) as f64
    };
    let mut coordinates = vec![[5000.0, 5000.0]];
    coordinates.extend((0..stops).map(|_| [next(), next()]));
    let stops: Vec<Value> = (0..stops)
        .map(|i| {
            let mut s = json!({"id": format!("c{i}"), "location": i + 1, "demand": [1 + i % 3], "service_time": 120});
            if i % 5 == 0 {
                s["time_window"] = json!({"start": 0, "end": 30_000});
            }
            s
        })
        .collect();
    json!({
        "name": format!("load-{seed}"),
        "locations": {"coordinates": coordinates},
        "depots": [{"id": "hub", "location": 0}],
        "vehicles": [{"id": "van", "count": 4, "capacity": [30], "start_depot": "hub"}],
        "stops": stops,
        "time_limit_s": time_limit_s,
        "seed": seed
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let o = options()?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(o.concurrency).build()?;
    let health: Value = http.get(format!("{}/healthz", o.base)).send().await?.json().await?;
    println!("server: {health}");
    let mut idle_ms = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        http.get(format!("{}/healthz", o.base)).send().await?.error_for_status()?;
        idle_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    idle_ms.sort_by(f64::total_cmp);
    println!(
        "{}",
        json!({"healthz_idle": {"samples": 20, "p50_ms": percentile(&idle_ms, 0.5), "max_ms": idle_ms.last()}})
    );

    // Phase 1: routing load.
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..o.concurrency {
        let (http, next, base) = (http.clone(), Arc::clone(&next), o.base.clone());
        let (n, stops, limit) = (o.requests, o.stops, o.time_limit_s);
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return out;
                }
                let body = problem(stops, i, limit);
                let t = Instant::now();
                let r = http.post(format!("{base}/v1/routes")).json(&body).send().await;
                let outcome = match r {
                    Ok(r) if r.status().is_success() => match r.json::<Value>().await {
                        Ok(a) if a["feasible"] == true => Ok(a["iterations"].as_u64().unwrap_or(0)),
                        Ok(a) => Err(format!("infeasible answer {}", a["name"])),
                        Err(e) => Err(format!("bad body: {e}")),
                    },
                    Ok(r) => Err(format!("status {}", r.status())),
                    Err(e) => Err(format!("transport: {e}")),
                };
                out.push((t.elapsed().as_secs_f64(), outcome));
            }
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    let mut iterations = Vec::new();
    for t in tasks {
        for (latency, outcome) in t.await? {
            latencies.push(latency);
            match outcome {
                Ok(it) => iterations.push(it as f64),
                Err(e) => errors.push(e),
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    iterations.sort_by(f64::total_cmp);
    let lost = o.requests - latencies.len();
    let summary = json!({
        "requests": o.requests,
        "concurrency": o.concurrency,
        "stops": o.stops,
        "time_limit_s": o.time_limit_s,
        "answered": latencies.len(),
        "errors": errors.len(),
        "lost": lost,
        "wall_s": wall,
        "throughput_rps": latencies.len() as f64 / wall,
        "p50_ms": percentile(&latencies, 0.50) * 1000.0,
        "p90_ms": percentile(&latencies, 0.90) * 1000.0,
        "p99_ms": percentile(&latencies, 0.99) * 1000.0,
        "max_ms": latencies.last().copied().unwrap_or(f64::NAN) * 1000.0,
        "iterations_p50": percentile(&iterations, 0.5),
        "iterations_min": iterations.first().copied().unwrap_or(0.0),
    });
    println!("routing load: {summary}");
    for e in errors.iter().take(5) {
        println!("  error: {e}");
    }

    // Phase 2: /healthz while a long job runs.
    let end = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).context("date")?;
    let mut rows = Vec::new();
    for s in 0..1500usize {
        for k in 0..40usize {
            let date = end - chrono::Days::new(((k * 730 / 40 + s % 7) % 730) as u64);
            rows.push(json!({"date": date.to_string(), "sku": format!("S{}", s / 3), "zone": format!("Z{}", s % 3), "quantity": 1 + (s + k) % 5}));
        }
    }
    let r = http
        .post(format!("{}/v1/forecasts", o.base))
        .json(&json!({"history": rows, "horizon": 28, "origins": 20}))
        .send()
        .await?;
    if r.status() != reqwest::StatusCode::ACCEPTED {
        bail!("long job refused: {} {}", r.status(), r.text().await?);
    }
    let job: Value = r.json().await?;
    let href = format!("{}{}", o.base, job["href"].as_str().context("href")?);
    loop {
        let j: Value = http.get(&href).send().await?.json().await?;
        if j["state"] != "queued" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut health_ms = Vec::new();
    let mut job_state = String::new();
    for _ in 0..50 {
        let t = Instant::now();
        let h = http.get(format!("{}/healthz", o.base)).send().await?;
        let ok = h.status().is_success();
        health_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if !ok {
            bail!("healthz failed while the job ran");
        }
        let j: Value = http.get(&href).send().await?.json().await?;
        job_state = j["state"].as_str().unwrap_or_default().to_owned();
        if job_state != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    http.delete(&href).send().await?;
    health_ms.sort_by(f64::total_cmp);
    println!(
        "{}",
        json!({
            "healthz_during_job": {
                "samples": health_ms.len(),
                "p50_ms": percentile(&health_ms, 0.5),
                "p90_ms": percentile(&health_ms, 0.9),
                "max_ms": health_ms.last().copied().unwrap_or(f64::NAN),
                "job_still_running_at_end": job_state == "running",
            }
        })
    );
    if !errors.is_empty() || lost > 0 {
        bail!("{} errors, {lost} lost", errors.len());
    }
    Ok(())
}
