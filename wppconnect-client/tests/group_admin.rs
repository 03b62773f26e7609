//! Group administration: admins, invites, settings and broadcast lists. Answers are the
//! constructed fixtures of `fixtures/group/` (see `fixtures/README.md`).

mod support;

use serde_json::{json, Value};
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use wppconnect_client::models::group::GroupProperty;
use wppconnect_client::{Error, WppApi};

const GROUP: &str = "120363025746331234@g.us";

fn fixture(name: &str) -> Value {
    let text = match name {
        "common-groups" => include_str!("fixtures/group/common-groups.json"),
        "group-admins" => include_str!("fixtures/group/group-admins.json"),
        "join-code" => include_str!("fixtures/group/join-code.json"),
        "promote-participant-group" => {
            include_str!("fixtures/group/promote-participant-group.json")
        }
        "demote-participant-group" => include_str!("fixtures/group/demote-participant-group.json"),
        "group-info-from-invite-link" => {
            include_str!("fixtures/group/group-info-from-invite-link.json")
        }
        "group-setting" => include_str!("fixtures/group/group-setting.json"),
        "change-privacy-group" => include_str!("fixtures/group/change-privacy-group.json"),
        "all-broadcast-list" => include_str!("fixtures/group/all-broadcast-list.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

/// Mounts a mock for `POST /api/{SESSION}/{slug}` with this body, answered once with a fixture.
async fn post(server: &MockServer, slug: &str, body: Value, status: u16, answer: &str) {
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/{slug}")))
        .and(bearer())
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(status).set_body_json(fixture(answer)))
        .expect(1)
        .named(slug)
        .mount(server)
        .await;
}

/// Mounts a mock for `GET /api/{SESSION}/{tail}`, answered once with a fixture.
async fn get(server: &MockServer, tail: &str, answer: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/{tail}")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(answer)))
        .expect(1)
        .named(tail.to_owned())
        .mount(server)
        .await;
}

#[tokio::test]
async fn group_reads_decode_the_servers_answers() {
    let server = server().await;
    get(&server, "common-groups/5521999999999@c.us", "common-groups").await;
    get(&server, &format!("group-admins/{GROUP}"), "group-admins").await;
    get(&server, "all-broadcast-list", "all-broadcast-list").await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    let common = session.common_groups("+55 21 99999-9999").await.unwrap();
    assert_eq!(common[0].as_str(), GROUP);
    assert_eq!(common[1].as_str(), "5511999999999-1600000000@g.us");
    let admins = session.group_admins("120363025746331234").await.unwrap();
    let admins: Vec<&str> = admins.iter().map(|a| a.as_str()).collect();
    assert_eq!(admins, ["5511999999999@c.us", "215589463728541@lid"]);
    let lists = session.all_broadcast_list().await.unwrap();
    assert_eq!(lists[0].id.as_str(), "1700000000@broadcast");
    assert_eq!(lists[0].name.as_deref(), Some("Clientes VIP"));
    assert_eq!(lists[0].extra["isBroadcast"], true);
}

#[tokio::test]
async fn invites_are_read_and_joined_with_the_servers_keys() {
    let server = server().await;
    // the server reads `invitecode`, all lower case
    post(
        &server,
        "group-info-from-invite-link",
        json!({"invitecode": "https://chat.whatsapp.com/AbCdEf123"}),
        200,
        "group-info-from-invite-link",
    )
    .await;
    post(
        &server,
        "join-code",
        json!({"inviteCode": "https://chat.whatsapp.com/AbCdEf123"}),
        201,
        "join-code",
    )
    .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    let info = session
        .group_info_from_invite_link(" https://chat.whatsapp.com/AbCdEf123 ")
        .await
        .unwrap();
    assert_eq!(info.id.as_str(), GROUP);
    assert_eq!(info.subject, "Equipe");
    assert_eq!(info.desc.as_deref(), Some("Pedidos e entregas\nSeg a sex"));
    assert_eq!(info.size, Some(2));
    assert_eq!(info.restrict, Some(true));
    assert!(info.participants[0].is_admin);
    assert_eq!(info.participants[0].extra["isSuperAdmin"], true);
    assert_eq!(info.extra["descId"], "3EB0C1D2E3F4A5B6");
    let joined = session
        .join_code("https://chat.whatsapp.com/AbCdEf123")
        .await
        .unwrap();
    assert_eq!(
        joined.message,
        "The informed contact(s) entered the group successfully"
    );
    assert_eq!(joined.contact, "https://chat.whatsapp.com/AbCdEf123");
    assert_eq!(joined.extra["joinedVia"], "link");
}

#[tokio::test]
async fn promote_and_demote_post_digits_and_decode_the_resolved_ids() {
    let server = server().await;
    let body = json!({"groupId": GROUP, "phone": ["5521999999999"]});
    post(
        &server,
        "promote-participant-group",
        body.clone(),
        201,
        "promote-participant-group",
    )
    .await;
    post(
        &server,
        "demote-participant-group",
        body,
        201,
        "demote-participant-group",
    )
    .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    let promoted = session
        .promote_participant_group("120363025746331234", &["+55 21 99999-9999"])
        .await
        .unwrap();
    assert_eq!(promoted.message, "Successful promoted participant(s)");
    assert_eq!(promoted.participants[0].as_str(), "5521999999999@c.us");
    assert_eq!(promoted.groups[0].as_str(), GROUP);
    assert_eq!(promoted.extra["requestId"], "constructed-unknown-field");
    let demoted = session
        .demote_participant_group(GROUP, &["5521999999999"])
        .await
        .unwrap();
    assert_eq!(
        demoted.message,
        "Admin of participant(s) revoked successfully"
    );
}

#[tokio::test]
async fn settings_post_the_servers_fields_and_privacy_sends_a_string() {
    let server = server().await;
    post(
        &server,
        "group-description",
        json!({"groupId": GROUP, "description": "Pedidos e entregas"}),
        200,
        "group-setting",
    )
    .await;
    post(
        &server,
        "group-subject",
        json!({"groupId": GROUP, "title": "Equipe 2025"}),
        200,
        "group-setting",
    )
    .await;
    post(
        &server,
        "group-property",
        json!({"groupId": GROUP, "property": "no_frequently_forwarded", "value": false}),
        200,
        "group-setting",
    )
    .await;
    post(
        &server,
        "messages-admins-only",
        json!({"groupId": GROUP, "value": true}),
        200,
        "group-setting",
    )
    .await;
    // the server enables it only for the string "true"
    post(
        &server,
        "change-privacy-group",
        json!({"groupId": GROUP, "status": "true"}),
        200,
        "change-privacy-group",
    )
    .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    session
        .group_description(GROUP, "Pedidos e entregas")
        .await
        .unwrap();
    session.group_subject(GROUP, "Equipe 2025").await.unwrap();
    session
        .group_property(GROUP, GroupProperty::NoFrequentlyForwarded, false)
        .await
        .unwrap();
    WppApi::messages_admins_only(&session, "120363025746331234", true)
        .await
        .unwrap();
    let changed = session.change_privacy_group(GROUP, true).await.unwrap();
    assert_eq!(
        changed.message.as_deref(),
        Some("Group privacy changed successfully")
    );
}

#[tokio::test]
async fn a_settings_change_is_not_repeated_after_a_502() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/group-subject")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let err = session.group_subject(GROUP, "Equipe").await.unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
}

#[tokio::test]
async fn bad_group_ids_and_empty_inputs_send_nothing() {
    let server = server().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let session = client(&server).session(SESSION).unwrap();
    let invalid = |r: Result<(), Error>| matches!(r, Err(Error::InvalidInput { .. }));

    assert!(invalid(session.group_admins("not a group").await.map(drop)));
    assert!(invalid(session.common_groups("abc").await.map(drop)));
    assert!(invalid(session.join_code(" ").await.map(drop)));
    assert!(invalid(
        session.group_info_from_invite_link("").await.map(drop)
    ));
    assert!(invalid(
        session
            .promote_participant_group(GROUP, &[] as &[&str])
            .await
            .map(drop)
    ));
    assert!(invalid(
        session
            .demote_participant_group("1@c.us", &["5521999999999"])
            .await
            .map(drop)
    ));
    assert!(invalid(session.group_subject(GROUP, " ").await));
    assert!(invalid(session.group_description("x y", "d").await));
    assert!(invalid(
        session
            .group_property("abc", GroupProperty::Restrict, true)
            .await
    ));
    assert!(invalid(session.messages_admins_only("abc", true).await));
    assert!(invalid(
        session.change_privacy_group("abc", true).await.map(drop)
    ));
}
