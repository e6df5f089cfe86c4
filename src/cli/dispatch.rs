//! `stockroute dispatch`: play one dynamic episode of the EURO-NeurIPS 2022 rules with a
//! dispatch policy and write the dispatched routes in the controller's shape
//! (`{"<epoch>": [[request ids], ...], ...}`), checked by stockroute's replay; or, with
//! `--check`, replay a solution made elsewhere (PyVRP in `scripts/dispatch_bench.py`).
//!
//! Prints a one-line JSON summary (cost, validity, per-epoch counts). Exit 1 when the
//! instance, episode or checked solution is refused, 3 when a played episode fails a rule
//! (as in the competition, the episode fails), 130 on Ctrl-C.

use anyhow::Context as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use stockroute::SolveContext;
use stockroute::dispatch::policies::{Sampling, SamplingConfig};
use stockroute::dispatch::{Episode, Instance, Policy, PolicyName, play, replay};

/// Play a dynamic episode with a dispatch policy.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The static instance (ORTEC VRPLIB `.txt`; not with `--protocol`).
    #[arg(required_unless_present = "protocol")]
    pub instance: Option<PathBuf>,
    /// The episode's request stream (CSV: request,release_epoch,must_dispatch_epoch,node,
    /// ready,due,service,demand).
    #[arg(long, required_unless_present = "protocol")]
    pub episode: Option<PathBuf>,
    /// Speak the upstream controller's JSON-lines protocol on stdin/stdout instead
    /// (`python controller.py --instance I --epoch_tlim T -- stockroute dispatch --protocol`);
    /// the epoch limit is the controller's `epoch_tlim` less a safety margin.
    #[arg(long, conflicts_with_all = ["instance", "episode", "out", "check"])]
    pub protocol: bool,
    /// Time limit per epoch, in seconds (the competition's final used 120).
    #[arg(long, default_value_t = 60.0)]
    pub epoch_time_limit_s: f64,
    /// The dispatch policy.
    #[arg(long, value_enum, default_value_t = PolicyName::Sampling)]
    pub policy: PolicyName,
    /// Seed of the solver and of the policy's sampling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Settings of the sampling policy as TOML (fields of `SamplingConfig`).
    #[arg(long)]
    pub sampling_config: Option<PathBuf>,
    /// Write the dispatched routes here (JSON, the controller's shape).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not play: replay this solution file (the controller's shape) and report it.
    #[arg(long, conflicts_with = "out")]
    pub check: Option<PathBuf>,
}

/// Runs the subcommand.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut policy = build_policy(&args)?;
    if args.protocol {
        return super::dispatch_protocol::run(policy.as_mut(), args.seed);
    }
    let (Some(instance_path), Some(episode_path)) = (&args.instance, &args.episode) else {
        anyhow::bail!("INSTANCE and --episode are required without --protocol");
    };
    let instance = Instance::read(instance_path)?;
    let episode = Episode::read(episode_path, &instance)?;
    if let Some(path) = &args.check {
        let log = stockroute::dispatch::replay::read_log(path)?;
        let result = replay(&instance, &episode, &log);
        let violations: Vec<String> =
            result.violations.iter().map(|(e, r)| format!("epoch {e}: {r}")).collect();
        let summary = serde_json::json!({
            "instance": instance.name,
            "solution": path.display().to_string(),
            "cost": result.cost_s,
            "valid": result.is_valid(),
            "epoch_cost": result.epoch_cost_s,
            "violations": violations,
        });
        println!("{summary}");
        return Ok(if result.is_valid() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(super::exit::INPUT)
        });
    }
    let limit = super::route::seconds(args.epoch_time_limit_s);
    let ctx = SolveContext::new(args.seed).with_cancel(super::interrupt::cancel_on_ctrl_c()?);
    let played = match play(&instance, &episode, policy.as_mut(), limit, &ctx) {
        Err(_) if ctx.cancel_token().is_cancelled() => return Ok(super::interrupt::interrupted()),
        other => other?,
    };
    if let Some(path) = &args.out {
        std::fs::write(path, stockroute::dispatch::replay::to_json(&played.log))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let summary = serde_json::json!({
        "instance": instance.name,
        "policy": played.policy,
        "seed": args.seed,
        "epoch_time_limit_s": args.epoch_time_limit_s,
        "requests": episode.requests.len(),
        "cost": played.replay.cost_s,
        "valid": played.replay.is_valid(),
        "routes": played.epochs.iter().map(|e| e.routes).sum::<usize>(),
        "seconds": started.elapsed().as_secs_f64(),
        "epochs": played.epochs,
    });
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}

/// The policy the arguments name, with the sampling settings of `--sampling-config`.
fn build_policy(args: &Args) -> anyhow::Result<Box<dyn Policy>> {
    Ok(match (args.policy, &args.sampling_config) {
        (PolicyName::Sampling, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let config: SamplingConfig =
                toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
            config.validate()?;
            Box::new(Sampling::new(config, Default::default()))
        }
        (name, _) => name.build(Default::default()),
    })
}
