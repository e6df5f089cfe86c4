//! The forecast store: versioned, immutable forecast runs shared by every later stage.
//!
//! A run (id, creation time, model config, horizon, data fingerprint, metrics) and all its
//! rows (sku, zone, period, mean, quantiles, lead-time quantiles) are written in one transaction: readers see
//! the whole run or nothing, and a crash or an error mid-write leaves no trace. Runs are
//! never updated, only deleted whole; placement and routing record the [`RunId`] they read.
//!
//! [`ForecastStore`] is object-safe and `Send + Sync` so the HTTP service can hold an
//! `Arc<dyn ForecastStore>`. Two backends implement every store trait with the same
//! behaviour and one test suite: [`SqliteStore`], one file, the embedded default, and
//! [`PgStore`], a PostgreSQL database shared by several processes. [`open`] picks one from
//! what `--store` says ([`Store`], `backend.rs`).
//!
//! Nothing the store imports imports it back: it knows the forecast's types (they sit
//! below it), keeps service jobs itself ([`jobs`]), and leaves experiment records to
//! `experiment::records`, whose types belong to the experiment, above the store; the
//! tables of every area stay in this module's migrations.

mod backend;
mod demand;
mod error;
mod forecast_run;
pub mod jobs;
mod listing;
mod page;
mod plan_report;
mod plan_state;
mod postgres;
pub mod queue;
mod sqlite;
#[cfg(test)]
pub(crate) mod test_backends;

pub(crate) use backend::each;
pub use backend::{Store, describe, open, open_owned, postgres_url};
pub use demand::{forecast_demand, set_demand};
pub use error::StoreError;
pub use forecast_run::{StoredForecastRun, forecast_run, model_config};
pub use jobs::{JobRecord, JobState, JobStore, NewJob};
pub use listing::{After, JobFilter, JobSummary, RunSummary};
pub use page::{RowFilter, RowsPage};
pub use plan_state::{NewPlanState, StoredPlanState};
pub(crate) use postgres::OWNER_IS_DEAD;
pub use postgres::PgStore;
pub use queue::JobQueue;
pub use sqlite::SqliteStore;
pub(crate) use sqlite::{json_text, new_run_id};

use crate::forecast::{ForecastSet, Frequency, quantile::QUANTILE_LEVELS};
use crate::ids::{RunId, SkuId, ZoneId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What describes a run before it is written (the store adds id and time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRun {
    /// The full configuration that made the forecast (JSON).
    pub model_config: serde_json::Value,
    /// Periods forecast per series.
    pub horizon: usize,
    /// Period length.
    pub frequency: Frequency,
    /// Digest of the input data (e.g. `History::fingerprint`).
    pub data_fingerprint: String,
    /// Where the data came from (file path, scenario name).
    pub source: String,
    /// Backtest metrics or `null` (JSON).
    pub metrics: serde_json::Value,
    /// The quantile levels of every row's `quantiles`, ascending.
    pub quantile_levels: Vec<f64>,
}

/// A stored run's description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The run id.
    pub id: RunId,
    /// When it was written (UTC).
    pub created_at: DateTime<Utc>,
    /// Everything [`NewRun`] said.
    #[serde(flatten)]
    pub run: NewRun,
    /// Number of rows.
    pub row_count: u64,
}

/// One forecast cell: a series in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    /// The SKU.
    pub sku: SkuId,
    /// The zone.
    pub zone: ZoneId,
    /// First date of the period.
    pub period: NaiveDate,
    /// Mean demand in the period (units).
    pub mean: f64,
    /// Demand quantiles (units) at the run's `quantile_levels`.
    pub quantiles: Vec<f64>,
    /// Quantiles (units) of demand summed from the run's first period through this one, at
    /// the run's `quantile_levels`: the last period's are those of the horizon total.
    /// Empty for runs stored before they were written.
    #[serde(default)]
    pub cum_quantiles: Vec<f64>,
}

/// Versioned storage of forecast runs.
pub trait ForecastStore: Send + Sync {
    /// Writes a run and all of `rows` atomically and returns the new run's id. Rows must have
    /// finite, non-negative values and one quantile per level; a bad row, an I/O error or a
    /// panic in `rows` leaves nothing behind.
    ///
    /// # Errors
    /// [`StoreError::InvalidRow`] (nothing written), [`StoreError::Database`].
    fn write_run(
        &self,
        run: &NewRun,
        rows: &mut dyn Iterator<Item = ForecastRow>,
    ) -> Result<RunId, StoreError>;

    /// Every run, newest first.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::CorruptField`].
    fn list_runs(&self) -> Result<Vec<RunInfo>, StoreError>;

    /// One run's description.
    ///
    /// # Errors
    /// [`StoreError::RunNotFound`], [`StoreError::Database`], [`StoreError::CorruptField`].
    fn run_info(&self, id: &RunId) -> Result<RunInfo, StoreError>;

    /// All rows of a run, ordered by (sku, zone, period).
    ///
    /// # Errors
    /// [`StoreError::RunNotFound`], [`StoreError::Database`], [`StoreError::CorruptField`].
    fn read_run(&self, id: &RunId) -> Result<Vec<ForecastRow>, StoreError>;

    /// The rows of one series of a run, ordered by period (empty when the run has no such
    /// series).
    ///
    /// # Errors
    /// [`StoreError::RunNotFound`], [`StoreError::Database`], [`StoreError::CorruptField`].
    fn read_series(
        &self,
        id: &RunId,
        sku: &SkuId,
        zone: &ZoneId,
    ) -> Result<Vec<ForecastRow>, StoreError>;

    /// Deletes one run with its rows.
    ///
    /// # Errors
    /// [`StoreError::RunNotFound`], [`StoreError::Database`].
    fn delete_run(&self, id: &RunId) -> Result<(), StoreError>;

    /// Deletes every run created before `cutoff`; returns how many.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    fn delete_runs_before(&self, cutoff: DateTime<Utc>) -> Result<usize, StoreError>;
}

/// The rows of a forecast set, lazily (sku, zone, period order), with quantiles at
/// [`QUANTILE_LEVELS`].
pub fn rows_of(set: &ForecastSet) -> impl Iterator<Item = ForecastRow> + '_ {
    set.series.iter().flat_map(move |s| {
        (0..set.horizon).map(move |h| ForecastRow {
            sku: s.sku.clone(),
            zone: s.zone.clone(),
            period: set.period_start(h),
            mean: s.mean[h],
            quantiles: vec![s.p50[h], s.p90[h]],
            cum_quantiles: vec![s.p50_cum[h], s.p90_cum[h]],
        })
    })
}

/// The quantile levels that [`rows_of`] writes.
pub fn forecast_quantile_levels() -> Vec<f64> {
    QUANTILE_LEVELS.to_vec()
}
