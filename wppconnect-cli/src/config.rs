//! Configuration: flags, then the environment (both read by clap), then the config file, then
//! the defaults.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use wppconnect_client::models::SessionName;
use wppconnect_client::Client;

use crate::failure::Failure;

/// The server's address when nothing else says.
pub(crate) const DEFAULT_URL: &str = "http://127.0.0.1:21465";

/// A secret (secret key, token, webhook secret) from a flag, the environment or the file. Its
/// `Debug` never shows it, and it is never printed.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub(crate) struct Secret(String);

impl Secret {
    /// The secret itself, to hand to the client or the router.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The keys of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    /// The server's base URL.
    pub(crate) url: Option<String>,
    /// The server's `SECRET_KEY`.
    pub(crate) secret_key: Option<Secret>,
    /// Per-request timeout, in seconds.
    pub(crate) timeout: Option<u64>,
    /// The shared secret `listen` requires.
    pub(crate) webhook_secret: Option<Secret>,
    /// The address `listen` binds.
    pub(crate) bind: Option<String>,
}

/// Keys whose values are secrets: a parse error on their line never quotes the value.
const SECRET_KEYS: [&str; 2] = ["secret_key", "webhook_secret"];

/// Where the config file is looked for when `--config` is not given:
/// `$XDG_CONFIG_HOME/wppconnect/config.toml` (else `~/.config/…` on Linux, the platform's config
/// folder elsewhere).
pub(crate) fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("wppconnect").join("config.toml"))
}

/// Reads the config file: the one given (which must exist), else the default one if it exists.
pub(crate) fn load(explicit: Option<&Path>) -> Result<FileConfig, Failure> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => match default_path() {
            Some(path) if path.is_file() => path,
            _ => return Ok(FileConfig::default()),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the config file {}: {e}",
            path.display()
        ))
    })?;
    parse(&text)
        .map_err(|reason| Failure::usage(format!("config file {}: {reason}", path.display())))
}

/// Parses the file's text. The error names the line and never quotes a secret.
pub(crate) fn parse(text: &str) -> Result<FileConfig, String> {
    toml::from_str(text).map_err(|error| {
        let Some(span) = error.span() else {
            return error.message().to_owned();
        };
        let line_no = text[..span.start.min(text.len())].matches('\n').count() + 1;
        let line = text
            .lines()
            .nth(line_no - 1)
            .unwrap_or_default()
            .trim_start();
        match SECRET_KEYS.iter().find(|key| line.starts_with(*key)) {
            Some(key) => format!("line {line_no}: the value of `{key}` must be a string"),
            None => format!("line {line_no}: {}", error.message()),
        }
    })
}

/// What every command that talks to the server needs.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The server's base URL.
    pub(crate) url: String,
    /// The secret key.
    pub(crate) secret_key: Option<Secret>,
    /// A token the user already has, for the command's session.
    pub(crate) token: Option<Secret>,
    /// Per-request timeout.
    pub(crate) timeout: Option<Duration>,
}

impl Settings {
    /// A client for the server; `session` is the session a `--token` belongs to.
    pub(crate) fn client(&self, session: Option<&SessionName>) -> Result<Client, Failure> {
        let mut builder = Client::builder(&self.url).map_err(|e| {
            Failure::usage(format!("the server URL {:?} is not usable: {e}", self.url))
        })?;
        if let Some(key) = &self.secret_key {
            builder = builder.secret_key(key.expose());
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let (Some(token), Some(session)) = (&self.token, session) {
            builder = builder
                .token(session.as_str(), token.expose())
                .map_err(Failure::from)?;
        }
        builder
            .user_agent(concat!("wppconnect-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(Failure::from)
    }

    /// The secrets to cut out of anything printed.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        [&self.secret_key, &self.token]
            .into_iter()
            .flatten()
            .map(Secret::expose)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug() {
        let file = parse("secret_key = \"THISISMYSECURETOKEN\"\nwebhook_secret = \"hook-s3cret\"")
            .unwrap();
        let shown = format!("{file:?}");
        assert!(!shown.contains("THISISMYSECURETOKEN"), "{shown}");
        assert!(!shown.contains("hook-s3cret"), "{shown}");
        assert_eq!(file.secret_key.unwrap().expose(), "THISISMYSECURETOKEN");
    }

    #[test]
    fn a_bad_file_names_the_line_and_never_quotes_a_secret() {
        let error = parse("url = \"http://x\"\nsecret_key = 987654321\n").unwrap_err();
        assert!(error.starts_with("line 2:"), "{error}");
        assert!(!error.contains("987654321"), "{error}");

        let error = parse("url = \"http://x\"\nsecrt_key = \"abc\"\n").unwrap_err();
        assert!(
            error.contains("line 2") && error.contains("secrt_key"),
            "{error}"
        );
    }

    #[test]
    fn every_key_is_read() {
        let file = parse(
            "url = \"http://10.0.0.2:21465\"\nsecret_key = \"k\"\ntimeout = 5\n\
             webhook_secret = \"w\"\nbind = \"127.0.0.1:9000\"\n",
        )
        .unwrap();
        assert_eq!(file.url.as_deref(), Some("http://10.0.0.2:21465"));
        assert_eq!(file.timeout, Some(5));
        assert_eq!(file.bind.as_deref(), Some("127.0.0.1:9000"));
        assert_eq!(file.webhook_secret.unwrap().expose(), "w");
    }
}
