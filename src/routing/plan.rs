//! The search's working solution: tours with cached route-segment data.
//!
//! Each tour keeps, per position (0 = start depot, `len + 1` = end depot), the location,
//! the departure time after service (`depart`, forward earliest schedule) and the latest
//! arrival that keeps the rest of the tour feasible (`latest`, backward slack, Savelsbergh
//! style), plus its load, distance and cost. With them inserting a stop between two
//! positions is checked in O(1) ([`Plan::insertion`]); a change rebuilds only the touched
//! tour in O(len). Tours are kept only while non-empty; the plan counts the vehicles of
//! each type in use.
//!
//! Tours are shared copy-on-write (`Arc<Tour>`, changed through `Arc::make_mut`): the
//! search copies its current plan into a candidate every iteration, and one iteration
//! touches a handful of tours. Copying only those (plus the O(n) stop-to-tour index) instead
//! of every tour is what keeps an iteration cheap with hundreds of tours; the results are
//! the same as with deep copies.

use crate::routing::break_schedule::earliest_return;
use crate::routing::compiled::{Compiled, NEVER, UNREACHABLE};
use std::sync::Arc;

pub(crate) const NONE: u32 = u32::MAX;

/// A time before any schedule (no window to wait for).
pub(crate) const NO_WAIT: i64 = -NEVER;

/// [`Tour::back`] of a tour whose breaks cannot be placed: later than any shift end, open
/// ones ([`NEVER`]) included.
pub(crate) const UNPLACED: i64 = NEVER + 1;

/// One vehicle's route with its cached schedule.
#[derive(Debug, Default)]
pub(crate) struct Tour {
    pub kind: u32,
    pub stops: Vec<u32>,
    pub locs: Vec<u32>,
    pub depart: Vec<i64>,
    pub latest: Vec<i64>,
    pub load: Vec<i64>,
    /// `arc[p]`: distance from `locs[p]` to `locs[p + 1]`.
    pub arc: Vec<i32>,
    /// `pre_dist[p]`: distance driven from the start depot to `locs[p]`.
    pub pre_dist: Vec<i64>,
    /// `pre_load[p * dims + k]`: load of the first `p` stops in dimension `k`.
    pub pre_load: Vec<i64>,
    /// Time data of the rest of the tour, kept only when the problem is timed
    /// ([`Compiled::timed`]; empty otherwise), for the local search's O(1) checks: a vehicle
    /// arriving at `locs[p]` at time `a` is back at the end depot at
    /// `max(a + rest[p], rest_wait[p])` (`rest`: service and travel without waiting,
    /// `rest_wait`: the earliest return the later windows allow), and the rest is feasible
    /// iff `a <= min(win_latest[p], latest_end - rest[p])` (`win_latest`: as `latest` but
    /// ignoring the shift end, so that a tail can be priced for another vehicle type).
    pub rest: Vec<i64>,
    /// See [`Tour::rest`].
    pub rest_wait: Vec<i64>,
    /// See [`Tour::rest`].
    pub win_latest: Vec<i64>,
    /// `last_multi[p]`: the last position at or after `p` (in `locs`) of a stop with several
    /// windows, 0 when there is none; kept only when the problem has such stops. The rest
    /// data describe a tail exactly only past that position (a stop with several windows
    /// makes the return time a step function of the arrival), so the local search
    /// simulates a tail up to it ([`crate::routing::local`]'s `timing::joined`).
    pub last_multi: Vec<u32>,
    /// `tail_need[p]`: the skills the stops `stops[p..]` need together; kept only when a
    /// stop needs one (for 2-opt*, which hands a tail to another vehicle type).
    pub tail_need: Vec<u64>,
    /// `profile[p * dims + k]`: the load in dimension `k` on leaving position `p` (0 = the
    /// start depot, with the depot deliveries on board), for `p` in `0..=len`; kept only
    /// when the problem has shipments ([`crate::routing::shipments`]), when
    /// [`Tour::load`] is then the peak of the profile rather than the depot load.
    pub profile: Vec<i64>,
    /// `pre_peak[p * dims + k]`: the largest `profile` value in `0..=p` (with
    /// [`Tour::profile`]).
    pub pre_peak: Vec<i64>,
    /// `post_peak[p * dims + k]`: the largest `profile` value in `p..` (with backhauls
    /// only: a stop collecting `b` at `p` raises the load from there on).
    pub post_peak: Vec<i64>,
    /// Distance of the tour in the compiled integer unit (the problem's distance times the
    /// compiled scale, [`Compiled::scale`]).
    pub dist: i64,
    /// When the vehicle is back at its end depot: the last [`Tour::depart`] for a type
    /// without breaks; with breaks, the earliest return that takes them all
    /// ([`crate::routing::break_schedule`]), or [`UNPLACED`]. `depart` and `latest` then
    /// describe the tour without its breaks, a relaxation (breaks only delay) that the O(1)
    /// checks keep using as a first filter.
    pub back: i64,
    /// Duration of the tour in the compiled integer time unit.
    pub duration: i64,
    /// Cost of the tour in internal units (the problem's cost times the compiled scale).
    pub cost: f64,
    /// For a type that may reload: after how many stops the tour reloads
    /// ([`crate::routing::trips`]), and then `dist`, `back`, `duration` and `cost` are
    /// the split's (`back` is [`UNPLACED`] when no split is feasible). Empty otherwise.
    pub reloads: Vec<u32>,
}

impl Clone for Tour {
    fn clone(&self) -> Self {
        let mut t = Tour::default();
        t.clone_from(self);
        t
    }

    // Reuses the buffers: the search copies plans every iteration.
    fn clone_from(&mut self, o: &Self) {
        self.kind = o.kind;
        self.stops.clone_from(&o.stops);
        self.locs.clone_from(&o.locs);
        self.depart.clone_from(&o.depart);
        self.latest.clone_from(&o.latest);
        self.load.clone_from(&o.load);
        self.arc.clone_from(&o.arc);
        self.pre_dist.clone_from(&o.pre_dist);
        self.pre_load.clone_from(&o.pre_load);
        self.rest.clone_from(&o.rest);
        self.rest_wait.clone_from(&o.rest_wait);
        self.win_latest.clone_from(&o.win_latest);
        self.last_multi.clone_from(&o.last_multi);
        self.tail_need.clone_from(&o.tail_need);
        self.profile.clone_from(&o.profile);
        self.pre_peak.clone_from(&o.pre_peak);
        self.post_peak.clone_from(&o.post_peak);
        self.dist = o.dist;
        self.back = o.back;
        self.duration = o.duration;
        self.cost = o.cost;
        self.reloads.clone_from(&o.reloads);
    }
}

impl Tour {
    pub fn new(kind: u32, stops: Vec<u32>, c: &Compiled) -> Self {
        let mut t = Tour { kind, stops, ..Tour::default() };
        t.update(c);
        t
    }

    /// Rebuilds the cached data after `stops` changed. O(len).
    pub fn update(&mut self, c: &Compiled) {
        let k = &c.kinds[self.kind as usize];
        let arcs = c.arcs_of(self.kind);
        let m = self.stops.len();
        self.locs.clear();
        self.locs.push(k.start_loc);
        self.locs.extend(self.stops.iter().map(|&s| c.loc[s as usize]));
        self.locs.push(k.end_loc);
        self.depart.clear();
        self.depart.push(k.shift_start);
        self.load.clear();
        self.load.resize(c.dims, 0);
        self.arc.clear();
        self.pre_dist.clear();
        self.pre_dist.push(0);
        self.pre_load.clear();
        self.pre_load.resize(c.dims, 0);
        let mut dist = 0i64;
        let mut now = k.shift_start;
        for (p, &s) in self.stops.iter().enumerate() {
            let (a, b) = (self.locs[p], self.locs[p + 1]);
            let (d, t) = arcs.dist_time(a, b);
            self.arc.push(d);
            dist += i64::from(d);
            self.pre_dist.push(dist);
            let arrive = now + i64::from(t);
            now = c.start(s as usize, arrive) + c.service[s as usize];
            self.depart.push(now);
            for (l, d) in self.load.iter_mut().zip(c.demand(s)) {
                *l += d;
            }
            self.pre_load.extend_from_slice(&self.load);
        }
        let (a, b) = (self.locs[m], self.locs[m + 1]);
        let (d, t) = arcs.dist_time(a, b);
        self.arc.push(d);
        dist += i64::from(d);
        self.pre_dist.push(dist);
        now += i64::from(t);
        self.depart.push(now);
        self.latest.clear();
        if c.timed {
            self.latest.resize(m + 2, 0);
            self.latest[m + 1] = k.latest_end;
            for p in (1..=m).rev() {
                let s = self.stops[p - 1] as usize;
                let back =
                    self.latest[p + 1] - i64::from(arcs.time(self.locs[p], self.locs[p + 1]));
                self.latest[p] = c.latest_start(s, back - c.service[s]);
            }
            self.latest[0] = self.latest[1.min(m + 1)];
        } else {
            // Nothing binds in time (no window, no shift end, no per-time cost): every latest
            // start would be NEVER less a route's worth of time, which no check can reach, so
            // the backward pass and its travel times (a square root per arc on planar arcs,
            // a tenth of a city-scale search) are skipped.
            self.latest.resize(m + 2, NEVER);
        }
        self.rest.clear();
        self.rest_wait.clear();
        self.win_latest.clear();
        if c.timed {
            self.rest_data(c);
        }
        self.last_multi.clear();
        if !c.windows.is_empty() {
            self.last_multi.resize(m + 2, 0);
            for p in (1..=m).rev() {
                let (from, to) = c.multi[self.stops[p - 1] as usize];
                let later = self.last_multi[p + 1];
                self.last_multi[p] = if later == 0 && from < to { p as u32 } else { later };
            }
            self.last_multi[0] = self.last_multi[1.min(m + 1)];
        }
        self.tail_need.clear();
        if c.limited {
            self.tail_need.resize(m + 1, 0);
            for p in (0..m).rev() {
                self.tail_need[p] = self.tail_need[p + 1] | c.need[self.stops[p] as usize];
            }
        }
        if c.paired() {
            fill_profile(self, c);
        }
        self.dist = dist;
        self.back = now;
        if c.breaks(self.kind) {
            self.back =
                earliest_return(c, self.kind, self.stops.iter().copied()).unwrap_or(UNPLACED);
            now = now.max(if self.back == UNPLACED { now } else { self.back });
        }
        self.duration = now - k.shift_start;
        self.cost = k.fixed + k.per_dist * dist as f64 + k.per_time * self.duration as f64;
        self.reloads.clear();
        if c.reloads(self.kind) {
            self.split(c);
        }
    }

    /// Splits a tour of a type that may reload into trips: the split's distance, end and
    /// cost replace the single trip's (which stay, in `depart` and `latest`, a relaxation).
    fn split(&mut self, c: &Compiled) {
        let k = &c.kinds[self.kind as usize];
        match crate::routing::trips::split(c, self.kind, &self.stops) {
            Some(sp) => {
                self.dist = sp.dist;
                self.back = sp.back;
                self.duration = sp.back - k.shift_start;
                self.cost =
                    k.fixed + k.per_dist * sp.dist as f64 + k.per_time * self.duration as f64;
                self.reloads = sp.reloads;
            }
            None => {
                self.back = UNPLACED;
                self.cost = f64::INFINITY;
            }
        }
    }

    /// Fills [`Tour::rest`], [`Tour::rest_wait`] and [`Tour::win_latest`]. O(len).
    fn rest_data(&mut self, c: &Compiled) {
        let m = self.stops.len();
        self.rest.resize(m + 2, 0);
        self.rest_wait.resize(m + 2, NO_WAIT);
        self.win_latest.resize(m + 2, NEVER);
        for p in (0..=m).rev() {
            let t = i64::from(c.kt(self.kind, self.locs[p], self.locs[p + 1]));
            let (service, ready, due) = match p.checked_sub(1).map(|i| self.stops[i] as usize) {
                Some(s) => (c.service[s], c.ready[s], c.due[s]),
                None => (0, NO_WAIT, NEVER),
            };
            let rest = service + t + self.rest[p + 1];
            self.rest[p] = rest;
            self.rest_wait[p] = self.rest_wait[p + 1].max(ready.saturating_add(rest));
            self.win_latest[p] = due.min(self.win_latest[p + 1] - t - service);
        }
    }

    /// Whether the cached schedule and load satisfy every constraint (used after moves
    /// that are not checked position by position).
    pub fn is_feasible(&self, c: &Compiled) -> bool {
        let k = &c.kinds[self.kind as usize];
        let m = self.stops.len();
        if c.reloads(self.kind) {
            // The split checked the trips' loads, windows, shift end and distance.
            return self.back <= k.latest_end
                && m <= k.max_stops
                && self.stops.iter().all(|&s| c.skilled(self.kind, s));
        }
        let windows = self
            .stops
            .iter()
            .enumerate()
            .all(|(p, &s)| self.depart[p + 1] - c.service[s as usize] <= c.due[s as usize]);
        let reach = self.locs.windows(2).all(|w| c.kd(self.kind, w[0], w[1]) < UNREACHABLE);
        windows
            && reach
            && self.depart[m + 1] <= k.latest_end
            && self.back <= k.latest_end
            && self.load.iter().zip(&k.capacity).all(|(l, cap)| l <= cap)
            && m <= k.max_stops
            && c.dist_ok(self.kind, self.dist, m)
            && self.stops.iter().all(|&s| c.skilled(self.kind, s))
            && (!c.paired() || ordered(self, c))
    }

    /// Whether the vehicle can take `stop` too: its load fits, the route has room for one
    /// more stop and the vehicle has the skills the stop needs (the distance limit is the
    /// position's matter, [`Plan::insertion`]).
    #[inline(always)]
    pub fn fits(&self, stop: u32, c: &Compiled) -> bool {
        if c.reloads(self.kind) {
            return self.fits_trip(stop, c);
        }
        let k = &c.kinds[self.kind as usize];
        self.load.iter().zip(c.demand(stop)).zip(&k.capacity).all(|((l, d), k)| l + d <= *k)
            && self.stops.len() < k.max_stops
            && c.skilled(self.kind, stop)
    }
}

impl Tour {
    /// [`Tour::fits`] for a type that reloads, out of the hot path: a stop fits some trip
    /// when it fits an empty one (the split decides).
    #[cold]
    #[inline(never)]
    fn fits_trip(&self, stop: u32, c: &Compiled) -> bool {
        let k = &c.kinds[self.kind as usize];
        c.demand(stop).iter().zip(&k.capacity).all(|(d, cap)| d <= cap)
            && self.stops.len() < k.max_stops
            && c.skilled(self.kind, stop)
    }
}

/// A complete working solution.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub tours: Vec<Arc<Tour>>,
    pub route_of: Vec<u32>,
    /// Index of each stop in its tour's `stops` (meaningless when unassigned).
    pub pos_of: Vec<u32>,
    pub unassigned: Vec<u32>,
    pub used: Vec<u32>,
}

impl Clone for Plan {
    fn clone(&self) -> Self {
        let mut p = Plan::default();
        p.clone_from(self);
        p
    }

    fn clone_from(&mut self, o: &Self) {
        self.tours.clone_from(&o.tours);
        self.route_of.clone_from(&o.route_of);
        self.pos_of.clone_from(&o.pos_of);
        self.unassigned.clone_from(&o.unassigned);
        self.used.clone_from(&o.used);
    }
}

/// Where and at what cost a stop can be inserted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Insertion {
    /// Tour index, or `NONE` for a new tour of `kind`.
    pub tour: u32,
    pub kind: u32,
    /// Insert before `stops[pos]`.
    pub pos: u32,
    /// Cost change of the insertion, in internal units (as [`Plan::cost`]).
    pub delta: f64,
}

impl Plan {
    /// Every stop unassigned, no tour.
    pub fn empty(c: &Compiled) -> Self {
        Plan {
            tours: Vec::new(),
            route_of: vec![NONE; c.n],
            pos_of: vec![0; c.n],
            unassigned: (0..c.n as u32).collect(),
            used: vec![0; c.kinds.len()],
        }
    }

    /// Total cost: tours plus penalties of unassigned stops.
    ///
    /// # Units
    /// Internal units: the problem's cost times the compiled scale ([`Compiled::scale`]).
    pub fn cost(&self, c: &Compiled) -> f64 {
        let routes: f64 = self.tours.iter().map(|t| t.cost).sum();
        let unserved = self.unassigned.iter().map(|&s| c.penalty[s as usize]).sum::<f64>();
        // The balanced-routes term, 0 without one (its own module, balance.rs).
        routes + unserved + self.balance_cost(c)
    }

    /// Cost of inserting `stop` at `pos` of tour `t` if feasible and below `bound` (the best
    /// the caller has; `INFINITY` for any). O(1); for a vehicle type with breaks O(len x
    /// breaks^2), paid only where the break-free cost is below `bound`.
    #[inline]
    pub fn insertion(
        &self,
        c: &Compiled,
        t: &Tour,
        stop: u32,
        pos: usize,
        bound: f64,
    ) -> Option<f64> {
        if c.reloads(t.kind) {
            return reload_insertion(c, t, stop, pos, bound);
        }
        let u = c.loc[stop as usize];
        let (a, b) = (t.locs[pos], t.locs[pos + 1]);
        let arcs = c.arcs_of(t.kind);
        let ((da, ta), (db, tb)) = (arcs.dist_time(a, u), arcs.dist_time(u, b));
        if da >= UNREACHABLE || db >= UNREACHABLE || ta >= UNREACHABLE || tb >= UNREACHABLE {
            return None;
        }
        let s = stop as usize;
        let start = c.start(s, t.depart[pos] + i64::from(ta));
        if start > c.due[s] {
            return None;
        }
        if start + c.service[s] + i64::from(tb) > t.latest[pos + 1] {
            return None;
        }
        let k = &c.kinds[t.kind as usize];
        let dd = i64::from(da) + i64::from(db) - i64::from(t.arc[pos]);
        if !c.dist_ok(t.kind, t.dist + dd, t.stops.len() + 1) {
            return None;
        }
        let mut delta = k.per_dist * dd as f64;
        // Travel and service added; waiting changes are settled when the tour updates.
        let dt = || i64::from(ta) + i64::from(tb) - i64::from(arcs.time(a, b)) + c.service[s];
        if c.breaks(t.kind) {
            // The break-free checks above are necessary; this one decides, with the exact
            // change of the return time, where the break-free cost leaves a chance.
            if delta + k.per_time * dt() as f64 >= bound {
                return None;
            }
            return with_breaks(c, t, stop, pos).map(|back| delta + k.per_time * back as f64);
        }
        if k.per_time != 0.0 {
            delta += k.per_time * dt() as f64;
        }
        Some(delta)
    }

    /// Cost of a new tour of `kind` serving only `stop`, if a vehicle is free and feasible.
    pub fn new_tour_cost(&self, c: &Compiled, kind: usize, stop: u32) -> Option<f64> {
        if self.used[kind] as usize >= c.kinds[kind].count {
            return None;
        }
        single_tour_cost(c, kind, stop)
    }

    /// Applies an insertion of a stop that is in no tour (and not in `unassigned`: the
    /// caller owns the list of stops it is inserting).
    pub fn apply(&mut self, c: &Compiled, stop: u32, ins: Insertion) {
        let t = if ins.tour == NONE {
            self.used[ins.kind as usize] += 1;
            self.tours.push(Arc::new(Tour::new(ins.kind, vec![stop], c)));
            self.tours.len() - 1
        } else {
            let t = ins.tour as usize;
            let tour = Arc::make_mut(&mut self.tours[t]);
            tour.stops.insert(ins.pos as usize, stop);
            tour.update(c);
            t
        };
        self.reindex(t);
        debug_assert!(self.tours[t].is_feasible(c), "an O(1) insertion check let a violation in");
    }

    /// Removes the stops at the given sorted positions of tour `t` and marks them
    /// unassigned. The tour may become empty; call [`Plan::drop_empty`] after.
    /// With shipments the partners of the removed stops go too.
    pub fn remove_positions(&mut self, c: &Compiled, t: usize, positions: &[usize]) {
        let paired;
        let positions = if c.paired() {
            paired = with_partners(&self.tours[t], c, positions);
            paired.as_slice()
        } else {
            positions
        };
        let tour = Arc::make_mut(&mut self.tours[t]);
        for &p in positions.iter().rev() {
            let s = tour.stops.remove(p);
            self.route_of[s as usize] = NONE;
            self.unassigned.push(s);
        }
        tour.update(c);
        // Without the triangle inequality (road matrices, unreachable pairs) a shortcut
        // can be slower or impossible: then the whole tour is ruined.
        if !tour.is_feasible(c) {
            for s in tour.stops.drain(..) {
                self.route_of[s as usize] = NONE;
                self.unassigned.push(s);
            }
            tour.update(c);
        }
        self.reindex(t);
    }

    /// Replaces the stops of tour `t` (all of them already in this plan's tours or new to
    /// it) and rebuilds its cached data and the stops' index. O(len).
    pub fn set_stops(&mut self, c: &Compiled, t: usize, stops: Vec<u32>) {
        let tour = Arc::make_mut(&mut self.tours[t]);
        tour.stops = stops;
        tour.update(c);
        self.reindex(t);
    }

    /// Points `route_of` and `pos_of` of every stop of tour `t` at it.
    pub fn reindex(&mut self, t: usize) {
        for (at, &s) in self.tours[t].stops.iter().enumerate() {
            self.route_of[s as usize] = t as u32;
            self.pos_of[s as usize] = at as u32;
        }
    }

    /// Removes every empty tour and frees its vehicle.
    pub fn drop_empty(&mut self) {
        let mut t = 0;
        while t < self.tours.len() {
            if self.tours[t].stops.is_empty() {
                let kind = self.tours[t].kind as usize;
                self.used[kind] -= 1;
                self.tours.swap_remove(t);
                if t < self.tours.len() {
                    self.reindex(t);
                }
            } else {
                t += 1;
            }
        }
    }

    /// Position of `stop` inside its tour. O(1).
    pub fn position(&self, stop: u32) -> Option<(usize, usize)> {
        let t = self.route_of[stop as usize];
        if t == NONE {
            return None;
        }
        Some((t as usize, self.pos_of[stop as usize] as usize))
    }
}

/// How much later tour `t` (of a type with breaks) is back with `stop` inserted at `pos`,
/// `None` when its breaks no longer fit. Kept out of [`Plan::insertion`]'s inlined body.
#[inline(never)]
fn with_breaks(c: &Compiled, t: &Tour, stop: u32, pos: usize) -> Option<i64> {
    let (before, after) = t.stops.split_at(pos);
    let all = before.iter().copied().chain([stop]).chain(after.iter().copied());
    Some(earliest_return(c, t.kind, all)? - t.back)
}

/// Cost of inserting `stop` at `pos` of tour `t` of a type that may reload, if below
/// `bound`: the tour split again with it ([`crate::routing::trips`]), after an O(1) lower
/// bound. With the triangle inequality, dropping the stop from the new route's best split
/// leaves a split of the old order no dearer than the new one less the detour to the stop,
/// whose neighbours there are its neighbours in the order or the depot (a reload beside
/// it); the cheapest of those four detours bounds the change from below. O(split).
#[inline(never)]
fn reload_insertion(c: &Compiled, t: &Tour, stop: u32, pos: usize, bound: f64) -> Option<f64> {
    let k = &c.kinds[t.kind as usize];
    if reload_bound(c, t, stop, pos) >= bound {
        return None;
    }
    let mut stops = Vec::with_capacity(t.stops.len() + 1);
    stops.extend_from_slice(&t.stops[..pos]);
    stops.push(stop);
    stops.extend_from_slice(&t.stops[pos..]);
    let limit = bound + t.cost - k.fixed;
    let sp = crate::routing::trips::split_below(c, t.kind, &stops, limit)?;
    let cost = k.per_dist * sp.dist as f64 + k.per_time * (sp.back - k.shift_start) as f64;
    Some(cost + k.fixed - t.cost)
}

/// The lower bound of [`reload_insertion`] on the cost of putting `stop` at `pos` of tour
/// `t` of a multi-trip type: the per-distance cost of the cheapest of its four possible
/// detours. O(1).
pub(crate) fn reload_bound(c: &Compiled, t: &Tour, stop: u32, pos: usize) -> f64 {
    let k = &c.kinds[t.kind as usize];
    let (u, depot) = (c.loc[stop as usize], k.start_loc);
    let (a, b) = (t.locs[pos], t.locs[pos + 1]);
    let detour = |x: u32, y: u32| {
        i64::from(c.kd(t.kind, x, u)) + i64::from(c.kd(t.kind, u, y))
            - i64::from(c.kd(t.kind, x, y))
    };
    let least = detour(a, b).min(detour(depot, b)).min(detour(a, depot)).min(detour(depot, depot));
    k.per_dist * least.max(0) as f64
}

/// Cost of a tour of `kind` serving only `stop`, if feasible (ignores fleet size).
/// A stop in a shipment is priced with its partner (a tour serving one alone is not
/// feasible).
pub(crate) fn single_tour_cost(c: &Compiled, kind: usize, stop: u32) -> Option<f64> {
    if let Some(other) = c.partner_of(stop) {
        let (i, j) = if c.pickup[stop as usize] { (stop, other) } else { (other, stop) };
        return pair_tour_cost(c, kind, i, j);
    }
    let k = &c.kinds[kind];
    let s = stop as usize;
    if c.demand(stop).iter().zip(&k.capacity).any(|(d, cap)| d > cap)
        || c.backhaul(stop).iter().zip(&k.capacity).any(|(b, cap)| b > cap)
        || k.max_stops == 0
        || !c.skilled(kind as u32, stop)
    {
        return None;
    }
    let u = c.loc[s];
    let ((da, ta), (db, tb)) =
        (c.kdt(kind as u32, k.start_loc, u), c.kdt(kind as u32, u, k.end_loc));
    if da >= UNREACHABLE || db >= UNREACHABLE || ta >= UNREACHABLE || tb >= UNREACHABLE {
        return None;
    }
    let start = c.start(s, k.shift_start + i64::from(ta));
    let mut back = start + c.service[s] + i64::from(tb);
    if start > c.due[s]
        || back > k.latest_end
        || !c.dist_ok(kind as u32, i64::from(da) + i64::from(db), 1)
    {
        return None;
    }
    if c.breaks(kind as u32) {
        back = earliest_return(c, kind as u32, [stop])?;
    }
    let time = (back - k.shift_start) as f64;
    Some(k.fixed + k.per_dist * f64::from(da + db) + k.per_time * time)
}

// The load profile of tours with shipments (see `crate::routing::shipments`).

/// Fills [`Tour::profile`] and [`Tour::pre_peak`] (and [`Tour::post_peak`] with
/// backhauls) and sets [`Tour::load`] to the peak load (what the capacity must hold).
/// O(len * dims).
pub(crate) fn fill_profile(t: &mut Tour, c: &Compiled) {
    let dims = c.dims;
    t.profile.clear();
    t.profile.resize(dims, 0);
    for &s in &t.stops {
        if c.partner_of(s).is_none() {
            for (l, d) in t.profile.iter_mut().zip(c.demand(s)) {
                *l += d;
            }
        }
    }
    for (p, &s) in t.stops.iter().enumerate() {
        let up = c.partner_of(s).is_some() && c.pickup[s as usize];
        for (k, &d) in c.demand(s).iter().enumerate() {
            let next = t.profile[p * dims + k] + if up { d } else { -d };
            t.profile.push(next);
        }
        // What the stop collects rides on to the end depot.
        let at = t.profile.len() - dims;
        for (l, b) in t.profile[at..].iter_mut().zip(c.backhaul(s)) {
            *l += b;
        }
    }
    t.post_peak.clear();
    if c.backhauls() {
        t.post_peak.extend_from_slice(&t.profile);
        for i in (0..t.profile.len().saturating_sub(dims)).rev() {
            t.post_peak[i] = t.post_peak[i].max(t.post_peak[i + dims]);
        }
    }
    t.pre_peak.clear();
    t.pre_peak.extend_from_slice(&t.profile[..dims]);
    for i in dims..t.profile.len() {
        let m = t.pre_peak[i - dims].max(t.profile[i]);
        t.pre_peak.push(m);
    }
    let m = t.stops.len();
    t.load.clear();
    t.load.extend_from_slice(&t.pre_peak[m * dims..(m + 1) * dims]);
}

/// Whether every shipment with a stop in `t` has both stops in `t`, the pickup first.
/// O(len^2) at worst; used only as a safety net after removals and in debug checks.
pub(crate) fn ordered(t: &Tour, c: &Compiled) -> bool {
    t.stops.iter().enumerate().all(|(p, &s)| match c.partner_of(s) {
        None => true,
        Some(j) if c.pickup[s as usize] => t.stops[p + 1..].contains(&j),
        Some(i) => t.stops[..p].contains(&i),
    })
}

/// `positions` (sorted, of tour `t`) plus the positions of their partners in `t`, sorted
/// and without repeats: a ruin takes a shipment out whole.
pub(crate) fn with_partners(t: &Tour, c: &Compiled, positions: &[usize]) -> Vec<usize> {
    let mut all = positions.to_vec();
    for &p in positions {
        if let Some(j) = c.partner_of(t.stops[p])
            && let Some(q) = t.stops.iter().position(|&x| x == j)
        {
            all.push(q);
        }
    }
    all.sort_unstable();
    all.dedup();
    all
}

/// Cost of a tour of `kind` serving only the pair `pickup` -> `delivery`, if feasible
/// (ignores fleet size). O(dims).
pub(crate) fn pair_tour_cost(c: &Compiled, kind: usize, pickup: u32, delivery: u32) -> Option<f64> {
    let k = &c.kinds[kind];
    let (si, sj) = (pickup as usize, delivery as usize);
    if c.demand(pickup).iter().zip(&k.capacity).any(|(d, cap)| d > cap)
        || k.max_stops < 2
        || !c.skilled(kind as u32, pickup)
        || !c.skilled(kind as u32, delivery)
    {
        return None;
    }
    let (ui, uj) = (c.loc[si], c.loc[sj]);
    let arcs = c.arcs_of(kind as u32);
    let legs =
        [arcs.dist_time(k.start_loc, ui), arcs.dist_time(ui, uj), arcs.dist_time(uj, k.end_loc)];
    if legs.iter().any(|&(d, t)| d >= UNREACHABLE || t >= UNREACHABLE) {
        return None;
    }
    let start_i = c.start(si, k.shift_start + i64::from(legs[0].1));
    let start_j = c.start(sj, start_i + c.service[si] + i64::from(legs[1].1));
    let mut back = start_j + c.service[sj] + i64::from(legs[2].1);
    let dist: i64 = legs.iter().map(|&(d, _)| i64::from(d)).sum();
    if start_i > c.due[si]
        || start_j > c.due[sj]
        || back > k.latest_end
        || !c.dist_ok(kind as u32, dist, 2)
    {
        return None;
    }
    if c.breaks(kind as u32) {
        back = earliest_return(c, kind as u32, [pickup, delivery])?;
    }
    let time = (back - k.shift_start) as f64;
    Some(k.fixed + k.per_dist * dist as f64 + k.per_time * time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::formats::solomon;
    use rand::{Rng, SeedableRng};

    /// The O(1) insertion check must agree with rebuilding the tour and checking it
    /// position by position, on a real instance with tight windows.
    #[test]
    fn insertion_check_agrees_with_a_full_rebuild() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/routing/C101.txt"))
                .unwrap();
        let c = Compiled::new(&solomon::parse(&text).unwrap(), u64::MAX, 1).unwrap();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let (mut agreed, mut feasible) = (0, 0);
        for _ in 0..300 {
            let len = rng.random_range(0..8);
            let mut stops: Vec<u32> = Vec::new();
            while stops.len() < len {
                let s = rng.random_range(0..c.n as u32);
                if !stops.contains(&s) {
                    stops.push(s);
                }
            }
            stops.sort_by_key(|&s| c.ready[s as usize]);
            let tour = Tour::new(0, stops.clone(), &c);
            if !tour.is_feasible(&c) {
                continue;
            }
            let plan = Plan::empty(&c);
            let u = loop {
                let u = rng.random_range(0..c.n as u32);
                if !stops.contains(&u) {
                    break u;
                }
            };
            for pos in 0..=stops.len() {
                let quick = plan.insertion(&c, &tour, u, pos, f64::INFINITY);
                let mut longer = stops.clone();
                longer.insert(pos, u);
                let full = Tour::new(0, longer, &c);
                // Load is checked separately (`fits`); compare the schedule part only.
                if !tour.fits(u, &c) {
                    continue;
                }
                assert_eq!(quick.is_some(), full.is_feasible(&c), "{stops:?} + {u} at {pos}");
                if let Some(delta) = quick {
                    assert_eq!(delta, (full.dist - tour.dist) as f64);
                    feasible += 1;
                }
                agreed += 1;
            }
        }
        assert!(agreed > 100 && feasible > 10, "too few cases: {agreed} / {feasible}");
    }
}
