//! Service jobs, their pages and plan reports on PostgreSQL.
//!
//! The statements are SQLite's (state guards in every UPDATE, `ON CONFLICT DO NOTHING` on
//! the idempotency key) with PostgreSQL's parameters; rows are parsed by the same functions
//! as SQLite's (`store::jobs::parse_job`, `store::listing::parse_job`). What differs is
//! [`JobStore::fail_unfinished`]: it fails only the unleased running jobs whose owner is
//! gone (module docs of [`super`]), since other live processes share the table and any
//! worker runs the queued ones (`store::queue`).

use super::{OWNER_IS_DEAD, PgStore};
use crate::ids::JobId;
use crate::store::StoreError;
use crate::store::jobs::{
    self, Created, JobOutcome, JobProgress, JobRecord, JobState, JobStore, NewJob,
};
use crate::store::listing::{self, After, JobFilter, JobSummary};
use postgres::GenericClient;
use postgres::types::ToSql;

fn raw_job(r: &postgres::Row) -> Result<jobs::RawJob, postgres::Error> {
    Ok((
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
        r.try_get(7)?,
        r.try_get(8)?,
        r.try_get(9)?,
        r.try_get(10)?,
        r.try_get(11)?,
        r.try_get(12)?,
        r.try_get(13)?,
        r.try_get(14)?,
    ))
}

fn raw_summary(r: &postgres::Row) -> Result<listing::RawJob, postgres::Error> {
    Ok((
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
        r.try_get(6)?,
        r.try_get(7)?,
        r.try_get(8)?,
        r.try_get(9)?,
        r.try_get(10)?,
    ))
}

pub(super) fn select_job(
    conn: &mut impl GenericClient,
    column: &str,
    value: &str,
) -> Result<Option<JobRecord>, StoreError> {
    let sql = format!("SELECT {} FROM job WHERE {column} = $1", jobs::JOB_COLUMNS);
    match conn.query_opt(&sql, &[&value])? {
        Some(r) => Ok(Some(jobs::parse_job(raw_job(&r)?)?)),
        None => Ok(None),
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl JobStore for PgStore {
    fn create_job(&self, job: &NewJob) -> Result<Created, StoreError> {
        let id = jobs::new_job_id();
        let mut conn = self.conn()?;
        // The UNIQUE key decides: a second insert with the same key changes nothing (a
        // concurrent one waits for the first to commit, then does nothing).
        let inserted = conn.execute(
            "INSERT INTO job (id, kind, state, idempotency_key, request_digest, request, \
             created_at, owner) VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7) \
             ON CONFLICT (idempotency_key) DO NOTHING",
            &[
                &id.as_str(),
                &job.kind,
                &job.idempotency_key,
                &job.request_digest,
                &job.request.to_string(),
                &jobs::now_text(),
                &self.owner,
            ],
        )?;
        if inserted == 1 {
            let record = select_job(&mut *conn, "id", id.as_str())?;
            return record.map(Created::New).ok_or(StoreError::JobNotFound(id));
        }
        let key = job.idempotency_key.as_deref().unwrap_or_default();
        select_job(&mut *conn, "idempotency_key", key)?
            .map(Created::Existing)
            .ok_or(StoreError::JobNotFound(id))
    }

    fn job(&self, id: &JobId) -> Result<JobRecord, StoreError> {
        select_job(&mut *self.conn()?, "id", id.as_str())?
            .ok_or_else(|| StoreError::JobNotFound(id.clone()))
    }

    fn job_by_key(&self, key: &str) -> Result<Option<JobRecord>, StoreError> {
        select_job(&mut *self.conn()?, "idempotency_key", key)
    }

    fn start_job(&self, id: &JobId) -> Result<bool, StoreError> {
        let n = self.conn()?.execute(
            "UPDATE job SET state = 'running', started_at = $2, owner = $3 \
             WHERE id = $1 AND state = 'queued'",
            &[&id.as_str(), &jobs::now_text(), &self.owner],
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
        let n = self.conn()?.execute(
            "UPDATE job SET state = $2, finished_at = $3, result = $4, error_code = $5, \
             error_message = $6, progress_done = $7, progress_total = $8, phase = $9 \
             WHERE id = $1 AND state IN ('queued', 'running')",
            &[
                &id.as_str(),
                &state.as_str(),
                &jobs::now_text(),
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

    /// Marks failed every running job started without a lease ([`JobStore::start_job`])
    /// whose owner holds no live session (this store's own jobs included unless it was
    /// opened with [`PgStore::open_owned`]); another live process's jobs are left to it.
    /// Queued jobs stay queued and leased jobs are left to their leases: any worker on
    /// the database runs them, and retries a dead worker's (`store::queue`).
    fn fail_unfinished(&self, reason: &str) -> Result<usize, StoreError> {
        let n = self.conn()?.execute(
            &format!(
                "UPDATE job SET state = 'failed', finished_at = $1, error_code = 'interrupted', \
                 error_message = $2 WHERE state = 'running' AND lease_until_ms IS NULL \
                 AND {OWNER_IS_DEAD}"
            ),
            &[&jobs::now_text(), &reason],
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn count_jobs(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        let rows = self.conn()?.query("SELECT state, COUNT(*) FROM job GROUP BY state", &[])?;
        let mut out: Vec<(JobState, u64)> = JobState::ALL.iter().map(|&s| (s, 0)).collect();
        for r in rows {
            let state: String = r.try_get(0)?;
            let n: i64 = r.try_get(1)?;
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

impl PgStore {
    /// As [`SqliteStore::jobs_page`](crate::store::SqliteStore::jobs_page).
    ///
    /// # Errors
    /// [`StoreError::Postgres`], [`StoreError::CorruptJob`].
    ///
    /// # Complexity
    /// A range scan of the `(kind | state, created_at, id)` index.
    pub fn jobs_page(
        &self,
        filter: &JobFilter,
        after: Option<&After>,
        limit: usize,
    ) -> Result<Vec<JobSummary>, StoreError> {
        let mut conditions = Vec::new();
        let mut values: Vec<String> = Vec::new();
        if let Some(kind) = &filter.kind {
            values.push(kind.clone());
            conditions.push(format!("kind = ${}", values.len()));
        }
        if let Some(state) = filter.state {
            values.push(state.as_str().to_owned());
            conditions.push(format!("state = ${}", values.len()));
        }
        if let Some(after) = after {
            let (condition, params) =
                after.condition_numbered("created_at", "id", values.len() + 1);
            conditions.push(condition);
            values.extend(params);
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {} FROM job {filter_sql} ORDER BY created_at DESC, id DESC {}",
            listing::JOB_SUMMARY_COLUMNS,
            listing::limit_sql(limit)
        );
        let params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let rows = self.conn()?.query(&sql, &params)?;
        rows.iter().map(|r| listing::parse_job(raw_summary(r)?)).collect()
    }

    /// As [`SqliteStore::job_summary`](crate::store::SqliteStore::job_summary).
    ///
    /// # Errors
    /// [`StoreError::JobNotFound`], [`StoreError::Postgres`], [`StoreError::CorruptJob`].
    pub fn job_summary(&self, id: &JobId) -> Result<JobSummary, StoreError> {
        let sql = format!("SELECT {} FROM job WHERE id = $1", listing::JOB_SUMMARY_COLUMNS);
        match self.conn()?.query_opt(&sql, &[&id.as_str()])? {
            Some(r) => listing::parse_job(raw_summary(&r)?),
            None => Err(StoreError::JobNotFound(id.clone())),
        }
    }

    /// As [`SqliteStore::put_plan_report`](crate::store::SqliteStore::put_plan_report).
    ///
    /// # Errors
    /// [`StoreError::JobNotFound`], [`StoreError::Postgres`].
    pub fn put_plan_report(&self, job: &JobId, html: &str) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        if conn.query_opt("SELECT 1 FROM job WHERE id = $1", &[&job.as_str()])?.is_none() {
            return Err(StoreError::JobNotFound(job.clone()));
        }
        conn.execute(
            "INSERT INTO plan_report (job_id, created_at, html) VALUES ($1, $2, $3) \
             ON CONFLICT (job_id) DO NOTHING",
            &[&job.as_str(), &jobs::now_text(), &html],
        )?;
        Ok(())
    }

    /// As [`SqliteStore::plan_report`](crate::store::SqliteStore::plan_report).
    ///
    /// # Errors
    /// [`StoreError::Postgres`].
    pub fn plan_report(&self, job: &JobId) -> Result<Option<String>, StoreError> {
        let row = self
            .conn()?
            .query_opt("SELECT html FROM plan_report WHERE job_id = $1", &[&job.as_str()])?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }
}
