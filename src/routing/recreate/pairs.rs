//! Greedy insertion with blinks for problems with shipments: [`GreedyBlinks`]' rules
//! (orders drawn at random, cheapest feasible place, blinks, an optional stop or pair
//! stays out when its prize does not pay for its place), with a shipment inserted as one
//! unit, its pickup and its delivery at their cheapest pair of positions in one tour
//! ([`crate::routing::shipments::best_pair`]).
//!
//! The unassigned list holds both stops of a shipment or neither (ruins take pairs out
//! whole); the pair is placed where the first of its two stops comes in the order, and
//! skipped where the second does. With many tours only
//! those holding a near neighbour of the pickup or of the delivery are tried, as in
//! [`GreedyBlinks`].

use super::blinks::{GRANULAR_FROM, GRANULAR_NEIGHBOURS};
use crate::routing::env::Env;
use crate::routing::plan::{Insertion, NONE, Plan, single_tour_cost};
use crate::routing::recreate::GreedyBlinks;
use crate::routing::shipments::{Place, best_pair, best_single, pair_tour_cost};
use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// The best place found for one unit: a tour index (or `None` for a new tour of `kind`).
#[derive(Debug, Clone, Copy)]
struct Best {
    tour: Option<usize>,
    kind: u32,
    place: Place,
}

/// See the module docs.
pub(super) fn recreate(
    g: &GreedyBlinks,
    env: &Env<'_>,
    plan: &mut Plan,
    rng: &mut Pcg64Mcg,
    allow_new: bool,
) {
    let c = env.c;
    let mut todo = std::mem::take(&mut plan.unassigned);
    g.sort(env, &mut todo, rng);
    let blink = (g.blink_rate * f64::from(u32::MAX)) as u32;
    let mut stamp: Vec<u32> = Vec::new();
    let mut near: Vec<u32> = Vec::new();
    let mut peak: Vec<i64> = Vec::new();
    for (i, &stop) in todo.iter().enumerate() {
        let mut stop = stop;
        let mut partner = c.partner_of(stop);
        if let Some(other) = partner {
            // Placed or given up with its partner already.
            if plan.route_of[stop as usize] != NONE || plan.unassigned.contains(&stop) {
                continue;
            }
            if !c.pickup[stop as usize] {
                (stop, partner) = (other, Some(stop));
            }
        }
        near.clear();
        let granular = allow_new && plan.tours.len() > GRANULAR_FROM;
        if granular {
            stamp.resize(plan.tours.len(), 0);
            let mark = i as u32 + 1;
            for s in std::iter::once(stop).chain(partner) {
                for &nb in env.neighbours[s as usize].iter().take(GRANULAR_NEIGHBOURS) {
                    let t = plan.route_of[nb as usize];
                    if t != NONE && stamp[t as usize] != mark {
                        stamp[t as usize] = mark;
                        near.push(t);
                    }
                }
            }
        } else {
            near.extend(0..plan.tours.len() as u32);
        }
        let mut best: Option<Best> = None;
        for &ti in &near {
            let t = &plan.tours[ti as usize];
            let skip = || blink > 0 && rng.random::<u32>() < blink;
            let found = match partner {
                Some(j) => best_pair(c, t, stop, j, &mut peak, skip),
                None => best_single(plan, c, t, stop, skip),
            };
            if let Some(place) = found
                && best.is_none_or(|b| place.delta < b.place.delta)
            {
                best = Some(Best { tour: Some(ti as usize), kind: t.kind, place });
            }
        }
        if allow_new {
            for kind in 0..c.kinds.len() {
                if plan.used[kind] as usize >= c.kinds[kind].count {
                    continue;
                }
                let cost = match partner {
                    Some(j) => pair_tour_cost(c, kind, stop, j),
                    None => single_tour_cost(c, kind, stop),
                };
                if let Some(delta) = cost
                    && best.is_none_or(|b| delta < b.place.delta)
                {
                    let place = Place { p: 0, q: 0, delta };
                    best = Some(Best { tour: None, kind: kind as u32, place });
                }
            }
        }
        let prize = c.penalty[stop as usize] + partner.map_or(0.0, |j| c.penalty[j as usize]);
        match (best, partner) {
            (Some(b), Some(j)) if b.place.delta < prize => {
                plan.apply_pair(c, stop, j, b.tour, b.kind, b.place);
            }
            (Some(b), None) if b.place.delta < prize => {
                let tour = b.tour.map_or(NONE, |t| t as u32);
                let ins = Insertion { tour, kind: b.kind, pos: b.place.p, delta: b.place.delta };
                plan.apply(c, stop, ins);
            }
            _ => {
                plan.unassigned.push(stop);
                plan.unassigned.extend(partner);
            }
        }
    }
}
