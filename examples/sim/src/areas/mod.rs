//! The server's routes by area, each module owning its routes' state and rendering: the
//! session lifecycle, messages, chats, groups (and communities), contacts (and profile), labels,
//! catalog (and business, newsletters) and operations. [`crate::dispatch`] maps every route of
//! the client's table to one of their handlers.
//!
//! **Stateful** areas keep what a session did in its [`Book`] (groups, labels, chat flags,
//! blocked contacts, profile): a group created by create-group is listed by all-groups, its
//! participants by group-members. The other routes answer a **constructed** body of the shape
//! the server's controller sends, after the same middlewares.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use wppconnect_client::routes::Route;

use crate::obj::Obj;
use crate::routes::Ctx;
use crate::state::Sim;

pub(crate) mod catalog;
pub(crate) mod chats;
pub(crate) mod contacts;
pub(crate) mod groups;
pub(crate) mod labels;
pub(crate) mod messages;
pub(crate) mod ops;
pub(crate) mod session;

/// What a session did, per area (the simulator's stand-in for WhatsApp's own state).
#[derive(Debug, Default)]
pub(crate) struct Book {
    pub(crate) groups: groups::Groups,
    pub(crate) labels: labels::Labels,
    pub(crate) chats: chats::Inbox,
    pub(crate) contacts: contacts::People,
}

/// A route's handler.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Handler {
    /// Answers at once.
    Now(fn(&Req<'_>) -> Response),
    /// May hold the answer ([`Reply`]).
    Later(fn(&Req<'_>) -> Reply),
}

/// An answer that may wait.
#[derive(Debug)]
pub(crate) enum Reply {
    /// This answer.
    Now(Response),
    /// Never answers, until the simulator shuts down (the real server's hook throws).
    Stall,
    /// start-session with `waitQrCode`: held until the first QR code or pairing code.
    WaitForCode { phone: Option<String> },
}

/// One request, after the route's middlewares.
#[derive(Debug)]
pub(crate) struct Req<'a> {
    pub(crate) sim: &'a Arc<Sim>,
    pub(crate) ctx: Ctx,
    pub(crate) route: &'static Route,
    /// The session: the authorised name on token routes, the `:session` segment on the others
    /// (empty when the route has none).
    pub(crate) session: String,
    /// The decoded path parameters, by name.
    pub(crate) params: Vec<(&'static str, String)>,
    pub(crate) query: Option<String>,
    /// The parsed JSON body (`{}` without one).
    pub(crate) body: Value,
    /// The request carries a multipart form (its fields are not read).
    pub(crate) multipart: bool,
}

impl Req<'_> {
    /// A path parameter (`groupId`, `phone`, `secretkey`…), `""` when absent.
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A query parameter, percent-decoded.
    pub(crate) fn query(&self, name: &str) -> Option<String> {
        self.query
            .as_deref()?
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| {
                crate::node::decode_uri_component(&value.replace('+', " "))
                    .unwrap_or_else(|| value.to_owned())
            })
    }

    /// A body field as text (`""` when absent or not a string).
    pub(crate) fn text(&self, key: &str) -> String {
        self.body
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether a body field is truthy, as JavaScript reads it.
    pub(crate) fn flag(&self, key: &str) -> bool {
        self.body.get(key).is_some_and(messages::truthy)
    }

    /// The `phone` field after the connected-gate: chat ids (`5511…@c.us`, `…@g.us` with
    /// `isGroup`, `…@lid`).
    pub(crate) fn phones(&self) -> Vec<String> {
        messages::recipients(&self.body)
            .into_iter()
            .map(|r| r.chat)
            .collect()
    }

    /// The first `phone` entry the gate would find missing on WhatsApp.
    pub(crate) fn unknown_recipient(&self) -> Option<String> {
        messages::recipients(&self.body)
            .into_iter()
            .find(|r| r.checked && self.sim.config.unknown_numbers.contains(&r.user))
            .map(|r| r.user)
    }

    /// Whether the request is a non-empty multipart form (an upload).
    pub(crate) fn multipart(&self) -> bool {
        self.multipart
    }

    /// A JSON object answer (with the response hook's `session` key).
    pub(crate) fn json(&self, status: StatusCode, body: Obj) -> Response {
        self.ctx.json(status, body)
    }

    /// The controllers' usual success: `{"status":"success","response":…}`.
    pub(crate) fn success(&self, status: StatusCode, response: impl Into<Value>) -> Response {
        self.json(
            status,
            Obj::new()
                .with("status", "success")
                .with("response", response),
        )
    }

    /// The controllers' usual failure: `{"status":"error","message":…,"error":{}}` (a thrown
    /// JavaScript `Error` serialises to `{}`).
    pub(crate) fn error(&self, status: StatusCode, message: &str) -> Response {
        self.json(
            status,
            Obj::new()
                .with("status", "error")
                .with("message", message)
                .with("error", json!({})),
        )
    }

    /// A controller's check of a required field: `{"message": …}` with the status it uses.
    pub(crate) fn missing(&self, status: StatusCode, message: &str) -> Response {
        self.json(status, Obj::new().with("message", message))
    }

    /// Runs `f` on the session's [`Book`].
    pub(crate) fn book<R>(&self, f: impl FnOnce(&mut Book) -> R) -> R {
        self.sim.book(&self.session, f)
    }
}

/// `5511999999999`, `+55 11 99999-9999`, `5511999999999@c.us` → `5511999999999@c.us`; a group
/// id keeps `@g.us`, a LID `@lid`.
pub(crate) fn contact_id(text: &str) -> String {
    let text = text.trim();
    if let Some((user, server)) = text.split_once('@') {
        return format!("{user}@{server}");
    }
    let digits: String = text.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{digits}@c.us")
}

/// The server's `groupToArray`: one id or a list (array, or `,`-separated text), each with
/// `@g.us` added when it has no suffix.
pub(crate) fn group_ids(value: Option<&Value>) -> Vec<String> {
    let entries: Vec<String> = match value {
        Some(Value::String(s)) => s.split(',').map(|p| p.trim().to_owned()).collect(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    };
    entries
        .into_iter()
        .filter(|e| !e.is_empty())
        .map(|e| {
            if e.contains('@') {
                e
            } else {
                format!("{e}@g.us")
            }
        })
        .collect()
}

/// A list of texts from a body field (a string, `,`-separated, or an array).
pub(crate) fn texts(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => s
            .split([',', ';'])
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}
