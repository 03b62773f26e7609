//! The awaited delivery mode: the router awaits the user's handler before it answers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures::FutureExt;
use wppconnect_models::Event;

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

/// The handler as the builder keeps it.
#[derive(Clone)]
pub(crate) struct SharedHandler(pub(crate) Arc<dyn AwaitedHandler>);

impl fmt::Debug for SharedHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AwaitedHandler")
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
