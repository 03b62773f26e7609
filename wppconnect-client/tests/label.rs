//! Labels: list, create (never repeated), put on and take off chats, delete with PUT.
//! (Answers constructed from the server's labelsController.ts at 2.10.4 and wa-js's `Label`.)

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::models::label::LabelChange;

#[tokio::test]
async fn labels_are_listed_created_applied_and_deleted() {
    let server = server().await;
    let vip = json!({"id": "3", "name": "VIP", "color": 4292849392_u64, "count": 2, "hexColor": "#ff9485", "colorIndex": 2});
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/get-all-labels")))
        .and(bearer())
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"status": "success", "response": [vip]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // creating twice would make two labels: a 502 is not repeated
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/add-new-label")))
        .and(bearer())
        .and(body_json(
            json!({"name": "Atacado", "options": {"labelColor": 4292849392_u32}}),
        ))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/add-new-label")))
        .and(bearer())
        .and(body_json(json!({"name": "VIP"})))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"status": "success", "response": vip})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/add-or-remove-label")))
        .and(bearer())
        .and(body_json(json!({
            "chatIds": ["5511999999999@c.us", "120363025746331234@g.us"],
            "options": [{"labelId": "3", "type": "add"}, {"labelId": "5", "type": "remove"}]
        })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"status": "success", "response": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/{SESSION}/delete-label/3")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"status": "success", "response": {"id": "3", "deleteLabelResult": true}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/{SESSION}/delete-all-labels")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    let labels = session.get_all_labels().await.unwrap();
    assert_eq!(labels[0].id, "3");
    assert_eq!(labels[0].hex_color.as_deref(), Some("#ff9485"));
    assert_eq!(labels[0].extra["colorIndex"], 2);
    let err = session
        .add_new_label("Atacado", Some(4_292_849_392))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let created = session.add_new_label("VIP", None).await.unwrap();
    assert_eq!(created.name, "VIP");
    session
        .add_or_remove_labels(
            &["+55 11 99999-9999", "120363025746331234@g.us"],
            &[LabelChange::add("3"), LabelChange::remove("5")],
        )
        .await
        .unwrap();
    session.delete_label("3").await.unwrap();
    session.delete_all_labels().await.unwrap();

    let before = server.received_requests().await.unwrap().len();
    assert!(session.add_new_label(" ", None).await.is_err());
    assert!(session
        .add_or_remove_labels(&[] as &[&str], &[LabelChange::add("3")])
        .await
        .is_err());
    assert!(session.delete_label("").await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}
