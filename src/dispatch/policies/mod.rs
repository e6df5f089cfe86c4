//! Dispatch policies: at each epoch, which of the known requests to send out now, and on
//! which routes. One trait, one file per policy (the routing stage's operator-family
//! shape); [`PolicyName`] names them on the command line and in experiments.
//!
//! - [`Greedy`]: dispatch everything known (the competition's greedy baseline).
//! - [`Lazy`]: dispatch only the must-dispatch requests.
//! - [`Sampling`]: sample future requests from the instance, solve a few scenarios, and
//!   dispatch the optional requests that most scenarios route together with must-dispatch
//!   ones (iterative conditional dispatch, Lan et al. 2024).
//!
//! Every policy solves its epoch problems with the routing stage under the deadline of the
//! context it is given (the episode loop gives each epoch `--epoch-time-limit-s`).

mod greedy;
mod lazy;
mod sampling;

pub use greedy::Greedy;
pub use lazy::Lazy;
pub use sampling::{Sampling, SamplingConfig};

use crate::context::SolveContext;
use crate::dispatch::epoch::{Departure, EpochStop, Observation, solve_epoch};
use crate::dispatch::error::DispatchError;
use crate::dispatch::ortec::{Instance, RequestId};
use crate::routing::SolverConfig;
use serde::{Deserialize, Serialize};

/// A dispatch policy for epoch-based operation.
pub trait Policy {
    /// Its name, as on the command line.
    fn name(&self) -> &'static str;

    /// The routes to dispatch now, as request ids of the observation. Every must-dispatch
    /// request must be on one of them; the others may be left for a later epoch.
    ///
    /// # Errors
    /// A [`DispatchError`] when an epoch problem cannot be solved.
    fn dispatch(
        &mut self,
        instance: &Instance,
        observation: &Observation,
        ctx: &SolveContext,
    ) -> Result<Vec<Vec<RequestId>>, DispatchError>;
}

/// The policies by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PolicyName {
    /// Dispatch every known request.
    Greedy,
    /// Dispatch only must-dispatch requests.
    Lazy,
    /// Scenario sampling with consensus (iterative conditional dispatch).
    Sampling,
}

impl PolicyName {
    /// A policy of this kind with default settings and the given solver configuration.
    pub fn build(self, solver: SolverConfig) -> Box<dyn Policy> {
        match self {
            Self::Greedy => Box::new(Greedy { solver }),
            Self::Lazy => Box::new(Lazy { solver }),
            Self::Sampling => Box::new(Sampling::new(SamplingConfig::default(), solver)),
        }
    }

    /// Every policy, in documentation order.
    pub const ALL: [Self; 3] = [Self::Greedy, Self::Lazy, Self::Sampling];
}

impl std::fmt::Display for PolicyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Greedy => "greedy",
            Self::Lazy => "lazy",
            Self::Sampling => "sampling",
        })
    }
}

/// Routes the chosen requests (indices into the observation) and returns the routes as
/// request ids. A chosen request the solver leaves out is sent alone when it fits alone
/// (every must-dispatch request does, by the rules) and otherwise kept for later.
pub(crate) fn route_chosen(
    instance: &Instance,
    obs: &Observation,
    chosen: &[usize],
    solver: &SolverConfig,
    ctx: &SolveContext,
) -> Result<Vec<Vec<RequestId>>, DispatchError> {
    let stops: Vec<EpochStop> = chosen.iter().map(|&i| EpochStop::of(&obs.requests[i])).collect();
    let fleet = [Departure::at(obs.departure_s)];
    let (routes, unserved) = solve_epoch(instance, obs.epoch, &fleet, &stops, solver, ctx)?;
    let id = |k: usize| obs.requests[chosen[k]].id;
    let mut out: Vec<Vec<RequestId>> =
        routes.into_iter().map(|(_, r)| r.into_iter().map(id).collect()).collect();
    for k in unserved {
        let r = &obs.requests[chosen[k]];
        if instance.fits_alone(r.node, r.ready_s, r.due_s, r.service_s, obs.departure_s) {
            out.push(vec![r.id]);
        }
    }
    Ok(out)
}
