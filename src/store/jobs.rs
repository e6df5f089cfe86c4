//! Service jobs in the store: what was asked, where it got to, and how it ended.
//!
//! The HTTP service runs long work (forecasts, placements, plans) as jobs. Keeping them in
//! the same file as the forecast runs means a job's result outlives the process that made
//! it, and a job cut short by a crash or a restart is found on the next start and marked
//! failed with a reason ([`JobStore::fail_unfinished`]) instead of vanishing.
//!
//! A job's state only moves forward (queued -> running -> succeeded | failed | cancelled):
//! every UPDATE names the states it may start from, so a worker that finishes after the job
//! was cancelled cannot overwrite the cancellation. The idempotency key is a UNIQUE column:
//! two concurrent requests with one key get one job, decided by the database, not by a
//! check-then-insert race in the service.
//!
//! One service process owns an SQLite file's jobs: [`JobStore::fail_unfinished`] at
//! start-up cannot tell a dead process's running job from a live one's there. On
//! PostgreSQL, where several instances share the table, each job records its owner and only
//! the jobs of owners that are gone are failed (`store/postgres/mod.rs`).

use super::StoreError;
use super::sqlite::{SqliteStore, lock};
use crate::ids::JobId;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Accepted, waiting for a worker.
    Queued,
    /// A worker is on it.
    Running,
    /// Finished with a result.
    Succeeded,
    /// Finished with an error (or interrupted by a shutdown or restart).
    Failed,
    /// Cancelled by the client.
    Cancelled,
}

impl JobState {
    /// Every state, in life order.
    pub const ALL: [JobState; 5] =
        [Self::Queued, Self::Running, Self::Succeeded, Self::Failed, Self::Cancelled];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Whether the job is over (succeeded, failed or cancelled).
    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A job as submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What kind of work (`forecast`, `placement`, `plan`).
    pub kind: String,
    /// The client's `Idempotency-Key`, if it sent one.
    pub idempotency_key: Option<String>,
    /// Digest of the kind and the request, to tell a replay from a reused key.
    pub request_digest: String,
    /// The request as accepted.
    pub request: serde_json::Value,
}

/// Why a job failed or was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobError {
    /// A stable code (`interrupted`, `cancelled`, `forecast_failed`, ...).
    pub code: String,
    /// What happened.
    pub message: String,
}

/// How far a job got, in its own steps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobProgress {
    /// Steps done.
    pub done: u64,
    /// Steps in all (0 while unknown).
    pub total: u64,
    /// The current phase (`forecast`, `placement`, ...).
    pub phase: Option<String>,
    /// The running work's status line (a routing search's best cost so far); shown while
    /// the job runs, not kept once it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// Its id.
    pub id: JobId,
    /// What kind of work.
    pub kind: String,
    /// Where it is.
    pub state: JobState,
    /// The client's idempotency key.
    pub idempotency_key: Option<String>,
    /// Digest of kind + request.
    pub request_digest: String,
    /// The request as accepted.
    pub request: serde_json::Value,
    /// When it was accepted.
    pub created_at: DateTime<Utc>,
    /// When a worker took it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Progress as of the last write (the service overlays live progress while it runs).
    pub progress: JobProgress,
    /// The result, when succeeded.
    pub result: Option<serde_json::Value>,
    /// The reason, when failed or cancelled.
    pub error: Option<JobError>,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    /// With a result.
    Succeeded(serde_json::Value),
    /// With an error.
    Failed(JobError),
    /// Cancelled by the client.
    Cancelled(JobError),
}

impl JobOutcome {
    /// The job's final state, its result as JSON text and its error, as both backends store
    /// them.
    pub(crate) fn columns(&self) -> (JobState, Option<String>, Option<&JobError>) {
        match self {
            JobOutcome::Succeeded(v) => (JobState::Succeeded, Some(v.to_string()), None),
            JobOutcome::Failed(e) => (JobState::Failed, None, Some(e)),
            JobOutcome::Cancelled(e) => (JobState::Cancelled, None, Some(e)),
        }
    }
}

/// The outcome of [`JobStore::create_job`].
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// A new job was stored, queued.
    New(JobRecord),
    /// A job with this idempotency key already exists (whatever its request); nothing was
    /// written.
    Existing(JobRecord),
}

/// Persistent job records.
pub trait JobStore: Send + Sync {
    /// Stores a new queued job, or returns the job that already holds its idempotency key.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    fn create_job(&self, job: &NewJob) -> Result<Created, StoreError>;

    /// The job with id `id`.
    ///
    /// # Errors
    /// [`StoreError::JobNotFound`], [`StoreError::Database`], [`StoreError::CorruptJob`].
    fn job(&self, id: &JobId) -> Result<JobRecord, StoreError>;

    /// The job that holds idempotency key `key`, if any.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::CorruptJob`].
    fn job_by_key(&self, key: &str) -> Result<Option<JobRecord>, StoreError>;

    /// Moves a queued job to running; `false` when it is no longer queued (cancelled).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    fn start_job(&self, id: &JobId) -> Result<bool, StoreError>;

    /// Ends a queued or running job with `outcome` and its final `progress`; `false` when
    /// it had already ended (the earlier end stands).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    fn finish_job(
        &self,
        id: &JobId,
        outcome: &JobOutcome,
        progress: &JobProgress,
    ) -> Result<bool, StoreError>;

    /// Marks every queued or running job failed with code `interrupted` and `reason`
    /// (called at start-up: no job of an earlier process is still running); returns how
    /// many.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    fn fail_unfinished(&self, reason: &str) -> Result<usize, StoreError>;

    /// How many jobs are in each state.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::CorruptJob`].
    fn count_jobs(&self) -> Result<Vec<(JobState, u64)>, StoreError>;
}

pub(crate) fn now_text() -> String {
    DateTime::<Utc>::from(std::time::SystemTime::now()).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A new job id: `job-` + UTC time to the millisecond + 32 bits from a process counter,
/// the process id and the clock's nanoseconds (unique across processes sharing a file).
pub(super) fn new_job_id() -> JobId {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now = DateTime::<Utc>::from(std::time::SystemTime::now());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let salt = [
        COUNTER.fetch_add(1, Ordering::Relaxed),
        u64::from(std::process::id()),
        u64::from(now.timestamp_subsec_nanos()),
    ];
    for b in salt.iter().flat_map(|v| v.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    JobId::new(format!("job-{}-{:08x}", now.format("%Y%m%dT%H%M%S%3fZ"), h as u32))
}

pub(super) const JOB_COLUMNS: &str = "id, kind, state, idempotency_key, request_digest, request, \
    created_at, started_at, finished_at, progress_done, progress_total, phase, result, \
    error_code, error_message";

/// The raw columns of a job row, parsed by [`parse_job`] outside the connection borrow.
pub(super) type RawJob = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A stored RFC 3339 timestamp; a bad one is [`StoreError::CorruptJob`] via `corrupt`.
pub(super) fn time(
    field: &'static str,
    text: &str,
    corrupt: impl Fn(&'static str, String) -> StoreError,
) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(field, e.to_string()))
}

/// A job's stored progress columns (counts are never negative when written).
pub(super) fn progress(done: i64, total: i64, phase: Option<String>) -> JobProgress {
    JobProgress {
        done: u64::try_from(done).unwrap_or(0),
        total: u64::try_from(total).unwrap_or(0),
        phase,
        message: None,
    }
}

/// A job's stored error columns.
pub(super) fn error(code: Option<String>, message: Option<String>) -> Option<JobError> {
    code.map(|code| JobError { code, message: message.unwrap_or_default() })
}

fn raw_job(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawJob> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
    ))
}

pub(super) fn parse_job(raw: RawJob) -> Result<JobRecord, StoreError> {
    let (id, kind, state, key, digest, request, created, started, finished, done, total) =
        (raw.0, raw.1, raw.2, raw.3, raw.4, raw.5, raw.6, raw.7, raw.8, raw.9, raw.10);
    let (phase, result, error_code, error_message) = (raw.11, raw.12, raw.13, raw.14);
    let corrupt =
        |field, message: String| StoreError::CorruptJob { job: id.clone(), field, message };
    let json = |field, text: &str| {
        serde_json::from_str::<serde_json::Value>(text).map_err(|e| corrupt(field, e.to_string()))
    };
    let state = JobState::parse(&state).ok_or_else(|| corrupt("state", state.clone()))?;
    Ok(JobRecord {
        kind,
        state,
        idempotency_key: key,
        request_digest: digest,
        request: json("request", &request)?,
        created_at: time("created_at", &created, corrupt)?,
        started_at: started.as_deref().map(|t| time("started_at", t, corrupt)).transpose()?,
        finished_at: finished.as_deref().map(|t| time("finished_at", t, corrupt)).transpose()?,
        progress: progress(done, total, phase),
        result: result.as_deref().map(|r| json("result", r)).transpose()?,
        error: error(error_code, error_message),
        id: JobId::new(id),
    })
}

fn select_job(
    conn: &rusqlite::Connection,
    column: &str,
    value: &str,
) -> Result<Option<JobRecord>, StoreError> {
    let raw = conn
        .query_row(&format!("SELECT {JOB_COLUMNS} FROM job WHERE {column} = ?1"), [value], raw_job)
        .optional()?;
    raw.map(parse_job).transpose()
}

impl JobStore for SqliteStore {
    fn create_job(&self, job: &NewJob) -> Result<Created, StoreError> {
        let id = new_job_id();
        let conn = lock(&self.writer);
        // The UNIQUE key decides: a second insert with the same key changes nothing.
        let inserted = conn.execute(
            "INSERT INTO job (id, kind, state, idempotency_key, request_digest, request, \
             created_at) VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6) \
             ON CONFLICT (idempotency_key) DO NOTHING",
            params![
                id.as_str(),
                job.kind,
                job.idempotency_key,
                job.request_digest,
                job.request.to_string(),
                now_text(),
            ],
        )?;
        if inserted == 1 {
            let record = select_job(&conn, "id", id.as_str())?;
            return record.map(Created::New).ok_or(StoreError::JobNotFound(id));
        }
        let key = job.idempotency_key.as_deref().unwrap_or_default();
        select_job(&conn, "idempotency_key", key)?
            .map(Created::Existing)
            .ok_or(StoreError::JobNotFound(id))
    }

    fn job(&self, id: &JobId) -> Result<JobRecord, StoreError> {
        self.read(|conn| select_job(conn, "id", id.as_str()))?
            .ok_or_else(|| StoreError::JobNotFound(id.clone()))
    }

    fn job_by_key(&self, key: &str) -> Result<Option<JobRecord>, StoreError> {
        self.read(|conn| select_job(conn, "idempotency_key", key))
    }

    fn start_job(&self, id: &JobId) -> Result<bool, StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute(
            "UPDATE job SET state = 'running', started_at = ?2 WHERE id = ?1 AND state = 'queued'",
            params![id.as_str(), now_text()],
        )?;
        Ok(n == 1)
    }

    fn finish_job(
        &self,
        id: &JobId,
        outcome: &JobOutcome,
        progress: &JobProgress,
    ) -> Result<bool, StoreError> {
        let (state, result, error) = outcome.columns();
        let conn = lock(&self.writer);
        let n = conn.execute(
            "UPDATE job SET state = ?2, finished_at = ?3, result = ?4, error_code = ?5, \
             error_message = ?6, progress_done = ?7, progress_total = ?8, phase = ?9 \
             WHERE id = ?1 AND state IN ('queued', 'running')",
            params![
                id.as_str(),
                state.as_str(),
                now_text(),
                result,
                error.map(|e| e.code.as_str()),
                error.map(|e| e.message.as_str()),
                i64::try_from(progress.done).unwrap_or(i64::MAX),
                i64::try_from(progress.total).unwrap_or(i64::MAX),
                progress.phase,
            ],
        )?;
        Ok(n == 1)
    }

    fn fail_unfinished(&self, reason: &str) -> Result<usize, StoreError> {
        let conn = lock(&self.writer);
        Ok(conn.execute(
            "UPDATE job SET state = 'failed', finished_at = ?1, error_code = 'interrupted', \
             error_message = ?2 WHERE state IN ('queued', 'running')",
            params![now_text(), reason],
        )?)
    }

    fn count_jobs(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        let raw: Vec<(String, i64)> = self.read(|conn| {
            let mut stmt = conn.prepare("SELECT state, COUNT(*) FROM job GROUP BY state")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        let mut out: Vec<(JobState, u64)> = JobState::ALL.iter().map(|&s| (s, 0)).collect();
        for (state, n) in raw {
            let s = JobState::parse(&state).ok_or_else(|| StoreError::CorruptJob {
                job: String::new(),
                field: "state",
                message: state.clone(),
            })?;
            if let Some(slot) = out.iter_mut().find(|(k, _)| *k == s) {
                slot.1 = u64::try_from(n).unwrap_or(0);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::test_backends::on_both_backends;

    fn new_job(key: Option<&str>) -> NewJob {
        NewJob {
            kind: "forecast".into(),
            idempotency_key: key.map(str::to_owned),
            request_digest: "d1".into(),
            request: serde_json::json!({"horizon": 7}),
        }
    }

    on_both_backends!(
        a_job_moves_forward_only,
        one_key_one_job_and_unfinished_jobs_fail_on_restart
    );

    fn a_job_moves_forward_only(store: &Store) {
        let Created::New(job) = store.create_job(&new_job(None)).unwrap() else { panic!() };
        assert_eq!(job.state, JobState::Queued);
        assert!(store.start_job(&job.id).unwrap());
        assert!(!store.start_job(&job.id).unwrap());
        let progress =
            JobProgress { done: 3, total: 3, phase: Some("forecast".into()), message: None };
        let out = JobOutcome::Succeeded(serde_json::json!({"run_id": "r"}));
        assert!(store.finish_job(&job.id, &out, &progress).unwrap());
        let cancel =
            JobOutcome::Cancelled(JobError { code: "cancelled".into(), message: "".into() });
        assert!(!store.finish_job(&job.id, &cancel, &progress).unwrap());
        let back = store.job(&job.id).unwrap();
        assert_eq!(back.state, JobState::Succeeded);
        assert_eq!(back.result, Some(serde_json::json!({"run_id": "r"})));
        assert_eq!(back.progress, progress);
        assert!(back.started_at.is_some() && back.finished_at.is_some());
    }

    fn one_key_one_job_and_unfinished_jobs_fail_on_restart(store: &Store) {
        let Created::New(a) = store.create_job(&new_job(Some("k"))).unwrap() else { panic!() };
        let mut other = new_job(Some("k"));
        other.request_digest = "d2".into();
        let Created::Existing(b) = store.create_job(&other).unwrap() else { panic!() };
        assert_eq!(a.id, b.id);
        assert_eq!(b.request_digest, "d1");
        let Created::New(c) = store.create_job(&new_job(None)).unwrap() else { panic!() };
        assert!(store.start_job(&c.id).unwrap());
        // One owner of an SQLite file: its queued job dies with it too. A shared store's
        // queued job stays for any worker (`store::queue`).
        let failed = if matches!(store, Store::Sqlite(_)) { 2 } else { 1 };
        assert_eq!(store.fail_unfinished("interrupted by restart").unwrap(), failed);
        let back = store.job(&c.id).unwrap();
        assert_eq!(back.state, JobState::Failed);
        assert_eq!(back.error.unwrap().message, "interrupted by restart");
        let counts = store.count_jobs().unwrap();
        assert!(counts.contains(&(JobState::Failed, failed as u64)));
        assert!(matches!(store.job(&JobId::new("nope")), Err(StoreError::JobNotFound(_))));
    }
}
