//! Forecasting end to end: history file -> engine -> store -> CLI.

use proptest::prelude::*;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use stockroute::SolveContext;
use stockroute::forecast::{
    self, ForecastConfig, ForecastError, Frequency, History, HistoryOptions, ModelKind,
    ModelSettings,
};
use stockroute::store::{ForecastStore, SqliteStore};

/// A deterministic sparse daily history: `skus` x 2 zones over `days` days from 2024-01-01.
fn write_history(path: &Path, skus: usize, days: u64) {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "date,sku,zone,quantity").unwrap();
    let mut state: u64 = 42;
    for d in 0..days {
        let date = start + chrono::Days::new(d);
        for s in 0..skus {
            for zone in ["north", "south"] {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let u = (state >> 33) as f64 / (1u64 << 31) as f64;
                if u < 0.15 + 0.05 * (s % 4) as f64 {
                    writeln!(f, "{date},SKU{s:03},{zone},{}", 1 + (state >> 60) % 6).unwrap();
                }
            }
        }
    }
}

fn history(dir: &Path, skus: usize, days: u64) -> History {
    let path = dir.join("history.csv");
    write_history(&path, skus, days);
    History::read_csv(&path, &HistoryOptions::default()).unwrap()
}

#[test]
fn forecasts_every_series_and_is_deterministic_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let h = history(dir.path(), 12, 200);
    let config = ForecastConfig::new(Frequency::Daily, 14);
    let one = forecast::forecast(&h, &config, &SolveContext::new(0).with_threads(1)).unwrap();
    let two = forecast::forecast(&h, &config, &SolveContext::new(0).with_threads(2)).unwrap();
    assert_eq!(one, two);
    assert_eq!(one.series.len(), h.len());
    let chosen: u64 = one.selection.models.iter().map(|m| m.chosen_for).sum();
    assert_eq!(chosen as usize, h.len());
    assert!(one.selection.series_backtested > 0);
    assert!(one.selection.selected_total_wape.is_finite());
    assert_eq!(one.start, chrono::NaiveDate::from_ymd_opt(2024, 7, 19).unwrap());
    for s in &one.series {
        assert_eq!(s.mean.len(), 14);
        for i in 0..14 {
            assert!(s.mean[i].is_finite() && s.mean[i] >= 0.0);
            assert!(s.p50[i] <= s.p90[i] + 1e-12, "{}: p50 above p90", s.sku);
        }
    }
}

#[test]
fn backtest_scores_every_candidate_on_the_held_out_window() {
    let dir = tempfile::tempdir().unwrap();
    let h = history(dir.path(), 12, 240);
    let config = ForecastConfig::new(Frequency::Daily, 28);
    let report = forecast::backtest(&h, &config, 28, &SolveContext::new(0)).unwrap();
    assert_eq!(report.models.len(), config.candidates.len());
    assert_eq!(report.selected.series, 24);
    let chosen: u64 = report.models.iter().map(|m| m.chosen_for).sum();
    assert_eq!(chosen, 24);
    for m in &report.models {
        assert!(m.metrics.total_wape.is_finite(), "{}", m.model);
        assert!((0.0..=1.0).contains(&m.metrics.coverage_p90));
    }
    // The selection picks among the candidates, so it is no worse than the worst of them.
    let worst = report.models.iter().map(|m| m.metrics.total_wape).fold(0.0, f64::max);
    assert!(report.selected.total_wape <= worst + 1e-12);
    // Three reconciliations x four levels; bottom-up leaves the bottom level as selected.
    assert_eq!(report.hierarchy.len(), 12);
    let bu_bottom = &report.hierarchy[0];
    assert_eq!(bu_bottom.level, "bottom");
    assert!((bu_bottom.total_wape - report.selected.total_wape).abs() < 1e-9);
    let err = forecast::backtest(&h, &config, 10, &SolveContext::new(0)).unwrap_err();
    assert!(matches!(err, ForecastError::HistoryTooShort { .. }));
}

#[test]
fn reconciled_forecasts_stay_non_negative_and_move_towards_the_aggregates() {
    let dir = tempfile::tempdir().unwrap();
    let h = history(dir.path(), 8, 150);
    let mut config = ForecastConfig::new(Frequency::Daily, 7);
    let base = forecast::forecast(&h, &config, &SolveContext::new(0)).unwrap();
    config.reconciliation = forecast::hierarchy::Reconciliation::WlsStructural;
    let rec = forecast::forecast(&h, &config, &SolveContext::new(0)).unwrap();
    assert_eq!(rec.series.len(), base.series.len());
    let mut changed = false;
    for (r, b) in rec.series.iter().zip(&base.series) {
        assert_eq!((&r.sku, &r.zone), (&b.sku, &b.zone));
        assert!(r.mean.iter().all(|v| v.is_finite() && *v >= 0.0));
        changed |= r.mean.iter().zip(&b.mean).any(|(x, y)| (x - y).abs() > 1e-9);
    }
    assert!(changed, "reconciliation against independent aggregate forecasts moves something");
}

#[test]
fn a_cancelled_context_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let h = history(dir.path(), 4, 100);
    let ctx = SolveContext::new(0);
    ctx.cancel_token().cancel();
    let err = forecast::forecast(&h, &ForecastConfig::new(Frequency::Daily, 7), &ctx).unwrap_err();
    assert!(matches!(err, ForecastError::Interrupted(_)));
}

#[test]
fn cli_forecast_stores_a_run_writes_csv_and_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("demand.csv");
    write_history(&history, 5, 120);
    let store = dir.path().join("s.sqlite");
    let out = dir.path().join("f.csv");
    let run = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["forecast", "--history", history.to_str().unwrap(), "--horizon", "7"])
        .args(["--store", store.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let id = String::from_utf8(run.stdout).unwrap().trim().to_owned();
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("sku,zone,date,mean,p50,p90,p50_cum,p90_cum"));
    assert_eq!(lines.count(), 10 * 7);
    let s = SqliteStore::open(&store).unwrap();
    let stored = s.read_run(&stockroute::ids::RunId::new(id.clone())).unwrap();
    assert_eq!(stored.len(), 70);
    let info = s.run_info(&stockroute::ids::RunId::new(id.clone())).unwrap();
    assert!(info.run.metrics["selected_total_wape"].is_number(), "{}", info.run.metrics);
    assert_eq!(info.run.model_config["horizon"], 7);
    let listed = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["runs", "--store", store.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(listed.status.success());
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id));
}

#[test]
fn cli_reports_bad_rows_by_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "date,sku,region,quantity\n2024-01-01,A,UK,1\n2024-01-02,A,UK,x\n")
        .unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_stockroute"))
        .args(["forecast", "--history", path.to_str().unwrap(), "--zone-column", "region"])
        .args(["--horizon", "7", "--store", dir.path().join("s.sqlite").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("line 3") && stderr.contains("`quantity`"), "{stderr}");
    assert!(!dir.path().join("s.sqlite").exists(), "nothing is stored for bad input");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every model gives finite, non-negative forecasts; the averaging and intermittent ones
    /// never exceed the largest value seen.
    #[test]
    fn models_stay_in_range(y in prop::collection::vec(
        prop_oneof![3 => Just(0.0), 1 => 0.0f64..500.0], 1..150)) {
        let max = y.iter().copied().fold(0.0, f64::max);
        for kind in ModelKind::ALL {
            let f = kind.build(&ModelSettings::default()).forecast(&y, 10);
            prop_assert_eq!(f.len(), 10);
            for v in &f {
                prop_assert!(v.is_finite() && *v >= 0.0, "{}: {}", kind, v);
                if !matches!(kind, ModelKind::Ets | ModelKind::Combination) {
                    prop_assert!(*v <= max * (1.0 + 1e-9), "{}: {} > max {}", kind, v, max);
                }
            }
        }
    }
}

/// The in-repository sample of the shared demand file (its France and Germany rows, see
/// `data/demand/README.md`) reads as that README counts it: 2,779 series, 173,522 units,
/// 2010-12-01 .. 2011-10-14; its fingerprint is stable.
#[test]
fn the_demand_sample_reads_as_its_readme_counts_it() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demand/online_retail_fr_de.csv");
    let options = HistoryOptions { zone_column: "region".into(), frequency: Frequency::Daily };
    let h = History::read_csv(&path, &options).unwrap();
    assert_eq!(h.len(), 2_779);
    assert_eq!(h.periods(), 318);
    assert_eq!(h.total_units(), 173_522.0);
    assert_eq!(h.period_start(0), chrono::NaiveDate::from_ymd_opt(2010, 12, 1).unwrap());
    assert_eq!(h.period_start(318), chrono::NaiveDate::from_ymd_opt(2011, 10, 15).unwrap());
    assert_eq!(h.fingerprint(), History::read_csv(&path, &options).unwrap().fingerprint());
}

/// Issue 19: a history that never sells on a Saturday gets a Saturday forecast of 0, even
/// from a level model (the backtest still chooses the model; the weekday profile shapes it).
#[test]
fn r19_saturdays_without_history_are_forecast_as_zero() {
    use chrono::Datelike;
    let mut b = forecast::HistoryBuilder::new();
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut state: u64 = 19;
    for d in 0..26 * 7 {
        let date = start + chrono::Days::new(d);
        for s in 0..4 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let sells = !(state >> 33).is_multiple_of(3);
            if date.weekday() != chrono::Weekday::Sat && sells {
                b.push(date, &format!("SKU{s}"), "north", 1.0 + ((state >> 60) % 5) as f64);
            }
        }
    }
    let history = b.finish(Frequency::Daily).unwrap();
    for candidates in [vec![ModelKind::WindowAverage], ModelKind::ALL.to_vec()] {
        let mut config = ForecastConfig::new(Frequency::Daily, 21);
        config.candidates = candidates;
        let set = forecast::forecast(&history, &config, &SolveContext::new(1)).unwrap();
        let mut saturdays = 0;
        for s in &set.series {
            for h in 0..set.horizon {
                if set.period_start(h).weekday() == chrono::Weekday::Sat {
                    saturdays += 1;
                    assert_eq!((s.mean[h], s.p90[h]), (0.0, 0.0), "{} on {}", s.sku, h);
                } else {
                    assert!(s.mean[h] > 0.0, "{} on {h}", s.sku);
                }
            }
        }
        assert_eq!(saturdays, 4 * 3);
    }
}

/// A daily history whose demand grows: `series` series in one zone over `days` days, each
/// selling on about half the days, sizes rising from 2 to 8 units over the span, so every
/// level model trails it (a consistent low bias). `scale_after` multiplies the quantities
/// from that day on.
fn growing_history(series: usize, days: u64, scale_after: u64, scale: f64) -> History {
    let mut b = forecast::HistoryBuilder::new();
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut state: u64 = 18;
    for d in 0..days {
        for s in 0..series {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if (state >> 33).is_multiple_of(2) {
                let size =
                    (2.0 + 6.0 * d as f64 / days as f64).round() + ((state >> 60) % 3) as f64;
                let q = if d >= scale_after { (size * scale).round() } else { size };
                b.push(start + chrono::Days::new(d), &format!("SKU{s:03}"), "north", q);
            }
        }
    }
    b.finish(Frequency::Daily).unwrap()
}

/// Issue 18: the bias correction of a backtest is fitted on the selection's origins only,
/// so changing the held-out window changes the scores but not the correction.
#[test]
fn r18_the_bias_correction_does_not_see_the_held_out_window() {
    let (days, holdout) = (280, 28);
    let plain = growing_history(40, days, days, 1.0);
    let changed = growing_history(40, days, days - holdout as u64, 3.0);
    let mut config = ForecastConfig::new(Frequency::Daily, 28);
    config.candidates = vec![ModelKind::WindowAverage, ModelKind::Tsb];
    let ctx = SolveContext::new(0);
    let a = forecast::backtest(&plain, &config, holdout, &ctx).unwrap();
    let b = forecast::backtest(&changed, &config, holdout, &ctx).unwrap();
    assert_ne!(a.selected.total_wape, b.selected.total_wape, "the held-out data differ");
    assert_eq!(a.bias_factors, b.bias_factors);
    // The history grows, so the correction is real: some class is scaled up.
    assert!(a.bias_factors.iter().any(|f| f.factor > 1.0), "{:?}", a.bias_factors);
    // And it moves the selection's bias towards zero on the held-out window.
    config.bias_correction = forecast::BiasCorrection::None;
    let raw = forecast::backtest(&plain, &config, holdout, &ctx).unwrap();
    assert!(raw.bias_factors.iter().all(|f| f.factor == 1.0));
    assert!(raw.selected.bias < 0.0, "{}", raw.selected.bias);
    assert!(
        a.selected.bias.abs() < raw.selected.bias.abs(),
        "{} vs {}",
        a.selected.bias,
        raw.selected.bias
    );
}

/// Issue 18: a forecast of the Monaco scenario written to and read back from a real SQLite
/// store carries lead-time quantiles (non-decreasing over the horizon, P50 <= P90, above the
/// summed daily P90s for most series), and placement reads its cycle P90 from them.
#[test]
fn r18_monaco_lead_time_quantiles_through_the_store_into_placement() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (scn, _) = stockroute::scenario::load(root.join("data/scenarios/monaco")).unwrap();
    let history = History::from_scenario(&scn).unwrap();
    let horizon = scn.horizon_periods as usize;
    let mut config = ForecastConfig::new(history.frequency(), horizon);
    // The cheap models: the lead-time path is the same for every candidate.
    config.candidates = vec![ModelKind::WindowAverage, ModelKind::Tsb, ModelKind::Adida];
    let dir = tempfile::tempdir().unwrap();
    let db = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let ctx = SolveContext::new(0).with_threads(2);
    let run = stockroute::store::forecast_run::<stockroute::Error>(
        &db,
        &history,
        &config,
        "monaco".into(),
        &ctx,
    )
    .unwrap();
    let rows = db.read_run(&run.id).unwrap();
    assert_eq!(rows.len(), history.len() * horizon);
    let mut by_series: std::collections::BTreeMap<(String, String), Vec<_>> = Default::default();
    for r in &rows {
        assert_eq!(r.cum_quantiles.len(), 2, "{r:?}");
        assert!(r.cum_quantiles[0] <= r.cum_quantiles[1] + 1e-9, "{r:?}");
        by_series.entry((r.sku.to_string(), r.zone.to_string())).or_default().push(r);
    }
    let mut wider = 0;
    for (key, series) in &by_series {
        for w in series.windows(2) {
            assert!(w[0].period < w[1].period, "{key:?}");
            assert!(w[0].cum_quantiles[0] <= w[1].cum_quantiles[0] + 1e-9, "{key:?}");
            assert!(w[0].cum_quantiles[1] <= w[1].cum_quantiles[1] + 1e-9, "{key:?}");
        }
        let last = series.last().unwrap();
        let summed_p90: f64 = series.iter().map(|r| r.quantiles[1]).sum();
        wider += usize::from(last.cum_quantiles[1] > summed_p90);
    }
    // Intermittent series have daily P90s of 0 on most days: the lead-time P90 is above
    // their sum for most series.
    assert!(2 * wider > by_series.len(), "{wider} of {}", by_series.len());
    // The stored rows are the forecast's, cumulative columns included.
    let stored: Vec<_> = stockroute::store::rows_of(&run.set).collect();
    assert_eq!(rows, stored);
    // Placement reads the lead-time P90 at the end of its cycle.
    let info = db.run_info(&run.id).unwrap();
    let demand = stockroute::store::forecast_demand(&info, &rows);
    let options = stockroute::placement::PlacementOptions {
        cycle_periods: 7.0,
        ..stockroute::placement::PlacementOptions::default()
    };
    let input = stockroute::placement::input_from(&scn, &demand, options).unwrap();
    assert!(!input.demand.is_empty());
    let seventh = run.set.period_start(6);
    for d in &input.demand {
        let row = rows
            .iter()
            .find(|r| r.sku == d.sku && r.zone == d.zone && r.period == seventh)
            .unwrap();
        assert!((d.p90_units - row.cum_quantiles[1].max(d.mean_units)).abs() < 1e-9, "{d:?}");
    }
}
