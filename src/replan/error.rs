//! Errors of re-optimisation.
//!
//! A state or an orders file that cannot be parsed names its line; one that parses but
//! breaks a rule lists every broken rule at once, each an [`Issue`] at the JSON path of the
//! field (`vehicles[2].committed[0]`), so a caller fixes them all in one go.

use crate::issue::{Issue, summarize};
use crate::routing::RoutingError;

/// One broken rule of a state or of new orders: an [`Issue`] at a JSON path with a
/// re-optimisation code (`R001`.. documented in [`crate::replan::state`]).
pub(crate) fn violation(code: &'static str, path: String, cause: String) -> Issue {
    Issue::at_path(code, path, cause, action(code))
}

/// How to fix a broken rule, one action per code.
fn action(code: &str) -> &'static str {
    match code {
        "R001" => "use a finite value inside the documented range",
        "R002" => "name a vehicle type of the problem and a vehicle number from 1 to its count",
        "R003" => "list each vehicle once",
        "R004" => "name a stop of the problem",
        "R005" => "put every stop of the problem in exactly one list",
        "R006" => "give every new order an id no other stop has",
        "R007" => "un-commit the stop or fix the vehicle's position and time",
        "R008" => "give a release time before the order's last window closes",
        "R009" => "send fewer items (see the documented limit)",
        "R010" => "give versions as parent + 1",
        "R012" => "send the plan without driver breaks",
        "R013" => "send the plan without reloads (max_reloads 0)",
        _ => "fix the value",
    }
}

/// Any error of re-optimisation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplanError {
    /// A state or orders document is not valid JSON of the expected shape.
    #[error("{what} line {line}: {message}")]
    Parse {
        /// `state` or `orders`.
        what: &'static str,
        /// 1-based line number (0 when not known).
        line: usize,
        /// What serde found.
        message: String,
    },
    /// The state or the orders broke one or more rules; all of them are listed.
    #[error("invalid plan state: {}", summarize(.0, usize::MAX))]
    Invalid(Vec<Issue>),
    /// The problem inside the state, or the residual problem built from it, is invalid
    /// or too large for the solver.
    #[error(transparent)]
    Routing(#[from] RoutingError),
    /// The re-optimised plan failed the routing checker (a bug: the answer is withheld).
    #[error("the re-optimised plan fails the routing check: {violations:?}")]
    Check {
        /// What the checker found.
        violations: Vec<crate::routing::CheckViolation>,
    },
}

impl ReplanError {
    /// The issues of an [`ReplanError::Invalid`] (or of an invalid routing problem).
    pub fn issues(&self) -> Option<&[Issue]> {
        match self {
            Self::Invalid(v) | Self::Routing(RoutingError::Invalid(v)) => Some(v),
            _ => None,
        }
    }
}
