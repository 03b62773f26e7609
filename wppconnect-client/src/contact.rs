//! Contacts: all-contacts, contact, contact/pn-lid, check-number-status and the number resolver,
//! block-contact, unblock-contact, get-phone-number.
//!
//! Reads are safe to repeat: the client retries them on transport errors, timeouts and 5xx.

use serde_json::json;
use wppconnect_models::{
    Blocked, ChatId, ChatKind, Confirmation, Contact, NumberStatus, PnLid, Wrapped,
};

use crate::chat::{chat_id, digits};
use crate::error::Result;
use crate::ids::IntoChat;
use crate::routes::{self, Route};
use crate::session::Session;

impl Session {
    /// `GET /api/{session}/all-contacts`: the contacts WhatsApp Web knows.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// for contact in session.all_contacts().await? {
    ///     if contact.is_my_contact == Some(true) {
    ///         println!("{} {:?}", contact.id, contact.name);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api), transport errors.
    #[doc(alias = "all-contacts")]
    pub async fn all_contacts(&self) -> Result<Vec<Contact>> {
        let answer: Wrapped<Vec<Contact>> =
            self.execute(self.call(&routes::ALL_CONTACTS, &[])?).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/contact/{phone}`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput), [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    pub async fn contact(&self, phone: impl IntoChat) -> Result<Contact> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let call = self.call(&routes::CONTACT, &[&digits(phone)?])?;
        let answer: Wrapped<Contact> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/check-number-status/{phone}`: whether the number has WhatsApp.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput), [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    #[doc(alias = "check-number-status")]
    pub async fn check_number_status(&self, phone: impl IntoChat) -> Result<NumberStatus> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let call = self.call(&routes::CHECK_NUMBER_STATUS, &[&digits(phone)?])?;
        let answer: Wrapped<NumberStatus> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// The chat id WhatsApp really uses for a typed number (Brazil's ninth digit, …), or `None`
    /// when the number has no WhatsApp.
    ///
    /// # Errors
    /// As [`Session::check_number_status`].
    pub async fn resolve_number(&self, phone: impl IntoChat) -> Result<Option<ChatId>> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let status = self.check_number_status(phone).await?;
        Ok(status.number_exists.then(|| status.id.into_plain()))
    }
    /// `GET /api/{session}/contact/pn-lid/{pnLid}`: maps a phone-number id (`…@c.us`) to its
    /// `@lid` and back (either may be unknown), with the contact when WhatsApp Web has it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) (not a `@c.us` or `@lid` id),
    /// [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    #[doc(alias = "contact/pn-lid")]
    pub async fn contact_pn_lid(&self, id: impl IntoChat) -> Result<PnLid> {
        let id = id.into_chat();
        let id = id.as_str();
        let id = chat_id(id)?;
        if !matches!(id.kind(), ChatKind::Contact | ChatKind::Lid) {
            return Err(crate::Error::invalid(format!(
                "{id} is neither a phone-number id nor a LID"
            )));
        }
        let call = self.call(&routes::CONTACT_PN_LID, &[id.as_str()])?;
        self.execute(call).await
    }

    /// `POST /api/{session}/block-contact`: blocks a number.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput),
    /// [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    #[doc(alias = "block-contact")]
    pub async fn block_contact(&self, phone: impl IntoChat) -> Result<Confirmation> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        self.block(&routes::BLOCK_CONTACT, phone).await
    }

    /// `POST /api/{session}/unblock-contact`: unblocks a number.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput),
    /// [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    #[doc(alias = "unblock-contact")]
    pub async fn unblock_contact(&self, phone: impl IntoChat) -> Result<Confirmation> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        self.block(&routes::UNBLOCK_CONTACT, phone).await
    }

    async fn block(&self, route: &'static Route, phone: &str) -> Result<Confirmation> {
        // Blocking twice leaves the same state: the table marks both routes safe to repeat.
        let call = self
            .call(route, &[])?
            .json(json!({"phone": digits(phone)?}));
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/get-phone-number`: the session's own id (`5511…@c.us`).
    ///
    /// # Errors
    /// [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    #[doc(alias = "get-phone-number")]
    pub async fn get_phone_number(&self) -> Result<ChatId> {
        let answer: Wrapped<ChatId> = self
            .execute(self.call(&routes::GET_PHONE_NUMBER, &[])?)
            .await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/blocklist`: the blocked numbers (digits, as the server cuts them).
    ///
    /// # Errors
    /// [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    pub async fn blocklist(&self) -> Result<Vec<String>> {
        let answer: Wrapped<Vec<Blocked>> =
            self.execute(self.call(&routes::BLOCKLIST, &[])?).await?;
        Ok(answer.response.into_iter().map(|b| b.phone).collect())
    }
}
