//! `stockroute runs`: list the forecast runs of a store.

use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use stockroute::store::{self, ForecastStore};

/// Arguments of `stockroute runs`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Forecast store (SQLite file, or a postgres:// URL).
    #[arg(long, default_value = "stockroute.sqlite")]
    store: PathBuf,
}

/// Prints one line per run, newest first: id, created, frequency, horizon, rows, source.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if store::postgres_url(&args.store).is_none() && !args.store.exists() {
        anyhow::bail!("no store at {} (run `stockroute forecast` first)", args.store.display());
    }
    let store = store::open(&args.store)?;
    println!("id\tcreated\tfrequency\thorizon\trows\tdata\tsource");
    for r in store.list_runs()? {
        println!(
            "{}\t{}\t{:?}\t{}\t{}\t{}\t{}",
            r.id,
            r.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            r.run.frequency,
            r.run.horizon,
            r.row_count,
            r.run.data_fingerprint,
            r.run.source
        );
    }
    Ok(ExitCode::SUCCESS)
}
