//! Optional duplicate suppression over a bounded window of recent events.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use wppconnect_models::{Ack, Event, EventHead, EventKind, MessageId, SessionName};

/// What makes two events "the same" for suppression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    session: Option<String>,
    message_id: String,
    /// `onmessage` and `unreadmessages` share a class: the server replays unread messages at start.
    class: &'static str,
    /// Distinguishes real changes under one id: the ack level, a `ciphertext` copy, a reaction text.
    detail: String,
}

/// What the window keys: a parsed event, or the head of one the router did not parse.
pub(crate) trait Keyed {
    /// The event's key; `None` for events that are never suppressed.
    fn key(&self) -> Option<Key>;
}

impl Keyed for Event {
    fn key(&self) -> Option<Key> {
        let (ciphertext, ack) = match self {
            Event::Message(m) | Event::SelfMessage(m) | Event::UnreadMessage(m) => {
                (m.is_ciphertext(), None)
            }
            Event::Ack(a) => (false, Some(a.ack)),
            _ => (false, None),
        };
        key_of(
            self.kind(),
            self.session(),
            self.message_id(),
            ciphertext,
            ack,
        )
    }
}

impl Keyed for EventHead {
    fn key(&self) -> Option<Key> {
        key_of(
            self.kind,
            self.session.as_ref(),
            self.message_id.as_ref(),
            self.ciphertext,
            self.ack,
        )
    }
}

impl Keyed for Option<Key> {
    fn key(&self) -> Option<Key> {
        self.clone()
    }
}

fn key_of(
    kind: EventKind,
    session: Option<&SessionName>,
    message_id: Option<&MessageId>,
    ciphertext: bool,
    ack: Option<Ack>,
) -> Option<Key> {
    let (class, detail) = match kind {
        EventKind::Message | EventKind::UnreadMessage => ("message", ciphertext.to_string()),
        EventKind::SelfMessage => ("self", ciphertext.to_string()),
        EventKind::Ack => ("ack", ack?.code().to_string()),
        EventKind::Revoked => ("revoked", String::new()),
        _ => return None,
    };
    Some(Key {
        session: session.map(|s| s.as_str().to_owned()),
        message_id: message_id?.as_str().to_owned(),
        class,
        detail,
    })
}

/// Remembers the last `capacity` message-like events and refuses repeats.
///
/// Only messages, acks and revokes are keyed (by session, message id, kind and what changes
/// legitimately under one id); every other event always passes. The decrypted copy of a message
/// first seen as `ciphertext` has another key, so it is never dropped; a `ciphertext` copy that
/// comes after its decrypted twin is dropped.
#[derive(Debug)]
pub(crate) struct Dedupe {
    capacity: usize,
    inner: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    seen: HashSet<Key>,
    order: VecDeque<Key>,
}

impl Dedupe {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            inner: Mutex::new(Window::default()),
        }
    }

    /// Whether the event is new, and remembers it if it is, in one step: the fire-and-forget
    /// mode, where admission is delivery (into the subscribers' buffers).
    pub(crate) fn admit(&self, event: &impl Keyed) -> bool {
        let Some(key) = event.key() else {
            return true;
        };
        let mut window = self.window();
        if !window.is_new(&key) {
            return false;
        }
        window.insert(key, self.capacity);
        true
    }

    /// Whether the event is new, without remembering it: the awaited mode asks this before its
    /// handler runs and calls [`Dedupe::remember`] only once the handler succeeded, so an event
    /// that was not stored can be sent again. Two copies that race may both pass.
    pub(crate) fn is_new(&self, event: &impl Keyed) -> bool {
        match event.key() {
            Some(key) => self.window().is_new(&key),
            None => true,
        }
    }

    /// Remembers a delivered event, so later copies are refused by [`Dedupe::is_new`].
    pub(crate) fn remember(&self, event: &impl Keyed) {
        if let Some(key) = event.key() {
            self.window().insert(key, self.capacity);
        }
    }

    fn window(&self) -> std::sync::MutexGuard<'_, Window> {
        match self.inner.lock() {
            Ok(window) => window,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl Window {
    fn is_new(&self, key: &Key) -> bool {
        if self.seen.contains(key) {
            return false;
        }
        // A `ciphertext` copy that arrives after its decrypted twin (order is not guaranteed)
        // would replace real content by an empty body: the decrypted one wins.
        if key.detail == "true" && matches!(key.class, "message" | "self") {
            let decrypted = Key {
                detail: "false".to_owned(),
                ..key.clone()
            };
            if self.seen.contains(&decrypted) {
                return false;
            }
        }
        true
    }

    /// Adds a key (once), forgetting the oldest beyond `capacity`.
    fn insert(&mut self, key: Key, capacity: usize) {
        if self.seen.contains(&key) {
            // two racing copies were both delivered (awaited mode): keep one entry
            return;
        }
        if self.order.len() >= capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.seen.remove(&oldest);
            }
        }
        self.seen.insert(key.clone());
        self.order.push_back(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(kind: &str, id: &str, ty: &str) -> Event {
        Event::from_value(json!({"event": kind, "session": "s", "id": id, "type": ty, "body": ""}))
            .unwrap()
    }

    #[test]
    fn repeats_are_dropped_but_real_changes_pass() {
        let d = Dedupe::new(8);
        let id = "false_5511999999999@c.us_AAA";
        assert!(d.admit(&message("onmessage", id, "ciphertext")));
        assert!(
            d.admit(&message("onmessage", id, "chat")),
            "decrypted copy is not a duplicate"
        );
        assert!(!d.admit(&message("onmessage", id, "chat")));
        assert!(
            !d.admit(&message("unreadmessages", id, "chat")),
            "replayed unread message"
        );
        let ack = |n: i64| {
            Event::from_value(json!({"event": "onack", "session": "s", "ack": n,
                "id": {"fromMe": true, "remote": "5511999999999@c.us", "id": "B", "_serialized": "true_5511999999999@c.us_B"}}))
            .unwrap()
        };
        assert!(d.admit(&ack(1)));
        assert!(d.admit(&ack(2)));
        assert!(!d.admit(&ack(2)));
        let status =
            Event::from_value(json!({"event": "status-find", "session": "s", "status": "inChat"}))
                .unwrap();
        assert!(
            d.admit(&status) && d.admit(&status),
            "events without a message id always pass"
        );
    }

    #[test]
    fn a_late_ciphertext_copy_never_replaces_the_decrypted_message() {
        let d = Dedupe::new(8);
        let id = "false_5511999999999@c.us_LATE";
        assert!(d.admit(&message("onmessage", id, "chat")));
        assert!(!d.admit(&message("onmessage", id, "ciphertext")));
        assert!(
            d.admit(&message(
                "onmessage",
                "false_5511999999999@c.us_OTHER",
                "ciphertext"
            )),
            "a ciphertext copy of another message is new"
        );
    }

    #[test]
    fn a_head_has_the_key_of_its_event() {
        let ack = json!({"event": "onack", "session": "s", "ack": 3,
            "id": {"fromMe": true, "remote": "1@c.us", "id": "B", "_serialized": "true_1@c.us_B"}});
        for body in [
            json!({"event": "onmessage", "session": "s", "id": "false_1@c.us_A", "type": "chat"}),
            json!({"event": "onselfmessage", "id": "true_1@c.us_A", "type": "ciphertext"}),
            json!({"event": "onrevokedmessage", "session": "s", "refId": "false_1@c.us_A"}),
            json!({"event": "status-find", "session": "s", "status": "inChat"}),
            ack,
        ] {
            let bytes = body.to_string();
            let head = EventHead::from_slice(bytes.as_bytes()).unwrap();
            let event = Event::from_slice(bytes.as_bytes()).unwrap();
            assert_eq!(head.key(), event.key(), "{body}");
        }
        let d = Dedupe::new(8);
        let chat = message("onmessage", "false_1@c.us_H", "chat");
        d.remember(&chat.head());
        assert!(
            !d.is_new(&chat),
            "remembered by its head, refused as an event"
        );
    }

    #[test]
    fn the_window_is_bounded() {
        let d = Dedupe::new(2);
        assert!(d.admit(&message("onmessage", "false_1@c.us_A", "chat")));
        assert!(d.admit(&message("onmessage", "false_1@c.us_B", "chat")));
        assert!(d.admit(&message("onmessage", "false_1@c.us_C", "chat")));
        assert!(
            d.admit(&message("onmessage", "false_1@c.us_A", "chat")),
            "A fell out of the window"
        );
        assert!(!d.admit(&message("onmessage", "false_1@c.us_C", "chat")));
    }

    #[test]
    fn is_new_does_not_remember_until_remember_is_called() {
        let d = Dedupe::new(8);
        let id = "false_5511999999999@c.us_AWAIT";
        let chat = message("onmessage", id, "chat");
        assert!(d.is_new(&chat));
        assert!(d.is_new(&chat), "asking twice remembers nothing");
        d.remember(&chat);
        assert!(!d.is_new(&chat));
        assert!(!d.admit(&chat));
        assert!(
            !d.is_new(&message("unreadmessages", id, "chat")),
            "the replay class is shared"
        );
        assert!(
            !d.is_new(&message("onmessage", id, "ciphertext")),
            "a late ciphertext copy is refused once its decrypted twin is remembered"
        );
        // a ciphertext copy remembered first still lets the decrypted one through
        let other = "false_5511999999999@c.us_AWAIT2";
        d.remember(&message("onmessage", other, "ciphertext"));
        assert!(d.is_new(&message("onmessage", other, "chat")));
    }

    #[test]
    fn remembering_twice_keeps_one_entry_of_the_window() {
        let d = Dedupe::new(2);
        let a = message("onmessage", "false_1@c.us_A", "chat");
        let b = message("onmessage", "false_1@c.us_B", "chat");
        d.remember(&a);
        d.remember(&a);
        d.remember(&b);
        assert!(
            !d.is_new(&a),
            "A still fits: its repeat took no second slot"
        );
        assert!(!d.is_new(&b));
    }
}
