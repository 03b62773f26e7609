//! Failures and the exit codes scripts can rely on.

use std::fmt::Write as _;
use std::process::ExitCode;

use wppconnect_client::Error;

/// The exit codes, documented in `--help` and the README.
pub(crate) mod code {
    /// Done.
    pub(crate) const OK: u8 = 0;
    /// The server or the network failed: an error answer, no answer, a refused key or token.
    pub(crate) const FAILURE: u8 = 1;
    /// The command line or the configuration is wrong; nothing was sent.
    pub(crate) const USAGE: u8 = 2;
    /// The session is not connected (and `login` could not connect it).
    pub(crate) const NOT_CONNECTED: u8 = 3;
}

/// The `--help` text that lists the exit codes.
pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  the server or the network failed (error answer, no answer, refused secret key or token)
  2  usage error: bad arguments, phone, session name, JSON or config file; nothing was sent
  3  the session is not connected: `status` of a session that is not CONNECTED, a send or logout
     on a disconnected session, a login that ended without a connection (the server closed the
     session, or nobody scanned before --wait passed)";

/// Why a command failed: a message for stderr, an optional hint, and the exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    code: u8,
    message: String,
    hint: Option<String>,
}

impl Failure {
    /// A usage or configuration error (exit 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: code::USAGE,
            message: message.into(),
            hint: None,
        }
    }

    /// A failure of the server or the network (exit 1).
    pub(crate) fn server(message: impl Into<String>) -> Self {
        Self {
            code: code::FAILURE,
            message: message.into(),
            hint: None,
        }
    }

    /// The session is not connected (exit 3).
    pub(crate) fn not_connected(message: impl Into<String>) -> Self {
        Self {
            code: code::NOT_CONNECTED,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds advice on what to do next.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The exit code.
    pub(crate) fn code(&self) -> u8 {
        self.code
    }

    /// The text printed on stderr, with every secret in `secrets` cut out.
    pub(crate) fn render(&self, secrets: &[&str]) -> String {
        let mut text = format!("error: {}", self.message);
        if let Some(hint) = &self.hint {
            let _ = write!(text, "\nhint: {hint}");
        }
        let secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
        wppconnect_client::redact(&text, &secrets)
    }

    /// The exit code as the process's.
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }
}

/// The message of an error followed by its causes: `what failed: why: why`.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    text
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let message = chain(&error);
        match &error {
            Error::InvalidInput { .. } => Self::usage(message),
            Error::MissingSecretKey => Self::usage(message).hint(
                "give the server's secret key with WPPCONNECT_SECRET_KEY, --secret-key or \
                 `secret_key` in the config file",
            ),
            Error::WrongSecretKey { .. } => Self::server(message).hint(
                "check the secret key (WPPCONNECT_SECRET_KEY, --secret-key or the config file) \
                 against the server's SECRET_KEY",
            ),
            Error::Unauthorized { .. } => Self::server(message).hint(
                "the token is not valid for this session; give the secret key instead so a \
                 token is generated",
            ),
            Error::NotConnected { session, .. } => Self::not_connected(message)
                .hint(format!("log in first: wppconnect login {session}")),
            Error::SessionClosed { session, .. } => Self::not_connected(format!(
                "the server gave up on the login: {message}"
            ))
            .hint(format!(
                "nobody scanned in time, or the session was closed or logged out; run \
                 `wppconnect login {session}` again"
            )),
            Error::Transport { .. } => Self::server(message)
                .hint("is WPPConnect Server running at that address? (WPPCONNECT_URL, --url)"),
            _ => Self::server(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_map_to_the_documented_codes() {
        let invalid = Error::InvalidInput {
            reason: "bad phone".to_owned(),
        };
        assert_eq!(Failure::from(invalid).code(), code::USAGE);
        assert_eq!(Failure::from(Error::MissingSecretKey).code(), code::USAGE);
        let wrong = Error::WrongSecretKey { message: None };
        assert_eq!(Failure::from(wrong).code(), code::FAILURE);
        let session = wppconnect_client::models::SessionName::new("main").unwrap();
        let closed = Error::SessionClosed {
            session,
            status: wppconnect_client::models::SessionStatus::Closed,
        };
        assert_eq!(Failure::from(closed).code(), code::NOT_CONNECTED);
    }

    #[test]
    fn rendering_cuts_secrets_out() {
        let failure = Failure::server("Cannot POST /api/THISISMYSECURETOKEN/generate-token");
        let text = failure.render(&["THISISMYSECURETOKEN", ""]);
        assert!(!text.contains("THISISMYSECURETOKEN"), "{text}");
        assert!(text.starts_with("error: "), "{text}");
    }
}
