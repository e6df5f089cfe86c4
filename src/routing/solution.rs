//! A solved routing plan as the caller sees it: routes of stop indices per vehicle, stops
//! left unserved with a reason, and the figures recomputed in the problem's own units.

use crate::routing::break_plan::place;
use crate::routing::breaks::Break;
pub use crate::routing::breaks::BreakVisit;
use crate::routing::compiled::{Compiled, UNREACHABLE};
use crate::routing::model::{Locations, Problem, VehicleType};
use crate::routing::plan::{Plan, single_tour_cost};
use serde::Serialize;

/// Why a stop is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnservedReason {
    /// Its demand exceeds the capacity of every vehicle type.
    Capacity,
    /// No vehicle can reach it inside its time windows and be back by its shift end (or
    /// within its route distance limit).
    TimeWindow,
    /// The matrix has no path between it and any vehicle's depots.
    Unreachable,
    /// It could be served alone, but the fleet has no room left for it.
    NoVehicle,
    /// No vehicle type has every skill it needs.
    Skills,
    /// It is optional (it has a penalty), could be served alone, and the plan leaves it
    /// out: serving it costs more than its penalty, or the fleet has no room for it.
    Optional,
}

/// A stop left out of every route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unserved {
    /// Index into [`Problem::stops`].
    pub stop: usize,
    /// Why.
    pub reason: UnservedReason,
}

/// One vehicle's route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    /// Index into [`Problem::vehicle_types`].
    pub vehicle_type: usize,
    /// Which vehicle of that type: an index from 0 (the outputs number it from 1).
    pub vehicle: usize,
    /// Stop indices in visiting order (depots omitted).
    pub stops: Vec<usize>,
    /// Distance driven, in the problem's distance unit (metres on roads).
    pub distance: f64,
    /// Time from shift start to return, in the problem's time unit (seconds on roads),
    /// breaks included.
    pub duration: f64,
    /// Where the route takes its vehicle type's breaks, in order (empty for a type without
    /// breaks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<BreakVisit>,
    /// Multi-trip: after how many of [`Route::stops`] the vehicle goes back to its start
    /// depot to reload, ascending, each between 1 and `stops.len() - 1` (empty: one trip).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reloads: Vec<usize>,
}

/// When a route reaches and serves one of its stops.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Visit {
    /// When the vehicle arrives at the stop, in the problem's time unit (seconds on roads),
    /// on the clock of the time windows.
    pub arrival: f64,
    /// When service starts (after waiting for the time window to open), in the same unit.
    pub start: f64,
    /// When the vehicle leaves (service start + service time), in the same unit.
    pub departure: f64,
}

impl Route {
    /// Each break the route takes with its vehicle type's definition (id, windows,
    /// duration), in order; a break or type the problem does not have is skipped.
    pub fn breaks_taken<'a>(
        &'a self,
        p: &'a Problem,
    ) -> impl Iterator<Item = (&'a BreakVisit, &'a Break)> + 'a {
        let specs = p.vehicle_types.get(self.vehicle_type).map_or(&[][..], |v| &v.breaks);
        self.breaks.iter().filter_map(move |b| Some((b, specs.get(b.index)?)))
    }

    /// Arrival, service start and departure at each stop, simulated from the raw problem:
    /// the vehicle leaves its depot at its shift start, takes its breaks where
    /// [`Route::breaks`] says (or when it is free, if later) and waits where it arrives
    /// early. Stops or vehicle types the problem does not have end the schedule early.
    ///
    /// # Units
    /// The problem's time unit, on the clock of the time windows and shifts.
    pub fn schedule(&self, p: &Problem) -> Vec<Visit> {
        let Some(v) = p.vehicle_types.get(self.vehicle_type) else { return Vec::new() };
        let Some(mut at) = p.depots.get(v.start_depot).map(|d| d.location) else {
            return Vec::new();
        };
        let mut now = v.shift.start;
        let travel = p.travel_of(self.vehicle_type);
        let mut visits = Vec::with_capacity(self.stops.len());
        for (leg, stop) in self.stops.iter().map_while(|&s| p.stops.get(s)).enumerate() {
            let (_, travel) = leg_into(p, v, travel, &self.reloads, leg, at, stop.location);
            let arrival = through_leg(v, &self.breaks, leg, now, travel);
            // After the last window (an infeasible route) service starts on arrival.
            let start = stop.service_start(arrival).unwrap_or(arrival);
            now = start + stop.service_time;
            visits.push(Visit { arrival, start, departure: now });
            at = stop.location;
        }
        visits
    }
}

/// Why a solve returned when it did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StopReason {
    /// The problem is small enough that the first plan is optimal (no stop, or one stop
    /// served by its cheapest vehicle).
    Exact,
    /// The best plan stopped improving (see [`crate::routing::SolverConfig::stall_factor`]).
    Stalled,
    /// The iteration budget was used up.
    #[default]
    Iterations,
    /// The time limit was reached.
    Deadline,
    /// The caller cancelled.
    Cancelled,
}

/// Counters of a solve.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SolveStats {
    /// Ruin-and-recreate iterations done (all workers).
    pub iterations: u64,
    /// Wall time from the request's start to the return, in seconds.
    pub seconds: f64,
    /// Why the search stopped (with several workers, the strongest reason: cancelled,
    /// then deadline, then iterations, then stalled, then exact).
    pub stop_reason: StopReason,
}

/// A routing plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// Used vehicles' routes.
    pub routes: Vec<Route>,
    /// Stops no route serves.
    pub unserved: Vec<Unserved>,
    /// Cost of the routes (fixed, distance and time costs) in the problem's units.
    pub cost: f64,
    /// Sum of the penalties of unserved stops, in the same units.
    pub unserved_penalty: f64,
    /// Total distance in the problem's distance unit (metres on roads).
    pub distance: f64,
    /// Counters.
    pub stats: SolveStats,
}

impl Solution {
    /// Number of vehicles used.
    pub fn vehicles(&self) -> usize {
        self.routes.len()
    }

    /// Builds the caller's view of a plan; distances and durations are recomputed from the
    /// raw problem in floating point.
    pub(crate) fn from_plan(p: &Problem, c: &Compiled, plan: &Plan) -> Self {
        let mut count = vec![0usize; p.vehicle_types.len()];
        let mut routes: Vec<Route> = plan
            .tours
            .iter()
            .map(|t| {
                let vt = t.kind as usize;
                let stops: Vec<usize> = t.stops.iter().map(|&s| s as usize).collect();
                let breaks = match p.vehicle_types[vt].breaks.is_empty() {
                    true => Vec::new(),
                    false => place(p, vt, &stops).unwrap_or_default(),
                };
                let reloads: Vec<usize> = t.reloads.iter().map(|&r| r as usize).collect();
                let (distance, duration) = measure(p, vt, &stops, &breaks, &reloads);
                count[vt] += 1;
                Route {
                    vehicle_type: vt,
                    vehicle: count[vt] - 1,
                    stops,
                    distance,
                    duration,
                    breaks,
                    reloads,
                }
            })
            .collect();
        routes.sort_by_key(|r| (r.vehicle_type, r.vehicle));
        let mut unserved: Vec<Unserved> = plan
            .unassigned
            .iter()
            .map(|&s| Unserved { stop: s as usize, reason: reason(p, c, s) })
            .collect();
        unserved.sort_by_key(|u| u.stop);
        let mut cost = 0.0;
        for r in &routes {
            let vt = &p.vehicle_types[r.vehicle_type];
            cost +=
                vt.fixed_cost + vt.cost_per_distance * r.distance + vt.cost_per_time * r.duration;
        }
        if let Some(b) = p.objective.balance {
            let used = routes.iter().filter(|r| !r.stops.is_empty());
            cost += b.cost(used.map(|r| (r.duration, r.stops.len())));
        }
        let unserved_penalty = unserved.iter().map(|u| c.penalty[u.stop] / c.scale).sum();
        let distance = routes.iter().map(|r| r.distance).sum();
        let stats = SolveStats::default();
        Solution { routes, unserved, cost, unserved_penalty, distance, stats }
    }
}

/// Distance and duration of a route taking `breaks` and reloading after the numbers of
/// stops in `reloads`, simulated from the raw problem.
pub(crate) fn measure(
    p: &Problem,
    vt: usize,
    stops: &[usize],
    breaks: &[BreakVisit],
    reloads: &[usize],
) -> (f64, f64) {
    let v = &p.vehicle_types[vt];
    let travel = p.travel_of(vt);
    let mut at = p.depots[v.start_depot].location;
    let (mut dist, mut now) = (0.0, v.shift.start);
    for (leg, &s) in stops.iter().enumerate() {
        let stop = &p.stops[s];
        let (d, t) = leg_into(p, v, travel, reloads, leg, at, stop.location);
        dist += d;
        let arrival = through_leg(v, breaks, leg, now, t);
        now = stop.service_start(arrival).unwrap_or(arrival);
        now += stop.service_time;
        at = stop.location;
    }
    let (last_d, last_t) = travel.leg_to(at, p.end_location(v));
    dist += last_d;
    now = through_leg(v, breaks, stops.len(), now, last_t);
    (dist, now - v.shift.start)
}

/// Distance and travel time of leg `leg` of a route (0 = from the start depot), from `at`
/// to `to`: through the start depot, with its reload time, when the route reloads before
/// stop `leg` (`reloads` ascending).
fn leg_into(
    p: &Problem,
    v: &VehicleType,
    travel: &Locations,
    reloads: &[usize],
    leg: usize,
    at: usize,
    to: usize,
) -> (f64, f64) {
    match p.depots.get(v.start_depot) {
        Some(d) if reloads.binary_search(&leg).is_ok() => (
            travel.distance(at, d.location) + travel.distance(d.location, to),
            travel.duration(at, d.location) + v.reload_time + travel.duration(d.location, to),
        ),
        _ => (travel.distance(at, to), travel.duration(at, to)),
    }
}

/// The arrival at the end of leg `leg` (0 = from the start depot) of a vehicle of type `v`
/// free at `now` with `travel` to drive, taking the `breaks` stated for that leg at their
/// stated starts (or when it is free, if later), on the road or while it waits.
pub(crate) fn through_leg(
    v: &VehicleType,
    breaks: &[BreakVisit],
    leg: usize,
    now: f64,
    travel: f64,
) -> f64 {
    let (mut now, mut left) = (now, travel);
    for b in breaks.iter().filter(|b| b.after == leg) {
        let start = b.start.max(now);
        left -= left.min(start - now);
        now = start + v.breaks.get(b.index).map_or(0.0, |x| x.duration);
    }
    now + left
}

/// The most specific reason a stop is unserved.
fn reason(p: &Problem, c: &Compiled, s: u32) -> UnservedReason {
    let skilled: Vec<usize> =
        (0..c.kinds.len()).filter(|&k| c.kinds[k].count > 0 && c.skilled(k as u32, s)).collect();
    if skilled.is_empty() && (0..c.kinds.len()).any(|k| c.kinds[k].count > 0) {
        return UnservedReason::Skills;
    }
    let fits: Vec<usize> = skilled
        .into_iter()
        .filter(|&k| c.kinds[k].max_stops > 0)
        .filter(|&k| c.demand(s).iter().zip(&c.kinds[k].capacity).all(|(d, cap)| d <= cap))
        .filter(|&k| c.backhaul(s).iter().zip(&c.kinds[k].capacity).all(|(b, cap)| b <= cap))
        .collect();
    if fits.is_empty() {
        return UnservedReason::Capacity;
    }
    let u = c.loc[s as usize];
    let reach: Vec<usize> = fits
        .into_iter()
        .filter(|&k| {
            let kd = &c.kinds[k];
            c.kd(k as u32, kd.start_loc, u) < UNREACHABLE
                && c.kd(k as u32, u, kd.end_loc) < UNREACHABLE
        })
        .collect();
    if reach.is_empty() {
        return UnservedReason::Unreachable;
    }
    if reach.iter().all(|&k| single_tour_cost(c, k, s).is_none()) {
        return UnservedReason::TimeWindow;
    }
    if p.stops[s as usize].unserved_penalty.or(p.objective.unserved_penalty).is_some() {
        return UnservedReason::Optional;
    }
    UnservedReason::NoVehicle
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::model::{
        Depot, Locations, Metric, Objective, Stop, TimeWindow, VehicleType,
    };

    #[test]
    fn the_schedule_waits_for_windows_and_adds_service_times() {
        let mut late = Stop::new("late", 2, vec![1]);
        late.time_window = TimeWindow { start: 50.0, end: 90.0 };
        late.service_time = 5.0;
        let mut first = Stop::new("first", 1, vec![1]);
        first.service_time = 2.0;
        let mut van = VehicleType::new("van", 1, vec![5]);
        van.shift = TimeWindow { start: 10.0, end: 500.0 };
        let p = Problem {
            profiles: Vec::new(),
            name: "t".into(),
            locations: Locations::Coordinates {
                points: vec![[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]],
                metric: Metric::Euclidean,
            },
            depots: vec![Depot { id: "d".into(), location: 0 }],
            vehicle_types: vec![van],
            stops: vec![first, late],
            objective: Objective::default(),
            shipments: Vec::new(),
        };
        let route = Route {
            vehicle_type: 0,
            vehicle: 0,
            stops: vec![0, 1],
            distance: 20.0,
            duration: 0.0,
            breaks: Vec::new(),
            reloads: Vec::new(),
        };
        let s = route.schedule(&p);
        assert_eq!(s[0], Visit { arrival: 15.0, start: 15.0, departure: 17.0 });
        assert_eq!(s[1], Visit { arrival: 22.0, start: 50.0, departure: 55.0 });
        let broken = Route { stops: vec![0, 9, 1], ..route };
        assert_eq!(broken.schedule(&p).len(), 1);
    }
}
