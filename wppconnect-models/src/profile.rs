//! Profiles: the picture of a contact or group (`profile-pic`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ChatId;

/// The picture of a contact or group, as `GET /api/{session}/profile-pic/{phone}` answers it
/// (`response`; `null` when there is no picture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePic {
    /// Whose picture this is (a `{server, user, _serialized}` object on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ChatId>,
    /// Thumbnail URL (96×96).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub img: Option<String>,
    /// Full-size picture URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub img_full: Option<String>,
    /// The encrypted URL WhatsApp Web uses internally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eurl: Option<String>,
    /// The picture's version tag; changes when the picture does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Every other key, kept as received (`raw`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ProfilePic {
    /// The best URL to download: the full-size picture, else the thumbnail.
    #[must_use]
    pub fn url(&self) -> Option<&str> {
        self.img_full.as_deref().or(self.img.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Wrapped;

    #[test]
    fn reads_the_servers_answer() {
        let answer: Wrapped<Option<ProfilePic>> =
            serde_json::from_str(wppconnect_fixtures::text("profile-pic")).unwrap();
        let pic = answer.response.unwrap();
        assert_eq!(
            pic.id.as_ref().map(ChatId::as_str),
            Some("5511999999999@c.us")
        );
        assert!(pic.url().unwrap().contains("Q5AaIFullSig"));
        assert_eq!(pic.tag.as_deref(), Some("1790001234"));
        assert!(pic.extra.contains_key("raw"));
        let none: Wrapped<Option<ProfilePic>> =
            serde_json::from_str(r#"{"status":"success","response":null}"#).unwrap();
        assert_eq!(none.response, None);
    }
}

/// `GET /api/{session}/profile-status/{phone}`: a contact's "about" text (the library's
/// `getStatus`: `{"id", "status"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactStatus {
    /// The contact asked about.
    pub id: ChatId,
    /// The "about" text; `None` when WhatsApp has none or hides it.
    #[serde(default)]
    pub status: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
