//! The crate-wide error type.
//!
//! Each stage has its own `thiserror` enum with structured variants (the offending id,
//! field, row and limit); this wrapper only unites them for the CLI and the service, which
//! map each variant to an exit code or an HTTP status. The service's own error
//! ([`crate::api::ApiError`]) is not one of them: it wraps this one (a stage that failed
//! inside a request), so it sits above it, and the CLI reports it through its own chain.

use crate::context::Interrupted;

/// Any error a stockroute stage can return.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Work was cancelled or ran out of time before it had a usable result.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// The routing stage failed (bad instance file, invalid problem).
    #[error(transparent)]
    Routing(#[from] crate::routing::RoutingError),
    /// The dispatch stage failed (bad episode file, a broken rule of the dynamic variant).
    #[error(transparent)]
    Dispatch(#[from] crate::dispatch::DispatchError),
    /// The road network, snapping or a travel matrix failed.
    #[error(transparent)]
    Road(#[from] crate::roads::error::RoadError),
    /// Inventory placement failed (invalid input, infeasible model, time limit).
    #[error(transparent)]
    Placement(#[from] crate::placement::PlacementError),
    /// The forecasting stage failed.
    #[error(transparent)]
    Forecast(#[from] crate::forecast::ForecastError),
    /// The forecast store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: std::path::PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An experiment failed (spec, units, a stage, its records).
    #[error(transparent)]
    Experiment(#[from] crate::experiment::ExperimentError),
    /// A scenario or history could not be loaded, or a scenario not generated.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// The warehouse stage failed (layout file, slotting, batching, pick paths).
    #[error(transparent)]
    Warehouse(#[from] crate::warehouse::WarehouseError),
    /// Re-optimising a plan under way failed (bad state or orders).
    #[error(transparent)]
    Replan(#[from] crate::replan::ReplanError),
    /// A batch planning run failed.
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
}

/// Shorthand for results with the crate [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
