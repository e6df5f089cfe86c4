//! The placement stage's one entry point: forecast demand in, a checked plan out.
//!
//! `stockroute place`, `POST /v1/placements`, the batch run (`plan`) and the placement
//! experiments all call [`place`], so the sequence "input from the scenario and the
//! forecast -> road distances where the graph covers both ends -> LP -> independent check
//! -> report" is written once. Callers keep only their own argument handling and how they
//! present the result.

use super::check::{CheckReport, check};
use super::demand::ForecastDemand;
use super::error::PlacementError;
use super::from_scenario::input_from;
use super::model::{PlacementInput, PlacementOptions};
use super::result::{PlacementReport, PlacementResult};
use super::roads::{RoadCoverage, road_distances};
use crate::context::SolveContext;
use crate::roads::graph::RoadGraph;
use crate::scenario::Scenario;
use std::time::Duration;

/// The checker's tolerance (relative, per row) for every stage placement.
const CHECK_TOLERANCE: f64 = 1e-6;

/// How [`place`] runs.
#[derive(Debug, Clone, Default)]
pub struct PlaceOptions {
    /// The LP's options (cycle, k nearest centres, service rule, method).
    pub placement: PlacementOptions,
    /// A time limit for the LP solve alone, counted from the creation of the context the
    /// solve gets (the caller's, as a request's time limit counts from its arrival); `None`:
    /// the caller's deadline, if any, for everything.
    pub solve_time_limit: Option<Duration>,
}

/// A placement plan with the input it was solved from and the checker's verdict.
#[derive(Debug, Clone)]
pub struct CheckedPlacement {
    /// The LP input (road distances included).
    pub input: PlacementInput,
    /// Road coverage, when a road graph was given.
    pub coverage: Option<RoadCoverage>,
    /// The solve's result (plan, objective, prices, timings).
    pub result: PlacementResult,
    /// The independent checker's verdict on the plan.
    pub verdict: CheckReport,
    /// The plan report (stock, flows, KPIs, prices).
    pub report: PlacementReport,
}

impl CheckedPlacement {
    /// How many centre -> zone pairs use road distances.
    pub fn road_pairs(&self) -> usize {
        self.coverage.as_ref().map_or(0, |c| c.distances.len())
    }
}

/// Places stock for `scenario` from `demand`: the input ([`input_from`]), road distances
/// when `graph` is given ([`road_distances`]), the LP, the check and the report. The
/// progress sink is told the phase `placement` before the solve.
///
/// # Errors
/// Those of [`input_from`], [`road_distances`], [`super::solve`] and [`check`]. A plan
/// that fails the check is not an error: see [`CheckedPlacement::verdict`].
///
/// # Complexity
/// One road matrix (when a graph is given), then the LP solve.
pub fn place(
    scenario: &Scenario,
    demand: &ForecastDemand,
    graph: Option<&RoadGraph>,
    options: &PlaceOptions,
    ctx: &SolveContext,
) -> Result<CheckedPlacement, PlacementError> {
    let mut input = input_from(scenario, demand, options.placement.clone())?;
    let coverage = match graph {
        Some(graph) => {
            let coverage = road_distances(graph, &input, ctx)?;
            input.road_km.clone_from(&coverage.distances);
            Some(coverage)
        }
        None => None,
    };
    ctx.progress().phase("placement");
    let result = match options.solve_time_limit {
        Some(limit) => super::solve(&input, &ctx.clone().with_time_limit(limit))?,
        None => super::solve(&input, ctx)?,
    };
    let verdict = check(&input, &result.plan, CHECK_TOLERANCE)?;
    let report = result.report(&input);
    Ok(CheckedPlacement { input, coverage, result, verdict, report })
}
