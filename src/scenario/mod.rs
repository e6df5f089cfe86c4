//! The scenario stage: the domain model, its file format, and the data pipeline that
//! turns a scenario folder into validated data and clean demand series.
//!
//! A scenario is a folder (`scenario.toml`, `zones.csv`, `skus.csv`, `demand.csv`,
//! optional `orders.csv` and road extract). [`load`] reads all of it, checks every rule and
//! either returns the [`Scenario`] with a [`Report`] of warnings, or refuses it as a whole
//! with [`ScenarioError::Invalid`] carrying every issue found, each with a stable
//! [`Code`], its file, line and field, a cause and an action. Nothing input-reachable
//! panics and no valid row is silently dropped.
//!
//! The pipeline's output is one regular series per (SKU, zone) on the one period grid,
//! [`Calendar`] (days, or seven-day weeks ending on the last date): dense in a
//! [`SeriesSet`] ([`Scenario::series`], or [`SeriesSet::from_history_csv`] for a history
//! file without a scenario), sparse in the forecaster's
//! [`History`](crate::forecast::History). A plain history file is read by
//! [`read_history`], the same reader and checks as `demand.csv`.
//!
//! Layers (each file imports only the ones above it): `model`, `limits` and the issue
//! types ([`crate::issue`]) at the bottom; `summary`, `report` (codes, [`Report`]) and `error`;
//! `calendar`; `validate` (one rule function per code); `table` and `demand` (readers);
//! `history`, `series`, `network`, `orders`; `load` and `generate` on top.
//! [`generate()`] writes seeded synthetic scenarios of any size in the same format.
//!
//! ```no_run
//! use stockroute::scenario;
//!
//! match scenario::load("data/scenarios/monaco") {
//!     Ok((scenario, report)) => println!("{} zones, {}", scenario.zones.len(), report.to_text("ok", Some(5))),
//!     Err(scenario::ScenarioError::Invalid(report)) => eprintln!("{}", report.to_text("monaco", None)),
//!     Err(other) => return Err(other.into()),
//! }
//! Ok::<(), stockroute::Error>(())
//! ```

mod calendar;
mod demand;
mod error;
pub mod generate;
mod history;
pub mod limits;
mod load;
mod model;
mod network;
mod orders;
mod report;
pub mod series;
pub mod summary;
mod table;
pub mod validate;

pub use crate::issue::{Issue, Severity};
pub use calendar::Calendar;
pub(crate) use demand::{Interned, Resolve};
pub use error::ScenarioError;
pub use generate::{GenerateOptions, Generated, generate};
pub use history::{HistoryFormat, HistoryRows, read_history};
pub use load::load;
pub use model::{
    BadTime, Centre, Costs, DemandRow, DriverBreak, Order, OrderLine, Period, Scenario, Sku,
    SkuIdx, Station, TimeOfDay, TimeWindow, VehicleType, Zone, ZoneIdx,
};
pub use report::{Code, Report};
pub use series::{Series, SeriesSet};
pub use summary::{SeriesSummary, Summary};
