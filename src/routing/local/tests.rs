//! Property tests of the operators: on random instances every improving move the search
//! applies changes the plan's cost by exactly the evaluated delta, and the final plan
//! passes the independent checker.

use super::*;
use crate::routing::arcs::{Arcs, Planar};
use crate::routing::compiled::Compiled;
use crate::routing::construct::cheapest_insertion;
use crate::routing::model::{Depot, Locations, Metric, Objective, Problem, Stop, VehicleType};
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
        let mut ls = LocalSearch::new(&env, 16).unwrap().with_swap_star(&env, 0, true);
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
        let mut ls = LocalSearch::new(&env, 16).unwrap();
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
