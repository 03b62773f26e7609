//! Real-time push: one broadcast of events to the browser clients, served as Server-Sent Events
//! and to the socket.io rooms `session-{name}`.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};

use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use serde::Serialize;
use serde_json::Value;
use socketioxide::SocketIo;
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

/// Fans pushes out to every connected client, SSE and socket.io alike. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Realtime {
    sender: broadcast::Sender<Push>,
    io: Arc<OnceLock<SocketIo>>,
}

impl Default for Realtime {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(1024);
        Self {
            sender,
            io: Arc::default(),
        }
    }
}

impl Realtime {
    /// Sends an event to the session's clients: SSE subscribers and the socket.io room
    /// `session-{name}`.
    pub fn push(&self, session: &str, event: &'static str, data: impl Serialize) {
        let data = serde_json::to_value(data).unwrap_or(Value::Null);
        if let Some(io) = self.io.get().cloned() {
            let (room, payload) = (format!("session-{session}"), data.clone());
            tokio::spawn(async move {
                if let Err(error) = io.to(room).emit(event, &payload).await {
                    tracing::debug!(%error, "socket.io emit failed");
                }
            });
        }
        let _ = self.sender.send(Push {
            session: session.to_owned(),
            event,
            data,
        });
    }

    /// Routes pushes to this socket.io server too.
    pub fn attach(&self, io: SocketIo) {
        let _ = self.io.set(io);
    }

    /// How many clients listen (SSE streams and socket.io sockets).
    #[must_use]
    pub fn clients(&self) -> usize {
        let sockets = self.io.get().map_or(0, |io| io.sockets().len());
        self.sender.receiver_count() + sockets
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

    /// The events as Server-Sent Events: `event: new-message`, `data: {"session", "data"}`.
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
