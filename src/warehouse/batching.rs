//! Waves and batches: which orders one robot picks in one trip.
//!
//! Orders are grouped into waves by release time (one wave per `wave_s` seconds), and each
//! wave's orders into batches that fit a robot's totes (an order takes
//! `ceil(volume / tote volume)` totes, at least one, and never shares a tote).
//! Policies (de Koster, Le-Duc and Roodbergen 2007 survey the family):
//! - [`BatchingPolicy::SingleOrder`]: one order per trip, the reference the bar is set on;
//! - [`BatchingPolicy::Fcfs`]: first come, first served, filling each robot in release order;
//! - [`BatchingPolicy::Seed`]: the earliest open order seeds a batch; the order adding the
//!   fewest new aisle stretches (then nearest by centre of gravity) joins until full;
//! - [`BatchingPolicy::Savings`]: Clarke and Wright savings `d(i) + d(j) - d(i+j)` on pairs of
//!   near orders (each order's 10 nearest by centre of gravity), with the S-shape length as
//!   `d`, batches merged in order of decreasing saving while they fit.

use super::error::WarehouseError;
use super::layout::{Layout, Point};
use super::orders::{LineRef, OrderDay, stops_of};
use super::paths::s_shape_path as s_shape;
use super::slotting::Slotting;
use crate::context::SolveContext;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How orders are grouped into robot trips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum BatchingPolicy {
    /// One order per trip.
    SingleOrder,
    /// First come, first served.
    Fcfs,
    /// Seed and aisle-overlap.
    Seed,
    /// Clarke-Wright savings.
    #[default]
    Savings,
}

/// One robot trip: the orders it picks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Batch {
    /// The wave it belongs to.
    pub wave: u32,
    /// Indices of its orders in the day.
    pub orders: Vec<u32>,
}

/// Every line of an order, placed by the slotting.
///
/// # Errors
/// [`WarehouseError::Unslotted`] when a line's SKU has no location.
pub fn placed_lines(
    day: &OrderDay,
    slotting: &Slotting,
    order: u32,
) -> Result<Vec<LineRef>, WarehouseError> {
    let Some(o) = day.orders.get(order as usize) else { return Ok(Vec::new()) };
    o.lines
        .iter()
        .zip(0u32..)
        .map(|(l, line)| {
            let location = slotting.of(l.sku).ok_or_else(|| WarehouseError::Unslotted {
                sku: day
                    .skus
                    .get(l.sku.0 as usize)
                    .map_or_else(|| format!("#{}", l.sku.0), |s| s.id.to_string()),
                order: o.id.to_string(),
                slotted: slotting.location_of.len(),
            })?;
            Ok(LineRef { order, line, location })
        })
        .collect()
}

/// The most orders seed and savings batching compare at once (a wave is cut into pools of
/// this size in release order).
pub const MAX_POOL: usize = 2000;

/// Per order, what batching looks at.
struct OrderInfo {
    totes: u32,
    lines: Vec<LineRef>,
    /// (aisle, block) stretches it visits.
    stretches: BTreeSet<(u32, u32)>,
    centre: (f64, f64),
}

/// Totes an order of `volume_m3` takes.
pub(crate) fn totes_of(volume_m3: f64, tote_m3: f64) -> u32 {
    ((volume_m3 / tote_m3).ceil().clamp(1.0, f64::from(u32::MAX))) as u32
}

/// Groups a day's orders into waves and batches.
///
/// # Errors
/// [`WarehouseError::OrderTooLarge`] for an order that needs more totes than a robot has,
/// [`WarehouseError::Unslotted`] for a line without a location, [`WarehouseError::BadOption`]
/// for a wave shorter than a second; an interruption of the run.
///
/// # Complexity
/// Per wave of n orders: O(n) single-order and FCFS, O(n x min(n, MAX_POOL)) seed and
/// savings.
pub fn batch(
    layout: &Layout,
    day: &OrderDay,
    slotting: &Slotting,
    policy: BatchingPolicy,
    wave_s: u32,
    ctx: &SolveContext,
) -> Result<Vec<Batch>, WarehouseError> {
    if wave_s == 0 {
        return Err(WarehouseError::BadOption {
            option: "wave_s",
            value: 0,
            expected: "at least 1 s",
        });
    }
    let cap = layout.spec.robots.totes;
    let mut infos = Vec::with_capacity(day.orders.len());
    for (i, o) in day.orders.iter().enumerate() {
        let totes = totes_of(day.order_volume_m3(o), layout.spec.robots.tote_volume_m3);
        if totes > cap {
            return Err(WarehouseError::OrderTooLarge {
                order: o.id.to_string(),
                totes,
                capacity: cap,
            });
        }
        let lines = placed_lines(day, slotting, i as u32)?;
        let points: Vec<Point> =
            lines.iter().filter_map(|l| layout.location(l.location)).map(|l| l.point).collect();
        let stretches = lines
            .iter()
            .filter_map(|l| layout.location(l.location))
            .map(|l| (l.aisle, l.block))
            .collect();
        let n = points.len().max(1) as f64;
        let centre = (
            points.iter().map(|p| p.x_cm as f64).sum::<f64>() / n,
            points.iter().map(|p| p.y_cm as f64).sum::<f64>() / n,
        );
        infos.push(OrderInfo { totes, lines, stretches, centre });
    }
    // Waves by release time, orders in release order within each.
    let mut by_release: Vec<u32> = (0..day.orders.len() as u32).collect();
    by_release.sort_by_key(|&i| (day.orders[i as usize].release_s, i));
    let mut batches = Vec::new();
    let mut start = 0;
    while start < by_release.len() {
        ctx.check()?;
        let wave = day.orders[by_release[start] as usize].release_s / wave_s;
        let end = start
            + by_release[start..]
                .partition_point(|&i| day.orders[i as usize].release_s / wave_s == wave);
        // Seed and savings are quadratic in the orders they compare: a wave is cut into
        // chunks of at most MAX_POOL orders in release order, so a day released all at once
        // (a scenario's orders.csv) still batches in bounded time.
        for members in by_release[start..end].chunks(MAX_POOL) {
            ctx.check()?;
            let groups = match policy {
                BatchingPolicy::SingleOrder => members.iter().map(|&i| vec![i]).collect(),
                BatchingPolicy::Fcfs => fcfs(&infos, members, cap),
                BatchingPolicy::Seed => seed(&infos, members, cap),
                BatchingPolicy::Savings => savings(layout, &infos, members, cap),
            };
            batches.extend(groups.into_iter().map(|orders| Batch { wave, orders }));
        }
        start = end;
    }
    Ok(batches)
}

fn fcfs(infos: &[OrderInfo], members: &[u32], cap: u32) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut load = cap + 1;
    for &i in members {
        let t = infos[i as usize].totes;
        if load + t > cap {
            out.push(Vec::new());
            load = 0;
        }
        load += t;
        out.last_mut().expect("pushed above").push(i);
    }
    out
}

fn seed(infos: &[OrderInfo], members: &[u32], cap: u32) -> Vec<Vec<u32>> {
    let mut open: Vec<u32> = members.to_vec();
    let mut out = Vec::new();
    while !open.is_empty() {
        let s = open.remove(0);
        let mut batch = vec![s];
        let mut load = infos[s as usize].totes;
        let mut stretches = infos[s as usize].stretches.clone();
        let (mut cx, mut cy) = infos[s as usize].centre;
        loop {
            let best = open
                .iter()
                .enumerate()
                .filter(|(_, i)| load + infos[**i as usize].totes <= cap)
                .map(|(k, &i)| {
                    let o = &infos[i as usize];
                    let new = o.stretches.iter().filter(|s| !stretches.contains(s)).count();
                    let d = (o.centre.0 - cx).abs() + (o.centre.1 - cy).abs();
                    (k, new, d)
                })
                .min_by(|a, b| a.1.cmp(&b.1).then(a.2.total_cmp(&b.2)));
            let Some((k, _, _)) = best else { break };
            let i = open.remove(k);
            let o = &infos[i as usize];
            load += o.totes;
            stretches.extend(o.stretches.iter().copied());
            let n = batch.len() as f64;
            (cx, cy) = ((cx * n + o.centre.0) / (n + 1.0), (cy * n + o.centre.1) / (n + 1.0));
            batch.push(i);
        }
        out.push(batch);
    }
    out
}

const SAVINGS_NEIGHBOURS: usize = 10;

fn savings(layout: &Layout, infos: &[OrderInfo], members: &[u32], cap: u32) -> Vec<Vec<u32>> {
    let length = |lines: &[LineRef]| s_shape(layout, &stops_of(layout, lines)).length_cm;
    let alone: Vec<i64> = members.iter().map(|&i| length(&infos[i as usize].lines)).collect();
    let mut pairs: Vec<(i64, usize, usize)> = Vec::new();
    for a in 0..members.len() {
        let ca = infos[members[a] as usize].centre;
        let mut near: Vec<(f64, usize)> = (0..members.len())
            .filter(|&b| b != a)
            .map(|b| {
                let cb = infos[members[b] as usize].centre;
                ((ca.0 - cb.0).abs() + (ca.1 - cb.1).abs(), b)
            })
            .collect();
        let k = SAVINGS_NEIGHBOURS.min(near.len());
        if k > 0 {
            near.select_nth_unstable_by(k - 1, |x, y| x.0.total_cmp(&y.0));
        }
        for &(_, b) in &near[..k] {
            let (i, j) = (a.min(b), a.max(b));
            let (oi, oj) = (&infos[members[i] as usize], &infos[members[j] as usize]);
            if oi.totes + oj.totes > cap {
                continue;
            }
            let both: Vec<LineRef> = oi.lines.iter().chain(&oj.lines).copied().collect();
            let saving = alone[i] + alone[j] - length(&both);
            if saving > 0 {
                pairs.push((saving, i, j));
            }
        }
    }
    pairs.sort_unstable_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    pairs.dedup();
    // Union of batches, as lists.
    let mut group: Vec<usize> = (0..members.len()).collect();
    let mut lists: Vec<Vec<usize>> = (0..members.len()).map(|i| vec![i]).collect();
    let mut load: Vec<u32> = members.iter().map(|&i| infos[i as usize].totes).collect();
    for (_, i, j) in pairs {
        let (gi, gj) = (group[i], group[j]);
        if gi == gj || load[gi] + load[gj] > cap {
            continue;
        }
        let moved = std::mem::take(&mut lists[gj]);
        for &m in &moved {
            group[m] = gi;
        }
        lists[gi].extend(moved);
        load[gi] += load[gj];
        load[gj] = 0;
    }
    lists
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(|mut l| {
            l.sort_unstable();
            l.into_iter().map(|k| members[k]).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::generate::{self, DayOptions};
    use crate::warehouse::slotting::{SlottingPolicy, slot, velocity_from_day};

    #[test]
    fn every_policy_batches_every_order_once_within_capacity() {
        let layout = generate::layout(2, 8, 10, 3).unwrap();
        let day =
            generate::order_day(&DayOptions { skus: 300, lines: 1200, ..Default::default() }, 9)
                .unwrap();
        let s = slot(&layout, &day.skus, &velocity_from_day(&day), SlottingPolicy::Velocity, 0)
            .unwrap();
        let ctx = SolveContext::new(0);
        for p in [
            BatchingPolicy::SingleOrder,
            BatchingPolicy::Fcfs,
            BatchingPolicy::Seed,
            BatchingPolicy::Savings,
        ] {
            let batches = batch(&layout, &day, &s, p, 3600, &ctx).unwrap();
            let mut seen = vec![0; day.orders.len()];
            for b in &batches {
                let totes: u32 = b
                    .orders
                    .iter()
                    .map(|&o| totes_of(day.order_volume_m3(&day.orders[o as usize]), 0.04))
                    .sum();
                assert!(totes <= layout.spec.robots.totes, "{p:?}");
                for &o in &b.orders {
                    seen[o as usize] += 1;
                    assert_eq!(day.orders[o as usize].release_s / 3600, b.wave);
                }
            }
            assert!(seen.iter().all(|&c| c == 1), "{p:?}");
            if p != BatchingPolicy::SingleOrder {
                assert!(batches.len() < day.orders.len() / 2, "{p:?}: {} batches", batches.len());
            }
        }
        assert!(batch(&layout, &day, &s, BatchingPolicy::Fcfs, 0, &ctx).is_err());
    }

    #[test]
    fn a_day_released_at_once_is_batched_in_pools() {
        let layout = generate::layout(1, 10, 10, 3).unwrap();
        let options = DayOptions { skus: 150, lines: 6000, shift_s: 0, ..Default::default() };
        let day = generate::order_day(&options, 2).unwrap();
        assert!(day.orders.len() > MAX_POOL);
        let s = slot(&layout, &day.skus, &velocity_from_day(&day), SlottingPolicy::Velocity, 0)
            .unwrap();
        let batches =
            batch(&layout, &day, &s, BatchingPolicy::Seed, 3600, &SolveContext::new(0)).unwrap();
        let mut seen = vec![0; day.orders.len()];
        for o in batches.iter().flat_map(|b| &b.orders) {
            seen[*o as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c == 1));
        // No batch mixes orders of two pools (pools are cut in release order).
        for b in &batches {
            let pools: std::collections::HashSet<_> =
                b.orders.iter().map(|&o| o as usize / MAX_POOL).collect();
            assert_eq!(pools.len(), 1);
        }
    }
}
