//! Errors of the scenario stage.
//!
//! Data problems are not separate variants: they are [`Issue`](super::Issue)s collected
//! into one [`Report`], and a scenario with any error is refused as a whole with
//! [`ScenarioError::Invalid`]. The other variants are trouble around the data (no folder,
//! a disk error, bad generator options); the CLI maps a disk error to exit code 3 (run
//! failure) and the others to 1 (input rejected).

use super::report::Report;
use std::path::PathBuf;

/// Why a scenario or a history could not be loaded, or a scenario not generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The scenario path does not exist or is not a folder.
    #[error("scenario folder {} does not exist or is not a folder", path.display())]
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },
    /// A file could not be read or written (other than a missing data file, which is an issue).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The data has errors: every issue found is in the report.
    #[error("invalid scenario: {} error(s), {} warning(s)", .0.errors(), .0.warnings())]
    Invalid(Report),
    /// A generator option is out of its range.
    #[error("generator option {option} = {value} is out of range: {expected}")]
    BadOption {
        /// The option name.
        option: &'static str,
        /// The value given.
        value: u64,
        /// The allowed range, in words.
        expected: &'static str,
    },
}

impl ScenarioError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
