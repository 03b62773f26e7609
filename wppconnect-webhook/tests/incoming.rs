//! The bot's filter: `incoming_message`, `EventStream::incoming` and `EventHub::on_incoming`
//! keep the messages people send this account, and nothing else, over real HTTP.

mod support;

use std::sync::Arc;

use futures::StreamExt;
use support::{spawn, FIXTURES, WAIT};
use tokio::sync::mpsc;
use tokio::time::timeout;
use wppconnect_webhook::models::Event;
use wppconnect_webhook::{incoming_message, Webhook};

/// The fixtures a bot should answer: messages people sent (groups included).
const INCOMING: &[&str] = &[
    "onmessage-document",
    "onmessage-group",
    "onmessage-image-autodownload",
    "onmessage-image-s3",
    "onmessage-lid",
    "onmessage-location",
    "onmessage-ptt",
    "onmessage-quoted",
    "onmessage-sticker",
    "onmessage-text",
];

fn body(name: &str) -> &'static str {
    FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, body)| *body)
        .unwrap()
}

#[test]
fn only_the_messages_people_send_are_incoming() {
    for (name, body) in FIXTURES {
        let event = Event::from_slice(body.as_bytes()).unwrap();
        assert_eq!(
            incoming_message(&event).is_some(),
            INCOMING.contains(name),
            "{name}"
        );
    }
    // the same text, but this account's own, a status story, still encrypted, a replay
    let text = body("onmessage-text");
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["fromMe"] = true.into();
    let own = Event::from_value(value).unwrap();
    assert!(incoming_message(&own).is_none(), "fromMe");
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["from"] = "status@broadcast".into();
    value["chatId"] = "status@broadcast".into();
    value["id"] = "false_status@broadcast_3EB0AB".into();
    let story = Event::from_value(value).unwrap();
    assert!(incoming_message(&story).is_none(), "status broadcast");
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["type"] = "ciphertext".into();
    let encrypted = Event::from_value(value).unwrap();
    assert!(incoming_message(&encrypted).is_none(), "ciphertext");
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["event"] = "unreadmessages".into();
    let replay = Event::from_value(value).unwrap();
    assert!(incoming_message(&replay).is_none(), "unreadmessages replay");
}

#[tokio::test]
async fn on_incoming_runs_for_people_s_messages_only() {
    let (router, hub) = Webhook::builder().build();
    let (seen, mut got) = mpsc::unbounded_channel();
    hub.on_incoming(move |event: Arc<Event>| {
        let seen = seen.clone();
        async move {
            seen.send(event.message_id().map(|id| id.as_str().to_owned()))
                .map_err(|_| "test ended")
        }
    });
    let mut stream = hub.subscribe().incoming();
    let addr = spawn(router).await;
    let client = reqwest::Client::new();
    for (name, body) in FIXTURES {
        let response = client
            .post(format!("http://{addr}/webhook"))
            .header("content-type", "application/json")
            .body(*body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
    }
    for name in INCOMING {
        let expected = Event::from_slice(body(name).as_bytes()).unwrap();
        let expected = expected.message_id().map(|id| id.as_str().to_owned());
        let handled = timeout(WAIT, got.recv()).await.unwrap().unwrap();
        assert_eq!(handled, expected, "the handler's next event is {name}");
        let streamed = timeout(WAIT, stream.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let streamed = streamed.message_id().map(|id| id.as_str().to_owned());
        assert_eq!(streamed, expected, "the stream's next event is {name}");
    }
    // a last marker proves nothing else came between: the next one is the marker
    client
        .post(format!("http://{addr}/webhook"))
        .header("content-type", "application/json")
        .body(body("onmessage-text"))
        .send()
        .await
        .unwrap();
    let marker = timeout(WAIT, got.recv()).await.unwrap().unwrap();
    let text = Event::from_slice(body("onmessage-text").as_bytes()).unwrap();
    assert_eq!(
        marker.as_deref(),
        text.message_id().map(|id| id.as_str()),
        "nothing but incoming messages reached the handler"
    );
}
