//! What was read: counts per file and the shape of the clean series.
//!
//! These are report data, below every reader and rule in the scenario's layers: the
//! loaders fill a [`Summary`], and the series pass accumulates a [`SeriesSummary`] one
//! series at a time ([`SummaryAcc`]) so the dense matrix of all series is never needed.

use super::model::Period;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// Series with fewer non-zero periods than this count as sparse in [`SeriesSummary`].
pub const SPARSE_BELOW: usize = 8;

/// Counts of what was read, and the shape of the clean series.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Fulfilment centres.
    pub centres: usize,
    /// Delivery stations.
    pub stations: usize,
    /// Vehicles over all stations and types.
    pub vehicles: u64,
    /// Zones.
    pub zones: usize,
    /// SKUs.
    pub skus: usize,
    /// Valid demand rows after summing duplicates.
    pub demand_rows: usize,
    /// Orders of the delivery day.
    pub orders: usize,
    /// Order lines.
    pub order_lines: usize,
    /// The clean series (absent if no demand row was valid).
    pub series: Option<SeriesSummary>,
}

/// The shape of a set of series ([`SeriesSet`](super::SeriesSet)), for reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesSummary {
    /// The bucket.
    pub period: Period,
    /// Number of (sku, zone) series.
    pub series: usize,
    /// Periods per series.
    pub periods: usize,
    /// Start of the first period.
    pub first: Option<NaiveDate>,
    /// Start of the last period.
    pub last: Option<NaiveDate>,
    /// Total units over all series.
    pub total_units: f64,
    /// Share of zero periods over all series (intermittency), in [0, 1].
    pub zero_share: f64,
    /// Share of series with fewer than `sparse_below` non-zero periods, in [0, 1].
    pub sparse_share: f64,
    /// The threshold used for `sparse_share`.
    pub sparse_below: usize,
}

impl fmt::Display for SeriesSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.period {
            Period::Day => "day",
            Period::Week => "week",
        };
        write!(f, "{} series x {} {unit}(s)", self.series, self.periods)?;
        if let (Some(first), Some(last)) = (self.first, self.last) {
            write!(f, " from {first} to {last}")?;
        }
        write!(
            f,
            ", {} units, {:.1}% zero periods, {:.1}% of series with < {} non-zero periods",
            self.total_units,
            100.0 * self.zero_share,
            100.0 * self.sparse_share,
            self.sparse_below
        )
    }
}

/// Accumulates a [`SeriesSummary`] one series at a time.
#[derive(Debug, Clone)]
pub(crate) struct SummaryAcc {
    sparse_below: usize,
    series: usize,
    cells: usize,
    zeros: usize,
    sparse: usize,
    total_units: f64,
}

impl SummaryAcc {
    pub fn new(sparse_below: usize) -> Self {
        Self { sparse_below, series: 0, cells: 0, zeros: 0, sparse: 0, total_units: 0.0 }
    }

    pub fn add(&mut self, values: &[f64]) {
        let nonzero = values.iter().filter(|v| **v > 0.0).count();
        self.series += 1;
        self.cells += values.len();
        self.zeros += values.len() - nonzero;
        self.sparse += usize::from(nonzero < self.sparse_below);
        self.total_units += values.iter().sum::<f64>();
    }

    pub fn finish(&self, period: Period, starts: &[NaiveDate]) -> SeriesSummary {
        let share = |k: usize, of: usize| if of == 0 { 0.0 } else { k as f64 / of as f64 };
        SeriesSummary {
            period,
            series: self.series,
            periods: starts.len(),
            first: starts.first().copied(),
            last: starts.last().copied(),
            total_units: self.total_units,
            zero_share: share(self.zeros, self.cells),
            sparse_share: share(self.sparse, self.series),
            sparse_below: self.sparse_below,
        }
    }
}
