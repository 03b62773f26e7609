//! Communities: the answers and bodies of the community routes (`src/controller/
//! communityController.ts` of server 2.10.4, which answers the library's result bare, status 200;
//! wa-js 4.4.3 `community.*`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ChatId;

/// Body of `POST /api/{session}/create-community`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCommunity {
    /// The community's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// The groups linked to it (`120363…@g.us`).
    pub group_ids: Vec<String>,
}

/// Body of `POST /api/{session}/add-community-subgroup` and `/remove-community-subgroup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunitySubgroups {
    /// The community (`…@g.us`).
    pub id: String,
    /// The groups (`…@g.us`); the server's key is `groupsIds`.
    #[serde(rename = "groupsIds")]
    pub groups_ids: Vec<String>,
}

/// Body of `POST /api/{session}/promote-community-participant` and
/// `/demote-community-participant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityMembers {
    /// The community (`…@g.us`).
    pub id: String,
    /// The members (`5511…@c.us`); the server's key is `participantsId`.
    #[serde(rename = "participantsId")]
    pub participants_id: Vec<String>,
}

/// Body of `POST /api/{session}/deactivate-community`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityRef {
    /// The community (`…@g.us`).
    pub id: String,
}

/// `POST /api/{session}/create-community`: the new community and the result of linking its
/// groups (wa-js `community.create`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunityCreated {
    /// The community's id (`…@g.us`).
    pub wid: ChatId,
    /// Which groups were linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_groups: Option<SubgroupsLinked>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The result of linking or unlinking groups (`add-community-subgroup`,
/// `remove-community-subgroup`, [`CommunityCreated::sub_groups`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubgroupsLinked {
    /// The groups that failed, with WhatsApp's reason.
    #[serde(default)]
    pub failed_groups: Vec<FailedGroup>,
    /// The groups that were (un)linked.
    #[serde(default)]
    pub linked_group_jids: Vec<ChatId>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A group of [`SubgroupsLinked::failed_groups`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedGroup {
    /// The group.
    pub jid: ChatId,
    /// WhatsApp's reason (a code such as `"403"`), kept as sent.
    #[serde(default)]
    pub error: Value,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /api/{session}/demote-community-participant`: the library catches WhatsApp's failure
/// and answers `success: false` with status 200, so check [`CommunityDemoted::success`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityDemoted {
    /// The `participantsId` as it was sent.
    #[serde(default)]
    pub participants: Value,
    /// Whether WhatsApp demoted them.
    #[serde(default)]
    pub success: bool,
    /// WhatsApp's error, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
