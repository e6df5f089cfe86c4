//! Streaming a long-form demand history (`date,sku,zone,quantity`) into compact rows.
//!
//! Shared by the scenario loader (ids must exist in `skus.csv` / `zones.csv`) and the plain
//! history reader used by forecasting (ids are taken as they come): the [`Resolve`] trait
//! is the only difference. Each record is checked field by field and every problem is
//! reported; a row with any error is not kept, which is safe because any error refuses
//! the whole input. Rows are held as 32-byte structs with dense ids, never as text.

use super::error::ScenarioError;
use super::limits;
use super::model::{DemandRow, SkuIdx, ZoneIdx};
use super::report::{At, Code, Report};
use super::table::Table;
use super::validate::{
    e_bad_date, e_missing_value, e_negative_quantity, e_not_a_number, e_out_of_range,
};
use crate::ids::{SkuId, ZoneId};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Maps the ids of a history to dense indices.
pub(crate) trait Resolve {
    /// The index of a SKU id, `None` if the id is not allowed.
    fn sku(&mut self, id: &str) -> Option<u32>;
    /// The index of a zone id, `None` if the id is not allowed.
    fn zone(&mut self, id: &str) -> Option<u32>;
    /// The id behind a SKU index (for messages).
    fn sku_name(&self, idx: u32) -> &str;
    /// The id behind a zone index (for messages).
    fn zone_name(&self, idx: u32) -> &str;
}

/// The index given to ids that are declared on a row with other errors: references to
/// them are not reported again (the row itself already is), and not kept.
pub(crate) const DECLARED_INVALID: u32 = u32::MAX;

/// Ids known in advance (a scenario's `skus.csv` and `zones.csv`).
pub(crate) struct Known<'a> {
    pub skus: HashMap<&'a str, u32>,
    pub zones: HashMap<&'a str, u32>,
    pub sku_names: Vec<&'a str>,
    pub zone_names: Vec<&'a str>,
}

impl Resolve for Known<'_> {
    fn sku(&mut self, id: &str) -> Option<u32> {
        self.skus.get(id).copied()
    }
    fn zone(&mut self, id: &str) -> Option<u32> {
        self.zones.get(id).copied()
    }
    fn sku_name(&self, idx: u32) -> &str {
        self.sku_names.get(idx as usize).copied().unwrap_or("?")
    }
    fn zone_name(&self, idx: u32) -> &str {
        self.zone_names.get(idx as usize).copied().unwrap_or("?")
    }
}

/// Ids learnt from the history itself (a plain history file), numbered in order of first
/// appearance.
#[derive(Default)]
pub(crate) struct Interned {
    pub skus: HashMap<String, u32>,
    pub zones: HashMap<String, u32>,
    pub sku_names: Vec<String>,
    pub zone_names: Vec<String>,
}

impl Interned {
    /// The ids in index order, as newtypes.
    pub fn into_ids(self) -> (Vec<SkuId>, Vec<ZoneId>) {
        (
            self.sku_names.into_iter().map(SkuId::new).collect(),
            self.zone_names.into_iter().map(ZoneId::new).collect(),
        )
    }
}

fn intern(map: &mut HashMap<String, u32>, names: &mut Vec<String>, id: &str) -> Option<u32> {
    if let Some(&i) = map.get(id) {
        return Some(i);
    }
    let i = u32::try_from(names.len()).ok()?;
    map.insert(id.to_owned(), i);
    names.push(id.to_owned());
    Some(i)
}

impl Resolve for Interned {
    fn sku(&mut self, id: &str) -> Option<u32> {
        intern(&mut self.skus, &mut self.sku_names, id)
    }
    fn zone(&mut self, id: &str) -> Option<u32> {
        intern(&mut self.zones, &mut self.zone_names, id)
    }
    fn sku_name(&self, idx: u32) -> &str {
        self.sku_names.get(idx as usize).map_or("?", String::as_str)
    }
    fn zone_name(&self, idx: u32) -> &str {
        self.zone_names.get(idx as usize).map_or("?", String::as_str)
    }
}

/// Longest span a history may cover, first to last date, in days (20 years).
///
/// Every later step walks dense series of that many periods (the loader's warnings one
/// series at a time, [`super::SeriesSet`] all at once), so one stray date (`0001-01-01`,
/// `+200000-01-01`) would otherwise cost time and memory out of all proportion to the file.
pub(crate) const MAX_SPAN_DAYS: i64 = 7305;

/// A row with its source line, before duplicates are merged.
#[derive(Debug, Clone, Copy)]
struct Raw {
    sku: u32,
    zone: u32,
    date: NaiveDate,
    line: u64,
    quantity: f64,
}

/// Reads every record of an open demand table whose wanted columns are, in order,
/// date, sku, zone, quantity. Returns the valid rows sorted by (sku, zone, date) with
/// duplicates summed (`W-DUPLICATE-ROW`).
///
/// # Errors
/// [`ScenarioError::Io`] on a disk error.
///
/// # Complexity
/// O(rows log rows) time, O(rows) memory for the compact rows.
pub(crate) fn read(
    table: &mut Table,
    resolve: &mut impl Resolve,
    report: &mut Report,
) -> Result<Vec<DemandRow>, ScenarioError> {
    let mut rows = Vec::new();
    while table.next(report)? {
        let date = e_bad_date(report, table.at(0), table.get(0));
        let sku = id(report, table.at(1), table.get(1), |s| resolve.sku(s), "skus.csv");
        let zone = id(report, table.at(2), table.get(2), |z| resolve.zone(z), "zones.csv");
        let quantity = e_not_a_number(report, table.at(3), table.get(3)).filter(|q| {
            e_negative_quantity(report, table.at(3), *q)
                && e_out_of_range(report, table.at(3), *q, limits::DEMAND_UNITS)
        });
        let declared = |i: Option<u32>| i.filter(|i| *i != DECLARED_INVALID);
        if let (Some(date), Some(sku), Some(zone), Some(quantity)) =
            (date, declared(sku), declared(zone), quantity)
        {
            rows.push(Raw { sku, zone, date, line: table.line(), quantity });
        }
    }
    table.finish_nonempty(report);
    if !e_span(report, table, &rows) || !e_stray_date(report, table, &rows) {
        return Ok(Vec::new());
    }
    e_no_demand(report, table, &rows);
    rows.sort_unstable_by(|a, b| {
        (a.sku, a.zone, a.date, a.line).cmp(&(b.sku, b.zone, b.date, b.line))
    });
    // Merge duplicates in place, then convert in place (the allocation is reused), so the
    // peak memory is one vector of compact rows.
    let mut duplicates = Vec::new();
    rows.dedup_by(|later, kept| {
        let same = (later.sku, later.zone, later.date) == (kept.sku, kept.zone, kept.date);
        if same {
            kept.quantity += later.quantity;
            duplicates.push((*later, kept.line));
        }
        same
    });
    let out: Vec<DemandRow> = rows
        .into_iter()
        .map(|r| DemandRow {
            date: r.date,
            sku: SkuIdx(r.sku),
            zone: ZoneIdx(r.zone),
            quantity: r.quantity,
        })
        .collect();
    duplicates.sort_unstable_by_key(|(r, _)| r.line);
    for (r, first) in duplicates {
        let at = table.at(0);
        let at = At { line: Some(r.line), ..at };
        let key = format!("{},{},{}", r.date, resolve.sku_name(r.sku), resolve.zone_name(r.zone));
        let cause = format!("same (date, sku, zone) as line {first}; the quantities are summed");
        let action = "merge the rows if summing is wrong for this file";
        report.push(at.issue(Code::DuplicateRow, Some(key), cause, action));
    }
    Ok(out)
}

/// `E-BAD-DATE` on the last (or first) row when the dates span more than
/// [`MAX_SPAN_DAYS`]; `false` then, and the caller keeps no row.
fn e_span(report: &mut Report, table: &Table, rows: &[Raw]) -> bool {
    let (Some(first), Some(last)) =
        (rows.iter().min_by_key(|r| r.date), rows.iter().max_by_key(|r| r.date))
    else {
        return true;
    };
    let span = (last.date - first.date).num_days();
    if span <= MAX_SPAN_DAYS {
        return true;
    }
    let at = At { line: Some(last.line), ..table.at(0) };
    let cause = format!(
        "the history spans {span} days, from {} (line {}) to {}; at most {MAX_SPAN_DAYS}",
        first.date, first.line, last.date
    );
    let action = "fix the stray date (a mistyped year?) or keep the last 20 years only";
    report.push(at.issue(Code::BadDate, Some(last.date.to_string()), cause, action));
    false
}

/// A silence of the whole history (no row on any series) at least this long ...
pub(crate) const STRAY_GAP_DAYS: i64 = 91;
/// ... with at most this share of the rows beyond it (or at most [`STRAY_FEW_ROWS`] rows,
/// and ten times as many on the other side) makes those rows stray.
pub(crate) const STRAY_SHARE: f64 = 0.01;
/// See [`STRAY_SHARE`].
pub(crate) const STRAY_FEW_ROWS: usize = 3;
/// Stray rows named one by one; the cause counts the rest.
const STRAY_LISTED: usize = 20;

/// `E-STRAY-DATE` on rows that lie beyond a silence of the whole history of at least
/// [`STRAY_GAP_DAYS`] and are only a sliver of it (a mistyped year: `2030-12-31` in a
/// 2010-2011 history). Such a row moves the end of the history, and with it the forecast
/// origin, to its date: every series then ends in years of zeros and the forecast total
/// collapses (164,030.7 to 20.0 units on the Monaco scenario). Rows at the start are
/// checked the same way (they would fill every series with leading zeros). `false` when
/// any row is stray; the caller keeps no row then.
///
/// # Complexity
/// O(rows log rows) time (sorting the dates), O(rows) memory.
fn e_stray_date(report: &mut Report, table: &Table, rows: &[Raw]) -> bool {
    let n = rows.len();
    let mut dates: Vec<NaiveDate> = rows.iter().map(|r| r.date).collect();
    dates.sort_unstable();
    let stray = |side: usize| {
        (side as f64 <= STRAY_SHARE * n as f64) || (side <= STRAY_FEW_ROWS && n - side >= 10 * side)
    };
    // Rows up to index `head` (exclusive) and from `tail` on are stray: the widest sliver
    // at either end that lies beyond a long silence.
    let (mut head, mut tail) = (0, n);
    for (i, pair) in dates.windows(2).enumerate() {
        if (pair[1] - pair[0]).num_days() < STRAY_GAP_DAYS {
            continue;
        }
        let before = i + 1;
        if stray(before) && before < n - before {
            head = head.max(before);
        }
        if stray(n - before) && n - before < before {
            tail = tail.min(before);
        }
    }
    if head == 0 && tail == n {
        return true;
    }
    let (first_kept, last_kept) = (dates[head], dates[tail - 1]);
    let mut bad: Vec<&Raw> =
        rows.iter().filter(|r| r.date < first_kept || r.date > last_kept).collect();
    bad.sort_unstable_by_key(|r| r.line);
    let count = bad.len();
    for r in bad.iter().take(STRAY_LISTED) {
        let at = At { line: Some(r.line), ..table.at(0) };
        let (side, gap_days) = if r.date > last_kept {
            ("after", (r.date - last_kept).num_days())
        } else {
            ("before", (first_kept - r.date).num_days())
        };
        let bound = if r.date > last_kept { last_kept } else { first_kept };
        let more = if count > STRAY_LISTED {
            format!("; {count} such rows, the first {STRAY_LISTED} listed")
        } else {
            String::new()
        };
        let cause = format!(
            "{gap_days} days {side} the rest of the history ({bound}), with no sale in between: \
             {count} of {n} rows lie beyond that silence, and the forecast would start from \
             the wrong end{more}"
        );
        let action = "fix the date (a mistyped year?) or drop the row";
        report.push(at.issue(Code::StrayDate, Some(r.date.to_string()), cause, action));
    }
    false
}

/// `E-NO-DEMAND` when the file has rows but every quantity is 0: there is nothing to
/// forecast, and placement would fail later with no series to place.
fn e_no_demand(report: &mut Report, table: &Table, rows: &[Raw]) {
    if rows.is_empty() || rows.iter().any(|r| r.quantity > 0.0) {
        return;
    }
    let cause = format!("all {} rows have quantity 0: the history sells nothing", rows.len());
    let action = "use a history with sales (zero rows may be left out altogether)";
    let at = At { line: None, ..table.at(3) };
    report.push(at.issue(Code::NoDemand, None, cause, action));
}

fn id(
    report: &mut Report,
    at: At,
    raw: &str,
    resolve: impl FnOnce(&str) -> Option<u32>,
    list: &str,
) -> Option<u32> {
    let raw = e_missing_value(report, at, raw)?;
    let found = resolve(raw);
    if found.is_none() {
        let (code, what) = if list == "skus.csv" {
            (Code::UnknownSku, "SKU")
        } else {
            (Code::UnknownZone, "zone")
        };
        let cause = format!("the {what} is not listed in {list}");
        let action = format!("add the {what} to {list} or fix the id (ids are case-sensitive)");
        report.push(at.issue(code, Some(raw.to_owned()), cause, action));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> (Vec<DemandRow>, Report) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demand.csv");
        std::fs::write(&path, text).unwrap();
        let mut report = Report::default();
        let columns = ["date", "sku", "zone", "quantity"];
        let mut table =
            Table::open(&path, "demand.csv", &columns, &[], &mut report).unwrap().unwrap();
        let rows = read(&mut table, &mut Interned::default(), &mut report).unwrap();
        (rows, report)
    }

    /// Found with the `scenario_demand` fuzz target (a hand-made input, not the fuzzer):
    /// two rows 400,000 years apart made the loader walk dense series of 146 million days
    /// (timeout, 1.7 GB and growing).
    #[test]
    fn fuzz_demand_dates_spanning_centuries_are_an_error_not_a_dense_walk() {
        let text = "date,sku,zone,quantity\n2024-03-04,a,z,1\n+200000-01-01,a,z,1\n\
                    -200000-01-01,a,z,1\n";
        let (rows, report) = read_text(text);
        assert!(rows.is_empty(), "no row is kept when the span is refused");
        let bad: Vec<_> = report.issues.iter().map(|i| (i.code, i.line())).collect();
        assert_eq!(bad, [(Code::BadDate.into(), Some(3))]);
        assert!(!report.is_ok());
    }

    /// A year of daily rows for one series, from 2023-01-01.
    fn year() -> String {
        let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        let mut text = String::from("date,sku,zone,quantity\n");
        for d in 0..365 {
            text.push_str(&format!("{},a,z,1\n", start + chrono::Days::new(d)));
        }
        text
    }

    fn codes(report: &Report) -> Vec<(&'static str, Option<u64>)> {
        report.issues.iter().map(|i| (i.code.as_str(), i.line())).collect()
    }

    #[test]
    fn rows_beyond_a_long_silence_at_either_end_are_stray() {
        let (rows, report) = read_text(&(year() + "2030-12-31,a,z,1\n"));
        assert!(rows.is_empty());
        assert_eq!(codes(&report), [(Code::StrayDate.as_str(), Some(367))]);
        let (_, report) = read_text(&(year() + "2015-03-01,a,z,1\n2015-03-02,a,z,1\n"));
        assert_eq!(
            codes(&report),
            [(Code::StrayDate.as_str(), Some(367)), (Code::StrayDate.as_str(), Some(368))]
        );
    }

    #[test]
    fn a_closure_with_a_real_season_after_it_is_kept() {
        // 120 silent days, then 60 days of sales: 14% of the rows, not a sliver.
        let start = NaiveDate::from_ymd_opt(2024, 4, 30).unwrap();
        let mut text = year();
        for d in 0..60 {
            text.push_str(&format!("{},a,z,2\n", start + chrono::Days::new(d)));
        }
        let (rows, report) = read_text(&text);
        assert_eq!(rows.len(), 425);
        assert!(report.is_ok(), "{:?}", report.issues);
        // A silence shorter than STRAY_GAP_DAYS is no stray either, whatever follows it.
        let (_, report) = read_text(&(year() + "2024-03-01,a,z,1\n"));
        assert!(report.is_ok());
    }

    #[test]
    fn a_history_of_zeros_is_an_error() {
        let (_, report) = read_text("date,sku,zone,quantity\n2024-03-04,a,z,0\n2024-03-05,a,z,0\n");
        assert_eq!(codes(&report), [(Code::NoDemand.as_str(), None)]);
    }

    #[test]
    fn a_history_of_exactly_the_longest_span_is_kept() {
        let text = "date,sku,zone,quantity\n2000-01-01,a,z,1\n2020-01-01,a,z,2\n";
        let (rows, report) = read_text(text);
        assert_eq!((rows[1].date - rows[0].date).num_days(), MAX_SPAN_DAYS);
        assert_eq!(rows.len(), 2);
        assert!(report.is_ok());
    }
}
