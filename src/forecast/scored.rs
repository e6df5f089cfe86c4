//! What the selection's first pass learns about one series ([`Scored`]): read by the
//! pipeline ([`super::engine`]), which makes it, and by the summary of the selection
//! ([`super::summary`]). Its own file so that neither reads the other for it.

use super::backtest::OriginRecord;
use super::select::DemandClass;

/// What the first pass learns about one series.
pub(super) struct Scored {
    /// Whether the series is eligible at the origin (modelled, and scored in evaluations).
    pub(super) eligible: bool,
    /// Backtest errors per candidate; `None` when not eligible or too short to backtest.
    pub(super) scores: Option<Vec<f64>>,
    /// What each backtest origin showed (empty without scores).
    pub(super) records: Vec<OriginRecord>,
    /// Actual horizon totals summed over the origins (0 without scores).
    pub(super) actual: f64,
    /// Its demand class.
    pub(super) class: DemandClass,
}
