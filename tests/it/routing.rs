//! Routing end to end: real benchmark files, the solver, the independent checker, the CLI.

use std::path::PathBuf;
use std::process::Command;
use stockroute::SolveContext;
use stockroute::routing::formats::{json, lilim, solomon, vrplib};
use stockroute::routing::{
    self, Depot, Locations, Metric, Objective, Problem, Route, Solution, SolveStats, SolverConfig,
    Stop, TimeWindow, UnservedReason, VehicleType,
};

/// The small benchmark copies under `data/routing/` (sources in its README).
fn bench_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/routing").join(name)
}

fn bks(name: &str) -> f64 {
    let text = std::fs::read_to_string(bench_file("bks.csv")).unwrap();
    let row = text.lines().find(|l| l.starts_with(&format!("{name},"))).unwrap();
    row.split(',').nth(2).unwrap().parse().unwrap()
}

fn solve_iters(p: &Problem, iterations: u64, seed: u64) -> Solution {
    let config = SolverConfig::default().with_max_iterations(iterations);
    routing::solve(p, &config, &SolveContext::new(seed)).unwrap()
}

#[test]
fn best_known_cvrp_solution_passes_the_checker_at_its_published_cost() {
    for name in ["A-n32-k5", "X-n101-k25"] {
        let p = vrplib::read(&bench_file(&format!("{name}.vrp"))).unwrap();
        let text = std::fs::read_to_string(bench_file(&format!("{name}.sol"))).unwrap();
        let routes = vrplib::parse_sol(&text).unwrap();
        let mut s = Solution {
            routes: routes
                .into_iter()
                .enumerate()
                .map(|(k, stops)| Route {
                    vehicle_type: 0,
                    vehicle: k,
                    stops,
                    distance: 0.0,
                    duration: 0.0,
                    breaks: Vec::new(),
                    reloads: Vec::new(),
                })
                .collect(),
            unserved: vec![],
            cost: 0.0,
            unserved_penalty: 0.0,
            distance: 0.0,
            stats: SolveStats::default(),
        };
        let report = routing::check(&p, &s);
        s.cost = report.cost;
        s.distance = report.distance;
        assert!(routing::check(&p, &s).is_ok(), "{name}: {:?}", routing::check(&p, &s));
        assert_eq!(report.cost, bks(name), "{name}");
    }
}

#[test]
fn solver_gets_close_to_the_optimum_on_a_small_cvrp() {
    let p = vrplib::read(&bench_file("A-n32-k5.vrp")).unwrap();
    let s = solve_iters(&p, 20_000, 1);
    let report = routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    let gap = s.cost / bks("A-n32-k5") - 1.0;
    assert!(gap <= 0.02, "gap {gap}");
}

#[test]
fn solver_finds_the_best_known_fleet_on_c101() {
    let p = solomon::read(&bench_file("C101.txt")).unwrap();
    let s = solve_iters(&p, 5_000, 3);
    let report = routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    assert_eq!(s.vehicles(), 10);
    assert!(s.distance <= bks("C101") * 1.02, "distance {}", s.distance);
}

#[test]
fn same_seed_and_iteration_budget_give_the_same_solution() {
    let p = vrplib::read(&bench_file("A-n60-k9.vrp")).unwrap();
    let a = solve_iters(&p, 3_000, 11);
    let b = solve_iters(&p, 3_000, 11);
    assert_eq!(a.routes, b.routes);
    assert_eq!(a.cost, b.cost);
}

#[test]
fn zero_time_limit_still_returns_a_checked_plan() {
    let p = solomon::read(&bench_file("R101.txt")).unwrap();
    let ctx = SolveContext::new(0).with_time_limit(std::time::Duration::ZERO);
    let s = routing::solve(&p, &SolverConfig::default(), &ctx).unwrap();
    assert!(routing::check(&p, &s).is_ok());
    assert!(s.unserved.is_empty());
}

/// One vehicle of capacity 10 from a depot at 0; stops chosen to hit each reason.
fn reasons_problem() -> Problem {
    let inf = f64::INFINITY;
    let d = vec![
        vec![0.0, 1.0, 1.0, inf, 1.0, 1.0],
        vec![1.0, 0.0, 1.0, inf, 1.0, 1.0],
        vec![1.0, 1.0, 0.0, inf, 1.0, 1.0],
        vec![inf, inf, inf, 0.0, inf, inf],
        vec![1.0, 1.0, 1.0, inf, 0.0, 1.0],
        vec![1.0, 1.0, 1.0, inf, 1.0, 0.0],
    ];
    let mut late = Stop::new("late", 4, vec![1]);
    late.time_window = TimeWindow { start: 200.0, end: 210.0 };
    let mut vehicle = VehicleType::new("van", 1, vec![10]);
    vehicle.shift = TimeWindow { start: 0.0, end: 100.0 };
    Problem {
        profiles: Vec::new(),
        name: "reasons".into(),
        locations: Locations::Matrix { distance: d.clone(), duration: d },
        depots: vec![Depot { id: "D".into(), location: 0 }],
        vehicle_types: vec![vehicle],
        stops: vec![
            Stop::new("ok", 1, vec![6]),
            Stop::new("heavy", 2, vec![11]),
            Stop::new("island", 3, vec![1]),
            late,
            Stop::new("no-room", 5, vec![6]),
        ],
        objective: Objective::default(),
        shipments: Vec::new(),
    }
}

#[test]
fn unserved_stops_carry_the_right_reason() {
    let p = reasons_problem();
    let s = solve_iters(&p, 200, 0);
    assert!(routing::check(&p, &s).is_ok(), "{:?}", routing::check(&p, &s));
    let reasons: Vec<(usize, UnservedReason)> =
        s.unserved.iter().map(|u| (u.stop, u.reason)).collect();
    assert_eq!(s.vehicles(), 1);
    assert!(reasons.contains(&(1, UnservedReason::Capacity)), "{reasons:?}");
    assert!(reasons.contains(&(2, UnservedReason::Unreachable)), "{reasons:?}");
    assert!(reasons.contains(&(3, UnservedReason::TimeWindow)), "{reasons:?}");
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons.iter().any(|r| r.1 == UnservedReason::NoVehicle), "{reasons:?}");
}

#[test]
fn several_depots_and_a_mixed_fleet_are_respected() {
    let points: Vec<[f64; 2]> =
        (0..30).map(|i| [f64::from(i % 6) * 10.0, f64::from(i / 6) * 10.0]).collect();
    let mut small = VehicleType::new("small", 3, vec![15, 2]);
    small.fixed_cost = 5.0;
    let mut big = VehicleType::new("big", 2, vec![40, 5]);
    (big.start_depot, big.end_depot, big.cost_per_time) = (1, Some(1), 0.5);
    big.fixed_cost = 30.0;
    let stops = (2..30)
        .map(|i| {
            let mut s = Stop::new(format!("s{i}"), i, vec![(i % 7) as i64 + 1, (i % 2) as i64]);
            s.service_time = 2.0;
            s
        })
        .collect();
    let p = Problem {
        profiles: Vec::new(),
        name: "mixed".into(),
        locations: Locations::Coordinates { points, metric: Metric::Euclidean },
        depots: vec![Depot { id: "A".into(), location: 0 }, Depot { id: "B".into(), location: 29 }],
        vehicle_types: vec![small, big],
        stops,
        objective: Objective::default(),
        shipments: Vec::new(),
    };
    let s = solve_iters(&p, 2_000, 5);
    let report = routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    assert!((report.cost - s.cost).abs() < 1e-6);
}

#[test]
fn json_requests_round_trip_through_the_solver() {
    let text = r#"{
      "name": "json-demo",
      "locations": {"coordinates": [[0,0],[0,10],[10,0],[10,10],[5,5]]},
      "depots": [{"id": "D", "location": 0}],
      "vehicles": [{"id": "van", "count": 2, "capacity": [10], "start_depot": "D",
                    "shift": {"start": 0, "end": 100}}],
      "stops": [
        {"id": "a", "location": 1, "demand": [5], "time_window": {"start": 0, "end": 30}},
        {"id": "b", "location": 2, "demand": [5]},
        {"id": "c", "location": 3, "demand": [5], "service_time": 3},
        {"id": "d", "location": 4, "demand": [5]}
      ],
      "time_limit_s": 1.5, "seed": 9
    }"#;
    let req = json::parse(text).unwrap();
    assert_eq!(req.time_limit_s, Some(1.5));
    let s = solve_iters(&req.problem, 500, req.seed.unwrap());
    assert!(routing::check(&req.problem, &s).is_ok());
    let out = json::to_json(&req.problem, &s);
    assert_eq!(out.routes.iter().map(|r| r.stops.len()).sum::<usize>(), 4);
    let bad = text.replace("\"start_depot\": \"D\"", "\"start_depot\": \"X\"");
    let err = json::parse(&bad).unwrap_err();
    assert!(err.to_string().contains("E1007"), "{err}");
}

#[test]
fn route_command_prints_a_summary_and_writes_a_sol_file() {
    let dir = tempfile::tempdir().unwrap();
    let sol = dir.path().join("out.sol");
    let out = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["route", bench_file("A-n32-k5.vrp").to_str().unwrap()])
        .args(["--time-limit-s", "1", "--seed", "4", "--sol", sol.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8(out.stdout).unwrap();
    let summary: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(summary["unserved"], 0);
    let written = std::fs::read_to_string(&sol).unwrap();
    let routes = vrplib::parse_sol(&written).unwrap();
    assert_eq!(routes.len() as u64, summary["routes"].as_u64().unwrap());
    assert_eq!(routes.iter().map(Vec::len).sum::<usize>(), 31);
    let cost_line = written.lines().last().unwrap();
    assert_eq!(cost_line, format!("Cost {}", summary["cost"].as_f64().unwrap() as i64));
}

#[test]
fn route_command_reads_json_with_its_own_limit_and_reports_unserved() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("req.json");
    std::fs::write(
        &file,
        r#"{"locations": {"coordinates": [[0,0],[1,0],[2,0]]},
            "depots": [{"id": "D", "location": 0}],
            "vehicles": [{"id": "bike", "capacity": [3], "start_depot": "D"}],
            "stops": [{"id": "a", "location": 1, "demand": [2]},
                      {"id": "too-big", "location": 2, "demand": [9]}],
            "time_limit_s": 0.5, "seed": 3}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["route", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    assert_eq!(summary["unserved"], 1);
    assert_eq!(summary["routes"], 1);
    assert_eq!(summary["cost"], 2.0);
}

/// Issue 12, item 7c: the strict readers still accept the instances kept in `data/routing`
/// and read all of their nodes (counted from the text, not by the readers). The suite does
/// not depend on the shared benchmark folder for this, so it covers only what `data/` holds.
#[test]
fn r12_every_data_instance_still_parses_with_all_its_nodes() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/routing");
    let mut formats = Vec::new();
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue; // td/: the Dabia files, read by tests/it/td.rs
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let (p, nodes) = match ext.as_str() {
            "vrp" => {
                let dim = text.lines().find_map(|l| l.strip_prefix("DIMENSION")).unwrap();
                let dim: usize = dim.trim_start_matches([' ', ':', '\t']).trim().parse().unwrap();
                (vrplib::read(&path).unwrap(), dim)
            }
            "txt" => {
                // Every numeric line is a node row, except the one `NUMBER CAPACITY` row
                // (Solomon) or `K Q S` header (Li & Lim, whose first line is numeric).
                let rows = text.lines().filter(|l| l.trim().starts_with(char::is_numeric));
                let lilim =
                    text.lines().next().is_some_and(|l| l.trim().starts_with(char::is_numeric));
                let p = if lilim { lilim::read(&path) } else { solomon::read(&path) };
                (p.unwrap(), rows.count() - 1)
            }
            _ => continue,
        };
        assert_eq!(p.stops.len() + p.depots.len(), nodes, "{}", path.display());
        formats.push(ext);
    }
    assert!(formats.iter().any(|f| f == "vrp"), "no VRPLIB instance in {}", data.display());
    assert!(formats.iter().any(|f| f == "txt"), "no Solomon instance in {}", data.display());
}

/// An arc of 536,871 units or more overflowed the x1000 fixed point and was reported
/// unreachable with `feasible: true`; now the scale comes from the data, and an arc too long
/// for any scale is a clear error.
#[test]
fn r12_long_arcs_are_served_not_called_unreachable() {
    for (far, metric) in
        [(536_871.0, "euclidean"), (2.0e8, "euclidean"), (536_871.0, "euclidean_rounded")]
    {
        let text = format!(
            r#"{{"locations": {{"coordinates": [[0,0],[{far},0],[0,{far}]], "metric": "{metric}"}},
                "depots": [{{"id": "D", "location": 0}}],
                "vehicles": [{{"id": "van", "count": 1, "capacity": [10], "start_depot": "D"}}],
                "stops": [{{"id": "a", "location": 1, "demand": [1]}},
                          {{"id": "b", "location": 2, "demand": [1]}}]}}"#
        );
        let req = json::parse(&text).unwrap();
        let s = solve_iters(&req.problem, 50, 1);
        assert!(s.unserved.is_empty(), "{far} {metric}: {:?}", s.unserved);
        let report = routing::check(&req.problem, &s);
        assert!(report.is_ok(), "{:?}", report.violations);
        let exact = 2.0 * far + far * std::f64::consts::SQRT_2;
        assert!(
            (s.distance - exact).abs() <= 1e-6 * exact + 2.0,
            "{far}: {} vs {exact}",
            s.distance
        );
    }
    let text = r#"{"locations": {"coordinates": [[0,0],[1e9,0]]},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "count": 1, "capacity": [10], "start_depot": "D"}],
        "stops": [{"id": "a", "location": 1, "demand": [1]}]}"#;
    let req = json::parse(text).unwrap();
    let config = SolverConfig::default().with_max_iterations(10);
    let err = routing::solve(&req.problem, &config, &SolveContext::new(0)).unwrap_err();
    assert!(matches!(err, routing::RoutingError::ArcTooLong { .. }), "{err}");
    assert!(err.to_string().contains("larger unit"), "{err}");
}

/// Issue 13: a VRPTW in the ORTEC layout (explicit asymmetric matrix, service times, time
/// windows, the depot's window as the shift; `data/routing/tw-explicit-n12.vrp`, hand-made)
/// is read, solved and passes the checker, whose cost is the matrix's total duration.
#[test]
fn r13_an_explicit_vrptw_is_read_solved_and_checked() {
    let p = vrplib::read(&bench_file("tw-explicit-n12.vrp")).unwrap();
    let Locations::Matrix { distance, duration } = &p.locations else { panic!("a matrix") };
    assert_eq!(distance, duration);
    assert!((0..13).any(|i| (0..13).any(|j| distance[i][j] != distance[j][i])), "asymmetric");
    assert_eq!(p.vehicle_types[0].shift, TimeWindow { start: 0.0, end: 600.0 });
    assert!(p.stops.iter().all(|s| s.time_window.end.is_finite() && s.service_time > 0.0));
    let s = solve_iters(&p, 3000, 1);
    assert!(s.unserved.is_empty(), "{:?}", s.unserved);
    let report = routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    let driven: f64 = s
        .routes
        .iter()
        .map(|r| {
            let nodes: Vec<usize> = std::iter::once(0)
                .chain(r.stops.iter().map(|&i| p.stops[i].location))
                .chain(std::iter::once(0))
                .collect();
            nodes.windows(2).map(|w| distance[w[0]][w[1]]).sum::<f64>()
        })
        .sum();
    assert_eq!(s.cost, driven, "the cost is the driving duration, waiting and service excluded");
    // PyVRP 0.14.1 finds 475 with 3 routes (data/routing/README.md).
    assert!(s.cost <= 475.0, "{}", s.cost);
}

/// Issue 13: `route --format vrplib` on an explicit VRPTW writes a `.sol` whose customers
/// are numbered node - 1 and whose `Cost` is the instance's objective.
#[test]
fn r13_route_command_writes_the_sol_of_an_explicit_vrptw() {
    let dir = tempfile::tempdir().unwrap();
    let sol = dir.path().join("out.sol");
    let file = bench_file("tw-explicit-n12.vrp");
    let out = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["route", file.to_str().unwrap(), "--format", "vrplib"])
        .args(["--time-limit-s", "1", "--max-iterations", "2000", "--sol", sol.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    assert_eq!(summary["feasible"], true);
    let written = std::fs::read_to_string(&sol).unwrap();
    let p = vrplib::read(&file).unwrap();
    let routes = vrplib::parse_sol(&written).unwrap();
    let mut customers: Vec<usize> = routes.iter().flatten().map(|&c| c + 1).collect();
    customers.sort_unstable();
    assert_eq!(customers, (1..=12).collect::<Vec<_>>(), "customers 1..n = node - 1");
    // Recompute the cost from the file's numbering: customer c is node c + 1, row c.
    let Locations::Matrix { distance, .. } = &p.locations else { panic!("a matrix") };
    let cost: f64 = routes
        .iter()
        .map(|r| {
            let rows: Vec<usize> = std::iter::once(0).chain(r.iter().map(|&c| c + 1)).collect();
            let back = distance[*rows.last().unwrap()][0];
            rows.windows(2).map(|w| distance[w[0]][w[1]]).sum::<f64>() + back
        })
        .sum();
    assert_eq!(written.lines().last().unwrap(), format!("Cost {}", cost as i64));
    assert_eq!(summary["cost"].as_f64().unwrap(), cost);
}

/// Issue 13 through the service's JSON: skills, several windows, route limits and prizes
/// are read, honoured by the solver and confirmed by the checker; each field does what it
/// says on a problem small enough to know the answer.
#[test]
fn r13_skills_windows_limits_and_prizes_from_json() {
    let text = r#"{
      "locations": {"coordinates": [[0,0],[0,10],[10,0],[10,10],[0,20],[500,500]]},
      "depots": [{"id": "D", "location": 0}],
      "vehicles": [
        {"id": "van", "count": 3, "capacity": [10], "start_depot": "D", "max_stops": 2},
        {"id": "fridge", "count": 1, "capacity": [10], "start_depot": "D",
         "skills": ["cold"], "max_distance": 60}
      ],
      "stops": [
        {"id": "cold", "location": 1, "demand": [1], "skills": ["cold"]},
        {"id": "gap", "location": 2, "demand": [1],
         "time_windows": [{"start": 0, "end": 5}, {"start": 40, "end": 50}]},
        {"id": "c", "location": 3, "demand": [1]},
        {"id": "d", "location": 4, "demand": [1]},
        {"id": "far-cheap", "location": 5, "demand": [1], "prize": 10}
      ]
    }"#;
    let p = json::parse(text).unwrap().problem;
    let s = solve_iters(&p, 2_000, 3);
    let report = routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    let route_of = |stop: usize| s.routes.iter().find(|r| r.stops.contains(&stop));
    assert_eq!(route_of(0).unwrap().vehicle_type, 1, "only the fridge has the skill");
    assert!(s.routes.iter().all(|r| r.vehicle_type == 1 || r.stops.len() <= 2));
    assert!(s.routes.iter().filter(|r| r.vehicle_type == 1).all(|r| r.distance <= 60.0));
    // The second window: 10 away, the first window has closed unless it comes first.
    let gap = route_of(1).unwrap();
    let at = gap.stops.iter().position(|&x| x == 1).unwrap();
    let start = gap.schedule(&p)[at].start;
    assert!(start <= 5.0 || (40.0..=50.0).contains(&start), "{start}");
    // 1,414 away and worth 10: left out as optional; worth 10,000 it is served.
    assert_eq!(s.unserved.len(), 1);
    assert_eq!((s.unserved[0].stop, s.unserved[0].reason), (4, UnservedReason::Optional));
    let rich = json::parse(&text.replace("\"prize\": 10", "\"prize\": 10000")).unwrap().problem;
    let s = solve_iters(&rich, 2_000, 3);
    assert!(routing::check(&rich, &s).is_ok());
    assert!(s.unserved.is_empty(), "{:?}", s.unserved);
    // A skill no vehicle has: unserved with that reason.
    let rare =
        json::parse(&text.replace("\"skills\": [\"cold\"]}", "\"skills\": [\"heat\"]}")).unwrap();
    let s = solve_iters(&rare.problem, 500, 3);
    assert!(s.unserved.iter().any(|u| (u.stop, u.reason) == (0, UnservedReason::Skills)));
    // Coded errors: two names for one thing, windows out of order.
    let both = text.replace("\"prize\": 10", "\"prize\": 10, \"unserved_penalty\": 3");
    let err = json::parse(&both).unwrap_err().to_string();
    assert!(err.contains("E1013") && err.contains("stops[4].prize"), "{err}");
    let unsorted = text.replace("\"start\": 40, \"end\": 50", "\"start\": 2, \"end\": 50");
    let err = json::parse(&unsorted).unwrap_err().to_string();
    assert!(err.contains("E1012") && err.contains("stops[1].extra_windows[0]"), "{err}");
}

/// Issue 13: the checker reports each new kind of violation.
#[test]
fn r13_the_checker_reports_skills_limits_and_missed_windows() {
    let mut p = reasons_problem();
    p.stops.truncate(2);
    p.stops[1].demand = vec![1];
    p.stops[1].skills = vec!["cold".into()];
    p.stops[0].time_window = TimeWindow { start: 0.0, end: 0.5 };
    p.stops[0].extra_windows = vec![TimeWindow { start: 5.0, end: 6.0 }];
    p.vehicle_types[0].max_stops = Some(1);
    p.vehicle_types[0].max_distance = Some(2.5);
    let route = Route {
        vehicle_type: 0,
        vehicle: 0,
        stops: vec![0, 1],
        distance: 3.0,
        duration: 0.0,
        breaks: Vec::new(),
        reloads: Vec::new(),
    };
    let s = Solution {
        routes: vec![route],
        unserved: vec![],
        cost: 3.0,
        unserved_penalty: 0.0,
        distance: 3.0,
        stats: SolveStats::default(),
    };
    let v = routing::check(&p, &s).violations;
    use routing::CheckViolation as V;
    assert!(v.iter().any(|x| matches!(x, V::Skill { stop: 1, .. })), "{v:?}");
    assert!(v.iter().any(|x| matches!(x, V::MaxStops { stops: 2, max: 1, .. })), "{v:?}");
    assert!(v.iter().any(|x| matches!(x, V::MaxDistance { .. })), "{v:?}");
    // Arriving at 1, between the windows: service waits for the second one, no violation.
    assert!(!v.iter().any(|x| matches!(x, V::TimeWindow { .. })), "{v:?}");
    assert_eq!(s.routes[0].schedule(&p)[0].start, 5.0);
    p.stops[0].extra_windows.clear();
    let v = routing::check(&p, &s).violations;
    assert!(v.iter().any(|x| matches!(x, V::TimeWindow { stop: 0, .. })), "{v:?}");
}

/// Issue 13: driver breaks on Solomon C101 (horizon 0-1236): every van takes a 60-unit
/// break starting between 300 and 500, each route states it and passes the checker, and
/// the routes last longer by at least the break where it cannot be spent waiting.
#[test]
fn r13_every_van_takes_its_break_on_c101() {
    let plain = solomon::read(&bench_file("C101.txt")).unwrap();
    let mut p = plain.clone();
    let lunch = routing::Break::new("lunch", TimeWindow { start: 300.0, end: 500.0 }, 60.0);
    p.vehicle_types[0].breaks = vec![lunch];
    let s = solve_iters(&p, 3_000, 1);
    let report = routing::check(&p, &s);
    assert!(report.is_ok(), "{:?}", report.violations);
    assert!(s.unserved.is_empty(), "{:?}", s.unserved);
    for r in &s.routes {
        assert_eq!(r.breaks.len(), 1, "{r:?}");
        let b = r.breaks[0];
        assert!((300.0..=500.0).contains(&b.start), "{b:?}");
        // Never during a service: the stop before it is done, the one after not begun.
        let visits = r.schedule(&p);
        if b.after > 0 {
            assert!(visits[b.after - 1].departure <= b.start + 1e-9, "{b:?} {visits:?}");
        }
        if let Some(next) = visits.get(b.after) {
            assert!(next.start >= b.start + 60.0 - 1e-9, "{b:?} {next:?}");
        }
    }
    // The same plan without the breaks is shorter or equal route by route.
    let mut bare = s.clone();
    bare.routes.iter_mut().for_each(|r| r.breaks.clear());
    let unbroken = routing::check(&plain, &bare);
    assert!(unbroken.is_ok(), "{:?}", unbroken.violations);
    // Breaks JSON in, breaks JSON out; a break that cannot fit the shift is coded E1016.
    let text = r#"{
      "locations": {"coordinates": [[0,0],[0,10],[10,0]]},
      "depots": [{"id": "D", "location": 0}],
      "vehicles": [{"id": "van", "capacity": [10], "start_depot": "D",
        "shift": {"start": 0, "end": 100},
        "breaks": [{"id": "lunch", "windows": [{"start": 12, "end": 15}], "duration": 5}]}],
      "stops": [{"id": "a", "location": 1, "demand": [1], "service_time": 2},
                {"id": "b", "location": 2, "demand": [1], "service_time": 2}]
    }"#;
    let p = json::parse(text).unwrap().problem;
    let s = solve_iters(&p, 500, 1);
    assert!(routing::check(&p, &s).is_ok());
    let out = serde_json::to_value(json::to_json(&p, &s)).unwrap();
    let b = &out["routes"][0]["breaks"][0];
    assert_eq!(
        (b["id"].as_str(), b["after"].as_u64(), b["duration"].as_f64()),
        (Some("lunch"), Some(1), Some(5.0)),
        "{out}"
    );
    // 10 out, 2 serving, the break (12-17) on the 14.14 to the next, 2 serving, 10 back.
    assert!((out["routes"][0]["duration"].as_f64().unwrap() - 43.142).abs() < 1e-3, "{out}");
    let clash = text.replace("\"end\": 100", "\"end\": 16");
    let err = json::parse(&clash).unwrap_err().to_string();
    assert!(err.contains("E1016") && err.contains("vehicles[0].breaks"), "{err}");
}

/// A required stop whose window opens late, with a cost per time: serving it means waiting
/// (10,000 time units at 1 per unit), which the automatic penalty of an unserved stop must
/// exceed, or the search drops a stop it was told is required.
#[test]
fn a_required_stop_is_served_even_when_waiting_for_it_costs_more_than_driving() {
    let mut late = Stop::new("late", 1, vec![1]);
    late.time_window = TimeWindow { start: 10_000.0, end: 10_100.0 };
    let mut van = VehicleType::new("van", 1, vec![5]);
    (van.cost_per_time, van.shift) = (1.0, TimeWindow { start: 0.0, end: 20_000.0 });
    let p = Problem {
        profiles: Vec::new(),
        name: "wait".into(),
        locations: Locations::Coordinates {
            points: vec![[0.0, 0.0], [10.0, 0.0]],
            metric: Metric::EuclideanRounded,
        },
        depots: vec![Depot { id: "D".into(), location: 0 }],
        vehicle_types: vec![van],
        stops: vec![late],
        objective: Objective::default(),
        shipments: Vec::new(),
    };
    let s = solve_iters(&p, 200, 1);
    assert!(routing::check(&p, &s).is_ok());
    assert!(s.unserved.is_empty(), "{:?}", s.unserved);
    assert_eq!(s.routes[0].schedule(&p)[0].start, 10_000.0);
}
