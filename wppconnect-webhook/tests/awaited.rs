//! The awaited delivery mode over real HTTP on 127.0.0.1: the router answers 200 only once the
//! user's handler succeeded, and an event that was not stored can be sent again.

mod support;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use futures::{FutureExt, StreamExt};
use serde_json::{json, Value};
use support::{raw_post, spawn, ONMESSAGE, WAIT};
use tokio::io::AsyncWriteExt;
use tokio::sync::{mpsc, Notify};
use tokio::time::timeout;
use wppconnect_webhook::models::Event;
use wppconnect_webhook::models::EventKind;
use wppconnect_webhook::{EventStream, Received, Webhook};

/// An `onmessage` body with its own message id.
fn message(id: &str) -> String {
    let mut body: Value = serde_json::from_str(ONMESSAGE).unwrap();
    body["id"] = format!("false_5511999999999@c.us_{id}").into();
    body.to_string()
}

async fn post(addr: SocketAddr, body: String) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/webhook/main"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The id of the next event already in the subscriber's buffer. The router publishes before it
/// answers, so once the answer is in, what was published is in the buffer: no waiting needed.
/// (`unconstrained`: Tokio's cooperative budget would otherwise make a buffered event look
/// absent after a hundred or so reads in one go.)
fn buffered_id(events: &mut EventStream) -> Option<String> {
    let item = tokio::task::unconstrained(events.next()).now_or_never()?;
    let event = item.unwrap().unwrap();
    Some(event.message_id().unwrap().as_str().to_owned())
}

#[tokio::test]
async fn an_ok_handler_gets_200_and_then_the_subscriber_gets_the_event() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let (router, hub) = Webhook::builder()
        .awaited(move |event: Arc<Event>| {
            let counted = counted.clone();
            async move {
                assert!(event.message_id().is_some());
                counted.fetch_add(1, Ordering::SeqCst);
                Ok::<(), std::io::Error>(())
            }
        })
        .build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let (status, json) = post(addr, message("OK1")).await;
    assert_eq!(status, 200);
    assert_eq!(json, json!({"status": "received"}));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "answered after the handler ran"
    );
    assert_eq!(
        buffered_id(&mut events).as_deref(),
        Some("false_5511999999999@c.us_OK1")
    );
    assert_eq!(buffered_id(&mut events), None);
}

/// A handler that keeps the bytes it was given, as a journal would.
struct Keeper(mpsc::UnboundedSender<(Option<String>, bytes::Bytes)>);

impl wppconnect_webhook::AwaitedHandler for Keeper {
    fn handle(&self, _event: Arc<Event>) -> wppconnect_webhook::HandlerFuture {
        Box::pin(async {
            Err(wppconnect_webhook::HandlerError::new(
                "the body was not given",
            ))
        })
    }

    fn handle_received(
        &self,
        event: Arc<Event>,
        body: bytes::Bytes,
    ) -> wppconnect_webhook::HandlerFuture {
        let session = event.session().map(|s| s.as_str().to_owned());
        let sent = self.0.send((session, body));
        Box::pin(async move { sent.map_err(wppconnect_webhook::HandlerError::new) })
    }
}

#[tokio::test]
async fn a_handler_can_take_the_body_byte_for_byte_with_the_session_from_the_url() {
    let (kept, mut bodies) = mpsc::unbounded_channel();
    let (router, _hub) = Webhook::builder().awaited(Keeper(kept)).build();
    let addr = spawn(router).await;
    // spaces and key order as the sender wrote them, and no session in the body
    let body = r#"{ "event":"onmessage",  "id":"false_5511999999999@c.us_RAW1", "body":"oi", "type":"chat", "from":"5511999999999@c.us", "to":"5511888888888@c.us", "fromMe":false, "t":1795525512 }"#;
    let (status, _) = post(addr, body.to_owned()).await;
    assert_eq!(
        status, 200,
        "the overriding method was called, not `handle`"
    );
    let (session, got) = bodies.recv().await.unwrap();
    assert_eq!(got, body.as_bytes(), "the very bytes posted");
    assert_eq!(session.as_deref(), Some("main"), "the URL's session");
}

#[tokio::test]
async fn a_failed_event_gets_503_is_not_published_and_its_resend_is_delivered() {
    let healthy = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let (state, counted) = (healthy.clone(), calls.clone());
    let (router, hub) = Webhook::builder()
        .dedupe_window(100)
        .awaited(move |_event: Arc<Event>| {
            let (state, counted) = (state.clone(), counted.clone());
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                if state.load(Ordering::SeqCst) {
                    Ok(())
                } else {
                    Err("database is locked at /var/lib/secret-path.db")
                }
            }
        })
        .build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;

    let (status, json) = post(addr, message("RETRY")).await;
    assert_eq!(status, 503);
    assert_eq!(
        json,
        json!({"error": "not stored", "reason": "the event handler failed"}),
        "a fixed reason, never the handler's own text"
    );
    assert_eq!(buffered_id(&mut events), None, "nothing was published");

    // the same event once the store is back: taken, not "duplicate"
    healthy.store(true, Ordering::SeqCst);
    let (status, json) = post(addr, message("RETRY")).await;
    assert_eq!((status, json), (200, json!({"status": "received"})));
    assert_eq!(
        buffered_id(&mut events).as_deref(),
        Some("false_5511999999999@c.us_RETRY")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // now it is stored, a third copy is a duplicate and the handler is not called again
    let (status, json) = post(addr, message("RETRY")).await;
    assert_eq!((status, json), (200, json!({"status": "duplicate"})));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(buffered_id(&mut events), None);
}

#[tokio::test]
async fn a_panicking_handler_gets_500_and_the_router_goes_on() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let (router, hub) = Webhook::builder()
        .dedupe_window(100)
        .awaited(move |event: Arc<Event>| {
            let counted = counted.clone();
            async move {
                // the first call panics, every later one succeeds
                if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("handler panicked on purpose for {:?}", event.message_id());
                }
                Ok::<(), String>(())
            }
        })
        .build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let (status, json) = post(addr, message("PANIC")).await;
    assert_eq!(status, 500);
    assert_eq!(
        json,
        json!({"error": "not stored", "reason": "the event handler panicked"})
    );
    assert_eq!(buffered_id(&mut events), None);
    // the next event works, and the one that panicked was not remembered
    for id in ["NEXT", "PANIC"] {
        let (status, json) = post(addr, message(id)).await;
        assert_eq!((status, json), (200, json!({"status": "received"})), "{id}");
        assert_eq!(
            buffered_id(&mut events),
            Some(format!("false_5511999999999@c.us_{id}"))
        );
    }
}

#[tokio::test]
async fn a_duplicate_of_a_stored_event_is_answered_without_calling_the_handler() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let (router, hub) = Webhook::builder()
        .dedupe_window(100)
        .awaited(move |_event: Arc<Event>| {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                Ok::<(), String>(())
            }
        })
        .build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let unread = message("DUP").replacen("\"onmessage\"", "\"unreadmessages\"", 1);
    let mut answers = Vec::new();
    for body in [message("DUP"), message("DUP"), unread] {
        let (status, json) = post(addr, body).await;
        assert_eq!(status, 200);
        answers.push(json["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(answers, ["received", "duplicate", "duplicate"]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(buffered_id(&mut events).is_some());
    assert_eq!(buffered_id(&mut events), None);
}

/// Sends a message on drop unless disarmed: tells the test that axum dropped a request's
/// future before it completed.
struct DroppedEarly(Option<mpsc::UnboundedSender<()>>);

impl DroppedEarly {
    fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for DroppedEarly {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

#[tokio::test]
async fn the_handler_runs_to_its_end_when_the_sender_hangs_up() {
    let release = Arc::new(Notify::new());
    let (started_tx, mut started) = mpsc::unbounded_channel();
    let (finished_tx, mut finished) = mpsc::unbounded_channel();
    let gate = release.clone();
    let (router, hub) = Webhook::builder()
        .awaited(move |event: Arc<Event>| {
            let (gate, started_tx, finished_tx) =
                (gate.clone(), started_tx.clone(), finished_tx.clone());
            async move {
                started_tx.send(()).map_err(|e| e.to_string())?;
                gate.notified().await; // a slow store
                finished_tx
                    .send(event.message_id().map(|id| id.as_str().to_owned()))
                    .map_err(|e| e.to_string())
            }
        })
        .build();
    let mut events = hub.subscribe();
    let (dropped_tx, mut dropped) = mpsc::unbounded_channel();
    let router = router.layer(middleware::from_fn(move |request: Request, next: Next| {
        let mut guard = DroppedEarly(Some(dropped_tx.clone()));
        async move {
            let response = next.run(request).await;
            guard.disarm();
            response
        }
    }));
    let addr = spawn(router).await;

    let body = message("HANGUP");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /webhook/main HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    timeout(WAIT, started.recv()).await.unwrap().unwrap();
    drop(stream); // the sender hangs up before the answer
    timeout(WAIT, dropped.recv())
        .await
        .expect("axum never dropped the request of the closed connection")
        .unwrap();
    assert_eq!(buffered_id(&mut events), None);

    release.notify_one();
    let id = timeout(WAIT, finished.recv()).await.unwrap().unwrap();
    assert_eq!(id.as_deref(), Some("false_5511999999999@c.us_HANGUP"));
    // it was stored, so it is published even though nobody was left to answer
    let event = timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        event.message_id().map(|id| id.as_str()),
        Some("false_5511999999999@c.us_HANGUP")
    );
}

#[tokio::test]
async fn a_handler_over_the_time_limit_gets_503_and_still_completes() {
    let release = Arc::new(Notify::new());
    let gate = release.clone();
    let (router, hub) = Webhook::builder()
        .dedupe_window(100)
        // the handler is blocked until released, so it exceeds any limit: this one need not be short
        .awaited_timeout(Duration::from_secs(1))
        .awaited(move |_event: Arc<Event>| {
            let gate = gate.clone();
            async move {
                // blocked until the test releases it, so the limit is always exceeded
                gate.notified().await;
                Ok::<(), String>(())
            }
        })
        .build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let (status, json) = post(addr, message("SLOW")).await;
    assert_eq!(status, 503);
    assert_eq!(
        json,
        json!({"error": "not stored", "reason": "the event handler did not finish in time"})
    );
    assert_eq!(buffered_id(&mut events), None);
    release.notify_one();
    // the late success is published and remembered: the sender's resend is a duplicate
    let event = timeout(WAIT, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        event.message_id().map(|id| id.as_str()),
        Some("false_5511999999999@c.us_SLOW")
    );
    let (status, json) = post(addr, message("SLOW")).await;
    assert_eq!((status, json), (200, json!({"status": "duplicate"})));
}

#[tokio::test]
async fn two_thousand_events_over_32_connections_each_200_was_handled_exactly_once() {
    const TOTAL: usize = 2_000;
    const CONNECTIONS: usize = 32;
    // successful handler calls per id; every tenth id fails
    let stored: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let store = stored.clone();
    let (router, hub) = Webhook::builder()
        .capacity(TOTAL)
        .dedupe_window(TOTAL)
        .awaited(move |event: Arc<Event>| {
            let store = store.clone();
            async move {
                let id = event.message_id().ok_or("no id")?.as_str().to_owned();
                if id.ends_with('3') {
                    return Err("refused on purpose");
                }
                tokio::task::yield_now().await;
                *store.lock().unwrap().entry(id).or_default() += 1;
                Ok(())
            }
        })
        .build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let mut senders = Vec::new();
    for connection in 0..CONNECTIONS {
        senders.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let mut answers = Vec::new();
            for i in (connection..TOTAL).step_by(CONNECTIONS) {
                let id = format!("false_5511999999999@c.us_{i:08}");
                let response = client
                    .post(format!("http://{addr}/webhook/main"))
                    .header("content-type", "application/json")
                    .body(message(&format!("{i:08}")))
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let json: Value = response.json().await.unwrap();
                answers.push((id, status, json));
            }
            answers
        }));
    }
    let mut ok = HashSet::new();
    let mut refused = HashSet::new();
    for sender in senders {
        for (id, status, json) in timeout(Duration::from_secs(120), sender)
            .await
            .unwrap()
            .unwrap()
        {
            match status {
                200 => {
                    assert_eq!(json, json!({"status": "received"}), "{id}");
                    ok.insert(id);
                }
                503 => {
                    assert_eq!(json["error"], "not stored", "{id}");
                    refused.insert(id);
                }
                other => panic!("{id}: {other} {json}"),
            }
        }
    }
    assert_eq!(ok.len() + refused.len(), TOTAL);
    assert_eq!(refused.len(), TOTAL / 10);
    let stored = stored.lock().unwrap().clone();
    assert!(
        ok.iter().all(|id| stored.get(id) == Some(&1)),
        "every 200 was handled exactly once"
    );
    assert_eq!(stored.len(), ok.len(), "nothing answered 503 was stored");
    let mut published = HashSet::new();
    while let Some(id) = buffered_id(&mut events) {
        assert!(published.insert(id), "published twice");
    }
    assert_eq!(
        published, ok,
        "the subscriber got exactly the stored events"
    );
}

#[tokio::test]
async fn bad_session_names_in_the_path_get_400_over_real_http() {
    let (router, hub) = Webhook::builder().build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    for segment in [
        "..", "a%2Fb", "a%5Cb", "a%0D%0Ab", "%0D%0A", "a%00b", "a%3Ab",
    ] {
        let (status, json) = raw_post(addr, &format!("/webhook/{segment}"), ONMESSAGE).await;
        assert_eq!(status, 400, "{segment}");
        assert_eq!(json["error"], "invalid session name", "{segment}");
        let reason = json["reason"].as_str().unwrap();
        assert!(!reason.is_empty() && reason.len() < 200, "{reason}");
        assert!(!reason.chars().any(char::is_control), "{reason:?}");
        assert!(
            !reason.contains("a\\b") && !reason.contains("a/b"),
            "{reason}"
        );
    }
    assert_eq!(buffered_id(&mut events), None, "nothing was published");
    let (status, _) = raw_post(addr, "/webhook/loja-centro", ONMESSAGE).await;
    assert_eq!(status, 200);
    assert!(buffered_id(&mut events).is_some());
}

/// `.` (which would put the next segment, the secret key, in the session's place) and over-long
/// names are refused by the models' `SessionName` rule.
#[tokio::test]
async fn a_dot_and_a_5000_character_session_name_get_400_over_real_http() {
    let (router, hub) = Webhook::builder().build();
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let long = "a".repeat(5_000);
    for segment in [long.as_str(), ".", "%2E"] {
        let (status, json) = raw_post(addr, &format!("/webhook/{segment}"), ONMESSAGE).await;
        assert_eq!(status, 400, "{}", &segment[..segment.len().min(10)]);
        assert_eq!(json["error"], "invalid session name");
        let reason = json["reason"].as_str().unwrap();
        assert!(reason.len() < 200 && !reason.contains("aaaa"), "{reason}");
    }
    assert_eq!(buffered_id(&mut events), None, "nothing was published");
}

#[tokio::test]
async fn bad_session_names_in_the_body_get_400_in_both_modes() {
    let fire_and_forget = Webhook::builder().build();
    let awaited = Webhook::builder()
        .awaited(|_event: Arc<Event>| async { Err::<(), _>("never called") })
        .build();
    let received = Webhook::builder()
        .received(|_received: Arc<Received>| async { Err::<(), _>("never called") })
        .build();
    for (router, hub) in [fire_and_forget, awaited, received] {
        let mut events = hub.subscribe();
        let addr = spawn(router).await;
        for session in ["a/b", "..", "a\\b", "a\r\nb", "a\u{0}b", "a:b", ""] {
            let body = json!({"event": "status-find", "session": session, "status": "inChat"});
            let (status, json) = raw_post(addr, "/webhook/main", &body.to_string()).await;
            assert_eq!(status, 400, "{session:?}");
            assert_eq!(json["error"], "invalid session name", "{session:?}");
            assert!(!json["reason"]
                .as_str()
                .unwrap()
                .chars()
                .any(char::is_control));
        }
        assert!(
            support::nothing_buffered(&mut events),
            "nothing was published"
        );
    }
}

/// A `received`-mode router whose handler sends on what it got and answers with `ok`'s value.
fn receiving(
    ok: Arc<AtomicBool>,
) -> (
    axum::Router,
    wppconnect_webhook::EventHub,
    mpsc::UnboundedReceiver<Arc<Received>>,
) {
    let (sent, got) = mpsc::unbounded_channel();
    let (router, hub) = Webhook::builder()
        .dedupe_window(100)
        .received(move |received: Arc<Received>| {
            let _ = sent.send(received);
            let ok = ok.load(Ordering::SeqCst);
            async move {
                if ok {
                    Ok(())
                } else {
                    Err("the journal is full")
                }
            }
        })
        .build();
    (router, hub, got)
}

#[tokio::test]
async fn the_received_mode_hands_over_the_bytes_and_head_and_publishes_nothing() {
    let (router, hub, mut got) = receiving(Arc::new(AtomicBool::new(true)));
    let mut events = hub.subscribe();
    let addr = spawn(router).await;
    let body = r#"{ "event":"onmessage",  "id":"false_5511999999999@c.us_HEAD1", "body":"oi", "type":"chat", "from":"5511999999999@c.us", "fromMe":false, "t":1795525512 }"#;
    let (status, json) = post(addr, body.to_owned()).await;
    assert_eq!((status, json), (200, json!({"status": "received"})));
    let received = got.try_recv().expect("the handler ran before the answer");
    assert_eq!(received.body(), body.as_bytes(), "the very bytes posted");
    assert_eq!(received.kind(), EventKind::Message);
    assert_eq!(
        received.session().map(|s| s.as_str()),
        Some("main"),
        "the URL's session"
    );
    assert_eq!(
        received.head().message_id.as_ref().map(|id| id.as_str()),
        Some("false_5511999999999@c.us_HEAD1")
    );
    // the typed event, built when the handler wants it, has the URL's session too
    let event = received.event().unwrap();
    assert_eq!(event.session().map(|s| s.as_str()), Some("main"));
    assert_eq!(event.head(), *received.head());
    assert!(
        support::nothing_buffered(&mut events),
        "the router never built the event: nothing published"
    );
    // a repeat is answered from the duplicate window, without the handler
    let (status, json) = post(addr, body.to_owned()).await;
    assert_eq!((status, json), (200, json!({"status": "duplicate"})));
    assert!(got.try_recv().is_err());
}

#[tokio::test]
async fn the_received_mode_refuses_what_is_not_an_event_and_takes_a_failed_one_again() {
    let ok = Arc::new(AtomicBool::new(false));
    let (router, _hub, mut got) = receiving(ok.clone());
    let addr = spawn(router).await;
    for bad in [
        "not json",
        "[1]",
        r#"{"session":"main"}"#,
        r#"{"event":"onmessage","body":"\q"}"#,
        r#"{"event":"onmessage","id":"false_1@c.us_A","type":"chat"} trailing"#,
    ] {
        let (status, json) = raw_post(addr, "/webhook/main", bad).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(json["error"], "invalid webhook body", "{bad}");
    }
    assert!(
        got.try_recv().is_err(),
        "no refused body reached the handler"
    );
    let body = message("FAIL1");
    let (status, json) = post(addr, body.clone()).await;
    assert_eq!(status, 503);
    assert_eq!(json["reason"], "the event handler failed");
    assert!(got.try_recv().is_ok());
    ok.store(true, Ordering::SeqCst);
    let (status, json) = post(addr, body).await;
    assert_eq!(
        (status, json),
        (200, json!({"status": "received"})),
        "not remembered after a 503"
    );
    assert!(got.try_recv().is_ok());
}
