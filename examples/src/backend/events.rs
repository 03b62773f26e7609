//! Real-time push: one broadcast of events to the browser clients, served as Server-Sent Events.

use std::convert::Infallible;

use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

/// An event for the browser clients of one session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Push {
    /// The session (room `session-{name}`).
    pub session: String,
    /// `new-message`, `status-update` or `session-status`.
    pub event: &'static str,
    /// The payload (a `Message`, `{id, status}` or a `Session`).
    pub data: Value,
}

/// Fans pushes out to every connected client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Realtime {
    sender: broadcast::Sender<Push>,
}

impl Default for Realtime {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(1024);
        Self { sender }
    }
}

impl Realtime {
    /// Sends an event to the session's clients.
    pub fn push(&self, session: &str, event: &'static str, data: impl Serialize) {
        let data = serde_json::to_value(data).unwrap_or(Value::Null);
        let _ = self.sender.send(Push {
            session: session.to_owned(),
            event,
            data,
        });
    }

    /// How many clients listen.
    #[must_use]
    pub fn clients(&self) -> usize {
        self.sender.receiver_count()
    }

    /// The events of one session (all with `None`).
    pub fn subscribe(&self, session: Option<String>) -> impl Stream<Item = Push> + Send + 'static {
        BroadcastStream::new(self.sender.subscribe()).filter_map(move |item| {
            let wanted = match item {
                Ok(push) if session.as_ref().is_none_or(|s| *s == push.session) => Some(push),
                Ok(_) => None,
                Err(error) => {
                    tracing::warn!(%error, "a realtime client fell behind");
                    None
                }
            };
            std::future::ready(wanted)
        })
    }

    /// The events as Server-Sent Events: `event: new-message`, `data: {…}`.
    pub fn sse(
        &self,
        session: Option<String>,
    ) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
        let stream = self.subscribe(session).map(|push| {
            let data = serde_json::json!({"session": push.session, "data": push.data});
            Ok(SseEvent::default().event(push.event).data(data.to_string()))
        });
        Sse::new(stream).keep_alive(KeepAlive::default())
    }
}
