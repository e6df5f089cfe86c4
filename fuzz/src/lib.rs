//! What the fuzz targets share: a scenario folder to drop one fuzzed file into, the
//! service's default limits, and a solve bounded to tiny problems.
//!
//! Every target calls the library's public entry points exactly as the CLI and the service
//! do; this file only holds the scaffolding around them. The bounds here (problem size,
//! iterations, time) keep each execution in the milliseconds so that millions of them fit
//! in a run; they never hide what the parsers and validators do with a hostile input,
//! which always runs in full.
//!
//! The scenario targets ([`scenario_with`] + [`load_scenario`]) load a whole folder per
//! execution, as `stockroute validate` and the service do, so the cross-file rules that
//! read the fuzzed file (ids that must exist, zones and SKUs without demand, the series
//! rules) run too. They are built with `--no-trace-compares` (see scripts/fuzz.sh): most of
//! an execution is building the CSV readers and parsing the TOML of the fixed files, work
//! that does not depend on the input, and with every comparison in it a libFuzzer callback
//! that was over half of the time. Loading the fixed files from memory instead would only
//! save the system calls (about 12 % of the time), not worth a second loading path.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;
use stockroute::SolveContext;
use stockroute::api::ServiceConfig;
use stockroute::routing::{self, Problem, SolverConfig};

/// The small valid scenario of the integration tests, built in at compile time so that a
/// target runs from any working directory.
const BASE: [(&str, &str); 5] = [
    ("scenario.toml", include_str!("../../tests/data/valid/scenario.toml")),
    ("zones.csv", include_str!("../../tests/data/valid/zones.csv")),
    ("skus.csv", include_str!("../../tests/data/valid/skus.csv")),
    ("demand.csv", include_str!("../../tests/data/valid/demand.csv")),
    ("orders.csv", include_str!("../../tests/data/valid/orders.csv")),
];

/// Largest problem a target solves after a successful parse (stops, locations):
/// the solver's own limits are tested by its tests and benches, not here.
const TINY: usize = 12;

/// A scenario folder whose files are those of [`BASE`] except `file`, which holds `data`.
///
/// One folder per process and file name, made on first use (the fuzzer runs one target
/// per process); each call overwrites `file` only. The folder lives under `TMPDIR` (the
/// fuzz script points it at a RAM disk when there is one).
///
/// # Panics
/// When the temporary folder cannot be written: the harness, not the input, is broken.
pub fn scenario_with(file: &str, data: &[u8]) -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder for the scenario");
        for (name, text) in BASE {
            std::fs::write(dir.path().join(name), text).expect("write a base scenario file");
        }
        let path = dir.path().to_path_buf();
        (dir, path)
    });
    std::fs::write(path.join(file), data).expect("write the fuzzed scenario file");
    path
}

/// Loads a scenario folder as `stockroute forecast|place|plan` do, then derives its clean
/// series (what every stage reads next).
pub fn load_scenario(folder: &Path) {
    if let Ok((scenario, _report)) = stockroute::scenario::load(folder) {
        let series = scenario.series();
        let _ = series.summary(4);
    }
}

/// The service's default limits (`stockroute serve` without flags).
pub fn service_config() -> &'static ServiceConfig {
    static CONFIG: OnceLock<ServiceConfig> = OnceLock::new();
    CONFIG.get_or_init(ServiceConfig::default)
}

/// Validates a parsed problem and, when it is tiny, solves it for a few iterations and
/// checks the solution independently ([`routing::solve_checked`]), as `stockroute route`
/// and `POST /v1/routes` do.
pub fn validate_and_solve(problem: &Problem) {
    if problem.validate().is_err() {
        return;
    }
    // The fleet size is not bounded: the solver must treat a huge `count` as a limit,
    // never allocate by it.
    if problem.stops.len() > TINY || problem.locations.len() > TINY {
        return;
    }
    let config = SolverConfig::default().with_max_iterations(20);
    let ctx = SolveContext::new(7).with_threads(1).with_time_limit(Duration::from_secs(1));
    let _ = routing::solve_checked(problem, &config, &ctx);
}

/// The text of one file of the base scenario (empty for an unknown name).
pub fn base(file: &str) -> &'static [u8] {
    BASE.iter().find(|(name, _)| *name == file).map_or(&[], |(_, text)| text.as_bytes())
}
