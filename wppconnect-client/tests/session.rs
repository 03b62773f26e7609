//! Tokens and the session lifecycle routes.

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SECRET, SESSION, TOKEN};
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use wppconnect_client::models::SessionStatus;
use wppconnect_client::{Client, Error, QrCodeImage, WppApi};

#[tokio::test]
async fn the_token_is_generated_once_and_reused() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("status-session")))
        .expect(3)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    for _ in 0..3 {
        let state = session.status().await.unwrap();
        assert_eq!(state.status, SessionStatus::QrCode);
        assert!(state.qr_code_base64().unwrap().starts_with("iVBOR"));
    }
    let mints = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("generate-token"))
        .count();
    assert_eq!(mints, 1, "tokens cost the server ~54 ms each: cache them");
}

#[tokio::test]
async fn a_refused_token_is_regenerated_once() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/check-connection-session")))
        .and(header("authorization", "Bearer stale-token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("error-unauthorized")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/check-connection-session")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("check-connection-session")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder(&server.uri())
        .unwrap()
        .secret_key(SECRET)
        .token(SESSION, "stale-token")
        .unwrap()
        .build()
        .unwrap();
    assert!(client
        .session(SESSION)
        .unwrap()
        .check_connection()
        .await
        .unwrap());
}

#[tokio::test]
async fn a_token_refused_twice_is_unauthorized_and_never_loops() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(ResponseTemplate::new(401).set_body_json(fixture("error-unauthorized")))
        .expect(2)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let err = client(&server)
        .session(SESSION)
        .unwrap()
        .status()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(err.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(
        err.server_message(),
        Some("Check that the Session and Token are correct")
    );
}

#[tokio::test]
async fn a_user_token_in_full_form_is_used_without_the_secret() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("status-session-connected")))
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
    assert!(client
        .session(SESSION)
        .unwrap()
        .status()
        .await
        .unwrap()
        .is_connected());
    let missing = client.session("other").unwrap().status().await.unwrap_err();
    assert!(matches!(missing, Error::MissingSecretKey), "{missing:?}");
}

#[tokio::test]
async fn a_wrong_secret_key_is_reported_without_the_key() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/wrong-key/generate-token")))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(fixture("generate-token-wrong-secret")),
        )
        .mount(&server)
        .await;
    let client = Client::builder(&server.uri())
        .unwrap()
        .secret_key("wrong-key")
        .build()
        .unwrap();
    let err = client
        .session(SESSION)
        .unwrap()
        .generate_token()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WrongSecretKey { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("wrong-key"));
}

#[tokio::test]
async fn start_sends_the_webhook_and_answers_the_state_before_the_start() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/start-session")))
        .and(bearer())
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"webhook": "http://127.0.0.1:3000/webhook/x?token=t", "phone": "5511900000001"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("start-session-first-call")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let state = session
        .start()
        .webhook("http://127.0.0.1:3000/webhook/x?token=t")
        .phone("+55 11 90000-0001")
        .await
        .unwrap();
    assert_eq!(state.status, SessionStatus::Closed);
    let bad = session.start().phone("not a phone").await.unwrap_err();
    assert!(matches!(bad, Error::InvalidInput { .. }));
}

#[tokio::test]
async fn bodiless_requests_carry_no_content_type() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/logout-session")))
        .and(bearer())
        .respond_with(|request: &Request| {
            if request.headers.contains_key("content-type") || !request.body.is_empty() {
                ResponseTemplate::new(418)
            } else {
                ResponseTemplate::new(200).set_body_json(fixture("logout-session"))
            }
        })
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let answer = client(&server)
        .session(SESSION)
        .unwrap()
        .logout()
        .await
        .unwrap();
    assert!(answer.status);
}

#[tokio::test]
async fn check_connection_reads_the_boolean_not_the_status_code() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/check-connection-session")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("check-connection-session-disconnected")),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    assert!(!client(&server)
        .session(SESSION)
        .unwrap()
        .check_connection()
        .await
        .unwrap());
}

#[tokio::test]
async fn not_connected_is_not_a_missing_route() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/logout-session")))
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture("error-disconnected")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/nope")))
        .respond_with(ResponseTemplate::new(404).insert_header("content-type", "text/html; charset=utf-8").set_body_string(
            "<!DOCTYPE html><html><body><pre>Cannot GET /api/NERDWHATS_AMERICA/nope</pre></body></html>",
        ))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let err = session.logout().await.unwrap_err();
    assert!(err.is_not_connected(), "{err:?}");
    assert_eq!(
        err.server_message(),
        Some("A sessão do WhatsApp não está ativa.")
    );
    let err = session.get::<serde_json::Value>("nope").await.unwrap_err();
    match err {
        Error::Api {
            status, message, ..
        } => {
            assert_eq!(status, 404);
            assert_eq!(
                message.as_deref(),
                Some("Cannot GET /api/NERDWHATS_AMERICA/nope")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn qrcode_is_png_bytes_or_a_typed_reason() {
    let server = server().await;
    let png =
        wppconnect_client::qr::png_bytes(fixture("status-session")["qrcode"].as_str().unwrap())
            .unwrap();
    Mock::given(method("GET"))
        .and(path("/api/with-qr/qrcode-session"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/png")
                .set_body_bytes(png.clone()),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/with-qr/{SECRET}/generate-token")))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("generate-token")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/qrcode-session")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("qrcode-session-not-available")),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = client(&server);
    match client.session("with-qr").unwrap().qrcode().await.unwrap() {
        QrCodeImage::Png(bytes) => assert_eq!(bytes.as_ref(), png.as_slice()),
        other => panic!("{other:?}"),
    }
    match client.session(SESSION).unwrap().qrcode().await.unwrap() {
        QrCodeImage::Unavailable(reason) => {
            assert!(reason.message.unwrap().contains("QRCode is not available"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn admin_routes_use_the_secret_key() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SECRET}/show-all-sessions")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("show-all-sessions")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let names = client(&server).show_all_sessions().await.unwrap();
    assert_eq!(names.len(), 3);
    let without = Client::builder(&server.uri()).unwrap().build().unwrap();
    assert!(matches!(
        without.show_all_sessions().await,
        Err(Error::MissingSecretKey)
    ));
}

#[tokio::test]
async fn odd_session_names_are_refused_or_percent_encoded() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/%C3%A7%C3%A3o/{SECRET}/generate-token")))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("generate-token")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/%C3%A7%C3%A3o/status-session"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("status-session-connected")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = client(&server);
    assert!(client
        .session("ção")
        .unwrap()
        .status()
        .await
        .unwrap()
        .is_connected());
    for bad in ["", "a/b", "a:b", "..", "a b"] {
        assert!(
            matches!(client.session(bad), Err(Error::InvalidInput { .. })),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn a_session_named_dot_is_refused_before_any_request() {
    // `.` used to vanish from the URL: generate-token went to /api/<SECRET_KEY>/generate-token
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    let too_long = "a".repeat(wppconnect_client::models::SessionName::MAX_LEN + 1);
    for bad in [
        ".",
        "..",
        "%2E",
        "%2e%2e",
        "a\\b",
        "a;b",
        "a?b",
        "a#b",
        " ",
        "a\r\nb",
        "a\u{0}b",
        "a\u{7f}",
        "--help",
        "__proto__",
        too_long.as_str(),
    ] {
        let err = client.session(bad).unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "{bad:?}: {err:?}"
        );
        assert!(!err.to_string().contains(SECRET));
    }
    // the escape hatch cannot smuggle a dot segment in either
    let session = client.session(SESSION).unwrap();
    for bad in ["..", "x/./y", "x/../../start-all"] {
        let err = session.get::<serde_json::Value>(bad).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "{bad:?}: {err:?}"
        );
    }
    // a name the server sent back is checked again before it goes into a URL
    let wire = wppconnect_client::models::SessionName::from_wire(".");
    assert!(client.session(wire.as_str()).is_err());
}

#[tokio::test]
async fn wait_until_connected_yields_each_state_then_ends() {
    let server = server().await;
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let body = match n {
                0 => json!({"status": "INITIALIZING", "qrcode": null}),
                1 | 2 => fixture("status-session"),
                _ => fixture("status-session-connected"),
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    catch_all(&server).await;
    use futures::StreamExt;
    let session = client(&server).session(SESSION).unwrap();
    let updates: Vec<_> = session
        .wait_until_connected(
            std::time::Duration::from_millis(5),
            std::time::Duration::from_secs(5),
        )
        .collect()
        .await;
    let statuses: Vec<SessionStatus> = updates
        .into_iter()
        .map(|u| match u.unwrap() {
            wppconnect_client::LoginUpdate::State(s) => s.status,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        statuses,
        [
            SessionStatus::Initializing,
            SessionStatus::QrCode,
            SessionStatus::Connected
        ]
    );
}

#[tokio::test]
async fn wait_until_connected_times_out() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("status-session")))
        .mount(&server)
        .await;
    catch_all(&server).await;
    use futures::StreamExt;
    let session = client(&server).session(SESSION).unwrap();
    let updates: Vec<_> = session
        .wait_until_connected(
            std::time::Duration::from_millis(5),
            std::time::Duration::from_millis(100),
        )
        .collect()
        .await;
    assert_eq!(updates.len(), 2, "one QR state, then the timeout");
    assert!(matches!(updates[1], Err(Error::Timeout { .. })));
}

#[tokio::test]
async fn wait_until_connected_ends_at_once_when_the_session_is_closed() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("status-session")))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    // after the auto-close (no scan), as 2.10.4 answers
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "CLOSED", "qrcode": null, "version": "2.10.4"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    use futures::StreamExt;
    let session = client(&server).session(SESSION).unwrap();
    // the wait's own deadline is long: the stream must end because of CLOSED, not of it
    let updates: Vec<_> = session
        .wait_until_connected(
            std::time::Duration::from_millis(5),
            std::time::Duration::from_secs(60),
        )
        .collect()
        .await;
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(matches!(
        &updates[0],
        Ok(wppconnect_client::LoginUpdate::State(s)) if s.status == SessionStatus::QrCode
    ));
    match &updates[1] {
        Err(Error::SessionClosed { session, status }) => {
            assert_eq!(session.as_str(), SESSION);
            assert_eq!(*status, SessionStatus::Closed);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn wait_until_connected_waits_its_interval_after_a_change() {
    let server = server().await;
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    // a new QR code on every poll: each answer is a change
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(
                json!({"status": "QRCODE", "qrcode": null, "urlcode": format!("2@qr{n}")}),
            )
        })
        .mount(&server)
        .await;
    catch_all(&server).await;
    use futures::StreamExt;
    let session = client(&server).session(SESSION).unwrap();
    // an interval far longer than the wait: only the first poll may happen
    let updates: Vec<_> = session
        .wait_until_connected(
            std::time::Duration::from_secs(3600),
            std::time::Duration::from_secs(2),
        )
        .collect()
        .await;
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "polled again before the interval: {updates:?}"
    );
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(matches!(
        updates[1],
        Err(Error::Timeout {
            kind: wppconnect_client::TimeoutKind::Deadline,
            ..
        })
    ));
}

#[tokio::test]
async fn logout_posts_without_a_body_and_reads_the_answer() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/logout-session")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("logout-session")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let answer = client(&server)
        .session(SESSION)
        .unwrap()
        .logout()
        .await
        .unwrap();
    assert!(answer.status);
    assert_eq!(
        answer.message.as_deref(),
        Some("Session successfully closed")
    );
    let requests = server.received_requests().await.unwrap();
    let logout = requests
        .iter()
        .find(|r| r.url.path().ends_with("logout-session"))
        .unwrap();
    assert!(logout.body.is_empty());
    assert!(!logout.headers.contains_key("content-type"));
}

#[tokio::test]
async fn a_close_that_answers_500_but_closes_is_ok_and_one_that_does_not_is_an_error() {
    let close_500 =
        json!({"status": false, "message": "Error closing session", "error": {"level": "error"}});
    for (state, closed) in [("CLOSED", true), ("CONNECTED", false)] {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path(format!("/api/{SESSION}/close-session")))
            .and(bearer())
            .respond_with(ResponseTemplate::new(500).set_body_json(&close_500))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/api/{SESSION}/status-session")))
            .and(bearer())
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"status": state, "qrcode": null})),
            )
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;
        let answer = client(&server).session(SESSION).unwrap().close().await;
        if closed {
            let answer = answer.unwrap();
            assert!(!answer.status, "the server's own report is kept");
            assert_eq!(answer.message.as_deref(), Some("Error closing session"));
        } else {
            match answer.unwrap_err() {
                Error::Api {
                    status, message, ..
                } => {
                    assert_eq!(status, reqwest::StatusCode::INTERNAL_SERVER_ERROR);
                    assert_eq!(message.as_deref(), Some("Error closing session"));
                }
                other => panic!("expected Api, got {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn a_plain_close_reads_the_answer() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/close-session")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("close-session")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let answer = client(&server)
        .session(SESSION)
        .unwrap()
        .close()
        .await
        .unwrap();
    assert!(answer.status);
}

#[tokio::test]
async fn the_escape_hatch_shares_auth_paths_and_errors() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/get-all-labels")))
        .and(bearer())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "success", "response": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/add-new-label")))
        .and(bearer())
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"name": "VIP", "options": {"labelColor": "#ff0000"}}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"status": "success", "response": {"id": "3"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/get-battery-level")))
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture("error-disconnected")))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let labels: serde_json::Value = session.get("/get-all-labels").await.unwrap();
    assert_eq!(labels["response"], json!([]));
    let created: serde_json::Value = session
        .post(
            "add-new-label",
            &json!({"name": "VIP", "options": {"labelColor": "#ff0000"}}),
        )
        .await
        .unwrap();
    assert_eq!(created["response"]["id"], "3");
    let err = session
        .get::<serde_json::Value>("get-battery-level")
        .await
        .unwrap_err();
    assert!(err.is_not_connected(), "{err:?}");
}

/// A fake a user would put behind their service in tests.
#[derive(Default)]
struct Recorder {
    sent: std::sync::Mutex<Vec<wppconnect_client::models::message::SendMessage>>,
}

#[async_trait::async_trait]
impl WppApi for Recorder {
    async fn generate_token(
        &self,
    ) -> wppconnect_client::Result<wppconnect_client::models::session::TokenResponse> {
        Err(Error::MissingSecretKey)
    }
    async fn start(
        &self,
        _options: wppconnect_client::models::session::StartSession,
    ) -> wppconnect_client::Result<wppconnect_client::models::SessionState> {
        Ok(wppconnect_client::models::SessionState::new(
            SessionStatus::Closed,
        ))
    }
    async fn status(&self) -> wppconnect_client::Result<wppconnect_client::models::SessionState> {
        Ok(wppconnect_client::models::SessionState::new(
            SessionStatus::Connected,
        ))
    }
    async fn check_connection(&self) -> wppconnect_client::Result<bool> {
        Ok(true)
    }
    async fn send_message(
        &self,
        message: &wppconnect_client::models::message::SendMessage,
    ) -> wppconnect_client::Result<Vec<wppconnect_client::models::Message>> {
        self.sent.lock().unwrap().push(message.clone());
        Ok(Vec::new())
    }
    async fn logout(
        &self,
    ) -> wppconnect_client::Result<wppconnect_client::models::session::StatusMessage> {
        Err(Error::MissingSecretKey)
    }
}

/// A user's service, written against the trait.
async fn notify(api: &dyn WppApi, body: &wppconnect_client::models::message::SendMessage) -> usize {
    if !api.check_connection().await.unwrap() {
        return 0;
    }
    api.send_message(body).await.unwrap().len()
}

#[tokio::test]
async fn the_trait_takes_the_plain_request_a_fake_records_and_the_session_sends() {
    let body = client(&MockServer::start().await)
        .session(SESSION)
        .unwrap()
        .send_message("+55 11 99999-9999", "Seu pedido saiu")
        .quoted("true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281")
        .into_body()
        .unwrap();
    let fake = Recorder::default();
    assert_eq!(notify(&fake, &body).await, 0);
    assert_eq!(
        fake.sent.lock().unwrap().as_slice(),
        std::slice::from_ref(&body)
    );

    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/check-connection-session")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("check-connection-session")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .and(bearer())
        .and(body_json(serde_json::to_value(&body).unwrap()))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let real = client(&server).session(SESSION).unwrap();
    assert_eq!(notify(&real, &body).await, 1);
}

#[tokio::test]
async fn from_env_reads_the_url_and_the_secret_key() {
    let server = server().await;
    catch_all(&server).await;
    // The only test of this binary that touches these variables.
    std::env::set_var("WPPCONNECT_URL", server.uri());
    std::env::set_var("WPPCONNECT_SECRET_KEY", SECRET);
    let client = Client::from_env().unwrap();
    std::env::remove_var("WPPCONNECT_URL");
    std::env::remove_var("WPPCONNECT_SECRET_KEY");
    assert_eq!(client.base_url().as_str(), format!("{}/", server.uri()));
    let token = client
        .session(SESSION)
        .unwrap()
        .generate_token()
        .await
        .unwrap();
    assert_eq!(token.token, TOKEN);
}

#[tokio::test]
async fn start_all_is_typed_and_never_repeated() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SECRET}/start-all")))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("start-all")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let started = client(&server).start_all().await.unwrap();
    assert_eq!(started.status, "success");
    assert_eq!(started.message.as_deref(), Some("Starting all sessions"));

    // A 502 is not repeated: the server may already be starting every session.
    let failing = wppconnect_client::Client::builder(&server.uri())
        .unwrap()
        .secret_key("another-key")
        .build()
        .unwrap();
    Mock::given(method("POST"))
        .and(path("/api/another-key/start-all"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    assert!(failing.start_all().await.is_err());
}
