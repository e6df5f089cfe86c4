//! `POST /v1/picks`: a centre's pick day (batches, pick paths, robots) planned as a job.
//!
//! The building and the orders come from the scenario the service loaded (`centre`: its
//! `warehouses/<centre>.toml`, the orders of the zones it serves, velocity from the demand
//! history) or from the seeded generator (`generated`, for trials and benchmarks). The
//! request is checked before the job is stored (sizes, options, the centre's layout file,
//! the urgent order's SKUs), so a bad one is a 4xx naming the field now, never a failed job
//! later. The job shows its phases (`slot`, `batch`, `route` one step per batch, `assign`,
//! `urgent`), stops on `DELETE /v1/jobs/{id}` and at its deadline, and its result is the
//! day's figures plus the drawing the planner's page shows ([`PickView`]): layout, heat of
//! SKU velocity, the earliest batches' paths. With `urgent`, the plan is made without the
//! urgent order, which is then inserted at its arrival ([`crate::warehouse::urgent`]), and
//! the result compares that with waiting for the next wave.

use super::{out_of_range, submit};
use crate::api::config::seconds;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::AppJson;
use crate::api::state::AppState;
use crate::ids::{CentreId, JobId};
use crate::warehouse::batching::BatchingPolicy;
use crate::warehouse::generate::{self, DayOptions};
use crate::warehouse::layout::Layout;
use crate::warehouse::orders::OrderDay;
use crate::warehouse::paths::Method;
use crate::warehouse::slotting::{self, Slotting, SlottingPolicy, Velocity};
use crate::warehouse::urgent::{self, Urgent, UrgentOrder};
use crate::warehouse::view::PickView;
use crate::warehouse::{PickConfig, WarehouseError, from_scenario, pick_day};
use crate::{Error, SolveContext};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The most lines a generated day of this endpoint may have.
pub const MAX_GENERATED_LINES: u64 = 200_000;
/// The most batch paths a result carries.
pub const MAX_PATHS: usize = 2000;

/// A generated building and order day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneratedPick {
    /// Blocks (count, 1-20).
    #[schema(example = 2, minimum = 1, maximum = 20)]
    pub blocks: u32,
    /// Aisles (count, 1-100).
    #[schema(example = 10, minimum = 1, maximum = 100)]
    pub aisles: u32,
    /// Slots along each side of an aisle per block (count, 1-100).
    #[schema(example = 10, minimum = 1, maximum = 100)]
    pub slots_per_side: u32,
    /// Robots (count, 1-200).
    #[schema(example = 4, minimum = 1, maximum = 200)]
    pub robots: u32,
    /// SKUs in the catalogue (count, 1 to the layout's locations).
    #[schema(example = 200, minimum = 1)]
    pub skus: u32,
    /// Order lines of the day (count, about; 1-200000).
    #[schema(example = 500, minimum = 1, maximum = 200000)]
    pub lines: u64,
    /// Length of the shift over which orders are released (seconds, 0-86400, default 28800).
    #[serde(default = "default_shift_s")]
    #[schema(example = 28800, minimum = 0, maximum = 86400)]
    pub shift_s: u32,
}

fn default_shift_s() -> u32 {
    8 * 3600
}

/// The body of `POST /v1/picks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PickRequest {
    /// A centre of the loaded scenario (needs `--scenario` and its layout file). Exactly one
    /// of `centre` and `generated`.
    #[schema(example = "FC-VENTIMIGLIA")]
    pub centre: Option<String>,
    /// A generated building and day instead of a scenario centre.
    pub generated: Option<GeneratedPick>,
    /// Batching policy (default `savings`).
    #[serde(default)]
    #[schema(value_type = String, example = "savings")]
    pub batching: BatchingPolicy,
    /// Pick-path method (default `auto`: exact on one and two blocks).
    #[serde(default)]
    #[schema(value_type = String, example = "auto")]
    pub method: Method,
    /// Slotting policy (default `velocity`).
    #[serde(default)]
    #[schema(value_type = String, example = "velocity")]
    pub slotting: SlottingPolicy,
    /// Wave length (seconds, 60-86400, default 3600).
    #[serde(default = "default_wave_s")]
    #[schema(example = 3600, minimum = 60, maximum = 86400)]
    pub wave_s: u32,
    /// Seed of random slotting and generated days (no unit).
    #[serde(default)]
    #[schema(example = 1, minimum = 0)]
    pub seed: u64,
    /// Time limit (seconds, at most the job deadline).
    #[schema(example = 60, exclusive_minimum = 0)]
    pub time_limit_s: Option<f64>,
    /// Batches whose paths the result carries, earliest planned first (count, 0-2000, default 200).
    #[serde(default = "default_max_paths")]
    #[schema(example = 200, minimum = 0, maximum = 2000)]
    pub max_paths: usize,
    /// An urgent order to insert into the plan under way at its arrival.
    pub urgent: Option<UrgentOrder>,
}

fn default_wave_s() -> u32 {
    3600
}

fn default_max_paths() -> usize {
    200
}

/// What a picks job works on, resolved before it is stored.
struct Inputs {
    label: String,
    layout: Layout,
    day: OrderDay,
    velocity: Velocity,
    velocity_from: &'static str,
}

/// Starts a pick-day job.
#[utoipa::path(
    post,
    path = "/v1/picks",
    operation_id = "create_picks",
    params(
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$", description = "Same key + same body = same job (1-255 visible ASCII characters)")
    ),
    request_body(content = PickRequest, description = "A scenario centre or a generated building and day; the policies; optionally an urgent order.", example = json!({
        "generated": {"blocks": 2, "aisles": 10, "slots_per_side": 10, "robots": 4, "skus": 200, "lines": 500},
        "batching": "savings",
        "method": "auto",
        "slotting": "velocity",
        "wave_s": 3600,
        "seed": 1,
        "max_paths": 50,
        "urgent": {"id": "URGENT-1", "arrives_s": 900, "due_s": 1800, "lines": [{"sku": "S000003", "quantity": 1.0}]}
    })),
    responses(
        (status = 202, description = "Job accepted; poll its Location. The result: `travel_m`, `makespan_s`, `congested_makespan_s`, `waits`, `wait_s`, `view` (layout in m, heat in picks per day, paths in m) and, with `urgent`, the insertion against waiting for the next wave (times in s).", body = crate::api::handlers::JobView, links(
            ("ShowJob" = (operation_id = "show_job", parameters(("id" = "$response.body#/id")))),
            ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id"))))
        ), example = json!({
            "id": "job-20261202T071500123Z-9a0b1c2d",
            "kind": "picks",
            "state": "queued",
            "created_at": "2026-12-02T07:15:00.123Z",
            "started_at": null,
            "finished_at": null,
            "progress": {"done": 0, "total": 0, "phase": null},
            "result": null,
            "error": null,
            "href": "/v1/jobs/job-20261202T071500123Z-9a0b1c2d"
        })),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body not declared as JSON", body = ErrorBody),
        (status = 422, description = "A field out of range, an unknown centre or SKU, an invalid layout file, no scenario loaded, key reused", body = ErrorBody),
        (status = 503, description = "Job queue full", body = ErrorBody),
    ),
    tag = "warehouse"
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(request): AppJson<PickRequest>,
) -> Result<Response, ApiError> {
    check(&request, state.config().job_deadline_s)?;
    let echo = serde_json::to_value(&request).map_err(ApiError::encode("picks request"))?;
    // Everything the worker will resolve is resolved once here, so a bad centre, SKU or
    // layout is a 422 before anything is stored.
    state
        .blocking(move |s| {
            let inputs = resolve(s, &request)?;
            if let Some(u) = &request.urgent {
                u.resolve(&inputs.day).map_err(|e| urgent_error(&e))?;
            }
            Ok(())
        })
        .await?;
    submit(&state, &headers, "picks", echo).await
}

/// The work of a stored picks job, rebuilt by whichever process claims it.
///
/// # Errors
/// [`ApiError`] when the stored request no longer parses or resolves (another version, a
/// scenario loaded without the centre).
pub(crate) fn work(
    state: &AppState,
    echo: &serde_json::Value,
) -> Result<(u64, crate::api::jobs::Work), ApiError> {
    let request: PickRequest = super::stored_request(echo)?;
    let limit_s = check(&request, state.config().job_deadline_s)?;
    let inputs = resolve(state, &request)?;
    if let Some(u) = &request.urgent {
        u.resolve(&inputs.day).map_err(|e| urgent_error(&e))?;
    }
    let seed = request.seed;
    let work: crate::api::jobs::Work = Box::new(move |_: &JobId, ctx: &SolveContext| {
        let ctx = ctx.clone().with_time_limit(seconds(limit_s));
        run(&request, inputs, &ctx)
    });
    Ok((seed, work))
}

/// Checks every bound the request can break by itself; returns the time limit, s.
fn check(r: &PickRequest, deadline_s: f64) -> Result<f64, ApiError> {
    match (&r.centre, &r.generated) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(ApiError::field(
                "invalid_field",
                "centre",
                "give exactly one of `centre` (a scenario centre) and `generated`",
            ));
        }
        (None, Some(g)) => {
            let bounds = [
                ("generated.blocks", u64::from(g.blocks), 1, 20),
                ("generated.aisles", u64::from(g.aisles), 1, 100),
                ("generated.slots_per_side", u64::from(g.slots_per_side), 1, 100),
                ("generated.robots", u64::from(g.robots), 1, 200),
                ("generated.skus", u64::from(g.skus), 1, 1_000_000),
                ("generated.lines", g.lines, 1, MAX_GENERATED_LINES),
                ("generated.shift_s", u64::from(g.shift_s), 0, 86_400),
            ];
            for (field, v, lo, hi) in bounds {
                if !(lo..=hi).contains(&v) {
                    return Err(out_of_range(field, format!("must lie in [{lo}, {hi}]")));
                }
            }
            let locations =
                u64::from(g.blocks) * u64::from(g.aisles) * u64::from(g.slots_per_side) * 2 * 2;
            if u64::from(g.skus) > locations {
                return Err(out_of_range(
                    "generated.skus",
                    format!("the generated building has {locations} storage locations"),
                ));
            }
        }
        (Some(_), None) => {}
    }
    if !(60..=86_400).contains(&r.wave_s) {
        return Err(out_of_range("wave_s", "must lie in [60, 86400]"));
    }
    if r.max_paths > MAX_PATHS {
        return Err(out_of_range("max_paths", format!("must lie in [0, {MAX_PATHS}]")));
    }
    let limit = r.time_limit_s.unwrap_or(deadline_s);
    if !(limit.is_finite() && limit > 0.0 && limit <= deadline_s) {
        return Err(out_of_range(
            "time_limit_s",
            format!("must lie in (0, {deadline_s}] (the job deadline)"),
        ));
    }
    if let Some(u) = &r.urgent {
        if u.id.is_empty() || u.id.len() > 200 {
            return Err(out_of_range("urgent.id", "must be 1 to 200 bytes"));
        }
        if u.lines.is_empty() || u.lines.len() > urgent::MAX_URGENT_LINES {
            return Err(out_of_range(
                "urgent.lines",
                format!("must hold 1 to {} lines", urgent::MAX_URGENT_LINES),
            ));
        }
        if u.arrives_s > 86_400 * 7 || u.due_s > 86_400 {
            return Err(out_of_range(
                "urgent.arrives_s",
                "arrives_s at most 604800 s, due_s at most 86400 s",
            ));
        }
    }
    Ok(limit)
}

/// Loads the building, the day and the velocity. Blocking (files of the scenario).
fn resolve(state: &AppState, r: &PickRequest) -> Result<Inputs, ApiError> {
    if let Some(g) = &r.generated {
        let layout = generate::layout(g.blocks, g.aisles, g.slots_per_side, g.robots)
            .map_err(|e| warehouse_error(e, "generated"))?;
        let options = DayOptions {
            skus: g.skus,
            lines: g.lines,
            shift_s: g.shift_s,
            ..DayOptions::default()
        };
        let day =
            generate::order_day(&options, r.seed).map_err(|e| warehouse_error(e, "generated"))?;
        // Velocity as a forecast would give it: another seeded day of the same shape.
        let history = generate::order_day(&options, r.seed.wrapping_add(1))
            .map_err(|e| warehouse_error(e, "generated"))?;
        let velocity = slotting::velocity_from_day(&history);
        return Ok(Inputs {
            label: "generated".into(),
            layout,
            day,
            velocity,
            velocity_from: "another generated day",
        });
    }
    let Some(loaded) = state.scenario() else {
        return Err(ApiError::NoScenario { field: Some("centre".into()) });
    };
    let name = r.centre.as_deref().unwrap_or_default();
    let centre = CentreId::new(name);
    let layout = from_scenario::load_centre_layout(&loaded.folder, &loaded.scenario, &centre)
        .map_err(|e| warehouse_error(e, "centre"))?;
    let day = from_scenario::order_day(&loaded.scenario, &centre);
    let velocity = from_scenario::velocity_from_history(&loaded.scenario, &centre);
    Ok(Inputs { label: name.to_owned(), layout, day, velocity, velocity_from: "history" })
}

/// A warehouse refusal met before the job is stored, as a 4xx.
fn warehouse_error(e: WarehouseError, field: &str) -> ApiError {
    match e {
        WarehouseError::Invalid { issues, .. } => {
            ApiError::InvalidInput { what: "warehouse layout", issues }
        }
        WarehouseError::Io { .. } => ApiError::Internal(Box::new(e.into())),
        other => ApiError::field("out_of_range", field, other.to_string()),
    }
}

fn urgent_error(e: &WarehouseError) -> ApiError {
    match e {
        WarehouseError::UnknownSku { line, .. } => {
            ApiError::field("unknown_sku", format!("urgent.lines[{line}].sku"), e.to_string())
        }
        other => ApiError::field("out_of_range", "urgent", other.to_string()),
    }
}

/// The job: slot, plan, optionally insert the urgent order, and describe the result.
fn run(r: &PickRequest, inputs: Inputs, ctx: &SolveContext) -> Result<serde_json::Value, Error> {
    let Inputs { label, layout, mut day, velocity, velocity_from } = inputs;
    ctx.progress().phase("slot");
    let slots: Slotting = slotting::slot(&layout, &day.skus, &velocity, r.slotting, r.seed)?;
    let config = PickConfig { batching: r.batching, method: r.method, wave_s: r.wave_s };
    let picked = pick_day(&layout, &day, &slots, &config, ctx)?;
    let mut result = json!({
        "centre": label,
        "orders": day.orders.len(),
        "lines": picked.lines,
        "batches": picked.batches.len(),
        "method": picked.method,
        "batching": r.batching,
        "slotting": r.slotting,
        "velocity_from": velocity_from,
        "travel_m": picked.travel_cm as f64 / 100.0,
        "robots": layout.spec.robots.count,
        "makespan_s": picked.assignment.makespan_ms as f64 / 1000.0,
        "congested_makespan_s": picked.congestion.makespan_ms as f64 / 1000.0,
        "waits": picked.congestion.waits,
        "wait_s": picked.congestion.wait_ms as f64 / 1000.0,
        "checked": true,
    });
    let shown = match &r.urgent {
        None => picked,
        Some(u) => {
            ctx.progress().phase("urgent");
            let order = u.resolve(&day)?;
            day.orders.push(order.clone());
            let index = (day.orders.len() - 1) as u32;
            let urgent = Urgent { order: index, due_s: u.due_s };
            let replanned =
                urgent::insert_urgent(&layout, &day, &slots, &config, &picked, urgent, ctx)?;
            let mut waiting = day.clone();
            waiting.orders[index as usize] = urgent::released_next_wave(&order, config.wave_s);
            let (baseline, waited_done_ms) =
                urgent::next_wave(&layout, &waiting, &slots, &config, index, ctx)?;
            let s = |ms: u64| ms as f64 / 1000.0;
            result["urgent"] = json!({
                "order": u.id,
                "arrives_s": s(replanned.arrives_ms),
                "done_s": s(replanned.urgent_done_ms),
                "batch": replanned.urgent_batch,
                "joined": replanned.joined,
                "started_batches": replanned.started.len(),
                "added_travel_m": replanned.added_travel_cm as f64 / 100.0,
                "makespan_s": s(replanned.plan.assignment.makespan_ms),
                "congested_makespan_s": s(replanned.plan.congestion.makespan_ms),
                "next_wave_done_s": s(waited_done_ms),
                "next_wave_makespan_s": s(baseline.assignment.makespan_ms),
            });
            replanned.plan
        }
    };
    let view = PickView::new(&layout, &day, &slots, &velocity, &shown, r.max_paths);
    // Plain structs, string keys and numbers: serde_json cannot fail on them (a NaN is
    // written as null).
    result["view"] = serde_json::to_value(&view).expect("a pick view has only string keys");
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> PickRequest {
        serde_json::from_value(json!({
            "generated": {"blocks": 1, "aisles": 4, "slots_per_side": 4, "robots": 2, "skus": 20, "lines": 40}
        }))
        .unwrap()
    }

    #[test]
    fn every_bound_is_refused_by_name() {
        assert_eq!(check(&request(), 600.0).unwrap(), 600.0);
        type Change = Box<dyn Fn(&mut PickRequest)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|r| r.generated.as_mut().unwrap().blocks = 0), "generated.blocks"),
            (Box::new(|r| r.generated.as_mut().unwrap().lines = 10_000_000), "generated.lines"),
            (Box::new(|r| r.generated.as_mut().unwrap().skus = 1000), "generated.skus"),
            (Box::new(|r| r.wave_s = 1), "wave_s"),
            (Box::new(|r| r.max_paths = 100_000), "max_paths"),
            (Box::new(|r| r.time_limit_s = Some(1e9)), "time_limit_s"),
            (Box::new(|r| r.time_limit_s = Some(f64::NAN)), "time_limit_s"),
            (Box::new(|r| r.centre = Some("X".into())), "centre"),
        ];
        for (change, field) in cases {
            let mut r = request();
            change(&mut r);
            match check(&r, 600.0) {
                Err(ApiError::InvalidField { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}
