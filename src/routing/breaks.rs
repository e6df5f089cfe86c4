//! Driver breaks: a duration to take inside one of a few windows, between stops.
//!
//! # The rule
//! Every used vehicle of a type takes each of its type's breaks once, in the order they
//! are listed, each starting inside one of its windows. A break is taken between two stops
//! (or between a depot and a stop, or between the last stop and the end depot), never during
//! a service: on the road (the vehicle stops driving for the break and drives on after it)
//! or on arrival while it waits for a window to open. So a leg that leaves at `now` with
//! `travel` to drive and breaks to take arrives at `now + travel + durations` when the
//! breaks can start while it drives, and later when a break must wait for its window; a
//! break whose windows have all closed by the time the vehicle is free cannot be taken
//! there. Break time counts in the route's duration (shift end, `max_duration`, per-time
//! cost), as in VROOM.
//!
//! # Why this form
//! It is VROOM's (`vehicles[].breaks` with `time_windows` and `service`) and the one drivers'
//! rules take (a 30-minute break between 11:00 and 14:00). Taking a break as early as its
//! window allows on a leg never arrives later than taking it later on the same leg, so
//! the solver and the checker each place breaks by an earliest-time recursion over the
//! route's legs ([`crate::routing::break_schedule`] in the solver's integers,
//! [`crate::routing::break_plan`] in the problem's own numbers); which leg takes a break is
//! their choice, and the checker re-verifies the placement the solution states.

use crate::ids::BreakId;
use crate::issue::Issue;
use crate::routing::error::violation;
use crate::routing::window::{MAX_TIME, TimeWindow, order_rule, window_rule};
use serde::Serialize;

/// Most breaks one vehicle type may have (the solver keeps one earliest time per number of
/// breaks taken, on the stack).
pub const MAX_BREAKS: usize = 8;

/// A driver break.
#[derive(Debug, Clone, PartialEq)]
pub struct Break {
    /// Its id, unique within its vehicle type.
    pub id: BreakId,
    /// When it may start: at least one window, sorted and disjoint (each starts after the
    /// previous one ends).
    pub windows: Vec<TimeWindow>,
    /// How long it lasts, in the problem's time unit.
    pub duration: f64,
}

impl Break {
    /// A break of `duration` that starts inside `window`.
    pub fn new(id: impl Into<BreakId>, window: TimeWindow, duration: f64) -> Self {
        Self { id: id.into(), windows: vec![window], duration }
    }

    /// The earliest start at or after `now`, `None` when every window has closed.
    ///
    /// # Units
    /// The problem's time unit.
    pub fn start_after(&self, now: f64) -> Option<f64> {
        self.windows.iter().find(|w| now <= w.end).map(|w| now.max(w.start))
    }
}

/// Where a route takes one of its breaks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BreakVisit {
    /// Index into the vehicle type's breaks.
    pub index: usize,
    /// How many of the route's stops are served before it: 0 on the leg from the start
    /// depot, the route's stop count on the leg to the end depot.
    pub after: usize,
    /// When it starts, in the problem's time unit (seconds on roads), on the clock of the
    /// time windows; it lasts the break's duration.
    pub start: f64,
}

/// Checks the breaks of one vehicle type whose routes may run from `shift_start` to
/// `latest_end`; `field` names a field of the type (`breaks[0].duration`).
///
/// Codes: `E1014` more than [`MAX_BREAKS`] breaks or a break with no window, `E1004` and
/// `E1012` a break window empty or out of order, `E1005` a negative, non-finite or too large
/// duration, `E1015` a break id used twice in the type, `E1016` breaks that cannot follow
/// one another in order inside the shift even with no stop to serve (no route of the type
/// could be feasible).
pub(crate) fn breaks_rule(
    breaks: &[Break],
    shift_start: f64,
    latest_end: f64,
    field: &dyn Fn(&str) -> String,
    v: &mut Vec<Issue>,
) {
    if breaks.len() > MAX_BREAKS {
        let message = format!("has {} breaks, at most {MAX_BREAKS} are allowed", breaks.len());
        v.push(violation("E1014", field("breaks"), message));
        return;
    }
    let before = v.len();
    let mut ids = std::collections::HashSet::new();
    for (k, b) in breaks.iter().enumerate() {
        let f = |name: &str| field(&format!("breaks[{k}].{name}"));
        match b.windows.split_first() {
            None => v.push(violation("E1014", f("windows"), "a break needs a window".into())),
            Some((&first, rest)) => {
                window_rule(first, f("windows[0]"), v);
                order_rule(first, rest, |i| f(&format!("windows[{}]", i + 1)), v);
            }
        }
        if !(b.duration.is_finite() && (0.0..=MAX_TIME).contains(&b.duration)) {
            let message = format!("must be in [0, {MAX_TIME:e}], got {}", b.duration);
            v.push(violation("E1005", f("duration"), message));
        }
        if !ids.insert(b.id.as_str()) {
            let message = format!("break id {} is used twice in this vehicle type", b.id);
            v.push(violation("E1015", f("id"), message));
        }
    }
    if v.len() == before && !fit_in_order(breaks, shift_start, latest_end) {
        let message = format!(
            "the breaks cannot be taken one after another, in order, between the shift start \
             {shift_start} and the latest end {latest_end}"
        );
        v.push(violation("E1016", field("breaks"), message));
    }
}

/// Whether the breaks can follow one another in order from `start`, the last one over by
/// `latest_end` (what a route with no stop would need).
fn fit_in_order(breaks: &[Break], start: f64, latest_end: f64) -> bool {
    let mut now = start;
    for b in breaks {
        match b.start_after(now) {
            Some(s) => now = s + b.duration,
            None => return false,
        }
    }
    now <= latest_end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(start: f64, end: f64) -> TimeWindow {
        TimeWindow { start, end }
    }

    fn codes(breaks: &[Break], start: f64, end: f64) -> Vec<(String, String)> {
        let mut v = Vec::new();
        breaks_rule(breaks, start, end, &|n| format!("vehicle_types[0].{n}"), &mut v);
        v.into_iter().map(|i| (i.code.to_string(), i.location.to_string())).collect()
    }

    #[test]
    fn r13_breaks_start_in_their_next_window() {
        let mut b = Break::new("lunch", w(10.0, 20.0), 5.0);
        b.windows.push(w(40.0, 50.0));
        let starts: Vec<_> = [0.0, 15.0, 21.0, 45.0, 51.0].map(|t| b.start_after(t)).to_vec();
        assert_eq!(starts, [Some(10.0), Some(15.0), Some(40.0), Some(45.0), None]);
    }

    #[test]
    fn r13_bad_breaks_are_coded_at_their_field() {
        let ok = [Break::new("a", w(10.0, 20.0), 5.0), Break::new("b", w(30.0, 60.0), 5.0)];
        assert!(codes(&ok, 0.0, 100.0).is_empty());
        let mut bad = ok.to_vec();
        bad[0].windows.clear();
        bad[1].id = "a".into();
        bad[1].duration = -1.0;
        let found = codes(&bad, 0.0, 100.0);
        assert_eq!(
            found,
            [
                ("E1014".into(), "vehicle_types[0].breaks[0].windows".into()),
                ("E1005".into(), "vehicle_types[0].breaks[1].duration".into()),
                ("E1015".into(), "vehicle_types[0].breaks[1].id".into()),
            ]
        );
        let mut unordered = ok.to_vec();
        unordered[0].windows.push(w(15.0, 30.0));
        assert_eq!(codes(&unordered, 0.0, 100.0)[0].0, "E1012");
        let many = vec![Break::new("x", w(0.0, 1.0), 0.0); MAX_BREAKS + 1];
        assert_eq!(codes(&many, 0.0, 100.0)[0], ("E1014".into(), "vehicle_types[0].breaks".into()));
    }

    #[test]
    fn r13_breaks_that_cannot_follow_one_another_in_the_shift_are_refused() {
        // The second must start by 12, but the first ends at 15 at the earliest.
        let clash = [Break::new("a", w(10.0, 20.0), 5.0), Break::new("b", w(0.0, 12.0), 1.0)];
        assert_eq!(codes(&clash, 0.0, 100.0), [("E1016".into(), "vehicle_types[0].breaks".into())]);
        // Both fit, but the shift is over before the first ends.
        let late = [Break::new("a", w(10.0, 20.0), 5.0)];
        assert_eq!(codes(&late, 0.0, 14.0)[0].0, "E1016");
        assert!(codes(&late, 0.0, 15.0).is_empty());
        // A shift that starts after every window closes.
        assert_eq!(codes(&late, 21.0, 100.0)[0].0, "E1016");
    }
}
