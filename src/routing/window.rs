//! Time windows and the rule that checks them, shared by the stops and shifts of
//! [`crate::routing::model`] and the driver breaks of [`crate::routing::breaks`].

use crate::issue::Issue;
use crate::routing::error::violation;
use serde::{Deserialize, Serialize};

/// Largest absolute time, service time, cost or duration accepted (in fixed point x1000 it
/// must stay far from `i64` overflow).
pub const MAX_TIME: f64 = 1e12;

/// A closed interval of time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimeWindow {
    /// Earliest time.
    pub start: f64,
    /// Latest time.
    pub end: f64,
}

impl TimeWindow {
    /// The window that never binds.
    pub const ALWAYS: Self = Self { start: 0.0, end: f64::INFINITY };
}

impl Default for TimeWindow {
    fn default() -> Self {
        Self::ALWAYS
    }
}

/// `E1004`: a window must be defined, not empty, and inside [`MAX_TIME`] (its end may be
/// open).
pub(crate) fn window_rule(w: TimeWindow, field: String, v: &mut Vec<Issue>) {
    let in_range = |x: f64| x.abs() <= MAX_TIME;
    if !w.start.is_finite()
        || w.end.is_nan()
        || w.start > w.end
        || !in_range(w.start)
        || (w.end.is_finite() && !in_range(w.end))
    {
        let message = format!("window [{}, {}] is empty or undefined", w.start, w.end);
        v.push(violation("E1004", field, message));
    }
}

/// `E1012`: windows after the first must each start after the previous one ends.
pub(crate) fn order_rule(
    first: TimeWindow,
    rest: &[TimeWindow],
    field: impl Fn(usize) -> String,
    v: &mut Vec<Issue>,
) {
    let mut previous = first;
    for (k, &w) in rest.iter().enumerate() {
        window_rule(w, field(k), v);
        if w.start <= previous.end {
            let message = format!(
                "window [{}, {}] must start after the previous one ends ({})",
                w.start, w.end, previous.end
            );
            v.push(violation("E1012", field(k), message));
        }
        previous = w;
    }
}
