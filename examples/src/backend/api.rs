//! The HTTP API: one router made of each resource's routes (see each module), with a JSON 404
//! for anything else.

use axum::Router;

use super::error::ApiError;
use super::{
    analytics, auth, campaigns, conversations, events, health, messages, search, sessions,
    static_files, users, AppState,
};

/// Every route but the webhook receiver's.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .merge(static_files::routes())
        .merge(health::routes())
        .merge(auth::routes())
        .merge(sessions::routes())
        .merge(messages::routes())
        .merge(campaigns::routes())
        .merge(conversations::routes())
        .merge(events::routes())
        .merge(search::routes())
        .merge(analytics::routes())
        .merge(users::routes())
        .fallback(|| async { ApiError::NotFound("no such route".to_owned()) })
}
