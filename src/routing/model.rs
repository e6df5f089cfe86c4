//! The vehicle routing problem as the caller states it.
//!
//! This is the raw instance: plain `f64` times and distances in the caller's units,
//! coordinates or an explicit matrix, one or several depots, a heterogeneous fleet and
//! stops with demand, service time and a time window. The solver never reads it in its hot
//! loop; [`crate::routing::solve`] compiles it once into integer matrices (PyVRP's
//! `Measure` idea) so that incremental deltas never drift. The checker
//! ([`crate::routing::check`]) recomputes everything from this raw form, never from the
//! solver's integers.
//!
//! Conventions (documented once here, relied on everywhere):
//! - A vehicle leaves its start depot at the start of its shift and must be back at its
//!   end depot by the shift end and within `max_duration` of the shift start.
//! - Service at a stop must *start* inside one of the stop's time windows; arriving early
//!   means waiting for the next window to open.
//! - A stop may be served only by a vehicle type that has every skill the stop needs.
//! - A route serves at most its type's `max_stops` stops and drives at most its
//!   `max_distance`.
//! - A used vehicle takes each of its type's breaks once, in order, between stops, each
//!   starting in one of its windows; break time counts in the route's duration
//!   ([`crate::routing::breaks`]).
//! - A stop is *required* unless it has a penalty (its own `unserved_penalty` or the
//!   objective's): a required stop is left out only when no vehicle can serve it; an
//!   optional one whenever serving it would cost more than its penalty (its *prize*).
//! - With coordinates, travel time equals distance (the Solomon convention).
//! - The cost of a used vehicle is `fixed_cost + cost_per_distance * distance +
//!   cost_per_time * (return time - shift start)`; an unserved stop costs its penalty.
//! - With [`Objective::vehicles_first`] the number of vehicles is minimised before cost
//!   (the Solomon / Gehring-Homberger convention).
//! - A stop in no [`Shipment`] is a delivery from the depot: its demand is loaded at the
//!   start depot and unloaded at the stop; its [`Stop::backhaul`], if any, is loaded at the
//!   stop and carried to the end depot. A shipment's pickup and delivery carry the
//!   same demand, loaded at the pickup and unloaded at the delivery; both are served by
//!   the same route, pickup first, or neither is (an optional shipment costs the sum of
//!   its two stops' penalties). The load a vehicle carries, starting with its depot
//!   deliveries and changing at every stop, never exceeds its capacity anywhere on the
//!   route (without shipments that is the load at the depot, the CVRP rule).

use crate::ids::{SkillId, StationId, StopId, VehicleTypeId};
use crate::issue::Issue;
use crate::routing::breaks::{Break, breaks_rule};
use crate::routing::error::{RoutingError, violation};
use crate::routing::road::RoadArcs;
pub use crate::routing::window::{MAX_TIME, TimeWindow};
use crate::routing::window::{order_rule, window_rule};
use serde::{Deserialize, Serialize};

/// Largest demand or capacity accepted (sums of them must not overflow).
pub const MAX_QUANTITY: i64 = 1 << 40;

/// Most distinct skills one problem may use (the solver keeps them as a 64-bit set).
pub const MAX_SKILLS: usize = 64;

/// Most reloads one route may make ([`VehicleType::max_reloads`]): the solver's split of a
/// route into trips is linear in it.
pub const MAX_RELOADS: usize = 32;

/// How distances between coordinates are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Metric {
    /// Euclidean distance rounded to the nearest integer per edge (TSPLIB `nint`, CVRPLIB).
    EuclideanRounded,
    /// Exact Euclidean distance (Solomon, Gehring-Homberger).
    Euclidean,
}

impl Metric {
    /// The distance between two points under this metric.
    ///
    /// # Units
    /// The unit of the coordinates.
    ///
    /// # Why not `hypot` and `floor`
    /// Above [`crate::routing::DENSE_UP_TO`] locations every arc the search reads comes
    /// through here: on Leuven2 (4,000 stops) glibc's `hypot` and the libm calls for
    /// `floor` took 40 % of the solve (perf). A square root of the sum of squares is one
    /// instruction, and correctly rounded for integer coordinates, where the sum is exact
    /// (glibc's `hypot` may differ from it in the last bit); `hypot` is kept for the sums
    /// that overflow. Truncating a non-negative value is its floor.
    #[inline]
    pub fn distance(self, a: [f64; 2], b: [f64; 2]) -> f64 {
        let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
        let squares = dx * dx + dy * dy;
        let d = if squares.is_finite() { squares.sqrt() } else { dx.hypot(dy) };
        match self {
            Self::EuclideanRounded => floor_non_negative(d + 0.5),
            Self::Euclidean => d,
        }
    }
}

/// `x.floor()` for `x >= 0` without a libm call where it fits in a `u64` (`x as u64`
/// truncates, which is the floor of a non-negative number); `floor` itself beyond.
#[inline]
fn floor_non_negative(x: f64) -> f64 {
    const EXACT_BELOW: f64 = 4_503_599_627_370_496.0; // 2^52: every f64 above is an integer
    if x < EXACT_BELOW { (x as u64) as f64 } else { x.floor() }
}

/// Where the locations are and how far apart.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Locations {
    /// Planar points; travel time = distance.
    Coordinates {
        /// One point per location.
        points: Vec<[f64; 2]>,
        /// How distances are computed.
        metric: Metric,
    },
    /// Explicit square matrices indexed `[from][to]`; `f64::INFINITY` marks an
    /// unreachable pair.
    Matrix {
        /// Distances.
        distance: Vec<Vec<f64>>,
        /// Travel times.
        duration: Vec<Vec<f64>>,
    },
    /// Locations snapped onto a road graph, every arc asked of a shared road oracle
    /// (city-scale problems without an n x n matrix; see [`crate::routing::road`]).
    /// Metres and seconds; an arc to or from a location off the graph is unreachable.
    Road(RoadArcs),
}

impl Locations {
    /// Number of locations.
    pub fn len(&self) -> usize {
        match self {
            Self::Coordinates { points, .. } => points.len(),
            Self::Matrix { distance, .. } => distance.len(),
            Self::Road(arcs) => arcs.len(),
        }
    }

    /// Whether there are no locations.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Distance from `a` to `b` (`INFINITY` when unreachable).
    ///
    /// # Units
    /// The problem's distance unit.
    pub fn distance(&self, a: usize, b: usize) -> f64 {
        match self {
            Self::Coordinates { points, metric } => metric.distance(points[a], points[b]),
            Self::Matrix { distance, .. } => distance[a][b],
            Self::Road(arcs) => arcs.arc(a, b).map_or(f64::INFINITY, |x| f64::from(x.distance_m)),
        }
    }

    /// Travel time from `a` to `b` (`INFINITY` when unreachable).
    ///
    /// # Units
    /// The problem's time unit.
    pub fn duration(&self, a: usize, b: usize) -> f64 {
        match self {
            Self::Coordinates { points, metric } => metric.distance(points[a], points[b]),
            Self::Matrix { duration, .. } => duration[a][b],
            Self::Road(arcs) => arcs.arc(a, b).map_or(f64::INFINITY, |x| f64::from(x.time_s)),
        }
    }

    /// Distance and travel time from `at` to `to`, nothing when `to` is `None`: the last
    /// leg of an open route ([`Problem::end_location`]), which ends where it is.
    ///
    /// # Units
    /// The problem's distance and time units.
    pub fn leg_to(&self, at: usize, to: Option<usize>) -> (f64, f64) {
        to.map_or((0.0, 0.0), |e| (self.distance(at, e), self.duration(at, e)))
    }
}

/// A depot: where vehicles start and end.
#[derive(Debug, Clone, PartialEq)]
pub struct Depot {
    /// Its id.
    pub id: StationId,
    /// Index into [`Problem::locations`].
    pub location: usize,
}

/// A group of identical vehicles.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleType {
    /// Its id.
    pub id: VehicleTypeId,
    /// How many such vehicles there are.
    pub count: usize,
    /// Capacity per dimension (same dimensions as every stop's demand).
    pub capacity: Vec<i64>,
    /// Index into [`Problem::depots`] where routes start.
    pub start_depot: usize,
    /// Index into [`Problem::depots`] where routes end; `None` for open routes, which end
    /// at their last stop (a courier who goes home from the last delivery, a van handed on
    /// to the next shift where it stands): the route's distance, time and cost stop
    /// there, and its shift end and duration limit bind the end of the last service.
    pub end_depot: Option<usize>,
    /// When the vehicle may leave and must be back.
    pub shift: TimeWindow,
    /// Longest route duration, counted from the shift start.
    pub max_duration: Option<f64>,
    /// Cost of using one such vehicle at all.
    pub fixed_cost: f64,
    /// Cost per unit of distance.
    pub cost_per_distance: f64,
    /// Cost per unit of route time.
    pub cost_per_time: f64,
    /// Skills every vehicle of this type has (empty: none, so it serves only stops that
    /// need none).
    pub skills: Vec<SkillId>,
    /// Most stops one route of this type serves (`None`: no limit).
    pub max_stops: Option<usize>,
    /// Longest distance one route of this type drives, depot to depot (`None`: no limit).
    pub max_distance: Option<f64>,
    /// Breaks every used vehicle of this type takes, in this order
    /// ([`crate::routing::breaks`] states the rule).
    pub breaks: Vec<Break>,
    /// Which travel this type's vehicles drive: 0 is [`Problem::locations`], `p > 0` is
    /// [`Problem::profiles`]`[p - 1]` (a bike's matrix beside the vans', say).
    pub profile: usize,
    /// Multi-trip: how many times a vehicle may go back to its start depot to reload
    /// within its shift (0: one trip). Each trip carries at most the capacity; where the
    /// route reloads is the solver's choice ([`crate::routing::Route::reloads`]).
    pub max_reloads: usize,
    /// How long one reload takes at the depot, besides the drive there and back.
    ///
    /// # Units
    /// The problem's time unit.
    pub reload_time: f64,
}

impl VehicleType {
    /// A vehicle type with the given capacity that costs its distance and nothing else.
    pub fn new(id: impl Into<VehicleTypeId>, count: usize, capacity: Vec<i64>) -> Self {
        Self {
            id: id.into(),
            count,
            capacity,
            start_depot: 0,
            end_depot: Some(0),
            shift: TimeWindow::ALWAYS,
            max_duration: None,
            fixed_cost: 0.0,
            cost_per_distance: 1.0,
            cost_per_time: 0.0,
            skills: Vec::new(),
            max_stops: None,
            max_distance: None,
            breaks: Vec::new(),
            profile: 0,
            max_reloads: 0,
            reload_time: 0.0,
        }
    }

    /// The latest time a route of this type may end.
    ///
    /// # Units
    /// The problem's time unit.
    pub fn latest_end(&self) -> f64 {
        let by_duration = self.max_duration.map_or(f64::INFINITY, |d| self.shift.start + d);
        self.shift.end.min(by_duration)
    }
}

/// A place to serve once.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// Its id.
    pub id: StopId,
    /// Index into [`Problem::locations`].
    pub location: usize,
    /// Demand per capacity dimension.
    pub demand: Vec<i64>,
    /// Time spent at the stop.
    pub service_time: f64,
    /// When service may start (the first window when there are several).
    pub time_window: TimeWindow,
    /// Further windows after [`Stop::time_window`], sorted and disjoint (each starts after
    /// the previous one ends): service starts inside one of them. Empty for one window.
    pub extra_windows: Vec<TimeWindow>,
    /// Cost of leaving it unserved (its prize: the stop is then optional); `None` uses
    /// [`Objective::unserved_penalty`], and without that the stop is required.
    pub unserved_penalty: Option<f64>,
    /// Skills the serving vehicle must have.
    pub skills: Vec<SkillId>,
    /// What the vehicle collects here and brings back to its end depot (returns, empty
    /// crates: VRPLIB's and PyVRP's backhaul, VROOM's job `pickup`), per dimension; empty
    /// for nothing. The load then falls by `demand` and rises by `backhaul` at the stop.
    pub backhaul: Vec<i64>,
}

impl Stop {
    /// A stop with a demand and no time window.
    pub fn new(id: impl Into<StopId>, location: usize, demand: Vec<i64>) -> Self {
        Self {
            id: id.into(),
            location,
            demand,
            service_time: 0.0,
            time_window: TimeWindow::ALWAYS,
            extra_windows: Vec::new(),
            unserved_penalty: None,
            skills: Vec::new(),
            backhaul: Vec::new(),
        }
    }

    /// The backhaul in dimension `k` (0 when the stop collects nothing).
    pub fn backhaul_in(&self, k: usize) -> i64 {
        self.backhaul.get(k).copied().unwrap_or(0)
    }

    /// Every window of the stop, in order.
    pub fn windows(&self) -> impl Iterator<Item = TimeWindow> + '_ {
        std::iter::once(self.time_window).chain(self.extra_windows.iter().copied())
    }

    /// When service starts for a vehicle arriving at `arrival`: at once inside a window,
    /// else when the next window opens; `None` after the last window.
    ///
    /// # Units
    /// The problem's time unit.
    pub fn service_start(&self, arrival: f64) -> Option<f64> {
        self.windows().find(|w| arrival <= w.end).map(|w| arrival.max(w.start))
    }
}

/// A pickup and its delivery: the same route serves both, the pickup first, carrying the
/// pickup's demand between them (the delivery states the same demand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Shipment {
    /// Index into [`Problem::stops`] of the stop where the goods are loaded.
    pub pickup: usize,
    /// Index into [`Problem::stops`] of the stop where they are unloaded.
    pub delivery: usize,
}

/// What the solver minimises.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Objective {
    /// Minimise the number of vehicles first, then cost (hierarchical objective).
    pub vehicles_first: bool,
    /// Default cost of an unserved stop; `None` picks one larger than any route could
    /// save, so a stop is left out only when no vehicle can serve it.
    pub unserved_penalty: Option<f64>,
    /// A term that evens the routes out, added to the cost (`None`: routes are only as
    /// long as their costs make them).
    pub balance: Option<Balance>,
}

/// Balanced routes: an objective term of `weight` times a measure of how uneven the
/// used routes are, so that a planner can trade total cost for fairness between drivers
/// (one van home at 13:00 and another at 19:00 costs the same distance as two at 16:00,
/// but not the same overtime or goodwill).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Balance {
    /// What is evened out.
    pub measure: BalanceMeasure,
    /// Cost per unit of the measure: per time unit of the longest route, or per stop of
    /// spread.
    pub weight: f64,
}

/// The measure a [`Balance`] term weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BalanceMeasure {
    /// The longest route's duration (min-max: the day ends as early as it can for the
    /// last driver home).
    MaxDuration,
    /// The most stops on one used route less the fewest on another.
    StopSpread,
}

impl Balance {
    /// The term for used routes given as `(duration, stops)`: 0 without routes.
    ///
    /// # Units
    /// The problem's cost unit.
    pub fn cost(&self, routes: impl IntoIterator<Item = (f64, usize)>) -> f64 {
        let (mut longest, mut most, mut fewest) = (0.0_f64, 0, usize::MAX);
        for (duration, stops) in routes {
            longest = longest.max(duration);
            most = most.max(stops);
            fewest = fewest.min(stops);
        }
        match self.measure {
            BalanceMeasure::MaxDuration => self.weight * longest,
            BalanceMeasure::StopSpread if most > 0 => self.weight * (most - fewest) as f64,
            BalanceMeasure::StopSpread => 0.0,
        }
    }
}

/// A complete routing problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// A name for reports.
    pub name: String,
    /// Locations and the distances between them: the travel of profile 0.
    pub locations: Locations,
    /// The travel of further vehicle profiles over the same locations (the same count,
    /// the same indices): `profiles[p - 1]` for a vehicle type with `profile = p`. Empty
    /// when every vehicle drives [`Problem::locations`].
    pub profiles: Vec<Locations>,
    /// Depots (at least one when there are vehicles).
    pub depots: Vec<Depot>,
    /// The fleet.
    pub vehicle_types: Vec<VehicleType>,
    /// The stops to serve.
    pub stops: Vec<Stop>,
    /// Pickup-and-delivery pairs among the stops (empty: every stop is a delivery from
    /// the depot).
    pub shipments: Vec<Shipment>,
    /// What to minimise.
    pub objective: Objective,
}

impl Problem {
    /// The travel of profile `profile` (0: [`Problem::locations`]); `None` past the last.
    pub fn travel(&self, profile: usize) -> Option<&Locations> {
        match profile {
            0 => Some(&self.locations),
            p => self.profiles.get(p - 1),
        }
    }

    /// The travel a vehicle of type `vehicle_type` drives (profile 0 for an unknown type
    /// or profile, which [`Problem::validate`] refuses).
    pub fn travel_of(&self, vehicle_type: usize) -> &Locations {
        let profile = self.vehicle_types.get(vehicle_type).map_or(0, |t| t.profile);
        self.travel(profile).unwrap_or(&self.locations)
    }

    /// The location where routes of `vt` end: its end depot's, `None` for an open route
    /// (or a depot index that [`Problem::validate`] refuses).
    pub fn end_location(&self, vt: &VehicleType) -> Option<usize> {
        self.depots.get(vt.end_depot?).map(|d| d.location)
    }

    /// Number of capacity dimensions (that of the first vehicle type, else of the first
    /// stop, else 0).
    pub fn dimensions(&self) -> usize {
        self.vehicle_types
            .first()
            .map(|v| v.capacity.len())
            .or_else(|| self.stops.first().map(|s| s.demand.len()))
            .unwrap_or(0)
    }

    /// Checks every rule and reports all violations at once.
    ///
    /// Codes: `E1001` location index out of range, `E1002` wrong number of capacity
    /// dimensions, `E1003` demand or capacity outside `[0, MAX_QUANTITY]`, `E1004` empty,
    /// undefined or out-of-range time window, `E1005` negative, non-finite or too large
    /// service time, cost or duration,
    /// `E1006` malformed matrix or coordinates, `E1007` depot index out of range,
    /// `E1008` duplicate stop id, `E1009` duplicate depot id, `E1010` duplicate vehicle
    /// type id (ids are how requests refer to depots and how answers name vehicles, so a
    /// duplicate would make both ambiguous), `E1011` more than [`MAX_SKILLS`] distinct
    /// skills, `E1012` windows of a stop out of order or overlapping, `E1030` a shipment's
    /// stop index out of range, `E1031` a stop in two shipments (or a shipment from a stop
    /// to itself), `E1032` a shipment whose delivery's demand differs from its pickup's;
    /// `E1014`-`E1016` bad driver breaks ([`crate::routing::breaks`]).
    ///
    /// # Errors
    /// [`RoutingError::Invalid`] with every violation found.
    pub fn validate(&self) -> Result<(), RoutingError> {
        let mut v = Vec::new();
        validate_locations(&self.locations, "", &mut v);
        let nloc = self.locations.len();
        profiles_rule(self, &mut v);
        let dims = self.dimensions();
        let mut depot_ids = std::collections::HashSet::new();
        for (i, d) in self.depots.iter().enumerate() {
            if d.location >= nloc {
                v.push(bad("E1001", format!("depots[{i}].location"), out_of(d.location, nloc)));
            }
            if !depot_ids.insert(d.id.as_str()) {
                let message = format!("depot id {} is used twice", d.id);
                v.push(bad("E1009", format!("depots[{i}].id"), message));
            }
        }
        let mut vehicle_ids = std::collections::HashSet::new();
        for (i, t) in self.vehicle_types.iter().enumerate() {
            let f = |name: &str| format!("vehicle_types[{i}].{name}");
            if !vehicle_ids.insert(t.id.as_str()) {
                v.push(bad("E1010", f("id"), format!("vehicle type id {} is used twice", t.id)));
            }
            if t.capacity.len() != dims {
                v.push(bad("E1002", f("capacity"), dims_msg(t.capacity.len(), dims)));
            }
            if t.capacity.iter().any(|&c| !(0..=MAX_QUANTITY).contains(&c)) {
                v.push(bad("E1003", f("capacity"), quantity_msg("capacities")));
            }
            let ends = [("start_depot", Some(t.start_depot)), ("end_depot", t.end_depot)];
            for (name, depot) in ends.into_iter().filter_map(|(n, d)| Some((n, d?))) {
                if depot >= self.depots.len() {
                    v.push(bad("E1007", f(name), out_of(depot, self.depots.len())));
                }
            }
            if t.profile > self.profiles.len() {
                let message = format!(
                    "profile {} does not exist: profile 0 is the locations, 1..={} the profiles",
                    t.profile,
                    self.profiles.len()
                );
                v.push(bad("E1040", f("profile"), message));
            }
            window_rule(t.shift, f("shift"), &mut v);
            breaks_rule(&t.breaks, t.shift.start, t.latest_end(), &f, &mut v);
            reloads_rule(self, t, &f, &mut v);
            for (name, x) in [
                ("fixed_cost", t.fixed_cost),
                ("cost_per_distance", t.cost_per_distance),
                ("cost_per_time", t.cost_per_time),
                ("max_duration", t.max_duration.unwrap_or(0.0)),
                ("max_distance", t.max_distance.unwrap_or(0.0)),
                ("reload_time", t.reload_time),
            ] {
                if !(x.is_finite() && (0.0..=MAX_TIME).contains(&x)) {
                    v.push(bad("E1005", f(name), format!("must be in [0, {MAX_TIME:e}], got {x}")));
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, s) in self.stops.iter().enumerate() {
            let f = |name: &str| format!("stops[{i}].{name}");
            if s.location >= nloc {
                v.push(bad("E1001", f("location"), out_of(s.location, nloc)));
            }
            if s.demand.len() != dims {
                v.push(bad("E1002", f("demand"), dims_msg(s.demand.len(), dims)));
            }
            if s.demand.iter().any(|&d| !(0..=MAX_QUANTITY).contains(&d)) {
                v.push(bad("E1003", f("demand"), quantity_msg("demands")));
            }
            if !s.backhaul.is_empty() && s.backhaul.len() != dims {
                v.push(bad("E1002", f("backhaul"), dims_msg(s.backhaul.len(), dims)));
            }
            if s.backhaul.iter().any(|&d| !(0..=MAX_QUANTITY).contains(&d)) {
                v.push(bad("E1003", f("backhaul"), quantity_msg("backhauls")));
            }
            window_rule(s.time_window, f("time_window"), &mut v);
            order_rule(
                s.time_window,
                &s.extra_windows,
                |k| f(&format!("extra_windows[{k}]")),
                &mut v,
            );
            if !(s.service_time.is_finite() && (0.0..=MAX_TIME).contains(&s.service_time)) {
                v.push(bad("E1005", f("service_time"), format!("must be in [0, {MAX_TIME:e}]")));
            }
            if let Some(p) = s.unserved_penalty
                && !(p.is_finite() && p >= 0.0)
            {
                v.push(bad("E1005", f("unserved_penalty"), "must be finite and >= 0".into()));
            }
            if !seen.insert(s.id.as_str()) {
                v.push(bad("E1008", f("id"), format!("stop id {} is used twice", s.id)));
            }
        }
        if let Some(p) = self.objective.unserved_penalty
            && !(p.is_finite() && p >= 0.0)
        {
            v.push(bad("E1005", "objective.unserved_penalty".into(), "must be >= 0".into()));
        }
        if let Some(b) = self.objective.balance
            && !(b.weight.is_finite() && (0.0..=MAX_TIME).contains(&b.weight))
        {
            let message = format!("must be in [0, {MAX_TIME:e}], got {}", b.weight);
            v.push(bad("E1005", "objective.balance.weight".into(), message));
        }
        shipments_rule(self, &mut v);
        skills_rule(self, &mut v);
        if v.is_empty() { Ok(()) } else { Err(RoutingError::Invalid(v)) }
    }
}

/// `E1030`-`E1033`: shipments name existing stops, each stop at most once, with one
/// demand for both ends and no backhaul (what a shipment carries is its own).
fn shipments_rule(p: &Problem, v: &mut Vec<Issue>) {
    let n = p.stops.len();
    let mut in_pair = vec![false; n];
    for (i, sh) in p.shipments.iter().enumerate() {
        let f = |name: &str| format!("shipments[{i}].{name}");
        let mut ok = true;
        for (name, s) in [("pickup", sh.pickup), ("delivery", sh.delivery)] {
            if s >= n {
                v.push(bad("E1030", f(name), out_of(s, n)));
                ok = false;
            } else if std::mem::replace(&mut in_pair[s], true) {
                let message = format!("stop {} is already in a shipment", p.stops[s].id);
                v.push(bad("E1031", f(name), message));
                ok = false;
            }
        }
        if ok && p.stops[sh.pickup].demand != p.stops[sh.delivery].demand {
            let message = format!(
                "the delivery's demand {:?} differs from the pickup's {:?}",
                p.stops[sh.delivery].demand, p.stops[sh.pickup].demand
            );
            v.push(bad("E1032", f("delivery"), message));
        }
        for (name, s) in [("pickup", sh.pickup), ("delivery", sh.delivery)] {
            if ok && p.stops[s].backhaul.iter().any(|&b| b > 0) {
                let message = format!("stop {} is in a shipment and has a backhaul", p.stops[s].id);
                v.push(bad("E1033", f(name), message));
            }
        }
    }
}

/// `E1011`: the first skill beyond [`MAX_SKILLS`] distinct ones, where it is named.
fn skills_rule(p: &Problem, v: &mut Vec<Issue>) {
    let mut seen = std::collections::HashSet::new();
    let named = p.vehicle_types.iter().enumerate().flat_map(|(i, t)| {
        t.skills
            .iter()
            .enumerate()
            .map(move |(k, x)| (format!("vehicle_types[{i}].skills[{k}]"), x))
    });
    let needed = p.stops.iter().enumerate().flat_map(|(i, s)| {
        s.skills.iter().enumerate().map(move |(k, x)| (format!("stops[{i}].skills[{k}]"), x))
    });
    for (field, skill) in named.chain(needed) {
        if seen.insert(skill.as_str()) && seen.len() > MAX_SKILLS {
            let message = format!("skill {skill} is one more than the {MAX_SKILLS} allowed");
            v.push(bad("E1011", field, message));
            return;
        }
    }
}

/// The skills of a problem, numbered by first appearance (vehicle types, then stops).
pub(crate) fn skill_numbers(p: &Problem) -> std::collections::HashMap<&str, u32> {
    let mut numbers = std::collections::HashMap::new();
    let all = p
        .vehicle_types
        .iter()
        .flat_map(|t| &t.skills)
        .chain(p.stops.iter().flat_map(|s| &s.skills));
    for skill in all {
        let next = numbers.len() as u32;
        numbers.entry(skill.as_str()).or_insert(next);
    }
    numbers
}

/// `E1043`: a multi-trip vehicle type reloads at most [`MAX_RELOADS`] times, and not
/// together with what the trips' split does not model yet (breaks, shipments, backhauls).
fn reloads_rule(p: &Problem, t: &VehicleType, f: &dyn Fn(&str) -> String, v: &mut Vec<Issue>) {
    if t.max_reloads == 0 {
        return;
    }
    let clash = if t.max_reloads > MAX_RELOADS {
        Some(format!("must be at most {MAX_RELOADS}, got {}", t.max_reloads))
    } else if !t.breaks.is_empty() {
        Some("reloads and breaks on one vehicle type are not supported yet".to_owned())
    } else if !p.shipments.is_empty() || p.stops.iter().any(|s| s.backhaul.iter().any(|&b| b > 0)) {
        Some("reloads with shipments or backhauls are not supported yet".to_owned())
    } else {
        None
    };
    if let Some(message) = clash {
        v.push(bad("E1043", f("max_reloads"), message));
    }
}

/// `E1041`: every further profile covers the same locations as profile 0 (each checked
/// as the locations are, its fields under `profiles[i].`).
fn profiles_rule(p: &Problem, v: &mut Vec<Issue>) {
    let nloc = p.locations.len();
    for (i, loc) in p.profiles.iter().enumerate() {
        let at = format!("profiles[{i}].");
        validate_locations(loc, &at, v);
        if loc.len() != nloc {
            let message = format!("has {} locations, the problem {nloc}", loc.len());
            v.push(bad("E1041", format!("profiles[{i}]"), message));
        }
    }
}

/// `E1006`: finite coordinates, square matrices with entries >= 0; `at` prefixes the
/// field names (`profiles[1].` for a further profile).
fn validate_locations(loc: &Locations, at: &str, v: &mut Vec<Issue>) {
    match loc {
        Locations::Coordinates { points, .. } => {
            if let Some(i) = points.iter().position(|p| !(p[0].is_finite() && p[1].is_finite())) {
                v.push(bad(
                    "E1006",
                    format!("{at}locations[{i}]"),
                    "coordinates must be finite".into(),
                ));
            }
        }
        Locations::Matrix { distance, duration } => {
            let n = distance.len();
            for (name, m) in [("distance", distance), ("duration", duration)] {
                if m.len() != n || m.iter().any(|row| row.len() != n) {
                    let msg = format!("must be a square {n} x {n} matrix");
                    v.push(bad("E1006", format!("{at}matrix.{name}"), msg));
                } else if m.iter().flatten().any(|&x| x.is_nan() || x < 0.0) {
                    let msg = "entries must be >= 0 (use infinity for unreachable)".into();
                    v.push(bad("E1006", format!("{at}matrix.{name}"), msg));
                }
            }
        }
        // Its stops were checked against the oracle when it was made (`RoadArcs::new`).
        Locations::Road(_) => {}
    }
}

fn quantity_msg(what: &str) -> String {
    format!("{what} must be in [0, {MAX_QUANTITY}]")
}

fn bad(code: &'static str, field: String, message: String) -> Issue {
    violation(code, field, message)
}

fn out_of(i: usize, n: usize) -> String {
    format!("index {i} is out of range (there are {n})")
}

fn dims_msg(got: usize, want: usize) -> String {
    format!("has {got} dimensions, the fleet has {want}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Problem {
        Problem {
            profiles: Vec::new(),
            name: "tiny".into(),
            locations: Locations::Coordinates {
                points: vec![[0.0, 0.0], [3.0, 4.0]],
                metric: Metric::Euclidean,
            },
            depots: vec![Depot { id: "D".into(), location: 0 }],
            vehicle_types: vec![VehicleType::new("v", 1, vec![10])],
            stops: vec![Stop::new("a", 1, vec![3])],
            objective: Objective::default(),
            shipments: Vec::new(),
        }
    }

    #[test]
    fn a_valid_problem_passes() {
        assert!(tiny().validate().is_ok());
        assert_eq!(tiny().locations.distance(0, 1), 5.0);
    }

    #[test]
    fn all_violations_are_reported_at_once() {
        let mut p = tiny();
        p.stops[0].location = 9;
        p.stops[0].demand = vec![-1];
        p.stops.push(Stop::new("a", 0, vec![1, 2]));
        let Err(RoutingError::Invalid(v)) = p.validate() else { panic!("must be invalid") };
        let codes: Vec<_> = v.iter().map(|x| x.code).collect();
        assert_eq!(codes, ["E1001", "E1003", "E1002", "E1008"]);
    }

    #[test]
    fn r13_too_many_skills_and_unsorted_windows_are_coded() {
        let mut p = tiny();
        p.vehicle_types[0].skills = (0..MAX_SKILLS).map(|i| format!("k{i}").into()).collect();
        p.stops[0].skills = vec!["k0".into(), "one-too-many".into()];
        p.stops[0].time_window = TimeWindow { start: 0.0, end: 10.0 };
        p.stops[0].extra_windows =
            vec![TimeWindow { start: 20.0, end: 30.0 }, TimeWindow { start: 25.0, end: 40.0 }];
        p.vehicle_types[0].max_distance = Some(-1.0);
        let Err(RoutingError::Invalid(v)) = p.validate() else { panic!("must be invalid") };
        let found: Vec<_> =
            v.iter().map(|x| (x.code.to_string(), x.location.to_string())).collect();
        assert!(found.contains(&("E1011".into(), "stops[0].skills[1]".into())), "{found:?}");
        assert!(found.contains(&("E1012".into(), "stops[0].extra_windows[1]".into())), "{found:?}");
        assert!(
            found.contains(&("E1005".into(), "vehicle_types[0].max_distance".into())),
            "{found:?}"
        );
        assert_eq!(v.len(), 3, "{found:?}");
        p.stops[0].skills.pop();
        p.stops[0].extra_windows.pop();
        p.vehicle_types[0].max_distance = Some(50.0);
        assert!(p.validate().is_ok());
        let s = &p.stops[0];
        assert_eq!(s.service_start(5.0), Some(5.0));
        assert_eq!(s.service_start(12.0), Some(20.0));
        assert_eq!(s.service_start(31.0), None);
    }

    #[test]
    fn rounded_metric_rounds_each_edge() {
        assert_eq!(Metric::EuclideanRounded.distance([0.0, 0.0], [1.0, 1.0]), 1.0);
        assert_eq!(Metric::EuclideanRounded.distance([0.0, 0.0], [1.5, 1.5]), 2.0);
    }
}
