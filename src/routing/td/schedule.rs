//! The schedule of one route under time-dependent travel times, and the departure time
//! `t0` that minimises its duration (return at the end depot minus `t0`).
//!
//! # Why the exact breakpoint search
//! Travel times are FIFO, so the arrival at every position is a continuous non-decreasing
//! piecewise-linear function of `t0`, and so is the duration `D(t0) = A_end(t0) - t0`; its
//! minimum over the feasible departures `[ready_0, L]` lies at an end or a breakpoint.
//! A breakpoint is a `t0` at which, somewhere on the route, an arrival crosses a zone
//! boundary, a departure crosses one, or an arrival crosses the customer's ready time
//! (waiting starts or stops). Each such `t0` is the latest departure that reaches position
//! `k` by an event time `tau` ([`latest_start_reaching`], one backward pass through the
//! inverse travel times), and only the events between the position's earliest arrival
//! (leaving at `ready_0`) and its latest one (leaving at `L`) can occur. Evaluating
//! `D` at those few departures is exact, costs O(L) per candidate (one to three per
//! position on the Dabia instances) and needs no stored functions.
//!
//! The alternatives were the latest feasible departure alone (exact only for static travel
//! times: it removes the waiting but may drive through the rush hour; on the Dabia routes of
//! `solutions.json` the optimal `t0` is often neither 0 nor the latest start) and a
//! piecewise-linear composition of the arcs' arrival functions, which gives the same answer
//! with O(L x breakpoints) memory per route; the breakpoint search has the same result with
//! no allocation beyond three reused buffers.
//!
//! `L` itself comes from one backward pass ([`latest_arrivals`]): the latest arrival at each
//! position that keeps every later window and the end depot's due time.

use crate::routing::td::instance::{TIME_EPS, TdInstance};

/// When a route leaves its depot and how long it takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Departure from the start depot.
    pub t0: f64,
    /// Return at the end depot minus `t0`: driving, waiting and service.
    pub duration: f64,
}

/// The vertex at position `k` of a route: 0, then `stops`, then the end depot.
#[inline]
fn node(inst: &TdInstance, stops: &[u32], k: usize) -> u32 {
    if k == 0 {
        0
    } else if k <= stops.len() {
        stops[k - 1]
    } else {
        inst.end()
    }
}

/// Simulates the route leaving at `t0`: `arrive[k]` is the arrival at position `k`
/// (`arrive[0] = t0`). No window is checked. Returns the arrival at the end depot
/// (infinite across a closed arc).
///
/// # Units
/// The instance's time unit.
pub fn simulate(inst: &TdInstance, stops: &[u32], t0: f64, arrive: &mut Vec<f64>) -> f64 {
    arrive.clear();
    arrive.push(t0);
    let (mut at, mut t) = (0u32, t0);
    for &s in stops {
        let a = inst.arrival(at, s, t);
        arrive.push(a);
        t = a.max(inst.ready[s as usize]) + inst.service[s as usize];
        at = s;
    }
    let a = inst.arrival(at, inst.end(), t);
    arrive.push(a);
    a
}

/// The arrival at the end depot leaving at `t0` (as [`simulate`], without the buffer).
#[inline]
fn end_arrival(inst: &TdInstance, stops: &[u32], t0: f64) -> f64 {
    let (mut at, mut t) = (0u32, t0);
    for &s in stops {
        let a = inst.arrival(at, s, t);
        t = a.max(inst.ready[s as usize]) + inst.service[s as usize];
        at = s;
    }
    inst.arrival(at, inst.end(), t)
}

/// The earliest departure from each position `0..=len` when leaving the depot at its ready
/// time, in `depart`; `false` (with `depart` partly filled) when a window or the end depot's
/// due time is missed. Leaving as early as possible is never later anywhere (FIFO).
pub fn earliest_departures(inst: &TdInstance, stops: &[u32], depart: &mut Vec<f64>) -> bool {
    depart.clear();
    let mut t = inst.ready[0];
    depart.push(t);
    let mut at = 0u32;
    for &s in stops {
        let a = inst.arrival(at, s, t);
        if a > inst.due[s as usize] + TIME_EPS {
            return false;
        }
        t = a.max(inst.ready[s as usize]) + inst.service[s as usize];
        depart.push(t);
        at = s;
    }
    inst.arrival(at, inst.end(), t) <= inst.due[inst.end() as usize] + TIME_EPS
}

/// The latest arrival at each position `1..=len + 1` that keeps every later window and the
/// end depot's due time, in `latest[k]`; returns the latest departure from the depot (`L`),
/// below the depot's ready time when the route is infeasible. `latest[0]` is `L` too.
///
/// # Units
/// The instance's time unit.
pub fn latest_arrivals(inst: &TdInstance, stops: &[u32], latest: &mut Vec<f64>) -> f64 {
    let n = stops.len();
    latest.clear();
    latest.resize(n + 2, f64::NEG_INFINITY);
    let end = inst.end();
    latest[n + 1] = inst.due[end as usize];
    let mut next = end;
    for k in (1..=n).rev() {
        let s = stops[k - 1];
        let leave = inst.latest_departure(s, next, latest[k + 1]) - inst.service[s as usize];
        let y = leave.min(inst.due[s as usize]);
        if y < inst.ready[s as usize] - TIME_EPS {
            latest[0] = f64::NEG_INFINITY;
            return f64::NEG_INFINITY;
        }
        latest[k] = y;
        next = s;
    }
    let l = inst.latest_departure(0, next, latest[1]).min(inst.due[0]);
    latest[0] = l;
    l
}

/// The latest departure from the depot that reaches position `k >= 1` by `tau` (minus
/// infinity when none does: a ready time on the way is later than allowed).
fn latest_start_reaching(inst: &TdInstance, stops: &[u32], k: usize, tau: f64) -> f64 {
    let mut x = tau;
    for j in (1..k).rev() {
        let (s, next) = (stops[j - 1], node(inst, stops, j + 1));
        let y = inst.latest_departure(s, next, x) - inst.service[s as usize];
        if y < inst.ready[s as usize] {
            return f64::NEG_INFINITY;
        }
        x = y;
    }
    inst.latest_departure(0, node(inst, stops, 1), x)
}

/// Reused buffers of [`best_timing`].
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    lo: Vec<f64>,
    hi: Vec<f64>,
    latest: Vec<f64>,
}

/// The departure time that minimises the route's duration, with that duration; `None` when
/// no departure keeps the windows, the end depot's due time and the depot's window.
///
/// # Complexity
/// O(len) for the passes plus O(len) per candidate departure (see the module docs).
pub fn best_timing(inst: &TdInstance, stops: &[u32], scratch: &mut Scratch) -> Option<Timing> {
    let lo_t = inst.ready[0];
    let hi_t = latest_arrivals(inst, stops, &mut scratch.latest);
    if hi_t.is_nan() || hi_t < lo_t - TIME_EPS {
        return None;
    }
    let hi_t = hi_t.max(lo_t);
    let end_lo = simulate(inst, stops, lo_t, &mut scratch.lo);
    if !end_lo.is_finite() {
        return None;
    }
    let mut best = Timing { t0: lo_t, duration: end_lo - lo_t };
    if hi_t <= lo_t {
        return Some(best);
    }
    simulate(inst, stops, hi_t, &mut scratch.hi);
    let offer = |t0: f64, best: &mut Timing| {
        if (lo_t..=hi_t).contains(&t0) {
            let d = end_arrival(inst, stops, t0) - t0;
            if d < best.duration {
                *best = Timing { t0, duration: d };
            }
        }
    };
    offer(hi_t, &mut best);
    let zones = inst.model.starts();
    // Departures from the depot on a zone boundary.
    for &z in zones {
        if z > lo_t && z < hi_t {
            offer(z, &mut best);
        }
    }
    let n = stops.len();
    for k in 1..=n + 1 {
        let (a, b) = (scratch.lo[k], scratch.hi[k]);
        if b.is_nan() || b <= a {
            continue;
        }
        let v = node(inst, stops, k) as usize;
        let inside = |tau: f64| tau > a && tau < b;
        let event = |tau: f64, best: &mut Timing| {
            if inside(tau) {
                offer(latest_start_reaching(inst, stops, k, tau), best);
            }
        };
        if k <= n {
            event(inst.ready[v], &mut best);
        }
        for &z in zones {
            event(z, &mut best);
            if k <= n {
                event(z - inst.service[v], &mut best);
            }
        }
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::td::speed::SpeedModel;
    use proptest::prelude::*;

    /// A line of customers `1..=n` at unit spacing from a depot, with the given windows and
    /// a two-zone model (speed 1, then `slow` from time 50).
    fn line(windows: &[(f64, f64)], slow: f64) -> TdInstance {
        let n = windows.len();
        let v = n + 2;
        let pos = |i: usize| if i == 0 || i == n + 1 { 0.0 } else { i as f64 * 10.0 };
        let mut dist = vec![f64::INFINITY; v * v];
        for i in 0..v {
            for j in 0..v {
                if i != j && j != 0 && i != n + 1 && !(i == 0 && j == n + 1) {
                    dist[i * v + j] = (pos(i) - pos(j)).abs();
                }
            }
        }
        let mut ready = vec![0.0];
        let mut due = vec![1000.0];
        for &(r, d) in windows {
            ready.push(r);
            due.push(d);
        }
        ready.push(0.0);
        due.push(1000.0);
        TdInstance {
            name: "line".into(),
            vertices: v,
            dist,
            category: vec![0; v * v],
            model: SpeedModel::new(vec![0.0, 50.0], &[vec![1.0, slow]]).unwrap(),
            ready,
            due,
            service: (0..v).map(|i| if i == 0 || i == n + 1 { 0.0 } else { 5.0 }).collect(),
            demand: vec![1; v],
            capacity: 100,
            max_routes: n,
        }
    }

    #[test]
    fn waiting_is_cut_by_leaving_later() {
        let inst = line(&[(30.0, 40.0)], 1.0);
        let t = best_timing(&inst, &[1], &mut Scratch::default()).unwrap();
        // 10 there, 5 service, 10 back: any departure in [20, 30] waits for nothing (the
        // window opens at 30 and closes at 40), so every one of them takes 25.
        assert!((20.0 - 1e-9..=30.0 + 1e-9).contains(&t.t0), "{t:?}");
        assert!((t.duration - 25.0).abs() < 1e-9, "{t:?}");
    }

    #[test]
    fn leaving_before_the_slow_zone_beats_the_latest_start() {
        // Window [0, 60]: leaving at the latest start (60 - travel) drives in the slow zone.
        let inst = line(&[(0.0, 60.0)], 0.25);
        let t = best_timing(&inst, &[1], &mut Scratch::default()).unwrap();
        let latest = latest_arrivals(&inst, &[1], &mut Vec::new());
        // The latest start (42.5) reaches the customer at 60 and drives back slowly: 62.5.
        assert!((latest - 42.5).abs() < 1e-9, "{latest}");
        let mut arrive = Vec::new();
        assert!((simulate(&inst, &[1], latest, &mut arrive) - latest - 62.5).abs() < 1e-9);
        // Leaving by 25 is back before the slow zone starts: 25.
        assert!((t.duration - 25.0).abs() < 1e-9 && t.t0 <= 25.0 + 1e-9, "{t:?}");
    }

    #[test]
    fn an_infeasible_route_has_no_timing() {
        let inst = line(&[(0.0, 5.0)], 1.0);
        assert!(best_timing(&inst, &[1], &mut Scratch::default()).is_none());
        let inst = line(&[(0.0, 100.0), (0.0, 100.0)], 1.0);
        assert!(best_timing(&inst, &[1, 2], &mut Scratch::default()).is_some());
        let mut d = Vec::new();
        assert!(earliest_departures(&inst, &[1, 2], &mut d));
        assert_eq!(d, [0.0, 15.0, 30.0]);
    }

    proptest! {
        /// The breakpoint search is never worse than a fine grid of departures, and every
        /// grid departure it beats or matches is feasible only if the route is.
        #[test]
        fn the_best_departure_beats_a_grid(
            windows in prop::collection::vec((0.0..300.0f64, 0.0..200.0f64), 1..5),
            slow in 0.2..1.5f64,
        ) {
            let windows: Vec<(f64, f64)> = windows.iter().map(|&(r, w)| (r, r + w)).collect();
            let inst = line(&windows, slow);
            let stops: Vec<u32> = (1..=windows.len() as u32).collect();
            let best = best_timing(&inst, &stops, &mut Scratch::default());
            let mut arrive = Vec::new();
            let mut grid_best: Option<f64> = None;
            for step in 0..=4000 {
                let t0 = step as f64 * 0.25;
                let end = simulate(&inst, &stops, t0, &mut arrive);
                let ok = stops.iter().enumerate().all(|(k, &s)| arrive[k + 1] <= inst.due[s as usize] + 1e-9)
                    && end <= 1000.0 + 1e-9;
                if ok {
                    let d = end - t0;
                    grid_best = Some(grid_best.map_or(d, |g: f64| g.min(d)));
                }
            }
            match (best, grid_best) {
                (Some(b), Some(g)) => prop_assert!(b.duration <= g + 1e-6, "{:?} vs {}", b, g),
                (Some(b), None) => {
                    // Feasible only in a gap of the grid: check it directly.
                    let end = simulate(&inst, &stops, b.t0, &mut arrive);
                    prop_assert!((end - b.t0 - b.duration).abs() < 1e-6);
                }
                (None, Some(g)) => prop_assert!(false, "grid found {} but the search none", g),
                (None, None) => {}
            }
            if let Some(b) = best {
                let end = simulate(&inst, &stops, b.t0, &mut arrive);
                prop_assert!((end - b.t0 - b.duration).abs() < 1e-6);
                for (k, &s) in stops.iter().enumerate() {
                    prop_assert!(arrive[k + 1] <= inst.due[s as usize] + 1e-6);
                }
            }
        }
    }
}
