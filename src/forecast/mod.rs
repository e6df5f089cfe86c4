//! Demand forecasting: per-(sku, zone) series, models, backtests, selection, quantiles.
//!
//! Data flow: [`History`] (rows checked by the scenario stage's one demand pipeline,
//! bucketed daily or weekly on its calendar) -> [`forecast`]
//! (per series: rolling-origin backtest of each candidate on the error of horizon totals,
//! selection, fit, quantiles) -> [`ForecastSet`], which the CLI writes to the forecast store
//! and to CSV. [`backtest()`] scores every candidate and the selection on a held-out window
//! without letting the selection see it.
//!
//! Why horizon totals: placement consumes lead-time demand, and on sparse retail data
//! per-period WAPE or MASE would select "forecast zero" (see [`metrics`]).

pub mod backtest;
pub mod candidates;
pub mod coherence;
pub mod engine;
pub mod error;
mod from_scenario;
pub mod hierarchy;
pub mod metrics;
pub mod models;
pub(crate) mod optimize;
pub mod quantile;
pub mod select;
pub mod series;

pub use engine::{
    BacktestReport, Eligibility, ForecastConfig, ForecastSet, ModelReport, SelectionLine,
    SelectionSummary, SeriesForecast, backtest, forecast,
};
pub use error::ForecastError;
pub use metrics::{Metrics, MetricsAccumulator};
pub use models::{Forecaster, ModelKind, ModelSettings};
pub use select::{DemandClass, Selection};
pub use series::{Frequency, History, HistoryBuilder, HistoryOptions};
