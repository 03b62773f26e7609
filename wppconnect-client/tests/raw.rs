//! The escape hatch reaches every route: any method, any path (with or without the session and
//! the secret key), JSON, multipart or no body; and multipart uploads of files.

mod support;

use serde_json::json;
use support::{bearer, catch_all, client, fixture, server, SECRET, SESSION};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, Request, ResponseTemplate};
use wppconnect_client::routes::{self, HttpMethod};
use wppconnect_client::{File, Multipart, Upload};

/// Matches requests that carry no `Authorization` header.
fn no_auth(req: &Request) -> bool {
    !req.headers.contains_key("authorization")
}

/// The multipart parts of a request as (headers, body) pairs, split on its boundary.
fn parts(req: &Request) -> Vec<(String, Vec<u8>)> {
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(boundary) = content_type.split("boundary=").nth(1) else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}");
    let body = &req.body;
    let mut out = Vec::new();
    let positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in positions.windows(2) {
        let part = &body[pair[0] + delimiter.len()..pair[1]];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = part.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]).into_owned();
        out.push((headers, part[split + 4..].to_vec()));
    }
    out
}

/// The text of the part named `name`.
fn field(parts: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    parts
        .iter()
        .find(|(headers, _)| headers.contains(&needle))
        .map(|(_, body)| String::from_utf8_lossy(body).into_owned())
}

#[tokio::test]
async fn put_and_delete_routes_are_reached_with_the_sessions_token() {
    let server = server().await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/{SESSION}/delete-label/7")))
        .and(bearer())
        .respond_with(
            ResponseTemplate::new(201).set_body_json(
                json!({"status": "success", "response": {"message": "Label deleted"}}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    // A DELETE that fails with 502 is not repeated: the table marks DELETE newsletter `never`.
    Mock::given(method("DELETE"))
        .and(path(format!(
            "/api/{SESSION}/newsletter/120363000000000000@newsletter"
        )))
        .and(bearer())
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!(
            "/api/{SESSION}/newsletter/120363000000000000@newsletter"
        )))
        .and(bearer())
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"name": "Ofertas"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();

    let request = session.request(HttpMethod::Put, "/api/{session}/delete-label/7");
    assert_eq!(request.route().unwrap(), Some(&routes::DELETE_LABEL));
    let answer: serde_json::Value = request.decode().await.unwrap();
    assert_eq!(answer["response"]["message"], "Label deleted");

    let err = session
        .request(
            HttpMethod::Delete,
            "newsletter/120363000000000000@newsletter",
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(
        err.to_string(),
        "DELETE /api/{session}/newsletter/{id} answered 502 Bad Gateway: no message"
    );

    let edited = session
        .request(HttpMethod::Put, "newsletter/120363000000000000@newsletter")
        .json(&json!({"name": "Ofertas"}))
        .await
        .unwrap();
    assert_eq!(edited.status().as_u16(), 201);
}

#[tokio::test]
async fn unknown_paths_are_retried_only_for_get() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/some-future-read")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/some-future-send")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let read = session.request(HttpMethod::Get, "some-future-read");
    assert_eq!(read.route().unwrap(), None);
    assert!(read.await.is_err());
    assert!(session
        .request(HttpMethod::Post, "some-future-send")
        .json(&json!({"phone": "5511999999999"}))
        .await
        .is_err());
}

#[tokio::test]
async fn routes_outside_a_session_take_no_token_and_the_secret_key_is_filled_in() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/healthz"))
        .and(no_auth)
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"uptime": 12.5, "message": "OK", "timestamp": 1795525512000_u64}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/metrics"))
        .and(no_auth)
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/plain; version=0.0.4")
                .set_body_string("# HELP up 1\nup 1\n"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SECRET}/backup-sessions")))
        .and(no_auth)
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/zip")
                .set_body_bytes(b"PK\x03\x04zip".to_vec()),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = client(&server);

    let health: serde_json::Value = client
        .request(HttpMethod::Get, "/healthz")
        .decode()
        .await
        .unwrap();
    assert_eq!(health["message"], "OK");
    let metrics = client.request(HttpMethod::Get, "/metrics").await.unwrap();
    assert!(metrics.text().contains("up 1"));
    let backup = client
        .request(HttpMethod::Get, "/api/{secretkey}/backup-sessions")
        .await
        .unwrap();
    assert_eq!(backup.content_type(), Some("application/zip"));
    assert!(backup.bytes().starts_with(b"PK"));
    // no token was minted for any of them
    let requests = server.received_requests().await.unwrap();
    assert!(requests
        .iter()
        .all(|r| !r.url.path().ends_with("generate-token")));
    // `{session}` has no meaning without a session; the secret key needs one configured
    assert!(client
        .request(HttpMethod::Get, "/api/{session}/all-chats")
        .await
        .is_err());
    let keyless = wppconnect_client::Client::builder(&server.uri())
        .unwrap()
        .build()
        .unwrap();
    assert!(matches!(
        keyless
            .request(HttpMethod::Get, "/api/{secretkey}/backup-sessions")
            .await,
        Err(wppconnect_client::Error::MissingSecretKey)
    ));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_multipart_set_profile_pic_carries_the_file_field() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/set-profile-pic")))
        .and(bearer())
        .and(|req: &Request| {
            let parts = parts(req);
            parts.len() == 1
                && parts[0].0.contains("name=\"file\"; filename=\"me.jpg\"")
                && parts[0].0.to_ascii_lowercase().contains("content-type: image/jpeg")
                && parts[0].1 == b"\xFF\xD8\xFFjpeg"
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "success", "response": {"message": "Profile photo successfully changed"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    let form = Multipart::new().file("file", Upload::bytes(&b"\xFF\xD8\xFFjpeg"[..], "me.jpg"));
    let answer: serde_json::Value = session
        .request(HttpMethod::Post, "set-profile-pic")
        .multipart(form)
        .decode()
        .await
        .unwrap();
    assert_eq!(
        answer["response"]["message"],
        "Profile photo successfully changed"
    );
}

#[tokio::test]
async fn a_file_is_sent_by_multipart_from_a_stream() {
    let server = server().await;
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let expected = content.clone();
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-file")))
        .and(bearer())
        .and(move |req: &Request| {
            let parts = parts(req);
            let file = parts
                .iter()
                .find(|(h, _)| h.contains("name=\"file\""))
                .map(|(h, b)| (h.clone(), b.clone()));
            field(&parts, "phone").as_deref() == Some("120363025746331234")
                && field(&parts, "isGroup").as_deref() == Some("true")
                && field(&parts, "caption").as_deref() == Some("Relatório")
                && field(&parts, "filename").as_deref() == Some("relatorio.pdf")
                && field(&parts, "base64").is_none()
                && file.is_some_and(|(h, b)| {
                    h.contains("filename=\"relatorio.pdf\"")
                        && h.to_ascii_lowercase().contains("application/pdf")
                        && b == expected
                })
        })
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    // an in-memory pipe: the client reads it while the request is sent
    let (mut writer, reader) = tokio::io::duplex(4096);
    let feeder = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        writer.write_all(&content).await.unwrap();
    });
    let receipts = session
        .send_file(
            "120363025746331234@g.us",
            File::upload(Upload::reader(reader, "relatorio.pdf")),
        )
        .caption("Relatório")
        .await
        .unwrap();
    feeder.await.unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].ack.map(i64::from), Some(1));
}

#[tokio::test]
async fn a_file_is_sent_by_multipart_from_a_path_and_a_failed_upload_is_not_repeated() {
    let server = server().await;
    let dir = std::env::temp_dir().join(format!("wpp-upload-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let photo = dir.join("foto.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\nimage").unwrap();
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-image")))
        .and(bearer())
        .and(|req: &Request| {
            let parts = parts(req);
            field(&parts, "phone").as_deref() == Some("5511999999999")
                && field(&parts, "isGroup").is_none()
                && parts.iter().any(|(h, b)| {
                    h.contains("name=\"file\"; filename=\"foto.png\"")
                        && h.to_ascii_lowercase().contains("image/png")
                        && b == b"\x89PNG\r\n\x1a\nimage"
                })
        })
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("send-file")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/send-sticker")))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    session
        .send_image("+55 11 99999-9999", File::upload(Upload::path(&photo)))
        .await
        .unwrap();
    let err = session
        .send_sticker(
            "5511999999999",
            File::upload(Upload::reader(&b"webp"[..], "s.webp")),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    // the voice routes read no file field: refused before any request
    let before = server.received_requests().await.unwrap().len();
    assert!(session
        .send_voice("5511999999999", File::upload(Upload::path(&photo)))
        .await
        .is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn pictures_and_backups_have_typed_methods() {
    let server = server().await;
    let dir = std::env::temp_dir().join(format!("wpp-pics-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let logo = dir.join("logo.jpg");
    std::fs::write(&logo, b"\xFF\xD8\xFFlogo").unwrap();
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/set-profile-pic")))
        .and(bearer())
        .and(|req: &Request| {
            let parts = parts(req);
            parts.len() == 1
                && parts[0].0.contains("name=\"file\"; filename=\"logo.jpg\"")
                && parts[0].1 == b"\xFF\xD8\xFFlogo"
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"status": "success", "response": {"message": "Profile photo successfully changed"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/group-pic")))
        .and(bearer())
        .and(|req: &Request| {
            let parts = parts(req);
            field(&parts, "groupId").as_deref() == Some("120363025746331234@g.us")
                && parts
                    .iter()
                    .any(|(h, b)| h.contains("name=\"file\"") && b == b"\xFF\xD8\xFFlogo")
        })
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"status": "success", "response": {"message": "Group profile photo successfully changed"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/group-pic")))
        .and(bearer())
        .and(body_json(json!({"groupId": "120363025746331234@g.us", "path": "https://cdn.example.com/g.png"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"status": "success", "response": {"message": "Group profile photo successfully changed"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SECRET}/backup-sessions")))
        .and(no_auth)
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/zip")
                .set_body_bytes(b"PK\x03\x04backup".to_vec()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let message_id = "false_5511999999999@c.us_3EB0C767D71D8A4BD7A5";
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/get-media-by-message/{message_id}"
        )))
        .and(bearer())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"base64": "/9j/bG9nbw==", "mimetype": "image/jpeg"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = client(&server);
    let session = client.session(SESSION).unwrap();

    let changed = session.set_profile_pic(Upload::path(&logo)).await.unwrap();
    assert_eq!(
        changed.message.as_deref(),
        Some("Profile photo successfully changed")
    );
    session
        .group_pic("120363025746331234", File::upload(Upload::path(&logo)))
        .await
        .unwrap();
    session
        .group_pic(
            "120363025746331234@g.us",
            File::url("https://cdn.example.com/g.png"),
        )
        .await
        .unwrap();
    let before = server.received_requests().await.unwrap().len();
    assert!(session
        .group_pic("120363025746331234", File::bytes(vec![1], "image/png"))
        .await
        .is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), before);

    let zip = client.backup_sessions().await.unwrap();
    assert!(zip.starts_with(b"PK"));

    let saved = dir.join("saved.jpg");
    let media = session.save_media(message_id, &saved).await.unwrap();
    assert_eq!(media.mimetype, "image/jpeg");
    assert_eq!(std::fs::read(&saved).unwrap(), b"\xFF\xD8\xFFlogo");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_escape_hatch_keeps_the_secret_key_out_of_its_errors() {
    let server = server().await;
    // Express's page for a route it does not have repeats the raw path, key included.
    Mock::given(method("GET"))
        .and(path(format!("/api/{SECRET}/no-such-admin-route")))
        .respond_with(|req: &Request| {
            ResponseTemplate::new(404).set_body_raw(
                format!("<pre>Cannot GET {}</pre>", req.url.path()),
                "text/html; charset=utf-8",
            )
        })
        .expect(1)
        .mount(&server)
        .await;
    // A 2xx answer that is not what the caller asked for: the decode snippet is redacted too.
    Mock::given(method("GET"))
        .and(path(format!("/api/{SECRET}/backup-sessions")))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("not json {SECRET}")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = client(&server);
    let err = client
        .request(HttpMethod::Get, "/api/{secretkey}/no-such-admin-route")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let text = support::error_text(&err);
    assert!(!text.contains(SECRET), "{text}");
    let err = client
        .request(HttpMethod::Get, "/api/{secretkey}/backup-sessions")
        .decode::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(err, wppconnect_client::Error::Decode { .. }),
        "{err:?}"
    );
    let text = support::error_text(&err);
    assert!(!text.contains(SECRET), "{text}");
}

#[tokio::test]
async fn healthz_is_typed_and_takes_no_auth() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/healthz"))
        .and(no_auth)
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("healthz")))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let health = client(&server).healthz().await.unwrap();
    assert_eq!(health.message, "OK");
    assert!(health.uptime > 5000.0);
    assert_eq!(health.timestamp.0, 1_795_526_512_215);
}

#[tokio::test]
async fn a_streamed_upload_that_never_left_is_reported_not_replayed() {
    // a port nobody listens on: the connection is refused, the request certainly never left
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = wppconnect_client::Client::builder(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .token(SESSION, "a-token")
        .unwrap()
        .retry(wppconnect_client::RetryPolicy {
            max_retries: 3,
            initial_backoff: std::time::Duration::from_millis(5),
            max_backoff: std::time::Duration::from_millis(10),
        })
        .build()
        .unwrap();
    let session = client.session(SESSION).unwrap();
    let err = session
        .send_file(
            "5511999999999",
            File::upload(Upload::reader(&b"%PDF-1.7"[..], "nota.pdf")),
        )
        .await
        .unwrap_err();
    // the connection error itself, not a second attempt's "stream already sent"
    assert!(
        matches!(
            err,
            wppconnect_client::Error::Transport { not_sent: true, .. }
        ),
        "{err:?}"
    );
}
