//! A plain demand history file (no scenario around it): the same reader and the same checks
//! as a scenario's `demand.csv`, with ids taken as they come.
//!
//! This is the one way a history CSV enters the crate: [`SeriesSet::from_history_csv`]
//! and the forecaster's [`History::read_csv`] both call [`read_history`], so a file gets
//! the same issue codes, the same interning of ids and the same period grid whichever
//! stage reads it.
//!
//! [`SeriesSet::from_history_csv`]: super::SeriesSet::from_history_csv
//! [`History::read_csv`]: crate::forecast::History::read_csv

use super::demand::{self, Interned};
use super::error::ScenarioError;
use super::model::{DemandRow, Period};
use super::report::Report;
use super::table::{Table, e_missing_file};
use super::validate::series_rules;
use crate::ids::{SkuId, ZoneId};
use std::path::Path;

/// How to read a plain history CSV: the period and the column names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryFormat {
    /// The bucket of the series.
    pub period: Period,
    /// Column with `YYYY-MM-DD` dates.
    pub date: String,
    /// Column with SKU ids.
    pub sku: String,
    /// Column with zone (or region) ids.
    pub zone: String,
    /// Column with units (>= 0).
    pub quantity: String,
}

impl Default for HistoryFormat {
    /// `date,sku,zone,quantity`, daily.
    fn default() -> Self {
        Self {
            period: Period::Day,
            date: "date".into(),
            sku: "sku".into(),
            zone: "zone".into(),
            quantity: "quantity".into(),
        }
    }
}

impl HistoryFormat {
    /// Sets the bucket.
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }

    /// Names the zone column (e.g. `region` in the shared Online Retail panel).
    pub fn with_zone_column(mut self, name: impl Into<String>) -> Self {
        self.zone = name.into();
        self
    }
}

/// The valid rows of a history file, with the ids behind their dense indices.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRows {
    /// The bucket asked for.
    pub period: Period,
    /// Sorted by (sku, zone, date), duplicates summed; indices point into `skus` / `zones`.
    pub rows: Vec<DemandRow>,
    /// SKU ids, numbered in order of first appearance.
    pub skus: Vec<SkuId>,
    /// Zone ids, numbered in order of first appearance.
    pub zones: Vec<ZoneId>,
}

/// Reads a plain long-form history CSV, checks every row like `demand.csv` of a scenario
/// (any id is accepted) and runs the series rules (gap and outlier warnings) on the
/// [`Calendar`](super::Calendar) of `format.period`. Columns other than the four named in
/// `format` are ignored with a `W-UNKNOWN-COLUMN` warning.
///
/// # Errors
/// [`ScenarioError::Invalid`] with every issue if any row is bad or the file is missing or
/// empty; [`ScenarioError::Io`] on a disk error.
///
/// # Complexity
/// O(rows log rows + series x periods log periods) time; O(rows + periods) memory.
pub fn read_history(
    path: &Path,
    format: &HistoryFormat,
) -> Result<(HistoryRows, Report), ScenarioError> {
    let label = path.display().to_string();
    let mut report = Report::default();
    let cols = [&*format.date, &*format.sku, &*format.zone, &*format.quantity];
    let mut ids = Interned::default();
    let rows = match Table::open(path, &label, &cols, &[], &mut report)? {
        Some(mut table) => demand::read(&mut table, &mut ids, &mut report)?,
        None => {
            if !path.exists() {
                e_missing_file(&mut report, &label, &cols.join(","));
            }
            Vec::new()
        }
    };
    let (skus, zones) = ids.into_ids();
    report.summary.series = series_rules(
        &mut report,
        &label,
        format.period,
        &rows,
        |s| skus.get(s.0 as usize).map_or("?", SkuId::as_str),
        |z| zones.get(z.0 as usize).map_or("?", ZoneId::as_str),
    );
    report.summary.skus = skus.len();
    report.summary.zones = zones.len();
    report.summary.demand_rows = rows.len();
    if report.is_ok() {
        Ok((HistoryRows { period: format.period, rows, skus, zones }, report))
    } else {
        Err(ScenarioError::Invalid(report))
    }
}
