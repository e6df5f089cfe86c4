//! Issue 12, item 6: the connection layer against slow and broken clients, on the real
//! server on 127.0.0.1 through raw sockets. Bounded: at most a few hundred sockets, each
//! test well under a minute.

use super::Server;
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Sends `request` raw and reads the whole answer until the server closes (or 10 s).
async fn raw(server: &Server, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr(server)).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn json_error(answer: &str) -> (u16, Value) {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
    let status: u16 = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "{answer}");
    (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_answers_of_the_http_library_carry_the_json_error_body() {
    let server = Server::fresh(|c| c).await;
    let huge_header =
        format!("GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n", "a".repeat(600_000));
    let (status, body) = json_error(&raw(&server, huge_header.as_bytes()).await);
    assert_eq!(status, 431);
    assert_eq!(body["error"]["code"], "headers_too_large");

    let long_uri = format!("GET /{} HTTP/1.1\r\nhost: x\r\n\r\n", "u".repeat(70_000));
    let (status, body) = json_error(&raw(&server, long_uri.as_bytes()).await);
    assert_eq!(status, 414);
    assert_eq!(body["error"]["code"], "uri_too_long");

    let (status, body) = json_error(&raw(&server, b"NOT HTTP AT ALL\r\n\r\n").await);
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_request");

    // The router's own errors are untouched (one JSON body, its own code).
    let (status, body) = json_error(
        &raw(&server, b"GET /nowhere HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await,
    );
    assert_eq!(status, 404);
    assert_ne!(body["error"]["code"], "bad_request");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_a_client_that_never_finishes_its_headers_is_closed() {
    let server = Server::fresh(|mut c| {
        c.header_read_timeout_s = 0.5;
        c
    })
    .await;
    let mut s = TcpStream::connect(addr(&server)).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n").await.unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "still open after 10 s");
    assert!(started.elapsed() < Duration::from_secs(5));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_an_idle_keep_alive_connection_is_closed() {
    let server = Server::fresh(|mut c| {
        c.idle_timeout_s = 0.5;
        c
    })
    .await;
    let mut s = TcpStream::connect(addr(&server)).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    // Then nothing: the server closes the connection after the idle timeout.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "idle connection still open after 10 s");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_health_answers_while_slow_clients_hold_the_connection_cap() {
    // 3x more half-sent requests than the cap allows; the long header timeout means only
    // the cap protects the server here.
    let server = Server::fresh(|mut c| {
        c.max_connections = 50;
        c.header_read_timeout_s = 60.0;
        c
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..150 {
        let mut s = TcpStream::connect(addr(&server)).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n").await.unwrap();
        slow.push(s);
    }
    let started = Instant::now();
    let r = server.http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(5));
    // The oldest slow clients were closed to make room.
    let mut closed = 0;
    for s in slow.iter_mut().take(100) {
        let mut buf = [0u8; 16];
        match tokio::time::timeout(Duration::from_millis(200), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => closed += 1,
            _ => {}
        }
    }
    assert!(closed >= 90, "only {closed} of the 100 oldest slow clients were closed");
    drop(slow);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r12_a_body_that_never_arrives_times_out_with_a_json_error() {
    let server = Server::fresh(|mut c| {
        c.body_read_timeout_s = 0.5;
        c
    })
    .await;
    let mut s = TcpStream::connect(addr(&server)).await.unwrap();
    s.write_all(
        b"POST /v1/routes HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
          content-length: 1000\r\n\r\n{\"stops\":",
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "no answer within 10 s");
    let answer = String::from_utf8_lossy(&out);
    let (status, body) = json_error(&answer);
    assert!((400..500).contains(&status), "{answer}");
    assert!(body["error"]["code"].is_string());
    server.stop().await;
}
