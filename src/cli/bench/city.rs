//! `stockroute bench city <PBF>`: a seeded delivery day of N stops on a city road graph,
//! solved end to end without an n x n matrix, with the road part timed apart from the
//! search.
//!
//! The day: N uniform random points of the extract's bounding box that snap onto the road
//! graph (seeded), a depot at the snapped centre of the box, demands of 1-3 parcels, and
//! vans of `--capacity` parcels, 10 % more of them than the parcels need, charged per
//! metre. The steps, each printed with its wall time: load the graph, snap, build the
//! contraction hierarchy, the neighbour lists (the road oracle, `routing::road`, chosen
//! automatically above the dense size), solve for `--time-limit-s`, check the plan with
//! `routing::check` (through the same oracle). The road part is the hierarchy, the lists
//! and the hierarchy queries the search and the checker made (their CPU time summed over
//! threads, timed inside the oracle); memory is the process's peak RSS after the road set-up
//! and at the end (`VmHWM`, Linux). Run it under `/usr/bin/time -v` for the whole process's
//! CPU time and peak memory.

use anyhow::{Context as _, bail};
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use stockroute::SolveContext;
use stockroute::roads::graph::{RoadGraph, RoadOptions};
use stockroute::roads::oracle::OracleStats;
use stockroute::roads::points::MatrixTiming;
use stockroute::roads::snap::DEFAULT_MAX_SNAP_M;
use stockroute::routing::{
    self, Depot, Locations, Objective, Problem, RoadArcOptions, SolverConfig, Stop, VehicleType,
};

/// Options of `bench city`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The city's OpenStreetMap extract (.osm.pbf).
    pub pbf: PathBuf,
    /// Stops of the day.
    #[arg(long, default_value_t = 30_000)]
    pub stops: usize,
    /// Seed of the points, the demands and the search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Search time in seconds (after the road set-up).
    #[arg(long, default_value_t = 60.0)]
    pub time_limit_s: f64,
    /// Worker threads (neighbour lists and search).
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Parcels per van.
    #[arg(long, default_value_t = 200)]
    pub capacity: i64,
    /// Departure hour (0-23) of the travel times.
    #[arg(long, default_value_t = 8)]
    pub hour: u8,
    /// Neighbours per stop in the road oracle (default: that of `RoadArcOptions`, 128).
    #[arg(long)]
    pub neighbours: Option<usize>,
    /// Arcs the oracle caches per generation (default: the oracle's own).
    #[arg(long)]
    pub cache_entries: Option<usize>,
}

/// Runs the benchmark; exit 1 when the checker rejects the plan.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.stops == 0 {
        bail!("--stops must be at least 1");
    }
    let total = Instant::now();
    let graph = RoadGraph::from_pbf(&args.pbf, &RoadOptions::default())
        .with_context(|| format!("loading {}", args.pbf.display()))?;
    println!(
        "graph: {} nodes, {} edges, loaded in {:.2} s",
        graph.node_count(),
        graph.edge_count(),
        total.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let [min_lat, min_lon, max_lat, max_lon] = graph.bounds();
    let depot = graph
        .snap((min_lat + max_lat) / 2.0, (min_lon + max_lon) / 2.0, 5_000.0)
        .map_err(|why| anyhow::anyhow!("the centre of the extract is off the roads: {why}"))?;
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(args.seed);
    let mut points = vec![Ok(depot)];
    let mut drawn = 0usize;
    while points.len() <= args.stops && drawn < args.stops.saturating_mul(20) {
        drawn += 1;
        let (lat, lon) = (rng.random_range(min_lat..=max_lat), rng.random_range(min_lon..=max_lon));
        if let Ok(s) = graph.snap(lat, lon, DEFAULT_MAX_SNAP_M) {
            points.push(Ok(s));
        }
    }
    let n = points.len() - 1;
    println!("snap: {n} stops ({drawn} points drawn) in {:.2} s", started.elapsed().as_secs_f64());

    let ctx = SolveContext::new(args.seed).with_threads(args.threads);
    let started = Instant::now();
    graph.hierarchy(&ctx)?;
    let hierarchy_s = started.elapsed().as_secs_f64();
    println!("road: contraction hierarchy in {hierarchy_s:.2} s");
    let started = Instant::now();
    let options = RoadArcOptions::default();
    let mut oracle = options.oracle.clone();
    if let Some(k) = args.neighbours {
        oracle = oracle.with_neighbours(k);
    }
    let neighbours = oracle.neighbours;
    if let Some(entries) = args.cache_entries {
        oracle = oracle.with_cache_entries(entries);
    }
    let options = RoadArcOptions { oracle, ..options };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.max(1)).build()?;
    let timing = MatrixTiming::flat(args.hour);
    let places =
        pool.install(|| routing::road_locations(&graph, points, &timing, &options, &ctx))?;
    let lists_s = started.elapsed().as_secs_f64();
    let Locations::Road(arcs) = &places.locations else {
        bail!("{n} stops fit a dense matrix: the oracle is for more than {}", options.dense_up_to);
    };
    let oracle = arcs.oracle().clone();
    println!(
        "road: neighbour lists {n} x {} on {} threads in {lists_s:.2} s ({:.1} MB with the \
         full arc cache); peak RSS so far {}",
        neighbours,
        args.threads,
        oracle.heap_bytes() as f64 / 1e6,
        peak_rss()
    );

    let problem = day(places.locations.clone(), n, args.capacity, &mut rng);
    let before = oracle.stats();
    let ctx = SolveContext::new(args.seed)
        .with_threads(args.threads)
        .with_time_limit(Duration::from_secs_f64(args.time_limit_s.max(0.0)));
    let started = Instant::now();
    let solution = routing::solve(&problem, &SolverConfig::default(), &ctx)?;
    let solve_s = started.elapsed().as_secs_f64();
    let after_solve = oracle.stats();
    let during_solve = delta(after_solve, before);
    let started = Instant::now();
    let report = routing::check(&problem, &solution);
    let check_s = started.elapsed().as_secs_f64();
    let during_check = delta(oracle.stats(), after_solve);
    let queries_s = (during_solve.hierarchy_us + during_check.hierarchy_us) as f64 / 1e6;
    println!(
        "search: {solve_s:.2} s wall, {} iterations, stop reason {:?}; cost {:.0}, {} routes, \
         {} unserved",
        solution.stats.iterations,
        solution.stats.stop_reason,
        solution.cost,
        solution.vehicles(),
        solution.unserved.len()
    );
    for (name, s) in [("search", during_solve), ("check", during_check)] {
        println!(
            "road: arcs the {name} asked: {} ({} from the lists, {} cached, {} hierarchy \
             queries taking {:.2} s of CPU)",
            s.queries,
            s.neighbour_hits,
            s.cache_hits,
            s.hierarchy_queries,
            s.hierarchy_us as f64 / 1e6
        );
    }
    println!(
        "check: {} in {check_s:.2} s, {} violations",
        if report.is_ok() { "feasible" } else { "INFEASIBLE" },
        report.violations.len()
    );
    println!(
        "road part: {:.2} s (hierarchy {hierarchy_s:.2} + lists {lists_s:.2} + queries \
         {queries_s:.2} CPU); whole run {:.2} s wall, peak RSS {}",
        hierarchy_s + lists_s + queries_s,
        total.elapsed().as_secs_f64(),
        peak_rss()
    );
    Ok(if report.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The day's problem on `locations` (0 the depot, 1..=n the stops).
fn day(locations: Locations, n: usize, capacity: i64, rng: &mut rand_pcg::Pcg64Mcg) -> Problem {
    let stops: Vec<Stop> =
        (1..=n).map(|i| Stop::new(format!("s{i}"), i, vec![rng.random_range(1..=3)])).collect();
    let parcels: i64 = stops.iter().map(|s| s.demand[0]).sum();
    let capacity = capacity.max(3);
    let vans = (parcels as f64 / capacity as f64 * 1.1).ceil() as usize + 1;
    Problem {
        profiles: Vec::new(),
        name: format!("city day, {n} stops"),
        locations,
        depots: vec![Depot { id: "depot".into(), location: 0 }],
        vehicle_types: vec![VehicleType::new("van", vans, vec![capacity])],
        stops,
        objective: Objective::default(),
        shipments: Vec::new(),
    }
}

fn delta(after: OracleStats, before: OracleStats) -> OracleStats {
    OracleStats {
        queries: after.queries - before.queries,
        neighbour_hits: after.neighbour_hits - before.neighbour_hits,
        cache_hits: after.cache_hits - before.cache_hits,
        hierarchy_queries: after.hierarchy_queries - before.hierarchy_queries,
        hierarchy_us: after.hierarchy_us - before.hierarchy_us,
    }
}

/// The process's peak resident memory so far (`VmHWM` of /proc/self/status), or "n/a".
fn peak_rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map_or_else(|| "n/a".to_owned(), |v| v.trim().to_owned())
}
