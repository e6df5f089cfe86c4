//! Issue 13, item 1 through the service: with `roads=true` a vehicle names its road
//! profile, and the server routes and draws it on that profile's graph.

use super::{Server, shared};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The Fontvieille station and six places around Monaco, `[lon, lat]`; a van costs more
/// to use than a cargo bike, so the bike takes what it can.
fn problem(bike: &str) -> Value {
    json!({
        "locations": {"coordinates": [
            [7.4154901, 43.7285629], [7.4197, 43.7314], [7.4286, 43.7393], [7.4230, 43.7330],
            [7.4170, 43.7350], [7.4260, 43.7370], [7.4120, 43.7310]
        ]},
        "depots": [{"id": "D", "location": 0}],
        "vehicles": [
            {"id": "van", "capacity": [100], "start_depot": "D", "fixed_cost": 1000, "cost_per_distance": 0.001},
            {"id": "bike", "capacity": [100], "start_depot": "D", "cost_per_distance": 0.001, "profile": bike}
        ],
        "stops": (1..7).map(|i| json!({"id": format!("s{i}"), "location": i, "demand": [1]})).collect::<Vec<_>>(),
        "max_iterations": 300, "seed": 1
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_a_bike_is_routed_and_drawn_on_the_bike_graph() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let (status, answer) =
        server.post("/v1/routes?roads=true&geometry=true", &problem("bike")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["feasible"], true, "{answer}");
    let routes = answer["routes"].as_array().unwrap();
    let bike = routes.iter().find(|r| r["vehicle_type"] == "bike").expect("the bike rides");
    let kmh = bike["distance"].as_f64().unwrap() / bike["duration"].as_f64().unwrap() * 3.6;
    // Service 0, no windows: the duration is the riding, at a bike's pace.
    assert!(kmh > 5.0 && kmh <= 25.0, "{kmh} km/h: {bike}");
    // The same places by van, alone: motor speeds.
    let mut vans = problem("bike");
    vans["vehicles"].as_array_mut().unwrap().pop();
    let (status, by_van) = server.post("/v1/routes?roads=true", &vans).await;
    assert_eq!(status, StatusCode::OK, "{by_van}");
    let van = &by_van["routes"][0];
    let van_kmh = van["distance"].as_f64().unwrap() / van["duration"].as_f64().unwrap() * 3.6;
    assert!(van_kmh > kmh, "van {van_kmh} km/h, bike {kmh} km/h");
    let lines = answer["geometry"]["features"].as_array().unwrap();
    assert_eq!(lines.iter().filter(|f| f["properties"]["kind"] == "route").count(), routes.len());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_a_road_profile_the_server_cannot_route_is_a_422_naming_the_vehicle() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    for (name, says) in [("hovercraft", "no road profile"), ("foot", "no `foot` road graph")] {
        let (status, body) = server.post("/v1/routes?roads=true", &problem(name)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "vehicles[1].profile", "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains(says), "{body}");
    }
    // Matrices of its own do not mix with the roads.
    let mut with = problem("bike");
    with["profiles"] = json!([{"name": "bike", "distance": [[0]]}]);
    let (status, body) = server.post("/v1/routes?roads=true", &with).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "profiles", "{body}");
    server.stop().await;
}
