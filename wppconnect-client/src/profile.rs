//! Profiles: the picture of a contact or group (profile-pic), a number's profile and "about"
//! text (profile, profile-status), and this account's picture, "about" text and name.

use wppconnect_models::profile::ContactStatus;
use wppconnect_models::{Confirmation, NumberStatus, ProfilePic, Wrapped};

use crate::chat::chat_id;
use crate::error::{Error, Result};
use crate::ids::IntoChat;
use crate::routes;
use crate::session::Session;
use crate::upload::{Multipart, Upload};

impl Session {
    /// `GET /api/{session}/profile-pic/{phone}`: the picture of a contact (or of a group, from its
    /// `…@g.us` id), or `None` when there is none.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "profile-pic")]
    pub async fn profile_pic(&self, chat: impl IntoChat) -> Result<Option<ProfilePic>> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let id = chat_id(chat)?;
        let mut call = self.call(&routes::PROFILE_PIC, &[id.user()])?;
        if id.is_group() {
            call = call.query("isGroup", "true");
        }
        let answer: Wrapped<Option<ProfilePic>> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/set-profile-pic`: this account's picture, uploaded as a multipart
    /// form (field `file`; streamed from a path or a reader). Never retried after it may have
    /// reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::Upload;
    /// session.set_profile_pic(Upload::path("/srv/brand/logo.jpg")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unreadable file,
    /// [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "set-profile-pic")]
    pub async fn set_profile_pic(&self, picture: Upload) -> Result<Confirmation> {
        let mut call = self.call(&routes::SET_PROFILE_PIC, &[])?;
        call.multipart = Some(Multipart::new().file("file", picture));
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/profile/{phone}`: whether a number has WhatsApp, and its canonical
    /// id (the library's deprecated `getNumberProfile`; the same answer as
    /// [`Session::check_number_status`]). A read: retried when it fails.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let profile = session.profile("+55 11 99999-9999").await?;
    /// println!("{} exists: {}", profile.id, profile.number_exists);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad number; [`Error::NotConnected`]; [`Error::Api`] (500
    /// when the number has no WhatsApp).
    pub async fn profile(&self, phone: impl IntoChat) -> Result<NumberStatus> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let id = chat_id(phone)?;
        let call = self.call(&routes::PROFILE, &[id.user()])?;
        let answer: Wrapped<NumberStatus> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/profile-status/{phone}`: a contact's "about" text.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad number; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "profile-status")]
    pub async fn profile_status(&self, phone: impl IntoChat) -> Result<ContactStatus> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let id = chat_id(phone)?;
        let call = self.call(&routes::PROFILE_STATUS, &[id.user()])?;
        let answer: Wrapped<ContactStatus> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/profile-status`: this account's "about" text. Retried (it sets a
    /// state).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.set_profile_status("Atendimento das 8h às 18h").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "profile-status")]
    pub async fn set_profile_status(&self, status: &str) -> Result<()> {
        let call = self
            .call(&routes::SET_PROFILE_STATUS, &[])?
            .json(serde_json::json!({ "status": status }));
        // `{"status":"success"}`: the library answers nothing
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `POST /api/{session}/change-username`: this account's profile name. Retried (it sets a
    /// state).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name (the server answers 400 and then crashes its
    /// handler); [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "change-username")]
    pub async fn change_username(&self, name: &str) -> Result<()> {
        if name.trim().is_empty() {
            return Err(Error::invalid("the profile name is empty"));
        }
        let call = self
            .call(&routes::CHANGE_USERNAME, &[])?
            .json(serde_json::json!({ "name": name }));
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }
}
