//! `stockroute route FILE.json --format vroom`: VROOM's input solved (or, with `--check`,
//! its given routes evaluated: VROOM's `-c`), VROOM's output JSON printed or written to
//! `--out`. Without `matrices` the coordinates are snapped onto `--roads PBF`, as for the
//! service's JSON. Exit code: 0 when the answer has no violation, 1 for a request refused
//! (a key not supported, an invalid value), the run-failure code when a solved plan fails
//! the checker or an evaluated plan has violations.

use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use stockroute::SolveContext;
use stockroute::roads::points::MatrixTiming;
use stockroute::roads::{FleetRoads, VehicleProfile};
use stockroute::routing::formats::vroom::{self, Mode, map, output};
use stockroute::routing::{self, SolverConfig};

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// What `route --format vroom` reads from the command line (its own arguments, so that this
/// file does not import `route.rs`, which calls it).
pub struct VroomArgs<'a> {
    /// The VROOM input file.
    pub file: &'a PathBuf,
    /// Evaluate the vehicles' given steps instead of optimising.
    pub check: bool,
    /// Road extract to snap coordinates on.
    pub roads: Option<&'a PathBuf>,
    /// Departure hour of the road matrix (0-23).
    pub departure_hour: u8,
    /// Solver threads.
    pub threads: usize,
    /// The time limit, counted from `started`.
    pub limit: Duration,
    /// Seed of the search.
    pub seed: u64,
    /// Stop after this many iterations.
    pub max_iterations: Option<u64>,
    /// Where to write the answer (standard output without it).
    pub out: Option<&'a PathBuf>,
}

/// Runs `route` on a VROOM file.
pub fn run(args: &VroomArgs<'_>, started: Instant) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    // A malformed or refused request is the user's input to fix (exit code 1).
    let refused = |e: stockroute::routing::RoutingError| super::exit::InputError(e.to_string());
    let input = vroom::parse(&text).map_err(refused)?;
    let mode = if args.check { Mode::Check } else { Mode::Solve };
    let routed = Instant::now();
    let resolved = match (map::coordinates(&input), args.roads) {
        (Some(_), Some(pbf)) => {
            // One graph per road profile the vehicles name (`bike`: the bicycle's).
            let profiles = map::road_profiles(&input);
            let roads =
                FleetRoads::from_pbf(pbf, profiles.iter().filter_map(|p| VehicleProfile::parse(p)))
                    .with_context(|| format!("loading {}", pbf.display()))?;
            let timing = MatrixTiming::flat(args.departure_hour);
            let ctx = SolveContext::new(0).with_threads(args.threads);
            map::on_roads(&input, &roads, &timing, &ctx)?
        }
        _ => None,
    };
    let routing_ms = millis(routed);
    let mapped = map::map(&input, mode, resolved).map_err(refused)?;
    let loading = millis(started).saturating_sub(routing_ms);
    let solving = Instant::now();
    let (solution, report) = match mode {
        Mode::Check => vroom::check_mode::evaluate(&mapped),
        Mode::Solve => {
            let ctx = SolveContext::new(args.seed)
                .with_time_limit(args.limit.saturating_sub(started.elapsed()))
                .with_threads(args.threads)
                .with_cancel(super::interrupt::cancel_on_ctrl_c()?);
            let config =
                SolverConfig { max_iterations: args.max_iterations, ..SolverConfig::default() };
            let checked = routing::solve_checked(&mapped.problem, &config, &ctx)?;
            (checked.solution, checked.verdict)
        }
    };
    let times = output::VroomTimes { loading, solving: millis(solving), routing: routing_ms };
    let answer = output::answer(&mapped, &solution, &report, times);
    let json = serde_json::to_string_pretty(&answer)?;
    match args.out {
        Some(path) => {
            std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))?
        }
        None => println!("{json}"),
    }
    if !report.is_ok() {
        let first: Vec<_> = report.violations.iter().take(5).collect();
        eprintln!("checker: {} violations, first: {first:?}", report.violations.len());
        return Ok(ExitCode::from(super::exit::RUN_FAILURE));
    }
    Ok(ExitCode::SUCCESS)
}
