//! Issue 13: balanced routes as an objective term. The term moves plans the way a planner
//! asks for (a min-max duration splits one long route, a stop-count spread evens the
//! counts), and the checker recomputes it from the routes as part of the cost.

use stockroute::SolveContext;
use stockroute::routing::formats::json;
use stockroute::routing::{
    self, Balance, BalanceMeasure, Depot, Locations, Metric, Objective, Problem, Solution,
    SolverConfig, Stop, VehicleType,
};

fn problem(points: Vec<[f64; 2]>, vans: VehicleType, balance: Option<Balance>) -> Problem {
    let stops = (1..points.len()).map(|i| Stop::new(format!("s{i}"), i, vec![1])).collect();
    Problem {
        profiles: Vec::new(),
        name: "balance".into(),
        locations: Locations::Coordinates { points, metric: Metric::Euclidean },
        depots: vec![Depot { id: "d".into(), location: 0 }],
        vehicle_types: vec![vans],
        stops,
        objective: Objective { balance, ..Objective::default() },
        shipments: Vec::new(),
    }
}

fn solve(p: &Problem) -> Solution {
    let config = SolverConfig::default().with_max_iterations(3000);
    let s = routing::solve(p, &config, &SolveContext::new(5)).unwrap();
    let report = routing::check(p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    assert!(s.unserved.is_empty(), "{:?}", s.unserved);
    s
}

/// Eight stops on a circle of radius 10 around the depot.
fn circle() -> Vec<[f64; 2]> {
    let ring = (0..8).map(|i| {
        let a = std::f64::consts::TAU * f64::from(i) / 8.0;
        [10.0 * a.cos(), 10.0 * a.sin()]
    });
    std::iter::once([0.0, 0.0]).chain(ring).collect()
}

#[test]
fn r13_a_min_max_duration_term_splits_one_long_route_in_two() {
    let vans = VehicleType::new("van", 2, vec![8]);
    // Cost alone: one round of the circle (about 75) beats two half rounds (about 87).
    let alone = solve(&problem(circle(), vans.clone(), None));
    assert_eq!(alone.routes.len(), 1, "{alone:?}");
    let balance = Balance { measure: BalanceMeasure::MaxDuration, weight: 10.0 };
    let even = solve(&problem(circle(), vans, Some(balance)));
    let counts: Vec<usize> = even.routes.iter().map(|r| r.stops.len()).collect();
    assert_eq!(counts, [4, 4], "{even:?}");
    let longest = even.routes.iter().map(|r| r.duration).fold(0.0, f64::max);
    let expected = even.distance + 10.0 * longest;
    assert!((even.cost - expected).abs() < 1e-6, "{} vs {expected}", even.cost);
    assert!(even.distance > alone.distance, "the balance is paid in distance");
}

#[test]
fn r13_a_stop_spread_term_evens_the_counts() {
    // Six stops east and two west; vans of six. Cost alone: one van east, one west.
    let mut points = vec![[0.0, 0.0]];
    points.extend((0..6).map(|i| [50.0, f64::from(i)]));
    points.extend((0..2).map(|i| [-50.0, f64::from(i)]));
    let vans = VehicleType::new("van", 2, vec![6]);
    let spread = |s: &Solution| {
        let counts = s.routes.iter().map(|r| r.stops.len());
        counts.clone().max().unwrap() - counts.min().unwrap()
    };
    let alone = solve(&problem(points.clone(), vans.clone(), None));
    assert_eq!(spread(&alone), 4, "{alone:?}");
    let balance = Balance { measure: BalanceMeasure::StopSpread, weight: 100.0 };
    let even = solve(&problem(points, vans, Some(balance)));
    assert_eq!(spread(&even), 0, "{even:?}");
    assert!((even.cost - even.distance).abs() < 1e-6, "no spread left to pay: {even:?}");
}

#[test]
fn r13_json_balance_is_read_and_its_weight_bounded() {
    let text = |balance: &str| {
        format!(
            r#"{{"name": "b", "locations": {{"coordinates": [[0, 0], [10, 0]]}},
               "depots": [{{"id": "d", "location": 0}}],
               "vehicles": [{{"id": "van", "capacity": [1], "start_depot": "d"}}],
               "stops": [{{"id": "s", "location": 1, "demand": [1]}}],
               "objective": {{"balance": {balance}}}}}"#
        )
    };
    let p = json::parse(&text(r#"{"measure": "stop_spread", "weight": 2.5}"#)).unwrap().problem;
    let expected = Balance { measure: BalanceMeasure::StopSpread, weight: 2.5 };
    assert_eq!(p.objective.balance, Some(expected));
    let e = json::parse(&text(r#"{"measure": "max_duration", "weight": -1}"#)).unwrap_err();
    let e = e.to_string();
    assert!(e.contains("E1005") && e.contains("objective.balance.weight"), "{e}");
    let e = json::parse(&text(r#"{"measure": "fairness", "weight": 1}"#)).unwrap_err();
    assert!(e.to_string().contains("fairness"), "{e}");
}
