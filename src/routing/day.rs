//! The routing stage's one entry point: a scenario's delivery day, solved and checked per
//! station.
//!
//! The batch run (`plan`) routes a day with [`route_day`]: the day's problems
//! ([`day_problems`]: one road matrix, orders assigned to their nearest station), then per
//! station one seeded solve on one thread (so the routes depend on the seed only, not on
//! the core count) and the independent check. The experiments solve station-days and
//! benchmark files arm by arm with [`solve_checked`], the same solve-then-check step.

use super::check::{CheckReport, check};
use super::error::RoutingError;
use super::from_scenario::{
    DayOptions, DayProblems, OffRoadStation, StationProblem, UnroutedOrder, day_problems,
};
use super::model::Problem;
use super::search::SolverConfig;
use super::solution::Solution;
use super::solve::solve;
use crate::context::{Interrupted, SolveContext};
use crate::roads::FleetRoads;
use crate::roads::error::RoadError;
use crate::scenario::Scenario;

/// A solution with the independent checker's verdict on it.
#[derive(Debug, Clone)]
pub struct CheckedSolution {
    /// The solver's answer.
    pub solution: Solution,
    /// The checker's verdict (an infeasible plan is reported here, not as an error).
    pub verdict: CheckReport,
}

/// Solves `problem` and checks the answer.
///
/// # Errors
/// As [`solve`].
pub fn solve_checked(
    problem: &Problem,
    config: &SolverConfig,
    ctx: &SolveContext,
) -> Result<CheckedSolution, RoutingError> {
    let solution = solve(problem, config, ctx)?;
    let verdict = check(problem, &solution);
    Ok(CheckedSolution { solution, verdict })
}

/// One station's problem with its checked solution.
#[derive(Debug, Clone)]
pub struct RoutedStation {
    /// The station's problem (stops, snapped locations, what each stop stands for).
    pub problem: StationProblem,
    /// Its solution and verdict.
    pub routes: CheckedSolution,
}

/// A delivery day routed station by station.
#[derive(Debug, Clone)]
pub struct RoutedDay {
    /// The routed stations, in scenario order.
    pub stations: Vec<RoutedStation>,
    /// Orders in no station's problem, with the reason.
    pub unrouted: Vec<UnroutedOrder>,
    /// Stations that could not be snapped onto the road graph.
    pub off_road_stations: Vec<OffRoadStation>,
    /// The departure hour of the travel times (0-23).
    pub departure_hour: u8,
}

/// Progress steps per station in the day's bar.
const STEPS_PER_STATION: u64 = 1000;

/// Routes the delivery day of `scenario` on `roads` (each vehicle on its profile's graph): [`day_problems`], then per station a
/// solve with `config` in `ctx.child(seed)` on one thread, and the check. Progress: phase
/// `routing`, [`STEPS_PER_STATION`] steps per station.
///
/// Generic over the caller's error type, which keeps its own variants for road, routing and
/// interruption errors.
///
/// # Errors
/// [`RoadError`] from the day's matrix, [`RoutingError`] from a solve, [`Interrupted`] when
/// `ctx` is cancelled or past its deadline after a station.
///
/// # Complexity
/// One road matrix over stations and orders, then one search per station.
pub fn route_day<E>(
    scenario: &Scenario,
    roads: &FleetRoads,
    options: &DayOptions,
    config: &SolverConfig,
    seed: u64,
    ctx: &SolveContext,
) -> Result<RoutedDay, E>
where
    E: From<RoadError> + From<RoutingError> + From<Interrupted>,
{
    let DayProblems { stations, unrouted, off_road_stations, departure_hour } =
        day_problems(scenario, roads, options, ctx)?;
    let station_ctx = ctx.child(seed).with_threads(1);
    ctx.progress().phase("routing");
    // Each station's search reports on its own scale: one part of the day's bar each.
    ctx.progress().set_total(stations.len() as u64 * STEPS_PER_STATION);
    let mut routed = Vec::with_capacity(stations.len());
    for problem in stations {
        let (part_ctx, part) = station_ctx.clone().with_progress_part(STEPS_PER_STATION);
        let solution = solve(&problem.problem, config, &part_ctx)?;
        ctx.check()?;
        let verdict = check(&problem.problem, &solution);
        routed.push(RoutedStation { problem, routes: CheckedSolution { solution, verdict } });
        part.finish();
    }
    Ok(RoutedDay { stations: routed, unrouted, off_road_stations, departure_hour })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::formats::json;

    #[test]
    fn solve_checked_gives_the_solver_answer_and_the_checker_verdict() {
        let request = json::parse(
            r#"{
              "locations": {"coordinates": [[0, 0], [3, 4], [6, 8]]},
              "depots": [{"id": "D", "location": 0}],
              "vehicles": [{"id": "van", "capacity": [3], "start_depot": "D"}],
              "stops": [{"id": "a", "location": 1, "demand": [2]},
                        {"id": "b", "location": 2, "demand": [2]}]
            }"#,
        )
        .unwrap();
        let config = SolverConfig::default().with_max_iterations(50);
        let ctx = SolveContext::new(3);
        let checked = solve_checked(&request.problem, &config, &ctx).unwrap();
        let plain = solve(&request.problem, &config, &ctx).unwrap();
        assert_eq!(checked.solution.routes, plain.routes);
        assert!(checked.verdict.is_ok(), "{:?}", checked.verdict.violations);
        // One van of capacity 3 cannot carry both stops: one is unserved, and said so.
        assert_eq!(checked.solution.unserved.len(), 1);
    }
}
