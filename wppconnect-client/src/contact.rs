//! Contacts: all-contacts, contact, check-number-status and the number resolver.
//!
//! Reads are safe to repeat: the client retries them on transport errors, timeouts and 5xx.

use reqwest::Method;
use wppconnect_models::{ChatId, Contact, NumberStatus, Wrapped};

use crate::chat::digits;
use crate::error::Result;
use crate::session::Session;

impl Session {
    /// `GET /api/{session}/all-contacts`.
    ///
    /// # Errors
    /// [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api), transport errors.
    #[doc(alias = "all-contacts")]
    pub async fn all_contacts(&self) -> Result<Vec<Contact>> {
        let answer: Wrapped<Vec<Contact>> = self
            .execute(self.call(
                Method::GET,
                "GET /api/{session}/all-contacts",
                "all-contacts",
            ))
            .await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/contact/{phone}`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput), [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    pub async fn contact(&self, phone: &str) -> Result<Contact> {
        let call = self
            .call(Method::GET, "GET /api/{session}/contact/{phone}", "contact")
            .segments([digits(phone)?]);
        let answer: Wrapped<Contact> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/check-number-status/{phone}`: whether the number has WhatsApp.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput), [`Error::NotConnected`](crate::Error::NotConnected), [`Error::Api`](crate::Error::Api).
    #[doc(alias = "check-number-status")]
    pub async fn check_number_status(&self, phone: &str) -> Result<NumberStatus> {
        let call = self
            .call(
                Method::GET,
                "GET /api/{session}/check-number-status/{phone}",
                "check-number-status",
            )
            .segments([digits(phone)?]);
        let answer: Wrapped<NumberStatus> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// The chat id WhatsApp really uses for a typed number (Brazil's ninth digit, …), or `None`
    /// when the number has no WhatsApp.
    ///
    /// # Errors
    /// As [`Session::check_number_status`].
    pub async fn resolve_number(&self, phone: &str) -> Result<Option<ChatId>> {
        let status = self.check_number_status(phone).await?;
        Ok(status.number_exists.then(|| status.id.into_plain()))
    }
}
