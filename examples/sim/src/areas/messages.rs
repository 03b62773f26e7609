//! Messages (the server's `messageController.ts` and the message routes of
//! `deviceController.ts`): every send goes through the same flow (stored, answered, then acked
//! 1 → 2 → 3 by webhook, see [`crate::state`]); reads, reactions, deletions and media of stored
//! messages.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::Req;
use crate::obj::Obj;
use crate::routes::{with_body, Ctx};
use crate::state::Content;

/// JavaScript truthiness of a JSON value (the server does not coerce JSON bodies).
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// One recipient after the connected-gate's normalisation.
pub(crate) struct Recipient {
    /// What the gate checks and names in its 400 (`5511999999999`).
    pub(crate) user: String,
    pub(crate) chat: String,
    /// Whether the gate checks the number exists (not for groups and channels).
    pub(crate) checked: bool,
}

/// The gate's `phone` rules: comma/semicolon lists or arrays, the suffix dropped and chosen by
/// the flags, non-word characters removed, more than 14 characters → `@lid`.
pub(crate) fn recipients(body: &Value) -> Vec<Recipient> {
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
        "send-mentioned" => {
            extra.set(
                "mentionedJidList",
                Value::Array(
                    super::texts(body.get("mentioned"))
                        .iter()
                        .map(|m| Value::String(super::contact_id(m)))
                        .collect(),
                ),
            );
            Content {
                kind: "chat",
                body: text_of(body, "message"),
                extra,
            }
        }
        "send-buttons" => Content {
            kind: "chat",
            body: text_of(body, "message"),
            extra,
        },
        "send-poll-message" => {
            let options: Vec<Value> = super::texts(body.get("choices"))
                .into_iter()
                .enumerate()
                .map(|(i, name)| json!({"localId": i, "name": name}))
                .collect();
            extra.set("pollName", text_of(body, "name"));
            extra.set("pollOptions", Value::Array(options));
            extra.set("pollSelectableOptionsCount", 1);
            Content {
                kind: "poll_creation",
                body: String::new(),
                extra,
            }
        }
        "send-list-message" => {
            extra.set(
                "list",
                json!({
                    "title": text_of(body, "title"),
                    "description": text_of(body, "description"),
                    "buttonText": text_of(body, "buttonText"),
                    "sections": body.get("sections").cloned().unwrap_or(json!([])),
                }),
            );
            Content {
                kind: "list",
                body: text_of(body, "description"),
                extra,
            }
        }
        "send-order-message" => {
            extra.set("orderTitle", text_of(body, "orderTitle"));
            extra.set("totalCurrencyCode", "BRL");
            Content {
                kind: "order",
                body: String::new(),
                extra,
            }
        }
        "send-pix-key" => {
            extra.set("nativeFlowName", "payment_info");
            Content {
                kind: "chat",
                body: "PIX".to_owned(),
                extra,
            }
        }
        "contact-vcard" => {
            let name = [text_of(body, "name"), text_of(body, "contactsId")]
                .into_iter()
                .find(|n| !n.is_empty())
                .unwrap_or_default();
            extra.set("vcardFormattedName", name.clone());
            Content {
                kind: "vcard",
                body: format!("BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nEND:VCARD"),
                extra,
            }
        }
        "send-link-catalog" => Content {
            kind: "chat",
            body: text_of(body, "message"),
            extra,
        },
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
pub(crate) fn send(req: &Req<'_>) -> Response {
    let (sim, ctx, session, body) = (req.sim, &req.ctx, req.session.as_str(), &req.body);
    let slug = crate::dispatch::slug(req.route);
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
            "send-message" | "send-reply" | "send-mentioned" | "send-poll-message"
            | "send-list-message" | "send-order-message" | "send-pix-key" => message.to_value(),
            "send-link-preview" | "contact-vcard" => {
                json!({"id": id, "ack": 1, "sendMsgResult": {}})
            }
            "send-buttons" => Value::String(recipient.chat.clone()),
            "send-link-catalog" => json!({"phone": recipient.chat, "status": id}),
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
    let answer = Obj::new().with("status", "success");
    let answer = match slug {
        // deviceController's loops keep the last recipient's result, without a mapper
        "contact-vcard" | "send-mentioned" => {
            answer.with("response", results.pop().unwrap_or(Value::Null))
        }
        "send-link-catalog" => answer.with("response", Value::Array(results)),
        _ => answer
            .with("response", Value::Array(results))
            .with("mapper", "return"),
    };
    ctx.json(StatusCode::CREATED, answer)
}

pub(crate) fn number_missing(ctx: &Ctx, user: &str) -> Response {
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

/// The stored message with this serialized id.
fn stored(req: &Req<'_>, id: &str) -> Option<Obj> {
    req.sim
        .messages(&req.session)
        .into_iter()
        .find(|m| m.get("id").and_then(Value::as_str) == Some(id))
}

/// `POST /api/{session}/edit-message` (`id`, `newText`): the stored message's text changes.
pub(crate) fn edit_message(req: &Req<'_>) -> Response {
    let id = req.text("id");
    let text = req.text("newText");
    let edited = req.sim.update_message(&req.session, &id, |message| {
        message.set("body", text.clone());
        message.set("content", text.clone());
    });
    match edited {
        Some(message) => req.success(StatusCode::CREATED, message.to_value()),
        None => req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on edit message"),
    }
}

/// `POST /api/{session}/send-status` (`message`): a text message to `status@broadcast`.
pub(crate) fn send_status(req: &Req<'_>) -> Response {
    let content = Content {
        kind: "chat",
        body: req.text("message"),
        extra: Obj::new(),
    };
    let message = req.sim.send_one(&req.session, "status@broadcast", &content);
    req.json(
        StatusCode::CREATED,
        Obj::new()
            .with("status", "success")
            .with("response", json!([message.to_value()]))
            .with("mapper", "return"),
    )
}

/// `POST /api/{session}/send-text-storie`, `send-image-storie`, `send-video-storie`: the
/// controller's 401 for a missing `text` / `path`, else `response: [null]` (the library answers
/// nothing). Multipart uploads are not read, so an uploaded `file` counts as missing.
pub(crate) fn storie(req: &Req<'_>) -> Response {
    let missing = match crate::dispatch::slug(req.route) {
        "send-text-storie" => req
            .text("text")
            .is_empty()
            .then_some("Text was not informed"),
        "send-image-storie" => (!req.flag("path")).then_some("Sending the image is mandatory"),
        _ => (!req.flag("path")).then_some("Sending the Video is mandatory"),
    };
    if let Some(message) = missing {
        return req.missing(StatusCode::UNAUTHORIZED, message);
    }
    req.json(
        StatusCode::CREATED,
        Obj::new()
            .with("status", "success")
            .with("response", json!([null]))
            .with("mapper", "return"),
    )
}

/// `GET /api/{session}/message-by-id/{messageId}`: 201 with the message under `data`.
pub(crate) fn message_by_id(req: &Req<'_>) -> Response {
    let id = req.param("messageId");
    let Some(message) = stored(req, id) else {
        return req.json(
            StatusCode::BAD_REQUEST,
            Obj::new().with("status", "Error").with(
                "response",
                json!({"message": "Error retrieving information", "session": req.session, "log": {}}),
            ),
        );
    };
    let chat = message
        .get("chatId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let contact = chat.split('@').next().unwrap_or_default().to_owned();
    req.json(
        StatusCode::CREATED,
        Obj::new().with("status", "Success").with(
            "response",
            json!({
                "message": "Information retrieved successfully.",
                "contact": contact,
                "session": req.session,
                "data": message.to_value(),
            }),
        ),
    )
}

/// `POST /api/{session}/delete-message` (`phone`, `messageId`: one id or a list): the
/// messages leave the store (for everyone or, with `onlyLocal`, for this account: the same
/// here).
pub(crate) fn delete_message(req: &Req<'_>) -> Response {
    let ids = super::texts(req.body.get("messageId"));
    let removed = req.sim.remove_messages(&req.session, |m| {
        m.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| ids.iter().any(|wanted| wanted == id))
    });
    if removed == 0 {
        return req.json(
            StatusCode::UNAUTHORIZED,
            Obj::new().with("status", "error").with(
                "response",
                json!({"message": "Error unknown on delete message"}),
            ),
        );
    }
    req.success(StatusCode::OK, json!({"message": "Message deleted"}))
}

/// `POST /api/{session}/react-message` (`msgId`, `reaction`; `""` removes it).
pub(crate) fn react_message(req: &Req<'_>) -> Response {
    let id = req.text("msgId");
    if stored(req, &id).is_none() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on send reaction to message",
        );
    }
    let reaction = req.text("reaction");
    req.book(|book| {
        if reaction.is_empty() {
            book.chats.reactions.remove(&id);
        } else {
            book.chats.reactions.insert(id.clone(), reaction.clone());
        }
    });
    req.sim.update_message(&req.session, &id, |message| {
        message.set("hasReaction", !reaction.is_empty());
    });
    req.success(StatusCode::OK, json!({"message": "Reaction sended"}))
}

/// `GET /api/{session}/reactions/{id}`: this account's reaction to a stored message.
pub(crate) fn reactions(req: &Req<'_>) -> Response {
    let id = req.param("id").to_owned();
    let mine = req.book(|book| book.chats.reactions.get(&id).cloned());
    let own = req.sim.own_id();
    let reactions: Vec<Value> = mine
        .iter()
        .map(|emoji| {
            json!({
                "aggregateEmoji": emoji, "hasReactionByMe": true,
                "senders": [{
                    "id": {"fromMe": true, "remote": crate::state::wid(&own), "id": "3EB0", "_serialized": format!("true_{own}_3EB0")},
                    "msgId": id, "reactionText": emoji, "read": true, "orphan": 0,
                    "senderUserJid": own, "timestamp": wppconnect_models::Millis::now().get()
                }]
            })
        })
        .collect();
    req.success(
        StatusCode::OK,
        json!({"reactionByMe": mine.map(|emoji| json!({"reactionText": emoji})), "reactions": reactions}),
    )
}

/// `GET /api/{session}/votes/{id}`: the votes of a poll (nobody votes in the simulator).
pub(crate) fn votes(req: &Req<'_>) -> Response {
    let id = req.param("id");
    let mut parts = id.splitn(3, '_');
    let from_me = parts.next() == Some("true");
    let chat = parts.next().unwrap_or_default();
    let key = parts.next().unwrap_or_default();
    req.success(
        StatusCode::OK,
        json!({
            "msgId": {"fromMe": from_me, "remote": crate::state::wid(chat), "id": key, "_serialized": id},
            "chatId": crate::state::wid(chat),
            "votes": []
        }),
    )
}

/// `POST /api/{session}/forward-messages` (`phone`, `messageId`): each stored message is sent
/// again to each chat, marked forwarded.
pub(crate) fn forward_messages(req: &Req<'_>) -> Response {
    let ids = super::texts(req.body.get("messageId"));
    let originals: Vec<Obj> = ids.iter().filter_map(|id| stored(req, id)).collect();
    if originals.is_empty() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error forwarding message",
        );
    }
    let mut sent = Vec::new();
    for chat in req.phones() {
        for original in &originals {
            let mut extra = Obj::new().with("isForwarded", true);
            for key in ["caption", "mimetype", "lat", "lng"] {
                if let Some(value) = original.get(key) {
                    extra.set(key, value.clone());
                }
            }
            let content = Content {
                kind: kind_of(original),
                body: original
                    .get("body")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                extra,
            };
            let message = req.sim.send_one(&req.session, &chat, &content);
            sent.push(message.get("id").cloned().unwrap_or_default());
        }
    }
    req.success(StatusCode::CREATED, Value::Array(sent))
}

/// A stored message's `type`, as one of the kinds the simulator sends.
fn kind_of(message: &Obj) -> &'static str {
    match message.get("type").and_then(Value::as_str) {
        Some("image") => "image",
        Some("video") => "video",
        Some("audio") => "audio",
        Some("ptt") => "ptt",
        Some("document") => "document",
        Some("sticker") => "sticker",
        Some("location") => "location",
        _ => "chat",
    }
}

/// `POST /api/{session}/star-message` (`messageId`, `star`): how many messages changed.
pub(crate) fn star_message(req: &Req<'_>) -> Response {
    let star = !matches!(req.body.get("star"), Some(Value::Bool(false)));
    let changed = super::texts(req.body.get("messageId"))
        .iter()
        .filter(|id| {
            req.sim
                .update_message(&req.session, id, |m| m.set("star", star))
                .is_some()
        })
        .count();
    req.success(StatusCode::OK, changed)
}

/// The media answer of get-media-by-message and download-media: the simulator keeps no media
/// bytes, so an image's is a 1×1 PNG and any other's is empty.
fn media(req: &Req<'_>, id: &str) -> Response {
    let Some(message) = stored(req, id) else {
        return req.json(
            StatusCode::BAD_REQUEST,
            Obj::new()
                .with("status", "error")
                .with("message", "Message not found"),
        );
    };
    let Some(mimetype) = message.get("mimetype").and_then(Value::as_str) else {
        return req.json(
            StatusCode::BAD_REQUEST,
            Obj::new()
                .with("status", "error")
                .with("message", "Message does not contain media"),
        );
    };
    let base64 = if mimetype.starts_with("image/") {
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    } else {
        ""
    };
    req.json(
        StatusCode::OK,
        Obj::new().with("base64", base64).with("mimetype", mimetype),
    )
}

/// `GET /api/{session}/get-media-by-message/{messageId}` (no gate: 500 when the session is not
/// connected).
pub(crate) fn get_media_by_message(req: &Req<'_>) -> Response {
    if !req.sim.is_connected(&req.session) {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The session is not active",
        );
    }
    media(req, req.param("messageId"))
}

/// `POST /api/{session}/download-media` (`messageId`).
pub(crate) fn download_media(req: &Req<'_>) -> Response {
    media(req, &req.text("messageId"))
}
