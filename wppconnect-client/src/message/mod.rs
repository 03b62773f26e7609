//! Sending: text, files, voice, location, replies, reactions, deletions.
//!
//! Every send is **never retried after it may have reached the server**: a retry must never make
//! WhatsApp deliver a message twice. Input is validated before any request; the first invalid
//! input given to a builder comes back at `.await` as [`Error::InvalidInput`].

use std::future::IntoFuture;

use wppconnect_models::message::{RecipientFlags, Recipients, SendMessage, SendMessageOptions};
use wppconnect_models::{ChatId, ChatKind, Message, PhoneNumber, Wrapped};

use crate::error::{Error, Result};
use crate::ids::{IntoChat, IntoMessageId};
use crate::routes;
use crate::session::{BoxFuture, Session};

mod actions;
mod extras;
mod file;
mod send;

pub use self::file::File;
pub use self::send::{Receipts, SendBody, SendRequest, WithFile};

/// Turns what a person typed into the `phone` value the server expects, adjusting the flags.
///
/// Digits (with `+`, spaces, dashes, parentheses) are a phone number; a full id
/// (`…@g.us`, `…@lid`, `…@newsletter`, `…@c.us`) sets the matching flag by itself; with a flag
/// already set, bare digits name a group, LID or channel.
pub(crate) fn recipient(input: &str, flags: &mut RecipientFlags) -> Result<String> {
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

pub(crate) fn resolve(
    inputs: &[String],
    mut flags: RecipientFlags,
) -> Result<(Recipients, RecipientFlags)> {
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
    pub fn to(mut self, phone: impl IntoChat) -> Self {
        self.phones.push(phone.into_chat());
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
    pub fn quoted(mut self, message_id: impl IntoMessageId) -> Self {
        match message_id.into_message_id() {
            Ok(id) => self.options.quoted_msg = Some(id),
            Err(e) => self.fail(e),
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
    pub fn send_message(
        &self,
        phone: impl IntoChat,
        message: impl Into<String>,
    ) -> SendMessageRequest {
        let phone = phone.into_chat();
        let phone = phone.as_str();
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
        let call = self.call(&routes::SEND_MESSAGE, &[])?.body_of(body)?;
        self.client.send_slot(&self.name).await;
        let answer: Wrapped<Vec<Message>> = self.execute(call).await?;
        Ok(answer.response)
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
