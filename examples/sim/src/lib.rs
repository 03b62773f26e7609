#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod areas;
mod dispatch;
mod node;
mod obj;
mod qr;
mod routes;
mod state;
mod webhook;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[doc(no_inline)]
pub use wppconnect_models::session::SessionStatus;

use crate::state::{Config, Sim};

/// The secret key of the real server's stock configuration, used unless
/// [`SimulatorBuilder::secret_key`] says otherwise.
pub const DEFAULT_SECRET_KEY: &str = "THISISMYSECURETOKEN";

/// The real server's default address, where the binary listens unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:21465";

/// How long a start nobody scans stays open before the real server closes it (its library's
/// `autoClose` default, 60 s; observed: `browserClose` 61–66 s after the start).
pub const DEFAULT_AUTO_CLOSE: Duration = Duration::from_secs(60);

/// Entry point: [`Simulator::builder`] configures and starts a simulator.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Simulator;

impl Simulator {
    /// A builder with demo timings: the QR code after 300 ms and renewed every 20 s, an
    /// automatic "scan" 8 s after the first QR code, acks 800 ms apart. Call [`SimulatorBuilder::fast`] in tests.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder {
            config: Config {
                secret_key: DEFAULT_SECRET_KEY.to_owned(),
                own_number: "5511900000001".to_owned(),
                own_name: "WPPConnect Simulator".to_owned(),
                qr_after: Duration::from_millis(300),
                connect_after: Some(Duration::from_secs(8)),
                qr_refresh: Some(Duration::from_secs(20)),
                auto_close: Some(DEFAULT_AUTO_CLOSE),
                ack_step: Duration::from_millis(800),
                unknown_numbers: HashSet::from(["5511900009999".to_owned()]),
                webhook_url: None,
                any_session_name: false,
                production: false,
            },
        }
    }
}

/// Configures a simulator; [`start`](Self::start) binds it.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until .start() is awaited"]
pub struct SimulatorBuilder {
    config: Config,
}

impl SimulatorBuilder {
    /// Test timings: the QR code after 5 ms and never renewed, acks 5 ms apart, and no automatic
    /// scan (call [`RunningSimulator::scan`]). Later setters override these.
    pub fn fast(mut self) -> Self {
        self.config.qr_after = Duration::from_millis(5);
        self.config.connect_after = None;
        self.config.qr_refresh = None;
        self.config.ack_step = Duration::from_millis(5);
        self
    }

    /// The secret key that generate-token and show-all-sessions check (default
    /// [`DEFAULT_SECRET_KEY`]). Never logged.
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.config.secret_key = key.into();
        self
    }

    /// This account's own number, digits only (default `5511900000001`): the `from` of sent
    /// messages and the `to` of received ones.
    pub fn own_number(mut self, digits: impl Into<String>) -> Self {
        self.config.own_number = digits.into();
        self
    }

    /// Time from start-session to the first QR code (or pairing code).
    pub fn qr_after(mut self, delay: Duration) -> Self {
        self.config.qr_after = delay;
        self
    }

    /// The session becomes CONNECTED by itself this long after its QR code appeared.
    pub fn connect_after(mut self, delay: Duration) -> Self {
        self.config.connect_after = Some(delay);
        self
    }

    /// Sessions wait for [`RunningSimulator::scan`] (or `POST /sim/{session}/scan`) forever.
    pub fn manual_scan(mut self) -> Self {
        self.config.connect_after = None;
        self
    }

    /// While a session waits for its scan, a new QR code (and `qrcode` webhook) every `every`,
    /// as WhatsApp Web does roughly every 20 s (the default; `fast()` turns it off).
    pub fn qr_refresh(mut self, every: Duration) -> Self {
        self.config.qr_refresh = Some(every);
        self
    }

    /// A start that is not scanned within `after` closes, as the real server's auto-close
    /// (default [`DEFAULT_AUTO_CLOSE`]): `status-find` `browserClose` is posted and the session
    /// becomes CLOSED. A scan before it cancels the close. Keep it longer than
    /// [`connect_after`](Self::connect_after), or the session closes before it "scans".
    pub fn auto_close(mut self, after: Duration) -> Self {
        self.config.auto_close = Some(after);
        self
    }

    /// Unscanned starts wait forever (the real server always auto-closes them).
    pub fn no_auto_close(mut self) -> Self {
        self.config.auto_close = None;
        self
    }

    /// Time before each of the acks 1 (sent), 2 (delivered), 3 (read) of a sent message.
    pub fn ack_step(mut self, step: Duration) -> Self {
        self.config.ack_step = step;
        self
    }

    /// A number (digits) that "does not exist on WhatsApp": sends to it answer 400
    /// `O número … não existe.` (`5511900009999` is one by default).
    pub fn unknown_number(mut self, digits: impl Into<String>) -> Self {
        self.config.unknown_numbers.insert(digits.into());
        self
    }

    /// The global webhook URL (the server's `WEBHOOK_URL`), for sessions started without one.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.config.webhook_url = Some(url.into());
        self
    }

    /// Accepts every session name, as the real server does (`..%2Fx` is the session `../x`,
    /// stored in the token store as `..x`). By default the simulator refuses, with 400
    /// `{"error", "reason"}`, the names that `wppconnect_models::SessionName` refuses.
    pub fn any_session_name(mut self) -> Self {
        self.config.any_session_name = true;
        self
    }

    /// Answers framework errors as the real server run with `NODE_ENV=production`: the HTML
    /// page of a malformed JSON body or a bad percent-encoding says `Bad Request`, without the
    /// stack trace (and its server file paths) of the default development mode.
    pub fn production(mut self) -> Self {
        self.config.production = true;
        self
    }

    /// Binds `addr` (use `127.0.0.1:0` in tests) and serves in a background task.
    ///
    /// # Errors
    /// The bind error.
    pub async fn start(self, addr: &str) -> std::io::Result<RunningSimulator> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let sim = Sim::new(self.config);
        let app = routes::app(sim.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(%error, "simulator stopped");
            }
        });
        Ok(RunningSimulator {
            addr,
            sim,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// Misbehaviour to inject, so tests can prove a client or a webhook receiver copes.
///
/// Set it with [`RunningSimulator::set_faults`] or `POST /sim/faults` (the same fields in
/// camelCase). `Faults::default()` is a well-behaved server.
///
/// ```
/// use wppconnect_sim::Faults;
/// // the next two sends answer 502; every webhook is posted twice
/// let faults = Faults {
///     send_status: Some(502),
///     send_count: Some(2),
///     duplicate_webhooks: true,
///     ..Faults::default()
/// };
/// assert!(!faults.drop_webhooks);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Answer this status to sends (`500` with the server's error body, `502` as a proxy's HTML
    /// page, any other code with the 500 body)…
    pub send_status: Option<u16>,
    /// …for this many sends, counting down (`None`: every send).
    pub send_count: Option<u32>,
    /// With `send_status`: deliver the message (store it, ack it) and *then* answer the error,
    /// as when a proxy times out after the server sent. A client that retries sends it twice.
    pub deliver_before_failing: bool,
    /// Never answer these routes (the connection stays open until shutdown). Entries are route
    /// slugs such as `send-message`, `status-session`, `generate-token`, or `*` for every `/api`
    /// route.
    pub stall_routes: Vec<String>,
    /// Delay every webhook by this many milliseconds.
    pub webhook_delay_ms: u64,
    /// Drop webhooks (never post them).
    pub drop_webhooks: bool,
    /// Post every webhook twice.
    pub duplicate_webhooks: bool,
    /// Swap consecutive webhooks of a session: the second is posted first (a webhook with no
    /// successor within 250 ms goes alone).
    pub reorder_webhooks: bool,
    /// Apply the webhook faults only to these events (e.g. `["onack"]`); empty means all.
    pub webhook_events: Vec<String>,
}

impl Faults {
    pub(crate) fn applies_to(&self, event: &str) -> bool {
        self.webhook_events.is_empty() || self.webhook_events.iter().any(|e| e == event)
    }

    pub(crate) fn stalls(&self, slug: &str) -> bool {
        self.stall_routes.iter().any(|r| r == "*" || r == slug)
    }
}

/// Why a control action failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// The session was never started.
    #[error("session {0:?} was never started")]
    UnknownSession(String),
    /// The session is not in a state that allows the action (not waiting for a scan, or not
    /// connected when a contact writes).
    #[error("session {session:?} is {status}")]
    WrongState {
        /// The session.
        session: String,
        /// Its state.
        status: SessionStatus,
    },
    /// The contact's number is not 5 to 20 digits (an optional `+` and `@c.us` are accepted).
    #[error("{0:?} is not a phone number")]
    InvalidPhone(String),
    /// [`RunningSimulator::wait_for_status`] gave up.
    #[error("session {session:?} is still {status}")]
    Timeout {
        /// The session.
        session: String,
        /// Its state when the wait ended.
        status: SessionStatus,
    },
}

/// A simulator serving on a loopback port; dropping it stops the server.
///
/// You do not have to wrap it in an `Arc` to share its URL: [`url`](Self::url) is a plain
/// string; the control methods take `&self`.
#[derive(Debug)]
pub struct RunningSimulator {
    addr: SocketAddr,
    sim: Arc<Sim>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl RunningSimulator {
    /// The base URL, e.g. `http://127.0.0.1:21465` (no trailing slash).
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The secret key.
    #[must_use]
    pub fn secret_key(&self) -> &str {
        &self.sim.config.secret_key
    }

    /// A new token for `session`, as generate-token would mint it (no HTTP call).
    #[must_use]
    pub fn token(&self, session: &str) -> String {
        self.sim.mint_token(session)
    }

    /// The session's state as status-session reports it (`CLOSED` when unknown).
    #[must_use]
    pub fn status(&self, session: &str) -> SessionStatus {
        self.sim.status(session)
    }

    /// Waits until the session reaches `status`.
    ///
    /// # Errors
    /// [`ControlError::Timeout`] when `timeout` passes first.
    pub async fn wait_for_status(
        &self,
        session: &str,
        status: SessionStatus,
        timeout: Duration,
    ) -> Result<(), ControlError> {
        self.sim
            .wait_until(session, timeout, |s| *s == status)
            .await
            .map(drop)
            .map_err(|status| ControlError::Timeout {
                session: session.to_owned(),
                status,
            })
    }

    /// "Scans" the QR code (or types the pairing code) of a waiting session: `status-find`
    /// `qrReadSuccess`, the session becomes CONNECTED, then `status-find` `inChat`.
    ///
    /// # Errors
    /// [`ControlError::UnknownSession`], or [`ControlError::WrongState`] when the session is not
    /// in QRCODE or PHONECODE.
    pub fn scan(&self, session: &str) -> Result<(), ControlError> {
        self.sim.scan(session)
    }

    /// A contact (`from_phone`: digits, `+` allowed) writes `text` to a connected session: the
    /// message is stored and an `onmessage` webhook is posted. Returns the message id
    /// (`false_<from>@c.us_<hex>`).
    ///
    /// # Errors
    /// [`ControlError::InvalidPhone`], [`ControlError::UnknownSession`], or
    /// [`ControlError::WrongState`] when the session is not connected.
    pub fn contact_writes(
        &self,
        session: &str,
        from_phone: &str,
        text: &str,
    ) -> Result<String, ControlError> {
        self.sim.incoming(session, from_phone, text)
    }

    /// How many requests a stall fault ([`Faults::stall_routes`]) holds right now: a test
    /// waits for this instead of racing a short client timeout.
    #[must_use]
    pub fn stalled_requests(&self) -> usize {
        self.sim.stalled()
    }

    /// The session's browser closes, as when the real server auto-closes a start nobody
    /// scanned (about 60 s after it) or shuts down: `status-find` `browserClose` is posted and
    /// the session becomes CLOSED.
    ///
    /// # Errors
    /// [`ControlError::UnknownSession`].
    pub fn close_browser(&self, session: &str) -> Result<(), ControlError> {
        self.sim.browser_close(session)
    }

    /// Replaces the faults the simulator injects.
    pub fn set_faults(&self, faults: Faults) {
        self.sim.set_faults(faults);
    }

    /// The faults in force (a send-failure count shows what is left of it).
    #[must_use]
    pub fn faults(&self) -> Faults {
        self.sim.faults()
    }

    /// Every message the session sent or received, oldest first, as get-messages returns them
    /// (with their latest `ack`). Useful to prove a send happened exactly once.
    #[must_use]
    pub fn messages(&self, session: &str) -> Vec<serde_json::Value> {
        self.sim
            .messages(session)
            .iter()
            .map(obj::Obj::to_value)
            .collect()
    }

    /// Shuts down as the real server does at SIGTERM/SIGINT: each open session (started, not
    /// closed) posts `status-find` `browserClose`, and those webhooks are answered (or fail,
    /// at most 10 s) before the simulator stops. Then it stops accepting requests, ends
    /// stalled requests and background flows (no webhook is posted afterwards), and waits for
    /// the server task to end. Dropping the simulator instead stops it without posting.
    pub async fn shutdown(mut self) {
        self.sim.close_browsers(Duration::from_secs(10)).await;
        self.sim.stop();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        self.sim.stop();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret_key() {
        let builder = Simulator::builder().secret_key("s3cr3t-key");
        assert!(!format!("{builder:?}").contains("s3cr3t-key"));
    }

    #[test]
    fn faults_read_the_control_routes_camel_case() {
        let faults: Faults = serde_json::from_str(
            r#"{"sendStatus":502,"sendCount":1,"stallRoutes":["send-message"]}"#,
        )
        .unwrap();
        assert_eq!(faults.send_status, Some(502));
        assert!(faults.stalls("send-message"));
        assert!(!faults.stalls("status-session"));
        assert!(faults.applies_to("onack"));
    }
}
