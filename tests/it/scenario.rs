//! Scenario pipeline: loading real folders, every coded issue at once, the `validate` and
//! `generate` commands, the plain-history reader, and garbage that must never panic.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use stockroute::ids::{SkuId, ZoneId};
use stockroute::issue::IssueCode;
use stockroute::scenario::{
    self, Code, GenerateOptions, HistoryFormat, Period, Report, ScenarioError, SeriesSet,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn invalid(folder: &str) -> Report {
    match scenario::load(data(folder)) {
        Err(ScenarioError::Invalid(report)) => report,
        other => panic!("{folder} should be refused, got {other:?}"),
    }
}

/// Asserts that `report` holds exactly `expected` (code, file, line, field) issues, in any order.
fn assert_issues(report: &Report, expected: &[(&str, &str, Option<u64>, Option<&str>)]) {
    let text = report.to_text("report", None);
    for (code, file, line, field) in expected {
        let found = report.issues.iter().any(|i| {
            i.code.as_str() == *code
                && i.file() == Some(*file)
                && i.line() == *line
                && i.field() == *field
        });
        assert!(found, "missing {code} {file}:{line:?} {field:?} in\n{text}");
    }
    assert_eq!(report.issues.len(), expected.len(), "unexpected issues in\n{text}");
}

fn stockroute(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stockroute")).args(args).output().unwrap()
}

#[test]
fn valid_scenario_loads_with_its_warnings_and_clean_series() {
    let (s, report) = scenario::load(data("valid")).unwrap();
    assert_issues(
        &report,
        &[
            ("W-DUPLICATE-ROW", "demand.csv", Some(17), Some("date")),
            ("W-SKU-NO-DEMAND", "skus.csv", Some(5), Some("sku")),
        ],
    );
    assert_eq!((s.name.as_str(), s.period, s.horizon_periods), ("riviera-small", Period::Day, 14));
    assert_eq!((s.centres.len(), s.stations.len(), s.zones.len(), s.skus.len()), (1, 1, 3, 4));
    assert_eq!(s.centres[0].storage_m3, 3500.0);
    let bike = &s.stations[0].vehicle_types[1];
    assert_eq!(
        (bike.shift_start.seconds(), bike.shift_end.seconds()),
        (9 * 3600, 18 * 3600 + 1800)
    );
    assert_eq!(s.zones[1].id.as_str(), "06240", "leading zeros are kept");
    assert!(s.zones[0].polygon().is_some() && s.zones[1].polygon().is_none());
    assert_eq!(s.demand.len(), 19, "20 rows, one duplicate summed");
    let (skus, zones) = (s.sku_indices(), s.zone_indices());
    let (sku, zone) = (skus[&SkuId::from("85123A")], zones[&ZoneId::from("98000")]);
    let on_13th = s
        .demand
        .iter()
        .find(|r| (r.sku, r.zone) == (sku, zone) && r.date.to_string() == "2024-03-13");
    assert_eq!(on_13th.map(|r| r.quantity), Some(6.0));

    let o1 = &s.orders[0];
    assert_eq!((o1.id.as_str(), o1.lines.len()), ("O-1", 2));
    assert_eq!(
        o1.time_window.map(|w| (w.start.to_string(), w.end.to_string())),
        Some(("09:00".into(), "12:00".into()))
    );
    let o2 = &s.orders[1];
    assert_eq!((o2.lat, o2.lon, o2.time_window), (43.7250, 7.3620, None), "zone centroid");

    let set = s.series();
    assert_eq!((set.len(), set.periods()), (6, 14));
    let main = set.get(&SkuId::from("85123A"), &ZoneId::from("98000")).unwrap();
    // 2024-03-04 .. 2024-03-17; the two rows of 03-13 (index 9) are summed.
    assert_eq!(main.values, [6.0, 0.0, 4.0, 3.0, 0.0, 1.0, 0.0, 5.0, 0.0, 6.0, 0.0, 6.0, 0.0, 2.0]);
    let summary = report.summary.series.as_ref().unwrap();
    assert_eq!((summary.series, summary.periods, summary.total_units), (6, 14, 83.0));
}

#[test]
fn broken_network_reports_every_problem_of_scenario_toml_at_once() {
    let report = invalid("broken_network");
    let f = "scenario.toml";
    assert_issues(
        &report,
        &[
            ("E-NON-POSITIVE", f, Some(4), Some("horizon_periods")),
            ("E-NEGATIVE", f, Some(7), Some("lost_sale_per_unit")),
            ("E-LAT-RANGE", f, Some(15), Some("lat")),
            ("E-NON-POSITIVE", f, Some(17), Some("storage_m3")),
            ("E-UNKNOWN-KEY", f, Some(29), Some("colour")),
            ("E-DUPLICATE-ID", f, Some(32), Some("id")),
            ("E-LON-RANGE", f, Some(35), Some("lon")),
            ("E-UNKNOWN-CENTRE", f, Some(45), Some("centre")),
            ("E-NON-POSITIVE", f, Some(49), Some("count")),
            ("E-TIME-WINDOW", f, Some(53), Some("shift_end")),
            ("E-BAD-TIME", f, Some(70), Some("shift_start")),
            ("E-NO-VEHICLE-TYPE", f, Some(76), Some("vehicle_types")),
            // The CSV files are the valid ones: their warnings are still reported.
            ("W-DUPLICATE-ROW", "demand.csv", Some(17), Some("date")),
            ("W-SKU-NO-DEMAND", "skus.csv", Some(5), Some("sku")),
        ],
    );
    assert_eq!(report.errors(), 12);
}

const BROKEN_ROWS: &[(&str, &str, Option<u64>, Option<&str>)] = &[
    ("E-DUPLICATE-ID", "zones.csv", Some(4), Some("zone")),
    ("E-LON-RANGE", "zones.csv", Some(5), Some("lon")),
    ("E-NOT-A-NUMBER", "zones.csv", Some(6), Some("lat")),
    ("E-BAD-WKT", "zones.csv", Some(7), Some("polygon_wkt")),
    ("E-NON-POSITIVE", "skus.csv", Some(3), Some("volume_m3")),
    ("E-NOT-A-NUMBER", "skus.csv", Some(4), Some("weight_kg")),
    ("E-NEGATIVE", "skus.csv", Some(5), Some("value")),
    ("E-MISSING-VALUE", "skus.csv", Some(6), Some("sku")),
    ("E-UNKNOWN-SKU", "demand.csv", Some(3), Some("sku")),
    ("E-UNKNOWN-ZONE", "demand.csv", Some(4), Some("zone")),
    ("E-BAD-DATE", "demand.csv", Some(5), Some("date")),
    ("E-NEGATIVE-QUANTITY", "demand.csv", Some(6), Some("quantity")),
    ("E-FIELD-COUNT", "demand.csv", Some(7), None),
    ("E-NOT-A-NUMBER", "demand.csv", Some(8), Some("quantity")),
    ("E-NOT-A-NUMBER", "demand.csv", Some(11), Some("quantity")),
    ("E-ORDER-MISMATCH", "orders.csv", Some(3), Some("lon")),
    ("E-MISSING-LOCATION", "orders.csv", Some(4), Some("lat")),
    ("E-TIME-WINDOW", "orders.csv", Some(5), Some("tw_end")),
    ("E-TIME-WINDOW", "orders.csv", Some(6), Some("tw_end")),
    ("E-UNKNOWN-SKU", "orders.csv", Some(7), Some("sku")),
    ("E-NON-POSITIVE", "orders.csv", Some(7), Some("quantity")),
    ("E-BAD-TIME", "orders.csv", Some(8), Some("tw_start")),
    ("E-BAD-TIME", "orders.csv", Some(8), Some("tw_end")),
];

#[test]
fn broken_rows_are_each_reported_by_code_file_line_and_field() {
    // A SKU declared with a bad size (22423, 47566) is not reported again where it is used.
    assert_issues(&invalid("broken_rows"), BROKEN_ROWS);
}

#[test]
fn broken_files_report_missing_empty_and_malformed_files() {
    assert_issues(
        &invalid("broken_files"),
        &[
            ("E-TOML", "scenario.toml", Some(2), None),
            ("E-EMPTY-FILE", "zones.csv", Some(1), None),
            ("E-MISSING-FILE", "skus.csv", None, None),
            ("W-UNKNOWN-COLUMN", "demand.csv", Some(1), Some("region")),
            ("E-MISSING-COLUMN", "demand.csv", Some(1), Some("zone")),
            ("E-DUPLICATE-COLUMN", "orders.csv", Some(1), Some("zone")),
        ],
    );
}

#[test]
fn validate_command_exits_0_on_valid_and_names_every_bad_row_with_exit_1() {
    let folder = data("valid");
    let out = stockroute(&["validate", folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ok, 0 error(s), 2 warning(s)"), "{text}");

    let folder = data("broken_rows");
    let out = stockroute(&["validate", folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("INVALID, 23 error(s)"), "{text}");
    for (code, file, line, field) in BROKEN_ROWS {
        let place = format!("{file}:{}", line.unwrap());
        let wanted = match field {
            Some(field) => format!("{place} {field} [{code}]"),
            None => format!("{place} [{code}]"),
        };
        assert!(text.contains(&wanted), "missing `{wanted}` in\n{text}");
    }

    let out = stockroute(&["validate", "--json", folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"], 23);
    assert_eq!(json["issues"].as_array().unwrap().len(), 23);
    assert_eq!(json["issues"][0]["code"], "E-DUPLICATE-ID");
    assert_eq!(json["summary"]["zones"], 2);
}

#[test]
fn validate_command_exits_1_when_the_folder_is_missing() {
    let out = stockroute(&["validate", "no/such/scenario"]);
    // A missing scenario is rejected input (exit 1), not a usage error (issue 19).
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn generated_scenarios_load_without_errors_and_are_byte_identical_per_seed() {
    let dir = tempfile::tempdir().unwrap();
    let options = GenerateOptions::new(24, 40, 11).with_days(70);
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    let written = scenario::generate(&options, &a).unwrap();
    scenario::generate(&options, &b).unwrap();
    scenario::generate(&GenerateOptions { seed: 12, ..options.clone() }, &c).unwrap();
    for file in ["scenario.toml", "zones.csv", "skus.csv", "demand.csv", "orders.csv"] {
        let bytes = std::fs::read(a.join(file)).unwrap();
        assert_eq!(bytes, std::fs::read(b.join(file)).unwrap(), "{file} differs for one seed");
    }
    let demand = std::fs::read(a.join("demand.csv")).unwrap();
    assert_ne!(demand, std::fs::read(c.join("demand.csv")).unwrap(), "seeds must matter");

    let (s, report) = scenario::load(&a).unwrap();
    assert_eq!(report.errors(), 0);
    assert_eq!((s.zones.len(), s.skus.len(), s.orders.len()), (24, 40, written.orders));
    assert_eq!(s.demand.len() as u64, written.demand_rows, "no duplicates are generated");
    assert!(!s.stations.is_empty() && s.stations.iter().all(|st| !st.vehicle_types.is_empty()));
    let set = s.series();
    assert!(set.len() <= written.active_series && set.len() > 100);
    assert_eq!((set.periods(), set.starts[0]), (70, options.start));
    let summary = set.summary(8);
    assert!(summary.zero_share > 0.3, "demand should be intermittent: {summary}");
    // Weekly seasonality: Sundays are much quieter than Mondays.
    let by_weekday = |w: u32| -> f64 {
        set.starts
            .iter()
            .enumerate()
            .filter(|(_, d)| chrono::Datelike::weekday(*d).num_days_from_monday() == w)
            .map(|(i, _)| set.series.iter().map(|s| s.values[i]).sum::<f64>())
            .sum()
    };
    assert!(by_weekday(6) * 3.0 < by_weekday(0), "sun {} mon {}", by_weekday(6), by_weekday(0));
}

#[test]
fn generate_command_writes_a_folder_that_validates() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("gen");
    let out = stockroute(&[
        "generate",
        "--zones",
        "10",
        "--skus",
        "12",
        "--seed",
        "3",
        "--days",
        "21",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = stockroute(&["validate", "--json", out_dir.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((out.status.code(), json["errors"].as_u64()), (Some(0), Some(0)), "{json}");
    let bad = stockroute(&["generate", "--zones", "0", "--skus", "1", "--seed", "1"]);
    // An option value out of range is rejected input (exit 1), not a usage error (issue 19).
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn plain_history_csv_builds_weekly_series_and_reports_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.csv");
    std::fs::write(
        &path,
        "date,sku,region,quantity,revenue_gbp\n\
         2011-01-03,10002,France,48,40.8\n\
         2011-01-09,10002,France,2,1.7\n\
         2011-01-12,10002,EIRE,5,4.2\n\
         2011-01-12,10002,EIRE,1,0.9\n",
    )
    .unwrap();
    let format = HistoryFormat::default().with_zone_column("region").with_period(Period::Week);
    let (set, report) = SeriesSet::from_history_csv(&path, &format).unwrap();
    let codes: Vec<IssueCode> = report.issues.iter().map(|i| i.code).collect();
    assert_eq!(codes, [Code::UnknownColumn, Code::DuplicateRow]);
    // Weeks end on the last date (2011-01-12): one whole week from 2011-01-06; the sale of
    // 2011-01-03 is before it (the one calendar, `scenario::Calendar`).
    assert_eq!(set.starts, [chrono::NaiveDate::from_ymd_opt(2011, 1, 6).unwrap()]);
    assert_eq!(set.get(&"10002".into(), &"France".into()).unwrap().values, [2.0]);
    assert_eq!(set.get(&"10002".into(), &"EIRE".into()).unwrap().values, [6.0]);

    std::fs::write(
        &path,
        "date,sku,zone,quantity\n2011-01-03,A,Z,1\n2011-13-01,A,Z,1\n2011-01-04,,Z,x\n",
    )
    .unwrap();
    let Err(ScenarioError::Invalid(report)) =
        SeriesSet::from_history_csv(&path, &HistoryFormat::default())
    else {
        panic!("bad rows must refuse the history");
    };
    let found: Vec<(&str, Option<u64>)> =
        report.issues.iter().map(|i| (i.code.as_str(), i.line())).collect();
    assert_eq!(
        found,
        [("E-BAD-DATE", Some(3)), ("E-MISSING-VALUE", Some(4)), ("E-NOT-A-NUMBER", Some(4))]
    );
}

fn garbage_folder(file: &str, contents: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(data("valid")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    std::fs::write(dir.path().join(file), contents).unwrap();
    dir
}

fn assert_ok_or_errors(folder: &Path) {
    match scenario::load(folder) {
        Ok((_, report)) => assert_eq!(report.errors(), 0),
        Err(ScenarioError::Invalid(report)) => assert!(report.errors() >= 1),
        Err(other) => panic!("unexpected {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn csv_garbage_never_panics_the_loader(
        file in prop::sample::select(vec!["zones.csv", "skus.csv", "demand.csv", "orders.csv"]),
        text in "[0-9a-zA-Z,\"\n\r:. ()_-]{0,300}",
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        raw in any::<bool>(),
    ) {
        let dir = garbage_folder(file, if raw { &bytes } else { text.as_bytes() });
        assert_ok_or_errors(dir.path());
    }

    #[test]
    fn toml_garbage_never_panics_the_loader(text in "[a-z_=\"\\[\\]\n .0-9-]{0,300}") {
        let dir = garbage_folder("scenario.toml", text.as_bytes());
        assert_ok_or_errors(dir.path());
    }

    #[test]
    fn demand_rows_with_valid_header_are_kept_or_reported(
        rows in prop::collection::vec(
            (
                prop_oneof![3 => "2024-03-(0[1-9]|1[0-9])", 1 => "[0-9-]{0,12}"],
                prop::sample::select(vec!["85123A", "22423", "47566", "85123a", ""]),
                prop::sample::select(vec!["98000", "06240", "06320", "6240"]),
                prop_oneof![3 => "[0-9]{1,3}", 1 => "-?[0-9.]{0,5}"],
            ),
            0..20,
        ),
    ) {
        let mut text = String::from("date,sku,zone,quantity\n");
        for (d, s, z, q) in &rows {
            text.push_str(&format!("{d},{s},{z},{q}\n"));
        }
        let dir = garbage_folder("demand.csv", text.as_bytes());
        match scenario::load(dir.path()) {
            Ok((s, _)) => {
                // Accepted means every row was valid: all units are there, none dropped.
                let given: f64 = rows.iter().map(|r| r.3.parse::<f64>().unwrap()).sum();
                let kept: f64 = s.demand.iter().map(|r| r.quantity).sum();
                prop_assert!((given - kept).abs() < 1e-9);
            }
            Err(ScenarioError::Invalid(report)) => prop_assert!(report.errors() >= 1),
            Err(other) => panic!("unexpected {other}"),
        }
    }
}

/// The example scenario shipped in data/ loads without errors, keeps every demand row and
/// yields its clean series; `validate` exits 0 and caps warnings in the text report.
#[test]
fn monaco_example_scenario_loads_clean() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/monaco");
    let (scn, report) = scenario::load(&folder).unwrap();
    assert_eq!(report.errors(), 0, "{}", report.to_text("monaco", Some(3)));
    assert_eq!((scn.centres.len(), scn.stations.len(), scn.zones.len()), (3, 2, 34));
    assert_eq!(scn.skus.len(), 175);
    assert_eq!(scn.orders.len(), 53);
    // demand.csv has 69,225 data rows with no duplicates: none may be lost.
    assert_eq!(scn.demand.len(), 69_225);
    let units: f64 = scn.demand.iter().map(|r| r.quantity).sum();
    let series = scn.series();
    let series_units: f64 = series.series.iter().flat_map(|s| s.values.iter()).sum();
    assert!((units - series_units).abs() < 1e-6);
    assert_eq!(series.periods(), 318);

    let out = stockroute(&["validate", folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ok, 0 error(s)"));
    assert!(text.contains("warning(s) not shown"), "warnings are capped per code:\n{text}");
    let all = stockroute(&["validate", folder.to_str().unwrap(), "--all-warnings"]);
    assert!(all.stdout.len() > text.len());
}

/// Issue 13: a vehicle type's driver breaks are read from scenario.toml, and bad ones are
/// named at their line: a time that is not HH:MM, a window that ends before it starts, and
/// breaks that cannot be taken in order inside the shift (08:00-17:00 here).
#[test]
fn r13_driver_breaks_are_read_and_bad_ones_named_at_their_line() {
    let with = |breaks: &str| {
        let dir = tempfile::tempdir().unwrap();
        for f in std::fs::read_dir(data("valid")).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
        let path = dir.path().join("scenario.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let text =
            text.replacen("fixed_cost = 45.0\n", &format!("fixed_cost = 45.0\n{breaks}\n"), 1);
        std::fs::write(&path, text).unwrap();
        (scenario::load(dir.path()), dir)
    };
    let (ok, _dir) =
        with(r#"breaks = [{ id = "lunch", earliest = "12:00", latest = "14:00", minutes = 30 }]"#);
    let (s, _) = ok.unwrap();
    let b = &s.stations[0].vehicle_types[0].breaks[0];
    assert_eq!(
        (b.id.as_str(), b.earliest.seconds(), b.latest.seconds(), b.minutes),
        ("lunch", 12 * 3600, 14 * 3600, 30.0)
    );
    for (breaks, code, field) in [
        (
            r#"breaks = [{ id = "a", earliest = "25:00", latest = "14:00", minutes = 30 }]"#,
            "E-BAD-TIME",
            "earliest",
        ),
        (
            r#"breaks = [{ id = "a", earliest = "14:00", latest = "12:00", minutes = 30 }]"#,
            "E-TIME-WINDOW",
            "breaks",
        ),
        (
            r#"breaks = [{ id = "a", earliest = "18:00", latest = "19:00", minutes = 30 }]"#,
            "E-TIME-WINDOW",
            "breaks",
        ),
        (
            r#"breaks = [{ id = "a", earliest = "12:00", latest = "14:00", minutes = 0 }]"#,
            "E-NON-POSITIVE",
            "breaks",
        ),
    ] {
        let (got, _dir) = with(breaks);
        let Err(ScenarioError::Invalid(report)) = got else { panic!("{breaks} should be refused") };
        let found: Vec<_> = report.issues.iter().filter(|i| i.code.as_str() == code).collect();
        assert_eq!(found.len(), 1, "{breaks}: {:?}", report.issues);
        assert_eq!((found[0].line(), found[0].field()), (Some(39), Some(field)), "{breaks}");
    }
}
