//! The `on_outcome` hook: one report per request, with the event kind, the session and why a
//! request was refused, so a user can count webhooks in their own metrics. No secret in it.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::Value;
use support::{raw_post, spawn, ONMESSAGE};
use wppconnect_webhook::models::{Event, EventKind};
use wppconnect_webhook::{HandlerError, Outcome, Report, Webhook};

const SECRET: &str = "the-hook-secret";

async fn post(addr: std::net::SocketAddr, path: &str, body: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("http://{addr}{path}"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// An `onmessage` body with its own message id.
fn message(id: &str) -> String {
    let mut body: Value = serde_json::from_str(ONMESSAGE).unwrap();
    body["id"] = format!("false_5511999999999@c.us_{id}").into();
    body["session"] = "main".into();
    body.to_string()
}

#[tokio::test]
async fn each_request_is_reported_once_with_its_kind_session_and_outcome() {
    let reports: Arc<Mutex<Vec<Report>>> = Arc::default();
    let seen = reports.clone();
    let (router, _hub) = Webhook::builder()
        .secret(SECRET)
        .body_limit(64 * 1024)
        .dedupe_window(100)
        .awaited(|event: Arc<Event>| async move {
            // the handler refuses one message: the router answers 503
            let refused = event
                .message_id()
                .is_some_and(|id| id.as_str().ends_with("REFUSED"));
            if refused {
                Err(HandlerError::new("the store is down"))
            } else {
                Ok(())
            }
        })
        .on_outcome(move |report| seen.lock().unwrap().push(report.clone()))
        .build();
    let addr = spawn(router).await;
    let hook = format!("/webhook/main?token={SECRET}");

    // the hook has run by the time the answer arrives: no waiting
    let cases: Vec<(String, String, u16)> = vec![
        (hook.clone(), message("A1"), 200),
        (hook.clone(), message("A1"), 200),
        (hook.clone(), message("REFUSED"), 503),
        ("/webhook/main?token=wrong".to_owned(), message("A2"), 401),
        (hook.clone(), "{not json".to_owned(), 400),
        (hook.clone(), "x".repeat(100 * 1024), 413),
    ];
    for (path, body, status) in &cases {
        assert_eq!(post(addr, path, body).await, *status, "{path}");
    }
    // a session name the router refuses, sent byte for byte
    let (status, _) = raw_post(
        addr,
        &format!("/webhook/a%2Fb?token={SECRET}"),
        &message("A3"),
    )
    .await;
    assert_eq!(status, 400);

    let reports = reports.lock().unwrap().clone();
    let got: Vec<(Outcome, Option<EventKind>, Option<&str>, u16)> = reports
        .iter()
        .map(|r| (r.outcome, r.kind, r.session.as_deref(), r.status.as_u16()))
        .collect();
    let message = Some(EventKind::Message);
    assert_eq!(
        got,
        [
            (Outcome::Received, message, Some("main"), 200),
            (Outcome::Duplicate, message, Some("main"), 200),
            (Outcome::NotStored, message, Some("main"), 503),
            (Outcome::Unauthorized, None, None, 401),
            (Outcome::BadRequest, None, Some("main"), 400),
            (Outcome::TooLarge, None, Some("main"), 413),
            (Outcome::BadRequest, None, None, 400),
        ]
    );
    assert_eq!(reports[0].event_name(), "onmessage");
    assert_eq!(reports[3].event_name(), "unknown");
    assert_eq!(
        reports
            .iter()
            .map(|r| r.outcome.as_str())
            .collect::<Vec<_>>(),
        [
            "received",
            "duplicate",
            "not_stored",
            "unauthorized",
            "bad_request",
            "too_large",
            "bad_request"
        ],
        "the words of the log lines' `outcome` field"
    );
    assert!(reports[0].outcome.is_accepted() && reports[1].outcome.is_accepted());
    assert!(!reports[2].outcome.is_accepted());
    let shown = format!("{reports:?}");
    assert!(!shown.contains(SECRET), "{shown}");
}

#[tokio::test]
async fn the_fire_and_forget_mode_is_reported_too() {
    let reports: Arc<Mutex<Vec<Report>>> = Arc::default();
    let seen = reports.clone();
    let (router, _hub) = Webhook::builder()
        .on_outcome(move |report| seen.lock().unwrap().push(report.clone()))
        .build();
    let addr = spawn(router).await;
    assert_eq!(post(addr, "/webhook", &message("F1")).await, 200);
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].outcome, Outcome::Received);
    assert_eq!(reports[0].kind, Some(EventKind::Message));
    assert_eq!(reports[0].session.as_deref(), Some("main"));
}
