//! Timestamps exactly as the server sends them, named by unit.
//!
//! WPPConnect Server uses **seconds** for messages (`t`, `timestamp`), call `offerTime` and group
//! `creation`, and **milliseconds** for reactions, poll votes, presence and `/healthz`. Both types
//! keep the wire number untouched (so a parsed payload serialises back identically) and convert to
//! [`SystemTime`] on demand.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A Unix timestamp in **seconds**, as in a message's `t` or `timestamp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seconds(pub i64);

/// A Unix timestamp in **milliseconds**, as in a reaction's `timestamp` or a presence's `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Millis(pub i64);

fn from_epoch(duration: Duration, negative: bool) -> Option<SystemTime> {
    if negative {
        UNIX_EPOCH.checked_sub(duration)
    } else {
        UNIX_EPOCH.checked_add(duration)
    }
}

impl Seconds {
    /// The number as it was on the wire.
    #[must_use]
    pub fn get(self) -> i64 {
        self.0
    }

    /// The instant, or `None` when it cannot be represented on this platform.
    #[must_use]
    pub fn to_system_time(self) -> Option<SystemTime> {
        from_epoch(Duration::from_secs(self.0.unsigned_abs()), self.0 < 0)
    }

    /// The same instant in milliseconds (saturating).
    #[must_use]
    pub fn to_millis(self) -> Millis {
        Millis(self.0.saturating_mul(1000))
    }

    /// The current time, rounded down to whole seconds.
    #[must_use]
    pub fn now() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Self(secs)
    }
}

impl Millis {
    /// The number as it was on the wire.
    #[must_use]
    pub fn get(self) -> i64 {
        self.0
    }

    /// The instant, or `None` when it cannot be represented on this platform.
    #[must_use]
    pub fn to_system_time(self) -> Option<SystemTime> {
        from_epoch(Duration::from_millis(self.0.unsigned_abs()), self.0 < 0)
    }

    /// The same instant in whole seconds (rounded towards negative infinity).
    #[must_use]
    pub fn to_seconds(self) -> Seconds {
        Seconds(self.0.div_euclid(1000))
    }

    /// The current time in milliseconds.
    #[must_use]
    pub fn now() -> Self {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Self(ms)
    }
}

impl From<Seconds> for Millis {
    fn from(value: Seconds) -> Self {
        value.to_millis()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_millis_name_the_same_instant() {
        let s = Seconds(1_795_525_512);
        let ms = Millis(1_795_525_512_000);
        assert_eq!(s.to_system_time(), ms.to_system_time());
        assert_eq!(ms.to_seconds(), s);
        assert_eq!(s.to_millis(), ms);
    }

    #[test]
    fn negative_and_extreme_values_do_not_panic() {
        assert_eq!(
            Seconds(-1).to_system_time(),
            UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
        let _ = Seconds(i64::MAX).to_system_time();
        let _ = Seconds(i64::MIN).to_system_time();
        assert_eq!(Seconds(i64::MAX).to_millis(), Millis(i64::MAX));
        assert_eq!(Millis(-1).to_seconds(), Seconds(-1));
    }

    #[test]
    fn wire_number_is_kept() {
        let s: Seconds = serde_json::from_str("1795525512").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "1795525512");
        let ms: Millis = serde_json::from_str("1795525542512").unwrap();
        assert_eq!(ms.get(), 1_795_525_542_512);
    }
}
