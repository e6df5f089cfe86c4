//! The `stockroute` command line: parse, set up logging, dispatch to `cli::*`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
