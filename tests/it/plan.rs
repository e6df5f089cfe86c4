//! `stockroute plan` and `plan::run`: the whole pipeline on the Monaco example, run through
//! the real binary, re-run for byte-identical outputs, and re-checked independently.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use stockroute::SolveContext;
use stockroute::plan::{self, PlanRequest, UnservedCause};
use stockroute::report;
use stockroute::roads::OSM_ATTRIBUTION;
use stockroute::routing::from_scenario::{DayOptions, UnroutedReason, day_problems, fleet_roads};
use stockroute::store::{ForecastStore, SqliteStore};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn stockroute(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockroute")).args(args).output().unwrap()
}

/// A short run: two cheap forecast models, one selection origin, a modest search budget.
const QUICK: [&str; 6] =
    ["--models", "window_average,seasonal_naive", "--origins", "1", "--iterations", "800"];

fn plan_cli(out: &Path, store: &Path, extra: &[&str]) -> Output {
    let monaco = repo("data/scenarios/monaco");
    let mut args = vec![
        "plan",
        monaco.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--seed",
        "7",
    ];
    args.extend(QUICK);
    args.extend(extra);
    stockroute(&args)
}

pub(super) fn quick_request(scenario: &Path) -> PlanRequest {
    let mut request = PlanRequest::new(scenario).with_seed(7);
    request.forecast.models = Some(vec![
        stockroute::forecast::ModelKind::WindowAverage,
        stockroute::forecast::ModelKind::SeasonalNaive,
    ]);
    request.forecast.origins = 1;
    request.routing.max_iterations = 800;
    request
}

#[test]
fn plan_on_monaco_writes_every_file_and_a_rerun_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.sqlite");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let first = plan_cli(&a, &store, &[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let summary = String::from_utf8_lossy(&first.stdout);
    assert!(summary.contains("orders delivered"), "{summary}");
    for file in report::plan::OUTPUT_FILES.iter().chain(&["run.json"]) {
        let len = std::fs::metadata(a.join(file)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 0, "{file} missing or empty");
    }
    // With logs on, stderr (a pipe here, not a terminal) gets plain text: no ANSI escapes.
    let second = plan_cli(&b, &store, &["--log", "info"]);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    let log = String::from_utf8_lossy(&second.stderr);
    assert!(log.contains("INFO"), "the run logged at info: {log}");
    assert!(!log.contains('\u{1b}'), "escape codes in a piped log: {log:?}");
    for file in report::plan::OUTPUT_FILES {
        let (x, y) = (std::fs::read(a.join(file)).unwrap(), std::fs::read(b.join(file)).unwrap());
        assert!(x == y, "{file} differs between two runs with the same seed");
    }
    // The second run reused the stored forecast: one run in the store, named in both.
    let db = SqliteStore::open(&store).unwrap();
    let runs = db.list_runs().unwrap();
    assert_eq!(runs.len(), 1);
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["forecast"]["run_id"], runs[0].id.as_str());
    assert_eq!(plan["placement"]["report"]["forecast_run"], runs[0].id.as_str());
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(b.join("run.json")).unwrap()).unwrap();
    assert_eq!(info["forecast_reused"], true);

    // A fresh store forecasts again under a new run id; apart from that id, same bytes.
    let c = dir.path().join("c");
    let third = plan_cli(&c, &dir.path().join("fresh.sqlite"), &[]);
    assert!(third.status.success(), "{}", String::from_utf8_lossy(&third.stderr));
    let other: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.join("plan.json")).unwrap()).unwrap();
    let new_id = other["forecast"]["run_id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, runs[0].id.as_str());
    for file in ["plan.json", "report.html", "routes.geojson", "routes.csv", "stock.csv"] {
        let x = std::fs::read_to_string(a.join(file)).unwrap();
        let y =
            std::fs::read_to_string(c.join(file)).unwrap().replace(&new_id, runs[0].id.as_str());
        assert!(x == y, "{file} differs beyond the forecast run id");
    }

    // GeoJSON: parses, carries the attribution, one LineString per route.
    let text = std::fs::read_to_string(a.join("routes.geojson")).unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = text.parse::<geojson::GeoJson>().unwrap() else {
        panic!("routes.geojson is not a FeatureCollection")
    };
    let attribution = fc.foreign_members.as_ref().and_then(|m| m.get("attribution"));
    assert_eq!(attribution.and_then(|v| v.as_str()), Some(OSM_ATTRIBUTION));
    let kind = |f: &geojson::Feature| f.property("kind").and_then(|k| k.as_str()).map(String::from);
    let lines = fc
        .features
        .iter()
        .filter(|f| kind(f).as_deref() == Some("route"))
        .inspect(|f| {
            let g = f.geometry.as_ref().unwrap();
            assert!(matches!(&g.value, geojson::GeometryValue::LineString { coordinates } if coordinates.len() >= 2));
        })
        .count();
    assert_eq!(serde_json::json!(lines), plan["routing"]["vehicles"]);
    assert!(fc.features.iter().any(|f| kind(f).as_deref() == Some("zone")));
    assert!(fc.features.iter().any(|f| kind(f).as_deref() == Some("centre")));

    // report.html: self-contained, attributed.
    let html = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<th class=\"l\">breaks</th>") && html.contains("lunch 1"),
        "the routes' breaks"
    );
    for banned in ["<script", "http://", "https://", "<link", "<img", "@import", "url("] {
        assert!(!html.contains(banned), "report.html contains {banned}");
    }
    assert!(html.contains(OSM_ATTRIBUTION));
    assert!(html.matches("<svg").count() >= 4, "maps and charts are inline SVG");

    // routes.csv: one row per delivered stop.
    let rows = std::fs::read_to_string(a.join("routes.csv")).unwrap().lines().count() - 1;
    assert_eq!(serde_json::json!(rows), plan["routing"]["served"]);
}

#[test]
fn monaco_plan_routes_pass_the_independent_checker_and_account_for_every_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let monaco = repo("data/scenarios/monaco");
    let request = quick_request(&monaco);
    let outcome = plan::run(&request, &store, &SolveContext::new(7).with_threads(2)).unwrap();
    assert!(outcome.placement.check_violations.is_empty());
    let r = &outcome.routing;
    assert_eq!(r.orders, 53);
    assert_eq!(r.served + r.unserved.len(), r.orders, "every order served or reported");
    assert!(r.served > 0 && r.vehicles > 0);

    // Rebuild the problems from the scenario and check the plan's routes against them.
    let (scn, _) = stockroute::scenario::load(&monaco).unwrap();
    let graph = fleet_roads(&scn).unwrap().unwrap();
    let day = day_problems(&scn, &graph, &DayOptions::default(), &SolveContext::new(0)).unwrap();
    assert_eq!(day.stations.len(), r.stations.len());
    let mut seen = std::collections::HashSet::new();
    for (sp, st) in day.stations.iter().zip(&r.stations) {
        assert_eq!(sp.station, st.station);
        assert!(st.check_violations.is_empty(), "{:?}", st.check_violations);
        let solution = plan::solution_of(&sp.problem, &st.routes, &r.unserved).unwrap();
        let report = stockroute::routing::check(&sp.problem, &solution);
        assert!(report.is_ok(), "{}: {:?}", st.station, report.violations);
        for route in &st.routes {
            assert!(route.load_pct <= 100.0 + 1e-9);
            assert!(route.path.len() >= 2);
            // Every Monaco driver takes a 30-minute lunch starting 12:00-14:00 (the
            // independent check above holds the solution read back from the plan to it).
            let [lunch] = route.breaks.as_slice() else { panic!("{:?}", route.breaks) };
            assert!((12.0 * 3600.0..=14.0 * 3600.0).contains(&lunch.start_s), "{lunch:?}");
            assert_eq!((lunch.id.as_str(), lunch.end_s - lunch.start_s), ("lunch", 1800.0));
            for v in &route.stops {
                assert!(v.start_s >= v.arrival_s && v.departure_s >= v.start_s);
                assert!(seen.insert(v.order.clone()), "order {} delivered twice", v.order);
            }
        }
    }
    for u in &r.unserved {
        assert!(seen.insert(u.order.clone()), "order {} both delivered and not", u.order);
    }
    assert_eq!(seen.len(), scn.orders.len());
}

#[test]
fn routing_one_station_reports_the_other_stations_orders_as_not_selected() {
    let monaco = repo("data/scenarios/monaco");
    let (scn, _) = stockroute::scenario::load(&monaco).unwrap();
    let graph = fleet_roads(&scn).unwrap().unwrap();
    let all = day_problems(&scn, &graph, &DayOptions::default(), &SolveContext::new(0)).unwrap();
    assert!(all.unrouted.is_empty(), "{:?}", all.unrouted);
    let in_problems: usize = all.stations.iter().map(|s| s.problem.stops.len()).sum();
    assert_eq!(in_problems, scn.orders.len());
    let roquebrune = stockroute::ids::StationId::new("DS-ROQUEBRUNE");
    let options = DayOptions { stations: vec![roquebrune.clone()], ..DayOptions::default() };
    let one = day_problems(&scn, &graph, &options, &SolveContext::new(0)).unwrap();
    assert_eq!(one.stations.len(), 1);
    assert_eq!(one.stations[0].station, roquebrune);
    let kept = one.stations[0].problem.stops.len();
    let same = all.stations.iter().find(|s| s.station == roquebrune).unwrap();
    assert_eq!(kept, same.problem.stops.len(), "selection does not move orders");
    assert_eq!(one.unrouted.len(), scn.orders.len() - kept);
    assert!(one.unrouted.iter().all(|u| u.reason == UnroutedReason::StationNotSelected
        && u.station.as_ref().is_some_and(|s| s.as_str() == "DS-FONTVIEILLE")));
}

#[test]
fn broken_scenarios_exit_1_and_write_nothing() {
    for broken in ["broken_files", "broken_network", "broken_rows"] {
        let dir = tempfile::tempdir().unwrap();
        let (out, store) = (dir.path().join("out"), dir.path().join("s.sqlite"));
        let scenario = repo(&format!("tests/data/{broken}"));
        let o = stockroute(&[
            "plan",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{broken}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(!out.exists(), "{broken}: output folder written");
        assert!(!store.exists(), "{broken}: store created");
    }
}

#[test]
fn unknown_station_is_an_error_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = plan_cli(&out, &dir.path().join("s.sqlite"), &["--station", "DS-NOWHERE"]);
    // An argument naming what the scenario lacks is rejected input (exit 1, issue 19).
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("DS-NOWHERE"));
    assert!(!out.exists());
}

#[test]
fn scenario_text_is_escaped_and_orders_without_roads_are_reported() {
    // The small test scenario has no road extract; give it hostile names.
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("scn");
    std::fs::create_dir(&scenario).unwrap();
    for f in ["demand.csv", "orders.csv", "skus.csv", "zones.csv", "scenario.toml"] {
        std::fs::copy(repo("tests/data/valid").join(f), scenario.join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(scenario.join("scenario.toml")).unwrap().replace(
        "name = \"Carros fulfilment centre\"",
        "name = \"<script>alert('x')</script> & co\"",
    );
    assert!(toml.contains("<script>"));
    std::fs::write(scenario.join("scenario.toml"), toml).unwrap();
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let outcome = plan::run(&quick_request(&scenario), &store, &SolveContext::new(7)).unwrap();
    assert_eq!(outcome.routing.served, 0);
    assert_eq!(outcome.routing.unserved.len(), outcome.routing.orders);
    assert!(
        outcome
            .routing
            .unserved
            .iter()
            .all(|u| matches!(u.reason, UnservedCause::Unrouted(UnroutedReason::NoRoadGraph)))
    );
    let out = dir.path().join("out");
    report::plan::write_outputs(&outcome, &out).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "unescaped scenario text");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_plan_with_130_and_writes_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let (out, db) = (dir.path().join("out"), dir.path().join("s.sqlite"));
    // The full forecast configuration on one thread: the run is still forecasting when the
    // signal arrives. The scenario line is printed after the handler is installed and
    // before forecasting.
    let (status, rest) = crate::interrupt_after_line(
        Command::new(env!("CARGO_BIN_EXE_stockroute"))
            .args(["plan", repo("data/scenarios/monaco").to_str().unwrap()])
            .args(["--out", out.to_str().unwrap(), "--store", db.to_str().unwrap()])
            .args(["--threads", "1"]),
        "scenario ",
    );
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(!out.exists(), "output written after Ctrl-C");
    assert!(SqliteStore::open(&db).unwrap().list_runs().unwrap().is_empty(), "run stored");
}

/// Issue 19's output defects on one Monaco run through the binary: the weekday profile, the
/// total band, both fill rates, pruned CSVs, one vehicle numbering and one clock.
#[test]
fn r19_monaco_outputs_are_honest_and_consistent() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = plan_cli(&out, &dir.path().join("s.sqlite"), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cli = String::from_utf8_lossy(&o.stdout).into_owned();
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&read("plan.json")).unwrap();
    let html = read("report.html");
    let day = |p: &serde_json::Value| {
        chrono::NaiveDate::parse_from_str(p["period"].as_str().unwrap(), "%Y-%m-%d").unwrap()
    };
    let f64_of = |v: &serde_json::Value| v.as_f64().unwrap();

    // 1. Saturday history is always 0, and so is the Saturday forecast.
    let total = &plan["forecast"]["total"];
    let history = total["history"].as_array().unwrap();
    let saturdays = history.iter().filter(|p| day(p).weekday() == chrono::Weekday::Sat);
    assert!(
        saturdays.clone().count() >= 4 && saturdays.clone().all(|p| f64_of(&p["units"]) == 0.0)
    );
    let forecast = total["forecast"].as_array().unwrap();
    let (sat, other): (Vec<_>, Vec<_>) =
        forecast.iter().partition(|p| day(p).weekday() == chrono::Weekday::Sat);
    assert!(!sat.is_empty());
    for p in &sat {
        assert!(f64_of(&p["mean"]) < 1e-9, "Saturday forecast {p}");
    }
    assert!(other.iter().all(|p| f64_of(&p["mean"]) > 0.0));

    // 2. The band of every chart lies at or above its mean.
    let mut charts = vec![total.clone()];
    charts.extend(
        plan["forecast"]["top_skus"].as_array().unwrap().iter().map(|s| s["chart"].clone()),
    );
    for chart in &charts {
        for p in chart["forecast"].as_array().unwrap() {
            assert!(f64_of(&p["p90"]) >= f64_of(&p["mean"]), "{p}");
        }
    }
    let sum = |k: &str| forecast.iter().map(|p| f64_of(&p[k])).sum::<f64>();
    assert!(sum("p90") > sum("mean"));

    // 3. Expected and replayed fill rate, side by side and labelled.
    let fill = &plan["placement"]["fill_rate"];
    let (expected, replayed) = (f64_of(&fill["expected"]), f64_of(&fill["replayed"]));
    assert_eq!(expected, f64_of(&plan["placement"]["report"]["kpis"]["expected_fill_rate"]));
    assert!((0.0..=1.0).contains(&replayed), "{fill}");
    assert!(f64_of(&fill["replay_demand_units"]) > 0.0 && fill["replay_to"].is_string());
    let card = |label: &str, v: f64| format!("{label}<b>{:.1} %</b>", 100.0 * v);
    assert!(html.contains(&card("fill rate expected (LP, mean forecast)", expected)), "expected");
    assert!(
        html.contains(&card("fill rate replayed (last cycle of demand)", replayed)),
        "replayed"
    );
    assert!(
        cli.contains(&format!("fill rate expected {expected:.4} replayed {replayed:.4}")),
        "{cli}"
    );

    // 4. No CSV row below the tolerance; totals still match the plan's within it.
    let tol = stockroute::placement::REPORT_TOLERANCE_UNITS;
    let units = |file: &str, col: usize| -> Vec<f64> {
        read(file)
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
            .collect()
    };
    let (stock, flows) = (units("stock.csv", 2), units("flows.csv", 3));
    assert!(stock.iter().chain(&flows).all(|&u| u >= tol));
    let kpis = &plan["placement"]["report"]["kpis"];
    let stock_total: f64 = stock.iter().sum();
    assert!((stock_total - f64_of(&kpis["stock_units"])).abs() <= tol, "{stock_total} {kpis}");
    let served = f64_of(&kpis["expected_fill_rate"]) * f64_of(&kpis["demand_units"]);
    let flow_total: f64 = flows.iter().sum();
    assert!((flow_total - served).abs() <= tol, "{flow_total} vs {served}");

    // 5 and 6. One numbering (from 1) and one clock: plan.json, routes.csv, the GeoJSON,
    // report.html and the CLI name the same vehicles and show the same times.
    let mut from_plan = std::collections::BTreeSet::new();
    for st in plan["routing"]["stations"].as_array().unwrap() {
        for r in st["routes"].as_array().unwrap() {
            let (station, vt) =
                (st["station"].as_str().unwrap(), r["vehicle_type"].as_str().unwrap());
            let n = r["vehicle"].as_u64().unwrap();
            assert!(n >= 1);
            from_plan.insert((station.to_owned(), vt.to_owned(), n));
            let clock = |s: &serde_json::Value| {
                report::clock::clock(f64_of(s), report::clock::Precision::Minutes)
            };
            let (out_at, back) = (clock(&r["start_s"]), clock(&r["end_s"]));
            let line = cli
                .lines()
                .find(|l| l.starts_with(station) && l.contains(&format!(" {vt} #{n} ")))
                .unwrap_or_else(|| panic!("no CLI line for {station} {vt} #{n}\n{cli}"));
            assert!(line.contains(&format!(" {out_at}  {back} ")), "{line} vs {out_at} {back}");
            let row = format!(
                " {vt} #{n}</td><td>{}</td><td>{:.1}</td><td>{out_at}</td><td>{back}</td>",
                r["stops"].as_array().unwrap().len(),
                f64_of(&r["distance_km"])
            );
            assert!(html.contains(&row), "report lacks {row}");
        }
    }
    assert!(from_plan.iter().any(|(_, _, n)| *n == 1));
    let from_csv: std::collections::BTreeSet<(String, String, u64)> = read("routes.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_owned(), c[1].to_owned(), c[2].parse().unwrap())
        })
        .collect();
    assert_eq!(from_csv, from_plan);
    let geo: serde_json::Value = serde_json::from_str(&read("routes.geojson")).unwrap();
    let from_geo: std::collections::BTreeSet<(String, String, u64)> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["kind"] == "route")
        .map(|f| {
            let p = &f["properties"];
            let s = |k: &str| p[k].as_str().unwrap().to_owned();
            (s("station"), s("vehicle_type"), p["vehicle"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(from_geo, from_plan);
}

/// Issue 20: the delivery day built on the road oracle (no matrix) has the dense matrix's
/// arcs, so one plan costs the same on both, and the checker accepts the oracle's plans
/// (computing its costs through the same oracle, and again through the matrix).
#[test]
fn r20_the_day_on_the_road_oracle_costs_what_the_matrix_day_does() {
    use stockroute::routing::{self, Locations, RoadArcOptions, SolverConfig};
    let monaco = repo("data/scenarios/monaco");
    let (scn, _) = stockroute::scenario::load(&monaco).unwrap();
    let graph = fleet_roads(&scn).unwrap().unwrap();
    let ctx = SolveContext::new(0);
    let dense = day_problems(&scn, &graph, &DayOptions::default(), &ctx).unwrap();
    let road = RoadArcOptions::default().with_dense_up_to(0);
    let options = DayOptions { road, ..DayOptions::default() };
    let oracle = day_problems(&scn, &graph, &options, &ctx).unwrap();
    assert_eq!(dense.unrouted, oracle.unrouted);
    assert_eq!(dense.stations.len(), oracle.stations.len());
    assert!(!dense.stations.is_empty());
    let config = SolverConfig::default().with_max_iterations(300);
    for (d, o) in dense.stations.iter().zip(&oracle.stations) {
        let (dp, op) = (&d.problem, &o.problem);
        assert_eq!((&d.station, &dp.stops), (&o.station, &op.stops), "same orders, same stops");
        assert!(matches!(dp.locations, Locations::Matrix { .. }));
        assert!(matches!(op.locations, Locations::Road(_)), "{:?}", op.locations);
        let n = dp.locations.len();
        assert_eq!(n, op.locations.len());
        for a in 0..n {
            for b in 0..n {
                let (x, y) = (&dp.locations, &op.locations);
                assert_eq!(
                    (x.distance(a, b), x.duration(a, b)),
                    (y.distance(a, b), y.duration(a, b))
                );
            }
        }
        for (solved_on, other) in [(dp, op), (op, dp)] {
            let ctx = SolveContext::new(7);
            let solution = routing::solve(solved_on, &config, &ctx).unwrap();
            assert!(!solution.routes.is_empty());
            let here = routing::check(solved_on, &solution);
            let there = routing::check(other, &solution);
            assert!(here.is_ok(), "{}: {:?}", d.station, here.violations);
            assert!(there.is_ok(), "{}: {:?}", d.station, there.violations);
            assert_eq!(here.cost, there.cost, "{}: the same plan, the same cost", d.station);
            assert_eq!(here.distance, there.distance);
            assert!((here.cost - solution.cost).abs() <= 1e-6 * here.cost.max(1.0));
        }
    }
}

/// Issue 13: the e-cargo bike rides bike-legal ways at bike speed. In a copy of Monaco
/// whose Fontvieille station has no vans, its bikes carry the day; every bike route's
/// drawn path is read back onto the bike graph: each segment between two graph nodes is
/// a bike edge, none on a motorway or trunk road, ridden at most at 25 km/h, and the path
/// is as long as the distance the route reports.
#[test]
fn r13_monaco_bikes_ride_bike_legal_ways_at_bike_speed() {
    use stockroute::roads::{RoadClass, VehicleProfile};
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo("data/scenarios/monaco")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let toml = dir.path().join("scenario.toml");
    // Fontvieille's first fleet entry is its vans: cut the entry out.
    let text = std::fs::read_to_string(&toml).unwrap();
    let block = "[[stations.vehicle_types]]\nid = \"van\"\n";
    let from = text.find(block).expect("the van entry");
    let to = from + block.len() + text[from + block.len()..].find("[[").unwrap();
    std::fs::write(&toml, format!("{}{}", &text[..from], &text[to..])).unwrap();

    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let outcome = plan::run(&quick_request(dir.path()), &store, &SolveContext::new(7))
        .unwrap_or_else(|e| panic!("{e}"));
    let fontvieille =
        outcome.routing.stations.iter().find(|s| s.station.as_str() == "DS-FONTVIEILLE");
    let fontvieille = fontvieille.expect("Fontvieille is routed");
    assert!(fontvieille.check_violations.is_empty(), "{:?}", fontvieille.check_violations);
    let bikes: Vec<_> =
        fontvieille.routes.iter().filter(|r| r.vehicle_type.as_str() == "ecargo_bike").collect();
    assert!(!bikes.is_empty(), "no bike route: {:?}", fontvieille.routes);

    let (scn, _) = stockroute::scenario::load(dir.path()).unwrap();
    let roads = fleet_roads(&scn).unwrap().unwrap();
    let bike = roads.of(VehicleProfile::Bicycle);
    assert_eq!(bike.profile(), VehicleProfile::Bicycle);
    let g = bike.graph();
    let key = |p: [f64; 2]| (p[0].to_bits(), p[1].to_bits());
    let nodes: std::collections::HashMap<_, _> =
        g.node_indices().map(|n| (key([g[n].lon, g[n].lat]), n)).collect();
    for r in bikes {
        let (mut edges, mut metres, mut length_mm, mut time_ms) = (0, 0.0, 0u64, 0u64);
        // Every vertex is a bike-graph node but the snapped ends of each leg.
        let off_graph = r.path.iter().filter(|p| !nodes.contains_key(&key(**p))).count();
        assert!(off_graph <= 2 * (r.stops.len() + 1), "{off_graph} vertices off the bike graph");
        for w in r.path.windows(2) {
            metres += haversine_m(w[0], w[1]);
            let (Some(&a), Some(&b)) = (nodes.get(&key(w[0])), nodes.get(&key(w[1]))) else {
                continue; // a stop's snapped point inside an edge
            };
            let e = g.find_edge(a, b);
            let e = e.unwrap_or_else(|| panic!("{:?} -> {:?} is no bike edge", w[0], w[1]));
            let class = bike.edge_class(e).unwrap();
            let motor_only = [
                RoadClass::Motorway,
                RoadClass::MotorwayLink,
                RoadClass::Trunk,
                RoadClass::TrunkLink,
            ];
            assert!(!motor_only.contains(&class), "a bike on {class:?}");
            edges += 1;
            length_mm += u64::from(g[e].length_mm);
            time_ms += u64::from(g[e].time_ms);
        }
        assert!(edges > 0);
        let edge_kmh = length_mm as f64 / time_ms as f64 * 3.6;
        assert!(edge_kmh <= 25.0, "{edge_kmh} km/h along the drawn path");
        // The drawn path is the ridden one: as long as the route says (snapping legs aside).
        let reported = r.distance_km * 1000.0;
        assert!(
            (metres - reported).abs() <= 0.03 * reported + 50.0,
            "{metres} m drawn, {reported} m"
        );
        // Riding time from the plan's own clock: the shift less stops (waiting, service)
        // and breaks, an upper bound (a bike idle before its lunch window opens counts as
        // riding); the average speed is at most a bike's (on the van graph, 32 km/h).
        let at_stops: f64 = r.stops.iter().map(|v| v.departure_s - v.arrival_s).sum();
        let breaks: f64 = r.breaks.iter().map(|b| b.end_s - b.start_s).sum();
        let riding_h = (r.end_s - r.start_s - at_stops - breaks) / 3600.0;
        let kmh = r.distance_km / riding_h;
        assert!(kmh > 0.0 && kmh <= 25.0, "{kmh} km/h over {riding_h} h");
    }
}

/// Great-circle distance of two `[lon, lat]` points in metres.
fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la, lb) = (a[1].to_radians(), b[1].to_radians());
    let (dlat, dlon) = (lb - la, (b[0] - a[0]).to_radians());
    let h = (dlat / 2.0).sin().powi(2) + la.cos() * lb.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}
