#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod routes;
mod state;
mod webhook;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use crate::state::Faults;
use crate::state::Sim;

/// The secret key of the real server's stock configuration, used by default.
pub const DEFAULT_SECRET_KEY: &str = "THISISMYSECURETOKEN";

/// How the simulator behaves. `SimConfig::default()` suits a person trying things out;
/// [`SimConfig::fast`] suits tests.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The secret key (`SECRET_KEY`).
    pub secret_key: String,
    /// This account's own number (digits).
    pub own_number: String,
    /// Time from start-session to the first QR code.
    pub qr_after: Duration,
    /// Time from the QR code to an automatic "scan"; `None` waits for [`RunningSimulator::scan`].
    pub connect_after: Option<Duration>,
    /// Time between the acks 1 → 2 → 3 of a sent message.
    pub ack_step: Duration,
    /// Numbers (digits) that "do not exist on WhatsApp": sends to them answer 400.
    pub unknown_numbers: Vec<String>,
    /// Global webhook URL, for sessions started without one.
    pub webhook_url: Option<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            own_number: "5511900000001".to_owned(),
            qr_after: Duration::from_millis(500),
            connect_after: Some(Duration::from_secs(8)),
            ack_step: Duration::from_millis(800),
            unknown_numbers: vec!["5511900009999".to_owned()],
            webhook_url: None,
        }
    }
}

impl SimConfig {
    /// Millisecond delays and no automatic scan: for tests.
    #[must_use]
    pub fn fast() -> Self {
        Self {
            qr_after: Duration::from_millis(5),
            connect_after: None,
            ack_step: Duration::from_millis(10),
            ..Self::default()
        }
    }
}

/// A running simulator on a loopback port.
#[derive(Debug)]
pub struct RunningSimulator {
    addr: SocketAddr,
    sim: Arc<Sim>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Starts the simulator on `addr` (e.g. `127.0.0.1:0`).
///
/// # Errors
/// The bind error.
pub async fn start(config: SimConfig, addr: &str) -> std::io::Result<RunningSimulator> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let sim = Arc::new(Sim::new(config));
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

/// Why a control action failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ControlError {
    /// The session was never started.
    UnknownSession,
    /// The session is not waiting for a QR scan, or not connected when a contact writes.
    WrongState(String),
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownSession => f.write_str("unknown session"),
            Self::WrongState(state) => write!(f, "the session is {state}"),
        }
    }
}

impl std::error::Error for ControlError {}

impl RunningSimulator {
    /// The base URL, e.g. `http://127.0.0.1:21465`.
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

    /// "Scans" the QR code of a waiting session: it becomes CONNECTED, with the webhooks of a
    /// real login (`status-find` `qrReadSuccess`, `inChat`).
    ///
    /// # Errors
    /// [`ControlError`] when the session is unknown or not waiting for a scan.
    pub async fn scan(&self, session: &str) -> Result<(), ControlError> {
        self.sim.scan(session).await
    }

    /// A contact (`from`, digits) writes `body` to the session: an `onmessage` webhook is posted.
    /// Returns the message id.
    ///
    /// # Errors
    /// [`ControlError`] when the session is unknown or not connected.
    pub async fn contact_writes(
        &self,
        session: &str,
        from: &str,
        body: &str,
    ) -> Result<String, ControlError> {
        self.sim.incoming(session, from, body).await
    }

    /// Replaces the faults the simulator injects.
    pub fn set_faults(&self, faults: Faults) {
        self.sim.set_faults(faults);
    }

    /// The state of a session as status-session would say it (`CLOSED` when unknown).
    #[must_use]
    pub fn status(&self, session: &str) -> String {
        self.sim.status_of(session)
    }

    /// Stops accepting requests and waits for the server task to end.
    pub async fn shutdown(mut self) {
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
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
