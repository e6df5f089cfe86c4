//! The independent checker of time-dependent plans: it re-simulates every route from the raw
//! Dabia file ([`DabiaFile`]), with its own walk through the speed zones, and shares no code
//! with the solver's model ([`crate::routing::td::speed`], [`crate::routing::td::schedule`]).
//!
//! It counts late arrivals (service that cannot start by the due time, or a return after the
//! end depot's due time) and lists every other violation: a path that does not run from 0 to
//! n + 1, a closed arc, a customer served twice or never, a load over capacity, a departure
//! outside the depot's window; and it recomputes the total duration, which must match the
//! reported value.

use crate::routing::td::dabia::DabiaFile;
use crate::routing::td::solution::TdSolution;

/// Slack on time comparisons (ten times the solver's).
pub const CHECK_EPS: f64 = 1e-6;

/// What the checker found.
#[derive(Debug, Clone, PartialEq)]
pub struct TdCheck {
    /// Services that start after their due time, and returns after the end depot's due time.
    pub late_arrivals: usize,
    /// Everything else that is wrong, one sentence each.
    pub violations: Vec<String>,
    /// The total duration recomputed.
    pub value: f64,
    /// Routes.
    pub routes: usize,
}

impl TdCheck {
    /// No late arrival and no violation.
    pub fn is_ok(&self) -> bool {
        self.late_arrivals == 0 && self.violations.is_empty()
    }
}

/// Arrival over `d` leaving at `t` on category `c`: drive zone by zone (the last zone's
/// speed on after its end).
fn drive(f: &DabiaFile, c: usize, d: f64, t: f64) -> f64 {
    let zones = &f.speed_zones;
    let mut z = zones.iter().rposition(|w| w[0] <= t).unwrap_or(0);
    let (mut now, mut left) = (t, d);
    loop {
        let speed = f.cluster_speeds[c][z];
        if z + 1 == zones.len() {
            return now + left / speed;
        }
        let room = (zones[z][1] - now) * speed;
        if room >= left {
            return now + left / speed;
        }
        left -= room;
        now = zones[z][1];
        z += 1;
    }
}

/// Re-simulates `sol` on `f`. A late service starts where the vehicle arrives, so the
/// late arrivals of a plan made under another model are counted, not stopped at the first.
pub fn check(f: &DabiaFile, sol: &TdSolution) -> TdCheck {
    let n = f.customers();
    let end = n + 1;
    let v = f.digraph.vertex_count;
    let mut seen = vec![0usize; v];
    let mut late = 0usize;
    let mut violations = Vec::new();
    let mut value = 0.0;
    for (r, route) in sol.routes.iter().enumerate() {
        let p = &route.path;
        if p.len() < 3 || p[0] != 0 || p[p.len() - 1] != end {
            violations.push(format!("route {r}: path must run from 0 to {end} through customers"));
            continue;
        }
        if let Some(&x) = p[1..p.len() - 1].iter().find(|&&x| x == 0 || x >= end) {
            violations.push(format!("route {r}: vertex {x} is not a customer"));
            continue;
        }
        let [open, close] = f.time_windows[0];
        if route.t0.is_nan() || route.t0 < open - CHECK_EPS || route.t0 > close + CHECK_EPS {
            violations.push(format!("route {r}: t0 {} is outside the depot window", route.t0));
        }
        let mut now = route.t0;
        let mut load = 0i64;
        for w in p.windows(2) {
            let (i, j) = (w[0], w[1]);
            if f.digraph.arcs[i][j] != 1 {
                violations.push(format!("route {r}: arc {i} -> {j} may not be driven"));
            }
            let arrive = drive(f, f.clusters[i][j] as usize, f.distances[i][j], now);
            let [ready, due] = f.time_windows[j];
            if arrive > due + CHECK_EPS {
                late += 1;
            }
            if j == end {
                now = arrive;
            } else {
                seen[j] += 1;
                load += f.demands[j];
                now = arrive.max(ready) + f.service_times[j];
            }
        }
        if load > f.capacity {
            violations.push(format!("route {r}: load {load} is over the capacity {}", f.capacity));
        }
        let duration = now - route.t0;
        if (duration - route.duration).abs() > CHECK_EPS * duration.abs().max(1.0) {
            violations.push(format!(
                "route {r}: duration {} reported, {duration} simulated",
                route.duration
            ));
        }
        value += duration;
    }
    for (c, &k) in seen.iter().enumerate().take(end).skip(1) {
        match k {
            1 => {}
            0 => violations.push(format!("customer {c} is not served")),
            k => violations.push(format!("customer {c} is served {k} times")),
        }
    }
    if sol.routes.len() > f.vehicle_count {
        violations.push(format!("{} routes, {} vehicles", sol.routes.len(), f.vehicle_count));
    }
    if (value - sol.value).abs() > CHECK_EPS * value.abs().max(1.0) {
        violations.push(format!("value {} reported, {value} recomputed", sol.value));
    }
    TdCheck { late_arrivals: late, violations, value, routes: sol.routes.len() }
}

/// The same routes leaving at the same times, their durations re-simulated on `f` (a plan
/// made under another model, static speeds say, re-timed under this one); paths the file
/// cannot drive keep their reported duration, and [`check`] then names them.
pub fn retime(f: &DabiaFile, sol: &TdSolution) -> TdSolution {
    let end = f.customers() + 1;
    let mut out = sol.clone();
    for route in &mut out.routes {
        let p = &route.path;
        let drivable = p.len() >= 2
            && p.iter().all(|&x| x <= end)
            && p.windows(2).all(|w| f.digraph.arcs[w[0]][w[1]] == 1);
        if !drivable {
            continue;
        }
        let mut now = route.t0;
        for w in p.windows(2) {
            let (i, j) = (w[0], w[1]);
            let arrive = drive(f, f.clusters[i][j] as usize, f.distances[i][j], now);
            now = if j == end {
                arrive
            } else {
                arrive.max(f.time_windows[j][0]) + f.service_times[j]
            };
        }
        route.duration = now - route.t0;
    }
    out.value = out.routes.iter().map(|r| r.duration).sum();
    out
}
