//! Tokens, both 401 shapes, the `session` key rule, Express's headers and HTML errors.

mod support;

use serde_json::{json, Value};
use support::{fast_sim, token, until, WAIT};

#[tokio::test]
async fn generate_token_answers_201_and_every_token_stays_valid_for_its_session_only() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let response = http
        .post(format!(
            "{}/api/main/{}/generate-token",
            sim.url(),
            sim.secret_key()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let first = body["token"].as_str().unwrap().to_owned();
    assert_eq!(body["status"], "success");
    assert_eq!(body["session"], "main");
    assert_eq!(body["full"], format!("main:{first}"));
    assert!(first.starts_with("$2b$10$") && first.len() == 60, "{first}");
    assert!(!first.contains('/'), "path-safe");

    let second = token(&sim, &http, "main").await;
    assert_ne!(first, second, "a new random token on every call");
    let status = |token: String, session: &'static str| {
        let http = http.clone();
        let url = format!("{}/api/{session}/status-session", sim.url());
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(status(first.clone(), "main").await, 200);
    assert_eq!(status(second.clone(), "main").await, 200);
    assert_eq!(
        status(first.clone(), "other").await,
        401,
        "bound to its session"
    );

    let wrong = http
        .post(format!("{}/api/main/not-the-key/generate-token", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 400);
    assert_eq!(
        wrong.json::<Value>().await.unwrap(),
        json!({"response": false, "message": "The SECRET_KEY is incorrect"})
    );
}

#[tokio::test]
async fn auth_failures_have_the_servers_two_shapes() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let main = token(&sim, &http, "main").await;
    let other = token(&sim, &http, "other").await;
    let url = format!("{}/api/main/status-session", sim.url());
    let not_present = json!({"message": "Token is not present. Check your header and try again"});
    let incorrect = json!({"error": "Check that the Session and Token are correct"});
    let cases: Vec<(Option<String>, Value)> = vec![
        (None, not_present.clone()),
        (Some(main.clone()), not_present.clone()), // one word
        (Some(format!("Bearer  {main}")), not_present.clone()), // two spaces
        (Some("Bearer garbage".into()), incorrect.clone()),
        (Some(format!("Bearer {other}")), incorrect.clone()), // another session's token
        (Some(format!("Bearer main:{main}")), incorrect.clone()), // `full` is not a bearer value
    ];
    for (header, expected) in cases {
        let mut request = http.get(&url);
        if let Some(header) = &header {
            request = request.header("authorization", header);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{header:?}");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            expected,
            "{header:?}"
        );
    }
    // with the JSON content type the hook adds "session": ""
    let response = http
        .post(format!("{}/api/main/start-session", sim.url()))
        .header("authorization", "Bearer garbage")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"error": "Check that the Session and Token are correct", "session": ""})
    );
    // the scheme word is not checked
    for scheme in ["Bearer", "bearer", "Foo", "Basic"] {
        let response = http
            .get(&url)
            .header("authorization", format!("{scheme} {main}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
    }
}

#[tokio::test]
async fn the_path_form_session_colon_token_works_and_ignores_the_header() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let main = token(&sim, &http, "main").await;
    let response = http
        .get(format!("{}/api/main:{main}/status-session", sim.url()))
        .header("authorization", "Bearer garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "CLOSED", "qrcode": null})
    );
    let response = http
        .get(format!("{}/api/main:nope/status-session", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_session_key_is_added_only_for_the_exact_json_content_type() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let main = token(&sim, &http, "main").await;
    let url = format!("{}/api/main/check-connection-session", sim.url());
    let answer = |content_type: Option<&'static str>| {
        let mut request = http.get(&url).bearer_auth(&main);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(
        answer(None).await,
        json!({"status": false, "message": "Disconnected"})
    );
    assert_eq!(
        answer(Some("application/json; charset=utf-8")).await,
        json!({"status": false, "message": "Disconnected"})
    );
    assert_eq!(
        answer(Some("application/json")).await,
        json!({"status": false, "message": "Disconnected", "session": ""}),
        "never started: an empty session"
    );
    http.post(format!("{}/api/main/start-session", sim.url()))
        .bearer_auth(&main)
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer(Some("application/json")).await,
        json!({"status": false, "message": "Disconnected", "session": "main"}),
        "started: the name"
    );
}

#[tokio::test]
async fn gated_routes_answer_404_disconnected_until_the_session_is_connected() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let main = token(&sim, &http, "main").await;
    let expected = json!({"response": null, "status": "Disconnected", "message": "A sessão do WhatsApp não está ativa."});
    for (method, slug, body) in [
        (
            "POST",
            "send-message",
            json!({"phone": "5511999999999", "message": "x"}),
        ),
        ("POST", "send-message", json!([1, 2])),
        (
            "POST",
            "send-image",
            json!({"phone": "5511999999999", "path": "a.jpg"}),
        ),
        ("POST", "logout-session", json!({})),
        ("POST", "list-chats", json!({})),
        ("GET", "all-chats", Value::Null),
        ("GET", "get-messages/5511999999999@c.us", Value::Null),
    ] {
        let url = format!("{}/api/main/{slug}", sim.url());
        let request = if method == "GET" {
            http.get(url)
        } else {
            http.post(url)
                .header("content-type", "application/json; charset=utf-8")
                .body(body.to_string())
        };
        let response = request.bearer_auth(&main).send().await.unwrap();
        assert_eq!(response.status(), 404, "{slug}");
        assert_eq!(response.json::<Value>().await.unwrap(), expected, "{slug}");
    }
}

#[tokio::test]
async fn responses_carry_express_headers_and_framework_errors_are_html() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/healthz", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let headers = health.headers().clone();
    assert_eq!(headers["x-powered-by"], "Express");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    assert!(headers["etag"].to_str().unwrap().starts_with("W/\""));
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["message"], "OK");
    assert!(health["uptime"].is_f64());
    assert!(
        health["timestamp"].as_u64().unwrap() > 1_700_000_000_000,
        "milliseconds"
    );

    let missing = http
        .get(format!("{}/api/main/no-such-route", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert_eq!(missing.headers()["x-powered-by"], "Express");
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("<pre>Cannot GET /api/main/no-such-route</pre>"));
    let wrong_method = http
        .get(format!("{}/api/main/send-message", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 404);
    assert!(wrong_method
        .text()
        .await
        .unwrap()
        .contains("Cannot GET /api/main/send-message"));

    for body in ["{\"phone\": ", "\"a bare string\""] {
        let malformed = http
            .post(format!("{}/api/main/send-message", sim.url()))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), 400, "{body}");
        assert_eq!(
            malformed.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        assert!(malformed.text().await.unwrap().contains("SyntaxError"));
    }
}

#[tokio::test]
async fn healthz_with_the_exact_json_content_type_never_answers() {
    let sim = fast_sim().await;
    // no client timeout racing the machine: the simulator says when it holds the request
    let stalled = tokio::spawn(
        reqwest::Client::new()
            .get(format!("{}/healthz", sim.url()))
            .header("content-type", "application/json")
            .send(),
    );
    until("healthz to stall", || sim.stalled_requests() == 1).await;
    assert!(!stalled.is_finished(), "no answer while it stalls");
    // the stalled request does not hold up shutdown (the guard only stops a hang)
    tokio::time::timeout(WAIT, sim.shutdown()).await.unwrap();
}

#[tokio::test]
async fn debug_output_shows_neither_the_secret_key_nor_tokens() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<wppconnect_sim::RunningSimulator>();
    send_sync::<wppconnect_sim::SimulatorBuilder>();
    let sim = wppconnect_sim::Simulator::builder()
        .fast()
        .secret_key("very-secret-key")
        .webhook_url("http://127.0.0.1:9/hook?token=webhook-secret")
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let minted = token(&sim, &http, "main").await;
    let debug = format!("{sim:?}");
    for secret in ["very-secret-key", "webhook-secret", minted.as_str()] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

/// A request sent byte for byte (an HTTP library would resolve `..` first): status and body.
async fn raw(addr: std::net::SocketAddr, method: &str, target: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {target} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

#[tokio::test]
async fn session_names_the_models_refuse_are_answered_400_and_never_stored() {
    let sim = fast_sim().await;
    let key = sim.secret_key().to_owned();
    for name in ["..", "a%2Fb", "a%5Cb", "%0D%0A", "%00", "a%20b"] {
        for (method, target) in [
            ("POST", format!("/api/{name}/{key}/generate-token")),
            ("POST", format!("/api/{name}/start-session")),
            ("GET", format!("/api/{name}/status-session")),
            (
                "GET",
                format!("/api/{name}/get-messages/5511999999999@c.us"),
            ),
            ("POST", format!("/sim/{name}/scan")),
            ("POST", format!("/sim/{name}/incoming")),
            ("GET", format!("/sim/{name}/messages")),
        ] {
            let (status, body) = raw(sim.addr(), method, &target).await;
            assert_eq!(status, 400, "{method} {target}: {body}");
            assert!(body.contains("invalid session name"), "{target}: {body}");
            assert!(body.contains("\"reason\""), "{target}: {body}");
        }
    }
    let sessions: Value = reqwest::get(format!("{}/api/{key}/show-all-sessions", sim.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sessions, json!({"response": []}), "nothing stored");
}
