//! Chat states: archive, pin, unread; the archived chats. (Answers constructed from the server's
//! deviceController.ts at 2.10.4.)

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn chat_states_post_the_servers_fields() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/archive-chat")))
        .and(bearer())
        .and(body_json(json!({"phone": "5511999999999", "value": true})))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"status": "success", "response": true})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // the server pins only when `state` is the string "true"
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/pin-chat")))
        .and(bearer())
        .and(body_json(
            json!({"phone": "120363025746331234", "isGroup": true, "state": "true"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "response": {"message": "Chat fixed"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/mark-unseen")))
        .and(bearer())
        .and(body_json(json!({"phone": "5521988887777"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"status": "success", "response": {"message": "unseen checked"}}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    // all-chats-archived answers a bare array with 201
    let mut archived = fixture("all-chats")["response"][0].clone();
    archived["archive"] = json!(true);
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/all-chats-archived")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!([archived])))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    session
        .archive_chat("+55 11 99999-9999", true)
        .await
        .unwrap();
    let pinned = session
        .pin_chat("120363025746331234@g.us", true)
        .await
        .unwrap();
    assert_eq!(pinned.message.as_deref(), Some("Chat fixed"));
    let unseen = session.mark_unseen("5521988887777").await.unwrap();
    assert_eq!(unseen.message.as_deref(), Some("unseen checked"));
    let chats = session.all_chats_archived().await.unwrap();
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].archive, Some(true));

    let before = server.received_requests().await.unwrap().len();
    assert!(session.pin_chat("abc", true).await.is_err());
    assert!(session.archive_chat("", false).await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}
