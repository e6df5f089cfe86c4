//! `stockroute worker`: runs the jobs queued in a shared store until Ctrl-C or SIGTERM.
//!
//! ```text
//! stockroute worker --store postgres://... [--concurrency N] [--scenario DIR]
//!                   [--lease-s S] [--shutdown-grace-s S] [--job-deadline-s S]
//! ```
//!
//! A worker is the service without its HTTP side: the same state (store, scenario, limits)
//! and the same job runner as `stockroute serve` (`api::jobs`), so it runs every kind of
//! job a server queues (forecasts, placements, plans, route jobs, experiments), rebuilt
//! from the stored request. Plans and placements need the scenario the servers were
//! started with (`--scenario`). Any number of workers and servers may share one
//! PostgreSQL store: each job is claimed by one of them under a lease (see
//! `store::queue`). On a signal it stops claiming, gives its running jobs
//! `--shutdown-grace-s` to finish, and gives the rest back to the queue for the other
//! workers. Logs go to stderr (`--log info` shows each job's start and end).

use anyhow::Context;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use stockroute::api::{AppState, ServiceConfig};

/// Arguments of `stockroute worker`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Store whose queued jobs to run (a postgres:// URL shared with the servers; an
    /// SQLite file has one owning process, so a worker on one refuses while a server owns it).
    #[arg(long)]
    store: PathBuf,
    /// Jobs run at once (one thread each).
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Scenario folder the servers loaded (plans and placements run on it).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Threads each job may use (default: all cores but one).
    #[arg(long)]
    threads_per_job: Option<usize>,
    /// Seconds a job's lease lasts unless renewed: how long a dead worker's job waits
    /// before it is retried.
    #[arg(long, default_value_t = ServiceConfig::default().lease_s)]
    lease_s: f64,
    /// At shutdown, seconds running jobs may take to finish before they are given back.
    #[arg(long, default_value_t = ServiceConfig::default().shutdown_grace_s)]
    shutdown_grace_s: f64,
    /// Seconds a job may run before it is stopped.
    #[arg(long, default_value_t = ServiceConfig::default().job_deadline_s)]
    job_deadline_s: f64,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.concurrency >= 1, "--concurrency must be at least 1");
    let mut config = ServiceConfig::new(args.store)
        .with_workers(args.concurrency)
        .with_shutdown_grace_s(args.shutdown_grace_s);
    config.lease_s = args.lease_s;
    config.job_deadline_s = args.job_deadline_s;
    if let Some(threads) = args.threads_per_job {
        config.threads_per_job = threads.max(1);
    }
    if let Some(folder) = args.scenario {
        config = config.with_scenario(folder);
    }
    let grace = config.shutdown_grace();
    let concurrency = config.workers;
    let state = AppState::new(config).context("starting the worker")?;
    tracing::info!(concurrency, "worker started");
    // Only the signal needs the async runtime; the jobs run on the runner's own threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(stockroute::api::shutdown_signal());
    state.shutdown_jobs(grace);
    tracing::info!("worker stopped");
    Ok(ExitCode::SUCCESS)
}
