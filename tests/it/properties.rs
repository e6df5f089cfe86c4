//! Property tests: every solution the solver returns passes the independent checker, for
//! random instances with capacities, time windows, several depots, mixed fleets and
//! unreachable pairs, and (issue 13) skills, route limits, optional stops and several
//! windows per stop.

use proptest::prelude::*;
use stockroute::SolveContext;
use stockroute::routing::{self, Problem, SolverConfig};

/// Strategies for random routing problems (one generator module, vrp-pragmatic style).
pub(crate) mod generate {
    use proptest::prelude::*;
    use stockroute::routing::{
        Balance, BalanceMeasure, Depot, Locations, Metric, Objective, Problem, Stop, TimeWindow,
        VehicleType,
    };

    prop_compose! {
        /// A stop at `location` with a demand in `dims` dimensions and maybe a window.
        pub fn stop(location: usize, dims: usize)(
            demand in prop::collection::vec(0i64..12, dims),
            service in 0.0f64..10.0,
            window in prop::option::of((0.0f64..150.0, 5.0f64..120.0)),
        ) -> Stop {
            let mut s = Stop::new(format!("s{location}"), location, demand);
            s.service_time = service;
            if let Some((start, width)) = window {
                s.time_window = TimeWindow { start, end: start + width };
            }
            s
        }
    }

    prop_compose! {
        /// A vehicle type based at one of `depots` depots; one in five ends anywhere (an
        /// open route), one in five may reload (multi-trip).
        pub fn vehicle(depots: usize, dims: usize)(
            count in 1usize..4,
            capacity in prop::collection::vec(10i64..40, dims),
            start in 0..depots,
            end in prop::option::weighted(0.8, 0..depots),
            shift_end in prop::option::of(150.0f64..400.0),
            fixed in 0.0f64..50.0,
            per_time in 0.0f64..1.0,
            reloads in prop::option::weighted(0.2, (1usize..3, 0.0f64..20.0)),
        ) -> VehicleType {
            let mut v = VehicleType::new("v", count, capacity);
            if let Some((max, time)) = reloads {
                (v.max_reloads, v.reload_time) = (max, time);
            }
            (v.start_depot, v.end_depot, v.fixed_cost, v.cost_per_time) = (start, end, fixed, per_time);
            if let Some(e) = shift_end {
                v.shift = TimeWindow { start: 0.0, end: e };
            }
            v
        }
    }

    prop_compose! {
        /// Planar points (first `depots` of them are depots).
        pub fn points(n: usize)(p in prop::collection::vec((0.0f64..100.0, 0.0f64..100.0), n))
            -> Vec<[f64; 2]> {
            p.into_iter().map(|(x, y)| [x, y]).collect()
        }
    }

    prop_compose! {
        /// A whole problem: 1-2 depots, 1-3 vehicle types, 1-30 stops, 1-2 dimensions,
        /// coordinates or a matrix with some unreachable pairs.
        pub fn problem()(depots in 1usize..3, n in 1usize..30, dims in 1usize..3)(
            pts in points(depots + n),
            stops in (0..n).map(|i| stop(depots + i, dims)).collect::<Vec<_>>(),
            fleet in prop::collection::vec(vehicle(depots, dims), 1..4),
            matrix in any::<bool>(),
            holes in prop::collection::vec((0..depots + n, 0..depots + n), 0..4),
            vehicles_first in any::<bool>(),
            balance in prop::option::weighted(0.25, (any::<bool>(), 0.0f64..5.0)),
            depots in Just(depots),
        ) -> Problem {
            let locations = if matrix {
                let mut d: Vec<Vec<f64>> = pts.iter().map(|a| {
                    pts.iter().map(|b| Metric::Euclidean.distance(*a, *b) * 1.3).collect()
                }).collect();
                for (a, b) in holes {
                    if a != b {
                        d[a][b] = f64::INFINITY;
                    }
                }
                Locations::Matrix { distance: d.clone(), duration: d }
            } else {
                Locations::Coordinates { points: pts, metric: Metric::EuclideanRounded }
            };
            Problem {
                profiles: Vec::new(),
                name: "random".into(),
                locations,
                depots: (0..depots).map(|i| Depot { id: format!("d{i}").into(), location: i }).collect(),
                // Ids are unique (E1010): the types differ in everything else.
                vehicle_types: fleet.into_iter().enumerate().map(|(i, mut v)| {
                    v.id = format!("v{i}").into();
                    v
                }).collect(),
                stops,
                objective: Objective {
                    vehicles_first,
                    balance: balance.map(|(longest, weight)| Balance {
                        measure: if longest { BalanceMeasure::MaxDuration } else { BalanceMeasure::StopSpread },
                        weight,
                    }),
                    ..Objective::default()
                },
                shipments: Vec::new(),
            }
        }
    }
}

/// Issue 13's fleet model on random problems: skills, route limits, optional stops with
/// prizes and several windows per stop.
pub(crate) mod fleet {
    use proptest::prelude::*;
    use stockroute::ids::SkillId;
    use stockroute::routing::{Problem, TimeWindow};

    prop_compose! {
        /// [`super::generate::problem`] where stops need one of three skills (or none) that
        /// the vehicle types hold in part, some types limit their routes' stops and
        /// distance, some stops are optional with a prize, and some have later windows.
        pub fn problem()(
            base in super::generate::problem(),
            needs in prop::collection::vec(0..5u8, 30),
            holds in prop::collection::vec(0..8u8, 3),
            max_stops in prop::collection::vec(prop::option::of(1..6usize), 3),
            max_distance in prop::collection::vec(prop::option::of(60.0..300.0f64), 3),
            prizes in prop::collection::vec(prop::option::of(0.0..200.0f64), 30),
            later in prop::collection::vec(prop::option::of((1.0..50.0f64, 5.0..60.0f64)), 30),
        ) -> Problem {
            let names = ["fridge", "lift", "adr"];
            let mut p = base;
            for (i, v) in p.vehicle_types.iter_mut().enumerate() {
                v.skills = (0..3).filter(|k| holds[i] & (1 << k) != 0).map(|k| SkillId::new(names[k])).collect();
                v.max_stops = max_stops[i];
                v.max_distance = max_distance[i];
            }
            for (i, s) in p.stops.iter_mut().enumerate() {
                if needs[i] < 3 {
                    s.skills = vec![SkillId::new(names[needs[i] as usize])];
                }
                s.unserved_penalty = prizes[i];
                if let Some((gap, width)) = later[i]
                    && s.time_window.end.is_finite()
                {
                    let start = s.time_window.end + gap;
                    s.extra_windows.push(TimeWindow { start, end: start + width });
                }
            }
            p
        }
    }
}

/// Issue 13's driver breaks on random problems.
pub(crate) mod breaks {
    use proptest::prelude::*;
    use stockroute::routing::{Break, Problem, TimeWindow};

    prop_compose! {
        /// [`super::fleet::problem`] where each vehicle type takes up to two breaks (a
        /// window, sometimes a second one later, and a duration); breaks that could not
        /// follow one another inside the shift (`E1016`) are dropped, so the problem is
        /// valid.
        pub fn problem()(
            base in super::fleet::problem(),
            spec in prop::collection::vec(
                prop::collection::vec((0.0f64..200.0, 0.0f64..80.0, 0.0f64..30.0, any::<bool>()), 0..3),
                3,
            ),
        ) -> Problem {
            let mut p = base;
            for (i, v) in p.vehicle_types.iter_mut().enumerate() {
                for (k, &(start, width, duration, twice)) in spec[i].iter().enumerate() {
                    let mut b = Break::new(format!("b{k}"), TimeWindow { start, end: start + width }, duration);
                    if twice {
                        let later = start + width + 40.0;
                        b.windows.push(TimeWindow { start: later, end: later + 20.0 });
                    }
                    v.breaks.push(b);
                    if fits_in_shift(v).is_err() {
                        v.breaks.pop();
                    }
                }
                // Reloads and breaks on one type are refused (E1043).
                if !v.breaks.is_empty() {
                    v.max_reloads = 0;
                }
            }
            p
        }
    }

    fn fits_in_shift(v: &stockroute::routing::VehicleType) -> Result<(), ()> {
        let mut now = v.shift.start;
        for b in &v.breaks {
            now = b.start_after(now).ok_or(())? + b.duration;
        }
        (now <= v.latest_end()).then_some(()).ok_or(())
    }
}

/// Vehicle profiles (issue 13): vehicle types that drive different matrices over the same
/// locations (a bike slower, or barred from some arcs, beside a van).
pub(crate) mod profiles {
    use proptest::prelude::*;
    use stockroute::routing::{Locations, Problem};

    prop_compose! {
        /// [`super::breaks::problem`] with one or two further profiles: each the base's
        /// distances stretched by a factor, its own speed, and a few arcs it may not take;
        /// every vehicle type drives one of the profiles (0 = the base).
        pub fn problem()(
            base in super::breaks::problem(),
            spec in prop::collection::vec((0.6f64..1.6, 0.3f64..2.0, prop::collection::vec((0usize..40, 0usize..40), 0..6)), 1..3),
            pick in prop::collection::vec(0usize..3, 3),
        ) -> Problem {
            let mut p = base;
            let n = p.locations.len();
            for (stretch, slowness, holes) in spec {
                let mut d: Vec<Vec<f64>> = (0..n).map(|a| (0..n).map(|b| p.locations.distance(a, b) * stretch).collect()).collect();
                for (a, b) in holes {
                    if a < n && b < n && a != b {
                        d[a][b] = f64::INFINITY;
                    }
                }
                let t = d.iter().map(|r| r.iter().map(|x| x * slowness).collect()).collect();
                p.profiles.push(Locations::Matrix { distance: d, duration: t });
            }
            let profiles = p.profiles.len() + 1;
            for (i, v) in p.vehicle_types.iter_mut().enumerate() {
                v.profile = pick[i] % profiles;
            }
            p
        }
    }
}

/// Backhauls (issue 13): stops that send something back to the depot, so the load falls
/// and rises along a route.
pub(crate) mod backhauls {
    use proptest::prelude::*;
    use stockroute::routing::Problem;

    prop_compose! {
        /// [`super::breaks::problem`] where some stops collect up to 12 units per
        /// dimension for the end depot.
        pub fn problem()(
            base in super::breaks::problem(),
            amounts in prop::collection::vec(prop::option::of(0i64..12), 30),
        ) -> Problem {
            let mut p = base;
            let dims = p.dimensions();
            // Reloads with backhauls are refused (E1043).
            p.vehicle_types.iter_mut().for_each(|v| v.max_reloads = 0);
            for (s, a) in p.stops.iter_mut().zip(amounts) {
                if let Some(a) = a {
                    s.backhaul = (0..dims).map(|k| (a + k as i64) % 12).collect();
                }
            }
            p
        }
    }
}

fn solve(p: &Problem, seed: u64) -> routing::Solution {
    let config = SolverConfig::default().with_max_iterations(150);
    routing::solve(p, &config, &SolveContext::new(seed)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_solution_passes_the_checker(p in generate::problem(), seed in 0u64..1000) {
        let s = solve(&p, seed);
        let report = routing::check(&p, &s);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
        prop_assert_eq!(s.routes.iter().map(|r| r.stops.len()).sum::<usize>() + s.unserved.len(), p.stops.len());
    }

    #[test]
    fn a_stop_is_left_out_only_when_no_free_vehicle_could_serve_it_alone(
        p in generate::problem(), seed in 0u64..1000,
    ) {
        // With the default penalty, serving is always preferred: adding a one-stop route
        // on a free vehicle for an unserved stop must break a constraint (the checker says).
        let s = solve(&p, seed);
        for u in &s.unserved {
            for (t, v) in p.vehicle_types.iter().enumerate() {
                let used = s.routes.iter().filter(|r| r.vehicle_type == t).count();
                if used >= v.count {
                    continue;
                }
                let mut more = s.clone();
                more.unserved.retain(|x| x.stop != u.stop);
                more.routes.push(routing::Route {
                    vehicle_type: t,
                    vehicle: used,
                    stops: vec![u.stop],
                    distance: 0.0,
                    duration: 0.0,
                    breaks: Vec::new(),
                    reloads: Vec::new(),
                });
                let r = routing::check(&p, &more);
                (more.cost, more.distance) = (r.cost, r.distance);
                prop_assert!(!routing::check(&p, &more).is_ok(), "stop {} fits vehicle type {t}", u.stop);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Issue 13: with skills, route limits, prizes and several windows, every plan passes
    /// the checker, and a stop is left out only for a reason the model gives.
    #[test]
    fn r13_fleet_plans_pass_the_checker(p in fleet::problem(), seed in 0u64..1000) {
        p.validate().unwrap();
        let s = solve(&p, seed);
        let report = routing::check(&p, &s);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
        for u in &s.unserved {
            let stop = &p.stops[u.stop];
            if stop.unserved_penalty.is_none() {
                prop_assert_ne!(u.reason, routing::UnservedReason::Optional);
            }
            if u.reason == routing::UnservedReason::Skills {
                let served_by = |v: &routing::VehicleType| stop.skills.iter().all(|x| v.skills.contains(x));
                prop_assert!(!p.vehicle_types.iter().any(served_by));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Issue 13: with driver breaks on top of the fleet model, every plan passes the
    /// checker (each used vehicle takes every break of its type, in a window, between
    /// stops), and moving a break out of its windows is caught.
    #[test]
    fn r13_plans_with_breaks_pass_the_checker(p in breaks::problem(), seed in 0u64..1000) {
        p.validate().unwrap();
        let s = solve(&p, seed);
        let report = routing::check(&p, &s);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
        for r in &s.routes {
            prop_assert_eq!(r.breaks.len(), p.vehicle_types[r.vehicle_type].breaks.len());
        }
        if let Some((ri, r)) = s.routes.iter().enumerate().find(|(_, r)| !r.breaks.is_empty()) {
            let mut moved = s.clone();
            let last = p.vehicle_types[r.vehicle_type].breaks[0].windows.last().unwrap().end;
            moved.routes[ri].breaks[0].start = last + 1.0;
            let v = routing::check(&p, &moved).violations;
            prop_assert!(v.iter().any(|x| matches!(x, routing::CheckViolation::BreakTime { index: 0, .. })), "{v:?}");
            let mut dropped = s.clone();
            dropped.routes[ri].breaks.clear();
            let v = routing::check(&p, &dropped).violations;
            prop_assert!(v.iter().any(|x| matches!(x, routing::CheckViolation::BreakMissing { index: 0, .. })), "{v:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Issue 13: vehicle types on different profiles (with breaks, skills, limits, prizes
    /// and several windows beneath), every plan passes the checker on each route's own
    /// profile, and reading a route on another profile's arcs is not what the solver
    /// reported.
    #[test]
    fn r13_plans_on_several_profiles_pass_the_checker(p in profiles::problem(), seed in 0u64..1000) {
        p.validate().unwrap();
        let s = solve(&p, seed);
        let report = routing::check(&p, &s);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
        for r in &s.routes {
            let travel = p.travel_of(r.vehicle_type);
            let depot = |d: usize| p.depots[d].location;
            let vt = &p.vehicle_types[r.vehicle_type];
            let mut at = depot(vt.start_depot);
            let mut dist = 0.0;
            for (k, &x) in r.stops.iter().enumerate() {
                if r.reloads.contains(&k) {
                    dist += travel.distance(at, depot(vt.start_depot));
                    at = depot(vt.start_depot);
                }
                dist += travel.distance(at, p.stops[x].location);
                at = p.stops[x].location;
            }
            dist += travel.leg_to(at, p.end_location(vt)).0;
            prop_assert!((dist - r.distance).abs() <= 1e-6 * dist.max(1.0), "{dist} vs {}", r.distance);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Issue 13: with backhauls on top of breaks, skills, limits, prizes and several
    /// windows, every plan passes the checker, whose load follows the route (deliveries
    /// off, backhauls on), and a required stop left out names a reason the model gives.
    #[test]
    fn r13_plans_with_backhauls_pass_the_checker(p in backhauls::problem(), seed in 0u64..1000) {
        p.validate().unwrap();
        let s = solve(&p, seed);
        let report = routing::check(&p, &s);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
        prop_assert_eq!(s.routes.iter().map(|r| r.stops.len()).sum::<usize>() + s.unserved.len(), p.stops.len());
    }
}
