//! Status (stories): send-text-storie, send-image-storie, send-video-storie. (`send-status`, a
//! text story through the message routes, is [`Session::send_status`].)
//!
//! Every one posts a story: never retried once it may have reached the server.

use serde_json::json;
use wppconnect_models::Confirmation;

use crate::error::{Error, Result};
use crate::message::File;
use crate::routes::{self, Route};
use crate::session::Session;
use crate::upload::Multipart;

impl Session {
    /// `POST /api/{session}/send-text-storie`: a text story, with a background colour
    /// (`#0275d8`) and a font number when given. Never retried after it may have reached the
    /// server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session
    ///     .send_text_storie("Promoção até sexta!", Some("#0275d8"), Some(2))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty text; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "send-text-storie")]
    #[doc(alias = "story")]
    pub async fn send_text_storie(
        &self,
        text: &str,
        background_color: Option<&str>,
        font: Option<u8>,
    ) -> Result<()> {
        if text.trim().is_empty() {
            return Err(Error::invalid("the story is empty"));
        }
        let mut options = serde_json::Map::new();
        if let Some(color) = background_color {
            options.insert("backgroundColor".to_owned(), json!(color));
        }
        if let Some(font) = font {
            options.insert("font".to_owned(), json!(font));
        }
        let mut body = json!({"text": text});
        if !options.is_empty() {
            body["options"] = options.into();
        }
        let call = self.call(&routes::SEND_TEXT_STORIE, &[])?.json(body);
        self.client.send_slot(&self.name).await;
        // 201 `{"status":"success","response":[null],"mapper":"return"}`
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `POST /api/{session}/send-image-storie`: an image story from a URL the server downloads
    /// ([`File::Url`]) or a multipart upload ([`File::Upload`], field `file`). Never retried
    /// after it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for another kind of [`File`]; [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "send-image-storie")]
    pub async fn send_image_storie(&self, image: File) -> Result<()> {
        self.storie(&routes::SEND_IMAGE_STORIE, image).await
    }

    /// `POST /api/{session}/send-video-storie`: a video story, as
    /// [`Session::send_image_storie`]. Never retried after it may have reached the server.
    ///
    /// # Errors
    /// As [`Session::send_image_storie`].
    #[doc(alias = "send-video-storie")]
    pub async fn send_video_storie(&self, video: File) -> Result<()> {
        self.storie(&routes::SEND_VIDEO_STORIE, video).await
    }

    async fn storie(&self, route: &'static Route, file: File) -> Result<()> {
        let mut call = self.call(route, &[])?;
        match file {
            File::Url(url) => call = call.json(json!({"path": url})),
            File::Upload(upload) => call.multipart = Some(Multipart::new().file("file", upload)),
            _ => {
                return Err(Error::invalid(
                    "a story takes a URL (File::url) or an upload (File::upload)",
                ))
            }
        }
        self.client.send_slot(&self.name).await;
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }
}
