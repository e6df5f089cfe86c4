//! `stockroute bench placement`: build a seeded synthetic placement LP, solve it, print one
//! JSON line with sizes, build and solve times and the objective.
//!
//! `--write-mps FILE` also writes the same model, so `scripts/highs_mps.py FILE` (HiGHS) or
//! `clp FILE` can solve it alone and the times can be compared in the same run.

use anyhow::Context;
use clap::ValueEnum;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use stockroute::SolveContext;
use stockroute::placement::{self, PlacementModel, synth::SynthSpec};

/// How the LP is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// One LP with every SKU, through good_lp.
    Monolithic,
    /// Price coordination over the capacity rows (column generation with a lower bound).
    Decomposed,
}

/// Arguments of `bench placement`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of SKUs.
    #[arg(long, default_value_t = 1000)]
    skus: usize,
    /// Number of fulfilment centres.
    #[arg(long, default_value_t = 10)]
    centres: usize,
    /// Number of zones.
    #[arg(long, default_value_t = 25)]
    zones: usize,
    /// Candidate centres per zone.
    #[arg(long, default_value_t = 3)]
    k: usize,
    /// Share of (SKU, zone) pairs with demand.
    #[arg(long, default_value_t = 1.0)]
    density: f64,
    /// Seed of the synthetic network.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write the model as free MPS to this file.
    #[arg(long)]
    write_mps: Option<PathBuf>,
    /// Solve method.
    #[arg(long, value_enum, default_value_t = Method::Monolithic)]
    method: Method,
    /// Solve time limit in seconds.
    #[arg(long)]
    time_limit_s: Option<f64>,
    /// Relative gap at which the decomposed method stops.
    #[arg(long, default_value_t = placement::DEFAULT_DECOMPOSED_GAP)]
    gap: f64,
    /// Worker threads for the decomposed method's pricing (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Skip the solve (only build, and write the MPS if asked).
    #[arg(long)]
    no_solve: bool,
    /// Re-verify the plan with `placement::check` and report the result.
    #[arg(long)]
    check: bool,
}

/// Runs the benchmark and prints its JSON line.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SynthSpec {
        skus: args.skus,
        centres: args.centres,
        zones: args.zones,
        seed: args.seed,
        density: args.density,
        k_nearest: args.k,
    };
    let input = placement::synth::network(&spec);
    let started = Instant::now();
    let model = PlacementModel::new(&input)?;
    let matrix_s = started.elapsed().as_secs_f64();
    if let Some(path) = &args.write_mps {
        model.write_mps(path).with_context(|| format!("writing {}", path.display()))?;
    }
    let mut line = json!({
        "bench": "placement",
        "method": format!("{:?}", args.method).to_lowercase(),
        "backend": placement::BACKEND,
        "skus": args.skus, "centres": args.centres, "zones": args.zones, "k": args.k,
        "seed": args.seed,
        "gap": (args.method == Method::Decomposed).then_some(args.gap),
        "variables": model.variables(),
        "constraints": model.constraints(),
    });
    if !args.no_solve {
        let threads = args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let mut ctx = SolveContext::new(args.seed).with_threads(threads);
        if let Some(limit) = args.time_limit_s {
            ctx = ctx.with_time_limit(Duration::from_secs_f64(limit));
        }
        let cpu0 = process_cpu_s();
        let result = match args.method {
            Method::Monolithic => model.solve(&ctx)?,
            Method::Decomposed => model.solve_decomposed(args.gap, &ctx)?,
        };
        // CPU seconds of the whole solve call (good_lp build, solver, plan extraction,
        // check): comparable with a solver alone when other work shares the machine.
        if let (Some(a), Some(b)) = (cpu0, process_cpu_s()) {
            line["solve_call_cpu_s"] = json!(b - a);
        }
        line["build_s"] = json!(matrix_s + result.stats.backend_build_s);
        line["solve_s"] = json!(result.stats.solver_s);
        line["objective"] = json!(result.objective);
        line["iterations"] = json!(result.stats.iterations);
        line["price_resolve_s"] = json!(result.stats.price_resolve_s);
        line["shadow_prices"] = json!(result.kpis.shadow_prices);
        if let Some(bound) = result.lower_bound {
            line["lower_bound"] = json!(bound);
        }
        line["fill_rate"] = json!(result.kpis.expected_fill_rate);
        line["within_promise_share"] = json!(result.kpis.within_promise_share);
        if args.check {
            let verdict = placement::check(&input, &result.plan, 1e-6)?;
            line["check_feasible"] = json!(verdict.is_feasible());
            line["check_objective"] = json!(verdict.cost.total);
        }
    } else {
        line["build_s"] = json!(matrix_s);
    }
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

/// User + system CPU seconds of this process so far (Linux `/proc`; `None` elsewhere).
fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
