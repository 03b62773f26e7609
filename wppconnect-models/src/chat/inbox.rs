//! Inbox management: the bodies and answers of the chat routes of `deviceController.ts` (server
//! 2.10.4) that read or change many chats, mute, presence and chat states.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::{Chat, ChatId, Message, Seconds};

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(b: &bool) -> bool {
    !*b
}

/// Body of `clear-chat` and `delete-chat`: one chat, as digits (or a group id with `isGroup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatTarget {
    /// Digits of a number, or a group id without `@g.us`.
    pub phone: String,
    /// `phone` is a group.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_group: bool,
}

/// The answer of `clear-chat` and `delete-chat` (the controller's `returnSucess`): 201
/// `{"status":"Success","response":{"message","contact","session","data"}}`; this is `response`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PerChatResults {
    /// `Information retrieved successfully.`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The chat ids the server acted on (its connected-gate turns `phone` into this list).
    #[serde(default)]
    pub contact: Vec<String>,
    /// The session's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// For each chat id, whether WhatsApp accepted it (the library answers `status === 200`).
    #[serde(default)]
    pub data: BTreeMap<String, bool>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PerChatResults {
    /// Whether every chat was accepted (and there was at least one).
    #[must_use]
    pub fn all_ok(&self) -> bool {
        !self.data.is_empty() && self.data.values().all(|ok| *ok)
    }
}

/// A chat with its new messages: one entry of `GET unread-messages` (the library's
/// `getUnreadMessages`: the serialized chat plus `messages`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnreadChat {
    /// The new messages (oldest first). The library pushes what `processMessageObj` answers
    /// without checking it, so a left-out notification arrives as `null`: those are skipped.
    #[serde(default, deserialize_with = "skip_nulls")]
    pub messages: Vec<Message>,
    /// The chat; its unknown fields are in `chat.extra`.
    #[serde(flatten)]
    pub chat: Chat,
}

fn skip_nulls<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Message>, D::Error> {
    let items: Vec<Option<Message>> = Deserialize::deserialize(deserializer)?;
    Ok(items.into_iter().flatten().collect())
}

/// `GET last-seen/{phone}`: the library answers the presence's time, or `false` when WhatsApp
/// gives none (hidden by privacy settings, no presence, unknown chat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum LastSeen {
    /// Last seen at this time (seconds).
    At(Seconds),
    /// Not known (`false`).
    Unknown,
}

impl LastSeen {
    /// The time, when known.
    #[must_use]
    pub fn time(self) -> Option<Seconds> {
        match self {
            Self::At(t) => Some(t),
            Self::Unknown => None,
        }
    }
}

impl<'de> Deserialize<'de> for LastSeen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().map(|f| f as i64))
                .map(|t| Self::At(Seconds(t)))
                .ok_or_else(|| D::Error::custom("last-seen time out of range")),
            Value::Bool(false) | Value::Null => Ok(Self::Unknown),
            other => Err(D::Error::custom(format!(
                "expected a time or false, got {other}"
            ))),
        }
    }
}

/// Which chats `GET list-mutes/{type}` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MuteFilter {
    /// `all`: counts, the muted chats and the others.
    #[default]
    All,
    /// `toMute`: the muted chats.
    Muted,
    /// `noMute`: the chats that are not muted.
    NotMuted,
}

impl MuteFilter {
    /// The path segment the server expects.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Muted => "toMute",
            Self::NotMuted => "noMute",
        }
    }
}

/// The counts heading `list-mutes`: `{total, amountToMute, amountnoMute}` for `all`, `{total}`
/// otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MuteCounts {
    /// How many entries the list has.
    pub total: u64,
    /// Muted chats (`all` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_to_mute: Option<u64>,
    /// Chats not muted (`all` only; the server's spelling `amountnoMute`).
    #[serde(
        default,
        rename = "amountnoMute",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_no_mute: Option<u64>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One chat's mute record (WAPI's `interfaceMute`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MuteEntry {
    /// The chat.
    pub id: ChatId,
    /// Muted until (seconds; `0` when not muted, `-1` for ever).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Seconds>,
    /// Whether the chat is muted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_muted: Option<bool>,
    /// Every other field (`attributes`, `isState`, `stale`…), kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET list-mutes/{type}`: the library answers an array `[counts, muted, notMuted]` (`all`) or
/// `[counts, list]` (`toMute`, `noMute`); this puts the list under its name.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MuteList {
    /// The counts (absent when the server answered `null`).
    pub counts: Option<MuteCounts>,
    /// Muted chats (`all` and `toMute`).
    pub muted: Vec<MuteEntry>,
    /// Chats not muted (`all` and `noMute`).
    pub not_muted: Vec<MuteEntry>,
}

impl MuteList {
    /// Reads the library's array for the filter that was asked.
    ///
    /// # Errors
    /// When an element does not have the documented shape.
    pub fn from_wire(filter: MuteFilter, wire: Value) -> Result<Self, serde_json::Error> {
        let items = match wire {
            Value::Null => return Ok(Self::default()),
            Value::Array(items) => items,
            other => {
                return Err(serde_json::Error::custom(format!(
                    "expected the list-mutes array, got {other}"
                )))
            }
        };
        let mut items = items.into_iter();
        let counts = items
            .next()
            .map(serde_json::from_value::<MuteCounts>)
            .transpose()?;
        let mut list = || -> Result<Vec<MuteEntry>, serde_json::Error> {
            items
                .next()
                .map_or_else(|| Ok(Vec::new()), serde_json::from_value)
        };
        let (muted, not_muted) = match filter {
            MuteFilter::All => (list()?, list()?),
            MuteFilter::Muted => (list()?, Vec::new()),
            MuteFilter::NotMuted => (Vec::new(), list()?),
        };
        Ok(Self {
            counts,
            muted,
            not_muted,
        })
    }
}

/// The unit of `send-mute`'s `time` (the server's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MuteUnit {
    /// `minutes`.
    #[serde(rename = "minutes")]
    Minutes,
    /// `hours` (the server's default).
    #[serde(rename = "hours")]
    Hours,
    /// Days: the library's `year` unit adds **days** (`setDate(getDate() + time)`), so it is
    /// sent as `year`.
    #[serde(rename = "year")]
    Days,
}

/// Body of `POST send-mute`. Without `time` the server unmutes the chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMute {
    /// Digits, or a group id with `isGroup`.
    pub phone: String,
    /// `phone` is a group.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_group: bool,
    /// How long, in `type` units; absent to unmute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<u32>,
    /// The unit of `time`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<MuteUnit>,
}

/// The answer of `send-mute` (WAPI's `scope`): `{me, to, erro, text, status, type, time,
/// timeType}`. The library throws (500) when `erro` is true, so a success has `erro: false`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MuteResult {
    /// WhatsApp's status of the mute request (`200`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// `true` when WhatsApp refused.
    #[serde(default)]
    pub erro: bool,
    /// The refusal's text (`This chat is already mute`), `null` on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The `time` that was asked (absent for an unmute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<i64>,
    /// The unit that was asked (`hours`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_type: Option<String>,
    /// Every other field (`me`, `to`, `type`…), kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A chat state of `POST chat-state` (the library's `ChatState`: `0` typing, `1` recording,
/// `2` paused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChatState {
    /// `0`: "typing…".
    Typing,
    /// `1`: "recording audio…".
    Recording,
    /// `2`: stops either.
    Paused,
}

impl ChatState {
    /// The number the library reads (`parseInt(chatstate)`).
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Typing => 0,
            Self::Recording => 1,
            Self::Paused => 2,
        }
    }
}

impl Serialize for ChatState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // the server's Swagger example sends a string ("1"); the library parses it
        serializer.serialize_str(&self.code().to_string())
    }
}

/// Body of `POST chat-state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetChatState {
    /// Digits, or a group id with `isGroup`.
    pub phone: String,
    /// `phone` is a group.
    #[serde(skip_serializing_if = "is_false")]
    pub is_group: bool,
    /// The state.
    pub chatstate: ChatState,
}

/// Body of `POST temporary-messages`: turns disappearing messages on (7 days) or off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetTemporaryMessages {
    /// Digits, or a group id with `isGroup`.
    pub phone: String,
    /// `phone` is a group.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_group: bool,
    /// On or off.
    pub value: bool,
}

/// Body of `POST recording`: shows (or stops) "recording audio…" in a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetRecording {
    /// Digits, or a group id with `isGroup`.
    pub phone: String,
    /// `phone` is a group.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_group: bool,
    /// Start (`true`) or stop.
    pub value: bool,
    /// For how long, milliseconds (wa-js `markIsRecording`); absent: until stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}
