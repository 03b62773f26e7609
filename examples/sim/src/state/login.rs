//! The login flow: start-session, the QR or pairing code, scan, auto-close, close, logout and
//! the browser closing (auto-close or shutdown).

#[allow(clippy::wildcard_imports)]
use super::*;

impl Sim {
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
        let key = token_store_key(name);
        if has_body || !inner.stored.contains_key(&key) {
            let webhook = body
                .get("webhook")
                .and_then(Value::as_str)
                .filter(|w| !w.is_empty())
                .map(str::to_owned);
            inner.stored.insert(key.clone(), webhook);
        }
        let restart = previous
            .as_ref()
            .is_none_or(|c| matches!(c.status, None | Some(SessionStatus::Closed)));
        if restart {
            inner.next_generation += 1;
            let generation = inner.next_generation;
            let webhook = inner.stored.get(&key).cloned().flatten();
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
        let started = tokio::time::Instant::now();
        let close_at = self.config.auto_close.map(|after| started + after);
        let qr_at = started + self.config.qr_after;
        if close_at.is_some_and(|close| close <= qr_at) {
            // the auto-close comes before the first code
            tokio::time::sleep_until(close_at.unwrap_or(qr_at)).await;
            self.auto_close(&name, generation);
            return;
        }
        tokio::time::sleep_until(qr_at).await;
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
            let Some(next) = [connect_at, refresh_at, close_at]
                .into_iter()
                .flatten()
                .min()
            else {
                return;
            };
            tokio::time::sleep_until(next).await;
            if !self.is_current(&name, generation) {
                return;
            }
            let now = tokio::time::Instant::now();
            if connect_at.is_some_and(|at| at <= now) {
                let _ = self.scan(&name);
                return;
            }
            if close_at.is_some_and(|at| at <= now) {
                self.auto_close(&name, generation);
                return;
            }
            if self.status(&name) != SessionStatus::QrCode {
                return;
            }
            self.show_qr(&name, generation);
        }
    }

    /// The real server's auto-close of a start nobody scanned: the browser closes
    /// (`status-find` `browserClose`) and the session is CLOSED. A scan (or a close) that came
    /// first wins.
    fn auto_close(&self, name: &str, generation: u64) {
        let waiting = [
            SessionStatus::Initializing,
            SessionStatus::QrCode,
            SessionStatus::PhoneCode,
        ];
        let closed = self.advance(name, generation, &waiting, |c| {
            c.status = Some(SessionStatus::Closed);
            c.generation = 0;
        });
        if closed {
            self.post(
                name,
                "status-find",
                Obj::new().with("status", "browserClose"),
            );
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
                // The handler first replaces the entry with `{status: null}`, then calls
                // `close()` on the old entry, which has none yet: it throws (500) and leaves
                // the nameless placeholder (status-session: CLOSED without `version`; the next
                // close-session answers 200).
                self.update(name, |c| {
                    c.status = None;
                    c.named = false;
                    c.urlcode = None;
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

    /// The session's browser closes, as when the real server auto-closes a start that was never
    /// scanned (about 60 s) or shuts down: `status-find` `browserClose`, then the session is
    /// CLOSED.
    pub(crate) fn browser_close(&self, name: &str) -> Result<(), ControlError> {
        if !self.has_client(name) {
            return Err(ControlError::UnknownSession(name.to_owned()));
        }
        self.post(
            name,
            "status-find",
            Obj::new().with("status", "browserClose"),
        );
        self.update(name, |c| {
            c.status = Some(SessionStatus::Closed);
            c.generation = 0;
        });
        Ok(())
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
}
