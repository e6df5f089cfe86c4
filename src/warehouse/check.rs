//! The independent checker of pick paths.
//!
//! It shares nothing with the methods but the layout's raw geometry: it re-walks every
//! straight run of a path, refusing a run that is not along one aisle or one cross aisle
//! inside the building, sums the runs' lengths, and verifies that the path starts and ends
//! at the depot and picks every expected line exactly once, at its location's point and
//! nowhere else. The length it returns is what reports and benchmarks use.

use super::layout::{Layout, Point};
use super::orders::LineRef;
use super::path::PickPath;
use std::collections::HashMap;

/// What is wrong with a path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathViolation {
    /// The path does not start or end at the depot.
    #[error("the path does not start and end at the depot")]
    NotAtDepot,
    /// A run that is neither along an aisle nor along a cross aisle.
    #[error("run {index} from {from:?} to {to:?} is not along an aisle or a cross aisle")]
    OffGrid {
        /// Index of the run's first point.
        index: usize,
        /// Start.
        from: Point,
        /// End.
        to: Point,
    },
    /// A pick refers to no point of the path.
    #[error("pick {index} refers to point {point}, beyond the path")]
    BadPickPoint {
        /// Index of the pick.
        index: usize,
        /// The point index.
        point: u32,
    },
    /// A line picked away from its location.
    #[error("line {line:?} picked at {at:?}, its location is at {expected:?}")]
    WrongPlace {
        /// The line.
        line: LineRef,
        /// Where it was picked.
        at: Point,
        /// Where it is stored.
        expected: Point,
    },
    /// A line picked more than once, or a line that is not in the batch.
    #[error("line {line:?} picked {times} time(s), expected {expected}")]
    PickCount {
        /// The line.
        line: LineRef,
        /// Times picked.
        times: u32,
        /// Times expected (0 or 1).
        expected: u32,
    },
    /// The path's stated length differs from the recomputed one.
    #[error("stated length {stated} cm, recomputed {recomputed} cm")]
    Length {
        /// What the method said.
        stated: i64,
        /// What the checker walked.
        recomputed: i64,
    },
}

/// Checks `path` for a batch of `lines` and returns its recomputed length.
///
/// # Errors
/// The first [`PathViolation`] found.
///
/// # Units
/// Centimetres.
pub fn check_path(
    layout: &Layout,
    lines: &[LineRef],
    path: &PickPath,
) -> Result<i64, PathViolation> {
    if path.points.first() != Some(&layout.depot) || path.points.last() != Some(&layout.depot) {
        return Err(PathViolation::NotAtDepot);
    }
    let (x_lo, x_hi) = (layout.aisle_x_cm[0], layout.aisle_x_cm[layout.aisle_x_cm.len() - 1]);
    let (y_lo, y_hi) = (layout.cross_y_cm[0], layout.cross_y_cm[layout.cross_y_cm.len() - 1]);
    let mut length = 0i64;
    for (index, w) in path.points.windows(2).enumerate() {
        let (p, q) = (w[0], w[1]);
        let along_aisle = p.x_cm == q.x_cm
            && layout.aisle_x_cm.contains(&p.x_cm)
            && [p.y_cm, q.y_cm].iter().all(|y| (y_lo..=y_hi).contains(y));
        let along_cross = p.y_cm == q.y_cm
            && layout.cross_y_cm.contains(&p.y_cm)
            && [p.x_cm, q.x_cm].iter().all(|x| (x_lo..=x_hi).contains(x));
        if !along_aisle && !along_cross {
            return Err(PathViolation::OffGrid { index, from: p, to: q });
        }
        length += (p.x_cm - q.x_cm).abs() + (p.y_cm - q.y_cm).abs();
    }
    let mut count: HashMap<LineRef, u32> = lines.iter().map(|l| (*l, 0)).collect();
    for (index, pick) in path.picks.iter().enumerate() {
        let Some(&at) = path.points.get(pick.point as usize) else {
            return Err(PathViolation::BadPickPoint { index, point: pick.point });
        };
        for line in &pick.lines {
            let Some(c) = count.get_mut(line) else {
                return Err(PathViolation::PickCount { line: *line, times: 1, expected: 0 });
            };
            *c += 1;
            let expected = layout.location(line.location).map(|l| l.point);
            if expected != Some(at) {
                let expected = expected.unwrap_or(Point { x_cm: -1, y_cm: -1 });
                return Err(PathViolation::WrongPlace { line: *line, at, expected });
            }
        }
    }
    let mut wrong: Vec<_> = count.into_iter().filter(|&(_, c)| c != 1).collect();
    wrong.sort();
    if let Some(&(line, times)) = wrong.first() {
        return Err(PathViolation::PickCount { line, times, expected: 1 });
    }
    if length != path.length_cm {
        return Err(PathViolation::Length { stated: path.length_cm, recomputed: length });
    }
    Ok(length)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::generate::tests::{random_stops, small_layout};
    use crate::warehouse::path::{PathBuilder, PickAt};

    #[test]
    fn the_checker_refuses_each_kind_of_bad_path() {
        let layout = small_layout(2, 3, 0);
        let (stops, lines) = random_stops(&layout, 4, 7);
        let mut b = PathBuilder::new(&layout);
        for s in &stops {
            b.pick(s);
        }
        let good = b.finish();
        assert_eq!(check_path(&layout, &lines, &good), Ok(good.length_cm));

        let mut diagonal = good.clone();
        diagonal.points.insert(1, Point { x_cm: 17, y_cm: 23 });
        assert!(matches!(
            check_path(&layout, &lines, &diagonal),
            Err(PathViolation::OffGrid { .. })
        ));

        let mut twice = good.clone();
        let again = twice.picks[0].clone();
        twice.picks.push(again);
        assert!(matches!(
            check_path(&layout, &lines, &twice),
            Err(PathViolation::PickCount { times: 2, .. })
        ));

        let mut missing = good.clone();
        missing.picks.pop();
        assert!(matches!(
            check_path(&layout, &lines, &missing),
            Err(PathViolation::PickCount { times: 0, .. })
        ));

        let mut moved = good.clone();
        moved.picks[0] = PickAt { point: 0, lines: moved.picks[0].lines.clone() };
        assert!(matches!(
            check_path(&layout, &lines, &moved),
            Err(PathViolation::WrongPlace { .. })
        ));

        let mut short = good.clone();
        short.length_cm -= 1;
        assert!(matches!(check_path(&layout, &lines, &short), Err(PathViolation::Length { .. })));

        let mut open = good;
        open.points.pop();
        assert_eq!(check_path(&layout, &lines, &open), Err(PathViolation::NotAtDepot));
    }
}
