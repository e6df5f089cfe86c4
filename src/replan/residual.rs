//! The residual problem: what is left to plan once the fixed prefixes are taken out.
//!
//! Each listed vehicle becomes a vehicle type of its own (count 1) that starts where and
//! when its fixed prefix (served, then committed stops) ends: a depot of its own at that
//! location, a shift from that time to its original latest return, and what is left of its
//! capacity, stop limit and distance limit. A vehicle that has left its depot pays no fixed
//! cost again (it is already out). Vehicles not listed keep their type, pooled, leaving no
//! earlier than `now`. So the residual is a plain [`Problem`]: the solver needs no notion of
//! fixed stops, and static problems solve exactly as before (nothing in the solver changed).
//!
//! # Why the prefix is simulated
//! The residual start time is the later of the reported position time (or `now`) and the
//! time the simulated prefix allows; travel times obey FIFO (leaving later never arrives
//! earlier), so a residual route feasible from that start is also feasible in the whole-day
//! problem the checker sees, where the prefix runs from the shift start.

use crate::ids::{StationId, VehicleTypeId};
use crate::issue::Issue;
use crate::replan::error::violation;
use crate::replan::state::State;
use crate::routing::model::{Depot, Problem, TimeWindow, VehicleType};
use std::collections::HashSet;

/// Where a residual vehicle type comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Origin {
    /// Index into the state problem's vehicle types.
    pub vehicle_type: usize,
    /// The original vehicle (from 0) of each residual vehicle of this type.
    pub vehicles: Vec<usize>,
    /// Index into [`State::vehicles`] for a listed vehicle.
    pub listed: Option<usize>,
}

/// The residual problem and the maps back to the state.
#[derive(Debug, Clone)]
pub(crate) struct Residual {
    /// The problem the solver gets.
    pub problem: Problem,
    /// State stop index of each residual stop.
    pub stops: Vec<usize>,
    /// Residual stop index of each state stop (`None` for fixed ones).
    pub of_state: Vec<Option<usize>>,
    /// Origin of each residual vehicle type.
    pub origins: Vec<Origin>,
}

/// The end of a fixed prefix.
struct PrefixEnd {
    location: usize,
    time: f64,
    distance: f64,
    load: Vec<i64>,
    stops: usize,
}

/// Builds the residual problem of a checked state.
///
/// # Errors
/// The `R007` issues of prefixes that break a rule of their vehicle.
pub(crate) fn build(state: &State) -> Result<Residual, Vec<Issue>> {
    let p = &state.problem;
    let mut v = Vec::new();
    let mut fixed = vec![false; p.stops.len()];
    for x in &state.vehicles {
        for &s in x.served.iter().chain(&x.committed) {
            fixed[s] = true;
        }
    }
    let stops: Vec<usize> = (0..p.stops.len()).filter(|&s| !fixed[s]).collect();
    let mut of_state = vec![None; p.stops.len()];
    for (r, &s) in stops.iter().enumerate() {
        of_state[s] = Some(r);
    }
    let mut depots = p.depots.clone();
    let mut depot_ids: HashSet<String> = depots.iter().map(|d| d.id.0.clone()).collect();
    let mut type_ids: HashSet<String> = p.vehicle_types.iter().map(|t| t.id.0.clone()).collect();
    let mut types = Vec::new();
    let mut origins = Vec::new();
    let mut listed = vec![Vec::new(); p.vehicle_types.len()];
    for (i, x) in state.vehicles.iter().enumerate() {
        listed[x.vehicle_type].push(x.vehicle);
        let t = &p.vehicle_types[x.vehicle_type];
        let latest = t.latest_end();
        let mut vt = VehicleType { count: 1, max_duration: None, ..t.clone() };
        vt.id = VehicleTypeId(unique(format!("{}#{}", t.id, x.vehicle + 1), &mut type_ids));
        if x.departed() {
            let Some(end) = prefix_end(state, i, &mut v) else { continue };
            let id = unique(format!("{}#{} now", t.id, x.vehicle + 1), &mut depot_ids);
            depots.push(Depot { id: StationId(id), location: end.location });
            vt.start_depot = depots.len() - 1;
            vt.fixed_cost = 0.0;
            for (c, l) in vt.capacity.iter_mut().zip(&end.load) {
                *c -= l;
            }
            vt.max_stops = t.max_stops.map(|m| m - end.stops);
            vt.max_distance = t.max_distance.map(|m| (m - end.distance).max(0.0));
            vt.shift = shift_from(end.time, latest, &mut vt.count);
        } else {
            vt.shift = shift_from(t.shift.start.max(state.now), latest, &mut vt.count);
        }
        types.push(vt);
        origins.push(Origin {
            vehicle_type: x.vehicle_type,
            vehicles: vec![x.vehicle],
            listed: Some(i),
        });
    }
    for (ti, t) in p.vehicle_types.iter().enumerate() {
        let free: Vec<usize> = (0..t.count).filter(|k| !listed[ti].contains(k)).collect();
        if free.is_empty() {
            continue;
        }
        let mut vt = VehicleType { count: free.len(), max_duration: None, ..t.clone() };
        vt.shift = shift_from(t.shift.start.max(state.now), t.latest_end(), &mut vt.count);
        types.push(vt);
        origins.push(Origin { vehicle_type: ti, vehicles: free, listed: None });
    }
    if !v.is_empty() {
        return Err(v);
    }
    let problem = Problem {
        profiles: p.profiles.clone(),
        name: format!("{} (residual)", p.name),
        locations: p.locations.clone(),
        depots,
        vehicle_types: types,
        stops: stops.iter().map(|&s| p.stops[s].clone()).collect(),
        // States with shipments are refused by `State::from_wire` (R011).
        shipments: Vec::new(),
        objective: p.objective,
    };
    Ok(Residual { problem, stops, of_state, origins })
}

/// The shift `[start, latest]`; a vehicle already past its latest return takes no more
/// work (its count becomes 0, the window a valid point).
fn shift_from(start: f64, latest: f64, count: &mut usize) -> TimeWindow {
    if start > latest {
        *count = 0;
        return TimeWindow { start: latest, end: latest };
    }
    TimeWindow { start, end: latest }
}

/// `base`, or `base` with primes appended until no id in `taken` has it.
fn unique(base: String, taken: &mut HashSet<String>) -> String {
    let mut id = base;
    while taken.contains(&id) {
        id.push('\'');
    }
    taken.insert(id.clone());
    id
}

/// Simulates vehicle `i`'s served stops from its depot at its shift start, jumps to its
/// reported position (where it was at the time given, or as soon as the matrix lets it
/// get there, whichever is later; then it drove on), runs its committed
/// stops from there, and ends at the later of that and `now` (it has not served them yet,
/// so nothing new starts before the clock). Pushes `R007` for every rule the prefix breaks.
fn prefix_end(state: &State, i: usize, v: &mut Vec<Issue>) -> Option<PrefixEnd> {
    let p = &state.problem;
    let x = &state.vehicles[i];
    let t = &p.vehicle_types[x.vehicle_type];
    let travel = p.travel_of(x.vehicle_type);
    let field = |name: &str| format!("vehicles[{i}].{name}");
    let before = v.len();
    let mut at = p.depots[t.start_depot].location;
    let (mut now, mut distance) = (t.shift.start, 0.0);
    let mut load = vec![0i64; t.capacity.len()];
    for &s in &x.served {
        let stop = &p.stops[s];
        distance += travel.distance(at, stop.location);
        let arrival = now + travel.duration(at, stop.location);
        now = stop.service_start(arrival).unwrap_or(arrival) + stop.service_time;
        at = stop.location;
    }
    if let Some(pos) = x.position {
        // Never earlier than the matrix allows from the last served stop: the checker
        // replays the day from the shift start, and a residual start no earlier than its
        // replay keeps every later arrival no earlier either (FIFO travel times).
        distance += travel.distance(at, pos.location);
        now = pos.time.max(now + travel.duration(at, pos.location));
        at = pos.location;
    }
    for (k, &s) in x.committed.iter().enumerate() {
        let stop = &p.stops[s];
        distance += travel.distance(at, stop.location);
        let arrival = now + travel.duration(at, stop.location);
        let Some(start) = stop.service_start(arrival).filter(|s| s.is_finite()) else {
            let message = format!("committed stop {} cannot be reached in its windows", stop.id);
            v.push(violation("R007", field(&format!("committed[{k}]")), message));
            return None;
        };
        if !stop.skills.iter().all(|s| t.skills.contains(s)) {
            let message = format!("stop {} needs a skill vehicle type {} lacks", stop.id, t.id);
            v.push(violation("R007", field(&format!("committed[{k}]")), message));
        }
        now = start + stop.service_time;
        at = stop.location;
    }
    now = now.max(state.now);
    for &s in x.served.iter().chain(&x.committed) {
        for (l, d) in load.iter_mut().zip(&p.stops[s].demand) {
            *l += d;
        }
    }
    if load.iter().zip(&t.capacity).any(|(l, c)| l > c) {
        let message = format!("served and committed stops load {load:?}, over {:?}", t.capacity);
        v.push(violation("R007", field("committed"), message));
    }
    let stops = x.served.len() + x.committed.len();
    if t.max_stops.is_some_and(|m| stops > m) {
        v.push(violation("R007", field("committed"), format!("{stops} stops, over max_stops")));
    }
    if !distance.is_finite() || t.max_distance.is_some_and(|m| distance > m) {
        let message = format!("the prefix drives {distance}, over the vehicle's limit or no path");
        v.push(violation("R007", field("committed"), message));
    }
    (v.len() == before).then_some(PrefixEnd { location: at, time: now, distance, load, stops })
}

/// The whole-day problem the checker sees: the state's problem with the windows of served
/// stops opened (history is not re-checked: a stop served late yesterday is no error of
/// today's plan).
pub(crate) fn check_problem(state: &State) -> Problem {
    let mut p = state.problem.clone();
    for x in &state.vehicles {
        for &s in &x.served {
            p.stops[s].time_window = TimeWindow::ALWAYS;
            p.stops[s].extra_windows.clear();
        }
    }
    p
}
