//! The simulator's memory: tokens, sessions (the server's `clientsArray` and token store),
//! messages, faults, and the flows that post webhooks (login, acks, inbound messages).

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
    pub(crate) ack_step: Duration,
    pub(crate) unknown_numbers: HashSet<String>,
    pub(crate) webhook_url: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("secret_key", &"<redacted>")
            .field("own_number", &self.own_number)
            .field("qr_after", &self.qr_after)
            .field("connect_after", &self.connect_after)
            .field("qr_refresh", &self.qr_refresh)
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
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        lock(&self.inner)
    }

    fn notify(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
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
            None => inner.stored.get(name).cloned().flatten(),
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

    // ---- the login flow -------------------------------------------------------------------

    /// start-session: stores the body, answers the state before the start, and starts the login
    /// in the background when the session is not running.
    pub(crate) fn start(self: &Arc<Self>, name: &str, body: &Value) -> Started {
        let before = self.state_body(name);
        let phone = body
            .get("phone")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let mut inner = self.inner();
        let previous = inner.clients.get(name).cloned();
        let was_new = previous.is_none();
        let was_placeholder = previous.as_ref().is_some_and(|c| c.status.is_none());
        // an empty body re-uses the stored config; any other body replaces it
        let has_body = body.as_object().is_some_and(|o| !o.is_empty());
        if has_body || !inner.stored.contains_key(name) {
            let webhook = body
                .get("webhook")
                .and_then(Value::as_str)
                .filter(|w| !w.is_empty())
                .map(str::to_owned);
            inner.stored.insert(name.to_owned(), webhook);
        }
        let restart = previous
            .as_ref()
            .is_none_or(|c| matches!(c.status, None | Some(SessionStatus::Closed)));
        if restart {
            inner.next_generation += 1;
            let generation = inner.next_generation;
            let webhook = inner.stored.get(name).cloned().flatten();
            inner.clients.insert(
                name.to_owned(),
                Client {
                    status: Some(SessionStatus::Initializing),
                    named: previous.as_ref().is_none_or(|c| c.named),
                    urlcode: previous.and_then(|c| c.urlcode),
                    phone_code: None,
                    webhook,
                    generation,
                },
            );
            drop(inner);
            self.notify();
            let sim = self.clone();
            let name = name.to_owned();
            tokio::spawn(async move { sim.login_flow(name, generation, phone).await });
        }
        Started {
            before,
            was_new,
            was_placeholder,
        }
    }

    fn is_current(&self, name: &str, generation: u64) -> bool {
        !self.is_stopped()
            && self
                .inner()
                .clients
                .get(name)
                .is_some_and(|c| c.generation == generation)
    }

    fn update(&self, name: &str, change: impl FnOnce(&mut Client)) {
        if let Some(client) = self.inner().clients.get_mut(name) {
            change(client);
        }
        self.notify();
    }

    /// Applies `change` only while the run `generation` is current and its state is one of
    /// `from`, atomically (a scan or close racing with the login flow wins).
    fn advance(
        &self,
        name: &str,
        generation: u64,
        from: &[SessionStatus],
        change: impl FnOnce(&mut Client),
    ) -> bool {
        let applied = match self.inner().clients.get_mut(name) {
            Some(client)
                if client.generation == generation
                    && client.status.as_ref().is_some_and(|s| from.contains(s)) =>
            {
                change(client);
                true
            }
            _ => false,
        };
        if applied {
            self.notify();
        }
        applied
    }

    async fn login_flow(self: Arc<Self>, name: String, generation: u64, phone: Option<String>) {
        tokio::time::sleep(self.config.qr_after).await;
        if !self.is_current(&name, generation) {
            return;
        }
        self.post(&name, "status-find", Obj::new().with("status", "notLogged"));
        if let Some(phone) = phone {
            let code = random_from(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 8);
            let shown = self.advance(&name, generation, &[SessionStatus::Initializing], |c| {
                c.status = Some(SessionStatus::PhoneCode);
                c.phone_code = Some(code.clone());
            });
            if !shown {
                return;
            }
            self.post(
                &name,
                "phoneCode",
                Obj::new().with("phoneCode", code).with("phone", phone),
            );
        } else {
            self.show_qr(&name, generation);
        }
        let connect_at = self
            .config
            .connect_after
            .map(|after| tokio::time::Instant::now() + after);
        loop {
            let refresh_at = self
                .config
                .qr_refresh
                .filter(|_| self.status(&name) == SessionStatus::QrCode)
                .map(|every| tokio::time::Instant::now() + every);
            let next = match (connect_at, refresh_at) {
                (Some(c), Some(r)) => c.min(r),
                (Some(at), None) | (None, Some(at)) => at,
                (None, None) => return,
            };
            tokio::time::sleep_until(next).await;
            if !self.is_current(&name, generation) {
                return;
            }
            if connect_at.is_some_and(|at| at <= tokio::time::Instant::now()) {
                let _ = self.scan(&name);
                return;
            }
            if self.status(&name) != SessionStatus::QrCode {
                return;
            }
            self.show_qr(&name, generation);
        }
    }

    /// A new QR code: QRCODE with its `urlcode`, and a `qrcode` webhook (raw base64 PNG).
    fn show_qr(&self, name: &str, generation: u64) {
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let urlcode = format!(
            "2@{},{}=,{}=,{}=,1",
            random_from(B64, 60),
            random_from(B64, 43),
            random_from(B64, 43),
            random_from(B64, 43),
        );
        let png = base64::engine::general_purpose::STANDARD.encode(crate::qr::png(&urlcode));
        let waiting = [SessionStatus::Initializing, SessionStatus::QrCode];
        let shown = self.advance(name, generation, &waiting, |c| {
            c.status = Some(SessionStatus::QrCode);
            c.urlcode = Some(urlcode.clone());
        });
        if !shown {
            return;
        }
        self.post(
            name,
            "qrcode",
            Obj::new().with("qrcode", png).with("urlcode", urlcode),
        );
    }

    /// The held answer of start-session with `waitQrCode: true`, once a code exists.
    pub(crate) async fn wait_for_code(&self, name: &str, phone: Option<&str>) -> Obj {
        let status = self
            .wait_until(name, Duration::from_secs(3600), |s| {
                matches!(
                    s,
                    SessionStatus::QrCode | SessionStatus::PhoneCode | SessionStatus::Connected
                )
            })
            .await;
        match status {
            Ok(SessionStatus::QrCode) => {
                let urlcode = self.urlcode(name).unwrap_or_default();
                let png =
                    base64::engine::general_purpose::STANDARD.encode(crate::qr::png(&urlcode));
                Obj::new()
                    .with("status", "qrcode")
                    .with("qrcode", png)
                    .with("urlcode", urlcode)
                    .with("session", name)
            }
            Ok(SessionStatus::PhoneCode) => Obj::new()
                .with("status", "phoneCode")
                .with("phone", phone.unwrap_or_default())
                .with(
                    "phoneCode",
                    self.inner()
                        .clients
                        .get(name)
                        .and_then(|c| c.phone_code.clone())
                        .unwrap_or_default(),
                )
                .with("session", name),
            // logged in without a code, or the wait ran out: the real server never answers
            _ => {
                self.stall().await;
                Obj::new()
            }
        }
    }

    /// The QR code is "scanned" (or the pairing code typed): `qrReadSuccess`, CONNECTED, `inChat`.
    pub(crate) fn scan(&self, name: &str) -> Result<(), ControlError> {
        let named_before = {
            let mut inner = self.inner();
            let Some(client) = inner.clients.get_mut(name) else {
                return Err(ControlError::UnknownSession(name.to_owned()));
            };
            let status = client.status.clone().unwrap_or(SessionStatus::Closed);
            if !matches!(status, SessionStatus::QrCode | SessionStatus::PhoneCode) {
                return Err(ControlError::WrongState {
                    session: name.to_owned(),
                    status,
                });
            }
            client.status = Some(SessionStatus::Connected);
            std::mem::replace(&mut client.named, true)
        };
        self.notify();
        // posted before the client is replaced by the logged-in one: no name on a placeholder
        self.post_named(
            name,
            "status-find",
            Obj::new().with("status", "qrReadSuccess"),
            named_before,
        );
        self.post(name, "status-find", Obj::new().with("status", "inChat"));
        Ok(())
    }

    /// close-session. `Err(())` is the server's 500 (never started, or still initialising).
    pub(crate) fn close(&self, name: &str) -> Result<(), ()> {
        let status = {
            let mut inner = self.inner();
            let Some(client) = inner.clients.get_mut(name) else {
                // the handler throws, but leaves a placeholder behind: the next call answers 200
                inner.clients.insert(
                    name.to_owned(),
                    Client {
                        status: None,
                        named: false,
                        urlcode: None,
                        phone_code: None,
                        webhook: None,
                        generation: 0,
                    },
                );
                return Err(());
            };
            client.status.clone()
        };
        match status {
            None | Some(SessionStatus::Closed) => Ok(()),
            Some(SessionStatus::Initializing) => {
                // no library client yet: the server throws, and the session ends up CLOSED
                self.update(name, |c| {
                    c.status = Some(SessionStatus::Closed);
                    c.generation = 0;
                });
                Err(())
            }
            Some(_) => {
                self.post(
                    name,
                    "closesession",
                    Obj::new()
                        .with("message", format!("Session: {name} disconnected"))
                        .with("connected", false),
                );
                self.update(name, |c| {
                    c.status = None;
                    c.named = false;
                    c.urlcode = None;
                    c.generation = 0;
                });
                Ok(())
            }
        }
    }

    /// logout-session on a connected session: `logoutsession`, then the entry is removed.
    pub(crate) fn logout(&self, name: &str) {
        self.post(
            name,
            "logoutsession",
            Obj::new()
                .with("message", format!("Session: {name} logged out"))
                .with("connected", false),
        );
        self.inner().clients.remove(name);
        self.notify();
    }

    // ---- messages -------------------------------------------------------------------------

    fn sender(&self, id: &str, name: &str, is_me: bool) -> Value {
        json!({
            "id": id, "name": if is_me { Value::Null } else { name.into() }, "pushname": name,
            "type": "in", "isBusiness": false, "isEnterprise": false, "labels": [],
            "formattedName": name, "isMe": is_me, "isMyContact": !is_me, "isPSA": false,
            "isUser": true, "isWAContact": true, "profilePicThumbObj": {}, "msgs": null
        })
    }

    /// A message as the library's serializer gives it (onmessage, send-message, get-messages).
    #[allow(clippy::too_many_arguments)]
    fn message(
        &self,
        id: &str,
        content: &Content,
        from: &str,
        to: &str,
        chat: &str,
        from_me: bool,
        notify_name: &str,
        ack: i64,
    ) -> Obj {
        let t = Seconds::now().get();
        let mut message = Obj::new()
            .with("id", id)
            .with("viewed", false)
            .with("body", content.body.clone())
            .with("type", content.kind)
            .with("t", t)
            .with("notifyName", notify_name)
            .with("from", from)
            .with("to", to);
        if from_me {
            message.set("author", from);
        }
        message = message
            .with("ack", ack)
            .with("invis", false)
            .with("isNewMsg", true)
            .with("star", false)
            .with("kicNotified", false)
            .with("recvFresh", true)
            .with("isFromTemplate", false);
        for (key, value) in content.extra.clone().into_pairs() {
            message.set(&key, value);
        }
        let sender = if from_me {
            self.sender(from, &self.config.own_name, true)
        } else {
            self.sender(from, notify_name, false)
        };
        message
            .with("mentionedJidList", json!([]))
            .with("groupMentions", json!([]))
            .with("isForwarded", false)
            .with("labels", json!([]))
            .with("hasReaction", false)
            .with("chatId", chat)
            .with("fromMe", from_me)
            .with("sender", sender)
            .with("timestamp", t)
            .with("content", content.body.clone())
            .with("isGroupMsg", chat.ends_with("@g.us"))
            .with("mediaData", json!({}))
    }

    fn store(&self, session: &str, message: Obj) {
        self.inner()
            .messages
            .entry(session.to_owned())
            .or_default()
            .push(message);
    }

    /// A contact writes to a connected session: the message is stored and `onmessage` posted.
    pub(crate) fn incoming(
        &self,
        session: &str,
        from: &str,
        body: &str,
    ) -> Result<String, ControlError> {
        let digits = from
            .split('@')
            .next()
            .unwrap_or_default()
            .trim_start_matches('+');
        if !(5..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ControlError::InvalidPhone(from.to_owned()));
        }
        if !self.has_client(session) {
            return Err(ControlError::UnknownSession(session.to_owned()));
        }
        let status = self.status(session);
        if status != SessionStatus::Connected {
            return Err(ControlError::WrongState {
                session: session.to_owned(),
                status,
            });
        }
        let from_id = format!("{digits}@c.us");
        let id = format!("false_{from_id}_{}", hex(32));
        let name = format!("Contato {}", &digits[digits.len().saturating_sub(4)..]);
        let content = Content {
            kind: "chat",
            body: body.to_owned(),
            extra: Obj::new(),
        };
        let message = self.message(
            &id,
            &content,
            &from_id,
            &self.own_id(),
            &from_id,
            false,
            &name,
            1,
        );
        self.store(session, message.clone());
        self.post(session, "onmessage", message);
        Ok(id)
    }

    /// One recipient of a send: the message is stored, returned, and acked 1 → 2 → 3 by webhook.
    pub(crate) fn send_one(self: &Arc<Self>, session: &str, chat: &str, content: &Content) -> Obj {
        let id = format!("true_{chat}_3EB0{}", hex(18));
        let own = self.own_id();
        let message = self.message(
            &id,
            content,
            &own,
            chat,
            chat,
            true,
            &self.config.own_name,
            1,
        );
        self.store(session, message.clone());
        let mut ack_payload = message.clone();
        for key in [
            "chatId",
            "fromMe",
            "sender",
            "timestamp",
            "content",
            "isGroupMsg",
            "mediaData",
        ] {
            ack_payload.remove(key);
        }
        ack_payload.set("id", msg_key(&id));
        let sim = self.clone();
        let session = session.to_owned();
        tokio::spawn(async move {
            for ack in 1..=3 {
                tokio::time::sleep(sim.config.ack_step).await;
                if !sim.is_connected(&session) {
                    return;
                }
                sim.set_ack(&session, &id, ack);
                ack_payload.set("ack", ack);
                sim.post(&session, "onack", ack_payload.clone());
            }
        });
        message
    }

    fn set_ack(&self, session: &str, id: &str, ack: i64) {
        if let Some(messages) = self.inner().messages.get_mut(session) {
            if let Some(message) = messages
                .iter_mut()
                .find(|m| m.get("id").and_then(Value::as_str) == Some(id))
            {
                message.set("ack", ack);
            }
        }
    }

    /// Every message of the session, oldest first.
    pub(crate) fn messages(&self, session: &str) -> Vec<Obj> {
        self.inner()
            .messages
            .get(session)
            .cloned()
            .unwrap_or_default()
    }

    /// The chats of the session (REST shape), most recent first.
    pub(crate) fn chats(&self, session: &str) -> Vec<Obj> {
        let messages = self.messages(session);
        let mut chats: Vec<(String, i64, i64, String)> = Vec::new(); // id, t, unread, name
        for message in &messages {
            let Some(chat) = message.get("chatId").and_then(Value::as_str) else {
                continue;
            };
            let t = message.get("t").and_then(Value::as_i64).unwrap_or_default();
            let from_me = message
                .get("fromMe")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let name = message
                .get("notifyName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            match chats.iter_mut().find(|c| c.0 == chat) {
                Some(entry) => {
                    entry.1 = t;
                    // answering a chat reads it
                    entry.2 = if from_me { 0 } else { entry.2 + 1 };
                    if !from_me {
                        entry.3 = name;
                    }
                }
                None => chats.push((
                    chat.to_owned(),
                    t,
                    i64::from(!from_me),
                    if from_me { String::new() } else { name },
                )),
            }
        }
        chats.reverse();
        chats.sort_by_key(|c| std::cmp::Reverse(c.1));
        chats
            .into_iter()
            .map(|(id, t, unread, name)| {
                let group = id.ends_with("@g.us");
                let name = if name.is_empty() {
                    id.split('@').next().unwrap_or_default().to_owned()
                } else {
                    name
                };
                Obj::new()
                    .with("id", wid(&id))
                    .with("t", t)
                    .with("unreadCount", unread)
                    .with("archive", false)
                    .with("isReadOnly", false)
                    .with("muteExpiration", 0)
                    .with("name", name.clone())
                    .with("notSpam", true)
                    .with("pin", 0)
                    .with("ephemeralDuration", 0)
                    .with("unreadMentionCount", 0)
                    .with("hasUnreadMention", false)
                    .with("kind", if group { "group" } else { "chat" })
                    .with("isBroadcast", false)
                    .with("isGroup", group)
                    .with("isUser", !group)
                    .with(
                        "contact",
                        json!({
                            "id": wid(&id), "name": name, "pushname": name, "type": "in",
                            "isBusiness": false, "isEnterprise": false, "labels": [],
                            "formattedName": name, "isMe": false, "isMyContact": true,
                            "isPSA": false, "isUser": !group, "isWAContact": true,
                            "profilePicThumbObj": {}, "msgs": null
                        }),
                    )
                    .with("groupMetadata", Value::Null)
                    .with("presence", json!({"id": wid(&id), "chatstates": []}))
                    .with("msgs", Value::Null)
            })
            .collect()
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
    fn wids_split_user_and_server() {
        assert_eq!(
            wid("120363025746331234@g.us"),
            json!({"server": "g.us", "user": "120363025746331234", "_serialized": "120363025746331234@g.us"})
        );
    }
}
