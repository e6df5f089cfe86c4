//! The list endpoints (`GET /v1/jobs`, `/v1/forecasts`, `/v1/plans`, `/v1/experiments`)
//! and a plan's report (`GET /v1/plans/{id}/report`) on a real server: paging through more
//! items than a page holds yields each item once, newest first, even while new items are
//! written; `limit` and `cursor` are bounded and checked; the report is served as HTML with
//! its headers, 404 for an unknown plan and 409 for one that has not succeeded.

use super::{Server, error_of, finished, history, long_forecast, shared};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Every item of list `path` (with `query`), page by page with `limit`; asserts each page
/// holds at most `limit` items and only the last has no cursor.
async fn all_pages(server: &Server, path: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let mut url = format!("{path}?limit={limit}{query}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = server.get(&url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {page}");
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= limit, "{url}: {} items", got.len());
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(got.len(), limit, "a page before the last is full");
                cursor = Some(c.to_owned());
            }
            None => {
                assert!(page["next_cursor"].is_null(), "{page}");
                return items;
            }
        }
    }
    panic!("{path}: no last page");
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

/// `(created_at, id)` pairs sorted newest first, as the lists order them.
fn newest_first(mut keys: Vec<(String, String)>) -> Vec<String> {
    keys.sort_by(|a, b| b.cmp(a));
    keys.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_yields_every_job_and_run_once_newest_first() {
    let server = Server::fresh(|c| c.with_queue(64)).await;
    let small = json!({"history": history(2, 60, 10), "horizon": 7, "models": ["seasonal_naive"], "origins": 1});
    let mut keys = Vec::new();
    for _ in 0..12 {
        let (status, job) = server.post("/v1/forecasts", &small).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        keys.push((
            job["created_at"].as_str().unwrap().to_owned(),
            job["id"].as_str().unwrap().to_owned(),
        ));
    }
    let mut runs = Vec::new();
    for (_, id) in &keys {
        let job = server.wait_job(id, finished).await;
        assert_eq!(job["state"], "succeeded", "{job}");
        runs.push(job["result"]["run_id"].as_str().unwrap().to_owned());
    }
    let expected = newest_first(keys.clone());

    // Jobs, 5 a page: 5 + 5 + 2, each once, newest first, each with its fields and link.
    let jobs = all_pages(&server, "/v1/jobs", "", 5).await;
    assert_eq!(ids(&jobs), expected);
    for job in &jobs {
        let id = job["id"].as_str().unwrap();
        assert_eq!(job["href"], format!("/v1/jobs/{id}"));
        assert_eq!(
            (job["kind"].as_str(), job["state"].as_str()),
            (Some("forecast"), Some("succeeded"))
        );
        assert!(chrono::DateTime::parse_from_rfc3339(job["created_at"].as_str().unwrap()).is_ok());
        assert!(job.get("result").is_none() && job.get("request").is_none(), "{job}");
    }
    // A page size that divides the count: the last full page still says there is no more.
    assert_eq!(ids(&all_pages(&server, "/v1/jobs", "", 4).await), expected);
    assert_eq!(ids(&all_pages(&server, "/v1/jobs", "", 500).await), expected);

    // A job written while a client pages through: the pages still to come neither repeat
    // nor skip an item (it is newer than the cursor, so it is on no later page).
    let (_, first) = server.get("/v1/jobs?limit=5").await;
    let (status, newer) = server.post("/v1/forecasts", &small).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let mut seen = ids(first["items"].as_array().unwrap());
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = server.get(&format!("/v1/jobs?limit=50&cursor={cursor}")).await;
    seen.extend(ids(second["items"].as_array().unwrap()));
    assert_eq!(seen, expected);
    let (_, top) = server.get("/v1/jobs?limit=1").await;
    assert_eq!(top["items"][0]["id"], newer["id"]);
    server.wait_job(newer["id"].as_str().unwrap(), finished).await;

    // Filters: by kind and by state.
    let forecasts = all_pages(&server, "/v1/jobs", "&kind=forecast&state=succeeded", 7).await;
    assert_eq!(forecasts.len(), 13);
    let (status, none) = server.get("/v1/jobs?kind=plan").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none, json!({"items": [], "next_cursor": null}));
    let (_, none) = server.get("/v1/jobs?state=queued").await;
    assert!(none["items"].as_array().unwrap().is_empty(), "{none}");

    // The runs those jobs wrote.
    let listed = all_pages(&server, "/v1/forecasts", "", 5).await;
    assert_eq!(listed.len(), 13);
    for run in &listed[1..] {
        assert!(runs.contains(&run["id"].as_str().unwrap().to_owned()), "{run}");
    }
    let keys: Vec<(String, String)> = listed
        .iter()
        .map(|r| {
            (r["created_at"].as_str().unwrap().to_owned(), r["id"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(ids(&listed), newest_first(keys));
    let run = &listed[0];
    assert_eq!(run["href"], format!("/v1/forecasts/{}", run["id"].as_str().unwrap()));
    assert_eq!((run["kind"].as_str(), run["horizon"].as_u64()), (Some("forecast_run"), Some(7)));
    let (status, _) = server.get(run["href"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_and_cursor_are_bounded_and_checked() {
    let server = Server::fresh(|c| c).await;
    for list in ["/v1/jobs", "/v1/forecasts", "/v1/plans", "/v1/experiments"] {
        let (status, empty) = server.get(list).await;
        assert_eq!(status, StatusCode::OK, "{list}: {empty}");
        assert_eq!(empty, json!({"items": [], "next_cursor": null}), "{list}");
        for limit in ["1", "500"] {
            let (status, _) = server.get(&format!("{list}?limit={limit}")).await;
            assert_eq!(status, StatusCode::OK, "{list} limit {limit}");
        }
        for (limit, code) in [
            ("0", "out_of_range"),
            ("501", "out_of_range"),
            ("-1", "invalid_field"),
            ("x", "invalid_field"),
        ] {
            let (status, body) = server.get(&format!("{list}?limit={limit}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{list} limit {limit}");
            assert_eq!(error_of(&body), (code.into(), Some("limit".into())), "{list}: {body}");
        }
        let long = "ab".repeat(600);
        for cursor in ["zz", "abc", "6331", long.as_str()] {
            let (status, body) = server.get(&format!("{list}?cursor={cursor}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{list} cursor {cursor}");
            assert_eq!(error_of(&body), ("invalid_cursor".into(), Some("cursor".into())));
        }
    }
    // A cursor is its list's own.
    let small = json!({"history": history(1, 30, 5), "horizon": 3, "models": ["seasonal_naive"], "origins": 1});
    for _ in 0..2 {
        let (status, job) = server.post("/v1/forecasts", &small).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        server.wait_job(job["id"].as_str().unwrap(), finished).await;
    }
    let (_, page) = server.get("/v1/jobs?limit=1").await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (status, body) = server.get(&format!("/v1/plans?cursor={cursor}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body), ("invalid_cursor".into(), Some("cursor".into())));
    let (status, body) = server.get("/v1/jobs?kind=cooking").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).1.as_deref(), Some("kind"));
    let (status, body) = server.get("/v1/jobs?page=2").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plans_report_is_served_as_html_once_it_has_succeeded() {
    let scenario = shared("tests/data/valid");
    let server = Server::fresh(|c| {
        c.with_scenario(&scenario).with_workers(1).with_max_body_bytes(32 * 1024 * 1024)
    })
    .await;
    let (status, body) = server.get("/v1/plans/no-such-plan/report").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&body).0, "not_found");

    let (status, job) =
        server.post("/v1/plans", &json!({"seed": 3, "routing": {"max_iterations": 300}})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let job = server.wait_job(&id, finished).await;
    assert_eq!(job["state"], "succeeded", "{job}");

    let url = server.url(&format!("/v1/plans/{id}/report"));
    let r = server.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let headers = r.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-cache");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none'") && !csp.contains("script-src"), "{csp}");
    let html = r.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80.min(html.len())]);
    assert!(html.contains("<h1>Plan for "), "the plan page's heading");
    assert!(!html.contains("<script"));
    let r = server.http.get(&url).header("if-none-match", headers["etag"].clone()).send();
    assert_eq!(r.await.unwrap().status(), StatusCode::NOT_MODIFIED);

    // The list shows the plan with its links.
    let (status, plans) = server.get("/v1/plans").await;
    assert_eq!(status, StatusCode::OK);
    let item = &plans["items"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(
        (item["state"].as_str(), item["href"].as_str()),
        (Some("succeeded"), Some(&*format!("/v1/jobs/{id}")))
    );
    assert_eq!(item["report"], format!("/v1/plans/{id}/report"));

    // A job that is not a plan has no plan report.
    let small = json!({"history": history(1, 30, 5), "horizon": 3, "models": ["seasonal_naive"], "origins": 1});
    let (_, forecast) = server.post("/v1/forecasts", &small).await;
    let forecast = forecast["id"].as_str().unwrap().to_owned();
    server.wait_job(&forecast, finished).await;
    let (status, body) = server.get(&format!("/v1/plans/{forecast}/report")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (_, plans) = server.get("/v1/plans").await;
    assert_eq!(ids(plans["items"].as_array().unwrap()), vec![id.clone()]);

    // A plan that waits behind a long job: 409 until it has succeeded.
    let (status, long) = server.post("/v1/forecasts", &long_forecast()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{long}");
    let long = long["id"].as_str().unwrap().to_owned();
    let running = server.wait_job(&long, |s| s != "queued").await;
    assert_eq!(running["state"], "running", "{running}");
    let (_, waiting) =
        server.post("/v1/plans", &json!({"seed": 4, "routing": {"max_iterations": 10}})).await;
    let waiting = waiting["id"].as_str().unwrap().to_owned();
    let (status, body) = server.get(&format!("/v1/plans/{waiting}/report")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_of(&body).0, "plan_not_succeeded");
    let (_, plans) = server.get("/v1/plans?limit=1").await;
    assert_eq!(plans["items"][0]["id"], waiting.as_str());
    assert!(plans["items"][0]["report"].is_null(), "{plans}");
    let (_, queued) = server.get("/v1/jobs?state=queued").await;
    assert_eq!(ids(queued["items"].as_array().unwrap()), vec![waiting.clone()]);
    server.delete(&format!("/v1/jobs/{waiting}")).await;
    server.delete(&format!("/v1/jobs/{long}")).await;
    server.wait_job(&long, finished).await;
    let (status, body) = server.get(&format!("/v1/plans/{waiting}/report")).await;
    assert_eq!(status, StatusCode::CONFLICT, "a cancelled plan has no report: {body}");
    server.stop().await;
}
