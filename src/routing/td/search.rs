//! The time-dependent solver: SISR ruin-and-recreate (string removals, greedy insertion
//! with blinks) under simulated annealing, as the static solver ([`crate::routing::search`]),
//! on tours whose schedules follow the departure time of every arc.
//!
//! # Why a search of its own
//! The static solver's insertion and local-search checks are O(1) because a tour caches
//! forward departures and backward slack *in one fixed matrix* (max-plus algebra over
//! constant arc times); none of that survives time-dependent travel times, and threading a
//! second arc model through its construction, recreate, local search and decomposition would
//! touch every file of it. Here the same two operators work on [`Tour`]s that cache the
//! time-dependent quantities instead, and the static solver is left exactly as it was.
//!
//! # Insertion under FIFO
//! A tour caches its earliest departure from every position (leaving the depot at its ready
//! time) and the latest arrival at every position that keeps the rest feasible
//! ([`crate::routing::td::schedule::latest_arrivals`]). Under FIFO, inserting `u` between
//! positions `p` and `p + 1` is feasible iff, leaving `p` at its earliest departure, `u` is
//! reached by its due time and `p + 1` by its latest arrival: an exact O(1) test (plus the
//! zones crossed). The cost of a feasible insertion is the change of the tour's *best*
//! duration over its departure time ([`crate::routing::td::schedule::best_timing`]), which
//! the insertion alone does not give; it is computed exactly for the
//! [`TdConfig::exact_positions`] positions with the smallest estimated detour (the extra
//! arrival time at `p + 1`), and for all of them when that is larger than the tour count
//! times the positions (the default on the Dabia sizes).
//!
//! From [`TdConfig::near_tours_from`] customers up (500; never on the Dabia sizes, whose
//! results it therefore leaves alone) a customer is offered only to the tours that hold one
//! of its nearest neighbours: on the generated 1,000-stop day the scan over every tour and
//! position was 75 % of the time (perf), see docs/benchmarks.md, "Time-dependent routing".

use crate::context::SolveContext;
use crate::routing::td::instance::{TIME_EPS, TdInstance};
use crate::routing::td::schedule::{
    Scratch, Timing, best_timing, earliest_departures, latest_arrivals,
};
use crate::routing::td::solution::{TdRoute, TdSolution};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64Mcg;

/// Iterations when neither a deadline nor `max_iterations` bounds the search.
const DEFAULT_ITERATIONS: u64 = 20_000;
/// Neighbours per customer kept for the string removals.
const NEIGHBOURS: usize = 64;

/// Tuning of the time-dependent search.
#[derive(Debug, Clone, PartialEq)]
pub struct TdConfig {
    /// Stop after this many iterations (reproducible for a seed).
    pub max_iterations: Option<u64>,
    /// Average number of customers a ruin removes.
    pub avg_removed: f64,
    /// Longest removed string.
    pub max_string: f64,
    /// Probability to skip an insertion position.
    pub blink_rate: f64,
    /// Start temperature as a fraction of the first plan's mean duration per customer.
    pub t_start: f64,
    /// End temperature, likewise.
    pub t_end: f64,
    /// Insertion positions priced exactly per customer (the others are ranked by their
    /// estimated detour); see the module docs.
    pub exact_positions: usize,
    /// From this many customers up, a customer is offered only to the tours that hold one
    /// of its [`TdConfig::near_tours`] nearest neighbours (and a new tour), as the static
    /// solver restricts insertion at city scale; below it, to every tour (the Dabia sizes).
    pub near_tours_from: usize,
    /// See [`TdConfig::near_tours_from`].
    pub near_tours: usize,
}

impl Default for TdConfig {
    fn default() -> Self {
        Self {
            max_iterations: None,
            avg_removed: 10.0,
            max_string: 10.0,
            blink_rate: 0.01,
            t_start: 0.1,
            t_end: 0.001,
            exact_positions: 64,
            near_tours_from: 500,
            near_tours: 16,
        }
    }
}

/// One route with the data insertion checks read.
#[derive(Debug, Clone, Default)]
struct Tour {
    stops: Vec<u32>,
    load: i64,
    /// Earliest departure from positions `0..=len`.
    depart: Vec<f64>,
    /// Latest arrival at positions `0..=len + 1` (0: the latest depot departure).
    latest: Vec<f64>,
    timing: Option<Timing>,
}

impl Tour {
    fn refresh(&mut self, inst: &TdInstance, scratch: &mut Scratch) {
        self.load = self.stops.iter().map(|&s| inst.demand[s as usize]).sum();
        let ok = earliest_departures(inst, &self.stops, &mut self.depart);
        latest_arrivals(inst, &self.stops, &mut self.latest);
        self.timing = if ok { best_timing(inst, &self.stops, scratch) } else { None };
    }

    fn duration(&self) -> f64 {
        self.timing.map_or(f64::INFINITY, |t| t.duration)
    }

    fn node(&self, inst: &TdInstance, k: usize) -> u32 {
        if k == 0 {
            0
        } else if k <= self.stops.len() {
            self.stops[k - 1]
        } else {
            inst.end()
        }
    }
}

/// A plan: tours and the customers left out.
#[derive(Debug, Clone, Default)]
struct Plan {
    tours: Vec<Tour>,
    unserved: Vec<u32>,
}

/// What a search state costs: durations plus a penalty per customer left out.
fn cost(plan: &Plan, penalty: f64) -> f64 {
    plan.tours.iter().map(Tour::duration).sum::<f64>() + penalty * plan.unserved.len() as f64
}

/// The search's view of the instance and its reused buffers.
struct Search<'a> {
    inst: &'a TdInstance,
    config: &'a TdConfig,
    neighbours: Vec<Vec<u32>>,
    /// Whether a route serving the customer alone is feasible: those that fail it are left
    /// out and not tried again (on the generated 1,000-stop day 58 of them took most of an
    /// iteration's insertion scans).
    alone: Vec<bool>,
    penalty: f64,
    scratch: Scratch,
    trial: Vec<u32>,
    candidates: Vec<(f64, usize, usize)>,
    /// The tour of each customer during a recreate (`u32::MAX`: none), with
    /// [`TdConfig::near_tours_from`].
    tour_of: Vec<u32>,
    /// The tours offered to the customer being inserted.
    offered: Vec<usize>,
}

/// Counters of a time-dependent solve.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TdStats {
    /// Ruin-and-recreate iterations.
    pub iterations: u64,
}

/// Solves `inst` within `ctx`'s deadline (or `config.max_iterations`).
///
/// Customers that no route can serve alone (a window no departure reaches) are left out of
/// the plan; the checker reports them.
pub fn solve(inst: &TdInstance, config: &TdConfig, ctx: &SolveContext) -> (TdSolution, TdStats) {
    let mut rng = ctx.rng(0);
    let mut search = Search::new(inst, config);
    let mut current = search.first_plan(&mut rng);
    let mut current_cost = cost(&current, search.penalty);
    let mut best = current.clone();
    let mut best_cost = current_cost;
    let n = inst.customers().max(1);
    let per_customer = (current_cost.min(search.penalty * n as f64) / n as f64).max(1e-9);
    let (t_start, t_end) = (config.t_start * per_customer, config.t_end * per_customer);
    let seconds = ctx.remaining().map(|d| d.as_secs_f64().max(1e-9));
    let budget = match (config.max_iterations, seconds) {
        (Some(k), _) => Some(k.max(1)),
        (None, None) => Some(DEFAULT_ITERATIONS),
        (None, Some(_)) => None,
    };
    let mut candidate = Plan::default();
    let mut iterations = 0u64;
    if inst.customers() > 1 {
        loop {
            if ctx.should_stop() || budget.is_some_and(|b| iterations >= b) {
                break;
            }
            let used = match (budget, seconds) {
                (Some(b), _) => iterations as f64 / b as f64,
                (None, Some(s)) => ctx.remaining().map_or(1.0, |r| 1.0 - r.as_secs_f64() / s),
                (None, None) => 1.0,
            };
            let temperature = t_start * (t_end / t_start).powf(used.clamp(0.0, 1.0));
            candidate.clone_from(&current);
            search.ruin(&mut candidate, &mut rng);
            search.recreate(&mut candidate, &mut rng);
            let c = cost(&candidate, search.penalty);
            let threshold = current_cost - temperature * rng.random::<f64>().max(1e-300).ln();
            if c < threshold {
                std::mem::swap(&mut current, &mut candidate);
                current_cost = c;
                if c < best_cost - 1e-9 {
                    best.clone_from(&current);
                    best_cost = c;
                }
            }
            iterations += 1;
        }
    }
    (search.solution(&best), TdStats { iterations })
}

impl<'a> Search<'a> {
    fn new(inst: &'a TdInstance, config: &'a TdConfig) -> Self {
        let n = inst.customers();
        let sym = |a: u32, b: u32| {
            let (x, y) = (inst.distance(a, b), inst.distance(b, a));
            if x.is_finite() && y.is_finite() { 0.5 * (x + y) } else { x.min(y) }
        };
        let neighbours = (1..=n as u32)
            .map(|c| {
                let mut others: Vec<u32> = (1..=n as u32).filter(|&o| o != c).collect();
                others.sort_by(|&a, &b| sym(c, a).total_cmp(&sym(c, b)).then(a.cmp(&b)));
                others.truncate(NEIGHBOURS);
                others
            })
            .collect();
        // More than any route can last: leaving a customer out never pays.
        let day = inst.due[inst.end() as usize] - inst.ready[0];
        let penalty = 10.0 * day.max(1.0) + inst.service.iter().sum::<f64>();
        let mut scratch = Scratch::default();
        let mut alone = vec![false];
        alone.extend((1..=n as u32).map(|c| {
            inst.demand[c as usize] <= inst.capacity
                && best_timing(inst, &[c], &mut scratch).is_some()
        }));
        Search {
            inst,
            config,
            neighbours,
            alone,
            penalty,
            scratch,
            trial: Vec::new(),
            candidates: Vec::new(),
            tour_of: Vec::new(),
            offered: Vec::new(),
        }
    }

    fn first_plan(&mut self, rng: &mut Pcg64Mcg) -> Plan {
        let mut plan =
            Plan { tours: Vec::new(), unserved: (1..=self.inst.customers() as u32).collect() };
        // Most constrained first: by due time.
        let inst = self.inst;
        plan.unserved.sort_by(|&a, &b| inst.due[a as usize].total_cmp(&inst.due[b as usize]));
        self.insert_all(&mut plan, rng, 0.0);
        plan
    }

    /// SISR string removal: strings of customers from tours near a random seed customer.
    fn ruin(&mut self, plan: &mut Plan, rng: &mut Pcg64Mcg) {
        let served: usize = plan.tours.iter().map(|t| t.stops.len()).sum();
        if served == 0 || plan.tours.is_empty() {
            return;
        }
        let avg_len = served as f64 / plan.tours.len() as f64;
        let l_max = self.config.max_string.min(avg_len).max(1.0);
        let k_max = (4.0 * self.config.avg_removed / (1.0 + l_max) - 1.0).max(1.0);
        let strings = rng.random_range(1..=k_max.floor() as usize);
        let seed = rng.random_range(1..=self.inst.customers() as u32);
        let mut ruined: Vec<usize> = Vec::new();
        let order = std::iter::once(seed).chain(self.neighbours[seed as usize - 1].iter().copied());
        for c in order {
            if ruined.len() >= strings {
                break;
            }
            let Some((t, at)) =
                plan.tours.iter().enumerate().find_map(|(t, tour)| {
                    tour.stops.iter().position(|&s| s == c).map(|at| (t, at))
                })
            else {
                continue;
            };
            if ruined.contains(&t) {
                continue;
            }
            let len = plan.tours[t].stops.len();
            let cap = (l_max.min(len as f64)).floor().max(1.0) as usize;
            let l = rng.random_range(1..=cap);
            let lo = at.saturating_sub(rng.random_range(0..l)).min(len - l);
            let removed: Vec<u32> = plan.tours[t].stops.drain(lo..lo + l).collect();
            plan.unserved.extend(removed);
            ruined.push(t);
        }
        for &t in &ruined {
            plan.tours[t].refresh(self.inst, &mut self.scratch);
        }
        plan.tours.retain(|t| !t.stops.is_empty());
    }

    /// Greedy insertion with blinks, in one of SISR's orders.
    fn recreate(&mut self, plan: &mut Plan, rng: &mut Pcg64Mcg) {
        let inst = self.inst;
        let by = |key: &dyn Fn(u32) -> f64, list: &mut [u32]| {
            list.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
        };
        let far = |s: u32| -inst.distance(0, s);
        match rng.random_range(0..11) {
            0..=3 => plan.unserved.shuffle(rng),
            4..=7 => by(&|s| -(inst.demand[s as usize] as f64), &mut plan.unserved),
            8..=9 => by(&far, &mut plan.unserved),
            _ => by(&|s| inst.distance(0, s), &mut plan.unserved),
        }
        let blink = self.config.blink_rate;
        self.insert_all(plan, rng, blink);
    }

    /// Inserts every unserved customer, in order, at its cheapest feasible position (or in a
    /// new tour); those that fit nowhere stay unserved.
    fn insert_all(&mut self, plan: &mut Plan, rng: &mut Pcg64Mcg, blink: f64) {
        let pending = std::mem::take(&mut plan.unserved);
        let near = self.inst.customers() >= self.config.near_tours_from;
        if near {
            self.tour_of.clear();
            self.tour_of.resize(self.inst.vertices, u32::MAX);
            for (t, tour) in plan.tours.iter().enumerate() {
                for &s in &tour.stops {
                    self.tour_of[s as usize] = t as u32;
                }
            }
        }
        for u in pending {
            if !self.alone[u as usize] {
                plan.unserved.push(u);
                continue;
            }
            self.offered.clear();
            if near {
                let k = self.config.near_tours;
                for &v in self.neighbours[u as usize - 1].iter().take(k) {
                    let t = self.tour_of[v as usize];
                    if t != u32::MAX && !self.offered.contains(&(t as usize)) {
                        self.offered.push(t as usize);
                    }
                }
            } else {
                self.offered.extend(0..plan.tours.len());
            }
            match self.best_insertion(plan, u, rng, blink) {
                Some((tour, at)) => {
                    if near {
                        self.tour_of[u as usize] = tour as u32;
                    }
                    if tour == plan.tours.len() {
                        plan.tours.push(Tour { stops: vec![u], ..Tour::default() });
                    } else {
                        plan.tours[tour].stops.insert(at, u);
                    }
                    plan.tours[tour].refresh(self.inst, &mut self.scratch);
                }
                None => plan.unserved.push(u),
            }
        }
    }

    /// The cheapest feasible `(tour, index in stops)` for `u`; `tour == tours.len()` opens a
    /// new tour.
    fn best_insertion(
        &mut self,
        plan: &Plan,
        u: u32,
        rng: &mut Pcg64Mcg,
        blink: f64,
    ) -> Option<(usize, usize)> {
        let inst = self.inst;
        let us = u as usize;
        self.candidates.clear();
        for &t in &self.offered {
            let tour = &plan.tours[t];
            if tour.load + inst.demand[us] > inst.capacity || tour.timing.is_none() {
                continue;
            }
            for p in 0..=tour.stops.len() {
                if blink > 0.0 && rng.random::<f64>() < blink {
                    continue;
                }
                let (prev, next) = (tour.node(inst, p), tour.node(inst, p + 1));
                let a = inst.arrival(prev, u, tour.depart[p]);
                if a > inst.due[us] + TIME_EPS {
                    continue;
                }
                let b = inst.arrival(u, next, a.max(inst.ready[us]) + inst.service[us]);
                if b > tour.latest[p + 1] + TIME_EPS {
                    continue;
                }
                let before = inst.arrival(prev, next, tour.depart[p]);
                let detour = b - if before.is_finite() { before } else { tour.depart[p] };
                self.candidates.push((detour, t, p));
            }
        }
        let k = self.config.exact_positions.max(1);
        if self.candidates.len() > k {
            self.candidates.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0));
            self.candidates.truncate(k);
        }
        let mut best: Option<(f64, usize, usize)> = None;
        if plan.tours.len() < inst.max_routes
            && inst.demand[us] <= inst.capacity
            && let Some(t) = best_timing(inst, &[u], &mut self.scratch)
        {
            best = Some((t.duration, plan.tours.len(), 0));
        }
        let candidates = std::mem::take(&mut self.candidates);
        for &(_, t, p) in &candidates {
            let tour = &plan.tours[t];
            self.trial.clear();
            self.trial.extend_from_slice(&tour.stops[..p]);
            self.trial.push(u);
            self.trial.extend_from_slice(&tour.stops[p..]);
            let Some(timing) = best_timing(inst, &self.trial, &mut self.scratch) else { continue };
            let delta = timing.duration - tour.duration();
            if best.is_none_or(|b| delta < b.0) {
                best = Some((delta, t, p));
            }
        }
        self.candidates = candidates;
        best.map(|(_, t, p)| (t, p))
    }

    fn solution(&self, plan: &Plan) -> TdSolution {
        let end = self.inst.end() as usize;
        let routes: Vec<TdRoute> = plan
            .tours
            .iter()
            .filter_map(|t| {
                let timing = t.timing?;
                let mut path = Vec::with_capacity(t.stops.len() + 2);
                path.push(0);
                path.extend(t.stops.iter().map(|&s| s as usize));
                path.push(end);
                Some(TdRoute { path, t0: timing.t0, duration: timing.duration })
            })
            .collect();
        let value = routes.iter().map(|r| r.duration).sum();
        TdSolution { instance_name: self.inst.name.clone(), routes, value }
    }
}
