//! A bounded, thread-safe cache of stop-to-stop arcs answered by the hierarchy.
//!
//! A routing search asks for the same few arcs outside the neighbour lists again and again
//! (every move that touches a route re-evaluates its arcs), and a hierarchy query costs
//! microseconds where a hash lookup costs tens of nanoseconds. The cache is split into 64
//! shards, each behind its own `Mutex`, so parallel searches rarely wait for each other.
//! Each shard keeps two generations: new arcs go into the current one, and when it is full
//! it becomes the previous one and the oldest generation is dropped. A hit in the previous
//! generation moves the arc forward. This keeps recently used arcs, bounds memory to
//! `2 x capacity` entries, and costs O(1) per operation with no per-entry bookkeeping
//! (a close cousin of CLOCK, without the scan).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, PoisonError};

const SHARDS: usize = 64;

/// A fixed mixing of the already well-spread `from << 32 | to` keys (std's SipHash is
/// needlessly slow for integer keys nobody controls).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = mix(key);
    }
}

fn mix(key: u64) -> u64 {
    let h = (key ^ (key >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

type Map<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

struct Shard<V> {
    current: Map<V>,
    previous: Map<V>,
}

/// Up to `2 x capacity` cached values by `u64` key.
pub(crate) struct ArcCache<V> {
    shards: Vec<Mutex<Shard<V>>>,
    per_generation: usize,
}

impl<V: Copy> ArcCache<V> {
    /// A cache of about `capacity` entries per generation; 0 disables it.
    pub(crate) fn new(capacity: usize) -> Self {
        let per_generation = capacity.div_ceil(SHARDS);
        let shards = if capacity == 0 { 0 } else { SHARDS };
        let shard = || Mutex::new(Shard { current: Map::default(), previous: Map::default() });
        Self { shards: (0..shards).map(|_| shard()).collect(), per_generation }
    }

    /// The most entries the cache can hold at once.
    pub(crate) fn max_entries(&self) -> usize {
        2 * self.per_generation * self.shards.len()
    }

    fn shard(&self, key: u64) -> Option<std::sync::MutexGuard<'_, Shard<V>>> {
        let n = self.shards.len();
        let m = self.shards.get((mix(key) >> 58) as usize % n.max(1))?;
        Some(m.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub(crate) fn get(&self, key: u64) -> Option<V> {
        let mut shard = self.shard(key)?;
        if let Some(&v) = shard.current.get(&key) {
            return Some(v);
        }
        let v = shard.previous.remove(&key)?;
        self.put(&mut shard, key, v);
        Some(v)
    }

    pub(crate) fn insert(&self, key: u64, value: V) {
        if let Some(mut shard) = self.shard(key) {
            self.put(&mut shard, key, value);
        }
    }

    fn put(&self, shard: &mut Shard<V>, key: u64, value: V) {
        if shard.current.len() >= self.per_generation {
            shard.previous = std::mem::take(&mut shard.current);
        }
        shard.current.insert(key, value);
    }

    /// Entries held now.
    pub(crate) fn len(&self) -> usize {
        let count = |m: &Mutex<Shard<V>>| {
            let s = m.lock().unwrap_or_else(PoisonError::into_inner);
            s.current.len() + s.previous.len()
        };
        self.shards.iter().map(count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_stays_bounded_and_recent_entries_stay() {
        let cache = ArcCache::<u32>::new(640);
        assert_eq!(cache.max_entries(), 1_280);
        cache.insert(u64::MAX, 7);
        for k in 0..100_000u64 {
            cache.insert(k, k as u32);
            // A key read over and over is never evicted.
            assert_eq!(cache.get(u64::MAX), Some(7), "after {k} inserts");
        }
        assert!(cache.len() <= cache.max_entries(), "{}", cache.len());
        assert_eq!(cache.get(99_999), Some(99_999));
        assert_eq!(cache.get(0), None);
    }

    #[test]
    fn zero_capacity_caches_nothing() {
        let cache = ArcCache::<u32>::new(0);
        cache.insert(1, 1);
        assert_eq!(cache.get(1), None);
        assert_eq!(cache.max_entries(), 0);
    }

    #[test]
    fn keys_spread_over_all_shards() {
        let mut used = [false; SHARDS];
        for from in 0..64u64 {
            used[(mix(from << 32 | 5) >> 58) as usize] = true;
        }
        assert!(used.iter().filter(|&&u| u).count() > SHARDS / 2);
    }
}
