//! Communities: create-community, deactivate-community, add-community-subgroup,
//! remove-community-subgroup, promote-community-participant, demote-community-participant,
//! community-participants.
//!
//! The server answers the library's result bare (no `{status, response}` wrapper). Every change
//! is never retried once it may have reached the server.

use serde_json::Value;
use wppconnect_models::community::{
    CommunityCreated, CommunityDemoted, CommunityMembers, CommunityRef, CommunitySubgroups,
    CreateCommunity, SubgroupsLinked,
};
use wppconnect_models::ChatId;

use crate::chat::chat_id;
use crate::error::{Error, Result};
use crate::ids::{chat_texts, IntoChat};
use crate::routes;
use crate::session::Session;

impl Session {
    /// `POST /api/{session}/create-community`: creates a community and links these groups to
    /// it. Never retried once it may have reached the server (it would create a second one).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let community = session
    ///     .create_community("Loja", "Avisos e grupos da loja", &["120363025746331234@g.us"])
    ///     .await?;
    /// println!("{}", community.wid);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (empty name, bad group); [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "create-community")]
    pub async fn create_community(
        &self,
        name: &str,
        description: &str,
        groups: &[impl IntoChat + Clone],
    ) -> Result<CommunityCreated> {
        let groups = chat_texts(groups);
        let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
        let groups = groups.as_slice();
        if name.trim().is_empty() {
            return Err(Error::invalid("the community name is empty"));
        }
        let body = CreateCommunity {
            name: name.to_owned(),
            description: description.to_owned(),
            group_ids: group_ids(groups)?,
        };
        self.post_json_answer(&routes::CREATE_COMMUNITY, &body)
            .await
    }

    /// `POST /api/{session}/deactivate-community`: deactivates a community. The server passes
    /// WhatsApp's answer through, which the library does not declare (`Promise<any>`): it is
    /// returned as JSON, `None` when the body is empty. Never retried once it may have reached
    /// the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.deactivate_community("120363025746339999@g.us").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "deactivate-community")]
    pub async fn deactivate_community(&self, community: impl IntoChat) -> Result<Option<Value>> {
        let community = community.into_chat();
        let community = community.as_str();
        let body = CommunityRef {
            id: community_id(community)?.as_str().to_owned(),
        };
        let call = self
            .call(&routes::DEACTIVATE_COMMUNITY, &[])?
            .body_of(&body)?;
        self.client.execute_optional(Some(&self.name), call).await
    }

    /// `POST /api/{session}/add-community-subgroup`: links groups to a community. Never retried
    /// once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let linked = session
    ///     .add_community_subgroup("120363025746339999@g.us", &["120363025746331234@g.us"])
    ///     .await?;
    /// assert!(linked.failed_groups.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (bad community, no or bad group); [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "add-community-subgroup")]
    pub async fn add_community_subgroup(
        &self,
        community: impl IntoChat,
        groups: &[impl IntoChat + Clone],
    ) -> Result<SubgroupsLinked> {
        let groups = chat_texts(groups);
        let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
        let groups = groups.as_slice();
        let community = community.into_chat();
        let community = community.as_str();
        let body = subgroups(community, groups)?;
        self.post_json_answer(&routes::ADD_COMMUNITY_SUBGROUP, &body)
            .await
    }

    /// `POST /api/{session}/remove-community-subgroup`: unlinks groups from a community. Never
    /// retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session
    ///     .remove_community_subgroup("120363025746339999@g.us", &["120363025746331234@g.us"])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "remove-community-subgroup")]
    pub async fn remove_community_subgroup(
        &self,
        community: impl IntoChat,
        groups: &[impl IntoChat + Clone],
    ) -> Result<SubgroupsLinked> {
        let groups = chat_texts(groups);
        let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
        let groups = groups.as_slice();
        let community = community.into_chat();
        let community = community.as_str();
        let body = subgroups(community, groups)?;
        self.post_json_answer(&routes::REMOVE_COMMUNITY_SUBGROUP, &body)
            .await
    }

    /// `POST /api/{session}/promote-community-participant`: makes members admins of a community
    /// (numbers as people type them, or full ids). The library answers nothing (WhatsApp's
    /// `Promise<void>`), so the server's body is empty. Never retried once it may have reached
    /// the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session
    ///     .promote_community_participant("120363025746339999@g.us", &["+55 21 99999-9999"])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "promote-community-participant")]
    pub async fn promote_community_participant(
        &self,
        community: impl IntoChat,
        members: &[impl IntoChat + Clone],
    ) -> Result<()> {
        let members = chat_texts(members);
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        let members = members.as_slice();
        let community = community.into_chat();
        let community = community.as_str();
        let body = community_members(community, members)?;
        let call = self
            .call(&routes::PROMOTE_COMMUNITY_PARTICIPANT, &[])?
            .body_of(&body)?;
        let _: Option<Value> = self.client.execute_optional(Some(&self.name), call).await?;
        Ok(())
    }

    /// `POST /api/{session}/demote-community-participant`: takes the admin role from members of
    /// a community. The library catches WhatsApp's failure and the server still answers 200:
    /// check [`CommunityDemoted::success`]. Never retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let demoted = session
    ///     .demote_community_participant("120363025746339999@g.us", &["5521999999999"])
    ///     .await?;
    /// assert!(demoted.success);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "demote-community-participant")]
    pub async fn demote_community_participant(
        &self,
        community: impl IntoChat,
        members: &[impl IntoChat + Clone],
    ) -> Result<CommunityDemoted> {
        let members = chat_texts(members);
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        let members = members.as_slice();
        let community = community.into_chat();
        let community = community.as_str();
        let body = community_members(community, members)?;
        self.post_json_answer(&routes::DEMOTE_COMMUNITY_PARTICIPANT, &body)
            .await
    }

    /// `GET /api/{session}/community-participants/{id}`: the members of a community, as
    /// WhatsApp's `getCommunityParticipants` answers them. Neither the library nor wa-js
    /// declares that shape (`Promise<any>`), so it is returned as JSON.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let members = session.community_participants("120363025746339999@g.us").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "community-participants")]
    pub async fn community_participants(&self, community: impl IntoChat) -> Result<Value> {
        let community = community.into_chat();
        let community = community.as_str();
        let id = community_id(community)?;
        let call = self.call(&routes::COMMUNITY_PARTICIPANTS, &[id.as_str()])?;
        Ok(self
            .client
            .execute_optional(Some(&self.name), call)
            .await?
            .unwrap_or(Value::Null))
    }
}

/// A community id (a group id) from `120363…` or `120363…@g.us`.
fn community_id(community: &str) -> Result<ChatId> {
    ChatId::group(community.trim()).map_err(Error::invalid)
}

/// Group ids, full, at least one.
fn group_ids(groups: &[&str]) -> Result<Vec<String>> {
    if groups.is_empty() {
        return Err(Error::invalid("no group"));
    }
    groups
        .iter()
        .map(|g| community_id(g).map(|id| id.as_str().to_owned()))
        .collect()
}

fn subgroups(community: &str, groups: &[&str]) -> Result<CommunitySubgroups> {
    Ok(CommunitySubgroups {
        id: community_id(community)?.as_str().to_owned(),
        groups_ids: group_ids(groups)?,
    })
}

fn community_members(community: &str, members: &[&str]) -> Result<CommunityMembers> {
    let id = community_id(community)?.as_str().to_owned();
    if members.is_empty() {
        return Err(Error::invalid("no participant"));
    }
    let participants_id = members
        .iter()
        .map(|m| chat_id(m.trim()).map(|id| id.as_str().to_owned()))
        .collect::<Result<_>>()?;
    Ok(CommunityMembers {
        id,
        participants_id,
    })
}
