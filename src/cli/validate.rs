//! `stockroute validate <SCENARIO> [--json]`: check a scenario folder and print every issue
//! (the files, then the road extract built into the graph, as `plan` will use them).
//!
//! Exit codes: 0 valid (warnings allowed), 1 invalid (errors listed), 2 usage or I/O
//! trouble (no such folder, unreadable file).

use anyhow::Context;
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use stockroute::scenario::ScenarioError;

/// Warnings listed per code in the text report unless `--all-warnings`.
const WARNINGS_PER_CODE: usize = 5;

/// Arguments of `validate`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The scenario folder (scenario.toml, zones.csv, skus.csv, demand.csv, orders.csv).
    pub scenario: PathBuf,
    /// Print the report as JSON: { ok, errors, warnings, issues, summary }.
    #[arg(long)]
    pub json: bool,
    /// List every warning in the text report (by default at most 5 per code, then a count;
    /// errors are always listed in full).
    #[arg(long)]
    pub all_warnings: bool,
}

/// Loads the scenario and prints its report on stdout.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (report, code) = match stockroute::plan::validate(&args.scenario) {
        Ok((_, report, _)) => (report, ExitCode::SUCCESS),
        Err(ScenarioError::Invalid(report)) => (report, ExitCode::from(super::exit::INPUT)),
        Err(other) => {
            return Err(other).with_context(|| format!("validate {}", args.scenario.display()));
        }
    };
    let text = if args.json {
        report.to_json() + "\n"
    } else {
        let per_code = if args.all_warnings { None } else { Some(WARNINGS_PER_CODE) };
        report.to_text(&args.scenario.display().to_string(), per_code)
    };
    // A closed pipe (`| head`) is not an error of the scenario: keep the verdict's code.
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("write report"),
        _ => Ok(code),
    }
}
