//! Sending: request bodies, typed answers, errors, and never sending twice.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SECRET, SESSION, TOKEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};
use wppconnect_client::models::message::{ListRow, ListSection};
use wppconnect_client::{Client, Error, File, RetryPolicy};

#[tokio::test]
async fn send_message_posts_the_servers_body_and_reads_the_messages() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .and(bearer())
        .and(body_json(json!({
            "phone": "5511999999999",
            "message": "Seu pedido #4821 foi confirmado ✅",
            "options": {"quotedMsg": "false_5511999999999@c.us_A1C9E2F64B0D3E8F7A6B5C4D3E2F1A0B", "linkPreview": false}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let sent = session
        .send_message("+55 (11) 99999-9999", "Seu pedido #4821 foi confirmado ✅")
        .quoted("false_5511999999999@c.us_A1C9E2F64B0D3E8F7A6B5C4D3E2F1A0B")
        .link_preview(false)
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].is_from_me());
    assert_eq!(sent[0].id.from_me(), Some(true));
}

#[tokio::test]
async fn groups_lids_and_many_recipients_set_the_servers_flags() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .and(body_json(
            json!({"phone": "120363025746331234", "message": "oi", "isGroup": true}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .and(body_json(
            json!({"phone": ["5511999999999", "5521988887777"], "message": "oi"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .and(body_json(
            json!({"phone": "215589463728541", "message": "oi", "isLid": true}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    session
        .send_message("120363025746331234@g.us", "oi")
        .await
        .unwrap();
    session
        .send_message("5511999999999", "oi")
        .to("+55 21 98888-7777")
        .await
        .unwrap();
    session
        .send_message("215589463728541", "oi")
        .lid()
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_input_is_refused_before_any_request() {
    let server = server().await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    for (phone, text) in [
        ("abc", "oi"),
        ("0800 123", "oi"),
        ("5511999999999", "   "),
        ("", "oi"),
    ] {
        let err = session.send_message(phone, text).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { .. }),
            "{phone:?}: {err:?}"
        );
        assert!(err.is_not_sent());
    }
    let err = session
        .send_message("5511999999999", "oi")
        .quoted("not-an-id")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    let err = session
        .send_message("5511999999999", "oi")
        .to("120363025746331234@g.us")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidInput { .. }),
        "mixing contacts and groups"
    );
    assert!(session
        .send_location("5511999999999", 91.0, 0.0)
        .await
        .is_err());
    assert!(session
        .send_sticker("5511999999999", File::bytes(vec![1, 2], "image/png"))
        .await
        .is_err());
    assert!(session.react_message("nope", "👍").await.is_err());
    assert!(session
        .send_file("5511999999999", File::path("/does/not/exist.pdf"))
        .await
        .is_err());
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        0,
        "nothing may reach the server"
    );
}

#[tokio::test]
async fn a_send_into_a_502_hits_the_server_exactly_once() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let err = client(&server)
        .session(SESSION)
        .unwrap()
        .send_message("5511999999999", "oi")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
    assert!(
        err.is_retryable(),
        "the caller may decide to retry; the client does not"
    );
}

#[tokio::test]
async fn a_read_into_a_502_is_retried() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .expect(3)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let err = client(&server)
        .session(SESSION)
        .unwrap()
        .status()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
}

/// A server that reads each request and hangs up without answering; counts requests per path.
async fn dropping_server() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sends = Arc::new(AtomicUsize::new(0));
    let reads = Arc::new(AtomicUsize::new(0));
    let (s, r) = (sends.clone(), reads.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let (s, r) = (s.clone(), r.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                if head.contains("generate-token") {
                    let body = serde_json::to_string(&fixture("generate-token")).unwrap();
                    let answer = format!("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                    let _ = socket.write_all(answer.as_bytes()).await;
                    return;
                }
                if head.contains("send-message") {
                    s.fetch_add(1, Ordering::SeqCst);
                } else {
                    r.fetch_add(1, Ordering::SeqCst);
                }
                // hang up without an answer
            });
        }
    });
    (url, sends, reads)
}

#[tokio::test]
async fn a_send_whose_connection_drops_is_not_repeated_but_a_read_is() {
    let (url, sends, reads) = dropping_server().await;
    let client = Client::builder(&url)
        .unwrap()
        .secret_key(SECRET)
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
        })
        .build()
        .unwrap();
    let session = client.session(SESSION).unwrap();
    let err = session
        .send_message("5511999999999", "oi")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                not_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        sends.load(Ordering::SeqCst),
        1,
        "the send may have reached the server: never repeated"
    );
    let _ = session.status().await.unwrap_err();
    assert_eq!(reads.load(Ordering::SeqCst), 3, "a read is retried twice");
}

#[tokio::test]
async fn server_errors_keep_the_servers_message() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .and(body_json(
            json!({"phone": "5511900009999", "message": "oi"}),
        ))
        .respond_with(ResponseTemplate::new(400).set_body_json(fixture("error-number-not-exists")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .and(body_json(
            json!({"phone": "5511999999999", "message": "oi"}),
        ))
        .respond_with(ResponseTemplate::new(500).set_body_json(fixture("error-send-failed")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .and(body_json(
            json!({"phone": "5521988887777", "message": "oi"}),
        ))
        .respond_with(ResponseTemplate::new(404).set_body_json(fixture("error-disconnected")))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let err = session
        .send_message("5511900009999", "oi")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_REQUEST));
    assert_eq!(
        err.server_message(),
        Some("O número 5511900009999 não existe.")
    );
    assert!(err.to_string().contains("não existe"), "{err}");
    let err = session
        .send_message("5511999999999", "oi")
        .await
        .unwrap_err();
    assert_eq!(err.server_message(), Some("Erro ao enviar a mensagem."));
    let err = session
        .send_message("5521988887777", "oi")
        .await
        .unwrap_err();
    assert!(err.is_not_connected());
}

#[tokio::test]
async fn an_answer_of_the_wrong_shape_is_a_decode_error_naming_the_field() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(
                json!({"status": "success", "response": [{"id": 42, "type": "chat"}]}),
            ),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let err = client(&server)
        .session(SESSION)
        .unwrap()
        .send_message("5511999999999", "oi")
        .await
        .unwrap_err();
    match err {
        Error::Decode { path, snippet, .. } => {
            assert_eq!(path, "response[0].id");
            assert!(snippet.contains("\"status\""));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn files_are_sent_as_data_urls_or_server_paths() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-image")))
        .and(body_json(json!({
            "phone": "5511999999999",
            "base64": "data:image/jpeg;base64,AQID",
            "caption": "recibo"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-file")))
        .and(body_json(json!({
            "phone": "120363025746331234",
            "isGroup": true,
            "path": "https://cdn.example.com/nota.pdf",
            "filename": "nota.pdf"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-voice-base64")))
        .and(body_json(json!({"phone": "5511999999999", "base64Ptt": "data:audio/ogg;base64,T2dnUw==", "filename": "note.ogg"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-location")))
        .and(body_json(
            json!({"phone": "5511999999999", "lat": -22.9714, "lng": -43.183, "title": "Loja"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let receipts = session
        .send_image("5511999999999", File::bytes(vec![1, 2, 3], "image/jpeg"))
        .caption("recibo")
        .await
        .unwrap();
    assert_eq!(receipts[0].id.from_me(), Some(true));
    session
        .send_file(
            "120363025746331234@g.us",
            File::url("https://cdn.example.com/nota.pdf"),
        )
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("wpp-client-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let note = dir.join("note.ogg");
    std::fs::write(&note, b"OggS").unwrap();
    session
        .send_voice("5511999999999", File::path(&note))
        .await
        .unwrap();
    session
        .send_location("5511999999999", -22.9714, -43.183)
        .title("Loja")
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn reactions_and_deletions() {
    let server = server().await;
    let id = "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281";
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/react-message")))
        .and(body_json(json!({"msgId": id, "reaction": "❤️"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("react-message")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/delete-message")))
        .and(body_json(
            json!({"phone": "5511999999999", "messageId": [id], "onlyLocal": false}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("delete-message")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let reacted = session.react_message(id, "❤️").await.unwrap();
    assert_eq!(reacted.message.as_deref(), Some("Reaction sended"));
    let deleted = session
        .delete_message("5511999999999", &[id], false)
        .await
        .unwrap();
    assert_eq!(deleted.message.as_deref(), Some("Message deleted"));
}

#[tokio::test]
async fn the_send_rate_limit_spaces_sends_per_session() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(3)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder(&server.uri())
        .unwrap()
        .secret_key(SECRET)
        .send_rate_limit(2, Duration::from_millis(300))
        .build()
        .unwrap();
    let session = client.session(SESSION).unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        session.send_message("5511999999999", "oi").await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "3 sends at 2 per 300 ms need two spacings"
    );
}

#[tokio::test]
async fn mentions_lists_stories_forwards_edits_and_typing() {
    let server = server().await;
    let id = "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281";
    let ok = json!({"status": "success", "response": []});
    // send-mentioned answers the last recipient's message, edit-message the edited one, typing
    // only a status (constructed from the server's messageController.ts / deviceController.ts)
    let sent = fixture("send-message")["response"][0].clone();
    let mentioned = json!({"status": "success", "response": sent});
    let edited = json!({"status": "success", "response": sent, "mapper": "return"});
    let typing = json!({"status": "success", "session": SESSION});
    for (route, body, answer) in [
        (
            "send-mentioned",
            json!({"phone": "120363025746331234", "isGroup": true, "message": "@5511999999999 oi", "mentioned": ["5511999999999@c.us"]}),
            &mentioned,
        ),
        (
            "send-list-message",
            json!({"phone": "5511999999999", "buttonText": "Opções", "description": "Escolha",
            "sections": [{"title": "S", "rows": [{"rowId": "1", "title": "Um", "description": "d"}]}]}),
            &ok,
        ),
        ("send-status", json!({"message": "Promoção hoje"}), &ok),
        (
            "forward-messages",
            // always an array: the library iterates it, a lone string would be read by character
            json!({"phone": "5521988887777", "messageId": [id]}),
            &ok,
        ),
        (
            "edit-message",
            json!({"id": id, "newText": "corrigido"}),
            &edited,
        ),
        (
            "typing",
            json!({"phone": "5511999999999", "isGroup": false, "value": true}),
            &typing,
        ),
    ] {
        Mock::given(method("POST"))
            .and(path(format!("/api/{SESSION}/{route}")))
            .and(bearer())
            .and(body_json(body))
            .respond_with(ResponseTemplate::new(201).set_body_json(answer))
            .expect(1)
            .mount(&server)
            .await;
    }
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let receipt = session
        .send_mentioned(
            "120363025746331234@g.us",
            "@5511999999999 oi",
            &["5511999999999@c.us"],
        )
        .await
        .unwrap();
    assert_eq!(receipt.id.as_str(), sent["id"].as_str().unwrap());
    let sections = vec![ListSection {
        title: "S".to_owned(),
        rows: vec![ListRow::new("1", "Um").description("d")],
    }];
    session
        .send_list_message("5511999999999", "Opções", "Escolha", sections)
        .await
        .unwrap();
    session.send_status("Promoção hoje").await.unwrap();
    session
        .forward_messages("+55 21 98888-7777", &[id])
        .await
        .unwrap();
    let edit = session.edit_message(id, "corrigido").await.unwrap();
    assert_eq!(edit.id.as_str(), sent["id"].as_str().unwrap());
    assert_eq!(edit.extra["body"], sent["body"]);
    session.typing("5511999999999", true).await.unwrap();
    assert!(session
        .send_mentioned("5511999999999", "oi", &[] as &[&str])
        .await
        .is_err());
    assert!(session
        .send_list_message("5511999999999", "x", "y", Vec::new())
        .await
        .is_err());
    assert!(session
        .send_list_message(
            "5511999999999",
            "x",
            "y",
            vec![ListSection {
                title: "vazia".to_owned(),
                rows: Vec::new()
            }]
        )
        .await
        .is_err());
    assert!(session.edit_message(id, " ").await.is_err());
}

#[tokio::test]
async fn a_timeout_is_reported_and_only_a_read_is_repeated() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-message")))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(fixture("send-message"))
                .set_delay(Duration::from_secs(10)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("status-session"))
                .set_delay(Duration::from_secs(10)),
        )
        .expect(3)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder(&server.uri())
        .unwrap()
        .secret_key(SECRET)
        .timeout(Duration::from_secs(1))
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
        })
        .build()
        .unwrap();
    let session = client.session(SESSION).unwrap();
    let err = session
        .send_message("5511999999999", "oi")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable() && !err.is_not_sent());
    let err = session.status().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_stalled_read_ends_at_the_calls_deadline_whatever_retries_are_left() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("status-session"))
                .set_delay(Duration::from_secs(20)),
        )
        .mount(&server)
        .await;
    catch_all(&server).await;
    let max_retries = 5;
    let client = Client::builder(&server.uri())
        .unwrap()
        .secret_key(SECRET)
        .timeout(Duration::from_secs(2))
        .deadline(Duration::from_secs(3))
        .retry(RetryPolicy {
            max_retries,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
        })
        .build()
        .unwrap();
    let err = client.session(SESSION).unwrap().status().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: wppconnect_client::TimeoutKind::Deadline,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("deadline"), "{err}");
    let reads = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("status-session"))
        .count();
    // without the deadline every attempt would have run out its own 2 s timeout
    assert!(
        reads < 1 + max_retries as usize,
        "{reads} attempts: the retries went on past the deadline"
    );
}

#[tokio::test]
async fn a_send_that_never_left_is_retried_until_the_server_is_up() {
    use axum::routing::post;
    // A port nobody listens on yet: connections are refused, the request never left.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let app = axum::Router::new().route(
            "/api/{session}/send-message",
            post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async {
                    (
                        axum::http::StatusCode::CREATED,
                        axum::Json(fixture("send-message")),
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        axum::serve(listener, app).await.unwrap();
    });
    let client = Client::builder(&format!("http://{addr}"))
        .unwrap()
        .token(SESSION, TOKEN)
        .unwrap()
        .retry(RetryPolicy {
            max_retries: 8,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(80),
        })
        .build()
        .unwrap();
    let sent = client
        .session(SESSION)
        .unwrap()
        .send_message("5511999999999", "Seu pedido #4821 foi confirmado ✅")
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(hits.load(Ordering::SeqCst), 1, "delivered exactly once");
}

#[tokio::test]
async fn replies_link_previews_polls_and_seen_post_the_servers_fields() {
    let server = server().await;
    let quoted = "false_5511999999999@c.us_3EB0C767D71D8A4BD7A5";
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-reply")))
        .and(bearer())
        .and(body_json(
            json!({"phone": "5511999999999", "message": "Sim, das 8h às 18h", "messageId": quoted}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(1)
        .mount(&server)
        .await;
    let preview = json!({"status": "success", "response": [{"id": "true_5511999999999@c.us_3EB0AAAA", "ack": 0, "sendMsgResult": {}}]});
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-link-preview")))
        .and(bearer())
        .and(body_json(json!({"phone": "5511999999999", "url": "https://example.com/pedido/4821", "caption": "Seu pedido"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(&preview))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-poll-message")))
        .and(bearer())
        .and(body_json(json!({
            "phone": "120363025746331234", "isGroup": true, "name": "Horário?",
            "choices": ["Manhã", "Tarde"], "options": {"selectableCount": 1}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-seen")))
        .and(bearer())
        .and(body_json(json!({"phone": "5511999999999"})))
        .respond_with(
            // sendSeen answers through the controller's `returnSucess` (constructed from the
            // server's deviceController.ts)
            ResponseTemplate::new(201).set_body_json(json!({
                "status": "Success",
                "response": {
                    "message": "Information retrieved successfully.",
                    "contact": ["5511999999999@c.us"],
                    "session": SESSION,
                    "data": [true]
                },
                "session": SESSION
            })),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let reply = session
        .send_reply("+55 11 99999-9999", "Sim, das 8h às 18h", quoted)
        .await
        .unwrap();
    assert_eq!(reply.len(), 1);
    let previews = session
        .send_link_preview("5511999999999", "https://example.com/pedido/4821")
        .caption("Seu pedido")
        .await
        .unwrap();
    assert_eq!(previews[0].id.as_str(), "true_5511999999999@c.us_3EB0AAAA");
    assert_eq!(previews[0].ack.map(i64::from), Some(0));
    assert_eq!(previews[0].extra["sendMsgResult"], json!({}));
    let poll = session
        .send_poll_message("120363025746331234@g.us", "Horário?", &["Manhã", "Tarde"])
        .await
        .unwrap();
    assert_eq!(poll.len(), 1);
    session.send_seen("5511999999999").await.unwrap();

    // Refused before any request: one choice, a bad URL, a bad quoted id, an empty reply.
    let before = server.received_requests().await.unwrap().len();
    assert!(session
        .send_poll_message("5511999999999", "?", &["só uma"])
        .await
        .is_err());
    assert!(session
        .send_link_preview("5511999999999", "not a url")
        .await
        .is_err());
    assert!(session
        .send_reply("5511999999999", "oi", "not-an-id")
        .await
        .is_err());
    assert!(session
        .send_reply("5511999999999", "  ", quoted)
        .await
        .is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn a_send_builder_shows_its_body_without_sending() {
    let server = server().await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let (slug, body) = session
        .send_voice(
            "+55 11 99999-9999",
            File::bytes(b"OggS".to_vec(), "audio/ogg"),
        )
        .into_body()
        .await
        .unwrap();
    assert_eq!(slug, "send-voice-base64");
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"phone": "5511999999999", "base64Ptt": "data:audio/ogg;base64,T2dnUw=="})
    );
    assert_eq!(
        body.base64_ptt.as_deref(),
        Some("data:audio/ogg;base64,T2dnUw==")
    );
    let (slug, body) = session
        .send_location("120363025746331234@g.us", -23.5505, -46.6333)
        .title("Loja Centro")
        .into_body()
        .await
        .unwrap();
    assert_eq!(slug, "send-location");
    assert!(body.flags.is_group);
    assert_eq!(body.phone.len(), 1);
    assert_eq!(body.title.as_deref(), Some("Loja Centro"));
    assert_eq!((body.lat, body.lng), (-23.5505, -46.6333));
    assert!(session
        .send_image("5511999999999", File::path("/nonexistent/receipt.jpg"))
        .into_body()
        .await
        .is_err());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_send_rate_limit_holds_each_session_alone_and_never_reads() {
    let server = server().await;
    for session in [SESSION, "other"] {
        Mock::given(method("POST"))
            .and(path(format!("/api/{session}/send-message")))
            .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-message")))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/status-session")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("status-session")))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder(&server.uri())
        .unwrap()
        .secret_key(SECRET)
        .token("other", TOKEN)
        .unwrap()
        .send_rate_limit(1, Duration::from_millis(1000))
        .build()
        .unwrap();
    let main = client.session(SESSION).unwrap();
    let other = client.session("other").unwrap();
    main.send_message("5511999999999", "1").await.unwrap();
    // main's next slot is 1 s away; another session and reads do not wait for it.
    let started = Instant::now();
    other.send_message("5511999999999", "1").await.unwrap();
    main.status().await.unwrap();
    main.status().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
    main.send_message("5511999999999", "2").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "main waited for its slot"
    );
}

#[tokio::test]
async fn voice_notes_and_stickers_from_urls_go_to_the_path_routes() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-voice")))
        .and(bearer())
        .and(body_json(json!({
            "phone": "5511999999999",
            "path": "https://cdn.example.com/nota.ogg",
            "filename": "nota.ogg"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-sticker")))
        .and(bearer())
        .and(body_json(json!({
            "phone": "5511999999999",
            "path": "https://cdn.example.com/gato.png",
            "filename": "gato.png"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let voice = session
        .send_voice(
            "5511999999999",
            File::url("https://cdn.example.com/nota.ogg"),
        )
        .await
        .unwrap();
    assert_eq!(voice[0].ack.map(i64::from), Some(1));
    let sticker = session
        .send_sticker(
            "5511999999999",
            File::url("https://cdn.example.com/gato.png"),
        )
        .await
        .unwrap();
    assert_eq!(
        sticker[0].id.as_str(),
        "true_5511999999999@c.us_3EB05E6F7A8B9C0D1E2F3A"
    );
}

#[tokio::test]
async fn a_forward_reports_the_messages_whatsapp_did_not_forward() {
    let server = server().await;
    let sent = "true_5511999999999@c.us_3EB0A9F8E7D6C5B4A39281";
    let failed = "true_5511999999999@c.us_3EB0B1C2D3E4F5A6B7C8";
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/forward-messages")))
        .and(bearer())
        .and(body_json(
            json!({"phone": "5521988887777", "messageId": [sent, failed]}),
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(
                serde_json::from_str::<serde_json::Value>(include_str!(
                    "fixtures/messages/forward-messages.json"
                ))
                .unwrap(),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let outcome = session
        .forward_messages("+55 21 98888-7777", &[sent, failed])
        .await
        .unwrap();
    assert!(!outcome.all_forwarded());
    assert_eq!(outcome.not_forwarded.len(), 1);
    assert_eq!(outcome.not_forwarded[0].id.as_deref(), Some(failed));
    assert_eq!(outcome.not_forwarded[0].extra["forwardError"], "kept");
}
