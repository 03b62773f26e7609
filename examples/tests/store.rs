//! The message store on its own: status rules and idempotent writes.

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

#[tokio::test]
async fn every_status_change_follows_the_domain_rule() {
    let store = Store::open("sqlite::memory:").await.unwrap();
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

#[tokio::test]
async fn an_early_ack_keeps_its_highest_status_until_the_message_comes() {
    let store = Store::open("sqlite::memory:").await.unwrap();
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

#[tokio::test]
async fn a_database_file_is_created_on_start_and_reopened() {
    let dir = std::env::temp_dir().join(format!("wpp-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("backend.db");
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await.unwrap();
    store
        .insert_message("main", &message("kept", MessageStatus::Sent))
        .await
        .unwrap();
    drop(store);
    assert!(path.exists());
    let reopened = Store::open(&url).await.unwrap();
    assert!(reopened.message("main", "kept").await.unwrap().is_some());
    let _ = std::fs::remove_dir_all(&dir);
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
    drop(store);
    assert!(Store::open(&format!("{url}?synchronous=full"))
        .await
        .is_ok());
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

#[tokio::test]
async fn the_generated_webhook_secret_is_kept_across_restarts() {
    let (dir, url) = temp_url("secret");
    let first = Store::open(&url)
        .await
        .unwrap()
        .webhook_secret(|| "first".to_owned())
        .await
        .unwrap();
    assert_eq!(first, "first");
    let again = Store::open(&url)
        .await
        .unwrap()
        .webhook_secret(|| "second".to_owned())
        .await
        .unwrap();
    assert_eq!(again, "first", "the URL the server holds stays valid");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_batch_keeps_all_of_its_writes_or_none() {
    let store = Store::open("sqlite::memory:").await.unwrap();
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

#[tokio::test]
async fn many_messages_in_one_statement_count_once_each_and_take_their_early_acks() {
    let store = Store::open("sqlite::memory:").await.unwrap();
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

#[tokio::test]
async fn a_batch_leaves_each_conversation_as_one_message_at_a_time_would() {
    let store = Store::open("sqlite::memory:").await.unwrap();
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

#[tokio::test]
async fn a_polled_session_state_never_overwrites_a_newer_one() {
    use wppconnect_models::domain::SessionStatus;
    let store = Store::open("sqlite::memory:").await.unwrap();
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

/// A database file (batches on several connections), removed when dropped.
struct TempDb(std::path::PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("wpp-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.0.join("store.db").display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn two_batches_racing_on_one_chat_store_each_message_once() {
    let db = TempDb::new("race");
    let store = Store::open(&db.url()).await.unwrap();
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

#[tokio::test]
async fn the_writer_s_kept_connection_sees_what_others_committed() {
    let db = TempDb::new("writer");
    let store = Store::open(&db.url()).await.unwrap();
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
