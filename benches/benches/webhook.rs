//! Webhook load over loopback: events per second and p99 latency from POST to the subscriber
//! receiving it, with a realistic 2 KB `onmessage` body and 32 connections, beside two baselines:
//! (a) a bare axum handler that reads the body and answers 200 (the transport floor), and
//! (b) the same handler parsing into `serde_json::Value` and sending it to a
//! `tokio::sync::broadcast` with one subscriber.
//!
//! `cargo bench -p wppconnect-benches --bench webhook`            (load, 3 × 20 000 events)
//! `cargo bench -p wppconnect-benches --bench webhook -- memory`  (1 000 000 events into one stalled subscriber)

#![allow(missing_docs)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::post;
use axum::Router;
use futures::StreamExt;
use serde_json::Value;
use tokio::sync::broadcast;
use tower::ServiceExt;
use wppconnect_webhook::Webhook;

const BODY: &str = include_str!("onmessage.json");
const EVENTS: usize = 20_000;
const CONNECTIONS: usize = 32;

type Sent = Arc<Mutex<HashMap<usize, Instant>>>;

/// Bodies numbered in their message id, so the receiver can match them to their send time.
fn bodies() -> Vec<String> {
    let template: Value = serde_json::from_str(BODY).unwrap();
    (0..EVENTS)
        .map(|i| {
            let mut body = template.clone();
            body["id"] = format!("false_5511999999999@c.us_{i:032X}").into();
            body.to_string()
        })
        .collect()
}

fn index_of(id: &str) -> Option<usize> {
    usize::from_str_radix(id.rsplit('_').next()?, 16).ok()
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// Posts every body over `CONNECTIONS` keep-alive connections; returns the elapsed time and the
/// POST→answer latencies.
async fn load(url: &str, bodies: Arc<Vec<String>>, sent: Sent) -> (Duration, Vec<Duration>) {
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

fn report(name: &str, elapsed: Duration, answer: Vec<Duration>, delivered: Option<Vec<Duration>>) {
    let rate = EVENTS as f64 / elapsed.as_secs_f64();
    let delivered = delivered.map_or_else(|| "-".to_owned(), |d| format!("{:?}", p99(d)));
    println!("{name:<44} {rate:>10.0} events/s   p99 POST->answer {:>10?}   p99 POST->subscriber {delivered:>10}", p99(answer));
}

async fn run_load() {
    let bodies = Arc::new(bodies());
    println!(
        "{EVENTS} onmessage events of {} bytes over {CONNECTIONS} connections",
        BODY.len()
    );

    // (a) transport floor
    let app = Router::new().route("/webhook", post(|body: Bytes| async move { drop(body) }));
    let url = serve(app).await;
    let (elapsed, answer) = load(&url, bodies.clone(), Arc::default()).await;
    report(
        "(a) bare axum handler, reads the body",
        elapsed,
        answer,
        None,
    );

    // (b) Value + broadcast, one subscriber
    let (tx, mut rx) = broadcast::channel::<Arc<Value>>(EVENTS);
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
    let url = serve(app).await;
    let sent: Sent = Arc::default();
    let times = sent.clone();
    let receiver = tokio::spawn(async move {
        let mut latencies = Vec::with_capacity(EVENTS);
        while latencies.len() < EVENTS {
            let Ok(value) = rx.recv().await else { break };
            let i = value["id"].as_str().and_then(index_of).unwrap();
            let at = times.lock().unwrap().get(&i).copied().unwrap();
            latencies.push(at.elapsed());
        }
        latencies
    });
    let (elapsed, answer) = load(&url, bodies.clone(), sent).await;
    report(
        "(b) Value + broadcast, one subscriber",
        elapsed,
        answer,
        Some(receiver.await.unwrap()),
    );

    // the router: typed events, secret check, hub
    let (router, hub) = Webhook::builder()
        .secret("bench-secret")
        .capacity(EVENTS)
        .build();
    let mut events = hub.subscribe();
    let url = serve(router).await;
    let sent: Sent = Arc::default();
    let times = sent.clone();
    let receiver = tokio::spawn(async move {
        let mut latencies = Vec::with_capacity(EVENTS);
        while latencies.len() < EVENTS {
            let Some(Ok(event)) = events.next().await else {
                break;
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
    let (elapsed, answer) = load(&format!("{url}?token=bench-secret"), bodies.clone(), sent).await;
    report(
        "wppconnect-webhook router, typed events",
        elapsed,
        answer,
        Some(receiver.await.unwrap()),
    );
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

async fn run_memory() {
    const TOTAL: usize = 1_000_000;
    let (router, hub) = Webhook::builder().build();
    let _stalled = hub.subscribe(); // never read
    let router: Router = router;
    let before = peak_rss_kib();
    let started = Instant::now();
    for i in 0..TOTAL {
        let request = axum::http::Request::post("/webhook")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(BODY))
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        assert!(response.status().is_success());
        if i % 200_000 == 0 {
            println!("{i:>8} events, peak RSS {} KiB", peak_rss_kib());
        }
    }
    println!(
        "{TOTAL} events into one stalled subscriber (buffer 1024) in {:?}: peak RSS {} KiB (was {} KiB before)",
        started.elapsed(),
        peak_rss_kib(),
        before
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if std::env::args().any(|a| a == "memory") {
        runtime.block_on(run_memory());
    } else if !std::env::args().any(|a| a == "--list" || a == "--test") {
        runtime.block_on(run_load());
    }
}
