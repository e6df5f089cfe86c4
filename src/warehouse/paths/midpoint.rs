//! Midpoint: per block, the first and last aisles with stops are traversed; in the others
//! the stops in the back half are picked from the back cross aisle and the rest from the
//! front one (Hall 1993).

use super::{PickRouter, gap_tour};
use crate::context::SolveContext;
use crate::warehouse::error::WarehouseError;
use crate::warehouse::layout::Layout;
use crate::warehouse::orders::Stop;
use crate::warehouse::path::PickPath;

/// The midpoint heuristic.
#[derive(Debug, Clone, Copy, Default)]
pub struct Midpoint;

impl PickRouter for Midpoint {
    fn name(&self) -> &'static str {
        "midpoint"
    }

    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        _: &SolveContext,
    ) -> Result<PickPath, WarehouseError> {
        Ok(gap_tour(layout, stops, |a, front, back| {
            let mid = (front + back) / 2;
            a.stops.iter().filter(|&&i| stops[i].point.y_cm <= mid).count()
        }))
    }
}
