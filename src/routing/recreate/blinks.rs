//! Greedy insertion with blinks (Christiaens and Vanden Berghe 2020, SISR).
//!
//! Stops are sorted by one of several orders drawn at random (random, largest demand,
//! farthest from the depot, closest to the depot, earliest due time when windows bind),
//! then each goes to its cheapest feasible position; every position is skipped with a
//! small probability (a "blink"), which diversifies the search at almost no cost. Each
//! position is checked in O(1) with the tours' cached schedule data. A stop is inserted only
//! when its cheapest place costs less than leaving it out (its penalty): required stops'
//! penalties exceed any route's cost, optional stops stay out when their prize is too small.

use crate::routing::env::Env;
use crate::routing::plan::{Insertion, NONE, Plan};
use crate::routing::recreate::Recreate;
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
            return super::pairs::recreate(self, env, plan, rng, allow_new);
        }
        let mut todo = std::mem::take(&mut plan.unassigned);
        self.sort(env, &mut todo, rng);
        let blink = (self.blink_rate * f64::from(u32::MAX)) as u32;
        let mut stamp: Vec<u32> = Vec::new();
        let mut near: Vec<u32> = Vec::new();
        for (i, &stop) in todo.iter().enumerate() {
            let mut best: Option<Insertion> = None;
            let due = c.due[stop as usize];
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
                        if let Some(delta) = plan.insertion(c, t, stop, pos)
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
                for pos in 0..=t.stops.len() {
                    if t.depart[pos] > due {
                        break;
                    }
                    if blink > 0 && rng.random::<u32>() < blink {
                        continue;
                    }
                    if let Some(delta) = plan.insertion(c, t, stop, pos)
                        && best.is_none_or(|b| delta < b.delta)
                    {
                        best = Some(Insertion { tour: ti, kind: t.kind, pos: pos as u32, delta });
                    }
                }
            }
            if allow_new {
                for kind in 0..c.kinds.len() {
                    if let Some(delta) = plan.new_tour_cost(c, kind, stop)
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
