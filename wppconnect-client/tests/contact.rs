//! Contacts: LID mapping, blocking, the session's own number.

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn lid_mapping_blocking_and_own_number() {
    let server = server().await;
    let wid = |user: &str, server: &str| json!({"server": server, "user": user, "_serialized": format!("{user}@{server}")});
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/contact/pn-lid/215589463728541@lid"
        )))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "lid": wid("215589463728541", "lid"),
            "phoneNumber": wid("5511999999999", "c.us"),
            "contact": {"id": wid("5511999999999", "c.us"), "pushname": "Maria"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/block-contact")))
        .and(bearer())
        .and(body_json(json!({"phone": "5511999999999"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "success", "response": {"message": "Contact blocked"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/unblock-contact")))
        .and(bearer())
        .and(body_json(json!({"phone": "5511999999999"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "success", "response": {"message": "Contact UnBlocked"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/get-phone-number")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "success", "response": "5511900000001@c.us", "mapper": "device"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let mapping = session.contact_pn_lid("215589463728541@lid").await.unwrap();
    assert_eq!(
        mapping.phone_number.as_ref().map(|id| id.as_str()),
        Some("5511999999999@c.us")
    );
    assert_eq!(
        mapping.lid.as_ref().map(|id| id.as_str()),
        Some("215589463728541@lid")
    );
    assert_eq!(
        mapping.contact.as_ref().and_then(|c| c.pushname.as_deref()),
        Some("Maria")
    );
    let blocked = session.block_contact("+55 11 99999-9999").await.unwrap();
    assert_eq!(blocked.message.as_deref(), Some("Contact blocked"));
    let unblocked = session.unblock_contact("5511999999999").await.unwrap();
    assert_eq!(unblocked.message.as_deref(), Some("Contact UnBlocked"));
    let me = session.get_phone_number().await.unwrap();
    assert_eq!(me.as_str(), "5511900000001@c.us");
    assert!(session
        .contact_pn_lid("120363025746331234@g.us")
        .await
        .is_err());
    assert!(session.block_contact("abc").await.is_err());
}

#[tokio::test]
async fn the_blocklist_is_the_blocked_numbers() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/blocklist")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "response": [{"phone": "5521988887777"}, {"phone": "215589463728541"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    assert_eq!(
        session.blocklist().await.unwrap(),
        ["5521988887777", "215589463728541"]
    );
}
