//! Errors of experiments.

use crate::context::Interrupted;
use std::path::PathBuf;

/// Any error of an experiment run or of its records.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExperimentError {
    /// The spec is not valid TOML/JSON for a [`super::Spec`] (syntax, unknown field, type).
    #[error("experiment spec: {0}")]
    SpecSyntax(String),
    /// The spec parsed but breaks rules; every problem is listed.
    #[error("invalid experiment spec: {}", .0.join("; "))]
    InvalidSpec(Vec<String>),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Fewer eligible units exist than the decision rule fixes.
    #[error("the spec fixes {wanted} units but only {available} are eligible ({why})")]
    TooFewUnits {
        /// Units the spec fixes.
        wanted: usize,
        /// Eligible units found.
        available: usize,
        /// Which units count as eligible.
        why: &'static str,
    },
    /// An origin leaves too little history before it or realised demand after it.
    #[error("origin {origin} needs {needed} periods of history, the scenario has {available}")]
    HistoryTooShort {
        /// 0-based origin (0 = latest).
        origin: usize,
        /// Periods needed.
        needed: usize,
        /// Periods available.
        available: usize,
    },
    /// A routing solution failed the independent checker (a solver bug, never input).
    #[error("unit `{unit}`, arm {arm}: the solution fails the routing check: {violations}")]
    InfeasibleSolution {
        /// The unit.
        unit: String,
        /// `champion` or `challenger`.
        arm: &'static str,
        /// The first violations.
        violations: String,
    },
    /// An arm returned no measure for a sampled unit (a stage bug, never input).
    #[error("unit `{0}` was not measured by both arms")]
    UnitNotMeasured(String),
    /// Shadow results were recorded for an experiment that is not a running shadow one.
    #[error("experiment `{0}` does not accept more units")]
    Closed(String),
    /// Work was cancelled or ran out of time.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// The scenario could not be loaded.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// Forecasting failed.
    #[error(transparent)]
    Forecast(#[from] crate::forecast::ForecastError),
    /// Placement failed.
    #[error(transparent)]
    Placement(#[from] crate::placement::PlacementError),
    /// Routing failed (bad instance file, invalid problem).
    #[error(transparent)]
    Routing(#[from] crate::routing::RoutingError),
    /// A road extract, snapping or a travel matrix failed (station-day units).
    #[error(transparent)]
    Road(#[from] crate::roads::error::RoadError),
    /// A warehouse day could not be generated, slotted or picked.
    #[error(transparent)]
    Warehouse(#[from] crate::warehouse::WarehouseError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}
