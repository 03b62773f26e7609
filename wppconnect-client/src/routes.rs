//! The route table: every route of WPPConnect Server 2.10.4, written once.
//!
//! One line per route of the server's `src/routes/index.ts` (156 routes): a constant name, the
//! HTTP method, the path template exactly as the server declares it, the [`Retry`] class, the
//! server's [`Area`] (its Swagger tag) and the typed methods of this crate that cover it. The
//! typed methods build their requests from these constants ([`SEND_MESSAGE`], [`GROUP_INFO`], …),
//! so a route's method, path and retry safety are spelled in this file only; the escape hatch
//! ([`Session::request`](crate::Session::request), [`Client::request`](crate::Client::request))
//! applies the table's retry class to any path that matches a route.
//!
//! ```
//! use wppconnect_client::routes::{self, HttpMethod, Retry};
//! assert_eq!(routes::GROUP_INFO.path(), "/api/:session/group-info/:groupId");
//! assert_eq!(routes::GROUP_INFO.label(), "GET /api/{session}/group-info/{groupId}");
//! assert_eq!(routes::SEND_MESSAGE.retry(), Retry::Never);
//! let route = routes::find(HttpMethod::Put, "/api/:session/delete-label/:id").unwrap();
//! assert_eq!(route.name(), "DELETE_LABEL");
//! assert_eq!(routes::ALL.len(), 156);
//! ```
//!
//! **Retry classes** were decided from each route's controller: [`Retry::Safe`] for reads and
//! for operations that set a state to a given value (repeating them leaves the same state and
//! sends nothing: `send-seen`, `typing`, `archive-chat`, `block-contact`, …); [`Retry::Never`] for
//! anything that sends, creates, edits, deletes, posts a notice in a chat or acts once
//! (`send-*`, `react-message`, `forward-messages`, `create-group`, `group-subject`,
//! `clear-chat`, `delete-label`, `restore-sessions`, …). Two GET routes are `Never`:
//! `group-revoke-link` (revokes the invite link) and `unhealthy` (stops the server).
//!
//! **Coverage**: [`Coverage::Typed`] means the request and the answer are typed (no
//! `serde_json::Value`) and a wiremock test covers the method; [`Coverage::Partial`] says what is
//! missing; [`Coverage::EscapeHatch`] routes have no typed method yet. `docs/api-coverage.md` is
//! rendered from this table by [`coverage_markdown`] and checked by a test.

use std::fmt;

use crate::client::Call;
use crate::error::{Error, Result};

/// An HTTP method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method as the server's route list writes it (`GET`, `POST`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<HttpMethod> for reqwest::Method {
    fn from(method: HttpMethod) -> Self {
        match method {
            HttpMethod::Get => Self::GET,
            HttpMethod::Post => Self::POST,
            HttpMethod::Put => Self::PUT,
            HttpMethod::Delete => Self::DELETE,
        }
    }
}

/// Whether the client may repeat a call of a route by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Retry {
    /// Repeating it is harmless: reads, and operations that set a state to a given value.
    /// Retried on transport errors, timeouts, 5xx and 429 (see [`RetryPolicy`](crate::RetryPolicy)).
    Safe,
    /// It may send, create or change something twice: repeated only when the request certainly
    /// never reached the server (connection refused). A retry must never make WhatsApp deliver a
    /// message twice.
    Never,
}

impl Retry {
    /// `safe` or `never`, as in the coverage doc.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Never => "never",
        }
    }

    /// Whether the route is [`Retry::Safe`].
    #[must_use]
    pub const fn is_safe(self) -> bool {
        matches!(self, Self::Safe)
    }
}

/// The server's area of a route: its Swagger tag (`src/swagger.json`).
///
/// Five routes carry no tag there: `all-contacts` is filed under [`Area::Contact`], the four
/// newsletter routes under [`Area::Newsletter`] and `/api-docs` under [`Area::Misc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Area {
    /// `Auth`: tokens and the session lifecycle.
    Auth,
    /// `Messages`.
    Messages,
    /// `Chat`.
    Chat,
    /// `Contact`.
    Contact,
    /// `Group`.
    Group,
    /// `Profile`.
    Profile,
    /// `Status Stories`.
    StatusStories,
    /// `Labels`.
    Labels,
    /// `Catalog & Bussiness` (the server's spelling).
    CatalogBusiness,
    /// Newsletters (channels); untagged in the server's Swagger file.
    Newsletter,
    /// `Community`.
    Community,
    /// `Misc`: health, admin and everything else.
    Misc,
}

impl Area {
    /// Every area, in the order of the coverage doc.
    pub const ALL: &'static [Area] = &[
        Self::Auth,
        Self::Messages,
        Self::Chat,
        Self::Contact,
        Self::Group,
        Self::Profile,
        Self::StatusStories,
        Self::Labels,
        Self::CatalogBusiness,
        Self::Newsletter,
        Self::Community,
        Self::Misc,
    ];

    /// The tag as the server's Swagger file writes it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "Auth",
            Self::Messages => "Messages",
            Self::Chat => "Chat",
            Self::Contact => "Contact",
            Self::Group => "Group",
            Self::Profile => "Profile",
            Self::StatusStories => "Status Stories",
            Self::Labels => "Labels",
            Self::CatalogBusiness => "Catalog & Bussiness",
            Self::Newsletter => "Newsletter",
            Self::Community => "Community",
            Self::Misc => "Misc",
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far this crate covers a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Coverage {
    /// A typed method: typed request and answer, covered by a wiremock test.
    Typed,
    /// A method exists but is not fully typed or not tested; says what is missing.
    Partial(&'static str),
    /// No typed method: reachable through the escape hatch only.
    EscapeHatch,
}

/// Who may call a route, read from its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Auth {
    /// `/api/:session/…`: a bearer token of the session (minted by the client when needed).
    Token,
    /// The secret key is a path segment (`:secretkey`); no token.
    SecretKey,
    /// Outside `/api` (`/healthz`, `/metrics`…): nothing.
    None,
}

/// One route of the server. All of them are in [`ALL`]; each has a constant ([`SEND_MESSAGE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    name: &'static str,
    method: HttpMethod,
    path: &'static str,
    label: &'static str,
    retry: Retry,
    area: Area,
    coverage: Coverage,
    methods: &'static [&'static str],
}

impl Route {
    /// The constant's name (`GROUP_INFO`).
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The HTTP method.
    #[must_use]
    pub const fn method(&self) -> HttpMethod {
        self.method
    }

    /// The path template exactly as the server declares it (`/api/:session/group-info/:groupId`).
    #[must_use]
    pub const fn path(&self) -> &'static str {
        self.path
    }

    /// Method and path with `{param}` placeholders (`GET /api/{session}/group-info/{groupId}`):
    /// the name of the route in errors and in the `route` field of the tracing spans.
    #[must_use]
    pub const fn label(&self) -> &'static str {
        self.label
    }

    /// Whether the client may repeat it.
    #[must_use]
    pub const fn retry(&self) -> Retry {
        self.retry
    }

    /// The server's area (Swagger tag).
    #[must_use]
    pub const fn area(&self) -> Area {
        self.area
    }

    /// How far this crate covers it.
    #[must_use]
    pub const fn coverage(&self) -> Coverage {
        self.coverage
    }

    /// The methods of this crate that call it (`Session::group_info`); empty for routes reached
    /// through the escape hatch only.
    #[must_use]
    pub const fn methods(&self) -> &'static [&'static str] {
        self.methods
    }

    /// Who may call it.
    #[must_use]
    pub fn auth(&self) -> Auth {
        if self.path.contains("/:secretkey") {
            Auth::SecretKey
        } else if self.path.starts_with("/api/:session/") {
            Auth::Token
        } else {
            Auth::None
        }
    }

    /// The names of the path parameters, in order (`["session", "groupId"]`).
    pub fn params(&self) -> impl Iterator<Item = &'static str> {
        self.path.split('/').filter_map(|s| s.strip_prefix(':'))
    }

    /// The last literal segment (`group-info`): the server's name of the operation.
    pub(crate) fn slug(&self) -> &'static str {
        self.segments()
            .filter(|s| !s.starts_with(':'))
            .last()
            .unwrap_or(self.path)
    }

    /// The path segments after `/api` for a call: `:session` and `:secretkey` filled in from
    /// `session` and `secret`, the other parameters from `args` in order.
    pub(crate) fn fill(
        &self,
        session: Option<&str>,
        secret: Option<&str>,
        args: &[&str],
    ) -> Result<Vec<String>> {
        let mut args = args.iter();
        let mut out = Vec::new();
        for segment in self
            .segments()
            .skip(usize::from(self.path.starts_with("/api/")))
        {
            let value = match segment {
                ":session" => session
                    .ok_or_else(|| Error::invalid(format!("{} needs a session", self.label)))?,
                ":secretkey" => secret.ok_or(Error::MissingSecretKey)?,
                param if param.starts_with(':') => *args.next().ok_or_else(|| {
                    Error::invalid(format!("{} needs its {param} argument", self.label))
                })?,
                literal => literal,
            };
            out.push(value.to_owned());
        }
        if args.next().is_some() {
            return Err(Error::invalid(format!(
                "{} was given too many arguments",
                self.label
            )));
        }
        Ok(out)
    }

    /// The path segments, without the leading `/` (`["api", ":session", "group-info", ":groupId"]`).
    pub(crate) fn segments(&self) -> impl Iterator<Item = &'static str> {
        self.path.split('/').filter(|s| !s.is_empty())
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The route with this method and path template (`:param` or `{param}` placeholders, the names
/// must match), if the server has one.
#[must_use]
pub fn find(method: HttpMethod, path: &str) -> Option<&'static Route> {
    let wanted: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    ALL.iter().find(|route| {
        route.method == method
            && route.segments().count() == wanted.len()
            && route.segments().zip(&wanted).all(|(template, given)| {
                match template.strip_prefix(':') {
                    Some(name) => {
                        given.strip_prefix(':') == Some(name)
                            || given.strip_prefix('{').and_then(|g| g.strip_suffix('}'))
                                == Some(name)
                    }
                    None => template == *given,
                }
            })
    })
}

impl Call {
    /// A call of `route` with its path parameters: the route's method, its label for errors
    /// and spans, and its retry class.
    pub(crate) fn to(
        route: &'static Route,
        session: Option<&str>,
        secret: Option<&str>,
        args: &[&str],
    ) -> Result<Self> {
        let mut call = Self::new(route.method.into(), route.label)
            .segments(route.fill(session, secret, args)?);
        call.idempotent = route.retry.is_safe();
        call.under_api = route.path.starts_with("/api/");
        Ok(call)
    }
}

/// One segment of a concrete request path, for [`matching`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment<'a> {
    /// A literal segment.
    Literal(&'a str),
    /// The session name.
    Session,
    /// The secret key.
    SecretKey,
}

/// The route a concrete request path belongs to: literals must be equal, `:session` and
/// `:secretkey` must be the session and the secret key, other parameters take any literal.
/// Among several candidates the one with the most literal segments wins.
pub(crate) fn matching(method: HttpMethod, segments: &[Segment<'_>]) -> Option<&'static Route> {
    ALL.iter()
        .filter(|route| route.method == method && route.segments().count() == segments.len())
        .filter(|route| {
            route
                .segments()
                .zip(segments)
                .all(|(template, given)| match (template, given) {
                    (":session", Segment::Session) | (":secretkey", Segment::SecretKey) => true,
                    (":session" | ":secretkey", _) => false,
                    // a parameter takes any text, the session's own name included
                    (t, Segment::Literal(_) | Segment::Session) if t.starts_with(':') => true,
                    (t, Segment::Literal(g)) => t == *g,
                    _ => false,
                })
        })
        .max_by_key(|route| route.segments().filter(|s| !s.starts_with(':')).count())
}

/// Length of a route label with `{param}` placeholders.
const fn braced_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut len = bytes.len();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b':' && bytes[i - 1] == b'/' {
            len += 1;
        }
        i += 1;
    }
    len
}

/// `text` with each `/:param` segment written `/{param}`.
const fn braced<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut j) = (0, 0);
    let mut open = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b':' && i > 0 && bytes[i - 1] == b'/' {
            out[j] = b'{';
            open = true;
        } else if c == b'/' && open {
            out[j] = b'}';
            j += 1;
            out[j] = b'/';
            open = false;
        } else {
            out[j] = c;
        }
        i += 1;
        j += 1;
    }
    if open {
        out[j] = b'}';
    }
    out
}

macro_rules! label {
    ($method:ident, $path:literal) => {{
        const TEXT: &str = concat!(stringify!($method), " ", $path);
        const BYTES: [u8; braced_len(TEXT)] = braced::<{ braced_len(TEXT) }>(TEXT);
        match std::str::from_utf8(&BYTES) {
            Ok(label) => label,
            Err(_) => panic!("a route label is not UTF-8"),
        }
    }};
}

macro_rules! http_method {
    (GET) => {
        HttpMethod::Get
    };
    (POST) => {
        HttpMethod::Post
    };
    (PUT) => {
        HttpMethod::Put
    };
    (DELETE) => {
        HttpMethod::Delete
    };
}

macro_rules! coverage {
    (typed) => {
        Coverage::Typed
    };
    (partial($why:literal)) => {
        Coverage::Partial($why)
    };
    (none) => {
        Coverage::EscapeHatch
    };
}

macro_rules! routes {
    ($( $name:ident = $method:ident $path:literal, $retry:ident, $area:ident,
        $cov:ident $(($why:literal))? [$($typed:literal),*]; )+) => {
        $(
            #[doc = concat!("`", stringify!($method), " ", $path, "` (", stringify!($area),
                ", retry: ", stringify!($retry), ").")]
            pub const $name: Route = Route {
                name: stringify!($name),
                method: http_method!($method),
                path: $path,
                label: label!($method, $path),
                retry: Retry::$retry,
                area: Area::$area,
                coverage: coverage!($cov $(($why))?),
                methods: &[$($typed),*],
            };
        )+

        /// Every route of the server, in the order of its `src/routes/index.ts`.
        pub static ALL: &[Route] = &[$($name),+];
    };
}

routes! {
    GENERATE_TOKEN = POST "/api/:session/:secretkey/generate-token", Safe, Auth, typed ["Session::generate_token", "WppApi::generate_token", "WppServerApi::generate_token"];
    SHOW_ALL_SESSIONS = GET "/api/:secretkey/show-all-sessions", Safe, Auth, typed ["Client::show_all_sessions", "WppServerApi::show_all_sessions"];
    START_ALL = POST "/api/:secretkey/start-all", Never, Auth, typed ["Client::start_all", "WppServerApi::start_all"];
    CHECK_CONNECTION_SESSION = GET "/api/:session/check-connection-session", Safe, Auth, typed ["Session::check_connection", "WppApi::check_connection"];
    GET_MEDIA_BY_MESSAGE = GET "/api/:session/get-media-by-message/:messageId", Safe, Messages, typed ["Session::get_media_by_message", "Session::save_media", "WppApi::get_media_by_message"];
    GET_PLATFORM_FROM_MESSAGE = GET "/api/:session/get-platform-from-message/:messageId", Safe, Misc, typed ["Session::get_platform_from_message", "WppApi::get_platform_from_message"];
    QRCODE_SESSION = GET "/api/:session/qrcode-session", Safe, Auth, typed ["Session::qrcode", "WppApi::qrcode"];
    START_SESSION = POST "/api/:session/start-session", Safe, Auth, typed ["Session::start", "WppApi::start"];
    LOGOUT_SESSION = POST "/api/:session/logout-session", Never, Auth, typed ["Session::logout", "WppApi::logout"];
    CLEAR_SESSION_DATA = POST "/api/:session/:secretkey/clear-session-data", Never, Misc, typed ["Session::clear_session_data", "WppApi::clear_session_data"];
    CLOSE_SESSION = POST "/api/:session/close-session", Never, Auth, typed ["Session::close", "WppApi::close"];
    SUBSCRIBE_PRESENCE = POST "/api/:session/subscribe-presence", Safe, Misc, typed ["Session::subscribe_presence", "Session::subscribe_presence_all", "Session::subscribe_presence_body", "WppApi::subscribe_presence"];
    SET_ONLINE_PRESENCE = POST "/api/:session/set-online-presence", Safe, Misc, typed ["Session::set_online_presence", "WppApi::set_online_presence"];
    DOWNLOAD_MEDIA = POST "/api/:session/download-media", Safe, Messages, typed ["Session::download_media", "WppApi::download_media"];
    SEND_MESSAGE = POST "/api/:session/send-message", Never, Messages, typed ["Session::send_message", "Session::send_message_body", "WppApi::send_message"];
    EDIT_MESSAGE = POST "/api/:session/edit-message", Never, Messages, typed ["Session::edit_message", "WppApi::edit_message"];
    SEND_IMAGE = POST "/api/:session/send-image", Never, Messages, typed ["Session::send_image", "WppApi::send_image"];
    SEND_STICKER = POST "/api/:session/send-sticker", Never, Messages, typed ["Session::send_sticker", "WppApi::send_sticker"];
    SEND_STICKER_GIF = POST "/api/:session/send-sticker-gif", Never, Messages, typed ["Session::send_sticker_gif", "WppApi::send_sticker_gif"];
    SEND_REPLY = POST "/api/:session/send-reply", Never, Messages, typed ["Session::send_reply", "WppApi::send_reply"];
    SEND_FILE = POST "/api/:session/send-file", Never, Messages, typed ["Session::send_file", "WppApi::send_file"];
    SEND_FILE_BASE64 = POST "/api/:session/send-file-base64", Never, Messages, typed ["Session::send_file_base64", "WppApi::send_file_base64"];
    SEND_VOICE = POST "/api/:session/send-voice", Never, Messages, typed ["Session::send_voice", "WppApi::send_voice"];
    SEND_VOICE_BASE64 = POST "/api/:session/send-voice-base64", Never, Messages, typed ["Session::send_voice", "WppApi::send_voice"];
    STATUS_SESSION = GET "/api/:session/status-session", Safe, Auth, typed ["Session::status", "Session::wait_until_connected", "WppApi::status"];
    SEND_STATUS = POST "/api/:session/send-status", Never, Messages, typed ["Session::send_status", "WppApi::send_status"];
    SEND_LINK_PREVIEW = POST "/api/:session/send-link-preview", Never, Messages, typed ["Session::send_link_preview", "WppApi::send_link_preview"];
    SEND_LOCATION = POST "/api/:session/send-location", Never, Messages, typed ["Session::send_location", "WppApi::send_location"];
    SEND_MENTIONED = POST "/api/:session/send-mentioned", Never, Messages, typed ["Session::send_mentioned", "WppApi::send_mentioned"];
    SEND_BUTTONS = POST "/api/:session/send-buttons", Never, Messages, typed ["Session::send_buttons", "WppApi::send_buttons"];
    SEND_LIST_MESSAGE = POST "/api/:session/send-list-message", Never, Messages, typed ["Session::send_list_message", "WppApi::send_list_message"];
    SEND_ORDER_MESSAGE = POST "/api/:session/send-order-message", Never, Messages, typed ["Session::send_order_message", "WppApi::send_order_message"];
    SEND_POLL_MESSAGE = POST "/api/:session/send-poll-message", Never, Messages, typed ["Session::send_poll_message", "WppApi::send_poll_message"];
    SEND_PIX_KEY = POST "/api/:session/send-pix-key", Never, Messages, typed ["Session::send_pix_key", "WppApi::send_pix_key"];
    ALL_BROADCAST_LIST = GET "/api/:session/all-broadcast-list", Safe, Misc, typed ["Session::all_broadcast_list", "WppApi::all_broadcast_list"];
    ALL_GROUPS = GET "/api/:session/all-groups", Safe, Group, typed ["Session::all_groups", "WppApi::all_groups"];
    GROUP_MEMBERS = GET "/api/:session/group-members/:groupId", Safe, Group, typed ["Session::group_members", "WppApi::group_members"];
    COMMON_GROUPS = GET "/api/:session/common-groups/:wid", Safe, Group, typed ["Session::common_groups", "WppApi::common_groups"];
    GROUP_ADMINS = GET "/api/:session/group-admins/:groupId", Safe, Group, typed ["Session::group_admins", "WppApi::group_admins"];
    GROUP_INFO = GET "/api/:session/group-info/:groupId", Safe, Group, typed ["Session::group_info", "WppApi::group_info"];
    GROUP_INVITE_LINK = GET "/api/:session/group-invite-link/:groupId", Safe, Group, typed ["Session::group_invite_link", "WppApi::group_invite_link"];
    GROUP_REVOKE_LINK = GET "/api/:session/group-revoke-link/:groupId", Never, Group, typed ["Session::group_revoke_link", "WppApi::group_revoke_link"];
    GROUP_MEMBERS_IDS = GET "/api/:session/group-members-ids/:groupId", Safe, Group, typed ["Session::group_members_ids", "WppApi::group_members_ids"];
    CREATE_GROUP = POST "/api/:session/create-group", Never, Group, typed ["Session::create_group", "WppApi::create_group"];
    LEAVE_GROUP = POST "/api/:session/leave-group", Never, Group, typed ["Session::leave_group", "WppApi::leave_group"];
    JOIN_CODE = POST "/api/:session/join-code", Never, Group, typed ["Session::join_code", "WppApi::join_code"];
    ADD_PARTICIPANT_GROUP = POST "/api/:session/add-participant-group", Never, Group, typed ["Session::add_participant_group", "WppApi::add_participant_group"];
    REMOVE_PARTICIPANT_GROUP = POST "/api/:session/remove-participant-group", Never, Group, typed ["Session::remove_participant_group", "WppApi::remove_participant_group"];
    PROMOTE_PARTICIPANT_GROUP = POST "/api/:session/promote-participant-group", Never, Group, typed ["Session::promote_participant_group", "WppApi::promote_participant_group"];
    DEMOTE_PARTICIPANT_GROUP = POST "/api/:session/demote-participant-group", Never, Group, typed ["Session::demote_participant_group", "WppApi::demote_participant_group"];
    GROUP_INFO_FROM_INVITE_LINK = POST "/api/:session/group-info-from-invite-link", Safe, Group, typed ["Session::group_info_from_invite_link", "WppApi::group_info_from_invite_link"];
    GROUP_DESCRIPTION = POST "/api/:session/group-description", Never, Group, typed ["Session::group_description", "WppApi::group_description"];
    GROUP_PROPERTY = POST "/api/:session/group-property", Never, Group, typed ["Session::group_property", "WppApi::group_property"];
    GROUP_SUBJECT = POST "/api/:session/group-subject", Never, Group, typed ["Session::group_subject", "WppApi::group_subject"];
    MESSAGES_ADMINS_ONLY = POST "/api/:session/messages-admins-only", Never, Group, typed ["Session::messages_admins_only", "WppApi::messages_admins_only"];
    GROUP_PIC = POST "/api/:session/group-pic", Never, Group, typed ["Session::group_pic", "WppApi::group_pic"];
    CHANGE_PRIVACY_GROUP = POST "/api/:session/change-privacy-group", Never, Group, typed ["Session::change_privacy_group", "WppApi::change_privacy_group"];
    ALL_CHATS = GET "/api/:session/all-chats", Safe, Chat, typed ["Session::all_chats", "WppApi::all_chats"];
    LIST_CHATS = POST "/api/:session/list-chats", Safe, Chat, typed ["Session::list_chats", "WppApi::list_chats"];
    ALL_CHATS_ARCHIVED = GET "/api/:session/all-chats-archived", Safe, Chat, typed ["Session::all_chats_archived", "WppApi::all_chats_archived"];
    ALL_CHATS_WITH_MESSAGES = GET "/api/:session/all-chats-with-messages", Safe, Chat, typed ["Session::all_chats_with_messages", "WppApi::all_chats_with_messages"];
    ALL_MESSAGES_IN_CHAT = GET "/api/:session/all-messages-in-chat/:phone", Safe, Chat, typed ["Session::all_messages_in_chat", "WppApi::all_messages_in_chat"];
    ALL_NEW_MESSAGES = GET "/api/:session/all-new-messages", Safe, Chat, typed ["Session::all_new_messages", "WppApi::all_new_messages"];
    UNREAD_MESSAGES = GET "/api/:session/unread-messages", Safe, Messages, typed ["Session::unread_messages", "WppApi::unread_messages"];
    ALL_UNREAD_MESSAGES = GET "/api/:session/all-unread-messages", Safe, Chat, typed ["Session::all_unread_messages", "WppApi::all_unread_messages"];
    CHAT_BY_ID = GET "/api/:session/chat-by-id/:phone", Safe, Chat, typed ["Session::chat_by_id", "WppApi::chat_by_id"];
    MESSAGE_BY_ID = GET "/api/:session/message-by-id/:messageId", Safe, Chat, typed ["Session::message_by_id", "WppApi::message_by_id"];
    CHAT_IS_ONLINE = GET "/api/:session/chat-is-online/:phone", Safe, Chat, typed ["Session::chat_is_online", "WppApi::chat_is_online"];
    LAST_SEEN = GET "/api/:session/last-seen/:phone", Safe, Chat, typed ["Session::last_seen", "WppApi::last_seen"];
    LIST_MUTES = GET "/api/:session/list-mutes/:type", Safe, Chat, typed ["Session::list_mutes", "WppApi::list_mutes"];
    LOAD_MESSAGES_IN_CHAT = GET "/api/:session/load-messages-in-chat/:phone", Safe, Chat, typed ["Session::load_messages_in_chat", "WppApi::load_messages_in_chat"];
    GET_MESSAGES = GET "/api/:session/get-messages/:phone", Safe, Messages, typed ["Session::get_messages", "WppApi::get_messages", "Session::messages_pages"];
    ARCHIVE_CHAT = POST "/api/:session/archive-chat", Safe, Chat, typed ["Session::archive_chat", "WppApi::archive_chat"];
    ARCHIVE_ALL_CHATS = POST "/api/:session/archive-all-chats", Never, Chat, typed ["Session::archive_all_chats", "WppApi::archive_all_chats"];
    CLEAR_CHAT = POST "/api/:session/clear-chat", Never, Chat, typed ["Session::clear_chat", "WppApi::clear_chat"];
    CLEAR_ALL_CHATS = POST "/api/:session/clear-all-chats", Never, Chat, typed ["Session::clear_all_chats", "WppApi::clear_all_chats"];
    DELETE_CHAT = POST "/api/:session/delete-chat", Never, Chat, typed ["Session::delete_chat", "WppApi::delete_chat"];
    DELETE_ALL_CHATS = POST "/api/:session/delete-all-chats", Never, Chat, typed ["Session::delete_all_chats", "WppApi::delete_all_chats"];
    DELETE_MESSAGE = POST "/api/:session/delete-message", Never, Messages, typed ["Session::delete_message", "WppApi::delete_message"];
    REACT_MESSAGE = POST "/api/:session/react-message", Never, Messages, typed ["Session::react_message", "WppApi::react_message"];
    FORWARD_MESSAGES = POST "/api/:session/forward-messages", Never, Messages, typed ["Session::forward_messages", "WppApi::forward_messages"];
    MARK_UNSEEN = POST "/api/:session/mark-unseen", Safe, Messages, typed ["Session::mark_unseen", "WppApi::mark_unseen"];
    PIN_CHAT = POST "/api/:session/pin-chat", Safe, Chat, typed ["Session::pin_chat", "WppApi::pin_chat"];
    CONTACT_VCARD = POST "/api/:session/contact-vcard", Never, Messages, typed ["Session::contact_vcard", "WppApi::contact_vcard"];
    SEND_MUTE = POST "/api/:session/send-mute", Never, Chat, typed ["Session::send_mute", "WppApi::send_mute"];
    SEND_SEEN = POST "/api/:session/send-seen", Safe, Chat, typed ["Session::send_seen", "WppApi::send_seen"];
    CHAT_STATE = POST "/api/:session/chat-state", Safe, Chat, typed ["Session::chat_state", "WppApi::chat_state"];
    TEMPORARY_MESSAGES = POST "/api/:session/temporary-messages", Never, Messages, typed ["Session::temporary_messages", "WppApi::temporary_messages"];
    TYPING = POST "/api/:session/typing", Safe, Chat, typed ["Session::typing", "WppApi::typing"];
    RECORDING = POST "/api/:session/recording", Safe, Chat, typed ["Session::recording", "WppApi::recording"];
    STAR_MESSAGE = POST "/api/:session/star-message", Safe, Messages, typed ["Session::star_message", "WppApi::star_message"];
    REACTIONS = GET "/api/:session/reactions/:id", Safe, Messages, typed ["Session::reactions", "WppApi::reactions"];
    VOTES = GET "/api/:session/votes/:id", Safe, Messages, typed ["Session::votes", "WppApi::votes"];
    REJECT_CALL = POST "/api/:session/reject-call", Never, Misc, typed ["Session::reject_call", "WppApi::reject_call"];
    GET_PRODUCTS = GET "/api/:session/get-products", Safe, CatalogBusiness, typed ["Session::get_products", "WppApi::get_products"];
    GET_PRODUCT_BY_ID = GET "/api/:session/get-product-by-id", Safe, CatalogBusiness, typed ["Session::get_product_by_id", "WppApi::get_product_by_id"];
    ADD_PRODUCT = POST "/api/:session/add-product", Never, CatalogBusiness, typed ["Session::add_product", "Session::add_product_body", "WppApi::add_product"];
    EDIT_PRODUCT = POST "/api/:session/edit-product", Never, CatalogBusiness, typed ["Session::edit_product", "WppApi::edit_product"];
    DEL_PRODUCTS = POST "/api/:session/del-products", Never, CatalogBusiness, typed ["Session::del_products", "WppApi::del_products"];
    CHANGE_PRODUCT_IMAGE = POST "/api/:session/change-product-image", Never, CatalogBusiness, typed ["Session::change_product_image", "WppApi::change_product_image"];
    ADD_PRODUCT_IMAGE = POST "/api/:session/add-product-image", Never, CatalogBusiness, typed ["Session::add_product_image", "WppApi::add_product_image"];
    REMOVE_PRODUCT_IMAGE = POST "/api/:session/remove-product-image", Never, CatalogBusiness, typed ["Session::remove_product_image", "WppApi::remove_product_image"];
    GET_COLLECTIONS = GET "/api/:session/get-collections", Safe, CatalogBusiness, typed ["Session::get_collections", "WppApi::get_collections"];
    CREATE_COLLECTION = POST "/api/:session/create-collection", Never, CatalogBusiness, partial("answers JSON Value: wa-js 4.4.3 catalog.createCollection passes WhatsApp's createCollection answer through, declared `(...args: any[]) => Promise<any>`; its doc says only \"Return collection created\", not its fields") ["Session::create_collection", "WppApi::create_collection"];
    EDIT_COLLECTION = POST "/api/:session/edit-collection", Never, CatalogBusiness, partial("answers JSON Value: wa-js catalog.editCollection passes WhatsApp's editCollection answer through, declared `Promise<any>`; its doc says only \"Return collection edited\"") ["Session::edit_collection", "WppApi::edit_collection"];
    DEL_COLLECTION = POST "/api/:session/del-collection", Never, CatalogBusiness, typed ["Session::del_collection", "WppApi::del_collection"];
    SEND_LINK_CATALOG = POST "/api/:session/send-link-catalog", Never, Messages, typed ["Session::send_link_catalog", "WppApi::send_link_catalog"];
    SET_PRODUCT_VISIBILITY = POST "/api/:session/set-product-visibility", Safe, CatalogBusiness, typed ["Session::set_product_visibility", "WppApi::set_product_visibility"];
    SET_CART_ENABLED = POST "/api/:session/set-cart-enabled", Safe, CatalogBusiness, typed ["Session::set_cart_enabled", "WppApi::set_cart_enabled"];
    SEND_TEXT_STORIE = POST "/api/:session/send-text-storie", Never, StatusStories, typed ["Session::send_text_storie", "WppApi::send_text_storie"];
    SEND_IMAGE_STORIE = POST "/api/:session/send-image-storie", Never, StatusStories, typed ["Session::send_image_storie", "WppApi::send_image_storie"];
    SEND_VIDEO_STORIE = POST "/api/:session/send-video-storie", Never, StatusStories, typed ["Session::send_video_storie", "WppApi::send_video_storie"];
    ADD_NEW_LABEL = POST "/api/:session/add-new-label", Never, Labels, typed ["Session::add_new_label", "WppApi::add_new_label"];
    ADD_OR_REMOVE_LABEL = POST "/api/:session/add-or-remove-label", Safe, Labels, typed ["Session::add_or_remove_labels", "WppApi::add_or_remove_labels"];
    GET_ALL_LABELS = GET "/api/:session/get-all-labels", Safe, Labels, typed ["Session::get_all_labels", "WppApi::get_all_labels"];
    DELETE_ALL_LABELS = PUT "/api/:session/delete-all-labels", Never, Labels, typed ["Session::delete_all_labels", "WppApi::delete_all_labels"];
    DELETE_LABEL = PUT "/api/:session/delete-label/:id", Never, Labels, typed ["Session::delete_label", "WppApi::delete_label"];
    CHECK_NUMBER_STATUS = GET "/api/:session/check-number-status/:phone", Safe, Misc, typed ["Session::check_number_status", "WppApi::check_number_status", "Session::resolve_number"];
    ALL_CONTACTS = GET "/api/:session/all-contacts", Safe, Contact, typed ["Session::all_contacts", "WppApi::all_contacts"];
    CONTACT = GET "/api/:session/contact/:phone", Safe, Chat, typed ["Session::contact", "WppApi::contact"];
    CONTACT_PN_LID = GET "/api/:session/contact/pn-lid/:pnLid", Safe, Contact, typed ["Session::contact_pn_lid", "WppApi::contact_pn_lid"];
    PROFILE = GET "/api/:session/profile/:phone", Safe, Chat, typed ["Session::profile", "WppApi::profile"];
    PROFILE_PIC = GET "/api/:session/profile-pic/:phone", Safe, Contact, typed ["Session::profile_pic", "WppApi::profile_pic"];
    PROFILE_STATUS = GET "/api/:session/profile-status/:phone", Safe, Contact, typed ["Session::profile_status", "WppApi::profile_status"];
    BLOCKLIST = GET "/api/:session/blocklist", Safe, Misc, typed ["Session::blocklist", "WppApi::blocklist"];
    BLOCK_CONTACT = POST "/api/:session/block-contact", Safe, Misc, typed ["Session::block_contact", "WppApi::block_contact"];
    UNBLOCK_CONTACT = POST "/api/:session/unblock-contact", Safe, Misc, typed ["Session::unblock_contact", "WppApi::unblock_contact"];
    GET_BATTERY_LEVEL = GET "/api/:session/get-battery-level", Safe, Misc, typed ["Session::get_battery_level", "WppApi::get_battery_level"];
    HOST_DEVICE = GET "/api/:session/host-device", Safe, Misc, typed ["Session::host_device", "WppApi::host_device"];
    GET_PHONE_NUMBER = GET "/api/:session/get-phone-number", Safe, Misc, typed ["Session::get_phone_number", "WppApi::get_phone_number"];
    SET_PROFILE_PIC = POST "/api/:session/set-profile-pic", Never, Profile, typed ["Session::set_profile_pic", "WppApi::set_profile_pic"];
    SET_PROFILE_STATUS = POST "/api/:session/profile-status", Safe, Profile, typed ["Session::set_profile_status", "WppApi::set_profile_status"];
    CHANGE_USERNAME = POST "/api/:session/change-username", Safe, Profile, typed ["Session::change_username", "WppApi::change_username"];
    EDIT_BUSINESS_PROFILE = POST "/api/:session/edit-business-profile", Never, Profile, typed ["Session::edit_business_profile", "WppApi::edit_business_profile"];
    GET_BUSINESS_PROFILES_PRODUCTS = GET "/api/:session/get-business-profiles-products", Safe, CatalogBusiness, typed ["Session::get_business_profiles_products", "WppApi::get_business_profiles_products"];
    GET_ORDER_BY_MESSAGE_ID = GET "/api/:session/get-order-by-messageId/:messageId", Safe, CatalogBusiness, typed ["Session::get_order_by_message_id", "WppApi::get_order_by_message_id"];
    BACKUP_SESSIONS = GET "/api/:secretkey/backup-sessions", Safe, Misc, typed ["Client::backup_sessions", "WppServerApi::backup_sessions"];
    RESTORE_SESSIONS = POST "/api/:secretkey/restore-sessions", Never, Misc, typed ["Client::restore_sessions", "WppServerApi::restore_sessions"];
    TAKE_SCREENSHOT = GET "/api/:session/take-screenshot", Safe, Misc, typed ["Session::take_screenshot", "WppApi::take_screenshot"];
    SET_LIMIT = POST "/api/:session/set-limit", Never, Misc, typed ["Session::set_limit", "WppApi::set_limit"];
    CREATE_COMMUNITY = POST "/api/:session/create-community", Never, Community, typed ["Session::create_community", "WppApi::create_community"];
    DEACTIVATE_COMMUNITY = POST "/api/:session/deactivate-community", Never, Community, partial("answers JSON Value: wa-js community.deactivate returns WhatsApp's sendDeactivateCommunity answer, declared `Promise<any>` and used nowhere else in wa-js or wppconnect") ["Session::deactivate_community", "WppApi::deactivate_community"];
    ADD_COMMUNITY_SUBGROUP = POST "/api/:session/add-community-subgroup", Never, Community, typed ["Session::add_community_subgroup", "WppApi::add_community_subgroup"];
    REMOVE_COMMUNITY_SUBGROUP = POST "/api/:session/remove-community-subgroup", Never, Community, typed ["Session::remove_community_subgroup", "WppApi::remove_community_subgroup"];
    PROMOTE_COMMUNITY_PARTICIPANT = POST "/api/:session/promote-community-participant", Never, Community, typed ["Session::promote_community_participant", "WppApi::promote_community_participant"];
    DEMOTE_COMMUNITY_PARTICIPANT = POST "/api/:session/demote-community-participant", Never, Community, typed ["Session::demote_community_participant", "WppApi::demote_community_participant"];
    COMMUNITY_PARTICIPANTS = GET "/api/:session/community-participants/:id", Safe, Community, partial("answers JSON Value: wa-js community.getParticipants returns WhatsApp's getCommunityParticipants answer, declared `Promise<any>` and used nowhere else in wa-js or wppconnect") ["Session::community_participants", "WppApi::community_participants"];
    CREATE_NEWSLETTER = POST "/api/:session/newsletter", Never, Newsletter, typed ["Session::create_newsletter", "WppApi::create_newsletter"];
    EDIT_NEWSLETTER = PUT "/api/:session/newsletter/:id", Never, Newsletter, typed ["Session::edit_newsletter", "WppApi::edit_newsletter"];
    DELETE_NEWSLETTER = DELETE "/api/:session/newsletter/:id", Never, Newsletter, typed ["Session::delete_newsletter", "WppApi::delete_newsletter"];
    MUTE_NEWSLETTER = POST "/api/:session/mute-newsletter/:id", Never, Newsletter, partial("answers JSON Value: wa-js newsletter.mute returns the live NewsletterStore model (a ChatModel instance, not a plain object); no code or capture shows what Puppeteer's page.evaluate makes of it on the wire") ["Session::mute_newsletter", "WppApi::mute_newsletter"];
    CHATWOOT = POST "/api/:session/chatwoot", Never, Misc, typed ["Session::chatwoot", "WppApi::chatwoot"];
    API_DOCS = GET "/api-docs", Safe, Misc, typed ["Client::api_docs", "WppServerApi::api_docs"];
    HEALTHZ = GET "/healthz", Safe, Misc, typed ["Client::healthz", "WppServerApi::healthz"];
    UNHEALTHY = GET "/unhealthy", Never, Misc, typed ["Client::unhealthy", "WppServerApi::unhealthy"];
    METRICS = GET "/metrics", Safe, Misc, typed ["Client::metrics", "WppServerApi::metrics"];

}

/// `docs/api-coverage.md`, rendered from [`ALL`].
///
/// The test `tests/routes.rs` fails when the file differs; `UPDATE_COVERAGE=1 cargo test -p
/// wppconnect-client --test routes` rewrites it.
#[must_use]
pub fn coverage_markdown() -> String {
    use std::fmt::Write as _;

    let count = |f: &dyn Fn(&Route) -> bool| ALL.iter().filter(|r| f(r)).count();
    let typed = count(&|r| r.coverage == Coverage::Typed);
    let partial = count(&|r| matches!(r.coverage, Coverage::Partial(_)));
    let hatch = count(&|r| r.coverage == Coverage::EscapeHatch);
    let never = count(&|r| r.retry == Retry::Never);

    let mut md = String::new();
    md.push_str("# API coverage\n\n");
    md.push_str(
        "<!-- Generated from wppconnect-client/src/routes.rs; do not edit by hand. Regenerate with\n     \
         UPDATE_COVERAGE=1 cargo test -p wppconnect-client --test routes -->\n\n",
    );
    let _ = writeln!(
        md,
        "Every route of WPPConnect Server 2.10.4 (`src/routes/index.ts`), from the client's route \
         table (`wppconnect-client/src/routes.rs`).\n\n\
         - **{total} routes, {total} reachable**: the escape hatch (`Session::request`, \
         `Client::request`, and the `Session::get` / `Session::post` shortcuts) sends any method \
         to any path, with or without the session and the secret key (filled in by the client), \
         with a JSON, multipart or no body, and with the client's tokens, timeouts, retries and \
         redaction.\n\
         - **{typed} typed**: request and answer typed (no `serde_json::Value` answer) and covered \
         by a wiremock test. A typed answer keeps as JSON only what the server passes through \
         unread from the library or echoes from the request (the `extra` maps, the per-number \
         results of the group routes).\n\
         - **{partial} partial**: a method exists; the table says what it lacks.\n\
         - **{hatch} escape hatch only**: no typed method yet.\n\
         - **Retry**: `safe` routes are repeated on transport errors, timeouts, 5xx and 429; the \
         {never} `never` routes only when the request certainly never left (connection refused), \
         so a retry never makes WhatsApp deliver a message twice. The escape hatch applies the \
         same class to a path that matches a route; an unknown path is retried only for `GET`.\n",
        total = ALL.len(),
    );

    md.push_str("## By area\n\n| area | routes | typed | partial | escape hatch only |\n|---|---|---|---|---|\n");
    for area in Area::ALL {
        let of =
            |f: &dyn Fn(&Route) -> bool| ALL.iter().filter(|r| r.area == *area && f(r)).count();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            area,
            of(&|_| true),
            of(&|r| r.coverage == Coverage::Typed),
            of(&|r| matches!(r.coverage, Coverage::Partial(_))),
            of(&|r| r.coverage == Coverage::EscapeHatch),
        );
    }
    let _ = writeln!(
        md,
        "| **total** | **{}** | **{typed}** | **{partial}** | **{hatch}** |\n",
        ALL.len()
    );

    md.push_str(
        "## Routes\n\n| route | constant | area | retry | client method |\n|---|---|---|---|---|\n",
    );
    for route in ALL {
        let methods = route
            .methods
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let covered = match route.coverage {
            Coverage::Typed => format!("typed: {methods}"),
            Coverage::Partial(why) => format!("partial ({why}): {methods}"),
            Coverage::EscapeHatch => "escape hatch only".to_owned(),
        };
        let _ = writeln!(
            md,
            "| `{} {}` | `routes::{}` | {} | {} | {} |",
            route.method,
            route.path,
            route.name,
            route.area,
            route.retry.as_str(),
            covered
        );
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_brace_the_parameters() {
        assert_eq!(
            GENERATE_TOKEN.label(),
            "POST /api/{session}/{secretkey}/generate-token"
        );
        assert_eq!(HEALTHZ.label(), "GET /healthz");
        assert_eq!(
            GET_ORDER_BY_MESSAGE_ID.label(),
            "GET /api/{session}/get-order-by-messageId/{messageId}"
        );
        for route in ALL {
            assert_eq!(
                route.label(),
                format!(
                    "{} {}",
                    route.method,
                    route
                        .path
                        .replace("/:", "/{")
                        .split('/')
                        .map(|s| if s.starts_with('{') {
                            format!("{s}}}")
                        } else {
                            s.to_owned()
                        })
                        .collect::<Vec<_>>()
                        .join("/")
                )
            );
        }
    }

    #[test]
    fn names_are_unique_and_routes_are_distinct() {
        let mut names: Vec<_> = ALL.iter().map(Route::name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        for route in ALL {
            assert_eq!(find(route.method, route.path), Some(route), "{route}");
            assert_eq!(
                find(route.method, route.label.split_once(' ').unwrap().1),
                Some(route)
            );
        }
    }

    #[test]
    fn auth_is_read_from_the_path() {
        assert_eq!(GENERATE_TOKEN.auth(), Auth::SecretKey);
        assert_eq!(BACKUP_SESSIONS.auth(), Auth::SecretKey);
        assert_eq!(SEND_MESSAGE.auth(), Auth::Token);
        assert_eq!(METRICS.auth(), Auth::None);
        assert_eq!(
            GROUP_INFO.params().collect::<Vec<_>>(),
            ["session", "groupId"]
        );
    }

    #[test]
    fn sends_are_never_retried() {
        for route in ALL {
            let slug = route
                .path
                .rsplit('/')
                .find(|s| !s.starts_with(':'))
                .unwrap_or("");
            if slug.starts_with("send-") && slug != "send-seen" {
                assert_eq!(route.retry, Retry::Never, "{route}");
            }
        }
        assert_eq!(UNHEALTHY.retry(), Retry::Never);
        assert_eq!(GROUP_REVOKE_LINK.retry(), Retry::Never);
    }

    #[test]
    fn concrete_paths_match_their_route() {
        use Segment::{Literal, SecretKey, Session};
        let route = |method, segments: &[Segment<'_>]| matching(method, segments).map(Route::name);
        assert_eq!(
            route(
                HttpMethod::Put,
                &[
                    Literal("api"),
                    Session,
                    Literal("delete-label"),
                    Literal("7")
                ]
            ),
            Some("DELETE_LABEL")
        );
        assert_eq!(
            route(
                HttpMethod::Get,
                &[
                    Literal("api"),
                    Session,
                    Literal("contact"),
                    Literal("pn-lid"),
                    Literal("1@lid")
                ]
            ),
            Some("CONTACT_PN_LID")
        );
        assert_eq!(
            route(
                HttpMethod::Get,
                &[Literal("api"), Session, Literal("contact"), Literal("5511")]
            ),
            Some("CONTACT")
        );
        assert_eq!(
            route(
                HttpMethod::Get,
                &[Literal("api"), SecretKey, Literal("backup-sessions")]
            ),
            Some("BACKUP_SESSIONS")
        );
        assert_eq!(
            route(HttpMethod::Get, &[Literal("healthz")]),
            Some("HEALTHZ")
        );
        // a group id that happens to be the session's name is still the group id
        assert_eq!(
            route(
                HttpMethod::Get,
                &[
                    Literal("api"),
                    Session,
                    Literal("group-revoke-link"),
                    Session
                ]
            ),
            Some("GROUP_REVOKE_LINK")
        );
        assert_eq!(
            route(HttpMethod::Get, &[Literal("api"), Session, Literal("nope")]),
            None
        );
        // the session segment must be the session
        assert_eq!(
            route(
                HttpMethod::Get,
                &[Literal("api"), Literal("x"), Literal("all-chats")]
            ),
            None
        );
    }
}
