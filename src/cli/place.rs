//! `stockroute place <SCENARIO>`: place stock for a scenario from a stored forecast run.
//!
//! ```text
//! stockroute place <SCENARIO> [--run ID] [--store stockroute.sqlite] [--out placement]
//!                  [--k 3] [--cycle PERIODS] [--time-limit-s S]
//! ```
//!
//! Without `--run`, the newest run in the store is used whose data fingerprint equals that
//! of the scenario's demand history (a forecast of this very scenario); if none does, the
//! newest run of all, with a warning. The stage is [`placement::place`] (demand: means and
//! P90s summed over the first `--cycle` periods, road distances, LP, check). Writes `plan.json`, `stock.csv`
//! and `flows.csv` into `--out` and prints the KPIs. When the scenario has a road extract,
//! centre -> zone distances follow the roads wherever both ends lie on the road graph
//! ([`placement::road_distances`]); the ends outside it are named on stderr and keep the
//! straight-line distance (`--no-roads` uses straight lines throughout). Exit codes: 0 a checked plan, 1 an
//! invalid scenario or argument, 2 a usage error, 3 a run that failed or a plan that fails
//! `placement::check`, 130 Ctrl-C (nothing written).

use anyhow::{Context, bail};
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use stockroute::forecast::History;
use stockroute::ids::RunId;
use stockroute::placement::{
    self, OffRoad, PlaceOptions, PlacementOptions, PlacementReport, RoadCoverage,
};
use stockroute::roads::graph::{RoadGraph, RoadOptions};
use stockroute::scenario;
use stockroute::store::{self, ForecastStore, RunInfo, Store};
use stockroute::{Interrupted, SolveContext};

/// Arguments of `stockroute place`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Scenario folder (validated first; exit 1 with the report if invalid).
    scenario: PathBuf,
    /// Forecast run id (default: the newest run of this scenario's data, else the newest).
    #[arg(long)]
    run: Option<String>,
    /// Forecast store (SQLite file, or a postgres:// URL).
    #[arg(long, default_value = "stockroute.sqlite")]
    store: PathBuf,
    /// Output folder for plan.json, stock.csv and flows.csv (created if missing).
    #[arg(long, default_value = "placement")]
    out: PathBuf,
    /// Each zone may be served by its k nearest centres.
    #[arg(long, default_value_t = 3)]
    k: usize,
    /// Periods the stock must cover (default: the scenario's horizon, at most the run's).
    #[arg(long)]
    cycle: Option<f64>,
    /// Solver time limit in seconds.
    #[arg(long)]
    time_limit_s: Option<f64>,
    /// Ignore the scenario's road extract: straight-line (haversine) distances only.
    #[arg(long)]
    no_roads: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let cancel = super::interrupt::cancel_on_ctrl_c()?;
    let scn = match super::load_scenario(&args.scenario)? {
        Ok(scn) => scn,
        Err(code) => return Ok(code),
    };
    if store::postgres_url(&args.store).is_none() && !args.store.exists() {
        bail!("store {} does not exist: run `stockroute forecast` first", args.store.display());
    }
    let store = store::open(&args.store)?;
    let info = pick_run(&store, &args, &scn)?;
    let rows = store.read_run(&info.id)?;
    let demand = store::forecast_demand(&info, &rows);
    let cycle =
        args.cycle.unwrap_or_else(|| scn.horizon_periods.min(info.run.horizon as u32).into());
    let options = PlaceOptions {
        placement: PlacementOptions { cycle_periods: cycle, ..PlacementOptions::default() }
            .with_k_nearest(args.k),
        solve_time_limit: None,
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut ctx = SolveContext::new(0).with_cancel(cancel.clone()).with_threads(threads);
    if let Some(s) = args.time_limit_s {
        ctx = ctx.with_time_limit(super::route::seconds(s));
    }
    let graph = match scn.roads.as_ref().filter(|_| !args.no_roads) {
        Some(roads) => Some(
            RoadGraph::from_pbf(roads, &RoadOptions::default())
                .with_context(|| format!("road extract {}", roads.display()))?,
        ),
        None => None,
    };
    let placed = match placement::place(&scn, &demand, graph.as_ref(), &options, &ctx) {
        Err(placement::PlacementError::Interrupted(Interrupted::Cancelled)) => {
            return Ok(super::interrupt::interrupted());
        }
        other => other?,
    };
    if let Some(coverage) = &placed.coverage {
        report_coverage(coverage);
    }
    if cancel.is_cancelled() {
        return Ok(super::interrupt::interrupted());
    }
    write_outputs(&args.out, &placed.report.clone().pruned())?;
    print_kpis(
        &placed.report,
        &info.id,
        placed.input.demand.len(),
        cycle,
        started.elapsed().as_secs_f64(),
        placed.result.stats.solver_s,
    );
    if !placed.verdict.is_feasible() {
        eprintln!("placement check failed: {:?}", placed.verdict.violations);
        return Ok(ExitCode::from(super::exit::RUN_FAILURE));
    }
    Ok(ExitCode::SUCCESS)
}

/// Says on stderr which distances follow the roads and which ends stay straight-line.
fn report_coverage(coverage: &RoadCoverage) {
    eprintln!(
        "road distances: {} centre -> zone pair(s) on the road graph",
        coverage.distances.len()
    );
    if coverage.outside.is_empty() {
        return;
    }
    let names: Vec<String> = coverage
        .outside
        .iter()
        .map(|o| match o {
            OffRoad::Centre(id) => format!("centre {id}"),
            OffRoad::Zone(id) => format!("zone {id}"),
        })
        .collect();
    eprintln!(
        "outside the road extract (straight-line distances for their pairs): {}",
        names.join(", ")
    );
}

/// The run named by `--run`, else the newest of this scenario's data, else the newest.
fn pick_run(store: &Store, args: &Args, scn: &scenario::Scenario) -> anyhow::Result<RunInfo> {
    if let Some(id) = &args.run {
        return store
            .run_info(&RunId::new(id.clone()))
            .with_context(|| format!("forecast run {id} in {}", store::describe(&args.store)));
    }
    let runs = store.list_runs()?;
    let Some(newest) = runs.first() else {
        bail!(
            "store {} has no forecast run: run `stockroute forecast {}` first",
            store::describe(&args.store),
            args.scenario.display()
        );
    };
    let fingerprint = History::from_scenario(scn).map(|h| h.fingerprint());
    if let Some(own) = runs.iter().find(|r| Some(&r.run.data_fingerprint) == fingerprint.as_ref()) {
        return Ok(own.clone());
    }
    eprintln!(
        "warning: no run of this scenario's demand in {}; using the newest run {}",
        store::describe(&args.store),
        newest.id
    );
    Ok(newest.clone())
}

fn write_outputs(out: &Path, report: &PlacementReport) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let plan = out.join("plan.json");
    std::fs::write(&plan, serde_json::to_string_pretty(report)? + "\n")
        .with_context(|| format!("writing {}", plan.display()))?;
    let stock = out.join("stock.csv");
    let mut w = csv::Writer::from_path(&stock).with_context(|| format!("{}", stock.display()))?;
    w.write_record(["sku", "centre", "units"])?;
    for s in &report.stock {
        w.write_record([s.sku.as_str(), s.centre.as_str(), &format!("{:.6}", s.units)])?;
    }
    w.flush()?;
    let flows = out.join("flows.csv");
    let mut w = csv::Writer::from_path(&flows).with_context(|| format!("{}", flows.display()))?;
    w.write_record(["sku", "zone", "centre", "units"])?;
    for f in &report.flows {
        w.write_record([
            f.sku.as_str(),
            f.zone.as_str(),
            f.centre.as_str(),
            &format!("{:.6}", f.units),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn print_kpis(
    report: &PlacementReport,
    run: &RunId,
    pairs: usize,
    cycle: f64,
    total_s: f64,
    solver_s: f64,
) {
    let k = &report.kpis;
    let c = &k.cost;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "forecast run      {run}");
    let _ = writeln!(
        out,
        "demand            {pairs} (sku, zone) pairs, {:.0} units over {cycle} periods",
        k.demand_units
    );
    let _ = writeln!(out, "objective         {:.2}", report.objective);
    let _ = writeln!(
        out,
        "cost              holding {:.2}  transport {:.2}  late {:.2}  lost sales {:.2}  total {:.2}",
        c.holding, c.transport, c.late, c.lost_sales, c.total
    );
    let _ = writeln!(out, "within promise    {:.4}", k.within_promise_share);
    let _ = writeln!(out, "fill rate         {:.4}", k.expected_fill_rate);
    let _ = writeln!(out, "stock units       {:.0}", k.stock_units);
    if let placement::ShadowPriceSource::Unavailable { reason } = k.shadow_prices {
        let _ = writeln!(out, "shadow prices     unavailable: {reason}");
    }
    let _ = writeln!(out, "{:<18} {:>14} {:>16}", "centre", "storage/m3", "throughput/unit");
    for p in &report.shadow_prices {
        let _ = writeln!(
            out,
            "{:<18} {:>14.4} {:>16.6}",
            p.centre.as_str(),
            p.storage_per_m3,
            p.throughput_per_unit
        );
    }
    let _ = writeln!(out, "time              {total_s:.2} s total, {solver_s:.2} s in the solver");
}
