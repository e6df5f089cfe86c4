//! The real `stockroute serve` binary, where a process has to die: a crash (SIGKILL) and a
//! graceful stop (SIGTERM), each followed by a restart on the same store.

use super::{history, long_forecast};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// The real binary, for the tests where a process must die.
struct Process {
    child: std::process::Child,
    base: String,
}

impl Process {
    fn start(store: &Path) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stockroute"))
            .args(["serve", "--addr", "127.0.0.1:0", "--shutdown-grace-s", "0", "--store"])
            .arg(store)
            .args(["--max-body-bytes", "33554432"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        std::io::BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr = line.trim().strip_prefix("listening on ").unwrap().to_owned();
        Process { child, base: format!("http://{addr}") }
    }

    fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        let ok = std::process::Command::new("kill").args([name, pid.as_str()]).status().unwrap();
        assert!(ok.success());
    }
}

async fn submit(http: &reqwest::Client, base: &str, body: &Value) -> String {
    let r = http.post(format!("{base}/v1/forecasts")).json(body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let job: Value = r.json().await.unwrap();
    job["id"].as_str().unwrap().to_owned()
}

async fn job_state(http: &reqwest::Client, base: &str, id: &str) -> Value {
    let r = http.get(format!("{base}/v1/jobs/{id}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn until(http: &reqwest::Client, base: &str, id: &str, want: &[&str]) -> Value {
    let started = Instant::now();
    loop {
        let job = job_state(http, base, id).await;
        if want.contains(&job["state"].as_str().unwrap()) {
            return job;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "{job}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_crash_finished_jobs_stay_readable_and_interrupted_ones_are_failed() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.sqlite");
    let http = reqwest::Client::new();

    let mut first = Process::start(&store);
    let done =
        submit(&http, &first.base, &json!({"history": history(3, 60, 10), "horizon": 7})).await;
    let done_job = until(&http, &first.base, &done, &["succeeded"]).await;
    let long = submit(&http, &first.base, &long_forecast()).await;
    until(&http, &first.base, &long, &["running"]).await;
    first.signal("-KILL");
    first.child.wait().unwrap();

    let mut second = Process::start(&store);
    let after = job_state(&http, &second.base, &done).await;
    assert_eq!(after["state"], "succeeded");
    assert_eq!(after["result"], done_job["result"]);
    let run = after["result"]["run_id"].as_str().unwrap();
    let r = http.get(format!("{}/v1/forecasts/{run}", second.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let interrupted = job_state(&http, &second.base, &long).await;
    assert_eq!(interrupted["state"], "failed", "{interrupted}");
    assert_eq!(interrupted["error"]["code"], "interrupted");
    assert_eq!(interrupted["error"]["message"], "interrupted by restart");

    // SIGTERM: stop accepting, record the running job's end, exit 0.
    let long = submit(&http, &second.base, &long_forecast()).await;
    until(&http, &second.base, &long, &["running"]).await;
    second.signal("-TERM");
    let status = second.child.wait().unwrap();
    assert!(status.success(), "{status}");
    let third = Process::start(&store);
    let ended = job_state(&http, &third.base, &long).await;
    assert_eq!(ended["state"], "failed", "{ended}");
    assert_eq!(ended["error"]["message"], "interrupted by shutdown");
    third.signal("-TERM");
    let mut third = third;
    assert!(third.child.wait().unwrap().success());
}

/// Issue 12, item 5: a second `serve` on a store file that a running one owns is refused
/// with a clear message and touches nothing; the first keeps its jobs and finishes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_a_second_server_on_an_owned_store_is_refused_and_the_first_keeps_its_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("owned.sqlite");
    let http = reqwest::Client::new();
    let mut first = Process::start(&store);
    let long = submit(&http, &first.base, &long_forecast()).await;
    until(&http, &first.base, &long, &["running"]).await;

    let second = std::process::Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["serve", "--addr", "127.0.0.1:0", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("another stockroute process owns this store"), "{stderr}");

    // The first server's job was not marked failed by the refused one.
    let job = job_state(&http, &first.base, &long).await;
    assert_eq!(job["state"], "running", "{job}");
    first.signal("-TERM");
    assert!(first.child.wait().unwrap().success());
    // Once the owner is gone the file can be owned again.
    let mut third = Process::start(&store);
    let r = http.get(format!("{}/v1/jobs/{long}", third.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    third.signal("-TERM");
    assert!(third.child.wait().unwrap().success());
}
