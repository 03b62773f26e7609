//! Chats as the REST reads return them (`list-chats`, `all-chats`, `chat-by-id`), and the
//! wrapper the server puts around most answers.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{ChatId, Contact, Seconds, SessionName};

/// A chat (the library's `Chat`): `id` is a Wid object in REST answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chat {
    /// The chat id.
    pub id: ChatId,
    /// Display name (contact name or group subject).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Time of the last activity, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<Seconds>,
    /// Unread messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread_count: Option<i64>,
    /// Archived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<bool>,
    /// `chat`, `group`, `broadcast`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Group chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_group: Option<bool>,
    /// The contact of a private chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Box<Contact>>,
    /// Group metadata (`participants`, `subject`, `owner`…), `null` for private chats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_metadata: Option<Value>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The common `{"status": "success", "response": T}` wrapper of many answers. `status` varies
/// (`success`, `Success`, booleans), so it is kept as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wrapped<T> {
    /// Usually `"success"`.
    #[serde(default)]
    pub status: Value,
    /// The payload.
    pub response: T,
    /// `return`, `chat`, `device`: noise unless the server's mapper is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapper: Option<String>,
    /// The session key the server adds to answers of JSON requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
}

/// Body of `POST /api/{session}/list-chats`: every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListChats {
    /// The chat to page from (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// At most this many chats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// `before` or `after` the chat `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Groups only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_groups: Option<bool>,
    /// Private chats only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_users: Option<bool>,
    /// Chats with unread messages only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_with_unread_message: Option<bool>,
    /// Chats with these label ids only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_labels: Option<Vec<String>>,
}

mod inbox;

pub use inbox::{
    ChatState, ChatTarget, LastSeen, MuteCounts, MuteEntry, MuteFilter, MuteList, MuteResult,
    MuteUnit, PerChatResults, SendMute, SetChatState, SetRecording, SetTemporaryMessages,
    UnreadChat,
};
