//! Webhook load over loopback: events per second and p99 latency from POST to the subscriber
//! receiving it, with a realistic 2 KB `onmessage` body and 32 connections, beside two baselines:
//! (a) a bare axum handler that reads the body and answers 200 (the transport floor), and
//! (b) the same handler parsing into `serde_json::Value` and sending it to a
//! `tokio::sync::broadcast` with one subscriber.
//!
//! The server side (listener, handler, subscriber) runs on a one-thread Tokio runtime and the 32
//! reqwest clients on another, so the load generator does not steal the server's scheduler slots.
//!
//! `cargo bench -p wppconnect-benches --bench webhook`            (load, 5 rounds × 3 × 20 000 events)
//! `cargo bench -p wppconnect-benches --bench webhook -- cpu`     (CPU per event, in-process, no network)
//! `cargo bench -p wppconnect-benches --bench webhook -- memory`  (1 000 000 events over HTTP into one stalled subscriber, about a minute)

#![allow(missing_docs)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::post;
use axum::Router;
use futures::StreamExt;
use serde_json::Value;
use tokio::runtime::Handle;
use tokio::sync::broadcast;
use tower::ServiceExt;
use wppconnect_webhook::Webhook;

const BODY: &str = include_str!("onmessage.json");
const EVENTS: usize = 20_000;
const CONNECTIONS: usize = 32;
/// Subscriber buffer of (b) and of the router: the router's default.
const CAPACITY: usize = wppconnect_webhook::DEFAULT_CAPACITY;

type Sent = Arc<Mutex<HashMap<usize, Instant>>>;

/// Bodies numbered in their message id, so the receiver can match them to their send time. The
/// id is replaced in the text so that the keys keep the server's order (`event` first).
fn bodies() -> Vec<String> {
    let template: Value = serde_json::from_str(BODY).unwrap();
    let original = format!("\"id\": \"{}\"", template["id"].as_str().unwrap());
    assert!(BODY.contains(&original));
    (0..EVENTS)
        .map(|i| {
            BODY.replacen(
                &original,
                &format!("\"id\": \"false_5511999999999@c.us_{i:032X}\""),
                1,
            )
        })
        .collect()
}

fn index_of(id: &str) -> Option<usize> {
    usize::from_str_radix(id.rsplit('_').next()?, 16).ok()
}

/// A server on 127.0.0.1:0; stopped (and its state freed) when the guard drops.
struct Server {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(app: Router) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { url, task }
}

/// Posts every body over `CONNECTIONS` keep-alive connections; returns the elapsed time and the
/// POST→answer latencies.
/// Runs on the client runtime (`clients`).
async fn load(
    clients: &Handle,
    url: &str,
    bodies: Arc<Vec<String>>,
    sent: Sent,
) -> (Duration, Vec<Duration>) {
    let url = url.to_owned();
    clients
        .spawn(async move { load_here(&url, bodies, sent).await })
        .await
        .unwrap()
}

async fn load_here(url: &str, bodies: Arc<Vec<String>>, sent: Sent) -> (Duration, Vec<Duration>) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for connection in 0..CONNECTIONS {
        let (url, bodies, sent) = (url.to_owned(), bodies.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let mut latencies = Vec::new();
            for i in (connection..EVENTS).step_by(CONNECTIONS) {
                let at = Instant::now();
                sent.lock().unwrap().insert(i, at);
                let response = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(bodies[i].clone())
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                let _ = response.bytes().await;
                latencies.push(at.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    (started.elapsed(), latencies)
}

fn p99(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values
        .get(values.len() * 99 / 100)
        .copied()
        .unwrap_or_default()
}

/// One measured run: events per second, p99 POST->answer, p99 POST->subscriber.
type Figures = (f64, Duration, Option<Duration>);

fn figures(elapsed: Duration, answer: Vec<Duration>, delivered: Option<Vec<Duration>>) -> Figures {
    (
        EVENTS as f64 / elapsed.as_secs_f64(),
        p99(answer),
        delivered.map(p99),
    )
}

/// (a) the transport floor: read the body, answer 200.
async fn bare(clients: &Handle, bodies: &Arc<Vec<String>>) -> Figures {
    let app = Router::new().route("/webhook", post(|body: Bytes| async move { drop(body) }));
    let server = serve(app).await;
    let (elapsed, answer) = load(clients, &server.url, bodies.clone(), Arc::default()).await;
    figures(elapsed, answer, None)
}

/// (b) parse into `Value`, send to a broadcast with one subscriber.
async fn value_broadcast(clients: &Handle, bodies: &Arc<Vec<String>>) -> Figures {
    let (tx, mut rx) = broadcast::channel::<Arc<Value>>(CAPACITY);
    let app = Router::new().route(
        "/webhook",
        post(move |body: Bytes| {
            let tx = tx.clone();
            async move {
                match serde_json::from_slice::<Value>(&body) {
                    Ok(value) => {
                        let _ = tx.send(Arc::new(value));
                        axum::http::StatusCode::OK
                    }
                    Err(_) => axum::http::StatusCode::BAD_REQUEST,
                }
            }
        }),
    );
    let server = serve(app).await;
    let sent: Sent = Arc::default();
    let times = sent.clone();
    let receiver = tokio::spawn(async move {
        let mut latencies = Vec::with_capacity(EVENTS);
        while latencies.len() < EVENTS {
            let value = match rx.recv().await {
                Ok(value) => value,
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    panic!("(b) subscriber lagged by {n}")
                }
                Err(broadcast::error::RecvError::Closed) => break,
            };
            let i = value["id"].as_str().and_then(index_of).unwrap();
            let at = times.lock().unwrap().get(&i).copied().unwrap();
            latencies.push(at.elapsed());
        }
        latencies
    });
    let (elapsed, answer) = load(clients, &server.url, bodies.clone(), sent).await;
    figures(elapsed, answer, Some(receiver.await.unwrap()))
}

/// The router: secret in the query, session in the path, typed events, the hub.
async fn router(clients: &Handle, bodies: &Arc<Vec<String>>) -> Figures {
    let (router, hub) = Webhook::builder()
        .secret("bench-secret")
        .capacity(CAPACITY)
        .build();
    let mut events = hub.subscribe();
    let server = serve(router).await;
    let sent: Sent = Arc::default();
    let times = sent.clone();
    let receiver = tokio::spawn(async move {
        let mut latencies = Vec::with_capacity(EVENTS);
        while latencies.len() < EVENTS {
            let event = match events.next().await {
                Some(Ok(event)) => event,
                Some(Err(lagged)) => panic!("router subscriber: {lagged}"),
                None => break,
            };
            let i = event
                .message_id()
                .and_then(|id| index_of(id.as_str()))
                .unwrap();
            let at = times.lock().unwrap().get(&i).copied().unwrap();
            latencies.push(at.elapsed());
        }
        latencies
    });
    let url = format!("{}/NERDWHATS_AMERICA?token=bench-secret", server.url);
    let (elapsed, answer) = load(clients, &url, bodies.clone(), sent).await;
    figures(elapsed, answer, Some(receiver.await.unwrap()))
}

fn median_report(name: &str, runs: &mut [Figures]) {
    runs.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (rate, answer, delivered) = runs[runs.len() / 2];
    let all: Vec<String> = runs.iter().map(|r| format!("{:.0}", r.0)).collect();
    let delivered = delivered.map_or_else(|| "-".to_owned(), |d| format!("{d:.2?}"));
    println!(
        "{name:<42} {rate:>7.0} events/s (runs: {})   p99 POST->answer {answer:>9.2?}   p99 POST->subscriber {delivered:>9}",
        all.join(", ")
    );
}

/// Rounds interleave the three servers so that background load on the machine hits them alike.
const ROUNDS: usize = 5;

async fn run_load(clients: Handle) {
    let bodies = Arc::new(bodies());
    println!(
        "{EVENTS} onmessage events of {} bytes over {CONNECTIONS} connections, {ROUNDS} interleaved rounds; median round shown",
        BODY.len()
    );
    let (mut a, mut b, mut ours) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        a.push(bare(&clients, &bodies).await);
        b.push(value_broadcast(&clients, &bodies).await);
        ours.push(router(&clients, &bodies).await);
    }
    median_report("(a) bare axum handler, reads the body", &mut a);
    median_report("(b) Value + broadcast, one subscriber", &mut b);
    median_report("wppconnect-webhook router, typed events", &mut ours);
}

/// CPU per request without the network: the same three handlers called in-process through
/// `tower::ServiceExt::oneshot`, one request at a time, each event taken by its subscriber.
async fn run_cpu() {
    const N: usize = 100_000;
    let bodies = Arc::new(bodies());
    let request = |uri: &str, i: usize| {
        axum::http::Request::post(uri)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(bodies[i % EVENTS].clone()))
            .unwrap()
    };
    let time = |name: &str, elapsed: Duration| {
        println!(
            "{name:<42} {:>7.2} µs per event in-process",
            elapsed.as_secs_f64() * 1e6 / N as f64
        )
    };
    for _ in 0..3 {
        let app: Router =
            Router::new().route("/webhook", post(|body: Bytes| async move { drop(body) }));
        let started = Instant::now();
        for i in 0..N {
            let response = app.clone().oneshot(request("/webhook", i)).await.unwrap();
            assert!(response.status().is_success());
        }
        time("(a) bare axum handler, reads the body", started.elapsed());

        let (tx, mut rx) = broadcast::channel::<Arc<Value>>(1024);
        let app: Router = Router::new().route(
            "/webhook",
            post(move |body: Bytes| {
                let tx = tx.clone();
                async move {
                    match serde_json::from_slice::<Value>(&body) {
                        Ok(value) => {
                            let _ = tx.send(Arc::new(value));
                            axum::http::StatusCode::OK
                        }
                        Err(_) => axum::http::StatusCode::BAD_REQUEST,
                    }
                }
            }),
        );
        let started = Instant::now();
        for i in 0..N {
            let response = app.clone().oneshot(request("/webhook", i)).await.unwrap();
            assert!(response.status().is_success());
            assert!(rx.try_recv().is_ok());
        }
        time("(b) Value + broadcast, one subscriber", started.elapsed());

        let (router, hub) = Webhook::builder().secret("bench-secret").build();
        let router: Router = router;
        let mut events = hub.subscribe();
        let started = Instant::now();
        for i in 0..N {
            let response = router
                .clone()
                .oneshot(request("/webhook/NERDWHATS_AMERICA?token=bench-secret", i))
                .await
                .unwrap();
            assert!(response.status().is_success());
            assert!(matches!(events.next().await, Some(Ok(_))));
        }
        time("wppconnect-webhook router, typed events", started.elapsed());
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// One stalled subscriber (never read) while 1,000,000 `onmessage` events are posted over 32
/// loopback connections; the peak RSS of the whole process (server, hub and the clients) is
/// sampled as it goes. Bounded: the stalled buffer holds the last 1024 events, no more.
async fn run_memory(clients: Handle) {
    const TOTAL: usize = 1_000_000;
    let (router, hub) = Webhook::builder().build();
    let _stalled = hub.subscribe(); // never read
    let server = serve(router).await;
    let before = peak_rss_kib();
    let started = Instant::now();
    let posted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for connection in 0..CONNECTIONS {
        let (url, posted) = (server.url.clone(), posted.clone());
        tasks.push(clients.spawn(async move {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            for _ in (connection..TOTAL).step_by(CONNECTIONS) {
                let response = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(BODY)
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                let _ = response.bytes().await;
                posted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    let progress = {
        let posted = posted.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                let n = posted.load(std::sync::atomic::Ordering::Relaxed);
                println!("{n:>8} events posted, peak RSS {} KiB", peak_rss_kib());
            }
        })
    };
    for task in tasks {
        task.await.unwrap();
    }
    progress.abort();
    println!(
        "{TOTAL} events over {CONNECTIONS} connections into one stalled subscriber (buffer {}) in {:.1?}: peak RSS {} KiB (was {} KiB before)",
        wppconnect_webhook::DEFAULT_CAPACITY,
        started.elapsed(),
        peak_rss_kib(),
        before
    );
}

fn main() {
    let runtime = |threads, name: &str| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name(name)
            .enable_all()
            .build()
            .unwrap()
    };
    if std::env::args().any(|a| a == "cpu") {
        runtime(1, "cpu").block_on(run_cpu());
    } else if std::env::args().any(|a| a == "memory") {
        let (server, clients) = (runtime(1, "server"), runtime(1, "clients"));
        server.block_on(run_memory(clients.handle().clone()));
    } else if !std::env::args().any(|a| a == "--list" || a == "--test") {
        let (server, clients) = (runtime(1, "server"), runtime(1, "clients"));
        server.block_on(run_load(clients.handle().clone()));
    }
}
