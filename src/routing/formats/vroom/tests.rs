//! The VROOM format: every supported key mapped, every refused key named, answers in
//! VROOM's shape that the checker accepts, and plan mode's violations.

use super::map::map;
use super::output::{VroomOutput, VroomTimes, answer};
use super::*;
use crate::context::SolveContext;
use crate::routing::model::{Locations, TimeWindow};
use crate::routing::{SolverConfig, solve_checked};
use serde_json::json;

fn input(v: serde_json::Value) -> VroomInput {
    parse(&v.to_string()).unwrap()
}

fn paths(e: RoutingError) -> Vec<(String, String)> {
    let RoutingError::Invalid(issues) = e else { panic!("not invalid: {e}") };
    issues.iter().map(|i| (i.code.to_string(), i.location.to_string())).collect()
}

fn matrices(n: usize) -> serde_json::Value {
    let d: Vec<Vec<u64>> =
        (0..n).map(|a| (0..n).map(|b| 100 * (a as u64).abs_diff(b as u64)).collect()).collect();
    let m: Vec<Vec<u64>> = d.iter().map(|r| r.iter().map(|x| x * 10).collect()).collect();
    json!({"car": {"durations": d, "distances": m}})
}

fn data(name: &str) -> String {
    let path = format!("{}/data/vroom/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

/// A problem that uses every supported key.
fn full() -> serde_json::Value {
    json!({
        "vehicles": [{
            "id": 4, "profile": "car", "description": "van", "start_index": 0, "end_index": 5,
            "capacity": [10, 4], "costs": {"fixed": 500, "per_hour": 1800, "per_km": 2},
            "skills": [3, 8], "type": "van", "time_window": [1000, 90000], "speed_factor": 1.0,
            "max_tasks": 6, "max_distance": 80000
        }, {"id": 9, "start_index": 5, "end_index": 5, "capacity": [5, 5]}],
        "jobs": [{
            "id": 1, "description": "shop", "location_index": 1, "setup": 0, "service": 120,
            "delivery": [2, 1], "pickup": [0, 0], "skills": [3], "priority": 5,
            "time_windows": [[5000, 6000], [2000, 3000], [2500, 4000]]
        }, {"id": 2, "location_index": 2, "priority": 5}],
        "shipments": [{
            "amount": [3, 0], "skills": [8], "priority": 5,
            "pickup": {"id": 1, "location_index": 3, "service": 30, "time_windows": [[0, 7000]]},
            "delivery": {"id": 1, "location_index": 4, "service": 40, "description": "home"}
        }],
        "matrices": matrices(6)
    })
}

#[test]
fn every_supported_key_is_mapped_onto_the_model() {
    let m = map(&input(full()), Mode::Solve, None).unwrap();
    let p = &m.problem;
    assert_eq!(p.stops.len(), 4);
    let job = &p.stops[0];
    assert_eq!((job.id.as_str(), job.location, job.service_time), ("job-1", 1, 120.0));
    assert_eq!(job.demand, [2, 1]);
    assert_eq!(job.skills, ["3".into()]);
    // Sorted, the overlapping two merged.
    assert_eq!(job.time_window, TimeWindow { start: 2000.0, end: 4000.0 });
    assert_eq!(job.extra_windows, [TimeWindow { start: 5000.0, end: 6000.0 }]);
    assert_eq!(p.stops[1].demand, [0, 0]);
    assert_eq!(p.stops[1].time_window, TimeWindow::ALWAYS);
    let (pickup, delivery) = (&p.stops[2], &p.stops[3]);
    assert_eq!((pickup.id.as_str(), delivery.id.as_str()), ("pickup-1", "delivery-1"));
    assert_eq!((pickup.demand.clone(), delivery.demand.clone()), (vec![3, 0], vec![3, 0]));
    assert_eq!((pickup.service_time, delivery.service_time), (30.0, 40.0));
    assert_eq!(delivery.skills, ["8".into()]);
    assert_eq!(p.shipments.len(), 1);
    assert_eq!((p.shipments[0].pickup, p.shipments[0].delivery), (2, 3));
    let van = &p.vehicle_types[0];
    assert_eq!((van.count, van.capacity.clone()), (1, vec![10, 4]));
    assert_eq!(van.shift, TimeWindow { start: 1000.0, end: 90000.0 });
    assert_eq!((van.fixed_cost, van.cost_per_time, van.cost_per_distance), (500.0, 0.5, 0.002));
    assert_eq!(van.skills, ["3".into(), "8".into()]);
    assert_eq!((van.max_stops, van.max_distance), (Some(6), Some(80000.0)));
    assert_eq!(p.depots[van.start_depot].location, 0);
    assert_eq!(p.end_location(van), Some(5));
    // Without a time window the shift opens at the earliest task window and never closes.
    let other = &p.vehicle_types[1];
    assert_eq!(other.shift, TimeWindow { start: 0.0, end: f64::INFINITY });
    assert_eq!(other.cost_per_time, 1.0);
    assert_eq!(p.depots.len(), 2, "one depot per distinct location");
    let Locations::Matrix { distance, duration } = &p.locations else { panic!() };
    assert_eq!((duration[0][3], distance[0][3]), (300.0, 3000.0));
    assert!(m.distances);
    assert_eq!(m.tasks[3].kind, TaskKind::Delivery);
    assert_eq!(m.tasks[3].description.as_deref(), Some("home"));
    assert_eq!((m.vehicles[0].id, m.vehicles[0].per_hour, m.vehicles[1].per_hour), (4, 1800, 3600));
}

#[test]
fn every_refused_key_is_named_by_its_path_at_once() {
    let refused = json!({
        "matrix": [[0]],
        "vehicles": [{
            "id": 1, "start_index": 0, "breaks": [{"id": 1, "service": 300, "max_load": [1]}],
            "speed_factor": 1.5, "max_travel_time": 3600, "costs": {"per_task_hour": 10},
            "steps": [{"type": "start"}]
        }, {"id": 2, "end_index": 0, "profile": "bike"}],
        "jobs": [{
            "id": 1, "location_index": 1, "setup": 60, "setup_per_type": {"van": 5},
            "service_per_type": {"van": 5}, "amount": [1], "pickup": [1], "priority": 1
        }, {"id": 2, "location_index": 1, "priority": 2}],
        "shipments": [{
            "pickup": {"id": 1, "location_index": 1, "setup": 5, "service_per_type": {}},
            "delivery": {"id": 1, "location_index": 1, "setup_per_type": {}}
        }],
        "matrices": {"car": {"durations": [[0, 1], [1, 0]], "costs": [[0, 1], [1, 0]]}}
    });
    let found = paths(map(&input(refused), Mode::Solve, None).unwrap_err());
    let unsupported: Vec<&str> =
        found.iter().filter(|(c, _)| c == UNSUPPORTED).map(|(_, p)| p.as_str()).collect();
    for path in [
        "matrix",
        "matrices.car.costs",
        "jobs[0].setup",
        "jobs[0].setup_per_type",
        "jobs[0].service_per_type",
        "jobs[0].amount",
        "jobs[1].priority",
        "shipments[0].pickup.setup",
        "shipments[0].pickup.service_per_type",
        "shipments[0].delivery.setup_per_type",
        "vehicles[0].breaks[0].max_load",
        "vehicles[0].max_travel_time",
        "vehicles[0].costs.per_task_hour",
        "vehicles[0].steps",
        "vehicles[1].start",
    ] {
        assert!(unsupported.contains(&path), "{path} not refused: {found:?}");
    }
    assert_eq!(unsupported.len(), 15, "{found:?}");
    // A profile without matrices is an invalid request, not an unsupported one.
    assert!(found.iter().any(|(c, p)| c == INVALID && p == "matrices"), "{found:?}");
    // Plan mode reads `steps` (break steps included), and refuses hard service times in them.
    let plan = json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "breaks": [{"id": 1}], "steps": [
            {"type": "start", "service_after": 5}, {"type": "break", "id": 1},
            {"type": "job", "id": 1, "service_at": 9, "service_before": 10}, {"type": "end"}
        ]}],
        "jobs": [{"id": 1, "location_index": 1}],
        "matrices": {"car": {"durations": [[0, 1], [1, 0]]}}
    });
    let found = paths(map(&input(plan), Mode::Check, None).unwrap_err());
    let expected = [
        "vehicles[0].steps[0].service_after",
        "vehicles[0].steps[2].service_at",
        "vehicles[0].steps[2].service_before",
    ];
    let got: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(got, expected);
}

#[test]
fn unknown_keys_and_wrong_types_are_refused_with_their_path() {
    let e = parse(r#"{"vehicles": [], "jobs": [{"id": 1, "locaton_index": 2}]}"#).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("jobs[0]") && text.contains("locaton_index"), "{text}");
    let e = parse(r#"{"vehicles": [{"id": 1, "capacity": [-1]}]}"#).unwrap_err().to_string();
    assert!(e.contains("vehicles[0].capacity[0]"), "{e}");
    let e = parse(r#"{"vehicles": [{"id": 1, "steps": [{"type": "wait"}]}]}"#).unwrap_err();
    assert!(e.to_string().contains("vehicles[0].steps[0].type"), "{e}");
}

#[test]
fn inconsistent_values_are_named_by_their_vroom_path() {
    let bad = json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 9, "capacity": [4],
                      "time_window": [10, 5]},
                     {"id": 2, "start_index": 0, "end_index": 0}],
        "jobs": [{"id": 1, "location_index": 1, "delivery": [1, 2]},
                 {"id": 1, "time_windows": [[30, 20]], "delivery": [1, 1, 1]},
                 {"id": 3, "location_index": 1, "priority": 101}],
        "matrices": {"car": {"durations": [[0, 1], [1, 0]]}}
    });
    let found = paths(map(&input(bad), Mode::Solve, None).unwrap_err());
    for path in [
        "vehicles[0].end_index",
        "vehicles[0].time_window",
        "vehicles[1].capacity",
        "jobs[0].delivery",
        "jobs[1].delivery",
        "jobs[1].id",
        "jobs[1].location_index",
        "jobs[1].time_windows[0]",
        "jobs[2].priority",
    ] {
        assert!(found.iter().any(|(c, p)| c == INVALID && p == path), "{path}: {found:?}");
    }
    // The model's own rules come back at the VROOM path too.
    let far = json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0}],
        "jobs": [{"id": 1, "location_index": 1, "time_windows": [[0, 10000000000000u64]]}],
        "matrices": {"car": {"durations": [[0, 1], [1, 0]]}}
    });
    let found = paths(map(&input(far), Mode::Solve, None).unwrap_err());
    assert_eq!(found, [("E1004".to_owned(), "jobs[0].time_window".to_owned())]);
    // Without matrices or a road graph the coordinates are refused by name.
    let coords = json!({"vehicles": [{"id": 1, "start": [2.3, 48.8], "end": [2.3, 48.8]}]});
    let found = paths(map(&input(coords), Mode::Solve, None).unwrap_err());
    assert_eq!(found, [(UNSUPPORTED.to_owned(), "vehicles[0].start".to_owned())]);
    // Distances are needed for costs per km and distance limits.
    let no_dist = json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "costs": {"per_km": 1},
                      "max_distance": 5}],
        "matrices": {"car": {"durations": [[0]]}}
    });
    let found = paths(map(&input(no_dist), Mode::Solve, None).unwrap_err());
    let got: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(got, ["vehicles[0].costs.per_km", "vehicles[0].max_distance"]);
}

fn solve(v: serde_json::Value) -> (map::Mapped, VroomOutput, bool) {
    let m = map(&input(v), Mode::Solve, None).unwrap();
    let config = SolverConfig::default().with_max_iterations(300);
    let checked = solve_checked(&m.problem, &config, &SolveContext::new(1)).unwrap();
    let out = answer(&m, &checked.solution, &checked.verdict, VroomTimes::default());
    (m, out, checked.verdict.is_ok())
}

#[test]
fn vroom_docs_example_2_gets_vroom_s_own_answer() {
    let m = map(&parse(&data("example_2.json")).unwrap(), Mode::Solve, None).unwrap();
    let config = SolverConfig::default().with_max_iterations(200);
    let checked = solve_checked(&m.problem, &config, &SolveContext::new(0)).unwrap();
    assert!(checked.verdict.is_ok(), "{:?}", checked.verdict.violations);
    let out = answer(&m, &checked.solution, &checked.verdict, VroomTimes::default());
    // VROOM's docs/example_2_sol.json: cost 5461, one route 0 -> 1414 -> 1515 -> 3.
    assert_eq!((out.code, out.summary.cost, out.summary.duration), (0, 5461, 5461));
    let steps: Vec<(&str, Option<u64>, i64)> =
        out.routes[0].steps.iter().map(|s| (s.step_type.as_str(), s.id, s.arrival)).collect();
    assert_eq!(
        steps,
        [
            ("start", None, 0),
            ("job", Some(1414), 2104),
            ("job", Some(1515), 4359),
            ("end", None, 5461)
        ]
    );
    let json = serde_json::to_value(&out).unwrap();
    assert!(json["summary"].get("distance").is_none(), "no distances were given");
    assert!(json["routes"][0]["steps"][0].get("load").is_none(), "no capacities were given");
}

#[test]
fn r13_a_vehicle_without_end_ends_at_its_last_job_with_no_end_step() {
    // VROOM's docs example 2 without `end_index`: the van serves both jobs and stops at
    // the last one, so its cost is the drive to it (0 -> 1414 -> 1515: 2104 + 2255, or
    // 0 -> 1515 -> 1414: 197 + 2256, which is cheaper), and there is no `end` step.
    let mut v: serde_json::Value = serde_json::from_str(&data("example_2.json")).unwrap();
    v["vehicles"][0].as_object_mut().unwrap().remove("end_index");
    let m = map(&input(v), Mode::Solve, None).unwrap();
    assert_eq!(m.problem.vehicle_types[0].end_depot, None);
    let config = SolverConfig::default().with_max_iterations(200);
    let checked = solve_checked(&m.problem, &config, &SolveContext::new(0)).unwrap();
    assert!(checked.verdict.is_ok(), "{:?}", checked.verdict.violations);
    let out = answer(&m, &checked.solution, &checked.verdict, VroomTimes::default());
    assert_eq!((out.code, out.summary.cost, out.summary.duration), (0, 2453, 2453));
    let steps: Vec<(&str, Option<u64>, i64)> =
        out.routes[0].steps.iter().map(|s| (s.step_type.as_str(), s.id, s.arrival)).collect();
    assert_eq!(steps, [("start", None, 0), ("job", Some(1515), 197), ("job", Some(1414), 2453)]);
    assert_eq!(out.routes[0].duration, 2453);
}

#[test]
fn loads_costs_and_shipments_in_the_answer_follow_vroom() {
    let (m, out, ok) = solve(full());
    assert!(ok);
    assert!(out.unassigned.is_empty(), "{:?}", out.unassigned);
    let mut served = 0;
    for r in &out.routes {
        let v = m.vehicles.iter().find(|v| v.id == r.vehicle).unwrap();
        let last = r.steps.last().unwrap();
        assert_eq!((r.steps[0].step_type.as_str(), last.step_type.as_str()), ("start", "end"));
        assert_eq!(r.duration, last.duration);
        let expected = v.fixed as f64
            + v.per_hour as f64 * r.duration as f64 / 3600.0
            + v.per_km as f64 * r.distance.unwrap() as f64 / 1000.0;
        assert!((r.cost as f64 - expected).abs() <= 1.0, "{} vs {expected}", r.cost);
        // On board at the start: the deliveries of the route's jobs; then each step
        // unloads its delivery and loads its pickup.
        let mut load = vec![0i64; 2];
        for t in r.steps.iter().filter(|x| x.step_type == "job") {
            let task = m.tasks.iter().find(|k| k.kind == TaskKind::Job && Some(k.id) == t.id);
            load.iter_mut().zip(&task.unwrap().delivery).for_each(|(l, d)| *l += d);
        }
        assert_eq!(r.steps[0].load.as_ref(), Some(&load));
        for step in &r.steps[1..r.steps.len() - 1] {
            let kind = match step.step_type.as_str() {
                "job" => TaskKind::Job,
                "pickup" => TaskKind::Pickup,
                _ => TaskKind::Delivery,
            };
            let task = m.tasks.iter().find(|k| k.kind == kind && Some(k.id) == step.id).unwrap();
            for ((l, d), u) in load.iter_mut().zip(&task.delivery).zip(&task.pickup) {
                *l += u - d;
            }
            assert_eq!(step.load.as_ref(), Some(&load));
        }
        let kinds: Vec<&str> = r.steps.iter().map(|s| s.step_type.as_str()).collect();
        if let Some(d) = kinds.iter().position(|k| *k == "delivery") {
            assert!(kinds.iter().position(|k| *k == "pickup").unwrap() < d);
        }
        for w in r.steps.windows(2) {
            assert!(w[1].arrival >= w[0].arrival + w[0].service + w[0].waiting_time);
            assert!(w[1].distance >= w[0].distance);
        }
        served += r.steps.len() - 2;
    }
    assert_eq!(served, 4);
    assert_eq!(out.summary.cost, out.routes.iter().map(|r| r.cost).sum::<i64>());
    assert_eq!(out.summary.priority, 15, "two jobs and one shipment of priority 5");
    assert_eq!(out.summary.delivery, Some(vec![5, 1]));
    assert_eq!(out.summary.pickup, Some(vec![3, 0]));
}

#[test]
fn a_vehicle_leaves_late_rather_than_wait_at_its_first_task() {
    let (_, out, ok) = solve(json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "time_window": [0, 100000]}],
        "jobs": [{"id": 1, "location_index": 1, "service": 10, "time_windows": [[5000, 6000]]}],
        "matrices": matrices(2)
    }));
    assert!(ok);
    let s = &out.routes[0].steps;
    assert_eq!((s[0].arrival, s[1].arrival, s[1].waiting_time), (4900, 5000, 0));
    assert_eq!((s[2].arrival, out.summary.waiting_time, out.summary.duration), (5110, 0, 200));
    // A task no vehicle can serve is unassigned with its type.
    let (_, out, _) = solve(json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "capacity": [1]}],
        "shipments": [{"amount": [2], "pickup": {"id": 5, "location_index": 1},
                       "delivery": {"id": 6, "location_index": 1, "description": "x"}}],
        "matrices": matrices(2)
    }));
    let got: Vec<(u64, &str)> =
        out.unassigned.iter().map(|u| (u.id, u.task_type.as_str())).collect();
    assert_eq!(got, [(5, "pickup"), (6, "delivery")]);
    assert_eq!(out.unassigned[1].description.as_deref(), Some("x"));
}

fn plan(v: serde_json::Value) -> VroomOutput {
    let m = map(&input(v), Mode::Check, None).unwrap();
    let (solution, report) = check_mode::evaluate(&m);
    answer(&m, &solution, &report, VroomTimes::default())
}

#[test]
fn plan_mode_reports_a_late_step_and_the_overload() {
    let out = plan(serde_json::from_str(&data("plan_late.json")).unwrap());
    let r = &out.routes[0];
    let arrivals: Vec<i64> = r.steps.iter().map(|s| s.arrival).collect();
    assert_eq!(arrivals, [0, 100, 260, 420, 780]);
    let late = &r.steps[3];
    assert_eq!(late.id, Some(3));
    assert_eq!(late.violations, [VroomViolation { cause: "delay".into(), duration: Some(120) }]);
    assert_eq!(r.steps[0].violations, [VroomViolation { cause: "load".into(), duration: None }]);
    assert_eq!(r.steps[0].load, Some(vec![4]));
    let causes: Vec<&str> = out.summary.violations.iter().map(|v| v.cause.as_str()).collect();
    assert_eq!(causes, ["load", "delay"]);
    assert!(r.steps[2].violations.is_empty(), "the vehicle has skill 1");
}

use super::output::VroomViolation;

#[test]
fn plan_mode_reports_skills_precedence_max_tasks_and_unassigned() {
    let out = plan(json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "max_tasks": 2,
                      "max_distance": 100,
                      "steps": [{"type": "delivery", "id": 2}, {"type": "job", "id": 1},
                                {"type": "pickup", "id": 2}]}],
        "jobs": [{"id": 1, "location_index": 1, "skills": [4]}, {"id": 9, "location_index": 1}],
        "shipments": [{"pickup": {"id": 2, "location_index": 1},
                       "delivery": {"id": 2, "location_index": 1}}],
        "matrices": matrices(2)
    }));
    let r = &out.routes[0];
    let at = |k: usize| -> Vec<&str> {
        r.steps[k].violations.iter().map(|v| v.cause.as_str()).collect()
    };
    assert_eq!(at(1), ["precedence"]);
    assert_eq!(at(2), ["skills"]);
    assert_eq!(at(3), ["precedence"]);
    let causes: Vec<&str> = r.violations.iter().map(|v| v.cause.as_str()).collect();
    for c in ["precedence", "skills", "max_tasks", "max_distance"] {
        assert!(causes.contains(&c), "{c}: {causes:?}");
    }
    let got: Vec<(u64, &str)> =
        out.unassigned.iter().map(|u| (u.id, u.task_type.as_str())).collect();
    assert_eq!(got, [(9, "job")]);
    // A step naming no task, or a task twice, is refused.
    let found = paths(
        map(
            &input(json!({
                "vehicles": [{"id": 1, "start_index": 0, "end_index": 0,
                              "steps": [{"type": "job", "id": 1}, {"type": "job", "id": 1},
                                        {"type": "job", "id": 5}, {"type": "job"},
                                        {"type": "start"}]}],
                "jobs": [{"id": 1, "location_index": 1}],
                "matrices": matrices(2)
            })),
            Mode::Check,
            None,
        )
        .unwrap_err(),
    );
    let got: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(
        got,
        [
            "vehicles[0].steps[1].id",
            "vehicles[0].steps[2].id",
            "vehicles[0].steps[3].id",
            "vehicles[0].steps[4].type"
        ]
    );
}

#[test]
fn r13_breaks_are_taken_and_answered_as_break_steps() {
    // Jobs 100 s apart on a line, 10 s of service each; a 300 s break between 150 and 250.
    let (m, out, ok) = solve(json!({
        "vehicles": [{"id": 7, "start_index": 0, "end_index": 0, "time_window": [0, 100000],
                      "breaks": [{"id": 3, "time_windows": [[150, 250]], "service": 300,
                                  "description": "lunch"}]}],
        "jobs": [{"id": 1, "location_index": 1, "service": 10},
                 {"id": 2, "location_index": 2, "service": 10}],
        "matrices": matrices(3)
    }));
    assert!(ok, "{:?}", out.summary.violations);
    assert_eq!(m.problem.vehicle_types[0].breaks.len(), 1);
    let s = &out.routes[0].steps;
    let kinds: Vec<&str> = s.iter().map(|x| x.step_type.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "break").count(), 1, "{kinds:?}");
    let b = s.iter().find(|x| x.step_type == "break").unwrap();
    assert_eq!((b.id, b.service, b.description.as_deref()), (Some(3), 300, Some("lunch")));
    assert!((150..=250).contains(&b.arrival), "{b:?}");
    // Travel 400 s, service 20 s, the break 300 s: back at 720 whatever its leg.
    assert_eq!((s.last().unwrap().arrival, out.routes[0].duration), (720, 400));
    assert_eq!(out.routes[0].service, 320);
    for w in s.windows(2) {
        assert!(w[1].arrival >= w[0].arrival + w[0].service + w[0].waiting_time, "{s:?}");
    }
}

#[test]
fn r13_plan_mode_places_break_steps_and_reports_a_missing_or_late_one() {
    let problem = |steps: serde_json::Value| {
        json!({
            "vehicles": [{"id": 1, "start_index": 0, "end_index": 0,
                          "breaks": [{"id": 9, "time_windows": [[0, 150]], "service": 60}],
                          "steps": steps}],
            "jobs": [{"id": 1, "location_index": 1, "service": 10},
                     {"id": 2, "location_index": 2, "service": 10}],
            "matrices": matrices(3)
        })
    };
    let on_time = plan(problem(json!([{"type": "start"}, {"type": "job", "id": 1},
        {"type": "break", "id": 9}, {"type": "job", "id": 2}, {"type": "end"}])));
    assert!(on_time.summary.violations.is_empty(), "{:?}", on_time.summary.violations);
    let arrivals: Vec<i64> = on_time.routes[0].steps.iter().map(|s| s.arrival).collect();
    // The break starts when job 1 is done (110) and is taken on the road to job 2.
    assert_eq!(arrivals, [0, 100, 110, 270, 480]);
    let missing = plan(problem(json!([{"type": "job", "id": 1}, {"type": "job", "id": 2}])));
    let causes: Vec<&str> = missing.summary.violations.iter().map(|v| v.cause.as_str()).collect();
    assert_eq!(causes, ["missing_break"]);
    let late = plan(problem(json!([{"type": "job", "id": 1}, {"type": "job", "id": 2},
        {"type": "break", "id": 9}])));
    assert_eq!(
        late.summary.violations,
        [VroomViolation { cause: "delay".into(), duration: Some(70) }]
    );
    let unknown = map(&input(problem(json!([{"type": "break", "id": 4}]))), Mode::Check, None);
    assert_eq!(paths(unknown.unwrap_err())[0].1, "vehicles[0].steps[0].id");
}

#[test]
fn each_vehicle_drives_its_own_profiles_matrices() {
    let mut m = matrices(3);
    // The bike is 4 times slower and cannot reach location 2.
    let slow: Vec<Vec<u64>> =
        (0..3u64).map(|a| (0..3u64).map(|b| 400 * a.abs_diff(b)).collect()).collect();
    m["bike"] = json!({"durations": slow, "distances": m["car"]["distances"].clone()});
    let problem = json!({
        "vehicles": [
            {"id": 1, "profile": "bike", "start_index": 0, "end_index": 0, "costs": {"fixed": 0}},
            {"id": 2, "profile": "car", "start_index": 0, "end_index": 0, "costs": {"fixed": 1000}}
        ],
        "jobs": [{"id": 1, "location_index": 1}],
        "matrices": m
    });
    let mapped = map(&input(problem), Mode::Solve, None).unwrap();
    let p = &mapped.problem;
    assert_eq!((p.vehicle_types[0].profile, p.vehicle_types[1].profile), (0, 1));
    assert_eq!(p.profiles.len(), 1);
    // Profile 0 is the bike's (first named): its times, 400 s per step.
    assert_eq!(p.locations.duration(0, 1), 400.0);
    assert_eq!(p.profiles[0].duration(0, 1), 100.0);
    let config = SolverConfig::default().with_max_iterations(100);
    let checked = solve_checked(p, &config, &SolveContext::new(1)).unwrap();
    assert!(checked.verdict.is_ok(), "{:?}", checked.verdict.violations);
    // The bike, free of fixed cost, serves the job on its own times.
    let r = &checked.solution.routes[0];
    assert_eq!(r.vehicle_type, 0);
    assert!((r.duration - 800.0).abs() < 1e-9, "{}", r.duration);
}

#[test]
fn a_speed_factor_scales_its_vehicles_travel_times() {
    let problem = json!({
        "vehicles": [
            {"id": 1, "start_index": 0, "end_index": 0, "speed_factor": 2.0},
            {"id": 2, "start_index": 0, "end_index": 0},
            {"id": 3, "start_index": 0, "end_index": 0, "speed_factor": 7}
        ],
        "jobs": [{"id": 1, "location_index": 2}],
        "matrices": matrices(3)
    });
    let found = paths(map(&input(problem.clone()), Mode::Solve, None).unwrap_err());
    assert_eq!(found, [(INVALID.to_string(), "vehicles[2].speed_factor".to_string())]);
    let mut ok = problem;
    ok["vehicles"][2]["speed_factor"] = json!(1.0);
    let p = map(&input(ok), Mode::Solve, None).unwrap().problem;
    // Vehicles 2 and 3 share the plain car travel; vehicle 1 has its own, twice as fast.
    let kinds: Vec<usize> = p.vehicle_types.iter().map(|t| t.profile).collect();
    assert_eq!(kinds, [0, 1, 1]);
    assert_eq!((p.locations.duration(0, 2), p.profiles[0].duration(0, 2)), (100.0, 200.0));
    assert_eq!(p.locations.distance(0, 2), p.profiles[0].distance(0, 2));
}

#[test]
fn a_request_makes_a_few_travels_not_one_per_vehicle() {
    // Nine vehicles, each at its own speed: nine matrices, one more than allowed.
    let vehicles: Vec<serde_json::Value> = (1..=9)
        .map(|i| json!({"id": i, "start_index": 0, "end_index": 0, "speed_factor": 1.0 + f64::from(i) / 10.0}))
        .collect();
    let problem = json!({"vehicles": vehicles, "jobs": [{"id": 1, "location_index": 1}], "matrices": matrices(2)});
    let found = paths(map(&input(problem), Mode::Solve, None).unwrap_err());
    assert!(
        found.contains(&(UNSUPPORTED.to_string(), "vehicles[8].speed_factor".to_string())),
        "{found:?}"
    );
}
