//! The job runner: a bounded queue, a fixed set of worker threads, and the live state
//! (cancel token, progress) of every job that has not ended.
//!
//! # Why plain threads and a mutex-guarded queue
//! A job is seconds to minutes of CPU (a forecast, an LP): it must never run on the async
//! executor, and the number running at once must be fixed so a burst of submissions cannot
//! oversubscribe the cores. Workers are `std::thread`s blocked on a `Condvar`; the queue
//! lives behind a `std::sync::Mutex` that is never held across an `.await` (the async
//! handlers reach it only through `spawn_blocking`).
//!
//! # The store is the record, memory only the live part
//! A job is written to the store (queued) before it is queued in memory, and every state
//! change goes through the store's forward-only transitions. What exists only in memory is
//! what cannot outlive the process anyway: the closure to run, the cancel token, the live
//! progress. A restart therefore finds queued/running rows with no process behind them and
//! marks them failed ([`crate::store::JobStore::fail_unfinished`]).
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
//! Submission holds the queue lock while it looks up the key, checks capacity and inserts,
//! so two requests with the same key in this process get one job; the UNIQUE column covers
//! other processes sharing the file.

use super::error::ApiError;
use crate::context::{CancelToken, Progress, SolveContext};
use crate::ids::JobId;
use crate::store::jobs::{Created, JobError, JobOutcome, JobProgress};
use crate::store::{JobRecord, JobStore, NewJob, Store};
use std::collections::{HashMap, VecDeque};
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

/// The work of a job: runs on a worker thread under the job's context and returns the
/// result document. It is told its job's id, for records it keeps beside the job (a
/// plan's report).
pub(crate) type Work =
    Box<dyn FnOnce(&JobId, &SolveContext) -> Result<serde_json::Value, crate::Error> + Send>;

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

/// What is kept in memory for a job that has not ended.
#[derive(Debug, Default)]
struct Live {
    cancel: CancelToken,
    progress: Arc<LiveProgress>,
    /// Set when the cancel comes from a shutdown, not from the client.
    shutdown: AtomicBool,
}

struct Queued {
    id: JobId,
    seed: u64,
    work: Work,
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Queued>,
    closed: bool,
}

/// How a submission went.
#[derive(Debug, Clone)]
pub(crate) struct Submitted {
    /// The job (new, or the one that already held the idempotency key).
    pub record: JobRecord,
    /// Whether an earlier submission with the same key made it.
    pub replayed: bool,
}

/// The job runner (see the module docs).
pub(crate) struct Jobs {
    store: Arc<Store>,
    capacity: usize,
    threads_per_job: usize,
    deadline: Duration,
    /// Job threads left behind by the watchdog that have not returned yet.
    abandoned: Arc<AtomicUsize>,
    queue: Mutex<Queue>,
    ready: Condvar,
    live: Mutex<HashMap<JobId, Arc<Live>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing a panicking holder could leave half-done here breaks an invariant: the store
    // holds the record, and the maps only hold handles.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Jobs {
    /// Starts `workers` worker threads over a queue of `capacity` waiting jobs.
    ///
    /// # Errors
    /// [`ApiError::Io`] when a thread cannot be spawned.
    pub(crate) fn start(
        store: Arc<Store>,
        capacity: usize,
        workers: usize,
        threads_per_job: usize,
        deadline: Duration,
    ) -> Result<Arc<Self>, ApiError> {
        let jobs = Arc::new(Self {
            store,
            capacity: capacity.max(1),
            threads_per_job: threads_per_job.max(1),
            deadline,
            abandoned: Arc::new(AtomicUsize::new(0)),
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            live: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
        });
        for i in 0..workers.max(1) {
            let me = Arc::clone(&jobs);
            let handle =
                std::thread::Builder::new().name(format!("job-worker-{i}")).spawn(move || {
                    while let Some(item) = me.next() {
                        me.run(item);
                    }
                })?;
            lock(&jobs.workers).push(handle);
        }
        Ok(jobs)
    }

    /// Jobs waiting for a worker.
    pub(crate) fn queue_depth(&self) -> usize {
        lock(&self.queue).items.len()
    }

    /// Stores and queues a job, or returns the job that holds its idempotency key.
    /// Blocking (SQLite): call from `spawn_blocking`.
    ///
    /// # Errors
    /// [`ApiError::IdempotencyMismatch`] when the key holds a job of another request,
    /// [`ApiError::Overloaded`] when the queue is full, [`ApiError::ShuttingDown`],
    /// [`ApiError::Store`].
    pub(crate) fn submit(&self, job: NewJob, seed: u64, work: Work) -> Result<Submitted, ApiError> {
        let mut queue = lock(&self.queue);
        if queue.closed {
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
        if queue.items.len() >= self.capacity {
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
        lock(&self.live).insert(record.id.clone(), Arc::new(Live::default()));
        queue.items.push_back(Queued { id: record.id.clone(), seed, work });
        drop(queue);
        self.ready.notify_one();
        Ok(Submitted { record, replayed: false })
    }

    /// The stored job with its live progress while it runs. Blocking (SQLite).
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

    /// The live progress of a job that has not ended, `None` for any other.
    pub(crate) fn live_progress(&self, id: &JobId) -> Option<JobProgress> {
        lock(&self.live).get(id).map(|live| live.progress.snapshot())
    }

    /// Cancels a job: a queued one ends at once, a running one is asked to stop (its
    /// solver checks the token) and ends as cancelled when it does. Blocking (SQLite).
    ///
    /// # Errors
    /// [`ApiError::NotFound`], [`ApiError::JobFinished`], [`ApiError::Store`].
    pub(crate) fn cancel(&self, id: &JobId) -> Result<JobRecord, ApiError> {
        let record = self.store.job(id)?;
        if record.state.is_finished() {
            return Err(ApiError::JobFinished { id: id.0.clone(), state: record.state.as_str() });
        }
        let live = lock(&self.live).get(id).cloned();
        if let Some(live) = live {
            live.cancel.cancel();
        }
        let removed = {
            let mut queue = lock(&self.queue);
            let at = queue.items.iter().position(|q| &q.id == id);
            at.and_then(|i| queue.items.remove(i))
        };
        if removed.is_some() {
            let reason =
                JobError { code: "cancelled".into(), message: "cancelled while queued".into() };
            self.store.finish_job(id, &JobOutcome::Cancelled(reason), &JobProgress::default())?;
            lock(&self.live).remove(id);
        }
        self.get(id)
    }

    /// Stops taking jobs, fails the queued ones, gives the running ones `grace` to finish,
    /// cancels the rest and waits for the workers to record how they ended. Blocking.
    pub(crate) fn shutdown(&self, grace: Duration) {
        let drained: Vec<Queued> = {
            let mut queue = lock(&self.queue);
            queue.closed = true;
            queue.items.drain(..).collect()
        };
        self.ready.notify_all();
        for item in drained {
            let reason = JobError {
                code: "interrupted".into(),
                message: "the service shut down before the job started".into(),
            };
            self.record(&item.id, &JobOutcome::Failed(reason), &JobProgress::default());
            lock(&self.live).remove(&item.id);
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

    /// The next job to run; `None` once the queue is closed and empty.
    fn next(&self) -> Option<Queued> {
        let mut queue = lock(&self.queue);
        loop {
            if let Some(item) = queue.items.pop_front() {
                return Some(item);
            }
            if queue.closed {
                return None;
            }
            queue = self.ready.wait(queue).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    fn run(&self, item: Queued) {
        let Queued { id, seed, work } = item;
        let live = lock(&self.live).get(&id).cloned().unwrap_or_default();
        match self.store.start_job(&id) {
            Ok(true) => {}
            Ok(false) => {
                // Cancelled between the pop and the start.
                lock(&self.live).remove(&id);
                return;
            }
            Err(e) => {
                tracing::error!(job = %id, error = %e, "cannot mark the job running");
                lock(&self.live).remove(&id);
                return;
            }
        }
        tracing::info!(job = %id, "job started");
        let ctx = SolveContext::new(seed)
            .with_cancel(live.cancel.clone())
            .with_threads(self.threads_per_job)
            .with_progress(live.progress.clone())
            .with_time_limit(self.deadline);
        let outcome = self.watch(&id, &live, ctx, work);
        let state = match &outcome {
            JobOutcome::Succeeded(_) => "succeeded",
            JobOutcome::Failed(_) => "failed",
            JobOutcome::Cancelled(_) => "cancelled",
        };
        tracing::info!(job = %id, state, "job ended");
        self.record(&id, &outcome, &live.progress.snapshot());
        lock(&self.live).remove(&id);
    }

    /// Runs `work` on a thread of its own and waits for it, leaving it behind once it is
    /// cancelled or overdue and has not returned within [`ABANDON_AFTER`].
    fn watch(&self, id: &JobId, live: &Live, ctx: SolveContext, work: Work) -> JobOutcome {
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
        let by_client = live.cancel.is_cancelled() && !live.shutdown.load(Ordering::Relaxed);
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

    fn record(&self, id: &JobId, outcome: &JobOutcome, progress: &JobProgress) {
        if let Err(e) = self.store.finish_job(id, outcome, progress) {
            tracing::error!(job = %id, error = %e, "cannot record how the job ended");
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

    /// Work that blocks without looking at its context, like a read of a FIFO.
    fn stuck() -> Work {
        Box::new(|_: &JobId, _ctx: &SolveContext| {
            std::thread::sleep(Duration::from_secs(120));
            Ok(serde_json::json!("too late"))
        })
    }

    fn quick() -> Work {
        Box::new(|_: &JobId, _ctx: &SolveContext| Ok(serde_json::json!("done")))
    }

    fn wait_for(jobs: &Jobs, id: &JobId, until: impl Fn(JobState) -> bool) -> JobRecord {
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
        (dir, Jobs::start(store, 4, 1, 1, deadline).unwrap())
    }

    #[test]
    fn r12_a_cancelled_job_that_does_not_stop_is_left_behind_and_the_next_one_runs() {
        let (_dir, jobs) = runner(Duration::from_secs(3600));
        let a = jobs.submit(new_job("stuck"), 0, stuck()).unwrap().record.id;
        let b = jobs.submit(new_job("next"), 0, quick()).unwrap().record.id;
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
        let a = jobs.submit(new_job("stuck"), 0, stuck()).unwrap().record.id;
        let a = wait_for(&jobs, &a, JobState::is_finished);
        assert_eq!(a.state, JobState::Failed, "{a:?}");
        let error = a.error.unwrap();
        assert_eq!(error.code, "time_limit");
        assert!(error.message.contains("deadline of 0.1 s"), "{}", error.message);
        // Work that honours the context stops at the deadline by itself.
        let polite: Work = Box::new(|_: &JobId, ctx: &SolveContext| {
            while ctx.check().is_ok() {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(crate::Error::Interrupted(crate::context::Interrupted::Deadline))
        });
        let b = jobs.submit(new_job("polite"), 0, polite).unwrap().record.id;
        let b = wait_for(&jobs, &b, JobState::is_finished);
        assert_eq!((b.state, b.error.unwrap().code.as_str()), (JobState::Failed, "time_limit"));
        assert_eq!(jobs.abandoned(), 1);
    }
}
