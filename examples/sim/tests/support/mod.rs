//! Shared helpers: a webhook receiver on 127.0.0.1:0 and shortcuts to a connected session.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use wppconnect_sim::{RunningSimulator, SessionStatus, Simulator};

/// Only stops a hang: every wait ends as soon as its condition holds.
pub(crate) const WAIT: Duration = Duration::from_secs(60);

/// Polls `done` until it holds; panics after [`WAIT`] with `what`.
pub(crate) async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// One webhook call as the receiver saw it.
#[derive(Debug, Clone)]
pub(crate) struct Hook {
    pub(crate) headers: HeaderMap,
    pub(crate) raw: String,
    pub(crate) body: Value,
}

impl Hook {
    pub(crate) fn event(&self) -> &str {
        self.body["event"].as_str().unwrap_or_default()
    }
}

/// A webhook receiver recording every call, in arrival order.
#[derive(Debug, Clone)]
pub(crate) struct Receiver {
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<Hook>>>,
}

impl Receiver {
    pub(crate) async fn start() -> Self {
        let seen: Arc<Mutex<Vec<Hook>>> = Arc::default();
        let store = seen.clone();
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: Bytes| {
                let store = store.clone();
                async move {
                    let raw = String::from_utf8(body.to_vec()).unwrap();
                    let body = serde_json::from_str(&raw).unwrap();
                    store.lock().unwrap().push(Hook { headers, raw, body });
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, seen }
    }

    pub(crate) fn all(&self) -> Vec<Hook> {
        self.seen.lock().unwrap().clone()
    }

    pub(crate) fn of(&self, event: &str) -> Vec<Hook> {
        self.all()
            .into_iter()
            .filter(|h| h.event() == event)
            .collect()
    }

    pub(crate) fn events(&self) -> Vec<String> {
        self.all().iter().map(|h| h.event().to_owned()).collect()
    }

    /// Waits until `done` holds for what was received (at most [`WAIT`]).
    pub(crate) async fn wait(&self, what: &str, done: impl Fn(&[Hook]) -> bool) -> Vec<Hook> {
        let deadline = tokio::time::Instant::now() + WAIT;
        while tokio::time::Instant::now() < deadline {
            let all = self.all();
            if done(&all) {
                return all;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!(
            "timed out waiting for {what}; received: {:#?}",
            self.events()
        );
    }

    /// Waits until `n` webhooks of `event` arrived.
    pub(crate) async fn wait_for(&self, event: &str, n: usize) -> Vec<Hook> {
        self.wait(&format!("{n} × {event}"), |all| {
            all.iter().filter(|h| h.event() == event).count() >= n
        })
        .await;
        self.of(event)
    }
}

pub(crate) async fn fast_sim() -> RunningSimulator {
    Simulator::builder()
        .fast()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

pub(crate) async fn token(sim: &RunningSimulator, http: &reqwest::Client, session: &str) -> String {
    let response = http
        .post(format!(
            "{}/api/{session}/{}/generate-token",
            sim.url(),
            sim.secret_key()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// Starts `session` with `hook` as its webhook, scans it, and returns a token.
pub(crate) async fn connected(
    sim: &RunningSimulator,
    http: &reqwest::Client,
    session: &str,
    hook: &str,
) -> String {
    let token = token(sim, http, session).await;
    let response = http
        .post(format!("{}/api/{session}/start-session", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"webhook": hook}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    sim.wait_for_status(session, SessionStatus::QrCode, WAIT)
        .await
        .unwrap();
    sim.scan(session).unwrap();
    token
}
