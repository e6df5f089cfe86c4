//! Newest-first pages of the store's records (service jobs, forecast runs), by keyset.
//!
//! A page starts after a position, the `(created_at, id)` of the last row of the page
//! before ([`After`]), not at an OFFSET: a row written while a client pages through does
//! not shift the rows it has still to see (none is shown twice or skipped), and a page
//! costs an index range scan of its own rows however deep it lies. Each order has its index
//! (`migrations/0004_lists_and_reports.sql`); `created_at` is stored as RFC 3339 UTC text
//! with milliseconds everywhere, so text order is time order. The id breaks ties between
//! rows written in the same millisecond.
//!
//! Pages hold summaries: a job's request and result (a plan's result is megabytes) and a
//! run's configuration and metrics stay out of a list and are read one record at a time.

use super::StoreError;
use super::jobs::{JobError, JobProgress, JobState, error, progress, time};
use super::sqlite::SqliteStore;
use crate::forecast::Frequency;
use crate::ids::{JobId, RunId};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params_from_iter};

/// Where a newest-first page starts: just after (older than) this row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    /// The row's creation time.
    pub created_at: DateTime<Utc>,
    /// The row's id.
    pub id: String,
}

impl After {
    /// The SQL condition (over columns `created_at` and `id`) that keeps the rows after
    /// this position, and its two parameters.
    pub(crate) fn condition(&self, created: &str, id: &str) -> (String, [String; 2]) {
        (
            format!("({created}, {id}) < (?, ?)"),
            [self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true), self.id.clone()],
        )
    }

    /// As [`After::condition`], with numbered parameters `$first` and `$first + 1`
    /// (PostgreSQL's).
    pub(crate) fn condition_numbered(
        &self,
        created: &str,
        id: &str,
        first: usize,
    ) -> (String, [String; 2]) {
        let (_, params) = self.condition(created, id);
        (format!("({created}, {id}) < (${first}, ${})", first + 1), params)
    }
}

/// Which jobs a page lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    /// Only jobs of this kind (`forecast`, `placement`, `plan`, `experiment`).
    pub kind: Option<String>,
    /// Only jobs in this state.
    pub state: Option<JobState>,
}

/// A job as a list shows it: everything but its request and result.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSummary {
    /// Its id.
    pub id: JobId,
    /// What kind of work.
    pub kind: String,
    /// Where it is (as stored: the service overlays live progress).
    pub state: JobState,
    /// When it was accepted.
    pub created_at: DateTime<Utc>,
    /// When a worker took it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Progress as of the last write.
    pub progress: JobProgress,
    /// The reason, when failed or cancelled.
    pub error: Option<JobError>,
}

/// A forecast run as a list shows it: everything but its configuration and metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// The run id.
    pub id: RunId,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Period length.
    pub frequency: Frequency,
    /// Periods forecast per series.
    pub horizon: u64,
    /// Rows in the run.
    pub row_count: u64,
    /// Where its data came from.
    pub source: String,
    /// Digest of its input data.
    pub data_fingerprint: String,
}

/// `LIMIT` text of a page of `limit` rows (an integer, so it is written into the SQL).
pub(super) fn limit_sql(limit: usize) -> String {
    format!("LIMIT {}", i64::try_from(limit).unwrap_or(i64::MAX))
}

pub(super) type RawJob = (
    String,
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
);

pub(super) const JOB_SUMMARY_COLUMNS: &str = "id, kind, state, created_at, started_at, finished_at, \
    progress_done, progress_total, phase, error_code, error_message";

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
    ))
}

pub(super) fn parse_job(raw: RawJob) -> Result<JobSummary, StoreError> {
    let (id, kind, state, created, started, finished, done, total, phase, code, message) = raw;
    let corrupt =
        |field, message: String| StoreError::CorruptJob { job: id.clone(), field, message };
    let state = JobState::parse(&state).ok_or_else(|| corrupt("state", state.clone()))?;
    Ok(JobSummary {
        kind,
        state,
        created_at: time("created_at", &created, corrupt)?,
        started_at: started.as_deref().map(|t| time("started_at", t, corrupt)).transpose()?,
        finished_at: finished.as_deref().map(|t| time("finished_at", t, corrupt)).transpose()?,
        progress: progress(done, total, phase),
        error: error(code, message),
        id: JobId::new(id),
    })
}

impl SqliteStore {
    /// At most `limit` jobs matching `filter`, newest first, starting after `after`.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::CorruptJob`].
    ///
    /// # Complexity
    /// A range scan of the `(kind | state, created_at, id)` index: `limit` rows, plus the
    /// rows of the other filter it skips when both filters are given.
    pub fn jobs_page(
        &self,
        filter: &JobFilter,
        after: Option<&After>,
        limit: usize,
    ) -> Result<Vec<JobSummary>, StoreError> {
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        if let Some(kind) = &filter.kind {
            conditions.push("kind = ?".to_owned());
            values.push(kind.clone());
        }
        if let Some(state) = filter.state {
            conditions.push("state = ?".to_owned());
            values.push(state.as_str().to_owned());
        }
        if let Some(after) = after {
            let (condition, params) = after.condition("created_at", "id");
            conditions.push(condition);
            values.extend(params);
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {JOB_SUMMARY_COLUMNS} FROM job {filter_sql} \
             ORDER BY created_at DESC, id DESC {}",
            limit_sql(limit)
        );
        let raw: Vec<RawJob> = self.read(|conn| {
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(values.iter()), raw_job)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        raw.into_iter().map(parse_job).collect()
    }

    /// One job's summary (its record without the request and the result, which may be
    /// large).
    ///
    /// # Errors
    /// [`StoreError::JobNotFound`], [`StoreError::Database`], [`StoreError::CorruptJob`].
    pub fn job_summary(&self, id: &JobId) -> Result<JobSummary, StoreError> {
        let raw = self.read(|conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {JOB_SUMMARY_COLUMNS} FROM job WHERE id = ?1"),
                    [id.as_str()],
                    raw_job,
                )
                .optional()?)
        })?;
        raw.map(parse_job).unwrap_or_else(|| Err(StoreError::JobNotFound(id.clone())))
    }

    /// At most `limit` forecast runs, newest first, starting after `after`.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::CorruptField`].
    ///
    /// # Complexity
    /// A range scan of `limit` rows of the `(created_at, id)` index.
    pub fn runs_page(
        &self,
        after: Option<&After>,
        limit: usize,
    ) -> Result<Vec<RunSummary>, StoreError> {
        let (filter_sql, values) = match after {
            Some(after) => {
                let (condition, params) = after.condition("created_at", "id");
                (format!("WHERE {condition}"), params.to_vec())
            }
            None => (String::new(), Vec::new()),
        };
        let sql = format!(
            "SELECT {RUN_SUMMARY_COLUMNS} FROM forecast_run {filter_sql} \
             ORDER BY created_at DESC, id DESC {}",
            limit_sql(limit)
        );
        let raw: Vec<RawRun> = self.read(|conn| {
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(values.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        raw.into_iter().map(parse_run_summary).collect()
    }
}

/// The columns of a run summary, as [`parse_run_summary`] reads them.
pub(super) const RUN_SUMMARY_COLUMNS: &str =
    "id, created_at, frequency, horizon, row_count, source, data_fingerprint";

/// The raw columns of a run summary.
pub(super) type RawRun = (String, String, String, i64, i64, String, String);

/// A run summary from its raw columns (both backends).
pub(super) fn parse_run_summary(raw: RawRun) -> Result<RunSummary, StoreError> {
    let (id, created, frequency, horizon, rows, source, fingerprint) = raw;
    let corrupt = |field, source| StoreError::CorruptField { run: id.clone(), field, source };
    let text = |t: String| serde_json::Value::String(t);
    Ok(RunSummary {
        created_at: serde_json::from_value(text(created)).map_err(|e| corrupt("created_at", e))?,
        frequency: serde_json::from_value(text(frequency)).map_err(|e| corrupt("frequency", e))?,
        horizon: u64::try_from(horizon).unwrap_or(0),
        row_count: u64::try_from(rows).unwrap_or(0),
        source,
        data_fingerprint: fingerprint,
        id: RunId::new(id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::jobs::{Created, JobOutcome, JobStore};
    use crate::store::test_backends::on_both_backends;
    use crate::store::{ForecastStore, NewJob, NewRun, Store};

    fn job(store: &Store, kind: &str) -> JobId {
        let new = NewJob {
            kind: kind.into(),
            idempotency_key: None,
            request_digest: "d".into(),
            request: serde_json::json!({}),
        };
        let Created::New(record) = store.create_job(&new).unwrap() else { panic!() };
        record.id
    }

    fn after(s: &JobSummary) -> After {
        After { created_at: s.created_at, id: s.id.0.clone() }
    }

    on_both_backends!(
        job_pages_are_newest_first_disjoint_and_filtered,
        run_pages_follow_the_keyset
    );

    fn job_pages_are_newest_first_disjoint_and_filtered(store: &Store) {
        let ids: Vec<JobId> =
            (0..7).map(|i| job(store, if i % 3 == 0 { "plan" } else { "forecast" })).collect();
        let all = store.jobs_page(&JobFilter::default(), None, 100).unwrap();
        // Newest first: by (created_at, id) descending, which is the reverse of creation
        // whenever two jobs fall in distinct milliseconds.
        let keys: Vec<(DateTime<Utc>, &str)> =
            all.iter().map(|j| (j.created_at, j.id.as_str())).collect();
        let mut sorted = keys.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(keys, sorted);
        assert_eq!(all.len(), 7);

        let mut seen = Vec::new();
        let mut from: Option<After> = None;
        loop {
            let page = store.jobs_page(&JobFilter::default(), from.as_ref(), 3).unwrap();
            assert!(page.len() <= 3);
            let Some(last) = page.last() else { break };
            from = Some(after(last));
            seen.extend(page.iter().map(|j| j.id.clone()));
        }
        assert_eq!(seen, all.iter().map(|j| j.id.clone()).collect::<Vec<_>>());

        let plans = JobFilter { kind: Some("plan".into()), state: None };
        let page = store.jobs_page(&plans, None, 100).unwrap();
        assert_eq!(page.len(), 3);
        assert!(page.iter().all(|j| j.kind == "plan" && ids.contains(&j.id)));

        let done = JobOutcome::Succeeded(serde_json::json!({"big": "result"}));
        assert!(store.finish_job(&ids[1], &done, &JobProgress::default()).unwrap());
        let succeeded = JobFilter { kind: None, state: Some(JobState::Succeeded) };
        let page = store.jobs_page(&succeeded, None, 100).unwrap();
        assert_eq!(page.iter().map(|j| &j.id).collect::<Vec<_>>(), vec![&ids[1]]);
        assert!(page[0].finished_at.is_some());
        let both = JobFilter { kind: Some("plan".into()), state: Some(JobState::Succeeded) };
        assert!(store.jobs_page(&both, None, 100).unwrap().is_empty());
        assert_eq!(store.job_summary(&ids[1]).unwrap(), page[0]);
        let missing = store.job_summary(&JobId::new("nope"));
        assert!(matches!(missing, Err(StoreError::JobNotFound(_))));
    }

    fn run_pages_follow_the_keyset(store: &Store) {
        let run = NewRun {
            model_config: serde_json::json!({}),
            horizon: 3,
            frequency: Frequency::Daily,
            data_fingerprint: "f".into(),
            source: "t".into(),
            metrics: serde_json::Value::Null,
            quantile_levels: vec![0.5],
        };
        for _ in 0..4 {
            store.write_run(&run, &mut std::iter::empty()).unwrap();
        }
        let listed: Vec<RunId> = store.list_runs().unwrap().into_iter().map(|r| r.id).collect();
        let first = store.runs_page(None, 2).unwrap();
        let from = After { created_at: first[1].created_at, id: first[1].id.0.clone() };
        let second = store.runs_page(Some(&from), 5).unwrap();
        let paged: Vec<RunId> = first.iter().chain(&second).map(|r| r.id.clone()).collect();
        assert_eq!(paged, listed);
        assert_eq!((first[0].horizon, first[0].row_count), (3, 0));
        assert_eq!(first[0].frequency, Frequency::Daily);
    }
}
