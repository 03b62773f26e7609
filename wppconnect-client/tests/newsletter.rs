//! Newsletters (channels): bare answers, never repeated. Answers are the constructed fixtures
//! of `fixtures/newsletter/`.

mod support;

use serde_json::{json, Value};
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{any, body_json, method, path};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::models::newsletter::{EditNewsletter, NewsletterOptions};
use wppconnect_client::{Error, WppApi};

const GROUP: &str = "120363025746331234@g.us";
const CHANNEL: &str = "120363270000000000@newsletter";

fn fixture(name: &str) -> Value {
    let text = match name {
        "newsletter" => include_str!("fixtures/newsletter/newsletter.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

fn answer(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

#[tokio::test]
async fn newsletters_are_created_edited_deleted_and_muted() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/newsletter")))
        .and(bearer())
        .and(body_json(
            json!({"name": "Ofertas", "options": {"description": "Promoções da semana"}}),
        ))
        .respond_with(answer(201, fixture("newsletter")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/{SESSION}/newsletter/{CHANNEL}")))
        .and(bearer())
        .and(body_json(
            json!({"name": "Ofertas", "picture": "https://example.com/logo.jpg"}),
        ))
        .respond_with(answer(201, fixture("newsletter")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/api/{SESSION}/newsletter/{CHANNEL}")))
        .and(bearer())
        .respond_with(answer(201, json!(true)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/mute-newsletter/{CHANNEL}")))
        .and(bearer())
        .respond_with(answer(201, json!({"id": CHANNEL, "muteExpiration": -1})))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    let channel = session
        .create_newsletter("Ofertas")
        .description("Promoções da semana")
        .await
        .unwrap();
    assert_eq!(channel.id_jid.as_str(), CHANNEL);
    assert_eq!(
        channel.invite_link.as_deref(),
        Some("https://whatsapp.com/channel/0029VaAbCdEf123")
    );
    assert_eq!(channel.subscribers_count, Some(0));
    assert_eq!(channel.extra["verification"], "constructed-unknown-field");
    let edited = session
        .edit_newsletter("120363270000000000")
        .name("Ofertas")
        .picture("https://example.com/logo.jpg")
        .await
        .unwrap();
    assert_eq!(edited.name.as_deref(), Some("Ofertas"));
    assert!(session.delete_newsletter(CHANNEL).await.unwrap());
    let muted = session.mute_newsletter(CHANNEL).await.unwrap().unwrap();
    assert_eq!(muted["muteExpiration"], -1);
}

#[tokio::test]
async fn creating_a_channel_is_not_repeated_after_a_502() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/newsletter")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let body = wppconnect_client::models::newsletter::CreateNewsletter {
        name: "Ofertas".to_owned(),
        options: NewsletterOptions::default(),
    };
    let err = WppApi::create_newsletter(&session, &body)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
}

#[tokio::test]
async fn bad_channel_ids_and_empty_names_send_nothing() {
    let server = server().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let session = client(&server).session(SESSION).unwrap();
    let invalid = |r: Result<(), Error>| matches!(r, Err(Error::InvalidInput { .. }));

    assert!(invalid(session.create_newsletter(" ").await.map(drop)));
    // a group id is not a channel id
    assert!(invalid(
        session.edit_newsletter(GROUP).name("x").await.map(drop)
    ));
    assert!(invalid(
        WppApi::edit_newsletter(&session, "abc", &EditNewsletter::default())
            .await
            .map(drop)
    ));
    assert!(invalid(session.delete_newsletter("").await.map(drop)));
    assert!(invalid(
        session
            .mute_newsletter("5521999999999@c.us")
            .await
            .map(drop)
    ));
}
