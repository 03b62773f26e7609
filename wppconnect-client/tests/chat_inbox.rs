//! The inbox routes of the Chat area: one wiremock test per method, checking method, path, auth,
//! body and the decoded answer (one unknown field kept). Answers are the constructed fixtures of
//! `fixtures/chat/` (see its README).

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use wppconnect_client::models::chat::{ChatState, LastSeen, MuteFilter, MuteUnit};
use wppconnect_client::routes::{self, Retry};
use wppconnect_client::Session;

fn fixture(name: &str) -> Value {
    let text = match name {
        "all-chats-with-messages" => include_str!("fixtures/chat/all-chats-with-messages.json"),
        "messages" => include_str!("fixtures/chat/messages.json"),
        "unread-messages" => include_str!("fixtures/chat/unread-messages.json"),
        "chat-is-online" => include_str!("fixtures/chat/chat-is-online.json"),
        "last-seen" => include_str!("fixtures/chat/last-seen.json"),
        "last-seen-unknown" => include_str!("fixtures/chat/last-seen-unknown.json"),
        "list-mutes-all" => include_str!("fixtures/chat/list-mutes-all.json"),
        "list-mutes-to-mute" => include_str!("fixtures/chat/list-mutes-to-mute.json"),
        "per-chat-results" => include_str!("fixtures/chat/per-chat-results.json"),
        "status-success" => include_str!("fixtures/chat/status-success.json"),
        "send-mute" => include_str!("fixtures/chat/send-mute.json"),
        "temporary-messages" => include_str!("fixtures/chat/temporary-messages.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

/// A mock of `verb /api/{SESSION}/{slug}` with the bearer token and, when given, exactly this
/// JSON body, answering `status` with the fixture, expected `times` times.
async fn expect(
    server: &MockServer,
    verb: &str,
    slug: &str,
    body: Option<Value>,
    status: u16,
    answer: &str,
    times: u64,
) {
    let mut mock = Mock::given(method(verb))
        .and(path(format!("/api/{SESSION}/{slug}")))
        .and(bearer());
    if let Some(body) = body {
        mock = mock.and(body_json(body));
    }
    mock.respond_with(ResponseTemplate::new(status).set_body_json(fixture(answer)))
        .expect(times)
        .mount(server)
        .await;
}

async fn session(server: &MockServer) -> Session {
    catch_all(server).await;
    client(server).session(SESSION).unwrap()
}

#[tokio::test]
async fn all_chats_with_messages_lists_the_chats() {
    let server = server().await;
    expect(
        &server,
        "GET",
        "all-chats-with-messages",
        None,
        200,
        "all-chats-with-messages",
        1,
    )
    .await;
    let chats = session(&server)
        .await
        .all_chats_with_messages()
        .await
        .unwrap();
    assert_eq!(chats[0].id.as_str(), "5511999999999@c.us");
    assert_eq!(chats[0].unread_count, Some(2));
    assert_eq!(chats[0].extra["muteExpiration"], 0);
}

#[tokio::test]
async fn all_new_messages_reads_messages() {
    let server = server().await;
    expect(&server, "GET", "all-new-messages", None, 200, "messages", 1).await;
    let messages = session(&server).await.all_new_messages().await.unwrap();
    assert_eq!(messages[0].body.as_deref(), Some("Oi, tudo bem?"));
    assert_eq!(messages[0].extra["isNewMsg"], true);
}

#[tokio::test]
async fn all_unread_messages_reads_messages() {
    let server = server().await;
    expect(
        &server,
        "GET",
        "all-unread-messages",
        None,
        200,
        "messages",
        1,
    )
    .await;
    let messages = session(&server).await.all_unread_messages().await.unwrap();
    assert_eq!(
        messages[0].id.as_str(),
        "false_5511999999999@c.us_3EB0B1C2D3E4F5A6B7C8"
    );
    assert_eq!(messages[0].extra["star"], false);
}

#[tokio::test]
async fn unread_messages_are_chats_with_their_messages() {
    let server = server().await;
    expect(
        &server,
        "GET",
        "unread-messages",
        None,
        200,
        "unread-messages",
        1,
    )
    .await;
    let chats = session(&server).await.unread_messages().await.unwrap();
    assert_eq!(chats[0].chat.id.as_str(), "5511999999999@c.us");
    // the library's `null` for a left-out notification is skipped
    assert_eq!(chats[0].messages.len(), 1);
    assert_eq!(chats[0].chat.extra["muteExpiration"], 0);
    assert!(!chats[0].chat.extra.contains_key("messages"));
}

#[tokio::test]
async fn chat_is_online_sends_digits_and_is_retried_as_a_read() {
    let server = server().await;
    // a read: a 502 is retried
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/chat-is-online/5511999999999")))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    expect(
        &server,
        "GET",
        "chat-is-online/5511999999999",
        None,
        200,
        "chat-is-online",
        1,
    )
    .await;
    let session = session(&server).await;
    assert!(session.chat_is_online("+55 (11) 99999-9999").await.unwrap());
    // the server appends @c.us: a group cannot be asked, and nothing is sent
    let before = server.received_requests().await.unwrap().len();
    assert!(session
        .chat_is_online("120363025746331234@g.us")
        .await
        .is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn last_seen_is_a_time_or_unknown() {
    let server = server().await;
    expect(
        &server,
        "GET",
        "last-seen/5511999999999",
        None,
        200,
        "last-seen",
        1,
    )
    .await;
    expect(
        &server,
        "GET",
        "last-seen/5511988887777",
        None,
        200,
        "last-seen-unknown",
        1,
    )
    .await;
    let session = session(&server).await;
    let seen = session.last_seen("5511999999999").await.unwrap();
    assert_eq!(seen.time().map(|t| t.get()), Some(1_795_525_000));
    assert_eq!(
        session.last_seen("5511988887777").await.unwrap(),
        LastSeen::Unknown
    );
}

#[tokio::test]
async fn list_mutes_names_the_lists() {
    let server = server().await;
    expect(
        &server,
        "GET",
        "list-mutes/all",
        None,
        200,
        "list-mutes-all",
        1,
    )
    .await;
    expect(
        &server,
        "GET",
        "list-mutes/toMute",
        None,
        200,
        "list-mutes-to-mute",
        1,
    )
    .await;
    let session = session(&server).await;
    let all = session.list_mutes(MuteFilter::All).await.unwrap();
    let counts = all.counts.unwrap();
    assert_eq!(
        (counts.total, counts.amount_to_mute, counts.amount_no_mute),
        (2, Some(1), Some(1))
    );
    assert_eq!(all.muted[0].id.as_str(), "5511999999999@c.us");
    assert_eq!(all.muted[0].is_muted, Some(true));
    assert_eq!(all.not_muted[0].id.as_str(), "5511988887777@c.us");
    assert_eq!(all.muted[0].extra["stale"], false);
    let muted = session.list_mutes(MuteFilter::Muted).await.unwrap();
    assert_eq!(muted.muted.len(), 1);
    assert!(muted.not_muted.is_empty());
    assert_eq!(
        muted.muted[0].expiration.map(|t| t.get()),
        Some(1_795_600_000)
    );
}

#[tokio::test]
async fn load_messages_in_chat_sends_digits() {
    let server = server().await;
    expect(
        &server,
        "GET",
        "load-messages-in-chat/5511999999999",
        None,
        200,
        "messages",
        1,
    )
    .await;
    let session = session(&server).await;
    let messages = session
        .load_messages_in_chat("5511999999999@c.us")
        .await
        .unwrap();
    assert_eq!(messages[0].extra["mediaData"], json!({}));
}

#[tokio::test]
async fn archive_all_chats_is_sent_once() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/archive-all-chats")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    expect(
        &server,
        "POST",
        "archive-all-chats",
        None,
        201,
        "status-success",
        1,
    )
    .await;
    let session = session(&server).await;
    // never repeated by the client: the 502 comes back, the caller decides
    let err = session.archive_all_chats().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    session.archive_all_chats().await.unwrap();
}

#[tokio::test]
async fn clear_chat_answers_per_chat_and_is_never_repeated() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/clear-chat")))
        .and(body_json(json!({"phone": "5511988887777"})))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    expect(
        &server,
        "POST",
        "clear-chat",
        Some(json!({"phone": "5511999999999"})),
        201,
        "per-chat-results",
        1,
    )
    .await;
    let session = session(&server).await;
    let done = session.clear_chat("+55 11 99999-9999").await.unwrap();
    assert!(done.all_ok());
    assert_eq!(done.contact, ["5511999999999@c.us"]);
    assert_eq!(done.session.as_deref(), Some(SESSION));
    let err = session.clear_chat("5511988887777").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    // a bad chat is refused before any request
    let before = server.received_requests().await.unwrap().len();
    assert!(session.clear_chat("not a number").await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn clear_all_chats_posts_nothing_else() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "clear-all-chats",
        None,
        201,
        "status-success",
        1,
    )
    .await;
    session(&server).await.clear_all_chats().await.unwrap();
}

#[tokio::test]
async fn delete_chat_sends_a_group_with_its_flag() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "delete-chat",
        Some(json!({"phone": "120363025746331234", "isGroup": true})),
        201,
        "per-chat-results",
        1,
    )
    .await;
    let session = session(&server).await;
    let done = session
        .delete_chat("120363025746331234@g.us")
        .await
        .unwrap();
    assert_eq!(done.data.get("5511999999999@c.us"), Some(&true));
    assert_eq!(
        done.message.as_deref(),
        Some("Information retrieved successfully.")
    );
}

#[tokio::test]
async fn delete_all_chats_answers_200() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "delete-all-chats",
        None,
        200,
        "status-success",
        1,
    )
    .await;
    session(&server).await.delete_all_chats().await.unwrap();
}

#[tokio::test]
async fn send_mute_mutes_unmutes_and_refuses_lids() {
    let server = server().await;
    // a lost answer is not repeated: the repeat would answer 500 "This chat is already mute"
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-mute")))
        .and(body_json(
            json!({"phone": "5511999999999", "time": 8, "type": "hours"}),
        ))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    expect(
        &server,
        "POST",
        "send-mute",
        Some(json!({"phone": "5511999999999", "time": 8, "type": "hours"})),
        200,
        "send-mute",
        1,
    )
    .await;
    expect(
        &server,
        "POST",
        "send-mute",
        Some(json!({"phone": "5511988887777"})),
        200,
        "send-mute",
        1,
    )
    .await;
    assert_eq!(routes::SEND_MUTE.retry(), Retry::Never);
    let session = session(&server).await;
    let err = session
        .send_mute("5511999999999", Some((8, MuteUnit::Hours)))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let muted = session
        .send_mute("5511999999999", Some((8, MuteUnit::Hours)))
        .await
        .unwrap();
    assert_eq!(muted.status, Some(200));
    assert!(!muted.erro);
    assert_eq!(muted.time_type.as_deref(), Some("hours"));
    assert_eq!(muted.extra["type"], "sendMute");
    session.send_mute("5511988887777", None).await.unwrap();
    let before = server.received_requests().await.unwrap().len();
    // the controller cannot address a LID; a zero mute is a mistake
    assert!(session
        .send_mute("123456789012345@lid", None)
        .await
        .is_err());
    assert!(session
        .send_mute("5511999999999", Some((0, MuteUnit::Days)))
        .await
        .is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn chat_state_sends_the_librarys_code() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "chat-state",
        Some(json!({"phone": "5511999999999", "chatstate": "1"})),
        200,
        "status-success",
        1,
    )
    .await;
    session(&server)
        .await
        .chat_state("5511999999999", ChatState::Recording)
        .await
        .unwrap();
}

#[tokio::test]
async fn temporary_messages_turns_them_on_in_a_group() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "temporary-messages",
        Some(json!({"phone": "120363025746331234", "isGroup": true, "value": true})),
        200,
        "temporary-messages",
        1,
    )
    .await;
    session(&server)
        .await
        .temporary_messages("120363025746331234@g.us", true)
        .await
        .unwrap();
}

#[tokio::test]
async fn recording_sends_value_and_duration_in_ms() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "recording",
        Some(json!({"phone": "5511999999999", "value": true, "duration": 5000})),
        200,
        "status-success",
        1,
    )
    .await;
    expect(
        &server,
        "POST",
        "recording",
        Some(json!({"phone": "5511999999999", "value": false})),
        200,
        "status-success",
        1,
    )
    .await;
    let session = session(&server).await;
    session
        .recording("5511999999999", true, Some(Duration::from_secs(5)))
        .await
        .unwrap();
    session
        .recording("5511999999999", false, None)
        .await
        .unwrap();
}
