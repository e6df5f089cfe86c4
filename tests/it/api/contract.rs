//! The OpenAPI document as the real server serves it (`GET /openapi.json` on 127.0.0.1),
//! checked for what a contract tester relies on: every operation has a unique
//! `operationId`, documented responses and a tag; every path parameter is declared; every
//! JSON request body has an example; every `$ref` and every link resolves; and the
//! document and the router agree (each documented operation is routed, each undocumented
//! method on a documented path is a 405). `scripts/contract.sh` runs the full validator and
//! schemathesis against the same document.

use super::Server;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every `"$ref"` string anywhere inside `v`.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r);
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_document_has_unique_operation_ids_and_matches_the_router() {
    let server = Server::fresh(|c| c).await;
    let r = server.http.get(server.url("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);

    let paths = doc["paths"].as_object().unwrap();
    let mut ids: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut links = Vec::new();
    for (path, item) in paths {
        let item = item.as_object().unwrap();
        let documented: BTreeSet<&str> =
            METHODS.iter().copied().filter(|m| item.contains_key(*m)).collect();
        assert!(!documented.is_empty(), "{path} has no operation");
        for method in &documented {
            let op = &item[*method];
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}"));
            let before = ids.insert(id.to_owned(), (method.to_string(), path.clone()));
            assert!(before.is_none(), "operationId `{id}` twice: {before:?} and {method} {path}");
            assert!(!op["tags"].as_array().unwrap().is_empty(), "{id} has no tag");
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{id} documents no response");
            for (status, response) in responses {
                assert!(response["description"].as_str().is_some_and(|d| !d.is_empty()));
                if let Some(l) = response.get("links").and_then(Value::as_object) {
                    links.extend(l.iter().map(|(name, link)| {
                        (id.to_owned(), status.clone(), name.clone(), link.clone())
                    }));
                }
            }
            // `{name}` segments are declared path parameters, and nothing else is.
            let in_path: BTreeSet<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            let declared: BTreeSet<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .inspect(|p| assert_eq!(p["required"], true, "{id}: {p}"))
                        .map(|p| p["name"].as_str().unwrap())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(in_path, declared, "{id}: path parameters");
            if let Some(body) = op.get("requestBody") {
                let json = &body["content"]["application/json"];
                assert!(json["schema"].is_object(), "{id}: body schema");
                assert!(json["example"].is_object(), "{id}: a JSON body needs an example");
            }

            // The router serves the documented operation (whatever it answers to a
            // request without a body, it is not "no such route" or "wrong method").
            let url = server.url(&path.replace("{id}", "no-such-id"));
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = server.http.request(method, &url).send().await.unwrap();
            let status = r.status();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{id}: {url}");
            if status == StatusCode::NOT_FOUND {
                let body: Value = r.json().await.unwrap();
                let message = body["error"]["message"].as_str().unwrap();
                assert!(!message.starts_with("no route "), "{id}: {url}: {message}");
            }
        }
        // And refuses the methods the document does not list there.
        for method in ["get", "post", "delete", "put", "patch"] {
            if documented.contains(method) {
                continue;
            }
            let url = server.url(&path.replace("{id}", "no-such-id"));
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let status = server.http.request(m, &url).send().await.unwrap().status();
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
    for id in ["create_forecast", "show_forecast", "show_job", "cancel_job", "solve_routes"] {
        assert!(ids.contains_key(id), "{id} missing from {:?}", ids.keys());
    }

    // Links name existing operations and pass only parameters those operations declare.
    assert!(!links.is_empty(), "no links: stateful testing has nothing to follow");
    for (from, status, name, link) in &links {
        let target = link["operationId"].as_str().unwrap();
        let (method, path) = ids.get(target).unwrap_or_else(|| panic!("{from} {status} {name}"));
        let params = paths[path][method]["parameters"].as_array().unwrap();
        for key in link["parameters"].as_object().unwrap().keys() {
            assert!(params.iter().any(|p| p["name"] == key.as_str()), "{from} {name}: {key}");
        }
    }

    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{r}"));
        assert!(schemas.contains_key(name), "dangling $ref {r}");
    }
    server.stop().await;
}
