//! Reading `scenario.toml`: the header, the costs, the centres and the stations with
//! their fleets.
//!
//! The document is parsed once into toml's spanned tree, then each part (the header with
//! the costs, every centre, every station) is deserialised on its own into the model's
//! serde structs. A structural error (unknown key, missing key, wrong type) therefore
//! costs only its own entry and the other entries are still checked, so one run reports
//! the problems of every centre and station. The spans give every issue its line.

use super::error::ScenarioError;
use super::limits::{self, Limit};
use super::model::{Centre, Costs, Period, Station, VehicleType};
use super::report::{At, Code, Report};
use super::table::e_missing_file;
use super::validate::{
    e_bad_name, e_duplicate_id, e_lat_range, e_lon_range, e_missing_value, e_negative,
    e_non_positive, e_out_of_range, e_time_window,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// The file name, as it appears in issues.
pub(crate) const FILE: &str = "scenario.toml";

/// The top of `scenario.toml` (everything but the centres and stations).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Head {
    pub name: String,
    pub currency: String,
    pub period: Period,
    pub horizon_periods: u32,
    #[serde(default)]
    pub roads: Option<String>,
    pub costs: Costs,
}

/// What `scenario.toml` holds; entries that failed to parse are left out (and reported).
#[derive(Debug, Default)]
pub(crate) struct Network {
    pub head: Option<Head>,
    pub centres: Vec<Centre>,
    pub stations: Vec<Station>,
}

/// Byte offset -> 1-based line.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Self(std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    fn of(&self, offset: usize) -> u64 {
        self.0.partition_point(|&start| start <= offset) as u64
    }
}

struct Ctx<'t> {
    text: &'t str,
    lines: Lines,
}

impl Ctx<'_> {
    /// The place of `key` in `table` (the table's own line if the key is absent).
    fn at<'k>(&self, table: &Spanned<DeValue<'_>>, key: &'k str) -> At<'k> {
        let span = match table.get_ref() {
            DeValue::Table(t) => t.get(key).map_or(table.span(), Spanned::span),
            _ => table.span(),
        };
        At::file(FILE).line(Some(self.lines.of(span.start))).field(key)
    }

    /// Deserialises one entry; a failure becomes one issue naming the key involved.
    fn parse<T: DeserializeOwned>(
        &self,
        item: &Spanned<DeValue<'_>>,
        report: &mut Report,
    ) -> Option<T> {
        let err = match T::deserialize(ValueDeserializer::from(item.clone())) {
            Ok(v) => return Some(v),
            Err(err) => err,
        };
        let span = err.span().unwrap_or_else(|| item.span());
        let message = err.message().trim().to_owned();
        let quoted = message.split('`').nth(1).map(str::to_owned);
        let (code, field, action) = if message.starts_with("unknown field") {
            (Code::UnknownKey, quoted, "remove the key or fix its spelling (see the format)")
        } else if message.starts_with("missing field") {
            (Code::MissingKey, quoted, "add the key")
        } else {
            let field = innermost_key(item, span.start);
            let is_time = matches!(
                field.as_deref(),
                Some("shift_start" | "shift_end" | "earliest" | "latest")
            );
            if is_time {
                (Code::BadTime, field, "write the time as HH:MM, e.g. \"08:00\"")
            } else {
                (Code::Toml, field, "give the value the type the format expects")
            }
        };
        let shown: String = self.text.get(span.clone()).unwrap_or("").chars().take(60).collect();
        let at = At::file(FILE).line(Some(self.lines.of(span.start)));
        let at = match &field {
            Some(f) => at.field(f),
            None => at,
        };
        let shown = (!shown.is_empty() && code != Code::MissingKey).then_some(shown);
        report.push(at.issue(code, shown, message, action));
        None
    }
}

/// The key of the scalar value (or key) at `offset`, searched through the whole entry
/// (container spans of arrays of tables do not always cover their elements).
fn innermost_key(value: &Spanned<DeValue<'_>>, offset: usize) -> Option<String> {
    match value.get_ref() {
        DeValue::Table(t) => t.iter().find_map(|(k, v)| {
            innermost_key(v, offset).or_else(|| {
                let hit = v.span().contains(&offset) || k.span().contains(&offset);
                let scalar = !matches!(v.get_ref(), DeValue::Table(_) | DeValue::Array(_));
                (hit && scalar).then(|| k.get_ref().to_string())
            })
        }),
        DeValue::Array(a) => a.iter().find_map(|v| innermost_key(v, offset)),
        _ => None,
    }
}

/// Reads and checks `scenario.toml`. `Ok(None)` when it is missing or not TOML.
///
/// # Errors
/// [`ScenarioError::Io`] on a disk error.
pub(crate) fn read(path: &Path, report: &mut Report) -> Result<Option<Network>, ScenarioError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            e_missing_file(report, FILE, "name, currency, period, ..., [costs], [[centres]]");
            return Ok(None);
        }
        Err(e) => return Err(ScenarioError::io(path, e)),
    };
    let Ok(mut text) = String::from_utf8(bytes) else {
        let at = At::file(FILE);
        report.push(at.issue(Code::NotUtf8, None, "the file is not UTF-8", "save it as UTF-8"));
        return Ok(None);
    };
    if text.starts_with('\u{feff}') {
        // A byte-order mark (Windows editors): blank it so spans and lines stay aligned.
        text.replace_range(..3, "   ");
    }
    let ctx = Ctx { text: &text, lines: Lines::new(&text) };
    let (root, errors) = DeTable::parse_recoverable(&text);
    if !errors.is_empty() {
        for err in errors {
            let line = err.span().map(|s| ctx.lines.of(s.start));
            let action = "fix the TOML syntax at this line";
            report.push(At::file(FILE).line(line).issue(Code::Toml, None, err.message(), action));
        }
        return Ok(None);
    }
    let root_span = root.span();
    let mut root = root.into_inner();
    let centres = root.remove("centres");
    let stations = root.remove("stations");
    let head_value = Spanned::new(root_span.clone(), DeValue::Table(root));
    let mut network =
        Network { head: ctx.parse::<Head>(&head_value, report), ..Default::default() };
    if let Some(head) = &network.head {
        check_head(&ctx, &head_value, head, report);
    }
    let centre_items = entries(&ctx, centres, "centres", report);
    if centre_items.is_empty() {
        let at = At::file(FILE).field("centres");
        let action = "add at least one [[centres]] table";
        report.push(at.issue(Code::NoCentre, None, "the scenario has no centre", action));
    }
    let mut ids = HashMap::new();
    // Ids of centres that failed to parse still count as declared, so that stations
    // feeding from them are not reported a second time.
    let mut declared = Vec::new();
    for item in &centre_items {
        if let Some(centre) = ctx.parse::<Centre>(item, report) {
            check_centre(&ctx, item, &centre, &mut ids, report);
            declared.push(centre.id.to_string());
            network.centres.push(centre);
        } else if let DeValue::Table(t) = item.get_ref()
            && let Some(DeValue::String(id)) = t.get("id").map(Spanned::get_ref)
        {
            declared.push(id.to_string());
        }
    }
    let mut ids = HashMap::new();
    for item in &entries(&ctx, stations, "stations", report) {
        if let Some(station) = ctx.parse::<Station>(item, report) {
            check_station(&ctx, item, &station, &declared, &mut ids, report);
            network.stations.push(station);
        }
    }
    Ok(Some(network))
}

/// The tables of an array of tables (`[[centres]]`); anything else is reported.
fn entries<'i>(
    ctx: &Ctx,
    value: Option<Spanned<DeValue<'i>>>,
    key: &str,
    report: &mut Report,
) -> Vec<Spanned<DeValue<'i>>> {
    let Some(value) = value else { return Vec::new() };
    let span = value.span();
    match value.into_inner() {
        DeValue::Array(items) => items.into_iter().collect(),
        _ => {
            let at = At::file(FILE).line(Some(ctx.lines.of(span.start))).field(key);
            let action = format!("write each entry as a [[{key}]] table");
            report.push(at.issue(Code::Toml, None, "expected an array of tables", action));
            Vec::new()
        }
    }
}

fn check_head(ctx: &Ctx, item: &Spanned<DeValue<'_>>, head: &Head, report: &mut Report) {
    if e_missing_value(report, ctx.at(item, "name"), head.name.trim()).is_some() {
        e_bad_name(report, ctx.at(item, "name"), &head.name);
    }
    e_missing_value(report, ctx.at(item, "currency"), head.currency.trim());
    positive(
        report,
        ctx.at(item, "horizon_periods"),
        head.horizon_periods.into(),
        limits::HORIZON_PERIODS,
    );
    let costs = match item.get_ref() {
        DeValue::Table(t) => t.get("costs").cloned(),
        _ => None,
    };
    let Some(costs) = costs else { return };
    let c = &head.costs;
    for (key, v, limit) in [
        ("lost_sale_per_unit", c.lost_sale_per_unit, limits::MONEY_PER_UNIT),
        ("late_per_unit", c.late_per_unit, limits::MONEY_PER_UNIT),
        ("transport_per_unit_km", c.transport_per_unit_km, limits::MONEY_PER_UNIT_KM),
    ] {
        cost(report, ctx.at(&costs, key), v, limit);
    }
    let promise = c.promise_distance_km;
    positive(report, ctx.at(&costs, "promise_distance_km"), promise, limits::DISTANCE_KM);
}

/// TOML allows `nan` and `inf`; the model does not.
fn finite(report: &mut Report, at: At, v: f64) -> bool {
    if v.is_finite() {
        return true;
    }
    let action = "write a finite number";
    report.push(at.issue(Code::NotANumber, Some(v.to_string()), "not a finite number", action));
    false
}

/// Finite, > 0 and within `limit`.
fn positive(report: &mut Report, at: At, v: f64, limit: Limit) {
    if finite(report, at, v) && e_non_positive(report, at, v) {
        e_out_of_range(report, at, v, limit);
    }
}

/// Finite, >= 0 and within `limit`.
fn cost(report: &mut Report, at: At, v: f64, limit: Limit) {
    if finite(report, at, v) && e_negative(report, at, v) {
        e_out_of_range(report, at, v, limit);
    }
}

fn position(ctx: &Ctx, item: &Spanned<DeValue<'_>>, lat: f64, lon: f64, report: &mut Report) {
    let (at_lat, at_lon) = (ctx.at(item, "lat"), ctx.at(item, "lon"));
    if finite(report, at_lat, lat) {
        e_lat_range(report, at_lat, lat);
    }
    if finite(report, at_lon, lon) {
        e_lon_range(report, at_lon, lon);
    }
}

fn unique(ids: &mut HashMap<String, Option<u64>>, report: &mut Report, at: At, id: &str) {
    if e_missing_value(report, at, id.trim()).is_none() {
        return;
    }
    if let Some(first) = ids.get(id) {
        e_duplicate_id(report, at, id, *first);
    } else {
        ids.insert(id.to_owned(), at.line);
    }
}

fn check_centre(
    ctx: &Ctx,
    item: &Spanned<DeValue<'_>>,
    c: &Centre,
    ids: &mut HashMap<String, Option<u64>>,
    report: &mut Report,
) {
    unique(ids, report, ctx.at(item, "id"), c.id.as_str());
    position(ctx, item, c.lat, c.lon, report);
    positive(report, ctx.at(item, "storage_m3"), c.storage_m3, limits::STORAGE_M3);
    let outbound = c.outbound_units_per_period;
    positive(report, ctx.at(item, "outbound_units_per_period"), outbound, limits::UNITS_PER_PERIOD);
    let holding = c.holding_cost_per_unit_period;
    cost(report, ctx.at(item, "holding_cost_per_unit_period"), holding, limits::MONEY_PER_UNIT);
}

fn check_station(
    ctx: &Ctx,
    item: &Spanned<DeValue<'_>>,
    s: &Station,
    centres: &[String],
    ids: &mut HashMap<String, Option<u64>>,
    report: &mut Report,
) {
    unique(ids, report, ctx.at(item, "id"), s.id.as_str());
    position(ctx, item, s.lat, s.lon, report);
    if !centres.iter().any(|c| c == s.centre.as_str()) {
        let at = ctx.at(item, "centre");
        let cause = format!("station {} is fed by a centre that [[centres]] does not list", s.id);
        let action = "use the id of a [[centres]] entry";
        report.push(at.issue(Code::UnknownCentre, Some(s.centre.to_string()), cause, action));
    }
    let types: Vec<Spanned<DeValue<'_>>> = match item.get_ref() {
        DeValue::Table(t) => match t.get("vehicle_types").map(Spanned::get_ref) {
            Some(DeValue::Array(a)) => a.iter().cloned().collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    if s.vehicle_types.is_empty() {
        let at = ctx.at(item, "vehicle_types");
        let cause = format!("station {} has no vehicle type", s.id);
        let action = "add a [[stations.vehicle_types]] table under the station";
        report.push(at.issue(Code::NoVehicleType, None, cause, action));
    }
    let mut type_ids = HashMap::new();
    for (v, vt) in s.vehicle_types.iter().zip(&types) {
        check_vehicle_type(ctx, vt, v, &mut type_ids, report);
    }
}

fn check_vehicle_type(
    ctx: &Ctx,
    item: &Spanned<DeValue<'_>>,
    v: &VehicleType,
    ids: &mut HashMap<String, Option<u64>>,
    report: &mut Report,
) {
    unique(ids, report, ctx.at(item, "id"), v.id.as_str());
    positive(report, ctx.at(item, "count"), f64::from(v.count), limits::VEHICLES);
    positive(report, ctx.at(item, "capacity_kg"), v.capacity_kg, limits::VEHICLE_KG);
    positive(report, ctx.at(item, "capacity_m3"), v.capacity_m3, limits::VEHICLE_M3);
    e_time_window(report, ctx.at(item, "shift_end"), v.shift_start, v.shift_end);
    for (key, value, limit) in [
        ("cost_per_km", v.cost_per_km, limits::COST_PER_KM),
        ("cost_per_hour", v.cost_per_hour, limits::COST_PER_HOUR),
        ("fixed_cost", v.fixed_cost, limits::FIXED_COST),
    ] {
        cost(report, ctx.at(item, key), value, limit);
    }
    driver_breaks(ctx.at(item, "breaks"), v, report);
}

/// The vehicle type's breaks: at most [`limits::BREAKS`], unique ids, a window that ends
/// after it starts and a length, and all of them able to follow one another inside the
/// shift (else no route of the type could be planned: the routing model's `E1016`, whose
/// check `routing::breaks` keeps in its own numbers: scenario stays below routing).
fn driver_breaks(at: At, v: &VehicleType, report: &mut Report) {
    if v.breaks.len() > limits::BREAKS {
        let cause = format!("{} breaks, at most {} are allowed", v.breaks.len(), limits::BREAKS);
        report.push(at.issue(Code::OutOfRange, None, &cause, "merge or drop breaks"));
        return;
    }
    let before = report.errors();
    let mut ids = HashMap::new();
    for b in &v.breaks {
        unique(&mut ids, report, at, b.id.as_str());
        e_time_window(report, at, b.earliest, b.latest);
        if finite(report, at, b.minutes) && e_non_positive(report, at, b.minutes) {
            e_out_of_range(report, at, b.minutes, limits::BREAK_MINUTES);
        }
    }
    if report.errors() > before || v.breaks.is_empty() || v.shift_end <= v.shift_start {
        return;
    }
    let mut now = f64::from(v.shift_start.seconds());
    let mut fits = true;
    for b in &v.breaks {
        let start = now.max(f64::from(b.earliest.seconds()));
        fits &= start <= f64::from(b.latest.seconds());
        now = start + b.minutes * 60.0;
    }
    if !fits || now > f64::from(v.shift_end.seconds()) {
        let shown = Some(format!("{}-{}", v.shift_start, v.shift_end));
        let cause = "the breaks cannot be taken in order inside the shift";
        let action = "move the break windows inside the shift, in the order they are listed";
        report.push(at.issue(Code::TimeWindow, shown, cause, action));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_map_byte_offsets_to_one_based_lines() {
        let lines = Lines::new("a = 1\nb = 2\n\nc = 3");
        assert_eq!(
            [lines.of(0), lines.of(5), lines.of(6), lines.of(12), lines.of(13)],
            [1, 1, 2, 3, 4]
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_break_parsing_or_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let text = "\u{feff}name = \"x\"\ncurrency = \"EUR\"\nperiod = \"week\"\nhorizon_periods = 0\n\
                    [costs]\nlost_sale_per_unit = 1\nlate_per_unit = 0\npromise_distance_km = 5\n\
                    transport_per_unit_km = 0\n";
        std::fs::write(&path, text).unwrap();
        let mut report = Report::default();
        let network = read(&path, &mut report).unwrap().unwrap();
        assert_eq!(network.head.unwrap().period, Period::Week);
        let found: Vec<_> = report.issues.iter().map(|i| (i.code.as_str(), i.line())).collect();
        assert_eq!(found, [(Code::NonPositive.as_str(), Some(4)), (Code::NoCentre.as_str(), None)]);
    }
}
