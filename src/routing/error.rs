//! Errors of the routing stage.
//!
//! Reading a file reports the line and what was wrong with it; validating a problem reports
//! every violation at once, each with a stable code, so a caller (CLI, HTTP) can fix all of
//! them in one go instead of one per request.

use crate::issue::{Issue, summarize};
use std::path::PathBuf;

/// One broken rule of a routing problem, found by [`crate::routing::Problem::validate`]:
/// an [`Issue`] at a JSON path (`stops[3].demand`) with a routing code (`E1001`..`E1012`
/// documented there; `E1013` and `no_vehicle` from the JSON reader) and the action of that
/// code.
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
        "E1009" => "give every depot its own id",
        "E1010" => "give every vehicle type its own id",
        "E1011" => "use at most 64 distinct skills in one problem",
        "E1012" => "sort a stop's windows by time, each starting after the previous one ends",
        "E1013" => "give only one of the two fields, they say the same thing",
        "E1033" => "collect at a shipment's stops by another shipment, not a backhaul",
        "E1040" => "name a profile the problem defines (0: the locations, p: profiles[p - 1])",
        "E1041" => "give every profile the same locations as the problem",
        "E1043" => {
            "reload at most 32 times, on a type without breaks, in a problem without shipments or backhauls"
        }
        "E1042" => "give either `end_depot` or `open_end`: an open route ends at its last stop",
        "no_vehicle" => "add at least one vehicle with count >= 1",
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
    #[error("{format} {}line {line}: {message}", in_file(.file.as_deref()))]
    Parse {
        /// `vrplib`, `solomon` or `json`.
        format: &'static str,
        /// The file, when the text was read from one.
        file: Option<PathBuf>,
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
    /// The dense matrices of the problem could not be allocated: the allocator refused
    /// them although the estimate was under the memory limit (see [`Self::TooLarge`]).
    #[error(
        "the matrices of {locations} locations need {needed_bytes} bytes, more than this machine could allocate"
    )]
    OutOfMemory {
        /// Number of locations.
        locations: usize,
        /// The bytes one matrix needs.
        needed_bytes: u64,
    },
    /// An arc is too long for the solver's fixed-point arithmetic even at one unit per
    /// problem unit (see `routing::compiled`): distances or times beyond about 5 x 10^8.
    #[error(
        "the longest arc ({longest}) exceeds the {limit} problem units the solver can \
         represent; express distances and times in a larger unit (km instead of m)"
    )]
    ArcTooLong {
        /// The longest finite distance or travel time of the problem, in its units.
        longest: f64,
        /// The most the solver represents.
        limit: f64,
    },
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

/// An empty buffer with room for an `n` x `n` matrix, or [`RoutingError::OutOfMemory`]
/// when the allocator refuses it: a matrix sized by a request must fail as an error, never
/// abort the process.
pub(crate) fn matrix_buffer<T>(n: usize) -> Result<Vec<T>, RoutingError> {
    let entries = n.checked_mul(n);
    let needed_bytes =
        entries.map_or(u64::MAX, |e| (e as u64).saturating_mul(std::mem::size_of::<T>() as u64));
    let mut v = Vec::new();
    match entries.map(|e| v.try_reserve_exact(e)) {
        Some(Ok(())) => Ok(v),
        _ => Err(RoutingError::OutOfMemory { locations: n, needed_bytes }),
    }
}

impl RoutingError {
    pub(crate) fn parse(format: &'static str, line: usize, message: impl Into<String>) -> Self {
        Self::Parse { format, file: None, line, message: message.into() }
    }

    /// The same error, naming the file it came from (a no-op on other variants).
    pub(crate) fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            Self::Parse { format, line, message, .. } => {
                Self::Parse { format, file: Some(path.to_path_buf()), line, message }
            }
            other => other,
        }
    }
}

/// `path ` before the line number of a parse error, when there is a file.
fn in_file(file: Option<&std::path::Path>) -> String {
    file.map(|f| format!("{} ", f.display())).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r12_a_matrix_too_big_to_allocate_is_an_error_not_an_abort() {
        let overflow = matrix_buffer::<i32>(usize::MAX);
        assert!(matches!(overflow, Err(RoutingError::OutOfMemory { needed_bytes: u64::MAX, .. })));
        let huge = matrix_buffer::<i32>(1 << 31);
        assert!(matches!(huge, Err(RoutingError::OutOfMemory { locations: 2_147_483_648, .. })));
        assert!(matrix_buffer::<i32>(3).unwrap().capacity() >= 9);
    }
}
