//! [`play`]: one dynamic episode, epoch by epoch, as the competition's controller runs it.
//!
//! At each epoch the loop builds the observation (released, not yet dispatched requests
//! with their must-dispatch flags), gives the policy a context whose deadline is the
//! epoch's limit, and checks the answer with the replay's rules
//! ([`crate::dispatch::replay::check_epoch`]) before it is final. An answer that breaks a
//! rule, or comes later than the limit plus [`GRACE`], fails the episode, as in the
//! competition. The whole log is replayed once more at the end.

use crate::context::SolveContext;
use crate::dispatch::epoch::Observation;
use crate::dispatch::error::{DispatchError, RuleBreak};
use crate::dispatch::ortec::{Episode, Instance};
use crate::dispatch::policies::Policy;
use crate::dispatch::replay::{DispatchLog, Replay, check_epoch, replay};
use serde::Serialize;
use std::time::{Duration, Instant};

/// Time allowed beyond the epoch limit before an answer counts as late (the environment's).
pub const GRACE: Duration = Duration::from_secs(2);

/// Longest epoch limit accepted.
pub const MAX_EPOCH_LIMIT: Duration = Duration::from_secs(3600);

/// What happened in one epoch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpochRecord {
    /// The epoch.
    pub epoch: u32,
    /// Requests known and not yet dispatched.
    pub known: usize,
    /// Of them, must-dispatch.
    pub must: usize,
    /// Requests dispatched.
    pub dispatched: usize,
    /// Routes dispatched.
    pub routes: usize,
    /// Driving duration of those routes, seconds.
    pub cost_s: i64,
    /// Wall time the policy took, seconds.
    pub seconds: f64,
}

/// A played episode.
#[derive(Debug, Clone, PartialEq)]
pub struct Played {
    /// The policy's name.
    pub policy: &'static str,
    /// The routes per epoch.
    pub log: DispatchLog,
    /// The final replay of the whole log (valid when `play` returns).
    pub replay: Replay,
    /// Per epoch.
    pub epochs: Vec<EpochRecord>,
}

/// Plays an episode with a policy, `epoch_limit` per epoch.
///
/// # Errors
/// [`DispatchError::Parameter`] for a limit outside (0, 1 h], [`DispatchError::Rule`] for
/// the first broken rule (the episode fails), [`DispatchError::Interrupted`] when the
/// context is cancelled or its deadline passes between epochs, and the policy's errors.
pub fn play(
    instance: &Instance,
    episode: &Episode,
    policy: &mut dyn Policy,
    epoch_limit: Duration,
    ctx: &SolveContext,
) -> Result<Played, DispatchError> {
    if epoch_limit.is_zero() || epoch_limit > MAX_EPOCH_LIMIT {
        let value = format!("{} s", epoch_limit.as_secs_f64());
        return Err(DispatchError::Parameter {
            name: "epoch_limit",
            value,
            expected: "(0, 3600] s",
        });
    }
    let mut dispatched: Vec<Option<u32>> = vec![None; episode.requests.len()];
    let mut log = DispatchLog::new();
    let mut epochs = Vec::new();
    for epoch in episode.start_epoch..=episode.end_epoch {
        ctx.check()?;
        let known = episode
            .requests
            .iter()
            .zip(&dispatched)
            .filter(|(r, d)| r.release_epoch <= epoch && d.is_none())
            .map(|(r, _)| *r)
            .collect();
        let obs = Observation::new(epoch, episode.end_epoch, known);
        let started = Instant::now();
        let epoch_ctx = ctx.child(ctx.seed() ^ u64::from(epoch)).with_time_limit(epoch_limit);
        let routes = policy.dispatch(instance, &obs, &epoch_ctx)?;
        let took = started.elapsed();
        if took > epoch_limit + GRACE {
            let rule = RuleBreak::TooSlow {
                took_ms: took.as_millis() as u64,
                limit_ms: epoch_limit.as_millis() as u64,
            };
            return Err(DispatchError::Rule { epoch, rule });
        }
        let (cost_s, broken) = check_epoch(instance, episode, epoch, &mut dispatched, &routes);
        if let Some(rule) = broken.into_iter().next() {
            return Err(DispatchError::Rule { epoch, rule });
        }
        epochs.push(EpochRecord {
            epoch,
            known: obs.requests.len(),
            must: obs.must().len(),
            dispatched: routes.iter().map(Vec::len).sum(),
            routes: routes.len(),
            cost_s,
            seconds: took.as_secs_f64(),
        });
        log.insert(epoch, routes);
    }
    let replay = replay(instance, episode, &log);
    if let Some((epoch, rule)) = replay.violations.first() {
        return Err(DispatchError::Rule { epoch: *epoch, rule: rule.clone() });
    }
    Ok(Played { policy: policy.name(), log, replay, epochs })
}
