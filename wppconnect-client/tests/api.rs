//! `WppApi`: every typed operation behind one trait, for fakes; `Session` implements all of them.

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::models::message::{SendFile, SendMessage, SendReply};
use wppconnect_client::models::session::{StartSession, StatusMessage, TokenResponse};
use wppconnect_client::models::{Message, SessionState};
use wppconnect_client::{Error, File, Result, WppApi};

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
