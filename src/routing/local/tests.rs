//! Property tests of the operators: on random instances every improving move the search
//! applies changes the plan's cost by exactly the evaluated delta, and the final plan
//! passes the independent checker.

use super::*;
use crate::ids::SkillId;
use crate::routing::arcs::{Arcs, Planar};
use crate::routing::compiled::Compiled;
use crate::routing::construct::cheapest_insertion;
use crate::routing::model::{
    Depot, Locations, Metric, Objective, Problem, Stop, TimeWindow, VehicleType,
};
use crate::routing::plan::Tour;
use crate::routing::solution::Solution;
use proptest::prelude::*;
use rand::SeedableRng;

prop_compose! {
    /// 2-60 stops with demand 1-9 in a 100 x 100 square, capacity 10-40, 1-2 vehicle types
    /// (different depots, different per-distance costs).
    fn instance()(
        pts in prop::collection::vec((0..100i32, 0..100i32, 1..10i64), 2..60),
        cap in 10..40i64,
        two_types in any::<bool>(),
    ) -> Problem {
        let mut points = vec![[50.0, 50.0], [10.0, 90.0]];
        points.extend(pts.iter().map(|&(x, y, _)| [f64::from(x), f64::from(y)]));
        let mut vehicle_types = vec![VehicleType::new("a", pts.len(), vec![cap])];
        if two_types {
            let mut b = VehicleType::new("b", pts.len(), vec![cap / 2 + 5]);
            b.start_depot = 1;
            b.cost_per_distance = 0.7;
            b.fixed_cost = 3.0;
            vehicle_types.push(b);
        }
        Problem {
            profiles: Vec::new(),
            name: "prop".into(),
            locations: Locations::Coordinates { points, metric: Metric::EuclideanRounded },
            depots: vec![
                Depot { id: "d0".into(), location: 0 },
                Depot { id: "d1".into(), location: 1 },
            ],
            vehicle_types,
            stops: pts
                .iter()
                .enumerate()
                .map(|(i, &(_, _, q))| Stop::new(format!("s{i}"), i + 2, vec![q]))
                .collect(),
            objective: Objective::default(),
            shipments: Vec::new(),
        }
    }
}

/// The same compiled problem with its arcs computed from the points, as above the dense
/// range (SWAP* needs the points; the integers are the matrix's, see `routing::arcs`).
fn planar(p: &Problem, c: &Compiled) -> Compiled {
    let Locations::Coordinates { points, metric } = &p.locations else {
        panic!("the generator makes coordinates")
    };
    let mut c = c.clone();
    c.arcs = Arcs::Planar(Planar { points: points.clone(), metric: *metric, scale: c.scale });
    c
}

/// Distance of `stops` driven by a vehicle of `kind`.
fn driven(c: &Compiled, kind: u32, stops: &[u32]) -> i64 {
    Tour::new(kind, stops.to_vec(), c).dist
}

/// The best SWAP* exchange between tours `a` and `b` by trying every pair and every pair of
/// positions, with full distance recomputation: its cost change, if one fits.
fn brute_force_swap_star(c: &Compiled, plan: &Plan, a: usize, b: usize) -> Option<f64> {
    let (ta, tb) = (&plan.tours[a], &plan.tours[b]);
    let (ka, kb) = (&c.kinds[ta.kind as usize], &c.kinds[tb.kind as usize]);
    let mut best: Option<f64> = None;
    for (i, &u) in ta.stops.iter().enumerate() {
        for (j, &v) in tb.stops.iter().enumerate() {
            let mut without_u = ta.stops.clone();
            without_u.remove(i);
            let mut without_v = tb.stops.clone();
            without_v.remove(j);
            let fits = (0..c.dims).all(|k| {
                ta.load[k] - c.demand(u)[k] + c.demand(v)[k] <= ka.capacity[k]
                    && tb.load[k] - c.demand(v)[k] + c.demand(u)[k] <= kb.capacity[k]
            });
            if !fits {
                continue;
            }
            let best_in = |stops: &[u32], kind: u32, s: u32| {
                (0..=stops.len())
                    .map(|p| {
                        let mut x = stops.to_vec();
                        x.insert(p, s);
                        driven(c, kind, &x)
                    })
                    .min()
                    .expect("at least one position")
            };
            let da = best_in(&without_u, ta.kind, v) - ta.dist;
            let db = best_in(&without_v, tb.kind, u) - tb.dist;
            let delta = ka.per_dist * da as f64 + kb.per_dist * db as f64;
            best = Some(best.map_or(delta, |x: f64| x.min(delta)));
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_applied_move_changes_the_cost_by_its_evaluation(p in instance(), seed in 0..1000u64) {
        let c = Compiled::new(&p, u64::MAX, 1).unwrap();
        let env = Env::new(&c);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let mut plan = cheapest_insertion(&env, &mut rng);
        let ops: [&dyn Operator; 4] = [&Relocate, &Swap, &Tails, &TwoOpt];
        let mut applied = 0;
        for u in 0..c.n as u32 {
            for &v in env.neighbours[u as usize].iter().take(10) {
                let (Some(pu), Some(pv)) = (Pos::of(&plan, u), Pos::of(&plan, v)) else {
                    continue;
                };
                for op in ops {
                    let Some(delta) = op.evaluate(&env, &plan, pu, pv) else { continue };
                    if delta >= -EPS {
                        continue;
                    }
                    let before = plan.cost(&c);
                    let mut next = plan.clone();
                    op.apply(&env, &mut next, pu, pv);
                    next.drop_empty();
                    prop_assert!((next.cost(&c) - before - delta).abs() < 1e-6,
                        "delta {} vs {}", delta, next.cost(&c) - before);
                    prop_assert!(next.tours.iter().all(|t| t.is_feasible(&c)));
                    plan = next;
                    applied += 1;
                    break;
                }
            }
        }
        prop_assert!(applied < 10 * c.n + 10);
        // SWAP* (planar arcs, one evaluator throughout so its caches must follow the
        // changes): every exchange between two tours, until none improves.
        let cp = planar(&p, &c);
        let envp = Env::new(&cp);
        let near = if seed % 2 == 0 { 0 } else { 5 };
        let mut star = SwapStar::new(&envp, near).unwrap();
        let mut exchanged = 0;
        'sweep: loop {
            for a in 0..plan.tours.len() {
                for b in 0..plan.tours.len() {
                    let Some(m) = star.evaluate(&envp, &plan, a, b) else { continue };
                    prop_assert!(m.delta < -EPS);
                    let before = plan.cost(&cp);
                    star.apply(&envp, &mut plan, &m);
                    prop_assert!((plan.cost(&cp) - before - m.delta).abs() < 1e-6,
                        "SWAP* delta {} vs {}", m.delta, plan.cost(&cp) - before);
                    prop_assert!(plan.tours.iter().all(|t| t.is_feasible(&cp)));
                    exchanged += 1;
                    prop_assert!(exchanged < 10 * c.n + 10);
                    continue 'sweep;
                }
            }
            break;
        }
        let solution = Solution::from_plan(&p, &cp, &plan);
        let report = crate::routing::check(&p, &solution);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
    }

    #[test]
    fn swap_star_finds_the_best_exchange_of_every_pair(p in instance(), seed in 0..1000u64) {
        let c = planar(&p, &Compiled::new(&p, u64::MAX, 1).unwrap());
        let env = Env::new(&c);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let plan = cheapest_insertion(&env, &mut rng);
        let mut star = SwapStar::new(&env, 0).unwrap();
        for a in 0..plan.tours.len() {
            for b in 0..plan.tours.len() {
                if a == b {
                    continue;
                }
                let quick = star.evaluate(&env, &plan, a, b).map(|m| m.delta);
                let brute = brute_force_swap_star(&c, &plan, a, b).filter(|&d| d < -EPS);
                match (quick, brute) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-6, "{} vs {}", x, y),
                    (None, None) => {}
                    (x, y) => prop_assert!(false, "SWAP* {:?}, brute force {:?}", x, y),
                }
            }
        }
    }

    #[test]
    fn the_search_with_swap_star_ends_in_a_checked_plan(p in instance(), seed in 0..1000u64) {
        let c = planar(&p, &Compiled::new(&p, u64::MAX, 1).unwrap());
        let env = Env::new(&c);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let mut plan = cheapest_insertion(&env, &mut rng);
        let start = plan.cost(&c);
        let mut ls = LocalSearch::new(&env, 16).with_swap_star(&env, 0, true);
        ls.run(&env, &mut plan, 0..c.n as u32);
        let after_run = plan.cost(&c);
        ls.polish(&env, &mut plan);
        prop_assert!(plan.cost(&c) <= after_run + 1e-9 && after_run <= start + 1e-9);
        // Nothing is left for SWAP* between any two tours of the final plan.
        let mut star = SwapStar::new(&env, 0).unwrap();
        for a in 0..plan.tours.len() {
            for b in 0..plan.tours.len() {
                let sectors = star.sectors(&env, &plan);
                if a != b && sectors[a].overlaps(&sectors[b]) {
                    prop_assert!(star.evaluate(&env, &plan, a, b).is_none());
                }
            }
        }
        let solution = Solution::from_plan(&p, &c, &plan);
        let report = crate::routing::check(&p, &solution);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
        prop_assert!((report.cost - plan.cost(&c)).abs() < 1e-6);
    }

    #[test]
    fn the_search_ends_in_a_checked_plan_no_worse_than_its_start(p in instance(), seed in 0..1000u64) {
        let c = Compiled::new(&p, u64::MAX, 1).unwrap();
        let env = Env::new(&c);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let mut plan = cheapest_insertion(&env, &mut rng);
        let start = plan.cost(&c);
        let mut ls = LocalSearch::new(&env, 16);
        ls.run(&env, &mut plan, 0..c.n as u32);
        prop_assert!(plan.cost(&c) <= start + 1e-9);
        for (t, tour) in plan.tours.iter().enumerate() {
            prop_assert!(!tour.stops.is_empty());
            for (at, &s) in tour.stops.iter().enumerate() {
                prop_assert_eq!(plan.position(s), Some((t, at)));
            }
        }
        let solution = Solution::from_plan(&p, &c, &plan);
        let report = crate::routing::check(&p, &solution);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
        prop_assert!((report.cost - plan.cost(&c)).abs() < 1e-6);
    }
}

prop_compose! {
    /// 2-40 stops with demand 1-9, windows (some open, some tight), service times, a shift
    /// end, 1-2 vehicle types (different start depots, shift ends and costs) and per-time
    /// costs half of the time, exact Euclidean distances (x1000 fixed point, times rounded
    /// up) or rounded ones.
    fn timed_instance()(
        pts in prop::collection::vec(
            (0..100i32, 0..100i32, 1..10i64, 0..300i32, prop::option::of(10..150i32), 0..15i32),
            2..40,
        ),
        cap in 10..40i64,
        two_types in any::<bool>(),
        per_time in prop::sample::select(vec![0.0, 0.5, 1.0]),
        shift_end in 250..900i32,
        exact in any::<bool>(),
    ) -> Problem {
        let mut points = vec![[50.0, 50.0], [10.0, 90.0]];
        points.extend(pts.iter().map(|&(x, y, ..)| [f64::from(x), f64::from(y)]));
        let mut a = VehicleType::new("a", pts.len(), vec![cap]);
        a.shift = TimeWindow { start: 0.0, end: f64::from(shift_end) };
        a.cost_per_time = per_time;
        let mut vehicle_types = vec![a];
        if two_types {
            let mut b = VehicleType::new("b", pts.len(), vec![cap / 2 + 5]);
            b.start_depot = 1;
            b.cost_per_distance = 0.7;
            b.cost_per_time = per_time / 2.0;
            b.fixed_cost = 3.0;
            b.shift = TimeWindow { start: 20.0, end: f64::from(shift_end) * 0.8 };
            vehicle_types.push(b);
        }
        let metric = if exact { Metric::Euclidean } else { Metric::EuclideanRounded };
        Problem {
            profiles: Vec::new(),
            name: "timed".into(),
            locations: Locations::Coordinates { points, metric },
            depots: vec![
                Depot { id: "d0".into(), location: 0 },
                Depot { id: "d1".into(), location: 1 },
            ],
            vehicle_types,
            stops: pts
                .iter()
                .enumerate()
                .map(|(i, &(_, _, q, ready, width, service))| {
                    let mut s = Stop::new(format!("s{i}"), i + 2, vec![q]);
                    s.time_window = match width {
                        Some(w) => TimeWindow { start: f64::from(ready), end: f64::from(ready + w) },
                        None => TimeWindow::ALWAYS,
                    };
                    s.service_time = f64::from(service);
                    s
                })
                .collect(),
            objective: Objective::default(),
            shipments: Vec::new(),
        }
    }
}

/// The tours a move would leave, built from the stop lists alone (independently of the
/// operators' code): `(tour index, its new stops)` per candidate (relocate has two, after
/// and before `v`), or no candidate where the operator does not apply by construction
/// (the same stop, a no-op, adjacent stops for swap and 2-opt, one tour for 2-opt*, another
/// end depot, an emptied tour for 2-opt*).
fn brute_candidates(
    c: &Compiled,
    plan: &Plan,
    op: usize,
    u: Pos,
    v: Pos,
) -> Vec<Vec<(usize, Vec<u32>)>> {
    let (a, b) = (&plan.tours[u.tour].stops, &plan.tours[v.tour].stops);
    let same = u.tour == v.tour;
    let mut out = Vec::new();
    if u.stop == v.stop {
        return out;
    }
    match op {
        0 => {
            for after in [true, false] {
                if same {
                    let mut s = a.clone();
                    s.remove(u.at);
                    let at = s.iter().position(|&x| x == v.stop).unwrap() + usize::from(after);
                    s.insert(at, u.stop);
                    if &s != a {
                        out.push(vec![(u.tour, s)]);
                    }
                } else {
                    let mut from = a.clone();
                    from.remove(u.at);
                    let mut into = b.clone();
                    into.insert(v.at + usize::from(after), u.stop);
                    out.push(vec![(u.tour, from), (v.tour, into)]);
                }
            }
        }
        1 => {
            if same && u.at.abs_diff(v.at) >= 2 {
                let mut s = a.clone();
                s.swap(u.at, v.at);
                out.push(vec![(u.tour, s)]);
            } else if !same {
                let (mut x, mut y) = (a.clone(), b.clone());
                x[u.at] = v.stop;
                y[v.at] = u.stop;
                out.push(vec![(u.tour, x), (v.tour, y)]);
            }
        }
        2 => {
            let (ka, kb) = (plan.tours[u.tour].kind as usize, plan.tours[v.tour].kind as usize);
            if !same && c.kinds[ka].end_loc == c.kinds[kb].end_loc {
                let x: Vec<u32> = a[..=u.at].iter().chain(&b[v.at..]).copied().collect();
                let y: Vec<u32> = b[..v.at].iter().chain(&a[u.at + 1..]).copied().collect();
                if !y.is_empty() {
                    out.push(vec![(u.tour, x), (v.tour, y)]);
                }
            }
        }
        _ => {
            if same && u.at.abs_diff(v.at) >= 2 {
                let (x, y) = (u.at.min(v.at), u.at.max(v.at));
                let mut s = a.clone();
                s[x + 1..=y].reverse();
                out.push(vec![(u.tour, s)]);
            }
        }
    }
    out
}

/// The cost change of a candidate and whether all its tours are feasible, by rebuilding them.
fn rebuilt(c: &Compiled, plan: &Plan, candidate: &[(usize, Vec<u32>)]) -> (f64, bool) {
    let (mut delta, mut feasible) = (0.0, true);
    for (t, stops) in candidate {
        let old = &plan.tours[*t];
        delta -= old.cost;
        if !stops.is_empty() {
            let new = Tour::new(old.kind, stops.clone(), c);
            feasible &= new.is_feasible(c);
            delta += new.cost;
        }
    }
    (delta, feasible)
}

/// The exactness checks of issue 20 on every (stop, neighbour) pair and operator of `p`,
/// from a cheapest-insertion plan that takes each improving move it meets: a move priced
/// feasible changes the cost by its delta (the best of its candidates) and gives a plan the
/// checker accepts; a move priced infeasible has no feasible candidate. Returns how many
/// moves were priced feasible and how many infeasible.
fn check_timed_moves(p: &Problem, seed: u64, near: usize) -> Result<(u32, u32), TestCaseError> {
    prop_assert!(Compiled::new(p, u64::MAX, 1).unwrap().timed);
    check_moves(p, seed, near)
}

/// [`check_timed_moves`] on any problem, timed or not.
fn check_moves(p: &Problem, seed: u64, near: usize) -> Result<(u32, u32), TestCaseError> {
    let c = Compiled::new(p, u64::MAX, 1).unwrap();
    let env = Env::new(&c);
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let mut plan = cheapest_insertion(&env, &mut rng);
    let ops: [&dyn Operator; 4] = [&Relocate, &Swap, &Tails, &TwoOpt];
    let (mut feasible, mut infeasible, mut applied) = (0, 0, 0);
    for u in 0..c.n as u32 {
        for &v in env.neighbours[u as usize].iter().take(near) {
            let (Some(pu), Some(pv)) = (Pos::of(&plan, u), Pos::of(&plan, v)) else {
                continue;
            };
            let mut improving = None;
            for (i, op) in ops.iter().enumerate() {
                let candidates = brute_candidates(&c, &plan, i, pu, pv);
                let brute: Vec<(f64, bool)> =
                    candidates.iter().map(|x| rebuilt(&c, &plan, x)).collect();
                let best = brute.iter().filter(|x| x.1).map(|x| x.0).reduce(f64::min);
                let tol = 1e-7 * plan.cost(&c).abs().max(1.0);
                let delta = match (op.evaluate(&env, &plan, pu, pv), best) {
                    (None, None) => {
                        infeasible += u32::from(!candidates.is_empty());
                        continue;
                    }
                    (Some(d), Some(b)) => {
                        prop_assert!((d - b).abs() < tol, "op {i}: {d} vs brute force {b}");
                        d
                    }
                    (d, b) => {
                        return Err(TestCaseError::fail(format!(
                            "op {i}: evaluated {d:?}, brute force {b:?}"
                        )));
                    }
                };
                feasible += 1;
                let mut next = plan.clone();
                op.apply(&env, &mut next, pu, pv);
                next.drop_empty();
                let change = next.cost(&c) - plan.cost(&c);
                prop_assert!((change - delta).abs() < tol, "op {i}: delta {delta} vs {change}");
                let report = crate::routing::check(p, &Solution::from_plan(p, &c, &next));
                prop_assert!(report.is_ok(), "op {}: {:?}", i, report.violations);
                if delta < -EPS && improving.is_none() {
                    improving = Some(next);
                }
            }
            if let Some(next) = improving {
                plan = next;
                applied += 1;
            }
        }
    }
    prop_assert!(applied < 10 * c.n + 10);
    Ok((feasible, infeasible))
}

/// The same checks on Solomon's R101 (tight windows, 100 stops), where both outcomes must
/// occur often (so the property test above is not passing on moves it never meets).
#[test]
fn r20_timed_moves_are_priced_exactly_on_r101() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/routing/R101.txt");
    let p =
        crate::routing::formats::solomon::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (feasible, infeasible) = check_timed_moves(&p, 7, 12).unwrap();
    assert!(feasible > 200 && infeasible > 200, "{feasible} feasible, {infeasible} infeasible");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Issue 20: the exactness checks ([`check_timed_moves`]) on random VRPTW instances.
    #[test]
    fn r20_timed_moves_are_priced_exactly(p in timed_instance(), seed in 0..1000u64) {
        check_timed_moves(&p, seed, 10)?;
    }

    #[test]
    fn r20_the_timed_search_ends_in_a_checked_plan_no_worse_than_its_start(
        p in timed_instance(),
        seed in 0..1000u64,
    ) {
        let c = Compiled::new(&p, u64::MAX, 1).unwrap();
        let env = Env::new(&c);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let mut plan = cheapest_insertion(&env, &mut rng);
        let start = plan.cost(&c);
        let mut ls = LocalSearch::new(&env, 16);
        ls.run(&env, &mut plan, 0..c.n as u32);
        prop_assert!(plan.cost(&c) <= start + 1e-9);
        let solution = Solution::from_plan(&p, &c, &plan);
        let report = crate::routing::check(&p, &solution);
        prop_assert!(report.is_ok(), "{:?}", report.violations);
        if c.scale == 1.0 {
            // Rounded distances: the integers are the problem's own numbers (the checker's
            // cost leaves out the penalties of stops no vehicle can reach in time).
            let routes: f64 = plan.tours.iter().map(|t| t.cost).sum();
            prop_assert!((report.cost - routes).abs() < 1e-6 * report.cost.max(1.0));
        }
    }
}

prop_compose! {
    /// Issue 13's fleet model on top of [`timed_instance`]: stops that need one of two skills
    /// (type `a` has the first, `b` both), a second or third window on some stops, and
    /// route limits (most stops, longest distance) on some types; windows and shifts bind
    /// or not (`timed`).
    fn fleet_instance()(
        base in timed_instance(),
        needs in prop::collection::vec(0..4u8, 40),
        later in prop::collection::vec(prop::option::of((5..60i32, 10..80i32)), 40),
        max_stops in prop::option::of(2..8usize),
        max_distance in prop::option::of(150.0..400.0f64),
        timed in any::<bool>(),
    ) -> Problem {
        let mut p = base;
        let skill = |name: &str| SkillId::new(name);
        p.vehicle_types[0].skills = vec![skill("fridge")];
        p.vehicle_types[0].max_stops = max_stops;
        if let Some(b) = p.vehicle_types.get_mut(1) {
            b.skills = vec![skill("fridge"), skill("lift")];
            b.max_distance = max_distance;
        } else {
            p.vehicle_types[0].max_distance = max_distance;
        }
        for (i, s) in p.stops.iter_mut().enumerate() {
            s.skills = match needs[i] {
                1 => vec![skill("fridge")],
                2 if p.vehicle_types.len() > 1 => vec![skill("lift")],
                _ => Vec::new(),
            };
            if !timed {
                s.time_window = TimeWindow::ALWAYS;
            } else if let Some((gap, width)) = later[i]
                && s.time_window.end.is_finite()
            {
                let start = s.time_window.end + f64::from(gap);
                s.extra_windows.push(TimeWindow { start, end: start + f64::from(width) });
                if gap % 2 == 0 {
                    let start = start + f64::from(width + gap);
                    s.extra_windows.push(TimeWindow { start, end: start + f64::from(width) });
                }
            }
        }
        if !timed {
            for v in &mut p.vehicle_types {
                v.shift = TimeWindow::ALWAYS;
                v.cost_per_time = 0.0;
            }
        }
        p
    }
}

/// Issue 13 on Solomon's R101 with a second window on every other stop, a skill on every
/// third stop held by half the fleet, and routes of at most 8 stops: both outcomes occur
/// often.
#[test]
fn r13_fleet_moves_are_priced_exactly_on_r101() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/routing/R101.txt");
    let mut p =
        crate::routing::formats::solomon::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut skilled = p.vehicle_types[0].clone();
    skilled.id = "skilled".into();
    skilled.skills = vec![SkillId::new("fridge")];
    p.vehicle_types.push(skilled);
    for v in &mut p.vehicle_types {
        v.max_stops = Some(8);
    }
    for (i, s) in p.stops.iter_mut().enumerate() {
        if i % 2 == 0 {
            let start = s.time_window.end + 30.0;
            s.extra_windows.push(TimeWindow { start, end: start + 20.0 });
        }
        if i % 3 == 0 {
            s.skills = vec![SkillId::new("fridge")];
        }
    }
    let (feasible, infeasible) = check_timed_moves(&p, 7, 12).unwrap();
    assert!(feasible > 200 && infeasible > 200, "{feasible} feasible, {infeasible} infeasible");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Issue 13: the exactness checks ([`check_moves`]) with skills, several windows and
    /// route limits.
    #[test]
    fn r13_fleet_moves_are_priced_exactly(p in fleet_instance(), seed in 0..1000u64) {
        check_moves(&p, seed, 10)?;
    }
}

prop_compose! {
    /// Vehicle profiles on top of [`fleet_instance`]: the second vehicle type (or the only
    /// one) drives a profile of its own, the distances stretched and the times slowed.
    fn profiled_instance()(
        base in fleet_instance(),
        stretch in 0.8..1.5f64,
        slowness in 0.7..1.6f64,
    ) -> Problem {
        let mut p = base;
        let n = p.locations.len();
        let d: Vec<Vec<f64>> =
            (0..n).map(|a| (0..n).map(|b| (p.locations.distance(a, b) * stretch).round()).collect()).collect();
        let t = d.iter().map(|r| r.iter().map(|x| x * slowness).collect()).collect();
        p.profiles.push(Locations::Matrix { distance: d, duration: t });
        let last = p.vehicle_types.len() - 1;
        p.vehicle_types[last].profile = 1;
        p
    }
}

/// Issue 13 on Solomon's R101 with half the fleet on a profile of its own (the same
/// distances, travel 1.3 x slower): moves between tours on different profiles are priced
/// exactly too, and both outcomes occur often.
#[test]
fn r13_moves_between_profiles_are_priced_exactly_on_r101() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/routing/R101.txt");
    let mut p =
        crate::routing::formats::solomon::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let n = p.locations.len();
    let d: Vec<Vec<f64>> =
        (0..n).map(|a| (0..n).map(|b| p.locations.distance(a, b)).collect()).collect();
    let t = d.iter().map(|r| r.iter().map(|x| x * 1.3).collect()).collect();
    p.profiles.push(Locations::Matrix { distance: d, duration: t });
    let mut slow = p.vehicle_types[0].clone();
    (slow.id, slow.profile, slow.count) = ("slow".into(), 1, 10);
    p.vehicle_types[0].count = 15;
    p.vehicle_types.push(slow);
    let (feasible, infeasible) = check_timed_moves(&p, 7, 12).unwrap();
    assert!(feasible > 200 && infeasible > 200, "{feasible} feasible, {infeasible} infeasible");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Issue 13: the exactness checks ([`check_moves`]) with the vehicle types on two
    /// profiles (each tour priced on its own arcs, tails handed across profiles re-priced).
    #[test]
    fn r13_moves_on_two_profiles_are_priced_exactly(p in profiled_instance(), seed in 0..1000u64) {
        check_moves(&p, seed, 10)?;
    }
}
