//! Stories: text, image and video; never repeated.

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, Request, ResponseTemplate};
use wppconnect_client::{File, Upload};

const TEXT_STORIE: &str = wppconnect_fixtures::text("send-text-storie");

#[tokio::test]
async fn stories_post_the_servers_fields_once() {
    let server = server().await;
    let answer: serde_json::Value = serde_json::from_str(TEXT_STORIE).unwrap();
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-text-storie")))
        .and(bearer())
        .and(body_json(
            json!({"text": "Promoção hoje", "options": {"backgroundColor": "#0275d8", "font": 2}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-image-storie")))
        .and(bearer())
        .and(body_json(
            json!({"path": "https://cdn.example.com/promo.jpg"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;
    // a video upload that fails with 502 is not repeated
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-video-storie")))
        .and(bearer())
        .and(|req: &Request| {
            let body = String::from_utf8_lossy(&req.body);
            body.contains("name=\"file\"; filename=\"promo.mp4\"") && body.contains("mp4-bytes")
        })
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    session
        .send_text_storie("Promoção hoje", Some("#0275d8"), Some(2))
        .await
        .unwrap();
    session
        .send_image_storie(File::url("https://cdn.example.com/promo.jpg"))
        .await
        .unwrap();
    let err = session
        .send_video_storie(File::upload(Upload::bytes(&b"mp4-bytes"[..], "promo.mp4")))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));

    let before = server.received_requests().await.unwrap().len();
    assert!(session.send_text_storie(" ", None, None).await.is_err());
    assert!(session
        .send_image_storie(File::bytes(vec![1], "image/jpeg"))
        .await
        .is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}
