//! The webhook router and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::json;
use subtle::ConstantTimeEq;
use tracing::Instrument;
use wppconnect_models::{Event, EventError, EventHead, EventKind, IdError, SessionName};

use crate::awaited::{AwaitedHandler, Received, ReceivedHandler, SharedHandler};
use crate::dedupe::{Dedupe, Key, Keyed};
use crate::hub::EventHub;
use crate::outcome::{Outcome, OutcomeHook, Progress, Report};

/// Default largest body accepted: 64 MiB, enough for the media the server inlines as base64.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024 * 1024;
/// Bodies larger than this (1 MiB) are parsed on Tokio's blocking pool.
const PARSE_INLINE_LIMIT: usize = 1024 * 1024;
/// Default buffer of each subscriber, in events.
pub const DEFAULT_CAPACITY: usize = 1024;
/// Default query parameter that carries the shared secret.
pub const DEFAULT_QUERY_PARAM: &str = "token";
/// Default header that carries the shared secret.
pub const DEFAULT_HEADER: &str = "x-webhook-token";

/// Entry point: `Webhook::builder()`.
#[derive(Debug, Clone, Copy)]
pub struct Webhook;

impl Webhook {
    /// A builder with the defaults: path `/webhook`, no secret, 64 MiB body limit, 1024-event
    /// subscriber buffers, no duplicate suppression.
    pub fn builder() -> WebhookBuilder {
        WebhookBuilder::default()
    }
}

/// The shared secret; its `Debug` never shows it.
#[derive(Clone)]
struct Secret(Arc<str>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Secret {
    fn matches(&self, candidate: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(candidate).into()
    }
}

/// Configures the webhook router. Finish with [`WebhookBuilder::build`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until .build()"]
pub struct WebhookBuilder {
    path: String,
    secret: Option<Secret>,
    query_param: String,
    header: String,
    secret_in_path: bool,
    body_limit: usize,
    capacity: usize,
    dedupe: Option<usize>,
    hub: Option<EventHub>,
    awaited: Option<SharedHandler>,
    awaited_timeout: Option<Duration>,
    on_outcome: Option<OutcomeHook>,
}

impl Default for WebhookBuilder {
    fn default() -> Self {
        Self {
            path: "/webhook".to_owned(),
            secret: None,
            query_param: DEFAULT_QUERY_PARAM.to_owned(),
            header: DEFAULT_HEADER.to_owned(),
            secret_in_path: false,
            body_limit: DEFAULT_BODY_LIMIT,
            capacity: DEFAULT_CAPACITY,
            dedupe: None,
            hub: None,
            awaited: None,
            awaited_timeout: None,
            on_outcome: None,
        }
    }
}

impl WebhookBuilder {
    /// The path of the routes: `POST {path}` and `POST {path}/{session}`. Default `/webhook`;
    /// `"/"` mounts them at the root (`POST /` and `POST /{session}`). A plain path: no `{capture}`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        let trimmed = path.trim_matches('/');
        // kept without its trailing slash; "" is the root
        self.path = if trimmed.is_empty() {
            String::new()
        } else {
            format!("/{trimmed}")
        };
        self
    }

    /// Requires this shared secret on every request, in the `?token=` query parameter, the
    /// `X-Webhook-Token` header, or (with [`WebhookBuilder::secret_in_path`]) a path segment;
    /// compared in constant time, never logged nor echoed. Put it into the URL you give
    /// WPPConnect Server: the server cannot sign its webhooks. An empty secret is ignored.
    pub fn secret(mut self, secret: impl AsRef<str>) -> Self {
        let secret = secret.as_ref();
        self.secret = (!secret.is_empty()).then(|| Secret(Arc::from(secret)));
        self
    }

    /// The query parameter that carries the secret (default `token`).
    pub fn query_param(mut self, name: impl Into<String>) -> Self {
        self.query_param = name.into();
        self
    }

    /// The header that carries the secret (default `X-Webhook-Token`).
    pub fn header(mut self, name: impl Into<String>) -> Self {
        self.header = name.into().to_ascii_lowercase();
        self
    }

    /// Takes the secret from the first path segment after the path as well: the routes become
    /// `POST {path}/{secret}` and `POST {path}/{secret}/{session}` (plus `POST {path}`, which
    /// then needs the query parameter or the header). For servers or proxies that drop query
    /// strings. Keep request URIs out of your logs: they carry the secret. Without a
    /// [`WebhookBuilder::secret`] this does nothing.
    pub fn secret_in_path(mut self) -> Self {
        self.secret_in_path = true;
        self
    }

    /// The largest body accepted, in bytes; larger ones get 413. Default 64 MiB.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How many events each subscriber buffers before it lags. Default 1024.
    pub fn capacity(mut self, events: usize) -> Self {
        self.capacity = events;
        self
    }

    /// Drops repeats of the same (session, message id, event kind) among the last `events`
    /// message-like events (`onmessage` and `unreadmessages` count as one kind: the server
    /// replays unread messages at start). The decrypted copy of a message first seen as
    /// `ciphertext` is never dropped, nor a new ack level of a message; a `ciphertext` copy that
    /// arrives after its decrypted twin is. A dropped repeat is still answered 200
    /// (`{"status":"duplicate"}`), so the server does not log a failure.
    ///
    /// An event is remembered once it is delivered: in the fire-and-forget mode when it is
    /// handed to the subscribers' buffers (so an event a lagging subscriber then misses is
    /// still a duplicate when sent again); in the [awaited](WebhookBuilder::awaited) mode only
    /// once the handler returned `Ok` (so an event answered 503 or 500 is taken again; two
    /// copies that arrive at the same time may both reach the handler).
    pub fn dedupe_window(mut self, events: usize) -> Self {
        self.dedupe = Some(events);
        self
    }

    /// Publishes into an existing hub instead of a new one.
    pub fn hub(mut self, hub: EventHub) -> Self {
        self.hub = Some(hub);
        self
    }

    /// The router awaits `handler` for each admitted event before it answers.
    ///
    /// - `Ok` → `200 {"status":"received"}`; the event is then published to the hub's
    ///   subscribers and remembered by the [duplicate window](WebhookBuilder::dedupe_window).
    /// - `Err` → `503 {"error":"not stored","reason":"the event handler failed"}` (the error's
    ///   own text goes to a `tracing::warn!`, never to the sender); the event is neither
    ///   published nor remembered, so the same event sent again is taken.
    /// - a panic → `500 {"error":"not stored","reason":"the event handler panicked"}`, logged;
    ///   the router goes on with the next request.
    ///
    /// The handler runs on a task of its own (`tokio::spawn`) and always runs to its end, even
    /// when the sender hangs up before the answer. WPPConnect Server never retries: a 503 means
    /// the event is lost unless the sender sends it again. The handler must be idempotent: two
    /// copies of one event that arrive at the same time may both reach it. Calling this again
    /// replaces the handler.
    pub fn awaited<H>(mut self, handler: H) -> Self
    where
        H: AwaitedHandler,
    {
        self.awaited = Some(SharedHandler::Typed(Arc::new(handler)));
        self
    }

    /// Like [`awaited`](WebhookBuilder::awaited), but the router does not parse the event: the
    /// handler gets it as it came, a [`Received`] (the body, byte for byte, and its
    /// [`EventHead`]), and builds the typed event when and where it wants
    /// ([`Received::event`]). For a handler that keeps the body (an append-only journal, a
    /// queue) and parses it later, off the request path.
    ///
    /// The router reads the body's head in one pass that keeps nothing else: enough to refuse what
    /// is not an event (400, as in the other modes: the head accepts exactly what the typed parse
    /// accepts), to check the session name and to drop a repeat (the
    /// [duplicate window](WebhookBuilder::dedupe_window) keys heads as it keys events, except a
    /// known kind whose payload does not fit its struct, which keeps its id here). The
    /// answers are those of the awaited mode, and so is the [timeout](WebhookBuilder::awaited_timeout).
    ///
    /// **Nothing is published to the hub** in this mode: the router never built the event.
    /// Publish it yourself once it is parsed (and stored): [`EventHub::publish`], on a hub you
    /// made and passed in with [`WebhookBuilder::hub`]. Calling this or
    /// [`awaited`](WebhookBuilder::awaited) again replaces the handler.
    pub fn received<H>(mut self, handler: H) -> Self
    where
        H: ReceivedHandler,
    {
        self.awaited = Some(SharedHandler::Received(Arc::new(handler)));
        self
    }

    /// In the [awaited](WebhookBuilder::awaited) mode, answers
    /// `503 {"error":"not stored","reason":"the event handler did not finish in time"}` when the
    /// handler takes longer than `limit`. The handler still runs to its end; if it then
    /// succeeds, the event is published and remembered as if it had been in time (so a resend
    /// is answered `duplicate` when the duplicate window is on). Default: no limit.
    pub fn awaited_timeout(mut self, limit: Duration) -> Self {
        self.awaited_timeout = Some(limit);
        self
    }

    /// Calls `hook` once for every request the routes answer, after the answer is decided:
    /// its [`Outcome`] (received, duplicate, or why it was refused), the event kind and
    /// session once known, the status code and the time taken. Feed it into your metrics (a
    /// counter by `report.event_name()` and `report.outcome`, a histogram of
    /// `report.elapsed`). It runs on the request's task: keep it short and never block. It sees
    /// no secret and no event content. Calling this again replaces the hook.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    /// use wppconnect_webhook::{Outcome, Webhook};
    ///
    /// let refused = Arc::new(AtomicU64::new(0));
    /// let counted = refused.clone();
    /// let (router, _hub) = Webhook::builder()
    ///     .secret("s3cret")
    ///     .on_outcome(move |report| {
    ///         if !report.outcome.is_accepted() {
    ///             counted.fetch_add(1, Ordering::Relaxed);
    ///         }
    ///         tracing::debug!(event = report.event_name(), outcome = %report.outcome, "webhook");
    ///     })
    ///     .build::<()>();
    /// # let _ = (router, Outcome::Received);
    /// ```
    pub fn on_outcome<F>(mut self, hook: F) -> Self
    where
        F: Fn(&Report) + Send + Sync + 'static,
    {
        self.on_outcome = Some(OutcomeHook(Arc::new(hook)));
        self
    }

    /// The router, generic over the caller's state so it can be merged or nested into any app,
    /// and the hub to subscribe to.
    pub fn build<S>(self) -> (Router<S>, EventHub)
    where
        S: Clone + Send + Sync + 'static,
    {
        let hub = self
            .hub
            .clone()
            .unwrap_or_else(|| EventHub::new(self.capacity));
        let state = Arc::new(Receiver {
            hub: hub.clone(),
            secret: self.secret,
            query_param: self.query_param,
            header: self.header,
            body_limit: self.body_limit,
            dedupe: self.dedupe.map(|events| Arc::new(Dedupe::new(events))),
            awaited: self.awaited,
            awaited_timeout: self.awaited_timeout,
            on_outcome: self.on_outcome,
        });
        let bare = {
            let state = state.clone();
            move |request: Request| {
                let state = state.clone();
                async move { state.receive(Target::default(), request).await }
            }
        };
        let bare_path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        let router = Router::new().route(bare_path, post(bare));
        let router = if self.secret_in_path && state.secret.is_some() {
            let secret_only = {
                let state = state.clone();
                move |path: Result<Path<String>, PathRejection>, request: Request| {
                    let state = state.clone();
                    async move {
                        match path {
                            Ok(Path(token)) => {
                                let target = Target {
                                    token: Some(token),
                                    session: None,
                                };
                                state.receive(target, request).await
                            }
                            Err(rejection) => state.refused_path(&rejection),
                        }
                    }
                }
            };
            let secret_and_session = move |path: Result<Path<(String, String)>, PathRejection>,
                                           request: Request| {
                let state = state.clone();
                async move {
                    match path {
                        Ok(Path((token, session))) => {
                            let target = Target {
                                token: Some(token),
                                session: Some(session),
                            };
                            state.receive(target, request).await
                        }
                        Err(rejection) => state.refused_path(&rejection),
                    }
                }
            };
            router
                .route(&format!("{}/{{token}}", self.path), post(secret_only))
                .route(
                    &format!("{}/{{token}}/{{session}}", self.path),
                    post(secret_and_session),
                )
        } else {
            let with_session = move |path: Result<Path<String>, PathRejection>,
                                     request: Request| {
                let state = state.clone();
                async move {
                    match path {
                        Ok(Path(session)) => {
                            let target = Target {
                                token: None,
                                session: Some(session),
                            };
                            state.receive(target, request).await
                        }
                        Err(rejection) => state.refused_path(&rejection),
                    }
                }
            };
            router.route(&format!("{}/{{session}}", self.path), post(with_session))
        };
        (router, hub)
    }
}

/// Shared state of the two routes.
#[derive(Debug)]
struct Receiver {
    hub: EventHub,
    secret: Option<Secret>,
    query_param: String,
    header: String,
    body_limit: usize,
    dedupe: Option<Arc<Dedupe>>,
    awaited: Option<SharedHandler>,
    awaited_timeout: Option<Duration>,
    on_outcome: Option<OutcomeHook>,
}

/// What the path of a request carried.
#[derive(Default)]
struct Target {
    /// The secret, in `secret_in_path` mode.
    token: Option<String>,
    /// The session segment.
    session: Option<String>,
}

/// A path segment that is not valid percent-encoded UTF-8. The rejection text names the
/// problem, never the segment (which may be the secret).
fn bad_path(rejection: &PathRejection) -> Response {
    tracing::warn!(
        outcome = "bad_request",
        "webhook refused: unreadable path segment"
    );
    let reason = match rejection {
        PathRejection::FailedToDeserializePathParams(_) => "a path segment is not valid UTF-8",
        _ => "the path could not be read",
    };
    reject(StatusCode::BAD_REQUEST, "invalid webhook path", reason)
}

/// A 200 with a constant JSON body (no serialisation on the hot path).
fn answer(body: &'static str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A refusal: status and a JSON `{"error", "reason"}` body.
fn reject(status: StatusCode, error: &str, reason: impl fmt::Display) -> Response {
    (
        status,
        Json(json!({ "error": error, "reason": reason.to_string() })),
    )
        .into_response()
}

/// The answer to a body that is not an event: 400 with the parser's reason, logged, reported.
fn bad_body(error: &EventError, size: usize, progress: &mut Progress) -> Response {
    let reason = match error {
        EventError::Json(source) => format!("{error}: {source}"),
        other => other.to_string(),
    };
    tracing::warn!(outcome = "bad_request", %error, bytes = size, "webhook refused");
    progress.outcome = Outcome::BadRequest;
    reject(StatusCode::BAD_REQUEST, "invalid webhook body", reason)
}

/// The JSON answer to a refused session name. The reason is the rule that failed, never the
/// name itself (which may carry control characters or be thousands of characters long).
fn bad_session(error: &IdError, source: &'static str) -> Response {
    let rule = match error {
        IdError::Empty { .. } => "it is empty".to_owned(),
        IdError::Session { reason, .. } => reason.to_string(),
        _ => "it breaks the session name rule".to_owned(),
    };
    // the rule's text is ours, but keep it one short line whatever it becomes
    let rule: String = rule.chars().filter(|c| !c.is_control()).take(120).collect();
    tracing::warn!(
        outcome = "bad_request",
        source,
        rule,
        "webhook refused: invalid session name"
    );
    reject(
        StatusCode::BAD_REQUEST,
        "invalid session name",
        format!("the session name {source} is not valid: {rule}"),
    )
}

/// The awaited handler's call; once it succeeded, the event to publish (none when the router
/// did not parse it).
type Pending = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Option<Arc<Event>>, crate::HandlerError>> + Send>,
>;

/// A body as the router read it: the typed event, or only its head (for a
/// [`ReceivedHandler`]).
enum Parsed {
    Event(Event),
    Head(EventHead),
}

impl Parsed {
    fn read(body: &[u8], head_only: bool) -> Result<Self, EventError> {
        if head_only {
            EventHead::from_slice(body).map(Self::Head)
        } else {
            Event::from_slice(body).map(Self::Event)
        }
    }

    fn kind(&self) -> EventKind {
        match self {
            Self::Event(event) => event.kind(),
            Self::Head(head) => head.kind,
        }
    }

    fn session(&self) -> Option<&SessionName> {
        match self {
            Self::Event(event) => event.session(),
            Self::Head(head) => head.session.as_ref(),
        }
    }

    fn fill_session(&mut self, session: &SessionName) {
        match self {
            Self::Event(event) => event.fill_session(session),
            Self::Head(head) => head.fill_session(session),
        }
    }

    fn key(&self) -> Option<Key> {
        match self {
            Self::Event(event) => event.key(),
            Self::Head(head) => head.key(),
        }
    }

    /// The typed event (parsing the body now if only its head was read).
    fn into_event(self, body: &Bytes) -> Result<Event, EventError> {
        match self {
            Self::Event(event) => Ok(event),
            Self::Head(head) => Received::new(head, body.clone()).event(),
        }
    }

    /// The head (of the typed event, if that was read).
    fn into_head(self) -> EventHead {
        match self {
            Self::Event(event) => event.head(),
            Self::Head(head) => head,
        }
    }
}

/// What the router answers once an awaited handler has run (or not).
enum Delivery {
    /// The handler succeeded; the event went to this many subscribers.
    Stored(usize),
    /// The handler returned an error (already logged).
    Failed,
}

impl Receiver {
    async fn receive(&self, target: Target, request: Request) -> Response {
        let session = target.session.map(SessionName::new).transpose();
        // The path session (never the secret, never an invalid name) names the request in every
        // log line of it.
        let span = tracing::info_span!(
            "webhook",
            path_session = session
                .as_ref()
                .ok()
                .and_then(Option::as_ref)
                .map(SessionName::as_str)
        );
        let started = Instant::now();
        let mut progress = Progress::default();
        let response = self
            .handle(target.token, session, request, &mut progress)
            .instrument(span)
            .await;
        self.report(progress, &response, started);
        response
    }

    /// Hands the request's outcome to the user's hook, if any.
    fn report(&self, progress: Progress, response: &Response, started: Instant) {
        if let Some(hook) = &self.on_outcome {
            (hook.0)(&Report {
                outcome: progress.outcome,
                kind: progress.kind,
                session: progress.session,
                status: response.status(),
                elapsed: started.elapsed(),
            });
        }
    }

    /// A path the router could not read: 400, reported.
    fn refused_path(&self, rejection: &PathRejection) -> Response {
        let started = Instant::now();
        let response = bad_path(rejection);
        let progress = Progress {
            outcome: Outcome::BadRequest,
            ..Progress::default()
        };
        self.report(progress, &response, started);
        response
    }

    async fn handle(
        &self,
        token: Option<String>,
        path_session: Result<Option<SessionName>, IdError>,
        request: Request,
        progress: &mut Progress,
    ) -> Response {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        if !self.authorized(token.as_deref(), parts.uri.query(), &parts.headers) {
            progress.outcome = Outcome::Unauthorized;
            tracing::warn!(
                outcome = "unauthorized",
                "webhook refused: missing or wrong secret"
            );
            return reject(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "missing or wrong webhook secret",
            );
        }
        let path_session = match path_session {
            Ok(session) => session,
            Err(error) => {
                progress.outcome = Outcome::BadRequest;
                return bad_session(&error, "in the path");
            }
        };
        progress.session = path_session.as_ref().map(|s| s.as_str().to_owned());
        let bytes = match self.read_body(&parts.headers, body).await {
            Ok(bytes) => bytes,
            Err((outcome, response)) => {
                progress.outcome = outcome;
                return response;
            }
        };
        let size = bytes.len();
        let head_only = matches!(self.awaited, Some(SharedHandler::Received(_)));
        let parsed = if size > PARSE_INLINE_LIMIT {
            // Tens of MB of inline media take milliseconds to parse: off the async workers, so
            // other requests and subscribers are not held up meanwhile.
            let body = bytes.clone();
            match tokio::task::spawn_blocking(move || Parsed::read(&body, head_only)).await {
                Ok(parsed) => parsed,
                Err(error) => {
                    tracing::error!(outcome = "error", %error, "webhook parse task failed");
                    progress.outcome = Outcome::Error;
                    return reject(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal error",
                        "the body could not be parsed",
                    );
                }
            }
        } else {
            Parsed::read(&bytes, head_only)
        };
        let mut parsed = match parsed {
            Ok(parsed) => parsed,
            Err(error) => return bad_body(&error, size, progress),
        };
        if let Some(session) = parsed.session() {
            // The server only names sessions that passed its routes; anything else in this
            // field is not from a real session and would reach stores and file paths.
            if let Err(error) = SessionName::new(session.as_str()) {
                progress.outcome = Outcome::BadRequest;
                progress.kind = Some(parsed.kind());
                return bad_session(&error, "in the body");
            }
        }
        if let Some(session) = path_session {
            parsed.fill_session(&session);
        }
        let kind = parsed.kind();
        let session = parsed
            .session()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        progress.kind = Some(kind);
        if !session.is_empty() {
            progress.session = Some(session.clone());
        }
        let subscribers = match &self.awaited {
            None => {
                let event = match parsed.into_event(&bytes) {
                    Ok(event) => event,
                    Err(error) => return bad_body(&error, size, progress),
                };
                if let Some(dedupe) = &self.dedupe {
                    if !dedupe.admit(&event) {
                        tracing::info!(%kind, session, outcome = "duplicate", "webhook duplicate dropped");
                        progress.outcome = Outcome::Duplicate;
                        return answer(r#"{"status":"duplicate"}"#);
                    }
                }
                self.hub.publish(event)
            }
            Some(handler) => {
                let key = parsed.key();
                if let Some(dedupe) = &self.dedupe {
                    if !dedupe.is_new(&key) {
                        tracing::info!(%kind, session, outcome = "duplicate", "webhook duplicate dropped");
                        progress.outcome = Outcome::Duplicate;
                        return answer(r#"{"status":"duplicate"}"#);
                    }
                }
                let delivery: Pending = match handler {
                    SharedHandler::Typed(handler) => {
                        let event = match parsed.into_event(&bytes) {
                            Ok(event) => Arc::new(event),
                            Err(error) => return bad_body(&error, size, progress),
                        };
                        let handler = handler.clone();
                        Box::pin(async move {
                            handler.handle_received(event.clone(), bytes).await?;
                            Ok(Some(event))
                        })
                    }
                    SharedHandler::Received(handler) => {
                        let (handler, head) = (handler.clone(), parsed.into_head());
                        Box::pin(async move {
                            handler.handle(Arc::new(Received::new(head, bytes))).await?;
                            Ok(None)
                        })
                    }
                };
                match self.deliver(kind, key, delivery).await {
                    Ok(subscribers) => subscribers,
                    Err((outcome, response)) => {
                        progress.outcome = outcome;
                        return response;
                    }
                }
            }
        };
        tracing::info!(
            %kind,
            session,
            subscribers,
            bytes = size,
            elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            outcome = "received",
            "webhook received"
        );
        progress.outcome = Outcome::Received;
        answer(r#"{"status":"received"}"#)
    }

    /// Runs the awaited handler's work on its own task and waits for it: `Ok(subscribers)` once
    /// it succeeded and the event was remembered (and, for a parsed event, published), or the
    /// refusal to answer.
    async fn deliver(
        &self,
        kind: EventKind,
        key: Option<Key>,
        work: Pending,
    ) -> Result<usize, (Outcome, Response)> {
        let (dedupe, hub) = (self.dedupe.clone(), self.hub.clone());
        // Spawned, so that the handler runs to its end when the sender hangs up (axum then drops
        // this request's future) and so that a panic comes back as a `JoinError`. Remembering
        // and publishing happen on the task as well: a stored event is never left unpublished.
        let task = tokio::spawn(
            async move {
                match work.await {
                    Ok(event) => {
                        if let Some(dedupe) = &dedupe {
                            dedupe.remember(&key);
                        }
                        Delivery::Stored(event.map_or(0, |event| hub.publish_shared(event)))
                    }
                    Err(error) => {
                        tracing::warn!(%kind, outcome = "not_stored", %error, "webhook event handler failed");
                        Delivery::Failed
                    }
                }
            }
            .in_current_span(),
        );
        let joined = match self.awaited_timeout {
            None => task.await,
            Some(limit) => match tokio::time::timeout(limit, task).await {
                Ok(joined) => joined,
                Err(_) => {
                    tracing::warn!(
                        %kind,
                        outcome = "not_stored",
                        limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
                        "webhook event handler did not finish in time; it goes on"
                    );
                    return Err((
                        Outcome::NotStored,
                        reject(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "not stored",
                            "the event handler did not finish in time",
                        ),
                    ));
                }
            },
        };
        match joined {
            Ok(Delivery::Stored(subscribers)) => Ok(subscribers),
            Ok(Delivery::Failed) => Err((
                Outcome::NotStored,
                reject(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "not stored",
                    "the event handler failed",
                ),
            )),
            Err(error) if error.is_panic() => {
                // the panic's payload may hold event data: not logged
                tracing::error!(%kind, outcome = "panicked", "webhook event handler panicked");
                Err((
                    Outcome::Panicked,
                    reject(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "not stored",
                        "the event handler panicked",
                    ),
                ))
            }
            Err(_) => {
                tracing::warn!(%kind, outcome = "not_stored", "webhook event handler was cancelled");
                Err((
                    Outcome::NotStored,
                    reject(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "not stored",
                        "the event handler was cancelled",
                    ),
                ))
            }
        }
    }

    fn authorized(&self, in_path: Option<&str>, query: Option<&str>, headers: &HeaderMap) -> bool {
        let Some(secret) = &self.secret else {
            return true;
        };
        let path_ok = in_path.is_some_and(|v| secret.matches(v.as_bytes()));
        let from_header = headers.get(self.header.as_str()).map(|v| v.as_bytes());
        let from_query = query.and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(name, _)| *name == self.query_param)
                .map(|(_, value)| value)
        });
        // Evaluate all of them so the time taken does not tell which one was present.
        let header_ok = from_header.is_some_and(|v| secret.matches(v));
        let query_ok = from_query.is_some_and(|v| secret.matches(v.as_bytes()));
        path_ok | header_ok | query_ok
    }

    async fn read_body(
        &self,
        headers: &HeaderMap,
        body: Body,
    ) -> Result<bytes::Bytes, (Outcome, Response)> {
        let too_large = || {
            tracing::warn!(
                outcome = "too_large",
                limit = self.body_limit,
                "webhook refused: body too large"
            );
            (
                Outcome::TooLarge,
                reject(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body too large",
                    format!("the limit is {} bytes", self.body_limit),
                ),
            )
        };
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > self.body_limit as u64) {
            return Err(too_large());
        }
        match axum::body::to_bytes(body, self.body_limit).await {
            Ok(bytes) => Ok(bytes),
            Err(error) => {
                let over_limit = std::error::Error::source(&error)
                    .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
                if over_limit {
                    Err(too_large())
                } else {
                    tracing::warn!(outcome = "bad_request", %error, "webhook refused: body unreadable");
                    Err((
                        Outcome::BadRequest,
                        reject(
                            StatusCode::BAD_REQUEST,
                            "invalid webhook body",
                            "the body could not be read",
                        ),
                    ))
                }
            }
        }
    }
}
