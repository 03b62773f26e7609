//! Groups: all-groups, group-members, group-info, group-invite-link, create-group,
//! add-participant-group, remove-participant-group, leave-group.
//!
//! Reads are retried; changes (create, add, remove, leave) are never retried once they may have
//! reached the server.

use serde::de::DeserializeOwned;
use serde_json::json;
use wppconnect_models::group::{
    CreatedGroups, GroupInfo, LeftGroup, ParticipantsAdded, ParticipantsRemoved,
};
use wppconnect_models::{Chat, ChatId, Confirmation, Contact, Wrapped};

use crate::error::{Error, Result};
use crate::ids::{chat_texts, IntoChat};
use crate::message::File;
use crate::routes::{self, Route};
use crate::session::Session;
use crate::upload::Multipart;

impl Session {
    /// `GET /api/{session}/all-groups`.
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "all-groups")]
    pub async fn all_groups(&self) -> Result<Vec<Chat>> {
        let answer: Wrapped<Vec<Chat>> = self.execute(self.call(&routes::ALL_GROUPS, &[])?).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/group-members/{groupId}`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "group-members")]
    pub async fn group_members(&self, group: impl IntoChat) -> Result<Vec<Contact>> {
        let group = group.into_chat();
        let group = group.as_str();
        let id = group_id(group)?;
        let call = self.call(&routes::GROUP_MEMBERS, &[id.as_str()])?;
        let answer: Wrapped<Vec<Contact>> = self.execute(call).await?;
        Ok(answer.response)
    }
    /// `GET /api/{session}/group-info/{groupId}`: name, description, subject, dates (ISO-8601
    /// strings) and participants (`{id, isAdmin}`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "group-info")]
    pub async fn group_info(&self, group: impl IntoChat) -> Result<GroupInfo> {
        let group = group.into_chat();
        let group = group.as_str();
        let id = group_id(group)?;
        let call = self.call(&routes::GROUP_INFO, &[id.as_str()])?;
        let answer: Wrapped<GroupInfo> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/group-invite-link/{groupId}`: the `https://chat.whatsapp.com/…` link.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`] (500 when the session is
    /// not an admin of the group).
    #[doc(alias = "group-invite-link")]
    pub async fn group_invite_link(&self, group: impl IntoChat) -> Result<String> {
        let group = group.into_chat();
        let group = group.as_str();
        let id = group_id(group)?;
        let call = self.call(&routes::GROUP_INVITE_LINK, &[id.as_str()])?;
        let answer: Wrapped<String> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/create-group`: creates a group named `name` with these participants
    /// (numbers as people type them). The answer lists the group created with its id (without
    /// `@g.us`; see [`CreatedGroup::chat_id`](wppconnect_models::group::CreatedGroup::chat_id)).
    /// Never retried once it may have reached the server (it would create a second group).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (empty name, no or bad participant), [`Error::NotConnected`],
    /// [`Error::Api`].
    #[doc(alias = "create-group")]
    pub async fn create_group(
        &self,
        name: &str,
        participants: &[impl IntoChat + Clone],
    ) -> Result<CreatedGroups> {
        let participants = chat_texts(participants);
        let participants: Vec<&str> = participants.iter().map(String::as_str).collect();
        let participants = participants.as_slice();
        if name.trim().is_empty() {
            return Err(Error::invalid("the group name is empty"));
        }
        let phones = phones(participants)?;
        let call = self
            .call(&routes::CREATE_GROUP, &[])?
            .json(json!({"name": name, "participants": phones}));
        let answer: Wrapped<CreatedGroups> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/add-participant-group`: adds numbers to a group. The answer says, per
    /// number, whether it was added or needs an invitation (the library's result per number).
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "add-participant-group")]
    pub async fn add_participant_group(
        &self,
        group: impl IntoChat,
        participants: &[impl IntoChat + Clone],
    ) -> Result<ParticipantsAdded> {
        let participants = chat_texts(participants);
        let participants: Vec<&str> = participants.iter().map(String::as_str).collect();
        let participants = participants.as_slice();
        let group = group.into_chat();
        let group = group.as_str();
        self.participants(&routes::ADD_PARTICIPANT_GROUP, group, participants)
            .await
    }

    /// `POST /api/{session}/remove-participant-group`: removes numbers from a group.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "remove-participant-group")]
    pub async fn remove_participant_group(
        &self,
        group: impl IntoChat,
        participants: &[impl IntoChat + Clone],
    ) -> Result<ParticipantsRemoved> {
        let participants = chat_texts(participants);
        let participants: Vec<&str> = participants.iter().map(String::as_str).collect();
        let participants = participants.as_slice();
        let group = group.into_chat();
        let group = group.as_str();
        self.participants(&routes::REMOVE_PARTICIPANT_GROUP, group, participants)
            .await
    }

    async fn participants<T: DeserializeOwned>(
        &self,
        route: &'static Route,
        group: &str,
        participants: &[&str],
    ) -> Result<T> {
        let id = group_id(group)?;
        let phones = phones(participants)?;
        let call = self
            .call(route, &[])?
            .json(json!({"groupId": id.as_str(), "phone": phones}));
        let answer: Wrapped<T> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/leave-group`: leaves a group.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "leave-group")]
    pub async fn leave_group(&self, group: impl IntoChat) -> Result<LeftGroup> {
        let group = group.into_chat();
        let group = group.as_str();
        let id = group_id(group)?;
        let call = self
            .call(&routes::LEAVE_GROUP, &[])?
            .json(json!({"groupId": id.as_str()}));
        let answer: Wrapped<LeftGroup> = self.execute(call).await?;
        Ok(answer.response)
    }
}

impl Session {
    /// `POST /api/{session}/group-pic`: the group's picture, from a URL the server downloads
    /// ([`File::Url`]) or uploaded as a multipart form ([`File::Upload`], field `file`). Never
    /// retried after it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad group id or another kind of [`File`] (the server reads
    /// no base64 here); [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "group-pic")]
    pub async fn group_pic(&self, group: impl IntoChat, picture: File) -> Result<Confirmation> {
        let group = group.into_chat();
        let group = group.as_str();
        let id = group_id(group)?;
        let mut call = self.call(&routes::GROUP_PIC, &[])?;
        match picture {
            File::Url(url) => call = call.json(json!({"groupId": id.as_str(), "path": url})),
            File::Upload(upload) => {
                call.multipart = Some(
                    Multipart::new()
                        .text("groupId", id.as_str())
                        .file("file", upload),
                );
            }
            _ => {
                return Err(Error::invalid(
                    "group-pic takes a URL (File::url) or an upload (File::upload)",
                ))
            }
        }
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }
}

impl Session {
    /// `GET /api/{session}/group-members-ids/{groupId}`: the members' ids.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "group-members-ids")]
    pub async fn group_members_ids(&self, group: impl IntoChat) -> Result<Vec<ChatId>> {
        let group = group.into_chat();
        let group = group.as_str();
        let id = group_id(group)?;
        let call = self.call(&routes::GROUP_MEMBERS_IDS, &[id.as_str()])?;
        let answer: Wrapped<Vec<ChatId>> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/group-revoke-link/{groupId}`: revokes the invite link and answers the
    /// new one. A GET that changes state: never retried once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`] (400 when it failed).
    #[doc(alias = "group-revoke-link")]
    pub async fn group_revoke_link(&self, group: impl IntoChat) -> Result<String> {
        let group = group.into_chat();
        let group = group.as_str();
        let id = group_id(group)?;
        let call = self.call(&routes::GROUP_REVOKE_LINK, &[id.as_str()])?;
        let answer: Wrapped<String> = self.execute(call).await?;
        Ok(answer.response)
    }
}

/// A group id from `120363…` or `120363…@g.us`.
fn group_id(group: &str) -> Result<ChatId> {
    ChatId::group(group.trim()).map_err(Error::invalid)
}

/// Phone numbers as people type them, as the digits the server expects; at least one.
fn phones(participants: &[&str]) -> Result<Vec<String>> {
    if participants.is_empty() {
        return Err(Error::invalid("no participant"));
    }
    participants
        .iter()
        .map(|p| crate::chat::digits(p))
        .collect()
}
