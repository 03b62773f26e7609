//! Labels (WhatsApp Business): get-all-labels, add-new-label, add-or-remove-label,
//! delete-label, delete-all-labels.
//!
//! Reads and `add-or-remove-label` (it sets which labels a chat has) are retried; creating and
//! deleting are never retried once they may have reached the server.

use serde_json::json;
use wppconnect_models::label::{Label, LabelChange};
use wppconnect_models::{Confirmation, Wrapped};

use crate::chat::chat_id;
use crate::error::{Error, Result};
use crate::ids::{chat_texts, IntoChat};
use crate::routes;
use crate::session::Session;

impl Session {
    /// `GET /api/{session}/get-all-labels`.
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "get-all-labels")]
    pub async fn get_all_labels(&self) -> Result<Vec<Label>> {
        let answer: Wrapped<Vec<Label>> = self
            .execute(self.call(&routes::GET_ALL_LABELS, &[])?)
            .await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/add-new-label`: creates a label, with a colour (`labelColor`, ARGB
    /// number) when given. Never retried once it may have reached the server (it would create a
    /// second label).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "add-new-label")]
    pub async fn add_new_label(&self, name: &str, color: Option<u32>) -> Result<Label> {
        if name.trim().is_empty() {
            return Err(Error::invalid("the label name is empty"));
        }
        let mut body = json!({"name": name});
        if let Some(color) = color {
            body["options"] = json!({"labelColor": color});
        }
        let call = self.call(&routes::ADD_NEW_LABEL, &[])?.json(body);
        let answer: Wrapped<Label> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/add-or-remove-label`: puts labels on chats and takes others off.
    /// Chats are numbers as people type them or full ids; they are sent as full ids.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::label::LabelChange;
    /// session
    ///     .add_or_remove_labels(&["+55 11 99999-9999"], &[LabelChange::add("3"), LabelChange::remove("5")])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (no chat, no change, a bad chat); [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "add-or-remove-label")]
    pub async fn add_or_remove_labels(
        &self,
        chats: &[impl IntoChat + Clone],
        changes: &[LabelChange],
    ) -> Result<()> {
        let chats = chat_texts(chats);
        let chats: Vec<&str> = chats.iter().map(String::as_str).collect();
        let chats = chats.as_slice();
        if chats.is_empty() || changes.is_empty() {
            return Err(Error::invalid("no chat or no label change"));
        }
        let ids = chats
            .iter()
            .map(|chat| chat_id(chat).map(|id| id.as_str().to_owned()))
            .collect::<Result<Vec<_>>>()?;
        let call = self
            .call(&routes::ADD_OR_REMOVE_LABEL, &[])?
            .json(json!({"chatIds": ids, "options": changes}));
        // `{"status":"success","response":<the library's answer>}`
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `PUT /api/{session}/delete-label/{id}`: deletes a label. Never retried once it may have
    /// reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "delete-label")]
    pub async fn delete_label(&self, label_id: &str) -> Result<()> {
        if label_id.trim().is_empty() {
            return Err(Error::invalid("the label id is empty"));
        }
        let call = self.call(&routes::DELETE_LABEL, &[label_id])?;
        // `{"status":"success","response":<the library's answer>}`
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `PUT /api/{session}/delete-all-labels`: deletes every label. Never retried once it may
    /// have reached the server.
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "delete-all-labels")]
    pub async fn delete_all_labels(&self) -> Result<()> {
        let call = self.call(&routes::DELETE_ALL_LABELS, &[])?;
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }
}
