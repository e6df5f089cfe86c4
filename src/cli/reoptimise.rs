//! `stockroute reoptimise STATE.json --orders NEW.json --out NEXT.json`: re-plan a day
//! under way with the orders that arrived, keeping served and committed stops; write the
//! next version of the state and print a JSON summary of what changed.
//!
//! The files' shapes are those of [`stockroute::replan::state`]; a bad file is refused with
//! every broken rule at its JSON path (exit 1). The whole day is checked by the routing
//! checker before anything is written.

use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use stockroute::SolveContext;
use stockroute::replan::{self, NewOrders, ReoptimiseOptions, ReplanError};

/// Re-optimise a plan under way.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The state (`PlanState` JSON).
    pub state: PathBuf,
    /// New orders (`NewOrders` JSON; default: none, the planned stops are re-planned).
    #[arg(long)]
    pub orders: Option<PathBuf>,
    /// Cost of each planned stop moved to another vehicle, re-sequenced or dropped (the
    /// problem's cost unit; 0 lets plans change freely).
    #[arg(long, default_value_t = 0.0)]
    pub churn_penalty: f64,
    /// Time limit in seconds, counted from the start of the command.
    #[arg(long, default_value_t = 1.0)]
    pub time_limit_s: f64,
    /// Seed of the search (default: the state problem's `seed`, else 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Stop the search after this many iterations (reproducible runs).
    #[arg(long)]
    pub max_iterations: Option<u64>,
    /// Solver settings as TOML (fields of `SolverConfig`).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where to write the next version of the state.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
    };
    let in_file =
        |p: &PathBuf, e: ReplanError| anyhow::Error::new(e).context(p.display().to_string());
    let state =
        replan::state::parse_state(&read(&args.state)?).map_err(|e| in_file(&args.state, e))?;
    let orders = match &args.orders {
        Some(p) => replan::state::parse_orders(&read(p)?).map_err(|e| in_file(p, e))?,
        None => NewOrders::default(),
    };
    let base = super::route::solver_config(args.config.as_deref())?;
    let solver = stockroute::routing::SolverConfig {
        max_iterations: args
            .max_iterations
            .or(state.problem.max_iterations)
            .or(base.max_iterations),
        ..base
    };
    let seed = args.seed.or(state.problem.seed).unwrap_or(0);
    let limit = super::route::seconds(args.time_limit_s);
    let ctx = SolveContext::new(seed)
        .with_time_limit(limit.saturating_sub(started.elapsed()))
        .with_cancel(super::interrupt::cancel_on_ctrl_c()?);
    let options = ReoptimiseOptions { churn_penalty: args.churn_penalty, solver };
    let answer =
        replan::reoptimise(state, orders, &options, &ctx).map_err(|e| in_file(&args.state, e))?;
    let text = serde_json::to_string_pretty(&answer.state)?;
    std::fs::write(&args.out, text).with_context(|| format!("writing {}", args.out.display()))?;
    println!("{}", serde_json::to_string(&answer.summary)?);
    Ok(ExitCode::SUCCESS)
}
