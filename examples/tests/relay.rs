//! The event relay: every stored event reaches NATS JetStream at least once with its log id,
//! even across a SIGKILL, and a CRM's subscription gets each event signed, retried after a
//! failure and counted once by its delivery id.
//!
//! Needs NATS with JetStream (`WPP_TEST_NATS`, default `nats://127.0.0.1:4222`): run
//! `. .ci/services` first.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use futures::StreamExt;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::relay::{NatsSettings, RelaySettings, WebhookSettings};
use wppconnect_examples::backend::{Auth, Parts, Store};
use wppconnect_sim::{RunningSimulator, Simulator};

use support::{get, kill_mid_burst, login, onmessage_bodies, post, until, Backend, TempDb};

const SECRET: &str = "hook-secret";
const METRICS_TOKEN: &str = "metrics-token";

/// The NATS server of the tests.
fn nats_url() -> String {
    std::env::var("WPP_TEST_NATS")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "nats://127.0.0.1:4222".to_owned())
}

/// A stream and a subject prefix no other test uses.
fn unique_names(tag: &str) -> (String, String) {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let id = format!(
        "{}_{n}_{}",
        std::process::id(),
        wppconnect_examples::backend::auth::random_secret(6)
    );
    (
        format!("WPP_TEST_{tag}_{id}"),
        format!("wpptest.{tag}.{id}"),
    )
}

/// A JetStream consumer of the test's stream: every message, as (Nats-Msg-Id, subject, body).
struct NatsReader {
    js: jetstream::Context,
    stream: String,
    seen: Arc<Mutex<Vec<(String, String, Value)>>>,
}

impl NatsReader {
    /// Connects, creates the stream the backend will publish to (the same configuration as the
    /// backend's, so either may come first), and reads it from the start.
    async fn start(stream: &str, prefix: &str) -> Self {
        let client = async_nats::connect(nats_url())
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "NATS is not reachable at {} ({error}): run `. .ci/services` first",
                    nats_url()
                )
            });
        let js = jetstream::new(client);
        let created = js
            .get_or_create_stream(jetstream::stream::Config {
                name: stream.to_owned(),
                subjects: vec![format!("{prefix}.>")],
                ..Default::default()
            })
            .await
            .unwrap_or_else(|error| {
                panic!("JetStream is not enabled on NATS ({error}): run `. .ci/services`")
            });
        let consumer = created
            .create_consumer(jetstream::consumer::pull::Config {
                deliver_policy: jetstream::consumer::DeliverPolicy::All,
                ack_policy: jetstream::consumer::AckPolicy::None,
                ..Default::default()
            })
            .await
            .unwrap();
        let mut messages = consumer.messages().await.unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let into = seen.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = messages.next().await {
                let id = message
                    .headers
                    .as_ref()
                    .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default();
                let body = serde_json::from_slice(&message.payload).unwrap_or(Value::Null);
                into.lock()
                    .unwrap()
                    .push((id, message.subject.to_string(), body));
            }
        });
        Self {
            js,
            stream: stream.to_owned(),
            seen,
        }
    }

    fn seen(&self) -> Vec<(String, String, Value)> {
        self.seen.lock().unwrap().clone()
    }

    /// The message ids of every `new-message` seen.
    fn new_message_ids(&self) -> BTreeSet<String> {
        self.seen()
            .iter()
            .filter(|(_, _, body)| body["event"] == "new-message")
            .filter_map(|(_, _, body)| body["data"]["id"].as_str().map(str::to_owned))
            .collect()
    }

    async fn delete(self) {
        let _ = self.js.delete_stream(&self.stream).await;
    }
}

/// Every row of the event log: (id, kind).
async fn event_log(db: &TempDb) -> Vec<(i64, String)> {
    let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let rows = sqlx::query_as::<_, (i64, String)>("SELECT id, kind FROM event_log ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    rows
}

/// The backend in-process on a loopback port, with these relay settings.
struct InProcess {
    base: String,
    http: reqwest::Client,
    token: String,
}

impl InProcess {
    async fn start(sim: &RunningSimulator, db: &TempDb, relay: RelaySettings) -> Self {
        let client = Client::builder(&sim.url())
            .unwrap()
            .secret_key(sim.secret_key())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let store = Store::open(&db.url).await.unwrap();
        let auth = Auth::new(
            HashMap::from([("ana".to_owned(), hash_password("s3nha").unwrap())]),
            "jwt-secret",
        );
        let backend = wppconnect_examples::backend::Backend::bind(
            "127.0.0.1:0",
            Parts {
                relay,
                metrics_token: Some(METRICS_TOKEN.to_owned()),
                ..Parts::new(client, store, auth, SECRET)
            },
        )
        .await
        .unwrap();
        let base = backend.url();
        backend.spawn();
        let http = reqwest::Client::new();
        let token = login(&http, &base, "ana", "s3nha").await;
        Self { base, http, token }
    }

    fn hook(&self) -> String {
        format!("{}/webhook/main?token={SECRET}", self.base)
    }

    async fn post_event(&self, body: &str) {
        let answer = self
            .http
            .post(self.hook())
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "the webhook was stored");
    }
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .fast()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

/// An `onack` that marks a stored contact message read.
fn read_ack(id: &str) -> String {
    let suffix = id.rsplit('_').next().unwrap();
    json!({"event": "onack", "session": "main", "ack": 3, "type": "chat",
        "id": {"fromMe": false, "remote": "5511999999999@c.us", "id": suffix, "_serialized": id}})
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_stored_event_reaches_nats_with_its_log_id() {
    let (stream, prefix) = unique_names("every");
    let reader = NatsReader::start(&stream, &prefix).await;
    let sim = simulator().await;
    let db = TempDb::new("relay-nats");
    let relay = to_nats(nats_url(), &stream, &prefix);
    let backend = InProcess::start(&sim, &db, relay).await;
    let bodies = onmessage_bodies("main", "N", 40);
    for (_, body) in &bodies {
        backend.post_event(body).await;
    }
    for (id, _) in &bodies[..5] {
        backend.post_event(&read_ack(id)).await;
    }
    backend
        .post_event(
            &json!({"event": "status-find", "session": "main", "status": "inChat"}).to_string(),
        )
        .await;

    let log = event_log(&db).await;
    let count = |kind: &str| log.iter().filter(|(_, k)| k == kind).count();
    // the session's row may come twice: the status-find creates the session, and when the
    // indexer takes the messages before it in the same transaction, they teach the new session
    // its own number (a second `session-status`, with the phone)
    assert_eq!(
        (count("new-message"), count("status-update")),
        (40, 5),
        "one log row per stored change: {log:?}"
    );
    assert!(count("session-status") >= 1, "{log:?}");
    let wanted: BTreeSet<String> = log.iter().map(|(id, _)| id.to_string()).collect();
    until("every log row on NATS", || async {
        let ids: BTreeSet<String> = reader.seen().into_iter().map(|(id, _, _)| id).collect();
        (ids == wanted).then_some(())
    })
    .await;
    let seen = reader.seen();
    assert_eq!(
        seen.len(),
        log.len(),
        "each once (the stream drops duplicates)"
    );
    let kinds: BTreeMap<String, String> = log
        .iter()
        .map(|(id, kind)| (id.to_string(), kind.clone()))
        .collect();
    for (id, subject, body) in &seen {
        assert_eq!(body["id"].to_string(), *id, "Nats-Msg-Id is the body's id");
        let kind = &kinds[id];
        assert_eq!(body["event"], json!(kind));
        assert_eq!(*subject, format!("{prefix}.main.{kind}"));
        assert_eq!(body["session"], "main");
    }
    let posted: BTreeSet<String> = bodies.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(reader.new_message_ids(), posted);
    let read: Vec<&Value> = seen
        .iter()
        .filter(|(_, _, b)| b["event"] == "status-update")
        .map(|(_, _, b)| &b["data"])
        .collect();
    assert_eq!(read.len(), 5);
    assert!(read.iter().all(|d| d["status"] == "read"), "{read:?}");
    assert!(seen
        .iter()
        .any(|(_, _, b)| b["event"] == "session-status" && b["data"]["status"] == "connected"));
    // in log order
    let order: Vec<i64> = seen.iter().map(|(id, _, _)| id.parse().unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    reader.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_through_the_api_reaches_nats_with_its_outcome() {
    let (stream, prefix) = unique_names("sends");
    let reader = NatsReader::start(&stream, &prefix).await;
    let sim = simulator().await;
    let db = TempDb::new("relay-sends");
    let relay = to_nats(nats_url(), &stream, &prefix);
    let backend = InProcess::start(&sim, &db, relay).await;
    let start = format!("{}/api/sessions/main/start", backend.base);
    let (status, answer) = post(&backend.http, &start, &backend.token, json!({})).await;
    assert_eq!(status, 200, "{answer}");
    until("main waiting for its scan", || async {
        sim.scan("main").ok()
    })
    .await;
    let session = format!("{}/api/sessions/main", backend.base);
    until("main connected", || async {
        let (_, body) = get(&backend.http, &session, &backend.token).await;
        (body["status"] == "connected").then_some(())
    })
    .await;
    let (status, sent) = post(
        &backend.http,
        &format!("{}/api/messages", backend.base),
        &backend.token,
        json!({"sessionName": "main", "phone": "5521988887777", "message": "pedido enviado"}),
    )
    .await;
    assert_eq!(status, 202, "{sent}");
    let client_id = sent["clientId"].as_str().unwrap().to_owned();
    // what the console is pushed of our send, the relays get too: the queued message, then
    // what became of it once the outbox handed it to the server
    let (queued, outcome) = until("the send and its outcome on NATS", || async {
        let seen = reader.seen();
        let ours = |event: &str| {
            seen.iter()
                .filter(|(_, _, b)| {
                    b["event"] == event && b["data"]["clientId"] == client_id.as_str()
                })
                .map(|(_, _, b)| b["data"].clone())
                .collect::<Vec<_>>()
        };
        let queued = ours("new-message");
        let outcome = ours("status-update");
        (!queued.is_empty() && !outcome.is_empty()).then_some((queued, outcome))
    })
    .await;
    assert_eq!(queued[0]["content"], "pedido enviado", "{queued:?}");
    assert_eq!(queued[0]["status"], "pending", "{queued:?}");
    assert!(
        outcome.iter().all(|d| d["status"] != "failed"),
        "{outcome:?}"
    );
    reader.delete().await;
}

/// Forwards every connection made to `listener` to the real NATS: a NATS that comes up late.
async fn nats_proxy(listener: tokio::net::TcpListener) {
    let target = nats_url();
    let target = target.trim_start_matches("nats://").to_owned();
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            return;
        };
        let target = target.clone();
        tokio::spawn(async move {
            if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_stored_while_nats_is_down_are_published_once_it_is_up() {
    let (stream, prefix) = unique_names("down");
    let reader = NatsReader::start(&stream, &prefix).await;
    let sim = simulator().await;
    let db = TempDb::new("relay-down");
    // nothing listens there yet: the publisher's connections are refused
    let port = support::free_port();
    let relay = to_nats(format!("nats://127.0.0.1:{port}"), &stream, &prefix);
    let backend = InProcess::start(&sim, &db, relay).await;
    let bodies = onmessage_bodies("main", "O", 20);
    for (_, body) in &bodies {
        backend.post_event(body).await;
    }
    // answered once journaled; logged as the indexer stores them
    until(
        "the 20 events stored and logged while NATS is down",
        || async { (event_log(&db).await.len() == 20).then_some(()) },
    )
    .await;
    assert!(reader.seen().is_empty());

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(nats_proxy(listener));
    let posted: BTreeSet<String> = bodies.iter().map(|(id, _)| id.clone()).collect();
    until("every event published once NATS is up", || async {
        (reader.new_message_ids() == posted).then_some(())
    })
    .await;
    reader.delete().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_backend_still_publishes_every_acknowledged_event() {
    let (stream, prefix) = unique_names("kill");
    let reader = NatsReader::start(&stream, &prefix).await;
    let db = TempDb::new("relay-kill");
    let nats = nats_url();
    let vars = [
        ("DATABASE_URL", db.url.as_str()),
        ("WEBHOOK_SECRET", SECRET),
        ("BIND", "127.0.0.1:0"),
        ("NATS_URL", nats.as_str()),
        ("NATS_SUBJECT_PREFIX", prefix.as_str()),
        ("NATS_STREAM", stream.as_str()),
    ];
    let backend = Backend::start(&vars).await;
    let hook = format!("{}/webhook/main?token={SECRET}", backend.base);
    let bodies = onmessage_bodies("main", "K", 6_000);
    let outcome = kill_mid_burst(backend, hook, bodies, 16, 1_000).await;

    let restarted = Backend::start(&vars).await;
    let acked: BTreeSet<String> = outcome.acked.iter().cloned().collect();
    until("every acknowledged message on NATS", || async {
        let seen = reader.new_message_ids();
        acked.is_subset(&seen).then_some(())
    })
    .await;
    // and every row of the log, by its id: nothing committed is skipped
    let log: BTreeSet<String> = event_log(&db)
        .await
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    until("every log row on NATS", || async {
        let ids: BTreeSet<String> = reader.seen().into_iter().map(|(id, _, _)| id).collect();
        log.is_subset(&ids).then_some(())
    })
    .await;
    restarted.kill().await;
    reader.delete().await;
}

/// A CRM's receiver: checks every signature with the secret it is given, answers 500 to the
/// first try of each delivery and 200 to the next ones, and counts what it accepted.
#[derive(Default)]
struct Receiver {
    secret: Mutex<String>,
    /// Every request, in order.
    requests: Mutex<Vec<Request>>,
    /// Answer 500 to every request (a dead receiver).
    always_fail: bool,
    /// Answer 200 at once, the first try too.
    always_ok: bool,
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Request {
    /// `X-Wpp-Delivery`.
    delivery: String,
    /// `X-Wpp-Event`.
    event: String,
    /// `X-Wpp-Timestamp`.
    timestamp: String,
    body: Bytes,
    /// `X-Wpp-Signature`.
    signature: String,
    /// Whether the signature verified.
    valid: bool,
}

/// The test's own check of `X-Wpp-Signature`: the README's `verify`, word for word.
fn verify(secret: &str, timestamp: &str, body: &[u8], signature: &str, now_secs: i64) -> bool {
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|t| (now_secs - t).abs() <= 300);
    let Some(Ok(expected)) = signature.strip_prefix("sha256=").map(hex::decode) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    fresh && mac.verify_slice(&expected).is_ok() // constant-time comparison
}

fn now_secs() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_secs()).unwrap()
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (delivery, event, timestamp, signature) = (
        header("x-wpp-delivery"),
        header("x-wpp-event"),
        header("x-wpp-timestamp"),
        header("x-wpp-signature"),
    );
    let secret = receiver.secret.lock().unwrap().clone();
    let valid = verify(&secret, &timestamp, &body, &signature, now_secs());
    let mut requests = receiver.requests.lock().unwrap();
    let first = !requests.iter().any(|r| r.delivery == delivery);
    requests.push(Request {
        delivery,
        event,
        timestamp,
        body,
        signature,
        valid,
    });
    if !valid {
        StatusCode::UNAUTHORIZED
    } else if receiver.always_ok {
        StatusCode::OK
    } else if first || receiver.always_fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn start_receiver(always_fail: bool) -> (String, Arc<Receiver>) {
    start_receiver_with(Receiver {
        always_fail,
        ..Receiver::default()
    })
    .await
}

async fn start_receiver_with(receiver: Receiver) -> (String, Arc<Receiver>) {
    let receiver = Arc::new(receiver);
    let app = axum::Router::new()
        .route("/crm/in", axum::routing::post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/crm/in", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

/// Relay settings that publish to the NATS at `url`, on `stream` under `prefix`.
fn to_nats(url: String, stream: &str, prefix: &str) -> RelaySettings {
    RelaySettings {
        nats: Some(NatsSettings {
            url,
            subject_prefix: prefix.to_owned(),
            stream: stream.to_owned(),
        }),
        ..RelaySettings::default()
    }
}

fn quick_retries(max_failures: i64) -> RelaySettings {
    RelaySettings {
        webhooks: WebhookSettings {
            backoff: Duration::from_millis(50),
            max_failures,
        },
        poll: Duration::from_millis(50),
        ..RelaySettings::default()
    }
}

#[tokio::test]
async fn a_signed_webhook_is_retried_after_a_500_and_counted_once() {
    let sim = simulator().await;
    let db = TempDb::new("relay-hooks");
    let backend = InProcess::start(&sim, &db, quick_retries(20)).await;
    let (url, receiver) = start_receiver(false).await;
    let subscriptions = format!("{}/api/sessions/main/subscriptions", backend.base);
    let (status, created) = post(
        &backend.http,
        &subscriptions,
        &backend.token,
        json!({"url": url, "events": ["new-message"]}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 32, "a long random secret");
    assert_eq!(created["events"], json!(["new-message"]));
    *receiver.secret.lock().unwrap() = secret.clone();

    let bodies = onmessage_bodies("main", "W", 3);
    for (_, body) in &bodies {
        backend.post_event(body).await;
    }
    backend.post_event(&read_ack(&bodies[0].0)).await; // not subscribed: never sent

    let accepted = until("each event accepted once", || async {
        let requests = receiver.requests.lock().unwrap().clone();
        let accepted: BTreeMap<String, Value> = requests
            .iter()
            .filter(|r| {
                r.valid && requests.iter().filter(|o| o.delivery == r.delivery).count() >= 2
            })
            .map(|r| (r.delivery.clone(), serde_json::from_slice(&r.body).unwrap()))
            .collect();
        (accepted.len() == 3).then_some(accepted)
    })
    .await;
    let requests = receiver.requests.lock().unwrap().clone();
    assert!(requests.iter().all(|r| r.valid), "every signature verifies");
    assert!(
        requests.iter().all(|r| r.event == "new-message"),
        "only the kinds chosen"
    );
    for (delivery, body) in &accepted {
        assert_eq!(
            body["id"].to_string(),
            *delivery,
            "X-Wpp-Delivery is the event's id"
        );
        assert_eq!(body["event"], "new-message");
        let tries = requests.iter().filter(|r| &r.delivery == delivery).count();
        assert_eq!(
            tries, 2,
            "a 500, then one 200: delivered again, counted once"
        );
    }
    let ids: BTreeSet<&str> = accepted
        .values()
        .filter_map(|b| b["data"]["id"].as_str())
        .collect();
    let posted: BTreeSet<&str> = bodies.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, posted);

    // a tampered body fails the check
    let Request {
        timestamp,
        body,
        signature,
        ..
    } = requests[0].clone();
    assert!(verify(&secret, &timestamp, &body, &signature, now_secs()));
    let mut tampered = body.to_vec();
    let at = tampered.iter().position(|b| *b == b'W').unwrap();
    tampered[at] = b'X';
    assert!(
        !verify(&secret, &timestamp, &tampered, &signature, now_secs()),
        "a changed body fails"
    );
    assert!(
        !verify(
            &secret,
            &(timestamp.parse::<i64>().unwrap() + 1).to_string(),
            &body,
            &signature,
            now_secs()
        ),
        "a changed timestamp fails"
    );

    let listed = until("the deliveries recorded", || async {
        let (_, listed) = get(&backend.http, &subscriptions, &backend.token).await;
        (listed[0]["delivered"] == 3 && listed[0]["pending"] == 0).then_some(listed)
    })
    .await;
    assert_eq!(listed[0]["status"], "active");
    assert_eq!(listed[0]["failures"], 0, "a success clears the failures");
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is shown once only"
    );
    let metrics = backend
        .http
        .get(format!("{}/metrics", backend.base))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for outcome in ["delivered", "failed"] {
        let line = format!("backend_relay_webhook_deliveries_total{{outcome=\"{outcome}\"}} ");
        let count: f64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix(&line))
            .unwrap_or_else(|| panic!("no {line} in {metrics}"))
            .parse()
            .unwrap();
        assert!(count >= 3.0, "{line}{count}");
    }
    assert!(!metrics.contains(&secret));
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_kills_its_subscription_instead_of_spinning() {
    let sim = simulator().await;
    let db = TempDb::new("relay-dead");
    let backend = InProcess::start(&sim, &db, quick_retries(3)).await;
    let (url, receiver) = start_receiver(true).await;
    let subscriptions = format!("{}/api/sessions/main/subscriptions", backend.base);
    let (_, created) = post(
        &backend.http,
        &subscriptions,
        &backend.token,
        json!({"url": url}),
    )
    .await;
    *receiver.secret.lock().unwrap() = created["secret"].as_str().unwrap().to_owned();
    let bodies = onmessage_bodies("main", "D", 3);
    backend.post_event(&bodies[0].1).await;
    let listed = until("the subscription dead", || async {
        let (_, listed) = get(&backend.http, &subscriptions, &backend.token).await;
        (listed[0]["status"] == "dead").then_some(listed)
    })
    .await;
    assert_eq!(listed[0]["failures"], 3);
    assert_eq!(
        listed[0]["lastError"],
        "the receiver answered 500 Internal Server Error"
    );
    assert_eq!(
        receiver.requests.lock().unwrap().len(),
        3,
        "three tries, no more"
    );
    // a dead subscription is not copied into nor tried: its later events wait for a resume
    for (_, body) in &bodies[1..] {
        backend.post_event(body).await;
    }
    let id = created["id"].as_str().unwrap();
    let (status, _) = post(
        &backend.http,
        &format!("{subscriptions}/{id}/resume"),
        &backend.token,
        json!({}),
    )
    .await;
    assert_eq!(status, 204);
    until("tried again after the resume", || async {
        (receiver.requests.lock().unwrap().len() > 3).then_some(())
    })
    .await;
}

#[tokio::test]
async fn subscriptions_are_validated_listed_and_deleted() {
    let sim = simulator().await;
    let db = TempDb::new("relay-api");
    let backend = InProcess::start(&sim, &db, RelaySettings::default()).await;
    let subscriptions = format!("{}/api/sessions/main/subscriptions", backend.base);
    for bad in [
        json!({"url": "ftp://crm.example.com/in"}),
        json!({"url": "not a url"}),
        json!({"url": "https://crm.example.com/in", "events": ["everything"]}),
        json!({"url": "https://crm.example.com/in", "events": []}),
        json!({"events": ["new-message"]}),
        json!({"url": "https://crm.example.com/in", "surprise": 1}),
    ] {
        let (status, body) = post(&backend.http, &subscriptions, &backend.token, bad.clone()).await;
        assert_eq!(status, 400, "{bad} → {body}");
        assert!(
            body["error"].is_string() && body["reason"].is_string(),
            "{body}"
        );
    }
    let (status, _) = post(
        &backend.http,
        &format!("{}/api/sessions/a%2Fb/subscriptions", backend.base),
        &backend.token,
        json!({"url": "https://crm.example.com/in"}),
    )
    .await;
    assert_eq!(status, 400, "a bad session name");
    let unauthenticated = backend
        .http
        .post(&subscriptions)
        .json(&json!({"url": "https://crm.example.com/in"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);

    let (status, created) = post(
        &backend.http,
        &subscriptions,
        &backend.token,
        json!({"url": "https://crm.example.com/in?tenant=7", "events": ["status-update", "session-status"]}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (_, listed) = get(&backend.http, &subscriptions, &backend.token).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["url"], "https://crm.example.com/in?tenant=7");
    assert_eq!(
        listed[0]["events"],
        json!(["status-update", "session-status"])
    );
    assert!(listed[0].get("secret").is_none());
    let (_, other) = get(
        &backend.http,
        &format!("{}/api/sessions/other/subscriptions", backend.base),
        &backend.token,
    )
    .await;
    assert_eq!(other, json!([]), "per session");

    let id = created["id"].as_str().unwrap();
    let delete = |path: String| backend.http.delete(path).bearer_auth(&backend.token).send();
    assert_eq!(
        delete(format!("{subscriptions}/{id}"))
            .await
            .unwrap()
            .status(),
        204
    );
    let missing = delete(format!("{subscriptions}/{id}")).await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert!(
        body["error"].is_string() && body["reason"].is_string(),
        "{body}"
    );
    let (_, listed) = get(&backend.http, &subscriptions, &backend.token).await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn the_log_forgets_only_what_every_subscription_is_done_with() {
    let sim = simulator().await;
    let db = TempDb::new("relay-prune");
    let settings = RelaySettings {
        webhooks: WebhookSettings {
            // the failing subscription tries once, then waits far longer than the test
            backoff: Duration::from_secs(3_600),
            max_failures: 1_000,
        },
        poll: Duration::from_millis(50),
        retention: Some(Duration::from_millis(1)),
        ..RelaySettings::default()
    };
    let backend = InProcess::start(&sim, &db, settings).await;
    let (ok_url, ok) = start_receiver_with(Receiver {
        always_ok: true,
        ..Receiver::default()
    })
    .await;
    let (failing_url, failing) = start_receiver(true).await;
    let subscriptions = format!("{}/api/sessions/main/subscriptions", backend.base);
    let mut ids = Vec::new();
    for (url, receiver) in [(&ok_url, &ok), (&failing_url, &failing)] {
        let (_, created) = post(
            &backend.http,
            &subscriptions,
            &backend.token,
            json!({"url": url}),
        )
        .await;
        *receiver.secret.lock().unwrap() = created["secret"].as_str().unwrap().to_owned();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    for (_, body) in &onmessage_bodies("main", "P", 3) {
        backend.post_event(body).await;
    }
    until(
        "the good receiver served and its deliveries forgotten",
        || async {
            let (_, listed) = get(&backend.http, &subscriptions, &backend.token).await;
            let served = ok.requests.lock().unwrap().len() >= 3
                && failing.requests.lock().unwrap().len() == 1;
            let good = listed
                .as_array()?
                .iter()
                .find(|s| s["id"] == ids[0].as_str())?
                .clone();
            (served && good["delivered"] == 0 && good["pending"] == 0).then_some(())
        },
    )
    .await;
    assert_eq!(
        event_log(&db).await.len(),
        3,
        "the rows a subscription still owes are kept"
    );
    let deleted = backend
        .http
        .delete(format!("{subscriptions}/{}", ids[1]))
        .bearer_auth(&backend.token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    until("the log pruned", || async {
        event_log(&db).await.is_empty().then_some(())
    })
    .await;
}
