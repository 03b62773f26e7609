//! Inbox management (`deviceController.ts` of server 2.10.4): the chat lists with messages, new
//! and unread messages, presence (`chat-is-online`, `last-seen`), mutes, loading a chat's
//! history, archiving, clearing and deleting chats, chat states, disappearing messages.
//!
//! Reads and the presence indicators (`chat-state`, `recording`) are retried; everything that
//! changes chats (`clear-*`, `delete-*`, `archive-all-chats`, `send-mute`, `temporary-messages`)
//! is never retried once it may have reached the server.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use wppconnect_models::chat::{
    ChatState, ChatTarget, LastSeen, MuteFilter, MuteList, MuteResult, MuteUnit, PerChatResults,
    SendMute, SetChatState, SetRecording, SetTemporaryMessages, UnreadChat,
};
use wppconnect_models::message::RecipientFlags;
use wppconnect_models::{Chat, Confirmation, Message, Wrapped};

use crate::chat::{chat_id, digits};
use crate::error::{Error, Result};
use crate::ids::IntoChat;
use crate::message::recipient;
use crate::routes::{self, Route};
use crate::session::Session;

/// The `phone` and `isGroup` of the chat routes whose controllers address one chat with
/// `contactToArray(phone, isGroup)`: digits, or a group id. Those controllers cannot address a
/// LID or a channel, so those are refused before any request.
pub(crate) fn chat_target(chat: &str) -> Result<ChatTarget> {
    let mut flags = RecipientFlags::default();
    let phone = recipient(chat, &mut flags)?;
    if flags.is_lid || flags.is_newsletter {
        return Err(Error::invalid(format!(
            "this route addresses contacts and groups only, not {chat:?}"
        )));
    }
    Ok(ChatTarget {
        phone,
        is_group: flags.is_group,
    })
}

/// The digits of a contact for the routes whose controllers append `@c.us` to the path's
/// `phone`: a phone number as people type it, or a full `…@c.us` id.
fn contact_digits(input: &str) -> Result<String> {
    if input.contains('@') {
        let id = chat_id(input)?;
        if id.kind() != wppconnect_models::ChatKind::Contact {
            return Err(Error::invalid(format!(
                "this route addresses a phone number only (the server appends @c.us), not {id}"
            )));
        }
        return digits(id.user());
    }
    digits(input)
}

impl Session {
    /// Reads `{"status":"success","response":T}` from a route without parameters.
    async fn read_wrapped<T: DeserializeOwned>(
        &self,
        route: &'static Route,
        args: &[&str],
    ) -> Result<T> {
        let answer: Wrapped<T> = self.execute(self.call(route, args)?).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/all-chats-with-messages`: the chats (the server answers the library's
    /// `listChats()`, the same list as [`Session::list_chats`] without filters). A read: retried.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// for chat in session.all_chats_with_messages().await? {
    ///     println!("{} {:?}", chat.id, chat.unread_count);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "all-chats-with-messages")]
    pub async fn all_chats_with_messages(&self) -> Result<Vec<Chat>> {
        self.read_wrapped(&routes::ALL_CHATS_WITH_MESSAGES, &[])
            .await
    }

    /// `GET /api/{session}/all-new-messages`: the loaded messages WhatsApp Web still marks as new
    /// (deprecated by the library in favour of `all-unread-messages`). A read: retried.
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "all-new-messages")]
    pub async fn all_new_messages(&self) -> Result<Vec<Message>> {
        self.read_wrapped(&routes::ALL_NEW_MESSAGES, &[]).await
    }

    /// `GET /api/{session}/unread-messages`: the chats with new messages, each with them
    /// (the library's `getUnreadMessages(false, false, true)`: own messages and notifications
    /// left out, the unread count used when no message is new). Reading them **clears WhatsApp
    /// Web's "new" mark**, so a second call may answer less; the route is still retried, like
    /// every read.
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "unread-messages")]
    pub async fn unread_messages(&self) -> Result<Vec<UnreadChat>> {
        self.read_wrapped(&routes::UNREAD_MESSAGES, &[]).await
    }

    /// `GET /api/{session}/all-unread-messages`: the unread messages of every chat with new
    /// messages. A read: retried.
    ///
    /// # Errors
    /// [`Error::NotConnected`], [`Error::Api`], transport errors.
    #[doc(alias = "all-unread-messages")]
    pub async fn all_unread_messages(&self) -> Result<Vec<Message>> {
        self.read_wrapped(&routes::ALL_UNREAD_MESSAGES, &[]).await
    }

    /// `GET /api/{session}/chat-is-online/{phone}`: whether a contact is online now. The server
    /// appends `@c.us`, so only phone numbers can be asked.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// if session.chat_is_online("+55 11 99999-9999").await? {
    ///     println!("online");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for anything but a phone number (or its `…@c.us` id); [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "chat-is-online")]
    pub async fn chat_is_online(&self, phone: impl IntoChat) -> Result<bool> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let digits = contact_digits(phone)?;
        self.read_wrapped(&routes::CHAT_IS_ONLINE, &[&digits]).await
    }

    /// `GET /api/{session}/last-seen/{phone}`: when a contact was last seen, or
    /// [`LastSeen::Unknown`] when WhatsApp does not say (privacy settings, no presence yet).
    /// Phone numbers only (the server appends `@c.us`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "last-seen")]
    pub async fn last_seen(&self, phone: impl IntoChat) -> Result<LastSeen> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let digits = contact_digits(phone)?;
        self.read_wrapped(&routes::LAST_SEEN, &[&digits]).await
    }

    /// `GET /api/{session}/list-mutes/{type}`: the muted chats, the others, or both with
    /// counts ([`MuteFilter`]).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::chat::MuteFilter;
    /// let mutes = session.list_mutes(MuteFilter::Muted).await?;
    /// for entry in &mutes.muted {
    ///     println!("{} until {:?}", entry.id, entry.expiration);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`]; [`Error::Decode`] when the answer is not the
    /// library's array.
    #[doc(alias = "list-mutes")]
    pub async fn list_mutes(&self, filter: MuteFilter) -> Result<MuteList> {
        let wire: Value = self
            .read_wrapped(&routes::LIST_MUTES, &[filter.as_str()])
            .await?;
        let snippet: String = wire.to_string().chars().take(200).collect();
        MuteList::from_wire(filter, wire).map_err(|source| Error::Decode {
            route: routes::LIST_MUTES.label(),
            path: "response".to_owned(),
            snippet,
            source,
        })
    }

    /// `GET /api/{session}/load-messages-in-chat/{phone}`: loads a contact chat's whole history
    /// from the phone and answers every message (own messages included, notifications left
    /// out: the server reads its flags from the path, where they never are). Phone numbers only
    /// (the server appends `@c.us`); for groups page with [`Session::get_messages`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "load-messages-in-chat")]
    pub async fn load_messages_in_chat(&self, phone: impl IntoChat) -> Result<Vec<Message>> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let digits = contact_digits(phone)?;
        self.read_wrapped(&routes::LOAD_MESSAGES_IN_CHAT, &[&digits])
            .await
    }

    /// `POST /api/{session}/archive-all-chats`: archives every chat, one by one. Never retried
    /// once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`] (500 `Error on archive all chats`).
    #[doc(alias = "archive-all-chats")]
    pub async fn archive_all_chats(&self) -> Result<()> {
        let _: Confirmation = self
            .execute(self.call(&routes::ARCHIVE_ALL_CHATS, &[])?)
            .await?;
        Ok(())
    }

    /// `POST /api/{session}/clear-chat`: deletes a chat's messages (starred ones are kept).
    /// Answers, per chat id, whether WhatsApp accepted it. Never retried once it may have
    /// reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let done = session.clear_chat("+55 11 99999-9999").await?;
    /// assert!(done.all_ok());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`] (400 `Error retrieving
    /// information`).
    #[doc(alias = "clear-chat")]
    pub async fn clear_chat(&self, chat: impl IntoChat) -> Result<PerChatResults> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let body = chat_target(chat)?;
        let call = self.call(&routes::CLEAR_CHAT, &[])?.body_of(&body)?;
        self.read_per_chat(call).await
    }

    /// `POST /api/{session}/clear-all-chats`: deletes the messages of every chat. Never retried
    /// once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "clear-all-chats")]
    pub async fn clear_all_chats(&self) -> Result<()> {
        let _: Confirmation = self
            .execute(self.call(&routes::CLEAR_ALL_CHATS, &[])?)
            .await?;
        Ok(())
    }

    /// `POST /api/{session}/delete-chat`: deletes a chat from the list. Answers, per chat id,
    /// whether WhatsApp accepted it. Never retried once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "delete-chat")]
    pub async fn delete_chat(&self, chat: impl IntoChat) -> Result<PerChatResults> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let body = chat_target(chat)?;
        let call = self.call(&routes::DELETE_CHAT, &[])?.body_of(&body)?;
        self.read_per_chat(call).await
    }

    async fn read_per_chat(&self, call: crate::client::Call) -> Result<PerChatResults> {
        let answer: Wrapped<PerChatResults> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/delete-all-chats`: deletes every chat. Never retried once it may have
    /// reached the server.
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "delete-all-chats")]
    pub async fn delete_all_chats(&self) -> Result<()> {
        let _: Confirmation = self
            .execute(self.call(&routes::DELETE_ALL_CHATS, &[])?)
            .await?;
        Ok(())
    }

    /// `POST /api/{session}/send-mute`: mutes a chat for `time` units, or unmutes it with
    /// `None`. Not retried: after a mute that succeeded but whose answer was lost, a repeat
    /// would answer 500 "This chat is already mute".
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::chat::MuteUnit;
    /// session.send_mute("+55 11 99999-9999", Some((8, MuteUnit::Hours))).await?;
    /// session.send_mute("+55 11 99999-9999", None).await?; // unmute
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (a bad chat, a zero time); [`Error::NotConnected`];
    /// [`Error::Api`] (500 `Error on send mute`, e.g. already muted).
    #[doc(alias = "send-mute")]
    pub async fn send_mute(
        &self,
        chat: impl IntoChat,
        time: Option<(u32, MuteUnit)>,
    ) -> Result<MuteResult> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let target = chat_target(chat)?;
        if matches!(time, Some((0, _))) {
            return Err(Error::invalid("a mute of zero time: pass None to unmute"));
        }
        let body = SendMute {
            phone: target.phone,
            is_group: target.is_group,
            time: time.map(|(t, _)| t),
            unit: time.map(|(_, u)| u),
        };
        let call = self.call(&routes::SEND_MUTE, &[])?.body_of(&body)?;
        let answer: Wrapped<MuteResult> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/chat-state`: shows "typing…" or "recording audio…" in a chat, or
    /// stops it (deprecated by the library in favour of `typing` and `recording`). Sets a state,
    /// so it is retried.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "chat-state")]
    pub async fn chat_state(&self, chat: impl IntoChat, state: ChatState) -> Result<()> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let target = chat_target(chat)?;
        let body = SetChatState {
            phone: target.phone,
            is_group: target.is_group,
            chatstate: state,
        };
        let call = self.call(&routes::CHAT_STATE, &[])?.body_of(&body)?;
        // `{"status":"success"}`: the library answers nothing
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `POST /api/{session}/temporary-messages`: turns disappearing messages (7 days) on or off
    /// in a chat or group. Never retried once it may have reached the server (WhatsApp posts a
    /// notice in the chat).
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`] (500 `Error on set
    /// temporary messages`, e.g. `chat_not_found`).
    #[doc(alias = "temporary-messages")]
    pub async fn temporary_messages(&self, chat: impl IntoChat, on: bool) -> Result<()> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let target = chat_target(chat)?;
        let body = SetTemporaryMessages {
            phone: target.phone,
            is_group: target.is_group,
            value: on,
        };
        let call = self
            .call(&routes::TEMPORARY_MESSAGES, &[])?
            .body_of(&body)?;
        // `response` is `true` for chats, the group property's result for groups
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }

    /// `POST /api/{session}/recording`: shows "recording audio…" in a chat (for `duration`, or
    /// until stopped with `on = false`). Sets a state, so it is retried.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    pub async fn recording(
        &self,
        chat: impl IntoChat,
        on: bool,
        duration: Option<Duration>,
    ) -> Result<()> {
        let chat = chat.into_chat();
        let chat = chat.as_str();
        let target = chat_target(chat)?;
        let body = SetRecording {
            phone: target.phone,
            is_group: target.is_group,
            value: on,
            duration: duration.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        };
        let call = self.call(&routes::RECORDING, &[])?.body_of(&body)?;
        let _: Confirmation = self.execute(call).await?;
        Ok(())
    }
}
