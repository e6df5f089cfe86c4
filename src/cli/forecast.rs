//! `stockroute forecast`: forecast every (sku, zone) series of a history, store the run and
//! print its id; or, with `--backtest`, score every model and the selection on a held-out
//! window.
//!
//! ```text
//! stockroute forecast <SCENARIO> [--horizon 28] [--store stockroute.sqlite] [--out forecast.csv]
//! stockroute forecast --history demand.csv --zone-column region --horizon 28 --backtest
//! ```
//!
//! The store defaults to `stockroute.sqlite` in the current directory (created on first
//! use). The run id (or the backtest table) goes to stdout, the progress bar and the
//! history summary to stderr. Ctrl-C stops the run with exit code 130 and stores nothing.

use anyhow::Context;
use clap::Args as ClapArgs;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use stockroute::forecast::{
    self, BacktestReport, ForecastConfig, ForecastSet, Frequency, History, HistoryOptions,
    ModelKind, Selection,
};
use stockroute::store;
use stockroute::{Progress, SolveContext};

/// Arguments of `stockroute forecast`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Scenario folder: loaded and validated (exit 1 with the report if invalid); its demand
    /// rows are the history, its period and horizon the defaults.
    #[arg(required_unless_present = "history", conflicts_with = "history")]
    scenario: Option<PathBuf>,
    /// History CSV instead of a scenario: date,sku,<zone column>,quantity.
    #[arg(long, value_name = "CSV")]
    history: Option<PathBuf>,
    /// Name of the zone column (the shared demand file calls it `region`).
    #[arg(long, default_value = "zone")]
    zone_column: String,
    /// Period length of `--history`: daily or weekly (a scenario's own period wins).
    #[arg(long, default_value = "daily")]
    frequency: Frequency,
    /// Periods to forecast (default with a scenario: its `horizon_periods`).
    #[arg(long)]
    horizon: Option<usize>,
    /// Forecast store (SQLite file, created if missing, or a postgres:// URL).
    #[arg(long, default_value = "stockroute.sqlite")]
    store: PathBuf,
    /// Also write the forecast as CSV: sku,zone,date,mean,p50,p90,p50_cum,p90_cum (the
    /// `_cum` columns: quantiles of demand summed from the first forecast period through
    /// that date).
    #[arg(long, value_name = "CSV")]
    out: Option<PathBuf>,
    /// Score every model and the selection on the last `--holdout` periods instead of
    /// forecasting (nothing is stored).
    #[arg(long)]
    backtest: bool,
    /// Periods held out by `--backtest` (default: the horizon). The scored window is the
    /// first `horizon` of them; a larger value evaluates an earlier window.
    #[arg(long)]
    holdout: Option<usize>,
    /// Write the backtest report as JSON here.
    #[arg(long, value_name = "JSON")]
    report: Option<PathBuf>,
    /// Selection policy: per_class, per_series or global.
    #[arg(long, default_value = "per_class")]
    selection: Selection,
    /// Candidate models, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    models: Option<Vec<String>>,
    /// Reconciliation of bottom forecasts with zone/SKU totals: bottom_up, ols, wls.
    #[arg(long, default_value = "bottom_up")]
    reconciliation: stockroute::forecast::hierarchy::Reconciliation,
    /// Rolling origins used for selection.
    #[arg(long, default_value_t = 3)]
    origins: usize,
    /// Bias correction of the selected forecasts: per_class (fitted on the selection's
    /// origins) or none.
    #[arg(long, default_value = "per_class")]
    bias_correction: stockroute::forecast::BiasCorrection,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (history, source, frequency, default_horizon) = match (&args.history, &args.scenario) {
        (Some(h), _) => {
            let options =
                HistoryOptions { zone_column: args.zone_column.clone(), frequency: args.frequency };
            (History::read_csv(h, &options)?, h.display().to_string(), args.frequency, None)
        }
        (None, Some(folder)) => {
            let scn = match super::load_scenario(folder)? {
                Ok(scn) => scn,
                Err(code) => return Ok(code),
            };
            let history = History::from_scenario(&scn)
                .with_context(|| format!("{}: no demand rows", folder.display()))?;
            let frequency = history.frequency();
            (history, folder.display().to_string(), frequency, Some(scn.horizon_periods as usize))
        }
        (None, None) => {
            let why = "give a scenario folder or --history CSV";
            return Err(super::exit::InputError(why.to_owned()).into());
        }
    };
    let horizon = args
        .horizon
        .or(default_horizon)
        .context("--horizon is required with --history (a scenario gives its own)")?;
    let cancel = super::interrupt::cancel_on_ctrl_c()?;
    let mut config = ForecastConfig::new(frequency, horizon);
    config.selection = args.selection;
    config.origins = args.origins;
    config.reconciliation = args.reconciliation;
    config.bias_correction = args.bias_correction;
    if let Some(models) = &args.models {
        config.candidates =
            models.iter().map(|m| m.parse::<ModelKind>()).collect::<Result<_, _>>()?;
    }
    let threads =
        args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let bar = Arc::new(Bar::new());
    let ctx = SolveContext::new(0)
        .with_threads(threads)
        .with_progress(bar.clone())
        .with_cancel(cancel.clone());
    eprintln!(
        "history: {} series, {} periods from {}, {} units",
        history.len(),
        history.periods(),
        history.period_start(0),
        history.total_units()
    );
    if args.backtest {
        let holdout = args.holdout.unwrap_or(horizon);
        let started = std::time::Instant::now();
        let report = forecast::backtest(&history, &config, holdout, &ctx)?;
        bar.finish();
        print_report(&report, started.elapsed().as_secs_f64());
        if let Some(out) = &args.report {
            std::fs::write(out, serde_json::to_string_pretty(&report)?)
                .with_context(|| format!("writing {}", out.display()))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = store::open(&args.store)?;
    let run = store::forecast_run::<stockroute::Error>(&store, &history, &config, source, &ctx);
    bar.finish();
    if cancel.is_cancelled() {
        return Ok(super::interrupt::interrupted());
    }
    let run = run?;
    if let Some(out) = &args.out {
        write_csv(&run.set, out).with_context(|| format!("writing {}", out.display()))?;
    }
    println!("{}", run.id);
    Ok(ExitCode::SUCCESS)
}

fn write_csv(set: &ForecastSet, out: &PathBuf) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(out)?;
    w.write_record(["sku", "zone", "date", "mean", "p50", "p90", "p50_cum", "p90_cum"])?;
    for s in &set.series {
        for h in 0..set.horizon {
            w.write_record([
                s.sku.as_str(),
                s.zone.as_str(),
                &set.period_start(h).to_string(),
                &format!("{:.4}", s.mean[h]),
                &format!("{:.4}", s.p50[h]),
                &format!("{:.4}", s.p90[h]),
                &format!("{:.4}", s.p50_cum[h]),
                &format!("{:.4}", s.p90_cum[h]),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

fn print_report(report: &BacktestReport, seconds: f64) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "backtest: window from {}, {} periods, {} series, selection {:?}, {seconds:.1} s",
        report.holdout_start, report.horizon, report.selected.series, report.selection
    );
    let _ = writeln!(
        out,
        "{:<18} {:>9} {:>9} {:>7} {:>7} {:>8} {:>8} {:>6} {:>6} {:>7}",
        "model",
        "totWAPE",
        "dayWAPE",
        "RMSSE",
        "bias",
        "pinb50",
        "pinb90",
        "cov50",
        "cov90",
        "chosen"
    );
    let line = |out: &mut std::io::StdoutLock, name: &str, m: &forecast::Metrics, n: String| {
        let _ = writeln!(
            out,
            "{name:<18} {:>9.4} {:>9.4} {:>7.4} {:>+7.3} {:>8.4} {:>8.4} {:>6.3} {:>6.3} {n:>7}",
            m.total_wape,
            m.period_wape,
            m.rmsse,
            m.bias,
            m.scaled_pinball_p50,
            m.scaled_pinball_p90,
            m.coverage_p50,
            m.coverage_p90
        );
    };
    for r in &report.models {
        line(&mut out, r.model.name(), &r.metrics, r.chosen_for.to_string());
    }
    line(&mut out, "SELECTED", &report.selected, String::new());
    let _ = writeln!(
        out,
        "horizon totals (share of series with actual total <= quantile; pinball / actual):"
    );
    let _ = writeln!(
        out,
        "{:<18} {:>8} {:>8} {:>8} {:>10} {:>10}",
        "model", "cov50cum", "cov90cum", "pinb90cum", "cov90sum", "cov90indep"
    );
    let totals = |out: &mut std::io::StdoutLock, name: &str, m: &forecast::Metrics| {
        let _ = writeln!(
            out,
            "{name:<18} {:>8.3} {:>8.3} {:>9.4} {:>10.3} {:>10.3}",
            m.total_coverage_p50,
            m.total_coverage_p90,
            m.total_scaled_pinball_p90,
            m.summed_p90_total_coverage,
            m.independent_p90_total_coverage
        );
    };
    for r in &report.models {
        totals(&mut out, r.model.name(), &r.metrics);
    }
    totals(&mut out, "SELECTED", &report.selected);
    let _ = writeln!(out, "bias correction (fitted on the selection origins):");
    for f in &report.bias_factors {
        let _ = writeln!(
            out,
            "  {:<13} {:>6} series  bias {:>7}  factor {:.3}",
            format!("{:?}", f.class),
            f.series,
            f.bias.map_or("-".to_owned(), |b| format!("{b:+.3}")),
            f.factor
        );
    }
    let _ =
        writeln!(out, "hierarchy (WAPE of horizon totals / per period; bottom = scored series):");
    for l in &report.hierarchy {
        let _ = writeln!(
            out,
            "  {:<16} {:<7} {:>6} nodes  {:>7.4} {:>7.4}",
            format!("{:?}", l.method),
            l.level,
            l.nodes,
            l.total_wape,
            l.period_wape
        );
    }
}

/// The CLI's [`Progress`] sink: an indicatif bar on stderr, hidden when stderr is not a
/// terminal so logs and pipes stay clean.
pub struct Bar(ProgressBar);

impl Bar {
    /// A hidden-until-used bar on stderr.
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {eta}") {
            bar.set_style(style.progress_chars("=> "));
        }
        Self(bar)
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn set_total(&self, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
    }
    fn advance(&self, steps: u64) {
        self.0.inc(steps);
    }
    fn phase(&self, name: &str) {
        self.0.set_message(name.to_owned());
    }
}
