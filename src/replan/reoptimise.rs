//! [`reoptimise`]: re-plan a day under way from its state and the orders that arrived.
//!
//! 1. The state is checked and the orders merged ([`State::from_wire`]).
//! 2. The residual problem is built ([`crate::routing`]'s own model, nothing new in the
//!    solver; see [`crate::replan::residual`]) and solved.
//! 3. With a churn penalty, the solver's plan and the old plan kept (new stops inserted)
//!    are both improved under `cost + penalty * churn` ([`crate::replan::repair`]) and the
//!    better one is kept. Without one the solver's plan is the answer.
//! 4. The fixed prefixes are put back in front, and the whole day goes through the routing
//!    checker ([`crate::routing::check`]) as does the residual plan; a violation is an
//!    error, never an answer.
//! 5. The answer is the next version of the state and what changed ([`Changes`]).

use crate::context::SolveContext;
use crate::replan::churn::{Before, Changes, Inserted, Moved, VehicleRef, resequenced};
use crate::replan::error::ReplanError;
use crate::replan::repair::{Plan, Repair, figures};
use crate::replan::residual::{self, Residual};
use crate::replan::state::{MAX_VERSION, NewOrders, PlanState, State, VehicleState};
use crate::routing::{self, Route, Solution, SolverConfig, Unserved, UnservedReason};
use serde::Serialize;
use std::time::Duration;

/// Largest churn penalty accepted (the problem's cost unit).
pub const MAX_CHURN_PENALTY: f64 = 1e9;

/// Share of the time limit the solver gets when a churn penalty leaves work for the
/// repair (which takes a few milliseconds on 500 stops: it is bounded by passes, and stops
/// at the deadline too).
const SOLVER_SHARE: f64 = 0.8;

/// Options of a re-optimisation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReoptimiseOptions {
    /// Cost of each planned stop moved to another vehicle, re-sequenced or dropped
    /// (0: plans may change freely). In the problem's cost unit.
    pub churn_penalty: f64,
    /// The solver's settings.
    pub solver: SolverConfig,
}

/// Figures of a re-optimisation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReoptimiseSummary {
    /// The version written (a count, no unit).
    pub version: u64,
    /// Cost of the whole day (fixed prefixes included), as the checker recomputed it
    /// (currency, as the vehicles' costs).
    pub cost: f64,
    /// Cost of what was re-planned (the residual routes; currency, as the vehicles' costs).
    pub residual_cost: f64,
    /// Stops planned, fixed ones included, on the vehicles of the answer (count).
    pub stops_on_routes: usize,
    /// What changed.
    pub changes: Changes,
    /// Wall time of the re-optimisation, in seconds.
    pub seconds: f64,
}

/// The answer of a re-optimisation.
#[derive(Debug, Clone)]
pub struct Reoptimised {
    /// The next version of the state.
    pub state: PlanState,
    /// The whole day's plan, on the state's problem (orders merged).
    pub solution: Solution,
    /// Figures and changes.
    pub summary: ReoptimiseSummary,
}

/// Re-plans a state under way with new orders.
///
/// Served and committed stops stay where they are; planned stops and new orders are
/// re-planned from where and when each vehicle's committed stops end.
///
/// # Errors
/// [`ReplanError::Invalid`] for a broken state, orders or option (every rule at once),
/// [`ReplanError::Routing`] when the residual problem cannot be solved (too large),
/// [`ReplanError::Check`] if the answer failed the routing checker (a bug).
///
/// # Complexity
/// The solver's, within the context's deadline; then O(passes * n^2 * k) for the churn
/// repair (n stops, routes of k stops).
pub fn reoptimise(
    wire: PlanState,
    orders: NewOrders,
    options: &ReoptimiseOptions,
    ctx: &SolveContext,
) -> Result<Reoptimised, ReplanError> {
    let penalty = options.churn_penalty;
    if !(penalty.is_finite() && (0.0..=MAX_CHURN_PENALTY).contains(&penalty)) {
        let message = format!("must be in [0, {MAX_CHURN_PENALTY:e}], got {penalty}");
        let issue = crate::replan::error::violation("R001", "churn_penalty".into(), message);
        return Err(ReplanError::Invalid(vec![issue]));
    }
    if wire.version >= MAX_VERSION {
        let issue = crate::replan::error::violation(
            "R001",
            "version".into(),
            format!("version {MAX_VERSION} is the last"),
        );
        return Err(ReplanError::Invalid(vec![issue]));
    }
    let state = State::from_wire(wire, orders)?;
    let residual = residual::build(&state).map_err(ReplanError::Invalid)?;
    let (slot_type, slot_base) = slots(&residual);
    let before = before(&state, &residual, &slot_base);
    let solver_ctx = match ctx.remaining() {
        Some(left) if penalty > 0.0 => ctx
            .child(ctx.seed())
            .with_time_limit(Duration::from_secs_f64(left.as_secs_f64() * SOLVER_SHARE)),
        _ => ctx.child(ctx.seed()),
    };
    let solved = routing::solve(&residual.problem, &options.solver, &solver_ctx)?;
    let mut plan = Plan { routes: vec![Vec::new(); slot_type.len()], out: Vec::new() };
    for r in &solved.routes {
        plan.routes[slot_base[r.vehicle_type] + r.vehicle] = r.stops.clone();
    }
    plan.out = solved.unserved.iter().map(|u| u.stop).collect();
    if penalty > 0.0 {
        let mut repair = Repair::new(&residual.problem, slot_type.clone(), &before, penalty);
        repair.improve(&mut plan, ctx);
        let mut kept = kept_plan(&mut repair, &before, slot_type.len());
        repair.improve(&mut kept, ctx);
        if repair.score(&kept).beats(&repair.score(&plan)) {
            plan = kept;
        }
    }
    let residual_solution = to_solution(&residual, &slot_type, &slot_base, &plan, &solved);
    let report = routing::check(&residual.problem, &residual_solution);
    if !report.is_ok() {
        return Err(ReplanError::Check { violations: report.violations });
    }
    let whole = whole_day(&state, &residual, &slot_type, &plan, &residual_solution)?;
    let changes = changes(&state, &residual, &before, &slot_type, &plan);
    let next = next_state(&state, &residual, &plan);
    let summary = ReoptimiseSummary {
        version: next.version,
        cost: whole.cost,
        residual_cost: residual_solution.cost,
        stops_on_routes: whole.routes.iter().map(|r| r.stops.len()).sum(),
        changes,
        seconds: ctx.elapsed().as_secs_f64(),
    };
    Ok(Reoptimised { state: next, solution: whole, summary })
}

/// The residual type of each slot, and each type's first slot.
fn slots(residual: &Residual) -> (Vec<usize>, Vec<usize>) {
    let mut slot_type = Vec::new();
    let mut base = Vec::with_capacity(residual.problem.vehicle_types.len());
    for (t, vt) in residual.problem.vehicle_types.iter().enumerate() {
        base.push(slot_type.len());
        slot_type.extend(std::iter::repeat_n(t, vt.count));
    }
    (slot_type, base)
}

/// The slot of a listed vehicle's residual type (`None` when it takes no more work).
fn listed_slot(residual: &Residual, slot_base: &[usize], listed: usize) -> Option<usize> {
    let t = residual.origins.iter().position(|o| o.listed == Some(listed))?;
    (residual.problem.vehicle_types[t].count > 0).then_some(slot_base[t])
}

/// Where each residual stop was planned (slot, rank).
fn before(state: &State, residual: &Residual, slot_base: &[usize]) -> Before {
    let mut before = vec![None; residual.stops.len()];
    for (i, x) in state.vehicles.iter().enumerate() {
        // A vehicle that takes no more work has no slot: its planned stops all move.
        let slot = listed_slot(residual, slot_base, i).unwrap_or(usize::MAX);
        for (rank, &s) in x.planned.iter().enumerate() {
            if let Some(r) = residual.of_state[s] {
                before[r] = Some((slot, rank));
            }
        }
    }
    before
}

/// The old plan kept: each slot's planned stops in their order while they fit, then the
/// rest inserted where they cost least.
fn kept_plan(repair: &mut Repair<'_>, before: &Before, slots: usize) -> Plan {
    let mut old: Vec<Vec<(usize, usize)>> = vec![Vec::new(); slots];
    let mut out = Vec::new();
    for (s, b) in before.iter().enumerate() {
        match b {
            Some((slot, rank)) if *slot < slots => old[*slot].push((*rank, s)),
            _ => out.push(s),
        }
    }
    let mut plan = Plan { routes: vec![Vec::new(); slots], out: Vec::new() };
    for (slot, mut stops) in old.into_iter().enumerate() {
        stops.sort_unstable();
        for (_, s) in stops {
            plan.routes[slot].push(s);
            if !repair.feasible(slot, &plan.routes[slot]) {
                plan.routes[slot].pop();
                out.push(s);
            }
        }
    }
    out.sort_unstable();
    plan.out = out;
    repair.insert_out(&mut plan);
    plan
}

/// The residual plan as a routing solution (costs recomputed from the raw problem).
fn to_solution(
    residual: &Residual,
    slot_type: &[usize],
    slot_base: &[usize],
    plan: &Plan,
    solved: &Solution,
) -> Solution {
    let p = &residual.problem;
    let mut routes = Vec::new();
    for (slot, stops) in plan.routes.iter().enumerate() {
        if stops.is_empty() {
            continue;
        }
        let t = slot_type[slot];
        let f = figures(p, t, stops).unwrap_or(crate::replan::repair::Figures {
            cost: f64::NAN,
            distance: f64::NAN,
            duration: f64::NAN,
        });
        routes.push(Route {
            vehicle_type: t,
            vehicle: slot - slot_base[t],
            stops: stops.clone(),
            distance: f.distance,
            duration: f.duration,
            breaks: Vec::new(),
            reloads: Vec::new(),
        });
    }
    let reason_of = |s: usize| {
        solved.unserved.iter().find(|u| u.stop == s).map_or(UnservedReason::NoVehicle, |u| u.reason)
    };
    let mut unserved: Vec<Unserved> =
        plan.out.iter().map(|&s| Unserved { stop: s, reason: reason_of(s) }).collect();
    unserved.sort_by_key(|u| u.stop);
    let cost = routes
        .iter()
        .map(|r| {
            let vt = &p.vehicle_types[r.vehicle_type];
            vt.fixed_cost + vt.cost_per_distance * r.distance + vt.cost_per_time * r.duration
        })
        .sum();
    let unserved_penalty = unserved
        .iter()
        .filter_map(|u| p.stops[u.stop].unserved_penalty.or(p.objective.unserved_penalty))
        .sum();
    let distance = routes.iter().map(|r| r.distance).sum();
    Solution { routes, unserved, cost, unserved_penalty, distance, stats: solved.stats.clone() }
}

/// The original vehicle (type, index from 0) of a slot.
fn vehicle_of(residual: &Residual, slot_type: &[usize], slot: usize) -> (usize, usize) {
    let t = slot_type[slot];
    let first = slot_type.iter().position(|&x| x == t).unwrap_or(slot);
    let origin = &residual.origins[t];
    (origin.vehicle_type, origin.vehicles[slot - first])
}

/// Each original vehicle's whole day: fixed prefix, then its residual route.
fn day_routes(state: &State, residual: &Residual, slot_type: &[usize], plan: &Plan) -> Vec<Route> {
    let mut days: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
    for x in &state.vehicles {
        let fixed: Vec<usize> = x.served.iter().chain(&x.committed).copied().collect();
        if !fixed.is_empty() {
            days.insert((x.vehicle_type, x.vehicle), fixed);
        }
    }
    for (slot, stops) in plan.routes.iter().enumerate() {
        if !stops.is_empty() {
            let day = days.entry(vehicle_of(residual, slot_type, slot)).or_default();
            day.extend(stops.iter().map(|&r| residual.stops[r]));
        }
    }
    days.into_iter()
        .map(|((vehicle_type, vehicle), stops)| Route {
            vehicle_type,
            vehicle,
            stops,
            distance: 0.0,
            duration: 0.0,
            breaks: Vec::new(),
            reloads: Vec::new(),
        })
        .collect()
}

/// The whole day on the state's problem, through the routing checker.
fn whole_day(
    state: &State,
    residual: &Residual,
    slot_type: &[usize],
    plan: &Plan,
    residual_solution: &Solution,
) -> Result<Solution, ReplanError> {
    let check_problem = residual::check_problem(state);
    let mut routes = day_routes(state, residual, slot_type, plan);
    for r in &mut routes {
        // An infeasible day keeps zeros here: the checker below names what broke.
        if let Some(f) = figures(&check_problem, r.vehicle_type, &r.stops) {
            r.distance = f.distance;
            r.duration = f.duration;
        }
    }
    let unserved: Vec<Unserved> = residual_solution
        .unserved
        .iter()
        .map(|u| Unserved { stop: residual.stops[u.stop], reason: u.reason })
        .collect();
    let cost = routes
        .iter()
        .map(|r| {
            let vt = &check_problem.vehicle_types[r.vehicle_type];
            vt.fixed_cost + vt.cost_per_distance * r.distance + vt.cost_per_time * r.duration
        })
        .sum();
    let distance = routes.iter().map(|r| r.distance).sum();
    let solution = Solution {
        routes,
        unserved,
        cost,
        unserved_penalty: residual_solution.unserved_penalty,
        distance,
        stats: residual_solution.stats.clone(),
    };
    let report = routing::check(&check_problem, &solution);
    if !report.is_ok() {
        return Err(ReplanError::Check { violations: report.violations });
    }
    Ok(solution)
}

fn vehicle_ref(state: &State, (t, k): (usize, usize)) -> VehicleRef {
    VehicleRef { vehicle_type: state.problem.vehicle_types[t].id.clone(), vehicle: k + 1 }
}

/// What changed between the state's plan and `plan`.
fn changes(
    state: &State,
    residual: &Residual,
    before: &Before,
    slot_type: &[usize],
    plan: &Plan,
) -> Changes {
    let id = |r: usize| state.problem.stops[residual.stops[r]].id.clone();
    let mut old_vehicle = vec![None; residual.stops.len()];
    for x in &state.vehicles {
        for &s in &x.planned {
            if let Some(r) = residual.of_state[s] {
                old_vehicle[r] = Some((x.vehicle_type, x.vehicle));
            }
        }
    }
    let mut c = Changes::default();
    for (slot, stops) in plan.routes.iter().enumerate() {
        let now = vehicle_of(residual, slot_type, slot);
        for &r in stops {
            match old_vehicle[r] {
                Some(was) if was != now => c.moved.push(Moved {
                    stop: id(r),
                    from: vehicle_ref(state, was),
                    to: vehicle_ref(state, now),
                }),
                Some(_) => {}
                None => c.inserted.push(Inserted { stop: id(r), to: vehicle_ref(state, now) }),
            }
        }
        c.resequenced.extend(resequenced(before, slot, stops).into_iter().map(id));
    }
    for &r in &plan.out {
        if old_vehicle[r].is_some() {
            c.dropped.push(id(r));
        }
        c.unassigned.push(id(r));
    }
    c.churn = c.moved.len() + c.resequenced.len() + c.dropped.len();
    c
}

/// The next version: the same fixed prefixes, the new plan after them.
fn next_state(state: &State, residual: &Residual, plan: &Plan) -> PlanState {
    let p = &state.problem;
    let (slot_type, _) = slots(residual);
    let mut wire = state.wire.clone();
    wire.parent_version = Some(wire.version);
    wire.version += 1;
    let mut vehicles: std::collections::BTreeMap<(usize, usize), VehicleState> = Default::default();
    for x in &state.vehicles {
        let ids = |list: &[usize]| list.iter().map(|&s| p.stops[s].id.clone()).collect();
        vehicles.insert(
            (x.vehicle_type, x.vehicle),
            VehicleState {
                vehicle_type: p.vehicle_types[x.vehicle_type].id.clone(),
                vehicle: x.vehicle + 1,
                position: x.position,
                served: ids(&x.served),
                committed: ids(&x.committed),
                planned: Vec::new(),
            },
        );
    }
    for (slot, stops) in plan.routes.iter().enumerate() {
        if stops.is_empty() {
            continue;
        }
        let (t, k) = vehicle_of(residual, &slot_type, slot);
        let entry = vehicles.entry((t, k)).or_insert_with(|| VehicleState {
            vehicle_type: p.vehicle_types[t].id.clone(),
            vehicle: k + 1,
            position: None,
            served: Vec::new(),
            committed: Vec::new(),
            planned: Vec::new(),
        });
        entry.planned = stops.iter().map(|&r| p.stops[residual.stops[r]].id.clone()).collect();
    }
    // Listed vehicles keep their order; newly used ones follow, by type and number.
    let mut listed: Vec<VehicleState> = Vec::new();
    for x in &state.vehicles {
        if let Some(v) = vehicles.remove(&(x.vehicle_type, x.vehicle)) {
            listed.push(v);
        }
    }
    listed.extend(vehicles.into_values());
    wire.vehicles = listed;
    wire.unassigned = plan.out.iter().map(|&r| p.stops[residual.stops[r]].id.clone()).collect();
    wire
}

/// Checks a state as [`reoptimise`] would before any solve: the strict rules of
/// [`State::from_wire`] and the fixed prefixes' (`R007`).
///
/// # Errors
/// [`ReplanError::Invalid`] with every broken rule.
pub fn check_state(wire: &PlanState) -> Result<(), ReplanError> {
    let state = State::from_wire(wire.clone(), NewOrders::default())?;
    residual::build(&state).map(|_| ()).map_err(ReplanError::Invalid)
}
