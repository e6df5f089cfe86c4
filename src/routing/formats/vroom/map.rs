//! VROOM's input onto stockroute's [`Problem`].
//!
//! Decisions (also in `docs/vroom.md`):
//! - A job is a stop whose `delivery` is loaded at the vehicle's start (the model's depot
//!   delivery) and whose `pickup` rides from it to the vehicle's end (the model's
//!   [`Stop::backhaul`]); the load along the route is checked, as VROOM does.
//! - A shipment is two stops joined as a model [`Shipment`], `amount` on both.
//! - Each vehicle is a vehicle type of count 1; its start and end are depots (one per
//!   distinct location). `time_window` is the shift; without one the shift opens at the
//!   earliest task window start (0 without windows), so absolute timestamps cost no idle
//!   time before it, and never closes. `max_tasks` is `max_stops` (a pickup and a delivery
//!   count one each, as in VROOM), `max_distance` is `max_distance` in metres.
//! - Costs: `fixed` is the fixed cost, `per_hour / 3600` the cost per second and
//!   `per_km / 1000` the cost per metre. The model's time cost counts the route's whole
//!   duration (travel, service, waiting) where VROOM's counts travel only; the answer's
//!   `cost` is VROOM's (fixed + travel + distance).
//! - `priority`: VROOM maximises the assigned priority first; stockroute has prizes but
//!   not that lexicographic order, so all tasks must share one priority (then it changes
//!   nothing: every task is kept whenever a vehicle can serve it).
//! - Locations: with `matrices`, every place is an index into the one profile's
//!   `durations` (and `distances`: zeros without them, so no distance is reported); without,
//!   every place is `[lon, lat]`, resolved by the caller (the service's road graph).

use super::input::{VroomBreak, VroomInput, VroomStepType};
use super::places::{self, keep_penalty, key, point_index};
use super::{INVALID, Mode, UNSUPPORTED, issue, refuse};

use crate::ids::SkillId;
use crate::issue::{Issue, Location};
use crate::routing::breaks::Break;
use crate::routing::error::RoutingError;
use crate::routing::model::{
    Depot, Locations, MAX_QUANTITY, Objective, Problem, Shipment, Stop, TimeWindow, VehicleType,
};
pub use places::{coordinates, on_roads, road_profiles};
use std::collections::HashMap;

/// The kind of a VROOM task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// A job.
    Job,
    /// A shipment's pickup.
    Pickup,
    /// A shipment's delivery.
    Delivery,
}

impl TaskKind {
    /// VROOM's name of it (`job`, `pickup`, `delivery`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Job => "job",
            Self::Pickup => "pickup",
            Self::Delivery => "delivery",
        }
    }
}

/// What a stop of the problem is in VROOM's terms (one per [`Problem::stops`] entry).
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Job, pickup or delivery.
    pub kind: TaskKind,
    /// Its VROOM id.
    pub id: u64,
    /// Its description, echoed.
    pub description: Option<String>,
    /// Its `[lon, lat]`, echoed.
    pub location: Option<[f64; 2]>,
    /// Its matrix index, echoed.
    pub location_index: Option<usize>,
    /// Units it unloads, per dimension (a job's `delivery`, loaded at the vehicle's start;
    /// a shipment's `amount` at its delivery).
    pub delivery: Vec<i64>,
    /// Units it loads, per dimension (a shipment's `amount` at its pickup).
    pub pickup: Vec<i64>,
    /// Its priority (0-100, no unit); a shipment's is counted at its pickup only.
    pub priority: u32,
}

/// What a vehicle type of the problem is in VROOM's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleInfo {
    /// Its VROOM id.
    pub id: u64,
    /// Its description, echoed.
    pub description: Option<String>,
    /// Start and end `[lon, lat]`, echoed.
    pub places: [Option<[f64; 2]>; 2],
    /// Start and end matrix indices, echoed.
    pub indices: [Option<usize>; 2],
    /// VROOM's cost per hour of travel (currency per hour).
    pub per_hour: u64,
    /// VROOM's cost per km (currency per km).
    pub per_km: u64,
    /// VROOM's fixed cost (currency).
    pub fixed: u64,
    /// Its breaks' VROOM ids and descriptions, in the model's order.
    pub breaks: Vec<(u64, Option<String>)>,
}

/// A route given in plan mode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Given {
    /// Stop indices in the given order.
    pub stops: Vec<usize>,
    /// `(break index, tasks before it)` for each `break` step, in the given order.
    pub breaks: Vec<(usize, usize)>,
}

/// A VROOM problem mapped onto the model, with what is needed to answer in VROOM's terms.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The model.
    pub problem: Problem,
    /// One per stop.
    pub tasks: Vec<Task>,
    /// One per vehicle type (= VROOM vehicle, in input order).
    pub vehicles: Vec<VehicleInfo>,
    /// Whether distances are real (a `distances` matrix or roads): VROOM then reports them.
    pub distances: bool,
    /// In [`Mode::Check`], each vehicle's given route as stop indices (`None`: no steps).
    pub given: Vec<Option<Given>>,
}

/// Maps `input` onto the model. Without `matrices`, `resolved` must hold, for each VROOM
/// profile the vehicles name ([`road_profiles`]), the locations of [`coordinates`] in that
/// order (else every coordinate place is refused; a profile missing from it is refused at
/// its first vehicle).
///
/// # Errors
/// [`RoutingError::Invalid`] with every refused key ([`super::UNSUPPORTED`]), every
/// inconsistent value ([`super::INVALID`]) and every rule of [`Problem::validate`] broken,
/// each at its VROOM JSON path.
pub fn map(
    input: &VroomInput,
    mode: Mode,
    resolved: Option<Vec<(String, Locations)>>,
) -> Result<Mapped, RoutingError> {
    let mut v = refuse::unsupported(input, mode);
    let places::Travel { profiles, of_vehicle, matrices, distances } =
        places::locations(input, resolved, &mut v);
    let mut profiles = profiles.into_iter();
    let locations =
        profiles.next().unwrap_or(Locations::Matrix { distance: Vec::new(), duration: Vec::new() });
    let profiles: Vec<Locations> = profiles.collect();
    let nloc = locations.len();
    let (points, _) = point_index(input);
    // The location index of a place, or an issue naming the key that should give it.
    let place =
        |loc: Option<[f64; 2]>, idx: Option<usize>, path: &str, name: [&str; 2], v: &mut Vec<_>| {
            if matrices {
                match idx {
                    Some(i) if i < nloc => return i,
                    Some(i) => {
                        let cause = format!("index {i} is outside the {nloc} x {nloc} matrices");
                        v.push(issue(INVALID, format!("{path}{}", name[1]), &cause));
                    }
                    None => v.push(issue(
                        INVALID,
                        format!("{path}{}", name[1]),
                        "with `matrices` every place needs its index",
                    )),
                }
            } else if let Some(&i) = loc.and_then(|p| points.get(&key(p))) {
                if i < nloc {
                    return i;
                }
                // No places at all: the missing road graph is reported once, above.
                if nloc > 0 {
                    let cause = format!("{nloc} places were resolved, this is number {i}");
                    v.push(issue(INVALID, format!("{path}{}", name[0]), &cause));
                }
            } else {
                v.push(issue(
                    INVALID,
                    format!("{path}{}", name[0]),
                    "without `matrices` every place needs `[lon, lat]` coordinates",
                ));
            }
            0
        };

    let dims = dimensions(input);
    let amounts = |given: Option<&Vec<u64>>, path: String, v: &mut Vec<Issue>| -> Vec<i64> {
        let Some(given) = given else { return vec![0; dims] };
        if given.len() != dims {
            let cause = format!("has {} dimensions, the problem {dims}", given.len());
            v.push(issue(INVALID, path, &cause));
            return vec![0; dims];
        }
        if given.iter().any(|&x| x > MAX_QUANTITY as u64) {
            v.push(issue(INVALID, path, &format!("amounts must be at most {MAX_QUANTITY}")));
            return vec![0; dims];
        }
        given.iter().map(|&x| x as i64).collect()
    };
    priorities(input, &mut v);

    let mut stops = Vec::new();
    let mut tasks = Vec::new();
    let mut shipments = Vec::new();
    let mut seen: HashMap<(TaskKind, u64), usize> = HashMap::new();
    let add = |seen: &mut HashMap<_, _>,
               kind: TaskKind,
               id: u64,
               at: usize,
               path: &str,
               v: &mut Vec<Issue>| {
        if seen.insert((kind, id), at).is_some() {
            let cause = format!("{} id {id} is used twice", kind.name());
            v.push(issue(INVALID, format!("{path}.id"), &cause));
        }
    };
    for (i, j) in input.jobs.iter().enumerate() {
        let path = format!("jobs[{i}]");
        add(&mut seen, TaskKind::Job, j.id, stops.len(), &path, &mut v);
        let location =
            place(j.location, j.location_index, &path, [".location", ".location_index"], &mut v);
        let delivery = amounts(j.delivery.as_ref(), format!("{path}.delivery"), &mut v);
        let pickup = amounts(j.pickup.as_ref(), format!("{path}.pickup"), &mut v);
        let windows = windows(j.time_windows.as_deref(), &format!("{path}.time_windows"), &mut v);
        let mut job =
            stop(format!("job-{}", j.id), location, &delivery, j.service, windows, &j.skills);
        if pickup.iter().any(|&x| x > 0) {
            job.backhaul = pickup.clone();
        }
        stops.push(job);
        tasks.push(Task {
            kind: TaskKind::Job,
            id: j.id,
            description: j.description.clone(),
            location: j.location,
            location_index: j.location_index,
            delivery,
            pickup,
            priority: j.priority,
        });
    }
    for (i, s) in input.shipments.iter().enumerate() {
        let amount = amounts(s.amount.as_ref(), format!("shipments[{i}].amount"), &mut v);
        for (kind, step) in [(TaskKind::Pickup, &s.pickup), (TaskKind::Delivery, &s.delivery)] {
            let path = format!("shipments[{i}].{}", kind.name());
            add(&mut seen, kind, step.id, stops.len(), &path, &mut v);
            let location = place(
                step.location,
                step.location_index,
                &path,
                [".location", ".location_index"],
                &mut v,
            );
            let windows =
                windows(step.time_windows.as_deref(), &format!("{path}.time_windows"), &mut v);
            let id = format!("{}-{}", kind.name(), step.id);
            stops.push(stop(id, location, &amount, step.service, windows, &s.skills));
            let (pickup, delivery) = match kind {
                TaskKind::Pickup => (amount.clone(), vec![0; dims]),
                _ => (vec![0; dims], amount.clone()),
            };
            tasks.push(Task {
                kind,
                id: step.id,
                description: step.description.clone(),
                location: step.location,
                location_index: step.location_index,
                delivery,
                pickup,
                priority: if kind == TaskKind::Pickup { s.priority } else { 0 },
            });
        }
        shipments.push(Shipment { pickup: stops.len() - 2, delivery: stops.len() - 1 });
    }

    let opens = stops.iter().filter(|s: &&Stop| s.time_window != TimeWindow::ALWAYS);
    let earliest = opens.map(|s| s.time_window.start).fold(f64::INFINITY, f64::min);
    let open_shift =
        TimeWindow { start: if earliest.is_finite() { earliest } else { 0.0 }, end: f64::INFINITY };
    let mut depots: Vec<Depot> = Vec::new();
    let mut depot = |location: usize| {
        depots.iter().position(|d| d.location == location).unwrap_or_else(|| {
            depots.push(Depot { id: format!("location-{location}").into(), location });
            depots.len() - 1
        })
    };
    let mut vehicle_types = Vec::new();
    let mut vehicles = Vec::new();
    for (i, x) in input.vehicles.iter().enumerate() {
        let path = format!("vehicles[{i}]");
        let start = place(x.start, x.start_index, &path, [".start", ".start_index"], &mut v);
        // No `end`: an open route, which ends at its last task.
        let end = (x.end.is_some() || x.end_index.is_some())
            .then(|| place(x.end, x.end_index, &path, [".end", ".end_index"], &mut v));
        let capacity = match &x.capacity {
            None if dims > 0 => {
                v.push(issue(
                    INVALID,
                    format!("{path}.capacity"),
                    "tasks have amounts: give a capacity",
                ));
                vec![0; dims]
            }
            given => amounts(given.as_ref(), format!("{path}.capacity"), &mut v),
        };
        let shift = match x.time_window {
            Some([a, b]) if a <= b => TimeWindow { start: a as f64, end: b as f64 },
            Some(_) => {
                v.push(issue(INVALID, format!("{path}.time_window"), "start must be <= end"));
                TimeWindow::ALWAYS
            }
            None => open_shift,
        };
        let costs = x.costs.clone().unwrap_or_default();
        let per_hour = costs.per_hour.unwrap_or(3600);
        if !distances {
            for (name, given) in
                [("costs.per_km", costs.per_km > 0), ("max_distance", x.max_distance.is_some())]
            {
                if given {
                    v.push(issue(
                        INVALID,
                        format!("{path}.{name}"),
                        "needs distances: give `distances` in `matrices`",
                    ));
                }
            }
        }
        vehicle_types.push(VehicleType {
            id: format!("vehicle-{}", x.id).into(),
            count: 1,
            capacity,
            start_depot: depot(start),
            end_depot: end.map(&mut depot),
            shift,
            max_duration: None,
            fixed_cost: costs.fixed as f64,
            cost_per_distance: costs.per_km as f64 / 1000.0,
            cost_per_time: per_hour as f64 / 3600.0,
            skills: skills(&x.skills),
            max_stops: x.max_tasks,
            max_distance: x.max_distance.map(|d| d as f64),
            breaks: breaks(x.breaks.as_deref().unwrap_or_default(), &path, &mut v),
            profile: of_vehicle.get(i).copied().unwrap_or(0),
            max_reloads: 0,
            reload_time: 0.0,
        });
        vehicles.push(VehicleInfo {
            id: x.id,
            description: x.description.clone(),
            places: [x.start, x.end],
            indices: [x.start_index, x.end_index],
            per_hour,
            per_km: costs.per_km,
            fixed: costs.fixed,
            breaks: x.breaks.iter().flatten().map(|b| (b.id, b.description.clone())).collect(),
        });
    }
    let given = given_routes(input, mode, &seen, &mut v);
    let mut problem = Problem {
        profiles,
        name: "vroom".into(),
        locations,
        depots,
        vehicle_types,
        stops,
        shipments,
        objective: Objective::default(),
    };
    if !v.is_empty() {
        return Err(RoutingError::Invalid(v));
    }
    if let Some(penalty) = keep_penalty(&problem) {
        problem.stops.iter_mut().for_each(|s| s.unserved_penalty = Some(penalty));
    }
    let paths: Vec<String> = task_paths(input);
    problem.validate().map_err(|e| match e {
        RoutingError::Invalid(issues) => {
            RoutingError::Invalid(issues.into_iter().map(|i| wire_path(i, &paths)).collect())
        }
        other => other,
    })?;
    Ok(Mapped { problem, tasks, vehicles, distances, given })
}

/// The number of capacity dimensions: the first vehicle's capacity's, else the longest
/// amount given (so a mismatch is blamed on the amount, not on the fleet).
fn dimensions(input: &VroomInput) -> usize {
    if let Some(c) = input.vehicles.first().and_then(|x| x.capacity.as_ref()) {
        return c.len();
    }
    let caps = input.vehicles.iter().filter_map(|x| x.capacity.as_ref());
    let jobs = input.jobs.iter().flat_map(|j| [j.delivery.as_ref(), j.pickup.as_ref()]).flatten();
    let ships = input.shipments.iter().filter_map(|s| s.amount.as_ref());
    caps.chain(jobs).chain(ships).map(Vec::len).max().unwrap_or(0)
}

/// Priorities must be in `[0, 100]` and all the same (module docs).
fn priorities(input: &VroomInput, v: &mut Vec<Issue>) {
    let jobs =
        input.jobs.iter().enumerate().map(|(i, j)| (format!("jobs[{i}].priority"), j.priority));
    let ships = input
        .shipments
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("shipments[{i}].priority"), s.priority));
    let mut first = None;
    for (path, p) in jobs.chain(ships) {
        if p > 100 {
            v.push(issue(INVALID, path, "must be in [0, 100]"));
        } else if *first.get_or_insert(p) != p {
            let cause = "different priorities are not supported yet: give every task the same";
            v.push(issue(UNSUPPORTED, path, cause));
            return;
        }
    }
}

/// A task's windows, sorted, overlapping or touching ones merged (the same set of start
/// times); empty is "always".
fn windows(given: Option<&[[u64; 2]]>, path: &str, v: &mut Vec<Issue>) -> Vec<TimeWindow> {
    let mut w: Vec<[u64; 2]> = given.unwrap_or_default().to_vec();
    if let Some(k) = w.iter().position(|[a, b]| a > b) {
        v.push(issue(INVALID, format!("{path}[{k}]"), "start must be <= end"));
        return Vec::new();
    }
    w.sort_unstable();
    let mut merged: Vec<[u64; 2]> = Vec::with_capacity(w.len());
    for [a, b] in w {
        match merged.last_mut() {
            Some(last) if a <= last[1] => last[1] = last[1].max(b),
            _ => merged.push([a, b]),
        }
    }
    merged.into_iter().map(|[a, b]| TimeWindow { start: a as f64, end: b as f64 }).collect()
}

/// A vehicle's breaks in the model: windows as a job's (any time when none is given), the
/// `service` as the duration.
fn breaks(given: &[VroomBreak], path: &str, v: &mut Vec<Issue>) -> Vec<Break> {
    given
        .iter()
        .enumerate()
        .map(|(k, b)| {
            let at = format!("{path}.breaks[{k}].time_windows");
            let mut windows = windows(b.time_windows.as_deref(), &at, v);
            if windows.is_empty() {
                windows.push(TimeWindow::ALWAYS);
            }
            Break { id: format!("break-{}", b.id).into(), windows, duration: b.service as f64 }
        })
        .collect()
}

fn skills(given: &[u32]) -> Vec<SkillId> {
    given.iter().map(|k| SkillId(k.to_string())).collect()
}

fn stop(
    id: String,
    location: usize,
    demand: &[i64],
    service: u64,
    windows: Vec<TimeWindow>,
    needs: &[u32],
) -> Stop {
    let mut windows = windows.into_iter();
    let mut s = Stop::new(id, location, demand.to_vec());
    s.service_time = service as f64;
    s.time_window = windows.next().unwrap_or_default();
    s.extra_windows = windows.collect();
    s.skills = skills(needs);
    s
}

/// In [`Mode::Check`], each vehicle's `steps` as stop indices: `start` first and `end`
/// last if given, every task known and on one route once.
fn given_routes(
    input: &VroomInput,
    mode: Mode,
    tasks: &HashMap<(TaskKind, u64), usize>,
    v: &mut Vec<Issue>,
) -> Vec<Option<Given>> {
    if mode == Mode::Solve {
        return vec![None; input.vehicles.len()];
    }
    let mut on_route: HashMap<usize, String> = HashMap::new();
    let mut out = Vec::with_capacity(input.vehicles.len());
    for (i, x) in input.vehicles.iter().enumerate() {
        let Some(steps) = &x.steps else {
            out.push(None);
            continue;
        };
        let mut route = Given::default();
        for (k, s) in steps.iter().enumerate() {
            let path = format!("vehicles[{i}].steps[{k}]");
            let kind = match s.step_type {
                VroomStepType::Start if k == 0 => continue,
                VroomStepType::End if k + 1 == steps.len() => continue,
                VroomStepType::Start | VroomStepType::End => {
                    v.push(issue(
                        INVALID,
                        format!("{path}.type"),
                        "`start` comes first, `end` last",
                    ));
                    continue;
                }
                VroomStepType::Break => {
                    let ids = x.breaks.iter().flatten().map(|b| Some(b.id));
                    match ids.clone().position(|b| b == s.id) {
                        Some(b) => route.breaks.push((b, route.stops.len())),
                        None => v.push(issue(
                            INVALID,
                            format!("{path}.id"),
                            "a break step needs the id of one of the vehicle's breaks",
                        )),
                    }
                    continue;
                }
                VroomStepType::Job => TaskKind::Job,
                VroomStepType::Pickup => TaskKind::Pickup,
                VroomStepType::Delivery => TaskKind::Delivery,
            };
            let Some(id) = s.id else {
                v.push(issue(INVALID, format!("{path}.id"), "a task step needs the task's id"));
                continue;
            };
            let Some(&stop) = tasks.get(&(kind, id)) else {
                v.push(issue(
                    INVALID,
                    format!("{path}.id"),
                    &format!("no {} with id {id}", kind.name()),
                ));
                continue;
            };
            if let Some(before) = on_route.insert(stop, path.clone()) {
                let cause = format!("{} {id} is already at {before}", kind.name());
                v.push(issue(INVALID, format!("{path}.id"), &cause));
                continue;
            }
            route.stops.push(stop);
        }
        out.push(Some(route));
    }
    out
}

/// The VROOM path of each stop (`jobs[2]`, `shipments[0].pickup`).
fn task_paths(input: &VroomInput) -> Vec<String> {
    let jobs = (0..input.jobs.len()).map(|i| format!("jobs[{i}]"));
    let ships = (0..input.shipments.len())
        .flat_map(|i| [format!("shipments[{i}].pickup"), format!("shipments[{i}].delivery")]);
    jobs.chain(ships).collect()
}

/// A model path (`stops[3].time_window`, `vehicle_types[1].capacity`) as the VROOM path
/// the caller sent (`jobs[3].time_window`, `vehicles[1].capacity`).
fn wire_path(mut issue: Issue, tasks: &[String]) -> Issue {
    if let Location::Path { path } = &mut issue.location {
        if let Some(rest) = path.strip_prefix("vehicle_types") {
            *path = format!("vehicles{rest}");
        } else if let Some(rest) = path.strip_prefix("stops[")
            && let Some((index, tail)) = rest.split_once(']')
            && let Some(task) = index.parse::<usize>().ok().and_then(|i| tasks.get(i))
        {
            *path = format!("{task}{tail}");
        }
    }
    issue
}
