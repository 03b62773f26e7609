//! The session handle and the session lifecycle routes.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use wppconnect_models::session::{
    QrCodeUnavailable, StartSession, StatusFind, StatusMessage, TokenResponse,
};
use wppconnect_models::{PhoneNumber, SessionName, SessionState, SessionStatus};

use crate::client::{Call, Client};
use crate::error::{Error, Result};
use crate::routes::{self, Route};

/// The handle of one WhatsApp session on the server: owned, cheap to clone, `'static` (it can go
/// into `tokio::spawn` and axum state). Get one with [`Client::session`].
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) client: Client,
    pub(crate) name: SessionName,
}

/// A boxed future, as returned by the request builders' `IntoFuture`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What `qrcode-session` answered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum QrCodeImage {
    /// The QR code as PNG bytes.
    Png(Bytes),
    /// No QR code to show (not started, starting, or already connected).
    Unavailable(QrCodeUnavailable),
}

/// One step of a login, yielded by [`Session::wait_until_connected`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LoginUpdate {
    /// The state changed (or a new QR code appeared); the last update is `CONNECTED`.
    State(SessionState),
}

impl Session {
    pub(crate) fn new(client: Client, name: SessionName) -> Self {
        Self { client, name }
    }

    /// The session's name.
    #[must_use]
    pub fn name(&self) -> &SessionName {
        &self.name
    }

    /// The client this session belongs to.
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A call of `route` for this session, with the route's other path parameters in order.
    pub(crate) fn call(&self, route: &'static Route, args: &[&str]) -> Result<Call> {
        Call::to(route, Some(self.name.as_str()), None, args)
    }

    pub(crate) async fn execute<T: serde::de::DeserializeOwned>(&self, call: Call) -> Result<T> {
        self.client.execute(Some(&self.name), call).await
    }

    /// `POST /api/{session}/{secretkey}/generate-token`: mints a token with the secret key and
    /// caches it for this session. The client does this by itself on first use; tokens never
    /// expire and each costs the server ~54 ms.
    ///
    /// # Errors
    /// [`Error::MissingSecretKey`], [`Error::WrongSecretKey`], transport errors.
    #[doc(alias = "generate-token")]
    pub async fn generate_token(&self) -> Result<TokenResponse> {
        self.client.generate_token(&self.name).await
    }

    /// `POST /api/{session}/start-session`: starts the session (browser, WhatsApp Web).
    ///
    /// The server answers with the state **before** the start (first call: `CLOSED`); watch
    /// [`Session::status`] or [`Session::wait_until_connected`] for the QR code. Setters:
    /// `webhook`, `phone` (pairing-code login), `wait_qr_code` (not recommended: the server may
    /// never answer).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let state = session.start().webhook("https://example.com/webhook/main?token=s3cr3t").await?;
    /// println!("before the start: {:?}", state.status);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Unauthorized`], [`Error::InvalidInput`] (bad phone), transport errors.
    #[doc(alias = "start-session")]
    pub fn start(&self) -> StartSessionRequest {
        StartSessionRequest {
            session: self.clone(),
            body: Ok(StartSession::default()),
        }
    }

    /// `GET /api/{session}/status-session`: the state, with the QR code (a data URL) while
    /// waiting for a scan.
    ///
    /// # Errors
    /// [`Error::Unauthorized`], transport errors.
    #[doc(alias = "status-session")]
    pub async fn status(&self) -> Result<SessionState> {
        self.execute(self.call(&routes::STATUS_SESSION, &[])?).await
    }

    /// `GET /api/{session}/qrcode-session`: the QR code as PNG, or why there is none.
    ///
    /// # Errors
    /// [`Error::Unauthorized`], transport errors.
    #[doc(alias = "qrcode-session")]
    pub async fn qrcode(&self) -> Result<QrCodeImage> {
        let route = routes::QRCODE_SESSION.label();
        let call = self.call(&routes::QRCODE_SESSION, &[])?;
        let response = self.client.send(Some(&self.name), call).await?;
        let is_png = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("image/"));
        let bytes = response.bytes().await.map_err(|e| Error::Transport {
            route,
            not_sent: false,
            source: e.without_url(),
        })?;
        if is_png || bytes.starts_with(b"\x89PNG") {
            Ok(QrCodeImage::Png(bytes))
        } else {
            self.client
                .decode(route, &bytes)
                .map(QrCodeImage::Unavailable)
        }
    }

    /// `GET /api/{session}/check-connection-session`: whether the session is connected. The
    /// server always answers 200; the answer is the boolean in its body.
    ///
    /// # Errors
    /// [`Error::Unauthorized`], transport errors.
    #[doc(alias = "check-connection-session")]
    pub async fn check_connection(&self) -> Result<bool> {
        let call = self.call(&routes::CHECK_CONNECTION_SESSION, &[])?;
        let answer: StatusMessage = self.execute(call).await?;
        Ok(answer.status)
    }

    /// `POST /api/{session}/logout-session`: logs the account out (a new QR code is needed).
    ///
    /// # Errors
    /// [`Error::NotConnected`] when the session is not connected, transport errors.
    #[doc(alias = "logout-session")]
    pub async fn logout(&self) -> Result<StatusMessage> {
        self.execute(self.call(&routes::LOGOUT_SESSION, &[])?).await
    }

    /// `POST /api/{session}/close-session`: closes the browser, keeping the login.
    ///
    /// The server answers 500 `{"status":false,"message":"Error closing session"}` on a session
    /// that was never started, and sometimes on one it did close. On such a 500 this method asks
    /// `status-session`: when the session is `CLOSED` afterwards, the goal is reached and it
    /// answers `Ok` with the server's 500 body (so `status` is `false` and `message` says what
    /// the server reported). Otherwise the 500 comes back as [`Error::Api`].
    ///
    /// # Errors
    /// [`Error::Api`] (500 with the session still open), [`Error::Unauthorized`], transport
    /// errors.
    #[doc(alias = "close-session")]
    pub async fn close(&self) -> Result<StatusMessage> {
        let answer = self.execute(self.call(&routes::CLOSE_SESSION, &[])?).await;
        let Err(Error::Api { status, body, .. }) = &answer else {
            return answer;
        };
        if !status.is_server_error() {
            return answer;
        }
        match self.status().await {
            Ok(state) if state.status == SessionStatus::Closed => {
                tracing::info!(session = %self.name, "close-session answered 500 but the session is closed");
                let reported = serde_json::from_value::<StatusMessage>(body.body.clone())
                    .unwrap_or_else(|_| StatusMessage {
                        status: false,
                        message: body.message.clone(),
                        session: None,
                        extra: serde_json::Map::new(),
                    });
                Ok(reported)
            }
            _ => answer,
        }
    }

    /// Polls `status-session` every `every` until the session is `CONNECTED`, yielding each new
    /// state or QR code. Never relies on the server's `waitQrCode`.
    ///
    /// The first poll goes at once; each later one `every` after the previous one started,
    /// whether or not the state changed. Failures worth repeating (transport errors, timeouts,
    /// 5xx) are logged and polled through.
    ///
    /// The stream ends after the `CONNECTED` update, or with one error:
    /// - [`Error::SessionClosed`] as soon as the server reports a state from which the session
    ///   cannot connect without a new start: `CLOSED` (never started, closed, auto-closed after
    ///   no scan, logged out from the phone), or a `status-find` word that ends a session
    ///   (`autocloseCalled`, `disconnectedMobile`, `qrReadFail`, `browserClose`) should a server
    ///   report one as its status. So call [`Session::start`] first: a session that was not
    ///   started is `CLOSED`.
    /// - [`Error::Timeout`] of kind [`TimeoutKind::Deadline`](crate::TimeoutKind::Deadline) when
    ///   `timeout` passes first (e.g. nobody scanned the QR code).
    /// - any other error of [`Session::status`] that is not worth repeating
    ///   ([`Error::Unauthorized`]…).
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// use std::time::Duration;
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.start().await?;
    /// let mut login = Box::pin(session.wait_until_connected(Duration::from_secs(1), Duration::from_secs(120)));
    /// while let Some(update) = login.next().await {
    ///     let wppconnect_client::LoginUpdate::State(state) = update? else { continue };
    ///     if let Some(qr) = state.urlcode.as_deref() {
    ///         println!("{}", wppconnect_client::qr::render_terminal(qr)?);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn wait_until_connected(
        &self,
        every: Duration,
        timeout: Duration,
    ) -> impl Stream<Item = Result<LoginUpdate>> + Send + 'static {
        struct Polling {
            last: Option<SessionState>,
            next_poll: tokio::time::Instant,
        }
        let session = self.clone();
        let now = tokio::time::Instant::now();
        let deadline = now + timeout;
        let first = Polling {
            last: None,
            next_poll: now,
        };
        futures::stream::unfold(Some(first), move |polling| {
            let session = session.clone();
            async move {
                let mut polling = polling?;
                let timed_out = || {
                    Some((
                        Err(Error::Timeout {
                            route: "GET /api/{session}/status-session",
                            after: timeout,
                            kind: crate::TimeoutKind::Deadline,
                        }),
                        None,
                    ))
                };
                loop {
                    if polling.next_poll >= deadline {
                        tokio::time::sleep_until(deadline).await;
                        return timed_out();
                    }
                    tokio::time::sleep_until(polling.next_poll).await;
                    let started = tokio::time::Instant::now();
                    if started >= deadline {
                        return timed_out();
                    }
                    polling.next_poll = started + every;
                    match session.status().await {
                        Ok(state) if is_final(&state.status) => {
                            return Some((
                                Err(Error::SessionClosed {
                                    session: session.name.clone(),
                                    status: state.status,
                                }),
                                None,
                            ));
                        }
                        Ok(state) => {
                            let changed = polling.last.as_ref().is_none_or(|prev| {
                                prev.status != state.status
                                    || prev.qrcode != state.qrcode
                                    || prev.urlcode != state.urlcode
                            });
                            if changed {
                                let next = (!state.is_connected()).then(|| Polling {
                                    last: Some(state.clone()),
                                    next_poll: polling.next_poll,
                                });
                                return Some((Ok(LoginUpdate::State(state)), next));
                            }
                            polling.last = Some(state);
                        }
                        Err(error) if error.is_retryable() => {
                            tracing::warn!(%error, "status-session failed while waiting; polling on");
                        }
                        Err(error) => return Some((Err(error), None)),
                    }
                }
            }
        })
    }
}

/// Whether a session in this state cannot connect without a new start.
///
/// status-session of WPPConnect Server 2.10.4 reports `CLOSED` for every such case; the
/// `status-find` words that end a session are accepted too, in case a server reports one.
fn is_final(status: &SessionStatus) -> bool {
    match status {
        SessionStatus::Closed => true,
        SessionStatus::Other(word) => {
            let find = StatusFind::from(word.clone());
            find.is_terminal()
                || find == StatusFind::BrowserClose
                // the server's own spelling of the library's event
                || word == "desconnectedMobile"
        }
        _ => false,
    }
}

/// `start-session` with its options. `.await` sends it.
#[must_use = "requests do nothing unless .awaited"]
#[derive(Debug)]
pub struct StartSessionRequest {
    session: Session,
    body: Result<StartSession>,
}

impl StartSessionRequest {
    /// The webhook URL of this session (overrides the server's global one).
    pub fn webhook(mut self, url: impl Into<String>) -> Self {
        if let Ok(body) = &mut self.body {
            body.webhook = Some(url.into());
        }
        self
    }

    /// Log in with a pairing code for this phone number instead of a QR code; the code comes
    /// in `phoneCode` (status and webhook).
    pub fn phone(mut self, phone: &str) -> Self {
        if let Ok(body) = &mut self.body {
            match PhoneNumber::new(phone) {
                Ok(phone) => body.phone = Some(phone.digits().to_owned()),
                Err(e) => self.body = Err(Error::invalid(e)),
            }
        }
        self
    }

    /// Ask the server to hold its answer until the first QR code. It may then never answer;
    /// the client's timeout applies.
    pub fn wait_qr_code(mut self, wait: bool) -> Self {
        if let Ok(body) = &mut self.body {
            body.wait_qr_code = Some(wait);
        }
        self
    }

    /// The request body this builder sends.
    ///
    /// # Errors
    /// The first invalid input given to a setter.
    pub fn into_body(self) -> Result<StartSession> {
        self.body
    }
}

impl IntoFuture for StartSessionRequest {
    type Output = Result<SessionState>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let body = self.body?;
            let value = serde_json::to_value(&body).map_err(Error::invalid)?;
            let call = self.session.call(&routes::START_SESSION, &[])?.json(value);
            self.session.execute(call).await
        })
    }
}
