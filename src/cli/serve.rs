//! `stockroute serve`: the HTTP API on one address until Ctrl-C or SIGTERM.
//!
//! ```text
//! stockroute serve [--addr 127.0.0.1:8080] [--store stockroute.sqlite] [--scenario DIR]
//!                  [--max-body-bytes N] [--max-stops N] [--queue N] [--workers N] [--lease-s S]
//!                  [--max-connections N] [--header-read-timeout-s S]
//!                  [--body-read-timeout-s S] [--idle-timeout-s S]
//! ```
//!
//! Logs go to stderr (`--log info` shows one line per request); the first line on stdout is
//! `listening on ADDR` once the socket is bound, so scripts (and `--addr 127.0.0.1:0`) can
//! read the port. Exit 0 after a clean shutdown: connections drained, jobs recorded.

use anyhow::Context;
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use stockroute::api::{self, ServiceConfig};

/// Arguments of `stockroute serve`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Store of forecast runs and jobs (SQLite file, created if missing, or a postgres://
    /// URL shared with other instances).
    #[arg(long, default_value = "stockroute.sqlite")]
    store: PathBuf,
    /// Scenario folder to load: history for forecasts, network for placements, roads for
    /// `POST /v1/routes?roads=true`.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Routing experiment spec (TOML) to run in shadow mode on `POST /v1/routes`: the
    /// challenger solves each request in the background, answers stay the champion's.
    #[arg(long)]
    shadow: Option<PathBuf>,
    /// Largest request body, in bytes (413 beyond).
    #[arg(long, default_value_t = ServiceConfig::default().max_body_bytes)]
    max_body_bytes: usize,
    /// Most stops in one routing problem (422 beyond).
    #[arg(long, default_value_t = ServiceConfig::default().max_stops)]
    max_stops: usize,
    /// Largest `time_limit_s` of a routing request, in seconds (422 beyond).
    #[arg(long, default_value_t = ServiceConfig::default().max_time_limit_s)]
    max_time_limit_s: f64,
    /// Largest body of a routing job (`POST /v1/routes/jobs`), in bytes (413 beyond).
    #[arg(long, default_value_t = ServiceConfig::default().max_job_body_bytes)]
    max_job_body_bytes: usize,
    /// Most stops in one routing job (`POST /v1/routes/jobs`; 422 beyond).
    #[arg(long, default_value_t = ServiceConfig::default().max_job_stops)]
    max_job_stops: usize,
    /// Largest `time_limit_s` of a routing job, in seconds (422 beyond; the job deadline
    /// bounds it too).
    #[arg(long, default_value_t = ServiceConfig::default().max_job_time_limit_s)]
    max_job_time_limit_s: f64,
    /// Jobs that may wait for a worker (503 beyond).
    #[arg(long, default_value_t = ServiceConfig::default().queue)]
    queue: usize,
    /// Job worker threads (0: only queue jobs and answer; `stockroute worker`s on the same
    /// PostgreSQL store run them).
    #[arg(long, default_value_t = ServiceConfig::default().workers)]
    workers: usize,
    /// Seconds a running job's lease lasts unless renewed (how long a dead worker's job
    /// waits before it is retried).
    #[arg(long, default_value_t = ServiceConfig::default().lease_s)]
    lease_s: f64,
    /// Routing solves at once (default: the number of cores).
    #[arg(long)]
    solve_slots: Option<usize>,
    /// Threads each job may use (default: all cores but one).
    #[arg(long)]
    threads_per_job: Option<usize>,
    /// At shutdown, seconds running jobs may take to finish before they are cancelled.
    #[arg(long, default_value_t = ServiceConfig::default().shutdown_grace_s)]
    shutdown_grace_s: f64,
    /// Most open connections; at the cap the oldest idle or slow one is closed.
    #[arg(long, default_value_t = ServiceConfig::default().max_connections)]
    max_connections: usize,
    /// Seconds a client has to send a request head.
    #[arg(long, default_value_t = ServiceConfig::default().header_read_timeout_s)]
    header_read_timeout_s: f64,
    /// Seconds a client has to send a request body.
    #[arg(long, default_value_t = ServiceConfig::default().body_read_timeout_s)]
    body_read_timeout_s: f64,
    /// Seconds a keep-alive connection may stay idle.
    #[arg(long, default_value_t = ServiceConfig::default().idle_timeout_s)]
    idle_timeout_s: f64,
    /// Seconds a job may run before it is stopped (forecasts, placements, plans, experiments).
    #[arg(long, default_value_t = ServiceConfig::default().job_deadline_s)]
    job_deadline_s: f64,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut config = ServiceConfig::new(args.store)
        .with_max_body_bytes(args.max_body_bytes)
        .with_max_stops(args.max_stops)
        .with_queue(args.queue)
        .with_workers(args.workers)
        .with_shutdown_grace_s(args.shutdown_grace_s);
    config.max_time_limit_s = args.max_time_limit_s;
    config.max_job_stops = args.max_job_stops;
    config.max_job_body_bytes = args.max_job_body_bytes;
    config.max_job_locations = config.max_job_locations.max(args.max_job_stops);
    config.max_job_time_limit_s = args.max_job_time_limit_s;
    config.max_connections = args.max_connections.max(1);
    config.header_read_timeout_s = args.header_read_timeout_s;
    config.body_read_timeout_s = args.body_read_timeout_s;
    config.idle_timeout_s = args.idle_timeout_s;
    config.job_deadline_s = args.job_deadline_s;
    config.lease_s = args.lease_s;
    if let Some(threads) = args.threads_per_job {
        config.threads_per_job = threads.max(1);
    }
    if let Some(slots) = args.solve_slots {
        config.solve_slots = slots.max(1);
    }
    if let Some(spec) = args.shadow {
        config = config.with_shadow(spec);
    }
    if let Some(folder) = args.scenario {
        config = config.with_scenario(folder);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        println!("listening on {addr}");
        std::io::stdout().flush().ok();
        api::serve(listener, config, api::shutdown_signal()).await.context("serving")?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
