//! The event hub: fans every accepted webhook out to any number of bounded subscriber streams.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::{FutureExt, Stream, StreamExt};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use wppconnect_models::{Event, EventKind, SessionName};

/// A subscriber fell behind and missed this many events; the stream goes on with the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("subscriber fell behind and missed {0} events")]
pub struct Lagged(pub u64);

/// Hands every accepted event to its subscribers. Cheap to clone.
///
/// Each subscriber has its own bounded buffer (the hub's capacity). Publishing never waits: a
/// subscriber that does not keep up loses the oldest events of its buffer and is told how many
/// with an `Err(Lagged(n))` item, while the router and the other subscribers go on.
#[derive(Clone)]
pub struct EventHub {
    sender: broadcast::Sender<Arc<Event>>,
}

impl fmt::Debug for EventHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventHub")
            .field("subscribers", &self.sender.receiver_count())
            .finish()
    }
}

impl EventHub {
    /// A hub whose subscribers each buffer up to `capacity` events (at least 1).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Self { sender }
    }

    /// Hands an event to every current subscriber; returns how many there were.
    pub fn publish(&self, event: Event) -> usize {
        self.publish_shared(Arc::new(event))
    }

    /// [`EventHub::publish`] of an event already shared with an awaited handler.
    pub(crate) fn publish_shared(&self, event: Arc<Event>) -> usize {
        self.sender.send(event).unwrap_or(0)
    }

    /// How many subscribers there are now.
    #[must_use]
    pub fn subscriber_count(&self) -> usize {
        self.sender.receiver_count()
    }

    /// A stream of every event published from now on.
    #[must_use]
    pub fn subscribe(&self) -> EventStream {
        EventStream {
            inner: BroadcastStream::new(self.sender.subscribe()),
            kinds: None,
            session: None,
        }
    }

    /// A stream of the events of these kinds only.
    #[must_use]
    pub fn subscribe_kinds(&self, kinds: impl IntoIterator<Item = EventKind>) -> EventStream {
        self.subscribe().kinds(kinds)
    }

    /// Runs `handler` for every event of these kinds, one at a time, on a spawned task.
    ///
    /// A handler error (or panic) is logged with `tracing::error!` and the next event still
    /// runs; a lag is logged with `tracing::warn!`.
    /// The task ends when the hub and all its clones are dropped, or when the handle is aborted.
    /// Must be called inside a Tokio runtime.
    pub fn on<F, Fut, E>(
        &self,
        kinds: impl IntoIterator<Item = EventKind>,
        handler: F,
    ) -> JoinHandle<()>
    where
        F: Fn(Arc<Event>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: fmt::Display,
    {
        Self::run(self.subscribe_kinds(kinds), handler)
    }

    /// Runs `handler` for every event, whatever its kind (unknown ones included); see
    /// [`EventHub::on`].
    pub fn on_event<F, Fut, E>(&self, handler: F) -> JoinHandle<()>
    where
        F: Fn(Arc<Event>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: fmt::Display,
    {
        Self::run(self.subscribe(), handler)
    }

    fn run<F, Fut, E>(mut stream: EventStream, handler: F) -> JoinHandle<()>
    where
        F: Fn(Arc<Event>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: fmt::Display,
    {
        tokio::spawn(async move {
            while let Some(item) = stream.next().await {
                match item {
                    Ok(event) => {
                        let kind = event.kind();
                        // A panicking handler is logged and the next event still runs.
                        match AssertUnwindSafe(handler(event)).catch_unwind().await {
                            Ok(Ok(())) => {}
                            Ok(Err(error)) => {
                                tracing::error!(%kind, %error, "webhook event handler failed")
                            }
                            Err(_) => tracing::error!(%kind, "webhook event handler panicked"),
                        }
                    }
                    Err(Lagged(missed)) => {
                        tracing::warn!(missed, "webhook event handler fell behind")
                    }
                }
            }
        })
    }

    /// [`EventHub::on`] for `onmessage`, `onselfmessage` and `unreadmessages`.
    pub fn on_message<F, Fut, E>(&self, handler: F) -> JoinHandle<()>
    where
        F: Fn(Arc<Event>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: fmt::Display,
    {
        self.on(
            [
                EventKind::Message,
                EventKind::SelfMessage,
                EventKind::UnreadMessage,
            ],
            handler,
        )
    }

    /// [`EventHub::on`] for `onack`.
    pub fn on_ack<F, Fut, E>(&self, handler: F) -> JoinHandle<()>
    where
        F: Fn(Arc<Event>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: fmt::Display,
    {
        self.on([EventKind::Ack], handler)
    }

    /// [`EventHub::on`] for `status-find`, `closesession` and `logoutsession`.
    pub fn on_status<F, Fut, E>(&self, handler: F) -> JoinHandle<()>
    where
        F: Fn(Arc<Event>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: fmt::Display,
    {
        self.on(
            [
                EventKind::StatusFind,
                EventKind::SessionClosed,
                EventKind::LoggedOut,
            ],
            handler,
        )
    }

    /// [`EventHub::on`] for `qrcode` and `phoneCode`.
    pub fn on_qr_code<F, Fut, E>(&self, handler: F) -> JoinHandle<()>
    where
        F: Fn(Arc<Event>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: fmt::Display,
    {
        self.on([EventKind::QrCode, EventKind::PhoneCode], handler)
    }
}

/// A subscriber's stream of events: `Ok(event)`, or `Err(Lagged(n))` when it fell behind and
/// missed `n` events. Ends when the hub and all its clones (and the router) are dropped.
///
/// It is `Unpin`, so `stream.next().await` needs no pinning. The `n` of a lag notice counts every
/// event the subscriber missed, including those its filters would have skipped.
///
/// # Cancel safety
/// `next()` is cancel safe: dropping the future before it completes loses no event; the next
/// call returns it.
pub struct EventStream {
    inner: BroadcastStream<Arc<Event>>,
    kinds: Option<HashSet<EventKind>>,
    session: Option<SessionName>,
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("kinds", &self.kinds)
            .field("session", &self.session)
            .finish()
    }
}

impl EventStream {
    /// Keeps only events of these kinds (lag notices always come through).
    #[must_use]
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = EventKind>) -> Self {
        self.kinds = Some(kinds.into_iter().collect());
        self
    }

    /// Keeps only events of this session (lag notices always come through).
    #[must_use]
    pub fn session(mut self, session: SessionName) -> Self {
        self.session = Some(session);
        self
    }

    fn wants(&self, event: &Event) -> bool {
        self.kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&event.kind()))
            && self
                .session
                .as_ref()
                .is_none_or(|session| event.session() == Some(session))
    }
}

impl Stream for EventStream {
    type Item = Result<Arc<Event>, Lagged>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match self.inner.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(event))) => {
                    if self.wants(&event) {
                        return Poll::Ready(Some(Ok(event)));
                    }
                }
                Poll::Ready(Some(Err(BroadcastStreamRecvError::Lagged(missed)))) => {
                    return Poll::Ready(Some(Err(Lagged(missed))));
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
