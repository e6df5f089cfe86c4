//! Shadow mode (`stockroute serve --shadow SPEC.toml`): every `POST /v1/routes` answer is
//! the champion's as always; the spec's challenger solves the same problem with the same
//! seed in the background and the pair is recorded in the spec's experiment until its
//! fixed horizon (`decision.units`), when the verdict is stored.
//!
//! # Never on the request path
//! The live request only offers its problem and answer: at most one challenger runs at a
//! time (on tokio's blocking pool), and a request that arrives while one runs is skipped
//! and counted, so shadowing can neither slow down nor fail a live answer. The
//! challenger's solution is measured and dropped, never returned. Counters:
//! `stockroute_shadow_pairs_total{outcome="recorded|skipped|failed"}` in `/metrics`.

use super::error::ApiError;
use crate::context::CancelToken;
use crate::experiment::{ExperimentStore, Spec, shadow};
use crate::ids::ExperimentId;
use crate::routing::{Problem, Solution};
use crate::store::Store;
use prometheus::{IntCounterVec, Opts, Registry};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A running shadow experiment.
#[derive(Debug)]
pub(crate) struct Shadow {
    spec: Spec,
    id: ExperimentId,
    store: Arc<Store>,
    busy: AtomicBool,
    done: AtomicBool,
    offered: AtomicU64,
    pairs: IntCounterVec,
    cancel: CancelToken,
}

impl Shadow {
    /// Reads the routing spec at `path`, records a new shadow experiment of it and
    /// registers its counters in `registry`.
    ///
    /// # Errors
    /// [`ApiError::Internal`] for a spec that does not load or is not a routing spec, or a
    /// name recorded earlier with another spec; [`ApiError::Metrics`].
    pub(crate) fn start(
        path: &Path,
        store: Arc<Store>,
        registry: &Registry,
    ) -> Result<Arc<Self>, ApiError> {
        let internal =
            |e: crate::experiment::ExperimentError| ApiError::Internal(Box::new(e.into()));
        let spec = Spec::from_file(path).map_err(internal)?;
        let id = shadow::start(&*store as &dyn ExperimentStore, &spec).map_err(internal)?;
        let pairs = IntCounterVec::new(
            Opts::new("shadow_pairs_total", "Shadow challenger solves by outcome"),
            &["outcome"],
        )?;
        registry.register(Box::new(pairs.clone()))?;
        tracing::info!(experiment = %id, planned = spec.decision.units, "shadow experiment started");
        Ok(Arc::new(Self {
            spec,
            id,
            store,
            busy: AtomicBool::new(false),
            done: AtomicBool::new(false),
            offered: AtomicU64::new(0),
            pairs,
            cancel: CancelToken::default(),
        }))
    }

    /// The experiment's id.
    pub(crate) fn id(&self) -> &ExperimentId {
        &self.id
    }

    /// Offers a live request's problem and champion answer (solved with `seed`). Returns at
    /// once: the challenger runs in the background, or the offer is skipped when one is
    /// still running. Call from within the tokio runtime (the blocking pool counts).
    pub(crate) fn offer(self: &Arc<Self>, problem: &Problem, champion: &Solution, seed: u64) {
        if self.done.load(Ordering::Acquire) {
            return;
        }
        if self.busy.swap(true, Ordering::AcqRel) {
            self.pairs.with_label_values(&["skipped"]).inc();
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            self.busy.store(false, Ordering::Release);
            return;
        };
        let n = self.offered.fetch_add(1, Ordering::Relaxed);
        let me = Arc::clone(self);
        let (problem, champion) = (problem.clone(), champion.clone());
        handle.spawn_blocking(move || {
            let outcome = me.pair(n, &problem, &champion, seed);
            me.busy.store(false, Ordering::Release);
            match outcome {
                Ok(true) => me.pairs.with_label_values(&["recorded"]).inc(),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "shadow challenger failed");
                    me.pairs.with_label_values(&["failed"]).inc();
                }
            }
        });
    }

    /// Solves the challenger and records the pair; whether it was recorded.
    fn pair(
        &self,
        n: u64,
        problem: &Problem,
        champion: &Solution,
        seed: u64,
    ) -> Result<bool, crate::experiment::ExperimentError> {
        let unit = format!("request-{n}");
        let challenger = shadow::solve_challenger(&self.spec, problem, seed, &unit, &self.cancel)?;
        let pair = shadow::routing_pair(unit, seed, problem, champion, &challenger);
        let status =
            shadow::record(&*self.store as &dyn ExperimentStore, &self.id, &self.spec, &pair)?;
        if status.verdict.is_some() || !status.accepted {
            self.done.store(true, Ordering::Release);
        }
        Ok(status.accepted)
    }
}
