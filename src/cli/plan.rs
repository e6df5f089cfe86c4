//! `stockroute plan <SCENARIO>`: the whole pipeline as one batch run, with a report.
//!
//! ```text
//! stockroute plan <SCENARIO> [--out DIR] [--store stockroute.sqlite] [--seed N]
//!                 [--station ID]... [--iterations N] [--models a,b] [--origins N]
//!                 [--fresh-forecast] [--threads N]
//! ```
//!
//! Validates the scenario (exit 1 with the report if invalid, nothing written), then runs
//! [`stockroute::plan::run_scenario`]: forecast into the store, placement, routing of the
//! delivery day per station. One progress bar per stage on stderr, a summary table on
//! stdout at the end. Writes plan.json, stock.csv, flows.csv, routes.csv, routes.geojson
//! and report.html into `--out` (default `out/<scenario name>`), all reproducible for the
//! same inputs, store and seed, plus run.json (timestamps, stage times: the one file that
//! differs between runs). Exit codes ([`super::exit`]): 0 a checked plan, 1 an invalid
//! scenario or argument, 2 a usage error, 3 a run that failed or a plan that fails a
//! check, 130 Ctrl-C (no output written).

use anyhow::Context;
use clap::Args as ClapArgs;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use stockroute::forecast::ModelKind;
use stockroute::ids::StationId;
use stockroute::plan::{self, PlanOutcome, PlanRequest};
use stockroute::report;
use stockroute::store;
use stockroute::{Progress, SolveContext};

/// Arguments of `stockroute plan`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Scenario folder (validated first; exit 1 with the report if invalid).
    scenario: PathBuf,
    /// Output folder (default: out/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Forecast store (SQLite file, created if missing, or a postgres:// URL).
    #[arg(long, default_value = "stockroute.sqlite")]
    store: PathBuf,
    /// Seed of the routing search.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Route only this station (repeat for several; default: all).
    #[arg(long = "station", value_name = "ID")]
    stations: Vec<String>,
    /// Routing search iterations per station (an iteration budget, not a time limit, so
    /// the routes are reproducible).
    #[arg(long, default_value_t = 20_000)]
    iterations: u64,
    /// Candidate forecast models, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    models: Option<Vec<String>>,
    /// Rolling origins of the forecast model selection.
    #[arg(long, default_value_t = 3)]
    origins: usize,
    /// Forecast again even when the store has a run of the same data and configuration.
    #[arg(long)]
    fresh_forecast: bool,
    /// Worker threads for forecasting and travel matrices (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started_at = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let started = Instant::now();
    let cancel = super::interrupt::cancel_on_ctrl_c()?;
    let scn = match super::load_scenario(&args.scenario)? {
        Ok(scn) => scn,
        Err(code) => return Ok(code),
    };
    let validate_s = started.elapsed().as_secs_f64();
    eprintln!(
        "scenario {}: {} centres, {} stations, {} zones, {} SKUs, {} demand rows, {} orders",
        scn.name,
        scn.centres.len(),
        scn.stations.len(),
        scn.zones.len(),
        scn.skus.len(),
        scn.demand.len(),
        scn.orders.len()
    );
    let out = args.out.clone().unwrap_or_else(|| Path::new("out").join(&scn.name));
    let mut request = PlanRequest::new(&args.scenario).with_seed(args.seed);
    request.routing.stations = args.stations.iter().map(StationId::new).collect();
    request.routing.max_iterations = args.iterations;
    request.forecast.origins = args.origins;
    request.forecast.reuse = !args.fresh_forecast;
    if let Some(models) = &args.models {
        request.forecast.models =
            Some(models.iter().map(|m| m.parse::<ModelKind>()).collect::<Result<_, _>>()?);
    }
    let threads =
        args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let bars = Arc::new(StageBars::default());
    let ctx = SolveContext::new(args.seed)
        .with_threads(threads)
        .with_progress(bars.clone())
        .with_cancel(cancel.clone());
    let store = store::open(&args.store)
        .with_context(|| format!("opening store {}", store::describe(&args.store)))?;
    let outcome = plan::run_scenario(&scn, &request, &store, &ctx);
    bars.finish();
    let outcome = match outcome {
        Err(e) if e.is_interrupted() || cancel.is_cancelled() => {
            return Ok(super::interrupt::interrupted());
        }
        other => other?,
    };
    let files = report::plan::write_outputs(&outcome, &out)?;
    let mut stages = vec![("validate".to_owned(), validate_s)];
    stages.extend(bars.times());
    let run_info = serde_json::json!({
        "started_at": started_at,
        "finished_at": chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()),
        "seconds": started.elapsed().as_secs_f64(),
        "stage_seconds": stages.iter().map(|(n, s)| serde_json::json!({"stage": n, "seconds": s})).collect::<Vec<_>>(),
        "store": store::describe(&args.store),
        "threads": threads,
        "forecast_run": outcome.forecast.run_id,
        "forecast_reused": outcome.forecast.reused,
        "request": request,
        "files": files,
    });
    let run_json = out.join("run.json");
    std::fs::write(&run_json, serde_json::to_string_pretty(&run_info)? + "\n")
        .with_context(|| format!("writing {}", run_json.display()))?;
    print_summary(&outcome, &stages, &out);
    let bad_routes = outcome.routing.stations.iter().any(|s| !s.check_violations.is_empty());
    if bad_routes || !outcome.placement.check_violations.is_empty() {
        eprintln!("a check failed: see report.html and plan.json (check_violations)");
        return Ok(ExitCode::from(super::exit::RUN_FAILURE));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(o: &PlanOutcome, stages: &[(String, f64)], out: &Path) {
    let mut w = std::io::stdout().lock();
    let p = &o.placement.report;
    let r = &o.routing;
    let _ = writeln!(w, "plan for {} (seed {})", o.scenario, o.seed);
    let _ = writeln!(
        w,
        "forecast   run {}{}: {} series, {:.0} units over {} periods",
        o.forecast.run_id,
        if o.forecast.reused { " (reused)" } else { "" },
        o.forecast.series,
        o.forecast.forecast_units,
        o.forecast.horizon
    );
    let _ = writeln!(
        w,
        "placement  cost {:.2} {}  fill rate expected {:.4} replayed {:.4}  within promise {:.4}  stock {:.0} units",
        p.kpis.cost.total,
        o.currency,
        o.placement.fill_rate.expected,
        o.placement.fill_rate.replayed,
        p.kpis.within_promise_share,
        p.kpis.stock_units
    );
    let _ = writeln!(
        w,
        "routing    {} of {} orders delivered, {} vehicles, {:.1} km, {:.2} {}",
        r.served, r.orders, r.vehicles, r.distance_km, r.cost, o.currency
    );
    let _ = writeln!(
        w,
        "{:<16} {:<14} {:>5} {:>7} {:>6} {:>6} {:>7} {:>8}",
        "station", "vehicle", "stops", "km", "out", "back", "load %", "cost"
    );
    for st in &r.stations {
        for route in &st.routes {
            let clock = |s: f64| report::clock::clock(s, report::clock::Precision::Minutes);
            let _ = writeln!(
                w,
                "{:<16} {:<14} {:>5} {:>7.1} {:>6} {:>6} {:>7.0} {:>8.2}",
                st.station.as_str(),
                format!("{} #{}", route.vehicle_type, route.vehicle),
                route.stops.len(),
                route.distance_km,
                clock(route.start_s),
                clock(route.end_s),
                route.load_pct,
                route.cost
            );
        }
    }
    for u in &r.unserved {
        let reason = serde_json::to_string(&u.reason).unwrap_or_default();
        let _ = writeln!(w, "not delivered    {}  {reason}", u.order);
    }
    let stage_text: Vec<String> = stages.iter().map(|(n, s)| format!("{n} {s:.2} s")).collect();
    let _ = writeln!(w, "time       {}", stage_text.join(", "));
    let _ = writeln!(
        w,
        "written    {}/{{{}, run.json}}",
        out.display(),
        report::plan::OUTPUT_FILES.join(", ")
    );
}

/// One indicatif bar per stage on stderr (hidden when stderr is not a terminal), then a
/// "done in" line; a phase named again continues the current bar. Records each stage's
/// wall time.
#[derive(Default)]
struct StageBars {
    state: Mutex<Option<(String, Instant, ProgressBar)>>,
    times: Mutex<Vec<(String, f64)>>,
}

impl StageBars {
    fn close(&self, current: &mut Option<(String, Instant, ProgressBar)>) {
        if let Some((name, since, bar)) = current.take() {
            bar.finish_and_clear();
            let seconds = since.elapsed().as_secs_f64();
            eprintln!("{name:>14} done in {seconds:.2} s");
            if let Ok(mut t) = self.times.lock() {
                t.push((name, seconds));
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut current) = self.state.lock() {
            self.close(&mut current);
        }
    }

    fn times(&self) -> Vec<(String, f64)> {
        self.times.lock().map(|t| t.clone()).unwrap_or_default()
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(current) = self.state.lock()
            && let Some((_, _, bar)) = current.as_ref()
        {
            f(bar);
        }
    }
}

impl Progress for StageBars {
    fn set_total(&self, total: u64) {
        self.with_bar(|b| {
            if let Ok(style) =
                ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} {elapsed}")
            {
                b.set_style(style.progress_chars("=> "));
            }
            b.set_length(total);
            b.set_position(0);
        });
    }
    fn advance(&self, steps: u64) {
        self.with_bar(|b| b.inc(steps));
    }
    fn phase(&self, name: &str) {
        let Ok(mut current) = self.state.lock() else { return };
        if current.as_ref().is_some_and(|(n, _, _)| n == name) {
            return;
        }
        self.close(&mut current);
        // A spinner until the stage says how much work it has (`set_total`).
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg:>14} {spinner} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(name.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        *current = Some((name.to_owned(), Instant::now(), bar));
    }
}
