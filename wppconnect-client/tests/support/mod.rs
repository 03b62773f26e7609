//! Shared helpers of the client tests: a wiremock server with the real server's answers.
#![allow(dead_code, unreachable_pub)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use wppconnect_client::{Client, RetryPolicy};

pub const SECRET: &str = "THISISMYSECURETOKEN";
pub const SESSION: &str = "NERDWHATS_AMERICA";
/// The token of `fixtures/generate-token.json`.
pub const TOKEN: &str = "$2b$10$Qe5tK0pLr3vX8yZ1aB4cD.uH6iJ9kM2nO5pQ8rS1tU4vW7xY0zA_C";

/// A fixture body as JSON.
pub fn fixture(name: &str) -> Value {
    let text = match name {
        "generate-token" => include_str!("../fixtures/generate-token.json"),
        "generate-token-wrong-secret" => {
            include_str!("../fixtures/generate-token-wrong-secret.json")
        }
        "send-message" => include_str!("../fixtures/send-message.json"),
        "send-file" => include_str!("../fixtures/send-file.json"),
        "error-disconnected" => include_str!("../fixtures/error-disconnected.json"),
        "error-number-not-exists" => include_str!("../fixtures/error-number-not-exists.json"),
        "error-send-failed" => include_str!("../fixtures/error-send-failed.json"),
        "error-token-missing" => include_str!("../fixtures/error-token-missing.json"),
        "error-unauthorized" => include_str!("../fixtures/error-unauthorized.json"),
        "status-session" => include_str!("../fixtures/status-session.json"),
        "status-session-connected" => include_str!("../fixtures/status-session-connected.json"),
        "start-session-first-call" => include_str!("../fixtures/start-session-first-call.json"),
        "check-connection-session" => include_str!("../fixtures/check-connection-session.json"),
        "check-connection-session-disconnected" => {
            include_str!("../fixtures/check-connection-session-disconnected.json")
        }
        "logout-session" => include_str!("../fixtures/logout-session.json"),
        "close-session" => include_str!("../fixtures/close-session.json"),
        "show-all-sessions" => include_str!("../fixtures/show-all-sessions.json"),
        "qrcode-session-not-available" => {
            include_str!("../fixtures/qrcode-session-not-available.json")
        }
        "get-messages" => include_str!("../fixtures/get-messages.json"),
        "list-chats" => include_str!("../fixtures/list-chats.json"),
        "all-chats" => include_str!("../fixtures/all-chats.json"),
        "check-number-status" => include_str!("../fixtures/check-number-status.json"),
        "check-number-status-not-found" => {
            include_str!("../fixtures/check-number-status-not-found.json")
        }
        "react-message" => include_str!("../fixtures/react-message.json"),
        "delete-message" => include_str!("../fixtures/delete-message.json"),
        "profile-pic" => include_str!("../fixtures/profile-pic.json"),
        "create-group" => include_str!("../fixtures/create-group.json"),
        "add-participant-group" => include_str!("../fixtures/add-participant-group.json"),
        "start-all" => include_str!("../fixtures/start-all.json"),
        "healthz" => include_str!("../fixtures/healthz.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

/// A mock server that answers generate-token with the fixture (201) and everything unmatched
/// with a readable 500, so a wrong path fails clearly.
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/{SECRET}/generate-token")))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("generate-token")))
        .named("generate-token")
        .mount(&server)
        .await;
    server
}

/// Mounts the catch-all last (wiremock prefers earlier mounts at equal priority).
pub async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_string("no mock matched this request: check method, path and body"),
        )
        .with_priority(u8::MAX)
        .named("catch-all")
        .mount(server)
        .await;
}

/// A client of the mock server with fast retries.
pub fn client(server: &MockServer) -> Client {
    Client::builder(&server.uri())
        .unwrap()
        .secret_key(SECRET)
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .unwrap()
}

/// Matches `Authorization: Bearer <fixture token>`.
pub fn bearer() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {TOKEN}").as_str())
}

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// A subscriber at `trace` level writing into this capture, with span closes.
    pub fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync {
        tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_env_filter("trace")
            .finish()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Self;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// `Display`, `Debug` and every `source()` of an error, as one text.
pub fn error_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{err} {err:?}");
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    text
}
