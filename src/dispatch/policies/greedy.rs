//! Greedy dispatch: every known request goes out now, on the best routes the static solver
//! finds within the epoch's deadline. The competition's greedy baseline; strong when
//! requests arrive densely, wasteful when a request could wait for neighbours to come.

use crate::context::SolveContext;
use crate::dispatch::epoch::Observation;
use crate::dispatch::error::DispatchError;
use crate::dispatch::ortec::{Instance, RequestId};
use crate::dispatch::policies::{Policy, route_chosen};
use crate::routing::SolverConfig;

/// Dispatch everything known.
#[derive(Debug, Clone, Default)]
pub struct Greedy {
    /// The static solver's settings.
    pub solver: SolverConfig,
}

impl Policy for Greedy {
    fn name(&self) -> &'static str {
        "greedy"
    }

    fn dispatch(
        &mut self,
        instance: &Instance,
        obs: &Observation,
        ctx: &SolveContext,
    ) -> Result<Vec<Vec<RequestId>>, DispatchError> {
        let all: Vec<usize> = (0..obs.requests.len()).collect();
        route_chosen(instance, obs, &all, &self.solver, ctx)
    }
}
