//! The batch planning run: one call from a scenario folder to a checked plan.
//!
//! [`run`] chains the stages the way the individual subcommands do, in one process:
//!
//! 1. **validate**: [`scenario::load`] (an invalid scenario fails
//!    here, before anything is computed or stored), then the road extract built into
//!    the graph (a bad extract fails here too, not after the forecast; [`validate`] is
//!    the same check for `stockroute validate`);
//! 2. **forecast** every (sku, zone) series into the [`ForecastStore`], exactly as
//!    `stockroute forecast` records a run, or reuse the newest stored run of the same
//!    data and configuration ([`ForecastOptions::reuse`]);
//! 3. **place** stock from that run (the LP of [`crate::placement`], road distances where
//!    the road graph covers both ends), re-verified by [`placement::check`](crate::placement::check());
//! 4. **route** the delivery day's orders, one problem per station
//!    ([`crate::routing::from_scenario`]), each solved on an iteration budget and
//!    re-verified by [`routing::check`](crate::routing::check());
//! 5. return a [`PlanOutcome`]; the caller renders it as files (plan.json, CSVs, GeoJSON,
//!    report.html) with [`report::plan::write_outputs`](crate::report::plan::write_outputs),
//!    which sits above this module: `plan` never imports `report`.
//!
//! The CLI (`stockroute plan`) and the service (`POST /v1/plans`) call the same [`run`]
//! with their own [`SolveContext`] (progress bars or a job record, Ctrl-C or `DELETE`).
//!
//! # Determinism
//! The outcome holds no clock reading. Routing runs on an iteration budget with one search
//! thread per station, seeded from [`PlanRequest::seed`]; forecasting and the LP are
//! deterministic. So the same scenario, request and store give the same outcome, byte for
//! byte once serialised (a fresh store gives a new forecast run id, the rest is the same).
//!
//! # Example
//! ```no_run
//! use stockroute::plan::{self, PlanRequest};
//! use stockroute::store::SqliteStore;
//! use stockroute::SolveContext;
//!
//! let store = SqliteStore::open(std::path::Path::new("stockroute.sqlite"))?;
//! let request = PlanRequest::new("data/scenarios/monaco").with_seed(7);
//! let outcome = plan::run(&request, &store, &SolveContext::new(request.seed))?;
//! stockroute::report::plan::write_outputs(&outcome, std::path::Path::new("out/monaco"))?;
//! println!("{} of {} orders delivered", outcome.routing.served, outcome.routing.orders);
//! Ok::<(), stockroute::Error>(())
//! ```

mod error;
mod forecast_stage;
mod outcome;
mod placement_stage;
mod request;
mod routing_stage;

pub use error::PlanError;
pub use outcome::{
    CentreUse, DemandChart, FillRates, ForecastPoint, ForecastSummary, HistoryPoint,
    PlacementSummary, PlanOutcome, PlannedRoute, RoutingSummary, SkuChart, StationRoutes,
    UnservedCause, UnservedOrder, Visit, ZoneShape,
};
pub use request::{ForecastOptions, PlacementStageOptions, PlanRequest, RoutingStageOptions};
pub use routing_stage::solution_of;

use crate::context::SolveContext;
use crate::roads::FleetRoads;
use crate::routing::from_scenario::fleet_roads;
use crate::scenario::{self, Scenario};
use crate::store::ForecastStore;

/// Runs the whole pipeline on `request.scenario` (see the module docs).
///
/// Progress goes to `ctx.progress()` with one phase per stage (`validate`, `forecast`,
/// `roads`, `placement`, `routing`); `ctx`'s cancel token and deadline stop any stage.
///
/// # Errors
/// [`PlanError::Scenario`] for a scenario that does not load or validate (nothing else
/// runs), [`PlanError::UnknownStation`] for a station not in the scenario, the failing
/// stage's error otherwise; [`PlanError::is_interrupted`] tells a cancel or deadline.
pub fn run(
    request: &PlanRequest,
    store: &dyn ForecastStore,
    ctx: &SolveContext,
) -> Result<PlanOutcome, PlanError> {
    ctx.progress().phase("validate");
    let (scn, _warnings) = scenario::load(&request.scenario)?;
    run_scenario(&scn, request, store, ctx)
}

/// Validates a scenario folder as a planning run will use it: [`scenario::load`], then
/// the road extract (if any) read and built into the graph, so that `validate` refuses a
/// scenario that `plan` would fail on later (a truncated or foreign `roads` file used to
/// pass `validate` and stop `plan` after its forecast). A graph that cannot be built is an
/// `E-BAD-ROADS` issue in the report of [`ScenarioError::Invalid`].
///
/// # Errors
/// As [`scenario::load`], plus [`ScenarioError::Invalid`] for a bad road extract.
pub fn validate(
    folder: impl AsRef<std::path::Path>,
) -> Result<(Scenario, scenario::Report, Option<FleetRoads>), scenario::ScenarioError> {
    let (scn, mut report) = scenario::load(folder)?;
    match fleet_roads(&scn) {
        Ok(roads) => Ok((scn, report, roads)),
        Err(err) => {
            let path = scn.roads.clone().unwrap_or_default();
            scenario::validate::e_bad_roads(&mut report, &path, err.to_string());
            Err(scenario::ScenarioError::Invalid(report))
        }
    }
}

/// [`run`] on an already loaded and validated scenario (`request.scenario` is only
/// recorded as the forecast run's source).
///
/// # Errors
/// As [`run`], without the loading errors.
pub fn run_scenario(
    scn: &Scenario,
    request: &PlanRequest,
    store: &dyn ForecastStore,
    ctx: &SolveContext,
) -> Result<PlanOutcome, PlanError> {
    if let Some(station) =
        request.routing.stations.iter().find(|id| !scn.stations.iter().any(|s| &s.id == *id))
    {
        return Err(PlanError::UnknownStation { station: station.clone() });
    }
    // The roads first: a bad extract fails the run before the forecast spends its time.
    if scn.roads.is_some() {
        ctx.progress().phase("roads");
    }
    let roads = fleet_roads(scn)?;
    ctx.check()?;
    ctx.progress().phase("forecast");
    let stored = forecast_stage::run(scn, request, store, ctx)?;
    ctx.check()?;
    let forecast = forecast_stage::summary(scn, &stored);
    // Placement prices shipments on the van's roads.
    let van = roads.as_ref().map(FleetRoads::primary);
    let placement = placement_stage::run(scn, request, &stored, van, ctx)?;
    ctx.check()?;
    let routing = routing_stage::run(scn, request, roads.as_ref(), ctx)?;
    ctx.check()?;
    let zones = scn
        .zones
        .iter()
        .map(|z| ZoneShape {
            zone: z.id.clone(),
            lat: z.lat,
            lon: z.lon,
            ring: z
                .polygon()
                .map(|p| p.exterior().coords().map(|c| [c.x, c.y]).collect())
                .unwrap_or_default(),
        })
        .collect();
    Ok(PlanOutcome {
        scenario: scn.name.clone(),
        currency: scn.currency.clone(),
        seed: request.seed,
        forecast,
        placement,
        routing,
        zones,
    })
}
