//! VROOM's answer (VROOM's `docs/API.md`, "Output") from a solution and the independent
//! checker's report on it.
//!
//! Times are integer seconds and distances integer metres, rounded from the model's
//! `f64` schedule ([`crate::routing::Route::schedule`]: the raw problem simulated, not the
//! solver's data). A vehicle that would wait at its first task leaves that much later, as
//! VROOM's answers do, so the start step's `arrival` is the departure and the waiting
//! before the first task is not reported; every service start is the checked one.
//! `duration` is VROOM's: travel time only (cumulated upon arrival at a step), and `cost`
//! is VROOM's: `fixed + per_hour * travel / 3600 + per_km * distance / 1000`, rounded.
//! `distance` is reported when distances are real (a `distances` matrix or roads).
//! Violations (plan mode; in solve mode they are the checker's, and so empty) are mapped
//! from [`CheckViolation`]s by [`violations`].

use super::map::{Mapped, TaskKind};
use crate::routing::check::{CheckReport, CheckViolation};
use crate::routing::solution::Solution;
use serde::{Deserialize, Serialize};

/// VROOM's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VroomOutput {
    /// VROOM's status code (no unit): 0, solved (errors are answered as the service's JSON
    /// errors, 4xx).
    pub code: u32,
    /// Totals over the routes.
    pub summary: VroomSummary,
    /// Tasks no route serves.
    pub unassigned: Vec<VroomUnassigned>,
    /// One per used vehicle.
    pub routes: Vec<VroomRoute>,
}

/// Totals over all routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VroomSummary {
    /// Total cost (currency, VROOM's definition: fixed, travel and distance costs).
    pub cost: i64,
    /// Routes (count).
    pub routes: usize,
    /// Unassigned tasks (count).
    pub unassigned: usize,
    /// Total setup time in seconds (always 0: setup times are refused).
    pub setup: i64,
    /// Total service time in seconds.
    pub service: i64,
    /// Total travel time in seconds.
    pub duration: i64,
    /// Total waiting time in seconds.
    pub waiting_time: i64,
    /// Sum of the assigned tasks' priorities (no unit).
    pub priority: u64,
    /// Every violation, one entry per cause (durations in seconds summed).
    pub violations: Vec<VroomViolation>,
    /// Total delivered (units per capacity dimension), with capacities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Vec<i64>>,
    /// Total picked up (units per capacity dimension), with capacities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup: Option<Vec<i64>>,
    /// Total distance in metres, when distances are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<i64>,
    /// Where the time went.
    pub computing_times: VroomTimes,
}

/// Where the time of a request went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VroomTimes {
    /// Reading and mapping the problem, in milliseconds.
    pub loading: u64,
    /// Solving (or evaluating) and checking, in milliseconds.
    pub solving: u64,
    /// Building the road matrices, in milliseconds (0 with custom matrices).
    pub routing: u64,
}

/// One vehicle's route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VroomRoute {
    /// The vehicle's id (no unit).
    pub vehicle: u64,
    /// Start, tasks, end.
    pub steps: Vec<VroomStep>,
    /// The route's cost (currency, VROOM's definition).
    pub cost: i64,
    /// Setup time in seconds (always 0).
    pub setup: i64,
    /// Service time in seconds.
    pub service: i64,
    /// Travel time in seconds.
    pub duration: i64,
    /// Waiting time in seconds.
    pub waiting_time: i64,
    /// Sum of its tasks' priorities (no unit).
    pub priority: u64,
    /// Its violations (with those of its steps), one entry per cause.
    pub violations: Vec<VroomViolation>,
    /// Delivered (units per capacity dimension), with capacities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Vec<i64>>,
    /// Picked up (units per capacity dimension), with capacities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup: Option<Vec<i64>>,
    /// The vehicle's description, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Distance in metres, when distances are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<i64>,
}

/// One step of a route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VroomStep {
    /// `start`, `job`, `pickup`, `delivery`, `break` or `end`.
    #[serde(rename = "type")]
    pub step_type: String,
    /// Arrival time in seconds (on the clock of the time windows; the start step: departure).
    pub arrival: i64,
    /// Travel time so far in seconds, upon arrival.
    pub duration: i64,
    /// Setup time in seconds (always 0).
    pub setup: i64,
    /// Service time in seconds.
    pub service: i64,
    /// Waiting time in seconds before service starts.
    pub waiting_time: i64,
    /// Its violations.
    pub violations: Vec<VroomViolation>,
    /// The task's description, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `[lon, lat]` in degrees, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// Matrix index, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_index: Option<usize>,
    /// The task's id (no unit), for `job`, `pickup` and `delivery`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Load after the step (units per capacity dimension), with capacities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<Vec<i64>>,
    /// Distance so far in metres upon arrival, when distances are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<i64>,
}

/// A broken constraint, in VROOM's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VroomViolation {
    /// `delay`, `lead_time`, `load`, `skills`, `precedence`, `max_tasks`, `max_distance`,
    /// `missing_break`, or
    /// stockroute's own `unreachable` (no path between two places).
    pub cause: String,
    /// Lateness in seconds, for `delay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
}

/// A task no route serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VroomUnassigned {
    /// The task's id (no unit).
    pub id: u64,
    /// `job`, `pickup` or `delivery`.
    #[serde(rename = "type")]
    pub task_type: String,
    /// Its description, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `[lon, lat]` in degrees, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// Matrix index, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_index: Option<usize>,
}

/// Seconds or metres as VROOM's integers (an unreachable leg's infinity saturates).
fn int(x: f64) -> i64 {
    if x.is_finite() { x.round() as i64 } else { i64::MAX }
}

fn cause(name: &str, duration: Option<f64>) -> VroomViolation {
    VroomViolation { cause: name.to_owned(), duration: duration.map(int) }
}

/// Per route, its own violations and those of each step (`0` the start, `len + 1` the
/// end), from the checker's report. Loads over capacity are marked per step by
/// [`answer`], which computes the loads.
fn violations(
    m: &Mapped,
    s: &Solution,
    report: &CheckReport,
) -> Vec<(Vec<VroomViolation>, Vec<Vec<VroomViolation>>)> {
    let mut out: Vec<_> =
        s.routes.iter().map(|r| (Vec::new(), vec![Vec::new(); r.stops.len() + 2])).collect();
    let step = |route: usize, stop: usize| {
        s.routes.get(route).and_then(|r| r.stops.iter().position(|&x| x == stop)).map(|k| k + 1)
    };
    let mut mark = |route: usize, at: Option<usize>, v: VroomViolation| {
        if let Some((own, steps)) = out.get_mut(route) {
            match at.and_then(|k| steps.get_mut(k)) {
                Some(list) => list.push(v),
                None => own.push(v),
            }
        }
    };
    let routes_of = |stop: usize| -> Vec<usize> {
        (0..s.routes.len()).filter(|&r| s.routes[r].stops.contains(&stop)).collect()
    };
    for x in &report.violations {
        match x {
            CheckViolation::TimeWindow { route, stop, start, due } => {
                mark(*route, step(*route, *stop), cause("delay", Some(start - due)));
            }
            CheckViolation::Skill { route, stop } => {
                mark(*route, step(*route, *stop), cause("skills", None));
            }
            CheckViolation::ShiftEnd { route, end, latest } => {
                let at = s.routes.get(*route).map(|r| r.stops.len() + 1);
                mark(*route, at, cause("delay", Some(end - latest)));
            }
            CheckViolation::Capacity { route, .. } => mark(*route, None, cause("load", None)),
            CheckViolation::MaxStops { route, .. } => mark(*route, None, cause("max_tasks", None)),
            CheckViolation::MaxDistance { route, .. } => {
                mark(*route, None, cause("max_distance", None));
            }
            CheckViolation::Unreachable { route } => {
                mark(*route, None, cause("unreachable", None));
            }
            CheckViolation::BreakMissing { route, .. } => {
                mark(*route, None, cause("missing_break", None));
            }
            CheckViolation::BreakTime { route, index, start } => {
                let spec = s
                    .routes
                    .get(*route)
                    .and_then(|r| m.problem.vehicle_types.get(r.vehicle_type))
                    .and_then(|vt| vt.breaks.get(*index));
                let last = spec.and_then(|b| b.windows.last()).map_or(f64::INFINITY, |w| w.end);
                let v = match *start > last {
                    true => cause("delay", Some(start - last)),
                    false => cause("lead_time", None),
                };
                mark(*route, None, v);
            }
            CheckViolation::ShipmentOrder { shipment, .. }
            | CheckViolation::ShipmentSplit { shipment } => {
                let Some(sh) = m.problem.shipments.get(*shipment) else { continue };
                for stop in [sh.pickup, sh.delivery] {
                    for route in routes_of(stop) {
                        mark(route, step(route, stop), cause("precedence", None));
                    }
                }
            }
            // The plan mode fills the cost from the checker, builds one route per vehicle
            // and lists every other task as unassigned, so the rest cannot arise from a
            // mapped request; should one, it is reported rather than dropped.
            CheckViolation::Cost { .. } => {}
            other => {
                tracing::warn!(violation = ?other, "a checker violation VROOM has no name for");
                mark(0, None, cause("invalid_plan", None));
            }
        }
    }
    out
}

/// One entry per cause, durations summed, in first-seen order.
fn per_cause<'a>(all: impl IntoIterator<Item = &'a VroomViolation>) -> Vec<VroomViolation> {
    let mut out: Vec<VroomViolation> = Vec::new();
    for v in all {
        match out.iter_mut().find(|x| x.cause == v.cause) {
            Some(x) => {
                if let (Some(a), Some(b)) = (x.duration.as_mut(), v.duration) {
                    *a = a.saturating_add(b);
                }
            }
            None => out.push(v.clone()),
        }
    }
    out
}

fn add(total: &mut [i64], x: &[i64]) {
    for (t, v) in total.iter_mut().zip(x) {
        *t += v;
    }
}

/// VROOM's answer for solution `s` of `m.problem` and the checker's `report` on it.
pub fn answer(m: &Mapped, s: &Solution, report: &CheckReport, times: VroomTimes) -> VroomOutput {
    let p = &m.problem;
    let dims = p.dimensions();
    let with_load = dims > 0;
    let marks = violations(m, s, report);
    let mut routes = Vec::with_capacity(s.routes.len());
    for (r, (own, mut step_marks)) in s.routes.iter().zip(marks) {
        let (Some(vt), Some(info)) =
            (p.vehicle_types.get(r.vehicle_type), m.vehicles.get(r.vehicle_type))
        else {
            continue;
        };
        let visits = r.schedule(p);
        let on = p.travel_of(r.vehicle_type);
        // Leaving later to skip the wait at the first task would move a break on that leg.
        let delay = match r.breaks.iter().any(|b| b.after == 0) {
            true => 0.0,
            false => visits.first().map_or(0.0, |f| (f.start - f.arrival).max(0.0)),
        };
        let depart = vt.shift.start + delay;
        let mut load = vec![0i64; dims];
        for t in r.stops.iter().filter_map(|&i| m.tasks.get(i)).filter(|t| t.kind == TaskKind::Job)
        {
            add(&mut load, &t.delivery);
        }
        let over = |load: &[i64]| load.iter().zip(&vt.capacity).any(|(l, c)| l > c);
        let (mut delivery, mut pickup) = (vec![0i64; dims], vec![0i64; dims]);
        let mut at = p.depots.get(vt.start_depot).map_or(0, |d| d.location);
        let (mut travel, mut dist, mut service, mut waiting, mut priority) =
            (0.0, 0.0, 0i64, 0i64, 0u64);
        let distance = |x: f64| m.distances.then(|| int(x));
        let mut steps = Vec::with_capacity(r.stops.len() + 2);
        if over(&load) {
            step_marks[0].push(cause("load", None));
        }
        steps.push(VroomStep {
            step_type: "start".into(),
            arrival: int(depart),
            duration: 0,
            setup: 0,
            service: 0,
            waiting_time: 0,
            violations: std::mem::take(&mut step_marks[0]),
            description: None,
            location: info.places[0],
            location_index: info.indices[0],
            id: None,
            load: with_load.then(|| load.clone()),
            distance: distance(0.0),
        });
        let mut leave = depart;
        let break_step = |leg: usize, free: f64, leg_travel: f64, travel: f64, load: &[i64]| {
            let (mut now, mut left, mut driven) = (free, leg_travel, 0.0);
            let mut out = Vec::new();
            for b in r.breaks.iter().filter(|b| b.after == leg) {
                let Some(spec) = vt.breaks.get(b.index) else { continue };
                let start = b.start.max(now);
                let part = left.min(start - now);
                (left, driven) = (left - part, driven + part);
                now = start + spec.duration;
                let (id, description) = info.breaks.get(b.index).cloned().unzip();
                out.push(VroomStep {
                    step_type: "break".into(),
                    arrival: int(b.start),
                    duration: int(travel + driven),
                    setup: 0,
                    service: int(spec.duration),
                    waiting_time: 0,
                    violations: Vec::new(),
                    description: description.flatten(),
                    location: None,
                    location_index: None,
                    id,
                    load: with_load.then(|| load.to_vec()),
                    distance: None,
                });
            }
            out
        };
        for (k, (&i, visit)) in r.stops.iter().zip(&visits).enumerate() {
            let (Some(stop), Some(task)) = (p.stops.get(i), m.tasks.get(i)) else { continue };
            let leg_travel = on.duration(at, stop.location);
            steps.extend(break_step(k, leave, leg_travel, travel, &load));
            travel += leg_travel;
            dist += on.distance(at, stop.location);
            at = stop.location;
            // Leaving `delay` later moves the first arrival, and nothing after it.
            let arrival = if k == 0 { visit.arrival + delay } else { visit.arrival };
            let wait = (visit.start - arrival).max(0.0);
            leave = visit.departure;
            for (l, (d, u)) in load.iter_mut().zip(task.delivery.iter().zip(&task.pickup)) {
                *l += u - d;
            }
            add(&mut delivery, &task.delivery);
            add(&mut pickup, &task.pickup);
            if over(&load) {
                step_marks[k + 1].push(cause("load", None));
            }
            service += int(stop.service_time);
            waiting += int(wait);
            priority += u64::from(task.priority);
            steps.push(VroomStep {
                step_type: task.kind.name().into(),
                arrival: int(arrival),
                duration: int(travel),
                setup: 0,
                service: int(stop.service_time),
                waiting_time: int(wait),
                violations: std::mem::take(&mut step_marks[k + 1]),
                description: task.description.clone(),
                location: task.location,
                location_index: task.location_index,
                id: Some(task.id),
                load: with_load.then(|| load.clone()),
                distance: distance(dist),
            });
        }
        let end = p.end_location(vt);
        let (leg_dist, leg_travel) = on.leg_to(at, end);
        steps.extend(break_step(r.stops.len(), leave, leg_travel, travel, &load));
        let back =
            crate::routing::solution::through_leg(vt, &r.breaks, r.stops.len(), leave, leg_travel);
        travel += leg_travel;
        dist += leg_dist;
        let last = step_marks.len() - 1;
        // A vehicle without an `end` has no end step, as in VROOM's answer: what the
        // end would report (a shift overrun) goes on the last step.
        if end.is_none() {
            if let Some(x) = steps.last_mut() {
                x.violations.append(&mut step_marks[last]);
            }
        } else {
            steps.push(VroomStep {
                step_type: "end".into(),
                arrival: int(back),
                duration: int(travel),
                setup: 0,
                service: 0,
                waiting_time: 0,
                violations: std::mem::take(&mut step_marks[last]),
                description: None,
                location: info.places[1],
                location_index: info.indices[1],
                id: None,
                load: with_load.then(|| load.clone()),
                distance: distance(dist),
            });
        }
        service += steps.iter().filter(|x| x.step_type == "break").map(|x| x.service).sum::<i64>();
        let metres = if m.distances { dist } else { 0.0 };
        let cost = info.fixed as f64
            + info.per_hour as f64 * travel / 3600.0
            + info.per_km as f64 * metres / 1000.0;
        let violations = per_cause(own.iter().chain(steps.iter().flat_map(|x| &x.violations)));
        routes.push(VroomRoute {
            vehicle: info.id,
            steps,
            cost: int(cost),
            setup: 0,
            service,
            duration: int(travel),
            waiting_time: waiting,
            priority,
            violations,
            delivery: with_load.then_some(delivery),
            pickup: with_load.then_some(pickup),
            description: info.description.clone(),
            distance: distance(dist),
        });
    }
    let unassigned: Vec<VroomUnassigned> = s
        .unserved
        .iter()
        .filter_map(|u| m.tasks.get(u.stop))
        .map(|t| VroomUnassigned {
            id: t.id,
            task_type: t.kind.name().into(),
            description: t.description.clone(),
            location: t.location,
            location_index: t.location_index,
        })
        .collect();
    let sum = |f: fn(&VroomRoute) -> i64| routes.iter().map(f).fold(0i64, i64::saturating_add);
    let totals = |f: fn(&VroomRoute) -> &Option<Vec<i64>>| {
        with_load.then(|| {
            let mut t = vec![0i64; dims];
            routes.iter().filter_map(|r| f(r).as_ref()).for_each(|x| add(&mut t, x));
            t
        })
    };
    let summary = VroomSummary {
        cost: sum(|r| r.cost),
        routes: routes.len(),
        unassigned: unassigned.len(),
        setup: 0,
        service: sum(|r| r.service),
        duration: sum(|r| r.duration),
        waiting_time: sum(|r| r.waiting_time),
        priority: routes.iter().map(|r| r.priority).sum(),
        violations: per_cause(routes.iter().flat_map(|r| &r.violations)),
        delivery: totals(|r| &r.delivery),
        pickup: totals(|r| &r.pickup),
        distance: m.distances.then(|| sum(|r| r.distance.unwrap_or(0))),
        computing_times: times,
    };
    VroomOutput { code: 0, summary, unassigned, routes }
}
