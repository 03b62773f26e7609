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

#[tokio::test]
async fn the_awaited_handler_error_goes_to_the_log_and_a_bad_session_name_stays_out_of_it() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let calls = Arc::new(Mutex::new(0_usize));
    let counted = calls.clone();
    let (router, _hub) = Webhook::builder()
        .awaited(move |_event: Arc<wppconnect_webhook::models::Event>| {
            let counted = counted.clone();
            async move {
                let call = {
                    let mut calls = counted.lock().unwrap();
                    *calls += 1;
                    *calls
                };
                match call {
                    1 => Err("disk full at /srv/store.db".to_owned()),
                    2 => panic!("handler panicked on purpose"),
                    _ => Ok(()),
                }
            }
        })
        .build();
    let request = |uri: &str| {
        Request::post(uri)
            .header("content-type", "application/json")
            .body(Body::from(ONMESSAGE))
            .unwrap()
    };
    let response = router
        .clone()
        .oneshot(request("/webhook/loja"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&body).contains("disk full"),
        "the handler's error reached the sender"
    );
    assert_eq!(
        status(&router, "/webhook/loja", ONMESSAGE).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        status(&router, "/webhook/loja", ONMESSAGE).await,
        StatusCode::OK
    );
    assert_eq!(
        status(&router, "/webhook/evil%0D%0AINFO%20forged", ONMESSAGE).await,
        StatusCode::BAD_REQUEST
    );

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = logs.lines().collect();
    assert!(
        lines.iter().any(|l| l.contains("WARN")
            && l.contains("outcome=\"not_stored\"")
            && l.contains("disk full at /srv/store.db")
            && l.contains("path_session=\"loja\"")),
        "{logs}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ERROR") && l.contains("outcome=\"panicked\"")),
        "{logs}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("INFO") && l.contains("outcome=\"received\"")),
        "{logs}"
    );
    assert!(
        lines.iter().any(|l| l.contains("WARN")
            && l.contains("invalid session name")
            && l.contains("outcome=\"bad_request\"")),
        "{logs}"
    );
    assert!(
        !logs.contains("forged"),
        "the refused name reached the log:\n{logs}"
    );
}
