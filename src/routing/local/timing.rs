//! Exact timing of a candidate tour for the local search on timed problems (time windows,
//! shift ends or per-time costs; [`crate::routing::compiled::Compiled::timed`]).
//!
//! Every move of [`crate::routing::local`] turns a tour into *a prefix of a tour, a few
//! stops, and a tail of a tour* (the same tour or another one). The prefix is priced from
//! its cached earliest departure ([`Tour::depart`]; leaving as early as possible is never
//! worse, since waiting is allowed and windows are hard), the middle stops are simulated one
//! by one, and the tail is priced from its cached rest data ([`Tour::rest`]): arriving at
//! the tail's first position at time `a`, the vehicle is back at
//! `max(a + rest, rest_wait)`, and the tail's windows hold iff `a <= win_latest` (exact for
//! a tail of a feasible tour, where every position's latest time is at least its window
//! start). This is Savelsbergh's forward/backward slack in the max-plus form of Vidal et
//! al. (2013) with zero time warp allowed. A move between two tours therefore costs O(1);
//! a move inside one tour simulates the stretch between the two stops it touches (they are
//! neighbours, so the stretch is short).
//!
//! A stop with several windows breaks the max-plus form (the return time becomes a step
//! function of the arrival), so a tail that holds one is simulated stop by stop up to its
//! last such stop ([`Tour::last_multi`]) and priced from the rest data after it: still
//! exact, O(1) again on problems where no stop has several windows.

use crate::routing::compiled::{Compiled, UNREACHABLE};
use crate::routing::plan::Tour;

/// The return time at the end depot of the tour `prefix.0.locs[..=prefix.1]`, then the stops
/// of `middle`, then `tail.0.locs[tail.1..]`, driven by the prefix tour's vehicle type; `None`
/// when a window, the shift end or an unreachable arc forbids it.
///
/// The tail must end at the prefix vehicle's end depot and be the tail of a feasible tour.
/// When the two tours' types drive different profiles (a van's tail after a bike's head)
/// the tail's cached data do not hold for the prefix vehicle: the tail is then simulated
/// stop by stop on the prefix vehicle's arcs, O(tail).
///
/// # Units
/// Fixed-point time, on the clock of the windows.
///
/// # Complexity
/// O(1 + middle).
///
/// # Breaks
/// For a vehicle type with breaks this is the tour without them (a relaxation: breaks only
/// delay), and [`repriced`] compares it with the tour's own break-free return; the driver
/// confirms an improving move on the real tours before keeping it
/// ([`crate::routing::local`]).
pub(crate) fn joined(
    c: &Compiled,
    prefix: (&Tour, usize),
    middle: impl IntoIterator<Item = u32>,
    tail: (&Tour, usize),
) -> Option<i64> {
    let (a, p) = prefix;
    let (b, mut q) = tail;
    let (mut now, mut at) = (a.depart[p], a.locs[p]);
    for s in middle {
        let l = c.loc[s as usize];
        let s = s as usize;
        let start = c.start(s, now + leg(c, a.kind, at, l)?);
        if start > c.due[s] {
            return None;
        }
        now = start + c.service[s];
        at = l;
    }
    // Up to which position the tail is simulated stop by stop: its last stop with several
    // windows, or all of it when its cached data are on another profile's arcs.
    let last = match c.same_arcs(a.kind, b.kind) {
        true => b.last_multi.get(q).map_or(0, |&x| x as usize),
        false => b.stops.len(),
    };
    if last > 0 && last >= q {
        for p in q..=last {
            let s = b.stops[p - 1] as usize;
            let start = c.start(s, now + leg(c, a.kind, at, b.locs[p])?);
            if start > c.due[s] {
                return None;
            }
            now = start + c.service[s];
            at = b.locs[p];
        }
        q = last + 1;
    }
    let arrive = now + leg(c, a.kind, at, b.locs[q])?;
    if arrive > b.win_latest[q] {
        return None;
    }
    let back = (arrive + b.rest[q]).max(b.rest_wait[q]);
    (back <= c.kinds[a.kind as usize].latest_end).then_some(back)
}

/// Travel time of an arc, `None` when it is unreachable.
#[inline]
fn leg(c: &Compiled, kind: u32, from: u32, to: u32) -> Option<i64> {
    let (d, t) = c.kdt(kind, from, to);
    (d < UNREACHABLE && t < UNREACHABLE).then_some(i64::from(t))
}

/// The cost change of tour `t` when its distance changes by `dd` and it returns at `back`.
#[inline]
pub(crate) fn repriced(c: &Compiled, t: &Tour, dd: i64, back: i64) -> f64 {
    let k = &c.kinds[t.kind as usize];
    let was = t.depart[t.depart.len() - 1];
    k.per_dist * dd as f64 + k.per_time * (back - was) as f64
}
