//! The integer form of a [`Problem`] that the search works on.
//!
//! Distances and times become `i32` arcs in fixed point ([`Arcs`]: dense matrices for small
//! or explicit-matrix problems, computed on the fly from coordinates above
//! [`DENSE_UP_TO`] locations): scale 1 when every distance
//! is already an integer (CVRPLIB rounded edges), otherwise x1000, or x100, x10, x1 when
//! the longest arc would not fit an `i32` at x1000 (arcs of 537,000 units and more: metres
//! across a region); an arc that does not fit even at x1 is refused
//! ([`RoutingError::ArcTooLong`]) rather than read as unreachable. Travel *times* are
//! rounded up and distances to the nearest unit, so a schedule the solver calls feasible is
//! feasible in real numbers too (the checker confirms it from the raw instance). Vehicles of
//! one type are interchangeable, so the search only counts how many of each type it uses.

use crate::routing::arcs::{Arcs, DENSE_UP_TO, Planar, Road, fixed};
pub(crate) use crate::routing::break_schedule::KindBreak;
use crate::routing::error::{RoutingError, matrix_buffer};
use crate::routing::model::{BalanceMeasure, Locations, Metric, Problem, skill_numbers};
use rayon::prelude::*;

pub(crate) use crate::routing::arcs::UNREACHABLE;

/// Bytes the search keeps per stop and worker besides the arcs: neighbour lists (64 x 4),
/// three plans (best, current, candidate) of about 40 bytes per stop, and slack for the
/// recreate's buffers. An estimate for the memory check, measured against peak RSS on the
/// Belgium instances (see docs/benchmarks.md).
const BYTES_PER_STOP: u64 = 64 * 4 + 3 * 48 + 112;

/// A time no schedule reaches (an open window end).
pub(crate) const NEVER: i64 = i64::MAX / 8;

/// One vehicle type in integer form.
#[derive(Debug, Clone)]
pub(crate) struct Kind {
    pub count: usize,
    pub capacity: Vec<i64>,
    pub start_loc: u32,
    pub end_loc: u32,
    pub shift_start: i64,
    pub latest_end: i64,
    /// Fixed cost in internal cost units (includes the vehicle weight when
    /// `vehicles_first`).
    pub fixed: f64,
    pub per_dist: f64,
    pub per_time: f64,
    /// The type's skills as a set of bits ([`Compiled::need`]).
    pub skills: u64,
    /// Most stops per route (`usize::MAX`: no limit).
    pub max_stops: usize,
    /// Longest route distance, fixed point rounded down ([`NEVER`]: no limit).
    pub max_dist: i64,
    /// The type's driver breaks in order (empty: none; the tours of a type with breaks are
    /// checked by [`crate::routing::break_schedule`] after the break-free checks).
    pub breaks: Vec<KindBreak>,
    /// Which arcs the type drives: 0 is [`Compiled::arcs`], `p > 0` is
    /// [`Compiled::more_arcs`]`[p - 1]` ([`Compiled::arcs_of`]).
    pub profile: u32,
    /// Multi-trip: most reloads per route (0: one trip, the O(1) checks apply; else every
    /// tour of the type is split into trips by [`crate::routing::trips`]).
    pub max_reloads: u32,
    /// Time of one reload, fixed point rounded up.
    pub reload_time: i64,
}

/// The compiled problem.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub n: usize,
    pub nloc: usize,
    pub dims: usize,
    /// Integer units per problem unit.
    pub scale: f64,
    /// The arcs of the first profile the fleet drives: of every vehicle type unless
    /// [`Compiled::more_arcs`] holds others.
    pub arcs: Arcs,
    /// The arcs of further profiles when the vehicle types drive different ones (a bike
    /// beside vans), empty when they all drive one, which then sits in [`Compiled::arcs`]
    /// so that single-profile problems read their arcs as before. Neighbour lists, savings
    /// and the mean distance use [`Compiled::arcs`]; every tour is priced on its own.
    pub more_arcs: Vec<Arcs>,
    pub loc: Vec<u32>,
    pub demand: Vec<i64>,
    pub service: Vec<i64>,
    pub ready: Vec<i64>,
    /// Latest service start: the end of the stop's last window.
    pub due: Vec<i64>,
    /// Windows of stops that have several, flat, `(start, end)` in fixed point (starts
    /// rounded up, ends down); `multi[s]` is the range of stop `s`'s windows, empty for a
    /// stop with one (whose window is `ready..=due`). Both empty when no stop has several,
    /// which keeps [`Compiled::start`] one comparison on single-window problems.
    pub windows: Vec<(i64, i64)>,
    pub multi: Vec<(u32, u32)>,
    /// Skills each stop needs, one bit per skill of the problem
    /// ([`crate::routing::model::skill_numbers`]).
    pub need: Vec<u64>,
    /// Whether any stop needs a skill, any type limits its routes' stops or distance, or
    /// the types drive different profiles: the operators that price only capacity and one
    /// set of distances (savings, SWAP*) then decline.
    pub limited: bool,
    /// Fixed-point units a route's integer distance may fall short of its real distance
    /// per arc: 0 when every arc is an exact integer (rounded Euclidean, road metres,
    /// integral matrices), else 1 (arcs are rounded to the nearest unit). A route keeps
    /// `dist + dist_slack * arcs <= max_dist`, so a limit the solver keeps holds in real
    /// numbers too.
    pub dist_slack: i64,
    pub penalty: Vec<f64>,
    pub kinds: Vec<Kind>,
    /// Weight of one vehicle in the hierarchical objective (0 when not hierarchical).
    pub vehicle_weight: f64,
    /// Mean distance between stops (sampled), for scale-free temperatures.
    pub mean_dist: f64,
    /// Whether time matters to feasibility or cost: a binding window or shift end
    /// ([`Compiled::has_time_windows`]) or a per-time cost. Tours then keep the data the
    /// local search prices timed moves with ([`crate::routing::plan::Tour::rest`]).
    pub timed: bool,
    /// `partner[s]`: the other stop of `s`'s shipment, [`NO_PARTNER`] for a stop in none;
    /// empty when the problem has neither shipments nor backhauls, which every pair-aware
    /// step tests first ([`Compiled::paired`]) so that those problems run as before. Stops
    /// with a backhaul make the load vary along a route as shipments do, so they take the
    /// same path (the load profile, pair-aware insertion, no local search).
    pub partner: Vec<u32>,
    /// `backhaul[s * dims + k]`: what stop `s` collects for the end depot in dimension
    /// `k`; empty when no stop collects anything ([`Compiled::backhauls`]).
    pub backhaul: Vec<i64>,
    /// `pickup[s]`: whether `s` is the pickup of its shipment (empty as `partner`).
    pub pickup: Vec<bool>,
    /// Whether any vehicle type takes breaks: tested before any per-type break test, so
    /// that problems without breaks pay one predictable branch in the hot loops.
    pub any_breaks: bool,
    /// The balanced-routes term, its weight in internal cost units per fixed-point time
    /// unit of the longest route ([`BalanceMeasure::MaxDuration`]) or per stop of spread
    /// ([`crate::routing::balance`]); `None` without one.
    pub balance: Option<(BalanceMeasure, f64)>,
    /// Whether any vehicle type may reload: tested first, as [`Compiled::any_breaks`],
    /// so that one-trip problems pay one predictable branch where tours are priced.
    pub multi_trip: bool,
}

/// [`Compiled::partner`] of a stop in no shipment.
pub(crate) const NO_PARTNER: u32 = u32::MAX;

impl Compiled {
    /// Compiles a valid problem, checking first that its arcs and the search's per-stop
    /// data fit in `memory_limit_bytes` for `workers` parallel searches.
    ///
    /// # Errors
    /// [`RoutingError::Invalid`] from [`Problem::validate`]; [`RoutingError::TooLarge`]
    /// when the estimate exceeds the limit (nothing large is allocated before);
    /// [`RoutingError::OutOfMemory`] when the dense matrices fit the limit but the
    /// allocator still refuses them.
    pub fn new(p: &Problem, memory_limit_bytes: u64, workers: usize) -> Result<Self, RoutingError> {
        p.validate()?;
        let nloc = p.locations.len();
        // The profiles the fleet drives, in order of first use; a kind's `profile` indexes it.
        let mut used: Vec<usize> = Vec::new();
        for t in &p.vehicle_types {
            if !used.contains(&t.profile) {
                used.push(t.profile);
            }
        }
        if used.is_empty() {
            used.push(0);
        }
        let travels: Vec<&Locations> =
            used.iter().map(|&q| p.travel(q).unwrap_or(&p.locations)).collect();
        // Open routes end at location `nloc`, one past the problem's, which every arc
        // reaches for nothing ([`Arcs`]).
        let open = p.vehicle_types.iter().any(|v| v.end_depot.is_none());
        let arc_bytes: u64 = travels.iter().map(|loc| arc_bytes(loc, open)).sum();
        let needed = arc_bytes + BYTES_PER_STOP * p.stops.len() as u64 * workers.max(1) as u64;
        if needed > memory_limit_bytes {
            return Err(RoutingError::TooLarge {
                locations: nloc,
                needed_mb: needed.div_ceil(1 << 20),
                limit_mb: memory_limit_bytes >> 20,
            });
        }
        // One scale for every profile, so that costs and times of tours on different
        // profiles compare: the smallest any of them needs.
        let mut scale = f64::INFINITY;
        for loc in &travels {
            scale = scale.min(choose_scale(loc)?);
        }
        let mut all_arcs = Vec::with_capacity(travels.len());
        for loc in &travels {
            all_arcs.push(compile_arcs(loc, scale, open)?);
        }
        let more_arcs = all_arcs.split_off(1);
        let arcs = all_arcs.pop().expect("one profile at least");
        // Starts round up and ends down, so integer feasibility implies real feasibility.
        let up = |x: f64| -> i64 { if x.is_finite() { (x * scale).ceil() as i64 } else { NEVER } };
        let down =
            |x: f64| -> i64 { if x.is_finite() { (x * scale).floor() as i64 } else { NEVER } };
        let dims = p.dimensions();
        let n = p.stops.len();
        let mut c = Compiled {
            n,
            nloc,
            dims,
            scale,
            arcs,
            more_arcs,
            loc: p.stops.iter().map(|s| s.location as u32).collect(),
            demand: p.stops.iter().flat_map(|s| s.demand.iter().copied()).collect(),
            service: p.stops.iter().map(|s| (s.service_time * scale).ceil() as i64).collect(),
            ready: p.stops.iter().map(|s| up(s.time_window.start)).collect(),
            due: p.stops.iter().map(|s| down(s.windows().last().unwrap_or_default().end)).collect(),
            windows: Vec::new(),
            multi: Vec::new(),
            need: Vec::new(),
            limited: false,
            dist_slack: 0,
            penalty: Vec::new(),
            kinds: Vec::new(),
            vehicle_weight: 0.0,
            mean_dist: 1.0,
            timed: false,
            partner: Vec::new(),
            backhaul: Vec::new(),
            pickup: Vec::new(),
            any_breaks: false,
            multi_trip: false,
            balance: p.objective.balance.map(|b| match b.measure {
                // Durations are fixed point already: internal cost per fixed-point unit
                // is the weight itself.
                BalanceMeasure::MaxDuration => (b.measure, b.weight),
                BalanceMeasure::StopSpread => (b.measure, b.weight * scale),
            }),
        };
        let (max_d, max_t) = std::iter::once(&c.arcs)
            .chain(&c.more_arcs)
            .map(longest_arcs)
            .fold((0.0, 0.0), |(d, t), (x, y)| (f64::max(d, x), f64::max(t, y)));
        let max_fixed = p.vehicle_types.iter().map(|v| v.fixed_cost).fold(0.0, f64::max) * scale;
        let max_pd = p.vehicle_types.iter().map(|v| v.cost_per_distance).fold(0.0, f64::max);
        let max_pt = p.vehicle_types.iter().map(|v| v.cost_per_time).fold(0.0, f64::max);
        // With a per-time cost a route also pays its waiting (up to the latest window
        // opening after the earliest shift start), the stop's service and its breaks: a
        // penalty that ignored them let the search drop a required stop whose window opens
        // late rather than wait for it.
        let time_bound = if max_pt > 0.0 { time_span(p, &c) } else { 0.0 };
        let serve_bound =
            max_fixed + 2.0 * (max_pd * max_d + max_pt * max_t) + max_pt * time_bound + 1.0;
        if p.objective.vehicles_first {
            // More than any set of routes can cost in distance and time.
            c.vehicle_weight = (n as f64 + 2.0) * serve_bound * 4.0;
        }
        let auto_penalty = 10.0 * serve_bound + 2.0 * c.vehicle_weight;
        c.penalty = p
            .stops
            .iter()
            .map(|s| {
                s.unserved_penalty
                    .or(p.objective.unserved_penalty)
                    .map_or(auto_penalty, |x| x * scale)
            })
            .collect();
        if p.stops.iter().any(|s| !s.extra_windows.is_empty()) {
            for s in &p.stops {
                let from = c.windows.len() as u32;
                if !s.extra_windows.is_empty() {
                    c.windows.extend(s.windows().map(|w| (up(w.start), down(w.end))));
                }
                c.multi.push((from, c.windows.len() as u32));
            }
        }
        let skills = skill_numbers(p);
        let bits = |names: &[crate::ids::SkillId]| -> u64 {
            names.iter().filter_map(|x| skills.get(x.as_str())).fold(0, |b, &i| b | 1 << i)
        };
        c.need = p.stops.iter().map(|s| bits(&s.skills)).collect();
        c.kinds = p
            .vehicle_types
            .iter()
            .map(|v| Kind {
                count: v.count,
                capacity: v.capacity.clone(),
                start_loc: p.depots[v.start_depot].location as u32,
                end_loc: v.end_depot.map_or(nloc, |d| p.depots[d].location) as u32,
                shift_start: up(v.shift.start),
                latest_end: down(v.latest_end()),
                fixed: v.fixed_cost * scale + c.vehicle_weight,
                per_dist: v.cost_per_distance,
                per_time: v.cost_per_time,
                skills: bits(&v.skills),
                max_stops: v.max_stops.unwrap_or(usize::MAX),
                max_dist: v.max_distance.map_or(NEVER, |d| (d * scale).floor() as i64),
                breaks: v
                    .breaks
                    .iter()
                    .map(|b| KindBreak {
                        windows: b.windows.iter().map(|w| (up(w.start), down(w.end))).collect(),
                        duration: (b.duration * scale).ceil() as i64,
                    })
                    .collect(),
                profile: used.iter().position(|&q| q == v.profile).unwrap_or(0) as u32,
                max_reloads: v.max_reloads as u32,
                reload_time: (v.reload_time * scale).ceil() as i64,
            })
            .collect();
        c.multi_trip = c.kinds.iter().any(|k| k.max_reloads > 0);
        c.limited = c.need.iter().any(|&n| n != 0)
            || c.kinds.iter().any(|k| k.max_stops < usize::MAX || k.max_dist < NEVER)
            || !c.more_arcs.is_empty()
            || c.multi_trip;
        if c.kinds.iter().any(|k| k.max_dist < NEVER) {
            let exact = travels.iter().all(|loc| exact_distances(loc, scale));
            c.dist_slack = i64::from(!exact);
        }
        if p.stops.iter().any(|s| s.backhaul.iter().any(|&b| b > 0)) {
            c.backhaul = p.stops.iter().flat_map(|s| (0..dims).map(|k| s.backhaul_in(k))).collect();
        }
        if !p.shipments.is_empty() || !c.backhaul.is_empty() {
            c.partner = vec![NO_PARTNER; n];
            c.pickup = vec![false; n];
            for sh in &p.shipments {
                c.partner[sh.pickup] = sh.delivery as u32;
                c.partner[sh.delivery] = sh.pickup as u32;
                c.pickup[sh.pickup] = true;
            }
        }
        c.any_breaks = c.kinds.iter().any(|k| !k.breaks.is_empty());
        c.mean_dist = mean_stop_distance(&c);
        c.timed = c.has_time_windows() || c.kinds.iter().any(|k| k.per_time != 0.0);
        Ok(c)
    }

    /// The arcs vehicle type `kind` drives.
    #[inline]
    pub fn arcs_of(&self, kind: u32) -> &Arcs {
        if self.more_arcs.is_empty() {
            return &self.arcs;
        }
        match self.kinds[kind as usize].profile {
            0 => &self.arcs,
            q => &self.more_arcs[q as usize - 1],
        }
    }

    /// Whether two vehicle types drive the same arcs (so one's cached tour data holds for
    /// the other).
    #[inline]
    pub fn same_arcs(&self, a: u32, b: u32) -> bool {
        self.more_arcs.is_empty()
            || self.kinds[a as usize].profile == self.kinds[b as usize].profile
    }

    /// Distance and travel time of an arc for vehicle type `kind`, together (cheaper than
    /// two calls with planar arcs).
    ///
    /// # Units
    /// Fixed point: distance rounded to the nearest unit, time up.
    #[inline]
    pub fn kdt(&self, kind: u32, a: u32, b: u32) -> (i32, i32) {
        self.arcs_of(kind).dist_time(a, b)
    }

    /// Distance of an arc for vehicle type `kind`.
    ///
    /// # Units
    /// Fixed-point distance.
    #[inline]
    pub fn kd(&self, kind: u32, a: u32, b: u32) -> i32 {
        self.arcs_of(kind).dist(a, b)
    }

    /// Travel time of an arc for vehicle type `kind`.
    ///
    /// # Units
    /// Fixed-point time, rounded up.
    #[inline]
    pub fn kt(&self, kind: u32, a: u32, b: u32) -> i32 {
        self.arcs_of(kind).time(a, b)
    }

    /// Distance between two locations on [`Compiled::arcs`] (the first profile), for what
    /// is not priced on one tour (neighbour lists, savings, the mean distance).
    ///
    /// # Units
    /// Fixed-point distance (`scale` per problem unit).
    #[inline]
    pub fn d(&self, a: u32, b: u32) -> i32 {
        self.arcs.dist(a, b)
    }

    #[inline]
    pub fn demand(&self, stop: u32) -> &[i64] {
        let s = stop as usize * self.dims;
        &self.demand[s..s + self.dims]
    }

    /// What `stop` collects for the end depot, per dimension; empty without backhauls
    /// (so that zipping it with a load adds and checks nothing).
    #[inline]
    pub fn backhaul(&self, stop: u32) -> &[i64] {
        if self.backhaul.is_empty() {
            return &[];
        }
        let s = stop as usize * self.dims;
        &self.backhaul[s..s + self.dims]
    }

    /// Whether any stop collects a backhaul.
    #[inline]
    pub fn backhauls(&self) -> bool {
        !self.backhaul.is_empty()
    }

    /// Whether the problem has shipments (pickup-and-delivery pairs) or backhauls: the
    /// load then varies along a route.
    #[inline]
    pub fn paired(&self) -> bool {
        !self.partner.is_empty()
    }

    /// The other stop of `stop`'s shipment, if it is in one.
    #[inline]
    pub fn partner_of(&self, stop: u32) -> Option<u32> {
        self.partner.get(stop as usize).copied().filter(|&x| x != NO_PARTNER)
    }

    /// Whether any stop has a binding time window (or several), any shift ends or any
    /// vehicle type takes breaks.
    pub fn has_time_windows(&self) -> bool {
        self.due.iter().any(|&d| d < NEVER)
            || self.kinds.iter().any(|k| k.latest_end < NEVER || !k.breaks.is_empty())
            || !self.windows.is_empty()
    }

    /// Whether vehicles of `kind` may reload (their tours are split into trips).
    #[inline]
    pub fn reloads(&self, kind: u32) -> bool {
        self.multi_trip && self.kinds[kind as usize].max_reloads > 0
    }

    /// Whether vehicles of `kind` take breaks.
    #[inline]
    pub fn breaks(&self, kind: u32) -> bool {
        self.any_breaks && !self.kinds[kind as usize].breaks.is_empty()
    }

    /// When service starts at `stop` for a vehicle arriving at `arrive`: at once inside a
    /// window, else when the next one opens; after the last window, a time past
    /// [`Compiled::due`] (so `start > due` reads as infeasible, as with one window).
    ///
    /// # Units
    /// Fixed-point time.
    ///
    /// # Complexity
    /// O(1) for a stop with one window, O(windows) otherwise.
    #[inline]
    pub fn start(&self, stop: usize, arrive: i64) -> i64 {
        let start = arrive.max(self.ready[stop]);
        if self.windows.is_empty() { start } else { self.start_multi(stop, start) }
    }

    #[inline(never)]
    fn start_multi(&self, stop: usize, start: i64) -> i64 {
        let (from, to) = self.multi[stop];
        let windows = &self.windows[from as usize..to as usize];
        windows.iter().find(|w| start <= w.1).map_or(start, |w| start.max(w.0))
    }

    /// The latest service start at `stop` that is no later than `bound`: `bound` inside a
    /// window, else the end of the last window that opens before it; below every window's
    /// start (an arrival that early is feasible only if no window fits, which a feasible
    /// tour never asks) when none does.
    ///
    /// # Units
    /// Fixed-point time.
    #[inline]
    pub fn latest_start(&self, stop: usize, bound: i64) -> i64 {
        let single = self.due[stop].min(bound);
        let Some(&(from, to)) = self.multi.get(stop) else { return single };
        if from == to {
            return single;
        }
        let windows = &self.windows[from as usize..to as usize];
        windows.iter().rev().find(|w| w.0 <= bound).map_or(-NEVER, |w| w.1.min(bound))
    }

    /// Whether vehicles of `kind` have every skill `stop` needs.
    #[inline]
    pub fn skilled(&self, kind: u32, stop: u32) -> bool {
        self.need[stop as usize] & !self.kinds[kind as usize].skills == 0
    }

    /// Whether a route of `kind` with `stops` stops and fixed-point distance `dist` keeps
    /// its distance limit (with [`Compiled::dist_slack`] per arc).
    #[inline]
    pub fn dist_ok(&self, kind: u32, dist: i64, stops: usize) -> bool {
        let max = self.kinds[kind as usize].max_dist;
        max == NEVER || dist + self.dist_slack * (stops as i64 + 1) <= max
    }
}

/// The most time a one-stop route can spend besides driving, in fixed point: waiting from
/// the earliest shift start to the latest window start (of a stop or a break), the longest
/// service and the longest total of one type's breaks.
fn time_span(p: &Problem, c: &Compiled) -> f64 {
    let earliest = p.vehicle_types.iter().map(|v| v.shift.start).fold(f64::INFINITY, f64::min);
    let starts = p.stops.iter().flat_map(|s| s.windows().map(|w| w.start));
    let break_starts = p
        .vehicle_types
        .iter()
        .flat_map(|v| v.breaks.iter().flat_map(|b| &b.windows))
        .map(|w| w.start);
    let latest = starts.chain(break_starts).fold(f64::NEG_INFINITY, f64::max);
    let wait =
        if earliest.is_finite() && latest.is_finite() { (latest - earliest).max(0.0) } else { 0.0 };
    let service = c.service.iter().copied().max().unwrap_or(0) as f64;
    let breaks = p
        .vehicle_types
        .iter()
        .map(|v| v.breaks.iter().map(|b| b.duration).sum::<f64>())
        .fold(0.0, f64::max);
    (wait + breaks) * c.scale + service
}

/// Bytes the arcs of `loc` take once compiled ([`compile_arcs`]).
fn arc_bytes(loc: &Locations, open: bool) -> u64 {
    let nloc = loc.len();
    match loc {
        Locations::Coordinates { .. } if nloc > DENSE_UP_TO => 16 * nloc as u64,
        // The oracle's lists (already made, under their own limit) and its full cache.
        Locations::Road(r) => r.oracle().heap_bytes() + 4 * nloc as u64,
        _ => Arcs::dense_bytes(nloc + usize::from(open)),
    }
}

/// The arcs of one profile at `scale`: dense matrices for explicit matrices and up to
/// [`DENSE_UP_TO`] coordinates, planar arcs above, the oracle's arcs on roads. With `open`
/// (some routes end anywhere) the dense matrices get a last row and column of zeros for
/// the open end, location `loc.len()`, which planar and road arcs answer without one.
///
/// # Errors
/// [`RoutingError::OutOfMemory`] when the allocator refuses the dense matrices.
fn compile_arcs(loc: &Locations, scale: f64, open: bool) -> Result<Arcs, RoutingError> {
    Ok(match loc {
        Locations::Coordinates { points, metric } if loc.len() > DENSE_UP_TO => {
            Arcs::Planar(Planar { points: points.clone(), metric: *metric, scale })
        }
        Locations::Road(arcs) => Arcs::Road(Road { arcs: arcs.clone(), scale }),
        loc => {
            let n = loc.len() + usize::from(open);
            let (dist, time) = matrices(loc, scale, n)?;
            Arcs::Dense { n, dist, time }
        }
    })
}

/// Whether every finite distance is an integer in fixed point at `scale` (no rounding).
fn exact_distances(loc: &Locations, scale: f64) -> bool {
    match loc {
        Locations::Coordinates { metric, .. } => *metric == Metric::EuclideanRounded,
        Locations::Matrix { distance, .. } => {
            distance.iter().flatten().all(|&x| !x.is_finite() || (x * scale).fract() == 0.0)
        }
        Locations::Road(_) => true,
    }
}

/// The longest reachable distance and travel time, as `f64`, for the penalty bounds.
///
/// # Complexity
/// O(n^2) over a dense matrix; O(n) with coordinates, where no arc is longer than the
/// diagonal of the bounding box (rounded up, times ceiled); O(n) on roads, where the
/// oracle bounds every arc from its hierarchy ([`crate::roads::RoadOracle::longest_arc`]).
fn longest_arcs(arcs: &Arcs) -> (f64, f64) {
    match arcs {
        Arcs::Dense { dist, time, .. } => {
            let max = |m: &[i32]| m.iter().filter(|&&d| d < UNREACHABLE).max().copied();
            (f64::from(max(dist).unwrap_or(0)), f64::from(max(time).unwrap_or(0)))
        }
        Arcs::Planar(p) => {
            let d = f64::from(fixed(bbox_diagonal(&p.points) + 1.0, p.scale, true));
            (d, d)
        }
        Arcs::Road(r) => {
            let longest = r.arcs.oracle().longest_arc();
            let d = fixed(f64::from(longest.distance_m), r.scale, false);
            (f64::from(d), f64::from(fixed(f64::from(longest.time_s), r.scale, true)))
        }
    }
}

/// The dense distance and time matrices, row-major, filled in place (row by row in
/// parallel), so the peak is the two matrices that [`Arcs::dense_bytes`] counts, with no
/// second copy of rows.
///
/// # Errors
/// [`RoutingError::OutOfMemory`] when the allocator refuses an `n x n` buffer: the memory
/// estimate in [`Compiled::new`] guards the limit, this guards a machine with less free
/// memory than the limit promises.
/// The diagonal of the points' bounding box (0 for none): no planar arc is longer.
fn bbox_diagonal(points: &[[f64; 2]]) -> f64 {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for q in points {
        for k in 0..2 {
            lo[k] = lo[k].min(q[k]);
            hi[k] = hi[k].max(q[k]);
        }
    }
    if points.is_empty() { 0.0 } else { (hi[0] - lo[0]).hypot(hi[1] - lo[1]) }
}

fn matrices(loc: &Locations, scale: f64, n: usize) -> Result<(Vec<i32>, Vec<i32>), RoutingError> {
    // Rows and columns from `loc.len()` to `n`: open ends, reached for nothing.
    let real = loc.len();
    let mut dist = matrix_buffer(n)?;
    let mut time = matrix_buffer(n)?;
    // Within the capacity just reserved (n * n did not overflow there): no reallocation.
    dist.resize(n * n, 0);
    time.resize(n * n, 0);
    if n == 0 {
        return Ok((dist, time));
    }
    let conv = |x: f64, up: bool| fixed(x, scale, up);
    dist.par_chunks_mut(n).zip(time.par_chunks_mut(n)).enumerate().for_each(|(a, (d, t))| {
        if a >= real {
            return;
        }
        for (b, (d, t)) in d[..real].iter_mut().zip(t[..real].iter_mut()).enumerate() {
            *d = conv(loc.distance(a, b), false);
            // Times round up so integer feasibility implies real feasibility.
            *t = conv(loc.duration(a, b), true);
        }
    });
    Ok((dist, time))
}

/// The largest of 1000, 100, 10 and 1 (only 1 for rounded Euclidean, whose arcs are
/// integers already) at which the longest finite arc stays below [`UNREACHABLE`].
///
/// # Errors
/// [`RoutingError::ArcTooLong`] when even scale 1 does not fit.
///
/// # Complexity
/// O(n) with coordinates (the bounding box's diagonal bounds every arc), O(n^2) over
/// explicit matrices (read once, as the compilation does anyway).
fn choose_scale(loc: &Locations) -> Result<f64, RoutingError> {
    let (mut scale, longest) = match loc {
        Locations::Coordinates { points, metric } => {
            let base = if *metric == Metric::EuclideanRounded { 1.0 } else { 1000.0 };
            (base, bbox_diagonal(points) + 1.0)
        }
        Locations::Matrix { distance, duration } => {
            let finite = distance.iter().chain(duration).flatten().filter(|x| x.is_finite());
            (1000.0, finite.fold(0.0_f64, |a, &x| a.max(x)))
        }
        // The oracle's bound on every arc: the matrix of the same locations gets the same
        // scale whenever its own longest arc and this bound fall on the same side of a step.
        Locations::Road(arcs) => {
            let bound = arcs.oracle().longest_arc();
            (1000.0, f64::from(bound.distance_m.max(bound.time_s)))
        }
    };
    let limit = f64::from(UNREACHABLE - 1);
    while scale > 1.0 && longest * scale >= limit {
        scale /= 10.0;
    }
    if longest * scale >= limit {
        return Err(RoutingError::ArcTooLong { longest, limit });
    }
    Ok(scale)
}

fn mean_stop_distance(c: &Compiled) -> f64 {
    let n = c.n;
    if n < 2 {
        return 1.0;
    }
    let step = (n / 64).max(1);
    let (mut sum, mut k) = (0.0, 0u64);
    for i in (0..n).step_by(step) {
        for j in (0..n).step_by(step) {
            let d = c.d(c.loc[i], c.loc[j]);
            if i != j && d < UNREACHABLE {
                sum += d as f64;
                k += 1;
            }
        }
    }
    if k == 0 { 1.0 } else { (sum / k as f64).max(1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::model::{Depot, Objective, Stop, TimeWindow, VehicleType};

    #[test]
    fn r13_several_windows_give_the_next_start_and_the_latest_one() {
        let mut gaps = Stop::new("gaps", 1, vec![1]);
        gaps.time_window = TimeWindow { start: 10.0, end: 20.0 };
        gaps.extra_windows =
            vec![TimeWindow { start: 40.0, end: 50.0 }, TimeWindow { start: 70.0, end: 80.0 }];
        let mut one = Stop::new("one", 1, vec![1]);
        one.time_window = TimeWindow { start: 10.0, end: 20.0 };
        let p = Problem {
            profiles: Vec::new(),
            name: "w".into(),
            locations: Locations::Coordinates {
                points: vec![[0.0, 0.0], [1.0, 0.0]],
                metric: Metric::EuclideanRounded,
            },
            depots: vec![Depot { id: "d".into(), location: 0 }],
            vehicle_types: vec![VehicleType::new("v", 1, vec![5])],
            stops: vec![gaps, one],
            objective: Objective::default(),
            shipments: Vec::new(),
        };
        let c = Compiled::new(&p, u64::MAX, 1).unwrap();
        assert!(c.timed && c.has_time_windows());
        assert_eq!((c.ready[0], c.due[0]), (10, 80));
        let starts: Vec<i64> = [0, 15, 21, 45, 60, 80, 81].map(|a| c.start(0, a)).to_vec();
        assert_eq!(starts, [10, 15, 40, 45, 70, 80, 81]);
        assert!(c.start(0, 81) > c.due[0]);
        let latest: Vec<i64> = [100, 75, 60, 45, 30, 15].map(|b| c.latest_start(0, b)).to_vec();
        assert_eq!(latest, [80, 75, 50, 45, 20, 15]);
        assert!(c.latest_start(0, 5) < c.ready[0]);
        // A stop with one window in the same problem keeps the plain rule.
        assert_eq!((c.start(1, 21), c.latest_start(1, 100), c.latest_start(1, 15)), (21, 20, 15));
    }

    #[test]
    fn dense_matrices_are_row_major_and_give_the_planar_integers() {
        let points = vec![[0.0, 0.0], [1.0, 1.0], [3.0, 4.0], [-2.0, 0.5]];
        let loc = Locations::Coordinates { points: points.clone(), metric: Metric::Euclidean };
        let (dist, time) = matrices(&loc, 1000.0, 4).unwrap();
        let planar = Arcs::Planar(Planar { points, metric: Metric::Euclidean, scale: 1000.0 });
        for a in 0..4u32 {
            for b in 0..4u32 {
                let k = (a * 4 + b) as usize;
                assert_eq!((dist[k], time[k]), (planar.dist(a, b), planar.time(a, b)), "{a}->{b}");
            }
        }
        // Asymmetric, with times rounded up and an unreachable pair: row = from, column = to.
        let inf = f64::INFINITY;
        let loc = Locations::Matrix {
            distance: vec![vec![0.0, 1.2], vec![inf, 0.0]],
            duration: vec![vec![0.0, 2.0001], vec![3.0, 0.0]],
        };
        let (dist, time) = matrices(&loc, 1000.0, 2).unwrap();
        assert_eq!(dist, [0, 1200, UNREACHABLE, 0]);
        assert_eq!(time, [0, 2001, 3000, 0]);
        let empty = Locations::Matrix { distance: Vec::new(), duration: Vec::new() };
        assert_eq!(matrices(&empty, 1.0, 0).unwrap(), (Vec::new(), Vec::new()));
    }
}
