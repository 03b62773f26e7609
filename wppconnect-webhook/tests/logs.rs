//! What the router writes to `tracing`: one line per request with kind, session and outcome;
//! never the secret, never a body (at any level).

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use support::ONMESSAGE;
use tower::ServiceExt;
use wppconnect_webhook::Webhook;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn status(router: &Router, uri: &str, body: &'static str) -> StatusCode {
    let request = Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    router.clone().oneshot(request).await.unwrap().status()
}

#[tokio::test]
async fn every_request_is_logged_without_the_secret_or_the_body() {
    const SECRET: &str = "TOPSECRET-do-not-log";
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (router, hub) = Webhook::builder().secret(SECRET).build();
    let _events = hub.subscribe();
    let (path_router, _path_hub) = Webhook::builder().secret(SECRET).secret_in_path().build();

    assert_eq!(
        status(&router, "/webhook/loja?token=TOPSECRET-wrong", ONMESSAGE).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(&router, &format!("/webhook/loja?token={SECRET}"), ONMESSAGE).await,
        StatusCode::OK
    );
    assert_eq!(
        status(
            &router,
            &format!("/webhook/loja?token={SECRET}"),
            "{\"event\":"
        )
        .await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        status(&path_router, &format!("/webhook/{SECRET}/loja"), ONMESSAGE).await,
        StatusCode::OK
    );

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.contains("TOPSECRET"), "the secret leaked:\n{logs}");
    // the text of the message in the fixture body
    let body: serde_json::Value = serde_json::from_str(ONMESSAGE).unwrap();
    let text = body["body"].as_str().unwrap();
    assert!(!logs.contains(text), "a body leaked:\n{logs}");
    let lines: Vec<&str> = logs.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("WARN") && l.contains("outcome=\"unauthorized\"")),
        "{logs}"
    );
    assert!(
        lines.iter().any(|l| l.contains("INFO")
            && l.contains("kind=onmessage")
            && l.contains("session=\"NERDWHATS_AMERICA\"")
            && l.contains("outcome=\"received\"")),
        "{logs}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("outcome=\"bad_request\"") && l.contains("path_session=\"loja\"")),
        "{logs}"
    );
}
