//! Automatic replies: rules per session (a keyword, a regular expression or the first message of
//! a conversation; optional business hours; a reply template with `{name}`, `{phone}`, `{time}`
//! and `{date}`), managed at `GET/POST /api/sessions/{name}/rules` and
//! `PATCH/DELETE /api/sessions/{name}/rules/{id}`, with the decisions taken listed at
//! `GET /api/sessions/{name}/auto-replies`.
//!
//! The engine is a handler on the webhook crate's hub ([`EventHub::on_incoming`]), written as a
//! user would write their own bot. The backend's router runs in the awaited mode, so the hub
//! only sees an event once it is stored; the engine then:
//!
//! - answers only messages people send (never `fromMe`, never the status broadcast, never an
//!   `unreadmessages` replay), and messages in groups only for rules that ask for them (the
//!   reply then goes privately to the member who wrote);
//! - claims the trigger with an `auto_replies` row keyed by (session, message id), inserted
//!   `ON CONFLICT DO NOTHING` **before** sending: a webhook delivered twice, or again after a
//!   restart, finds the row and sends nothing (a crash between the row and the send loses that
//!   one reply rather than sending it twice);
//! - paces: one reply per contact and rule per [`Settings::cooldown`], and at most
//!   [`Settings::session_rate`] replies a minute per session;
//! - breaks bot loops: a contact that triggers more than [`Settings::loop_limit`] replies of a
//!   rule within [`Settings::loop_window`] is muted for that rule for [`Settings::mute_for`]
//!   (logged), and a message whose text is one of our replies is never a trigger;
//! - sends through the backend's own send function (the one `POST /api/messages` uses), so the
//!   reply is stored, pushed and sent once like any other.
//!
//! [`EventHub::on_incoming`]: wppconnect_webhook::EventHub::on_incoming

mod engine;
mod matching;
mod rules;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use wppconnect_webhook::EventHub;

use super::AppState;

/// Where the engine reads the time (epoch milliseconds): the system clock, or a clock of the
/// caller's (tests fix it to check business hours and pacing). Cheap to clone.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    /// The system clock.
    #[must_use]
    pub fn system() -> Self {
        Self(Arc::new(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        }))
    }

    /// A clock that asks `now` (epoch milliseconds).
    #[must_use]
    pub fn from_fn(now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The time now, epoch milliseconds.
    #[must_use]
    pub fn now_ms(&self) -> i64 {
        (self.0)()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

/// How the engine paces its replies. [`Settings::default`] suits a shop.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The time.
    pub clock: Clock,
    /// At most one reply per contact and rule in this long (default 60 s).
    pub cooldown: Duration,
    /// At most this many replies a minute per session (default 30); more are skipped.
    pub session_rate: u32,
    /// A contact that triggers more than this many replies of one rule within
    /// [`Settings::loop_window`] is muted for that rule (default 5).
    pub loop_limit: u32,
    /// The window of [`Settings::loop_limit`] (default 10 min).
    pub loop_window: Duration,
    /// How long a mute lasts (default 24 h).
    pub mute_for: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clock: Clock::system(),
            cooldown: Duration::from_secs(60),
            session_rate: 30,
            loop_limit: 5,
            loop_window: Duration::from_secs(10 * 60),
            mute_for: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// A count of the rule changes made through this instance: the engine reads a session's rules
/// again at once after one, and otherwise at most every second (a change made through another
/// instance).
#[derive(Debug, Default, Clone)]
pub struct RulesChanged(Arc<std::sync::atomic::AtomicU64>);

impl RulesChanged {
    /// Counts a change.
    pub(crate) fn bump(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// The changes counted so far.
    pub(crate) fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }
}

/// The rule routes.
pub(super) fn routes() -> Router<AppState> {
    rules::routes()
}

/// Starts the engine on the hub of the backend's webhook router: it runs for as long as the
/// router does, on the process's [`background`] runtime, so that its work (and the freeing of
/// the events it is handed) stays off the threads that answer webhooks.
pub(super) fn start(state: &AppState, hub: &EventHub) {
    let engine = Arc::new(engine::Engine::new(state.clone()));
    let _background = background().map(|handle| handle.enter());
    hub.on_incoming(move |event| {
        let engine = engine.clone();
        async move { engine.handle(&event).await }
    });
}

/// A runtime on a thread of its own that lives as long as the process (so that a database or
/// HTTP connection opened on it never loses its driver); `None` when the thread cannot start
/// (the engine then runs on the caller's runtime).
fn background() -> Option<&'static tokio::runtime::Handle> {
    static BACKGROUND: std::sync::OnceLock<Option<tokio::runtime::Handle>> =
        std::sync::OnceLock::new();
    BACKGROUND
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| tracing::warn!(%error, "no runtime for the automatic replies"))
                .ok()?;
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("autoreply".to_owned())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .map_err(|error| tracing::warn!(%error, "no thread for the automatic replies"))
                .ok()?;
            Some(handle)
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::backend::Config;

    #[test]
    fn the_pacing_is_configured_by_flags_and_variables() {
        let default = Config::try_parse_from(["backend"]).unwrap();
        assert_eq!(default.autoreply_cooldown.as_secs(), 60);
        assert_eq!(default.autoreply_rate, 30);
        assert_eq!(default.autoreply_loop_limit, 5);
        let set = Config::try_parse_from([
            "backend",
            "--autoreply-cooldown=5m",
            "--autoreply-rate=10",
            "--autoreply-loop-limit=2",
        ])
        .unwrap();
        assert_eq!(set.autoreply_cooldown.as_secs(), 300);
        assert_eq!((set.autoreply_rate, set.autoreply_loop_limit), (10, 2));
        for bad in ["--autoreply-cooldown=soon", "--autoreply-rate=-1"] {
            let error = Config::try_parse_from(["backend", bad]).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad}");
        }
    }
}
