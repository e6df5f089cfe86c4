//! The stage's entry point: a day of orders batched, routed, checked and given to robots.

use super::batching::{Batch, BatchingPolicy, batch, placed_lines};
use super::check::check_path;
use super::error::WarehouseError;
use super::layout::Layout;
use super::orders::{OrderDay, stops_of};
use super::path::PickPath;
use super::paths::Method;
use super::robots::{Assignment, Congestion, assign, batch_ms, simulate};
use super::slotting::Slotting;
use crate::context::SolveContext;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How a pick day is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PickConfig {
    /// Batching policy.
    pub batching: BatchingPolicy,
    /// Pick-path method.
    pub method: Method,
    /// Length of a wave, s (orders released in one wave are batched together).
    pub wave_s: u32,
}

impl Default for PickConfig {
    fn default() -> Self {
        Self { batching: BatchingPolicy::default(), method: Method::default(), wave_s: 3600 }
    }
}

/// One routed, checked batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickedBatch {
    /// The orders and their wave.
    pub batch: Batch,
    /// Lines picked.
    pub lines: usize,
    /// The path.
    pub path: PickPath,
    /// Length recomputed by the checker, cm.
    pub length_cm: i64,
    /// Travel and pick time, ms.
    pub duration_ms: u64,
}

/// A planned pick day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickDay {
    /// The method that routed the batches.
    pub method: &'static str,
    /// Every batch.
    pub batches: Vec<PickedBatch>,
    /// Total travel of the day, cm (checked lengths).
    pub travel_cm: i64,
    /// Lines of the day.
    pub lines: usize,
    /// Robots per batch and planned starts.
    pub assignment: Assignment,
    /// The replay with narrow-aisle waiting.
    pub congestion: Congestion,
}

/// Batches, routes, checks and assigns a day of orders.
///
/// Batches are routed in parallel on the context's threads; every path goes through the
/// independent checker, and the checked length is the one reported. Progress: phases
/// `batch`, `route` (one step per batch) and `assign`.
///
/// # Errors
/// What [`batch`] returns; [`WarehouseError::Unsupported`] for a method the layout does not
/// allow; [`WarehouseError::CheckFailed`] if a path is refused (a bug); an interruption.
pub fn pick_day(
    layout: &Layout,
    day: &OrderDay,
    slotting: &Slotting,
    config: &PickConfig,
    ctx: &SolveContext,
) -> Result<PickDay, WarehouseError> {
    let progress = ctx.progress();
    progress.phase("batch");
    let batches = batch(layout, day, slotting, config.batching, config.wave_s, ctx)?;
    progress.phase("route");
    progress.set_total(batches.len() as u64);
    let router = config.method.router(layout);
    if !router.supports(layout) {
        return Err(WarehouseError::Unsupported {
            method: router.name(),
            blocks: layout.blocks(),
            max_blocks: if config.method == Method::ExactTwoBlock { 2 } else { 1 },
        });
    }
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(ctx.threads()).build().map_err(|_| {
            WarehouseError::BadOption {
                option: "threads",
                value: ctx.threads() as u64,
                expected: "a thread pool of that size",
            }
        })?;
    let routed: Result<Vec<PickedBatch>, WarehouseError> = pool.install(|| {
        batches
            .into_par_iter()
            .enumerate()
            .map(|(k, b)| {
                ctx.check()?;
                let mut lines = Vec::new();
                for &o in &b.orders {
                    lines.extend(placed_lines(day, slotting, o)?);
                }
                let stops = stops_of(layout, &lines);
                let path = router.route(layout, &stops, ctx)?;
                let length_cm = check_path(layout, &lines, &path)
                    .map_err(|v| WarehouseError::CheckFailed { batch: k, reason: v.to_string() })?;
                let duration_ms = batch_ms(layout, &path);
                progress.advance(1);
                Ok(PickedBatch { batch: b, lines: lines.len(), path, length_cm, duration_ms })
            })
            .collect()
    });
    let batches = routed?;
    progress.phase("assign");
    let durations: Vec<u64> = batches.iter().map(|b| b.duration_ms).collect();
    let release: Vec<u64> =
        batches.iter().map(|b| u64::from(b.batch.wave) * u64::from(config.wave_s) * 1000).collect();
    let assignment = assign(&durations, &release, layout.spec.robots.count);
    let paths: Vec<PickPath> = batches.iter().map(|b| b.path.clone()).collect();
    let congestion = simulate(layout, &paths, &assignment);
    Ok(PickDay {
        method: router.name(),
        travel_cm: batches.iter().map(|b| b.length_cm).sum(),
        lines: batches.iter().map(|b| b.lines).sum(),
        batches,
        assignment,
        congestion,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::generate::{self, DayOptions};
    use crate::warehouse::slotting::{SlottingPolicy, slot, velocity_from_day};

    #[test]
    fn r15_a_day_is_planned_the_same_way_every_time() {
        // Equal-length paths of other shapes would meet in the narrow aisles differently, so
        // the congestion replay shows any nondeterminism of the paths' shapes.
        for blocks in [1, 2, 3] {
            let layout = generate::layout(blocks, 8, 10, 3).unwrap();
            let options = DayOptions { skus: 300, lines: 400, ..Default::default() };
            let day = generate::order_day(&options, 3).unwrap();
            let v = velocity_from_day(&day);
            let s = slot(&layout, &day.skus, &v, SlottingPolicy::Velocity, 0).unwrap();
            let ctx = SolveContext::new(0).with_threads(2);
            let first = pick_day(&layout, &day, &s, &PickConfig::default(), &ctx).unwrap();
            for _ in 0..3 {
                let again = pick_day(&layout, &day, &s, &PickConfig::default(), &ctx).unwrap();
                assert_eq!(again, first, "{blocks} block(s)");
            }
        }
    }
}
