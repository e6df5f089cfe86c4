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
//! The pipeline's output is a [`SeriesSet`]: one regular series per (SKU, zone) with
//! explicit zeros, over days or ISO weeks ([`Scenario::series`], or
//! [`SeriesSet::from_history_csv`] for a history file without a scenario).
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

mod demand;
mod error;
pub mod generate;
mod load;
mod model;
mod network;
mod orders;
mod report;
pub mod series;
mod table;
pub mod validate;

pub use error::ScenarioError;
pub use generate::{GenerateOptions, Generated, generate};
pub use load::load;
pub use model::{
    BadTime, Centre, Costs, DemandRow, Order, OrderLine, Period, Scenario, Sku, SkuIdx, Station,
    TimeOfDay, TimeWindow, VehicleType, Zone, ZoneIdx,
};
pub use report::{Code, Issue, Report, Severity, Summary};
pub use series::{HistoryFormat, Series, SeriesSet, SeriesSummary, period_start};
