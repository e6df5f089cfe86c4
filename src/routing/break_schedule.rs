//! Driver breaks in the solver's integers: the earliest return of a tour that takes every
//! break of its vehicle type ([`crate::routing::breaks`] states the rule).
//!
//! # How
//! A recursion over the tour's legs keeps, for each number `j` of breaks already taken,
//! the earliest time the vehicle is free after the current position (`DEAD` when no
//! placement reaches it). A leg from a state `j` may take breaks `j..j'` for any `j' >= j`,
//! each as early as its windows allow (never worse on that leg, see the module above);
//! earlier is never worse for what follows (waiting is allowed and every rule is a
//! deadline), so one time per `j` is enough. A tour of `m` stops and `B` breaks costs
//! O(m B^2), B at most [`MAX_BREAKS`]: the solver calls it only for vehicle types with
//! breaks, after the break-free O(1) checks (a relaxation: breaks only delay) have passed.

use crate::routing::breaks::MAX_BREAKS;
use crate::routing::compiled::{Compiled, Kind, UNREACHABLE};

/// No placement reaches this state (above every real time, [`crate::routing::compiled::NEVER`]
/// included, so an open shift end never mistakes it for a feasible return).
const DEAD: i64 = i64::MAX;

/// A break in fixed point: windows `(start, end)` with starts rounded up and ends down,
/// its duration rounded up, so that a placement feasible here is feasible in real numbers.
#[derive(Debug, Clone)]
pub(crate) struct KindBreak {
    pub windows: Vec<(i64, i64)>,
    pub duration: i64,
}

impl KindBreak {
    /// The earliest start at or after `now`, `None` after its last window.
    #[inline]
    fn start_after(&self, now: i64) -> Option<i64> {
        self.windows.iter().find(|w| now <= w.1).map(|w| now.max(w.0))
    }
}

/// The earliest return at the end depot of a tour of `kind` that serves `stops` in order
/// and takes every break of its type; `None` when no placement keeps the stops' windows,
/// the breaks' windows and the shift end, or an arc is unreachable.
///
/// # Units
/// Fixed-point time.
///
/// # Complexity
/// O(len x breaks^2).
pub(crate) fn earliest_return(
    c: &Compiled,
    kind: u32,
    stops: impl IntoIterator<Item = u32>,
) -> Option<i64> {
    let k = &c.kinds[kind as usize];
    let nb = k.breaks.len();
    let mut free = [DEAD; MAX_BREAKS + 1];
    free[0] = k.shift_start;
    let mut at = k.start_loc;
    for s in stops {
        let to = c.loc[s as usize];
        let travel = leg(c, kind, at, to)?;
        let mut next = [DEAD; MAX_BREAKS + 1];
        let (s, mut alive) = (s as usize, false);
        each_arrival(k, &free[..=nb], travel, |j, arrive| {
            let start = c.start(s, arrive);
            if start <= c.due[s] {
                next[j] = next[j].min(start + c.service[s]);
                alive = true;
            }
        });
        if !alive {
            return None;
        }
        free = next;
        at = to;
    }
    let travel = leg(c, kind, at, k.end_loc)?;
    let mut back = DEAD;
    each_arrival(k, &free[..=nb], travel, |j, arrive| {
        if j == nb {
            back = back.min(arrive);
        }
    });
    (back < DEAD && back <= k.latest_end).then_some(back)
}

/// Calls `found(j', arrival)` for every state `j` alive in `free` and every `j' >= j`: the
/// arrival at the leg's end after driving `travel` from `free[j]` and taking breaks
/// `j..j'` on the way.
#[inline]
fn each_arrival(k: &Kind, free: &[i64], travel: i64, mut found: impl FnMut(usize, i64)) {
    for (j, &leave) in free.iter().enumerate() {
        if leave == DEAD {
            continue;
        }
        let (mut now, mut left) = (leave, travel);
        found(j, now + left);
        for (b, brk) in k.breaks.iter().enumerate().skip(j) {
            let Some(start) = brk.start_after(now) else { break };
            left -= left.min(start - now);
            now = start + brk.duration;
            found(b + 1, now + left);
        }
    }
}

/// Travel time of an arc, `None` when it is unreachable.
#[inline]
fn leg(c: &Compiled, kind: u32, from: u32, to: u32) -> Option<i64> {
    let (d, t) = c.kdt(kind, from, to);
    (d < UNREACHABLE && t < UNREACHABLE).then_some(i64::from(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::breaks::Break;
    use crate::routing::model::{
        Depot, Locations, Metric, Objective, Problem, Stop, TimeWindow, VehicleType,
    };

    /// A line: depot at 0, stops at 10 and 20 (travel = distance), one van.
    fn line(breaks: Vec<Break>, windows: [TimeWindow; 2], shift_end: f64) -> Compiled {
        let mut van = VehicleType::new("van", 1, vec![9]);
        van.shift = TimeWindow { start: 0.0, end: shift_end };
        van.breaks = breaks;
        let stops = windows
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let mut s = Stop::new(format!("s{i}"), i + 1, vec![1]);
                s.time_window = w;
                s.service_time = 2.0;
                s
            })
            .collect();
        let p = Problem {
            profiles: Vec::new(),
            name: "line".into(),
            locations: Locations::Coordinates {
                points: vec![[0.0, 0.0], [10.0, 0.0], [20.0, 0.0]],
                metric: Metric::EuclideanRounded,
            },
            depots: vec![Depot { id: "d".into(), location: 0 }],
            vehicle_types: vec![van],
            stops,
            objective: Objective::default(),
            shipments: Vec::new(),
        };
        Compiled::new(&p, u64::MAX, 1).unwrap()
    }

    fn w(start: f64, end: f64) -> TimeWindow {
        TimeWindow { start, end }
    }

    #[test]
    fn r13_a_break_on_the_road_adds_its_duration() {
        // 0 -> 10 (serve 2) -> 20 (serve 2) -> 0: back at 44 without the break.
        let c = line(vec![Break::new("b", w(5.0, 8.0), 3.0)], [TimeWindow::ALWAYS; 2], 1e6);
        assert_eq!(earliest_return(&c, 0, [0, 1]), Some(47));
    }

    #[test]
    fn r13_a_break_is_absorbed_by_waiting() {
        // The second stop opens at 40: the van arrives at 22 and has its break while waiting.
        let c = line(
            vec![Break::new("b", w(20.0, 30.0), 10.0)],
            [TimeWindow::ALWAYS, w(40.0, 50.0)],
            1e6,
        );
        assert_eq!(earliest_return(&c, 0, [0, 1]), Some(62));
    }

    #[test]
    fn r13_a_break_goes_where_the_windows_allow() {
        // Taken on the first leg, the 5-unit break makes the first stop late (window ends at
        // 12); its own window lasts until 30, so it is taken on the second leg instead.
        let c =
            line(vec![Break::new("b", w(0.0, 30.0), 5.0)], [w(0.0, 12.0), TimeWindow::ALWAYS], 1e6);
        assert_eq!(earliest_return(&c, 0, [0, 1]), Some(49));
        // A break that must start by 3 cannot move: the first stop is late, no placement.
        let c =
            line(vec![Break::new("b", w(0.0, 3.0), 5.0)], [w(0.0, 12.0), TimeWindow::ALWAYS], 1e6);
        assert_eq!(earliest_return(&c, 0, [0, 1]), None);
    }

    #[test]
    fn r13_breaks_past_the_shift_end_or_after_their_windows_fail() {
        let c = line(vec![Break::new("b", w(0.0, 100.0), 5.0)], [TimeWindow::ALWAYS; 2], 48.0);
        assert_eq!(earliest_return(&c, 0, [0, 1]), None);
        assert_eq!(earliest_return(&c, 0, [0]), Some(27));
        // An open shift: a break whose window closed before the van is free is not taken.
        let c = line(
            vec![Break::new("b", w(0.0, 11.0), 1.0)],
            [w(30.0, 40.0), TimeWindow::ALWAYS],
            f64::INFINITY,
        );
        assert_eq!(earliest_return(&c, 0, [0, 1]), Some(64));
        let c = line(
            vec![Break::new("b", w(0.0, 1.0), 1.0), Break::new("c", w(50.0, 60.0), 1.0)],
            [w(30.0, 40.0), TimeWindow::ALWAYS],
            f64::INFINITY,
        );
        // The second break is taken on the way back (at 50, six units out of the last stop).
        assert_eq!(earliest_return(&c, 0, [0, 1]), Some(65));
    }
}
