//! The reference backend: a REST API for sessions and messages, the webhook receiver, real-time
//! push (socket.io and Server-Sent Events), an SQLite message store, JWT auth and a health check, assembled from
//! `wppconnect-client`, `wppconnect-webhook` and `wppconnect-models`.
//!
//! [`app`] builds the router (for tests); [`run`] reads the configuration and serves it.

mod analytics;
mod api;
pub mod auth;
pub mod autoreply;
pub mod campaigns;
mod conversations;
pub mod error;
pub mod events;
pub mod fanout;
pub mod heal;
pub mod health;
pub mod ingest;
mod input;
pub mod journal;
pub mod messages;
pub mod metrics;
pub mod outbox;
mod recover;
mod redact;
pub mod relay;
pub mod roles;
mod search;
pub mod servers;
mod sessions;
mod socket;
mod static_files;
pub mod store;
pub mod users;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use wppconnect_client::Client;
use wppconnect_webhook::{EventHub, Webhook};

pub use self::auth::Auth;
pub use self::error::ApiError;
pub use self::events::Push;
pub use self::events::Realtime;
pub use self::redact::{redact, register_secret, RedactLogs, RedactWrite};
pub use self::servers::{Placement, Server, Servers};
pub use self::store::Store;

/// Everything the handlers share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The WPPConnect servers; a session's calls go to [`AppState::client_for`].
    pub servers: Servers,
    /// The message store.
    pub store: Store,
    /// Users and JWT.
    pub auth: Auth,
    /// Real-time push.
    pub realtime: Realtime,
    /// The durable outbox of sends (its pace, its worker's wake-up).
    pub outbox: Arc<outbox::Outbox>,
    /// The users' last known roles and grants, for the push filters.
    pub roles: roles::Registry,
    inner: Arc<Settings>,
    health: Arc<health::HealthCache>,
    metrics: Arc<metrics::Metrics>,
    heal: Arc<heal::Registry>,
    autoreply: Arc<autoreply::Settings>,
    rules_changed: autoreply::RulesChanged,
    relay: Arc<relay::RelaySettings>,
    /// The ingest journal [`Backend::bind`] opened, until [`app`] starts the ingest on it.
    journal: Arc<std::sync::Mutex<Option<ingest::Journaled>>>,
}

/// Settings the handlers need. Their `Debug` hides the webhook secret.
struct Settings {
    public_url: String,
    webhook_secret: String,
    /// Sessions whose connection `/health` checks, beside the stored ones.
    sessions: Vec<String>,
    /// How long a webhook waits for its event to be committed before it is answered 503.
    ingest_deadline: Duration,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("public_url", &self.public_url)
            .field("webhook_secret", &"<redacted>")
            .field("sessions", &self.sessions)
            .field("ingest_deadline", &self.ingest_deadline)
            .finish()
    }
}

impl AppState {
    /// The state from its parts, with one WPPConnect server (`client`, [`servers::DEFAULT_SERVER`];
    /// several with [`AppState::with_servers`]). `public_url` is the address WPPConnect Server
    /// can reach this backend at; each started session gets
    /// `{public_url}/webhook/{session}?token={secret}`.
    ///
    /// The webhook secret is [registered](register_secret) for redaction; give the server's
    /// secret key with [`AppState::with_secret_key`].
    #[must_use]
    pub fn new(
        client: Client,
        store: Store,
        auth: Auth,
        public_url: &str,
        webhook_secret: &str,
    ) -> Self {
        register_secret(webhook_secret);
        auth.attach(&store);
        Self {
            servers: Servers::single(client),
            store,
            auth,
            realtime: Realtime::default(),
            outbox: Arc::default(),
            roles: roles::Registry::default(),
            inner: Arc::new(Settings {
                public_url: public_url.trim_end_matches('/').to_owned(),
                webhook_secret: webhook_secret.to_owned(),
                sessions: Vec::new(),
                ingest_deadline: ingest::DEFAULT_DEADLINE,
            }),
            health: Arc::new(health::HealthCache::new(health::DEFAULT_CACHE_PERIOD)),
            metrics: Arc::default(),
            heal: Arc::default(),
            autoreply: Arc::default(),
            rules_changed: autoreply::RulesChanged::default(),
            relay: Arc::default(),
            journal: Arc::default(),
        }
    }

    /// How the automatic replies are paced, and their clock (default
    /// [`autoreply::Settings::default`]).
    #[must_use]
    pub fn with_autoreply(self, settings: autoreply::Settings) -> Self {
        Self {
            autoreply: Arc::new(settings),
            ..self
        }
    }

    /// Forwards the event log to these sinks (NATS JetStream, the webhooks' retry settings).
    #[must_use]
    pub fn with_relay(self, relay: relay::RelaySettings) -> Self {
        Self {
            relay: Arc::new(relay),
            ..self
        }
    }

    /// Several WPPConnect servers instead of the one given to [`AppState::new`].
    #[must_use]
    pub fn with_servers(self, servers: Servers) -> Self {
        Self { servers, ..self }
    }

    /// The client of the WPPConnect server `session` lives on (see [`servers`]): every call
    /// for a session goes through it.
    ///
    /// # Errors
    /// [`ApiError::UnknownServer`] when the session's server is no longer configured; a
    /// database failure.
    pub async fn client_for(&self, session: &str) -> Result<Client, ApiError> {
        self.servers.client_for(&self.store, session).await
    }

    /// The count of automatic-reply rule changes made through this instance.
    fn rules_changed(&self) -> &autoreply::RulesChanged {
        &self.rules_changed
    }

    fn relay_settings(&self) -> &relay::RelaySettings {
        &self.relay
    }

    /// The server's `SECRET_KEY` (the one the client was built with): cut out of every upstream
    /// text before it reaches an answer or a log ([`redact`]).
    #[must_use]
    pub fn with_secret_key(self, secret_key: &str) -> Self {
        register_secret(secret_key);
        self
    }

    /// How long `/health` reuses a round of checks (default
    /// [`health::DEFAULT_CACHE_PERIOD`]).
    #[must_use]
    pub fn with_health_cache_period(self, period: Duration) -> Self {
        Self {
            health: Arc::new(health::HealthCache::new(period)),
            ..self
        }
    }

    /// Waits at least `pace` between two sends of one session (default
    /// [`outbox::DEFAULT_PACE`]).
    #[must_use]
    pub fn with_send_pace(self, pace: Duration) -> Self {
        Self {
            outbox: Arc::new(outbox::Outbox::new(pace)),
            ..self
        }
    }

    /// The sessions `/health` checks first (`SESSIONS`).
    fn configured_sessions(&self) -> &[String] {
        &self.inner.sessions
    }

    /// Also checks these sessions in `/health`.
    #[must_use]
    pub fn with_sessions(self, sessions: Vec<String>) -> Self {
        let settings = Settings {
            public_url: self.inner.public_url.clone(),
            webhook_secret: self.inner.webhook_secret.clone(),
            sessions,
            ingest_deadline: self.inner.ingest_deadline,
        };
        Self {
            inner: Arc::new(settings),
            ..self
        }
    }

    /// How long a webhook waits for its event to be committed before it is answered 503
    /// (default 10 s). The server then knows it was not stored.
    #[must_use]
    pub fn with_ingest_deadline(self, deadline: Duration) -> Self {
        let settings = Settings {
            public_url: self.inner.public_url.clone(),
            webhook_secret: self.inner.webhook_secret.clone(),
            sessions: self.inner.sessions.clone(),
            ingest_deadline: deadline,
        };
        Self {
            inner: Arc::new(settings),
            ..self
        }
    }

    fn webhook_url(&self, session: &str) -> String {
        let mut url = format!("{}/webhook/", self.inner.public_url);
        url.push_str(&url::form_urlencoded::byte_serialize(session.as_bytes()).collect::<String>());
        url.push_str("?token=");
        url.push_str(
            &url::form_urlencoded::byte_serialize(self.inner.webhook_secret.as_bytes())
                .collect::<String>(),
        );
        url
    }
}

/// The whole backend: REST API, SSE, `/health`, the web console at `/`, and the webhook receiver
/// at `POST /webhook/{session}?token=…`, which answers 200 only once the event is committed.
///
/// Spawns the writer task that stores and pushes webhook events, and the start-up task that
/// checks every stored session against the server and fetches what arrived while the backend
/// was away. Call it inside a Tokio runtime.
pub fn app(state: AppState) -> Router {
    let journal = state
        .journal
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    let (store, realtime) = (state.store.clone(), state.realtime.clone());
    let deadline = state.inner.ingest_deadline;
    // the writer publishes each webhook's event here once it is stored (the router, handed
    // the bodies unparsed, publishes nothing)
    let hub = EventHub::new(wppconnect_webhook::DEFAULT_CAPACITY);
    // the automatic replies: a handler on the hub, which sees each event once it is stored;
    // subscribed before the writer starts, so that it sees the journal's replay too
    autoreply::start(&state, &hub);
    let ingest = match journal {
        None => ingest::Ingest::start(store, realtime, hub.clone(), deadline),
        Some(journal) => {
            ingest::Ingest::start_journaled(store, realtime, hub.clone(), deadline, journal)
        }
    };
    let handler = heal::Receiver::new(state.clone(), ingest.clone());
    let (webhook, _hub) = Webhook::builder()
        .secret(&state.inner.webhook_secret)
        .dedupe_window(10_000)
        .hub(hub)
        .received(handler)
        .on_outcome(metrics::webhook_outcome)
        .build();
    recover::spawn(state.clone(), ingest);
    relay::spawn(&state);
    outbox::spawn(state.clone());
    let socket_io = socket::layer(&state);
    api::routes()
        .merge(autoreply::routes())
        .merge(relay::subscriptions::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            roles::guard,
        ))
        .merge(metrics::routes())
        .with_state(state)
        // stateless: a webhook does not clone the whole state on its way in
        .merge(webhook)
        .layer(axum::middleware::from_fn(metrics::track_http))
        .layer(socket_io)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
}

/// What a backend is made of. [`Backend::bind`] assembles it: the one assembly that [`run`]
/// and every test harness use. Build it with [`Parts::new`] and change the optional fields:
///
/// ```no_run
/// # async fn run(client: wppconnect_client::Client, auth: wppconnect_examples::backend::Auth)
/// # -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// use wppconnect_examples::backend::{Backend, Parts, Store};
/// let store = Store::open("sqlite::memory:").await?;
/// let parts = Parts {
///     secret_key: Some("THISISMYSECURETOKEN".to_owned()),
///     ..Parts::new(client, store, auth, "hook-secret")
/// };
/// let backend = Backend::bind("127.0.0.1:0", parts).await?;
/// println!("listening on {}", backend.url());
/// backend.serve(std::future::pending()).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Parts {
    /// The WPPConnect servers (one, from [`Parts::new`]'s client, unless replaced).
    pub servers: Servers,
    /// The message store.
    pub store: Store,
    /// Users and JWT.
    pub auth: Auth,
    /// The secret WPPConnect Server sends with each webhook (`?token=`).
    pub webhook_secret: String,
    /// The server's `SECRET_KEY`, when the client has one: cut out of every text shown.
    pub secret_key: Option<String>,
    /// Where the server reaches this backend; `None`: `http://{the address bound}`.
    pub public_url: Option<String>,
    /// Sessions `/health` checks first.
    pub sessions: Vec<String>,
    /// How long `/health` reuses a round of checks; `None`: [`health::DEFAULT_CACHE_PERIOD`].
    pub health_cache_period: Option<Duration>,
    /// How long a webhook waits for its commit; `None`: [`ingest::DEFAULT_DEADLINE`].
    pub ingest_deadline: Option<Duration>,
    /// The bearer token `/metrics` asks for; `None`: `/metrics` is off (404).
    pub metrics_token: Option<String>,
    /// How automatic replies are paced, and their clock; `None`: the defaults.
    pub autoreply: Option<autoreply::Settings>,
    /// Shares the real-time pushes with the other instances through Redis; `None`: they stay
    /// in this process.
    pub fanout: Option<fanout::Settings>,
    /// Where the event log goes (NATS JetStream) and how webhooks are retried.
    pub relay: relay::RelaySettings,
    /// The pause between two sends of one session; `None`: [`outbox::DEFAULT_PACE`].
    pub send_pace: Option<Duration>,
    /// Where the ingest journal lives (see [`journal`]); `None`: no journal, each webhook is
    /// answered once its event is committed to the store. [`Parts::new`]: beside a SQLite
    /// database file ([`Store::default_journal`]).
    pub journal: Option<std::path::PathBuf>,
    /// Bodies journaled but not yet indexed, at most; `None`: [`ingest::LAG_BYTES`].
    pub journal_lag_bytes: Option<usize>,
}

impl Parts {
    /// The required parts, with one WPPConnect server (`client`); every optional one at its
    /// default.
    #[must_use]
    pub fn new(client: Client, store: Store, auth: Auth, webhook_secret: &str) -> Self {
        Self {
            servers: Servers::single(client),
            auth,
            webhook_secret: webhook_secret.to_owned(),
            secret_key: None,
            public_url: None,
            sessions: Vec::new(),
            health_cache_period: None,
            ingest_deadline: None,
            metrics_token: None,
            autoreply: None,
            fanout: None,
            relay: relay::RelaySettings::default(),
            send_pace: None,
            journal: store.default_journal(None),
            journal_lag_bytes: None,
            store,
        }
    }
}

/// A backend bound to its address, ready to serve: [`Backend::serve`] (until a shutdown
/// signal) or [`Backend::spawn`] (in the background, for tests).
#[derive(Debug)]
pub struct Backend {
    listener: tokio::net::TcpListener,
    addr: std::net::SocketAddr,
    /// The state its handlers share (its store, real-time hub…).
    pub state: AppState,
}

impl Backend {
    /// Binds `bind` (`127.0.0.1:0` picks a free port), seeds the store with the configured
    /// users (as admins, when it has no user of their name) and assembles the state from `parts`:
    /// stored sessions without a server are placed on the first one, and the healer's stored
    /// state is read back.
    ///
    /// # Errors
    /// The address cannot be bound, or the store cannot be read or the users stored.
    pub async fn bind(bind: &str, parts: Parts) -> std::io::Result<Self> {
        users::seed(&parts.store, parts.auth.seed_users())
            .await
            .map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let public_url = parts.public_url.unwrap_or_else(|| format!("http://{addr}"));
        let first = parts.servers.first().client().clone();
        let mut state = AppState::new(
            first,
            parts.store,
            parts.auth,
            &public_url,
            &parts.webhook_secret,
        )
        .with_servers(parts.servers)
        .with_sessions(parts.sessions);
        let adopted = state
            .servers
            .adopt_unplaced(&state.store)
            .await
            .map_err(std::io::Error::other)?;
        if adopted > 0 {
            tracing::info!(
                sessions = adopted,
                server = state.servers.first().name(),
                "stored sessions without a server placed on the first one"
            );
        }
        heal::load(&state).await.map_err(std::io::Error::other)?;
        if let Some(secret_key) = &parts.secret_key {
            state = state.with_secret_key(secret_key);
        }
        if let Some(period) = parts.health_cache_period {
            state = state.with_health_cache_period(period);
        }
        if let Some(deadline) = parts.ingest_deadline {
            state = state.with_ingest_deadline(deadline);
        }
        if let Some(token) = &parts.metrics_token {
            state = state.with_metrics_token(token);
        }
        if let Some(settings) = parts.autoreply {
            state = state.with_autoreply(settings);
        }
        if let Some(settings) = parts.fanout {
            state.realtime.fan_out(settings);
        }
        state = state.with_relay(parts.relay);
        if let Some(pace) = parts.send_pace {
            state = state.with_send_pace(pace);
        }
        if let Some(dir) = &parts.journal {
            let mut journaled = ingest::Journaled::open(dir, state.store.syncs_fully())
                .map_err(std::io::Error::other)?;
            if let Some(bytes) = parts.journal_lag_bytes {
                journaled = journaled.with_lag_bytes(bytes);
            }
            tracing::info!(journal = %dir.display(), "webhooks are journaled before they are indexed");
            state.journal = Arc::new(std::sync::Mutex::new(Some(journaled)));
        }
        // before the start-up catch-up can bring the server's proof of them
        outbox::recover(&state.store)
            .await
            .map_err(std::io::Error::other)?;
        Ok(Self {
            listener,
            addr,
            state,
        })
    }

    /// The address bound.
    #[must_use]
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// `http://{address bound}`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves [`app`] until `shutdown` completes, then finishes the requests in flight. Each
    /// request knows its client's address (the per-address login limit).
    ///
    /// # Errors
    /// The listener fails.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let service = app(self.state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// Serves in a background task (tests): it runs until the runtime ends or the task is
    /// aborted. Read [`Backend::url`] first.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            if let Err(error) = self.serve(std::future::pending()).await {
                tracing::error!(%error, "the backend stopped");
            }
        })
    }
}

/// The Content-Security-Policy of every answer: the console's own script, style sheet and
/// images, QR codes as `data:` images, requests (fetch, Server-Sent Events, socket.io) only to
/// this origin, never in a frame. The console has no inline script nor style.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// The configuration: command-line flags, each falling back to its environment variable (see
/// the README and `backend --help`). Prefer the environment for secrets: command lines are
/// visible to other users of the machine. Its `Debug` hides the secrets.
#[derive(Clone, clap::Parser)]
#[command(
    name = "backend",
    version,
    about = "The WPPConnect reference backend: REST API, webhook receiver, real-time push, SQLite store, JWT auth.",
    after_help = "Each flag falls back to the environment variable shown; an empty variable counts as unset."
)]
pub struct Config {
    /// WPPConnect Server's address; unset (and no WPPCONNECT_SERVERS): start the built-in simulator in-process.
    #[arg(long, env = "WPPCONNECT_URL", value_name = "URL")]
    pub wppconnect_url: Option<String>,
    /// Several WPPConnect servers, `name=url` comma-separated (`a=http://10.0.0.5:21465,b=http://10.0.0.6:21465`);
    /// instead of WPPCONNECT_URL.
    #[arg(
        long = "wppconnect-servers",
        env = "WPPCONNECT_SERVERS",
        value_name = "NAME=URL,…",
        value_delimiter = ',',
        value_parser = servers::parse_spec
    )]
    pub servers: Vec<servers::ServerSpec>,
    /// The SECRET_KEY of each of WPPCONNECT_SERVERS, `name=key` comma-separated; a server
    /// without one uses WPPCONNECT_SECRET_KEY.
    #[arg(
        long = "wppconnect-secret-keys",
        env = "WPPCONNECT_SECRET_KEYS",
        value_name = "NAME=KEY,…",
        hide_env_values = true
    )]
    pub secret_keys: Option<String>,
    /// Where a session started for the first time goes when its start names no server: `least`
    /// (the server with the fewest sessions) or `pinned` (the start must name one, `{"server": "b"}`).
    #[arg(
        long,
        env = "SESSION_PLACEMENT",
        value_name = "RULE",
        value_enum,
        ignore_case = true,
        default_value = "least"
    )]
    pub session_placement: Placement,
    /// The server's SECRET_KEY (for generate-token).
    #[arg(
        long,
        env = "WPPCONNECT_SECRET_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// The database: `sqlite://file.db` (created on start) or `postgres://user:password@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        value_name = "URL",
        default_value = "sqlite://wppconnect-backend.db"
    )]
    pub database_url: String,
    /// The JWT signing secret, at least 32 bytes; unset: random (logins end with the process).
    #[arg(
        long,
        env = "JWT_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub jwt_secret: Option<String>,
    /// The secret WPPConnect Server must send as `?token=` with each webhook; when unset,
    /// generated on the first start and kept in the database.
    #[arg(
        long,
        env = "WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub webhook_secret: Option<String>,
    /// Where the server reaches this backend's webhook; default `http://{BIND}`.
    #[arg(long, env = "PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// The address to listen on.
    #[arg(
        long,
        env = "BIND",
        value_name = "ADDR",
        default_value = "127.0.0.1:3000"
    )]
    pub bind: String,
    /// Users as `name:argon2hash;name:argon2hash`; unset: `admin` with a random password printed once.
    #[arg(
        long,
        env = "BACKEND_USERS",
        value_name = "SPEC",
        hide_env_values = true
    )]
    pub users: Option<String>,
    /// Sessions `/health` checks first, besides the stored ones (comma-separated).
    #[arg(
        long,
        env = "SESSIONS",
        value_name = "A,B",
        value_delimiter = ',',
        value_parser = session_name
    )]
    pub sessions: Vec<String>,
    /// Turns on `GET /metrics` (Prometheus text) for requests with `Authorization: Bearer <token>`;
    /// unset: `/metrics` answers 404.
    #[arg(
        long,
        env = "METRICS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// How often stored sessions are compared with the server and healed (`30s`, `5m`, `250ms`); `0` turns it off.
    #[arg(long, env = "HEAL_INTERVAL", value_name = "DURATION", default_value = "30s", value_parser = heal::parse_duration)]
    pub heal_interval: Duration,
    /// A start still initializing after this long is closed and started again.
    #[arg(long, env = "HEAL_STUCK_AFTER", value_name = "DURATION", default_value = "120s", value_parser = heal::parse_duration)]
    pub heal_stuck_after: Duration,
    /// The wait after a restart that did not heal a session, doubled after each further one (at most 10 min).
    #[arg(long, env = "HEAL_BACKOFF", value_name = "DURATION", default_value = "10s", value_parser = heal::parse_duration)]
    pub heal_backoff: Duration,
    /// Automatic replies: at most one per contact and rule in this long (`0s`: no cooldown).
    #[arg(long, env = "AUTOREPLY_COOLDOWN", value_name = "DURATION", default_value = "60s", value_parser = heal::parse_duration)]
    pub autoreply_cooldown: Duration,
    /// Automatic replies: at most this many a minute per session.
    #[arg(long, env = "AUTOREPLY_RATE", value_name = "N", default_value_t = 30)]
    pub autoreply_rate: u32,
    /// Automatic replies: a contact that sets off more than this many replies of one rule in
    /// 10 minutes (another bot) is muted for that rule for a day.
    #[arg(
        long,
        env = "AUTOREPLY_LOOP_LIMIT",
        value_name = "N",
        default_value_t = 5
    )]
    pub autoreply_loop_limit: u32,
    /// The pause between two sends of one session (the outbox delivers a session's sends one at
    /// a time): `250ms`, `2s`; `0` sends as fast as the server answers.
    #[arg(long, env = "SEND_PACE", value_name = "DURATION", default_value = "250ms", value_parser = heal::parse_duration)]
    pub send_pace: Duration,
    /// How long a webhook waits for its event to be committed before it is answered 503, so
    /// that the server knows it was not stored: seconds (`10`, `2.5`) or with a unit (`500ms`,
    /// `10s`), more than 0.
    #[arg(
        long,
        env = "INGEST_DEADLINE",
        value_name = "DURATION",
        default_value = "10s",
        value_parser = deadline
    )]
    pub ingest_deadline: Duration,
    /// Where webhooks are journaled before they are indexed (answered once appended; see the
    /// backend's README): a directory of this instance's own, or `off` (answered once committed
    /// to the store). Unset: beside a SQLite database file, `{file}-ingest`
    /// (`{file}-ingest-{INSTANCE_ID}` when set); off on PostgreSQL and in memory.
    #[arg(long, env = "INGEST_JOURNAL", value_name = "DIR|off")]
    pub ingest_journal: Option<String>,
    /// Redis (`redis://[:password@]host:6379`) through which several instances behind one load
    /// balancer share their real-time pushes; unset: pushes stay in this process.
    #[arg(long, env = "FANOUT_URL", value_name = "URL", hide_env_values = true)]
    pub fanout_url: Option<String>,
    /// The Redis channel the instances share (each deployment its own).
    #[arg(long, env = "FANOUT_CHANNEL", value_name = "NAME", default_value = fanout::DEFAULT_CHANNEL)]
    pub fanout_channel: String,
    /// This instance's id in the fan-out and its logs; unset: a random one.
    #[arg(long, env = "INSTANCE_ID", value_name = "ID")]
    pub instance_id: Option<String>,
    /// Publishes every stored event to NATS JetStream at this address (`nats://127.0.0.1:4222`);
    /// unset: no NATS.
    #[arg(long, env = "NATS_URL", value_name = "URL", hide_env_values = true)]
    pub nats_url: Option<String>,
    /// The NATS subjects' prefix: events go to `<prefix>.<session>.<kind>`.
    #[arg(long, env = "NATS_SUBJECT_PREFIX", value_name = "PREFIX", default_value = "wpp.events", value_parser = subject_prefix)]
    pub nats_subject_prefix: String,
    /// The JetStream stream (created with the subjects `<prefix>.>` when missing).
    #[arg(long, env = "NATS_STREAM", value_name = "NAME", default_value = "WPP_EVENTS", value_parser = stream_name)]
    pub nats_stream: String,
    /// The wait after an outgoing webhook failed, doubled after each further failure (at most 10 min).
    #[arg(long, env = "WEBHOOK_RETRY_BACKOFF", value_name = "DURATION", default_value = "5s", value_parser = heal::parse_duration)]
    pub webhook_retry_backoff: Duration,
    /// How long the event log keeps the rows every sink has forwarded (`168h`); `0`: for ever.
    #[arg(long, env = "EVENT_LOG_RETENTION", value_name = "DURATION", default_value = "168h", value_parser = heal::parse_duration)]
    pub event_log_retention: Duration,
    /// Failures in a row after which an outgoing webhook subscription is dead (until resumed).
    #[arg(long, env = "WEBHOOK_MAX_FAILURES", value_name = "N", default_value = "20", value_parser = clap::value_parser!(i64).range(1..))]
    pub webhook_max_failures: i64,
    /// `json` for JSON logs (`RUST_LOG` filters them).
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_name = "FORMAT",
        value_enum,
        ignore_case = true,
        default_value = "text"
    )]
    pub log_format: LogFormat,
    /// A tool instead of the server.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The backend's tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Subcommand)]
pub enum Command {
    /// Reads a password on stdin and prints its argon2 hash, for `BACKEND_USERS=name:<hash>`.
    HashPassword,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line.
    Json,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |set: bool| if set { Some("<redacted>") } else { None };
        f.debug_struct("Config")
            .field("wppconnect_url", &self.wppconnect_url)
            .field("servers", &self.servers)
            .field("secret_key", &hidden(self.secret_key.is_some()))
            .field("secret_keys", &hidden(self.secret_keys.is_some()))
            .field("session_placement", &self.session_placement)
            .field("database_url", &store::redacted_url(&self.database_url))
            .field("jwt_secret", &hidden(self.jwt_secret.is_some()))
            .field("webhook_secret", &hidden(self.webhook_secret.is_some()))
            .field("public_url", &self.public_url)
            .field("bind", &self.bind)
            .field("users", &hidden(self.users.is_some()))
            .field("sessions", &self.sessions)
            .field("metrics_token", &hidden(self.metrics_token.is_some()))
            .field("heal_interval", &self.heal_interval)
            .field("heal_stuck_after", &self.heal_stuck_after)
            .field("heal_backoff", &self.heal_backoff)
            .field("autoreply_cooldown", &self.autoreply_cooldown)
            .field("autoreply_rate", &self.autoreply_rate)
            .field("autoreply_loop_limit", &self.autoreply_loop_limit)
            .field("ingest_deadline", &self.ingest_deadline)
            .field("fanout_url", &hidden(self.fanout_url.is_some()))
            .field("fanout_channel", &self.fanout_channel)
            .field("instance_id", &self.instance_id)
            .field("ingest_journal", &self.ingest_journal)
            .field("nats", &self.relay_settings().nats)
            .field("webhook_retry_backoff", &self.webhook_retry_backoff)
            .field("webhook_max_failures", &self.webhook_max_failures)
            .field("event_log_retention", &self.event_log_retention)
            .field("send_pace", &self.send_pace)
            .field("log_format", &self.log_format)
            .field("command", &self.command)
            .finish()
    }
}

/// An `INGEST_DEADLINE`: seconds, or a number with `ms` or `s`; more than zero.
fn deadline(value: &str) -> Result<Duration, String> {
    let value = value.trim();
    let (number, scale) = if let Some(ms) = value.strip_suffix("ms") {
        (ms, 1e-3)
    } else {
        (value.strip_suffix('s').unwrap_or(value), 1.0)
    };
    let seconds = number
        .trim()
        .parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .ok_or_else(|| {
            format!("`{value}` is not a duration such as 10, 2.5s or 500ms (at most a day)")
        })?;
    Ok(Duration::from_secs_f64(seconds))
}

/// A `NATS_SUBJECT_PREFIX`: dot-separated tokens without spaces nor wildcards.
fn subject_prefix(value: &str) -> Result<String, String> {
    let value = value.trim();
    let valid = !value.is_empty()
        && value.split('.').all(|token| {
            !token.is_empty()
                && !token.contains(|c: char| c.is_whitespace() || c == '*' || c == '>')
        });
    if valid {
        Ok(value.to_owned())
    } else {
        Err(format!("`{value}` is not a NATS subject prefix such as wpp.events (no spaces, `*`, `>` or empty tokens)"))
    }
}

/// A `NATS_STREAM`: letters, digits, `-` and `_`.
fn stream_name(value: &str) -> Result<String, String> {
    let value = value.trim();
    if !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "`{value}` is not a stream name such as WPP_EVENTS (letters, digits, - and _)"
        ))
    }
}

/// A `SESSIONS` entry: trimmed, a valid [`SessionName`](wppconnect_models::SessionName).
fn session_name(value: &str) -> Result<String, String> {
    wppconnect_models::SessionName::new(value.trim())
        .map(String::from)
        .map_err(|error| error.to_string())
}

impl Config {
    /// Where the event log goes: NATS when `NATS_URL` is set, and the webhooks' retries.
    #[must_use]
    pub fn relay_settings(&self) -> relay::RelaySettings {
        relay::RelaySettings {
            nats: self.nats_url.as_ref().map(|url| relay::NatsSettings {
                url: url.clone(),
                subject_prefix: self.nats_subject_prefix.clone(),
                stream: self.nats_stream.clone(),
            }),
            webhooks: relay::WebhookSettings {
                backoff: self.webhook_retry_backoff,
                max_failures: self.webhook_max_failures,
            },
            retention: (!self.event_log_retention.is_zero()).then_some(self.event_log_retention),
            ..relay::RelaySettings::default()
        }
    }

    /// What cannot start: a `JWT_SECRET` shorter than [`auth::MIN_JWT_SECRET_BYTES`].
    ///
    /// # Errors
    /// A message for the operator (never containing a secret).
    pub fn check(&self) -> Result<(), String> {
        if let Some(secret) = &self.jwt_secret {
            auth::check_jwt_secret(secret)?;
        }
        if !self.servers.is_empty() && self.wppconnect_url.is_some() {
            return Err(
                "set WPPCONNECT_URL (one server) or WPPCONNECT_SERVERS (several), not both"
                    .to_owned(),
            );
        }
        if self.secret_keys.is_some() && self.servers.is_empty() {
            return Err("WPPCONNECT_SECRET_KEYS needs WPPCONNECT_SERVERS".to_owned());
        }
        self.server_keys()?;
        self.fanout().map(|_| ())
    }

    /// The fan-out settings, when `FANOUT_URL` is set.
    ///
    /// # Errors
    /// A message for the operator: not a `redis://` URL, or an empty channel.
    pub fn fanout(&self) -> Result<Option<fanout::Settings>, String> {
        self.fanout_url
            .as_deref()
            .map(|url| {
                fanout::Settings::new(url, &self.fanout_channel, self.instance_id.as_deref())
                    .map_err(|error| error.to_string())
            })
            .transpose()
    }

    /// The keys of `WPPCONNECT_SECRET_KEYS`, by server.
    fn server_keys(&self) -> Result<HashMap<String, String>, String> {
        let names: Vec<&str> = self.servers.iter().map(|s| s.name.as_str()).collect();
        match &self.secret_keys {
            Some(spec) => servers::parse_secret_keys(spec, &names),
            None => Ok(HashMap::new()),
        }
    }

    /// The users: from `BACKEND_USERS`, or `admin` with a fresh random password (returned so the
    /// caller can print it once).
    ///
    /// # Errors
    /// A malformed `BACKEND_USERS` entry, or a hashing failure.
    pub fn users(&self) -> Result<(HashMap<String, String>, Option<String>), String> {
        if let Some(spec) = &self.users {
            let mut users = HashMap::new();
            for entry in spec.split(';').map(str::trim).filter(|e| !e.is_empty()) {
                let (name, hash) = entry
                    .split_once(':')
                    .ok_or_else(|| "BACKEND_USERS entries are name:argon2hash".to_owned())?;
                if !hash.starts_with("$argon2") {
                    return Err(format!("the password of {name} in BACKEND_USERS must be an argon2 hash, not plain text"));
                }
                users.insert(name.to_owned(), hash.to_owned());
            }
            return Ok((users, None));
        }
        let password = auth::random_secret(20);
        let hash = auth::hash_password(&password).map_err(|e| e.to_string())?;
        Ok((HashMap::from([("admin".to_owned(), hash)]), Some(password)))
    }
}

/// Runs the backend until Ctrl-C: logs, simulator when needed, store, server.
///
/// # Errors
/// A message for the operator when something cannot start.
pub async fn run(config: Config) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    config.check()?;
    // cut out of every log line and upstream text shown, from the first log line on
    for secret in config.server_keys()?.values() {
        register_secret(secret);
    }
    for secret in [
        &config.secret_key,
        &config.jwt_secret,
        &config.webhook_secret,
        &config.metrics_token,
    ]
    .into_iter()
    .flatten()
    {
        register_secret(secret);
    }
    {
        use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, Layer};
        let logs = tracing_subscriber::fmt::layer().with_writer(RedactLogs(std::io::stdout));
        let logs = if config.log_format == LogFormat::Json {
            logs.json().boxed()
        } else {
            logs.boxed()
        };
        // RUST_LOG filters the logs only: the client's request spans still reach the metrics
        let _ = tracing_subscriber::registry()
            .with(logs.with_filter(filter))
            .with(metrics::client_layer())
            .try_init();
    }
    let mut simulator = None;
    let (url, secret_key) = match &config.wppconnect_url {
        Some(url) => (url.clone(), config.secret_key.clone().unwrap_or_default()),
        None if !config.servers.is_empty() => (String::new(), String::new()),
        None => {
            let sim = wppconnect_sim::Simulator::builder()
                .start("127.0.0.1:0")
                .await?;
            tracing::info!(url = %sim.url(), "no WPPCONNECT_URL: started the built-in WPPConnect simulator in-process");
            let pair = (sim.url(), sim.secret_key().to_owned());
            simulator = Some(sim);
            pair
        }
    };
    let servers = if config.servers.is_empty() {
        let mut builder = Client::builder(&url)?;
        if !secret_key.is_empty() {
            builder = builder.secret_key(&secret_key);
        }
        Servers::single(builder.build()?)
    } else {
        let servers = servers::from_specs(
            &config.servers,
            config.secret_keys.as_deref(),
            config.secret_key.as_deref(),
            config.session_placement,
        )?;
        for server in servers.list() {
            let mut url = server.client().base_url().clone();
            // a password in the URL is never logged
            let _ = url.set_password(None);
            tracing::info!(server = server.name(), %url, "WPPConnect server");
        }
        servers
    };
    let store = Store::open(&config.database_url).await?;
    // the generated admin is for a store without users; later starts keep the stored ones
    let (users, generated) = if config.users.is_none() && users::count(&store).await? > 0 {
        (HashMap::new(), None)
    } else {
        config.users()?
    };
    let jwt_secret = config
        .jwt_secret
        .clone()
        .unwrap_or_else(|| auth::random_secret(48));
    // the URL the server holds carries the secret: a generated one is kept for the next start
    let webhook_secret = match &config.webhook_secret {
        Some(secret) => secret.clone(),
        None => store.webhook_secret(|| auth::random_secret(32)).await?,
    };
    let journal = match config.ingest_journal.as_deref() {
        Some("off") => None,
        Some(dir) => Some(std::path::PathBuf::from(dir)),
        None => store.default_journal(config.instance_id.as_deref()),
    };
    let parts = Parts {
        journal,
        servers: servers.clone(),
        secret_key: Some(secret_key.clone()),
        public_url: config.public_url.clone(),
        sessions: config.sessions.clone(),
        metrics_token: config.metrics_token.clone(),
        ingest_deadline: Some(config.ingest_deadline),
        autoreply: Some(autoreply::Settings {
            cooldown: config.autoreply_cooldown,
            session_rate: config.autoreply_rate,
            loop_limit: config.autoreply_loop_limit,
            ..autoreply::Settings::default()
        }),
        fanout: config.fanout()?,
        relay: config.relay_settings(),
        send_pace: Some(config.send_pace),
        ..Parts::new(
            servers.first().client().clone(),
            store,
            Auth::new(users, &jwt_secret),
            &webhook_secret,
        )
    };
    let backend = Backend::bind(&config.bind, parts).await?;
    let addr = backend.addr();
    println!();
    println!("  WPPConnect reference backend on http://{addr}");
    if let Some(password) = generated {
        println!("  log in as admin with password {password}   (shown once; set BACKEND_USERS to choose users)");
    }
    if let Some(sim) = &simulator {
        println!(
            "  talking to the built-in simulator at {} (it \"scans\" QR codes after 8 s;",
            sim.url()
        );
        println!("  make a contact write: curl -X POST {}/sim/<session>/incoming -H 'content-type: application/json' -d '{{\"from\":\"5511999999999\",\"body\":\"Oi\"}}')", sim.url());
    }
    println!();
    heal::spawn(backend.state.clone(), heal::HealSettings::from(&config));
    backend.serve(shutdown_signal()).await?;
    if let Some(sim) = simulator {
        sim.shutdown().await;
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix (what `docker stop` and systemd send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for SIGTERM; Ctrl-C still works");
                    let _ = tokio::signal::ctrl_c().await;
                    tracing::info!("shutting down");
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[tokio::test]
    async fn the_state_s_debug_shows_no_secret() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let client = Client::builder("http://127.0.0.1:9")
            .unwrap()
            .secret_key("the-server-secret-key")
            .build()
            .unwrap();
        let users = HashMap::from([("ana".to_owned(), "$argon2id$stand-in".to_owned())]);
        let state = AppState::new(
            client,
            store,
            Auth::new(users, "a-jwt-secret-of-at-least-32-bytes!!"),
            "http://127.0.0.1:3000",
            "the-webhook-secret",
        );
        let shown = format!("{state:?}");
        for secret in [
            "the-server-secret-key",
            "the-webhook-secret",
            "a-jwt-secret-of-at-least-32-bytes!!",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("http://127.0.0.1:3000"), "{shown}");
    }

    #[test]
    fn flags_are_read_and_bad_ones_are_refused() {
        let config = Config::try_parse_from([
            "backend",
            "--bind",
            "127.0.0.1:4000",
            "--database-url=sqlite::memory:",
            "--wppconnect-url",
            "http://wpp:21465",
            "--log-format",
            "JSON",
            "--sessions",
            "main, loja",
        ])
        .unwrap();
        assert_eq!(config.bind, "127.0.0.1:4000");
        assert_eq!(config.database_url, "sqlite::memory:");
        assert_eq!(config.wppconnect_url.as_deref(), Some("http://wpp:21465"));
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.sessions, ["main", "loja"]);
        let help = Config::try_parse_from(["backend", "--help"]).unwrap_err();
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
        for flag in [
            "--wppconnect-url",
            "--secret-key",
            "--jwt-secret",
            "--sessions",
            "WEBHOOK_SECRET",
        ] {
            assert!(help.to_string().contains(flag), "--help lists {flag}");
        }
        let unknown = Config::try_parse_from(["backend", "--nope", "x"]).unwrap_err();
        assert!(unknown.to_string().contains("--nope"));
        assert_eq!(unknown.exit_code(), 2);
        let missing = Config::try_parse_from(["backend", "--bind"]).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
        let bad_name = Config::try_parse_from(["backend", "--sessions", "a/b"]).unwrap_err();
        assert_eq!(bad_name.exit_code(), 2, "SESSIONS are session names");
        let tool = Config::try_parse_from(["backend", "hash-password"]).unwrap();
        assert_eq!(tool.command, Some(Command::HashPassword));
    }

    #[test]
    fn several_servers_are_read_with_their_keys_and_conflicts_are_refused() {
        let config = Config::try_parse_from([
            "backend",
            "--wppconnect-servers",
            "a=http://10.0.0.5:21465, b=http://10.0.0.6:21465",
            "--wppconnect-secret-keys",
            "a=key-of-server-a,b=key-of-server-b",
            "--session-placement",
            "PINNED",
        ])
        .unwrap();
        assert!(config.check().is_ok());
        let names: Vec<&str> = config.servers.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(config.servers[1].url, "http://10.0.0.6:21465");
        assert_eq!(config.session_placement, Placement::Pinned);
        let shown = format!("{config:?}");
        assert!(!shown.contains("key-of-server"), "{shown}");
        let defaults = Config::try_parse_from(["backend"]).unwrap();
        assert_eq!(defaults.session_placement, Placement::Least);
        assert!(defaults.servers.is_empty());

        let both = Config::try_parse_from([
            "backend",
            "--wppconnect-url",
            "http://wpp:21465",
            "--wppconnect-servers",
            "a=http://10.0.0.5:21465",
        ])
        .unwrap();
        assert!(both.check().unwrap_err().contains("not both"));
        let stray = Config::try_parse_from([
            "backend",
            "--wppconnect-servers",
            "a=http://10.0.0.5:21465",
            "--wppconnect-secret-keys",
            "c=key-of-server-c",
        ])
        .unwrap();
        let error = stray.check().unwrap_err();
        assert!(!error.contains("key-of-server-c"), "{error}");
        for bad in ["a", "a/b=http://x", "a=mailto:x"] {
            let error = Config::try_parse_from(["backend", "--wppconnect-servers", bad]);
            assert_eq!(error.unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn the_ingest_deadline_is_a_positive_duration_and_10_s_by_default() {
        let parse = |value: &str| {
            Config::try_parse_from(["backend".to_owned(), format!("--ingest-deadline={value}")])
                .map(|config| config.ingest_deadline)
        };
        let default = Config::try_parse_from(["backend"]).unwrap();
        assert_eq!(default.ingest_deadline, Duration::from_secs(10));
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("2.5").unwrap(), Duration::from_millis(2500));
        assert_eq!(parse("30s").unwrap(), Duration::from_secs(30));
        for bad in ["0", "-1s", "soon", "10m", "NaN", "1e9"] {
            let error = parse(bad).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad} is refused");
            assert!(error.to_string().contains("500ms"), "{error}");
        }
    }

    #[test]
    fn a_fanout_url_must_be_redis_and_its_password_stays_hidden() {
        let config = Config::try_parse_from([
            "backend",
            "--fanout-url",
            "redis://:fanout-secret-pw@127.0.0.1:6379",
            "--instance-id",
            "east-1",
        ])
        .unwrap();
        let settings = config.fanout().unwrap().unwrap();
        assert_eq!(settings.instance(), "east-1");
        assert_eq!(settings.channel(), fanout::DEFAULT_CHANNEL);
        assert!(!format!("{config:?}").contains("fanout-secret-pw"));
        assert!(!format!("{settings:?}").contains("fanout-secret-pw"));
        let unset = Config::try_parse_from(["backend"]).unwrap();
        assert_eq!(
            unset.fanout(),
            Ok(None),
            "unset: pushes stay in the process"
        );
        let wrong =
            Config::try_parse_from(["backend", "--fanout-url", "http://127.0.0.1:6379"]).unwrap();
        let error = wrong.check().unwrap_err();
        assert!(error.contains("redis://"), "{error}");
    }

    #[test]
    fn a_short_jwt_secret_is_refused_and_secrets_stay_out_of_debug() {
        let short = Config::try_parse_from(["backend", "--jwt-secret", "short-secret"]).unwrap();
        let error = short.check().unwrap_err();
        assert!(error.contains("at least 32 bytes"), "{error}");
        assert!(!error.contains("short-secret"));
        assert!(!format!("{short:?}").contains("short-secret"));
        let long = Config::try_parse_from(["backend", "--jwt-secret", &"x".repeat(32)]).unwrap();
        assert!(long.check().is_ok());
    }

    #[test]
    fn users_must_be_argon2_hashes_and_the_default_admin_gets_a_fresh_password() {
        let mut config = Config::try_parse_from(["backend"]).unwrap();
        config.users = Some("ana:plain-text".to_owned());
        assert!(config.users().unwrap_err().contains("argon2"));
        config.users = None;
        let (users, first) = config.users().unwrap();
        let (_, second) = config.users().unwrap();
        assert!(users.contains_key("admin"));
        assert_ne!(first, second, "never a fixed default password");
        assert!(!users["admin"].contains(first.as_deref().unwrap()));
    }
}
