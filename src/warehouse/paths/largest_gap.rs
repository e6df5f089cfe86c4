//! Largest gap: per block, the first and last aisles with stops are traversed; each other
//! aisle is left out along its largest gap (between two stops, or between a stop and an end
//! of the aisle): stops below the gap are picked from the front, the rest from the back
//! (Hall 1993).

use super::{PickRouter, gap_tour};
use crate::context::SolveContext;
use crate::warehouse::error::WarehouseError;
use crate::warehouse::layout::Layout;
use crate::warehouse::orders::Stop;
use crate::warehouse::path::PickPath;

/// The largest-gap heuristic.
#[derive(Debug, Clone, Copy, Default)]
pub struct LargestGap;

impl PickRouter for LargestGap {
    fn name(&self) -> &'static str {
        "largest-gap"
    }

    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        _: &SolveContext,
    ) -> Result<PickPath, WarehouseError> {
        Ok(gap_tour(layout, stops, |a, front, back| {
            // ys = front, stop_0 .. stop_k-1, back: gap j lies between ys[j] and ys[j + 1];
            // the stops picked from the front are the j before it.
            let ys: Vec<i64> = std::iter::once(front)
                .chain(a.stops.iter().map(|&i| stops[i].point.y_cm))
                .chain(std::iter::once(back))
                .collect();
            let mut best = (i64::MIN, 0);
            for j in 0..ys.len() - 1 {
                let gap = ys[j + 1] - ys[j];
                if gap > best.0 {
                    best = (gap, j);
                }
            }
            best.1
        }))
    }
}
