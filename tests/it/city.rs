//! City-scale routing: problems above the dense-matrix range, the memory check, and the
//! effort that fits the problem (early stop with a reason).

use rand::{Rng, SeedableRng};
use std::time::Duration;
use stockroute::SolveContext;
use stockroute::routing::{
    self, DENSE_UP_TO, Depot, Locations, Metric, Objective, Problem, RoutingError, SolverConfig,
    Stop, StopReason, VehicleType,
};

/// `n` stops with demand 1..=3 uniformly in a 2,000 x 2,000 square, depot in the middle,
/// capacity 150, rounded Euclidean edges (the Belgium instances' shape).
fn city(n: usize, seed: u64) -> Problem {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let mut points = vec![[1000.0, 1000.0]];
    points.extend((0..n).map(|_| {
        [f64::from(rng.random_range(0..2000u32)), f64::from(rng.random_range(0..2000u32))]
    }));
    Problem {
        profiles: Vec::new(),
        name: format!("city-{n}"),
        locations: Locations::Coordinates { points, metric: Metric::EuclideanRounded },
        depots: vec![Depot { id: "depot".into(), location: 0 }],
        vehicle_types: vec![VehicleType::new("van", n, vec![150])],
        stops: (0..n)
            .map(|i| Stop::new(format!("s{i}"), i + 1, vec![rng.random_range(1..=3)]))
            .collect(),
        objective: Objective::default(),
        shipments: Vec::new(),
    }
}

/// Above the old 6,000-location cap, within a memory limit that two dense matrices would
/// break (8 x 7,001^2 bytes = 374 MB > 64 MB): solved, checked, everyone served.
#[test]
fn seven_thousand_stops_solve_without_a_dense_matrix() {
    let p = city(7000, 1);
    assert!(p.locations.len() > DENSE_UP_TO);
    let config = SolverConfig { memory_limit_mb: 64, ..SolverConfig::default() };
    let ctx = SolveContext::new(0).with_time_limit(Duration::from_secs(3));
    let s = routing::solve(&p, &config, &ctx).unwrap();
    let report = routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", &report.violations[..report.violations.len().min(5)]);
    assert!(s.unserved.is_empty());
    // Demand sums to about 14,000; capacity 150: at least 94 routes, not wildly more.
    let demand: i64 = p.stops.iter().map(|s| s.demand[0]).sum();
    assert!(s.vehicles() as i64 >= demand / 150);
    assert!(s.vehicles() as i64 <= demand / 150 * 2, "{} routes", s.vehicles());
}

#[test]
fn the_memory_check_refuses_before_allocating() {
    let p = city(7000, 2);
    let config = SolverConfig { memory_limit_mb: 1, ..SolverConfig::default() };
    match routing::solve(&p, &config, &SolveContext::new(0)) {
        Err(RoutingError::TooLarge { locations, needed_mb, limit_mb }) => {
            assert_eq!((locations, limit_mb), (7001, 1));
            assert!(needed_mb > 1);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    // A matrix input keeps its dense form: 3,000 locations need 8 x 3,000^2 bytes = 69 MB.
    let n = 3000;
    let row = vec![1.0; n];
    let m = Problem {
        profiles: Vec::new(),
        locations: Locations::Matrix { distance: vec![row.clone(); n], duration: vec![row; n] },
        stops: (1..n).map(|i| Stop::new(format!("s{i}"), i, vec![1])).collect(),
        vehicle_types: vec![VehicleType::new("van", n, vec![150])],
        ..city(0, 0)
    };
    let config = SolverConfig { memory_limit_mb: 50, ..SolverConfig::default() };
    let err = routing::solve(&m, &config, &SolveContext::new(0)).unwrap_err();
    assert!(matches!(err, RoutingError::TooLarge { needed_mb: 69.., .. }), "{err}");
}

#[test]
fn one_stop_is_solved_exactly_without_searching() {
    let p = city(1, 3);
    let ctx = SolveContext::new(0).with_time_limit(Duration::from_secs(30));
    let s = routing::solve(&p, &SolverConfig::default(), &ctx).unwrap();
    assert!(routing::check(&p, &s).is_ok());
    assert_eq!(s.stats.stop_reason, StopReason::Exact);
    assert_eq!(s.stats.iterations, 0);
}

/// A tiny problem with a long time limit stops once the search stalls, far inside the
/// limit, and says so.
#[test]
fn a_tiny_problem_stops_when_the_search_stalls() {
    let p = city(5, 4);
    let ctx = SolveContext::new(0).with_time_limit(Duration::from_secs(60));
    let s = routing::solve(&p, &SolverConfig::default(), &ctx).unwrap();
    assert!(routing::check(&p, &s).is_ok());
    assert_eq!(s.stats.stop_reason, StopReason::Stalled);
    let window = 1000 + 200 * 5 + 20 * 5 * 5;
    assert!(s.stats.iterations >= window && s.stats.iterations < 50 * window);
    assert!(s.stats.seconds < 30.0, "{} s", s.stats.seconds);
    // An iteration budget turns the early stop off (reproducible runs).
    let budget = SolverConfig::default().with_max_iterations(20_000);
    let s = routing::solve(&p, &budget, &SolveContext::new(0)).unwrap();
    assert_eq!((s.stats.stop_reason, s.stats.iterations), (StopReason::Iterations, 20_000));
}

/// Decomposition (2 threads, 2,500 stops, about 35 routes): every stop served once, the
/// plan passes the checker, it is cheaper than the savings start it began from, and the
/// same seed and iteration budget give the same plan.
#[test]
fn two_threads_improve_one_plan_together_deterministically() {
    let p = city(2500, 5);
    let config = SolverConfig::default().with_max_iterations(2000);
    let run = || {
        let ctx = SolveContext::new(3).with_threads(2);
        routing::solve(&p, &config, &ctx).unwrap()
    };
    let (a, b) = (run(), run());
    let report = routing::check(&p, &a);
    assert!(report.is_ok(), "{:?}", &report.violations[..report.violations.len().min(5)]);
    assert!(a.unserved.is_empty());
    assert_eq!(a.cost, b.cost);
    let stops =
        |s: &routing::Solution| s.routes.iter().map(|r| r.stops.clone()).collect::<Vec<_>>();
    assert_eq!(stops(&a), stops(&b));
    // The sub-searches ran: 20 rounds share 2 x 2,000 iterations.
    assert!(a.stats.iterations >= 4000, "{}", a.stats.iterations);
    let start = SolverConfig { max_iterations: Some(0), ..config.clone() };
    let first = routing::solve(&p, &start, &SolveContext::new(3)).unwrap();
    assert!(a.cost < first.cost, "{} vs the start's {}", a.cost, first.cost);
}

/// SWAP* switched on (issue 20; off by default) on 3,500 stops, above the dense range so the
/// sectors have coordinates: in both modes the plan passes the checker, serves everyone,
/// beats the start it began from, and is the same for the same seed and iteration budget.
#[test]
fn r20_swap_star_plans_pass_the_checker_and_are_reproducible() {
    use stockroute::routing::search::SwapStarUse;
    let p = city(3500, 6);
    assert!(p.locations.len() > DENSE_UP_TO);
    let start = SolverConfig { max_iterations: Some(0), ..SolverConfig::default() };
    let first = routing::solve(&p, &start, &SolveContext::new(1)).unwrap();
    for mode in [SwapStarUse::NewBest, SwapStarUse::EveryIteration] {
        let config = SolverConfig {
            swap_star: mode,
            swap_star_near: 10,
            ..SolverConfig::default().with_max_iterations(300)
        };
        let run = || routing::solve(&p, &config, &SolveContext::new(1)).unwrap();
        let (a, b) = (run(), run());
        let report = routing::check(&p, &a);
        assert!(report.is_ok(), "{:?}", &report.violations[..report.violations.len().min(5)]);
        assert!(a.unserved.is_empty());
        assert!(a.cost < first.cost, "{mode:?}: {} vs the start's {}", a.cost, first.cost);
        assert_eq!(a.cost, b.cost, "{mode:?}");
    }
}
