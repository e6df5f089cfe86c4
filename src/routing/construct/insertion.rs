//! Sequential cheapest insertion: stops sorted by due time (with windows) or by distance
//! from the depot, farthest first, each placed at its cheapest feasible position, opening a
//! new tour when no existing one can take it.

use crate::routing::env::Env;
use crate::routing::plan::Plan;
use crate::routing::recreate::{GreedyBlinks, Recreate};
use rand_pcg::Pcg64Mcg;

/// Builds a plan by inserting every stop greedily.
///
/// # Complexity
/// O(n^2) insertion checks for n stops.
#[cfg(test)]
pub(crate) fn cheapest_insertion(env: &Env<'_>, rng: &mut Pcg64Mcg) -> Plan {
    cheapest_insertion_until(env, rng, &|| false)
}

/// [`cheapest_insertion`] that stops inserting once `stop()` says so (the solve's deadline
/// or a cancel): the stops not yet placed stay unassigned, so a first plan never runs
/// past the deadline by more than one insertion.
///
/// # Complexity
/// O(n^2) insertion checks for n stops.
pub(crate) fn cheapest_insertion_until(
    env: &Env<'_>,
    rng: &mut Pcg64Mcg,
    stop: &dyn Fn() -> bool,
) -> Plan {
    let c = env.c;
    let mut plan = Plan::empty(c);
    plan.unassigned.clear();
    // A shipment comes in as its pickup and brings its delivery along.
    let mut order: Vec<u32> =
        (0..c.n as u32).filter(|&s| c.partner_of(s).is_none() || c.pickup[s as usize]).collect();
    if env.time_windows {
        order.sort_by_key(|&s| c.due[s as usize]);
    } else {
        order.sort_by_key(|&s| std::cmp::Reverse(env.depot_dist[s as usize]));
    }
    // Insert in this fixed order: one stop at a time through the shared recreate. Road
    // arcs cost a query each: try positions beside the stop's neighbours first (arcs the
    // oracle mostly holds in its lists), as the city-scale search does.
    let near_positions = c.arcs.queried();
    for (i, &s) in order.iter().enumerate() {
        if stop() {
            for &s in &order[i..] {
                plan.unassigned.push(s);
                plan.unassigned.extend(c.partner_of(s));
            }
            break;
        }
        plan.unassigned.push(s);
        plan.unassigned.extend(c.partner_of(s));
        GreedyBlinks { blink_rate: 0.0, near_positions }.recreate(env, &mut plan, rng, true);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::compiled::Compiled;
    use crate::routing::model::{Depot, Locations, Metric, Objective, Problem, Stop, VehicleType};
    use rand::SeedableRng;
    use std::cell::Cell;

    #[test]
    fn a_stop_signal_leaves_the_stops_not_yet_placed_unassigned() {
        let n = 40;
        let points = (0..=n).map(|i| [f64::from(i % 7) * 10.0, f64::from(i / 7) * 10.0]).collect();
        let p = Problem {
            profiles: Vec::new(),
            name: "stop".into(),
            locations: Locations::Coordinates { points, metric: Metric::Euclidean },
            depots: vec![Depot { id: "d".into(), location: 0 }],
            vehicle_types: vec![VehicleType::new("van", n as usize, vec![10])],
            stops: (1..=n as usize).map(|i| Stop::new(format!("s{i}"), i, vec![1])).collect(),
            objective: Objective::default(),
            shipments: Vec::new(),
        };
        let c = Compiled::new(&p, u64::MAX, 1).unwrap();
        let env = Env::new(&c);
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let calls = Cell::new(0);
        let plan = cheapest_insertion_until(&env, &mut rng, &|| {
            calls.set(calls.get() + 1);
            calls.get() > 15
        });
        let routed: usize = plan.tours.iter().map(|t| t.stops.len()).sum();
        assert_eq!(routed, 15);
        assert_eq!(plan.unassigned.len(), n as usize - 15);
        let mut all: Vec<u32> = plan
            .tours
            .iter()
            .flat_map(|t| t.stops.iter().copied())
            .chain(plan.unassigned.clone())
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..n).collect::<Vec<u32>>());
        let full = cheapest_insertion(&env, &mut rng);
        assert!(full.unassigned.is_empty());
    }
}
