//! Messages: the wire object, its value sets (`type`, `ack`) and the media it may carry.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::macros::{string_enum, wire_deserialize};
use crate::{ChatId, Contact, MessageId, Seconds, SessionName};

mod forward;
mod rich;
mod send;

pub use forward::{ForwardOutcome, NotForwarded};

pub use rich::{
    Button, ButtonsOptions, CatalogLinkSent, OrderItem, OrderOptions, PixKeyType, PollVote,
    PollVotes, Reaction, ReactionGroup, Reactions, SendButtons, SendContactVcard, SendLinkCatalog,
    SendOrder, SendPixKey, StarMessage,
};
pub use send::{
    DownloadedMedia, ForwardMessages, ListRow, ListSection, PollOptions, RecipientFlags,
    Recipients, SendFile, SendLinkPreview, SendList, SendLocation, SendMentioned, SendMessage,
    SendMessageOptions, SendPoll, SendReceipt, SendReply, SendStatus,
};

string_enum! {
    /// A message's `type` (the library's `MessageType`; WhatsApp adds types over time).
    pub enum MessageType {
        /// Text.
        Chat => "chat",
        /// Image (`body` is a thumbnail or, with auto-download, the whole file).
        Image => "image",
        /// Video.
        Video => "video",
        /// Audio file.
        Audio => "audio",
        /// Voice note ("push to talk").
        Ptt => "ptt",
        /// Document (file name in `filename`).
        Document => "document",
        /// Sticker (WebP).
        Sticker => "sticker",
        /// Static location (`lat`, `lng`, `loc`).
        Location => "location",
        /// Contact card.
        Vcard => "vcard",
        /// Several contact cards.
        MultiVcard => "multi_vcard",
        /// A message deleted for everyone.
        Revoked => "revoked",
        /// Not decrypted yet ("waiting for this message"); sent again once decrypted.
        Ciphertext => "ciphertext",
        /// Media too large for WhatsApp Web.
        Oversized => "oversized",
        /// A poll.
        PollCreation => "poll_creation",
        /// A list message.
        List => "list",
        /// An answer to a list message.
        ListResponse => "list_response",
        /// An answer to a buttons message.
        ButtonsResponse => "buttons_response",
        /// An answer to a template button.
        TemplateButtonReply => "template_button_reply",
        /// A catalogue product.
        Product => "product",
        /// An order.
        Order => "order",
        /// A payment.
        Payment => "payment",
        /// A group invitation.
        GroupsV4Invite => "groups_v4_invite",
        /// A business template message.
        Hsm => "hsm",
        /// A call log entry.
        CallLog => "call_log",
        /// A protocol message.
        Protocol => "protocol",
        /// A notification.
        Notification => "notification",
        /// A notification from a template.
        NotificationTemplate => "notification_template",
        /// A group notification.
        GroupNotification => "group_notification",
        /// A group change (`subtype`: add, remove, subject…).
        Gp2 => "gp2",
        /// A broadcast notification.
        BroadcastNotification => "broadcast_notification",
        /// An end-to-end encryption notice.
        E2eNotification => "e2e_notification",
        /// The library's own "unknown".
        Unknown => "unknown",
    }
}

impl MessageType {
    /// Whether messages of this type carry a media file.
    #[must_use]
    pub fn is_media(&self) -> bool {
        matches!(
            self,
            Self::Image | Self::Video | Self::Audio | Self::Ptt | Self::Document | Self::Sticker
        )
    }
}

/// A message's delivery state (`ack`, the library's `AckType`). Unknown numbers are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "i64", into = "i64")]
#[non_exhaustive]
pub enum Ack {
    /// -7, `MD_DOWNGRADE`.
    MdDowngrade,
    /// -6, `INACTIVE`.
    Inactive,
    /// -5, media could not be uploaded.
    ContentUnuploadable,
    /// -4, media too large.
    ContentTooBig,
    /// -3, media no longer available.
    ContentGone,
    /// -2, `EXPIRED`.
    Expired,
    /// -1, sending failed.
    Failed,
    /// 0, pending: not on WhatsApp's server yet (clock icon).
    Clock,
    /// 1, accepted by WhatsApp's server (one grey tick).
    Sent,
    /// 2, delivered to the recipient's device (two grey ticks).
    Received,
    /// 3, read (two blue ticks).
    Read,
    /// 4, voice or video note played.
    Played,
    /// 5, `PEER` (WhatsApp-internal).
    Peer,
    /// A number this version does not know.
    Unknown(i64),
}

impl Ack {
    /// The wire number.
    #[must_use]
    pub fn code(self) -> i64 {
        match self {
            Self::MdDowngrade => -7,
            Self::Inactive => -6,
            Self::ContentUnuploadable => -5,
            Self::ContentTooBig => -4,
            Self::ContentGone => -3,
            Self::Expired => -2,
            Self::Failed => -1,
            Self::Clock => 0,
            Self::Sent => 1,
            Self::Received => 2,
            Self::Read => 3,
            Self::Played => 4,
            Self::Peer => 5,
            Self::Unknown(n) => n,
        }
    }

    /// Whether this state means the message will not be delivered (any negative ack).
    #[must_use]
    pub fn is_failure(self) -> bool {
        self.code() < 0
    }
}

impl From<i64> for Ack {
    fn from(n: i64) -> Self {
        match n {
            -7 => Self::MdDowngrade,
            -6 => Self::Inactive,
            -5 => Self::ContentUnuploadable,
            -4 => Self::ContentTooBig,
            -3 => Self::ContentGone,
            -2 => Self::Expired,
            -1 => Self::Failed,
            0 => Self::Clock,
            1 => Self::Sent,
            2 => Self::Received,
            3 => Self::Read,
            4 => Self::Played,
            5 => Self::Peer,
            other => Self::Unknown(other),
        }
    }
}

impl From<Ack> for i64 {
    fn from(ack: Ack) -> Self {
        ack.code()
    }
}

/// A WhatsApp message exactly as WPPConnect Server sends it: in `onmessage`, `onselfmessage`,
/// `unreadmessages`, get-messages and the full-message answers of the send routes.
///
/// Only `id` and `type` are required; everything else is optional because key sets differ between
/// WhatsApp Web versions. Every field this struct does not name is kept in [`Message::extra`], so
/// serialising gives back what came in.
///
/// The conversation is [`Message::chat_id`] (for a group message `from` is the group and `author`
/// the person). With the server's auto-download on, `body` of a media message is the whole file
/// in base64; see [`Message::media`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Serialized message id.
    pub id: MessageId,
    /// The session, present in `onselfmessage` payloads and webhook envelopes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Text, a base64 thumbnail, or (auto-download) the whole media file in base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// What kind of message this is.
    #[serde(rename = "type")]
    pub kind: MessageType,
    /// Subtype of notifications (`gp2`: add, remove, subject…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// Send time, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<Seconds>,
    /// Same as `t`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Seconds>,
    /// The sender's own profile name; `""` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_name: Option<String>,
    /// Incoming private: the sender; incoming group: the group; outgoing: own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<ChatId>,
    /// Incoming: own id; outgoing: the chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<ChatId>,
    /// The participant who wrote it (groups, status, own messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<ChatId>,
    /// Delivery state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack: Option<Ack>,
    /// The conversation this message belongs to; use it as the chat key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<ChatId>,
    /// Whether this account wrote the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_me: Option<bool>,
    /// Whether the message belongs to a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_group_msg: Option<bool>,
    /// The author's contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Box<Contact>>,
    /// The original `body` (keeps the thumbnail even after auto-download).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Caption of a media message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// MIME type of a media message, e.g. `audio/ogg; codecs=opus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mimetype: Option<String>,
    /// Original file name of a document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Media size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Audio/video length in seconds; WhatsApp sends a string, sometimes a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Value>,
    /// Latitude of a location message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<Number>,
    /// Longitude of a location message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<Number>,
    /// Name and address of a location, separated by `\n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loc: Option<String>,
    /// Public URL of the media when the server uploads it to S3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// The quoted message of a reply, as raw fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_msg: Option<Box<QuotedMessage>>,
    /// Serialized id of the quoted message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_msg_id: Option<MessageId>,
    /// Bare id of the quoted message.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "quotedStanzaID"
    )]
    pub quoted_stanza_id: Option<String>,
    /// Author of the quoted message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_participant: Option<ChatId>,
    /// Mentioned ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentioned_jid_list: Option<Vec<ChatId>>,
    /// Whether the message was forwarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_forwarded: Option<bool>,
    /// Every other field the server sent, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The quoted message of a reply (`quotedMsg`): raw fields of the original.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotedMessage {
    /// The quoted message's key (a `MsgKey` object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<MessageId>,
    /// Its type.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub kind: Option<MessageType>,
    /// Its body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Its caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

wire_deserialize!(Message {
    required: [id => "id", kind => "type"],
    optional: [
        session => "session",
        body => "body",
        subtype => "subtype",
        t => "t",
        timestamp => "timestamp",
        notify_name => "notifyName",
        from => "from",
        to => "to",
        author => "author",
        ack => "ack",
        chat_id => "chatId",
        from_me => "fromMe",
        is_group_msg => "isGroupMsg",
        sender => "sender",
        content => "content",
        caption => "caption",
        mimetype => "mimetype",
        filename => "filename",
        size => "size",
        duration => "duration",
        lat => "lat",
        lng => "lng",
        loc => "loc",
        file_url => "fileUrl",
        quoted_msg => "quotedMsg",
        quoted_msg_id => "quotedMsgId",
        quoted_stanza_id => "quotedStanzaID",
        quoted_participant => "quotedParticipant",
        mentioned_jid_list => "mentionedJidList",
        is_forwarded => "isForwarded",
    ],
});

wire_deserialize!(QuotedMessage {
    required: [],
    optional: [id => "id", kind => "type", body => "body", caption => "caption"],
});

/// Where a message's media is, as far as the payload tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Media<'a> {
    /// Not a media message.
    None,
    /// Not decrypted yet (`ciphertext`): the same id will arrive again with the real content.
    Pending,
    /// The whole file, base64 without `data:` prefix (the server's auto-download).
    Inline {
        /// Base64 of the file.
        base64: &'a str,
        /// Its MIME type.
        mimetype: &'a str,
    },
    /// Uploaded by the server to S3.
    Url(&'a str),
    /// Only a thumbnail (or nothing) is in the payload: fetch the file with `get-media-by-message`.
    NotDownloaded,
}

impl Message {
    /// A message with only the required fields; handy for tests and fakes.
    #[must_use]
    pub fn new(id: MessageId, kind: MessageType) -> Self {
        Self {
            id,
            session: None,
            body: None,
            kind,
            subtype: None,
            t: None,
            timestamp: None,
            notify_name: None,
            from: None,
            to: None,
            author: None,
            ack: None,
            chat_id: None,
            from_me: None,
            is_group_msg: None,
            sender: None,
            content: None,
            caption: None,
            mimetype: None,
            filename: None,
            size: None,
            duration: None,
            lat: None,
            lng: None,
            loc: None,
            file_url: None,
            quoted_msg: None,
            quoted_msg_id: None,
            quoted_stanza_id: None,
            quoted_participant: None,
            mentioned_jid_list: None,
            is_forwarded: None,
            extra: Map::new(),
        }
    }

    /// The conversation: `chatId`, else the chat part of the id, else the other side of
    /// `from`/`to`.
    #[must_use]
    pub fn chat(&self) -> Option<ChatId> {
        if let Some(chat) = &self.chat_id {
            return Some(chat.clone().into_plain());
        }
        if let Some(chat) = self.id.chat_id() {
            return Some(chat);
        }
        if self.is_from_me() {
            self.to.clone()
        } else {
            self.from.clone()
        }
        .map(ChatId::into_plain)
    }

    /// Who wrote it: `author` in groups, else `from`.
    #[must_use]
    pub fn author_id(&self) -> Option<&ChatId> {
        self.author.as_ref().or(self.from.as_ref())
    }

    /// Whether this account wrote it (`fromMe`, else the id's flag).
    #[must_use]
    pub fn is_from_me(&self) -> bool {
        self.from_me.or_else(|| self.id.from_me()).unwrap_or(false)
    }

    /// The send time (`t`, else `timestamp`).
    #[must_use]
    pub fn time(&self) -> Option<Seconds> {
        self.t.or(self.timestamp)
    }

    /// The best display name of the author: sender's names, then `notifyName`.
    #[must_use]
    pub fn sender_name(&self) -> Option<&str> {
        self.sender
            .as_deref()
            .and_then(Contact::display_name)
            .or(self.notify_name.as_deref().filter(|n| !n.is_empty()))
    }

    /// The text a person reads: the body of a text message, the caption of a media message.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match self.kind {
            MessageType::Chat => self.body.as_deref(),
            _ => self.caption.as_deref(),
        }
    }

    /// Whether the message is still encrypted (`ciphertext`); the decrypted copy comes later
    /// under the same id and is not a duplicate.
    #[must_use]
    pub fn is_ciphertext(&self) -> bool {
        self.kind == MessageType::Ciphertext
    }

    /// Latitude and longitude of a location message.
    #[must_use]
    pub fn location(&self) -> Option<(f64, f64)> {
        Some((self.lat.as_ref()?.as_f64()?, self.lng.as_ref()?.as_f64()?))
    }

    /// Audio/video duration in seconds, from a string or a number.
    #[must_use]
    pub fn duration_secs(&self) -> Option<f64> {
        match self.duration.as_ref()? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Where the media is. `body != content` with a `mimetype` means the server inlined the whole
    /// file (its auto-download); a `fileUrl` means it went to S3.
    #[must_use]
    pub fn media(&self) -> Media<'_> {
        if self.is_ciphertext() {
            return Media::Pending;
        }
        let Some(mimetype) = self.mimetype.as_deref() else {
            return Media::None;
        };
        if let Some(url) = self.file_url.as_deref() {
            return Media::Url(url);
        }
        match (self.body.as_deref(), self.content.as_deref()) {
            (Some(body), content) if !body.is_empty() && content != Some(body) => Media::Inline {
                base64: body,
                mimetype,
            },
            _ => Media::NotDownloaded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_type_round_trips() {
        for wire in MessageType::KNOWN {
            let t = MessageType::from(*wire);
            assert!(!t.is_other(), "{wire}");
            assert_eq!(t.as_str(), *wire);
            assert_eq!(serde_json::to_value(&t).unwrap(), Value::from(*wire));
            let back: MessageType = serde_json::from_value(Value::from(*wire)).unwrap();
            assert_eq!(back, t);
        }
        let future: MessageType = serde_json::from_str("\"hologram\"").unwrap();
        assert_eq!(future, MessageType::Other("hologram".to_owned()));
        assert_eq!(serde_json::to_string(&future).unwrap(), "\"hologram\"");
    }

    #[test]
    fn every_ack_round_trips() {
        for code in -7..=5 {
            let ack = Ack::from(code);
            assert!(!matches!(ack, Ack::Unknown(_)), "{code}");
            assert_eq!(ack.code(), code);
            assert_eq!(serde_json::to_value(ack).unwrap(), Value::from(code));
        }
        let future: Ack = serde_json::from_str("9").unwrap();
        assert_eq!(future, Ack::Unknown(9));
        assert_eq!(serde_json::to_string(&future).unwrap(), "9");
        assert!(Ack::Failed.is_failure());
        assert!(!Ack::Read.is_failure());
        assert!(Ack::Read > Ack::Received);
    }
}
