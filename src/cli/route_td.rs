//! `stockroute route FILE.json --format dabia`: the time-dependent VRPTW of a Dabia et al.
//! (2013) file, solved by [`stockroute::routing::td`] on one thread, every route re-simulated
//! by the independent time-dependent checker; `--sol` gets the plan as a `solutions.json`
//! entry (`{"instance_name", "routes": [{"path", "t0", "duration"}], "value"}`).

use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use stockroute::SolveContext;
use stockroute::routing::td::{self, TdConfig};

/// What `route` passes on for a Dabia file (the options that apply to it).
pub struct TdArgs<'a> {
    /// The instance file.
    pub file: &'a PathBuf,
    /// The time limit, counted from `started`.
    pub limit: Duration,
    /// Seed of the search.
    pub seed: u64,
    /// Stop after this many iterations.
    pub max_iterations: Option<u64>,
    /// Where to write the solution.
    pub sol: Option<&'a PathBuf>,
}

/// Runs `route` on a Dabia file.
pub fn run(args: &TdArgs<'_>, started: Instant) -> anyhow::Result<ExitCode> {
    let file = td::dabia::read(args.file)?;
    let instance = file.instance()?;
    let limit = args.limit;
    let ctx = SolveContext::new(args.seed)
        .with_time_limit(limit.saturating_sub(started.elapsed()))
        .with_cancel(super::interrupt::cancel_on_ctrl_c()?);
    let config = TdConfig { max_iterations: args.max_iterations, ..TdConfig::default() };
    let (solution, stats) = td::solve(&instance, &config, &ctx);
    let verdict = td::check(&file, &solution);
    if let Some(path) = args.sol {
        let text = serde_json::to_string_pretty(&solution)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let summary = serde_json::json!({
        "instance": instance.name,
        "value": solution.value,
        "routes": solution.routes.len(),
        "late_arrivals": verdict.late_arrivals,
        "seconds": started.elapsed().as_secs_f64(),
        "iterations": stats.iterations,
        "feasible": verdict.is_ok(),
    });
    println!("{summary}");
    if ctx.cancel_token().is_cancelled() {
        return Ok(super::interrupt::interrupted());
    }
    if !verdict.is_ok() {
        let first: Vec<_> = verdict.violations.iter().take(5).collect();
        eprintln!("checker: {} late arrivals, violations: {first:?}", verdict.late_arrivals);
        return Ok(ExitCode::from(super::exit::RUN_FAILURE));
    }
    Ok(ExitCode::SUCCESS)
}
