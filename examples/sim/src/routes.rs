//! The HTTP surface: the real server's routes and quirks, plus control routes under `/sim`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::state::{Faults, Sim, QR_PNG};

type Shared = State<Arc<Sim>>;

pub(crate) fn app(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/api/{a}/{b}", any(two_segments))
        .route("/api/{a}/{b}/{c}", any(three_segments))
        .route("/healthz", any(healthz))
        .route("/sim/{session}/scan", post(control_scan))
        .route("/sim/{session}/incoming", post(control_incoming))
        .route("/sim/faults", post(control_faults))
        .fallback(not_found)
        .layer(axum::middleware::map_response(express_headers))
        .with_state(sim)
}

async fn express_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-powered-by", HeaderValue::from_static("Express"));
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    response
}

/// What the response hook of the server needs to know about the request.
struct Ctx {
    /// The request's Content-Type is exactly `application/json`.
    json_request: bool,
    /// The value of the `session` key the server would add.
    session_key: String,
}

impl Ctx {
    fn new(headers: &HeaderMap) -> Self {
        let json_request = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == b"application/json");
        Self {
            json_request,
            session_key: String::new(),
        }
    }

    /// A JSON answer, with the `session` key added as the real server does for JSON requests.
    fn json(&self, status: StatusCode, mut body: Value) -> Response {
        if self.json_request {
            if let Some(object) = body.as_object_mut() {
                object
                    .entry("session")
                    .or_insert_with(|| Value::String(self.session_key.clone()));
            }
        }
        (status, Json(body)).into_response()
    }
}

fn html(status: StatusCode, text: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>{text}</pre>\n</body>\n</html>\n"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

async fn not_found(method: Method, uri: Uri) -> Response {
    html(
        StatusCode::NOT_FOUND,
        &format!("Cannot {method} {}", uri.path()),
    )
}

async fn healthz() -> Response {
    Json(json!({"uptime": 1.0, "message": "OK", "timestamp": wppconnect_models::Millis::now().get()})).into_response()
}

/// The body as JSON (`{}` when empty); malformed JSON gets the server's HTML 400.
fn body_json(headers: &HeaderMap, body: &Bytes) -> Result<Value, Box<Response>> {
    if body.is_empty() {
        return Ok(json!({}));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_json {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) if value.is_object() || value.is_array() => Ok(value),
        Ok(_) => Err(Box::new(html(StatusCode::BAD_REQUEST, "SyntaxError: Unexpected token in JSON at position 0"))),
        Err(e) => Err(Box::new(html(
            StatusCode::BAD_REQUEST,
            &format!("SyntaxError: Unexpected token in JSON at position {}<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)", e.column()),
        ))),
    }
}

/// The auth middleware: path form `session:token`, else `Authorization: <word> <token>`.
fn authorize(
    sim: &Sim,
    segment: &str,
    headers: &HeaderMap,
    ctx: &Ctx,
) -> Result<String, Box<Response>> {
    let (session, token) = match segment.split_once(':') {
        Some((session, token)) => (session.to_owned(), Some(token.to_owned())),
        None => {
            let token = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(' ').nth(1))
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            (segment.to_owned(), token)
        }
    };
    let Some(token) = token else {
        return Err(Box::new(ctx.json(
            StatusCode::UNAUTHORIZED,
            json!({"message": "Token is not present. Check your header and try again"}),
        )));
    };
    if !sim.token_valid(&session, &token) {
        return Err(Box::new(ctx.json(
            StatusCode::UNAUTHORIZED,
            json!({"error": "Check that the Session and Token are correct"}),
        )));
    }
    Ok(session)
}

async fn three_segments(
    State(sim): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path((a, b, c)): Path<(String, String, String)>,
) -> Response {
    let ctx = Ctx::new(&headers);
    if method == Method::POST && c == "generate-token" {
        if b != sim.config.secret_key {
            return ctx.json(
                StatusCode::BAD_REQUEST,
                json!({"response": false, "message": "The SECRET_KEY is incorrect"}),
            );
        }
        let token = sim.mint_token(&a);
        return ctx.json(
            StatusCode::CREATED,
            json!({"status": "success", "session": a, "token": token, "full": format!("{a}:{token}")}),
        );
    }
    not_found(method, uri).await
}

async fn two_segments(
    State(sim): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Path((a, slug)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let mut ctx = Ctx::new(&headers);
    let body = match body_json(&headers, &body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    match (&method, slug.as_str()) {
        (&Method::GET, "show-all-sessions") => {
            return if a == sim.config.secret_key {
                ctx.json(StatusCode::OK, json!({"response": sim.known_sessions()}))
            } else {
                ctx.json(
                    StatusCode::BAD_REQUEST,
                    json!({"response": false, "message": "The token is incorrect"}),
                )
            };
        }
        (&Method::POST, "start-all") => {
            return if a == sim.config.secret_key {
                for name in sim.known_sessions() {
                    sim.start(&name, None, None);
                }
                ctx.json(
                    StatusCode::CREATED,
                    json!({"status": "success", "response": sim.known_sessions()}),
                )
            } else {
                ctx.json(
                    StatusCode::BAD_REQUEST,
                    json!({"response": "error", "message": "The token is incorrect"}),
                )
            };
        }
        _ => {}
    }
    let session = match authorize(&sim, &a, &headers, &ctx) {
        Ok(session) => session,
        Err(response) => return *response,
    };
    if sim.session(&session).is_some() {
        ctx.session_key.clone_from(&session);
    }
    let state = sim.session(&session);
    let status = state.as_ref().map_or("CLOSED", |s| s.status);
    let connected = status == "CONNECTED";
    let disconnected = || {
        ctx.json(
            StatusCode::NOT_FOUND,
            json!({"response": null, "status": "Disconnected", "message": "A sessão do WhatsApp não está ativa."}),
        )
    };
    match (method.clone(), slug.as_str()) {
        (Method::POST, "start-session") => {
            let webhook = body.get("webhook").and_then(Value::as_str).map(str::to_owned);
            let phone = body.get("phone").and_then(Value::as_str).map(str::to_owned);
            let before = sim.start(&session, webhook, phone);
            ctx.session_key.clone_from(&session);
            if state.is_none() {
                ctx.session_key.clear();
            }
            let mut answer = json!({"status": before.status, "qrcode": null});
            if before.status != "CLOSED" || state.is_some() {
                answer["version"] = "2.10.4".into();
            }
            ctx.json(StatusCode::OK, answer)
        }
        (Method::GET, "status-session") => {
            let mut answer = json!({"status": status, "qrcode": null});
            if let Some(state) = &state {
                answer["version"] = "2.10.4".into();
                if let Some((png, urlcode)) = &state.qr {
                    answer["qrcode"] = format!("data:image/png;base64,{png}").into();
                    answer["urlcode"] = urlcode.clone().into();
                }
                if let Some(code) = &state.phone_code {
                    answer["phoneCode"] = code.clone().into();
                }
            }
            ctx.json(StatusCode::OK, answer)
        }
        (Method::GET, "qrcode-session") => match &state {
            None => ctx.json(
                StatusCode::OK,
                json!({"status": null, "message": "Session not started. Please, use the /start-session route, for initialization your session"}),
            ),
            Some(s) if s.qr.is_some() => {
                use base64::Engine;
                let png = base64::engine::general_purpose::STANDARD.decode(QR_PNG).unwrap_or_default();
                ([(header::CONTENT_TYPE, "image/png")], png).into_response()
            }
            Some(s) => ctx.json(StatusCode::OK, json!({"status": s.status, "message": "QRCode is not available..."})),
        },
        (Method::GET, "check-connection-session") => ctx.json(
            StatusCode::OK,
            json!({"status": connected, "message": if connected { "Connected" } else { "Disconnected" }}),
        ),
        (Method::POST, "logout-session") => {
            if !connected {
                return disconnected();
            }
            sim.stop(&session);
            sim.post(&session, "logoutsession", json!({"message": format!("Session: {session} logged out"), "connected": false}));
            ctx.json(StatusCode::OK, json!({"status": true, "message": "Session successfully closed"}))
        }
        (Method::POST, "close-session") => {
            if state.is_none() || status == "CLOSED" {
                return ctx.json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"status": false, "message": "Error closing session", "error": {"level": "error"}}),
                );
            }
            sim.stop(&session);
            sim.post(&session, "closesession", json!({"message": format!("Session: {session} disconnected"), "connected": false}));
            ctx.json(StatusCode::OK, json!({"status": true, "message": "Session successfully closed"}))
        }
        (Method::POST, slug) if slug.starts_with("send-") => {
            if !connected {
                return disconnected();
            }
            send(&sim, &ctx, &session, slug, &body).await
        }
        _ => not_found(method, uri).await,
    }
}

/// The send routes: recipients through the connected-gate, then the route's answer.
async fn send(sim: &Arc<Sim>, ctx: &Ctx, session: &str, slug: &str, body: &Value) -> Response {
    let faults = sim.faults();
    if faults.stall_sends {
        std::future::pending::<()>().await;
    }
    if let Some(status) = sim.take_send_fault() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status == StatusCode::BAD_GATEWAY {
            return (status, "Bad Gateway").into_response();
        }
        return ctx.json(
            status,
            json!({"status": "Error", "message": "Erro ao enviar a mensagem.", "error": {}}),
        );
    }
    let phones: Vec<String> = match body.get("phone") {
        Some(Value::String(s)) => s
            .split([',', ';'])
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let flag = |key: &str| {
        body.get(key)
            .is_some_and(|v| v.as_bool().unwrap_or(!v.is_null() && v != ""))
    };
    let suffix = if flag("isGroup") {
        "@g.us"
    } else if flag("isNewsletter") {
        "@newsletter"
    } else if flag("isLid") {
        "@lid"
    } else {
        "@c.us"
    };
    let mut results = Vec::new();
    let mut missing = None;
    for phone in phones {
        let user: String = phone
            .split('@')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if suffix == "@c.us" && sim.config.unknown_numbers.contains(&user) {
            missing.get_or_insert(user);
            continue;
        }
        let to = format!("{user}{suffix}");
        let (kind, text) = match slug {
            "send-message" | "send-reply" => (
                "chat",
                body.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            ),
            "send-image" => ("image", ""),
            "send-voice" | "send-voice-base64" => ("ptt", ""),
            "send-location" => ("location", ""),
            "send-sticker" => ("sticker", ""),
            _ => ("document", ""),
        };
        let message = sim.sent(session, &to, kind, text);
        results.push(match slug {
            "send-message" | "send-reply" => message,
            _ => json!({"ack": 0, "id": message["id"]}),
        });
    }
    if let Some(user) = missing {
        return ctx.json(
            StatusCode::BAD_REQUEST,
            json!({"response": null, "status": "Connected", "message": format!("O número {user} não existe.")}),
        );
    }
    ctx.json(
        StatusCode::CREATED,
        json!({"status": "success", "response": results, "mapper": "return"}),
    )
}

async fn control_scan(State(sim): Shared, Path(session): Path<String>) -> Response {
    match sim.scan(&session).await {
        Ok(()) => Json(json!({"status": "CONNECTED"})).into_response(),
        Err(e) => (StatusCode::CONFLICT, Json(json!({"error": e.to_string()}))).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct Incoming {
    from: String,
    body: String,
}

async fn control_incoming(
    State(sim): Shared,
    Path(session): Path<String>,
    Json(incoming): Json<Incoming>,
) -> Response {
    match sim.incoming(&session, &incoming.from, &incoming.body).await {
        Ok(id) => Json(json!({"id": id})).into_response(),
        Err(e) => (StatusCode::CONFLICT, Json(json!({"error": e.to_string()}))).into_response(),
    }
}

async fn control_faults(State(sim): Shared, Json(faults): Json<Faults>) -> Response {
    sim.set_faults(faults.clone());
    Json(faults).into_response()
}
