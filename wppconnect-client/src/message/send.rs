//! The sends other than `send-message`: files, voice, location, previews, replies, polls,
//! mentions, lists, stories and forwards. Each wraps a plain body struct of the models.

use std::future::IntoFuture;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use wppconnect_models::message::{
    Button, ButtonsOptions, ForwardMessages, ForwardOutcome, ListSection, OrderItem, OrderOptions,
    PixKeyType, RecipientFlags, Recipients, SendButtons, SendContactVcard, SendFile,
    SendLinkPreview, SendList, SendLocation, SendMentioned, SendOrder, SendPixKey, SendPoll,
    SendReceipt, SendReply, SendStatus,
};
use wppconnect_models::{ChatId, Message, Wrapped};

use super::{resolve, File};
use crate::error::{Error, Result};
use crate::ids::{chat_texts, IntoChat, IntoMessageId};
use crate::routes::{self, Route};
use crate::session::{BoxFuture, Session};
use crate::upload::{Multipart, Upload};

/// The typed body of a send other than `send-message` (a struct of
/// [`wppconnect_models::message`]): the builder fills in the recipients.
pub trait SendBody: serde::Serialize + Send + 'static {
    /// Stores the resolved recipients and their flags.
    fn set_recipients(&mut self, phone: Recipients, flags: RecipientFlags);
}

macro_rules! send_body {
    ($($body:ty),+) => {$(
        impl SendBody for $body {
            fn set_recipients(&mut self, phone: Recipients, flags: RecipientFlags) {
                self.phone = phone;
                self.flags = flags;
            }
        }
    )+};
}

send_body!(
    SendFile,
    SendLocation,
    SendLinkPreview,
    SendReply,
    SendPoll,
    SendMentioned,
    SendList,
    ForwardMessages,
    SendContactVcard,
    SendButtons,
    SendOrder,
    SendPixKey
);

impl SendBody for SendStatus {
    fn set_recipients(&mut self, _phone: Recipients, _flags: RecipientFlags) {}
}

/// A send other than `send-message`: recipients and flags, then the route's own fields, in the
/// plain body struct `B` of [`wppconnect_models::message`]. `.await` sends it.
#[must_use = "requests do nothing unless .awaited"]
#[derive(Debug)]
pub struct SendRequest<B, T> {
    session: Session,
    route: &'static Route,
    phones: Vec<String>,
    flags: RecipientFlags,
    body: B,
    file: Option<(File, FileField)>,
    error: Option<Error>,
    output: PhantomData<fn() -> T>,
}

/// Where a file goes in the body.
#[derive(Debug, Clone, Copy)]
enum FileField {
    /// `base64` (data URL) or `path` (URL).
    Document,
    /// `base64Ptt` on send-voice-base64, `path` on send-voice.
    Voice,
    /// `path` only (the server converts it).
    PathOnly,
    /// `base64` (data URL) only: `send-file-base64`.
    DataUrlOnly,
}

impl<B: SendBody, T> SendRequest<B, T> {
    fn new(session: &Session, route: &'static Route, phone: Option<&str>, body: B) -> Self {
        Self {
            session: session.clone(),
            route,
            phones: phone.map(str::to_owned).into_iter().collect(),
            flags: RecipientFlags::default(),
            body,
            file: None,
            error: None,
            output: PhantomData,
        }
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Also send to this recipient.
    pub fn to(mut self, phone: impl IntoChat) -> Self {
        self.phones.push(phone.into_chat());
        self
    }

    /// Bare digits name groups (`isGroup`).
    pub fn group(mut self) -> Self {
        self.flags.is_group = true;
        self
    }

    /// Bare digits name channels (`isNewsletter`).
    pub fn newsletter(mut self) -> Self {
        self.flags.is_newsletter = true;
        self
    }

    /// Bare digits name LIDs (`isLid`).
    pub fn lid(mut self) -> Self {
        self.flags.is_lid = true;
        self
    }

    /// The route slug and the body this request would send (recipients resolved, files read and
    /// encoded as data URLs), without sending anything: for logging, fakes and tests. For a
    /// [`File::Upload`] the body holds the form's text fields; the file goes in the field `file`.
    ///
    /// # Errors
    /// The first invalid input given to the builder; an unreadable file.
    pub async fn into_body(self) -> Result<(&'static str, B)>
    where
        B: WithFile,
    {
        let (_, route, body, _) = self.body().await?;
        Ok((route.slug(), body))
    }

    async fn body(mut self) -> Result<(Session, &'static Route, B, Option<Upload>)>
    where
        B: WithFile,
    {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut route = self.route;
        let mut upload = None;
        if !self.phones.is_empty() {
            let (phone, flags) = resolve(&self.phones, self.flags)?;
            self.body.set_recipients(phone, flags);
        }
        if let Some((file, field)) = self.file {
            let Some(body) = self.body.file_body() else {
                return Err(Error::invalid("this route takes no file"));
            };
            if body.filename.is_none() {
                body.filename = file.file_name();
            }
            let url = match &file {
                File::Url(url) => Some(url.clone()),
                _ => None,
            };
            if let File::Upload(file) = file {
                if matches!(field, FileField::DataUrlOnly) {
                    return Err(Error::invalid(
                        "send-file-base64 reads no uploaded file: use File::bytes, File::path or File::base64",
                    ));
                }
                if matches!(field, FileField::Voice) {
                    return Err(Error::invalid(
                        "the voice routes read no uploaded file: use File::path, File::bytes or File::url",
                    ));
                }
                upload = Some(file);
                return Ok((self.session, route, self.body, upload));
            }
            match (field, url) {
                (FileField::DataUrlOnly, Some(_)) => {
                    return Err(Error::invalid(
                        "send-file-base64 takes the file itself (File::bytes, File::path, File::base64), not a URL",
                    ));
                }
                (_, Some(url)) => body.path = Some(url),
                (FileField::PathOnly, None) => {
                    return Err(Error::invalid(
                        "this route takes a URL (File::url) the server downloads",
                    ));
                }
                (FileField::Voice, None) => {
                    route = &routes::SEND_VOICE_BASE64;
                    body.base64_ptt = file.data_url().await?;
                }
                (FileField::Document | FileField::DataUrlOnly, None) => {
                    body.base64 = file.data_url().await?;
                }
            }
        }
        Ok((self.session, route, self.body, upload))
    }
}

/// Bodies that may carry a file ([`SendFile`]); the others answer `None`.
pub trait WithFile {
    /// The file body, when this is one.
    fn file_body(&mut self) -> Option<&mut SendFile> {
        None
    }
}

impl WithFile for SendFile {
    fn file_body(&mut self) -> Option<&mut SendFile> {
        Some(self)
    }
}

impl WithFile for SendLocation {}
impl WithFile for SendLinkPreview {}
impl WithFile for SendReply {}
impl WithFile for SendPoll {}
impl WithFile for SendMentioned {}
impl WithFile for SendList {}
impl WithFile for SendStatus {}
impl WithFile for ForwardMessages {}
impl WithFile for SendContactVcard {}
impl WithFile for SendButtons {}
impl WithFile for SendOrder {}
impl WithFile for SendPixKey {}

impl<T> SendRequest<SendFile, T> {
    /// Caption of the file or image.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.body.caption = Some(caption.into());
        self
    }

    /// File name shown for a document.
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.body.filename = Some(filename.into());
        self
    }

    /// Reply to this message (`quotedMessageId`).
    pub fn quoted(mut self, message_id: impl IntoMessageId) -> Self {
        match message_id.into_message_id() {
            Ok(id) => self.body.quoted_message_id = Some(id),
            Err(e) => self.fail(e),
        }
        self
    }
}

impl<T> SendRequest<SendLocation, T> {
    /// The name of the place (`title`).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.body.title = Some(title.into());
        self
    }

    /// The address of the place.
    pub fn address(mut self, address: impl Into<String>) -> Self {
        self.body.address = Some(address.into());
        self
    }
}

impl<T> SendRequest<SendLinkPreview, T> {
    /// Text sent with the preview.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.body.caption = Some(caption.into());
        self
    }
}

impl<T> SendRequest<SendPoll, T> {
    /// How many choices one person may pick (default 1).
    pub fn selectable_count(mut self, count: u32) -> Self {
        if count == 0 || count as usize > self.body.choices.len() {
            self.fail(Error::invalid(format!(
                "selectable count {count} is not between 1 and the number of choices"
            )));
        }
        self.body.options.selectable_count = count;
        self
    }
}

impl<T> SendRequest<SendContactVcard, T> {
    /// The name shown on the card.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.body.name = Some(name.into());
        self
    }
}

impl<T> SendRequest<SendButtons, T> {
    /// A title above the text.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.body.options.title = Some(title.into());
        self
    }

    /// A footer under the text.
    pub fn footer(mut self, footer: impl Into<String>) -> Self {
        self.body.options.footer = Some(footer.into());
        self
    }

    /// wa-js `useTemplateButtons`.
    pub fn use_template_buttons(mut self, on: bool) -> Self {
        self.body.options.use_template_buttons = Some(on);
        self
    }
}

impl<T> SendRequest<SendOrder, T> {
    fn options(&mut self) -> &mut OrderOptions {
        self.body.options.get_or_insert_with(OrderOptions::default)
    }

    /// Tax, thousandths.
    pub fn tax(mut self, tax: u64) -> Self {
        self.options().tax = Some(tax);
        self
    }

    /// Shipping, thousandths.
    pub fn shipping(mut self, shipping: u64) -> Self {
        self.options().shipping = Some(shipping);
        self
    }

    /// Discount, thousandths.
    pub fn discount(mut self, discount: u64) -> Self {
        self.options().discount = Some(discount);
        self
    }
}

impl<T> SendRequest<SendPixKey, T> {
    /// Instructions shown with the key.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.body.instructions = Some(instructions.into());
        self
    }
}

impl<B, T> IntoFuture for SendRequest<B, T>
where
    B: SendBody + WithFile,
    T: DeserializeOwned + Send + 'static,
{
    type Output = Result<T>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (session, route, body, upload) = self.body().await?;
            let mut call = session.call(route, &[])?;
            call = match upload {
                // the server's multer reads the file from the form field `file`
                Some(upload) => {
                    call.multipart = Some(Multipart::from_body(&body)?.file("file", upload));
                    call
                }
                None => call.body_of(&body)?,
            };
            session.client.send_slot(&session.name).await;
            let answer: Wrapped<T> = session.execute(call).await?;
            Ok(answer.response)
        })
    }
}

/// One receipt per recipient.
pub type Receipts = Vec<SendReceipt>;

impl Session {
    /// `POST /api/{session}/send-image`: an image, with `.caption(…)`. A [`File::Upload`] goes
    /// as a multipart form (field `file`, streamed); bytes, a local path or base64 are sent as
    /// the data URL the server expects; a URL is downloaded by the server. Never retried after it
    /// may have reached the server.
    ///
    /// # Errors
    /// As [`Session::send_message`]; [`Error::InvalidInput`] for an unreadable file.
    #[doc(alias = "send-image")]
    pub fn send_image(&self, phone: impl IntoChat, file: File) -> SendRequest<SendFile, Receipts> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request =
            SendRequest::new(self, &routes::SEND_IMAGE, Some(phone), SendFile::default());
        request.file = Some((file, FileField::Document));
        request
    }

    /// `POST /api/{session}/send-file`: a document, with `.filename(…)` and `.caption(…)`. A
    /// [`File::Upload`] goes as a multipart form (field `file`, streamed from a path or an
    /// `AsyncRead`, never base64); other files as in [`Session::send_image`]. Never retried
    /// after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::{File, Upload};
    /// session
    ///     .send_file("5511999999999", File::upload(Upload::path("/srv/notas/nota.pdf")))
    ///     .caption("Sua nota fiscal")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Session::send_image`].
    #[doc(alias = "send-file")]
    pub fn send_file(&self, phone: impl IntoChat, file: File) -> SendRequest<SendFile, Receipts> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request =
            SendRequest::new(self, &routes::SEND_FILE, Some(phone), SendFile::default());
        request.file = Some((file, FileField::Document));
        request
    }

    /// `POST /api/{session}/send-voice` (a URL) or `/send-voice-base64` (bytes, path, base64):
    /// a voice note. Neither route reads an uploaded file, so a [`File::Upload`] is refused.
    /// Never retried after it may have reached the server.
    ///
    /// # Errors
    /// As [`Session::send_image`].
    #[doc(alias = "send-voice")]
    #[doc(alias = "send-voice-base64")]
    pub fn send_voice(&self, phone: impl IntoChat, file: File) -> SendRequest<SendFile, Receipts> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request =
            SendRequest::new(self, &routes::SEND_VOICE, Some(phone), SendFile::default());
        request.file = Some((file, FileField::Voice));
        request
    }

    /// `POST /api/{session}/send-sticker`: a sticker from a URL the server downloads, or a
    /// [`File::Upload`] (multipart field `file`); the server converts it. Never retried after it
    /// may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for anything but [`File::Url`] and [`File::Upload`]; as
    /// [`Session::send_message`].
    #[doc(alias = "send-sticker")]
    pub fn send_sticker(
        &self,
        phone: impl IntoChat,
        file: File,
    ) -> SendRequest<SendFile, Receipts> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_STICKER,
            Some(phone),
            SendFile::default(),
        );
        request.file = Some((file, FileField::PathOnly));
        request
    }

    /// `POST /api/{session}/send-sticker-gif`: an animated sticker from a URL the server
    /// downloads (a GIF or WebP), or a [`File::Upload`] (multipart field `file`). Never retried
    /// after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::File;
    /// session
    ///     .send_sticker_gif("5511999999999", File::url("https://example.com/party.gif"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for anything but [`File::Url`] and [`File::Upload`]; as
    /// [`Session::send_message`].
    #[doc(alias = "send-sticker-gif")]
    pub fn send_sticker_gif(
        &self,
        phone: impl IntoChat,
        file: File,
    ) -> SendRequest<SendFile, Receipts> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_STICKER_GIF,
            Some(phone),
            SendFile::default(),
        );
        request.file = Some((file, FileField::PathOnly));
        request
    }

    /// `POST /api/{session}/send-file-base64`: a document sent as a data URL in JSON, with
    /// `.filename(…)`, `.caption(…)` and `.quoted(…)`. The server runs the same handler as
    /// `send-file`; this method always sends the file's bytes (from [`File::bytes`],
    /// [`File::path`] or [`File::base64`]), never a URL or an upload: use
    /// [`Session::send_file`] for those. Never retried after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::File;
    /// session
    ///     .send_file_base64("5511999999999", File::bytes(b"%PDF-1.4".to_vec(), "application/pdf"))
    ///     .filename("nota.pdf")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a URL, an upload, invalid base64 or an unreadable file; as
    /// [`Session::send_message`].
    #[doc(alias = "send-file-base64")]
    pub fn send_file_base64(
        &self,
        phone: impl IntoChat,
        file: File,
    ) -> SendRequest<SendFile, Receipts> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_FILE_BASE64,
            Some(phone),
            SendFile::default(),
        );
        request.file = Some((file, FileField::DataUrlOnly));
        request
    }

    /// `POST /api/{session}/contact-vcard`: sends a contact's card (`contact`: a phone number or
    /// a full id), with `.name(…)` for the name on the card. Answers the receipt of the last
    /// recipient. Never retried after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session
    ///     .contact_vcard("5511999999999", "5511988887777")
    ///     .name("Suporte")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad recipient or contact; as [`Session::send_message`]
    /// (500 `Error on send contact vcard`).
    #[doc(alias = "contact-vcard")]
    pub fn contact_vcard(
        &self,
        phone: impl IntoChat,
        contact: impl IntoChat,
    ) -> SendRequest<SendContactVcard, SendReceipt> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::CONTACT_VCARD,
            Some(phone),
            SendContactVcard::default(),
        );
        match crate::chat::chat_id(&contact.into_chat()) {
            Ok(id) if id.kind() == wppconnect_models::ChatKind::Contact => {
                request.body.contacts_id = id.as_str().to_owned();
            }
            Ok(id) => request.fail(Error::invalid(format!("{id} is not a contact"))),
            Err(e) => request.fail(e),
        }
        request
    }

    /// `POST /api/{session}/send-buttons`: a text with buttons ([`Button`]), as the server
    /// takes it (`message` and `options.buttons`). **WhatsApp removed buttons**: the server marks
    /// the route deprecated and WhatsApp may show only the text, or nothing, on many phones. The
    /// server answers the chat ids it sent to. Never retried after it may have reached the
    /// server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::message::Button;
    /// session
    ///     .send_buttons("5511999999999", "Confirma o pedido?", vec![
    ///         Button::Reply { id: "sim".into(), text: "Sim".into() },
    ///         Button::Url { url: "https://example.com".into(), text: "Ver".into() },
    ///     ])
    ///     .footer("Loja")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty text or no button; as [`Session::send_message`].
    #[doc(alias = "send-buttons")]
    pub fn send_buttons(
        &self,
        phone: impl IntoChat,
        message: &str,
        buttons: Vec<Button>,
    ) -> SendRequest<SendButtons, Vec<ChatId>> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let empty = buttons.is_empty();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_BUTTONS,
            Some(phone),
            SendButtons {
                message: message.to_owned(),
                options: ButtonsOptions {
                    buttons,
                    ..ButtonsOptions::default()
                },
                ..SendButtons::default()
            },
        );
        if message.trim().is_empty() || empty {
            request.fail(Error::invalid("send-buttons needs a text and a button"));
        }
        request
    }

    /// `POST /api/{session}/send-order-message`: an order (WhatsApp Business) of
    /// [`OrderItem`]s, with `.tax(…)`, `.shipping(…)`, `.discount(…)` in thousandths. Answers
    /// the sent message per recipient. Never retried after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::message::OrderItem;
    /// let item = OrderItem::Custom { name: "Camiseta".into(), price: 59_900, qnt: 2 };
    /// session.send_order_message("5511999999999", vec![item]).shipping(15_000).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] without items or with a zero quantity; as
    /// [`Session::send_message`].
    #[doc(alias = "send-order-message")]
    pub fn send_order_message(
        &self,
        phone: impl IntoChat,
        items: Vec<OrderItem>,
    ) -> SendRequest<SendOrder, Vec<Message>> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let bad = items.is_empty()
            || items.iter().any(|item| {
                matches!(
                    item,
                    OrderItem::Custom { qnt: 0, .. } | OrderItem::Product { qnt: 0, .. }
                )
            });
        let mut request = SendRequest::new(
            self,
            &routes::SEND_ORDER_MESSAGE,
            Some(phone),
            SendOrder {
                items,
                ..SendOrder::default()
            },
        );
        if bad {
            request.fail(Error::invalid(
                "an order needs at least one item, each with a quantity",
            ));
        }
        request
    }

    /// `POST /api/{session}/send-pix-key`: a PIX key (Brazil's instant payments) with the
    /// receiver's name, with `.instructions(…)`. Answers the sent message per recipient. Never
    /// retried after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::message::PixKeyType;
    /// session
    ///     .send_pix_key("5511999999999", PixKeyType::Email, "pix@loja.com.br", "Loja Ltda")
    ///     .instructions("Envie o comprovante")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty key or name; as [`Session::send_message`].
    #[doc(alias = "send-pix-key")]
    pub fn send_pix_key(
        &self,
        phone: impl IntoChat,
        key_type: PixKeyType,
        key: &str,
        name: &str,
    ) -> SendRequest<SendPixKey, Vec<Message>> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_PIX_KEY,
            Some(phone),
            SendPixKey {
                phone: Recipients::default(),
                flags: RecipientFlags::default(),
                key_type,
                name: name.to_owned(),
                key: key.to_owned(),
                instructions: None,
            },
        );
        if key.trim().is_empty() || name.trim().is_empty() {
            request.fail(Error::invalid("a PIX key needs a key and a name"));
        }
        request
    }

    /// `POST /api/{session}/send-location`, with `.title(…)` and `.address(…)`. Never retried
    /// after it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for coordinates out of range; as [`Session::send_message`].
    #[doc(alias = "send-location")]
    pub fn send_location(
        &self,
        phone: impl IntoChat,
        lat: f64,
        lng: f64,
    ) -> SendRequest<SendLocation, Receipts> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_LOCATION,
            Some(phone),
            SendLocation {
                lat,
                lng,
                ..SendLocation::default()
            },
        );
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
            request.fail(Error::invalid(format!(
                "coordinates out of range: {lat}, {lng}"
            )));
        }
        request
    }

    /// `POST /api/{session}/send-link-preview`: a URL with its preview, with `.caption(…)`.
    /// Never retried after it may have reached the server.
    ///
    /// # Errors
    /// As [`Session::send_message`].
    #[doc(alias = "send-link-preview")]
    pub fn send_link_preview(
        &self,
        phone: impl IntoChat,
        url: &str,
    ) -> SendRequest<SendLinkPreview, Receipts> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_LINK_PREVIEW,
            Some(phone),
            SendLinkPreview {
                url: url.to_owned(),
                ..SendLinkPreview::default()
            },
        );
        if url::Url::parse(url).is_err() {
            request.fail(Error::invalid(format!("invalid URL {url:?}")));
        }
        request
    }

    /// `POST /api/{session}/send-reply`: a text quoting `message_id`. Never retried after it may
    /// have reached the server.
    ///
    /// # Errors
    /// As [`Session::send_message`].
    #[doc(alias = "send-reply")]
    pub fn send_reply(
        &self,
        phone: impl IntoChat,
        message: &str,
        message_id: impl IntoMessageId,
    ) -> SendRequest<SendReply, Vec<Message>> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let message_id = message_id.into_message_id();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_REPLY,
            Some(phone),
            SendReply {
                message: message.to_owned(),
                message_id: message_id
                    .as_ref()
                    .map(|id| id.as_str().to_owned())
                    .unwrap_or_default(),
                ..SendReply::default()
            },
        );
        if message.trim().is_empty() {
            request.fail(Error::invalid("the message is empty"));
        }
        if let Err(e) = message_id {
            request.fail(e);
        }
        request
    }

    /// `POST /api/{session}/send-poll-message`: a poll (single choice unless
    /// `.selectable_count(…)`). Never retried after it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with fewer than two choices; as [`Session::send_message`].
    #[doc(alias = "send-poll-message")]
    pub fn send_poll_message(
        &self,
        phone: impl IntoChat,
        name: &str,
        choices: &[&str],
    ) -> SendRequest<SendPoll, Vec<Message>> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_POLL_MESSAGE,
            Some(phone),
            SendPoll {
                name: name.to_owned(),
                choices: choices.iter().map(|c| (*c).to_owned()).collect(),
                ..SendPoll::default()
            },
        );
        if choices.len() < 2 {
            request.fail(Error::invalid("a poll needs at least two choices"));
        }
        request
    }

    /// `POST /api/{session}/send-mentioned`: a text mentioning ids (`5511999999999@c.us`), usually
    /// in a group; the text should contain `@<digits>` for each. Never retried after it may have
    /// reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty text or no mention; as [`Session::send_message`].
    #[doc(alias = "send-mentioned")]
    pub fn send_mentioned(
        &self,
        phone: impl IntoChat,
        message: &str,
        mentioned: &[impl IntoChat + Clone],
    ) -> SendRequest<SendMentioned, SendReceipt> {
        let mentioned = chat_texts(mentioned);
        let mentioned: Vec<&str> = mentioned.iter().map(String::as_str).collect();
        let mentioned = mentioned.as_slice();
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut request = SendRequest::new(
            self,
            &routes::SEND_MENTIONED,
            Some(phone),
            SendMentioned {
                message: message.to_owned(),
                mentioned: mentioned.iter().map(|m| (*m).to_owned()).collect(),
                ..SendMentioned::default()
            },
        );
        if message.trim().is_empty() || mentioned.is_empty() {
            request.fail(Error::invalid(
                "send-mentioned needs a text and at least one mention",
            ));
        }
        for id in mentioned {
            if let Err(e) = id.parse::<ChatId>() {
                request.fail(Error::invalid(e));
            }
        }
        request
    }

    /// `POST /api/{session}/send-list-message`: a list of sections, each with rows a person can
    /// pick (the answer comes back as a `list_response` message with the row's id). Never
    /// retried after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::message::{ListRow, ListSection};
    /// let sections = vec![ListSection {
    ///     title: "Horários".to_owned(),
    ///     rows: vec![ListRow::new("manha", "Manhã").description("8h às 12h")],
    /// }];
    /// session.send_list_message("5511999999999", "Escolher", "Quando prefere?", sections).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] without sections, or with a section without rows; as
    /// [`Session::send_message`].
    #[doc(alias = "send-list-message")]
    pub fn send_list_message(
        &self,
        phone: impl IntoChat,
        button_text: &str,
        description: &str,
        sections: Vec<ListSection>,
    ) -> SendRequest<SendList, Vec<Message>> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let empty = sections.is_empty() || sections.iter().any(|s| s.rows.is_empty());
        let mut request = SendRequest::new(
            self,
            &routes::SEND_LIST_MESSAGE,
            Some(phone),
            SendList {
                button_text: button_text.to_owned(),
                description: description.to_owned(),
                sections,
                ..SendList::default()
            },
        );
        if empty {
            request.fail(Error::invalid(
                "a list needs at least one section, and each section a row",
            ));
        }
        request
    }

    /// `POST /api/{session}/send-status`: a text story (to `status@broadcast`). Never retried
    /// after it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty text; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "send-status")]
    pub fn send_status(&self, message: &str) -> SendRequest<SendStatus, Vec<Message>> {
        let mut request = SendRequest::new(
            self,
            &routes::SEND_STATUS,
            None,
            SendStatus {
                message: message.to_owned(),
                ..SendStatus::default()
            },
        );
        if message.trim().is_empty() {
            request.fail(Error::invalid("the status is empty"));
        }
        request
    }

    /// `POST /api/{session}/forward-messages`: forwards messages to a chat. Never retried after it
    /// may have reached the server.
    ///
    /// The ids always go as an array: the library iterates `messageId`, so a lone string would be
    /// read character by character (wa-js 4.4.3 `chat.forwardMessages`). Server 2.10.4 forwards
    /// to the first recipient only (`phone[0]`). The answer is the server's `response`: the
    /// library's `forwardMessagesV2` result, WhatsApp's own `forwardMessages` answer, which
    /// lists the messages that could **not** be forwarded ([`ForwardOutcome`]): WhatsApp does
    /// not fail the call for them, so check [`ForwardOutcome::all_forwarded`].
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let outcome = session
    ///     .forward_messages("+55 21 98888-7777", &["true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281"])
    ///     .await?;
    /// for failed in &outcome.not_forwarded {
    ///     eprintln!("not forwarded: {:?}", failed.id);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; as [`Session::send_message`].
    #[doc(alias = "forward-messages")]
    pub fn forward_messages(
        &self,
        phone: impl IntoChat,
        message_ids: &[impl IntoMessageId + Clone],
    ) -> SendRequest<ForwardMessages, ForwardOutcome> {
        let phone = phone.into_chat();
        let phone = phone.as_str();
        let mut ids = Vec::with_capacity(message_ids.len());
        let mut bad = None;
        for id in message_ids.iter().cloned() {
            match id.into_message_id() {
                Ok(id) => ids.push(String::from(id)),
                Err(e) => {
                    bad.get_or_insert(e);
                }
            }
        }
        let mut request = SendRequest::new(
            self,
            &routes::FORWARD_MESSAGES,
            Some(phone),
            ForwardMessages::default(),
        );
        if ids.is_empty() && bad.is_none() {
            request.fail(Error::invalid("no message id"));
        }
        if let Some(e) = bad {
            request.fail(e);
        }
        request.body.message_id = Recipients::Many(ids);
        request
    }
}
