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
pub(crate) fn cheapest_insertion(env: &Env<'_>, rng: &mut Pcg64Mcg) -> Plan {
    let c = env.c;
    let mut plan = Plan::empty(c);
    plan.unassigned.clear();
    let mut order: Vec<u32> = (0..c.n as u32).collect();
    if env.time_windows {
        order.sort_by_key(|&s| c.due[s as usize]);
    } else {
        order.sort_by_key(|&s| std::cmp::Reverse(env.depot_dist[s as usize]));
    }
    // Insert in this fixed order: one stop at a time through the shared recreate. Road
    // arcs cost a query each: try positions beside the stop's neighbours first (arcs the
    // oracle mostly holds in its lists), as the city-scale search does.
    let near_positions = c.arcs.queried();
    for s in order {
        plan.unassigned.push(s);
        GreedyBlinks { blink_rate: 0.0, near_positions }.recreate(env, &mut plan, rng, true);
    }
    plan
}
