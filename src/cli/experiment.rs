//! `stockroute experiment <SPEC.toml>`: run a champion-vs-challenger experiment.
//!
//! ```text
//! stockroute experiment <SPEC.toml> [--store stockroute.sqlite] [--no-store] [--out DIR]
//!                       [--threads N]
//! ```
//!
//! Runs both arms on the spec's fixed sample of units with a progress bar, records the
//! experiment (spec, every unit, verdict) in the store, prints the metrics table and the
//! decision, and writes `report.html` (table + SVG chart of per-unit differences) and
//! `outcome.json` into `--out`. Exit codes: 0 the experiment ran (whatever the decision),
//! 1 an invalid spec, 2 other errors, 130 Ctrl-C (the stored experiment is marked aborted).

use anyhow::Context;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use stockroute::SolveContext;
use stockroute::experiment::{self, ExperimentError, ExperimentStore, Spec};
use stockroute::report::experiment as report;
use stockroute::store;

/// Run an experiment spec.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The experiment spec (TOML); relative data paths are read from the spec's folder.
    spec: PathBuf,
    /// The store that records the experiment (SQLite file, created if missing, or a
    /// postgres:// URL).
    #[arg(long, default_value = "stockroute.sqlite")]
    store: PathBuf,
    /// Do not record the experiment.
    #[arg(long)]
    no_store: bool,
    /// Folder for report.html and outcome.json.
    #[arg(long, default_value = "experiment")]
    out: PathBuf,
    /// Worker threads for forecasts (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let spec = match Spec::from_file(&args.spec).and_then(|s| s.validate().map(|()| s)) {
        Ok(spec) => spec,
        Err(err @ (ExperimentError::SpecSyntax(_) | ExperimentError::InvalidSpec(_))) => {
            eprintln!("{}: {err}", args.spec.display());
            return Ok(ExitCode::from(super::exit::INPUT));
        }
        Err(other) => return Err(other).context(format!("reading {}", args.spec.display())),
    };
    let store = if args.no_store {
        None
    } else {
        Some(
            store::open(&args.store)
                .with_context(|| format!("opening store {}", store::describe(&args.store)))?,
        )
    };
    let bar = Arc::new(super::forecast::Bar::new());
    let threads =
        args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let ctx = SolveContext::new(spec.seed)
        .with_threads(threads)
        .with_cancel(super::interrupt::cancel_on_ctrl_c()?)
        .with_progress(bar.clone());
    let outcome = experiment::run(&spec, store.as_ref().map(|s| s as &dyn ExperimentStore), &ctx);
    bar.finish();
    // A cancel surfaces as the error of whichever stage it stopped.
    if outcome.is_err() && ctx.cancel_token().is_cancelled() {
        return Ok(super::interrupt::interrupted());
    }
    let outcome = outcome?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let html = args.out.join("report.html");
    std::fs::write(&html, report::html(&outcome))
        .with_context(|| format!("writing {}", html.display()))?;
    let json = args.out.join("outcome.json");
    std::fs::write(&json, serde_json::to_string_pretty(&outcome)?)
        .with_context(|| format!("writing {}", json.display()))?;
    println!(
        "experiment {} ({} units, {:?}): {} vs {}",
        spec.name,
        outcome.units.len(),
        spec.stage,
        spec.champion.label,
        spec.challenger.label
    );
    print!("{}", report::table(&outcome));
    println!(
        "decision: {} (min effect {} on {}, {:.0} % interval)",
        outcome.decision().name(),
        spec.decision.min_effect,
        spec.metric.name(),
        spec.decision.confidence * 100.0
    );
    if let Some(id) = &outcome.experiment {
        println!("stored as {id} in {}", store::describe(&args.store));
    }
    println!("report: {} ({:.1} s)", html.display(), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
