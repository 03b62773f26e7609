//! The HTTP surface: Express's behaviour (headers, ETag, error pages, body parsing, path
//! decoding), the auth middleware, the control routes under `/sim`, and the entry that hands
//! every other request to [`crate::dispatch`] (the server's route table).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use base64::Engine as _;
use serde_json::{json, Value};
use wppconnect_models::session::SessionStatus;

use crate::obj::Obj;
use crate::state::Sim;
use crate::{ControlError, Faults};

type Shared = State<Arc<Sim>>;

pub(crate) fn app(sim: Arc<Sim>) -> Router {
    Router::new()
        // the static files of swagger-ui-express under `/api-docs/` (not routes of the table)
        .route("/api-docs/", any(crate::areas::ops::api_docs_page))
        .route(
            "/api-docs/swagger-ui-init.js",
            any(crate::areas::ops::api_docs_init),
        )
        .route("/sim/faults", get(get_faults).post(set_faults))
        .route("/sim/{session}/scan", post(control_scan))
        .route("/sim/{session}/incoming", post(control_incoming))
        .route("/sim/{session}/browser-close", post(control_browser_close))
        .route("/sim/{session}/messages", get(control_messages))
        // every route of the server's table, through `dispatch`
        .fallback(server_route)
        // the server's `express.json({ limit: '50mb' })`
        .layer(axum::extract::DefaultBodyLimit::max(50 * 1024 * 1024))
        .layer(axum::middleware::map_response(express_headers))
        .with_state(sim)
}

/// The headers every Express response carries.
async fn express_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-powered-by", HeaderValue::from_static("Express"));
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
    headers.insert("keep-alive", HeaderValue::from_static("timeout=5"));
    response
}

/// Express's weak ETag shape: `W/"<length in hex>-<27 base64 characters>"`.
pub(crate) fn etag(body: &[u8]) -> HeaderValue {
    let mut digest = [0_u8; 20];
    for (round, chunk) in digest.chunks_mut(8).enumerate() {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        round.hash(&mut hasher);
        body.hash(&mut hasher);
        let bytes = hasher.finish().to_be_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest);
    let value = format!("W/\"{:x}-{}\"", body.len(), &b64[..27]);
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("W/\"0-0\""))
}

pub(crate) fn with_body(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let tag = etag(&body);
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::ETAG, tag),
        ],
        body,
    )
        .into_response()
}

/// Express's `res.json`.
pub(crate) fn json_text(status: StatusCode, text: String) -> Response {
    with_body(status, "application/json; charset=utf-8", text.into_bytes())
}

/// What the server's response hook needs to know about the request.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// The request's Content-Type is exactly `application/json`.
    pub(crate) json_request: bool,
    /// The `session` key the hook adds (`None`: the key is left out).
    pub(crate) session_key: Option<String>,
}

impl Ctx {
    pub(crate) fn new(headers: &HeaderMap) -> Self {
        let json_request = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == b"application/json");
        Self {
            json_request,
            session_key: Some(String::new()),
        }
    }

    /// A JSON object answer, with the `session` key added as the real server does for requests
    /// whose Content-Type is exactly `application/json`.
    pub(crate) fn json(&self, status: StatusCode, mut body: Obj) -> Response {
        if self.json_request && !body.contains("session") {
            if let Some(session) = &self.session_key {
                body.set("session", session.clone());
            }
        }
        json_text(status, body.to_json())
    }

    pub(crate) fn disconnected(&self) -> Response {
        self.json(
            StatusCode::NOT_FOUND,
            Obj::new()
                .with("response", Value::Null)
                .with("status", "Disconnected")
                .with("message", "A sessão do WhatsApp não está ativa."),
        )
    }
}

/// Express's HTML error page (finalhandler).
pub(crate) fn html_error(status: StatusCode, text: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>{text}</pre>\n</body>\n</html>\n"
    );
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'"),
    );
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) fn not_found(method: &Method, uri: &Uri) -> Response {
    html_error(
        StatusCode::NOT_FOUND,
        &format!("Cannot {method} {}", escape_html(uri.path())),
    )
}

/// Every request that is not a control route or a Swagger asset: the route of the server's
/// table it matches (`dispatch`), with Express's order: the path parameters are decoded (a
/// URIError page when one does not decode), then the body is parsed (an HTML 400 when it is
/// malformed, even on an unknown route), then the route runs; no route is the HTML 404.
async fn server_route(
    State(sim): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let segments: Vec<&str> = uri.path().split('/').skip(1).collect();
    let found = crate::dispatch::find(method.as_str(), &segments);
    let params = match &found {
        Some(entry) => match decode_params(&sim, entry.route, &segments) {
            Ok(params) => params,
            Err(response) => return *response,
        },
        None => Vec::new(),
    };
    let body_len = body.len();
    let body = match parse_body(&sim, &headers, &body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let Some(entry) = found else {
        return not_found(&method, &uri);
    };
    let request = crate::dispatch::Incoming {
        headers,
        query,
        body,
        params,
        body_len,
    };
    crate::dispatch::run(&sim, entry, request).await
}

/// body-parser's `json()` (strict): `{}` without a JSON body, an HTML 400 when malformed, with
/// the message `JSON.parse` gives on Node 20 (the real server's runtime).
pub(crate) fn parse_body(
    sim: &Sim,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, Box<Response>> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if !is_json || body.is_empty() {
        return Ok(json!({}));
    }
    let text = String::from_utf8_lossy(body);
    let message = match serde_json::from_slice::<Value>(body) {
        Ok(value) if value.is_object() || value.is_array() => return Ok(value),
        Ok(_) => crate::node::strict_violation(&text),
        Err(error) => crate::node::json_parse_error(&text, &error),
    };
    let frames = [
        "at JSON.parse (<anonymous>)",
        "at parse (/usr/src/wpp-server/node_modules/body-parser/lib/types/json.js:92:19)",
        "at /usr/src/wpp-server/node_modules/body-parser/lib/read.js:128:18",
        "at AsyncResource.runInAsyncScope (node:async_hooks:206:9)",
        "at invokeCallback (/usr/src/wpp-server/node_modules/raw-body/index.js:238:16)",
        "at done (/usr/src/wpp-server/node_modules/raw-body/index.js:227:7)",
        "at IncomingMessage.onEnd (/usr/src/wpp-server/node_modules/raw-body/index.js:287:7)",
        "at IncomingMessage.emit (node:events:517:28)",
        "at endReadableNT (node:internal/streams/readable:1400:12)",
        "at process.processTicksAndRejections (node:internal/process/task_queues:82:21)",
    ];
    Err(Box::new(express_error(
        sim,
        StatusCode::BAD_REQUEST,
        &format!("SyntaxError: {message}"),
        &frames,
    )))
}

/// finalhandler's page for an error: the stack (escaped, lines joined with `<br>`) in
/// development, the status text alone with `NODE_ENV=production`.
pub(crate) fn express_error(
    sim: &Sim,
    status: StatusCode,
    first_line: &str,
    frames: &[&str],
) -> Response {
    if sim.config.production {
        return html_error(status, status.canonical_reason().unwrap_or_default());
    }
    let mut stack = escape_html(first_line);
    for frame in frames {
        stack.push_str("<br> &nbsp; &nbsp;");
        stack.push_str(&escape_html(frame));
    }
    html_error(status, &stack)
}

/// Express's `decode_param` on the parameters of the matched route: `decodeURIComponent`, and
/// a 400 URIError page naming the first segment that does not decode. Answers the parameters
/// by name (`session`, `secretkey`, `groupId`…), in order.
fn decode_params(
    sim: &Sim,
    route: &'static wppconnect_client::routes::Route,
    segments: &[&str],
) -> Result<Vec<(&'static str, String)>, Box<Response>> {
    let mut params = Vec::new();
    let templates = route.path().split('/').skip(1);
    for (template, segment) in templates.zip(segments) {
        let Some(name) = template.strip_prefix(':') else {
            continue;
        };
        match crate::node::decode_uri_component(segment) {
            Some(decoded) => params.push((name, decoded)),
            None => {
                let frames = [
                    "at decodeURIComponent (<anonymous>)",
                    "at decode_param (/usr/src/wpp-server/node_modules/express/lib/router/layer.js:172:12)",
                    "at Layer.match (/usr/src/wpp-server/node_modules/express/lib/router/layer.js:148:15)",
                    "at matchLayer (/usr/src/wpp-server/node_modules/express/lib/router/index.js:585:18)",
                    "at next (/usr/src/wpp-server/node_modules/express/lib/router/index.js:226:15)",
                ];
                return Err(Box::new(express_error(
                    sim,
                    StatusCode::BAD_REQUEST,
                    &format!("URIError: Failed to decode param '{segment}'"),
                    &frames,
                )));
            }
        }
    }
    Ok(params)
}

/// client refuse it: 400 `{"error", "reason"}`, unless the builder's `any_session_name()` asks for
/// the real server's leniency.
pub(crate) fn check_session(sim: &Sim, name: &str) -> Result<(), Box<Response>> {
    if sim.config.any_session_name && !name.is_empty() {
        return Ok(());
    }
    match wppconnect_models::SessionName::new(name) {
        Ok(_) => Ok(()),
        Err(error) => {
            let mut reason = error.to_string();
            if let Some((end, _)) = reason.char_indices().nth(200) {
                reason.truncate(end);
            }
            Err(Box::new(
                (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({"error": "invalid session name", "reason": reason})),
                )
                    .into_response(),
            ))
        }
    }
}

/// The auth middleware: path form `session:token`, else `Authorization: <word> <token>`.
pub(crate) fn authorize(
    sim: &Sim,
    segment: &str,
    headers: &HeaderMap,
    ctx: &Ctx,
) -> Result<String, Box<Response>> {
    let (session, token) = match segment.split_once(':') {
        Some((session, token)) => (session, Some(token)),
        None => {
            let token = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(' ').nth(1))
                .filter(|t| !t.is_empty());
            (segment, token)
        }
    };
    check_session(sim, session)?;
    let Some(token) = token else {
        return Err(Box::new(ctx.json(
            StatusCode::UNAUTHORIZED,
            Obj::new().with(
                "message",
                "Token is not present. Check your header and try again",
            ),
        )));
    };
    if !sim.token_valid(session, token) {
        return Err(Box::new(ctx.json(
            StatusCode::UNAUTHORIZED,
            Obj::new().with("error", "Check that the Session and Token are correct"),
        )));
    }
    Ok(session.to_owned())
}

// ---- control routes ------------------------------------------------------------------------

fn control_error(error: &ControlError) -> Response {
    let status = match error {
        ControlError::UnknownSession(_) => StatusCode::NOT_FOUND,
        ControlError::InvalidPhone(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::CONFLICT,
    };
    (status, axum::Json(json!({"error": error.to_string()}))).into_response()
}

fn bad_request(reason: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": "bad request", "reason": reason})),
    )
        .into_response()
}

async fn control_scan(State(sim): Shared, Path(session): Path<String>) -> Response {
    if let Err(response) = check_session(&sim, &session) {
        return *response;
    }
    match sim.scan(&session) {
        Ok(()) => axum::Json(json!({"status": SessionStatus::Connected.as_str()})).into_response(),
        Err(error) => control_error(&error),
    }
}

async fn control_browser_close(State(sim): Shared, Path(session): Path<String>) -> Response {
    match sim.browser_close(&session) {
        Ok(()) => axum::Json(json!({"status": SessionStatus::Closed.as_str()})).into_response(),
        Err(error) => control_error(&error),
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
    body: Bytes,
) -> Response {
    if let Err(response) = check_session(&sim, &session) {
        return *response;
    }
    let incoming: Incoming = match serde_json::from_slice(&body) {
        Ok(incoming) => incoming,
        Err(error) => return bad_request(&format!("expected {{\"from\", \"body\"}}: {error}")),
    };
    match sim.incoming(&session, &incoming.from, &incoming.body) {
        Ok(id) => (StatusCode::CREATED, axum::Json(json!({"id": id}))).into_response(),
        Err(error) => control_error(&error),
    }
}

async fn control_messages(State(sim): Shared, Path(session): Path<String>) -> Response {
    if let Err(response) = check_session(&sim, &session) {
        return *response;
    }
    let messages: Vec<Value> = sim.messages(&session).iter().map(Obj::to_value).collect();
    axum::Json(messages).into_response()
}

async fn get_faults(State(sim): Shared) -> Response {
    axum::Json(sim.faults()).into_response()
}

async fn set_faults(State(sim): Shared, body: Bytes) -> Response {
    let faults: Faults = match serde_json::from_slice(&body) {
        Ok(faults) => faults,
        Err(error) => return bad_request(&format!("not a faults object: {error}")),
    };
    sim.set_faults(faults.clone());
    axum::Json(faults).into_response()
}
