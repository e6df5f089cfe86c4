//! Adjusted string removal (SISR; Christiaens and Vanden Berghe, Transportation Science
//! 2020).
//!
//! Picks a random seed stop and walks its nearest neighbours; from each not yet ruined tour
//! met on the way it removes one string (consecutive stops) holding that neighbour, or a
//! "split string" that keeps a consecutive block in the middle. The removed stops are close
//! in space but spread over a few tours, which is what lets a greedy recreate exchange them
//! between tours. Sizes follow the paper: about `avg_removed` stops, strings of at most
//! `max_string` stops.

use crate::routing::env::Env;
use crate::routing::plan::{NONE, Plan};
use crate::routing::ruin::Ruin;
use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// SISR string removal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Strings {
    /// Average number of stops removed (the paper's `c-bar`, 10).
    pub avg_removed: f64,
    /// Longest string (`L_max`, 10).
    pub max_string: f64,
    /// Probability of a split string rather than a plain one (0.5).
    pub split_rate: f64,
    /// Chance to stop growing the kept block of a split string (`beta`, 0.01).
    pub split_depth: f64,
}

impl Default for Strings {
    fn default() -> Self {
        Self { avg_removed: 10.0, max_string: 10.0, split_rate: 0.5, split_depth: 0.01 }
    }
}

impl Ruin for Strings {
    fn ruin(&self, env: &Env<'_>, plan: &mut Plan, rng: &mut Pcg64Mcg) {
        let c = env.c;
        if plan.tours.is_empty() || c.n == 0 {
            return;
        }
        let assigned = c.n - plan.unassigned.len();
        let avg_len = assigned as f64 / plan.tours.len() as f64;
        let ls_max = self.max_string.min(avg_len).max(1.0);
        let ks_max = (4.0 * self.avg_removed / (1.0 + ls_max) - 1.0).max(1.0);
        let ks = rng.random_range(1.0..ks_max + 1.0).floor() as usize;
        let seed = rng.random_range(0..c.n as u32);
        let mut ruined: Vec<u32> = Vec::with_capacity(ks);
        let mut remove: Vec<usize> = Vec::new();
        for &s in std::iter::once(&seed).chain(env.neighbours[seed as usize].iter()) {
            if ruined.len() >= ks {
                break;
            }
            let t = plan.route_of[s as usize];
            if t == NONE || ruined.contains(&t) {
                continue;
            }
            let Some((_, pos)) = plan.position(s) else { continue };
            let len = plan.tours[t as usize].stops.len();
            let l_max = ls_max.min(len as f64);
            let l = (rng.random_range(1.0..l_max + 1.0).floor() as usize).clamp(1, len);
            remove.clear();
            if l < len && rng.random_bool(self.split_rate) {
                let mut m = 1;
                while l + m < len && rng.random::<f64>() >= self.split_depth {
                    m += 1;
                }
                let start = string_start(pos, l + m, len, rng);
                let keep = start + rng.random_range(0..=l);
                remove.extend((start..start + l + m).filter(|&p| p < keep || p >= keep + m));
            } else {
                let start = string_start(pos, l, len, rng);
                remove.extend(start..start + l);
            }
            plan.remove_positions(c, t as usize, &remove);
            ruined.push(t);
        }
        plan.drop_empty();
    }
}

/// A random start for a string of `l` positions that holds `pos`, inside `0..len`.
fn string_start(pos: usize, l: usize, len: usize, rng: &mut Pcg64Mcg) -> usize {
    let lo = (pos + 1).saturating_sub(l);
    let hi = pos.min(len - l);
    if hi <= lo { lo.min(len - l) } else { rng.random_range(lo..=hi) }
}
