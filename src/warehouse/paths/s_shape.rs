//! S-shape (traversal): every aisle with a stop is walked end to end.
//!
//! On one block this is the textbook route: up the first aisle, down the next, and when
//! the count is odd the last aisle is entered from the front and left the same way. On
//! several blocks (after Roodbergen and de Koster 2001): up the leftmost aisle holding a
//! stop to the farthest block with stops, picking that aisle's stops in every block on the
//! way, then block by block towards the front, a serpentine over that block's other aisles
//! from its back cross aisle to its front one.

use super::{PickRouter, by_block, through};
use crate::context::SolveContext;
use crate::warehouse::error::WarehouseError;
use crate::warehouse::layout::Layout;
use crate::warehouse::orders::Stop;
use crate::warehouse::path::{PathBuilder, PickPath};

/// The S-shape heuristic.
#[derive(Debug, Clone, Copy, Default)]
pub struct SShape;

impl PickRouter for SShape {
    fn name(&self) -> &'static str {
        "s-shape"
    }

    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        _: &SolveContext,
    ) -> Result<PickPath, WarehouseError> {
        Ok(s_shape(layout, stops))
    }
}

/// The S-shape path (also the cheap length estimate of batching).
pub(crate) fn s_shape(layout: &Layout, stops: &[Stop]) -> PickPath {
    let mut b = PathBuilder::new(layout);
    let blocks = by_block(layout, stops);
    let Some(far) = blocks.iter().rposition(|row| !row.is_empty()) else {
        return b.finish();
    };
    let Some(first_aisle) = blocks.iter().flatten().map(|a| a.aisle).min() else {
        return b.finish();
    };
    // Up the leftmost aisle with stops, picking in every block on the way.
    let x0 = layout.aisle_x_cm[first_aisle as usize];
    b.go(layout.depot);
    b.go(crate::warehouse::layout::Point { x_cm: x0, y_cm: 0 });
    for row in &blocks[..=far] {
        if let Some(a) = row.iter().find(|a| a.aisle == first_aisle) {
            for &i in &a.stops {
                b.pick(&stops[i]);
            }
        }
    }
    b.go(crate::warehouse::layout::Point { x_cm: x0, y_cm: layout.cross_y_cm[far + 1] });
    for block in (0..=far).rev() {
        let (front, back) = (layout.cross_y_cm[block], layout.cross_y_cm[block + 1]);
        let mut row: Vec<_> = blocks[block].iter().filter(|a| a.aisle != first_aisle).collect();
        if row.is_empty() {
            continue;
        }
        let here = b.at().x_cm;
        let (lo, hi) = (row[0].x_cm, row[row.len() - 1].x_cm);
        if (here - hi).abs() < (here - lo).abs() {
            row.reverse();
        }
        let k = row.len();
        for (j, a) in row.iter().enumerate() {
            let last_even = j + 1 == k && k % 2 == 0;
            if last_even {
                // An even count would end at the back: the last aisle is a return from the front.
                let top = a.stops.iter().copied();
                through(&mut b, stops, a.x_cm, front, top, front);
            } else if j % 2 == 0 {
                through(&mut b, stops, a.x_cm, back, a.stops.iter().rev().copied(), front);
            } else {
                through(&mut b, stops, a.x_cm, front, a.stops.iter().copied(), back);
            }
        }
    }
    b.finish()
}
