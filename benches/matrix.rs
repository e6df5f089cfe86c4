//! Road graph and travel-matrix benches on the Monaco OSM extract.
//!
//! Inputs: `data/scenarios/monaco/roads.osm.pbf` (a byte-for-byte copy of
//! `../shared/data/osm/monaco.osm.pbf`); stops are deterministic random points in the
//! extract's box (lon 7.349..7.491, lat 43.71..43.77) that snap within 500 m (points
//! at sea or in the hills are skipped, as a request would report them unreachable).
//! The peer group times `fast_paths` (contraction hierarchies) answering the same pairs
//! one query at a time, against this crate's matrix on the same stops.
//!
//! Run: `cargo bench --bench matrix` (figures in docs/benchmarks.md).

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;
use stockroute::SolveContext;
use stockroute::roads::graph::{RoadGraph, RoadOptions};
use stockroute::roads::matrix::TravelMatrix;
use stockroute::roads::snap::{DEFAULT_MAX_SNAP_M, Snapped};
use stockroute::roads::traffic::TrafficProfile;

fn monaco_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/monaco/roads.osm.pbf")
}

fn box_points(seed: u64, n: usize) -> impl Iterator<Item = (usize, f64, f64)> {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    (0..n).map(move |i| (i, rng.random_range(43.71..43.77), rng.random_range(7.349..7.491)))
}

/// The first `n` box points that snap onto the graph.
fn stops(graph: &RoadGraph, n: usize) -> Vec<Snapped> {
    let report = graph.snap_all(box_points(42, 20 * n), DEFAULT_MAX_SNAP_M);
    let stops: Vec<Snapped> = report.snapped.into_iter().take(n).map(|(_, s)| s).collect();
    assert_eq!(stops.len(), n, "not enough points snap");
    stops
}

fn matrix(graph: &RoadGraph, stops: &[Snapped], threads: usize) -> TravelMatrix {
    let ctx = SolveContext::new(0).with_threads(threads);
    TravelMatrix::compute(graph, stops, &TrafficProfile::flat(), 9, &ctx).expect("matrix")
}

fn road_graph(c: &mut Criterion) {
    let mut group = c.benchmark_group("road graph");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    let opts = RoadOptions::default();
    group.bench_function("load monaco.osm.pbf (parse, SCC, CSR, R-tree)", |b| {
        b.iter(|| RoadGraph::from_pbf(monaco_path(), &opts).expect("monaco"))
    });
    let graph = RoadGraph::from_pbf(monaco_path(), &opts).expect("monaco");
    let points: Vec<_> = box_points(42, 1000).collect();
    group.bench_function("snap 1000 box points (500 m limit)", |b| {
        b.iter(|| graph.snap_all(black_box(points.iter().copied()), DEFAULT_MAX_SNAP_M))
    });
    group.finish();
}

fn travel_matrix(c: &mut Criterion) {
    let graph = RoadGraph::from_pbf(monaco_path(), &RoadOptions::default()).expect("monaco");
    let stops_1000 = stops(&graph, 1000);
    let mut group = c.benchmark_group("travel matrix monaco");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    for threads in [2, 1] {
        group.bench_function(format!("1000 x 1000 time+distance, {threads} threads"), |b| {
            b.iter(|| matrix(&graph, black_box(&stops_1000), threads))
        });
    }
    group.bench_function("re-time 1000 x 1000 for another hour", |b| {
        let m = matrix(&graph, &stops_1000, 2);
        let mut hourly = [1.0; 24];
        hourly[8] = 0.6;
        let profile = TrafficProfile::hourly(hourly);
        b.iter(|| m.at_hour(&profile, 8).expect("hour"))
    });
    group.finish();
}

/// The same 100 x 100 stop pairs: this crate's matrix against pairwise CH queries.
fn peer_fast_paths(c: &mut Criterion) {
    let graph = RoadGraph::from_pbf(monaco_path(), &RoadOptions::default()).expect("monaco");
    let stops_100 = stops(&graph, 100);
    let mut input = fast_paths::InputGraph::new();
    for e in graph.graph().raw_edges() {
        // fast_paths skips zero weights; 1 ms on a zero-length segment changes nothing here.
        let weight = (e.weight.time_ms as usize).max(1);
        input.add_edge(e.source().index(), e.target().index(), weight);
    }
    input.freeze();
    let mut group = c.benchmark_group("peer fast_paths monaco");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.bench_function("fast_paths prepare (contract the graph)", |b| {
        b.iter(|| fast_paths::prepare(black_box(&input)))
    });
    let ch = fast_paths::prepare(&input);
    group.bench_function("fast_paths 100 x 100 pairwise queries, 1 thread (time only)", |b| {
        let mut calc = fast_paths::create_calculator(&ch);
        b.iter(|| {
            let mut total = 0usize;
            for a in &stops_100 {
                for z in &stops_100 {
                    let path = calc.calc_path(&ch, a.node.index(), z.node.index());
                    total += path.map_or(0, |p| p.get_weight());
                }
            }
            total
        })
    });
    group.bench_function("stockroute 100 x 100 matrix, 1 thread (time+distance)", |b| {
        b.iter(|| matrix(&graph, black_box(&stops_100), 1))
    });
    group.finish();
}

criterion_group!(benches, road_graph, travel_matrix, peer_fast_paths);
criterion_main!(benches);
