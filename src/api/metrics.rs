//! Prometheus metrics: request counts and latency by route and status, jobs by state, and
//! the depth of the job queue and of the synchronous solver queue.
//!
//! Each server has its own [`prometheus::Registry`] (not the process-global default), so
//! several servers in one process (the integration tests) count separately. The route label
//! is the matched route template (`/v1/jobs/{id}`), never the raw path, so ids do not blow
//! up the number of series; requests that match no route share the label `unmatched`.
//! Job counts are read from the store at scrape time: they include jobs of earlier
//! processes and cannot drift from the record.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use std::time::Instant;

/// Latency buckets, in seconds: from a 1 ms health check to a 30 s solve.
const BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The service's metrics.
#[derive(Debug, Clone)]
pub(crate) struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    jobs: IntGaugeVec,
    queue_depth: IntGauge,
    solves_waiting: IntGauge,
    jobs_left_behind: IntGauge,
}

impl Metrics {
    /// Registers every metric in a fresh registry.
    ///
    /// # Errors
    /// [`prometheus::Error`] for an invalid metric definition (a programming error caught
    /// by the unit test).
    pub(crate) fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("stockroute".into()), None)?;
        let labels = &["method", "route", "status"];
        let requests =
            IntCounterVec::new(Opts::new("http_requests_total", "HTTP requests answered"), labels)?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency")
                .buckets(BUCKETS.to_vec()),
            labels,
        )?;
        let jobs = IntGaugeVec::new(Opts::new("jobs", "Jobs in the store by state"), &["state"])?;
        let queue_depth = IntGauge::new("job_queue_depth", "Jobs waiting for a worker")?;
        let solves_waiting =
            IntGauge::new("solve_queue_depth", "Routing requests waiting for a solver slot")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(queue_depth.clone()))?;
        let jobs_left_behind = IntGauge::new(
            "jobs_left_behind",
            "Job threads that did not stop when cancelled or overdue and were left behind",
        )?;
        registry.register(Box::new(solves_waiting.clone()))?;
        registry.register(Box::new(jobs_left_behind.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            jobs,
            queue_depth,
            solves_waiting,
            jobs_left_behind,
        })
    }

    /// The registry, for metrics owned elsewhere (shadow mode's counters).
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counts one answered request.
    pub(crate) fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// The text exposition, with the gauges set to the given current values.
    pub(crate) fn render(
        &self,
        jobs_by_state: &[(&str, u64)],
        queue_depth: usize,
        solves_waiting: usize,
        jobs_left_behind: usize,
    ) -> String {
        for (state, n) in jobs_by_state {
            self.jobs.with_label_values(&[*state]).set(i64::try_from(*n).unwrap_or(i64::MAX));
        }
        self.queue_depth.set(i64::try_from(queue_depth).unwrap_or(i64::MAX));
        self.solves_waiting.set(i64::try_from(solves_waiting).unwrap_or(i64::MAX));
        self.jobs_left_behind.set(i64::try_from(jobs_left_behind).unwrap_or(i64::MAX));
        let mut out = Vec::new();
        // Encoding to a Vec cannot fail on I/O; a metric family error would be a bug.
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding metrics");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Middleware: times every request and counts it by method, route template and status.
///
/// It takes the [`Metrics`] alone, not the whole service state that owns them, so the
/// state can hold them without the two files importing each other.
pub(crate) async fn track(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    metrics.observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_register_and_render_with_labels() {
        let m = Metrics::new().unwrap();
        m.observe("POST", "/v1/routes", 200, 0.02);
        m.observe("POST", "/v1/routes", 422, 0.001);
        let text = m.render(&[("queued", 2), ("succeeded", 5)], 2, 0, 1);
        assert!(text.contains(
            "stockroute_http_requests_total{method=\"POST\",route=\"/v1/routes\",status=\"200\"} 1"
        ));
        assert!(text.contains("stockroute_http_request_duration_seconds_bucket"));
        assert!(text.contains("stockroute_jobs{state=\"succeeded\"} 5"));
        assert!(text.contains("stockroute_job_queue_depth 2"));
        assert!(text.contains("stockroute_jobs_left_behind 1"));
    }
}
