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
}

/// Reusable scratch space for one search at a time (one per worker thread).
#[derive(Debug)]
pub(crate) struct Search {
    time: Vec<u64>,
    length: Vec<u64>,
    parent: Vec<u32>,
    target_stamp: Vec<u32>,
    stamp: u32,
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
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
        self.heap.push(Reverse((0, 0, source)));
        while let Some(Reverse((t, l, v))) = self.heap.pop() {
            let vi = v as usize;
            if (t, l) > (self.time[vi], self.length[vi]) {
                continue; // stale entry
            }
            if self.target_stamp[vi] == self.stamp {
                self.target_stamp[vi] = 0;
                remaining -= 1;
                if remaining == 0 {
                    break;
                }
            }
            let (lo, hi) = (csr.first_out[vi] as usize, csr.first_out[vi + 1] as usize);
            for e in lo..hi {
                let w = csr.head[e] as usize;
                let nt = t + u64::from(csr.time_ms[e]);
                let nl = l + u64::from(csr.length_mm[e]);
                if (nt, nl) < (self.time[w], self.length[w]) {
                    self.time[w] = nt;
                    self.length[w] = nl;
                    self.parent[w] = v;
                    self.heap.push(Reverse((nt, nl, w as u32)));
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
