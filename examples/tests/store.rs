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
