//! Groups: all-groups, group-members.

use reqwest::Method;
use serde_json::Value;
use wppconnect_models::{ChatId, Contact, Wrapped};

use crate::error::{Error, Result};
use crate::session::Session;

impl Session {
    /// `GET /api/{session}/all-groups`.
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "all-groups")]
    pub async fn all_groups(&self) -> Result<Vec<Value>> {
        let answer: Wrapped<Vec<Value>> = self
            .execute(self.call(Method::GET, "GET /api/{session}/all-groups", "all-groups"))
            .await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/group-members/{groupId}`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "group-members")]
    pub async fn group_members(&self, group: &str) -> Result<Vec<Contact>> {
        let id = ChatId::group(group.trim_end_matches("@g.us")).map_err(Error::invalid)?;
        let call = self
            .call(
                Method::GET,
                "GET /api/{session}/group-members/{groupId}",
                "group-members",
            )
            .segments([id.as_str()]);
        let answer: Wrapped<Vec<Contact>> = self.execute(call).await?;
        Ok(answer.response)
    }
}
