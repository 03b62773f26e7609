//! Bodies and answers of the richer message routes: contact cards, buttons, orders, PIX keys,
//! the catalog link, stars, reactions and poll votes (server 2.10.4: `messageController.ts`,
//! `deviceController.ts`, `catalogController.ts`; the library's `sender.layer.ts` and
//! `retriever.layer.ts`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::send::{RecipientFlags, Recipients};
use crate::{ChatId, MessageId, Millis};

/// Body of `POST contact-vcard`: sends one contact's card (wa-js `sendVCardContactMessage`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendContactVcard {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The contact whose card is sent, a full id (`5511988887777@c.us`).
    pub contacts_id: String,
    /// The name shown on the card (else WhatsApp's name of the contact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One button of `send-buttons` (wa-js `TextMessageOptions.buttons`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Button {
    /// A quick reply: `{id, text}`; the answer comes back with this id.
    Reply {
        /// The id returned when it is pressed.
        id: String,
        /// The label.
        text: String,
    },
    /// Opens a URL: `{url, text}`.
    Url {
        /// The URL.
        url: String,
        /// The label.
        text: String,
    },
    /// Calls a number: `{phoneNumber, text}`.
    Call {
        /// The number.
        #[serde(rename = "phoneNumber")]
        phone_number: String,
        /// The label.
        text: String,
    },
    /// Copies a code: `{code, text}`.
    Copy {
        /// The code.
        code: String,
        /// The label.
        text: String,
    },
}

/// `options` of `send-buttons` (passed to wa-js `sendTextMessage`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ButtonsOptions {
    /// The buttons (WhatsApp shows at most 3).
    pub buttons: Vec<Button>,
    /// A title above the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A footer under the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// wa-js `useTemplateButtons`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_template_buttons: Option<bool>,
    /// Other wa-js options, sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST send-buttons` (deprecated by the server: WhatsApp removed buttons and may show
/// only the text).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendButtons {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The text.
    pub message: String,
    /// The buttons and their decoration.
    pub options: ButtonsOptions,
}

/// One item of `send-order-message` (wa-js `OrderItems`). Prices are in thousandths of the
/// currency unit (`120000` = 120.00).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum OrderItem {
    /// A free-form item: `{type: "custom", name, price, qnt}`.
    Custom {
        /// The item's name.
        name: String,
        /// Unit price, thousandths.
        price: u64,
        /// Quantity.
        qnt: u32,
    },
    /// A product of the catalog: `{type: "product", id, price, qnt}`.
    Product {
        /// The product id.
        id: String,
        /// Unit price, thousandths.
        price: u64,
        /// Quantity.
        qnt: u32,
    },
}

/// `options` of `send-order-message` (wa-js `OrderMessageOptions`), in thousandths.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderOptions {
    /// Tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<u64>,
    /// Shipping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<u64>,
    /// Discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<u64>,
    /// Other wa-js options (`notes`, `offset`…), sent as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST send-order-message` (WhatsApp Business).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendOrder {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The items.
    pub items: Vec<OrderItem>,
    /// Tax, shipping, discount (left out when none is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OrderOptions>,
}

/// The kind of a PIX key (the library's `PixParams.keyType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum PixKeyType {
    /// A company's CNPJ.
    Cnpj,
    /// A person's CPF.
    Cpf,
    /// A phone number (`+5567123456789`).
    Phone,
    /// An e-mail address.
    Email,
    /// A random key.
    Evp,
}

/// Body of `POST send-pix-key` (Brazil's instant payments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendPixKey {
    /// Recipients.
    pub phone: Recipients,
    /// What kind of chat `phone` names.
    #[serde(flatten)]
    pub flags: RecipientFlags,
    /// The key's kind.
    pub key_type: PixKeyType,
    /// The receiver's name.
    pub name: String,
    /// The key.
    pub key: String,
    /// Instructions shown with the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

/// Body of `POST send-link-catalog`: the controller reads `phones` (not `phone`, so the
/// connected-gate does not rewrite them) and passes each to the library as is, so they are
/// full ids (`5511999999999@c.us`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendLinkCatalog {
    /// Full chat ids.
    pub phones: Vec<String>,
    /// The text; the server appends the catalog's link.
    pub message: String,
}

/// One entry of the answer of `send-link-catalog`: `{phone, status}` where `status` is the id
/// of the message sent (the controller's naming).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogLinkSent {
    /// The chat, as sent.
    pub phone: String,
    /// The sent message's id.
    #[serde(rename = "status")]
    pub message_id: MessageId,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST star-message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StarMessage {
    /// The message.
    pub message_id: MessageId,
    /// Star (`true`) or unstar.
    pub star: bool,
}

/// One reaction (wa-js `getReactions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    /// The emoji.
    #[serde(default)]
    pub reaction_text: String,
    /// Who reacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_user_jid: Option<ChatId>,
    /// When, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Millis>,
    /// Whether it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
    /// Every other field (`id`, `msgId`, `orphan`…), kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The reactions with one emoji.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReactionGroup {
    /// The emoji.
    pub aggregate_emoji: String,
    /// Whether this account is among the senders.
    #[serde(default)]
    pub has_reaction_by_me: bool,
    /// Who reacted with it.
    #[serde(default)]
    pub senders: Vec<Reaction>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET reactions/{id}`: a message's reactions, grouped by emoji.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reactions {
    /// This account's reaction, when it reacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction_by_me: Option<Reaction>,
    /// One group per emoji.
    #[serde(default)]
    pub reactions: Vec<ReactionGroup>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One person's vote on a poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollVote {
    /// The chosen options' `localId`s (empty: the vote was withdrawn).
    #[serde(default)]
    pub selected_options: Vec<u32>,
    /// When, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Millis>,
    /// Who voted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<ChatId>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET votes/{id}`: the votes on a poll (wa-js `getVotes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollVotes {
    /// The poll's chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<ChatId>,
    /// The votes, one per person.
    #[serde(default)]
    pub votes: Vec<PollVote>,
    /// Every other field (`msgId`…), kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
