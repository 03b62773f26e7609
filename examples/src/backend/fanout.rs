//! Pushes shared between several instances of the backend through Redis pub/sub.
//!
//! Behind a load balancer, a webhook reaches one instance and a browser is connected to
//! another. With `FANOUT_URL` (`redis://…`) set, every instance publishes each push it makes
//! (its session, event name and [envelope](super::events::Push::envelope)) on one Redis
//! channel, tagged with its instance id, and re-emits the pushes of the other instances to its
//! own Server-Sent Events and socket.io clients, as if it had made them (its own come back
//! from Redis too and are skipped: they were delivered at once).
//!
//! # What is guaranteed, and what is not
//! - **Ordering.** The pushes of one instance reach the other instances in the order it made
//!   them (one publishing connection, and Redis keeps the order of a connection's messages).
//!   Pushes of different instances interleave in any order: a `status-update` made by B may
//!   reach a client before the `new-message` made by A, so the console applies a status to a
//!   message it does not hold yet by reloading the conversation.
//! - **Best-effort.** Redis pub/sub keeps nothing: a push made while Redis is down, while an
//!   instance is reconnecting, or when the publishing queue is full ([`QUEUE`] pushes) is not
//!   seen by the other instances' clients. Those are logged (how many were lost), never a
//!   panic, and never an error for the webhook or the send that made the push: the store is
//!   the truth, and a client that reconnects (the console's `EventSource` or socket.io does it
//!   by itself) reloads from the REST API.
//! - **Unset** (`FANOUT_URL` empty): pushes stay in the process, as with one instance.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::mpsc;

use super::events::{Pushed, Realtime, WeakRealtime};

/// Pushes waiting to be published, at most; past that they are dropped (and counted).
pub const QUEUE: usize = 4096;
/// The channel when none is configured.
pub const DEFAULT_CHANNEL: &str = "wppconnect:pushes";
/// Pushes published in one round trip, at most.
const PIPELINE: usize = 256;
/// How long a connection attempt or a command may take before Redis counts as down.
const TIMEOUT: Duration = Duration::from_secs(5);
/// The first wait before a reconnection, doubled after each failure up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How often the subscription checks that Redis still answers (a connection cut without a
/// FIN would otherwise wait forever), unless [`Settings::ping_every`] says otherwise.
pub const PING_EVERY: Duration = Duration::from_secs(15);

/// Where pushes are shared: the Redis server, the channel and this instance's id.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    url: String,
    channel: String,
    instance: String,
    ping_every: Duration,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("url", &shown_url(&self.url))
            .field("channel", &self.channel)
            .field("instance", &self.instance)
            .field("ping_every", &self.ping_every)
            .finish()
    }
}

/// Why the fan-out settings are refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    /// The URL is not a `redis://` URL the client can use.
    #[error(
        "FANOUT_URL must be a redis:// URL (redis://host:6379, redis://:password@host:6379/0): {0}"
    )]
    Url(String),
    /// An empty channel name.
    #[error("the fan-out channel must not be empty")]
    Channel,
}

impl Settings {
    /// The Redis server at `url` (`redis://[:password@]host[:port][/db]`), the channel every
    /// instance publishes on and listens to, and this instance's id (`None`: a random one).
    /// A password in the URL is [registered](super::register_secret) for redaction.
    ///
    /// # Errors
    /// [`SettingsError`]: not a `redis://` URL, or an empty channel.
    pub fn new(url: &str, channel: &str, instance: Option<&str>) -> Result<Self, SettingsError> {
        let parsed = url::Url::parse(url).map_err(|error| SettingsError::Url(error.to_string()))?;
        if let Some(password) = parsed.password() {
            super::register_secret(password);
            let decoded = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
            super::register_secret(&decoded);
        }
        match parsed.scheme() {
            "redis" | "redis+unix" | "unix" => {}
            "rediss" => {
                return Err(SettingsError::Url(
                    "rediss:// (TLS) is not built into this backend".to_owned(),
                ))
            }
            other => return Err(SettingsError::Url(format!("scheme `{other}`"))),
        }
        redis::Client::open(url).map_err(|error| SettingsError::Url(error.to_string()))?;
        if channel.trim().is_empty() {
            return Err(SettingsError::Channel);
        }
        let instance = instance
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map_or_else(|| super::auth::random_secret(12), str::to_owned);
        Ok(Self {
            url: url.to_owned(),
            channel: channel.to_owned(),
            instance,
            ping_every: PING_EVERY,
        })
    }

    /// This instance's id, as published with each push.
    #[must_use]
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The Redis channel.
    #[must_use]
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// How often the subscription pings Redis to find out that the connection is gone
    /// (default [`PING_EVERY`]); at least 10 ms.
    #[must_use]
    pub fn ping_every(self, every: Duration) -> Self {
        Self {
            ping_every: every.max(Duration::from_millis(10)),
            ..self
        }
    }
}

/// The URL with its password cut out, for logs.
fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("redacted"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<not a URL>".to_owned(),
    }
}

/// A push as it travels through Redis.
#[derive(Debug, Serialize, Deserialize)]
struct Wire {
    /// The instance that made it.
    instance: String,
    session: String,
    event: String,
    envelope: Value,
}

/// A running fan-out: the queue to the publishing task. Made by
/// [`Realtime::fan_out`](super::Realtime::fan_out).
#[derive(Debug)]
pub struct Fanout {
    instance: String,
    queue: mpsc::Sender<Wire>,
    counters: Arc<Counters>,
}

/// What the fan-out did, for logs and tests; also counted in `/metrics` as
/// `backend_fanout_pushes_total{outcome="published|received|dropped"}`.
#[derive(Debug, Default)]
struct Counters {
    published: AtomicU64,
    received: AtomicU64,
    dropped: AtomicU64,
    subscriptions: AtomicU64,
    pings: AtomicU64,
}

impl Counters {
    fn add(&self, outcome: &'static str, count: u64) {
        let counter = match outcome {
            "published" => &self.published,
            "received" => &self.received,
            _ => &self.dropped,
        };
        counter.fetch_add(count, Ordering::Relaxed);
        metrics::counter!("backend_fanout_pushes_total", "outcome" => outcome).increment(count);
    }
}

/// Whether the subscription to the other instances' pushes is up, in `/metrics`.
fn connected(up: bool) {
    metrics::gauge!("backend_fanout_connected").set(if up { 1.0 } else { 0.0 });
}

fn describe_metrics() {
    metrics::describe_counter!(
        "backend_fanout_pushes_total",
        "Real-time pushes shared through Redis: published by this instance, received from the others, dropped (Redis down or queue full)"
    );
    metrics::describe_gauge!(
        "backend_fanout_connected",
        "1 while this instance listens to the other instances' pushes on Redis, else 0"
    );
}

impl Fanout {
    /// Spawns the publishing and the subscribing tasks on the current Tokio runtime (outside
    /// one, logs an error and shares nothing). The subscriber holds the hub weakly: both tasks
    /// end once every clone of it is dropped.
    pub(super) fn start(settings: Settings, realtime: &Realtime) -> Self {
        let runtime = match tokio::runtime::Handle::try_current() {
            Ok(runtime) => Some(runtime),
            Err(error) => {
                tracing::error!(%error, "the fan-out needs a Tokio runtime; pushes stay in this instance");
                None
            }
        };
        // checked when the settings were made
        let client = runtime.and_then(|runtime| match redis::Client::open(settings.url.as_str()) {
            Ok(client) => Some((runtime, client)),
            Err(error) => {
                tracing::error!(%error, "the fan-out URL is refused; pushes stay in this instance");
                None
            }
        });
        let (queue, outbox) = mpsc::channel(QUEUE);
        let counters = Arc::new(Counters::default());
        describe_metrics();
        connected(false);
        tracing::info!(
            instance = %settings.instance,
            channel = %settings.channel,
            redis = %shown_url(&settings.url),
            "sharing pushes with the other instances through Redis"
        );
        if let Some((runtime, client)) = client {
            runtime.spawn(publisher(
                client.clone(),
                settings.channel.clone(),
                outbox,
                counters.clone(),
            ));
            runtime.spawn(subscriber(
                client,
                settings.channel,
                settings.instance.clone(),
                settings.ping_every,
                realtime.downgrade(),
                counters.clone(),
            ));
        }
        Self {
            instance: settings.instance,
            queue,
            counters,
        }
    }

    /// This instance's id.
    #[must_use]
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Pushes handed to Redis so far.
    #[must_use]
    pub fn published(&self) -> u64 {
        self.counters.published.load(Ordering::Relaxed)
    }

    /// Pushes of other instances delivered to this one's clients so far.
    #[must_use]
    pub fn received(&self) -> u64 {
        self.counters.received.load(Ordering::Relaxed)
    }

    /// Pushes the other instances never got: Redis was down, or the queue was full.
    #[must_use]
    pub fn dropped(&self) -> u64 {
        self.counters.dropped.load(Ordering::Relaxed)
    }

    /// How many times the subscription was made: 1 until Redis is lost once.
    #[must_use]
    pub fn subscriptions(&self) -> u64 {
        self.counters.subscriptions.load(Ordering::Relaxed)
    }

    /// Keep-alive pings Redis answered so far.
    #[must_use]
    pub fn pings(&self) -> u64 {
        self.counters.pings.load(Ordering::Relaxed)
    }

    /// Queues a push for the other instances; never waits (a full queue drops it). It is
    /// serialised by the publishing task, not by the caller (the webhook writer).
    pub(super) fn publish(&self, pushed: &Pushed) {
        let wire = Wire {
            instance: self.instance.clone(),
            session: pushed.session.clone(),
            event: pushed.event.clone().into_owned(),
            envelope: pushed.envelope.clone(),
        };
        if self.queue.try_send(wire).is_err() {
            let dropped = self.counters.dropped.load(Ordering::Relaxed);
            self.counters.add("dropped", 1);
            if dropped.is_power_of_two() || dropped == 0 {
                tracing::warn!(
                    dropped = dropped + 1,
                    "the fan-out queue is full (Redis is slow or gone): pushes are not shared"
                );
            }
        }
    }
}

/// Publishes what is queued, a pipeline of up to [`PIPELINE`] pushes a round trip. A batch
/// that fails on a broken connection is tried once more on a fresh one (a push twice is
/// harmless: clients key messages by id). While Redis is down, pushes are dropped (counted,
/// logged when it comes back); a connection is tried again after a backoff, never more often.
async fn publisher(
    client: redis::Client,
    channel: String,
    mut outbox: mpsc::Receiver<Wire>,
    counters: Arc<Counters>,
) {
    let mut connection: Option<redis::aio::MultiplexedConnection> = None;
    let mut backoff = Backoff::default();
    let mut lost = 0_u64;
    let mut payloads = Vec::with_capacity(PIPELINE);
    while outbox.recv_many(&mut payloads, PIPELINE).await > 0 {
        let count = payloads.len() as u64;
        let mut pipe = redis::pipe();
        for wire in payloads.drain(..) {
            match serde_json::to_string(&wire) {
                Ok(payload) => {
                    pipe.publish(&channel, payload).ignore();
                }
                Err(error) => {
                    tracing::warn!(%error, "a push could not be serialised for the other instances");
                }
            }
        }
        let mut published = false;
        for attempt in 0..2 {
            if connection.is_none() && (attempt > 0 || backoff.due()) {
                match connect(&client).await {
                    Ok(opened) => {
                        if backoff.failures > 0 {
                            tracing::info!(
                                lost,
                                "the fan-out publishes again; pushes made meanwhile were not shared"
                            );
                        }
                        connection = Some(opened);
                        backoff = Backoff::default();
                        lost = 0;
                    }
                    Err(error) => {
                        if backoff.failures == 0 {
                            tracing::warn!(%error, "the fan-out cannot reach Redis: pushes are not shared with the other instances until it is back");
                        }
                        backoff.failed();
                        break;
                    }
                }
            }
            let Some(open) = connection.as_mut() else {
                break;
            };
            match pipe.query_async::<()>(open).await {
                Ok(()) => {
                    published = true;
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "the fan-out lost its Redis connection; reconnecting");
                    connection = None;
                }
            }
        }
        if published {
            counters.add("published", count);
        } else {
            lost += count;
            counters.add("dropped", count);
        }
    }
}

async fn connect(client: &redis::Client) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
    let config = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(TIMEOUT))
        .set_response_timeout(Some(TIMEOUT));
    client
        .get_multiplexed_async_connection_with_config(&config)
        .await
}

/// Listens to the channel and delivers the other instances' pushes; reconnects (with
/// backoff) whenever the subscription ends or Redis stops answering.
async fn subscriber(
    client: redis::Client,
    channel: String,
    instance: String,
    ping_every: Duration,
    realtime: WeakRealtime,
    counters: Arc<Counters>,
) {
    let mut backoff = Backoff::default();
    // ends once the backend that started it is gone
    while realtime.upgrade().is_some() {
        let subscribed = tokio::time::timeout(TIMEOUT, async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(&channel).await?;
            Ok::<_, redis::RedisError>(pubsub)
        })
        .await;
        match subscribed {
            Ok(Ok(pubsub)) => {
                if backoff.failures > 0 {
                    tracing::info!(
                        "the fan-out listens again; pushes of other instances made meanwhile were missed"
                    );
                } else {
                    tracing::debug!(%channel, "the fan-out listens");
                }
                backoff = Backoff::default();
                connected(true);
                counters.subscriptions.fetch_add(1, Ordering::Relaxed);
                let ended = listen(pubsub, &instance, ping_every, &realtime, &counters).await;
                connected(false);
                if ended == Ended::Unused {
                    return;
                }
                tracing::warn!("the fan-out lost its Redis subscription; reconnecting");
            }
            Ok(Err(error)) if backoff.failures == 0 => {
                tracing::warn!(%error, "the fan-out cannot subscribe to Redis; retrying");
            }
            Err(_) if backoff.failures == 0 => {
                tracing::warn!("the fan-out's subscription to Redis timed out; retrying");
            }
            Ok(Err(error)) => tracing::debug!(%error, "the fan-out still cannot subscribe"),
            Err(_) => tracing::debug!("the fan-out's subscription timed out again"),
        }
        backoff.failed();
        tokio::time::sleep(backoff.wait()).await;
    }
}

/// Why [`listen`] returned.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// The connection ended, or a ping went unanswered.
    Lost,
    /// The backend that started the fan-out is gone.
    Unused,
}

/// Delivers messages until the subscription ends, a ping goes unanswered, or nobody is left to
/// deliver to.
async fn listen(
    pubsub: redis::aio::PubSub,
    instance: &str,
    ping_every: Duration,
    realtime: &WeakRealtime,
    counters: &Counters,
) -> Ended {
    let (mut sink, mut messages) = pubsub.split();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else { return Ended::Lost };
                if let Some(pushed) = decode(message.get_payload_bytes(), instance) {
                    let Some(realtime) = realtime.upgrade() else { return Ended::Unused };
                    counters.add("received", 1);
                    realtime.deliver(pushed);
                }
            }
            _ = ping.tick() => {
                if realtime.upgrade().is_none() {
                    return Ended::Unused;
                }
                let answered = tokio::time::timeout(TIMEOUT, sink.ping::<redis::Value>()).await;
                // any answer will do: in subscribed mode Redis answers `["pong", ""]`
                if !matches!(answered, Ok(Ok(_))) {
                    return Ended::Lost;
                }
                counters.pings.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Another instance's push; `None` for this instance's own, and for anything malformed
/// (logged: someone else publishes on the channel).
fn decode(payload: &[u8], instance: &str) -> Option<Pushed> {
    let wire: Wire = match serde_json::from_slice(payload) {
        Ok(wire) => wire,
        Err(error) => {
            tracing::warn!(%error, "a message on the fan-out channel is not a push; ignored");
            return None;
        }
    };
    if wire.instance == instance {
        return None;
    }
    if wire.event.is_empty() || wire.session.is_empty() {
        tracing::warn!("a push on the fan-out channel has no event or session; ignored");
        return None;
    }
    Some(Pushed {
        session: wire.session,
        event: wire.event.into(),
        envelope: wire.envelope,
    })
}

/// Waits between reconnections: doubled after each failure, from [`MIN_BACKOFF`] to
/// [`MAX_BACKOFF`].
#[derive(Debug)]
struct Backoff {
    failures: u32,
    next: tokio::time::Instant,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            failures: 0,
            next: tokio::time::Instant::now(),
        }
    }
}

impl Backoff {
    fn wait(&self) -> Duration {
        let doublings = self.failures.saturating_sub(1).min(8);
        (MIN_BACKOFF * 2_u32.pow(doublings)).min(MAX_BACKOFF)
    }

    fn failed(&mut self) {
        self.failures = self.failures.saturating_add(1);
        self.next = tokio::time::Instant::now() + self.wait();
    }

    fn due(&self) -> bool {
        tokio::time::Instant::now() >= self.next
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_push_of_another_instance_is_decoded_and_this_one_s_own_is_skipped() {
        let wire = json!({"instance": "b", "session": "main", "event": "new-message",
            "envelope": {"session": "main", "data": {"id": "x"}}})
        .to_string();
        let pushed = decode(wire.as_bytes(), "a").unwrap();
        assert_eq!(pushed.session, "main");
        assert_eq!(pushed.event, "new-message");
        assert_eq!(pushed.envelope["data"]["id"], "x");
        assert_eq!(decode(wire.as_bytes(), "b"), None, "its own push");
        for bad in [
            "not json",
            "{}",
            r#"{"instance":"b","session":"","event":"x","envelope":null}"#,
        ] {
            assert_eq!(decode(bad.as_bytes(), "a"), None, "{bad}");
        }
    }

    #[test]
    fn settings_refuse_what_is_not_redis_and_hide_the_password() {
        let settings = Settings::new(
            "redis://:fanout-pass-1@127.0.0.1:6379/0",
            "c",
            Some("inst-a"),
        )
        .unwrap();
        assert_eq!(settings.instance(), "inst-a");
        let shown = format!("{settings:?}");
        assert!(!shown.contains("fanout-pass-1"), "{shown}");
        assert!(shown.contains("127.0.0.1"), "{shown}");
        for bad in ["http://127.0.0.1:6379", "rediss://h:6379", "not a url"] {
            let error = Settings::new(bad, "c", None).unwrap_err();
            assert!(error.to_string().contains("redis://"), "{error}");
        }
        assert_eq!(
            Settings::new("redis://127.0.0.1", " ", None),
            Err(SettingsError::Channel)
        );
        let a = Settings::new("redis://127.0.0.1", "c", None).unwrap();
        let b = Settings::new("redis://127.0.0.1", "c", Some("")).unwrap();
        assert_ne!(a.instance(), b.instance(), "each instance gets its own id");
    }

    #[test]
    fn outside_a_runtime_the_fan_out_shares_nothing_and_does_not_panic() {
        let realtime = Realtime::default();
        realtime.fan_out(Settings::new("redis://127.0.0.1:1", "c", None).unwrap());
        let fanout = realtime.fanout().unwrap();
        realtime.push(
            "main",
            &super::super::Push::StatusUpdate(super::super::events::StatusUpdate {
                id: "m1".to_owned(),
                client_id: None,
                conversation_id: "5511999999999@c.us".to_owned(),
                status: wppconnect_models::domain::MessageStatus::Sent,
            }),
        );
        assert_eq!(fanout.dropped(), 1, "nobody publishes it");
    }

    #[test]
    fn the_backoff_doubles_up_to_its_ceiling() {
        let mut backoff = Backoff::default();
        assert!(backoff.due());
        backoff.failed();
        assert_eq!(backoff.wait(), MIN_BACKOFF);
        backoff.failed();
        assert_eq!(backoff.wait(), MIN_BACKOFF * 2);
        for _ in 0..20 {
            backoff.failed();
        }
        assert_eq!(backoff.wait(), MAX_BACKOFF);
    }
}
