//! `stockroute dispatch --protocol`: the upstream controller's JSON-lines protocol on
//! stdin/stdout (see `stockroute::dispatch::protocol`), so the official EURO-NeurIPS 2022
//! harness can run stockroute: `python controller.py --instance I --instance_seed 1
//! --epoch_tlim 60 -- stockroute dispatch --protocol --policy sampling`. Only JSON goes to
//! stdout; logs go to stderr.

use anyhow::Context as _;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;
use stockroute::SolveContext;
use stockroute::dispatch::Policy;
use stockroute::dispatch::protocol::{ResetAnswer, StepAnswer, instance, observation};

/// Longest message line accepted from the controller (the largest ORTEC instance's
/// context is about 6 MB of JSON).
const MAX_LINE_BYTES: u64 = 256 << 20;

/// Plays the controller's episode with `policy`.
pub fn run(policy: &mut dyn Policy, seed: u64) -> anyhow::Result<ExitCode> {
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    let ctx = SolveContext::new(seed);
    send(&mut output, &serde_json::json!({"action": "reset", "data": null}))?;
    let reset: ResetAnswer = serde_json::from_str(&receive(&mut input)?)
        .context("parsing the controller's reset answer")?;
    let inst = match &reset.info.dynamic_context {
        Some(context) => instance(context, "controller")?,
        None => instance(&reset.observation.epoch_instance, "controller")?,
    };
    let end =
        if reset.info.is_static { reset.observation.current_epoch } else { reset.info.end_epoch };
    // The controller allows epoch_tlim + 2 s from sending an observation to reading the
    // answer; keep a margin for the process and the pipes.
    let tlim = reset.info.epoch_tlim.clamp(0.1, 3600.0);
    let limit = Duration::from_secs_f64(tlim - (tlim / 4.0).min(1.0));
    let mut next = Some(reset.observation);
    while let Some(wire) = next.take() {
        let obs = observation(&inst, &wire, end)?;
        let epoch_ctx = ctx.child(seed ^ u64::from(obs.epoch)).with_time_limit(limit);
        let routes = policy.dispatch(&inst, &obs, &epoch_ctx)?;
        eprintln!(
            "epoch {}: {} known, {} must, {} dispatched on {} routes",
            obs.epoch,
            obs.requests.len(),
            obs.must().len(),
            routes.iter().map(Vec::len).sum::<usize>(),
            routes.len()
        );
        send(&mut output, &serde_json::json!({"action": "step", "data": routes}))?;
        let answer: StepAnswer = serde_json::from_str(&receive(&mut input)?)
            .context("parsing the controller's step answer")?;
        if let Some(error) =
            answer.info.as_ref().and_then(|i| i.get("error")).filter(|e| !e.is_null())
        {
            eprintln!("the controller failed the episode: {error}");
            return Ok(ExitCode::from(super::exit::RUN_FAILURE));
        }
        if answer.done {
            break;
        }
        next = Some(answer.observation.context("the controller sent no observation")?);
    }
    Ok(ExitCode::SUCCESS)
}

fn send(out: &mut impl Write, message: &serde_json::Value) -> anyhow::Result<()> {
    writeln!(out, "{message}").context("writing to the controller")?;
    out.flush().context("writing to the controller")
}

fn receive(input: &mut impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    let mut limited = std::io::Read::take(&mut *input, MAX_LINE_BYTES);
    let n = limited.read_line(&mut line).context("reading from the controller")?;
    anyhow::ensure!(n > 0, "the controller closed the connection");
    anyhow::ensure!(line.ends_with('\n'), "a controller message over {MAX_LINE_BYTES} bytes");
    Ok(line)
}
