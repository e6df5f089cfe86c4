//! The one integration-test binary: one module per area.

mod api;
mod balance;
mod city;
mod cli;
mod dispatch;
mod experiment;
mod forecast;
mod multi_trip;
mod mutations;
mod open_routes;
mod pipeline;
mod placement;
mod plan;
mod profiles;
mod properties;
mod replan;
mod roads;
mod roads_profiles;
mod routing;
mod scenario;
mod shipments;
mod store;
mod td;
mod warehouse;

/// Starts `cmd`, waits for a stderr line starting with `prefix` (printed once the command's
/// Ctrl-C handler is installed), sends SIGINT and returns the exit status with the rest of
/// stderr.
#[cfg(unix)]
fn interrupt_after_line(
    cmd: &mut std::process::Command,
    prefix: &str,
) -> (std::process::ExitStatus, String) {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.starts_with(prefix) {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no line starting with {prefix:?}");
    }
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    (child.wait().unwrap(), rest)
}
