//! `stockroute bench`: solution-quality benchmarks against best-known solutions, the
//! placement LP benchmark (`bench placement`, in `bench/placement.rs`) and the city-scale
//! road day (`bench city`, in `bench/city.rs`), and live re-optimisation (`bench
//! reoptimise`, in `bench/reoptimise.rs`).
//!
//! `bench routing <DIR>` solves every instance listed in `DIR/bks.csv` (`<name>.vrp` or
//! `<name>.txt`), runs each solution through the independent checker and prints the cost
//! (and vehicles for VRPTW), the gap to the best-known solution and the mean gap. `--csv`
//! keeps the raw rows (same columns as `scripts/pyvrp_bench.py`, so the two can be merged).

use anyhow::{Context as _, bail};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stockroute::SolveContext;
use stockroute::routing;
use stockroute::routing::formats::{self, Format};

mod city;
mod placement;
mod reoptimise;
mod td;
mod warehouse;

/// What to benchmark.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    target: Target,
}

#[derive(Debug, clap::Subcommand)]
enum Target {
    /// Solve every instance of a folder with a bks.csv and report gaps to best-known.
    Routing(RoutingArgs),
    /// Build and solve a seeded synthetic placement LP; print one JSON line.
    Placement(placement::Args),
    /// A seeded N-stop delivery day on a city road graph, solved through the road oracle
    /// (no n x n matrix) and checked; road part timed apart from the search.
    City(city::Args),
    /// Seeded states under way re-optimised with new orders, with and without a churn
    /// penalty: wall time, cost and churn per run.
    Reoptimise(reoptimise::Args),
    /// The warehouse bars on seeded layouts and order days: pick paths, batching, slotting,
    /// and a timed 50,000-line day.
    Warehouse(warehouse::Args),
    /// The Dabia et al. time-dependent VRPTW files of a folder: time-dependent plan vs the
    /// static plan re-timed, gaps to the published values.
    Td(td::Args),
    /// Time per iteration of the time-dependent search against static solves of the same
    /// generated instance.
    TdSpeed(td::SpeedArgs),
}

/// Options of `bench routing`.
#[derive(Debug, clap::Args)]
pub struct RoutingArgs {
    /// Folder with instances and a bks.csv (`instance,customers,bks,convention,source`).
    pub dir: PathBuf,
    /// Time limit per instance in seconds.
    #[arg(long, default_value_t = 5.0)]
    pub time_limit_s: f64,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads per instance.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Only instances whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Write the raw rows as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Solver settings as TOML (fields of `SolverConfig`).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The instances' format (default: from each file's extension; Li & Lim files need
    /// `lilim`).
    #[arg(long, value_enum)]
    pub format: Option<super::route::FormatArg>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.target {
        Target::Routing(a) => routing_bench(&a),
        Target::Placement(a) => placement::run(a),
        Target::City(a) => city::run(a),
        Target::Warehouse(a) => warehouse::run(a),
        Target::Td(a) => td::run(a),
        Target::TdSpeed(a) => td::run_speed(a),
        Target::Reoptimise(a) => reoptimise::run(a),
    }
}

/// One line of bks.csv.
struct Known {
    instance: String,
    customers: usize,
    bks: f64,
    vehicles: Option<usize>,
}

fn read_bks(dir: &Path) -> anyhow::Result<Vec<Known>> {
    let path = dir.join("bks.csv");
    // Flexible: the free-text `source` column sometimes holds an unquoted comma.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&path)
        .with_context(|| format!("reading {}", path.display()))?;
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.with_context(|| format!("parsing {}", path.display()))?;
        let field = |i: usize| rec.get(i).unwrap_or_default().trim().to_owned();
        let convention = field(3);
        // "BKS 10 vehicles" in the convention text marks a hierarchical (VRPTW) row.
        let vehicles = convention
            .split("BKS ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok());
        rows.push(Known {
            instance: field(0),
            customers: field(1).parse().context("customers column")?,
            bks: field(2).parse().context("bks column")?,
            vehicles,
        });
    }
    Ok(rows)
}

fn instance_file(dir: &Path, name: &str) -> Option<PathBuf> {
    ["vrp", "txt", "json"].iter().map(|e| dir.join(format!("{name}.{e}"))).find(|p| p.exists())
}

/// CSV header shared with `scripts/pyvrp_bench.py`.
const HEADER: &str = "solver,instance,customers,vehicles,bks_vehicles,cost,bks,gap_pct,feasible,seconds,time_limit_s";

fn routing_bench(a: &RoutingArgs) -> anyhow::Result<ExitCode> {
    let rows = read_bks(&a.dir)?;
    let config = super::route::solver_config(a.config.as_deref())?;
    let mut csv_out = match &a.csv {
        Some(p) => {
            Some(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
        }
        None => None,
    };
    if let Some(f) = csv_out.as_mut() {
        writeln!(f, "{HEADER}")?;
    }
    println!(
        "{:<14} {:>5} {:>4}/{:<4} {:>12} {:>12} {:>8} {:>6}",
        "instance", "n", "veh", "bks", "cost", "bks", "gap %", "s"
    );
    let (mut gaps, mut infeasible, mut more_vehicles) = (Vec::new(), 0usize, 0usize);
    for k in &rows {
        if a.filter.as_deref().is_some_and(|f| !k.instance.contains(f)) {
            continue;
        }
        let Some(file) = instance_file(&a.dir, &k.instance) else {
            bail!("no instance file for {} in {}", k.instance, a.dir.display());
        };
        let ctx = SolveContext::new(a.seed)
            .with_time_limit(super::route::seconds(a.time_limit_s))
            .with_threads(a.threads);
        let format = match a.format.map(super::route::FormatArg::static_format) {
            Some(Some(format)) => format,
            Some(None) => bail!(
                "Dabia files are benchmarked by `stockroute bench td`; VROOM files are not \
                 benchmarked"
            ),
            None => Format::from_path(&file),
        };
        let problem = formats::read(&file, format)?.problem;
        let solution = routing::solve(&problem, &config, &ctx)?;
        let seconds = ctx.elapsed().as_secs_f64();
        let report = routing::check(&problem, &solution);
        let ok = report.is_ok() && solution.unserved.is_empty();
        infeasible += usize::from(!ok);
        // Gaps use the checker's recomputed figures, never the solver's own.
        let cost = if problem.objective.vehicles_first { report.distance } else { report.cost };
        let gap = 100.0 * (cost / k.bks - 1.0);
        gaps.push(gap);
        more_vehicles += usize::from(k.vehicles.is_some_and(|v| report.vehicles > v));
        let bv = k.vehicles.map_or("-".to_owned(), |v| v.to_string());
        println!(
            "{:<14} {:>5} {:>4}/{:<4} {:>12.3} {:>12.3} {:>8.2} {:>6.1}{}",
            k.instance,
            k.customers,
            report.vehicles,
            bv,
            cost,
            k.bks,
            gap,
            seconds,
            if ok { "" } else { "  INFEASIBLE" }
        );
        if let Some(f) = csv_out.as_mut() {
            writeln!(
                f,
                "stockroute,{},{},{},{},{:.4},{},{:.4},{},{:.3},{}",
                k.instance,
                k.customers,
                report.vehicles,
                bv,
                cost,
                k.bks,
                gap,
                ok,
                seconds,
                a.time_limit_s
            )?;
        }
    }
    if gaps.is_empty() {
        bail!("no instance matched");
    }
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    let max = gaps.iter().copied().fold(f64::MIN, f64::max);
    println!(
        "mean gap {mean:.2} %, max {max:.2} % over {} instances; {infeasible} infeasible; \
         {more_vehicles} with more vehicles than the BKS",
        gaps.len()
    );
    Ok(if infeasible == 0 { ExitCode::SUCCESS } else { ExitCode::from(super::exit::RUN_FAILURE) })
}
