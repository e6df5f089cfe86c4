//! Where VROOM's places are: the one profile's custom matrices, or `[lon, lat]`
//! coordinates the caller resolves (the service's road graph), and the penalty that keeps
//! every task a vehicle can serve (it needs the longest arcs).

use super::input::VroomInput;
use super::{INVALID, UNSUPPORTED, issue};
use crate::issue::Issue;
use crate::routing::model::{Locations, Problem};
use std::collections::HashMap;

/// The `[lon, lat]` points of `input` in a fixed order, each once, when it has no
/// `matrices` (the caller resolves them into [`Locations`], e.g. on a road graph); `None`
/// with matrices.
pub fn coordinates(input: &VroomInput) -> Option<Vec<[f64; 2]>> {
    if input.matrices.is_some() {
        return None;
    }
    Some(point_index(input).1)
}

pub(super) fn key(p: [f64; 2]) -> [u64; 2] {
    [p[0].to_bits(), p[1].to_bits()]
}

/// Every place of `input` given as coordinates, in the order vehicles (start, end), jobs,
/// shipments (pickup, delivery), each once.
pub(super) fn point_index(input: &VroomInput) -> (HashMap<[u64; 2], usize>, Vec<[f64; 2]>) {
    let vehicles = input.vehicles.iter().flat_map(|v| [v.start, v.end]);
    let jobs = input.jobs.iter().map(|j| j.location);
    let shipments = input.shipments.iter().flat_map(|s| [s.pickup.location, s.delivery.location]);
    let (mut index, mut points) = (HashMap::new(), Vec::new());
    for p in vehicles.chain(jobs).chain(shipments).flatten() {
        index.entry(key(p)).or_insert_with(|| {
            points.push(p);
            points.len() - 1
        });
    }
    (index, points)
}

/// A penalty for leaving a task out that is larger than any route can cost, so that a
/// task is left out only when no vehicle can serve it (VROOM maximises the tasks served
/// first), on matrices (custom, or the road matrix up to its dense size); `None` with the
/// road oracle (the solver's own default then applies).
///
/// Why not the solver's default: it bounds a route's cost by its travel, but the model's
/// time cost counts waiting too, and VROOM's default `per_hour` makes every second cost;
/// a task whose window opens hours after the shift starts would be left out as cheaper.
///
/// # Units
/// Cost (fixed + per metre x metres + per second x seconds).
pub(super) fn keep_penalty(p: &Problem) -> Option<f64> {
    let Locations::Matrix { distance, duration } = &p.locations else { return None };
    // Unreachable pairs (infinite) are never driven.
    let longest = |m: &Vec<Vec<f64>>| {
        m.iter().flatten().copied().filter(|x| x.is_finite()).fold(0.0, f64::max)
    };
    let legs = (p.stops.len() + 1) as f64;
    let service: f64 = p.stops.iter().map(|s| s.service_time).sum();
    let due =
        p.stops.iter().filter_map(|s| s.windows().map(|w| w.end).filter(|e| e.is_finite()).last());
    let latest_due = due.fold(0.0, f64::max);
    let bound = p.vehicle_types.iter().map(|v| {
        let mut horizon =
            (latest_due - v.shift.start).max(0.0) + service + legs * longest(duration);
        if v.shift.end.is_finite() {
            horizon = horizon.min(v.shift.end - v.shift.start);
        }
        v.fixed_cost + v.cost_per_distance * legs * longest(distance) + v.cost_per_time * horizon
    });
    Some(10.0 * bound.fold(0.0, f64::max) + 1.0)
}

/// The model's locations: the one profile's matrices, or the caller's resolved points;
/// whether they came from matrices, and whether distances are real.
pub(super) fn locations(
    input: &VroomInput,
    resolved: Option<Locations>,
    v: &mut Vec<Issue>,
) -> (Locations, bool, bool) {
    let empty = || Locations::Matrix { distance: Vec::new(), duration: Vec::new() };
    let mut profiles: Vec<(usize, &str)> = input
        .vehicles
        .iter()
        .enumerate()
        .map(|(i, x)| (i, x.profile.as_deref().unwrap_or("car")))
        .collect();
    let first = profiles.first().map_or("car", |p| p.1);
    profiles.retain(|p| p.1 != first);
    if let Some((i, other)) = profiles.first() {
        let cause = format!(
            "vehicle profiles `{first}` and `{other}`: one profile per request is supported \
             (per-profile matrices are not yet)"
        );
        v.push(issue(UNSUPPORTED, format!("vehicles[{i}].profile"), &cause));
    }
    let Some(matrices) = &input.matrices else {
        if first != "car" {
            let cause = "the road graph is routed for `car` only: give `matrices` for this profile";
            v.push(issue(UNSUPPORTED, "vehicles[0].profile".into(), cause));
        }
        return match resolved {
            Some(l) => (l, false, true),
            None => {
                let path = first_coordinate_path(input);
                let cause = "coordinates need a road graph (serve with --scenario, or \
                             `stockroute route --roads PBF`): else give `matrices`";
                v.push(issue(UNSUPPORTED, path, cause));
                (empty(), false, false)
            }
        };
    };
    let Some(m) = matrices.get(first) else {
        let cause = format!("no matrices for the vehicles' profile `{first}`");
        v.push(issue(INVALID, "matrices".into(), &cause));
        return (empty(), true, false);
    };
    let path = |k: &str| format!("matrices.{first}.{k}");
    let Some(durations) = &m.durations else {
        v.push(issue(INVALID, path("durations"), "give the travel-time matrix"));
        return (empty(), true, false);
    };
    let n = durations.len();
    let square = |rows: &Vec<Vec<u64>>| rows.len() == n && rows.iter().all(|r| r.len() == n);
    let grid = |rows: &Vec<Vec<u64>>| -> Vec<Vec<f64>> {
        rows.iter().map(|r| r.iter().map(|&x| x as f64).collect()).collect()
    };
    if !square(durations) {
        v.push(issue(INVALID, path("durations"), &format!("must be a square {n} x {n} matrix")));
        return (empty(), true, false);
    }
    let duration = grid(durations);
    match &m.distances {
        Some(d) if square(d) => (Locations::Matrix { distance: grid(d), duration }, true, true),
        Some(_) => {
            v.push(issue(
                INVALID,
                path("distances"),
                &format!("must be a square {n} x {n} matrix"),
            ));
            (empty(), true, false)
        }
        None => {
            let distance = vec![vec![0.0; n]; n];
            (Locations::Matrix { distance, duration }, true, false)
        }
    }
}

fn first_coordinate_path(input: &VroomInput) -> String {
    for (i, x) in input.vehicles.iter().enumerate() {
        if x.start.is_some() {
            return format!("vehicles[{i}].start");
        }
        if x.end.is_some() {
            return format!("vehicles[{i}].end");
        }
    }
    if let Some(i) = input.jobs.iter().position(|j| j.location.is_some()) {
        return format!("jobs[{i}].location");
    }
    if !input.shipments.is_empty() {
        return "shipments[0].pickup.location".into();
    }
    "matrices".into()
}
