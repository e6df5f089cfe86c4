//! Issue 12, item 3: mutated copies of the Monaco scenario. What `validate` accepts, `plan`
//! carries through to a checked plan; what `plan` could not carry (or would silently get
//! wrong), `validate` refuses, with a code that names the file and the field.
//!
//! Each mutation here was found by mutating the example scenario and running `validate`,
//! then `plan`: before these rules, each one passed `validate` and then stopped `plan`
//! (LP numerical errors, routing bounds, an unreadable road extract, a forecast run with no
//! series) or, for stray dates, cut the forecast total without a word.

use super::plan::quick_request;
use std::path::{Path, PathBuf};
use stockroute::SolveContext;
use stockroute::plan;
use stockroute::scenario::{ScenarioError, Severity};
use stockroute::store::SqliteStore;

fn monaco() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/monaco")
}

/// A copy of the Monaco scenario's files in a temporary folder (not its `warehouses/`
/// layouts, which no stage these tests run reads).
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(monaco()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            continue;
        }
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// Replaces the first `from` in `file` with `to` (the text must be there).
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn append(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    let mut all = std::fs::read_to_string(&path).unwrap();
    all.push_str(text);
    std::fs::write(&path, all).unwrap();
}

/// The errors `plan::validate` (what `stockroute validate` runs) reports, as
/// (code, file, line, field); empty when the scenario is valid.
fn errors(dir: &Path) -> Vec<(String, String, Option<u64>, Option<String>)> {
    match plan::validate(dir) {
        Ok(_) => Vec::new(),
        Err(ScenarioError::Invalid(report)) => report
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| {
                let file = i.file().unwrap_or_default().to_owned();
                (i.code.as_str().to_owned(), file, i.line(), i.field().map(str::to_owned))
            })
            .collect(),
        Err(other) => panic!("not a validation verdict: {other}"),
    }
}

#[test]
fn r12_validate_refuses_a_road_extract_that_plan_could_not_read() {
    let pbf = std::fs::read(monaco().join("roads.osm.pbf")).unwrap();
    let cases: [(&str, Vec<u8>); 3] = [
        ("garbage", b"not a pbf file\n".repeat(10)),
        ("truncated", pbf[..pbf.len() / 2].to_vec()),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in cases {
        let dir = copy();
        std::fs::write(dir.path().join("roads.osm.pbf"), bytes).unwrap();
        let found = errors(dir.path());
        let expected =
            ("E-BAD-ROADS".to_owned(), "scenario.toml".to_owned(), None, Some("roads".to_owned()));
        assert_eq!(found, [expected], "{what}");
        // And `plan` fails on it before the forecast writes anything to the store.
        let store_path = dir.path().join("s.sqlite");
        let store = SqliteStore::open(&store_path).unwrap();
        let ctx = SolveContext::new(0);
        let request = quick_request(dir.path());
        let plan = plan::run_scenario(
            &stockroute::scenario::load(dir.path()).unwrap().0,
            &request,
            &store,
            &ctx,
        );
        assert!(plan.is_err(), "{what}");
        use stockroute::store::ForecastStore;
        assert!(store.list_runs().unwrap().is_empty(), "{what}: nothing stored");
    }
}

#[test]
fn r12_values_beyond_their_limits_are_refused_naming_the_field() {
    // (file, from, to, expected field): each made `plan` fail after `validate` passed.
    let toml = "scenario.toml";
    let cases = [
        (toml, "horizon_periods = 28", "horizon_periods = 10000", "horizon_periods"),
        (toml, "lost_sale_per_unit = 4.0", "lost_sale_per_unit = 1e300", "lost_sale_per_unit"),
        (
            toml,
            "transport_per_unit_km = 0.003",
            "transport_per_unit_km = 1e9",
            "transport_per_unit_km",
        ),
        (toml, "storage_m3 = 90.0", "storage_m3 = 1e300", "storage_m3"),
        (
            toml,
            "holding_cost_per_unit_period = 0.0012",
            "holding_cost_per_unit_period = 1e300",
            "holding_cost_per_unit_period",
        ),
        (toml, "capacity_kg = 800.0", "capacity_kg = 1e300", "capacity_kg"),
        (toml, "cost_per_km = 0.32", "cost_per_km = 1e300", "cost_per_km"),
        (toml, "fixed_cost = 45.0", "fixed_cost = 1e300", "fixed_cost"),
        (toml, "count = 2", "count = 100000000", "count"),
        ("skus.csv", "15036,0.0008,0.15,0.9563", "15036,1e300,0.15,0.9563", "volume_m3"),
        ("skus.csv", "15036,0.0008,0.15,0.9563", "15036,0.0008,1e300,0.9563", "weight_kg"),
        ("skus.csv", "15036,0.0008,0.15,0.9563", "15036,0.0008,0.15,1e300", "value"),
        (
            "demand.csv",
            "2010-12-01,16014,06240-05,10",
            "2010-12-01,16014,06240-05,1e200",
            "quantity",
        ),
        (
            "orders.csv",
            "20111014-12380,06190-01,43.751943,7.4434223,21121,24,",
            "20111014-12380,06190-01,43.751943,7.4434223,21121,1e300,",
            "quantity",
        ),
    ];
    for (file, from, to, field) in cases {
        let dir = copy();
        edit(dir.path(), file, from, to);
        let found = errors(dir.path());
        assert_eq!(found.len(), 1, "{to}: {found:?}");
        let (code, f, line, fld) = &found[0];
        assert_eq!(
            (code.as_str(), f.as_str(), fld.as_deref()),
            ("E-OUT-OF-RANGE", file, Some(field))
        );
        assert!(line.is_some(), "{to}: the issue names the line");
    }
}

#[test]
fn r12_an_order_too_heavy_as_a_whole_is_refused_on_its_first_line() {
    // Each value within its own bound (1e6 units on the line, 50 t per unit of the SKU),
    // the order as a whole (5e10 kg) far beyond what routing can count for one stop.
    let dir = copy();
    edit(dir.path(), "skus.csv", "21121,", "21121-old,");
    append(dir.path(), "skus.csv", "21121,0.001,50000,1\n");
    edit(
        dir.path(),
        "orders.csv",
        "20111014-12380,06190-01,43.751943,7.4434223,21121,24,",
        "20111014-12380,06190-01,43.751943,7.4434223,21121,1000000,",
    );
    let found = errors(dir.path());
    let heavy: Vec<_> = found.iter().filter(|e| e.0 == "E-OUT-OF-RANGE").collect();
    assert_eq!(heavy.len(), 1, "{found:?}");
    assert_eq!((heavy[0].1.as_str(), heavy[0].2), ("orders.csv", Some(2)));
}

#[test]
fn r12_a_stray_year_in_the_history_is_refused_not_forecast() {
    // A year after the history's end (within the 20-year span): the forecast would start
    // there and every series would end in months of zeros.
    for (row, line) in
        [("2012-06-01,16014,06240-05,1\n", 69227), ("2000-01-01,16014,06240-05,1\n", 69227)]
    {
        let dir = copy();
        append(dir.path(), "demand.csv", row);
        let found = errors(dir.path());
        let expected = (
            "E-STRAY-DATE".to_owned(),
            "demand.csv".to_owned(),
            Some(line),
            Some("date".to_owned()),
        );
        assert_eq!(found, [expected], "{row}");
    }
    // The example itself, with its Christmas silence, has no stray date.
    assert!(errors(&monaco()).is_empty());
}

#[test]
fn r12_a_history_that_sells_nothing_is_refused() {
    let dir = copy();
    let path = dir.path().join("demand.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let zeroed: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| match (i, l.rsplit_once(',')) {
            (0, _) | (_, None) => l.to_owned(),
            (_, Some((head, _))) => format!("{head},0"),
        })
        .collect();
    std::fs::write(&path, zeroed.join("\n") + "\n").unwrap();
    let found = errors(dir.path());
    let codes: Vec<&str> = found.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(codes, ["E-NO-DEMAND"]);
}

#[test]
fn r12_a_scenario_name_cannot_point_outside_the_output_folder() {
    for name in ["../../etc/x", "/tmp/x", ".hidden", &"m".repeat(65)] {
        let dir = copy();
        edit(dir.path(), "scenario.toml", "name = \"monaco\"", &format!("name = {name:?}"));
        let found = errors(dir.path());
        let codes: Vec<&str> = found.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(codes, ["E-BAD-NAME"], "{name}");
    }
}

/// Every bound at its largest accepted value at once (and the LP's costs spread over 9
/// orders of magnitude): the plan runs and passes the placement and routing checks.
#[test]
fn r12_values_at_their_limits_plan_end_to_end_and_pass_the_checks() {
    let dir = copy();
    let toml = "scenario.toml";
    for (from, to) in [
        ("holding_cost_per_unit_period = 0.0012", "holding_cost_per_unit_period = 1e6"),
        ("late_per_unit = 0.25", "late_per_unit = 1e6"),
        ("lost_sale_per_unit = 4.0", "lost_sale_per_unit = 1e6"),
        ("transport_per_unit_km = 0.003", "transport_per_unit_km = 1e3"),
        ("storage_m3 = 90.0", "storage_m3 = 1e7"),
        ("outbound_units_per_period = 9000.0", "outbound_units_per_period = 1e8"),
        ("capacity_kg = 800.0", "capacity_kg = 1e6"),
        ("cost_per_km = 0.32", "cost_per_km = 1e4"),
        ("fixed_cost = 45.0", "fixed_cost = 1e7"),
        ("promise_distance_km = 25.0", "promise_distance_km = 20000.0"),
    ] {
        edit(dir.path(), toml, from, to);
    }
    assert!(errors(dir.path()).is_empty());
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let outcome = plan::run(&quick_request(dir.path()), &store, &SolveContext::new(3)).unwrap();
    assert!(
        outcome.placement.check_violations.is_empty(),
        "{:?}",
        outcome.placement.check_violations
    );
    for station in &outcome.routing.stations {
        assert!(station.check_violations.is_empty(), "{:?}", station.check_violations);
    }
}
