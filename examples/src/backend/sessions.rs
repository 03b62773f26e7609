//! Sessions: `GET /api/sessions`, `GET /api/sessions/{name}`, `POST /api/sessions/{name}/start`
//! (a QR code, or a pairing code with `{"phone": …}`; `{"server": …}` places a new session on
//! that WPPConnect server), `POST /api/sessions/{name}/logout`. Each session's calls go to its
//! server (see [`super::servers`]); `GET /api/sessions` shows it as `server`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use wppconnect_models::domain::{self, SessionStatus};
use wppconnect_models::SessionName;

use super::error::ApiError;
use super::events::Push;
use super::input;
use super::redact::redact;
use super::roles::Caller;
use super::AppState;

/// How long a start waits for the first QR code (or pairing code) before answering without it.
const CODE_WAIT: std::time::Duration = std::time::Duration::from_secs(3);
/// How often it looks.
const CODE_POLL: std::time::Duration = std::time::Duration::from_millis(150);

/// The session routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/sessions", get(list_sessions))
        .route("/api/sessions/{name}", get(get_session))
        .route("/api/sessions/{name}/start", post(start_session))
        .route("/api/sessions/{name}/logout", post(logout_session))
}

async fn list_sessions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<serde_json::Value>>, ApiError> {
    let mut sessions = Vec::new();
    for name in state.store.session_names().await? {
        if !caller.may_read(&name) {
            continue;
        }
        if let Some(session) = state.store.session(&name).await? {
            sessions.push(session);
        }
    }
    let placements = state.servers.placements(&state.store).await?;
    let mut sessions = super::heal::annotate(&state, sessions);
    state.servers.annotate(&mut sessions, &placements);
    Ok(Json(sessions))
}

/// The session as the server sees it now, merged with what the store knows; a change is
/// stored and pushed.
pub(super) async fn current_session(
    state: &AppState,
    name: &SessionName,
) -> Result<domain::Session, ApiError> {
    // read before asking the server, so a webhook that lands meanwhile is seen as newer
    let stored = state.store.session(name.as_str()).await?;
    let client = state.client_for(name.as_str()).await?;
    let server = client.session(name.as_str())?.status().await?;
    let mut session = domain::Session::from_state(name.as_str(), &server);
    if session.status != SessionStatus::Connecting {
        // a QR code or a pairing code only means something while the session waits for it
        session.qr_code = None;
        session.phone_code = None;
    }
    if let Some(stored) = &stored {
        session.last_connected = stored.last_connected;
        session.phone_number.clone_from(&stored.phone_number);
        if session.status == SessionStatus::Connecting
            && session.qr_code.is_none()
            && session.phone_code.is_none()
        {
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
            match client.session(name.as_str())?.get_phone_number().await {
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
            .push(name.as_str(), &Push::SessionStatus(session.clone()));
    }
    Ok(session)
}

async fn get_session(
    State(state): State<AppState>,
    _caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<domain::Session>, ApiError> {
    let name = input::session_name(&name)?;
    Ok(Json(current_session(&state, &name).await?))
}

/// The optional body of a start: a phone number asks for a pairing code instead of a QR code;
/// a server places a new session on it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartRequest {
    phone: Option<String>,
    server: Option<String>,
}

async fn start_session(
    State(state): State<AppState>,
    _caller: Caller,
    Path(name): Path<String>,
    body: Bytes,
) -> Result<Json<domain::Session>, ApiError> {
    let name = input::session_name(&name)?;
    let start: StartRequest = if body.iter().all(u8::is_ascii_whitespace) {
        StartRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest(format!("a malformed start request: {e}")))?
    };
    let phone = start
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(input::phone)
        .transpose()?;
    let placed = state
        .servers
        .place(&state.store, name.as_str(), start.server.as_deref())
        .await?;
    super::heal::started(&state, name.as_str()).await;
    let mut request = placed
        .client
        .session(name.as_str())?
        .start()
        .webhook(state.webhook_url(name.as_str()));
    if let Some(phone) = &phone {
        request = request.phone(phone.digits());
    }
    let before = match request.await {
        Ok(before) => before,
        Err(error) => {
            if placed.fresh && error.is_not_sent() {
                // it never reached the server (down): the next start places it again. A start
                // that may have reached it keeps its server, so it is never on two.
                state
                    .servers
                    .forget(&state.store, name.as_str(), &placed.server)
                    .await;
            }
            return Err(error.into());
        }
    };
    tracing::info!(session = %name, server = placed.server, before = %before.status, pairing = phone.is_some(), "session started");
    // The server answers the state before the start; give its QR code (or pairing code) a
    // moment to appear so the answer can carry it (it is pushed as `session-status` either way).
    let deadline = tokio::time::Instant::now() + CODE_WAIT;
    let mut session = current_session(&state, &name).await?;
    while session.qr_code.is_none()
        && session.phone_code.is_none()
        && matches!(
            session.status,
            SessionStatus::Connecting | SessionStatus::Disconnected
        )
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(CODE_POLL).await;
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
    _caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<domain::Session>, ApiError> {
    let name = input::session_name(&name)?;
    state
        .client_for(name.as_str())
        .await?
        .session(name.as_str())?
        .logout()
        .await?;
    super::heal::logged_out(&state, name.as_str()).await;
    let session = state
        .store
        .set_session(name.as_str(), SessionStatus::Disconnected, None)
        .await?;
    state
        .realtime
        .push(name.as_str(), &Push::SessionStatus(session.clone()));
    Ok(Json(session))
}
