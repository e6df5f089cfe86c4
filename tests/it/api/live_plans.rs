//! Plans under way on the real server (issue 16): a first state stored, re-optimised with
//! new orders into version 2 (traceable to version 1, fixed stops kept), both readable;
//! JSON 4xx for a bad state, a bad option, a missing plan and a version written twice.

use super::{Server, error_of};
use reqwest::StatusCode;
use serde_json::{Value, json};
use stockroute::replan::{self, GenerateOptions};

fn generated() -> (Value, Value) {
    let small = GenerateOptions { stops: 25, orders: 3, iterations: 300, ..Default::default() };
    let (state, orders) = replan::generate(&small, 3).unwrap();
    (serde_json::to_value(&state).unwrap(), serde_json::to_value(&orders).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_under_way_is_stored_reoptimised_and_traced() {
    let server = Server::fresh(|c| c).await;
    let (state, orders) = generated();
    let plan = state["plan_id"].as_str().unwrap().to_owned();
    let (status, first) = server.post(&format!("/v1/plans/{plan}/states"), &state).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["version"], 1);
    let (status, again) = server.post(&format!("/v1/plans/{plan}/states"), &state).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(error_of(&again).0, "plan_version_taken");

    let body =
        json!({"orders": orders, "churn_penalty": 25, "time_limit_s": 2, "max_iterations": 300});
    let (status, answer) = server.post(&format!("/v1/plans/{plan}/reoptimise"), &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["stored"]["version"], 2);
    assert_eq!(answer["stored"]["parent_version"], 1);
    assert_eq!(answer["summary"]["changes"]["inserted"].as_array().unwrap().len(), 3);
    let (status, latest) = server.get(&format!("/v1/plans/{plan}/state")).await;
    assert_eq!(status, StatusCode::OK, "{latest}");
    assert_eq!(latest["version"], 2);
    // Served and committed stops are those of version 1, vehicle by vehicle.
    for v in state["vehicles"].as_array().unwrap() {
        let after = latest["state"]["vehicles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["vehicle_type"] == v["vehicle_type"] && x["vehicle"] == v["vehicle"]);
        let after = after.expect("a listed vehicle stays listed");
        assert_eq!(after["served"], v["served"]);
        assert_eq!(after["committed"], v["committed"]);
    }
    let (status, one) = server.get(&format!("/v1/plans/{plan}/states/1")).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["summary"], Value::Null);
    // Version 1 once more: version 2 is taken.
    let from_one = json!({"from_version": 1, "max_iterations": 100});
    let (status, raced) = server.post(&format!("/v1/plans/{plan}/reoptimise"), &from_one).await;
    assert_eq!(status, StatusCode::CONFLICT, "{raced}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_states_and_options_get_json_4xx_naming_the_field() {
    let server = Server::fresh(|c| c).await;
    let (mut state, _) = generated();
    let plan = state["plan_id"].as_str().unwrap().to_owned();
    let (status, missing) = server.get(&format!("/v1/plans/{plan}/state")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    let (status, missing) = server.post(&format!("/v1/plans/{plan}/reoptimise"), &json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    let (status, bad) = server.get(&format!("/v1/plans/{plan}/states/x")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let mut broken = state.clone();
    broken["vehicles"][0]["committed"] = json!(["nowhere"]);
    let (status, bad) = server.post(&format!("/v1/plans/{plan}/states"), &broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(error_of(&bad), ("invalid_input".into(), Some("vehicles[0].committed[0]".into())));
    state["now"] = json!(f64::MAX);
    let (status, bad) = server.post(&format!("/v1/plans/{plan}/states"), &state).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(error_of(&bad).1.as_deref(), Some("now"));
    state["now"] = json!(3000.0);
    let (status, _) = server.post(&format!("/v1/plans/{plan}/states"), &state).await;
    assert_eq!(status, StatusCode::CREATED);
    for (body, field) in [
        (json!({"churn_penalty": -1}), "churn_penalty"),
        (json!({"time_limit_s": 1e9}), "time_limit_s"),
        (json!({"max_iterations": 100_000_000u64}), "max_iterations"),
        (json!({"from_version": 0}), "from_version"),
    ] {
        let (status, bad) = server.post(&format!("/v1/plans/{plan}/reoptimise"), &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(error_of(&bad).1.as_deref(), Some(field), "{bad}");
    }
    let dup =
        json!({"orders": {"orders": [{"release_time": 0, "stop": {"id": "s0", "location": 1}}]}});
    let (status, bad) = server.post(&format!("/v1/plans/{plan}/reoptimise"), &dup).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(error_of(&bad).1.as_deref(), Some("orders[0].stop.id"), "{bad}");
    server.stop().await;
}
