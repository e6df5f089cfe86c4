//! The files of a planning run, rendered from the [`PlanOutcome`] alone.
//!
//! Every file is rendered in memory first and the folder is touched only when all of them
//! are ready, so a failure leaves no half-written output. None holds a clock reading: the
//! same outcome gives the same bytes.
//!
//! Writing them is the last step of a planning run, so its failures are [`PlanError`]s
//! (`Io`, `Encode`) like those of the stages before it: the caller that ran
//! [`crate::plan::run`] handles one error type from scenario to files.

use super::plan_page;
use crate::plan::{PlanError, PlanOutcome};
use crate::roads::geometry::{GeoJsonBuilder, properties};
use geojson::JsonObject;
use serde_json::json;
use std::path::{Path, PathBuf};

/// The files [`write_outputs`] writes, in that order.
pub const OUTPUT_FILES: [&str; 6] =
    ["plan.json", "stock.csv", "flows.csv", "routes.csv", "routes.geojson", "report.html"];

/// Writes plan.json, stock.csv, flows.csv, routes.csv (one row per stop visit),
/// routes.geojson and report.html into `dir` (created if missing) and returns their paths.
///
/// # Errors
/// [`PlanError::Io`] when the folder or a file cannot be written, [`PlanError::Encode`]
/// when a record cannot be encoded.
pub fn write_outputs(outcome: &PlanOutcome, dir: &Path) -> Result<Vec<PathBuf>, PlanError> {
    let encode = |file: &str| {
        let path = dir.join(file);
        move |e: &dyn std::fmt::Display| PlanError::Encode { path, message: e.to_string() }
    };
    let plan = serde_json::to_string_pretty(outcome).map_err(|e| encode("plan.json")(&e))? + "\n";
    let stock = stock_csv(outcome).map_err(|e| encode("stock.csv")(&e))?;
    let flows = flows_csv(outcome).map_err(|e| encode("flows.csv")(&e))?;
    let routes = routes_csv(outcome).map_err(|e| encode("routes.csv")(&e))?;
    let geojson = geojson(outcome).to_string() + "\n";
    let report = plan_page::html(outcome);
    let bodies = [plan, stock, flows, routes, geojson, report];
    std::fs::create_dir_all(dir).map_err(|source| PlanError::Io { path: dir.into(), source })?;
    let mut written = Vec::with_capacity(bodies.len());
    for (name, body) in OUTPUT_FILES.iter().zip(bodies) {
        let path = dir.join(name);
        std::fs::write(&path, body)
            .map_err(|source| PlanError::Io { path: path.clone(), source })?;
        written.push(path);
    }
    Ok(written)
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, Box<dyn std::error::Error>> {
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    Ok(String::from_utf8(bytes)?)
}

fn stock_csv(o: &PlanOutcome) -> Result<String, Box<dyn std::error::Error>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["sku", "centre", "units"])?;
    for s in &o.placement.report.stock {
        w.write_record([s.sku.as_str(), s.centre.as_str(), &format!("{:.6}", s.units)])?;
    }
    finish(w)
}

fn flows_csv(o: &PlanOutcome) -> Result<String, Box<dyn std::error::Error>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["sku", "zone", "centre", "units"])?;
    for f in &o.placement.report.flows {
        let units = format!("{:.6}", f.units);
        w.write_record([f.sku.as_str(), f.zone.as_str(), f.centre.as_str(), &units])?;
    }
    finish(w)
}

/// `HH:MM:SS` from seconds since midnight, as every output shows it ([`super::clock`]).
fn hms(seconds: f64) -> String {
    super::clock::clock(seconds, super::clock::Precision::Seconds)
}

fn routes_csv(o: &PlanOutcome) -> Result<String, Box<dyn std::error::Error>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "station",
        "vehicle_type",
        "vehicle",
        "seq",
        "order",
        "zone",
        "lat",
        "lon",
        "arrival",
        "start",
        "departure",
        "weight_kg",
        "volume_m3",
    ])?;
    for st in &o.routing.stations {
        for r in &st.routes {
            for (i, v) in r.stops.iter().enumerate() {
                w.write_record([
                    st.station.as_str(),
                    r.vehicle_type.as_str(),
                    &r.vehicle.to_string(),
                    &(i + 1).to_string(),
                    v.order.as_str(),
                    v.zone.as_ref().map_or("", |z| z.as_str()),
                    &format!("{:.7}", v.lat),
                    &format!("{:.7}", v.lon),
                    &hms(v.arrival_s),
                    &hms(v.start_s),
                    &hms(v.departure_s),
                    &format!("{:.3}", v.weight_kg),
                    &format!("{:.6}", v.volume_m3),
                ])?;
            }
        }
    }
    finish(w)
}

/// Zones, centres, stations, routes (with KPIs) and stops as one feature collection.
fn geojson(o: &PlanOutcome) -> geojson::FeatureCollection {
    let mut b = GeoJsonBuilder::new();
    for z in &o.zones {
        let props = properties(&json!({ "zone": z.zone }));
        if z.ring.len() >= 4 {
            let ring: Vec<(f64, f64)> = z.ring.iter().map(|p| (p[0], p[1])).collect();
            b.polygon("zone", &geo::Polygon::new(ring.into(), vec![]), props);
        } else {
            b.point("zone", z.lon, z.lat, props);
        }
    }
    for c in &o.placement.centres {
        let props = json!({ "centre": c.centre, "name": c.name, "stock_units": c.stock_units });
        b.point("centre", c.lon, c.lat, properties(&props));
    }
    for st in &o.routing.stations {
        let props = json!({ "station": st.station, "name": st.name, "routes": st.routes.len() });
        b.point("station", st.lon, st.lat, properties(&props));
    }
    for st in &o.routing.stations {
        for r in &st.routes {
            let props = json!({
                "station": st.station,
                "vehicle_type": r.vehicle_type,
                "vehicle": r.vehicle,
                "stops": r.stops.len(),
                "distance_km": r.distance_km,
                "duration_s": r.end_s - r.start_s,
                "load_pct": r.load_pct,
                "cost": r.cost,
            });
            b.line("route", &r.path, properties(&props));
            for (i, v) in r.stops.iter().enumerate() {
                let mut p: JsonObject = properties(&json!({
                    "order": v.order,
                    "station": st.station,
                    "vehicle_type": r.vehicle_type,
                    "vehicle": r.vehicle,
                    "seq": i + 1,
                    "arrival": hms(v.arrival_s),
                }));
                if let Some(z) = &v.zone {
                    p.insert("zone".into(), json!(z));
                }
                b.point("stop", v.lon, v.lat, p);
            }
        }
    }
    b.finish()
}
