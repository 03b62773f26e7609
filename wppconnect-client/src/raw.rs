//! The escape hatch: [`Session::request`] and [`Client::request`] reach every route of the
//! server, typed or not, with the client's tokens, timeouts, retries and redaction.

use std::future::IntoFuture;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use wppconnect_models::{Health, SessionName};

use crate::client::{Call, Client};
use crate::error::{Error, Result};
use crate::routes::{self, HttpMethod, Route, Segment};
use crate::session::{BoxFuture, Session};
use crate::upload::Multipart;

/// A request to any path, built by [`Session::request`] or [`Client::request`]. `.await` sends
/// it and gives the [`RawResponse`]; [`RawRequest::decode`] sends it and reads a JSON answer.
///
/// The path is a template:
/// - `{session}` is the session's name and `{secretkey}` the client's secret key, both filled in
///   by the client (the caller never writes the key);
/// - a path starting with `/` is taken from the server's root (`/healthz`,
///   `/api/{secretkey}/backup-sessions`, `/api/{session}/delete-label/7`); any other path is
///   under `/api/{session}/` for a session (`delete-label/7`) and under `/api/` for a client;
/// - each segment is percent-encoded; a query may follow `?` or be added with
///   [`RawRequest::query`].
///
/// Auth: a bearer token of the session when the path has `{session}` and no `{secretkey}`
/// (minted and cached as for every call); nothing otherwise. Retries: when the method and path
/// match a route of [`routes::ALL`], that route's [`Retry`](routes::Retry) class applies (a send
/// is never repeated once it may have reached the server); an unknown path is retried only for
/// `GET`.
///
/// ```no_run
/// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
/// use wppconnect_client::routes::HttpMethod;
/// let answer: serde_json::Value = session
///     .request(HttpMethod::Put, "/api/{session}/delete-label/7")
///     .decode()
///     .await?;
/// let health = session.client().request(HttpMethod::Get, "/healthz").await?;
/// println!("{} {}", health.status(), health.text());
/// # Ok(()) }
/// ```
#[must_use = "requests do nothing unless .awaited"]
#[derive(Debug)]
pub struct RawRequest {
    client: Client,
    session: Option<SessionName>,
    method: HttpMethod,
    path: String,
    query: Vec<(String, String)>,
    json: Option<Bytes>,
    multipart: Option<Multipart>,
    error: Option<Error>,
}

impl RawRequest {
    pub(crate) fn new(
        client: Client,
        session: Option<SessionName>,
        method: HttpMethod,
        path: &str,
    ) -> Self {
        Self {
            client,
            session,
            method,
            path: path.to_owned(),
            query: Vec::new(),
            json: None,
            multipart: None,
            error: None,
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// A JSON body (`Content-Type: application/json`).
    pub fn json(mut self, body: &impl serde::Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.json = Some(bytes.into());
                self.multipart = None;
            }
            Err(e) => {
                self.error.get_or_insert(Error::invalid(e));
            }
        }
        self
    }

    /// A multipart body (the upload routes read the file from the field `file`).
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.multipart = Some(form);
        self.json = None;
        self
    }

    /// The route of the table this request matches, if any: its retry class applies.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a path that cannot be sent (see [`RawRequest`]).
    pub fn route(&self) -> Result<Option<&'static Route>> {
        Ok(self.target()?.route)
    }

    /// Sends the request and reads the JSON answer into `T` (`serde_json::Value` for any).
    ///
    /// # Errors
    /// As every call; [`Error::Decode`] when the answer is not a `T`.
    pub async fn decode<T: DeserializeOwned>(self) -> Result<T> {
        let response = self.send().await?;
        response.json()
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (bad path, `{secretkey}` without a secret key
    /// ([`Error::MissingSecretKey`]), `{session}` on a client request); then as every call:
    /// non-2xx answers are errors.
    pub async fn send(self) -> Result<RawResponse> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let target = Target::parse(self.session.as_ref(), self.method, &self.path)?;
        let secret = self.client.inner.secret.as_ref().map(|s| s.expose());
        let mut segments = Vec::with_capacity(target.segments.len());
        for segment in target.segments.iter().skip(usize::from(target.under_api)) {
            segments.push(match segment {
                Owned::Literal(text) => text.clone(),
                Owned::Session => self
                    .session
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .ok_or_else(|| Error::invalid("{session} needs a session"))?,
                Owned::SecretKey => secret.ok_or(Error::MissingSecretKey)?.to_owned(),
            });
        }
        let mut call = Call::new(self.method.into(), target.label).segments(segments);
        call.under_api = target.under_api;
        call.idempotent = match target.route {
            Some(route) => route.retry().is_safe(),
            None => self.method == HttpMethod::Get,
        };
        call.query = target.query;
        call.query.extend(self.query);
        call.body = self.json;
        call.multipart = self.multipart;
        let token_for = self.session.as_ref().filter(|_| target.needs_token);
        let response = self.client.send(token_for, call).await?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(|e| Error::Transport {
            route: target.label,
            not_sent: false,
            source: e.without_url(),
        })?;
        Ok(RawResponse {
            client: self.client,
            route: target.label,
            status,
            content_type,
            body,
        })
    }

    fn target(&self) -> Result<Target> {
        Target::parse(self.session.as_ref(), self.method, &self.path)
    }
}

impl IntoFuture for RawRequest {
    type Output = Result<RawResponse>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A successful (2xx) answer of the escape hatch: status, content type and body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    client: Client,
    route: &'static str,
    status: StatusCode,
    content_type: Option<String>,
    body: Bytes,
}

impl RawResponse {
    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Content-Type` header, if any.
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body.
    #[must_use]
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body read as JSON into `T`.
    ///
    /// # Errors
    /// [`Error::Decode`], naming the field that failed (its snippet has the client's secrets cut
    /// out).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        self.client.decode(self.route, &self.body)
    }
}

/// A path segment of a request, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owned {
    Literal(String),
    Session,
    SecretKey,
}

/// What a path template resolves to.
#[derive(Debug)]
struct Target {
    segments: Vec<Owned>,
    query: Vec<(String, String)>,
    under_api: bool,
    needs_token: bool,
    route: Option<&'static Route>,
    label: &'static str,
}

impl Target {
    fn parse(session: Option<&SessionName>, method: HttpMethod, path: &str) -> Result<Self> {
        let (path, query) = match path.split_once('?') {
            Some((path, query)) => (
                path,
                url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect(),
            ),
            None => (path, Vec::new()),
        };
        let mut segments = Vec::new();
        if !path.starts_with('/') {
            segments.push(Owned::Literal("api".to_owned()));
            if session.is_some() {
                segments.push(Owned::Session);
            }
        }
        for part in path.split('/').filter(|s| !s.is_empty()) {
            segments.push(match part {
                "{session}" if session.is_none() => {
                    return Err(Error::invalid(
                        "{session} in a client request: use Session::request",
                    ))
                }
                "{session}" => Owned::Session,
                "{secretkey}" => Owned::SecretKey,
                "." | ".." => {
                    return Err(Error::invalid(format!("{part:?} cannot be a path segment")))
                }
                // the session's own name written out counts as the session
                literal if session.is_some_and(|s| s.as_str() == literal) => Owned::Session,
                literal => Owned::Literal(literal.to_owned()),
            });
        }
        if segments.is_empty() {
            return Err(Error::invalid("the path is empty"));
        }
        let under_api = segments.first() == Some(&Owned::Literal("api".to_owned()));
        let has = |wanted: &Owned| segments.iter().any(|s| s == wanted);
        let secret = has(&Owned::SecretKey);
        let needs_token = under_api && has(&Owned::Session) && !secret;
        let borrowed: Vec<Segment<'_>> = segments
            .iter()
            .map(|s| match s {
                Owned::Literal(text) => Segment::Literal(text),
                Owned::Session => Segment::Session,
                Owned::SecretKey => Segment::SecretKey,
            })
            .collect();
        let route = routes::matching(method, &borrowed);
        let label = match route {
            Some(route) => route.label(),
            None => unlisted(method, under_api, secret, has(&Owned::Session)),
        };
        Ok(Self {
            segments,
            query,
            under_api,
            needs_token,
            route,
            label,
        })
    }
}

/// The name of a request to a path that is not a route of the table (in errors and spans).
fn unlisted(method: HttpMethod, under_api: bool, secret: bool, session: bool) -> &'static str {
    macro_rules! by_method {
        ($suffix:literal) => {
            match method {
                HttpMethod::Get => concat!("GET ", $suffix),
                HttpMethod::Post => concat!("POST ", $suffix),
                HttpMethod::Put => concat!("PUT ", $suffix),
                HttpMethod::Delete => concat!("DELETE ", $suffix),
            }
        };
    }
    match (under_api, secret, session) {
        // the word {secretkey} keeps the answer of such a route out of decode errors
        (true, true, _) => by_method!("/api/…/{secretkey}/… (unlisted route)"),
        (true, false, true) => by_method!("/api/{session}/… (unlisted route)"),
        (true, false, false) => by_method!("/api/… (unlisted route)"),
        (false, _, _) => by_method!("/… (unlisted route)"),
    }
}

impl Session {
    /// The escape hatch: a request to any route of the server, typed or not, with this
    /// session's token. See [`RawRequest`] for the path rules.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::routes::HttpMethod;
    /// let labels: serde_json::Value = session
    ///     .request(HttpMethod::Get, "get-all-labels")
    ///     .decode()
    ///     .await?;
    /// session
    ///     .request(HttpMethod::Delete, "/api/{session}/newsletter/123@newsletter")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: HttpMethod, path: &str) -> RawRequest {
        RawRequest::new(self.client.clone(), Some(self.name.clone()), method, path)
    }

    /// `GET /api/{session}/{path}` read as JSON: a shortcut of [`Session::request`]; `path` is
    /// always under `/api/{session}/`, with or without a leading `/`.
    ///
    /// # Errors
    /// As every call.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.request(HttpMethod::Get, path.trim_start_matches('/'))
            .decode()
            .await
    }

    /// `POST /api/{session}/{path}` with a JSON body, read as JSON: a shortcut of
    /// [`Session::request`]; `path` is always under `/api/{session}/`. Repeated only when the
    /// route's retry class allows it.
    ///
    /// # Errors
    /// As every call.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T> {
        self.request(HttpMethod::Post, path.trim_start_matches('/'))
            .json(body)
            .decode()
            .await
    }
}

impl Client {
    /// `GET /healthz`: whether the server process is alive (it says nothing about WhatsApp;
    /// ask a session's [`Session::status`] for that). No auth.
    ///
    /// # Errors
    /// Transport errors, [`Error::Api`].
    pub async fn healthz(&self) -> Result<Health> {
        let call = Call::to(&routes::HEALTHZ, None, None, &[])?;
        let response = self.send(None, call).await?;
        let bytes = response.bytes().await.map_err(|e| Error::Transport {
            route: routes::HEALTHZ.label(),
            not_sent: false,
            source: e.without_url(),
        })?;
        self.decode(routes::HEALTHZ.label(), &bytes)
    }

    /// `GET /api/{secretkey}/backup-sessions`: a ZIP of the server's tokens and browser
    /// profiles. The secret key travels in the URL (proxy logs); errors never show it.
    ///
    /// # Errors
    /// [`Error::MissingSecretKey`], [`Error::Api`] (400 wrong key, 500), transport errors.
    #[doc(alias = "backup-sessions")]
    pub async fn backup_sessions(&self) -> Result<Bytes> {
        let secret = self.inner.secret.as_ref().ok_or(Error::MissingSecretKey)?;
        let call = Call::to(&routes::BACKUP_SESSIONS, None, Some(secret.expose()), &[])?;
        let response = self.send(None, call).await?;
        response.bytes().await.map_err(|e| Error::Transport {
            route: routes::BACKUP_SESSIONS.label(),
            not_sent: false,
            source: e.without_url(),
        })
    }

    /// The escape hatch for the routes outside a session: `/healthz`, `/metrics`,
    /// `/api/{secretkey}/backup-sessions`… See [`RawRequest`] for the path rules (`{session}`
    /// is refused here: use [`Session::request`]).
    ///
    /// ```no_run
    /// # async fn run(client: wppconnect_client::Client) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::routes::HttpMethod;
    /// let zip = client.request(HttpMethod::Get, "/api/{secretkey}/backup-sessions").await?;
    /// std::fs::write("backup.zip", zip.bytes()).ok();
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: HttpMethod, path: &str) -> RawRequest {
        RawRequest::new(self.clone(), None, method, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(session: Option<&str>, method: HttpMethod, path: &str) -> Result<Target> {
        let session = session.map(|s| SessionName::new(s).unwrap());
        Target::parse(session.as_ref(), method, path)
    }

    #[test]
    fn paths_resolve_to_routes_and_labels() {
        let t = target(Some("main"), HttpMethod::Put, "delete-label/7").unwrap();
        assert_eq!(t.route.map(Route::name), Some("DELETE_LABEL"));
        assert!(t.under_api && t.needs_token);
        let t = target(
            Some("main"),
            HttpMethod::Put,
            "/api/{session}/delete-label/7",
        )
        .unwrap();
        assert_eq!(t.route.map(Route::name), Some("DELETE_LABEL"));
        let t = target(Some("main"), HttpMethod::Post, "/api/main/send-message").unwrap();
        assert_eq!(t.route.map(Route::name), Some("SEND_MESSAGE"));
        let t = target(None, HttpMethod::Get, "/healthz").unwrap();
        assert_eq!(t.route.map(Route::name), Some("HEALTHZ"));
        assert!(!t.under_api && !t.needs_token);
        let t = target(None, HttpMethod::Get, "/api/{secretkey}/backup-sessions").unwrap();
        assert_eq!(t.route.map(Route::name), Some("BACKUP_SESSIONS"));
        assert!(!t.needs_token);
        let t = target(
            Some("main"),
            HttpMethod::Post,
            "/api/{session}/{secretkey}/clear-session-data",
        )
        .unwrap();
        assert_eq!(t.route.map(Route::name), Some("CLEAR_SESSION_DATA"));
        assert!(!t.needs_token, "the secret-key routes take no token");
        let t = target(Some("main"), HttpMethod::Post, "made-up?x=1").unwrap();
        assert_eq!(t.route, None);
        assert_eq!(t.label, "POST /api/{session}/… (unlisted route)");
        assert_eq!(t.query, [("x".to_owned(), "1".to_owned())]);
        assert!(target(None, HttpMethod::Get, "/api/{session}/all-chats").is_err());
        assert!(target(Some("main"), HttpMethod::Get, "/api/../x").is_err());
        assert!(target(None, HttpMethod::Get, "/").is_err());
    }
}
