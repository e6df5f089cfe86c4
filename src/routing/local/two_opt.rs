//! 2-opt inside one tour: reverse the stretch between `u` and its neighbour `v` so that
//! they become adjacent. Needs symmetric distances (the reversed stretch is driven the
//! other way); [`crate::routing::local::LocalSearch`] leaves it out otherwise.
//!
//! On timed problems the reversed stretch is simulated stop by stop (its windows are met in
//! the other order, which no cached data of the forward tour describes), O(stretch), and the
//! rest of the tour is priced from its rest data ([`crate::routing::local::timing`]).

use crate::routing::env::Env;
use crate::routing::local::timing::{joined, repriced};
use crate::routing::local::{Operator, Pos, priced};
use crate::routing::plan::Plan;

/// Intra-tour segment reversal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TwoOpt;

impl Operator for TwoOpt {
    fn evaluate(&self, env: &Env<'_>, plan: &Plan, u: Pos, v: Pos) -> Option<f64> {
        if u.tour != v.tour || u.at.abs_diff(v.at) < 2 {
            return None;
        }
        let c = env.c;
        let (x, y) = if u.at < v.at { (u.at, v.at) } else { (v.at, u.at) };
        let t = &plan.tours[u.tour];
        // Stops x+1..=y reversed: arcs (x, x+1) and (y, y+1) become (x, y) and (x+1, y+1).
        let (lx, lx1, ly, ly1) = (t.locs[x + 1], t.locs[x + 2], t.locs[y + 1], t.locs[y + 2]);
        let dd = i64::from(c.kd(t.kind, lx, ly)) + i64::from(c.kd(t.kind, lx1, ly1))
            - i64::from(t.arc[x + 1])
            - i64::from(t.arc[y + 1]);
        if !c.dist_ok(t.kind, t.dist + dd, t.stops.len()) {
            return None;
        }
        if !c.timed {
            return Some(priced(env, plan, u.tour, dd));
        }
        let reversed = t.stops[x + 1..=y].iter().rev().copied();
        Some(repriced(c, t, dd, joined(c, (t, x + 1), reversed, (t, y + 2))?))
    }

    fn apply(&self, env: &Env<'_>, plan: &mut Plan, u: Pos, v: Pos) {
        let (x, y) = if u.at < v.at { (u.at, v.at) } else { (v.at, u.at) };
        let mut stops = plan.tours[u.tour].stops.clone();
        stops[x + 1..=y].reverse();
        plan.set_stops(env.c, u.tour, stops);
    }
}
