//! No secret escapes through the backend: a fake WPPConnect Server that echoes the secret key in
//! every error (an HTML 404 naming the path, as Express does, and JSON messages) must not get it
//! into any API answer nor any log line written through the backend's log writer (the one `run`
//! installs), whichever crate logs it. Its own test binary: it owns the global log subscriber.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::{Auth, Backend, Parts, RedactLogs, Store};

const SECRET_KEY: &str = "THE-SERVERS-SECRET-KEY-5678";
const JWT_SECRET: &str = "secrets-test-jwt-secret-of-32+bytes!";

/// Every log line of the process, at every level.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(
            &self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
        .into_owned()
    }
}

/// Answers like a server leaking its key: an HTML 404 `Cannot POST /api/loja/<KEY>/generate-token`
/// for generate-token, and a JSON 500 whose message carries the key for anything else.
struct Leaky;

impl Respond for Leaky {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        if path.ends_with("/generate-token") {
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot {} {path}</pre>\n</body>\n</html>\n",
                request.method
            );
            return ResponseTemplate::new(404)
                .insert_header("content-type", "text/html; charset=utf-8")
                .set_body_string(html);
        }
        ResponseTemplate::new(500).set_body_json(json!({
            "status": "error",
            "message": format!("Error at http://127.0.0.1:21465/api/{SECRET_KEY}{path} (key {SECRET_KEY})"),
            "error": SECRET_KEY,
        }))
    }
}

#[tokio::test]
async fn the_secret_key_echoed_by_the_server_reaches_no_answer_and_no_log() {
    let logs = Logs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        // the backend's log writer, as `run` installs it
        .with_writer(RedactLogs(move || writer.clone()))
        .with_ansi(false)
        .init();

    let upstream = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Leaky)
        .mount(&upstream)
        .await;
    let client = Client::builder(&upstream.uri())
        .unwrap()
        .secret_key(SECRET_KEY)
        // `main` has a token (its calls reach the routes); `loja` needs generate-token
        .token("main", "main-token")
        .unwrap()
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let store = Store::open("sqlite::memory:").await.unwrap();
    let auth = Auth::new(
        HashMap::from([("ana".to_owned(), hash_password("s3nha").unwrap())]),
        JWT_SECRET,
    );
    let parts = Parts {
        secret_key: Some(SECRET_KEY.to_owned()),
        sessions: vec!["main".to_owned(), "loja".to_owned()],
        ..Parts::new(client, store, auth, "hook-secret-of-the-test")
    };
    let backend = Backend::bind("127.0.0.1:0", parts).await.unwrap();
    let base = backend.url();
    backend.spawn();
    let http = reqwest::Client::new();
    let token = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "ana", "password": "s3nha"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut answers = Vec::new();
    for session in ["main", "loja"] {
        for (method, path, body) in [
            ("POST", format!("/api/sessions/{session}/start"), None),
            ("GET", format!("/api/sessions/{session}"), None),
            ("POST", format!("/api/sessions/{session}/logout"), None),
            (
                "POST",
                "/api/messages".to_owned(),
                Some(json!({"sessionName": session, "phone": "5511999999999", "message": "oi"})),
            ),
            (
                "POST",
                format!("/api/conversations/5511999999999@c.us/read?session={session}"),
                None,
            ),
            ("GET", "/health".to_owned(), None),
            ("GET", "/api/health".to_owned(), None),
        ] {
            let mut request = http
                .request(method.parse().unwrap(), format!("{base}{path}"))
                .bearer_auth(&token);
            if let Some(body) = body {
                request = request.json(&body);
            }
            let answer = request.send().await.unwrap();
            let status = answer.status();
            let headers = format!("{:?}", answer.headers());
            let text = answer.text().await.unwrap();
            answers.push(format!("{method} {path} -> {status} {headers} {text}"));
        }
    }
    let answers = answers.join("\n");
    let logs = logs.text();
    for (what, text) in [("answers", &answers), ("logs", &logs)] {
        assert!(
            !text.contains(SECRET_KEY) && !text.contains("SECRET-KEY"),
            "the key leaked into the {what}:\n{text}"
        );
    }
    // not vacuous: the server's text did reach the answers and the logs, cut
    assert!(answers.contains("<redacted>"), "{answers}");
    assert!(logs.contains("WPPConnect call failed"), "{logs}");
    assert!(logs.contains("<redacted>"), "{logs}");
}
