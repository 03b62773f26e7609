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
        "generate-token" => wppconnect_fixtures::text("generate-token"),
        "generate-token-wrong-secret" => wppconnect_fixtures::text("generate-token-wrong-secret"),
        "send-message" => wppconnect_fixtures::text("send-message"),
        "send-file" => wppconnect_fixtures::text("send-file"),
        "error-disconnected" => wppconnect_fixtures::text("error-disconnected"),
        "error-number-not-exists" => wppconnect_fixtures::text("error-number-not-exists"),
        "error-send-failed" => wppconnect_fixtures::text("error-send-failed"),
        "error-token-missing" => wppconnect_fixtures::text("error-token-missing"),
        "error-unauthorized" => wppconnect_fixtures::text("error-unauthorized"),
        "status-session" => wppconnect_fixtures::text("status-session"),
        "status-session-connected" => wppconnect_fixtures::text("status-session-connected"),
        "start-session-first-call" => wppconnect_fixtures::text("start-session-first-call"),
        "check-connection-session" => wppconnect_fixtures::text("check-connection-session"),
        "check-connection-session-disconnected" => {
            wppconnect_fixtures::text("check-connection-session-disconnected")
        }
        "logout-session" => wppconnect_fixtures::text("logout-session"),
        "close-session" => wppconnect_fixtures::text("close-session"),
        "show-all-sessions" => wppconnect_fixtures::text("show-all-sessions"),
        "qrcode-session-not-available" => wppconnect_fixtures::text("qrcode-session-not-available"),
        "get-messages" => wppconnect_fixtures::text("get-messages"),
        "list-chats" => wppconnect_fixtures::text("list-chats"),
        "all-chats" => wppconnect_fixtures::text("all-chats"),
        "check-number-status" => wppconnect_fixtures::text("check-number-status"),
        "check-number-status-not-found" => {
            wppconnect_fixtures::text("check-number-status-not-found")
        }
        "react-message" => wppconnect_fixtures::text("react-message"),
        "delete-message" => wppconnect_fixtures::text("delete-message"),
        "profile-pic" => wppconnect_fixtures::text("profile-pic"),
        "create-group" => wppconnect_fixtures::text("create-group"),
        "add-participant-group" => wppconnect_fixtures::text("add-participant-group"),
        "start-all" => include_str!("../fixtures/start-all.json"),
        "healthz" => wppconnect_fixtures::text("healthz"),
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
