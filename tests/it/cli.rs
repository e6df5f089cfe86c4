//! The command line through the real binary: exit codes and error text (issue 19).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn stockroute(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockroute")).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A plan of the small valid scenario whose output folder cannot be created (its parent is
/// a regular file): the input is fine, writing fails.
fn plan_into_a_file(dir: &Path) -> Output {
    let blocker = dir.join("blocker");
    std::fs::write(&blocker, "a file, not a folder").unwrap();
    let out = blocker.join("out");
    let store = dir.join("s.sqlite");
    stockroute(&[
        "plan",
        repo("tests/data/valid").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--models",
        "window_average",
        "--origins",
        "1",
        "--iterations",
        "200",
    ])
}

#[test]
fn r19_usage_errors_exit_2() {
    let o = stockroute(&["plan", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = stockroute(&["no-such-command"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = stockroute(&["forecast"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn r19_input_errors_exit_1() {
    let o = stockroute(&["validate", repo("tests/data/broken_rows").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = stockroute(&["validate", "no/such/scenario"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let o = stockroute(&[
        "plan",
        repo("tests/data/valid").to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
        "--store",
        dir.path().join("s.sqlite").to_str().unwrap(),
        "--station",
        "DS-NOWHERE",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("DS-NOWHERE"), "{}", stderr(&o));
}

#[test]
fn r19_run_failures_exit_3_and_print_the_os_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = plan_into_a_file(dir.path());
    let text = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{text}");
    let error = text.lines().find(|l| l.starts_with("error: ")).expect("an error line");
    assert!(error.contains("blocker"), "{error}");
    assert_eq!(error.matches("os error").count(), 1, "{error}");
}

#[test]
fn r19_help_documents_the_exit_codes() {
    let o = stockroute(&["--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout);
    for code in
        ["0 success", "1 input rejected", "2 usage error", "3 run failure", "130 interrupted"]
    {
        assert!(help.contains(code), "`{code}` missing in\n{help}");
    }
}

/// Issue 20: `route --roads` snaps a JSON request's `[lon, lat]` points onto an extract and
/// routes on road metres and seconds; the checker accepts the plan.
#[test]
fn r20_route_on_roads_snaps_lon_lat_points_and_checks_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("monaco.json");
    let body = r#"{
      "locations": {"coordinates": [[7.4197, 43.7314], [7.4286, 43.7393], [7.4210, 43.7370],
                                    [7.4160, 43.7280], [0.0, 0.0]]},
      "depots": [{"id": "D", "location": 0}],
      "vehicles": [{"id": "van", "capacity": [10], "start_depot": "D"}],
      "stops": [{"id": "casino", "location": 1, "demand": [2]},
                {"id": "market", "location": 2, "demand": [2]},
                {"id": "fontvieille", "location": 3, "demand": [2]},
                {"id": "at-sea", "location": 4, "demand": [1]}],
      "max_iterations": 200
    }"#;
    std::fs::write(&request, body).unwrap();
    let pbf = repo("data/scenarios/monaco/roads.osm.pbf");
    let o = stockroute(&[
        "route",
        request.to_str().unwrap(),
        "--roads",
        pbf.to_str().unwrap(),
        "--time-limit-s",
        "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(out["feasible"], true, "{out}");
    assert_eq!(out["routes"], 1);
    // The point in the Gulf of Guinea is not on Monaco's roads: unserved, not an error.
    assert_eq!(out["unserved"], 1);
    // Road metres: the casino alone is more than 1 km from the palace by road.
    assert!(out["distance"].as_f64().unwrap() > 2_000.0, "{out}");
}

/// Issue 13: `route --format vroom` prints VROOM's answer to VROOM's docs example 2;
/// `--check --out` writes plan mode's answer and exits with the run-failure code when the
/// given route has violations.
#[test]
fn r13_route_format_vroom_answers_in_vroom_s_shape() {
    let example = repo("data/vroom/example_2.json");
    let o = stockroute(&["route", example.to_str().unwrap(), "--format", "vroom"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((out["code"].as_i64(), out["summary"]["cost"].as_i64()), (Some(0), Some(5461)));
    assert_eq!(out["routes"][0]["steps"].as_array().unwrap().len(), 4);
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("answer.json");
    let late = repo("data/vroom/plan_late.json");
    let args = ["route", late.to_str().unwrap(), "--format", "vroom", "--check", "--out"];
    let o = stockroute(&[&args[..], &[answer.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let out: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&answer).unwrap()).unwrap();
    let delay = &out["routes"][0]["steps"][3]["violations"][0];
    assert_eq!((delay["cause"].as_str(), delay["duration"].as_i64()), (Some("delay"), Some(120)));
    // Coordinates without `--roads` are an input error naming the key (VROOM's docs
    // example 1; its job pickup is read as a backhaul).
    let o = stockroute(&[
        "route",
        repo("data/vroom/example_1.json").to_str().unwrap(),
        "--format",
        "vroom",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("vehicles[0].start"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("jobs[1].pickup"), "{}", stderr(&o));
}
