//! The message store on its own: status rules and idempotent writes, each test on SQLite and on
//! PostgreSQL (`WPP_TEST_POSTGRES`, see `.ci/services`) but those of SQLite's own file settings.

mod support;

use support::pg::TestDb;
use wppconnect_examples::backend::Store;
use wppconnect_models::domain::{Message, MessageStatus};
use wppconnect_models::MessageType;

const ALL: [MessageStatus; 5] = [
    MessageStatus::Pending,
    MessageStatus::Sent,
    MessageStatus::Delivered,
    MessageStatus::Read,
    MessageStatus::Failed,
];

fn message(id: &str, status: MessageStatus) -> Message {
    Message {
        id: id.to_owned(),
        client_id: None,
        conversation_id: "5511999999999@c.us".to_owned(),
        sender_id: "5511999999999@c.us".to_owned(),
        sender_name: None,
        content: "oi".to_owned(),
        message_type: MessageType::Chat,
        timestamp: 1_795_525_512,
        status,
        is_from_me: true,
        quoted_message: None,
        media_url: None,
        mime_type: None,
        file_name: None,
        file_size: None,
        location: None,
    }
}

async fn every_status_change_follows_the_domain_rule(db: TestDb) {
    let store = db.store().await;
    for (i, from) in ALL.into_iter().enumerate() {
        for (j, to) in ALL.into_iter().enumerate() {
            let id = format!("m{i}{j}");
            store
                .insert_message("main", &message(&id, from))
                .await
                .unwrap();
            let changed = store.apply_status("main", &id, to).await.unwrap();
            let now = store.message("main", &id).await.unwrap().unwrap().status;
            let expected = if from.can_become(to) { to } else { from };
            assert_eq!(now, expected, "{from:?} then {to:?}");
            assert_eq!(
                changed.is_some(),
                from.can_become(to),
                "{from:?} then {to:?}"
            );
        }
    }
}

async fn an_early_ack_keeps_its_highest_status_until_the_message_comes(db: TestDb) {
    let store = db.store().await;
    assert!(store
        .apply_status("main", "late", MessageStatus::Read)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .apply_status("main", "late", MessageStatus::Delivered)
        .await
        .unwrap()
        .is_none());
    let (stored, new) = store
        .insert_message("main", &message("late", MessageStatus::Sent))
        .await
        .unwrap();
    assert!(new);
    assert_eq!(stored.status, MessageStatus::Read, "the early read ack won");
    let (again, new) = store
        .insert_message("main", &message("late", MessageStatus::Sent))
        .await
        .unwrap();
    assert!(!new, "a repeated message is not stored twice");
    assert_eq!(again.status, MessageStatus::Read);
    let page = store
        .messages(Some("main"), "5511999999999@c.us", 1, 50)
        .await
        .unwrap();
    assert_eq!(page.total, 1);
}

async fn a_database_is_created_on_start_and_reopened(db: TestDb) {
    let store = db.store().await;
    store
        .insert_message("main", &message("kept", MessageStatus::Sent))
        .await
        .unwrap();
    drop(store);
    if let TestDb::Sqlite(file) = &db {
        let path = file.url.strip_prefix("sqlite://").unwrap();
        assert!(std::path::Path::new(path).exists());
    }
    let reopened = db.store().await;
    assert!(reopened.message("main", "kept").await.unwrap().is_some());
}

fn temp_url(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!(
        "wpp-store-{name}-{}-{}",
        std::process::id(),
        wppconnect_examples::backend::auth::random_secret(8)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("backend.db").display());
    (dir, url)
}

#[tokio::test]
async fn a_database_file_runs_in_wal_mode_and_full_sync_is_an_option() {
    let (dir, url) = temp_url("wal");
    let store = Store::open(&url).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&sqlx::SqlitePool::connect(&url).await.unwrap())
        .await
        .unwrap();
    assert_eq!(mode, "wal", "readers never wait for the writer");
    // each connection of the store's pool: NORMAL (1), or FULL (2) when the URL asks
    let synchronous = |store: Store| async move {
        sqlx::query_scalar::<_, i64>("PRAGMA synchronous")
            .fetch_one(store.pool())
            .await
            .unwrap()
    };
    assert_eq!(synchronous(store).await, 1);
    let full = Store::open(&format!("{url}?synchronous=full"))
        .await
        .unwrap();
    assert_eq!(synchronous(full).await, 2);
    assert!(Store::open(&format!("{url}?mode=rwc&synchronous=NORMAL"))
        .await
        .is_ok());
    assert!(
        Store::open(&format!("{url}?synchronous=off"))
            .await
            .is_err(),
        "only normal or full: off could corrupt the file at a power cut"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

async fn the_generated_webhook_secret_is_kept_across_restarts(db: TestDb) {
    let first = db
        .store()
        .await
        .webhook_secret(|| "first".to_owned())
        .await
        .unwrap();
    assert_eq!(first, "first");
    let again = db
        .store()
        .await
        .webhook_secret(|| "second".to_owned())
        .await
        .unwrap();
    assert_eq!(again, "first", "the URL the server holds stays valid");
}

async fn a_batch_keeps_all_of_its_writes_or_none(db: TestDb) {
    let store = db.store().await;
    let mut batch = store.begin().await.unwrap();
    for id in ["a", "b"] {
        assert!(batch
            .insert_message("main", &message(id, MessageStatus::Sent))
            .await
            .unwrap()
            .is_some());
    }
    assert!(
        batch
            .insert_message("main", &message("a", MessageStatus::Sent))
            .await
            .unwrap()
            .is_none(),
        "the same id twice in a batch is stored once"
    );
    drop(batch); // never committed
    assert!(store.message("main", "a").await.unwrap().is_none());
    let mut batch = store.begin().await.unwrap();
    batch
        .insert_message("main", &message("a", MessageStatus::Sent))
        .await
        .unwrap();
    batch
        .apply_status("main", "a", MessageStatus::Delivered)
        .await
        .unwrap();
    batch.commit().await.unwrap();
    let stored = store.message("main", "a").await.unwrap().unwrap();
    assert_eq!(stored.status, MessageStatus::Delivered);
}

async fn many_messages_in_one_statement_count_once_each_and_take_their_early_acks(db: TestDb) {
    let store = db.store().await;
    store
        .apply_status("main", "b", MessageStatus::Read)
        .await
        .unwrap();
    let from_contact = |id: &str| Message {
        is_from_me: false,
        content: format!("texto {id}"),
        ..message(id, MessageStatus::Sent)
    };
    let mut batch = store.begin().await.unwrap();
    let stored = batch
        .insert_messages(
            "main",
            &[from_contact("a"), from_contact("b"), from_contact("a")],
        )
        .await
        .unwrap();
    batch.commit().await.unwrap();
    let statuses: Vec<Option<MessageStatus>> = stored
        .iter()
        .map(|m| m.as_ref().map(|m| m.status))
        .collect();
    assert_eq!(
        statuses,
        [Some(MessageStatus::Sent), Some(MessageStatus::Read), None],
        "new ones once, the early ack applied, the repeat not stored"
    );
    let conversations = store.conversations(Some("main")).await.unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].unread_count, 2);
    assert_eq!(
        store.message("main", "b").await.unwrap().unwrap().status,
        MessageStatus::Read
    );
}

async fn a_batch_leaves_each_conversation_as_one_message_at_a_time_would(db: TestDb) {
    let store = db.store().await;
    let to = |id: &str, chat: &str, t: i64, text: &str| Message {
        conversation_id: chat.to_owned(),
        is_from_me: false,
        sender_name: (id != "x1").then(|| format!("nome {id}")),
        content: text.to_owned(),
        timestamp: t,
        ..message(id, MessageStatus::Sent)
    };
    let mut batch = store.begin().await.unwrap();
    batch
        .insert_messages(
            "main",
            &[
                to("x1", "111111@c.us", 10, "primeira"),
                to("y1", "222222@c.us", 5, "outra"),
                to("x2", "111111@c.us", 10, "segunda, mesmo segundo"),
                to("x3", "111111@c.us", 9, "atrasada"),
            ],
        )
        .await
        .unwrap();
    batch.commit().await.unwrap();
    let conversations = store.conversations(Some("main")).await.unwrap();
    let one = conversations
        .iter()
        .find(|c| c.id == "111111@c.us")
        .unwrap();
    assert_eq!(one.unread_count, 3);
    assert_eq!(one.last_message.as_deref(), Some("segunda, mesmo segundo"));
    assert_eq!(one.last_message_time, Some(10));
    assert_eq!(one.name.as_deref(), Some("nome x2"), "the first name known");
    assert_eq!(one.phone_number.as_deref(), Some("111111"));
    let other = conversations
        .iter()
        .find(|c| c.id == "222222@c.us")
        .unwrap();
    assert_eq!(
        (other.unread_count, other.last_message.as_deref()),
        (1, Some("outra"))
    );
}

async fn a_polled_session_state_never_overwrites_a_newer_one(db: TestDb) {
    use wppconnect_models::domain::SessionStatus;
    let store = db.store().await;
    let first = store
        .replace_session("main", None, SessionStatus::Connecting, Some("data:qr"))
        .await
        .unwrap()
        .expect("nothing stored yet: written");
    // a webhook stores `connected` while a poll that read `connecting` waits for the server
    store
        .set_session("main", SessionStatus::Connected, None)
        .await
        .unwrap();
    let stale = store
        .replace_session(
            "main",
            Some(&first),
            SessionStatus::Connecting,
            Some("data:qr"),
        )
        .await
        .unwrap();
    assert!(stale.is_none(), "the older answer is dropped");
    let now = store.session("main").await.unwrap().unwrap();
    assert_eq!(now.status, SessionStatus::Connected);
    let closed = store
        .replace_session("main", Some(&now), SessionStatus::Disconnected, None)
        .await
        .unwrap();
    assert_eq!(closed.unwrap().status, SessionStatus::Disconnected);
}

async fn two_batches_racing_on_one_chat_store_each_message_once(db: TestDb) {
    let store = db.store().await;
    let messages: Vec<Message> = (0..50)
        .map(|i| Message {
            is_from_me: false,
            content: format!("texto {i}"),
            timestamp: 1_795_525_512 + i,
            ..message(&format!("m{i:02}"), MessageStatus::Sent)
        })
        .collect();
    let mut reversed = messages.clone();
    reversed.reverse();
    let mut writer = store.writer();
    // the webhook writer's kept connection and a batch of the pool, at the same time
    let (first, second) = tokio::join!(
        async {
            let mut batch = writer.begin().await.unwrap();
            let stored = batch.insert_messages("main", &messages).await.unwrap();
            batch.commit().await.unwrap();
            stored
        },
        async {
            let mut batch = store.begin().await.unwrap();
            let stored = batch.insert_messages("main", &reversed).await.unwrap();
            batch.commit().await.unwrap();
            stored
        },
    );
    let mut new_in = std::collections::HashMap::new();
    for stored in first.iter().chain(&second).flatten() {
        *new_in.entry(stored.id.clone()).or_insert(0) += 1;
    }
    assert_eq!(new_in.len(), 50, "every message is new in one batch");
    assert!(new_in.values().all(|&n| n == 1), "and in one only");
    let page = store
        .messages(Some("main"), "5511999999999@c.us", 1, 500)
        .await
        .unwrap();
    assert_eq!(page.total, 50);
    let conversations = store.conversations(Some("main")).await.unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(
        conversations[0].unread_count, 50,
        "each message counted once"
    );
    assert_eq!(conversations[0].last_message.as_deref(), Some("texto 49"));
}

async fn the_writer_s_kept_connection_sees_what_others_committed(db: TestDb) {
    let store = db.store().await;
    let mut writer = store.writer();
    let mut batch = writer.begin().await.unwrap();
    assert!(batch.session("main").await.unwrap().is_none());
    batch
        .insert_message("main", &message("a", MessageStatus::Sent))
        .await
        .unwrap();
    batch.commit().await.unwrap();
    // written meanwhile on another connection of the pool
    store
        .set_session(
            "main",
            wppconnect_models::domain::SessionStatus::Connected,
            None,
        )
        .await
        .unwrap();
    store
        .apply_status("main", "a", MessageStatus::Read)
        .await
        .unwrap();
    let mut batch = writer.begin().await.unwrap();
    let session = batch.session("main").await.unwrap().unwrap();
    assert_eq!(
        session.status,
        wppconnect_models::domain::SessionStatus::Connected
    );
    let a = batch.message("main", "a").await.unwrap().unwrap();
    assert_eq!(a.status, MessageStatus::Read);
    assert!(batch
        .set_phone_number("main", "5511900000001")
        .await
        .unwrap());
    batch.commit().await.unwrap();
    writer.reset();
    let mut batch = writer.begin().await.unwrap();
    assert!(
        !batch
            .set_phone_number("main", "5511900000001")
            .await
            .unwrap(),
        "a fresh connection after a reset sees the writer's own commits"
    );
    drop(batch);
    assert_eq!(
        store
            .session("main")
            .await
            .unwrap()
            .unwrap()
            .phone_number
            .as_deref(),
        Some("5511900000001")
    );
}

async fn a_text_with_a_nul_character_is_stored_all_the_same(db: TestDb) {
    let store = db.store().await;
    let odd = Message {
        content: "a\u{0}b".to_owned(),
        sender_name: Some("N\u{0}ame".to_owned()),
        ..message("nul", MessageStatus::Sent)
    };
    let (_, new) = store.insert_message("main", &odd).await.unwrap();
    assert!(
        new,
        "stored, not refused (the server would not send it again)"
    );
    let stored = store.message("main", "nul").await.unwrap().unwrap();
    // PostgreSQL's text holds no NUL: it is left out there
    let expected = if db.is_postgres() { "ab" } else { "a\u{0}b" };
    assert_eq!(stored.content, expected);
}

/// Two backend instances on one database: each message new in one of them only, and an ack
/// that one keeps early is applied by the other when the message reaches it.
async fn two_stores_on_one_database_store_each_message_once(db: TestDb) {
    let (a, b) = (db.store().await, db.store().await);
    let messages: Vec<Message> = (0..40)
        .map(|i| Message {
            is_from_me: false,
            content: format!("texto {i}"),
            timestamp: 1_795_525_512 + i,
            ..message(&format!("m{i:02}"), MessageStatus::Sent)
        })
        .collect();
    let mut reversed = messages.clone();
    reversed.reverse();
    let insert = |store: &Store, messages: Vec<Message>| {
        let store = store.clone();
        async move {
            let mut stored = Vec::new();
            for chunk in messages.chunks(7) {
                let mut batch = store.begin().await.unwrap();
                stored.extend(batch.insert_messages("main", chunk).await.unwrap());
                batch.commit().await.unwrap();
            }
            stored
        }
    };
    let (first, second) = tokio::join!(insert(&a, messages), insert(&b, reversed));
    let new: Vec<&String> = first
        .iter()
        .chain(&second)
        .flatten()
        .map(|m| &m.id)
        .collect();
    assert_eq!(new.len(), 40, "every message new exactly once: {new:?}");
    let conversations = b.conversations(Some("main")).await.unwrap();
    assert_eq!(conversations[0].unread_count, 40, "each counted once");

    if db.is_postgres() {
        // b found no early ack waiting above; a keeps one now
        assert!(a
            .apply_status("main", "late", MessageStatus::Read)
            .await
            .unwrap()
            .is_none());
        let (stored, new) = b
            .insert_message("main", &message("late", MessageStatus::Sent))
            .await
            .unwrap();
        assert!(new);
        assert_eq!(stored.status, MessageStatus::Read, "the other's early ack");
    }
}

/// The backend binary on PostgreSQL (`DATABASE_URL=postgres://…`) in front of the simulator: a
/// session started and connected, a contact's messages and a send's acks taken from the
/// simulator's webhooks and served back; killed and started again on the same database, it has
/// them all, once, and the server's webhook URL (its generated secret) still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backend_binary_on_postgres_stores_the_simulator_s_webhooks_and_serves_them_back() {
    use serde_json::json;
    use support::{get, login, post, until, Backend};

    let db = TestDb::postgres("backend").await;
    let sim = wppconnect_sim::Simulator::builder()
        .fast()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let hash = wppconnect_examples::backend::auth::hash_password("s3nha").unwrap();
    let users = format!("ana:{hash}");
    let bind = format!("127.0.0.1:{}", support::free_port());
    let sim_url = sim.url();
    // no WEBHOOK_SECRET: the generated one is kept in PostgreSQL
    let vars = [
        ("WPPCONNECT_URL", sim_url.as_str()),
        ("WPPCONNECT_SECRET_KEY", sim.secret_key()),
        ("DATABASE_URL", db.url()),
        ("BIND", bind.as_str()),
        ("BACKEND_USERS", users.as_str()),
        ("JWT_SECRET", "a-jwt-secret-of-at-least-32-bytes"),
    ];
    let backend = Backend::start(&vars).await;
    let http = reqwest::Client::new();
    let token = login(&http, &backend.base, "ana", "s3nha").await;
    let (status, body) = post(
        &http,
        &format!("{}/api/sessions/main/start", backend.base),
        &token,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    until("the QR code", || async {
        (sim.status("main") == wppconnect_sim::SessionStatus::QrCode).then_some(())
    })
    .await;
    sim.scan("main").unwrap();
    let session_url = format!("{}/api/sessions/main", backend.base);
    until("connected (the simulator's webhook)", || async {
        (get(&http, &session_url, &token).await.1["status"] == "connected").then_some(())
    })
    .await;
    sim.contact_writes("main", "5521988887777", "olá, tudo bem?")
        .unwrap();
    let page_url = format!(
        "{}/api/conversations/5521988887777@c.us/messages?session=main",
        backend.base
    );
    // the simulator posts its webhook on its own time: the contact's message is stored first,
    // so that the two messages (of one second) are in the order the test reads them
    until("the contact's message", || async {
        let (_, page) = get(&http, &page_url, &token).await;
        (page["messages"].as_array()?.len() == 1).then_some(())
    })
    .await;
    let (status, body) = post(
        &http,
        &format!("{}/api/messages", backend.base),
        &token,
        json!({"sessionName": "main", "phone": "5521988887777", "message": "tudo ótimo"}),
    )
    .await;
    // queued in the outbox (on PostgreSQL too), delivered after the answer
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "pending", "{body}");
    let page = until("the contact's message and our send, read", || async {
        let (_, page) = get(&http, &page_url, &token).await;
        let messages = page["messages"].as_array()?;
        (messages.len() == 2 && messages[1]["status"] == "read").then_some(page)
    })
    .await;
    assert_eq!(page["messages"][0]["content"], "olá, tudo bem?");
    assert_eq!(page["messages"][0]["isFromMe"], false);
    assert_eq!(page["messages"][1]["content"], "tudo ótimo");
    let (_, found) = get(
        &http,
        &format!("{}/api/search?q=otimo", backend.base),
        &token,
    )
    .await;
    assert_eq!(
        found["hits"][0]["snippet"], "tudo <mark>ótimo</mark>",
        "{found}"
    );
    backend.kill().await;

    let backend = Backend::start(&vars).await;
    let token = login(&http, &backend.base, "ana", "s3nha").await;
    sim.contact_writes("main", "5521988887777", "depois")
        .unwrap();
    // the same BIND: the same URL
    let contents = until("the message after the restart", || async {
        let (_, page) = get(&http, &page_url, &token).await;
        let contents: Vec<String> = page["messages"]
            .as_array()?
            .iter()
            .filter_map(|m| m["content"].as_str().map(str::to_owned))
            .collect();
        (contents.len() >= 3).then_some(contents)
    })
    .await;
    assert_eq!(
        contents,
        ["olá, tudo bem?", "tudo ótimo", "depois"],
        "each once"
    );
    backend.kill().await;
}

#[tokio::test]
async fn a_database_url_of_another_kind_is_refused() {
    for url in ["mysql://localhost/db", "wppconnect-backend.db", ""] {
        assert!(Store::open(url).await.is_err(), "{url}");
    }
}

crate::on_both!(
    every_status_change_follows_the_domain_rule,
    an_early_ack_keeps_its_highest_status_until_the_message_comes,
    a_database_is_created_on_start_and_reopened,
    the_generated_webhook_secret_is_kept_across_restarts,
    a_batch_keeps_all_of_its_writes_or_none,
    many_messages_in_one_statement_count_once_each_and_take_their_early_acks,
    a_batch_leaves_each_conversation_as_one_message_at_a_time_would,
    a_polled_session_state_never_overwrites_a_newer_one,
    two_batches_racing_on_one_chat_store_each_message_once,
    the_writer_s_kept_connection_sees_what_others_committed,
    a_text_with_a_nul_character_is_stored_all_the_same,
    two_stores_on_one_database_store_each_message_once,
);

#[test]
fn a_postgres_password_never_shows_in_the_configuration_s_debug_output() {
    use clap::Parser;
    use wppconnect_examples::backend::store::redacted_url;

    let url = "postgres://wpp:pw-s3cr3t@db.internal:5432/backend";
    assert_eq!(
        redacted_url(url),
        "postgres://wpp:***@db.internal:5432/backend"
    );
    assert_eq!(redacted_url("sqlite://backend.db"), "sqlite://backend.db");
    let config = wppconnect_examples::backend::Config::try_parse_from([
        "backend".to_owned(),
        format!("--database-url={url}"),
    ])
    .unwrap();
    let shown = format!("{config:?}");
    assert!(!shown.contains("pw-s3cr3t"), "{shown}");
    assert!(shown.contains("db.internal:5432/backend"), "{shown}");
}

/// Another module's write inside a batch (through `Batch::connection`) commits with it, or
/// rolls back with it.
async fn a_write_of_another_module_commits_or_rolls_back_with_the_batch(db: TestDb) {
    let store = db.store().await;
    let count = |store: Store| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM settings WHERE key = $1")
            .bind("module-key")
            .fetch_one(store.pool())
            .await
            .unwrap()
    };
    let mut batch = store.begin().await.unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind("module-key")
        .bind("v")
        .execute(batch.connection())
        .await
        .unwrap();
    drop(batch);
    assert_eq!(count(store.clone()).await, 0, "rolled back with the batch");
    let mut batch = store.begin().await.unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind("module-key")
        .bind("v")
        .execute(batch.connection())
        .await
        .unwrap();
    batch.commit().await.unwrap();
    assert_eq!(count(store).await, 1, "committed with the batch");
}

crate::on_both!(a_write_of_another_module_commits_or_rolls_back_with_the_batch);

#[tokio::test]
async fn the_ingest_journal_goes_beside_a_database_file_unless_every_commit_is_synced() {
    let db = support::TempDb::new("journal-home");
    let store = Store::open(&db.url).await.unwrap();
    let file = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
    assert_eq!(
        store.default_journal(None),
        Some(file.with_file_name("backend.db-ingest"))
    );
    assert_eq!(
        store.default_journal(Some("a")),
        Some(file.with_file_name("backend.db-ingest-a")),
        "instances sharing a file have a journal each"
    );
    drop(store);
    let synced = Store::open(&format!("{}?synchronous=full", db.url))
        .await
        .unwrap();
    assert_eq!(
        synced.default_journal(None),
        None,
        "synced commits: each webhook waits for its own"
    );
    let memory = Store::open("sqlite::memory:").await.unwrap();
    assert_eq!(memory.default_journal(None), None);
}

#[tokio::test]
async fn an_in_memory_store_keeps_its_data_when_the_pool_closes_its_connection() {
    use wppconnect_models::domain::SessionStatus;
    let store = Store::open("sqlite::memory:").await.unwrap();
    store
        .set_session("main", SessionStatus::Connected, None)
        .await
        .unwrap();
    // what sqlx does to a connection left in a bad state (a request cancelled mid-query)
    let conn = store.pool().acquire().await.unwrap();
    conn.close().await.unwrap();
    let session = store.session("main").await.unwrap();
    assert_eq!(
        session.map(|s| s.status),
        Some(SessionStatus::Connected),
        "the pool's next connection opens the same database"
    );
}
