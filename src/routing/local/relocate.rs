//! Relocate: move `u` next to its neighbour `v` (after it, or before it), in the same tour
//! or another one.

use crate::routing::env::Env;
use crate::routing::local::timing::{joined, repriced};
use crate::routing::local::{Operator, Pos, around, priced};
use crate::routing::plan::Plan;
use std::iter::once;

/// Moves `u` right after `v`, or right before it when that is cheaper.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Relocate;

impl Relocate {
    /// The cost change of moving `u` after (`after`) or before `v`.
    fn price(env: &Env<'_>, plan: &Plan, u: Pos, v: Pos, after: bool) -> Option<f64> {
        let c = env.c;
        if u.stop == v.stop {
            return None;
        }
        let same = u.tour == v.tour;
        if same && ((after && v.at + 1 == u.at) || (!after && v.at == u.at + 1)) {
            return None;
        }
        let (a, b) = (&plan.tours[u.tour], &plan.tours[v.tour]);
        if !same && !b.fits(u.stop, c) {
            return None;
        }
        let (pu, lu, nu) = around(plan, u);
        let (pv, lv, nv) = around(plan, v);
        let removed =
            i64::from(c.kd(a.kind, pu, nu)) - i64::from(a.arc[u.at]) - i64::from(a.arc[u.at + 1]);
        let (x, y, xy) = if after { (lv, nv, b.arc[v.at + 1]) } else { (pv, lv, b.arc[v.at]) };
        let added = i64::from(c.kd(b.kind, x, lu)) + i64::from(c.kd(b.kind, lu, y)) - i64::from(xy);
        // Positions in `locs`: `u` sits at `iu`, it goes between `ix` and `ix + 1`.
        let (iu, ix) = (u.at + 1, v.at + usize::from(after));
        if c.limited {
            let fit = if same {
                c.dist_ok(a.kind, a.dist + removed + added, a.stops.len())
            } else {
                c.dist_ok(b.kind, b.dist + added, b.stops.len() + 1)
                    && (a.stops.len() == 1
                        || c.dist_ok(a.kind, a.dist + removed, a.stops.len() - 1))
            };
            if !fit {
                return None;
            }
        }
        if same {
            if !c.timed {
                return Some(priced(env, plan, u.tour, removed + added));
            }
            let s = &a.stops;
            let back = if iu < ix {
                let between = s[u.at + 1..ix].iter().copied();
                joined(c, (a, iu - 1), between.chain(once(u.stop)), (a, ix + 1))?
            } else {
                let between = s[ix..u.at].iter().copied();
                joined(c, (a, ix), once(u.stop).chain(between), (a, iu + 1))?
            };
            return Some(repriced(c, a, removed + added, back));
        }
        let out = if a.stops.len() == 1 {
            -a.cost
        } else if c.timed {
            repriced(c, a, removed, joined(c, (a, iu - 1), None, (a, iu + 1))?)
        } else {
            priced(env, plan, u.tour, removed)
        };
        let into = if c.timed {
            repriced(c, b, added, joined(c, (b, ix), once(u.stop), (b, ix + 1))?)
        } else {
            priced(env, plan, v.tour, added)
        };
        Some(out + into)
    }
}

impl Operator for Relocate {
    fn evaluate(&self, env: &Env<'_>, plan: &Plan, u: Pos, v: Pos) -> Option<f64> {
        let after = Self::price(env, plan, u, v, true);
        let before = Self::price(env, plan, u, v, false);
        match (after, before) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        }
    }

    fn apply(&self, env: &Env<'_>, plan: &mut Plan, u: Pos, v: Pos) {
        let after = Self::price(env, plan, u, v, true);
        let before = Self::price(env, plan, u, v, false);
        let after = match (after, before) {
            (Some(x), Some(y)) => x <= y,
            (x, _) => x.is_some(),
        };
        let mut to = v.at + usize::from(after);
        if u.tour == v.tour {
            let mut stops = plan.tours[u.tour].stops.clone();
            stops.remove(u.at);
            if u.at < to {
                to -= 1;
            }
            stops.insert(to, u.stop);
            plan.set_stops(env.c, u.tour, stops);
        } else {
            let mut from = plan.tours[u.tour].stops.clone();
            from.remove(u.at);
            let mut into = plan.tours[v.tour].stops.clone();
            into.insert(to, u.stop);
            plan.set_stops(env.c, u.tour, from);
            plan.set_stops(env.c, v.tour, into);
        }
    }
}
