//! Groups: reads, and changes that are never repeated.

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

const GROUP: &str = "120363025746331234@g.us";

#[tokio::test]
async fn group_reads_accept_the_id_with_or_without_its_suffix() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/group-info/{GROUP}")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "response": {"id": GROUP, "name": "Equipe", "participants": [{"id": "5511999999999@c.us", "isAdmin": true}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/group-invite-link/{GROUP}")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "Success", "response": "https://chat.whatsapp.com/AbCdEf123"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let info = session.group_info("120363025746331234").await.unwrap();
    assert_eq!(info.id.as_str(), GROUP);
    assert_eq!(info.name, "Equipe");
    assert_eq!(info.participants[0].id.as_str(), "5511999999999@c.us");
    assert!(info.participants[0].is_admin);
    let link = session.group_invite_link(GROUP).await.unwrap();
    assert_eq!(link, "https://chat.whatsapp.com/AbCdEf123");
    assert!(session.group_info("not a group").await.is_err());
}

#[tokio::test]
async fn group_changes_post_the_servers_fields_once() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/create-group")))
        .and(bearer())
        .and(body_json(json!({"name": "Equipe", "participants": ["5511999999999", "5521988887777"]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "status": "success",
            "response": {"message": "Group(s) created successfully", "group": "Equipe",
                         "groupInfo": [{"name": "Equipe", "id": "120363025746331234", "participants": {}}]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/add-participant-group")))
        .and(bearer())
        .and(body_json(
            json!({"groupId": GROUP, "phone": ["5531977776666"]}),
        ))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/remove-participant-group")))
        .and(bearer())
        .and(body_json(json!({"groupId": GROUP, "phone": ["5531977776666"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "response": {"message": "Participant(s) removed successfully", "participants": ["5531977776666@c.us"], "groups": []}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/leave-group")))
        .and(bearer())
        .and(body_json(json!({"groupId": GROUP})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "response": {"messages": "Você saiu do grupo com sucesso", "group": GROUP}
        })))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let created = session
        .create_group("Equipe", &["+55 11 99999-9999", "5521988887777"])
        .await
        .unwrap();
    assert_eq!(created.group_info[0].id, "120363025746331234");
    assert_eq!(created.group_info[0].chat_id().unwrap().as_str(), GROUP);
    let err = session
        .add_participant_group(GROUP, &["+55 31 97777-6666"])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
    let removed = session
        .remove_participant_group("120363025746331234", &["5531977776666"])
        .await
        .unwrap();
    assert_eq!(removed.message, "Participant(s) removed successfully");
    assert_eq!(removed.participants, json!(["5531977776666@c.us"]));
    let left = session.leave_group(GROUP).await.unwrap();
    assert_eq!(left.group, GROUP);
    assert_eq!(left.messages, "Você saiu do grupo com sucesso");

    let before = server.received_requests().await.unwrap().len();
    assert!(session.create_group(" ", &["5511999999999"]).await.is_err());
    assert!(session
        .create_group("Equipe", &[] as &[&str])
        .await
        .is_err());
    assert!(session
        .add_participant_group(GROUP, &["abc"])
        .await
        .is_err());
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        before,
        "nothing sent"
    );
}

#[tokio::test]
async fn create_and_add_answers_are_typed() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/create-group")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("create-group")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/add-participant-group")))
        .and(bearer())
        .and(body_json(
            json!({"groupId": GROUP, "phone": ["5531977776666"]}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("add-participant-group")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let created = session
        .create_group("Clientes VIP", &["5511999999999", "5521988887777"])
        .await
        .unwrap();
    assert_eq!(created.message, "Group(s) created successfully");
    let group = &created.group_info[0];
    assert_eq!(group.name, "Clientes VIP");
    assert_eq!(group.chat_id().unwrap().as_str(), GROUP);
    assert_eq!(group.participants["5521988887777@c.us"]["code"], 403);
    let added = session
        .add_participant_group(GROUP, &["+55 31 97777-6666"])
        .await
        .unwrap();
    assert_eq!(added.message, "Addition to group attempted.");
    assert_eq!(added.groups[0].as_str(), GROUP);
    assert_eq!(added.result[0]["5531977776666@c.us"]["code"], 200);
}

#[tokio::test]
async fn member_ids_and_a_revoked_link() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/group-members-ids/{GROUP}")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "response": [{"server": "c.us", "user": "5511999999999", "_serialized": "5511999999999@c.us"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    // revoking is a GET that changes state: a 502 is not repeated
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/group-revoke-link/{GROUP}")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let ids = session.group_members_ids(GROUP).await.unwrap();
    assert_eq!(ids[0].as_str(), "5511999999999@c.us");
    let err = session.group_revoke_link(GROUP).await.unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
}

#[tokio::test]
async fn a_revoked_link_is_the_new_link() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/group-revoke-link/{GROUP}")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "Success", "response": "https://chat.whatsapp.com/NewCode456"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    assert_eq!(
        session
            .group_revoke_link("120363025746331234")
            .await
            .unwrap(),
        "https://chat.whatsapp.com/NewCode456"
    );
}
