//! Operations: the phone (host device, battery), presence, calls, limits, the platform of a
//! message, screenshots, clearing and restoring session data, the Chatwoot hook, and the
//! server's own routes (`/api-docs`, `/metrics`, `/unhealthy`).

use base64::Engine as _;
use wppconnect_models::device::{
    ChatwootEvent, HostDevice, Limit, LimitValue, Platform, RejectCall, Screenshot, SetLimit,
    SetOnlinePresence, SubscribePresence, Success,
};
use wppconnect_models::{Confirmation, Wrapped};

use crate::chat::chat_id;
use crate::client::{Call, Client};
use crate::error::{Error, Result};
use crate::ids::{chat_texts, IntoChat, IntoMessageId};
use crate::routes;
use crate::session::Session;
use crate::upload::{Multipart, Upload};

impl Session {
    /// `GET /api/{session}/get-platform-from-message/{messageId}`: the kind of device that
    /// sent a message (`android`, `iphone`, `web`, `unknown`).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let platform = session
    ///     .get_platform_from_message("false_5511999999999@c.us_3EB0C767D71D8A4BD7A5")
    ///     .await?;
    /// println!("sent from {platform}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed message id; [`Error::Api`].
    #[doc(alias = "get-platform-from-message")]
    pub async fn get_platform_from_message(
        &self,
        message_id: impl IntoMessageId,
    ) -> Result<Platform> {
        let id = message_id.into_message_id()?;
        let call = self.call(&routes::GET_PLATFORM_FROM_MESSAGE, &[id.as_str()])?;
        // a bare JSON string
        self.execute(call).await
    }

    /// `POST /api/{session}/{secretkey}/clear-session-data`: logs the session out and deletes
    /// its browser profile (and token file) on the server; the next start needs a new QR
    /// scan. Uses the secret key, not a token. Never retried.
    ///
    /// **The server deletes the profile even when it answers that the key is wrong** (400,
    /// then it carries on), so a wrong key is not a safe no-op.
    ///
    /// # Errors
    /// [`Error::MissingSecretKey`]; [`Error::Api`] (400 wrong key, 500); transport errors.
    #[doc(alias = "clear-session-data")]
    pub async fn clear_session_data(&self) -> Result<Success> {
        let secret = self
            .client
            .inner
            .secret
            .as_ref()
            .ok_or(Error::MissingSecretKey)?;
        let call = Call::to(
            &routes::CLEAR_SESSION_DATA,
            Some(self.name.as_str()),
            Some(secret.expose()),
            &[],
        )?;
        // no token: the route checks the key in its path
        self.client.execute(None, call).await
    }

    /// `POST /api/{session}/subscribe-presence`: asks WhatsApp for the presence (online,
    /// typing…) of these chats, delivered as `onpresencechanged` webhooks. Chats are numbers
    /// or full ids, all contacts or all groups. Retried (subscribing twice changes nothing).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.subscribe_presence(&["+55 11 99999-9999", "5511988887777"]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for no chat, a bad one, or contacts mixed with groups;
    /// [`Error::Api`].
    #[doc(alias = "subscribe-presence")]
    pub async fn subscribe_presence(
        &self,
        chats: &[impl IntoChat + Clone],
    ) -> Result<Confirmation> {
        let chats = chat_texts(chats);
        let chats: Vec<&str> = chats.iter().map(String::as_str).collect();
        let chats = chats.as_slice();
        if chats.is_empty() {
            return Err(Error::invalid("no chat to subscribe to"));
        }
        let ids = chats
            .iter()
            .map(|chat| chat_id(chat))
            .collect::<Result<Vec<_>>>()?;
        let is_group = ids[0].is_group();
        if ids.iter().any(|id| id.is_group() != is_group) {
            return Err(Error::invalid(
                "subscribe contacts and groups in separate calls (the server takes one isGroup flag)",
            ));
        }
        let body = SubscribePresence {
            phone: ids.iter().map(|id| id.user().to_owned()).collect(),
            is_group,
            all: false,
        };
        self.subscribe_presence_body(&body).await
    }

    /// `POST /api/{session}/subscribe-presence` with `all`: every contact (or, with
    /// `groups`, every group).
    ///
    /// # Errors
    /// [`Error::Api`].
    #[doc(alias = "subscribe-presence")]
    pub async fn subscribe_presence_all(&self, groups: bool) -> Result<Confirmation> {
        let body = SubscribePresence {
            phone: Vec::new(),
            is_group: groups,
            all: true,
        };
        self.subscribe_presence_body(&body).await
    }

    /// Sends a built [`SubscribePresence`] body.
    ///
    /// # Errors
    /// As [`Session::subscribe_presence`].
    pub async fn subscribe_presence_body(&self, body: &SubscribePresence) -> Result<Confirmation> {
        let call = self.call(&routes::SUBSCRIBE_PRESENCE, &[])?.body_of(body)?;
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/set-online-presence`: shows this account online or offline.
    /// Retried (it sets a state).
    ///
    /// # Errors
    /// [`Error::Api`].
    #[doc(alias = "set-online-presence")]
    pub async fn set_online_presence(&self, online: bool) -> Result<Confirmation> {
        let call = self
            .call(&routes::SET_ONLINE_PRESENCE, &[])?
            .body_of(&SetOnlinePresence { is_online: online })?;
        let answer: Wrapped<Confirmation> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/get-battery-level`: the phone's battery in percent, when WhatsApp
    /// Web knows it (multi-device phones usually do not report it: `None`).
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "get-battery-level")]
    pub async fn get_battery_level(&self) -> Result<Option<u8>> {
        let call = self.call(&routes::GET_BATTERY_LEVEL, &[])?;
        let answer: Wrapped<Option<u8>> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/host-device`: the connected phone and this account's number.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let device = session.host_device().await?;
    /// println!("{:?} on {:?}", device.phone_number, device.platform);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "host-device")]
    pub async fn host_device(&self) -> Result<HostDevice> {
        let call = self.call(&routes::HOST_DEVICE, &[])?;
        let answer: Wrapped<HostDevice> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/take-screenshot`: a PNG of the session's browser page (the server
    /// answers Puppeteer's base64 as a bare JSON string; this decodes it).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let shot = session.take_screenshot().await?;
    /// std::fs::write("page.png", &shot.bytes).expect("write");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the server's base64 is invalid; [`Error::Api`] (500 when
    /// the session has no browser page).
    #[doc(alias = "take-screenshot")]
    pub async fn take_screenshot(&self) -> Result<Screenshot> {
        let call = self.call(&routes::TAKE_SCREENSHOT, &[])?;
        let base64: String = self.execute(call).await?;
        let data = base64
            .split_once(";base64,")
            .map_or(base64.as_str(), |(_, data)| data);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| Error::invalid(format!("the screenshot is not valid base64: {e}")))?;
        Ok(Screenshot {
            bytes,
            mimetype: "image/png".to_owned(),
        })
    }

    /// `POST /api/{session}/set-limit`: changes a limit of WhatsApp Web (wa-js `conn.setLimit`).
    /// Answers what wa-js answers, the server passing it bare (200): the value now in force for
    /// `maxFileSize`, `maxShare` and `unlimitedPin`, `None` (`null`) for the two deprecated keys
    /// (`maxMediaSize`, `statusVideoMaxDuration`), which change nothing. Never retried.
    ///
    /// **Server 2.10.4 always fails this route with 500**: it has no auth middleware, so no
    /// WhatsApp client is attached to the request.
    ///
    /// ```no_run
    /// use wppconnect_client::models::device::Limit;
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let now = session.set_limit(Limit::MaxFileSize(100 * 1024 * 1024)).await?;
    /// println!("{now:?}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any request for a `0` or `false` value (the server reads
    /// it as missing) and for a size over wa-js's maximum ([`Limit::MAX_MEDIA_SIZE`],
    /// [`Limit::MAX_FILE_SIZE`]); [`Error::Api`].
    #[doc(alias = "set-limit")]
    pub async fn set_limit(&self, limit: Limit) -> Result<Option<LimitValue>> {
        match limit {
            Limit::UnlimitedPin(false) => {
                return Err(Error::invalid(
                    "the server reads unlimitedPin false as missing",
                ))
            }
            Limit::MaxMediaSize(0)
            | Limit::MaxFileSize(0)
            | Limit::MaxShare(0)
            | Limit::StatusVideoMaxDuration(0) => {
                return Err(Error::invalid("the server reads a 0 limit as missing"))
            }
            Limit::MaxMediaSize(n) if n > Limit::MAX_MEDIA_SIZE => {
                return Err(Error::invalid(format!(
                    "maxMediaSize is at most {} bytes",
                    Limit::MAX_MEDIA_SIZE
                )))
            }
            Limit::MaxFileSize(n) if n > Limit::MAX_FILE_SIZE => {
                return Err(Error::invalid(format!(
                    "maxFileSize is at most {} bytes",
                    Limit::MAX_FILE_SIZE
                )))
            }
            _ => {}
        }
        let call = self
            .call(&routes::SET_LIMIT, &[])?
            .body_of(&SetLimit::from(limit))?;
        // no token: the route has no auth middleware
        self.client.execute(None, call).await
    }

    /// `POST /api/{session}/reject-call`: rejects a ringing call (`call_id` from the
    /// `incomingcall` event), or every ringing call when `None`; answers how many were
    /// rejected. Never retried.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "reject-call")]
    pub async fn reject_call(&self, call_id: Option<&str>) -> Result<u32> {
        if call_id.is_some_and(|id| id.trim().is_empty()) {
            return Err(Error::invalid("the call id is empty"));
        }
        let body = RejectCall {
            call_id: call_id.map(str::to_owned),
        };
        let call = self.call(&routes::REJECT_CALL, &[])?.body_of(&body)?;
        let answer: Wrapped<u32> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/chatwoot`: hands the server a Chatwoot event, as Chatwoot's
    /// webhook would (the server then sends an agent's `outgoing` message to WhatsApp). Never
    /// retried: it may send a message.
    ///
    /// The route has no auth. **When the session is not `CONNECTED` the server never
    /// answers**: the call ends with [`Error::Timeout`] after the client's deadline.
    ///
    /// # Errors
    /// [`Error::Api`] (400 for an event it cannot read); [`Error::Timeout`].
    pub async fn chatwoot(&self, event: &ChatwootEvent) -> Result<Confirmation> {
        let call = self.call(&routes::CHATWOOT, &[])?.body_of(event)?;
        // no token: the route has no auth middleware
        self.client.execute(None, call).await
    }
}

impl Client {
    /// `POST /api/{secretkey}/restore-sessions`: uploads a backup ZIP (from
    /// [`Client::backup_sessions`]) as the multipart field `file`; the server closes every
    /// session, extracts the tokens and browser profiles, and starts them all again. The part
    /// is sent as `application/zip` unless the upload names a MIME type (the server refuses a
    /// type without `zip`). Never retried.
    ///
    /// **The server restores even when it answers that the key is wrong** (400, then it
    /// carries on).
    ///
    /// ```no_run
    /// # async fn run(client: wppconnect_client::Client) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::Upload;
    /// client.restore_sessions(Upload::path("/backups/wpp.zip")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MissingSecretKey`]; [`Error::InvalidInput`] for an unreadable file;
    /// [`Error::Api`] (400 wrong key, 500 not a ZIP); transport errors.
    #[doc(alias = "restore-sessions")]
    pub async fn restore_sessions(&self, backup: Upload) -> Result<Success> {
        let secret = self.inner.secret.as_ref().ok_or(Error::MissingSecretKey)?;
        let backup = if backup.has_mime() {
            backup
        } else {
            backup.mime("application/zip")
        };
        let mut call = Call::to(&routes::RESTORE_SESSIONS, None, Some(secret.expose()), &[])?;
        call.multipart = Some(Multipart::new().file("file", backup));
        self.execute(None, call).await
    }

    /// `GET /api-docs`: the server's Swagger UI page (HTML; the server redirects to
    /// `/api-docs/`, which is followed). No auth.
    ///
    /// # Errors
    /// Transport errors, [`Error::Api`].
    #[doc(alias = "api-docs")]
    pub async fn api_docs(&self) -> Result<String> {
        self.text_of(&routes::API_DOCS).await
    }

    /// `GET /metrics`: the server's Prometheus metrics, as the text exposition format. No
    /// auth.
    ///
    /// Sent without a `Content-Type`, as every body-less call of this client: server 2.10.4
    /// never answers this route to a request with `Content-Type: application/json`.
    ///
    /// ```no_run
    /// # async fn run(client: wppconnect_client::Client) -> wppconnect_client::Result<()> {
    /// let metrics = client.metrics().await?;
    /// assert!(metrics.contains("process_cpu_seconds_total"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Transport errors, [`Error::Api`].
    pub async fn metrics(&self) -> Result<String> {
        self.text_of(&routes::METRICS).await
    }

    /// `GET /unhealthy`: **STOPS THE SERVER.** WPPConnect answers 503 and then exits its
    /// process, closing every session; nothing comes back up unless a supervisor restarts it.
    /// Meant for testing a supervisor (Kubernetes, systemd). Never retried; `Ok(())` when the
    /// server answered its 503.
    ///
    /// # Errors
    /// Transport errors; [`Error::Api`] for any answer other than 503.
    pub async fn unhealthy(&self) -> Result<()> {
        let call = Call::to(&routes::UNHEALTHY, None, None, &[])?;
        match self.send(None, call).await {
            Ok(_) => Ok(()),
            Err(Error::Api { status, .. })
                if status == reqwest::StatusCode::SERVICE_UNAVAILABLE =>
            {
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    /// The text of a body-less GET of a route outside a session.
    async fn text_of(&self, route: &'static routes::Route) -> Result<String> {
        let call = Call::to(route, None, None, &[])?;
        let response = self.send(None, call).await?;
        response.text().await.map_err(|e| Error::Transport {
            route: route.label(),
            not_sent: false,
            source: e.without_url(),
        })
    }
}
