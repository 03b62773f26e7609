//! [`WppApi`]: the typed operations of one session as a trait, so services can put a fake behind
//! them.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wppconnect_models::business::{
    AddProduct, BusinessProfile, CatalogProduct, Collection, CollectionChanges, DeletedProducts,
    EditBusinessProfile, Order, Product, ProductChanges,
};
use wppconnect_models::chat::{
    ChatState, LastSeen, ListChats, MuteFilter, MuteList, MuteResult, MuteUnit, PerChatResults,
    UnreadChat,
};
use wppconnect_models::community::{CommunityCreated, CommunityDemoted, SubgroupsLinked};
use wppconnect_models::device::{
    ChatwootEvent, HostDevice, Limit, LimitValue, Platform, Screenshot, Success,
};
use wppconnect_models::group::{
    AdminsChanged, CreatedGroups, GroupInfo, GroupProperty, InviteGroupInfo, JoinedGroup,
    LeftGroup, ParticipantsAdded, ParticipantsRemoved,
};
use wppconnect_models::label::{Label, LabelChange};
use wppconnect_models::message::{
    CatalogLinkSent, ForwardMessages, ForwardOutcome, PollVotes, Reactions, SendButtons,
    SendContactVcard, SendOrder, SendPixKey,
};
use wppconnect_models::message::{
    DownloadedMedia, SendFile, SendLinkPreview, SendList, SendLocation, SendMentioned, SendMessage,
    SendPoll, SendReceipt, SendReply, SendStatus,
};
use wppconnect_models::newsletter::{CreateNewsletter, EditNewsletter, Newsletter};
use wppconnect_models::profile::ContactStatus;
use wppconnect_models::session::{StartSession, StatusMessage, TokenResponse};
use wppconnect_models::{
    Chat, ChatId, Confirmation, Contact, Message, MessageId, NumberStatus, PnLid, ProfilePic,
    SessionState, Wrapped,
};

use crate::error::{Error, Result};
use crate::message::{File, Receipts};
use crate::newsletter::newsletter_id;
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
    /// Forwards messages to a chat (`forward-messages`); never retried after it may have
    /// reached the server. Answers the messages WhatsApp did not forward.
    async fn forward_messages(&self, body: &ForwardMessages) -> Result<ForwardOutcome> {
        let _ = body;
        Err(not_faked("forward_messages"))
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
    /// The groups shared with a contact (`common-groups`).
    async fn common_groups(&self, contact: &str) -> Result<Vec<ChatId>> {
        let _ = contact;
        Err(not_faked("common_groups"))
    }
    /// A group's admins (`group-admins`).
    async fn group_admins(&self, group: &str) -> Result<Vec<ChatId>> {
        let _ = group;
        Err(not_faked("group_admins"))
    }
    /// Joins a group by invite code (`join-code`).
    async fn join_code(&self, invite_code: &str) -> Result<JoinedGroup> {
        let _ = invite_code;
        Err(not_faked("join_code"))
    }
    /// Makes numbers admins of a group (`promote-participant-group`).
    async fn promote_participant_group(
        &self,
        group: &str,
        participants: &[&str],
    ) -> Result<AdminsChanged> {
        let _ = (group, participants);
        Err(not_faked("promote_participant_group"))
    }
    /// Takes the admin role from numbers of a group (`demote-participant-group`).
    async fn demote_participant_group(
        &self,
        group: &str,
        participants: &[&str],
    ) -> Result<AdminsChanged> {
        let _ = (group, participants);
        Err(not_faked("demote_participant_group"))
    }
    /// A group's details from an invite code (`group-info-from-invite-link`).
    async fn group_info_from_invite_link(&self, invite_code: &str) -> Result<InviteGroupInfo> {
        let _ = invite_code;
        Err(not_faked("group_info_from_invite_link"))
    }
    /// Sets a group's description (`group-description`).
    async fn group_description(&self, group: &str, description: &str) -> Result<()> {
        let _ = (group, description);
        Err(not_faked("group_description"))
    }
    /// Renames a group (`group-subject`).
    async fn group_subject(&self, group: &str, title: &str) -> Result<()> {
        let _ = (group, title);
        Err(not_faked("group_subject"))
    }
    /// Turns a group setting on or off (`group-property`).
    async fn group_property(
        &self,
        group: &str,
        property: GroupProperty,
        value: bool,
    ) -> Result<()> {
        let _ = (group, property, value);
        Err(not_faked("group_property"))
    }
    /// Whether only admins send messages in a group (`messages-admins-only`).
    async fn messages_admins_only(&self, group: &str, admins_only: bool) -> Result<()> {
        let _ = (group, admins_only);
        Err(not_faked("messages_admins_only"))
    }
    /// Whether only admins edit a group's settings (`change-privacy-group`).
    async fn change_privacy_group(&self, group: &str, restricted: bool) -> Result<Confirmation> {
        let _ = (group, restricted);
        Err(not_faked("change_privacy_group"))
    }
    /// The broadcast lists (`all-broadcast-list`).
    async fn all_broadcast_list(&self) -> Result<Vec<Chat>> {
        Err(not_faked("all_broadcast_list"))
    }
    /// Creates a community (`create-community`).
    async fn create_community(
        &self,
        name: &str,
        description: &str,
        groups: &[&str],
    ) -> Result<CommunityCreated> {
        let _ = (name, description, groups);
        Err(not_faked("create_community"))
    }
    /// Deactivates a community (`deactivate-community`).
    async fn deactivate_community(&self, community: &str) -> Result<Option<Value>> {
        let _ = community;
        Err(not_faked("deactivate_community"))
    }
    /// Links groups to a community (`add-community-subgroup`).
    async fn add_community_subgroup(
        &self,
        community: &str,
        groups: &[&str],
    ) -> Result<SubgroupsLinked> {
        let _ = (community, groups);
        Err(not_faked("add_community_subgroup"))
    }
    /// Unlinks groups from a community (`remove-community-subgroup`).
    async fn remove_community_subgroup(
        &self,
        community: &str,
        groups: &[&str],
    ) -> Result<SubgroupsLinked> {
        let _ = (community, groups);
        Err(not_faked("remove_community_subgroup"))
    }
    /// Makes members admins of a community (`promote-community-participant`).
    async fn promote_community_participant(&self, community: &str, members: &[&str]) -> Result<()> {
        let _ = (community, members);
        Err(not_faked("promote_community_participant"))
    }
    /// Takes the admin role from members of a community (`demote-community-participant`).
    async fn demote_community_participant(
        &self,
        community: &str,
        members: &[&str],
    ) -> Result<CommunityDemoted> {
        let _ = (community, members);
        Err(not_faked("demote_community_participant"))
    }
    /// A community's members (`community-participants`).
    async fn community_participants(&self, community: &str) -> Result<Value> {
        let _ = community;
        Err(not_faked("community_participants"))
    }
    /// Creates a channel (`POST newsletter`).
    async fn create_newsletter(&self, body: &CreateNewsletter) -> Result<Newsletter> {
        let _ = body;
        Err(not_faked("create_newsletter"))
    }
    /// Edits a channel (`PUT newsletter/{id}`).
    async fn edit_newsletter(&self, id: &str, body: &EditNewsletter) -> Result<Newsletter> {
        let _ = (id, body);
        Err(not_faked("edit_newsletter"))
    }
    /// Deletes a channel (`DELETE newsletter/{id}`).
    async fn delete_newsletter(&self, id: &str) -> Result<bool> {
        let _ = id;
        Err(not_faked("delete_newsletter"))
    }
    /// Mutes a channel (`mute-newsletter`).
    async fn mute_newsletter(&self, id: &str) -> Result<Option<Value>> {
        let _ = id;
        Err(not_faked("mute_newsletter"))
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
    /// The chats (`all-chats-with-messages`).
    async fn all_chats_with_messages(&self) -> Result<Vec<Chat>> {
        Err(not_faked("all_chats_with_messages"))
    }
    /// Messages still marked new (`all-new-messages`).
    async fn all_new_messages(&self) -> Result<Vec<Message>> {
        Err(not_faked("all_new_messages"))
    }
    /// Chats with their new messages (`unread-messages`).
    async fn unread_messages(&self) -> Result<Vec<UnreadChat>> {
        Err(not_faked("unread_messages"))
    }
    /// Unread messages of every chat (`all-unread-messages`).
    async fn all_unread_messages(&self) -> Result<Vec<Message>> {
        Err(not_faked("all_unread_messages"))
    }
    /// Whether a contact is online (`chat-is-online`).
    async fn chat_is_online(&self, phone: &str) -> Result<bool> {
        let _ = phone;
        Err(not_faked("chat_is_online"))
    }
    /// When a contact was last seen (`last-seen`).
    async fn last_seen(&self, phone: &str) -> Result<LastSeen> {
        let _ = phone;
        Err(not_faked("last_seen"))
    }
    /// Muted chats (`list-mutes`).
    async fn list_mutes(&self, filter: MuteFilter) -> Result<MuteList> {
        let _ = filter;
        Err(not_faked("list_mutes"))
    }
    /// A contact chat's whole history (`load-messages-in-chat`).
    async fn load_messages_in_chat(&self, phone: &str) -> Result<Vec<Message>> {
        let _ = phone;
        Err(not_faked("load_messages_in_chat"))
    }
    /// Archives every chat (`archive-all-chats`); never retried.
    async fn archive_all_chats(&self) -> Result<()> {
        Err(not_faked("archive_all_chats"))
    }
    /// Deletes a chat's messages (`clear-chat`); never retried.
    async fn clear_chat(&self, chat: &str) -> Result<PerChatResults> {
        let _ = chat;
        Err(not_faked("clear_chat"))
    }
    /// Deletes every chat's messages (`clear-all-chats`); never retried.
    async fn clear_all_chats(&self) -> Result<()> {
        Err(not_faked("clear_all_chats"))
    }
    /// Deletes a chat (`delete-chat`); never retried.
    async fn delete_chat(&self, chat: &str) -> Result<PerChatResults> {
        let _ = chat;
        Err(not_faked("delete_chat"))
    }
    /// Deletes every chat (`delete-all-chats`); never retried.
    async fn delete_all_chats(&self) -> Result<()> {
        Err(not_faked("delete_all_chats"))
    }
    /// Mutes (or with `None` unmutes) a chat (`send-mute`); never retried.
    async fn send_mute(&self, chat: &str, time: Option<(u32, MuteUnit)>) -> Result<MuteResult> {
        let _ = (chat, time);
        Err(not_faked("send_mute"))
    }
    /// Shows a chat state (`chat-state`).
    async fn chat_state(&self, chat: &str, state: ChatState) -> Result<()> {
        let _ = (chat, state);
        Err(not_faked("chat_state"))
    }
    /// Turns disappearing messages on or off (`temporary-messages`); never retried.
    async fn temporary_messages(&self, chat: &str, on: bool) -> Result<()> {
        let _ = (chat, on);
        Err(not_faked("temporary_messages"))
    }
    /// Shows or stops "recording audio…" (`recording`).
    async fn recording(
        &self,
        chat: &str,
        on: bool,
        duration: Option<std::time::Duration>,
    ) -> Result<()> {
        let _ = (chat, on, duration);
        Err(not_faked("recording"))
    }
    /// Stars or unstars a message (`star-message`).
    async fn star_message(&self, message_id: &str, star: bool) -> Result<u64> {
        let _ = (message_id, star);
        Err(not_faked("star_message"))
    }
    /// A message's reactions (`reactions`).
    async fn reactions(&self, message_id: &str) -> Result<Reactions> {
        let _ = message_id;
        Err(not_faked("reactions"))
    }
    /// A poll's votes (`votes`).
    async fn votes(&self, message_id: &str) -> Result<PollVotes> {
        let _ = message_id;
        Err(not_faked("votes"))
    }
    /// Sends a contact card (`contact-vcard`); never retried after it may have reached the server.
    async fn contact_vcard(&self, body: &SendContactVcard) -> Result<SendReceipt> {
        let _ = body;
        Err(not_faked("contact_vcard"))
    }
    /// Sends an animated sticker (`send-sticker-gif`, `path`); never retried after it may have
    /// reached the server.
    async fn send_sticker_gif(&self, body: &SendFile) -> Result<Receipts> {
        let _ = body;
        Err(not_faked("send_sticker_gif"))
    }
    /// Sends a file as a data URL (`send-file-base64`); never retried after it may have reached
    /// the server.
    async fn send_file_base64(&self, body: &SendFile) -> Result<Receipts> {
        let _ = body;
        Err(not_faked("send_file_base64"))
    }
    /// Sends a text with buttons (`send-buttons`; WhatsApp may not show them); never retried
    /// after it may have reached the server.
    async fn send_buttons(&self, body: &SendButtons) -> Result<Vec<ChatId>> {
        let _ = body;
        Err(not_faked("send_buttons"))
    }
    /// Sends an order (`send-order-message`); never retried after it may have reached the server.
    async fn send_order_message(&self, body: &SendOrder) -> Result<Vec<Message>> {
        let _ = body;
        Err(not_faked("send_order_message"))
    }
    /// Sends a PIX key (`send-pix-key`); never retried after it may have reached the server.
    async fn send_pix_key(&self, body: &SendPixKey) -> Result<Vec<Message>> {
        let _ = body;
        Err(not_faked("send_pix_key"))
    }
    /// Sends the catalog link (`send-link-catalog`); never retried after it may have reached the
    /// server.
    async fn send_link_catalog(
        &self,
        chats: &[&str],
        message: &str,
    ) -> Result<Vec<CatalogLinkSent>> {
        let _ = (chats, message);
        Err(not_faked("send_link_catalog"))
    }

    // -- catalog & business, profile, operations (issue 13) --

    /// A business's catalog products (`get-products`).
    async fn get_products(
        &self,
        business: &str,
        count: Option<u32>,
    ) -> Result<Vec<CatalogProduct>> {
        let _ = (business, count);
        Err(not_faked("get_products"))
    }
    /// One catalog product (`get-product-by-id`).
    async fn get_product_by_id(&self, business: &str, product_id: &str) -> Result<CatalogProduct> {
        let _ = (business, product_id);
        Err(not_faked("get_product_by_id"))
    }
    /// Adds a product (`add-product`); never retried after it may have reached the server.
    async fn add_product(&self, body: &AddProduct) -> Result<Product> {
        let _ = body;
        Err(not_faked("add_product"))
    }
    /// Edits a product (`edit-product`).
    async fn edit_product(&self, product_id: &str, changes: ProductChanges) -> Result<Product> {
        let _ = (product_id, changes);
        Err(not_faked("edit_product"))
    }
    /// Deletes products (`del-products`).
    async fn del_products(&self, product_ids: &[&str]) -> Result<DeletedProducts> {
        let _ = product_ids;
        Err(not_faked("del_products"))
    }
    /// Replaces a product's main picture (`change-product-image`).
    async fn change_product_image(&self, product_id: &str, image_base64: &str) -> Result<Product> {
        let _ = (product_id, image_base64);
        Err(not_faked("change_product_image"))
    }
    /// Adds a picture to a product (`add-product-image`).
    async fn add_product_image(&self, product_id: &str, image_base64: &str) -> Result<Product> {
        let _ = (product_id, image_base64);
        Err(not_faked("add_product_image"))
    }
    /// Removes an additional picture (`remove-product-image`).
    async fn remove_product_image(&self, product_id: &str, index: u32) -> Result<Product> {
        let _ = (product_id, index);
        Err(not_faked("remove_product_image"))
    }
    /// A business's collections (`get-collections`).
    async fn get_collections(
        &self,
        business: &str,
        count: Option<u32>,
        max_products: Option<u32>,
    ) -> Result<Vec<Collection>> {
        let _ = (business, count, max_products);
        Err(not_faked("get_collections"))
    }
    /// Creates a collection (`create-collection`).
    async fn create_collection(
        &self,
        name: &str,
        product_ids: &[&str],
    ) -> Result<serde_json::Value> {
        let _ = (name, product_ids);
        Err(not_faked("create_collection"))
    }
    /// Edits a collection (`edit-collection`).
    async fn edit_collection(
        &self,
        collection_id: &str,
        changes: CollectionChanges,
    ) -> Result<serde_json::Value> {
        let _ = (collection_id, changes);
        Err(not_faked("edit_collection"))
    }
    /// Deletes a collection (`del-collection`).
    async fn del_collection(&self, collection_id: &str) -> Result<String> {
        let _ = collection_id;
        Err(not_faked("del_collection"))
    }
    /// Hides or shows a product (`set-product-visibility`).
    async fn set_product_visibility(&self, product_id: &str, hidden: bool) -> Result<Product> {
        let _ = (product_id, hidden);
        Err(not_faked("set_product_visibility"))
    }
    /// Turns the cart on or off (`set-cart-enabled`).
    async fn set_cart_enabled(&self, enabled: bool) -> Result<()> {
        let _ = enabled;
        Err(not_faked("set_cart_enabled"))
    }
    /// A business's products (`get-business-profiles-products`).
    async fn get_business_profiles_products(&self, business: &str) -> Result<Vec<Product>> {
        let _ = business;
        Err(not_faked("get_business_profiles_products"))
    }
    /// The order an `order` message carries (`get-order-by-messageId`).
    async fn get_order_by_message_id(&self, message_id: &str) -> Result<Order> {
        let _ = message_id;
        Err(not_faked("get_order_by_message_id"))
    }
    /// Edits this account's business profile (`edit-business-profile`).
    async fn edit_business_profile(
        &self,
        profile: &EditBusinessProfile,
    ) -> Result<BusinessProfile> {
        let _ = profile;
        Err(not_faked("edit_business_profile"))
    }
    /// Whether a number has WhatsApp (`profile/{phone}`).
    async fn profile(&self, phone: &str) -> Result<NumberStatus> {
        let _ = phone;
        Err(not_faked("profile"))
    }
    /// A contact's "about" text (`GET profile-status/{phone}`).
    async fn profile_status(&self, phone: &str) -> Result<ContactStatus> {
        let _ = phone;
        Err(not_faked("profile_status"))
    }
    /// This account's "about" text (`POST profile-status`).
    async fn set_profile_status(&self, status: &str) -> Result<()> {
        let _ = status;
        Err(not_faked("set_profile_status"))
    }
    /// This account's profile name (`change-username`).
    async fn change_username(&self, name: &str) -> Result<()> {
        let _ = name;
        Err(not_faked("change_username"))
    }
    /// The device a message was sent from (`get-platform-from-message`).
    async fn get_platform_from_message(&self, message_id: &str) -> Result<Platform> {
        let _ = message_id;
        Err(not_faked("get_platform_from_message"))
    }
    /// Subscribes to the presence of chats (`subscribe-presence`).
    async fn subscribe_presence(&self, chats: &[&str]) -> Result<Confirmation> {
        let _ = chats;
        Err(not_faked("subscribe_presence"))
    }
    /// Shows this account online or offline (`set-online-presence`).
    async fn set_online_presence(&self, online: bool) -> Result<Confirmation> {
        let _ = online;
        Err(not_faked("set_online_presence"))
    }
    /// The phone's battery (`get-battery-level`).
    async fn get_battery_level(&self) -> Result<Option<u8>> {
        Err(not_faked("get_battery_level"))
    }
    /// The connected phone (`host-device`).
    async fn host_device(&self) -> Result<HostDevice> {
        Err(not_faked("host_device"))
    }
    /// A PNG of the browser page (`take-screenshot`).
    async fn take_screenshot(&self) -> Result<Screenshot> {
        Err(not_faked("take_screenshot"))
    }
    /// Rejects a ringing call, or all (`reject-call`).
    async fn reject_call(&self, call_id: Option<&str>) -> Result<u32> {
        let _ = call_id;
        Err(not_faked("reject_call"))
    }
    /// Changes a limit of WhatsApp Web (`set-limit`).
    async fn set_limit(&self, limit: Limit) -> Result<Option<LimitValue>> {
        let _ = limit;
        Err(not_faked("set_limit"))
    }
    /// Sends a list message (`send-list-message`); never retried after it may have reached the
    /// server.
    async fn send_list_message(&self, body: &SendList) -> Result<Vec<Message>> {
        let _ = body;
        Err(not_faked("send_list_message"))
    }
    /// Chats, filtered and paged (`list-chats`).
    async fn list_chats(&self, filter: &ListChats) -> Result<Vec<Chat>> {
        let _ = filter;
        Err(not_faked("list_chats"))
    }
    /// Logs out and deletes the session's data on the server (`clear-session-data`).
    async fn clear_session_data(&self) -> Result<Success> {
        Err(not_faked("clear_session_data"))
    }
    /// Passes a Chatwoot event to the server (`chatwoot`).
    async fn chatwoot(&self, event: &ChatwootEvent) -> Result<Confirmation> {
        let _ = event;
        Err(not_faked("chatwoot"))
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

    async fn forward_messages(&self, body: &ForwardMessages) -> Result<ForwardOutcome> {
        self.send_body(&routes::FORWARD_MESSAGES, body).await
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

    async fn common_groups(&self, contact: &str) -> Result<Vec<ChatId>> {
        Session::common_groups(self, contact).await
    }

    async fn group_admins(&self, group: &str) -> Result<Vec<ChatId>> {
        Session::group_admins(self, group).await
    }

    async fn join_code(&self, invite_code: &str) -> Result<JoinedGroup> {
        Session::join_code(self, invite_code).await
    }

    async fn promote_participant_group(
        &self,
        group: &str,
        participants: &[&str],
    ) -> Result<AdminsChanged> {
        Session::promote_participant_group(self, group, participants).await
    }

    async fn demote_participant_group(
        &self,
        group: &str,
        participants: &[&str],
    ) -> Result<AdminsChanged> {
        Session::demote_participant_group(self, group, participants).await
    }

    async fn group_info_from_invite_link(&self, invite_code: &str) -> Result<InviteGroupInfo> {
        Session::group_info_from_invite_link(self, invite_code).await
    }

    async fn group_description(&self, group: &str, description: &str) -> Result<()> {
        Session::group_description(self, group, description).await
    }

    async fn group_subject(&self, group: &str, title: &str) -> Result<()> {
        Session::group_subject(self, group, title).await
    }

    async fn group_property(
        &self,
        group: &str,
        property: GroupProperty,
        value: bool,
    ) -> Result<()> {
        Session::group_property(self, group, property, value).await
    }

    async fn messages_admins_only(&self, group: &str, admins_only: bool) -> Result<()> {
        Session::messages_admins_only(self, group, admins_only).await
    }

    async fn change_privacy_group(&self, group: &str, restricted: bool) -> Result<Confirmation> {
        Session::change_privacy_group(self, group, restricted).await
    }

    async fn all_broadcast_list(&self) -> Result<Vec<Chat>> {
        Session::all_broadcast_list(self).await
    }

    async fn create_community(
        &self,
        name: &str,
        description: &str,
        groups: &[&str],
    ) -> Result<CommunityCreated> {
        Session::create_community(self, name, description, groups).await
    }

    async fn deactivate_community(&self, community: &str) -> Result<Option<Value>> {
        Session::deactivate_community(self, community).await
    }

    async fn add_community_subgroup(
        &self,
        community: &str,
        groups: &[&str],
    ) -> Result<SubgroupsLinked> {
        Session::add_community_subgroup(self, community, groups).await
    }

    async fn remove_community_subgroup(
        &self,
        community: &str,
        groups: &[&str],
    ) -> Result<SubgroupsLinked> {
        Session::remove_community_subgroup(self, community, groups).await
    }

    async fn promote_community_participant(&self, community: &str, members: &[&str]) -> Result<()> {
        Session::promote_community_participant(self, community, members).await
    }

    async fn demote_community_participant(
        &self,
        community: &str,
        members: &[&str],
    ) -> Result<CommunityDemoted> {
        Session::demote_community_participant(self, community, members).await
    }

    async fn community_participants(&self, community: &str) -> Result<Value> {
        Session::community_participants(self, community).await
    }

    async fn create_newsletter(&self, body: &CreateNewsletter) -> Result<Newsletter> {
        if body.name.trim().is_empty() {
            return Err(Error::invalid("the channel name is empty"));
        }
        self.post_json_answer(&routes::CREATE_NEWSLETTER, body)
            .await
    }

    async fn edit_newsletter(&self, id: &str, body: &EditNewsletter) -> Result<Newsletter> {
        let id = newsletter_id(id)?;
        let call = self
            .call(&routes::EDIT_NEWSLETTER, &[id.as_str()])?
            .body_of(body)?;
        self.execute(call).await
    }

    async fn delete_newsletter(&self, id: &str) -> Result<bool> {
        Session::delete_newsletter(self, id).await
    }

    async fn mute_newsletter(&self, id: &str) -> Result<Option<Value>> {
        Session::mute_newsletter(self, id).await
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

    async fn all_chats_with_messages(&self) -> Result<Vec<Chat>> {
        Session::all_chats_with_messages(self).await
    }

    async fn all_new_messages(&self) -> Result<Vec<Message>> {
        Session::all_new_messages(self).await
    }

    async fn unread_messages(&self) -> Result<Vec<UnreadChat>> {
        Session::unread_messages(self).await
    }

    async fn all_unread_messages(&self) -> Result<Vec<Message>> {
        Session::all_unread_messages(self).await
    }

    async fn chat_is_online(&self, phone: &str) -> Result<bool> {
        Session::chat_is_online(self, phone).await
    }

    async fn last_seen(&self, phone: &str) -> Result<LastSeen> {
        Session::last_seen(self, phone).await
    }

    async fn list_mutes(&self, filter: MuteFilter) -> Result<MuteList> {
        Session::list_mutes(self, filter).await
    }

    async fn load_messages_in_chat(&self, phone: &str) -> Result<Vec<Message>> {
        Session::load_messages_in_chat(self, phone).await
    }

    async fn archive_all_chats(&self) -> Result<()> {
        Session::archive_all_chats(self).await
    }

    async fn clear_chat(&self, chat: &str) -> Result<PerChatResults> {
        Session::clear_chat(self, chat).await
    }

    async fn clear_all_chats(&self) -> Result<()> {
        Session::clear_all_chats(self).await
    }

    async fn delete_chat(&self, chat: &str) -> Result<PerChatResults> {
        Session::delete_chat(self, chat).await
    }

    async fn delete_all_chats(&self) -> Result<()> {
        Session::delete_all_chats(self).await
    }

    async fn send_mute(&self, chat: &str, time: Option<(u32, MuteUnit)>) -> Result<MuteResult> {
        Session::send_mute(self, chat, time).await
    }

    async fn chat_state(&self, chat: &str, state: ChatState) -> Result<()> {
        Session::chat_state(self, chat, state).await
    }

    async fn temporary_messages(&self, chat: &str, on: bool) -> Result<()> {
        Session::temporary_messages(self, chat, on).await
    }

    async fn recording(
        &self,
        chat: &str,
        on: bool,
        duration: Option<std::time::Duration>,
    ) -> Result<()> {
        Session::recording(self, chat, on, duration).await
    }

    async fn star_message(&self, message_id: &str, star: bool) -> Result<u64> {
        Session::star_message(self, message_id, star).await
    }

    async fn reactions(&self, message_id: &str) -> Result<Reactions> {
        Session::reactions(self, message_id).await
    }

    async fn votes(&self, message_id: &str) -> Result<PollVotes> {
        Session::votes(self, message_id).await
    }

    async fn contact_vcard(&self, body: &SendContactVcard) -> Result<SendReceipt> {
        self.send_body(&routes::CONTACT_VCARD, body).await
    }

    async fn send_sticker_gif(&self, body: &SendFile) -> Result<Receipts> {
        self.send_body(&routes::SEND_STICKER_GIF, body).await
    }

    async fn send_file_base64(&self, body: &SendFile) -> Result<Receipts> {
        self.send_body(&routes::SEND_FILE_BASE64, body).await
    }

    async fn send_buttons(&self, body: &SendButtons) -> Result<Vec<ChatId>> {
        self.send_body(&routes::SEND_BUTTONS, body).await
    }

    async fn send_order_message(&self, body: &SendOrder) -> Result<Vec<Message>> {
        self.send_body(&routes::SEND_ORDER_MESSAGE, body).await
    }

    async fn send_pix_key(&self, body: &SendPixKey) -> Result<Vec<Message>> {
        self.send_body(&routes::SEND_PIX_KEY, body).await
    }

    async fn send_link_catalog(
        &self,
        chats: &[&str],
        message: &str,
    ) -> Result<Vec<CatalogLinkSent>> {
        Session::send_link_catalog(self, chats, message).await
    }
    async fn get_products(
        &self,
        business: &str,
        count: Option<u32>,
    ) -> Result<Vec<CatalogProduct>> {
        Session::get_products(self, business, count).await
    }

    async fn get_product_by_id(&self, business: &str, product_id: &str) -> Result<CatalogProduct> {
        Session::get_product_by_id(self, business, product_id).await
    }

    async fn add_product(&self, body: &AddProduct) -> Result<Product> {
        self.add_product_body(body).await
    }

    async fn edit_product(&self, product_id: &str, changes: ProductChanges) -> Result<Product> {
        Session::edit_product(self, product_id, changes).await
    }

    async fn del_products(&self, product_ids: &[&str]) -> Result<DeletedProducts> {
        Session::del_products(self, product_ids).await
    }

    async fn change_product_image(&self, product_id: &str, image_base64: &str) -> Result<Product> {
        Session::change_product_image(self, product_id, image_base64).await
    }

    async fn add_product_image(&self, product_id: &str, image_base64: &str) -> Result<Product> {
        Session::add_product_image(self, product_id, image_base64).await
    }

    async fn remove_product_image(&self, product_id: &str, index: u32) -> Result<Product> {
        Session::remove_product_image(self, product_id, index).await
    }

    async fn get_collections(
        &self,
        business: &str,
        count: Option<u32>,
        max_products: Option<u32>,
    ) -> Result<Vec<Collection>> {
        Session::get_collections(self, business, count, max_products).await
    }

    async fn create_collection(
        &self,
        name: &str,
        product_ids: &[&str],
    ) -> Result<serde_json::Value> {
        Session::create_collection(self, name, product_ids).await
    }

    async fn edit_collection(
        &self,
        collection_id: &str,
        changes: CollectionChanges,
    ) -> Result<serde_json::Value> {
        Session::edit_collection(self, collection_id, changes).await
    }

    async fn del_collection(&self, collection_id: &str) -> Result<String> {
        Session::del_collection(self, collection_id).await
    }

    async fn set_product_visibility(&self, product_id: &str, hidden: bool) -> Result<Product> {
        Session::set_product_visibility(self, product_id, hidden).await
    }

    async fn set_cart_enabled(&self, enabled: bool) -> Result<()> {
        Session::set_cart_enabled(self, enabled).await
    }

    async fn get_business_profiles_products(&self, business: &str) -> Result<Vec<Product>> {
        Session::get_business_profiles_products(self, business).await
    }

    async fn get_order_by_message_id(&self, message_id: &str) -> Result<Order> {
        Session::get_order_by_message_id(self, message_id).await
    }

    async fn edit_business_profile(
        &self,
        profile: &EditBusinessProfile,
    ) -> Result<BusinessProfile> {
        Session::edit_business_profile(self, profile).await
    }

    async fn profile(&self, phone: &str) -> Result<NumberStatus> {
        Session::profile(self, phone).await
    }

    async fn profile_status(&self, phone: &str) -> Result<ContactStatus> {
        Session::profile_status(self, phone).await
    }

    async fn set_profile_status(&self, status: &str) -> Result<()> {
        Session::set_profile_status(self, status).await
    }

    async fn change_username(&self, name: &str) -> Result<()> {
        Session::change_username(self, name).await
    }

    async fn get_platform_from_message(&self, message_id: &str) -> Result<Platform> {
        Session::get_platform_from_message(self, message_id).await
    }

    async fn subscribe_presence(&self, chats: &[&str]) -> Result<Confirmation> {
        Session::subscribe_presence(self, chats).await
    }

    async fn set_online_presence(&self, online: bool) -> Result<Confirmation> {
        Session::set_online_presence(self, online).await
    }

    async fn get_battery_level(&self) -> Result<Option<u8>> {
        Session::get_battery_level(self).await
    }

    async fn host_device(&self) -> Result<HostDevice> {
        Session::host_device(self).await
    }

    async fn take_screenshot(&self) -> Result<Screenshot> {
        Session::take_screenshot(self).await
    }

    async fn reject_call(&self, call_id: Option<&str>) -> Result<u32> {
        Session::reject_call(self, call_id).await
    }

    async fn set_limit(&self, limit: Limit) -> Result<Option<LimitValue>> {
        Session::set_limit(self, limit).await
    }

    async fn send_list_message(&self, body: &SendList) -> Result<Vec<Message>> {
        self.send_body(&routes::SEND_LIST_MESSAGE, body).await
    }

    async fn list_chats(&self, filter: &ListChats) -> Result<Vec<Chat>> {
        // a bare array, not wrapped
        let call = self.call(&routes::LIST_CHATS, &[])?.body_of(filter)?;
        self.execute(call).await
    }

    async fn clear_session_data(&self) -> Result<Success> {
        Session::clear_session_data(self).await
    }

    async fn chatwoot(&self, event: &ChatwootEvent) -> Result<Confirmation> {
        Session::chatwoot(self, event).await
    }
}
