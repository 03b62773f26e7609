//! Messages: a contact writing, sends with their ack flow (1 → 2 → 3 by webhook), and the
//! chats and messages the read routes render.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Who a message goes between, and how it is shown.
#[derive(Debug, Clone, Copy)]
struct Parties<'a> {
    from: &'a str,
    to: &'a str,
    chat: &'a str,
    from_me: bool,
    /// The sender's push name.
    notify_name: &'a str,
}

/// One chat of list-chats, summed up from its messages.
#[derive(Debug)]
struct ChatSummary {
    id: String,
    /// The time of its last message.
    t: i64,
    unread: i64,
    /// The contact's push name (empty until they write).
    name: String,
}

impl Sim {
    // ---- messages -------------------------------------------------------------------------

    fn sender(&self, id: &str, name: &str, is_me: bool) -> Value {
        json!({
            "id": id, "name": if is_me { Value::Null } else { name.into() }, "pushname": name,
            "type": "in", "isBusiness": false, "isEnterprise": false, "labels": [],
            "formattedName": name, "isMe": is_me, "isMyContact": !is_me, "isPSA": false,
            "isUser": true, "isWAContact": true, "profilePicThumbObj": {}, "msgs": null
        })
    }

    /// A message as the library's serializer gives it (onmessage, send-message, get-messages).
    fn message(&self, id: &str, content: &Content, parties: &Parties<'_>, ack: i64) -> Obj {
        let Parties {
            from,
            to,
            chat,
            from_me,
            notify_name,
        } = *parties;
        let t = Seconds::now().get();
        let mut message = Obj::new()
            .with("id", id)
            .with("viewed", false)
            .with("body", content.body.clone())
            .with("type", content.kind)
            .with("t", t)
            .with("notifyName", notify_name)
            .with("from", from)
            .with("to", to);
        if from_me {
            message.set("author", from);
        }
        message = message
            .with("ack", ack)
            .with("invis", false)
            .with("isNewMsg", true)
            .with("star", false)
            .with("kicNotified", false)
            .with("recvFresh", true)
            .with("isFromTemplate", false);
        for (key, value) in content.extra.clone().into_pairs() {
            message.set(&key, value);
        }
        let sender = if from_me {
            self.sender(from, &self.config.own_name, true)
        } else {
            self.sender(from, notify_name, false)
        };
        message
            .with("mentionedJidList", json!([]))
            .with("groupMentions", json!([]))
            .with("isForwarded", false)
            .with("labels", json!([]))
            .with("hasReaction", false)
            .with("chatId", chat)
            .with("fromMe", from_me)
            .with("sender", sender)
            .with("timestamp", t)
            .with("content", content.body.clone())
            .with("isGroupMsg", chat.ends_with("@g.us"))
            .with("mediaData", json!({}))
    }

    fn store(&self, session: &str, message: Obj) {
        self.inner()
            .messages
            .entry(session.to_owned())
            .or_default()
            .push(message);
    }

    /// A contact writes to a connected session: the message is stored and `onmessage` posted.
    pub(crate) fn incoming(
        &self,
        session: &str,
        from: &str,
        body: &str,
    ) -> Result<String, ControlError> {
        let digits = from
            .split('@')
            .next()
            .unwrap_or_default()
            .trim_start_matches('+');
        if !(5..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ControlError::InvalidPhone(from.to_owned()));
        }
        if !self.has_client(session) {
            return Err(ControlError::UnknownSession(session.to_owned()));
        }
        let status = self.status(session);
        if status != SessionStatus::Connected {
            return Err(ControlError::WrongState {
                session: session.to_owned(),
                status,
            });
        }
        let from_id = format!("{digits}@c.us");
        let id = format!("false_{from_id}_{}", hex(32));
        let name = format!("Contato {}", &digits[digits.len().saturating_sub(4)..]);
        let content = Content {
            kind: "chat",
            body: body.to_owned(),
            extra: Obj::new(),
        };
        let own = self.own_id();
        let parties = Parties {
            from: &from_id,
            to: &own,
            chat: &from_id,
            from_me: false,
            notify_name: &name,
        };
        let message = self.message(&id, &content, &parties, 1);
        self.store(session, message.clone());
        self.post(session, "onmessage", message);
        Ok(id)
    }

    /// One recipient of a send: the message is stored, returned, and acked 1 → 2 → 3 by webhook.
    pub(crate) fn send_one(self: &Arc<Self>, session: &str, chat: &str, content: &Content) -> Obj {
        let id = format!("true_{chat}_3EB0{}", hex(18));
        let own = self.own_id();
        let parties = Parties {
            from: &own,
            to: chat,
            chat,
            from_me: true,
            notify_name: &self.config.own_name,
        };
        let message = self.message(&id, content, &parties, 1);
        self.store(session, message.clone());
        let mut ack_payload = message.clone();
        for key in [
            "chatId",
            "fromMe",
            "sender",
            "timestamp",
            "content",
            "isGroupMsg",
            "mediaData",
        ] {
            ack_payload.remove(key);
        }
        ack_payload.set("id", msg_key(&id));
        let sim = self.clone();
        let session = session.to_owned();
        tokio::spawn(async move {
            for ack in 1..=3 {
                tokio::time::sleep(sim.config.ack_step).await;
                if !sim.is_connected(&session) {
                    return;
                }
                sim.set_ack(&session, &id, ack);
                ack_payload.set("ack", ack);
                sim.post(&session, "onack", ack_payload.clone());
            }
        });
        message
    }

    fn set_ack(&self, session: &str, id: &str, ack: i64) {
        if let Some(messages) = self.inner().messages.get_mut(session) {
            if let Some(message) = messages
                .iter_mut()
                .find(|m| m.get("id").and_then(Value::as_str) == Some(id))
            {
                message.set("ack", ack);
            }
        }
    }

    /// Changes the stored message with this id; answers it as changed.
    pub(crate) fn update_message(
        &self,
        session: &str,
        id: &str,
        change: impl FnOnce(&mut Obj),
    ) -> Option<Obj> {
        let mut inner = self.inner();
        let message = inner
            .messages
            .get_mut(session)?
            .iter_mut()
            .find(|m| m.get("id").and_then(Value::as_str) == Some(id))?;
        change(message);
        Some(message.clone())
    }

    /// Removes the session's messages for which `which` holds; answers how many.
    pub(crate) fn remove_messages(&self, session: &str, which: impl Fn(&Obj) -> bool) -> usize {
        let mut inner = self.inner();
        let Some(messages) = inner.messages.get_mut(session) else {
            return 0;
        };
        let before = messages.len();
        messages.retain(|m| !which(m));
        before - messages.len()
    }

    /// Every message of the session, oldest first.
    pub(crate) fn messages(&self, session: &str) -> Vec<Obj> {
        self.inner()
            .messages
            .get(session)
            .cloned()
            .unwrap_or_default()
    }

    /// The chats of the session (REST shape), most recent first.
    pub(crate) fn chats(&self, session: &str) -> Vec<Obj> {
        let messages = self.messages(session);
        let mut chats: Vec<ChatSummary> = Vec::new();
        for message in &messages {
            let Some(chat) = message.get("chatId").and_then(Value::as_str) else {
                continue;
            };
            if chat == "status@broadcast" {
                continue;
            }
            let t = message.get("t").and_then(Value::as_i64).unwrap_or_default();
            let from_me = message
                .get("fromMe")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let name = message
                .get("notifyName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            match chats.iter_mut().find(|c| c.id == chat) {
                Some(entry) => {
                    entry.t = t;
                    // answering a chat reads it
                    entry.unread = if from_me { 0 } else { entry.unread + 1 };
                    if !from_me {
                        entry.name = name;
                    }
                }
                None => chats.push(ChatSummary {
                    id: chat.to_owned(),
                    t,
                    unread: i64::from(!from_me),
                    name: if from_me { String::new() } else { name },
                }),
            }
        }
        chats.reverse();
        chats.sort_by_key(|c| std::cmp::Reverse(c.t));
        chats
            .into_iter()
            .map(
                |ChatSummary {
                     id,
                     t,
                     unread,
                     name,
                 }| chat_obj(&id, &name, t, unread),
            )
            .collect()
    }
}

/// A chat as the REST routes render it (`page.evaluate`: ids as `Wid` objects). An empty
/// `name` shows the id's user part.
pub(crate) fn chat_obj(id: &str, name: &str, t: i64, unread: i64) -> Obj {
    let group = id.ends_with("@g.us");
    let name = if name.is_empty() {
        id.split('@').next().unwrap_or_default().to_owned()
    } else {
        name.to_owned()
    };
    Obj::new()
        .with("id", wid(id))
        .with("t", t)
        .with("unreadCount", unread)
        .with("archive", false)
        .with("isReadOnly", false)
        .with("muteExpiration", 0)
        .with("name", name.clone())
        .with("notSpam", true)
        .with("pin", 0)
        .with("ephemeralDuration", 0)
        .with("unreadMentionCount", 0)
        .with("hasUnreadMention", false)
        .with("kind", if group { "group" } else { "chat" })
        .with("isBroadcast", false)
        .with("isGroup", group)
        .with("isUser", !group)
        .with("contact", contact_obj(id, &name, !group))
        .with("groupMetadata", Value::Null)
        .with("presence", json!({"id": wid(id), "chatstates": []}))
        .with("msgs", Value::Null)
}

/// A contact as the REST routes render it.
pub(crate) fn contact_obj(id: &str, name: &str, is_user: bool) -> Value {
    json!({
        "id": wid(id), "name": name, "pushname": name, "type": "in",
        "isBusiness": false, "isEnterprise": false, "labels": [],
        "formattedName": name, "isMe": false, "isMyContact": true,
        "isPSA": false, "isUser": is_user, "isWAContact": true,
        "profilePicThumbObj": {}, "msgs": null
    })
}
