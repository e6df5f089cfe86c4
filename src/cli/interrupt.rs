//! Ctrl-C for the long-running subcommands: SIGINT sets the run's [`CancelToken`], the solve
//! stops at its next check, and the subcommand exits with 130 (128 + SIGINT) without
//! writing anything (the forecast store only ever gets whole runs).
//!
//! The handler is process-wide and can be installed once; one subcommand runs per process,
//! so that is enough.

use anyhow::Context;
use std::process::ExitCode;
use stockroute::CancelToken;

/// A fresh token that SIGINT (Ctrl-C) cancels.
///
/// # Errors
/// When the signal handler cannot be installed.
pub fn cancel_on_ctrl_c() -> anyhow::Result<CancelToken> {
    let token = CancelToken::new();
    let on_signal = token.clone();
    ctrlc::set_handler(move || {
        eprintln!("interrupted: stopping (nothing is written)");
        on_signal.cancel();
    })
    .context("installing the Ctrl-C handler")?;
    Ok(token)
}

/// The exit code after an interrupt, with a message.
pub fn interrupted() -> ExitCode {
    eprintln!("interrupted");
    ExitCode::from(130)
}
