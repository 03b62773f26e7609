//! Chats and their messages: list-chats, all-chats, chat-by-id, get-messages, message-by-id.
//!
//! Reads are safe to repeat: the client retries them on transport errors, timeouts and 5xx.

use futures::Stream;
use serde_json::{json, Value};
use wppconnect_models::{Chat, ChatId, Message, MessageId, PhoneNumber, Wrapped};

use crate::error::{Error, Result};
use crate::routes;
use crate::session::Session;

pub(crate) fn chat_id(input: &str) -> Result<ChatId> {
    if input.contains('@') {
        input.parse().map_err(Error::invalid)
    } else {
        Ok(PhoneNumber::new(input)
            .map_err(Error::invalid)?
            .to_chat_id())
    }
}

pub(crate) fn digits(input: &str) -> Result<String> {
    Ok(PhoneNumber::new(input)
        .map_err(Error::invalid)?
        .digits()
        .to_owned())
}

impl Session {
    /// `POST /api/{session}/list-chats`: the chats, newest first; `count` limits them.
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "list-chats")]
    pub async fn list_chats(&self, count: Option<u32>) -> Result<Vec<Chat>> {
        let mut body = json!({});
        if let Some(count) = count {
            body["count"] = count.into();
        }
        let call = self.call(&routes::LIST_CHATS, &[])?.json(body);
        self.execute(call).await
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
    pub async fn chat_by_id(&self, chat: &str) -> Result<Chat> {
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
        chat: &str,
        count: u32,
        before: Option<&MessageId>,
    ) -> Result<Vec<Message>> {
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
    pub async fn all_messages_in_chat(&self, chat: &str) -> Result<Vec<Message>> {
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
        chat: &str,
        page_size: u32,
    ) -> impl Stream<Item = Result<Vec<Message>>> + Send + 'static {
        let session = self.clone();
        let chat = chat.to_owned();
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
    }

    /// `GET /api/{session}/message-by-id/{messageId}`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], [`Error::NotConnected`], [`Error::Api`].
    #[doc(alias = "message-by-id")]
    pub async fn message_by_id(&self, message_id: &str) -> Result<Message> {
        let id: MessageId = message_id.parse().map_err(Error::invalid)?;
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
