//! Contacts, as the server sends them in `sender`, `all-contacts` and chats' `contact`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::macros::wire_deserialize;
use crate::ChatId;

/// A WhatsApp contact (the library's `Contact`).
///
/// In webhooks `id` is a string, in REST reads a `{server, user, _serialized}` object; [`ChatId`]
/// reads both.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The contact's id.
    pub id: ChatId,
    /// Name in this account's address book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Short form of the address-book name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// The name the contact set on their own profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushname: Option<String>,
    /// Verified business name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_name: Option<String>,
    /// The best display name WhatsApp Web computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted_name: Option<String>,
    /// Whether this is a business account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_business: Option<bool>,
    /// Whether this contact is the session's own account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_me: Option<bool>,
    /// Whether the contact is in the address book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_my_contact: Option<bool>,
    /// Whether the contact is a WhatsApp user.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "isWAContact"
    )]
    pub is_wa_contact: Option<bool>,
    /// Label ids (WhatsApp Business).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Every other field the server sent, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

wire_deserialize!(Contact {
    required: [id => "id"],
    optional: [
        name => "name",
        short_name => "shortName",
        pushname => "pushname",
        verified_name => "verifiedName",
        formatted_name => "formattedName",
        is_business => "isBusiness",
        is_me => "isMe",
        is_my_contact => "isMyContact",
        is_wa_contact => "isWAContact",
        labels => "labels",
    ],
});

impl Contact {
    /// A contact with only an id.
    #[must_use]
    pub fn new(id: ChatId) -> Self {
        Self {
            id,
            name: None,
            short_name: None,
            pushname: None,
            verified_name: None,
            formatted_name: None,
            is_business: None,
            is_me: None,
            is_my_contact: None,
            is_wa_contact: None,
            labels: None,
            extra: Map::new(),
        }
    }

    /// The best name to show: address-book name, then verified name, then push name, then the
    /// formatted name; `None` when all are empty.
    #[must_use]
    pub fn display_name(&self) -> Option<&str> {
        [
            &self.name,
            &self.verified_name,
            &self.pushname,
            &self.formatted_name,
        ]
        .into_iter()
        .filter_map(|n| n.as_deref())
        .find(|n| !n.is_empty())
    }
}

/// `check-number-status`: whether a number is on WhatsApp, and the id WhatsApp really uses for it
/// (fixing, e.g., Brazil's ninth digit).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NumberStatus {
    /// The canonical id (a Wid object when the number exists, a string otherwise).
    pub id: ChatId,
    /// Whether the number has WhatsApp.
    #[serde(default)]
    pub number_exists: bool,
    /// Whether it can receive messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_receive_message: Option<bool>,
    /// Whether it is a business account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_business: Option<bool>,
    /// WhatsApp's own status code (200, 404).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
