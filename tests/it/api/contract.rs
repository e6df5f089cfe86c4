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

/// Words that state a measure's unit in a description: a time, a length, a weight, a
/// volume, money, a count of something, a share, or an explicit "no unit".
const UNIT_WORDS: &[&str] = &[
    "seconds",
    "milliseconds",
    "second",
    "metres",
    "km",
    "kg",
    "m3",
    "currency",
    "units",
    "count",
    "fraction",
    "percent",
    "bytes",
    "periods",
    "days",
    "hour",
    "degrees",
    "iterations",
    "rows",
    "index",
    "no unit",
    "distance unit",
    "time unit",
];

/// Whether `schema` describes a number, or an array (of arrays) of numbers, possibly
/// nullable.
fn numeric(schema: &Value) -> bool {
    let is_number = |t: &Value| matches!(t.as_str(), Some("integer" | "number"));
    match &schema["type"] {
        Value::String(_) if is_number(&schema["type"]) => return true,
        Value::Array(types) if types.iter().any(is_number) => return true,
        _ => {}
    }
    if schema["type"] == "array"
        || schema["type"].as_array().is_some_and(|t| t.contains(&"array".into()))
    {
        return numeric(&schema["items"]);
    }
    ["oneOf", "anyOf"].iter().any(|k| schema[*k].as_array().is_some_and(|s| s.iter().any(numeric)))
}

/// Whether `description` names a unit.
fn names_a_unit(description: &str) -> bool {
    let text = description.to_lowercase();
    let words: Vec<&str> = text.split(|c: char| !(c.is_alphanumeric() || c == '%')).collect();
    text.contains('%')
        || UNIT_WORDS
            .iter()
            .any(|u| if u.contains(' ') { text.contains(u) } else { words.contains(u) })
}

/// Every numeric property (of a component schema or of an inline schema anywhere in the
/// document) and every numeric parameter without a unit in its description, as paths.
fn unitless(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get("properties") {
                for (name, p) in props {
                    let description = p["description"].as_str().unwrap_or_default();
                    if numeric(p) && !names_a_unit(description) {
                        out.push(format!("{at}/properties/{name}: {description:?}"));
                    }
                }
            }
            if m.get("in").is_some() && m.get("schema").is_some_and(numeric) {
                let description = m["description"].as_str().unwrap_or_default();
                if !names_a_unit(description) {
                    out.push(format!("{at} (parameter {}): {description:?}", m["name"]));
                }
            }
            for (k, x) in m {
                unitless(x, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| unitless(x, &format!("{at}/{i}"), out))
        }
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_number_has_a_unit_and_every_body_and_main_answer_an_example() {
    let server = Server::fresh(|c| c).await;
    let doc: Value =
        server.http.get(server.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    server.stop().await;

    let mut missing = Vec::new();
    unitless(&doc, "#", &mut missing);
    assert!(
        missing.is_empty(),
        "numbers without a unit in their description:\n{}",
        missing.join("\n")
    );

    let mut no_example = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or(method);
            if let Some(body) = op.get("requestBody") {
                for (media, content) in body["content"].as_object().unwrap() {
                    if content.get("example").is_none() && content.get("examples").is_none() {
                        no_example.push(format!("{id} ({method} {path}): request body {media}"));
                    }
                }
            }
            // The main answer: the first 2xx that has a body.
            let responses = op["responses"].as_object().unwrap();
            let main = responses
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .find_map(|(status, r)| r["content"].as_object().map(|c| (status, c)));
            let Some((status, content)) = main else {
                no_example.push(format!("{id} ({method} {path}): no 2xx answer with a body"));
                continue;
            };
            for (media, c) in content {
                if c.get("example").is_none() && c.get("examples").is_none() {
                    no_example.push(format!("{id} ({method} {path}): {status} {media}"));
                }
            }
        }
    }
    assert!(no_example.is_empty(), "without an example:\n{}", no_example.join("\n"));

    // The checks themselves tell a unit from none.
    assert!(names_a_unit("Travel time (seconds)") && names_a_unit("Load, % of capacity"));
    assert!(!names_a_unit("Time limit") && !names_a_unit(""));
    assert!(numeric(&serde_json::json!({"type": ["number", "null"]})));
    assert!(numeric(
        &serde_json::json!({"type": "array", "items": {"type": "array", "items": {"type": "number"}}})
    ));
    assert!(!numeric(&serde_json::json!({"type": "string"})));
}
