//! The message store: SQLite or PostgreSQL through sqlx's `Any` driver, migrations included
//! (`migrations/sqlite/`, `migrations/postgres/`), chosen by the database URL.
//!
//! Writes are idempotent (a repeated webhook writes nothing twice), an ack that arrives before
//! its message is kept and applied when the message is stored, and a status never goes
//! backwards (read stays read).
//!
//! Every write can be part of a [`Batch`]: one transaction for many events, which is how the
//! webhook writer commits whatever has queued at once (group commit). The database runs in WAL
//! mode with `synchronous=NORMAL`: a committed transaction survives a killed process; a power cut
//! may lose the last transactions since the last sync, never corrupt the file. Add
//! `?synchronous=full` to the URL to sync at every commit.
//!
//! On PostgreSQL (`postgres://…`) a commit is durable once it answers (the server's own
//! `synchronous_commit`), and batches take a transaction-scoped advisory lock, so that they
//! run one at a time as SQLite's write lock makes them, across every backend instance sharing
//! the database. Search uses a `tsvector` index there (migration 0006).
//!
//! Every query is written once, for both: `$N` placeholders, `ON CONFLICT`, values bound and
//! read as `i64`, `f64`, text or `Option`s of them (booleans are 0/1). The few statements that
//! differ (reading a JSON array of rows, the search) ask [`Store::dialect`].

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, ConnectOptions, Connection, Executor, Row, Transaction};
use wppconnect_models::domain::{
    Conversation, Location, Message, MessageStatus, Session, SessionStatus,
};
use wppconnect_models::MessageType;

/// How long an ack waits for its message before it is forgotten.
const EARLY_ACK_TTL_SECS: i64 = 24 * 60 * 60;
/// How far apart in time a failed send and the server's proof of it may be to be matched.
const ADOPT_WINDOW_SECS: i64 = 10 * 60;
/// How long a statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// The key under which the generated webhook secret is kept.
const WEBHOOK_SECRET_KEY: &str = "webhook_secret";
/// The PostgreSQL advisory lock that batches take (any constant: "wppb" in ASCII).
const PG_WRITE_LOCK: i64 = 0x7770_7062;
/// Connections of a pool on a database file or server.
const MAX_CONNECTIONS: u32 = 5;

/// The store's connection pool (sqlx's `Any`: SQLite or PostgreSQL). Queries on it use `$N`
/// placeholders and portable SQL; see the module's documentation.
pub type Pool = sqlx::AnyPool;

/// Which database a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (`sqlite://file.db`, `sqlite::memory:`).
    Sqlite,
    /// PostgreSQL (`postgres://…`, `postgresql://…`).
    Postgres,
}

impl Dialect {
    /// The database of a URL, or `None` for a scheme the store does not know.
    #[must_use]
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    /// The `FROM` item that reads the JSON array bound as parameter `$param` as rows `r` with the
    /// columns `value` (one element, read with `r.value ->> N`) and `key` (its place, for
    /// `ORDER BY`).
    fn json_rows(self, param: u8) -> String {
        match self {
            Self::Sqlite => format!("json_each(${param}) AS r"),
            Self::Postgres => format!(
                "jsonb_array_elements(CAST(${param} AS JSONB)) WITH ORDINALITY AS r(value, key)"
            ),
        }
    }
}

/// A database URL with its password (if any) replaced by `***`, for logs and `Debug` output.
#[must_use]
pub fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // cannot fail on a URL that has a password (it has a host)
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// A database failure.
#[derive(Debug, thiserror::Error)]
#[error("database error")]
pub struct StoreError(#[from] sqlx::Error);

/// Rows as the JSON array text that [`Dialect::json_rows`] reads back (one parameter for a whole
/// batch). The rows are tuples of strings, numbers and options: their serialising does not
/// fail, but an error would be the statement's, not a panic.
fn json_text(rows: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(rows).map_err(|error| StoreError(sqlx::Error::Encode(Box::new(error))))
}

impl StoreError {
    /// Whether a write broke a unique key (such as a client id already stored).
    #[must_use]
    pub fn is_unique_violation(&self) -> bool {
        self.0
            .as_database_error()
            .is_some_and(sqlx::error::DatabaseError::is_unique_violation)
    }
}

/// The store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    dialect: Dialect,
    /// False once a write transaction found no early ack waiting; set again (inside the write
    /// transaction that keeps one) whenever one is kept. Spares the common insert a query.
    /// SQLite only: on PostgreSQL another backend instance may keep an early ack meanwhile.
    early_acks: Arc<AtomicBool>,
    /// An in-memory database: one connection, which no [`Writer`] may keep.
    memory: bool,
    /// SQLite's `synchronous` setting (`NORMAL` or `FULL`); `FULL` on PostgreSQL, which syncs
    /// every commit.
    synchronous: &'static str,
    /// The database file (SQLite), where the default ingest journal goes beside it.
    file: Option<PathBuf>,
    /// An in-memory database's own connection, never used: the database lives as long as one
    /// connection to it is open, so the pool may close and reopen its own (after a request was
    /// cancelled mid-query, for one) without the data vanishing.
    _keeper: Option<Arc<std::sync::Mutex<AnyConnection>>>,
}

/// The settings every SQLite connection of a database file gets: readers never wait for the
/// writer, a commit is one append to the log, and 16 MiB of pages per connection (default
/// 2 MiB), so the indexes of a busy store stay in memory instead of being read back from the OS
/// at every batch. (`busy_timeout` is sqlx's own default, 5 s, said again: the write lock's
/// wait.)
fn sqlite_pragmas(synchronous: &str, memory: bool) -> String {
    let busy = format!("PRAGMA busy_timeout = {}", BUSY_TIMEOUT.as_millis());
    if memory {
        return busy;
    }
    format!(
        "{busy}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; \
         PRAGMA cache_size = -16384"
    )
}

// The status order lives in the models (`MessageStatus::rank`, `can_become`); the store only
// compares the ranks it wrote.
fn status_name(status: MessageStatus) -> &'static str {
    status.as_str()
}

fn status_rank(status: MessageStatus) -> i64 {
    status.rank()
}

fn parse_status(name: &str) -> MessageStatus {
    MessageStatus::from_name(name).unwrap_or(MessageStatus::Pending)
}

fn session_status_name(status: SessionStatus) -> &'static str {
    match status {
        SessionStatus::Disconnected => "disconnected",
        SessionStatus::Connecting => "connecting",
        SessionStatus::Authenticated => "authenticated",
        SessionStatus::Connected => "connected",
    }
}

fn parse_session_status(name: &str) -> SessionStatus {
    match name {
        "connecting" => SessionStatus::Connecting,
        "authenticated" => SessionStatus::Authenticated,
        "connected" => SessionStatus::Connected,
        _ => SessionStatus::Disconnected,
    }
}

pub(super) fn message_from_row(row: &AnyRow) -> Result<Message, sqlx::Error> {
    let latitude: Option<f64> = row.try_get("latitude")?;
    let longitude: Option<f64> = row.try_get("longitude")?;
    let location = match (latitude, longitude) {
        (Some(latitude), Some(longitude)) => Some(Location {
            latitude,
            longitude,
            name: row.try_get("location_name")?,
            address: row.try_get("location_address")?,
        }),
        _ => None,
    };
    let file_size: Option<i64> = row.try_get("file_size")?;
    Ok(Message {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        conversation_id: row.try_get("conversation_id")?,
        sender_id: row.try_get("sender_id")?,
        sender_name: row.try_get("sender_name")?,
        content: row.try_get("content")?,
        message_type: MessageType::from(row.try_get::<String, _>("message_type")?),
        timestamp: row.try_get("timestamp")?,
        status: parse_status(&row.try_get::<String, _>("status")?),
        is_from_me: row.try_get::<i64, _>("is_from_me")? != 0,
        quoted_message: row.try_get("quoted_message")?,
        media_url: row.try_get("media_url")?,
        mime_type: row.try_get("mime_type")?,
        file_name: row.try_get("file_name")?,
        file_size: file_size.and_then(|size| u64::try_from(size).ok()),
        location,
    })
}

/// A page of a conversation's messages, oldest first within the page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// The messages.
    pub messages: Vec<Message>,
    /// 1-based page number (page 1 holds the newest messages).
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Messages in the conversation.
    pub total: i64,
    /// Whether older pages exist.
    pub has_more: bool,
}

/// What the server told about a message this session sent, to match a send stored `failed`
/// (see [`Batch::adopt_failed_send`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentProof<'a> {
    /// The server's id of the message.
    pub server_id: &'a str,
    /// The chat it went to.
    pub conversation_id: &'a str,
    /// Its text, when known (an own message, or an ack that carries its body).
    pub content: Option<&'a str>,
    /// When it was sent, Unix seconds, when known.
    pub timestamp: Option<i64>,
    /// Its delivery status now.
    pub status: MessageStatus,
}

/// Splits the store's own `synchronous=normal|full` option off a SQLite URL, and asks for the
/// file to be created (`mode=rwc`) unless the URL says otherwise. Returns the URL for sqlx and
/// the `PRAGMA synchronous` value.
fn split_synchronous(url: &str) -> Result<(String, &'static str), sqlx::Error> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut synchronous = "NORMAL";
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("synchronous", value)) => {
                synchronous = match value.to_ascii_lowercase().as_str() {
                    "normal" => "NORMAL",
                    "full" => "FULL",
                    _ => {
                        return Err(sqlx::Error::Configuration(
                            "the database URL's synchronous= must be normal or full".into(),
                        ))
                    }
                };
            }
            _ => kept.push(pair),
        }
    }
    let memory = base.contains(":memory:");
    if !memory && !kept.iter().any(|pair| pair.starts_with("mode=")) {
        kept.push("mode=rwc");
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, synchronous))
}

impl Store {
    /// Opens the database at `url` and runs its migrations: SQLite (`sqlite://file.db`, created
    /// when missing, or `sqlite::memory:`) or PostgreSQL (`postgres://user:password@host/db`,
    /// an existing database). A SQLite file runs in WAL mode with `synchronous=NORMAL`;
    /// `sqlite://file.db?synchronous=full` syncs at every commit.
    /// Open one `Store` per database and clone it: the clones share what they know.
    ///
    /// # Errors
    /// [`StoreError`] when the URL is wrong or the database cannot be opened or migrated.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let Some(dialect) = Dialect::of_url(url) else {
            return Err(StoreError(sqlx::Error::Configuration(
                "the database URL must start with sqlite: or postgres://".into(),
            )));
        };
        let mut synchronous = "FULL";
        let mut file = None;
        let (pool, memory) = match dialect {
            Dialect::Sqlite => {
                let (url, sync) = split_synchronous(url)?;
                synchronous = sync;
                let memory = url.contains(":memory:");
                // a name of its own, so that every connection (the pool's, again after one is
                // closed, and the keeper) opens the same database
                let url = if memory {
                    format!(
                        "sqlite:file:wpp-memory-{:016x}?mode=memory&cache=shared",
                        rand::random::<u64>()
                    )
                } else {
                    url
                };
                if !memory {
                    let options: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
                    file = Some(options.get_filename().to_owned());
                }
                let options = AnyPoolOptions::new().after_connect(move |conn, _| {
                    Box::pin(async move {
                        conn.execute(sqlite_pragmas(synchronous, memory).as_str())
                            .await?;
                        Ok(())
                    })
                });
                let options = if memory {
                    // an in-memory database lives in one connection, never to be closed
                    options
                        .max_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None)
                } else {
                    options.max_connections(MAX_CONNECTIONS)
                };
                (options.connect(&url).await?, memory)
            }
            Dialect::Postgres => (
                AnyPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .connect(url)
                    .await?,
                false,
            ),
        };
        let migrator = match dialect {
            Dialect::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Dialect::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&pool).await.map_err(sqlx::Error::from)?;
        let keeper = if memory {
            let conn = pool.connect_options().connect().await?;
            Some(Arc::new(std::sync::Mutex::new(conn)))
        } else {
            None
        };
        Ok(Self {
            pool,
            dialect,
            early_acks: Arc::new(AtomicBool::new(true)),
            memory,
            synchronous,
            file,
            _keeper: keeper,
        })
    }

    /// Whether each commit waits for the disk (`synchronous=full` in a SQLite URL, and always on
    /// PostgreSQL); the ingest journal then syncs each append as well.
    #[must_use]
    pub fn syncs_fully(&self) -> bool {
        self.synchronous == "FULL"
    }

    /// Where the ingest journal goes by default: beside a SQLite database file,
    /// `{file}-ingest` (`{file}-ingest-{instance}` for a named instance, so that instances
    /// sharing a file each have their own). `None` for an in-memory database, PostgreSQL (give
    /// a directory of the instance's own disk) and `synchronous=full` (each webhook then waits
    /// for its synced commit, in groups; a journal given anyway syncs each append on its own).
    #[must_use]
    pub fn default_journal(&self, instance: Option<&str>) -> Option<PathBuf> {
        if self.syncs_fully() {
            return None;
        }
        let file = self.file.as_ref()?;
        let mut name = file.file_name()?.to_os_string();
        name.push("-ingest");
        if let Some(instance) = instance {
            name.push(format!("-{instance}"));
        }
        Some(file.with_file_name(name))
    }

    /// How far the journal `name` is indexed (0: not at all).
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn journal_cursor(&self, name: &str) -> Result<u64, StoreError> {
        let position: Option<i64> =
            sqlx::query_scalar("SELECT position FROM journal_cursor WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        Ok(position.map_or(0, |p| u64::try_from(p).unwrap_or(0)))
    }

    /// Which database this store runs on.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// The connection pool, for the queries of other modules (search, analytics). Their SQL
    /// must run on both databases (see the module's documentation); a write that must commit
    /// with the webhook's events goes through [`Batch::connection`] instead.
    #[must_use]
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Starts a batch: one write transaction that holds the write lock from its start (SQLite:
    /// `BEGIN IMMEDIATE`, so it never fails half-way on a lock another connection took
    /// meanwhile; PostgreSQL: the store's advisory lock, waited for). Nothing is kept until
    /// [`Batch::commit`].
    ///
    /// # Errors
    /// [`StoreError`], e.g. when another SQLite connection holds the write lock longer than the
    /// busy timeout (5 s).
    pub async fn begin(&self) -> Result<Batch<'static>, StoreError> {
        let tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        self.batch(tx).await
    }

    /// A batch on `tx`, which holds the write lock once this returns.
    async fn batch<'c>(&self, mut tx: Transaction<'c, Any>) -> Result<Batch<'c>, StoreError> {
        if self.dialect == Dialect::Postgres {
            // one batch at a time, as SQLite's BEGIN IMMEDIATE: a check and the write it
            // decides (an ack kept early, a session replaced) see no other batch between them
            sqlx::query("SELECT 1 AS locked FROM pg_advisory_xact_lock($1)")
                .bind(PG_WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        Ok(Batch {
            tx,
            dialect: self.dialect,
            early_acks: self.early_acks.clone(),
        })
    }

    /// The webhook secret kept in the store, or `generate()`'s, kept from now on. The URL the
    /// server holds for each session carries it, so it has to survive restarts.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn webhook_secret(
        &self,
        generate: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        let mut batch = self.begin().await?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(WEBHOOK_SECRET_KEY)
        .bind(generate())
        .execute(&mut *batch.tx)
        .await?;
        let secret: String = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(WEBHOOK_SECRET_KEY)
            .fetch_one(&mut *batch.tx)
            .await?
            .try_get("value")?;
        batch.commit().await?;
        Ok(secret)
    }

    /// Inserts a message unless its id is already stored (then nothing changes), applies an
    /// early ack, and updates the conversation. Returns the stored message and whether it is new.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn insert_message(
        &self,
        session: &str,
        message: &Message,
    ) -> Result<(Message, bool), StoreError> {
        let mut batch = self.begin().await?;
        let inserted = batch.insert_message(session, message).await?;
        let new = inserted.is_some();
        let stored = match inserted {
            Some(stored) => stored,
            None => batch
                .message(session, &message.id)
                .await?
                .unwrap_or_else(|| message.clone()),
        };
        batch.commit().await?;
        Ok((stored, new))
    }

    /// Applies a delivery status: only forwards (read stays read). An ack for a message not
    /// stored yet is kept and applied when it arrives. Returns the message when it changed.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn apply_status(
        &self,
        session: &str,
        id: &str,
        status: MessageStatus,
    ) -> Result<Option<Message>, StoreError> {
        let mut batch = self.begin().await?;
        let changed = batch.apply_status(session, id, status).await?;
        batch.commit().await?;
        Ok(changed)
    }

    /// Replaces the local id of a pending message by the server's id once the send answered.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn confirm_sent(
        &self,
        session: &str,
        local_id: &str,
        server_id: &str,
    ) -> Result<Option<Message>, StoreError> {
        let mut batch = self.begin().await?;
        // When the server's id is already stored (an own-message webhook came first), the local
        // row goes away instead, and its client id moves to the server's row.
        move_id(&mut batch.tx, session, local_id, server_id, None).await?;
        let client_id: Option<Option<String>> = sqlx::query_scalar(
            "DELETE FROM messages WHERE session = $1 AND id = $2 RETURNING client_id",
        )
        .bind(session)
        .bind(local_id)
        .fetch_optional(&mut *batch.tx)
        .await?;
        if let Some(Some(client_id)) = client_id {
            sqlx::query(
                "UPDATE messages SET client_id = $1 WHERE session = $2 AND id = $3 AND client_id IS NULL",
            )
            .bind(client_id)
            .bind(session)
            .bind(server_id)
            .execute(&mut *batch.tx)
            .await?;
        }
        raise_status(&mut batch.tx, session, server_id, MessageStatus::Sent).await?;
        apply_early_ack(&mut batch.tx, session, server_id).await?;
        let stored = batch.message(session, server_id).await?;
        batch.commit().await?;
        Ok(stored)
    }

    /// Marks a pending message failed.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn mark_failed(
        &self,
        session: &str,
        id: &str,
    ) -> Result<Option<Message>, StoreError> {
        let mut batch = self.begin().await?;
        raise_status(&mut batch.tx, session, id, MessageStatus::Failed).await?;
        let stored = batch.message(session, id).await?;
        batch.commit().await?;
        Ok(stored)
    }

    /// The message a client sent with this [`ClientId`](wppconnect_models::domain::ClientId),
    /// whatever its id is now.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn message_by_client_id(
        &self,
        session: &str,
        client_id: &str,
    ) -> Result<Option<Message>, StoreError> {
        let row = sqlx::query("SELECT * FROM messages WHERE session = $1 AND client_id = $2")
            .bind(session)
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| message_from_row(&row)).transpose()?)
    }

    /// One message.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn message(&self, session: &str, id: &str) -> Result<Option<Message>, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        select_message(&mut conn, session, id).await
    }

    /// The newest stored message time of each of a session's conversations, as
    /// (conversation id, Unix seconds).
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn newest_per_conversation(
        &self,
        session: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT conversation_id, MAX(timestamp) AS newest FROM messages WHERE session = $1 GROUP BY conversation_id",
        )
        .bind(session)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("conversation_id")?, row.try_get("newest")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError)
    }
    /// A page of a conversation, page 1 being the newest `limit` messages.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn messages(
        &self,
        session: Option<&str>,
        conversation: &str,
        page: u32,
        limit: u32,
    ) -> Result<Page, StoreError> {
        let page = page.max(1);
        let limit = limit.clamp(1, 500);
        let offset = i64::from(page - 1) * i64::from(limit);
        // one transaction, so the page and the total see the same messages
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(
            "SELECT * FROM messages WHERE conversation_id = $1 AND ($2 IS NULL OR session = $2) \
             ORDER BY timestamp DESC, rowid DESC LIMIT $3 OFFSET $4",
        )
        .bind(conversation)
        .bind(session)
        .bind(i64::from(limit))
        .bind(offset)
        .fetch_all(&mut *tx)
        .await?;
        let mut messages = rows
            .iter()
            .map(message_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        messages.reverse();
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = $1 AND ($2 IS NULL OR session = $2)")
            .bind(conversation)
            .bind(session)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        tx.commit().await?;
        Ok(Page {
            has_more: offset + (messages.len() as i64) < total,
            messages,
            page,
            limit,
            total,
        })
    }

    /// The conversations of a session (all sessions when `None`), most recent first.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn conversations(
        &self,
        session: Option<&str>,
    ) -> Result<Vec<Conversation>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM conversations WHERE ($1 IS NULL OR session = $1) \
             ORDER BY last_message_time DESC NULLS LAST, id",
        )
        .bind(session)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Conversation {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    phone_number: row.try_get("phone_number")?,
                    is_group: row.try_get::<i64, _>("is_group")? != 0,
                    last_message: row.try_get("last_message")?,
                    last_message_time: row.try_get("last_message_time")?,
                    unread_count: row.try_get("unread_count")?,
                    participants: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Sets a conversation's unread count to 0; whether it exists.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn mark_read(
        &self,
        session: Option<&str>,
        conversation: &str,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE conversations SET unread_count = 0 WHERE id = $1 AND ($2 IS NULL OR session = $2)",
        )
        .bind(conversation)
        .bind(session)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Records a session's state; `qr_code` replaces the stored one (clear it with `None`).
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn set_session(
        &self,
        name: &str,
        status: SessionStatus,
        qr_code: Option<&str>,
    ) -> Result<Session, StoreError> {
        let mut batch = self.begin().await?;
        let session = batch.set_session(name, status, qr_code).await?;
        batch.commit().await?;
        Ok(session)
    }

    /// [`Store::set_session`], but only while the stored state is still `expected` (its status
    /// and QR code; `None`: no row yet). Returns the session as stored, or `None` when another
    /// writer changed it first (then nothing is written).
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn replace_session(
        &self,
        name: &str,
        expected: Option<&Session>,
        status: SessionStatus,
        qr_code: Option<&str>,
    ) -> Result<Option<Session>, StoreError> {
        let mut batch = self.begin().await?;
        let now = batch.session(name).await?;
        if now.as_ref().map(shown) != expected.map(shown) {
            return Ok(None); // dropped: rolled back
        }
        let session = batch.set_session(name, status, qr_code).await?;
        batch.commit().await?;
        Ok(Some(session))
    }

    /// Records the session's own phone number (digits); whether it changed. A session not
    /// stored yet is left alone.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn set_phone_number(&self, name: &str, phone: &str) -> Result<bool, StoreError> {
        let mut batch = self.begin().await?;
        let changed = batch.set_phone_number(name, phone).await?;
        batch.commit().await?;
        Ok(changed)
    }

    /// A stored session.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn session(&self, name: &str) -> Result<Option<Session>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        select_session(&mut conn, name).await
    }

    /// The names of every stored session.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn session_names(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT name FROM sessions ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get("name"))
            .collect::<Result<_, _>>()
            .map_err(StoreError)
    }
}

/// One connection kept for a writer that commits batch after batch (the webhook writer): its
/// batches skip the pool (no liveness ping, no hand-over) and find the pages they need in the
/// connection's own cache, which another connection's write would have made stale.
#[derive(Debug)]
pub struct Writer {
    store: Store,
    conn: Option<Kept>,
    /// The connection is opened for this writer, not taken from the pool.
    own: bool,
}

/// A writer's connection: one of the pool's, or its own.
#[derive(Debug)]
enum Kept {
    Pooled(PoolConnection<Any>),
    Own(AnyConnection),
}

impl std::ops::Deref for Kept {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Self::Pooled(conn) => conn,
            Self::Own(conn) => conn,
        }
    }
}

impl std::ops::DerefMut for Kept {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Pooled(conn) => conn,
            Self::Own(conn) => conn,
        }
    }
}

impl Store {
    /// A [`Writer`] on this store. It takes one of the pool's connections at its first batch and
    /// keeps it until it is dropped or [`Writer::reset`] (a database file; an in-memory one has
    /// a single connection, taken for each batch only).
    #[must_use]
    pub fn writer(&self) -> Writer {
        Writer {
            store: self.clone(),
            conn: None,
            own: false,
        }
    }

    /// A [`Writer`] on a connection of its own, opened by its first batch on the thread that
    /// runs it (outside the pool; an in-memory database still shares the pool's one). SQLite
    /// runs each connection on a thread it starts then, which takes that thread's CPU priority:
    /// the ingest journal's indexer runs below the HTTP threads this way.
    #[must_use]
    pub fn own_writer(&self) -> Writer {
        Writer {
            own: true,
            ..self.writer()
        }
    }
}

impl Writer {
    /// Starts a batch on the kept connection, as [`Store::begin`] does on any.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn begin(&mut self) -> Result<Batch<'_>, StoreError> {
        if self.store.memory {
            // the database lives in the pool's only connection: not to be kept from the others
            return self.store.begin().await;
        }
        let conn = match &mut self.conn {
            Some(conn) => conn,
            empty @ None if self.own => {
                let mut conn = self.store.pool.connect_options().connect().await?;
                if self.store.dialect == Dialect::Sqlite {
                    let pragmas = sqlite_pragmas(self.store.synchronous, false);
                    conn.execute(pragmas.as_str()).await?;
                }
                empty.insert(Kept::Own(conn))
            }
            empty @ None => empty.insert(Kept::Pooled(self.store.pool.acquire().await?)),
        };
        let tx = match self.store.dialect {
            Dialect::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => conn.begin().await?,
        };
        self.store.batch(tx).await
    }

    /// Gives the connection back (after a failure, so that the next batch starts on a fresh
    /// one).
    pub fn reset(&mut self) {
        self.conn = None;
    }
}

/// The text fields of a message (those [`has_nul`] reads), for [`without_nul`].
fn text_fields(m: &mut Message) -> impl Iterator<Item = &mut String> {
    let location = m.location.as_mut();
    let (name, address) = match location {
        Some(l) => (l.name.as_mut(), l.address.as_mut()),
        None => (None, None),
    };
    [
        Some(&mut m.id),
        Some(&mut m.conversation_id),
        Some(&mut m.sender_id),
        Some(&mut m.content),
        m.sender_name.as_mut(),
        m.client_id.as_mut(),
        m.quoted_message.as_mut(),
        m.media_url.as_mut(),
        m.mime_type.as_mut(),
        m.file_name.as_mut(),
        name,
        address,
    ]
    .into_iter()
    .flatten()
}

fn has_nul(m: &Message) -> bool {
    let location = m.location.as_ref();
    [
        Some(m.id.as_str()),
        Some(m.conversation_id.as_str()),
        Some(m.sender_id.as_str()),
        Some(m.content.as_str()),
        m.sender_name.as_deref(),
        m.client_id.as_deref(),
        m.quoted_message.as_deref(),
        m.media_url.as_deref(),
        m.mime_type.as_deref(),
        m.file_name.as_deref(),
        location.and_then(|l| l.name.as_deref()),
        location.and_then(|l| l.address.as_deref()),
    ]
    .into_iter()
    .flatten()
    .any(|text| text.contains('\0'))
}

fn without_nul(m: &Message) -> Message {
    let mut m = m.clone();
    for text in text_fields(&mut m) {
        text.retain(|c| c != '\0');
    }
    m
}

/// What a session shows: its status and QR code.
fn shown(session: &Session) -> (SessionStatus, Option<&str>) {
    (session.status, session.qr_code.as_deref())
}

/// What a run of new messages changes in one conversation.
struct ConversationUpdate<'a> {
    id: &'a str,
    name: Option<&'a str>,
    preview: &'a str,
    time: i64,
    unread: i64,
}

/// Writes that commit together: one database transaction. Dropping it without
/// [`Batch::commit`] rolls everything back.
#[derive(Debug)]
pub struct Batch<'c> {
    tx: Transaction<'c, Any>,
    dialect: Dialect,
    /// The store's "an early ack may wait" flag; batches hold the write lock, so one at a time
    /// reads and writes it.
    early_acks: Arc<AtomicBool>,
}

impl Batch<'_> {
    /// Commits every write of the batch at once.
    ///
    /// # Errors
    /// [`StoreError`]; then nothing of the batch is kept.
    pub async fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }

    /// The batch's connection, inside its transaction: for writes of other modules that must
    /// commit (or roll back) with the batch's events. Their SQL must run on both databases
    /// (see the module's documentation); [`Batch::dialect`] tells which one this is.
    pub fn connection(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Which database the batch writes to.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Inserts a message unless its id is already stored, applies an early ack and updates the
    /// conversation. Returns the message as stored when it is new, `None` when it was there.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn insert_message(
        &mut self,
        session: &str,
        message: &Message,
    ) -> Result<Option<Message>, StoreError> {
        let mut stored = self
            .insert_messages(session, std::slice::from_ref(message))
            .await?;
        Ok(stored.pop().flatten())
    }

    /// [`Batch::insert_message`] for many messages of one session, in a few statements whatever
    /// their number: for each message, in order, the message as stored when it is new, `None`
    /// when its id was stored already (or came earlier in `messages`).
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn insert_messages(
        &mut self,
        session: &str,
        messages: &[Message],
    ) -> Result<Vec<Option<Message>>, StoreError> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        // PostgreSQL's text holds no NUL character: a message carrying one is stored without
        // it rather than refused (the server would not send it again)
        let cleaned: Vec<Message>;
        let messages = if self.dialect == Dialect::Postgres && messages.iter().any(has_nul) {
            cleaned = messages.iter().map(without_nul).collect();
            &cleaned
        } else {
            messages
        };
        // One prepared statement whatever the number of rows: the rows travel as one JSON array
        // parameter, read back by json_each (no SQL text to parse per batch). Each row is a
        // tuple of borrowed fields, serialised as a JSON array with no `Value` built.
        let rows: Vec<_> = messages
            .iter()
            .map(|m| {
                (
                    &m.id,
                    &m.conversation_id,
                    &m.sender_id,
                    &m.sender_name,
                    &m.content,
                    m.message_type.as_str(),
                    m.timestamp,
                    status_name(m.status),
                    status_rank(m.status),
                    i64::from(m.is_from_me),
                    &m.quoted_message,
                    &m.media_url,
                )
            })
            .collect();
        let rows = json_text(&rows)?;
        let sql = format!(
            "INSERT INTO messages (session, id, conversation_id, sender_id, sender_name, content, \
             message_type, timestamp, status, status_rank, is_from_me, quoted_message, media_url) \
             SELECT $1, r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, \
             r.value ->> 5, CAST(r.value ->> 6 AS BIGINT), r.value ->> 7, CAST(r.value ->> 8 AS BIGINT), \
             CAST(r.value ->> 9 AS BIGINT), r.value ->> 10, r.value ->> 11 \
             FROM {} WHERE true ORDER BY r.key \
             ON CONFLICT (session, id) DO NOTHING RETURNING id",
            self.dialect.json_rows(2)
        );
        let mut inserted: HashSet<String> = sqlx::query_scalar::<_, String>(&sql)
            .bind(session)
            .bind(&rows)
            .fetch_all(&mut *self.tx)
            .await?
            .into_iter()
            .collect();
        if inserted.is_empty() {
            return Ok(vec![None; messages.len()]);
        }
        // each inserted id once, at its first place in `messages`
        let mut stored: Vec<Option<Message>> = messages
            .iter()
            .map(|m| inserted.remove(&m.id).then(|| m.clone()))
            .collect();
        if self.early_acks_possible().await? {
            let tx = &mut *self.tx;
            for message in stored.iter_mut().flatten() {
                if let Some(status) = apply_early_ack(tx, session, &message.id).await? {
                    if message.status.can_become(status) {
                        message.status = status;
                    }
                }
            }
        }
        // One row per conversation, as the upserts of its messages one after the other would
        // leave it: the first name known, the latest message (the later one on a tie), the
        // unread ones added up.
        let mut touched: Vec<ConversationUpdate<'_>> = Vec::new();
        for m in stored.iter().flatten() {
            let preview = if m.content.is_empty() {
                m.message_type.as_str()
            } else {
                m.content.as_str()
            };
            let name = (!m.is_from_me)
                .then_some(m.sender_name.as_deref())
                .flatten();
            let unread = i64::from(!m.is_from_me);
            match touched.iter_mut().find(|c| c.id == m.conversation_id) {
                Some(update) => {
                    update.name = update.name.or(name);
                    if m.timestamp >= update.time {
                        update.time = m.timestamp;
                        update.preview = preview;
                    }
                    update.unread += unread;
                }
                None => touched.push(ConversationUpdate {
                    id: &m.conversation_id,
                    name,
                    preview,
                    time: m.timestamp,
                    unread,
                }),
            }
        }
        let rows: Vec<_> = touched
            .iter()
            .map(|c| {
                (
                    c.id,
                    c.name,
                    c.id.strip_suffix("@c.us"),
                    i64::from(c.id.ends_with("@g.us")),
                    c.preview,
                    c.time,
                    c.unread,
                )
            })
            .collect();
        let rows = json_text(&rows)?;
        let sql = format!(
            "INSERT INTO conversations (session, id, name, phone_number, is_group, last_message, last_message_time, unread_count) \
             SELECT $1, r.value ->> 0, r.value ->> 1, r.value ->> 2, CAST(r.value ->> 3 AS BIGINT), r.value ->> 4, \
             CAST(r.value ->> 5 AS BIGINT), CAST(r.value ->> 6 AS BIGINT) \
             FROM {} WHERE true ORDER BY r.key \
             ON CONFLICT (session, id) DO UPDATE SET \
             name = COALESCE(conversations.name, excluded.name), \
             last_message = CASE WHEN excluded.last_message_time >= COALESCE(conversations.last_message_time, 0) THEN excluded.last_message ELSE conversations.last_message END, \
             last_message_time = CASE WHEN excluded.last_message_time > COALESCE(conversations.last_message_time, 0) \
             THEN excluded.last_message_time ELSE COALESCE(conversations.last_message_time, 0) END, \
             unread_count = conversations.unread_count + excluded.unread_count",
            self.dialect.json_rows(2)
        );
        sqlx::query(&sql)
            .bind(session)
            .bind(&rows)
            .execute(&mut *self.tx)
            .await?;
        self.store_details(session, &stored).await?;
        Ok(stored)
    }

    /// Writes what the columns of `insert_messages` leave out (the client's id, a document's
    /// file name, size and type, a location) for the new messages that have any: one statement,
    /// none for a batch of plain texts.
    async fn store_details(
        &mut self,
        session: &str,
        stored: &[Option<Message>],
    ) -> Result<(), StoreError> {
        let rows: Vec<_> = stored
            .iter()
            .flatten()
            .filter(|m| {
                m.client_id.is_some()
                    || m.mime_type.is_some()
                    || m.file_name.is_some()
                    || m.file_size.is_some()
                    || m.location.is_some()
            })
            .map(|m| {
                let location = m.location.as_ref();
                (
                    &m.id,
                    &m.client_id,
                    &m.mime_type,
                    &m.file_name,
                    m.file_size,
                    location.map(|l| l.latitude),
                    location.map(|l| l.longitude),
                    location.and_then(|l| l.name.as_deref()),
                    location.and_then(|l| l.address.as_deref()),
                )
            })
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE messages SET client_id = r.value ->> 1, mime_type = r.value ->> 2, \
             file_name = r.value ->> 3, file_size = CAST(r.value ->> 4 AS BIGINT), \
             latitude = CAST(r.value ->> 5 AS DOUBLE PRECISION), \
             longitude = CAST(r.value ->> 6 AS DOUBLE PRECISION), location_name = r.value ->> 7, \
             location_address = r.value ->> 8 \
             FROM {} WHERE messages.session = $1 AND messages.id = r.value ->> 0",
            self.dialect.json_rows(2)
        );
        sqlx::query(&sql)
            .bind(session)
            .bind(json_text(&rows)?)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Whether an early ack may wait for a message: asked of the database only while the
    /// store's flag says so, and the flag cleared when none does.
    async fn early_acks_possible(&mut self) -> Result<bool, StoreError> {
        if self.dialect == Dialect::Sqlite && !self.early_acks.load(Ordering::Acquire) {
            return Ok(false);
        }
        // asked at every batch, never remembered as "none": another instance sharing the
        // database may keep an early ack at any time (tests/instances.rs)
        let possible = sqlx::query("SELECT 1 FROM early_acks LIMIT 1")
            .fetch_optional(&mut *self.tx)
            .await?
            .is_some();
        Ok(possible)
    }

    /// Whether the message `id` is stored.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn contains(&mut self, session: &str, id: &str) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("SELECT 1 FROM messages WHERE session = $1 AND id = $2")
                .bind(session)
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?
                .is_some(),
        )
    }

    /// One message, as this batch sees it.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn message(
        &mut self,
        session: &str,
        id: &str,
    ) -> Result<Option<Message>, StoreError> {
        Ok(select_message(&mut self.tx, session, id).await?)
    }

    /// Applies a delivery status: only forwards (read stays read). An ack for a message not
    /// stored yet is kept and applied when it arrives. Returns the message when it changed.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn apply_status(
        &mut self,
        session: &str,
        id: &str,
        status: MessageStatus,
    ) -> Result<Option<Message>, StoreError> {
        let tx = &mut *self.tx;
        if raise_status(tx, session, id, status).await? {
            return Ok(select_message(tx, session, id).await?);
        }
        let exists = sqlx::query("SELECT 1 FROM messages WHERE session = $1 AND id = $2")
            .bind(session)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !exists {
            let now = wppconnect_models::Seconds::now().get();
            sqlx::query("DELETE FROM early_acks WHERE received_at < $1")
                .bind(now - EARLY_ACK_TTL_SECS)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO early_acks (session, message_id, status, status_rank, received_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (session, message_id) DO UPDATE SET status = excluded.status, status_rank = excluded.status_rank \
                 WHERE excluded.status_rank > early_acks.status_rank",
            )
            .bind(session)
            .bind(id)
            .bind(status_name(status))
            .bind(status_rank(status))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            self.early_acks.store(true, Ordering::Release);
        }
        Ok(None)
    }

    /// A send stored `failed` (the server answered an error) that the server proves it made
    /// after all: the oldest failed message of this session to the same chat, with the same text
    /// when `proof` has one (otherwise only when it is the only candidate), sent within ten
    /// minutes of it, takes the server's id and moves forward to `proof.status`. Returns its
    /// local id and the message now, or `None` when no failed send matches.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn adopt_failed_send(
        &mut self,
        session: &str,
        proof: &SentProof<'_>,
    ) -> Result<Option<(String, Message)>, StoreError> {
        if proof.status == MessageStatus::Failed {
            return Ok(None);
        }
        let tx = &mut *self.tx;
        let around = proof
            .timestamp
            .unwrap_or_else(|| wppconnect_models::Seconds::now().get());
        let rows = sqlx::query(
            "SELECT id FROM messages WHERE session = $1 AND conversation_id = $2 AND is_from_me = 1 \
             AND status = 'failed' AND ($3 IS NULL OR content = $3) AND timestamp BETWEEN $4 AND $5 \
             ORDER BY timestamp, rowid LIMIT 2",
        )
        .bind(session)
        .bind(proof.conversation_id)
        .bind(proof.content)
        .bind(around - ADOPT_WINDOW_SECS)
        .bind(around + ADOPT_WINDOW_SECS)
        .fetch_all(&mut *tx)
        .await?;
        let local_id: String = match rows.as_slice() {
            [only] => only.try_get("id")?,
            [first, _] if proof.content.is_some() => first.try_get("id")?,
            _ => return Ok(None),
        };
        let moved = move_id(tx, session, &local_id, proof.server_id, Some(proof.status)).await?;
        if !moved {
            return Ok(None); // the server's id is stored already
        }
        apply_early_ack(tx, session, proof.server_id).await?;
        Ok(select_message(tx, session, proof.server_id)
            .await?
            .map(|message| (local_id, message)))
    }

    /// Records a session's state; `qr_code` replaces the stored one (clear it with `None`).
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn set_session(
        &mut self,
        name: &str,
        status: SessionStatus,
        qr_code: Option<&str>,
    ) -> Result<Session, StoreError> {
        let connected_at =
            (status == SessionStatus::Connected).then(|| wppconnect_models::Seconds::now().get());
        sqlx::query(
            "INSERT INTO sessions (name, status, qr_code, last_connected) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET \
             status = excluded.status, qr_code = excluded.qr_code, \
             last_connected = COALESCE(excluded.last_connected, sessions.last_connected)",
        )
        .bind(name)
        .bind(session_status_name(status))
        .bind(qr_code)
        .bind(connected_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(select_session(&mut self.tx, name)
            .await?
            .unwrap_or(Session {
                name: name.to_owned(),
                status,
                qr_code: qr_code.map(str::to_owned),
                last_connected: connected_at,
                phone_number: None,
                phone_code: None,
            }))
    }

    /// Appends rows to the event log (`relay::log`), committed with the batch's other writes.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn append_events(
        &mut self,
        rows: &[super::relay::LogRow<'_>],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        // one statement for the batch's rows, in their order (the log's ids follow it): the rows
        // travel as one JSON array, as the messages do
        let array: Vec<_> = rows
            .iter()
            .map(|row| (row.session, row.kind, &row.payload, row.created_at))
            .collect();
        let sql = format!(
            "INSERT INTO event_log (session, kind, payload, created_at) \
             SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, CAST(r.value ->> 3 AS BIGINT) \
             FROM {} ORDER BY r.key",
            self.dialect.json_rows(1)
        );
        sqlx::query(&sql)
            .bind(json_text(&array)?)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Records that the journal `name` is indexed up to `position`, with the batch.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn set_journal_cursor(
        &mut self,
        name: &str,
        position: u64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO journal_cursor (name, position) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET position = CASE \
             WHEN excluded.position > journal_cursor.position THEN excluded.position \
             ELSE journal_cursor.position END",
        )
        .bind(name)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records the session's own phone number (digits); whether it changed. A session not
    /// stored yet is left alone.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn set_phone_number(&mut self, name: &str, phone: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE sessions SET phone_number = $1 WHERE name = $2 AND phone_number IS DISTINCT FROM $1",
        )
        .bind(phone)
        .bind(name)
        .execute(&mut *self.tx)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    /// A stored session, as this batch sees it.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn session(&mut self, name: &str) -> Result<Option<Session>, StoreError> {
        select_session(&mut self.tx, name).await
    }
}

/// Gives the message `local_id` the id `server_id` (and `status`, when given), unless a message
/// with that id is stored already; whether it moved.
async fn move_id(
    conn: &mut AnyConnection,
    session: &str,
    local_id: &str,
    server_id: &str,
    status: Option<MessageStatus>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE messages SET id = $1, status = COALESCE($2, status), \
         status_rank = COALESCE($3, status_rank) WHERE session = $4 AND id = $5 \
         AND NOT EXISTS (SELECT 1 FROM messages AS taken WHERE taken.session = $4 AND taken.id = $1)",
    )
    .bind(server_id)
    .bind(status.map(status_name))
    .bind(status.map(status_rank))
    .bind(session)
    .bind(local_id)
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

async fn select_message(
    conn: &mut AnyConnection,
    session: &str,
    id: &str,
) -> Result<Option<Message>, sqlx::Error> {
    sqlx::query("SELECT * FROM messages WHERE session = $1 AND id = $2")
        .bind(session)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| message_from_row(&row))
        .transpose()
}

async fn select_session(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Option<Session>, StoreError> {
    let row = sqlx::query("SELECT * FROM sessions WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| {
        Ok(Session {
            name: row.try_get("name")?,
            status: parse_session_status(&row.try_get::<String, _>("status")?),
            qr_code: row.try_get("qr_code")?,
            last_connected: row.try_get("last_connected")?,
            phone_number: row.try_get("phone_number")?,
            phone_code: None,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| StoreError(e))
}

/// Applies (and forgets) an ack that arrived before the message `id` was stored; the status it
/// carried, if any.
async fn apply_early_ack(
    conn: &mut AnyConnection,
    session: &str,
    id: &str,
) -> Result<Option<MessageStatus>, sqlx::Error> {
    let early = sqlx::query(
        "DELETE FROM early_acks WHERE session = $1 AND message_id = $2 RETURNING status",
    )
    .bind(session)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = early else {
        return Ok(None);
    };
    let status = parse_status(&row.try_get::<String, _>("status")?);
    raise_status(conn, session, id, status).await?;
    Ok(Some(status))
}

async fn raise_status(
    conn: &mut AnyConnection,
    session: &str,
    id: &str,
    status: MessageStatus,
) -> Result<bool, sqlx::Error> {
    let result = if status == MessageStatus::Failed {
        sqlx::query("UPDATE messages SET status = 'failed', status_rank = -1 WHERE session = $1 AND id = $2 AND status = 'pending'")
            .bind(session)
            .bind(id)
            .execute(&mut *conn)
            .await?
    } else {
        sqlx::query(
            "UPDATE messages SET status = $1, status_rank = $2 WHERE session = $3 AND id = $4 AND status_rank < $2 AND status != 'failed'",
        )
        .bind(status_name(status))
        .bind(status_rank(status))
        .bind(session)
        .bind(id)
        .execute(&mut *conn)
        .await?
    };
    Ok(result.rows_affected() == 1)
}
