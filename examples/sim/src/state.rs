//! The simulator's sessions, tokens, faults and the flows that post webhooks.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use rand::Rng;
use serde_json::{json, Value};
use wppconnect_models::Seconds;

use crate::webhook::Poster;
use crate::{ControlError, SimConfig};

/// Misbehaviour to inject, for tests that prove a receiver copes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Answer this status (e.g. 500, 502) to the next sends…
    pub send_status: Option<u16>,
    /// …this many of them (`None`: all).
    pub send_count: Option<u32>,
    /// Never answer sends (the connection stays open).
    pub stall_sends: bool,
    /// Delay every webhook by this many milliseconds.
    pub webhook_delay_ms: u64,
    /// Drop every webhook.
    pub drop_webhooks: bool,
    /// Post every webhook twice.
    pub duplicate_webhooks: bool,
    /// Swap each pair of consecutive webhooks of a session.
    pub reorder_webhooks: bool,
}

/// A session as the server keeps it.
#[derive(Debug, Clone)]
pub(crate) struct SimSession {
    pub(crate) status: &'static str,
    pub(crate) webhook: Option<String>,
    pub(crate) qr: Option<(String, String)>,
    pub(crate) phone_code: Option<String>,
    /// Bumped on every start/close so stale background flows stop.
    pub(crate) generation: u64,
}

pub(crate) struct Sim {
    pub(crate) config: SimConfig,
    tokens: Mutex<HashSet<(String, String)>>,
    sessions: Mutex<HashMap<String, SimSession>>,
    faults: Mutex<Faults>,
    pub(crate) poster: Poster,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("secret_key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// A 21×21 PNG with QR finder patterns (not scannable), base64: the fixtures' placeholder.
pub(crate) const QR_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAABUAAAAVAQAAAACBbJg7AAAAS0lEQVR42j3IoRGAMBBFwXcdpKikJ5jM9YVJHwiIRsDkDBPLV4g1ix3gT5DfRFmlJfwM7IY+N0bdme2i9qCN5T/Tua7osq7oXGc9PhI1J1idzdcYAAAAAElFTkSuQmCC";

fn hex(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(b"0123456789ABCDEF"[rng.gen_range(0..16)]))
        .collect()
}

impl Sim {
    pub(crate) fn new(config: SimConfig) -> Self {
        Self {
            config,
            tokens: Mutex::new(HashSet::new()),
            sessions: Mutex::new(HashMap::new()),
            faults: Mutex::new(Faults::default()),
            poster: Poster::new(),
        }
    }

    pub(crate) fn own_id(&self) -> String {
        format!("{}@c.us", self.config.own_number)
    }

    /// A new token for the session, shaped like the server's bcrypt hash; all stay valid.
    pub(crate) fn mint_token(&self, session: &str) -> String {
        const ALPHABET: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::thread_rng();
        let tail: String = (0..53)
            .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
            .collect();
        // the server makes the hash path-safe: '/' -> '_'
        let token = format!("$2b$10${tail}").replace('/', "_");
        lock(&self.tokens).insert((session.to_owned(), token.clone()));
        token
    }

    pub(crate) fn token_valid(&self, session: &str, token: &str) -> bool {
        lock(&self.tokens).contains(&(session.to_owned(), token.to_owned()))
    }

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

    pub(crate) fn session(&self, name: &str) -> Option<SimSession> {
        lock(&self.sessions).get(name).cloned()
    }

    pub(crate) fn status_of(&self, name: &str) -> String {
        self.session(name).map_or("CLOSED", |s| s.status).to_owned()
    }

    pub(crate) fn known_sessions(&self) -> Vec<String> {
        let mut names: Vec<String> = lock(&self.sessions).keys().cloned().collect();
        names.sort();
        names
    }

    fn webhook_of(&self, name: &str) -> Option<String> {
        self.session(name)
            .and_then(|s| s.webhook)
            .or_else(|| self.config.webhook_url.clone())
    }

    /// Posts `{"event", "session", ...data}` to the session's webhook, with the faults applied.
    pub(crate) fn post(&self, session: &str, event: &str, data: Value) {
        let Some(url) = self.webhook_of(session) else {
            return;
        };
        let mut body = serde_json::Map::new();
        body.insert("event".to_owned(), event.into());
        body.insert("session".to_owned(), session.into());
        if let Value::Object(fields) = data {
            body.extend(fields);
        }
        self.poster
            .post(url, session.to_owned(), Value::Object(body), self.faults());
    }

    /// start-session: answers the state before the start, then runs the login flow.
    pub(crate) fn start(
        self: &Arc<Self>,
        name: &str,
        webhook: Option<String>,
        phone: Option<String>,
    ) -> SimSession {
        let mut sessions = lock(&self.sessions);
        let before = sessions.get(name).cloned();
        let running = before.as_ref().is_some_and(|s| s.status != "CLOSED");
        if running {
            return before.unwrap_or_else(|| closed(0));
        }
        let generation = before.as_ref().map_or(1, |s| s.generation + 1);
        let webhook = webhook
            .filter(|w| !w.is_empty())
            .or_else(|| before.as_ref().and_then(|s| s.webhook.clone()));
        sessions.insert(
            name.to_owned(),
            SimSession {
                status: "INITIALIZING",
                webhook,
                qr: None,
                phone_code: None,
                generation,
            },
        );
        drop(sessions);
        let sim = self.clone();
        let name = name.to_owned();
        tokio::spawn(async move { sim.login_flow(name, generation, phone).await });
        before.unwrap_or_else(|| closed(0))
    }

    async fn login_flow(self: Arc<Self>, name: String, generation: u64, phone: Option<String>) {
        tokio::time::sleep(self.config.qr_after).await;
        let current = |sim: &Self| {
            sim.session(&name)
                .is_some_and(|s| s.generation == generation)
        };
        if !current(&self) {
            return;
        }
        self.post(&name, "status-find", json!({"status": "notLogged"}));
        if let Some(phone) = phone {
            let code = hex(8);
            self.update(&name, |s| {
                s.status = "PHONECODE";
                s.phone_code = Some(code.clone());
            });
            self.post(
                &name,
                "phoneCode",
                json!({"phoneCode": code, "phone": phone}),
            );
        } else {
            let urlcode = format!("2@{},{},{},1", hex(40), hex(32), hex(32));
            self.update(&name, |s| {
                s.status = "QRCODE";
                s.qr = Some((QR_PNG.to_owned(), urlcode.clone()));
            });
            self.post(
                &name,
                "qrcode",
                json!({"qrcode": QR_PNG, "urlcode": urlcode}),
            );
        }
        if let Some(after) = self.config.connect_after {
            tokio::time::sleep(after).await;
            if current(&self) {
                let _ = self.scan(&name).await;
            }
        }
    }

    fn update(&self, name: &str, change: impl FnOnce(&mut SimSession)) {
        if let Some(session) = lock(&self.sessions).get_mut(name) {
            change(session);
        }
    }

    pub(crate) async fn scan(&self, name: &str) -> Result<(), ControlError> {
        let status = self
            .session(name)
            .ok_or(ControlError::UnknownSession)?
            .status;
        if !matches!(status, "QRCODE" | "PHONECODE") {
            return Err(ControlError::WrongState(status.to_owned()));
        }
        self.post(name, "status-find", json!({"status": "qrReadSuccess"}));
        self.update(name, |s| {
            s.status = "CONNECTED";
            s.qr = None;
            s.phone_code = None;
        });
        self.post(name, "status-find", json!({"status": "inChat"}));
        Ok(())
    }

    /// close-session / logout-session: the session stops.
    pub(crate) fn stop(&self, name: &str) {
        self.update(name, |s| {
            s.status = "CLOSED";
            s.qr = None;
            s.generation += 1;
        });
    }

    /// A contact writes to the session.
    pub(crate) async fn incoming(
        &self,
        session: &str,
        from: &str,
        body: &str,
    ) -> Result<String, ControlError> {
        let status = self
            .session(session)
            .ok_or(ControlError::UnknownSession)?
            .status;
        if status != "CONNECTED" {
            return Err(ControlError::WrongState(status.to_owned()));
        }
        let from_id = format!("{}@c.us", from.trim_start_matches('+'));
        let id = format!("false_{from_id}_{}", hex(32));
        let t = Seconds::now().get();
        let message = json!({
            "id": id, "viewed": false, "body": body, "type": "chat", "t": t,
            "notifyName": format!("Contato {}", &from[from.len().saturating_sub(4)..]),
            "from": from_id, "to": self.own_id(), "ack": 1, "invis": false, "isNewMsg": true,
            "star": false, "kicNotified": false, "recvFresh": true, "isFromTemplate": false,
            "mentionedJidList": [], "groupMentions": [], "isForwarded": false, "labels": [],
            "hasReaction": false, "chatId": from_id, "fromMe": false,
            "sender": {
                "id": from_id, "pushname": format!("Contato {}", &from[from.len().saturating_sub(4)..]),
                "type": "in", "isBusiness": false, "isEnterprise": false, "isSmb": false, "labels": [],
                "isMe": false, "isMyContact": false, "isPSA": false, "isUser": true, "isWAContact": true,
                "profilePicThumbObj": {}, "msgs": null
            },
            "timestamp": t, "content": body, "isGroupMsg": false, "mediaData": {}
        });
        self.post(session, "onmessage", message);
        Ok(id)
    }

    /// A sent message: its id, the full message, and the acks 1 → 2 → 3 by webhook.
    pub(crate) fn sent(self: &Arc<Self>, session: &str, to: &str, kind: &str, body: &str) -> Value {
        let to_id = if to.contains('@') {
            to.to_owned()
        } else {
            format!("{to}@c.us")
        };
        let id = format!("true_{to_id}_3EB0{}", hex(18));
        let t = Seconds::now().get();
        let message = json!({
            "id": id, "viewed": false, "body": body, "type": kind, "t": t, "notifyName": "",
            "from": self.own_id(), "to": to_id, "author": self.own_id(), "ack": 0, "invis": false,
            "isNewMsg": true, "star": false, "recvFresh": true, "mentionedJidList": [],
            "isForwarded": false, "labels": [], "chatId": to_id, "fromMe": true,
            "timestamp": t, "content": body, "isGroupMsg": to_id.ends_with("@g.us"), "mediaData": {}
        });
        let sim = self.clone();
        let session = session.to_owned();
        let raw = message.clone();
        tokio::spawn(async move {
            for ack in 1..=3 {
                tokio::time::sleep(sim.config.ack_step).await;
                if sim
                    .session(&session)
                    .is_none_or(|s| s.status != "CONNECTED")
                {
                    return;
                }
                let mut payload = raw.clone();
                let serialized = payload["id"].as_str().unwrap_or_default().to_owned();
                payload["id"] = json!({
                    "fromMe": true, "remote": to_id, "id": serialized.rsplit('_').next().unwrap_or_default(),
                    "_serialized": serialized
                });
                payload["ack"] = ack.into();
                if let Some(object) = payload.as_object_mut() {
                    for key in [
                        "chatId",
                        "fromMe",
                        "timestamp",
                        "content",
                        "isGroupMsg",
                        "mediaData",
                    ] {
                        object.remove(key);
                    }
                }
                sim.post(&session, "onack", payload);
            }
        });
        message
    }
}

fn closed(generation: u64) -> SimSession {
    SimSession {
        status: "CLOSED",
        webhook: None,
        qr: None,
        phone_code: None,
        generation,
    }
}
