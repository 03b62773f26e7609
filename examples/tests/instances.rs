//! Two backend instances, as behind a load balancer: two `backend` processes over one SQLite
//! file, one simulator, and Redis (`WPP_TEST_REDIS`, default `redis://127.0.0.1:6379`) sharing
//! their pushes. Any instance takes any webhook and any browser: what one receives reaches the
//! other's clients, an event delivered to both is stored once, and killing one loses nothing it
//! acknowledged while the other keeps serving.
//!
//! Each test uses a Redis channel of its own, so tests (and other users of the server) never
//! see each other's pushes.

mod support;

use std::collections::{HashMap, HashSet};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_sim::{RunningSimulator, SessionStatus, Simulator};

use support::{
    assert_all_stored, burst, login, next_event, onmessage_bodies, sse, until, AckCounter, Backend,
    TempDb, HANG_GUARD,
};

const SECRET: &str = "hook-secret";
const METRICS_TOKEN: &str = "metrics-token";
const JWT_SECRET: &str = "one-jwt-secret-for-every-instance-0123456789";

/// The Redis the tests use; fails with what to do when it does not answer.
async fn redis() -> (String, redis::aio::MultiplexedConnection) {
    let url = std::env::var("WPP_TEST_REDIS")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379".to_owned());
    let client = redis::Client::open(url.as_str())
        .unwrap_or_else(|error| panic!("WPP_TEST_REDIS is not a redis:// URL: {error}"));
    let connection = client
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|error| {
            panic!("Redis at {url} does not answer ({error}): start it with `. .ci/services`")
        });
    (url, connection)
}

/// A channel no other test (nor process) uses.
fn unique_channel(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "wpp-test:instances:{name}:{}:{}:{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        wppconnect_examples::backend::auth::random_secret(6)
    )
}

/// How many connections listen to `channel`.
async fn subscribers(redis: &mut redis::aio::MultiplexedConnection, channel: &str) -> i64 {
    let (_, count): (String, i64) = redis::cmd("PUBSUB")
        .arg("NUMSUB")
        .arg(channel)
        .query_async(redis)
        .await
        .unwrap();
    count
}

/// Waits until two connections (the two instances) listen to `channel`.
async fn both_listen(redis: &redis::aio::MultiplexedConnection, channel: &str) {
    until("both instances to listen to the channel", || {
        let (mut redis, channel) = (redis.clone(), channel.to_owned());
        async move { (subscribers(&mut redis, &channel).await == 2).then_some(()) }
    })
    .await;
}

/// Two instances A and B over one database, one simulator and one Redis channel.
struct Pair {
    db: TempDb,
    sim: RunningSimulator,
    redis: redis::aio::MultiplexedConnection,
    channel: String,
    a: Backend,
    b: Backend,
    http: reqwest::Client,
    token: String,
    /// A's settings, to start it again over its own ingest journal.
    a_vars: Vec<(String, String)>,
}

impl Pair {
    /// Starts A and B (B's Redis at `b_redis` when given, e.g. through a proxy) and waits until
    /// both listen to the channel.
    async fn start(name: &str, b_redis: Option<&str>) -> Self {
        let (url, redis) = redis().await;
        let channel = unique_channel(name);
        let db = TempDb::new(name);
        let sim = Simulator::builder()
            .fast()
            .start("127.0.0.1:0")
            .await
            .unwrap();
        let users = format!("ana:{}", hash_password("s3nha").unwrap());
        let sim_url = sim.url();
        let settings = |id: &'static str, redis_url: String| -> Vec<(String, String)> {
            [
                ("DATABASE_URL", db.url.clone()),
                ("WPPCONNECT_URL", sim_url.clone()),
                ("WPPCONNECT_SECRET_KEY", sim.secret_key().to_owned()),
                ("WEBHOOK_SECRET", SECRET.to_owned()),
                ("JWT_SECRET", JWT_SECRET.to_owned()),
                ("BACKEND_USERS", users.clone()),
                ("BIND", "127.0.0.1:0".to_owned()),
                ("HEAL_INTERVAL", "0".to_owned()),
                ("FANOUT_URL", redis_url),
                ("FANOUT_CHANNEL", channel.clone()),
                ("INSTANCE_ID", id.to_owned()),
                ("METRICS_TOKEN", METRICS_TOKEN.to_owned()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
        };
        // A first: it creates the database, B opens it
        let a_vars = settings("a", url.clone());
        let a = Self::instance(&a_vars).await;
        let b = Self::instance(&settings("b", b_redis.map_or(url, str::to_owned))).await;
        both_listen(&redis, &channel).await;
        let http = reqwest::Client::builder()
            .timeout(HANG_GUARD)
            .build()
            .unwrap();
        let token = login(&http, &a.base, "ana", "s3nha").await;
        Self {
            db,
            sim,
            redis,
            channel,
            a,
            b,
            http,
            token,
            a_vars,
        }
    }

    /// One instance with these settings.
    async fn instance(vars: &[(String, String)]) -> Backend {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Backend::start(&vars).await
    }

    fn hook(base: &str) -> String {
        format!("{base}/webhook/main?token={SECRET}")
    }

    /// The pushes of session `main` on the instance at `base`, as Server-Sent Events.
    async fn events(&self, base: &str) -> mpsc::UnboundedReceiver<(String, Value)> {
        sse(
            &self.http,
            &format!("{base}/api/events?session=main&access_token={}", self.token),
        )
        .await
    }

    /// Posts one webhook body; its status.
    async fn post(&self, base: &str, body: &str) -> u16 {
        self.http
            .post(Self::hook(base))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

/// Waits for the `new-message` of this id.
async fn new_message(events: &mut mpsc::UnboundedReceiver<(String, Value)>, id: &str) -> Value {
    next_event(events, |event, data| {
        event == "new-message" && data["data"]["id"] == id
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_taken_by_one_instance_reaches_the_browsers_of_the_other() {
    let pair = Pair::start("reach", None).await;
    let mut on_a = pair.events(&pair.a.base).await;
    let mut on_b = pair.events(&pair.b.base).await;
    let bodies = onmessage_bodies("main", "R", 4);

    assert_eq!(pair.post(&pair.a.base, &bodies[0].1).await, 200);
    let data = new_message(&mut on_b, &bodies[0].0).await;
    assert_eq!(data["session"], "main", "the same envelope as on A: {data}");
    assert_eq!(
        data["data"]["content"], "Olá! Vocês abrem amanhã?",
        "{data}"
    );
    new_message(&mut on_a, &bodies[0].0).await;

    // and the other way round
    assert_eq!(pair.post(&pair.b.base, &bodies[1].1).await, 200);
    new_message(&mut on_a, &bodies[1].0).await;
    new_message(&mut on_b, &bodies[1].0).await;

    // an instance does not deliver its own push a second time when Redis echoes it back: the
    // next `new-message` its clients see is the next message
    assert_eq!(pair.post(&pair.a.base, &bodies[2].1).await, 200);
    assert_eq!(pair.post(&pair.b.base, &bodies[3].1).await, 200);
    for events in [&mut on_a, &mut on_b] {
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let data = next_event(events, |event, _| event == "new-message").await;
            seen.push(data["data"]["id"].as_str().unwrap_or_default().to_owned());
        }
        let mut want = vec![bodies[2].0.clone(), bodies[3].0.clone()];
        seen.sort();
        want.sort();
        assert_eq!(seen, want, "each message once");
    }

    // /metrics counts what crossed: B published its two pushes, received A's two, and listens
    // (the published count follows the round trip to Redis, so it is waited for)
    let want = [
        ("backend_fanout_pushes_total{outcome=\"published\"}", 2.0),
        ("backend_fanout_pushes_total{outcome=\"received\"}", 2.0),
        ("backend_fanout_connected", 1.0),
    ];
    until("B's fan-out metrics", || {
        let request = pair
            .http
            .get(format!("{}/metrics", pair.b.base))
            .bearer_auth(METRICS_TOKEN)
            .send();
        async move {
            let metrics = request.await.ok()?.text().await.ok()?;
            let value = |name: &str| {
                metrics
                    .lines()
                    .find_map(|line| line.strip_prefix(name)?.trim().parse::<f64>().ok())
            };
            want.iter()
                .all(|(name, wanted)| value(name) == Some(*wanted))
                .then_some(())
        }
    })
    .await;
}

/// Installs socket.io-client 4 once into the target directory (as `tests/socketio.rs` does);
/// returns its `node_modules`.
fn socket_io_client() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("socket.io-client");
    if !dir.join("node_modules/socket.io-client").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let status = std::process::Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg("socket.io-client@4")
            .status()
            .expect("npm is needed to install the official socket.io client for this test");
        assert!(status.success(), "npm install socket.io-client failed");
    }
    dir.join("node_modules")
}

/// The socket.io client's next JSON line.
async fn next_line(lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>) -> Value {
    let line = tokio::time::timeout(HANG_GUARD, lines.next_line())
        .await
        .expect("the socket.io client said nothing")
        .unwrap()
        .expect("the socket.io client exited");
    serde_json::from_str(&line).unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_io_client_of_one_instance_gets_the_pushes_of_the_other() {
    let modules = socket_io_client();
    let pair = Pair::start("socketio", None).await;
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/instances/listen.js");
    let mut node = tokio::process::Command::new("node")
        .arg(script)
        .args([&pair.b.base, &pair.token, "main"])
        .env("NODE_PATH", &modules)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node is needed to run the official socket.io client");
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    loop {
        let line = next_line(&mut lines).await;
        assert_ne!(line["kind"], "connect_error", "{line}");
        if line["kind"] == "join-ack" {
            assert_eq!(line["data"]["ok"], true, "{line}");
            break;
        }
    }
    let (id, body) = onmessage_bodies("main", "S", 1).remove(0);
    assert_eq!(pair.post(&pair.a.base, &body).await, 200);
    loop {
        let line = next_line(&mut lines).await;
        if line["kind"] == "new-message" && line["data"]["data"]["id"] == id.as_str() {
            assert_eq!(line["data"]["session"], "main");
            break;
        }
    }
    node.start_kill().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_events_posted_to_both_instances_at_once_are_stored_and_pushed_once() {
    let pair = Pair::start("twice", None).await;
    let mut on_a = pair.events(&pair.a.base).await;
    let bodies = onmessage_bodies("main", "T", 3_000);
    // both processes write the one SQLite file at once: the busy timeout and BEGIN IMMEDIATE
    // make each wait for the other, never answer "database is locked"
    let (hook_a, hook_b) = (Pair::hook(&pair.a.base), Pair::hook(&pair.b.base));
    let (to_a, to_b) = tokio::join!(
        burst(&hook_a, bodies.clone(), 8, Arc::default()),
        burst(&hook_b, bodies.clone(), 8, Arc::default()),
    );
    for (name, outcome) in [("A", &to_a), ("B", &to_b)] {
        assert_eq!(
            (outcome.acked.len(), outcome.failed),
            (3_000, 0),
            "{name} acknowledged every event; refused: {:?}",
            outcome.refused
        );
    }
    let stored = assert_all_stored(&pair.db, "main", &to_a.acked).await;
    assert_eq!(stored.len(), 3_000, "each event stored once");

    // A's clients got each new message at most once, whichever instance stored it. A marker
    // through each instance comes after every push that instance made for the burst.
    let markers = onmessage_bodies("main", "M", 2);
    assert_eq!(pair.post(&pair.a.base, &markers[0].1).await, 200);
    assert_eq!(pair.post(&pair.b.base, &markers[1].1).await, 200);
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut markers_seen = HashSet::new();
    while markers_seen.len() < 2 {
        let data = next_event(&mut on_a, |event, _| event == "new-message").await;
        let id = data["data"]["id"].as_str().unwrap_or_default().to_owned();
        if markers.iter().any(|(marker, _)| *marker == id) {
            markers_seen.insert(id);
        } else {
            *counts.entry(id).or_default() += 1;
        }
    }
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "pushed more than once: {twice:?}");
    assert!(!counts.is_empty(), "the burst's pushes reached A's client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_one_instance_mid_burst_loses_nothing_acknowledged_and_the_other_serves_on() {
    let Pair {
        db,
        sim: _sim,
        a,
        b,
        http,
        token,
        a_vars,
        ..
    } = Pair::start("kill", None).await;
    let mut on_b = sse(
        &http,
        &format!("{}/api/events?session=main&access_token={token}", b.base),
    )
    .await;
    let to_a = onmessage_bodies("main", "KA", 8_000);
    let to_b = onmessage_bodies("main", "KB", 3_000);
    let counter = Arc::new(AckCounter::default());
    let load_a = {
        let (hook, counter) = (Pair::hook(&a.base), counter.clone());
        tokio::spawn(async move { burst(&hook, to_a, 16, counter).await })
    };
    let load_b = {
        let hook = Pair::hook(&b.base);
        tokio::spawn(async move { burst(&hook, to_b, 8, Arc::default()).await })
    };
    counter.reached(1_000).await;
    a.kill().await;
    let (by_a, by_b) = (load_a.await.unwrap(), load_b.await.unwrap());
    assert!(
        by_a.acked.len() < 8_000,
        "the kill came in the middle of A's burst"
    );
    assert_eq!(
        (by_b.acked.len(), by_b.failed),
        (3_000, 0),
        "B answered every event while A died; refused: {:?}",
        by_b.refused
    );
    // what A acknowledged is in A's own journal: indexed once A is back
    let _a_again = Pair::instance(&a_vars).await;
    let acked: Vec<String> = by_a.acked.into_iter().chain(by_b.acked).collect();
    assert_all_stored(&db, "main", &acked).await;

    // B's clients still get B's pushes
    let (id, body) = onmessage_bodies("main", "KC", 1).remove(0);
    let status = http
        .post(Pair::hook(&b.base))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    new_message(&mut on_b, &id).await;
}

/// A TCP proxy to Redis whose connections the test can cut, as a Redis restart or a network
/// failure would.
struct Proxy {
    url: String,
    accepted: Arc<AtomicUsize>,
    open: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(redis_url: &str) -> Self {
        let upstream = url::Url::parse(redis_url).unwrap();
        let target = format!(
            "{}:{}",
            upstream.host_str().unwrap_or("127.0.0.1"),
            upstream.port().unwrap_or(6379)
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut url = upstream.clone();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(listener.local_addr().unwrap().port()))
            .unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(Mutex::new(Vec::new()));
        {
            let (accepted, open) = (accepted.clone(), open.clone());
            tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    let target = target.clone();
                    let relay = tokio::spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(&target).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    open.lock().unwrap().push(relay);
                    accepted.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        Self {
            url: url.to_string(),
            accepted,
            open,
        }
    }

    /// Cuts every connection made so far (both sides are closed).
    fn cut(&self) {
        for relay in self.open.lock().unwrap().drain(..) {
            relay.abort();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_that_loses_redis_reconnects_and_shares_pushes_again() {
    let (redis_url, _) = redis().await;
    let proxy = Proxy::start(&redis_url).await;
    let pair = Pair::start("reconnect", Some(&proxy.url)).await;
    let mut on_a = pair.events(&pair.a.base).await;
    let mut on_b = pair.events(&pair.b.base).await;
    let bodies = onmessage_bodies("main", "C", 4);
    assert_eq!(pair.post(&pair.a.base, &bodies[0].1).await, 200);
    new_message(&mut on_b, &bodies[0].0).await;
    assert_eq!(pair.post(&pair.b.base, &bodies[1].1).await, 200);
    new_message(&mut on_a, &bodies[1].0).await;

    // B's connections to Redis break: it notices, logs, and subscribes again
    let before = proxy.accepted.load(Ordering::SeqCst);
    proxy.cut();
    until("B to connect to Redis again", || {
        let reconnected = proxy.accepted.load(Ordering::SeqCst) > before;
        async move { reconnected.then_some(()) }
    })
    .await;
    both_listen(&pair.redis, &pair.channel).await;
    assert_eq!(pair.post(&pair.a.base, &bodies[2].1).await, 200);
    new_message(&mut on_b, &bodies[2].0).await;
    // and B publishes again: its broken connection is replaced at the first push
    assert_eq!(pair.post(&pair.b.base, &bodies[3].1).await, 200);
    new_message(&mut on_a, &bodies[3].0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ack_taken_by_one_instance_before_its_message_reaches_the_other_is_applied() {
    let pair = Pair::start("early-ack", None).await;
    // A has stored a message already, so it knows whether early acks wait in the store
    let (_, first) = onmessage_bodies("main", "E", 1).remove(0);
    assert_eq!(pair.post(&pair.a.base, &first).await, 200);

    let id = "false_5531977776666@c.us_ABCDEF0123456789";
    let ack = serde_json::json!({"event": "onack", "session": "main", "ack": 2, "type": "chat",
        "id": {"fromMe": false, "remote": "5531977776666@c.us", "id": "ABCDEF0123456789", "_serialized": id}});
    assert_eq!(pair.post(&pair.b.base, &ack.to_string()).await, 200);
    let message = serde_json::json!({"event": "onmessage", "session": "main", "id": id, "type": "chat",
        "body": "oi", "t": 1795525512, "from": "5531977776666@c.us", "to": "5511900000001@c.us",
        "chatId": "5531977776666@c.us", "fromMe": false, "ack": 1});
    assert_eq!(pair.post(&pair.a.base, &message.to_string()).await, 200);

    // each instance's indexer follows its own answers: whichever order they commit in, the
    // message ends up with the ack
    let url = format!(
        "{}/api/conversations/5531977776666@c.us/messages?session=main",
        pair.b.base
    );
    let page = until("the message with its ack", || async {
        let (status, page) = support::get(&pair.http, &url, &pair.token).await;
        assert_eq!(status, 200, "{page}");
        (page["total"] == 1 && page["messages"][0]["status"] == "delivered").then_some(page)
    })
    .await;
    assert_eq!(
        page["messages"][0]["status"], "delivered",
        "the ack B kept was applied when A stored the message: {page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_send_posted_to_both_instances_under_one_client_id_is_sent_once() {
    let pair = Pair::start("send", None).await;
    let started = pair
        .http
        .post(format!("{}/api/sessions/main/start", pair.a.base))
        .bearer_auth(&pair.token)
        .send()
        .await
        .unwrap();
    assert!(started.status().is_success(), "{}", started.status());
    pair.sim
        .wait_for_status("main", SessionStatus::QrCode, HANG_GUARD)
        .await
        .unwrap();
    pair.sim.scan("main").unwrap();
    pair.sim
        .wait_for_status("main", SessionStatus::Connected, HANG_GUARD)
        .await
        .unwrap();
    let mut on_b = pair.events(&pair.b.base).await;

    let tag = wppconnect_examples::backend::auth::random_secret(8);
    let mut made_by_a = Vec::new();
    for i in 0..10 {
        let client_id = format!("both-{tag}-{i:02}");
        let body = serde_json::json!({"sessionName": "main", "phone": "5511999999999",
            "message": format!("uma vez {tag} {i}"), "clientId": client_id});
        let (url_a, url_b) = (
            format!("{}/api/messages", pair.a.base),
            format!("{}/api/messages", pair.b.base),
        );
        let (to_a, to_b) = tokio::join!(
            support::post(&pair.http, &url_a, &pair.token, body.clone()),
            support::post(&pair.http, &url_b, &pair.token, body),
        );
        let mut statuses = [to_a.0, to_b.0];
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [202, 409],
            "one instance sent it, the other answered it was sent: {to_a:?} {to_b:?}"
        );
        if to_a.0 == 202 {
            made_by_a.push(client_id);
        }
    }
    // queued by the outbox of the instance that took it, delivered after the answer
    let sent: Vec<String> = until("the ten sends delivered", || async {
        let sent: Vec<String> = pair
            .sim
            .messages("main")
            .iter()
            .filter_map(|m| m["body"].as_str())
            .filter(|body| body.starts_with(&format!("uma vez {tag} ")))
            .map(str::to_owned)
            .collect();
        (sent.len() >= 10).then_some(sent)
    })
    .await;
    let unique: HashSet<&String> = sent.iter().collect();
    assert_eq!(
        (sent.len(), unique.len()),
        (10, 10),
        "each send reached the server once: {sent:?}"
    );
    // the pending push of a send A made reached B's client
    if let Some(client_id) = made_by_a.first() {
        next_event(&mut on_b, |event, data| {
            event == "new-message" && data["data"]["clientId"] == client_id.as_str()
        })
        .await;
    }
}

#[tokio::test]
async fn the_subscription_outlives_its_keep_alive_pings_and_ignores_what_is_not_a_push() {
    use futures::StreamExt;
    use wppconnect_examples::backend::{fanout, Realtime};

    let (url, mut redis) = redis().await;
    let channel = unique_channel("ping");
    let settings = fanout::Settings::new(&url, &channel, Some("here"))
        .unwrap()
        .ping_every(std::time::Duration::from_millis(20));
    let realtime = Realtime::default();
    realtime.fan_out(settings);
    let mut pushes = Box::pin(realtime.subscribe(Some("main".to_owned())));
    let fanout = realtime.fanout().unwrap();
    until("five answered pings", || {
        let pings = fanout.pings();
        async move { (pings >= 5).then_some(()) }
    })
    .await;
    assert_eq!(
        fanout.subscriptions(),
        1,
        "the pings kept the subscription it had"
    );

    // someone else's message on the channel is ignored, another instance's push delivered
    let push = serde_json::json!({"instance": "elsewhere", "session": "main",
        "event": "session-status", "envelope": {"session": "main", "data": {"status": "connected"}}});
    for message in ["not a push".to_owned(), push.to_string()] {
        let _: i64 = redis::cmd("PUBLISH")
            .arg(&channel)
            .arg(message)
            .query_async(&mut redis)
            .await
            .unwrap();
    }
    let pushed = tokio::time::timeout(HANG_GUARD, pushes.next())
        .await
        .expect("the other instance's push never came")
        .unwrap();
    assert_eq!(pushed.event, "session-status");
    assert_eq!(pushed.envelope["data"]["status"], "connected");
    assert_eq!(fanout.received(), 1);

    // the hub gone, its subscription ends too
    drop(pushes);
    drop(realtime);
    until("the subscription to end with its hub", || {
        let (mut redis, channel) = (redis.clone(), channel.clone());
        async move { (subscribers(&mut redis, &channel).await == 0).then_some(()) }
    })
    .await;
}
