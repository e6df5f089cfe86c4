//! Seeded generators of layouts and order days, for benchmarks and tests.
//!
//! A day's SKU popularity is skewed the way e-commerce demand is (a Zipf-like law: the
//! SKU of rank r is ordered with weight `1 / r^skew`; a skew near 1 gives the familiar
//! "20% of the SKUs make 80% of the lines"), order sizes are geometric, and orders are
//! released evenly over the shift. The same options and seed always give the same day.

use super::error::WarehouseError;
use super::layout::{Layout, LayoutSpec, RobotSpec};
use super::orders::{OrderDay, PickLine, PickOrder, WhSku, WhSkuIdx};
use crate::ids::{OrderId, SkuId};
use rand::Rng;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The most lines a generated day may have.
pub const MAX_DAY_LINES: u64 = 5_000_000;

/// A generated layout of `blocks` x `aisles` with the usual proportions of a
/// person-to-goods or robot-assisted picking area (10 m blocks, 3 m aisle pitch).
///
/// # Errors
/// [`WarehouseError::Invalid`] when the sizes are out of the layout's bounds.
pub fn layout(
    blocks: u32,
    aisles: u32,
    slots_per_side: u32,
    robots: u32,
) -> Result<Layout, WarehouseError> {
    let spec = LayoutSpec {
        centre: "GEN".into(),
        blocks,
        aisles,
        aisle_length_m: 10.0,
        aisle_spacing_m: 3.0,
        aisle_width_m: 1.2,
        cross_aisle_width_m: 2.0,
        slots_per_side,
        levels: 2,
        depot_aisle: 0,
        robots: RobotSpec {
            count: robots,
            speed_m_per_s: 1.2,
            totes: 8,
            tote_volume_m3: 0.04,
            pick_time_s_per_line: 8.0,
            width_m: 0.8,
        },
    };
    Layout::new(spec, "generated", None)
}

/// Options of a generated order day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayOptions {
    /// SKUs in the catalogue.
    pub skus: u32,
    /// Order lines in the day (about: whole orders are generated).
    pub lines: u64,
    /// Mean lines per order (geometric, at least 1).
    pub mean_lines_per_order: f64,
    /// Popularity skew (0 = uniform).
    pub skew: f64,
    /// Length of the shift over which orders are released, s.
    pub shift_s: u32,
}

impl Default for DayOptions {
    fn default() -> Self {
        Self { skus: 1000, lines: 2000, mean_lines_per_order: 2.5, skew: 1.0, shift_s: 8 * 3600 }
    }
}

/// A seeded order day. SKU `k` has popularity rank `k` (SKU 0 is the most ordered).
///
/// # Errors
/// [`WarehouseError::BadOption`] when a size is out of range.
pub fn order_day(options: &DayOptions, seed: u64) -> Result<OrderDay, WarehouseError> {
    let DayOptions { skus, lines, mean_lines_per_order, skew, shift_s } = *options;
    if skus == 0 || skus > 1_000_000 {
        return Err(WarehouseError::BadOption {
            option: "skus",
            value: skus.into(),
            expected: "1..=1000000",
        });
    }
    if lines > MAX_DAY_LINES {
        return Err(WarehouseError::BadOption {
            option: "lines",
            value: lines,
            expected: "0..=5000000",
        });
    }
    if !(1.0..=100.0).contains(&mean_lines_per_order) || !(0.0..=3.0).contains(&skew) {
        return Err(WarehouseError::BadOption {
            option: "mean_lines_per_order or skew",
            value: 0,
            expected: "mean in [1, 100], skew in [0, 3]",
        });
    }
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let cumulative: Vec<f64> = (1..=skus)
        .scan(0.0, |acc, r| {
            *acc += 1.0 / f64::from(r).powf(skew);
            Some(*acc)
        })
        .collect();
    let total = cumulative[cumulative.len() - 1];
    let sku_list: Vec<WhSku> = (0..skus)
        .map(|k| WhSku {
            id: SkuId::new(format!("S{k:06}")),
            volume_m3: 0.0005 + 0.004 * rng.random::<f64>(),
        })
        .collect();
    let p_more = 1.0 - 1.0 / mean_lines_per_order;
    let mut orders = Vec::new();
    let mut made = 0u64;
    while made < lines {
        let mut n = 1;
        while rng.random::<f64>() < p_more && n < 50 {
            n += 1;
        }
        let mut order_lines: Vec<PickLine> = Vec::with_capacity(n);
        for _ in 0..n {
            let u = rng.random::<f64>() * total;
            let k = cumulative.partition_point(|&c| c < u).min(skus as usize - 1) as u32;
            if order_lines.iter().all(|l| l.sku.0 != k) {
                order_lines.push(PickLine {
                    sku: WhSkuIdx(k),
                    quantity: f64::from(rng.random_range(1..=3u32)),
                });
            }
        }
        made += order_lines.len() as u64;
        orders.push(PickOrder {
            id: OrderId::new(format!("O{:07}", orders.len())),
            release_s: 0,
            lines: order_lines,
        });
    }
    let count = orders.len() as u64;
    for (i, o) in orders.iter_mut().enumerate() {
        o.release_s = (i as u64 * u64::from(shift_s) / count.max(1)) as u32;
    }
    Ok(OrderDay { skus: sku_list, orders })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::warehouse::layout::LocIdx;
    use crate::warehouse::orders::{LineRef, Stop, stops_of};

    /// A small layout with 4 slots per side.
    pub(crate) fn small_layout(blocks: u32, aisles: u32, depot_aisle: u32) -> Layout {
        let mut spec = layout(blocks, aisles, 4, 2).unwrap().spec;
        spec.depot_aisle = depot_aisle;
        Layout::new(spec, "test", None).unwrap()
    }

    /// `n` random lines at random locations, grouped into stops.
    pub(crate) fn random_stops(layout: &Layout, n: usize, seed: u64) -> (Vec<Stop>, Vec<LineRef>) {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let lines: Vec<LineRef> = (0..n)
            .map(|i| LineRef {
                order: 0,
                line: i as u32,
                location: LocIdx(rng.random_range(0..layout.locations.len() as u32)),
            })
            .collect();
        (stops_of(layout, &lines), lines)
    }

    #[test]
    fn a_day_is_seeded_and_skewed() {
        let options = DayOptions { skus: 200, lines: 3000, ..DayOptions::default() };
        let a = order_day(&options, 5).unwrap();
        assert_eq!(a, order_day(&options, 5).unwrap());
        assert!(a.lines() >= 3000 && a.lines() < 3100);
        let per_sku = a.lines_per_sku();
        let top: f64 = per_sku[..40].iter().sum();
        assert!(top / a.lines() as f64 > 0.6, "the top 20% make {top} of {}", a.lines());
        assert!(a.orders.windows(2).all(|w| w[0].release_s <= w[1].release_s));
        assert!(order_day(&DayOptions { skus: 0, ..options }, 1).is_err());
    }
}
