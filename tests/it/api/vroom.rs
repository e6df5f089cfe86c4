//! Issue 13, item 4: `POST /v1/vroom`, VROOM's input and output JSON on the real server.
//! VROOM's own documentation examples (data/vroom, BSD-2-Clause) are answered in VROOM's
//! shape, every route of an answer passes stockroute's checker, each key not supported is
//! a 422 naming it, and plan mode (`?check=true`) reports a late step.

use super::{Server, shared};
use reqwest::StatusCode;
use serde_json::{Value, json};
use stockroute::routing::formats::vroom::{self, Mode, TaskKind};
use stockroute::routing::{Route, Solution, SolveStats, Unserved, UnservedReason, check};

fn example(name: &str) -> Value {
    let text = std::fs::read_to_string(shared(&format!("data/vroom/{name}"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every key VROOM's output documents for a route and a step, in the answer.
fn assert_vroom_shape(answer: &Value) {
    assert_eq!(answer["code"], 0, "{answer}");
    for key in
        ["cost", "routes", "unassigned", "setup", "service", "duration", "waiting_time", "priority"]
    {
        assert!(answer["summary"][key].is_i64() || answer["summary"][key].is_u64(), "{key}");
    }
    assert!(answer["summary"]["violations"].is_array());
    assert!(answer["unassigned"].is_array());
    for r in answer["routes"].as_array().unwrap() {
        for key in ["vehicle", "cost", "setup", "service", "duration", "waiting_time", "priority"] {
            assert!(r[key].is_number(), "route {key}: {r}");
        }
        let steps = r["steps"].as_array().unwrap();
        assert_eq!(steps.first().unwrap()["type"], "start");
        assert_eq!(steps.last().unwrap()["type"], "end");
        for s in steps {
            for key in ["arrival", "duration", "setup", "service", "waiting_time"] {
                assert!(s[key].is_number(), "step {key}: {s}");
            }
            assert!(s["violations"].is_array());
            let kind = s["type"].as_str().unwrap();
            assert!(["start", "job", "pickup", "delivery", "end"].contains(&kind), "{s}");
            assert_eq!(s["id"].is_u64(), !["start", "end"].contains(&kind), "{s}");
        }
    }
}

/// The answer's routes, read back as a stockroute solution of the mapped problem, pass
/// the independent checker.
fn assert_checker_accepts(input: &Value, answer: &Value) {
    let parsed = vroom::parse(&input.to_string()).unwrap();
    let mapped = vroom::map::map(&parsed, Mode::Solve, None).unwrap();
    let stop = |kind: &str, id: u64| {
        let kind = match kind {
            "job" => TaskKind::Job,
            "pickup" => TaskKind::Pickup,
            _ => TaskKind::Delivery,
        };
        mapped.tasks.iter().position(|t| t.kind == kind && t.id == id).unwrap()
    };
    let mut routes = Vec::new();
    let mut served = vec![false; mapped.tasks.len()];
    for r in answer["routes"].as_array().unwrap() {
        let vehicle_type =
            mapped.vehicles.iter().position(|v| v.id == r["vehicle"].as_u64().unwrap()).unwrap();
        let stops: Vec<usize> = r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["id"].is_u64())
            .map(|s| stop(s["type"].as_str().unwrap(), s["id"].as_u64().unwrap()))
            .collect();
        stops.iter().for_each(|&s| served[s] = true);
        routes.push(Route {
            vehicle_type,
            vehicle: 0,
            stops,
            distance: 0.0,
            duration: 0.0,
            breaks: Vec::new(),
            reloads: Vec::new(),
        });
    }
    let unserved = (0..served.len())
        .filter(|&s| !served[s])
        .map(|stop| Unserved { stop, reason: UnservedReason::NoVehicle })
        .collect();
    let solution = Solution {
        routes,
        unserved,
        cost: 0.0,
        unserved_penalty: 0.0,
        distance: 0.0,
        stats: SolveStats::default(),
    };
    let report = check(&mapped.problem, &solution);
    let real: Vec<_> = report
        .violations
        .iter()
        .filter(|v| !matches!(v, stockroute::routing::CheckViolation::Cost { .. }))
        .collect();
    assert!(real.is_empty(), "{real:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_vroom_docs_example_2_gets_vroom_s_answer_through_the_server() {
    let server = Server::fresh(|c| c).await;
    let input = example("example_2.json");
    let (status, answer) = server.post("/v1/vroom?max_iterations=200", &input).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_vroom_shape(&answer);
    assert_checker_accepts(&input, &answer);
    // VROOM's docs/example_2_sol.json: cost 5461, 0 -> 1414 -> 1515 -> 3.
    assert_eq!(answer["summary"]["cost"], 5461, "{answer}");
    let steps: Vec<(Value, Value)> = answer["routes"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].clone(), s["arrival"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!(0)),
            (json!(1414), json!(2104)),
            (json!(1515), json!(4359)),
            (Value::Null, json!(5461))
        ]
    );
    // A problem with shipments, capacities, skills and windows: VROOM's shape, checked.
    let input = json!({
        "vehicles": [
            {"id": 1, "start_index": 0, "end_index": 0, "capacity": [4], "skills": [1],
             "time_window": [0, 20000], "max_tasks": 6},
            {"id": 2, "start_index": 0, "end_index": 0, "capacity": [4],
             "costs": {"fixed": 1000, "per_km": 1}}
        ],
        "jobs": [
            {"id": 1, "location_index": 1, "delivery": [2], "service": 300, "skills": [1]},
            {"id": 2, "location_index": 2, "delivery": [2], "time_windows": [[4000, 5000]]},
            {"id": 3, "location_index": 3, "delivery": [1]}
        ],
        "shipments": [{"amount": [2], "pickup": {"id": 7, "location_index": 3},
                       "delivery": {"id": 7, "location_index": 1}}],
        "matrices": {"car": {
            "durations": [[0, 600, 900, 700], [600, 0, 500, 800], [900, 500, 0, 400], [700, 800, 400, 0]],
            "distances": [[0, 6000, 9000, 7000], [6000, 0, 5000, 8000], [9000, 5000, 0, 4000], [7000, 8000, 4000, 0]]
        }}
    });
    let (status, answer) = server.post("/v1/vroom?max_iterations=300&seed=3", &input).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_vroom_shape(&answer);
    assert_checker_accepts(&input, &answer);
    assert_eq!(answer["unassigned"], json!([]), "{answer}");
    assert!(answer["summary"]["distance"].as_i64().unwrap() > 0, "{answer}");
    // Plan mode on the answer's own routes finds no violation.
    let mut again = input.clone();
    for (i, v) in again["vehicles"].as_array_mut().unwrap().iter_mut().enumerate() {
        let route = answer["routes"].as_array().unwrap().iter().find(|r| r["vehicle"] == i + 1);
        let steps: Vec<Value> = route.map_or_else(Vec::new, |r| {
            r["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| json!({"type": s["type"], "id": s["id"]}))
                .collect()
        });
        let steps: Vec<Value> = steps
            .into_iter()
            .map(|mut s| {
                if s["id"].is_null() {
                    s.as_object_mut().unwrap().remove("id");
                }
                s
            })
            .collect();
        v["steps"] = json!(steps);
    }
    let (status, checked) = server.post("/v1/vroom?check=true", &again).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["summary"]["violations"], json!([]), "{checked}");
    assert_eq!(checked["summary"]["cost"], answer["summary"]["cost"], "{checked}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_each_vroom_key_not_supported_is_a_422_naming_it() {
    let server = Server::fresh(|c| c).await;
    // VROOM's docs/example_1.json: coordinates on a server with no road graph (its driver
    // break and its job's pickup are read).
    let (status, body) = server.post("/v1/vroom", &example("example_1.json")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["vehicles[0].start"], "{body}");
    assert!(body["error"]["details"][0]["message"].as_str().unwrap().contains("road graph"));
    // docs/example_3.json in plan mode: `service_after` on a step.
    let (status, body) = server.post("/v1/vroom?check=true", &example("example_3.json")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "vehicles[1].steps[0].service_after", "{body}");
    // One key at a time on a valid problem.
    let base = example("example_2.json");
    for (pointer, value, field) in [
        ("/vehicles/0/max_travel_time", json!(3600), "vehicles[0].max_travel_time"),
        ("/jobs/0/setup", json!(30), "jobs[0].setup"),
        ("/jobs/0/service_per_type", json!({"van": 10}), "jobs[0].service_per_type"),
        ("/matrices/car/costs", json!([[0]]), "matrices.car.costs"),
        ("/vehicles/0/steps", json!([{"type": "job", "id": 1414}]), "vehicles[0].steps"),
    ] {
        let mut input = base.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        input.pointer_mut(parent).unwrap()[key] = value;
        let (status, body) = server.post("/v1/vroom", &input).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        assert_eq!(body["error"]["field"], field, "{body}");
        assert_eq!(body["error"]["details"][0]["code"], "E1060", "{body}");
    }
    // A speed factor scales the vehicle's travel times, as in VROOM: twice as fast, half
    // the travel (each leg rounded to whole seconds).
    let (status, plain) = server.post("/v1/vroom", &base).await;
    assert_eq!(status, StatusCode::OK, "{plain}");
    let mut fast = base.clone();
    fast["vehicles"][0]["speed_factor"] = json!(2);
    let (status, quick) = server.post("/v1/vroom", &fast).await;
    assert_eq!(status, StatusCode::OK, "{quick}");
    let (p, q) = (
        plain["summary"]["duration"].as_i64().unwrap(),
        quick["summary"]["duration"].as_i64().unwrap(),
    );
    assert!((2 * q - p).abs() <= 4, "{q} s at twice the speed of {p} s");
    fast["vehicles"][0]["speed_factor"] = json!(6);
    let (status, body) = server.post("/v1/vroom", &fast).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "vehicles[0].speed_factor", "{body}");
    // A key VROOM does not document is refused with its path.
    let mut input = base.clone();
    input["jobs"][1]["colour"] = json!("red");
    let (status, body) = server.post("/v1/vroom", &input).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["field"].as_str().unwrap().starts_with("jobs[1]"), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("colour"), "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_vroom_plan_mode_reports_a_late_step() {
    let server = Server::fresh(|c| c).await;
    let (status, answer) = server.post("/v1/vroom?check=true", &example("plan_late.json")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_vroom_shape(&answer);
    let steps = answer["routes"][0]["steps"].as_array().unwrap();
    let arrivals: Vec<i64> = steps.iter().map(|s| s["arrival"].as_i64().unwrap()).collect();
    assert_eq!(arrivals, [0, 100, 260, 420, 780], "{answer}");
    // Job 3 is due by 300 and reached at 420.
    assert_eq!(steps[3]["id"], 3);
    assert_eq!(steps[3]["violations"], json!([{"cause": "delay", "duration": 120}]));
    assert_eq!(steps[0]["violations"], json!([{"cause": "load"}]), "4 units on a van of 3");
    assert_eq!(
        answer["summary"]["violations"],
        json!([{"cause": "load"}, {"cause": "delay", "duration": 120}])
    );
    server.stop().await;
}

/// Without matrices the coordinates are routed on the loaded scenario's roads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_vroom_coordinates_are_routed_on_the_scenario_roads() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let input = json!({
        "vehicles": [{"id": 1, "start": [7.4197, 43.7314], "end": [7.4197, 43.7314],
                      "capacity": [10]}],
        "jobs": [{"id": 1, "location": [7.4286, 43.7393], "delivery": [2], "service": 120},
                 {"id": 2, "location": [7.4210, 43.7370], "delivery": [2]}]
    });
    let (status, answer) = server.post("/v1/vroom?max_iterations=200", &input).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_vroom_shape(&answer);
    assert_eq!(answer["unassigned"], json!([]), "{answer}");
    // Road metres: the casino alone is more than 1 km from the palace by road.
    assert!(answer["summary"]["distance"].as_i64().unwrap() > 2_000, "{answer}");
    assert_eq!(answer["routes"][0]["steps"][1]["location"].as_array().unwrap().len(), 2);
    // The same vehicle as a `bike` rides the bike graph: slower than the car, and a
    // profile the server has no graph for is refused at the vehicle.
    let car_s = answer["summary"]["duration"].as_i64().unwrap();
    let mut by_bike = input.clone();
    by_bike["vehicles"][0]["profile"] = json!("bike");
    let (status, bike) = server.post("/v1/vroom?max_iterations=200", &by_bike).await;
    assert_eq!(status, StatusCode::OK, "{bike}");
    assert_eq!(bike["unassigned"], json!([]), "{bike}");
    let bike_s = bike["summary"]["duration"].as_i64().unwrap();
    let bike_kmh = bike["summary"]["distance"].as_f64().unwrap() / bike_s as f64 * 3.6;
    assert!(bike_s > car_s && bike_kmh <= 25.0, "bike {bike_s} s ({bike_kmh} km/h), car {car_s} s");
    by_bike["vehicles"][0]["profile"] = json!("foot");
    let (status, body) = server.post("/v1/vroom", &by_bike).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "vehicles[0].profile", "{body}");
    server.stop().await;
}

/// The limits of `POST /v1/routes` hold, checked before any work, and an arc too long for
/// the solver names the matrices.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_vroom_requests_are_held_to_the_route_limits() {
    let server = Server::fresh(|c| c.with_max_stops(1)).await;
    let (status, body) = server.post("/v1/vroom", &example("example_2.json")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "too_many_stops", "{body}");
    server.stop().await;
    let server = Server::fresh(|c| c.with_max_locations(3)).await;
    let (status, body) = server.post("/v1/vroom", &example("example_2.json")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        (&body["error"]["code"], &body["error"]["field"]),
        (&json!("too_many_locations"), &json!("matrices"))
    );
    server.stop().await;
    let server = Server::fresh(|c| c).await;
    let (status, body) =
        server.post("/v1/vroom?time_limit_s=100000", &example("example_2.json")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "time_limit_s", "{body}");
    let mut far = example("example_2.json");
    far["matrices"]["car"]["durations"][0][1] = json!(1_000_000_000_000u64);
    let (status, body) = server.post("/v1/vroom", &far).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "matrices", "{body}");
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}
