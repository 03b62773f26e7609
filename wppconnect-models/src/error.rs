//! Error bodies of WPPConnect Server, classified.
//!
//! The server has no single error envelope: the auth middleware, the secret-key routes, the
//! connected-gate, the controllers and Express itself each answer differently. [`ErrorBody::parse`]
//! takes any error answer (JSON or HTML) and says which of them it is, keeping the server's own
//! message (often in Portuguese, e.g. `O número 5511900009999 não existe.`).

use serde_json::Value;

/// Which kind of error answer the server gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401 `{"message":"Token is not present. Check your header and try again"}`.
    TokenMissing,
    /// 401 `{"error":"Check that the Session and Token are correct"}`: wrong or foreign token.
    InvalidToken,
    /// 400 `{"response":false|"error","message":"The SECRET_KEY is incorrect"|"The token is incorrect"}`.
    WrongSecretKey,
    /// 404 `{"response":null,"status":"Disconnected",…}`: the session is not connected.
    Disconnected,
    /// 400 `{"response":null,"status":"Connected","message":"O número … não existe."}`.
    NumberNotFound,
    /// 500 (or other) `{"status":"error"|"Error"|false,"message":…,"error":…}`: the action failed.
    Failed,
    /// An HTML page from Express: malformed JSON body (400), unknown route (404 `Cannot GET …`).
    Html,
    /// Any other shape.
    Other,
}

/// A classified error answer, with the server's message and the whole body.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBody {
    /// Which kind of answer it is.
    pub kind: ErrorKind,
    /// The server's message, as sent (for HTML: the first line of the page text).
    pub message: Option<String>,
    /// The body: JSON as parsed, or the page text as a JSON string.
    pub body: Value,
}

const HTML_MESSAGE_LIMIT: usize = 200;

impl ErrorBody {
    /// Classifies an error answer from its bytes (and its `Content-Type`, when known).
    #[must_use]
    pub fn parse(content_type: Option<&str>, bytes: &[u8]) -> Self {
        let is_html = content_type.is_some_and(|ct| ct.starts_with("text/html"));
        if !is_html {
            if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
                return Self::from_json(value);
            }
        }
        let text = String::from_utf8_lossy(bytes);
        let looks_html = is_html || text.trim_start().starts_with('<');
        let message = if looks_html {
            html_message(&text)
        } else {
            first_line(&text)
        };
        Self {
            kind: if looks_html {
                ErrorKind::Html
            } else {
                ErrorKind::Other
            },
            message,
            body: Value::String(text.into_owned()),
        }
    }

    /// Classifies a JSON error body.
    #[must_use]
    pub fn from_json(body: Value) -> Self {
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
        let status = body.get("status");
        let response = body.get("response");
        let kind = if let Some(error) = text("error") {
            if error.contains("Session and Token") || error.contains("Token are correct") {
                ErrorKind::InvalidToken
            } else {
                ErrorKind::Failed
            }
        } else if text("message").is_some_and(|m| m.starts_with("Token is not present")) {
            ErrorKind::TokenMissing
        } else if response.is_some_and(Value::is_null)
            && status.and_then(Value::as_str) == Some("Disconnected")
        {
            ErrorKind::Disconnected
        } else if response.is_some_and(Value::is_null)
            && status.and_then(Value::as_str) == Some("Connected")
        {
            ErrorKind::NumberNotFound
        } else if matches!(response, Some(Value::Bool(false)))
            || response.and_then(Value::as_str) == Some("error")
        {
            ErrorKind::WrongSecretKey
        } else if matches!(status, Some(Value::Bool(false)))
            || status
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("error"))
        {
            ErrorKind::Failed
        } else {
            ErrorKind::Other
        };
        let message = match kind {
            ErrorKind::InvalidToken => text("error"),
            _ => text("message")
                .or_else(|| text("error"))
                .or_else(|| {
                    body.get("response")
                        .and_then(|r| r.get("message"))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .or_else(|| text("response")),
        };
        Self {
            kind,
            message,
            body,
        }
    }
}

fn first_line(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(line.chars().take(HTML_MESSAGE_LIMIT).collect())
}

/// The first meaningful line of an Express error page, without tags or stack frames.
fn html_message(html: &str) -> Option<String> {
    let inner = html
        .split_once("<pre>")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map_or(html, |(pre, _)| pre);
    let mut text = String::with_capacity(inner.len().min(1024));
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push('\n');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("at ") && !l.eq_ignore_ascii_case("error"))
        .map(|l| l.chars().take(HTML_MESSAGE_LIMIT).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_server_error_shape_is_classified() {
        let table = [
            (
                json!({"message": "Token is not present. Check your header and try again"}),
                ErrorKind::TokenMissing,
            ),
            (
                json!({"error": "Check that the Session and Token are correct"}),
                ErrorKind::InvalidToken,
            ),
            (
                json!({"error": "Check that the Session and Token are correct", "session": ""}),
                ErrorKind::InvalidToken,
            ),
            (
                json!({"error": "Check that a Session and Token are correct", "message": {}}),
                ErrorKind::InvalidToken,
            ),
            (
                json!({"response": false, "message": "The SECRET_KEY is incorrect"}),
                ErrorKind::WrongSecretKey,
            ),
            (
                json!({"response": "error", "message": "The token is incorrect"}),
                ErrorKind::WrongSecretKey,
            ),
            (
                json!({"response": null, "status": "Disconnected", "message": "A sessão do WhatsApp não está ativa."}),
                ErrorKind::Disconnected,
            ),
            (
                json!({"response": null, "status": "Connected", "message": "O número 5511900009999 não existe."}),
                ErrorKind::NumberNotFound,
            ),
            (
                json!({"status": "error", "message": "Error on send reaction to message", "error": {}}),
                ErrorKind::Failed,
            ),
            (
                json!({"status": "Error", "message": "Erro ao enviar a mensagem.", "error": {}}),
                ErrorKind::Failed,
            ),
            (
                json!({"status": false, "message": "Error closing session", "error": {"level": "error"}}),
                ErrorKind::Failed,
            ),
            (
                json!({"message": "Sending the file is mandatory"}),
                ErrorKind::Other,
            ),
            (json!([1, 2]), ErrorKind::Other),
        ];
        for (body, kind) in table {
            let parsed = ErrorBody::from_json(body.clone());
            assert_eq!(parsed.kind, kind, "{body}");
            assert_eq!(parsed.body, body);
        }
        let nf = ErrorBody::from_json(
            json!({"response": null, "status": "Connected", "message": "O número 5511900009999 não existe."}),
        );
        assert_eq!(
            nf.message.as_deref(),
            Some("O número 5511900009999 não existe.")
        );
    }

    #[test]
    fn html_pages_give_their_first_line_without_stack() {
        let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Unexpected token } in JSON at position 10<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)</pre>\n</body>\n</html>\n";
        let e = ErrorBody::parse(Some("text/html; charset=utf-8"), page.as_bytes());
        assert_eq!(e.kind, ErrorKind::Html);
        assert_eq!(
            e.message.as_deref(),
            Some("SyntaxError: Unexpected token } in JSON at position 10")
        );
        let e = ErrorBody::parse(None, b"<pre>Cannot GET /api/x/nope</pre>");
        assert_eq!(e.message.as_deref(), Some("Cannot GET /api/x/nope"));
        let e = ErrorBody::parse(Some("text/plain"), b"Bad Gateway\n");
        assert_eq!(e.kind, ErrorKind::Other);
        assert_eq!(e.message.as_deref(), Some("Bad Gateway"));
        let e = ErrorBody::parse(None, &[0xff, 0xfe]);
        assert_eq!(e.kind, ErrorKind::Other);
    }
}
