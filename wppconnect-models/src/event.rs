//! Webhook events: one [`Event`] enum keyed by the payload's `event` field.
//!
//! WPPConnect Server posts one flat JSON object per event: `{"event": …, "session": …, …fields}`.
//! [`Event`] covers all 17 event names of server 2.10.4 and ends in [`Event::Unknown`], which keeps
//! the whole payload of an event this version does not know, or of a known event whose body does
//! not fit its struct. Nothing is dropped, and serialising a parsed event gives back a JSON value
//! equal to the one received.
//!
//! ```
//! use wppconnect_models::{Event, EventKind};
//! let body = br#"{"event":"status-find","session":"main","status":"inChat"}"#;
//! let event = Event::from_slice(body)?;
//! assert_eq!(event.kind(), EventKind::StatusFind);
//! assert_eq!(event.session().map(|s| s.as_str()), Some("main"));
//! # Ok::<(), wppconnect_models::EventError>(())
//! ```

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Number, Value};

use crate::macros::{string_enum, wire_deserialize};
use crate::{
    Ack, ChatId, Message, MessageId, MessageType, Millis, Seconds, SessionName, StatusFind,
};

/// Why a webhook body is not an event at all. (A body that is an event but does not fit its
/// struct is not an error: it becomes [`Event::Unknown`].)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The body is not valid JSON.
    #[error("body is not valid JSON")]
    Json(#[source] serde_json::Error),
    /// The body is JSON but not an object.
    #[error("body is not a JSON object")]
    NotAnObject,
    /// The object has no string `event` field (and is not a `{instanceName, data}` envelope).
    #[error("body has no string `event` field")]
    MissingEvent,
}

// ---------------------------------------------------------------------------------------------
// Payload structs

fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `status-find`: a login-state change of the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusFindEvent {
    /// The session; missing when a closed session is started again in the same server process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// The new state.
    pub status: StatusFind,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `qrcode`: a new QR code to scan (refreshed about every 20 s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QrCodeEvent {
    /// The session (may be missing, see [`StatusFindEvent::session`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Base64 PNG **without** the `data:` prefix.
    pub qrcode: String,
    /// The text encoded in the QR code, to render at any size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urlcode: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `phoneCode`: a pairing code to type on the phone ("Link with phone number").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneCodeEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// The 8-character code.
    pub phone_code: String,
    /// The number given to start-session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `onack`: a message's delivery state changed. The raw message model: `id` is a `MsgKey`
/// object; `chatId`, `fromMe`, `sender` are absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AckEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// The message; compare with the id a send returned.
    pub id: MessageId,
    /// The new state.
    pub ack: Ack,
    /// The message's body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The message's type.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub kind: Option<MessageType>,
    /// Send time, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<Seconds>,
    /// Sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<ChatId>,
    /// Recipient chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<ChatId>,
    /// Author (groups, own messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<ChatId>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

wire_deserialize!(AckEvent {
    required: [id => "id", ack => "ack"],
    optional: [
        session => "session",
        body => "body",
        kind => "type",
        t => "t",
        from => "from",
        to => "to",
        author => "author",
    ],
});

string_enum! {
    /// A presence `state`.
    pub enum PresenceState {
        /// Online.
        Available => "available",
        /// Offline.
        Unavailable => "unavailable",
        /// Typing.
        Composing => "composing",
        /// Recording audio.
        Recording => "recording",
    }
}

/// Who is typing or recording in a group presence event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceParticipant {
    /// The participant.
    pub id: ChatId,
    /// Their state.
    pub state: PresenceState,
    /// Their short name, or `""`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `onpresencechanged`: a subscribed contact or group changed presence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Contact or group.
    pub id: ChatId,
    /// The state.
    pub state: PresenceState,
    /// Whether online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_online: Option<bool>,
    /// Whether `id` is a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_group: Option<bool>,
    /// Short name or `""`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// Event time, **milliseconds**.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<Millis>,
    /// Groups: who is typing or recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<PresenceParticipant>>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

string_enum! {
    /// What happened to group participants (`action`, `operation`).
    pub enum ParticipantAction {
        /// Added by an admin.
        Add => "add",
        /// Removed by an admin.
        Remove => "remove",
        /// Admin rights revoked.
        Demote => "demote",
        /// Made admin.
        Promote => "promote",
        /// Left by themselves.
        Leaver => "leaver",
        /// Joined by link.
        Join => "join",
    }
}

/// `onparticipantschanged`: someone joined, left, was added, removed, promoted or demoted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantsEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// The group.
    pub group_id: ChatId,
    /// What happened.
    pub action: ParticipantAction,
    /// The underlying operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<ParticipantAction>,
    /// Affected participant ids, kept as opaque strings (old servers sent `[object Object]`).
    #[serde(default)]
    pub who: Vec<String>,
    /// Who did it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<ChatId>,
    /// Their push name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_push_name: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `onreactionmessage`: an emoji reaction was added, changed or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReactionEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Id of the reaction itself (its participant or remote tells who reacted).
    pub id: MessageId,
    /// The message reacted to.
    pub msg_id: MessageId,
    /// The emoji; `""` when the reaction was removed.
    #[serde(default)]
    pub reaction_text: String,
    /// Whether read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
    /// Non-zero when the target message is not loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphan: Option<i64>,
    /// Event time, **milliseconds**.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Millis>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `onrevokedmessage`: a message was deleted for everyone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokedEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// The chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<ChatId>,
    /// Recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<ChatId>,
    /// Who deleted it (groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<ChatId>,
    /// Id of the revoke notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<MessageId>,
    /// Id of the **deleted** message: match this against stored ids.
    pub ref_id: MessageId,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One chosen poll option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollOption {
    /// Option text.
    pub name: String,
    /// Option id, also its index in `selectedOptions`.
    pub local_id: i64,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `onpollresponse`: a vote was cast or changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollResponseEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// The poll message.
    pub msg_id: MessageId,
    /// The chat of the poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<ChatId>,
    /// **Sparse**, indexed by option `localId`: `None` where not chosen. Empty = vote withdrawn.
    #[serde(default)]
    pub selected_options: Vec<Option<PollOption>>,
    /// Event time, **milliseconds**.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Millis>,
    /// The voter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<ChatId>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PollResponseEvent {
    /// The chosen options, without the gaps.
    pub fn choices(&self) -> impl Iterator<Item = &PollOption> {
        self.selected_options.iter().flatten()
    }
}

string_enum! {
    /// Whether a label was added or removed.
    pub enum LabelAction {
        /// Added.
        Add => "add",
        /// Removed.
        Remove => "remove",
    }
}

/// A WhatsApp Business label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    /// Label id.
    pub id: String,
    /// Label name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Colour as `#RRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex_color: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `onupdatelabel`: a label was added to or removed from a chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelUpdateEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Raw chat attributes (`id`, `name`, `labels`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<Map<String, Value>>,
    /// Label ids concerned.
    #[serde(default)]
    pub ids: Vec<String>,
    /// The labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Added or removed.
    #[serde(rename = "type")]
    pub action: LabelAction,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl LabelUpdateEvent {
    /// The chat's id, read from the raw chat attributes.
    #[must_use]
    pub fn chat_id(&self) -> Option<ChatId> {
        ChatId::deserialize(self.chat.as_ref()?.get("id")?).ok()
    }
}

/// `incomingcall`: an incoming voice or video call offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Call id (for `reject-call`).
    pub id: String,
    /// The caller.
    pub peer_jid: ChatId,
    /// Offer time, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_time: Option<Seconds>,
    /// Video call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_video: Option<bool>,
    /// Group call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_group: Option<bool>,
    /// The group of a group call: outer `None` when absent, `Some(None)` when `null`.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_jid: Option<Option<ChatId>>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

string_enum! {
    /// The `type` of a live-location event.
    pub enum LiveLocationType {
        /// Sharing started.
        Enable => "enable",
        /// Position update.
        Update => "update",
        /// Sharing ended (the server's spelling).
        Disable => "disablle",
    }
}

/// `location`: live-location start, update or end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveLocationEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Start, update or end.
    #[serde(rename = "type")]
    pub kind: LiveLocationType,
    /// The contact sharing.
    pub id: ChatId,
    /// Latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<Number>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<Number>,
    /// Every other field (`accuracy`, `speed`, `degrees`, `elapsed`, `lastUpdated`, `chat`…).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `closesession` and `logoutsession`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionClosedEvent {
    /// The session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// `Session: <name> disconnected` / `… logged out`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Always `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected: Option<bool>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An event this version does not model, or a known one whose body did not fit; kept whole.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    /// The `event` field.
    pub event: String,
    /// The `session` field, when it is a string.
    pub session: Option<SessionName>,
    /// The whole payload as received.
    pub raw: Value,
}

// ---------------------------------------------------------------------------------------------
// Event and EventKind

macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident($payload:ty) => $name:literal, )+) => {
        /// A webhook event of WPPConnect Server, keyed by its `event` field.
        ///
        /// Large payloads are boxed. [`Event::Unknown`] keeps anything this version does not
        /// model. Parse with [`Event::from_slice`] (fastest), [`Event::from_value`] or serde.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            $( $(#[$doc])* $variant($payload), )+
            /// Any other event, or a known one whose body did not fit; the payload is kept whole.
            Unknown(UnknownEvent),
        }

        /// The kind of an [`Event`], without its data: for filters and metrics.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventKind {
            $( $(#[$doc])* $variant, )+
            /// An event name this version does not know.
            Unknown,
        }

        impl EventKind {
            /// Every known kind.
            pub const ALL: &'static [EventKind] = &[$(Self::$variant),+];

            /// The `event` name the server uses (`"unknown"` for [`EventKind::Unknown`]).
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $name, )+
                    Self::Unknown => "unknown",
                }
            }

            /// The kind for an `event` name.
            #[must_use]
            pub fn from_name(name: &str) -> Self {
                match name {
                    $( $name => Self::$variant, )+
                    _ => Self::Unknown,
                }
            }
        }

        impl Event {
            /// The fieldless kind.
            #[must_use]
            pub fn kind(&self) -> EventKind {
                match self {
                    $( Self::$variant(_) => EventKind::$variant, )+
                    Self::Unknown(_) => EventKind::Unknown,
                }
            }

            /// The session the event belongs to, when the payload names it (the server omits it
            /// for events of a session restarted after close-session).
            #[must_use]
            pub fn session(&self) -> Option<&SessionName> {
                match self {
                    $( Self::$variant(p) => p.session.as_ref(), )+
                    Self::Unknown(u) => u.session.as_ref(),
                }
            }

            /// Sets the session when the payload did not name one (e.g. from the webhook URL).
            pub fn fill_session(&mut self, session: &SessionName) {
                let slot = match self {
                    $( Self::$variant(p) => &mut p.session, )+
                    Self::Unknown(u) => &mut u.session,
                };
                if slot.is_none() {
                    *slot = Some(session.clone());
                }
            }

            fn typed(kind: EventKind, raw: &Value) -> Option<Result<Self, serde_json::Error>> {
                Some(match kind {
                    $( EventKind::$variant => <$payload>::deserialize(raw).map(Self::$variant), )+
                    EventKind::Unknown => return None,
                })
            }

            fn typed_map<'de, A: MapAccess<'de>>(kind: EventKind, map: A) -> Result<Self, A::Error> {
                let de = MapAccessDeserializer::new(map);
                match kind {
                    $( EventKind::$variant => <$payload>::deserialize(de).map(Self::$variant), )+
                    EventKind::Unknown => Err(de::Error::custom("unknown event kind")),
                }
            }
        }

        impl Serialize for Event {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(p) => Tagged { event: $name, payload: p }.serialize(serializer), )+
                    Self::Unknown(u) => u.raw.serialize(serializer),
                }
            }
        }
    };
}

events! {
    /// `onmessage`: a new message not written by this account.
    Message(Box<Message>) => "onmessage",
    /// `onselfmessage`: a message written by this account (server switch `onSelfMessage`).
    SelfMessage(Box<Message>) => "onselfmessage",
    /// `unreadmessages`: an unread message replayed at start (switch `allUnreadOnStart`).
    UnreadMessage(Box<Message>) => "unreadmessages",
    /// `onack`: a message's delivery state changed.
    Ack(Box<AckEvent>) => "onack",
    /// `status-find`: login-state change.
    StatusFind(StatusFindEvent) => "status-find",
    /// `qrcode`: a new QR code to scan.
    QrCode(QrCodeEvent) => "qrcode",
    /// `phoneCode`: a pairing code.
    PhoneCode(PhoneCodeEvent) => "phoneCode",
    /// `incomingcall`: an incoming call.
    IncomingCall(CallEvent) => "incomingcall",
    /// `onpresencechanged`: online, typing, recording.
    Presence(PresenceEvent) => "onpresencechanged",
    /// `onreactionmessage`: an emoji reaction.
    Reaction(ReactionEvent) => "onreactionmessage",
    /// `onrevokedmessage`: a message deleted for everyone.
    Revoked(RevokedEvent) => "onrevokedmessage",
    /// `onpollresponse`: a poll vote.
    PollResponse(PollResponseEvent) => "onpollresponse",
    /// `onparticipantschanged`: group membership changed.
    ParticipantsChanged(ParticipantsEvent) => "onparticipantschanged",
    /// `onupdatelabel`: a chat label changed.
    LabelUpdate(LabelUpdateEvent) => "onupdatelabel",
    /// `location`: live-location update.
    LiveLocation(LiveLocationEvent) => "location",
    /// `closesession`: the session was closed.
    SessionClosed(SessionClosedEvent) => "closesession",
    /// `logoutsession`: the session was logged out.
    LoggedOut(SessionClosedEvent) => "logoutsession",
}

#[derive(Serialize)]
struct Tagged<'a, T> {
    event: &'static str,
    #[serde(flatten)]
    payload: &'a T,
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Event {
    /// Parses a webhook body.
    ///
    /// The server always writes `event` first; then the payload is read straight into its struct
    /// in one pass. Otherwise (or when a known event does not fit its struct) the body is read as a
    /// [`Value`] and handled as in [`Event::from_value`].
    ///
    /// # Errors
    /// [`EventError`] when the body is not JSON, not an object, or has no `event`.
    pub fn from_slice(body: &[u8]) -> Result<Self, EventError> {
        let mut de = serde_json::Deserializer::from_slice(body);
        if let Ok(Some(event)) = de.deserialize_map(FastVisitor) {
            if de.end().is_ok() {
                return Ok(event);
            }
        }
        let raw: Value = serde_json::from_slice(body).map_err(EventError::Json)?;
        Self::from_value(raw)
    }

    /// Builds an event from a parsed JSON value. Also accepts the product design's envelope
    /// `{"instanceName": …, "data": {…message…}}` as a message event.
    ///
    /// # Errors
    /// [`EventError::NotAnObject`] or [`EventError::MissingEvent`].
    pub fn from_value(raw: Value) -> Result<Self, EventError> {
        let Value::Object(mut object) = raw else {
            return Err(EventError::NotAnObject);
        };
        let name = match object.remove("event") {
            Some(Value::String(name)) => name,
            other => {
                if let Some(event) = other {
                    object.insert("event".to_owned(), event);
                }
                return Self::from_envelope(&object).ok_or(EventError::MissingEvent);
            }
        };
        let kind = EventKind::from_name(&name);
        let mut payload = Value::Object(object);
        match Self::typed(kind, &payload) {
            Some(Ok(event)) => return Ok(event),
            Some(Err(error)) => {
                tracing::warn!(event = %name, %error, "known webhook event did not fit its type; delivered as Unknown");
            }
            None => {}
        }
        if let Value::Object(object) = &mut payload {
            object.insert("event".to_owned(), Value::String(name));
        }
        Ok(Self::unknown(payload))
    }

    fn from_envelope(object: &Map<String, Value>) -> Option<Self> {
        let data = object.get("data")?;
        let mut message = Message::deserialize(data).ok()?;
        if message.session.is_none() {
            message.session = object
                .get("instanceName")
                .or_else(|| object.get("session"))
                .and_then(Value::as_str)
                .map(SessionName::from_wire);
        }
        Some(Self::Message(Box::new(message)))
    }

    fn unknown(raw: Value) -> Self {
        let event = raw
            .get("event")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let session = raw
            .get("session")
            .and_then(Value::as_str)
            .map(SessionName::from_wire);
        Self::Unknown(UnknownEvent {
            event,
            session,
            raw,
        })
    }

    /// The `event` name as received.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Unknown(u) => &u.event,
            other => other.kind().as_str(),
        }
    }

    /// The message of `onmessage`, `onselfmessage` and `unreadmessages`.
    #[must_use]
    pub fn message(&self) -> Option<&Message> {
        match self {
            Self::Message(m) | Self::SelfMessage(m) | Self::UnreadMessage(m) => Some(m),
            _ => None,
        }
    }

    /// The id of the message the event is about: the message itself, the acknowledged message,
    /// the reaction, the deleted message (`refId`) or the poll.
    #[must_use]
    pub fn message_id(&self) -> Option<&MessageId> {
        match self {
            Self::Message(m) | Self::SelfMessage(m) | Self::UnreadMessage(m) => Some(&m.id),
            Self::Ack(a) => Some(&a.id),
            Self::Reaction(r) => Some(&r.id),
            Self::Revoked(r) => Some(&r.ref_id),
            Self::PollResponse(p) => Some(&p.msg_id),
            _ => None,
        }
    }

    /// Serialises the event back to the JSON value the server sent.
    #[must_use]
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// One-pass reader used by [`Event::from_slice`]: `Ok(None)` means "take the slow path".
struct FastVisitor;

impl<'de> Visitor<'de> for FastVisitor {
    type Value = Option<Event>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<std::borrow::Cow<'de, str>>()? {
            Some(key) if key == "event" => {}
            _ => return Ok(None),
        }
        let name = map.next_value::<std::borrow::Cow<'de, str>>()?;
        let kind = EventKind::from_name(&name);
        if kind == EventKind::Unknown {
            return Ok(None);
        }
        Event::typed_map(kind, map).map(Some)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        Self::from_value(raw).map_err(de::Error::custom)
    }
}

impl std::str::FromStr for Event {
    type Err = EventError;
    fn from_str(s: &str) -> Result<Self, EventError> {
        Self::from_slice(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_round_trips_by_name() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_name(kind.as_str()), *kind);
        }
        assert_eq!(EventKind::from_name("onsomethingnew"), EventKind::Unknown);
        assert_eq!(EventKind::ALL.len(), 17);
    }

    #[test]
    fn unknown_event_is_kept_whole() {
        let raw = json!({"event": "onnewthing", "session": "s", "x": [1, 2]});
        let event = Event::from_value(raw.clone()).unwrap();
        assert_eq!(event.kind(), EventKind::Unknown);
        assert_eq!(event.name(), "onnewthing");
        assert_eq!(event.session().unwrap().as_str(), "s");
        assert_eq!(event.to_value(), raw);
        let fast = Event::from_slice(raw.to_string().as_bytes()).unwrap();
        assert_eq!(fast, event);
    }

    #[test]
    fn known_event_that_does_not_fit_becomes_unknown() {
        let raw = json!({"event": "onack", "session": "s", "id": 5, "ack": "x"});
        let event = Event::from_slice(raw.to_string().as_bytes()).unwrap();
        assert_eq!(event.kind(), EventKind::Unknown);
        assert_eq!(event.name(), "onack");
        assert_eq!(event.to_value(), raw);
    }

    #[test]
    fn event_not_first_takes_the_slow_path() {
        let raw = json!({"session": "s", "status": "inChat", "event": "status-find"});
        let event = Event::from_slice(raw.to_string().as_bytes()).unwrap();
        assert_eq!(event.kind(), EventKind::StatusFind);
        assert_eq!(event.to_value(), raw);
    }

    #[test]
    fn bad_bodies_are_errors() {
        assert!(matches!(Event::from_slice(b"{"), Err(EventError::Json(_))));
        assert!(matches!(
            Event::from_slice(b"[1]"),
            Err(EventError::NotAnObject)
        ));
        assert!(matches!(
            Event::from_slice(b"\"onmessage\""),
            Err(EventError::NotAnObject)
        ));
        assert!(matches!(
            Event::from_slice(b"{\"session\":\"s\"}"),
            Err(EventError::MissingEvent)
        ));
        assert!(matches!(
            Event::from_slice(b"{\"event\":3}"),
            Err(EventError::MissingEvent)
        ));
        assert!(matches!(
            Event::from_slice(b"{\"event\":\"status-find\",\"status\":\"inChat\"} x"),
            Err(EventError::Json(_))
        ));
    }

    #[test]
    fn design_envelope_is_a_message_event() {
        let raw = json!({
            "instanceName": "main",
            "data": {"id": "false_5511999999999@c.us_ABC", "type": "chat", "body": "oi", "from": "5511999999999@c.us"}
        });
        let event = Event::from_value(raw).unwrap();
        assert_eq!(event.kind(), EventKind::Message);
        assert_eq!(event.session().unwrap().as_str(), "main");
        assert_eq!(event.message().unwrap().body.as_deref(), Some("oi"));
    }

    #[test]
    fn missing_session_can_be_filled() {
        let mut event =
            Event::from_slice(br#"{"event":"status-find","status":"isLogged"}"#).unwrap();
        assert!(event.session().is_none());
        event.fill_session(&SessionName::from_wire("main"));
        assert_eq!(event.session().unwrap().as_str(), "main");
    }
}
