//! Construction heuristics: a first feasible plan for the search to improve.
//!
//! One heuristic for now, [`cheapest_insertion`]: it handles every feature of the model
//! (time windows, several depots, a mixed fleet) because it only uses the O(1) insertion
//! check the search uses too. A savings or sweep start would be better on plain CVRP, but
//! the metaheuristic erases the difference within a fraction of a second.

mod insertion;

pub(crate) use insertion::cheapest_insertion;
