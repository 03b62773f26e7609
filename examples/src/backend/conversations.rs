//! Conversations: `GET /api/conversations`, `GET /api/conversations/{id}/messages` (pages of
//! history) and `POST /api/conversations/{id}/read`.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use wppconnect_models::domain;
use wppconnect_models::SessionName;

use super::error::{ApiError, ApiQuery};
use super::input;
use super::redact::redact;
use super::roles::Caller;
use super::store::Page;
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
    page: Option<u32>,
    limit: Option<u32>,
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

async fn messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ConversationQuery>,
) -> Result<Json<Page>, ApiError> {
    let session = input::optional_session(query.session.as_deref())?;
    let session = caller.one_session(session.as_ref().map(SessionName::as_str))?;
    let page = state
        .store
        .messages(
            session.as_deref(),
            &id,
            query.page.unwrap_or(1),
            query.limit.unwrap_or(50),
        )
        .await?;
    Ok(Json(page))
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
        if let Ok(handle) = state.client.session(session) {
            if let Err(error) = handle.send_seen(&id).await {
                let error = redact(&error.to_string());
                tracing::debug!(%error, "send-seen failed");
            }
        }
    }
    Ok(Json(json!({"id": id, "unreadCount": 0})))
}
