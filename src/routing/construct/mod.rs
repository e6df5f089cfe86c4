//! Construction heuristics: a first feasible plan for the search to improve.
//!
//! [`cheapest_insertion`] handles every feature of the model (time windows, several
//! depots, a mixed fleet) because it only uses the O(1) insertion check the search uses
//! too. [`savings`] (Clarke-Wright) starts plain CVRP much closer to the best known, which
//! matters on large instances with short budgets; it declines anything else.

mod insertion;
mod savings;

#[cfg(test)]
pub(crate) use insertion::cheapest_insertion;
pub(crate) use insertion::cheapest_insertion_until;
pub(crate) use savings::savings;
