//! Swap: exchange `u` and its neighbour `v` (one stop each way), in two tours or inside
//! one (not adjacent there: that is a relocate).

use crate::routing::env::Env;
use crate::routing::local::timing::{joined, repriced};
use crate::routing::local::{Operator, Pos, around, priced};
use crate::routing::plan::Plan;
use std::iter::once;

/// Exchanges the places of `u` and `v`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Swap;

impl Operator for Swap {
    fn evaluate(&self, env: &Env<'_>, plan: &Plan, u: Pos, v: Pos) -> Option<f64> {
        let c = env.c;
        let same = u.tour == v.tour;
        if u.stop == v.stop || (same && u.at.abs_diff(v.at) < 2) {
            return None;
        }
        let (a, b) = (&plan.tours[u.tour], &plan.tours[v.tour]);
        if !same {
            let (du, dv) = (c.demand(u.stop), c.demand(v.stop));
            let cap_a = &c.kinds[a.kind as usize].capacity;
            let cap_b = &c.kinds[b.kind as usize].capacity;
            for k in 0..c.dims {
                if a.load[k] - du[k] + dv[k] > cap_a[k] || b.load[k] - dv[k] + du[k] > cap_b[k] {
                    return None;
                }
            }
        }
        let (pu, lu, nu) = around(plan, u);
        let (pv, lv, nv) = around(plan, v);
        let da = i64::from(c.kd(a.kind, pu, lv)) + i64::from(c.kd(a.kind, lv, nu))
            - i64::from(a.arc[u.at])
            - i64::from(a.arc[u.at + 1]);
        let db = i64::from(c.kd(b.kind, pv, lu)) + i64::from(c.kd(b.kind, lu, nv))
            - i64::from(b.arc[v.at])
            - i64::from(b.arc[v.at + 1]);
        if c.limited {
            let fit = if same {
                c.dist_ok(a.kind, a.dist + da + db, a.stops.len())
            } else {
                c.skilled(a.kind, v.stop)
                    && c.skilled(b.kind, u.stop)
                    && c.dist_ok(a.kind, a.dist + da, a.stops.len())
                    && c.dist_ok(b.kind, b.dist + db, b.stops.len())
            };
            if !fit {
                return None;
            }
        }
        if !c.timed {
            return Some(priced(env, plan, u.tour, da) + priced(env, plan, v.tour, db));
        }
        // Positions in `locs` are one more than in `stops`.
        if same {
            let (x, y) = if u.at < v.at { (u, v) } else { (v, u) };
            let between = a.stops[x.at + 1..y.at].iter().copied();
            let middle = once(y.stop).chain(between).chain(once(x.stop));
            let back = joined(c, (a, x.at), middle, (a, y.at + 2))?;
            return Some(repriced(c, a, da + db, back));
        }
        let back_a = joined(c, (a, u.at), once(v.stop), (a, u.at + 2))?;
        let back_b = joined(c, (b, v.at), once(u.stop), (b, v.at + 2))?;
        Some(repriced(c, a, da, back_a) + repriced(c, b, db, back_b))
    }

    fn apply(&self, env: &Env<'_>, plan: &mut Plan, u: Pos, v: Pos) {
        if u.tour == v.tour {
            let mut stops = plan.tours[u.tour].stops.clone();
            stops.swap(u.at, v.at);
            plan.set_stops(env.c, u.tour, stops);
        } else {
            let mut a = plan.tours[u.tour].stops.clone();
            let mut b = plan.tours[v.tour].stops.clone();
            std::mem::swap(&mut a[u.at], &mut b[v.at]);
            plan.set_stops(env.c, u.tour, a);
            plan.set_stops(env.c, v.tour, b);
        }
    }
}
