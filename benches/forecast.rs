//! Forecasting benches: each model on one sparse two-year daily series, and the whole
//! pipeline (3-origin backtest of every candidate + selection + forecast) on 1,000 series.
//! Inputs are synthetic and seeded (same generator idea as `scripts/statsforecast_bench.py
//! speed`); the 30,000-series figure in docs/benchmarks.md comes from that script.

use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use stockroute::SolveContext;
use stockroute::forecast::{
    self, ForecastConfig, Frequency, History, HistoryBuilder, ModelKind, ModelSettings,
};

fn synthetic(series: usize, days: u64, seed: u64) -> History {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let start = NaiveDate::from_ymd_opt(2022, 1, 3).expect("valid date");
    let mut b = HistoryBuilder::new();
    for s in 0..series {
        let p: f64 = rng.random_range(0.03..0.6);
        let size: f64 = rng.random_range(1.0..8.0);
        let (sku, zone) = (format!("S{:05}", s / 10), format!("Z{:02}", s % 10));
        for d in 0..days {
            if d % 7 != 5 && rng.random::<f64>() < p {
                let q = (rng.random::<f64>() * size * 2.0).ceil();
                b.push(start + Days::new(d), &sku, &zone, q);
            }
        }
    }
    b.finish(Frequency::Daily).expect("rows were pushed")
}

fn models(c: &mut Criterion) {
    let h = synthetic(1, 730, 1);
    let mut y = Vec::new();
    h.dense(0, h.periods(), &mut y);
    let settings = ModelSettings::default();
    let mut group = c.benchmark_group("model on 1 series x 730 days, h=28");
    for kind in ModelKind::ALL {
        let m = kind.build(&settings);
        group.bench_function(kind.name(), |b| b.iter(|| m.forecast(black_box(&y), 28)));
    }
    group.finish();
}

fn pipeline(c: &mut Criterion) {
    let h = synthetic(1000, 730, 2);
    let config = ForecastConfig::new(Frequency::Daily, 28);
    let ctx = SolveContext::new(0).with_threads(2);
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.bench_function("forecast 1,000 daily series x 730 days (2 threads)", |b| {
        b.iter(|| forecast::forecast(black_box(&h), &config, &ctx).expect("forecast"))
    });
    group.finish();
}

criterion_group!(benches, models, pipeline);
criterion_main!(benches);
