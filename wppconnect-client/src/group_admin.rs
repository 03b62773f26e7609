//! Group administration: common-groups, group-admins, join-code, promote/demote,
//! group-info-from-invite-link, group-description, group-subject, group-property,
//! messages-admins-only, change-privacy-group, and the broadcast lists.
//!
//! Reads are retried; every change is never retried once it may have reached the server (each
//! posts a notice in the group).

use serde::Serialize;
use wppconnect_models::group::{
    AdminsChanged, ChangePrivacyGroup, GroupDescription, GroupParticipants, GroupProperty,
    GroupSubject, InviteCode, InviteGroupInfo, JoinCode, JoinedGroup, MessagesAdminsOnly,
    SetGroupProperty,
};
use wppconnect_models::{Chat, ChatId, Confirmation, Wrapped};

use crate::chat::chat_id;
use crate::error::{Error, Result};
use crate::ids::{chat_texts, IntoChat};
use crate::routes::{self, Route};
use crate::session::Session;

impl Session {
    /// `GET /api/{session}/common-groups/{wid}`: the groups this account shares with a contact
    /// (a number as people type it, or a full id).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// for group in session.common_groups("+55 21 99999-9999").await? {
    ///     println!("{group}");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad contact; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "common-groups")]
    pub async fn common_groups(&self, contact: impl IntoChat) -> Result<Vec<ChatId>> {
        let contact = contact.into_chat();
        let contact = contact.as_str();
        let wid = chat_id(contact.trim())?;
        let call = self.call(&routes::COMMON_GROUPS, &[wid.as_str()])?;
        // a bare array of the library's ids
        self.execute(call).await
    }

    /// `GET /api/{session}/group-admins/{groupId}`: the admins' ids (the server answers one
    /// list per group; this method asks for one group and returns its list).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let admins = session.group_admins("120363025746331234@g.us").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "group-admins")]
    pub async fn group_admins(&self, group: impl IntoChat) -> Result<Vec<ChatId>> {
        let group = group.into_chat();
        let group = group.as_str();
        let id = group_id(group)?;
        let call = self.call(&routes::GROUP_ADMINS, &[id.as_str()])?;
        let answer: Wrapped<Vec<Vec<ChatId>>> = self.execute(call).await?;
        Ok(answer.response.into_iter().flatten().collect())
    }

    /// `POST /api/{session}/join-code`: joins a group by its invite code or link
    /// (`https://chat.whatsapp.com/…`). Never retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.join_code("https://chat.whatsapp.com/AbCdEf123").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty code; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "join-code")]
    pub async fn join_code(&self, invite_code: &str) -> Result<JoinedGroup> {
        let body = JoinCode {
            invite_code: invite(invite_code)?,
        };
        self.post_json_response(&routes::JOIN_CODE, &body).await
    }

    /// `POST /api/{session}/promote-participant-group`: makes numbers admins of a group. The
    /// server checks each number first (400 when one has no WhatsApp). Never retried once it
    /// may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session
    ///     .promote_participant_group("120363025746331234@g.us", &["+55 21 99999-9999"])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (bad group, no or bad number); [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "promote-participant-group")]
    pub async fn promote_participant_group(
        &self,
        group: impl IntoChat,
        participants: &[impl IntoChat + Clone],
    ) -> Result<AdminsChanged> {
        let participants = chat_texts(participants);
        let participants: Vec<&str> = participants.iter().map(String::as_str).collect();
        let participants = participants.as_slice();
        let group = group.into_chat();
        let group = group.as_str();
        let body = group_participants(group, participants)?;
        self.post_json_response(&routes::PROMOTE_PARTICIPANT_GROUP, &body)
            .await
    }

    /// `POST /api/{session}/demote-participant-group`: takes the admin role from numbers of a
    /// group. Never retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session
    ///     .demote_participant_group("120363025746331234@g.us", &["5521999999999"])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (bad group, no or bad number); [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "demote-participant-group")]
    pub async fn demote_participant_group(
        &self,
        group: impl IntoChat,
        participants: &[impl IntoChat + Clone],
    ) -> Result<AdminsChanged> {
        let participants = chat_texts(participants);
        let participants: Vec<&str> = participants.iter().map(String::as_str).collect();
        let participants = participants.as_slice();
        let group = group.into_chat();
        let group = group.as_str();
        let body = group_participants(group, participants)?;
        self.post_json_response(&routes::DEMOTE_PARTICIPANT_GROUP, &body)
            .await
    }

    /// `POST /api/{session}/group-info-from-invite-link`: what WhatsApp tells about the group of
    /// an invite code or link, without joining it. A read: retried when it fails.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let info = session
    ///     .group_info_from_invite_link("https://chat.whatsapp.com/AbCdEf123")
    ///     .await?;
    /// println!("{} ({:?} members)", info.subject, info.size);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty code; [`Error::NotConnected`]; [`Error::Api`] (500
    /// for an invalid code).
    #[doc(alias = "group-info-from-invite-link")]
    pub async fn group_info_from_invite_link(&self, invite_code: &str) -> Result<InviteGroupInfo> {
        let body = InviteCode {
            invitecode: invite(invite_code)?,
        };
        self.post_json_response(&routes::GROUP_INFO_FROM_INVITE_LINK, &body)
            .await
    }

    /// `POST /api/{session}/group-description`: sets a group's description (the session must
    /// be allowed to). Never retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session
    ///     .group_description("120363025746331234@g.us", "Pedidos e entregas")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`] (500 when not allowed).
    #[doc(alias = "group-description")]
    pub async fn group_description(&self, group: impl IntoChat, description: &str) -> Result<()> {
        let group = group.into_chat();
        let group = group.as_str();
        let body = GroupDescription {
            group_id: group_id(group)?.as_str().to_owned(),
            description: description.to_owned(),
        };
        // `{"status":"success","response":true}`
        let _: Confirmation = self
            .post_json_answer(&routes::GROUP_DESCRIPTION, &body)
            .await?;
        Ok(())
    }

    /// `POST /api/{session}/group-subject`: renames a group. Never retried once it may have
    /// reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.group_subject("120363025746331234@g.us", "Equipe 2025").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (bad group, empty name); [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "group-subject")]
    pub async fn group_subject(&self, group: impl IntoChat, title: &str) -> Result<()> {
        let group = group.into_chat();
        let group = group.as_str();
        if title.trim().is_empty() {
            return Err(Error::invalid("the group name is empty"));
        }
        let body = GroupSubject {
            group_id: group_id(group)?.as_str().to_owned(),
            title: title.to_owned(),
        };
        let _: Confirmation = self.post_json_answer(&routes::GROUP_SUBJECT, &body).await?;
        Ok(())
    }

    /// `POST /api/{session}/group-property`: turns a group setting on or off
    /// ([`GroupProperty::Ephemeral`] on means 7 days). Never retried once it may have reached
    /// the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::group::GroupProperty;
    /// session
    ///     .group_property("120363025746331234@g.us", GroupProperty::Restrict, true)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`] (500 when not allowed).
    #[doc(alias = "group-property")]
    pub async fn group_property(
        &self,
        group: impl IntoChat,
        property: GroupProperty,
        value: bool,
    ) -> Result<()> {
        let group = group.into_chat();
        let group = group.as_str();
        let body = SetGroupProperty {
            group_id: group_id(group)?.as_str().to_owned(),
            property,
            value,
        };
        let _: Confirmation = self
            .post_json_answer(&routes::GROUP_PROPERTY, &body)
            .await?;
        Ok(())
    }

    /// `POST /api/{session}/messages-admins-only`: whether only admins may send messages in a
    /// group. Never retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.messages_admins_only("120363025746331234@g.us", true).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "messages-admins-only")]
    pub async fn messages_admins_only(
        &self,
        group: impl IntoChat,
        admins_only: bool,
    ) -> Result<()> {
        let group = group.into_chat();
        let group = group.as_str();
        let body = MessagesAdminsOnly {
            group_id: group_id(group)?.as_str().to_owned(),
            value: admins_only,
        };
        let _: Confirmation = self
            .post_json_answer(&routes::MESSAGES_ADMINS_ONLY, &body)
            .await?;
        Ok(())
    }

    /// `POST /api/{session}/change-privacy-group`: whether only admins may edit a group's
    /// settings (the `restrict` property). The server compares `status` with the **string**
    /// `"true"`, which this method sends.
    ///
    /// Server 2.10.4 turns the group id into a contact or LID id before calling the library
    /// (`contactToArray` without `isGroup`), so the real server is likely to answer 500 here:
    /// [`Session::group_property`] with [`GroupProperty::Restrict`] does the same reliably.
    /// Never retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.change_privacy_group("120363025746331234@g.us", true).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "change-privacy-group")]
    pub async fn change_privacy_group(
        &self,
        group: impl IntoChat,
        restricted: bool,
    ) -> Result<Confirmation> {
        let group = group.into_chat();
        let group = group.as_str();
        let body = ChangePrivacyGroup {
            group_id: group_id(group)?.as_str().to_owned(),
            status: restricted.to_string(),
        };
        self.post_json_response(&routes::CHANGE_PRIVACY_GROUP, &body)
            .await
    }

    /// `GET /api/{session}/all-broadcast-list`: the broadcast lists (the chats that are
    /// broadcasts, without `status@broadcast`).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// for list in session.all_broadcast_list().await? {
    ///     println!("{} {:?}", list.id, list.name);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "all-broadcast-list")]
    pub async fn all_broadcast_list(&self) -> Result<Vec<Chat>> {
        let call = self.call(&routes::ALL_BROADCAST_LIST, &[])?;
        let answer: Wrapped<Vec<Chat>> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// Posts a typed body and reads the whole answer.
    pub(crate) async fn post_json_answer<B, T>(&self, route: &'static Route, body: &B) -> Result<T>
    where
        B: Serialize + Sync,
        T: serde::de::DeserializeOwned,
    {
        let call = self.call(route, &[])?.body_of(body)?;
        self.execute(call).await
    }

    /// Posts a typed body and reads the `response` of the answer.
    pub(crate) async fn post_json_response<B, T>(
        &self,
        route: &'static Route,
        body: &B,
    ) -> Result<T>
    where
        B: Serialize + Sync,
        T: serde::de::DeserializeOwned,
    {
        let answer: Wrapped<T> = self.post_json_answer(route, body).await?;
        Ok(answer.response)
    }
}

/// A group id from `120363…` or `120363…@g.us`.
fn group_id(group: &str) -> Result<ChatId> {
    ChatId::group(group.trim()).map_err(Error::invalid)
}

/// An invite code or link, not empty.
fn invite(code: &str) -> Result<String> {
    let code = code.trim();
    if code.is_empty() {
        return Err(Error::invalid("the invite code is empty"));
    }
    Ok(code.to_owned())
}

/// A group and at least one number, as the server's body.
fn group_participants(group: &str, participants: &[&str]) -> Result<GroupParticipants> {
    let group_id = group_id(group)?.as_str().to_owned();
    if participants.is_empty() {
        return Err(Error::invalid("no participant"));
    }
    let phone = participants
        .iter()
        .map(|p| crate::chat::digits(p))
        .collect::<Result<_>>()?;
    Ok(GroupParticipants { group_id, phone })
}
