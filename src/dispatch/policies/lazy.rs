//! Lazy dispatch: only the must-dispatch requests go out; everything else waits, which
//! the rules allow until a request would become infeasible. The competition's lazy
//! baseline: it keeps every option open but sends late requests on thin routes.

use crate::context::SolveContext;
use crate::dispatch::epoch::Observation;
use crate::dispatch::error::DispatchError;
use crate::dispatch::ortec::{Instance, RequestId};
use crate::dispatch::policies::{Policy, route_chosen};
use crate::routing::SolverConfig;

/// Dispatch only what must go.
#[derive(Debug, Clone, Default)]
pub struct Lazy {
    /// The static solver's settings.
    pub solver: SolverConfig,
}

impl Policy for Lazy {
    fn name(&self) -> &'static str {
        "lazy"
    }

    fn dispatch(
        &mut self,
        instance: &Instance,
        obs: &Observation,
        ctx: &SolveContext,
    ) -> Result<Vec<Vec<RequestId>>, DispatchError> {
        route_chosen(instance, obs, &obs.must(), &self.solver, ctx)
    }
}
