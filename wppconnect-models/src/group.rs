//! Answers of the group routes (`src/controller/groupController.ts` of server 2.10.4).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::macros::string_enum;
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

/// `POST /api/{session}/promote-participant-group` and `/demote-participant-group`: the
/// server's fixed text, the participants as its number check resolved them, and the groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminsChanged {
    /// `Successful promoted participant(s)` or `Admin of participant(s) revoked successfully`.
    #[serde(default)]
    pub message: String,
    /// The participants' ids (`5511…@c.us`), as the server's number check resolved them.
    #[serde(default)]
    pub participants: Vec<ChatId>,
    /// The groups (`…@g.us`).
    #[serde(default)]
    pub groups: Vec<ChatId>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /api/{session}/join-code`: the server's fixed text and the code as it was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinedGroup {
    /// `The informed contact(s) entered the group successfully`.
    #[serde(default)]
    pub message: String,
    /// The invite code as it was sent (the server's key is `contact`).
    #[serde(default)]
    pub contact: String,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /api/{session}/group-info-from-invite-link`: what WhatsApp tells about the group of an
/// invite code before joining it (wa-js `group.getGroupInfoFromInviteCode`; ids as strings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteGroupInfo {
    /// The group id (`120363…@g.us`).
    pub id: ChatId,
    /// The group's name.
    #[serde(default)]
    pub subject: String,
    /// Who set the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_owner: Option<ChatId>,
    /// When the name was set, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_time: Option<i64>,
    /// The description (line breaks as `\n`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    /// Who set the description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc_owner: Option<ChatId>,
    /// Who created the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<ChatId>,
    /// When the group was created, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation: Option<i64>,
    /// How many members it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Only admins send messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announce: Option<bool>,
    /// Only admins edit the group's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrict: Option<bool>,
    /// New members wait for an admin's approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership_approval_mode: Option<bool>,
    /// The members WhatsApp shows (`{id, isAdmin, isSuperAdmin}`).
    #[serde(default)]
    pub participants: Vec<GroupParticipant>,
    /// Every other field (`descId`, `parent`, `isParentGroup`…), kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

string_enum! {
    /// A group setting of `POST /api/{session}/group-property` (the library's `GroupProperty`).
    pub enum GroupProperty {
        /// Only admins send messages.
        Announcement => "announcement",
        /// Only admins edit the group's settings.
        Restrict => "restrict",
        /// Disappearing messages (`true`: 7 days).
        Ephemeral => "ephemeral",
        /// Messages forwarded many times are not allowed.
        NoFrequentlyForwarded => "no_frequently_forwarded",
    }
}

/// Body of the routes that name a group and numbers (`promote-participant-group`,
/// `demote-participant-group`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupParticipants {
    /// The group (`120363…@g.us`).
    pub group_id: String,
    /// The numbers, digits only.
    pub phone: Vec<String>,
}

/// Body of `POST /api/{session}/join-code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinCode {
    /// The invite code or link (`https://chat.whatsapp.com/…`).
    pub invite_code: String,
}

/// Body of `POST /api/{session}/group-info-from-invite-link`: the server reads the key
/// `invitecode`, all lower case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCode {
    /// The invite code or link.
    pub invitecode: String,
}

/// Body of `POST /api/{session}/group-description`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupDescription {
    /// The group (`120363…@g.us`).
    pub group_id: String,
    /// The new description.
    pub description: String,
}

/// Body of `POST /api/{session}/group-subject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSubject {
    /// The group (`120363…@g.us`).
    pub group_id: String,
    /// The new name.
    pub title: String,
}

/// Body of `POST /api/{session}/group-property`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetGroupProperty {
    /// The group (`120363…@g.us`).
    pub group_id: String,
    /// The setting.
    pub property: GroupProperty,
    /// On or off.
    pub value: bool,
}

/// Body of `POST /api/{session}/messages-admins-only`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagesAdminsOnly {
    /// The group (`120363…@g.us`).
    pub group_id: String,
    /// Only admins send messages.
    pub value: bool,
}

/// Body of `POST /api/{session}/change-privacy-group`: the server enables the setting only
/// when `status` is the **string** `"true"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangePrivacyGroup {
    /// The group (`120363…@g.us`).
    pub group_id: String,
    /// `"true"` or `"false"`.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_properties_round_trip() {
        for wire in GroupProperty::KNOWN {
            let property = GroupProperty::from(*wire);
            assert!(!property.is_other());
            assert_eq!(property.as_str(), *wire);
        }
        let unknown: GroupProperty = serde_json::from_str("\"membership_approval\"").unwrap();
        assert_eq!(
            unknown,
            GroupProperty::Other("membership_approval".to_owned())
        );
        assert_eq!(
            serde_json::to_string(&unknown).unwrap(),
            "\"membership_approval\""
        );
    }
}
