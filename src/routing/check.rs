//! The independent solution checker.
//!
//! It shares no code with the solver: it reads the raw [`Problem`] (coordinates or the
//! caller's matrix, `f64` windows) and a [`Solution`], simulates every route in floating
//! point and reports every violation it finds, plus the cost it recomputed. Tests, property
//! tests and the benchmark command run every solution through it, so a bug in the solver's
//! cached integer data shows up as a violation, not as a flattering number.

use crate::routing::model::Problem;
use crate::routing::solution::Solution;
use serde::Serialize;

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub enum CheckViolation {
    /// A route names a stop index the problem does not have.
    UnknownStop {
        /// Route index.
        route: usize,
        /// The bad stop index.
        stop: usize,
    },
    /// A route names a vehicle type the problem does not have, or one whose profile it
    /// does not have.
    UnknownVehicle {
        /// Route index.
        route: usize,
    },
    /// A stop is served more than once (or served and reported unserved).
    Duplicate {
        /// Stop index.
        stop: usize,
    },
    /// A stop is neither served nor reported unserved.
    Missing {
        /// Stop index.
        stop: usize,
    },
    /// More routes of a type than vehicles of that type, or one vehicle used twice.
    Fleet {
        /// Vehicle type index.
        vehicle_type: usize,
    },
    /// A route has no stops.
    EmptyRoute {
        /// Route index.
        route: usize,
    },
    /// A route's reloads are not ascending positions strictly inside it, or more than
    /// its vehicle type's `max_reloads`.
    Reloads {
        /// Route index.
        route: usize,
    },
    /// A route's load exceeds its vehicle's capacity somewhere (the depot deliveries are
    /// on board from the start; shipments add their load from pickup to delivery).
    Capacity {
        /// Route index.
        route: usize,
        /// Capacity dimension.
        dimension: usize,
        /// The most the route carries at once.
        load: i64,
        /// Capacity.
        capacity: i64,
    },
    /// Service starts after a stop's due time (the end of its last window: arriving in a
    /// gap between windows means waiting for the next one).
    TimeWindow {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
        /// When service starts.
        start: f64,
        /// The window end.
        due: f64,
    },
    /// A route ends after its shift end or maximum duration.
    ShiftEnd {
        /// Route index.
        route: usize,
        /// Return time.
        end: f64,
        /// Latest allowed return.
        latest: f64,
    },
    /// A stop needs a skill its route's vehicle type lacks.
    Skill {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
    },
    /// A route serves more stops than its vehicle type's `max_stops`.
    MaxStops {
        /// Route index.
        route: usize,
        /// Stops served.
        stops: usize,
        /// The limit.
        max: usize,
    },
    /// A route drives farther than its vehicle type's `max_distance`.
    MaxDistance {
        /// Route index.
        route: usize,
        /// Distance driven.
        distance: f64,
        /// The limit.
        max: f64,
    },
    /// A route uses a pair of locations with no path.
    Unreachable {
        /// Route index.
        route: usize,
    },
    /// A shipment's pickup and delivery are not both on one route (or one is served and
    /// the other not).
    ShipmentSplit {
        /// Index into the problem's shipments.
        shipment: usize,
    },
    /// A route serves a shipment's delivery before its pickup.
    ShipmentOrder {
        /// Route index.
        route: usize,
        /// Index into the problem's shipments.
        shipment: usize,
    },
    /// A break of the route's vehicle type is not taken, or the route states breaks out of
    /// their order, twice, on a leg it does not have or that its type does not have.
    BreakMissing {
        /// Route index.
        route: usize,
        /// Index into the vehicle type's breaks.
        index: usize,
    },
    /// A break starts outside its windows, or before the vehicle is free (during a service
    /// or the break before it).
    BreakTime {
        /// Route index.
        route: usize,
        /// Index into the vehicle type's breaks.
        index: usize,
        /// When the route says it starts.
        start: f64,
    },
    /// The solution's cost or distance differs from the recomputed one.
    Cost {
        /// What the solution says.
        reported: f64,
        /// What the checker computed.
        recomputed: f64,
    },
}

/// What the checker found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Every violation (empty when the solution is feasible).
    pub violations: Vec<CheckViolation>,
    /// Recomputed cost of the routes (fixed, distance, time) and of the balanced-routes
    /// term when the objective has one.
    pub cost: f64,
    /// Recomputed total distance.
    pub distance: f64,
    /// Number of routes.
    pub vehicles: usize,
}

impl CheckReport {
    /// Whether the solution has no violation.
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Checks a solution against the raw problem.
///
/// # Complexity
/// O(n + routes) after reading the problem's locations.
pub fn check(problem: &Problem, solution: &Solution) -> CheckReport {
    let mut v = Vec::new();
    let n = problem.stops.len();
    let mut seen = vec![0u32; n];
    let mut per_type: Vec<Vec<usize>> = vec![Vec::new(); problem.vehicle_types.len()];
    let (mut cost, mut distance) = (0.0, 0.0);
    // How each stop changes the load: a pickup adds, every other stop drops its demand.
    let mut in_shipment = vec![false; n];
    let mut is_pickup = vec![false; n];
    for sh in &problem.shipments {
        for (s, up) in [(sh.pickup, true), (sh.delivery, false)] {
            if let (Some(x), Some(u)) = (in_shipment.get_mut(s), is_pickup.get_mut(s)) {
                *x = true;
                *u = up;
            }
        }
    }
    // Where each stop is served first: (route, position).
    let mut served_at: Vec<Option<(usize, usize)>> = vec![None; n];
    // Each route's recomputed duration and stop count, for a balanced-routes term.
    let mut measured: Vec<(f64, usize)> = Vec::with_capacity(solution.routes.len());
    for (ri, r) in solution.routes.iter().enumerate() {
        let Some(vt) = problem.vehicle_types.get(r.vehicle_type) else {
            v.push(CheckViolation::UnknownVehicle { route: ri });
            continue;
        };
        // The travel of the vehicle's own profile (a bike's, a van's).
        let Some(travel) = problem.travel(vt.profile) else {
            v.push(CheckViolation::UnknownVehicle { route: ri });
            continue;
        };
        per_type[r.vehicle_type].push(r.vehicle);
        if r.stops.is_empty() {
            v.push(CheckViolation::EmptyRoute { route: ri });
        }
        let reloads_ok = r.reloads.len() <= vt.max_reloads
            && r.reloads.windows(2).all(|w| w[0] < w[1])
            && r.reloads.iter().all(|&x| x >= 1 && x < r.stops.len());
        if !reloads_ok {
            v.push(CheckViolation::Reloads { route: ri });
        }
        // On board at the start of each trip (the whole route without reloads): the
        // demands of the trip's depot deliveries.
        let trip_load = |from: usize| {
            let to = r.reloads.iter().copied().find(|&x| x > from).unwrap_or(r.stops.len());
            let mut load = vec![0i64; vt.capacity.len()];
            for stop in r.stops[from..to].iter().filter(|&&s| s < n && !in_shipment[s]) {
                for (l, d) in load.iter_mut().zip(&problem.stops[*stop].demand) {
                    *l += d;
                }
            }
            load
        };
        let mut load = trip_load(0);
        let mut peak = load.clone();
        // Where the route starts and reloads.
        let depot = problem.depots[vt.start_depot].location;
        let mut at = depot;
        let (mut dist, mut now) = (0.0, vt.shift.start);
        let mut reachable = true;
        let mut rest = BreaksLeft::new(ri, vt, r, &mut v);
        for (pos, &s) in r.stops.iter().enumerate() {
            let Some(stop) = problem.stops.get(s) else {
                v.push(CheckViolation::UnknownStop { route: ri, stop: s });
                continue;
            };
            seen[s] += 1;
            if served_at[s].is_none() {
                served_at[s] = Some((ri, pos));
            }
            // A reload before this stop: back to the start depot, unload what was
            // collected, load the next trip's deliveries, and on.
            if reloads_ok && r.reloads.contains(&pos) {
                dist += travel.distance(at, depot);
                now += travel.duration(at, depot) + vt.reload_time;
                at = depot;
                load = trip_load(pos);
                for (top, l) in peak.iter_mut().zip(&load) {
                    *top = (*top).max(*l);
                }
            }
            for (k, ((l, d), top)) in
                load.iter_mut().zip(&stop.demand).zip(peak.iter_mut()).enumerate()
            {
                *l += if is_pickup[s] { *d } else { -*d };
                // What it collects rides on to the end depot.
                *l += stop.backhaul_in(k);
                *top = (*top).max(*l);
            }
            let leg = travel.distance(at, stop.location);
            let travel = travel.duration(at, stop.location);
            reachable &= leg.is_finite() && travel.is_finite();
            dist += leg;
            if !stop.skills.iter().all(|x| vt.skills.contains(x)) {
                v.push(CheckViolation::Skill { route: ri, stop: s });
            }
            let arrival = rest.leg(pos, now, travel, &mut v);
            // The first window that has not closed on arrival (a hair of slack for the
            // solver's rounding), waiting for it to open.
            let open = std::iter::once(&stop.time_window)
                .chain(&stop.extra_windows)
                .find(|w| arrival <= w.end + tolerance(w.end));
            let start = open.map_or(arrival, |w| arrival.max(w.start));
            if open.is_none() {
                let due = stop.extra_windows.last().unwrap_or(&stop.time_window).end;
                v.push(CheckViolation::TimeWindow { route: ri, stop: s, start, due });
            }
            now = start + stop.service_time;
            at = stop.location;
        }
        // An open route ends at its last stop: no last leg.
        let travel = match vt.end_depot {
            Some(end) => {
                let end_loc = problem.depots[end].location;
                dist += travel.distance(at, end_loc);
                travel.duration(at, end_loc)
            }
            None => 0.0,
        };
        reachable &= dist.is_finite() && travel.is_finite();
        now = rest.leg(r.stops.len(), now, travel, &mut v);
        if !reachable {
            v.push(CheckViolation::Unreachable { route: ri });
        }
        if let Some(max) = vt.max_stops
            && r.stops.len() > max
        {
            v.push(CheckViolation::MaxStops { route: ri, stops: r.stops.len(), max });
        }
        if let Some(max) = vt.max_distance
            && dist > max + tolerance(max)
        {
            v.push(CheckViolation::MaxDistance { route: ri, distance: dist, max });
        }
        let latest =
            vt.shift.end.min(vt.max_duration.map_or(f64::INFINITY, |d| vt.shift.start + d));
        if now > latest + tolerance(latest) {
            v.push(CheckViolation::ShiftEnd { route: ri, end: now, latest });
        }
        for (dimension, (&load, &capacity)) in peak.iter().zip(&vt.capacity).enumerate() {
            if load > capacity {
                v.push(CheckViolation::Capacity { route: ri, dimension, load, capacity });
            }
        }
        distance += dist;
        cost +=
            vt.fixed_cost + vt.cost_per_distance * dist + vt.cost_per_time * (now - vt.shift.start);
        if !r.stops.is_empty() {
            measured.push((now - vt.shift.start, r.stops.len()));
        }
    }
    if let Some(b) = problem.objective.balance {
        cost += balance_term(b, &measured);
    }
    for (t, used) in per_type.iter_mut().enumerate() {
        let count = used.len();
        used.sort_unstable();
        used.dedup();
        if count > problem.vehicle_types[t].count || used.len() < count {
            v.push(CheckViolation::Fleet { vehicle_type: t });
        }
    }
    for (shipment, sh) in problem.shipments.iter().enumerate() {
        let at = |s: usize| served_at.get(s).copied().flatten();
        match (at(sh.pickup), at(sh.delivery)) {
            (None, None) => {}
            (Some((r1, p1)), Some((r2, p2))) if r1 == r2 => {
                if p1 > p2 {
                    v.push(CheckViolation::ShipmentOrder { route: r1, shipment });
                }
            }
            _ => v.push(CheckViolation::ShipmentSplit { shipment }),
        }
    }
    for u in &solution.unserved {
        match seen.get_mut(u.stop) {
            Some(x) => *x += 1,
            None => v.push(CheckViolation::UnknownStop { route: usize::MAX, stop: u.stop }),
        }
    }
    for (stop, &k) in seen.iter().enumerate() {
        if k == 0 {
            v.push(CheckViolation::Missing { stop });
        } else if k > 1 {
            v.push(CheckViolation::Duplicate { stop });
        }
    }
    for (reported, recomputed) in [(solution.cost, cost), (solution.distance, distance)] {
        if (reported - recomputed).abs() > 1e-6 * recomputed.abs().max(1.0) {
            v.push(CheckViolation::Cost { reported, recomputed });
        }
    }
    CheckReport { violations: v, cost, distance, vehicles: solution.routes.len() }
}

/// The balanced-routes term over the used routes' `(duration, stops)`, from the
/// definition: the weight times the longest duration, or times the most stops less the
/// fewest.
fn balance_term(b: crate::routing::model::Balance, routes: &[(f64, usize)]) -> f64 {
    use crate::routing::model::BalanceMeasure;
    if routes.is_empty() {
        return 0.0;
    }
    match b.measure {
        BalanceMeasure::MaxDuration => {
            b.weight * routes.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max)
        }
        BalanceMeasure::StopSpread => {
            let most = routes.iter().map(|r| r.1).max().unwrap_or(0);
            let fewest = routes.iter().map(|r| r.1).min().unwrap_or(0);
            b.weight * (most - fewest) as f64
        }
    }
}

/// The breaks a route states, taken leg by leg as the checker drives it.
struct BreaksLeft<'a> {
    route: usize,
    vt: &'a crate::routing::model::VehicleType,
    stated: &'a [crate::routing::solution::BreakVisit],
    next: usize,
}

impl<'a> BreaksLeft<'a> {
    /// Checks that the route states each of its type's breaks once, in order, on a leg it
    /// has (reporting what is not), and starts taking them.
    fn new(
        route: usize,
        vt: &'a crate::routing::model::VehicleType,
        r: &'a crate::routing::solution::Route,
        v: &mut Vec<CheckViolation>,
    ) -> Self {
        let in_order = r.breaks.iter().enumerate().all(|(i, b)| b.index == i)
            && r.breaks.windows(2).all(|w| w[0].after <= w[1].after)
            && r.breaks.iter().all(|b| b.after <= r.stops.len());
        if !in_order || r.breaks.len() > vt.breaks.len() {
            for (index, b) in r.breaks.iter().enumerate() {
                if b.index != index || b.after > r.stops.len() || index >= vt.breaks.len() {
                    v.push(CheckViolation::BreakMissing { route, index: b.index });
                }
            }
        }
        for index in r.breaks.len()..vt.breaks.len() {
            v.push(CheckViolation::BreakMissing { route, index });
        }
        let stated = if in_order { &r.breaks[..r.breaks.len().min(vt.breaks.len())] } else { &[] };
        BreaksLeft { route, vt, stated, next: 0 }
    }

    /// The arrival at the end of leg `leg` for a vehicle free at `now` with `travel` to
    /// drive: it stops driving for each break stated on the leg (or waits for it on
    /// arrival), reporting a break that starts outside its windows or before it is free.
    fn leg(&mut self, leg: usize, now: f64, travel: f64, v: &mut Vec<CheckViolation>) -> f64 {
        let (mut now, mut left) = (now, travel);
        while let Some(b) = self.stated.get(self.next).filter(|b| b.after == leg) {
            self.next += 1;
            let spec = &self.vt.breaks[b.index];
            let inside = spec.windows.iter().any(|w| {
                b.start + tolerance(w.start) >= w.start && b.start <= w.end + tolerance(w.end)
            });
            if !inside || b.start + tolerance(now) < now {
                v.push(CheckViolation::BreakTime {
                    route: self.route,
                    index: b.index,
                    start: b.start,
                });
            }
            let start = b.start.max(now);
            left -= left.min(start - now);
            now = start + spec.duration;
        }
        now + left
    }
}

fn tolerance(x: f64) -> f64 {
    1e-9 * x.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::model::{
        Depot, Locations, Metric, Objective, Stop, TimeWindow, VehicleType,
    };
    use crate::routing::solution::{Route, SolveStats};

    fn line() -> Problem {
        let mut late = Stop::new("b", 2, vec![4]);
        late.time_window = TimeWindow { start: 0.0, end: 1.5 };
        Problem {
            profiles: Vec::new(),
            name: "line".into(),
            locations: Locations::Coordinates {
                points: vec![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]],
                metric: Metric::Euclidean,
            },
            depots: vec![Depot { id: "D".into(), location: 0 }],
            vehicle_types: vec![VehicleType::new("v", 1, vec![5])],
            stops: vec![Stop::new("a", 1, vec![3]), late],
            objective: Objective::default(),
            shipments: Vec::new(),
        }
    }

    fn solution(routes: Vec<Vec<usize>>, cost: f64) -> Solution {
        Solution {
            routes: routes
                .into_iter()
                .map(|stops| Route {
                    vehicle_type: 0,
                    vehicle: 0,
                    stops,
                    distance: 0.0,
                    duration: 0.0,
                    breaks: Vec::new(),
                    reloads: Vec::new(),
                })
                .collect(),
            unserved: vec![],
            cost,
            unserved_penalty: 0.0,
            distance: cost,
            stats: SolveStats::default(),
        }
    }

    #[test]
    fn a_feasible_route_passes_with_its_cost() {
        let mut p = line();
        p.stops[1].time_window = TimeWindow::ALWAYS;
        p.stops[1].demand = vec![2];
        let r = check(&p, &solution(vec![vec![0, 1]], 4.0));
        assert!(r.is_ok(), "{:?}", r.violations);
        assert_eq!(r.cost, 4.0);
    }

    #[test]
    fn every_kind_of_violation_is_reported() {
        let p = line();
        let r = check(&p, &solution(vec![vec![0, 1, 1]], 1.0));
        let v = &r.violations;
        assert!(v.iter().any(|x| matches!(x, CheckViolation::Capacity { load: 11, .. })), "{v:?}");
        assert!(v.iter().any(|x| matches!(x, CheckViolation::TimeWindow { stop: 1, .. })), "{v:?}");
        assert!(v.iter().any(|x| matches!(x, CheckViolation::Duplicate { stop: 1 })), "{v:?}");
        assert!(v.iter().any(|x| matches!(x, CheckViolation::Cost { .. })), "{v:?}");
        let r = check(&p, &solution(vec![vec![0], vec![]], 2.0));
        let v = &r.violations;
        assert!(v.iter().any(|x| matches!(x, CheckViolation::Missing { stop: 1 })), "{v:?}");
        assert!(v.iter().any(|x| matches!(x, CheckViolation::Fleet { vehicle_type: 0 })), "{v:?}");
        assert!(v.iter().any(|x| matches!(x, CheckViolation::EmptyRoute { route: 1 })), "{v:?}");
    }
}
