//! Newsletters (channels): the answers and bodies of the newsletter routes
//! (`src/controller/newsletterController.ts` of server 2.10.4, which answers the library's
//! result bare, status 201; wa-js 4.4.3 `newsletter.*`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ChatId;

/// Body of `POST /api/{session}/newsletter`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateNewsletter {
    /// The channel's name.
    pub name: String,
    /// Description and picture.
    pub options: NewsletterOptions,
}

/// [`CreateNewsletter::options`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsletterOptions {
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The picture, base64 (a data URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
}

/// Body of `PUT /api/{session}/newsletter/{id}`. A `picture` left out (or `null`) makes the
/// library remove the channel's picture.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditNewsletter {
    /// The new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The new picture: base64 (a data URL) or an `http(s)` URL the library downloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
}

/// A channel as wa-js's `newsletter.create` and `newsletter.edit` answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Newsletter {
    /// The channel's id (`…@newsletter`).
    pub id_jid: ChatId,
    /// The invite code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<String>,
    /// `https://whatsapp.com/channel/<inviteCode>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_link: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// WhatsApp's state of the channel (`ACTIVE`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// How many follow it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribers_count: Option<u64>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created, as WhatsApp counts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
