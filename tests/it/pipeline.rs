//! The stages wired together: scenario -> forecast -> store -> placement, through the library
//! and through the real binary.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use stockroute::SolveContext;
use stockroute::forecast::{self, ForecastConfig, History};
use stockroute::placement::{self, PlacementOptions};
use stockroute::store::{self, ForecastStore, NewRun, SqliteStore};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn stockroute(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockroute")).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn scenario_forecast_maps_to_a_placement_that_passes_the_check() {
    let (scn, _) = stockroute::scenario::load(repo("tests/data/valid")).unwrap();
    let history = History::from_scenario(&scn).unwrap();
    assert_eq!(history.frequency(), forecast::Frequency::Daily);
    let horizon = scn.horizon_periods as usize;
    let config = ForecastConfig::new(history.frequency(), horizon);
    let ctx = SolveContext::new(0).with_threads(1);
    let set = forecast::forecast(&history, &config, &ctx).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let new = NewRun {
        model_config: serde_json::to_value(&config).unwrap(),
        horizon,
        frequency: history.frequency(),
        data_fingerprint: history.fingerprint(),
        source: "tests/data/valid".into(),
        metrics: serde_json::Value::Null,
        quantile_levels: store::forecast_quantile_levels(),
    };
    let id = db.write_run(&new, &mut store::rows_of(&set)).unwrap();
    let info = db.run_info(&id).unwrap();
    let rows = db.read_run(&id).unwrap();
    let options = PlacementOptions { cycle_periods: 7.0, ..PlacementOptions::default() };
    let demand = store::forecast_demand(&info, &rows);
    let input = placement::input_from(&scn, &demand, options).unwrap();
    assert_eq!(input.forecast_run.as_ref(), Some(&id));
    assert_eq!(input.centres.len(), scn.centres.len());
    assert_eq!(input.zones.len(), scn.zones.len());
    assert_eq!(input.skus.len(), scn.skus.len());
    // The cycle demand is the sum of the first 7 forecast periods of each series.
    let first_week: HashSet<_> = {
        let mut periods: Vec<_> = rows.iter().map(|r| r.period).collect();
        periods.sort();
        periods.dedup();
        periods.into_iter().take(7).collect()
    };
    for d in &input.demand {
        let mean: f64 = rows
            .iter()
            .filter(|r| r.sku == d.sku && r.zone == d.zone && first_week.contains(&r.period))
            .map(|r| r.mean)
            .sum();
        assert!((d.mean_units - mean).abs() < 1e-9 * mean.max(1.0), "{d:?} vs {mean}");
        assert!(d.p90_units >= d.mean_units);
    }
    let result = placement::solve(&input, &SolveContext::new(0)).unwrap();
    let verdict = placement::check(&input, &result.plan, 1e-6).unwrap();
    assert!(verdict.is_feasible(), "{:?}", verdict.violations);
    assert_eq!(result.forecast_run.as_ref(), Some(&id));

    // A cycle longer than the run is refused with the numbers.
    let long = PlacementOptions { cycle_periods: 99.0, ..PlacementOptions::default() };
    let err = placement::input_from(&scn, &demand, long).unwrap_err();
    assert!(err.to_string().contains("99"), "{err}");
}

#[test]
fn cli_forecast_then_place_on_monaco() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    let out = dir.path().join("out");
    let monaco = repo("data/scenarios/monaco");
    let (monaco, db_s, out_s) =
        (monaco.to_str().unwrap(), db.to_str().unwrap(), out.to_str().unwrap());
    let f = stockroute(&["forecast", monaco, "--store", db_s, "--threads", "2"]);
    assert!(f.status.success(), "{}", text(&f.stderr));
    let run_id = text(&f.stdout).trim().to_owned();
    let p = stockroute(&["place", monaco, "--store", db_s, "--out", out_s]);
    assert!(p.status.success(), "{}", text(&p.stderr));
    assert!(text(&p.stdout).contains(&run_id), "{}", text(&p.stdout));
    // The Monaco extract does not reach the three centres (Carros, Ventimiglia, Mougins):
    // the command says so instead of silently using straight lines.
    let err = text(&p.stderr);
    assert!(err.contains("road distances: 0 centre -> zone pair(s)"), "{err}");
    assert!(err.contains("centre FC-CARROS"), "{err}");

    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["forecast_run"], run_id.as_str());
    let (scn, _) = stockroute::scenario::load(repo("data/scenarios/monaco")).unwrap();
    let skus: HashSet<_> = scn.skus.iter().map(|s| s.id.as_str()).collect();
    let zones: HashSet<_> = scn.zones.iter().map(|z| z.id.as_str()).collect();
    let flows = plan["flows"].as_array().unwrap();
    assert!(!flows.is_empty());
    for f in flows {
        assert!(skus.contains(f["sku"].as_str().unwrap()), "{f}");
        assert!(zones.contains(f["zone"].as_str().unwrap()), "{f}");
    }
    // stock.csv carries the plan's stock lines.
    let plan_total: f64 =
        plan["stock"].as_array().unwrap().iter().map(|s| s["units"].as_f64().unwrap()).sum();
    let mut csv = csv::Reader::from_path(out.join("stock.csv")).unwrap();
    let csv_total: f64 = csv.records().map(|r| r.unwrap()[2].parse::<f64>().unwrap()).sum();
    assert!((plan_total - csv_total).abs() < 1e-3, "{plan_total} vs {csv_total}");
    assert!((plan["kpis"]["stock_units"].as_f64().unwrap() - plan_total).abs() < 1e-3);
    // Storage binds at the two centres within the promise distance (data/README.md). Since
    // issue 18 the safety-stock target is each pair's P90 of its cycle total (the lead-time
    // quantile), no longer the smaller sum of its daily P90s, and it binds at Mougins too
    // (with the summed daily P90s its price was 0).
    let prices = plan["shadow_prices"].as_array().unwrap();
    let price = |id: &str| {
        prices.iter().find(|p| p["centre"] == id).unwrap()["storage_per_m3"].as_f64().unwrap()
    };
    assert!(price("FC-CARROS") > 0.0 && price("FC-VENTIMIGLIA") > 0.0, "{prices:?}");
    assert!(price("FC-MOUGINS") > 0.0, "{prices:?}");

    // An unknown run id is named in the error.
    let bad = stockroute(&["place", monaco, "--store", db_s, "--out", out_s, "--run", "nope-42"]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("nope-42"), "{}", text(&bad.stderr));
}

#[test]
fn cli_place_on_an_empty_store_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.sqlite");
    SqliteStore::open(&db).unwrap();
    let out = dir.path().join("out");
    let p = stockroute(&[
        "place",
        repo("tests/data/valid").to_str().unwrap(),
        "--store",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!p.status.success());
    assert!(text(&p.stderr).contains("no forecast run"), "{}", text(&p.stderr));
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn cli_forecast_refuses_a_broken_scenario_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    let f = stockroute(&[
        "forecast",
        repo("tests/data/broken_rows").to_str().unwrap(),
        "--store",
        db.to_str().unwrap(),
    ]);
    assert_eq!(f.status.code(), Some(1), "{}", text(&f.stderr));
    assert!(text(&f.stderr).contains("INVALID"), "{}", text(&f.stderr));
    assert!(
        !db.exists() || SqliteStore::open(&db).unwrap().list_runs().unwrap().is_empty(),
        "no run is stored"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_forecast_with_130_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    // The history line is printed after the handler is installed and before the forecast.
    let (status, rest) = crate::interrupt_after_line(
        Command::new(env!("CARGO_BIN_EXE_stockroute"))
            .args(["forecast", repo("data/scenarios/monaco").to_str().unwrap()])
            .args(["--store", db.to_str().unwrap(), "--threads", "1"]),
        "history:",
    );
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("interrupted"), "{rest}");
    assert!(
        !db.exists() || SqliteStore::open(&db).unwrap().list_runs().unwrap().is_empty(),
        "no run is stored"
    );
}

#[test]
fn cli_place_defaults_to_the_newest_run_of_the_scenarios_own_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.sqlite");
    let db_s = db.to_str().unwrap();
    let valid = repo("tests/data/valid");
    let own = stockroute(&["forecast", valid.to_str().unwrap(), "--store", db_s]);
    assert!(own.status.success(), "{}", text(&own.stderr));
    let own_id = text(&own.stdout).trim().to_owned();
    // A newer run of other data (same SKUs and zones, other quantities).
    let other_csv = dir.path().join("other.csv");
    let demand = std::fs::read_to_string(valid.join("demand.csv")).unwrap();
    std::fs::write(&other_csv, demand.replace(",6\n", ",60\n")).unwrap();
    let other_s = other_csv.to_str().unwrap();
    let other = stockroute(&["forecast", "--history", other_s, "--horizon", "14", "--store", db_s]);
    assert!(other.status.success(), "{}", text(&other.stderr));
    let other_id = text(&other.stdout).trim().to_owned();
    assert_ne!(own_id, other_id);
    let out = dir.path().join("out");
    let p = stockroute(&[
        "place",
        valid.to_str().unwrap(),
        "--store",
        db_s,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(p.status.success(), "{}", text(&p.stderr));
    assert!(text(&p.stdout).contains(&own_id), "{}", text(&p.stdout));
}

#[test]
fn the_stage_entry_points_forecast_into_the_store_and_place_from_the_stored_run() {
    let (scn, _) = stockroute::scenario::load(repo("tests/data/valid")).unwrap();
    let history = History::from_scenario(&scn).unwrap();
    let config = ForecastConfig::new(history.frequency(), scn.horizon_periods as usize);
    let dir = tempfile::tempdir().unwrap();
    let db = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let ctx = SolveContext::new(0).with_threads(1);
    let run =
        store::forecast_run::<stockroute::Error>(&db, &history, &config, "valid".into(), &ctx)
            .unwrap();
    let info = db.run_info(&run.id).unwrap();
    assert_eq!(info.run.data_fingerprint, history.fingerprint());
    assert_eq!(info.run.model_config, store::model_config(&config));
    assert_eq!(info.run.source, "valid");
    assert_eq!(info.row_count as usize, run.set.series.len() * config.horizon);

    let rows = db.read_run(&run.id).unwrap();
    let demand = store::forecast_demand(&info, &rows);
    let options = placement::PlaceOptions {
        placement: PlacementOptions { cycle_periods: 7.0, ..PlacementOptions::default() },
        solve_time_limit: None,
    };
    let placed = placement::place(&scn, &demand, None, &options, &ctx).unwrap();
    assert!(placed.verdict.is_feasible(), "{:?}", placed.verdict.violations);
    assert!(placed.coverage.is_none() && placed.road_pairs() == 0);
    assert_eq!(placed.report.forecast_run.as_ref(), Some(&run.id));
    // The report is the one the plain sequence gives.
    let input = placement::input_from(&scn, &demand, options.placement.clone()).unwrap();
    let result = placement::solve(&input, &ctx).unwrap();
    let json = |r: &placement::PlacementReport| serde_json::to_value(r).unwrap();
    assert_eq!(json(&placed.report), json(&result.report(&input)));

    // A cancelled forecast writes no run.
    let cancelled = SolveContext::new(0);
    cancelled.cancel_token().cancel();
    let err =
        store::forecast_run::<stockroute::Error>(&db, &history, &config, "x".into(), &cancelled)
            .unwrap_err();
    assert!(matches!(
        err,
        stockroute::Error::Interrupted(_)
            | stockroute::Error::Forecast(forecast::ForecastError::Interrupted(_))
    ));
    assert_eq!(db.list_runs().unwrap().len(), 1);
}
