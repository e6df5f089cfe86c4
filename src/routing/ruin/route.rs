//! Whole-route removal, the first step of fleet minimisation: empty one tour (a short one
//! more often than a long one) so its stops must find room in the others.

use crate::routing::env::Env;
use crate::routing::plan::Plan;
use crate::routing::ruin::Ruin;
use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// Removes one whole tour: with probability `shortest_rate` the one with fewest stops,
/// otherwise a random one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WholeRoute {
    pub shortest_rate: f64,
}

impl Ruin for WholeRoute {
    fn ruin(&self, env: &Env<'_>, plan: &mut Plan, rng: &mut Pcg64Mcg) {
        if plan.tours.is_empty() {
            return;
        }
        let t = if rng.random_bool(self.shortest_rate) {
            (0..plan.tours.len()).min_by_key(|&t| plan.tours[t].stops.len()).unwrap_or(0)
        } else {
            rng.random_range(0..plan.tours.len())
        };
        let all: Vec<usize> = (0..plan.tours[t].stops.len()).collect();
        plan.remove_positions(env.c, t, &all);
        plan.drop_empty();
    }
}
