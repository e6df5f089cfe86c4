//! `GET /healthz` (a tiny fixed solve: the solver, the blocking pool and the store all
//! answer) and `GET /metrics` (Prometheus text). `GET /openapi.json` is served by
//! [`crate::api::openapi`], next to the document it lists these handlers in.
//!
//! The health check does not take a solver slot: it must answer while every slot is busy
//! with long solves, and its solve (4 stops, 200 iterations) costs well under a
//! millisecond of CPU.

use crate::SolveContext;
use crate::api::error::ApiError;
use crate::api::state::AppState;
use crate::routing::{self, Depot, Locations, Metric, Problem, SolverConfig, Stop, VehicleType};
use crate::store::JobStore;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The health report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the check solve was not feasible.
    pub status: String,
    /// Wall time of the check solve, in milliseconds.
    pub solve_ms: f64,
    /// Cost of the check solve, in the check problem's distance units (its optimum is
    /// 20 + 30 * sqrt(2) = 62.43).
    pub cost: f64,
    /// Jobs waiting for a worker (count).
    pub queued_jobs: usize,
    /// The scenario loaded at start, if any.
    pub scenario: Option<String>,
}

/// Four stops on a square around one depot, one van: a solve that touches every part of
/// the solver in microseconds.
fn check_problem() -> Problem {
    let points = vec![[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [-10.0, 0.0], [0.0, -10.0]];
    Problem {
        profiles: Vec::new(),
        name: "healthz".into(),
        locations: Locations::Coordinates { points, metric: Metric::Euclidean },
        depots: vec![Depot { id: "depot".into(), location: 0 }],
        vehicle_types: vec![VehicleType::new("van", 1, vec![10])],
        stops: (1..=4).map(|i| Stop::new(format!("s{i}"), i, vec![1])).collect(),
        objective: Default::default(),
        shipments: Vec::new(),
    }
}

/// Solves a tiny fixed problem and reports how long it took.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    responses(
        (status = 200, description = "Healthy", body = Health, example = json!({
            "status": "ok",
            "solve_ms": 1.84,
            "cost": 62.42640687119285,
            "queued_jobs": 0,
            "scenario": "data/scenarios/monaco"
        })),
        (status = 503, description = "The check solve failed", body = Health),
    ),
    tag = "service"
)]
pub async fn healthz(
    State(state): State<AppState>,
) -> Result<(StatusCode, Json<Health>), ApiError> {
    let started = Instant::now();
    let solution = tokio::task::spawn_blocking(|| {
        let problem = check_problem();
        let ctx = SolveContext::new(0).with_time_limit(Duration::from_secs(1));
        let config = SolverConfig::default().with_max_iterations(200);
        let solution = routing::solve(&problem, &config, &ctx)?;
        let feasible = routing::check(&problem, &solution).is_ok() && solution.unserved.is_empty();
        Ok::<_, ApiError>((solution.cost, feasible))
    })
    .await?;
    let solve_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (cost, ok) = solution?;
    let health = Health {
        status: if ok { "ok" } else { "degraded" }.into(),
        solve_ms,
        cost,
        queued_jobs: state.jobs().queue_depth(),
        scenario: state.scenario().map(|s| s.folder.display().to_string()),
    };
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    Ok((status, Json(health)))
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain",
        example = json!("# HELP stockroute_jobs Jobs in the store by state.\n# TYPE stockroute_jobs gauge\nstockroute_jobs{state=\"succeeded\"} 12\n"))),
    tag = "service"
)]
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let counts = state.blocking(|s| Ok(s.store().count_jobs()?)).await?;
    let counts: Vec<(&str, u64)> = counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    let jobs = state.jobs();
    let text = state.metrics().render(
        &counts,
        jobs.queue_depth(),
        state.slots().waiting(),
        jobs.abandoned(),
    );
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_problem_solves_to_its_optimum() {
        let problem = check_problem();
        let config = SolverConfig::default().with_max_iterations(200);
        let s = routing::solve(&problem, &config, &SolveContext::new(0)).unwrap();
        assert!(routing::check(&problem, &s).is_ok());
        assert!((s.cost - (20.0 + 30.0 * std::f64::consts::SQRT_2)).abs() < 1e-6, "{}", s.cost);
    }
}
