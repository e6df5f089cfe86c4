//! Granular local search: small moves between a stop and its nearest neighbours, run after
//! each ruin-and-recreate on the stops that changed.
//!
//! # Why
//! On 4,000-30,000 stops SISR alone spends one iteration per ~10 stops moved; in 60 s a stop
//! is moved a few dozen times and the routes keep local defects (crossings, a stop one
//! route away from its neighbours). FILO (Accorsi and Vigo) and HGS fix those with local
//! search restricted twice: *granular* (a move must create an arc between a stop and one
//! of its `granular` nearest neighbours, Toth and Vigo 2003) and *local to the last
//! change* (only stops a ruin-and-recreate touched seed the search, and a move re-queues
//! only the stops around the arcs it changed, a light form of FILO's selective vertex
//! caching). Each move is evaluated in O(1) from the tours' cached arc lengths, prefix
//! distances and prefix loads; applying it rebuilds the one or two tours it touches.
//!
//! The operators ([`Relocate`], [`Swap`], [`TwoOpt`], [`Tails`] = 2-opt*, and optionally
//! [`SwapStar`] between whole tours) handle capacity and distance costs, and on *timed*
//! problems (binding windows, shift ends, per-time costs: [`crate::routing::compiled::Compiled::timed`])
//! also the hard windows, service times, shift ends and the per-time cost of the route's
//! duration, waiting included (issue 20): [`timing`] prices the prefix, the few moved
//! stops and the tail of every candidate tour from cached forward departures and backward
//! rest data, exactly (the proptests compare every evaluation with a rebuild of the tours,
//! both ways: no feasible move priced infeasible, no infeasible one priced feasible). Moves
//! between tours stay O(1); moves inside one tour and 2-opt's reversed stretch are
//! simulated over the stretch between the two stops. SWAP* stays distance-only and declines
//! timed problems. Whether the search runs is
//! [`crate::routing::SolverConfig::local_search_from`] (untimed) and
//! [`crate::routing::SolverConfig::local_search_windows_from`] (timed): see
//! docs/benchmarks.md, "City-scale routing", for the measurements behind the defaults. On
//! timed problems the default is also 2,000 stops: after every recreate on Solomon and
//! Gehring-Homberger 100-400 customers at 30 s (2 seeds) it cost vehicles on RC101, R1_2_1
//! and R1_4_1 and gained none ("Granular local search under time windows").
//!
//! Or-opt (a string of 2-3 stops moved next to a neighbour, also reversed, priced in O(1)
//! from prefix distances and loads) was built and measured, and left out: on Leuven2 at
//! 60 s on one thread it cut the iterations from 164,560 to 93,003 (twelve placements
//! priced per pair) and ended at 116,337 instead of 115,359 (docs/benchmarks.md, "City-scale
//! routing"). Relocate and 2-opt* already reach most of what it moves.
//!
//! SWAP* ([`SwapStar`], Vidal 2022: two stops of tours with overlapping polar sectors
//! exchanged, each at its best place in the other tour, from the top-3 insertion positions
//! cached per tour content) is built, exact (the proptests compare every applied exchange
//! with its evaluated delta and the evaluator with a brute force), and **off by default**
//! ([`crate::routing::search::SwapStarUse`]), because it did not pay on the Belgium
//! instances at 60 s on one thread (docs/benchmarks.md, "SWAP*"):
//! - over every pair of stops of two tours, as in the paper, one pair of tours costs
//!   O(|A| |B|) (about 7,500 stop pairs on Leuven2's 87-stop tours): after every
//!   ruin-and-recreate that left 24 iterations in 8 s instead of 15,181, and even on new
//!   best plans only (plus once on the first plan, 2.8 s) 869;
//! - over a stop and its 10 nearest neighbours in the other tour after every
//!   ruin-and-recreate it cut the iterations 2.7-4.6 fold and ended 0.6-1.1 % worse on
//!   Leuven2 and Antwerp2;
//! - on new best plans only, with the 10 nearest neighbours, the iterations stayed about
//!   the same and the results moved within the seed-to-seed spread (Leuven2 0.1-0.3 %
//!   better, Antwerp2 0.1-0.3 % worse, Ghent2 0.07 % better and 0.15 % worse).
//!
//! SWAP* needs coordinates for the sectors and reads them from planar arcs, so it stays off
//! below [`crate::routing::DENSE_UP_TO`] locations (the decomposition's sub-problems
//! included) and for explicit matrices.

mod relocate;
mod swap;
mod swap_star;
mod tails;
mod timing;
mod two_opt;

pub(crate) use relocate::Relocate;
pub(crate) use swap::Swap;
pub(crate) use swap_star::SwapStar;
pub(crate) use tails::Tails;
pub(crate) use two_opt::TwoOpt;

use crate::routing::env::Env;
use crate::routing::plan::{NONE, Plan};

/// Smallest cost decrease that counts as an improvement (costs are integer multiples of the
/// per-distance rates, so anything real is far larger).
const EPS: f64 = 1e-6;

/// A stop with where it sits: tour index and index in the tour's `stops`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub stop: u32,
    pub tour: usize,
    pub at: usize,
}

impl Pos {
    /// Where `stop` is in `plan`, if it is in a tour.
    pub fn of(plan: &Plan, stop: u32) -> Option<Self> {
        plan.position(stop).map(|(tour, at)| Pos { stop, tour, at })
    }
}

/// A local search move on a pair of stops: `u` and one of its neighbours `v`.
pub(crate) trait Operator {
    /// The cost change of the move (negative improves), `None` when it does not apply or
    /// breaks a constraint. Pure.
    fn evaluate(&self, env: &Env<'_>, plan: &Plan, u: Pos, v: Pos) -> Option<f64>;
    /// Performs the move [`Operator::evaluate`] priced.
    fn apply(&self, env: &Env<'_>, plan: &mut Plan, u: Pos, v: Pos);
}

/// The driver: a work list of stops, first improvement over the operators.
#[derive(Debug)]
pub(crate) struct LocalSearch {
    granular: usize,
    symmetric: bool,
    queued: Vec<bool>,
    stack: Vec<u32>,
    /// SWAP* between tours, when on and the problem has coordinates.
    star: Option<SwapStar>,
    /// Whether [`LocalSearch::run`] ends with SWAP* on the tours it changed (else only
    /// [`LocalSearch::polish`] uses it).
    star_every_run: bool,
    /// Tours changed since SWAP* last searched them (by index; stable until `drop_empty`).
    dirty: Vec<bool>,
    dirty_list: Vec<usize>,
    /// Moves evaluated so far.
    pub evaluations: u64,
    /// Moves applied so far.
    pub applied: u64,
}

impl LocalSearch {
    /// A local search over `granular` neighbours per stop.
    pub fn new(env: &Env<'_>, granular: usize) -> Self {
        let c = env.c;
        let symmetric = (0..c.n).all(|i| {
            env.neighbours[i].iter().all(|&j| {
                let (a, b) = (c.loc[i], c.loc[j as usize]);
                c.d(a, b) == c.d(b, a)
            })
        });
        LocalSearch {
            granular,
            symmetric,
            queued: vec![false; c.n],
            stack: Vec::new(),
            star: None,
            star_every_run: false,
            dirty: Vec::new(),
            dirty_list: Vec::new(),
            evaluations: 0,
            applied: 0,
        }
    }

    /// Adds SWAP* ([`SwapStar`], over all pairs of stops of two tours when `near == 0`,
    /// else over a stop and its `near` nearest neighbours): after every
    /// [`LocalSearch::run`] when `every_run`, else only in [`LocalSearch::polish`]. Without
    /// coordinates it stays off.
    pub fn with_swap_star(mut self, env: &Env<'_>, near: usize, every_run: bool) -> Self {
        self.star = SwapStar::new(env, near);
        self.star_every_run = every_run;
        self
    }

    /// SWAP* exchanges evaluated and applied so far.
    pub fn swap_star_counts(&self) -> (u64, u64) {
        self.star.as_ref().map_or((0, 0), |s| (s.evaluations, s.applied))
    }

    fn mark(&mut self, tour: usize) {
        if let Some(d) = self.dirty.get_mut(tour)
            && !*d
        {
            *d = true;
            self.dirty_list.push(tour);
        }
    }

    fn push(&mut self, s: u32) {
        if s != NONE && !self.queued[s as usize] {
            self.queued[s as usize] = true;
            self.stack.push(s);
        }
    }

    /// The stops before and after `stop` in its tour (and itself).
    fn push_around(&mut self, plan: &Plan, stop: u32) {
        self.push(stop);
        if let Some(p) = Pos::of(plan, stop) {
            let stops = &plan.tours[p.tour].stops;
            if p.at > 0 {
                self.push(stops[p.at - 1]);
            }
            if let Some(&s) = stops.get(p.at + 1) {
                self.push(s);
            }
        }
    }

    /// Improves `plan` by moves around `seeds` until none improves (then, when SWAP* runs
    /// every run, by exchanges between the tours that changed and the tours whose sectors
    /// overlap theirs, and moves around those, until neither improves); drops emptied tours.
    ///
    /// # Complexity
    /// O(granular) evaluations per queued stop, O(len) per applied move; SWAP* adds
    /// O(|A| |B|) per pair of overlapping tours of which one changed.
    pub fn run(&mut self, env: &Env<'_>, plan: &mut Plan, seeds: impl IntoIterator<Item = u32>) {
        self.dirty.clear();
        self.dirty.resize(plan.tours.len(), false);
        self.dirty_list.clear();
        for s in seeds {
            self.push(s);
            if let Some(p) = Pos::of(plan, s) {
                self.mark(p.tour);
            }
        }
        let every = self.star_every_run;
        self.improve(env, plan, every);
        plan.drop_empty();
    }

    /// SWAP* over every pair of overlapping tours (pairs whose contents were searched
    /// before are skipped), with the granular moves around each exchange, until neither
    /// improves; drops emptied tours. Does nothing without SWAP*.
    pub fn polish(&mut self, env: &Env<'_>, plan: &mut Plan) {
        if self.star.is_none() {
            return;
        }
        self.dirty.clear();
        self.dirty.resize(plan.tours.len(), false);
        self.dirty_list.clear();
        for t in (0..plan.tours.len()).rev() {
            self.mark(t);
        }
        self.improve(env, plan, true);
        plan.drop_empty();
    }

    /// Granular descent, then (with `star`) one SWAP* exchange at a time followed by the
    /// descent around it, until neither finds an improvement.
    fn improve(&mut self, env: &Env<'_>, plan: &mut Plan, star: bool) {
        loop {
            self.descend(env, plan);
            if !star {
                return;
            }
            let Some(m) = self.best_exchange(env, plan) else { return };
            let (u, v) = (plan.tours[m.a].stops[m.u_at], plan.tours[m.b].stops[m.v_at]);
            self.push_around(plan, u);
            self.push_around(plan, v);
            if let Some(s) = self.star.as_mut() {
                s.apply(env, plan, &m);
            }
            self.push_around(plan, u);
            self.push_around(plan, v);
            self.mark(m.a);
            self.mark(m.b);
        }
    }

    /// The best SWAP* exchange of the first dirty tour that has one, against the tours whose
    /// sectors overlap its own (dirty tours not yet searched are left for their own turn).
    fn best_exchange(&mut self, env: &Env<'_>, plan: &Plan) -> Option<swap_star::Exchange> {
        let star = self.star.as_mut()?;
        if self.dirty_list.is_empty() {
            return None;
        }
        let sectors = star.sectors(env, plan);
        while let Some(a) = self.dirty_list.pop() {
            self.dirty[a] = false;
            let Some(sa) = sectors.get(a) else { continue };
            let mut best: Option<swap_star::Exchange> = None;
            for (b, sb) in sectors.iter().enumerate() {
                if b == a || self.dirty[b] || !sa.overlaps(sb) {
                    continue;
                }
                if let Some(m) = star.evaluate(env, plan, a, b)
                    && best.is_none_or(|x| m.delta < x.delta)
                {
                    best = Some(m);
                }
            }
            if best.is_some() {
                return best;
            }
        }
        None
    }

    /// The granular moves: first improvement over the operators, stop by stop off the work
    /// list, until it is empty.
    fn descend(&mut self, env: &Env<'_>, plan: &mut Plan) {
        let (relocate, swap, tails, two_opt) = (Relocate, Swap, Tails, TwoOpt);
        let mut ops: Vec<&dyn Operator> = vec![&relocate, &swap, &tails];
        if self.symmetric {
            ops.push(&two_opt);
        }
        while let Some(u) = self.stack.pop() {
            self.queued[u as usize] = false;
            let Some(pu) = Pos::of(plan, u) else { continue };
            let mut done: Option<(&dyn Operator, Pos, Option<[u32; 6]>)> = None;
            'pairs: for &v in env.neighbours[u as usize].iter().take(self.granular) {
                let Some(pv) = Pos::of(plan, v) else { continue };
                let breaks = env.c.any_breaks
                    && [pu.tour, pv.tour].iter().any(|&t| env.c.breaks(plan.tours[t].kind));
                for &op in &ops {
                    self.evaluations += 1;
                    if op.evaluate(env, plan, pu, pv).is_some_and(|d| d < -EPS) {
                        let mut before = None;
                        if breaks {
                            before = Some(neighbourhood(plan, pu, pv));
                            if !confirmed(env, plan, op, pu, pv) {
                                continue;
                            }
                        }
                        done = Some((op, pv, before));
                        break 'pairs;
                    }
                }
            }
            let Some((op, pv, confirmed_from)) = done else { continue };
            if let Some(before) = confirmed_from {
                // Applied by `confirmed`: queue the stops that were around u and v then.
                before.into_iter().for_each(|s| self.push(s));
            } else {
                self.push_around(plan, u);
                self.push_around(plan, pv.stop);
                op.apply(env, plan, pu, pv);
            }
            self.applied += 1;
            self.mark(pu.tour);
            self.mark(pv.tour);
            self.push_around(plan, u);
            self.push_around(plan, pv.stop);
        }
    }
}

/// `u`, `v` and the stops before and after each ([`NONE`] where there is none).
fn neighbourhood(plan: &Plan, u: Pos, v: Pos) -> [u32; 6] {
    let mut out = [NONE; 6];
    for (k, p) in [u, v].into_iter().enumerate() {
        let stops = &plan.tours[p.tour].stops;
        out[3 * k] = p.stop;
        if p.at > 0 {
            out[3 * k + 1] = stops[p.at - 1];
        }
        out[3 * k + 2] = stops.get(p.at + 1).copied().unwrap_or(NONE);
    }
    out
}

/// Applies a move between tours of which one takes breaks, that the break-free evaluation
/// priced as improving, and keeps it only if the real tours (breaks placed,
/// [`crate::routing::break_schedule`]) are feasible and cheaper; else puts the tours back.
/// O(len x breaks^2).
fn confirmed(env: &Env<'_>, plan: &mut Plan, op: &dyn Operator, u: Pos, v: Pos) -> bool {
    let cost = |plan: &Plan, t: usize| {
        let tour = &plan.tours[t];
        if tour.stops.is_empty() { 0.0 } else { tour.cost }
    };
    let pair =
        |plan: &Plan| cost(plan, u.tour) + if u.tour == v.tour { 0.0 } else { cost(plan, v.tour) };
    let (was_u, was_v) = (plan.tours[u.tour].clone(), plan.tours[v.tour].clone());
    let before = pair(plan);
    op.apply(env, plan, u, v);
    let feasible = [u.tour, v.tour].iter().all(|&t| plan.tours[t].is_feasible(env.c));
    if feasible && pair(plan) < before - EPS {
        return true;
    }
    plan.tours[u.tour] = was_u;
    plan.tours[v.tour] = was_v;
    plan.reindex(u.tour);
    plan.reindex(v.tour);
    false
}

/// The location of the stop at `at`, and those before and after it (depots at the ends).
#[inline]
pub(crate) fn around(plan: &Plan, p: Pos) -> (u32, u32, u32) {
    let l = &plan.tours[p.tour].locs;
    (l[p.at], l[p.at + 1], l[p.at + 2])
}

/// Cost change of tour `t` when its distance changes by `dd`.
#[inline]
pub(crate) fn priced(env: &Env<'_>, plan: &Plan, t: usize, dd: i64) -> f64 {
    env.c.kinds[plan.tours[t].kind as usize].per_dist * dd as f64
}

#[cfg(test)]
mod tests;
