//! Errors of the dispatch stage.
//!
//! An episode file names the line and the column that is wrong; a policy's answer that
//! breaks a rule of the dynamic variant names the epoch, the request and the rule, so a
//! failed episode says why it failed (as the competition's environment does).

use crate::routing::RoutingError;
use std::path::PathBuf;

/// Any error of the dispatch stage.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DispatchError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A line of an episode (request stream) file is malformed.
    #[error("episode {}line {line}: {message}", in_file(.file.as_deref()))]
    Episode {
        /// The file, when the text was read from one.
        file: Option<PathBuf>,
        /// 1-based line number (0 for the file as a whole).
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// The static instance cannot be played as a dynamic episode (no explicit duration
    /// matrix, several depots, several capacity dimensions, ...).
    #[error("instance {name}: {message}")]
    Instance {
        /// The instance's name.
        name: String,
        /// What is missing.
        message: String,
    },
    /// A dispatch answer broke a rule of the dynamic variant (the episode fails).
    #[error("epoch {epoch}: {rule}")]
    Rule {
        /// The epoch of the offending answer.
        epoch: u32,
        /// The rule broken, with the request or route involved.
        rule: RuleBreak,
    },
    /// A solution file (`{"<epoch>": [[request ids], ...]}`) could not be parsed.
    #[error("solution {}: {message}", in_file(.file.as_deref()))]
    Solution {
        /// The file, when read from one.
        file: Option<PathBuf>,
        /// What was wrong.
        message: String,
    },
    /// A parameter is outside its documented range.
    #[error("{name} = {value}: {expected}")]
    Parameter {
        /// The parameter.
        name: &'static str,
        /// Its value as given.
        value: String,
        /// The allowed range.
        expected: &'static str,
    },
    /// The episode was cancelled.
    #[error(transparent)]
    Interrupted(#[from] crate::context::Interrupted),
    /// The instance file could not be read as VRPLIB.
    #[error("reading the instance: {0}")]
    InstanceFile(#[from] RoutingError),
    /// The static solver failed on an epoch's problem.
    #[error("epoch {epoch}: {source}")]
    Routing {
        /// The epoch being solved.
        epoch: u32,
        /// The solver's error.
        #[source]
        source: RoutingError,
    },
    /// The static solver's routes for an epoch failed the routing checker (a solver bug).
    #[error("epoch {epoch}: the solver's routes fail the routing check: {violations:?}")]
    Check {
        /// The epoch being solved.
        epoch: u32,
        /// What the checker found.
        violations: Vec<crate::routing::CheckViolation>,
    },
}

/// One broken rule of the dynamic variant ([`crate::dispatch::replay`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleBreak {
    /// A route names a request the episode does not have.
    #[error("route {route} names request {request}, which the episode does not have")]
    UnknownRequest {
        /// Index of the route within the epoch.
        route: usize,
        /// The id given.
        request: u32,
    },
    /// A request was dispatched before its release epoch.
    #[error("request {request} is dispatched before its release in epoch {released}")]
    NotReleased {
        /// The request.
        request: u32,
        /// Its release epoch.
        released: u32,
    },
    /// A request was dispatched twice.
    #[error("request {request} is dispatched a second time")]
    Twice {
        /// The request.
        request: u32,
    },
    /// A must-dispatch request was left out of its epoch.
    #[error("must-dispatch request {request} is not dispatched")]
    MustDispatch {
        /// The request.
        request: u32,
    },
    /// A route carries more than the capacity.
    #[error("route {route} carries {load}, over the capacity {capacity}")]
    Capacity {
        /// Index of the route within the epoch.
        route: usize,
        /// Its load.
        load: i64,
        /// The vehicle capacity.
        capacity: i64,
    },
    /// Service at a request would start after its due time.
    #[error(
        "route {route}: service at request {request} starts at {start_s} s, after its due {due_s} s"
    )]
    Late {
        /// Index of the route within the epoch.
        route: usize,
        /// The request.
        request: u32,
        /// When service would start.
        start_s: i64,
        /// Its due time.
        due_s: i64,
    },
    /// A route is back at the depot after the depot's due time.
    #[error("route {route} is back at the depot at {back_s} s, after its due {due_s} s")]
    DepotLate {
        /// Index of the route within the epoch.
        route: usize,
        /// Return time.
        back_s: i64,
        /// The depot's due time.
        due_s: i64,
    },
    /// A route without requests.
    #[error("route {route} is empty")]
    EmptyRoute {
        /// Index of the route within the epoch.
        route: usize,
    },
    /// The answer came later than the epoch's time limit plus the 2 s grace.
    #[error("the answer took {took_ms} ms, over the limit of {limit_ms} ms plus the grace")]
    TooSlow {
        /// Time the policy took.
        took_ms: u64,
        /// The epoch's limit.
        limit_ms: u64,
    },
    /// The answer names an epoch outside the episode.
    #[error("the episode's epochs are {start}..={end}")]
    OutsideEpisode {
        /// First epoch.
        start: u32,
        /// Last epoch.
        end: u32,
    },
}

/// `path ` before the line number, when there is a file.
fn in_file(file: Option<&std::path::Path>) -> String {
    file.map(|f| format!("{} ", f.display())).unwrap_or_default()
}
