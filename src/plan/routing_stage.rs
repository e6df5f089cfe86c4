//! The routing stage of a planning run: the delivery day routed and checked per station by
//! [`routing::route_day`] on an iteration budget, then timed stop by stop and drawn along
//! the roads.

use super::outcome::{
    PlannedBreak, PlannedRoute, RoutingSummary, StationRoutes, UnservedCause, UnservedOrder, Visit,
};
use super::{PlanError, PlanRequest};
use crate::context::SolveContext;
use crate::roads::FleetRoads;
use crate::roads::geometry::route_line;
use crate::roads::graph::RoadGraph;
use crate::roads::snap::Snapped;
use crate::routing::from_scenario::{DayOptions, StationProblem, UnroutedOrder, UnroutedReason};
use crate::routing::{self, BreakVisit, Problem, Route, Solution, SolverConfig};
use crate::scenario::Scenario;

/// Routes every selected station of the scenario's delivery day.
pub(crate) fn run(
    scn: &Scenario,
    request: &PlanRequest,
    roads: Option<&FleetRoads>,
    ctx: &SolveContext,
) -> Result<RoutingSummary, PlanError> {
    let options = &request.routing;
    let mut summary = RoutingSummary {
        departure_hour: 0,
        max_iterations: options.max_iterations,
        stations: Vec::new(),
        unserved: Vec::new(),
        off_road_stations: Vec::new(),
        orders: scn.orders.len(),
        served: 0,
        vehicles: 0,
        distance_km: 0.0,
        cost: 0.0,
    };
    let Some(roads) = roads else {
        summary.unserved = scn
            .orders
            .iter()
            .map(|o| {
                unserved(UnroutedOrder {
                    order: o.id.clone(),
                    station: None,
                    reason: UnroutedReason::NoRoadGraph,
                })
            })
            .collect();
        return Ok(summary);
    };
    let day_options = DayOptions {
        service_time_s: options.service_time_s,
        max_snap_m: options.max_snap_m,
        stations: options.stations.clone(),
        // A matrix up to the dense size, the road oracle above it (routing::road).
        ..DayOptions::default()
    };
    let config = SolverConfig::default().with_max_iterations(options.max_iterations);
    // The request's seed, cancel token and deadline (see `route_day`).
    let day =
        routing::route_day::<PlanError>(scn, roads, &day_options, &config, request.seed, ctx)?;
    summary.departure_hour = day.departure_hour;
    summary.off_road_stations = day.off_road_stations;
    summary.unserved = day.unrouted.into_iter().map(unserved).collect();
    for routed in &day.stations {
        let sp = &routed.problem;
        let (solution, verdict) = (&routed.routes.solution, &routed.routes.verdict);
        let station = scn.stations.iter().find(|s| s.id == sp.station);
        let mut routes = Vec::with_capacity(solution.routes.len());
        for r in &solution.routes {
            routes.push(planned_route(sp, r, roads)?);
        }
        for u in &solution.unserved {
            summary.unserved.push(UnservedOrder {
                order: sp.orders[u.stop].order.clone(),
                station: Some(sp.station.clone()),
                reason: UnservedCause::Solver { code: u.reason },
            });
        }
        summary.served += solution.routes.iter().map(|r| r.stops.len()).sum::<usize>();
        summary.vehicles += solution.vehicles();
        summary.distance_km += solution.distance / 1000.0;
        summary.cost += solution.cost;
        summary.stations.push(StationRoutes {
            station: sp.station.clone(),
            name: station.map(|s| s.name.clone()).unwrap_or_default(),
            lat: station.map_or(sp.locations[0].lat, |s| s.lat),
            lon: station.map_or(sp.locations[0].lon, |s| s.lon),
            routes,
            check_violations: verdict.violations.iter().map(|v| format!("{v:?}")).collect(),
        });
    }
    Ok(summary)
}

fn unserved(u: UnroutedOrder) -> UnservedOrder {
    UnservedOrder { order: u.order, station: u.station, reason: UnservedCause::Unrouted(u.reason) }
}

/// Where the locations of a route's vehicle are and on which graph: the van's graph and
/// positions for profile 0, the vehicle profile's own otherwise.
fn places_of<'a>(
    sp: &'a StationProblem,
    profile: usize,
    roads: &'a FleetRoads,
) -> (&'a RoadGraph, impl Fn(usize) -> Option<Snapped> + 'a) {
    let own = profile.checked_sub(1).and_then(|i| sp.profiles.get(i));
    let graph = own.map_or(roads.primary(), |(p, _)| roads.of(*p));
    let at = move |location: usize| match own {
        Some((_, at)) => at.get(location).copied().flatten(),
        None => sp.locations.get(location).copied(),
    };
    (graph, at)
}

/// A solved route with its schedule (simulated from the problem's own matrix, as the
/// checker does), loads and road polyline (on the graph of the vehicle's profile).
fn planned_route(
    sp: &StationProblem,
    r: &Route,
    roads: &FleetRoads,
) -> Result<PlannedRoute, PlanError> {
    let p: &Problem = &sp.problem;
    let vt = &p.vehicle_types[r.vehicle_type];
    let (graph, at) = places_of(sp, vt.profile, roads);
    let depot = p.depots[vt.start_depot].location;
    let schedule = r.schedule(p);
    let mut stops = Vec::with_capacity(r.stops.len());
    let (mut weight_kg, mut volume_m3) = (0.0, 0.0);
    for (&s, visit) in r.stops.iter().zip(&schedule) {
        let stop = &p.stops[s];
        let (arrival_s, start_s, now) = (visit.arrival, visit.start, visit.departure);
        let info = &sp.orders[s];
        // Where this vehicle stops: its own graph's snapped point (the van's as a fallback).
        let place = at(stop.location).unwrap_or(sp.locations[stop.location]);
        weight_kg += info.weight_kg;
        volume_m3 += info.volume_m3;
        stops.push(Visit {
            order: info.order.clone(),
            zone: info.zone.clone(),
            lat: place.lat,
            lon: place.lon,
            arrival_s,
            start_s,
            departure_s: now,
            weight_kg: info.weight_kg,
            volume_m3: info.volume_m3,
        });
    }
    let end_s = vt.shift.start + r.duration;
    let breaks = r
        .breaks_taken(p)
        .map(|(b, spec)| PlannedBreak {
            id: spec.id.clone(),
            after: b.after,
            start_s: b.start,
            end_s: b.start + spec.duration,
        })
        .collect();
    let share = |used: f64, cap: i64| if cap > 0 { 100.0 * used / cap as f64 } else { 0.0 };
    let load_pct =
        share(weight_kg * 1000.0, vt.capacity[0]).max(share(volume_m3 * 1e6, vt.capacity[1]));
    // A route only visits places its vehicle reaches, so each is on its graph.
    let mut ids = vec![depot];
    ids.extend(r.stops.iter().map(|&s| p.stops[s].location));
    ids.extend(p.end_location(vt));
    let visits: Vec<Snapped> = ids.iter().filter_map(|&l| at(l)).collect();
    let path = route_line(graph, &visits)?;
    Ok(PlannedRoute {
        vehicle_type: vt.id.clone(),
        vehicle: r.vehicle + 1,
        stops,
        start_s: vt.shift.start,
        end_s,
        distance_km: r.distance / 1000.0,
        weight_kg,
        volume_m3,
        load_pct,
        cost: vt.fixed_cost + vt.cost_per_distance * r.distance + vt.cost_per_time * r.duration,
        path,
        breaks,
    })
}

/// The solver's view of one station's planned routes and unserved orders, to re-check a
/// plan read back from its outcome with [`routing::check()`]: stops are found by order id
/// in `problem.stops`; `None` when a route names an unknown vehicle type or order.
pub fn solution_of(
    problem: &Problem,
    routes: &[PlannedRoute],
    unserved: &[UnservedOrder],
) -> Option<Solution> {
    let index = |order: &str| problem.stops.iter().position(|s| s.id.as_str() == order);
    let mut out = Vec::with_capacity(routes.len());
    for r in routes {
        let vehicle_type = problem.vehicle_types.iter().position(|v| v.id == r.vehicle_type)?;
        let stops =
            r.stops.iter().map(|v| index(v.order.as_str())).collect::<Option<Vec<usize>>>()?;
        let distance = r.distance_km * 1000.0;
        let duration = r.end_s - r.start_s;
        // Outputs number vehicles from 1; the solver indexes them from 0.
        let vehicle = r.vehicle.checked_sub(1)?;
        let specs = &problem.vehicle_types[vehicle_type].breaks;
        let breaks = r
            .breaks
            .iter()
            .map(|b| {
                let index = specs.iter().position(|x| x.id == b.id)?;
                Some(BreakVisit { index, after: b.after, start: b.start_s })
            })
            .collect::<Option<Vec<_>>>()?;
        out.push(Route {
            vehicle_type,
            vehicle,
            stops,
            distance,
            duration,
            breaks,
            reloads: Vec::new(),
        });
    }
    let unserved = unserved
        .iter()
        .filter_map(|u| match u.reason {
            UnservedCause::Solver { code } => {
                index(u.order.as_str()).map(|stop| routing::Unserved { stop, reason: code })
            }
            UnservedCause::Unrouted(_) => None,
        })
        .collect();
    Some(Solution {
        cost: routes.iter().map(|r| r.cost).sum(),
        distance: routes.iter().map(|r| r.distance_km * 1000.0).sum(),
        routes: out,
        unserved,
        unserved_penalty: 0.0,
        stats: routing::SolveStats::default(),
    })
}
