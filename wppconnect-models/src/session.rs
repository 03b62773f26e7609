//! Session lifecycle: states, `status-find` values, and the bodies of the session routes
//! (generate-token, start-session, status-session, qrcode-session, check-connection-session,
//! close/logout, show-all-sessions).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::macros::string_enum;
use crate::SessionName;

string_enum! {
    /// A session's state: `status` of start-session, status-session and qrcode-session.
    pub enum SessionStatus {
        /// Not running (never started, closed, auto-closed, or logged out from the phone).
        Closed => "CLOSED",
        /// Browser starting, WhatsApp Web loading.
        Initializing => "INITIALIZING",
        /// Waiting for the QR code to be scanned.
        QrCode => "QRCODE",
        /// Waiting for the pairing code to be typed on the phone.
        PhoneCode => "PHONECODE",
        /// Logged in and usable.
        Connected => "CONNECTED",
        /// The held answer of start-session with `waitQrCode: true` (lowercase): a QR code.
        QrCodeLowercase => "qrcode",
        /// The held answer of start-session with `waitQrCode: true` and `phone`: a pairing code.
        PhoneCodeCamel => "phoneCode",
    }
}

impl SessionStatus {
    /// Whether the session is logged in.
    #[must_use]
    pub fn is_connected(&self) -> bool {
        *self == Self::Connected
    }

    /// Whether the session waits for a QR scan or a pairing code.
    #[must_use]
    pub fn is_waiting_for_login(&self) -> bool {
        matches!(
            self,
            Self::QrCode | Self::QrCodeLowercase | Self::PhoneCode | Self::PhoneCodeCamel
        )
    }
}

string_enum! {
    /// The `status` of a `status-find` webhook (the library's `StatusFind`).
    pub enum StatusFind {
        /// No stored login; a QR code (or pairing code) follows.
        NotLogged => "notLogged",
        /// QR code scanned.
        QrReadSuccess => "qrReadSuccess",
        /// Browser stopped while waiting for the scan.
        QrReadFail => "qrReadFail",
        /// Authentication failed.
        QrReadError => "qrReadError",
        /// Stored login found.
        IsLogged => "isLogged",
        /// Chat list loaded: the session is usable.
        InChat => "inChat",
        /// WhatsApp Web could not reach the phone.
        PhoneNotConnected => "phoneNotConnected",
        /// Not scanned in time; the server dropped the session.
        AutocloseCalled => "autocloseCalled",
        /// Logged out from the phone; the server dropped the session.
        DisconnectedMobile => "disconnectedMobile",
        /// Browser closed.
        BrowserClose => "browserClose",
        /// Browser's connection to WhatsApp closed.
        ServerClose => "serverClose",
    }
}

impl StatusFind {
    /// Whether this state ends the session on the server (it then reports `CLOSED`).
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::AutocloseCalled | Self::DisconnectedMobile | Self::QrReadFail
        )
    }
}

/// `201` answer of `POST /api/{session}/{secretkey}/generate-token`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// Always `"success"`.
    pub status: String,
    /// Echo of the session name.
    pub session: SessionName,
    /// The bearer token (a bcrypt hash; use verbatim).
    pub token: String,
    /// `session:token`, usable only as the path form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("status", &self.status)
            .field("session", &self.session)
            .field("token", &"<redacted>")
            .field("full", &self.full.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A proxy for one session's browser.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Proxy {
    /// Proxy URL.
    pub url: String,
    /// User name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Password (redacted in `Debug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Body of `POST /api/{session}/start-session`. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartSession {
    /// Per-session webhook URL (overrides the server's global one; `""` falls back to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
    /// Hold the answer until the first QR code; the server may then never answer. Prefer polling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_qr_code: Option<bool>,
    /// Log in with a pairing code for this number (digits) instead of a QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Browser proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Proxy>,
    /// Device name shown on the phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// Other options the server stores with the session.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A session's state as start-session and status-session answer it.
///
/// `qrcode` is a data URL in status-session and raw base64 in start-session's `waitQrCode` answer;
/// [`SessionState::qr_code_base64`] gives the base64 either way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionState {
    /// The state.
    pub status: SessionStatus,
    /// The QR code image, while waiting for a scan.
    #[serde(default)]
    pub qrcode: Option<String>,
    /// The text encoded in the QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urlcode: Option<String>,
    /// The server version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The pairing code (start-session with `phone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_code: Option<String>,
    /// The session key the server adds to answers of JSON requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SessionState {
    /// A state with only a status.
    #[must_use]
    pub fn new(status: SessionStatus) -> Self {
        Self {
            status,
            qrcode: None,
            urlcode: None,
            version: None,
            phone_code: None,
            session: None,
            extra: Map::new(),
        }
    }

    /// Whether the session is logged in.
    #[must_use]
    pub fn is_connected(&self) -> bool {
        self.status.is_connected()
    }

    /// The QR code as base64 PNG, whichever form the server used.
    #[must_use]
    pub fn qr_code_base64(&self) -> Option<&str> {
        self.qrcode
            .as_deref()
            .map(strip_data_url)
            .filter(|s| !s.is_empty())
    }
}

/// Removes a `data:<mime>;base64,` prefix, if any.
#[must_use]
pub fn strip_data_url(s: &str) -> &str {
    match s.strip_prefix("data:") {
        Some(rest) => rest.split_once(',').map_or(s, |(_, data)| data),
        None => s,
    }
}

/// A `{"status": <bool>, "message": …}` answer: check-connection-session, close-session,
/// logout-session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusMessage {
    /// `true` on success / connected.
    pub status: bool,
    /// `Connected`, `Disconnected`, `Session successfully closed`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The session key the server adds to answers of JSON requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionName>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// JSON answer of qrcode-session when there is no QR code to show (otherwise it answers PNG).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QrCodeUnavailable {
    /// `null` (never started), `INITIALIZING`, `CLOSED`…
    #[serde(default)]
    pub status: Option<SessionStatus>,
    /// Why there is no QR code.
    #[serde(default)]
    pub message: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Answer of `GET /api/{secretkey}/show-all-sessions`: the stored session names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    /// Session names from the server's token store (taken as they are).
    pub response: Vec<SessionName>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /healthz`: process liveness only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Seconds since the server started.
    pub uptime: f64,
    /// `OK`.
    pub message: String,
    /// Server time in milliseconds.
    pub timestamp: crate::Millis,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_session_status_round_trips() {
        for wire in SessionStatus::KNOWN {
            let s = SessionStatus::from(*wire);
            assert!(!s.is_other());
            assert_eq!(serde_json::to_value(&s).unwrap(), Value::from(*wire));
        }
        assert_eq!(
            SessionStatus::from("DESTROYED"),
            SessionStatus::Other("DESTROYED".into())
        );
        assert!(SessionStatus::QrCodeLowercase.is_waiting_for_login());
    }

    #[test]
    fn every_status_find_round_trips() {
        for wire in StatusFind::KNOWN {
            let s = StatusFind::from(*wire);
            assert!(!s.is_other());
            assert_eq!(s.as_str(), *wire);
        }
        assert_eq!(StatusFind::from("newState").as_str(), "newState");
    }

    #[test]
    fn token_is_redacted_in_debug() {
        let t = TokenResponse {
            status: "success".into(),
            session: SessionName::from_wire("s"),
            token: "$2b$10$secret".into(),
            full: Some("s:$2b$10$secret".into()),
        };
        assert!(!format!("{t:?}").contains("secret"));
    }

    #[test]
    fn qr_code_in_both_forms() {
        let mut s = SessionState::new(SessionStatus::QrCode);
        s.qrcode = Some("data:image/png;base64,iVBOR".into());
        assert_eq!(s.qr_code_base64(), Some("iVBOR"));
        s.qrcode = Some("iVBOR".into());
        assert_eq!(s.qr_code_base64(), Some("iVBOR"));
    }
}
