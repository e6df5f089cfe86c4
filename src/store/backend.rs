//! One store, either backend: what `--store` names, opened in one place.
//!
//! Every command that names a store (`forecast`, `place`, `runs`, `plan`, `experiment`,
//! `serve`) opens it with [`open`] or [`open_owned`]: a `postgres://` or `postgresql://`
//! URL opens the shared PostgreSQL backend, anything else is an SQLite file (the default,
//! which needs nothing installed). [`Store`] is an enum rather than a trait object because
//! the service uses every store trait plus the SQL pages and reports, which are inherent
//! methods of each backend; the enum forwards each call to the backend it holds, so a
//! caller names one type and both backends stay plain structs that tests can open
//! directly.

use super::jobs::{Created, JobOutcome, JobProgress, JobRecord, JobState, JobStore, NewJob};
use super::listing::{After, JobFilter, JobSummary, RunSummary};
use super::page::{RowFilter, RowsPage};
use super::postgres::PgStore;
use super::queue::{Beat, CancelRequest, Claimed, JobQueue, Lease, Reaped};
use super::sqlite::SqliteStore;
use super::{ForecastRow, ForecastStore, NewRun, RunInfo, StoreError};
use crate::ids::{JobId, RunId, SkuId, ZoneId};
use chrono::{DateTime, Utc};
use std::path::Path;

/// The store behind every trait, in SQLite or PostgreSQL.
#[derive(Debug)]
pub enum Store {
    /// One SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database.
    Postgres(PgStore),
}

/// Calls `$body` with `$s` bound to the backend `$store` holds.
macro_rules! each {
    ($store:expr, $s:ident => $body:expr) => {
        match $store {
            Store::Sqlite($s) => $body,
            Store::Postgres($s) => $body,
        }
    };
}
pub(crate) use each;

/// The PostgreSQL URL that `location` is, if it is one (`postgres://`, `postgresql://`).
pub fn postgres_url(location: &Path) -> Option<&str> {
    let text = location.to_str()?;
    let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
    (lower.starts_with("postgres://") || lower.starts_with("postgresql://")).then_some(text)
}

/// `location` for messages: a file's path, or a URL without its password.
pub fn describe(location: &Path) -> String {
    match postgres_url(location) {
        Some(url) => super::postgres::redact(url),
        None => location.display().to_string(),
    }
}

/// Opens the store at `location`: a PostgreSQL URL, or an SQLite file (created if missing).
///
/// # Errors
/// Those of [`SqliteStore::open`] and [`PgStore::open`].
pub fn open(location: &Path) -> Result<Store, StoreError> {
    match postgres_url(location) {
        Some(url) => PgStore::open(url).map(Store::Postgres),
        None => SqliteStore::open(location).map(Store::Sqlite),
    }
}

/// Opens the store at `location` as an owner of the jobs it runs (the service): see
/// [`SqliteStore::open_owned`] (one owner per file) and [`PgStore::open_owned`] (any
/// number, each with a live lock).
///
/// # Errors
/// Those of [`SqliteStore::open_owned`] and [`PgStore::open_owned`].
pub fn open_owned(location: &Path) -> Result<Store, StoreError> {
    match postgres_url(location) {
        Some(url) => PgStore::open_owned(url).map(Store::Postgres),
        None => SqliteStore::open_owned(location).map(Store::Sqlite),
    }
}

impl Store {
    /// The schema version (SQLite's `user_version`, PostgreSQL's `stockroute_schema`).
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Postgres`], [`StoreError::Connect`].
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        each!(self, s => s.schema_version())
    }

    /// See [`SqliteStore::jobs_page`].
    ///
    /// # Errors
    /// As [`SqliteStore::jobs_page`].
    pub fn jobs_page(
        &self,
        filter: &JobFilter,
        after: Option<&After>,
        limit: usize,
    ) -> Result<Vec<JobSummary>, StoreError> {
        each!(self, s => s.jobs_page(filter, after, limit))
    }

    /// See [`SqliteStore::job_summary`].
    ///
    /// # Errors
    /// As [`SqliteStore::job_summary`].
    pub fn job_summary(&self, id: &JobId) -> Result<JobSummary, StoreError> {
        each!(self, s => s.job_summary(id))
    }

    /// See [`SqliteStore::runs_page`].
    ///
    /// # Errors
    /// As [`SqliteStore::runs_page`].
    pub fn runs_page(
        &self,
        after: Option<&After>,
        limit: usize,
    ) -> Result<Vec<RunSummary>, StoreError> {
        each!(self, s => s.runs_page(after, limit))
    }

    /// See [`SqliteStore::rows_page`].
    ///
    /// # Errors
    /// As [`SqliteStore::rows_page`].
    pub fn rows_page(
        &self,
        id: &RunId,
        filter: &RowFilter,
        offset: u64,
        limit: u64,
    ) -> Result<RowsPage, StoreError> {
        each!(self, s => s.rows_page(id, filter, offset, limit))
    }

    /// See [`SqliteStore::put_plan_report`].
    ///
    /// # Errors
    /// As [`SqliteStore::put_plan_report`].
    pub fn put_plan_report(&self, job: &JobId, html: &str) -> Result<(), StoreError> {
        each!(self, s => s.put_plan_report(job, html))
    }

    /// See [`SqliteStore::plan_report`].
    ///
    /// # Errors
    /// As [`SqliteStore::plan_report`].
    pub fn plan_report(&self, job: &JobId) -> Result<Option<String>, StoreError> {
        each!(self, s => s.plan_report(job))
    }
}

impl ForecastStore for Store {
    fn write_run(
        &self,
        run: &NewRun,
        rows: &mut dyn Iterator<Item = ForecastRow>,
    ) -> Result<RunId, StoreError> {
        each!(self, s => s.write_run(run, rows))
    }

    fn list_runs(&self) -> Result<Vec<RunInfo>, StoreError> {
        each!(self, s => s.list_runs())
    }

    fn run_info(&self, id: &RunId) -> Result<RunInfo, StoreError> {
        each!(self, s => s.run_info(id))
    }

    fn read_run(&self, id: &RunId) -> Result<Vec<ForecastRow>, StoreError> {
        each!(self, s => s.read_run(id))
    }

    fn read_series(
        &self,
        id: &RunId,
        sku: &SkuId,
        zone: &ZoneId,
    ) -> Result<Vec<ForecastRow>, StoreError> {
        each!(self, s => s.read_series(id, sku, zone))
    }

    fn delete_run(&self, id: &RunId) -> Result<(), StoreError> {
        each!(self, s => s.delete_run(id))
    }

    fn delete_runs_before(&self, cutoff: DateTime<Utc>) -> Result<usize, StoreError> {
        each!(self, s => s.delete_runs_before(cutoff))
    }
}

impl JobStore for Store {
    fn create_job(&self, job: &NewJob) -> Result<Created, StoreError> {
        each!(self, s => s.create_job(job))
    }

    fn job(&self, id: &JobId) -> Result<JobRecord, StoreError> {
        each!(self, s => s.job(id))
    }

    fn job_by_key(&self, key: &str) -> Result<Option<JobRecord>, StoreError> {
        each!(self, s => s.job_by_key(key))
    }

    fn start_job(&self, id: &JobId) -> Result<bool, StoreError> {
        each!(self, s => s.start_job(id))
    }

    fn finish_job(
        &self,
        id: &JobId,
        outcome: &JobOutcome,
        progress: &JobProgress,
    ) -> Result<bool, StoreError> {
        each!(self, s => s.finish_job(id, outcome, progress))
    }

    fn fail_unfinished(&self, reason: &str) -> Result<usize, StoreError> {
        each!(self, s => s.fail_unfinished(reason))
    }

    fn count_jobs(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        each!(self, s => s.count_jobs())
    }
}

impl JobQueue for Store {
    fn claim_job(
        &self,
        worker: &str,
        lease: std::time::Duration,
    ) -> Result<Option<Claimed>, StoreError> {
        each!(self, s => s.claim_job(worker, lease))
    }

    fn renew_lease(
        &self,
        lease: &Lease,
        ttl: std::time::Duration,
        progress: &JobProgress,
    ) -> Result<Beat, StoreError> {
        each!(self, s => s.renew_lease(lease, ttl, progress))
    }

    fn finish_leased(
        &self,
        lease: &Lease,
        outcome: &JobOutcome,
        progress: &JobProgress,
    ) -> Result<bool, StoreError> {
        each!(self, s => s.finish_leased(lease, outcome, progress))
    }

    fn release_lease(&self, lease: &Lease) -> Result<bool, StoreError> {
        each!(self, s => s.release_lease(lease))
    }

    fn request_cancel(
        &self,
        id: &JobId,
        reason: &super::jobs::JobError,
    ) -> Result<CancelRequest, StoreError> {
        each!(self, s => s.request_cancel(id, reason))
    }

    fn reap_expired(&self) -> Result<Reaped, StoreError> {
        each!(self, s => s.reap_expired())
    }

    fn queued_jobs(&self) -> Result<u64, StoreError> {
        each!(self, s => s.queued_jobs())
    }

    fn fail_queued(&self, reason: &str) -> Result<usize, StoreError> {
        each!(self, s => s.fail_queued(reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_postgres_and_anything_else_is_a_file() {
        for url in ["postgres://h/db", "postgresql://u@h:5/db", "POSTGRES://h/db"] {
            assert_eq!(postgres_url(Path::new(url)), Some(url));
        }
        for file in ["stockroute.sqlite", "postgres.sqlite", "./postgres://x", "/tmp/s.db"] {
            assert_eq!(postgres_url(Path::new(file)), None, "{file}");
        }
        assert_eq!(
            describe(Path::new("postgres://app:pw@h/db")),
            "postgres://app:***@h/db".to_owned()
        );
        assert_eq!(describe(Path::new("a/b.sqlite")), "a/b.sqlite");
    }

    #[test]
    fn a_bad_url_and_an_unreachable_server_are_clear_errors_without_the_password() {
        let err = open(Path::new("postgres://app:pw@127.0.0.1:1/db?sslmode=nonsense"))
            .expect_err("a bad URL");
        assert!(matches!(err, StoreError::BadUrl { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("postgres://app:***@127.0.0.1:1/db") && !text.contains("pw"),
            "{text}"
        );
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let err = open(Path::new("postgres://app:pw@127.0.0.1:1/db")).expect_err("no server");
        assert!(matches!(err, StoreError::Connect { .. }), "{err}");
        let text = err.to_string();
        assert!(text.contains("127.0.0.1:1/db") && !text.contains(":pw@"), "{text}");
    }
}
