//! Issue 13: open routes, which end at their last stop. No way back is driven, timed or
//! paid, on every form the search reads arcs from (dense coordinates, explicit matrices,
//! planar arcs above the dense size); the checker prices them alike and holds the shift
//! end against the last service's end.

use stockroute::SolveContext;
use stockroute::routing::formats::json;
use stockroute::routing::{
    self, CheckViolation, Depot, Locations, Metric, Objective, Problem, Route, Solution,
    SolveStats, SolverConfig, Stop, TimeWindow, VehicleType,
};

/// A depot at the origin and `n` stops on a line at 10, 20, ... units, served by one van
/// of capacity `n` that ends anywhere (`open`) or back at the depot.
fn line(n: usize, open: bool, metric: Metric) -> Problem {
    let points: Vec<[f64; 2]> = (0..=n).map(|i| [10.0 * i as f64, 0.0]).collect();
    let mut van = VehicleType::new("van", 1, vec![n as i64]);
    van.end_depot = (!open).then_some(0);
    Problem {
        profiles: Vec::new(),
        name: "line".into(),
        locations: Locations::Coordinates { points, metric },
        depots: vec![Depot { id: "d".into(), location: 0 }],
        vehicle_types: vec![van],
        stops: (1..=n).map(|i| Stop::new(format!("s{i}"), i, vec![1])).collect(),
        objective: Objective::default(),
        shipments: Vec::new(),
    }
}

fn solve(p: &Problem, iterations: u64) -> Solution {
    let config = SolverConfig::default().with_max_iterations(iterations);
    let s = routing::solve(p, &config, &SolveContext::new(3)).unwrap();
    let report = routing::check(p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    s
}

#[test]
fn r13_an_open_route_ends_at_its_last_stop_and_pays_no_way_back() {
    let open = solve(&line(5, true, Metric::EuclideanRounded), 200);
    assert_eq!(open.routes.len(), 1);
    // Out along the line and no return: 50, where the round trip costs 100.
    assert_eq!(open.routes[0].stops, [0, 1, 2, 3, 4]);
    assert!((open.distance - 50.0).abs() < 1e-9 && (open.cost - 50.0).abs() < 1e-9, "{open:?}");
    let closed = solve(&line(5, false, Metric::EuclideanRounded), 200);
    assert!((closed.distance - 100.0).abs() < 1e-9, "{closed:?}");
    assert!((open.routes[0].duration - 50.0).abs() < 1e-9, "{:?}", open.routes[0]);
}

#[test]
fn r13_open_routes_on_an_explicit_matrix_skip_the_dearest_way_back() {
    // Asymmetric: going out is cheap, coming back dear; an open van never pays it.
    let n = 4;
    let mut distance = vec![vec![0.0; n + 1]; n + 1];
    for (a, row) in distance.iter_mut().enumerate() {
        for (b, d) in row.iter_mut().enumerate() {
            *d = if b > a { (b - a) as f64 } else { 100.0 * (a - b) as f64 };
        }
    }
    let mut p = line(n, true, Metric::Euclidean);
    p.locations = Locations::Matrix { duration: distance.clone(), distance };
    let s = solve(&p, 200);
    assert_eq!(s.routes[0].stops, [0, 1, 2, 3]);
    assert!((s.distance - 4.0).abs() < 1e-9, "{s:?}");
}

#[test]
fn r13_open_routes_on_planar_arcs_above_the_dense_size() {
    // More locations than the dense matrices hold: arcs are computed on the fly, and the
    // open end is answered without a point of its own.
    let n = routing::DENSE_UP_TO + 20;
    let mut p = line(n, true, Metric::EuclideanRounded);
    p.vehicle_types[0].count = 2;
    p.vehicle_types[0].capacity = vec![n as i64 / 2 + 1];
    let s = solve(&p, 20);
    assert!(s.unserved.is_empty());
    // Two open vans on a line: at least the way out to the far end, never a way back
    // counted (the closed plan costs twice that at least).
    let far = 10.0 * n as f64;
    assert!(s.distance >= far - 1e-9 && s.distance < 2.0 * far, "{}", s.distance);
}

#[test]
fn r13_an_open_shift_binds_the_last_service_not_a_return() {
    // A shift of 35: the closed van cannot reach 30 and come back; the open one can.
    let mut p = line(3, true, Metric::EuclideanRounded);
    p.vehicle_types[0].shift = TimeWindow { start: 0.0, end: 35.0 };
    p.objective.unserved_penalty = Some(1000.0);
    let open = solve(&p, 200);
    assert!(open.unserved.is_empty(), "{:?}", open.unserved);
    p.vehicle_types[0].end_depot = Some(0);
    let closed = solve(&p, 200);
    assert_eq!(closed.unserved.len(), 2, "{:?}", closed.unserved);
}

#[test]
fn r13_the_checker_prices_an_open_route_to_its_last_stop() {
    let mut p = line(3, true, Metric::EuclideanRounded);
    p.vehicle_types[0].shift = TimeWindow { start: 0.0, end: 25.0 };
    let route = Route {
        vehicle_type: 0,
        vehicle: 0,
        stops: vec![0, 1, 2],
        distance: 30.0,
        duration: 30.0,
        breaks: Vec::new(),
        reloads: Vec::new(),
    };
    let s = Solution {
        routes: vec![route],
        unserved: Vec::new(),
        cost: 30.0,
        unserved_penalty: 0.0,
        distance: 30.0,
        stats: SolveStats::default(),
    };
    let report = routing::check(&p, &s);
    assert!((report.distance - 30.0).abs() < 1e-9, "{report:?}");
    // The last service ends at 30, after the shift's 25: named, with no way back added.
    let ends: Vec<f64> = report
        .violations
        .iter()
        .filter_map(|v| match v {
            CheckViolation::ShiftEnd { end, .. } => Some(*end),
            _ => None,
        })
        .collect();
    assert_eq!(ends, [30.0], "{:?}", report.violations);
}

#[test]
fn r13_json_open_end_is_read_and_clashes_with_an_end_depot() {
    let text = |extra: &str| {
        format!(
            r#"{{"name": "o", "locations": {{"coordinates": [[0, 0], [10, 0]]}},
               "depots": [{{"id": "d", "location": 0}}],
               "vehicles": [{{"id": "van", "capacity": [1], "start_depot": "d"{extra}}}],
               "stops": [{{"id": "s", "location": 1, "demand": [1]}}]}}"#
        )
    };
    let p = json::parse(&text(r#", "open_end": true"#)).unwrap().problem;
    assert_eq!(p.vehicle_types[0].end_depot, None);
    let s = solve(&p, 50);
    assert!((s.distance - 10.0).abs() < 1e-9, "{s:?}");
    let closed = json::parse(&text("")).unwrap().problem;
    assert_eq!(closed.vehicle_types[0].end_depot, Some(0));
    let e = json::parse(&text(r#", "open_end": true, "end_depot": "d""#)).unwrap_err().to_string();
    assert!(e.contains("E1042") && e.contains("vehicles[0].open_end"), "{e}");
}
