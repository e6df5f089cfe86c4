//! The solver: SISR ruin-and-recreate under simulated annealing, with a fleet-minimisation
//! phase when vehicles count first.
//!
//! # Why this method
//! We chose Slack Induction by String Removals (Christiaens and Vanden Berghe, 2020) over a
//! hybrid genetic search (Vidal's HGS, PyVRP): SISR reaches about 1-2 % of the best-known
//! CVRP costs on the X set, handles time windows, several depots and a mixed fleet with
//! the *same* two operators (string removal, greedy insertion with blinks), and needs only
//! one O(1) feasibility check, the insertion of one stop between two positions using
//! forward departure times and backward latest arrivals. HGS needs a population, a
//! crossover, penalised infeasible solutions and a dozen move evaluators to be as general;
//! for a product whose model will keep growing (skills, breaks, pickups), SISR's small
//! surface is worth more. Its weakness, iteration speed on large instances, is addressed by
//! cached tour data, buffer reuse (plans are copied with `clone_from`) and no allocation in
//! the insertion loop.
//!
//! # Flow
//! 1. Savings (plain CVRP) or cheapest insertion (everything else) builds a first plan.
//! 2. With [`crate::routing::Objective::vehicles_first`], fleet minimisation (SISR paper,
//!    section 6): remove a whole tour, then ruin-and-recreate without opening tours,
//!    accepting a candidate when it leaves fewer stops out or stops that were out less
//!    often (absence counts), until all are served; repeat with the next tour. It stops
//!    at `fleet_share` of the budget, or earlier after `fleet_patience` without a success.
//! 3. Simulated annealing: accept a candidate when `cost < current - T ln U`, with `T`
//!    decreasing exponentially from `t_start` to `t_end` (scaled by the mean arc cost of
//!    the first plan, so the same setting fits any unit and size) over the budget.
//!
//! The deadline is checked every iteration through the [`SolveContext`]; the best plan
//! found so far is returned. How the threads share the work (independent searches, or one
//! plan improved together by [`crate::routing::decompose`]) is decided by
//! [`crate::routing::solve`], which calls this search.

use crate::context::{Interrupted, SolveContext};
use crate::routing::compiled::Compiled;
use crate::routing::construct::{cheapest_insertion_until, savings};
use crate::routing::env::Env;
use crate::routing::local::LocalSearch;
use crate::routing::plan::Plan;
use crate::routing::recreate::{GreedyBlinks, Recreate};
use crate::routing::ruin::{Ruin, Strings, WholeRoute};
use crate::routing::solution::StopReason;
use rand::Rng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Iterations used when neither a deadline nor `max_iterations` bounds the search.
const DEFAULT_ITERATIONS: u64 = 20_000;

/// Tuning of the search. Defaults were tuned on the CVRP and VRPTW families, not on single
/// files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SolverConfig {
    /// Stop after this many iterations (per worker). With it the annealing schedule
    /// follows iterations, not the clock, so a run is reproducible for a seed whatever the
    /// machine load (as long as the deadline does not cut it short).
    pub max_iterations: Option<u64>,
    /// Average number of stops a ruin removes.
    pub avg_removed: f64,
    /// Longest removed string.
    pub max_string: f64,
    /// Probability to skip an insertion position.
    pub blink_rate: f64,
    /// Start temperature as a fraction of the mean arc cost of the first plan.
    pub t_start: f64,
    /// Start temperature when the granular local search runs after every recreate (city
    /// mode): its candidates are local optima, whose costs differ more from the current
    /// plan's, so the annealing needs a hotter start to keep moving. Measured on Leuven2,
    /// Antwerp2 and Ghent2 at 40,000 iterations, two seeds: 3.0 beat 1.0 in all six
    /// pairs, by 0.23-0.84 % (docs/benchmarks.md, "Start temperature in city mode").
    pub city_t_start: f64,
    /// End temperature as a fraction of the mean arc cost of the first plan.
    pub t_end: f64,
    /// Largest share of the budget spent minimising the fleet when vehicles count first.
    pub fleet_share: f64,
    /// Fleet minimisation also stops after this share of the budget without removing a
    /// vehicle, leaving the time to distance.
    pub fleet_patience: f64,
    /// Most memory the solve may take, in MB (checked before anything large is allocated;
    /// see [`crate::routing::RoutingError::TooLarge`]).
    pub memory_limit_mb: u64,
    /// Early stop: without an iteration limit, once the best plan has not improved for
    /// `stall_factor` times the iterations it took to find it, and for at least a window of
    /// `stall_min_iterations + stall_iterations_per_stop * n
    /// + stall_iterations_per_stop_squared * n^2` iterations (n stops), the annealing cools
    /// to its end temperature over one more window, and the search ends when that cooling
    /// is done and the best has not improved for a window. It is for problems small enough
    /// that the search saturates (a few dozen stops answer in milliseconds, not in their
    /// whole limit). A stall seen while the temperature is still high says little (the
    /// annealing wanders on purpose): with a linear window and no cooling the rule ended
    /// X-n200-k36 at 10 s after 0.6 s, 6 % above the best known, and with cooling but a
    /// linear window it still cost 0.8-1.7 % against running the whole limit on 200-350
    /// stops; the square term keeps it from firing there (docs/benchmarks.md, "Early stop
    /// for small problems only"). `0` turns the early stop off.
    pub stall_factor: f64,
    /// See [`SolverConfig::stall_factor`].
    pub stall_min_iterations: u64,
    /// See [`SolverConfig::stall_factor`].
    pub stall_iterations_per_stop: u64,
    /// See [`SolverConfig::stall_factor`].
    pub stall_iterations_per_stop_squared: u64,
    /// City mode from this many stops up: granular local search ([`crate::routing::local`])
    /// after every recreate (untimed problems; timed ones: `local_search_windows_from`), and
    /// insertion only next to a stop's nearest neighbours. Below it the search is the
    /// plain SISR that was tuned on 100-1,000 stops, with unchanged results.
    pub local_search_from: usize,
    /// The granular local search on timed problems (time windows, shift ends or time costs)
    /// from this many stops up, after every recreate (insertion stays as below
    /// [`SolverConfig::local_search_from`]). See [`crate::routing::local`] for the
    /// measurement behind the default.
    pub local_search_windows_from: usize,
    /// Neighbours per stop the local search pairs it with.
    pub granular: usize,
    /// When the local search also runs SWAP* (exchanges between tours with overlapping
    /// sectors, each stop at its best place in the other tour; city mode on planar
    /// coordinates only). Off by default: on the Belgium instances it did not pay (see
    /// [`crate::routing::local`] and docs/benchmarks.md, "SWAP*").
    pub swap_star: SwapStarUse,
    /// SWAP* pairs: 0 = every stop of one tour with every stop of the other (the paper);
    /// `k` = a stop with those of its `k` nearest neighbours that are in the other tour.
    pub swap_star_near: usize,
    /// Decomposition ([`crate::routing::decompose`]) from this many stops up, when the
    /// solve has at least [`SolverConfig::decompose_threads`] threads: the threads improve
    /// one plan together, each on a group of nearby routes, instead of running
    /// independent searches.
    pub decompose_from: usize,
    /// See [`SolverConfig::decompose_from`].
    pub decompose_threads: usize,
    /// Stops per group of routes a decomposition sub-problem holds (about).
    pub group_stops: usize,
    /// Rounds of decomposition over the budget (each regroups the routes of the best plan).
    pub epochs: u32,
}

impl Default for SolverConfig {
    fn default() -> Self {
        Self {
            max_iterations: None,
            avg_removed: 10.0,
            max_string: 10.0,
            blink_rate: 0.01,
            t_start: 1.0,
            city_t_start: 3.0,
            t_end: 0.01,
            fleet_share: 0.5,
            fleet_patience: 0.25,
            memory_limit_mb: 4096,
            stall_factor: 1.0,
            stall_min_iterations: 1000,
            stall_iterations_per_stop: 200,
            stall_iterations_per_stop_squared: 20,
            local_search_from: 2000,
            local_search_windows_from: 2000,
            granular: 20,
            swap_star: SwapStarUse::default(),
            swap_star_near: 0,
            decompose_from: 2000,
            decompose_threads: 2,
            group_stops: 1000,
            epochs: 20,
        }
    }
}

/// When SWAP* ([`crate::routing::local`]) runs in city mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwapStarUse {
    /// Never.
    #[default]
    Off,
    /// After every ruin-and-recreate's granular moves, between the tours they changed and
    /// the tours whose sectors overlap those.
    EveryIteration,
    /// On the first plan, and on every candidate that beats the best plan so far, between
    /// all tours with overlapping sectors (pairs searched before are skipped).
    NewBest,
}

impl SolverConfig {
    /// Sets an iteration limit (see [`SolverConfig::max_iterations`]).
    pub fn with_max_iterations(mut self, n: u64) -> Self {
        self.max_iterations = Some(n);
        self
    }
}

/// What one worker returns.
pub(crate) struct Outcome {
    pub plan: Plan,
    pub iterations: u64,
    pub reason: StopReason,
}

/// The share of the budget used so far, in [0, 1].
pub(crate) struct Budget {
    pub iterations: Option<u64>,
    pub seconds: Option<f64>,
}

impl Budget {
    pub fn new(config: &SolverConfig, ctx: &SolveContext) -> Self {
        let seconds = ctx.remaining().map(|d| d.as_secs_f64().max(1e-9));
        let iterations = match (config.max_iterations, seconds) {
            (Some(n), _) => Some(n.max(1)),
            (None, None) => Some(DEFAULT_ITERATIONS),
            (None, Some(_)) => None,
        };
        Budget { iterations, seconds }
    }

    pub fn used(&self, ctx: &SolveContext, iteration: u64) -> f64 {
        match (self.iterations, self.seconds) {
            (Some(n), _) => iteration as f64 / n as f64,
            (None, Some(s)) => ctx.remaining().map_or(1.0, |r| 1.0 - r.as_secs_f64() / s),
            (None, None) => 1.0,
        }
    }

    pub fn done(&self, ctx: &SolveContext, iteration: u64) -> bool {
        ctx.should_stop() || self.iterations.is_some_and(|n| iteration >= n)
    }

    /// Why [`Budget::done`] said so.
    pub fn reason(&self, ctx: &SolveContext) -> StopReason {
        match ctx.check() {
            Err(Interrupted::Cancelled) => StopReason::Cancelled,
            Err(Interrupted::Deadline) => StopReason::Deadline,
            _ => StopReason::Iterations,
        }
    }
}

/// The early-stop rule of [`SolverConfig::stall_factor`].
struct Stall {
    factor: f64,
    window: u64,
}

impl Stall {
    fn new(config: &SolverConfig, n: usize) -> Option<Self> {
        (config.max_iterations.is_none() && config.stall_factor > 0.0).then(|| Stall {
            factor: config.stall_factor,
            window: config
                .stall_min_iterations
                .saturating_add(config.stall_iterations_per_stop.saturating_mul(n as u64))
                .saturating_add(
                    config
                        .stall_iterations_per_stop_squared
                        .saturating_mul((n as u64).saturating_mul(n as u64)),
                ),
        })
    }

    /// Whether the search has stalled at `iteration`, the best found at `found`.
    fn stalled(&self, iteration: u64, found: u64) -> bool {
        let idle = iteration - found.min(iteration);
        idle >= self.window && idle as f64 >= self.factor * found as f64
    }

    /// The share of the annealing schedule at `iteration` once cooling began at `began`
    /// from `share`: the rest of the schedule run over one window.
    fn cooled_share(&self, began: u64, share: f64, iteration: u64) -> f64 {
        let done = (iteration.saturating_sub(began)) as f64 / self.window.max(1) as f64;
        share + (1.0 - share) * done.min(1.0)
    }

    /// Whether the search that began cooling at `began` ends at `iteration`: the cooling
    /// is over and the best (found at `found`) has not improved for a window since.
    fn cooled(&self, began: u64, iteration: u64, found: u64) -> bool {
        let since = found.max(began);
        iteration >= began.saturating_add(self.window)
            && iteration.saturating_sub(since) >= self.window
    }
}

/// One independent search; returns its best plan, its iteration count and why it stopped.
pub(crate) fn worker(
    env: &Env<'_>,
    config: &SolverConfig,
    ctx: &SolveContext,
    stream: u64,
) -> Outcome {
    let mut rng = ctx.rng(stream);
    let budget = Budget::new(config, ctx);
    let best = first_plan(env, config, ctx, &mut rng);
    // One stop: cheapest insertion tried every vehicle type alone, which is optimal.
    if env.c.n <= 1 {
        return Outcome { plan: best, iterations: 0, reason: StopReason::Exact };
    }
    let report = Report::new(ctx, stream);
    anneal(env, config, ctx, &budget, &mut rng, best, &report)
}

/// How far past the deadline a first plan may run to serve every stop. A first plan is
/// what a solve with a tiny limit answers, so it is finished even after the deadline (it
/// takes milliseconds below a few thousand stops); only a construction that would overrun
/// by more than this (cheapest insertion on tens of thousands of timed stops) stops early,
/// leaving the stops not yet placed unserved, and so does a cancelled one.
const FIRST_PLAN_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// The first plan: savings when they apply, else cheapest insertion; then, in city mode
/// and before the deadline, the local search over every stop (and SWAP* over every tour
/// when it is on).
pub(crate) fn first_plan(
    env: &Env<'_>,
    config: &SolverConfig,
    ctx: &SolveContext,
    rng: &mut Pcg64Mcg,
) -> Plan {
    let mut plan = match savings(env) {
        Some(mut plan) => {
            // Stops of the tours beyond the fleet (and unreachable ones, which stay out).
            if !plan.unassigned.is_empty() {
                let near_positions = env.c.arcs.queried();
                GreedyBlinks { blink_rate: 0.0, near_positions }
                    .recreate(env, &mut plan, rng, true);
            }
            plan
        }
        None => cheapest_insertion_until(env, rng, &|| {
            ctx.cancel_token().is_cancelled()
                || ctx.overrun().is_some_and(|late| late >= FIRST_PLAN_GRACE)
        }),
    };
    if env.c.n > 1
        && !ctx.should_stop()
        && let Some(mut ls) = local_search(env, config)
    {
        ls.run(env, &mut plan, 0..env.c.n as u32);
        ls.polish(env, &mut plan);
    }
    plan
}

/// The city-mode local search of `config` (with SWAP* as configured), or `None` below
/// [`SolverConfig::local_search_from`] or where it does not apply.
fn local_search(env: &Env<'_>, config: &SolverConfig) -> Option<LocalSearch> {
    let from =
        if env.c.timed { config.local_search_windows_from } else { config.local_search_from };
    // Its moves are not pair-aware, price each tour on its own and in O(1): with shipments,
    // a balanced-routes term (a plan-wide measure) or multi-trip types (whose tours are
    // split into trips) the search is ruin-and-recreate alone.
    if env.c.n < from || env.c.paired() || env.c.balance.is_some() || env.c.multi_trip {
        return None;
    }
    let ls = LocalSearch::new(env, config.granular);
    Some(match config.swap_star {
        SwapStarUse::Off => ls,
        SwapStarUse::EveryIteration => ls.with_swap_star(env, config.swap_star_near, true),
        SwapStarUse::NewBest => ls.with_swap_star(env, config.swap_star_near, false),
    })
}

/// Fleet minimisation (when vehicles count first), then simulated annealing from `start`
/// until `budget` is used; returns the best plan met.
pub(crate) fn anneal(
    env: &Env<'_>,
    config: &SolverConfig,
    ctx: &SolveContext,
    budget: &Budget,
    rng: &mut Pcg64Mcg,
    start: Plan,
    report: &Report<'_>,
) -> Outcome {
    let c = env.c;
    let mut best = start;
    let stall = Stall::new(config, c.n);
    let mut local = local_search(env, config);
    let mut touched: Vec<u32> = Vec::new();
    let ruin = Strings {
        avg_removed: config.avg_removed,
        max_string: config.max_string,
        ..Strings::default()
    };
    let recreate = GreedyBlinks {
        blink_rate: config.blink_rate,
        near_positions: c.n >= config.local_search_from,
    };
    let mut iteration = 0u64;
    if c.vehicle_weight > 0.0 && config.fleet_share > 0.0 {
        let (stop_at, patience) = (config.fleet_share, config.fleet_patience);
        let mut last_success = 0.0;
        iteration += fleet_minimisation(env, &ruin, &recreate, &mut best, rng, |i, success| {
            let used = budget.used(ctx, i);
            if success {
                last_success = used;
            }
            budget.done(ctx, i) || used >= stop_at || used - last_success >= patience
        });
    }
    let mut current = best.clone();
    let mut candidate = best.clone();
    let (mut current_cost, mut best_cost) = (current.cost(c), best.cost(c));
    let scale = arc_cost(c, &best).unwrap_or(c.mean_dist).max(1e-9);
    let t_start = if local.is_some() { config.city_t_start } else { config.t_start };
    let (t0, t1) = (t_start * scale, config.t_end * scale);
    let start_share = budget.used(ctx, iteration);
    let mut found = iteration;
    // Set once the search stalls: (the iteration, the schedule's share then).
    let mut cooling: Option<(u64, f64)> = None;
    let reason = loop {
        if budget.done(ctx, iteration) {
            break budget.reason(ctx);
        }
        let used = budget.used(ctx, iteration);
        let mut share = ((used - start_share) / (1.0 - start_share).max(1e-9)).clamp(0.0, 1.0);
        if let Some(s) = &stall {
            match cooling {
                Some((began, _)) if s.cooled(began, iteration, found) => {
                    break StopReason::Stalled;
                }
                Some((began, from)) => share = share.max(s.cooled_share(began, from, iteration)),
                None if s.stalled(iteration, found) => cooling = Some((iteration, share)),
                None => {}
            }
        }
        report.tick(iteration, used, best_cost / c.scale);
        let temperature = t0 * (t1 / t0).powf(share);
        candidate.clone_from(&current);
        ruin.ruin(env, &mut candidate, rng);
        touched.clear();
        touched.extend_from_slice(&candidate.unassigned);
        recreate.recreate(env, &mut candidate, rng, true);
        if let Some(ls) = local.as_mut() {
            ls.run(env, &mut candidate, touched.iter().copied());
            if config.swap_star == SwapStarUse::NewBest && candidate.cost(c) < best_cost - 1e-9 {
                ls.polish(env, &mut candidate);
            }
        }
        let cost = candidate.cost(c);
        let u: f64 = rng.random::<f64>().max(1e-300);
        if cost < current_cost - temperature * u.ln() {
            std::mem::swap(&mut current, &mut candidate);
            current_cost = cost;
            if cost < best_cost - 1e-9 {
                best.clone_from(&current);
                best_cost = cost;
                found = iteration;
            }
        }
        iteration += 1;
    };
    report.tick(iteration, 1.0, best_cost / c.scale);
    if let Some(ls) = &local {
        let (star_evaluations, star_applied) = ls.swap_star_counts();
        tracing::debug!(
            iterations = iteration,
            evaluations = ls.evaluations,
            applied = ls.applied,
            star_evaluations,
            star_applied,
            "local search"
        );
    }
    Outcome { plan: best, iterations: iteration, reason }
}

/// Progress of the first worker: the share of the budget in thousandths and the best cost
/// so far, every `EVERY` iterations.
pub(crate) struct Report<'a> {
    ctx: Option<&'a SolveContext>,
    done: std::cell::Cell<u64>,
}

impl<'a> Report<'a> {
    const EVERY: u64 = 256;

    /// A report that shows nothing (sub-searches).
    pub fn silent() -> Self {
        Report { ctx: None, done: std::cell::Cell::new(0) }
    }

    pub fn new(ctx: &'a SolveContext, stream: u64) -> Self {
        if stream == 0 {
            ctx.progress().set_total(1000);
        }
        Report { ctx: (stream == 0).then_some(ctx), done: std::cell::Cell::new(0) }
    }

    /// # Units
    /// `best` in the problem's cost unit.
    pub fn tick(&self, iteration: u64, used: f64, best: f64) {
        let Some(ctx) = self.ctx else { return };
        if !iteration.is_multiple_of(Self::EVERY) && used < 1.0 {
            return;
        }
        let now = (used.clamp(0.0, 1.0) * 1000.0) as u64;
        if now > self.done.get() {
            ctx.progress().advance(now - self.done.get());
            self.done.set(now);
        }
        ctx.progress().message(&format!("best {best:.1}"));
    }
}

/// Removes tours one at a time and re-serves their stops with the remaining tours.
/// `best` is replaced whenever a plan with fewer tours serves as many stops.
fn fleet_minimisation(
    env: &Env<'_>,
    ruin: &Strings,
    recreate: &GreedyBlinks,
    best: &mut Plan,
    rng: &mut Pcg64Mcg,
    mut stop: impl FnMut(u64, bool) -> bool,
) -> u64 {
    let c = env.c;
    let lower = lower_bound_tours(c);
    let mut absences = vec![0u64; c.n];
    let absent = |p: &Plan, a: &[u64]| p.unassigned.iter().map(|&s| a[s as usize]).sum::<u64>();
    let target = best.unassigned.len();
    let mut current = best.clone();
    let mut candidate = current.clone();
    let (mut i, mut success) = (0u64, false);
    while !stop(i, std::mem::take(&mut success)) {
        if current.unassigned.len() <= target {
            if current.tours.len() < best.tours.len() {
                best.clone_from(&current);
                success = true;
            }
            if current.tours.len() <= lower {
                break;
            }
            WholeRoute { shortest_rate: 0.5 }.ruin(env, &mut current, rng);
        }
        candidate.clone_from(&current);
        ruin.ruin(env, &mut candidate, rng);
        recreate.recreate(env, &mut candidate, rng, false);
        let (nc, nu) = (candidate.unassigned.len(), current.unassigned.len());
        if nc < nu || absent(&candidate, &absences) < absent(&current, &absences) {
            std::mem::swap(&mut current, &mut candidate);
        }
        for &s in &candidate.unassigned {
            absences[s as usize] += 1;
        }
        i += 1;
    }
    if current.unassigned.len() <= target && current.tours.len() < best.tours.len() {
        best.clone_from(&current);
    }
    i
}

/// Mean cost of an arc of a plan (variable costs only), the natural unit of temperature:
/// it tracks how much one move can change, whatever the instance's size or units.
fn arc_cost(c: &Compiled, plan: &Plan) -> Option<f64> {
    let arcs: usize = plan.tours.iter().map(|t| t.stops.len() + 1).sum();
    let cost: f64 = plan.tours.iter().map(|t| t.cost - c.kinds[t.kind as usize].fixed).sum();
    (arcs > 0 && cost > 0.0).then(|| cost / arcs as f64)
}

/// Fewest tours any plan needs: total demand over the largest capacity, per dimension
/// (of the depot deliveries only: one vehicle may carry shipments one after another).
pub(crate) fn lower_bound_tours(c: &Compiled) -> usize {
    let mut lb = 1usize;
    for d in 0..c.dims {
        let from_depot = (0..c.n).filter(|&s| c.partner_of(s as u32).is_none());
        let total: i64 = from_depot.map(|s| c.demand[s * c.dims + d]).sum();
        let cap = c.kinds.iter().map(|k| k.capacity[d]).max().unwrap_or(1).max(1);
        lb = lb.max(((total + cap - 1) / cap) as usize);
    }
    lb
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stall() -> Stall {
        let config = SolverConfig {
            stall_min_iterations: 100,
            stall_iterations_per_stop: 0,
            stall_iterations_per_stop_squared: 0,
            ..SolverConfig::default()
        };
        Stall::new(&config, 10).unwrap()
    }

    #[test]
    fn a_stall_cools_the_rest_of_the_schedule_over_one_window_then_ends() {
        let s = stall();
        // Best found at 150: stalled from 300 on (a window, and as long as it took).
        assert!(!s.stalled(299, 150));
        assert!(s.stalled(300, 150));
        // Cooling from share 0.2 at 300 reaches the end of the schedule at 400.
        assert!((s.cooled_share(300, 0.2, 300) - 0.2).abs() < 1e-12);
        assert!((s.cooled_share(300, 0.2, 350) - 0.6).abs() < 1e-12);
        assert_eq!(s.cooled_share(300, 0.2, 450), 1.0);
        // No improvement: it ends when the cooling is done.
        assert!(!s.cooled(300, 399, 150));
        assert!(s.cooled(300, 400, 150));
        // An improvement while cooling buys another window.
        assert!(!s.cooled(300, 400, 380));
        assert!(s.cooled(300, 480, 380));
    }

    #[test]
    fn an_iteration_budget_or_a_zero_factor_turns_the_early_stop_off() {
        assert!(Stall::new(&SolverConfig::default().with_max_iterations(10), 10).is_none());
        let off = SolverConfig { stall_factor: 0.0, ..SolverConfig::default() };
        assert!(Stall::new(&off, 10).is_none());
    }
}
