//! Churn: how much of the drivers' plans a re-optimisation changed.
//!
//! A previously planned stop counts once when it is *moved* (now on another vehicle),
//! *dropped* (now on none) or *re-sequenced* (still on its vehicle, but out of its old
//! order). Re-sequenced stops are those outside a longest increasing subsequence of the
//! old positions, read in the new order: the fewest stops whose moves turn the old order
//! into the new one, so inserting a new order between two stops re-sequences nothing
//! (counting "changed position" would count every stop after it). New orders and stops
//! that were unassigned never count: there was no plan for them to break.

use crate::ids::{StopId, VehicleTypeId};
use serde::Serialize;

/// A vehicle as the caller names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct VehicleRef {
    /// Its type's id.
    #[schema(value_type = String)]
    pub vehicle_type: VehicleTypeId,
    /// Which vehicle of the type, from 1 (an index, no unit).
    pub vehicle: usize,
}

/// A stop now on another vehicle.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Moved {
    /// The stop.
    #[schema(value_type = String)]
    pub stop: StopId,
    /// Where it was planned.
    pub from: VehicleRef,
    /// Where it is now.
    pub to: VehicleRef,
}

/// A stop newly placed on a vehicle (a new order, or one that was unassigned).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Inserted {
    /// The stop.
    #[schema(value_type = String)]
    pub stop: StopId,
    /// Its vehicle.
    pub to: VehicleRef,
}

/// What a re-optimisation changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Changes {
    /// Planned stops now on another vehicle.
    pub moved: Vec<Moved>,
    /// Planned stops still on their vehicle but out of their old order.
    #[schema(value_type = Vec<String>)]
    pub resequenced: Vec<StopId>,
    /// New orders and formerly unassigned stops now on a vehicle.
    pub inserted: Vec<Inserted>,
    /// Planned stops now on no vehicle.
    #[schema(value_type = Vec<String>)]
    pub dropped: Vec<StopId>,
    /// Every stop on no vehicle after the re-optimisation.
    #[schema(value_type = Vec<String>)]
    pub unassigned: Vec<StopId>,
    /// `moved + resequenced + dropped` (a count of stops): what the churn penalty is paid on.
    pub churn: usize,
}

/// Where each stop was planned: its vehicle slot and its rank in that vehicle's plan.
pub(crate) type Before = Vec<Option<(usize, usize)>>;

/// The churn of one route served by `slot`: stops from other vehicles' plans, plus stops
/// of its own plan out of their old order.
///
/// # Complexity
/// O(k log k) for k stops.
pub(crate) fn route_churn(
    before: &Before,
    slot: usize,
    stops: &[usize],
    ranks: &mut Vec<usize>,
) -> usize {
    ranks.clear();
    let mut moved_in = 0;
    for &s in stops {
        match before[s] {
            Some((v, rank)) if v == slot => ranks.push(rank),
            Some(_) => moved_in += 1,
            None => {}
        }
    }
    moved_in + ranks.len() - longest_increasing(ranks)
}

/// Length of a longest strictly increasing subsequence (patience sorting).
fn longest_increasing(xs: &[usize]) -> usize {
    let mut tails: Vec<usize> = Vec::with_capacity(xs.len());
    for &x in xs {
        let at = tails.partition_point(|&t| t < x);
        if at == tails.len() {
            tails.push(x);
        } else {
            tails[at] = x;
        }
    }
    tails.len()
}

/// The stops of a route outside a longest increasing run of old ranks (the re-sequenced
/// ones), in route order.
pub(crate) fn resequenced(before: &Before, slot: usize, stops: &[usize]) -> Vec<usize> {
    let kept: Vec<(usize, usize)> = stops
        .iter()
        .filter_map(|&s| before[s].filter(|&(v, _)| v == slot).map(|(_, r)| (s, r)))
        .collect();
    // Patience sorting with back-links to recover one longest run.
    let mut tails: Vec<usize> = Vec::new();
    let mut back = vec![usize::MAX; kept.len()];
    for (i, &(_, r)) in kept.iter().enumerate() {
        let at = tails.partition_point(|&t| kept[t].1 < r);
        if at > 0 {
            back[i] = tails[at - 1];
        }
        if at == tails.len() {
            tails.push(i);
        } else {
            tails[at] = i;
        }
    }
    let mut in_run = vec![false; kept.len()];
    let mut i = tails.last().copied().unwrap_or(usize::MAX);
    while i != usize::MAX {
        in_run[i] = true;
        i = back[i];
    }
    kept.iter().zip(in_run).filter(|(_, keep)| !keep).map(|(&(s, _), _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_insertion_resequences_nothing_and_a_swap_one() {
        let before: Before = vec![Some((0, 0)), Some((0, 1)), Some((0, 2)), None, Some((1, 0))];
        let mut ranks = Vec::new();
        assert_eq!(route_churn(&before, 0, &[0, 3, 1, 2], &mut ranks), 0);
        assert_eq!(route_churn(&before, 0, &[1, 0, 2], &mut ranks), 1);
        assert_eq!(resequenced(&before, 0, &[1, 0, 2]).len(), 1);
        assert_eq!(route_churn(&before, 0, &[2, 1, 0, 4], &mut ranks), 3);
        assert_eq!(resequenced(&before, 0, &[2, 1, 0, 4]), vec![2, 1]);
        assert!(resequenced(&before, 0, &[0, 3, 1, 2]).is_empty());
    }
}
