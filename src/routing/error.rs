//! Errors of the routing stage.
//!
//! Reading a file reports the line and what was wrong with it; validating a problem reports
//! every violation at once, each with a stable code, so a caller (CLI, HTTP) can fix all of
//! them in one go instead of one per request.

use crate::issue::{Issue, summarize};
use std::path::PathBuf;

/// One broken rule of a routing problem, found by [`crate::routing::Problem::validate`]:
/// an [`Issue`] at a JSON path (`stops[3].demand`) with a routing code (`E1001`..`E1008`,
/// documented there) and the action of that code.
pub(crate) fn violation(code: &'static str, path: String, cause: String) -> Issue {
    Issue::at_path(code, path, cause, action(code))
}

/// How to fix a broken rule, one action per code.
fn action(code: &str) -> &'static str {
    match code {
        "E1001" => "use a location index below the number of locations",
        "E1002" => "give every demand and every capacity the same number of dimensions",
        "E1003" => "use quantities between 0 and the documented maximum",
        "E1004" => "give a window with a finite start, start <= end, inside the time range",
        "E1005" => "use a finite value >= 0 inside the documented range",
        "E1006" => "give finite coordinates, or square matrices with entries >= 0",
        "E1007" => "refer to a depot that the problem defines",
        "E1008" => "give every stop its own id",
        _ => "fix the value",
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
    #[error("invalid routing problem: {}", summarize(.0, usize::MAX))]
    Invalid(Vec<Issue>),
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

impl RoutingError {
    pub(crate) fn parse(format: &'static str, line: usize, message: impl Into<String>) -> Self {
        Self::Parse { format, line, message: message.into() }
    }
}
