//! The upstream controller's JSON-lines protocol (`controller.py` of
//! ortec/euro-neurips-vrp-2022-quickstart), so that the official harness can run
//! stockroute: the solver writes `{"action": "reset", "data": null}`, reads the first
//! observation with the static instance (`info.dynamic_context`), then per epoch writes
//! `{"action": "step", "data": [[request ids], ...]}` and reads the next observation until
//! `done`. This module turns the controller's messages into an [`Instance`] and
//! [`Observation`]s; the command line (`stockroute dispatch --protocol`) owns the pipes.
//!
//! The messages are numpy arrays written as JSON lists. Every array is checked against
//! the others' lengths before use, so a malformed message is an error naming the field.

use crate::dispatch::epoch::Observation;
use crate::dispatch::error::DispatchError;
use crate::dispatch::ortec::{Instance, MAX_EPOCH, Node, Request, RequestId};
use serde::Deserialize;

/// Most nodes accepted in a message (the largest ORTEC instance has 881).
pub const MAX_NODES: usize = 20_000;

/// Largest time, duration, demand or capacity accepted in a message (as the routing
/// model's `MAX_TIME`: sums of them stay far from overflow).
pub const MAX_VALUE: i64 = 1_000_000_000_000;

/// An instance as the controller sends it (`dynamic_context`, or an `epoch_instance`).
#[derive(Debug, Clone, Deserialize)]
pub struct WireInstance {
    /// Matrix node per entry (`epoch_instance` only).
    #[serde(default)]
    pub customer_idx: Option<Vec<usize>>,
    /// Request id per entry (`epoch_instance` only; 0 is the depot).
    #[serde(default)]
    pub request_idx: Option<Vec<u32>>,
    /// Demand per entry.
    pub demands: Vec<i64>,
    /// Vehicle capacity.
    pub capacity: i64,
    /// `[ready, due]` per entry (shifted by the planning start in an `epoch_instance`).
    pub time_windows: Vec<[i64; 2]>,
    /// Service time per entry.
    pub service_times: Vec<i64>,
    /// Durations between the entries.
    pub duration_matrix: Vec<Vec<i64>>,
    /// Must-dispatch flag per entry (`epoch_instance` only).
    #[serde(default)]
    pub must_dispatch: Option<Vec<bool>>,
}

/// The `observation` of a controller message.
#[derive(Debug, Clone, Deserialize)]
pub struct WireObservation {
    /// The epoch.
    pub current_epoch: u32,
    /// When routes dispatched now leave (seconds from the start of the day).
    pub planning_starttime: i64,
    /// The known, undispatched requests (entry 0 is the depot).
    pub epoch_instance: WireInstance,
}

/// The `info` of the reset answer.
#[derive(Debug, Clone, Deserialize)]
pub struct WireInfo {
    /// The static instance (`null` for the static variant).
    pub dynamic_context: Option<WireInstance>,
    /// Whether this is the static variant (one epoch, everything must go).
    pub is_static: bool,
    /// Last epoch.
    pub end_epoch: u32,
    /// Seconds per epoch.
    pub epoch_tlim: f64,
}

/// The controller's answer to `reset`.
#[derive(Debug, Clone, Deserialize)]
pub struct ResetAnswer {
    /// The first observation.
    pub observation: WireObservation,
    /// The episode's context.
    pub info: WireInfo,
}

/// The controller's answer to `step`.
#[derive(Debug, Clone, Deserialize)]
pub struct StepAnswer {
    /// The next observation (`null` when done or failed).
    pub observation: Option<WireObservation>,
    /// Whether the episode is over.
    pub done: bool,
    /// `{"error": null or text}`.
    #[serde(default)]
    pub info: Option<serde_json::Value>,
}

/// Every number of `w` in `[0, MAX_VALUE]`.
fn in_range(w: &WireInstance, what: &str) -> Result<(), DispatchError> {
    let ok = |x: &i64| (0..=MAX_VALUE).contains(x);
    let fields: [(&str, bool); 5] = [
        ("duration_matrix", w.duration_matrix.iter().flatten().all(ok)),
        ("time_windows", w.time_windows.iter().flatten().all(ok)),
        ("service_times", w.service_times.iter().all(ok)),
        ("demands", w.demands.iter().all(ok)),
        ("capacity", ok(&w.capacity)),
    ];
    match fields.iter().find(|(_, fine)| !fine) {
        Some((name, _)) => Err(bad(format!("{what}.{name} has a value outside [0, {MAX_VALUE}]"))),
        None => Ok(()),
    }
}

fn bad(message: String) -> DispatchError {
    DispatchError::Solution { file: None, message: format!("controller message: {message}") }
}

fn check_lengths(w: &WireInstance, what: &str) -> Result<usize, DispatchError> {
    let n = w.demands.len();
    if n == 0 || n > MAX_NODES {
        return Err(bad(format!("{what}.demands has {n} entries (1..={MAX_NODES})")));
    }
    let rows_ok = w.duration_matrix.len() == n && w.duration_matrix.iter().all(|r| r.len() == n);
    let same = w.time_windows.len() == n && w.service_times.len() == n && rows_ok;
    let optional = [
        w.customer_idx.as_ref().map(Vec::len),
        w.request_idx.as_ref().map(Vec::len),
        w.must_dispatch.as_ref().map(Vec::len),
    ];
    if !same || optional.iter().flatten().any(|&k| k != n) {
        return Err(bad(format!("the arrays of {what} do not all have {n} entries")));
    }
    Ok(n)
}

/// The static instance of a message (the reset's `dynamic_context`, or for the static
/// variant the first epoch instance itself, whose nodes are the instance's).
///
/// # Errors
/// [`DispatchError::Solution`] naming the malformed field.
pub fn instance(w: &WireInstance, name: &str) -> Result<Instance, DispatchError> {
    check_lengths(w, "dynamic_context")?;
    let nodes = w
        .time_windows
        .iter()
        .zip(&w.service_times)
        .zip(&w.demands)
        .map(|((tw, &service_s), &demand)| Node { ready_s: tw[0], due_s: tw[1], service_s, demand })
        .collect();
    let instance = Instance {
        name: name.to_string(),
        duration_s: w.duration_matrix.clone(),
        nodes,
        capacity: w.capacity,
    };
    in_range(w, "dynamic_context")?;
    Ok(instance)
}

/// The observation of a message, on the instance's absolute clock (the controller's times
/// are shifted by the planning start and clipped at 0; a clipped ready time is the
/// planning start, which no route can beat).
///
/// # Errors
/// [`DispatchError::Solution`] naming the malformed field.
pub fn observation(
    instance: &Instance,
    o: &WireObservation,
    end_epoch: u32,
) -> Result<Observation, DispatchError> {
    let w = &o.epoch_instance;
    let n = check_lengths(w, "epoch_instance")?;
    let (Some(nodes), Some(ids), Some(must)) = (&w.customer_idx, &w.request_idx, &w.must_dispatch)
    else {
        return Err(bad("epoch_instance needs customer_idx, request_idx and must_dispatch".into()));
    };
    in_range(w, "epoch_instance")?;
    let p = o.planning_starttime;
    if !(0..=MAX_VALUE).contains(&p) || o.current_epoch > MAX_EPOCH || end_epoch > MAX_EPOCH {
        return Err(bad(format!("planning_starttime {p} or epochs beyond {MAX_EPOCH}")));
    }
    let mut requests = Vec::with_capacity(n);
    let mut must_dispatch = Vec::with_capacity(n);
    for k in 1..n {
        let node = nodes[k];
        if node == 0 || node >= instance.nodes.len() {
            return Err(bad(format!(
                "epoch_instance.customer_idx[{k}] = {node} is not a customer"
            )));
        }
        let epoch = o.current_epoch;
        requests.push(Request {
            id: RequestId(ids[k]),
            release_epoch: epoch,
            must_dispatch_epoch: if must[k] { epoch } else { end_epoch.max(epoch + 1) },
            node,
            ready_s: w.time_windows[k][0] + p,
            due_s: w.time_windows[k][1] + p,
            service_s: w.service_times[k],
            demand: w.demands[k],
        });
        must_dispatch.push(must[k]);
    }
    let last = o.current_epoch >= end_epoch;
    let mut obs = Observation::new(o.current_epoch, end_epoch, requests);
    obs.departure_s = p;
    obs.last = last;
    obs.must_dispatch = must_dispatch.iter().map(|&m| m || last).collect();
    Ok(obs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_answer_becomes_an_instance_and_an_observation() {
        let text = r#"{"observation": {"current_epoch": 1, "current_time": 3600,
            "planning_starttime": 7200, "epoch_instance": {"is_depot": [true, false],
            "customer_idx": [0, 2], "request_idx": [0, 5], "coords": [[0, 0], [1, 1]],
            "demands": [0, 4], "capacity": 10, "time_windows": [[0, 12800], [800, 8800]],
            "service_times": [0, 60], "duration_matrix": [[0, 700], [700, 0]],
            "must_dispatch": [false, true]}},
            "info": {"dynamic_context": {"is_depot": [true, false, false],
            "coords": [[0, 0], [1, 0], [1, 1]], "demands": [0, 3, 4], "capacity": 10,
            "time_windows": [[0, 20000], [4000, 12000], [8000, 16000]],
            "service_times": [0, 60, 60],
            "duration_matrix": [[0, 600, 700], [600, 0, 300], [700, 300, 0]]},
            "is_static": false, "start_epoch": 0, "end_epoch": 2, "num_epochs": 3,
            "epoch_tlim": 5}}"#;
        let reset: ResetAnswer = serde_json::from_str(text).unwrap();
        let ctx = reset.info.dynamic_context.as_ref().unwrap();
        let inst = instance(ctx, "t").unwrap();
        assert_eq!(inst.horizon_s(), 20000);
        let obs = observation(&inst, &reset.observation, reset.info.end_epoch).unwrap();
        assert_eq!(obs.departure_s, 7200);
        assert_eq!(obs.requests[0].id, RequestId(5));
        assert_eq!((obs.requests[0].ready_s, obs.requests[0].due_s), (8000, 16000));
        assert_eq!(obs.must_dispatch, vec![true]);
        assert!(!obs.last);
        let mut broken = ctx.clone();
        broken.service_times.pop();
        assert!(instance(&broken, "t").unwrap_err().to_string().contains("3 entries"));
    }
}
