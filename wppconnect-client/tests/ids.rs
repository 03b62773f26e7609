//! Typed ids: the message and chat methods take a `ChatId`, a `PhoneNumber`, a `MessageId` or
//! text, and refuse a bad one before any request.

mod support;

use futures::StreamExt as _;
use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::models::{ChatId, MessageId, PhoneNumber};
use wppconnect_client::{Error, IntoChat, IntoMessageId};

const MESSAGE: &str = "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281";

#[tokio::test]
async fn typed_ids_and_text_reach_the_same_request() {
    let server = server().await;
    // send-seen three times, from text, a ChatId and a PhoneNumber: the same body each time
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-seen")))
        .and(bearer())
        .and(body_json(json!({"phone": "5511999999999"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"status": "success"})))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-seen")))
        .and(bearer())
        .and(body_json(
            json!({"phone": "120363025746331234", "isGroup": true}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/react-message")))
        .and(bearer())
        .and(body_json(json!({"msgId": MESSAGE, "reaction": "👍"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("react-message")))
        .expect(2)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    session.send_seen("+55 11 99999-9999").await.unwrap();
    let contact: ChatId = "5511999999999@c.us".parse().unwrap();
    session.send_seen(&contact).await.unwrap();
    session
        .send_seen(PhoneNumber::new("5511999999999").unwrap())
        .await
        .unwrap();
    let group: ChatId = "120363025746331234@g.us".parse().unwrap();
    session.send_seen(group).await.unwrap();

    // a contact route from a typed phone number: the digits in the path
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/check-number-status/5511999999999"
        )))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("check-number-status")))
        .expect(1)
        .mount(&server)
        .await;
    let status = session
        .check_number_status(PhoneNumber::new("+55 11 99999-9999").unwrap())
        .await
        .unwrap();
    assert!(status.number_exists);

    let message: MessageId = MESSAGE.parse().unwrap();
    session.react_message(&message, "👍").await.unwrap();
    session
        .react_message(MESSAGE.to_owned(), "👍")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_bad_id_is_refused_before_any_request() {
    let server = server().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let session = client(&server).session(SESSION).unwrap();
    let invalid =
        |result: wppconnect_client::Result<()>| matches!(result, Err(Error::InvalidInput { .. }));
    // a message handle
    assert!(invalid(session.react_message("3EB0", "👍").await.map(drop)));
    assert!(invalid(session.message_by_id("not an id").await.map(drop)));
    // a chat handle
    assert!(invalid(session.send_seen("abc").await));
    assert!(invalid(session.archive_chat("x@nowhere", true).await));
    assert!(invalid(
        session
            .chat_is_online("120363025746331234@g.us")
            .await
            .map(drop)
    ));
    // a paging stream ends with the error, having sent nothing
    let pages: Vec<_> = session.messages_pages("abc", 10).collect().await;
    assert_eq!(pages.len(), 1);
    assert!(matches!(pages[0], Err(Error::InvalidInput { .. })));
    // a typed id of the wrong kind, per area
    let phone = PhoneNumber::new("5511999999999").unwrap();
    let group: ChatId = "120363025746331234@g.us".parse().unwrap();
    assert!(invalid(session.group_info(&phone).await.map(drop)));
    assert!(invalid(session.contact(&group).await.map(drop)));
    assert!(invalid(session.delete_newsletter(&group).await.map(drop)));
    assert!(invalid(
        session.community_participants(&phone).await.map(drop)
    ));
    assert!(invalid(
        session
            .send_message(&group, "oi")
            .quoted("3EB0")
            .await
            .map(drop)
    ));
    // the conversions themselves
    assert!("3EB0".into_message_id().is_err());
    assert_eq!(phone.into_chat(), "5511999999999@c.us");
    assert_eq!((&group).into_chat(), "120363025746331234@g.us");
    // and `?` turns a parse error into InvalidInput
    let parsed = || -> wppconnect_client::Result<ChatId> { Ok("nope@".parse::<ChatId>()?) };
    assert!(matches!(parsed(), Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn lists_of_typed_ids_are_accepted() {
    let server = server().await;
    let group = "120363025746331234@g.us";
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/add-participant-group")))
        .and(bearer())
        .and(body_json(
            json!({"groupId": group, "phone": ["5531977776666"]}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("add-participant-group")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/delete-message")))
        .and(bearer())
        .and(body_json(
            json!({"phone": "5511999999999", "messageId": [MESSAGE], "onlyLocal": false}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("delete-message")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let group: ChatId = group.parse().unwrap();
    let members = vec![PhoneNumber::new("+55 31 97777-6666").unwrap()];
    session
        .add_participant_group(&group, &members)
        .await
        .unwrap();
    let messages: Vec<MessageId> = vec![MESSAGE.parse().unwrap()];
    let chat = PhoneNumber::new("5511999999999").unwrap();
    session
        .delete_message(&chat, &messages, false)
        .await
        .unwrap();
    // a bad id in a list is refused before any request (the mocks above expect one call each)
    assert!(matches!(
        session
            .add_participant_group(&group, &["not a phone"])
            .await,
        Err(Error::InvalidInput { .. })
    ));
}
