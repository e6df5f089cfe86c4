//! Errors of the forecasting stage.
//!
//! History files are validated by the scenario stage's reader (the one demand pipeline):
//! every bad row is an [`Issue`] with its code, line and field, so the caller can fix the
//! file in one pass instead of one error at a time.

use crate::context::Interrupted;
use crate::issue::{Issue, Location};
use std::path::PathBuf;

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
    /// The history file has errors; nothing was loaded. Every issue found is listed
    /// (warnings too, after the errors' codes decided).
    #[error("{}: {} error(s) in the history: {}", path.display(), errors(issues).len(), by_line(&errors(issues), 3))]
    InvalidHistory {
        /// The file involved.
        path: PathBuf,
        /// Every issue the checks found, in file order.
        issues: Vec<Issue>,
    },
    /// The history reader failed for another reason than its data.
    #[error(transparent)]
    Scenario(crate::scenario::ScenarioError),
    /// The history has no rows at all.
    #[error("{}: no demand rows", path.display())]
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

/// The first `shown` issues of a plain history file, each as `line N, field `f` [CODE]
/// cause (value) -- action`: the file is named once, before them.
fn by_line(issues: &[Issue], shown: usize) -> String {
    let mut text: Vec<String> = issues
        .iter()
        .take(shown)
        .map(|i| {
            let at = match &i.location {
                Location::File { line, field, .. } => {
                    let line = line.map(|l| format!("line {l}"));
                    let field = field.as_ref().map(|f| format!("field `{f}`"));
                    [line, field].into_iter().flatten().collect::<Vec<_>>().join(", ")
                }
                Location::Path { path } => path.clone(),
            };
            let mut one = format!("{at} [{}] {}", i.code, i.cause);
            if let Some(value) = &i.value {
                one.push_str(&format!(" (value: {value:?})"));
            }
            one.push_str(&format!(" -- {}", i.action));
            one
        })
        .collect();
    if issues.len() > shown {
        text.push(format!("... and {} more", issues.len() - shown));
    }
    text.join("; ")
}

fn errors(issues: &[Issue]) -> Vec<Issue> {
    issues.iter().filter(|i| i.is_error()).cloned().collect()
}
