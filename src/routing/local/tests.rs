//! Property tests of the operators: on random instances every improving move the search
//! applies changes the plan's cost by exactly the evaluated delta, and the final plan
//! passes the independent checker.

use super::*;
use crate::routing::compiled::Compiled;
use crate::routing::construct::cheapest_insertion;
use crate::routing::model::{Depot, Locations, Metric, Objective, Problem, Stop, VehicleType};
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
