//! The HTML report of a plan job, kept beside the job.
//!
//! The report (the page `stockroute plan` writes as report.html) is rendered from the
//! plan's [`PlanOutcome`](crate::plan::PlanOutcome) when the plan is made, and stored
//! here, so serving it reads one row: rendering it on request would need the outcome back
//! from the job's result JSON, and would make an old plan's report change with every new
//! version of the renderer. A report is written once and never changed (SQL trigger).

use super::StoreError;
use super::sqlite::{SqliteStore, lock};
use crate::ids::JobId;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};

impl SqliteStore {
    /// Stores the report of plan job `job`; a second report for the same job is ignored
    /// (the first one stands).
    ///
    /// # Errors
    /// [`StoreError::JobNotFound`] when there is no such job, [`StoreError::Database`].
    pub fn put_plan_report(&self, job: &JobId, html: &str) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        let exists: Option<i64> = conn
            .query_row("SELECT 1 FROM job WHERE id = ?1", [job.as_str()], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::JobNotFound(job.clone()));
        }
        let now = DateTime::<Utc>::from(std::time::SystemTime::now())
            .to_rfc3339_opts(SecondsFormat::Millis, true);
        conn.execute(
            "INSERT INTO plan_report (job_id, created_at, html) VALUES (?1, ?2, ?3) \
             ON CONFLICT (job_id) DO NOTHING",
            params![job.as_str(), now, html],
        )?;
        Ok(())
    }

    /// The stored report of plan job `job`, if one was stored.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub fn plan_report(&self, job: &JobId) -> Result<Option<String>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row("SELECT html FROM plan_report WHERE job_id = ?1", [job.as_str()], |r| {
                    r.get(0)
                })
                .optional()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::jobs::{Created, JobStore};
    use crate::store::test_backends::on_both_backends;
    use crate::store::{NewJob, Store};

    on_both_backends!(a_report_is_stored_once_for_an_existing_job);

    fn a_report_is_stored_once_for_an_existing_job(store: &Store) {
        let new = NewJob {
            kind: "plan".into(),
            idempotency_key: None,
            request_digest: "d".into(),
            request: serde_json::json!({}),
        };
        let Created::New(job) = store.create_job(&new).unwrap() else { panic!() };
        assert_eq!(store.plan_report(&job.id).unwrap(), None);
        store.put_plan_report(&job.id, "<p>first</p>").unwrap();
        store.put_plan_report(&job.id, "<p>second</p>").unwrap();
        assert_eq!(store.plan_report(&job.id).unwrap().as_deref(), Some("<p>first</p>"));
        let missing = store.put_plan_report(&JobId::new("nope"), "<p></p>");
        assert!(matches!(missing, Err(StoreError::JobNotFound(_))));
    }
}
