//! What every handler shares: the configuration, the store, the loaded scenario, the job
//! runner, the solver slots and the metrics.
//!
//! [`AppState`] is a cheap `Clone` (one `Arc`), as axum wants. The store is the concrete
//! [`Store`] (SQLite or PostgreSQL, as `--store` says), not `dyn ForecastStore`: jobs and
//! forecast runs live in the same store and the service uses every store trait plus the SQL
//! pages, which are each backend's own methods.
//! Everything loaded at start (scenario, road graph) is immutable afterwards, so handlers
//! read it without locks.

use super::config::ServiceConfig;
use super::error::ApiError;
use super::jobs::{Jobs, LeaseConfig, Prepare, Work, worker_name};
use super::metrics::Metrics;
use super::slots::SolveSlots;
use crate::roads::FleetRoads;
use crate::roads::graph::RoadGraph;
use crate::routing::from_scenario::fleet_roads;
use crate::scenario::Scenario;
use crate::store::jobs::JobError;
use crate::store::{JobRecord, JobStore, Store};
use std::sync::Arc;

/// A scenario loaded at start, with its road graph when it has an extract.
#[derive(Debug)]
pub struct LoadedScenario {
    /// The folder it came from.
    pub folder: std::path::PathBuf,
    /// The validated scenario.
    pub scenario: Scenario,
    /// Its road graphs, when the scenario names an extract: the van's, and one per other
    /// profile its fleet drives (what `roads=true` requests may name).
    pub roads: Option<FleetRoads>,
    /// Its demand series as the load counted them (series, periods), for the limits of
    /// what one request may make of them.
    pub series: Option<crate::scenario::SeriesSummary>,
}

impl LoadedScenario {
    /// The van's road graph (stations, placement, `roads=true` vehicles without a
    /// profile), when the scenario names an extract.
    pub fn graph(&self) -> Option<&RoadGraph> {
        self.roads.as_ref().map(FleetRoads::primary)
    }
}

struct Shared {
    config: ServiceConfig,
    store: Arc<Store>,
    scenario: Option<Arc<LoadedScenario>>,
    jobs: Arc<Jobs>,
    slots: SolveSlots,
    metrics: Metrics,
    shadow: Option<Arc<super::shadow::Shadow>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The last handle is gone: the workers stop once their current job ends.
        self.jobs.close();
    }
}

/// The state behind the router.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.0.config)
            .field("scenario", &self.0.scenario.as_ref().map(|s| &s.folder))
            .finish_non_exhaustive()
    }
}

/// How a worker turns a claimed job into its work: the handlers' dispatch by job kind,
/// handed in by whoever builds the state ([`AppState::new`], in [`crate::api`]) so that
/// the state does not import the handlers that import it.
pub(crate) type Preparer = fn(&AppState, &JobRecord) -> Result<(u64, Work), JobError>;

impl AppState {
    /// [`AppState::new`] with the dispatch its workers run (see [`Preparer`]).
    ///
    /// # Errors
    /// Those of [`AppState::new`].
    pub(crate) fn open(config: ServiceConfig, preparer: Preparer) -> Result<Self, ApiError> {
        let store = Arc::new(crate::store::open_owned(&config.store)?);
        let interrupted = store.fail_unfinished("interrupted by restart")?;
        if interrupted > 0 {
            tracing::warn!(jobs = interrupted, "jobs of an earlier process marked failed");
        }
        let aborted = crate::experiment::ExperimentStore::abort_unfinished(&*store)?;
        if aborted > 0 {
            tracing::warn!(
                experiments = aborted,
                "experiments of an earlier process marked aborted"
            );
        }
        let scenario = match &config.scenario {
            Some(folder) => Some(Arc::new(load_scenario(folder)?)),
            None => None,
        };
        let leases = LeaseConfig {
            worker: worker_name(),
            lease: config.lease(),
            shared: matches!(*store, Store::Postgres(_)),
        };
        let jobs = Jobs::new(
            Arc::clone(&store),
            config.queue,
            config.threads_per_job,
            config.job_deadline(),
            leases,
        );
        let slots = SolveSlots::new(config.solve_slots, config.solve_queue);
        let metrics = Metrics::new()?;
        let shadow = match &config.shadow {
            Some(spec) => {
                Some(super::shadow::Shadow::start(spec, Arc::clone(&store), metrics.registry())?)
            }
            None => None,
        };
        let workers = config.workers;
        let state =
            Self(Arc::new(Shared { config, store, scenario, jobs, slots, metrics, shadow }));
        // The workers hold the state weakly: a state dropped without a shutdown is not kept
        // alive by its own workers (they then fail the jobs they claim).
        let weak = Arc::downgrade(&state.0);
        let prepare: Prepare = Arc::new(move |job| match weak.upgrade() {
            Some(shared) => preparer(&AppState(shared), job),
            None => Err(JobError {
                code: "interrupted".into(),
                message: "the service stopped before the job started".into(),
            }),
        });
        state.0.jobs.spawn_workers(workers, prepare)?;
        Ok(state)
    }

    /// The configuration.
    pub fn config(&self) -> &ServiceConfig {
        &self.0.config
    }

    /// The store.
    pub fn store(&self) -> &Arc<Store> {
        &self.0.store
    }

    /// The scenario loaded at start.
    pub fn scenario(&self) -> Option<&Arc<LoadedScenario>> {
        self.0.scenario.as_ref()
    }

    pub(crate) fn jobs(&self) -> &Arc<Jobs> {
        &self.0.jobs
    }

    pub(crate) fn slots(&self) -> &SolveSlots {
        &self.0.slots
    }

    pub(crate) fn shadow(&self) -> Option<&Arc<super::shadow::Shadow>> {
        self.0.shadow.as_ref()
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// Stops the job workers: fails the queued jobs, gives the running ones `grace` to
    /// finish, cancels the rest and records how each ended. Blocking. [`super::serve`]
    /// calls it after the last connection closed; call it yourself after serving a
    /// [`super::router`] some other way.
    pub fn shutdown_jobs(&self, grace: std::time::Duration) {
        self.0.jobs.shutdown(grace);
    }

    /// Runs blocking work (SQLite, a solve) on tokio's blocking pool.
    ///
    /// # Errors
    /// The work's own error, or [`ApiError::Task`] when it panicked.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || f(&me)).await?
    }
}

fn load_scenario(folder: &std::path::Path) -> Result<LoadedScenario, ApiError> {
    let internal = |e: crate::Error| ApiError::Internal(Box::new(e));
    let (scenario, report) = crate::scenario::load(folder).map_err(|e| internal(e.into()))?;
    let roads = fleet_roads(&scenario).map_err(|e| internal(e.into()))?;
    tracing::info!(
        folder = %folder.display(),
        zones = scenario.zones.len(),
        roads = roads.as_ref().map_or(0, |r| r.primary().node_count()),
        profiles = roads.as_ref().map_or(0, |r| r.graphs().len()),
        "scenario loaded"
    );
    let series = report.summary.series;
    Ok(LoadedScenario { folder: folder.to_owned(), scenario, roads, series })
}
