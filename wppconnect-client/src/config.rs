//! Client configuration: secrets, retry policy, rate limit.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The server's secret key (`SECRET_KEY`). Its `Debug` never shows it.
#[derive(Clone)]
pub struct SecretKey(Arc<str>);

impl SecretKey {
    /// Wraps a secret key.
    #[must_use]
    pub fn new(key: impl AsRef<str>) -> Self {
        Self(Arc::from(key.as_ref()))
    }

    /// The key itself (for building the secret-key routes).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A session's bearer token. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Arc<str>);

impl Token {
    /// Wraps a token. Accepts the bare token and the server's `full` form `session:token`
    /// (the part before the first `:` is dropped when it is followed by a bcrypt hash).
    #[must_use]
    pub fn new(token: impl AsRef<str>) -> Self {
        let token = token.as_ref().trim();
        let bare = match token.split_once(':') {
            Some((_, rest)) if rest.starts_with('$') => rest,
            _ => token,
        };
        Self(Arc::from(bare))
    }

    /// The token itself.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// When the client repeats a failed call by itself.
///
/// **Requests are repeated only when that is safe**: reads (GET routes and status checks) on
/// transport errors, timeouts, 5xx and 429; any call that certainly never reached the server
/// (connection refused). A send is never repeated once it may have reached the server: a retry
/// must never make WhatsApp deliver a message twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first one (0 disables retries).
    pub max_retries: u32,
    /// Delay before the first retry; doubled each time, with jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one delay.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// No retries at all.
    #[must_use]
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The delay before retry number `attempt` (1-based): exponential with full jitter.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let cap = exp.min(self.max_backoff);
        let jitter = rand::random::<f64>();
        cap.mul_f64(0.5 + jitter / 2.0)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// At most `messages` sends per `per` for each session, to keep numbers from being banned.
/// Sends wait for their slot; reads are not limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Messages allowed per interval.
    pub messages: u32,
    /// The interval.
    pub per: Duration,
}

impl RateLimit {
    /// The spacing between two sends.
    pub(crate) fn spacing(&self) -> Duration {
        self.per / self.messages.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        assert!(!format!("{:?}", SecretKey::new("THISISMYSECURETOKEN")).contains("THISIS"));
        assert!(!format!("{:?}", Token::new("$2b$10$abc")).contains("abc"));
    }

    #[test]
    fn full_token_form_is_accepted() {
        assert_eq!(Token::new("main:$2b$10$abc").expose(), "$2b$10$abc");
        assert_eq!(Token::new("$2b$10$abc").expose(), "$2b$10$abc");
        assert_eq!(Token::new("plain-token").expose(), "plain-token");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
        };
        for attempt in 1..=5 {
            let d = p.backoff(attempt);
            assert!(d <= Duration::from_millis(300), "{d:?}");
            assert!(d >= Duration::from_millis(50), "{d:?}");
        }
        assert!(p.backoff(1) <= Duration::from_millis(100));
    }
}
