//! The simulator answers like WPPConnect Server 2.10.4 and posts its webhooks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use wppconnect_sim::{start, Faults, RunningSimulator, SimConfig};

type Seen = Arc<Mutex<Vec<(Value, String)>>>;

/// A webhook receiver on 127.0.0.1:0 recording (body, user agent).
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let store = seen.clone();
    let app = Router::new().route(
        "/hook",
        post(
            move |headers: axum::http::HeaderMap, Json(body): Json<Value>| {
                let store = store.clone();
                async move {
                    let agent = headers
                        .get("user-agent")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    store.lock().unwrap().push((body, agent));
                    Json(json!({"ok": true}))
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

async fn wait_for(seen: &Seen, what: impl Fn(&[(Value, String)]) -> bool) {
    for _ in 0..400 {
        if what(&seen.lock().unwrap()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out; webhooks so far: {:#?}", seen.lock().unwrap());
}

fn events(seen: &Seen) -> Vec<String> {
    seen.lock()
        .unwrap()
        .iter()
        .map(|(b, _)| b["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn token(sim: &RunningSimulator, http: &reqwest::Client, session: &str) -> String {
    let response = http
        .post(format!(
            "{}/api/{session}/{}/generate-token",
            sim.url(),
            sim.secret_key()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["full"],
        format!("{session}:{}", body["token"].as_str().unwrap())
    );
    body["token"].as_str().unwrap().to_owned()
}

/// Starts `session` with the receiver as webhook and scans it.
async fn connected(
    sim: &RunningSimulator,
    http: &reqwest::Client,
    session: &str,
    hook: &str,
) -> String {
    let token = token(sim, http, session).await;
    http.post(format!("{}/api/{session}/start-session", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"webhook": hook}))
        .send()
        .await
        .unwrap();
    for _ in 0..200 {
        if sim.status(session) == "QRCODE" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    sim.scan(session).await.unwrap();
    token
}

#[tokio::test]
async fn login_flow_with_qr_code_then_scan() {
    let sim = start(SimConfig::fast(), "127.0.0.1:0").await.unwrap();
    let (hook, seen) = receiver().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "main").await;
    let url = |slug: &str| format!("{}/api/main/{slug}", sim.url());
    let before: Value = http
        .post(url("start-session"))
        .bearer_auth(&token)
        .json(&json!({"webhook": hook}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        before,
        json!({"status": "CLOSED", "qrcode": null, "session": ""}),
        "the state before the start"
    );
    wait_for(&seen, |s| s.iter().any(|(b, _)| b["event"] == "qrcode")).await;
    let status: Value = http
        .get(url("status-session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "QRCODE");
    assert!(status["qrcode"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,iVBOR"));
    assert!(status["urlcode"].as_str().unwrap().starts_with("2@"));
    assert!(
        status.get("session").is_none(),
        "GET requests without a JSON content type get no session key"
    );
    let png = http
        .get(url("qrcode-session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));
    {
        let seen = seen.lock().unwrap();
        let qr = seen.iter().find(|(b, _)| b["event"] == "qrcode").unwrap();
        assert!(
            qr.0["qrcode"].as_str().unwrap().starts_with("iVBOR"),
            "raw base64 in the webhook"
        );
        assert_eq!(qr.0["session"], "main");
        assert_eq!(qr.1, "axios/1.19.0");
    }
    sim.scan("main").await.unwrap();
    wait_for(&seen, |s| s.iter().any(|(b, _)| b["status"] == "inChat")).await;
    let check: Value = http
        .get(url("check-connection-session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(check, json!({"status": true, "message": "Connected"}));
    let statuses: Vec<Value> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(b, _)| b["event"] == "status-find")
        .map(|(b, _)| b["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [json!("notLogged"), json!("qrReadSuccess"), json!("inChat")]
    );
}

#[tokio::test]
async fn sends_answer_like_the_server_and_acks_follow() {
    let sim = start(SimConfig::fast(), "127.0.0.1:0").await.unwrap();
    let (hook, seen) = receiver().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hook).await;
    let response = http
        .post(format!("{}/api/main/send-message", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"phone": "5511999999999", "message": "Olá"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["mapper"], "return");
    assert_eq!(body["session"], "main");
    let id = body["response"][0]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("true_5511999999999@c.us_3EB0"), "{id}");
    wait_for(&seen, |s| {
        s.iter().filter(|(b, _)| b["event"] == "onack").count() == 3
    })
    .await;
    let acks: Vec<(i64, Value)> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(b, _)| b["event"] == "onack")
        .map(|(b, _)| (b["ack"].as_i64().unwrap(), b["id"].clone()))
        .collect();
    assert_eq!(acks.iter().map(|(a, _)| *a).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        acks[0].1["_serialized"],
        id.as_str(),
        "MsgKey objects in onack"
    );
    assert_eq!(acks[0].1["fromMe"], true);
    let file: Value = http
        .post(format!("{}/api/main/send-file", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"phone": "5511999999999", "base64": "data:application/pdf;base64,JVBERi0="}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(file["response"][0]["id"]
        .as_str()
        .unwrap()
        .starts_with("true_"));
    let missing = http
        .post(format!("{}/api/main/send-message", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"phone": "5511900009999", "message": "Olá"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["message"],
        "O número 5511900009999 não existe."
    );
}

#[tokio::test]
async fn a_contact_writes_and_an_onmessage_arrives_with_a_string_id() {
    let sim = start(SimConfig::fast(), "127.0.0.1:0").await.unwrap();
    let (hook, seen) = receiver().await;
    let http = reqwest::Client::new();
    connected(&sim, &http, "main", &hook).await;
    let id = sim
        .contact_writes("main", "5521988887777", "Tem horário amanhã?")
        .await
        .unwrap();
    wait_for(&seen, |s| s.iter().any(|(b, _)| b["event"] == "onmessage")).await;
    let message = seen
        .lock()
        .unwrap()
        .iter()
        .find(|(b, _)| b["event"] == "onmessage")
        .unwrap()
        .0
        .clone();
    assert_eq!(message["id"], id.as_str());
    assert_eq!(message["body"], "Tem horário amanhã?");
    assert_eq!(message["chatId"], "5521988887777@c.us");
    let parsed = wppconnect_models::Event::from_value(message).unwrap();
    assert_eq!(parsed.kind(), wppconnect_models::EventKind::Message);
    let via_http = http
        .post(format!("{}/sim/main/incoming", sim.url()))
        .json(&json!({"from": "5521988887777", "body": "de novo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(via_http.status(), 200);
}

#[tokio::test]
async fn auth_failures_have_the_servers_two_shapes() {
    let sim = start(SimConfig::fast(), "127.0.0.1:0").await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/api/main/status-session", sim.url());
    for request in [
        http.get(&url),
        http.get(&url).header("authorization", "justoneword"),
        http.get(&url).header("authorization", "Bearer  x"),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"message": "Token is not present. Check your header and try again"})
        );
    }
    let other = token(&sim, &http, "other").await;
    for bad in ["Bearer wrong", &format!("Bearer {other}")] {
        let response = http
            .get(&url)
            .header("authorization", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"error": "Check that the Session and Token are correct"})
        );
    }
    let json_request = http
        .post(format!("{}/api/main/start-session", sim.url()))
        .bearer_auth("wrong")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_request.json::<Value>().await.unwrap()["session"],
        "",
        "JSON requests get the session key"
    );
    let mine = token(&sim, &http, "main").await;
    let ok = http
        .get(&url)
        .header("authorization", format!("Whatever {mine}"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200, "the scheme word is not checked");
    let path_form = http
        .get(format!("{}/api/main:{mine}/status-session", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(path_form.status(), 200);
    let wrong_key = http
        .post(format!("{}/api/main/nope/generate-token", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_key.status(), 400);
    assert_eq!(
        wrong_key.json::<Value>().await.unwrap(),
        json!({"response": false, "message": "The SECRET_KEY is incorrect"})
    );
}

#[tokio::test]
async fn gated_routes_answer_disconnected_and_unknown_routes_html() {
    let sim = start(SimConfig::fast(), "127.0.0.1:0").await.unwrap();
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "main").await;
    let response = http
        .post(format!("{}/api/main/send-message", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"phone": "5511999999999", "message": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"response": null, "status": "Disconnected", "message": "A sessão do WhatsApp não está ativa.", "session": ""})
    );
    let close = http
        .post(format!("{}/api/main/close-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        close.status(),
        500,
        "close-session on a never-started session"
    );
    let unknown = http
        .get(format!("{}/api/main/a/b/c/d", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(unknown.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(unknown.headers()["x-powered-by"], "Express");
    assert!(unknown
        .text()
        .await
        .unwrap()
        .contains("Cannot GET /api/main/a/b/c/d"));
    let malformed = http
        .post(format!("{}/api/main/start-session", sim.url()))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"webhook\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert!(malformed.text().await.unwrap().contains("SyntaxError"));
}

#[tokio::test]
async fn faults_make_sends_fail_and_webhooks_misbehave() {
    let sim = start(SimConfig::fast(), "127.0.0.1:0").await.unwrap();
    let (hook, seen) = receiver().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hook).await;
    let send = || {
        http.post(format!("{}/api/main/send-message", sim.url()))
            .bearer_auth(&token)
            .json(&json!({"phone": "5511999999999", "message": "x"}))
            .send()
    };
    sim.set_faults(Faults {
        send_status: Some(500),
        send_count: Some(1),
        ..Faults::default()
    });
    assert_eq!(send().await.unwrap().status(), 500);
    assert_eq!(
        send().await.unwrap().status(),
        201,
        "only the next send failed"
    );
    sim.set_faults(Faults {
        send_status: Some(502),
        ..Faults::default()
    });
    assert_eq!(send().await.unwrap().status(), 502);
    wait_for(&seen, |s| {
        s.iter().filter(|(b, _)| b["event"] == "onack").count() == 3
    })
    .await;
    sim.set_faults(Faults {
        duplicate_webhooks: true,
        ..Faults::default()
    });
    sim.contact_writes("main", "5521988887777", "dup")
        .await
        .unwrap();
    wait_for(&seen, |s| {
        s.iter().filter(|(b, _)| b["body"] == "dup").count() == 2
    })
    .await;
    sim.set_faults(Faults {
        drop_webhooks: true,
        ..Faults::default()
    });
    sim.contact_writes("main", "5521988887777", "lost")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!seen
        .lock()
        .unwrap()
        .iter()
        .any(|(b, _)| b["body"] == "lost"));
    sim.set_faults(Faults {
        reorder_webhooks: true,
        ..Faults::default()
    });
    sim.contact_writes("main", "5521988887777", "first")
        .await
        .unwrap();
    sim.contact_writes("main", "5521988887777", "second")
        .await
        .unwrap();
    wait_for(&seen, |s| s.iter().any(|(b, _)| b["body"] == "first")).await;
    let order: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(b, _)| b["body"] == "first" || b["body"] == "second")
        .map(|(b, _)| b["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order, ["second", "first"]);
    assert!(events(&seen).contains(&"onmessage".to_owned()));
}
