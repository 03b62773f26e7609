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

impl MessageStatus {
    /// Every status, in the order a message goes through them (`Failed` apart, last).
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Sent,
        Self::Delivered,
        Self::Read,
        Self::Failed,
    ];

    /// The status as stored and sent: `pending`, `sent`, `delivered`, `read`, `failed`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Failed => "failed",
        }
    }

    /// The status of [`MessageStatus::as_str`]'s word; `None` for any other word.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// A number that grows as a message moves forward (`Failed` is -1, below `Pending`): what a
    /// database compares so that a status never goes backwards, as [`MessageStatus::can_become`]
    /// does.
    #[must_use]
    pub fn rank(self) -> i64 {
        match self {
            Self::Failed => -1,
            Self::Pending => 0,
            Self::Sent => 1,
            Self::Delivered => 2,
            Self::Read => 3,
        }
    }

    /// `self`, or `floor` when `self` is behind it and may move there (a message the server
    /// has is at least sent).
    #[must_use]
    pub fn at_least(self, floor: Self) -> Self {
        if self.can_become(floor) {
            floor
        } else {
            self
        }
    }
}

/// The id a client chooses for a message it sends, before the server gives its own (a UUID
/// from `crypto.randomUUID()` fits): 8 to 64 ASCII letters, digits, `-` or `_`. It never
/// contains `@`, so it is never mistaken for a server's message id.
///
/// ```
/// use wppconnect_models::domain::ClientId;
/// let id = ClientId::new("0b6f1c52-7d0e-4f1e-9a55-2a4b8f9c1d3e")?;
/// assert_eq!(id.as_str(), "0b6f1c52-7d0e-4f1e-9a55-2a4b8f9c1d3e");
/// assert!(ClientId::new("true_5511999999999@c.us_3EB0").is_err());
/// # Ok::<(), wppconnect_models::domain::InvalidClientId>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientId(String);

/// Why a [`ClientId`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a clientId is 8 to 64 ASCII letters, digits, '-' or '_' (a UUID fits)")]
pub struct InvalidClientId;

impl ClientId {
    /// Shortest accepted id.
    pub const MIN_LEN: usize = 8;
    /// Longest accepted id.
    pub const MAX_LEN: usize = 64;

    /// Checks `id`.
    ///
    /// # Errors
    /// [`InvalidClientId`] when it is too short, too long, or has another character.
    pub fn new(id: &str) -> Result<Self, InvalidClientId> {
        let fits = (Self::MIN_LEN..=Self::MAX_LEN).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if fits {
            Ok(Self(id.to_owned()))
        } else {
            Err(InvalidClientId)
        }
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ClientId {
    type Err = InvalidClientId;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        Self::new(id)
    }
}

impl TryFrom<String> for ClientId {
    type Error = InvalidClientId;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        Self::new(&id)
    }
}

impl From<ClientId> for String {
    fn from(id: ClientId) -> Self {
        id.0
    }
}

/// Where a location message points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Latitude, degrees (`lat`).
    pub latitude: f64,
    /// Longitude, degrees (`lng`).
    pub longitude: f64,
    /// The place's name: the first line of the server's `loc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The place's address: the rest of `loc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Location {
    /// The location of a wire message (`lat`, `lng`, `loc`), when it has coordinates.
    #[must_use]
    pub fn of(m: &crate::Message) -> Option<Self> {
        let (latitude, longitude) = m.location()?;
        let line = |text: &str| {
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_owned())
        };
        let (name, address) = match m.loc.as_deref() {
            Some(loc) => match loc.split_once('\n') {
                Some((name, address)) => (line(name), line(address)),
                None => (line(loc), None),
            },
            None => (None, None),
        };
        Some(Self {
            latitude,
            longitude,
            name,
            address,
        })
    }
}

/// A message as the application sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Serialized message id: the server's, once it gave one; until then (a send pending or
    /// failed) the [`Message::client_id`].
    pub id: String,
    /// The id the client chose when it sent this message ([`ClientId`]); it never changes,
    /// while [`Message::id`] becomes the server's. `None` for messages the client did not send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
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
    /// The media's MIME type (`mimetype`), for media messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// A document's file name (`filename`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The media's size in bytes (`size`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size: Option<u64>,
    /// Where a location message points (`lat`, `lng`, `loc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
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
            client_id: None,
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
            mime_type: m.mimetype.clone().filter(|_| m.kind.is_media()),
            file_name: m.filename.clone().filter(|n| !n.is_empty()),
            file_size: m.size,
            location: Location::of(m),
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
    /// The pairing code to type on the phone, while a start with a phone number waits for it
    /// (`phoneCode`); not stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_code: Option<String>,
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
            phone_code: state.phone_code.clone().filter(|c| !c.is_empty()),
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

    fn fixture_message(body: &str) -> Message {
        let event = crate::Event::from_slice(body.as_bytes()).unwrap();
        Message::from(event.message().unwrap())
    }

    #[test]
    fn a_document_keeps_its_file_name_size_and_type() {
        let m = fixture_message(wppconnect_fixtures::text("onmessage-document"));
        assert_eq!(m.message_type, MessageType::Document);
        assert_eq!(m.file_name.as_deref(), Some("nota-fiscal-4821.pdf"));
        assert_eq!(m.file_size, Some(329));
        assert_eq!(m.mime_type.as_deref(), Some("application/pdf"));
        assert_eq!(m.content, "Segue a nota fiscal");
        assert_eq!(m.location, None);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["fileName"], "nota-fiscal-4821.pdf");
        assert_eq!(json["fileSize"], 329);
        assert_eq!(json["mimeType"], "application/pdf");
        assert!(json.get("clientId").is_none(), "absent, not null: {json}");
        let back: Message = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn a_location_keeps_its_coordinates_name_and_address() {
        let m = fixture_message(wppconnect_fixtures::text("onmessage-location"));
        assert_eq!(m.message_type, MessageType::Location);
        let location = m.location.clone().unwrap();
        assert_eq!(
            location,
            Location {
                latitude: -22.9711,
                longitude: -43.1822,
                name: Some("Praia de Copacabana".to_owned()),
                address: Some("Av. Atlântica, Rio de Janeiro - RJ".to_owned()),
            }
        );
        assert_eq!(m.content, "", "the map thumbnail in `body` is not text");
        assert_eq!(m.mime_type, None);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["location"]["latitude"], -22.9711);
        assert_eq!(json["location"]["longitude"], -43.1822);
        // a `loc` of one line is the name; none at all leaves both out
        let mut wire = crate::Message::new(
            crate::MessageId::from_wire("false_1@c.us_A"),
            MessageType::Location,
        );
        wire.lat = serde_json::from_str("1.5").ok();
        wire.lng = serde_json::from_str("-2").ok();
        wire.loc = Some("Padaria".to_owned());
        let one_line = Location::of(&wire).unwrap();
        assert_eq!((one_line.latitude, one_line.longitude), (1.5, -2.0));
        assert_eq!(one_line.name.as_deref(), Some("Padaria"));
        assert_eq!(one_line.address, None);
        wire.lat = None;
        assert_eq!(Location::of(&wire), None, "no coordinates, no location");
    }

    #[test]
    fn a_text_message_has_no_media_fields() {
        let m = fixture_message(wppconnect_fixtures::text("onmessage-text"));
        assert_eq!(
            (&m.file_name, m.file_size, &m.mime_type, &m.location),
            (&None, None, &None, &None)
        );
    }

    #[test]
    fn client_ids_are_checked() {
        for good in [
            "0b6f1c52-7d0e-4f1e-9a55-2a4b8f9c1d3e",
            "abcdEFGH",
            "a_b-c_d-e",
            &"x".repeat(64),
        ] {
            assert_eq!(ClientId::new(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "short",
            "true_5511999999999@c.us_3EB0",
            "has space 1234",
            "ümlaut-1234",
            &"x".repeat(65),
            "../../etc/passwd",
        ] {
            assert_eq!(ClientId::new(bad), Err(InvalidClientId), "{bad}");
        }
        let parsed: Result<ClientId, _> = serde_json::from_str("\"not ok\"");
        assert!(parsed.is_err());
        let id: ClientId = serde_json::from_str("\"abcdefgh\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"abcdefgh\"");
    }

    #[test]
    fn status_names_and_ranks_follow_the_order() {
        for status in MessageStatus::ALL {
            assert_eq!(MessageStatus::from_name(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(status.as_str())
            );
            for next in MessageStatus::ALL {
                if next != MessageStatus::Failed && status != MessageStatus::Failed {
                    assert_eq!(status.can_become(next), next.rank() > status.rank());
                }
            }
        }
        assert_eq!(MessageStatus::from_name("seen"), None);
        assert_eq!(
            MessageStatus::Read.at_least(MessageStatus::Sent),
            MessageStatus::Read
        );
        assert_eq!(
            MessageStatus::Pending.at_least(MessageStatus::Sent),
            MessageStatus::Sent
        );
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
