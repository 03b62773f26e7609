//! Sessions that heal: on start and then on a timer, each stored session is compared with the
//! server, and the backend acts on what it finds.
//!
//! - **Dropped** (the server says `CLOSED` for at least one interval (and 1 s), the session has
//!   been logged in before, and neither a logout nor a close-session was seen): started again
//!   (start-session with the backend's webhook), with an exponential backoff between attempts,
//!   so a server that keeps dropping it is not hammered. The server restores the stored login
//!   without a QR code.
//! - **Stuck** (`INITIALIZING` for longer than the stuck time): closed and started again, under
//!   the same backoff.
//! - **Logged out** (`logoutsession`, or `status-find` `disconnectedMobile`: the phone unlinked
//!   the device): marked `loggedOut` and pushed; never restarted (a restart would only show a
//!   QR code nobody scans) until someone starts it (`POST /api/sessions/{name}/start`).
//! - **Closed** on purpose (`closesession`): left alone until it is started again.
//! - Waiting for a QR scan or a pairing code: left alone (a person has to act).
//!
//! The state of each session is shown in `GET /api/sessions` as `healing` and pushed with
//! `session-status`. It is kept in the store (`session_healing`) at each change and read back
//! when the backend starts, so a restart keeps the attempts, the backoff's next attempt and the
//! logged-out and closed marks. Each session is checked and started again on its own server
//! ([`AppState::client_for`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::Serialize;
use serde_json::{json, Value};
use wppconnect_models::domain;
use wppconnect_models::{Event, SessionStatus, StatusFind};

use sqlx::Row;

use super::events::Push;
use super::ingest::{Ingest, IngestError};
use super::redact::redact;
use super::store::StoreError;
use super::AppState;

/// Default time between two rounds.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
/// Default time after which a start still `INITIALIZING` is closed and started again.
pub const DEFAULT_STUCK_AFTER: Duration = Duration::from_secs(120);
/// Default wait after the first attempt; it doubles with each attempt that did not heal.
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(10);
/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(600);
/// A session must be seen `CLOSED` for at least this long (or one interval, if longer) before
/// it is started again: the logout or close webhook that explains a `CLOSED` may still be on
/// its way.
const DROP_GRACE: Duration = Duration::from_secs(1);
/// How long one call to the server may take.
const CALL_DEADLINE: Duration = Duration::from_secs(20);
/// A `closesession` this soon after the healer's own close-session is its echo, not a user's.
const OWN_CLOSE_ECHO: Duration = Duration::from_secs(60);
/// Sessions looked at the same time, at most.
const PARALLEL: usize = 8;

/// How the healer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealSettings {
    /// Time between two rounds (the first runs at start); zero turns healing off.
    pub interval: Duration,
    /// A start still `INITIALIZING` after this long is closed and started again.
    pub stuck_after: Duration,
    /// The wait after the first attempt, doubled after each further one (at most
    /// [`MAX_BACKOFF`]).
    pub backoff: Duration,
}

impl Default for HealSettings {
    fn default() -> Self {
        Self {
            interval: DEFAULT_INTERVAL,
            stuck_after: DEFAULT_STUCK_AFTER,
            backoff: DEFAULT_BACKOFF,
        }
    }
}

impl From<&super::Config> for HealSettings {
    fn from(config: &super::Config) -> Self {
        Self {
            interval: config.heal_interval,
            stuck_after: config.heal_stuck_after,
            backoff: config.heal_backoff,
        }
    }
}

/// A duration flag: `250ms`, `30s`, `5m`, `1h`, or a bare number of seconds.
///
/// # Errors
/// A message naming the accepted forms.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || format!("{text:?} is not a duration (e.g. 250ms, 30s, 5m, 1h)");
    let number: u64 = number.parse().map_err(|_| bad())?;
    let millis = match unit.trim() {
        "ms" => Some(number),
        "" | "s" => number.checked_mul(1_000),
        "m" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => None,
    };
    millis.map(Duration::from_millis).ok_or_else(bad)
}

/// Where a session stands for the healer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum HealState {
    /// Nothing to do (connected, or not known to need healing).
    #[default]
    Ok,
    /// Started again; waiting for it to connect.
    Restarting,
    /// The last attempt did not heal it; the next waits for the backoff.
    Backoff,
    /// Waiting for a QR scan or a pairing code: a person has to act.
    WaitingForLogin,
    /// Logged out (from the phone or by logout-session): not restarted until started.
    LoggedOut,
    /// Closed by close-session: not restarted until started.
    Closed,
}

impl HealState {
    fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Restarting => "restarting",
            Self::Backoff => "backoff",
            Self::WaitingForLogin => "waitingForLogin",
            Self::LoggedOut => "loggedOut",
            Self::Closed => "closed",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    const ALL: [Self; 6] = [
        Self::Ok,
        Self::Restarting,
        Self::Backoff,
        Self::WaitingForLogin,
        Self::LoggedOut,
        Self::Closed,
    ];
}

/// What the healer knows of one session: `healing` in `/api/sessions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Healing {
    /// Where it stands.
    pub state: HealState,
    /// Attempts since it was last connected.
    pub attempts: u32,
    /// The last action: `restart`, `restartStuck`, `loggedOut`, `closed`, `recovered`.
    pub last_action: Option<&'static str>,
    /// When the healer last acted on it, Unix seconds.
    pub last_healed_at: Option<i64>,
    /// The earliest next attempt, Unix seconds (while in backoff).
    pub next_attempt_at: Option<i64>,
    #[serde(skip)]
    next_at: Option<Instant>,
    /// `next_at` as epoch milliseconds: what the store keeps.
    #[serde(skip)]
    next_at_ms: Option<i64>,
    #[serde(skip)]
    initializing_since: Option<Instant>,
    #[serde(skip)]
    closed_since: Option<Instant>,
    /// When the healer itself last sent close-session.
    #[serde(skip)]
    closed_by_us: Option<Instant>,
    /// When a logout or close was learnt: a server answer asked for before it is older.
    #[serde(skip)]
    marked_at: Option<Instant>,
}

/// The healer's view of every session, shared by the timer, the webhook handler and the API.
#[derive(Debug, Default)]
pub(super) struct Registry {
    sessions: Mutex<HashMap<String, Healing>>,
}

impl Registry {
    fn with<T>(&self, name: &str, change: impl FnOnce(&mut Healing) -> T) -> T {
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        change(sessions.entry(name.to_owned()).or_default())
    }

    fn get(&self, name: &str) -> Option<Healing> {
        let sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.get(name).cloned()
    }

    /// The user logged the session out through the API: never restarted until started again
    /// (also when the `logoutsession` webhook is lost).
    fn logged_out(&self, name: &str) {
        self.with(name, |h| {
            *h = Healing {
                state: HealState::LoggedOut,
                last_action: Some("loggedOut"),
                last_healed_at: Some(wppconnect_models::Seconds::now().get()),
                marked_at: Some(Instant::now()),
                ..Healing::default()
            };
        });
    }

    /// Someone started the session: whatever stopped it before no longer holds. Whether it
    /// changed anything.
    fn started(&self, name: &str) -> bool {
        self.with(name, |h| {
            let stopped = matches!(h.state, HealState::LoggedOut | HealState::Closed);
            if stopped {
                *h = Healing::default();
            }
            stopped
        })
    }
}

/// The last action as stored, back to its name.
fn action_name(stored: &str) -> Option<&'static str> {
    [
        "restart",
        "restartStuck",
        "loggedOut",
        "closed",
        "recovered",
    ]
    .into_iter()
    .find(|a| *a == stored)
}

/// Reads the healer's stored state of every session back (at start): attempts, backoff,
/// marks. A stored next attempt already past is due now.
///
/// # Errors
/// [`StoreError`].
pub(super) async fn load(state: &AppState) -> Result<usize, StoreError> {
    let rows = sqlx::query(
        "SELECT session, state, attempts, last_action, last_healed_at, next_attempt_ms \
         FROM session_healing",
    )
    .fetch_all(state.store.pool())
    .await?;
    let now_ms = super::servers::now_ms();
    let now = Instant::now();
    let mut loaded = 0;
    for row in rows {
        let name: String = row.try_get("session")?;
        let stored_state: String = row.try_get("state")?;
        let Some(heal_state) = HealState::from_name(&stored_state) else {
            tracing::warn!(
                session = name,
                state = stored_state,
                "healing: unknown stored state; ignored"
            );
            continue;
        };
        let attempts: i64 = row.try_get("attempts")?;
        let last_action: Option<String> = row.try_get("last_action")?;
        let last_healed_at: Option<i64> = row.try_get("last_healed_at")?;
        let next_ms: Option<i64> = row.try_get("next_attempt_ms")?;
        let next_at = next_ms.map(|ms| {
            let wait = u64::try_from(ms.saturating_sub(now_ms)).unwrap_or(0);
            now + Duration::from_millis(wait)
        });
        state.heal.with(&name, |h| {
            *h = Healing {
                state: heal_state,
                attempts: u32::try_from(attempts).unwrap_or(0),
                last_action: last_action.as_deref().and_then(action_name),
                last_healed_at,
                next_attempt_at: next_ms.map(|ms| ms / 1_000),
                next_at,
                next_at_ms: next_ms,
                ..Healing::default()
            };
        });
        loaded += 1;
    }
    if loaded > 0 {
        tracing::info!(sessions = loaded, "healing: stored state read back");
    }
    Ok(loaded)
}

/// Keeps the healer's state of `name` in the store (logged when it cannot).
async fn save(state: &AppState, name: &str) {
    let Some(h) = state.heal.get(name) else {
        return;
    };
    let saved = sqlx::query(
        "INSERT INTO session_healing \
         (session, state, attempts, last_action, last_healed_at, next_attempt_ms, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (session) DO UPDATE SET state = excluded.state, \
         attempts = excluded.attempts, last_action = excluded.last_action, \
         last_healed_at = excluded.last_healed_at, next_attempt_ms = excluded.next_attempt_ms, \
         updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(h.state.name())
    .bind(i64::from(h.attempts))
    .bind(h.last_action)
    .bind(h.last_healed_at)
    .bind(h.next_at_ms)
    .bind(super::servers::now_ms())
    .execute(state.store.pool())
    .await;
    if let Err(error) = saved {
        tracing::warn!(session = name, %error, "healing: cannot store the session's state");
    }
}

/// The user logged `name` out through the API: marked (and stored) so it is not restarted.
pub(super) async fn logged_out(state: &AppState, name: &str) {
    state.heal.logged_out(name);
    save(state, name).await;
}

/// The user started `name`: a logout or close mark no longer holds.
pub(super) async fn started(state: &AppState, name: &str) {
    if state.heal.started(name) {
        save(state, name).await;
    }
}

/// The session as `/api/sessions` and `session-status` show it: the stored fields plus
/// `healing` (additive).
fn annotated(state: &AppState, session: &domain::Session) -> Value {
    let mut value = json!(session);
    if let (Some(object), Some(healing)) = (value.as_object_mut(), state.heal.get(&session.name)) {
        object.insert("healing".to_owned(), json!(healing));
    }
    value
}

/// The stored sessions with their `healing` field.
pub(super) fn annotate(state: &AppState, sessions: Vec<domain::Session>) -> Vec<Value> {
    sessions.iter().map(|s| annotated(state, s)).collect()
}

/// `backend_sessions_healing{state}` for `/metrics`.
pub(super) fn count_states(state: &AppState) {
    let sessions = state
        .heal
        .sessions
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let counts: Vec<(&'static str, u32)> = HealState::ALL
        .iter()
        .map(|s| {
            let n = sessions.values().filter(|h| h.state == *s).count();
            (s.name(), u32::try_from(n).unwrap_or(u32::MAX))
        })
        .collect();
    drop(sessions);
    super::metrics::healing_states(&counts);
}

/// The webhook handler: hands the event to the writer (measuring the time to commit), then
/// learns from it what stops a session on purpose.
/// The backend's awaited webhook handler: stores the event (through the journal when there is
/// one, with the body as posted), then marks a session the server logged out or closed.
#[derive(Debug, Clone)]
pub(super) struct Receiver(Arc<(AppState, Ingest)>);

impl Receiver {
    pub(super) fn new(state: AppState, ingest: Ingest) -> Self {
        Self(Arc::new((state, ingest)))
    }
}

impl wppconnect_webhook::ReceivedHandler for Receiver {
    fn handle(
        &self,
        received: Arc<wppconnect_webhook::Received>,
    ) -> wppconnect_webhook::HandlerFuture {
        let this = self.clone();
        Box::pin(async move {
            submit(&this.0 .0, &this.0 .1, &received)
                .await
                .map_err(wppconnect_webhook::HandlerError::new)
        })
    }
}

/// Stores a webhook's event (a message or an ack journaled as it came, parsed by the indexer;
/// anything else parsed here), then acts on what it says of the session.
async fn submit(
    state: &AppState,
    ingest: &Ingest,
    received: &wppconnect_webhook::Received,
) -> Result<(), IngestError> {
    let started = Instant::now();
    let result = ingest.submit_unparsed(received).await;
    super::metrics::ingested(started, result.is_ok());
    if let Ok(Some(event)) = &result {
        observe(state, event).await;
    }
    result.map(drop)
}

/// A logout or a close-session marks the session so it is not restarted; a logout is pushed.
async fn observe(state: &AppState, event: &Event) {
    let stopped = match event {
        Event::LoggedOut(_) => HealState::LoggedOut,
        Event::StatusFind(find) if find.status == StatusFind::DisconnectedMobile => {
            HealState::LoggedOut
        }
        Event::SessionClosed(_) => HealState::Closed,
        _ => return,
    };
    let Some(name) = event.session().map(|s| s.as_str().to_owned()) else {
        return;
    };
    let action = if stopped == HealState::LoggedOut {
        "loggedOut"
    } else {
        "closed"
    };
    let echo = state.heal.with(&name, |h| {
        let echo = stopped == HealState::Closed
            && h.closed_by_us
                .is_some_and(|at| at.elapsed() < OWN_CLOSE_ECHO);
        if echo {
            return true; // the healer's own close of a stuck start: it is being started again
        }
        *h = Healing {
            state: stopped,
            last_action: Some(action),
            last_healed_at: Some(wppconnect_models::Seconds::now().get()),
            marked_at: Some(Instant::now()),
            ..Healing::default()
        };
        false
    });
    if echo {
        return;
    }
    if stopped == HealState::LoggedOut {
        tracing::warn!(
            session = name,
            "session logged out: marked, not restarted until started again"
        );
        super::metrics::heal_action("logged_out");
    } else {
        tracing::info!(
            session = name,
            "session closed: not restarted until started again"
        );
    }
    push(state, &name).await;
}

/// Stores the healer's state of `name`, then pushes the stored session with its `healing`
/// field as `session-status`.
async fn push(state: &AppState, name: &str) {
    save(state, name).await;
    match state.store.session(name).await {
        Ok(Some(session)) => {
            let push = match state.heal.get(name) {
                Some(healing) => Push::SessionHealing(session, Box::new(healing)),
                None => Push::SessionStatus(session),
            };
            state.realtime.push(name, &push);
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(session = name, %error, "healing: cannot read the session"),
    }
}

/// Starts the healer: a round now, then one per interval, for the life of the process. Does
/// nothing when the interval is zero. Call it inside a Tokio runtime.
pub fn spawn(state: AppState, settings: HealSettings) {
    if settings.interval.is_zero() {
        tracing::info!("self-healing of sessions is off");
        return;
    }
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(settings.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            round(&state, &settings).await;
            super::metrics::heal_round();
        }
    });
}

/// One round: brings the stored states up to date with the server (the start-up check), then
/// looks at each session that is not connected.
async fn round(state: &AppState, settings: &HealSettings) {
    let asked_at = Instant::now();
    let connected = super::recover::check_sessions(state).await;
    for name in &connected {
        recovered(state, name, asked_at).await;
    }
    let names = match state.store.session_names().await {
        Ok(names) => names,
        Err(error) => {
            tracing::warn!(%error, "healing: cannot read the stored sessions");
            return;
        }
    };
    let checks = names
        .into_iter()
        .filter(|name| !connected.contains(name))
        .map(|name| async move { heal_one(state, settings, &name).await });
    futures::stream::iter(checks)
        .buffer_unordered(PARALLEL)
        .collect::<Vec<()>>()
        .await;
}

/// The server said, when asked at `asked_at`, that the session is connected: whatever the
/// healer was doing is over, unless a logout or close was learnt since.
async fn recovered(state: &AppState, name: &str, asked_at: Instant) {
    let was = state.heal.with(name, |h| {
        if h.marked_at.is_some_and(|at| at >= asked_at) {
            return (HealState::Ok, 0); // the answer is older than the logout: nothing to do
        }
        let was = (h.state, h.attempts);
        h.initializing_since = None;
        h.closed_since = None;
        if h.state != HealState::Ok || h.attempts > 0 {
            let attempts = h.attempts;
            *h = Healing {
                last_action: (attempts > 0).then_some("recovered"),
                last_healed_at: h.last_healed_at,
                ..Healing::default()
            };
        }
        was
    });
    if was.0 != HealState::Ok || was.1 > 0 {
        if was.1 > 0 {
            tracing::info!(
                session = name,
                attempts = was.1,
                "healing: the session is connected again"
            );
            super::metrics::heal_action("recovered");
        }
        push(state, name).await;
    }
}

/// Looks at one session that is not connected and acts on it.
async fn heal_one(state: &AppState, settings: &HealSettings, name: &str) {
    let stored = match state.store.session(name).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(session = name, %error, "healing: cannot read the session");
            return;
        }
    };
    let client = match state.client_for(name).await {
        Ok(client) => client,
        Err(error) => {
            let error = error.reason();
            tracing::debug!(session = name, %error, "healing: the session's server is not known");
            return;
        }
    };
    let Ok(handle) = client.session(name) else {
        return; // a name the client refuses is never sent upstream
    };
    let asked_at = Instant::now();
    let server = match tokio::time::timeout(CALL_DEADLINE, handle.status()).await {
        Ok(Ok(server)) => server.status,
        Ok(Err(error)) => {
            let error = redact(&error.to_string());
            tracing::debug!(session = name, %error, "healing: no status from the server");
            return;
        }
        Err(_) => return,
    };
    let now = Instant::now();
    let current = state.heal.get(name).unwrap_or_default();
    if matches!(current.state, HealState::LoggedOut | HealState::Closed) {
        return;
    }
    let due = current.next_at.is_none_or(|at| at <= now);
    match server {
        SessionStatus::Connected => recovered(state, name, asked_at).await,
        SessionStatus::Initializing => {
            let since = state.heal.with(name, |h| {
                h.closed_since = None;
                *h.initializing_since.get_or_insert(now)
            });
            if now.duration_since(since) >= settings.stuck_after && due {
                tracing::warn!(session = name, stuck_for = ?now.duration_since(since), "healing: start stuck initializing; closing it and starting again");
                state
                    .heal
                    .with(name, |h| h.closed_by_us = Some(Instant::now()));
                if let Err(error) = handle.close().await {
                    let error = redact(&error.to_string());
                    tracing::debug!(session = name, %error, "healing: close-session failed; starting anyway");
                }
                restart(state, settings, name, "restartStuck").await;
            }
        }
        status if status.is_waiting_for_login() => {
            let changed = state.heal.with(name, |h| {
                h.initializing_since = None;
                h.closed_since = None;
                let changed = h.state != HealState::WaitingForLogin;
                h.state = HealState::WaitingForLogin;
                changed
            });
            if changed {
                push(state, name).await;
            }
        }
        _ => {
            // CLOSED (or a state this version does not know): dropped, if it was ever logged in
            let closed_since = state.heal.with(name, |h| {
                h.initializing_since = None;
                *h.closed_since.get_or_insert(now)
            });
            if stored.last_connected.is_none() {
                return; // never logged in: a restart could only show a QR code
            }
            if now.duration_since(closed_since) < settings.interval.max(DROP_GRACE) {
                return; // a logout or close webhook may still explain it
            }
            if due {
                restart(state, settings, name, "restart").await;
            } else if current.state != HealState::Backoff {
                state.heal.with(name, |h| h.state = HealState::Backoff);
                push(state, name).await;
            }
        }
    }
}

/// start-session with the backend's webhook, as one attempt: counted, backed off, logged and
/// pushed.
async fn restart(state: &AppState, settings: &HealSettings, name: &str, action: &'static str) {
    let attempts = state.heal.with(name, |h| {
        h.attempts = h.attempts.saturating_add(1);
        let wait = backoff(settings.backoff, h.attempts);
        h.next_at = Some(Instant::now() + wait);
        h.next_at_ms = Some(
            super::servers::now_ms()
                .saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
        );
        let now = wppconnect_models::Seconds::now().get();
        h.next_attempt_at = Some(now.saturating_add(i64::try_from(wait.as_secs()).unwrap_or(0)));
        h.last_healed_at = Some(now);
        h.last_action = Some(action);
        h.state = HealState::Restarting;
        h.initializing_since = None;
        h.closed_since = None;
        h.attempts
    });
    tracing::info!(
        session = name,
        attempt = attempts,
        action,
        "healing: starting the session again"
    );
    super::metrics::heal_action(if action == "restart" {
        "restart"
    } else {
        "restart_stuck"
    });
    // kept before the call: a backend killed meanwhile still knows the attempt was made
    save(state, name).await;
    let start = async {
        let handle = state.client_for(name).await?.session(name)?;
        handle
            .start()
            .webhook(state.webhook_url(name))
            .await
            .map_err(super::ApiError::from)
    };
    match tokio::time::timeout(CALL_DEADLINE, start).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => {
            let error = error.reason();
            tracing::warn!(session = name, attempt = attempts, %error, "healing: start-session failed");
            super::metrics::heal_action("failed");
        }
        Err(_) => {
            tracing::warn!(
                session = name,
                attempt = attempts,
                "healing: start-session did not answer in time"
            );
            super::metrics::heal_action("failed");
        }
    }
    push(state, name).await;
}

/// The wait after attempt `attempt` (1-based): `base`, then doubled each time, at most
/// [`MAX_BACKOFF`].
fn backoff(base: Duration, attempt: u32) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(16);
    base.saturating_mul(factor).min(MAX_BACKOFF.max(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_their_unit() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        for bad in ["", "s", "-1s", "1.5s", "3 days", "99999999999999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_flags_set_the_healer_and_the_metrics_token_stays_hidden() {
        use clap::Parser;
        let config = super::super::Config::try_parse_from([
            "backend",
            "--heal-interval",
            "250ms",
            "--heal-stuck-after",
            "2m",
            "--heal-backoff",
            "3s",
            "--metrics-token",
            "scrape-secret-token",
        ])
        .unwrap();
        let settings = HealSettings::from(&config);
        assert_eq!(settings.interval, Duration::from_millis(250));
        assert_eq!(settings.stuck_after, Duration::from_secs(120));
        assert_eq!(settings.backoff, Duration::from_secs(3));
        assert!(!format!("{config:?}").contains("scrape-secret-token"));
        let defaults = super::super::Config::try_parse_from(["backend"]).unwrap();
        assert_eq!(HealSettings::from(&defaults), HealSettings::default());
        assert_eq!(defaults.metrics_token, None);
        let bad = super::super::Config::try_parse_from(["backend", "--heal-interval", "soon"])
            .unwrap_err();
        assert_eq!(bad.exit_code(), 2);
    }

    /// A backend state over an in-memory store and a server nobody answers at.
    async fn state() -> AppState {
        let store = crate::backend::Store::open("sqlite::memory:")
            .await
            .unwrap();
        let client = wppconnect_client::Client::builder("http://127.0.0.1:9")
            .unwrap()
            .build()
            .unwrap();
        let auth = crate::backend::Auth::new(
            std::collections::HashMap::new(),
            "a-jwt-secret-of-at-least-32-bytes!!",
        );
        AppState::new(client, store, auth, "http://127.0.0.1:3000", "hook")
    }

    fn event(json: &str) -> Event {
        Event::from_slice(json.as_bytes()).unwrap()
    }

    #[tokio::test]
    async fn logouts_from_the_phone_or_the_server_mark_the_session_and_closes_too() {
        let state = state().await;
        let mut pushes = Box::pin(state.realtime.subscribe(Some("main".to_owned())));
        state
            .store
            .set_session("main", domain::SessionStatus::Disconnected, None)
            .await
            .unwrap();
        observe(
            &state,
            &event(r#"{"event":"status-find","session":"main","status":"disconnectedMobile"}"#),
        )
        .await;
        assert_eq!(state.heal.get("main").unwrap().state, HealState::LoggedOut);
        // pushed before observe returns: already in the stream's buffer
        let pushed = futures::FutureExt::now_or_never(pushes.next())
            .flatten()
            .unwrap();
        assert_eq!(pushed.event, "session-status");
        assert_eq!(pushed.envelope["data"]["healing"]["state"], "loggedOut");

        observe(
            &state,
            &event(r#"{"event":"logoutsession","session":"loja","message":"Session: loja logged out","connected":false}"#),
        )
        .await;
        assert_eq!(state.heal.get("loja").unwrap().state, HealState::LoggedOut);

        observe(
            &state,
            &event(r#"{"event":"closesession","session":"x","message":"Session: x disconnected","connected":false}"#),
        )
        .await;
        assert_eq!(state.heal.get("x").unwrap().state, HealState::Closed);
        // the healer's own close of a stuck start is not a user's close
        state
            .heal
            .with("y", |h| h.closed_by_us = Some(Instant::now()));
        observe(
            &state,
            &event(r#"{"event":"closesession","session":"y","message":"Session: y disconnected","connected":false}"#),
        )
        .await;
        assert_eq!(state.heal.get("y").unwrap().state, HealState::Ok);
        // other events change nothing; a start lifts the marks
        observe(
            &state,
            &event(r#"{"event":"status-find","session":"z","status":"browserClose"}"#),
        )
        .await;
        assert!(state.heal.get("z").is_none());
        state.heal.started("main");
        assert_eq!(state.heal.get("main").unwrap().state, HealState::Ok);
    }

    #[tokio::test]
    async fn a_server_answer_older_than_a_logout_does_not_clear_it() {
        let state = state().await;
        let asked_at = Instant::now();
        state.heal.logged_out("main");
        recovered(&state, "main", asked_at).await;
        assert_eq!(state.heal.get("main").unwrap().state, HealState::LoggedOut);
        recovered(&state, "main", Instant::now()).await;
        assert_eq!(state.heal.get("main").unwrap().state, HealState::Ok);
    }

    #[test]
    fn the_backoff_doubles_up_to_its_cap() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 1), base);
        assert_eq!(backoff(base, 2), base * 2);
        assert_eq!(backoff(base, 4), base * 8);
        assert_eq!(backoff(base, 30), MAX_BACKOFF);
        assert_eq!(
            backoff(Duration::from_secs(900), 3),
            Duration::from_secs(900)
        );
    }
}
