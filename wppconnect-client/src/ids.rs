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

use crate::error::{Error, Result};

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

/// A chat, a group, a channel or a recipient: a [`ChatId`] or a [`PhoneNumber`], which carry
/// their kind, or text, which the method reads as it always did — a phone number in any common
/// form (`+55 11 99999-9999`) or a full id (`…@c.us`, `…@g.us`, `…@lid`, `…@newsletter`);
/// bare digits are a group for the group methods, a channel for the channel methods, and
/// follow the builder's flags (`.group()`, `.lid()`, `.newsletter()`) for sends. Either way the
/// id is checked before any request: a bad one is [`Error::InvalidInput`].
pub trait IntoChat {
    /// The chat as text: the full id of a typed id, the text as given otherwise.
    fn into_chat(self) -> String;
}

/// A list of chats as text, each as [`IntoChat::into_chat`] gives it: what the list-taking
/// methods (group participants, community subgroups, label changes…) validate and send.
pub(crate) fn chat_texts(chats: &[impl IntoChat + Clone]) -> Vec<String> {
    chats.iter().cloned().map(IntoChat::into_chat).collect()
}

impl IntoChat for ChatId {
    fn into_chat(self) -> String {
        self.into()
    }
}

impl IntoChat for &ChatId {
    fn into_chat(self) -> String {
        self.as_str().to_owned()
    }
}

impl IntoChat for PhoneNumber {
    fn into_chat(self) -> String {
        self.to_chat_id().into()
    }
}

impl IntoChat for &PhoneNumber {
    fn into_chat(self) -> String {
        self.to_chat_id().into()
    }
}

impl IntoChat for &str {
    fn into_chat(self) -> String {
        self.to_owned()
    }
}

impl IntoChat for String {
    fn into_chat(self) -> String {
        self
    }
}

impl IntoChat for &String {
    fn into_chat(self) -> String {
        self.clone()
    }
}

impl IntoChat for &&str {
    fn into_chat(self) -> String {
        (*self).to_owned()
    }
}
