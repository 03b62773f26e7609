//! Bodies and answers of the send routes.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::{Ack, MessageId};

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(b: &bool) -> bool {
    !*b
}

/// The `phone` field of the send routes: one recipient (a string) or several (an array).
///
/// Each entry is digits (`5511999999999`), or a group/newsletter/LID id together with the
/// matching flag of the request. The server sends to every entry, one by one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Recipients {
    /// A single recipient, sent as a string.
    One(String),
    /// Several recipients, sent as an array.
    Many(Vec<String>),
}

impl Recipients {
    /// The recipients as a slice-like iterator.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Self::One(one) => (Some(one.as_str()), None),
            Self::Many(many) => (None, Some(many.iter().map(String::as_str))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// How many recipients.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(many) => many.len(),
        }
    }

    /// Whether there is no recipient.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for Recipients {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::One(one) => serializer.serialize_str(one),
            Self::Many(many) => many.serialize(serializer),
        }
    }
}

/// No recipient yet (an empty array), for bodies built field by field.
impl Default for Recipients {
    fn default() -> Self {
        Self::Many(Vec::new())
    }
}

impl From<String> for Recipients {
    fn from(value: String) -> Self {
        Self::One(value)
    }
}

impl From<Vec<String>> for Recipients {
    fn from(mut value: Vec<String>) -> Self {
        match (value.len(), value.pop()) {
            (1, Some(one)) => Self::One(one),
            (_, last) => {
                value.extend(last);
                Self::Many(value)
            }
        }
    }
}

/// Which kind of chat the `phone` entries name. Sent as real JSON booleans (the server takes any
/// non-empty string, even `"false"`, as true).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipientFlags {
    /// The entries are group ids (`@g.us` is appended; no existence check).
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_group: bool,
    /// The entries are channel ids (`@newsletter`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_newsletter: bool,
    /// The entries are LIDs (`@lid`); needed for LIDs of 14 digits or fewer.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_lid: bool,
}

/// `options` of send-message (wa-js `sendTextMessage` options).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageOptions {
    /// Reply to this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_msg: Option<MessageId>,
    /// Ids to mention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentioned_list: Option<Vec<String>>,
    /// Link preview (default on); `false` turns it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_preview: Option<bool>,
    /// Create the chat if it does not exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_chat: Option<bool>,
    /// Mark the chat read (default on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark_is_read: Option<bool>,
    /// Show "typing…" for this many milliseconds before sending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<u64>,
    /// Other wa-js options.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SendMessageOptions {
    /// Whether no option is set (then `options` is left out of the body).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Body of `POST /api/{session}/send-message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessage {
    /// Recipients.
    pub phone: Recipients,
    /// Text (WhatsApp markup: `*bold*`, `_italic_`, `~strike~`).
    pub message: String,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// Options.
    #[serde(default, skip_serializing_if = "SendMessageOptions::is_empty")]
    pub options: SendMessageOptions,
}

/// A send receipt `{"ack", "id"}` (send-image, send-file, send-voice, send-location, send-sticker…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendReceipt {
    /// The new message's id.
    pub id: MessageId,
    /// Its delivery state at the time of the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack: Option<Ack>,
    /// Every other field (`sendMsgResult` of send-link-preview…).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl From<&crate::Message> for SendReceipt {
    fn from(message: &crate::Message) -> Self {
        Self {
            id: message.id.clone(),
            ack: message.ack,
            extra: Map::new(),
        }
    }
}

/// The media of a received message: `get-media-by-message` and `download-media`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct DownloadedMedia {
    /// The file, base64 without `data:` prefix.
    pub base64: String,
    /// Its MIME type.
    pub mimetype: String,
}

impl DownloadedMedia {
    /// The file's bytes (decodes `base64`; a `data:` prefix is accepted too).
    ///
    /// # Errors
    /// When `base64` is not valid base64.
    pub fn bytes(&self) -> Result<Vec<u8>, base64::DecodeError> {
        use base64::Engine as _;
        let data = crate::session::strip_data_url(&self.base64);
        base64::engine::general_purpose::STANDARD.decode(data.trim())
    }
}

impl std::fmt::Debug for DownloadedMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadedMedia")
            .field(
                "base64",
                &format_args!("<{} bytes of base64>", self.base64.len()),
            )
            .field("mimetype", &self.mimetype)
            .finish()
    }
}

/// Body of the file sends: `send-image`, `send-file`, `send-file-base64`, `send-sticker`,
/// `send-voice` and `send-voice-base64`. Exactly one of `path`, `base64` and `base64_ptt` is
/// set, depending on the route.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendFile {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// A URL (or server-side path) the server downloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The file as a data URL (`data:<mime>;base64,<data>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// A voice note as a data URL (`send-voice-base64`).
    #[serde(default, rename = "base64Ptt", skip_serializing_if = "Option::is_none")]
    pub base64_ptt: Option<String>,
    /// The file name shown for a document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Reply to this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_message_id: Option<MessageId>,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/send-location`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendLocation {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// The place's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The place's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/send-link-preview`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendLinkPreview {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The URL to preview.
    pub url: String,
    /// Text sent with it (the server prepends the URL unless the caption contains it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/send-reply`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendReply {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The text.
    pub message: String,
    /// The message quoted.
    pub message_id: String,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `options` of send-poll-message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollOptions {
    /// How many choices one person may pick (1 = single choice).
    pub selectable_count: u32,
    /// Other wa-js options.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for PollOptions {
    fn default() -> Self {
        Self {
            selectable_count: 1,
            extra: Map::new(),
        }
    }
}

/// Body of `POST /api/{session}/send-poll-message`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendPoll {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The question.
    pub name: String,
    /// The choices (at least two).
    pub choices: Vec<String>,
    /// Options.
    pub options: PollOptions,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/send-mentioned`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMentioned {
    /// Recipients (usually a group).
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The text, with `@<digits>` for each mention.
    pub message: String,
    /// The ids mentioned (`5511999999999@c.us`).
    pub mentioned: Vec<String>,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/send-list-message`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendList {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The text of the button that opens the list.
    pub button_text: String,
    /// The text above the button.
    pub description: String,
    /// The sections of the list.
    #[serde(default)]
    pub sections: Vec<ListSection>,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A section of a list message: a title and its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListSection {
    /// The section's title.
    pub title: String,
    /// The rows a person can pick.
    #[serde(default)]
    pub rows: Vec<ListRow>,
}

/// A row of a [`ListSection`]; the answer comes back as a `list_response` message carrying
/// `row_id`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRow {
    /// The id the answer carries.
    pub row_id: String,
    /// The row's text.
    pub title: String,
    /// A second line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl ListRow {
    /// A row with an id and a title.
    #[must_use]
    pub fn new(row_id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            row_id: row_id.into(),
            title: title.into(),
            description: None,
        }
    }

    /// With a second line.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// Body of `POST /api/{session}/send-status` (a text story).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendStatus {
    /// The text.
    pub message: String,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/forward-messages`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardMessages {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The messages: one id (a string) or several (an array), as the server takes them.
    pub message_id: Recipients,
    /// Other fields, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod typed_send_tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn send_bodies_use_the_servers_field_names() {
        let file = SendFile {
            phone: Recipients::from("5511999999999".to_owned()),
            base64_ptt: Some("data:audio/ogg;base64,T2dnUw==".to_owned()),
            quoted_message_id: Some(
                "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281"
                    .parse()
                    .unwrap(),
            ),
            ..SendFile::default()
        };
        assert_eq!(
            serde_json::to_value(&file).unwrap(),
            json!({"phone": "5511999999999", "base64Ptt": "data:audio/ogg;base64,T2dnUw==",
                   "quotedMessageId": "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281"})
        );
        let poll = SendPoll {
            phone: Recipients::from(vec!["1203630257".to_owned(), "1203630258".to_owned()]),
            flags: RecipientFlags {
                is_group: true,
                ..RecipientFlags::default()
            },
            name: "Horário?".to_owned(),
            choices: vec!["Manhã".to_owned(), "Tarde".to_owned()],
            ..SendPoll::default()
        };
        let value = serde_json::to_value(&poll).unwrap();
        assert_eq!(value["options"], json!({"selectableCount": 1}));
        assert_eq!(value["isGroup"], true);
        assert_eq!(serde_json::from_value::<SendPoll>(value).unwrap(), poll);
        let forward = ForwardMessages {
            phone: Recipients::from("5511999999999".to_owned()),
            message_id: Recipients::from(vec!["true_5511999999999@c.us_3EB0".to_owned()]),
            ..ForwardMessages::default()
        };
        assert_eq!(
            serde_json::to_value(&forward).unwrap()["messageId"],
            "true_5511999999999@c.us_3EB0"
        );
    }
}
