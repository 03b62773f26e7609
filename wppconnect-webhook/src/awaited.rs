//! The awaited delivery mode: the router awaits the user's handler before it answers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures::FutureExt;
use wppconnect_models::{Event, EventError, EventHead, EventKind, SessionName};

/// The future an [`AwaitedHandler`] returns: `Send` and `'static`, because the router runs it on
/// its own task.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), HandlerError>> + Send + 'static>>;

/// An async handler the router awaits before answering (see [`WebhookBuilder::awaited`]).
///
/// Implemented for closures `Fn(Arc<Event>) -> Fut` where
/// `Fut: Future<Output = Result<(), E>> + Send + 'static`, `E: std::fmt::Display + Send + 'static`,
/// and the closure is `Send + Sync + 'static`; implement it by hand on your own type otherwise.
///
/// The handler must be **idempotent**: two copies of one event that arrive at the same time may
/// both reach it (the duplicate window remembers an event only once a handler call succeeded),
/// and the sender resends what was answered 503.
///
/// ```
/// use std::sync::Arc;
/// use wppconnect_webhook::models::Event;
/// use wppconnect_webhook::{AwaitedHandler, HandlerError, HandlerFuture};
///
/// struct Store;
///
/// impl AwaitedHandler for Store {
///     fn handle(&self, event: Arc<Event>) -> HandlerFuture {
///         Box::pin(async move {
///             match event.message_id() {
///                 Some(_) => Ok(()), // insert it, keyed by the id
///                 None => Err(HandlerError::new("nothing to key it by")),
///             }
///         })
///     }
/// }
/// ```
///
/// [`WebhookBuilder::awaited`]: crate::WebhookBuilder::awaited
pub trait AwaitedHandler: Send + Sync + 'static {
    /// Handles one admitted event. The router answers `200` when the future returns `Ok`, `503`
    /// when it returns an error, `500` when it panics. It runs on a task of its own, to its end,
    /// even when the sender hangs up before the answer.
    fn handle(&self, event: Arc<Event>) -> HandlerFuture;

    /// Handles one admitted event together with the body it was parsed from, byte for byte as
    /// the sender posted it: for a handler that keeps the sender's own bytes (an append-only
    /// journal, an archive) without serialising the event again. The router calls this one; by
    /// default it drops the body and calls [`handle`](Self::handle). The event's session may
    /// come from the URL (`/webhook/{session}`) when the body names none.
    fn handle_received(&self, event: Arc<Event>, body: Bytes) -> HandlerFuture {
        drop(body);
        self.handle(event)
    }
}

impl<F, Fut, E> AwaitedHandler for F
where
    F: Fn(Arc<Event>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + Send + 'static,
{
    fn handle(&self, event: Arc<Event>) -> HandlerFuture {
        Box::pin(self(event).map(|result| result.map_err(HandlerError::new)))
    }
}

/// The error of an [`AwaitedHandler`]: anything that displays.
///
/// Its text goes to the log (`tracing::warn!`), never into the answer to the sender.
pub struct HandlerError(Box<dyn fmt::Display + Send>);

impl HandlerError {
    /// Wraps an error (or any displayable reason).
    pub fn new<E>(error: E) -> Self
    where
        E: fmt::Display + Send + 'static,
    {
        Self(Box::new(error))
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HandlerError")
            .field(&format_args!("{}", self.0))
            .finish()
    }
}

impl std::error::Error for HandlerError {}

/// An event as it came, before its typed parse: what the router read of it (its
/// [`EventHead`]: kind, session, message id) and the body, byte for byte as the sender posted it.
/// What a [`ReceivedHandler`] gets.
///
/// The router has checked that the body is JSON the typed parse accepts and that its session
/// name is valid; [`Received::event`] builds the typed event when the handler wants it, on the
/// thread it chooses.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    head: EventHead,
    body: Bytes,
}

impl Received {
    /// An event as received. The router builds these; this is for tests of a handler.
    #[must_use]
    pub fn new(head: EventHead, body: Bytes) -> Self {
        Self { head, body }
    }

    /// What the router read of the body. Its session is the URL's (`/webhook/{session}`) when
    /// the body names none.
    #[must_use]
    pub fn head(&self) -> &EventHead {
        &self.head
    }

    /// The kind the body's `event` names.
    #[must_use]
    pub fn kind(&self) -> EventKind {
        self.head.kind
    }

    /// The session, from the body or else from the URL.
    #[must_use]
    pub fn session(&self) -> Option<&SessionName> {
        self.head.session.as_ref()
    }

    /// The body as the sender posted it.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The typed event: the body parsed, with the session of [`Received::session`] when the body
    /// names none.
    ///
    /// # Errors
    /// None in practice for what the router hands over (it accepted the same bytes); an
    /// [`EventError`] for a `Received` built by hand from a body that is not an event.
    pub fn event(&self) -> Result<Event, EventError> {
        let mut event = Event::from_slice(&self.body)?;
        if let Some(session) = &self.head.session {
            event.fill_session(session);
        }
        Ok(event)
    }
}

/// An async handler the router awaits before answering, handed the event **unparsed** (see
/// [`WebhookBuilder::received`]): for a handler that keeps the body as it came (an append-only
/// journal, a queue) and builds the typed event later, off the request path.
///
/// Implemented for closures `Fn(Arc<Received>) -> Fut` with the bounds of [`AwaitedHandler`]'s
/// closures. The same rules hold: idempotent, `Ok` → 200, `Err` → 503, a panic → 500.
///
/// ```
/// use std::sync::Arc;
/// use wppconnect_webhook::models::EventKind;
/// use wppconnect_webhook::{Received, Webhook};
///
/// let (router, _hub) = Webhook::builder()
///     .received(|received: Arc<Received>| async move {
///         // append `received.body()` to a journal, keyed by `received.head().message_id`
///         match received.kind() {
///             EventKind::Unknown => Err("not kept"),
///             _ => Ok(()),
///         }
///     })
///     .build::<()>();
/// # let _ = router;
/// ```
///
/// [`WebhookBuilder::received`]: crate::WebhookBuilder::received
pub trait ReceivedHandler: Send + Sync + 'static {
    /// Handles one admitted event, unparsed.
    fn handle(&self, received: Arc<Received>) -> HandlerFuture;
}

impl<F, Fut, E> ReceivedHandler for F
where
    F: Fn(Arc<Received>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: fmt::Display + Send + 'static,
{
    fn handle(&self, received: Arc<Received>) -> HandlerFuture {
        Box::pin(self(received).map(|result| result.map_err(HandlerError::new)))
    }
}

/// The handler as the builder keeps it.
#[derive(Clone)]
pub(crate) enum SharedHandler {
    /// Handed the parsed event ([`WebhookBuilder::awaited`](crate::WebhookBuilder::awaited)).
    Typed(Arc<dyn AwaitedHandler>),
    /// Handed the event unparsed
    /// ([`WebhookBuilder::received`](crate::WebhookBuilder::received)).
    Received(Arc<dyn ReceivedHandler>),
}

impl fmt::Debug for SharedHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Typed(_) => "AwaitedHandler",
            Self::Received(_) => "ReceivedHandler",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closure_is_a_handler_and_its_error_keeps_its_text() {
        let handler = |event: Arc<Event>| async move {
            match event.kind() {
                wppconnect_models::EventKind::Unknown => Err(std::io::Error::other("disk full")),
                _ => Ok(()),
            }
        };
        let unknown = Arc::new(Event::from_slice(br#"{"event":"x"}"#).unwrap());
        let error = AwaitedHandler::handle(&handler, unknown).await.unwrap_err();
        assert_eq!(error.to_string(), "disk full");
        assert_eq!(format!("{error:?}"), "HandlerError(disk full)");
    }
}
