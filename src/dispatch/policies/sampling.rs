//! Scenario sampling with consensus: iterative conditional dispatch (Lan, van Doorn,
//! Wouda, Rijal and Bhulai, 2024), the family of policies that won the dynamic variant.
//!
//! At an epoch with must-dispatch requests, each optional request starts undecided. A
//! round solves `scenarios` VRPTWs, each holding the known requests and requests sampled
//! for the next `lookahead_epochs` epochs from the instance ([`crate::dispatch::sample`]),
//! whose earliest service is moved to when a route leaving in their epoch could reach them
//! (the routing model has no release times; this keeps a route that leaves now from
//! serving them early without waiting). An undecided request scores a vote in a scenario
//! when it shares a route with a request that goes now (a must-dispatch one or one already
//! decided to go): serving it later would cost a detour that this route pays cheaply.
//! After a round, requests with a vote share of at least `dispatch_share` are decided to go,
//! those at most `postpone_share` to wait (from then on they are modelled like a request
//! released next epoch); in the last round the rest go when at least half the scenarios
//! say so. The decided set is then routed alone with the rest of the epoch's time.
//!
//! Each scenario has two fleets: vehicles leaving now, which pay `now_cost_per_s` per second
//! of route time on top of driving, and vehicles leaving next epoch, which pay driving only.
//! Must-dispatch requests can only be served by the first (that is what must-dispatch
//! means); a request only votes when it is on such a route. The time cost stands in for
//! the release times the routing model lacks: a route leaving now would otherwise wait
//! for sampled requests for free. Routes of the decided set without a must-dispatch
//! request may be kept for later (`drop_unanchored_routes`, off by default).
//!
//! Without must-dispatch requests nothing goes: waiting is free (the fleet is unlimited
//! and the score counts driving only) until a request must go.

use crate::context::SolveContext;
use crate::dispatch::epoch::{Departure, EpochStop, Observation, solve_epoch};
use crate::dispatch::error::DispatchError;
use crate::dispatch::ortec::{Instance, RequestId, departure_s};
use crate::dispatch::policies::{Policy, route_chosen};
use crate::dispatch::sample::sample_epoch;
use crate::routing::SolverConfig;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Settings of [`Sampling`]. The defaults were picked on two episodes of the smallest
/// ORTEC instance at 5 s per epoch (docs/benchmarks.md, "Dynamic dispatch"): the
/// variants tried (3 rounds of 4 scenarios, 1 of 4, 2 of 3 with a 2-epoch lookahead, the
/// routes without must-dispatch requests kept for later or not) were within the noise of
/// one another, 2 rounds of 6 scenarios the best of them on average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SamplingConfig {
    /// Scenarios per round (1..=64).
    pub scenarios: usize,
    /// Rounds of decisions (1..=16).
    pub rounds: usize,
    /// Epochs ahead that scenarios sample requests for (1..=24).
    pub lookahead_epochs: u32,
    /// Share of an epoch's sampled requests a scenario keeps (0..=1).
    pub sample_share: f64,
    /// Vote share from which an undecided request is decided to go.
    pub dispatch_share: f64,
    /// Vote share up to which an undecided request is decided to wait.
    pub postpone_share: f64,
    /// Share of the epoch's time spent on scenarios (the rest routes the decided set).
    pub scenario_time_share: f64,
    /// Time budget per epoch when the context has no deadline.
    pub default_epoch_s: f64,
    /// Scenarios offer a second fleet leaving next epoch, and vehicles leaving now pay
    /// this per second of route time (waiting included): without release times in the
    /// routing model, a route leaving now could otherwise wait for sampled requests at no
    /// cost. 0 turns the second fleet off (every scenario vehicle leaves now).
    pub now_cost_per_s: f64,
    /// After routing the decided set, keep for later every route without a must-dispatch
    /// request (nothing forces it out now, and later it may pick up neighbours).
    pub drop_unanchored_routes: bool,
}

impl Default for SamplingConfig {
    fn default() -> Self {
        Self {
            scenarios: 6,
            rounds: 2,
            lookahead_epochs: 3,
            sample_share: 1.0,
            dispatch_share: 0.75,
            postpone_share: 0.25,
            scenario_time_share: 0.75,
            default_epoch_s: 2.0,
            now_cost_per_s: 0.2,
            drop_unanchored_routes: false,
        }
    }
}

impl SamplingConfig {
    /// Checks every setting against its range.
    ///
    /// # Errors
    /// [`DispatchError::Parameter`] naming the first setting out of range.
    pub fn validate(&self) -> Result<(), DispatchError> {
        let p =
            |name, value: String, expected| Err(DispatchError::Parameter { name, value, expected });
        if !(1..=64).contains(&self.scenarios) {
            return p("scenarios", self.scenarios.to_string(), "1..=64");
        }
        if !(1..=16).contains(&self.rounds) {
            return p("rounds", self.rounds.to_string(), "1..=16");
        }
        if !(1..=24).contains(&self.lookahead_epochs) {
            return p("lookahead_epochs", self.lookahead_epochs.to_string(), "1..=24");
        }
        for (name, x) in [
            ("sample_share", self.sample_share),
            ("dispatch_share", self.dispatch_share),
            ("postpone_share", self.postpone_share),
            ("scenario_time_share", self.scenario_time_share),
        ] {
            if !(0.0..=1.0).contains(&x) {
                return p(name, x.to_string(), "0..=1");
            }
        }
        if !(0.0..=100.0).contains(&self.now_cost_per_s) {
            return p("now_cost_per_s", self.now_cost_per_s.to_string(), "0..=100");
        }
        if !(self.default_epoch_s > 0.0 && self.default_epoch_s <= 3600.0) {
            return p("default_epoch_s", self.default_epoch_s.to_string(), "(0, 3600]");
        }
        Ok(())
    }
}

/// The scenario-sampling policy.
#[derive(Debug, Clone)]
pub struct Sampling {
    config: SamplingConfig,
    solver: SolverConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Go,
    Undecided,
    Wait,
}

impl Sampling {
    /// The policy with these settings (checked by [`SamplingConfig::validate`] when it runs).
    pub fn new(config: SamplingConfig, solver: SolverConfig) -> Self {
        Self { config, solver }
    }

    /// One scenario's stops: the known requests by status, then sampled ones. Returns the
    /// stops and, per stop, the observation index of the known request it is (`None` for
    /// sampled and waiting ones, which cast no vote).
    fn scenario(
        &self,
        instance: &Instance,
        obs: &Observation,
        status: &[Status],
        ctx: &SolveContext,
        stream: u64,
    ) -> (Vec<EpochStop>, Vec<Option<usize>>) {
        let mut stops = Vec::new();
        let mut known = Vec::new();
        let next = departure_s(obs.epoch + 1);
        for (i, r) in obs.requests.iter().enumerate() {
            let stop = EpochStop::of(r);
            match status[i] {
                Status::Go | Status::Undecided => {
                    stops.push(stop);
                    known.push(Some(i));
                }
                Status::Wait => {
                    if let Some(s) = stop.released_at(instance, next) {
                        stops.push(s);
                        known.push(None);
                    }
                }
            }
        }
        let mut rng = ctx.rng(stream);
        let last = obs.end_epoch.min(obs.epoch + self.config.lookahead_epochs);
        for future in obs.epoch + 1..=last {
            for s in sample_epoch(instance, future, self.config.sample_share, &mut rng) {
                stops.push(s);
                known.push(None);
            }
        }
        (stops, known)
    }
}

impl Policy for Sampling {
    fn name(&self) -> &'static str {
        "sampling"
    }

    fn dispatch(
        &mut self,
        instance: &Instance,
        obs: &Observation,
        ctx: &SolveContext,
    ) -> Result<Vec<Vec<RequestId>>, DispatchError> {
        self.config.validate()?;
        let cfg = &self.config;
        let must = obs.must();
        if obs.last || must.is_empty() || must.len() == obs.requests.len() {
            return route_chosen(instance, obs, &must, &self.solver, ctx);
        }
        let budget = ctx.remaining().unwrap_or(Duration::from_secs_f64(cfg.default_epoch_s));
        let solves = (cfg.rounds * cfg.scenarios) as f64;
        let per_scenario = budget.mul_f64(cfg.scenario_time_share / solves);
        let mut status: Vec<Status> = obs
            .must_dispatch
            .iter()
            .map(|&m| if m { Status::Go } else { Status::Undecided })
            .collect();
        let now = Departure { departure_s: obs.departure_s, cost_per_s: cfg.now_cost_per_s };
        let fleet = if cfg.now_cost_per_s > 0.0 {
            vec![now, Departure::at(departure_s(obs.epoch + 1))]
        } else {
            vec![Departure::at(obs.departure_s)]
        };
        for round in 0..cfg.rounds {
            let mut votes = vec![0usize; obs.requests.len()];
            for s in 0..cfg.scenarios {
                let stream = (u64::from(obs.epoch) << 32) | ((round as u64) << 16) | s as u64;
                let (stops, known) = self.scenario(instance, obs, &status, ctx, stream);
                let sub = ctx.child(ctx.seed() ^ stream).with_time_limit(per_scenario);
                let (routes, _) =
                    solve_epoch(instance, obs.epoch, &fleet, &stops, &self.solver, &sub)?;
                for (_, route) in routes.into_iter().filter(|(k, _)| *k == 0) {
                    let anchored =
                        route.iter().any(|&k| known[k].is_some_and(|i| status[i] == Status::Go));
                    if anchored {
                        for &k in &route {
                            if let Some(i) = known[k] {
                                votes[i] += 1;
                            }
                        }
                    }
                }
            }
            let final_round = round + 1 == cfg.rounds;
            for (i, st) in status.iter_mut().enumerate() {
                if *st != Status::Undecided {
                    continue;
                }
                let share = votes[i] as f64 / cfg.scenarios as f64;
                *st = if share >= cfg.dispatch_share || (final_round && share >= 0.5) {
                    Status::Go
                } else if share <= cfg.postpone_share || final_round {
                    Status::Wait
                } else {
                    Status::Undecided
                };
            }
        }
        let chosen: Vec<usize> = (0..status.len()).filter(|&i| status[i] == Status::Go).collect();
        let mut routes = route_chosen(instance, obs, &chosen, &self.solver, ctx)?;
        if cfg.drop_unanchored_routes {
            let must: std::collections::HashSet<RequestId> =
                must.iter().map(|&i| obs.requests[i].id).collect();
            routes.retain(|r| r.iter().any(|id| must.contains(id)));
        }
        Ok(routes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_out_of_range_are_refused_by_name() {
        assert!(SamplingConfig::default().validate().is_ok());
        let bad = SamplingConfig { scenarios: 0, ..Default::default() };
        assert!(matches!(bad.validate(), Err(DispatchError::Parameter { name: "scenarios", .. })));
        let bad = SamplingConfig { dispatch_share: 1.5, ..Default::default() };
        let err = bad.validate().unwrap_err().to_string();
        assert!(err.contains("dispatch_share"), "{err}");
        let bad = SamplingConfig { default_epoch_s: f64::NAN, ..Default::default() };
        assert!(bad.validate().is_err());
    }
}
