//! End to end over real HTTP on 127.0.0.1: the server's POSTs reach subscribers intact.

mod support;

use std::collections::HashSet;
use std::sync::Arc;

use futures::{FutureExt, StreamExt};
use serde_json::{json, Value};
use support::{spawn, FIXTURES, ONMESSAGE, WAIT};
use tokio::time::timeout;
use wppconnect_webhook::models::{Event, EventKind, SessionName};
use wppconnect_webhook::{Lagged, Webhook};

fn axios(client: &reqwest::Client, url: String, body: &'static str) -> reqwest::RequestBuilder {
    client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/plain, */*")
        .header("user-agent", "axios/1.19.0")
        .body(body)
}

#[tokio::test]
async fn every_fixture_reaches_a_subscriber_intact() {
    let (router, hub) = Webhook::builder().build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    for (name, body) in FIXTURES {
        let response = axios(&client, format!("http://{addr}/webhook"), body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"status": "received"})
        );
        let event = timeout(WAIT, events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let sent: Value = serde_json::from_str(body).unwrap();
        assert_ne!(event.kind(), EventKind::Unknown, "{name}");
        assert_eq!(event.to_value(), sent, "{name} arrived changed");
    }
}

#[tokio::test]
async fn session_in_the_path_fills_a_missing_one_and_never_overrides() {
    let (router, hub) = Webhook::builder().path("/hooks/").build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    let no_session = r#"{"event":"status-find","status":"isLogged"}"#;
    axios(
        &client,
        format!("http://{addr}/hooks/loja-centro"),
        no_session,
    )
    .send()
    .await
    .unwrap();
    let event = timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        event.session().map(SessionName::as_str),
        Some("loja-centro")
    );
    axios(&client, format!("http://{addr}/hooks/other"), ONMESSAGE)
        .send()
        .await
        .unwrap();
    let event = timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        event.session().map(SessionName::as_str),
        Some("NERDWHATS_AMERICA")
    );
}

#[tokio::test]
async fn two_subscribers_both_receive_every_event_and_filters_apply() {
    let (router, hub) = Webhook::builder().build();
    let mut a = hub.subscribe();
    let mut b = hub.subscribe();
    let mut acks = hub.subscribe_kinds([EventKind::Ack]);
    let mut other_session = hub.subscribe().session(SessionName::from_wire("nobody"));
    let mut this_session = hub
        .subscribe()
        .session(SessionName::from_wire("NERDWHATS_AMERICA"))
        .kinds([EventKind::QrCode]);
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    for (_, body) in FIXTURES {
        axios(&client, format!("http://{addr}/webhook"), body)
            .send()
            .await
            .unwrap();
    }
    for stream in [&mut a, &mut b] {
        for (name, _) in FIXTURES {
            let event = timeout(WAIT, stream.next()).await.unwrap().unwrap();
            assert!(event.is_ok(), "{name}");
        }
    }
    let expected_acks = FIXTURES
        .iter()
        .filter(|(n, _)| n.starts_with("onack"))
        .count();
    for _ in 0..expected_acks {
        let event = timeout(WAIT, acks.next()).await.unwrap().unwrap().unwrap();
        assert_eq!(event.kind(), EventKind::Ack);
    }
    let qr = timeout(WAIT, this_session.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(qr.kind(), EventKind::QrCode);
    // nothing else is pending on the filtered streams
    let quiet = std::time::Duration::from_millis(100);
    assert!(timeout(quiet, acks.next()).await.is_err());
    assert!(timeout(quiet, this_session.next()).await.is_err());
    assert!(timeout(quiet, other_session.next()).await.is_err());
}

#[tokio::test]
async fn a_stalled_subscriber_gets_a_lag_notice_while_a_fast_one_gets_everything() {
    let (router, hub) = Webhook::builder().capacity(16).build();
    let mut stalled = hub.subscribe();
    let mut fast = hub.subscribe();
    let addr = spawn(router).await;
    let received = tokio::spawn(async move {
        let mut ids = Vec::new();
        while ids.len() < 100 {
            match timeout(WAIT, fast.next()).await {
                Ok(Some(Ok(event))) => {
                    ids.push(event.message_id().map(|id| id.as_str().to_owned()))
                }
                Ok(Some(Err(Lagged(n)))) => panic!("fast subscriber lagged by {n}"),
                _ => break,
            }
        }
        ids.len()
    });
    let client = reqwest::Client::new();
    for _ in 0..100 {
        let response = axios(&client, format!("http://{addr}/webhook"), ONMESSAGE)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            200,
            "the router never waits for a slow subscriber"
        );
    }
    assert_eq!(received.await.unwrap(), 100);
    let first = stalled.next().await.unwrap();
    assert_eq!(first, Err(Lagged(84)), "100 events into a 16-event buffer");
    let mut rest = 0;
    // every event is published already: drain what is buffered without waiting on the clock
    while let Some(Some(item)) = tokio::task::unconstrained(stalled.next()).now_or_never() {
        assert!(item.is_ok());
        rest += 1;
    }
    assert_eq!(
        rest, 16,
        "after the notice the stalled subscriber goes on with what is buffered"
    );
}

#[tokio::test]
async fn duplicates_are_dropped_but_the_decrypted_copy_is_not() {
    let (router, hub) = Webhook::builder().dedupe_window(100).build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    let mut cipher: Value = serde_json::from_str(ONMESSAGE).unwrap();
    cipher["type"] = "ciphertext".into();
    cipher["body"] = "".into();
    let cipher: &'static str = Box::leak(cipher.to_string().into_boxed_str());
    let unread = Box::leak(
        ONMESSAGE
            .replacen("\"onmessage\"", "\"unreadmessages\"", 1)
            .into_boxed_str(),
    );
    let mut statuses = Vec::new();
    for body in [cipher, ONMESSAGE, ONMESSAGE, unread, cipher] {
        let response = axios(&client, format!("http://{addr}/webhook"), body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        statuses.push(
            response.json::<Value>().await.unwrap()["status"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(
        statuses,
        [
            "received",
            "received",
            "duplicate",
            "duplicate",
            "duplicate"
        ]
    );
    let first = timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(first.message().unwrap().is_ciphertext());
    let second = timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(!second.message().unwrap().is_ciphertext());
    // nothing else was published: a new message posted now is the very next event (no wait for
    // an absence, which a busy machine could fake)
    let mut last: Value = serde_json::from_str(ONMESSAGE).unwrap();
    last["id"] = "false_5511999999999@c.us_LASTONE".into();
    let last: &'static str = Box::leak(last.to_string().into_boxed_str());
    let response = axios(&client, format!("http://{addr}/webhook"), last)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let next = timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        next.message_id().map(|id| id.as_str()),
        Some("false_5511999999999@c.us_LASTONE")
    );
}

#[tokio::test]
async fn ten_thousand_events_over_32_connections_all_arrive() {
    const TOTAL: usize = 10_000;
    const CONNECTIONS: usize = 32;
    let (router, hub) = Webhook::builder().capacity(TOTAL).build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let template: Value = serde_json::from_str(ONMESSAGE).unwrap();
    let collector = tokio::spawn(async move {
        let mut ids = HashSet::new();
        while ids.len() < TOTAL {
            match timeout(WAIT, events.next()).await {
                Ok(Some(Ok(event))) => {
                    ids.insert(event.message_id().unwrap().as_str().to_owned());
                }
                other => panic!(
                    "stream ended or lagged after {} events: {other:?}",
                    ids.len()
                ),
            }
        }
        ids
    });
    let template = Arc::new(template);
    let mut senders = Vec::new();
    for connection in 0..CONNECTIONS {
        let template = template.clone();
        senders.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            for i in (connection..TOTAL).step_by(CONNECTIONS) {
                let mut body = (*template).clone();
                body["id"] = format!("false_5511999999999@c.us_{i:08X}").into();
                let response = client
                    .post(format!("http://{addr}/webhook"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
            }
        }));
    }
    for sender in senders {
        sender.await.unwrap();
    }
    let ids = collector.await.unwrap();
    assert_eq!(ids.len(), TOTAL);
    assert!((0..TOTAL).all(|i| ids.contains(&format!("false_5511999999999@c.us_{i:08X}"))));
}

#[tokio::test]
async fn handlers_run_per_kind_and_their_errors_do_not_stop_them() {
    let (router, hub) = Webhook::builder().build();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _handler = hub.on_ack(move |event: Arc<Event>| {
        let tx = tx.clone();
        async move {
            tx.send(event.kind()).map_err(|e| e.to_string())?;
            Err::<(), _>("handler failed on purpose".to_owned())
        }
    });
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    for (_, body) in FIXTURES {
        axios(&client, format!("http://{addr}/webhook"), body)
            .send()
            .await
            .unwrap();
    }
    let expected = FIXTURES
        .iter()
        .filter(|(n, _)| n.starts_with("onack"))
        .count();
    for _ in 0..expected {
        assert_eq!(
            timeout(WAIT, rx.recv()).await.unwrap(),
            Some(EventKind::Ack)
        );
    }
}

#[tokio::test]
async fn a_panicking_handler_is_logged_and_goes_on_with_the_next_event() {
    let (router, hub) = Webhook::builder().build();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _handler = hub.on_status(move |event: Arc<Event>| {
        let tx = tx.clone();
        async move {
            let status = event.to_value()["status"].as_str().unwrap_or("").to_owned();
            if status == "notLogged" {
                panic!("handler panicked on purpose");
            }
            tx.send(status).map_err(|e| e.to_string())
        }
    });
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    for status in ["notLogged", "inChat"] {
        let body = format!(r#"{{"event":"status-find","session":"s","status":"{status}"}}"#);
        let body: &'static str = Box::leak(body.into_boxed_str());
        let response = axios(&client, format!("http://{addr}/webhook"), body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(timeout(WAIT, rx.recv()).await.unwrap().unwrap(), "inChat");
}

#[tokio::test]
async fn graceful_shutdown_delivers_what_was_accepted() {
    let (router, hub) = Webhook::builder().build();
    let mut events = hub.subscribe();
    drop(hub);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(wppconnect_webhook::serve_on(listener, router, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    for _ in 0..5 {
        let r = axios(&client, format!("http://{addr}/webhook"), ONMESSAGE)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    drop(client);
    stop.send(()).unwrap();
    timeout(WAIT, server).await.unwrap().unwrap().unwrap();
    let mut delivered = 0;
    while let Some(item) = timeout(WAIT, events.next()).await.unwrap() {
        assert!(item.is_ok());
        delivered += 1;
    }
    assert_eq!(
        delivered, 5,
        "every accepted event is delivered, then the stream ends"
    );
}

fn fixture(name: &str) -> &'static str {
    FIXTURES.iter().find(|(n, _)| *n == name).unwrap().1
}

/// The reference backend's path: `POST /webhook/{session}?token=…`, subscribed to messages,
/// acks and status events of one session.
#[tokio::test]
async fn the_backend_path_with_the_secret_in_the_query() {
    let secret = "backend secret/+&=";
    let (router, hub) = Webhook::builder()
        .secret(secret)
        .dedupe_window(1000)
        .build();
    let session = SessionName::new("NERDWHATS_AMERICA").unwrap();
    let mut wanted = hub
        .subscribe_kinds([EventKind::Message, EventKind::Ack, EventKind::StatusFind])
        .session(session.clone());
    let mut everything = hub.subscribe();
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    let token: String = url_encode(secret);
    let url = format!("http://{addr}/webhook/NERDWHATS_AMERICA?token={token}");

    for wrong in [
        format!("http://{addr}/webhook/NERDWHATS_AMERICA"),
        format!("http://{addr}/webhook/NERDWHATS_AMERICA?token=backend"),
        format!("http://{addr}/webhook/NERDWHATS_AMERICA?token={token}x"),
    ] {
        let response = axios(&client, wrong, ONMESSAGE).send().await.unwrap();
        assert_eq!(response.status(), 401);
        let text = response.text().await.unwrap();
        assert!(!text.contains("backend"), "{text}");
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["error"], "unauthorized");
    }

    for name in [
        "onmessage-text",
        "qrcode",
        "onack",
        "status-find-no-session",
        "onpresencechanged",
    ] {
        let response = axios(&client, url.clone(), fixture(name))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"status": "received"})
        );
    }
    let mut kinds = Vec::new();
    for _ in 0..3 {
        let event = timeout(WAIT, wanted.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(event.session(), Some(&session));
        kinds.push(event.kind());
    }
    assert_eq!(
        kinds,
        [EventKind::Message, EventKind::Ack, EventKind::StatusFind]
    );
    let quiet = std::time::Duration::from_millis(100);
    assert!(timeout(quiet, wanted.next()).await.is_err());
    // the unfiltered subscriber got all five, and none of the refused ones
    let mut names = Vec::new();
    while let Ok(Some(item)) = timeout(quiet, everything.next()).await {
        names.push(item.unwrap().name().to_owned());
    }
    assert_eq!(
        names,
        [
            "onmessage",
            "qrcode",
            "onack",
            "status-find",
            "onpresencechanged"
        ]
    );
}

fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn rejections_over_real_http_reach_no_subscriber() {
    let (router, hub) = Webhook::builder().body_limit(1024).build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    for (body, status, error) in [
        ("{\"event\":", 400, "invalid webhook body"),
        ("[{\"event\":\"onmessage\"}]", 400, "invalid webhook body"),
        ("{\"session\":\"main\"}", 400, "invalid webhook body"),
        (ONMESSAGE, 413, "body too large"),
    ] {
        let response = axios(&client, format!("http://{addr}/webhook/main"), body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{body}");
        let json: Value = response.json().await.unwrap();
        assert_eq!(json["error"], error);
        assert!(json["reason"].as_str().is_some_and(|r| !r.is_empty()));
    }
    assert!(
        support::nothing_buffered(&mut events),
        "a refused body reached a subscriber"
    );
}

#[tokio::test]
async fn serve_binds_the_address_and_returns_bind_errors() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = taken.local_addr().unwrap();
    let (router, _hub) = Webhook::builder().build();
    let error = wppconnect_webhook::serve(addr, router, std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    drop(taken);
}

#[tokio::test]
async fn a_generic_handler_sees_every_event_unknown_ones_included() {
    let (router, hub) = Webhook::builder().build();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _handler = hub.on_event(move |event: Arc<Event>| {
        let tx = tx.clone();
        async move { tx.send(event.name().to_owned()) }
    });
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    for body in [fixture("qrcode"), r#"{"event":"onsomethingnew","x":1}"#] {
        let response = axios(&client, format!("http://{addr}/webhook"), body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(timeout(WAIT, rx.recv()).await.unwrap().unwrap(), "qrcode");
    assert_eq!(
        timeout(WAIT, rx.recv()).await.unwrap().unwrap(),
        "onsomethingnew"
    );
}

/// With the server's auto-download, media arrive inline as base64: a 12 MB body is normal and
/// must pass the default limit (well above axum's 2 MB extractor default).
#[tokio::test]
async fn a_large_inline_media_body_is_accepted_under_the_default_limit() {
    let (router, hub) = Webhook::builder().build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let mut body: Value = serde_json::from_str(fixture("onmessage-image-autodownload")).unwrap();
    let media = "A".repeat(12 * 1024 * 1024);
    body["body"] = media.clone().into();
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/webhook/main"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let event = timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        event.message().unwrap().body.as_deref(),
        Some(media.as_str())
    );
    // a large body that is cut short is still a 400 with a reason (parsed off the workers too)
    let cut = body.to_string()[..3 * 1024 * 1024].to_owned();
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/webhook/main"))
        .body(cut)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let json: Value = response.json().await.unwrap();
    assert_eq!(json["error"], "invalid webhook body");
    assert!(
        support::nothing_buffered(&mut events),
        "a refused body reached a subscriber"
    );
}
