//! Return: every aisle with a stop is entered from the front and left the same way, after
//! its farthest stop. On several blocks, each block's aisles are entered from that block's
//! front cross aisle, block after block from the front.

use super::{PickRouter, by_block, through};
use crate::context::SolveContext;
use crate::warehouse::error::WarehouseError;
use crate::warehouse::layout::Layout;
use crate::warehouse::orders::Stop;
use crate::warehouse::path::{PathBuilder, PickPath};

/// The return heuristic.
#[derive(Debug, Clone, Copy, Default)]
pub struct Return;

impl PickRouter for Return {
    fn name(&self) -> &'static str {
        "return"
    }

    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        _: &SolveContext,
    ) -> Result<PickPath, WarehouseError> {
        let mut b = PathBuilder::new(layout);
        for (block, row) in by_block(layout, stops).iter().enumerate() {
            let front = layout.cross_y_cm[block];
            // Alternate the sweep so consecutive blocks do not double back across the floor.
            let ordered: Vec<_> =
                if block % 2 == 0 { row.iter().collect() } else { row.iter().rev().collect() };
            for a in ordered {
                through(&mut b, stops, a.x_cm, front, a.stops.iter().copied(), front);
            }
        }
        Ok(b.finish())
    }
}
