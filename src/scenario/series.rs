//! The pipeline's output: clean, regular demand series.
//!
//! One series per (SKU, zone) that has any demand, over one shared calendar of periods
//! (days, or ISO weeks starting on Monday) from the first to the last date of the whole
//! history, with explicit zeros for periods without rows. Forecasting reads values by
//! dense index; the ids and period start dates say what each index means.
//!
//! The same [`SeriesSet`] can be built from a scenario ([`Scenario::series`]) or from a
//! plain history CSV ([`SeriesSet::from_history_csv`]), which is validated the same way:
//! bad rows are reported, never dropped.
//!
//! [`Scenario::series`]: super::Scenario::series

use super::demand::{self, Interned, Resolve};
use super::error::ScenarioError;
use super::model::{DemandRow, Period, SkuIdx, ZoneIdx};
use super::report::Report;
use super::table::{Table, e_missing_file};
use super::validate::series_rules;
use crate::ids::{SkuId, ZoneId};
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use std::fmt;
use std::path::Path;

/// Series with fewer non-zero periods than this count as sparse in [`SeriesSummary`].
pub const SPARSE_BELOW: usize = 8;

/// The first day of the period that contains `date` (the date itself, or the Monday of
/// its ISO week).
pub fn period_start(period: Period, date: NaiveDate) -> NaiveDate {
    match period {
        Period::Day => date,
        Period::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
    }
}

/// The demand of one SKU in one zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// The SKU.
    pub sku: SkuId,
    /// The zone.
    pub zone: ZoneId,
    /// Units per period, one value per entry of [`SeriesSet::starts`].
    pub values: Vec<f64>,
}

/// Regular series over one shared calendar, sorted by (sku, zone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesSet {
    /// The bucket.
    pub period: Period,
    /// The first day of each period, consecutive, oldest first.
    pub starts: Vec<NaiveDate>,
    /// The series, sorted by (sku, zone); every `values` has `starts.len()` entries.
    pub series: Vec<Series>,
}

/// The shape of a [`SeriesSet`], for reports.
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

impl SeriesSet {
    /// Builds the series from demand rows (best sorted by (sku, zone), as
    /// [`Scenario::demand`](super::Scenario::demand) is; others are sorted on a copy);
    /// `sku` and `zone` name the dense indices. Rows of one (date, sku, zone) add up.
    ///
    /// # Complexity
    /// O(rows + series x periods + series log series).
    pub fn from_rows(
        period: Period,
        rows: &[DemandRow],
        sku: impl Fn(SkuIdx) -> SkuId,
        zone: impl Fn(ZoneIdx) -> ZoneId,
    ) -> SeriesSet {
        let Some(calendar) = Calendar::of(period, rows) else {
            return SeriesSet { period, starts: Vec::new(), series: Vec::new() };
        };
        // A loaded scenario's rows are sorted; hand-built ones may not be.
        let sorted;
        let rows = if rows.is_sorted_by_key(|r| (r.sku, r.zone)) {
            rows
        } else {
            let mut copy = rows.to_vec();
            copy.sort_by_key(|r| (r.sku, r.zone, r.date));
            sorted = copy;
            &sorted
        };
        let mut series = Vec::new();
        calendar.each_series(rows, |s, z, values| {
            series.push(Series { sku: sku(s), zone: zone(z), values: values.to_vec() });
        });
        series.sort_by(|a, b| (&a.sku, &a.zone).cmp(&(&b.sku, &b.zone)));
        SeriesSet { period, starts: calendar.starts(), series }
    }

    /// Reads a plain long-form history CSV (no scenario needed), checks every row like
    /// `demand.csv` of a scenario (any id is accepted), and builds the series. Columns other
    /// than the four named in `format` are ignored with a `W-UNKNOWN-COLUMN` warning.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] with every issue if any row is bad or the file is
    /// missing or empty; [`ScenarioError::Io`] on a disk error.
    ///
    /// # Complexity
    /// O(rows log rows + series x periods log periods) time (the outlier check sorts each
    /// series); O(rows + series x periods) memory.
    pub fn from_history_csv(
        path: &Path,
        format: &HistoryFormat,
    ) -> Result<(SeriesSet, Report), ScenarioError> {
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
        let set = SeriesSet::from_rows(
            format.period,
            &rows,
            |s| SkuId::new(ids.sku_name(s.0)),
            |z| ZoneId::new(ids.zone_name(z.0)),
        );
        series_rules(&mut report, &label, &set);
        report.summary.skus = ids.sku_names.len();
        report.summary.zones = ids.zone_names.len();
        report.summary.demand_rows = rows.len();
        report.summary.series = Some(set.summary(SPARSE_BELOW));
        if report.is_ok() { Ok((set, report)) } else { Err(ScenarioError::Invalid(report)) }
    }

    /// Number of periods.
    pub fn periods(&self) -> usize {
        self.starts.len()
    }

    /// Number of series.
    pub fn len(&self) -> usize {
        self.series.len()
    }

    /// True when there is no series.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// The dense index of the (sku, zone) series.
    ///
    /// # Complexity
    /// O(log series).
    pub fn position(&self, sku: &SkuId, zone: &ZoneId) -> Option<usize> {
        self.series.binary_search_by(|s| (&s.sku, &s.zone).cmp(&(sku, zone))).ok()
    }

    /// The (sku, zone) series.
    pub fn get(&self, sku: &SkuId, zone: &ZoneId) -> Option<&Series> {
        self.position(sku, zone).map(|i| &self.series[i])
    }

    /// The index of the period that contains `date`, if it is within the calendar.
    pub fn period_index(&self, date: NaiveDate) -> Option<usize> {
        let first = *self.starts.first()?;
        let days = (period_start(self.period, date) - first).num_days();
        let i = usize::try_from(days / self.period.days()).ok()?;
        (i < self.starts.len()).then_some(i)
    }

    /// Counts and shares that describe the set.
    ///
    /// # Complexity
    /// O(series x periods).
    pub fn summary(&self, sparse_below: usize) -> SeriesSummary {
        let mut acc = SummaryAcc::new(sparse_below);
        for s in &self.series {
            acc.add(&s.values);
        }
        acc.finish(self.period, &self.starts)
    }
}

/// The shared calendar of a set of demand rows: from the period of the first date to the
/// period of the last.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Calendar {
    period: Period,
    first: NaiveDate,
    periods: usize,
}

impl Calendar {
    /// `None` when there are no rows.
    pub fn of(period: Period, rows: &[DemandRow]) -> Option<Calendar> {
        let first = rows.iter().map(|r| r.date).min()?;
        let last = rows.iter().map(|r| r.date).max()?;
        let (first, last) = (period_start(period, first), period_start(period, last));
        let periods = ((last - first).num_days() / period.days()) as usize + 1;
        Some(Calendar { period, first, periods })
    }

    /// The first day of each period.
    pub fn starts(&self) -> Vec<NaiveDate> {
        let step = self.period.days() as u64;
        (0..self.periods as u64).map(|i| self.first + Days::new(i * step)).collect()
    }

    /// Calls `f` once per (sku, zone) run of `rows` (sorted by sku, zone, date) with its
    /// dense values, reusing one buffer: O(periods) memory whatever the number of series.
    ///
    /// # Complexity
    /// O(rows + series x periods).
    pub fn each_series(&self, rows: &[DemandRow], mut f: impl FnMut(SkuIdx, ZoneIdx, &[f64])) {
        let mut values = vec![0.0; self.periods];
        let mut rest = rows;
        while let Some(head) = rest.first() {
            let key = (head.sku, head.zone);
            let len = rest.iter().take_while(|r| (r.sku, r.zone) == key).count();
            values.fill(0.0);
            for r in &rest[..len] {
                let days = (period_start(self.period, r.date) - self.first).num_days();
                if let Some(v) =
                    usize::try_from(days / self.period.days()).ok().and_then(|i| values.get_mut(i))
                {
                    *v += r.quantity;
                }
            }
            f(key.0, key.1, &values);
            rest = &rest[len..];
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn row(date: &str, sku: u32, zone: u32, quantity: f64) -> DemandRow {
        DemandRow { date: d(date), sku: SkuIdx(sku), zone: ZoneIdx(zone), quantity }
    }

    fn names(set: &SeriesSet) -> Vec<(String, String)> {
        set.series.iter().map(|s| (s.sku.to_string(), s.zone.to_string())).collect()
    }

    #[test]
    fn daily_series_fill_missing_days_with_zeros_on_a_shared_calendar() {
        // Unsorted on purpose: a row of (1, 0) between two rows of (0, 0).
        let rows = [
            row("2024-01-01", 0, 0, 2.0),
            row("2024-01-03", 1, 0, 5.0),
            row("2024-01-04", 0, 0, 1.0),
        ];
        let set = SeriesSet::from_rows(
            Period::Day,
            &rows,
            |s| SkuId::new(["B", "A"][s.0 as usize]),
            |_| ZoneId::from("06000"),
        );
        assert_eq!(
            set.starts,
            [d("2024-01-01"), d("2024-01-02"), d("2024-01-03"), d("2024-01-04")]
        );
        // Sorted by id, not by index: "A" (index 1) first.
        assert_eq!(names(&set), [("A".into(), "06000".into()), ("B".into(), "06000".into())]);
        assert_eq!(set.series[0].values, [0.0, 0.0, 5.0, 0.0]);
        assert_eq!(set.series[1].values, [2.0, 0.0, 0.0, 1.0]);
        assert_eq!(set.position(&SkuId::from("B"), &ZoneId::from("06000")), Some(1));
        assert_eq!(set.period_index(d("2024-01-03")), Some(2));
        assert_eq!(set.period_index(d("2024-01-05")), None);
        let summary = set.summary(2);
        assert_eq!((summary.series, summary.periods, summary.total_units), (2, 4, 8.0));
        assert!((summary.zero_share - 5.0 / 8.0).abs() < 1e-12);
        assert!((summary.sparse_share - 0.5).abs() < 1e-12);
    }

    #[test]
    fn weekly_series_bucket_by_iso_week_starting_monday() {
        // 2024-01-07 is a Sunday, 2024-01-08 a Monday.
        let rows = [
            row("2024-01-03", 0, 0, 1.0),
            row("2024-01-07", 0, 0, 2.0),
            row("2024-01-08", 0, 0, 4.0),
        ];
        let set = SeriesSet::from_rows(Period::Week, &rows, |_| "S".into(), |_| "Z".into());
        assert_eq!(set.starts, [d("2024-01-01"), d("2024-01-08")]);
        assert_eq!(set.series[0].values, [3.0, 4.0]);
        assert_eq!(set.period_index(d("2024-01-14")), Some(1));
    }

    #[test]
    fn no_rows_give_an_empty_set() {
        let set = SeriesSet::from_rows(Period::Day, &[], |_| "S".into(), |_| "Z".into());
        assert!(set.is_empty() && set.periods() == 0);
        assert_eq!(set.summary(SPARSE_BELOW).zero_share, 0.0);
    }
}
