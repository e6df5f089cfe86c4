//! Broken routing requests through the router (`tower::ServiceExt::oneshot`, no socket):
//! never a 5xx, never a panic, always the JSON error body.

use super::circle_problem;
use serde_json::{Value, json};
use std::time::Duration;
use stockroute::api::{self, ServiceConfig};

/// Strategies for damaged routing requests: a valid problem with one value replaced.
mod strategies {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// Any JSON value, a few levels deep.
    pub fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            (-1e12f64..1e12).prop_map(|x| json!(x)),
            "[a-z0-9 ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// The JSON pointers of every value inside `v`.
    pub fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| pointers(x, format!("{at}/{k}"), out)),
            Value::Array(a) => {
                a.iter().enumerate().for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out))
            }
            _ => {}
        }
        out.push(at);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever one value of a request is replaced by, the service answers 200 or a 4xx
    /// with the JSON error body: never a 5xx, never a panic, never a text error.
    #[test]
    fn a_damaged_request_gets_a_json_4xx_or_a_solution(
        which in proptest::prelude::any::<proptest::sample::Index>(),
        replacement in strategies::value(),
        truncate in proptest::option::of(0usize..400),
    ) {
        use tower::ServiceExt;
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let state = api::AppState::new(ServiceConfig::new(dir.path().join("s.sqlite"))).unwrap();
        let mut problem = circle_problem(4, 0.05);
        let mut paths = Vec::new();
        strategies::pointers(&problem, String::new(), &mut paths);
        let path = which.get(&paths).clone();
        if path.is_empty() {
            problem = replacement;
        } else if let Some(slot) = problem.pointer_mut(&path) {
            *slot = replacement;
        }
        let mut body = problem.to_string().into_bytes();
        if let Some(n) = truncate {
            body.truncate(n);
        }
        let request = axum::http::Request::post("/v1/routes")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body))
            .unwrap();
        let (status, bytes) = rt.block_on(async {
            let response = api::router(state.clone()).oneshot(request).await.unwrap();
            let status = response.status();
            (status, axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap())
        });
        state.shutdown_jobs(Duration::ZERO);
        let json: Value = serde_json::from_slice(&bytes).unwrap();
        proptest::prop_assert!(status.is_success() || status.is_client_error(), "{status} {json}");
        if status.is_client_error() {
            proptest::prop_assert!(json["error"]["code"].is_string(), "{json}");
        } else {
            proptest::prop_assert_eq!(&json["feasible"], &json!(true));
        }
    }
}
