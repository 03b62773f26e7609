//! Message routes outside the send builders: stars, reactions, poll votes and the catalog link.

use wppconnect_models::message::{
    CatalogLinkSent, PollVotes, Reactions, SendLinkCatalog, StarMessage,
};
use wppconnect_models::{ChatKind, MessageId, Wrapped};

use crate::chat::chat_id;
use crate::error::{Error, Result};
use crate::ids::{chat_texts, IntoChat, IntoMessageId};
use crate::routes;
use crate::session::Session;

impl Session {
    /// `POST /api/{session}/star-message`: stars (or unstars) a message. Answers how many
    /// messages changed (`0` when it already had that star). Sets a state, so it is retried.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let changed = session
    ///     .star_message("true_5511999999999@c.us_3EB0C767D26A1D7B4C5E", true)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad message id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "star-message")]
    pub async fn star_message(&self, message_id: impl IntoMessageId, star: bool) -> Result<u64> {
        let message_id = message_id.into_message_id()?;
        let message_id = message_id.as_str();
        let message_id: MessageId = message_id.parse().map_err(Error::invalid)?;
        let body = StarMessage { message_id, star };
        let call = self.call(&routes::STAR_MESSAGE, &[])?.body_of(&body)?;
        let answer: Wrapped<u64> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/reactions/{id}`: a message's reactions, grouped by emoji. A read:
    /// retried.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let reactions = session.reactions("true_5511999999999@c.us_3EB0C767D26A1D7B4C5E").await?;
    /// for group in &reactions.reactions {
    ///     println!("{} × {}", group.aggregate_emoji, group.senders.len());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad message id; [`Error::NotConnected`]; [`Error::Api`].
    pub async fn reactions(&self, message_id: impl IntoMessageId) -> Result<Reactions> {
        let id = message_id.into_message_id()?;
        let call = self.call(&routes::REACTIONS, &[id.as_str()])?;
        let answer: Wrapped<Reactions> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/votes/{id}`: the votes on a poll message. A read: retried.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad message id; [`Error::NotConnected`]; [`Error::Api`].
    pub async fn votes(&self, message_id: impl IntoMessageId) -> Result<PollVotes> {
        let id = message_id.into_message_id()?;
        let call = self.call(&routes::VOTES, &[id.as_str()])?;
        let answer: Wrapped<PollVotes> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/send-link-catalog`: sends `message` followed by the link to this
    /// account's catalog (WhatsApp Business) to each chat. The controller does not run the
    /// number check of the other sends, so the chats are sent as full ids. Answers the id of
    /// the message sent to each. Never retried after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let sent = session
    ///     .send_link_catalog(&["+55 11 99999-9999"], "Veja nossos produtos:")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] without chats, with a bad chat or a channel; [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "send-link-catalog")]
    pub async fn send_link_catalog(
        &self,
        chats: &[impl IntoChat + Clone],
        message: &str,
    ) -> Result<Vec<CatalogLinkSent>> {
        let chats = chat_texts(chats);
        let chats: Vec<&str> = chats.iter().map(String::as_str).collect();
        let chats = chats.as_slice();
        if chats.is_empty() {
            return Err(Error::invalid("no chat"));
        }
        let phones = chats
            .iter()
            .map(|chat| {
                let id = chat_id(chat)?;
                match id.kind() {
                    ChatKind::Contact | ChatKind::Group | ChatKind::Lid => {
                        Ok(id.as_str().to_owned())
                    }
                    _ => Err(Error::invalid(format!("cannot send the catalog to {id}"))),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let body = SendLinkCatalog {
            phones,
            message: message.to_owned(),
        };
        let call = self.call(&routes::SEND_LINK_CATALOG, &[])?.body_of(&body)?;
        self.client.send_slot(&self.name).await;
        let answer: Wrapped<Vec<CatalogLinkSent>> = self.execute(call).await?;
        Ok(answer.response)
    }
}
