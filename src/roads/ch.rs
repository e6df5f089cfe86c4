//! Point-to-point fastest paths between road nodes by contraction hierarchies.
//!
//! Built once per road graph with the `fast_paths` crate and shared (behind an `Arc`) by
//! every [`RoadOracle`](super::oracle::RoadOracle) on that graph. Traffic profiles scale
//! every edge by the same factor, so paths do not depend on the profile and one hierarchy
//! serves every departure hour.
//!
//! # Exactly the dense matrix's path
//! The travel matrix takes the fastest path and, among equally fast ones, the shortest,
//! and charges that path's length. `fast_paths` minimises one integer weight, so each edge
//! gets the weight
//!
//! ```text
//! w(e) = (time_ms(e) * S + length_mm(e)) * Z      (or 1 for an edge of 0 ms and 0 mm)
//! ```
//!
//! where `S` exceeds the length of any fastest path and `Z` exceeds the number of
//! zero-weight edges (which `fast_paths` would otherwise drop). A path's weight is then
//! `(T * S + L) * Z + zeros`, minimising it minimises `(T, L)` lexicographically, and
//! `T = w / Z / S`, `L = w / Z % S` decode it. `S` is bounded from the graph itself:
//! every edge has `length_mm <= r * (time_ms + 1)` for `r` its largest such ratio (the top
//! speed, in mm per ms), so a path of at most `V` edges and time `T` is at most
//! `r * (T + V)` long; fastest-path times are bounded by `D = ecc_out(0) + ecc_in(0)` (two
//! Dijkstras from node 0). An edge slower than `D` is never on a fastest path and is
//! capped. Building fails with [`RoadError::WeightRange`] rather than ever answering a
//! wrong path when `(D + 1) * S * Z` would exceed 2^56, which keeps the sums inside a
//! query 256x below `u64` overflow. Columbus, Ohio (65k nodes): about 2^53.
//!
//! # Why `fast_paths`
//! Well kept (MIT/Apache, used by routing servers), pure Rust, and the peer the matrix
//! benches already measure. It answers one pair at a time; the queries reuse per-thread
//! scratch space ([`PathCalculator`]) from a small pool, since creating one costs O(V).

use crate::context::SolveContext;
use crate::roads::error::RoadError;
use crate::roads::graph::elements::{EdgeData, RoadNode};
use fast_paths::{FastGraph, InputGraph, PathCalculator};
use petgraph::algo::dijkstra;
use petgraph::graph::DiGraph;
use petgraph::visit::{EdgeRef, Reversed};
use std::fmt;
use std::sync::{Mutex, PoisonError};

/// Largest encoded weight of one fastest path (see the module docs).
const WEIGHT_LIMIT: u128 = 1 << 56;

/// The free-flow time and length of a fastest path between two road nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathCost {
    /// Free-flow travel time.
    ///
    /// # Units
    /// Milliseconds.
    pub time_ms: u64,
    /// Length of that path (the shortest among equally fast ones).
    ///
    /// # Units
    /// Millimetres.
    pub length_mm: u64,
}

/// How `(time_ms, length_mm)` pairs become one `fast_paths` weight and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Encoding {
    length_scale: u64,
    zero_scale: u64,
    time_cap_ms: u64,
}

impl Encoding {
    fn for_graph<N>(g: &DiGraph<N, EdgeData, u32>) -> Result<Self, RoadError> {
        let max_time_ms = if g.node_count() == 0 {
            0
        } else {
            let start = RoadNode::new(0);
            let out = dijkstra(g, start, None, |e| u64::from(e.weight().time_ms));
            let back = dijkstra(Reversed(g), start, None, |e| u64::from(e.weight().time_ms));
            let out = out.values().max().copied().unwrap_or(0);
            let back = back.values().max().copied().unwrap_or(0);
            out + back
        };
        let (mut mm_per_ms, mut zero_edges) = (0u64, 0u64);
        for e in g.edge_references().filter(|e| e.source() != e.target()) {
            let w = e.weight();
            if w.time_ms == 0 && w.length_mm == 0 {
                zero_edges += 1;
            }
            mm_per_ms = mm_per_ms.max(u64::from(w.length_mm).div_ceil(u64::from(w.time_ms) + 1));
        }
        let nodes = g.node_count() as u128;
        let length_scale = u128::from(mm_per_ms) * (u128::from(max_time_ms) + nodes) + 1;
        let zero_scale = u128::from(zero_edges) + 1;
        let needed = (u128::from(max_time_ms) + 1) * length_scale * zero_scale;
        if needed > WEIGHT_LIMIT {
            return Err(RoadError::WeightRange { needed, limit: WEIGHT_LIMIT });
        }
        // Both fit: each is at most `needed`, which is below 2^56.
        Ok(Self {
            length_scale: length_scale as u64,
            zero_scale: zero_scale as u64,
            time_cap_ms: max_time_ms,
        })
    }

    fn edge_weight(&self, time_ms: u32, length_mm: u32) -> usize {
        if time_ms == 0 && length_mm == 0 {
            return 1;
        }
        // An edge slower than every fastest path is never on one: capping it (and its
        // length) keeps the weight in range and still above any fastest path's weight.
        let t = u64::from(time_ms).min(self.time_cap_ms + 1);
        let l = u64::from(length_mm).min(self.length_scale - 1);
        ((t * self.length_scale + l) * self.zero_scale) as usize
    }

    fn decode(&self, weight: usize) -> PathCost {
        let q = weight as u64 / self.zero_scale;
        PathCost { time_ms: q / self.length_scale, length_mm: q % self.length_scale }
    }
}

/// A contraction hierarchy of one road graph: exact fastest-path queries in microseconds.
pub struct ContractionHierarchy {
    fast: FastGraph,
    graph_nodes: usize,
    encoding: Encoding,
    calculators: Mutex<Vec<PathCalculator>>,
}

impl fmt::Debug for ContractionHierarchy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContractionHierarchy")
            .field("nodes", &self.graph_nodes)
            .field("edges", &self.edge_count())
            .field("encoding", &self.encoding)
            .finish()
    }
}

impl ContractionHierarchy {
    /// Contracts `graph` (free-flow times; every traffic profile shares the result).
    ///
    /// # Errors
    /// [`RoadError::WeightRange`] when the graph's times and lengths cannot be encoded
    /// exactly (see the module docs), [`RoadError::Interrupted`] when `ctx` is cancelled
    /// or past its deadline before or after the contraction (which itself cannot be
    /// interrupted: Columbus, 65k nodes, takes about a second).
    ///
    /// # Complexity
    /// Two Dijkstras for the weight bounds, then `fast_paths`' contraction (witness
    /// searches, near-linear in practice on road graphs); memory about the size of the
    /// graph again in shortcuts.
    pub fn build<N>(
        graph: &DiGraph<N, EdgeData, u32>,
        ctx: &SolveContext,
    ) -> Result<Self, RoadError> {
        ctx.check()?;
        ctx.progress().phase("contraction hierarchy");
        let encoding = Encoding::for_graph(graph)?;
        let mut input = InputGraph::new();
        for e in graph.edge_references().filter(|e| e.source() != e.target()) {
            let w = encoding.edge_weight(e.weight().time_ms, e.weight().length_mm);
            input.add_edge(e.source().index(), e.target().index(), w);
        }
        input.freeze();
        let fast = if input.get_num_edges() == 0 {
            FastGraph::new(0)
        } else {
            fast_paths::prepare(&input)
        };
        ctx.check()?;
        tracing::debug!(
            nodes = graph.node_count(),
            edges = fast.get_num_out_edges() + fast.get_num_in_edges(),
            "contraction hierarchy built"
        );
        Ok(Self {
            fast,
            graph_nodes: graph.node_count(),
            encoding,
            calculators: Mutex::new(Vec::new()),
        })
    }

    /// Nodes of the graph this hierarchy was built on.
    pub fn node_count(&self) -> usize {
        self.graph_nodes
    }

    /// An upper bound on the free-flow time and on the length of every fastest path of
    /// the graph (the bounds the weight encoding is built from, see the module docs): no
    /// query answers more.
    ///
    /// # Units
    /// Milliseconds and millimetres.
    pub fn path_bound(&self) -> PathCost {
        PathCost {
            time_ms: self.encoding.time_cap_ms,
            length_mm: self.encoding.length_scale.saturating_sub(1),
        }
    }

    /// Upward and downward edges of the hierarchy (original edges plus shortcuts).
    pub fn edge_count(&self) -> usize {
        self.fast.get_num_out_edges() + self.fast.get_num_in_edges()
    }

    /// The fastest path from `from` to `to` (ties broken by length, as the dense matrix);
    /// `None` when there is none or a node is not in the graph. Safe to call from many
    /// threads at once.
    ///
    /// # Complexity
    /// A bidirectional upward search: typically a few hundred settled nodes on a city graph.
    pub fn path(&self, from: RoadNode, to: RoadNode) -> Option<PathCost> {
        let (s, t) = (from.index(), to.index());
        if s == t {
            return (s < self.graph_nodes).then_some(PathCost { time_ms: 0, length_mm: 0 });
        }
        let nodes = self.fast.get_num_nodes();
        if s >= nodes || t >= nodes {
            return None;
        }
        let pooled = self.calculators.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut calc = pooled.unwrap_or_else(|| fast_paths::create_calculator(&self.fast));
        let weight = calc.calc_path(&self.fast, s, t).map(|p| p.get_weight());
        self.calculators.lock().unwrap_or_else(PoisonError::into_inner).push(calc);
        weight.map(|w| self.encoding.decode(w))
    }
}
