//! What people send, checked in one place before it reaches the client, a log or the store:
//! session names, phone numbers, client ids, message texts. Every refusal is an
//! [`ApiError::BadRequest`] (a JSON 400).

use wppconnect_models::domain::ClientId;
use wppconnect_models::{PhoneNumber, SessionName};

use super::error::ApiError;

/// At most `max` characters of `text`, with `…` when cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A session name from a path, a query, a socket.io event or a body, checked by
/// [`SessionName::new`].
pub(super) fn session_name(name: &str) -> Result<SessionName, ApiError> {
    SessionName::new(name).map_err(|e| ApiError::BadRequest(shorten(&e.to_string(), 200)))
}

/// The `?session=` of a query, checked when present.
pub(super) fn optional_session(session: Option<&str>) -> Result<Option<SessionName>, ApiError> {
    session.map(session_name).transpose()
}

/// A phone number a person typed (`+55 11 99999-9999`), checked by [`PhoneNumber::new`].
pub(super) fn phone(phone: &str) -> Result<PhoneNumber, ApiError> {
    PhoneNumber::new(phone).map_err(|e| ApiError::BadRequest(shorten(&e.to_string(), 200)))
}

/// A client-chosen message id, checked by [`ClientId::new`]; a fresh one when the client gave
/// none.
pub(super) fn client_id(id: Option<&str>) -> Result<ClientId, ApiError> {
    match id {
        Some(id) => ClientId::new(id).map_err(|e| ApiError::BadRequest(e.to_string())),
        // 32 alphanumeric characters: a valid client id
        None => ClientId::new(&super::auth::random_secret(32))
            .map_err(|e| ApiError::BadRequest(e.to_string())),
    }
}

/// A message's text: not only spaces.
pub(super) fn text(text: &str) -> Result<&str, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest("the message is empty".to_owned()));
    }
    Ok(text)
}
