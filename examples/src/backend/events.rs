//! Real-time push: one broadcast of events to the browser clients, served as Server-Sent Events
//! and to the socket.io rooms `session-{name}`; with a [fan-out](super::fanout) configured, also
//! shared with the other instances of the backend (and theirs with this one).

use std::borrow::Cow;
use std::convert::Infallible;
use std::sync::{Arc, OnceLock, Weak};

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use socketioxide::SocketIo;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use wppconnect_models::domain::{Message, MessageStatus, Session};

use super::error::{ApiError, ApiQuery};
use super::fanout::{self, Fanout};
use super::heal::Healing;
use super::input;
use super::roles::Caller;
use super::AppState;

/// What the backend pushes to the browsers, over Server-Sent Events and socket.io alike. The
/// wire form is [`Push::event`] (the SSE `event:` and the socket.io event name) with
/// [`Push::envelope`] as data; `examples/README.md` ("Wire contract") lists every push.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// `new-message`: a message stored for the first time (a contact's, one sent from the phone,
    /// or a send of this backend, pushed `pending` before it goes to the server).
    NewMessage(Box<Message>),
    /// `status-update`: a stored message moved forward, or took the server's id.
    StatusUpdate(StatusUpdate),
    /// `session-status`: a session's state (the whole [`Session`], with its QR code or pairing
    /// code while it waits for one).
    SessionStatus(Session),
    /// `session-status` too, from the self-healing: the [`Session`] with a `healing` field (what
    /// the healer did and will do, [`Healing`]).
    SessionHealing(Session, Box<Healing>),
    /// `campaign-progress`: a campaign's counts after one of its sends ended.
    CampaignProgress(Box<super::campaigns::Progress>),
}

/// The data of a `status-update` push: one shape for every cause (an ack, the send's answer, a
/// failed send, a failed send adopted later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusUpdate {
    /// The message's id now: the server's once known, else its client id.
    pub id: String,
    /// The id the client chose when it sent it, if it did: the page's key for its own sends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The conversation.
    pub conversation_id: String,
    /// The status now.
    pub status: MessageStatus,
}

impl From<&Message> for StatusUpdate {
    fn from(message: &Message) -> Self {
        Self {
            id: message.id.clone(),
            client_id: message.client_id.clone(),
            conversation_id: message.conversation_id.clone(),
            status: message.status,
        }
    }
}

impl Push {
    /// A `new-message` of this message.
    #[must_use]
    pub fn new_message(message: Message) -> Self {
        Self::NewMessage(Box::new(message))
    }

    /// A `status-update` of this message as it is now.
    #[must_use]
    pub fn status_of(message: &Message) -> Self {
        Self::StatusUpdate(StatusUpdate::from(message))
    }

    /// The event name: `new-message`, `status-update`, `session-status` or `campaign-progress`.
    #[must_use]
    pub fn event(&self) -> &'static str {
        match self {
            Self::NewMessage(_) => "new-message",
            Self::StatusUpdate(_) => "status-update",
            Self::SessionStatus(_) | Self::SessionHealing(..) => "session-status",
            Self::CampaignProgress(_) => "campaign-progress",
        }
    }

    /// The one serialisation of a push, for SSE and socket.io alike:
    /// `{"session": <name>, "data": <Message | StatusUpdate | Session>}`.
    #[must_use]
    pub fn envelope(&self, session: &str) -> Value {
        let data = match self {
            Self::NewMessage(message) => serde_json::to_value(message),
            Self::StatusUpdate(update) => serde_json::to_value(update),
            Self::SessionStatus(state) => serde_json::to_value(state),
            Self::CampaignProgress(progress) => serde_json::to_value(progress),
            Self::SessionHealing(state, healing) => {
                serde_json::to_value(state).and_then(|mut value| {
                    if let Some(object) = value.as_object_mut() {
                        object.insert("healing".to_owned(), serde_json::to_value(healing)?);
                    }
                    Ok(value)
                })
            }
        };
        // these types serialise to JSON whatever their values (no map with non-string keys)
        json!({"session": session, "data": data.unwrap_or(Value::Null)})
    }

    /// The [envelope](Self::envelope) as JSON text, serialised straight from the push, with no
    /// `Value` in between (its keys in the types' order rather than sorted): what the event log
    /// keeps of each push, written for every stored event.
    #[must_use]
    pub fn envelope_text(&self, session: &str) -> String {
        #[derive(Serialize)]
        struct Envelope<'a, T> {
            session: &'a str,
            data: &'a T,
        }
        let text = match self {
            Self::NewMessage(data) => serde_json::to_string(&Envelope { session, data }),
            Self::StatusUpdate(data) => serde_json::to_string(&Envelope { session, data }),
            Self::SessionStatus(data) => serde_json::to_string(&Envelope { session, data }),
            Self::CampaignProgress(data) => serde_json::to_string(&Envelope { session, data }),
            Self::SessionHealing(..) => return self.envelope(session).to_string(),
        };
        text.unwrap_or_else(|_| self.envelope(session).to_string())
    }
}

/// A push on its way: the session it belongs to, its event name and its [envelope](Push::envelope).
#[derive(Debug, Clone, PartialEq)]
pub struct Pushed {
    /// The session (room `session-{name}`).
    pub session: String,
    /// The event name ([`Push::event`]; a name another instance sent when it came through the
    /// [fan-out](super::fanout)).
    pub event: Cow<'static, str>,
    /// `{"session", "data"}`.
    pub envelope: Value,
}

/// Fans pushes out to every connected client, SSE and socket.io alike, and, once
/// [`Realtime::fan_out`] is called, to the clients of the other instances. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Realtime {
    sender: broadcast::Sender<Pushed>,
    io: Arc<OnceLock<SocketIo>>,
    fanout: Arc<OnceLock<Fanout>>,
}

impl Default for Realtime {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(1024);
        Self {
            sender,
            io: Arc::default(),
            fanout: Arc::default(),
        }
    }
}

/// A [`Realtime`] that does not keep it alive (the fan-out's subscriber holds one, so that it
/// ends with the backend).
#[derive(Debug, Clone)]
pub(super) struct WeakRealtime {
    sender: broadcast::WeakSender<Pushed>,
    io: Weak<OnceLock<SocketIo>>,
    fanout: Weak<OnceLock<Fanout>>,
}

impl WeakRealtime {
    /// The hub, while any clone of it is alive.
    pub(super) fn upgrade(&self) -> Option<Realtime> {
        Some(Realtime {
            sender: self.sender.upgrade()?,
            io: self.io.upgrade()?,
            fanout: self.fanout.upgrade()?,
        })
    }
}

impl Realtime {
    pub(super) fn downgrade(&self) -> WeakRealtime {
        WeakRealtime {
            sender: self.sender.downgrade(),
            io: Arc::downgrade(&self.io),
            fanout: Arc::downgrade(&self.fanout),
        }
    }

    /// Sends a push to the session's clients: SSE subscribers and the socket.io room
    /// `session-{name}`, both with the same [envelope](Push::envelope); with a fan-out, the
    /// other instances' clients get it too (best-effort: see [`fanout`]).
    pub fn push(&self, session: &str, push: &Push) {
        let pushed = Pushed {
            session: session.to_owned(),
            event: Cow::Borrowed(push.event()),
            envelope: push.envelope(session),
        };
        if let Some(fanout) = self.fanout.get() {
            fanout.publish(&pushed);
        }
        self.deliver(pushed);
    }

    /// Hands a push to this instance's clients only (a push of this instance, or another's
    /// that came through the fan-out).
    pub(super) fn deliver(&self, pushed: Pushed) {
        if let Some(io) = self.io.get().cloned() {
            let (room, event, payload) = (
                format!("session-{}", pushed.session),
                pushed.event.clone(),
                pushed.envelope.clone(),
            );
            tokio::spawn(async move {
                if let Err(error) = io.to(room).emit(event, &payload).await {
                    tracing::debug!(%error, "socket.io emit failed");
                }
            });
        }
        let _ = self.sender.send(pushed);
    }

    /// Routes pushes to this socket.io server too.
    pub fn attach(&self, io: SocketIo) {
        let _ = self.io.set(io);
    }

    /// Shares pushes with the other instances through Redis pub/sub from now on: publishes
    /// this instance's, and delivers theirs to this instance's clients. Spawns the two tasks
    /// that do it on the current Tokio runtime; they reconnect whenever Redis drops. A second
    /// call is ignored.
    pub fn fan_out(&self, settings: fanout::Settings) {
        if self.fanout.get().is_some() {
            tracing::warn!("the fan-out is already running; the second one is ignored");
            return;
        }
        let _ = self.fanout.set(Fanout::start(settings, self));
    }

    /// The fan-out, when [`Realtime::fan_out`] started one.
    #[must_use]
    pub fn fanout(&self) -> Option<&Fanout> {
        self.fanout.get()
    }

    /// Whether a push can reach anyone: a client of this instance, or, with a fan-out, of
    /// another. When not, the caller may skip building it.
    #[must_use]
    pub fn is_heard(&self) -> bool {
        self.fanout.get().is_some() || self.clients() > 0
    }

    /// How many clients listen (SSE streams and socket.io sockets).
    #[must_use]
    pub fn clients(&self) -> usize {
        let sockets = self.io.get().map_or(0, |io| io.sockets().len());
        self.sender.receiver_count() + sockets
    }

    /// The events of one session (all with `None`).
    pub fn subscribe(
        &self,
        session: Option<String>,
    ) -> impl Stream<Item = Pushed> + Send + 'static {
        self.subscribe_where(session, |_| true)
    }

    /// The events of one session (all with `None`) whose session `granted` lets through at the
    /// moment each arrives (a user's roles: [`super::roles::Registry::push_filter`]).
    pub fn subscribe_where(
        &self,
        session: Option<String>,
        granted: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> impl Stream<Item = Pushed> + Send + 'static {
        BroadcastStream::new(self.sender.subscribe()).filter_map(move |item| {
            let wanted = match item {
                Ok(push)
                    if session.as_ref().is_none_or(|s| *s == push.session)
                        && granted(&push.session) =>
                {
                    Some(push)
                }
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
        self.sse_where(session, |_| true)
    }

    /// [`Realtime::sse`] of the pushes `granted` lets through ([`Realtime::subscribe_where`]).
    pub fn sse_where(
        &self,
        session: Option<String>,
        granted: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
        let stream = self.subscribe_where(session, granted).map(|pushed| {
            Ok(SseEvent::default()
                .event(pushed.event.as_ref())
                .data(pushed.envelope.to_string()))
        });
        Sse::new(stream).keep_alive(KeepAlive::default())
    }
}

/// `GET /api/events?session=`: the pushes of one session (all with no `session`) as
/// Server-Sent Events.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/events", get(events))
}

#[derive(Deserialize)]
struct EventsQuery {
    session: Option<String>,
}

async fn events(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let session = input::optional_session(query.session.as_deref())?;
    let granted = state.roles.push_filter(&caller);
    Ok(state.realtime.sse_where(session.map(String::from), granted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wppconnect_models::domain::SessionStatus;
    use wppconnect_models::Event;

    #[test]
    fn the_envelope_as_text_is_the_envelope() {
        let body = r#"{"event":"onmessage","session":"main","id":"false_1@c.us_AB","type":"chat",
            "body":"a \"quote\", a tab\t, é, 😀","from":"5511999999999@c.us","to":"5511888888888@c.us",
            "t":1700000000,"sender":{"id":"5511999999999@c.us","pushname":"Ana"}}"#;
        let Ok(Event::Message(message)) = Event::from_slice(body.as_bytes()) else {
            panic!("the body is a message");
        };
        let message = Message::from(message.as_ref());
        let session = Session {
            name: "main".to_owned(),
            status: SessionStatus::Connected,
            qr_code: None,
            last_connected: Some(1_700_000_000),
            phone_number: Some("5511888888888".to_owned()),
            phone_code: None,
        };
        let pushes = [
            Push::StatusUpdate(StatusUpdate::from(&message)),
            Push::NewMessage(Box::new(message)),
            Push::SessionStatus(session),
            Push::CampaignProgress(Box::new(super::super::campaigns::Progress {
                id: 7,
                session: "main".to_owned(),
                total: 3,
                queued: 1,
                sending: 0,
                sent: 1,
                failed: 0,
                unknown: 1,
                done: false,
            })),
        ];
        for push in pushes {
            let text = push.envelope_text("main");
            let parsed: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(parsed, push.envelope("main"), "{text}");
        }
    }
}
