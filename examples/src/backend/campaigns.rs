//! Bulk sends: `POST /api/campaigns` queues one text to many recipients through the
//! [`outbox`] (checked first, then committed in one transaction), and
//! `GET /api/campaigns/{id}` shows its progress; each finished send pushes a
//! `campaign-progress`.

use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use wppconnect_models::domain;

use super::error::{ApiError, ApiJson};
use super::events::Push;
use super::input;
use super::messages;
use super::outbox::{self, Payload};
use super::roles::Caller;
use super::store::{Store, StoreError};
use super::AppState;

/// The most recipients one campaign may have.
pub const MAX_RECIPIENTS: usize = 10_000;

/// The campaign routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/campaigns", post(create))
        .route("/api/campaigns/{id}", get(show))
}

/// The body of `POST /api/campaigns`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CampaignRequest {
    /// The session that sends (`sessionName` is read too).
    #[serde(alias = "sessionName")]
    session: String,
    /// Phone numbers, as people type them.
    recipients: Vec<String>,
    /// The text each recipient gets.
    text: String,
}

/// A campaign's progress: how many of its sends are in each state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// The campaign.
    pub id: i64,
    /// The session that sends it.
    pub session: String,
    /// Its recipients.
    pub total: i64,
    /// Waiting for their turn.
    pub queued: i64,
    /// Handed to the server, no answer yet.
    pub sending: i64,
    /// Sent.
    pub sent: i64,
    /// Refused by the server, not sent.
    pub failed: i64,
    /// Handed to the server without a clear answer (a 5xx, a timeout, a crash): not sent again.
    pub unknown: i64,
    /// Whether every send ended.
    pub done: bool,
}

/// A campaign's progress, `None` when there is no such campaign.
///
/// # Errors
/// [`StoreError`].
pub(super) async fn progress(store: &Store, id: i64) -> Result<Option<Progress>, StoreError> {
    let campaign = sqlx::query("SELECT session, total FROM campaigns WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    let Some(campaign) = campaign else {
        return Ok(None);
    };
    let mut progress = Progress {
        id,
        session: campaign.try_get("session")?,
        total: campaign.try_get("total")?,
        queued: 0,
        sending: 0,
        sent: 0,
        failed: 0,
        unknown: 0,
        done: false,
    };
    let counts = sqlx::query(
        "SELECT state, COUNT(*) AS n FROM outbox WHERE campaign_id = $1 GROUP BY state",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    for row in &counts {
        let n: i64 = row.try_get("n")?;
        match row.try_get::<String, _>("state")?.as_str() {
            "queued" => progress.queued = n,
            "sending" => progress.sending = n,
            "sent" => progress.sent = n,
            "failed" => progress.failed = n,
            _ => progress.unknown += n,
        }
    }
    progress.done = progress.queued == 0 && progress.sending == 0;
    Ok(Some(progress))
}

/// `POST /api/campaigns`: every recipient checked (a bad one refuses the whole campaign, and
/// nothing is stored), repeated numbers sent to once; then the campaign, its pending messages
/// and their outbox rows commit together. Answered 202 with the progress.
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<CampaignRequest>,
) -> Result<(StatusCode, Json<Progress>), ApiError> {
    let name = input::session_name(&request.session)?;
    caller.check_send(name.as_str())?;
    let text = input::text(&request.text)?.to_owned();
    if request.recipients.is_empty() {
        return Err(ApiError::BadRequest(
            "the campaign has no recipients".to_owned(),
        ));
    }
    if request.recipients.len() > MAX_RECIPIENTS {
        return Err(ApiError::BadRequest(format!(
            "a campaign has at most {MAX_RECIPIENTS} recipients"
        )));
    }
    let mut phones = Vec::with_capacity(request.recipients.len());
    let mut seen = HashSet::new();
    for (i, typed) in request.recipients.iter().enumerate() {
        let phone = input::phone(typed).map_err(|error| match error {
            ApiError::BadRequest(reason) => ApiError::BadRequest(format!(
                "recipient {i} ({}): {reason}",
                input::shorten(typed, 40)
            )),
            other => other,
        })?;
        if seen.insert(phone.digits().to_owned()) {
            phones.push(phone);
        }
    }
    let session = state
        .client_for(name.as_str())
        .await?
        .session(name.as_str())?;
    let now = wppconnect_models::Seconds::now().get();
    let mut queued = Vec::with_capacity(phones.len());
    for phone in &phones {
        let body = session
            .send_message(phone.digits(), text.clone())
            .into_body()?;
        let client_id = format!("campaign-{}", super::auth::random_secret(24));
        let message = messages::pending_text(&client_id, phone, text.clone(), now);
        queued.push((phone.digits().to_owned(), message, Payload::Text { body }));
    }
    let total = i64::try_from(queued.len()).unwrap_or(i64::MAX);
    let mut batch = state.store.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO campaigns (session, text, total, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name.as_str())
    .bind(&text)
    .bind(total)
    .bind(outbox::now_ms())
    .fetch_one(batch.connection())
    .await
    .map_err(StoreError::from)?
    .try_get("id")
    .map_err(StoreError::from)?;
    let messages: Vec<domain::Message> = queued.iter().map(|(_, m, _)| m.clone()).collect();
    let inserted = batch.insert_messages(name.as_str(), &messages).await?;
    if inserted.iter().any(Option::is_none) {
        // a random client id met a stored one: nothing is kept
        return Err(ApiError::Unavailable(
            "could not queue the campaign; try again",
        ));
    }
    let rows: Vec<(&str, &domain::Message, &Payload)> = queued
        .iter()
        .map(|(phone, message, payload)| (phone.as_str(), message, payload))
        .collect();
    outbox::insert_rows(&mut batch, name.as_str(), &rows, Some(id)).await?;
    batch.commit().await?;
    tracing::info!(campaign = id, session = %name, recipients = total, "campaign queued");
    for stored in inserted.into_iter().flatten() {
        state
            .realtime
            .push(name.as_str(), &Push::new_message(stored));
    }
    state.outbox.wake();
    let progress = progress(&state.store, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no campaign {id}")))?;
    state.realtime.push(
        name.as_str(),
        &Push::CampaignProgress(Box::new(progress.clone())),
    );
    Ok((StatusCode::ACCEPTED, Json(progress)))
}

/// What `GET /api/campaigns/{id}` answers: the progress and each recipient's row.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CampaignView {
    #[serde(flatten)]
    progress: Progress,
    /// Each recipient's send, in order.
    recipients: Vec<outbox::Entry>,
}

/// `GET /api/campaigns/{id}`.
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::BadRequest("a campaign id is a number".to_owned()))?;
    let progress = progress(&state.store, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no campaign {id}")))?;
    caller.check_read(&progress.session)?;
    let recipients = outbox::campaign_rows(&state.store, id).await?;
    Ok(Json(CampaignView {
        progress,
        recipients,
    }))
}
