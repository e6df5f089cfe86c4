//! The HTTP service: `stockroute serve`.
//!
//! Along a request's path: the [connection layer](conn) (cap, header and idle timeouts,
//! JSON bodies on HTTP framing errors) -> [`router`] -> tracing span ([`tower_http::trace`]) -> metrics
//! ([`metrics`]) -> body limit -> a handler per resource ([`handlers`]) that parses with
//! [`extract::AppJson`] (JSON errors even for bad JSON), checks limits, and then either
//!
//! - solves at once on the blocking pool behind the [solver slots](slots) (`POST
//!   /v1/routes`, and `POST /v1/vroom` in VROOM's JSON), or
//! - stores a job (queued) for the [job workers](jobs) of any process on the store (`POST
//!   /v1/forecasts`, `/v1/placements`, `/v1/plans`, `/v1/routes/jobs`, `/v1/picks`,
//!   `/v1/experiments`), answering `202` + `Location: /v1/jobs/{id}`; with `--workers 0` the
//!   instance runs no job itself and `stockroute worker`s on a shared store run them.
//!
//! The lists (`GET /v1/jobs`, `/v1/forecasts`, `/v1/plans`, `/v1/experiments`) are
//! newest first and paged by an opaque cursor ([`paging`]).
//!
//! The planner's page ([`page`]) is served at `/` and `/ui` by the same router, so the
//! same layers apply to it.
//!
//! Every error is an [`ApiError`] rendered as `{"error": {"code", "message", "field"}}`.
//! CPU-heavy work never runs on the async executor, so `/healthz` and job status answer
//! while solves run.
//!
//! [`serve`] runs until its shutdown future resolves (Ctrl-C/SIGTERM in the CLI, a channel
//! in tests): it stops accepting connections, lets in-flight requests finish, gives the
//! running jobs `shutdown_grace_s` to finish and cancels the rest; with an SQLite file (one
//! owner) it fails the queued jobs and records each running one's end, with a shared
//! PostgreSQL store it leaves the queued ones to the other workers and gives back the jobs
//! it cut short (`jobs`).
//!
//! ```no_run
//! use stockroute::api::{self, ServiceConfig};
//! # async fn run() -> Result<(), stockroute::api::ApiError> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! api::serve(listener, ServiceConfig::new("stockroute.sqlite"), api::shutdown_signal()).await
//! # }
//! ```

pub mod config;
pub mod conn;
pub mod error;
pub mod extract;
pub mod handlers;
pub(crate) mod jobs;
pub(crate) mod metrics;
pub mod openapi;
pub mod page;
pub mod paging;
pub(crate) mod shadow;
pub mod shutdown;
pub(crate) mod slots;
pub mod state;
mod strict_json;
pub mod units;

pub use config::ServiceConfig;
pub use error::{ApiError, ErrorBody};
pub use shutdown::shutdown_signal;
pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use std::future::Future;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The service's routes and middleware over `state`.
pub fn router(state: AppState) -> Router {
    let limit = state.config().max_body_bytes;
    let job_limit = state.config().max_job_body_bytes;
    let body_timeout = state.config().body_read_timeout();
    Router::new()
        .route("/v1/routes", post(handlers::routes::solve))
        .route("/v1/vroom", post(handlers::vroom::solve))
        // The route's own limit is read after the router-wide one below, so it wins.
        .route(
            "/v1/routes/jobs",
            post(handlers::route_jobs::create).layer(DefaultBodyLimit::max(job_limit)),
        )
        .route("/v1/picks", post(handlers::picks::create))
        .route("/v1/forecasts", post(handlers::forecasts::create).get(handlers::forecasts::list))
        .route("/v1/forecasts/{id}", get(handlers::forecasts::show))
        .route("/v1/placements", post(handlers::placements::create))
        .route("/v1/plans", post(handlers::plans::create).get(handlers::plans::list))
        .route("/v1/plans/{id}/report", get(handlers::plans::report))
        .route("/v1/plans/{id}/states", post(handlers::live_plans::create))
        .route("/v1/plans/{id}/states/{version}", get(handlers::live_plans::show))
        .route("/v1/plans/{id}/state", get(handlers::live_plans::latest))
        .route("/v1/plans/{id}/reoptimise", post(handlers::live_plans::reoptimise))
        .route(
            "/v1/experiments",
            post(handlers::experiments::create).get(handlers::experiments::list),
        )
        .route("/v1/experiments/{id}", get(handlers::experiments::show))
        .route("/v1/experiments/{id}/report", get(handlers::experiments::report))
        .route("/v1/shadow", get(handlers::experiments::shadow_status))
        .route("/v1/jobs", get(handlers::jobs::list))
        .route("/v1/jobs/{id}", get(handlers::jobs::show).delete(handlers::jobs::cancel))
        .route("/v1/scenario/roads", get(handlers::roads::show))
        .route("/v1/scenario/orders", get(handlers::orders::list))
        .route("/healthz", get(handlers::health::healthz))
        .route("/metrics", get(handlers::health::metrics))
        .route("/openapi.json", get(openapi::openapi))
        .route("/", get(page::index))
        .route("/ui", get(page::index))
        .route("/ui/app.js", get(page::app_js))
        .route("/ui/app.css", get(page::app_css))
        .route("/ui/licenses.txt", get(page::licenses))
        .route("/ui/example.json", get(page::example))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.metrics().clone(), metrics::track))
        .layer(axum::Extension(extract::BodyLimit(limit)))
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyTimeoutLayer::new(body_timeout))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound { what: "route", id: uri.path().to_owned() }
}

impl AppState {
    /// Opens the store (on an SQLite file, marking jobs of an earlier process that never
    /// ended as failed, "interrupted by restart"; on PostgreSQL only unleased ones of dead
    /// owners, the queue being shared), marks its dead owners' running experiments aborted,
    /// loads the scenario and its road graph, and starts the job workers
    /// ([`ServiceConfig::workers`], 0 for none), which run the handlers' jobs. Blocking:
    /// seconds for a scenario with roads.
    ///
    /// # Errors
    /// [`ApiError::Store`], [`ApiError::Internal`] for a scenario or road extract that does
    /// not load, [`ApiError::Io`] when the workers cannot start.
    pub fn new(config: ServiceConfig) -> Result<Self, ApiError> {
        Self::open(config, handlers::prepare)
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Builds the state from `config` (store, scenario, workers), serves `listener` until
/// `shutdown` resolves, then drains the jobs (see the module docs).
///
/// # Errors
/// Those of [`AppState::new`], and [`ApiError::Io`] when the server fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: ServiceConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ApiError> {
    let state = tokio::task::spawn_blocking(move || AppState::new(config)).await??;
    serve_state(listener, state, shutdown).await
}

/// [`serve`] with a state built beforehand.
///
/// # Errors
/// [`ApiError::Io`] when the server fails.
pub async fn serve_state(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ApiError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    let limits = state.config().conn_limits();
    let served = conn::serve(listener, router(state.clone()), limits, shutdown).await;
    let grace = state.config().shutdown_grace();
    tokio::task::spawn_blocking(move || state.shutdown_jobs(grace)).await?;
    tracing::info!("stopped");
    Ok(served?)
}
