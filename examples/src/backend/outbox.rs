//! The durable outbox: every send is committed first (its pending message and an outbox row,
//! one transaction), then delivered by a worker, one session at a time with a pause between two
//! sends of a session (`SEND_PACE`).
//!
//! A send is never made twice. A row is `queued` until a worker takes it: the row becomes
//! `sending` (committed) *before* the server is called. Its outcome is then `sent` (the server's
//! id), `failed` (the server refused it with a 4xx, or it could not be built), or `unknown`
//! (a 5xx, a timeout, a connection lost after the request went out): an unknown send is never
//! sent again; its message is stored `failed`, and moves forward if the server later proves it
//! sent it (an ack or its own copy of the message, see
//! [`Batch::adopt_failed_send`](super::store::Batch::adopt_failed_send)). After a crash, the rows
//! left `sending` are `unknown` the same way ([`recover`]); only `queued` rows, never handed to
//! the server, are delivered after a restart. A send that certainly never reached the server
//! (connection refused) goes back to `queued` and is tried again later.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use tokio::sync::Notify;
use tokio::time::Instant;
use wppconnect_client::File;
use wppconnect_models::domain::{self, MessageStatus};
use wppconnect_models::message::SendMessage;

use super::campaigns;
use super::events::Push;
use super::input;
use super::store::{Batch, Store, StoreError};
use super::{ApiError, AppState};

/// The default pause between two sends of one session.
pub const DEFAULT_PACE: Duration = Duration::from_millis(250);
/// Why a send handed to the server without a clear answer is not sent again.
pub const UNKNOWN_OUTCOME: &str = "unknown outcome: not resent";
/// How often the worker looks for queued rows when nothing woke it.
const POLL: Duration = Duration::from_secs(1);
/// The longest wait before a send the server never received is tried again.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The outbox's shared state: its pace, the worker's wake-up and the sessions being delivered.
#[derive(Debug)]
pub struct Outbox {
    pace: Duration,
    wake: Notify,
    /// Sessions a delivery task runs for.
    running: Mutex<HashSet<String>>,
    /// When each session last handed a send to the server.
    last_send: Mutex<HashMap<String, Instant>>,
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new(DEFAULT_PACE)
    }
}

impl Outbox {
    /// An outbox that waits at least `pace` between two sends of one session.
    #[must_use]
    pub fn new(pace: Duration) -> Self {
        Self {
            pace,
            wake: Notify::new(),
            running: Mutex::default(),
            last_send: Mutex::default(),
        }
    }

    /// The pause between two sends of one session.
    #[must_use]
    pub fn pace(&self) -> Duration {
        self.pace
    }

    /// Tells the worker that rows were committed.
    pub(super) fn wake(&self) {
        self.wake.notify_one();
    }
}

/// What the worker sends, kept in the row's `body` as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(super) enum Payload {
    /// A `send-message` body.
    Text {
        /// The body.
        body: SendMessage,
    },
    /// A file for `send-file`, its bytes in base64.
    #[serde(rename_all = "camelCase")]
    File {
        /// The caption.
        caption: Option<String>,
        /// The file's name.
        file_name: String,
        /// Its MIME type.
        mime: String,
        /// Its bytes, base64.
        base64: String,
    },
}

impl Payload {
    fn kind(&self) -> &'static str {
        match self {
            Self::Text { .. } => "text",
            Self::File { .. } => "file",
        }
    }
}

/// Adds, inside `batch`, a pending message and its outbox row. Returns `false` (and writes
/// nothing) when a message with this id (its client id) is stored already.
///
/// # Errors
/// [`StoreError`]; a unique violation when a concurrent request stored the same client id.
pub(super) async fn enqueue(
    batch: &mut Batch<'_>,
    session: &str,
    phone: &str,
    message: &domain::Message,
    payload: &Payload,
    campaign: Option<i64>,
) -> Result<bool, StoreError> {
    if batch.insert_message(session, message).await?.is_none() {
        return Ok(false);
    }
    insert_row(batch, session, phone, message, payload, campaign).await?;
    Ok(true)
}

/// The outbox row of a message just inserted in `batch`.
pub(super) async fn insert_row(
    batch: &mut Batch<'_>,
    session: &str,
    phone: &str,
    message: &domain::Message,
    payload: &Payload,
    campaign: Option<i64>,
) -> Result<(), StoreError> {
    insert_rows(batch, session, &[(phone, message, payload)], campaign).await
}

/// Rows per `INSERT` of [`insert_rows`]: 8 parameters each, well under SQLite's and
/// PostgreSQL's limits.
const ROWS_PER_INSERT: usize = 250;

/// The outbox rows of messages just inserted in `batch`, as (phone, message, payload), in
/// order: a few statements whatever their number.
pub(super) async fn insert_rows(
    batch: &mut Batch<'_>,
    session: &str,
    rows: &[(&str, &domain::Message, &Payload)],
    campaign: Option<i64>,
) -> Result<(), StoreError> {
    let now = now_ms();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO outbox (session, client_id, kind, phone, body, state, campaign_id, created_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let p = i * 7;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, 'queued', ${}, ${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6,
                p + 7
            ));
        }
        let mut query = sqlx::query(&sql);
        for (phone, message, payload) in chunk {
            let client_id = message.client_id.as_deref().unwrap_or(&message.id);
            let body =
                serde_json::to_string(payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            query = query
                .bind(session)
                .bind(client_id)
                .bind(payload.kind())
                .bind(*phone)
                .bind(body)
                .bind(campaign)
                .bind(now);
        }
        query.execute(batch.connection()).await?;
    }
    Ok(())
}

/// Milliseconds since the Unix epoch.
pub(super) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// After a start, before anything is delivered: every row left `sending` by a crash becomes
/// `unknown` ([`UNKNOWN_OUTCOME`]) and its pending message `failed`, so that the server's proof
/// (an ack, its own copy, fetched by the start-up catch-up) can still adopt it. Returns how many.
///
/// # Errors
/// [`StoreError`].
pub async fn recover(store: &Store) -> Result<usize, StoreError> {
    let mut batch = store.begin().await?;
    let rows = sqlx::query(
        "UPDATE outbox SET state = 'unknown', reason = $1, done_at = $2 WHERE state = 'sending' \
         RETURNING session, client_id",
    )
    .bind(UNKNOWN_OUTCOME)
    .bind(now_ms())
    .fetch_all(batch.connection())
    .await?;
    for row in &rows {
        let session: String = row.try_get("session")?;
        let client_id: String = row.try_get("client_id")?;
        fail_message(&mut batch, &session, &client_id).await?;
    }
    batch.commit().await?;
    if !rows.is_empty() {
        tracing::warn!(
            count = rows.len(),
            "outbox: sends interrupted by a stop are marked `{UNKNOWN_OUTCOME}`"
        );
    }
    Ok(rows.len())
}

/// Marks the pending message of `client_id` failed, inside `batch`; the message now, if any.
async fn fail_message(
    batch: &mut Batch<'_>,
    session: &str,
    client_id: &str,
) -> Result<Option<domain::Message>, StoreError> {
    let id: Option<String> =
        sqlx::query("SELECT id FROM messages WHERE session = $1 AND client_id = $2")
            .bind(session)
            .bind(client_id)
            .fetch_optional(batch.connection())
            .await?
            .map(|row| row.try_get("id"))
            .transpose()?;
    let Some(id) = id else {
        return Ok(None);
    };
    batch
        .apply_status(session, &id, MessageStatus::Failed)
        .await?;
    batch.message(session, &id).await
}

/// Rows waiting (`queued`) or being handed over (`sending`), for `/metrics`.
///
/// # Errors
/// [`StoreError`].
pub(super) async fn depth(store: &Store) -> Result<i64, StoreError> {
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'queued' OR state = 'sending'")
            .fetch_one(store.pool())
            .await?;
    Ok(row.try_get("n")?)
}

/// Sets the `backend_outbox_depth` gauge from the store.
pub(super) async fn count_depth(state: &AppState) {
    if let Ok(depth) = depth(&state.store).await {
        metrics::gauge!("backend_outbox_depth").set(depth as f64);
    }
}

/// Starts the worker: it looks for sessions with queued rows whenever a send is committed (and
/// every second), and runs one delivery task per such session.
pub(super) fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match queued_sessions(&state.store).await {
                Ok(sessions) => {
                    for session in sessions {
                        let new = lock(&state.outbox.running).insert(session.clone());
                        if new {
                            tokio::spawn(deliver_session(state.clone(), session));
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "outbox: cannot read the queue"),
            }
            tokio::select! {
                () = state.outbox.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    })
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn queued_sessions(store: &Store) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query("SELECT DISTINCT session FROM outbox WHERE state = 'queued'")
        .fetch_all(store.pool())
        .await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get("session"))
        .collect::<Result<_, _>>()?)
}

/// A row taken by a worker.
struct Claimed {
    id: i64,
    client_id: String,
    phone: String,
    body: String,
    campaign: Option<i64>,
}

/// Takes the oldest queued row of `session`: `sending`, committed before anything is sent.
async fn claim(store: &Store, session: &str) -> Result<Option<Claimed>, StoreError> {
    // `state = 'queued'` twice: on PostgreSQL a concurrent instance that took the row first
    // makes this update match nothing, instead of taking it a second time
    let row = sqlx::query(
        "UPDATE outbox SET state = 'sending', sending_at = $1 WHERE state = 'queued' AND id = \
         (SELECT id FROM outbox WHERE session = $2 AND state = 'queued' ORDER BY id LIMIT 1) \
         RETURNING id, client_id, phone, body, campaign_id",
    )
    .bind(now_ms())
    .bind(session)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Claimed {
        id: row.try_get("id")?,
        client_id: row.try_get("client_id")?,
        phone: row.try_get("phone")?,
        body: row.try_get("body")?,
        campaign: row.try_get("campaign_id")?,
    }))
}

/// How a send ended.
enum Outcome {
    /// The server answered with the message (its id, when it gave one).
    Sent(Option<String>),
    /// Refused (4xx) or impossible: never sent.
    Failed(String),
    /// Handed over without a clear answer: never sent again.
    Unknown(String),
    /// Certainly never reached the server: back to the queue.
    NotSent(String),
}

/// Delivers the queued rows of one session, oldest first, one at a time, with the pace between
/// two; ends when none is left.
async fn deliver_session(state: AppState, session: String) {
    let mut backoff = Duration::from_secs(1);
    let mut emptied = false;
    loop {
        let last = lock(&state.outbox.last_send).get(&session).copied();
        if let Some(last) = last {
            tokio::time::sleep_until(last + state.outbox.pace).await;
        }
        let row = match claim(&state.store, &session).await {
            Ok(Some(row)) => row,
            Ok(None) => {
                emptied = true;
                break;
            }
            Err(error) => {
                // the dispatcher's next poll (a second away) tries again
                tracing::warn!(session, %error, "outbox: cannot take a row");
                break;
            }
        };
        lock(&state.outbox.last_send).insert(session.clone(), Instant::now());
        let outcome = deliver(&state, &session, &row).await;
        if let Outcome::NotSent(reason) = &outcome {
            tracing::warn!(session, reason, retry_in = ?backoff, "outbox: the server was not reached; the send stays queued");
            if let Err(error) = requeue(&state.store, row.id).await {
                tracing::warn!(session, %error, "outbox: cannot queue a send again");
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
            continue;
        }
        backoff = Duration::from_secs(1);
        if let Err(error) = record(&state, &session, &row, outcome).await {
            // the row stays `sending`: the next start marks it unknown, never sends it again
            tracing::warn!(session, %error, "outbox: cannot record a send's outcome");
        }
    }
    lock(&state.outbox.running).remove(&session);
    if emptied {
        // a send committed after the last claim found nothing was skipped by the dispatcher
        // while this task still ran: have it look again now rather than at its next poll
        state.outbox.wake();
    }
}

/// Calls the server once.
async fn deliver(state: &AppState, session: &str, row: &Claimed) -> Outcome {
    let payload: Payload = match serde_json::from_str(&row.body) {
        Ok(payload) => payload,
        Err(error) => return Outcome::Failed(format!("unreadable outbox row: {error}")),
    };
    let client = match state.client_for(session).await {
        Ok(client) => client,
        Err(ApiError::UnknownServer { server, .. }) => {
            return Outcome::Failed(format!(
                "the session's server {server} is not configured (WPPCONNECT_SERVERS)"
            ))
        }
        // the store could not say where the session lives: nothing went out, try again later
        Err(_) => return Outcome::NotSent("the session's server could not be looked up".into()),
    };
    let handle = match client.session(session) {
        Ok(handle) => handle,
        Err(error) => {
            return Outcome::Failed(input::shorten(&super::redact(&error.to_string()), 300))
        }
    };
    let result = match payload {
        Payload::Text { body } => handle
            .send_message_body(&body)
            .await
            .map(|sent| sent.first().map(|m| m.id.as_str().to_owned())),
        Payload::File {
            caption,
            file_name,
            mime,
            base64,
        } => {
            let bytes = match base64::engine::general_purpose::STANDARD.decode(base64) {
                Ok(bytes) => bytes,
                Err(error) => return Outcome::Failed(format!("unreadable outbox file: {error}")),
            };
            let mut request = handle
                .send_file(row.phone.as_str(), File::bytes(bytes, mime))
                .filename(file_name);
            if let Some(caption) = caption {
                request = request.caption(caption);
            }
            request
                .await
                .map(|receipts| receipts.first().map(|r| r.id.as_str().to_owned()))
        }
    };
    match result {
        Ok(id) => Outcome::Sent(id),
        Err(error) => {
            let reason = input::shorten(&super::redact(&error.to_string()), 300);
            if matches!(
                error,
                wppconnect_client::Error::Transport { not_sent: true, .. }
            ) {
                Outcome::NotSent(reason)
            } else if error.is_not_sent() || error.status().is_some_and(|s| s.is_client_error()) {
                Outcome::Failed(reason)
            } else {
                Outcome::Unknown(format!("{UNKNOWN_OUTCOME} ({reason})"))
            }
        }
    }
}

async fn requeue(store: &Store, id: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET state = 'queued', sending_at = NULL WHERE id = $1 AND state = 'sending'",
    )
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Stores a send's outcome (the message, then its row) and pushes it.
async fn record(
    state: &AppState,
    session: &str,
    row: &Claimed,
    outcome: Outcome,
) -> Result<(), StoreError> {
    let message = match outcome {
        Outcome::Sent(server_id) => {
            let message = match &server_id {
                Some(server_id) => {
                    state
                        .store
                        .confirm_sent(session, &row.client_id, server_id)
                        .await?
                }
                // an answer without an id: the message stays under its client id
                None => {
                    state
                        .store
                        .apply_status(session, &row.client_id, MessageStatus::Sent)
                        .await?
                }
            };
            let mut batch = state.store.begin().await?;
            finish(&mut batch, row.id, "sent", None, server_id.as_deref()).await?;
            log_status(&mut batch, session, message.as_ref()).await?;
            batch.commit().await?;
            message
        }
        Outcome::Failed(reason) | Outcome::NotSent(reason) => {
            give_up(state, session, row, "failed", &reason).await?
        }
        Outcome::Unknown(reason) => give_up(state, session, row, "unknown", &reason).await?,
    };
    if let Some(message) = message {
        state.realtime.push(session, &Push::status_of(&message));
    }
    if let Some(campaign) = row.campaign {
        match campaigns::progress(&state.store, campaign).await {
            Ok(Some(progress)) => state
                .realtime
                .push(session, &Push::CampaignProgress(Box::new(progress))),
            Ok(None) => {}
            Err(error) => tracing::warn!(campaign, %error, "outbox: cannot count a campaign"),
        }
    }
    Ok(())
}

/// Appends the send's new status to the event log (the relays' copy of the push), in `batch`.
async fn log_status(
    batch: &mut Batch<'_>,
    session: &str,
    message: Option<&domain::Message>,
) -> Result<(), StoreError> {
    match message {
        Some(message) => {
            let push = Push::status_of(message);
            batch
                .append_events(&super::relay::log::rows([(session, &push)]))
                .await
        }
        None => Ok(()),
    }
}

/// A send that ended without the server's message (`failed` or `unknown`): its message is stored
/// `failed` and its row says why, in one transaction.
async fn give_up(
    state: &AppState,
    session: &str,
    row: &Claimed,
    name: &str,
    reason: &str,
) -> Result<Option<domain::Message>, StoreError> {
    let mut batch = state.store.begin().await?;
    let message = fail_message(&mut batch, session, &row.client_id).await?;
    finish(&mut batch, row.id, name, Some(reason), None).await?;
    log_status(&mut batch, session, message.as_ref()).await?;
    batch.commit().await?;
    tracing::warn!(
        session,
        client_id = row.client_id,
        state = name,
        reason,
        "outbox: a send did not go through"
    );
    Ok(message)
}

async fn finish(
    batch: &mut Batch<'_>,
    id: i64,
    state: &str,
    reason: Option<&str>,
    message_id: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox SET state = $1, reason = $2, message_id = $3, done_at = $4 WHERE id = $5",
    )
    .bind(state)
    .bind(reason)
    .bind(message_id)
    .bind(now_ms())
    .bind(id)
    .execute(batch.connection())
    .await?;
    Ok(())
}

/// An [`Entry`] from a row with its columns (whatever the database's row type).
macro_rules! entry {
    ($row:expr) => {
        (|| -> Result<Entry, sqlx::Error> {
            Ok(Entry {
                client_id: $row.try_get("client_id")?,
                phone: $row.try_get("phone")?,
                state: $row.try_get("state")?,
                reason: $row.try_get("reason")?,
                message_id: $row.try_get("message_id")?,
            })
        })()
    };
}

/// One outbox row as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The client id of the message.
    pub client_id: String,
    /// The recipient's number.
    pub phone: String,
    /// `queued`, `sending`, `sent`, `failed` or `unknown`.
    pub state: String,
    /// Why it failed or is unknown.
    pub reason: Option<String>,
    /// The server's id once sent.
    pub message_id: Option<String>,
}

/// The outbox row of the send with this client id.
///
/// # Errors
/// [`StoreError`].
pub(super) async fn entry(
    store: &Store,
    session: &str,
    client_id: &str,
) -> Result<Option<Entry>, StoreError> {
    let row = sqlx::query(
        "SELECT client_id, phone, state, reason, message_id FROM outbox WHERE session = $1 AND client_id = $2",
    )
    .bind(session)
    .bind(client_id)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.map(|row| entry!(row)).transpose()?)
}

/// The rows of a campaign, in order.
///
/// # Errors
/// [`StoreError`].
pub(super) async fn campaign_rows(store: &Store, campaign: i64) -> Result<Vec<Entry>, StoreError> {
    let rows = sqlx::query(
        "SELECT client_id, phone, state, reason, message_id FROM outbox WHERE campaign_id = $1 ORDER BY id",
    )
    .bind(campaign)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| entry!(row))
        .collect::<Result<_, sqlx::Error>>()?)
}
