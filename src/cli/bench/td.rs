//! `stockroute bench td <DIR>`: the Dabia et al. (2013) time-dependent VRPTW files of a
//! folder (with its `solutions.json`), and `bench td-speed`: the time-dependent search's
//! iteration speed against static solves of the same generated instance.
//!
//! `bench td` takes the `*_<size>.json` files of each `--sizes` in name order and keeps every
//! `--every`-th (from the first): a fixed rule, not a choice of files. For each it solves the
//! time-dependent problem, and the *static* one (every arc category at its time-weighted mean
//! speed over the day, constant) with the same search and limit, then re-times the static
//! plan under the time-dependent model (same routes, same departures); both go through the
//! independent checker. It prints one row per file (duration, routes, late arrivals for both,
//! the published value and routes, the gap) and the means; `--csv` keeps the rows.
//!
//! `bench td-speed` generates a seeded planar instance (`--stops` customers uniform in a
//! square, Solomon R1-like windows, Dabia's three categories and five zones) and runs the
//! same iteration budget three times: the time-dependent search on the time-dependent
//! model, the same search on the mean-speed model, and the static solver
//! ([`stockroute::routing::solve`]) on the mean-speed travel-time matrix. It prints the time
//! per iteration of each and the ratios.

use anyhow::{Context as _, bail};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use stockroute::SolveContext;
use stockroute::routing::td::{self, SpeedModel, TdConfig, TdInstance};
use stockroute::routing::{
    self, Depot, Locations, Objective, Problem, SolverConfig, Stop, TimeWindow, VehicleType,
};

/// Options of `bench td`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder with `<NAME>_<n>.json` files and `solutions.json`.
    pub dir: PathBuf,
    /// Time limit per solve (the static solve gets the same).
    #[arg(long, default_value_t = 10.0)]
    pub time_limit_s: f64,
    /// Customer counts to take.
    #[arg(long, value_delimiter = ',', default_value = "25,50")]
    pub sizes: Vec<usize>,
    /// Keep every k-th file of each size, in name order, from the first.
    #[arg(long, default_value_t = 1)]
    pub every: usize,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Write the rows as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

/// Options of `bench td-speed`.
#[derive(Debug, clap::Args)]
pub struct SpeedArgs {
    /// Customers of the generated instance.
    #[arg(long, default_value_t = 1000)]
    pub stops: usize,
    /// Iterations of each solve.
    #[arg(long, default_value_t = 2000)]
    pub iterations: u64,
    /// Seed of the instance and the searches.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

const HEADER: &str = "instance,customers,td_value,td_routes,td_late,td_feasible,pub_value,pub_routes,pub_opt,gap_pct,static_retimed_value,static_routes,static_late,time_limit_s";

/// Runs `bench td`.
pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    if a.every == 0 {
        bail!("--every must be at least 1");
    }
    let published: HashMap<String, td::solution::PublishedSolution> =
        td::solution::read_published(&a.dir.join("solutions.json"))?
            .into_iter()
            .map(|p| (p.instance_name.clone(), p))
            .collect();
    let mut files = Vec::new();
    for size in &a.sizes {
        let suffix = format!("_{size}.json");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&a.dir)
            .with_context(|| format!("listing {}", a.dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(&suffix))
            })
            .collect();
        names.sort();
        files.extend(names.into_iter().step_by(a.every));
    }
    let mut csv = match &a.csv {
        Some(p) => {
            Some(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
        }
        None => None,
    };
    if let Some(f) = csv.as_mut() {
        writeln!(f, "{HEADER}")?;
    }
    println!(
        "{:<10} {:>11} {:>3} {:>4} {:>11} {:>3} {:>7} | {:>11} {:>3} {:>4}",
        "instance", "td", "rt", "late", "published", "rt", "gap %", "static->td", "rt", "late"
    );
    let mut gaps = Vec::new();
    let (mut late_td, mut late_static, mut more_routes, mut infeasible) = (0, 0, 0, 0);
    let (mut sum_td, mut sum_static, mut td_better) = (0.0, 0.0, 0usize);
    for path in &files {
        let file = td::dabia::read(path)?;
        let inst = file.instance()?;
        let solve = |i: &TdInstance| {
            let ctx = SolveContext::new(a.seed)
                .with_time_limit(super::super::route::seconds(a.time_limit_s));
            td::solve(i, &TdConfig::default(), &ctx).0
        };
        let plan = solve(&inst);
        let verdict = td::check(&file, &plan);
        let fixed = td::check::retime(&file, &solve(&inst.with_mean_speeds()));
        let fixed_verdict = td::check(&file, &fixed);
        let known = published.get(&inst.name);
        let gap = known.map(|k| 100.0 * (plan.value - k.value) / k.value);
        late_td += verdict.late_arrivals;
        late_static += fixed_verdict.late_arrivals;
        infeasible += usize::from(!verdict.is_ok());
        sum_td += plan.value;
        sum_static += fixed.value;
        td_better += usize::from(plan.value < fixed.value);
        if let Some(k) = known {
            gaps.push(gap.unwrap_or_default());
            more_routes += usize::from(plan.routes.len() > k.routes.len());
        }
        let pub_value = known.map_or(String::from("-"), |k| format!("{:.2}", k.value));
        let pub_routes = known.map_or(String::from("-"), |k| k.routes.len().to_string());
        let gap_s = gap.map_or(String::from("-"), |g| format!("{g:.3}"));
        println!(
            "{:<10} {:>11.2} {:>3} {:>4} {:>11} {:>3} {:>7} | {:>11.2} {:>3} {:>4}",
            inst.name,
            plan.value,
            plan.routes.len(),
            verdict.late_arrivals,
            pub_value,
            pub_routes,
            gap_s,
            fixed.value,
            fixed.routes.len(),
            fixed_verdict.late_arrivals
        );
        if let Some(f) = csv.as_mut() {
            let opt = known.is_some_and(|k| k.tags.iter().any(|t| t == "OPT"));
            writeln!(
                f,
                "{},{},{:.4},{},{},{},{},{},{},{},{:.4},{},{},{}",
                inst.name,
                inst.customers(),
                plan.value,
                plan.routes.len(),
                verdict.late_arrivals,
                verdict.is_ok(),
                pub_value,
                pub_routes,
                opt,
                gap_s,
                fixed.value,
                fixed.routes.len(),
                fixed_verdict.late_arrivals,
                a.time_limit_s
            )?;
        }
    }
    let k = files.len().max(1) as f64;
    let mean_gap = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
    println!(
        "files {} | mean gap {:.3} % over {} with a published value | more routes than published: {} | late: td {} static {} | infeasible td plans {} | mean duration td {:.2} static re-timed {:.2} | td better on {} of {}",
        files.len(),
        mean_gap,
        gaps.len(),
        more_routes,
        late_td,
        late_static,
        infeasible,
        sum_td / k,
        sum_static / k,
        td_better,
        files.len()
    );
    Ok(if infeasible == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::super::exit::RUN_FAILURE)
    })
}

/// A seeded R1-like time-dependent instance of `n` customers: points uniform in a 100 x 100
/// square (distances `floor(10 euclid)`, as Dabia's), the depot at the centre, a horizon of
/// 2,300 (R101's 230 x 10), service 100, windows of half-width 50-300 around a time the
/// customer can be reached and left from the depot, demands 1-30, capacity 200, Dabia's three
/// categories (uniform per arc) and five zones.
pub fn planar_instance(n: usize, seed: u64) -> TdInstance {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let v = n + 2;
    let mut pts: Vec<[f64; 2]> = vec![[50.0, 50.0]];
    pts.extend((0..n).map(|_| [rng.random_range(0.0..100.0), rng.random_range(0.0..100.0)]));
    pts.push([50.0, 50.0]);
    let h = 2300.0;
    let zones: Vec<f64> = [0.0, 0.2, 0.3, 0.7, 0.8].iter().map(|f| f * h).collect();
    let speeds = [
        vec![1.0, 0.333333, 0.666667, 0.5, 0.833333],
        vec![1.16667, 0.666667, 1.33333, 0.833333, 1.0],
        vec![1.5, 1.0, 1.66667, 1.16667, 1.33333],
    ];
    let model = SpeedModel::new(zones, &speeds).expect("the Dabia speeds are a model");
    let mut dist = vec![f64::INFINITY; v * v];
    let mut category = vec![0u8; v * v];
    for i in 0..v {
        for j in 0..v {
            let open = i != j && j != 0 && i != v - 1 && !(i == 0 && j == v - 1);
            if open {
                let (a, b) = (pts[i], pts[j]);
                dist[i * v + j] = (10.0 * (a[0] - b[0]).hypot(a[1] - b[1])).floor();
            }
            category[i * v + j] = rng.random_range(0..3u8);
        }
    }
    let service = 100.0;
    let (mut ready, mut due) = (vec![0.0], vec![h]);
    for c in 1..=n {
        // Reachable and able to return even at the slowest speed (1/3, a little more).
        let d = 3.1 * dist[c].max(dist[c * v + v - 1]);
        let (lo, hi) = (d, (h - d - service).max(d));
        let centre = rng.random_range(lo..=hi);
        let half = rng.random_range(50.0..300.0);
        ready.push((centre - half).max(0.0).floor());
        due.push((centre + half).min(hi).floor().max((centre - half).max(0.0).floor()));
    }
    ready.push(0.0);
    due.push(h);
    let mut demand = vec![0];
    demand.extend((0..n).map(|_| rng.random_range(1..=30i64)));
    demand.push(0);
    let mut svc = vec![0.0];
    svc.extend(std::iter::repeat_n(service, n));
    svc.push(0.0);
    TdInstance {
        name: format!("planar-{n}-{seed}"),
        vertices: v,
        dist,
        category,
        model,
        ready,
        due,
        service: svc,
        demand,
        capacity: 200,
        max_routes: n,
    }
}

/// The static routing problem of a time-dependent instance: the same stops and windows, the
/// travel time of each arc at its category's mean speed, one vehicle type of `n` vans leaving
/// at the day's start, charged per unit of route time.
fn static_problem(inst: &TdInstance) -> Problem {
    let mean = inst.with_mean_speeds();
    let v = inst.vertices;
    let end = v - 1;
    let loc = |i: usize| if i == end { 0 } else { i };
    let nloc = v - 1;
    let mut distance = vec![vec![0.0; nloc]; nloc];
    let mut duration = vec![vec![0.0; nloc]; nloc];
    for i in 0..v {
        for j in 0..v {
            let d = inst.dist[i * v + j];
            if d.is_finite() {
                distance[loc(i)][loc(j)] = d;
                duration[loc(i)][loc(j)] = mean.arrival(i as u32, j as u32, 0.0);
            }
        }
    }
    let mut van = VehicleType::new("van", inst.max_routes, vec![inst.capacity]);
    van.shift = TimeWindow { start: inst.ready[0], end: inst.due[end] };
    van.cost_per_distance = 0.0;
    van.cost_per_time = 1.0;
    let stops = (1..end)
        .map(|c| {
            let mut s = Stop::new(format!("c{c}"), c, vec![inst.demand[c]]);
            s.service_time = inst.service[c];
            s.time_window = TimeWindow { start: inst.ready[c], end: inst.due[c] };
            s
        })
        .collect();
    Problem {
        profiles: Vec::new(),
        name: inst.name.clone(),
        locations: Locations::Matrix { distance, duration },
        depots: vec![Depot { id: "depot".into(), location: 0 }],
        vehicle_types: vec![van],
        stops,
        shipments: Vec::new(),
        objective: Objective::default(),
    }
}

/// Runs `bench td-speed`.
pub fn run_speed(a: SpeedArgs) -> anyhow::Result<ExitCode> {
    if !(2..=5000).contains(&a.stops) || a.iterations == 0 {
        bail!("--stops must be in [2, 5000] and --iterations at least 1");
    }
    let inst = planar_instance(a.stops, a.seed);
    let mean = inst.with_mean_speeds();
    let config = TdConfig { max_iterations: Some(a.iterations), ..TdConfig::default() };
    let timed = |i: &TdInstance| {
        let started = Instant::now();
        let (plan, stats) = td::solve(i, &config, &SolveContext::new(a.seed));
        (started.elapsed(), plan, stats.iterations)
    };
    let (td_time, td_plan, td_it) = timed(&inst);
    let (mean_time, _, mean_it) = timed(&mean);
    let problem = static_problem(&inst);
    let started = Instant::now();
    let cfg = SolverConfig::default().with_max_iterations(a.iterations);
    let solved = routing::solve(&problem, &cfg, &SolveContext::new(a.seed))?;
    let static_time = started.elapsed();
    let per = |d: Duration, it: u64| d.as_secs_f64() * 1e3 / it.max(1) as f64;
    let (td_ms, mean_ms) = (per(td_time, td_it), per(mean_time, mean_it));
    let static_ms = per(static_time, solved.stats.iterations);
    let summary = serde_json::json!({
        "instance": inst.name,
        "iterations": a.iterations,
        "td_ms_per_iteration": td_ms,
        "td_mean_speed_ms_per_iteration": mean_ms,
        "static_solver_ms_per_iteration": static_ms,
        "td_over_mean_speed": td_ms / mean_ms,
        "td_over_static_solver": td_ms / static_ms,
        "td_value": td_plan.value,
        "td_routes": td_plan.routes.len(),
        "td_unserved": inst.customers() - td_plan.routes.iter().map(|r| r.path.len() - 2).sum::<usize>(),
        "static_routes": solved.vehicles(),
    });
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}
