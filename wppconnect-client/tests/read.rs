//! Reading chats, messages and contacts; and secrets never leaking.

mod support;

use futures::StreamExt;
use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SECRET, SESSION, TOKEN};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::models::ChatKind;
use wppconnect_client::Client;

#[tokio::test]
async fn chats_messages_and_numbers_are_typed() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/list-chats")))
        .and(bearer())
        .and(body_json(json!({"count": 10})))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("list-chats")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/all-chats")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("all-chats")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/get-messages/5511999999999@c.us"
        )))
        .and(query_param("count", "20"))
        .and(query_param("direction", "before"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("get-messages")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/check-number-status/5511999999999"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("check-number-status")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/check-number-status/5511900009999"
        )))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("check-number-status-not-found")),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let chats = session.list_chats().count(10).await.unwrap();
    assert_eq!(chats[0].id.kind(), ChatKind::Contact);
    assert!(!session.all_chats().await.unwrap().is_empty());
    let messages = session
        .get_messages("+55 11 99999-9999", 20, None)
        .await
        .unwrap();
    assert_eq!(messages[0].text(), Some("Olá! Vocês abrem amanhã?"));
    let resolved = session.resolve_number("+55 11 99999-9999").await.unwrap();
    assert_eq!(resolved.unwrap().as_str(), "5511999999999@c.us");
    assert!(session
        .resolve_number("5511900009999")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn history_pages_backwards_until_the_start() {
    let server = server().await;
    let message = |id: &str, t: i64| json!({"id": format!("false_5511999999999@c.us_{id}"), "type": "chat", "body": id, "t": t});
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/get-messages/5511999999999@c.us"
        )))
        .and(query_param("id", "false_5511999999999@c.us_B"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "response": [message("A", 1)]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/get-messages/5511999999999@c.us"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "success", "response": [message("B", 2), message("C", 3)]}),
        ))
        .with_priority(10)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let pages: Vec<_> = session
        .messages_pages("5511999999999@c.us", 2)
        .collect()
        .await;
    let bodies: Vec<Vec<String>> = pages
        .into_iter()
        .map(|p| p.unwrap().into_iter().map(|m| m.body.unwrap()).collect())
        .collect();
    assert_eq!(
        bodies,
        vec![vec!["B".to_owned(), "C".to_owned()], vec!["A".to_owned()]]
    );
}

#[tokio::test]
async fn secrets_never_appear_in_debug_or_errors() {
    // A closed port: every request fails with a transport error that must not carry the URL.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder(&url)
        .unwrap()
        .secret_key(SECRET)
        .token("with-token", TOKEN)
        .unwrap()
        .retry(wppconnect_client::RetryPolicy::none())
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(SECRET) && !debug.contains(TOKEN), "{debug}");
    let err = client
        .session(SESSION)
        .unwrap()
        .generate_token()
        .await
        .unwrap_err();
    assert!(err.is_not_sent(), "{err:?}");
    let mut text = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    assert!(!text.contains(SECRET), "the secret key leaked: {text}");
    let err = client.show_all_sessions().await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains(SECRET));
    let err = client
        .session("with-token")
        .unwrap()
        .status()
        .await
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains(TOKEN));
    let server = server().await;
    catch_all(&server).await;
    let token = support::client(&server)
        .session(SESSION)
        .unwrap()
        .generate_token()
        .await
        .unwrap();
    assert!(!format!("{token:?}").contains(&token.token));
}

#[tokio::test]
async fn one_chat_message_contact_picture_group_and_media() {
    let server = server().await;
    let messages = fixture("get-messages");
    let first = messages["response"][0].clone();
    let message_id = first["id"].as_str().unwrap().to_owned();
    let contact = json!({
        "id": {"server": "c.us", "user": "5511999999999", "_serialized": "5511999999999@c.us"},
        "name": "Maria Silva", "pushname": "Maria", "isBusiness": false
    });
    let chat = fixture("list-chats")[0].clone();
    let mounts = [
        // chat-by-id answers a bare Chat object
        (
            "GET",
            format!("/api/{SESSION}/chat-by-id/5511999999999"),
            chat,
        ),
        (
            "GET",
            format!("/api/{SESSION}/message-by-id/{message_id}"),
            json!({"status": "Success", "response": {"message": "Information retrieved successfully.", "contact": "5511999999999", "session": SESSION, "data": first}}),
        ),
        (
            "GET",
            format!("/api/{SESSION}/all-contacts"),
            json!({"status": "success", "response": [contact]}),
        ),
        (
            "GET",
            format!("/api/{SESSION}/contact/5511999999999"),
            json!({"status": "success", "response": contact}),
        ),
        (
            "GET",
            format!("/api/{SESSION}/profile-pic/5511999999999"),
            fixture("profile-pic"),
        ),
        (
            "GET",
            format!("/api/{SESSION}/profile-pic/5521988887777"),
            json!({"status": "success", "response": null}),
        ),
        (
            "GET",
            format!("/api/{SESSION}/all-groups"),
            json!({"status": "success", "response": [{"id": {"server": "g.us", "user": "120363025746331234", "_serialized": "120363025746331234@g.us"}, "name": "Equipe"}]}),
        ),
        (
            "GET",
            format!("/api/{SESSION}/group-members/120363025746331234@g.us"),
            json!({"status": "success", "response": [contact]}),
        ),
        (
            "GET",
            format!("/api/{SESSION}/get-media-by-message/{message_id}"),
            json!({"base64": "aGVsbG8=", "mimetype": "image/jpeg"}),
        ),
    ];
    for (verb, route, body) in mounts {
        Mock::given(method(verb))
            .and(path(route))
            .and(bearer())
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/download-media")))
        .and(bearer())
        .and(wiremock::matchers::body_json(
            json!({"messageId": message_id}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"base64": "aGVsbG8=", "mimetype": "image/jpeg"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let one = session.chat_by_id("+55 11 99999-9999").await.unwrap();
    assert_eq!(one.id.kind(), ChatKind::Contact);
    let message = session.message_by_id(&message_id).await.unwrap();
    assert_eq!(message.id.as_str(), message_id);
    let contacts = session.all_contacts().await.unwrap();
    assert_eq!(contacts[0].id.as_str(), "5511999999999@c.us");
    let maria = session.contact("5511999999999").await.unwrap();
    assert_eq!(maria.pushname.as_deref(), Some("Maria"));
    let pic = session.profile_pic("5511999999999").await.unwrap().unwrap();
    assert!(pic.url().unwrap().starts_with("https://"));
    assert_eq!(session.profile_pic("5521988887777").await.unwrap(), None);
    let groups = session.all_groups().await.unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].id.as_str(), "120363025746331234@g.us");
    assert_eq!(groups[0].name.as_deref(), Some("Equipe"));
    let members = session.group_members("120363025746331234").await.unwrap();
    assert_eq!(members[0].name.as_deref(), Some("Maria Silva"));
    let media = session.get_media_by_message(&message_id).await.unwrap();
    let downloaded = session.download_media(&message_id).await.unwrap();
    assert_eq!(media, downloaded);
    assert!(session.message_by_id("nonsense").await.is_err());
}

#[tokio::test]
async fn a_message_by_id_of_the_wrong_shape_names_the_field() {
    let server = server().await;
    let id = "false_5511999999999@c.us_3EB0C767D71D8A4BD7A5";
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/message-by-id/{id}")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "status": "Success",
            "response": {"message": "Information retrieved successfully.", "data": {"id": id, "type": "chat", "t": "not a number"}}
        })))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let err = client(&server)
        .session(SESSION)
        .unwrap()
        .message_by_id(id)
        .await
        .unwrap_err();
    match err {
        wppconnect_client::Error::Decode { path, snippet, .. } => {
            assert!(path.starts_with("response.data."), "{path}");
            assert!(snippet.contains("not a number"), "{snippet}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn all_messages_in_chat_reads_a_private_chat_and_a_group() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/all-messages-in-chat/5511999999999"
        )))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("get-messages")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/all-messages-in-chat/120363025746331234"
        )))
        .and(query_param("isGroup", "true"))
        .and(bearer())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "success", "response": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let messages = session
        .all_messages_in_chat("+55 11 99999-9999")
        .await
        .unwrap();
    assert!(!messages.is_empty());
    assert_eq!(
        messages[0].id.as_str(),
        "false_5511999999999@c.us_A1C9E2F64B0D3E8F7A6B5C4D3E2F1A0B"
    );
    let group = session
        .all_messages_in_chat("120363025746331234@g.us")
        .await
        .unwrap();
    assert!(group.is_empty());
}

#[tokio::test]
async fn list_chats_sends_every_filter_of_the_server() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/list-chats")))
        .and(bearer())
        .and(body_json(json!({
            "id": "5511999999999@c.us",
            "count": 5,
            "direction": "after",
            "onlyGroups": true,
            "onlyWithUnreadMessage": true,
            "withLabels": ["1", "3"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("list-chats")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let chats = session
        .list_chats()
        .after("+55 11 99999-9999")
        .count(5)
        .only_groups()
        .only_unread()
        .with_labels(["1", "3"])
        .await
        .unwrap();
    assert!(!chats.is_empty());
    // a bad cursor is refused before any request
    assert!(session.list_chats().before("abc").await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
