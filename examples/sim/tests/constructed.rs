//! The routes whose answers the simulator constructs (messages beyond the core sends, inbox
//! reads, device, catalog, newsletters, communities, stories) decode into the client's typed
//! answers: each call below goes through `wppconnect_client` against the simulator.

mod support;

use support::{connected, fast_sim, Receiver};
use wppconnect_client::models::business::ProductChanges;
use wppconnect_client::models::chat::MuteFilter;
use wppconnect_client::models::message::{ListRow, ListSection};
use wppconnect_client::{Client, File};

/// Collects the failures of many calls, so one run shows them all.
macro_rules! check {
    ($failures:ident, $what:literal, $call:expr) => {
        if let Err(error) = $call.await {
            $failures.push(format!("{}: {error:?}", $what));
        }
    };
}

#[tokio::test]
#[allow(clippy::too_many_lines)]
async fn constructed_answers_decode_into_the_client_types() {
    let sim = fast_sim().await;
    let hook = Receiver::start().await;
    connected(&sim, &reqwest::Client::new(), "main", &hook.url).await;
    let client = Client::builder(&sim.url())
        .unwrap()
        .secret_key(sim.secret_key())
        .build()
        .unwrap();
    let s = client.session("main").unwrap();
    let incoming = sim.contact_writes("main", "5511911111111", "Oi").unwrap();
    let sent = s
        .send_message("5511911111111", "Olá")
        .await
        .unwrap()
        .remove(0);
    let sent_id = sent.id.as_str().to_owned();
    let chat = "5511911111111@c.us";
    let mut failures: Vec<String> = Vec::new();

    // messages
    check!(failures, "edit_message", s.edit_message(&sent_id, "Olá!"));
    check!(failures, "react_message", s.react_message(&sent_id, "👍"));
    check!(failures, "reactions", s.reactions(&sent_id));
    check!(failures, "votes", s.votes(&sent_id));
    check!(failures, "star_message", s.star_message(&sent_id, true));
    check!(failures, "message_by_id", s.message_by_id(&incoming));
    check!(
        failures,
        "get_platform",
        s.get_platform_from_message(&incoming)
    );
    check!(
        failures,
        "send_poll_message",
        s.send_poll_message("5511911111111", "Qual?", &["A", "B"])
    );
    check!(
        failures,
        "send_mentioned",
        s.send_mentioned(
            "5511911111111",
            "@5511922222222 oi",
            &["5511922222222@c.us"]
        )
    );
    check!(
        failures,
        "send_list_message",
        s.send_list_message(
            "5511911111111",
            "Ver",
            "Cardápio",
            vec![ListSection {
                title: "Pratos".to_owned(),
                rows: vec![ListRow::new("1", "Feijoada")],
            }],
        )
    );
    check!(
        failures,
        "send_location",
        s.send_location("5511911111111", -23.5, -46.6)
    );
    check!(
        failures,
        "send_link_preview",
        s.send_link_preview("5511911111111", "https://example.com")
    );
    check!(
        failures,
        "send_reply",
        s.send_reply("5511911111111", "Sim", &incoming)
    );
    check!(
        failures,
        "contact_vcard",
        s.contact_vcard("5511911111111", "5511933333333")
    );
    check!(failures, "send_status", s.send_status("Aberto hoje"));
    check!(
        failures,
        "forward_messages",
        s.forward_messages("5511922222222", &[sent_id.as_str()])
    );
    check!(
        failures,
        "send_image",
        s.send_image("5511911111111", File::url("https://example.com/a.jpg"))
    );
    check!(
        failures,
        "send_text_storie",
        s.send_text_storie("Promoção", None, None)
    );
    check!(
        failures,
        "send_link_catalog",
        s.send_link_catalog(&["5511911111111"], "Veja")
    );
    // inbox
    check!(
        failures,
        "all_chats_with_messages",
        s.all_chats_with_messages()
    );
    check!(failures, "all_new_messages", s.all_new_messages());
    check!(failures, "unread_messages", s.unread_messages());
    check!(failures, "all_unread_messages", s.all_unread_messages());
    check!(failures, "chat_by_id", s.chat_by_id(chat));
    check!(
        failures,
        "chat_is_online",
        s.chat_is_online("5511911111111")
    );
    check!(failures, "last_seen", s.last_seen("5511911111111"));
    check!(failures, "list_mutes", s.list_mutes(MuteFilter::All));
    check!(
        failures,
        "load_messages",
        s.load_messages_in_chat("5511911111111")
    );
    check!(
        failures,
        "all_messages_in_chat",
        s.all_messages_in_chat(chat)
    );
    check!(
        failures,
        "temporary_messages",
        s.temporary_messages(chat, true)
    );
    check!(failures, "typing", s.typing(chat, true));
    check!(failures, "recording", s.recording(chat, true, None));
    check!(failures, "clear_chat", s.clear_chat(chat));
    check!(failures, "archive_all_chats", s.archive_all_chats());
    // contacts, profile, device
    check!(failures, "profile", s.profile("5511911111111"));
    check!(failures, "profile_pic", s.profile_pic("5511911111111"));
    check!(failures, "contact_pn_lid", s.contact_pn_lid(chat));
    check!(failures, "get_phone_number", s.get_phone_number());
    check!(failures, "host_device", s.host_device());
    check!(failures, "get_battery_level", s.get_battery_level());
    check!(failures, "change_username", s.change_username("Loja"));
    check!(failures, "take_screenshot", s.take_screenshot());
    check!(failures, "reject_call", s.reject_call(None));
    check!(failures, "set_online_presence", s.set_online_presence(true));
    check!(
        failures,
        "subscribe_presence",
        s.subscribe_presence(&[chat])
    );
    check!(failures, "clear_session_data", s.clear_session_data());
    // catalog and business
    check!(failures, "get_products", s.get_products(chat, None));
    check!(
        failures,
        "get_product_by_id",
        s.get_product_by_id(chat, "7654321098765432")
    );
    check!(
        failures,
        "edit_product",
        s.edit_product(
            "7654321098765432",
            ProductChanges {
                name: Some("Camisa".to_owned()),
                ..ProductChanges::default()
            }
        )
    );
    check!(
        failures,
        "del_products",
        s.del_products(&["7654321098765432"])
    );
    check!(
        failures,
        "get_collections",
        s.get_collections(chat, None, None)
    );
    check!(
        failures,
        "create_collection",
        s.create_collection("Verão", &["1"])
    );
    check!(
        failures,
        "del_collection",
        s.del_collection("1234567890123456")
    );
    check!(
        failures,
        "set_product_visibility",
        s.set_product_visibility("7654321098765432", true)
    );
    check!(failures, "set_cart_enabled", s.set_cart_enabled(true));
    check!(
        failures,
        "get_business_profiles_products",
        s.get_business_profiles_products(chat)
    );
    check!(
        failures,
        "get_order_by_message_id",
        s.get_order_by_message_id(&incoming)
    );
    // newsletters and communities
    check!(
        failures,
        "create_newsletter",
        s.create_newsletter("Ofertas")
    );
    check!(
        failures,
        "edit_newsletter",
        s.edit_newsletter("120363270000000000@newsletter")
            .name("Promo")
    );
    check!(
        failures,
        "mute_newsletter",
        s.mute_newsletter("120363270000000000@newsletter")
    );
    check!(
        failures,
        "delete_newsletter",
        s.delete_newsletter("120363270000000000@newsletter")
    );
    let group = s.create_group("Equipe", &["5511911111111"]).await.unwrap();
    let group = group.group_info[0].chat_id().unwrap();
    let community = s
        .create_community("Bairro", "Vizinhos", &[group.as_str()])
        .await;
    match community {
        Ok(community) => {
            let id = community.wid.as_str().to_owned();
            check!(
                failures,
                "add_community_subgroup",
                s.add_community_subgroup(&id, &[group.as_str()])
            );
            check!(
                failures,
                "promote_community_participant",
                s.promote_community_participant(&id, &["5511911111111"])
            );
            check!(
                failures,
                "demote_community_participant",
                s.demote_community_participant(&id, &["5511911111111"])
            );
            check!(
                failures,
                "community_participants",
                s.community_participants(&id)
            );
            check!(
                failures,
                "remove_community_subgroup",
                s.remove_community_subgroup(&id, &[group.as_str()])
            );
            check!(
                failures,
                "deactivate_community",
                s.deactivate_community(&id)
            );
        }
        Err(error) => failures.push(format!("create_community: {error:?}")),
    }
    check!(failures, "common_groups", s.common_groups("5511911111111"));
    check!(failures, "all_broadcast_list", s.all_broadcast_list());
    check!(failures, "join_code bad", async {
        match s.join_code("nope").await {
            Err(wppconnect_client::Error::Api { .. }) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    // the public routes
    check!(failures, "healthz", client.healthz());
    check!(failures, "metrics", client.metrics());
    check!(failures, "backup_sessions", client.backup_sessions());
    check!(failures, "show_all_sessions", client.show_all_sessions());
    assert!(failures.is_empty(), "{failures:#?}");
}
