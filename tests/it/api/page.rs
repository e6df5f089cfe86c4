//! The planner's page on the real server: `/`, `/ui`, the bundle, the styles, the licences
//! and the example problem, with their content types, security and caching headers (or, in
//! a binary built without the page, the message page at `/` and JSON 404s for the assets);
//! and the example problem solves on the Monaco scenario as the page sends it.

use super::{Server, error_of, shared};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};

/// The value of `name` in the response (empty when absent).
fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The `src`/`href` in `html` that starts with `prefix`, up to its closing quote.
fn link<'a>(html: &'a str, prefix: &str) -> &'a str {
    let start = html.find(prefix).unwrap_or_else(|| panic!("no {prefix} in the page"));
    let rest = &html[start..];
    &rest[..rest.find('"').unwrap()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_its_assets_are_served_with_their_types_and_headers() {
    if !stockroute::api::page::PAGE_BUILT {
        return the_message_page_says_how_to_get_the_page().await;
    }
    let server = Server::fresh(|c| c).await;
    let mut html = String::new();
    for path in ["/", "/ui"] {
        let r = server.http.get(server.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8", "{path}");
        let csp = header(&r, "content-security-policy");
        for directive in ["default-src 'none'", "script-src 'self'", "connect-src 'self'"] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        assert_eq!(header(&r, "cache-control"), "no-cache", "the page is revalidated");
        assert!(header(&r, "etag").starts_with('"'));
        html = r.text().await.unwrap();
        assert!(html.contains("<div id=\"map\""), "{path}");
    }

    let js = link(&html, "/ui/app.js?v=").to_owned();
    let css = link(&html, "/ui/app.css?v=").to_owned();
    for (url, content_type, needle) in [
        (js.as_str(), "text/javascript; charset=utf-8", "Leaflet 1.9.4"),
        (css.as_str(), "text/css; charset=utf-8", ".leaflet-container"),
    ] {
        let r = server.http.get(server.url(url)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{url}");
        assert_eq!(header(&r, "content-type"), content_type, "{url}");
        assert_eq!(header(&r, "cache-control"), "public, max-age=31536000, immutable", "{url}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        let etag = r.headers()[ETAG].clone();
        assert!(r.text().await.unwrap().contains(needle), "{url}");
        // The same asset without its version is revalidated; an unchanged one is a 304.
        let bare = url.split('?').next().unwrap();
        let r = server.http.get(server.url(bare)).send().await.unwrap();
        assert_eq!(r.headers()[CACHE_CONTROL], "no-cache", "{bare}");
        let r = server.http.get(server.url(bare)).header(IF_NONE_MATCH, etag).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{bare}");
        assert!(r.text().await.unwrap().is_empty());
    }

    let r = server.http.get(server.url("/ui/licenses.txt")).send().await.unwrap();
    assert_eq!(r.headers()[CONTENT_TYPE], "text/plain; charset=utf-8");
    let text = r.text().await.unwrap();
    assert!(text.contains("BSD 2-Clause") && text.contains("OpenStreetMap contributors"));
    let r = server.http.get(server.url("/ui/example.json")).send().await.unwrap();
    assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
    let _: Value = r.json().await.unwrap();

    // Not a page: still the API's JSON 404, and the API's routes still answer JSON.
    not_a_page_is_json(&server).await;
    server.stop().await;
}

/// In a binary built without the page (cargo feature `web` off, or no npm at build time):
/// `/` and `/ui` say how to get it, its assets are the API's JSON 404, the API answers.
async fn the_message_page_says_how_to_get_the_page() {
    let server = Server::fresh(|c| c).await;
    for path in ["/", "/ui"] {
        let r = server.http.get(server.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8", "{path}");
        assert!(header(&r, "content-security-policy").contains("default-src 'none'"));
        assert_eq!(header(&r, "cache-control"), "no-cache", "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("built without the planner's page"), "{html}");
        assert!(html.contains("install Node.js and npm and rebuild"), "{html}");
        assert!(!html.contains("/ui/app.js"), "{html}");
    }
    for path in ["/ui/app.js", "/ui/app.css", "/ui/licenses.txt", "/ui/example.json"] {
        let (status, body) = server.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error_of(&body).0, "not_found", "{path}");
    }
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    not_a_page_is_json(&server).await;
    server.stop().await;
}

/// A path that is no page is the API's JSON 404; a POST to `/` is the API's JSON 405.
async fn not_a_page_is_json(server: &Server) {
    let (status, body) = server.get("/ui/nothing.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&body).0, "not_found");
    let r = server.http.post(server.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&r, "content-type"), "application/json");
}

/// The page's example problem solves on the Monaco scenario as the page sends it
/// (`roads=true&geometry=true`): every stop on land served, the one at sea unserved as
/// `unreachable`, and one road polyline per route for the map.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_example_solves_on_the_monaco_roads() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let problem: Value = serde_json::from_str(stockroute::api::page::EXAMPLE_PROBLEM).unwrap();
    let (status, answer) = server.post("/v1/routes?roads=true&geometry=true", &problem).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["feasible"], true, "{answer}");
    assert_eq!(answer["unserved"], json!([{"id": "at-sea", "reason": "unreachable"}]));
    let routes = answer["routes"].as_array().unwrap();
    let served: usize = routes.iter().map(|r| r["stops"].as_array().unwrap().len()).sum();
    assert_eq!(served, problem["stops"].as_array().unwrap().len() - 1);
    let lines = answer["geometry"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["kind"] == "route")
        .count();
    assert_eq!(lines, routes.len());
    server.stop().await;
}
