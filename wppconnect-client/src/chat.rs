//! Chats and their messages: list-chats, all-chats, chat-by-id, get-messages, message-by-id.
//!
//! Reads are safe to repeat: the client retries them on transport errors, timeouts and 5xx.

use std::future::IntoFuture;

use futures::Stream;
use serde_json::Value;
use wppconnect_models::chat::ListChats;
use wppconnect_models::message::RecipientFlags;
use wppconnect_models::{Chat, ChatId, Confirmation, Message, MessageId, PhoneNumber, Wrapped};

use crate::error::{Error, Result};
use crate::ids::{IntoChat, IntoMessageId};
use crate::message::recipient;
use crate::routes;
use crate::session::{BoxFuture, Session};

/// `list-chats` with its filters. `.await` sends it; see [`Session::list_chats`].
#[must_use = "requests do nothing unless .awaited"]
#[derive(Debug)]
pub struct ListChatsRequest {
    session: Session,
    body: Result<ListChats>,
}

impl ListChatsRequest {
    fn with(mut self, f: impl FnOnce(&mut ListChats) -> Result<()>) -> Self {
        if let Ok(body) = &mut self.body {
            if let Err(error) = f(body) {
                self.body = Err(error);
            }
        }
        self
    }

    /// At most this many chats.
    pub fn count(self, count: u32) -> Self {
        self.with(|b| {
            b.count = Some(count);
            Ok(())
        })
    }

    /// The chats before this one (a phone number or a full id).
    pub fn before(self, chat: impl IntoChat) -> Self {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        self.with(|b| {
            b.id = Some(chat_id(chat)?.as_str().to_owned());
            b.direction = Some("before".to_owned());
            Ok(())
        })
    }

    /// The chats after this one.
    pub fn after(self, chat: impl IntoChat) -> Self {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        self.with(|b| {
            b.id = Some(chat_id(chat)?.as_str().to_owned());
            b.direction = Some("after".to_owned());
            Ok(())
        })
    }

    /// Groups only.
    pub fn only_groups(self) -> Self {
        self.with(|b| {
            b.only_groups = Some(true);
            Ok(())
        })
    }

    /// Private chats only.
    pub fn only_users(self) -> Self {
        self.with(|b| {
            b.only_users = Some(true);
            Ok(())
        })
    }

    /// Chats with unread messages only.
    pub fn only_unread(self) -> Self {
        self.with(|b| {
            b.only_with_unread_message = Some(true);
            Ok(())
        })
    }

    /// Chats with these label ids only.
    pub fn with_labels<I, S>(self, labels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.with(|b| {
            b.with_labels = Some(labels.into_iter().map(Into::into).collect());
            Ok(())
        })
    }

    /// The body this request sends.
    ///
    /// # Errors
    /// The first invalid input given to a setter.
    pub fn into_body(self) -> Result<ListChats> {
        self.body
    }
}

impl IntoFuture for ListChatsRequest {
    type Output = Result<Vec<Chat>>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let body = self.body?;
            // a bare array, not wrapped
            let call = self
                .session
                .call(&routes::LIST_CHATS, &[])?
                .body_of(&body)?;
            self.session.execute(call).await
        })
    }
}

pub(crate) fn chat_id(input: &str) -> Result<ChatId> {
    if input.contains('@') {
        input.parse().map_err(Error::invalid)
    } else {
        Ok(PhoneNumber::new(input)
            .map_err(Error::invalid)?
            .to_chat_id())
    }
}

/// The digits of a phone number, as people type it or as a contact id (`…@c.us`, what a typed
/// [`PhoneNumber`] or contact [`ChatId`] gives through [`IntoChat`](crate::IntoChat)).
pub(crate) fn digits(input: &str) -> Result<String> {
    if input.contains('@') {
        let id: ChatId = input.trim().parse().map_err(Error::invalid)?;
        if id.kind() != wppconnect_models::ChatKind::Contact {
            return Err(Error::invalid(format!(
                "this route takes a phone number, not {id}"
            )));
        }
        return digits(id.user());
    }
    Ok(PhoneNumber::new(input)
        .map_err(Error::invalid)?
        .digits()
        .to_owned())
}

impl Session {
    /// `POST /api/{session}/list-chats`: the chats, newest first, with every filter of the
    /// server as a setter: `.count(…)`, `.before(chat)` / `.after(chat)`, `.only_groups()`,
    /// `.only_users()`, `.only_unread()`, `.with_labels(…)`. A read: retried when it fails.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let unread_groups = session.list_chats().only_groups().only_unread().count(20).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad chat id; [`Error::NotConnected`], [`Error::Api`],
    /// transport errors.
    #[doc(alias = "list-chats")]
    pub fn list_chats(&self) -> ListChatsRequest {
        ListChatsRequest {
            session: self.clone(),
            body: Ok(ListChats::default()),
        }
    }

    /// `GET /api/{session}/all-chats`: every chat (deprecated by the library; prefer
    /// [`Session::list_chats`]).
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "all-chats")]
    pub async fn all_chats(&self) -> Result<Vec<Chat>> {
        let answer: Wrapped<Vec<Chat>> = self.execute(self.call(&routes::ALL_CHATS, &[])?).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/chat-by-id/{phone}`: one private chat (or a group, from its
    /// `…@g.us` id).
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "chat-by-id")]
    pub async fn chat_by_id(&self, chat: impl IntoChat) -> Result<Chat> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let id = chat_id(chat)?;
        let mut call = self.call(&routes::CHAT_BY_ID, &[id.user()])?;
        if id.is_group() {
            call = call.query("isGroup", "true");
        }
        self.execute(call).await
    }

    /// `GET /api/{session}/get-messages/{chatId}`: up to `count` messages of a chat, before the
    /// message `before` (or the newest ones).
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "get-messages")]
    pub async fn get_messages(
        &self,
        chat: impl IntoChat,
        count: u32,
        before: Option<&MessageId>,
    ) -> Result<Vec<Message>> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let id = chat_id(chat)?;
        let mut call = self
            .call(&routes::GET_MESSAGES, &[id.as_str()])?
            .query("count", count)
            .query("direction", "before");
        if let Some(before) = before {
            call = call.query("id", before.as_str());
        }
        let answer: Wrapped<Vec<Message>> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/all-messages-in-chat/{phone}`: every loaded message of a chat.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "all-messages-in-chat")]
    pub async fn all_messages_in_chat(&self, chat: impl IntoChat) -> Result<Vec<Message>> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let id = chat_id(chat)?;
        let mut call = self.call(&routes::ALL_MESSAGES_IN_CHAT, &[id.user()])?;
        if id.is_group() {
            call = call.query("isGroup", "true");
        }
        let answer: Wrapped<Vec<Message>> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// Pages backwards through a chat's history with `get-messages`, `page_size` messages per
    /// request, yielding each page (newest page first) until the chat's start.
    pub fn messages_pages(
        &self,
        chat: impl IntoChat,
        page_size: u32,
    ) -> impl Stream<Item = Result<Vec<Message>>> + Send + 'static {
        use futures::StreamExt as _;
        let chat = match chat_id(&chat.into_chat()) {
            Ok(chat) => chat.as_str().to_owned(),
            // a bad id ends the stream at once, before any request
            Err(error) => return futures::stream::once(async { Err(error) }).left_stream(),
        };
        let session = self.clone();
        futures::stream::unfold(Some(None::<MessageId>), move |cursor| {
            let session = session.clone();
            let chat = chat.clone();
            async move {
                let before = cursor?;
                match session
                    .get_messages(&chat, page_size, before.as_ref())
                    .await
                {
                    Ok(page) if page.is_empty() => None,
                    Ok(page) => {
                        let oldest = page
                            .iter()
                            .min_by_key(|m| m.time())
                            .map(|m| m.id.clone().into_plain());
                        let next = if page.len() < page_size as usize || oldest == before {
                            None
                        } else {
                            Some(oldest)
                        };
                        Some((Ok(page), next))
                    }
                    Err(error) => Some((Err(error), None)),
                }
            }
        })
        .right_stream()
    }

    /// `GET /api/{session}/message-by-id/{messageId}`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "message-by-id")]
    pub async fn message_by_id(&self, message_id: impl IntoMessageId) -> Result<Message> {
        let id = message_id.into_message_id()?;
        let call = self.call(&routes::MESSAGE_BY_ID, &[id.as_str()])?;
        let answer: Wrapped<Value> = self.execute(call).await?;
        // `{"message", "contact", "session", "data": <Message>}`; older servers sent the message.
        let mut response = answer.response;
        let data = match response.get_mut("data") {
            Some(data) => data.take(),
            None => response,
        };
        serde_path_to_error::deserialize(&data).map_err(|e| {
            let snippet: String = data.to_string().chars().take(200).collect();
            Error::Decode {
                route: routes::MESSAGE_BY_ID.label(),
                path: format!("response.data.{}", e.path()),
                snippet,
                source: e.into_inner(),
            }
        })
    }
}

/// The `phone` (and `isGroup`) of the chat routes that take one chat.
fn one_chat(chat: &str) -> Result<serde_json::Map<String, Value>> {
    let mut flags = RecipientFlags::default();
    let phone = recipient(chat, &mut flags)?;
    let mut body = serde_json::Map::new();
    body.insert("phone".to_owned(), Value::String(phone));
    if flags.is_group {
        body.insert("isGroup".to_owned(), Value::Bool(true));
    }
    Ok(body)
}

impl Session {
    /// `GET /api/{session}/all-chats-archived`: the archived chats.
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "all-chats-archived")]
    pub async fn all_chats_archived(&self) -> Result<Vec<Chat>> {
        // a bare array, answered with 201
        self.execute(self.call(&routes::ALL_CHATS_ARCHIVED, &[])?)
            .await
    }

    /// `POST /api/{session}/archive-chat`: archives (or, with `false`, unarchives) a chat. Sets
    /// a state, so it is retried like a read.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "archive-chat")]
    pub async fn archive_chat(&self, chat: impl IntoChat, archive: bool) -> Result<()> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let mut body = one_chat(chat)?;
        body.insert("value".to_owned(), Value::Bool(archive));
        let call = self
            .call(&routes::ARCHIVE_CHAT, &[])?
            .json(Value::Object(body));
        // `{"status":"success","response":<the library's answer>}`
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `POST /api/{session}/pin-chat`: pins (or unpins) a chat. The server pins only when
    /// `state` is the **string** `"true"`; this method sends it that way.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`] (500 with WhatsApp's
    /// reason, e.g. too many pinned chats).
    #[doc(alias = "pin-chat")]
    pub async fn pin_chat(&self, chat: impl IntoChat, pin: bool) -> Result<Confirmation> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let mut body = one_chat(chat)?;
        body.insert("state".to_owned(), Value::String(pin.to_string()));
        let call = self.call(&routes::PIN_CHAT, &[])?.json(Value::Object(body));
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/mark-unseen`: marks a chat as unread.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "mark-unseen")]
    pub async fn mark_unseen(&self, chat: impl IntoChat) -> Result<Confirmation> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let body = one_chat(chat)?;
        let call = self
            .call(&routes::MARK_UNSEEN, &[])?
            .json(Value::Object(body));
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }
}
