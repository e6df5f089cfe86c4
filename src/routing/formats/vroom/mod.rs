//! VROOM's JSON problem and solution formats: a VROOM user switches to stockroute by
//! changing a URL (`POST /v1/vroom`) or a command (`stockroute route FILE --format vroom`).
//!
//! - [`input`]: VROOM's input as serde types; unknown keys are refused with their path.
//! - [`refuse`]: the keys VROOM documents that are not honoured (yet), each a 422 naming
//!   it.
//! - [`map`]: the mapping onto [`crate::routing::Problem`]: jobs are stops (deliveries
//!   from the start), shipments the model's shipments, each vehicle a vehicle type of
//!   count 1 with its breaks, matrices or road-graph coordinates the locations.
//!   `places` says where the places are (matrices, or coordinates on roads).
//! - [`output`]: VROOM's answer (`code`, `summary`, `unassigned`, `routes` with their
//!   `steps`) from a solution and the independent checker's report on it, in integer
//!   seconds and metres as VROOM writes them.
//! - [`check_mode`]: VROOM's plan mode (`-c`): the routes given in `steps` are evaluated,
//!   not optimised, and every violation the checker finds is reported in VROOM's terms.
//!
//! What is supported and refused, and why, is listed in `docs/vroom.md`.
//!
//! ```
//! use stockroute::routing::formats::vroom::{self, Mode};
//! let input = vroom::parse(r#"{
//!   "vehicles": [{"id": 0, "start_index": 0, "end_index": 0}],
//!   "jobs": [{"id": 7, "location_index": 1, "service": 60}],
//!   "matrices": {"car": {"durations": [[0, 100], [120, 0]]}}
//! }"#)?;
//! let mapped = vroom::map::map(&input, Mode::Solve, None)?;
//! assert_eq!(mapped.problem.stops.len(), 1);
//! Ok::<(), stockroute::Error>(())
//! ```

pub mod check_mode;
pub mod input;
pub mod map;
pub mod output;
mod places;
mod refuse;

pub use input::VroomInput;
pub use map::{Mapped, Task, TaskKind};
pub use output::VroomOutput;

use crate::issue::Issue;
use crate::routing::error::RoutingError;

/// Code of a VROOM key stockroute does not honour (yet).
pub const UNSUPPORTED: &str = "E1060";
/// Code of a VROOM value that is inconsistent or refers to nothing.
pub const INVALID: &str = "E1061";

/// Whether a request is solved or its given routes evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Optimise the routes (VROOM's default).
    Solve,
    /// Evaluate the routes given as each vehicle's `steps` (VROOM's `-c`).
    Check,
}

/// Reads VROOM's input JSON.
///
/// # Errors
/// [`RoutingError::Parse`] for malformed JSON or a value of the wrong type or an unknown
/// key, with the key's JSON path in the message.
pub fn parse(text: &str) -> Result<VroomInput, RoutingError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        RoutingError::parse("vroom", inner.line(), format!("`{path}`: {inner}"))
    })
}

fn issue(code: &'static str, path: String, cause: &str) -> Issue {
    let action = match code {
        UNSUPPORTED => "leave the key out (see docs/vroom.md for what is supported)",
        _ => "fix the value (see VROOM's docs/API.md)",
    };
    Issue::at_path(code, path, cause, action)
}

#[cfg(test)]
mod tests;
