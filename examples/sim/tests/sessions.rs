//! The login flow, session states and the session routes, as WPPConnect Server 2.10.4 answers.

mod support;

use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};
use support::{connected, fast_sim, token, Receiver};
use wppconnect_sim::{ControlError, SessionStatus, Simulator};

async fn get(http: &reqwest::Client, url: String, token: &str) -> reqwest::Response {
    http.get(url).bearer_auth(token).send().await.unwrap()
}

async fn post_json(http: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn qr_login_answers_the_state_before_the_start_then_connects_on_scan() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "main").await;
    let url = |slug: &str| format!("{}/api/main/{slug}", sim.url());

    let (status, before) = post_json(
        &http,
        url("start-session"),
        &token,
        json!({"webhook": hooks.url}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        before,
        json!({"status": "CLOSED", "qrcode": null, "session": ""}),
        "the state before the start"
    );

    let qr = hooks.wait_for("qrcode", 1).await.remove(0);
    assert_eq!(sim.status("main"), SessionStatus::QrCode);
    let raw = qr.body["qrcode"].as_str().unwrap();
    assert!(!raw.starts_with("data:"), "raw base64 in the webhook");
    let png = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let urlcode = qr.body["urlcode"].as_str().unwrap();
    assert!(urlcode.starts_with("2@"));
    assert_eq!(qr.body["session"], "main");

    // status-session: a data URL of the same QR, with urlcode and version; no session key on a GET
    let state: Value = get(&http, url("status-session"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(state["status"], "QRCODE");
    assert_eq!(state["qrcode"], format!("data:image/png;base64,{raw}"));
    assert_eq!(state["urlcode"], urlcode);
    assert_eq!(state["version"], "2.10.4");
    assert!(state.get("session").is_none());

    // qrcode-session: the PNG itself
    let image = get(&http, url("qrcode-session"), &token).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(image.bytes().await.unwrap().as_ref(), png.as_slice());

    // a second start answers the current state and starts nothing new
    let (_, again) = post_json(
        &http,
        url("start-session"),
        &token,
        json!({"webhook": hooks.url}),
    )
    .await;
    assert_eq!(again["status"], "QRCODE");
    assert_eq!(again["session"], "main");
    assert!(again["qrcode"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));

    let check: Value = get(&http, url("check-connection-session"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check, json!({"status": false, "message": "Disconnected"}));

    sim.scan("main").unwrap();
    assert_eq!(sim.status("main"), SessionStatus::Connected);
    let all = hooks
        .wait("inChat", |all| {
            all.iter().any(|h| h.body["status"] == "inChat")
        })
        .await;
    let statuses: Vec<&Value> = all
        .iter()
        .filter(|h| h.event() == "status-find")
        .map(|h| &h.body["status"])
        .collect();
    assert_eq!(
        statuses,
        [
            &json!("notLogged"),
            &json!("qrReadSuccess"),
            &json!("inChat")
        ]
    );
    let first = all.iter().find(|h| h.event() == "status-find").unwrap();
    assert_eq!(
        first.raw, r#"{"event":"status-find","session":"main","status":"notLogged"}"#,
        "keys in the server's order"
    );
    assert_eq!(
        hooks.of("qrcode").len(),
        1,
        "one QR code per login in the simulator"
    );

    let check: Value = get(&http, url("check-connection-session"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(check, json!({"status": true, "message": "Connected"}));
    let state: Value = get(&http, url("status-session"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(state["status"], "CONNECTED");
    assert_eq!(state["urlcode"], urlcode, "the server never clears urlcode");

    assert_eq!(
        sim.scan("main"),
        Err(ControlError::WrongState {
            session: "main".into(),
            status: SessionStatus::Connected
        })
    );
    assert_eq!(
        sim.scan("nobody"),
        Err(ControlError::UnknownSession("nobody".into()))
    );
}

#[tokio::test]
async fn qrcode_session_is_json_while_there_is_no_qr_code() {
    let sim = Simulator::builder()
        .fast()
        .qr_after(Duration::from_secs(60))
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "main").await;
    let url = |slug: &str| format!("{}/api/main/{slug}", sim.url());

    let none: Value = get(&http, url("qrcode-session"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        none,
        json!({"status": null, "message": "Session not started. Please, use the /start-session route, for initialization your session"})
    );
    http.post(url("start-session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let waiting = get(&http, url("qrcode-session"), &token).await;
    assert!(waiting.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let waiting: Value = waiting.json().await.unwrap();
    assert_eq!(
        waiting,
        json!({"status": "INITIALIZING", "message": "QRCode is not available..."})
    );
    let state: Value = get(&http, url("status-session"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        state,
        json!({"status": "INITIALIZING", "qrcode": null, "version": "2.10.4"})
    );
}

#[tokio::test]
async fn a_phone_number_gets_a_pairing_code_instead_of_a_qr_code() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "paired").await;
    let (_, before) = post_json(
        &http,
        format!("{}/api/paired/start-session", sim.url()),
        &token,
        json!({"webhook": hooks.url, "phone": "5511988887777"}),
    )
    .await;
    assert_eq!(before["status"], "CLOSED");
    let code = hooks.wait_for("phoneCode", 1).await.remove(0);
    assert_eq!(code.body["phone"], "5511988887777");
    assert_eq!(code.body["phoneCode"].as_str().unwrap().len(), 8);
    assert_eq!(sim.status("paired"), SessionStatus::PhoneCode);
    assert!(hooks.of("qrcode").is_empty());
    sim.scan("paired").unwrap();
    assert_eq!(sim.status("paired"), SessionStatus::Connected);
}

#[tokio::test]
async fn wait_qr_code_holds_the_answer_until_the_code_exists() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "held").await;
    let (status, held) = post_json(
        &http,
        format!("{}/api/held/start-session", sim.url()),
        &token,
        json!({"waitQrCode": true}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(held["status"], "qrcode", "lowercase in the held answer");
    assert_eq!(held["session"], "held");
    assert!(
        held["qrcode"].as_str().unwrap().starts_with("iVBOR"),
        "raw base64, no data: prefix"
    );
    assert!(held["urlcode"].as_str().unwrap().starts_with("2@"));
}

#[tokio::test]
async fn sessions_connect_by_themselves_after_the_configured_delay() {
    let sim = Simulator::builder()
        .fast()
        .connect_after(Duration::from_millis(20))
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "auto").await;
    http.post(format!("{}/api/auto/start-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    sim.wait_for_status("auto", SessionStatus::Connected, support::WAIT)
        .await
        .unwrap();
}

#[tokio::test]
async fn wait_for_status_times_out_with_the_current_state() {
    let sim = fast_sim().await;
    let error = sim
        .wait_for_status("idle", SessionStatus::Connected, Duration::from_millis(20))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ControlError::Timeout {
            session: "idle".into(),
            status: SessionStatus::Closed
        }
    );
}

#[tokio::test]
async fn close_session_fails_once_on_a_never_started_session_then_succeeds() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "never").await;
    let url = format!("{}/api/never/close-session", sim.url());
    let first = http.post(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(first.status(), 500);
    assert_eq!(
        first.json::<Value>().await.unwrap(),
        json!({"status": false, "message": "Error closing session", "error": {"level": "error"}})
    );
    let second = http.post(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(
        second.json::<Value>().await.unwrap(),
        json!({"status": true, "message": "Session successfully closed"})
    );
}

#[tokio::test]
async fn closing_a_connected_session_posts_closesession_and_the_next_start_lacks_the_session_key() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    let (status, closed) = post_json(
        &http,
        format!("{}/api/main/close-session", sim.url()),
        &token,
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        closed,
        json!({"status": true, "message": "Session successfully closed", "session": "main"})
    );
    let event = hooks.wait_for("closesession", 1).await.remove(0);
    assert_eq!(
        event.raw,
        r#"{"event":"closesession","session":"main","message":"Session: main disconnected","connected":false}"#
    );
    assert_eq!(sim.status("main"), SessionStatus::Closed);
    let state: Value = get(
        &http,
        format!("{}/api/main/status-session", sim.url()),
        &token,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(state, json!({"status": "CLOSED", "qrcode": null}));

    // the placeholder left by close-session has no name: no session key, in answers or webhooks
    let (_, before) = post_json(
        &http,
        format!("{}/api/main/start-session", sim.url()),
        &token,
        json!({"webhook": hooks.url}),
    )
    .await;
    assert_eq!(before, json!({"status": "CLOSED", "qrcode": null}));
    let qr = hooks.wait_for("qrcode", 2).await.remove(1);
    assert!(qr.body.get("session").is_none(), "{}", qr.raw);
    sim.scan("main").unwrap();
    let in_chat = hooks
        .wait("inChat", |all| {
            all.iter().filter(|h| h.body["status"] == "inChat").count() == 2
        })
        .await;
    assert_eq!(
        in_chat.last().unwrap().body["session"],
        "main",
        "named again once logged in"
    );
}

#[tokio::test]
async fn logout_needs_a_connected_session_and_posts_logoutsession() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let other = token(&sim, &http, "other").await;
    let (status, body) = post_json(
        &http,
        format!("{}/api/other/logout-session", sim.url()),
        &other,
        json!({}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"response": null, "status": "Disconnected", "message": "A sessão do WhatsApp não está ativa.", "session": ""})
    );

    let token = connected(&sim, &http, "main", &hooks.url).await;
    let (status, body) = post_json(
        &http,
        format!("{}/api/main/logout-session", sim.url()),
        &token,
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], true);
    let event = hooks.wait_for("logoutsession", 1).await.remove(0);
    assert_eq!(
        event.body,
        json!({"event": "logoutsession", "session": "main", "message": "Session: main logged out", "connected": false})
    );
    assert_eq!(sim.status("main"), SessionStatus::Closed);
    let check: Value = get(
        &http,
        format!("{}/api/main/check-connection-session", sim.url()),
        &token,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(check["status"], false);
}

#[tokio::test]
async fn show_all_sessions_lists_every_started_name_and_checks_the_secret() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let list = |key: String| {
        let http = http.clone();
        let url = format!("{}/api/{key}/show-all-sessions", sim.url());
        async move {
            let response = http.get(url).send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    assert_eq!(
        list(sim.secret_key().to_owned()).await,
        (200, json!({"response": []}))
    );
    for name in ["b-session", "a-session"] {
        let token = token(&sim, &http, name).await;
        http.post(format!("{}/api/{name}/start-session", sim.url()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        list(sim.secret_key().to_owned()).await,
        (200, json!({"response": ["a-session", "b-session"]}))
    );
    assert_eq!(
        list("wrong".to_owned()).await,
        (
            400,
            json!({"response": false, "message": "The token is incorrect"})
        )
    );
}

#[tokio::test]
async fn a_new_webhook_applies_only_from_the_next_start() {
    let sim = fast_sim().await;
    let first = Receiver::start().await;
    let second = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &first.url).await;
    let start = |body: Value| {
        let http = http.clone();
        let (url, token) = (
            format!("{}/api/main/start-session", sim.url()),
            token.clone(),
        );
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // a running session keeps its webhook; the body is stored for the next start
    start(json!({"webhook": second.url})).await;
    sim.contact_writes("main", "5511999999999", "oi").unwrap();
    first.wait_for("onmessage", 1).await;
    let closed = http
        .post(format!("{}/api/main/close-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 200);
    // an empty body re-uses the stored config
    start(json!({})).await;
    second.wait_for("qrcode", 1).await;
    assert!(second.of("onmessage").is_empty());
    assert_eq!(first.of("qrcode").len(), 1);
}

#[tokio::test]
async fn the_qr_code_is_renewed_until_the_scan() {
    let sim = Simulator::builder()
        .fast()
        .qr_refresh(Duration::from_millis(10))
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "main").await;
    http.post(format!("{}/api/main/start-session", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"webhook": hooks.url}))
        .send()
        .await
        .unwrap();
    let codes = hooks.wait_for("qrcode", 3).await;
    assert_ne!(codes[0].body["urlcode"], codes[1].body["urlcode"]);
    let state: Value = get(
        &http,
        format!("{}/api/main/status-session", sim.url()),
        &token,
    )
    .await
    .json()
    .await
    .unwrap();
    let shown = state["urlcode"].as_str().unwrap().to_owned();
    assert!(
        hooks
            .of("qrcode")
            .iter()
            .any(|h| h.body["urlcode"] == shown.as_str()),
        "status-session shows a posted code"
    );
    sim.scan("main").unwrap();
    hooks
        .wait("inChat", |all| {
            all.iter().any(|h| h.body["status"] == "inChat")
        })
        .await;
    let after_scan = hooks.of("qrcode").len();
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(
        hooks.of("qrcode").len(),
        after_scan,
        "no new QR code once connected"
    );
}

#[tokio::test]
async fn start_all_restarts_stored_sessions_even_with_a_wrong_key() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "main").await;
    http.post(format!("{}/api/main/start-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    http.post(format!("{}/api/main/close-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    sim.wait_for_status("main", SessionStatus::Closed, support::WAIT)
        .await
        .unwrap();
    let response = http
        .post(format!("{}/api/wrong-key/start-all", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"response": "error", "message": "The token is incorrect"})
    );
    // as observed: the sessions start anyway
    sim.wait_for_status("main", SessionStatus::QrCode, support::WAIT)
        .await
        .unwrap();
}

#[tokio::test]
async fn every_webhook_posted_parses_as_its_typed_event_in_the_models_crate() {
    use wppconnect_models::{Event, EventKind};
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    sim.contact_writes("main", "5511999999999", "oi").unwrap();
    http.post(format!("{}/api/main/send-message", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"phone": "5511999999999", "message": "olá"}))
        .send()
        .await
        .unwrap();
    hooks.wait_for("onack", 3).await;
    http.post(format!("{}/api/main/close-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    hooks.wait_for("closesession", 1).await;
    http.post(format!("{}/api/main/start-session", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"webhook": hooks.url, "phone": "5511988887777"}))
        .send()
        .await
        .unwrap();
    hooks.wait_for("phoneCode", 1).await;
    sim.scan("main").unwrap();
    http.post(format!("{}/api/main/logout-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let all = hooks
        .wait("logoutsession", |all| {
            all.iter().any(|h| h.event() == "logoutsession")
        })
        .await;
    let mut kinds: Vec<&str> = Vec::new();
    for hook in &all {
        let event = Event::from_slice(hook.raw.as_bytes()).unwrap();
        assert_ne!(event.kind(), EventKind::Unknown, "{}", hook.raw);
        assert_eq!(event.kind().as_str(), hook.event());
        if !kinds.contains(&hook.event()) {
            kinds.push(hook.event());
        }
    }
    assert_eq!(
        kinds,
        [
            "status-find",
            "qrcode",
            "onmessage",
            "onack",
            "closesession",
            "phoneCode",
            "logoutsession"
        ]
    );
}

#[tokio::test]
async fn a_closed_browser_posts_browser_close_and_leaves_the_session_closed() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    let closed = http
        .post(format!("{}/sim/main/browser-close", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 200);
    let seen = hooks
        .wait("browserClose", |hooks| {
            hooks
                .iter()
                .any(|h| h.event() == "status-find" && h.body["status"] == "browserClose")
        })
        .await;
    let close = seen
        .iter()
        .find(|h| h.body["status"] == "browserClose")
        .unwrap();
    // the real server's body, keys in its order
    assert_eq!(
        close.raw,
        r#"{"event":"status-find","session":"main","status":"browserClose"}"#
    );
    let state = get(
        &http,
        format!("{}/api/main/status-session", sim.url()),
        &token,
    )
    .await;
    let state: Value = state.json().await.unwrap();
    assert_eq!(state["status"], "CLOSED");
    let unknown = http
        .post(format!("{}/sim/nobody/browser-close", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}
