//! `GET /v1/scenario/roads` on the real server: the Monaco scenario's streets as one
//! GeoJSON MultiLineString with the OSM attribution, cached by `ETag`, narrowed by `bbox`,
//! and JSON errors for a bad box and for a server that has no scenario.

use super::{Server, error_of, shared};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::Value;

/// Every `[lon, lat]` point of the answer's lines.
fn points(map: &Value) -> Vec<[f64; 2]> {
    let features = map["features"].as_array().unwrap();
    assert_eq!(features.len(), 1, "one feature");
    assert_eq!(features[0]["properties"]["kind"], "road");
    assert_eq!(features[0]["geometry"]["type"], "MultiLineString");
    features[0]["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l.as_array().unwrap().iter())
        .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_roads_are_a_cached_geojson_base_map_narrowed_by_a_box() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let r = server.http.get(server.url("/v1/scenario/roads")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/geo+json");
    let etag = r.headers()[ETAG].clone();
    let map: Value = r.json().await.unwrap();
    assert_eq!(map["type"], "FeatureCollection");
    assert_eq!(map["attribution"], "© OpenStreetMap contributors");
    let all = points(&map);
    // Monaco's graph has about 14,800 nodes: every one is on some line, junctions on several.
    assert!(all.len() > 14_000, "{} points", all.len());
    assert!(all.iter().all(|p| (7.3..7.5).contains(&p[0]) && (43.7..43.8).contains(&p[1])));

    let again = server
        .http
        .get(server.url("/v1/scenario/roads"))
        .header(IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // The harbour: a box around Port Hercule keeps a part of the map, each line touching it.
    let bbox = [7.418, 43.733, 7.428, 43.739];
    let q = format!("/v1/scenario/roads?bbox={},{},{},{}", bbox[0], bbox[1], bbox[2], bbox[3]);
    let r = server.http.get(server.url(&q)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()[ETAG], etag, "another box, another tag");
    let part = points(&r.json().await.unwrap());
    assert!(!part.is_empty() && part.len() < all.len() / 2, "{} of {}", part.len(), all.len());
    let near = |p: &[f64; 2]| {
        (bbox[0] - 0.01..=bbox[2] + 0.01).contains(&p[0])
            && (bbox[1] - 0.01..=bbox[3] + 0.01).contains(&p[1])
    };
    assert!(part.iter().all(near), "a segment far from the box was kept");

    for (bad, code) in [
        ("1,2,3", "invalid_field"),
        ("7.44,43.72,7.41,43.75", "invalid_field"),
        ("a,b,c,d", "invalid_field"),
    ] {
        let (status, body) = server.get(&format!("/v1/scenario/roads?bbox={bad}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(error_of(&body), (code.to_owned(), Some("bbox".to_owned())), "{bad}");
    }
    let (status, body) = server.get("/v1/scenario/roads?zoom=3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_scenario_the_base_map_is_a_json_error() {
    let server = Server::fresh(|c| c).await;
    let (status, body) = server.get("/v1/scenario/roads").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body).0, "no_scenario");
    server.stop().await;
}
