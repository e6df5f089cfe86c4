//! The job queue any process can run: claims, leases, heartbeats, retries, cancel requests.
//!
//! A worker (a `stockroute worker`, or a `serve` with job workers) takes the oldest queued
//! job with [`JobQueue::claim_job`] and holds it under a *lease*: a token naming the worker
//! and the attempt, and an expiry time the holder pushes forward with
//! [`JobQueue::renew_lease`] (its heartbeat). A worker that dies stops renewing; once its
//! lease has run out the job is claimed again by whoever asks next, up to the job's
//! `max_attempts` claims ([`MAX_ATTEMPTS`]), and then [`JobQueue::reap_expired`] fails it
//! with code `lease_expired` and the reason. So a job is never lost with its worker, and
//! one that kills every worker that touches it (a poison job) cannot loop forever.
//!
//! # Only the holder writes
//! Every write of a running job names its lease token: [`JobQueue::finish_leased`] writes
//! the final state *and* the result in one UPDATE guarded by the token, so a worker whose
//! lease was taken over (it stalled past its lease, another worker claimed the job) writes
//! nothing and learns so (`false`); the job ends exactly once, with one result.
//!
//! # Cancels
//! A cancel of a queued job ends it at once. A running job may be held by another process,
//! so [`JobQueue::request_cancel`] sets a flag on the row; the holder reads it with its next
//! heartbeat ([`Beat::Held`]) and stops its solver. A cancelled job whose worker died is
//! ended as cancelled when its lease runs out, not run again.
//!
//! # Backends
//! On PostgreSQL the claim selects with `FOR UPDATE SKIP LOCKED`, so concurrent claimers
//! never wait on each other's row and never take the same one, and lease times are the
//! database server's clock (workers on machines whose clocks disagree still agree on
//! expiry). On SQLite one process owns the file and its one writer connection serialises
//! the claims; lease times are that process's clock.

use super::StoreError;
use super::jobs::{JobError, JobOutcome, JobProgress, JobRecord, JobState};
use super::sqlite::{SqliteStore, lock};
use crate::ids::JobId;
use rusqlite::{OptionalExtension, params};
use std::time::Duration;

/// How many times a job is claimed at most (the first run and two retries after its
/// worker died); the default of the `max_attempts` column (migration 0007).
pub const MAX_ATTEMPTS: u32 = 3;

/// The longest lease a worker may take: a bound on how long a dead worker's job waits
/// before it is retried.
pub const MAX_LEASE: Duration = Duration::from_secs(3600);

/// The shortest lease: below it a loaded machine's heartbeats would miss it.
pub const MIN_LEASE: Duration = Duration::from_millis(200);

/// A worker's hold on a running job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The job held.
    pub job: JobId,
    /// `<worker>/<attempt>`: every write of the holder names it.
    pub token: String,
    /// Which claim of the job this is (1 = first run).
    pub attempt: u32,
}

/// A job taken by a worker, with its lease.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    /// The job as it was claimed (state `running`).
    pub record: JobRecord,
    /// The lease to renew and to finish with.
    pub lease: Lease,
}

/// What a heartbeat learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    /// The lease is still this worker's; `cancel_requested` when a client asked the job
    /// to stop.
    Held {
        /// A client asked to cancel the job.
        cancel_requested: bool,
    },
    /// The lease is no longer this worker's (taken over after it ran out, or the job was
    /// ended): stop, and write nothing.
    Lost,
}

/// What [`JobQueue::request_cancel`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRequest {
    /// The job was queued: it is cancelled now.
    Cancelled,
    /// The job is running: its holder will see the request with its next heartbeat.
    Requested,
    /// The job had already ended, in this state.
    Finished(JobState),
}

/// Jobs ended by [`JobQueue::reap_expired`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reaped {
    /// Failed with `lease_expired`: their worker died on their last attempt.
    pub failed: usize,
    /// Cancelled: a cancel was requested and their worker died before it stopped.
    pub cancelled: usize,
}

/// The shared job queue (see the module docs).
pub trait JobQueue: Send + Sync {
    /// Claims the oldest claimable job for `worker` under a lease of `lease` (clamped to
    /// [`MIN_LEASE`]..=[`MAX_LEASE`]): a queued job, or a running one whose lease ran out
    /// with attempts left and no cancel requested. `None` when there is none.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Postgres`], [`StoreError::CorruptJob`].
    fn claim_job(&self, worker: &str, lease: Duration) -> Result<Option<Claimed>, StoreError>;

    /// The holder's heartbeat: extends the lease by `lease` from now and stores `progress`
    /// (so any server shows it); tells whether the lease is still held and a cancel asked.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Postgres`].
    fn renew_lease(
        &self,
        lease: &Lease,
        ttl: Duration,
        progress: &JobProgress,
    ) -> Result<Beat, StoreError>;

    /// Ends the held job with `outcome` (state, result or error) and `progress` in one
    /// write; `false`, writing nothing, when the lease is no longer held.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Postgres`].
    fn finish_leased(
        &self,
        lease: &Lease,
        outcome: &JobOutcome,
        progress: &JobProgress,
    ) -> Result<bool, StoreError>;

    /// Gives the held job back to the queue, its attempt not counted (a worker shutting
    /// down); `false` when the lease is no longer held.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Postgres`].
    fn release_lease(&self, lease: &Lease) -> Result<bool, StoreError>;

    /// Cancels a queued job at once (with `reason`), or asks the holder of a running one
    /// to stop.
    ///
    /// # Errors
    /// [`StoreError::JobNotFound`], [`StoreError::Database`], [`StoreError::Postgres`],
    /// [`StoreError::CorruptJob`].
    fn request_cancel(&self, id: &JobId, reason: &JobError) -> Result<CancelRequest, StoreError>;

    /// Ends the running jobs whose lease ran out and that may not be claimed again: failed
    /// after their last attempt, cancelled when a cancel was requested.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Postgres`].
    fn reap_expired(&self) -> Result<Reaped, StoreError>;

    /// How many jobs are queued.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Postgres`].
    fn queued_jobs(&self) -> Result<u64, StoreError>;

    /// Fails every queued job with code `interrupted` and `reason` (a single-owner service
    /// shutting down: nobody else will run them); returns how many.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Postgres`].
    fn fail_queued(&self, reason: &str) -> Result<usize, StoreError>;
}

/// `lease` within [`MIN_LEASE`]..=[`MAX_LEASE`], in milliseconds.
pub(crate) fn lease_ms(lease: Duration) -> i64 {
    let ms = lease.clamp(MIN_LEASE, MAX_LEASE).as_millis();
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// A progress count as stored.
pub(crate) fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The SET expressions of a lease holder's end: a cancel a client asked for wins over a
/// success that raced it (the holder's last heartbeat came before the request), so every
/// accepted cancel ends the job cancelled. Parameters: 3 state, 5 result, 6 code,
/// 7 message; `flag` is the SQL truth of `cancel_requested`.
pub(crate) struct CancelWins {
    pub state: &'static str,
    pub result: &'static str,
    pub code: &'static str,
    pub message: &'static str,
}

macro_rules! cancel_wins {
    ($flag:literal, $p:literal) => {
        CancelWins {
            state: concat!(
                "CASE WHEN ",
                $flag,
                " AND ",
                $p,
                "3 = 'succeeded' THEN 'cancelled' ELSE ",
                $p,
                "3 END"
            ),
            result: concat!("CASE WHEN ", $flag, " THEN NULL ELSE ", $p, "5 END"),
            code: concat!(
                "CASE WHEN ",
                $flag,
                " AND ",
                $p,
                "3 = 'succeeded' THEN 'cancelled' ELSE ",
                $p,
                "6 END"
            ),
            message: concat!(
                "CASE WHEN ",
                $flag,
                " AND ",
                $p,
                "3 = 'succeeded' THEN 'cancelled by the client' ELSE ",
                $p,
                "7 END"
            ),
        }
    };
}

/// [`CancelWins`] in SQLite's terms.
pub(crate) const CANCEL_WINS: CancelWins = cancel_wins!("cancel_requested = 1", "?");

/// [`CancelWins`] in PostgreSQL's terms.
pub(crate) const CANCEL_WINS_PG: CancelWins = cancel_wins!("cancel_requested", "$");

/// The reason written on a job failed after its last attempt.
pub(crate) const EXPIRED_MESSAGE: &str = "the worker running the job stopped renewing its \
    lease (it died or lost the store) on its last attempt; the job was not retried again";

/// The reason written on a cancelled job whose worker died before it stopped.
pub(crate) const CANCELLED_MESSAGE: &str =
    "cancelled by the client (its worker stopped before the job did)";

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl JobQueue for SqliteStore {
    fn claim_job(&self, worker: &str, lease: Duration) -> Result<Option<Claimed>, StoreError> {
        let conn = lock(&self.writer);
        let now = now_ms();
        let claimed: Option<(String, i64, String)> = conn
            .query_row(
                "UPDATE job SET state = 'running', started_at = COALESCE(started_at, ?1), \
                 attempts = attempts + 1, lease_token = ?2 || '/' || (attempts + 1), \
                 lease_until_ms = ?3 + ?4 \
                 WHERE id = (SELECT id FROM job WHERE state = 'queued' \
                    OR (state = 'running' AND lease_until_ms < ?3 AND attempts < max_attempts \
                        AND cancel_requested = 0) \
                    ORDER BY created_at, id LIMIT 1) \
                 RETURNING id, attempts, lease_token",
                params![super::jobs::now_text(), worker, now, lease_ms(lease)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        drop(conn);
        let Some((id, attempt, token)) = claimed else { return Ok(None) };
        let job = JobId::new(id);
        let record = super::JobStore::job(self, &job)?;
        let attempt = u32::try_from(attempt).unwrap_or(u32::MAX);
        Ok(Some(Claimed { record, lease: Lease { job, token, attempt } }))
    }

    fn renew_lease(
        &self,
        lease: &Lease,
        ttl: Duration,
        progress: &JobProgress,
    ) -> Result<Beat, StoreError> {
        let conn = lock(&self.writer);
        let cancel: Option<i64> = conn
            .query_row(
                "UPDATE job SET lease_until_ms = ?3, progress_done = ?4, progress_total = ?5, \
                 phase = ?6 WHERE id = ?1 AND state = 'running' AND lease_token = ?2 \
                 RETURNING cancel_requested",
                params![
                    lease.job.as_str(),
                    lease.token,
                    now_ms().saturating_add(lease_ms(ttl)),
                    count(progress.done),
                    count(progress.total),
                    progress.phase,
                ],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match cancel {
            Some(flag) => Beat::Held { cancel_requested: flag != 0 },
            None => Beat::Lost,
        })
    }

    fn finish_leased(
        &self,
        lease: &Lease,
        outcome: &JobOutcome,
        progress: &JobProgress,
    ) -> Result<bool, StoreError> {
        let (state, result, error) = outcome.columns();
        let conn = lock(&self.writer);
        let n = conn.execute(
            &format!(
                "UPDATE job SET state = {s}, finished_at = ?4, result = {r}, \
                 error_code = {c}, error_message = {m}, progress_done = ?8, \
                 progress_total = ?9, phase = ?10, lease_until_ms = NULL \
                 WHERE id = ?1 AND state = 'running' AND lease_token = ?2",
                s = CANCEL_WINS.state,
                r = CANCEL_WINS.result,
                c = CANCEL_WINS.code,
                m = CANCEL_WINS.message,
            ),
            params![
                lease.job.as_str(),
                lease.token,
                state.as_str(),
                super::jobs::now_text(),
                result,
                error.map(|e| e.code.as_str()),
                error.map(|e| e.message.as_str()),
                count(progress.done),
                count(progress.total),
                progress.phase,
            ],
        )?;
        Ok(n == 1)
    }

    fn release_lease(&self, lease: &Lease) -> Result<bool, StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute(
            "UPDATE job SET state = 'queued', lease_token = NULL, lease_until_ms = NULL, \
             attempts = attempts - 1 WHERE id = ?1 AND state = 'running' AND lease_token = ?2",
            params![lease.job.as_str(), lease.token],
        )?;
        Ok(n == 1)
    }

    fn request_cancel(&self, id: &JobId, reason: &JobError) -> Result<CancelRequest, StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute(
            "UPDATE job SET state = 'cancelled', finished_at = ?2, error_code = ?3, \
             error_message = ?4 WHERE id = ?1 AND state = 'queued'",
            params![id.as_str(), super::jobs::now_text(), reason.code, reason.message],
        )?;
        if n == 1 {
            return Ok(CancelRequest::Cancelled);
        }
        let n = conn.execute(
            "UPDATE job SET cancel_requested = 1 WHERE id = ?1 AND state = 'running'",
            [id.as_str()],
        )?;
        if n == 1 {
            return Ok(CancelRequest::Requested);
        }
        drop(conn);
        Ok(CancelRequest::Finished(super::JobStore::job(self, id)?.state))
    }

    fn reap_expired(&self) -> Result<Reaped, StoreError> {
        let conn = lock(&self.writer);
        let (now, at) = (now_ms(), super::jobs::now_text());
        let cancelled = conn.execute(
            "UPDATE job SET state = 'cancelled', finished_at = ?2, error_code = 'cancelled', \
             error_message = ?3, lease_until_ms = NULL \
             WHERE state = 'running' AND lease_until_ms < ?1 AND cancel_requested = 1",
            params![now, at, CANCELLED_MESSAGE],
        )?;
        let failed = conn.execute(
            "UPDATE job SET state = 'failed', finished_at = ?2, error_code = 'lease_expired', \
             error_message = ?3, lease_until_ms = NULL \
             WHERE state = 'running' AND lease_until_ms < ?1 AND attempts >= max_attempts",
            params![now, at, EXPIRED_MESSAGE],
        )?;
        Ok(Reaped { failed, cancelled })
    }

    fn queued_jobs(&self) -> Result<u64, StoreError> {
        let n: i64 = self.read(|conn| {
            Ok(conn
                .query_row("SELECT COUNT(*) FROM job WHERE state = 'queued'", [], |r| r.get(0))?)
        })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn fail_queued(&self, reason: &str) -> Result<usize, StoreError> {
        let conn = lock(&self.writer);
        Ok(conn.execute(
            "UPDATE job SET state = 'failed', finished_at = ?1, error_code = 'interrupted', \
             error_message = ?2 WHERE state = 'queued'",
            params![super::jobs::now_text(), reason],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::jobs::{Created, JobStore, NewJob};
    use crate::store::test_backends::on_both_backends;

    fn queue_one(store: &Store, kind: &str) -> JobId {
        let job = NewJob {
            kind: kind.into(),
            idempotency_key: None,
            request_digest: kind.into(),
            request: serde_json::json!({}),
        };
        let Created::New(job) = store.create_job(&job).unwrap() else { panic!() };
        job.id
    }

    fn done(v: &str) -> JobOutcome {
        JobOutcome::Succeeded(serde_json::json!({ "by": v }))
    }

    /// Waits until a lease of `ms` has surely run out (on either clock).
    fn outlive(lease: Duration) {
        std::thread::sleep(lease + Duration::from_millis(150));
    }

    on_both_backends!(
        claims_take_the_oldest_job_once_and_none_when_empty,
        an_expired_lease_is_retried_then_failed_with_its_reason,
        a_stale_worker_cannot_write_its_result,
        a_cancel_reaches_the_holder_and_a_queued_job_ends_at_once,
        a_released_job_is_queued_again_without_counting_the_attempt
    );

    fn claims_take_the_oldest_job_once_and_none_when_empty(store: &Store) {
        let a = queue_one(store, "a");
        let b = queue_one(store, "b");
        let first = store.claim_job("w1", Duration::from_secs(30)).unwrap().unwrap();
        let second = store.claim_job("w2", Duration::from_secs(30)).unwrap().unwrap();
        // Oldest first; two jobs made in one millisecond come in either order.
        let mut got = [first.record.id.clone(), second.record.id.clone()];
        got.sort();
        let mut want = [a.clone(), b];
        want.sort();
        assert_eq!(got, want);
        assert_eq!(first.record.state, JobState::Running);
        assert_eq!((first.lease.attempt, first.lease.token.as_str()), (1, "w1/1"));
        assert!(store.claim_job("w3", Duration::from_secs(30)).unwrap().is_none());
        assert_eq!(store.queued_jobs().unwrap(), 0);
        let progress = JobProgress { done: 2, total: 5, phase: Some("p".into()), message: None };
        let beat = store.renew_lease(&first.lease, Duration::from_secs(30), &progress).unwrap();
        assert_eq!(beat, Beat::Held { cancel_requested: false });
        let held = store.job(&first.record.id).unwrap();
        assert_eq!(held.progress, progress, "the heartbeat stores progress");
        assert!(store.finish_leased(&first.lease, &done("w1"), &progress).unwrap());
        assert!(!store.finish_leased(&first.lease, &done("w1"), &progress).unwrap());
        let back = store.job(&first.record.id).unwrap();
        assert_eq!(
            (back.state, back.result),
            (JobState::Succeeded, Some(serde_json::json!({"by": "w1"})))
        );
        assert_eq!(
            store.renew_lease(&first.lease, Duration::from_secs(1), &progress).unwrap(),
            Beat::Lost
        );
    }

    fn an_expired_lease_is_retried_then_failed_with_its_reason(store: &Store) {
        let id = queue_one(store, "poison");
        let short = MIN_LEASE;
        for attempt in 1..=MAX_ATTEMPTS {
            let claimed = store.claim_job(&format!("w{attempt}"), short).unwrap().unwrap();
            assert_eq!((claimed.record.id.clone(), claimed.lease.attempt), (id.clone(), attempt));
            // Not claimable while its lease runs.
            assert!(store.claim_job("other", short).unwrap().is_none());
            assert_eq!(store.reap_expired().unwrap(), Reaped::default());
            outlive(short);
        }
        // The last attempt's lease ran out: not claimed again, failed with the reason.
        assert!(store.claim_job("late", short).unwrap().is_none());
        assert_eq!(store.reap_expired().unwrap(), Reaped { failed: 1, cancelled: 0 });
        let back = store.job(&id).unwrap();
        assert_eq!(back.state, JobState::Failed);
        let error = back.error.unwrap();
        assert_eq!(error.code, "lease_expired");
        assert!(error.message.contains("stopped renewing its lease"), "{}", error.message);
    }

    fn a_stale_worker_cannot_write_its_result(store: &Store) {
        let id = queue_one(store, "slow");
        let stale = store.claim_job("stalled", MIN_LEASE).unwrap().unwrap();
        outlive(MIN_LEASE);
        let fresh = store.claim_job("fresh", Duration::from_secs(30)).unwrap().unwrap();
        assert_eq!((fresh.record.id.clone(), fresh.lease.attempt), (id.clone(), 2));
        let p = JobProgress::default();
        // The stalled worker wakes up: its heartbeat and its result are refused.
        assert_eq!(
            store.renew_lease(&stale.lease, Duration::from_secs(30), &p).unwrap(),
            Beat::Lost
        );
        assert!(!store.finish_leased(&stale.lease, &done("stalled"), &p).unwrap());
        assert!(!store.release_lease(&stale.lease).unwrap());
        assert!(store.finish_leased(&fresh.lease, &done("fresh"), &p).unwrap());
        let back = store.job(&id).unwrap();
        assert_eq!(back.result, Some(serde_json::json!({"by": "fresh"})));
    }

    fn a_cancel_reaches_the_holder_and_a_queued_job_ends_at_once(store: &Store) {
        let reason =
            JobError { code: "cancelled".into(), message: "cancelled while queued".into() };
        let queued = queue_one(store, "q");
        assert_eq!(store.request_cancel(&queued, &reason).unwrap(), CancelRequest::Cancelled);
        assert_eq!(store.job(&queued).unwrap().state, JobState::Cancelled);
        assert!(store.claim_job("w", Duration::from_secs(30)).unwrap().is_none());
        let running = queue_one(store, "r");
        let held = store.claim_job("w", Duration::from_secs(30)).unwrap().unwrap();
        let p = JobProgress::default();
        let beat = store.renew_lease(&held.lease, Duration::from_secs(30), &p).unwrap();
        assert_eq!(beat, Beat::Held { cancel_requested: false });
        assert_eq!(store.request_cancel(&running, &reason).unwrap(), CancelRequest::Requested);
        let beat = store.renew_lease(&held.lease, Duration::from_secs(30), &p).unwrap();
        assert_eq!(beat, Beat::Held { cancel_requested: true });
        // The holder's success raced the cancel: the accepted cancel wins.
        assert!(store.finish_leased(&held.lease, &done("w"), &p).unwrap());
        let back = store.job(&running).unwrap();
        assert_eq!((back.state, back.result), (JobState::Cancelled, None));
        assert_eq!(back.error.unwrap().code, "cancelled");
        assert_eq!(
            store.request_cancel(&running, &reason).unwrap(),
            CancelRequest::Finished(JobState::Cancelled)
        );
        // A cancelled job whose holder died ends cancelled when its lease runs out.
        let orphan = queue_one(store, "o");
        store.claim_job("dies", MIN_LEASE).unwrap().unwrap();
        assert_eq!(store.request_cancel(&orphan, &reason).unwrap(), CancelRequest::Requested);
        outlive(MIN_LEASE);
        assert!(store.claim_job("w", Duration::from_secs(30)).unwrap().is_none());
        assert_eq!(store.reap_expired().unwrap(), Reaped { failed: 0, cancelled: 1 });
        assert_eq!(store.job(&orphan).unwrap().state, JobState::Cancelled);
        assert!(matches!(
            store.request_cancel(&JobId::new("nope"), &reason),
            Err(StoreError::JobNotFound(_))
        ));
    }

    fn a_released_job_is_queued_again_without_counting_the_attempt(store: &Store) {
        let id = queue_one(store, "r");
        let held = store.claim_job("leaving", Duration::from_secs(30)).unwrap().unwrap();
        assert!(store.release_lease(&held.lease).unwrap());
        assert_eq!(store.job(&id).unwrap().state, JobState::Queued);
        assert_eq!(store.queued_jobs().unwrap(), 1);
        let again = store.claim_job("next", Duration::from_secs(30)).unwrap().unwrap();
        assert_eq!((again.record.id, again.lease.attempt), (id, 1));
        queue_one(store, "q");
        assert_eq!(store.fail_queued("shut down").unwrap(), 1);
    }
}
