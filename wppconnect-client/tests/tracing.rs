//! Every request has a span (route template, session, status, latency), and no log line carries
//! the secret key or a token, at any level.

mod support;

use support::{bearer, catch_all, client, fixture, server, Capture, SECRET, SESSION, TOKEN};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn each_request_has_a_span_and_no_log_carries_a_secret() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.subscriber());

    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("status-session")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    session.status().await.unwrap();
    session
        .send_message("5511999999999", "oi")
        .await
        .unwrap_err();
    let secret_url = format!("{SESSION}/{SECRET}");
    let client = wppconnect_client::Client::builder(&server.uri())
        .unwrap()
        .secret_key("WRONG-KEY-1234")
        .build()
        .unwrap();
    client.session(SESSION).unwrap().status().await.unwrap_err();

    let logs = capture.text();
    assert!(
        logs.contains("route=\"GET /api/{session}/status-session\""),
        "{logs}"
    );
    assert!(logs.contains(&format!("session=\"{SESSION}\"")), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("status=502"), "{logs}");
    assert!(logs.contains("latency_ms="), "{logs}");
    assert!(
        logs.contains("route=\"POST /api/{session}/{secretkey}/generate-token\""),
        "{logs}"
    );
    for secret in [SECRET, TOKEN, "WRONG-KEY-1234", secret_url.as_str()] {
        assert!(
            !logs.contains(secret),
            "{secret} leaked into the logs:\n{logs}"
        );
    }
}
