//! The one period grid of demand history, shared by validation, [`SeriesSet`] and the
//! forecaster's [`History`].
//!
//! Days are days. Weeks are seven-day buckets that **end on the last date of the whole
//! history**: the last bucket is always complete and the first forecast period starts the
//! day after the data ends. Calendar (ISO, Monday) weeks were the other candidate; they cut
//! a partial week at the end whenever the data does not stop on a Sunday, and a model
//! reads that partial week as a fall in demand right where the forecast starts. The price
//! of ending on the last date is that the days before the first full week (at most six)
//! are outside the grid and not part of any series.
//!
//! [`SeriesSet`]: super::SeriesSet
//! [`History`]: crate::forecast::History

use super::model::{DemandRow, Period, SkuIdx, ZoneIdx};
use chrono::{Days, NaiveDate};

/// The period grid of a set of demand rows: whole periods ending on the last date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    period: Period,
    first: NaiveDate,
    periods: usize,
}

impl Calendar {
    /// The grid of `rows` (zero quantities count: they extend the history); `None` when
    /// there are no rows.
    ///
    /// # Complexity
    /// O(rows).
    pub fn of(period: Period, rows: &[DemandRow]) -> Option<Calendar> {
        let first = rows.iter().map(|r| r.date).min()?;
        let last = rows.iter().map(|r| r.date).max()?;
        Calendar::spanning(period, first, last)
    }

    /// The grid from `first` to `last` (inclusive): as many whole periods as fit, the last
    /// one ending on `last`, at least one.
    pub fn spanning(period: Period, first: NaiveDate, last: NaiveDate) -> Option<Calendar> {
        let step = period.days();
        let span = (last - first).num_days() + 1;
        let periods = (span / step).max(1);
        let first = last.checked_sub_days(Days::new((periods * step - 1).unsigned_abs()))?;
        Some(Calendar { period, first, periods: usize::try_from(periods).ok()? })
    }

    /// The bucket.
    pub fn period(&self) -> Period {
        self.period
    }

    /// Number of periods.
    pub fn periods(&self) -> usize {
        self.periods
    }

    /// The first day of period `i` (periods past the end continue the grid).
    pub fn start(&self, i: usize) -> NaiveDate {
        let days = i as u64 * self.period.days().unsigned_abs();
        self.first.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
    }

    /// The first day of each period.
    pub fn starts(&self) -> Vec<NaiveDate> {
        (0..self.periods).map(|i| self.start(i)).collect()
    }

    /// The period that contains `date`, `None` outside the grid.
    pub fn index(&self, date: NaiveDate) -> Option<usize> {
        let days = (date - self.first).num_days();
        let i = usize::try_from(days.checked_div(self.period.days())?).ok()?;
        (days >= 0 && i < self.periods).then_some(i)
    }

    /// The first day of the period that contains `date`, `None` outside the grid.
    pub fn start_of(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.index(date).map(|i| self.start(i))
    }

    /// Calls `f` once per (sku, zone) run of `rows` (sorted by sku, zone, date) with its
    /// dense values, reusing one buffer: O(periods) memory whatever the number of series.
    /// Rows before the grid are left out.
    ///
    /// # Units
    /// The values are the rows' units summed per period.
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
                if let Some(v) = self.index(r.date).and_then(|i| values.get_mut(i)) {
                    *v += r.quantity;
                }
            }
            f(key.0, key.1, &values);
            rest = &rest[len..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_end_on_the_last_date_and_days_before_the_first_full_week_are_outside() {
        // 16 days, 2024-01-01 .. 2024-01-16: two whole weeks from 2024-01-03.
        let c = Calendar::spanning(Period::Week, d("2024-01-01"), d("2024-01-16")).unwrap();
        assert_eq!((c.periods(), c.start(0), c.start(2)), (2, d("2024-01-03"), d("2024-01-17")));
        assert_eq!(c.index(d("2024-01-02")), None);
        assert_eq!(c.index(d("2024-01-09")), Some(0));
        assert_eq!(c.index(d("2024-01-10")), Some(1));
        assert_eq!(c.index(d("2024-01-17")), None);
        assert_eq!(c.start_of(d("2024-01-16")), Some(d("2024-01-10")));
        // Less than a week of data is still one (whole) week ending on the last date.
        let short = Calendar::spanning(Period::Week, d("2024-01-05"), d("2024-01-06")).unwrap();
        assert_eq!((short.periods(), short.start(0)), (1, d("2023-12-31")));
        let days = Calendar::spanning(Period::Day, d("2024-01-01"), d("2024-01-03")).unwrap();
        assert_eq!(days.starts(), [d("2024-01-01"), d("2024-01-02"), d("2024-01-03")]);
    }
}
