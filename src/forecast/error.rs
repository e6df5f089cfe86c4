//! Errors of the forecasting stage.
//!
//! History files are validated row by row; every bad row is kept (up to a cap) with its line
//! and field so the caller can fix the file in one pass instead of one error at a time.

use crate::context::Interrupted;
use std::path::PathBuf;

/// How many bad rows an [`ForecastError::InvalidHistory`] lists before it only counts.
pub const MAX_REPORTED_ROW_ERRORS: usize = 50;

/// One rejected history row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// The column name that failed.
    pub field: String,
    /// The offending text, as read.
    pub value: String,
    /// Why it was rejected.
    pub reason: &'static str,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: field `{}` = {:?}: {}", self.line, self.field, self.value, self.reason)
    }
}

/// Any error of the forecasting stage.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// The history file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV layer failed (malformed quoting, wrong number of fields, bad UTF-8).
    #[error("{path}: line {line}: {source}")]
    Csv {
        /// The file involved.
        path: PathBuf,
        /// 1-based line number, 0 when unknown.
        line: u64,
        /// The underlying error.
        #[source]
        source: csv::Error,
    },
    /// A required column is missing from the header.
    #[error("{path}: missing column `{column}` (header has: {header})")]
    MissingColumn {
        /// The file involved.
        path: PathBuf,
        /// The column that was looked for.
        column: String,
        /// The header as read, comma-separated.
        header: String,
    },
    /// Rows failed validation; nothing was loaded.
    #[error("{path}: {total} invalid row(s); first: {}", .errors.first().map(ToString::to_string).unwrap_or_default())]
    InvalidHistory {
        /// The file involved.
        path: PathBuf,
        /// The first [`MAX_REPORTED_ROW_ERRORS`] bad rows.
        errors: Vec<RowError>,
        /// How many rows were bad in total.
        total: u64,
    },
    /// The history has no rows at all.
    #[error("{path}: no demand rows")]
    EmptyHistory {
        /// The file involved.
        path: PathBuf,
    },
    /// The requested horizon is not usable.
    #[error("horizon must be between 1 and {max} periods, got {horizon}")]
    InvalidHorizon {
        /// The horizon asked for.
        horizon: usize,
        /// The largest accepted horizon.
        max: usize,
    },
    /// A backtest needs more history than there is.
    #[error("backtest needs at least {needed} periods of history, the data has {available}")]
    HistoryTooShort {
        /// Periods required.
        needed: usize,
        /// Periods available.
        available: usize,
    },
    /// A model name in a configuration is unknown.
    #[error("unknown model `{name}` (known: {known})")]
    UnknownModel {
        /// The name given.
        name: String,
        /// The accepted names.
        known: String,
    },
    /// The run was cancelled or hit its deadline.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
}
