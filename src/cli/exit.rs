//! Exit codes and the one error printer of the command line.
//!
//! Scripts and schedulers act on the exit code, so each class of failure has its own:
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | success |
//! | 1    | input rejected: a scenario, spec, instance or argument value fails validation (every problem is listed); nothing was run |
//! | 2    | usage error: unknown flag, missing or unparsable argument (clap's own code) |
//! | 3    | run failure: the input was accepted but the run failed (I/O, store, solver, or a result that fails its independent check) |
//! | 130  | interrupted (Ctrl-C) |
//!
//! The table is repeated in the README and in `stockroute --help`
//! ([`HELP`]); `tests/it/cli.rs` checks each code through the real binary.
//!
//! The printer walks the error's cause chain and prints each cause once: many errors
//! already show their source in their own message (`"{path}: {source}"`), and printing the
//! chain as well gave the operating system's message twice (issue 19).

use std::process::ExitCode;
use stockroute::dispatch::DispatchError;
use stockroute::experiment::ExperimentError;
use stockroute::forecast::ForecastError;
use stockroute::plan::PlanError;
use stockroute::replan::ReplanError;
use stockroute::scenario::ScenarioError;
use stockroute::warehouse::WarehouseError;

/// Input rejected: validation failed, nothing was run.
pub const INPUT: u8 = 1;
/// A run failed after its input was accepted.
pub const RUN_FAILURE: u8 = 3;

/// The exit-code table for `--help`.
pub const HELP: &str = "Exit codes: 0 success; 1 input rejected (validation: scenario, spec, \
instance or argument value; nothing was run); 2 usage error (unknown flag, missing or \
unparsable argument); 3 run failure (I/O, store, solver, or a result failing its check); \
130 interrupted.";

/// The exit code for an error that ended a subcommand: [`INPUT`] when the error says the
/// input is wrong (the user fixes the input), [`RUN_FAILURE`] otherwise.
pub fn code_of(err: &anyhow::Error) -> ExitCode {
    let input = err.chain().any(|cause| {
        cause.downcast_ref::<ScenarioError>().is_some_and(scenario_input)
            || cause.downcast_ref::<PlanError>().is_some_and(plan_input)
            || cause.downcast_ref::<ExperimentError>().is_some_and(experiment_input)
            || cause.downcast_ref::<ForecastError>().is_some_and(forecast_input)
            || cause.downcast_ref::<WarehouseError>().is_some_and(warehouse_input)
            || cause.downcast_ref::<stockroute::Error>().is_some_and(crate_input)
            || cause.downcast_ref::<DispatchError>().is_some_and(dispatch_input)
            || cause.downcast_ref::<ReplanError>().is_some_and(replan_input)
            || cause.downcast_ref::<InputError>().is_some()
    });
    ExitCode::from(if input { INPUT } else { RUN_FAILURE })
}

/// An input problem found by the CLI itself (an argument value the library cannot check).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

fn scenario_input(e: &ScenarioError) -> bool {
    // A file that exists but cannot be read is trouble on the machine, not in the input.
    !matches!(e, ScenarioError::Io { .. })
}

fn forecast_input(e: &ForecastError) -> bool {
    match e {
        ForecastError::Scenario(s) => scenario_input(s),
        ForecastError::InvalidHistory { .. }
        | ForecastError::EmptyHistory { .. }
        | ForecastError::InvalidHorizon { .. }
        | ForecastError::HistoryTooShort { .. }
        | ForecastError::UnknownModel { .. } => true,
        _ => false,
    }
}

fn warehouse_input(e: &WarehouseError) -> bool {
    // A layout file that cannot be read, or a path the checker refuses, is not the user's input.
    !matches!(e, WarehouseError::Io { .. } | WarehouseError::CheckFailed { .. })
}

fn plan_input(e: &PlanError) -> bool {
    match e {
        PlanError::Scenario(s) => scenario_input(s),
        PlanError::Forecast(f) => forecast_input(f),
        PlanError::UnknownStation { .. } | PlanError::NoHistory { .. } => true,
        _ => false,
    }
}

fn experiment_input(e: &ExperimentError) -> bool {
    match e {
        ExperimentError::Scenario(s) => scenario_input(s),
        ExperimentError::Forecast(f) => forecast_input(f),
        ExperimentError::SpecSyntax(_)
        | ExperimentError::InvalidSpec(_)
        | ExperimentError::TooFewUnits { .. }
        | ExperimentError::HistoryTooShort { .. } => true,
        _ => false,
    }
}

fn dispatch_input(e: &DispatchError) -> bool {
    matches!(
        e,
        DispatchError::Episode { .. }
            | DispatchError::Instance { .. }
            | DispatchError::InstanceFile(_)
            | DispatchError::Solution { .. }
            | DispatchError::Parameter { .. }
    )
}

fn replan_input(e: &ReplanError) -> bool {
    matches!(e, ReplanError::Parse { .. } | ReplanError::Invalid(_))
        || matches!(e, ReplanError::Routing(stockroute::routing::RoutingError::Invalid(_)))
}

fn crate_input(e: &stockroute::Error) -> bool {
    match e {
        stockroute::Error::Scenario(s) => scenario_input(s),
        stockroute::Error::Plan(p) => plan_input(p),
        stockroute::Error::Experiment(x) => experiment_input(x),
        stockroute::Error::Forecast(f) => forecast_input(f),
        stockroute::Error::Dispatch(d) => dispatch_input(d),
        stockroute::Error::Replan(r) => replan_input(r),
        stockroute::Error::Warehouse(w) => warehouse_input(w),
        _ => false,
    }
}

/// The error and its causes, outermost first, each cause once: a cause whose message the
/// text so far already contains (an error that prints its own source) is not repeated.
pub fn text_of(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let message = cause.to_string();
        if message.is_empty() || text.contains(&message) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;

    fn io_error() -> anyhow::Error {
        let source = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file (os error 2)");
        Err::<(), _>(PlanError::Io { path: "out/plan.json".into(), source })
            .context("writing the plan")
            .unwrap_err()
    }

    #[test]
    fn each_cause_is_printed_once() {
        let text = text_of(&io_error());
        assert_eq!(text, "writing the plan: out/plan.json: No such file (os error 2)");
        assert_eq!(text.matches("os error 2").count(), 1);
    }

    #[test]
    fn input_errors_and_run_failures_have_distinct_codes() {
        assert_eq!(code_of(&io_error()), ExitCode::from(RUN_FAILURE));
        let station = stockroute::ids::StationId::new("DS-NOWHERE");
        let unknown = anyhow::Error::new(PlanError::UnknownStation { station });
        assert_eq!(code_of(&unknown), ExitCode::from(INPUT));
        let nested = anyhow::Error::new(stockroute::Error::Plan(PlanError::Scenario(
            ScenarioError::NotAFolder { path: "x".into() },
        )))
        .context("loading x");
        assert_eq!(code_of(&nested), ExitCode::from(INPUT));
        assert_ne!(INPUT, 2);
        assert_ne!(RUN_FAILURE, 2);
    }
}
