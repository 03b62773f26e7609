//! [`WppApi`]: the typed operations of one session as a trait, so services can put a fake behind
//! them.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use wppconnect_models::group::{
    CreatedGroups, GroupInfo, LeftGroup, ParticipantsAdded, ParticipantsRemoved,
};
use wppconnect_models::label::{Label, LabelChange};
use wppconnect_models::message::{
    DownloadedMedia, SendFile, SendLinkPreview, SendLocation, SendMentioned, SendMessage, SendPoll,
    SendReceipt, SendReply, SendStatus,
};
use wppconnect_models::session::{StartSession, StatusMessage, TokenResponse};
use wppconnect_models::{
    Chat, ChatId, Confirmation, Contact, Message, MessageId, NumberStatus, PnLid, ProfilePic,
    SessionState, Wrapped,
};

use crate::error::{Error, Result};
use crate::message::{File, Receipts};
use crate::routes::{self, Route};
use crate::session::{QrCodeImage, Session};
use crate::upload::Upload;

/// The error a fake gives for an operation it does not implement.
fn not_faked(operation: &str) -> Error {
    Error::invalid(format!(
        "WppApi::{operation} is not implemented by this implementation"
    ))
}

/// The typed operations of one session. [`Session`] implements every one of them; a test can
/// implement the trait with a fake that records the plain request structs it is given.
///
/// Only the six core operations are required; every other one has a default that fails with
/// [`Error::InvalidInput`] ("not implemented by this implementation"), so a fake implements
/// just what its service calls. The send operations take the plain body structs of
/// [`wppconnect_models::message`] (what the builders' `into_body` gives), with the recipients
/// already resolved.
///
/// ```
/// use wppconnect_client::{Result, WppApi};
/// use wppconnect_client::models::message::{SendMessage, SendReply};
/// use wppconnect_client::models::session::{StartSession, StatusMessage, TokenResponse};
/// use wppconnect_client::models::{Message, SessionState};
///
/// #[derive(Default)]
/// struct Fake { replies: std::sync::Mutex<Vec<SendReply>> }
///
/// #[async_trait::async_trait]
/// impl WppApi for Fake {
///     async fn generate_token(&self) -> Result<TokenResponse> { unimplemented!() }
///     async fn start(&self, _: StartSession) -> Result<SessionState> { unimplemented!() }
///     async fn status(&self) -> Result<SessionState> { unimplemented!() }
///     async fn check_connection(&self) -> Result<bool> { Ok(true) }
///     async fn send_message(&self, _: &SendMessage) -> Result<Vec<Message>> { Ok(vec![]) }
///     async fn logout(&self) -> Result<StatusMessage> { unimplemented!() }
///     async fn send_reply(&self, body: &SendReply) -> Result<Vec<Message>> {
///         self.replies.lock().unwrap().push(body.clone());
///         Ok(vec![])
///     }
/// }
/// ```
#[async_trait]
pub trait WppApi: Send + Sync {
    /// Mints a token (`generate-token`).
    async fn generate_token(&self) -> Result<TokenResponse>;
    /// Starts the session (`start-session`).
    async fn start(&self, options: StartSession) -> Result<SessionState>;
    /// The session's state (`status-session`).
    async fn status(&self) -> Result<SessionState>;
    /// Whether the session is connected (`check-connection-session`).
    async fn check_connection(&self) -> Result<bool>;
    /// Sends a text (`send-message`); never retried after it may have reached the server.
    async fn send_message(&self, message: &SendMessage) -> Result<Vec<Message>>;
    /// Logs out (`logout-session`).
    async fn logout(&self) -> Result<StatusMessage>;

    /// The QR code (`qrcode-session`).
    async fn qrcode(&self) -> Result<QrCodeImage> {
        Err(not_faked("qrcode"))
    }
    /// Closes the session (`close-session`).
    async fn close(&self) -> Result<StatusMessage> {
        Err(not_faked("close"))
    }
    /// The media of a message (`get-media-by-message`).
    async fn get_media_by_message(&self, message_id: &str) -> Result<DownloadedMedia> {
        let _ = message_id;
        Err(not_faked("get_media_by_message"))
    }
    /// The media of a message (`download-media`).
    async fn download_media(&self, message_id: &str) -> Result<DownloadedMedia> {
        let _ = message_id;
        Err(not_faked("download_media"))
    }
    /// Replaces the text of an own message (`edit-message`).
    async fn edit_message(&self, message_id: &str, new_text: &str) -> Result<SendReceipt> {
        let _ = (message_id, new_text);
        Err(not_faked("edit_message"))
    }
    /// Reacts to a message (`react-message`).
    async fn react_message(&self, message_id: &str, reaction: &str) -> Result<Confirmation> {
        let _ = (message_id, reaction);
        Err(not_faked("react_message"))
    }
    /// Deletes messages (`delete-message`).
    async fn delete_message(
        &self,
        chat: &str,
        message_ids: &[&str],
        only_local: bool,
    ) -> Result<Confirmation> {
        let _ = (chat, message_ids, only_local);
        Err(not_faked("delete_message"))
    }
    /// Marks a chat as read (`send-seen`).
    async fn send_seen(&self, chat: &str) -> Result<()> {
        let _ = chat;
        Err(not_faked("send_seen"))
    }
    /// Shows or stops "typing…" (`typing`).
    async fn typing(&self, chat: &str, on: bool) -> Result<()> {
        let _ = (chat, on);
        Err(not_faked("typing"))
    }
    /// Sends an image (`send-image`, JSON body: `base64` data URL or `path`).
    async fn send_image(&self, body: &SendFile) -> Result<Receipts> {
        let _ = body;
        Err(not_faked("send_image"))
    }
    /// Sends a document (`send-file`, JSON body).
    async fn send_file(&self, body: &SendFile) -> Result<Receipts> {
        let _ = body;
        Err(not_faked("send_file"))
    }
    /// Sends a voice note: `send-voice-base64` when `base64_ptt` is set, else `send-voice`.
    async fn send_voice(&self, body: &SendFile) -> Result<Receipts> {
        let _ = body;
        Err(not_faked("send_voice"))
    }
    /// Sends a sticker (`send-sticker`, `path`).
    async fn send_sticker(&self, body: &SendFile) -> Result<Receipts> {
        let _ = body;
        Err(not_faked("send_sticker"))
    }
    /// Sends a location (`send-location`).
    async fn send_location(&self, body: &SendLocation) -> Result<Receipts> {
        let _ = body;
        Err(not_faked("send_location"))
    }
    /// Sends a link with its preview (`send-link-preview`).
    async fn send_link_preview(&self, body: &SendLinkPreview) -> Result<Receipts> {
        let _ = body;
        Err(not_faked("send_link_preview"))
    }
    /// Sends a reply (`send-reply`).
    async fn send_reply(&self, body: &SendReply) -> Result<Vec<Message>> {
        let _ = body;
        Err(not_faked("send_reply"))
    }
    /// Sends a poll (`send-poll-message`).
    async fn send_poll_message(&self, body: &SendPoll) -> Result<Vec<Message>> {
        let _ = body;
        Err(not_faked("send_poll_message"))
    }
    /// Sends a text with mentions (`send-mentioned`).
    async fn send_mentioned(&self, body: &SendMentioned) -> Result<SendReceipt> {
        let _ = body;
        Err(not_faked("send_mentioned"))
    }
    /// Posts a text story (`send-status`).
    async fn send_status(&self, body: &SendStatus) -> Result<Vec<Message>> {
        let _ = body;
        Err(not_faked("send_status"))
    }
    /// Every chat (`all-chats`).
    async fn all_chats(&self) -> Result<Vec<Chat>> {
        Err(not_faked("all_chats"))
    }
    /// One chat (`chat-by-id`).
    async fn chat_by_id(&self, chat: &str) -> Result<Chat> {
        let _ = chat;
        Err(not_faked("chat_by_id"))
    }
    /// A page of a chat's messages (`get-messages`).
    async fn get_messages(
        &self,
        chat: &str,
        count: u32,
        before: Option<&MessageId>,
    ) -> Result<Vec<Message>> {
        let _ = (chat, count, before);
        Err(not_faked("get_messages"))
    }
    /// Every loaded message of a chat (`all-messages-in-chat`).
    async fn all_messages_in_chat(&self, chat: &str) -> Result<Vec<Message>> {
        let _ = chat;
        Err(not_faked("all_messages_in_chat"))
    }
    /// One message (`message-by-id`).
    async fn message_by_id(&self, message_id: &str) -> Result<Message> {
        let _ = message_id;
        Err(not_faked("message_by_id"))
    }
    /// Every contact (`all-contacts`).
    async fn all_contacts(&self) -> Result<Vec<Contact>> {
        Err(not_faked("all_contacts"))
    }
    /// One contact (`contact`).
    async fn contact(&self, phone: &str) -> Result<Contact> {
        let _ = phone;
        Err(not_faked("contact"))
    }
    /// Whether a number has WhatsApp (`check-number-status`).
    async fn check_number_status(&self, phone: &str) -> Result<NumberStatus> {
        let _ = phone;
        Err(not_faked("check_number_status"))
    }
    /// A phone-number id and its LID (`contact/pn-lid`).
    async fn contact_pn_lid(&self, id: &str) -> Result<PnLid> {
        let _ = id;
        Err(not_faked("contact_pn_lid"))
    }
    /// The picture of a contact or group (`profile-pic`).
    async fn profile_pic(&self, chat: &str) -> Result<Option<ProfilePic>> {
        let _ = chat;
        Err(not_faked("profile_pic"))
    }
    /// Blocks a number (`block-contact`).
    async fn block_contact(&self, phone: &str) -> Result<Confirmation> {
        let _ = phone;
        Err(not_faked("block_contact"))
    }
    /// Unblocks a number (`unblock-contact`).
    async fn unblock_contact(&self, phone: &str) -> Result<Confirmation> {
        let _ = phone;
        Err(not_faked("unblock_contact"))
    }
    /// The session's own id (`get-phone-number`).
    async fn get_phone_number(&self) -> Result<ChatId> {
        Err(not_faked("get_phone_number"))
    }
    /// Every group (`all-groups`).
    async fn all_groups(&self) -> Result<Vec<Chat>> {
        Err(not_faked("all_groups"))
    }
    /// A group's members (`group-members`).
    async fn group_members(&self, group: &str) -> Result<Vec<Contact>> {
        let _ = group;
        Err(not_faked("group_members"))
    }
    /// A group's details (`group-info`).
    async fn group_info(&self, group: &str) -> Result<GroupInfo> {
        let _ = group;
        Err(not_faked("group_info"))
    }
    /// A group's invite link (`group-invite-link`).
    async fn group_invite_link(&self, group: &str) -> Result<String> {
        let _ = group;
        Err(not_faked("group_invite_link"))
    }
    /// Creates a group (`create-group`).
    async fn create_group(&self, name: &str, participants: &[&str]) -> Result<CreatedGroups> {
        let _ = (name, participants);
        Err(not_faked("create_group"))
    }
    /// Adds numbers to a group (`add-participant-group`).
    async fn add_participant_group(
        &self,
        group: &str,
        participants: &[&str],
    ) -> Result<ParticipantsAdded> {
        let _ = (group, participants);
        Err(not_faked("add_participant_group"))
    }
    /// Removes numbers from a group (`remove-participant-group`).
    async fn remove_participant_group(
        &self,
        group: &str,
        participants: &[&str],
    ) -> Result<ParticipantsRemoved> {
        let _ = (group, participants);
        Err(not_faked("remove_participant_group"))
    }
    /// Leaves a group (`leave-group`).
    async fn leave_group(&self, group: &str) -> Result<LeftGroup> {
        let _ = group;
        Err(not_faked("leave_group"))
    }
    /// The archived chats (`all-chats-archived`).
    async fn all_chats_archived(&self) -> Result<Vec<Chat>> {
        Err(not_faked("all_chats_archived"))
    }
    /// Archives or unarchives a chat (`archive-chat`).
    async fn archive_chat(&self, chat: &str, archive: bool) -> Result<()> {
        let _ = (chat, archive);
        Err(not_faked("archive_chat"))
    }
    /// Pins or unpins a chat (`pin-chat`).
    async fn pin_chat(&self, chat: &str, pin: bool) -> Result<Confirmation> {
        let _ = (chat, pin);
        Err(not_faked("pin_chat"))
    }
    /// Marks a chat unread (`mark-unseen`).
    async fn mark_unseen(&self, chat: &str) -> Result<Confirmation> {
        let _ = chat;
        Err(not_faked("mark_unseen"))
    }
    /// The blocked numbers (`blocklist`).
    async fn blocklist(&self) -> Result<Vec<String>> {
        Err(not_faked("blocklist"))
    }
    /// A group's member ids (`group-members-ids`).
    async fn group_members_ids(&self, group: &str) -> Result<Vec<ChatId>> {
        let _ = group;
        Err(not_faked("group_members_ids"))
    }
    /// Revokes a group's invite link and answers the new one (`group-revoke-link`).
    async fn group_revoke_link(&self, group: &str) -> Result<String> {
        let _ = group;
        Err(not_faked("group_revoke_link"))
    }
    /// Every label (`get-all-labels`).
    async fn get_all_labels(&self) -> Result<Vec<Label>> {
        Err(not_faked("get_all_labels"))
    }
    /// Creates a label (`add-new-label`).
    async fn add_new_label(&self, name: &str, color: Option<u32>) -> Result<Label> {
        let _ = (name, color);
        Err(not_faked("add_new_label"))
    }
    /// Puts labels on chats and takes others off (`add-or-remove-label`).
    async fn add_or_remove_labels(&self, chats: &[&str], changes: &[LabelChange]) -> Result<()> {
        let _ = (chats, changes);
        Err(not_faked("add_or_remove_labels"))
    }
    /// Deletes a label (`delete-label`).
    async fn delete_label(&self, label_id: &str) -> Result<()> {
        let _ = label_id;
        Err(not_faked("delete_label"))
    }
    /// Deletes every label (`delete-all-labels`).
    async fn delete_all_labels(&self) -> Result<()> {
        Err(not_faked("delete_all_labels"))
    }
    /// Posts a text story (`send-text-storie`).
    async fn send_text_storie(
        &self,
        text: &str,
        background_color: Option<&str>,
        font: Option<u8>,
    ) -> Result<()> {
        let _ = (text, background_color, font);
        Err(not_faked("send_text_storie"))
    }
    /// Posts an image story (`send-image-storie`).
    async fn send_image_storie(&self, image: File) -> Result<()> {
        let _ = image;
        Err(not_faked("send_image_storie"))
    }
    /// Posts a video story (`send-video-storie`).
    async fn send_video_storie(&self, video: File) -> Result<()> {
        let _ = video;
        Err(not_faked("send_video_storie"))
    }
    /// Sets this account's picture (`set-profile-pic`, multipart).
    async fn set_profile_pic(&self, picture: Upload) -> Result<Confirmation> {
        let _ = picture;
        Err(not_faked("set_profile_pic"))
    }
    /// Sets a group's picture (`group-pic`).
    async fn group_pic(&self, group: &str, picture: File) -> Result<Confirmation> {
        let _ = (group, picture);
        Err(not_faked("group_pic"))
    }
}

impl Session {
    /// Sends a prepared send body to `route` and reads the `response` of the answer.
    async fn send_body<B, T>(&self, route: &'static Route, body: &B) -> Result<T>
    where
        B: serde::Serialize + Sync,
        T: DeserializeOwned,
    {
        let call = self.call(route, &[])?.body_of(body)?;
        self.client.send_slot(&self.name).await;
        let answer: Wrapped<T> = self.execute(call).await?;
        Ok(answer.response)
    }
}

#[async_trait]
impl WppApi for Session {
    async fn generate_token(&self) -> Result<TokenResponse> {
        Session::generate_token(self).await
    }

    async fn start(&self, options: StartSession) -> Result<SessionState> {
        let value = serde_json::to_value(&options).map_err(Error::invalid)?;
        let call = self.call(&routes::START_SESSION, &[])?.json(value);
        self.execute(call).await
    }

    async fn status(&self) -> Result<SessionState> {
        Session::status(self).await
    }

    async fn check_connection(&self) -> Result<bool> {
        Session::check_connection(self).await
    }

    async fn send_message(&self, message: &SendMessage) -> Result<Vec<Message>> {
        self.send_message_body(message).await
    }

    async fn logout(&self) -> Result<StatusMessage> {
        Session::logout(self).await
    }

    async fn qrcode(&self) -> Result<QrCodeImage> {
        Session::qrcode(self).await
    }

    async fn close(&self) -> Result<StatusMessage> {
        Session::close(self).await
    }

    async fn get_media_by_message(&self, message_id: &str) -> Result<DownloadedMedia> {
        Session::get_media_by_message(self, message_id).await
    }

    async fn download_media(&self, message_id: &str) -> Result<DownloadedMedia> {
        Session::download_media(self, message_id).await
    }

    async fn edit_message(&self, message_id: &str, new_text: &str) -> Result<SendReceipt> {
        Session::edit_message(self, message_id, new_text).await
    }

    async fn react_message(&self, message_id: &str, reaction: &str) -> Result<Confirmation> {
        Session::react_message(self, message_id, reaction).await
    }

    async fn delete_message(
        &self,
        chat: &str,
        message_ids: &[&str],
        only_local: bool,
    ) -> Result<Confirmation> {
        Session::delete_message(self, chat, message_ids, only_local).await
    }

    async fn send_seen(&self, chat: &str) -> Result<()> {
        Session::send_seen(self, chat).await
    }

    async fn typing(&self, chat: &str, on: bool) -> Result<()> {
        Session::typing(self, chat, on).await
    }

    async fn send_image(&self, body: &SendFile) -> Result<Receipts> {
        self.send_body(&routes::SEND_IMAGE, body).await
    }

    async fn send_file(&self, body: &SendFile) -> Result<Receipts> {
        self.send_body(&routes::SEND_FILE, body).await
    }

    async fn send_voice(&self, body: &SendFile) -> Result<Receipts> {
        let route = if body.base64_ptt.is_some() {
            &routes::SEND_VOICE_BASE64
        } else {
            &routes::SEND_VOICE
        };
        self.send_body(route, body).await
    }

    async fn send_sticker(&self, body: &SendFile) -> Result<Receipts> {
        self.send_body(&routes::SEND_STICKER, body).await
    }

    async fn send_location(&self, body: &SendLocation) -> Result<Receipts> {
        self.send_body(&routes::SEND_LOCATION, body).await
    }

    async fn send_link_preview(&self, body: &SendLinkPreview) -> Result<Receipts> {
        self.send_body(&routes::SEND_LINK_PREVIEW, body).await
    }

    async fn send_reply(&self, body: &SendReply) -> Result<Vec<Message>> {
        self.send_body(&routes::SEND_REPLY, body).await
    }

    async fn send_poll_message(&self, body: &SendPoll) -> Result<Vec<Message>> {
        self.send_body(&routes::SEND_POLL_MESSAGE, body).await
    }

    async fn send_mentioned(&self, body: &SendMentioned) -> Result<SendReceipt> {
        self.send_body(&routes::SEND_MENTIONED, body).await
    }

    async fn send_status(&self, body: &SendStatus) -> Result<Vec<Message>> {
        self.send_body(&routes::SEND_STATUS, body).await
    }

    async fn all_chats(&self) -> Result<Vec<Chat>> {
        Session::all_chats(self).await
    }

    async fn chat_by_id(&self, chat: &str) -> Result<Chat> {
        Session::chat_by_id(self, chat).await
    }

    async fn get_messages(
        &self,
        chat: &str,
        count: u32,
        before: Option<&MessageId>,
    ) -> Result<Vec<Message>> {
        Session::get_messages(self, chat, count, before).await
    }

    async fn all_messages_in_chat(&self, chat: &str) -> Result<Vec<Message>> {
        Session::all_messages_in_chat(self, chat).await
    }

    async fn message_by_id(&self, message_id: &str) -> Result<Message> {
        Session::message_by_id(self, message_id).await
    }

    async fn all_contacts(&self) -> Result<Vec<Contact>> {
        Session::all_contacts(self).await
    }

    async fn contact(&self, phone: &str) -> Result<Contact> {
        Session::contact(self, phone).await
    }

    async fn check_number_status(&self, phone: &str) -> Result<NumberStatus> {
        Session::check_number_status(self, phone).await
    }

    async fn contact_pn_lid(&self, id: &str) -> Result<PnLid> {
        Session::contact_pn_lid(self, id).await
    }

    async fn profile_pic(&self, chat: &str) -> Result<Option<ProfilePic>> {
        Session::profile_pic(self, chat).await
    }

    async fn block_contact(&self, phone: &str) -> Result<Confirmation> {
        Session::block_contact(self, phone).await
    }

    async fn unblock_contact(&self, phone: &str) -> Result<Confirmation> {
        Session::unblock_contact(self, phone).await
    }

    async fn get_phone_number(&self) -> Result<ChatId> {
        Session::get_phone_number(self).await
    }

    async fn all_groups(&self) -> Result<Vec<Chat>> {
        Session::all_groups(self).await
    }

    async fn group_members(&self, group: &str) -> Result<Vec<Contact>> {
        Session::group_members(self, group).await
    }

    async fn group_info(&self, group: &str) -> Result<GroupInfo> {
        Session::group_info(self, group).await
    }

    async fn group_invite_link(&self, group: &str) -> Result<String> {
        Session::group_invite_link(self, group).await
    }

    async fn create_group(&self, name: &str, participants: &[&str]) -> Result<CreatedGroups> {
        Session::create_group(self, name, participants).await
    }

    async fn add_participant_group(
        &self,
        group: &str,
        participants: &[&str],
    ) -> Result<ParticipantsAdded> {
        Session::add_participant_group(self, group, participants).await
    }

    async fn remove_participant_group(
        &self,
        group: &str,
        participants: &[&str],
    ) -> Result<ParticipantsRemoved> {
        Session::remove_participant_group(self, group, participants).await
    }

    async fn leave_group(&self, group: &str) -> Result<LeftGroup> {
        Session::leave_group(self, group).await
    }

    async fn set_profile_pic(&self, picture: Upload) -> Result<Confirmation> {
        Session::set_profile_pic(self, picture).await
    }

    async fn send_text_storie(
        &self,
        text: &str,
        background_color: Option<&str>,
        font: Option<u8>,
    ) -> Result<()> {
        Session::send_text_storie(self, text, background_color, font).await
    }

    async fn send_image_storie(&self, image: File) -> Result<()> {
        Session::send_image_storie(self, image).await
    }

    async fn send_video_storie(&self, video: File) -> Result<()> {
        Session::send_video_storie(self, video).await
    }

    async fn get_all_labels(&self) -> Result<Vec<Label>> {
        Session::get_all_labels(self).await
    }

    async fn add_new_label(&self, name: &str, color: Option<u32>) -> Result<Label> {
        Session::add_new_label(self, name, color).await
    }

    async fn add_or_remove_labels(&self, chats: &[&str], changes: &[LabelChange]) -> Result<()> {
        Session::add_or_remove_labels(self, chats, changes).await
    }

    async fn delete_label(&self, label_id: &str) -> Result<()> {
        Session::delete_label(self, label_id).await
    }

    async fn delete_all_labels(&self) -> Result<()> {
        Session::delete_all_labels(self).await
    }

    async fn all_chats_archived(&self) -> Result<Vec<Chat>> {
        Session::all_chats_archived(self).await
    }

    async fn archive_chat(&self, chat: &str, archive: bool) -> Result<()> {
        Session::archive_chat(self, chat, archive).await
    }

    async fn pin_chat(&self, chat: &str, pin: bool) -> Result<Confirmation> {
        Session::pin_chat(self, chat, pin).await
    }

    async fn mark_unseen(&self, chat: &str) -> Result<Confirmation> {
        Session::mark_unseen(self, chat).await
    }

    async fn blocklist(&self) -> Result<Vec<String>> {
        Session::blocklist(self).await
    }

    async fn group_members_ids(&self, group: &str) -> Result<Vec<ChatId>> {
        Session::group_members_ids(self, group).await
    }

    async fn group_revoke_link(&self, group: &str) -> Result<String> {
        Session::group_revoke_link(self, group).await
    }

    async fn group_pic(&self, group: &str, picture: File) -> Result<Confirmation> {
        Session::group_pic(self, group, picture).await
    }
}
