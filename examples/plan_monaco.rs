//! The whole pipeline on the Monaco example from Rust: forecast, placement, routing, report.
//!
//! Key points:
//! - [`plan::run`] is the same function behind `stockroute plan` and the service's
//!   `POST /v1/plans`; the caller brings the store and the [`SolveContext`] (seed, threads,
//!   progress, cancel).
//! - [`report::plan::write_outputs`] renders the outcome as plan.json, CSVs, routes.geojson
//!   and a self-contained report.html; the outcome itself is a serialisable record.
//! - Same store + same seed = the same files (the forecast run is reused, routing runs on
//!   an iteration budget).
//! - Run: `cargo run --release --example plan_monaco [-- OUT_DIR]` (default
//!   `target/plan_monaco`); the store is `OUT_DIR/stockroute.sqlite`.

use std::path::PathBuf;
use stockroute::SolveContext;
use stockroute::plan::{self, PlanRequest};
use stockroute::report;
use stockroute::store::SqliteStore;

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out =
        std::env::args().nth(1).map_or_else(|| root.join("target/plan_monaco"), PathBuf::from);
    std::fs::create_dir_all(&out)?;
    let store = SqliteStore::open(&out.join("stockroute.sqlite"))?;
    let request = PlanRequest::new(root.join("data/scenarios/monaco")).with_seed(1);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ctx = SolveContext::new(request.seed).with_threads(threads);
    let outcome = plan::run(&request, &store, &ctx)?;
    let r = &outcome.routing;
    println!("forecast run {}", outcome.forecast.run_id);
    println!(
        "placement: cost {:.2} {}, fill rate {:.3}",
        outcome.placement.report.kpis.cost.total,
        outcome.currency,
        outcome.placement.report.kpis.expected_fill_rate
    );
    println!(
        "routing: {} of {} orders by {} vehicles, {:.1} km, {:.2} {}",
        r.served, r.orders, r.vehicles, r.distance_km, r.cost, outcome.currency
    );
    for path in report::plan::write_outputs(&outcome, &out)? {
        println!("wrote {}", path.display());
    }
    Ok(())
}
