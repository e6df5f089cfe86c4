//! `stockroute pick <SCENARIO> --centre ID`: batch, route and assign one centre's orders.
//!
//! ```text
//! stockroute pick <SCENARIO> --centre ID [--batching savings] [--method auto]
//!                 [--slotting velocity] [--store FILE --run ID] [--wave-s 3600]
//!                 [--threads N] [--seed S] [--time-limit-s S] [--out FILE]
//!                 [--urgent FILE]
//! ```
//!
//! The building is `warehouses/<ID>.toml` in the scenario folder; the orders are those of
//! `orders.csv` whose zone is nearest the centre (one wave); the SKUs are slotted by
//! velocity from the forecast run given (`--store`, `--run`) or else from the demand history
//! (`stockroute slot` writes the same slotting). Every path goes through the independent
//! checker. Prints one JSON line of KPIs; `--out` writes the whole plan (batches, paths,
//! robots) as JSON. `--urgent FILE` (JSON: `{"id", "arrives_s", "due_s", "lines": [{"sku",
//! "quantity"}]}`, the `urgent` field of `POST /v1/picks`) inserts an urgent order into the
//! plan at its arrival, without moving the batches already started, and prints when it is
//! done against waiting for the next wave; `--out` then writes the re-planned day. Exit codes: 0 a checked plan, 1 an invalid scenario, layout or argument,
//! 3 a run failure, 130 Ctrl-C (nothing written).

use anyhow::Context as _;
use clap::ValueEnum;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use stockroute::ids::CentreId;
use stockroute::warehouse::batching::BatchingPolicy;
use stockroute::warehouse::error::WarehouseError;
use stockroute::warehouse::paths::Method;
use stockroute::warehouse::urgent::{self, Urgent, UrgentOrder};
use stockroute::warehouse::{PickConfig, pick_day};
use stockroute::{Interrupted, SolveContext};

/// Batching policies on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BatchingArg {
    /// One order per trip.
    SingleOrder,
    /// First come, first served.
    Fcfs,
    /// Seed and aisle overlap.
    Seed,
    /// Clarke-Wright savings.
    Savings,
}

impl From<BatchingArg> for BatchingPolicy {
    fn from(b: BatchingArg) -> Self {
        match b {
            BatchingArg::SingleOrder => BatchingPolicy::SingleOrder,
            BatchingArg::Fcfs => BatchingPolicy::Fcfs,
            BatchingArg::Seed => BatchingPolicy::Seed,
            BatchingArg::Savings => BatchingPolicy::Savings,
        }
    }
}

/// Pick-path methods on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// Exact on one and two blocks, local search otherwise.
    Auto,
    /// Ratliff-Rosenthal DP (one block).
    Exact,
    /// Roodbergen-de Koster DP (one or two blocks).
    ExactTwoBlock,
    /// Local search on the aisle grid.
    Improved,
    /// The routing stage's VRP search on the grid's distance matrix.
    RoutingSearch,
    /// S-shape.
    SShape,
    /// Return.
    Return,
    /// Midpoint.
    Midpoint,
    /// Largest gap.
    LargestGap,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Auto => Method::Auto,
            MethodArg::Exact => Method::Exact,
            MethodArg::ExactTwoBlock => Method::ExactTwoBlock,
            MethodArg::Improved => Method::Improved,
            MethodArg::RoutingSearch => Method::RoutingSearch,
            MethodArg::SShape => Method::SShape,
            MethodArg::Return => Method::Return,
            MethodArg::Midpoint => Method::Midpoint,
            MethodArg::LargestGap => Method::LargestGap,
        }
    }
}

/// Arguments of `stockroute pick`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario folder.
    scenario: PathBuf,
    /// The centre whose building picks.
    #[arg(long)]
    centre: String,
    /// Batching policy.
    #[arg(long, value_enum, default_value_t = BatchingArg::Savings)]
    batching: BatchingArg,
    /// Pick-path method.
    #[arg(long, value_enum, default_value_t = MethodArg::Auto)]
    method: MethodArg,
    #[command(flatten)]
    slotting: super::slot::SlottingArgs,
    /// Wave length, s.
    #[arg(long, default_value_t = 3600)]
    wave_s: u32,
    /// Worker threads for routing batches.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Time limit in seconds.
    #[arg(long)]
    time_limit_s: Option<f64>,
    /// Write the whole plan as JSON here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// An urgent order (JSON file) to insert into the plan at its arrival.
    #[arg(long)]
    urgent: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let centre = CentreId::new(args.centre.as_str());
    let Some(input) = super::slot::load(&args.scenario, &centre, &args.slotting)? else {
        return Ok(ExitCode::from(super::exit::INPUT));
    };
    let cancel = super::interrupt::cancel_on_ctrl_c()?;
    let mut ctx =
        SolveContext::new(args.slotting.seed).with_cancel(cancel).with_threads(args.threads);
    if let Some(s) = args.time_limit_s {
        ctx = ctx.with_time_limit(super::route::seconds(s));
    }
    let config = PickConfig {
        batching: args.batching.into(),
        method: args.method.into(),
        wave_s: args.wave_s,
    };
    let urgent = match &args.urgent {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let order: UrgentOrder = serde_json::from_str(&text)
                .with_context(|| format!("{}: not an urgent order", path.display()))?;
            Some(order)
        }
        None => None,
    };
    let picked = match pick_day(&input.layout, &input.day, &input.slotting, &config, &ctx) {
        Ok(p) => p,
        Err(WarehouseError::Interrupted(Interrupted::Cancelled)) => {
            return Ok(super::interrupt::interrupted());
        }
        Err(e) => return Err(e).context(format!("picking at {centre}")),
    };
    let mut urgent_summary = serde_json::Value::Null;
    let picked = match &urgent {
        None => picked,
        Some(u) => {
            let order = u.resolve(&input.day).context("the urgent order")?;
            let mut day = input.day.clone();
            day.orders.push(order.clone());
            let index = (day.orders.len() - 1) as u32;
            let which = Urgent { order: index, due_s: u.due_s };
            let replanned = match urgent::insert_urgent(
                &input.layout,
                &day,
                &input.slotting,
                &config,
                &picked,
                which,
                &ctx,
            ) {
                Ok(r) => r,
                Err(WarehouseError::Interrupted(Interrupted::Cancelled)) => {
                    return Ok(super::interrupt::interrupted());
                }
                Err(e) => return Err(e).context("inserting the urgent order"),
            };
            day.orders[index as usize] = urgent::released_next_wave(&order, config.wave_s);
            let (waited, waited_done_ms) =
                urgent::next_wave(&input.layout, &day, &input.slotting, &config, index, &ctx)
                    .context("the next-wave baseline")?;
            let s = |ms: u64| ms as f64 / 1000.0;
            urgent_summary = json!({
                "order": u.id,
                "arrives_s": s(replanned.arrives_ms),
                "done_s": s(replanned.urgent_done_ms),
                "joined": replanned.joined,
                "started_batches": replanned.started.len(),
                "added_travel_m": replanned.added_travel_cm as f64 / 100.0,
                "makespan_s": s(replanned.plan.assignment.makespan_ms),
                "next_wave_done_s": s(waited_done_ms),
                "next_wave_makespan_s": s(waited.assignment.makespan_ms),
            });
            replanned.plan
        }
    };
    if let Some(out) = &args.out {
        let text = serde_json::to_string(&picked)?;
        std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
    }
    let mut summary = json!({
        "centre": centre,
        "orders": input.day.orders.len(),
        "lines": picked.lines,
        "batches": picked.batches.len(),
        "method": picked.method,
        "travel_m": picked.travel_cm as f64 / 100.0,
        "robots": input.layout.spec.robots.count,
        "makespan_s": picked.assignment.makespan_ms as f64 / 1000.0,
        "congested_makespan_s": picked.congestion.makespan_ms as f64 / 1000.0,
        "waits": picked.congestion.waits,
        "wait_s": picked.congestion.wait_ms as f64 / 1000.0,
        "velocity_from": input.velocity_from,
        "checked": true,
        "seconds": started.elapsed().as_secs_f64(),
    });
    if !urgent_summary.is_null() {
        summary["urgent"] = urgent_summary;
    }
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}
