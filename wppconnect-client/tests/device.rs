//! Profile routes and operations: number profile and "about" text, own status and name,
//! platform of a message, presence, battery, host device, screenshot, calls, limits, Chatwoot,
//! clear-session-data, restore-sessions, `/api-docs`, `/metrics`, `/unhealthy`. Answers
//! constructed from the server's deviceController.ts, sessionController.ts and
//! miscController.ts at 2.10.4 (see `fixtures/device/README.md`).

mod support;

use serde_json::{json, Value};
use support::{bearer, catch_all, client, error_text, server, SECRET, SESSION};
use wiremock::matchers::{body_json, body_string_contains, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use wppconnect_client::models::device::{ChatwootEvent, Limit, LimitValue, Platform};
use wppconnect_client::{Error, Session, Upload, WppApi};

fn fixture(name: &str) -> Value {
    let text = match name {
        "get-platform-from-message" => {
            include_str!("fixtures/device/get-platform-from-message.json")
        }
        "success" => include_str!("fixtures/device/success.json"),
        "subscribe-presence" => include_str!("fixtures/device/subscribe-presence.json"),
        "set-online-presence" => include_str!("fixtures/device/set-online-presence.json"),
        "get-battery-level" => include_str!("fixtures/device/get-battery-level.json"),
        "host-device" => include_str!("fixtures/device/host-device.json"),
        "take-screenshot" => include_str!("fixtures/device/take-screenshot.json"),
        "reject-call" => include_str!("fixtures/device/reject-call.json"),
        "chatwoot" => include_str!("fixtures/device/chatwoot.json"),
        "profile" => include_str!("fixtures/device/profile.json"),
        "profile-status" => include_str!("fixtures/device/profile-status.json"),
        "set-profile-status" => include_str!("fixtures/device/set-profile-status.json"),
        "change-username" => include_str!("fixtures/device/change-username.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

const MESSAGE: &str = "false_5511999999999@c.us_3EB0C767D71D8A4BD7A5";

async fn get(server: &MockServer, route: &str, answer: Value) {
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/{route}")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .named(route)
        .mount(server)
        .await;
}

async fn post(server: &MockServer, route: &str, body: Value, answer: Value) {
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/{route}")))
        .and(bearer())
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .named(route)
        .mount(server)
        .await;
}

async fn session(server: &MockServer) -> Session {
    catch_all(server).await;
    client(server).session(SESSION).unwrap()
}

#[tokio::test]
async fn a_numbers_profile_and_about_text_are_read() {
    let server = server().await;
    get(&server, "profile/5511999999999", fixture("profile")).await;
    get(
        &server,
        "profile-status/5511999999999",
        fixture("profile-status"),
    )
    .await;
    let session = session(&server).await;

    let profile = session.profile("+55 11 99999-9999").await.unwrap();
    assert!(profile.number_exists);
    assert_eq!(profile.id.as_str(), "5511999999999@c.us");
    let about = WppApi::profile_status(&session, "5511999999999@c.us")
        .await
        .unwrap();
    assert_eq!(about.status.as_deref(), Some("Disponível"));
}

#[tokio::test]
async fn the_accounts_about_text_and_name_are_set() {
    let server = server().await;
    post(
        &server,
        "profile-status",
        json!({"status": "Atendimento das 8h às 18h"}),
        fixture("set-profile-status"),
    )
    .await;
    post(
        &server,
        "change-username",
        json!({"name": "Loja Centro"}),
        fixture("change-username"),
    )
    .await;
    let session = session(&server).await;
    session
        .set_profile_status("Atendimento das 8h às 18h")
        .await
        .unwrap();
    session.change_username("Loja Centro").await.unwrap();
}

#[tokio::test]
async fn the_phone_and_a_messages_platform_are_read() {
    let server = server().await;
    get(
        &server,
        &format!("get-platform-from-message/{MESSAGE}"),
        fixture("get-platform-from-message"),
    )
    .await;
    get(&server, "get-battery-level", fixture("get-battery-level")).await;
    get(&server, "host-device", fixture("host-device")).await;
    get(&server, "take-screenshot", fixture("take-screenshot")).await;
    let session = session(&server).await;

    assert_eq!(
        session.get_platform_from_message(MESSAGE).await.unwrap(),
        Platform::Android
    );
    assert_eq!(session.get_battery_level().await.unwrap(), Some(87));
    let device = session.host_device().await.unwrap();
    assert_eq!(
        device.phone_number.as_ref().map(|id| id.as_str()),
        Some("5511999999999@c.us")
    );
    assert_eq!(
        device.wid.as_ref().map(|id| id.as_str()),
        Some("5511999999999@c.us")
    );
    assert_eq!(device.platform.as_deref(), Some("android"));
    assert_eq!(device.extra["lc"], "BR");
    let shot = session.take_screenshot().await.unwrap();
    assert_eq!(shot.mimetype, "image/png");
    assert_eq!(&shot.bytes[..4], b"\x89PNG");
}

#[tokio::test]
async fn presence_is_subscribed_and_set() {
    let server = server().await;
    post(
        &server,
        "subscribe-presence",
        json!({"phone": ["5511999999999", "5511988887777"], "isGroup": false, "all": false}),
        fixture("subscribe-presence"),
    )
    .await;
    post(
        &server,
        "subscribe-presence",
        json!({"isGroup": true, "all": true}),
        fixture("subscribe-presence"),
    )
    .await;
    post(
        &server,
        "set-online-presence",
        json!({"isOnline": false}),
        fixture("set-online-presence"),
    )
    .await;
    let session = session(&server).await;

    let done = session
        .subscribe_presence(&["+55 11 99999-9999", "5511988887777@c.us"])
        .await
        .unwrap();
    assert_eq!(done.message.as_deref(), Some("Subscribe presence executed"));
    session.subscribe_presence_all(true).await.unwrap();
    session.set_online_presence(false).await.unwrap();
}

#[tokio::test]
async fn a_call_is_rejected_once_even_when_the_answer_is_a_502() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/reject-call")))
        .and(bearer())
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    post(
        &server,
        "reject-call",
        json!({"callId": "CALL1"}),
        fixture("reject-call"),
    )
    .await;
    let session = session(&server).await;
    let err = session.reject_call(None).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(session.reject_call(Some("CALL1")).await.unwrap(), 1);
}

#[tokio::test]
async fn set_limit_and_chatwoot_carry_no_token() {
    let server = server().await;
    // server 2.10.4 has no middleware on these two routes: no token is minted or sent
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/set-limit")))
        .and(body_json(
            json!({"type": "maxFileSize", "value": 104_857_600}),
        ))
        // the controller answers wa-js setLimit's value bare: maxFileSize gives the new size
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(104_857_600)))
        .expect(1)
        .mount(&server)
        .await;
    let event = json!({"event": "message_created", "message_type": "outgoing",
                       "conversation": {"meta": {"sender": {"phone_number": "+5511999999999"}},
                                        "messages": [{"content": "Olá"}]},
                       "account": {"id": 1}});
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/chatwoot")))
        .and(body_json(event.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("chatwoot")))
        .expect(1)
        .mount(&server)
        .await;
    let session = session(&server).await;

    let answer = session
        .set_limit(Limit::MaxFileSize(104_857_600))
        .await
        .unwrap();
    assert_eq!(answer, Some(LimitValue::Number(104_857_600)));
    let event: ChatwootEvent = serde_json::from_value(event).unwrap();
    assert_eq!(event.extra["account"]["id"], 1);
    let done = session.chatwoot(&event).await.unwrap();
    assert_eq!(done.message.as_deref(), Some("Success on receive chatwoot"));

    let requests = server.received_requests().await.unwrap();
    assert!(requests
        .iter()
        .all(|r| !r.headers.contains_key("authorization")));
    assert!(requests
        .iter()
        .all(|r| !r.url.path().contains("generate-token")));
}

#[tokio::test]
async fn session_data_is_cleared_with_the_secret_key_and_never_repeated() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/{SECRET}/clear-session-data")))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/{SECRET}/clear-session-data")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("success")))
        .expect(1)
        .mount(&server)
        .await;
    let session = session(&server).await;

    let err = session.clear_session_data().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(!error_text(&err).contains(SECRET));
    assert!(session.clear_session_data().await.unwrap().success);
    let requests = server.received_requests().await.unwrap();
    assert!(requests
        .iter()
        .all(|r| !r.headers.contains_key("authorization")));
}

#[tokio::test]
async fn a_backup_is_restored_as_a_zip_part_named_file() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SECRET}/restore-sessions")))
        .and(header_exists("content-type"))
        .and(body_string_contains(
            "name=\"file\"; filename=\"backup.bin\"",
        ))
        .and(body_string_contains("Content-Type: application/zip"))
        .and(body_string_contains("PK\u{3}\u{4}zipped"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("success")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = client(&server);
    let done = client
        .restore_sessions(Upload::bytes(&b"PK\x03\x04zipped"[..], "backup.bin"))
        .await
        .unwrap();
    assert!(done.success);
    let requests = server.received_requests().await.unwrap();
    assert!(requests
        .iter()
        .all(|r| !r.headers.contains_key("authorization")));

    let no_key = wppconnect_client::Client::builder(&server.uri())
        .unwrap()
        .build()
        .unwrap();
    assert!(matches!(
        no_key
            .restore_sessions(Upload::bytes(&b"PK"[..], "b.zip"))
            .await,
        Err(Error::MissingSecretKey)
    ));
}

#[tokio::test]
async fn the_servers_own_routes_answer_text_and_unhealthy_takes_its_503() {
    let server = server().await;
    let metrics = include_str!("fixtures/device/metrics.txt");
    // observed.md §1: a Content-Type on this body-less GET makes the real server hang
    Mock::given(method("GET"))
        .and(path("/metrics"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/plain; charset=utf-8; version=0.0.4")
                .set_body_string(metrics),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api-docs"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/api-docs/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api-docs/"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/html; charset=utf-8")
                .set_body_string("<!DOCTYPE html><title>Swagger UI</title>"),
        )
        .expect(1)
        .mount(&server)
        .await;
    // stopping the server is never repeated: one 503, one request
    Mock::given(method("GET"))
        .and(path("/unhealthy"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = client(&server);

    let text = client.metrics().await.unwrap();
    assert!(text.contains("process_cpu_seconds_total 1.234"));
    assert!(client.api_docs().await.unwrap().contains("Swagger UI"));
    client.unhealthy().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    for request in &requests {
        assert!(
            !request.headers.contains_key("content-type"),
            "{} sent a Content-Type",
            request.url
        );
        assert!(!request.headers.contains_key("authorization"));
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let server = server().await;
    let session = session(&server).await;
    let invalid = |result: Result<(), Error>| matches!(result, Err(Error::InvalidInput { .. }));

    assert!(invalid(session.profile("abc").await.map(drop)));
    assert!(invalid(session.profile_status("12").await.map(drop)));
    assert!(invalid(session.change_username(" ").await));
    assert!(invalid(
        session.get_platform_from_message("3EB0").await.map(drop)
    ));
    assert!(invalid(
        session.subscribe_presence(&[] as &[&str]).await.map(drop)
    ));
    assert!(invalid(
        session
            .subscribe_presence(&["5511999999999", "120363025746331234@g.us"])
            .await
            .map(drop)
    ));
    assert!(invalid(session.reject_call(Some("")).await.map(drop)));
    assert!(invalid(
        session
            .set_limit(Limit::UnlimitedPin(false))
            .await
            .map(drop)
    ));
    assert!(invalid(
        session.set_limit(Limit::MaxShare(0)).await.map(drop)
    ));
    assert!(invalid(
        session
            .set_limit(Limit::MaxFileSize(Limit::MAX_FILE_SIZE + 1))
            .await
            .map(drop)
    ));

    assert!(server.received_requests().await.unwrap().is_empty());
}
