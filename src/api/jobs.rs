//! The job runner: worker threads that claim jobs from the store, run them under a lease,
//! and keep the live state (cancel token, progress) of the jobs this process holds.
//!
//! # The store is the queue
//! A submission only writes the job (queued) to the store; any process on the store may
//! run it: this one's workers, another `serve`'s, or a `stockroute worker`'s
//! ([`crate::store::queue`]). A worker claims the oldest queued job under a lease, rebuilds
//! its work from the stored kind and request (the [`Prepare`] function: the same code path
//! whichever process submitted the job), renews the lease with a heartbeat every
//! [`Jobs::beat_every`] (which also stores the progress, so every server shows it, and
//! reads a cancel asked on any server), and writes the end and the result in one write
//! guarded by its lease. A worker that died is replaced by whoever claims its job after the
//! lease ran out; one whose lease was taken over writes nothing.
//!
//! # Why plain threads
//! A job is seconds to minutes of CPU (a forecast, an LP): it must never run on the async
//! executor, and the number running at once must be fixed so a burst of submissions cannot
//! oversubscribe the cores. Workers are `std::thread`s; an idle one waits on a `Condvar`
//! that a submission in this process signals at once, and polls the store with a backoff
//! (from [`POLL_MIN`] to [`POLL_MAX`]) for work that other processes queued. An SQLite file
//! has one owning process, so there is nothing to poll for there: its workers only wait.
//!
//! # Shutdown
//! With an SQLite file (one owner), a shutdown fails the queued jobs and records how each
//! running one ended, as before. On a shared PostgreSQL store the queued jobs stay queued
//! for the other workers, and a running job that does not finish within the grace period
//! is given back to the queue (its lease released, the attempt not counted).
//!
//! # A job that does not stop
//! Every job runs under a deadline ([`super::ServiceConfig::job_deadline_s`]) and a cancel
//! token that its solvers check. Work blocked in a system call (a read that never returns)
//! checks neither, so a job runs on a thread of its own and its worker only waits for it:
//! once the job is cancelled or past its deadline and still has not returned after
//! [`ABANDON_AFTER`], the worker records it as cancelled or failed, leaves the thread behind
//! (it ends on its own if the call ever returns; its result is dropped) and takes the next
//! job. Inputs are checked so this should not happen (paths are regular files, sizes are
//! bounded); the watchdog keeps one that slips through from wedging the queue.
//!
//! # Idempotency
//! Submission holds a lock while it looks up the key, checks capacity and inserts, so two
//! requests with the same key in this process get one job; the UNIQUE column covers other
//! processes sharing the store.

use super::error::ApiError;
use crate::context::{CancelToken, Progress, SolveContext};
use crate::ids::JobId;
use crate::store::jobs::{Created, JobError, JobOutcome, JobProgress};
use crate::store::queue::{Beat, CancelRequest, Claimed, JobQueue, Lease};
use crate::store::{JobRecord, JobStore, NewJob, Store};
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a cancelled or overdue job may take to return before its worker leaves it.
pub(crate) const ABANDON_AFTER: Duration = Duration::from_secs(5);

/// How often a worker looks at its job's cancel token and deadline while it waits.
const WATCH_EVERY: Duration = Duration::from_millis(50);

/// The first wait of an idle worker before it asks the shared store again.
pub(crate) const POLL_MIN: Duration = Duration::from_millis(20);

/// The longest wait of an idle worker between two asks of the shared store.
pub(crate) const POLL_MAX: Duration = Duration::from_millis(500);

/// The longest time between two heartbeats (a cancel asked on another server reaches the
/// job's holder within it).
const BEAT_MAX: Duration = Duration::from_secs(1);

/// The work of a job: runs on a worker thread under the job's context and returns the
/// result document. It is told its job's id, for records it keeps beside the job (a
/// plan's report).
pub(crate) type Work =
    Box<dyn FnOnce(&JobId, &SolveContext) -> Result<serde_json::Value, crate::Error> + Send>;

/// Rebuilds a claimed job's work from its stored kind and request: its seed and its work,
/// or why it cannot run (an unknown kind, a scenario this process did not load).
pub(crate) type Prepare = Arc<dyn Fn(&JobRecord) -> Result<(u64, Work), JobError> + Send + Sync>;

/// A job's live progress, written by the solver through [`Progress`], read by `GET`.
#[derive(Debug, Default)]
pub(crate) struct LiveProgress {
    done: AtomicU64,
    total: AtomicU64,
    phase: Mutex<Option<String>>,
    message: Mutex<Option<String>>,
}

impl Progress for LiveProgress {
    fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }
    fn advance(&self, steps: u64) {
        self.done.fetch_add(steps, Ordering::Relaxed);
    }
    fn phase(&self, name: &str) {
        *lock(&self.phase) = Some(name.to_owned());
        *lock(&self.message) = None;
    }
    fn message(&self, text: &str) {
        *lock(&self.message) = Some(text.to_owned());
    }
}

impl LiveProgress {
    fn snapshot(&self) -> JobProgress {
        JobProgress {
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            phase: lock(&self.phase).clone(),
            message: lock(&self.message).clone(),
        }
    }
}

/// What is kept in memory for a job this process holds.
#[derive(Debug, Default)]
struct Live {
    cancel: CancelToken,
    progress: Arc<LiveProgress>,
    /// Set when the cancel comes from a shutdown, not from the client.
    shutdown: AtomicBool,
    /// Set when a client asked to cancel (here or on another server).
    by_client: AtomicBool,
    /// Set when the lease was taken over: the job's end is not this worker's to write.
    lost: AtomicBool,
}

/// How a submission went.
#[derive(Debug, Clone)]
pub(crate) struct Submitted {
    /// The job (new, or the one that already held the idempotency key).
    pub record: JobRecord,
    /// Whether an earlier submission with the same key made it.
    pub replayed: bool,
}

/// How the runner leases its jobs.
#[derive(Debug, Clone)]
pub(crate) struct LeaseConfig {
    /// This process's name in lease tokens (unique among the store's workers).
    pub worker: String,
    /// How long a lease lasts unless renewed.
    pub lease: Duration,
    /// Whether other processes share the store (PostgreSQL): poll it for their jobs, and
    /// at shutdown leave queued jobs queued and give running ones back.
    pub shared: bool,
}

/// The job runner (see the module docs).
pub(crate) struct Jobs {
    store: Arc<Store>,
    capacity: usize,
    threads_per_job: usize,
    deadline: Duration,
    leases: LeaseConfig,
    /// Job threads left behind by the watchdog that have not returned yet.
    abandoned: Arc<AtomicUsize>,
    /// Queued jobs in the store, as last counted (for `/healthz` and `/metrics`).
    queued: AtomicUsize,
    /// When this process last ended the jobs of dead workers ([`JobQueue::reap_expired`]).
    reaped_at: Mutex<Option<Instant>>,
    /// Held while a submission checks its key and the capacity, and inserts.
    submitting: Mutex<()>,
    /// Whether shutting down, and the wake-ups sent; the workers' signal waits on it.
    signal: Mutex<Signal>,
    ready: Condvar,
    live: Mutex<HashMap<JobId, Arc<Live>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// What the workers wait on.
#[derive(Debug, Default)]
struct Signal {
    /// Set once shutting down.
    closed: bool,
    /// Submissions made: a worker that claimed nothing waits only if none came since it
    /// looked, so a submission between its claim and its wait is not missed.
    wakes: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing a panicking holder could leave half-done here breaks an invariant: the store
    // holds the record, and the maps only hold handles.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A worker name for lease tokens: host-independent and unique enough (process id, clock).
pub(crate) fn worker_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("w{}-{nanos:08x}", std::process::id())
}

impl Jobs {
    /// A runner over `store` that queues up to `capacity` jobs; no worker runs yet
    /// ([`Jobs::spawn_workers`]).
    pub(crate) fn new(
        store: Arc<Store>,
        capacity: usize,
        threads_per_job: usize,
        deadline: Duration,
        leases: LeaseConfig,
    ) -> Arc<Self> {
        Arc::new(Self {
            store,
            capacity: capacity.max(1),
            threads_per_job: threads_per_job.max(1),
            deadline,
            leases,
            abandoned: Arc::new(AtomicUsize::new(0)),
            queued: AtomicUsize::new(0),
            reaped_at: Mutex::new(None),
            submitting: Mutex::new(()),
            signal: Mutex::new(Signal::default()),
            ready: Condvar::new(),
            live: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
        })
    }

    /// Starts `workers` worker threads (0: this process only queues and answers), each
    /// running the jobs it claims with the work `prepare` makes of them.
    ///
    /// # Errors
    /// [`ApiError::Io`] when a thread cannot be spawned.
    pub(crate) fn spawn_workers(
        self: &Arc<Self>,
        workers: usize,
        prepare: Prepare,
    ) -> Result<(), ApiError> {
        for i in 0..workers {
            let me = Arc::clone(self);
            let prepare = Arc::clone(&prepare);
            let handle = std::thread::Builder::new()
                .name(format!("job-worker-{i}"))
                .spawn(move || me.work_loop(&prepare))?;
            lock(&self.workers).push(handle);
        }
        Ok(())
    }

    /// The time between two heartbeats: a third of the lease, at most [`BEAT_MAX`].
    pub(crate) fn beat_every(&self) -> Duration {
        (self.leases.lease / 3).min(BEAT_MAX)
    }

    /// Jobs waiting for a worker, as last counted.
    pub(crate) fn queue_depth(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    fn count_queued(&self) -> Result<u64, ApiError> {
        let n = self.store.queued_jobs()?;
        self.queued.store(usize::try_from(n).unwrap_or(usize::MAX), Ordering::Relaxed);
        Ok(n)
    }

    /// Stores a job (queued) for any worker on the store, or returns the job that holds
    /// its idempotency key. Blocking (the store): call from `spawn_blocking`.
    ///
    /// # Errors
    /// [`ApiError::IdempotencyMismatch`] when the key holds a job of another request,
    /// [`ApiError::Overloaded`] when the queue is full, [`ApiError::ShuttingDown`],
    /// [`ApiError::Store`].
    pub(crate) fn submit(&self, job: NewJob) -> Result<Submitted, ApiError> {
        let _one_at_a_time = lock(&self.submitting);
        if lock(&self.signal).closed {
            return Err(ApiError::ShuttingDown);
        }
        let replay = |existing: JobRecord| {
            if existing.request_digest == job.request_digest && existing.kind == job.kind {
                Ok(Submitted { record: existing, replayed: true })
            } else {
                Err(ApiError::IdempotencyMismatch {
                    key: job.idempotency_key.clone().unwrap_or_default(),
                    job: existing.id.0,
                })
            }
        };
        if let Some(key) = &job.idempotency_key
            && let Some(existing) = self.store.job_by_key(key)?
        {
            return replay(existing);
        }
        let queued = self.count_queued()?;
        if queued >= self.capacity as u64 {
            return Err(ApiError::Overloaded {
                what: "job queue",
                capacity: self.capacity,
                retry_after_s: 5,
            });
        }
        let record = match self.store.create_job(&job)? {
            Created::New(record) => record,
            // Another process sharing the store took the key in between.
            Created::Existing(existing) => return replay(existing),
        };
        self.queued.fetch_add(1, Ordering::Relaxed);
        lock(&self.signal).wakes += 1;
        self.ready.notify_one();
        Ok(Submitted { record, replayed: false })
    }

    /// The stored job with its live progress while this process runs it. Blocking.
    ///
    /// # Errors
    /// [`ApiError::NotFound`], [`ApiError::Store`].
    pub(crate) fn get(&self, id: &JobId) -> Result<JobRecord, ApiError> {
        let mut record = self.store.job(id)?;
        if !record.state.is_finished()
            && let Some(live) = lock(&self.live).get(id)
        {
            record.progress = live.progress.snapshot();
        }
        Ok(record)
    }

    /// The live progress of a job this process runs, `None` for any other.
    pub(crate) fn live_progress(&self, id: &JobId) -> Option<JobProgress> {
        lock(&self.live).get(id).map(|live| live.progress.snapshot())
    }

    /// Cancels a job: a queued one ends at once, a running one is asked to stop (at once
    /// when this process holds it, else with its holder's next heartbeat) and ends as
    /// cancelled when it does. Blocking.
    ///
    /// # Errors
    /// [`ApiError::NotFound`], [`ApiError::JobFinished`], [`ApiError::Store`].
    pub(crate) fn cancel(&self, id: &JobId) -> Result<JobRecord, ApiError> {
        let reason =
            JobError { code: "cancelled".into(), message: "cancelled while queued".into() };
        match self.store.request_cancel(id, &reason)? {
            CancelRequest::Finished(state) => {
                return Err(ApiError::JobFinished { id: id.0.clone(), state: state.as_str() });
            }
            CancelRequest::Cancelled => {
                let _ = self.count_queued();
            }
            CancelRequest::Requested => {
                if let Some(live) = lock(&self.live).get(id) {
                    live.by_client.store(true, Ordering::Relaxed);
                    live.cancel.cancel();
                }
            }
        }
        self.get(id)
    }

    /// Stops the workers taking new jobs, without waiting for anything.
    pub(crate) fn close(&self) {
        lock(&self.signal).closed = true;
        self.ready.notify_all();
    }

    /// Stops taking jobs and lets the running ones `grace` to finish, then cancels them.
    /// With a single-owner store the queued jobs fail and every running job's end is
    /// recorded; with a shared store the queued ones stay for other workers and a running
    /// one cut short is given back to the queue. Waits for the workers. Blocking.
    pub(crate) fn shutdown(&self, grace: Duration) {
        {
            let _no_more = lock(&self.submitting);
            lock(&self.signal).closed = true;
        }
        self.ready.notify_all();
        if !self.leases.shared {
            match self.store.fail_queued("the service shut down before the job started") {
                Ok(n) if n > 0 => tracing::warn!(jobs = n, "queued jobs failed at shutdown"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "cannot fail the queued jobs"),
            }
        }
        let until = Instant::now() + grace;
        while !lock(&self.live).is_empty() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        for live in lock(&self.live).values() {
            live.shutdown.store(true, Ordering::Relaxed);
            live.cancel.cancel();
        }
        let workers: Vec<JoinHandle<()>> = lock(&self.workers).drain(..).collect();
        for w in workers {
            if w.join().is_err() {
                tracing::error!("a job worker panicked outside a job");
            }
        }
    }

    /// A worker: claims and runs jobs until the runner closes.
    fn work_loop(&self, prepare: &Prepare) {
        let mut idle = POLL_MIN;
        loop {
            let seen = {
                let signal = lock(&self.signal);
                if signal.closed {
                    return;
                }
                signal.wakes
            };
            match self.claim() {
                Ok(Some(claimed)) => {
                    idle = POLL_MIN;
                    self.run(claimed, prepare);
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, "cannot claim a job");
                    idle = POLL_MAX;
                }
            }
            let signal = lock(&self.signal);
            if signal.closed {
                return;
            }
            if signal.wakes != seen {
                continue; // a submission came while this worker was claiming
            }
            // A shared store: other processes queue work too, so look again after a
            // backoff. One owner (SQLite): only a submission here or the shutdown brings
            // work, and both signal.
            let wait = if self.leases.shared { idle } else { Duration::from_secs(3600) };
            let _ = self.ready.wait_timeout(signal, wait);
            idle = (idle * 2).min(POLL_MAX);
        }
    }

    /// Ends the jobs of dead workers that may not run again (at most every half lease:
    /// a lease cannot run out faster, and each look is two writes), then claims the next
    /// job.
    fn claim(&self) -> Result<Option<Claimed>, ApiError> {
        let due = {
            let mut at = lock(&self.reaped_at);
            let due = at.is_none_or(|t| t.elapsed() >= self.leases.lease / 2);
            if due {
                *at = Some(Instant::now());
            }
            due
        };
        let reaped = if due { self.store.reap_expired()? } else { Default::default() };
        if reaped.failed + reaped.cancelled > 0 {
            tracing::warn!(
                failed = reaped.failed,
                cancelled = reaped.cancelled,
                "jobs of dead workers ended (leases ran out)"
            );
        }
        let claimed = self.store.claim_job(&self.leases.worker, self.leases.lease)?;
        if claimed.is_some() {
            let _ = self.count_queued();
        }
        Ok(claimed)
    }

    fn run(&self, claimed: Claimed, prepare: &Prepare) {
        let Claimed { record, lease } = claimed;
        let id = record.id.clone();
        let live = Arc::new(Live::default());
        lock(&self.live).insert(id.clone(), Arc::clone(&live));
        // A shutdown that began after the claim, before the insert, did not see this job:
        // it is cut short here instead (the shutdown marks `closed` before it looks).
        if lock(&self.signal).closed {
            live.shutdown.store(true, Ordering::Relaxed);
            live.cancel.cancel();
        }
        tracing::info!(job = %id, kind = %record.kind, attempt = lease.attempt, "job started");
        let outcome = match prepare(&record) {
            Ok((seed, work)) => {
                let ctx = SolveContext::new(seed)
                    .with_cancel(live.cancel.clone())
                    .with_threads(self.threads_per_job)
                    .with_progress(live.progress.clone())
                    .with_time_limit(self.deadline);
                self.watch(&lease, &live, ctx, work)
            }
            Err(why) => JobOutcome::Failed(why),
        };
        let progress = live.progress.snapshot();
        let by_client = live.by_client.load(Ordering::Relaxed);
        let written = if live.lost.load(Ordering::Relaxed) {
            Ok(false)
        } else if self.leases.shared && live.shutdown.load(Ordering::Relaxed) && !by_client {
            tracing::info!(job = %id, "job given back to the queue at shutdown");
            self.store.release_lease(&lease)
        } else {
            tracing::info!(job = %id, state = outcome.columns().0.as_str(), "job ended");
            self.store.finish_leased(&lease, &outcome, &progress)
        };
        match written {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                job = %id,
                token = %lease.token,
                "the lease was taken over: this worker's end of the job is dropped"
            ),
            Err(e) => tracing::error!(job = %id, error = %e, "cannot record how the job ended"),
        }
        lock(&self.live).remove(&id);
    }

    /// The heartbeat: renews the lease with the current progress and passes on a cancel
    /// asked on any server, or a lost lease (which stops the job, its end unwritten).
    fn beat(&self, lease: &Lease, live: &Live) {
        match self.store.renew_lease(lease, self.leases.lease, &live.progress.snapshot()) {
            Ok(Beat::Held { cancel_requested: false }) => {}
            Ok(Beat::Held { cancel_requested: true }) => {
                if !live.cancel.is_cancelled() {
                    tracing::info!(job = %lease.job, "cancel requested");
                }
                live.by_client.store(true, Ordering::Relaxed);
                live.cancel.cancel();
            }
            Ok(Beat::Lost) => {
                if !live.lost.swap(true, Ordering::Relaxed) {
                    tracing::warn!(job = %lease.job, token = %lease.token, "lease lost");
                }
                live.cancel.cancel();
            }
            // The store is unreachable: keep going; if the lease runs out meanwhile, another
            // worker takes the job over and this one's end is refused.
            Err(e) => tracing::error!(job = %lease.job, error = %e, "heartbeat failed"),
        }
    }

    /// Runs `work` on a thread of its own and waits for it, leaving it behind once it is
    /// cancelled or overdue and has not returned within [`ABANDON_AFTER`].
    fn watch(&self, lease: &Lease, live: &Live, ctx: SolveContext, work: Work) -> JobOutcome {
        let id = &lease.job;
        let (tx, rx) = channel();
        let job = id.clone();
        let spawned = std::thread::Builder::new().name(format!("job-{}", id.0)).spawn(move || {
            let r = catch_unwind(AssertUnwindSafe(|| work(&job, &ctx)));
            // The receiver is gone when the watchdog left this job: nothing to tell.
            let _ = tx.send(r);
        });
        let handle = match spawned {
            Ok(handle) => handle,
            Err(e) => {
                tracing::error!(job = %id, error = %e, "cannot spawn the job thread");
                return JobOutcome::Failed(JobError {
                    code: "internal".into(),
                    message: "the server could not start the job (logged on the server)".into(),
                });
            }
        };
        let started = Instant::now();
        let mut stopping_since: Option<Instant> = None;
        let mut next_beat = started + self.beat_every();
        loop {
            match rx.recv_timeout(WATCH_EVERY) {
                Ok(r) => {
                    // Joined so its thread is gone before the next job starts.
                    let _ = handle.join();
                    return self.outcome(live, r);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = handle.join();
                    return self
                        .outcome(live, Err(Box::new("the job thread ended without a result")));
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if Instant::now() >= next_beat {
                self.beat(lease, live);
                next_beat = Instant::now() + self.beat_every();
            }
            let overdue = started.elapsed() >= self.deadline;
            if !(overdue || live.cancel.is_cancelled()) {
                continue;
            }
            let since = *stopping_since.get_or_insert_with(Instant::now);
            if since.elapsed() < ABANDON_AFTER {
                continue;
            }
            let left = self.abandoned.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::error!(job = %id, left_behind = left, "the job did not stop; left behind");
            let abandoned = Arc::clone(&self.abandoned);
            // Counts the thread down once it does return, whenever that is.
            let _ = std::thread::Builder::new().name("job-reaper".into()).spawn(move || {
                let _ = handle.join();
                abandoned.fetch_sub(1, Ordering::Relaxed);
            });
            let why = format!(
                "and did not stop within {} s; it was left behind",
                ABANDON_AFTER.as_secs()
            );
            return if live.shutdown.load(Ordering::Relaxed) {
                JobOutcome::Failed(JobError {
                    code: "interrupted".into(),
                    message: format!("interrupted by shutdown {why}"),
                })
            } else if live.cancel.is_cancelled() && !overdue {
                JobOutcome::Cancelled(JobError {
                    code: "cancelled".into(),
                    message: format!("cancelled by the client {why}"),
                })
            } else {
                JobOutcome::Failed(JobError {
                    code: "time_limit".into(),
                    message: format!(
                        "the job passed its deadline of {} s {why}",
                        self.deadline.as_secs_f64()
                    ),
                })
            };
        }
    }

    /// Job threads the watchdog left behind that are still blocked.
    pub(crate) fn abandoned(&self) -> usize {
        self.abandoned.load(Ordering::Relaxed)
    }

    /// How a job that returned ended.
    fn outcome(
        &self,
        live: &Live,
        r: std::thread::Result<Result<serde_json::Value, crate::Error>>,
    ) -> JobOutcome {
        let by_client = live.by_client.load(Ordering::Relaxed)
            || (live.cancel.is_cancelled() && !live.shutdown.load(Ordering::Relaxed));
        match r {
            // Work that answers a cancel with its best result so far (a routing search)
            // still ends as the client asked: cancelled, never succeeded.
            Ok(Ok(_)) if by_client => JobOutcome::Cancelled(JobError {
                code: "cancelled".into(),
                message: "cancelled by the client".into(),
            }),
            Ok(Ok(result)) => JobOutcome::Succeeded(result),
            Ok(Err(_)) if live.shutdown.load(Ordering::Relaxed) => JobOutcome::Failed(JobError {
                code: "interrupted".into(),
                message: "interrupted by shutdown".into(),
            }),
            Ok(Err(_)) if live.cancel.is_cancelled() => JobOutcome::Cancelled(JobError {
                code: "cancelled".into(),
                message: "cancelled by the client".into(),
            }),
            Ok(Err(e)) => JobOutcome::Failed(JobError {
                code: failure_code(&e).into(),
                message: e.to_string(),
            }),
            Err(_) => JobOutcome::Failed(JobError {
                code: "internal".into(),
                message: "the job failed unexpectedly (logged on the server)".into(),
            }),
        }
    }
}

/// The job error code of a stage error.
fn failure_code(e: &crate::Error) -> &'static str {
    use crate::Error as E;
    match e {
        E::Interrupted(_) => "time_limit",
        E::Forecast(_) => "forecast_failed",
        E::Placement(_) => "placement_failed",
        E::Routing(_) | E::Road(_) => "routing_failed",
        E::Scenario(_) => "scenario_failed",
        E::Store(_) => "store_failed",
        E::Plan(_) => "plan_failed",
        E::Warehouse(crate::warehouse::WarehouseError::Interrupted(_)) => "time_limit",
        E::Warehouse(_) => "picking_failed",
        _ => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::jobs::JobState;

    fn new_job(kind: &str) -> NewJob {
        NewJob {
            kind: kind.to_owned(),
            idempotency_key: None,
            request_digest: kind.to_owned(),
            request: serde_json::json!({}),
        }
    }

    /// The test kinds: `stuck` blocks without looking at its context (like a read of a
    /// FIFO), `polite` waits for its context to stop it, anything else returns at once.
    fn prepare() -> Prepare {
        Arc::new(|record: &JobRecord| {
            let work: Work = match record.kind.as_str() {
                "stuck" => Box::new(|_: &JobId, _ctx: &SolveContext| {
                    std::thread::sleep(Duration::from_secs(120));
                    Ok(serde_json::json!("too late"))
                }),
                "polite" => Box::new(|_: &JobId, ctx: &SolveContext| {
                    while ctx.check().is_ok() {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(crate::Error::Interrupted(crate::context::Interrupted::Deadline))
                }),
                _ => Box::new(|_: &JobId, _ctx: &SolveContext| Ok(serde_json::json!("done"))),
            };
            Ok((0, work))
        })
    }

    pub(crate) fn wait_for(jobs: &Jobs, id: &JobId, until: impl Fn(JobState) -> bool) -> JobRecord {
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            let record = jobs.get(id).unwrap();
            if until(record.state) || Instant::now() > end {
                return record;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn runner(deadline: Duration) -> (tempfile::TempDir, Arc<Jobs>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(crate::store::open(&dir.path().join("s.sqlite")).unwrap());
        let leases =
            LeaseConfig { worker: worker_name(), lease: Duration::from_secs(30), shared: false };
        let jobs = Jobs::new(store, 4, 1, deadline, leases);
        jobs.spawn_workers(1, prepare()).unwrap();
        (dir, jobs)
    }

    #[test]
    fn r12_a_cancelled_job_that_does_not_stop_is_left_behind_and_the_next_one_runs() {
        let (_dir, jobs) = runner(Duration::from_secs(3600));
        let a = jobs.submit(new_job("stuck")).unwrap().record.id;
        let b = jobs.submit(new_job("next")).unwrap().record.id;
        assert_eq!(wait_for(&jobs, &a, |s| s == JobState::Running).state, JobState::Running);
        jobs.cancel(&a).unwrap();
        let a = wait_for(&jobs, &a, JobState::is_finished);
        assert_eq!(a.state, JobState::Cancelled, "{a:?}");
        assert!(a.error.unwrap().message.contains("left behind"));
        let b = wait_for(&jobs, &b, JobState::is_finished);
        assert_eq!(b.state, JobState::Succeeded, "{b:?}");
        assert_eq!(jobs.abandoned(), 1);
    }

    #[test]
    fn r12_a_job_past_its_deadline_fails_with_time_limit() {
        let (_dir, jobs) = runner(Duration::from_millis(100));
        let a = jobs.submit(new_job("stuck")).unwrap().record.id;
        let a = wait_for(&jobs, &a, JobState::is_finished);
        assert_eq!(a.state, JobState::Failed, "{a:?}");
        let error = a.error.unwrap();
        assert_eq!(error.code, "time_limit");
        assert!(error.message.contains("deadline of 0.1 s"), "{}", error.message);
        // Work that honours the context stops at the deadline by itself.
        let b = jobs.submit(new_job("polite")).unwrap().record.id;
        let b = wait_for(&jobs, &b, JobState::is_finished);
        assert_eq!((b.state, b.error.unwrap().code.as_str()), (JobState::Failed, "time_limit"));
        assert_eq!(jobs.abandoned(), 1);
    }

    /// Two runners on one PostgreSQL store, as two processes would be: one only queues.
    fn two_runners() -> Option<(crate::store::test_backends::Schema, Arc<Jobs>, Arc<Jobs>)> {
        let schema = crate::store::test_backends::Schema::new()?;
        let open = || Arc::new(crate::store::open(std::path::Path::new(&schema.url)).unwrap());
        let shared = |worker: &str| LeaseConfig {
            worker: worker.into(),
            lease: Duration::from_secs(3),
            shared: true,
        };
        let front = Jobs::new(open(), 4, 1, Duration::from_secs(60), shared("front"));
        let back = Jobs::new(open(), 4, 1, Duration::from_secs(60), shared("back"));
        back.spawn_workers(1, prepare()).unwrap();
        Some((schema, front, back))
    }

    #[test]
    fn a_cancel_through_another_process_reaches_the_holder_with_its_heartbeat() {
        let Some((_schema, front, back)) = two_runners() else { return };
        let id = front.submit(new_job("polite")).unwrap().record.id;
        assert_eq!(wait_for(&front, &id, |s| s == JobState::Running).state, JobState::Running);
        assert!(front.live_progress(&id).is_none(), "the other runner holds it");
        front.cancel(&id).unwrap();
        let ended = wait_for(&front, &id, JobState::is_finished);
        assert_eq!(ended.state, JobState::Cancelled, "{ended:?}");
        assert_eq!(ended.error.unwrap().message, "cancelled by the client");
        back.shutdown(Duration::ZERO);
    }

    #[test]
    fn a_shared_runner_gives_its_running_job_back_at_shutdown() {
        let Some((_schema, front, back)) = two_runners() else { return };
        let id = front.submit(new_job("polite")).unwrap().record.id;
        assert_eq!(wait_for(&front, &id, |s| s == JobState::Running).state, JobState::Running);
        back.shutdown(Duration::ZERO);
        assert_eq!(front.get(&id).unwrap().state, JobState::Queued, "left for other workers");
        // Another worker takes it up: the attempt given back was not counted.
        let claimed = front.store.claim_job("next", Duration::from_secs(3)).unwrap().unwrap();
        assert_eq!((claimed.record.id, claimed.lease.attempt), (id, 1));
    }
}
