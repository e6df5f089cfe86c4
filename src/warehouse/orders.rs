//! A day of order lines at one centre, and the stops a batch visits.
//!
//! Order lines name SKUs by dense index ([`WhSkuIdx`]) into the day's SKU table; a
//! [`Slotting`](super::slotting::Slotting) turns each line into a storage location, and
//! lines at the same pick point become one [`Stop`] (a robot stops once to pick every line
//! there, on either side and any level).

use super::layout::{Layout, LocIdx, Point};
use crate::ids::{OrderId, SkuId};
use serde::Serialize;
use std::collections::BTreeMap;

/// A dense index into a day's SKU table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct WhSkuIdx(pub u32);

/// A SKU as the building sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhSku {
    /// The SKU id.
    pub id: SkuId,
    /// Volume of one unit, m3.
    pub volume_m3: f64,
}

/// One order line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PickLine {
    /// The SKU.
    pub sku: WhSkuIdx,
    /// Units.
    pub quantity: f64,
}

/// One customer order to pick.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickOrder {
    /// The order id.
    pub id: OrderId,
    /// When the order was released to the floor, s after the day's start.
    pub release_s: u32,
    /// Its lines.
    pub lines: Vec<PickLine>,
}

/// A day of orders at one centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderDay {
    /// Every SKU the orders may name.
    pub skus: Vec<WhSku>,
    /// Orders by release time.
    pub orders: Vec<PickOrder>,
}

impl OrderDay {
    /// Lines of the day.
    pub fn lines(&self) -> usize {
        self.orders.iter().map(|o| o.lines.len()).sum()
    }

    /// Lines per SKU (the day's pick frequency, a velocity measure).
    pub fn lines_per_sku(&self) -> Vec<f64> {
        let mut v = vec![0.0; self.skus.len()];
        for line in self.orders.iter().flat_map(|o| &o.lines) {
            if let Some(c) = v.get_mut(line.sku.0 as usize) {
                *c += 1.0;
            }
        }
        v
    }

    /// Volume of an order, m3.
    ///
    /// # Units
    /// Cubic metres.
    pub fn order_volume_m3(&self, order: &PickOrder) -> f64 {
        order
            .lines
            .iter()
            .map(|l| self.skus.get(l.sku.0 as usize).map_or(0.0, |s| s.volume_m3) * l.quantity)
            .sum()
    }
}

/// An order line placed in the building: which order and line, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct LineRef {
    /// Index of the order in the day.
    pub order: u32,
    /// Index of the line in the order.
    pub line: u32,
    /// Where its SKU sits.
    pub location: LocIdx,
}

/// A pick point and every line picked there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stop {
    /// The point on the aisle's centre line.
    pub point: Point,
    /// The lines picked at it.
    pub lines: Vec<LineRef>,
}

/// Groups placed lines into stops, sorted by point (aisle, then along the aisle).
///
/// Lines whose location is not in `layout` are skipped; callers resolve locations through
/// the slotting, which only hands out the layout's own.
pub fn stops_of(layout: &Layout, lines: &[LineRef]) -> Vec<Stop> {
    let mut by_point: BTreeMap<Point, Vec<LineRef>> = BTreeMap::new();
    for line in lines {
        if let Some(loc) = layout.location(line.location) {
            by_point.entry(loc.point).or_default().push(*line);
        }
    }
    by_point.into_iter().map(|(point, lines)| Stop { point, lines }).collect()
}
