//! Chats (the chat routes of the server's `deviceController.ts`): the list with its filters
//! and paging, archive, pin, mute, mark unread, clear and delete, and the message reads. Chats
//! come from the stored messages and the session's groups; their flags live in [`Inbox`].

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use wppconnect_models::Seconds;

use super::Req;
use crate::obj::Obj;
use crate::routes::json_text;
use crate::state::chat_obj;

/// The session's chat flags, by chat id.
#[derive(Debug, Default)]
pub(crate) struct Inbox {
    flags: HashMap<String, Flags>,
    /// This account's reaction per message id (react-message, reactions).
    pub(crate) reactions: HashMap<String, String>,
}

/// What the inbox routes set on one chat.
#[derive(Debug, Default, Clone)]
struct Flags {
    archived: bool,
    /// When it was pinned (seconds), 0 when not.
    pinned: i64,
    /// Muted until (seconds), `-1` for ever, 0 when not muted.
    mute_expiration: i64,
    /// Marked unread by mark-unseen (WhatsApp shows `unreadCount: -1`).
    marked_unread: bool,
    /// Seen by send-seen: the unread count is 0 until a new message arrives.
    seen_at: i64,
    /// Disappearing messages (seconds), 0 when off.
    ephemeral: i64,
}

/// Every chat of the session, flags applied: pinned first, then the most recent.
pub(crate) fn chat_list(req: &Req<'_>) -> Vec<Obj> {
    let mut chats = req.sim.chats(&req.session);
    let own = req.sim.own_id();
    let groups = req.book(|book| book.groups.chats(&own));
    for (id, subject, created) in groups {
        if !chats
            .iter()
            .any(|c| c.get("id").and_then(|v| v.get("_serialized")) == Some(&json!(id)))
        {
            let mut chat = chat_obj(&id, &subject, created, 0);
            chat.set("groupMetadata", req.book(|book| book.groups.metadata(&id)));
            chats.push(chat);
        }
    }
    let (flags, labels) = req.book(|book| (book.chats.flags.clone(), book.labels.by_chat()));
    for chat in &mut chats {
        let id = chat_id(chat);
        let t = chat.get("t").and_then(Value::as_i64).unwrap_or_default();
        if let Some(flags) = flags.get(&id) {
            chat.set("archive", flags.archived);
            chat.set("pin", flags.pinned);
            chat.set("muteExpiration", flags.mute_expiration);
            chat.set("ephemeralDuration", flags.ephemeral);
            if flags.seen_at >= t {
                chat.set("unreadCount", 0);
            }
            if flags.marked_unread {
                chat.set("unreadCount", -1);
            }
        }
        chat.set(
            "labels",
            labels.get(&id).map_or_else(Vec::new, |ids| {
                ids.iter().cloned().map(Value::from).collect::<Vec<_>>()
            }),
        );
    }
    chats.sort_by_key(|c| {
        (
            std::cmp::Reverse(c.get("pin").and_then(Value::as_i64).unwrap_or_default()),
            std::cmp::Reverse(c.get("t").and_then(Value::as_i64).unwrap_or_default()),
        )
    });
    chats
}

fn chat_id(chat: &Obj) -> String {
    chat.get("id")
        .and_then(|id| id.get("_serialized"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn values(chats: &[Obj]) -> Value {
    Value::Array(chats.iter().map(Obj::to_value).collect())
}

/// `GET /api/{session}/all-chats`: `"mapper":"chat"`.
pub(crate) fn all_chats(req: &Req<'_>) -> Response {
    req.json(
        StatusCode::OK,
        Obj::new()
            .with("status", "success")
            .with("response", values(&chat_list(req)))
            .with("mapper", "chat"),
    )
}

/// `POST /api/{session}/list-chats`: a bare array. Filters `onlyGroups`, `onlyUsers`,
/// `onlyWithUnreadMessage`, `withLabels`; paging with `id` (a chat id) and `direction`
/// (`after`, the default, or `before`) and `count`.
pub(crate) fn list_chats(req: &Req<'_>) -> Response {
    let only_unread = req.body.get("onlyWithUnreadMessage") == Some(&Value::Bool(true));
    let only_groups = req.body.get("onlyGroups") == Some(&Value::Bool(true));
    let only_users = req.body.get("onlyUsers") == Some(&Value::Bool(true));
    let with_labels = super::texts(req.body.get("withLabels"));
    let mut chats: Vec<Obj> = chat_list(req)
        .into_iter()
        .filter(|c| !only_unread || c.get("unreadCount").and_then(Value::as_i64) != Some(0))
        .filter(|c| !only_groups || c.get("isGroup") == Some(&Value::Bool(true)))
        .filter(|c| !only_users || c.get("isUser") == Some(&Value::Bool(true)))
        .filter(|c| {
            with_labels.is_empty()
                || c.get("labels")
                    .and_then(Value::as_array)
                    .is_some_and(|ids| ids.iter().any(|id| with_labels.iter().any(|w| id == w)))
        })
        .collect();
    let anchor = req.text("id");
    if !anchor.is_empty() {
        if let Some(at) = chats.iter().position(|c| chat_id(c) == anchor) {
            chats = if req.text("direction") == "before" {
                chats[..at].to_vec()
            } else {
                chats[at + 1..].to_vec()
            };
        }
    }
    if let Some(count) = req
        .body
        .get("count")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
    {
        if req.text("direction") == "before" {
            let skip = chats.len().saturating_sub(count);
            chats.drain(..skip);
        } else {
            chats.truncate(count);
        }
    }
    json_text(
        StatusCode::OK,
        serde_json::to_string(&chats).unwrap_or_else(|_| "[]".to_owned()),
    )
}

/// `GET /api/{session}/all-chats-archived`: a bare array, answered with 201.
pub(crate) fn all_chats_archived(req: &Req<'_>) -> Response {
    let chats: Vec<Obj> = chat_list(req)
        .into_iter()
        .filter(|c| c.get("archive") == Some(&Value::Bool(true)))
        .collect();
    json_text(
        StatusCode::CREATED,
        serde_json::to_string(&chats).unwrap_or_else(|_| "[]".to_owned()),
    )
}

/// `GET /api/{session}/all-chats-with-messages`.
pub(crate) fn all_chats_with_messages(req: &Req<'_>) -> Response {
    let messages = req.sim.messages(&req.session);
    let chats: Vec<Obj> = chat_list(req)
        .into_iter()
        .filter(|c| {
            let id = chat_id(c);
            messages
                .iter()
                .any(|m| m.get("chatId").and_then(Value::as_str) == Some(id.as_str()))
        })
        .collect();
    req.success(StatusCode::OK, values(&chats))
}

/// The chat id of a `{phone}` path parameter: digits get `@c.us` (`@g.us` with the query
/// `isGroup=true`); a full id is kept.
fn path_chat(req: &Req<'_>) -> String {
    let phone = req.param("phone");
    if phone.contains('@') {
        return phone.to_owned();
    }
    let group = req.query("isGroup").as_deref() == Some("true");
    format!("{phone}@{}", if group { "g.us" } else { "c.us" })
}

/// The stored messages of a chat, oldest first.
fn messages_of(req: &Req<'_>, chat: &str) -> Vec<Value> {
    req.sim
        .messages(&req.session)
        .iter()
        .filter(|m| m.get("chatId").and_then(Value::as_str) == Some(chat))
        .map(Obj::to_value)
        .collect()
}

/// `GET /api/{session}/all-messages-in-chat/{phone}` (`isGroup`, `includeMe`).
pub(crate) fn all_messages_in_chat(req: &Req<'_>) -> Response {
    let include_me = req.query("includeMe").as_deref() != Some("false");
    let messages: Vec<Value> = messages_of(req, &path_chat(req))
        .into_iter()
        .filter(|m| include_me || m.get("fromMe") != Some(&Value::Bool(true)))
        .collect();
    req.success(StatusCode::OK, messages)
}

/// `GET /api/{session}/load-messages-in-chat/{phone}`.
pub(crate) fn load_messages_in_chat(req: &Req<'_>) -> Response {
    let chat = format!(
        "{}@c.us",
        req.param("phone").split('@').next().unwrap_or_default()
    );
    req.success(StatusCode::OK, messages_of(req, &chat))
}

/// `GET /api/{session}/get-messages/{phone}`: the full chat id, query `count` (default 20,
/// `-1` all).
pub(crate) fn get_messages(req: &Req<'_>) -> Response {
    let count = req
        .query("count")
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or(20);
    let messages = messages_of(req, req.param("phone"));
    let skip = usize::try_from(count)
        .ok()
        .map_or(0, |n| messages.len().saturating_sub(n));
    req.success(StatusCode::OK, messages[skip..].to_vec())
}

/// The incoming messages of chats that show unread messages, oldest first.
fn unread(req: &Req<'_>) -> Vec<(Obj, Vec<Value>)> {
    let messages = req.sim.messages(&req.session);
    chat_list(req)
        .into_iter()
        .filter_map(|chat| {
            let count = chat
                .get("unreadCount")
                .and_then(Value::as_i64)
                .unwrap_or_default();
            let n = usize::try_from(count).ok().filter(|n| *n > 0)?;
            let id = chat_id(&chat);
            let incoming: Vec<Value> = messages
                .iter()
                .filter(|m| m.get("chatId").and_then(Value::as_str) == Some(id.as_str()))
                .filter(|m| m.get("fromMe") == Some(&Value::Bool(false)))
                .map(Obj::to_value)
                .collect();
            let skip = incoming.len().saturating_sub(n);
            Some((chat, incoming[skip..].to_vec()))
        })
        .collect()
}

/// `GET /api/{session}/unread-messages`: the chats with unread messages, each with its
/// `messages`.
pub(crate) fn unread_messages(req: &Req<'_>) -> Response {
    let chats: Vec<Value> = unread(req)
        .into_iter()
        .map(|(chat, messages)| chat.with("messages", messages).to_value())
        .collect();
    req.success(StatusCode::OK, chats)
}

/// `GET /api/{session}/all-unread-messages`.
pub(crate) fn all_unread_messages(req: &Req<'_>) -> Response {
    let messages: Vec<Value> = unread(req).into_iter().flat_map(|(_, m)| m).collect();
    req.success(StatusCode::OK, messages)
}

/// `GET /api/{session}/all-new-messages`: the unread incoming messages.
pub(crate) fn all_new_messages(req: &Req<'_>) -> Response {
    all_unread_messages(req)
}

/// `GET /api/{session}/chat-by-id/{phone}`: a bare chat object.
pub(crate) fn chat_by_id(req: &Req<'_>) -> Response {
    let id = path_chat(req);
    let chat = chat_list(req)
        .into_iter()
        .find(|c| chat_id(c) == id)
        .unwrap_or_else(|| chat_obj(&id, "", 0, 0));
    req.json(StatusCode::OK, chat)
}

/// `GET /api/{session}/chat-is-online/{phone}`: nobody is ever online in the simulator.
pub(crate) fn chat_is_online(req: &Req<'_>) -> Response {
    req.success(StatusCode::OK, false)
}

/// `GET /api/{session}/last-seen/{phone}`: `false`, WhatsApp's answer when the contact hides it.
pub(crate) fn last_seen(req: &Req<'_>) -> Response {
    req.success(StatusCode::OK, false)
}

/// `GET /api/{session}/list-mutes/{type}` (`all`, `toMute`, `noMute`): the library's array of
/// counts then mute models.
pub(crate) fn list_mutes(req: &Req<'_>) -> Response {
    let entry = |chat: &Obj| {
        let id = chat.get("id").cloned().unwrap_or_default();
        let expiration = chat.get("muteExpiration").cloned().unwrap_or(json!(0));
        let muted = expiration != json!(0);
        json!({
            "attributes": {"id": id, "expiration": expiration, "isMuted": muted},
            "expiration": expiration, "id": id, "isMuted": muted, "isState": true,
            "promises": {}, "stale": false
        })
    };
    let (muted, free): (Vec<Obj>, Vec<Obj>) = chat_list(req)
        .into_iter()
        .partition(|c| c.get("muteExpiration").is_some_and(|e| e != &json!(0)));
    let muted: Vec<Value> = muted.iter().map(entry).collect();
    let free: Vec<Value> = free.iter().map(entry).collect();
    let answer = match req.param("type") {
        "toMute" => json!([{"total": muted.len()}, muted]),
        "noMute" => json!([{"total": free.len()}, free]),
        _ => json!([
            {"total": muted.len() + free.len(), "amountToMute": muted.len(), "amountnoMute": free.len()},
            muted,
            free
        ]),
    };
    req.success(StatusCode::OK, answer)
}

/// The single chat of a body's `phone` (after the gate), or the controller's error.
fn one_chat(req: &Req<'_>) -> Option<String> {
    req.phones().into_iter().next()
}

fn set_flags(req: &Req<'_>, chat: &str, change: impl FnOnce(&mut Flags)) {
    req.book(|book| change(book.chats.flags.entry(chat.to_owned()).or_default()));
}

/// `POST /api/{session}/archive-chat` (`phone`, `value`: default true).
pub(crate) fn archive_chat(req: &Req<'_>) -> Response {
    let Some(chat) = one_chat(req) else {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on archive chat");
    };
    let archive = !matches!(req.body.get("value"), Some(Value::Bool(false)));
    set_flags(req, &chat, |f| f.archived = archive);
    req.success(StatusCode::CREATED, true)
}

/// `POST /api/{session}/archive-all-chats`.
pub(crate) fn archive_all_chats(req: &Req<'_>) -> Response {
    for chat in chat_list(req) {
        set_flags(req, &chat_id(&chat), |f| f.archived = true);
    }
    req.json(StatusCode::CREATED, Obj::new().with("status", "success"))
}

/// The answer of clear-chat and delete-chat: per chat id, whether it worked.
fn per_chat(req: &Req<'_>, chats: &[String]) -> Response {
    let data: serde_json::Map<String, Value> = chats
        .iter()
        .map(|c| (c.clone(), Value::Bool(true)))
        .collect();
    req.json(
        StatusCode::OK,
        Obj::new().with("status", "Success").with(
            "response",
            json!({
                "message": "Information retrieved successfully.",
                "contact": chats,
                "session": req.session,
                "data": data,
            }),
        ),
    )
}

/// `POST /api/{session}/clear-chat` (`phone`): the chat's messages go, starred ones stay.
pub(crate) fn clear_chat(req: &Req<'_>) -> Response {
    let chats = req.phones();
    for chat in &chats {
        req.sim.remove_messages(&req.session, |m| {
            m.get("chatId").and_then(Value::as_str) == Some(chat.as_str())
                && m.get("star") != Some(&Value::Bool(true))
        });
    }
    per_chat(req, &chats)
}

/// `POST /api/{session}/delete-chat` (`phone`): the chat and its messages go (a group chat
/// stays listed while the session is a member).
pub(crate) fn delete_chat(req: &Req<'_>) -> Response {
    let chats = req.phones();
    for chat in &chats {
        req.sim.remove_messages(&req.session, |m| {
            m.get("chatId").and_then(Value::as_str) == Some(chat.as_str())
        });
        req.book(|book| book.chats.flags.remove(chat));
    }
    per_chat(req, &chats)
}

/// `POST /api/{session}/clear-all-chats`.
pub(crate) fn clear_all_chats(req: &Req<'_>) -> Response {
    req.sim
        .remove_messages(&req.session, |m| m.get("star") != Some(&Value::Bool(true)));
    req.json(StatusCode::OK, Obj::new().with("status", "success"))
}

/// `POST /api/{session}/delete-all-chats`.
pub(crate) fn delete_all_chats(req: &Req<'_>) -> Response {
    req.sim.remove_messages(&req.session, |_| true);
    req.book(|book| book.chats.flags.clear());
    req.json(StatusCode::OK, Obj::new().with("status", "success"))
}

/// `POST /api/{session}/mark-unseen` (`phone`).
pub(crate) fn mark_unseen(req: &Req<'_>) -> Response {
    let Some(chat) = one_chat(req) else {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on mark unseen");
    };
    set_flags(req, &chat, |f| f.marked_unread = true);
    req.success(StatusCode::OK, json!({"message": "unseen checked"}))
}

/// `POST /api/{session}/pin-chat` (`phone`, `state`: pins only when the string `"true"`).
pub(crate) fn pin_chat(req: &Req<'_>) -> Response {
    let Some(chat) = one_chat(req) else {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on pin chat");
    };
    let pin = req.body.get("state") == Some(&json!("true"));
    let now = Seconds::now().get();
    set_flags(req, &chat, |f| f.pinned = if pin { now } else { 0 });
    let message = if pin { "Chat fixed" } else { "Chat unfixed" };
    req.success(StatusCode::OK, json!({"message": message}))
}

/// `POST /api/{session}/send-mute` (`phone`, `time`, `type`: `hours`, `minutes`, `days`; no
/// time mutes for ever).
pub(crate) fn send_mute(req: &Req<'_>) -> Response {
    let Some(chat) = one_chat(req) else {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on send mute");
    };
    let time = req.body.get("time").and_then(Value::as_i64);
    let unit = req.text("type");
    let seconds = match unit.as_str() {
        "minutes" => 60,
        "days" => 86_400,
        _ => 3_600,
    };
    let until = time.map_or(-1, |t| Seconds::now().get() + t * seconds);
    set_flags(req, &chat, |f| f.mute_expiration = until);
    req.success(
        StatusCode::OK,
        json!({
            "me": {"pushname": req.sim.config.own_name, "platform": "android"},
            "to": {"formattedName": chat.split('@').next().unwrap_or_default(), "isBusiness": false, "isMyContact": true},
            "erro": false, "text": null, "status": 200, "type": "sendMute",
            "time": time, "timeType": if unit.is_empty() { "hours".to_owned() } else { unit }
        }),
    )
}

/// `POST /api/{session}/send-seen` (`phone`): the chat's messages are read.
pub(crate) fn send_seen(req: &Req<'_>) -> Response {
    let now = Seconds::now().get();
    for chat in req.phones() {
        set_flags(req, &chat, |f| {
            f.seen_at = now;
            f.marked_unread = false;
        });
    }
    req.success(
        StatusCode::OK,
        json!({"message": "Messages marked as read"}),
    )
}

/// `POST /api/{session}/temporary-messages` (`phone`, `value`): disappearing messages.
pub(crate) fn temporary_messages(req: &Req<'_>) -> Response {
    let on = !matches!(req.body.get("value"), Some(Value::Bool(false)));
    for chat in req.phones() {
        set_flags(req, &chat, |f| f.ephemeral = if on { 604_800 } else { 0 });
    }
    req.success(StatusCode::OK, true)
}

/// `POST /api/{session}/chat-state`, `typing`, `recording`: presence shown to the contact;
/// nothing to keep.
pub(crate) fn chat_state(req: &Req<'_>) -> Response {
    req.success(StatusCode::OK, json!({}))
}

/// `POST /api/{session}/typing`.
pub(crate) fn typing(req: &Req<'_>) -> Response {
    chat_state(req)
}

/// `POST /api/{session}/recording`.
pub(crate) fn recording(req: &Req<'_>) -> Response {
    chat_state(req)
}
