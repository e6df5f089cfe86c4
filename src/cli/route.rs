//! `stockroute route`: solve one instance file and print a one-line JSON summary.
//!
//! With `--roads <PBF>` the JSON request's coordinates are `[lon, lat]` points, snapped onto
//! that OpenStreetMap extract; the arcs are road metres and seconds, from a matrix up to the
//! dense size and from the road oracle above it (`routing::road`: no n x n matrix), and
//! a point that does not snap leaves its stop unserved as unreachable.
//!
//! Ctrl-C stops the search: the best solution so far is reported, exit code 130. While it
//! runs, a bar on stderr shows the share of the budget used and the best cost so far (fed
//! by the solver through the context's progress sink; hidden when stderr is no terminal).

use anyhow::Context as _;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stockroute::roads::graph::{RoadGraph, RoadOptions};
use stockroute::roads::points::MatrixTiming;
use stockroute::roads::snap::DEFAULT_MAX_SNAP_M;
use stockroute::routing::formats::{self, Format, vrplib};
use stockroute::routing::{self, SolverConfig};
use stockroute::{Progress, SolveContext};

/// Instance formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// CVRPLIB / VRPLIB `.vrp`, explicit matrices and time windows included (the ORTEC /
    /// EURO-NeurIPS 2022 `.txt` files need it named).
    Vrplib,
    /// Solomon / Gehring-Homberger text.
    Solomon,
    /// The service's JSON.
    Json,
    /// A Dabia et al. (2013) time-dependent VRPTW file (JSON): solved by the time-dependent
    /// search, `--sol` written as a `solutions.json` entry.
    Dabia,
    /// Li & Lim PDPTW text (pickup-and-delivery pairs).
    Lilim,
    /// VROOM's input JSON: VROOM's output JSON is printed (or written to `--out`);
    /// `--check` evaluates the vehicles' `steps` instead of solving (VROOM's `-c`).
    Vroom,
}

impl FormatArg {
    /// The static reader's format; `None` for the time-dependent Dabia files and VROOM's
    /// JSON, which have their own paths.
    pub(crate) fn static_format(self) -> Option<Format> {
        match self {
            FormatArg::Vrplib => Some(Format::Vrplib),
            FormatArg::Solomon => Some(Format::Solomon),
            FormatArg::Json => Some(Format::Json),
            FormatArg::Lilim => Some(Format::Lilim),
            FormatArg::Dabia | FormatArg::Vroom => None,
        }
    }
}

/// Solve a VRP instance file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The instance file.
    pub file: PathBuf,
    /// Its format (default: from the extension: .vrp, .json, else Solomon).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Time limit in seconds, counted from the start of the command (default: the JSON
    /// request's `time_limit_s`, else 10).
    #[arg(long)]
    pub time_limit_s: Option<f64>,
    /// Seed of the search (default: the JSON request's `seed`, else 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (from 2,000 stops they improve one plan together by decomposition,
    /// below that they run independent searches and the best is kept).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Stop after this many iterations per worker (reproducible runs; the time limit
    /// still applies; default: the JSON request's `max_iterations`, else none).
    #[arg(long)]
    pub max_iterations: Option<u64>,
    /// Solver settings as TOML (fields of `SolverConfig`; unknown fields are refused).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Write the solution in CVRPLIB .sol form here (customers numbered in the instance's
    /// node order without the depots: node - 1 for a VRPLIB file with its depot at node 1;
    /// with `--format lilim`, each route's task ids as in the Li & Lim file).
    #[arg(long)]
    pub sol: Option<PathBuf>,
    /// Route on this road extract (.osm.pbf): the JSON request's coordinates are
    /// `[lon, lat]`, snapped onto its roads (matrix or road oracle, by size).
    #[arg(long)]
    pub roads: Option<PathBuf>,
    /// Departure hour (0-23) of the road travel times, with `--roads`.
    #[arg(long, default_value_t = 8)]
    pub departure_hour: u8,
    /// With `--format vroom`: evaluate the routes given as the vehicles' `steps` and report
    /// every violation instead of solving (VROOM's `-c`).
    #[arg(long)]
    pub check: bool,
    /// Write the answer here: VROOM's with `--format vroom` (instead of printing it),
    /// else the service's JSON answer (`POST /v1/routes`' shape: every route's stops,
    /// distance, duration, breaks and reloads, and the unserved stops with reasons).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    if matches!(args.format, Some(FormatArg::Vroom)) {
        if args.sol.is_some() || args.config.is_some() {
            anyhow::bail!("--format vroom takes neither --sol nor --config (see --out)");
        }
        let vroom = super::route_vroom::VroomArgs {
            file: &args.file,
            check: args.check,
            roads: args.roads.as_ref(),
            departure_hour: args.departure_hour,
            threads: args.threads,
            limit: seconds(args.time_limit_s.unwrap_or(10.0)),
            seed: args.seed.unwrap_or(0),
            max_iterations: args.max_iterations,
            out: args.out.as_ref(),
        };
        return super::route_vroom::run(&vroom, started);
    }
    if args.check {
        anyhow::bail!("--check goes with --format vroom");
    }
    let format = match args.format.map(FormatArg::static_format) {
        Some(Some(format)) => format,
        Some(None) => {
            if args.roads.is_some() || args.config.is_some() || args.out.is_some() {
                anyhow::bail!("--format dabia takes neither --roads nor --config nor --out");
            }
            let td = super::route_td::TdArgs {
                file: &args.file,
                limit: seconds(args.time_limit_s.unwrap_or(10.0)),
                seed: args.seed.unwrap_or(0),
                max_iterations: args.max_iterations,
                sol: args.sol.as_ref(),
            };
            return super::route_td::run(&td, started);
        }
        None => Format::from_path(&args.file),
    };
    let request = match &args.roads {
        Some(pbf) => on_roads(&args, pbf)?,
        None => formats::read(&args.file, format)?,
    };
    let limit = args.time_limit_s.or(request.time_limit_s).unwrap_or(10.0);
    let limit = seconds(limit);
    // The budget counts from the command's start: reading the file is part of it.
    let ctx = SolveContext::new(args.seed.or(request.seed).unwrap_or(0))
        .with_time_limit(limit.saturating_sub(started.elapsed()))
        .with_threads(args.threads)
        .with_cancel(super::interrupt::cancel_on_ctrl_c()?);
    let bar = Arc::new(SearchBar::new());
    let ctx = ctx.with_progress(bar.clone());
    let problem = request.problem;
    let base = solver_config(args.config.as_deref())?;
    let config = SolverConfig {
        max_iterations: args.max_iterations.or(request.max_iterations).or(base.max_iterations),
        ..base
    };
    let solved = routing::solve_checked(&problem, &config, &ctx);
    bar.0.finish_and_clear();
    let routing::CheckedSolution { solution, verdict: report } = solved?;
    if let Some(path) = &args.sol {
        let text = match format {
            Format::Lilim => formats::lilim::write_sol(&problem, &solution),
            _ => vrplib::write_sol(&solution),
        };
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.out {
        let answer = serde_json::to_string_pretty(&formats::json::to_json(&problem, &solution))?;
        std::fs::write(path, answer).with_context(|| format!("writing {}", path.display()))?;
    }
    let summary = serde_json::json!({
        "instance": problem.name,
        "cost": solution.cost,
        "distance": solution.distance,
        "routes": solution.vehicles(),
        "unserved": solution.unserved.len(),
        "seconds": started.elapsed().as_secs_f64(),
        "iterations": solution.stats.iterations,
        "stop_reason": solution.stats.stop_reason,
        "feasible": report.is_ok(),
    });
    println!("{summary}");
    if ctx.cancel_token().is_cancelled() {
        // The search is anytime: the best solution so far was reported above.
        return Ok(super::interrupt::interrupted());
    }
    if !report.is_ok() {
        let n = report.violations.len();
        let first: Vec<_> = report.violations.iter().take(5).collect();
        eprintln!("checker: {n} violations, first: {first:?}");
        return Ok(ExitCode::from(super::exit::RUN_FAILURE));
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON request of `args.file` with its `[lon, lat]` coordinates snapped onto the
/// roads of `pbf`.
fn on_roads(args: &Args, pbf: &std::path::Path) -> anyhow::Result<formats::json::Request> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let mut raw: formats::json::JsonProblem =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", args.file.display()))?;
    let (Some(points), None) = (raw.locations.coordinates.take(), &raw.locations.distance) else {
        anyhow::bail!("with --roads the request needs `coordinates` as [lon, lat], not a matrix");
    };
    let points = formats::json::coordinate_pairs(&points)?;
    let graph = RoadGraph::from_pbf(pbf, &RoadOptions::default())
        .with_context(|| format!("loading {}", pbf.display()))?;
    let snapped =
        points.iter().map(|&[lon, lat]| graph.snap(lat, lon, DEFAULT_MAX_SNAP_M)).collect();
    let timing = MatrixTiming::flat(args.departure_hour);
    let ctx = SolveContext::new(0).with_threads(args.threads);
    let on = routing::road_locations(
        &graph,
        snapped,
        &timing,
        &routing::RoadArcOptions::default(),
        &ctx,
    )?;
    Ok(formats::json::convert_with(raw, on.locations)?)
}

/// The solver settings of a TOML file, or the defaults.
pub fn solver_config(path: Option<&std::path::Path>) -> anyhow::Result<SolverConfig> {
    let Some(path) = path else { return Ok(SolverConfig::default()) };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// A time limit from seconds: negative or NaN is zero, beyond 10^9 s is 10^9 s (an
/// `Instant` plus a larger duration could overflow).
pub fn seconds(s: f64) -> Duration {
    if s >= 0.0 { Duration::from_secs_f64(s.min(1e9)) } else { Duration::ZERO }
}

/// The search's bar: budget used (in thousandths) and the best cost so far.
struct SearchBar(ProgressBar);

impl SearchBar {
    fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("routing [{bar:40}] {percent:>3}% {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        Self(bar)
    }
}

impl Progress for SearchBar {
    fn set_total(&self, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
    }
    fn advance(&self, steps: u64) {
        self.0.inc(steps);
    }
    fn phase(&self, _name: &str) {}
    fn message(&self, text: &str) {
        self.0.set_message(text.to_owned());
    }
}
