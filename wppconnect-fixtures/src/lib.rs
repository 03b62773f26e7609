#![doc = include_str!("../README.md")]

/// One fixture: its name (the file name without `.json`) and its JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixture {
    /// `onmessage-text`, `send-message`, …
    pub name: &'static str,
    /// The JSON text, as in the file.
    pub text: &'static str,
}

macro_rules! fixtures {
    ($($name:literal,)+) => {
        /// Every fixture, in file-name order.
        pub const ALL: &[Fixture] = &[$(Fixture {
            name: $name,
            text: include_str!(concat!("../fixtures/", $name, ".json")),
        }),+];
    };
}

fixtures! {
    "add-participant-group",
    "all-chats",
    "check-connection-session-disconnected",
    "check-connection-session",
    "check-number-status-not-found",
    "check-number-status",
    "close-session",
    "closesession",
    "create-group",
    "delete-message",
    "error-disconnected",
    "error-file-mandatory",
    "error-number-not-exists",
    "error-send-failed",
    "error-send-voice-file-missing",
    "error-token-missing",
    "error-unauthorized-json-request",
    "error-unauthorized",
    "generate-token-wrong-secret",
    "generate-token",
    "get-messages",
    "healthz",
    "incomingcall",
    "list-chats",
    "location",
    "logout-session",
    "logoutsession",
    "onack-group-delivered",
    "onack",
    "onmessage-document",
    "onmessage-group",
    "onmessage-image-autodownload",
    "onmessage-image-s3",
    "onmessage-lid",
    "onmessage-location",
    "onmessage-ptt",
    "onmessage-quoted",
    "onmessage-sticker",
    "onmessage-text",
    "onparticipantschanged-leave",
    "onparticipantschanged",
    "onpollresponse",
    "onpresencechanged-group",
    "onpresencechanged",
    "onreactionmessage",
    "onrevokedmessage-group",
    "onrevokedmessage",
    "onselfmessage",
    "onupdatelabel",
    "phonecode",
    "profile-pic",
    "qrcode-session-not-available",
    "qrcode-session-not-started",
    "qrcode",
    "react-message",
    "send-file",
    "send-message",
    "send-text-storie",
    "show-all-sessions",
    "start-session-first-call",
    "start-session-initializing",
    "start-session-phonecode",
    "start-session-qrcode",
    "status-find-no-session",
    "status-find",
    "status-session-closed",
    "status-session-connected",
    "status-session",
    "unreadmessages",
}

/// The JSON text of the fixture `name` (`onmessage-text`), if there is one.
#[must_use]
pub const fn get(name: &str) -> Option<&'static str> {
    let mut i = 0;
    while i < ALL.len() {
        if same(ALL[i].name, name) {
            return Some(ALL[i].text);
        }
        i += 1;
    }
    None
}

/// The JSON text of the fixture `name`; usable in a `const`, where a missing fixture is a
/// compile error.
///
/// ```
/// const ACK: &str = wppconnect_fixtures::text("onack");
/// assert!(ACK.contains("\"ack\""));
/// ```
///
/// # Panics
/// When there is no fixture of that name.
#[must_use]
pub const fn text(name: &str) -> &'static str {
    match get(name) {
        Some(text) => text,
        None => panic!("no such fixture in wppconnect-fixtures"),
    }
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixture_is_named_once_and_holds_json_text() {
        let mut names: Vec<&str> = ALL.iter().map(|f| f.name).collect();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for fixture in ALL {
            let text = fixture.text.trim_start();
            assert!(
                text.starts_with('{') || text.starts_with('['),
                "{}",
                fixture.name
            );
        }
    }
}
