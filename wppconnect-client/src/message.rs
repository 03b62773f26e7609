//! Sending: text, files, voice, location, replies, reactions, deletions.
//!
//! Every send is **never retried after it may have reached the server**: a retry must never make
//! WhatsApp deliver a message twice. Input is validated before any request; the first invalid
//! input given to a builder comes back at `.await` as [`Error::InvalidInput`].

use std::future::IntoFuture;
use std::marker::PhantomData;
use std::path::PathBuf;

use base64::Engine;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use wppconnect_models::message::{
    DownloadedMedia, ForwardMessages, RecipientFlags, Recipients, SendFile, SendLinkPreview,
    SendList, SendLocation, SendMentioned, SendMessage, SendMessageOptions, SendPoll, SendReceipt,
    SendReply, SendStatus,
};
use wppconnect_models::{ChatId, ChatKind, Message, MessageId, PhoneNumber, Wrapped};

use crate::client::Call;
use crate::error::{Error, Result};
use crate::session::{BoxFuture, Session};

/// Turns what a person typed into the `phone` value the server expects, adjusting the flags.
///
/// Digits (with `+`, spaces, dashes, parentheses) are a phone number; a full id
/// (`…@g.us`, `…@lid`, `…@newsletter`, `…@c.us`) sets the matching flag by itself; with a flag
/// already set, bare digits name a group, LID or channel.
fn recipient(input: &str, flags: &mut RecipientFlags) -> Result<String> {
    let input = input.trim();
    if input.contains('@') {
        let id: ChatId = input.parse().map_err(Error::invalid)?;
        match id.kind() {
            ChatKind::Contact => {
                PhoneNumber::new(id.user()).map_err(Error::invalid)?;
            }
            ChatKind::Group => flags.is_group = true,
            ChatKind::Lid => flags.is_lid = true,
            ChatKind::Newsletter => flags.is_newsletter = true,
            _ => return Err(Error::invalid(format!("cannot send to {input}"))),
        }
        return Ok(id.user().to_owned());
    }
    if flags.is_group || flags.is_lid || flags.is_newsletter {
        let ok = !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit() || b == b'-');
        return if ok {
            Ok(input.to_owned())
        } else {
            Err(Error::invalid(format!("invalid chat id {input:?}")))
        };
    }
    Ok(PhoneNumber::new(input)
        .map_err(Error::invalid)?
        .digits()
        .to_owned())
}

fn resolve(inputs: &[String], mut flags: RecipientFlags) -> Result<(Recipients, RecipientFlags)> {
    if inputs.is_empty() {
        return Err(Error::invalid("no recipient"));
    }
    let mut phones = Vec::with_capacity(inputs.len());
    let mut first_flags = None;
    for input in inputs {
        let mut these = flags;
        phones.push(recipient(input, &mut these)?);
        match first_flags {
            None => first_flags = Some(these),
            Some(f) if f != these => {
                return Err(Error::invalid(
                    "one request cannot mix contacts, groups, LIDs and channels",
                ));
            }
            Some(_) => {}
        }
    }
    flags = first_flags.unwrap_or(flags);
    Ok((Recipients::from(phones), flags))
}

// ---------------------------------------------------------------------------------------------
// send-message

/// `send-message`. `.await` sends it; see [`Session::send_message`].
#[must_use = "requests do nothing unless .awaited"]
#[derive(Debug)]
pub struct SendMessageRequest {
    session: Session,
    phones: Vec<String>,
    message: String,
    flags: RecipientFlags,
    options: SendMessageOptions,
    error: Option<Error>,
}

impl SendMessageRequest {
    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Also send to this recipient.
    pub fn to(mut self, phone: &str) -> Self {
        self.phones.push(phone.to_owned());
        self
    }

    /// Bare digits name groups (`isGroup`); not needed with a full `…@g.us` id.
    pub fn group(mut self) -> Self {
        self.flags.is_group = true;
        self
    }

    /// Bare digits name channels (`isNewsletter`).
    pub fn newsletter(mut self) -> Self {
        self.flags.is_newsletter = true;
        self
    }

    /// Bare digits name LIDs (`isLid`); needed for LIDs of 14 digits or fewer.
    pub fn lid(mut self) -> Self {
        self.flags.is_lid = true;
        self
    }

    /// Reply to this message (serialized id).
    pub fn quoted(mut self, message_id: &str) -> Self {
        match message_id.parse::<MessageId>() {
            Ok(id) => self.options.quoted_msg = Some(id),
            Err(e) => self.fail(Error::invalid(e)),
        }
        self
    }

    /// Link preview on or off (the server's default is on).
    pub fn link_preview(mut self, on: bool) -> Self {
        self.options.link_preview = Some(on);
        self
    }

    /// Mention these ids (`5511999999999@c.us`).
    pub fn mentions<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.mentioned_list = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Show "typing…" for this long before sending.
    pub fn typing_delay(mut self, delay: std::time::Duration) -> Self {
        self.options.delay = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// The body this request sends.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]: no or bad recipient, empty text, bad quoted id.
    pub fn into_body(self) -> Result<SendMessage> {
        body_of(
            self.phones,
            self.message,
            self.flags,
            self.options,
            self.error,
        )
    }
}

fn body_of(
    phones: Vec<String>,
    message: String,
    flags: RecipientFlags,
    options: SendMessageOptions,
    error: Option<Error>,
) -> Result<SendMessage> {
    if let Some(error) = error {
        return Err(error);
    }
    if message.trim().is_empty() {
        return Err(Error::invalid("the message is empty"));
    }
    let (phone, flags) = resolve(&phones, flags)?;
    Ok(SendMessage {
        phone,
        message,
        flags,
        options,
    })
}

impl IntoFuture for SendMessageRequest {
    type Output = Result<Vec<Message>>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        let session = self.session.clone();
        Box::pin(async move {
            let body = self.into_body()?;
            session.send_message_body(&body).await
        })
    }
}

impl Session {
    /// `POST /api/{session}/send-message`: sends a text.
    ///
    /// `phone` is a number as a person types it (`+55 11 98888-7777`) or a full id
    /// (`…@g.us`, `…@lid`, `…@newsletter`); `.to(…)` adds recipients. Answers one message per
    /// recipient. Never retried after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let sent = session.send_message("+55 11 98888-7777", "Olá! Seu pedido saiu.").link_preview(false).await?;
    /// println!("sent {}", sent[0].id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing sent), [`Error::NotConnected`], [`Error::Api`] (400: the
    /// number does not exist, with the server's message; 500: sending failed), transport errors.
    #[doc(alias = "send-message")]
    pub fn send_message(&self, phone: &str, message: impl Into<String>) -> SendMessageRequest {
        SendMessageRequest {
            session: self.clone(),
            phones: vec![phone.to_owned()],
            message: message.into(),
            flags: RecipientFlags::default(),
            options: SendMessageOptions::default(),
            error: None,
        }
    }

    /// Sends a prepared `send-message` body (what [`crate::WppApi::send_message`] takes).
    ///
    /// # Errors
    /// As [`Session::send_message`].
    pub async fn send_message_body(&self, body: &SendMessage) -> Result<Vec<Message>> {
        if body.phone.is_empty() {
            return Err(Error::invalid("no recipient"));
        }
        let call = self
            .call(
                Method::POST,
                "POST /api/{session}/send-message",
                "send-message",
            )
            .body_of(body)?;
        self.client.send_slot(&self.name).await;
        let answer: Wrapped<Vec<Message>> = self.execute(call).await?;
        Ok(answer.response)
    }
}

// ---------------------------------------------------------------------------------------------
// Other sends

/// A file to send.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum File {
    /// Bytes in memory, with their MIME type.
    Bytes {
        /// The content.
        bytes: Vec<u8>,
        /// MIME type, e.g. `image/jpeg`.
        mime: String,
    },
    /// A file on this machine, read at send time; its MIME type is guessed from the extension.
    Path(PathBuf),
    /// Base64 (without `data:` prefix) with its MIME type.
    Base64 {
        /// The content in base64.
        base64: String,
        /// MIME type.
        mime: String,
    },
    /// An http(s) URL (or a path on the server's disk) that the **server** downloads.
    Url(String),
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes { bytes, mime } => write!(f, "File::Bytes({} bytes, {mime})", bytes.len()),
            Self::Path(path) => write!(f, "File::Path({})", path.display()),
            Self::Base64 { base64, mime } => {
                write!(f, "File::Base64({} chars, {mime})", base64.len())
            }
            Self::Url(url) => write!(f, "File::Url({url})"),
        }
    }
}

impl File {
    /// Bytes with their MIME type.
    #[must_use]
    pub fn bytes(bytes: impl Into<Vec<u8>>, mime: impl Into<String>) -> Self {
        Self::Bytes {
            bytes: bytes.into(),
            mime: mime.into(),
        }
    }

    /// A local file.
    #[must_use]
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self::Path(path.into())
    }

    /// A URL the server downloads.
    #[must_use]
    pub fn url(url: impl Into<String>) -> Self {
        Self::Url(url.into())
    }

    /// Base64 with its MIME type.
    #[must_use]
    pub fn base64(base64: impl Into<String>, mime: impl Into<String>) -> Self {
        Self::Base64 {
            base64: base64.into(),
            mime: mime.into(),
        }
    }

    /// The file name, when it has one.
    fn file_name(&self) -> Option<String> {
        match self {
            Self::Path(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()),
            Self::Url(url) => url
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            _ => None,
        }
    }

    /// The data URL the server expects (`data:<mime>;base64,<data>`), or `None` for a URL.
    async fn data_url(self) -> Result<Option<String>> {
        let engine = base64::engine::general_purpose::STANDARD;
        Ok(Some(match self {
            Self::Bytes { bytes, mime } => format!("data:{mime};base64,{}", engine.encode(bytes)),
            Self::Base64 { base64, mime } => {
                let data = wppconnect_models::session::strip_data_url(&base64);
                engine
                    .decode(data)
                    .map_err(|e| Error::invalid(format!("the file is not valid base64: {e}")))?;
                format!("data:{mime};base64,{data}")
            }
            Self::Path(path) => {
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
                let mime = mime_guess::from_path(&path).first_or_octet_stream();
                format!("data:{mime};base64,{}", engine.encode(bytes))
            }
            Self::Url(_) => return Ok(None),
        }))
    }
}

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
    ForwardMessages
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
    route: &'static str,
    slug: &'static str,
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
}

impl<B: SendBody, T> SendRequest<B, T> {
    fn new(
        session: &Session,
        route: &'static str,
        slug: &'static str,
        phone: Option<&str>,
        body: B,
    ) -> Self {
        Self {
            session: session.clone(),
            route,
            slug,
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
    pub fn to(mut self, phone: &str) -> Self {
        self.phones.push(phone.to_owned());
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
    /// encoded as data URLs), without sending anything: for logging, fakes and tests.
    ///
    /// # Errors
    /// The first invalid input given to the builder; an unreadable file.
    pub async fn into_body(self) -> Result<(&'static str, B)>
    where
        B: WithFile,
    {
        let (_, _, slug, body) = self.body().await?;
        Ok((slug, body))
    }

    async fn body(mut self) -> Result<(Session, &'static str, &'static str, B)>
    where
        B: WithFile,
    {
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut slug = self.slug;
        let mut route = self.route;
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
            match (field, url) {
                (_, Some(url)) => body.path = Some(url),
                (FileField::PathOnly, None) => {
                    return Err(Error::invalid(
                        "this route takes a URL (File::url) the server downloads",
                    ));
                }
                (FileField::Voice, None) => {
                    slug = "send-voice-base64";
                    route = "POST /api/{session}/send-voice-base64";
                    body.base64_ptt = file.data_url().await?;
                }
                (FileField::Document, None) => body.base64 = file.data_url().await?,
            }
        }
        Ok((self.session, route, slug, self.body))
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
    pub fn quoted(mut self, message_id: &str) -> Self {
        match message_id.parse::<MessageId>() {
            Ok(id) => self.body.quoted_message_id = Some(id),
            Err(e) => self.fail(Error::invalid(e)),
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

impl<B, T> IntoFuture for SendRequest<B, T>
where
    B: SendBody + WithFile,
    T: DeserializeOwned + Send + 'static,
{
    type Output = Result<T>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (session, route, slug, body) = self.body().await?;
            let call = Call::new(Method::POST, route)
                .segments([session.name.as_str(), slug])
                .body_of(&body)?;
            session.client.send_slot(&session.name).await;
            let answer: Wrapped<T> = session.execute(call).await?;
            Ok(answer.response)
        })
    }
}

/// One receipt per recipient.
pub type Receipts = Vec<SendReceipt>;

impl Session {
    /// `POST /api/{session}/send-image`: an image, with `.caption(…)`. Bytes, a local path or
    /// base64 are sent as the data URL the server expects; a URL is downloaded by the server.
    /// Never retried after it may have reached the server.
    ///
    /// # Errors
    /// As [`Session::send_message`]; [`Error::InvalidInput`] for an unreadable file.
    #[doc(alias = "send-image")]
    pub fn send_image(&self, phone: &str, file: File) -> SendRequest<SendFile, Receipts> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-image",
            "send-image",
            Some(phone),
            SendFile::default(),
        );
        request.file = Some((file, FileField::Document));
        request
    }

    /// `POST /api/{session}/send-file`: a document, with `.filename(…)` and `.caption(…)`.
    /// Never retried after it may have reached the server.
    ///
    /// # Errors
    /// As [`Session::send_image`].
    #[doc(alias = "send-file")]
    #[doc(alias = "send-file-base64")]
    pub fn send_file(&self, phone: &str, file: File) -> SendRequest<SendFile, Receipts> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-file",
            "send-file",
            Some(phone),
            SendFile::default(),
        );
        request.file = Some((file, FileField::Document));
        request
    }

    /// `POST /api/{session}/send-voice` (a URL) or `/send-voice-base64` (bytes, path, base64):
    /// a voice note. Never retried after it may have reached the server.
    ///
    /// # Errors
    /// As [`Session::send_image`].
    #[doc(alias = "send-voice")]
    #[doc(alias = "send-voice-base64")]
    pub fn send_voice(&self, phone: &str, file: File) -> SendRequest<SendFile, Receipts> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-voice",
            "send-voice",
            Some(phone),
            SendFile::default(),
        );
        request.file = Some((file, FileField::Voice));
        request
    }

    /// `POST /api/{session}/send-sticker`: a sticker from a URL the server downloads and
    /// converts. Never retried after it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for anything but [`File::Url`]; as [`Session::send_message`].
    #[doc(alias = "send-sticker")]
    pub fn send_sticker(&self, phone: &str, file: File) -> SendRequest<SendFile, Receipts> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-sticker",
            "send-sticker",
            Some(phone),
            SendFile::default(),
        );
        request.file = Some((file, FileField::PathOnly));
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
        phone: &str,
        lat: f64,
        lng: f64,
    ) -> SendRequest<SendLocation, Receipts> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-location",
            "send-location",
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
        phone: &str,
        url: &str,
    ) -> SendRequest<SendLinkPreview, Vec<Value>> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-link-preview",
            "send-link-preview",
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
        phone: &str,
        message: &str,
        message_id: &str,
    ) -> SendRequest<SendReply, Vec<Message>> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-reply",
            "send-reply",
            Some(phone),
            SendReply {
                message: message.to_owned(),
                message_id: message_id.to_owned(),
                ..SendReply::default()
            },
        );
        if message.trim().is_empty() {
            request.fail(Error::invalid("the message is empty"));
        }
        if let Err(e) = message_id.parse::<MessageId>() {
            request.fail(Error::invalid(e));
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
        phone: &str,
        name: &str,
        choices: &[&str],
    ) -> SendRequest<SendPoll, Vec<Message>> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-poll-message",
            "send-poll-message",
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
        phone: &str,
        message: &str,
        mentioned: &[&str],
    ) -> SendRequest<SendMentioned, Value> {
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-mentioned",
            "send-mentioned",
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

    /// `POST /api/{session}/send-list-message`: a list (`sections` as the server takes them:
    /// `[{title, rows: [{rowId, title, description}]}]`). Never retried after it may have reached
    /// the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] without sections; as [`Session::send_message`].
    #[doc(alias = "send-list-message")]
    pub fn send_list_message(
        &self,
        phone: &str,
        button_text: &str,
        description: &str,
        sections: Value,
    ) -> SendRequest<SendList, Vec<Message>> {
        let empty = sections.as_array().is_none_or(|s| s.is_empty());
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/send-list-message",
            "send-list-message",
            Some(phone),
            SendList {
                button_text: button_text.to_owned(),
                description: description.to_owned(),
                sections,
                ..SendList::default()
            },
        );
        if empty {
            request.fail(Error::invalid("a list needs at least one section"));
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
            "POST /api/{session}/send-status",
            "send-status",
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
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; as [`Session::send_message`].
    #[doc(alias = "forward-messages")]
    pub fn forward_messages(
        &self,
        phone: &str,
        message_ids: &[&str],
    ) -> SendRequest<ForwardMessages, Value> {
        let ids: Vec<String> = message_ids.iter().map(|id| (*id).to_owned()).collect();
        let mut request = SendRequest::new(
            self,
            "POST /api/{session}/forward-messages",
            "forward-messages",
            Some(phone),
            ForwardMessages::default(),
        );
        if ids.is_empty() {
            request.fail(Error::invalid("no message id"));
        }
        for id in &ids {
            if let Err(e) = id.parse::<MessageId>() {
                request.fail(Error::invalid(e));
            }
        }
        request.body.message_id = Recipients::from(ids);
        request
    }

    /// `POST /api/{session}/edit-message`: replaces the text of an own message.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id or an empty text; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "edit-message")]
    pub async fn edit_message(&self, message_id: &str, new_text: &str) -> Result<Value> {
        let id: MessageId = message_id.parse().map_err(Error::invalid)?;
        if new_text.trim().is_empty() {
            return Err(Error::invalid("the new text is empty"));
        }
        let call = self
            .call(
                Method::POST,
                "POST /api/{session}/edit-message",
                "edit-message",
            )
            .json(json!({"id": id.as_str(), "newText": new_text}));
        self.execute(call).await
    }

    /// `POST /api/{session}/typing`: shows (or stops) "typing…" in a chat.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    pub async fn typing(&self, chat: &str, on: bool) -> Result<Value> {
        let mut flags = RecipientFlags::default();
        let phone = recipient(chat, &mut flags)?;
        let call = self
            .call(Method::POST, "POST /api/{session}/typing", "typing")
            .json(json!({"phone": phone, "isGroup": flags.is_group, "value": on}))
            .idempotent();
        self.execute(call).await
    }

    /// `POST /api/{session}/react-message`: reacts with an emoji; `""` removes the reaction.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "react-message")]
    pub async fn react_message(&self, message_id: &str, reaction: &str) -> Result<Value> {
        let id: MessageId = message_id.parse().map_err(Error::invalid)?;
        let call = self
            .call(
                Method::POST,
                "POST /api/{session}/react-message",
                "react-message",
            )
            .json(json!({"msgId": id.as_str(), "reaction": reaction}));
        let answer: Wrapped<Value> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/delete-message`: deletes messages of one chat for everyone (own recent
    /// messages), or only on this device with `only_local`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id or chat; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "delete-message")]
    pub async fn delete_message(
        &self,
        chat: &str,
        message_ids: &[&str],
        only_local: bool,
    ) -> Result<Value> {
        let ids = message_ids
            .iter()
            .map(|id| id.parse::<MessageId>().map(|id| id.as_str().to_owned()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(Error::invalid)?;
        if ids.is_empty() {
            return Err(Error::invalid("no message id"));
        }
        let mut flags = RecipientFlags::default();
        let phone = recipient(chat, &mut flags)?;
        let mut body = json!({"phone": phone, "messageId": ids, "onlyLocal": only_local});
        if flags.is_group {
            body["isGroup"] = Value::Bool(true);
        }
        let call = self
            .call(
                Method::POST,
                "POST /api/{session}/delete-message",
                "delete-message",
            )
            .json(body);
        let answer: Wrapped<Value> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/send-seen`: marks a chat as read.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "send-seen")]
    pub async fn send_seen(&self, chat: &str) -> Result<Value> {
        let mut flags = RecipientFlags::default();
        let phone = recipient(chat, &mut flags)?;
        let mut body = json!({"phone": phone});
        if flags.is_group {
            body["isGroup"] = Value::Bool(true);
        }
        let call = self
            .call(Method::POST, "POST /api/{session}/send-seen", "send-seen")
            .json(body)
            .idempotent();
        self.execute(call).await
    }

    /// `GET /api/{session}/get-media-by-message/{messageId}`: the media of a received message.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad id; [`Error::Api`] (400: not found / no media).
    #[doc(alias = "get-media-by-message")]
    pub async fn get_media_by_message(&self, message_id: &str) -> Result<DownloadedMedia> {
        let id: MessageId = message_id.parse().map_err(Error::invalid)?;
        let call = self
            .call(
                Method::GET,
                "GET /api/{session}/get-media-by-message/{messageId}",
                "get-media-by-message",
            )
            .segments([id.as_str()]);
        self.execute(call).await
    }

    /// `POST /api/{session}/download-media`: the media of a received message (needs a connected
    /// session).
    ///
    /// # Errors
    /// As [`Session::get_media_by_message`], and [`Error::NotConnected`].
    #[doc(alias = "download-media")]
    pub async fn download_media(&self, message_id: &str) -> Result<DownloadedMedia> {
        let id: MessageId = message_id.parse().map_err(Error::invalid)?;
        let call = self
            .call(
                Method::POST,
                "POST /api/{session}/download-media",
                "download-media",
            )
            .json(json!({"messageId": id.as_str()}))
            .idempotent();
        self.execute(call).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_from_what_people_type() {
        let mut flags = RecipientFlags::default();
        assert_eq!(
            recipient("+55 (11) 98888-7777", &mut flags).unwrap(),
            "5511988887777"
        );
        assert_eq!(flags, RecipientFlags::default());
        assert_eq!(
            recipient("120363025746331234@g.us", &mut flags).unwrap(),
            "120363025746331234"
        );
        assert!(flags.is_group);
        let mut flags = RecipientFlags::default();
        assert_eq!(
            recipient("215589463728541@lid", &mut flags).unwrap(),
            "215589463728541"
        );
        assert!(flags.is_lid);
        let mut flags = RecipientFlags {
            is_group: true,
            ..Default::default()
        };
        assert_eq!(
            recipient("120363025746331234", &mut flags).unwrap(),
            "120363025746331234"
        );
        for bad in ["", "abc", "0800", "status@broadcast", "12@g.us x"] {
            assert!(
                recipient(bad, &mut RecipientFlags::default()).is_err(),
                "{bad:?}"
            );
        }
        assert!(resolve(
            &["5511999999999".into(), "120363025746331234@g.us".into()],
            RecipientFlags::default()
        )
        .is_err());
        let (phones, _) = resolve(
            &["5511999999999".into(), "5521988887777".into()],
            RecipientFlags::default(),
        )
        .unwrap();
        assert_eq!(phones.len(), 2);
    }
}
