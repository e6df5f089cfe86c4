//! `stockroute slot <SCENARIO> --centre ID`: a storage location per SKU for one centre.
//!
//! ```text
//! stockroute slot <SCENARIO> --centre ID [--policy velocity|abc|cube-per-order|random]
//!                 [--store FILE --run ID] [--current slotting.csv --max-moves N] [--out FILE]
//! ```
//!
//! Velocity comes from a stored forecast run when `--run` is given (the mean demand of the
//! zones nearest the centre), else from the scenario's demand history. Writes
//! `sku,aisle,block,slot,side,level` rows (to `--out`, or stdout) and prints the expected
//! round-trip travel per day on stderr. With `--current` (a file of the same shape) it
//! writes instead up to `--max-moves` swaps that bring the current slotting towards
//! velocity slotting, the fastest SKUs first. Exit codes: 0 done, 1 an invalid scenario,
//! layout, file or argument, 3 a run failure.

use anyhow::{Context as _, bail};
use clap::ValueEnum;
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stockroute::ids::{CentreId, RunId};
use stockroute::store::{self, ForecastStore};
use stockroute::warehouse::from_scenario;
use stockroute::warehouse::layout::{Layout, LocIdx, Side};
use stockroute::warehouse::orders::OrderDay;
use stockroute::warehouse::slotting::{self, Slotting, SlottingPolicy, Velocity};

use super::exit::InputError;

/// Slotting policies on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PolicyArg {
    /// Fastest SKU nearest.
    Velocity,
    /// ABC classes.
    Abc,
    /// Cube-per-order index.
    CubePerOrder,
    /// Random.
    Random,
}

impl From<PolicyArg> for SlottingPolicy {
    fn from(p: PolicyArg) -> Self {
        match p {
            PolicyArg::Velocity => SlottingPolicy::Velocity,
            PolicyArg::Abc => SlottingPolicy::Abc,
            PolicyArg::CubePerOrder => SlottingPolicy::CubePerOrder,
            PolicyArg::Random => SlottingPolicy::Random,
        }
    }
}

/// How SKUs are slotted (shared with `stockroute pick`).
#[derive(Debug, clap::Args)]
pub struct SlottingArgs {
    /// Slotting policy.
    #[arg(long, value_enum, default_value_t = PolicyArg::Velocity)]
    policy: PolicyArg,
    /// Forecast store (SQLite file or postgres:// URL) holding `--run`.
    #[arg(long, default_value = "stockroute.sqlite")]
    store: PathBuf,
    /// Forecast run whose velocity to slot by (default: the demand history).
    #[arg(long)]
    run: Option<String>,
    /// Seed (random and ABC slotting, ties).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Arguments of `stockroute slot`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario folder.
    scenario: PathBuf,
    /// The centre.
    #[arg(long)]
    centre: String,
    #[command(flatten)]
    slotting: SlottingArgs,
    /// The slotting in place now (`sku,aisle,block,slot,side,level`): propose swaps instead.
    #[arg(long)]
    current: Option<PathBuf>,
    /// Most swaps to propose with `--current`.
    #[arg(long, default_value_t = 100)]
    max_moves: usize,
    /// Output CSV (default: stdout).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// What pick and slot need of a scenario.
pub struct Loaded {
    pub layout: Layout,
    pub day: OrderDay,
    pub velocity: Velocity,
    pub slotting: Slotting,
    pub velocity_from: String,
}

/// Loads the scenario, the centre's layout and velocity, and slots; `None` after printing
/// an invalid scenario's report.
pub fn load(
    folder: &Path,
    centre: &CentreId,
    args: &SlottingArgs,
) -> anyhow::Result<Option<Loaded>> {
    let scenario = match super::load_scenario(folder)? {
        Ok(s) => s,
        Err(_) => return Ok(None),
    };
    let layout = from_scenario::load_centre_layout(folder, &scenario, centre)?;
    let day = from_scenario::order_day(&scenario, centre);
    let (velocity, velocity_from) = match &args.run {
        Some(run) => {
            let store = store::open(&args.store)?;
            let rows = store
                .read_run(&RunId::new(run.as_str()))
                .with_context(|| format!("reading run {run}"))?;
            let zones = from_scenario::served_zones(&scenario, centre);
            (slotting::velocity_from_forecast(&rows, &day.skus, Some(&zones)), format!("run {run}"))
        }
        None => (from_scenario::velocity_from_history(&scenario, centre), "history".to_owned()),
    };
    let slotting = slotting::slot(&layout, &day.skus, &velocity, args.policy.into(), args.seed)?;
    Ok(Some(Loaded { layout, day, velocity, slotting, velocity_from }))
}

fn side(s: Side) -> &'static str {
    match s {
        Side::Left => "left",
        Side::Right => "right",
    }
}

/// Reads a slotting file against the layout and the day's SKUs (strict: every row parses
/// and names a known SKU and location, every SKU once).
fn read_current(path: &Path, layout: &Layout, day: &OrderDay) -> anyhow::Result<Slotting> {
    let mut by_place: HashMap<(u32, u32, u32, &str, u32), LocIdx> = HashMap::new();
    for (i, l) in layout.locations.iter().enumerate() {
        by_place.insert((l.aisle, l.block, l.slot, side(l.side), l.level), LocIdx(i as u32));
    }
    let index: HashMap<&str, usize> =
        day.skus.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut location_of: Vec<Option<LocIdx>> = vec![None; day.skus.len()];
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    for (row, rec) in reader.records().enumerate() {
        let line = row + 2;
        let rec = rec.with_context(|| format!("{}:{line}", path.display()))?;
        let field = |k: usize| rec.get(k).unwrap_or("").trim();
        let num = |k: usize| -> anyhow::Result<u32> {
            field(k).parse().map_err(|_| {
                InputError(format!(
                    "{}:{line}: column {} is not a whole number: {:?}",
                    path.display(),
                    k + 1,
                    field(k)
                ))
                .into()
            })
        };
        let Some(&sku) = index.get(field(0)) else {
            bail!(InputError(format!("{}:{line}: unknown SKU {:?}", path.display(), field(0))));
        };
        let place = (num(1)?, num(2)?, num(3)?, field(4), num(5)?);
        let Some(&loc) = by_place.get(&place) else {
            bail!(InputError(format!("{}:{line}: no such location in the layout", path.display())));
        };
        if location_of[sku].replace(loc).is_some() {
            bail!(InputError(format!("{}:{line}: SKU {} slotted twice", path.display(), field(0))));
        }
    }
    let location_of = location_of
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            l.ok_or_else(|| {
                InputError(format!("{}: SKU {} has no row", path.display(), day.skus[i].id))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Slotting { location_of })
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let centre = CentreId::new(args.centre.as_str());
    let Some(input) = load(&args.scenario, &centre, &args.slotting)? else {
        return Ok(ExitCode::from(super::exit::INPUT));
    };
    let mut out: Box<dyn std::io::Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    let travel_m =
        |s: &Slotting| slotting::expected_travel_cm(&input.layout, s, &input.velocity) / 100.0;
    if let Some(current) = &args.current {
        let now = read_current(current, &input.layout, &input.day)?;
        let swaps = slotting::reslot(&input.layout, &now, &input.velocity, args.max_moves);
        writeln!(out, "sku,with_sku,saving_m_per_day")?;
        for s in &swaps {
            let id = |k: u32| input.day.skus[k as usize].id.as_str();
            writeln!(out, "{},{},{:.2}", id(s.sku.0), id(s.with.0), s.saving_cm_per_day / 100.0)?;
        }
        let saved: f64 = swaps.iter().map(|s| s.saving_cm_per_day).sum::<f64>() / 100.0;
        eprintln!(
            "{} swaps; expected travel {:.0} m/day now, {:.0} m/day after (velocity from {})",
            swaps.len(),
            travel_m(&now),
            travel_m(&now) - saved,
            input.velocity_from
        );
    } else {
        writeln!(out, "sku,aisle,block,slot,side,level")?;
        for (sku, loc) in input.day.skus.iter().zip(&input.slotting.location_of) {
            let l = input.layout.location(*loc).context("slotting gives layout locations")?;
            writeln!(
                out,
                "{},{},{},{},{},{}",
                sku.id,
                l.aisle,
                l.block,
                l.slot,
                side(l.side),
                l.level
            )?;
        }
        eprintln!(
            "{} SKUs slotted; expected travel {:.0} m/day (velocity from {})",
            input.day.skus.len(),
            travel_m(&input.slotting),
            input.velocity_from
        );
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
