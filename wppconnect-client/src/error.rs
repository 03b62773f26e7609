//! The client's error type.

use std::time::Duration;

use reqwest::StatusCode;
use wppconnect_models::{ErrorBody, SessionName, SessionStatus};

/// A `Result` whose error defaults to the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which limit a [`Error::Timeout`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// One request got no (complete) answer within the per-request timeout
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    Attempt,
    /// The overall deadline passed: of a call across its attempts and backoff
    /// ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)), or of a wait such as
    /// [`Session::wait_until_connected`](crate::Session::wait_until_connected).
    Deadline,
}

/// Everything that can go wrong with a call. Never contains the secret key or a token: every
/// text from the server is cut by [`Client::redact`](crate::Client::redact) first.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request failed on the way (connection refused, reset, TLS…). URLs are stripped.
    #[error("request to {route} failed")]
    Transport {
        /// The route template, e.g. `POST /api/{session}/send-message`.
        route: &'static str,
        /// Whether the request certainly never reached the server (connection refused).
        not_sent: bool,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },
    /// No answer in time: one attempt hit its timeout, or the call's overall deadline passed
    /// (see [`TimeoutKind`]).
    #[error("{route}: {}", match kind {
        TimeoutKind::Attempt => format!("no answer within the request timeout of {after:?}"),
        TimeoutKind::Deadline => format!("the overall deadline of {after:?} passed (all attempts and waits)"),
    })]
    Timeout {
        /// The route template.
        route: &'static str,
        /// The limit that passed.
        after: Duration,
        /// Which limit it was.
        kind: TimeoutKind,
    },
    /// 401: the token was refused (after one regeneration when the client has the secret key).
    #[error("the server refused the token for session {session}")]
    Unauthorized {
        /// The session.
        session: SessionName,
        /// The server's message.
        message: Option<String>,
    },
    /// 400 on a secret-key route: the secret key is wrong.
    #[error("the server refused the secret key")]
    WrongSecretKey {
        /// The server's message (`The SECRET_KEY is incorrect`).
        message: Option<String>,
    },
    /// 404 `{"status":"Disconnected"}`: the session is not connected (not a missing route).
    #[error("session {session} is not connected")]
    NotConnected {
        /// The session.
        session: SessionName,
        /// The server's message (`A sessão do WhatsApp não está ativa.`).
        message: Option<String>,
    },
    /// The session is in a state from which it cannot connect without a new start
    /// (`CLOSED`: never started, closed, auto-closed after no scan, logged out from the phone, or
    /// its browser gone). Returned by [`Session::wait_until_connected`](crate::Session::wait_until_connected)
    /// as soon as the server reports it; call [`Session::start`](crate::Session::start) again.
    #[error("session {session} is {} and cannot connect without a new start", status.as_str())]
    SessionClosed {
        /// The session.
        session: SessionName,
        /// The state the server reported.
        status: SessionStatus,
    },
    /// Any other non-2xx answer, with the server's own message kept.
    #[error("{route} answered {status}: {}", message.as_deref().unwrap_or("no message"))]
    Api {
        /// The route template.
        route: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The server's message, e.g. `O número 5511900009999 não existe.`.
        message: Option<String>,
        /// The classified body.
        body: Box<ErrorBody>,
    },
    /// A 2xx answer whose body does not have the expected shape.
    #[error("the answer of {route} could not be read at `{path}`")]
    Decode {
        /// The route template.
        route: &'static str,
        /// The JSON path of the field that failed (`response[0].id`).
        path: String,
        /// The start of the body.
        snippet: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// Rejected before any request was sent.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// The operation needs the secret key and none was configured.
    #[error("this operation needs the secret key, and the client has none")]
    MissingSecretKey,
}

impl From<wppconnect_models::IdError> for Error {
    /// A malformed id is [`Error::InvalidInput`], so `"…".parse::<ChatId>()?` works in a
    /// function returning this crate's [`Result`].
    fn from(error: wppconnect_models::IdError) -> Self {
        Self::invalid(error)
    }
}

impl Error {
    pub(crate) fn invalid(reason: impl std::fmt::Display) -> Self {
        Self::InvalidInput {
            reason: reason.to_string(),
        }
    }

    /// The HTTP status of the answer, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Unauthorized { .. } => Some(StatusCode::UNAUTHORIZED),
            Self::WrongSecretKey { .. } => Some(StatusCode::BAD_REQUEST),
            Self::NotConnected { .. } => Some(StatusCode::NOT_FOUND),
            Self::Api { status, .. } => Some(*status),
            Self::Transport { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Whether repeating the same call may succeed: transport failures, timeouts, and 5xx/429
    /// answers. (The client itself repeats only calls that are safe to repeat; see
    /// [`RetryPolicy`](crate::RetryPolicy).)
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::Api { status, .. } => {
                status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
            }
            _ => false,
        }
    }

    /// Whether the request certainly never reached the server, so repeating it cannot duplicate
    /// anything.
    #[must_use]
    pub fn is_not_sent(&self) -> bool {
        matches!(
            self,
            Self::Transport { not_sent: true, .. }
                | Self::InvalidInput { .. }
                | Self::MissingSecretKey
        )
    }

    /// Whether the error means the session is not connected.
    #[must_use]
    pub fn is_not_connected(&self) -> bool {
        matches!(self, Self::NotConnected { .. })
    }

    /// The server's own message, when it gave one.
    #[must_use]
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Self::Unauthorized { message, .. }
            | Self::WrongSecretKey { message }
            | Self::NotConnected { message, .. }
            | Self::Api { message, .. } => message.as_deref(),
            _ => None,
        }
    }
}
