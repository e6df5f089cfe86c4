//! `stockroute roads`: load an OSM extract, snap random points, time a travel matrix.
//!
//! A quick check of an extract before routing on it (how much of it is drivable and
//! connected, how far points snap) and the command behind the matrix figures in
//! `docs/benchmarks.md`.

use anyhow::Context;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use stockroute::SolveContext;
use stockroute::roads::graph::{RoadGraph, RoadOptions};
use stockroute::roads::matrix::TravelMatrix;
use stockroute::roads::snap::DEFAULT_MAX_SNAP_M;
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
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let graph = RoadGraph::from_pbf(&args.pbf, &RoadOptions::default())
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

    let [min_lat, min_lon, max_lat, max_lon] = graph.bounds();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(args.seed);
    let (mut stops, mut unreachable, mut drawn) = (Vec::new(), 0usize, 0usize);
    let started = Instant::now();
    while stops.len() < args.stops && drawn < args.stops.saturating_mul(20) {
        drawn += 1;
        let (lat, lon) = (rng.random_range(min_lat..=max_lat), rng.random_range(min_lon..=max_lon));
        match graph.snap(lat, lon, args.max_snap_m) {
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
