//! Sends, acks by webhook, contacts writing, and the reads built on the message list.

mod support;

use serde_json::{json, Value};
use support::{connected, fast_sim, Receiver};
use wppconnect_sim::ControlError;

async fn send(http: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn is_sent_id(id: &str, chat: &str) -> bool {
    let prefix = format!("true_{chat}_3EB0");
    id.strip_prefix(&prefix)
        .is_some_and(|hex| hex.len() == 18 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[tokio::test]
async fn send_message_answers_a_full_message_then_acks_1_2_3_arrive_with_msgkey_ids() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    let (status, body) = send(
        &http,
        format!("{}/api/main/send-message", sim.url()),
        &token,
        json!({"phone": "+55 (11) 99999-9999", "message": "Olá"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["status"], "success");
    assert_eq!(body["mapper"], "return");
    assert_eq!(body["session"], "main");
    let message = &body["response"][0];
    let id = message["id"].as_str().unwrap();
    assert!(is_sent_id(id, "5511999999999@c.us"), "{id}");
    assert_eq!(message["body"], "Olá");
    assert_eq!(message["type"], "chat");
    assert_eq!(message["fromMe"], true);
    assert_eq!(message["chatId"], "5511999999999@c.us");
    assert_eq!(message["to"], "5511999999999@c.us");
    assert_eq!(message["from"], "5511900000001@c.us");
    assert_eq!(message["t"], message["timestamp"]);
    // the models crate reads it as the server's send answer
    let wire: wppconnect_models::Message = serde_json::from_value(message.clone()).unwrap();
    assert_eq!(wire.id.as_str(), id);

    let acks = hooks.wait_for("onack", 3).await;
    let numbers: Vec<&Value> = acks.iter().map(|h| &h.body["ack"]).collect();
    assert_eq!(numbers, [&json!(1), &json!(2), &json!(3)]);
    for ack in &acks {
        assert_eq!(
            ack.body["id"],
            json!({"fromMe": true, "remote": "5511999999999@c.us", "id": id.rsplit('_').next().unwrap(), "_serialized": id})
        );
        assert!(
            ack.body.get("chatId").is_none() && ack.body.get("sender").is_none(),
            "raw model, not the serializer"
        );
        assert!(
            ack.raw
                .starts_with(r#"{"event":"onack","session":"main","id":{"#),
            "{}",
            ack.raw
        );
        let event = wppconnect_models::Event::from_slice(ack.raw.as_bytes()).unwrap();
        assert_eq!(
            event.message_id().map(|m| m.as_str().to_owned()).as_deref(),
            Some(id)
        );
    }
    let stored = sim.messages("main");
    assert_eq!(stored.len(), 1, "sent exactly once");
    assert_eq!(stored[0]["ack"], 3, "the list follows the acks");
}

#[tokio::test]
async fn media_sends_answer_receipts_and_each_route_its_own_shape() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    let url = |slug: &str| format!("{}/api/main/{slug}", sim.url());
    let phone = "5511999999999";
    for (slug, body, kind) in [
        (
            "send-image",
            json!({"phone": phone, "base64": "data:image/jpeg;base64,/9j/4AAQ", "caption": "foto"}),
            "image",
        ),
        (
            "send-file",
            json!({"phone": phone, "path": "https://example.com/nota.pdf", "filename": "nota.pdf"}),
            "document",
        ),
        (
            "send-file-base64",
            json!({"phone": phone, "base64": "data:video/mp4;base64,AAAA"}),
            "video",
        ),
        (
            "send-voice",
            json!({"phone": phone, "path": "voz.ogg"}),
            "ptt",
        ),
        (
            "send-voice-base64",
            json!({"phone": phone, "base64Ptt": "data:audio/ogg;base64,T2dn"}),
            "ptt",
        ),
        (
            "send-sticker",
            json!({"phone": phone, "path": "s.png"}),
            "sticker",
        ),
        (
            "send-location",
            json!({"phone": phone, "lat": "-23.5", "lng": -46.6, "title": "Loja", "address": "Rua A"}),
            "location",
        ),
    ] {
        let (status, answer) = send(&http, url(slug), &token, body).await;
        assert_eq!(status, 201, "{slug}: {answer}");
        let receipt = &answer["response"][0];
        assert_eq!(
            receipt.as_object().unwrap().len(),
            2,
            "{slug}: {{ack, id}} only: {receipt}"
        );
        assert_eq!(receipt["ack"], 1);
        let id = receipt["id"].as_str().unwrap();
        assert!(is_sent_id(id, "5511999999999@c.us"), "{slug}: {id}");
        let stored = sim
            .messages("main")
            .into_iter()
            .find(|m| m["id"] == id)
            .unwrap();
        assert_eq!(stored["type"], kind, "{slug}");
    }
    let location = sim
        .messages("main")
        .into_iter()
        .find(|m| m["type"] == "location")
        .unwrap();
    assert_eq!(
        (location["lat"].as_f64(), location["loc"].as_str()),
        (Some(-23.5), Some("Loja\nRua A"))
    );

    let (status, preview) = send(
        &http,
        url("send-link-preview"),
        &token,
        json!({"phone": phone, "url": "https://wppconnect.io", "caption": "veja"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(preview["response"][0]["sendMsgResult"], json!({}));
    let (status, reply) = send(
        &http,
        url("send-reply"),
        &token,
        json!({"phone": phone, "message": "sim", "messageId": "false_5511999999999@c.us_ABC"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        reply["response"][0]["quotedMsgId"],
        "false_5511999999999@c.us_ABC"
    );
    assert_eq!(reply["mapper"], "return");
    let (_, quoted) = send(&http, url("send-message"), &token, json!({"phone": phone, "message": "sim", "options": {"quotedMsg": "false_5511999999999@c.us_DEF"}})).await;
    assert_eq!(
        quoted["response"][0]["quotedMsgId"],
        "false_5511999999999@c.us_DEF"
    );
    assert_eq!(quoted["response"][0]["quotedStanzaID"], "DEF");

    for slug in ["send-image", "send-file", "send-sticker"] {
        let (status, answer) = send(&http, url(slug), &token, json!({"phone": phone})).await;
        assert_eq!(
            (status, answer),
            (
                401,
                json!({"message": "Sending the file is mandatory", "session": "main"})
            ),
            "{slug}"
        );
    }
}

#[tokio::test]
async fn unknown_numbers_answer_400_and_the_other_recipients_still_get_the_message() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    let (status, body) = send(
        &http,
        format!("{}/api/main/send-message", sim.url()),
        &token,
        json!({"phone": "5511900009999,5511988887777", "message": "oi"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"response": null, "status": "Connected", "message": "O número 5511900009999 não existe.", "session": "main"})
    );
    let sent: Vec<Value> = sim.messages("main");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["chatId"], "5511988887777@c.us");

    // a group skips the existence check; a missing phone answers 201 with nothing sent
    let (status, body) = send(
        &http,
        format!("{}/api/main/send-message", sim.url()),
        &token,
        json!({"phone": "120363025746331234", "isGroup": true, "message": "oi"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["response"][0]["chatId"], "120363025746331234@g.us");
    let (status, body) = send(
        &http,
        format!("{}/api/main/send-message", sim.url()),
        &token,
        json!({"message": "oi"}),
    )
    .await;
    assert_eq!((status, &body["response"]), (201, &json!([])));
}

#[tokio::test]
async fn a_contact_writes_and_onmessage_arrives_with_a_string_id_and_the_servers_headers() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    assert_eq!(
        sim.contact_writes("main", "5511999999999", "oi"),
        Err(ControlError::UnknownSession("main".into()))
    );
    let _token = connected(&sim, &http, "main", &hooks.url).await;
    assert_eq!(
        sim.contact_writes("main", "not a phone", "oi"),
        Err(ControlError::InvalidPhone("not a phone".into()))
    );

    let id = sim
        .contact_writes("main", "+5511999999999", "Vocês abrem amanhã?")
        .unwrap();
    assert!(id.starts_with("false_5511999999999@c.us_"), "{id}");
    let hook = hooks.wait_for("onmessage", 1).await.remove(0);
    assert!(
        hook.raw
            .starts_with(r#"{"event":"onmessage","session":"main","id":""#),
        "{}",
        hook.raw
    );
    assert_eq!(hook.body["id"], id.as_str(), "a string id in onmessage");
    assert_eq!(hook.body["body"], "Vocês abrem amanhã?");
    assert_eq!(hook.body["fromMe"], false);
    assert_eq!(hook.body["chatId"], "5511999999999@c.us");
    assert_eq!(hook.body["to"], "5511900000001@c.us");
    assert_eq!(hook.headers["user-agent"], "axios/1.19.0");
    assert_eq!(hook.headers["accept"], "application/json, text/plain, */*");
    assert_eq!(hook.headers["content-type"], "application/json");
    assert!(hook.headers.get("authorization").is_none());
    let event = wppconnect_models::Event::from_slice(hook.raw.as_bytes()).unwrap();
    assert_eq!(
        event.message().unwrap().body.as_deref(),
        Some("Vocês abrem amanhã?")
    );

    // over the control route too
    let response = http
        .post(format!("{}/sim/main/incoming", sim.url()))
        .json(&json!({"from": "5511988887777", "body": "Oi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let answer: Value = response.json().await.unwrap();
    hooks.wait_for("onmessage", 2).await;
    assert_eq!(hooks.of("onmessage")[1].body["id"], answer["id"]);
    let bad = http
        .post(format!("{}/sim/main/incoming", sim.url()))
        .body("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn reads_show_the_conversation_so_far() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    sim.contact_writes("main", "5511999999999", "um").unwrap();
    sim.contact_writes("main", "5511999999999", "dois").unwrap();
    sim.contact_writes("main", "5511977776666", "outro")
        .unwrap();
    send(
        &http,
        format!("{}/api/main/send-message", sim.url()),
        &token,
        json!({"phone": "5511977776666", "message": "resposta"}),
    )
    .await;

    let messages: Value = http
        .get(format!(
            "{}/api/main/get-messages/5511999999999@c.us?count=1",
            sim.url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(messages["status"], "success");
    assert_eq!(messages["response"].as_array().unwrap().len(), 1);
    assert_eq!(messages["response"][0]["body"], "dois", "the latest ones");

    let chats: Vec<Value> = http
        .post(format!("{}/api/main/list-chats", sim.url()))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(chats.len(), 2, "a bare array, no session key");
    let maria = chats
        .iter()
        .find(|c| c["id"]["_serialized"] == "5511999999999@c.us")
        .unwrap();
    assert_eq!(maria["unreadCount"], 2);
    assert_eq!(
        maria["id"],
        json!({"server": "c.us", "user": "5511999999999", "_serialized": "5511999999999@c.us"})
    );
    let answered = chats
        .iter()
        .find(|c| c["id"]["_serialized"] == "5511977776666@c.us")
        .unwrap();
    assert_eq!(answered["unreadCount"], 0, "answering a chat reads it");

    let all: Value = http
        .get(format!("{}/api/main/all-chats", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["mapper"], "chat");
    assert_eq!(all["response"].as_array().unwrap().len(), 2);
    let unread: Vec<Value> = http
        .post(format!("{}/api/main/list-chats", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"onlyWithUnreadMessage": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unread.len(), 1);
}

#[tokio::test]
async fn big_json_bodies_are_accepted_like_the_servers_50_mb_limit() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    let data = "A".repeat(4 * 1024 * 1024);
    let (status, body) = send(
        &http,
        format!("{}/api/main/send-file-base64", sim.url()),
        &token,
        json!({"phone": "5511999999999", "base64": format!("data:application/pdf;base64,{data}"), "filename": "big.pdf"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let stored = &sim.messages("main")[0];
    assert_eq!(stored["filename"], "big.pdf");
    assert_eq!(stored["size"], 3 * 1024 * 1024);
}
