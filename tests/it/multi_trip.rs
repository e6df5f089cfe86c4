//! Issue 13: multi-trip routes. A vehicle goes back to its start depot to reload within
//! its shift, each trip within the capacity; the solver decides where, the answer states
//! it, and the checker drives the detours and checks every trip's load.

use stockroute::SolveContext;
use stockroute::routing::formats::json;
use stockroute::routing::{
    self, CheckViolation, Depot, Locations, Metric, Objective, Problem, Route, Solution,
    SolveStats, SolverConfig, Stop, TimeWindow, VehicleType,
};

/// Four stops 10 east of the depot and four 10 west (one unit each), one van of four that
/// may reload `reloads` times.
fn two_clusters(reloads: usize) -> Problem {
    let mut points = vec![[0.0, 0.0]];
    points.extend((0..4).map(|i| [10.0, f64::from(i)]));
    points.extend((0..4).map(|i| [-10.0, f64::from(i)]));
    let mut van = VehicleType::new("van", 1, vec![4]);
    van.max_reloads = reloads;
    van.reload_time = 15.0;
    Problem {
        profiles: Vec::new(),
        name: "trips".into(),
        locations: Locations::Coordinates { points, metric: Metric::EuclideanRounded },
        depots: vec![Depot { id: "d".into(), location: 0 }],
        vehicle_types: vec![van],
        stops: (1..=8).map(|i| Stop::new(format!("s{i}"), i, vec![1])).collect(),
        objective: Objective::default(),
        shipments: Vec::new(),
    }
}

fn solve(p: &Problem) -> Solution {
    let config = SolverConfig::default().with_max_iterations(2000);
    let s = routing::solve(p, &config, &SolveContext::new(2)).unwrap();
    let report = routing::check(p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    s
}

#[test]
fn r13_one_van_reloads_once_to_serve_two_vanloads() {
    let s = solve(&two_clusters(1));
    assert!(s.unserved.is_empty(), "{:?}", s.unserved);
    assert_eq!(s.routes.len(), 1);
    let r = &s.routes[0];
    // One cluster, back to reload, the other: each trip is one side's four stops.
    assert_eq!(r.reloads, [4], "{r:?}");
    let east = |x: &usize| *x < 4;
    assert!(r.stops[..4].iter().all(east) || r.stops[4..].iter().all(east), "{r:?}");
    // Two round trips of 10 out, 3 along and 10 back (rounded arcs), and the reload time.
    assert!((s.distance - 46.0).abs() < 1e-9, "{s:?}");
    assert!((r.duration - 61.0).abs() < 1e-9, "{r:?}");
    // Without a reload the van carries one side only.
    let one = solve(&two_clusters(0));
    assert_eq!(one.unserved.len(), 4, "{one:?}");
}

#[test]
fn r13_a_shift_too_short_for_the_reload_leaves_a_trip_out() {
    let mut p = two_clusters(1);
    // 23 out and back for one side, 15 to reload: a shift of 50 holds one trip only.
    p.vehicle_types[0].shift = TimeWindow { start: 0.0, end: 50.0 };
    p.objective.unserved_penalty = Some(1000.0);
    let s = solve(&p);
    assert_eq!(s.unserved.len(), 4, "{s:?}");
    assert!(s.routes.iter().all(|r| r.reloads.is_empty()), "{s:?}");
}

fn manual(p: &Problem, stops: Vec<usize>, reloads: Vec<usize>) -> Vec<CheckViolation> {
    let route = Route {
        vehicle_type: 0,
        vehicle: 0,
        stops,
        distance: 0.0,
        duration: 0.0,
        breaks: Vec::new(),
        reloads,
    };
    let s = Solution {
        routes: vec![route],
        unserved: Vec::new(),
        cost: 0.0,
        unserved_penalty: 0.0,
        distance: 0.0,
        stats: SolveStats::default(),
    };
    let mut v = routing::check(p, &s).violations;
    v.retain(|x| !matches!(x, CheckViolation::Cost { .. }));
    v
}

#[test]
fn r13_the_checker_follows_the_reloads_and_each_trip_s_load() {
    let p = two_clusters(2);
    assert!(manual(&p, (0..8).collect(), vec![4]).is_empty());
    // Reloading after three: the second trip carries five.
    let v = manual(&p, (0..8).collect(), vec![3]);
    assert!(v.iter().any(|x| matches!(x, CheckViolation::Capacity { load: 5, .. })), "{v:?}");
    // No reload at all: eight on board.
    let v = manual(&p, (0..8).collect(), vec![]);
    assert!(v.iter().any(|x| matches!(x, CheckViolation::Capacity { load: 8, .. })), "{v:?}");
    // More reloads than the type allows, or one outside the route.
    for bad in [vec![2, 4, 6], vec![4, 4], vec![0, 4], vec![4, 8]] {
        let v = manual(&p, (0..8).collect(), bad.clone());
        assert!(v.iter().any(|x| matches!(x, CheckViolation::Reloads { .. })), "{bad:?}: {v:?}");
    }
}

#[test]
fn r13_json_reloads_are_read_answered_and_refused_with_breaks() {
    let text = |vehicle: &str| {
        format!(
            r#"{{"name": "t", "locations": {{"coordinates": [[0, 0], [10, 0], [-10, 0]]}},
               "depots": [{{"id": "d", "location": 0}}],
               "vehicles": [{{"id": "van", "capacity": [1], "start_depot": "d"{vehicle}}}],
               "stops": [{{"id": "e", "location": 1, "demand": [1]}},
                         {{"id": "w", "location": 2, "demand": [1]}}]}}"#
        )
    };
    let p = json::parse(&text(r#", "max_reloads": 1, "reload_time": 4"#)).unwrap().problem;
    assert_eq!((p.vehicle_types[0].max_reloads, p.vehicle_types[0].reload_time), (1, 4.0));
    let s = solve(&p);
    let answer = serde_json::to_value(json::to_json(&p, &s)).unwrap();
    assert_eq!(answer["routes"][0]["reloads"], serde_json::json!([1]), "{answer}");
    assert_eq!(answer["distance"], serde_json::json!(40.0), "{answer}");
    let breaks = r#", "max_reloads": 1,
        "breaks": [{"id": "lunch", "windows": [{"start": 0, "end": 100}], "duration": 5}]"#;
    let e = json::parse(&text(breaks)).unwrap_err().to_string();
    assert!(e.contains("E1043") && e.contains("vehicles[0].max_reloads"), "{e}");
    let e = json::parse(&text(r#", "max_reloads": 33"#)).unwrap_err().to_string();
    assert!(e.contains("E1043"), "{e}");
}

#[test]
fn r13_route_command_writes_the_answer_with_its_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let (file, answer) = (dir.path().join("req.json"), dir.path().join("answer.json"));
    std::fs::write(
        &file,
        r#"{"locations": {"coordinates": [[0, 0], [10, 0], [-10, 0]]},
            "depots": [{"id": "D", "location": 0}],
            "vehicles": [{"id": "van", "capacity": [1], "start_depot": "D", "max_reloads": 1}],
            "stops": [{"id": "e", "location": 1, "demand": [1]},
                      {"id": "w", "location": 2, "demand": [1]}],
            "max_iterations": 100}"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["route", file.to_str().unwrap(), "--out", answer.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let a: serde_json::Value = serde_json::from_slice(&std::fs::read(&answer).unwrap()).unwrap();
    assert_eq!(a["routes"][0]["reloads"], serde_json::json!([1]), "{a}");
    assert_eq!(a["routes"][0]["stops"].as_array().map(Vec::len), Some(2), "{a}");
    assert_eq!((a["vehicles"].as_u64(), a["distance"].as_f64()), (Some(1), Some(40.0)), "{a}");
}
