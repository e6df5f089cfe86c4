//! The pipeline's dense output: clean, regular demand series.
//!
//! One series per (SKU, zone) that has any demand, over the one shared [`Calendar`] (days,
//! or seven-day weeks ending on the last date of the whole history), with explicit zeros
//! for periods without rows. Reports and examples read values by dense index; the ids and
//! period start dates say what each index means. The forecaster keeps the same rows sparse
//! ([`History`](crate::forecast::History)) on the same grid.
//!
//! The same [`SeriesSet`] can be built from a scenario ([`Scenario::series`]) or from a
//! plain history CSV ([`SeriesSet::from_history_csv`]), which is validated the same way:
//! bad rows are reported, never dropped.

use super::calendar::Calendar;
use super::error::ScenarioError;
use super::history::{HistoryFormat, read_history};
use super::model::{DemandRow, Period, Scenario, SkuIdx, ZoneIdx};
use super::report::Report;
use super::summary::{SeriesSummary, SummaryAcc};
use crate::ids::{SkuId, ZoneId};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;

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

    /// Reads a plain long-form history CSV through [`read_history`] (every row checked
    /// like `demand.csv` of a scenario, any id accepted) and builds the dense series.
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
        let (history, report) = read_history(path, format)?;
        let set = SeriesSet::from_rows(
            history.period,
            &history.rows,
            |s| history.skus.get(s.0 as usize).cloned().unwrap_or_else(|| SkuId::new("?")),
            |z| history.zones.get(z.0 as usize).cloned().unwrap_or_else(|| ZoneId::new("?")),
        );
        Ok((set, report))
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
        let days = (date - *self.starts.first()?).num_days();
        let i = usize::try_from(days).ok()? / self.period.days().unsigned_abs() as usize;
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

impl Scenario {
    /// The clean series of the demand history (see [`SeriesSet`]).
    ///
    /// # Complexity
    /// O(rows + series x periods).
    pub fn series(&self) -> SeriesSet {
        SeriesSet::from_rows(
            self.period,
            &self.demand,
            // Indices of a loaded scenario always resolve; a hand-built one gets a visible stand-in.
            |s| self.sku(s).map_or_else(|| SkuId::new(format!("#{}", s.0)), |k| k.id.clone()),
            |z| self.zone(z).map_or_else(|| ZoneId::new(format!("#{}", z.0)), |k| k.id.clone()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::summary::SPARSE_BELOW;

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
    fn weekly_series_are_whole_weeks_ending_on_the_last_date() {
        // 16 days from 2024-01-01 to 2024-01-16: two weeks from 2024-01-03; the two days
        // before the first whole week are outside the grid.
        let rows = [
            row("2024-01-02", 0, 0, 9.0),
            row("2024-01-03", 0, 0, 1.0),
            row("2024-01-09", 0, 0, 2.0),
            row("2024-01-10", 0, 0, 4.0),
            row("2024-01-16", 0, 0, 8.0),
        ];
        let set = SeriesSet::from_rows(Period::Week, &rows, |_| "S".into(), |_| "Z".into());
        assert_eq!(set.starts, [d("2024-01-03"), d("2024-01-10")]);
        assert_eq!(set.series[0].values, [3.0, 12.0]);
        assert_eq!(set.period_index(d("2024-01-16")), Some(1));
        assert_eq!(set.period_index(d("2024-01-02")), None);
        assert_eq!(set.period_index(d("2024-01-17")), None);
    }

    #[test]
    fn no_rows_give_an_empty_set() {
        let set = SeriesSet::from_rows(Period::Day, &[], |_| "S".into(), |_| "Z".into());
        assert!(set.is_empty() && set.periods() == 0);
        assert_eq!(set.summary(SPARSE_BELOW).zero_share, 0.0);
    }
}
