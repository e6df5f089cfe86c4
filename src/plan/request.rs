//! What a planning run is asked to do: the scenario, the seed and each stage's knobs.
//!
//! Every field has a default, so `{"scenario": "data/scenarios/monaco"}` is a whole
//! request (JSON for the service, flags for the CLI). Routing runs on an iteration budget,
//! never on the clock: that is what makes a re-run with the same seed give the same routes
//! whatever the machine load.
//!
//! The structs derive `utoipa::ToSchema` for the service's OpenAPI document; fields whose
//! types have no schema of their own are described by their JSON form.

use crate::forecast::{ModelKind, Selection};
use crate::ids::StationId;
use crate::roads::snap::DEFAULT_MAX_SNAP_M;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A batch planning run: scenario folder, seed and per-stage options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The scenario folder (validated first).
    #[schema(value_type = String)]
    pub scenario: PathBuf,
    /// Seed of every random choice (routing search); same inputs + seed = same plan.
    #[serde(default)]
    pub seed: u64,
    /// Forecast options.
    #[serde(default)]
    pub forecast: ForecastOptions,
    /// Placement options.
    #[serde(default)]
    pub placement: PlacementStageOptions,
    /// Routing options.
    #[serde(default)]
    pub routing: RoutingStageOptions,
}

impl PlanRequest {
    /// A request with every default for a scenario folder.
    pub fn new(scenario: impl Into<PathBuf>) -> Self {
        Self {
            scenario: scenario.into(),
            seed: 0,
            forecast: ForecastOptions::default(),
            placement: PlacementStageOptions::default(),
            routing: RoutingStageOptions::default(),
        }
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// How the forecast stage runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ForecastOptions {
    /// Periods to forecast (default: the scenario's `horizon_periods`).
    #[schema(minimum = 1, maximum = 3660)]
    pub horizon: Option<usize>,
    /// Candidate models (default: all), e.g. `["window_average", "ets"]`.
    pub models: Option<Vec<ModelKind>>,
    /// Rolling origins used for model selection.
    #[schema(minimum = 1, maximum = 20)]
    pub origins: usize,
    /// Selection policy: `per_class`, `per_series` or `global`.
    pub selection: Selection,
    /// Reuse a stored run of the same data, horizon and configuration instead of
    /// forecasting again (forecasts are deterministic, so the rows would be the same; the
    /// store does not fill up with copies and the plan keeps the same run id).
    pub reuse: bool,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        Self {
            horizon: None,
            models: None,
            origins: 3,
            selection: Selection::PerClass,
            reuse: true,
        }
    }
}

/// How the placement stage runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PlacementStageOptions {
    /// Each zone may be served by its `k` nearest centres.
    #[schema(minimum = 1)]
    pub k_nearest: usize,
    /// Periods the stock must cover (default: the horizon).
    #[schema(exclusive_minimum = 0)]
    pub cycle_periods: Option<f64>,
    /// Use road distances centre -> zone where the road graph covers both ends.
    pub road_distances: bool,
}

impl Default for PlacementStageOptions {
    fn default() -> Self {
        Self { k_nearest: 3, cycle_periods: None, road_distances: true }
    }
}

/// How the routing stage runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RoutingStageOptions {
    /// Route only these stations (empty: all).
    #[schema(value_type = Vec<String>)]
    pub stations: Vec<StationId>,
    /// Search iterations per station (the budget; no time limit, for reproducibility).
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub max_iterations: u64,
    /// Time at each stop, seconds.
    #[schema(minimum = 0)]
    pub service_time_s: f64,
    /// Largest snap distance of an order onto the roads, metres.
    #[schema(minimum = 0)]
    pub max_snap_m: f64,
}

impl Default for RoutingStageOptions {
    fn default() -> Self {
        Self {
            stations: Vec::new(),
            max_iterations: 20_000,
            service_time_s: 300.0,
            max_snap_m: DEFAULT_MAX_SNAP_M,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_alone_is_a_whole_request_and_unknown_fields_are_refused() {
        let r: PlanRequest =
            serde_json::from_str(r#"{"scenario": "data/scenarios/monaco"}"#).unwrap();
        assert_eq!(r, PlanRequest::new("data/scenarios/monaco"));
        assert_eq!(r.routing.max_iterations, 20_000);
        assert!(r.forecast.reuse);
        let r: PlanRequest = serde_json::from_str(
            r#"{"scenario": "x", "seed": 3, "forecast": {"models": ["ets"], "origins": 1},
                "routing": {"stations": ["DS-A"], "max_iterations": 10}}"#,
        )
        .unwrap();
        assert_eq!(r.forecast.models, Some(vec![ModelKind::Ets]));
        assert_eq!(r.routing.stations, vec![StationId::new("DS-A")]);
        assert_eq!(r.routing.service_time_s, 300.0);
        assert!(serde_json::from_str::<PlanRequest>(r#"{"scenario": "x", "sed": 3}"#).is_err());
        assert!(
            serde_json::from_str::<PlanRequest>(r#"{"scenario": "x", "routing": {"iters": 3}}"#)
                .is_err()
        );
    }

    #[test]
    fn the_request_has_an_openapi_schema() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(PlanRequest::schema()).unwrap();
        let props = &schema["properties"];
        for field in ["scenario", "seed", "forecast", "placement", "routing"] {
            assert!(props.get(field).is_some(), "{field} missing in {schema}");
        }
    }
}
