//! The run context injected into every solve.
//!
//! Algorithms never read the clock, a global RNG or a global flag directly: they receive a
//! [`SolveContext`] that carries the seed, the deadline, a cancel token, a thread budget and
//! a progress sink. That makes every stage deterministic for a seed, keeps time limits
//! honest (the deadline counts from the start of the request, not of the solver) and lets
//! the CLI (Ctrl-C) and the service (`DELETE /v1/jobs/{id}`, shutdown) stop work the same way.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A shared flag that asks running work to stop. Cloning shares the flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A fresh, not-cancelled token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every holder of this token to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Self::cancel) has been called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Where long work reports how far it got (a terminal bar, a job record, or nothing).
pub trait Progress: Send + Sync {
    /// Sets the total amount of work, in the caller's own steps.
    fn set_total(&self, total: u64);
    /// Records `steps` more steps done.
    fn advance(&self, steps: u64);
    /// Names the current phase ("forecast", "placement", ...).
    fn phase(&self, name: &str);
    /// A short status line within the phase (the routing search's best cost so far);
    /// ignored unless the sink shows it.
    fn message(&self, _text: &str) {}
}

/// A progress sink that discards everything (library default, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn set_total(&self, _total: u64) {}
    fn advance(&self, _steps: u64) {}
    fn phase(&self, _name: &str) {}
}

/// One part of a parent's progress: a run made of several solves (one per station, one per
/// experiment arm) that each report on their own scale. The part's own total, whatever the
/// solve sets, maps onto `steps` of the parent's; the parent's phase stands (a part's phase
/// names are dropped) and status messages pass through. Without it each solve reset the
/// parent's total to its own and the run's bar read 1001/1000.
pub struct ProgressPart {
    parent: Arc<dyn Progress>,
    steps: u64,
    total: AtomicU64,
    done: AtomicU64,
    sent: AtomicU64,
}

impl ProgressPart {
    /// A part worth `steps` of `parent`'s total.
    pub fn new(parent: Arc<dyn Progress>, steps: u64) -> Self {
        Self {
            parent,
            steps,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            sent: AtomicU64::new(0),
        }
    }

    /// Advances the parent to the end of this part (a solve that stopped early still
    /// counts as one part done).
    pub fn finish(&self) {
        self.send_up_to(self.steps);
    }

    fn send_up_to(&self, target: u64) {
        let before = self.sent.fetch_max(target, Ordering::Relaxed);
        if target > before {
            self.parent.advance(target - before);
        }
    }
}

impl Progress for ProgressPart {
    fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    fn advance(&self, steps: u64) {
        let done = self.done.fetch_add(steps, Ordering::Relaxed).saturating_add(steps);
        let total = self.total.load(Ordering::Relaxed);
        if total > 0 {
            let share = u128::from(done.min(total)) * u128::from(self.steps) / u128::from(total);
            self.send_up_to(u64::try_from(share).unwrap_or(self.steps));
        }
    }

    fn phase(&self, _name: &str) {}

    fn message(&self, text: &str) {
        self.parent.message(text);
    }
}

/// Why a solve stopped before it finished on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Interrupted {
    /// The cancel token was set.
    #[error("cancelled")]
    Cancelled,
    /// The deadline passed.
    #[error("time limit reached")]
    Deadline,
}

/// Seed, deadline, cancel token, thread budget and progress sink for one run.
#[derive(Clone)]
pub struct SolveContext {
    seed: u64,
    started: Instant,
    deadline: Option<Instant>,
    cancel: CancelToken,
    threads: usize,
    progress: Arc<dyn Progress>,
}

impl fmt::Debug for SolveContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SolveContext")
            .field("seed", &self.seed)
            .field("deadline_in", &self.remaining())
            .field("cancelled", &self.cancel.is_cancelled())
            .field("threads", &self.threads)
            .finish()
    }
}

impl Default for SolveContext {
    fn default() -> Self {
        Self::new(0)
    }
}

impl SolveContext {
    /// A context with the given seed, no deadline, one thread and no progress output.
    /// The clock for [`elapsed`](Self::elapsed) starts now.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            started: Instant::now(),
            deadline: None,
            cancel: CancelToken::new(),
            threads: 1,
            progress: Arc::new(NoProgress),
        }
    }

    /// Sets a time limit counted from when this context was created (the request's start).
    /// It never moves a deadline the context already has later: a [`child`](Self::child)
    /// with its own limit still stops with its run (a job's deadline bounds every solve in
    /// it).
    pub fn with_time_limit(mut self, limit: Duration) -> Self {
        if let Some(end) = self.started.checked_add(limit) {
            self.deadline = Some(self.deadline.map_or(end, |d| d.min(end)));
        }
        self
    }

    /// Shares an existing cancel token (the CLI's Ctrl-C handler, a job's token).
    pub fn with_cancel(mut self, cancel: CancelToken) -> Self {
        self.cancel = cancel;
        self
    }

    /// Sets how many worker threads the solve may use (at least 1).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Sets where progress goes.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Self {
        self.progress = progress;
        self
    }

    /// A context for a sub-solve of this run with its own `seed`: the same deadline, cancel
    /// token, thread budget and progress sink, and a clock for [`elapsed`](Self::elapsed)
    /// that starts now. Stages use it when one run holds several seeded solves (one per
    /// station, per experiment arm) that must still stop together.
    pub fn child(&self, seed: u64) -> Self {
        Self {
            seed,
            started: Instant::now(),
            deadline: self.deadline,
            cancel: self.cancel.clone(),
            threads: self.threads,
            progress: Arc::clone(&self.progress),
        }
    }

    /// This context with its progress narrowed to `steps` of the current sink's total (see
    /// [`ProgressPart`]); call [`ProgressPart::finish`] when the part's work is done.
    pub fn with_progress_part(self, steps: u64) -> (Self, Arc<ProgressPart>) {
        let part = Arc::new(ProgressPart::new(Arc::clone(&self.progress), steps));
        let ctx = self.with_progress(Arc::clone(&part) as Arc<dyn Progress>);
        (ctx, part)
    }

    /// The seed this run was started with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A deterministic RNG for this run. `stream` separates independent consumers (say, one
    /// per parallel worker) so they do not draw the same numbers.
    pub fn rng(&self, stream: u64) -> Pcg64Mcg {
        let mixed = self.seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Pcg64Mcg::seed_from_u64(mixed)
    }

    /// The thread budget.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The cancel token (clone it to hand to sub-tasks).
    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    /// The progress sink.
    pub fn progress(&self) -> &dyn Progress {
        self.progress.as_ref()
    }

    /// Time since the context was created.
    ///
    /// # Units
    /// A [`Duration`].
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time left before the deadline; `None` when there is no deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// How far past its deadline the run is; `None` before the deadline or without one.
    ///
    /// # Units
    /// A [`Duration`].
    pub fn overrun(&self) -> Option<Duration> {
        self.deadline.and_then(|d| Instant::now().checked_duration_since(d))
    }

    /// Whether work should stop now (cancelled or past the deadline).
    pub fn should_stop(&self) -> bool {
        self.check().is_err()
    }

    /// `Err` with the reason when work should stop now.
    ///
    /// # Errors
    /// [`Interrupted::Cancelled`] or [`Interrupted::Deadline`].
    pub fn check(&self) -> Result<(), Interrupted> {
        if self.cancel.is_cancelled() {
            return Err(Interrupted::Cancelled);
        }
        match self.deadline {
            Some(d) if Instant::now() >= d => Err(Interrupted::Deadline),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// Counts what reaches the parent.
    #[derive(Default)]
    struct Tally {
        total: AtomicU64,
        done: AtomicU64,
    }

    impl Progress for Tally {
        fn set_total(&self, total: u64) {
            self.total.store(total, Ordering::Relaxed);
        }
        fn advance(&self, steps: u64) {
            self.done.fetch_add(steps, Ordering::Relaxed);
        }
        fn phase(&self, _name: &str) {}
    }

    #[test]
    fn progress_parts_never_run_past_the_parents_total() {
        let tally = Arc::new(Tally::default());
        let ctx = SolveContext::new(1).with_progress(Arc::clone(&tally) as Arc<dyn Progress>);
        ctx.progress().set_total(3 * 1000);
        for overshoot in [0, 5, 2000] {
            let (part_ctx, part) = ctx.clone().with_progress_part(1000);
            // A solve that sets its own total and overshoots it, or stops early.
            part_ctx.progress().set_total(1000);
            part_ctx.progress().advance(400 + overshoot);
            part_ctx.progress().advance(400 + overshoot);
            part.finish();
            part.finish();
        }
        assert_eq!(tally.total.load(Ordering::Relaxed), 3000);
        assert_eq!(tally.done.load(Ordering::Relaxed), 3000);
    }

    #[test]
    fn a_progress_part_scales_its_own_total_to_its_share() {
        let tally = Arc::new(Tally::default());
        let part = ProgressPart::new(Arc::clone(&tally) as Arc<dyn Progress>, 10);
        part.set_total(1000);
        part.advance(250);
        assert_eq!(tally.done.load(Ordering::Relaxed), 2);
        part.advance(250);
        assert_eq!(tally.done.load(Ordering::Relaxed), 5);
    }

    #[test]
    fn same_seed_same_stream_gives_same_numbers() {
        let a: Vec<u32> = SolveContext::new(7).rng(1).random_iter().take(4).collect();
        let b: Vec<u32> = SolveContext::new(7).rng(1).random_iter().take(4).collect();
        let c: Vec<u32> = SolveContext::new(7).rng(2).random_iter().take(4).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn cancel_is_shared_between_clones() {
        let ctx = SolveContext::new(0);
        let other = ctx.clone();
        assert!(ctx.check().is_ok());
        other.cancel_token().cancel();
        assert_eq!(ctx.check(), Err(Interrupted::Cancelled));
    }

    #[test]
    fn a_time_limit_never_extends_a_deadline() {
        let parent = SolveContext::new(1).with_time_limit(Duration::from_secs(1));
        let child = parent.child(2).with_time_limit(Duration::from_secs(3600));
        assert_eq!(child.deadline, parent.deadline);
        let shorter = parent.child(3).with_time_limit(Duration::ZERO);
        assert!(shorter.deadline < parent.deadline);
        // A limit too far to represent leaves the deadline as it was.
        let far = SolveContext::new(4).with_time_limit(Duration::MAX);
        assert_eq!(far.deadline, None);
    }

    #[test]
    fn child_keeps_deadline_cancel_and_threads_with_a_new_seed() {
        let parent = SolveContext::new(1).with_threads(3).with_time_limit(Duration::from_secs(60));
        let child = parent.child(9);
        assert_eq!((child.seed(), child.threads()), (9, 3));
        assert_eq!(child.deadline, parent.deadline);
        let a: Vec<u32> = child.rng(0).random_iter().take(4).collect();
        let b: Vec<u32> = SolveContext::new(9).rng(0).random_iter().take(4).collect();
        assert_eq!(a, b);
        parent.cancel_token().cancel();
        assert_eq!(child.check(), Err(Interrupted::Cancelled));
        let past = SolveContext::new(0).with_time_limit(Duration::ZERO).child(5);
        assert_eq!(past.check(), Err(Interrupted::Deadline));
    }

    #[test]
    fn zero_time_limit_is_already_past() {
        let ctx = SolveContext::new(0).with_time_limit(Duration::ZERO);
        assert_eq!(ctx.check(), Err(Interrupted::Deadline));
        assert_eq!(ctx.remaining(), Some(Duration::ZERO));
    }
}
