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
use wppconnect_models::{ChatKind, Event, EventKind, Message, SessionName};

/// A subscriber fell behind and missed this many events; the stream goes on with the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("subscriber fell behind and missed {0} events")]
pub struct Lagged(pub u64);

/// The message of `event` when it is one a person sent to this account, the only kind a bot
/// should answer: an `onmessage` that is not `fromMe`, not still encrypted (`ciphertext`: its
/// decrypted copy follows under the same id) and not in the status (stories) pseudo-chat, a
/// channel or a broadcast list. `None` for everything else, including `onselfmessage` (this
/// account's own sends) and `unreadmessages` (the server replays those at every start: answering
/// them would answer old messages again).
///
/// Group messages are incoming too; most bots leave them alone:
///
/// ```
/// use wppconnect_webhook::incoming_message;
/// use wppconnect_webhook::models::Event;
///
/// let event = Event::from_slice(br#"{"event":"onmessage","session":"main","type":"chat",
///     "id":"false_5511999999999@c.us_3EB0A1","body":"Oi","from":"5511999999999@c.us",
///     "fromMe":false}"#)?;
/// let message = incoming_message(&event).expect("a contact wrote");
/// assert!(!message.chat().is_some_and(|chat| chat.is_group()));
/// # Ok::<(), wppconnect_webhook::models::EventError>(())
/// ```
#[must_use]
pub fn incoming_message(event: &Event) -> Option<&Message> {
    let Event::Message(message) = event else {
        return None;
    };
    if message.is_from_me() || message.is_ciphertext() {
        return None;
    }
    match message.chat().map(|chat| chat.kind()) {
        Some(ChatKind::Status | ChatKind::Newsletter | ChatKind::Broadcast) => None,
        _ => Some(message),
    }
}

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

    /// [`EventHub::publish`] of an event already shared (an awaited handler's, an event a
    /// [`ReceivedHandler`](crate::ReceivedHandler) parsed and stored), without copying it.
    pub fn publish_shared(&self, event: Arc<Event>) -> usize {
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
            incoming: false,
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

    /// Runs `handler` for every message a person sends this account (see [`incoming_message`]:
    /// no `fromMe`, no status broadcast, no replay of unread messages), one at a time, as
    /// [`EventHub::on`] does. The way to write a bot:
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use wppconnect_webhook::models::Event;
    /// use wppconnect_webhook::{incoming_message, Webhook};
    ///
    /// # async fn run() {
    /// let (router, hub) = Webhook::builder().dedupe_window(1000).build::<()>();
    /// hub.on_incoming(|event: Arc<Event>| async move {
    ///     // `on_incoming` only hands over events `incoming_message` takes
    ///     let Some(message) = incoming_message(&event) else { return Ok(()) };
    ///     if message.chat().is_some_and(|chat| chat.is_group()) {
    ///         return Ok(()); // leave groups alone
    ///     }
    ///     println!("{:?} wrote {:?}", message.sender_name(), message.text());
    ///     Ok::<_, std::io::Error>(())
    /// });
    /// # let _ = router; }
    /// ```
    ///
    /// A handler that sends must still guard against answering twice: the duplicate window
    /// forgets, and a restart forgets everything; key each answer by the message id in your
    /// store first.
    pub fn on_incoming<F, Fut, E>(&self, handler: F) -> JoinHandle<()>
    where
        F: Fn(Arc<Event>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: fmt::Display,
    {
        Self::run(self.subscribe().incoming(), handler)
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
    incoming: bool,
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("kinds", &self.kinds)
            .field("session", &self.session)
            .field("incoming", &self.incoming)
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

    /// Keeps only the messages people send this account ([`incoming_message`]; lag notices
    /// always come through).
    #[must_use]
    pub fn incoming(mut self) -> Self {
        self.incoming = true;
        self
    }

    fn wants(&self, event: &Event) -> bool {
        (!self.incoming || incoming_message(event).is_some())
            && self
                .kinds
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
