//! A scenario's view of one centre's building: its layout file, the SKUs, the orders it
//! picks and the velocity its history shows.
//!
//! The layout is the optional file `warehouses/<CENTRE>.toml` of the scenario folder (no
//! key in `scenario.toml`: a centre without the file simply has no building model). Until
//! the placement's zone-to-centre flows are carried per order, a centre serves the zones
//! nearest to it (great-circle), and picks the orders of those zones: one wave, since
//! `orders.csv` is one delivery day.

use super::error::WarehouseError;
use super::layout::{Layout, load_layout};
use super::orders::{OrderDay, PickLine, PickOrder, WhSku, WhSkuIdx};
use super::slotting::Velocity;
use crate::ids::{CentreId, ZoneId};
use crate::issue::{Issue, IssueCode, Location, Severity};
use crate::scenario::Scenario;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The folder of layout files inside a scenario folder.
pub const FOLDER: &str = "warehouses";

/// Where a centre's layout file sits in a scenario folder.
pub fn layout_path(scenario_folder: &Path, centre: &CentreId) -> PathBuf {
    scenario_folder.join(FOLDER).join(format!("{centre}.toml"))
}

/// Loads and validates the layout of `centre` from a scenario folder.
///
/// # Errors
/// [`WarehouseError::Invalid`] when the centre is not in the scenario (`E-WH-UNKNOWN-CENTRE`),
/// has no layout file (`E-WH-MISSING-FILE`), or the file is invalid or names another centre
/// (`E-WH-CENTRE`); [`WarehouseError::Io`] on a disk error.
pub fn load_centre_layout(
    scenario_folder: &Path,
    scenario: &Scenario,
    centre: &CentreId,
) -> Result<Layout, WarehouseError> {
    let file = format!("{FOLDER}/{centre}.toml");
    let issue = |code, cause: String, action: &str, field: Option<&str>| WarehouseError::Invalid {
        file: file.clone(),
        issues: vec![Issue {
            code: IssueCode(code),
            severity: Severity::Error,
            location: Location::File {
                file: file.clone(),
                line: None,
                field: field.map(str::to_owned),
            },
            value: Some(centre.to_string()),
            cause,
            action: action.to_owned(),
        }],
    };
    if !scenario.centres.iter().any(|c| &c.id == centre) {
        let known: Vec<&str> = scenario.centres.iter().map(|c| c.id.as_str()).collect();
        return Err(issue(
            "E-WH-UNKNOWN-CENTRE",
            format!("the scenario has no centre {centre} (it has {})", known.join(", ")),
            "name a centre of scenario.toml",
            None,
        ));
    }
    let path = layout_path(scenario_folder, centre);
    if !path.is_file() {
        return Err(issue(
            "E-WH-MISSING-FILE",
            format!("centre {centre} has no layout file"),
            "add warehouses/<CENTRE>.toml (see data/scenarios/monaco/warehouses)",
            None,
        ));
    }
    let layout = load_layout(&path, &file)?;
    if layout.spec.centre != centre.as_str() {
        return Err(issue(
            "E-WH-CENTRE",
            format!("the file describes centre {:?}", layout.spec.centre),
            "set `centre` to the file's centre id",
            Some("centre"),
        ));
    }
    Ok(layout)
}

/// The zones whose nearest centre is `centre`.
pub fn served_zones(scenario: &Scenario, centre: &CentreId) -> HashSet<ZoneId> {
    scenario
        .zones
        .iter()
        .filter(|z| {
            let nearest = scenario.centres.iter().min_by(|a, b| {
                let d = |c: &crate::scenario::Centre| {
                    crate::roads::haversine_m((z.lat, z.lon), (c.lat, c.lon))
                };
                d(a).total_cmp(&d(b))
            });
            nearest.is_some_and(|c| &c.id == centre)
        })
        .map(|z| z.id.clone())
        .collect()
}

/// The SKUs, indexed like the scenario's.
pub fn skus(scenario: &Scenario) -> Vec<WhSku> {
    scenario.skus.iter().map(|s| WhSku { id: s.id.clone(), volume_m3: s.volume_m3 }).collect()
}

/// The orders of the zones the centre serves (orders without a zone go by their point).
pub fn order_day(scenario: &Scenario, centre: &CentreId) -> OrderDay {
    let zones = served_zones(scenario, centre);
    let index: HashMap<_, _> = scenario.skus.iter().zip(0u32..).map(|(s, i)| (&s.id, i)).collect();
    let nearest_is = |lat: f64, lon: f64| {
        scenario
            .centres
            .iter()
            .min_by(|a, b| {
                let d = |c: &crate::scenario::Centre| {
                    crate::roads::haversine_m((lat, lon), (c.lat, c.lon))
                };
                d(a).total_cmp(&d(b))
            })
            .is_some_and(|c| &c.id == centre)
    };
    let orders = scenario
        .orders
        .iter()
        .filter(|o| match &o.zone {
            Some(z) => zones.contains(z),
            None => nearest_is(o.lat, o.lon),
        })
        .map(|o| PickOrder {
            id: o.id.clone(),
            release_s: 0,
            lines: o
                .lines
                .iter()
                .filter_map(|l| {
                    index.get(&l.sku).map(|&k| PickLine { sku: WhSkuIdx(k), quantity: l.quantity })
                })
                .collect(),
        })
        .collect();
    OrderDay { skus: skus(scenario), orders }
}

/// Velocity from the demand history of the zones the centre serves: units per day, and
/// (sku, zone, day) rows with demand per day as the pick count.
pub fn velocity_from_history(scenario: &Scenario, centre: &CentreId) -> Velocity {
    let zones = served_zones(scenario, centre);
    let served: Vec<bool> = scenario.zones.iter().map(|z| zones.contains(&z.id)).collect();
    let days: HashSet<_> = scenario.demand.iter().map(|r| r.date).collect();
    let per = 1.0 / days.len().max(1) as f64;
    let (mut units, mut picks) = (vec![0.0; scenario.skus.len()], vec![0.0; scenario.skus.len()]);
    for r in &scenario.demand {
        if served.get(r.zone.0 as usize) == Some(&true)
            && r.quantity > 0.0
            && let (Some(u), Some(p)) =
                (units.get_mut(r.sku.0 as usize), picks.get_mut(r.sku.0 as usize))
        {
            *u += r.quantity * per;
            *p += per;
        }
    }
    Velocity { picks_per_day: picks, units_per_day: units }
}
