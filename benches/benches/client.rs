//! The client's `send-message` against a local axum stub, beside a bare reqwest POST of the same
//! JSON to the same stub (the baseline): one at a time, and 64 concurrent. Two more bare calls
//! separate the costs: one parsing the answer into a `Value`, one decoding it into the client's
//! typed answer (`Vec<Message>`), so `client - bare_reqwest_typed_answer` is the client's own
//! overhead (validation, token, URL, span, error handling).
//!
//! `cargo bench -p wppconnect-benches --bench client`

#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use axum::routing::post;
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use futures::future::join_all;
use serde_json::json;
use tokio::runtime::Runtime;
use wppconnect_client::models::{Message, Wrapped};
use wppconnect_client::Client;

const SEND_MESSAGE: &str = include_str!("send-message.json");
const GENERATE_TOKEN: &str = include_str!("generate-token.json");
const TOKEN: &str = "$2b$10$Qe5tK0pLr3vX8yZ1aB4cD.uH6iJ9kM2nO5pQ8rS1tU4vW7xY0zA_C";

/// A stub that answers generate-token and send-message with the real server's bodies.
async fn stub() -> String {
    let json = |body: &'static str| {
        move || async move {
            (
                axum::http::StatusCode::CREATED,
                [("content-type", "application/json")],
                body,
            )
        }
    };
    let app = Router::new()
        .route(
            "/api/{session}/{key}/generate-token",
            post(json(GENERATE_TOKEN)),
        )
        .route("/api/{session}/send-message", post(json(SEND_MESSAGE)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn send_message(c: &mut Criterion) {
    let runtime = Runtime::new().unwrap();
    let url = runtime.block_on(stub());
    let client = Client::builder(&url)
        .unwrap()
        .secret_key("THISISMYSECURETOKEN")
        .build()
        .unwrap();
    let session = client.session("NERDWHATS_AMERICA").unwrap();
    runtime.block_on(session.generate_token()).unwrap();
    let bare = reqwest::Client::new();
    let endpoint = format!("{url}/api/NERDWHATS_AMERICA/send-message");
    let body = json!({"phone": "5511999999999", "message": "Seu pedido #4821 foi confirmado"});

    let bare_send = || {
        let request = bare.post(&endpoint).bearer_auth(TOKEN).json(&body);
        async move {
            let response = request.send().await.unwrap();
            response.bytes().await.unwrap()
        }
    };
    // The same bare call, also parsing the answer (into a Value): what typing the answer costs.
    let bare_parse = || {
        let request = bare.post(&endpoint).bearer_auth(TOKEN).json(&body);
        async move {
            let response = request.send().await.unwrap();
            serde_json::from_slice::<serde_json::Value>(&response.bytes().await.unwrap()).unwrap()
        }
    };
    // The same bare call, decoding the answer into the client's own typed answer: the floor for
    // any typed client; the client's own overhead is what it adds above this.
    let bare_typed = || {
        let request = bare.post(&endpoint).bearer_auth(TOKEN).json(&body);
        async move {
            let response = request.send().await.unwrap();
            serde_json::from_slice::<Wrapped<Vec<Message>>>(&response.bytes().await.unwrap())
                .unwrap()
                .response
        }
    };
    let client_send = || {
        let send = session.send_message("5511999999999", "Seu pedido #4821 foi confirmado");
        async move { send.await.unwrap() }
    };

    let mut group = c.benchmark_group("send_message");
    group.bench_function("baseline_bare_reqwest", |b| {
        b.to_async(&runtime).iter(bare_send)
    });
    group.bench_function("bare_reqwest_parsing_the_answer", |b| {
        b.to_async(&runtime).iter(bare_parse)
    });
    group.bench_function("bare_reqwest_typed_answer", |b| {
        b.to_async(&runtime).iter(bare_typed)
    });
    group.bench_function("client", |b| b.to_async(&runtime).iter(client_send));
    group.bench_function("baseline_bare_reqwest_64_concurrent", |b| {
        b.to_async(&runtime)
            .iter(|| join_all((0..64).map(|_| bare_send())))
    });
    group.bench_function("bare_reqwest_typed_answer_64_concurrent", |b| {
        b.to_async(&runtime)
            .iter(|| join_all((0..64).map(|_| bare_typed())))
    });
    group.bench_function("client_64_concurrent", |b| {
        b.to_async(&runtime)
            .iter(|| join_all((0..64).map(|_| client_send())))
    });
    group.finish();
}

criterion_group!(benches, send_message);
criterion_main!(benches);
