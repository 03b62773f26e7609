//! `GET /api/search` and `GET /api/analytics` over HTTP, on a store seeded through its own API
//! (the writes the webhook writer makes), so the index is kept by the migration's triggers.
//! Each test runs on SQLite and on PostgreSQL (`WPP_TEST_POSTGRES`, see `.ci/services`).

mod support;

use std::collections::HashSet;
use std::path::Path;

use serde_json::{json, Value};
use wppconnect_examples::backend::Store;
use wppconnect_models::domain::{Message, MessageStatus};
use wppconnect_models::MessageType;

use support::pg::TestDb;

/// 2026-03-10T00:00:00Z.
const DAY0: i64 = 1_773_100_800;
const HOUR: i64 = 3600;
const MINUTE: i64 = 60;

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

    /// GETs `path` with `query` (encoded by reqwest, so hostile text arrives as typed).
    async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .query(query)
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// The ids of one search page's hits, in order.
    async fn ids(&self, query: &[(&str, &str)]) -> Vec<String> {
        let (status, page) = self.get("/api/search", query).await;
        assert_eq!(status, 200, "{query:?}: {page}");
        hit_ids(&page)
    }
}

fn hit_ids(page: &Value) -> Vec<String> {
    page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["message"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A stored message: `from` is the contact's name for an incoming one, `None` for an outgoing one.
#[allow(clippy::too_many_arguments)]
fn message(
    id: &str,
    chat: &str,
    from: Option<&str>,
    content: &str,
    kind: MessageType,
    timestamp: i64,
    status: MessageStatus,
) -> Message {
    Message {
        id: id.to_owned(),
        client_id: None,
        conversation_id: chat.to_owned(),
        sender_id: if from.is_some() {
            chat
        } else {
            "5511000000000@c.us"
        }
        .to_owned(),
        sender_name: from.map(str::to_owned),
        content: content.to_owned(),
        message_type: kind,
        timestamp,
        status,
        is_from_me: from.is_none(),
        quoted_message: None,
        media_url: None,
        mime_type: None,
        file_name: None,
        file_size: None,
        location: None,
    }
}

fn text(
    id: &str,
    chat: &str,
    from: Option<&str>,
    content: &str,
    timestamp: i64,
    status: MessageStatus,
) -> Message {
    message(
        id,
        chat,
        from,
        content,
        MessageType::Chat,
        timestamp,
        status,
    )
}

async fn insert(store: &Store, session: &str, messages: &[Message]) {
    for m in messages {
        let (_, new) = store.insert_message(session, m).await.unwrap();
        assert!(new, "{} stored", m.id);
    }
}

const A: &str = "5511111111111@c.us";
const B: &str = "5522222222222@c.us";
const E: &str = "5555555555555@c.us";

/// The search fixture: a few messages about an order in two sessions, and a conversation whose
/// name arrives after our first message to it.
async fn search_store(db: &TestDb) -> Store {
    use MessageStatus::{Delivered, Read, Sent};
    let store = db.store().await;
    let t = DAY0 + 12 * HOUR;
    insert(
        &store,
        "main",
        &[
            text(
                "t1",
                A,
                Some("Maria Souza"),
                "Olá, quero saber do pedido 123",
                t + 10,
                Read,
            ),
            text("t2", A, None, "Seu pedido foi enviado <hoje>", t + 20, Read),
            message(
                "t3",
                B,
                Some("João"),
                "foto do pedido quebrado",
                MessageType::Image,
                t + 30,
                Read,
            ),
            text("t4", B, None, "bom dia", t + 40, Delivered),
            // written to before its contact's name is known
            text("e1", E, None, "oi, tudo bem?", t + 50, Sent),
            text("e2", E, Some("Carla"), "tudo sim", t + 60, Read),
        ],
    )
    .await;
    insert(
        &store,
        "other",
        &[text(
            "t5",
            "5533333333333@c.us",
            Some("Pedro"),
            "pedido novo",
            t + 70,
            Read,
        )],
    )
    .await;
    store
}

async fn search_finds_words_in_bodies_captions_and_contact_names(db: TestDb) {
    let h = Harness::new(search_store(&db).await).await;

    // a body, with the word marked in an escaped snippet
    let (status, page) = h.get("/api/search", &[("q", "enviado")]).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(hit_ids(&page), ["t2"]);
    let hit = &page["hits"][0];
    assert_eq!(hit["session"], "main");
    assert_eq!(hit["conversationId"], A);
    assert_eq!(hit["message"]["content"], "Seu pedido foi enviado <hoje>");
    assert_eq!(hit["message"]["status"], "read");
    assert_eq!(
        hit["snippet"], "Seu pedido foi <mark>enviado</mark> &lt;hoje&gt;",
        "{hit}"
    );
    assert_eq!(page["nextCursor"], Value::Null);

    // an image's caption
    let (_, page) = h.get("/api/search", &[("q", "quebrado")]).await;
    assert_eq!(hit_ids(&page), ["t3"]);
    assert_eq!(page["hits"][0]["message"]["messageType"], "image");

    // a contact's name, without its accent: their message and ours in their conversation
    assert_eq!(h.ids(&[("q", "joao")]).await, ["t4", "t3"]);
    let (_, page) = h
        .get("/api/search", &[("q", "JOÃO"), ("direction", "out")])
        .await;
    assert_eq!(page["hits"][0]["snippet"], "<mark>João</mark>");
    // a name that arrived after our message still finds it
    assert_eq!(h.ids(&[("q", "carla"), ("direction", "out")]).await, ["e1"]);
    // every word must match; a trailing * is a prefix
    // (t2 is ours, in Maria's conversation)
    assert_eq!(h.ids(&[("q", "pedido maria")]).await, ["t2", "t1"]);
    assert_eq!(h.ids(&[("q", "quebr*")]).await, ["t3"]);
    assert!(h.ids(&[("q", "quebr")]).await.is_empty());
}

async fn a_send_is_found_under_the_server_s_id_once_it_has_one(db: TestDb) {
    let store = db.store().await;
    let mut pending = text(
        "local-1",
        A,
        None,
        "segue o recibo",
        DAY0,
        MessageStatus::Pending,
    );
    pending.client_id = Some("local-1".to_owned());
    insert(&store, "main", &[pending]).await;
    let confirmed = store
        .confirm_sent("main", "local-1", "true_5511111111111@c.us_3EB0")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(confirmed.id, "true_5511111111111@c.us_3EB0");
    let h = Harness::new(store).await;
    let (status, page) = h.get("/api/search", &[("q", "recibo")]).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(hit_ids(&page), ["true_5511111111111@c.us_3EB0"]);
    assert_eq!(page["hits"][0]["message"]["clientId"], "local-1");
    assert_eq!(page["hits"][0]["message"]["status"], "sent");
}

async fn each_filter_narrows_the_hits(db: TestDb) {
    let h = Harness::new(search_store(&db).await).await;
    let q = ("q", "pedido");
    let t = DAY0 + 12 * HOUR;
    assert_eq!(h.ids(&[q]).await, ["t5", "t3", "t2", "t1"], "newest first");
    assert_eq!(h.ids(&[q, ("session", "main")]).await, ["t3", "t2", "t1"]);
    assert_eq!(h.ids(&[q, ("session", "other")]).await, ["t5"]);
    assert_eq!(h.ids(&[q, ("conversation", A)]).await, ["t2", "t1"]);
    assert_eq!(h.ids(&[q, ("direction", "in")]).await, ["t5", "t3", "t1"]);
    assert_eq!(h.ids(&[q, ("direction", "out")]).await, ["t2"]);
    assert_eq!(h.ids(&[q, ("type", "image")]).await, ["t3"]);
    assert_eq!(h.ids(&[q, ("type", "chat")]).await, ["t5", "t2", "t1"]);
    assert_eq!(h.ids(&[q, ("status", "read")]).await.len(), 4);
    assert_eq!(
        h.ids(&[("q", "bom"), ("status", "delivered")]).await,
        ["t4"]
    );
    assert!(h.ids(&[("q", "bom"), ("status", "read")]).await.is_empty());
    // Unix seconds, both ends included
    let (from, to) = ((t + 20).to_string(), (t + 30).to_string());
    assert_eq!(
        h.ids(&[q, ("from", &from), ("to", &to)]).await,
        ["t3", "t2"]
    );
    // dates: whole UTC days
    assert_eq!(
        h.ids(&[q, ("from", "2026-03-10"), ("to", "2026-03-10")])
            .await
            .len(),
        4
    );
    assert!(h.ids(&[q, ("to", "2026-03-09")]).await.is_empty());
    assert!(h.ids(&[q, ("from", "2026-03-11")]).await.is_empty());
    // filters together
    assert_eq!(
        h.ids(&[
            q,
            ("session", "main"),
            ("direction", "in"),
            ("type", "chat")
        ])
        .await,
        ["t1"]
    );
}

async fn paging_returns_every_hit_once_newest_first(db: TestDb) {
    let store = db.store().await;
    // 25 hits, several in the same second (the order within it must still be stable), and
    // messages that do not match between them
    let mut seeded = Vec::new();
    for i in 0..25_i64 {
        let at = DAY0 + 9 * HOUR + (i / 3) * MINUTE;
        seeded.push(text(
            &format!("lote{i:02}"),
            A,
            Some("Ana"),
            &format!("lote número {i}"),
            at,
            MessageStatus::Read,
        ));
        seeded.push(text(
            &format!("x{i:02}"),
            A,
            None,
            "outra coisa",
            at,
            MessageStatus::Read,
        ));
    }
    insert(&store, "main", &seeded).await;
    let h = Harness::new(store).await;

    let mut seen = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("q", "lote"), ("limit", "7")];
        if let Some(cursor) = &cursor {
            query.push(("cursor", cursor));
        }
        let (status, page) = h.get("/api/search", &query).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        let ids = hit_ids(&page);
        assert!(ids.len() <= 7);
        seen.extend(ids);
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 4, "25 hits in pages of 7");
    let expected: Vec<String> = (0..25).rev().map(|i| format!("lote{i:02}")).collect();
    assert_eq!(
        seen, expected,
        "every hit once, newest (then last stored) first"
    );
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);
}

async fn a_hostile_query_is_answered_never_a_server_error(db: TestDb) {
    let h = Harness::new(search_store(&db).await).await;
    // words are searched as words, whatever FTS5 or SQL syntax they contain
    for q in [
        "pedido AND",
        "AND pedido",
        "pedido OR",
        "-pedido",
        "NOT pedido",
        "pedido*",
        "\"pedido",
        "pedido\"",
        "NEAR(pedido",
        "body:pedido",
        "^pedido",
        "pedido'; DROP TABLE messages; --",
        "{pedido}",
        "pedido + (",
    ] {
        let (status, page) = h.get("/api/search", &[("q", q)]).await;
        assert_eq!(status, 200, "{q}: {page}");
        assert!(page["hits"].is_array(), "{q}: {page}");
    }
    assert!(h.ids(&[("q", "-pedido")]).await.len() == 4, "- is not NOT");
    assert!(
        h.ids(&[("q", "NOT pedido")]).await.is_empty(),
        "NOT is a word"
    );
    // nothing to search for: a 400 that says so
    for q in ["", "   ", "\"", "*", "\" * - ( ) :"] {
        let (status, body) = h.get("/api/search", &[("q", q)]).await;
        assert_eq!(status, 400, "{q:?}: {body}");
        assert_eq!(body["error"], "bad_request");
        assert!(body["reason"].as_str().unwrap().starts_with("q "), "{body}");
    }
    // a NUL would cut the FTS5 query short: control characters separate words
    assert_eq!(h.ids(&[("q", "pedido\u{0}\u{1}")]).await.len(), 4);
    let (status, _) = h.get("/api/search", &[("q", &"palavra ".repeat(40))]).await;
    assert_eq!(status, 400);
    // the store is intact
    assert_eq!(h.ids(&[("q", "pedido")]).await.len(), 4);
}

async fn bad_parameters_are_a_json_400_and_a_token_is_required(db: TestDb) {
    let h = Harness::new(search_store(&db).await).await;
    for (name, value) in [
        ("direction", "sideways"),
        ("status", "seen"),
        ("type", "chat'); --"),
        ("from", "2026-02-30"),
        ("to", "yesterday"),
        ("limit", "0"),
        ("limit", "101"),
        ("limit", "many"),
        ("cursor", "not-a-cursor"),
        ("session", "a/b"),
    ] {
        let (status, body) = h
            .get("/api/search", &[("q", "pedido"), (name, value)])
            .await;
        assert_eq!(status, 400, "{name}={value}: {body}");
        assert_eq!(body["error"], "bad_request", "{body}");
        assert!(body["reason"].is_string(), "{body}");
    }
    let (status, body) = h.get("/api/search", &[]).await;
    assert_eq!(status, 400, "{body}");
    for path in ["/api/search?q=pedido", "/api/analytics"] {
        let r = h
            .http
            .get(format!("{}{path}", h.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
}

/// The analytics fixture, with the figures worked out by hand below.
async fn analytics_store(db: &TestDb) -> Store {
    use MessageStatus::{Delivered, Failed, Pending, Read, Sent};
    let day1 = DAY0 + 24 * HOUR;
    let at = |day: i64, h: i64, m: i64, s: i64| day + h * HOUR + m * MINUTE + s;
    let (c, d, e) = ("553@c.us", "554@c.us", "555@c.us");
    let store = db.store().await;
    insert(
        &store,
        "main",
        &[
            // 2026-03-09, outside the range: only opens a turn that day 1 continues
            text("d0", d, Some("Dora"), "ontem", at(DAY0, -1, 0, 0), Read),
            // day 0, conversation A: a turn of two messages answered after 120 s; the next
            // turn's failed send is no answer, the later one is (300 s)
            text("a1", A, Some("Ana"), "oi", at(DAY0, 9, 0, 0), Read),
            text("a2", A, Some("Ana"), "alguém?", at(DAY0, 9, 0, 30), Read),
            text("a3", A, None, "olá", at(DAY0, 9, 2, 0), Read),
            text(
                "a4",
                A,
                Some("Ana"),
                "e o pedido?",
                at(DAY0, 10, 0, 0),
                Read,
            ),
            text("a5", A, None, "falhou", at(DAY0, 10, 0, 10), Failed),
            text("a6", A, None, "chega hoje", at(DAY0, 10, 5, 0), Delivered),
            // conversation B: 45 s, and a turn at 23:59 answered after midnight (120 s, day 0)
            text("b1", B, Some("Bia"), "bom dia", at(DAY0, 9, 30, 0), Read),
            text("b2", B, None, "bom dia!", at(DAY0, 9, 30, 45), Sent),
            text("b3", B, Some("Bia"), "boa noite", at(DAY0, 23, 59, 0), Read),
            text("b4", B, None, "boa noite!", at(day1, 0, 1, 0), Read),
            // conversation C: never answered
            text("c1", c, Some("Caio"), "?", at(DAY0, 14, 0, 0), Read),
            // day 1: d1 continues d0's turn (not a new one); e1 answered in the same second,
            // e3 after 30 s
            text("d1", d, Some("Dora"), "de novo", at(day1, 8, 0, 0), Read),
            text("d2", d, None, "oi Dora", at(day1, 8, 10, 0), Delivered),
            text("e1", e, Some("Eva"), "oi", at(day1, 12, 0, 0), Read),
            text("e2", e, None, "oi Eva", at(day1, 12, 0, 0), Sent),
            text("e3", e, Some("Eva"), "tudo bem?", at(day1, 13, 0, 0), Read),
            text("e4", e, None, "tudo", at(day1, 13, 0, 30), Read),
            text("e5", e, None, "e você?", at(day1, 13, 1, 0), Pending),
        ],
    )
    .await;
    // another session, day 0: counted only without ?session=
    insert(
        &store,
        "other",
        &[text("o1", A, Some("Ana"), "oi", at(DAY0, 9, 0, 0), Read)],
    )
    .await;
    store
}

async fn analytics_figures_match_the_history_worked_out_by_hand(db: TestDb) {
    let h = Harness::new(analytics_store(&db).await).await;
    let (status, body) = h
        .get(
            "/api/analytics",
            &[
                ("session", "main"),
                ("from", "2026-03-10"),
                ("to", "2026-03-12"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"], "main");
    assert_eq!(body["from"], "2026-03-10");
    assert_eq!(body["to"], "2026-03-12");
    assert_eq!(body["timeZone"], "UTC");
    let days = body["days"].as_array().unwrap();
    assert_eq!(days.len(), 3, "every day of the range: {body}");

    let mut hours0 = [0_u64; 24];
    hours0[9] = 5; // a1 a2 a3 b1 b2
    hours0[10] = 3; // a4 a5 a6
    hours0[14] = 1; // c1
    hours0[23] = 1; // b3
    let day0 = &days[0];
    assert_eq!(day0["date"], "2026-03-10");
    assert_eq!(day0["messagesIn"], 6, "a1 a2 a4 b1 b3 c1");
    assert_eq!(day0["messagesOut"], 4, "a3 a5 a6 b2");
    // out: a3 read, a5 failed, a6 delivered, b2 sent
    assert_eq!(day0["deliveryRate"], 0.5);
    assert_eq!(day0["readRate"], 0.25);
    // first responses 120 (a1→a3), 300 (a4→a6), 45 (b1→b2), 120 (b3→b4): 45 120 120 300
    assert_eq!(day0["firstResponses"], 4);
    assert_eq!(day0["medianFirstResponseSeconds"], 120.0);
    assert_eq!(day0["hours"], json!(hours0));
    assert_eq!(day0["busiestHour"], 9);

    let mut hours1 = [0_u64; 24];
    hours1[0] = 1; // b4
    hours1[8] = 2; // d1 d2
    hours1[12] = 2; // e1 e2
    hours1[13] = 3; // e3 e4 e5
    let day1 = &days[1];
    assert_eq!(day1["date"], "2026-03-11");
    assert_eq!(day1["messagesIn"], 3, "d1 e1 e3");
    assert_eq!(day1["messagesOut"], 5, "b4 d2 e2 e4 e5");
    // out: b4 read, d2 delivered, e2 sent, e4 read, e5 pending
    assert_eq!(day1["deliveryRate"], 0.6);
    assert_eq!(day1["readRate"], 0.4);
    // 0 (e1→e2, same second) and 30 (e3→e4); d1 continues d0's turn
    assert_eq!(day1["firstResponses"], 2);
    assert_eq!(day1["medianFirstResponseSeconds"], 15.0);
    assert_eq!(day1["hours"], json!(hours1));
    assert_eq!(day1["busiestHour"], 13);

    let day2 = &days[2];
    assert_eq!(day2["date"], "2026-03-12");
    assert_eq!(day2["messagesIn"], 0);
    assert_eq!(day2["messagesOut"], 0);
    assert_eq!(day2["deliveryRate"], Value::Null);
    assert_eq!(day2["readRate"], Value::Null);
    assert_eq!(day2["medianFirstResponseSeconds"], Value::Null);
    assert_eq!(day2["busiestHour"], Value::Null);
    assert_eq!(day2["hours"], json!(vec![0_u64; 24]));

    // every session: the other session's incoming message too, and its unanswered turn
    let (_, all) = h
        .get(
            "/api/analytics",
            &[("from", "2026-03-10"), ("to", "2026-03-10")],
        )
        .await;
    assert_eq!(all["session"], Value::Null);
    assert_eq!(all["days"][0]["messagesIn"], 7, "{all}");
    assert_eq!(all["days"][0]["hours"][9], 6);
    assert_eq!(all["days"][0]["firstResponses"], 4);
}

async fn analytics_refuses_bad_ranges_with_a_json_400(db: TestDb) {
    let h = Harness::new(db.store().await).await;
    for query in [
        [("from", "2026-03-12"), ("to", "2026-03-10")],
        [("from", "2026-3-1"), ("to", "2026-03-10")],
        [("from", "2024-01-01"), ("to", "2026-01-01")],
        [("from", "2026-03-10"), ("to", "2026-02-30")],
        [("session", "a/b"), ("to", "2026-03-10")],
    ] {
        let (status, body) = h.get("/api/analytics", &query).await;
        assert_eq!(status, 400, "{query:?}: {body}");
        assert_eq!(body["error"], "bad_request", "{body}");
    }
    // no dates: the last 7 days, today included
    let (status, body) = h.get("/api/analytics", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["days"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn the_migration_indexes_the_messages_stored_before_it() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;

    let db = support::TempDb::new("search-migration");
    let file = Path::new(db.url.strip_prefix("sqlite://").unwrap());
    // a database as the previous version left it: migrations 0001 to 0005, and a message
    let old = file.parent().unwrap().join("old-migrations");
    std::fs::create_dir_all(&old).unwrap();
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for entry in std::fs::read_dir(&migrations).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < "0006" {
            std::fs::copy(&path, old.join(name)).unwrap();
        }
    }
    let options = SqliteConnectOptions::from_str(&db.url)
        .unwrap()
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO conversations (session, id, name) VALUES ('main', ?1, 'Zélia')")
        .bind(A)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO messages (session, id, conversation_id, sender_id, sender_name, content, \
         message_type, timestamp, status, status_rank, is_from_me) \
         VALUES ('main', 'old1', ?1, ?1, NULL, 'mensagem antiga', 'chat', ?2, 'read', 3, 0)",
    )
    .bind(A)
    .bind(DAY0)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    // this version's migration indexes it, contact name included
    let store = Store::open(&db.url).await.unwrap();
    let h = Harness::new(store).await;
    assert_eq!(h.ids(&[("q", "antiga")]).await, ["old1"]);
    assert_eq!(h.ids(&[("q", "zelia")]).await, ["old1"]);
}

crate::on_both!(
    search_finds_words_in_bodies_captions_and_contact_names,
    a_send_is_found_under_the_server_s_id_once_it_has_one,
    each_filter_narrows_the_hits,
    paging_returns_every_hit_once_newest_first,
    a_hostile_query_is_answered_never_a_server_error,
    bad_parameters_are_a_json_400_and_a_token_is_required,
    analytics_figures_match_the_history_worked_out_by_hand,
    analytics_refuses_bad_ranges_with_a_json_400,
);

#[tokio::test]
async fn the_postgres_migration_indexes_the_messages_stored_before_it() {
    let db = support::pg::PgDb::new("search-migration").await;
    // a database as the previous version left it: migrations 0001 to 0005, and a message
    let old = std::env::temp_dir().join(format!(
        "wpp-pg-old-migrations-{}-{}",
        std::process::id(),
        wppconnect_examples::backend::auth::random_secret(8)
    ));
    std::fs::create_dir_all(&old).unwrap();
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    for entry in std::fs::read_dir(&migrations).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < "0006" {
            std::fs::copy(&path, old.join(name)).unwrap();
        }
    }
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&old);
    sqlx::query("INSERT INTO conversations (session, id, name) VALUES ('main', $1, 'Zélia')")
        .bind(A)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO messages (session, id, conversation_id, sender_id, sender_name, content, \
         message_type, timestamp, status, status_rank, is_from_me) \
         VALUES ('main', 'old1', $1, $1, NULL, 'mensagem antiga', 'chat', $2, 'read', 3, 0)",
    )
    .bind(A)
    .bind(DAY0)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    // this version's migration indexes it, contact name included
    let store = Store::open(&db.url).await.unwrap();
    let h = Harness::new(store).await;
    assert_eq!(h.ids(&[("q", "antiga")]).await, ["old1"]);
    assert_eq!(h.ids(&[("q", "zelia")]).await, ["old1"]);
}

/// Without the `unaccent` extension (a server without PostgreSQL's contrib, or a role that may
/// not create it), migration 0006 folds a fixed table of accents instead: words are found
/// typed with or without their accents all the same.
#[tokio::test]
async fn the_postgres_search_without_unaccent_still_ignores_accents() {
    let db = support::pg::PgDb::new("no-unaccent").await;
    let dir = std::env::temp_dir().join(format!(
        "wpp-pg-no-unaccent-{}-{}",
        std::process::id(),
        wppconnect_examples::backend::auth::random_secret(8)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    for entry in std::fs::read_dir(&migrations).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let mut sql = std::fs::read_to_string(&path).unwrap();
        if name.starts_with("0006") {
            // as if the extension could not be created
            let create = "CREATE EXTENSION IF NOT EXISTS unaccent;";
            assert!(sql.contains(create));
            sql = sql.replace(create, "RAISE EXCEPTION 'no unaccent here';");
        }
        std::fs::write(dir.join(name), sql).unwrap();
    }
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::migrate::Migrator::new(dir.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let unaccent: Option<String> =
        sqlx::query_scalar("SELECT extname::TEXT FROM pg_extension WHERE extname = 'unaccent'")
            .fetch_optional(&pool)
            .await
            .unwrap();
    assert_eq!(unaccent, None);
    sqlx::query(
        "INSERT INTO messages (session, id, conversation_id, sender_id, content, message_type, \
         timestamp, status, status_rank, is_from_me) \
         VALUES ('main', 'm1', $1, $1, 'Olá JOÃO, a ação <de hoje> em São Paulo', 'chat', $2, 'read', 3, 0)",
    )
    .bind(A)
    .bind(DAY0)
    .execute(&pool)
    .await
    .unwrap();
    for (words, found) in [
        ("'joao' & 'acao'", true),
        ("'JOÃO' & 'ação'", true),
        ("'sao':* & 'paulo'", true),
        ("'hoje'", true),
        ("'ola'", true),
        ("'joana'", false),
    ] {
        let hits: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM message_search \
             WHERE document @@ to_tsquery('wpp_search', wpp_search_fold($1))",
        )
        .bind(words)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(hits == 1, found, "{words}");
    }
    pool.close().await;
}
