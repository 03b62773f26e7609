//! Helpers of the durability tests: webhook bodies, temporary databases, bursts over many
//! connections, the backend binary as a child process, and waiting on conditions.

#![allow(dead_code)] // each test file uses its own part

pub(crate) mod pg;

use std::collections::HashSet;
use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, watch, Notify};

/// Only stops a hang: every wait is on a condition.
pub(crate) const HANG_GUARD: Duration = Duration::from_secs(120);

const ONMESSAGE: &str = wppconnect_fixtures::text("onmessage-text");
const FIXTURE_ID: &str = "false_5511999999999@c.us_A1C9E2F64B0D3E8F7A6B5C4D3E2F1A0B";

/// `count` distinct `onmessage` bodies for `session` (the real server's key order kept), as
/// (message id, body). `tag` keeps the ids of different calls apart.
pub(crate) fn onmessage_bodies(session: &str, tag: &str, count: usize) -> Vec<(String, String)> {
    assert!(ONMESSAGE.contains(FIXTURE_ID));
    let named = ONMESSAGE.replacen(
        "\"session\": \"NERDWHATS_AMERICA\"",
        &format!("\"session\": \"{session}\""),
        1,
    );
    (0..count)
        .map(|i| {
            let id = format!("false_5511999999999@c.us_{tag}{i:028X}");
            (id.clone(), named.replacen(FIXTURE_ID, &id, 1))
        })
        .collect()
}

/// A database file in a fresh temporary directory, removed on drop.
pub(crate) struct TempDb {
    dir: PathBuf,
    /// `sqlite://…/backend.db`.
    pub(crate) url: String,
}

impl TempDb {
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "wpp-{name}-{}-{}",
            std::process::id(),
            wppconnect_examples::backend::auth::random_secret(8)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("backend.db").display());
        Self { dir, url }
    }

    /// Every stored message id of `session`, read through a connection of its own.
    pub(crate) async fn message_ids(&self, session: &str) -> Vec<String> {
        let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
        let ids = sqlx::query_scalar::<_, String>("SELECT id FROM messages WHERE session = ?")
            .bind(session)
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        ids
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Polls `check` until it returns `Some`, failing after [`HANG_GUARD`] with `what`.
pub(crate) async fn until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + HANG_GUARD;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What a burst of webhooks got back.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Ids answered 2xx.
    pub(crate) acked: Vec<String>,
    /// Answers that were not 2xx, by status.
    pub(crate) refused: Vec<u16>,
    /// Requests that got no answer (connection refused or reset).
    pub(crate) failed: usize,
}

/// Counts acknowledgements while a burst runs, so a test can wait for the N-th.
#[derive(Debug, Default)]
pub(crate) struct AckCounter {
    count: AtomicUsize,
    notify: Notify,
}

impl AckCounter {
    /// Waits until at least `n` webhooks were acknowledged.
    pub(crate) async fn reached(&self, n: usize) {
        tokio::time::timeout(HANG_GUARD, async {
            loop {
                let notified = self.notify.notified();
                if self.count.load(Ordering::SeqCst) >= n {
                    return;
                }
                notified.await;
            }
        })
        .await
        .expect("the acknowledgements never came");
    }
}

/// Posts every body to `url` over `connections` keep-alive connections (one client each, each
/// posting its share in turn). A connection that fails stops its share (the server is gone).
pub(crate) async fn burst(
    url: &str,
    bodies: Vec<(String, String)>,
    connections: usize,
    counter: Arc<AckCounter>,
) -> Outcome {
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let mut shares: Vec<Vec<(String, String)>> = vec![Vec::new(); connections];
    for (i, body) in bodies.into_iter().enumerate() {
        shares[i % connections].push(body);
    }
    let tasks = shares.into_iter().map(|share| {
        let (url, outcome, counter) = (url.to_owned(), outcome.clone(), counter.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(HANG_GUARD)
                .build()
                .unwrap();
            for (id, body) in share {
                let answer = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match answer {
                    Ok(response) if response.status().is_success() => {
                        outcome.lock().unwrap().acked.push(id);
                        counter.count.fetch_add(1, Ordering::SeqCst);
                        counter.notify.notify_waiters();
                    }
                    Ok(response) => outcome
                        .lock()
                        .unwrap()
                        .refused
                        .push(response.status().as_u16()),
                    Err(_) => {
                        outcome.lock().unwrap().failed += 1;
                        return;
                    }
                }
            }
        })
    });
    for task in futures::future::join_all(tasks).await {
        task.unwrap();
    }
    Arc::try_unwrap(outcome).unwrap().into_inner().unwrap()
}

/// Every acked id is stored, and nothing is stored twice; the stored ids. An acknowledged event
/// is durable (in the ingest journal, or committed), and the tables follow as the journal's
/// indexer catches up: this waits for them (up to [`HANG_GUARD`], then fails with what is
/// missing).
pub(crate) async fn assert_all_stored(db: &TempDb, session: &str, acked: &[String]) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + HANG_GUARD;
    loop {
        let stored = db.message_ids(session).await;
        let unique: HashSet<&String> = stored.iter().collect();
        assert_eq!(unique.len(), stored.len(), "a message is stored twice");
        let missing: Vec<&String> = acked.iter().filter(|id| !unique.contains(id)).collect();
        if missing.is_empty() {
            return stored;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {} acknowledged events are not stored, e.g. {:?}",
            missing.len(),
            acked.len(),
            missing.first()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A free loopback port (the backend binary builds its webhook URL from `BIND`).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The backend binary as a child process.
pub(crate) struct Backend {
    child: Child,
    /// `http://127.0.0.1:port`.
    pub(crate) base: String,
}

impl Backend {
    /// The binary's command with these variables and no others of the backend's (the
    /// environment the tests run in does not leak into it), killed when dropped.
    pub(crate) fn command(vars: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_backend"));
        for name in [
            "WPPCONNECT_URL",
            "WPPCONNECT_SECRET_KEY",
            "WPPCONNECT_SERVERS",
            "WPPCONNECT_SECRET_KEYS",
            "SESSION_PLACEMENT",
            "DATABASE_URL",
            "JWT_SECRET",
            "WEBHOOK_SECRET",
            "PUBLIC_URL",
            "BIND",
            "BACKEND_USERS",
            "SESSIONS",
            "LOG_FORMAT",
            "METRICS_TOKEN",
            "HEAL_INTERVAL",
            "HEAL_STUCK_AFTER",
            "HEAL_BACKOFF",
            "INGEST_DEADLINE",
            "AUTOREPLY_COOLDOWN",
            "AUTOREPLY_RATE",
            "AUTOREPLY_LOOP_LIMIT",
            "FANOUT_URL",
            "FANOUT_CHANNEL",
            "INSTANCE_ID",
            "NATS_URL",
            "NATS_SUBJECT_PREFIX",
            "NATS_STREAM",
            "WEBHOOK_RETRY_BACKOFF",
            "WEBHOOK_MAX_FAILURES",
            "EVENT_LOG_RETENTION",
            "SEND_PACE",
        ] {
            command.env_remove(name);
        }
        command.envs(vars.iter().copied()).kill_on_drop(true);
        command
    }

    /// Starts the binary with these variables (and no others of the backend's), and waits for
    /// it to listen.
    pub(crate) async fn start(vars: &[(&str, &str)]) -> Self {
        let mut command = Self::command(vars);
        command
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (addr_tx, mut addr_rx) = watch::channel(None);
        // drain the output for the life of the process, so it never blocks on a full pipe
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.split("backend on http://").nth(1) {
                    let _ = addr_tx.send(Some(rest.trim().to_owned()));
                }
            }
        });
        let addr = tokio::time::timeout(HANG_GUARD, addr_rx.wait_for(Option::is_some))
            .await
            .expect("the backend never said where it listens")
            .expect("the backend exited before it listened")
            .clone()
            .unwrap();
        Self {
            child,
            base: format!("http://{addr}"),
        }
    }

    /// SIGKILL: no shutdown, no flush; what is not committed is gone.
    pub(crate) async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}

/// Posts `bodies` to `hook` over `connections` and SIGKILLs `backend` once `after` of them were
/// acknowledged: a crash in the middle of a burst. The burst's outcome, checked to have been cut
/// short by the kill.
pub(crate) async fn kill_mid_burst(
    backend: Backend,
    hook: String,
    bodies: Vec<(String, String)>,
    connections: usize,
    after: usize,
) -> Outcome {
    let total = bodies.len();
    let counter = Arc::new(AckCounter::default());
    let load = {
        let counter = counter.clone();
        tokio::spawn(async move { burst(&hook, bodies, connections, counter).await })
    };
    counter.reached(after).await;
    backend.kill().await;
    let outcome = load.await.unwrap();
    assert!(outcome.acked.len() >= after);
    assert!(
        outcome.acked.len() < total,
        "the kill came in the middle of the burst"
    );
    outcome
}

/// A backend in-process over `store` (already seeded) with the user `ana` logged in; its
/// WPPConnect client points at a closed port, for routes that never call the server. Returns
/// its base URL, an HTTP client and `ana`'s token.
pub(crate) async fn backend_over(
    store: wppconnect_examples::backend::Store,
) -> (String, reqwest::Client, String) {
    use wppconnect_examples::backend::{auth::hash_password, Auth, Backend, Parts};
    let client = wppconnect_client::Client::builder("http://127.0.0.1:9")
        .unwrap()
        .retry(wppconnect_client::RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let auth = Auth::new(
        std::collections::HashMap::from([("ana".to_owned(), hash_password("s3nha").unwrap())]),
        "jwt-secret-of-at-least-thirty-two-bytes",
    );
    let backend = Backend::bind("127.0.0.1:0", Parts::new(client, store, auth, "hook"))
        .await
        .unwrap();
    let base = backend.url();
    backend.spawn();
    let http = reqwest::Client::new();
    let token = login(&http, &base, "ana", "s3nha").await;
    (base, http, token)
}

/// Logs in; the bearer token.
pub(crate) async fn login(
    http: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> String {
    let answer: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {answer}"))
        .to_owned()
}

/// GET with the token: (status, JSON body or null).
pub(crate) async fn get(http: &reqwest::Client, url: &str, token: &str) -> (u16, Value) {
    let response = http.get(url).bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// POST a JSON body with the token: (status, JSON body or null).
pub(crate) async fn post(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Server-Sent Events of `url` as (event, data) pairs.
pub(crate) async fn sse(
    http: &reqwest::Client,
    url: &str,
) -> mpsc::UnboundedReceiver<(String, Value)> {
    let response = http.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut stream = response.bytes_stream();
        let mut buffer = String::new();
        while let Some(Ok(chunk)) = stream.next().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let mut event = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if !event.is_empty()
                    && tx
                        .send((event, serde_json::from_str(&data).unwrap_or(Value::Null)))
                        .is_err()
                {
                    return;
                }
            }
        }
    });
    rx
}

/// The next SSE event that satisfies `wanted`.
pub(crate) async fn next_event(
    rx: &mut mpsc::UnboundedReceiver<(String, Value)>,
    wanted: impl Fn(&str, &Value) -> bool,
) -> Value {
    tokio::time::timeout(HANG_GUARD, async {
        loop {
            let (event, data) = rx.recv().await.expect("the SSE stream ended");
            if wanted(&event, &data) {
                return data;
            }
        }
    })
    .await
    .expect("no such SSE event")
}
