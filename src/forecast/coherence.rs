//! Hierarchical forecasts inside the pipeline: base forecasts for the aggregate nodes, the
//! chosen reconciliation, and the evaluation of every reconciliation at every level.
//!
//! Aggregate nodes (zone totals, SKU totals, the grand total) are summed from the bottom
//! history on the common grid and forecast with one model (`aggregate_model`, the
//! combination by default: aggregates are smooth and trend more than single series).

use super::hierarchy::{Aggregates, Hierarchy, Reconciliation};
use super::models::{ModelKind, ModelSettings};
use super::series::History;
use serde::{Deserialize, Serialize};

/// The accuracy of one reconciliation at one level of the hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelReport {
    /// The reconciliation.
    pub method: Reconciliation,
    /// `bottom` (eligible series only), `zone`, `sku` or `total`.
    pub level: String,
    /// Nodes scored.
    pub nodes: u64,
    /// WAPE of horizon totals over the level's nodes.
    pub total_wape: f64,
    /// WAPE per period.
    pub period_wape: f64,
}

/// Base forecasts of every aggregate node from the history before `cut`. `hierarchy` must
/// have been built from the history's series in order.
pub fn aggregate_base(
    history: &History,
    hierarchy: &Hierarchy,
    cut: usize,
    horizon: usize,
    model: ModelKind,
    settings: &ModelSettings,
) -> Aggregates {
    let mut total = vec![0.0; cut];
    let mut zones = vec![vec![0.0; cut]; hierarchy.zones().len()];
    let mut skus = vec![vec![0.0; cut]; hierarchy.skus().len()];
    let mut buf = Vec::new();
    for i in 0..history.len() {
        let start = history.dense(i, cut, &mut buf);
        let (z, s) = (hierarchy.zone_of(i), hierarchy.sku_of(i));
        for (k, &v) in buf.iter().enumerate() {
            total[start + k] += v;
            zones[z][start + k] += v;
            skus[s][start + k] += v;
        }
    }
    let m = model.build(settings);
    let fc = |y: &Vec<f64>| {
        let first = y.iter().position(|&v| v > 0.0).unwrap_or(y.len());
        m.forecast(&y[first..], horizon)
    };
    Aggregates {
        total: fc(&total),
        zones: zones.iter().map(fc).collect(),
        skus: skus.iter().map(fc).collect(),
    }
}

fn wape(
    forecast: &[Vec<f64>],
    actual: &[Vec<f64>],
    keep: impl Fn(usize) -> bool,
) -> (u64, f64, f64) {
    let (mut n, mut tot_err, mut per_err, mut sum_a) = (0u64, 0.0, 0.0, 0.0);
    for (i, (f, a)) in forecast.iter().zip(actual).enumerate() {
        if !keep(i) {
            continue;
        }
        n += 1;
        tot_err += (f.iter().sum::<f64>() - a.iter().sum::<f64>()).abs();
        per_err += f.iter().zip(a).map(|(f, a)| (f - a).abs()).sum::<f64>();
        sum_a += a.iter().sum::<f64>();
    }
    (n, tot_err / sum_a, per_err / sum_a)
}

/// Scores every reconciliation at every level against the actuals.
pub fn evaluate_levels(
    hierarchy: &Hierarchy,
    bottom: &[Vec<f64>],
    actual: &[Vec<f64>],
    eligible: &[bool],
    base: &Aggregates,
    horizon: usize,
) -> Vec<LevelReport> {
    let actual_agg = hierarchy.bottom_up(actual, horizon);
    let mut out = Vec::new();
    for method in [Reconciliation::BottomUp, Reconciliation::Ols, Reconciliation::WlsStructural] {
        let rec = hierarchy.reconcile(method, bottom, base, horizon);
        let agg = hierarchy.bottom_up(&rec, horizon);
        let levels = [
            ("bottom", wape(&rec, actual, |i| eligible[i])),
            ("zone", wape(&agg.zones, &actual_agg.zones, |_| true)),
            ("sku", wape(&agg.skus, &actual_agg.skus, |_| true)),
            (
                "total",
                wape(
                    std::slice::from_ref(&agg.total),
                    std::slice::from_ref(&actual_agg.total),
                    |_| true,
                ),
            ),
        ];
        for (level, (nodes, total_wape, period_wape)) in levels {
            out.push(LevelReport {
                method,
                level: level.to_owned(),
                nodes,
                total_wape,
                period_wape,
            });
        }
    }
    out
}
