//! The `stockroute` command line: parse, set up logging, dispatch to `cli::*`.

mod cli;

/// mimalloc instead of glibc's malloc (cargo feature `mimalloc`, on by default): every job
/// and every solve runs on threads of its own, and glibc kept each thread's freed memory in
/// an arena of its own, so the server's resident memory climbed with the jobs it had run.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
