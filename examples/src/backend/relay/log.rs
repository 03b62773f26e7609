//! The event log: one row per stored event, in the writer's transaction (see
//! [`Batch::append_events`](crate::backend::store::Batch::append_events)), read in id order by
//! the sinks.

use serde_json::Value;

use crate::backend::events::Push;
use crate::backend::store::{Store, StoreError};

/// A row to append: what the browsers are pushed, kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow<'a> {
    /// The session.
    pub session: &'a str,
    /// The push's event name: `new-message`, `status-update` or `session-status`.
    pub kind: &'static str,
    /// The push's [envelope](Push::envelope), `{"session", "data"}`, as JSON text.
    pub payload: String,
    /// When it was stored, epoch milliseconds.
    pub created_at: i64,
}

/// The log rows of what a batch pushes, in push order.
pub fn rows<'a>(pushes: impl IntoIterator<Item = (&'a str, &'a Push)>) -> Vec<LogRow<'a>> {
    let now = super::now_ms();
    pushes
        .into_iter()
        .map(|(session, push)| LogRow {
            session,
            kind: push.event(),
            payload: push.envelope_text(session),
            created_at: now,
        })
        .collect()
}

/// A row of the log, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Monotonic id: the dedupe key every sink forwards.
    pub id: i64,
    /// The session.
    pub session: String,
    /// `new-message`, `status-update` or `session-status`.
    pub kind: String,
    /// `{"session", "data"}` as JSON text.
    pub payload: String,
    /// Epoch milliseconds.
    pub created_at: i64,
}

impl LogEntry {
    /// What a sink sends: the envelope with the row's `id`, its `event` (kind) and
    /// `createdAt`: `{"id", "event", "session", "createdAt", "data"}`.
    #[must_use]
    pub fn body(&self) -> Value {
        let mut body = serde_json::from_str::<Value>(&self.payload)
            .ok()
            .filter(Value::is_object)
            .unwrap_or_else(|| serde_json::json!({"session": self.session, "data": null}));
        if let Some(object) = body.as_object_mut() {
            object.insert("id".to_owned(), self.id.into());
            object.insert("event".to_owned(), self.kind.clone().into());
            object.insert("createdAt".to_owned(), self.created_at.into());
        }
        body
    }

    pub(super) fn from_row<R>(row: &R) -> Result<Self, sqlx::Error>
    where
        R: sqlx::Row,
        for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> &'r str: sqlx::ColumnIndex<R>,
    {
        Ok(Self {
            id: row.try_get("id")?,
            session: row.try_get("session")?,
            kind: row.try_get("kind")?,
            payload: row.try_get("payload")?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// How long a hole in the ids may stay open before the rows after it are forwarded anyway.
///
/// On SQLite ids commit in order (one writer at a time, no id lost to a rollback): never a hole.
/// On PostgreSQL several writers (instances) take ids from one sequence and may commit out of
/// order, and a rolled-back id never comes: a sink that moved its cursor past an id not yet
/// committed would skip it, so it waits for the hole to fill, and past this grace takes the
/// hole for a rollback.
pub const HOLE_GRACE_MS: i64 = 30_000;

/// How many of `rows` (read after `after`, in id order) a sink may forward now: the run of
/// consecutive ids, continued past a hole only once the row after it is older than
/// [`HOLE_GRACE_MS`].
#[must_use]
pub fn settled(after: i64, rows: &[LogEntry], now_ms: i64) -> usize {
    let mut expected = after + 1;
    for (taken, row) in rows.iter().enumerate() {
        if row.id != expected && now_ms - row.created_at < HOLE_GRACE_MS {
            return taken;
        }
        expected = row.id + 1;
    }
    rows.len()
}

/// Up to `limit` rows after `after`, oldest first.
///
/// # Errors
/// [`StoreError`].
pub async fn after(store: &Store, after: i64, limit: i64) -> Result<Vec<LogEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, session, kind, payload, created_at FROM event_log WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .iter()
        .map(LogEntry::from_row)
        .collect::<Result<_, _>>()?)
}

/// The newest row's id (0 when the log is empty).
///
/// # Errors
/// [`StoreError`].
pub async fn newest(store: &Store) -> Result<i64, StoreError> {
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM event_log")
        .fetch_one(store.pool())
        .await?;
    Ok(newest.unwrap_or(0))
}

/// Deletes, every `min(retention, 1 min)` (at least `poll`), the log rows older than
/// `retention` that every sink is done with: below the NATS cursor (`nats_sink`, when NATS is
/// configured), below every live subscription's position, and with no delivery pending; and the
/// delivered deliveries older than `retention`. A dead subscription does not hold the log.
pub(crate) fn spawn_pruner(
    store: Store,
    retention: std::time::Duration,
    nats_sink: Option<String>,
    poll: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    let every = retention.min(std::time::Duration::from_secs(60)).max(poll);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            match prune(&store, retention, nats_sink.as_deref()).await {
                Ok(0) => {}
                Ok(deleted) => tracing::debug!(deleted, "event log: old rows pruned"),
                Err(error) => tracing::warn!(%error, "event log: pruning failed; trying later"),
            }
        }
    })
}

async fn prune(
    store: &Store,
    retention: std::time::Duration,
    nats_sink: Option<&str>,
) -> Result<u64, StoreError> {
    let before = super::now_ms() - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    let mut floor = i64::MAX;
    if let Some(sink) = nats_sink {
        floor = floor.min(super::nats::cursor(store, sink).await?);
    }
    let subscriptions: Option<i64> =
        sqlx::query_scalar("SELECT MIN(position) FROM relay_subscriptions WHERE dead = 0")
            .fetch_one(store.pool())
            .await?;
    if let Some(position) = subscriptions {
        floor = floor.min(position);
    }
    let deleted = sqlx::query(
        "DELETE FROM event_log WHERE created_at < $1 AND id <= $2 AND NOT EXISTS \
         (SELECT 1 FROM relay_deliveries d WHERE d.event_id = event_log.id AND d.delivered_at IS NULL)",
    )
    .bind(before)
    .bind(floor)
    .execute(store.pool())
    .await?
    .rows_affected();
    sqlx::query(
        "DELETE FROM relay_deliveries WHERE delivered_at IS NOT NULL AND delivered_at < $1",
    )
    .bind(before)
    .execute(store.pool())
    .await?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, created_at: i64) -> LogEntry {
        LogEntry {
            id,
            session: "main".to_owned(),
            kind: "new-message".to_owned(),
            payload: "{}".to_owned(),
            created_at,
        }
    }

    #[test]
    fn a_hole_in_the_ids_holds_the_rows_after_it_until_its_grace_ends() {
        let now = 1_000_000;
        let rows = [entry(5, now), entry(6, now), entry(8, now), entry(9, now)];
        assert_eq!(settled(4, &rows, now), 2, "7 may still commit");
        assert_eq!(settled(3, &rows, now), 0, "4 may still commit");
        let old = [entry(5, now), entry(7, now - HOLE_GRACE_MS), entry(8, now)];
        assert_eq!(settled(4, &old, now), 3, "6 was rolled back");
        assert_eq!(settled(4, &[], now), 0);
    }
}
