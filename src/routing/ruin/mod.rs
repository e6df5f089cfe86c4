//! Ruin operators: take stops out of a plan so a recreate can put them back better.
//!
//! A ruin moves stops from tours into the plan's `unassigned` list and drops tours that
//! became empty. [`Strings`] (SISR) is the workhorse; [`WholeRoute`] serves fleet
//! minimisation.

mod route;
mod strings;

pub(crate) use route::WholeRoute;
pub(crate) use strings::Strings;

use crate::routing::env::Env;
use crate::routing::plan::Plan;
use rand_pcg::Pcg64Mcg;

/// Removes stops from a plan.
pub(crate) trait Ruin {
    /// Moves some stops of `plan` to `plan.unassigned`.
    fn ruin(&self, env: &Env<'_>, plan: &mut Plan, rng: &mut Pcg64Mcg);
}
