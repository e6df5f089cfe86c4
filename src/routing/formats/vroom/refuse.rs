//! The keys VROOM documents that stockroute does not honour (yet), each refused by its
//! JSON path with why: the one place to look for what the VROOM format lacks here, and
//! the one place to change when the model grows.

use super::input::VroomInput;
use super::{Mode, UNSUPPORTED, issue};
use crate::issue::Issue;

/// Every key of `input` that cannot be honoured in `mode`, all at once.
pub(super) fn unsupported(input: &VroomInput, mode: Mode) -> Vec<Issue> {
    let mut v = Vec::new();
    let mut no = |path: String, why: &str| v.push(issue(UNSUPPORTED, path, why));
    if input.matrix.is_some() {
        no("matrix".into(), "the deprecated `matrix` is not read: give `matrices.<profile>`");
    }
    for (profile, m) in input.matrices.iter().flatten() {
        if m.costs.is_some() {
            no(
                format!("matrices.{profile}.costs"),
                "custom cost matrices are not supported yet: costs come from `costs` \
                 (fixed, per_hour, per_km)",
            );
        }
    }
    let per_type = "service and setup times per vehicle type are not supported";
    let setup = "setup times are not supported yet (only 0)";
    for (i, j) in input.jobs.iter().enumerate() {
        let f = |k: &str| format!("jobs[{i}].{k}");
        if j.setup.is_some_and(|s| s > 0) {
            no(f("setup"), setup);
        }
        if j.setup_per_type.is_some() {
            no(f("setup_per_type"), per_type);
        }
        if j.service_per_type.is_some() {
            no(f("service_per_type"), per_type);
        }
        if j.amount.is_some() {
            no(f("amount"), "the deprecated job `amount` is not read: give `delivery`");
        }
    }
    for (i, s) in input.shipments.iter().enumerate() {
        for (end, step) in [("pickup", &s.pickup), ("delivery", &s.delivery)] {
            let f = |k: &str| format!("shipments[{i}].{end}.{k}");
            if step.setup.is_some_and(|s| s > 0) {
                no(f("setup"), setup);
            }
            if step.setup_per_type.is_some() {
                no(f("setup_per_type"), per_type);
            }
            if step.service_per_type.is_some() {
                no(f("service_per_type"), per_type);
            }
        }
    }
    for (i, x) in input.vehicles.iter().enumerate() {
        let f = |k: &str| format!("vehicles[{i}].{k}");
        for (k, b) in x.breaks.iter().flatten().enumerate() {
            if b.max_load.is_some() {
                no(
                    f(&format!("breaks[{k}].max_load")),
                    "a most load during a break is not modelled",
                );
            }
        }
        if x.start.is_none() && x.start_index.is_none() {
            no(f("start"), "a route without a start is not supported yet: give `start`");
        }
        if x.max_travel_time.is_some() {
            no(
                f("max_travel_time"),
                "a limit on travel time alone is not supported: stockroute limits a route's \
                 whole duration (travel, service and waiting)",
            );
        }
        if let Some(costs) = &x.costs
            && costs.per_task_hour.is_some_and(|c| c > 0)
        {
            no(f("costs.per_task_hour"), "costs per hour of task time are not supported yet");
        }
        match (mode, &x.steps) {
            (Mode::Solve, Some(_)) => no(
                f("steps"),
                "a starting route is not read when solving: send the request with check=true \
                 to evaluate given routes, or leave `steps` out",
            ),
            (Mode::Check, Some(steps)) => {
                for (k, s) in steps.iter().enumerate() {
                    let g = |key: &str| format!("vehicles[{i}].steps[{k}].{key}");
                    for (key, given) in [
                        ("service_at", s.service_at),
                        ("service_after", s.service_after),
                        ("service_before", s.service_before),
                    ] {
                        if given.is_some() {
                            no(g(key), "hard service-time constraints on steps are not supported");
                        }
                    }
                }
            }
            _ => {}
        }
    }
    v
}
