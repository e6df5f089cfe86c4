//! The forecast stage's one entry point: forecast a history and write the run.
//!
//! `stockroute forecast`, `POST /v1/forecasts` and the batch run (`plan`) all call
//! [`forecast_run`], so "forecast -> run record -> write" is written once and every stored
//! run describes itself the same way (model configuration, data fingerprint, selection
//! metrics, quantile levels). It lives beside the store rather than in `forecast/` because
//! the store already depends on the forecast's types; the forecast engine itself knows
//! nothing of storage.
//!
//! The function is generic over the caller's error type (anything a [`ForecastError`], a
//! [`StoreError`] and an [`Interrupted`] convert into), so each caller keeps its own error
//! variants and their mapping to exit codes and HTTP statuses.

use super::{ForecastStore, NewRun, StoreError, forecast_quantile_levels, rows_of};
use crate::context::{Interrupted, SolveContext};
use crate::forecast::{self, ForecastConfig, ForecastError, ForecastSet, History};
use crate::ids::RunId;

/// A forecast written to the store.
#[derive(Debug, Clone)]
pub struct StoredForecastRun {
    /// The id of the new run.
    pub id: RunId,
    /// The forecast that was written.
    pub set: ForecastSet,
}

/// The model configuration as a run records it (JSON; `null` if it cannot be encoded).
pub fn model_config(config: &ForecastConfig) -> serde_json::Value {
    serde_json::to_value(config).unwrap_or(serde_json::Value::Null)
}

/// Forecasts `history` with `config` and writes the run (rows at
/// [`forecast_quantile_levels`]) to `store`, `source` naming where the data came from. A
/// run cancelled before it is written is not written.
///
/// # Errors
/// The forecast's [`ForecastError`], the store's [`StoreError`], or
/// [`Interrupted::Cancelled`] when `ctx` was cancelled by the time the forecast finished.
///
/// # Complexity
/// The forecast's, then one write transaction of `series x horizon` rows.
pub fn forecast_run<E>(
    store: &dyn ForecastStore,
    history: &History,
    config: &ForecastConfig,
    source: String,
    ctx: &SolveContext,
) -> Result<StoredForecastRun, E>
where
    E: From<ForecastError> + From<StoreError> + From<Interrupted>,
{
    let set = forecast::forecast(history, config, ctx)?;
    if ctx.cancel_token().is_cancelled() {
        return Err(Interrupted::Cancelled.into());
    }
    let run = NewRun {
        model_config: model_config(config),
        horizon: config.horizon,
        frequency: history.frequency(),
        data_fingerprint: history.fingerprint(),
        source,
        metrics: serde_json::to_value(&set.selection).unwrap_or(serde_json::Value::Null),
        quantile_levels: forecast_quantile_levels(),
    };
    let id = store.write_run(&run, &mut rows_of(&set))?;
    Ok(StoredForecastRun { id, set })
}
