//! Demand forecasting: per-(sku, zone) series, models, backtests, selection, quantiles.
//!
//! Data flow: [`History`] (rows checked by the scenario stage's one demand pipeline,
//! bucketed daily or weekly on its calendar) -> [`forecast`]
//! (per series: rolling-origin backtest of each candidate on the error of horizon totals,
//! selection, the bias correction ([`bias`]), fit, the history's weekday profile where it
//! shows one ([`weekday`]), daily and lead-time quantiles ([`lead_time`])) -> [`ForecastSet`], which the CLI writes to the forecast store
//! and to CSV. [`backtest()`] scores every candidate and the selection on a held-out window
//! without letting the selection see it.
//!
//! Why horizon totals: placement consumes lead-time demand, and on sparse retail data
//! per-period WAPE or MASE would select "forecast zero" (see [`metrics`]). Totals are blind
//! to the shape within a week, which is why the weekday profile is laid over the chosen
//! model rather than left to the selection. The band of a sum of series (a chart's total)
//! comes from [`band`], not from adding the series' quantiles.

pub mod backtest;
pub mod band;
pub mod bias;
pub mod candidates;
pub mod coherence;
mod config;
pub mod engine;
pub mod error;
mod from_scenario;
pub mod hierarchy;
pub mod lead_time;
pub mod metrics;
pub mod models;
pub(crate) mod optimize;
pub mod quantile;
mod scored;
pub mod select;
pub mod series;
mod summary;
pub mod weekday;

pub use bias::{BiasCorrection, ClassFactor};
pub use engine::{
    BacktestReport, Eligibility, ForecastConfig, ForecastSet, ModelReport, SelectionLine,
    SelectionSummary, SeriesForecast, backtest, forecast,
};
pub use error::ForecastError;
pub use metrics::{Metrics, MetricsAccumulator};
pub use models::{Forecaster, ModelKind, ModelSettings};
pub use select::{DemandClass, Selection};
pub use series::{Frequency, History, HistoryBuilder, HistoryOptions};
