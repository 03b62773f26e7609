//! Roles and the checks of every route, in one place.
//!
//! Each route has one row in [`ROUTES`]: what it needs ([`Need`]) and where its session is
//! named ([`SessionIn`]). `guard` runs before every API handler: it finds the row (a route
//! without one is refused), authenticates the caller (JWT, then the user's role and grants read
//! from the store, so a change applies to the next request), checks the role against the need,
//! and the session named in the path or the query against the grants. Handlers take the
//! [`Caller`] it leaves behind for what only they can see: the session of a send (in its body),
//! lists filtered to the granted sessions.
//!
//! - `admin`: everything;
//! - `agent`: reads and sends in the sessions granted to them (no session start or logout, no
//!   user admin, no health details);
//! - `viewer`: reads in the sessions granted to them.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use socketioxide::socket::Sid;
use socketioxide::SocketIo;

use super::error::ApiError;
use super::{users, AppState};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything: every session, session start and logout, user admin, health details.
    Admin,
    /// Reads and sends in the sessions granted.
    Agent,
    /// Reads in the sessions granted.
    Viewer,
}

impl Role {
    /// The stored and wire name: `admin`, `agent`, `viewer`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Agent => "agent",
            Self::Viewer => "viewer",
        }
    }

    /// The role of a stored or wire name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "admin" => Some(Self::Admin),
            "agent" => Some(Self::Agent),
            "viewer" => Some(Self::Viewer),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a route needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nobody signed in (the console's files, `/health`, the login).
    Public,
    /// Any signed-in user; what it answers is filtered to the caller's sessions.
    SignedIn,
    /// Reads a session: any role granted it (admins: every session).
    Read,
    /// Acts in a session (sends, marks read): an agent granted it, or an admin.
    Write,
    /// An admin.
    Admin,
}

/// Where a route names its session, for the check in `guard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionIn {
    /// Nowhere (or in the body: the handler checks it).
    None,
    /// The path's `{name}`.
    Path,
    /// The query's `session=` (optional: without it, the handler filters or refuses).
    Query,
}

/// One row of [`ROUTES`].
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The HTTP method (`GET`, `POST`, `PATCH`, `DELETE`).
    pub method: &'static str,
    /// The route as the router spells it (`/api/sessions/{name}`).
    pub path: &'static str,
    /// What the caller needs.
    pub need: Need,
    /// Where the session is named.
    pub session: SessionIn,
}

const fn rule(method: &'static str, path: &'static str, need: Need, session: SessionIn) -> Rule {
    Rule {
        method,
        path,
        need,
        session,
    }
}

/// Every route of the API and what it needs: the one list `guard` and the tests read. A
/// route missing from it is refused to everyone (403). `/webhook/{session}` (its own secret) and
/// `/metrics` (its own token) are outside the API router and not listed.
pub const ROUTES: &[Rule] = &[
    rule("GET", "/", Need::Public, SessionIn::None),
    rule("GET", "/app.js", Need::Public, SessionIn::None),
    rule("GET", "/style.css", Need::Public, SessionIn::None),
    rule("GET", "/js/{*path}", Need::Public, SessionIn::None),
    rule("GET", "/health", Need::Public, SessionIn::None),
    rule("POST", "/api/auth/login", Need::Public, SessionIn::None),
    rule("GET", "/api/health", Need::Admin, SessionIn::None),
    rule("GET", "/api/sessions", Need::SignedIn, SessionIn::None),
    rule("GET", "/api/sessions/{name}", Need::Read, SessionIn::Path),
    rule(
        "POST",
        "/api/sessions/{name}/start",
        Need::Admin,
        SessionIn::Path,
    ),
    rule(
        "POST",
        "/api/sessions/{name}/logout",
        Need::Admin,
        SessionIn::Path,
    ),
    rule("POST", "/api/messages", Need::Write, SessionIn::None),
    rule("POST", "/api/messages/file", Need::Write, SessionIn::None),
    rule("GET", "/api/conversations", Need::Read, SessionIn::Query),
    rule(
        "GET",
        "/api/conversations/{id}/messages",
        Need::Read,
        SessionIn::Query,
    ),
    rule(
        "POST",
        "/api/conversations/{id}/read",
        Need::Write,
        SessionIn::Query,
    ),
    rule("GET", "/api/events", Need::Read, SessionIn::Query),
    rule("GET", "/api/search", Need::Read, SessionIn::Query),
    rule("GET", "/api/analytics", Need::Read, SessionIn::Query),
    rule("GET", "/api/users", Need::Admin, SessionIn::None),
    rule("POST", "/api/users", Need::Admin, SessionIn::None),
    rule("GET", "/api/users/me", Need::SignedIn, SessionIn::None),
    rule("PATCH", "/api/users/{name}", Need::Admin, SessionIn::None),
    rule("DELETE", "/api/users/{name}", Need::Admin, SessionIn::None),
    // the outbox: one send's delivery, campaigns (their session is in the body, or stored)
    rule(
        "GET",
        "/api/messages/{client_id}/delivery",
        Need::Read,
        SessionIn::Query,
    ),
    rule("POST", "/api/campaigns", Need::Write, SessionIn::None),
    rule(
        "GET",
        "/api/campaigns/{id}",
        Need::SignedIn,
        SessionIn::None,
    ),
    // automatic replies: read by anyone granted the session, changed by admins
    rule(
        "GET",
        "/api/sessions/{name}/rules",
        Need::Read,
        SessionIn::Path,
    ),
    rule(
        "POST",
        "/api/sessions/{name}/rules",
        Need::Admin,
        SessionIn::Path,
    ),
    rule(
        "PATCH",
        "/api/sessions/{name}/rules/{id}",
        Need::Admin,
        SessionIn::Path,
    ),
    rule(
        "DELETE",
        "/api/sessions/{name}/rules/{id}",
        Need::Admin,
        SessionIn::Path,
    ),
    rule(
        "GET",
        "/api/sessions/{name}/auto-replies",
        Need::Read,
        SessionIn::Path,
    ),
    // outgoing webhooks carry every event of a session and a signing secret: admins only
    rule(
        "GET",
        "/api/sessions/{name}/subscriptions",
        Need::Admin,
        SessionIn::Path,
    ),
    rule(
        "POST",
        "/api/sessions/{name}/subscriptions",
        Need::Admin,
        SessionIn::Path,
    ),
    rule(
        "DELETE",
        "/api/sessions/{name}/subscriptions/{id}",
        Need::Admin,
        SessionIn::Path,
    ),
    rule(
        "POST",
        "/api/sessions/{name}/subscriptions/{id}/resume",
        Need::Admin,
        SessionIn::Path,
    ),
];

/// The row of a request: `HEAD` is answered by the `GET` route.
#[must_use]
pub fn rule_of(method: &Method, path: &str) -> Option<&'static Rule> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|rule| rule.method == method && rule.path == path)
}

/// A user's role and sessions, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The role.
    pub role: Role,
    /// The sessions granted (ignored for admins).
    pub sessions: HashSet<String>,
}

impl Access {
    /// Whether this access reads the session.
    #[must_use]
    pub fn may_read(&self, session: &str) -> bool {
        self.role == Role::Admin || self.sessions.contains(session)
    }
}

/// The user of a request, authenticated, with the role and sessions read from the store.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user name.
    pub name: String,
    /// The role and sessions.
    pub access: Arc<Access>,
}

impl Caller {
    /// Whether the caller is an admin.
    #[must_use]
    pub fn is_admin(&self) -> bool {
        self.access.role == Role::Admin
    }

    /// Whether the caller reads this session.
    #[must_use]
    pub fn may_read(&self, session: &str) -> bool {
        self.access.may_read(session)
    }

    /// Refuses (403) a session the caller may not read.
    ///
    /// # Errors
    /// [`ApiError::Forbidden`].
    pub fn check_read(&self, session: &str) -> Result<(), ApiError> {
        if self.may_read(session) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "session {session} is not granted to {}",
                self.name
            )))
        }
    }

    /// Refuses (403) a send in a session the caller may not send in: viewers never, agents in
    /// their sessions only.
    ///
    /// # Errors
    /// [`ApiError::Forbidden`].
    pub fn check_send(&self, session: &str) -> Result<(), ApiError> {
        if self.access.role == Role::Viewer {
            return Err(ApiError::Forbidden("a viewer cannot send".to_owned()));
        }
        self.check_read(session)
    }

    /// The user whose grants filter a query (`user_sessions.user_name`), `None` for an admin
    /// (every session): bind it to `($n IS NULL OR session IN (SELECT session FROM
    /// user_sessions WHERE user_name = $n))`.
    #[must_use]
    pub fn grant_filter(&self) -> Option<&str> {
        (!self.is_admin()).then_some(self.name.as_str())
    }

    /// The sessions a query must be limited to when none is named: `None` for an admin (all);
    /// else the granted ones, sorted.
    #[must_use]
    pub fn granted(&self) -> Option<Vec<String>> {
        if self.is_admin() {
            return None;
        }
        let mut sessions: Vec<String> = self.access.sessions.iter().cloned().collect();
        sessions.sort();
        Some(sessions)
    }

    /// The session of a route that reads one conversation: the one named, or the caller's only
    /// session; a non-admin with several must name one (403).
    ///
    /// # Errors
    /// [`ApiError::Forbidden`].
    pub fn one_session(&self, named: Option<&str>) -> Result<Option<String>, ApiError> {
        if let Some(name) = named {
            self.check_read(name)?;
            return Ok(Some(name.to_owned()));
        }
        match self.granted() {
            None => Ok(None),
            Some(mut only) if only.len() == 1 => Ok(only.pop()),
            Some(_) => Err(ApiError::Forbidden(
                "name a session granted to you with ?session=".to_owned(),
            )),
        }
    }

    /// Authenticates a bearer token: its signature and expiry, then the user in the store
    /// (deleted users and tokens older than a password change are refused).
    ///
    /// # Errors
    /// 401 for a bad token or user, 503 when the store fails.
    pub async fn from_token(state: &AppState, token: &str) -> Result<Self, ApiError> {
        let claims = state
            .auth
            .verify(token)
            .ok_or(ApiError::Unauthorized("invalid or expired token"))?;
        let Some((access, version)) = users::access(&state.store, &claims.sub).await? else {
            state.roles.forget(&claims.sub);
            return Err(ApiError::Unauthorized("invalid or expired token"));
        };
        if claims.ver != version {
            return Err(ApiError::Unauthorized(
                "the password changed since this token was issued",
            ));
        }
        let access = state.roles.remember(&claims.sub, access);
        Ok(Self {
            name: claims.sub,
            access,
        })
    }
}

/// The token of a request: `Authorization: Bearer …`, or `?access_token=` (for `EventSource`,
/// which cannot send headers).
fn token_of(parts: &Parts) -> Option<String> {
    let from_header = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .map(str::to_owned);
    from_header.or_else(|| {
        parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.into_owned())
        })
    })
}

/// The token of an `Authorization` value whose scheme is `Bearer`, in any case (RFC 9110
/// makes auth schemes case-insensitive).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Self>() {
            return Ok(caller.clone());
        }
        let token = token_of(parts).ok_or(ApiError::Unauthorized("missing bearer token"))?;
        Self::from_token(state, &token).await
    }
}

/// A request that may carry a valid JWT: `/health` answers details to admins only.
pub(super) struct MaybeCaller(pub(super) Option<Caller>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(Caller::from_request_parts(parts, state).await.ok()))
    }
}

/// The checks of every API route ([`ROUTES`]); see the [module](self). Leaves the [`Caller`] in
/// the request for the handler.
pub(super) async fn guard(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let Some(matched) = matched else {
        return next.run(request).await; // the fallback: a 404
    };
    let Some(rule) = rule_of(request.method(), matched.as_str()) else {
        if ROUTES.iter().any(|rule| rule.path == matched.as_str()) {
            return next.run(request).await; // a method the route does not have: its 405
        }
        tracing::error!(
            route = matched.as_str(),
            "a route without a permission rule"
        );
        return ApiError::Forbidden("this route has no permission rule".to_owned()).into_response();
    };
    if rule.need == Need::Public {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    match check(&state, rule, &mut parts).await {
        Ok(caller) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(error) => error.into_response(),
    }
}

async fn check(state: &AppState, rule: &Rule, parts: &mut Parts) -> Result<Caller, ApiError> {
    let token = token_of(parts).ok_or(ApiError::Unauthorized("missing bearer token"))?;
    let caller = Caller::from_token(state, &token).await?;
    let role = caller.access.role;
    match rule.need {
        Need::Admin if role != Role::Admin => {
            return Err(ApiError::Forbidden(format!(
                "{} {} is for admins; {} is {role}",
                rule.method, rule.path, caller.name
            )))
        }
        Need::Write if role == Role::Viewer => {
            return Err(ApiError::Forbidden(format!(
                "{} is a viewer: reading only",
                caller.name
            )))
        }
        _ => {}
    }
    let session = match rule.session {
        SessionIn::None => None,
        SessionIn::Path => RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|params| {
                params
                    .iter()
                    .find(|(key, _)| *key == "name")
                    .map(|(_, value)| value.to_owned())
            }),
        SessionIn::Query => parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "session")
                .map(|(_, v)| v.into_owned())
        }),
    };
    // a malformed name is the handler's 400, before any store or server call
    if let Some(session) = session.filter(|s| wppconnect_models::SessionName::new(s).is_ok()) {
        caller.check_read(&session)?;
    }
    Ok(caller)
}

/// The last known access of each user who made a request or was changed through the API:
/// what long-lived pushes (SSE) check each event against, so that a change of role or grants
/// (or a deletion) applies to open streams too; and each user's socket.io connections, closed
/// when the user changes (the client reconnects and joins again, checked again). Cheap to clone.
#[derive(Clone, Default)]
pub struct Registry {
    users: Arc<RwLock<HashMap<String, Arc<Access>>>>,
    io: Arc<OnceLock<SocketIo>>,
    sockets: Arc<Mutex<HashMap<String, HashSet<Sid>>>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

impl Registry {
    /// The socket.io server whose connections [`Registry::changed`] closes.
    pub fn attach(&self, io: SocketIo) {
        let _ = self.io.set(io);
    }

    /// A socket.io connection of `user` opened (`open`) or closed.
    pub fn socket(&self, user: &str, sid: Sid, open: bool) {
        let mut sockets = self
            .sockets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if open {
            sockets.entry(user.to_owned()).or_default().insert(sid);
        } else if let Some(set) = sockets.get_mut(user) {
            set.remove(&sid);
            if set.is_empty() {
                sockets.remove(user);
            }
        }
    }

    /// The user's role, grants or password changed, or the user was removed: their socket.io
    /// connections are closed, so that the rooms they joined are checked again.
    pub fn changed(&self, user: &str) {
        let sids = self
            .sockets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(user)
            .unwrap_or_default();
        if let Some(io) = self.io.get() {
            for sid in sids {
                if let Some(socket) = io.get_socket(sid) {
                    let _ = socket.disconnect();
                }
            }
        }
    }

    /// Records a user's access as just read from the store; the shared copy.
    pub fn remember(&self, name: &str, access: Access) -> Arc<Access> {
        let mut users = self
            .users
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match users.get(name) {
            Some(known) if **known == access => Arc::clone(known),
            _ => {
                let access = Arc::new(access);
                users.insert(name.to_owned(), Arc::clone(&access));
                access
            }
        }
    }

    /// Forgets a deleted user: their open streams receive nothing more.
    pub fn forget(&self, name: &str) {
        self.users
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(name);
    }

    /// Whether a push of `session` reaches the user now.
    #[must_use]
    pub fn may_read(&self, name: &str, session: &str) -> bool {
        self.users
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(name)
            .is_some_and(|access| access.may_read(session))
    }

    /// The filter of a caller's pushes: each push's session is checked against the user's
    /// access as it is at that moment.
    pub fn push_filter(&self, caller: &Caller) -> impl Fn(&str) -> bool + Send + Sync + 'static {
        let (registry, name) = (self.clone(), caller.name.clone());
        move |session| registry.may_read(&name, session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_access_reads_granted_sessions_only() {
        for role in [Role::Admin, Role::Agent, Role::Viewer] {
            assert_eq!(Role::from_name(role.as_str()), Some(role));
        }
        assert_eq!(Role::from_name("root"), None);
        let agent = Access {
            role: Role::Agent,
            sessions: HashSet::from(["loja".to_owned()]),
        };
        assert!(agent.may_read("loja"));
        assert!(!agent.may_read("main"));
        let admin = Access {
            role: Role::Admin,
            sessions: HashSet::new(),
        };
        assert!(admin.may_read("main"));
    }

    #[test]
    fn a_changed_access_reaches_the_push_filter_and_a_deleted_user_gets_nothing() {
        let registry = Registry::default();
        let access = registry.remember(
            "bia",
            Access {
                role: Role::Agent,
                sessions: HashSet::from(["loja".to_owned()]),
            },
        );
        let caller = Caller {
            name: "bia".to_owned(),
            access,
        };
        let filter = registry.push_filter(&caller);
        assert!(filter("loja") && !filter("main"));
        registry.remember(
            "bia",
            Access {
                role: Role::Agent,
                sessions: HashSet::from(["main".to_owned()]),
            },
        );
        assert!(!filter("loja") && filter("main"));
        registry.forget("bia");
        assert!(!filter("main"));
    }

    #[test]
    fn every_rule_is_unique_and_head_is_get() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    a.method != b.method || a.path != b.path,
                    "{} {}",
                    a.method,
                    a.path
                );
            }
        }
        assert!(rule_of(&Method::HEAD, "/api/sessions").is_some());
        assert!(rule_of(&Method::PUT, "/api/sessions").is_none());
    }
}
