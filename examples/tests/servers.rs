//! Several WPPConnect servers: the backend binary in front of two simulators
//! (`WPPCONNECT_SERVERS`). Sessions are placed by the `least` rule or pinned by the start
//! request, each call for a session reaches its own server only, the mapping survives a restart
//! of the backend, a session whose server is gone is reported, and the healer's state (backoff,
//! logged-out marks) survives a restart too.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use sqlx::Row;
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_sim::{RunningSimulator, SessionStatus, Simulator};

use support::{free_port, get, login, post, until, Backend, TempDb};

const SECRET: &str = "servers-hook-secret";
const JWT: &str = "servers-jwt-secret-of-at-least-32-bytes!";
const METRICS_TOKEN: &str = "servers-metrics-token-9c2e";
const KEY_A: &str = "server-a-secret-key-5d1f";
const KEY_B: &str = "server-b-secret-key-77aa";

/// A simulator with its own secret key: sessions wait for `scan()` unless `auto` connects them.
async fn simulator(key: &str, auto: bool) -> RunningSimulator {
    let mut builder = Simulator::builder().fast().secret_key(key).no_auto_close();
    if auto {
        builder = builder.connect_after(Duration::from_millis(20));
    }
    builder.start("127.0.0.1:0").await.unwrap()
}

/// The backend binary over `servers` (`WPPCONNECT_SERVERS`), with user `ana`/`s3nha`.
async fn backend(servers: &str, keys: &str, db: &TempDb, extra: &[(&str, &str)]) -> Backend {
    let users = format!("ana:{}", hash_password("s3nha").unwrap());
    let mut vars = vec![
        ("WPPCONNECT_SERVERS", servers),
        ("WPPCONNECT_SECRET_KEYS", keys),
        ("DATABASE_URL", db.url.as_str()),
        ("WEBHOOK_SECRET", SECRET),
        ("JWT_SECRET", JWT),
        ("BIND", "127.0.0.1:0"),
        ("BACKEND_USERS", users.as_str()),
    ];
    vars.extend_from_slice(extra);
    Backend::start(&vars).await
}

/// `/api/sessions`, by name.
async fn sessions(http: &reqwest::Client, base: &str, token: &str) -> Vec<Value> {
    let (status, listed) = get(http, &format!("{base}/api/sessions"), token).await;
    assert_eq!(status, 200, "{listed}");
    listed.as_array().cloned().unwrap_or_default()
}

/// The session `name` as `/api/sessions` lists it, once `wanted` holds.
async fn wait_listed(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    name: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    until(&format!("{name} as wanted in /api/sessions"), || async {
        sessions(http, base, token)
            .await
            .into_iter()
            .find(|s| s["name"] == name && wanted(s))
    })
    .await
}

/// Starts `name` with `body`; (status, answer).
async fn start(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    name: &str,
    body: Value,
) -> (u16, Value) {
    post(
        http,
        &format!("{base}/api/sessions/{name}/start"),
        token,
        body,
    )
    .await
}

/// Sends `text` from `session`; (status, answer).
async fn send(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    session: &str,
    text: &str,
) -> (u16, Value) {
    post(
        http,
        &format!("{base}/api/messages"),
        token,
        json!({"sessionName": session, "phone": "+55 11 99999-9999", "message": text}),
    )
    .await
}

/// The messages `sim` sent from `session` (received ones left out).
/// What `session` sent on `sim`, once it holds at least `count` texts (sends are queued in the
/// backend's outbox and delivered after the answer).
async fn delivered(sim: &RunningSimulator, session: &str, count: usize) -> Vec<String> {
    until(&format!("{count} texts of {session} delivered"), || async {
        let texts = sent(sim, session);
        (texts.len() >= count).then_some(texts)
    })
    .await
}

fn sent(sim: &RunningSimulator, session: &str) -> Vec<String> {
    sim.messages(session)
        .into_iter()
        .filter(|m| m["fromMe"] == true)
        .map(|m| m["body"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_go_to_their_own_server_and_stay_there_across_a_restart() {
    let sim_a = simulator(KEY_A, true).await;
    let sim_b = simulator(KEY_B, true).await;
    let servers = format!("a={},b={}", sim_a.url(), sim_b.url());
    let keys = format!("a={KEY_A},b={KEY_B}");
    let db = TempDb::new("servers-placement");
    let first = backend(&servers, &keys, &db, &[("HEAL_INTERVAL", "0")]).await;
    let base = first.base.clone();
    let http = reqwest::Client::new();
    let token = login(&http, &base, "ana", "s3nha").await;

    // least: the first on `a`, the next on `b`; then one pinned to `b` although `a` ties
    for (name, body) in [
        ("s1", json!({})),
        ("s2", json!({})),
        ("s3", json!({"server": "b"})),
        ("s4", json!({})),
    ] {
        let (status, answer) = start(&http, &base, &token, name, body).await;
        assert_eq!(status, 200, "{name}: {answer}");
    }
    // an unknown server is refused, and nothing is started anywhere
    let (status, refused) = start(&http, &base, &token, "s5", json!({"server": "zz"})).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"], "bad_request", "{refused}");
    assert!(
        refused["reason"].as_str().unwrap().contains("zz"),
        "{refused}"
    );
    // a session is not moved by naming another server
    let (status, moved) = start(&http, &base, &token, "s1", json!({"server": "b"})).await;
    assert_eq!(status, 400, "{moved}");

    let expected = [("s1", "a"), ("s2", "b"), ("s3", "b"), ("s4", "a")];
    for (name, server) in expected {
        let listed = wait_listed(&http, &base, &token, name, |s| s["status"] == "connected").await;
        assert_eq!(listed["server"], server, "{listed}");
        let (on, off) = if server == "a" {
            (&sim_a, &sim_b)
        } else {
            (&sim_b, &sim_a)
        };
        assert_eq!(on.status(name), SessionStatus::Connected, "{name}");
        assert_eq!(
            off.status(name),
            SessionStatus::Closed,
            "{name} not on the other"
        );
    }
    assert_eq!(sim_a.status("s5"), SessionStatus::Closed);
    assert_eq!(sim_b.status("s5"), SessionStatus::Closed);

    // each send reaches its own server only
    for (name, _) in expected {
        let (status, answer) = send(&http, &base, &token, name, &format!("hello {name}")).await;
        assert_eq!(status, 202, "{name}: {answer}");
    }
    for (name, server) in expected {
        let (on, off) = if server == "a" {
            (&sim_a, &sim_b)
        } else {
            (&sim_b, &sim_a)
        };
        assert_eq!(
            delivered(on, name, 1).await,
            [format!("hello {name}")],
            "{name} on {server}"
        );
        assert!(
            sent(off, name).is_empty(),
            "{name} never on the other server"
        );
    }

    // a restart keeps the mapping
    first.kill().await;
    let second = backend(&servers, &keys, &db, &[("HEAL_INTERVAL", "0")]).await;
    let base = second.base.clone();
    let token = login(&http, &base, "ana", "s3nha").await;
    let listed = sessions(&http, &base, &token).await;
    for (name, server) in expected {
        let session = listed.iter().find(|s| s["name"] == name).unwrap();
        assert_eq!(session["server"], server, "{session}");
    }
    let (status, answer) = send(&http, &base, &token, "s3", "after the restart").await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(
        delivered(&sim_b, "s3", 2).await,
        ["hello s3", "after the restart"]
    );
    assert!(sent(&sim_a, "s3").is_empty());

    // server `b` leaves the list: its sessions are reported, not sent elsewhere
    second.kill().await;
    let only_a = format!("a={}", sim_a.url());
    let third = backend(
        &only_a,
        &format!("a={KEY_A}"),
        &db,
        &[("HEAL_INTERVAL", "0")],
    )
    .await;
    let base = third.base.clone();
    let token = login(&http, &base, "ana", "s3nha").await;
    let listed = sessions(&http, &base, &token).await;
    let s2 = listed.iter().find(|s| s["name"] == "s2").unwrap();
    assert_eq!(s2["server"], "b", "{s2}");
    assert!(
        s2["serverError"]
            .as_str()
            .unwrap()
            .contains("not configured"),
        "{s2}"
    );
    let s1 = listed.iter().find(|s| s["name"] == "s1").unwrap();
    assert!(s1.get("serverError").is_none(), "{s1}");
    let (status, answer) = send(&http, &base, &token, "s2", "nowhere").await;
    assert_eq!(status, 503, "{answer}");
    assert_eq!(answer["error"], "server_unknown", "{answer}");
    assert!(
        answer["reason"].as_str().unwrap().contains("server b"),
        "{answer}"
    );
    let (status, answer) = get(&http, &format!("{base}/api/sessions/s2"), &token).await;
    assert_eq!(status, 503, "{answer}");
    assert_eq!(answer["error"], "server_unknown", "{answer}");
    assert_eq!(sent(&sim_b, "s2"), ["hello s2"]);
    assert!(sent(&sim_a, "s2").is_empty());
    let (status, answer) = send(&http, &base, &token, "s1", "still here").await;
    assert_eq!(status, 202, "{answer}");
    // the health check still answers, with the session reported
    let (_, health) = get(&http, &format!("{base}/api/health"), &token).await;
    let s2_health = &health["wppconnect"]["sessions"]["s2"];
    assert!(
        s2_health["error"]
            .as_str()
            .unwrap_or_default()
            .contains("server b"),
        "{health}"
    );
    assert_eq!(s2_health["server"], "b", "{health}");
    assert_eq!(
        health["wppconnect"]["sessions"]["s1"]["server"], "a",
        "{health}"
    );
    assert_eq!(
        health["wppconnect"]["sessions"]["s1"]["connected"], true,
        "{health}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_that_never_reached_a_down_server_does_not_tie_the_session_to_it() {
    let sim = simulator(KEY_A, true).await;
    // nothing listens on `down`: the least rule picks it first (a tie goes to the first listed)
    let servers = format!("down=http://127.0.0.1:{},a={}", free_port(), sim.url());
    let db = TempDb::new("servers-down");
    let server = backend(
        &servers,
        &format!("a={KEY_A}"),
        &db,
        &[("HEAL_INTERVAL", "0")],
    )
    .await;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let token = login(&http, &base, "ana", "s3nha").await;
    let (status, answer) = start(&http, &base, &token, "main", json!({})).await;
    assert_eq!(status, 502, "{answer}");
    // the session can still be started on the server that is up
    let (status, answer) = start(&http, &base, &token, "main", json!({"server": "a"})).await;
    assert_eq!(status, 200, "{answer}");
    let listed = wait_listed(&http, &base, &token, "main", |s| s["status"] == "connected").await;
    assert_eq!(listed["server"], "a", "{listed}");
    assert_eq!(sim.status("main"), SessionStatus::Connected);
}

/// `backend_heal_checks_total`: the healing rounds so far.
async fn rounds(http: &reqwest::Client, base: &str) -> f64 {
    let text = http
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("backend_heal_checks_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

/// The healer's stored state of `session`: (state, attempts).
async fn stored_healing(db: &TempDb, session: &str) -> Option<(String, i64)> {
    let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let row = sqlx::query("SELECT state, attempts FROM session_healing WHERE session = $1")
        .bind(session)
        .fetch_optional(&pool)
        .await
        .unwrap();
    pool.close().await;
    row.map(|r| (r.get("state"), r.get("attempts")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_healing_state_survives_a_restart_of_the_backend() {
    // manual scan: a restarted session waits for a QR scan, and stays unhealed
    let sim_a = simulator(KEY_A, false).await;
    let sim_b = simulator(KEY_B, false).await;
    let servers = format!("a={},b={}", sim_a.url(), sim_b.url());
    let keys = format!("a={KEY_A},b={KEY_B}");
    let db = TempDb::new("servers-healing");
    let heal = [
        ("HEAL_INTERVAL", "100ms"),
        ("HEAL_BACKOFF", "1h"),
        ("METRICS_TOKEN", METRICS_TOKEN),
    ];
    let first = backend(&servers, &keys, &db, &heal).await;
    let base = first.base.clone();
    let http = reqwest::Client::new();
    let token = login(&http, &base, "ana", "s3nha").await;

    // `out` on a, `drop` on b: both connect
    for (name, server, sim) in [("out", "a", &sim_a), ("drop", "b", &sim_b)] {
        let (status, answer) = start(&http, &base, &token, name, json!({"server": server})).await;
        assert_eq!(status, 200, "{answer}");
        sim.wait_for_status(name, SessionStatus::QrCode, support::HANG_GUARD)
            .await
            .unwrap();
        sim.scan(name).unwrap();
        wait_listed(&http, &base, &token, name, |s| s["status"] == "connected").await;
    }

    // `out` is logged out on its server; `drop`'s browser crashes: restarted once on b (it
    // then waits for a scan), and crashes again: the next attempt is an hour away
    let logout = http
        .post(format!("{}/api/out/logout-session", sim_a.url()))
        .bearer_auth(sim_a.token("out"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 200);
    sim_b.close_browser("drop").unwrap();
    sim_b
        .wait_for_status("drop", SessionStatus::QrCode, support::HANG_GUARD)
        .await
        .unwrap();
    sim_b.close_browser("drop").unwrap();
    until("both states stored", || async {
        let out = stored_healing(&db, "out").await;
        let dropped = stored_healing(&db, "drop").await;
        (out.as_ref().is_some_and(|(s, _)| s == "loggedOut")
            && dropped
                .as_ref()
                .is_some_and(|(s, a)| s == "backoff" && *a == 1))
        .then_some(())
    })
    .await;
    first.kill().await;

    // a new backend over the same store: the marks and the backoff are read back
    let second = backend(&servers, &keys, &db, &heal).await;
    let base = second.base.clone();
    let token = login(&http, &base, "ana", "s3nha").await;
    let listed = sessions(&http, &base, &token).await;
    let out = listed.iter().find(|s| s["name"] == "out").unwrap();
    assert_eq!(out["healing"]["state"], "loggedOut", "{out}");
    assert_eq!(out["server"], "a", "{out}");
    let dropped = listed.iter().find(|s| s["name"] == "drop").unwrap();
    assert_eq!(dropped["healing"]["attempts"], 1, "{dropped}");
    assert_eq!(dropped["healing"]["lastAction"], "restart", "{dropped}");
    assert!(dropped["healing"]["nextAttemptAt"].is_i64(), "{dropped}");
    assert_eq!(dropped["server"], "b", "{dropped}");

    // thirty rounds later (well past the 1 s a CLOSED session is given before a restart),
    // neither was started again: no QR code on either server
    let seen = rounds(&http, &base).await;
    until("thirty healing rounds", || async {
        (rounds(&http, &base).await >= seen + 30.0).then_some(())
    })
    .await;
    assert_eq!(sim_a.status("out"), SessionStatus::Closed);
    assert_eq!(sim_b.status("drop"), SessionStatus::Closed);
    // the healer's restart went to `drop`'s own server only
    assert_eq!(sim_a.status("drop"), SessionStatus::Closed);
    assert!(sim_a.messages("drop").is_empty());
    let listed = sessions(&http, &base, &token).await;
    let out = listed.iter().find(|s| s["name"] == "out").unwrap();
    assert_eq!(out["healing"]["state"], "loggedOut", "{out}");
    let dropped = listed.iter().find(|s| s["name"] == "drop").unwrap();
    assert_eq!(dropped["healing"]["attempts"], 1, "{dropped}");
}
