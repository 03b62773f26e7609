//! What the methods accept where a route takes a chat or a message id: the typed ids of
//! [`wppconnect_models`], or text that is parsed (and refused) before any request.
//!
//! ```no_run
//! use wppconnect_client::models::{ChatId, MessageId, PhoneNumber};
//! # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
//! // text, parsed before the request
//! session.send_seen("+55 11 99999-9999").await?;
//! // typed ids, already valid
//! let chat: ChatId = "120363025746331234@g.us".parse()?;
//! session.send_seen(&chat).await?;
//! session.send_seen(PhoneNumber::new("5511999999999")?).await?;
//! let message: MessageId = "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281".parse()?;
//! session.react_message(&message, "👍").await?;
//! # Ok(()) }
//! ```

use wppconnect_models::{ChatId, MessageId, PhoneNumber};

use crate::chat::chat_id;
use crate::error::{Error, Result};

/// A chat: a [`ChatId`], a [`PhoneNumber`] (a contact), or text — a phone number in any
/// common form (`5511999999999`, `+55 11 99999-9999`) or a full id (`…@c.us`, `…@g.us`,
/// `…@lid`, `…@newsletter`). Text is parsed before any request; a bad one is
/// [`Error::InvalidInput`].
pub trait IntoChatId {
    /// The chat id, or why the input names none.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for text that is not a phone number or a chat id.
    fn into_chat_id(self) -> Result<ChatId>;
}

impl IntoChatId for ChatId {
    fn into_chat_id(self) -> Result<ChatId> {
        Ok(self)
    }
}

impl IntoChatId for &ChatId {
    fn into_chat_id(self) -> Result<ChatId> {
        Ok(self.clone())
    }
}

impl IntoChatId for PhoneNumber {
    fn into_chat_id(self) -> Result<ChatId> {
        Ok(self.to_chat_id())
    }
}

impl IntoChatId for &PhoneNumber {
    fn into_chat_id(self) -> Result<ChatId> {
        Ok(self.to_chat_id())
    }
}

impl IntoChatId for &str {
    fn into_chat_id(self) -> Result<ChatId> {
        chat_id(self.trim())
    }
}

impl IntoChatId for String {
    fn into_chat_id(self) -> Result<ChatId> {
        chat_id(self.trim())
    }
}

impl IntoChatId for &String {
    fn into_chat_id(self) -> Result<ChatId> {
        chat_id(self.trim())
    }
}

impl IntoChatId for &&str {
    fn into_chat_id(self) -> Result<ChatId> {
        chat_id(self.trim())
    }
}

/// A message: a [`MessageId`], or its serialised text (`true_5511999999999@c.us_3EB0…`),
/// parsed before any request; a bad one is [`Error::InvalidInput`].
pub trait IntoMessageId {
    /// The message id, or why the input is none.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for text that is not a serialised message id.
    fn into_message_id(self) -> Result<MessageId>;
}

impl IntoMessageId for MessageId {
    fn into_message_id(self) -> Result<MessageId> {
        Ok(self)
    }
}

impl IntoMessageId for &MessageId {
    fn into_message_id(self) -> Result<MessageId> {
        Ok(self.clone())
    }
}

impl IntoMessageId for &str {
    fn into_message_id(self) -> Result<MessageId> {
        self.trim().parse().map_err(Error::invalid)
    }
}

impl IntoMessageId for String {
    fn into_message_id(self) -> Result<MessageId> {
        self.as_str().into_message_id()
    }
}

impl IntoMessageId for &String {
    fn into_message_id(self) -> Result<MessageId> {
        self.as_str().into_message_id()
    }
}

impl IntoMessageId for &&str {
    fn into_message_id(self) -> Result<MessageId> {
        (*self).into_message_id()
    }
}
