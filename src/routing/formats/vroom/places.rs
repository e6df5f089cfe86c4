//! Where VROOM's places are: each profile's custom matrices, or `[lon, lat]`
//! coordinates the caller resolves (the service's road graph), and the penalty that keeps
//! every task a vehicle can serve (it needs the longest arcs).

use super::input::VroomInput;
use super::{INVALID, UNSUPPORTED, issue};
use crate::context::SolveContext;
use crate::issue::Issue;
use crate::roads::error::RoadError;
use crate::roads::points::MatrixTiming;
use crate::roads::snap::DEFAULT_MAX_SNAP_M;
use crate::roads::{FleetRoads, VehicleProfile};
use crate::routing::model::{Locations, Problem};
use crate::routing::road_places::{RoadArcOptions, road_locations};
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
    // Unreachable pairs (infinite) are never driven; the longest arc of any profile, once.
    let (mut longest_d, mut longest_t) = (0.0_f64, 0.0_f64);
    for travel in std::iter::once(&p.locations).chain(&p.profiles) {
        let Locations::Matrix { distance, duration } = travel else { return None };
        let longest = |m: &Vec<Vec<f64>>| {
            m.iter().flatten().copied().filter(|x| x.is_finite()).fold(0.0, f64::max)
        };
        longest_d = longest_d.max(longest(distance));
        longest_t = longest_t.max(longest(duration));
    }
    let legs = (p.stops.len() + 1) as f64;
    let service: f64 = p.stops.iter().map(|s| s.service_time).sum();
    let due =
        p.stops.iter().filter_map(|s| s.windows().map(|w| w.end).filter(|e| e.is_finite()).last());
    let latest_due = due.fold(0.0, f64::max);
    let bound = p.vehicle_types.iter().map(|v| {
        let mut horizon = (latest_due - v.shift.start).max(0.0) + service + legs * longest_t;
        if v.shift.end.is_finite() {
            horizon = horizon.min(v.shift.end - v.shift.start);
        }
        v.fixed_cost + v.cost_per_distance * legs * longest_d + v.cost_per_time * horizon
    });
    Some(10.0 * bound.fold(0.0, f64::max) + 1.0)
}

/// The model's travel, one [`Locations`] per profile the vehicles name (in order of first
/// use: the first is [`Problem::locations`], the others [`Problem::profiles`]), each
/// vehicle's profile number, whether they came from matrices, and whether distances are
/// real (every profile's matrices give them).
pub(super) struct Travel {
    pub profiles: Vec<Locations>,
    pub of_vehicle: Vec<usize>,
    pub matrices: bool,
    pub distances: bool,
}

/// The VROOM profiles the vehicles of `input` name (default `car`), each once in order of
/// first use: what a caller resolves on its road graphs for coordinates.
pub fn road_profiles(input: &VroomInput) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for x in &input.vehicles {
        let name = x.profile.as_deref().unwrap_or("car");
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

/// Most distinct travels (a profile at a speed factor) one request may make: each is a
/// matrix as large as the request's.
pub const MAX_TRAVELS: usize = 8;

/// The travel of `input`: each profile's custom matrices, or the caller's resolved points
/// by profile name (the service's road graph of each), scaled by speed factors.
pub(super) fn locations(
    input: &VroomInput,
    resolved: Option<Vec<(String, Locations)>>,
    v: &mut Vec<Issue>,
) -> Travel {
    let empty = || Locations::Matrix { distance: Vec::new(), duration: Vec::new() };
    // One travel per (profile, speed factor in hundredths) the vehicles use.
    let mut names: Vec<(&str, u32)> = Vec::new();
    let of_vehicle: Vec<usize> = input
        .vehicles
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let name = x.profile.as_deref().unwrap_or("car");
            let key = (name, hundredths(x.speed_factor, i, v));
            names.iter().position(|&n| n == key).unwrap_or_else(|| {
                names.push(key);
                names.len() - 1
            })
        })
        .collect();
    if names.is_empty() {
        names.push(("car", 100));
    }
    // Each travel is a matrix of its own: a few per request, not one per vehicle.
    if names.len() > MAX_TRAVELS {
        let i = of_vehicle.iter().position(|&k| k == MAX_TRAVELS).unwrap_or(0);
        let cause = format!(
            "at most {MAX_TRAVELS} distinct (profile, speed_factor) pairs per request, \
             this vehicle makes the {}th",
            MAX_TRAVELS + 1
        );
        v.push(issue(UNSUPPORTED, format!("vehicles[{i}].speed_factor"), &cause));
        let empty = Locations::Matrix { distance: Vec::new(), duration: Vec::new() };
        return Travel { profiles: vec![empty], of_vehicle, matrices: false, distances: false };
    }
    let Some(matrices) = &input.matrices else {
        let Some(resolved) = resolved else {
            let path = first_coordinate_path(input);
            let cause = "coordinates need a road graph (serve with --scenario, or \
                         `stockroute route --roads PBF`): else give `matrices`";
            v.push(issue(UNSUPPORTED, path, cause));
            return Travel {
                profiles: vec![empty()],
                of_vehicle,
                matrices: false,
                distances: false,
            };
        };
        let mut profiles = Vec::with_capacity(names.len());
        for &(name, speed) in &names {
            let Some((_, travel)) = resolved.iter().find(|(n, _)| n == name) else {
                let i = input
                    .vehicles
                    .iter()
                    .position(|x| x.profile.as_deref().unwrap_or("car") == name);
                let cause =
                    format!("no road graph for profile `{name}` here: give `matrices` for it");
                v.push(issue(UNSUPPORTED, format!("vehicles[{}].profile", i.unwrap_or(0)), &cause));
                profiles.push(empty());
                continue;
            };
            profiles.push(scaled(travel.clone(), speed, input, v));
        }
        return Travel { profiles, of_vehicle, matrices: false, distances: true };
    };
    let mut profiles = Vec::with_capacity(names.len());
    let mut distances = true;
    for &(name, speed) in &names {
        match profile_matrices(matrices.get(name), name, v) {
            Some((loc, real)) => {
                distances &= real;
                profiles.push(scaled(loc, speed, input, v));
            }
            None => {
                distances = false;
                profiles.push(empty());
            }
        }
    }
    if let Some(Locations::Matrix { duration, .. }) = profiles.first() {
        let n = duration.len();
        for ((name, _), loc) in names.iter().zip(&profiles).skip(1) {
            if loc.len() != n {
                let cause = format!("must be {n} x {n} like the first profile's");
                v.push(issue(INVALID, format!("matrices.{name}.durations"), &cause));
            }
        }
    }
    if !distances {
        // Without distances in every profile the model's distances are all zero.
        for loc in &mut profiles {
            if let Locations::Matrix { distance, .. } = loc {
                distance.iter_mut().flatten().for_each(|x| *x = 0.0);
            }
        }
    }
    Travel { profiles, of_vehicle, matrices: true, distances }
}

/// `travel` for a vehicle `speed` hundredths as fast: matrix durations divided by the
/// factor. Road-oracle arcs (above the dense size) are not rescaled: with a factor other
/// than 1 that is an [`UNSUPPORTED`] issue at the first such vehicle's `speed_factor`.
fn scaled(mut travel: Locations, speed: u32, input: &VroomInput, v: &mut Vec<Issue>) -> Locations {
    if speed == 100 {
        return travel;
    }
    match &mut travel {
        Locations::Matrix { duration, .. } => {
            let factor = f64::from(speed) / 100.0;
            duration.iter_mut().flatten().for_each(|t| *t /= factor);
        }
        _ => {
            let i = input.vehicles.iter().position(|x| x.speed_factor.is_some_and(|f| f != 1.0));
            let cause = "a speed factor on the road oracle (a city-scale request) is not supported";
            v.push(issue(UNSUPPORTED, format!("vehicles[{}].speed_factor", i.unwrap_or(0)), cause));
        }
    }
    travel
}

/// A vehicle's `speed_factor` in hundredths (VROOM keeps two decimals), 100 when absent;
/// outside (0, 5] an [`INVALID`] issue at `vehicles[i].speed_factor` and 100.
fn hundredths(factor: Option<f64>, i: usize, v: &mut Vec<Issue>) -> u32 {
    let Some(f) = factor else { return 100 };
    let h = (f * 100.0).round();
    if f.is_finite() && f > 0.0 && f <= 5.0 && h >= 1.0 {
        h as u32
    } else {
        let cause = format!("must be in (0, 5], got {f}");
        v.push(issue(INVALID, format!("vehicles[{i}].speed_factor"), &cause));
        100
    }
}

/// One profile's matrices, and whether it gave distances (zeros stand in otherwise).
fn profile_matrices(
    m: Option<&super::input::VroomMatrices>,
    name: &str,
    v: &mut Vec<Issue>,
) -> Option<(Locations, bool)> {
    let Some(m) = m else {
        let cause = format!("no matrices for the vehicles' profile `{name}`");
        v.push(issue(INVALID, "matrices".into(), &cause));
        return None;
    };
    let path = |k: &str| format!("matrices.{name}.{k}");
    let Some(durations) = &m.durations else {
        v.push(issue(INVALID, path("durations"), "give the travel-time matrix"));
        return None;
    };
    let n = durations.len();
    let square = |rows: &Vec<Vec<u64>>| rows.len() == n && rows.iter().all(|r| r.len() == n);
    let grid = |rows: &Vec<Vec<u64>>| -> Vec<Vec<f64>> {
        rows.iter().map(|r| r.iter().map(|&x| x as f64).collect()).collect()
    };
    if !square(durations) {
        v.push(issue(INVALID, path("durations"), &format!("must be a square {n} x {n} matrix")));
        return None;
    }
    let duration = grid(durations);
    match &m.distances {
        Some(d) if square(d) => Some((Locations::Matrix { distance: grid(d), duration }, true)),
        Some(_) => {
            v.push(issue(
                INVALID,
                path("distances"),
                &format!("must be a square {n} x {n} matrix"),
            ));
            None
        }
        None => Some((Locations::Matrix { distance: vec![vec![0.0; n]; n], duration }, false)),
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

/// The road arcs between the [`coordinates`] of `input` for every VROOM profile its
/// vehicles name that `roads` has a graph for (`car` and `van` drive the van's graph,
/// `bike` the bicycle's, ...), by name, for [`super::map::map`]; a profile without a graph
/// is left out, and the mapping refuses it by name. `None` when `input` has `matrices`.
///
/// # Errors
/// As [`road_locations`].
pub fn on_roads(
    input: &VroomInput,
    roads: &FleetRoads,
    timing: &MatrixTiming,
    ctx: &SolveContext,
) -> Result<Option<Vec<(String, Locations)>>, RoadError> {
    let Some(points) = coordinates(input) else { return Ok(None) };
    let mut out = Vec::new();
    for name in road_profiles(input) {
        let graph = match VehicleProfile::parse(&name) {
            Some(VehicleProfile::Car | VehicleProfile::Van) => roads.primary(),
            Some(p) if roads.has_own(p) => roads.of(p),
            _ => continue,
        };
        let snapped =
            points.iter().map(|&[lon, lat]| graph.snap(lat, lon, DEFAULT_MAX_SNAP_M)).collect();
        let on = road_locations(graph, snapped, timing, &RoadArcOptions::default(), ctx)?;
        out.push((name, on.locations));
    }
    Ok(Some(out))
}
