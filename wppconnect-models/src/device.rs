//! The phone and the server's operations: host device, battery, presence, calls, limits,
//! the platform a message came from, restore and clear-session-data answers, and the Chatwoot
//! hook's body.
//!
//! Read from server 2.10.4 (`src/controller/deviceController.ts`, `sessionController.ts`,
//! `miscController.ts`) and the library it wraps (`@wppconnect-team/wppconnect` 2.2.7).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ChatId;

/// `GET /api/{session}/host-device`: the connected phone (the library's `getHostDevice`, plus
/// the server's `phoneNumber`). Mostly WhatsApp Web's internal `Conn` model, kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostDevice {
    /// The account's own id (the server adds it: `getWid()`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<ChatId>,
    /// The account's id as WhatsApp Web holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wid: Option<ChatId>,
    /// The account's profile name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushname: Option<String>,
    /// The phone's platform (`android`, `iphone`, `smba`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /api/{session}/get-platform-from-message/{messageId}`: the kind of device that sent a
/// message (wa-js `getPlatformFromMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[non_exhaustive]
pub enum Platform {
    /// `android`
    Android,
    /// `iphone`
    Iphone,
    /// `web`
    Web,
    /// `unknown`
    Unknown,
    /// Any other value, kept.
    Other(String),
}

impl Platform {
    /// The server's string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Android => "android",
            Self::Iphone => "iphone",
            Self::Web => "web",
            Self::Unknown => "unknown",
            Self::Other(other) => other,
        }
    }
}

impl From<String> for Platform {
    fn from(value: String) -> Self {
        match value.as_str() {
            "android" => Self::Android,
            "iphone" => Self::Iphone,
            "web" => Self::Web,
            "unknown" => Self::Unknown,
            _ => Self::Other(value),
        }
    }
}

impl From<Platform> for String {
    fn from(value: Platform) -> Self {
        match value {
            Platform::Other(other) => other,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of `POST /api/{session}/subscribe-presence`: contacts (or groups) whose presence
/// events (`onpresencechanged`) the session should receive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribePresence {
    /// The numbers, or the group ids' user parts when `is_group`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone: Vec<String>,
    /// Whether `phone` names groups (with `all`: every group instead of every contact).
    pub is_group: bool,
    /// Every contact (or every group) at once; `phone` is then ignored.
    pub all: bool,
}

/// Body of `POST /api/{session}/set-online-presence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetOnlinePresence {
    /// Show the account online (`true`) or offline.
    pub is_online: bool,
}

/// Body of `POST /api/{session}/reject-call`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectCall {
    /// The call to reject (`id` of the `incomingcall` event); every ringing call when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
}

/// A limit of WhatsApp Web that `set-limit` changes (wa-js `WPP.conn.setLimit`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[non_exhaustive]
pub enum LimitKind {
    /// `maxMediaSize` (bytes).
    MaxMediaSize,
    /// `maxFileSize` (bytes).
    MaxFileSize,
    /// `maxShare` (chats a message can be forwarded to).
    MaxShare,
    /// `statusVideoMaxDuration` (seconds).
    StatusVideoMaxDuration,
    /// `unlimitedPin` (boolean).
    UnlimitedPin,
    /// Any other key, kept.
    Other(String),
}

impl LimitKind {
    /// The key as wa-js names it.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::MaxMediaSize => "maxMediaSize",
            Self::MaxFileSize => "maxFileSize",
            Self::MaxShare => "maxShare",
            Self::StatusVideoMaxDuration => "statusVideoMaxDuration",
            Self::UnlimitedPin => "unlimitedPin",
            Self::Other(other) => other,
        }
    }
}

impl From<String> for LimitKind {
    fn from(value: String) -> Self {
        match value.as_str() {
            "maxMediaSize" => Self::MaxMediaSize,
            "maxFileSize" => Self::MaxFileSize,
            "maxShare" => Self::MaxShare,
            "statusVideoMaxDuration" => Self::StatusVideoMaxDuration,
            "unlimitedPin" => Self::UnlimitedPin,
            _ => Self::Other(value),
        }
    }
}

impl From<LimitKind> for String {
    fn from(value: LimitKind) -> Self {
        match value {
            LimitKind::Other(other) => other,
            known => known.as_str().to_owned(),
        }
    }
}

/// Body of `POST /api/{session}/set-limit`: `{"type": "maxFileSize", "value": 104857600}`.
/// Build it from a [`Limit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetLimit {
    /// Which limit.
    #[serde(rename = "type")]
    pub kind: LimitKind,
    /// A number, or a boolean for `unlimitedPin`.
    pub value: LimitValue,
}

/// A limit's value: a number, or a boolean for `unlimitedPin`. Also what wa-js's
/// `conn.setLimit` answers (the value now in force), when it answers one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LimitValue {
    /// Bytes, seconds or a count.
    Number(u64),
    /// `unlimitedPin`.
    Flag(bool),
}

/// A limit of WhatsApp Web to change with `set-limit` (wa-js `conn.setLimit`'s keys), with its
/// value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// `maxMediaSize`, bytes, at most 70 MiB (73 400 320). Deprecated in wa-js: it checks the
    /// value and changes nothing.
    MaxMediaSize(u64),
    /// `maxFileSize`, bytes, at most 1 GiB (1 073 741 824).
    MaxFileSize(u64),
    /// `maxShare`: how many chats can be picked when sharing (WhatsApp's default is 5).
    MaxShare(u64),
    /// `statusVideoMaxDuration`, seconds. Deprecated in wa-js: it changes nothing.
    StatusVideoMaxDuration(u64),
    /// `unlimitedPin`: no limit on pinned chats (WhatsApp Web only).
    UnlimitedPin(bool),
}

impl Limit {
    /// The largest `maxMediaSize` wa-js accepts (70 MiB).
    pub const MAX_MEDIA_SIZE: u64 = 73_400_320;
    /// The largest `maxFileSize` wa-js accepts (1 GiB).
    pub const MAX_FILE_SIZE: u64 = 1_073_741_824;

    /// Its key.
    #[must_use]
    pub fn kind(&self) -> LimitKind {
        match self {
            Self::MaxMediaSize(_) => LimitKind::MaxMediaSize,
            Self::MaxFileSize(_) => LimitKind::MaxFileSize,
            Self::MaxShare(_) => LimitKind::MaxShare,
            Self::StatusVideoMaxDuration(_) => LimitKind::StatusVideoMaxDuration,
            Self::UnlimitedPin(_) => LimitKind::UnlimitedPin,
        }
    }

    /// Its value.
    #[must_use]
    pub fn value(&self) -> LimitValue {
        match *self {
            Self::MaxMediaSize(n)
            | Self::MaxFileSize(n)
            | Self::MaxShare(n)
            | Self::StatusVideoMaxDuration(n) => LimitValue::Number(n),
            Self::UnlimitedPin(flag) => LimitValue::Flag(flag),
        }
    }
}

impl From<Limit> for SetLimit {
    fn from(limit: Limit) -> Self {
        Self {
            kind: limit.kind(),
            value: limit.value(),
        }
    }
}

/// `{"success": true}`: the answer of `restore-sessions` and `clear-session-data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Success {
    /// `true`.
    pub success: bool,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A screenshot of the session's browser page (`take-screenshot`), decoded.
#[derive(Clone, PartialEq, Eq)]
pub struct Screenshot {
    /// The image's bytes.
    pub bytes: Vec<u8>,
    /// Its MIME type: `image/png` (Puppeteer's default encoding).
    pub mimetype: String,
}

impl fmt::Debug for Screenshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Screenshot")
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("mimetype", &self.mimetype)
            .finish()
    }
}

/// The body Chatwoot posts to `POST /api/{session}/chatwoot` (an Agent Bot / webhook event),
/// with the fields the server reads (`deviceController.ts#chatWoot`); everything else is kept.
///
/// The server answers only `message_created` events with `message_type` `outgoing` by sending
/// the message's text or first attachment to `phone` (default: the conversation's sender's
/// number); it ignores private notes and `conversation_status_changed` /
/// `conversation_resolved`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatwootEvent {
    /// `message_created`, `conversation_status_changed`, `conversation_resolved`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// `outgoing` for an agent's reply (the only kind the server sends on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    /// A private note (never sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<Value>,
    /// Same as `private`, as some Chatwoot versions name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_private: Option<Value>,
    /// The recipient's number; when absent the server takes
    /// `conversation.meta.sender.phone_number` (without `+`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The message (`{"content", "attachments": [{"data_url", "file_type"}]}`); when absent
    /// the server takes `conversation.messages[0]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Value>,
    /// The conversation (`meta.sender.phone_number`, `messages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<Value>,
    /// Every other field, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_round_trip() {
        for (text, platform) in [
            ("android", Platform::Android),
            ("iphone", Platform::Iphone),
            ("web", Platform::Web),
            ("unknown", Platform::Unknown),
            ("kaios", Platform::Other("kaios".to_owned())),
        ] {
            let parsed: Platform = serde_json::from_value(Value::from(text)).unwrap();
            assert_eq!(parsed, platform);
            assert_eq!(serde_json::to_value(&parsed).unwrap(), Value::from(text));
        }
    }

    #[test]
    fn limit_kinds_round_trip() {
        for text in [
            "maxMediaSize",
            "maxFileSize",
            "maxShare",
            "statusVideoMaxDuration",
            "unlimitedPin",
            "newLimit",
        ] {
            let kind = LimitKind::from(text.to_owned());
            assert_eq!(kind.as_str(), text);
            assert_eq!(String::from(kind), text);
        }
        assert_eq!(LimitKind::from("maxShare".to_owned()), LimitKind::MaxShare);
    }

    #[test]
    fn a_limit_is_sent_with_its_key_and_typed_value() {
        let body = SetLimit::from(Limit::MaxFileSize(104_857_600));
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"type": "maxFileSize", "value": 104_857_600})
        );
        let body = SetLimit::from(Limit::UnlimitedPin(true));
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"type": "unlimitedPin", "value": true})
        );
        let answer: Option<LimitValue> = serde_json::from_str("null").unwrap();
        assert_eq!(answer, None);
        let answer: Option<LimitValue> = serde_json::from_str("true").unwrap();
        assert_eq!(answer, Some(LimitValue::Flag(true)));
    }
}
