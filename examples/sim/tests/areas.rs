//! The stateful areas, driven through `wppconnect_client`'s typed methods: what one route
//! changes, the others read back. This also proves that the simulator's answers decode into
//! the client's types.

mod support;

use support::{connected, fast_sim, Receiver};
use wppconnect_client::models::chat::MuteFilter;
use wppconnect_client::models::label::LabelChange;
use wppconnect_client::{Client, Error, Session};
use wppconnect_sim::RunningSimulator;

/// A simulator with the session `main` connected, and the client's handle of it.
async fn session() -> (RunningSimulator, Session) {
    let sim = fast_sim().await;
    let hook = Receiver::start().await;
    connected(&sim, &reqwest::Client::new(), "main", &hook.url).await;
    let client = Client::builder(&sim.url())
        .unwrap()
        .secret_key(sim.secret_key())
        .build()
        .unwrap();
    let session = client.session("main").unwrap();
    (sim, session)
}

fn ids(chats: &[wppconnect_client::models::Chat]) -> Vec<String> {
    chats.iter().map(|c| c.id.as_str().to_owned()).collect()
}

#[tokio::test]
async fn a_created_group_is_administered_and_read_back() {
    let (_sim, session) = session().await;
    let created = session
        .create_group("Equipe", &["5511988887777"])
        .await
        .unwrap();
    assert_eq!(created.group_info.len(), 1);
    let group = created.group_info[0].chat_id().unwrap();
    let group = group.as_str();
    assert!(created.group_info[0]
        .participants
        .contains_key("5511988887777@c.us"));

    // a participant added is a member; promoted, an admin
    session
        .add_participant_group(group, &["5521977776666"])
        .await
        .unwrap();
    let members = session.group_members(group).await.unwrap();
    let member_ids: Vec<&str> = members.iter().map(|c| c.id.as_str()).collect();
    assert!(member_ids.contains(&"5521977776666@c.us"), "{member_ids:?}");
    assert!(member_ids.contains(&"5511988887777@c.us"));
    assert!(
        member_ids.contains(&"5511900000001@c.us"),
        "the owner is a member"
    );
    session
        .promote_participant_group(group, &["5521977776666"])
        .await
        .unwrap();
    let admins = session.group_admins(group).await.unwrap();
    let admin_ids: Vec<&str> = admins.iter().map(|a| a.as_str()).collect();
    assert!(admin_ids.contains(&"5521977776666@c.us"), "{admin_ids:?}");
    session
        .demote_participant_group(group, &["5521977776666"])
        .await
        .unwrap();
    let info = session.group_info(group).await.unwrap();
    let demoted = info
        .participants
        .iter()
        .find(|p| p.id.as_str() == "5521977776666@c.us")
        .unwrap();
    assert!(!demoted.is_admin);

    // subject and description
    session.group_subject(group, "Equipe B").await.unwrap();
    session
        .group_description(group, "Pedidos e entregas")
        .await
        .unwrap();
    let info = session.group_info(group).await.unwrap();
    assert_eq!(info.name, "Equipe B");
    assert_eq!(info.description.as_deref(), Some("Pedidos e entregas"));
    assert!(info.created_at.as_deref().is_some_and(|d| d.ends_with('Z')));

    // the invite link changes when revoked, and the new one finds the group
    let link = session.group_invite_link(group).await.unwrap();
    let revoked = session.group_revoke_link(group).await.unwrap();
    assert!(link.starts_with("https://chat.whatsapp.com/"));
    assert_ne!(link, revoked);
    let code = revoked.trim_start_matches("https://chat.whatsapp.com/");
    let from_link = session.group_info_from_invite_link(code).await.unwrap();
    assert_eq!(from_link.id.as_str(), group);
    assert_eq!(from_link.subject, "Equipe B");

    // removed, no longer a member; all-groups lists the group until the session leaves it
    session
        .remove_participant_group(group, &["5521977776666"])
        .await
        .unwrap();
    let members = session.group_members_ids(group).await.unwrap();
    assert!(!members.iter().any(|m| m.as_str() == "5521977776666@c.us"));
    assert_eq!(ids(&session.all_groups().await.unwrap()), [group]);
    session.leave_group(group).await.unwrap();
    assert!(session.all_groups().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_group_fails_as_the_library_does() {
    let (_sim, session) = session().await;
    let error = session
        .group_info("120363000000000000@g.us")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api { status, .. } if status.as_u16() == 500),
        "{error:?}"
    );
}

#[tokio::test]
async fn chats_are_archived_pinned_muted_marked_unread_and_deleted() {
    let (sim, session) = session().await;
    sim.contact_writes("main", "5511911111111", "Oi").unwrap();
    sim.contact_writes("main", "5511922222222", "Olá").unwrap();
    let first = "5511911111111@c.us";
    let second = "5511922222222@c.us";
    assert_eq!(ids(&session.all_chats().await.unwrap()).len(), 2);

    session.archive_chat(first, true).await.unwrap();
    assert_eq!(ids(&session.all_chats_archived().await.unwrap()), [first]);
    session.archive_chat(first, false).await.unwrap();
    assert!(session.all_chats_archived().await.unwrap().is_empty());

    // the pinned chat comes first, though the other is more recent
    session.pin_chat(first, true).await.unwrap();
    let listed = session.list_chats().await.unwrap();
    assert_eq!(ids(&listed), [first, second]);

    session.send_mute(first, None).await.unwrap();
    let mutes = session.list_mutes(MuteFilter::Muted).await.unwrap();
    let muted: Vec<String> = mutes
        .muted
        .iter()
        .map(|m| m.id.as_str().to_owned())
        .collect();
    assert_eq!(muted, [first]);

    // read, then marked unread again
    session.send_seen(second).await.unwrap();
    let unread = session.list_chats().only_unread().await.unwrap();
    assert_eq!(ids(&unread), [first]);
    session.mark_unseen(second).await.unwrap();
    let unread = session.list_chats().only_unread().await.unwrap();
    assert_eq!(ids(&unread).len(), 2);

    session.delete_chat(second).await.unwrap();
    assert_eq!(ids(&session.all_chats().await.unwrap()), [first]);
    assert!(sim.messages("main").iter().all(|m| m["chatId"] != second));
}

#[tokio::test]
async fn contacts_come_from_chats_and_groups() {
    let (sim, session) = session().await;
    sim.contact_writes("main", "5511911111111", "Oi").unwrap();
    session
        .create_group("Equipe", &["5511933333333"])
        .await
        .unwrap();
    let contacts = session.all_contacts().await.unwrap();
    let contact_ids: Vec<&str> = contacts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(contact_ids, ["5511911111111@c.us", "5511933333333@c.us"]);
    let contact = session.contact("5511911111111").await.unwrap();
    assert_eq!(contact.id.as_str(), "5511911111111@c.us");

    // the configured unknown number does not exist; the others do
    let missing = session.check_number_status("5511900009999").await.unwrap();
    assert!(!missing.number_exists);
    let known = session.check_number_status("5511911111111").await.unwrap();
    assert!(known.number_exists);

    // this account's about text, and blocking
    session.set_profile_status("Em reunião").await.unwrap();
    let own = session.profile_status("5511900000001").await.unwrap();
    assert_eq!(own.status.as_deref(), Some("Em reunião"));
    session.block_contact("5511911111111").await.unwrap();
    assert_eq!(session.blocklist().await.unwrap(), ["5511911111111"]);
    session.unblock_contact("5511911111111").await.unwrap();
    assert!(session.blocklist().await.unwrap().is_empty());
}

#[tokio::test]
async fn labels_are_created_put_on_chats_filtered_and_deleted() {
    let (sim, session) = session().await;
    sim.contact_writes("main", "5511911111111", "Oi").unwrap();
    sim.contact_writes("main", "5511922222222", "Olá").unwrap();
    let vip = session.add_new_label("VIP", None).await.unwrap();
    let other = session
        .add_new_label("Novo", Some(0xFF00_FF00))
        .await
        .unwrap();
    assert_ne!(vip.id, other.id);
    assert_eq!(other.hex_color.as_deref(), Some("#00FF00"));

    session
        .add_or_remove_labels(&["5511911111111"], &[LabelChange::add(vip.id.clone())])
        .await
        .unwrap();
    let labelled = session
        .list_chats()
        .with_labels([vip.id.as_str()])
        .await
        .unwrap();
    assert_eq!(ids(&labelled), ["5511911111111@c.us"]);
    let labels = session.get_all_labels().await.unwrap();
    let counted = labels.iter().find(|l| l.id == vip.id).unwrap();
    assert_eq!(counted.count, Some(1));

    session.delete_label(&vip.id).await.unwrap();
    let names: Vec<String> = session
        .get_all_labels()
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names, ["Novo"]);
    assert!(session
        .list_chats()
        .with_labels([vip.id.as_str()])
        .await
        .unwrap()
        .is_empty());
    session.delete_all_labels().await.unwrap();
    assert!(session.get_all_labels().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_session_that_is_not_connected_gets_the_client_s_not_connected_error() {
    let sim = fast_sim().await;
    let client = Client::builder(&sim.url())
        .unwrap()
        .secret_key(sim.secret_key())
        .build()
        .unwrap();
    let session = client.session("main").unwrap();
    let error = session.all_groups().await.unwrap_err();
    assert!(matches!(error, Error::NotConnected { .. }), "{error:?}");
}

#[tokio::test]
async fn the_gate_refuses_an_unknown_number_on_any_route_and_the_route_still_acts() {
    let (_sim, session) = session().await;
    let created = session
        .create_group("Equipe", &["5511988887777"])
        .await
        .unwrap();
    let group = created.group_info[0].chat_id().unwrap();
    let error = session
        .add_participant_group(group.as_str(), &["5511900009999", "5521977776666"])
        .await
        .unwrap_err();
    match &error {
        Error::Api {
            status, message, ..
        } => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(
                message.as_deref(),
                Some("O número 5511900009999 não existe.")
            );
        }
        other => panic!("{other:?}"),
    }
    // as on the real server, the controller ran anyway: the known number was added
    let members = session.group_members_ids(group.as_str()).await.unwrap();
    assert!(members.iter().any(|m| m.as_str() == "5521977776666@c.us"));
    assert!(!members.iter().any(|m| m.as_str() == "5511900009999@c.us"));
}
