//! Conversations: `GET /api/conversations`, `GET /api/conversations/{id}/messages` (pages of
//! history, or with `around=<message id>` the page that holds that message) and
//! `POST /api/conversations/{id}/read`.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::Row;
use wppconnect_models::domain;
use wppconnect_models::SessionName;

use super::error::{ApiError, ApiQuery};
use super::input;
use super::redact::redact;
use super::roles::Caller;
use super::store::{Page, StoreError};
use super::AppState;

/// The conversation routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/conversations", get(conversations))
        .route("/api/conversations/{id}/messages", get(messages))
        .route("/api/conversations/{id}/read", post(mark_read))
}

#[derive(Deserialize)]
struct ConversationQuery {
    session: Option<String>,
}

async fn conversations(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ConversationQuery>,
) -> Result<Json<Vec<domain::Conversation>>, ApiError> {
    let session = input::optional_session(query.session.as_deref())?;
    if let (None, Some(granted)) = (&session, caller.granted()) {
        // without a session, a non-admin's list is theirs: each granted session's, merged
        let mut list = Vec::new();
        for name in granted {
            list.extend(state.store.conversations(Some(&name)).await?);
        }
        list.sort_by_key(|c| std::cmp::Reverse(c.last_message_time));
        return Ok(Json(list));
    }
    Ok(Json(
        state
            .store
            .conversations(session.as_ref().map(SessionName::as_str))
            .await?,
    ))
}

#[derive(Deserialize)]
struct MessagesQuery {
    session: Option<String>,
    page: Option<u32>,
    limit: Option<u32>,
    /// A message id: answer the page that holds it instead of `page`.
    around: Option<String>,
}

/// The page size when `limit` is not given.
const DEFAULT_PAGE_SIZE: u32 = 50;
/// The store's largest page (it clamps `limit` to 1..=this).
const MAX_PAGE_SIZE: u32 = 500;
/// The longest message id `around` takes (the server's are under 100 characters).
const MAX_MESSAGE_ID: usize = 256;

async fn messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Json<Page>, ApiError> {
    let session = input::optional_session(query.session.as_deref())?;
    let session = caller.one_session(session.as_ref().map(SessionName::as_str))?;
    let session = session.as_deref();
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if let Some(message) = &query.around {
        if query.page.is_some() {
            return Err(ApiError::BadRequest(
                "give page or around, not both".to_owned(),
            ));
        }
        return Ok(Json(
            page_around(&state, session, &id, message, limit).await?,
        ));
    }
    let page = state
        .store
        .messages(session, &id, query.page.unwrap_or(1), limit)
        .await?;
    Ok(Json(page))
}

/// The page (of `limit` messages, numbered as without `around`) of conversation `conversation`
/// that holds the message `message`: a client opens the thread there (a search hit) and loads
/// newer and older pages as usual. 404 when the conversation has no such message.
async fn page_around(
    state: &AppState,
    session: Option<&str>,
    conversation: &str,
    message: &str,
    limit: u32,
) -> Result<Page, ApiError> {
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_ID {
        return Err(ApiError::BadRequest(format!(
            "around must be a message id of 1 to {MAX_MESSAGE_ID} characters"
        )));
    }
    let limit = limit.clamp(1, MAX_PAGE_SIZE);
    let not_found = || {
        ApiError::NotFound(format!(
            "no message {} in conversation {}",
            input::shorten(message, 100),
            input::shorten(conversation, 100)
        ))
    };
    let pool = state.store.pool();
    let time: Option<i64> = sqlx::query(
        "SELECT timestamp FROM messages \
         WHERE conversation_id = $1 AND ($2 IS NULL OR session = $2) AND id = $3 LIMIT 1",
    )
    .bind(conversation)
    .bind(session)
    .bind(message)
    .fetch_optional(pool)
    .await
    .map_err(StoreError::from)?
    .map(|row| row.try_get("timestamp"))
    .transpose()
    .map_err(StoreError::from)?;
    let time = time.ok_or_else(not_found)?;
    // pages run newest first: the message comes after every later one and somewhere among
    // those of its own second (their order is the store's)
    let row = sqlx::query(
        "SELECT COUNT(CASE WHEN timestamp > $3 THEN 1 END) AS newer, \
         COUNT(CASE WHEN timestamp = $3 THEN 1 END) AS same \
         FROM messages WHERE conversation_id = $1 AND ($2 IS NULL OR session = $2)",
    )
    .bind(conversation)
    .bind(session)
    .bind(time)
    .fetch_one(pool)
    .await
    .map_err(StoreError::from)?;
    let newer: i64 = row.try_get("newer").map_err(StoreError::from)?;
    let same: i64 = row.try_get("same").map_err(StoreError::from)?;
    let page_of = |index: i64| u32::try_from(index / i64::from(limit) + 1).unwrap_or(u32::MAX);
    // one page either side in case a message arrived between the queries
    let first = page_of(newer).saturating_sub(1).max(1);
    let last = page_of(newer + same.max(1) - 1).saturating_add(1);
    for number in first..=last {
        let page = state
            .store
            .messages(session, conversation, number, limit)
            .await?;
        if page.messages.iter().any(|m| m.id == message) {
            return Ok(page);
        }
        if !page.has_more {
            break;
        }
    }
    // deleted meanwhile
    Err(not_found())
}

async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ConversationQuery>,
) -> Result<Json<Value>, ApiError> {
    let session = input::optional_session(query.session.as_deref())?;
    let session = caller.one_session(session.as_ref().map(SessionName::as_str))?;
    if !state.store.mark_read(session.as_deref(), &id).await? {
        return Err(ApiError::NotFound(format!(
            "no conversation {}",
            input::shorten(&id, 100)
        )));
    }
    if let Some(session) = &session {
        // best effort: the blue ticks on the contact's phone
        if let Ok(handle) = state
            .client_for(session.as_str())
            .await
            .and_then(|c| Ok(c.session(session.as_str())?))
        {
            if let Err(error) = handle.send_seen(&id).await {
                let error = redact(&error.to_string());
                tracing::debug!(%error, "send-seen failed");
            }
        }
    }
    Ok(Json(json!({"id": id, "unreadCount": 0})))
}
