//! Greedy insertion with blinks (Christiaens and Vanden Berghe 2020, SISR).
//!
//! Stops are sorted by one of several orders drawn at random (random, largest demand,
//! farthest from the depot, closest to the depot, earliest due time when windows bind),
//! then each goes to its cheapest feasible position; every position is skipped with a
//! small probability (a "blink"), which diversifies the search at almost no cost. Each
//! position is checked in O(1) with the tours' cached schedule data. A stop is inserted only
//! when its cheapest place costs less than leaving it out (its penalty): required stops'
//! penalties exceed any route's cost, optional stops stay out when their prize is too small.

use crate::routing::balance;
use crate::routing::compiled::Compiled;
use crate::routing::env::Env;
use crate::routing::plan::{Insertion, NONE, Plan, pair_tour_cost, reload_bound, single_tour_cost};
use crate::routing::recreate::Recreate;
use crate::routing::shipments::{Place, best_pair, best_single};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64Mcg;

/// Above this many tours, only tours near the stop are tried.
pub(super) const GRANULAR_FROM: usize = 16;
/// How many nearest neighbours name the tours tried.
pub(super) const GRANULAR_NEIGHBOURS: usize = 40;

/// Greedy cheapest insertion that skips positions with probability `blink_rate`.
///
/// With `near_positions` (city-scale problems) a stop is tried only right before and right
/// after each of its nearest neighbours, O(k) checks instead of every position of every
/// near tour (O(k len)); all near tours are scanned only when that finds nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GreedyBlinks {
    pub blink_rate: f64,
    pub near_positions: bool,
}

impl Default for GreedyBlinks {
    fn default() -> Self {
        Self { blink_rate: 0.01, near_positions: false }
    }
}

impl GreedyBlinks {
    pub(super) fn sort(&self, env: &Env<'_>, todo: &mut [u32], rng: &mut Pcg64Mcg) {
        let c = env.c;
        todo.shuffle(rng);
        let total = |s: u32| c.demand(s).iter().sum::<i64>();
        let weights: [u32; 5] = [4, 4, 2, 1, if env.time_windows { 3 } else { 0 }];
        let sum: u32 = weights.iter().sum();
        let mut pick = rng.random_range(0..sum);
        let mut order = 0;
        for (i, w) in weights.iter().enumerate() {
            if pick < *w {
                order = i;
                break;
            }
            pick -= w;
        }
        match order {
            1 => todo.sort_by_key(|&s| std::cmp::Reverse(total(s))),
            2 => todo.sort_by_key(|&s| std::cmp::Reverse(env.depot_dist[s as usize])),
            3 => todo.sort_by_key(|&s| env.depot_dist[s as usize]),
            4 => todo.sort_by_key(|&s| c.due[s as usize]),
            _ => {}
        }
    }
}

impl Recreate for GreedyBlinks {
    fn recreate(&self, env: &Env<'_>, plan: &mut Plan, rng: &mut Pcg64Mcg, allow_new: bool) {
        let c = env.c;
        if c.paired() {
            return recreate_pairs(self, env, plan, rng, allow_new);
        }
        let mut todo = std::mem::take(&mut plan.unassigned);
        self.sort(env, &mut todo, rng);
        let blink = (self.blink_rate * f64::from(u32::MAX)) as u32;
        let mut stamp: Vec<u32> = Vec::new();
        let mut near: Vec<u32> = Vec::new();
        let mut order: Vec<(f64, usize)> = Vec::new();
        for (i, &stop) in todo.iter().enumerate() {
            let mut best: Option<Insertion> = None;
            let due = c.due[stop as usize];
            // With a balanced-routes term each place also pays the term's growth.
            let marks = c.balance.map(|_| plan.marks());
            // Granular: with many tours only those holding one of the stop's nearest
            // neighbours are tried (a far tour is almost never the cheapest). Fleet
            // minimisation (`allow_new == false`) always tries every tour.
            near.clear();
            if allow_new && plan.tours.len() > GRANULAR_FROM {
                stamp.resize(plan.tours.len(), 0);
                let mark = i as u32 + 1;
                for &nb in env.neighbours[stop as usize].iter().take(GRANULAR_NEIGHBOURS) {
                    let t = plan.route_of[nb as usize];
                    if t != NONE && stamp[t as usize] != mark {
                        stamp[t as usize] = mark;
                        near.push(t);
                    }
                }
            } else {
                near.extend(0..plan.tours.len() as u32);
            }
            let granular = allow_new && plan.tours.len() > GRANULAR_FROM;
            if self.near_positions && granular {
                for &nb in env.neighbours[stop as usize].iter().take(GRANULAR_NEIGHBOURS) {
                    let Some((ti, at)) = plan.position(nb) else { continue };
                    let t = &plan.tours[ti];
                    if !t.fits(stop, c) {
                        continue;
                    }
                    for pos in [at, at + 1] {
                        if blink > 0 && rng.random::<u32>() < blink {
                            continue;
                        }
                        if let Some(delta) =
                            plan.insertion(c, t, stop, pos, best.map_or(f64::INFINITY, |b| b.delta))
                            // The growth is never negative: only a place already cheaper pays it.
                            && best.is_none_or(|b| delta < b.delta)
                            && let delta =
                                balance::with_growth(c, marks, delta, Some(t), t.kind, stop, pos)
                            && best.is_none_or(|b| delta < b.delta)
                        {
                            best = Some(Insertion {
                                tour: ti as u32,
                                kind: t.kind,
                                pos: pos as u32,
                                delta,
                            });
                        }
                    }
                }
                if best.is_some() {
                    near.clear();
                }
            }
            for &ti in &near {
                let t = &plan.tours[ti as usize];
                if !t.fits(stop, c) {
                    continue;
                }
                if c.reloads(t.kind) {
                    let at = Scan { stop, due, blink, marks };
                    trip_positions(c, plan, ti, at, rng, &mut best, &mut order);
                    continue;
                }
                for pos in 0..=t.stops.len() {
                    if t.depart[pos] > due {
                        break;
                    }
                    if blink > 0 && rng.random::<u32>() < blink {
                        continue;
                    }
                    if let Some(delta) =
                        plan.insertion(c, t, stop, pos, best.map_or(f64::INFINITY, |b| b.delta))
                        // The growth is never negative: only a place already cheaper pays it.
                        && best.is_none_or(|b| delta < b.delta)
                        && let delta =
                            balance::with_growth(c, marks, delta, Some(t), t.kind, stop, pos)
                        && best.is_none_or(|b| delta < b.delta)
                    {
                        best = Some(Insertion { tour: ti, kind: t.kind, pos: pos as u32, delta });
                    }
                }
            }
            if allow_new {
                for kind in 0..c.kinds.len() {
                    if let Some(delta) = plan.new_tour_cost(c, kind, stop)
                        // The growth is never negative: only a place already cheaper pays it.
                        && best.is_none_or(|b| delta < b.delta)
                        && let delta =
                            balance::with_growth(c, marks, delta, None, kind as u32, stop, 0)
                        && best.is_none_or(|b| delta < b.delta)
                    {
                        best = Some(Insertion { tour: NONE, kind: kind as u32, pos: 0, delta });
                    }
                }
            }
            // An optional stop whose prize does not pay for its cheapest place stays out.
            match best {
                Some(ins) if ins.delta < c.penalty[stop as usize] => plan.apply(c, stop, ins),
                _ => plan.unassigned.push(stop),
            }
        }
    }
}

/// What [`trip_positions`] prices: the stop, its latest start, the blink threshold and the
/// plan's balance marks.
#[derive(Clone, Copy)]
struct Scan {
    stop: u32,
    due: i64,
    blink: u32,
    marks: Option<balance::Marks>,
}

/// The cheapest place of a stop in tour `ti` of a multi-trip type into `best`. Each place
/// is priced by splitting the tour again ([`crate::routing::trips`]), so the places are
/// tried cheapest lower bound first ([`reload_bound`]) and the scan ends at the first whose
/// bound reaches the best price found: most are never split.
fn trip_positions(
    c: &Compiled,
    plan: &Plan,
    ti: u32,
    at: Scan,
    rng: &mut Pcg64Mcg,
    best: &mut Option<Insertion>,
    order: &mut Vec<(f64, usize)>,
) {
    let t = &plan.tours[ti as usize];
    order.clear();
    for pos in 0..=t.stops.len() {
        // The departures without reloads are a lower bound on the real ones.
        if t.depart[pos] > at.due {
            break;
        }
        order.push((reload_bound(c, t, at.stop, pos), pos));
    }
    order.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
    for &(bound, pos) in order.iter() {
        let best_delta = best.map_or(f64::INFINITY, |b| b.delta);
        if bound >= best_delta {
            break;
        }
        if at.blink > 0 && rng.random::<u32>() < at.blink {
            continue;
        }
        if let Some(delta) = plan.insertion(c, t, at.stop, pos, best_delta)
            && delta < best_delta
            && let delta = balance::with_growth(c, at.marks, delta, Some(t), t.kind, at.stop, pos)
            && delta < best_delta
        {
            *best = Some(Insertion { tour: ti, kind: t.kind, pos: pos as u32, delta });
        }
    }
}

// Problems with shipments.
//
// Greedy insertion with blinks for problems with shipments: [`GreedyBlinks`]' rules
// (orders drawn at random, cheapest feasible place, blinks, an optional stop or pair
// stays out when its prize does not pay for its place), with a shipment inserted as one
// unit, its pickup and its delivery at their cheapest pair of positions in one tour
// ([`crate::routing::shipments::best_pair`]).
//
// The unassigned list holds both stops of a shipment or neither (ruins take pairs out
// whole); the pair is placed where the first of its two stops comes in the order, and
// skipped where the second does. With many tours only
// those holding a near neighbour of the pickup or of the delivery are tried, as in
// [`GreedyBlinks`].

/// The best place found for one unit: a tour index (or `None` for a new tour of `kind`).
#[derive(Debug, Clone, Copy)]
struct Best {
    tour: Option<usize>,
    kind: u32,
    place: Place,
}

/// See the module docs.
fn recreate_pairs(
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
