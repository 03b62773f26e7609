//! The NATS JetStream publisher: each log row, in id order, to the subject
//! `<prefix>.<session>.<kind>` of a stream it creates when missing, with the header
//! `Nats-Msg-Id: <row id>` (JetStream drops a duplicate within its window), and the stream's
//! acknowledgement awaited before the sink's cursor moves past it. NATS down: retried with
//! backoff, logged; nothing is skipped.

use std::fmt;
use std::time::Duration;

use async_nats::jetstream::{self, context::Publish};
use tokio::task::JoinHandle;

use crate::backend::redact::register_secret;
use crate::backend::store::{Store, StoreError};

/// Rows published per round (their acknowledgements awaited together).
const BATCH: i64 = 256;
/// The first wait after a failure; doubled up to [`MAX_BACKOFF`].
const BACKOFF: Duration = Duration::from_millis(500);
/// The longest wait between two tries.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Where and how to publish.
#[derive(Clone)]
pub struct NatsSettings {
    /// `nats://host:4222` (credentials in it are never logged).
    pub url: String,
    /// The subjects' prefix (`wpp.events` → `wpp.events.<session>.<kind>`).
    pub subject_prefix: String,
    /// The JetStream stream, created with the subjects `<prefix>.>` when missing.
    pub stream: String,
}

impl fmt::Debug for NatsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NatsSettings")
            .field("url", &shown_url(&self.url))
            .field("subject_prefix", &self.subject_prefix)
            .field("stream", &self.stream)
            .finish()
    }
}

/// The URL without its user and password.
fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => "<not a URL>".to_owned(),
    }
}

impl NatsSettings {
    /// The sink's name in `relay_cursors`.
    #[must_use]
    pub fn sink(&self) -> String {
        format!("nats:{}", self.stream)
    }

    /// The subject of one log row.
    #[must_use]
    pub fn subject(&self, session: &str, kind: &str) -> String {
        format!("{}.{session}.{kind}", self.subject_prefix)
    }
}

/// Why a round failed.
#[derive(Debug, thiserror::Error)]
enum PublishFailure {
    #[error("NATS: {0}")]
    Nats(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn nats_error(error: impl fmt::Display) -> PublishFailure {
    PublishFailure::Nats(error.to_string())
}

/// Publishes the log to NATS for the life of the process.
pub(crate) fn spawn(store: Store, settings: NatsSettings, poll: Duration) -> JoinHandle<()> {
    // a password, or a token (`nats://TOKEN@host`), in the URL is cut out of anything logged;
    // a user name is not a secret (and cutting it would garble the logs that contain the word)
    if let Ok(url) = url::Url::parse(&settings.url) {
        match url.password() {
            Some(password) => register_secret(password),
            None if !url.username().is_empty() => register_secret(url.username()),
            None => {}
        }
    }
    tokio::spawn(async move {
        let mut failures = 0u32;
        loop {
            let Err(error) = publish(&store, &settings, poll, &mut failures).await;
            failures = failures.saturating_add(1);
            let wait = super::backoff(BACKOFF, failures, MAX_BACKOFF);
            tracing::warn!(%error, failures, retry_in = ?wait, url = %shown_url(&settings.url), "NATS relay: not published; retrying (nothing is skipped)");
            tokio::time::sleep(wait).await;
        }
    })
}

/// Connects, makes sure the stream exists, then publishes row after row until something fails.
async fn publish(
    store: &Store,
    settings: &NatsSettings,
    poll: Duration,
    failures: &mut u32,
) -> Result<std::convert::Infallible, PublishFailure> {
    let client = async_nats::ConnectOptions::new()
        .connection_timeout(Duration::from_secs(10))
        .connect(settings.url.as_str())
        .await
        .map_err(nats_error)?;
    let js = jetstream::new(client);
    js.get_or_create_stream(jetstream::stream::Config {
        name: settings.stream.clone(),
        subjects: vec![format!("{}.>", settings.subject_prefix)],
        ..Default::default()
    })
    .await
    .map_err(nats_error)?;
    let sink = settings.sink();
    let mut position = cursor(store, &sink).await?;
    tracing::info!(stream = %settings.stream, position, "NATS relay: publishing the event log");
    loop {
        let mut rows = super::log::after(store, position, BATCH).await?;
        rows.truncate(super::log::settled(position, &rows, super::now_ms()));
        let Some(last) = rows.last().map(|row| row.id) else {
            tokio::time::sleep(poll).await;
            continue;
        };
        let mut acks = Vec::with_capacity(rows.len());
        for row in &rows {
            let publish = Publish::build()
                .payload(row.body().to_string().into())
                .message_id(row.id.to_string());
            let ack = js
                .send_publish(settings.subject(&row.session, &row.kind), publish)
                .await
                .map_err(nats_error)?;
            acks.push(ack);
        }
        // every row acknowledged by the stream before the cursor moves: a failure publishes
        // the whole round again, and the stream drops the copies it already has (Nats-Msg-Id)
        for ack in acks {
            ack.await.map_err(nats_error)?;
        }
        save_cursor(store, &sink, last).await?;
        metrics::counter!("backend_relay_nats_published_total").increment(rows.len() as u64);
        position = last;
        *failures = 0;
    }
}

/// How far `sink` has forwarded the log (0: nothing yet).
///
/// # Errors
/// [`StoreError`].
pub async fn cursor(store: &Store, sink: &str) -> Result<i64, StoreError> {
    let position: Option<i64> =
        sqlx::query_scalar("SELECT position FROM relay_cursors WHERE sink = $1")
            .bind(sink)
            .fetch_optional(store.pool())
            .await?;
    Ok(position.unwrap_or(0))
}

/// Records that `sink` has forwarded every row up to `position` (never moves back).
async fn save_cursor(store: &Store, sink: &str, position: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO relay_cursors (sink, position, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (sink) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at \
         WHERE excluded.position > relay_cursors.position",
    )
    .bind(sink)
    .bind(position)
    .bind(super::now_ms())
    .execute(store.pool())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_url_stay_out_of_debug() {
        let settings = NatsSettings {
            url: "nats://relay:hunter2-pass@127.0.0.1:4222".to_owned(),
            subject_prefix: "wpp.events".to_owned(),
            stream: "WPP".to_owned(),
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2-pass"), "{shown}");
        assert!(!shown.contains("relay:"), "{shown}");
        assert!(shown.contains("127.0.0.1:4222"), "{shown}");
        assert_eq!(
            settings.subject("main", "new-message"),
            "wpp.events.main.new-message"
        );
    }
}
