//! `stockroute generate --zones N --skus M --seed S [--days D] [--out DIR]`: write a seeded
//! synthetic scenario folder (same seed, same bytes) for benchmarks of larger networks.

use anyhow::Context;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use stockroute::scenario::{GenerateOptions, generate};

/// Arguments of `generate`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Number of delivery zones.
    #[arg(long)]
    pub zones: usize,
    /// Number of SKUs.
    #[arg(long)]
    pub skus: usize,
    /// Seed of the random stream.
    #[arg(long)]
    pub seed: u64,
    /// Days of demand history.
    #[arg(long, default_value_t = 364)]
    pub days: u32,
    /// Output folder [default: scenario-z<N>-s<M>-seed<S>].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Generates the scenario and prints what was written.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!("scenario-z{}-s{}-seed{}", args.zones, args.skus, args.seed))
    });
    let options = GenerateOptions::new(args.zones, args.skus, args.seed).with_days(args.days);
    let written =
        generate(&options, &out).with_context(|| format!("generate into {}", out.display()))?;
    println!(
        "{}: {} zones, {} SKUs, {} days, {} active series, {} demand rows, {} orders",
        out.display(),
        args.zones,
        args.skus,
        args.days,
        written.active_series,
        written.demand_rows,
        written.orders
    );
    Ok(ExitCode::SUCCESS)
}
