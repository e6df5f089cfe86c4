//! A planned pick day as a drawing needs it: the building's geometry, the heat of SKU
//! velocity per pick point, and the batches' paths, in metres.
//!
//! This is the result document of `POST /v1/picks` and what the planner's page draws. A day
//! can have thousands of batches, so the paths of at most `max_paths` of them (the earliest
//! planned) are carried, and the count of the others is said; the heat is one entry per pick
//! point that holds a SKU (a point serves both sides and every level), so its size is
//! bounded by the layout's.

use super::layout::{Layout, Point};
use super::orders::OrderDay;
use super::pick::PickDay;
use super::slotting::{Slotting, Velocity};
use serde::Serialize;
use std::collections::BTreeMap;

/// A point in metres, `[x, y]` (x across the aisles, y along them from the front).
pub type XyM = [f64; 2];

fn m(p: Point) -> XyM {
    [p.x_cm as f64 / 100.0, p.y_cm as f64 / 100.0]
}

/// The building's geometry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayoutView {
    /// Blocks.
    pub blocks: u32,
    /// Aisles.
    pub aisles: u32,
    /// x of every aisle's centre line, m.
    pub aisle_x_m: Vec<f64>,
    /// y of every cross aisle's centre line, m.
    pub cross_y_m: Vec<f64>,
    /// Width of the cross aisles, m.
    pub cross_aisle_width_m: f64,
    /// Centre-to-centre aisle distance, m.
    pub aisle_spacing_m: f64,
    /// The depot, m.
    pub depot_m: XyM,
    /// Whether an aisle holds one robot at a time.
    pub narrow: bool,
    /// Storage locations.
    pub locations: usize,
}

/// The velocity slotted at one pick point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatPoint {
    /// The point, m.
    pub at_m: XyM,
    /// Picks per day of the SKUs slotted there.
    pub picks_per_day: f64,
    /// SKUs slotted there.
    pub skus: u32,
}

/// One batch and its path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchView {
    /// Its index in the plan.
    pub index: usize,
    /// Its wave.
    pub wave: u32,
    /// Its orders' ids.
    pub orders: Vec<String>,
    /// Lines picked.
    pub lines: usize,
    /// Checked length, m.
    pub length_m: f64,
    /// Travel and pick time, s.
    pub duration_s: f64,
    /// The robot that runs it.
    pub robot: u32,
    /// Planned start, s after the day's start.
    pub start_s: f64,
    /// Corner points from the depot and back, m.
    pub path_m: Vec<XyM>,
    /// Where it picks, in visiting order, m.
    pub picks_m: Vec<XyM>,
}

/// The whole drawing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickView {
    /// Geometry.
    pub layout: LayoutView,
    /// Velocity per pick point (points without a SKU are left out).
    pub heat: Vec<HeatPoint>,
    /// The highest `picks_per_day` of `heat` (the colour scale's top).
    pub heat_max: f64,
    /// The earliest planned batches, with their paths.
    pub batches: Vec<BatchView>,
    /// Batches of the plan left out of `batches`.
    pub batches_not_shown: usize,
}

impl PickView {
    /// The view of `picked`, with the paths of at most `max_paths` batches.
    ///
    /// # Complexity
    /// O(L + S + B log B + the shown paths' points) for L locations, S SKUs, B batches.
    pub fn new(
        layout: &Layout,
        day: &OrderDay,
        slotting: &Slotting,
        velocity: &Velocity,
        picked: &PickDay,
        max_paths: usize,
    ) -> Self {
        let spec = &layout.spec;
        let geometry = LayoutView {
            blocks: spec.blocks,
            aisles: spec.aisles,
            aisle_x_m: layout.aisle_x_cm.iter().map(|&x| x as f64 / 100.0).collect(),
            cross_y_m: layout.cross_y_cm.iter().map(|&y| y as f64 / 100.0).collect(),
            cross_aisle_width_m: spec.cross_aisle_width_m,
            aisle_spacing_m: spec.aisle_spacing_m,
            depot_m: m(layout.depot),
            narrow: layout.narrow,
            locations: layout.locations.len(),
        };
        let mut by_point: BTreeMap<Point, (f64, u32)> = BTreeMap::new();
        for (k, loc) in slotting.location_of.iter().enumerate() {
            if let Some(l) = layout.location(*loc) {
                let v = velocity.picks_per_day.get(k).copied().unwrap_or(0.0).max(0.0);
                let e = by_point.entry(l.point).or_default();
                e.0 += v;
                e.1 += 1;
            }
        }
        let heat: Vec<HeatPoint> = by_point
            .into_iter()
            .map(|(p, (v, n))| HeatPoint { at_m: m(p), picks_per_day: v, skus: n })
            .collect();
        let heat_max = heat.iter().map(|h| h.picks_per_day).fold(0.0, f64::max);
        let a = &picked.assignment;
        let mut order: Vec<usize> = (0..picked.batches.len()).collect();
        order.sort_by_key(|&k| (a.start_ms.get(k).copied().unwrap_or(0), k));
        let batches = order
            .iter()
            .take(max_paths)
            .map(|&k| {
                let b = &picked.batches[k];
                BatchView {
                    index: k,
                    wave: b.batch.wave,
                    orders: b
                        .batch
                        .orders
                        .iter()
                        .filter_map(|&o| day.orders.get(o as usize))
                        .map(|o| o.id.to_string())
                        .collect(),
                    lines: b.lines,
                    length_m: b.length_cm as f64 / 100.0,
                    duration_s: b.duration_ms as f64 / 1000.0,
                    robot: a.robot_of.get(k).copied().unwrap_or(0),
                    start_s: a.start_ms.get(k).copied().unwrap_or(0) as f64 / 1000.0,
                    path_m: b.path.points.iter().map(|&p| m(p)).collect(),
                    picks_m: b.path.visit_order().into_iter().map(m).collect(),
                }
            })
            .collect::<Vec<_>>();
        let batches_not_shown = picked.batches.len() - batches.len();
        Self { layout: geometry, heat, heat_max, batches, batches_not_shown }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SolveContext;
    use crate::warehouse::generate::{self, DayOptions};
    use crate::warehouse::pick_day;
    use crate::warehouse::slotting::{SlottingPolicy, slot, velocity_from_day};

    #[test]
    fn the_view_carries_the_heat_of_every_slotted_sku_and_the_paths_asked_for() {
        let layout = generate::layout(2, 6, 5, 2).unwrap();
        let day =
            generate::order_day(&DayOptions { skus: 80, lines: 300, ..Default::default() }, 2)
                .unwrap();
        let v = velocity_from_day(&day);
        let s = slot(&layout, &day.skus, &v, SlottingPolicy::Velocity, 0).unwrap();
        let picked =
            pick_day(&layout, &day, &s, &Default::default(), &SolveContext::new(0)).unwrap();
        let view = PickView::new(&layout, &day, &s, &v, &picked, 3);
        assert_eq!(view.batches.len(), 3);
        assert_eq!(view.batches_not_shown, picked.batches.len() - 3);
        let skus: u32 = view.heat.iter().map(|h| h.skus).sum();
        assert_eq!(skus as usize, day.skus.len());
        let total: f64 = view.heat.iter().map(|h| h.picks_per_day).sum();
        assert!((total - day.lines() as f64).abs() < 1e-6);
        assert!(view.heat.iter().all(|h| h.picks_per_day <= view.heat_max));
        for b in &view.batches {
            assert_eq!(b.path_m.first(), Some(&view.layout.depot_m));
            let length: f64 = b
                .path_m
                .windows(2)
                .map(|w| (w[0][0] - w[1][0]).abs() + (w[0][1] - w[1][1]).abs())
                .sum();
            assert!((length - b.length_m).abs() < 1e-6);
        }
        assert!(view.batches.windows(2).all(|w| w[0].start_s <= w[1].start_s));
    }
}
