//! Balanced routes in the search: the objective term of
//! [`crate::routing::model::Balance`] on tours, and how much an insertion would grow it.
//!
//! The term is a measure of the whole plan (the longest tour, or the most stops on one
//! tour less the fewest), so it does not split into per-tour costs as distance and time
//! do. The search therefore adds it to the plan's cost ([`Plan::cost`]), which the
//! acceptance compares exactly, and the recreate adds an estimate of its growth to each
//! insertion's cost ([`growth`]), so that stops are steered away from the longest tour
//! instead of being piled on it and undone by rejection. The granular local search prices
//! one or two tours per move and is off with a balance term
//! ([`crate::routing::search`]), as the decomposition is ([`crate::routing::decompose`]).

use crate::routing::compiled::Compiled;
use crate::routing::model::BalanceMeasure;
use crate::routing::plan::{Plan, Tour};

/// What the term measures on the used tours of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Marks {
    /// The longest tour's duration (fixed point).
    pub longest: i64,
    /// The most stops on one tour.
    pub most: usize,
    /// The fewest stops on one used tour (`usize::MAX` without one).
    pub fewest: usize,
}

impl Plan {
    /// The balanced-routes term over the used tours ([`term`]), which [`Plan::cost`]
    /// adds; 0 without a term, in O(1).
    pub fn balance_cost(&self, c: &Compiled) -> f64 {
        if c.balance.is_none() {
            return 0.0;
        }
        term(c, self.marks())
    }

    /// The [`Marks`] of the used (non-empty) tours. O(tours).
    pub fn marks(&self) -> Marks {
        let mut m = Marks { longest: 0, most: 0, fewest: usize::MAX };
        for t in self.tours.iter().filter(|t| !t.stops.is_empty()) {
            m.longest = m.longest.max(t.duration);
            m.most = m.most.max(t.stops.len());
            m.fewest = m.fewest.min(t.stops.len());
        }
        m
    }
}

/// The term for tours with these marks, in internal cost units (0 without a term or
/// without a used tour).
pub(crate) fn term(c: &Compiled, m: Marks) -> f64 {
    let Some((measure, weight)) = c.balance else { return 0.0 };
    match measure {
        BalanceMeasure::MaxDuration => weight * m.longest as f64,
        BalanceMeasure::StopSpread if m.most > 0 => weight * (m.most - m.fewest) as f64,
        BalanceMeasure::StopSpread => 0.0,
    }
}

/// `delta` plus the term's [`growth`] when the plan has [`Marks`] (a balance term), else
/// `delta` itself: one predictable branch per priced place on other problems.
#[inline(always)]
pub(crate) fn with_growth(
    c: &Compiled,
    marks: Option<Marks>,
    delta: f64,
    t: Option<&Tour>,
    kind: u32,
    stop: u32,
    pos: usize,
) -> f64 {
    match marks {
        None => delta,
        Some(m) => delta + growth(c, m, t, kind, stop, pos),
    }
}

/// How much the term grows when `stop` goes at `pos` of tour `t` (`None`: a new tour of
/// `kind`), from the plan's marks `m`: the tour's new duration is estimated from the travel
/// and service the stop adds (waiting aside), a stop count exactly. Never negative (a
/// shrinking spread is not credited), so a bound on an insertion's own cost still prunes.
///
/// # Units
/// Internal cost units.
#[inline(never)]
pub(crate) fn growth(
    c: &Compiled,
    m: Marks,
    t: Option<&Tour>,
    kind: u32,
    stop: u32,
    pos: usize,
) -> f64 {
    let Some((measure, weight)) = c.balance else { return 0.0 };
    let s = stop as usize;
    let u = c.loc[s];
    match (measure, t) {
        (BalanceMeasure::MaxDuration, Some(t)) => {
            let (a, b) = (t.locs[pos], t.locs[pos + 1]);
            let added = i64::from(c.kt(kind, a, u)) + i64::from(c.kt(kind, u, b))
                - i64::from(c.kt(kind, a, b))
                + c.service[s];
            weight * (t.duration + added - m.longest).max(0) as f64
        }
        (BalanceMeasure::MaxDuration, None) => {
            let k = &c.kinds[kind as usize];
            let alone = i64::from(c.kt(kind, k.start_loc, u))
                + c.service[s]
                + i64::from(c.kt(kind, u, k.end_loc));
            weight * (alone - m.longest).max(0) as f64
        }
        (BalanceMeasure::StopSpread, Some(t)) => weight * f64::from(t.stops.len() + 1 > m.most),
        // A one-stop tour becomes the fewest: the spread grows by what the fewest had
        // above one (nothing when no tour is used yet).
        (BalanceMeasure::StopSpread, None) if m.most > 0 => weight * (m.fewest - 1) as f64,
        (BalanceMeasure::StopSpread, None) => 0.0,
    }
}
