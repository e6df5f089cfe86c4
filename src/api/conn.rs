//! The connection layer in front of the router: accept, cap, time out, drain.
//!
//! `axum::serve` has no timeouts and no connection cap, so a few hundred clients that open a
//! socket and send half a request hold a file descriptor each until the process runs out
//! (`accept error: Too many open files`) and `/healthz` stops answering. This loop serves
//! the same router through hyper's HTTP/1 connection builder with:
//!
//! - a **header-read timeout** (hyper's own): the whole request head must arrive within
//!   [`ConnLimits::header_read_timeout`], or the connection is closed;
//! - an **idle timeout**: a connection with no request in flight and no byte read for
//!   [`ConnLimits::idle_timeout`] is closed (keep-alive clients reconnect);
//! - a **connection cap**: at [`ConnLimits::max_connections`] the oldest connection with no
//!   request in flight (a slow or idle client) is closed to make room, so a health check
//!   still gets in while the cap holds; when every connection is busy with a request, the
//!   newcomer gets a `503` JSON error and is closed;
//! - **JSON bodies on hyper's own errors**: hyper answers a request it cannot parse (`400`
//!   bad framing, `414` URI too long, `431` headers too large) by itself, with an empty body.
//!   [`JsonErrors`] recognises those answers on the way out (a 4xx head with
//!   `content-length: 0`, which the router never sends: its errors always carry the JSON
//!   body) and writes the service's error body instead;
//! - a **graceful drain**: on shutdown, stop accepting, close idle connections, let requests
//!   in flight finish (bounded by [`ConnLimits::drain_timeout`]).
//!
//! Request *bodies* are timed by the router ([`tower_http::timeout::RequestBodyTimeoutLayer`],
//! see [`super::router`]).

use super::error::{ErrorBody, ErrorInfo};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;

/// The limits of the connection layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnLimits {
    /// Most open connections.
    pub max_connections: usize,
    /// Time a client has to send a whole request head.
    pub header_read_timeout: Duration,
    /// A connection with no request in flight and no byte read for this long is closed.
    pub idle_timeout: Duration,
    /// At shutdown, how long requests in flight may take before their connections close.
    pub drain_timeout: Duration,
}

/// One open connection, as the cap and the idle reaper see it.
#[derive(Debug)]
struct Entry {
    accepted: Instant,
    /// Requests handed to the router and not answered yet.
    in_flight: Arc<AtomicUsize>,
    /// Milliseconds since `epoch` of the last byte read.
    last_read_ms: Arc<AtomicU64>,
    /// Closes the connection when notified.
    close: Arc<Notify>,
}

/// The open connections.
#[derive(Debug)]
struct Registry {
    epoch: Instant,
    next: u64,
    open: HashMap<u64, Entry>,
}

fn lock(registry: &Mutex<Registry>) -> MutexGuard<'_, Registry> {
    registry.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Registry {
    /// Closes the oldest connection that has no request in flight; false if every one has.
    fn evict_oldest_idle(&mut self) -> bool {
        let victim = self
            .open
            .iter()
            .filter(|(_, e)| e.in_flight.load(Ordering::Acquire) == 0)
            .min_by_key(|(id, e)| (e.accepted, **id))
            .map(|(&id, _)| id);
        match victim.and_then(|id| self.open.remove(&id)) {
            Some(entry) => {
                entry.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// Closes every connection idle for longer than `idle`.
    fn reap(&mut self, idle: Duration) -> usize {
        let now_ms = self.epoch.elapsed().as_millis() as u64;
        let idle_ms = idle.as_millis() as u64;
        let stale: Vec<u64> = self
            .open
            .iter()
            .filter(|(_, e)| {
                e.in_flight.load(Ordering::Acquire) == 0
                    && now_ms.saturating_sub(e.last_read_ms.load(Ordering::Acquire)) > idle_ms
            })
            .map(|(&id, _)| id)
            .collect();
        for id in &stale {
            if let Some(entry) = self.open.remove(id) {
                entry.close.notify_one();
            }
        }
        stale.len()
    }
}

/// Counts a request as in flight while alive.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::AcqRel);
        Self(counter.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves, then drains
/// (see the module docs).
///
/// # Errors
/// None today: accept errors (such as running out of file descriptors) are logged and
/// retried after a pause, never fatal.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let registry =
        Arc::new(Mutex::new(Registry { epoch: Instant::now(), next: 0, open: HashMap::new() }));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Some(limits.header_read_timeout))
        .keep_alive(true);
    let reaper = tokio::spawn(reap_idle(registry.clone(), limits.idle_timeout));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                // EMFILE and friends: pause instead of spinning; connections that end
                // free descriptors meanwhile.
                tracing::warn!(error = %e, "accept error");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let entry = {
            let mut reg = lock(&registry);
            if reg.open.len() >= limits.max_connections.max(1) && !reg.evict_oldest_idle() {
                drop(reg);
                tokio::spawn(refuse_busy(stream));
                continue;
            }
            let id = reg.next;
            reg.next += 1;
            let now_ms = reg.epoch.elapsed().as_millis() as u64;
            let entry = Entry {
                accepted: Instant::now(),
                in_flight: Arc::new(AtomicUsize::new(0)),
                last_read_ms: Arc::new(AtomicU64::new(now_ms)),
                close: Arc::new(Notify::new()),
            };
            let handles = (
                id,
                entry.in_flight.clone(),
                entry.last_read_ms.clone(),
                entry.close.clone(),
                reg.epoch,
            );
            reg.open.insert(id, entry);
            handles
        };
        let (id, in_flight, last_read_ms, close, epoch) = entry;
        let io = TokioIo::new(JsonErrors::new(Tracked { inner: stream, last_read_ms, epoch }));
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let guard = InFlight::enter(&in_flight);
            let router = router.clone();
            async move {
                let response = router.oneshot(request).await;
                drop(guard);
                response
            }
        });
        let connection = graceful.watch(builder.serve_connection(io, service));
        let registry = registry.clone();
        tokio::spawn(async move {
            tokio::select! {
                served = connection => {
                    if let Err(e) = served {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                () = close.notified() => tracing::debug!("connection closed (idle or evicted)"),
            }
            lock(&registry).open.remove(&id);
        });
    }
    drop(listener);
    reaper.abort();
    if tokio::time::timeout(limits.drain_timeout, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after the drain timeout; closing them");
    }
    Ok(())
}

/// Every second, closes connections idle for longer than `idle`.
async fn reap_idle(registry: Arc<Mutex<Registry>>, idle: Duration) {
    let mut tick =
        tokio::time::interval(Duration::from_secs(1).min(idle.max(Duration::from_millis(50))));
    loop {
        tick.tick().await;
        let closed = lock(&registry).reap(idle);
        if closed > 0 {
            tracing::debug!(closed, "idle connections closed");
        }
    }
}

/// The error body the service sends for `status`, as `(code, message)`.
fn error_for(status: u16) -> Option<(&'static str, &'static str)> {
    Some(match status {
        400 => {
            ("bad_request", "the request is not valid HTTP/1.1 (request line, headers or framing)")
        }
        414 => ("uri_too_long", "the request URI is too long"),
        431 => ("headers_too_large", "the request headers are too large"),
        503 => ("too_many_connections", "the server has too many open connections; retry later"),
        _ => return None,
    })
}

/// A whole HTTP/1.1 response carrying the service's JSON error body.
fn json_response(status: u16, reason: &str, extra_headers: &str) -> Option<Vec<u8>> {
    let (code, message) = error_for(status)?;
    let body = ErrorBody {
        error: ErrorInfo {
            code: code.to_owned(),
            message: message.to_owned(),
            field: None,
            details: Vec::new(),
        },
    };
    let body = serde_json::to_vec(&body).ok()?;
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n{extra_headers}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    Some(out)
}

/// Answers a connection beyond the cap with `503` and closes it, within a second.
async fn refuse_busy(mut stream: TcpStream) {
    if let Some(response) = json_response(503, "Service Unavailable", "retry-after: 1\r\n") {
        let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(&response)).await;
    }
}

/// If `head` is one of hyper's own bodyless error answers, the same answer with the JSON
/// error body.
fn rewrite_library_error(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let (head, rest) = text.split_once("\r\n\r\n")?;
    if !rest.is_empty() {
        return None;
    }
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.splitn(3, ' ');
    let (version, status, reason) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return None;
    }
    let status: u16 = status.parse().ok()?;
    if !matches!(status, 400 | 414 | 431) {
        return None;
    }
    let mut empty = false;
    let mut kept = String::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "content-length" => empty = value.trim() == "0",
            "connection" | "content-type" => {}
            _ => {
                kept.push_str(line);
                kept.push_str("\r\n");
            }
        }
    }
    if !empty {
        return None;
    }
    json_response(status, reason, &kept)
}

/// A stream that records when it last read a byte (for the idle reaper).
struct Tracked {
    inner: TcpStream,
    last_read_ms: Arc<AtomicU64>,
    epoch: Instant,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            let now_ms = self.epoch.elapsed().as_millis() as u64;
            self.last_read_ms.store(now_ms, Ordering::Release);
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Replaces hyper's bodyless error answers with the service's JSON error (see the module
/// docs). It reports no vectored writes, so hyper hands it each response head whole in one
/// buffer.
pub(crate) struct JsonErrors<S> {
    inner: S,
    /// A rewritten answer still to be sent, and how much of it is.
    pending: Vec<u8>,
    sent: usize,
}

impl<S> JsonErrors<S> {
    fn new(inner: S) -> Self {
        Self { inner, pending: Vec::new(), sent: 0 }
    }
}

impl<S: AsyncWrite + Unpin> JsonErrors<S> {
    /// Writes what is pending; ready once nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonErrors<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonErrors<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        ready!(this.poll_pending(cx))?;
        if let Some(answer) = rewrite_library_error(buf) {
            this.pending = answer;
            this.sent = 0;
            // The caller's bytes are taken; the replacement goes out now or at the next
            // write, flush or shutdown.
            if let Poll::Ready(Err(e)) = this.poll_pending(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_errors_get_the_json_body_and_router_answers_are_left_alone() {
        let hyper_431 = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\
            date: Tue, 01 Dec 2026 10:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite_library_error(hyper_431).unwrap()).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "{head}");
        assert!(head.contains("content-type: application/json"));
        assert!(head.contains("date: Tue, 01 Dec 2026 10:00:00 GMT"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let body: ErrorBody = serde_json::from_str(body).unwrap();
        assert_eq!(body.error.code, "headers_too_large");

        // The router's own 400s carry a body: never touched.
        let router_400 = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\
            content-length: 42\r\n\r\n";
        assert!(rewrite_library_error(router_400).is_none());
        // A success, or a head with its body in the same buffer: never touched.
        assert!(rewrite_library_error(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(
            rewrite_library_error(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nx")
                .is_none()
        );
    }

    #[test]
    fn eviction_takes_the_oldest_connection_without_a_request_in_flight() {
        let epoch = Instant::now();
        let mut reg = Registry { epoch, next: 3, open: HashMap::new() };
        let busy = Arc::new(AtomicUsize::new(1));
        let mk = |age_ms: u64, in_flight: Arc<AtomicUsize>| Entry {
            accepted: epoch + Duration::from_millis(age_ms),
            in_flight,
            last_read_ms: Arc::new(AtomicU64::new(0)),
            close: Arc::new(Notify::new()),
        };
        reg.open.insert(0, mk(0, busy.clone()));
        reg.open.insert(1, mk(1, Arc::new(AtomicUsize::new(0))));
        reg.open.insert(2, mk(2, Arc::new(AtomicUsize::new(0))));
        assert!(reg.evict_oldest_idle());
        assert!(reg.open.contains_key(&0) && !reg.open.contains_key(&1));
        assert!(reg.evict_oldest_idle());
        assert!(!reg.evict_oldest_idle(), "the busy one stays");
        assert_eq!(reg.open.len(), 1);
    }
}
