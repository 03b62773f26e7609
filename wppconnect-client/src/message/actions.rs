//! What is done to messages rather than sent: edit, react, delete, mark seen, typing, media.

use serde_json::{json, Value};
use wppconnect_models::message::{DownloadedMedia, RecipientFlags, SendReceipt};
use wppconnect_models::{Confirmation, MessageId, Wrapped};

use super::recipient;
use crate::error::{Error, Result};
use crate::ids::{IntoChat, IntoMessageId};
use crate::routes;
use crate::session::Session;

impl Session {
    /// `POST /api/{session}/edit-message`: replaces the text of an own message.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id or an empty text; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "edit-message")]
    pub async fn edit_message(
        &self,
        message_id: impl IntoMessageId,
        new_text: &str,
    ) -> Result<SendReceipt> {
        let id = message_id.into_message_id()?;
        if new_text.trim().is_empty() {
            return Err(Error::invalid("the new text is empty"));
        }
        let call = self
            .call(&routes::EDIT_MESSAGE, &[])?
            .json(json!({"id": id.as_str(), "newText": new_text}));
        let answer: Wrapped<SendReceipt> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/typing`: shows (or stops) "typing…" in a chat.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    pub async fn typing(&self, chat: impl IntoChat, on: bool) -> Result<()> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let mut flags = RecipientFlags::default();
        let phone = recipient(chat, &mut flags)?;
        let call = self
            .call(&routes::TYPING, &[])?
            .json(json!({"phone": phone, "isGroup": flags.is_group, "value": on}));
        // `{"status":"success"}` (the library's answer is empty)
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `POST /api/{session}/react-message`: reacts with an emoji; `""` removes the reaction.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "react-message")]
    pub async fn react_message(
        &self,
        message_id: impl IntoMessageId,
        reaction: &str,
    ) -> Result<Confirmation> {
        let id = message_id.into_message_id()?;
        let call = self
            .call(&routes::REACT_MESSAGE, &[])?
            .json(json!({"msgId": id.as_str(), "reaction": reaction}));
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/delete-message`: deletes messages of one chat for everyone (own recent
    /// messages), or only on this device with `only_local`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id or chat; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "delete-message")]
    pub async fn delete_message(
        &self,
        chat: impl IntoChat,
        message_ids: &[impl IntoMessageId + Clone],
        only_local: bool,
    ) -> Result<Confirmation> {
        let message_ids = message_ids
            .iter()
            .cloned()
            .map(IntoMessageId::into_message_id)
            .collect::<Result<Vec<_>>>()?;
        let message_ids: Vec<&str> = message_ids.iter().map(MessageId::as_str).collect();
        let message_ids = message_ids.as_slice();
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let ids = message_ids
            .iter()
            .map(|id| id.parse::<MessageId>().map(|id| id.as_str().to_owned()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(Error::invalid)?;
        if ids.is_empty() {
            return Err(Error::invalid("no message id"));
        }
        let mut flags = RecipientFlags::default();
        let phone = recipient(chat, &mut flags)?;
        let mut body = json!({"phone": phone, "messageId": ids, "onlyLocal": only_local});
        if flags.is_group {
            body["isGroup"] = Value::Bool(true);
        }
        let call = self.call(&routes::DELETE_MESSAGE, &[])?.json(body);
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/send-seen`: marks a chat as read.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "send-seen")]
    pub async fn send_seen(&self, chat: impl IntoChat) -> Result<()> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let mut flags = RecipientFlags::default();
        let phone = recipient(chat, &mut flags)?;
        let mut body = json!({"phone": phone});
        if flags.is_group {
            body["isGroup"] = Value::Bool(true);
        }
        let call = self.call(&routes::SEND_SEEN, &[])?.json(body);
        // 201 `{"status":"Success","response":{"message","contact","session","data"}}`
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `GET /api/{session}/get-media-by-message/{messageId}`: the media of a received message.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; [`Error::Api`] (400: not found / no media).
    #[doc(alias = "get-media-by-message")]
    pub async fn get_media_by_message(
        &self,
        message_id: impl IntoMessageId,
    ) -> Result<DownloadedMedia> {
        let id = message_id.into_message_id()?;
        let call = self.call(&routes::GET_MEDIA_BY_MESSAGE, &[id.as_str()])?;
        self.execute(call).await
    }

    /// `GET /api/{session}/get-media-by-message/{messageId}`, then writes the file's bytes to
    /// `path`; answers the media (its `mimetype` says what was written; decode again with
    /// [`DownloadedMedia::bytes`]).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let media = session
    ///     .save_media("false_5511999999999@c.us_3EB0C767D71D8A4BD7A5", "/tmp/foto.jpg")
    ///     .await?;
    /// println!("saved a {}", media.mimetype);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Session::get_media_by_message`]; [`Error::InvalidInput`] when the server's base64 is
    /// invalid or the file cannot be written.
    pub async fn save_media(
        &self,
        message_id: impl IntoMessageId,
        path: impl AsRef<std::path::Path>,
    ) -> Result<DownloadedMedia> {
        let message_id = message_id.into_message_id()?;
        let message_id = message_id.as_str();
        let media = self.get_media_by_message(message_id).await?;
        let bytes = media
            .bytes()
            .map_err(|e| Error::invalid(format!("the server's media is not valid base64: {e}")))?;
        let path = path.as_ref();
        tokio::fs::write(path, bytes)
            .await
            .map_err(|e| Error::invalid(format!("cannot write {}: {e}", path.display())))?;
        Ok(media)
    }

    /// `POST /api/{session}/download-media`: the media of a received message (needs a connected
    /// session).
    ///
    /// # Errors
    /// As [`Session::get_media_by_message`], and [`Error::NotConnected`].
    #[doc(alias = "download-media")]
    pub async fn download_media(&self, message_id: impl IntoMessageId) -> Result<DownloadedMedia> {
        let id = message_id.into_message_id()?;
        let call = self
            .call(&routes::DOWNLOAD_MEDIA, &[])?
            .json(json!({"messageId": id.as_str()}));
        self.execute(call).await
    }
}
