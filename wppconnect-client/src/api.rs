//! [`WppApi`]: the core operations as a trait, so services can put a fake behind them.

use async_trait::async_trait;
use wppconnect_models::message::SendMessage;
use wppconnect_models::session::{StartSession, StatusMessage, TokenResponse};
use wppconnect_models::{Message, SessionState};

use crate::error::{Error, Result};
use crate::routes;
use crate::session::Session;

/// The core operations of one session. [`Session`] implements it; a test can implement it with a
/// fake that records the plain request structs it is given.
#[async_trait]
pub trait WppApi: Send + Sync {
    /// Mints a token (`generate-token`).
    async fn generate_token(&self) -> Result<TokenResponse>;
    /// Starts the session (`start-session`).
    async fn start(&self, options: StartSession) -> Result<SessionState>;
    /// The session's state (`status-session`).
    async fn status(&self) -> Result<SessionState>;
    /// Whether the session is connected (`check-connection-session`).
    async fn check_connection(&self) -> Result<bool>;
    /// Sends a text (`send-message`); never retried after it may have reached the server.
    async fn send_message(&self, message: &SendMessage) -> Result<Vec<Message>>;
    /// Logs out (`logout-session`).
    async fn logout(&self) -> Result<StatusMessage>;
}

#[async_trait]
impl WppApi for Session {
    async fn generate_token(&self) -> Result<TokenResponse> {
        Session::generate_token(self).await
    }

    async fn start(&self, options: StartSession) -> Result<SessionState> {
        let value = serde_json::to_value(&options).map_err(Error::invalid)?;
        let call = self.call(&routes::START_SESSION, &[])?.json(value);
        self.execute(call).await
    }

    async fn status(&self) -> Result<SessionState> {
        Session::status(self).await
    }

    async fn check_connection(&self) -> Result<bool> {
        Session::check_connection(self).await
    }

    async fn send_message(&self, message: &SendMessage) -> Result<Vec<Message>> {
        self.send_message_body(message).await
    }

    async fn logout(&self) -> Result<StatusMessage> {
        Session::logout(self).await
    }
}
