//! The remaining Messages routes: contact cards, animated stickers, base64 files, buttons,
//! orders, PIX keys, the catalog link, stars, reactions and poll votes. One wiremock test per
//! method, checking method, path, auth, body and the decoded answer (one unknown field kept).
//! Answers are the constructed fixtures of `fixtures/messages/` (see its README).

mod support;

use serde_json::{json, Value};
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use wppconnect_client::models::message::{Button, OrderItem, PixKeyType};
use wppconnect_client::{File, Session};

const MID: &str = "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281";

fn fixture(name: &str) -> Value {
    let text = match name {
        "contact-vcard" => include_str!("fixtures/messages/contact-vcard.json"),
        "receipts" => include_str!("fixtures/messages/receipts.json"),
        "send-buttons" => include_str!("fixtures/messages/send-buttons.json"),
        "send-order-message" => include_str!("fixtures/messages/send-order-message.json"),
        "send-pix-key" => include_str!("fixtures/messages/send-pix-key.json"),
        "send-link-catalog" => include_str!("fixtures/messages/send-link-catalog.json"),
        "star-message" => include_str!("fixtures/messages/star-message.json"),
        "reactions" => include_str!("fixtures/messages/reactions.json"),
        "votes" => include_str!("fixtures/messages/votes.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

async fn expect(
    server: &MockServer,
    verb: &str,
    slug: &str,
    body: Option<Value>,
    status: u16,
    answer: &str,
) {
    let mut mock = Mock::given(method(verb))
        .and(path(format!("/api/{SESSION}/{slug}")))
        .and(bearer());
    if let Some(body) = body {
        mock = mock.and(body_json(body));
    }
    mock.respond_with(ResponseTemplate::new(status).set_body_json(fixture(answer)))
        .expect(1)
        .mount(server)
        .await;
}

async fn session(server: &MockServer) -> Session {
    catch_all(server).await;
    client(server).session(SESSION).unwrap()
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn contact_vcard_sends_the_contacts_full_id_and_name() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "contact-vcard",
        Some(json!({"phone": "5511999999999", "contactsId": "5511988887777@c.us", "name": "Suporte"})),
        200,
        "contact-vcard",
    )
    .await;
    let session = session(&server).await;
    let receipt = session
        .contact_vcard("+55 11 99999-9999", "5511988887777")
        .name("Suporte")
        .await
        .unwrap();
    assert_eq!(receipt.id.as_str(), MID);
    assert_eq!(receipt.extra["sendMsgResult"], json!({}));
    let before = requests(&server).await;
    assert!(session
        .contact_vcard("5511999999999", "120363025746331234@g.us")
        .await
        .is_err());
    assert_eq!(requests(&server).await, before);
}

#[tokio::test]
async fn send_sticker_gif_sends_a_url_and_refuses_bytes() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "send-sticker-gif",
        Some(json!({"phone": "5511999999999", "path": "https://example.com/party.gif", "filename": "party.gif"})),
        201,
        "receipts",
    )
    .await;
    let session = session(&server).await;
    let receipts = session
        .send_sticker_gif("5511999999999", File::url("https://example.com/party.gif"))
        .await
        .unwrap();
    assert_eq!(receipts[0].id.as_str(), MID);
    assert_eq!(receipts[0].extra["sendMsgResult"], json!({}));
    let before = requests(&server).await;
    assert!(session
        .send_sticker_gif(
            "5511999999999",
            File::bytes(b"GIF89a".to_vec(), "image/gif")
        )
        .await
        .is_err());
    assert_eq!(requests(&server).await, before);
}

#[tokio::test]
async fn send_file_base64_sends_a_data_url_never_a_url() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "send-file-base64",
        Some(json!({
            "phone": "5511999999999",
            "base64": "data:application/pdf;base64,JVBERi0xLjQ=",
            "filename": "nota.pdf",
            "caption": "Sua nota"
        })),
        201,
        "receipts",
    )
    .await;
    let session = session(&server).await;
    let receipts = session
        .send_file_base64(
            "5511999999999",
            File::bytes(b"%PDF-1.4".to_vec(), "application/pdf"),
        )
        .filename("nota.pdf")
        .caption("Sua nota")
        .await
        .unwrap();
    assert_eq!(receipts.len(), 1);
    let before = requests(&server).await;
    assert!(session
        .send_file_base64("5511999999999", File::url("https://example.com/a.pdf"))
        .await
        .is_err());
    assert_eq!(requests(&server).await, before);
}

#[tokio::test]
async fn send_buttons_sends_the_servers_shape() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "send-buttons",
        Some(json!({
            "phone": "5511999999999",
            "message": "Confirma o pedido?",
            "options": {
                "buttons": [
                    {"id": "sim", "text": "Sim"},
                    {"url": "https://example.com", "text": "Ver"},
                    {"phoneNumber": "+5511900000001", "text": "Ligar"}
                ],
                "footer": "Loja"
            }
        })),
        201,
        "send-buttons",
    )
    .await;
    let session = session(&server).await;
    let sent_to = session
        .send_buttons(
            "5511999999999",
            "Confirma o pedido?",
            vec![
                Button::Reply {
                    id: "sim".into(),
                    text: "Sim".into(),
                },
                Button::Url {
                    url: "https://example.com".into(),
                    text: "Ver".into(),
                },
                Button::Call {
                    phone_number: "+5511900000001".into(),
                    text: "Ligar".into(),
                },
            ],
        )
        .footer("Loja")
        .await
        .unwrap();
    assert_eq!(sent_to[0].as_str(), "5511999999999@c.us");
    let before = requests(&server).await;
    assert!(session
        .send_buttons("5511999999999", "sem botões", vec![])
        .await
        .is_err());
    assert_eq!(requests(&server).await, before);
}

#[tokio::test]
async fn send_order_message_sends_items_and_options() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "send-order-message",
        Some(json!({
            "phone": "5511999999999",
            "items": [
                {"type": "custom", "name": "Camiseta", "price": 59900, "qnt": 2},
                {"type": "product", "id": "37878774457", "price": 15000, "qnt": 1}
            ],
            "options": {"shipping": 15000, "discount": 5000}
        })),
        201,
        "send-order-message",
    )
    .await;
    let session = session(&server).await;
    let sent = session
        .send_order_message(
            "5511999999999",
            vec![
                OrderItem::Custom {
                    name: "Camiseta".into(),
                    price: 59_900,
                    qnt: 2,
                },
                OrderItem::Product {
                    id: "37878774457".into(),
                    price: 15_000,
                    qnt: 1,
                },
            ],
        )
        .shipping(15_000)
        .discount(5_000)
        .await
        .unwrap();
    assert_eq!(sent[0].id.as_str(), MID);
    assert_eq!(sent[0].extra["totalAmount1000"], 134_800);
    let before = requests(&server).await;
    assert!(session
        .send_order_message("5511999999999", vec![])
        .await
        .is_err());
    assert_eq!(requests(&server).await, before);
}

#[tokio::test]
async fn send_pix_key_is_sent_once_even_when_the_answer_is_lost() {
    let server = server().await;
    let body = json!({
        "phone": "5511999999999",
        "keyType": "EMAIL",
        "name": "Loja Ltda",
        "key": "pix@loja.com.br",
        "instructions": "Envie o comprovante"
    });
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-pix-key")))
        .and(bearer())
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    expect(
        &server,
        "POST",
        "send-pix-key",
        Some(body),
        201,
        "send-pix-key",
    )
    .await;
    let session = session(&server).await;
    let send = || {
        session
            .send_pix_key(
                "5511999999999",
                PixKeyType::Email,
                "pix@loja.com.br",
                "Loja Ltda",
            )
            .instructions("Envie o comprovante")
    };
    // a 502 after the request went out is not repeated: WhatsApp may have delivered it
    let err = send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let sent = send().await.unwrap();
    assert_eq!(sent[0].extra["nativeFlowName"], "payment_info");
}

#[tokio::test]
async fn send_link_catalog_sends_full_ids() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "send-link-catalog",
        Some(json!({"phones": ["5511999999999@c.us"], "message": "Veja:"})),
        200,
        "send-link-catalog",
    )
    .await;
    let session = session(&server).await;
    let sent = session
        .send_link_catalog(&["+55 11 99999-9999"], "Veja:")
        .await
        .unwrap();
    assert_eq!(sent[0].phone, "5511999999999@c.us");
    assert_eq!(sent[0].message_id.as_str(), MID);
    let before = requests(&server).await;
    assert!(session
        .send_link_catalog(&[] as &[&str], "Veja:")
        .await
        .is_err());
    assert!(session.send_link_catalog(&["abc"], "Veja:").await.is_err());
    assert_eq!(requests(&server).await, before);
}

#[tokio::test]
async fn star_message_answers_how_many_changed() {
    let server = server().await;
    expect(
        &server,
        "POST",
        "star-message",
        Some(json!({"messageId": MID, "star": true})),
        200,
        "star-message",
    )
    .await;
    let session = session(&server).await;
    assert_eq!(session.star_message(MID, true).await.unwrap(), 1);
}

#[tokio::test]
async fn reactions_are_grouped_by_emoji_and_bad_ids_are_refused() {
    let server = server().await;
    expect(
        &server,
        "GET",
        &format!("reactions/{MID}"),
        None,
        200,
        "reactions",
    )
    .await;
    let session = session(&server).await;
    let reactions = session.reactions(MID).await.unwrap();
    assert!(reactions.reaction_by_me.is_none());
    let group = &reactions.reactions[0];
    assert_eq!(group.aggregate_emoji, "👍");
    assert_eq!(group.senders[0].reaction_text, "👍");
    assert_eq!(
        group.senders[0]
            .sender_user_jid
            .as_ref()
            .map(|id| id.as_str()),
        Some("5511999999999@c.us")
    );
    assert_eq!(
        group.senders[0].timestamp.map(|t| t.get()),
        Some(1_795_525_600_123)
    );
    assert_eq!(group.extra["id"], "👍");
    let before = requests(&server).await;
    assert!(session.reactions("not-a-message-id").await.is_err());
    assert!(session.votes("").await.is_err());
    assert!(session.star_message("nope", true).await.is_err());
    assert_eq!(requests(&server).await, before);
}

#[tokio::test]
async fn votes_list_each_persons_choice() {
    let server = server().await;
    expect(&server, "GET", &format!("votes/{MID}"), None, 200, "votes").await;
    let session = session(&server).await;
    let votes = session.votes(MID).await.unwrap();
    assert_eq!(
        votes.chat_id.as_ref().map(|id| id.as_str()),
        Some("5511999999999@c.us")
    );
    assert_eq!(votes.votes[0].selected_options, [1]);
    assert_eq!(
        votes.votes[0].sender.as_ref().map(|id| id.as_str()),
        Some("5511999999999@c.us")
    );
    assert_eq!(votes.extra["msgId"]["_serialized"], MID);
}
