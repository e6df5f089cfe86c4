//! Streaming a long-form demand history (`date,sku,zone,quantity`) into compact rows.
//!
//! Shared by the scenario loader (ids must exist in `skus.csv` / `zones.csv`) and the plain
//! history reader used by forecasting (ids are taken as they come): the [`Resolve`] trait
//! is the only difference. Each record is checked field by field and every problem is
//! reported; a row with any error is not kept, which is safe because any error refuses
//! the whole input. Rows are held as 32-byte structs with dense ids, never as text.

use super::error::ScenarioError;
use super::model::{DemandRow, SkuIdx, ZoneIdx};
use super::report::{At, Code, Report};
use super::table::Table;
use super::validate::{e_bad_date, e_missing_value, e_negative_quantity, e_not_a_number};
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
        let quantity = e_not_a_number(report, table.at(3), table.get(3))
            .filter(|q| e_negative_quantity(report, table.at(3), *q));
        let declared = |i: Option<u32>| i.filter(|i| *i != DECLARED_INVALID);
        if let (Some(date), Some(sku), Some(zone), Some(quantity)) =
            (date, declared(sku), declared(zone), quantity)
        {
            rows.push(Raw { sku, zone, date, line: table.line(), quantity });
        }
    }
    table.finish_nonempty(report);
    if !e_span(report, table, &rows) {
        return Ok(Vec::new());
    }
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

    #[test]
    fn a_history_of_exactly_the_longest_span_is_kept() {
        let text = "date,sku,zone,quantity\n2000-01-01,a,z,1\n2020-01-01,a,z,2\n";
        let (rows, report) = read_text(text);
        assert_eq!((rows[1].date - rows[0].date).num_days(), MAX_SPAN_DAYS);
        assert_eq!(rows.len(), 2);
        assert!(report.is_ok());
    }
}
