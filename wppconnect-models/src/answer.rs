//! Small answers shared by several routes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{ChatId, Contact, Millis};

/// A confirmation: `{"message": "Reaction sended"}` inside `response` (react-message,
/// delete-message, block-contact, unblock-contact), or a whole body such as start-all's
/// `{"status": "success", "message": "Starting all sessions"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The server's status, when the body has one (`"success"`).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub status: Value,
    /// The server's text (`Message deleted`, `Contact blocked`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /api/{session}/contact/pn-lid/{pnLid}`: a phone-number id and its LID (the library's
/// `getPnLidEntry`), either of which may be unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PnLid {
    /// The `…@lid` id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lid: Option<ChatId>,
    /// The `…@c.us` id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<ChatId>,
    /// The contact, when WhatsApp Web has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Box<Contact>>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /healthz`: the server process is alive (it says nothing about WhatsApp).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Seconds since the process started.
    pub uptime: f64,
    /// `OK`.
    pub message: String,
    /// The server's clock, milliseconds.
    pub timestamp: Millis,
}

/// An entry of `GET /api/{session}/blocklist`: a blocked number's digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    /// The digits of the blocked id (the part before `@`).
    pub phone: String,
}
