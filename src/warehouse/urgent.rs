//! Re-planning when an urgent order arrives while a pick day is under way.
//!
//! The robots are executing a [`PickDay`]; an order arrives at `arrives_ms` that must not
//! wait for the next wave. What may change and what may not:
//! - a batch whose planned start is at or before the arrival is under way (a robot has left
//!   with its totes): it keeps its orders, path, robot and start exactly;
//! - the urgent order either joins a batch that is released but not started (when its totes
//!   fit and the joined batch still ends by the order's due time; the cheapest such
//!   insertion in added travel wins, since it saves a trip) or becomes a batch of its own;
//! - the batch holding it goes first, on the robot free soonest after the arrival; every
//!   other batch not started is re-assigned by the same LPT-per-wave rule as the plan
//!   ([`super::robots::assign`]), on robots that are free when their started batches end.
//!
//! Batch indices are kept: batch `k` of the new plan is batch `k` of the old one (the joined
//! batch with the urgent order's lines added), and a new batch is appended at the end, so
//! the started batches can be compared one to one. The re-routed batch goes through the
//! independent checker like every other.

use super::batching::{Batch, placed_lines, totes_of};
use super::check::check_path;
use super::error::WarehouseError;
use super::layout::Layout;
use super::orders::{LineRef, OrderDay, PickLine, PickOrder, WhSkuIdx, stops_of};
use super::path::PickPath;
use super::pick::{PickConfig, PickDay, PickedBatch};
use super::robots::{Assignment, batch_ms, simulate};
use super::slotting::Slotting;
use crate::context::SolveContext;
use crate::ids::OrderId;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// The most not-started batches tried as hosts of the urgent order (the earliest planned).
pub const MAX_CANDIDATES: usize = 64;
/// The most lines an urgent order may have.
pub const MAX_URGENT_LINES: usize = 1000;

/// An urgent order as a client writes it: SKUs by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgentOrder {
    /// The order id.
    #[schema(example = "URGENT-1")]
    pub id: String,
    /// When it arrives (seconds after the day's start).
    #[schema(example = 900)]
    pub arrives_s: u32,
    /// It should be picked within this many seconds of its arrival (default 1800); it joins
    /// a batch only when that batch still ends in time.
    #[serde(default = "default_due_s")]
    #[schema(example = 1800)]
    pub due_s: u32,
    /// Its lines.
    pub lines: Vec<UrgentLine>,
}

fn default_due_s() -> u32 {
    1800
}

/// One line of an urgent order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgentLine {
    /// The SKU id (one of the day's SKUs).
    #[schema(example = "S000003")]
    pub sku: String,
    /// Quantity (units).
    #[schema(example = 1.0)]
    pub quantity: f64,
}

impl UrgentOrder {
    /// The order in the day's terms (SKUs by index), released at its arrival.
    ///
    /// # Errors
    /// [`WarehouseError::UnknownSku`] for a SKU the day does not list (its line index),
    /// [`WarehouseError::BadOption`] for no lines, too many, or a quantity that is not
    /// positive and finite.
    pub fn resolve(&self, day: &OrderDay) -> Result<PickOrder, WarehouseError> {
        if self.lines.is_empty() || self.lines.len() > MAX_URGENT_LINES {
            return Err(WarehouseError::BadOption {
                option: "urgent.lines",
                value: self.lines.len() as u64,
                expected: "1..=1000 lines",
            });
        }
        let index: HashMap<&str, u32> =
            day.skus.iter().zip(0u32..).map(|(s, i)| (s.id.as_str(), i)).collect();
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            let Some(&k) = index.get(l.sku.as_str()) else {
                return Err(WarehouseError::UnknownSku { sku: l.sku.clone(), line: i });
            };
            if !(l.quantity.is_finite() && l.quantity > 0.0) {
                return Err(WarehouseError::BadOption {
                    option: "urgent.lines.quantity",
                    value: i as u64,
                    expected: "a positive, finite quantity (value = the line's index)",
                });
            }
            lines.push(PickLine { sku: WhSkuIdx(k), quantity: l.quantity });
        }
        Ok(PickOrder { id: OrderId::new(self.id.as_str()), release_s: self.arrives_s, lines })
    }
}

/// The plan after the urgent order was inserted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replanned {
    /// The new plan (batch `k` is the old batch `k`; a new batch is appended).
    pub plan: PickDay,
    /// Batches under way when the order arrived (unchanged).
    pub started: Vec<usize>,
    /// The batch that picks the urgent order.
    pub urgent_batch: usize,
    /// Whether it joined a batch of the plan (`false`: a batch of its own).
    pub joined: bool,
    /// When the urgent order arrived, ms.
    pub arrives_ms: u64,
    /// When its batch ends in the plan (no congestion), ms.
    pub urgent_done_ms: u64,
    /// Travel added to the day by the order, cm.
    pub added_travel_cm: i64,
}

/// Which order of the day is urgent, and how soon it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Urgent {
    /// Index of the order in the day.
    pub order: u32,
    /// It should be picked within this many seconds of its arrival (its release).
    pub due_s: u32,
}

/// Inserts order `urgent.order` of `day` (an order no batch of `plan` holds, usually the last)
/// into `plan`, which was made for the other orders of `day` with `config`.
///
/// # Errors
/// [`WarehouseError::BadOption`] when `urgent` is not an order of `day` or a batch of `plan`
/// already holds it; [`WarehouseError::OrderTooLarge`], [`WarehouseError::Unslotted`] for
/// the order; [`WarehouseError::CheckFailed`] if a path is refused (a bug); an interruption.
///
/// # Complexity
/// Up to [`MAX_CANDIDATES`] + 1 routings of one batch, then O(B log B + B log R).
pub fn insert_urgent(
    layout: &Layout,
    day: &OrderDay,
    slotting: &Slotting,
    config: &PickConfig,
    plan: &PickDay,
    urgent: Urgent,
    ctx: &SolveContext,
) -> Result<Replanned, WarehouseError> {
    let Urgent { order: urgent, due_s } = urgent;
    let Some(order) = day.orders.get(urgent as usize) else {
        return Err(WarehouseError::BadOption {
            option: "urgent",
            value: u64::from(urgent),
            expected: "an order of the day",
        });
    };
    if plan.batches.iter().any(|b| b.batch.orders.contains(&urgent)) {
        return Err(WarehouseError::BadOption {
            option: "urgent",
            value: u64::from(urgent),
            expected: "an order the plan does not pick yet",
        });
    }
    let arrives_ms = u64::from(order.release_s) * 1000;
    let due_ms = arrives_ms + u64::from(due_s) * 1000;
    let cap = layout.spec.robots.totes;
    let tote = layout.spec.robots.tote_volume_m3;
    let totes = totes_of(day.order_volume_m3(order), tote);
    if totes > cap {
        return Err(WarehouseError::OrderTooLarge {
            order: order.id.to_string(),
            totes,
            capacity: cap,
        });
    }
    let urgent_lines = placed_lines(day, slotting, urgent)?;
    let n = plan.batches.len();
    let a = &plan.assignment;
    let started: Vec<usize> = (0..n).filter(|&k| a.start_ms[k] <= arrives_ms).collect();
    let robots = layout.spec.robots.count.max(1);
    let mut free = vec![arrives_ms; robots as usize];
    for &k in &started {
        let r = a.robot_of[k] as usize;
        if let Some(f) = free.get_mut(r) {
            *f = (*f).max(a.start_ms[k] + plan.batches[k].duration_ms);
        }
    }
    let soonest = free.iter().copied().min().unwrap_or(arrives_ms);
    let router = config.method.router(layout);
    let wave_ms = u64::from(config.wave_s) * 1000;
    let route = |lines: &[LineRef], k: usize| -> Result<(PickPath, i64), WarehouseError> {
        ctx.check()?;
        let path = router.route(layout, &stops_of(layout, lines), ctx)?;
        let length = check_path(layout, lines, &path)
            .map_err(|v| WarehouseError::CheckFailed { batch: k, reason: v.to_string() })?;
        Ok((path, length))
    };
    // The order alone.
    let (alone, alone_cm) = route(&urgent_lines, n)?;
    let mut best: (Option<usize>, PickPath, i64, Vec<LineRef>, i64) =
        (None, alone, alone_cm, urgent_lines.clone(), alone_cm);
    let mut best_done = soonest + batch_ms(layout, &best.1);
    let mut hosts: Vec<usize> = (0..n)
        .filter(|&k| {
            a.start_ms[k] > arrives_ms
                && u64::from(plan.batches[k].batch.wave) * wave_ms <= arrives_ms
                && batch_totes(day, &plan.batches[k].batch, tote) + totes <= cap
        })
        .collect();
    hosts.sort_by_key(|&k| (a.start_ms[k], k));
    hosts.truncate(MAX_CANDIDATES);
    for k in hosts {
        let mut lines = Vec::new();
        for &o in &plan.batches[k].batch.orders {
            lines.extend(placed_lines(day, slotting, o)?);
        }
        lines.extend(urgent_lines.iter().copied());
        let (path, length) = route(&lines, k)?;
        let done = soonest + batch_ms(layout, &path);
        let added = length - plan.batches[k].length_cm;
        let in_time = |d: u64| d <= due_ms;
        let better = match (in_time(done), in_time(best_done)) {
            (true, true) => added < best.4 || (added == best.4 && done < best_done),
            (true, false) => true,
            (false, true) => false,
            (false, false) => done < best_done,
        };
        if better {
            best = (Some(k), path, length, lines, added);
            best_done = done;
        }
    }
    let (host, path, length_cm, lines, added_travel_cm) = best;
    let duration_ms = batch_ms(layout, &path);
    let mut batches = plan.batches.clone();
    let urgent_batch = match host {
        Some(k) => {
            let b = &mut batches[k];
            b.batch.orders.push(urgent);
            b.lines = lines.len();
            b.path = path;
            b.length_cm = length_cm;
            b.duration_ms = duration_ms;
            k
        }
        None => {
            let wave = (arrives_ms / wave_ms.max(1)) as u32;
            batches.push(PickedBatch {
                batch: Batch { wave, orders: vec![urgent] },
                lines: lines.len(),
                path,
                length_cm,
                duration_ms,
            });
            n
        }
    };
    let durations: Vec<u64> = batches.iter().map(|b| b.duration_ms).collect();
    let release: Vec<u64> = batches.iter().map(|b| u64::from(b.batch.wave) * wave_ms).collect();
    let fixed: Vec<(usize, u32, u64)> =
        started.iter().map(|&k| (k, a.robot_of[k], a.start_ms[k])).collect();
    let assignment = reschedule(&durations, &release, robots, &fixed, urgent_batch, arrives_ms);
    let urgent_done_ms = assignment.start_ms[urgent_batch] + durations[urgent_batch];
    let paths: Vec<PickPath> = batches.iter().map(|b| b.path.clone()).collect();
    let congestion = simulate(layout, &paths, &assignment);
    let plan = PickDay {
        method: plan.method,
        travel_cm: batches.iter().map(|b| b.length_cm).sum(),
        lines: batches.iter().map(|b| b.lines).sum(),
        batches,
        assignment,
        congestion,
    };
    Ok(Replanned {
        plan,
        started,
        urgent_batch,
        joined: host.is_some(),
        arrives_ms,
        urgent_done_ms,
        added_travel_cm,
    })
}

fn batch_totes(day: &OrderDay, batch: &Batch, tote_m3: f64) -> u32 {
    batch
        .orders
        .iter()
        .filter_map(|&o| day.orders.get(o as usize))
        .map(|o| totes_of(day.order_volume_m3(o), tote_m3))
        .sum()
}

/// Assigns batches with some of them fixed: `fixed` (batch, robot, start) keep theirs, batch
/// `first` goes next on the robot free soonest (not before `now_ms`), and the rest go by LPT
/// per wave as in [`super::robots::assign`], a wave after every batch of the waves before.
///
/// # Complexity
/// O(B log B + B log R).
pub fn reschedule(
    durations_ms: &[u64],
    wave_release_ms: &[u64],
    robots: u32,
    fixed: &[(usize, u32, u64)],
    first: usize,
    now_ms: u64,
) -> Assignment {
    let n = durations_ms.len();
    let robots = robots.max(1);
    let mut robot_of = vec![0u32; n];
    let mut start_ms = vec![0u64; n];
    let mut placed = vec![false; n];
    let mut free = vec![now_ms; robots as usize];
    // The end of the latest batch placed per wave release, for the wave floor.
    let mut end_by_release: Vec<(u64, u64)> = Vec::new();
    let mut note = |release: u64, end: u64| end_by_release.push((release, end));
    for &(k, r, s) in fixed {
        if k >= n {
            continue;
        }
        let r = r.min(robots - 1);
        (robot_of[k], start_ms[k], placed[k]) = (r, s, true);
        free[r as usize] = free[r as usize].max(s + durations_ms[k]);
        note(wave_release_ms[k], s + durations_ms[k]);
    }
    if first < n && !placed[first] {
        let r = (0..robots as usize).min_by_key(|&r| (free[r], r)).unwrap_or(0);
        (robot_of[first], start_ms[first], placed[first]) = (r as u32, free[r], true);
        free[r] += durations_ms[first];
        note(wave_release_ms[first], free[r]);
    }
    let mut order: Vec<usize> = (0..n).filter(|&k| !placed[k]).collect();
    order.sort_by_key(|&k| (wave_release_ms[k], Reverse(durations_ms[k]), k));
    let mut i = 0;
    while i < order.len() {
        let release = wave_release_ms[order[i]];
        let end = i + order[i..].partition_point(|&k| wave_release_ms[k] == release);
        let floor = end_by_release
            .iter()
            .filter(|&&(r, _)| r < release)
            .map(|&(_, e)| e)
            .max()
            .unwrap_or(0);
        let begin = release.max(floor);
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> =
            (0..robots).map(|r| Reverse((free[r as usize].max(begin), r))).collect();
        for &k in &order[i..end] {
            let Reverse((t, r)) = heap.pop().expect("robots >= 1");
            (robot_of[k], start_ms[k]) = (r, t);
            let done = t + durations_ms[k];
            free[r as usize] = done;
            end_by_release.push((release, done));
            heap.push(Reverse((done, r)));
        }
        i = end;
    }
    let makespan_ms = (0..n).map(|k| start_ms[k] + durations_ms[k]).max().unwrap_or(0);
    Assignment { robot_of, start_ms, makespan_ms }
}

/// The baseline: the urgent order waits for the next wave. `day` holds it (order `urgent`)
/// released at the start of the wave after its arrival; the whole day is planned again and
/// the order is picked with that wave's batching. Returns the plan and when the urgent
/// order's batch ends, ms.
///
/// # Errors
/// Those of [`super::pick_day`].
pub fn next_wave(
    layout: &Layout,
    day: &OrderDay,
    slotting: &Slotting,
    config: &PickConfig,
    urgent: u32,
    ctx: &SolveContext,
) -> Result<(PickDay, u64), WarehouseError> {
    let picked = super::pick_day(layout, day, slotting, config, ctx)?;
    let done = picked
        .batches
        .iter()
        .enumerate()
        .find(|(_, b)| b.batch.orders.contains(&urgent))
        .map_or(0, |(k, b)| picked.assignment.start_ms[k] + b.duration_ms);
    Ok((picked, done))
}

/// `order` released at the start of the wave after `arrives_s` (what [`next_wave`] plans).
pub fn released_next_wave(order: &PickOrder, wave_s: u32) -> PickOrder {
    let wave_s = wave_s.max(1);
    let next = (order.release_s / wave_s).saturating_add(1).saturating_mul(wave_s);
    PickOrder { release_s: next, ..order.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::batching::BatchingPolicy;
    use crate::warehouse::generate::{self, DayOptions};
    use crate::warehouse::pick_day;
    use crate::warehouse::slotting::{SlottingPolicy, slot, velocity_from_day};
    use proptest::prelude::*;

    fn setup(seed: u64) -> (Layout, OrderDay, Slotting) {
        let layout = generate::layout(2, 8, 10, 3).unwrap();
        let options = DayOptions { skus: 300, lines: 600, shift_s: 4 * 3600, ..Default::default() };
        let day = generate::order_day(&options, seed).unwrap();
        let s = slot(&layout, &day.skus, &velocity_from_day(&day), SlottingPolicy::Velocity, 0)
            .unwrap();
        (layout, day, s)
    }

    fn urgent_order(day: &OrderDay, seed: u64, arrives_s: u32) -> PickOrder {
        let k = |i: u64| WhSkuIdx(((seed * 7 + i * 13) % day.skus.len() as u64) as u32);
        let lines = (0..1 + seed % 3).map(|i| PickLine { sku: k(i), quantity: 1.0 }).collect();
        PickOrder { id: OrderId::new("URGENT"), release_s: arrives_s, lines }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn started_batches_never_change_and_every_line_is_picked_once(
            seed in 0u64..1000,
            arrives_s in 0u32..(4 * 3600),
            due_s in prop::sample::select(vec![60u32, 1800, 36_000]),
            batching in prop::sample::select(vec![BatchingPolicy::Fcfs, BatchingPolicy::Savings]),
        ) {
            let (layout, mut day, s) = setup(seed);
            let config = PickConfig { batching, ..PickConfig::default() };
            let ctx = SolveContext::new(seed);
            let before = pick_day(&layout, &day, &s, &config, &ctx).unwrap();
            day.orders.push(urgent_order(&day, seed, arrives_s));
            let urgent = (day.orders.len() - 1) as u32;
            let r = insert_urgent(&layout, &day, &s, &config, &before, Urgent { order: urgent, due_s }, &ctx).unwrap();
            let after = &r.plan;
            // Started batches are exactly as they were.
            for &k in &r.started {
                prop_assert!(before.assignment.start_ms[k] <= r.arrives_ms);
                prop_assert_eq!(&after.batches[k], &before.batches[k]);
                prop_assert_eq!(after.assignment.robot_of[k], before.assignment.robot_of[k]);
                prop_assert_eq!(after.assignment.start_ms[k], before.assignment.start_ms[k]);
                prop_assert!(k != r.urgent_batch);
            }
            // Batches not started start after the arrival, never overlapping on a robot.
            for k in 0..after.batches.len() {
                if !r.started.contains(&k) {
                    prop_assert!(after.assignment.start_ms[k] >= r.arrives_ms);
                }
            }
            let mut by_robot: HashMap<u32, Vec<(u64, u64)>> = HashMap::new();
            for (k, b) in after.batches.iter().enumerate() {
                let st = after.assignment.start_ms[k];
                by_robot.entry(after.assignment.robot_of[k]).or_default().push((st, st + b.duration_ms));
            }
            for spans in by_robot.values_mut() {
                spans.sort_unstable();
                prop_assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "{:?}", spans);
            }
            // Every order in one batch, every line picked once (the checker, per batch).
            let mut seen = vec![0u32; day.orders.len()];
            for b in &after.batches {
                let mut lines = Vec::new();
                for &o in &b.batch.orders {
                    seen[o as usize] += 1;
                    lines.extend(placed_lines(&day, &s, o).unwrap());
                }
                prop_assert_eq!(check_path(&layout, &lines, &b.path), Ok(b.length_cm));
                let totes = batch_totes(&day, &b.batch, layout.spec.robots.tote_volume_m3);
                prop_assert!(totes <= layout.spec.robots.totes);
            }
            prop_assert!(seen.iter().all(|&c| c == 1));
            prop_assert_eq!(after.lines, day.lines());
            prop_assert!(after.batches[r.urgent_batch].batch.orders.contains(&urgent));
            prop_assert_eq!(
                r.urgent_done_ms,
                after.assignment.start_ms[r.urgent_batch] + after.batches[r.urgent_batch].duration_ms
            );
        }
    }

    #[test]
    fn an_urgent_order_is_picked_before_the_next_wave_would_and_bad_input_is_refused() {
        let (layout, mut day, s) = setup(4);
        let config = PickConfig::default();
        let ctx = SolveContext::new(1);
        let before = pick_day(&layout, &day, &s, &config, &ctx).unwrap();
        let order = urgent_order(&day, 4, 5400);
        day.orders.push(order.clone());
        let urgent = (day.orders.len() - 1) as u32;
        let r = insert_urgent(
            &layout,
            &day,
            &s,
            &config,
            &before,
            Urgent { order: urgent, due_s: 1800 },
            &ctx,
        )
        .unwrap();
        let mut waiting = day.clone();
        waiting.orders[urgent as usize] = released_next_wave(&order, config.wave_s);
        assert_eq!(waiting.orders[urgent as usize].release_s, 7200);
        let (_, done) = next_wave(&layout, &waiting, &s, &config, urgent, &ctx).unwrap();
        assert!(r.urgent_done_ms < done, "{} vs {done}", r.urgent_done_ms);
        assert!(r.urgent_done_ms <= r.arrives_ms + 1_800_000);
        // Twice is refused, as is an order beyond the day.
        let again = insert_urgent(
            &layout,
            &day,
            &s,
            &config,
            &r.plan,
            Urgent { order: urgent, due_s: 1800 },
            &ctx,
        );
        assert!(matches!(again, Err(WarehouseError::BadOption { option: "urgent", .. })));
        let beyond = insert_urgent(
            &layout,
            &day,
            &s,
            &config,
            &before,
            Urgent { order: urgent + 1, due_s: 1800 },
            &ctx,
        );
        assert!(matches!(beyond, Err(WarehouseError::BadOption { .. })));
        let bad = UrgentOrder {
            id: "U".into(),
            arrives_s: 0,
            due_s: 60,
            lines: vec![UrgentLine { sku: "nope".into(), quantity: 1.0 }],
        };
        assert!(matches!(bad.resolve(&day), Err(WarehouseError::UnknownSku { line: 0, .. })));
    }

    #[test]
    fn reschedule_keeps_fixed_batches_and_puts_the_urgent_one_first() {
        // Two robots; batch 0 under way on robot 1 until 10; batch 2 urgent; 1 and 3 wait.
        let plan = reschedule(&[10, 4, 3, 4], &[0; 4], 2, &[(0, 1, 0)], 2, 2);
        assert_eq!((plan.robot_of[0], plan.start_ms[0]), (1, 0));
        assert_eq!((plan.robot_of[2], plan.start_ms[2]), (0, 2));
        assert_eq!(plan.start_ms[1].min(plan.start_ms[3]), 5);
        assert_eq!(plan.makespan_ms, 13);
    }
}
