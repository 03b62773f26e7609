//! Nothing the backend acknowledges is lost: by overload, by a crash, by a restart. The server
//! posts each webhook once and never retries, so every 2xx must mean "committed".

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::Connection;
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::{Auth, Parts, Store};
use wppconnect_sim::{Faults, RunningSimulator, Simulator};

use support::{
    assert_all_stored, burst, free_port, get, kill_mid_burst, login, next_event, onmessage_bodies,
    post, sse, until, Backend, TempDb, HANG_GUARD,
};

const SECRET: &str = "hook-secret";

/// The backend in-process on a loopback port, over a database file.
struct InProcess {
    base: String,
    http: reqwest::Client,
    token: String,
}

impl InProcess {
    /// With the ingest journal beside the database file (the default).
    async fn start(sim: &RunningSimulator, db: &TempDb, deadline: Option<Duration>) -> Self {
        Self::start_with(sim, db, deadline, true, None).await
    }

    /// With or without the journal (without: each webhook waits for its commit, as on
    /// PostgreSQL or with `INGEST_JOURNAL=off`), and the journal's lag in bytes.
    async fn start_with(
        sim: &RunningSimulator,
        db: &TempDb,
        deadline: Option<Duration>,
        journal: bool,
        lag_bytes: Option<usize>,
    ) -> Self {
        let client = Client::builder(&sim.url())
            .unwrap()
            .secret_key(sim.secret_key())
            .retry(RetryPolicy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let store = Store::open(&db.url).await.unwrap();
        let auth = Auth::new(
            HashMap::from([("ana".to_owned(), hash_password("s3nha").unwrap())]),
            "jwt-secret",
        );
        let parts = Parts::new(client, store, auth, SECRET);
        assert!(
            parts.journal.is_some(),
            "a database file has a journal by default"
        );
        let backend = wppconnect_examples::backend::Backend::bind(
            "127.0.0.1:0",
            Parts {
                ingest_deadline: deadline,
                journal: parts.journal.clone().filter(|_| journal),
                journal_lag_bytes: lag_bytes,
                ..parts
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

    fn hook(&self, session: &str) -> String {
        format!("{}/webhook/{session}?token={SECRET}", self.base)
    }

    /// Posts a webhook body for `main`, as the server does; the status it was answered.
    async fn deliver(&self, body: String) -> reqwest::StatusCode {
        self.http
            .post(self.hook("main"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
    }

    async fn get(&self, path: &str) -> Value {
        get(&self.http, &format!("{}{path}", self.base), &self.token)
            .await
            .1
    }
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .fast()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_thousand_events_over_32_connections_every_acknowledged_one_is_stored() {
    let sim = simulator().await;
    let db = TempDb::new("burst");
    let backend = InProcess::start(&sim, &db, None).await;
    let bodies = onmessage_bodies("main", "B", 20_000);
    let outcome = burst(&backend.hook("main"), bodies, 32, Arc::default()).await;
    let stored = assert_all_stored(&db, "main", &outcome.acked).await;
    assert_eq!(
        (outcome.acked.len(), outcome.failed),
        (20_000 - outcome.refused.len(), 0),
        "every request got an answer"
    );
    assert!(
        outcome.refused.iter().all(|s| *s == 503),
        "only 'not stored, send again' refusals: {:?}",
        outcome.refused
    );
    assert_eq!(
        stored.len(),
        outcome.acked.len(),
        "2xx answers and stored messages agree"
    );
}

/// The backend binary's variables for a database file (its journal beside it), on any port.
fn binary_vars(db: &TempDb) -> [(&'static str, &str); 3] {
    [
        ("DATABASE_URL", db.url.as_str()),
        ("WEBHOOK_SECRET", SECRET),
        ("BIND", "127.0.0.1:0"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_backend_loses_nothing_it_acknowledged() {
    let db = TempDb::new("kill");
    let vars = binary_vars(&db);
    let backend = Backend::start(&vars).await;
    let hook = format!("{}/webhook/main?token={SECRET}", backend.base);
    let bodies = onmessage_bodies("main", "K", 20_000);
    let outcome = kill_mid_burst(backend, hook, bodies.clone(), 24, 2_000).await;

    // the restarted backend replays what its journal holds beyond the store
    let restarted = Backend::start(&vars).await;
    assert_all_stored(&db, "main", &outcome.acked).await;
    // what was not acknowledged is sent again, as a sender that got no 2xx would
    let hook = format!("{}/webhook/main?token={SECRET}", restarted.base);
    let again = burst(&hook, bodies, 16, Arc::default()).await;
    assert_eq!(again.acked.len(), 20_000, "{:?}", again.refused);
    let stored = assert_all_stored(&db, "main", &again.acked).await;
    assert_eq!(stored.len(), 20_000, "each message once");
    restarted.kill().await;
}

#[tokio::test]
async fn without_the_journal_an_event_answered_503_is_stored_when_sent_again() {
    let sim = simulator().await;
    let db = TempDb::new("resend");
    let backend =
        InProcess::start_with(&sim, &db, Some(Duration::from_millis(500)), false, None).await;
    let (id, body) = onmessage_bodies("main", "R", 1).remove(0);
    let post_body = || {
        backend
            .http
            .post(backend.hook("main"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    };

    // another connection holds the database's write lock: the writer cannot commit
    let mut locker = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut locker)
        .await
        .unwrap();
    let refused = post_body().await.unwrap();
    assert_eq!(refused.status(), 503, "never a 200 for what is not stored");
    let reason: Value = refused.json().await.unwrap();
    assert!(
        reason["error"].is_string() && reason["reason"].is_string(),
        "{reason}"
    );
    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    locker.close().await.unwrap();

    let accepted = post_body().await.unwrap();
    assert_eq!(accepted.status(), 200);
    assert_eq!(db.message_ids("main").await, [id]);
}

#[tokio::test]
async fn with_the_journal_a_locked_database_holds_no_webhook_up_and_each_is_stored_once_it_is_free()
{
    let sim = simulator().await;
    let db = TempDb::new("journal-lock");
    let backend = InProcess::start(&sim, &db, Some(Duration::from_millis(500))).await;
    // another connection holds the database's write lock: the indexer cannot commit
    let mut locker = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut locker)
        .await
        .unwrap();
    let mut acked = Vec::new();
    for (id, body) in onmessage_bodies("main", "J", 50) {
        let answer = backend.deliver(body).await;
        assert_eq!(answer, 200, "durable in the journal, database or not");
        acked.push(id);
    }
    assert!(
        db.message_ids("main").await.is_empty(),
        "nothing reached the tables while the lock was held"
    );
    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    locker.close().await.unwrap();
    let stored = assert_all_stored(&db, "main", &acked).await;
    assert_eq!(stored.len(), 50, "each once");
}

#[tokio::test]
async fn a_journaled_message_is_parsed_by_the_indexer_and_one_that_does_not_fit_holds_nothing_up() {
    let sim = simulator().await;
    let db = TempDb::new("journal-unparsed");
    let backend = InProcess::start(&sim, &db, None).await;
    let mut bodies = onmessage_bodies("main", "U", 3);
    // named `onmessage`, but its `t` is not a time: the router (which reads only the head)
    // takes it, the indexer's typed parse gives an unknown event, which is not stored
    let (misfit_id, misfit) = bodies.remove(1);
    let mut misfit: Value = serde_json::from_str(&misfit).unwrap();
    misfit["t"] = json!("yesterday");
    let mut acked = Vec::new();
    for (id, body) in [
        (bodies[0].0.clone(), bodies[0].1.clone()),
        (misfit_id.clone(), misfit.to_string()),
        (bodies[1].0.clone(), bodies[1].1.clone()),
    ] {
        let answer = backend.deliver(body).await;
        assert_eq!(answer, 200);
        if id != misfit_id {
            acked.push(id);
        }
    }
    // the message after the misfit is indexed, so the misfit was passed, not stuck on
    let stored = assert_all_stored(&db, "main", &acked).await;
    assert_eq!(
        stored.len(),
        2,
        "the two messages that fit, and not the misfit"
    );
    assert!(!db.message_ids("main").await.contains(&misfit_id));
    // what the typed parse refuses (a lone surrogate escape) is refused before it is journaled
    let answer = backend
        .deliver(r#"{"event":"onmessage","id":"x","type":"chat","body":"\ud800"}"#.to_owned())
        .await;
    assert_eq!(
        answer, 400,
        "a lone surrogate: the typed parse refuses it too"
    );
}

#[tokio::test]
async fn browser_close_marks_the_session_disconnected_and_pushes_it() {
    let sim = simulator().await;
    let db = TempDb::new("browser-close");
    let backend = InProcess::start(&sim, &db, None).await;
    let (status, session) = post(
        &backend.http,
        &format!("{}/api/sessions/main/start", backend.base),
        &backend.token,
        json!({}),
    )
    .await;
    assert_eq!((status, &session["status"]), (200, &json!("connecting")));
    let mut events = sse(
        &backend.http,
        &format!(
            "{}/api/events?session=main&access_token={}",
            backend.base, backend.token
        ),
    )
    .await;
    // nobody scans: the server's browser closes (its auto-close, ~60 s in real life)
    sim.close_browser("main").unwrap();
    let pushed = next_event(&mut events, |e, d| {
        e == "session-status" && d["data"]["status"] == "disconnected"
    })
    .await;
    assert_eq!(pushed["data"]["name"], "main");
    let sessions = backend.get("/api/sessions").await;
    assert_eq!(sessions[0]["status"], "disconnected", "{sessions}");
}

#[tokio::test]
async fn a_failed_send_that_the_server_delivered_is_adopted_not_sent_again() {
    let sim = Simulator::builder()
        .fast()
        .ack_step(Duration::from_millis(300))
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let db = TempDb::new("adopt");
    let backend = InProcess::start(&sim, &db, None).await;
    let url = |path: &str| format!("{}{path}", backend.base);
    post(
        &backend.http,
        &url("/api/sessions/main/start"),
        &backend.token,
        json!({}),
    )
    .await;
    until("the QR code", || async {
        (sim.status("main") == wppconnect_sim::SessionStatus::QrCode).then_some(())
    })
    .await;
    sim.scan("main").unwrap();
    until("connected", || async {
        (backend.get("/api/sessions/main").await["status"] == "connected").then_some(())
    })
    .await;
    let mut events = sse(
        &backend.http,
        &format!(
            "{}/api/events?session=main&access_token={}",
            backend.base, backend.token
        ),
    )
    .await;
    sim.set_faults(Faults {
        send_status: Some(502),
        send_count: Some(1),
        deliver_before_failing: true,
        ..Faults::default()
    });
    let (status, body) = post(
        &backend.http,
        &url("/api/messages"),
        &backend.token,
        json!({"sessionName": "main", "phone": "5511999999999", "message": "chegou mesmo assim"}),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let client_id = body["clientId"].as_str().unwrap().to_owned();
    assert_eq!(body["id"], client_id.as_str(), "no server id yet");
    // the outbox stores it failed (the 502 proves nothing either way) and never sends it again
    next_event(&mut events, |e, d| {
        e == "status-update"
            && d["data"]["clientId"] == client_id.as_str()
            && d["data"]["status"] == "failed"
    })
    .await;

    // the server's acks prove it sent the message: the failed one moves forward
    let adopted = next_event(&mut events, |e, d| {
        // the one that carries the server's id beside the client's (the first says `failed`)
        e == "status-update"
            && d["data"]["clientId"] == client_id.as_str()
            && d["data"]["id"] != client_id.as_str()
    })
    .await;
    let server_id = adopted["data"]["id"].as_str().unwrap().to_owned();
    assert!(
        server_id.starts_with("true_5511999999999@c.us_"),
        "{adopted}"
    );
    let page = until("read", || async {
        let page = backend
            .get("/api/conversations/5511999999999@c.us/messages?session=main")
            .await;
        (page["messages"][0]["status"] == "read").then_some(page)
    })
    .await;
    assert_eq!(
        page["total"], 1,
        "one message, not a failed one and a sent one"
    );
    assert_eq!(page["messages"][0]["id"], server_id.as_str());
    let sent = sim
        .messages("main")
        .into_iter()
        .filter(|m| m["body"] == "chegou mesmo assim")
        .count();
    assert_eq!(sent, 1, "never sent a second time");
}

/// A conversation's message texts, oldest first.
async fn contents(http: &reqwest::Client, base: &str, token: &str) -> Vec<String> {
    let (_, page) = get(
        http,
        &format!("{base}/api/conversations/5521988887777@c.us/messages?session=main"),
        token,
    )
    .await;
    page["messages"]
        .as_array()
        .map(|messages| {
            messages
                .iter()
                .filter_map(|m| m["content"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_backend_keeps_its_webhook_url_and_fetches_what_it_missed() {
    let sim = simulator().await;
    let db = TempDb::new("restart");
    let hash = hash_password("s3nha").unwrap();
    let users = format!("ana:{hash}");
    let bind = format!("127.0.0.1:{}", free_port());
    let sim_url = sim.url();
    // no WEBHOOK_SECRET: the backend makes one up, and must keep it
    let vars = [
        ("WPPCONNECT_URL", sim_url.as_str()),
        ("WPPCONNECT_SECRET_KEY", sim.secret_key()),
        ("DATABASE_URL", db.url.as_str()),
        ("BIND", bind.as_str()),
        ("BACKEND_USERS", users.as_str()),
        ("JWT_SECRET", "a-jwt-secret-of-at-least-32-bytes"),
    ];
    let backend = Backend::start(&vars).await;
    let http = reqwest::Client::new();
    let token = login(&http, &backend.base, "ana", "s3nha").await;
    for session in ["main", "loja"] {
        let url = format!("{}/api/sessions/{session}/start", backend.base);
        let (status, body) = post(&http, &url, &token, json!({})).await;
        assert_eq!(status, 200, "{body}");
        until("the QR code", || async {
            (sim.status(session) == wppconnect_sim::SessionStatus::QrCode).then_some(())
        })
        .await;
        sim.scan(session).unwrap();
        let url = format!("{}/api/sessions/{session}", backend.base);
        until("connected", || async {
            (get(&http, &url, &token).await.1["status"] == "connected").then_some(())
        })
        .await;
    }
    sim.contact_writes("main", "5521988887777", "antes")
        .unwrap();
    until("the first message", || async {
        (contents(&http, &backend.base, &token).await == ["antes"]).then_some(())
    })
    .await;
    backend.kill().await;

    // while the backend is down: two messages (their webhooks fail), and the other session's
    // browser closes
    sim.contact_writes("main", "5521988887777", "durante 1")
        .unwrap();
    sim.contact_writes("main", "5521988887777", "durante 2")
        .unwrap();
    sim.close_browser("loja").unwrap();

    let backend = Backend::start(&vars).await;
    let token = login(&http, &backend.base, "ana", "s3nha").await;
    until("the missed messages", || async {
        (contents(&http, &backend.base, &token).await == ["antes", "durante 1", "durante 2"])
            .then_some(())
    })
    .await;
    let sessions_url = format!("{}/api/sessions", backend.base);
    until("the start-up check", || async {
        let (_, sessions) = get(&http, &sessions_url, &token).await;
        let loja = sessions
            .as_array()?
            .iter()
            .find(|s| s["name"] == "loja")?
            .clone();
        (loja["status"] == "disconnected").then_some(())
    })
    .await;

    // the webhook URL the server holds still works: same secret
    sim.contact_writes("main", "5521988887777", "depois")
        .unwrap();
    let all = until("the message after the restart", || async {
        let all = contents(&http, &backend.base, &token).await;
        (all.len() >= 4).then_some(all)
    })
    .await;
    assert_eq!(
        all,
        ["antes", "durante 1", "durante 2", "depois"],
        "each once"
    );
    backend.kill().await;
}

#[tokio::test]
async fn a_journal_full_of_what_cannot_be_indexed_answers_503_and_loses_nothing_it_acknowledged() {
    let sim = simulator().await;
    let db = TempDb::new("journal-full");
    // room for 16 KiB of bodies not yet indexed; each ~2.2 KB body takes 3 KiB of it
    let backend = InProcess::start_with(
        &sim,
        &db,
        Some(Duration::from_millis(500)),
        true,
        Some(16 * 1024),
    )
    .await;
    let mut locker = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut locker)
        .await
        .unwrap();
    let bodies = onmessage_bodies("main", "F", 12);
    let post_body = |body: String| {
        backend
            .http
            .post(backend.hook("main"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let (mut acked, mut refused) = (Vec::new(), Vec::new());
    for (id, body) in &bodies {
        let answer = post_body(body.clone()).await.unwrap();
        match answer.status().as_u16() {
            200 => acked.push(id.clone()),
            503 => {
                let reason: Value = answer.json().await.unwrap();
                assert!(reason["reason"].is_string(), "{reason}");
                refused.push((id.clone(), body.clone()));
            }
            other => panic!("answered {other}"),
        }
    }
    assert_eq!(acked.len(), 16 / 3, "as many as the room holds, then 503");
    assert_eq!(refused.len(), 12 - 16 / 3);
    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    locker.close().await.unwrap();
    let stored = assert_all_stored(&db, "main", &acked).await;
    assert_eq!(stored.len(), acked.len(), "a 503 was never journaled");
    // the sender sends the refused ones again, as it should
    for (id, body) in refused {
        assert_eq!(post_body(body).await.unwrap().status(), 200);
        acked.push(id);
    }
    let stored = assert_all_stored(&db, "main", &acked).await;
    assert_eq!(stored.len(), 12, "each once");
}

#[tokio::test]
async fn a_second_backend_on_the_same_database_says_which_journal_another_process_holds() {
    let db = TempDb::new("twice");
    let vars = binary_vars(&db);
    let first = Backend::start(&vars).await;
    let output = tokio::time::timeout(
        HANG_GUARD,
        Backend::command(&vars)
            .env("RUST_LOG", "off")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .output(),
    )
    .await
    .expect("the second backend ends instead of serving")
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // what failed (the journal beside this database), then why
    assert!(stderr.contains("backend.db-ingest"), "{stderr}");
    assert!(stderr.contains("another process"), "{stderr}");
    first.kill().await;
}
