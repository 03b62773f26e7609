//! What the console's search view needs of the API beyond `GET /api/search`: the page of a
//! conversation that holds a message (`GET /api/conversations/{id}/messages?around=<id>`), so a
//! search hit opens the thread at that message.

mod support;

use serde_json::Value;
use wppconnect_examples::backend::Store;
use wppconnect_models::domain::{Message, MessageStatus};
use wppconnect_models::MessageType;

/// 2026-03-10T00:00:00Z.
const DAY0: i64 = 1_773_100_800;
const MARIA: &str = "5511999999999@c.us";
const JOAO: &str = "5521988887777@c.us";
/// Messages in Maria's conversation of session `main`.
const MESSAGES: usize = 100;
const PAGE: usize = 30;

struct Harness {
    base: String,
    http: reqwest::Client,
    token: String,
}

impl Harness {
    /// A backend over `store` (already seeded), logged in. Its client points at a closed port:
    /// these routes never call WPPConnect Server.
    async fn new(store: Store) -> Self {
        let (base, http, token) = support::backend_over(store).await;
        Self { base, http, token }
    }

    /// GETs the messages of `conversation` with `query` (encoded by reqwest).
    async fn messages(&self, conversation: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let r = self
            .http
            .get(format!(
                "{}/api/conversations/{conversation}/messages",
                self.base
            ))
            .query(query)
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

fn message(id: &str, chat: &str, content: &str, timestamp: i64, from_me: bool) -> Message {
    Message {
        id: id.to_owned(),
        client_id: None,
        conversation_id: chat.to_owned(),
        sender_id: chat.to_owned(),
        sender_name: None,
        content: content.to_owned(),
        message_type: MessageType::Chat,
        timestamp,
        status: MessageStatus::Read,
        is_from_me: from_me,
        quoted_message: None,
        media_url: None,
        mime_type: None,
        file_name: None,
        file_size: None,
        location: None,
    }
}

/// Maria's conversation of `main`: [`MESSAGES`] messages a minute apart, except that m40–m44
/// share one second (so they straddle the boundary of pages 2 and 3 of 30). João's conversation
/// and Maria's in session `other` hold messages of their own.
async fn seeded() -> Store {
    let store = Store::open("sqlite::memory:").await.unwrap();
    for i in 0..MESSAGES {
        let minute = if (40..45).contains(&i) { 40 } else { i as i64 };
        let m = message(
            &format!("m{i}"),
            MARIA,
            &format!("mensagem {i}"),
            DAY0 + minute * 60,
            i % 3 == 0,
        );
        store.insert_message("main", &m).await.unwrap();
    }
    store
        .insert_message("main", &message("j1", JOAO, "oi", DAY0 + 30, false))
        .await
        .unwrap();
    store
        .insert_message("other", &message("o1", MARIA, "outra", DAY0 + 90, false))
        .await
        .unwrap();
    store
}

#[tokio::test]
async fn around_answers_the_page_that_holds_the_message_as_page_numbers_do() {
    let h = Harness::new(seeded().await).await;
    let limit = PAGE.to_string();
    // the pages as the thread loads them, newest first
    let mut pages = Vec::new();
    for number in 1..=MESSAGES.div_ceil(PAGE) {
        let (status, page) = h
            .messages(
                MARIA,
                &[
                    ("session", "main"),
                    ("page", &number.to_string()),
                    ("limit", &limit),
                ],
            )
            .await;
        assert_eq!(status, 200, "{page}");
        pages.push(ids(&page));
    }
    assert_eq!(pages.iter().map(Vec::len).sum::<usize>(), MESSAGES);
    // the newest, the oldest, both sides of page boundaries, and the five of one second
    for i in [99, 70, 69, 45, 44, 43, 42, 41, 40, 39, 10, 9, 0] {
        let id = format!("m{i}");
        let (status, page) = h
            .messages(
                MARIA,
                &[("session", "main"), ("around", &id), ("limit", &limit)],
            )
            .await;
        assert_eq!(status, 200, "{id}: {page}");
        let number = page["page"].as_u64().unwrap() as usize;
        assert!(ids(&page).contains(&id), "{id} is on the page: {page}");
        assert_eq!(
            ids(&page),
            pages[number - 1],
            "{id}: page {number} as paged"
        );
        assert_eq!(page["limit"], PAGE);
        assert_eq!(page["total"], MESSAGES);
        assert_eq!(page["hasMore"], number < pages.len(), "{id}");
        // without ties, the page follows from the position: 99 newer ones put m0 on page 4
        if !(40..45).contains(&i) {
            assert_eq!(number, (MESSAGES - 1 - i) / PAGE + 1, "{id}");
        }
    }
    // the default page size is the history's (50)
    let (status, page) = h
        .messages(MARIA, &[("session", "main"), ("around", "m10")])
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        (page["page"].as_u64(), page["limit"].as_u64()),
        (Some(2), Some(50))
    );
    assert!(ids(&page).contains(&"m10".to_owned()));

    // without a session: every session's copy of the conversation counts
    let (status, page) = h.messages(MARIA, &[("around", "o1")]).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], MESSAGES + 1);
    assert!(ids(&page).contains(&"o1".to_owned()));
}

#[tokio::test]
async fn around_refuses_a_message_it_cannot_place() {
    let h = Harness::new(seeded().await).await;
    let not_found = [
        // no such message
        (MARIA, vec![("session", "main"), ("around", "nope")]),
        // another conversation's
        (MARIA, vec![("session", "main"), ("around", "j1")]),
        (JOAO, vec![("session", "main"), ("around", "m3")]),
        // another session's
        (MARIA, vec![("session", "main"), ("around", "o1")]),
        // text that is SQL to nobody
        (MARIA, vec![("around", "m1' OR '1'='1")]),
    ];
    for (conversation, query) in &not_found {
        let (status, body) = h.messages(conversation, query).await;
        assert_eq!(status, 404, "{conversation} {query:?}: {body}");
        assert_eq!(body["error"], "not_found", "{body}");
        assert!(
            body["reason"].as_str().unwrap().contains("no message"),
            "{body}"
        );
    }
    let long = "x".repeat(300);
    let bad = [
        vec![("around", "m3"), ("page", "2")],
        vec![("around", "")],
        vec![("around", long.as_str())],
        vec![("around", "m3"), ("limit", "many")],
        vec![("around", "m3"), ("session", "no spaces allowed")],
    ];
    for query in &bad {
        let (status, body) = h.messages(MARIA, query).await;
        assert_eq!(status, 400, "{query:?}: {body}");
        assert_eq!(body["error"], "bad_request", "{body}");
        assert!(body["reason"].as_str().is_some_and(|r| !r.is_empty()));
    }
}
