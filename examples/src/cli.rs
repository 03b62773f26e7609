//! What the small programs share on their command line: the server's address and secret key,
//! as flags with environment fallbacks, and validators that turn a bad session name or phone
//! number into a usage error (exit code 2) before anything is sent.

use wppconnect_client::Client;
use wppconnect_models::{PhoneNumber, SessionName};

/// Where WPPConnect Server is, and its secret key.
#[derive(Clone, clap::Args)]
pub struct ServerArgs {
    /// WPPConnect Server's address.
    #[arg(
        long = "url",
        env = "WPPCONNECT_URL",
        value_name = "URL",
        default_value = "http://127.0.0.1:21465"
    )]
    pub url: String,
    /// The server's SECRET_KEY (to generate session tokens).
    #[arg(
        long = "secret-key",
        env = "WPPCONNECT_SECRET_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
}

impl std::fmt::Debug for ServerArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerArgs")
            .field("url", &self.url)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl ServerArgs {
    /// The client for this server.
    ///
    /// # Errors
    /// An invalid URL.
    pub fn client(&self) -> wppconnect_client::Result<Client> {
        let mut builder = Client::builder(&self.url)?;
        if let Some(key) = self.secret_key.as_deref().filter(|k| !k.is_empty()) {
            builder = builder.secret_key(key);
        }
        builder.build()
    }
}

/// A clap value parser: a valid [`SessionName`].
///
/// # Errors
/// Why the name is refused.
pub fn session_name(value: &str) -> Result<SessionName, String> {
    SessionName::new(value).map_err(|error| error.to_string())
}

/// A clap value parser: a valid [`PhoneNumber`] (`+55 11 99999-9999` in one argument).
///
/// # Errors
/// Why the number is refused.
pub fn phone_number(value: &str) -> Result<PhoneNumber, String> {
    PhoneNumber::new(value).map_err(|error| error.to_string())
}
