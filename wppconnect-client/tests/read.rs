//! Reading chats, messages and contacts; and secrets never leaking.

mod support;

use futures::StreamExt;
use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SECRET, SESSION, TOKEN};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::models::ChatKind;
use wppconnect_client::Client;

#[tokio::test]
async fn chats_messages_and_numbers_are_typed() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/list-chats")))
        .and(bearer())
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
    let chats = session.list_chats(Some(10)).await.unwrap();
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
