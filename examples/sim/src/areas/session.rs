//! The session lifecycle (the server's `sessionController.ts` and `encryptSession`): tokens,
//! start, QR code, status, close, logout, the secret-key routes. The state lives in
//! [`crate::state`] (its login flow).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{Reply, Req};
use crate::obj::Obj;
use crate::routes::with_body;

/// `POST /api/{session}/{secretkey}/generate-token`.
pub(crate) fn generate_token(req: &Req<'_>) -> Response {
    if req.param("secretkey") != req.sim.config.secret_key {
        return req.json(
            StatusCode::BAD_REQUEST,
            Obj::new()
                .with("response", false)
                .with("message", "The SECRET_KEY is incorrect"),
        );
    }
    let session = req.session.clone();
    let token = req.sim.mint_token(&session);
    req.json(
        StatusCode::CREATED,
        Obj::new()
            .with("status", "success")
            .with("session", session.clone())
            .with("token", token.clone())
            .with("full", format!("{session}:{token}")),
    )
}

/// `GET /api/{secretkey}/show-all-sessions`.
pub(crate) fn show_all_sessions(req: &Req<'_>) -> Response {
    if req.param("secretkey") == req.sim.config.secret_key {
        req.json(
            StatusCode::OK,
            Obj::new().with("response", req.sim.stored_sessions()),
        )
    } else {
        req.json(
            StatusCode::BAD_REQUEST,
            Obj::new()
                .with("response", false)
                .with("message", "The token is incorrect"),
        )
    }
}

/// `POST /api/{secretkey}/start-all`: as observed, a wrong key answers 400 and the sessions
/// start anyway.
pub(crate) fn start_all(req: &Req<'_>) -> Response {
    for name in req.sim.stored_sessions() {
        req.sim.start(&name, &json!({}));
    }
    if req.param("secretkey") == req.sim.config.secret_key {
        req.json(
            StatusCode::CREATED,
            Obj::new()
                .with("status", "success")
                .with("message", "Starting all sessions"),
        )
    } else {
        wrong_key(req)
    }
}

/// The 400 of the admin routes for a wrong key (the handler goes on).
pub(crate) fn wrong_key(req: &Req<'_>) -> Response {
    req.json(
        StatusCode::BAD_REQUEST,
        Obj::new()
            .with("response", "error")
            .with("message", "The token is incorrect"),
    )
}

/// `POST /api/{session}/{secretkey}/clear-session-data`. It deletes the browser profile (the
/// simulator has none) and a token file at a wrongly computed path, so the token store keeps
/// the session: nothing changes here.
pub(crate) fn clear_session_data(req: &Req<'_>) -> Response {
    if req.param("secretkey") != req.sim.config.secret_key {
        return wrong_key(req);
    }
    req.json(StatusCode::OK, Obj::new().with("success", true))
}

/// `GET /api/{session}/check-connection-session`: always 200 with a boolean.
pub(crate) fn check_connection(req: &Req<'_>) -> Response {
    let connected = req.sim.is_connected(&req.session);
    req.json(
        StatusCode::OK,
        Obj::new().with("status", connected).with(
            "message",
            if connected {
                "Connected"
            } else {
                "Disconnected"
            },
        ),
    )
}

/// `GET /api/{session}/status-session`.
pub(crate) fn status(req: &Req<'_>) -> Response {
    req.json(StatusCode::OK, req.sim.state_body(&req.session))
}

/// `POST /api/{session}/logout-session` (behind the gate).
pub(crate) fn logout(req: &Req<'_>) -> Response {
    req.sim.logout(&req.session);
    req.json(
        StatusCode::OK,
        Obj::new()
            .with("status", true)
            .with("message", "Session successfully closed"),
    )
}

/// `POST /api/{session}/close-session`: 500 on a never-started or initialising session.
pub(crate) fn close(req: &Req<'_>) -> Response {
    match req.sim.close(&req.session) {
        Ok(()) => req.json(
            StatusCode::OK,
            Obj::new()
                .with("status", true)
                .with("message", "Session successfully closed"),
        ),
        Err(()) => req.json(
            StatusCode::INTERNAL_SERVER_ERROR,
            Obj::new()
                .with("status", false)
                .with("message", "Error closing session")
                .with("error", json!({"level": "error"})),
        ),
    }
}

/// `POST /api/{session}/start-session`: answers the state before the start; with
/// `waitQrCode` a new session's answer waits for its first code.
pub(crate) fn start(req: &Req<'_>) -> Reply {
    let wait = req.flag("waitQrCode");
    let phone = req
        .body
        .get("phone")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let started = req.sim.start(&req.session, &req.body);
    if wait && started.was_new {
        // held until the first QR code or pairing code; never answered when none comes
        return Reply::WaitForCode { phone };
    }
    if wait && started.was_placeholder {
        return Reply::Now(
            req.json(
                StatusCode::OK,
                Obj::new()
                    .with("status", Value::Null)
                    .with("qrcode", Value::Null)
                    .with("version", crate::state::VERSION),
            ),
        );
    }
    Reply::Now(req.json(StatusCode::OK, started.before))
}

/// `GET /api/{session}/qrcode-session`: the PNG while a QR code is shown, JSON otherwise.
pub(crate) fn qrcode(req: &Req<'_>) -> Response {
    let Some(status) = req.sim.raw_status(&req.session) else {
        return req.json(
            StatusCode::OK,
            Obj::new().with("status", Value::Null).with(
                "message",
                "Session not started. Please, use the /start-session route, for initialization your session",
            ),
        );
    };
    if let Some(urlcode) = req.sim.urlcode(&req.session) {
        return with_body(StatusCode::OK, "image/png", crate::qr::png(&urlcode));
    }
    let status = status.map_or(Value::Null, |s| Value::String(s.as_str().to_owned()));
    req.json(
        StatusCode::OK,
        Obj::new()
            .with("status", status)
            .with("message", "QRCode is not available..."),
    )
}
