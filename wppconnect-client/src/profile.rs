//! Profiles: the picture of a contact or group (profile-pic).

use wppconnect_models::{Confirmation, ProfilePic, Wrapped};

use crate::chat::chat_id;
use crate::error::Result;
use crate::routes;
use crate::session::Session;
use crate::upload::{Multipart, Upload};

impl Session {
    /// `GET /api/{session}/profile-pic/{phone}`: the picture of a contact (or of a group, from its
    /// `…@g.us` id), or `None` when there is none.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput), [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    #[doc(alias = "profile-pic")]
    pub async fn profile_pic(&self, chat: &str) -> Result<Option<ProfilePic>> {
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
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for an unreadable file,
    /// [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    #[doc(alias = "set-profile-pic")]
    pub async fn set_profile_pic(&self, picture: Upload) -> Result<Confirmation> {
        let mut call = self.call(&routes::SET_PROFILE_PIC, &[])?;
        call.multipart = Some(Multipart::new().file("file", picture));
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }
}
