//! The dispatch stage on the invented fixture (data/dispatch): every policy plays a valid
//! episode, the replay catches what a tampered solution breaks, and the CLI's exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;
use stockroute::SolveContext;
use stockroute::dispatch::replay::{parse_log, to_json};
use stockroute::dispatch::{Episode, Instance, PolicyName, RequestId, RuleBreak, play, replay};
use stockroute::routing::SolverConfig;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn fixture() -> (Instance, Episode) {
    let instance = Instance::read(&repo("data/dispatch/tiny-n12.txt")).unwrap();
    let episode = Episode::read(&repo("data/dispatch/tiny-n12-s1.csv"), &instance).unwrap();
    (instance, episode)
}

fn stockroute(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockroute")).args(args).output().unwrap()
}

#[test]
fn the_fixture_reads_as_documented() {
    let (instance, episode) = fixture();
    assert_eq!(instance.customers(), 12);
    assert_eq!((episode.start_epoch, episode.end_epoch), (0, 3));
    assert_eq!(episode.requests.len(), 21);
}

#[test]
fn every_policy_plays_a_valid_episode_that_the_replay_confirms() {
    let (instance, episode) = fixture();
    for name in PolicyName::ALL {
        let mut policy = name.build(SolverConfig::default().with_max_iterations(300));
        let ctx = SolveContext::new(3);
        let played =
            play(&instance, &episode, policy.as_mut(), Duration::from_secs(2), &ctx).unwrap();
        let again = replay(&instance, &episode, &parse_log(&to_json(&played.log)).unwrap());
        assert!(again.is_valid(), "{name}: {:?}", again.violations);
        assert_eq!(again.cost_s, played.replay.cost_s, "{name}");
        let sent: usize = played.log.values().flatten().map(Vec::len).sum();
        assert_eq!(sent, episode.requests.len(), "{name}: every request once");
        if name == PolicyName::Lazy {
            for (&epoch, routes) in &played.log {
                for id in routes.iter().flatten() {
                    let r = episode.request(*id).unwrap();
                    assert!(r.must_dispatch_epoch == epoch || epoch == episode.end_epoch);
                }
            }
        }
        if name == PolicyName::Greedy {
            let first = &played.log[&episode.start_epoch];
            let released = episode.requests.iter().filter(|r| r.release_epoch == 0).count();
            assert_eq!(first.iter().map(Vec::len).sum::<usize>(), released);
        }
    }
}

#[test]
fn the_replay_reports_a_dropped_and_a_doubled_request() {
    let (instance, episode) = fixture();
    let mut policy = PolicyName::Greedy.build(SolverConfig::default().with_max_iterations(200));
    let played =
        play(&instance, &episode, policy.as_mut(), Duration::from_secs(2), &SolveContext::new(1))
            .unwrap();
    let mut log = played.log.clone();
    let last = log.get_mut(&episode.end_epoch).unwrap();
    let dropped = last[0].remove(0);
    if last[0].is_empty() {
        last.remove(0);
    }
    let r = replay(&instance, &episode, &log);
    assert!(r.violations.contains(&(3, RuleBreak::MustDispatch { request: dropped.0 })));
    let mut log = played.log.clone();
    let first = log[&0][0][0];
    log.get_mut(&1).unwrap().push(vec![first]);
    let r = replay(&instance, &episode, &log);
    assert!(r.violations.contains(&(1, RuleBreak::Twice { request: first.0 })), "{r:?}");
    let mut log = played.log;
    log.get_mut(&0).unwrap().push(vec![RequestId(99)]);
    let r = replay(&instance, &episode, &log);
    assert!(r.violations.iter().any(|(_, b)| matches!(b, RuleBreak::UnknownRequest { .. })));
}

#[test]
fn the_cli_plays_writes_and_checks_an_episode() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("solution.json");
    let instance = repo("data/dispatch/tiny-n12.txt");
    let episode = repo("data/dispatch/tiny-n12-s1.csv");
    let (i, e, o) = (instance.to_str().unwrap(), episode.to_str().unwrap(), out.to_str().unwrap());
    let played = stockroute(&[
        "dispatch",
        i,
        "--episode",
        e,
        "--epoch-time-limit-s",
        "0.5",
        "--policy",
        "sampling",
        "--out",
        o,
    ]);
    assert!(played.status.success(), "{}", String::from_utf8_lossy(&played.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&played.stdout).unwrap();
    assert_eq!(summary["valid"], true);
    let checked = stockroute(&["dispatch", i, "--episode", e, "--check", o]);
    assert!(checked.status.success());
    let verdict: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    assert_eq!(verdict["cost"], summary["cost"]);
    // A solution that leaves everything out fails its must-dispatch rules: exit 1.
    std::fs::write(&out, "{}").unwrap();
    let refused = stockroute(&["dispatch", i, "--episode", e, "--check", o]);
    assert_eq!(refused.status.code(), Some(1));
    let verdict: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(verdict["valid"], false);
}

#[test]
fn the_cli_refuses_an_episode_that_disagrees_with_the_rules_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("data/dispatch/tiny-n12-s1.csv")).unwrap();
    let broken = text.replacen("\n1,0,1,6,", "\n1,0,3,6,", 1);
    assert_ne!(broken, text);
    let path = dir.path().join("e.csv");
    std::fs::write(&path, broken).unwrap();
    let instance = repo("data/dispatch/tiny-n12.txt");
    let o = stockroute(&[
        "dispatch",
        instance.to_str().unwrap(),
        "--episode",
        path.to_str().unwrap(),
        "--epoch-time-limit-s",
        "0.2",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 2") && err.contains("must_dispatch_epoch 3"), "{err}");
}

/// Request streams drawn like the environment's (location, window, demand and service of
/// four customers, kept when feasible alone from the release epoch) on the fixture's
/// instance, `per_epoch` draws per epoch.
fn random_episode(instance: &Instance, draws: &[[usize; 4]], per_epoch: usize) -> Episode {
    use stockroute::dispatch::ortec::{Request, departure_s, must_dispatch_epoch};
    let (start, end) = instance.epochs();
    let mut requests = Vec::new();
    for (k, d) in draws.iter().enumerate() {
        let epoch = start + (k / per_epoch) as u32;
        if epoch > end {
            break;
        }
        let [loc, tw, dem, svc] = d.map(|x| 1 + x % instance.customers());
        let (ready, due) = (instance.nodes[tw].ready_s, instance.nodes[tw].due_s);
        let service = instance.nodes[svc].service_s;
        if !instance.fits_alone(loc, ready, due, service, departure_s(epoch)) {
            continue;
        }
        let must = must_dispatch_epoch(instance, loc, ready, due, service, epoch, end);
        requests.push(Request {
            id: RequestId(requests.len() as u32 + 1),
            release_epoch: epoch,
            must_dispatch_epoch: must,
            node: loc,
            ready_s: ready,
            due_s: due,
            service_s: service,
            demand: instance.nodes[dem].demand,
        });
    }
    Episode { start_epoch: start, end_epoch: end, requests }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Whatever arrives, every policy dispatches every request exactly once, must-dispatch
    /// ones in their epoch, on routes the replay accepts.
    #[test]
    fn every_policy_keeps_the_rules_on_random_arrivals(
        draws in proptest::collection::vec(proptest::array::uniform4(0usize..1000), 4..40),
        seed in 0u64..1000,
    ) {
        let (instance, _) = fixture();
        let episode = random_episode(&instance, &draws, 10);
        for name in PolicyName::ALL {
            let mut policy = name.build(SolverConfig::default().with_max_iterations(100));
            let ctx = SolveContext::new(seed);
            let played =
                play(&instance, &episode, policy.as_mut(), Duration::from_secs(5), &ctx).unwrap();
            let again = replay(&instance, &episode, &played.log);
            proptest::prop_assert!(again.is_valid(), "{}: {:?}", name, again.violations);
            let sent: usize = played.log.values().flatten().map(Vec::len).sum();
            proptest::prop_assert_eq!(sent, episode.requests.len());
        }
    }
}

/// The controller's side of the JSON-lines protocol, played by the test: the binary asks
/// for a reset, gets a two-epoch episode, answers each epoch with valid routes and exits 0.
#[test]
fn the_protocol_mode_speaks_the_controllers_json_lines() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["dispatch", "--protocol", "--policy", "sampling"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut to = child.stdin.take().unwrap();
    let mut from = BufReader::new(child.stdout.take().unwrap());
    let mut read = || {
        let mut line = String::new();
        from.read_line(&mut line).unwrap();
        serde_json::from_str::<serde_json::Value>(&line).unwrap()
    };
    assert_eq!(read(), serde_json::json!({"action": "reset", "data": null}));
    let context = r#"{"is_depot": [true, false, false], "coords": [[0, 0], [1, 0], [1, 1]],
        "demands": [0, 3, 4], "capacity": 10,
        "time_windows": [[0, 20000], [4000, 12000], [8000, 16000]], "service_times": [0, 60, 60],
        "duration_matrix": [[0, 600, 700], [600, 0, 300], [700, 300, 0]]}"#;
    let epoch = |e: u32, p: i64, ids: &str, nodes: &str, must: &str, tws: &str| {
        format!(
            r#"{{"current_epoch": {e}, "current_time": {}, "planning_starttime": {p},
            "epoch_instance": {{"customer_idx": {nodes}, "request_idx": {ids},
            "demands": [0, 3], "capacity": 10, "time_windows": {tws}, "service_times": [0, 60],
            "duration_matrix": [[0, 600], [600, 0]], "must_dispatch": {must}}}}}"#,
            p - 3600
        )
        .replace('\n', " ")
    };
    let first = epoch(0, 3600, "[0, 1]", "[0, 1]", "[false, false]", "[[0, 16400], [400, 8400]]");
    let reset = format!(
        r#"{{"observation": {first}, "info": {{"dynamic_context": {}, "is_static": false,
        "start_epoch": 0, "end_epoch": 1, "num_epochs": 2, "epoch_tlim": 1}}}}"#,
        context.replace('\n', " ")
    )
    .replace('\n', " ");
    writeln!(to, "{reset}").unwrap();
    // Nothing must go in epoch 0: the sampling policy waits.
    assert_eq!(read(), serde_json::json!({"action": "step", "data": []}));
    let second = epoch(1, 7200, "[0, 1]", "[0, 1]", "[false, true]", "[[0, 12800], [0, 4800]]");
    writeln!(
        to,
        r#"{{"observation": {second}, "reward": 0, "done": false, "info": {{"error": null}}}}"#
    )
    .unwrap();
    assert_eq!(read(), serde_json::json!({"action": "step", "data": [[1]]}));
    writeln!(
        to,
        r#"{{"observation": null, "reward": -1200, "done": true, "info": {{"error": null}}}}"#
    )
    .unwrap();
    assert!(child.wait().unwrap().success());
}
