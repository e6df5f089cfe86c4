//! The service's limits and resources, set from `stockroute serve`'s flags or in code.
//!
//! Every limit a client can run into is here, with a default sized for the 2-core machines
//! this runs on: a request is refused with a clear 4xx/503 before it can take the server
//! down (a huge body, a 100,000-stop problem, an hour-long time limit, an unbounded queue).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// Configuration of [`super::serve`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    /// The store of forecast runs and jobs: an SQLite file (created if missing) or a
    /// `postgres://` URL (see `store::open`).
    pub store: PathBuf,
    /// A scenario folder to load at start: its history feeds `POST /v1/forecasts` without
    /// inline history, its network `POST /v1/placements`, its road extract road-snapped
    /// routing.
    pub scenario: Option<PathBuf>,
    /// Largest request body.
    ///
    /// # Units
    /// Bytes.
    pub max_body_bytes: usize,
    /// Most stops in one `POST /v1/routes` problem.
    pub max_stops: usize,
    /// Most locations (coordinates or matrix rows) in one `POST /v1/routes` problem,
    /// checked before any matrix is built: the matrices grow with the square of it
    /// (about 40 bytes per pair on the road path), and locations need not be stops.
    pub max_locations: usize,
    /// Largest `time_limit_s` of a synchronous routing request.
    ///
    /// # Units
    /// Seconds.
    pub max_time_limit_s: f64,
    /// `time_limit_s` of a routing request that gives none.
    ///
    /// # Units
    /// Seconds.
    pub default_time_limit_s: f64,
    /// Largest body of `POST /v1/routes/jobs` (a 50,000-stop day with time windows is about
    /// 6 MB of JSON). Queued jobs hold their problems, so memory grows with
    /// `queue x max_job_body_bytes` (a parsed problem takes a few times its JSON).
    ///
    /// # Units
    /// Bytes.
    pub max_job_body_bytes: usize,
    /// Most stops in one `POST /v1/routes/jobs` problem: city-scale days are solved as jobs,
    /// with neighbour lists and no n x n matrix (planar) or the road oracle (roads).
    pub max_job_stops: usize,
    /// Most locations in one `POST /v1/routes/jobs` problem (a dense matrix is only built up
    /// to the solver's dense size; above it the memory is O(n k), checked before allocating).
    pub max_job_locations: usize,
    /// Largest `time_limit_s` of a routing job (also bounded by `job_deadline_s`).
    ///
    /// # Units
    /// Seconds.
    pub max_job_time_limit_s: f64,
    /// `time_limit_s` of a routing job that gives none.
    ///
    /// # Units
    /// Seconds.
    pub default_job_time_limit_s: f64,
    /// Jobs that may wait for a worker; beyond that, submissions get 503.
    pub queue: usize,
    /// Job worker threads (jobs run one per worker, off the async runtime).
    pub workers: usize,
    /// Synchronous routing solves that may run at once (each on a blocking thread).
    pub solve_slots: usize,
    /// Synchronous routing requests that may wait for a slot; beyond that, 503.
    pub solve_queue: usize,
    /// Threads each job's solver may use (default: all cores but one, so a long job leaves
    /// a core for the request path and `/healthz`).
    pub threads_per_job: usize,
    /// At shutdown, how long running jobs may take to finish before they are cancelled.
    ///
    /// # Units
    /// Seconds.
    pub shutdown_grace_s: f64,
    /// A routing experiment spec to run in shadow mode on `POST /v1/routes` (see
    /// [`crate::api::shadow`]); relative data paths resolve against its folder.
    pub shadow: Option<PathBuf>,
    /// Most open connections; at the cap the oldest one without a request in flight is
    /// closed to make room (see [`crate::api::conn`]).
    pub max_connections: usize,
    /// Time a client has to send a whole request head (then the connection is closed).
    ///
    /// # Units
    /// Seconds.
    pub header_read_timeout_s: f64,
    /// Time a client has to send a request body; beyond it the request gets a 4xx.
    ///
    /// # Units
    /// Seconds.
    pub body_read_timeout_s: f64,
    /// A keep-alive connection with no request and no byte for this long is closed.
    ///
    /// # Units
    /// Seconds.
    pub idle_timeout_s: f64,
    /// Longest a job may run: its solvers stop at this deadline, and a job that does not
    /// return [`super::jobs::ABANDON_AFTER`] later is left behind so that its worker takes
    /// the next job. Also the most work an experiment spec may plan (units x arms x
    /// `time_limit_s`; 422 beyond).
    ///
    /// # Units
    /// Seconds.
    pub job_deadline_s: f64,
    /// How long a worker's hold on a running job lasts unless its heartbeat renews it
    /// (every third of it, at most every second): the longest a dead worker's job waits
    /// before another worker retries it (`store::queue`; clamped to 0.2 s - 1 h).
    ///
    /// # Units
    /// Seconds.
    pub lease_s: f64,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            store: PathBuf::from("stockroute.sqlite"),
            scenario: None,
            max_body_bytes: 4 * 1024 * 1024,
            max_stops: 1000,
            // 2,000² pairs x ~40 bytes: ~160 MB at most for one request's matrices.
            max_locations: 2000,
            max_time_limit_s: 30.0,
            default_time_limit_s: 1.0,
            // A 50,000-stop day: about 0.3 GB of neighbour lists and search state at 30,000
            // (docs/benchmarks.md, the Columbus day), well within a 2 GB server.
            max_job_body_bytes: 16 * 1024 * 1024,
            max_job_stops: 50_000,
            max_job_locations: 60_000,
            max_job_time_limit_s: 1800.0,
            default_job_time_limit_s: 60.0,
            queue: 16,
            workers: 1,
            solve_slots: cores,
            solve_queue: 256,
            threads_per_job: cores.saturating_sub(1).max(1),
            shutdown_grace_s: 10.0,
            shadow: None,
            // Well under the usual 1,024 descriptors per process, leaving room for the
            // store, the scenario files and the job workers.
            max_connections: 512,
            header_read_timeout_s: 10.0,
            body_read_timeout_s: 30.0,
            idle_timeout_s: 60.0,
            job_deadline_s: 3600.0,
            lease_s: 30.0,
        }
    }
}

impl ServiceConfig {
    /// Runs the routing experiment spec at `spec` in shadow mode.
    pub fn with_shadow(mut self, spec: impl Into<PathBuf>) -> Self {
        self.shadow = Some(spec.into());
        self
    }

    /// The defaults with the store at `store`.
    pub fn new(store: impl Into<PathBuf>) -> Self {
        Self { store: store.into(), ..Self::default() }
    }

    /// Loads a scenario folder at start.
    pub fn with_scenario(mut self, folder: impl Into<PathBuf>) -> Self {
        self.scenario = Some(folder.into());
        self
    }

    /// Sets the largest request body, in bytes.
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Sets the largest body of a routing job, in bytes.
    pub fn with_max_job_body_bytes(mut self, bytes: usize) -> Self {
        self.max_job_body_bytes = bytes;
        self
    }

    /// Sets the most stops per routing problem.
    pub fn with_max_stops(mut self, stops: usize) -> Self {
        self.max_stops = stops;
        self
    }

    /// Sets the most locations per routing problem.
    pub fn with_max_locations(mut self, locations: usize) -> Self {
        self.max_locations = locations;
        self
    }

    /// Sets how many jobs may wait (at least 1).
    pub fn with_queue(mut self, jobs: usize) -> Self {
        self.queue = jobs.max(1);
        self
    }

    /// Sets the number of job workers (0: the process only queues jobs and answers; the
    /// workers of other processes on a shared store run them).
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// Sets the shutdown grace period, in seconds.
    pub fn with_shutdown_grace_s(mut self, seconds: f64) -> Self {
        self.shutdown_grace_s = seconds;
        self
    }

    /// The limits of the connection layer; every timeout at least 10 ms.
    pub(crate) fn conn_limits(&self) -> super::conn::ConnLimits {
        let at_least = |s: f64| seconds(s).max(Duration::from_millis(10));
        super::conn::ConnLimits {
            max_connections: self.max_connections.max(1),
            header_read_timeout: at_least(self.header_read_timeout_s),
            idle_timeout: at_least(self.idle_timeout_s),
            drain_timeout: at_least(self.max_time_limit_s + self.shutdown_grace_s + 5.0),
        }
    }

    /// How long a request body may take to arrive (at least 10 ms).
    pub(crate) fn body_read_timeout(&self) -> Duration {
        seconds(self.body_read_timeout_s).max(Duration::from_millis(10))
    }

    /// The deadline of every job (at least 10 ms).
    pub fn job_deadline(&self) -> Duration {
        seconds(self.job_deadline_s).max(Duration::from_millis(10))
    }

    /// The lease of a running job (see [`ServiceConfig::lease_s`]).
    pub fn lease(&self) -> Duration {
        seconds(self.lease_s).clamp(crate::store::queue::MIN_LEASE, crate::store::queue::MAX_LEASE)
    }

    /// The shutdown grace period (negative or NaN is zero).
    pub fn shutdown_grace(&self) -> Duration {
        seconds(self.shutdown_grace_s)
    }
}

/// A duration from seconds: negative or NaN is zero, capped at 10^9 s.
pub(crate) fn seconds(s: f64) -> Duration {
    if s > 0.0 { Duration::from_secs_f64(s.min(1e9)) } else { Duration::ZERO }
}
