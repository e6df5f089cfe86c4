//! `GET /v1/scenario/orders` on the real server: the Monaco scenario's orders, each once in
//! the file's order with its window in seconds since midnight (as orders.csv gives it in
//! HH:MM), paged by `offset`/`limit`; JSON 422s for a bad limit and for a server without a
//! scenario.

use super::{Server, error_of, shared};
use reqwest::StatusCode;

/// `(order, tw_start, tw_end, units)` per order of orders.csv, in first-seen order.
fn orders_csv() -> Vec<(String, String, String, f64)> {
    let text = std::fs::read_to_string(shared("data/scenarios/monaco/orders.csv")).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (order, quantity, start, end) =
        (col("order"), col("quantity"), col("tw_start"), col("tw_end"));
    let mut out: Vec<(String, String, String, f64)> = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let units: f64 = f[quantity].parse().unwrap();
        match out.iter_mut().find(|o| o.0 == f[order]) {
            Some(o) => o.3 += units,
            None => out.push((f[order].into(), f[start].into(), f[end].into(), units)),
        }
    }
    out
}

/// `HH:MM` as seconds since midnight; `None` for an empty field.
fn seconds(hm: &str) -> Option<u64> {
    let (h, m) = hm.split_once(':')?;
    Some(h.parse::<u64>().unwrap() * 3600 + m.parse::<u64>().unwrap() * 60)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_orders_carry_their_windows_in_seconds_page_by_page() {
    let server = Server::fresh(|c| c.with_scenario(shared("data/scenarios/monaco"))).await;
    let want = orders_csv();
    assert!(want.len() > 20, "{} orders", want.len());
    let (status, all) = server.get("/v1/scenario/orders?limit=10000").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["scenario"], "monaco");
    assert_eq!(all["total"], want.len() as u64);
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), want.len());
    let mut windows = 0;
    for (item, (id, start, end, units)) in items.iter().zip(&want) {
        assert_eq!(item["id"], id.as_str(), "{item}");
        assert_eq!(item["window_start_s"].as_u64(), seconds(start), "{item}");
        assert_eq!(item["window_end_s"].as_u64(), seconds(end), "{item}");
        assert!((item["units"].as_f64().unwrap() - units).abs() < 1e-9, "{item}");
        assert!((43.7..43.8).contains(&item["lat"].as_f64().unwrap()), "{item}");
        windows += usize::from(seconds(start).is_some());
    }
    assert!(windows > 0, "Monaco's orders have windows");

    // Pages of 7 put back together are the whole list.
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let (status, page) =
            server.get(&format!("/v1/scenario/orders?limit=7&offset={offset}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let got = page["items"].as_array().unwrap().clone();
        assert!(got.len() <= 7);
        if got.is_empty() {
            break;
        }
        offset += got.len();
        paged.extend(got);
    }
    assert_eq!(&paged, items);

    for bad in ["limit=0", "limit=10001", "offset=-1", "colour=red"] {
        let (status, body) = server.get(&format!("/v1/scenario/orders?{bad}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        error_of(&body);
    }
    server.stop().await;

    let bare = Server::fresh(|c| c).await;
    let (status, body) = bare.get("/v1/scenario/orders").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body).0, "no_scenario");
    bare.stop().await;
}
