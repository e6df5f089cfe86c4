//! stockroute's own replay of the dynamic rules: it takes the routes dispatched per epoch
//! (the controller's output, `{"<epoch>": [[request ids], ...]}`) and re-checks every rule
//! from the instance and the episode alone, sharing no code with the policies or the
//! solver: every request dispatched once, not before its release and not after its
//! must-dispatch epoch, every route within capacity, every service started by its due
//! time on a route that leaves the depot at the epoch's departure, back by the depot's
//! due time. The score is the total driving duration (waiting and service not counted).

use crate::dispatch::error::{DispatchError, RuleBreak};
use crate::dispatch::ortec::{Episode, Instance, RequestId, departure_s};
use std::collections::BTreeMap;
use std::path::Path;

/// The routes dispatched in each epoch, as request ids (the controller's output shape).
pub type DispatchLog = BTreeMap<u32, Vec<Vec<RequestId>>>;

/// Largest solution file accepted, in bytes.
pub const MAX_SOLUTION_BYTES: u64 = 64 << 20;

/// The outcome of a replay.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Replay {
    /// Total driving duration of every dispatched route, seconds.
    pub cost_s: i64,
    /// Driving duration per epoch, seconds.
    pub epoch_cost_s: BTreeMap<u32, i64>,
    /// Every rule broken, with its epoch (empty for a valid episode).
    pub violations: Vec<(u32, RuleBreak)>,
}

impl Replay {
    /// Whether every rule holds.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Replays a whole episode's dispatch log.
pub fn replay(instance: &Instance, episode: &Episode, log: &DispatchLog) -> Replay {
    let mut out = Replay::default();
    let (start, end) = (episode.start_epoch, episode.end_epoch);
    for &epoch in log.keys() {
        if !(start..=end).contains(&epoch) {
            out.violations.push((epoch, RuleBreak::OutsideEpisode { start, end }));
        }
    }
    let mut dispatched = vec![None; episode.requests.len()];
    for epoch in start..=end {
        let routes = log.get(&epoch).map_or(&[][..], Vec::as_slice);
        let (cost, broken) = check_epoch(instance, episode, epoch, &mut dispatched, routes);
        out.cost_s += cost;
        out.epoch_cost_s.insert(epoch, cost);
        out.violations.extend(broken.into_iter().map(|b| (epoch, b)));
    }
    out
}

/// Checks the routes dispatched in one epoch, given which requests earlier epochs
/// dispatched (`dispatched[i]`: the epoch of request `i + 1`, updated here), and returns
/// their driving duration with every rule they break.
pub fn check_epoch(
    instance: &Instance,
    episode: &Episode,
    epoch: u32,
    dispatched: &mut [Option<u32>],
    routes: &[Vec<RequestId>],
) -> (i64, Vec<RuleBreak>) {
    let mut broken = Vec::new();
    let mut cost = 0;
    let depot_due = instance.nodes[0].due_s;
    for (ri, route) in routes.iter().enumerate() {
        if route.is_empty() {
            broken.push(RuleBreak::EmptyRoute { route: ri });
            continue;
        }
        let (mut now, mut at, mut load) = (departure_s(epoch), 0usize, 0i64);
        for &id in route {
            let Some(r) = episode.request(id) else {
                broken.push(RuleBreak::UnknownRequest { route: ri, request: id.0 });
                continue;
            };
            let slot = &mut dispatched[id.0 as usize - 1];
            if slot.is_some() {
                broken.push(RuleBreak::Twice { request: id.0 });
            }
            *slot = Some(epoch);
            if r.release_epoch > epoch {
                broken.push(RuleBreak::NotReleased { request: id.0, released: r.release_epoch });
            }
            cost += instance.duration_s[at][r.node];
            let start = (now + instance.duration_s[at][r.node]).max(r.ready_s);
            if start > r.due_s {
                broken.push(RuleBreak::Late {
                    route: ri,
                    request: id.0,
                    start_s: start,
                    due_s: r.due_s,
                });
            }
            now = start + r.service_s;
            load += r.demand;
            at = r.node;
        }
        cost += instance.duration_s[at][0];
        let back = now + instance.duration_s[at][0];
        if back > depot_due {
            broken.push(RuleBreak::DepotLate { route: ri, back_s: back, due_s: depot_due });
        }
        if load > instance.capacity {
            broken.push(RuleBreak::Capacity { route: ri, load, capacity: instance.capacity });
        }
    }
    let last = epoch == episode.end_epoch;
    for (r, slot) in episode.requests.iter().zip(dispatched.iter()) {
        let due_now = r.must_dispatch_epoch == epoch || (last && r.release_epoch <= epoch);
        if due_now && slot.is_none() {
            broken.push(RuleBreak::MustDispatch { request: r.id.0 });
        }
    }
    (cost, broken)
}

/// The log as the controller writes it: `{"<epoch>": [[ids], ...], ...}`.
pub fn to_json(log: &DispatchLog) -> String {
    serde_json::to_string(log).unwrap_or_else(|_| "{}".into())
}

/// Parses a log in the controller's shape.
///
/// # Errors
/// [`DispatchError::Solution`] when the JSON is malformed or an epoch key is not an
/// integer.
pub fn parse_log(text: &str) -> Result<DispatchLog, DispatchError> {
    let bad = |message: String| DispatchError::Solution { file: None, message };
    let raw: BTreeMap<String, Vec<Vec<u32>>> =
        serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let mut log = DispatchLog::new();
    for (key, routes) in raw {
        let epoch: u32 =
            key.parse().map_err(|_| bad(format!("epoch key `{key}` is not an integer")))?;
        log.insert(
            epoch,
            routes.into_iter().map(|r| r.into_iter().map(RequestId).collect()).collect(),
        );
    }
    Ok(log)
}

/// Reads a log file in the controller's shape.
///
/// # Errors
/// [`DispatchError::Io`], or [`DispatchError::Solution`] naming the file.
pub fn read_log(path: &Path) -> Result<DispatchLog, DispatchError> {
    let io = |source| DispatchError::Io { path: path.to_path_buf(), source };
    let len = std::fs::metadata(path).map_err(io)?.len();
    let file = Some(path.to_path_buf());
    if len > MAX_SOLUTION_BYTES {
        let message = format!("{len} bytes, over the limit of {MAX_SOLUTION_BYTES}");
        return Err(DispatchError::Solution { file, message });
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    parse_log(&text).map_err(|e| match e {
        DispatchError::Solution { message, .. } => DispatchError::Solution { file, message },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::ortec::tests::{STREAM, tiny};

    fn ids(routes: &[&[u32]]) -> Vec<Vec<RequestId>> {
        routes.iter().map(|r| r.iter().map(|&i| RequestId(i)).collect()).collect()
    }

    fn run(log: &[(u32, &[&[u32]])]) -> Replay {
        let i = tiny();
        let e = Episode::parse(STREAM, &i).unwrap();
        let log: DispatchLog = log.iter().map(|(k, r)| (*k, ids(r))).collect();
        replay(&i, &e, &log)
    }

    #[test]
    fn a_valid_log_scores_its_driving_duration() {
        let r = run(&[(0, &[&[1]]), (1, &[&[2]])]);
        assert!(r.is_valid(), "{:?}", r.violations);
        assert_eq!(r.cost_s, 1200 + 1400);
        let both = run(&[(1, &[&[1, 2]])]);
        assert!(both.is_valid(), "{:?}", both.violations);
        assert_eq!(both.cost_s, 600 + 300 + 700);
        assert_eq!(both.epoch_cost_s[&0], 0);
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let v = run(&[(0, &[&[1, 2], &[]]), (2, &[])]).violations;
        assert!(v.contains(&(0, RuleBreak::NotReleased { request: 2, released: 1 })), "{v:?}");
        assert!(v.contains(&(0, RuleBreak::EmptyRoute { route: 1 })), "{v:?}");
        assert!(v.contains(&(2, RuleBreak::OutsideEpisode { start: 0, end: 1 })), "{v:?}");
        let v = run(&[(0, &[&[1]]), (1, &[&[1]])]).violations;
        assert!(v.contains(&(1, RuleBreak::Twice { request: 1 })), "{v:?}");
        assert!(v.contains(&(1, RuleBreak::MustDispatch { request: 2 })), "{v:?}");
        let v = run(&[(1, &[&[2, 1, 7]])]).violations;
        assert!(v.contains(&(1, RuleBreak::UnknownRequest { route: 0, request: 7 })), "{v:?}");
    }

    #[test]
    fn late_service_a_late_return_and_overload_are_caught() {
        let i = tiny();
        let text = "request,release_epoch,must_dispatch_epoch,node,ready,due,service,demand\n\
            1,0,1,1,4000,12000,60,6\n2,0,1,2,8000,16000,11250,6\n3,1,1,1,4000,8000,60,3\n";
        let e = Episode::parse(text, &i).unwrap();
        let mut done = vec![None; 3];
        let (_, broken) = check_epoch(&i, &e, 1, &mut done, &ids(&[&[1, 2], &[3]]));
        assert!(broken.contains(&RuleBreak::Capacity { route: 0, load: 12, capacity: 10 }));
        assert!(broken.iter().any(|b| matches!(b, RuleBreak::DepotLate { route: 0, .. })));
        // Route 2 leaves at 7200 and starts at 7800 <= 8000: on time.
        assert!(!broken.iter().any(|b| matches!(b, RuleBreak::Late { .. })), "{broken:?}");
        let late = "request,release_epoch,must_dispatch_epoch,node,ready,due,service,demand\n\
            1,0,0,1,4000,4200,60,1\n2,0,1,2,8000,16000,60,1\n";
        let e = Episode::parse(late, &i).unwrap();
        let mut done = vec![None; 2];
        let (_, broken) = check_epoch(&i, &e, 0, &mut done, &ids(&[&[2, 1]]));
        assert!(
            broken.contains(&RuleBreak::Late { route: 0, request: 1, start_s: 8360, due_s: 4200 }),
            "{broken:?}"
        );
    }

    #[test]
    fn a_log_round_trips_through_the_controllers_json() {
        let log: DispatchLog = [(1, ids(&[&[1, 2]])), (2, vec![])].into_iter().collect();
        let text = to_json(&log);
        assert_eq!(text, r#"{"1":[[1,2]],"2":[]}"#);
        assert_eq!(parse_log(&text).unwrap(), log);
        assert!(matches!(parse_log(r#"{"x":[]}"#), Err(DispatchError::Solution { .. })));
        assert!(matches!(parse_log("[1]"), Err(DispatchError::Solution { .. })));
    }
}
