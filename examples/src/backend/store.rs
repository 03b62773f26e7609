//! The message store: SQLite through sqlx, migrations included.
//!
//! Writes are idempotent (a repeated webhook writes nothing twice), an ack that arrives before
//! its message is kept and applied when the message is stored, and a status never goes
//! backwards (read stays read).

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::Row;
use wppconnect_models::domain::{Conversation, Message, MessageStatus, Session, SessionStatus};
use wppconnect_models::MessageType;

/// How long an ack waits for its message before it is forgotten.
const EARLY_ACK_TTL_SECS: i64 = 24 * 60 * 60;

/// A database failure.
#[derive(Debug, thiserror::Error)]
#[error("database error")]
pub struct StoreError(#[from] sqlx::Error);

/// The store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

fn status_name(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Pending => "pending",
        MessageStatus::Sent => "sent",
        MessageStatus::Delivered => "delivered",
        MessageStatus::Read => "read",
        MessageStatus::Failed => "failed",
    }
}

fn status_rank(status: MessageStatus) -> i64 {
    match status {
        MessageStatus::Failed => -1,
        MessageStatus::Pending => 0,
        MessageStatus::Sent => 1,
        MessageStatus::Delivered => 2,
        MessageStatus::Read => 3,
    }
}

fn parse_status(name: &str) -> MessageStatus {
    match name {
        "sent" => MessageStatus::Sent,
        "delivered" => MessageStatus::Delivered,
        "read" => MessageStatus::Read,
        "failed" => MessageStatus::Failed,
        _ => MessageStatus::Pending,
    }
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

fn message_from_row(row: &SqliteRow) -> Result<Message, sqlx::Error> {
    Ok(Message {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        sender_id: row.try_get("sender_id")?,
        sender_name: row.try_get("sender_name")?,
        content: row.try_get("content")?,
        message_type: MessageType::from(row.try_get::<String, _>("message_type")?),
        timestamp: row.try_get("timestamp")?,
        status: parse_status(&row.try_get::<String, _>("status")?),
        is_from_me: row.try_get("is_from_me")?,
        quoted_message: row.try_get("quoted_message")?,
        media_url: row.try_get("media_url")?,
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

impl Store {
    /// Opens (creating when missing) the database at `url` (`sqlite://file.db`,
    /// `sqlite::memory:`) and runs the migrations.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be opened or migrated.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
        let memory = url.contains(":memory:");
        let pool = SqlitePoolOptions::new()
            // an in-memory database lives in one connection
            .max_connections(if memory { 1 } else { 5 })
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(sqlx::Error::from)?;
        Ok(Self { pool })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
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
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO messages (session, id, conversation_id, sender_id, sender_name, content, message_type, \
             timestamp, status, status_rank, is_from_me, quoted_message, media_url) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        )
        .bind(session)
        .bind(&message.id)
        .bind(&message.conversation_id)
        .bind(&message.sender_id)
        .bind(&message.sender_name)
        .bind(&message.content)
        .bind(message.message_type.as_str())
        .bind(message.timestamp)
        .bind(status_name(message.status))
        .bind(status_rank(message.status))
        .bind(message.is_from_me)
        .bind(&message.quoted_message)
        .bind(&message.media_url)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            Self::apply_early_ack(&mut tx, session, &message.id).await?;
            let unread = i64::from(!message.is_from_me);
            let preview = if message.content.is_empty() {
                message.message_type.as_str().to_owned()
            } else {
                message.content.clone()
            };
            let phone = message
                .conversation_id
                .strip_suffix("@c.us")
                .map(str::to_owned);
            let name = if message.is_from_me {
                None
            } else {
                message.sender_name.clone()
            };
            sqlx::query(
                "INSERT INTO conversations (session, id, name, phone_number, is_group, last_message, last_message_time, unread_count) \
                 VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (session, id) DO UPDATE SET \
                 name = COALESCE(conversations.name, excluded.name), \
                 last_message = CASE WHEN excluded.last_message_time >= COALESCE(conversations.last_message_time, 0) THEN excluded.last_message ELSE conversations.last_message END, \
                 last_message_time = MAX(COALESCE(conversations.last_message_time, 0), excluded.last_message_time), \
                 unread_count = conversations.unread_count + excluded.unread_count",
            )
            .bind(session)
            .bind(&message.conversation_id)
            .bind(name)
            .bind(phone)
            .bind(message.conversation_id.ends_with("@g.us"))
            .bind(preview)
            .bind(message.timestamp)
            .bind(unread)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        let stored = self
            .message(session, &message.id)
            .await?
            .unwrap_or_else(|| message.clone());
        Ok((stored, inserted))
    }

    /// Applies (and forgets) an ack that arrived before the message `id` was stored.
    async fn apply_early_ack(
        tx: &mut sqlx::SqliteConnection,
        session: &str,
        id: &str,
    ) -> Result<(), sqlx::Error> {
        let early =
            sqlx::query("SELECT status FROM early_acks WHERE session = ? AND message_id = ?")
                .bind(session)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(row) = early {
            let status = parse_status(&row.try_get::<String, _>("status")?);
            Self::raise_status(&mut *tx, session, id, status).await?;
            sqlx::query("DELETE FROM early_acks WHERE session = ? AND message_id = ?")
                .bind(session)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }

    async fn raise_status(
        tx: &mut sqlx::SqliteConnection,
        session: &str,
        id: &str,
        status: MessageStatus,
    ) -> Result<bool, sqlx::Error> {
        let result = if status == MessageStatus::Failed {
            sqlx::query("UPDATE messages SET status = 'failed', status_rank = -1 WHERE session = ? AND id = ? AND status = 'pending'")
                .bind(session)
                .bind(id)
                .execute(&mut *tx)
                .await?
        } else {
            sqlx::query(
                "UPDATE messages SET status = ?, status_rank = ? WHERE session = ? AND id = ? AND status_rank < ? AND status != 'failed'",
            )
            .bind(status_name(status))
            .bind(status_rank(status))
            .bind(session)
            .bind(id)
            .bind(status_rank(status))
            .execute(&mut *tx)
            .await?
        };
        Ok(result.rows_affected() == 1)
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
        let mut conn = self.pool.acquire().await?;
        let changed = Self::raise_status(&mut conn, session, id, status).await?;
        if changed {
            drop(conn); // an in-memory database has a single connection
            return Ok(self.message(session, id).await?);
        }
        let exists = sqlx::query("SELECT 1 FROM messages WHERE session = ? AND id = ?")
            .bind(session)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
        if !exists {
            let now = wppconnect_models::Seconds::now().get();
            sqlx::query("DELETE FROM early_acks WHERE received_at < ?")
                .bind(now - EARLY_ACK_TTL_SECS)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO early_acks (session, message_id, status, status_rank, received_at) VALUES (?,?,?,?,?) \
                 ON CONFLICT (session, message_id) DO UPDATE SET status = excluded.status, status_rank = excluded.status_rank \
                 WHERE excluded.status_rank > early_acks.status_rank",
            )
            .bind(session)
            .bind(id)
            .bind(status_name(status))
            .bind(status_rank(status))
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Ok(None)
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
        let mut tx = self.pool.begin().await?;
        // When the server's id is already stored (an own-message webhook came first), the local
        // row goes away instead.
        sqlx::query("UPDATE OR IGNORE messages SET id = ? WHERE session = ? AND id = ?")
            .bind(server_id)
            .bind(session)
            .bind(local_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM messages WHERE session = ? AND id = ?")
            .bind(session)
            .bind(local_id)
            .execute(&mut *tx)
            .await?;
        Self::raise_status(&mut tx, session, server_id, MessageStatus::Sent).await?;
        Self::apply_early_ack(&mut tx, session, server_id).await?;
        tx.commit().await?;
        Ok(self.message(session, server_id).await?)
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
        let mut conn = self.pool.acquire().await?;
        Self::raise_status(&mut conn, session, id, MessageStatus::Failed).await?;
        drop(conn); // an in-memory database has a single connection
        Ok(self.message(session, id).await?)
    }

    /// One message.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn message(&self, session: &str, id: &str) -> Result<Option<Message>, sqlx::Error> {
        sqlx::query("SELECT * FROM messages WHERE session = ? AND id = ?")
            .bind(session)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| message_from_row(&row))
            .transpose()
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
            "SELECT * FROM messages WHERE conversation_id = ? AND (? IS NULL OR session = ?) \
             ORDER BY timestamp DESC, rowid DESC LIMIT ? OFFSET ?",
        )
        .bind(conversation)
        .bind(session)
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
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND (? IS NULL OR session = ?)")
            .bind(conversation)
            .bind(session)
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
            "SELECT * FROM conversations WHERE (? IS NULL OR session = ?) ORDER BY last_message_time DESC, id",
        )
        .bind(session)
        .bind(session)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Conversation {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    phone_number: row.try_get("phone_number")?,
                    is_group: row.try_get("is_group")?,
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
            "UPDATE conversations SET unread_count = 0 WHERE id = ? AND (? IS NULL OR session = ?)",
        )
        .bind(conversation)
        .bind(session)
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
        let connected_at =
            (status == SessionStatus::Connected).then(|| wppconnect_models::Seconds::now().get());
        sqlx::query(
            "INSERT INTO sessions (name, status, qr_code, last_connected) VALUES (?,?,?,?) ON CONFLICT (name) DO UPDATE SET \
             status = excluded.status, qr_code = excluded.qr_code, \
             last_connected = COALESCE(excluded.last_connected, sessions.last_connected)",
        )
        .bind(name)
        .bind(session_status_name(status))
        .bind(qr_code)
        .bind(connected_at)
        .execute(&self.pool)
        .await?;
        Ok(self.session(name).await?.unwrap_or(Session {
            name: name.to_owned(),
            status,
            qr_code: qr_code.map(str::to_owned),
            last_connected: connected_at,
            phone_number: None,
        }))
    }

    /// Records the session's own phone number (digits); whether it changed. A session not
    /// stored yet is left alone.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn set_phone_number(&self, name: &str, phone: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE sessions SET phone_number = ? WHERE name = ? AND phone_number IS NOT ?",
        )
        .bind(phone)
        .bind(name)
        .bind(phone)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    /// A stored session.
    ///
    /// # Errors
    /// [`StoreError`].
    pub async fn session(&self, name: &str) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query("SELECT * FROM sessions WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(Session {
                name: row.try_get("name")?,
                status: parse_session_status(&row.try_get::<String, _>("status")?),
                qr_code: row.try_get("qr_code")?,
                last_connected: row.try_get("last_connected")?,
                phone_number: row.try_get("phone_number")?,
            })
        })
        .transpose()
        .map_err(|e: sqlx::Error| StoreError(e))
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
