//! Solver noise out of the reported plan.
//!
//! An interior-point solve leaves residue on columns that are zero at the optimum: on the
//! Monaco plan 106 of 517 stock rows and 8,694 of 13,236 flow rows held less than 0.001
//! units (issue 19). Nobody ships a thousandth of a unit, and those rows made stock.csv and
//! flows.csv unreadable. [`PlacementReport::pruned`](super::PlacementReport::pruned) prunes
//! them at [`REPORT_TOLERANCE_UNITS`], moving each pruned row's units onto the largest row
//! of its group, so the totals a reader adds up stay what the solver found:
//! - stock rows are grouped by SKU: each SKU's stock in the network is unchanged;
//! - flow rows are grouped by (SKU, zone): each zone's served units are unchanged.
//!
//! A group whose rows together hold less than the tolerance is dropped whole (its total
//! moves by less than the tolerance). A centre's own stock or shipped units can move by
//! the pruned residue of its rows. The plan itself ([`super::PlacementPlan`], which the
//! checker verifies) is not touched.

use std::collections::HashMap;
use std::hash::Hash;

/// Stock and flow rows below this many units are solver noise and not reported (see the
/// module docs for where their units go). Large against the solver's residue (~1e-6 to
/// 1e-4 units), small against anything a planner acts on (a unit).
///
/// # Units
/// Product units.
pub const REPORT_TOLERANCE_UNITS: f64 = 1e-3;

/// Prunes `rows` below [`REPORT_TOLERANCE_UNITS`], moving their units onto the largest row
/// with the same `key`; keeps the order of the rows that stay.
pub(crate) fn prune<T, K: Hash + Eq>(
    mut rows: Vec<T>,
    key: impl Fn(&T) -> K,
    units: impl Fn(&mut T) -> &mut f64,
) -> Vec<T> {
    // Per group: its largest row and the units of its rows below the tolerance.
    let mut groups: HashMap<K, (usize, f64, f64)> = HashMap::new();
    for (i, row) in rows.iter_mut().enumerate() {
        let u = *units(row);
        let small = if u < REPORT_TOLERANCE_UNITS { u } else { 0.0 };
        let k = key(row);
        let g = groups.entry(k).or_insert((i, u, 0.0));
        if u > g.1 {
            (g.0, g.1) = (i, u);
        }
        g.2 += small;
    }
    let mut keep = vec![false; rows.len()];
    let mut add = vec![0.0; rows.len()];
    for &(largest, largest_units, small) in groups.values() {
        let moved =
            if largest_units < REPORT_TOLERANCE_UNITS { small - largest_units } else { small };
        if largest_units + moved >= REPORT_TOLERANCE_UNITS {
            keep[largest] = true;
            add[largest] = moved;
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, mut row) in rows.into_iter().enumerate() {
        let u = units(&mut row);
        if keep[i] {
            *u += add[i];
            out.push(row);
        } else if *u >= REPORT_TOLERANCE_UNITS {
            out.push(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(rows: &[(char, f64)], k: char) -> f64 {
        rows.iter().filter(|r| r.0 == k).map(|r| r.1).sum()
    }

    #[test]
    fn r19_noise_moves_to_the_largest_row_of_its_group() {
        let rows = vec![
            ('a', 4e-7),
            ('a', 10.0),
            ('b', 0.0004),
            ('a', 0.0009),
            ('b', 3.0),
            ('b', 5.0),
            ('c', 0.0006),
            ('c', 0.0005),
            ('d', 0.0002),
            ('d', 0.0001),
        ];
        let pruned = prune(rows.clone(), |r| r.0, |r| &mut r.1);
        assert!(pruned.iter().all(|r| r.1 >= REPORT_TOLERANCE_UNITS), "{pruned:?}");
        // Groups a and b keep their totals exactly; the noise went to their largest rows.
        for k in ['a', 'b'] {
            assert!((total(&pruned, k) - total(&rows, k)).abs() < 1e-12, "{k}");
        }
        assert_eq!(pruned[0].0, 'a');
        assert!((pruned[0].1 - (10.0 + 4e-7 + 0.0009)).abs() < 1e-12);
        assert_eq!(pruned.iter().filter(|r| r.0 == 'b').count(), 2);
        // Group c together reaches the tolerance: one row holds it. Group d does not: gone,
        // and its total moved by less than the tolerance.
        assert_eq!(pruned.iter().filter(|r| r.0 == 'c').count(), 1);
        assert!((total(&pruned, 'c') - 0.0011).abs() < 1e-12);
        assert_eq!(pruned.iter().filter(|r| r.0 == 'd').count(), 0);
        assert!(total(&rows, 'd') < REPORT_TOLERANCE_UNITS);
    }
}
