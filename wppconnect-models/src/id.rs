//! Identifiers: chats, messages, sessions and phone numbers.
//!
//! Every id is a newtype with `FromStr`, `Display` and `as_str()`. Parsing is **strict** on input
//! that a person or a program writes ([`str::parse`], `new`), and **lenient** on what the server
//! sends (deserialisation): a chat id with a server suffix this crate does not know parses as
//! [`ChatKind::Other`] and never fails.
//!
//! WhatsApp ids travel in two encodings (see the server's API notes, 0.9): a plain string
//! (`5511999999999@c.us`) or an object (`{"server":"c.us","user":"5511…","_serialized":"5511…@c.us"}`
//! for a chat id, `{"fromMe":true,"remote":"…","id":"3EB0…","_serialized":"true_…"}` for a message
//! id). [`ChatId`] and [`MessageId`] read both and write back the form they read; ids built in code
//! are written as plain strings. Equality and hashing look at the serialized string only.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Why an id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The input was empty.
    #[error("{what} is empty")]
    Empty {
        /// Which kind of id.
        what: &'static str,
    },
    /// A phone number that is not 7 to 15 digits starting with 1-9 (E.164: country code and
    /// national number).
    #[error("invalid phone number {input:?}: expected 7 to 15 digits (country code and number), not starting with 0, optionally after '+'")]
    Phone {
        /// The rejected input.
        input: String,
    },
    /// A session name containing a character or sequence that breaks the server's routes.
    #[error("invalid session name {input:?}: {reason}")]
    Session {
        /// The rejected input.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A chat id that is not `<user>@<server>` with a known server.
    #[error("invalid chat id {input:?}: {reason}")]
    Chat {
        /// The rejected input.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A message id that is not `<true|false>_<chat id>_<id>[_<participant>]`.
    #[error("invalid message id {input:?}: {reason}")]
    Message {
        /// The rejected input.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

// ---------------------------------------------------------------------------------------------
// Wire form shared by ChatId and MessageId

/// How an id arrived: as a plain string, or as an object whose other keys are kept.
#[derive(Debug, Clone, Default)]
enum Form {
    #[default]
    Plain,
    /// The object's keys other than `_serialized`, in the order received.
    Object(Box<Map<String, Value>>),
}

fn serialize_id<S: Serializer>(value: &str, form: &Form, serializer: S) -> Result<S::Ok, S::Error> {
    match form {
        Form::Plain => serializer.serialize_str(value),
        Form::Object(fields) => {
            let mut map = serializer.serialize_map(Some(fields.len() + 1))?;
            for (key, field) in fields.iter() {
                map.serialize_entry(key, field)?;
            }
            map.serialize_entry("_serialized", value)?;
            map.end()
        }
    }
}

/// Reads a string, or an object with `_serialized` (falling back to `build` on the other keys).
struct IdVisitor {
    what: &'static str,
    build: fn(&Map<String, Value>) -> Option<String>,
}

impl<'de> Visitor<'de> for IdVisitor {
    type Value = (String, Form);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} as a string or an object with `_serialized`",
            self.what
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((v.to_owned(), Form::Plain))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((v, Form::Plain))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut serialized = None;
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "_serialized" {
                serialized = Some(map.next_value::<String>()?);
            } else {
                let value = map.next_value::<Value>()?;
                fields.insert(key, value);
            }
        }
        let serialized = match serialized {
            Some(s) => s,
            None => (self.build)(&fields).ok_or_else(|| {
                de::Error::custom(format!("{} object without `_serialized`", self.what))
            })?,
        };
        Ok((serialized, Form::Object(Box::new(fields))))
    }
}

macro_rules! id_common {
    ($name:ident) => {
        impl $name {
            /// The serialized form, e.g. as used in routes and as a map key.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.value
            }

            /// Whether the server sent this id as an object rather than a string.
            #[must_use]
            pub fn is_object_form(&self) -> bool {
                matches!(self.form, Form::Object(_))
            }

            /// The same id, written as a plain string from now on.
            #[must_use]
            pub fn into_plain(mut self) -> Self {
                self.form = Form::Plain;
                self
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.value == other.value
            }
        }

        impl Eq for $name {}

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.value.hash(state);
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.value.cmp(&other.value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.value
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.value
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_id(&self.value, &self.form, serializer)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, IdError> {
                value.parse()
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;
            fn try_from(value: &str) -> Result<Self, IdError> {
                value.parse()
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// ChatId

/// What a [`ChatId`] names, from its server suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChatKind {
    /// A person by phone number: `5511999999999@c.us`.
    Contact,
    /// A group: `120363025746331234@g.us` (old groups: `5511…-1600000000@g.us`).
    Group,
    /// A person known only by a hidden-number id: `215589463728541@lid`.
    Lid,
    /// A channel: `…@newsletter`.
    Newsletter,
    /// The status (stories) pseudo-chat `status@broadcast`.
    Status,
    /// A broadcast list: `…@broadcast`.
    Broadcast,
    /// A suffix this version does not know; the id is kept as sent.
    Other,
}

/// A WhatsApp chat or user id (`Wid`): `<user>@<server>`.
///
/// Parse one with [`str::parse`] (strict: a known server and a well-formed user part), build one
/// with [`ChatId::contact`] or [`ChatId::group`], or deserialise one from the server (lenient: a
/// string or a `{server, user, _serialized}` object, any suffix).
///
/// ```
/// use wppconnect_models::{ChatId, ChatKind};
/// let group: ChatId = "120363025746331234@g.us".parse()?;
/// assert_eq!(group.kind(), ChatKind::Group);
/// assert_eq!(group.user(), "120363025746331234");
/// assert!("5511 9999@c.us".parse::<ChatId>().is_err());
/// # Ok::<(), wppconnect_models::IdError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChatId {
    value: String,
    form: Form,
}

id_common!(ChatId);

fn chat_kind(server: &str, user: &str) -> ChatKind {
    match server {
        "c.us" | "s.whatsapp.net" => ChatKind::Contact,
        "g.us" => ChatKind::Group,
        "lid" => ChatKind::Lid,
        "newsletter" => ChatKind::Newsletter,
        "broadcast" if user == "status" => ChatKind::Status,
        "broadcast" => ChatKind::Broadcast,
        _ => ChatKind::Other,
    }
}

impl ChatId {
    /// The status (stories) pseudo-chat, `status@broadcast`.
    #[must_use]
    pub fn status_broadcast() -> Self {
        Self::from_wire("status@broadcast")
    }

    /// The chat of a person by phone number: `<digits>@c.us`.
    #[must_use]
    pub fn contact(phone: &PhoneNumber) -> Self {
        Self::from_wire(format!("{}@c.us", phone.digits()))
    }

    /// A group id from its digits (with or without `@g.us`).
    ///
    /// # Errors
    /// [`IdError::Chat`] when the result is not a valid group id.
    pub fn group(id: &str) -> Result<Self, IdError> {
        let full = if id.ends_with("@g.us") {
            id.to_owned()
        } else {
            format!("{id}@g.us")
        };
        full.parse()
    }

    /// Takes any string the server sent, without validation.
    #[must_use]
    pub fn from_wire(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            form: Form::Plain,
        }
    }

    /// What the id names, from its suffix.
    #[must_use]
    pub fn kind(&self) -> ChatKind {
        chat_kind(self.server(), self.user())
    }

    /// The part before `@` (digits for contacts and groups), without a device suffix (`:3`).
    #[must_use]
    pub fn user(&self) -> &str {
        let user = self
            .value
            .split_once('@')
            .map_or(self.value.as_str(), |(user, _)| user);
        user.split_once(':').map_or(user, |(user, _)| user)
    }

    /// The part after `@` (`c.us`, `g.us`, `lid`, `newsletter`, `broadcast`…), or `""`.
    #[must_use]
    pub fn server(&self) -> &str {
        self.value.split_once('@').map_or("", |(_, server)| server)
    }

    /// Whether this is a group chat.
    #[must_use]
    pub fn is_group(&self) -> bool {
        self.kind() == ChatKind::Group
    }

    /// The phone number, when this is a contact id whose user part is a valid number.
    #[must_use]
    pub fn phone_number(&self) -> Option<PhoneNumber> {
        if self.kind() == ChatKind::Contact {
            PhoneNumber::from_digits(self.user())
        } else {
            None
        }
    }
}

impl FromStr for ChatId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, IdError> {
        let err = |reason| IdError::Chat {
            input: s.to_owned(),
            reason,
        };
        if s.is_empty() {
            return Err(IdError::Empty { what: "chat id" });
        }
        let (user, server) = s
            .split_once('@')
            .ok_or_else(|| err("missing '@<server>'"))?;
        if user.is_empty() {
            return Err(err("empty user part"));
        }
        let digits = |u: &str| !u.is_empty() && u.bytes().all(|b| b.is_ascii_digit());
        let ok = match chat_kind(server, user) {
            ChatKind::Contact | ChatKind::Lid | ChatKind::Newsletter => {
                // own-device ids carry a `:<device>` suffix
                let base = user.split_once(':').map_or(user, |(u, _)| u);
                digits(base)
            }
            ChatKind::Group => user.split('-').all(digits) && user.split('-').count() <= 2,
            ChatKind::Status => true,
            ChatKind::Broadcast => digits(user),
            ChatKind::Other => return Err(err("unknown server suffix")),
        };
        if !ok {
            return Err(err("user part is not digits"));
        }
        Ok(Self::from_wire(s))
    }
}

impl<'de> Deserialize<'de> for ChatId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (value, form) = deserializer.deserialize_any(IdVisitor {
            what: "chat id",
            build: |fields| {
                let user = fields.get("user")?.as_str()?;
                let server = fields.get("server")?.as_str()?;
                Some(format!("{user}@{server}"))
            },
        })?;
        Ok(Self { value, form })
    }
}

// ---------------------------------------------------------------------------------------------
// MessageId

/// Byte offsets of the parts of a serialized message id.
#[derive(Debug, Clone, Copy)]
struct MessageParts {
    from_me: bool,
    /// `value[chat_start..chat_end]` is the chat id.
    chat_start: usize,
    chat_end: usize,
    /// `value[chat_end + 1..id_end]` is the bare id; a participant follows after `_`.
    id_end: usize,
}

fn message_parts(value: &str) -> Option<MessageParts> {
    let (flag, rest) = value.split_once('_')?;
    let from_me = match flag {
        "true" => true,
        "false" => false,
        _ => return None,
    };
    let chat_start = flag.len() + 1;
    let (chat, tail) = rest.split_once('_')?;
    if chat.is_empty() || !chat.contains('@') || tail.is_empty() {
        return None;
    }
    let chat_end = chat_start + chat.len();
    // A participant is a trailing `_<id>@<server>`; the bare id itself never holds '@'.
    let id_len = match tail.rsplit_once('_') {
        Some((id, participant)) if participant.contains('@') && !id.is_empty() => id.len(),
        _ => tail.len(),
    };
    Some(MessageParts {
        from_me,
        chat_start,
        chat_end,
        id_end: chat_end + 1 + id_len,
    })
}

/// A serialized message id: `<fromMe>_<chat id>_<id>[_<participant>]`, e.g.
/// `true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281`.
///
/// Arrives as a string in `onmessage` and as a `MsgKey` object
/// `{fromMe, remote, id, participant?, _serialized}` in `onack`, reactions, polls and many REST
/// answers; this type reads both and writes back the form it read.
///
/// ```
/// use wppconnect_models::MessageId;
/// let id: MessageId = "false_120363025746331234@g.us_3A5F0C2D_5521988887777@c.us".parse()?;
/// assert_eq!(id.from_me(), Some(false));
/// assert_eq!(id.chat(), Some("120363025746331234@g.us"));
/// assert_eq!(id.id(), Some("3A5F0C2D"));
/// assert_eq!(id.participant(), Some("5521988887777@c.us"));
/// # Ok::<(), wppconnect_models::IdError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MessageId {
    value: String,
    form: Form,
    parts: Option<MessageParts>,
}

id_common!(MessageId);

impl MessageId {
    /// Takes any string the server sent, without validation; accessors return `None` when the
    /// string does not have the usual shape.
    #[must_use]
    pub fn from_wire(value: impl Into<String>) -> Self {
        let value = value.into();
        let parts = message_parts(&value);
        Self {
            value,
            form: Form::Plain,
            parts,
        }
    }

    /// Builds the serialized id from its parts.
    #[must_use]
    pub fn new(from_me: bool, chat: &ChatId, id: &str, participant: Option<&ChatId>) -> Self {
        let mut value = format!("{from_me}_{chat}_{id}");
        if let Some(participant) = participant {
            value.push('_');
            value.push_str(participant.as_str());
        }
        Self::from_wire(value)
    }

    /// Whether the message was written by this account.
    #[must_use]
    pub fn from_me(&self) -> Option<bool> {
        self.parts.map(|p| p.from_me)
    }

    /// The chat id part (`remote`).
    #[must_use]
    pub fn chat(&self) -> Option<&str> {
        self.parts.map(|p| &self.value[p.chat_start..p.chat_end])
    }

    /// The chat id part as a [`ChatId`].
    #[must_use]
    pub fn chat_id(&self) -> Option<ChatId> {
        self.chat().map(ChatId::from_wire)
    }

    /// The bare id (`3EB0…`).
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.parts.map(|p| &self.value[p.chat_end + 1..p.id_end])
    }

    /// The group participant who wrote the message, when present.
    #[must_use]
    pub fn participant(&self) -> Option<&str> {
        let p = self.parts?;
        self.value.get(p.id_end + 1..).filter(|s| !s.is_empty())
    }
}

impl FromStr for MessageId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, IdError> {
        let err = |reason| IdError::Message {
            input: s.to_owned(),
            reason,
        };
        if s.is_empty() {
            return Err(IdError::Empty { what: "message id" });
        }
        if s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/')
        {
            return Err(err("contains whitespace, a control character or '/'"));
        }
        let id = Self::from_wire(s);
        let (Some(chat), Some(bare)) = (id.chat(), id.id()) else {
            return Err(err("expected <true|false>_<chat id>_<id>[_<participant>]"));
        };
        chat.parse::<ChatId>()
            .map_err(|_| err("the chat part is not a valid chat id"))?;
        if !bare.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err("the id part is not alphanumeric"));
        }
        Ok(id)
    }
}

impl<'de> Deserialize<'de> for MessageId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (value, form) = deserializer.deserialize_any(IdVisitor {
            what: "message id",
            build: |fields| {
                let from_me = fields.get("fromMe")?.as_bool()?;
                let remote = match fields.get("remote")? {
                    Value::String(s) => s.clone(),
                    Value::Object(o) => o.get("_serialized")?.as_str()?.to_owned(),
                    _ => return None,
                };
                let id = fields.get("id")?.as_str()?;
                let mut out = format!("{from_me}_{remote}_{id}");
                if let Some(p) = fields.get("participant").and_then(Value::as_str) {
                    out.push('_');
                    out.push_str(p);
                }
                Some(out)
            },
        })?;
        let parts = message_parts(&value);
        Ok(Self { value, form, parts })
    }
}

// ---------------------------------------------------------------------------------------------
// SessionName

/// Characters percent-encoded in a path segment: everything but `A-Z a-z 0-9 - _ . ~`.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The name of a WPPConnect session (one WhatsApp account on the server).
///
/// # The rule
///
/// [`SessionName::new`], [`str::parse`] and `TryFrom<String>` accept a name when **all** of these
/// hold, and refuse it with [`IdError::Empty`] or [`IdError::Session`] (which says why) otherwise:
///
/// 1. It is 1 to [`SessionName::MAX_LEN`] (48) **bytes** of UTF-8.
/// 2. Every character is a letter or digit (Unicode alphanumeric, so `ção` is fine), `-`, `_` or
///    `.`.
/// 3. It starts with a letter or digit, and does not end with `.`.
/// 4. It is not a Windows device name (`con`, `prn`, `aux`, `nul`, `com0`–`com9`, `lpt0`–`lpt9`,
///    any case, alone or before a `.`).
/// 5. It is not the name of a property of every JavaScript array or object (`length`,
///    `constructor`, `map`, `toString`, `__proto__`…).
///
/// # Why
///
/// The name travels in three places, and each sets limits:
///
/// - **The URL path** (`/api/{session}/…`). The name must stay exactly one path segment after any
///   URL normalisation, so that `/api/{session}/{secretkey}/generate-token` can never become
///   `/api/{secretkey}/generate-token` (a server answering `Cannot POST /api/<SECRET_KEY>/…`
///   leaks the key). Character by character:
///   - `/` and `\` separate segments (`\` in WHATWG URL parsers and on Windows): refused.
///   - `.` and `..` are dot segments, removed by normalisation (the `url` crate even drops them
///     silently when pushing a segment): refused by rules 2–3 (a name may hold a `.`, never start
///     or end with one, so it is never all dots).
///   - `%` is refused: a name such as `%2e%2e` or `%2F` is percent-encoded once by the client
///     (`%252e%252e`) and is harmless to a server that decodes once, but any layer that decodes
///     twice (a proxy, a backend that forwards a decoded path) would see `..` or `/`.
///   - `;` is refused: Java-style servers and some proxies cut `;…` off a segment as a path
///     parameter.
///   - `?` and `#` end the path: the client percent-encodes them, but they are refused so that a
///     name can be pasted into a URL by hand, or logged, without changing its meaning.
///   - Spaces, control characters (C0, C1, including CR, LF, NUL, DEL) and invisible format
///     characters (bidirectional overrides, zero-width spaces) are refused: they split log
///     lines, make two names look alike, or are stripped by the server (see below).
///   - Every other character is refused too (rule 2 is a list of what is allowed), so no
///     character whose meaning in a URL is unknown today can slip in.
/// - **The server's file system.** WPPConnect Server 2.10.4 keeps each session in a token file
///   `tokens/<sanitize(name)>.data.json` and a browser profile folder `userDataDir/<name>`.
///   `sanitize` (the `sanitize-filename` package) strips `/ ? < > \ : * | "` and control
///   characters, trailing dots and spaces, all-dot names and Windows device names, so two
///   names that differ only there share one token file, and a name like `../x` put the browser
///   profile outside its folder while its token was stored as `..x` (a second session appeared
///   after a restart). Rules 2–4 make `sanitize` a no-op on every accepted name. A file name is
///   at most 255 bytes; the token file adds 10 bytes (`.data.json`), so 245 bytes is the hard
///   limit, well above ours.
/// - **The server's token.** The token is `bcrypt(name + SECRET_KEY)`, and bcrypt reads only
///   the first 72 bytes: with a long name the secret key stops counting, and a name of 72 bytes
///   or more gets a token that anyone can compute without the key. [`SessionName::MAX_LEN`] (48
///   bytes) keeps at least 24 bytes of the key in every hash, and fits a UUID (36) with a
///   prefix.
/// - **The server's session table**, a JavaScript array indexed by name: a name such as
///   `__proto__`, `length` or `map` finds a property of every array instead of a session, and
///   starting it can break the server for every session (rule 5; `_`-prefixed names are
///   already refused by rule 3).
///
/// [`SessionName::from_wire`] and deserialisation take any string the server sends, without
/// this rule: **never** put such a name in a URL, a file name or a log line meant for people
/// without validating it again (`SessionName::new(wire.as_str())`).
///
/// ```
/// use wppconnect_models::SessionName;
/// let name: SessionName = "loja-centro".parse()?;
/// assert_eq!(name.as_str(), "loja-centro");
/// assert_eq!("ção".parse::<SessionName>()?.path_segment(), "%C3%A7%C3%A3o");
/// for bad in ["", ".", "..", "a/b", "a\\b", "a:b", "%2e%2e", "a;b", "a b", " ", "a\nb", "con", "__proto__"] {
///     assert!(bad.parse::<SessionName>().is_err(), "{bad:?}");
/// }
/// assert!("a".repeat(SessionName::MAX_LEN + 1).parse::<SessionName>().is_err());
/// # Ok::<(), wppconnect_models::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SessionName(String);

/// Names of properties that every JavaScript array has (own, `Array.prototype` and
/// `Object.prototype`), except those starting with `_`, which rule 3 already refuses.
const JS_ARRAY_PROPERTIES: &[&str] = &[
    "at",
    "concat",
    "constructor",
    "copyWithin",
    "entries",
    "every",
    "fill",
    "filter",
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "flat",
    "flatMap",
    "forEach",
    "hasOwnProperty",
    "includes",
    "indexOf",
    "isPrototypeOf",
    "join",
    "keys",
    "lastIndexOf",
    "length",
    "map",
    "pop",
    "propertyIsEnumerable",
    "push",
    "reduce",
    "reduceRight",
    "reverse",
    "shift",
    "slice",
    "some",
    "sort",
    "splice",
    "toLocaleString",
    "toReversed",
    "toSorted",
    "toSpliced",
    "toString",
    "unshift",
    "valueOf",
    "values",
    "with",
];

/// Whether `name` is a Windows device name, alone or before an extension (`con`, `COM1.txt`).
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    match stem.as_bytes() {
        b"con" | b"prn" | b"aux" | b"nul" => true,
        [b'c', b'o', b'm', d] | [b'l', b'p', b't', d] => d.is_ascii_digit(),
        _ => false,
    }
}

/// Why `name` breaks the session-name rule, if it does.
fn session_name_problem(name: &str) -> Option<&'static str> {
    if name.len() > SessionName::MAX_LEN {
        return Some(
            "longer than 48 bytes (the server's bcrypt reads only 72 bytes of name + secret key)",
        );
    }
    if name.chars().all(char::is_whitespace) {
        return Some("only whitespace");
    }
    if name.chars().all(|c| c == '.') {
        return Some("'.' and '..' are dot segments that URL normalisation removes");
    }
    if let Some(bad) = name
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(match bad {
            '/' | '\\' => "contains '/' or '\\' (a path separator)",
            ':' => "contains ':' (the server splits session:token on it)",
            '%' => "contains '%' (a layer that decodes twice would see another name)",
            ';' | '?' | '#' => "contains ';', '?' or '#' (they end a URL path segment)",
            c if c.is_whitespace() => "contains whitespace",
            c if c.is_control() => "contains a control character",
            _ => "contains a character other than letters, digits, '-', '_' and '.'",
        });
    }
    if !name.chars().next().is_some_and(char::is_alphanumeric) {
        return Some("does not start with a letter or digit");
    }
    if name.ends_with('.') {
        return Some("ends with '.' (the server's file names drop it)");
    }
    if is_windows_device(name) {
        return Some("is a Windows device name (the server's file names drop it)");
    }
    if JS_ARRAY_PROPERTIES.contains(&name) {
        return Some("is a property of every JavaScript array (the server's session table)");
    }
    None
}

impl SessionName {
    /// The longest accepted name, in bytes of UTF-8 (see [the rule](SessionName#the-rule)).
    pub const MAX_LEN: usize = 48;

    /// Validates a session name (same as [`str::parse`]) against [the rule](SessionName#the-rule).
    ///
    /// # Errors
    /// [`IdError::Empty`] or [`IdError::Session`].
    pub fn new(name: impl Into<String>) -> Result<Self, IdError> {
        let name = name.into();
        if name.is_empty() {
            return Err(IdError::Empty {
                what: "session name",
            });
        }
        match session_name_problem(&name) {
            Some(reason) => Err(IdError::Session {
                input: name,
                reason,
            }),
            None => Ok(Self(name)),
        }
    }

    /// Takes a name the server sent, without validation (deserialisation does the same).
    ///
    /// For wire input only: such a name may be `..`, hold `/` or a line break. It must **not** be
    /// used to build a URL, a file name or a store key, nor be logged for people, before it is
    /// checked with [`SessionName::new`].
    #[must_use]
    pub fn from_wire(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name percent-encoded for use as one URL path segment: everything but ASCII letters,
    /// digits, `-`, `_`, `.` and `~` is encoded. For a name that passed [`SessionName::new`] this
    /// is the same text the `url` crate's `path_segments_mut().push()` writes.
    #[must_use]
    pub fn path_segment(&self) -> String {
        utf8_percent_encode(&self.0, PATH_SEGMENT).to_string()
    }
}

impl FromStr for SessionName {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::new(s)
    }
}

impl TryFrom<String> for SessionName {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, IdError> {
        Self::new(value)
    }
}

impl TryFrom<&str> for SessionName {
    type Error = IdError;
    fn try_from(value: &str) -> Result<Self, IdError> {
        Self::new(value)
    }
}

impl From<SessionName> for String {
    fn from(value: SessionName) -> Self {
        value.0
    }
}

impl fmt::Display for SessionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for SessionName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SessionName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

// ---------------------------------------------------------------------------------------------
// PhoneNumber

/// A phone number in E.164 form, stored as its digits (no `+`).
///
/// A person may type `+`, spaces, dashes, dots and parentheses; what remains must be
/// [`PhoneNumber::MIN_DIGITS`] (7) to [`PhoneNumber::MAX_DIGITS`] (15) digits, not starting with
/// `0`: the country code followed by the national number.
///
/// The bounds are those of real numbers. ITU-T E.164 caps a number at 15 digits. The shortest
/// numbers in service have 7: a 3-digit country code and a 4-digit subscriber number (Niue
/// `+683 4002`, Tokelau `+690 3101`); no country has a shorter one. So a country code alone
/// (`55`, `+55`), or a country code and an area code (`+55 11`), is refused: a program given
/// `+55 11 99999-9999` split on spaces must not send to the number `55`.
///
/// ```
/// use wppconnect_models::PhoneNumber;
/// let phone: PhoneNumber = "+55 (11) 98888-7777".parse()?;
/// assert_eq!(phone.digits(), "5511988887777");
/// assert_eq!(phone.e164(), "+5511988887777");
/// assert!("0800 123".parse::<PhoneNumber>().is_err());
/// # Ok::<(), wppconnect_models::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// The fewest digits of a real number (country code included).
    pub const MIN_DIGITS: usize = 7;
    /// The most digits E.164 allows (country code included).
    pub const MAX_DIGITS: usize = 15;

    /// Validates a number typed by a person (same as [`str::parse`]).
    ///
    /// # Errors
    /// [`IdError::Empty`] or [`IdError::Phone`].
    pub fn new(input: &str) -> Result<Self, IdError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(IdError::Empty {
                what: "phone number",
            });
        }
        let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
        let mut digits = String::with_capacity(body.len());
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(IdError::Phone {
                        input: input.to_owned(),
                    })
                }
            }
        }
        Self::from_digits(&digits).ok_or_else(|| IdError::Phone {
            input: input.to_owned(),
        })
    }

    fn from_digits(digits: &str) -> Option<Self> {
        let valid = (Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        valid.then(|| Self(digits.to_owned()))
    }

    /// The digits, as the server's `phone` fields expect them.
    #[must_use]
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `+` and the digits.
    #[must_use]
    pub fn e164(&self) -> String {
        format!("+{}", self.0)
    }

    /// The contact chat id `<digits>@c.us`.
    #[must_use]
    pub fn to_chat_id(&self) -> ChatId {
        ChatId::contact(self)
    }
}

impl FromStr for PhoneNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::new(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, IdError> {
        Self::new(&value)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = IdError;
    fn try_from(value: &str) -> Result<Self, IdError> {
        Self::new(value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::new(&s).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chat_ids_parse_strictly() {
        let table = [
            ("5511999999999@c.us", ChatKind::Contact),
            ("120363025746331234@g.us", ChatKind::Group),
            ("5511999999999-1600000000@g.us", ChatKind::Group),
            ("215589463728541@lid", ChatKind::Lid),
            ("120363099999999999@newsletter", ChatKind::Newsletter),
            ("status@broadcast", ChatKind::Status),
            ("1700000000@broadcast", ChatKind::Broadcast),
            ("5511900000001:3@c.us", ChatKind::Contact),
        ];
        for (input, kind) in table {
            let id: ChatId = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.kind(), kind, "{input}");
            assert_eq!(id.as_str(), input);
            assert_eq!(id.to_string(), input);
        }
        for bad in [
            "",
            "5511999999999",
            "@c.us",
            "55 11@c.us",
            "abc@c.us",
            "1@x.y",
            "a-b-c@g.us",
            "12@",
        ] {
            assert!(bad.parse::<ChatId>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn chat_ids_from_the_server_are_lenient_and_keep_their_form() {
        let id: ChatId = serde_json::from_value(json!("123@future.server")).unwrap();
        assert_eq!(id.kind(), ChatKind::Other);
        let obj =
            json!({"server": "c.us", "user": "5511999999999", "_serialized": "5511999999999@c.us"});
        let id: ChatId = serde_json::from_value(obj.clone()).unwrap();
        assert!(id.is_object_form());
        assert_eq!(id.user(), "5511999999999");
        assert_eq!(serde_json::to_value(&id).unwrap(), obj);
        assert_eq!(id, ChatId::from_wire("5511999999999@c.us"));
        let no_serialized: ChatId =
            serde_json::from_value(json!({"server": "g.us", "user": "1"})).unwrap();
        assert_eq!(no_serialized.as_str(), "1@g.us");
        assert!(serde_json::from_value::<ChatId>(json!({"x": 1})).is_err());
        assert!(serde_json::from_value::<ChatId>(json!(12)).is_err());
    }

    #[test]
    fn message_ids_split_into_parts() {
        let id: MessageId = "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281"
            .parse()
            .unwrap();
        assert_eq!(id.from_me(), Some(true));
        assert_eq!(id.chat(), Some("5511999999999@c.us"));
        assert_eq!(id.id(), Some("3EB0A9F8E7D6C5B4A39281"));
        assert_eq!(id.participant(), None);
        let group: MessageId =
            "false_120363025746331234@g.us_3A5F0C2D9B8E7A6F5E4D_5521988887777@c.us"
                .parse()
                .unwrap();
        assert_eq!(group.participant(), Some("5521988887777@c.us"));
        assert_eq!(group.id(), Some("3A5F0C2D9B8E7A6F5E4D"));
        let built = MessageId::new(
            false,
            &ChatId::from_wire("120363025746331234@g.us"),
            "3A5F0C2D9B8E7A6F5E4D",
            Some(&ChatId::from_wire("5521988887777@c.us")),
        );
        assert_eq!(built, group);
        for bad in [
            "",
            "3EB0",
            "maybe_5511@c.us_3EB0",
            "true_5511@c.us_",
            "true_nochat_3EB0",
            "true_5511@c.us_3E B0",
        ] {
            assert!(
                bad.parse::<MessageId>().is_err(),
                "{bad:?} should be refused"
            );
        }
        let odd = MessageId::from_wire("whatever");
        assert_eq!(odd.chat(), None);
        assert_eq!(odd.as_str(), "whatever");
    }

    #[test]
    fn message_id_objects_round_trip() {
        let obj = json!({
            "fromMe": true, "remote": "120363025746331234@g.us", "id": "3EB0D1",
            "participant": "5511900000001@c.us",
            "_serialized": "true_120363025746331234@g.us_3EB0D1_5511900000001@c.us"
        });
        let id: MessageId = serde_json::from_value(obj.clone()).unwrap();
        assert_eq!(id.participant(), Some("5511900000001@c.us"));
        assert_eq!(serde_json::to_value(&id).unwrap(), obj);
        let plain: MessageId = serde_json::from_value(json!(
            "true_120363025746331234@g.us_3EB0D1_5511900000001@c.us"
        ))
        .unwrap();
        assert_eq!(plain, id);
        assert_eq!(serde_json::to_value(&plain).unwrap(), json!(plain.as_str()));
        let built: MessageId =
            serde_json::from_value(json!({"fromMe": false, "remote": "1@c.us", "id": "AB"}))
                .unwrap();
        assert_eq!(built.as_str(), "false_1@c.us_AB");
    }

    #[test]
    fn session_names_follow_one_rule() {
        let longest = "a".repeat(SessionName::MAX_LEN);
        let longest_unicode = "ç".repeat(SessionName::MAX_LEN / 2);
        for good in [
            "NERDWHATS_AMERICA",
            "loja-centro",
            "ção",
            "a.b",
            "main",
            "9",
            "a_",
            "a-",
            "v1.2.3",
            "3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a1b",
            "Map",
            "mapa",
            "com10",
            "console",
            longest.as_str(),
            longest_unicode.as_str(),
        ] {
            let name = SessionName::new(good).unwrap_or_else(|e| panic!("{good:?}: {e}"));
            assert_eq!(name.as_str(), good);
            assert_eq!(good.parse::<SessionName>().unwrap(), name);
            assert_eq!(SessionName::try_from(good.to_owned()).unwrap(), name);
        }
        let too_long = "a".repeat(SessionName::MAX_LEN + 1);
        let too_long_unicode = format!("{}a", "ç".repeat(SessionName::MAX_LEN / 2));
        for bad in [
            "",
            ".",
            "..",
            "...",
            ".x",
            "x.",
            "a/b",
            "/",
            "a\\b",
            "a:b",
            "../x",
            "..%2Fx",
            "%2E",
            "%2e%2e",
            "a%b",
            "a;b",
            "a?b",
            "a#b",
            "a b",
            " ",
            "   ",
            "\t",
            "a\tb",
            "a\u{0}b",
            "a\nb",
            "a\rb",
            "a\u{7f}",
            "a\u{85}b",
            "a\u{202e}b",
            "a\u{200b}b",
            "-x",
            "--help",
            "_x",
            "__proto__",
            "constructor",
            "length",
            "map",
            "toString",
            "con",
            "CON",
            "nul.txt",
            "com1",
            "LPT9",
            "a*b",
            "a<b",
            "a\"b",
            "a|b",
            "a@b",
            too_long.as_str(),
            too_long_unicode.as_str(),
        ] {
            assert!(SessionName::new(bad).is_err(), "{bad:?} should be refused");
            assert!(bad.parse::<SessionName>().is_err(), "{bad:?}");
            assert!(SessionName::try_from(bad.to_owned()).is_err(), "{bad:?}");
        }
        assert!(matches!(SessionName::new(""), Err(IdError::Empty { .. })));
        let err = SessionName::new(".").unwrap_err().to_string();
        assert!(err.contains("dot segment"), "{err}");
        // wire input stays lenient
        let wire: SessionName = serde_json::from_value(json!("")).unwrap();
        assert_eq!(wire.as_str(), "");
        assert_eq!(SessionName::from_wire("..").as_str(), "..");
    }

    #[test]
    fn phone_numbers_accept_what_people_type() {
        let table = [
            ("+55 11 98888-7777", "5511988887777"),
            ("(11) 98888.7777", "11988887777"),
            ("5511999999999", "5511999999999"),
            ("+683 4002", "6834002"),
            ("123456789012345", "123456789012345"),
        ];
        for (input, digits) in table {
            assert_eq!(PhoneNumber::new(input).unwrap().digits(), digits, "{input}");
        }
        for bad in [
            "",
            "+",
            "0123",
            "1",
            "12",
            "55",
            "+55",
            "+55 11",
            "551199",
            "1234567890123456",
            "55 11 abc",
            "+55+11",
            "5511@c.us",
        ] {
            assert!(PhoneNumber::new(bad).is_err(), "{bad:?}");
        }
        let phone = PhoneNumber::new("5511999999999").unwrap();
        assert_eq!(phone.to_chat_id().as_str(), "5511999999999@c.us");
        assert_eq!(
            ChatId::from_wire("5511999999999@c.us").phone_number(),
            Some(phone)
        );
    }
}
