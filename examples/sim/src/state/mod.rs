//! The simulator's memory: tokens, sessions (the server's `clientsArray` and token store),
//! messages, faults, stalls and webhook posting. The flows live beside it: [`login`] (start,
//! QR, scan, auto-close, close, logout, shutdown) and [`messages`] (inbound, sends and acks,
//! chats).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::watch;
use wppconnect_models::session::SessionStatus;
use wppconnect_models::Seconds;

use crate::obj::Obj;
use crate::webhook::Poster;
use crate::{ControlError, Faults};

mod login;
mod messages;

pub(crate) use messages::{chat_obj, contact_obj};

/// The server version the simulator claims to be.
pub(crate) const VERSION: &str = "2.10.4";

/// Everything the builder sets.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) secret_key: String,
    pub(crate) own_number: String,
    pub(crate) own_name: String,
    pub(crate) qr_after: Duration,
    pub(crate) connect_after: Option<Duration>,
    pub(crate) qr_refresh: Option<Duration>,
    /// A start nobody scans closes this long after it (`None`: never).
    pub(crate) auto_close: Option<Duration>,
    pub(crate) ack_step: Duration,
    pub(crate) unknown_numbers: HashSet<String>,
    pub(crate) webhook_url: Option<String>,
    /// Accept every session name, as the real server does (default: the models' rule).
    pub(crate) any_session_name: bool,
    /// `NODE_ENV=production`: error pages without the stack trace.
    pub(crate) production: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("secret_key", &"<redacted>")
            .field("own_number", &self.own_number)
            .field("qr_after", &self.qr_after)
            .field("connect_after", &self.connect_after)
            .field("qr_refresh", &self.qr_refresh)
            .field("auto_close", &self.auto_close)
            .field("ack_step", &self.ack_step)
            .field("unknown_numbers", &self.unknown_numbers)
            .field("webhook_url", &self.webhook_url.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// A session in memory, as the server's `clientsArray[session]`.
#[derive(Debug, Clone)]
struct Client {
    /// `None` for the placeholder left by close-session.
    status: Option<SessionStatus>,
    /// Whether the entry carries the session name (false for the close-session placeholder
    /// until the next login completes: its webhooks and answers then lack `session`).
    named: bool,
    /// The last QR text; never cleared, as in the server.
    urlcode: Option<String>,
    /// The last pairing code.
    phone_code: Option<String>,
    /// The webhook captured when this run started (a later start-session body is stored but
    /// changes nothing until the next start).
    webhook: Option<String>,
    /// Bumped on every start so that stale background flows stop.
    generation: u64,
}

#[derive(Debug, Default)]
struct Inner {
    tokens: HashSet<(String, String)>,
    clients: HashMap<String, Client>,
    /// The token store: every session ever started, with its stored `webhook`.
    stored: BTreeMap<String, Option<String>>,
    /// Per session, every message sent or received, oldest first.
    messages: HashMap<String, Vec<Obj>>,
    next_generation: u64,
}

/// What start-session decided.
#[derive(Debug)]
pub(crate) struct Started {
    /// The answer: the state before the start.
    pub(crate) before: Obj,
    /// The session had no entry at all before this call.
    pub(crate) was_new: bool,
    /// The entry was the close-session placeholder (`status: null`).
    pub(crate) was_placeholder: bool,
}

pub(crate) struct Sim {
    pub(crate) config: Config,
    started_at: Instant,
    inner: Mutex<Inner>,
    faults: Mutex<Faults>,
    changed: watch::Sender<u64>,
    stopped: watch::Sender<bool>,
    /// Requests held by [`Sim::stall`] right now.
    stalled: std::sync::atomic::AtomicUsize,
    poster: Poster,
    /// Per session, what it did in each area (groups, labels, chat flags…).
    books: Mutex<HashMap<String, crate::areas::Book>>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())]))
        .collect()
}

fn hex(len: usize) -> String {
    random_from(b"0123456789ABCDEF", len)
}

/// `5511999999999@c.us` → `{"server":"c.us","user":"5511999999999","_serialized":…}`.
pub(crate) fn wid(id: &str) -> Value {
    let (user, server) = id.split_once('@').unwrap_or((id, "c.us"));
    json!({"server": server, "user": user, "_serialized": id})
}

/// The serialized-id parts of `true_<chat>_<id>`.
fn msg_key(serialized: &str) -> Value {
    let mut parts = serialized.splitn(3, '_');
    let from_me = parts.next() == Some("true");
    let remote = parts.next().unwrap_or_default();
    let id = parts.next().unwrap_or_default();
    json!({"fromMe": from_me, "remote": remote, "id": id, "_serialized": serialized})
}

/// The token store's key for a session: the file `tokens/<key>.data.json` of the real server's
/// file token store, whose name goes through the `sanitize-filename` package. It removes
/// `/ ? < > \ : * | "` and control characters, an all-dot name, a Windows device name and
/// trailing dots and spaces, then keeps at most 255 bytes. `../x` is stored as `..x`, so
/// show-all-sessions lists `..x` and start-all starts a session of that name.
pub(crate) fn token_store_key(name: &str) -> String {
    let mut key: String = name
        .chars()
        .filter(|c| {
            !matches!(c, '/' | '?' | '<' | '>' | '\\' | ':' | '*' | '|' | '"')
                && !matches!(u32::from(*c), 0x00..=0x1f | 0x80..=0x9f)
        })
        .collect();
    if !key.is_empty() && key.chars().all(|c| c == '.') {
        key.clear();
    }
    let stem = key
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let device = match stem.as_bytes() {
        b"con" | b"prn" | b"aux" | b"nul" => true,
        [b'c', b'o', b'm', d] | [b'l', b'p', b't', d] => d.is_ascii_digit(),
        _ => false,
    };
    if device {
        key.clear();
    }
    let trimmed = key.trim_end_matches(['.', ' ']).len();
    key.truncate(trimmed);
    if key.len() > 255 {
        let mut end = 255;
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        key.truncate(end);
    }
    key
}

/// What a sent message carries besides its text.
#[derive(Debug, Default)]
pub(crate) struct Content {
    pub(crate) kind: &'static str,
    pub(crate) body: String,
    /// Extra keys of the message (caption, mimetype, lat, quotedMsgId…), in order.
    pub(crate) extra: Obj,
}

impl Sim {
    pub(crate) fn new(config: Config) -> Arc<Self> {
        let (stopped, stopped_rx) = watch::channel(false);
        Arc::new(Self {
            config,
            started_at: Instant::now(),
            inner: Mutex::new(Inner::default()),
            faults: Mutex::new(Faults::default()),
            changed: watch::channel(0).0,
            stopped,
            stalled: std::sync::atomic::AtomicUsize::new(0),
            poster: Poster::new(stopped_rx),
            books: Mutex::new(HashMap::new()),
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        lock(&self.inner)
    }

    fn notify(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Runs `f` on the session's [`crate::areas::Book`] (created empty on first use).
    pub(crate) fn book<R>(&self, session: &str, f: impl FnOnce(&mut crate::areas::Book) -> R) -> R {
        let mut books = lock(&self.books);
        f(books.entry(session.to_owned()).or_default())
    }

    pub(crate) fn uptime(&self) -> f64 {
        self.started_at.elapsed().as_secs_f64()
    }

    pub(crate) fn own_id(&self) -> String {
        format!("{}@c.us", self.config.own_number)
    }

    // ---- shutdown and stalls -------------------------------------------------------------

    pub(crate) fn stop(&self) {
        self.stopped.send_replace(true);
    }

    /// What the real server does at SIGTERM/SIGINT: every open browser closes, so each session
    /// that was started and not closed posts `status-find` `browserClose`. Waits (at most
    /// `limit`) until those webhooks are answered.
    pub(crate) async fn close_browsers(&self, limit: Duration) {
        let open: Vec<String> = self
            .inner()
            .clients
            .iter()
            .filter(|(_, c)| {
                c.status
                    .as_ref()
                    .is_some_and(|s| *s != SessionStatus::Closed)
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in open {
            let _ = self.browser_close(&name);
        }
        self.poster.drain(limit).await;
    }

    fn is_stopped(&self) -> bool {
        *self.stopped.borrow()
    }

    /// Never answers, until the simulator shuts down (so graceful shutdown is not held up).
    pub(crate) async fn stall(&self) {
        use std::sync::atomic::Ordering;
        /// Counts the request as stalled until it ends (or is dropped with its connection).
        struct Held<'a>(&'a std::sync::atomic::AtomicUsize);
        impl Drop for Held<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let mut stopped = self.stopped.subscribe();
        self.stalled.fetch_add(1, Ordering::SeqCst);
        let _held = Held(&self.stalled);
        let _ = stopped.wait_for(|stopped| *stopped).await;
    }

    /// How many requests [`Sim::stall`] holds right now.
    pub(crate) fn stalled(&self) -> usize {
        self.stalled.load(std::sync::atomic::Ordering::SeqCst)
    }

    // ---- tokens ---------------------------------------------------------------------------

    /// A new token for `session`, shaped like the server's path-safe bcrypt hash. It comes from
    /// the thread's CSPRNG (unguessable); all tokens stay valid, each bound to its session.
    pub(crate) fn mint_token(&self, session: &str) -> String {
        const BCRYPT: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let token = format!("$2b$10${}", random_from(BCRYPT, 53)).replace('/', "_");
        self.inner()
            .tokens
            .insert((session.to_owned(), token.clone()));
        token
    }

    pub(crate) fn token_valid(&self, session: &str, token: &str) -> bool {
        // the server turns '_' back into '/' and '-' into '+': both spellings work
        let token = token.replace('/', "_").replace('+', "-");
        self.inner().tokens.contains(&(session.to_owned(), token))
    }

    // ---- faults ---------------------------------------------------------------------------

    pub(crate) fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    pub(crate) fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
    }

    /// Consumes one injected send failure, if any.
    pub(crate) fn take_send_fault(&self) -> Option<u16> {
        let mut faults = lock(&self.faults);
        let status = faults.send_status?;
        match faults.send_count {
            Some(0) => None,
            Some(n) => {
                faults.send_count = Some(n - 1);
                Some(status)
            }
            None => Some(status),
        }
    }

    // ---- session state --------------------------------------------------------------------

    /// The state status-session reports (`CLOSED` when there is no entry).
    pub(crate) fn status(&self, name: &str) -> SessionStatus {
        self.inner()
            .clients
            .get(name)
            .and_then(|c| c.status.clone())
            .unwrap_or(SessionStatus::Closed)
    }

    pub(crate) fn is_connected(&self, name: &str) -> bool {
        self.status(name) == SessionStatus::Connected
    }

    /// The entry's raw status: `None` without an entry, `Some(None)` for the placeholder.
    pub(crate) fn raw_status(&self, name: &str) -> Option<Option<SessionStatus>> {
        self.inner().clients.get(name).map(|c| c.status.clone())
    }

    /// Whether the server has an entry for the session at all.
    pub(crate) fn has_client(&self, name: &str) -> bool {
        self.inner().clients.contains_key(name)
    }

    /// The `session` key the response hook adds: `""` without an entry, the name for a named
    /// entry, nothing (`None`) for the close-session placeholder.
    pub(crate) fn session_key(&self, name: &str) -> Option<String> {
        match self.inner().clients.get(name) {
            None => Some(String::new()),
            Some(client) if client.named => Some(name.to_owned()),
            Some(_) => None,
        }
    }

    /// The body of status-session (and of start-session on an existing entry).
    pub(crate) fn state_body(&self, name: &str) -> Obj {
        let client = self.inner().clients.get(name).cloned();
        match client {
            Some(Client {
                status: Some(status),
                urlcode,
                ..
            }) => {
                let qrcode = urlcode.as_deref().map_or(Value::Null, |text| {
                    let png =
                        base64::engine::general_purpose::STANDARD.encode(crate::qr::png(text));
                    Value::String(format!("data:image/png;base64,{png}"))
                });
                let mut body = Obj::new()
                    .with("status", status.as_str())
                    .with("qrcode", qrcode);
                if let Some(urlcode) = urlcode {
                    body.set("urlcode", urlcode);
                }
                body.with("version", VERSION)
            }
            _ => Obj::new()
                .with("status", "CLOSED")
                .with("qrcode", Value::Null),
        }
    }

    /// The QR text of the session, if one was shown.
    pub(crate) fn urlcode(&self, name: &str) -> Option<String> {
        self.inner()
            .clients
            .get(name)
            .and_then(|c| c.urlcode.clone())
    }

    /// Waits until `done(status)` holds for the session, or `timeout` passes.
    pub(crate) async fn wait_until(
        &self,
        name: &str,
        timeout: Duration,
        done: impl Fn(&SessionStatus) -> bool,
    ) -> Result<SessionStatus, SessionStatus> {
        let mut changes = self.changed.subscribe();
        let check = || {
            let status = self.status(name);
            done(&status).then_some(status)
        };
        let wait = async {
            loop {
                if let Some(status) = check() {
                    return status;
                }
                if changes.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .map_err(|_| self.status(name))
    }

    pub(crate) fn stored_sessions(&self) -> Vec<String> {
        self.inner().stored.keys().cloned().collect()
    }

    fn webhook_of(&self, name: &str) -> Option<String> {
        let inner = self.inner();
        let own = match inner.clients.get(name) {
            Some(client) => client.webhook.clone(),
            None => inner.stored.get(&token_store_key(name)).cloned().flatten(),
        };
        own.or_else(|| self.config.webhook_url.clone())
    }

    /// Posts `{"event", "session", ...data}` to the session's webhook, with the faults applied.
    pub(crate) fn post(&self, name: &str, event: &str, data: Obj) {
        let named = self.session_key(name).is_some_and(|s| !s.is_empty());
        self.post_named(name, event, data, named);
    }

    /// [`post`](Self::post) with the `session` key decided by the caller (`named`).
    fn post_named(&self, name: &str, event: &str, data: Obj, named: bool) {
        if self.is_stopped() {
            return;
        }
        let Some(url) = self.webhook_of(name) else {
            return;
        };
        let mut body = Obj::new().with("event", event);
        if named {
            body.set("session", name);
        }
        for (key, value) in data.into_pairs() {
            body.set(&key, value);
        }
        self.poster
            .post(url, name, event, body.to_json(), &self.faults());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_keys_split_the_serialized_id() {
        assert_eq!(
            msg_key("true_5511999999999@c.us_3EB0ABC"),
            json!({"fromMe": true, "remote": "5511999999999@c.us", "id": "3EB0ABC",
                   "_serialized": "true_5511999999999@c.us_3EB0ABC"})
        );
    }

    #[test]
    fn token_store_keys_are_sanitised_as_sanitize_filename_does() {
        for (name, key) in [
            ("../x", "..x"),
            ("mysession", "mysession"),
            ("a b", "a b"),
            ("ção", "ção"),
            ("a:b*c?", "abc"),
            ("..", ""),
            ("name. .", "name"),
            ("con", ""),
            ("COM1.txt", ""),
            ("a\nb", "ab"),
        ] {
            assert_eq!(token_store_key(name), key, "{name:?}");
        }
        assert_eq!(token_store_key(&"é".repeat(200)).len(), 254);
    }

    #[test]
    fn wids_split_user_and_server() {
        assert_eq!(
            wid("120363025746331234@g.us"),
            json!({"server": "g.us", "user": "120363025746331234", "_serialized": "120363025746331234@g.us"})
        );
    }
}
