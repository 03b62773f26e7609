//! The backend's one error type: every failure of a route (and of a socket.io request) is an
//! [`ApiError`], answered with its status and the JSON body
//! `{"error": <code>, "reason": <text>, "message": <text>}` (`message` repeats `reason` for
//! existing clients; a failed send adds `stored`).

use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use wppconnect_models::domain;

use super::redact::redact;
use super::store::StoreError;

/// Why a request failed.
#[derive(Debug)]
pub enum ApiError {
    /// 400: a body, a query, a phone number, a session name, a client id.
    BadRequest(String),
    /// 401: no token, a bad one, or a wrong password.
    Unauthorized(&'static str),
    /// 429: too many logins; try again after this long (`Retry-After`).
    TooManyRequests(Duration),
    /// 503: logins cannot be checked now.
    Unavailable(&'static str),
    /// 403: the caller's role or grants do not allow this.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 409: the change conflicts with what is stored (a user that exists, the last admin).
    Conflict(String),
    /// 413: a body over the route's limit.
    PayloadTooLarge(String),
    /// 409: the session is not connected.
    NotConnected(String),
    /// 409: a message with this client id was sent already (it is not sent again).
    Duplicate(Box<domain::Message>),
    /// 502: WPPConnect Server failed or could not be reached.
    Upstream(wppconnect_client::Error),
    /// 503: the session lives on a server that is no longer configured (`WPPCONNECT_SERVERS`).
    UnknownServer {
        /// The session.
        session: String,
        /// The server it was placed on.
        server: String,
    },
    /// 503: the database failed.
    Database(StoreError),
    /// A send that did not go through, with the message as stored (`failed`): the status of
    /// its cause, error `send_failed`.
    SendFailed {
        /// Why.
        cause: Box<ApiError>,
        /// The message, stored `failed`.
        stored: Box<domain::Message>,
    },
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::Database(error)
    }
}

impl From<wppconnect_client::Error> for ApiError {
    fn from(error: wppconnect_client::Error) -> Self {
        match error {
            wppconnect_client::Error::InvalidInput { reason } => Self::BadRequest(reason),
            wppconnect_client::Error::NotConnected { session, .. } => {
                Self::NotConnected(session.to_string())
            }
            other => Self::Upstream(other),
        }
    }
}

impl ApiError {
    /// The machine-readable code (`bad_request`, `send_failed`, …).
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.parts().1
    }

    /// The text for people (upstream text [redacted](redact)).
    #[must_use]
    pub fn reason(&self) -> String {
        self.parts().2
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    /// The message this error is about, as stored: a failed send, or the earlier send of a
    /// duplicate client id.
    #[must_use]
    pub fn stored(&self) -> Option<&domain::Message> {
        match self {
            Self::SendFailed { stored, .. } => Some(stored),
            Self::Duplicate(stored) => Some(stored),
            _ => None,
        }
    }

    /// The JSON body: `{"error", "reason", "message"}`, plus `stored` when [`ApiError::stored`]
    /// has a message.
    #[must_use]
    pub fn body(&self) -> Value {
        let (_, code, reason) = self.parts();
        let mut body = json!({"error": code, "reason": reason, "message": reason});
        if let Some(stored) = self.stored() {
            body["stored"] = serde_json::to_value(stored).unwrap_or(Value::Null);
        }
        body
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, "bad_request", message.clone()),
            Self::Unauthorized(message) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                (*message).to_owned(),
            ),
            Self::TooManyRequests(wait) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!(
                    "too many login attempts; try again in {} s",
                    retry_after_secs(*wait)
                ),
            ),
            Self::Unavailable(message) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                (*message).to_owned(),
            ),
            Self::Forbidden(message) => (StatusCode::FORBIDDEN, "forbidden", message.clone()),
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message.clone()),
            Self::Conflict(message) => (StatusCode::CONFLICT, "conflict", message.clone()),
            Self::PayloadTooLarge(message) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                message.clone(),
            ),
            Self::NotConnected(session) => (
                StatusCode::CONFLICT,
                "session_not_connected",
                format!("session {session} is not connected"),
            ),
            Self::Duplicate(stored) => (
                StatusCode::CONFLICT,
                "duplicate_client_id",
                format!(
                    "a message with clientId {} was sent already; it is not sent again",
                    stored.client_id.as_deref().unwrap_or_default()
                ),
            ),
            Self::Upstream(error) => (
                StatusCode::BAD_GATEWAY,
                "wppconnect_error",
                redact(&upstream_text(error)),
            ),
            Self::UnknownServer { session, server } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server_unknown",
                format!("session {session} lives on server {server}, which is not configured (WPPCONNECT_SERVERS)"),
            ),
            Self::Database(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_error",
                "the message store is unavailable".to_owned(),
            ),
            Self::SendFailed { cause, .. } => {
                let (status, _, reason) = cause.parts();
                (
                    status,
                    "send_failed",
                    format!("the message could not be sent: {reason}"),
                )
            }
        }
    }
}

/// What a client error says, with the server's own message once: the `Display` of some
/// variants (`… answered 500: <message>`) already holds it, others (`not connected`) do not.
fn upstream_text(error: &wppconnect_client::Error) -> String {
    let text = error.to_string();
    let text = match error.server_message() {
        Some(server) if !server.is_empty() && !text.contains(server) => {
            format!("{text} ({server})")
        }
        _ => text,
    };
    if error.status().is_some() {
        text
    } else {
        format!("{text}: WPPConnect Server unreachable")
    }
}

/// Whole seconds for `Retry-After`, rounded up (never 0).
fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            Self::Upstream(error) => {
                let error = redact(&error.to_string());
                tracing::warn!(%error, "WPPConnect call failed");
            }
            Self::Database(error) => tracing::error!(error = ?error, "database failure"),
            _ => {}
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        if let Self::TooManyRequests(wait) = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs(wait)),
            );
        }
        response
    }
}

/// A JSON body whose rejection (bad JSON, a missing field, a wrong content type) is a JSON 400.
pub(super) struct ApiJson<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(|rejection: JsonRejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// A query string whose rejection (`?page=abc`) is a JSON 400.
pub(super) struct ApiQuery<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| ApiError::BadRequest(rejection.body_text()))
    }
}
