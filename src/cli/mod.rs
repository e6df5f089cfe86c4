//! Command-line interface: one file per subcommand.
//!
//! `anyhow` is allowed here (and only here and in `main.rs`): the CLI reports errors to a
//! person, the library returns typed errors.

pub mod forecast;
pub mod runs;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// stockroute: forecast demand, place stock, route the last mile.
#[derive(Debug, Parser)]
#[command(name = "stockroute", version, about, long_about = None)]
struct Cli {
    /// Log filter (e.g. `info`, `stockroute=debug`); `RUST_LOG` works too.
    #[arg(long, global = true, default_value = "warn")]
    log: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Forecast demand per (sku, zone), store the run, print its id.
    Forecast(forecast::Args),
    /// List the forecast runs in a store.
    Runs(runs::Args),
}

/// Parses the command line, runs the subcommand and turns its outcome into an exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.log);
    let outcome: anyhow::Result<ExitCode> = match cli.command {
        Command::Forecast(args) => forecast::run(args),
        Command::Runs(args) => runs::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(default_filter: &str) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}
