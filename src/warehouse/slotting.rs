//! Slotting: which storage location each SKU gets.
//!
//! The objective is the expected travel of picking: a SKU ordered `v` times a day at a
//! location whose round trip from the depot is `c` costs about `v x c`. With one SKU per
//! location and a per-location cost, the assignment that minimises `sum v_s c_loc(s)` is
//! the sorted one, the fastest SKU in the cheapest location (the rearrangement inequality:
//! any crossing pair can be swapped without loss), so [`SlottingPolicy::Velocity`] solves
//! that assignment problem exactly in O(n log n), without an LP. The baselines: class-based
//! storage ([`SlottingPolicy::Abc`]: the 20% fastest SKUs anywhere in the nearest 20% of
//! the locations, the next 30% in the next band, the rest behind), the cube-per-order index
//! ([`SlottingPolicy::CubePerOrder`], Heskett 1963: the SKUs needing the least space per pick
//! nearest) and random storage.
//!
//! Velocity comes from the forecast store's run for the centre ([`velocity_from_forecast`],
//! the mean forecast demand of the zones the centre serves) or from a day of orders.

use super::error::WarehouseError;
use super::layout::{Layout, LocIdx};
use super::orders::{WhSku, WhSkuIdx};
use crate::ids::{SkuId, ZoneId};
use crate::store::ForecastRow;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// How SKUs are assigned to locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SlottingPolicy {
    /// Fastest SKU nearest (exact for the expected-travel objective).
    #[default]
    Velocity,
    /// Class-based storage, random within the class.
    Abc,
    /// Cube-per-order index, lowest nearest.
    CubePerOrder,
    /// Random storage (the baseline).
    Random,
}

/// How fast each SKU moves, per day (indexed like the day's SKU table).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Velocity {
    /// Picks (order lines) per day, or a proxy proportional to them.
    pub picks_per_day: Vec<f64>,
    /// Units per day.
    pub units_per_day: Vec<f64>,
}

/// A location per SKU.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slotting {
    /// The location of SKU `k` (indexed by [`WhSkuIdx`]).
    pub location_of: Vec<LocIdx>,
}

impl Slotting {
    /// The SKU's location.
    pub fn of(&self, sku: WhSkuIdx) -> Option<LocIdx> {
        self.location_of.get(sku.0 as usize).copied()
    }
}

/// Locations from cheapest to dearest: round trip from the depot, then lower level first.
pub fn locations_by_cost(layout: &Layout) -> Vec<LocIdx> {
    let mut order: Vec<(i64, u32, u32)> = layout
        .locations
        .iter()
        .zip(0u32..)
        .map(|(l, i)| (layout.distance_cm(layout.depot, l.point), l.level, i))
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, _, i)| LocIdx(i)).collect()
}

/// Assigns every SKU a location under `policy`.
///
/// # Errors
/// [`WarehouseError::TooManySkus`] when there are more SKUs than locations.
///
/// # Complexity
/// O(L log L + S log S) for L locations and S SKUs.
pub fn slot(
    layout: &Layout,
    skus: &[WhSku],
    velocity: &Velocity,
    policy: SlottingPolicy,
    seed: u64,
) -> Result<Slotting, WarehouseError> {
    let n = skus.len();
    if n > layout.locations.len() {
        return Err(WarehouseError::TooManySkus { skus: n, locations: layout.locations.len() });
    }
    let locations = locations_by_cost(layout);
    let picks = |k: usize| velocity.picks_per_day.get(k).copied().unwrap_or(0.0).max(0.0);
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut by_speed: Vec<usize> = (0..n).collect();
    by_speed.sort_by(|&a, &b| picks(b).total_cmp(&picks(a)).then(a.cmp(&b)));
    let ranked: Vec<usize> = match policy {
        SlottingPolicy::Velocity => by_speed,
        SlottingPolicy::Random => {
            let mut v: Vec<usize> = (0..n).collect();
            v.shuffle(&mut rng);
            v
        }
        SlottingPolicy::Abc => {
            let (a_end, b_end) =
                ((n as f64 * 0.2).ceil() as usize, (n as f64 * 0.5).ceil() as usize);
            let mut v = by_speed;
            v[..a_end.min(n)].shuffle(&mut rng);
            v[a_end.min(n)..b_end.min(n)].shuffle(&mut rng);
            v[b_end.min(n)..].shuffle(&mut rng);
            v
        }
        SlottingPolicy::CubePerOrder => {
            let coi = |k: usize| {
                let cube = skus[k].volume_m3
                    * velocity.units_per_day.get(k).copied().unwrap_or(0.0).max(0.0);
                if picks(k) > 0.0 { cube / picks(k) } else { f64::INFINITY }
            };
            let mut v: Vec<usize> = (0..n).collect();
            v.sort_by(|&a, &b| coi(a).total_cmp(&coi(b)).then(a.cmp(&b)));
            v
        }
    };
    let mut location_of = vec![LocIdx(0); n];
    for (rank, &k) in ranked.iter().enumerate() {
        location_of[k] = locations[rank];
    }
    Ok(Slotting { location_of })
}

/// Expected round-trip travel per day of a slotting (the objective velocity slotting minimises).
///
/// # Units
/// Centimetres per day.
pub fn expected_travel_cm(layout: &Layout, slotting: &Slotting, velocity: &Velocity) -> f64 {
    slotting
        .location_of
        .iter()
        .zip(&velocity.picks_per_day)
        .filter_map(|(loc, v)| {
            layout
                .location(*loc)
                .map(|l| 2.0 * layout.distance_cm(layout.depot, l.point) as f64 * v)
        })
        .sum()
}

/// One proposed re-slotting move: swap the locations of two SKUs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Swap {
    /// The faster SKU, moving nearer.
    pub sku: WhSkuIdx,
    /// The SKU it trades places with.
    pub with: WhSkuIdx,
    /// Expected travel saved per day, cm.
    pub saving_cm_per_day: f64,
}

/// Up to `max_moves` swaps that bring `current` towards velocity slotting, to be applied in
/// order: the fastest SKU first takes the place velocity slotting gives it, trading with its
/// holder. Each swap saves travel in the state left by the ones before it (a faster SKU moves
/// nearer), so any prefix of the list is a valid smaller plan. A swap moves two SKUs and
/// counts as one move.
///
/// # Complexity
/// O(S log S) for S SKUs.
pub fn reslot(
    layout: &Layout,
    current: &Slotting,
    velocity: &Velocity,
    max_moves: usize,
) -> Vec<Swap> {
    let n = current.location_of.len();
    let cost = |loc: LocIdx| {
        layout.location(loc).map_or(0.0, |l| 2.0 * layout.distance_cm(layout.depot, l.point) as f64)
    };
    let v = |k: usize| velocity.picks_per_day.get(k).copied().unwrap_or(0.0).max(0.0);
    let mut loc = current.location_of.clone();
    let mut swaps = Vec::new();
    // Target: the SKUs' current locations, sorted by cost, go to the SKUs by speed.
    let mut held: Vec<LocIdx> = loc.clone();
    held.sort_by(|a, b| cost(*a).total_cmp(&cost(*b)).then(a.cmp(b)));
    let mut by_speed: Vec<usize> = (0..n).collect();
    by_speed.sort_by(|&a, &b| v(b).total_cmp(&v(a)).then(a.cmp(&b)));
    let mut holder: HashMap<LocIdx, usize> = loc.iter().enumerate().map(|(k, l)| (*l, k)).collect();
    for (&k, &target) in by_speed.iter().zip(&held) {
        if swaps.len() >= max_moves {
            break;
        }
        let other = holder[&target];
        if other == k {
            continue;
        }
        let saving = (v(k) - v(other)) * (cost(loc[k]) - cost(target));
        if saving > 0.0 {
            swaps.push(Swap {
                sku: WhSkuIdx(k as u32),
                with: WhSkuIdx(other as u32),
                saving_cm_per_day: saving,
            });
            let from = loc[k];
            loc.swap(k, other);
            holder.insert(target, k);
            holder.insert(from, other);
        }
    }
    swaps
}

/// Velocity from a stored forecast run: each SKU's mean demand per period, summed over the
/// zones in `zones` (the ones the centre serves; all zones when `None`). Picks are taken
/// proportional to units (the run has no line counts), which is what ranking needs.
pub fn velocity_from_forecast(
    rows: &[ForecastRow],
    skus: &[WhSku],
    zones: Option<&HashSet<ZoneId>>,
) -> Velocity {
    let index: HashMap<&SkuId, usize> = skus.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
    let mut units = vec![0.0; skus.len()];
    let periods: HashSet<_> = rows.iter().map(|r| r.period).collect();
    let per = 1.0 / periods.len().max(1) as f64;
    for r in rows {
        if zones.is_some_and(|z| !z.contains(&r.zone)) {
            continue;
        }
        if let Some(&k) = index.get(&r.sku) {
            units[k] += r.mean.max(0.0) * per;
        }
    }
    Velocity { picks_per_day: units.clone(), units_per_day: units }
}

/// Velocity measured on a day of orders (lines and units per SKU).
pub fn velocity_from_day(day: &super::orders::OrderDay) -> Velocity {
    let mut units = vec![0.0; day.skus.len()];
    for l in day.orders.iter().flat_map(|o| &o.lines) {
        if let Some(u) = units.get_mut(l.sku.0 as usize) {
            *u += l.quantity;
        }
    }
    Velocity { picks_per_day: day.lines_per_sku(), units_per_day: units }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::generate::{self, DayOptions};
    use proptest::prelude::*;

    fn setup() -> (Layout, super::super::orders::OrderDay, Velocity) {
        let layout = generate::layout(1, 6, 10, 2).unwrap();
        let day =
            generate::order_day(&DayOptions { skus: 200, lines: 1500, ..Default::default() }, 3)
                .unwrap();
        let v = velocity_from_day(&day);
        (layout, day, v)
    }

    #[test]
    fn velocity_slotting_beats_every_other_policy_on_its_objective() {
        let (layout, day, v) = setup();
        let best = expected_travel_cm(
            &layout,
            &slot(&layout, &day.skus, &v, SlottingPolicy::Velocity, 1).unwrap(),
            &v,
        );
        for p in [SlottingPolicy::Abc, SlottingPolicy::CubePerOrder, SlottingPolicy::Random] {
            let s = slot(&layout, &day.skus, &v, p, 1).unwrap();
            let mut seen = HashSet::new();
            assert!(s.location_of.iter().all(|l| seen.insert(*l)), "{p:?} gives a location twice");
            assert!(expected_travel_cm(&layout, &s, &v) >= best, "{p:?}");
        }
        let too_small = generate::layout(1, 1, 1, 1).unwrap();
        assert!(matches!(
            slot(&too_small, &day.skus, &v, SlottingPolicy::Velocity, 1),
            Err(WarehouseError::TooManySkus { .. })
        ));
    }

    proptest! {
        #[test]
        fn reslotting_never_increases_expected_travel_and_respects_the_move_limit(max_moves in 0usize..40, seed in 0u64..100) {
            let (layout, day, v) = setup();
            let random = slot(&layout, &day.skus, &v, SlottingPolicy::Random, seed).unwrap();
            let swaps = reslot(&layout, &random, &v, max_moves);
            prop_assert!(swaps.len() <= max_moves);
            // Applying the swaps in order (each between the SKUs' locations at that time).
            let mut s = random.clone();
            let mut travel = expected_travel_cm(&layout, &s, &v);
            for w in &swaps {
                s.location_of.swap(w.sku.0 as usize, w.with.0 as usize);
                let after = expected_travel_cm(&layout, &s, &v);
                prop_assert!(after <= travel + 1e-6);
                travel = after;
            }
        }
    }
}
