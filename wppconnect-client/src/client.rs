//! [`Client`], its builder, and the request machinery every operation shares.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;
use url::Url;
use wppconnect_models::session::{SessionList, TokenResponse};
use wppconnect_models::{Confirmation, ErrorBody, ErrorKind, SessionName};

use crate::config::{RateLimit, RetryPolicy, SecretKey, Token};
use crate::error::{Error, Result, TimeoutKind};
use crate::routes;
use crate::session::{BoxFuture, Session};
use crate::upload::Multipart;

/// Default timeout of one request (one attempt).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default overall deadline of one call: all its attempts and the waits between them.
///
/// 45 s lets a read that hit one 30 s [`DEFAULT_TIMEOUT`] try once more, and keeps a stalled
/// server from holding a call for the 90 s of three full attempts.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(45);

/// The client of one WPPConnect Server.
///
/// Cheap to clone: clones share one connection pool, the token cache and the rate limits. You do
/// **not** have to wrap it in an `Rc` or `Arc`.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) secret: Option<SecretKey>,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate: Option<RateLimit>,
    /// Per-session token slot.
    tokens: Mutex<HashMap<SessionName, Arc<TokenSlot>>>,
    /// Per-session time of the next free send slot.
    send_slots: Mutex<HashMap<SessionName, Arc<tokio::sync::Mutex<Instant>>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base.as_str())
            .field(
                "secret_key",
                &self.inner.secret.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.inner.timeout)
            .field("deadline", &self.inner.deadline)
            .field("retry", &self.inner.retry)
            .field("rate", &self.inner.rate)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Start with [`Client::builder`].
#[must_use = "a builder does nothing until .build()"]
pub struct ClientBuilder {
    base: Url,
    secret: Option<SecretKey>,
    timeout: Duration,
    deadline: Duration,
    retry: RetryPolicy,
    rate: Option<RateLimit>,
    user_agent: String,
    http: Option<reqwest::Client>,
    tokens: Vec<(SessionName, Token)>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base", &self.base.as_str())
            .field("secret_key", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The server's secret key, needed to generate tokens and for the admin routes.
    pub fn secret_key(mut self, key: impl AsRef<str>) -> Self {
        let key = key.as_ref();
        self.secret = (!key.is_empty()).then(|| SecretKey::new(key));
        self
    }

    /// Timeout of each request, that is of one attempt (default 30 s, [`DEFAULT_TIMEOUT`]). The
    /// server can hang forever on some requests.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Overall deadline of one call (default 45 s, [`DEFAULT_DEADLINE`]): every attempt, the
    /// backoff between retries and the minting of a token count against it. When it passes, the
    /// call ends with [`Error::Timeout`] of kind [`TimeoutKind::Deadline`], even when retries are
    /// left; each attempt's own timeout is shortened to the time left. A call that is not safe
    /// to repeat is still never repeated.
    ///
    /// ```no_run
    /// # fn run() -> wppconnect_client::Result<()> {
    /// use std::time::Duration;
    /// let client = wppconnect_client::Client::builder("http://127.0.0.1:21465")?
    ///     .timeout(Duration::from_secs(10))
    ///     .deadline(Duration::from_secs(15))
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// When to repeat failed calls (default: 2 retries of safe calls).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// At most `messages` sends per `per` for each session.
    pub fn send_rate_limit(mut self, messages: u32, per: Duration) -> Self {
        self.rate = Some(RateLimit { messages, per });
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses your own `reqwest::Client` (its own timeout and user agent then apply; the per-request
    /// timeout of this builder is still set on every request).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// A token you already have for a session (bare, or the server's `session:token` form).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an invalid session name (reported by `build`).
    pub fn token(mut self, session: &str, token: impl AsRef<str>) -> Result<Self> {
        let session = SessionName::new(session).map_err(Error::invalid)?;
        self.tokens.push((session, Token::new(token)));
        Ok(self)
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the HTTP client cannot be built.
    pub fn build(self) -> Result<Client> {
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(self.user_agent)
                .timeout(self.timeout)
                .build()
                .map_err(|e| Error::invalid(format!("cannot build the HTTP client: {e}")))?,
        };
        let tokens = self
            .tokens
            .into_iter()
            .map(|(session, token)| {
                let slot = TokenSlot::default();
                slot.store(token);
                (session, Arc::new(slot))
            })
            .collect();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base: self.base,
                secret: self.secret,
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                rate: self.rate,
                tokens: Mutex::new(tokens),
                send_slots: Mutex::new(HashMap::new()),
            }),
        })
    }
}

impl Client {
    /// A builder for the server at `base_url` (e.g. `http://127.0.0.1:21465`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the URL is not an absolute http(s) URL.
    pub fn builder(base_url: &str) -> Result<ClientBuilder> {
        let mut base =
            Url::parse(base_url).map_err(|e| Error::invalid(format!("invalid base URL: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(Error::invalid("the base URL must be an http(s) URL"));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(ClientBuilder {
            base,
            secret: None,
            timeout: DEFAULT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            retry: RetryPolicy::default(),
            rate: None,
            user_agent: concat!("wppconnect-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            tokens: Vec::new(),
        })
    }

    /// A client from `WPPCONNECT_URL` (default `http://127.0.0.1:21465`) and
    /// `WPPCONNECT_SECRET_KEY`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the URL is invalid.
    pub fn from_env() -> Result<Self> {
        let url =
            std::env::var("WPPCONNECT_URL").unwrap_or_else(|_| "http://127.0.0.1:21465".to_owned());
        let mut builder = Self::builder(&url)?;
        if let Ok(key) = std::env::var("WPPCONNECT_SECRET_KEY") {
            builder = builder.secret_key(key);
        }
        builder.build()
    }

    /// The handle of one session: owned, cheap to clone, `'static`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`], before any request, when the name breaks the session-name rule
    /// of [`SessionName`] (empty, `.`, `..`, `/`, `\\`, `%`, whitespace, control characters,
    /// over [`SessionName::MAX_LEN`] bytes…).
    pub fn session(&self, name: &str) -> Result<Session> {
        let name = SessionName::new(name).map_err(Error::invalid)?;
        Ok(Session::new(self.clone(), name))
    }

    /// The server's base URL.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// `text` with the secret key and every token this client knows (given to the builder or
    /// minted) cut out, in every encoding a server may echo them in (see [`redact`](crate::redact())).
    ///
    /// The client applies it to every text it keeps from the server (error messages and bodies,
    /// decode snippets, HTML error pages); use it on any other server text you show or log.
    #[must_use]
    pub fn redact(&self, text: &str) -> String {
        self.redact_to(text, crate::redact::REDACTED)
    }

    fn redact_to(&self, text: &str, replacement: &str) -> String {
        let tokens: Vec<Token> = {
            let slots = match self.inner.tokens.lock() {
                Ok(slots) => slots,
                Err(poisoned) => poisoned.into_inner(),
            };
            slots.values().filter_map(|slot| slot.cached()).collect()
        };
        let mut secrets: Vec<&str> = tokens.iter().map(Token::expose).collect();
        if let Some(secret) = &self.inner.secret {
            secrets.push(secret.expose());
        }
        crate::redact::redact_to(text, &secrets, replacement)
    }

    /// `GET /api/{secretkey}/show-all-sessions`: the session names in the server's token store.
    ///
    /// # Errors
    /// [`Error::MissingSecretKey`], [`Error::WrongSecretKey`], transport errors.
    #[doc(alias = "show-all-sessions")]
    pub async fn show_all_sessions(&self) -> Result<Vec<SessionName>> {
        let secret = self.inner.secret.as_ref().ok_or(Error::MissingSecretKey)?;
        let call = Call::to(&routes::SHOW_ALL_SESSIONS, None, Some(secret.expose()), &[])?;
        let list: SessionList = self.execute(None, call).await?;
        Ok(list.response)
    }

    /// `POST /api/{secretkey}/start-all`: starts every session of the token store.
    ///
    /// The server starts them even when it answers that the key is wrong; never retried.
    ///
    /// # Errors
    /// [`Error::MissingSecretKey`], [`Error::WrongSecretKey`], transport errors.
    #[doc(alias = "start-all")]
    pub async fn start_all(&self) -> Result<Confirmation> {
        let secret = self.inner.secret.as_ref().ok_or(Error::MissingSecretKey)?;
        let call = Call::to(&routes::START_ALL, None, Some(secret.expose()), &[])?;
        self.execute(None, call).await
    }

    /// `POST /api/{session}/{secretkey}/generate-token`. (Boxed: a request may need a token.)
    fn mint_token<'a>(&'a self, session: &'a SessionName) -> BoxFuture<'a, Result<TokenResponse>> {
        Box::pin(async move {
            let secret = self.inner.secret.as_ref().ok_or(Error::MissingSecretKey)?;
            // minting a token changes nothing on the server: the table marks it safe to repeat
            let call = Call::to(
                &routes::GENERATE_TOKEN,
                Some(session.as_str()),
                Some(secret.expose()),
                &[],
            )?;
            self.execute(None, call).await
        })
    }

    /// Mints a token for the session and caches it.
    pub(crate) async fn generate_token(&self, session: &SessionName) -> Result<TokenResponse> {
        let response = self.mint_token(session).await?;
        self.token_slot(session).store(Token::new(&response.token));
        Ok(response)
    }

    fn token_slot(&self, session: &SessionName) -> Arc<TokenSlot> {
        let mut tokens = match self.inner.tokens.lock() {
            Ok(tokens) => tokens,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(slot) = tokens.get(session) {
            return slot.clone();
        }
        tokens.entry(session.clone()).or_default().clone()
    }

    /// The cached token, minting one when there is none (or when `stale` is the cached one).
    async fn token(&self, session: &SessionName, stale: Option<&Token>) -> Result<Token> {
        let slot = self.token_slot(session);
        if let Some(token) = slot.cached() {
            if stale != Some(&token) {
                return Ok(token);
            }
        }
        // One mint at a time per session; whoever waited finds the fresh token.
        let _minting = slot.mint.lock().await;
        if let Some(token) = slot.cached() {
            if stale != Some(&token) {
                return Ok(token);
            }
        }
        let token = Token::new(self.mint_token(session).await?.token);
        slot.store(token.clone());
        tracing::debug!(session = %session, "generated a token");
        Ok(token)
    }

    /// Waits for the session's next free send slot, when a rate limit is set.
    pub(crate) async fn send_slot(&self, session: &SessionName) {
        let Some(rate) = self.inner.rate else {
            return;
        };
        let slot = {
            let mut slots = match self.inner.send_slots.lock() {
                Ok(slots) => slots,
                Err(poisoned) => poisoned.into_inner(),
            };
            slots
                .entry(session.clone())
                .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Instant::now())))
                .clone()
        };
        let mut next = slot.lock().await;
        let now = Instant::now();
        if *next > now {
            tokio::time::sleep(*next - now).await;
        }
        *next = Instant::now().max(*next) + rate.spacing();
    }

    /// Sends a call with auth, retries and error classification, and decodes a JSON answer.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        session: Option<&SessionName>,
        call: Call,
    ) -> Result<T> {
        let route = call.route;
        let response = self.send(session, call).await?;
        let bytes = response.bytes().await.map_err(|e| transport(route, e))?;
        self.decode(route, &bytes)
    }

    /// Like [`Client::execute`], for routes that pass an undeclared library answer through:
    /// `None` when the body is empty (Express sends nothing for `res.json(undefined)`).
    pub(crate) async fn execute_optional<T: DeserializeOwned>(
        &self,
        session: Option<&SessionName>,
        call: Call,
    ) -> Result<Option<T>> {
        let route = call.route;
        let response = self.send(session, call).await?;
        let bytes = response.bytes().await.map_err(|e| transport(route, e))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        self.decode(route, &bytes).map(Some)
    }

    /// Sends a call and returns the successful raw answer.
    pub(crate) async fn send(
        &self,
        session: Option<&SessionName>,
        call: Call,
    ) -> Result<reqwest::Response> {
        let span = tracing::info_span!(
            "wppconnect.request",
            route = call.route,
            session = session.map(SessionName::as_str).unwrap_or_default(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let route = call.route;
        let limit = self.inner.deadline;
        let deadline = tokio::time::Instant::now() + limit;
        // The attempts shorten their own timeouts to the time left; this outer bound also covers
        // minting a token and anything else the call waits for.
        match tokio::time::timeout_at(deadline, self.send_inner(session, call, deadline))
            .instrument(span)
            .await
        {
            Ok(result) => result,
            Err(_elapsed) => Err(deadline_passed(route, limit)),
        }
    }

    async fn send_inner(
        &self,
        session: Option<&SessionName>,
        call: Call,
        deadline: tokio::time::Instant,
    ) -> Result<reqwest::Response> {
        let limit = self.inner.deadline;
        let url = self.url(&call)?;
        let mut token = match session {
            Some(session) => Some(self.token(session, None).await?),
            None => None,
        };
        let mut regenerated = false;
        let mut attempt = 0u32;
        loop {
            let started = Instant::now();
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Err(deadline_passed(call.route, limit));
            }
            // an attempt cut short by the deadline reports the deadline, not its own timeout
            let cut_short = left < self.inner.timeout;
            let mut request = self
                .inner
                .http
                .request(call.method.clone(), url.clone())
                .timeout(self.inner.timeout.min(left));
            if let Some(token) = &token {
                request = request.bearer_auth(token.expose());
            }
            if let Some(body) = &call.body {
                // exactly `application/json`, as reqwest's .json() sends it (the server then adds
                // a `session` key to its answers, which the models accept)
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            if let Some(form) = &call.multipart {
                request = request.multipart(form.form().await?);
            }
            let result = request.send().await;
            let span = tracing::Span::current();
            span.record(
                "latency_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            let error = match result {
                Ok(response) => {
                    let status = response.status();
                    span.record("status", status.as_u16());
                    if status.is_success() {
                        return Ok(response);
                    }
                    if status == StatusCode::UNAUTHORIZED
                        && !regenerated
                        && self.inner.secret.is_some()
                    {
                        if let (Some(session), Some(stale)) = (session, token.as_ref()) {
                            // The server refused the token before doing anything: safe to repeat.
                            tracing::info!(session = %session, "token refused; generating a new one");
                            regenerated = true;
                            token = Some(self.token(session, Some(stale)).await?);
                            continue;
                        }
                    }
                    self.error_from(session, call.route, response).await
                }
                Err(e) if e.is_timeout() && cut_short => deadline_passed(call.route, limit),
                Err(e) if e.is_timeout() => Error::Timeout {
                    route: call.route,
                    after: self.inner.timeout,
                    kind: TimeoutKind::Attempt,
                },
                Err(e) => transport(call.route, e),
            };
            let out_of_time = matches!(
                error,
                Error::Timeout {
                    kind: TimeoutKind::Deadline,
                    ..
                }
            );
            // a streamed upload is gone after one attempt: it cannot be repeated
            let safe = (error.is_not_sent() || (call.idempotent && error.is_retryable()))
                && call.multipart.as_ref().is_none_or(Multipart::repeatable);
            if safe && !out_of_time && attempt < self.inner.retry.max_retries {
                attempt += 1;
                let delay = self.inner.retry.backoff(attempt);
                if tokio::time::Instant::now() + delay >= deadline {
                    tracing::warn!(route = call.route, error = %error, "not retried: the call's deadline would pass first");
                    return Err(error);
                }
                tracing::warn!(route = call.route, attempt, ?delay, error = %error, "retrying");
                tokio::time::sleep(delay).await;
                continue;
            }
            if !call.idempotent && !error.is_not_sent() {
                tracing::warn!(route = call.route, error = %error, "not retried: the request may have reached the server");
            }
            return Err(error);
        }
    }

    fn url(&self, call: &Call) -> Result<Url> {
        let mut url = self.inner.base.clone();
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|()| Error::invalid("the base URL cannot take a path"))?;
            segments.pop_if_empty();
            if call.under_api {
                segments.push("api");
            }
            for segment in &call.segments {
                // `url` silently drops `.` and `..` (and a server would remove them): the next
                // segment would move into this one's place (`/api/{session}/{secretkey}/…`
                // becoming `/api/{secretkey}/…`). An empty one would be merged by proxies.
                if matches!(segment.as_str(), "" | "." | "..") {
                    return Err(Error::invalid(format!(
                        "{:?} cannot be a path segment of {}",
                        segment, call.route
                    )));
                }
                segments.push(segment);
            }
        }
        if !call.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(call.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    async fn error_from(
        &self,
        session: Option<&SessionName>,
        route: &'static str,
        response: reqwest::Response,
    ) -> Error {
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return transport(route, e),
        };
        // Servers echo what they were sent (Express: `Cannot POST /api/<SECRET_KEY>/…`): cut the
        // secrets out before the text goes into an error or a log.
        // (A stand-in first: `<redacted>` would read as a tag in an HTML page.)
        let text = self.redact_to(&String::from_utf8_lossy(&bytes), crate::redact::MARK);
        let mut body = ErrorBody::parse(content_type.as_deref(), text.as_bytes());
        crate::redact::unmark(&mut body.body);
        if let Some(message) = &mut body.message {
            *message = crate::redact::unmark_text(message);
        }
        let message = body.message.clone();
        let session_name = || {
            session
                .cloned()
                .unwrap_or_else(|| SessionName::from_wire(""))
        };
        match (status, body.kind) {
            (StatusCode::UNAUTHORIZED, ErrorKind::TokenMissing | ErrorKind::InvalidToken) => {
                Error::Unauthorized {
                    session: session_name(),
                    message,
                }
            }
            (StatusCode::NOT_FOUND, ErrorKind::Disconnected) => Error::NotConnected {
                session: session_name(),
                message,
            },
            (StatusCode::BAD_REQUEST, ErrorKind::WrongSecretKey) => {
                Error::WrongSecretKey { message }
            }
            _ => Error::Api {
                route,
                status,
                message,
                body: Box::new(body),
            },
        }
    }
}

/// A transport error, without its URL: some routes carry the secret key in their path.
fn transport(route: &'static str, error: reqwest::Error) -> Error {
    let not_sent = error.is_connect();
    Error::Transport {
        route,
        not_sent,
        source: error.without_url(),
    }
}

/// The error of a call whose overall deadline passed.
fn deadline_passed(route: &'static str, after: Duration) -> Error {
    Error::Timeout {
        route,
        after,
        kind: TimeoutKind::Deadline,
    }
}

/// How much of an undecodable body an error keeps.
const SNIPPET_CHARS: usize = 200;

impl Client {
    /// Decodes a JSON answer, naming the field that failed; the error's texts are redacted.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        route: &'static str,
        bytes: &[u8],
    ) -> Result<T> {
        if let Ok(value) = serde_json::from_slice(bytes) {
            return Ok(value);
        }
        // Only a failure pays for tracking the path of the field that failed.
        let mut de = serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = self.redact(&e.path().to_string());
            // The answers of the secret-key routes carry tokens: never copy them into an error.
            let snippet = if route.contains("{secretkey}") {
                "<redacted: the answer of a secret-key route carries a token>".to_owned()
            } else {
                // the whole body is redacted first, so a secret cut in two by the end of the
                // snippet cannot leave its first half behind
                self.redact(&String::from_utf8_lossy(bytes))
                    .chars()
                    .take(SNIPPET_CHARS)
                    .collect()
            };
            // serde_json quotes the value it could not read (`invalid type: string "…"`)
            let source = e.into_inner();
            let message = self.redact(&source.to_string());
            let source = if message == source.to_string() {
                source
            } else {
                <serde_json::Error as serde::de::Error>::custom(message)
            };
            Error::Decode {
                route,
                path,
                snippet,
                source,
            }
        })
    }
}

/// A session's cached token: read without waiting; minted by one caller at a time.
#[derive(Default)]
pub(crate) struct TokenSlot {
    token: std::sync::RwLock<Option<Token>>,
    mint: tokio::sync::Mutex<()>,
}

impl TokenSlot {
    fn cached(&self) -> Option<Token> {
        match self.token.read() {
            Ok(token) => token.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, token: Token) {
        match self.token.write() {
            Ok(mut slot) => *slot = Some(token),
            Err(poisoned) => *poisoned.into_inner() = Some(token),
        }
    }
}

/// One request: method, route template, path segments (under `/api` unless `under_api` is
/// false), JSON or multipart body, retry safety.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) route: &'static str,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<bytes::Bytes>,
    pub(crate) multipart: Option<Multipart>,
    pub(crate) under_api: bool,
    pub(crate) idempotent: bool,
}

impl Call {
    /// A call; GET calls are idempotent, others are not unless marked.
    pub(crate) fn new(method: Method, route: &'static str) -> Self {
        let idempotent = method == Method::GET;
        Self {
            method,
            route,
            segments: Vec::new(),
            query: Vec::new(),
            body: None,
            multipart: None,
            under_api: true,
            idempotent,
        }
    }

    pub(crate) fn segments<I, S>(mut self, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.segments.extend(segments.into_iter().map(Into::into));
        self
    }

    pub(crate) fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_owned(), value.to_string()));
        self
    }

    pub(crate) fn json(mut self, body: Value) -> Self {
        self.body = Some(bytes::Bytes::from(body.to_string()));
        self
    }

    /// A JSON body serialised once, straight from a typed request.
    pub(crate) fn body_of(mut self, body: &impl serde::Serialize) -> Result<Self> {
        self.body = Some(serde_json::to_vec(body).map_err(Error::invalid)?.into());
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use wppconnect_models::SessionName;

    use super::*;

    const KEY: &str = "THISISMYSECURETOKEN";

    fn client(base: &str) -> Client {
        Client::builder(base)
            .unwrap()
            .secret_key(KEY)
            .build()
            .unwrap()
    }

    /// The path segments of the URL the client builds, after writing it out and parsing it
    /// again (which applies the URL standard's normalisation).
    fn segments(client: &Client, call: &Call) -> Result<Vec<String>> {
        let url = Url::parse(client.url(call)?.as_str()).unwrap();
        Ok(url.path_segments().unwrap().map(str::to_owned).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Whatever name the rule accepts stays one segment of the client's own URLs, and
        /// decodes back to itself; the secret key stays in its own segment after it.
        #[test]
        fn an_accepted_name_is_one_segment_of_the_clients_urls(
            name in prop_oneof![
                "[a-zA-Z0-9çã._%;?#/\\\\: -]{0,50}",
                "[a-zA-Z0-9ç][a-zA-Z0-9çã._-]{0,30}",
                "\\PC{0,30}",
            ],
            prefix in prop_oneof![Just("http://h"), Just("http://h/"), Just("http://h/wpp/")],
        ) {
            let Ok(name) = SessionName::new(name.as_str()) else { return Ok(()); };
            let client = client(prefix);
            let call = Call::new(Method::POST, "POST /api/{session}/{secretkey}/generate-token")
                .segments([name.as_str(), KEY, "generate-token"]);
            let mut got = segments(&client, &call).unwrap();
            if prefix.ends_with("/wpp/") {
                prop_assert_eq!(got.remove(0), "wpp");
            }
            prop_assert_eq!(
                &got,
                &vec!["api".to_owned(), name.path_segment(), KEY.to_owned(), "generate-token".to_owned()]
            );
            let decoded = percent_encoding::percent_decode_str(&got[1]).decode_utf8().unwrap();
            prop_assert_eq!(decoded.as_ref(), name.as_str());
        }
    }

    #[test]
    fn dot_and_empty_segments_are_refused_before_any_request() {
        let client = client("http://h/");
        for bad in [".", "..", ""] {
            let call = Call::new(
                Method::POST,
                "POST /api/{session}/{secretkey}/generate-token",
            )
            .segments([bad, KEY, "generate-token"]);
            let err = client.url(&call).unwrap_err();
            assert!(matches!(err, Error::InvalidInput { .. }), "{bad:?}");
            assert!(!err.to_string().contains(KEY));
        }
    }
}
