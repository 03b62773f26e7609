//! The reference backend: a REST API for sessions and messages, the webhook receiver, real-time
//! push (socket.io and Server-Sent Events), an SQLite message store, JWT auth and a health check, assembled from
//! `wppconnect-client`, `wppconnect-webhook` and `wppconnect-models`.
//!
//! [`app`] builds the router (for tests); [`run`] reads the configuration and serves it.

mod api;
pub mod auth;
pub mod events;
pub mod ingest;
mod recover;
mod socket;
pub mod store;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use wppconnect_client::Client;
use wppconnect_webhook::Webhook;

pub use self::auth::Auth;
pub use self::events::Realtime;
pub use self::store::Store;

/// Everything the handlers share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The WPPConnect Server client.
    pub client: Client,
    /// The message store.
    pub store: Store,
    /// Users and JWT.
    pub auth: Auth,
    /// Real-time push.
    pub realtime: Realtime,
    inner: Arc<Settings>,
}

/// Settings the handlers need.
#[derive(Debug)]
struct Settings {
    public_url: String,
    webhook_secret: String,
    /// Sessions whose connection `/health` checks, beside the stored ones.
    sessions: Vec<String>,
    /// How long a webhook waits for its event to be committed before it is answered 503.
    ingest_deadline: Duration,
}

impl AppState {
    /// The state from its parts. `public_url` is the address WPPConnect Server can reach this
    /// backend at; each started session gets `{public_url}/webhook/{session}?token={secret}`.
    #[must_use]
    pub fn new(
        client: Client,
        store: Store,
        auth: Auth,
        public_url: &str,
        webhook_secret: &str,
    ) -> Self {
        Self {
            client,
            store,
            auth,
            realtime: Realtime::default(),
            inner: Arc::new(Settings {
                public_url: public_url.trim_end_matches('/').to_owned(),
                webhook_secret: webhook_secret.to_owned(),
                sessions: Vec::new(),
                ingest_deadline: ingest::DEFAULT_DEADLINE,
            }),
        }
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
    let ingest = ingest::Ingest::start(
        state.store.clone(),
        state.realtime.clone(),
        state.inner.ingest_deadline,
    );
    let handler = {
        let ingest = ingest.clone();
        move |event: Arc<wppconnect_models::Event>| {
            let ingest = ingest.clone();
            async move { ingest.submit(event).await }
        }
    };
    let (webhook, _hub) = Webhook::builder()
        .secret(&state.inner.webhook_secret)
        .dedupe_window(10_000)
        .awaited(handler)
        .build();
    recover::spawn(state.clone(), ingest);
    let socket_io = socket::layer(&state);
    api::routes()
        .merge(webhook)
        .with_state(state)
        .layer(socket_io)
}

/// Configuration from the environment (see the README).
#[derive(Debug, Clone)]
pub struct Config {
    /// `WPPCONNECT_URL`; `None` starts the simulator in-process.
    pub wppconnect_url: Option<String>,
    /// `WPPCONNECT_SECRET_KEY`.
    pub secret_key: Option<String>,
    /// `DATABASE_URL`, default `sqlite://wppconnect-backend.db`.
    pub database_url: String,
    /// `JWT_SECRET`; random when unset (tokens then die with the process).
    pub jwt_secret: Option<String>,
    /// `WEBHOOK_SECRET`; when unset, generated once and kept in the store.
    pub webhook_secret: Option<String>,
    /// `PUBLIC_URL`, default `http://{BIND}`.
    pub public_url: Option<String>,
    /// `BIND`, default `127.0.0.1:3000`.
    pub bind: String,
    /// `BACKEND_USERS`: `name:argon2hash` pairs separated by `;`.
    pub users: Option<String>,
    /// `SESSIONS`: comma-separated session names `/health` checks besides the stored ones.
    pub sessions: Vec<String>,
    /// `LOG_FORMAT=json` for JSON logs.
    pub json_logs: bool,
}

impl Config {
    /// Reads the environment.
    #[must_use]
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            wppconnect_url: var("WPPCONNECT_URL"),
            secret_key: var("WPPCONNECT_SECRET_KEY"),
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://wppconnect-backend.db".to_owned()),
            jwt_secret: var("JWT_SECRET"),
            webhook_secret: var("WEBHOOK_SECRET"),
            public_url: var("PUBLIC_URL"),
            bind: var("BIND").unwrap_or_else(|| "127.0.0.1:3000".to_owned()),
            users: var("BACKEND_USERS"),
            sessions: var("SESSIONS")
                .map(|v| split_sessions(&v))
                .unwrap_or_default(),
            json_logs: var("LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json")),
        }
    }

    /// The environment, then command-line flags over it: `--wppconnect-url`, `--secret-key`,
    /// `--database-url`, `--jwt-secret`, `--webhook-secret`, `--public-url`, `--bind`, `--users`
    /// and `--log-format`, each as `--flag value` or `--flag=value`. Prefer the environment for
    /// secrets: command lines are visible to other users of the machine.
    ///
    /// # Errors
    /// An unknown flag or a flag without its value; `Err(None)` for `--help`.
    pub fn from_env_and_args(
        args: impl IntoIterator<Item = String>,
    ) -> Result<Self, Option<String>> {
        let mut config = Self::from_env();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--help" || arg == "-h" {
                return Err(None);
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (arg, None),
            };
            if !flag.starts_with("--") {
                return Err(Some(format!("unexpected argument {flag}")));
            }
            let value = match inline.or_else(|| args.next()) {
                Some(value) => value,
                None => return Err(Some(format!("{flag} needs a value"))),
            };
            match flag.as_str() {
                "--wppconnect-url" => config.wppconnect_url = Some(value),
                "--secret-key" => config.secret_key = Some(value),
                "--database-url" => config.database_url = value,
                "--jwt-secret" => config.jwt_secret = Some(value),
                "--webhook-secret" => config.webhook_secret = Some(value),
                "--public-url" => config.public_url = Some(value),
                "--bind" => config.bind = value,
                "--users" => config.users = Some(value),
                "--sessions" => config.sessions = split_sessions(&value),
                "--log-format" => config.json_logs = value.eq_ignore_ascii_case("json"),
                other => return Err(Some(format!("unknown flag {other} (see --help)"))),
            }
        }
        Ok(config)
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
    if config.json_logs {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .try_init();
    } else {
        let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
    }
    let mut simulator = None;
    let (url, secret_key) = match &config.wppconnect_url {
        Some(url) => (url.clone(), config.secret_key.clone().unwrap_or_default()),
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
    let mut builder = Client::builder(&url)?;
    if !secret_key.is_empty() {
        builder = builder.secret_key(&secret_key);
    }
    let client = builder.build()?;
    let store = Store::open(&config.database_url).await?;
    let (users, generated) = config.users()?;
    let jwt_secret = config
        .jwt_secret
        .clone()
        .unwrap_or_else(|| auth::random_secret(48));
    // the URL the server holds carries the secret: a generated one is kept for the next start
    let webhook_secret = match &config.webhook_secret {
        Some(secret) => secret.clone(),
        None => store.webhook_secret(|| auth::random_secret(32)).await?,
    };
    let listener = tokio::net::TcpListener::bind(&config.bind).await?;
    let addr = listener.local_addr()?;
    // the address actually bound (BIND may say port 0)
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let state = AppState::new(
        client,
        store,
        Auth::new(users, &jwt_secret),
        &public_url,
        &webhook_secret,
    )
    .with_sessions(config.sessions.clone());
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
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    if let Some(sim) = simulator {
        sim.shutdown().await;
    }
    Ok(())
}

fn split_sessions(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
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
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn flags_override_the_environment_and_bad_ones_are_refused() {
        let config = Config::from_env_and_args(args(&[
            "--bind",
            "127.0.0.1:4000",
            "--database-url=sqlite::memory:",
            "--wppconnect-url",
            "http://wpp:21465",
            "--log-format",
            "json",
            "--sessions",
            "main, loja,",
        ]))
        .unwrap();
        assert_eq!(config.bind, "127.0.0.1:4000");
        assert_eq!(config.database_url, "sqlite::memory:");
        assert_eq!(config.wppconnect_url.as_deref(), Some("http://wpp:21465"));
        assert!(config.json_logs);
        assert_eq!(config.sessions, ["main", "loja"]);
        assert!(matches!(
            Config::from_env_and_args(args(&["--help"])),
            Err(None)
        ));
        let unknown = Config::from_env_and_args(args(&["--nope", "x"])).unwrap_err();
        assert!(unknown.unwrap().contains("--nope"));
        let missing = Config::from_env_and_args(args(&["--bind"])).unwrap_err();
        assert!(missing.unwrap().contains("needs a value"));
    }

    #[test]
    fn users_must_be_argon2_hashes_and_the_default_admin_gets_a_fresh_password() {
        let mut config = Config::from_env_and_args(Vec::new()).unwrap();
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
