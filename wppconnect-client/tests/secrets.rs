//! No text from the server reaches an error or a log with the secret key or a token in it, even
//! when the server echoes them back (Express: `Cannot POST /api/<SECRET_KEY>/generate-token`).

mod support;

use std::time::Duration;

use serde_json::json;
use support::{catch_all, error_text, Capture, SESSION, TOKEN};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use wppconnect_client::{Client, Error, RetryPolicy};

/// Express's answer to a route it does not have: an HTML page that repeats the raw path.
fn express_404(request: &Request) -> ResponseTemplate {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot {} {}</pre>\n</body>\n</html>\n",
        request.method,
        request.url.path().replace('&', "&amp;")
    );
    ResponseTemplate::new(404).set_body_raw(page, "text/html; charset=utf-8")
}

fn client_with(server: &MockServer, secret: &str) -> Client {
    Client::builder(&server.uri())
        .unwrap()
        .secret_key(secret)
        .timeout(Duration::from_secs(60))
        .retry(RetryPolicy {
            max_retries: 1,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_404_page_echoing_the_key_in_its_url_is_redacted_everywhere() {
    // plain, and with characters the URL percent-encodes (`/` → %2F, ` ` → %20, `&` → &amp; in HTML)
    for secret in ["THISISMYSECURETOKEN", "s3cr3t/ke y&ção"] {
        let capture = Capture::default();
        let _guard = tracing::subscriber::set_default(capture.subscriber());
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path_regex("/generate-token$"))
            .respond_with(express_404)
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;
        let err = client_with(&server, secret)
            .session(SESSION)
            .unwrap()
            .status()
            .await
            .unwrap_err();
        let Error::Api {
            status, message, ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(status.as_u16(), 404);
        // the server's text is kept, with the key cut out
        assert_eq!(
            message.as_deref(),
            Some(format!("Cannot POST /api/{SESSION}/<redacted>/generate-token").as_str())
        );
        let received = server.received_requests().await.unwrap();
        let echoed_path = received[0].url.path().to_owned();
        let encoded_key = echoed_path.split('/').nth(3).unwrap().to_owned();
        let text = error_text(&err);
        let logs = capture.text();
        for leak in [secret, encoded_key.as_str()] {
            assert!(!text.contains(leak), "{leak} leaked into the error: {text}");
            assert!(!logs.contains(leak), "{leak} leaked into the logs: {logs}");
        }
    }
}

#[tokio::test]
async fn answers_echoing_the_key_or_the_token_in_json_are_redacted_in_errors_and_logs() {
    const SECRET: &str = "THISISMYSECURETOKEN";
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.subscriber());
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/{SECRET}/generate-token")))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(
                json!({"status": "success", "session": SESSION, "token": TOKEN, "full": format!("{SESSION}:{TOKEN}")}),
            ),
        )
        .mount(&server)
        .await;
    // a read answered 500, twice (it is retried, and the retry is logged with the error)
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(|request: &Request| {
            let auth = request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            ResponseTemplate::new(500).set_body_json(json!({
                "status": "error",
                "message": format!("bad header {auth} for /api/{SECRET}/x"),
                "error": {"headers": {"authorization": auth}, "key": SECRET},
            }))
        })
        .expect(2)
        .mount(&server)
        .await;
    // a 200 of the wrong shape that quotes the token where a boolean belongs
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/check-connection-session")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": TOKEN, "message": SECRET})),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client_with(&server, SECRET).session(SESSION).unwrap();

    let err = session.status().await.unwrap_err();
    let Error::Api { message, body, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        message.as_deref(),
        Some("bad header Bearer <redacted> for /api/<redacted>/x")
    );
    assert_eq!(body.body["error"]["key"], "<redacted>");
    let mut text = error_text(&err);

    let err = session.check_connection().await.unwrap_err();
    let Error::Decode { snippet, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(snippet.contains("<redacted>"), "{snippet}");
    text.push_str(&error_text(&err));

    let logs = capture.text();
    assert!(logs.contains("retrying"), "{logs}");
    for leak in [SECRET, TOKEN] {
        assert!(!text.contains(leak), "{leak} leaked into an error: {text}");
        assert!(!logs.contains(leak), "{leak} leaked into the logs: {logs}");
    }
}

#[tokio::test]
async fn a_token_given_to_the_builder_is_redacted_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .respond_with(|request: &Request| {
            let auth = request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            ResponseTemplate::new(502).set_body_string(format!("upstream refused {auth}\n"))
        })
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder(&server.uri())
        .unwrap()
        .token(SESSION, format!("{SESSION}:{TOKEN}"))
        .unwrap()
        .build()
        .unwrap();
    let err = client
        .session(SESSION)
        .unwrap()
        .send_message("5511999999999", "oi")
        .await
        .unwrap_err();
    assert_eq!(
        err.server_message(),
        Some("upstream refused Bearer <redacted>")
    );
    assert!(!error_text(&err).contains(TOKEN));
    assert_eq!(
        client.redact(&format!("token={TOKEN}")),
        "token=<redacted>",
        "the public redaction knows the same secrets"
    );
}
