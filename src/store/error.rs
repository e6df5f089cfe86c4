//! Errors of the forecast store.

use crate::ids::{ExperimentId, RunId};

/// Any error of a [`super::ForecastStore`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database reported an error (I/O, lock, constraint, corrupt file).
    #[error("store database: {0}")]
    Database(#[from] rusqlite::Error),
    /// The PostgreSQL server reported an error (statement, constraint, lost connection).
    #[error("store database (PostgreSQL): {0}")]
    Postgres(#[from] postgres::Error),
    /// A `postgres://` store location that does not parse.
    #[error("store URL {url}: {reason}")]
    BadUrl {
        /// The URL as given, its password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The PostgreSQL server could not be reached or refused the connection.
    #[error("store {url}: cannot connect: {message}")]
    Connect {
        /// The URL, its password replaced by `***`.
        url: String,
        /// The driver's or the pool's message.
        message: String,
    },
    /// Another process (a running `stockroute serve`) owns this store file and its jobs.
    #[error(
        "{}: another stockroute process owns this store (a running `serve`); stop it, or give \
         this one another --store file",
        path.display()
    )]
    Locked {
        /// The store file.
        path: std::path::PathBuf,
    },
    /// The store file could not be opened or locked.
    #[error("{}: {source}", path.display())]
    Io {
        /// The store file.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// No run has this id.
    #[error("no forecast run `{0}`")]
    RunNotFound(RunId),
    /// A row offered for writing is invalid; the whole run was rolled back.
    #[error("row {index} ({sku}, {zone}, {period}): {reason}")]
    InvalidRow {
        /// 0-based position in the rows written.
        index: u64,
        /// The row's SKU.
        sku: String,
        /// The row's zone.
        zone: String,
        /// The row's period.
        period: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The file was written by a newer stockroute.
    #[error("store schema version {found} is newer than this build supports ({supported})")]
    SchemaTooNew {
        /// Version in the file.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// No service job has this id.
    #[error("no job `{0}`")]
    JobNotFound(crate::ids::JobId),
    /// A stored job record could not be read back.
    #[error("stored field `{field}` of job `{job}` is not valid: {message}")]
    CorruptJob {
        /// The job.
        job: String,
        /// The column.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A stored JSON field could not be read back.
    #[error("stored field `{field}` of run `{run}` is not valid: {source}")]
    CorruptField {
        /// The run.
        run: String,
        /// The column.
        field: &'static str,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// No experiment has this id.
    #[error("no experiment `{0}`")]
    ExperimentNotFound(ExperimentId),
    /// The experiment is finished or already has all its planned units.
    #[error("experiment `{0}` is finished or has all its planned units")]
    ExperimentClosed(ExperimentId),
    /// No state of this plan (at this version) is stored.
    #[error("no state of plan `{plan}`{}", at_version(*.version))]
    PlanStateNotFound {
        /// The plan.
        plan: crate::ids::PlanId,
        /// The version asked for (`None`: any).
        version: Option<u64>,
    },
    /// This version of the plan's state is already stored (written once).
    #[error("version {version} of plan `{plan}` is already stored")]
    PlanVersionTaken {
        /// The plan.
        plan: crate::ids::PlanId,
        /// The version.
        version: u64,
    },
    /// An experiment of this name was recorded with another spec.
    #[error(
        "experiment `{name}` was recorded with another spec (fingerprint {recorded}, this one \
         {offered}): a rule changed after seeing results is a new experiment, give it a new name"
    )]
    SpecChanged {
        /// The experiment name.
        name: String,
        /// Fingerprint of the recorded spec.
        recorded: String,
        /// Fingerprint of the offered spec.
        offered: String,
    },
}

/// ` at version v`, or nothing.
fn at_version(version: Option<u64>) -> String {
    version.map(|v| format!(" at version {v}")).unwrap_or_default()
}
