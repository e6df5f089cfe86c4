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
