//! [`solve`]: the solver's entry point. It compiles the problem, then runs the search
//! ([`crate::routing::search`]) one of three ways: one worker; independent workers on
//! separate RNG streams, the best kept; or, with several threads from
//! [`SolverConfig::decompose_from`] stops, one plan improved together on groups of nearby
//! routes ([`crate::routing::decompose`]). It sits above both so that neither imports the
//! other's caller.

use crate::context::SolveContext;
use crate::routing::compiled::Compiled;
use crate::routing::decompose;
use crate::routing::env::Env;
use crate::routing::error::RoutingError;
use crate::routing::model::Problem;
use crate::routing::plan::Plan;
use crate::routing::search::{Outcome, SolverConfig, worker};
use crate::routing::solution::{Solution, StopReason};

/// Solves a routing problem within the context's deadline.
///
/// # Errors
/// [`RoutingError::Invalid`] when the problem breaks a rule of
/// [`Problem::validate`], [`RoutingError::TooLarge`] when the problem would need more
/// than [`SolverConfig::memory_limit_mb`]. Running out of time is not an
/// error: the best plan found is returned (every stop it cannot serve is reported).
///
/// # Complexity
/// O(n^2) set-up (matrices, neighbour lists), then as many iterations as the budget
/// allows, each about O(k * n) for k removed stops.
pub fn solve(
    problem: &Problem,
    config: &SolverConfig,
    ctx: &SolveContext,
) -> Result<Solution, RoutingError> {
    let compiled =
        Compiled::new(problem, config.memory_limit_mb.saturating_mul(1 << 20), ctx.threads())?;
    let env = Env::new(&compiled);
    ctx.progress().phase("routing");
    let threads = ctx.threads();
    let run = || {
        if decompose::applies(problem, &compiled, config, threads) {
            vec![decompose::search(problem, &env, config, ctx)]
        } else if threads > 1 {
            use rayon::prelude::*;
            (0..threads as u64).into_par_iter().map(|w| worker(&env, config, ctx, w)).collect()
        } else {
            vec![worker(&env, config, ctx, 0)]
        }
    };
    let results: Vec<Outcome> = if threads > 1 {
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(run),
            Err(_) => vec![worker(&env, config, ctx, 0)],
        }
    } else {
        run()
    };
    let iterations = results.iter().map(|r| r.iterations).sum();
    let stop_reason = results.iter().map(|r| r.reason).max().unwrap_or(StopReason::Exact);
    let best = results
        .into_iter()
        .map(|r| r.plan)
        .min_by(|a, b| a.cost(&compiled).total_cmp(&b.cost(&compiled)))
        .unwrap_or_else(|| Plan::empty(&compiled));
    let mut solution = Solution::from_plan(problem, &compiled, &best);
    solution.stats.iterations = iterations;
    solution.stats.seconds = ctx.elapsed().as_secs_f64();
    solution.stats.stop_reason = stop_reason;
    Ok(solution)
}
