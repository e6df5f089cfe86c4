//! Pick-path methods: one file per method behind one trait, [`PickRouter`].
//!
//! - Classic heuristics (Roodbergen and de Koster 2001): [`SShape`], [`Return`],
//!   [`Midpoint`], [`LargestGap`]. On one block they are the textbook routes; on several
//!   blocks each is applied block by block (S-shape as a serpentine from the farthest block
//!   to the front, the others block after block from the front), with shortest trips
//!   between blocks.
//! - [`Exact`]: the Ratliff and Rosenthal (1983) dynamic programme for one block, linear in
//!   the number of aisles; it is the checker of optimality on single-block layouts.
//! - [`Improved`]: for any layout, the best classic route's visit order (and a nearest
//!   neighbour one) improved by 2-opt and or-opt on the aisle grid's shortest-trip
//!   distances, within the run's deadline. Since a route's visit order joined by shortest
//!   trips is never longer than the route, the result is never longer than the best
//!   classic heuristic.
//!
//! - [`RoutingSearch`]: the routing stage's own search ([`crate::routing::solve`]) on the
//!   grid's distance matrix, one robot and a job per stop.
//!
//! Every method writes a [`PickPath`] the independent checker re-walks.

mod exact;
mod exact_two_block;
mod improved;
mod largest_gap;
mod midpoint;
mod return_route;
mod routing_search;
mod s_shape;

pub use exact::Exact;
pub use exact_two_block::ExactTwoBlock;
pub use improved::Improved;
pub use largest_gap::LargestGap;
pub use midpoint::Midpoint;
pub use return_route::Return;
pub use routing_search::RoutingSearch;
pub use s_shape::SShape;
pub(crate) use s_shape::s_shape as s_shape_path;

use super::error::WarehouseError;
use super::layout::{Layout, Point};
use super::orders::Stop;
use super::path::{PathBuilder, PickPath};
use crate::context::SolveContext;
use serde::{Deserialize, Serialize};

/// A way to route one batch: from the depot through every stop and back.
pub trait PickRouter: Send + Sync {
    /// The method's name, as in reports (`s-shape`, `exact`).
    fn name(&self) -> &'static str;

    /// Whether the method handles this layout.
    fn supports(&self, layout: &Layout) -> bool {
        let _ = layout;
        true
    }

    /// The path through `stops` (each stop's lines picked once).
    ///
    /// # Errors
    /// [`WarehouseError::Unsupported`] when [`supports`](Self::supports) is false.
    fn route(
        &self,
        layout: &Layout,
        stops: &[Stop],
        ctx: &SolveContext,
    ) -> Result<PickPath, WarehouseError>;
}

/// The methods by name (for configuration, the CLI and reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// S-shape (traversal).
    SShape,
    /// Return.
    Return,
    /// Midpoint.
    Midpoint,
    /// Largest gap.
    LargestGap,
    /// The exact DP (one block).
    Exact,
    /// The exact DP for one or two blocks (one middle cross aisle).
    ExactTwoBlock,
    /// Local search on the aisle grid (any layout).
    Improved,
    /// The routing stage's VRP search on the grid's distance matrix (any layout).
    RoutingSearch,
    /// Exact on one and two blocks, improved otherwise.
    #[default]
    Auto,
}

impl Method {
    /// The classic heuristics, the baselines.
    pub const CLASSIC: [Method; 4] =
        [Method::SShape, Method::Return, Method::Midpoint, Method::LargestGap];

    /// The router of this method for `layout` (`Auto` resolved).
    pub fn router(self, layout: &Layout) -> Box<dyn PickRouter> {
        match self {
            Method::SShape => Box::new(SShape),
            Method::Return => Box::new(Return),
            Method::Midpoint => Box::new(Midpoint),
            Method::LargestGap => Box::new(LargestGap),
            Method::Exact => Box::new(Exact),
            Method::ExactTwoBlock => Box::new(ExactTwoBlock),
            Method::Improved => Box::new(Improved::default()),
            Method::RoutingSearch => Box::new(RoutingSearch::default()),
            Method::Auto if layout.blocks() == 1 => Box::new(Exact),
            Method::Auto if layout.blocks() == 2 => Box::new(ExactTwoBlock),
            Method::Auto => Box::new(Improved::default()),
        }
    }
}

/// The stops of one aisle within one block, sorted along the aisle.
pub(crate) struct AisleStops {
    pub aisle: u32,
    pub x_cm: i64,
    /// Indices into the stops, by increasing `y`.
    pub stops: Vec<usize>,
}

/// Per block (front first), the aisles that hold stops, left to right.
pub(crate) fn by_block(layout: &Layout, stops: &[Stop]) -> Vec<Vec<AisleStops>> {
    let mut blocks: Vec<Vec<AisleStops>> = (0..layout.blocks()).map(|_| Vec::new()).collect();
    // Stops come sorted by point: by x (aisle), then y.
    for (i, s) in stops.iter().enumerate() {
        let (Some(b), Some(a)) = (layout.block_of(s.point.y_cm), layout.aisle_at(s.point.x_cm))
        else {
            continue;
        };
        let row = &mut blocks[b as usize];
        match row.last_mut() {
            Some(last) if last.aisle == a => last.stops.push(i),
            _ => row.push(AisleStops { aisle: a, x_cm: s.point.x_cm, stops: vec![i] }),
        }
    }
    for row in &mut blocks {
        row.sort_by_key(|a| a.aisle);
        for a in row.iter_mut() {
            a.stops.sort_by_key(|&i| stops[i].point.y_cm);
        }
    }
    blocks
}

/// Enters an aisle at `from_y`, picks `picks` in the given order, leaves at `to_y`.
pub(crate) fn through(
    b: &mut PathBuilder<'_>,
    stops: &[Stop],
    x_cm: i64,
    from_y: i64,
    picks: impl IntoIterator<Item = usize>,
    to_y: i64,
) {
    b.go(Point { x_cm, y_cm: from_y });
    for i in picks {
        b.pick(&stops[i]);
    }
    b.go(Point { x_cm, y_cm: to_y });
}

/// The block-wise tour of midpoint and largest gap: the first and last aisles of each block
/// traversed, the others entered from the back for the stops above their split and from
/// the front for the rest. `split(aisle, front_y, back_y)` gives how many of the aisle's
/// stops (from the front) are picked from the front.
pub(crate) fn gap_tour(
    layout: &Layout,
    stops: &[Stop],
    split: impl Fn(&AisleStops, i64, i64) -> usize,
) -> PickPath {
    let mut b = PathBuilder::new(layout);
    for (block, row) in by_block(layout, stops).iter().enumerate() {
        let (front, back) = (layout.cross_y_cm[block], layout.cross_y_cm[block + 1]);
        match row.as_slice() {
            [] => {}
            [only] => through(&mut b, stops, only.x_cm, front, only.stops.iter().copied(), front),
            [first, middle @ .., last] => {
                through(&mut b, stops, first.x_cm, front, first.stops.iter().copied(), back);
                for a in middle {
                    let k = split(a, front, back).min(a.stops.len());
                    if k < a.stops.len() {
                        through(
                            &mut b,
                            stops,
                            a.x_cm,
                            back,
                            a.stops[k..].iter().rev().copied(),
                            back,
                        );
                    }
                }
                through(&mut b, stops, last.x_cm, back, last.stops.iter().rev().copied(), front);
                for a in middle.iter().rev() {
                    let k = split(a, front, back).min(a.stops.len());
                    if k > 0 {
                        through(&mut b, stops, a.x_cm, front, a.stops[..k].iter().copied(), front);
                    }
                }
            }
        }
    }
    b.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::warehouse::check::check_path;
    use crate::warehouse::generate::tests::{random_stops, small_layout};
    use proptest::prelude::*;

    /// Brute force over every visit order (tiny instances only).
    pub(crate) fn brute_force_cm(layout: &Layout, stops: &[Stop]) -> i64 {
        fn rec(
            layout: &Layout,
            stops: &[Stop],
            used: &mut Vec<bool>,
            at: Point,
            acc: i64,
            best: &mut i64,
        ) {
            if acc >= *best {
                return;
            }
            let mut any = false;
            for i in 0..stops.len() {
                if !used[i] {
                    any = true;
                    used[i] = true;
                    let d = layout.distance_cm(at, stops[i].point);
                    rec(layout, stops, used, stops[i].point, acc + d, best);
                    used[i] = false;
                }
            }
            if !any {
                *best = (*best).min(acc + layout.distance_cm(at, layout.depot));
            }
        }
        let mut best = i64::MAX;
        rec(layout, stops, &mut vec![false; stops.len()], layout.depot, 0, &mut best);
        best
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn every_method_writes_a_path_the_checker_accepts(
            blocks in 1u32..4, aisles in 1u32..7, depot in 0u32..7, n in 0usize..25, seed in 0u64..1000,
        ) {
            let layout = small_layout(blocks, aisles, depot % aisles);
            let (stops, lines) = random_stops(&layout, n, seed);
            let ctx = SolveContext::new(seed);
            let mut lengths = Vec::new();
            for m in [Method::SShape, Method::Return, Method::Midpoint, Method::LargestGap, Method::Improved, Method::Exact, Method::ExactTwoBlock] {
                let router = m.router(&layout);
                if !router.supports(&layout) {
                    prop_assert!(router.route(&layout, &stops, &ctx).is_err());
                    continue;
                }
                let path = router.route(&layout, &stops, &ctx).unwrap();
                let checked = check_path(&layout, &lines, &path);
                prop_assert!(checked.is_ok(), "{m:?}: {checked:?}");
                prop_assert_eq!(checked.unwrap(), path.length_cm);
                lengths.push((m, path.length_cm));
            }
            let best_classic = lengths.iter().filter(|(m, _)| Method::CLASSIC.contains(m)).map(|l| l.1).min().unwrap();
            let improved = lengths.iter().find(|(m, _)| *m == Method::Improved).unwrap().1;
            prop_assert!(improved <= best_classic, "improved {improved} > classic {best_classic}");
            for dp in [Method::Exact, Method::ExactTwoBlock] {
                if let Some(&(_, exact)) = lengths.iter().find(|(m, _)| *m == dp) {
                    for (m, l) in &lengths {
                        prop_assert!(exact <= *l, "{dp:?} {exact} > {m:?} {l}");
                    }
                }
            }
        }

        #[test]
        fn exact_equals_brute_force_on_tiny_instances(
            aisles in 1u32..6, depot in 0u32..6, n in 0usize..7, seed in 0u64..1000,
        ) {
            let layout = small_layout(1, aisles, depot % aisles);
            let (stops, _) = random_stops(&layout, n, seed);
            let path = Exact.route(&layout, &stops, &SolveContext::new(0)).unwrap();
            prop_assert_eq!(path.length_cm, brute_force_cm(&layout, &stops));
        }

        #[test]
        fn searches_are_never_below_the_optimum_on_multi_block_tiny_instances(
            blocks in 2u32..4, aisles in 1u32..5, n in 0usize..6, seed in 0u64..1000,
        ) {
            // Not always optimal (heuristic searches), but a length below the optimum would be
            // a wrong length; and the checker accepts both.
            let layout = small_layout(blocks, aisles, 0);
            let (stops, lines) = random_stops(&layout, n, seed);
            let best = brute_force_cm(&layout, &stops);
            let ctx = SolveContext::new(seed);
            for router in [Method::Improved.router(&layout), Method::RoutingSearch.router(&layout)] {
                let path = router.route(&layout, &stops, &ctx).unwrap();
                prop_assert_eq!(check_path(&layout, &lines, &path), Ok(path.length_cm));
                prop_assert!(path.length_cm >= best, "{} below the optimum", router.name());
            }
        }
    }
}
