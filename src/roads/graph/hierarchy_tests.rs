//! Tests of the contraction hierarchy ([`crate::roads::ch`]) on road graphs: beside the
//! graph, which builds it, so that the hierarchy's own file needs nothing of the graph.

use super::*;
use crate::roads::ch::{ContractionHierarchy, PathCost};
use crate::roads::graph::tests::{edge, grid_node};
use crate::roads::graph::{EdgeData, NodeData, RoadOptions};
use proptest::prelude::*;

fn ch(g: &RoadGraph) -> ContractionHierarchy {
    ContractionHierarchy::build(g.graph(), &SolveContext::new(0)).unwrap()
}

#[test]
fn equal_times_go_to_the_shorter_path_as_in_the_matrix() {
    // 0 -> 2 in 8 s either direct (20 m) or via 1 (10 m): the shorter one wins.
    let nodes = (0..3).map(|i| grid_node(0, i)).collect();
    let fast_long = EdgeData { length_mm: 5_000, time_ms: 4_000 };
    let direct = EdgeData { length_mm: 20_000, time_ms: 8_000 };
    let mut edges = vec![(0, 1, fast_long), (1, 2, fast_long), (2, 0, fast_long)];
    edges.extend([(0, 2, direct), (1, 0, fast_long), (2, 1, fast_long)]);
    let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
    let h = ch(&g);
    let p = h.path(RoadNode::new(0), RoadNode::new(2)).unwrap();
    assert_eq!(p, PathCost { time_ms: 8_000, length_mm: 10_000 });
    assert_eq!(h.path(RoadNode::new(1), RoadNode::new(1)), Some(PathCost::default_zero()));
    assert_eq!(h.path(RoadNode::new(0), RoadNode::new(99)), None);
}

#[test]
fn zero_edges_are_kept_not_dropped() {
    // 0 <-> 1 is a zero-length joint (two OSM nodes at one spot); 1 <-> 2 is 5 s.
    let nodes = (0..3).map(|i| grid_node(0, i)).collect();
    let zero = EdgeData { length_mm: 0, time_ms: 0 };
    let edges = vec![(0, 1, zero), (1, 0, zero), (1, 2, edge(5)), (2, 1, edge(5))];
    let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
    let h = ch(&g);
    let p = h.path(RoadNode::new(0), RoadNode::new(2)).unwrap();
    assert_eq!(p, PathCost { time_ms: 5_000, length_mm: 50_000 });
    let p = h.path(RoadNode::new(1), RoadNode::new(0)).unwrap();
    assert_eq!(p, PathCost::default_zero());
}

#[test]
fn absurd_measures_are_refused_not_misencoded() {
    let nodes = (0..2).map(|i| grid_node(0, i)).collect();
    let huge = EdgeData { length_mm: u32::MAX, time_ms: u32::MAX / 2 };
    let edges = vec![(0, 1, huge), (1, 0, huge)];
    let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
    let e = ContractionHierarchy::build(g.graph(), &SolveContext::new(0));
    assert!(matches!(e, Err(RoadError::WeightRange { .. })), "{e:?}");
    let ctx = SolveContext::new(0);
    ctx.cancel_token().cancel();
    let e = ContractionHierarchy::build(g.graph(), &ctx);
    assert!(matches!(e, Err(RoadError::Interrupted(_))), "{e:?}");
}

impl PathCost {
    fn default_zero() -> Self {
        Self { time_ms: 0, length_mm: 0 }
    }
}

prop_compose! {
    /// A random directed network of up to 14 nodes with many equal times and some
    /// zero-time and zero-length edges, so ties and zero weights are common.
    fn tie_network()(n in 2u32..14)(
        n in Just(n),
        edges in prop::collection::vec((0..n, 0..n, 0u32..6, 0u32..4), 1..50),
    ) -> (Vec<NodeData>, Vec<(u32, u32, EdgeData)>) {
        let nodes = (0..n).map(|i| grid_node(i / 4, i % 4)).collect();
        let edges = edges
            .into_iter()
            .map(|(a, b, s, m)| (a, b, EdgeData { length_mm: m * 7_000, time_ms: s * 1000 }))
            .collect();
        (nodes, edges)
    }
}

proptest! {
    #[test]
    fn hierarchy_paths_equal_the_dijkstra_of_the_matrix((nodes, edges) in tie_network()) {
        let g = RoadGraph::from_network(nodes, edges, &RoadOptions::default()).unwrap();
        let h = ch(&g);
        for i in 0..g.node_count() {
            for j in 0..g.node_count() {
                let (a, b) = (RoadNode::new(i), RoadNode::new(j));
                let expected = g.shortest_path(a, b).unwrap();
                let got = h.path(a, b).unwrap();
                prop_assert_eq!(got.time_ms, expected.time_ms, "{} -> {}", i, j);
                prop_assert_eq!(got.length_mm, expected.length_mm, "{} -> {}", i, j);
            }
        }
    }
}
