//! Where a solved route takes its breaks, in the problem's own numbers.
//!
//! The solver decides that a tour's breaks fit in its integers
//! ([`crate::routing::break_schedule`], conservative: times up, window ends down); the
//! answer states where they go, found here again from the raw problem by the same
//! earliest-time recursion with the choice of leg kept, so that the route's times, its
//! cost and the checker all read the same placement.

use crate::routing::breaks::BreakVisit;
use crate::routing::model::Problem;

/// The breaks of a route of vehicle type `vt` serving `stops`, each at its earliest start
/// on the leg the earliest placement gives it; `None` when no placement keeps the stops'
/// and the breaks' windows (the shift end is the checker's matter). Indices must be valid.
///
/// # Complexity
/// O(len x breaks^2) time and O(len x breaks) memory.
pub(crate) fn place(p: &Problem, vt: usize, stops: &[usize]) -> Option<Vec<BreakVisit>> {
    let v = &p.vehicle_types[vt];
    let nb = v.breaks.len();
    let width = nb + 1;
    // free[l * width + j]: earliest time free after leg l's stop with j breaks taken;
    // from[...]: the number taken before that leg.
    let legs = stops.len() + 1;
    let mut free = vec![f64::INFINITY; (legs + 1) * width];
    let mut from = vec![usize::MAX; (legs + 1) * width];
    free[0] = v.shift.start;
    let mut at = p.depots[v.start_depot].location;
    let end = p.end_location(v);
    for leg in 0..legs {
        let (to, stop) = match stops.get(leg) {
            Some(&s) => (Some(p.stops[s].location), Some(&p.stops[s])),
            None => (end, None),
        };
        let travel = p.travel_of(vt).leg_to(at, to).1;
        for j in 0..width {
            let leave = free[leg * width + j];
            if !leave.is_finite() {
                continue;
            }
            for (taken, arrive) in arrivals(p, vt, j, leave, travel) {
                let done = match stop {
                    Some(s) => s.service_start(arrive).map(|x| x + s.service_time),
                    None => Some(arrive),
                };
                let cell = (leg + 1) * width + taken;
                if let Some(x) = done
                    && x < free[cell]
                {
                    free[cell] = x;
                    from[cell] = j;
                }
            }
        }
        at = to.unwrap_or(at);
    }
    let mut j = nb;
    if !free[legs * width + j].is_finite() {
        return None;
    }
    // Back from the end: how many breaks each leg starts with.
    let mut first = vec![0; legs];
    for leg in (0..legs).rev() {
        j = from[(leg + 1) * width + j];
        first[leg] = j;
    }
    let mut out = Vec::with_capacity(nb);
    for leg in 0..legs {
        let last = first.get(leg + 1).copied().unwrap_or(nb);
        let mut now = free[leg * width + first[leg]];
        for index in first[leg]..last {
            let b = &v.breaks[index];
            let start = b.start_after(now)?;
            out.push(BreakVisit { index, after: leg, start });
            now = start + b.duration;
        }
    }
    Some(out)
}

/// Every `(j', arrival)` of a leg left at `leave` with `j` breaks taken, `travel` to drive,
/// taking breaks `j..j'` on the way (each as early as its windows allow).
fn arrivals(p: &Problem, vt: usize, j: usize, leave: f64, travel: f64) -> Vec<(usize, f64)> {
    let breaks = &p.vehicle_types[vt].breaks;
    let (mut now, mut left) = (leave, travel);
    let mut out = vec![(j, now + left)];
    for (k, b) in breaks.iter().enumerate().skip(j) {
        let Some(start) = b.start_after(now) else { break };
        left -= left.min(start - now);
        now = start + b.duration;
        out.push((k + 1, now + left));
    }
    out
}
