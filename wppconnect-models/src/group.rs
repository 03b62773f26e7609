//! Answers of the group routes (`src/controller/groupController.ts` of server 2.10.4).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ChatId;

/// `GET /api/{session}/group-info/{groupId}`: what the server computes from the group's chat.
/// Dates are ISO-8601 strings (the server converts WhatsApp's seconds) or absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupInfo {
    /// The group id (`120363…@g.us`).
    pub id: ChatId,
    /// The chat's name (`""` when it has none).
    #[serde(default)]
    pub name: String,
    /// The group description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The group subject (its name, as WhatsApp stores it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// When the subject last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_updated_at: Option<String>,
    /// Who changed the subject last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_updated_by: Option<ChatId>,
    /// When the description last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_updated_at: Option<String>,
    /// Who changed the description last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_updated_by: Option<ChatId>,
    /// When the group was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The chat's last activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity_at: Option<String>,
    /// The members.
    #[serde(default)]
    pub participants: Vec<GroupParticipant>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A member in [`GroupInfo::participants`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupParticipant {
    /// The member's id.
    pub id: ChatId,
    /// Admin or super admin.
    #[serde(default)]
    pub is_admin: bool,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /api/{session}/create-group`: one entry per group created (the server splits `name`
/// on `,` and `;`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedGroups {
    /// `Group(s) created successfully`.
    #[serde(default)]
    pub message: String,
    /// The `name` as it was sent (a string or a list).
    #[serde(default)]
    pub group: Value,
    /// The groups created.
    #[serde(default)]
    pub group_info: Vec<CreatedGroup>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One group of [`CreatedGroups`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedGroup {
    /// The group's name.
    pub name: String,
    /// The group id **without** `@g.us` (the library's `gid.user`).
    pub id: String,
    /// Per participant id (`5511…@c.us`): the library's result of adding it (`code`,
    /// `invite_code`, `invite_code_exp`…), kept as the library sent it.
    #[serde(default)]
    pub participants: Map<String, Value>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CreatedGroup {
    /// The group's full id (`120363…@g.us`).
    ///
    /// # Errors
    /// When `id` is not a group id.
    pub fn chat_id(&self) -> Result<ChatId, crate::IdError> {
        ChatId::group(&self.id)
    }
}

/// `POST /api/{session}/add-participant-group`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantsAdded {
    /// `Addition to group attempted.`
    #[serde(default)]
    pub message: String,
    /// The `phone` as it was sent.
    #[serde(default)]
    pub participants: Value,
    /// The groups (`…@g.us`).
    #[serde(default)]
    pub groups: Vec<ChatId>,
    /// Per group, per participant id: the library's result (`code` 200 added, 403 needs an
    /// invitation with `invite_code`…), kept as the library sent it.
    #[serde(default)]
    pub result: Vec<Map<String, Value>>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /api/{session}/remove-participant-group`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantsRemoved {
    /// `Participant(s) removed successfully`.
    #[serde(default)]
    pub message: String,
    /// The `phone` as it was sent.
    #[serde(default)]
    pub participants: Value,
    /// Per group: the library's result, kept as it sent it.
    #[serde(default)]
    pub groups: Vec<Value>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /api/{session}/leave-group`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeftGroup {
    /// `Você saiu do grupo com sucesso` (the server's key is `messages`).
    #[serde(default)]
    pub messages: String,
    /// The `groupId` as it was sent.
    #[serde(default)]
    pub group: Value,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
