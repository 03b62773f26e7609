//! Newsletters (channels): newsletter (create, edit, delete) and mute-newsletter.
//!
//! The server answers the library's result bare, status 201, and 400
//! `{"status":"Error","response":{"message":"Error retrieving information",…}}` on failure.
//! None of these routes is retried once it may have reached the server.

use std::future::IntoFuture;

use serde_json::Value;
use wppconnect_models::newsletter::{CreateNewsletter, EditNewsletter, Newsletter};
use wppconnect_models::{ChatId, ChatKind};

use crate::error::{Error, Result};
use crate::ids::IntoChat;
use crate::routes;
use crate::session::{BoxFuture, Session};

/// `POST /api/{session}/newsletter` with its options. `.await` sends it; see
/// [`Session::create_newsletter`].
#[must_use = "requests do nothing unless .awaited"]
#[derive(Debug)]
pub struct CreateNewsletterRequest {
    session: Session,
    body: Result<CreateNewsletter>,
}

impl CreateNewsletterRequest {
    /// The channel's description.
    pub fn description(mut self, description: &str) -> Self {
        if let Ok(body) = &mut self.body {
            body.options.description = Some(description.to_owned());
        }
        self
    }

    /// The channel's picture, base64 (a data URL).
    pub fn picture(mut self, base64: &str) -> Self {
        if let Ok(body) = &mut self.body {
            body.options.picture = Some(base64.to_owned());
        }
        self
    }

    /// The body this request sends.
    ///
    /// # Errors
    /// The first invalid input.
    pub fn into_body(self) -> Result<CreateNewsletter> {
        self.body
    }
}

impl IntoFuture for CreateNewsletterRequest {
    type Output = Result<Newsletter>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let body = self.body?;
            self.session
                .post_json_answer(&routes::CREATE_NEWSLETTER, &body)
                .await
        })
    }
}

/// `PUT /api/{session}/newsletter/{id}` with the fields to change. `.await` sends it; see
/// [`Session::edit_newsletter`].
#[must_use = "requests do nothing unless .awaited"]
#[derive(Debug)]
pub struct EditNewsletterRequest {
    session: Session,
    id: Result<ChatId>,
    body: EditNewsletter,
}

impl EditNewsletterRequest {
    /// The new name.
    pub fn name(mut self, name: &str) -> Self {
        self.body.name = Some(name.to_owned());
        self
    }

    /// The new description.
    pub fn description(mut self, description: &str) -> Self {
        self.body.description = Some(description.to_owned());
        self
    }

    /// The new picture: base64 (a data URL) or an `http(s)` URL the library downloads.
    pub fn picture(mut self, picture: &str) -> Self {
        self.body.picture = Some(picture.to_owned());
        self
    }

    /// The body this request sends.
    pub fn into_body(self) -> EditNewsletter {
        self.body
    }
}

impl IntoFuture for EditNewsletterRequest {
    type Output = Result<Newsletter>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let id = self.id?;
            let call = self
                .session
                .call(&routes::EDIT_NEWSLETTER, &[id.as_str()])?
                .body_of(&self.body)?;
            self.session.execute(call).await
        })
    }
}

impl Session {
    /// `POST /api/{session}/newsletter`: creates a channel; `.description(…)` and
    /// `.picture(…)` are optional. Never retried once it may have reached the server (it would
    /// create a second channel).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let channel = session
    ///     .create_newsletter("Ofertas")
    ///     .description("Promoções da semana")
    ///     .await?;
    /// println!("{} {:?}", channel.id_jid, channel.invite_link);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name; [`Error::NotConnected`]; [`Error::Api`] (400).
    #[doc(alias = "newsletter")]
    pub fn create_newsletter(&self, name: &str) -> CreateNewsletterRequest {
        let body = if name.trim().is_empty() {
            Err(Error::invalid("the channel name is empty"))
        } else {
            Ok(CreateNewsletter {
                name: name.to_owned(),
                ..CreateNewsletter::default()
            })
        };
        CreateNewsletterRequest {
            session: self.clone(),
            body,
        }
    }

    /// `PUT /api/{session}/newsletter/{id}`: changes a channel's name, description or picture
    /// and answers the channel as it is now. With server 2.10.4 and wa-js 4.4.3 an edit
    /// **without** `.picture(…)` removes the channel's picture (the library reads a missing
    /// picture as `null`). Never retried once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let channel = session
    ///     .edit_newsletter("120363270000000000@newsletter")
    ///     .name("Ofertas da semana")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; [`Error::NotConnected`]; [`Error::Api`] (400).
    #[doc(alias = "newsletter")]
    pub fn edit_newsletter(&self, id: impl IntoChat) -> EditNewsletterRequest {
        let id = id.into_chat();
        let id = id.as_str();
        EditNewsletterRequest {
            session: self.clone(),
            id: newsletter_id(id),
            body: EditNewsletter::default(),
        }
    }

    /// `DELETE /api/{session}/newsletter/{id}`: deletes a channel. The library answers `false`
    /// when WhatsApp refused (still status 201). Never retried once it may have reached the
    /// server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let deleted = session.delete_newsletter("120363270000000000@newsletter").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; [`Error::NotConnected`]; [`Error::Api`] (400).
    #[doc(alias = "newsletter")]
    pub async fn delete_newsletter(&self, id: impl IntoChat) -> Result<bool> {
        let id = id.into_chat();
        let id = id.as_str();
        let id = newsletter_id(id)?;
        let call = self.call(&routes::DELETE_NEWSLETTER, &[id.as_str()])?;
        self.execute(call).await
    }

    /// `POST /api/{session}/mute-newsletter/{id}`: mutes a channel. The library answers
    /// WhatsApp's channel model (`NewsletterStore.get(id)`), whose serialised shape nobody
    /// declares, so it is returned as JSON (`None` for an empty body). Never retried once it may
    /// have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.mute_newsletter("120363270000000000@newsletter").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; [`Error::NotConnected`]; [`Error::Api`] (400).
    #[doc(alias = "mute-newsletter")]
    pub async fn mute_newsletter(&self, id: impl IntoChat) -> Result<Option<Value>> {
        let id = id.into_chat();
        let id = id.as_str();
        let id = newsletter_id(id)?;
        let call = self.call(&routes::MUTE_NEWSLETTER, &[id.as_str()])?;
        self.client.execute_optional(Some(&self.name), call).await
    }
}

/// A channel id from `120363…` or `120363…@newsletter` (the library rejects any other).
pub(crate) fn newsletter_id(id: &str) -> Result<ChatId> {
    let id = id.trim();
    let full = if id.contains('@') {
        id.to_owned()
    } else {
        format!("{id}@newsletter")
    };
    let parsed: ChatId = full.parse().map_err(Error::invalid)?;
    if parsed.kind() != ChatKind::Newsletter {
        return Err(Error::invalid(format!("{full} is not a channel id")));
    }
    Ok(parsed)
}
