//! A compressed-sparse-row copy of the road graph and the Dijkstra search that runs on it.
//!
//! petgraph's `Graph` keeps edges in per-node linked lists; a matrix runs thousands of full
//! searches over the same graph, so it pays to copy the outgoing edges once into flat
//! arrays (one cache-friendly slice per node). The petgraph graph stays the source of
//! truth (typed indices, geometry); node `i` here is `NodeIndex::new(i)` there.
//!
//! The search key is `(time_ms, length_mm)` compared lexicographically: the fastest path,
//! and among equally fast ones the shortest, so the distance that goes with a travel time
//! is deterministic.

use super::{EdgeData, NodeData};
use petgraph::graph::DiGraph;
use petgraph::visit::EdgeRef;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Marks "no value" in the search arrays.
pub(crate) const UNSET: u64 = u64::MAX;
const NO_PARENT: u32 = u32::MAX;

/// Outgoing edges of every node in flat arrays.
#[derive(Debug, Clone)]
pub(crate) struct Csr {
    first_out: Vec<u32>,
    head: Vec<u32>,
    time_ms: Vec<u32>,
    length_mm: Vec<u32>,
}

impl Csr {
    pub(crate) fn from_graph(graph: &DiGraph<NodeData, EdgeData, u32>) -> Self {
        let n = graph.node_count();
        let mut first_out = Vec::with_capacity(n + 1);
        let mut head = Vec::with_capacity(graph.edge_count());
        let mut time_ms = Vec::with_capacity(graph.edge_count());
        let mut length_mm = Vec::with_capacity(graph.edge_count());
        for node in graph.node_indices() {
            first_out.push(head.len() as u32);
            for edge in graph.edges(node) {
                head.push(edge.target().index() as u32);
                time_ms.push(edge.weight().time_ms);
                length_mm.push(edge.weight().length_mm);
            }
        }
        first_out.push(head.len() as u32);
        Self { first_out, head, time_ms, length_mm }
    }

    pub(crate) fn node_count(&self) -> usize {
        self.first_out.len() - 1
    }

    /// The positions of `v`'s outgoing edges, for [`edge`](Self::edge).
    pub(crate) fn out_edges(&self, v: usize) -> std::ops::Range<usize> {
        self.first_out[v] as usize..self.first_out[v + 1] as usize
    }

    /// Edge `e` as `(head node, time_ms, length_mm)`.
    pub(crate) fn edge(&self, e: usize) -> (u32, u32, u32) {
        (self.head[e], self.time_ms[e], self.length_mm[e])
    }

    /// A smaller copy for one request: every chain of nodes that only continue a road (one
    /// way in and one out, or the two directions of a two-way street) and are not in
    /// `keep` is replaced by one edge carrying the chain's summed time and length. OSM
    /// ways carry many shape nodes, so this removes most nodes, and fastest paths between
    /// kept nodes are unchanged (time and length alike: a path can only run along a chain).
    ///
    /// Returns the new graph and, for each old node, its new index (`u32::MAX` if removed).
    ///
    /// # Complexity
    /// O(V + E).
    pub(crate) fn without_chains(&self, keep: &[bool]) -> (Csr, Vec<u32>) {
        let n = self.node_count();
        let mut in_deg = vec![0u32; n];
        let mut in_from = vec![[u32::MAX; 2]; n];
        for v in 0..n {
            for e in self.out_edges(v) {
                let w = self.head[e] as usize;
                if in_deg[w] < 2 {
                    in_from[w][in_deg[w] as usize] = v as u32;
                }
                in_deg[w] += 1;
            }
        }
        let chain: Vec<bool> = (0..n)
            .map(|v| {
                let out: Vec<u32> = self.out_edges(v).map(|e| self.head[e]).collect();
                let from = in_from[v];
                !keep[v]
                    && match (out.as_slice(), in_deg[v]) {
                        // One-way: a -> v -> b.
                        (&[b], 1) => from[0] != b && from[0] != v as u32 && b != v as u32,
                        // Two-way: a <-> v <-> b.
                        (&[x, y], 2) => {
                            x != y
                                && x != v as u32
                                && y != v as u32
                                && ((from[0] == x && from[1] == y)
                                    || (from[0] == y && from[1] == x))
                        }
                        _ => false,
                    }
            })
            .collect();
        let mut new_index = vec![u32::MAX; n];
        let mut kept = 0u32;
        for v in 0..n {
            if !chain[v] {
                new_index[v] = kept;
                kept += 1;
            }
        }
        let mut out = Csr {
            first_out: Vec::with_capacity(kept as usize + 1),
            head: Vec::new(),
            time_ms: Vec::new(),
            length_mm: Vec::new(),
        };
        for u in (0..n).filter(|&u| !chain[u]) {
            out.first_out.push(out.head.len() as u32);
            for e in self.out_edges(u) {
                let (mut prev, mut cur) = (u, self.head[e] as usize);
                let (mut t, mut l) = (u64::from(self.time_ms[e]), u64::from(self.length_mm[e]));
                let mut steps = 0;
                while chain[cur] && steps < n {
                    let Some(next) = self.out_edges(cur).find(|&f| self.head[f] as usize != prev)
                    else {
                        break;
                    };
                    t += u64::from(self.time_ms[next]);
                    l += u64::from(self.length_mm[next]);
                    (prev, cur) = (cur, self.head[next] as usize);
                    steps += 1;
                }
                if chain[cur] {
                    continue; // a ring of chain nodes only: nothing kept lies on it
                }
                out.head.push(new_index[cur]);
                out.time_ms.push(t.min(u64::from(u32::MAX)) as u32);
                out.length_mm.push(l.min(u64::from(u32::MAX)) as u32);
            }
        }
        out.first_out.push(out.head.len() as u32);
        (out, new_index)
    }
}

/// Heap key of a node reached at `time_ms`. Times are below 2^32 ms (49 days) on any road
/// network; larger ones saturate, which can only blur the order among such absurd paths.
fn pack(time_ms: u64, node: u32) -> u64 {
    (time_ms.min(u64::from(u32::MAX)) << 32) | u64::from(node)
}

fn unpack(key: u64) -> (u64, u32) {
    (key >> 32, key as u32)
}

/// Reusable scratch space for one search at a time (one per worker thread).
#[derive(Debug)]
pub(crate) struct Search {
    time: Vec<u64>,
    length: Vec<u64>,
    parent: Vec<u32>,
    target_stamp: Vec<u32>,
    stamp: u32,
    /// `time_ms << 32 | node`: one word per entry keeps the heap small and fast.
    heap: BinaryHeap<Reverse<u64>>,
}

impl Search {
    pub(crate) fn new(nodes: usize) -> Self {
        Self {
            time: vec![UNSET; nodes],
            length: vec![UNSET; nodes],
            parent: vec![NO_PARENT; nodes],
            target_stamp: vec![0; nodes],
            stamp: 0,
            heap: BinaryHeap::new(),
        }
    }

    /// Runs Dijkstra from `source` until every node of `targets` is settled (or the
    /// reachable graph is exhausted). Afterwards [`time_ms`](Self::time_ms) and
    /// [`length_mm`](Self::length_mm) are exact for every target.
    ///
    /// # Complexity
    /// O((V + E) log V) in the worst case; less when the targets are settled early.
    pub(crate) fn run(&mut self, csr: &Csr, source: u32, targets: &[u32]) {
        self.time.fill(UNSET);
        self.length.fill(UNSET);
        self.parent.fill(NO_PARENT);
        self.heap.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.target_stamp.fill(0);
            self.stamp = 1;
        }
        let mut remaining = 0usize;
        for &t in targets {
            if self.target_stamp[t as usize] != self.stamp {
                self.target_stamp[t as usize] = self.stamp;
                remaining += 1;
            }
        }
        self.time[source as usize] = 0;
        self.length[source as usize] = 0;
        self.heap.push(Reverse(pack(0, source)));
        // Once every target is popped, the entries of that same time are still drained:
        // a zero-time edge can still give a target popped at time t a shorter length.
        let mut finish_at = None;
        while let Some(Reverse(key)) = self.heap.pop() {
            let (key_time, v) = unpack(key);
            if finish_at.is_some_and(|f| key_time > f) {
                break;
            }
            let vi = v as usize;
            let t = self.time[vi];
            if key_time > t.min(u64::from(u32::MAX)) {
                continue; // stale entry
            }
            // An equal-time entry may be popped twice when a shorter equally fast path was
            // found after the first push; relaxing again is harmless and the target is only
            // counted once (its stamp is cleared).
            if self.target_stamp[vi] == self.stamp {
                self.target_stamp[vi] = 0;
                remaining -= 1;
                if remaining == 0 {
                    finish_at = Some(key_time);
                }
            }
            let l = self.length[vi];
            for e in csr.out_edges(vi) {
                let w = csr.head[e] as usize;
                let nt = t + u64::from(csr.time_ms[e]);
                let nl = l + u64::from(csr.length_mm[e]);
                let (ot, ol) = (self.time[w], self.length[w]);
                if nt < ot || (nt == ot && nl < ol) {
                    self.time[w] = nt;
                    self.length[w] = nl;
                    self.parent[w] = v;
                    self.heap.push(Reverse(pack(nt, w as u32)));
                }
            }
        }
    }

    /// Travel time from the last source; [`UNSET`] when not reached.
    pub(crate) fn time_ms(&self, node: u32) -> u64 {
        self.time[node as usize]
    }

    /// Length of the fastest path from the last source; [`UNSET`] when not reached.
    pub(crate) fn length_mm(&self, node: u32) -> u64 {
        self.length[node as usize]
    }

    /// The nodes of the fastest path from the last source to `target`, both included.
    pub(crate) fn path_to(&self, target: u32) -> Option<Vec<u32>> {
        if self.time[target as usize] == UNSET {
            return None;
        }
        let mut path = vec![target];
        let mut v = target;
        while self.parent[v as usize] != NO_PARENT {
            v = self.parent[v as usize];
            path.push(v);
        }
        path.reverse();
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{edge, grid_node};
    use super::*;

    #[test]
    fn a_target_reached_first_by_a_longer_equally_fast_path_gets_the_shorter_length() {
        // 0 -> 1 takes 0 ms over 21 m; 0 -> 2 -> 1 also 0 ms but 0 m (OSM nodes a few
        // millimetres apart round to 0 ms). Node 1 is popped first with 21 m.
        let mut g = DiGraph::<NodeData, EdgeData, u32>::default();
        for i in 0..3 {
            g.add_node(grid_node(0, i));
        }
        let n = |i: u32| petgraph::graph::NodeIndex::new(i as usize);
        let zero = EdgeData { length_mm: 0, time_ms: 0 };
        g.add_edge(n(0), n(1), EdgeData { length_mm: 21_000, time_ms: 0 });
        g.add_edge(n(0), n(2), zero);
        g.add_edge(n(2), n(1), zero);
        let csr = Csr::from_graph(&g);
        let mut search = Search::new(3);
        search.run(&csr, 0, &[1]);
        assert_eq!((search.time_ms(1), search.length_mm(1)), (0, 0));
        assert_eq!(search.path_to(1), Some(vec![0, 2, 1]));
    }

    #[test]
    fn chains_without_kept_nodes_become_single_edges() {
        // Two-way 0 - 1 - 2 - 3 and one-way 3 -> 4 -> 5 -> 0: with 0 and 3 kept, 1 and 2
        // (two-way chain) and 4 and 5 (one-way chain) go.
        let mut g = DiGraph::<NodeData, EdgeData, u32>::default();
        for i in 0..6 {
            g.add_node(grid_node(0, i));
        }
        let n = |i: u32| petgraph::graph::NodeIndex::new(i as usize);
        for (a, b) in [(0, 1), (1, 2), (2, 3)] {
            g.add_edge(n(a), n(b), edge(10));
            g.add_edge(n(b), n(a), edge(10));
        }
        for (a, b) in [(3, 4), (4, 5), (5, 0)] {
            g.add_edge(n(a), n(b), edge(7));
        }
        let csr = Csr::from_graph(&g);
        let keep = [true, false, false, true, false, false];
        let (small, index) = csr.without_chains(&keep);
        assert_eq!(small.node_count(), 2);
        assert_eq!(index, [0, u32::MAX, u32::MAX, 1, u32::MAX, u32::MAX]);
        let mut search = Search::new(2);
        search.run(&small, 1, &[0]);
        assert_eq!((search.time_ms(0), search.length_mm(0)), (21_000, 210_000));
        search.run(&small, 0, &[1]);
        assert_eq!((search.time_ms(1), search.length_mm(1)), (30_000, 300_000));
        // Keeping everything changes nothing.
        let (same, _) = csr.without_chains(&[true; 6]);
        assert_eq!(same.node_count(), 6);
        assert_eq!(same.head, csr.head);
    }
}
