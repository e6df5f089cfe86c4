//! Seeded plans under way, for the benchmark and the property tests.
//!
//! A day of random stops (half with a two-hour-style window) is solved, the clock is set
//! part-way through it, and each route is cut where the clock stands: stops left before
//! it are served, the next `committed` ones committed, the rest planned. New orders appear
//! at fresh points, released now, due some time later. The states are consistent by
//! construction (every prefix is the one a feasible plan drove), as the live system's are.

use crate::context::SolveContext;
use crate::ids::PlanId;
use crate::replan::error::ReplanError;
use crate::replan::state::{MAX_ORDERS, MAX_STOPS, NewOrder, NewOrders, PlanState, VehicleState};
use crate::routing::formats::json::{
    self, JsonDepot, JsonLocations, JsonObjective, JsonProblem, JsonStop, JsonVehicle,
};
use crate::routing::{self, SolverConfig, TimeWindow};
use rand::Rng;

/// Length of the generated day, in its time unit (= its distance unit).
const DAY: f64 = 10_000.0;
/// Side of the square the points are drawn in.
const SIDE: f64 = 1_000.0;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenerateOptions {
    /// Stops of the day's first plan.
    pub stops: usize,
    /// New orders.
    pub orders: usize,
    /// Committed stops per route (after the served ones).
    pub committed: usize,
    /// Where the clock stands, as a share of the day.
    pub progress: f64,
    /// Iterations of the first plan's solve.
    pub iterations: u64,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions { stops: 500, orders: 50, committed: 1, progress: 0.3, iterations: 2000 }
    }
}

/// A seeded state under way and its new orders.
///
/// # Errors
/// [`ReplanError::Invalid`] for sizes beyond [`MAX_STOPS`] / [`MAX_ORDERS`].
pub fn generate(
    options: &GenerateOptions,
    seed: u64,
) -> Result<(PlanState, NewOrders), ReplanError> {
    if options.stops > MAX_STOPS || options.orders > MAX_ORDERS {
        let message = format!("at most {MAX_STOPS} stops and {MAX_ORDERS} orders");
        let issue = crate::replan::error::violation("R009", "generate".into(), message);
        return Err(ReplanError::Invalid(vec![issue]));
    }
    let ctx = SolveContext::new(seed);
    let mut rng = ctx.rng(7);
    let progress = options.progress.clamp(0.0, 1.0);
    let point = |rng: &mut rand_pcg::Pcg64Mcg| {
        vec![rng.random_range(0.0..SIDE), rng.random_range(0.0..SIDE)]
    };
    let mut coordinates = vec![vec![SIDE / 2.0, SIDE / 2.0]];
    let mut stops = Vec::with_capacity(options.stops);
    for i in 0..options.stops {
        coordinates.push(point(&mut rng));
        stops.push(stop(&mut rng, format!("s{i}"), i + 1, 0.0));
    }
    let vehicles = options.stops / 12 + 2;
    let problem = JsonProblem {
        name: format!("live-{seed}"),
        locations: JsonLocations { coordinates: Some(coordinates), ..JsonLocations::default() },
        depots: vec![JsonDepot { id: "D".into(), location: 0 }],
        vehicles: vec![JsonVehicle {
            id: "van".into(),
            count: vehicles,
            capacity: vec![100],
            start_depot: "D".into(),
            end_depot: None,
            open_end: false,
            max_reloads: 0,
            reload_time: 0.0,
            shift: Some(TimeWindow { start: 0.0, end: DAY }),
            max_duration: None,
            fixed_cost: 0.0,
            cost_per_distance: 1.0,
            cost_per_time: 0.0,
            skills: Vec::new(),
            max_stops: None,
            max_distance: None,
            breaks: Vec::new(),
            profile: None,
        }],
        profiles: Vec::new(),
        stops,
        shipments: Vec::new(),
        objective: JsonObjective::default(),
        time_limit_s: None,
        seed: None,
        max_iterations: None,
    };
    let model = json::convert(problem.clone())?.problem;
    let config = SolverConfig::default().with_max_iterations(options.iterations);
    let solution = routing::solve(&model, &config, &ctx)?;
    let now = DAY * progress;
    let mut listed = Vec::new();
    for route in &solution.routes {
        let schedule = route.schedule(&model);
        let served = schedule.iter().take_while(|v| v.departure <= now).count();
        let committed = (served + options.committed).min(route.stops.len());
        let ids = |r: std::ops::Range<usize>| {
            route.stops[r].iter().map(|&s| model.stops[s].id.clone()).collect::<Vec<_>>()
        };
        listed.push(VehicleState {
            vehicle_type: "van".into(),
            vehicle: route.vehicle + 1,
            position: None,
            served: ids(0..served),
            committed: ids(served..committed),
            planned: ids(committed..route.stops.len()),
        });
    }
    let unassigned = solution.unserved.iter().map(|u| model.stops[u.stop].id.clone()).collect();
    let mut orders = NewOrders { now: None, coordinates: Vec::new(), orders: Vec::new() };
    for i in 0..options.orders {
        orders.coordinates.push(point(&mut rng));
        let location = options.stops + 1 + i;
        orders.orders.push(NewOrder {
            release_time: now,
            stop: stop(&mut rng, format!("n{i}"), location, now),
        });
    }
    let state = PlanState {
        plan_id: PlanId::new(format!("live-{seed}")),
        version: 1,
        parent_version: None,
        now,
        problem,
        vehicles: listed,
        unassigned,
    };
    Ok((state, orders))
}

/// A stop with demand 1-10, service 10 and, one time in two, a window of 2,000 opening
/// after `from`.
fn stop(rng: &mut rand_pcg::Pcg64Mcg, id: String, location: usize, from: f64) -> JsonStop {
    let window = rng.random_bool(0.5).then(|| {
        let start = rng.random_range(from..(DAY - 2_500.0).max(from + 1.0));
        TimeWindow { start, end: start + 2_000.0 }
    });
    JsonStop {
        id: id.into(),
        location,
        demand: Some(vec![rng.random_range(1..=10)]),
        service_time: 10.0,
        time_window: window,
        time_windows: None,
        unserved_penalty: None,
        prize: None,
        skills: Vec::new(),
        backhaul: None,
    }
}
