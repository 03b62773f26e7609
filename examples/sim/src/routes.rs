//! The HTTP surface: the real server's routes and quirks, plus control routes under `/sim`.

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
use wppconnect_models::Millis;
use wppconnect_models::Seconds;

use crate::obj::Obj;
use crate::state::{Content, Sim};
use crate::{ControlError, Faults};

type Shared = State<Arc<Sim>>;

pub(crate) fn app(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/api/{a}/{b}", any(two_segments))
        .route("/api/{a}/{b}/{c}", any(three_segments))
        .route("/healthz", any(healthz))
        .route("/metrics", any(metrics))
        .route("/api-docs", any(api_docs_redirect))
        .route("/api-docs/", any(api_docs_page))
        .route("/api-docs/swagger-ui-init.js", any(api_docs_init))
        .route("/sim/faults", get(get_faults).post(set_faults))
        .route("/sim/{session}/scan", post(control_scan))
        .route("/sim/{session}/incoming", post(control_incoming))
        .route("/sim/{session}/browser-close", post(control_browser_close))
        .route("/sim/{session}/messages", get(control_messages))
        .fallback(fallback)
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
fn etag(body: &[u8]) -> HeaderValue {
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

fn with_body(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
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
fn json_text(status: StatusCode, text: String) -> Response {
    with_body(status, "application/json; charset=utf-8", text.into_bytes())
}

/// What the server's response hook needs to know about the request.
struct Ctx {
    /// The request's Content-Type is exactly `application/json`.
    json_request: bool,
    /// The `session` key the hook adds (`None`: the key is left out).
    session_key: Option<String>,
}

impl Ctx {
    fn new(headers: &HeaderMap) -> Self {
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
    fn json(&self, status: StatusCode, mut body: Obj) -> Response {
        if self.json_request && !body.contains("session") {
            if let Some(session) = &self.session_key {
                body.set("session", session.clone());
            }
        }
        json_text(status, body.to_json())
    }

    fn disconnected(&self) -> Response {
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
fn html_error(status: StatusCode, text: &str) -> Response {
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

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn not_found(method: &Method, uri: &Uri) -> Response {
    html_error(
        StatusCode::NOT_FOUND,
        &format!("Cannot {method} {}", escape_html(uri.path())),
    )
}

/// Unknown routes: body-parser runs first, so malformed JSON is still a 400.
async fn fallback(
    State(sim): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = parse_body(&sim, &headers, &body) {
        return *response;
    }
    not_found(&method, &uri)
}

/// body-parser's `json()` (strict): `{}` without a JSON body, an HTML 400 when malformed, with
/// the message `JSON.parse` gives on Node 20 (the real server's runtime).
fn parse_body(sim: &Sim, headers: &HeaderMap, body: &Bytes) -> Result<Value, Box<Response>> {
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
fn express_error(sim: &Sim, status: StatusCode, first_line: &str, frames: &[&str]) -> Response {
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

/// Express's `decode_param` on the `/api/…` segments after `/api/`: `decodeURIComponent`, and
/// a 400 URIError page naming the first segment that does not decode.
fn decode_params<const N: usize>(sim: &Sim, uri: &Uri) -> Result<[String; N], Box<Response>> {
    let raw: Vec<&str> = uri.path().split('/').skip(2).collect();
    let mut params: [String; N] = std::array::from_fn(|_| String::new());
    for (slot, segment) in params.iter_mut().zip(raw) {
        match crate::node::decode_uri_component(segment) {
            Some(decoded) => *slot = decoded,
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

/// `GET /metrics`: the Prometheus text of `prom-client`'s default metrics (process and Node.js;
/// the values are the simulator's own, or stand-ins where Rust has no equivalent).
async fn metrics(State(sim): Shared, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET {
        return not_found(&method, &uri);
    }
    if Ctx::new(&headers).json_request {
        // observed: with exactly `application/json` the response hook throws; no answer ever
        sim.stall().await;
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let start = Seconds::now().get() as f64 - sim.uptime();
    let text = format!(
        "# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.\n\
# TYPE process_cpu_user_seconds_total counter\n\
process_cpu_user_seconds_total 0\n\n\
# HELP process_cpu_system_seconds_total Total system CPU time spent in seconds.\n\
# TYPE process_cpu_system_seconds_total counter\n\
process_cpu_system_seconds_total 0\n\n\
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n\
# TYPE process_cpu_seconds_total counter\n\
process_cpu_seconds_total 0\n\n\
# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n\
# TYPE process_start_time_seconds gauge\n\
process_start_time_seconds {start:.0}\n\n\
# HELP nodejs_eventloop_lag_seconds Lag of event loop in seconds.\n\
# TYPE nodejs_eventloop_lag_seconds gauge\n\
nodejs_eventloop_lag_seconds 0\n\n\
# HELP nodejs_active_handles_total Total number of active handles.\n\
# TYPE nodejs_active_handles_total gauge\n\
nodejs_active_handles_total 2\n\n\
# HELP nodejs_version_info Node.js version info.\n\
# TYPE nodejs_version_info gauge\n\
nodejs_version_info{{version=\"v20.19.0\",major=\"20\",minor=\"19\",patch=\"0\"}} 1\n"
    );
    with_body(
        StatusCode::OK,
        "text/plain; charset=utf-8; version=0.0.4",
        text.into_bytes(),
    )
}

/// `GET /api-docs`: serve-static's 301 to the folder.
async fn api_docs_redirect(method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return not_found(&method, &uri);
    }
    let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting</title>\n</head>\n<body>\n<pre>Redirecting to /api-docs/</pre>\n</body>\n</html>\n";
    let mut response = (
        StatusCode::MOVED_PERMANENTLY,
        [
            (header::CONTENT_TYPE, "text/html; charset=UTF-8"),
            (header::LOCATION, "/api-docs/"),
        ],
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

/// `GET /api-docs/`: swagger-ui-express's page (its script and style files are not served).
async fn api_docs_page(
    State(sim): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET {
        return not_found(&method, &uri);
    }
    if Ctx::new(&headers).json_request {
        // observed: `res.send` of the page under the response hook; no answer ever
        sim.stall().await;
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let page = "<!-- HTML for static distribution bundle build -->\n<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"UTF-8\">\n  <title>Swagger UI</title>\n  <link rel=\"stylesheet\" type=\"text/css\" href=\"./swagger-ui.css\" >\n</head>\n\n<body>\n\n<div id=\"swagger-ui\"></div>\n\n<script src=\"./swagger-ui-bundle.js\"> </script>\n<script src=\"./swagger-ui-standalone-preset.js\"> </script>\n<script src=\"./swagger-ui-init.js\"> </script>\n</body>\n</html>\n";
    with_body(
        StatusCode::OK,
        "text/html; charset=utf-8",
        page.as_bytes().to_vec(),
    )
}

/// `GET /api-docs/swagger-ui-init.js`: the only place the real server gives its OpenAPI spec,
/// inline in the script.
async fn api_docs_init(method: Method, uri: Uri) -> Response {
    if method != Method::GET {
        return not_found(&method, &uri);
    }
    let script = format!(
        "\nwindow.onload = function() {{\n  // Build a system\n  var url = window.location.search.match(/url=([^&]+)/);\n  if (url && url.length > 1) {{\n    url = decodeURIComponent(url[1]);\n  }} else {{\n    url = window.location.origin;\n  }}\n  var options = {{\n  \"swaggerDoc\": {},\n  \"customOptions\": {{}}\n}};\n  url = options.swaggerUrl || url\n  var urls = options.swaggerUrls\n  var customOptions = options.customOptions\n  var spec1 = options.swaggerDoc\n  var swaggerOptions = {{\n    spec: spec1,\n    url: url,\n    urls: urls,\n    dom_id: '#swagger-ui',\n    deepLinking: true,\n    presets: [\n      SwaggerUIBundle.presets.apis,\n      SwaggerUIStandalonePreset\n    ],\n    plugins: [\n      SwaggerUIBundle.plugins.DownloadUrl\n    ],\n    layout: \"StandaloneLayout\"\n  }}\n  for (var attrname in customOptions) {{\n    swaggerOptions[attrname] = customOptions[attrname];\n  }}\n  var ui = SwaggerUIBundle(swaggerOptions)\n\n  if (customOptions.oauth) {{\n    ui.initOAuth(customOptions.oauth)\n  }}\n\n  if (customOptions.preauthorizeApiKey) {{\n    const key = customOptions.preauthorizeApiKey.authDefinitionKey;\n    const value = customOptions.preauthorizeApiKey.apiKeyValue;\n    if (!!key && !!value) {{\n      const pid = setInterval(() => {{\n        const authorized = ui.preauthorizeApiKey(key, value);\n        if(!!authorized) clearInterval(pid);\n      }}, 500)\n\n    }}\n  }}\n\n  if (customOptions.authAction) {{\n    ui.authActions.authorize(customOptions.authAction)\n  }}\n\n  window.ui = ui\n}}\n",
        SWAGGER_SPEC.trim()
    );
    with_body(
        StatusCode::OK,
        "application/javascript; charset=UTF-8",
        script.into_bytes(),
    )
}

/// The real server's `src/swagger.json`.
const SWAGGER_SPEC: &str = include_str!("../assets/swagger.json");

async fn healthz(State(sim): Shared, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET {
        return not_found(&method, &uri);
    }
    if Ctx::new(&headers).json_request {
        // observed: the response hook throws on this route and nothing is ever sent
        sim.stall().await;
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    json_text(
        StatusCode::OK,
        Obj::new()
            .with("uptime", sim.uptime())
            .with("message", "OK")
            .with("timestamp", Millis::now().get())
            .to_json(),
    )
}

/// A session name from a path, checked with the models' rule (`SessionName::new`). The real
/// server takes any name; an answer it cannot give safely (a name that changes the path after
/// normalisation, control characters, an endless name) is refused here as the backend and the
/// client refuse it: 400 `{"error", "reason"}`, unless the builder's `any_session_name()` asks for
/// the real server's leniency.
fn check_session(sim: &Sim, name: &str) -> Result<(), Box<Response>> {
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
fn authorize(
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

/// Routes of the form `/api/{session}/{slug}` that the simulator serves, and whether they pass
/// the connected-gate.
fn route(method: &Method, slug: &str) -> Option<bool> {
    let gated = match (method.as_str(), slug) {
        ("POST", "start-session" | "close-session")
        | ("GET", "status-session" | "qrcode-session" | "check-connection-session") => false,
        ("POST", "logout-session" | "list-chats")
        | ("GET", "all-chats")
        | (
            "POST",
            "send-message" | "send-reply" | "send-image" | "send-file" | "send-file-base64"
            | "send-voice" | "send-voice-base64" | "send-sticker" | "send-sticker-gif"
            | "send-location" | "send-link-preview",
        ) => true,
        _ => return None,
    };
    Some(gated)
}

async fn three_segments(
    State(sim): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let [a, b, c] = match decode_params::<3>(&sim, &uri) {
        Ok(params) => params,
        Err(response) => return *response,
    };
    if let Err(response) = parse_body(&sim, &headers, &body) {
        return *response;
    }
    let mut ctx = Ctx::new(&headers);
    if method == Method::POST && c == "generate-token" {
        if let Err(response) = check_session(&sim, &a) {
            return *response;
        }
        if sim.faults().stalls("generate-token") {
            sim.stall().await;
        }
        if b != sim.config.secret_key {
            return ctx.json(
                StatusCode::BAD_REQUEST,
                Obj::new()
                    .with("response", false)
                    .with("message", "The SECRET_KEY is incorrect"),
            );
        }
        let token = sim.mint_token(&a);
        return ctx.json(
            StatusCode::CREATED,
            Obj::new()
                .with("status", "success")
                .with("session", a.clone())
                .with("token", token.clone())
                .with("full", format!("{a}:{token}")),
        );
    }
    if method == Method::POST && c == "clear-session-data" {
        if let Err(response) = check_session(&sim, &a) {
            return *response;
        }
        if b != sim.config.secret_key {
            return ctx.json(
                StatusCode::BAD_REQUEST,
                Obj::new()
                    .with("response", "error")
                    .with("message", "The token is incorrect"),
            );
        }
        // It deletes the browser profile (the simulator has none) and a token file at a wrongly
        // computed path, so the token store keeps the session: nothing changes here.
        return ctx.json(StatusCode::OK, Obj::new().with("success", true));
    }
    if method != Method::GET || b != "get-messages" {
        return not_found(&method, &uri);
    }
    let session = match authorize(&sim, &a, &headers, &ctx) {
        Ok(session) => session,
        Err(response) => return *response,
    };
    if sim.faults().stalls("get-messages") {
        sim.stall().await;
    }
    ctx.session_key = sim.session_key(&session);
    if !sim.is_connected(&session) {
        return ctx.disconnected();
    }
    let count = query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("count="))
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or(20);
    let messages: Vec<Value> = sim
        .messages(&session)
        .iter()
        .filter(|m| m.get("chatId").and_then(Value::as_str) == Some(c.as_str()))
        .map(Obj::to_value)
        .collect();
    let skip = usize::try_from(count)
        .ok()
        .map_or(0, |n| messages.len().saturating_sub(n));
    ctx.json(
        StatusCode::OK,
        Obj::new()
            .with("status", "success")
            .with("response", Value::Array(messages[skip..].to_vec())),
    )
}

#[allow(clippy::too_many_lines)]
async fn two_segments(
    State(sim): Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let [a, slug] = match decode_params::<2>(&sim, &uri) {
        Ok(params) => params,
        Err(response) => return *response,
    };
    let body = match parse_body(&sim, &headers, &body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let mut ctx = Ctx::new(&headers);
    match (method.as_str(), slug.as_str()) {
        ("GET", "show-all-sessions") => {
            return if a == sim.config.secret_key {
                ctx.json(
                    StatusCode::OK,
                    Obj::new().with("response", sim.stored_sessions()),
                )
            } else {
                ctx.json(
                    StatusCode::BAD_REQUEST,
                    Obj::new()
                        .with("response", false)
                        .with("message", "The token is incorrect"),
                )
            };
        }
        ("POST", "start-all") => {
            // as observed, a wrong key answers 400 and the sessions start anyway
            for name in sim.stored_sessions() {
                sim.start(&name, &json!({}));
            }
            return if a == sim.config.secret_key {
                ctx.json(
                    StatusCode::CREATED,
                    Obj::new()
                        .with("status", "success")
                        .with("message", "Starting all sessions"),
                )
            } else {
                ctx.json(
                    StatusCode::BAD_REQUEST,
                    Obj::new()
                        .with("response", "error")
                        .with("message", "The token is incorrect"),
                )
            };
        }
        _ => {}
    }
    let Some(gated) = route(&method, &slug) else {
        return not_found(&method, &uri);
    };
    let session = match authorize(&sim, &a, &headers, &ctx) {
        Ok(session) => session,
        Err(response) => return *response,
    };
    if sim.faults().stalls(&slug) {
        sim.stall().await;
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    ctx.session_key = sim.session_key(&session);
    let connected = sim.is_connected(&session);
    if gated && !connected {
        return ctx.disconnected();
    }
    match slug.as_str() {
        "start-session" => start_session(&sim, &ctx, &session, &body).await,
        "status-session" => ctx.json(StatusCode::OK, sim.state_body(&session)),
        "qrcode-session" => qrcode_session(&sim, &ctx, &session),
        "check-connection-session" => ctx.json(
            StatusCode::OK,
            Obj::new().with("status", connected).with(
                "message",
                if connected {
                    "Connected"
                } else {
                    "Disconnected"
                },
            ),
        ),
        "logout-session" => {
            sim.logout(&session);
            ctx.json(
                StatusCode::OK,
                Obj::new()
                    .with("status", true)
                    .with("message", "Session successfully closed"),
            )
        }
        "close-session" => match sim.close(&session) {
            Ok(()) => ctx.json(
                StatusCode::OK,
                Obj::new()
                    .with("status", true)
                    .with("message", "Session successfully closed"),
            ),
            Err(()) => ctx.json(
                StatusCode::INTERNAL_SERVER_ERROR,
                Obj::new()
                    .with("status", false)
                    .with("message", "Error closing session")
                    .with("error", json!({"level": "error"})),
            ),
        },
        "list-chats" => {
            let only_unread = body
                .get("onlyWithUnreadMessage")
                .is_some_and(|v| v.as_bool().unwrap_or(false));
            let only_groups = body
                .get("onlyGroups")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let only_users = body
                .get("onlyUsers")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let count = body.get("count").and_then(Value::as_u64);
            let chats: Vec<Obj> = sim
                .chats(&session)
                .into_iter()
                .filter(|c| !only_unread || c.get("unreadCount").and_then(Value::as_i64) > Some(0))
                .filter(|c| !only_groups || c.get("isGroup") == Some(&Value::Bool(true)))
                .filter(|c| !only_users || c.get("isUser") == Some(&Value::Bool(true)))
                .take(
                    count
                        .and_then(|n| usize::try_from(n).ok())
                        .unwrap_or(usize::MAX),
                )
                .collect();
            // a bare array: the response hook adds nothing to it
            json_text(
                StatusCode::OK,
                serde_json::to_string(&chats).unwrap_or_else(|_| "[]".to_owned()),
            )
        }
        "all-chats" => ctx.json(
            StatusCode::OK,
            Obj::new()
                .with("status", "success")
                .with(
                    "response",
                    Value::Array(sim.chats(&session).iter().map(Obj::to_value).collect()),
                )
                .with("mapper", "chat"),
        ),
        _ => send(&sim, &ctx, &session, &slug, &body).await,
    }
}

async fn start_session(sim: &Arc<Sim>, ctx: &Ctx, session: &str, body: &Value) -> Response {
    let wait = body.get("waitQrCode").is_some_and(truthy);
    let phone = body.get("phone").and_then(Value::as_str).map(str::to_owned);
    let started = sim.start(session, body);
    if wait && started.was_new {
        // held until the first QR code or pairing code; never answered when none comes
        let answer = sim.wait_for_code(session, phone.as_deref()).await;
        return ctx.json(StatusCode::OK, answer);
    }
    if wait && started.was_placeholder {
        return ctx.json(
            StatusCode::OK,
            Obj::new()
                .with("status", Value::Null)
                .with("qrcode", Value::Null)
                .with("version", crate::state::VERSION),
        );
    }
    ctx.json(StatusCode::OK, started.before)
}

fn qrcode_session(sim: &Sim, ctx: &Ctx, session: &str) -> Response {
    let Some(status) = sim.raw_status(session) else {
        return ctx.json(
            StatusCode::OK,
            Obj::new().with("status", Value::Null).with(
                "message",
                "Session not started. Please, use the /start-session route, for initialization your session",
            ),
        );
    };
    if let Some(urlcode) = sim.urlcode(session) {
        return with_body(StatusCode::OK, "image/png", crate::qr::png(&urlcode));
    }
    let status = status.map_or(Value::Null, |s| Value::String(s.as_str().to_owned()));
    ctx.json(
        StatusCode::OK,
        Obj::new()
            .with("status", status)
            .with("message", "QRCode is not available..."),
    )
}

/// JavaScript truthiness of a JSON value (the server does not coerce JSON bodies).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// One recipient after the connected-gate's normalisation.
struct Recipient {
    /// What the gate checks and names in its 400 (`5511999999999`).
    user: String,
    chat: String,
    /// Whether the gate checks the number exists (not for groups and channels).
    checked: bool,
}

/// The gate's `phone` rules: comma/semicolon lists or arrays, the suffix dropped and chosen by
/// the flags, non-word characters removed, more than 14 characters → `@lid`.
fn recipients(body: &Value) -> Vec<Recipient> {
    let entries: Vec<String> = match body.get("phone") {
        Some(Value::String(s)) => s.split([',', ';']).map(|p| p.trim().to_owned()).collect(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    };
    let flag = |key: &str| body.get(key).is_some_and(truthy);
    entries
        .into_iter()
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let bare = entry.split('@').next().unwrap_or_default().to_owned();
            if flag("isGroup") {
                return Recipient {
                    chat: format!("{bare}@g.us"),
                    user: bare,
                    checked: false,
                };
            }
            if flag("isNewsletter") {
                return Recipient {
                    chat: format!("{bare}@newsletter"),
                    user: bare,
                    checked: false,
                };
            }
            // the server keeps spaces; a simulator that kept them would only fail later
            let user: String = bare
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let suffix = if flag("isLid") || user.chars().count() > 14 {
                "@lid"
            } else {
                "@c.us"
            };
            Recipient {
                chat: format!("{user}{suffix}"),
                user,
                checked: true,
            }
        })
        .collect()
}

fn text_of(body: &Value, key: &str) -> String {
    body.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The mime type of a `data:` URL, else guessed from a path's extension.
fn mime_of(body: &Value, key: &str) -> (String, usize) {
    let value = text_of(body, key);
    if let Some(rest) = value.strip_prefix("data:") {
        let (mime, data) = rest.split_once(";base64,").unwrap_or((rest, ""));
        let size = data.len() / 4 * 3;
        return (mime.to_owned(), size);
    }
    let ext = value
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mime = match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "ogg" | "opus" => "audio/ogg; codecs=opus",
        "mp3" => "audio/mpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    };
    (mime.to_owned(), 0)
}

/// What one recipient of `slug` receives, or the controller's own error.
/// The reply keys of a message quoting `quoted` (a serialized id). The stanza id is the bare id
/// part, which `MessageId` reads even when a group participant follows it.
fn quote(extra: &mut Obj, quoted: &str) {
    let stanza = wppconnect_models::MessageId::from_wire(quoted)
        .id()
        .unwrap_or(quoted)
        .to_owned();
    extra.set("quotedMsgId", quoted);
    extra.set("quotedStanzaID", stanza);
}

fn content(slug: &str, body: &Value) -> Result<Content, Obj> {
    let file_missing = || Obj::new().with("message", "Sending the file is mandatory");
    let mut extra = Obj::new();
    let content = match slug {
        "send-message" => {
            // the deprecated way to reply: options.quotedMsg
            if let Some(quoted) = body.pointer("/options/quotedMsg").and_then(Value::as_str) {
                quote(&mut extra, quoted);
            }
            Content {
                kind: "chat",
                body: text_of(body, "message"),
                extra,
            }
        }
        "send-reply" => {
            let quoted = text_of(body, "messageId");
            if !quoted.is_empty() {
                quote(&mut extra, &quoted);
            }
            Content {
                kind: "chat",
                body: text_of(body, "message"),
                extra,
            }
        }
        "send-image" | "send-file" | "send-file-base64" => {
            let key = if body.get("base64").is_some_and(truthy) {
                "base64"
            } else if body.get("path").is_some_and(truthy) {
                "path"
            } else {
                return Err(file_missing());
            };
            let (mime, size) = mime_of(body, key);
            let kind = match mime.split('/').next() {
                Some("image") => "image",
                Some("video") => "video",
                Some("audio") => "audio",
                _ => "document",
            };
            let caption = [text_of(body, "message"), text_of(body, "caption")]
                .into_iter()
                .find(|c| !c.is_empty());
            if let Some(caption) = caption {
                extra.set("caption", caption);
            }
            extra.set("mimetype", mime);
            extra.set("size", size);
            if kind == "document" {
                let name = text_of(body, "filename");
                extra.set(
                    "filename",
                    if name.is_empty() {
                        "file".to_owned()
                    } else {
                        name
                    },
                );
            }
            Content {
                kind,
                body: String::new(),
                extra,
            }
        }
        "send-voice" | "send-voice-base64" => {
            extra.set("mimetype", "audio/ogg; codecs=opus");
            extra.set("duration", "1");
            Content {
                kind: "ptt",
                body: String::new(),
                extra,
            }
        }
        "send-sticker" | "send-sticker-gif" => {
            if !body.get("path").is_some_and(truthy) {
                return Err(file_missing());
            }
            extra.set("mimetype", "image/webp");
            Content {
                kind: "sticker",
                body: String::new(),
                extra,
            }
        }
        "send-location" => {
            let number = |key: &str| match body.get(key) {
                Some(Value::Number(n)) => n.as_f64(),
                Some(Value::String(s)) => s.parse().ok(),
                _ => None,
            };
            extra.set("lat", number("lat").unwrap_or_default());
            extra.set("lng", number("lng").unwrap_or_default());
            extra.set(
                "loc",
                format!("{}\n{}", text_of(body, "title"), text_of(body, "address")),
            );
            Content {
                kind: "location",
                body: String::new(),
                extra,
            }
        }
        // send-link-preview
        _ => {
            let url = text_of(body, "url");
            let caption = text_of(body, "caption");
            let text = if caption.contains(&url) {
                caption
            } else {
                format!("{url}\n{caption}")
            };
            Content {
                kind: "chat",
                body: text,
                extra,
            }
        }
    };
    Ok(content)
}

/// The send routes, after the connected-gate.
async fn send(sim: &Arc<Sim>, ctx: &Ctx, session: &str, slug: &str, body: &Value) -> Response {
    let faults = sim.faults();
    let injected = sim.take_send_fault();
    if let (Some(status), false) = (injected, faults.deliver_before_failing) {
        return send_failure(ctx, status);
    }
    let recipients = recipients(body);
    let missing = recipients
        .iter()
        .find(|r| r.checked && sim.config.unknown_numbers.contains(&r.user))
        .map(|r| r.user.clone());
    let content = match (content(slug, body), &missing) {
        (Ok(content), _) => content,
        (Err(_), Some(user)) => return number_missing(ctx, user),
        (Err(error), None) => return ctx.json(StatusCode::UNAUTHORIZED, error),
    };
    let mut results = Vec::new();
    for recipient in &recipients {
        if recipient.checked && sim.config.unknown_numbers.contains(&recipient.user) {
            continue;
        }
        let message = sim.send_one(session, &recipient.chat, &content);
        let id = message.get("id").cloned().unwrap_or_default();
        results.push(match slug {
            "send-message" | "send-reply" => message.to_value(),
            "send-link-preview" => json!({"id": id, "ack": 1, "sendMsgResult": {}}),
            _ => json!({"ack": 1, "id": id}),
        });
    }
    if let Some(status) = injected {
        return send_failure(ctx, status);
    }
    if let Some(user) = missing {
        // the gate's 400 is written first; the other recipients were still sent to
        return number_missing(ctx, &user);
    }
    if recipients.is_empty() && !ctx.json_request {
        // the handler's 400 with a bare string; for JSON requests the hook swallows it
        return with_body(
            StatusCode::BAD_REQUEST,
            "text/html; charset=utf-8",
            b"Error sending message".to_vec(),
        );
    }
    ctx.json(
        StatusCode::CREATED,
        Obj::new()
            .with("status", "success")
            .with("response", Value::Array(results))
            .with("mapper", "return"),
    )
}

fn number_missing(ctx: &Ctx, user: &str) -> Response {
    ctx.json(
        StatusCode::BAD_REQUEST,
        Obj::new()
            .with("response", Value::Null)
            .with("status", "Connected")
            .with("message", format!("O número {user} não existe.")),
    )
}

fn send_failure(ctx: &Ctx, status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::BAD_GATEWAY {
        let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        return with_body(status, "text/html", page.as_bytes().to_vec());
    }
    ctx.json(
        status,
        Obj::new()
            .with("status", "Error")
            .with("message", "Erro ao enviar a mensagem.")
            .with("error", json!({})),
    )
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
