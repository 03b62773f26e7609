//! The product design's domain models: what an application stores and shows, built from the wire
//! types. JSON in camelCase, as the design's front end expects.
//!
//! ```
//! use wppconnect_models::{domain, Event};
//! let body = br#"{"event":"onmessage","session":"main","id":"false_5511999999999@c.us_ABC",
//!   "type":"chat","body":"Oi","t":1795525512,"from":"5511999999999@c.us","to":"5511900000001@c.us",
//!   "chatId":"5511999999999@c.us","fromMe":false,"notifyName":"Maria","ack":1}"#;
//! let event = Event::from_slice(body)?;
//! let message = domain::Message::from(event.message().unwrap());
//! assert_eq!(message.content, "Oi");
//! assert_eq!(message.conversation_id, "5511999999999@c.us");
//! assert_eq!(message.status, domain::MessageStatus::Sent);
//! # Ok::<(), wppconnect_models::EventError>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::{Ack, Chat, ChatKind, MessageType, SessionState, StatusFind};

/// Delivery status of a message, from its `ack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Not yet accepted by WhatsApp (ack 0) or not yet answered by the server.
    Pending,
    /// Accepted by WhatsApp's server (ack 1).
    Sent,
    /// Delivered to the recipient's device (ack 2).
    Delivered,
    /// Read or played (ack 3, 4, 5).
    Read,
    /// Failed (negative ack, or the send call failed).
    Failed,
}

impl MessageStatus {
    /// Whether going from `self` to `next` moves forward. A status never goes backwards
    /// (read stays read); `Failed` is final, and only a pending message can fail.
    #[must_use]
    pub fn can_become(self, next: Self) -> bool {
        match (self, next) {
            (Self::Failed, _) => false,
            (Self::Pending, Self::Failed) => true,
            (_, Self::Failed) => false,
            (current, next) => next > current,
        }
    }
}

impl From<Ack> for MessageStatus {
    fn from(ack: Ack) -> Self {
        match ack.code() {
            i64::MIN..=-1 => Self::Failed,
            0 => Self::Pending,
            1 => Self::Sent,
            2 => Self::Delivered,
            _ => Self::Read,
        }
    }
}

/// A message as the application sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Serialized message id.
    pub id: String,
    /// The chat id of the conversation.
    pub conversation_id: String,
    /// Who wrote it.
    pub sender_id: String,
    /// The author's display name, when known.
    pub sender_name: Option<String>,
    /// Text or caption (empty for media without caption).
    pub content: String,
    /// The wire type (`chat`, `image`…).
    pub message_type: MessageType,
    /// Send time, Unix seconds.
    pub timestamp: i64,
    /// Delivery status.
    pub status: MessageStatus,
    /// Whether this account wrote it.
    pub is_from_me: bool,
    /// Id of the quoted message, for replies.
    pub quoted_message: Option<String>,
    /// Where the media can be fetched, when the payload tells (S3 URL).
    pub media_url: Option<String>,
}

impl From<&crate::Message> for Message {
    fn from(m: &crate::Message) -> Self {
        let conversation_id = m.chat().map(String::from).unwrap_or_default();
        let sender_id = if m.is_from_me() {
            m.author.as_ref().or(m.from.as_ref())
        } else {
            m.author_id()
        }
        .map(|id| id.as_str().to_owned())
        .unwrap_or_default();
        Self {
            id: m.id.as_str().to_owned(),
            conversation_id,
            sender_id,
            sender_name: m.sender_name().map(str::to_owned),
            content: m.text().unwrap_or_default().to_owned(),
            message_type: m.kind.clone(),
            timestamp: m.time().map_or(0, crate::Seconds::get),
            status: m.ack.map_or(MessageStatus::Pending, MessageStatus::from),
            is_from_me: m.is_from_me(),
            quoted_message: m
                .quoted_msg_id
                .as_ref()
                .or_else(|| m.quoted_msg.as_ref().and_then(|q| q.id.as_ref()))
                .map(|id| id.as_str().to_owned()),
            media_url: m.file_url.clone(),
        }
    }
}

/// A member of a group conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// The member's id.
    pub id: String,
    /// Whether an admin.
    pub is_admin: bool,
    /// Whether the group's creator.
    pub is_super_admin: bool,
}

/// A conversation (chat) as the application lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// The chat id.
    pub id: String,
    /// Contact name or group subject.
    pub name: Option<String>,
    /// Phone number (digits) of a private chat.
    pub phone_number: Option<String>,
    /// Whether a group.
    pub is_group: bool,
    /// Preview of the last message.
    pub last_message: Option<String>,
    /// Time of the last activity, Unix seconds.
    pub last_message_time: Option<i64>,
    /// Unread messages.
    pub unread_count: i64,
    /// Group members.
    pub participants: Vec<Participant>,
}

impl From<&Chat> for Conversation {
    fn from(chat: &Chat) -> Self {
        let participants = chat
            .group_metadata
            .as_ref()
            .and_then(|meta| meta.get("participants"))
            .and_then(|p| p.as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|p| {
                        let id = crate::ChatId::deserialize(p.get("id")?).ok()?;
                        let flag = |key: &str| {
                            p.get(key)
                                .and_then(serde_json::Value::as_bool)
                                .unwrap_or(false)
                        };
                        Some(Participant {
                            id: id.as_str().to_owned(),
                            is_admin: flag("isAdmin"),
                            is_super_admin: flag("isSuperAdmin"),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let name = chat.name.clone().filter(|n| !n.is_empty()).or_else(|| {
            chat.contact
                .as_deref()
                .and_then(|c| c.display_name())
                .map(str::to_owned)
        });
        Self {
            id: chat.id.as_str().to_owned(),
            name,
            phone_number: chat.id.phone_number().map(String::from),
            is_group: chat
                .is_group
                .unwrap_or_else(|| chat.id.kind() == ChatKind::Group),
            last_message: None,
            last_message_time: chat.t.map(crate::Seconds::get),
            unread_count: chat.unread_count.unwrap_or(0),
            participants,
        }
    }
}

/// A contact as the application shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The contact id.
    pub id: String,
    /// Best display name.
    pub name: Option<String>,
    /// Phone number (digits), when the id is a phone number.
    pub phone_number: Option<String>,
    /// Whether a business account.
    pub is_business: bool,
}

impl From<&crate::Contact> for Contact {
    fn from(c: &crate::Contact) -> Self {
        Self {
            id: c.id.as_str().to_owned(),
            name: c.display_name().map(str::to_owned),
            phone_number: c.id.phone_number().map(String::from),
            is_business: c.is_business.unwrap_or(false),
        }
    }
}

/// Connection state of a session, simplified for a user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    /// Not running.
    Disconnected,
    /// Starting, or waiting for a QR scan or pairing code.
    Connecting,
    /// Logged in (session restored or QR scanned), chat list loading.
    Authenticated,
    /// Usable.
    Connected,
}

impl From<&crate::SessionStatus> for SessionStatus {
    fn from(status: &crate::SessionStatus) -> Self {
        use crate::SessionStatus as S;
        match status {
            S::Connected => Self::Connected,
            S::Initializing | S::QrCode | S::PhoneCode | S::QrCodeLowercase | S::PhoneCodeCamel => {
                Self::Connecting
            }
            _ => Self::Disconnected,
        }
    }
}

impl From<&StatusFind> for SessionStatus {
    fn from(status: &StatusFind) -> Self {
        match status {
            StatusFind::InChat => Self::Connected,
            StatusFind::IsLogged | StatusFind::QrReadSuccess => Self::Authenticated,
            StatusFind::NotLogged | StatusFind::PhoneNotConnected => Self::Connecting,
            _ => Self::Disconnected,
        }
    }
}

/// A WhatsApp session as the application shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Session name.
    pub name: String,
    /// Connection state.
    pub status: SessionStatus,
    /// The QR code as a `data:image/png;base64,…` URL while waiting for a scan.
    pub qr_code: Option<String>,
    /// When the session last became connected, Unix seconds.
    pub last_connected: Option<i64>,
    /// The account's phone number (digits), once known.
    pub phone_number: Option<String>,
}

impl Session {
    /// A session from its name and the server's state.
    #[must_use]
    pub fn from_state(name: &str, state: &SessionState) -> Self {
        Self {
            name: name.to_owned(),
            status: SessionStatus::from(&state.status),
            qr_code: state
                .qr_code_base64()
                .map(|b64| format!("data:image/png;base64,{b64}")),
            last_connected: None,
            phone_number: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_maps_to_status() {
        let table = [
            (-7, MessageStatus::Failed),
            (-1, MessageStatus::Failed),
            (0, MessageStatus::Pending),
            (1, MessageStatus::Sent),
            (2, MessageStatus::Delivered),
            (3, MessageStatus::Read),
            (4, MessageStatus::Read),
            (5, MessageStatus::Read),
            (42, MessageStatus::Read),
        ];
        for (code, status) in table {
            assert_eq!(MessageStatus::from(Ack::from(code)), status, "{code}");
        }
    }

    #[test]
    fn status_never_goes_backwards() {
        use MessageStatus::*;
        assert!(Pending.can_become(Sent));
        assert!(Sent.can_become(Read));
        assert!(!Read.can_become(Delivered));
        assert!(!Read.can_become(Read));
        assert!(Pending.can_become(Failed));
        assert!(!Delivered.can_become(Failed));
        assert!(!Failed.can_become(Sent));
    }

    #[test]
    fn session_status_from_server_states() {
        use crate::SessionStatus as S;
        assert_eq!(SessionStatus::from(&S::Connected), SessionStatus::Connected);
        assert_eq!(SessionStatus::from(&S::QrCode), SessionStatus::Connecting);
        assert_eq!(SessionStatus::from(&S::Closed), SessionStatus::Disconnected);
        assert_eq!(
            SessionStatus::from(&S::Other("X".into())),
            SessionStatus::Disconnected
        );
        assert_eq!(
            SessionStatus::from(&StatusFind::InChat),
            SessionStatus::Connected
        );
        assert_eq!(
            SessionStatus::from(&StatusFind::QrReadSuccess),
            SessionStatus::Authenticated
        );
        assert_eq!(
            SessionStatus::from(&StatusFind::AutocloseCalled),
            SessionStatus::Disconnected
        );
    }
}
