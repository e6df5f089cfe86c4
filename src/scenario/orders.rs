//! Reading `orders.csv` (optional): one delivery day's order lines, grouped into orders.
//!
//! Lines of one order share its id, location and time window; they need not be adjacent
//! in the file. A line's position is its `lat`/`lon` when given, else its zone's centroid.

use super::demand::Known;
use super::error::ScenarioError;
use super::limits;
use super::model::{Order, OrderLine, Sku, TimeOfDay, TimeWindow, Zone};
use super::report::{At, Code, Report};
use super::table::Table;
use super::validate::{
    e_bad_time, e_lat_range, e_lon_range, e_missing_value, e_non_positive, e_not_a_number,
    e_out_of_range, e_time_window,
};
use std::collections::HashMap;
use std::path::Path;

pub(crate) const FILE: &str = "orders.csv";
const REQUIRED: [&str; 3] = ["order", "sku", "quantity"];
const OPTIONAL: [&str; 5] = ["zone", "lat", "lon", "tw_start", "tw_end"];
// Wanted-column indices: required, then optional.
const ORDER: usize = 0;
const SKU: usize = 1;
const QUANTITY: usize = 2;
const ZONE: usize = 3;
const LAT: usize = 4;
const LON: usize = 5;
const TW_START: usize = 6;
const TW_END: usize = 7;

/// What every line of one order must agree on.
#[derive(Debug, Clone, PartialEq)]
struct Stop {
    zone: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    window: Option<TimeWindow>,
}

/// Reads `orders.csv` if present; orders in order of first appearance.
///
/// # Errors
/// [`ScenarioError::Io`] on a disk error.
pub(crate) fn read(
    path: &Path,
    known: &Known,
    zones: &[Zone],
    skus: &[Sku],
    report: &mut Report,
) -> Result<Vec<Order>, ScenarioError> {
    let Some(mut t) = Table::open(path, FILE, &REQUIRED, &OPTIONAL, report)? else {
        return Ok(Vec::new());
    };
    let mut orders: Vec<Order> = Vec::new();
    let mut first: HashMap<String, (usize, u64, Stop)> = HashMap::new();
    while t.next(report)? {
        let id = e_missing_value(report, t.at(ORDER), t.get(ORDER));
        let sku = sku(report, &t, known);
        let quantity = e_not_a_number(report, t.at(QUANTITY), t.get(QUANTITY)).filter(|q| {
            e_non_positive(report, t.at(QUANTITY), *q)
                && e_out_of_range(report, t.at(QUANTITY), *q, limits::ORDER_UNITS)
        });
        let stop = stop(report, &t, known);
        let (Some(id), Some(sku), Some(quantity), Some(stop)) = (id, sku, quantity, stop) else {
            continue;
        };
        let line = OrderLine { sku: sku.into(), quantity };
        if let Some((index, first_line, first_stop)) = first.get(id) {
            if let Some(field) = mismatch(first_stop, &stop) {
                let cause = format!("order {id} has another {field} on line {first_line}");
                let action = "give every line of an order the same zone, lat, lon and window";
                let shown = t.get(column(field)).to_owned();
                report.push(t.at(column(field)).issue(
                    Code::OrderMismatch,
                    Some(shown),
                    cause,
                    action,
                ));
                continue;
            }
            let Some(order) = orders.get_mut(*index) else { continue };
            if let Some(existing) = order.lines.iter_mut().find(|l| l.sku == line.sku) {
                existing.quantity += line.quantity;
                let cause =
                    format!("order {id} already has a line for this SKU; quantities are summed");
                let action = "write one line per SKU and order";
                let shown = Some(line.sku.to_string());
                report.push(t.at(SKU).issue(Code::DuplicateRow, shown, cause, action));
            } else {
                order.lines.push(line);
            }
            continue;
        }
        let centroid =
            stop.zone.as_deref().and_then(|z| zones.iter().find(|zone| zone.id.as_str() == z));
        let (Some(lat), Some(lon)) =
            (stop.lat.or(centroid.map(|c| c.lat)), stop.lon.or(centroid.map(|c| c.lon)))
        else {
            continue;
        };
        first.insert(id.to_owned(), (orders.len(), t.line(), stop.clone()));
        orders.push(Order {
            id: id.into(),
            zone: stop.zone.map(Into::into),
            lat,
            lon,
            time_window: stop.window,
            lines: vec![line],
        });
    }
    let at = t.at(QUANTITY);
    let mut firsts: Vec<_> = first.iter().collect();
    firsts.sort_unstable_by_key(|(_, (_, line, _))| *line);
    for (id, (index, line, _)) in firsts {
        if let Some(order) = orders.get(*index) {
            totals(report, At { line: Some(*line), ..at }, id, order, known, skus);
        }
    }
    Ok(orders)
}

/// `E-OUT-OF-RANGE` on the first line of an order that weighs or measures more than one
/// order may ([`limits::ORDER_KG`], [`limits::ORDER_M3`]): each line can be within its own
/// bound while the order as a whole is beyond what a stop of the routing stage can carry.
fn totals(report: &mut Report, at: At, id: &str, order: &Order, known: &Known, skus: &[Sku]) {
    let (mut kg, mut m3) = (0.0, 0.0);
    for line in &order.lines {
        let sku = known.skus.get(line.sku.as_str()).and_then(|&i| skus.get(i as usize));
        if let Some(sku) = sku {
            kg += line.quantity * sku.weight_kg;
            m3 += line.quantity * sku.volume_m3;
        }
    }
    for (total, limit, what) in [(kg, limits::ORDER_KG, "weight"), (m3, limits::ORDER_M3, "volume")]
    {
        if total > limit.max {
            let cause = format!(
                "order {id} has a {what} of {total:.0} {}, above the {} {} one order may have",
                limit.unit, limit.max, limit.unit
            );
            let action = "split the order, or check the quantities and the SKU's unit size";
            report.push(at.issue(Code::OutOfRange, Some(format!("{total:.0}")), cause, action));
        }
    }
}

fn column(field: &str) -> usize {
    match field {
        "zone" => ZONE,
        "lat" => LAT,
        "lon" => LON,
        _ => TW_START,
    }
}

fn mismatch(a: &Stop, b: &Stop) -> Option<&'static str> {
    if a.zone != b.zone {
        Some("zone")
    } else if a.lat != b.lat {
        Some("lat")
    } else if a.lon != b.lon {
        Some("lon")
    } else if a.window != b.window {
        Some("tw_start")
    } else {
        None
    }
}

fn sku<'t>(report: &mut Report, t: &'t Table, known: &Known) -> Option<&'t str> {
    let raw = e_missing_value(report, t.at(SKU), t.get(SKU))?;
    if known.skus.contains_key(raw) {
        return Some(raw);
    }
    let action = "add the SKU to skus.csv or fix the id";
    let cause = "the SKU is not listed in skus.csv";
    report.push(t.at(SKU).issue(Code::UnknownSku, Some(raw.to_owned()), cause, action));
    None
}

/// The zone, position and window of a line; `None` (with issues) if any is bad.
fn stop(report: &mut Report, t: &Table, known: &Known) -> Option<Stop> {
    let mut ok = true;
    let zone = t.get(ZONE);
    let zone_known = zone.is_empty() || known.zones.contains_key(zone);
    if !zone_known {
        let action = "add the zone to zones.csv, fix the id, or leave it empty and give lat/lon";
        let cause = "the zone is not listed in zones.csv";
        report.push(t.at(ZONE).issue(Code::UnknownZone, Some(zone.to_owned()), cause, action));
        ok = false;
    }
    let (raw_lat, raw_lon) = (t.get(LAT), t.get(LON));
    let (mut lat, mut lon) = (None, None);
    if raw_lat.is_empty() != raw_lon.is_empty() || (raw_lat.is_empty() && zone.is_empty()) {
        let col = if raw_lat.is_empty() { LAT } else { LON };
        let cause = "the line has no zone and not both lat and lon";
        let action = "give the zone, or both lat and lon (both wins for the stop position)";
        report.push(t.at(col).issue(Code::MissingLocation, None, cause, action));
        ok = false;
    } else if !raw_lat.is_empty() {
        lat = e_not_a_number(report, t.at(LAT), raw_lat)
            .filter(|v| e_lat_range(report, t.at(LAT), *v));
        lon = e_not_a_number(report, t.at(LON), raw_lon)
            .filter(|v| e_lon_range(report, t.at(LON), *v));
        ok &= lat.is_some() && lon.is_some();
    }
    let window = window(report, t);
    ok &= window.is_some();
    let zone = (!zone.is_empty()).then(|| zone.to_owned());
    ok.then(|| Stop { zone, lat, lon, window: window.flatten() })
}

/// `Some(None)` for no window, `Some(Some(w))` for a valid one, `None` (reported) if bad.
fn window(report: &mut Report, t: &Table) -> Option<Option<TimeWindow>> {
    let (start, end) = (t.get(TW_START), t.get(TW_END));
    match (start.is_empty(), end.is_empty()) {
        (true, true) => Some(None),
        (false, false) => {
            let start: Option<TimeOfDay> = e_bad_time(report, t.at(TW_START), start);
            let end = e_bad_time(report, t.at(TW_END), end);
            let (start, end) = (start?, end?);
            e_time_window(report, t.at(TW_END), start, end)
                .then_some(Some(TimeWindow { start, end }))
        }
        (start_empty, _) => {
            let col = if start_empty { TW_START } else { TW_END };
            let cause = "only one end of the time window is given";
            let action = "give both tw_start and tw_end, or neither";
            report.push(t.at(col).issue(Code::TimeWindow, None, cause, action));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatch_names_the_first_differing_field() {
        let a = Stop { zone: Some("06000".into()), lat: None, lon: None, window: None };
        assert_eq!(mismatch(&a, &a.clone()), None);
        let b = Stop { lat: Some(43.7), ..a.clone() };
        assert_eq!(mismatch(&a, &b), Some("lat"));
    }
}
