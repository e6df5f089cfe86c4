//! Issue 13, shipments over HTTP: `POST /v1/routes` with a `shipments` list.

use super::{Server, circle_problem};
use reqwest::StatusCode;
use serde_json::json;

/// Pairs on the circle: each pickup is served before its delivery on the same route, the
/// answer is checked feasible, and a shipment naming an unknown stop or a stop twice is a
/// 422 naming the field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r13_shipments_are_solved_pickup_first_and_bad_ones_name_their_field() {
    let server = Server::fresh(|c| c).await;
    let mut p = circle_problem(8, 0.5);
    p["max_iterations"] = json!(500);
    // Capacity 2: at most two shipments of 1 on board at once.
    p["vehicles"][0]["capacity"] = json!([2]);
    p["vehicles"][0]["count"] = json!(4);
    p["shipments"] = json!([
        {"pickup": "s0", "delivery": "s4"},
        {"pickup": "s5", "delivery": "s1"},
        {"pickup": "s2", "delivery": "s6"},
        {"pickup": "s7", "delivery": "s3"},
    ]);
    let (status, answer) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["feasible"], true, "{answer}");
    assert_eq!(answer["unserved"], json!([]), "{answer}");
    let routes = answer["routes"].as_array().unwrap();
    for (pickup, delivery) in [("s0", "s4"), ("s5", "s1"), ("s2", "s6"), ("s7", "s3")] {
        let at = |id: &str| {
            routes.iter().enumerate().find_map(|(r, route)| {
                let stops = route["stops"].as_array().unwrap();
                stops.iter().position(|v| v["id"] == id).map(|k| (r, k))
            })
        };
        let (a, b) = (at(pickup).unwrap(), at(delivery).unwrap());
        assert_eq!(a.0, b.0, "{pickup} and {delivery} on two routes: {answer}");
        assert!(a.1 < b.1, "{delivery} before {pickup}: {answer}");
    }
    p["shipments"] =
        json!([{"pickup": "s0", "delivery": "nowhere"}, {"pickup": "s0", "delivery": "s1"}]);
    let (status, body) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let details = body["error"]["details"].as_array().unwrap();
    assert!(
        details.iter().any(|d| d["code"] == "E1030" && d["field"] == "shipments[0].delivery"),
        "{body}"
    );
    p["shipments"] =
        json!([{"pickup": "s0", "delivery": "s1"}, {"pickup": "s1", "delivery": "s2"}]);
    let (status, body) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let details = body["error"]["details"].as_array().unwrap();
    assert!(
        details.iter().any(|d| d["code"] == "E1031" && d["field"] == "shipments[1].pickup"),
        "{body}"
    );
    p["shipments"] = json!([{"pickup": "s0", "delivery": "s1", "amount": 3}]);
    let (status, _) = server.post("/v1/routes", &p).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}
