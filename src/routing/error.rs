//! Errors of the routing stage.
//!
//! Reading a file reports the line and what was wrong with it; validating a problem reports
//! every violation at once, each with a stable code, so a caller (CLI, HTTP) can fix all of
//! them in one go instead of one per request.

use std::fmt;
use std::path::PathBuf;

/// One broken rule of a routing problem, found by [`crate::routing::Problem::validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// A stable code, e.g. `E1002`, documented on [`crate::routing::Problem::validate`].
    pub code: &'static str,
    /// Which field is wrong (`stops[3].demand`).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.code, self.field, self.message)
    }
}

/// Any error of the routing stage.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoutingError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A line of an instance file could not be parsed.
    #[error("{format} line {line}: {message}")]
    Parse {
        /// `vrplib`, `solomon` or `json`.
        format: &'static str,
        /// 1-based line number (0 when not known).
        line: usize,
        /// What was expected.
        message: String,
    },
    /// A VRPLIB feature this reader does not handle (e.g. `EDGE_WEIGHT_TYPE : GEO`).
    #[error("unsupported {format} feature {key} = {value}")]
    Unsupported {
        /// The file format.
        format: &'static str,
        /// The header key.
        key: String,
        /// Its value.
        value: String,
    },
    /// The problem broke one or more rules; all of them are listed.
    #[error("invalid routing problem: {}", list(.0))]
    Invalid(Vec<Violation>),
    /// The problem needs more memory than the solver may use (checked before allocating).
    #[error(
        "{locations} locations need about {needed_mb} MB, over the limit of {limit_mb} MB \
         (give coordinates instead of a matrix, or raise memory_limit_mb)"
    )]
    TooLarge {
        /// Number of locations.
        locations: usize,
        /// Estimated memory the solve needs, in MB.
        needed_mb: u64,
        /// The limit, in MB ([`crate::routing::SolverConfig::memory_limit_mb`]).
        limit_mb: u64,
    },
}

fn list(v: &[Violation]) -> String {
    v.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl RoutingError {
    pub(crate) fn parse(format: &'static str, line: usize, message: impl Into<String>) -> Self {
        Self::Parse { format, line, message: message.into() }
    }
}
