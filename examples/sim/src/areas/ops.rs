//! Device, presence and operations (the server's `miscController.ts`, `healthCheck`, the
//! device routes of `deviceController.ts` and `sessionController.ts`): health, metrics, the
//! Swagger page, backup and restore, screenshots. Constructed answers, except where noted.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use wppconnect_models::{Millis, Seconds};

use super::{Reply, Req};
use crate::obj::Obj;
use crate::routes::{json_text, not_found, with_body, Ctx};
use crate::state::Sim;

type Shared = State<std::sync::Arc<Sim>>;

/// A 1×1 PNG, base64: the "browser page" of take-screenshot.
const SCREENSHOT: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// `GET /healthz`: and, as observed, no answer at all when the request's Content-Type is
/// exactly `application/json` (the response hook throws on this route).
pub(crate) fn healthz(req: &Req<'_>) -> Reply {
    if req.ctx.json_request {
        return Reply::Stall;
    }
    Reply::Now(json_text(
        StatusCode::OK,
        Obj::new()
            .with("uptime", req.sim.uptime())
            .with("message", "OK")
            .with("timestamp", Millis::now().get())
            .to_json(),
    ))
}

/// `GET /unhealthy`: the real server answers 503 and then exits; the simulator answers the same
/// and keeps running.
pub(crate) fn unhealthy(req: &Req<'_>) -> Response {
    json_text(
        StatusCode::SERVICE_UNAVAILABLE,
        Obj::new()
            .with("uptime", req.sim.uptime())
            .with("message", "Unhealthy")
            .with("timestamp", Millis::now().get())
            .to_json(),
    )
}

/// `GET /metrics`: the Prometheus text of `prom-client`'s default metrics (process and Node.js;
/// the values are the simulator's own, or stand-ins where Rust has no equivalent). Never
/// answers a request whose Content-Type is exactly `application/json`, as observed.
pub(crate) fn metrics(req: &Req<'_>) -> Reply {
    if req.ctx.json_request {
        return Reply::Stall;
    }
    let sim = req.sim;
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
    Reply::Now(with_body(
        StatusCode::OK,
        "text/plain; charset=utf-8; version=0.0.4",
        text.into_bytes(),
    ))
}

/// `GET /api-docs`: serve-static's 301 to the folder.
pub(crate) fn api_docs_redirect(_req: &Req<'_>) -> Response {
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
pub(crate) async fn api_docs_page(
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
pub(crate) async fn api_docs_init(method: Method, uri: Uri) -> Response {
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
const SWAGGER_SPEC: &str = include_str!("../../assets/swagger.json");

/// `GET /api/{session}/get-platform-from-message/{messageId}`: a bare JSON string; messages
/// sent from WhatsApp Web or the API (ids `…_3EB0…`) are `web`.
pub(crate) fn get_platform_from_message(req: &Req<'_>) -> Response {
    let id = req.param("messageId");
    let platform = if id.contains("_3EB0") {
        "web"
    } else {
        "android"
    };
    json_text(StatusCode::OK, Value::from(platform).to_string())
}

/// `POST /api/{session}/subscribe-presence`.
pub(crate) fn subscribe_presence(req: &Req<'_>) -> Response {
    req.success(
        StatusCode::OK,
        json!({"message": "Subscribe presence executed"}),
    )
}

/// `POST /api/{session}/set-online-presence`.
pub(crate) fn set_online_presence(req: &Req<'_>) -> Response {
    req.success(
        StatusCode::OK,
        json!({"message": "Set Online Presence Successfully"}),
    )
}

/// `GET /api/{session}/get-battery-level`.
pub(crate) fn get_battery_level(req: &Req<'_>) -> Response {
    req.json(
        StatusCode::OK,
        Obj::new().with("status", "Success").with("response", 100),
    )
}

/// `GET /api/{session}/host-device`: this account's device (`"mapper":"device"`).
pub(crate) fn host_device(req: &Req<'_>) -> Response {
    let own = req.sim.own_id();
    let name = req.book(|book| book.contacts.own_name.clone());
    let name = name.unwrap_or_else(|| req.sim.config.own_name.clone());
    req.json(
        StatusCode::OK,
        Obj::new()
            .with("status", "success")
            .with(
                "response",
                json!({
                    "id": own, "wid": crate::state::wid(&own), "pushname": name,
                    "platform": "android", "connected": true, "phoneNumber": own,
                    "lc": "BR", "lg": "pt"
                }),
            )
            .with("mapper", "device"),
    )
}

/// `GET /api/{session}/get-phone-number`: the own id (`"mapper":"device"`).
pub(crate) fn get_phone_number(req: &Req<'_>) -> Response {
    req.json(
        StatusCode::OK,
        Obj::new()
            .with("status", "success")
            .with("response", req.sim.own_id())
            .with("mapper", "device"),
    )
}

/// `POST /api/{session}/reject-call`: how many calls were rejected (the simulator has none
/// ringing, so 0 unless a `callId` is given).
pub(crate) fn reject_call(req: &Req<'_>) -> Response {
    let rejected = i64::from(!req.text("callId").is_empty());
    req.success(StatusCode::OK, rejected)
}

/// An empty ZIP archive (its end-of-central-directory record alone).
const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// `GET /api/{secretkey}/backup-sessions`: a ZIP of the tokens and browser profiles; the
/// simulator has no files, so the archive is empty.
pub(crate) fn backup_sessions(req: &Req<'_>) -> Response {
    if req.param("secretkey") != req.sim.config.secret_key {
        return super::session::wrong_key(req);
    }
    with_body(StatusCode::OK, "application/zip", EMPTY_ZIP.to_vec())
}

/// `POST /api/{secretkey}/restore-sessions`: the upload is not read (nothing to restore).
pub(crate) fn restore_sessions(req: &Req<'_>) -> Response {
    if req.param("secretkey") != req.sim.config.secret_key {
        return super::session::wrong_key(req);
    }
    req.json(StatusCode::OK, Obj::new().with("success", true))
}

/// `GET /api/{session}/take-screenshot` (no gate): a bare JSON string, the base64 PNG of the
/// browser page; an empty 200 when the session has no browser (`res.json(undefined)`).
pub(crate) fn take_screenshot(req: &Req<'_>) -> Response {
    if !req.sim.has_client(&req.session) {
        return with_body(
            StatusCode::OK,
            "application/json; charset=utf-8",
            Vec::new(),
        );
    }
    json_text(StatusCode::OK, Value::from(SCREENSHOT).to_string())
}

/// `POST /api/{session}/set-limit`: no middleware attaches a client, so it always fails.
pub(crate) fn set_limit(req: &Req<'_>) -> Response {
    req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on set limit")
}

/// `POST /api/{session}/chatwoot`: the inbound hook of a Chatwoot integration; never answered
/// while the session is not connected, as on the real server.
pub(crate) fn chatwoot(req: &Req<'_>) -> Reply {
    if !req.sim.is_connected(&req.session) {
        return Reply::Stall;
    }
    Reply::Now(
        req.json(
            StatusCode::OK,
            Obj::new()
                .with("status", "success")
                .with("message", "Success on receive chatwoot"),
        ),
    )
}
