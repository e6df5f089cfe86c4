//! `stockroute bench warehouse`: the bars of issue 15 on seeded generated instances.
//!
//! Every family is generated from `--seed` (no file is read), every path goes through the
//! independent checker, and the figures are printed as text and one JSON line:
//! - single block: the exact DP against every classic heuristic and the local search (the
//!   DP is the optimum, checked against brute force in the unit tests), and the two-block
//!   DP against it (equal lengths on one block);
//! - two blocks: the same against the two-block DP (Roodbergen and de Koster);
//! - multi-block (2 to 4 blocks): the local search against S-shape and the best classic
//!   heuristic per instance (never longer, and the mean saving over S-shape), and the
//!   routing stage's search on the same instances;
//! - batching: a day's total travel under each policy against single-order picking, same
//!   robots and totes;
//! - slotting: the same day's travel with velocity, ABC, cube-per-order and random slotting
//!   (velocity measured on another seeded day, as a forecast would be);
//! - urgent orders: `--urgent-orders` orders of another seeded day, each arriving at its own
//!   time of the batching day, inserted into the plan under way
//!   ([`stockroute::warehouse::urgent`]) against waiting for the next wave (the day planned
//!   again with the order released then): when the order is done, and the makespan;
//! - scale: a `--big-lines` day with `--big-robots` robots batched, routed, checked and
//!   assigned, timed (wall clock).

use anyhow::Context as _;
use serde_json::json;
use std::process::ExitCode;
use std::time::Instant;
use stockroute::SolveContext;
use stockroute::warehouse::batching::BatchingPolicy;
use stockroute::warehouse::check::check_path;
use stockroute::warehouse::generate::{self, DayOptions};
use stockroute::warehouse::layout::{Layout, LocIdx};
use stockroute::warehouse::orders::{LineRef, OrderDay, stops_of};
use stockroute::warehouse::paths::Method;
use stockroute::warehouse::slotting::{self, SlottingPolicy};
use stockroute::warehouse::{PickConfig, pick_day};

/// Arguments of `bench warehouse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Instances per path family.
    #[arg(long, default_value_t = 50)]
    instances: u32,
    /// Seed of every generated instance.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Lines of the batching and slotting day.
    #[arg(long, default_value_t = 10_000)]
    day_lines: u64,
    /// Lines of the timed day.
    #[arg(long, default_value_t = 50_000)]
    big_lines: u64,
    /// Robots of the timed day.
    #[arg(long, default_value_t = 20)]
    big_robots: u32,
    /// Worker threads (routing of batches).
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Skip the timed day.
    #[arg(long)]
    no_big: bool,
    /// Urgent orders inserted, one at a time, into the batching day's plan.
    #[arg(long, default_value_t = 8)]
    urgent_orders: u32,
}

/// Random lines at uniformly random locations.
fn random_lines(layout: &Layout, n: usize, rng: &mut impl rand::Rng) -> Vec<LineRef> {
    (0..n)
        .map(|i| LineRef {
            order: 0,
            line: i as u32,
            location: LocIdx(rng.random_range(0..layout.locations.len() as u32)),
        })
        .collect()
}

/// Routes one instance with `m`, checks it and returns the checked length.
fn routed(
    layout: &Layout,
    lines: &[LineRef],
    m: Method,
    ctx: &SolveContext,
) -> anyhow::Result<i64> {
    let stops = stops_of(layout, lines);
    let path = m.router(layout).route(layout, &stops, ctx)?;
    check_path(layout, lines, &path).map_err(|v| anyhow::anyhow!("{m:?}: {v}"))
}

fn pct(a: f64, b: f64) -> f64 {
    if b > 0.0 { 100.0 * (b - a) / b } else { 0.0 }
}

/// One row per aisle count and pick count on `blocks`-block layouts: every method's mean
/// gap to the exact DP `dp`, the instances where a method was shorter than it (a wrong DP:
/// must be 0), and where the two DPs disagree on one block (must be 0).
fn exact_rows(
    blocks: u32,
    dp: Method,
    args: &Args,
    ctx: &SolveContext,
    rng: &mut impl rand::Rng,
) -> anyhow::Result<Vec<serde_json::Value>> {
    const OTHERS: [Method; 5] =
        [Method::SShape, Method::Return, Method::Midpoint, Method::LargestGap, Method::Improved];
    let label = if blocks == 1 { "single-block" } else { "two-block" };
    let mut rows = Vec::new();
    for aisles in [5u32, 10, 20] {
        for picks in [5usize, 15, 30] {
            let layout = generate::layout(blocks, aisles, 20, 1)?;
            let mut gaps = [0.0f64; 5];
            let (mut beat, mut disagree) = (0, 0);
            for _ in 0..args.instances {
                let lines = random_lines(&layout, picks, rng);
                let exact = routed(&layout, &lines, dp, ctx)?;
                if blocks == 1 {
                    disagree +=
                        usize::from(routed(&layout, &lines, Method::ExactTwoBlock, ctx)? != exact);
                }
                let exact = exact as f64;
                for (g, m) in gaps.iter_mut().zip(OTHERS) {
                    let l = routed(&layout, &lines, m, ctx)? as f64;
                    beat += usize::from(l < exact);
                    *g += 100.0 * (l - exact) / exact.max(1.0) / f64::from(args.instances);
                }
            }
            println!(
                "{label} aisles={aisles:>2} picks={picks:>2}: gap to exact % s-shape {:.1} return {:.1} midpoint {:.1} largest-gap {:.1} improved {:.2}; instances where a method beat exact: {beat}{}",
                gaps[0],
                gaps[1],
                gaps[2],
                gaps[3],
                gaps[4],
                if blocks == 1 {
                    format!("; two-block DP differed on {disagree}")
                } else {
                    String::new()
                }
            );
            rows.push(json!({"aisles": aisles, "picks": picks, "gap_pct": {"s_shape": gaps[0], "return": gaps[1], "midpoint": gaps[2], "largest_gap": gaps[3], "improved": gaps[4]}, "beat_exact": beat, "dp_disagree": disagree}));
        }
    }
    Ok(rows)
}

/// Urgent orders inserted into the savings plan of `day` against waiting for the next wave.
fn urgent_rows(
    layout: &Layout,
    day: &OrderDay,
    other: &OrderDay,
    slots: &slotting::Slotting,
    args: &Args,
    ctx: &SolveContext,
) -> anyhow::Result<serde_json::Value> {
    use stockroute::warehouse::urgent::{self, Urgent};
    let config = PickConfig::default();
    let plan = pick_day(layout, day, slots, &config, ctx)?;
    let shift_s = day.orders.iter().map(|o| o.release_s).max().unwrap_or(0);
    let n = args.urgent_orders;
    let (mut replan_wait, mut next_wait, mut replan_ms, mut next_ms, mut joined) =
        (0.0, 0.0, 0.0, 0.0, 0u32);
    let mut rows = Vec::new();
    let started = Instant::now();
    for i in 0..n {
        // Arrivals spread over the shift, off the wave boundaries.
        let arrives_s = ((u64::from(i) * 2 + 1) * u64::from(shift_s) / (2 * u64::from(n))) as u32;
        let pick = (u64::from(i) * 7919 % other.orders.len().max(1) as u64) as usize;
        let mut order = other.orders[pick].clone();
        order.release_s = arrives_s;
        let mut with = day.clone();
        with.orders.push(order.clone());
        let index = (with.orders.len() - 1) as u32;
        let r = urgent::insert_urgent(
            layout,
            &with,
            slots,
            &config,
            &plan,
            Urgent { order: index, due_s: 1800 },
            ctx,
        )?;
        with.orders[index as usize] = urgent::released_next_wave(&order, config.wave_s);
        let (waited, done) = urgent::next_wave(layout, &with, slots, &config, index, ctx)?;
        let a = f64::from(arrives_s);
        let (rw, nw) = (r.urgent_done_ms as f64 / 1000.0 - a, done as f64 / 1000.0 - a);
        replan_wait += rw / f64::from(n);
        next_wait += nw / f64::from(n);
        replan_ms += r.plan.assignment.makespan_ms as f64 / 1000.0 / f64::from(n);
        next_ms += waited.assignment.makespan_ms as f64 / 1000.0 / f64::from(n);
        joined += u32::from(r.joined);
        rows.push(json!({"arrives_s": arrives_s, "lines": order.lines.len(), "replan_done_after_s": rw, "next_wave_done_after_s": nw, "joined": r.joined, "started": r.started.len(), "replan_makespan_s": r.plan.assignment.makespan_ms as f64 / 1000.0, "next_wave_makespan_s": waited.assignment.makespan_ms as f64 / 1000.0}));
        println!(
            "urgent {i} ({} robots): arrives {arrives_s} s, {} lines: done after {rw:.0} s re-planned ({}, {} batches under way) vs {nw:.0} s at the next wave; makespan {:.0} s vs {:.0} s",
            layout.spec.robots.count,
            order.lines.len(),
            if r.joined { "joined a batch" } else { "own batch" },
            r.started.len(),
            r.plan.assignment.makespan_ms as f64 / 1000.0,
            waited.assignment.makespan_ms as f64 / 1000.0,
        );
    }
    println!(
        "urgent ({} robots): {n} orders, done after {replan_wait:.0} s on average re-planned vs {next_wait:.0} s waiting for the next wave; mean makespan {replan_ms:.0} s vs {next_ms:.0} s (plan without them {:.0} s); {joined} joined a batch; {:.1} s wall",
        layout.spec.robots.count,
        plan.assignment.makespan_ms as f64 / 1000.0,
        started.elapsed().as_secs_f64()
    );
    Ok(
        json!({"orders": n, "mean_replan_done_after_s": replan_wait, "mean_next_wave_done_after_s": next_wait, "mean_replan_makespan_s": replan_ms, "mean_next_wave_makespan_s": next_ms, "plan_makespan_s": plan.assignment.makespan_ms as f64 / 1000.0, "joined": joined, "rows": rows}),
    )
}

/// Runs the benchmark.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    use rand::SeedableRng;
    let ctx = SolveContext::new(args.seed).with_threads(args.threads);
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(args.seed);
    let mut summary = serde_json::Map::new();

    // Single and two blocks: the exact DPs vs the rest.
    summary
        .insert("single_block".into(), json!(exact_rows(1, Method::Exact, &args, &ctx, &mut rng)?));
    summary.insert(
        "two_block".into(),
        // Its own stream, so the rows after it draw the same instances as before it existed.
        json!(exact_rows(
            2,
            Method::ExactTwoBlock,
            &args,
            &ctx,
            &mut rand_pcg::Pcg64Mcg::seed_from_u64(args.seed.wrapping_add(2)),
        )?),
    );

    // Multi-block: improved vs S-shape and the best classic heuristic.
    let mut multi = Vec::new();
    let (mut all_saving, mut all_n) = (0.0, 0u32);
    for blocks in [2u32, 3, 4] {
        for picks in [10usize, 20, 40] {
            let layout = generate::layout(blocks, 12, 20, 1)?;
            let (mut vs_s, mut vs_best, mut longer, mut vrp_vs_s) = (0.0, 0.0, 0, 0.0);
            for _ in 0..args.instances {
                let lines = random_lines(&layout, picks, &mut rng);
                let improved = routed(&layout, &lines, Method::Improved, &ctx)? as f64;
                let s = routed(&layout, &lines, Method::SShape, &ctx)? as f64;
                let vrp = routed(&layout, &lines, Method::RoutingSearch, &ctx)? as f64;
                vrp_vs_s += pct(vrp, s) / f64::from(args.instances);
                let mut best = f64::INFINITY;
                for m in Method::CLASSIC {
                    best = best.min(routed(&layout, &lines, m, &ctx)? as f64);
                }
                longer += usize::from(improved > best);
                vs_s += pct(improved, s) / f64::from(args.instances);
                vs_best += pct(improved, best) / f64::from(args.instances);
            }
            all_saving += vs_s;
            all_n += 1;
            println!(
                "multi-block blocks={blocks} aisles=12 picks={picks:>2}: improved shorter than s-shape by {vs_s:.1}% and than the best classic by {vs_best:.1}% on average; longer than the best classic on {longer} of {}; routing search shorter than s-shape by {vrp_vs_s:.1}%",
                args.instances
            );
            multi.push(json!({"blocks": blocks, "picks": picks, "vs_s_shape_pct": vs_s, "vs_best_classic_pct": vs_best, "longer_than_best": longer, "routing_search_vs_s_shape_pct": vrp_vs_s}));
        }
    }
    println!("multi-block: mean saving over s-shape {:.1}%", all_saving / f64::from(all_n));
    summary.insert("multi_block".into(), json!(multi));
    summary.insert("multi_block_mean_vs_s_shape_pct".into(), json!(all_saving / f64::from(all_n)));

    // Batching and slotting on one day.
    let layout = generate::layout(2, 20, 20, 10)?;
    let options = DayOptions { skus: 1500, lines: args.day_lines, ..DayOptions::default() };
    let day = generate::order_day(&options, args.seed)?;
    let history = generate::order_day(&options, args.seed.wrapping_add(1))?;
    let velocity = slotting::velocity_from_day(&history);
    let slot = |p| slotting::slot(&layout, &day.skus, &velocity, p, args.seed);
    let travel = |day: &OrderDay, s: &slotting::Slotting, batching| -> anyhow::Result<f64> {
        let config = PickConfig { batching, ..PickConfig::default() };
        let picked = pick_day(&layout, day, s, &config, &ctx)?;
        Ok(picked.travel_cm as f64 / 100.0)
    };
    let by_velocity = slot(SlottingPolicy::Velocity)?;
    let single_m = travel(&day, &by_velocity, BatchingPolicy::SingleOrder)?;
    let mut batching = serde_json::Map::new();
    for (name, p) in [
        ("fcfs", BatchingPolicy::Fcfs),
        ("seed", BatchingPolicy::Seed),
        ("savings", BatchingPolicy::Savings),
    ] {
        let t = travel(&day, &by_velocity, p)?;
        println!(
            "batching {name:>8}: {t:.0} m, {:.1}% below single-order ({single_m:.0} m), {} lines",
            pct(t, single_m),
            day.lines()
        );
        batching.insert(name.into(), json!({"travel_m": t, "below_single_pct": pct(t, single_m)}));
    }
    batching.insert("single_order_m".into(), json!(single_m));
    summary.insert("batching".into(), json!(batching));
    let random_m = travel(&day, &slot(SlottingPolicy::Random)?, BatchingPolicy::Savings)?;
    let mut slotting_out = serde_json::Map::new();
    for (name, p) in [
        ("velocity", SlottingPolicy::Velocity),
        ("abc", SlottingPolicy::Abc),
        ("cube-per-order", SlottingPolicy::CubePerOrder),
    ] {
        let t = travel(&day, &slot(p)?, BatchingPolicy::Savings)?;
        println!(
            "slotting {name:>14}: {t:.0} m, {:.1}% below random ({random_m:.0} m)",
            pct(t, random_m)
        );
        slotting_out
            .insert(name.into(), json!({"travel_m": t, "below_random_pct": pct(t, random_m)}));
    }
    slotting_out.insert("random_m".into(), json!(random_m));
    summary.insert("slotting".into(), json!(slotting_out));
    if args.urgent_orders > 0 {
        let urgent = urgent_rows(&layout, &day, &history, &by_velocity, &args, &ctx)?;
        summary.insert("urgent".into(), urgent);
        // The same building with 3 robots: they fall behind the releases, so batches wait
        // that an urgent order can join.
        let busy = generate::layout(2, 20, 20, 3)?;
        let urgent = urgent_rows(&busy, &day, &history, &by_velocity, &args, &ctx)?;
        summary.insert("urgent_3_robots".into(), urgent);
    }

    if !args.no_big {
        let layout = generate::layout(3, 30, 20, args.big_robots)?;
        let options = DayOptions { skus: 5000, lines: args.big_lines, ..DayOptions::default() };
        let day = generate::order_day(&options, args.seed)?;
        let history = generate::order_day(&options, args.seed.wrapping_add(1))?;
        let s = slotting::slot(
            &layout,
            &day.skus,
            &slotting::velocity_from_day(&history),
            SlottingPolicy::Velocity,
            args.seed,
        )?;
        let started = Instant::now();
        let picked =
            pick_day(&layout, &day, &s, &PickConfig::default(), &ctx).context("the timed day")?;
        let wall = started.elapsed().as_secs_f64();
        println!(
            "scale: {} lines, {} orders, {} batches, {} robots, 3 blocks x 30 aisles: {wall:.2} s wall (batch, route, check, assign, replay); travel {:.0} m; makespan {:.0} s planned, {:.0} s with {} waits ({:.0} s waiting)",
            picked.lines,
            day.orders.len(),
            picked.batches.len(),
            args.big_robots,
            picked.travel_cm as f64 / 100.0,
            picked.assignment.makespan_ms as f64 / 1000.0,
            picked.congestion.makespan_ms as f64 / 1000.0,
            picked.congestion.waits,
            picked.congestion.wait_ms as f64 / 1000.0
        );
        summary.insert("scale".into(), json!({"lines": picked.lines, "orders": day.orders.len(), "batches": picked.batches.len(), "robots": args.big_robots, "wall_s": wall, "makespan_s": picked.assignment.makespan_ms as f64 / 1000.0, "congested_makespan_s": picked.congestion.makespan_ms as f64 / 1000.0, "waits": picked.congestion.waits}));
    }
    println!("{}", serde_json::Value::Object(summary));
    Ok(ExitCode::SUCCESS)
}
