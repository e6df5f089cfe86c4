//! Errors of a planning run: the stage that failed, with its own typed error.

use crate::context::Interrupted;
use crate::ids::StationId;
use std::path::PathBuf;

/// Why a planning run failed. Nothing is written to the output folder on any of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The scenario could not be loaded or is invalid (the report lists every issue).
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// The scenario has no demand history to forecast from.
    #[error("scenario {scenario} has no demand rows to forecast from")]
    NoHistory {
        /// The scenario name.
        scenario: String,
    },
    /// The forecast stage failed.
    #[error(transparent)]
    Forecast(#[from] crate::forecast::ForecastError),
    /// The forecast store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The placement stage failed.
    #[error(transparent)]
    Placement(#[from] crate::placement::PlacementError),
    /// The road graph, snapping or the travel matrix failed.
    #[error(transparent)]
    Road(#[from] crate::roads::error::RoadError),
    /// A routing problem was refused by the solver.
    #[error(transparent)]
    Routing(#[from] crate::routing::RoutingError),
    /// A station asked for is not in the scenario.
    #[error("station {station} is not in the scenario (see scenario.toml [[stations]])")]
    UnknownStation {
        /// The station id asked for.
        station: StationId,
    },
    /// The run was cancelled or ran out of time.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// An output file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An output could not be encoded.
    #[error("{path}: {message}")]
    Encode {
        /// The file.
        path: PathBuf,
        /// What the encoder said.
        message: String,
    },
}

impl PlanError {
    /// Whether the run stopped because it was cancelled or ran out of time, in whichever
    /// stage that happened.
    pub fn is_interrupted(&self) -> bool {
        use crate::forecast::ForecastError;
        use crate::placement::PlacementError;
        use crate::roads::error::RoadError;
        matches!(
            self,
            Self::Interrupted(_)
                | Self::Forecast(ForecastError::Interrupted(_))
                | Self::Placement(PlacementError::Interrupted(_))
                | Self::Road(RoadError::Interrupted(_))
        )
    }
}
