//! `WppApi`: every typed operation behind one trait, for fakes; `Session` implements all of them.
//! `WppServerApi`: the same for the server-level operations; `Client` implements all of them.

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SECRET, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::models::message::{SendFile, SendMessage, SendReply};
use wppconnect_client::models::session::{StartSession, StatusMessage, TokenResponse};
use wppconnect_client::models::{Confirmation, Health, Message, SessionName, SessionState};
use wppconnect_client::{Error, File, Result, WppApi, WppServerApi};

/// A service that only sees the trait.
async fn confirm_order(api: &dyn WppApi, to: &str, order: &str) -> Result<usize> {
    let reply = SendReply {
        phone: to.to_owned().into(),
        message: format!("Pedido {order} confirmado"),
        message_id: "false_5511999999999@c.us_3EB0C767D71D8A4BD7A5".to_owned(),
        ..SendReply::default()
    };
    let sent = api.send_reply(&reply).await?;
    api.react_message("false_5511999999999@c.us_3EB0C767D71D8A4BD7A5", "✅")
        .await?;
    Ok(sent.len())
}

#[tokio::test]
async fn a_session_serves_every_operation_of_the_trait_over_http() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-reply")))
        .and(bearer())
        .and(body_json(json!({
            "phone": "5511999999999",
            "message": "Pedido 4821 confirmado",
            "messageId": "false_5511999999999@c.us_3EB0C767D71D8A4BD7A5"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/react-message")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("react-message")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-voice-base64")))
        .and(bearer())
        .and(body_json(
            json!({"phone": "5511999999999", "base64Ptt": "data:audio/ogg;base64,T2dnUw=="}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    assert_eq!(
        confirm_order(&session, "5511999999999", "4821")
            .await
            .unwrap(),
        1
    );

    // the body a builder shows is the body the trait takes
    let (_, voice) = session
        .send_voice(
            "+55 11 99999-9999",
            File::bytes(b"OggS".to_vec(), "audio/ogg"),
        )
        .into_body()
        .await
        .unwrap();
    let api: &dyn WppApi = &session;
    let receipts = api.send_voice(&voice).await.unwrap();
    assert_eq!(receipts.len(), 1);
}

/// A fake that implements only the required operations and records replies.
#[derive(Default)]
struct Fake {
    replies: std::sync::Mutex<Vec<SendReply>>,
}

#[async_trait::async_trait]
impl WppApi for Fake {
    async fn generate_token(&self) -> Result<TokenResponse> {
        Err(Error::MissingSecretKey)
    }
    async fn start(&self, _: StartSession) -> Result<SessionState> {
        Err(Error::MissingSecretKey)
    }
    async fn status(&self) -> Result<SessionState> {
        Err(Error::MissingSecretKey)
    }
    async fn check_connection(&self) -> Result<bool> {
        Ok(true)
    }
    async fn send_message(&self, _: &SendMessage) -> Result<Vec<Message>> {
        Ok(Vec::new())
    }
    async fn logout(&self) -> Result<StatusMessage> {
        Err(Error::MissingSecretKey)
    }
    async fn send_reply(&self, body: &SendReply) -> Result<Vec<Message>> {
        self.replies.lock().unwrap().push(body.clone());
        Ok(Vec::new())
    }
}

#[tokio::test]
async fn a_fake_implements_only_what_its_service_calls() {
    let fake = Fake::default();
    let err = confirm_order(&fake, "5511999999999", "4821")
        .await
        .unwrap_err();
    // the reply was recorded; the reaction, not faked, says so
    assert_eq!(
        fake.replies.lock().unwrap()[0].message,
        "Pedido 4821 confirmado"
    );
    match err {
        Error::InvalidInput { reason } => {
            assert!(reason.contains("WppApi::react_message"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(fake.send_file(&SendFile::default()).await.is_err());
}

// ---- WppServerApi: the server-level operations, faked downstream ----

/// Service code that only sees the server trait: checks the server is up, mints a token for
/// each session of the store, then restarts them all. Answers (sessions, server message).
async fn restart_everything(server: &dyn WppServerApi) -> Result<(Vec<String>, Option<String>)> {
    let health = server.healthz().await?;
    assert_eq!(health.message, "OK");
    let mut ready = Vec::new();
    for session in server.show_all_sessions().await? {
        let token = server.generate_token(&session).await?;
        assert!(!token.token.is_empty());
        ready.push(token.session.as_str().to_owned());
    }
    let started = server.start_all().await?;
    Ok((ready, started.message))
}

/// A downstream fake: canned answers, and the calls it saw.
#[derive(Default)]
struct FakeServer {
    calls: std::sync::Mutex<Vec<String>>,
}

impl FakeServer {
    fn saw(&self, call: &str) {
        self.calls.lock().unwrap().push(call.to_owned());
    }
}

#[async_trait::async_trait]
impl WppServerApi for FakeServer {
    async fn healthz(&self) -> Result<Health> {
        self.saw("healthz");
        Ok(
            serde_json::from_value(json!({"uptime": 1.0, "message": "OK", "timestamp": 0}))
                .unwrap(),
        )
    }
    async fn show_all_sessions(&self) -> Result<Vec<SessionName>> {
        self.saw("show_all_sessions");
        Ok(vec![SessionName::new("loja").unwrap()])
    }
    async fn generate_token(&self, session: &SessionName) -> Result<TokenResponse> {
        self.saw(&format!("generate_token {session}"));
        Ok(serde_json::from_value(
            json!({"status": "success", "session": session.as_str(), "token": "fake-token"}),
        )
        .unwrap())
    }
    async fn start_all(&self) -> Result<Confirmation> {
        self.saw("start_all");
        Ok(serde_json::from_value(json!({"status": "success", "message": "faked"})).unwrap())
    }
}

#[tokio::test]
async fn server_level_code_runs_against_a_fake_and_against_the_client() {
    // the fake
    let fake = FakeServer::default();
    let (sessions, message) = restart_everything(&fake).await.unwrap();
    assert_eq!(sessions, ["loja"]);
    assert_eq!(message.as_deref(), Some("faked"));
    assert_eq!(
        *fake.calls.lock().unwrap(),
        [
            "healthz",
            "show_all_sessions",
            "generate_token loja",
            "start_all"
        ]
    );
    // an operation the fake does not implement says so, before anything is sent
    match fake.backup_sessions().await.unwrap_err() {
        Error::InvalidInput { reason } => {
            assert!(reason.contains("WppServerApi::backup_sessions"), "{reason}")
        }
        other => panic!("{other:?}"),
    }

    // the real client, over HTTP (generate-token is mounted by `server()`)
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/healthz"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("healthz")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SECRET}/show-all-sessions")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"response": [SESSION]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SECRET}/start-all")))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("start-all")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = client(&server);
    let (sessions, message) = restart_everything(&client).await.unwrap();
    assert_eq!(sessions, [SESSION]);
    assert_eq!(message.as_deref(), Some("Starting all sessions"));
    // one token minted per session of the store
    let minted = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/generate-token"))
        .count();
    assert_eq!(minted, 1);
}
