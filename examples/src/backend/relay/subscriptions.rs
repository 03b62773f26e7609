//! Outgoing webhooks for CRMs: per-session subscriptions to chosen event kinds, each matching
//! log row POSTed as JSON, signed with HMAC-SHA256, and retried with backoff from the store
//! until the receiver answers 2xx.
//!
//! - `POST /api/sessions/{name}/subscriptions` `{"url", "events": ["new-message", …]}` → 201
//!   with the subscription and its `secret`, shown this once;
//! - `GET /api/sessions/{name}/subscriptions`: the session's subscriptions (no secret), with
//!   their state (`active`, or `dead` after too many failures in a row), failures and pending
//!   deliveries;
//! - `DELETE /api/sessions/{name}/subscriptions/{id}`: 204;
//! - `POST /api/sessions/{name}/subscriptions/{id}/resume`: a dead one tries again.
//!
//! Each delivery carries `X-Wpp-Event` (the kind), `X-Wpp-Delivery` (the log row's id: the same
//! on every retry, for dedupe), `X-Wpp-Timestamp` (Unix seconds of this try) and
//! `X-Wpp-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::task::JoinHandle;

use crate::backend::auth::{random_secret, AuthUser};
use crate::backend::error::{ApiError, ApiJson};
use crate::backend::input;
use crate::backend::store::{Store, StoreError};
use crate::backend::AppState;

/// The event kinds a subscription can choose.
pub const KINDS: [&str; 3] = ["new-message", "status-update", "session-status"];
/// Log rows copied into a subscription's deliveries per round, at most.
const ENQUEUE: i64 = 1000;
/// Deliveries tried per round, at most.
const ROUND: i64 = 200;
/// The longest a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest URL accepted.
const MAX_URL: usize = 2048;
/// The longest wait between two tries of a subscription.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// How deliveries are retried.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// The wait after a failure, doubled after each further one in a row (at most 10 min).
    pub backoff: Duration,
    /// Failures in a row after which a subscription is dead: reported, no longer tried, until
    /// it is resumed.
    pub max_failures: i64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            backoff: Duration::from_secs(5),
            max_failures: 20,
        }
    }
}

/// `sha256=<hex>`: the HMAC-SHA256, keyed by the subscription's secret, of
/// `"<timestamp>.<body>"` — the `X-Wpp-Signature` of a delivery.
#[must_use]
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length: this never fails
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The subscription routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sessions/{name}/subscriptions", get(list).post(create))
        .route("/api/sessions/{name}/subscriptions/{id}", delete(remove))
        .route(
            "/api/sessions/{name}/subscriptions/{id}/resume",
            post(resume),
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSubscription {
    url: String,
    #[serde(default)]
    events: Option<Vec<String>>,
}

/// An `http`/`https` URL with a host, not too long.
fn target_url(url: &str) -> Result<String, ApiError> {
    let url = url.trim();
    if url.len() > MAX_URL {
        return Err(ApiError::BadRequest(format!(
            "the url is longer than {MAX_URL} characters"
        )));
    }
    let parsed = url::Url::parse(url)
        .map_err(|error| ApiError::BadRequest(format!("the url is not a valid URL: {error}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ApiError::BadRequest(
            "the url must start with http:// or https://".to_owned(),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(ApiError::BadRequest("the url has no host".to_owned()));
    }
    Ok(parsed.to_string())
}

/// The kinds chosen: known ones, each once, at least one; none given: all of them.
fn chosen_kinds(events: Option<&[String]>) -> Result<Vec<&'static str>, ApiError> {
    let Some(events) = events else {
        return Ok(KINDS.to_vec());
    };
    let mut chosen = Vec::new();
    for event in events {
        let kind = KINDS
            .iter()
            .find(|k| **k == event.as_str())
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "unknown event `{}`; one of {}",
                    input::shorten(event, 40),
                    KINDS.join(", ")
                ))
            })?;
        if !chosen.contains(kind) {
            chosen.push(*kind);
        }
    }
    if chosen.is_empty() {
        return Err(ApiError::BadRequest(
            "events must name at least one event".to_owned(),
        ));
    }
    Ok(chosen)
}

async fn create(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<NewSubscription>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let session = input::session_name(&name)?;
    let url = target_url(&body.url)?;
    let kinds = chosen_kinds(body.events.as_deref())?;
    let id = format!("sub_{}", random_secret(16));
    let secret = format!("whsec_{}", random_secret(40));
    let created_at = super::now_ms();
    // from now on: the events already logged are not sent to a new subscriber
    let position = super::log::newest(&state.store).await?;
    sqlx::query(
        "INSERT INTO relay_subscriptions (id, session, url, kinds, secret, position, failures, dead, next_try_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, $7)",
    )
    .bind(&id)
    .bind(session.as_str())
    .bind(&url)
    .bind(format!(",{},", kinds.join(",")))
    .bind(&secret)
    .bind(position)
    .bind(created_at)
    .execute(state.store.pool())
    .await
    .map_err(StoreError::from)?;
    tracing::info!(session = %session, subscription = %id, events = ?kinds, "webhook subscription created");
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": id,
            "session": session.as_str(),
            "url": url,
            "events": kinds,
            "secret": secret,
            "status": "active",
            "createdAt": created_at,
        })),
    ))
}

async fn list(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let session = input::session_name(&name)?;
    let rows = sqlx::query(
        "SELECT s.id, s.url, s.kinds, s.failures, s.dead, s.last_error, s.created_at, \
         (SELECT COUNT(*) FROM relay_deliveries d WHERE d.subscription_id = s.id AND d.delivered_at IS NULL) AS pending, \
         (SELECT COUNT(*) FROM relay_deliveries d WHERE d.subscription_id = s.id AND d.delivered_at IS NOT NULL) AS delivered \
         FROM relay_subscriptions s WHERE s.session = $1 ORDER BY s.created_at, s.id",
    )
    .bind(session.as_str())
    .fetch_all(state.store.pool())
    .await
    .map_err(StoreError::from)?;
    let mut listed = Vec::with_capacity(rows.len());
    for row in &rows {
        listed.push(listed_row(row, session.as_str()).map_err(StoreError::from)?);
    }
    Ok(Json(listed))
}

fn listed_row<R>(row: &R, session: &str) -> Result<Value, sqlx::Error>
where
    R: sqlx::Row,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
{
    let kinds: String = row.try_get("kinds")?;
    let dead: i64 = row.try_get("dead")?;
    Ok(json!({
        "id": row.try_get::<String, _>("id")?,
        "session": session,
        "url": row.try_get::<String, _>("url")?,
        "events": kinds.split(',').filter(|k| !k.is_empty()).collect::<Vec<_>>(),
        "status": if dead == 0 { "active" } else { "dead" },
        "failures": row.try_get::<i64, _>("failures")?,
        "lastError": row.try_get::<Option<String>, _>("last_error")?,
        "pending": row.try_get::<i64, _>("pending")?,
        "delivered": row.try_get::<i64, _>("delivered")?,
        "createdAt": row.try_get::<i64, _>("created_at")?,
    }))
}

async fn remove(
    State(state): State<AppState>,
    _user: AuthUser,
    Path((name, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let session = input::session_name(&name)?;
    let mut tx = state.store.pool().begin().await.map_err(StoreError::from)?;
    let deleted = sqlx::query("DELETE FROM relay_subscriptions WHERE session = $1 AND id = $2")
        .bind(session.as_str())
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?
        .rows_affected();
    if deleted == 0 {
        return Err(ApiError::NotFound(format!(
            "session {session} has no subscription {}",
            input::shorten(&id, 40)
        )));
    }
    sqlx::query("DELETE FROM relay_deliveries WHERE subscription_id = $1")
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(session = %session, subscription = %id, "webhook subscription deleted");
    Ok(StatusCode::NO_CONTENT)
}

async fn resume(
    State(state): State<AppState>,
    _user: AuthUser,
    Path((name, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let session = input::session_name(&name)?;
    let resumed = sqlx::query(
        "UPDATE relay_subscriptions SET dead = 0, failures = 0, next_try_at = 0 WHERE session = $1 AND id = $2",
    )
    .bind(session.as_str())
    .bind(&id)
    .execute(state.store.pool())
    .await
    .map_err(StoreError::from)?
    .rows_affected();
    if resumed == 0 {
        return Err(ApiError::NotFound(format!(
            "session {session} has no subscription {}",
            input::shorten(&id, 40)
        )));
    }
    sqlx::query("UPDATE relay_deliveries SET next_try_at = 0 WHERE subscription_id = $1 AND delivered_at IS NULL")
        .bind(&id)
        .execute(state.store.pool())
        .await
        .map_err(StoreError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delivers for the life of the process: copies new log rows into each live subscription's
/// deliveries, then tries the due ones.
pub(crate) fn spawn(store: Store, settings: WebhookSettings, poll: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let http = match reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("wppconnect-backend-webhooks")
            .build()
        {
            Ok(http) => http,
            Err(error) => {
                tracing::error!(%error, "outgoing webhooks are off: no HTTP client");
                return;
            }
        };
        loop {
            let busy = match round(&store, &http, &settings).await {
                Ok(tried) => tried > 0,
                Err(error) => {
                    tracing::warn!(%error, "outgoing webhooks: a round failed; trying again");
                    false
                }
            };
            if !busy {
                tokio::time::sleep(poll).await;
            }
        }
    })
}

/// One due delivery.
struct Due {
    subscription: String,
    url: String,
    secret: String,
    attempts: i64,
    failures: i64,
    entry: super::LogEntry,
}

/// Copies new log rows into the deliveries, then tries the due ones, each subscription's in id
/// order and stopping at its first failure. How many were tried.
async fn round(
    store: &Store,
    http: &reqwest::Client,
    settings: &WebhookSettings,
) -> Result<usize, StoreError> {
    enqueue(store).await?;
    let now = super::now_ms();
    let rows = sqlx::query(
        "SELECT d.subscription_id, d.attempts, s.url, s.secret, s.failures, \
         e.id, e.session, e.kind, e.payload, e.created_at \
         FROM relay_deliveries d \
         JOIN relay_subscriptions s ON s.id = d.subscription_id \
         JOIN event_log e ON e.id = d.event_id \
         WHERE d.delivered_at IS NULL AND s.dead = 0 AND s.next_try_at <= $1 AND d.next_try_at <= $1 \
         ORDER BY d.subscription_id, d.event_id LIMIT $2",
    )
    .bind(now)
    .bind(ROUND)
    .fetch_all(store.pool())
    .await?;
    let mut due: BTreeMap<String, Vec<Due>> = BTreeMap::new();
    for row in &rows {
        let item = due_row(row)?;
        due.entry(item.subscription.clone()).or_default().push(item);
    }
    let tried = rows.len();
    let deliveries = due.into_values().map(|items| async move {
        for item in items {
            if !deliver(store, http, settings, &item).await? {
                break; // the rest waits for the subscription's backoff
            }
        }
        Ok::<_, StoreError>(())
    });
    for outcome in futures::future::join_all(deliveries).await {
        outcome?;
    }
    Ok(tried)
}

fn due_row<R>(row: &R) -> Result<Due, sqlx::Error>
where
    R: sqlx::Row,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
{
    Ok(Due {
        subscription: row.try_get("subscription_id")?,
        url: row.try_get("url")?,
        secret: row.try_get("secret")?,
        attempts: row.try_get("attempts")?,
        failures: row.try_get("failures")?,
        entry: super::LogEntry::from_row(row)?,
    })
}

/// Copies the log rows each live subscription wants into its deliveries, and moves its
/// position past them, in one transaction.
async fn enqueue(store: &Store) -> Result<(), StoreError> {
    let newest = super::log::newest(store).await?;
    let behind = sqlx::query(
        "SELECT id, session, kinds, position FROM relay_subscriptions WHERE dead = 0 AND position < $1",
    )
    .bind(newest)
    .fetch_all(store.pool())
    .await?;
    for row in &behind {
        let id: String = sqlx::Row::try_get(row, "id")?;
        let session: String = sqlx::Row::try_get(row, "session")?;
        let kinds: String = sqlx::Row::try_get(row, "kinds")?;
        let position: i64 = sqlx::Row::try_get(row, "position")?;
        // up to the first hole in the ids that may still fill (see `log::settled`)
        let rows = super::log::after(store, position, ENQUEUE).await?;
        let settled = super::log::settled(position, &rows, super::now_ms());
        let Some(newest) = settled
            .checked_sub(1)
            .and_then(|last| rows.get(last))
            .map(|row| row.id)
        else {
            continue;
        };
        let mut tx = store.pool().begin().await?;
        // the write first: the transaction takes the write lock before it reads anything
        let moved = sqlx::query(
            "UPDATE relay_subscriptions SET position = $1 WHERE id = $2 AND position = $3",
        )
        .bind(newest)
        .bind(&id)
        .bind(position)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            continue; // another instance took it: rolled back
        }
        sqlx::query(
            "INSERT INTO relay_deliveries (subscription_id, event_id, attempts, next_try_at) \
             SELECT $1, e.id, 0, 0 FROM event_log e \
             WHERE e.session = $2 AND e.id > $3 AND e.id <= $4 AND $5 LIKE ('%,' || e.kind || ',%') \
             ON CONFLICT (subscription_id, event_id) DO NOTHING",
        )
        .bind(&id)
        .bind(&session)
        .bind(position)
        .bind(newest)
        .bind(&kinds)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Why a try failed, as shown in the list (never the secret, never the body).
fn failure_text(outcome: &Result<reqwest::StatusCode, reqwest::Error>) -> String {
    match outcome {
        Ok(status) => format!("the receiver answered {status}"),
        Err(error) if error.is_timeout() => "the receiver did not answer in time".to_owned(),
        Err(error) if error.is_connect() => "the receiver could not be reached".to_owned(),
        Err(_) => "the request failed".to_owned(),
    }
}

/// One try; whether it was delivered. Records the outcome.
async fn deliver(
    store: &Store,
    http: &reqwest::Client,
    settings: &WebhookSettings,
    item: &Due,
) -> Result<bool, StoreError> {
    let body = item.entry.body().to_string();
    let timestamp = super::now_ms() / 1000;
    let signature = sign(&item.secret, timestamp, body.as_bytes());
    let outcome = http
        .post(&item.url)
        .header("content-type", "application/json")
        .header("x-wpp-event", &item.entry.kind)
        .header("x-wpp-delivery", item.entry.id.to_string())
        .header("x-wpp-timestamp", timestamp.to_string())
        .header("x-wpp-signature", signature)
        .body(body)
        .send()
        .await
        .map(|response| response.status());
    let now = super::now_ms();
    let status = outcome
        .as_ref()
        .ok()
        .map(|status| i64::from(status.as_u16()));
    if outcome.as_ref().is_ok_and(reqwest::StatusCode::is_success) {
        sqlx::query(
            "UPDATE relay_deliveries SET attempts = attempts + 1, last_status = $1, delivered_at = $2 \
             WHERE subscription_id = $3 AND event_id = $4",
        )
        .bind(status)
        .bind(now)
        .bind(&item.subscription)
        .bind(item.entry.id)
        .execute(store.pool())
        .await?;
        metrics::counter!("backend_relay_webhook_deliveries_total", "outcome" => "delivered")
            .increment(1);
        if item.failures > 0 {
            sqlx::query(
                "UPDATE relay_subscriptions SET failures = 0, last_error = NULL, next_try_at = 0 WHERE id = $1",
            )
            .bind(&item.subscription)
            .execute(store.pool())
            .await?;
        }
        return Ok(true);
    }
    let failures = item.failures + 1;
    let attempts = item.attempts + 1;
    let wait = |n: i64| {
        let wait = super::backoff(
            settings.backoff,
            u32::try_from(n).unwrap_or(u32::MAX),
            MAX_BACKOFF,
        );
        now + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)
    };
    let dead = failures >= settings.max_failures;
    let reason = failure_text(&outcome);
    sqlx::query(
        "UPDATE relay_deliveries SET attempts = $1, last_status = $2, next_try_at = $3 \
         WHERE subscription_id = $4 AND event_id = $5",
    )
    .bind(attempts)
    .bind(status)
    .bind(wait(attempts))
    .bind(&item.subscription)
    .bind(item.entry.id)
    .execute(store.pool())
    .await?;
    sqlx::query(
        "UPDATE relay_subscriptions SET failures = $1, dead = $2, next_try_at = $3, last_error = $4 WHERE id = $5",
    )
    .bind(failures)
    .bind(i64::from(dead))
    .bind(wait(failures))
    .bind(&reason)
    .bind(&item.subscription)
    .execute(store.pool())
    .await?;
    let outcome = if dead { "dead" } else { "failed" };
    metrics::counter!("backend_relay_webhook_deliveries_total", "outcome" => outcome).increment(1);
    if dead {
        tracing::error!(subscription = %item.subscription, session = %item.entry.session, failures, reason, "outgoing webhook: the subscription is dead after too many failures in a row; resume it with POST …/subscriptions/{{id}}/resume");
    } else {
        tracing::warn!(subscription = %item.subscription, session = %item.entry.session, delivery = item.entry.id, attempts, failures, reason, "outgoing webhook not delivered; retrying with backoff");
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_timestamp_dot_body() {
        // the HMAC of "<timestamp>.<body>", hex, behind "sha256="
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
        mac.update(b"1795525512.{\"id\":1}");
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(sign("key", 1_795_525_512, b"{\"id\":1}"), expected);
        // and the crate's HMAC-SHA256 is the published one (key "key", the quick brown fox)
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
        mac.update(b"The quick brown fox jumps over the lazy dog");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
        assert_ne!(
            sign("key", 1, b"x"),
            sign("key", 2, b"x"),
            "the time is signed"
        );
        assert_ne!(
            sign("key", 1, b"x"),
            sign("key", 1, b"y"),
            "the body is signed"
        );
        assert_ne!(
            sign("key", 1, b"x"),
            sign("other", 1, b"x"),
            "the secret keys it"
        );
    }

    #[test]
    fn urls_and_events_are_checked() {
        assert!(target_url("https://crm.example.com/hooks?x=1").is_ok());
        assert!(target_url("http://127.0.0.1:9000/in").is_ok());
        for bad in ["ftp://x/y", "not a url", "javascript:alert(1)", "http://"] {
            assert!(target_url(bad).is_err(), "{bad}");
        }
        assert!(target_url(&format!("https://x.io/{}", "a".repeat(3000))).is_err());
        assert_eq!(chosen_kinds(None).unwrap(), KINDS);
        let some = ["status-update".to_owned(), "status-update".to_owned()];
        assert_eq!(chosen_kinds(Some(&some)).unwrap(), ["status-update"]);
        assert!(chosen_kinds(Some(&["nope".to_owned()])).is_err());
        assert!(chosen_kinds(Some(&[])).is_err());
    }
}
