//! Placement LP benches: model building (validation, k-nearest arcs, column-wise matrix)
//! and a full solve, on seeded synthetic networks (`placement::synth`). Larger sizes and
//! the comparison with a solver alone are in `stockroute bench placement` and
//! docs/benchmarks.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use stockroute::SolveContext;
use stockroute::placement::{self, PlacementModel, synth::SynthSpec};

fn build(c: &mut Criterion) {
    let input = placement::synth::network(&SynthSpec::new(1000, 10, 25, 1));
    c.bench_function("build placement LP 1000 SKUs x 10 centres x 25 zones (110k vars)", |b| {
        b.iter(|| PlacementModel::new(black_box(&input)).map(|m| m.variables()))
    });
}

fn solve(c: &mut Criterion) {
    let input = placement::synth::network(&SynthSpec::new(500, 12, 10, 1));
    let mut group = c.benchmark_group("solve");
    group.sample_size(10);
    group.bench_function("place 500 SKUs x 12 centres x 10 zones", |b| {
        b.iter(|| placement::solve(black_box(&input), &SolveContext::new(1)).map(|r| r.objective))
    });
    group.finish();
}

criterion_group!(benches, build, solve);
criterion_main!(benches);
