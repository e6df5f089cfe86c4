//! A plan under way, as JSON: the day's problem, what each vehicle has done and must do,
//! and the orders that arrived since.
//!
//! The wire form ([`PlanState`], [`NewOrders`]) is what the CLI reads and writes and the
//! service stores; [`State::from_wire`] checks it strictly (every stop of the problem in
//! exactly one list, every id known, every number bounded) and reports all broken rules at
//! once, each at its JSON path. Codes:
//! `R001` a number out of range or not finite (`now`, a position's time, a release time,
//! the version), `R002` an unknown vehicle type or a vehicle number outside `1..=count`,
//! `R003` a vehicle listed twice, `R004` an unknown stop id, `R005` a stop in several lists
//! or in none, `R006` a new order whose id another stop has, `R007` a fixed prefix
//! (served then committed stops) that breaks a rule of its vehicle (a committed stop it
//! cannot reach in its windows, load over capacity, too many stops, too far, a skill it
//! lacks), `R008` a release time after an order's last window closes, `R009` more items
//! than the documented limits, `R010` a parent version that is not `version - 1`, `R011`
//! a problem with shipments (pickup-and-delivery pairs: a pair split by the clock, its
//! pickup served and its delivery planned, needs the load on board carried into the
//! residual problem, which is not built yet, so such a state is refused, never re-planned
//! with a wrong load; the same for stops with a backhaul), `R012` a vehicle type with driver breaks (the state does not say
//! which breaks a vehicle under way has had), `R013` a multi-trip vehicle type (nor
//! which trip a vehicle under way is on).
//!
//! # Why the problem travels inside the state
//! A state is replayed, stored and compared long after the request that made it: carrying
//! the whole problem (the routing JSON of [`crate::routing::formats::json`]) makes each
//! version self-contained, so a stored version can be re-checked on its own and the
//! changes between two versions computed without the request that made either.
//!
//! # Release times
//! A new order cannot be served before its release time: its windows are clipped to start
//! at it (windows that close before it are dropped) when it joins the problem, so the
//! solver and the checker need no new rule.

use crate::ids::{PlanId, StopId, VehicleTypeId};
use crate::issue::Issue;
use crate::replan::error::{ReplanError, violation};
use crate::routing::formats::json::{self, JsonProblem, JsonStop};
use crate::routing::model::{MAX_TIME, Problem, TimeWindow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most stops a state (with its new orders) may hold.
pub const MAX_STOPS: usize = 50_000;
/// Most new orders one re-optimisation may insert.
pub const MAX_ORDERS: usize = 10_000;
/// Largest version number.
pub const MAX_VERSION: u64 = u32::MAX as u64;

/// A plan under way, on the wire.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanState {
    /// The plan every version of this day's state belongs to.
    #[schema(value_type = String)]
    pub plan_id: PlanId,
    /// This version: 1 for the first plan, parent + 1 for each re-optimisation (a count, no
    /// unit).
    pub version: u64,
    /// The version this one was re-optimised from (`None` for the first; a count, no unit).
    #[serde(default)]
    pub parent_version: Option<u64>,
    /// The clock: nothing is planned to start before it. In the problem's time unit.
    pub now: f64,
    /// The day's problem: locations, depots, vehicles and every stop known so far
    /// (served ones included).
    pub problem: JsonProblem,
    /// Vehicles that have done or been given work; a vehicle not listed waits at its
    /// start depot.
    #[serde(default)]
    pub vehicles: Vec<VehicleState>,
    /// Known stops on no vehicle.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub unassigned: Vec<StopId>,
}

/// One vehicle's part of a plan under way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VehicleState {
    /// Its type's id.
    #[schema(value_type = String)]
    pub vehicle_type: VehicleTypeId,
    /// Which vehicle of the type, from 1 (an index, no unit).
    pub vehicle: usize,
    /// Where and when it was last seen, after its served stops (default: at its last
    /// served stop when it left it, or at its start depot).
    #[serde(default)]
    pub position: Option<Position>,
    /// Stops already served, in order (history: never moved, never re-checked).
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub served: Vec<StopId>,
    /// Stops it must serve next, in this order (promised to a driver or a customer).
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub committed: Vec<StopId>,
    /// Stops planned after the committed ones (re-optimisation may move them).
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub planned: Vec<StopId>,
}

/// Where a vehicle is and when.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Location index into the problem's locations.
    pub location: usize,
    /// When it was there, in the problem's time unit.
    pub time: f64,
}

/// Orders that arrived since the state was written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrders {
    /// The clock now, in the problem's time unit (default: the state's `now`); it may not
    /// go back.
    #[serde(default)]
    pub now: Option<f64>,
    /// Points appended to the problem's coordinates (coordinate problems only): the new
    /// orders' locations may refer to them by index, counting on from the existing ones.
    #[serde(default)]
    pub coordinates: Vec<Vec<f64>>,
    /// The orders.
    #[serde(default)]
    pub orders: Vec<NewOrder>,
}

/// One new order: a stop of the routing JSON and when it became known.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// When it became known (service never starts earlier), in the problem's time unit.
    pub release_time: f64,
    /// The stop.
    pub stop: JsonStop,
}

/// A vehicle's part, by index (checked).
#[derive(Debug, Clone, PartialEq)]
pub struct VehiclePlan {
    /// Index into the problem's vehicle types.
    pub vehicle_type: usize,
    /// Which vehicle of the type, from 0.
    pub vehicle: usize,
    /// Its reported position.
    pub position: Option<Position>,
    /// Stop indices served.
    pub served: Vec<usize>,
    /// Stop indices committed.
    pub committed: Vec<usize>,
    /// Stop indices planned.
    pub planned: Vec<usize>,
}

impl VehiclePlan {
    /// Whether the vehicle has left its depot (served or committed stops, or a position).
    pub fn departed(&self) -> bool {
        !self.served.is_empty() || !self.committed.is_empty() || self.position.is_some()
    }
}

/// A checked state with its new orders merged in.
#[derive(Debug, Clone)]
pub struct State {
    /// The wire form it came from, orders merged (kept to write the next version).
    pub wire: PlanState,
    /// The problem, orders included.
    pub problem: Problem,
    /// The clock.
    pub now: f64,
    /// Listed vehicles, in the order given.
    pub vehicles: Vec<VehiclePlan>,
    /// Known stops on no vehicle, before the new orders.
    pub unassigned: Vec<usize>,
    /// Indices of the new orders' stops (the last ones of the problem).
    pub new_orders: std::ops::Range<usize>,
}

/// Parses a state document.
///
/// # Errors
/// [`ReplanError::Parse`] with the line of malformed JSON or an unknown field.
pub fn parse_state(text: &str) -> Result<PlanState, ReplanError> {
    serde_json::from_str(text).map_err(|e| ReplanError::Parse {
        what: "state",
        line: e.line(),
        message: e.to_string(),
    })
}

/// Parses an orders document.
///
/// # Errors
/// [`ReplanError::Parse`] with the line of malformed JSON or an unknown field.
pub fn parse_orders(text: &str) -> Result<NewOrders, ReplanError> {
    serde_json::from_str(text).map_err(|e| ReplanError::Parse {
        what: "orders",
        line: e.line(),
        message: e.to_string(),
    })
}

impl State {
    /// Checks a state and merges new orders into it.
    ///
    /// # Errors
    /// [`ReplanError::Invalid`] with every broken rule (codes in the module docs; the
    /// problem's own `E1xxx` rules at `problem.` paths, or `orders[i].stop.` for a new
    /// order).
    pub fn from_wire(mut wire: PlanState, orders: NewOrders) -> Result<Self, ReplanError> {
        let mut v = Vec::new();
        let n_old = wire.problem.stops.len();
        if n_old.saturating_add(orders.orders.len()) > MAX_STOPS {
            let message = format!("{} stops and orders, at most {MAX_STOPS}", n_old);
            v.push(violation("R009", "problem.stops".into(), message));
        }
        if orders.orders.len() > MAX_ORDERS {
            let message = format!("{} orders, at most {MAX_ORDERS}", orders.orders.len());
            v.push(violation("R009", "orders".into(), message));
        }
        if wire.vehicles.len() > MAX_STOPS {
            v.push(violation("R009", "vehicles".into(), format!("at most {MAX_STOPS}")));
        }
        if !wire.problem.shipments.is_empty() {
            let message = "re-optimisation of a plan with shipments is not supported yet".into();
            v.push(violation("R011", "problem.shipments".into(), message));
        }
        let collects = |x: &crate::routing::formats::json::JsonStop| {
            x.backhaul.as_ref().is_some_and(|b| b.iter().any(|&q| q > 0))
        };
        if let Some(i) = wire.problem.stops.iter().position(collects) {
            // What a van under way has collected rides on board; the residual does not
            // carry it yet (as for shipments).
            let message = "re-optimisation of a plan with backhauls is not supported yet".into();
            v.push(violation("R011", format!("problem.stops[{i}].backhaul"), message));
        }
        if let Some(i) = wire.problem.vehicles.iter().position(|x| !x.breaks.is_empty()) {
            // A van under way may have had its break already; the state does not say.
            let message = "re-optimisation of a plan with driver breaks is not supported yet";
            v.push(violation("R012", format!("problem.vehicles[{i}].breaks"), message.into()));
        }
        if let Some(i) = wire.problem.vehicles.iter().position(|x| x.max_reloads > 0) {
            // A van under way may be on its second trip, with what it reloaded on board;
            // the state does not say.
            let message = "re-optimisation of multi-trip plans is not supported yet";
            v.push(violation("R013", format!("problem.vehicles[{i}].max_reloads"), message.into()));
        }
        if !v.is_empty() {
            return Err(ReplanError::Invalid(v));
        }
        time_rule(wire.now, "now".into(), &mut v);
        if !(1..=MAX_VERSION).contains(&wire.version) {
            let message = format!("must be in [1, {MAX_VERSION}], got {}", wire.version);
            v.push(violation("R001", "version".into(), message));
        }
        if let Some(parent) = wire.parent_version
            && parent.checked_add(1) != Some(wire.version)
        {
            let message = format!("version {} cannot come from {parent}", wire.version);
            v.push(violation("R010", "parent_version".into(), message));
        }
        let mut now = wire.now;
        if let Some(t) = orders.now {
            time_rule(t, "orders.now".into(), &mut v);
            if t < wire.now {
                let message = format!("the clock may not go back from {} to {t}", wire.now);
                v.push(violation("R001", "orders.now".into(), message));
            }
            now = now.max(t);
        }
        merge_orders(&mut wire.problem, orders, &mut v);
        let problem = match json::convert(wire.problem.clone()) {
            Ok(request) => Some(request.problem),
            Err(crate::routing::RoutingError::Invalid(issues)) => {
                v.extend(issues.into_iter().map(|i| problem_path(i, n_old)));
                None
            }
            Err(other) => return Err(other.into()),
        };
        let Some(problem) = problem else {
            return Err(ReplanError::Invalid(v));
        };
        wire.now = now;
        let (vehicles, unassigned) = lists(&wire, &problem, n_old, &mut v);
        if !v.is_empty() {
            return Err(ReplanError::Invalid(v));
        }
        let n = problem.stops.len();
        Ok(State { wire, problem, now, vehicles, unassigned, new_orders: n_old..n })
    }
}

fn time_rule(t: f64, field: String, v: &mut Vec<Issue>) {
    if !(t.is_finite() && t.abs() <= MAX_TIME) {
        v.push(violation("R001", field, format!("must be finite within +-{MAX_TIME:e}, got {t}")));
    }
}

/// Appends the orders' points and stops to the problem, windows clipped at release.
fn merge_orders(problem: &mut JsonProblem, orders: NewOrders, v: &mut Vec<Issue>) {
    if !orders.coordinates.is_empty() {
        match problem.locations.coordinates.as_mut() {
            Some(points) => points.extend(orders.coordinates),
            None => {
                let message = "only a coordinate problem takes new points".to_owned();
                v.push(violation("R004", "orders.coordinates".into(), message));
            }
        }
    }
    let known: std::collections::HashSet<StopId> =
        problem.stops.iter().map(|s| s.id.clone()).collect();
    for (i, order) in orders.orders.into_iter().enumerate() {
        let field = |name: &str| format!("orders[{i}].{name}");
        time_rule(order.release_time, field("release_time"), v);
        if known.contains(&order.stop.id) {
            let message = format!("stop id {} is already in the plan", order.stop.id);
            v.push(violation("R006", field("stop.id"), message));
        }
        let mut stop = order.stop;
        if stop.time_window.is_none() || stop.time_windows.is_none() {
            let windows: Vec<TimeWindow> = match (stop.time_window, &stop.time_windows) {
                (Some(w), _) => vec![w],
                (None, Some(ws)) => ws.clone(),
                (None, None) => vec![TimeWindow::ALWAYS],
            };
            let release = order.release_time;
            let clipped: Vec<TimeWindow> = windows
                .into_iter()
                .filter(|w| w.end >= release)
                // JSON has no infinity: an open end is written as the largest time.
                .map(|w| TimeWindow { start: w.start.max(release), end: w.end.min(MAX_TIME) })
                .collect();
            if clipped.is_empty() && release.is_finite() {
                let message = format!("every window closes before the release at {release}");
                v.push(violation("R008", field("release_time"), message));
            } else {
                stop.time_window = None;
                stop.time_windows = Some(clipped);
            }
        }
        problem.stops.push(stop);
    }
}

/// The path of a problem issue as the caller sent it: `problem.stops[3]...`, or
/// `orders[1].stop...` for a stop that came with the orders.
fn problem_path(mut issue: Issue, n_old: usize) -> Issue {
    if let crate::issue::Location::Path { path } = &mut issue.location {
        let order = path.strip_prefix("stops[").and_then(|rest| {
            let (index, tail) = rest.split_once(']')?;
            let i: usize = index.parse().ok()?;
            (i >= n_old).then(|| format!("orders[{}].stop{tail}", i - n_old))
        });
        *path = order.unwrap_or_else(|| format!("problem.{path}"));
    }
    issue
}

/// The vehicles' lists and the unassigned stops by index; every stop before the orders in
/// exactly one list.
fn lists(
    wire: &PlanState,
    problem: &Problem,
    n_old: usize,
    v: &mut Vec<Issue>,
) -> (Vec<VehiclePlan>, Vec<usize>) {
    let stop_index: HashMap<&str, usize> =
        problem.stops.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let type_index: HashMap<&str, usize> =
        problem.vehicle_types.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
    let mut place: Vec<Option<String>> = vec![None; n_old];
    let mut claim = |id: &StopId, field: String, v: &mut Vec<Issue>| -> Option<usize> {
        match stop_index.get(id.as_str()) {
            Some(&i) if i < n_old => {
                if let Some(first) = &place[i] {
                    let message = format!("stop {id} is also at {first}");
                    v.push(violation("R005", field, message));
                    return None;
                }
                place[i] = Some(field);
                Some(i)
            }
            _ => {
                v.push(violation("R004", field, format!("no stop `{id}` in the problem")));
                None
            }
        }
    };
    let mut seen = std::collections::HashSet::new();
    let mut vehicles = Vec::with_capacity(wire.vehicles.len());
    for (i, x) in wire.vehicles.iter().enumerate() {
        let field = |name: &str| format!("vehicles[{i}].{name}");
        let t = type_index.get(x.vehicle_type.as_str()).copied();
        let count = t.map_or(0, |t| problem.vehicle_types[t].count);
        if t.is_none() {
            let message = format!("no vehicle type `{}`", x.vehicle_type);
            v.push(violation("R002", field("vehicle_type"), message));
        } else if !(1..=count).contains(&x.vehicle) {
            let message = format!("vehicle {} of a type with {count}", x.vehicle);
            v.push(violation("R002", field("vehicle"), message));
        } else if !seen.insert((t, x.vehicle)) {
            let message = format!("{} {} is listed twice", x.vehicle_type, x.vehicle);
            v.push(violation("R003", field("vehicle"), message));
        }
        if let Some(p) = x.position {
            time_rule(p.time, field("position.time"), v);
            if p.location >= problem.locations.len() {
                let message = format!("location {} of {}", p.location, problem.locations.len());
                v.push(violation("R001", field("position.location"), message));
            }
        }
        let mut list = |name: &str, ids: &[StopId], v: &mut Vec<Issue>| -> Vec<usize> {
            let mut out = Vec::with_capacity(ids.len());
            for (k, id) in ids.iter().enumerate() {
                out.extend(claim(id, field(&format!("{name}[{k}]")), v));
            }
            out
        };
        let served = list("served", &x.served, v);
        let committed = list("committed", &x.committed, v);
        let planned = list("planned", &x.planned, v);
        vehicles.push(VehiclePlan {
            vehicle_type: t.unwrap_or(0),
            vehicle: x.vehicle.saturating_sub(1),
            position: x.position,
            served,
            committed,
            planned,
        });
    }
    let mut unassigned = Vec::with_capacity(wire.unassigned.len());
    for (k, id) in wire.unassigned.iter().enumerate() {
        unassigned.extend(claim(id, format!("unassigned[{k}]"), v));
    }
    for (i, p) in place.iter().enumerate() {
        if p.is_none() {
            let message =
                format!("stop {} is in no vehicle's lists nor unassigned", problem.stops[i].id);
            v.push(violation("R005", format!("problem.stops[{i}]"), message));
        }
    }
    (vehicles, unassigned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> PlanState {
        parse_state(
            r#"{"plan_id": "p", "version": 1, "now": 10,
            "problem": {"locations": {"coordinates": [[0,0],[1,0],[2,0],[3,0]]},
              "depots": [{"id": "D", "location": 0}],
              "vehicles": [{"id": "van", "count": 2, "capacity": [10], "start_depot": "D"}],
              "stops": [{"id": "a", "location": 1}, {"id": "b", "location": 2},
                        {"id": "c", "location": 3}]},
            "vehicles": [{"vehicle_type": "van", "vehicle": 1, "served": ["a"],
                          "committed": ["b"], "planned": []}],
            "unassigned": ["c"]}"#,
        )
        .unwrap()
    }

    fn codes(e: ReplanError) -> Vec<(String, String)> {
        let issues = e.issues().expect("invalid").to_vec();
        issues.iter().map(|i| (i.code.to_string(), i.location.to_string())).collect()
    }

    #[test]
    fn a_valid_state_is_read_by_index() {
        let s = State::from_wire(tiny(), NewOrders::default()).unwrap();
        assert_eq!(s.vehicles[0].served, vec![0]);
        assert_eq!(s.vehicles[0].committed, vec![1]);
        assert_eq!(s.unassigned, vec![2]);
        assert!(s.vehicles[0].departed());
    }

    #[test]
    fn every_broken_rule_is_named_at_its_field() {
        let mut w = tiny();
        w.vehicles[0].planned = vec!["c".into(), "zz".into()];
        w.vehicles.push(VehicleState { vehicle: 3, ..w.vehicles[0].clone() });
        w.parent_version = Some(4);
        w.unassigned.clear();
        let found = codes(State::from_wire(w, NewOrders::default()).unwrap_err());
        let has = |c: &str, at: &str| found.iter().any(|(x, y)| x == c && y == at);
        assert!(has("R010", "parent_version"), "{found:?}");
        assert!(has("R004", "vehicles[0].planned[1]"), "{found:?}");
        assert!(has("R002", "vehicles[1].vehicle"), "{found:?}");
        assert!(has("R005", "vehicles[1].served[0]"), "{found:?}");
        let mut w = tiny();
        w.unassigned.clear();
        let found = codes(State::from_wire(w, NewOrders::default()).unwrap_err());
        assert_eq!(found, vec![("R005".to_owned(), "problem.stops[2]".to_owned())]);
    }

    #[test]
    fn a_state_with_shipments_is_refused_by_name() {
        let mut w = tiny();
        w.problem.shipments = vec![crate::routing::formats::json::JsonShipment {
            pickup: "a".into(),
            delivery: "b".into(),
        }];
        let found = codes(State::from_wire(w, NewOrders::default()).unwrap_err());
        assert_eq!(found, vec![("R011".to_owned(), "problem.shipments".to_owned())]);
    }

    #[test]
    fn orders_are_clipped_at_release_and_checked() {
        let orders = parse_orders(
            r#"{"now": 20, "coordinates": [[5, 5]], "orders": [
              {"release_time": 30, "stop": {"id": "n", "location": 4,
                "time_windows": [{"start": 0, "end": 25}, {"start": 28, "end": 90}]}}]}"#,
        )
        .unwrap();
        let s = State::from_wire(tiny(), orders).unwrap();
        assert_eq!(s.now, 20.0);
        assert_eq!(s.new_orders, 3..4);
        let n = &s.problem.stops[3];
        assert_eq!(n.time_window, TimeWindow { start: 30.0, end: 90.0 });
        assert!(n.extra_windows.is_empty());
        let orders = parse_orders(
            r#"{"now": 5, "orders": [{"release_time": 99, "stop": {"id": "a", "location": 9,
                "time_window": {"start": 0, "end": 50}}}]}"#,
        )
        .unwrap();
        let found = codes(State::from_wire(tiny(), orders).unwrap_err());
        let has = |c: &str, at: &str| found.iter().any(|(x, y)| x == c && y == at);
        assert!(has("R001", "orders.now"), "{found:?}");
        assert!(has("R006", "orders[0].stop.id"), "{found:?}");
        assert!(has("R008", "orders[0].release_time"), "{found:?}");
        let err = parse_orders("{\"orders\": [],\n \"extra\": 1}").unwrap_err();
        assert!(matches!(err, ReplanError::Parse { line: 2, .. }), "{err}");
    }
}
