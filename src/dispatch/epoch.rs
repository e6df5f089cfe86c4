//! One epoch of a dynamic episode: what the controller sees ([`Observation`]) and the
//! static VRPTW a policy solves for it ([`EpochStop`], [`solve_epoch`]).
//!
//! The epoch problem keeps absolute times (seconds from the start of the day) instead of
//! the environment's times shifted by the departure and clipped at 0: the vehicles' shift
//! starts at the departure time, which gives the same schedules, and sampled future
//! requests (whose earliest service is later than any route leaving now could give them)
//! fit the same clock.

use crate::context::SolveContext;
use crate::dispatch::error::DispatchError;
use crate::dispatch::ortec::{Instance, Request, departure_s};
use crate::routing::{self, Depot, Locations, Objective, Problem, SolverConfig, Stop, TimeWindow};
use crate::routing::{VehicleType, check};

/// What the controller knows at one epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The epoch.
    pub epoch: u32,
    /// The episode's last epoch (everything left must go then).
    pub end_epoch: u32,
    /// Whether this is the episode's last epoch.
    pub last: bool,
    /// When routes dispatched now leave the depot (seconds from the start of the day).
    pub departure_s: i64,
    /// Released requests not yet dispatched, in id order.
    pub requests: Vec<Request>,
    /// Per request: it must be dispatched in this epoch.
    pub must_dispatch: Vec<bool>,
}

impl Observation {
    /// The observation at `epoch` of an episode, from its released, not yet dispatched
    /// requests.
    pub fn new(epoch: u32, end_epoch: u32, requests: Vec<Request>) -> Self {
        let last = epoch >= end_epoch;
        let must_dispatch =
            requests.iter().map(|r| last || r.must_dispatch_epoch <= epoch).collect();
        Self { epoch, end_epoch, last, departure_s: departure_s(epoch), requests, must_dispatch }
    }

    /// Indices (into [`Self::requests`]) of the must-dispatch requests.
    pub fn must(&self) -> Vec<usize> {
        (0..self.requests.len()).filter(|&i| self.must_dispatch[i]).collect()
    }
}

/// A stop of an epoch's VRPTW: a known request, or a sampled or postponed one whose
/// earliest service start reflects when a route could first reach it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochStop {
    /// Matrix node.
    pub node: usize,
    /// Earliest service start, seconds from the start of the day.
    pub ready_s: i64,
    /// Latest service start.
    pub due_s: i64,
    /// Service duration, seconds.
    pub service_s: i64,
    /// Demand.
    pub demand: i64,
}

impl EpochStop {
    /// A known request, as it is.
    pub fn of(r: &Request) -> Self {
        Self {
            node: r.node,
            ready_s: r.ready_s,
            due_s: r.due_s,
            service_s: r.service_s,
            demand: r.demand,
        }
    }

    /// The same stop when no route can leave the depot before `departure_s`: service
    /// cannot start before the vehicle gets there. An approximation of a release time in a
    /// model without one; `None` when the stop is then out of reach.
    pub fn released_at(self, instance: &Instance, departure_s: i64) -> Option<Self> {
        let fits =
            instance.fits_alone(self.node, self.ready_s, self.due_s, self.service_s, departure_s);
        let earliest = departure_s + instance.duration_s[0][self.node];
        fits.then_some(Self { ready_s: self.ready_s.max(earliest), ..self })
    }
}

/// A group of vehicles of an epoch problem: when they leave the depot and what a second
/// of their route time costs besides driving (the fleet is unlimited: one vehicle per stop).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Departure {
    /// When they leave the depot, seconds from the start of the day.
    pub departure_s: i64,
    /// Cost per second from departure to return (0: only driving counts, the score).
    pub cost_per_s: f64,
}

impl Departure {
    /// Vehicles leaving at `departure_s` that cost their driving only.
    pub fn at(departure_s: i64) -> Self {
        Self { departure_s, cost_per_s: 0.0 }
    }
}

/// The routing problem of one epoch: the depot (location 0) and `stops` (location i + 1),
/// the sub-matrix of the instance's durations as both distance and time (the score is
/// driving duration), and per [`Departure`] as many vehicles as stops (the fleet is
/// unlimited) leaving then and due back by the depot's due time.
pub fn problem(instance: &Instance, fleet: &[Departure], stops: &[EpochStop]) -> Problem {
    let nodes: Vec<usize> = std::iter::once(0).chain(stops.iter().map(|s| s.node)).collect();
    let matrix: Vec<Vec<f64>> = nodes
        .iter()
        .map(|&a| nodes.iter().map(|&b| instance.duration_s[a][b] as f64).collect())
        .collect();
    let vehicle_types = fleet
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let mut van =
                VehicleType::new(format!("van{k}"), stops.len().max(1), vec![instance.capacity]);
            van.shift =
                TimeWindow { start: d.departure_s as f64, end: instance.horizon_s() as f64 };
            van.cost_per_time = d.cost_per_s;
            van
        })
        .collect();
    let stops = stops
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut stop = Stop::new(format!("s{i}"), i + 1, vec![s.demand]);
            stop.service_time = s.service_s as f64;
            stop.time_window = TimeWindow { start: s.ready_s as f64, end: s.due_s as f64 };
            stop
        })
        .collect();
    let departure = fleet.first().map_or(0, |d| d.departure_s);
    Problem {
        profiles: Vec::new(),
        name: format!("{}@{departure}", instance.name),
        locations: Locations::Matrix { distance: matrix.clone(), duration: matrix },
        depots: vec![Depot { id: "depot".into(), location: 0 }],
        vehicle_types,
        stops,
        objective: Objective::default(),
        shipments: Vec::new(),
    }
}

/// A route of an epoch solve: the index of its [`Departure`] and its stops (indices into
/// the solve's stops).
pub type EpochRoute = (usize, Vec<usize>);

/// Routes `stops` with the vehicles of `fleet` within the context's deadline and returns
/// the routes with the stops left out (only a stop that cannot be served at all is left
/// out: the fleet is unlimited). The routes are checked by the routing stage's
/// independent checker.
///
/// # Errors
/// [`DispatchError::Routing`] when the solver refuses the problem,
/// [`DispatchError::Check`] when its answer fails the check.
pub fn solve_epoch(
    instance: &Instance,
    epoch: u32,
    fleet: &[Departure],
    stops: &[EpochStop],
    config: &SolverConfig,
    ctx: &SolveContext,
) -> Result<(Vec<EpochRoute>, Vec<usize>), DispatchError> {
    if stops.is_empty() || fleet.is_empty() {
        return Ok((Vec::new(), (0..stops.len()).collect()));
    }
    let p = problem(instance, fleet, stops);
    let routing = |source| DispatchError::Routing { epoch, source };
    let solution = routing::solve(&p, config, ctx).map_err(routing)?;
    let report = check(&p, &solution);
    if !report.is_ok() {
        return Err(DispatchError::Check { epoch, violations: report.violations });
    }
    let routes = solution.routes.into_iter().map(|r| (r.vehicle_type, r.stops)).collect();
    Ok((routes, solution.unserved.iter().map(|u| u.stop).collect()))
}
