//! [`EventHead`]: what a webhook body says about itself, read without building the event.
//!
//! A receiver that keeps the body as it came (a journal, a queue) and builds the typed
//! [`Event`] later, on another thread, still has to know at once what it was sent: the kind,
//! the session, the message id (to drop a repeat), whether it is valid JSON at all. Reading
//! that takes one pass over the body that keeps none of the other fields (their keys and values
//! are decoded and dropped), about a third of the typed parse's time.
//!
//! ```
//! use wppconnect_models::{EventHead, EventKind};
//!
//! let body = br#"{"event":"onack","session":"main","id":{"fromMe":true,"remote":"5511999999999@c.us","id":"ABC","_serialized":"true_5511999999999@c.us_ABC"},"ack":3}"#;
//! let head = EventHead::from_slice(body)?;
//! assert_eq!(head.kind, EventKind::Ack);
//! assert_eq!(head.session.as_ref().map(|s| s.as_str()), Some("main"));
//! assert_eq!(head.message_id.as_ref().map(|id| id.as_str()), Some("true_5511999999999@c.us_ABC"));
//! assert_eq!(head.ack.map(|ack| ack.code()), Some(3));
//! # Ok::<(), wppconnect_models::EventError>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::event::{Event, EventError, EventKind};
use crate::id::{MessageId, SessionName};
use crate::message::{Ack, MessageType};

/// What a webhook body says about itself: its kind, its session and, for the events about one
/// message, the message's id and what may legitimately change under that id.
///
/// [`EventHead::from_slice`] accepts exactly the bodies [`Event::from_slice`] accepts, and
/// for every one of them gives what [`Event::head`] gives of the parsed event, with one
/// exception: a body whose `event` names a known kind but whose payload does not fit that
/// kind's struct (a field of the wrong type deep inside, a required field missing) keeps its
/// named kind here, and its message id and ack level, where the typed parse gives
/// [`EventKind::Unknown`] without them. The fields the head reads itself (a message's `id` and
/// `type`, an ack's `id` and `ack`, a reaction's `id` and `msgId`, a revoke's `refId`, a poll
/// vote's `msgId`) are checked: when one is missing or of another type, the typed parse decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventHead {
    /// The kind the `event` field names.
    pub kind: EventKind,
    /// The `session` field (not validated, as in [`Event::session`]).
    pub session: Option<SessionName>,
    /// The message the event is about, as [`Event::message_id`] tells it.
    pub message_id: Option<MessageId>,
    /// A message whose `type` is `ciphertext` (not decrypted yet: a decrypted copy may follow).
    pub ciphertext: bool,
    /// An ack's new state.
    pub ack: Option<Ack>,
}

impl EventHead {
    /// Reads the head of a webhook body, validating the whole body as JSON on the way.
    ///
    /// # Errors
    /// The errors of [`Event::from_slice`], for the same bodies.
    pub fn from_slice(body: &[u8]) -> Result<Self, EventError> {
        // UTF-8 checked once for the whole body, so that the strings need not be one by one
        if let Ok(text) = std::str::from_utf8(body) {
            let mut de = serde_json::Deserializer::from_str(text);
            if let Ok(Some(head)) = de.deserialize_map(HeadVisitor) {
                if de.end().is_ok() {
                    return Ok(head);
                }
            }
        }
        // anything out of the usual shape (`event` not first, a field of another type, the
        // `{instanceName, data}` envelope): the typed parse decides
        Event::from_slice(body).map(|event| event.head())
    }

    /// Sets the session when the body named none (e.g. from the webhook URL), as
    /// [`Event::fill_session`] does.
    pub fn fill_session(&mut self, session: &SessionName) {
        if self.session.is_none() {
            self.session = Some(session.clone());
        }
    }
}

impl Event {
    /// The event's [`EventHead`].
    #[must_use]
    pub fn head(&self) -> EventHead {
        let (ciphertext, ack) = match self {
            Self::Message(m) | Self::SelfMessage(m) | Self::UnreadMessage(m) => {
                (m.is_ciphertext(), None)
            }
            Self::Ack(a) => (false, Some(a.ack)),
            _ => (false, None),
        };
        EventHead {
            kind: self.kind(),
            session: self.session().cloned(),
            message_id: self.message_id().cloned(),
            ciphertext,
            ack,
        }
    }
}

/// Which fields of a kind's payload the head reads.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// `id` and `type`, both required.
    Message,
    /// `id` and `ack`, both required.
    Ack,
    /// `id` and `msgId`, both required; `id` is the message id.
    Reaction,
    /// `refId`, required.
    Revoked,
    /// `msgId`, required.
    PollResponse,
    /// The session only.
    Other,
}

impl Shape {
    fn of(kind: EventKind) -> Self {
        match kind {
            EventKind::Message | EventKind::SelfMessage | EventKind::UnreadMessage => Self::Message,
            EventKind::Ack => Self::Ack,
            EventKind::Reaction => Self::Reaction,
            EventKind::Revoked => Self::Revoked,
            EventKind::PollResponse => Self::PollResponse,
            _ => Self::Other,
        }
    }

    /// The key that holds the message id.
    fn id_key(self) -> Option<&'static str> {
        match self {
            Self::Message | Self::Ack | Self::Reaction => Some("id"),
            Self::Revoked => Some("refId"),
            Self::PollResponse => Some("msgId"),
            Self::Other => None,
        }
    }
}

/// The one-pass reader: `Ok(None)` means "let the typed parse decide".
struct HeadVisitor;

impl<'de> Visitor<'de> for HeadVisitor {
    type Value = Option<EventHead>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<Cow<'de, str>>()? {
            Some(key) if key == "event" => {}
            _ => return Ok(None),
        }
        let kind = EventKind::from_name(&map.next_value::<Cow<'de, str>>()?);
        let shape = Shape::of(kind);
        let mut head = EventHead {
            kind,
            session: None,
            message_id: None,
            ciphertext: false,
            ack: None,
        };
        let (mut kind_seen, mut reaction_target) = (false, false);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "event" {
                // a second `event`: the typed parse's JSON value keeps the last one
                return Ok(None);
            } else if key == "session" {
                head.session = map
                    .next_value::<Option<Cow<'de, str>>>()?
                    .map(SessionName::from_wire);
            } else if shape.id_key() == Some(&*key) {
                head.message_id = Some(map.next_value::<MessageId>()?);
            } else if shape == Shape::Message && key == "type" {
                head.ciphertext = map.next_value::<MessageType>()? == MessageType::Ciphertext;
                kind_seen = true;
            } else if shape == Shape::Ack && key == "ack" {
                head.ack = Some(map.next_value::<Ack>()?);
            } else if shape == Shape::Reaction && key == "msgId" {
                map.next_value::<MessageId>()?;
                reaction_target = true;
            } else {
                map.next_value::<Checked>()?;
            }
        }
        let complete = match shape {
            Shape::Message => kind_seen && head.message_id.is_some(),
            Shape::Ack => head.ack.is_some() && head.message_id.is_some(),
            Shape::Reaction => reaction_target && head.message_id.is_some(),
            Shape::Revoked | Shape::PollResponse => head.message_id.is_some(),
            Shape::Other => true,
        };
        Ok(complete.then_some(head))
    }
}

/// Any JSON value, read through and dropped: every string is decoded (escapes and UTF-8
/// checked) and every number parsed, as a [`serde_json::Value`] would be, without keeping them.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Checked)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Self;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self, E> {
        Ok(Self)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self, E> {
        Ok(Self)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self, E> {
        Ok(Self)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self, E> {
        Ok(Self)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self, E> {
        Ok(Self)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self, E> {
        Ok(Self)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self, E> {
        Ok(Self)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self, D::Error> {
        Self::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<Self>()?.is_some() {}
        Ok(Self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        while map.next_entry::<Self, Self>()?.is_some() {}
        Ok(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn both(body: &serde_json::Value) -> (Result<EventHead, String>, Result<EventHead, String>) {
        let bytes = body.to_string();
        (
            EventHead::from_slice(bytes.as_bytes()).map_err(|e| e.to_string()),
            Event::from_slice(bytes.as_bytes())
                .map(|e| e.head())
                .map_err(|e| e.to_string()),
        )
    }

    #[test]
    fn a_message_without_its_required_fields_reads_as_the_typed_parse_does() {
        for body in [
            json!({"event": "onmessage", "session": "s", "body": "no id"}),
            json!({"event": "onmessage", "session": "s", "id": "false_1@c.us_A"}),
            json!({"event": "onack", "session": "s", "id": "true_1@c.us_A"}),
            json!({"event": "onrevokedmessage", "session": "s"}),
            json!({"event": "onreactionmessage", "session": "s", "id": "true_1@c.us_A"}),
        ] {
            let (head, typed) = both(&body);
            assert_eq!(head, typed, "{body}");
            assert_eq!(head.map(|h| h.kind), Ok(EventKind::Unknown), "{body}");
        }
    }

    #[test]
    fn fields_of_another_type_and_odd_shapes_go_the_typed_way() {
        for body in [
            json!({"session": "s", "event": "onmessage", "id": "false_1@c.us_A", "type": "chat"}),
            json!({"event": "onmessage", "session": 7, "id": "false_1@c.us_A", "type": "chat"}),
            json!({"event": "onack", "session": "s", "id": "true_1@c.us_A", "ack": "three"}),
            json!({"event": 5, "session": "s"}),
            json!({"instanceName": "s", "data": {"id": "false_1@c.us_A", "type": "chat"}}),
            json!({"event": "onstatusfind", "session": null, "status": "inChat"}),
        ] {
            let (head, typed) = both(&body);
            assert_eq!(head, typed, "{body}");
        }
        // two `event` keys (a JSON value keeps the last): the typed parse decides
        let twice = r#"{"event":"x","session":"s","event":"onmessage","id":"false_1@c.us_A","type":"chat"}"#;
        let head = EventHead::from_slice(twice.as_bytes()).unwrap();
        assert_eq!(head, Event::from_slice(twice.as_bytes()).unwrap().head());
        assert_eq!(head.kind, EventKind::Message);
    }

    #[test]
    fn what_the_typed_parse_refuses_is_refused() {
        for body in [
            &b"not json"[..],
            b"[1,2]",
            b"{\"session\":\"s\"}",
            b"{\"event\":\"onmessage\",\"x\":\"\\q\"}",
            b"{\"event\":\"onmessage\",\"x\":\"\xff\"}",
            b"{\"event\":\"onmessage\",\"x\":1e400}",
            b"{\"event\":\"onmessage\",\"x\":\"\\ud800\"}",
            b"{\"event\":\"onmessage\"} trailing",
            b"{\"event\":\"onmessage\",",
        ] {
            let head = EventHead::from_slice(body);
            let typed = Event::from_slice(body);
            assert!(head.is_err(), "{}", String::from_utf8_lossy(body));
            assert_eq!(
                head.map_err(|e| e.to_string()).err(),
                typed.map_err(|e| e.to_string()).err()
            );
        }
    }

    #[test]
    fn a_ciphertext_copy_and_an_ack_level_are_told() {
        let (head, typed) = both(
            &json!({"event": "onmessage", "session": "s", "id": "false_1@c.us_A", "type": "ciphertext"}),
        );
        assert_eq!(head, typed);
        assert!(head.is_ok_and(|h| h.ciphertext));
        let mut head = EventHead::from_slice(
            br#"{"event":"onack","id":"true_1@c.us_A","ack":-1,"extra":[{"a":[null,true,1.5]}]}"#,
        )
        .unwrap();
        assert_eq!(head.ack.map(Ack::code), Some(-1));
        head.fill_session(&SessionName::new("from-url").unwrap());
        assert_eq!(head.session.unwrap().as_str(), "from-url");
    }
}
