//! Decomposition: several threads improve one plan together.
//!
//! # Why
//! With several threads the plain solver runs independent searches and keeps the best. On
//! 4,000-20,000 stops that wastes all but one thread's work: each search alone is far from
//! converged when the time runs out, and the best of two unconverged searches is barely
//! better than one. Route-based decomposition (HGS's decomposition phase, Santini et al.
//! 2023; FILO2's parallel variant) lets every thread work on a different part of *one*
//! plan instead.
//!
//! # Flow
//! The budget is cut into [`SolverConfig::epochs`] rounds. In each round the routes of the
//! best plan are sorted by the polar angle of their centroid around the depot and cut, from
//! a random first route, into groups of about [`SolverConfig::group_stops`] stops (at least
//! [`MIN_ROUTES_PER_GROUP`] routes each, and a multiple of the thread count when there are
//! enough, so the threads stay busy). Every group becomes a [`Problem`] of its own (its
//! stops, the depots, the vehicles the other groups leave free), solved in parallel by the
//! ordinary SISR search (fleet minimisation, annealing, the local search in city mode) from
//! the group's routes, with the round's slice of the global temperature schedule and a
//! share of the round's time (or iterations) proportional to its stops. A group whose best
//! plan is cheaper replaces its routes in the global plan. The random first route moves the
//! group borders every round, so routes that were split apart meet in a later round.
//!
//! A sub-problem of 1,000 stops also fits the dense-matrix form, and its plan copies are
//! O(group) instead of O(n): each thread runs more iterations per second than a search of
//! the whole instance would.
//!
//! Deterministic for a seed and an iteration budget: the groups and the seeds of the
//! sub-searches are drawn in order from the seed, the sub-searches' results are merged in
//! group order, and each sub-search gets a fixed number of iterations.

use crate::context::SolveContext;
use crate::routing::compiled::Compiled;
use crate::routing::env::Env;
use crate::routing::model::{Depot, Locations, Problem};
use crate::routing::plan::{NONE, Plan, Tour};
use crate::routing::search::{
    Budget, Outcome, Report, SolverConfig, anneal, first_plan, lower_bound_tours,
};
use crate::routing::solution::StopReason;
use rand::Rng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// Fewest routes a group holds: below it a sub-search has nothing to exchange.
pub(crate) const MIN_ROUTES_PER_GROUP: usize = 4;

/// Whether [`search`] should run instead of independent workers: enough threads, enough
/// stops, coordinates (groups are formed by angle) and room for at least two groups.
pub(crate) fn applies(
    problem: &Problem,
    c: &Compiled,
    config: &SolverConfig,
    threads: usize,
) -> bool {
    // Its groups of routes are sub-problems without the shipments or further profiles (not
    // carried over yet), and a balanced-routes term is a measure of the whole plan.
    threads >= config.decompose_threads.max(1)
        && !c.paired()
        && c.balance.is_none()
        && !c.multi_trip
        && problem.profiles.is_empty()
        && c.n >= config.decompose_from.max(2)
        && matches!(problem.locations, Locations::Coordinates { .. })
        && lower_bound_tours(c) >= 2 * MIN_ROUTES_PER_GROUP
}

/// The decomposition search (module docs); returns the best plan and the iterations of
/// every sub-search.
pub(crate) fn search(
    problem: &Problem,
    env: &Env<'_>,
    config: &SolverConfig,
    ctx: &SolveContext,
) -> Outcome {
    let c = env.c;
    let threads = ctx.threads();
    let budget = Budget::new(config, ctx);
    let mut rng = ctx.rng(0);
    let mut best = first_plan(env, config, ctx, &mut rng);
    let report = Report::new(ctx, 0);
    let epochs = config.epochs.max(1);
    let mut iterations = 0u64;
    let mut epoch = 0u32;
    let reason = loop {
        let slice = match budget.iterations {
            Some(_) if epoch >= epochs => break StopReason::Iterations,
            Some(n) => {
                let per_epoch = (n.saturating_mul(threads as u64) / u64::from(epochs)).max(1);
                let share = f64::from(epoch) / f64::from(epochs);
                Slice {
                    from: share,
                    to: share + 1.0 / f64::from(epochs),
                    work: Work::Iterations(per_epoch),
                }
            }
            None => {
                if ctx.should_stop() {
                    break budget.reason(ctx);
                }
                let used = budget.used(ctx, 0);
                let left = ((1.0 - used) * f64::from(epochs)).round().max(1.0);
                let Some(remaining) = ctx.remaining() else { break StopReason::Iterations };
                let seconds = remaining.as_secs_f64() / left * threads as f64;
                Slice { from: used, to: used + (1.0 - used) / left, work: Work::Seconds(seconds) }
            }
        };
        report.tick(0, slice.from, best.cost(c) / c.scale);
        let groups = group_tours(problem, c, &best, threads, config, &mut rng);
        let seeds: Vec<u64> = groups.iter().map(|_| rng.random()).collect();
        let assigned = (c.n - best.unassigned.len()).max(1);
        let plan = &best;
        let solve = |tours: &Vec<usize>, seed: u64| {
            let stops: usize = tours.iter().map(|&t| plan.tours[t].stops.len()).sum();
            let weight = stops as f64 / assigned as f64;
            let sub = sub_config(config, c, &slice, weight);
            let sub_ctx = match slice.work {
                Work::Iterations(_) => ctx.child(seed),
                Work::Seconds(s) => {
                    let limit = Duration::from_secs_f64((s * weight).max(0.0));
                    let limit = ctx.remaining().map_or(limit, |r| r.min(limit));
                    ctx.child(seed).with_time_limit(limit)
                }
            };
            solve_group(problem, c, plan, tours, &sub, &sub_ctx)
        };
        // One thread: the groups one after the other (not on rayon's global pool, which
        // would run them side by side on every core).
        let results: Vec<Group> = if threads > 1 {
            groups.par_iter().zip(seeds.par_iter()).map(|(t, &s)| solve(t, s)).collect()
        } else {
            groups.iter().zip(&seeds).map(|(t, &s)| solve(t, s)).collect()
        };
        iterations += results.iter().map(|g| g.iterations).sum::<u64>();
        merge(c, &mut best, &groups, results);
        epoch += 1;
    };
    report.tick(0, 1.0, best.cost(c) / c.scale);
    Outcome { plan: best, iterations, reason }
}

/// One round's part of the budget: the global schedule's shares it covers and the work it
/// may do (summed over its groups).
struct Slice {
    from: f64,
    to: f64,
    work: Work,
}

#[derive(Clone, Copy)]
enum Work {
    Iterations(u64),
    /// CPU seconds over all threads.
    Seconds(f64),
}

/// The sub-search's settings: the round's slice of the temperature schedule, its share of
/// the work, no early stop, fleet minimisation only within the global fleet share.
fn sub_config(config: &SolverConfig, c: &Compiled, slice: &Slice, weight: f64) -> SolverConfig {
    let temp = |share: f64| config.t_start * (config.t_end / config.t_start).powf(share.min(1.0));
    SolverConfig {
        max_iterations: match slice.work {
            Work::Iterations(n) => Some(((n as f64 * weight).ceil() as u64).max(1)),
            Work::Seconds(_) => None,
        },
        t_start: temp(slice.from),
        t_end: temp(slice.to),
        fleet_share: if slice.from < config.fleet_share { config.fleet_share } else { 0.0 },
        stall_factor: 0.0,
        local_search_from: if c.n >= config.local_search_from { 0 } else { usize::MAX },
        local_search_windows_from: if c.n >= config.local_search_windows_from {
            0
        } else {
            usize::MAX
        },
        decompose_from: usize::MAX,
        ..config.clone()
    }
}

/// Groups of tour indices of `plan`: sorted by centroid angle, cut from a random first
/// tour into groups of similar stop counts.
fn group_tours(
    problem: &Problem,
    c: &Compiled,
    plan: &Plan,
    threads: usize,
    config: &SolverConfig,
    rng: &mut Pcg64Mcg,
) -> Vec<Vec<usize>> {
    let tours = plan.tours.len();
    if tours == 0 {
        return Vec::new();
    }
    let Locations::Coordinates { points, .. } = &problem.locations else {
        return vec![(0..tours).collect()];
    };
    let assigned: usize = plan.tours.iter().map(|t| t.stops.len()).sum();
    let mut count = assigned.div_ceil(config.group_stops.max(1)).max(threads);
    if count > threads {
        count = count.div_ceil(threads) * threads;
    }
    let most = (tours / MIN_ROUTES_PER_GROUP).max(1);
    if count > most {
        count = if most >= threads { most / threads * threads } else { most };
    }
    let centre = c.kinds.first().map_or([0.0, 0.0], |k| points[k.start_loc as usize]);
    let angle = |t: &Tour| {
        let (mut x, mut y) = (0.0, 0.0);
        for &s in &t.stops {
            let p = points[c.loc[s as usize] as usize];
            x += p[0];
            y += p[1];
        }
        let k = t.stops.len().max(1) as f64;
        (y / k - centre[1]).atan2(x / k - centre[0])
    };
    let mut order: Vec<(f64, usize)> = plan.tours.iter().map(|t| angle(t)).zip(0..).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    order.rotate_left(rng.random_range(0..tours));
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut before = 0usize;
    for (_, t) in order {
        let len = plan.tours[t].stops.len();
        let k = ((before + len / 2) * count / assigned.max(1)).min(count - 1);
        groups[k].push(t);
        before += len;
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// What a sub-search returns: better routes for its group (as `(kind, stops)` in the
/// whole problem's stop indices), or `None` when it found nothing cheaper.
struct Group {
    routes: Option<Vec<(u32, Vec<u32>)>>,
    iterations: u64,
}

/// Builds the group's sub-problem and runs the search on it from the group's routes.
fn solve_group(
    problem: &Problem,
    c: &Compiled,
    plan: &Plan,
    tours: &[usize],
    config: &SolverConfig,
    ctx: &SolveContext,
) -> Group {
    let none = Group { routes: None, iterations: 0 };
    let Locations::Coordinates { points, metric } = &problem.locations else { return none };
    let stops: Vec<u32> = tours.iter().flat_map(|&t| plan.tours[t].stops.iter().copied()).collect();
    let depots = problem.depots.len();
    let mut sub_points: Vec<[f64; 2]> = problem.depots.iter().map(|d| points[d.location]).collect();
    sub_points.extend(stops.iter().map(|&s| points[problem.stops[s as usize].location]));
    let mut in_group = vec![0u32; c.kinds.len()];
    for &t in tours {
        in_group[plan.tours[t].kind as usize] += 1;
    }
    let sub = Problem {
        profiles: Vec::new(),
        name: problem.name.clone(),
        locations: Locations::Coordinates { points: sub_points, metric: *metric },
        depots: (0..depots)
            .map(|i| Depot { id: problem.depots[i].id.clone(), location: i })
            .collect(),
        vehicle_types: problem
            .vehicle_types
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let elsewhere = plan.used[k].saturating_sub(in_group[k]) as usize;
                let mut v = v.clone();
                v.count = v.count.saturating_sub(elsewhere);
                v
            })
            .collect(),
        stops: stops
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let mut stop = problem.stops[s as usize].clone();
                stop.location = depots + i;
                stop
            })
            .collect(),
        objective: problem.objective,
        shipments: Vec::new(),
    };
    let Ok(sc) = Compiled::new(&sub, config.memory_limit_mb.saturating_mul(1 << 20), 1) else {
        return none;
    };
    let env = Env::new(&sc);
    let mut start = Plan::empty(&sc);
    start.unassigned.clear();
    let mut next = 0u32;
    for &t in tours {
        let len = plan.tours[t].stops.len() as u32;
        let kind = plan.tours[t].kind;
        start.used[kind as usize] += 1;
        start.tours.push(Arc::new(Tour::new(kind, (next..next + len).collect(), &sc)));
        start.reindex(start.tours.len() - 1);
        next += len;
    }
    let start_cost = start.cost(&sc);
    let budget = Budget::new(config, ctx);
    let mut rng = ctx.rng(0);
    let out = anneal(&env, config, ctx, &budget, &mut rng, start, &Report::silent());
    let better = out.plan.unassigned.is_empty() && out.plan.cost(&sc) < start_cost - 1e-9;
    let routes = better.then(|| {
        out.plan
            .tours
            .iter()
            .map(|t| (t.kind, t.stops.iter().map(|&i| stops[i as usize]).collect()))
            .collect()
    });
    Group { routes, iterations: out.iterations }
}

/// Replaces each improved group's tours in `plan` when that lowers the plan's cost.
fn merge(c: &Compiled, plan: &mut Plan, groups: &[Vec<usize>], results: Vec<Group>) {
    let mut drop = vec![false; plan.tours.len()];
    let mut added: Vec<Arc<Tour>> = Vec::new();
    for (tours, group) in groups.iter().zip(results) {
        let Some(routes) = group.routes else { continue };
        let new: Vec<Tour> = routes.into_iter().map(|(k, s)| Tour::new(k, s, c)).collect();
        let old: f64 = tours.iter().map(|&t| plan.tours[t].cost).sum();
        let cost: f64 = new.iter().map(|t| t.cost).sum();
        if cost < old - 1e-9 && new.iter().all(|t| t.is_feasible(c)) {
            for &t in tours {
                drop[t] = true;
            }
            added.extend(new.into_iter().map(Arc::new));
        }
    }
    if added.is_empty() {
        return;
    }
    let mut kept: Vec<Arc<Tour>> = std::mem::take(&mut plan.tours)
        .into_iter()
        .zip(drop)
        .filter_map(|(t, d)| (!d).then_some(t))
        .collect();
    kept.extend(added);
    plan.tours = kept;
    plan.used.iter_mut().for_each(|u| *u = 0);
    for s in plan.route_of.iter_mut() {
        *s = NONE;
    }
    for t in 0..plan.tours.len() {
        plan.used[plan.tours[t].kind as usize] += 1;
        plan.reindex(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::model::{Metric, Objective, Stop, VehicleType};
    use crate::routing::solution::Solution;
    use rand::SeedableRng;

    /// `n` stops with demand 1 in a 100 x 100 square around the depot, capacity 10.
    fn square(n: usize) -> Problem {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let mut points = vec![[50.0, 50.0]];
        points.extend((0..n).map(|_| [rng.random_range(0.0..100.0), rng.random_range(0.0..100.0)]));
        Problem {
            profiles: Vec::new(),
            name: "square".into(),
            locations: Locations::Coordinates { points, metric: Metric::EuclideanRounded },
            depots: vec![Depot { id: "d".into(), location: 0 }],
            vehicle_types: vec![VehicleType::new("v", n, vec![10])],
            stops: (0..n).map(|i| Stop::new(format!("s{i}"), i + 1, vec![1])).collect(),
            objective: Objective::default(),
            shipments: Vec::new(),
        }
    }

    #[test]
    fn groups_partition_the_tours_and_merging_keeps_every_stop_once() {
        let p = square(200);
        let c = Compiled::new(&p, u64::MAX, 1).unwrap();
        let env = Env::new(&c);
        let config = SolverConfig { group_stops: 50, ..SolverConfig::default() };
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let plan = first_plan(&env, &config, &SolveContext::new(1), &mut rng);
        let groups = group_tours(&p, &c, &plan, 2, &config, &mut rng);
        assert_eq!(groups.len(), 4);
        let mut all = groups.concat();
        all.sort_unstable();
        assert_eq!(all, (0..plan.tours.len()).collect::<Vec<_>>());
        let sub = SolverConfig { max_iterations: Some(300), stall_factor: 0.0, ..config };
        let ctx = SolveContext::new(2);
        let results: Vec<Group> =
            groups.iter().map(|g| solve_group(&p, &c, &plan, g, &sub, &ctx)).collect();
        assert!(results.iter().all(|g| g.iterations == 300));
        assert!(results.iter().any(|g| g.routes.is_some()));
        let mut merged = plan.clone();
        merge(&c, &mut merged, &groups, results);
        assert!(merged.cost(&c) < plan.cost(&c));
        let mut seen = vec![0; c.n];
        for (t, tour) in merged.tours.iter().enumerate() {
            for (at, &s) in tour.stops.iter().enumerate() {
                seen[s as usize] += 1;
                assert_eq!(merged.position(s), Some((t, at)));
            }
        }
        assert!(seen.iter().all(|&k| k == 1));
        assert_eq!(merged.used, vec![merged.tours.len() as u32]);
        let report = crate::routing::check(&p, &Solution::from_plan(&p, &c, &merged));
        assert!(report.is_ok(), "{:?}", report.violations);
    }
}
