//! socket.io, as the product design's front end speaks it: an unchanged `socket.io-client`
//! connects with `auth: {token: <JWT>}`, emits `join-session` (a session name granted to its user) to enter the room
//! `session-{name}` and `send-message` (the JSON body of `POST /api/messages`, answered by
//! acknowledgement); the backend emits every [`Push`](super::events::Push) to the room, with the
//! same data as Server-Sent Events.

use serde_json::{json, Value};
use socketioxide::extract::{AckSender, Data, SocketRef};
use socketioxide::layer::SocketIoLayer;
use socketioxide::SocketIo;

use super::error::ApiError;
use super::input;
use super::messages::{send_text_as, SendMessageRequest};
use super::roles::Caller;
use super::AppState;

/// The socket.io layer, wired to the state's real-time hub.
pub(super) fn layer(state: &AppState) -> SocketIoLayer {
    let (layer, io) = SocketIo::new_layer();
    state.realtime.attach(io.clone());
    state.roles.attach(io.clone());
    let state = state.clone();
    io.ns("/", move |socket: SocketRef, Data(auth): Data<Value>| {
        let state = state.clone();
        async move {
            let token = auth.get("token").and_then(Value::as_str).unwrap_or_default().to_owned();
            let (auth_state, auth_token) = (state.clone(), token.clone());
            // The handlers first (an event that arrives before its handler is lost), then the
            // connection's own check. Each event reads the user's role and grants again (a change
            // applies at once); a token no longer valid gets no answer: the socket is closed.
            let (join_state, join_token) = (state.clone(), token.clone());
            socket.on("join-session", move |socket: SocketRef, Data(session): Data<Value>, ack: AckSender| {
                let (state, token) = (join_state.clone(), join_token.clone());
                async move {
                    let Ok(caller) = Caller::from_token(&state, &token).await else {
                        let _ = socket.disconnect();
                        return;
                    };
                    let name = session.as_str().or_else(|| session.get("session").and_then(Value::as_str)).unwrap_or_default();
                    if input::session_name(name).is_err() {
                        let _ = ack.send(&json!({"ok": false, "error": "invalid session name"}));
                        return;
                    }
                    if let Err(error) = caller.check_read(name) {
                        let _ = ack.send(&json!({"ok": false, "error": error.code(), "reason": error.reason()}));
                        return;
                    }
                    socket.join(format!("session-{name}"));
                    let _ = ack.send(&json!({"ok": true, "room": format!("session-{name}")}));
                }
            });
            socket.on("send-message", move |socket: SocketRef, Data(request): Data<Value>, ack: AckSender| {
                let (state, token) = (state.clone(), token.clone());
                async move {
                    let Ok(caller) = Caller::from_token(&state, &token).await else {
                        let _ = socket.disconnect();
                        return;
                    };
                    let sent = match serde_json::from_value::<SendMessageRequest>(request) {
                        Err(error) => Err(ApiError::BadRequest(error.to_string())),
                        Ok(request) => send_text_as(&state, &caller, request).await,
                    };
                    let answer = match sent {
                        Ok(message) => json!({"ok": true, "message": message}),
                        Err(error) => {
                            let mut answer = error.body();
                            answer["ok"] = Value::Bool(false);
                            answer
                        }
                    };
                    let _ = ack.send(&answer);
                }
            });
            let Ok(caller) = Caller::from_token(&auth_state, &auth_token).await else {
                tracing::warn!("socket.io connection without a valid token; disconnected");
                let _ = socket.emit("error", &json!({"error": "unauthorized"}));
                let _ = socket.disconnect();
                return;
            };
            // closed when the user changes, so that its rooms are checked again
            auth_state.roles.socket(&caller.name, socket.id, true);
            let (roles, user) = (auth_state.roles.clone(), caller.name);
            socket.on_disconnect(move |socket: SocketRef| async move {
                roles.socket(&user, socket.id, false);
            });
        }
    });
    layer
}
