//! Criterion benches of the routing solver: fixed iteration budgets on small instances
//! from `data/routing`, so the figures measure iteration speed, not luck.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use stockroute::SolveContext;
use stockroute::routing::formats::{solomon, vrplib};
use stockroute::routing::{self, SolverConfig};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/routing").join(name)
}

fn bench(c: &mut Criterion) {
    let cvrp = vrplib::read(&data("A-n32-k5.vrp")).expect("bundled instance");
    let vrptw = solomon::read(&data("C101.txt")).expect("bundled instance");
    let config = SolverConfig::default().with_max_iterations(2_000);
    let mut g = c.benchmark_group("routing");
    g.sample_size(10);
    g.bench_function("solve A-n32-k5 (31 stops), 2000 SISR iterations", |b| {
        b.iter(|| routing::solve(black_box(&cvrp), &config, &SolveContext::new(1)))
    });
    g.bench_function("solve C101 (100 stops, windows), 2000 iterations", |b| {
        b.iter(|| routing::solve(black_box(&vrptw), &config, &SolveContext::new(1)))
    });
    let solution = routing::solve(&vrptw, &config, &SolveContext::new(1)).expect("solves");
    g.bench_function("check a C101 solution", |b| {
        b.iter(|| routing::check(black_box(&vrptw), black_box(&solution)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
