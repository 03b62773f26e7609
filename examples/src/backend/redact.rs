//! Secrets out of every text shown: upstream error messages and log lines pass through
//! [`redact`], which cuts out each [registered](register_secret) secret.

use std::sync::{Arc, RwLock};

use wppconnect_client::Redactor;

/// The secrets [`redact`] cuts out, registered by [`register_secret`], and the redactor made of
/// them (rebuilt on each registration, which happens at start; used by every log line).
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());
static REDACTOR: RwLock<Option<Arc<Redactor>>> = RwLock::new(None);

/// Secrets shorter than this are not registered: cutting every `a` out of a text hides nothing.
const MIN_SECRET_LEN: usize = 4;

/// Adds a secret (the server's secret key, the webhook secret) to those [`redact`] cuts out of
/// upstream text and log lines, in every form the client's [`Redactor`] finds (plain, URL- and
/// form-encoded, HTML- and JSON-escaped). Process-wide: each backend in the process registers
/// its own, so text is never shown with any of them.
pub fn register_secret(secret: &str) {
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut secrets = SECRETS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if secrets.iter().any(|known| known == secret) {
        return;
    }
    secrets.push(secret.to_owned());
    let all: Vec<&str> = secrets.iter().map(String::as_str).collect();
    *REDACTOR
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(Redactor::new(&all)));
}

/// `text` with every [registered](register_secret) secret replaced by `<redacted>`: applied to
/// all upstream text (WPPConnect's error messages, client errors) before it reaches an answer or
/// a log line.
#[must_use]
pub fn redact(text: &str) -> String {
    let redactor = REDACTOR
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    match redactor {
        Some(redactor) => redactor.redact(text).into_owned(),
        None => text.to_owned(),
    }
}

/// A log writer that [redacts](redact) what it writes: `run` logs through it, so a secret in
/// any crate's log line (the client's retries quote the server) is cut out too. Wraps any
/// `tracing_subscriber` writer: `fmt().with_writer(RedactLogs(std::io::stdout))`. The formatter
/// writes each event in one piece, so a secret is never split between two writes.
#[derive(Debug, Clone, Copy)]
pub struct RedactLogs<M>(pub M);

impl<'a, M: tracing_subscriber::fmt::MakeWriter<'a>> tracing_subscriber::fmt::MakeWriter<'a>
    for RedactLogs<M>
{
    type Writer = RedactWrite<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactWrite(self.0.make_writer())
    }
}

/// The writer of [`RedactLogs`].
#[derive(Debug)]
pub struct RedactWrite<W>(W);

impl<W: std::io::Write> std::io::Write for RedactWrite<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
