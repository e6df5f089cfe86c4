//! Errors of the placement stage.
//!
//! Every variant carries the ids and numbers a planner needs to fix the input: an invalid
//! field names the record and the value, an infeasible model names the constraint family
//! and the ids of the rows that could not be met, with the shortfall of each.

use crate::context::Interrupted;
use crate::issue::{Issue, summarize};
use serde::Serialize;
use std::fmt;

/// A family of constraints of the placement LP (see the module docs for the maths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConstraintFamily {
    /// Served plus lost demand equals the mean demand of a (SKU, zone).
    DemandBalance,
    /// A centre holds the P90 of the demand it serves (safety stock).
    SafetyStock,
    /// Storage volume of a centre (m3).
    Storage,
    /// Outbound units a centre can ship in the cycle.
    Throughput,
    /// Units of a SKU available to place in the whole network.
    Supply,
    /// Minimum units of every SKU held somewhere in the network.
    MinimumStock,
}

impl fmt::Display for ConstraintFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DemandBalance => "demand balance",
            Self::SafetyStock => "safety stock (P90 cover)",
            Self::Storage => "storage capacity",
            Self::Throughput => "outbound throughput",
            Self::Supply => "SKU supply",
            Self::MinimumStock => "minimum stock per SKU",
        })
    }
}

/// One constraint that had to be relaxed for the model to become feasible.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// The constraint family.
    pub family: ConstraintFamily,
    /// The ids of the row: a centre, a SKU, or `sku@zone`.
    pub id: String,
    /// How much the row had to be relaxed, in the row's unit (m3 for storage, units else).
    pub shortfall: f64,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {} short by {:.6}", self.family, self.id, self.shortfall)
    }
}

/// How to fix an invalid placement input, one action per code. The codes of
/// [`PlacementInput::validate`](super::PlacementInput::validate): `E2001` no centre,
/// `E2002` duplicate id, `E2003` latitude or longitude out of range, `E2004` a value that
/// must be a finite number >= 0, `E2005` one that must be > 0 (or at least 1), `E2006` a
/// reference to an unknown SKU, zone or centre, `E2007` a duplicate (sku, zone) demand row.
pub(crate) fn input_action(code: &str) -> &'static str {
    match code {
        "E2001" => "add at least one centre",
        "E2002" => "give every record its own id, or merge the two records",
        "E2003" => "use degrees in [-90, 90] for latitude and [-180, 180] for longitude",
        "E2004" => "use zero or a positive finite number",
        "E2005" => "use a finite number greater than zero",
        "E2006" => "add the record it refers to, or fix the id (ids are case-sensitive)",
        "E2007" => "sum the rows of one (sku, zone) into one",
        _ => "fix the value",
    }
}

fn join<T: fmt::Display>(items: &[T]) -> String {
    const SHOWN: usize = 8;
    let mut text: Vec<String> = items.iter().take(SHOWN).map(ToString::to_string).collect();
    if items.len() > SHOWN {
        text.push(format!("... and {} more", items.len() - SHOWN));
    }
    text.join("; ")
}

/// Why a placement could not be computed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlacementError {
    /// The input breaks one or more rules; all of them are listed.
    #[error("invalid placement input ({} problems): {}", issues.len(), summarize(issues, 8))]
    InvalidInput {
        /// Every broken rule, each at its JSON path with a stable code (`E2001`..`E2007`).
        issues: Vec<Issue>,
    },
    /// No plan meets every constraint; `conflicts` lists the rows that had to be relaxed.
    #[error("placement model is infeasible: {}", join(conflicts))]
    Infeasible {
        /// The rows that a smallest total relaxation had to relax.
        conflicts: Vec<Conflict>,
    },
    /// The solver reported an unbounded objective (only possible with negative costs).
    #[error("placement model is unbounded: a cost in {family} can be decreased without limit")]
    Unbounded {
        /// The cost family that is unbounded below.
        family: &'static str,
    },
    /// The solve time limit passed before the solver reached the optimum.
    #[error("placement solve hit its time limit of {limit_s:.3} s")]
    TimeLimit {
        /// The limit given to the solver, in seconds.
        limit_s: f64,
    },
    /// The run was cancelled or its deadline passed before the solve started.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// The solver stopped without an answer (numerical trouble, iteration limit).
    #[error("LP solver {solver} failed: {status}")]
    Solver {
        /// The backend.
        solver: &'static str,
        /// The solver's own status.
        status: String,
    },
    /// The chosen solve method does not support this model.
    #[error("method {method} does not support this model: it {reason}")]
    Unsupported {
        /// The method.
        method: &'static str,
        /// What it needs.
        reason: &'static str,
    },
    /// The forecast run has no quantile at the level the safety-stock row needs.
    #[error("forecast run {run} has no P{level_pct} quantile (levels: {levels:?})")]
    MissingQuantile {
        /// The run id.
        run: String,
        /// The level sought, in percent.
        level_pct: u32,
        /// The run's levels.
        levels: Vec<f64>,
    },
    /// The cycle is longer than the forecast run's horizon.
    #[error(
        "cycle of {cycle_periods} periods is longer than forecast run {run} ({horizon} periods)"
    )]
    CycleBeyondForecast {
        /// The run id.
        run: String,
        /// Periods asked for.
        cycle_periods: f64,
        /// Periods the run forecasts.
        horizon: usize,
    },
    /// No row of the forecast run names a SKU and zone of the scenario (with demand > 0).
    #[error("forecast run {run} has no demand for any SKU and zone of scenario {scenario}")]
    NoMatchingDemand {
        /// The run id.
        run: String,
        /// The scenario name.
        scenario: String,
    },
    /// Road distances could not be computed on the scenario's road graph.
    #[error("road distances: {source}")]
    Road {
        /// The road-graph error.
        #[source]
        source: crate::roads::error::RoadError,
    },
    /// Writing a model file failed.
    #[error("writing {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
