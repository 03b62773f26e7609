//! socket.io, as the product design's front end speaks it: an unchanged `socket.io-client`
//! connects with `auth: {token: <JWT>}`, emits `join-session` (a session name) to enter the room
//! `session-{name}` and `send-message` (the JSON body of `POST /api/messages`, answered by
//! acknowledgement); the backend emits every [`Push`](super::events::Push) to the room, with the
//! same data as Server-Sent Events.

use serde_json::{json, Value};
use socketioxide::extract::{AckSender, Data, SocketRef};
use socketioxide::layer::SocketIoLayer;
use socketioxide::SocketIo;

use super::input;
use super::messages::{send_text, SendMessageRequest};
use super::AppState;

/// The socket.io layer, wired to the state's real-time hub.
pub(super) fn layer(state: &AppState) -> SocketIoLayer {
    let (layer, io) = SocketIo::new_layer();
    state.realtime.attach(io.clone());
    let state = state.clone();
    io.ns("/", move |socket: SocketRef, Data(auth): Data<Value>| {
        let state = state.clone();
        async move {
            let token = auth.get("token").and_then(Value::as_str).unwrap_or_default();
            if state.auth.verify(token).is_none() {
                tracing::warn!("socket.io connection without a valid token; disconnected");
                let _ = socket.emit("error", &json!({"error": "unauthorized"}));
                let _ = socket.disconnect();
                return;
            }
            socket.on("join-session", |socket: SocketRef, Data(session): Data<Value>, ack: AckSender| async move {
                let name = session.as_str().or_else(|| session.get("session").and_then(Value::as_str)).unwrap_or_default();
                if input::session_name(name).is_err() {
                    let _ = ack.send(&json!({"ok": false, "error": "invalid session name"}));
                    return;
                }
                socket.join(format!("session-{name}"));
                let _ = ack.send(&json!({"ok": true, "room": format!("session-{name}")}));
            });
            let state = state.clone();
            socket.on("send-message", move |Data(request): Data<Value>, ack: AckSender| {
                let state = state.clone();
                async move {
                    let answer = match serde_json::from_value::<SendMessageRequest>(request) {
                        Err(error) => json!({"ok": false, "error": "bad_request", "reason": error.to_string(), "message": error.to_string()}),
                        Ok(request) => match send_text(&state, request).await {
                            Ok(message) => json!({"ok": true, "message": message}),
                            Err(error) => {
                                let mut answer = error.body();
                                answer["ok"] = Value::Bool(false);
                                answer
                            }
                        },
                    };
                    let _ = ack.send(&answer);
                }
            });
        }
    });
    layer
}
