//! Command-line interface: one file per subcommand.
//!
//! `anyhow` is allowed here (and only here and in `main.rs`): the CLI reports errors to a
//! person, the library returns typed errors.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod bench;
mod dispatch;
mod dispatch_protocol;
mod exit;
mod experiment;
mod forecast;
mod generate;
mod interrupt;
mod pick;
mod place;
mod plan;
mod reoptimise;
mod roads;
mod route;
mod route_td;
mod route_vroom;
mod runs;
mod serve;
mod slot;
mod validate;
mod worker;

/// stockroute: forecast demand, place stock, route the last mile.
#[derive(Debug, Parser)]
#[command(name = "stockroute", version, about, long_about = None, after_help = exit::HELP)]
struct Cli {
    /// Log filter (e.g. `info`, `stockroute=debug`); `RUST_LOG` works too.
    #[arg(long, global = true, default_value = "warn")]
    log: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a scenario folder and list every problem (exit 1 on errors).
    Validate(validate::Args),
    /// Write a seeded synthetic scenario folder.
    Generate(generate::Args),
    /// Solve a vehicle routing instance (VRPLIB, Solomon or JSON).
    Route(route::Args),
    /// Re-optimise a plan under way with new orders (served and committed stops stay); write its next version.
    Reoptimise(reoptimise::Args),
    /// Play a dynamic episode (EURO-NeurIPS 2022 rules) with a dispatch policy, or replay a solution.
    Dispatch(dispatch::Args),
    /// Benchmarks: `bench routing <DIR>` (gaps to best-known), `bench placement` (LP sizes, times).
    Bench(bench::Args),
    /// Load an OSM extract, snap random points and time a travel matrix.
    Roads(roads::Args),
    /// Forecast demand per (sku, zone), store the run, print its id.
    Forecast(forecast::Args),
    /// List the forecast runs in a store.
    Runs(runs::Args),
    /// Place stock for a scenario from a stored forecast run; write the plan, print KPIs.
    Place(place::Args),
    /// Run the whole pipeline on a scenario (forecast, placement, routing); write the plan and report.html.
    Plan(plan::Args),
    /// Serve the HTTP API (routes, forecasts, placements, jobs, /healthz, /metrics).
    Serve(serve::Args),
    /// Run the jobs queued in a shared store (PostgreSQL) until Ctrl-C or SIGTERM.
    Worker(worker::Args),
    /// Run a champion-vs-challenger experiment spec; record it, print the decision, write a report.
    Experiment(experiment::Args),
    /// Batch, route (checked pick paths) and assign to robots one centre's orders.
    Pick(pick::Args),
    /// Slot one centre's SKUs by forecast velocity (or propose re-slotting swaps).
    Slot(slot::Args),
}

/// Parses the command line, runs the subcommand and turns its outcome into an exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.log);
    let outcome: anyhow::Result<ExitCode> = match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Route(args) => route::run(args),
        Command::Reoptimise(args) => reoptimise::run(args),
        Command::Dispatch(args) => dispatch::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Roads(args) => roads::run(args),
        Command::Forecast(args) => forecast::run(args),
        Command::Runs(args) => runs::run(args),
        Command::Place(args) => place::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Worker(args) => worker::run(args),
        Command::Experiment(args) => experiment::run(args),
        Command::Pick(args) => pick::run(args),
        Command::Slot(args) => slot::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", exit::text_of(&err));
            exit::code_of(&err)
        }
    }
}

/// Logs go to stderr, coloured only when stderr is a terminal and `NO_COLOR` is unset: a
/// log file or a pipe gets plain text, not ANSI escapes (issue 19).
fn init_tracing(default_filter: &str) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
}

/// Loads a scenario folder for a command that needs a valid one. An invalid scenario prints
/// its report (errors in full, 5 warnings per code) on stderr and gives `Ok(Err(1))`: the
/// command's exit code, with nothing done. Other failures (I/O) are errors.
fn load_scenario(
    folder: &std::path::Path,
) -> anyhow::Result<Result<stockroute::scenario::Scenario, ExitCode>> {
    use anyhow::Context as _;
    match stockroute::scenario::load(folder) {
        Ok((scn, _)) => Ok(Ok(scn)),
        Err(stockroute::scenario::ScenarioError::Invalid(report)) => {
            eprint!("{}", report.to_text(&folder.display().to_string(), Some(5)));
            Ok(Err(ExitCode::from(exit::INPUT)))
        }
        Err(other) => Err(other).context(format!("loading {}", folder.display())),
    }
}
