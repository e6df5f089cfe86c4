//! Recreate operators: put unassigned stops back into a plan.
//!
//! A recreate takes the plan's `unassigned` list, inserts what it can and leaves the rest
//! in the list (they are then penalised by the objective). `allow_new_tours` is false during
//! fleet minimisation, where the point is to serve everyone with the tours that exist.
//! With shipments the list always holds both stops of a pair or neither, and a pair is
//! inserted whole (in [`blinks`]).

mod blinks;

pub(crate) use blinks::GreedyBlinks;

use crate::routing::env::Env;
use crate::routing::plan::Plan;
use rand_pcg::Pcg64Mcg;

/// Inserts unassigned stops.
pub(crate) trait Recreate {
    /// Inserts as many of `plan.unassigned` as it can.
    fn recreate(&self, env: &Env<'_>, plan: &mut Plan, rng: &mut Pcg64Mcg, allow_new_tours: bool);
}
