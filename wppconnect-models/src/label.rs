//! Labels (WhatsApp Business): the answers and bodies of the label routes
//! (`src/controller/labelsController.ts` of server 2.10.4, which passes the library's objects
//! through).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A label (wa-js `Label`): `get-all-labels` lists them, `add-new-label` answers the new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    /// The label id (`"3"`), used by the other label routes.
    pub id: String,
    /// The label's name.
    pub name: String,
    /// The colour as WhatsApp stores it (ARGB number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<i64>,
    /// How many chats carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// The colour as `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex_color: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One change of `POST /api/{session}/add-or-remove-label`: `{"labelId": "3", "type": "add"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelChange {
    /// The label id.
    pub label_id: String,
    /// `add` or `remove`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl LabelChange {
    /// Put the label on the chats.
    #[must_use]
    pub fn add(label_id: impl Into<String>) -> Self {
        Self {
            label_id: label_id.into(),
            kind: "add".to_owned(),
        }
    }

    /// Take the label off the chats.
    #[must_use]
    pub fn remove(label_id: impl Into<String>) -> Self {
        Self {
            label_id: label_id.into(),
            kind: "remove".to_owned(),
        }
    }
}
