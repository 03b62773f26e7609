//! Operations: `/metrics` (scraped and parsed as Prometheus text) and sessions that heal, with
//! the backend binary in front of the simulator. Between the two sits a recording proxy, so a
//! test sees every call the backend makes to the server (and when).

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_sim::{RunningSimulator, SessionStatus, Simulator};

use support::{get, login, next_event, post, sse, until, Backend, TempDb};

const SECRET: &str = "ops-hook-secret";
const METRICS_TOKEN: &str = "ops-metrics-token-4f1c";
const JWT: &str = "ops-jwt-secret-of-at-least-32-bytes!";

/// One request the backend made to the server.
#[derive(Debug, Clone)]
struct Seen {
    at: Instant,
    method: String,
    path: String,
    body: String,
}

/// A loopback proxy in front of the simulator that records every request.
struct Proxy {
    url: String,
    log: Arc<Mutex<Vec<Seen>>>,
}

impl Proxy {
    async fn start(target: String) -> Self {
        let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let state = (reqwest::Client::new(), target, log.clone());
        let app = Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, log }
    }

    /// The start-session calls of `session` so far.
    fn starts(&self, session: &str) -> Vec<Seen> {
        let path = format!("/api/{session}/start-session");
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.method == "POST" && s.path == path)
            .cloned()
            .collect()
    }
}

/// What the proxy holds: a client, the simulator's URL, the log.
type ProxyState = (reqwest::Client, String, Arc<Mutex<Vec<Seen>>>);

async fn forward(State((http, target, log)): State<ProxyState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    log.lock().unwrap().push(Seen {
        at: Instant::now(),
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut out = http.request(parts.method.clone(), format!("{target}{path}"));
    for (name, value) in &parts.headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            out = out.header(name, value);
        }
    }
    let answer = out.body(body).send().await.unwrap();
    let status = answer.status();
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let mut response = (status, Body::from(answer.bytes().await.unwrap())).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}

/// The backend binary against `server` (the proxy), with user `ana`/`s3nha` and `extra`
/// variables.
async fn backend(
    server: &str,
    sim: &RunningSimulator,
    db: &TempDb,
    extra: &[(&str, &str)],
) -> Backend {
    let users = format!("ana:{}", hash_password("s3nha").unwrap());
    let mut vars = vec![
        ("WPPCONNECT_URL", server),
        ("WPPCONNECT_SECRET_KEY", sim.secret_key()),
        ("DATABASE_URL", db.url.as_str()),
        ("WEBHOOK_SECRET", SECRET),
        ("JWT_SECRET", JWT),
        ("BIND", "127.0.0.1:0"),
        ("BACKEND_USERS", users.as_str()),
    ];
    vars.extend_from_slice(extra);
    Backend::start(&vars).await
}

/// The stored session `name` as `/api/sessions` lists it.
async fn listed(http: &reqwest::Client, base: &str, token: &str, name: &str) -> Option<Value> {
    let (status, sessions) = get(http, &format!("{base}/api/sessions"), token).await;
    assert_eq!(status, 200, "{sessions}");
    sessions
        .as_array()?
        .iter()
        .find(|s| s["name"] == name)
        .cloned()
}

/// Waits until `/api/sessions` shows `name` with `status`, and returns it.
async fn wait_listed(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    name: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    until(&format!("{name} as wanted in /api/sessions"), || async {
        listed(http, base, token, name).await.filter(|s| wanted(s))
    })
    .await
}

/// One sample line of the Prometheus text format.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

/// The samples of a Prometheus text exposition (`# HELP` / `# TYPE` lines skipped). Label
/// values are quoted strings with `\\`, `\"` and `\n` escapes, and may hold `{`, `}`, `,` and
/// `=` (route templates do). A malformed line fails the test.
fn parse_exposition(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let name_end = line
            .find(|c: char| c == '{' || c.is_whitespace())
            .unwrap_or_else(|| panic!("no value: {line}"));
        let name = line[..name_end].to_owned();
        let mut rest = &line[name_end..];
        let mut labels = Vec::new();
        if let Some(inner) = rest.strip_prefix('{') {
            let mut chars = inner.char_indices().peekable();
            let mut end = None;
            loop {
                // key
                let start = match chars.peek() {
                    Some((_, '}')) => {
                        end = chars.next().map(|(i, _)| i);
                        break;
                    }
                    Some((i, _)) => *i,
                    None => break,
                };
                let eq = inner[start..]
                    .find('=')
                    .map(|i| start + i)
                    .unwrap_or_else(|| panic!("no '=': {line}"));
                let key = inner[start..eq].trim_start_matches(',').trim().to_owned();
                while chars.peek().is_some_and(|(i, _)| *i <= eq) {
                    chars.next();
                }
                assert_eq!(
                    chars.next().map(|(_, c)| c),
                    Some('"'),
                    "unquoted value: {line}"
                );
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\\')) => match chars.next() {
                            Some((_, 'n')) => value.push('\n'),
                            Some((_, c)) => value.push(c),
                            None => panic!("cut escape: {line}"),
                        },
                        Some((_, '"')) => break,
                        Some((_, c)) => value.push(c),
                        None => panic!("unterminated value: {line}"),
                    }
                }
                labels.push((key, value));
                if chars.peek().is_some_and(|(_, c)| *c == ',') {
                    chars.next();
                }
            }
            let end = end.unwrap_or_else(|| panic!("unterminated labels: {line}"));
            rest = &inner[end + 1..];
        }
        let value = rest
            .split_whitespace()
            .next()
            .unwrap_or_else(|| panic!("no value: {line}"));
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value: {line}")),
        };
        samples.push(Sample {
            name,
            labels,
            value,
        });
    }
    samples
}

/// Scrapes `/metrics` with the token and parses it.
async fn scrape(http: &reqwest::Client, base: &str) -> (String, Vec<Sample>) {
    let response = http
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();
    let samples = parse_exposition(&text);
    (text, samples)
}

/// The sum of the samples of `metric` whose labels include `labels` (a histogram's
/// `_count` and `_sum` are metrics of their own).
fn value(samples: &[Sample], metric: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == metric)
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.iter().any(|(key, value)| key == k && value == v))
        })
        .map(|s| s.value)
        .sum()
}

#[test]
fn the_exposition_parser_reads_braces_commas_and_escapes_in_label_values() {
    let text = "# HELP x_total X.\n# TYPE x_total counter\n\
        x_total{route=\"POST /api/{session}/send-message\",status=\"201\"} 3\n\
        y{a=\"1,b=2\",q=\"say \\\"hi\\\"\\\\\"} 1.5e0 1700000000\n\
        z 7\n\
        h_bucket{le=\"+Inf\"} 2\n";
    let samples = parse_exposition(text);
    assert_eq!(
        value(
            &samples,
            "x_total",
            &[
                ("route", "POST /api/{session}/send-message"),
                ("status", "201")
            ]
        ),
        3.0
    );
    assert_eq!(
        value(&samples, "y", &[("a", "1,b=2"), ("q", "say \"hi\"\\")]),
        1.5
    );
    assert_eq!(value(&samples, "z", &[]), 7.0);
    assert_eq!(value(&samples, "h_bucket", &[("le", "+Inf")]), 2.0);
    assert_eq!(samples.len(), 4);
}

/// Starts `name` through the backend's API.
async fn start_session(http: &reqwest::Client, base: &str, token: &str, name: &str) {
    let (status, body) = post(
        http,
        &format!("{base}/api/sessions/{name}/start"),
        token,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_only_with_the_token_and_count_webhooks_stores_and_sends() {
    let sim = Simulator::builder()
        .fast()
        .connect_after(Duration::from_millis(20))
        .no_auto_close()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let db = TempDb::new("ops-metrics");
    let server = backend(
        &sim.url(),
        &sim,
        &db,
        &[("METRICS_TOKEN", METRICS_TOKEN), ("HEAL_INTERVAL", "0")],
    )
    .await;
    let base = server.base.clone();
    let http = reqwest::Client::new();

    // protected: no token, a wrong one, a user's JWT are all refused
    let token = login(&http, &base, "ana", "s3nha").await;
    for bearer in [None, Some("wrong-token"), Some(token.as_str())] {
        let mut request = http.get(format!("{base}/metrics"));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized", "{body}");
    }

    let (_, before) = scrape(&http, &base).await;
    assert_eq!(value(&before, "backend_webhooks_stored_total", &[]), 0.0);

    // a session connects, a contact writes, the user sends
    start_session(&http, &base, &token, "main").await;
    wait_listed(&http, &base, &token, "main", |s| s["status"] == "connected").await;
    sim.contact_writes("main", "+5511999999999", "Oi").unwrap();
    until("the contact's message stored", || async {
        let (_, c) = get(
            &http,
            &format!("{base}/api/conversations?session=main"),
            &token,
        )
        .await;
        c.as_array().filter(|c| !c.is_empty()).map(drop)
    })
    .await;
    let (status, sent) = post(
        &http,
        &format!("{base}/api/messages"),
        &token,
        json!({"sessionName": "main", "phone": "+55 11 99999-9999", "message": "Olá"}),
    )
    .await;
    assert_eq!(status, 202, "queued: {sent}");
    // refusals: a wrong secret, a body that is not JSON
    let hook = format!("{base}/webhook/main");
    let wrong = http
        .post(format!("{hook}?token=wrong"))
        .header("content-type", "application/json")
        .body(r#"{"event":"onmessage"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let malformed = http
        .post(format!("{hook}?token={SECRET}"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);

    // the acks of the send arrive by webhook: wait until they are counted as stored
    let (text, after) = until("the send's acks counted as stored", || async {
        let (text, scrape) = scrape(&http, &base).await;
        (value(
            &scrape,
            "backend_webhooks_stored_total",
            &[("event", "onack")],
        ) >= 1.0)
            .then_some((text, scrape))
    })
    .await;
    let at_least_one = |metric: &str, labels: &[(&str, &str)]| {
        let v = value(&after, metric, labels);
        assert!(v >= 1.0, "{metric}{labels:?} = {v}\n{text}");
    };
    at_least_one("backend_webhooks_received_total", &[("event", "onmessage")]);
    at_least_one("backend_webhooks_stored_total", &[("event", "onmessage")]);
    at_least_one(
        "backend_webhooks_received_total",
        &[("event", "status-find")],
    );
    at_least_one("backend_ingest_latency_seconds_count", &[]);
    at_least_one("backend_store_batch_seconds_count", &[]);
    at_least_one("backend_store_batch_size_count", &[]);
    at_least_one(
        "backend_webhook_duration_seconds_count",
        &[("outcome", "received")],
    );
    assert_eq!(
        value(
            &after,
            "backend_webhooks_rejected_total",
            &[("event", "unknown"), ("reason", "unauthorized")]
        ),
        1.0,
        "{text}"
    );
    assert_eq!(
        value(
            &after,
            "backend_webhooks_rejected_total",
            &[("reason", "bad_request")]
        ),
        1.0,
        "{text}"
    );
    assert!(
        text.contains("backend_ingest_queue_depth"),
        "the queue depth is a gauge: {text}"
    );
    // the client's calls, by route template and status
    assert_eq!(
        value(
            &after,
            "wppconnect_client_requests_total",
            &[
                ("route", "POST /api/{session}/send-message"),
                ("status", "201")
            ]
        ),
        1.0,
        "{text}"
    );
    at_least_one(
        "wppconnect_client_requests_total",
        &[("route", "POST /api/{session}/start-session")],
    );
    at_least_one(
        "wppconnect_client_request_duration_seconds_count",
        &[("route", "POST /api/{session}/send-message")],
    );
    // the backend's own routes, by template
    assert_eq!(
        value(
            &after,
            "backend_http_requests_total",
            &[
                ("method", "POST"),
                ("route", "/api/messages"),
                ("status", "202")
            ]
        ),
        1.0,
        "{text}"
    );
    at_least_one(
        "backend_http_requests_total",
        &[("route", "/webhook/{session}"), ("status", "200")],
    );
    at_least_one(
        "backend_http_requests_total",
        &[("route", "/metrics"), ("status", "401")],
    );
    // sessions by status, counted from the store
    assert_eq!(
        value(&after, "backend_sessions", &[("status", "connected")]),
        1.0,
        "{text}"
    );
    assert_eq!(
        value(&after, "backend_sessions", &[("status", "disconnected")]),
        0.0,
        "{text}"
    );
    // no secret in the scrape
    for secret in [SECRET, METRICS_TOKEN, JWT, sim.secret_key()] {
        assert!(!text.contains(secret), "{secret} in /metrics");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_session_is_started_again_with_its_webhook_and_connects() {
    let sim = Simulator::builder()
        .fast()
        .connect_after(Duration::from_millis(20))
        .no_auto_close()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let proxy = Proxy::start(sim.url()).await;
    let db = TempDb::new("ops-heal");
    let server = backend(
        &proxy.url,
        &sim,
        &db,
        &[("HEAL_INTERVAL", "100ms"), ("HEAL_BACKOFF", "1s")],
    )
    .await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let token = login(&http, &base, "ana", "s3nha").await;

    // without METRICS_TOKEN there is no /metrics
    let (status, body) = get(&http, &format!("{base}/metrics"), &token).await;
    assert_eq!(status, 404, "{body}");

    start_session(&http, &base, &token, "main").await;
    wait_listed(&http, &base, &token, "main", |s| s["status"] == "connected").await;
    assert_eq!(
        proxy.starts("main").len(),
        1,
        "only the user's start so far"
    );

    // the browser crashes: the server says CLOSED
    sim.close_browser("main").unwrap();
    let healed = wait_listed(&http, &base, &token, "main", |s| {
        s["status"] == "connected" && s["healing"]["lastAction"] == "recovered"
    })
    .await;
    assert!(healed["healing"]["lastHealedAt"].is_i64(), "{healed}");
    assert_eq!(healed["healing"]["state"], "ok", "{healed}");
    assert_eq!(sim.status("main"), SessionStatus::Connected);
    let starts = proxy.starts("main");
    assert_eq!(starts.len(), 2, "one restart: {starts:?}");
    let body: Value = serde_json::from_str(&starts[1].body).unwrap();
    assert_eq!(
        body["webhook"],
        format!("{base}/webhook/main?token={SECRET}"),
        "the restart registers the backend's webhook again"
    );
    // and the webhook works: a contact's message reaches the store
    sim.contact_writes("main", "+5511999999999", "de volta")
        .unwrap();
    until("the message after the healing stored", || async {
        let (_, c) = get(
            &http,
            &format!("{base}/api/conversations?session=main"),
            &token,
        )
        .await;
        c.as_array()
            .filter(|c| c.iter().any(|c| c["lastMessage"] == "de volta"))
            .map(drop)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_out_session_is_marked_pushed_and_not_restarted() {
    let sim = Simulator::builder()
        .fast()
        .connect_after(Duration::from_millis(20))
        .no_auto_close()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let proxy = Proxy::start(sim.url()).await;
    let db = TempDb::new("ops-logout");
    let server = backend(
        &proxy.url,
        &sim,
        &db,
        &[
            ("HEAL_INTERVAL", "100ms"),
            ("HEAL_BACKOFF", "1s"),
            ("METRICS_TOKEN", METRICS_TOKEN),
        ],
    )
    .await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let token = login(&http, &base, "ana", "s3nha").await;
    start_session(&http, &base, &token, "main").await;
    wait_listed(&http, &base, &token, "main", |s| s["status"] == "connected").await;
    let mut events = sse(&http, &format!("{base}/api/events?access_token={token}")).await;

    // the account is logged out on the server (logout-session: the `logoutsession` webhook)
    let logout = http
        .post(format!("{}/api/main/logout-session", sim.url()))
        .bearer_auth(sim.token("main"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 200);
    let pushed = next_event(&mut events, |event, data| {
        event == "session-status" && data["data"]["healing"]["state"] == "loggedOut"
    })
    .await;
    assert_eq!(pushed["session"], "main");
    assert_eq!(pushed["data"]["status"], "disconnected", "{pushed}");

    // many rounds later it is still logged out, and nobody started it
    let (_, scraped) = scrape(&http, &base).await;
    let rounds = value(&scraped, "backend_heal_checks_total", &[]);
    until("ten more healing rounds", || async {
        let (_, scraped) = scrape(&http, &base).await;
        (value(&scraped, "backend_heal_checks_total", &[]) >= rounds + 10.0).then_some(())
    })
    .await;
    let marked = listed(&http, &base, &token, "main").await.unwrap();
    assert_eq!(marked["healing"]["state"], "loggedOut", "{marked}");
    assert_eq!(marked["healing"]["attempts"], 0, "{marked}");
    assert_eq!(proxy.starts("main").len(), 1, "only the user's start");
    assert_eq!(sim.status("main"), SessionStatus::Closed);
    let (_, scraped) = scrape(&http, &base).await;
    assert_eq!(
        value(
            &scraped,
            "backend_heal_actions_total",
            &[("action", "logged_out")]
        ),
        1.0
    );
    assert_eq!(
        value(
            &scraped,
            "backend_sessions_healing",
            &[("state", "loggedOut")]
        ),
        1.0
    );

    // a start by the user lifts the mark
    start_session(&http, &base, &token, "main").await;
    let started = wait_listed(&http, &base, &token, "main", |s| s["status"] == "connected").await;
    assert_ne!(started["healing"]["state"], "loggedOut", "{started}");

    // a logout through the backend's API is marked as well
    let (status, body) = post(
        &http,
        &format!("{base}/api/sessions/main/logout"),
        &token,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let after = listed(&http, &base, &token, "main").await.unwrap();
    assert_eq!(after["healing"]["state"], "loggedOut", "{after}");
    assert_eq!(after["status"], "disconnected", "{after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_keeps_dropping_is_restarted_with_a_growing_backoff() {
    // manual scan: a restart waits for a QR scan, and the test drops it again meanwhile
    let sim = Simulator::builder()
        .fast()
        .no_auto_close()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let proxy = Proxy::start(sim.url()).await;
    let db = TempDb::new("ops-backoff");
    let server = backend(
        &proxy.url,
        &sim,
        &db,
        &[("HEAL_INTERVAL", "50ms"), ("HEAL_BACKOFF", "1s")],
    )
    .await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let token = login(&http, &base, "ana", "s3nha").await;
    start_session(&http, &base, &token, "main").await;
    sim.wait_for_status("main", SessionStatus::QrCode, support::HANG_GUARD)
        .await
        .unwrap();
    sim.scan("main").unwrap();
    wait_listed(&http, &base, &token, "main", |s| s["status"] == "connected").await;

    // the server drops the session each time it comes back, three times
    for restarts in 1..=3 {
        sim.close_browser("main").unwrap();
        until("a restart", || async {
            (proxy.starts("main").len() > restarts).then_some(())
        })
        .await;
        sim.wait_for_status("main", SessionStatus::QrCode, support::HANG_GUARD)
            .await
            .unwrap();
    }
    let listed = listed(&http, &base, &token, "main").await.unwrap();
    assert_eq!(listed["healing"]["attempts"], 3, "{listed}");
    assert_eq!(listed["healing"]["lastAction"], "restart", "{listed}");
    assert!(listed["healing"]["nextAttemptAt"].is_i64(), "{listed}");
    let starts = proxy.starts("main");
    assert_eq!(
        starts.len(),
        4,
        "the user's start and three restarts: {starts:?}"
    );
    // each restart waited for the backoff: 1 s after the first, 2 s after the second, although
    // the healer looked every 50 ms
    let gaps: Vec<Duration> = starts[1..]
        .windows(2)
        .map(|w| w[1].at.duration_since(w[0].at))
        .collect();
    assert!(gaps[0] >= Duration::from_millis(1_000), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(2_000), "{gaps:?}");
    // and the server saw status checks in between, not start-sessions
    let statuses = proxy
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.path == "/api/main/status-session" && s.at > starts[1].at)
        .count();
    assert!(statuses > 3, "{statuses} status checks");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_stuck_initializing_is_closed_and_started_again() {
    // the browser never gets as far as a QR code
    let sim = Simulator::builder()
        .fast()
        .qr_after(Duration::from_secs(3600))
        .no_auto_close()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let proxy = Proxy::start(sim.url()).await;
    let db = TempDb::new("ops-stuck");
    let server = backend(
        &proxy.url,
        &sim,
        &db,
        &[
            ("HEAL_INTERVAL", "50ms"),
            ("HEAL_STUCK_AFTER", "300ms"),
            ("HEAL_BACKOFF", "30s"),
        ],
    )
    .await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let token = login(&http, &base, "ana", "s3nha").await;
    start_session(&http, &base, &token, "main").await;
    let listed = wait_listed(&http, &base, &token, "main", |s| {
        s["healing"]["lastAction"] == "restartStuck"
    })
    .await;
    assert_eq!(listed["healing"]["attempts"], 1, "{listed}");
    until("the second start-session", || async {
        (proxy.starts("main").len() >= 2).then_some(())
    })
    .await;
    let log = proxy.log.lock().unwrap().clone();
    let first_start = log
        .iter()
        .position(|s| s.path == "/api/main/start-session")
        .unwrap();
    let close = log
        .iter()
        .position(|s| s.path == "/api/main/close-session")
        .expect("closed before the new start");
    let second_start = log
        .iter()
        .rposition(|s| s.path == "/api/main/start-session")
        .unwrap();
    assert!(first_start < close && close < second_start, "{log:?}");
    assert!(
        log[second_start].at.duration_since(log[first_start].at) >= Duration::from_millis(300),
        "not before the stuck time"
    );
    assert_eq!(sim.status("main"), SessionStatus::Initializing);
    // the backoff (30 s) holds the next attempt although it is still stuck: wait for twenty
    // more status checks, and there is still only one restart
    let checks = |log: &[Seen]| {
        log.iter()
            .filter(|s| s.path == "/api/main/status-session")
            .count()
    };
    let seen = checks(&log);
    until("twenty more status checks", || async {
        (checks(&proxy.log.lock().unwrap()) >= seen + 20).then_some(())
    })
    .await;
    assert_eq!(proxy.starts("main").len(), 2);
}
