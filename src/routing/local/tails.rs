//! Tails exchange (2-opt*): cut two tours and swap their ends so that `u` is followed by
//! its neighbour `v`: `A[..=u] + B[v..]` and `B[..v] + A[u+1..]`.
//!
//! Priced in O(1) with prefix distances and prefix loads (and, on timed problems, the
//! prefixes' departures and the tails' rest data, [`crate::routing::local::timing`]; a tail
//! is then checked against the shift end of the vehicle that takes it). Both tours must end
//! at the same depot (the tails keep their arcs to it) and neither may become empty. A tail
//! handed to another vehicle type must not need a skill that type lacks
//! ([`crate::routing::plan::Tour::tail_need`]). A tail handed to a type on another profile
//! (a bike's stops to a van) is priced on its new arcs, O(tail) ([`tail_dist`], and the
//! stop-by-stop tail of `joined`).

use crate::routing::compiled::Compiled;
use crate::routing::env::Env;
use crate::routing::local::timing::{joined, repriced};
use crate::routing::local::{Operator, Pos};
use crate::routing::plan::{Plan, Tour};

/// 2-opt* between two tours.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tails;

impl Operator for Tails {
    fn evaluate(&self, env: &Env<'_>, plan: &Plan, u: Pos, v: Pos) -> Option<f64> {
        let c = env.c;
        if u.tour == v.tour {
            return None;
        }
        let (a, b) = (&plan.tours[u.tour], &plan.tours[v.tour]);
        let (ka, kb) = (&c.kinds[a.kind as usize], &c.kinds[b.kind as usize]);
        if ka.end_loc != kb.end_loc || (v.at == 0 && u.at + 1 == a.stops.len()) {
            return None;
        }
        let dims = c.dims;
        // Loads: A keeps stops 0..=u.at, B keeps 0..v.at.
        for k in 0..dims {
            let head_a = a.pre_load[(u.at + 1) * dims + k];
            let head_b = b.pre_load[v.at * dims + k];
            if head_a + b.load[k] - head_b > ka.capacity[k]
                || head_b + a.load[k] - head_a > kb.capacity[k]
            {
                return None;
            }
        }
        let (lu, lv) = (a.locs[u.at + 1], b.locs[v.at + 1]);
        let (pv, nu) = (b.locs[v.at], a.locs[u.at + 2]);
        let new_a = a.pre_dist[u.at + 1]
            + i64::from(c.kd(a.kind, lu, lv))
            + tail_dist(c, a.kind, b, v.at + 1);
        let new_b =
            b.pre_dist[v.at] + i64::from(c.kd(b.kind, pv, nu)) + tail_dist(c, b.kind, a, u.at + 2);
        if c.limited {
            // A takes B's stops from v on, B takes A's after u.
            let (len_a, len_b) = (u.at + 1 + b.stops.len() - v.at, v.at + a.stops.len() - u.at - 1);
            let (need_a, need_b) = (b.tail_need[v.at], a.tail_need[u.at + 1]);
            if len_a > ka.max_stops
                || len_b > kb.max_stops
                || need_a & !ka.skills != 0
                || need_b & !kb.skills != 0
                || !c.dist_ok(a.kind, new_a, len_a)
                || !c.dist_ok(b.kind, new_b, len_b)
            {
                return None;
            }
        }
        if !c.timed {
            let (da, db) = ((new_a - a.dist) as f64, (new_b - b.dist) as f64);
            return Some(ka.per_dist * da + kb.per_dist * db);
        }
        let back_a = joined(c, (a, u.at + 1), None, (b, v.at + 1))?;
        let back_b = joined(c, (b, v.at), None, (a, u.at + 2))?;
        Some(repriced(c, a, new_a - a.dist, back_a) + repriced(c, b, new_b - b.dist, back_b))
    }

    fn apply(&self, env: &Env<'_>, plan: &mut Plan, u: Pos, v: Pos) {
        let (a, b) = (&plan.tours[u.tour].stops, &plan.tours[v.tour].stops);
        let new_a: Vec<u32> = a[..=u.at].iter().chain(&b[v.at..]).copied().collect();
        let new_b: Vec<u32> = b[..v.at].iter().chain(&a[u.at + 1..]).copied().collect();
        plan.set_stops(env.c, u.tour, new_a);
        plan.set_stops(env.c, v.tour, new_b);
    }
}

/// The distance of `t.locs[from..]` driven by a vehicle of type `kind`: from the tour's
/// cached prefix sums when the type drives the tour's own arcs (O(1)), else arc by arc on
/// its own (O(tail): a bike's tail handed to a van).
fn tail_dist(c: &Compiled, kind: u32, t: &Tour, from: usize) -> i64 {
    if c.same_arcs(kind, t.kind) {
        return t.dist - t.pre_dist[from];
    }
    t.locs[from..].windows(2).map(|w| i64::from(c.kd(kind, w[0], w[1]))).sum()
}
