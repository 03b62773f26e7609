//! Communities: bare answers, never repeated. Answers are the constructed fixtures of
//! `fixtures/community/`.

mod support;

use serde_json::{json, Value};
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{any, body_json, method, path};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::{Error, WppApi};

const COMMUNITY: &str = "120363025746339999@g.us";
const GROUP: &str = "120363025746331234@g.us";

fn fixture(name: &str) -> Value {
    let text = match name {
        "create-community" => include_str!("fixtures/community/create-community.json"),
        "subgroups" => include_str!("fixtures/community/subgroups.json"),
        "demote-community-participant" => {
            include_str!("fixtures/community/demote-community-participant.json")
        }
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

fn answer(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

#[tokio::test]
async fn community_routes_post_the_servers_keys_and_decode_bare_answers() {
    let server = server().await;
    let route = |slug: &str| {
        Mock::given(method("POST"))
            .and(path(format!("/api/{SESSION}/{slug}")))
            .and(bearer())
    };
    route("create-community")
        .and(body_json(
            json!({"name": "Loja", "description": "Avisos", "groupIds": [GROUP]}),
        ))
        .respond_with(answer(200, fixture("create-community")))
        .expect(1)
        .mount(&server)
        .await;
    route("add-community-subgroup")
        .and(body_json(
            json!({"id": COMMUNITY, "groupsIds": [GROUP, "120363025746335555@g.us"]}),
        ))
        .respond_with(answer(200, fixture("subgroups")))
        .expect(1)
        .mount(&server)
        .await;
    route("remove-community-subgroup")
        .and(body_json(json!({"id": COMMUNITY, "groupsIds": [GROUP]})))
        .respond_with(answer(200, fixture("subgroups")))
        .expect(1)
        .mount(&server)
        .await;
    // the library answers nothing: Express sends an empty body
    route("promote-community-participant")
        .and(body_json(
            json!({"id": COMMUNITY, "participantsId": ["5521999999999@c.us"]}),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    route("demote-community-participant")
        .and(body_json(
            json!({"id": COMMUNITY, "participantsId": ["5521999999999@c.us"]}),
        ))
        .respond_with(answer(200, fixture("demote-community-participant")))
        .expect(1)
        .mount(&server)
        .await;
    route("deactivate-community")
        .and(body_json(json!({"id": COMMUNITY})))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/community-participants/{COMMUNITY}"
        )))
        .and(bearer())
        .respond_with(answer(200, json!([{"id": "5521999999999@c.us"}])))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    let created = session
        .create_community("Loja", "Avisos", &["120363025746331234"])
        .await
        .unwrap();
    assert_eq!(created.wid.as_str(), COMMUNITY);
    let sub = created.sub_groups.unwrap();
    assert_eq!(sub.linked_group_jids[0].as_str(), GROUP);
    assert_eq!(
        created.extra["announcementGroup"],
        "constructed-unknown-field"
    );
    let added = session
        .add_community_subgroup(COMMUNITY, &[GROUP, "120363025746335555"])
        .await
        .unwrap();
    assert_eq!(
        added.failed_groups[0].jid.as_str(),
        "120363025746335555@g.us"
    );
    assert_eq!(added.failed_groups[0].error, "403");
    assert_eq!(added.extra["requestId"], "constructed-unknown-field");
    session
        .remove_community_subgroup("120363025746339999", &[GROUP])
        .await
        .unwrap();
    session
        .promote_community_participant(COMMUNITY, &["+55 21 99999-9999"])
        .await
        .unwrap();
    let demoted = WppApi::demote_community_participant(&session, COMMUNITY, &["5521999999999"])
        .await
        .unwrap();
    assert!(demoted.success);
    assert_eq!(demoted.participants, json!(["5521999999999@c.us"]));
    assert_eq!(demoted.extra["requestId"], "constructed-unknown-field");
    assert_eq!(session.deactivate_community(COMMUNITY).await.unwrap(), None);
    let members = session.community_participants(COMMUNITY).await.unwrap();
    assert_eq!(members[0]["id"], "5521999999999@c.us");
}

#[tokio::test]
async fn bad_ids_and_empty_inputs_send_nothing() {
    let server = server().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let session = client(&server).session(SESSION).unwrap();
    let invalid = |r: Result<(), Error>| matches!(r, Err(Error::InvalidInput { .. }));

    assert!(invalid(
        session.create_community(" ", "d", &[GROUP]).await.map(drop)
    ));
    assert!(invalid(
        session
            .create_community("Loja", "d", &[] as &[&str])
            .await
            .map(drop)
    ));
    assert!(invalid(
        session
            .deactivate_community("5521999999999@c.us")
            .await
            .map(drop)
    ));
    assert!(invalid(
        session
            .add_community_subgroup(COMMUNITY, &["abc"])
            .await
            .map(drop)
    ));
    assert!(invalid(
        session
            .remove_community_subgroup("abc", &[GROUP])
            .await
            .map(drop)
    ));
    assert!(invalid(
        session
            .promote_community_participant(COMMUNITY, &["abc"])
            .await
    ));
    assert!(invalid(
        session
            .demote_community_participant(COMMUNITY, &[] as &[&str])
            .await
            .map(drop)
    ));
    assert!(invalid(
        session.community_participants("x y").await.map(drop)
    ));
}

#[tokio::test]
async fn creating_a_community_is_not_repeated_after_a_502() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/create-community")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let err = session
        .create_community("Loja", "Avisos", &[GROUP])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
}
