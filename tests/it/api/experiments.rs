//! `POST /v1/experiments` and `GET /v1/experiments/{id}[/report]` on a real server: a
//! small routing experiment runs as a job to a stored, decided record; bad specs and paths
//! are 422s naming the field; unknown ids are 404s; a running experiment can be cancelled.
//! Paths in specs are relative to the server's working directory, which for `cargo test`
//! is the crate root, so `data/routing/...` resolves there.

use super::{Server, error_of, finished};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A routing spec on the repository's small instances, as JSON.
fn routing_spec(name: &str, seeds: &[u64], units: usize, iterations: u64) -> Value {
    json!({
        "name": name,
        "stage": "routing",
        "metric": "cost_per_order",
        "seed": 7,
        "decision": {"min_effect": 0.0, "confidence": 0.95, "units": units, "resamples": 500},
        "units": {"instances": ["data/routing/A-n32-k5.vrp"], "seeds": seeds},
        "champion": {"label": "A", "max_iterations": iterations},
        "challenger": {"label": "B", "max_iterations": iterations, "seed_offset": 1000},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_experiment_runs_as_a_job_and_its_record_and_report_are_served() {
    let server = Server::fresh(|c| c).await;
    let (status, job) = server
        .post("/v1/experiments", &json!({"spec": routing_spec("svc", &[1, 2, 3], 3, 200)}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(job["kind"], "experiment");
    let job = server.wait_job(job["id"].as_str().unwrap(), finished).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let result = &job["result"];
    let id = result["experiment_id"].as_str().unwrap();
    assert_eq!(result["outcome"]["units"].as_array().unwrap().len(), 3);
    assert!(["win", "lose", "inconclusive"].contains(&result["decision"].as_str().unwrap()));
    assert_eq!(job["progress"]["done"], job["progress"]["total"], "{job}");

    let (status, view) = server.get(&format!("/v1/experiments/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["experiment"]["status"], "done");
    assert_eq!(view["experiment"]["planned_units"], 3);
    assert_eq!(view["experiment"]["units_recorded"], 3);
    assert_eq!(view["experiment"]["spec"]["name"], "svc");
    assert_eq!(view["decision"], result["decision"]);
    assert_eq!(view["units"], result["outcome"]["units"]);
    assert!(view["experiment"]["verdict"]["primary"].is_object(), "{view}");

    let r =
        server.http.get(server.url(&format!("/v1/experiments/{id}/report"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("svc"));

    // The list shows it, with its links.
    let (status, list) = server.get("/v1/experiments?limit=10").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert!(list["next_cursor"].is_null());
    let item = &list["items"][0];
    assert_eq!((item["id"].as_str(), item["name"].as_str()), (Some(id), Some("svc")));
    assert_eq!((item["stage"].as_str(), item["status"].as_str()), (Some("routing"), Some("done")));
    assert_eq!(
        (item["planned_units"].as_u64(), item["units_recorded"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(item["decision"], result["decision"]);
    assert_eq!(item["href"], format!("/v1/experiments/{id}"));
    assert_eq!(item["report"], format!("/v1/experiments/{id}/report"));

    let (status, body) = server.get("/v1/experiments/no-such-experiment").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(error_of(&body).0, "not_found");
    let (status, body) = server.get("/v1/experiments/no-such-experiment/report").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // The TOML form of the same spec, under an idempotency key: one job for two requests.
    let toml_text = "name = \"svc-toml\"\nstage = \"routing\"\nmetric = \"cost_per_order\"\n\
         [decision]\nmin_effect = 0.0\nunits = 3\nresamples = 200\n\
         [units]\ninstances = [\"data/routing/A-n32-k5.vrp\"]\nseeds = [4, 5, 6]\n\
         [champion]\nmax_iterations = 100\n[challenger]\nmax_iterations = 200\n";
    let body = json!({"spec_toml": toml_text});
    let send = || {
        server
            .http
            .post(server.url("/v1/experiments"))
            .header("Idempotency-Key", "exp-1")
            .json(&body)
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    let job = server.wait_job(first["id"].as_str().unwrap(), finished).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let id = job["result"]["experiment_id"].as_str().unwrap();
    let (_, view) = server.get(&format!("/v1/experiments/{id}")).await;
    assert_eq!(view["experiment"]["spec"]["challenger"]["max_iterations"], 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_specs_and_paths_are_422_naming_the_field() {
    let server = Server::fresh(|c| c).await;
    let mut wrong_metric = routing_spec("bad", &[1, 2, 3], 3, 10);
    wrong_metric["metric"] = json!("wape");
    let mut escaping = routing_spec("bad", &[1, 2, 3], 3, 10);
    escaping["units"]["instances"] = json!(["data/routing/A-n32-k5.vrp", "../shared/x.vrp"]);
    let mut absolute = routing_spec("bad", &[1, 2, 3], 3, 10);
    absolute["units"]["instances"] = json!(["/etc/passwd"]);
    let mut missing = routing_spec("bad", &[1, 2, 3], 3, 10);
    missing["units"]["instances"] = json!(["data/routing/none.vrp"]);
    let mut unknown = routing_spec("bad", &[1, 2, 3], 3, 10);
    unknown["champion"]["colour"] = json!("red");
    let cases = [
        (json!({"spec": wrong_metric}), "invalid_spec", "spec"),
        (json!({"spec": escaping}), "invalid_path", "spec.units.instances[1]"),
        (json!({"spec": absolute}), "invalid_path", "spec.units.instances[0]"),
        (json!({"spec": missing}), "invalid_path", "spec.units.instances[0]"),
        (json!({"spec_toml": "name = 3"}), "invalid_field", "spec_toml"),
        (json!({}), "missing_field", "spec"),
    ];
    for (body, code, field) in cases {
        let (status, answer) = server.post("/v1/experiments", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {answer}");
        assert_eq!(error_of(&answer), (code.to_owned(), Some(field.to_owned())), "{answer}");
    }
    let (status, answer) = server.post("/v1/experiments", &json!({"spec": unknown})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(error_of(&answer).1.unwrap().starts_with("spec"), "{answer}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_experiment_can_be_cancelled() {
    let server = Server::fresh(|c| c).await;
    let seeds: Vec<u64> = (1..=200).collect();
    let spec = routing_spec("long", &seeds, 200, 1_000_000);
    let (status, job) = server.post("/v1/experiments", &json!({"spec": spec})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap();
    let (status, body) = server.delete(&format!("/v1/jobs/{id}")).await;
    // 200 when it was still queued, 202 when the running solver was asked to stop.
    assert!([StatusCode::OK, StatusCode::ACCEPTED].contains(&status), "{status} {body}");
    let job = server.wait_job(id, finished).await;
    assert_eq!(job["state"], "cancelled", "{job}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_mode_records_pairs_without_changing_answers() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("shadow.toml");
    std::fs::write(
        &spec,
        "name = \"shadow\"\nstage = \"routing\"\nmetric = \"cost_per_order\"\n\
         [decision]\nmin_effect = 0.0\nunits = 3\nresamples = 200\n[units]\nseeds = [1]\n\
         [champion]\nlabel = \"live\"\ntime_limit_s = 0.2\n[challenger]\nlabel = \"short\"\nmax_iterations = 50\n",
    )
    .unwrap();
    let shadowed = Server::fresh(|c| c.with_shadow(&spec)).await;
    let plain = Server::fresh(|c| c).await;
    let (status, view) = shadowed.get("/v1/shadow").await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["experiment"]["status"], "running");
    assert_eq!(view["experiment"]["planned_units"], 3);
    let id = view["experiment"]["id"].as_str().unwrap().to_owned();
    let (status, _) = plain.get("/v1/shadow").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for seed in 0..4u64 {
        let mut problem = super::circle_problem(6, 0.2);
        problem["seed"] = json!(seed);
        let (s1, a) = shadowed.post("/v1/routes", &problem).await;
        let (s2, b) = plain.post("/v1/routes", &problem).await;
        assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{a} {b}");
        for key in ["cost", "distance", "vehicles", "routes", "unserved"] {
            assert_eq!(a[key], b[key], "seed {seed}: `{key}` differs with shadow mode on");
        }
        // Wait for this request's challenger, so the next request is not skipped.
        let want = (seed + 1).min(3);
        let started = std::time::Instant::now();
        loop {
            let (_, view) = shadowed.get(&format!("/v1/experiments/{id}")).await;
            if view["experiment"]["units_recorded"].as_u64().unwrap() >= want {
                break;
            }
            assert!(started.elapsed().as_secs() < 60, "challenger stuck: {view}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    let (_, view) = shadowed.get(&format!("/v1/experiments/{id}")).await;
    assert_eq!(view["experiment"]["status"], "done", "{view}");
    assert_eq!(view["experiment"]["units_recorded"], 3);
    assert_eq!(view["units"].as_array().unwrap().len(), 3);
    assert!(["win", "lose", "inconclusive"].contains(&view["decision"].as_str().unwrap()));
    let metrics =
        shadowed.http.get(shadowed.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("stockroute_shadow_pairs_total{outcome=\"recorded\"} 3"), "{metrics}");
    shadowed.stop().await;
    plain.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_unbounded_spec_numbers_are_422s_and_nothing_is_stored() {
    let server = Server::fresh(|mut c| {
        c.job_deadline_s = 20.0;
        c
    })
    .await;
    let mut resamples = routing_spec("huge", &[1, 2], 2, 10);
    resamples["decision"]["resamples"] = json!(1_000_000_000_000_u64);
    let mut solver = routing_spec("huge", &[1, 2], 2, 10);
    solver["champion"]["solver"] = json!({"avg_removed": 1e18});
    let mut budget = routing_spec("huge", &[1, 2, 3], 3, 10);
    budget["champion"]["time_limit_s"] = json!(10.0);
    budget["challenger"]["time_limit_s"] = json!(10.0);
    let cases = [
        (resamples, "invalid_spec", "spec", "decision.resamples"),
        (solver, "invalid_spec", "spec", "champion.solver.avg_removed"),
        (budget, "out_of_range", "spec.decision.units", "job deadline of 20 s"),
    ];
    for (spec, code, field, says) in cases {
        let (status, answer) = server.post("/v1/experiments", &json!({"spec": spec})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(error_of(&answer), (code.to_owned(), Some(field.to_owned())), "{answer}");
        assert!(answer.to_string().contains(says), "{answer}");
    }
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    let metrics =
        server.http.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let jobs: Vec<&str> = metrics.lines().filter(|l| l.starts_with("stockroute_jobs{")).collect();
    assert_eq!(jobs.len(), 5, "{metrics}");
    assert!(jobs.iter().all(|l| l.ends_with(" 0")), "a refused spec made a job: {jobs:?}");
    server.stop().await;
}

/// A FIFO, a link that leads outside the working directory and a scenario folder holding a
/// FIFO: each is a 422 naming the field, and no answer shows what the outside file holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_fifos_and_links_outside_are_refused_before_any_job() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Under the crate root (the server's working directory), where spec paths resolve.
    let scratch = root.join("target/tmp");
    std::fs::create_dir_all(&scratch).unwrap();
    let dir = tempfile::Builder::new().prefix("r12-paths-").tempdir_in(&scratch).unwrap();
    let rel = dir.path().strip_prefix(root).unwrap().to_owned();
    let mkfifo = |p: &std::path::Path| {
        let ok = std::process::Command::new("mkfifo").arg(p).status().unwrap().success();
        assert!(ok, "mkfifo {}", p.display());
    };
    mkfifo(&dir.path().join("pipe.vrp"));
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "NAME : do-not-echo-me\n").unwrap();
    std::os::unix::fs::symlink(secret.path(), dir.path().join("out.vrp")).unwrap();
    std::fs::create_dir(dir.path().join("scenario")).unwrap();
    mkfifo(&dir.path().join("scenario/demand.csv"));

    let server = Server::fresh(|c| c).await;
    let mut fifo = routing_spec("paths", &[1, 2, 3], 3, 10);
    fifo["units"]["instances"] = json!([rel.join("pipe.vrp")]);
    let mut link = routing_spec("paths", &[1, 2, 3], 3, 10);
    link["units"]["instances"] = json!(["data/routing/A-n32-k5.vrp", rel.join("out.vrp")]);
    let mut folder = routing_spec("paths", &[1, 2, 3], 3, 10);
    folder["units"]["scenarios"] = json!([rel.join("scenario")]);
    let cases = [
        (fifo, "spec.units.instances[0]", "is not a regular file"),
        (link, "spec.units.instances[1]", "leads outside"),
        (folder, "spec.units.scenarios[0]", "is not a regular file"),
    ];
    for (spec, field, says) in cases {
        let (status, answer) = server.post("/v1/experiments", &json!({"spec": spec})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(error_of(&answer), ("invalid_path".to_owned(), Some(field.to_owned())));
        assert!(answer.to_string().contains(says), "{answer}");
        assert!(!answer.to_string().contains("do-not-echo-me"), "{answer}");
    }
    let (status, _) = server.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

/// An experiment left `running` by a process that died is `aborted` once a server owns the
/// store again (one process owns a store file, so nothing else can still be running it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_an_experiment_left_running_by_a_crash_is_aborted_on_restart() {
    use stockroute::experiment::{ExperimentStatus, ExperimentStore, Spec};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let spec: Spec = serde_json::from_value(routing_spec("crashed", &[1, 2], 2, 10)).unwrap();
    let id = {
        let store = stockroute::store::SqliteStore::open(&path).unwrap();
        let id = store.create_experiment(&spec).unwrap();
        assert_eq!(store.experiment(&id).unwrap().status, ExperimentStatus::Running);
        id
    };
    let server = Server::start(stockroute::api::ServiceConfig::new(&path)).await;
    let (status, view) = server.get(&format!("/v1/experiments/{}", id.as_str())).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["experiment"]["status"], "aborted", "{view}");
    assert!(view["experiment"]["verdict"].is_null(), "{view}");
    server.stop().await;
}

/// The handler's checks without a server (what the `api_experiments` fuzz target runs):
/// the budget is judged against the job deadline given, so the same spec passes under a
/// long deadline and is refused under a short one, naming the field.
#[test]
fn check_judges_the_budget_against_the_deadline_it_is_given() {
    use stockroute::api::ApiError;
    use stockroute::api::handlers::experiments::{ExperimentRequest, check};
    let mut spec = routing_spec("budget", &[1, 2, 3], 3, 10);
    spec["champion"]["time_limit_s"] = json!(10.0);
    spec["challenger"]["time_limit_s"] = json!(10.0);
    let request = ExperimentRequest {
        spec: Some(serde_json::from_value(spec).unwrap()),
        ..Default::default()
    };
    assert!(check(request.clone(), 60.0).is_ok(), "3 units x 2 arms x 10 s fit in 60 s");
    match check(request, 20.0) {
        Err(ApiError::InvalidField { code, field, message }) => {
            assert_eq!((code, field.as_str()), ("out_of_range", "spec.decision.units"));
            assert!(message.contains("job deadline of 20 s"), "{message}");
        }
        other => panic!("60 s of planned solving under a 20 s deadline: {other:?}"),
    }
}
