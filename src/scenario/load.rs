//! Loading a scenario folder: read every file, check everything, then decide.
//!
//! Each file is read to the end even after errors, and cross-file rules (ids that must
//! exist, zones and SKUs without demand) run on whatever was valid, so the report lists
//! every problem of the folder at once. Any error refuses the scenario as a whole
//! ([`ScenarioError::Invalid`]); warnings keep the data and travel with it.

use super::demand::{self, DECLARED_INVALID, Known};
use super::error::ScenarioError;
use super::limits;
use super::model::{Scenario, Sku, Zone};
use super::network::{self, Network};
use super::orders;
use super::report::{At, Code, Report};
use super::table::{Table, e_missing_file};
use super::validate::{
    e_bad_wkt, e_duplicate_id, e_lat_range, e_lon_range, e_missing_value, e_negative,
    e_non_positive, e_not_a_number, e_out_of_range, series_rules,
};
use std::collections::HashMap;
use std::path::Path;

pub(crate) const ZONES: &str = "zones.csv";
pub(crate) const SKUS: &str = "skus.csv";
pub(crate) const DEMAND: &str = "demand.csv";
const ZONE_COLUMNS: [&str; 3] = ["zone", "lat", "lon"];
const SKU_COLUMNS: [&str; 4] = ["sku", "volume_m3", "weight_kg", "value"];
const DEMAND_COLUMNS: [&str; 4] = ["date", "sku", "zone", "quantity"];

/// Loads and validates the scenario in `folder`.
///
/// Returns the scenario with a report that holds its warnings and a summary.
///
/// # Errors
/// - [`ScenarioError::Invalid`] with every issue when any file has an error;
/// - [`ScenarioError::NotAFolder`] when `folder` is not a folder;
/// - [`ScenarioError::Io`] on a disk error.
///
/// # Complexity
/// O(rows log rows + series x periods log periods) time; demand is streamed and kept as
/// compact rows.
///
/// # Example
/// ```no_run
/// let (scenario, report) = stockroute::scenario::load("data/scenarios/monaco")?;
/// let series = scenario.series();
/// println!("{} series, {} warnings", series.len(), report.warnings());
/// Ok::<(), stockroute::Error>(())
/// ```
pub fn load(folder: impl AsRef<Path>) -> Result<(Scenario, Report), ScenarioError> {
    let folder = folder.as_ref();
    if !folder.is_dir() {
        return Err(ScenarioError::NotAFolder { path: folder.to_path_buf() });
    }
    let mut report = Report::default();
    let network = network::read(&folder.join(network::FILE), &mut report)?.unwrap_or_default();
    let (zones, zone_lines, bad_zones) = read_zones(&folder.join(ZONES), &mut report)?;
    let (skus, sku_lines, bad_skus) = read_skus(&folder.join(SKUS), &mut report)?;
    let mut known = Known {
        skus: skus
            .iter()
            .zip(0..)
            .map(|(s, i)| (s.id.as_str(), i))
            .chain(invalid(&bad_skus))
            .collect(),
        zones: zones
            .iter()
            .zip(0..)
            .map(|(z, i)| (z.id.as_str(), i))
            .chain(invalid(&bad_zones))
            .collect(),
        sku_names: skus.iter().map(|s| s.id.as_str()).collect(),
        zone_names: zones.iter().map(|z| z.id.as_str()).collect(),
    };
    let demand = match Table::open(&folder.join(DEMAND), DEMAND, &DEMAND_COLUMNS, &[], &mut report)?
    {
        Some(mut table) => demand::read(&mut table, &mut known, &mut report)?,
        None => {
            if !folder.join(DEMAND).exists() {
                e_missing_file(&mut report, DEMAND, &DEMAND_COLUMNS.join(","));
            }
            Vec::new()
        }
    };
    let orders = orders::read(&folder.join(orders::FILE), &known, &zones, &skus, &mut report)?;
    let Network { head, centres, stations } = network;
    let roads = head.as_ref().and_then(|h| h.roads.as_ref()).map(|r| folder.join(r));
    if let Some(path) = roads.as_ref().filter(|p| !p.is_file()) {
        let at = At::file(network::FILE).field("roads");
        let cause = "the road extract named by `roads` is not in the folder";
        let action =
            "add the .osm.pbf file or remove the `roads` key (routing then uses straight lines)";
        report.push(at.issue(Code::MissingFile, Some(path.display().to_string()), cause, action));
    }
    let period = head.as_ref().map_or(super::Period::Day, |h| h.period);
    let scenario = Scenario {
        name: head.as_ref().map(|h| h.name.clone()).unwrap_or_default(),
        currency: head.as_ref().map(|h| h.currency.clone()).unwrap_or_default(),
        period,
        horizon_periods: head.as_ref().map_or(0, |h| h.horizon_periods),
        roads,
        costs: head.map(|h| h.costs).unwrap_or_default(),
        centres,
        stations,
        zones,
        skus,
        demand,
        orders,
    };
    demand_warnings(&scenario, &zone_lines, &sku_lines, &mut report);
    let s = &mut report.summary;
    s.centres = scenario.centres.len();
    s.stations = scenario.stations.len();
    s.vehicles =
        scenario.stations.iter().flat_map(|st| &st.vehicle_types).map(|v| u64::from(v.count)).sum();
    s.zones = scenario.zones.len();
    s.skus = scenario.skus.len();
    s.demand_rows = scenario.demand.len();
    s.orders = scenario.orders.len();
    s.order_lines = scenario.orders.iter().map(|o| o.lines.len()).sum();
    if report.is_ok() { Ok((scenario, report)) } else { Err(ScenarioError::Invalid(report)) }
}

/// Zones and SKUs without demand, long silences and outliers: warnings only.
fn demand_warnings(
    scenario: &Scenario,
    zone_lines: &[u64],
    sku_lines: &[u64],
    report: &mut Report,
) {
    if scenario.demand.is_empty() {
        return; // already an error (no rows, or no valid row): per-id warnings would be noise
    }
    let mut zone_seen = vec![false; scenario.zones.len()];
    let mut sku_seen = vec![false; scenario.skus.len()];
    for r in &scenario.demand {
        if let Some(z) = zone_seen.get_mut(r.zone.0 as usize) {
            *z = true;
        }
        if let Some(s) = sku_seen.get_mut(r.sku.0 as usize) {
            *s = true;
        }
    }
    for ((zone, seen), line) in scenario.zones.iter().zip(zone_seen).zip(zone_lines) {
        if !seen {
            let at = At::file(ZONES).line(Some(*line)).field("zone");
            let action = "check the zone id in demand.csv; a zone nobody orders from gets no stock";
            let cause = "the zone has no demand in the history";
            report.push(at.issue(Code::ZoneNoDemand, Some(zone.id.to_string()), cause, action));
        }
    }
    for ((sku, seen), line) in scenario.skus.iter().zip(sku_seen).zip(sku_lines) {
        if !seen {
            let at = At::file(SKUS).line(Some(*line)).field("sku");
            let action = "check the SKU id in demand.csv; a new SKU needs a cold-start forecast";
            let cause = "the SKU has no demand in the history";
            report.push(at.issue(Code::SkuNoDemand, Some(sku.id.to_string()), cause, action));
        }
    }
    // One series at a time: the dense matrix of all series is never built here.
    report.summary.series = series_rules(
        report,
        DEMAND,
        scenario.period,
        &scenario.demand,
        |s| scenario.sku(s).map_or("?", |s| s.id.as_str()),
        |z| scenario.zone(z).map_or("?", |z| z.id.as_str()),
    );
}

/// Checks an id for emptiness and uniqueness; returns it when it can be used.
pub(crate) fn unique_id<'v>(
    report: &mut Report,
    at: At,
    raw: &'v str,
    seen: &mut HashMap<String, u64>,
) -> Option<&'v str> {
    let id = e_missing_value(report, at, raw)?;
    if let Some(first) = seen.get(id) {
        e_duplicate_id(report, at, id, Some(*first));
        return None;
    }
    seen.insert(id.to_owned(), at.line.unwrap_or(0));
    Some(id)
}

fn invalid(ids: &[String]) -> impl Iterator<Item = (&str, u32)> {
    ids.iter().map(|id| (id.as_str(), DECLARED_INVALID))
}

/// What a catalogue file yields: valid entries, their lines, and the ids of rows that had
/// a usable id but other errors (so that references to them are not reported twice).
type Read<T> = (Vec<T>, Vec<u64>, Vec<String>);

fn read_zones(path: &Path, report: &mut Report) -> Result<Read<Zone>, ScenarioError> {
    let Some(mut t) = Table::open(path, ZONES, &ZONE_COLUMNS, &["polygon_wkt"], report)? else {
        if !path.exists() {
            e_missing_file(report, ZONES, "zone,lat,lon,polygon_wkt");
        }
        return Ok(Default::default());
    };
    let (mut zones, mut lines, mut bad, mut seen) =
        (Vec::new(), Vec::new(), Vec::new(), HashMap::new());
    while t.next(report)? {
        let id = unique_id(report, t.at(0), t.get(0), &mut seen);
        let lat =
            e_not_a_number(report, t.at(1), t.get(1)).filter(|v| e_lat_range(report, t.at(1), *v));
        let lon =
            e_not_a_number(report, t.at(2), t.get(2)).filter(|v| e_lon_range(report, t.at(2), *v));
        let wkt = t.get(3);
        let wkt_ok = wkt.is_empty() || e_bad_wkt(report, t.at(3), wkt);
        match (id, lat, lon, wkt_ok) {
            (Some(id), Some(lat), Some(lon), true) => {
                let polygon_wkt = (!wkt.is_empty()).then(|| wkt.to_owned());
                zones.push(Zone { id: id.into(), lat, lon, polygon_wkt });
                lines.push(t.line());
            }
            (Some(id), ..) => bad.push(id.to_owned()),
            _ => {}
        }
    }
    t.finish_nonempty(report);
    Ok((zones, lines, bad))
}

fn read_skus(path: &Path, report: &mut Report) -> Result<Read<Sku>, ScenarioError> {
    let Some(mut t) = Table::open(path, SKUS, &SKU_COLUMNS, &[], report)? else {
        if !path.exists() {
            e_missing_file(report, SKUS, &SKU_COLUMNS.join(","));
        }
        return Ok(Default::default());
    };
    let (mut skus, mut lines, mut bad, mut seen) =
        (Vec::new(), Vec::new(), Vec::new(), HashMap::new());
    while t.next(report)? {
        let id = unique_id(report, t.at(0), t.get(0), &mut seen);
        let mut positive = |col, limit| {
            e_not_a_number(report, t.at(col), t.get(col)).filter(|v| {
                e_non_positive(report, t.at(col), *v)
                    && e_out_of_range(report, t.at(col), *v, limit)
            })
        };
        let (volume_m3, weight_kg) = (positive(1, limits::SKU_M3), positive(2, limits::SKU_KG));
        let value = e_not_a_number(report, t.at(3), t.get(3)).filter(|v| {
            e_negative(report, t.at(3), *v)
                && e_out_of_range(report, t.at(3), *v, limits::MONEY_PER_UNIT)
        });
        match (id, volume_m3, weight_kg, value) {
            (Some(id), Some(volume_m3), Some(weight_kg), Some(value)) => {
                skus.push(Sku { id: id.into(), volume_m3, weight_kg, value });
                lines.push(t.line());
            }
            (Some(id), ..) => bad.push(id.to_owned()),
            _ => {}
        }
    }
    t.finish_nonempty(report);
    Ok((skus, lines, bad))
}
