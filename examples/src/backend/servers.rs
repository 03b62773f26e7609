//! Several WPPConnect servers: each session lives on one of them, and every call for a session
//! goes to its server.
//!
//! The servers come from `WPPCONNECT_SERVERS` (`a=http://10.0.0.5:21465,b=http://10.0.0.6:21465`),
//! their secret keys from `WPPCONNECT_SECRET_KEYS` (`a=KEY,b=KEY`; a server without one uses
//! `WPPCONNECT_SECRET_KEY`). `WPPCONNECT_URL` alone is the one-server case, a server named
//! [`DEFAULT_SERVER`].
//!
//! The session → server mapping is kept in the store (`session_servers`). A session is placed
//! when it is first started: on the server its start request names (`{"server": "b"}`), or,
//! when it names none, by the rule `SESSION_PLACEMENT`: `least` (the server with the fewest
//! sessions, the first listed on a tie) or `pinned` (the request must name one). A session the
//! store has not placed (never started through this backend) is looked up on the first server.
//! A stored session whose server is no longer listed is reported (`server_unknown`, 503), never
//! sent to another server behind the user's back; starting it again places it anew.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;
use sqlx::Row;
use wppconnect_client::Client;

use super::error::ApiError;
use super::store::{Store, StoreError};

/// The name of the one server of `WPPCONNECT_URL` (or of the built-in simulator).
pub const DEFAULT_SERVER: &str = "default";

/// The longest server name.
const MAX_NAME_LEN: usize = 32;

/// How a session that is started for the first time is given a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Placement {
    /// The server with the fewest sessions (the first listed on a tie), unless the start
    /// request names one.
    #[default]
    Least,
    /// The start request must name the server (`{"server": "b"}`).
    Pinned,
}

/// One `WPPCONNECT_SERVERS` entry: `name=url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSpec {
    /// Its name (letters, digits, `-`, `_`; at most 32).
    pub name: String,
    /// WPPConnect Server's address.
    pub url: String,
}

/// Checks a server name: 1 to 32 ASCII letters, digits, `-` or `_`.
///
/// # Errors
/// A message naming the rule.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a server name (1 to {MAX_NAME_LEN} letters, digits, - or _)",
            super::input::shorten(name, 40)
        ))
    }
}

/// Reads one `WPPCONNECT_SERVERS` entry, `name=http://host:port`.
///
/// # Errors
/// A message for the operator.
pub fn parse_spec(entry: &str) -> Result<ServerSpec, String> {
    let entry = entry.trim();
    let (name, url) = entry
        .split_once('=')
        .ok_or_else(|| format!("`{entry}` is not name=url (e.g. a=http://10.0.0.5:21465)"))?;
    let (name, url) = (name.trim(), url.trim());
    check_name(name)?;
    let parsed =
        url::Url::parse(url).map_err(|error| format!("server {name}: `{url}`: {error}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("server {name}: `{url}` is not an http(s) URL"));
    }
    Ok(ServerSpec {
        name: name.to_owned(),
        url: url.to_owned(),
    })
}

/// Reads `WPPCONNECT_SECRET_KEYS` (`a=KEY,b=KEY`) for the servers `names`. The error messages
/// never contain a key.
///
/// # Errors
/// An entry without `=`, a name twice, or a name that is not a server.
pub fn parse_secret_keys(spec: &str, names: &[&str]) -> Result<HashMap<String, String>, String> {
    let mut keys = HashMap::new();
    for (index, entry) in spec
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .enumerate()
    {
        let Some((name, key)) = entry.split_once('=') else {
            return Err(format!(
                "WPPCONNECT_SECRET_KEYS entry {} is not name=key",
                index + 1
            ));
        };
        let name = name.trim();
        if !names.contains(&name) {
            return Err(format!(
                "WPPCONNECT_SECRET_KEYS names `{}`, which is not in WPPCONNECT_SERVERS",
                super::input::shorten(name, 40)
            ));
        }
        if keys
            .insert(name.to_owned(), key.trim().to_owned())
            .is_some()
        {
            return Err(format!("WPPCONNECT_SECRET_KEYS names {name} twice"));
        }
    }
    Ok(keys)
}

/// A WPPConnect server: its name and its client.
#[derive(Debug, Clone)]
pub struct Server {
    name: String,
    client: Client,
}

impl Server {
    /// A server called `name` (see [`check_name`]), reached through `client`.
    #[must_use]
    pub fn new(name: &str, client: Client) -> Self {
        Self {
            name: name.to_owned(),
            client,
        }
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its client.
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// The servers, the placement rule, and the known mappings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Servers {
    list: Arc<[Server]>,
    placement: Placement,
    /// Placements read or made: a session's server changes only when its server is gone.
    known: Arc<Mutex<HashMap<String, String>>>,
    /// One placement at a time (the count of `least` and its write).
    placing: Arc<tokio::sync::Mutex<()>>,
}

/// Where a start goes.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The server's name.
    pub server: String,
    /// Its client.
    pub client: Client,
    /// Placed by this start (undone with [`Servers::forget`] when the start fails).
    pub fresh: bool,
}

impl Servers {
    /// One server, [`DEFAULT_SERVER`].
    #[must_use]
    pub fn single(client: Client) -> Self {
        Self::build(vec![Server::new(DEFAULT_SERVER, client)], Placement::Least)
    }

    /// These servers (at least one, names valid and distinct), placed by `placement`.
    ///
    /// # Errors
    /// An empty list, a bad name, or a name twice.
    pub fn new(list: Vec<Server>, placement: Placement) -> Result<Self, String> {
        if list.is_empty() {
            return Err("no WPPConnect server".to_owned());
        }
        for (i, server) in list.iter().enumerate() {
            check_name(&server.name)?;
            if list[..i].iter().any(|s| s.name == server.name) {
                return Err(format!("server {} is listed twice", server.name));
            }
        }
        Ok(Self::build(list, placement))
    }

    fn build(list: Vec<Server>, placement: Placement) -> Self {
        Self {
            list: list.into(),
            placement,
            known: Arc::default(),
            placing: Arc::default(),
        }
    }

    /// Every server, in the order listed.
    #[must_use]
    pub fn list(&self) -> &[Server] {
        &self.list
    }

    /// The rule for new sessions.
    #[must_use]
    pub fn placement(&self) -> Placement {
        self.placement
    }

    /// The client of the server called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Client> {
        self.list.iter().find(|s| s.name == name).map(|s| &s.client)
    }

    /// The first server listed: where an unplaced session is looked up.
    #[must_use]
    pub fn first(&self) -> &Server {
        // `new` and `single` never build an empty list
        &self.list[0]
    }

    fn remember(&self, session: &str, server: &str) {
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(session.to_owned(), server.to_owned());
    }

    fn remembered(&self, session: &str) -> Option<String> {
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(session)
            .cloned()
    }

    /// The server `session` is placed on, as stored.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn placed(&self, store: &Store, session: &str) -> Result<Option<String>, StoreError> {
        if let Some(server) = self.remembered(session) {
            return Ok(Some(server));
        }
        let row = sqlx::query("SELECT server FROM session_servers WHERE session = $1")
            .bind(session)
            .fetch_optional(store.pool())
            .await?;
        let server: Option<String> = row.map(|r| r.try_get("server")).transpose()?;
        if let Some(server) = &server {
            if self.get(server).is_some() {
                self.remember(session, server);
            }
        }
        Ok(server)
    }

    /// The client of the server `session` lives on: its placement, or the first server when it
    /// has none.
    ///
    /// # Errors
    /// [`ApiError::UnknownServer`] when its server is no longer listed; a database failure.
    pub async fn client_for(&self, store: &Store, session: &str) -> Result<Client, ApiError> {
        match self.placed(store, session).await? {
            None => Ok(self.first().client.clone()),
            Some(server) => self
                .get(&server)
                .cloned()
                .ok_or_else(|| ApiError::UnknownServer {
                    session: session.to_owned(),
                    server,
                }),
        }
    }

    /// The server a start of `session` goes to: where it is placed, or (placed now, and
    /// stored) `requested`, or by the rule.
    ///
    /// # Errors
    /// 400 when `requested` is not a server, differs from the session's server, or is missing
    /// under [`Placement::Pinned`]; a database failure.
    pub async fn place(
        &self,
        store: &Store,
        session: &str,
        requested: Option<&str>,
    ) -> Result<Placed, ApiError> {
        if let Some(requested) = requested {
            if self.get(requested).is_none() {
                return Err(ApiError::BadRequest(format!(
                    "unknown server `{}`; the servers are {}",
                    super::input::shorten(requested, 40),
                    self.names().join(", ")
                )));
            }
        }
        let _placing = self.placing.lock().await;
        let current = self.placed(store, session).await?;
        if let Some(current) = &current {
            if self.get(current).is_some() {
                return self.existing(session, current, requested);
            }
            tracing::warn!(
                session,
                server = current,
                "the session's server is no longer configured: placing it anew"
            );
        }
        let server = match (requested, self.placement) {
            (Some(requested), _) => requested.to_owned(),
            (None, Placement::Pinned) => {
                return Err(ApiError::BadRequest(format!(
                "SESSION_PLACEMENT is pinned: name the server, {{\"server\": \"…\"}} (one of {})",
                self.names().join(", ")
            )))
            }
            (None, Placement::Least) => self.least(store).await?,
        };
        // only over what was read: another backend instance placing the same session at the
        // same time wins or loses as a whole, so a session is never placed on two servers
        let written =
            match &current {
                None => sqlx::query(
                    "INSERT INTO session_servers (session, server, placed_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (session) DO NOTHING",
                )
                .bind(session)
                .bind(&server)
                .bind(now_ms())
                .execute(store.pool())
                .await,
                Some(gone) => {
                    sqlx::query(
                        "UPDATE session_servers SET server = $1, placed_at = $2 \
                 WHERE session = $3 AND server = $4",
                    )
                    .bind(&server)
                    .bind(now_ms())
                    .bind(session)
                    .bind(gone)
                    .execute(store.pool())
                    .await
                }
            }
            .map_err(StoreError::from)?;
        if written.rows_affected() == 0 {
            // placed meanwhile by another instance: that placement holds
            let Some(theirs) = self.placed(store, session).await? else {
                return Err(ApiError::Unavailable(
                    "the session was being placed meanwhile; try again",
                ));
            };
            if self.get(&theirs).is_none() {
                return Err(ApiError::UnknownServer {
                    session: session.to_owned(),
                    server: theirs,
                });
            }
            return self.existing(session, &theirs, requested);
        }
        self.remember(session, &server);
        tracing::info!(session, server, "session placed");
        let client = self
            .get(&server)
            .cloned()
            .unwrap_or_else(|| self.first().client.clone());
        Ok(Placed {
            server,
            client,
            fresh: true,
        })
    }

    /// A start of a session already on the listed server `current`.
    fn existing(
        &self,
        session: &str,
        current: &str,
        requested: Option<&str>,
    ) -> Result<Placed, ApiError> {
        if requested.is_some_and(|r| r != current) {
            return Err(ApiError::BadRequest(format!(
                "session {session} lives on server {current}; it is not moved"
            )));
        }
        let client = self
            .get(current)
            .cloned()
            .unwrap_or_else(|| self.first().client.clone());
        Ok(Placed {
            server: current.to_owned(),
            client,
            fresh: false,
        })
    }

    /// Undoes the fresh placement of `session` on `server` (its start never reached the
    /// server), so the next start places it again.
    pub async fn forget(&self, store: &Store, session: &str, server: &str) {
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(session);
        if let Err(error) =
            sqlx::query("DELETE FROM session_servers WHERE session = $1 AND server = $2")
                .bind(session)
                .bind(server)
                .execute(store.pool())
                .await
        {
            tracing::warn!(session, %error, "cannot undo the session's placement");
        }
    }

    /// The listed server with the fewest placed sessions; the first listed on a tie.
    async fn least(&self, store: &Store) -> Result<String, StoreError> {
        let rows = sqlx::query("SELECT server, COUNT(*) AS n FROM session_servers GROUP BY server")
            .fetch_all(store.pool())
            .await?;
        let mut counts = HashMap::new();
        for row in rows {
            let server: String = row.try_get("server")?;
            let n: i64 = row.try_get("n")?;
            counts.insert(server, n);
        }
        let best = self
            .list
            .iter()
            .min_by_key(|s| counts.get(&s.name).copied().unwrap_or(0))
            .unwrap_or_else(|| self.first());
        Ok(best.name.clone())
    }

    /// The names, in the order listed.
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        self.list.iter().map(|s| s.name.as_str()).collect()
    }

    /// Places every stored session that has no server on the first server (the one they were
    /// on before several servers were configured). Returns how many.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn adopt_unplaced(&self, store: &Store) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "INSERT INTO session_servers (session, server, placed_at) \
             SELECT name, $1, $2 FROM sessions \
             WHERE NOT EXISTS (SELECT 1 FROM session_servers p WHERE p.session = sessions.name) \
             ON CONFLICT (session) DO NOTHING",
        )
        .bind(self.first().name())
        .bind(now_ms())
        .execute(store.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Every stored placement, session → server.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn placements(&self, store: &Store) -> Result<HashMap<String, String>, StoreError> {
        let rows = sqlx::query("SELECT session, server FROM session_servers")
            .fetch_all(store.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("session")?, r.try_get("server")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Adds `server` to each listed session (a JSON object with `name`), and `serverError`
    /// when that server is no longer configured. An unplaced session shows the first server.
    pub(super) fn annotate(&self, sessions: &mut [Value], placements: &HashMap<String, String>) {
        for session in sessions {
            let Some(object) = session.as_object_mut() else {
                continue;
            };
            let name = object
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let server = placements
                .get(name)
                .cloned()
                .unwrap_or_else(|| self.first().name.clone());
            if self.get(&server).is_none() {
                object.insert(
                    "serverError".to_owned(),
                    Value::from(format!(
                        "server {server} is not configured (WPPCONNECT_SERVERS)"
                    )),
                );
            }
            object.insert("server".to_owned(), Value::from(server));
        }
    }
}

/// Now, epoch milliseconds.
pub(super) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The servers of the configuration: `WPPCONNECT_SERVERS` with their keys, or `url` (the
/// one-server case) with `secret_key`.
///
/// # Errors
/// A message for the operator (never containing a key).
pub fn from_specs(
    specs: &[ServerSpec],
    keys: Option<&str>,
    default_key: Option<&str>,
    placement: Placement,
) -> Result<Servers, Box<dyn std::error::Error + Send + Sync>> {
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let keys = match keys {
        Some(spec) => parse_secret_keys(spec, &names)?,
        None => HashMap::new(),
    };
    let mut list = Vec::with_capacity(specs.len());
    for spec in specs {
        let key = keys
            .get(&spec.name)
            .map(String::as_str)
            .or(default_key)
            .filter(|k| !k.is_empty());
        let mut builder = Client::builder(&spec.url)?;
        if let Some(key) = key {
            super::register_secret(key);
            builder = builder.secret_key(key);
        }
        list.push(Server::new(&spec.name, builder.build()?));
    }
    Ok(Servers::new(list, placement)?)
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Least => "least",
            Self::Pinned => "pinned",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_and_keys_are_read_and_bad_ones_refused_without_showing_a_key() {
        assert_eq!(
            parse_spec(" a = http://10.0.0.5:21465 ").unwrap(),
            ServerSpec {
                name: "a".to_owned(),
                url: "http://10.0.0.5:21465".to_owned()
            }
        );
        for bad in ["a", "=http://x", "a b=http://x", "a=ftp://x", "a=not a url"] {
            assert!(parse_spec(bad).is_err(), "{bad}");
        }
        let keys = parse_secret_keys("a=k1, b = k=2 ,", &["a", "b"]).unwrap();
        assert_eq!(keys["a"], "k1");
        assert_eq!(keys["b"], "k=2", "a key may hold `=`");
        for bad in ["a=k1,a=k2", "c=hidden-key", "hidden-key"] {
            let error = parse_secret_keys(bad, &["a", "b"]).unwrap_err();
            assert!(
                !error.contains("hidden-key") && !error.contains("k2"),
                "{error}"
            );
        }
    }

    #[test]
    fn each_server_gets_its_key_and_every_key_is_cut_out_of_text_shown() {
        let specs = [
            parse_spec("a=http://127.0.0.1:9").unwrap(),
            parse_spec("b=http://127.0.0.1:10").unwrap(),
        ];
        let servers = from_specs(
            &specs,
            Some("a=first-server-key-31c"),
            Some("shared-server-key-8e0"),
            Placement::Pinned,
        )
        .unwrap();
        assert_eq!(servers.names(), ["a", "b"]);
        assert_eq!(servers.placement(), Placement::Pinned);
        let shown = super::super::redact("keys first-server-key-31c and shared-server-key-8e0");
        assert!(!shown.contains("first-server-key-31c"), "{shown}");
        assert!(!shown.contains("shared-server-key-8e0"), "{shown}");
        assert!(!format!("{servers:?}").contains("server-key"));
    }

    fn client() -> Client {
        Client::builder("http://127.0.0.1:9")
            .unwrap()
            .build()
            .unwrap()
    }

    #[test]
    fn names_must_be_valid_and_distinct() {
        let list = |names: &[&str]| names.iter().map(|n| Server::new(n, client())).collect();
        assert!(Servers::new(list(&["a", "b"]), Placement::Least).is_ok());
        assert!(Servers::new(list(&["a", "a"]), Placement::Least).is_err());
        assert!(Servers::new(list(&["a/b"]), Placement::Least).is_err());
        assert!(Servers::new(Vec::new(), Placement::Least).is_err());
    }

    #[tokio::test]
    async fn least_fills_the_emptiest_a_pinned_start_names_its_server_and_the_store_keeps_it() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let list = vec![Server::new("a", client()), Server::new("b", client())];
        let servers = Servers::new(list, Placement::Least).unwrap();
        assert_eq!(servers.place(&store, "s1", None).await.unwrap().server, "a");
        assert_eq!(servers.place(&store, "s2", None).await.unwrap().server, "b");
        let pinned = servers.place(&store, "s3", Some("b")).await.unwrap();
        assert_eq!((pinned.server.as_str(), pinned.fresh), ("b", true));
        assert_eq!(servers.place(&store, "s4", None).await.unwrap().server, "a");
        // a second start stays where it is, and cannot move it
        let again = servers.place(&store, "s3", None).await.unwrap();
        assert_eq!((again.server.as_str(), again.fresh), ("b", false));
        let moved = servers.place(&store, "s3", Some("a")).await.unwrap_err();
        assert_eq!(moved.status(), 400);
        let unknown = servers.place(&store, "s5", Some("zz")).await.unwrap_err();
        assert_eq!(unknown.status(), 400);
        assert!(unknown.reason().contains("a, b"), "{}", unknown.reason());

        // another process with only server `a` reads the same store
        let only_a = Servers::new(vec![Server::new("a", client())], Placement::Pinned).unwrap();
        assert_eq!(
            only_a.placed(&store, "s3").await.unwrap().as_deref(),
            Some("b")
        );
        let gone = only_a.client_for(&store, "s3").await.unwrap_err();
        assert_eq!(gone.status(), 503);
        assert_eq!(gone.code(), "server_unknown");
        assert!(only_a.client_for(&store, "never-started").await.is_ok());
        let refused = only_a.place(&store, "s6", None).await.unwrap_err();
        assert_eq!(refused.status(), 400, "pinned needs a server");
        // starting a session whose server is gone places it anew
        let anew = only_a.place(&store, "s3", Some("a")).await.unwrap();
        assert_eq!((anew.server.as_str(), anew.fresh), ("a", true));
        only_a.forget(&store, "s3", "b").await;
        assert!(
            only_a.placed(&store, "s3").await.unwrap().is_some(),
            "not its placement"
        );
        only_a.forget(&store, "s3", "a").await;
        assert_eq!(only_a.placed(&store, "s3").await.unwrap(), None);
    }
}
