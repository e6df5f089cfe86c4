//! Weekday profiles: the shape of demand within the week, laid over the chosen model.
//!
//! The selection scores horizon totals ([`super::select`]), which a weekly shape does not
//! change, so it picks level models (window average, TSB, ...) whose forecasts are flat
//! across the week. Monaco's history never sells on a Saturday, yet its forecast showed
//! Saturdays like any other day (issue 19). The backtest still chooses the model and its
//! level; this module only redistributes the level within each week:
//!
//! - **one profile for all series**, from their sum over the last whole weeks of the
//!   quantile window: factor `f_d = 7 x units on weekday d / units` (mean 1 over a week). A
//!   single series has too few sales per weekday to estimate its own (most sell on a
//!   handful of days a quarter), while a shop's closed day or a weekend dip is shared;
//! - **only where the history shows one**: a G-test (likelihood ratio) of the count of
//!   selling (series, day) pairs per weekday against a flat week, at the 0.1 % level
//!   ([`G_CRITICAL`]). Counts, not units, because units are dominated by a few large orders;
//!   a strict level because the profile is applied to every series;
//! - **applied as `level x f_d`**, where the level is the model's mean over each calendar
//!   week (Monday to Sunday) of the horizon. A model's own weekly shape (seasonal naive, a
//!   seasonal ETS) is replaced by the pooled one, never multiplied by it twice, and a whole
//!   week keeps the model's total. A weekday without sales in the window gets a factor of
//!   exactly 0.
//!
//! Daily data only: weekly buckets have no weekdays.

use super::series::{Frequency, History};
use chrono::Datelike;

/// The 99.9 % quantile of the chi-squared distribution with 6 degrees of freedom: a flat
/// week is rejected when the G statistic exceeds it.
pub const G_CRITICAL: f64 = 22.457_744;

/// Fewest whole weeks of history a profile is estimated from.
pub const MIN_WEEKS: usize = 4;

/// Demand factors per weekday, Monday first, averaging 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekdayProfile {
    /// Factor per weekday (Monday = 0), `>= 0`, summing to 7.
    pub factors: [f64; 7],
}

impl WeekdayProfile {
    /// The profile of `history` up to (excluding) period `end`, from its last whole weeks
    /// within `window` periods; `None` for weekly data, fewer than [`MIN_WEEKS`] weeks, no
    /// sales, or a week the G-test cannot tell from flat.
    ///
    /// # Complexity
    /// O(sales in the history).
    pub fn estimate(history: &History, end: usize, window: usize) -> Option<Self> {
        if history.frequency() != Frequency::Daily {
            return None;
        }
        let weeks = window.min(end) / 7;
        if weeks < MIN_WEEKS {
            return None;
        }
        let start = end - weeks * 7;
        let (mut units, mut counts) = ([0.0f64; 7], [0.0f64; 7]);
        for i in 0..history.len() {
            for &(p, q) in history.sales(i) {
                let p = p as usize;
                if p < start || p >= end {
                    continue;
                }
                let d = history.period_start(p).weekday().num_days_from_monday() as usize;
                units[d] += q;
                counts[d] += 1.0;
            }
        }
        let (total_units, total_counts) = (units.iter().sum::<f64>(), counts.iter().sum::<f64>());
        if total_units <= 0.0 || g_statistic(&counts, total_counts) <= G_CRITICAL {
            return None;
        }
        Some(Self { factors: units.map(|u| 7.0 * u / total_units) })
    }

    /// Lays the profile over `mean`, whose period 0 falls on `first_day`: each calendar
    /// week's mean level times the weekday's factor (see the module docs).
    ///
    /// # Units
    /// Product units per period, in and out.
    pub fn apply(&self, mean: &mut [f64], first_day: chrono::Weekday) {
        let offset = first_day.num_days_from_monday() as usize;
        let mut h = 0;
        while h < mean.len() {
            // The rest of the calendar week that period h falls in.
            let len = (7 - (offset + h) % 7).min(mean.len() - h);
            let block = &mut mean[h..h + len];
            let level = block.iter().sum::<f64>() / len as f64;
            for (k, v) in block.iter_mut().enumerate() {
                *v = level * self.factors[(offset + h + k) % 7];
            }
            h += len;
        }
    }
}

/// `G = 2 sum c ln(c / e)` of weekday counts against a flat week (`e = total / 7`).
fn g_statistic(counts: &[f64; 7], total: f64) -> f64 {
    let expected = total / 7.0;
    if expected <= 0.0 {
        return 0.0;
    }
    2.0 * counts.iter().filter(|&&c| c > 0.0).map(|&c| c * (c / expected).ln()).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::HistoryBuilder;
    use chrono::{NaiveDate, Weekday};

    /// `weeks` weeks from Monday 2024-01-01 of `units(day)` for each of `series` series.
    fn history(weeks: u32, series: usize, units: impl Fn(u32) -> f64) -> History {
        let mut b = HistoryBuilder::new();
        let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for day in 0..weeks * 7 {
            let date = monday + chrono::Days::new(u64::from(day));
            for s in 0..series {
                b.push(date, &format!("sku{s}"), "z", units(day));
            }
        }
        b.finish(Frequency::Daily).unwrap()
    }

    #[test]
    fn r19_a_closed_saturday_gets_factor_zero() {
        let h = history(13, 3, |d| if d % 7 == 5 { 0.0 } else { 2.0 + f64::from(d % 3) });
        let p = WeekdayProfile::estimate(&h, h.periods(), 91).expect("a profile");
        assert_eq!(p.factors[5], 0.0);
        assert!((p.factors.iter().sum::<f64>() - 7.0).abs() < 1e-9);
        assert!(p.factors.iter().enumerate().all(|(d, &f)| d == 5 || f > 1.0));
    }

    #[test]
    fn a_flat_week_or_a_short_history_gives_no_profile() {
        // Sales every day with sizes that vary but not by weekday.
        let flat = history(13, 3, |d| 1.0 + f64::from(d % 5));
        assert_eq!(WeekdayProfile::estimate(&flat, flat.periods(), 91), None);
        let short = history(3, 3, |d| if d % 7 == 5 { 0.0 } else { 1.0 });
        assert_eq!(WeekdayProfile::estimate(&short, short.periods(), 91), None);
    }

    #[test]
    fn apply_keeps_whole_weeks_and_replaces_a_model_shape() {
        let mut factors = [7.0 / 6.0; 7];
        factors[5] = 0.0;
        let p = WeekdayProfile { factors };
        // 10 days from a Thursday: Thu-Sun (partial week), then Mon-Sat of the next.
        let mut mean = vec![1.0, 3.0, 1.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0];
        p.apply(&mut mean, Weekday::Thu);
        // Block 1 (Thu, Fri, Sat, Sun): level 2 -> Sat 0, others 2 x 7/6.
        assert_eq!(mean[2], 0.0);
        assert!((mean[0] - 7.0 / 3.0).abs() < 1e-12 && (mean[3] - 7.0 / 3.0).abs() < 1e-12);
        // Block 2 (Mon..Sat, partial): level 2; the Saturday (index 9) is 0.
        assert_eq!(mean[9], 0.0);
        assert!((mean[4] - 7.0 / 3.0).abs() < 1e-12);
        // A whole week keeps its total.
        let mut week = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        p.apply(&mut week, Weekday::Mon);
        assert!((week.iter().sum::<f64>() - 28.0).abs() < 1e-9);
    }
}
