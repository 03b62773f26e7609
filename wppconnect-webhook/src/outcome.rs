//! What became of each webhook request, for the user's own metrics.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use wppconnect_models::EventKind;

/// How a webhook request ended. [`Outcome::as_str`] is the `outcome` field of the router's log
/// lines, so metrics and logs use the same words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Taken: `200 {"status":"received"}` (in the awaited mode: the handler succeeded).
    Received,
    /// A repeat the [duplicate window](crate::WebhookBuilder::dedupe_window) dropped:
    /// `200 {"status":"duplicate"}`.
    Duplicate,
    /// No secret, or a wrong one: 401.
    Unauthorized,
    /// An unreadable path, session name or body: 400.
    BadRequest,
    /// A body over the [limit](crate::WebhookBuilder::body_limit): 413.
    TooLarge,
    /// The awaited handler failed, was cancelled or did not finish in time: 503.
    NotStored,
    /// The awaited handler panicked: 500.
    Panicked,
    /// The router itself failed (the parse task died): 500.
    Error,
}

impl Outcome {
    /// The outcome as a short snake_case word: `received`, `duplicate`, `unauthorized`,
    /// `bad_request`, `too_large`, `not_stored`, `panicked`, `error`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Duplicate => "duplicate",
            Self::Unauthorized => "unauthorized",
            Self::BadRequest => "bad_request",
            Self::TooLarge => "too_large",
            Self::NotStored => "not_stored",
            Self::Panicked => "panicked",
            Self::Error => "error",
        }
    }

    /// Whether the sender's event was taken (received or a dropped duplicate): a 200.
    #[must_use]
    pub fn is_accepted(self) -> bool {
        matches!(self, Self::Received | Self::Duplicate)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One webhook request as the [`on_outcome`](crate::WebhookBuilder::on_outcome) callback sees
/// it. It carries no secret and no event content: only what a metric may be labelled with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Report {
    /// How it ended.
    pub outcome: Outcome,
    /// The event's kind, once the body was parsed (`None` for a request refused before).
    pub kind: Option<EventKind>,
    /// The session (from the body, else the path), once known and valid.
    pub session: Option<String>,
    /// The answer's status code.
    pub status: StatusCode,
    /// From the request's arrival to the answer (in the awaited mode this includes the
    /// handler: for a stored event, the time to commit).
    pub elapsed: Duration,
}

impl Report {
    /// The event kind's wire name (`onmessage`, `status-find`, …), or `unknown` when the body
    /// was not parsed: a bounded label for metrics.
    #[must_use]
    pub fn event_name(&self) -> &'static str {
        self.kind.map_or("unknown", EventKind::as_str)
    }
}

/// The callback, shared by the routes.
#[derive(Clone)]
pub(crate) struct OutcomeHook(pub(crate) Arc<dyn Fn(&Report) + Send + Sync>);

impl fmt::Debug for OutcomeHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OutcomeHook")
    }
}

/// What the router learns about a request while it handles it.
#[derive(Debug)]
pub(crate) struct Progress {
    pub(crate) outcome: Outcome,
    pub(crate) kind: Option<EventKind>,
    pub(crate) session: Option<String>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            outcome: Outcome::Error,
            kind: None,
            session: None,
        }
    }
}
