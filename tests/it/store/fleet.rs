//! Issue 17's fault test: real processes on 127.0.0.1, 2 `serve` (`--workers 0`: they only
//! queue and answer) and 3 `stockroute worker` on one PostgreSQL schema, 200 tiny jobs of
//! mixed kinds (route jobs, forecasts, experiments), one worker killed with SIGKILL while
//! it holds a job, one server restarted, ten jobs cancelled through the server that did not
//! take them. Every job must end exactly once (succeeded with its result, or failed with a
//! reason, or cancelled when and only when it was cancelled), on every server alike.
//!
//! Skipped (said on stderr) without `STOCKROUTE_TEST_POSTGRES_URL`; bounded: about 650
//! HTTP requests and 150 s at most. Its figures (jobs, wall time, retries) are printed
//! with `--nocapture` for docs/benchmarks.md.

use super::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The lease of the workers: a killed worker's job is retried about this long after.
const LEASE_S: &str = "2";

/// Every job of the test ends within this.
const BUDGET: Duration = Duration::from_secs(150);

/// The ids of the processes this test started.
static STARTED: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

fn started(child: Child) -> Child {
    STARTED.lock().unwrap_or_else(|e| e.into_inner()).push(child.id());
    child
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(store: &Path) -> Self {
        use std::io::BufRead;
        let child = Command::new(env!("CARGO_BIN_EXE_stockroute"))
            .args(["serve", "--addr", "127.0.0.1:0", "--workers", "0", "--queue", "1000"])
            .args(["--shutdown-grace-s", "0", "--store"])
            .arg(store)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut child = started(child);
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        std::io::BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr = line.trim().strip_prefix("listening on ").unwrap().to_owned();
        Server { child, base: format!("http://{addr}") }
    }
}

fn start_worker(store: &Path) -> Child {
    started(
        Command::new(env!("CARGO_BIN_EXE_stockroute"))
            .args(["worker", "--concurrency", "2", "--threads-per-job", "1", "--lease-s", LEASE_S])
            .args(["--shutdown-grace-s", "5", "--store"])
            .arg(store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

fn signal(child: &Child, name: &str) {
    let pid = child.id().to_string();
    assert!(Command::new("kill").args([name, pid.as_str()]).status().unwrap().success());
}

/// A three-stop routing job; `time_limit_s` long ones keep a worker busy.
fn route(seed: u64, time_limit_s: f64, max_iterations: u64) -> Value {
    json!({
        "name": format!("square-{seed}"),
        "locations": {"coordinates": [[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]},
        "depots": [{"id": "hub", "location": 0}],
        "vehicles": [{"id": "van", "count": 2, "capacity": [10], "start_depot": "hub"}],
        "stops": [
            {"id": "a", "location": 1, "demand": [1]},
            {"id": "b", "location": 2, "demand": [1]},
            {"id": "c", "location": 3, "demand": [1]},
            {"id": "d", "location": 4, "demand": [1]}
        ],
        "time_limit_s": time_limit_s,
        "max_iterations": max_iterations,
        "seed": seed
    })
}

fn forecast(n: usize) -> Value {
    json!({"history": crate::api::history(3 + n % 3, 60, 10), "horizon": 7})
}

fn experiment(n: u64) -> Value {
    json!({"spec": {
        "name": format!("fleet-{n}"),
        "stage": "routing",
        "metric": "cost_per_order",
        "seed": n,
        "decision": {"min_effect": 0.0, "confidence": 0.95, "units": 3, "resamples": 100},
        "units": {"instances": ["data/routing/A-n32-k5.vrp"], "seeds": [1, 2, 3]},
        "champion": {"label": "A", "max_iterations": 30},
        "challenger": {"label": "B", "max_iterations": 30, "seed_offset": 1000},
    }})
}

/// The job `i` of 200: its path, body and kind.
fn job(i: usize) -> (&'static str, Value, &'static str) {
    match i % 20 {
        // Slow enough to be held when a worker is killed.
        0 => ("/v1/routes/jobs", route(i as u64, 1.5, 10_000_000), "slow"),
        // Cancelled once submitted (queued or running, whichever it is by then).
        1 => ("/v1/routes/jobs", route(i as u64, 30.0, 10_000_000), "cancel"),
        2..=5 => ("/v1/forecasts", forecast(i), "forecast"),
        6 | 7 => ("/v1/experiments", experiment(i as u64), "experiment"),
        _ => ("/v1/routes/jobs", route(i as u64, 1.0, 50), "route"),
    }
}

async fn post(http: &reqwest::Client, servers: &[&str], path: &str, body: &Value) -> String {
    for _ in 0..100 {
        for base in servers {
            let Ok(r) = http.post(format!("{base}{path}")).json(body).send().await else {
                continue; // a server restarting: the other one takes it
            };
            let status = r.status();
            let job: Value = r.json().await.unwrap();
            assert_eq!(status, StatusCode::ACCEPTED, "{path}: {job}");
            return job["id"].as_str().unwrap().to_owned();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no server took the job");
}

/// Raw SQL on the test schema.
fn sql(url: &str) -> ::postgres::Client {
    ::postgres::Client::connect(url, ::postgres::NoTls).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_2_servers_3_workers_every_job_ends_once_through_a_kill_and_a_restart() {
    // The blocking PostgreSQL client runs a runtime of its own: off this one's threads.
    let Some(backend) = blocking(Backend::postgres) else { return };
    let Backend::Postgres { url, .. } = &backend else { unreachable!() };
    let url = url.clone();
    let url = url.as_str();
    let store = backend.location();
    blocking(|| drop(backend.open())); // migrated once, before five processes open it
    let _cleanup = Cleanup(Some(backend));
    let started = Instant::now();
    let mut servers = vec![Server::start(&store), Server::start(&store)];
    let mut workers: Vec<Child> = (0..3).map(|_| start_worker(&store)).collect();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();

    let mut kinds: HashMap<String, &'static str> = HashMap::new();
    let mut order = Vec::new();
    let submit_range = async |range: std::ops::Range<usize>, bases: Vec<String>| {
        let mut ids = Vec::new();
        for i in range {
            let (path, body, kind) = job(i);
            // Alternate the servers; both answer for every job.
            let first = &bases[i % bases.len()];
            let refs: Vec<&str> =
                std::iter::once(first.as_str()).chain(bases.iter().map(String::as_str)).collect();
            ids.push((post(&http, &refs, path, &body).await, kind));
        }
        ids
    };
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    for (id, kind) in submit_range(0..100, bases.clone()).await {
        kinds.insert(id.clone(), kind);
        order.push(id);
    }

    // SIGKILL a worker while it holds a slow job: its lease token names its process.
    let mut db = Db(blocking(|| Some(sql(url))));
    let slow: Vec<String> = order.iter().filter(|id| kinds[*id] == "slow").cloned().collect();
    let (killed_job, killed_pid) = loop {
        assert!(started.elapsed() < BUDGET, "no slow job ever ran");
        let rows = db.run(|c| {
            c.query(
                "SELECT id, lease_token FROM job WHERE state = 'running' AND id = ANY($1)",
                &[&slow],
            )
            .unwrap()
        });
        let held = rows.iter().find_map(|r| {
            let token: String = r.get(1);
            let pid: u32 = token.strip_prefix('w')?.split('-').next()?.parse().ok()?;
            Some((r.get::<_, String>(0), pid))
        });
        if let Some(found) = held
            && workers.iter().any(|w| w.id() == found.1)
        {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let at = workers.iter().position(|w| w.id() == killed_pid).unwrap();
    let mut victim = workers.remove(at);
    signal(&victim, "-KILL");
    victim.wait().unwrap();

    // Restart one server (SIGTERM, then a new process on the same store) while jobs run.
    let mut old = servers.remove(0);
    signal(&old.child, "-TERM");
    assert!(old.child.wait().unwrap().success());
    servers.insert(0, Server::start(&store));
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    for (id, kind) in submit_range(100..200, bases.clone()).await {
        kinds.insert(id.clone(), kind);
        order.push(id);
    }

    // Cancel through the other server than the one the job's index sent it to.
    let mut cancelled = HashSet::new();
    for (i, id) in order.iter().enumerate().filter(|(_, id)| kinds[*id] == "cancel") {
        let base = &bases[(i + 1) % bases.len()];
        let r = http.delete(format!("{base}/v1/jobs/{id}")).send().await.unwrap();
        assert!([StatusCode::OK, StatusCode::ACCEPTED].contains(&r.status()), "{id}");
        cancelled.insert(id.clone());
    }

    // Wait (on the database, not by HTTP polling) for every job to end.
    loop {
        let open: i64 = db.run(|c| {
            c.query_one("SELECT COUNT(*) FROM job WHERE state IN ('queued', 'running')", &[])
                .unwrap()
                .get(0)
        });
        if open == 0 {
            break;
        }
        assert!(started.elapsed() < BUDGET, "{open} jobs still open after {BUDGET:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wall = started.elapsed();

    // Every server answers every job alike, and each ended as it should.
    let mut runs = HashSet::new();
    let mut experiments = HashSet::new();
    let (mut succeeded, mut failed) = (0, 0);
    for id in &order {
        let mut seen = Vec::new();
        for base in &bases {
            let r = http.get(format!("{base}/v1/jobs/{id}")).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            seen.push(r.json::<Value>().await.unwrap());
        }
        assert_eq!(seen[0], seen[1], "two servers, one job");
        let job = &seen[0];
        let state = job["state"].as_str().unwrap();
        if cancelled.contains(id) {
            assert_eq!(state, "cancelled", "{job}");
            assert!(job["result"].is_null());
            continue;
        }
        match state {
            "succeeded" => {
                succeeded += 1;
                let result = &job["result"];
                match kinds[id] {
                    "forecast" => {
                        assert!(runs.insert(result["run_id"].as_str().unwrap().to_owned()));
                    }
                    "experiment" => assert!(
                        experiments.insert(result["experiment_id"].as_str().unwrap().to_owned())
                    ),
                    _ => assert!(result["routes"].is_array(), "{job}"),
                }
            }
            "failed" => {
                failed += 1;
                let error = &job["error"];
                assert!(!error["code"].as_str().unwrap().is_empty(), "{job}");
                assert!(!error["message"].as_str().unwrap().is_empty(), "{job}");
            }
            other => panic!("job {id} ended {other}, never cancelled: {job}"),
        }
    }
    // Each forecast job's run is in the store; a run of a killed attempt is the only
    // other kind of run there could be.
    let (stored_runs, jobs, attempts, most, unclaimed, killed) = db.run(|c| {
        let runs: i64 = c.query_one("SELECT COUNT(*) FROM forecast_run", &[]).unwrap().get(0);
        let r = c
            .query_one("SELECT COUNT(*), SUM(attempts)::BIGINT, MAX(attempts) FROM job", &[])
            .unwrap();
        let (jobs, attempts, most): (i64, i64, i32) = (r.get(0), r.get(1), r.get(2));
        // Jobs cancelled while queued were never claimed: no first attempt.
        let unclaimed: i64 =
            c.query_one("SELECT COUNT(*) FROM job WHERE attempts = 0", &[]).unwrap().get(0);
        let r =
            c.query_one("SELECT state, attempts FROM job WHERE id = $1", &[&killed_job]).unwrap();
        let killed: (String, i32) = (r.get(0), r.get(1));
        (runs, jobs, attempts, most, unclaimed, killed)
    });
    assert_eq!(jobs, 200);
    assert_eq!(killed, ("succeeded".to_owned(), 2), "the killed worker's job, retried once");
    assert!(most <= 3, "at most 3 attempts");
    assert!(stored_runs as usize >= runs.len() && stored_runs - runs.len() as i64 <= 1);
    eprintln!(
        "fleet: {jobs} jobs ({succeeded} succeeded, {failed} failed, {} cancelled) in {:.1} s \
         wall; {} retries (attempts beyond the first); killed job {killed_job}",
        cancelled.len(),
        wall.as_secs_f64(),
        attempts - (jobs - unclaimed),
    );
    assert_eq!(failed, 0, "tiny jobs on live workers do not fail");

    for mut w in workers {
        signal(&w, "-TERM");
        assert!(w.wait().unwrap().success());
    }
    for mut s in servers {
        signal(&s.child, "-TERM");
        assert!(s.child.wait().unwrap().success());
    }
    drop(db);
}

/// Kills the test's processes still running (a failed assertion) and drops the schema, off
/// the runtime's threads.
struct Cleanup(Option<Backend>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(backend) = self.0.take() {
            for pid in STARTED.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
                // By id: only this test's children (gone ones just answer "no such process").
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .stderr(Stdio::null())
                    .status();
            }
            blocking(move || drop(backend));
        }
    }
}

fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// A raw connection used off the runtime's threads, and dropped there too.
struct Db(Option<::postgres::Client>);

impl Db {
    fn run<T>(&mut self, f: impl FnOnce(&mut ::postgres::Client) -> T) -> T {
        let client = self.0.as_mut().expect("open until dropped");
        blocking(|| f(client))
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            blocking(|| drop(client));
        }
    }
}

/// The queue's own cost per job: claim + one heartbeat + finish of no-op jobs, with 1 and
/// 3 workers (each its own store, as separate processes would be), on each backend (a
/// measurement, not a check: `cargo test --release --test it store::fleet::queue_overhead
/// -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement; run on purpose"]
fn queue_overhead_per_job() {
    use stockroute::store::jobs::{JobOutcome, JobProgress, JobStore, NewJob};
    use stockroute::store::queue::JobQueue;
    const JOBS: usize = 2000;
    let mut backends = vec![("sqlite", Backend::sqlite(), vec![1])];
    backends.extend(Backend::postgres().map(|b| ("postgres", b, vec![1, 3])));
    for (name, backend, fleets) in &backends {
        for &workers in fleets {
            let store = backend.open();
            for i in 0..JOBS {
                let job = NewJob {
                    kind: "noop".into(),
                    idempotency_key: None,
                    request_digest: format!("{workers}-{i}"),
                    request: serde_json::json!({}),
                };
                store.create_job(&job).unwrap();
            }
            let started = Instant::now();
            let done: usize = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|w| {
                        // SQLite has one owning process: its workers share its store.
                        let own = (*name == "postgres").then(|| backend.open());
                        let store = &store;
                        scope.spawn(move || {
                            let store = own.as_ref().unwrap_or(store);
                            let mut n = 0;
                            let p = JobProgress::default();
                            let lease = Duration::from_secs(30);
                            while let Some(c) = store.claim_job(&format!("b{w}"), lease).unwrap() {
                                store.renew_lease(&c.lease, lease, &p).unwrap();
                                let out = JobOutcome::Succeeded(serde_json::json!({"ok": true}));
                                assert!(store.finish_leased(&c.lease, &out, &p).unwrap());
                                n += 1;
                            }
                            n
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).sum()
            });
            let s = started.elapsed().as_secs_f64();
            assert_eq!(done, JOBS);
            eprintln!(
                "{name}, {workers} worker(s): {JOBS} no-op jobs in {s:.2} s = {:.0} jobs/s \
                 ({:.2} ms per job per worker: claim + heartbeat + finish)",
                JOBS as f64 / s,
                s * 1000.0 * workers as f64 / JOBS as f64
            );
            // The next fleet starts on an empty queue.
            backend.execute("DELETE FROM job").unwrap();
        }
    }
}
