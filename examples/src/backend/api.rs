//! The REST API, SSE, `/health` and the web console's files.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Extensions, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use wppconnect_client::Redactor;
use wppconnect_models::domain::{self, MessageStatus, SessionStatus};
use wppconnect_models::{PhoneNumber, SessionName};

use super::auth::{LoginError, MAX_USERNAME_BYTES};
use super::store::StoreError;
use super::AppState;

/// The secrets [`redact`] cuts out, registered by [`register_secret`], and the redactor made of
/// them (rebuilt on each registration, which happens at start; used by every log line).
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());
static REDACTOR: RwLock<Option<Arc<Redactor>>> = RwLock::new(None);

/// Secrets shorter than this are not registered: cutting every `a` out of a text hides nothing.
const MIN_SECRET_LEN: usize = 4;

/// Adds a secret (the server's secret key, the webhook secret) to those [`redact`] cuts out of
/// upstream text and log lines, in every form the client's [`Redactor`] finds (plain, URL- and
/// form-encoded, HTML- and JSON-escaped). Process-wide: each backend in the process registers
/// its own, so text is never shown with any of them.
pub fn register_secret(secret: &str) {
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut secrets = SECRETS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if secrets.iter().any(|known| known == secret) {
        return;
    }
    secrets.push(secret.to_owned());
    let all: Vec<&str> = secrets.iter().map(String::as_str).collect();
    *REDACTOR
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(Redactor::new(&all)));
}

/// `text` with every [registered](register_secret) secret replaced by `<redacted>`: applied to
/// all upstream text (WPPConnect's error messages, client errors) before it reaches an answer or
/// a log line.
#[must_use]
pub fn redact(text: &str) -> String {
    let redactor = REDACTOR
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    match redactor {
        Some(redactor) => redactor.redact(text).into_owned(),
        None => text.to_owned(),
    }
}

/// A log writer that [redacts](redact) what it writes: `run` logs through it, so a secret in
/// any crate's log line (the client's retries quote the server) is cut out too. Wraps any
/// `tracing_subscriber` writer: `fmt().with_writer(RedactLogs(std::io::stdout))`. The formatter
/// writes each event in one piece, so a secret is never split between two writes.
#[derive(Debug, Clone, Copy)]
pub struct RedactLogs<M>(pub M);

impl<'a, M: tracing_subscriber::fmt::MakeWriter<'a>> tracing_subscriber::fmt::MakeWriter<'a>
    for RedactLogs<M>
{
    type Writer = RedactWrite<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactWrite(self.0.make_writer())
    }
}

/// The writer of [`RedactLogs`].
#[derive(Debug)]
pub struct RedactWrite<W>(W);

impl<W: std::io::Write> std::io::Write for RedactWrite<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// At most `max` characters of `text`, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    include_str!("../../web/index.html"),
                )
            }),
        )
        .route(
            "/app.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    include_str!("../../web/app.js"),
                )
            }),
        )
        .route(
            "/style.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    include_str!("../../web/style.css"),
                )
            }),
        )
        .nest_service(
            "/js",
            tower_http::services::ServeDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/web/js")),
        )
        .route("/health", get(health))
        .route("/api/health", get(health_details))
        .route("/api/auth/login", post(login))
        .route("/api/sessions", get(list_sessions))
        .route("/api/sessions/{name}", get(get_session))
        .route("/api/sessions/{name}/start", post(start_session))
        .route("/api/sessions/{name}/logout", post(logout_session))
        .route("/api/messages", post(send_message))
        .route("/api/conversations", get(conversations))
        .route("/api/conversations/{id}/messages", get(messages))
        .route("/api/conversations/{id}/read", post(mark_read))
        .route("/api/events", get(events))
        .fallback(|| async { ApiError::NotFound("no such route".to_owned()) })
}

/// A JSON body whose rejection (bad JSON, a missing field, a wrong content type) is a JSON 400.
pub(super) struct ApiJson<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(|rejection: JsonRejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// A query string whose rejection (`?page=abc`) is a JSON 400.
pub(super) struct ApiQuery<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// An error answer: `{"error": <code>, "reason": <text>, "message": <text>}` with its status
/// (`message` is the same text as `reason`, kept for existing clients).
#[derive(Debug)]
pub(super) enum ApiError {
    BadRequest(String),
    Unauthorized(&'static str),
    TooManyRequests(Duration),
    Unavailable(&'static str),
    NotFound(String),
    NotConnected(String),
    Upstream(wppconnect_client::Error),
    Database(StoreError),
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::Database(error)
    }
}

impl From<wppconnect_client::Error> for ApiError {
    fn from(error: wppconnect_client::Error) -> Self {
        match error {
            wppconnect_client::Error::InvalidInput { reason } => Self::BadRequest(reason),
            wppconnect_client::Error::NotConnected { session, .. } => {
                Self::NotConnected(session.to_string())
            }
            other => Self::Upstream(other),
        }
    }
}

impl ApiError {
    /// The machine-readable code.
    pub(super) fn code(&self) -> &'static str {
        self.parts().1
    }

    /// The message for people.
    pub(super) fn message(&self) -> String {
        self.parts().2
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, "bad_request", message.clone()),
            Self::Unauthorized(message) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                (*message).to_owned(),
            ),
            Self::TooManyRequests(wait) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!(
                    "too many login attempts; try again in {} s",
                    retry_after_secs(*wait)
                ),
            ),
            Self::Unavailable(message) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                (*message).to_owned(),
            ),
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message.clone()),
            Self::NotConnected(session) => (
                StatusCode::CONFLICT,
                "session_not_connected",
                format!("session {session} is not connected"),
            ),
            Self::Upstream(error) => {
                let message = match error.server_message() {
                    Some(server) => format!("{error} ({server})"),
                    None => error.to_string(),
                };
                let message = if error.status().is_some() {
                    message
                } else {
                    format!("{message}: WPPConnect Server unreachable")
                };
                (
                    StatusCode::BAD_GATEWAY,
                    "wppconnect_error",
                    redact(&message),
                )
            }
            Self::Database(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_error",
                "the message store is unavailable".to_owned(),
            ),
        }
    }
}

/// Whole seconds for `Retry-After`, rounded up (never 0).
fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            Self::Upstream(error) => {
                let error = redact(&error.to_string());
                tracing::warn!(%error, "WPPConnect call failed");
            }
            Self::Database(error) => tracing::error!(error = ?error, "database failure"),
            _ => {}
        }
        let (status, code, message) = self.parts();
        let mut response = (
            status,
            Json(json!({"error": code, "reason": message, "message": message})),
        )
            .into_response();
        if let Self::TooManyRequests(wait) = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs(wait)),
            );
        }
        response
    }
}

/// A request with a valid JWT, from `Authorization: Bearer …` or `?access_token=` (for
/// `EventSource`, which cannot send headers).
pub(super) struct AuthUser(#[allow(dead_code)] pub(super) String);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let from_header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token)
            .map(str::to_owned);
        let from_query = parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.into_owned())
        });
        let token = from_header
            .or(from_query)
            .ok_or(ApiError::Unauthorized("missing bearer token"))?;
        let claims = state
            .auth
            .verify(&token)
            .ok_or(ApiError::Unauthorized("invalid or expired token"))?;
        Ok(Self(claims.sub))
    }
}

/// The token of an `Authorization` value whose scheme is `Bearer`, in any case (RFC 9110
/// makes auth schemes case-insensitive).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A request that may carry a valid JWT: `/health` answers details only with one.
pub(super) struct MaybeUser(pub(super) Option<AuthUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(AuthUser::from_request_parts(parts, state).await.ok()))
    }
}

/// Validates a session name from a path, a query, a socket.io event or a body with
/// [`SessionName::new`]: what it refuses never reaches the client, a log or the store.
pub(super) fn session_name(name: &str) -> Result<SessionName, ApiError> {
    SessionName::new(name).map_err(|e| ApiError::BadRequest(shorten(&e.to_string(), 200)))
}

/// The `?session=` of a query, validated when present.
fn optional_session(session: Option<&str>) -> Result<Option<SessionName>, ApiError> {
    session.map(session_name).transpose()
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiJson(login): ApiJson<Login>,
) -> Result<Json<Value>, ApiError> {
    if login.username.len() > MAX_USERNAME_BYTES {
        return Err(ApiError::BadRequest(format!(
            "the user name is longer than {MAX_USERNAME_BYTES} bytes"
        )));
    }
    // present when served with `into_make_service_with_connect_info` (as `run` does); without
    // it every client shares one per-address limit
    let address = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let token = match state
        .auth
        .login(&login.username, &login.password, address)
        .await
    {
        Ok(token) => token,
        Err(LoginError::WrongCredentials) => {
            return Err(ApiError::Unauthorized("wrong user name or password"))
        }
        Err(LoginError::Throttled { retry_after }) => {
            tracing::warn!(?address, "login throttled");
            return Err(ApiError::TooManyRequests(retry_after));
        }
        Err(LoginError::Unavailable) => {
            return Err(ApiError::Unavailable("logins are unavailable"))
        }
    };
    Ok(Json(
        json!({"token": token, "expiresIn": super::auth::TOKEN_TTL_SECS}),
    ))
}

async fn list_sessions(
    State(state): State<AppState>,
    _user: AuthUser,
) -> Result<Json<Vec<domain::Session>>, ApiError> {
    let mut sessions = Vec::new();
    for name in state.store.session_names().await? {
        if let Some(session) = state.store.session(&name).await? {
            sessions.push(session);
        }
    }
    Ok(Json(sessions))
}

/// The session as the server sees it now, merged with what the store knows.
async fn current_session(
    state: &AppState,
    name: &SessionName,
) -> Result<domain::Session, ApiError> {
    // read before asking the server, so a webhook that lands meanwhile is seen as newer
    let stored = state.store.session(name.as_str()).await?;
    let server = state.client.session(name.as_str())?.status().await?;
    let mut session = domain::Session::from_state(name.as_str(), &server);
    if session.status != SessionStatus::Connecting {
        // a QR code only means something while the session waits for a scan
        session.qr_code = None;
    }
    if let Some(stored) = &stored {
        session.last_connected = stored.last_connected;
        session.phone_number.clone_from(&stored.phone_number);
        if session.status == SessionStatus::Connecting && session.qr_code.is_none() {
            session.qr_code.clone_from(&stored.qr_code);
        }
    }
    let changed = stored
        .as_ref()
        .is_none_or(|s| s.status != session.status || s.qr_code != session.qr_code);
    if changed {
        // only over the state this poll started from: a webhook that stored (and pushed) a
        // newer one meanwhile wins, and this older answer is neither stored nor pushed
        let replaced = state
            .store
            .replace_session(
                name.as_str(),
                stored.as_ref(),
                session.status,
                session.qr_code.as_deref(),
            )
            .await?;
        let Some(replaced) = replaced else {
            return Ok(state.store.session(name.as_str()).await?.unwrap_or(session));
        };
        session.last_connected = replaced.last_connected;
        if session.status == SessionStatus::Connected && session.phone_number.is_none() {
            // once per connection: the server knows the account's number
            match state
                .client
                .session(name.as_str())?
                .get_phone_number()
                .await
            {
                Ok(own) => {
                    if let Some(phone) = own.phone_number() {
                        state
                            .store
                            .set_phone_number(name.as_str(), phone.digits())
                            .await?;
                        session.phone_number = Some(phone.digits().to_owned());
                    }
                }
                Err(error) => {
                    let error = redact(&error.to_string());
                    tracing::debug!(%error, "get-phone-number failed");
                }
            }
        }
        // a change learnt by polling reaches the console like one learnt by webhook
        state
            .realtime
            .push(name.as_str(), "session-status", &session);
    }
    Ok(session)
}

async fn get_session(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<domain::Session>, ApiError> {
    let name = session_name(&name)?;
    Ok(Json(current_session(&state, &name).await?))
}

/// How long a start waits for the first QR code before answering without it.
const QR_WAIT: std::time::Duration = std::time::Duration::from_secs(3);
/// How often it looks.
const QR_POLL: std::time::Duration = std::time::Duration::from_millis(150);

async fn start_session(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<domain::Session>, ApiError> {
    let name = session_name(&name)?;
    let before = state
        .client
        .session(name.as_str())?
        .start()
        .webhook(state.webhook_url(name.as_str()))
        .await?;
    tracing::info!(session = %name, before = %before.status, "session started");
    // The server answers the state before the start; give its QR code a moment to appear so
    // the answer can carry it (it is pushed as `session-status` either way).
    let deadline = tokio::time::Instant::now() + QR_WAIT;
    let mut session = current_session(&state, &name).await?;
    while session.qr_code.is_none()
        && matches!(
            session.status,
            SessionStatus::Connecting | SessionStatus::Disconnected
        )
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(QR_POLL).await;
        session = current_session(&state, &name).await?;
    }
    if session.status == SessionStatus::Disconnected {
        // the server answers the state before the start; it is starting now
        session.status = SessionStatus::Connecting;
        state
            .store
            .set_session(name.as_str(), session.status, None)
            .await?;
    }
    // No `session-status` push from here: this state was read from the server a moment ago,
    // and the webhooks (QR code, scan, connected) push newer ones in order. Pushing it could
    // land after them and show a connected session as waiting for a scan.
    Ok(Json(session))
}

async fn logout_session(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<domain::Session>, ApiError> {
    let name = session_name(&name)?;
    state.client.session(name.as_str())?.logout().await?;
    let session = state
        .store
        .set_session(name.as_str(), SessionStatus::Disconnected, None)
        .await?;
    state
        .realtime
        .push(name.as_str(), "session-status", &session);
    Ok(Json(session))
}

/// The product design's `SendMessageRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SendMessageRequest {
    session_name: String,
    phone: String,
    message: String,
    quoted_message_id: Option<String>,
}

/// A send that did not go through: the error, and the message as stored (failed) when it got
/// that far.
pub(super) struct SendFailure {
    pub(super) error: ApiError,
    pub(super) stored: Option<domain::Message>,
}

impl From<ApiError> for SendFailure {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            stored: None,
        }
    }
}

impl From<StoreError> for SendFailure {
    fn from(error: StoreError) -> Self {
        ApiError::from(error).into()
    }
}

impl From<wppconnect_client::Error> for SendFailure {
    fn from(error: wppconnect_client::Error) -> Self {
        ApiError::from(error).into()
    }
}

/// Validates, stores the message as pending (pushed at once), sends it exactly once, and records
/// sent or failed. Shared by `POST /api/messages` and the socket.io `send-message` event.
pub(super) async fn send_and_store(
    state: &AppState,
    request: SendMessageRequest,
) -> Result<domain::Message, SendFailure> {
    let name = session_name(&request.session_name)?;
    let phone =
        PhoneNumber::new(&request.phone).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if request.message.trim().is_empty() {
        return Err(ApiError::BadRequest("the message is empty".to_owned()).into());
    }
    let session = state.client.session(name.as_str())?;
    let mut send = session.send_message(phone.digits(), request.message.clone());
    if let Some(quoted) = &request.quoted_message_id {
        send = send.quoted(quoted);
    }
    let body = send.into_body()?;
    let local_id = format!("local-{}", super::auth::random_secret(16));
    let pending = domain::Message {
        id: local_id.clone(),
        conversation_id: phone.to_chat_id().to_string(),
        sender_id: String::new(),
        sender_name: None,
        content: request.message.clone(),
        message_type: wppconnect_models::MessageType::Chat,
        timestamp: wppconnect_models::Seconds::now().get(),
        status: MessageStatus::Pending,
        is_from_me: true,
        quoted_message: request.quoted_message_id.clone(),
        media_url: None,
    };
    let (pending, _) = state.store.insert_message(name.as_str(), &pending).await?;
    state.realtime.push(name.as_str(), "new-message", &pending);
    match session.send_message_body(&body).await {
        Ok(sent) => {
            let server_id = sent
                .first()
                .map_or_else(|| local_id.clone(), |m| m.id.as_str().to_owned());
            let stored = state
                .store
                .confirm_sent(name.as_str(), &local_id, &server_id)
                .await?
                .unwrap_or(pending);
            state.realtime.push(
                name.as_str(),
                "status-update",
                json!({"id": stored.id, "localId": local_id, "conversationId": stored.conversation_id, "status": stored.status}),
            );
            Ok(stored)
        }
        Err(error) => {
            let stored = state.store.mark_failed(name.as_str(), &local_id).await?;
            state.realtime.push(
                name.as_str(),
                "status-update",
                json!({"id": local_id, "conversationId": pending.conversation_id, "status": MessageStatus::Failed}),
            );
            Err(SendFailure {
                error: error.into(),
                stored,
            })
        }
    }
}

async fn send_message(
    State(state): State<AppState>,
    _user: AuthUser,
    ApiJson(request): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<domain::Message>), Response> {
    match send_and_store(&state, request).await {
        Ok(stored) => Ok((StatusCode::CREATED, Json(stored))),
        Err(SendFailure {
            error,
            stored: None,
        }) => Err(error.into_response()),
        Err(SendFailure {
            error,
            stored: Some(stored),
        }) => {
            // keep WPPConnect's reason (e.g. "O número … não existe.") for the person
            let reason = error.message();
            let status = error.into_response().status();
            let body = json!({"error": "send_failed", "message": format!("the message could not be sent: {reason}"), "stored": stored});
            Err((status, Json(body)).into_response())
        }
    }
}

#[derive(Deserialize)]
struct SessionQuery {
    session: Option<String>,
    page: Option<u32>,
    limit: Option<u32>,
}

async fn conversations(
    State(state): State<AppState>,
    _user: AuthUser,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<Json<Vec<domain::Conversation>>, ApiError> {
    let session = optional_session(query.session.as_deref())?;
    Ok(Json(
        state
            .store
            .conversations(session.as_ref().map(SessionName::as_str))
            .await?,
    ))
}

async fn messages(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<Json<super::store::Page>, ApiError> {
    let session = optional_session(query.session.as_deref())?;
    let page = state
        .store
        .messages(
            session.as_ref().map(SessionName::as_str),
            &id,
            query.page.unwrap_or(1),
            query.limit.unwrap_or(50),
        )
        .await?;
    Ok(Json(page))
}

async fn mark_read(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<Json<Value>, ApiError> {
    let session = optional_session(query.session.as_deref())?;
    if !state
        .store
        .mark_read(session.as_ref().map(SessionName::as_str), &id)
        .await?
    {
        return Err(ApiError::NotFound(format!(
            "no conversation {}",
            shorten(&id, 100)
        )));
    }
    if let Some(session) = &session {
        // best effort: the blue ticks on the contact's phone
        if let Ok(handle) = state.client.session(session.as_str()) {
            if let Err(error) = handle.send_seen(&id).await {
                let error = redact(&error.to_string());
                tracing::debug!(%error, "send-seen failed");
            }
        }
    }
    Ok(Json(json!({"id": id, "unreadCount": 0})))
}

async fn events(
    State(state): State<AppState>,
    _user: AuthUser,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let session = optional_session(query.session.as_deref())?;
    Ok(state.realtime.sse(session.map(String::from)))
}

/// `GET /health`: `{"status": "up"|"down"}` (503 when down) for anyone; the details
/// (WPPConnect per session, database, real-time) only with a valid JWT. See [`super::health`].
async fn health(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    let report = state.health.report(&state).await;
    let status = if report.healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    match user {
        Some(_) => (status, Json(report.details.clone())).into_response(),
        None => (
            status,
            Json(json!({"status": if report.healthy { "up" } else { "down" }})),
        )
            .into_response(),
    }
}

/// `GET /api/health`: the details of `/health`, and 401 without a valid JWT.
async fn health_details(State(state): State<AppState>, _user: AuthUser) -> Response {
    let report = state.health.report(&state).await;
    let status = if report.healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report.details.clone())).into_response()
}
