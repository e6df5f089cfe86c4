//! VROOM's plan mode (`vroom -c`): the routes given as each vehicle's `steps` are
//! evaluated as they are, not optimised, and every violation is reported.
//!
//! The routes become a [`Solution`] (tasks on no given route are unassigned) that the
//! independent checker ([`crate::routing::check()`]) evaluates against the raw problem;
//! its report is mapped onto VROOM's violations by [`super::output::answer`]. Unlike
//! VROOM, which moves service times to trade lateness against earliness, a vehicle leaves
//! at its shift start (later only by its wait at the first task) and serves every task as
//! early as its windows allow, so lateness is reported as `delay` and `lead_time` never
//! arises. A `break` step is taken where it is given (after the tasks before it), as early
//! as its windows allow once the vehicle is free; a break of the vehicle with no step is
//! reported missing, one whose windows have closed by then late.

use super::map::Mapped;
use crate::routing::breaks::BreakVisit;
use crate::routing::check::{CheckReport, CheckViolation, check};
use crate::routing::model::Problem;
use crate::routing::solution::{Route, Solution, SolveStats, Unserved, UnservedReason, measure};

/// The given routes of `m` as a solution, and the checker's report on them (without the
/// cost comparison: the solution's cost and distance are the checker's own).
pub fn evaluate(m: &Mapped) -> (Solution, CheckReport) {
    let p = &m.problem;
    let mut on_route = vec![false; p.stops.len()];
    let mut routes = Vec::new();
    for (vehicle_type, given) in m.given.iter().enumerate() {
        let Some(given) = given.as_ref().filter(|g| !g.stops.is_empty()) else { continue };
        let stops = &given.stops;
        for &s in stops {
            if let Some(x) = on_route.get_mut(s) {
                *x = true;
            }
        }
        let mut route = Route {
            vehicle_type,
            vehicle: 0,
            stops: stops.clone(),
            distance: 0.0,
            duration: 0.0,
            breaks: Vec::new(),
            reloads: Vec::new(),
        };
        route.breaks = stated_breaks(p, &route, &given.breaks);
        (route.distance, route.duration) =
            measure(p, vehicle_type, &route.stops, &route.breaks, &[]);
        routes.push(route);
    }
    let unserved = (0..p.stops.len())
        .filter(|&s| !on_route[s])
        .map(|stop| Unserved { stop, reason: UnservedReason::NoVehicle })
        .collect();
    let mut solution = Solution {
        routes,
        unserved,
        cost: 0.0,
        unserved_penalty: 0.0,
        distance: 0.0,
        stats: SolveStats::default(),
    };
    let mut report = check(p, &solution);
    report.violations.retain(|v| !matches!(v, CheckViolation::Cost { .. }));
    solution.cost = report.cost;
    solution.distance = report.distance;
    (solution, report)
}

/// The given `(break, tasks before it)` steps of route `r` as placed breaks: each starts
/// as early as its windows allow once the vehicle is free on its leg (on the road or
/// waiting), or when it is free if its windows have closed (the checker then reports it).
fn stated_breaks(p: &Problem, r: &Route, given: &[(usize, usize)]) -> Vec<BreakVisit> {
    let Some(vt) = p.vehicle_types.get(r.vehicle_type) else { return Vec::new() };
    let mut out: Vec<BreakVisit> = Vec::with_capacity(given.len());
    for &(index, after) in given {
        let Some(spec) = vt.breaks.get(index) else { continue };
        // Where the vehicle is free on that leg: after the service before it and the
        // breaks already stated there (the schedule of what is stated so far).
        let so_far = Route { breaks: out.clone(), ..r.clone() };
        let visits = so_far.schedule(p);
        let mut free = match after.checked_sub(1) {
            None => vt.shift.start,
            Some(k) => visits.get(k).map_or(vt.shift.start, |v| v.departure),
        };
        for b in out.iter().filter(|b| b.after == after) {
            let length = vt.breaks.get(b.index).map_or(0.0, |x| x.duration);
            free = free.max(b.start + length);
        }
        let start = spec.start_after(free).unwrap_or(free);
        out.push(BreakVisit { index, after, start });
    }
    out
}
