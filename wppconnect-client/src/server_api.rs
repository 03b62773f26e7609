//! [`WppServerApi`]: the typed operations of the server itself (not of one session) as a trait,
//! so services can put a fake behind them.

use async_trait::async_trait;
use bytes::Bytes;
use wppconnect_models::device::Success;
use wppconnect_models::session::TokenResponse;
use wppconnect_models::{Confirmation, Health, SessionName};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::upload::Upload;

/// The error a fake gives for an operation it does not implement.
fn not_faked(operation: &str) -> Error {
    Error::invalid(format!(
        "WppServerApi::{operation} is not implemented by this implementation"
    ))
}

/// The typed server-level operations: the session list, start-all, tokens, backup and
/// restore, health, metrics and the API docs. [`Client`] implements every one; the per-session
/// operations are [`WppApi`](crate::WppApi), implemented by [`Session`](crate::Session).
///
/// Every operation has a default that fails with [`Error::InvalidInput`] ("not implemented by
/// this implementation"), so a fake implements just what its service calls.
///
/// ```
/// use wppconnect_client::models::{Health, SessionName};
/// use wppconnect_client::{Result, WppServerApi};
///
/// struct Fake;
///
/// #[async_trait::async_trait]
/// impl WppServerApi for Fake {
///     async fn show_all_sessions(&self) -> Result<Vec<SessionName>> {
///         Ok(vec![SessionName::new("loja").unwrap()])
///     }
/// }
///
/// /// Service code, generic over the real client and the fake.
/// async fn sessions_to_watch(server: &dyn WppServerApi) -> Result<usize> {
///     Ok(server.show_all_sessions().await?.len())
/// }
/// ```
#[async_trait]
pub trait WppServerApi: Send + Sync {
    /// The session names in the server's token store (`show-all-sessions`, secret key).
    async fn show_all_sessions(&self) -> Result<Vec<SessionName>> {
        Err(not_faked("show_all_sessions"))
    }
    /// Starts every session of the token store (`start-all`, secret key); never retried.
    async fn start_all(&self) -> Result<Confirmation> {
        Err(not_faked("start_all"))
    }
    /// Mints a token for a session (`generate-token`, secret key) and keeps it for the
    /// session's calls.
    async fn generate_token(&self, session: &SessionName) -> Result<TokenResponse> {
        let _ = session;
        Err(not_faked("generate_token"))
    }
    /// A ZIP of the server's tokens and browser profiles (`backup-sessions`, secret key).
    async fn backup_sessions(&self) -> Result<Bytes> {
        Err(not_faked("backup_sessions"))
    }
    /// Uploads a backup ZIP (`restore-sessions`, secret key); never retried.
    async fn restore_sessions(&self, backup: Upload) -> Result<Success> {
        let _ = backup;
        Err(not_faked("restore_sessions"))
    }
    /// Whether the server process is alive (`healthz`).
    async fn healthz(&self) -> Result<Health> {
        Err(not_faked("healthz"))
    }
    /// The Prometheus metrics, as text (`metrics`).
    async fn metrics(&self) -> Result<String> {
        Err(not_faked("metrics"))
    }
    /// The Swagger UI page, as HTML (`api-docs`).
    async fn api_docs(&self) -> Result<String> {
        Err(not_faked("api_docs"))
    }
    /// **Stops the server** (`unhealthy`); never retried.
    async fn unhealthy(&self) -> Result<()> {
        Err(not_faked("unhealthy"))
    }
}

#[async_trait]
impl WppServerApi for Client {
    async fn show_all_sessions(&self) -> Result<Vec<SessionName>> {
        Client::show_all_sessions(self).await
    }

    async fn start_all(&self) -> Result<Confirmation> {
        Client::start_all(self).await
    }

    async fn generate_token(&self, session: &SessionName) -> Result<TokenResponse> {
        Client::generate_token(self, session).await
    }

    async fn backup_sessions(&self) -> Result<Bytes> {
        Client::backup_sessions(self).await
    }

    async fn restore_sessions(&self, backup: Upload) -> Result<Success> {
        Client::restore_sessions(self, backup).await
    }

    async fn healthz(&self) -> Result<Health> {
        Client::healthz(self).await
    }

    async fn metrics(&self) -> Result<String> {
        Client::metrics(self).await
    }

    async fn api_docs(&self) -> Result<String> {
        Client::api_docs(self).await
    }

    async fn unhealthy(&self) -> Result<()> {
        Client::unhealthy(self).await
    }
}
