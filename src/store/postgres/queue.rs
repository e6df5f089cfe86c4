//! The job queue on PostgreSQL: claims with `FOR UPDATE SKIP LOCKED`, lease times on the
//! server's clock (`store::queue` has the design).
//!
//! The claim is one statement: a CTE picks the oldest claimable row, locking it and
//! skipping rows other claimers hold, and the UPDATE takes it. Concurrent claimers each get
//! a different job or none, and never block on each other. A cancel that races a claim
//! waits for the claimer's row lock, then finds the job running and sets the flag the
//! holder's heartbeat reads (READ COMMITTED re-reads the row after the lock).

use super::PgStore;
use crate::ids::JobId;
use crate::store::StoreError;
use crate::store::jobs::{JobError, JobOutcome, JobProgress, JobState, JobStore, now_text};
use crate::store::queue::{
    Beat, CANCEL_WINS_PG, CANCELLED_MESSAGE, CancelRequest, Claimed, EXPIRED_MESSAGE, JobQueue,
    Lease, Reaped, count, lease_ms,
};
use std::time::Duration;

/// The database server's time, Unix milliseconds.
const NOW_MS: &str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";

impl JobQueue for PgStore {
    fn claim_job(&self, worker: &str, lease: Duration) -> Result<Option<Claimed>, StoreError> {
        let sql = format!(
            "WITH next AS (SELECT id FROM job WHERE state = 'queued' \
                OR (state = 'running' AND lease_until_ms < {NOW_MS} \
                    AND attempts < max_attempts AND NOT cancel_requested) \
                ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
             UPDATE job SET state = 'running', started_at = COALESCE(started_at, $1), \
                attempts = job.attempts + 1, \
                lease_token = $2 || '/' || (job.attempts + 1)::TEXT, \
                lease_until_ms = {NOW_MS} + $3 \
             FROM next WHERE job.id = next.id \
             RETURNING job.id, job.attempts, job.lease_token"
        );
        let row = self.conn()?.query_opt(&sql, &[&now_text(), &worker, &lease_ms(lease)])?;
        let Some(row) = row else { return Ok(None) };
        let (id, attempt, token): (String, i32, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let job = JobId::new(id);
        let record = self.job(&job)?;
        let attempt = u32::try_from(attempt).unwrap_or(0);
        Ok(Some(Claimed { record, lease: Lease { job, token, attempt } }))
    }

    fn renew_lease(
        &self,
        lease: &Lease,
        ttl: Duration,
        progress: &JobProgress,
    ) -> Result<Beat, StoreError> {
        let sql = format!(
            "UPDATE job SET lease_until_ms = {NOW_MS} + $3, progress_done = $4, \
             progress_total = $5, phase = $6 \
             WHERE id = $1 AND state = 'running' AND lease_token = $2 \
             RETURNING cancel_requested"
        );
        let row = self.conn()?.query_opt(
            &sql,
            &[
                &lease.job.as_str(),
                &lease.token,
                &lease_ms(ttl),
                &count(progress.done),
                &count(progress.total),
                &progress.phase,
            ],
        )?;
        Ok(match row {
            Some(r) => Beat::Held { cancel_requested: r.try_get(0)? },
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
        let n = self.conn()?.execute(
            &format!(
                "UPDATE job SET state = {s}, finished_at = $4, result = {r}, \
                 error_code = {c}, error_message = {m}, progress_done = $8, \
                 progress_total = $9, phase = $10, lease_until_ms = NULL \
                 WHERE id = $1 AND state = 'running' AND lease_token = $2",
                s = CANCEL_WINS_PG.state,
                r = CANCEL_WINS_PG.result,
                c = CANCEL_WINS_PG.code,
                m = CANCEL_WINS_PG.message,
            ),
            &[
                &lease.job.as_str(),
                &lease.token,
                &state.as_str(),
                &now_text(),
                &result,
                &error.map(|e| e.code.as_str()),
                &error.map(|e| e.message.as_str()),
                &count(progress.done),
                &count(progress.total),
                &progress.phase,
            ],
        )?;
        Ok(n == 1)
    }

    fn release_lease(&self, lease: &Lease) -> Result<bool, StoreError> {
        let n = self.conn()?.execute(
            "UPDATE job SET state = 'queued', lease_token = NULL, lease_until_ms = NULL, \
             attempts = attempts - 1 WHERE id = $1 AND state = 'running' AND lease_token = $2",
            &[&lease.job.as_str(), &lease.token],
        )?;
        Ok(n == 1)
    }

    fn request_cancel(&self, id: &JobId, reason: &JobError) -> Result<CancelRequest, StoreError> {
        let mut conn = self.conn()?;
        let n = conn.execute(
            "UPDATE job SET state = 'cancelled', finished_at = $2, error_code = $3, \
             error_message = $4 WHERE id = $1 AND state = 'queued'",
            &[&id.as_str(), &now_text(), &reason.code, &reason.message],
        )?;
        if n == 1 {
            return Ok(CancelRequest::Cancelled);
        }
        let n = conn.execute(
            "UPDATE job SET cancel_requested = TRUE WHERE id = $1 AND state = 'running'",
            &[&id.as_str()],
        )?;
        if n == 1 {
            return Ok(CancelRequest::Requested);
        }
        drop(conn);
        let state: JobState = self.job(id)?.state;
        Ok(CancelRequest::Finished(state))
    }

    fn reap_expired(&self) -> Result<Reaped, StoreError> {
        let mut conn = self.conn()?;
        let at = now_text();
        let cancelled = conn.execute(
            &format!(
                "UPDATE job SET state = 'cancelled', finished_at = $1, error_code = 'cancelled', \
                 error_message = $2, lease_until_ms = NULL \
                 WHERE state = 'running' AND lease_until_ms < {NOW_MS} AND cancel_requested"
            ),
            &[&at, &CANCELLED_MESSAGE],
        )?;
        let failed = conn.execute(
            &format!(
                "UPDATE job SET state = 'failed', finished_at = $1, \
                 error_code = 'lease_expired', error_message = $2, lease_until_ms = NULL \
                 WHERE state = 'running' AND lease_until_ms < {NOW_MS} \
                 AND attempts >= max_attempts"
            ),
            &[&at, &EXPIRED_MESSAGE],
        )?;
        let n = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        Ok(Reaped { failed: n(failed), cancelled: n(cancelled) })
    }

    fn queued_jobs(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn()?
            .query_one("SELECT COUNT(*) FROM job WHERE state = 'queued'", &[])?
            .try_get(0)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn fail_queued(&self, reason: &str) -> Result<usize, StoreError> {
        let n = self.conn()?.execute(
            "UPDATE job SET state = 'failed', finished_at = $1, error_code = 'interrupted', \
             error_message = $2 WHERE state = 'queued'",
            &[&now_text(), &reason],
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}
