//! Profiles: the picture of a contact or group (profile-pic).

use wppconnect_models::{ProfilePic, Wrapped};

use crate::chat::chat_id;
use crate::error::Result;
use crate::routes;
use crate::session::Session;

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
}
