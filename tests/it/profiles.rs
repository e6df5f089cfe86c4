//! Vehicle profiles (issue 13): vehicle types that drive different travel over the same
//! locations, a cargo bike beside a van, through the model, the solver, the checker and
//! the service's JSON format.

use stockroute::SolveContext;
use stockroute::routing::formats::json;
use stockroute::routing::{
    self, Depot, Locations, Objective, Problem, SolverConfig, Stop, VehicleType,
};

/// Where the line's locations are, km from the depot: stops 1..=5 to the west, stop 6
/// far to the east.
const AT_KM: [f64; 7] = [0.0, -1.0, -2.0, -3.0, -4.0, -5.0, 6.0];

/// Locations on a line: the depot, five stops west and one east. The van drives 36 km/h
/// everywhere; the bike 14.4 km/h, and may not reach location 6 (a motorway-only place).
/// The bike costs less per km and nothing fixed, so it takes the west.
fn line() -> Problem {
    let n = AT_KM.len();
    let dist: Vec<Vec<f64>> =
        AT_KM.iter().map(|a| AT_KM.iter().map(|b| 1000.0 * (a - b).abs()).collect()).collect();
    let time = |speed_ms: f64| -> Vec<Vec<f64>> {
        dist.iter().map(|r| r.iter().map(|d| d / speed_ms).collect()).collect()
    };
    // Location 6 is off the bike's network: no arc to or from it but its own.
    let barred = |m: Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        let far = n - 1;
        let cut = |a: usize, b: usize, x: f64| {
            if a != b && (a == far || b == far) { f64::INFINITY } else { x }
        };
        m.into_iter()
            .enumerate()
            .map(|(a, row)| row.into_iter().enumerate().map(|(b, x)| cut(a, b, x)).collect())
            .collect()
    };
    let (bike_dist, bike_time) = (barred(dist.clone()), barred(time(4.0)));
    let mut van = VehicleType::new("van", 1, vec![100]);
    (van.fixed_cost, van.cost_per_distance) = (45.0, 0.00032);
    let mut bike = VehicleType::new("bike", 1, vec![100]);
    (bike.fixed_cost, bike.cost_per_distance, bike.profile) = (0.0, 0.00004, 1);
    Problem {
        name: "line".into(),
        locations: Locations::Matrix { distance: dist.clone(), duration: time(10.0) },
        profiles: vec![Locations::Matrix { distance: bike_dist, duration: bike_time }],
        depots: vec![Depot { id: "D".into(), location: 0 }],
        vehicle_types: vec![van, bike],
        stops: (1..n).map(|i| Stop::new(format!("s{i}"), i, vec![1])).collect(),
        shipments: Vec::new(),
        objective: Objective::default(),
    }
}

#[test]
fn r13_each_vehicle_drives_its_own_profile() {
    let p = line();
    let config = SolverConfig::default().with_max_iterations(500);
    let s = routing::solve(&p, &config, &SolveContext::new(1)).unwrap();
    let report = routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    assert!(s.unserved.is_empty(), "{:?}", s.unserved);
    // The stop the bike cannot reach is the van's; the van, costing more, takes it alone.
    let van = s.routes.iter().find(|r| r.vehicle_type == 0).expect("the van serves s6");
    assert!(van.stops.contains(&5), "{:?}", s.routes);
    let bike = s.routes.iter().find(|r| r.vehicle_type == 1).expect("the bike serves the rest");
    assert!(!bike.stops.contains(&5));
    // Each route is measured on its own profile: the bike's 1 km legs take 250 s.
    let legs = bike.stops.len() + 1;
    let far = bike.stops.iter().map(|&x| p.stops[x].location).max().unwrap();
    assert!((bike.distance - 2000.0 * far as f64).abs() < 1e-6, "{}", bike.distance);
    assert!(
        (bike.duration - bike.distance / 4.0).abs() < 1e-6,
        "{} over {legs} legs",
        bike.duration
    );
    assert!((van.duration - van.distance / 10.0).abs() < 1e-6);
}

#[test]
fn r13_the_checker_reads_a_route_on_its_vehicles_profile() {
    let p = line();
    // The bike cannot reach s6: a plan that sends it there is refused even though the
    // van's travel (profile 0) has that arc.
    let route = routing::Route {
        vehicle_type: 1,
        vehicle: 0,
        stops: vec![5],
        distance: 12_000.0,
        duration: 3_000.0,
        breaks: Vec::new(),
        reloads: Vec::new(),
    };
    let s = routing::Solution {
        routes: vec![route],
        unserved: Vec::new(),
        cost: 12.48,
        unserved_penalty: 0.0,
        distance: 12_000.0,
        stats: routing::SolveStats::default(),
    };
    let report = routing::check(&p, &s);
    assert!(
        report.violations.iter().any(|v| matches!(v, routing::CheckViolation::Unreachable { .. })),
        "{:?}",
        report.violations
    );
}

#[test]
fn r13_profiles_are_validated() {
    let mut p = line();
    p.vehicle_types[1].profile = 2;
    let e = p.validate().unwrap_err().to_string();
    assert!(e.contains("E1040") && e.contains("vehicle_types[1].profile"), "{e}");
    let mut p = line();
    let Locations::Matrix { distance, duration } = &mut p.profiles[0] else { unreachable!() };
    distance.pop();
    duration.pop();
    let e = p.validate().unwrap_err().to_string();
    assert!(e.contains("profiles[0]"), "{e}");
}

#[test]
fn r13_json_vehicles_name_their_profile() {
    let text = r#"{
        "locations": {"distance": [[0, 1000, 2000], [1000, 0, 1000], [2000, 1000, 0]]},
        "profiles": [{"name": "bike", "distance": [[0, 1000, null], [1000, 0, null], [null, null, 0]],
                      "duration": [[0, 250, null], [250, 0, null], [null, null, 0]]}],
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "count": 1, "capacity": [10], "start_depot": "D", "fixed_cost": 50},
                     {"id": "bike", "count": 1, "capacity": [10], "start_depot": "D", "profile": "bike"}],
        "stops": [{"id": "a", "location": 1, "demand": [1]}, {"id": "b", "location": 2, "demand": [1]}],
        "max_iterations": 200, "seed": 1
    }"#;
    let req = json::parse(text).unwrap();
    assert_eq!(req.problem.vehicle_types[1].profile, 1);
    let s = routing::solve(
        &req.problem,
        &SolverConfig::default().with_max_iterations(200),
        &SolveContext::new(1),
    )
    .unwrap();
    assert!(routing::check(&req.problem, &s).is_ok());
    let b = s.routes.iter().find(|r| r.stops.contains(&1)).unwrap();
    assert_eq!(b.vehicle_type, 0, "only the van reaches b");
    let bad = text.replace(r#""profile": "bike""#, r#""profile": "cargo""#);
    let e = json::parse(&bad).unwrap_err().to_string();
    assert!(e.contains("E1040") && e.contains("vehicles[1].profile"), "{e}");
}
