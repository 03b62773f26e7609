//! The event relay: every stored event goes to a durable log in the store ([`log`]), written in
//! the same transaction as the event itself, and from there, at least once, to NATS JetStream
//! ([`nats`], when `NATS_URL` is set) and to the CRMs' signed webhooks ([`subscriptions`]).
//!
//! A sink keeps its progress in the store, so a crash or a restart resumes where it stopped:
//! an event may be forwarded twice (each carries the log row's id for dedupe), never lost.

pub mod log;
pub mod nats;
pub mod subscriptions;

use std::time::Duration;

pub use self::log::{LogEntry, LogRow};
pub use self::nats::NatsSettings;
pub use self::subscriptions::{sign, WebhookSettings};

use super::AppState;

/// How often an idle sink looks for new log rows.
pub const DEFAULT_POLL: Duration = Duration::from_millis(200);

/// How long the log keeps a row every sink is done with: a week.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// What the relay forwards to, and how.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// NATS JetStream; `None`: no NATS publisher.
    pub nats: Option<NatsSettings>,
    /// The CRMs' outgoing webhooks.
    pub webhooks: WebhookSettings,
    /// How often an idle sink looks for new log rows (default [`DEFAULT_POLL`]).
    pub poll: Duration,
    /// How long the log keeps a row every sink is done with (default
    /// [`DEFAULT_RETENTION`]); `None`: for ever.
    pub retention: Option<Duration>,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            nats: None,
            webhooks: WebhookSettings::default(),
            poll: DEFAULT_POLL,
            retention: Some(DEFAULT_RETENTION),
        }
    }
}

/// Starts the sinks: the webhook deliveries always, the NATS publisher when configured.
pub(super) fn spawn(state: &AppState) {
    let settings = state.relay_settings();
    subscriptions::spawn(
        state.store.clone(),
        settings.webhooks.clone(),
        settings.poll,
    );
    if let Some(nats) = &settings.nats {
        nats::spawn(state.store.clone(), nats.clone(), settings.poll);
    }
    if let Some(retention) = settings.retention {
        let sink = settings.nats.as_ref().map(NatsSettings::sink);
        log::spawn_pruner(state.store.clone(), retention, sink, settings.poll);
    }
}

/// Milliseconds since the Unix epoch, the store's time.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Waits before the next try after `failures` failures in a row: `base` doubled after each
/// further one, at most `max`.
pub(crate) fn backoff(base: Duration, failures: u32, max: Duration) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(20));
    base.saturating_mul(factor).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_up_to_its_ceiling() {
        let base = Duration::from_secs(1);
        let max = Duration::from_secs(60);
        let waits: Vec<u64> = (1..=9).map(|n| backoff(base, n, max).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(base, u32::MAX, max), max, "no overflow");
    }

    #[test]
    fn the_relay_is_configured_from_flags_and_bad_names_are_refused() {
        use clap::Parser;
        let parse = |args: &[&str]| {
            crate::backend::Config::try_parse_from(
                std::iter::once("backend").chain(args.iter().copied()),
            )
        };
        let default = parse(&[]).unwrap().relay_settings();
        assert!(default.nats.is_none(), "no NATS unless NATS_URL is set");
        assert_eq!(default.webhooks.max_failures, 20);
        let config = parse(&[
            "--nats-url",
            "nats://user:pw-secret@127.0.0.1:4222",
            "--nats-subject-prefix",
            "crm.events",
            "--nats-stream",
            "CRM",
            "--webhook-retry-backoff",
            "250ms",
            "--webhook-max-failures",
            "3",
        ])
        .unwrap();
        let relay = config.relay_settings();
        let nats = relay.nats.unwrap();
        assert_eq!(
            nats.subject("main", "new-message"),
            "crm.events.main.new-message"
        );
        assert_eq!(nats.stream, "CRM");
        assert_eq!(relay.webhooks.backoff, Duration::from_millis(250));
        assert_eq!(relay.webhooks.max_failures, 3);
        assert!(!format!("{config:?}").contains("pw-secret"));
        for bad in [
            &["--nats-subject-prefix", "wpp.>"][..],
            &["--nats-subject-prefix", "wpp..events"],
            &["--nats-subject-prefix", "a b"],
            &["--nats-stream", "my.stream"],
            &["--webhook-max-failures", "0"],
        ] {
            assert_eq!(parse(bad).unwrap_err().exit_code(), 2, "{bad:?} is refused");
        }
    }
}
