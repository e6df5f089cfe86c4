//! Issue 13, item 2 through the service: open routes, multi-trip reloads and a
//! balanced-routes term in `POST /v1/routes`, on planar points and on the Monaco roads
//! (where a reload's way back to the depot is drawn), and their coded 422s.

use super::{Server, shared};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The Fontvieille station and six places around Monaco, `[lon, lat]`, one unit each, for a
/// van of three that may reload once.
fn monaco() -> Value {
    json!({
        "locations": {"coordinates": [
            [7.4154901, 43.7285629], [7.4197, 43.7314], [7.4286, 43.7393], [7.4230, 43.7330],
            [7.4170, 43.7350], [7.4260, 43.7370], [7.4120, 43.7310]
        ]},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [{"id": "van", "capacity": [3], "start_depot": "D", "max_reloads": 1,
                      "reload_time": 300}],
        "stops": (1..7).map(|i| json!({"id": format!("s{i}"), "location": i, "demand": [1]})).collect::<Vec<_>>(),
        "max_iterations": 300, "seed": 1
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_a_van_reloads_on_the_monaco_roads_and_its_line_goes_back_to_the_depot() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let (status, answer) = server.post("/v1/routes?roads=true&geometry=true", &monaco()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["feasible"], true, "{answer}");
    assert_eq!(answer["unserved"], json!([]), "{answer}");
    let route = &answer["routes"][0];
    assert_eq!(route["reloads"], json!([3]), "{answer}");
    // The line of the route passes the depot between its two trips, not only at its ends.
    let lines = answer["geometry"]["features"].as_array().unwrap();
    let routes: Vec<&Value> = lines.iter().filter(|f| f["properties"]["kind"] == "route").collect();
    assert_eq!(routes.len(), 1);
    let points = routes[0]["geometry"]["coordinates"].as_array().unwrap();
    let depot = json!([7.4154901, 43.7285629]);
    let inner = &points[1..points.len() - 1];
    assert!(inner.contains(&depot), "the line never passes the depot between its ends");
    // Without the reload one van of three cannot serve six.
    let mut one_trip = monaco();
    one_trip["vehicles"][0]["max_reloads"] = json!(0);
    let (status, short) = server.post("/v1/routes?roads=true", &one_trip).await;
    assert_eq!(status, StatusCode::OK, "{short}");
    assert_eq!(short["unserved"].as_array().map(Vec::len), Some(3), "{short}");
    server.stop().await;
}

/// A depot and stops on a line at 10, 20, 30.
fn line(vehicle: Value, objective: Value) -> Value {
    json!({
        "locations": {"coordinates": [[0, 0], [10, 0], [20, 0], [30, 0]], "metric": "euclidean_rounded"},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [vehicle],
        "stops": (1..4).map(|i| json!({"id": format!("s{i}"), "location": i, "demand": [1]})).collect::<Vec<_>>(),
        "objective": objective,
        "max_iterations": 200, "seed": 1
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_open_routes_and_a_balance_term_are_served_and_bad_ones_are_coded_422s() {
    let server = Server::fresh(|c| c).await;
    let van =
        json!({"id": "van", "count": 2, "capacity": [3], "start_depot": "D", "open_end": true});
    let (status, open) = server.post("/v1/routes", &line(van.clone(), json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{open}");
    // One van out to 30 and no way back.
    assert_eq!(
        (open["vehicles"].as_u64(), open["distance"].as_f64()),
        (Some(1), Some(30.0)),
        "{open}"
    );
    let balance = json!({"balance": {"measure": "stop_spread", "weight": 100}});
    let (status, even) = server.post("/v1/routes", &line(van.clone(), balance)).await;
    assert_eq!(status, StatusCode::OK, "{even}");
    // One route is spread 0 already: the term does not make two.
    assert_eq!(even["vehicles"].as_u64(), Some(1), "{even}");
    let mut both = van.clone();
    both["end_depot"] = json!("D");
    let mut reloads_and_breaks = van;
    reloads_and_breaks["max_reloads"] = json!(1);
    reloads_and_breaks["breaks"] =
        json!([{"id": "b", "windows": [{"start": 0, "end": 50}], "duration": 5}]);
    let weight = json!({"balance": {"measure": "max_duration", "weight": -2}});
    for (body, field) in [
        (line(both, json!({})), "vehicles[0].open_end"),
        (line(reloads_and_breaks, json!({})), "vehicles[0].max_reloads"),
        (
            line(json!({"id": "van", "capacity": [3], "start_depot": "D"}), weight),
            "objective.balance.weight",
        ),
    ] {
        let (status, err) = server.post("/v1/routes", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        let fields: Vec<&str> = std::iter::once(&err["error"])
            .chain(err["error"]["details"].as_array().into_iter().flatten())
            .filter_map(|d| d["field"].as_str())
            .collect();
        assert!(fields.contains(&field), "{field} not named: {err}");
    }
    server.stop().await;
}
