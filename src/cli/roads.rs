//! `stockroute roads`: load an OSM extract, snap random points, time a travel matrix or
//! the city-scale road oracle.
//!
//! A quick check of an extract before routing on it (how much of it is drivable and
//! connected, how far points snap) and the command behind the matrix and oracle figures in
//! `docs/benchmarks.md`. With `--oracle-points N` it times, instead of the dense matrix,
//! what a city-scale solve needs from the roads: the contraction hierarchy, the neighbour
//! lists of N points, then `--queries` random arcs and as many "two hops away" arcs (a
//! stop and a neighbour of one of its neighbours: the kind a routing search asks for).
//! Peak memory and CPU time come from running it under `/usr/bin/time -v`.

use anyhow::Context;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use stockroute::SolveContext;
use stockroute::roads::ch::ContractionHierarchy;
use stockroute::roads::graph::{RoadGraph, RoadOptions, VehicleProfile};
use stockroute::roads::matrix::TravelMatrix;
use stockroute::roads::oracle::{OracleOptions, RoadOracle};
use stockroute::roads::snap::{DEFAULT_MAX_SNAP_M, Snapped};
use stockroute::roads::traffic::TrafficProfile;

/// Arguments of `stockroute roads`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The OpenStreetMap extract (.osm.pbf).
    pbf: PathBuf,
    /// Random points (uniform in the graph's bounding box) to snap and route between.
    #[arg(long, default_value_t = 1000)]
    stops: usize,
    /// Seed of the random points.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads for the matrix.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Departure hour (0-23).
    #[arg(long, default_value_t = 9)]
    hour: u8,
    /// Largest snap distance in metres.
    #[arg(long, default_value_t = DEFAULT_MAX_SNAP_M)]
    max_snap_m: f64,
    /// Time the road oracle (hierarchy, neighbour lists, arc queries) on this many random
    /// points instead of the dense matrix on `--stops`.
    #[arg(long)]
    oracle_points: Option<usize>,
    /// Neighbours per point for `--oracle-points`.
    #[arg(long, default_value_t = 40)]
    neighbours: usize,
    /// Random arc queries (and as many two-hop queries) for `--oracle-points`.
    #[arg(long, default_value_t = 1_000_000)]
    queries: usize,
    /// Arcs cached per generation for `--oracle-points` (0: no cache).
    #[arg(long, default_value_t = OracleOptions::default().cache_entries)]
    cache_entries: usize,
    /// Whose roads: `van` (default), `car`, `truck`, `bicycle` (or `bike`), `foot`.
    #[arg(long, default_value = "van", value_parser = parse_profile)]
    profile: VehicleProfile,
}

/// A vehicle profile by its name.
fn parse_profile(name: &str) -> Result<VehicleProfile, String> {
    VehicleProfile::parse(name)
        .ok_or_else(|| format!("`{name}` is no profile: van, car, truck, bicycle (bike), foot"))
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let options = RoadOptions::default().with_profile(args.profile);
    let graph = RoadGraph::from_pbf(&args.pbf, &options)
        .with_context(|| format!("loading {}", args.pbf.display()))?;
    let s = graph.stats();
    println!(
        "graph: {} nodes, {} edges kept; {} nodes / {} edges dropped outside the largest of {} \
         strongly connected components ({} drivable of {} highway ways) in {:.3} s",
        graph.node_count(),
        graph.edge_count(),
        s.nodes_dropped,
        s.edges_dropped,
        s.components,
        s.drivable_ways,
        s.highway_ways,
        started.elapsed().as_secs_f64()
    );

    let wanted = args.oracle_points.unwrap_or(args.stops);
    let stops = random_stops(&graph, wanted, args.seed, args.max_snap_m);
    if args.oracle_points.is_some() {
        return oracle(&graph, &stops, &args);
    }
    let ctx = SolveContext::new(args.seed).with_threads(args.threads);
    let started = Instant::now();
    let matrix = TravelMatrix::compute(&graph, &stops, &TrafficProfile::flat(), args.hour, &ctx)?;
    let seconds = started.elapsed().as_secs_f64();
    let max_time = matrix.times_s().iter().max().copied().unwrap_or(0);
    let max_dist = matrix.distances_m().iter().max().copied().unwrap_or(0);
    println!(
        "matrix: {n} x {n} on {} threads in {seconds:.3} s; longest {max_time} s, {max_dist} m",
        args.threads,
        n = matrix.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Up to `wanted` uniform random points of the graph's bounding box that snap (20 draws per
/// point at most), with a line on how they snapped.
fn random_stops(graph: &RoadGraph, wanted: usize, seed: u64, max_snap_m: f64) -> Vec<Snapped> {
    let [min_lat, min_lon, max_lat, max_lon] = graph.bounds();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let (mut stops, mut unreachable, mut drawn) = (Vec::new(), 0usize, 0usize);
    let started = Instant::now();
    while stops.len() < wanted && drawn < wanted.saturating_mul(20) {
        drawn += 1;
        let (lat, lon) = (rng.random_range(min_lat..=max_lat), rng.random_range(min_lon..=max_lon));
        match graph.snap(lat, lon, max_snap_m) {
            Ok(snapped) => stops.push(snapped),
            Err(_) => unreachable += 1,
        }
    }
    let mut snaps: Vec<f64> = stops.iter().map(|s| s.snap_distance_m).collect();
    snaps.sort_by(f64::total_cmp);
    let median = snaps.get(snaps.len() / 2).copied().unwrap_or(0.0);
    println!(
        "snap: {} points on the graph, {unreachable} unreachable, median snap {median:.1} m, \
         in {:.3} s",
        stops.len(),
        started.elapsed().as_secs_f64()
    );

    stops
}

/// The `--oracle-points` run: hierarchy, neighbour lists, random and two-hop arc queries.
fn oracle(graph: &RoadGraph, stops: &[Snapped], args: &Args) -> anyhow::Result<ExitCode> {
    let ctx = SolveContext::new(args.seed).with_threads(args.threads);
    let started = Instant::now();
    let hierarchy = Arc::new(ContractionHierarchy::build(graph.graph(), &ctx)?);
    println!(
        "hierarchy: {} nodes, {} edges with shortcuts, built in {:.3} s (one thread)",
        hierarchy.node_count(),
        hierarchy.edge_count(),
        started.elapsed().as_secs_f64()
    );
    let options = OracleOptions::default()
        .with_neighbours(args.neighbours)
        .with_cache_entries(args.cache_entries);
    let started = Instant::now();
    let profile = TrafficProfile::flat();
    let oracle = RoadOracle::build(graph, hierarchy, stops, &profile, args.hour, &options, &ctx)?;
    let lists = oracle.neighbour_lists();
    println!(
        "neighbours: {} points x {} on {} threads in {:.3} s ({:.1} MB)",
        oracle.len(),
        args.neighbours,
        args.threads,
        started.elapsed().as_secs_f64(),
        lists.heap_bytes() as f64 / 1e6
    );
    let n = oracle.len();
    if n < 2 {
        anyhow::bail!("need at least 2 snapped points for arc queries, got {n}");
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads).build()?;
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(args.seed ^ 0x5eed);
    let random: Vec<(usize, usize)> = (0..args.queries)
        .map(|_| {
            let i = rng.random_range(0..n);
            let j = (i + rng.random_range(1..n)) % n;
            (i, j)
        })
        .collect();
    let two_hop: Vec<(usize, usize)> = (0..args.queries)
        .map(|_| {
            let i = rng.random_range(0..n);
            let hop = |rng: &mut rand_pcg::Pcg64Mcg, s: usize| {
                let near = oracle.neighbours(s);
                if near.is_empty() {
                    s
                } else {
                    near[rng.random_range(0..near.len())].stop as usize
                }
            };
            let a = hop(&mut rng, i);
            (i, hop(&mut rng, a))
        })
        .collect();
    for (name, pairs) in [("random", &random), ("two-hop", &two_hop)] {
        let before = oracle.stats();
        let started = Instant::now();
        let total_s: u64 = pool.install(|| {
            pairs
                .par_iter()
                .map(|&(i, j)| oracle.arc(i, j).map(|a| u64::from(a.time_s)))
                .sum::<Result<u64, _>>()
        })?;
        let seconds = started.elapsed().as_secs_f64();
        let after = oracle.stats();
        println!(
            "queries ({name}): {} arcs on {} threads in {seconds:.3} s ({:.2} us each), mean {:.0} s; \
             {} from neighbour lists, {} cached, {} hierarchy queries",
            pairs.len(),
            args.threads,
            seconds * 1e6 / pairs.len().max(1) as f64,
            total_s as f64 / pairs.len().max(1) as f64,
            after.neighbour_hits - before.neighbour_hits,
            after.cache_hits - before.cache_hits,
            after.hierarchy_queries - before.hierarchy_queries,
        );
    }
    println!("cache: {} arcs held (at most {})", oracle.cached_arcs(), oracle.cache_capacity());
    Ok(ExitCode::SUCCESS)
}
