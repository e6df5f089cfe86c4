//! Admission for synchronous solves: a fixed number run at once, a bounded number wait.
//!
//! `POST /v1/routes` answers in the request, so it cannot be queued as a job; instead each
//! solve takes a slot of a semaphore before it goes to `spawn_blocking`. Without the bound,
//! tokio's blocking pool (512 threads) would start a solver per request and every request
//! would slow down together; with it, extra requests wait their turn, and beyond
//! `solve_queue` waiters they get 503 + `Retry-After` at once instead of timing out.

use super::error::ApiError;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The slots (see the module docs).
#[derive(Debug)]
pub(crate) struct SolveSlots {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl SolveSlots {
    /// `slots` solves at once (at least 1), at most `max_waiting` waiting.
    pub(crate) fn new(slots: usize, max_waiting: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// Requests waiting for a slot.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Waits for a slot; the permit frees it when dropped.
    ///
    /// # Errors
    /// [`ApiError::Overloaded`] when `max_waiting` requests already wait.
    pub(crate) async fn acquire(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        if let Ok(permit) = Arc::clone(&self.slots).try_acquire_owned() {
            return Ok(permit);
        }
        let before = self.waiting.fetch_add(1, Ordering::AcqRel);
        // Decrements on every exit, including the client going away mid-wait.
        let _waiting = Waiting(&self.waiting);
        if before >= self.max_waiting {
            return Err(ApiError::Overloaded {
                what: "solver queue",
                capacity: self.max_waiting,
                retry_after_s: 1,
            });
        }
        Arc::clone(&self.slots).acquire_owned().await.map_err(|_| ApiError::ShuttingDown)
    }
}

struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beyond_the_waiting_room_requests_are_refused() {
        let slots = SolveSlots::new(1, 1);
        let first = slots.acquire().await.unwrap();
        let slots = Arc::new(slots);
        let waiter = {
            let slots = Arc::clone(&slots);
            tokio::spawn(async move { slots.acquire().await.map(drop) })
        };
        while slots.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        let refused = slots.acquire().await.unwrap_err();
        assert_eq!(refused.code(), "overloaded");
        drop(first);
        waiter.await.unwrap().unwrap();
        assert_eq!(slots.waiting(), 0);
    }
}
