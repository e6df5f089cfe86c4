//! The sizes of a [`RoadOracle`](super::oracle::RoadOracle): neighbours per stop, the
//! memory the neighbour lists may take, the arc cache. Its own file because both the
//! neighbour-list builder and the oracle read it, and the oracle reads the builder.

use serde::{Deserialize, Serialize};

/// Sizes of a [`RoadOracle`](super::oracle::RoadOracle); read from configuration (`deny_unknown_fields`) or built in
/// code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OracleOptions {
    /// Neighbours kept per stop (default 40).
    pub neighbours: usize,
    /// Most memory the neighbour lists may take (bytes, default 1 GiB).
    pub max_neighbour_bytes: u64,
    /// Arcs cached per generation (default 2^20, at most twice that held: about 80 MB).
    pub cache_entries: usize,
}

impl Default for OracleOptions {
    fn default() -> Self {
        Self { neighbours: 40, max_neighbour_bytes: 1 << 30, cache_entries: 1 << 20 }
    }
}

impl OracleOptions {
    /// Sets the neighbours kept per stop.
    pub fn with_neighbours(mut self, k: usize) -> Self {
        self.neighbours = k;
        self
    }

    /// Sets the memory limit of the neighbour lists (bytes).
    pub fn with_max_neighbour_bytes(mut self, bytes: u64) -> Self {
        self.max_neighbour_bytes = bytes;
        self
    }

    /// Sets the arcs cached per generation (0 turns the cache off).
    pub fn with_cache_entries(mut self, entries: usize) -> Self {
        self.cache_entries = entries;
        self
    }
}
