//! A batch: the work that yields one or more units, and the seed both arms run it with.
//!
//! It sits below the stage files and the runner alike: every stage builds its batches with
//! [`unit_seed`], and the runner samples units from them, so neither has to import the
//! other.

/// Work that yields one or more units.
#[derive(Debug, Clone)]
pub(in crate::experiment) struct Batch {
    /// Label for progress and errors.
    pub key: String,
    /// The seed both arms use on this batch (common random numbers).
    pub seed: u64,
    /// The units this batch yields, by key.
    pub units: Vec<String>,
}

/// The seed of batch `index` of an experiment seeded with `seed`.
pub(in crate::experiment) fn unit_seed(seed: u64, index: usize) -> u64 {
    seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
