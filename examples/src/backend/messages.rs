//! Sending: `POST /api/messages` (a text as JSON, or a file as `multipart/form-data`, also at
//! `POST /api/messages/file`) and the socket.io `send-message` event. Each send is checked,
//! committed `pending` under the client's id with its row of the [`outbox`] (one
//! transaction), pushed, and answered 202 at once; the outbox worker sends it to WPPConnect
//! Server exactly once (a file to `send-file`, as a data URL), then stores it `sent` under the
//! server's id or `failed`, and pushes a `status-update`; the client id stays with the message
//! throughout.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use serde::Deserialize;
use wppconnect_models::domain::{self, ClientId, MessageStatus};
use wppconnect_models::{MessageType, PhoneNumber, SessionName};

use super::error::{ApiError, ApiJson, ApiQuery};
use super::events::Push;
use super::input;
use super::outbox::{self, Payload};
use super::roles::Caller;
use super::AppState;

/// The largest request `POST /api/messages` reads (a file and its fields): 16 MiB, WhatsApp's
/// limit for images and videos.
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

/// The message routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/messages",
            post(send_message).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(
            "/api/messages/file",
            post(send_file).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/api/messages/{client_id}/delivery", get(delivery))
}

#[derive(Debug, Deserialize)]
struct DeliveryQuery {
    session: String,
}

/// `GET /api/messages/{clientId}/delivery?session=`: the send's outbox row (`state`: `queued`,
/// `sending`, `sent`, `failed`, `unknown`; `reason`; `messageId`), 404 when this backend never
/// queued it.
async fn delivery(
    State(state): State<AppState>,
    _caller: Caller,
    Path(client_id): Path<String>,
    ApiQuery(query): ApiQuery<DeliveryQuery>,
) -> Result<Json<outbox::Entry>, ApiError> {
    let session = input::session_name(&query.session)?;
    let client_id = input::client_id(Some(&client_id))?;
    outbox::entry(&state.store, session.as_str(), client_id.as_str())
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no send {client_id} in session {session}")))
}

/// A text to send (JSON body of `POST /api/messages`, socket.io `send-message`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SendMessageRequest {
    session_name: String,
    phone: String,
    message: String,
    quoted_message_id: Option<String>,
    client_id: Option<String>,
}

/// A file to send, read from a multipart form.
struct SendFileRequest {
    session: String,
    to: String,
    caption: Option<String>,
    client_id: Option<String>,
    file_name: String,
    mime: String,
    bytes: Bytes,
}

/// What goes to the server, checked.
enum Outgoing {
    Text {
        text: String,
        quoted: Option<String>,
    },
    File {
        caption: Option<String>,
        file_name: String,
        mime: String,
        bytes: Bytes,
    },
}

/// A send, checked: nothing reaches the server or the store before this.
struct Checked {
    session: SessionName,
    phone: PhoneNumber,
    client_id: ClientId,
    outgoing: Outgoing,
}

impl SendMessageRequest {
    /// A text send built by the backend itself (an automatic reply), as `POST /api/messages`
    /// would take it.
    pub(super) fn text(
        session_name: String,
        phone: String,
        message: String,
        client_id: String,
    ) -> Self {
        Self {
            session_name,
            phone,
            message,
            quoted_message_id: None,
            client_id: Some(client_id),
        }
    }

    fn check(self) -> Result<Checked, ApiError> {
        Ok(Checked {
            session: input::session_name(&self.session_name)?,
            phone: input::phone(&self.phone)?,
            client_id: input::client_id(self.client_id.as_deref())?,
            outgoing: Outgoing::Text {
                text: input::text(&self.message)?.to_owned(),
                quoted: self.quoted_message_id,
            },
        })
    }
}

impl SendFileRequest {
    fn check(self) -> Result<Checked, ApiError> {
        if self.bytes.is_empty() {
            return Err(ApiError::BadRequest("the file is empty".to_owned()));
        }
        Ok(Checked {
            session: input::session_name(&self.session)?,
            phone: input::phone(&self.to)?,
            client_id: input::client_id(self.client_id.as_deref())?,
            outgoing: Outgoing::File {
                caption: self.caption.filter(|c| !c.trim().is_empty()),
                file_name: self.file_name,
                mime: self.mime,
                bytes: self.bytes,
            },
        })
    }

    /// Reads the form: text fields `session`, `to`, `caption`, `clientId` (or the JSON body's
    /// names `sessionName`, `phone`, `message`) and one file field `file`.
    async fn read(mut form: Multipart) -> Result<Self, ApiError> {
        let bad = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(format!(
                    "a request to send a file is at most {MAX_UPLOAD_BYTES} bytes"
                ))
            } else {
                ApiError::BadRequest(format!("a malformed form: {}", e.body_text()))
            }
        };
        let (mut session, mut to, mut caption, mut client_id, mut file) =
            (None, None, None, None, None);
        while let Some(field) = form.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                let file_name = field
                    .file_name()
                    .map(str::to_owned)
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| "file".to_owned());
                let mime = field
                    .content_type()
                    .map(str::to_owned)
                    .unwrap_or_else(|| "application/octet-stream".to_owned());
                file = Some((file_name, mime, field.bytes().await.map_err(bad)?));
                continue;
            }
            let value = field.text().await.map_err(bad)?;
            match name.as_str() {
                "session" | "sessionName" => session = Some(value),
                "to" | "phone" => to = Some(value),
                "caption" | "message" => caption = Some(value),
                "clientId" => client_id = Some(value),
                _ => {} // unknown fields are ignored, as in the JSON body
            }
        }
        let missing =
            |field: &str| ApiError::BadRequest(format!("the form has no `{field}` field"));
        let (file_name, mime, bytes) = file.ok_or_else(|| missing("file"))?;
        Ok(Self {
            session: session.ok_or_else(|| missing("session"))?,
            to: to.ok_or_else(|| missing("to"))?,
            caption,
            client_id,
            file_name,
            mime,
            bytes,
        })
    }
}

/// `POST /api/messages`: a JSON text send or a multipart file send, answered 202 with the
/// pending message (its outcome comes as a `status-update` push).
async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<(StatusCode, Json<domain::Message>), ApiError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let checked = if multipart {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        SendFileRequest::read(form).await?.check()?
    } else {
        let ApiJson(body) = ApiJson::<SendMessageRequest>::from_request(request, &state).await?;
        body.check()?
    };
    caller.check_send(checked.session.as_str())?;
    let stored = send_and_store(&state, checked).await?;
    Ok((StatusCode::ACCEPTED, Json(stored)))
}

/// `POST /api/messages/file`: the multipart file send of `POST /api/messages` on a route of its
/// own (a body that is not a form is a 400).
async fn send_file(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<domain::Message>), ApiError> {
    let form = form.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let checked = SendFileRequest::read(form).await?.check()?;
    caller.check_send(checked.session.as_str())?;
    let stored = send_and_store(&state, checked).await?;
    Ok((StatusCode::ACCEPTED, Json(stored)))
}

/// A text send from socket.io by `caller`: their grant checked, then queued (sent once by the
/// outbox).
pub(super) async fn send_text_as(
    state: &AppState,
    caller: &Caller,
    request: SendMessageRequest,
) -> Result<domain::Message, ApiError> {
    let checked = request.check()?;
    caller.check_send(checked.session.as_str())?;
    send_and_store(state, checked).await
}

/// The backend's own text send (an automatic reply): checked, queued (sent once by the outbox).
pub(super) async fn send_text(
    state: &AppState,
    request: SendMessageRequest,
) -> Result<domain::Message, ApiError> {
    send_and_store(state, request.check()?).await
}

/// A text of ours to `phone` as stored before the server has it: `pending`, under the client's
/// id (`client_id`) until the server gives its own.
pub(super) fn pending_text(
    client_id: &str,
    phone: &PhoneNumber,
    content: String,
    timestamp: i64,
) -> domain::Message {
    domain::Message {
        id: client_id.to_owned(),
        client_id: Some(client_id.to_owned()),
        conversation_id: phone.to_chat_id().to_string(),
        sender_id: String::new(),
        sender_name: None,
        content,
        message_type: MessageType::Chat,
        timestamp,
        status: MessageStatus::Pending,
        is_from_me: true,
        quoted_message: None,
        media_url: None,
        mime_type: None,
        file_name: None,
        file_size: None,
        location: None,
    }
}

/// The message type a file is shown as, from its MIME type.
fn file_type(mime: &str) -> MessageType {
    match mime.split('/').next() {
        Some("image") => MessageType::Image,
        Some("video") => MessageType::Video,
        Some("audio") => MessageType::Audio,
        _ => MessageType::Document,
    }
}

/// Commits the message as pending with its outbox row (one transaction), pushes it, and wakes
/// the outbox worker, which sends it exactly once. Returns the pending message. A client id sent
/// before is answered 409 with that message, and nothing is queued.
async fn send_and_store(state: &AppState, send: Checked) -> Result<domain::Message, ApiError> {
    let Checked {
        session: name,
        phone,
        client_id,
        outgoing,
    } = send;
    if let Some(earlier) = state
        .store
        .message_by_client_id(name.as_str(), client_id.as_str())
        .await?
    {
        return Err(ApiError::Duplicate(Box::new(earlier)));
    }
    let session = state
        .client_for(name.as_str())
        .await?
        .session(name.as_str())?;
    let mut pending = pending_text(
        client_id.as_str(),
        &phone,
        String::new(),
        wppconnect_models::Seconds::now().get(),
    );
    // checked (and built) before anything is stored: a refusal stores nothing
    let payload = match outgoing {
        Outgoing::Text { text, quoted } => {
            let mut request = session.send_message(phone.digits(), text.clone());
            if let Some(quoted) = &quoted {
                request = request.quoted(quoted);
            }
            let body = request.into_body()?;
            pending.content = text;
            pending.quoted_message = quoted;
            Payload::Text { body }
        }
        Outgoing::File {
            caption,
            file_name,
            mime,
            bytes,
        } => {
            pending.message_type = file_type(&mime);
            pending.content = caption.clone().unwrap_or_default();
            pending.file_size = u64::try_from(bytes.len()).ok();
            pending.file_name = Some(file_name.clone());
            pending.mime_type = Some(mime.clone());
            // The file goes as the data URL the server's `send-file` reads in JSON (`base64`),
            // not as a multipart upload: the server reads both, but the simulator the backend
            // starts without WPPCONNECT_URL reads no multipart form. The outbox keeps its bytes
            // (base64) until it is sent.
            Payload::File {
                caption,
                file_name,
                mime,
                base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
            }
        }
    };
    let mut batch = state.store.begin().await?;
    let queued = outbox::enqueue(
        &mut batch,
        name.as_str(),
        phone.digits(),
        &pending,
        &payload,
        None,
    )
    .await;
    // the batch is consumed here: rolled back (and its connection given back) before the
    // lookup of a duplicate below
    let push = Push::new_message(pending.clone());
    let queued = match (queued, batch) {
        (Ok(true), mut batch) => {
            // logged with the message, so the relays (NATS, CRM webhooks) get our sends too
            batch
                .append_events(&super::relay::log::rows([(name.as_str(), &push)]))
                .await?;
            batch.commit().await?;
            true
        }
        // a concurrent request with the same client id stored it first (and the outbox may
        // have sent it already, so that its id is the server's and only the client id clashes)
        (Ok(false), _) => false,
        (Err(error), _) if error.is_unique_violation() => false,
        (Err(error), _) => return Err(error.into()),
    };
    if !queued {
        return match state
            .store
            .message_by_client_id(name.as_str(), client_id.as_str())
            .await?
        {
            Some(earlier) => Err(ApiError::Duplicate(Box::new(earlier))),
            None => Err(ApiError::BadRequest(
                "a message with this id is stored already".to_owned(),
            )),
        };
    }
    state.realtime.push(name.as_str(), &push);
    state.outbox.wake();
    Ok(pending)
}
