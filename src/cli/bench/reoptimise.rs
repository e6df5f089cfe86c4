//! `stockroute bench reoptimise`: seeded states under way (N stops, M new orders), each
//! re-optimised with no churn penalty and with one, inside the same time limit; prints one
//! JSON line per run (wall time, cost, churn and its parts) and a summary line.
//!
//! States come from [`stockroute::replan::generate`]: a solved day cut at the clock, so the
//! prefixes are those of a feasible plan. Their generation is not timed; the time of a
//! re-optimisation counts from its request (parsing excluded, checking included).

use serde_json::json;
use std::process::ExitCode;
use std::time::Instant;
use stockroute::SolveContext;
use stockroute::replan::{self, GenerateOptions, ReoptimiseOptions};
use stockroute::routing::SolverConfig;

/// Arguments of `bench reoptimise`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Stops of each generated day.
    #[arg(long, default_value_t = 500)]
    stops: usize,
    /// New orders per state.
    #[arg(long, default_value_t = 50)]
    orders: usize,
    /// States (seeds 1..=N).
    #[arg(long, default_value_t = 5)]
    seeds: u64,
    /// Time limit of each re-optimisation, in seconds.
    #[arg(long, default_value_t = 0.9)]
    time_limit_s: f64,
    /// The churn penalty of the penalised runs (problem cost unit: here, distance).
    #[arg(long, default_value_t = 100.0)]
    churn_penalty: f64,
}

/// Runs the benchmark.
pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let generate = GenerateOptions { stops: a.stops, orders: a.orders, ..Default::default() };
    let mut slowest = 0.0f64;
    let mut totals = [(0.0, 0usize, 0usize); 2];
    for seed in 1..=a.seeds {
        let (state, orders) = replan::generate(&generate, seed)?;
        for (k, penalty) in [0.0, a.churn_penalty].into_iter().enumerate() {
            let started = Instant::now();
            let ctx = SolveContext::new(seed)
                .with_time_limit(super::super::route::seconds(a.time_limit_s));
            let options =
                ReoptimiseOptions { churn_penalty: penalty, solver: SolverConfig::default() };
            let answer = replan::reoptimise(state.clone(), orders.clone(), &options, &ctx)?;
            let wall = started.elapsed().as_secs_f64();
            slowest = slowest.max(wall);
            let c = &answer.summary.changes;
            totals[k].0 += answer.summary.cost;
            totals[k].1 += c.churn;
            totals[k].2 += c.unassigned.len();
            println!(
                "{}",
                json!({
                    "seed": seed, "churn_penalty": penalty, "wall_s": wall,
                    "cost": answer.summary.cost, "churn": c.churn, "moved": c.moved.len(),
                    "resequenced": c.resequenced.len(), "dropped": c.dropped.len(),
                    "inserted": c.inserted.len(), "unassigned": c.unassigned.len(),
                })
            );
        }
    }
    let n = a.seeds.max(1) as f64;
    println!(
        "{}",
        json!({
            "summary": true, "stops": a.stops, "orders": a.orders, "seeds": a.seeds,
            "slowest_wall_s": slowest,
            "mean_cost_free": totals[0].0 / n, "mean_churn_free": totals[0].1 as f64 / n,
            "mean_cost_penalised": totals[1].0 / n, "mean_churn_penalised": totals[1].1 as f64 / n,
            "unassigned_free": totals[0].2, "unassigned_penalised": totals[1].2,
        })
    );
    Ok(ExitCode::SUCCESS)
}
