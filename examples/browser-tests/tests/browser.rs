//! The web console in a real headless Chromium, against the reference backend and the
//! WPPConnect simulator started in-process on loopback.
//!
//! Needs `chromedriver` and Chromium (`apt-get install -y chromium chromium-driver`); without
//! them every test fails and says so. `CONSOLE_SCREENSHOT=docs/console.png` also saves the
//! conversation view there (the README's screenshot).

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::json;
use support::{
    until, with_console, with_simulator, Console, JWT_SECRET, USER, WAIT, WEBHOOK_SECRET,
};
use wppconnect_sim::Faults;

const WIDE: (u32, u32) = (1280, 800);
const NARROW: (u32, u32) = (390, 844);
const MARIA: &str = "5511999999999@c.us";
const ENTER: &str = "\u{E007}";
const SHIFT_ENTER: &str = "\u{E008}\u{E007}\u{E000}";

fn conversation(id: &str) -> String {
    format!("#conversations li.conversation[data-id=\"{id}\"]")
}

fn forged_token(secret: &str, expires_in: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    encode(
        &Header::default(),
        &json!({"sub": USER, "iat": now - 7200, "exp": now + expires_in}),
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// The status code of a `GET` of `path` sent exactly as written, without the normalisation an
/// HTTP client applies.
async fn raw_status(base: &str, path: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {answer:.80}"))
}

async fn set_token_and_reload(console: &Console, token: &str) {
    console
        .js(
            "sessionStorage.setItem('wpp.token', arguments[0]);",
            vec![json!(token)],
        )
        .await;
    console.browser.refresh().await.unwrap();
}

async fn stored_token(console: &Console) -> Option<String> {
    console
        .js("return sessionStorage.getItem('wpp.token');", vec![])
        .await
        .as_str()
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_refuses_a_wrong_password_and_expired_tokens_and_signs_out() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        // the console's modules: JavaScript, with the headers of every answer; nothing else
        let http = reqwest::Client::new();
        for module in ["/js/state.js", "/js/views/thread.js"] {
            let answer = http
                .get(format!("{}{module}", console.base))
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 200, "{module}");
            let header = |name: &str| {
                answer
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            assert!(
                header("content-type").starts_with("text/javascript"),
                "{module}"
            );
            assert_eq!(header("x-content-type-options"), "nosniff", "{module}");
            assert!(
                header("content-security-policy").contains("script-src 'self'"),
                "{module}"
            );
        }
        // paths sent as they are (an HTTP client would resolve the dots first)
        assert_eq!(raw_status(&console.base, "/js/state.js").await, 200);
        for outside in [
            "/js/../../Cargo.toml",
            "/js/%2e%2e/%2e%2e/Cargo.toml",
            "/js/..%2f..%2fCargo.toml",
            "/js/missing.js",
        ] {
            assert_eq!(raw_status(&console.base, outside).await, 404, "{outside}");
        }

        console.browser.goto(&console.base).await.unwrap();
        console.wait_visible("#login-form").await;
        assert!(!console.visible("#app-view").await);

        // a wrong password: a clear message, no token, still on the form
        console
            .type_into("#password", &format!("not-the-password{ENTER}"))
            .await;
        let error = console
            .wait_text("#login-error", "Wrong user name or password")
            .await;
        assert_eq!(error, "Wrong user name or password.");
        assert!(!console.visible("#app-view").await);
        assert_eq!(stored_token(&console).await, None);
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-login.png");
        console.screenshot(&shot).await;

        // the right one (typed, Enter submits): the console, with the session's status shown
        console.log_in().await;
        assert!(!console.visible("#login-error").await);
        let token = stored_token(&console)
            .await
            .expect("the JWT in sessionStorage");
        assert_eq!(token.split('.').count(), 3, "a JWT");
        console
            .wait_text("#session-status", "main: disconnected")
            .await;

        // signing out forgets the token
        console.click("#logout").await;
        console.wait_visible("#login-form").await;
        assert_eq!(stored_token(&console).await, None);

        // a token that has expired: back to the form with the reason
        set_token_and_reload(&console, &forged_token(JWT_SECRET, -3600)).await;
        console.wait_text("#login-error", "expired").await;
        assert!(!console.visible("#app-view").await);
        assert_eq!(stored_token(&console).await, None);

        // a token the backend refuses (not signed by it): the first API call answers 401
        set_token_and_reload(&console, &forged_token("another-secret", 3600)).await;
        console.wait_text("#login-error", "no longer valid").await;
        assert!(!console.visible("#app-view").await);
        assert_eq!(stored_token(&console).await, None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_code_then_connected_then_a_contact_writes_live_with_an_unread_badge() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.log_in().await;
        console.click("#start-session").await;

        // the QR code as a real image, the status saying so
        console.wait_visible("#qr-image").await;
        let src = console.attr("#qr-image", "src").await.unwrap();
        assert!(src.starts_with("data:image/png;base64,"), "{src:.40}");
        until("the QR image to decode", || async {
            let width = console
                .js("return document.getElementById('qr-image').naturalWidth;", vec![])
                .await;
            (width.as_u64().unwrap_or(0) > 0).then_some(())
        })
        .await;
        assert_eq!(
            console.attr("#session-status", "data-status").await.as_deref(),
            Some("qr")
        );

        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-qr.png");
        console.screenshot(&shot).await;

        // "scan" it through the simulator: connected, the QR code gone, without a reload
        console.js("window.__sameDocument = true;", vec![]).await;
        console.sim.scan("main").unwrap();
        console.wait_text("#session-status", "main: connected").await;
        until("the QR code to go", || async {
            (!console.visible("#qr").await).then_some(())
        })
        .await;

        // a contact writes: the conversation appears with its message and an unread badge
        console.sim.contact_writes("main", "+5511999999999", "Oi, tudo bem?").unwrap();
        let maria = conversation(MARIA);
        console.wait_text(&format!("{maria} .badge"), "1").await;
        assert_eq!(
            console.text(&format!("{maria} .preview")).await.as_deref(),
            Some("Oi, tudo bem?")
        );
        assert!(!console.text(&format!("{maria} .time")).await.unwrap().is_empty());

        // another contact writes later: first in the list; Maria again: back on top, badge 2
        console.sim.contact_writes("main", "+5511988887777", "Second contact").unwrap();
        console
            .wait_text("#conversations li.conversation:first-child .preview", "Second contact")
            .await;
        tokio::time::sleep(Duration::from_millis(1100)).await; // a later second for the order
        console.sim.contact_writes("main", "+5511999999999", "Still there?").unwrap();
        console.wait_text(&format!("{maria} .badge"), "2").await;
        console
            .wait_text("#conversations li.conversation:first-child .preview", "Still there?")
            .await;
        assert_eq!(console.count("#conversations li.conversation").await, 2);

        // the search box filters by number or text
        console.type_into("#search", "98888").await;
        until("the search to keep one conversation", || async {
            (console.count("#conversations li.conversation").await == 1).then_some(())
        })
        .await;
        assert!(console.visible(&conversation("5511988887777@c.us")).await);
        console.js("const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'));", vec![]).await;

        // opening it shows both messages and clears the badge
        console.click(&format!("{maria} button")).await;
        console.wait_text("#messages", "Still there?").await;
        assert_eq!(console.count("#messages .message.in").await, 2);
        until("the badge to clear", || async {
            (console.count(&format!("{maria} .badge")).await == 0).then_some(())
        })
        .await;
        assert_eq!(console.js("return window.__sameDocument === true;", vec![]).await, json!(true));

        // the session list shows it connected; logging it out (after confirming) disconnects it
        console.click("#sessions summary").await;
        console.wait_text("#session-list li[data-name=\"main\"] .status", "connected").await;
        console.click("#logout-session").await;
        until("the confirmation", || async { console.browser.accept_alert().await.ok() }).await;
        console.wait_text("#session-status", "main: disconnected").await;
        console.wait_text("#session-list li[data-name=\"main\"] .status", "disconnected").await;
        assert_ne!(
            console.sim.status("main"),
            wppconnect_sim::SessionStatus::Connected,
            "logged out on the server"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_with_script_shows_as_text() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.connect().await;
        let evil = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"><b>bold</b> & &amp;";
        console.sim.contact_writes("main", "+5511999999999", evil).unwrap();
        let maria = conversation(MARIA);
        console.wait_text(&format!("{maria} .preview"), "<script>").await;
        assert_eq!(console.text(&format!("{maria} .preview")).await.as_deref(), Some(evil));
        console.click(&format!("{maria} button")).await;
        console.wait_text("#messages .message.in .body", "<script>").await;
        assert_eq!(
            console.text("#messages .message.in .body").await.as_deref(),
            Some(evil)
        );
        // nothing of it became markup, nothing ran
        for tag in ["script", "img", "b"] {
            assert_eq!(console.count(&format!("#messages {tag}")).await, 0, "a <{tag}> element");
            assert_eq!(console.count(&format!("#conversations {tag}")).await, 0, "a <{tag}> element");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(console.js("return window.__pwned === undefined;", vec![]).await, json!(true));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_message_ticks_go_sent_delivered_read() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.connect().await;
        console
            .sim
            .contact_writes("main", "+5511999999999", "Oi! Can we talk?")
            .unwrap();
        let maria = conversation(MARIA);
        console.wait_visible(&maria).await;
        console.click(&format!("{maria} button")).await;
        console
            .wait_text("#messages .message.in .body", "Can we talk?")
            .await;

        // Shift+Enter is a new line, not a send
        console
            .type_into(
                "#message-input",
                &format!("Olá! Tudo certo?{SHIFT_ENTER}second line"),
            )
            .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(console.count("#messages .message.out").await, 0);
        let typed = console
            .js(
                "return document.getElementById('message-input').value;",
                vec![],
            )
            .await;
        assert_eq!(typed, json!("Olá! Tudo certo?\nsecond line"));

        // Enter sends: the bubble appears at once, then its ticks move forward one by one
        console.type_into("#message-input", ENTER).await;
        let mut seen: Vec<String> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(key) = console.attr("#messages .message.out", "data-key").await {
                if keys.last() != Some(&key) {
                    keys.push(key);
                }
            }
            let statuses = console.outgoing_statuses().await;
            if let Some(status) = statuses.first() {
                if seen.last() != Some(status) {
                    seen.push(status.clone());
                }
                if status == "read" {
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "never read; statuses seen: {seen:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let forward: Vec<&str> = seen
            .iter()
            .map(String::as_str)
            .filter(|s| *s != "pending")
            .collect();
        assert_eq!(
            forward,
            ["sent", "delivered", "read"],
            "statuses seen: {seen:?}"
        );
        assert_eq!(
            console.count("#messages .message.out").await,
            1,
            "one bubble"
        );
        assert_eq!(
            console
                .text("#messages .message.out .body")
                .await
                .as_deref(),
            Some("Olá! Tudo certo?\nsecond line")
        );
        assert_eq!(console.count("#messages .message.out .tick-read").await, 1);
        // one id from the page to the server: the bubble keeps the clientId the page chose, and
        // the backend stores it beside the server's id
        assert_eq!(keys.len(), 1, "the bubble's key changed: {keys:?}");
        let client_id = &keys[0];
        let server_id = console
            .attr("#messages .message.out", "data-id")
            .await
            .unwrap();
        assert!(server_id.contains("@c.us"), "the server's id: {server_id}");
        let token = stored_token(&console).await.unwrap();
        let page: serde_json::Value = reqwest::Client::new()
            .get(format!(
                "{}/api/conversations/{MARIA}/messages?session=main",
                console.base
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let stored: Vec<&serde_json::Value> = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["isFromMe"] == json!(true))
            .collect();
        assert_eq!(stored.len(), 1, "{page}");
        assert_eq!(stored[0]["clientId"], json!(client_id));
        assert_eq!(stored[0]["id"], json!(server_id));
        assert_eq!(
            console
                .js(
                    "return document.getElementById('message-input').value;",
                    vec![]
                )
                .await,
            json!("")
        );
        // sent exactly once
        let sent = console
            .sim
            .messages("main")
            .into_iter()
            .filter(|m| m["fromMe"] == json!(true))
            .count();
        assert_eq!(sent, 1);

        // a reply quotes the message it answers
        console
            .js(
                "document.querySelector('#messages .message.in .reply').click();",
                vec![],
            )
            .await;
        console.wait_visible("#reply-preview").await;
        console
            .type_into("#message-input", &format!("Yes, now is fine.{ENTER}"))
            .await;
        console
            .wait_text("#messages .message.out:last-child .quoted", "Can we talk?")
            .await;
        until("the reply to be delivered", || async {
            let statuses = console.outgoing_statuses().await;
            (statuses.len() == 2 && statuses[1] != "pending").then_some(())
        })
        .await;
        // the conversation list shows the last message
        console
            .wait_text(&format!("{maria} .preview"), "Yes, now is fine.")
            .await;

        // the conversation view, for the README
        console
            .sim
            .contact_writes("main", "+5511988887777", "Is the order on its way?")
            .unwrap();
        console
            .wait_visible(&conversation("5511988887777@c.us"))
            .await;
        until("the last reply to be read", || async {
            (console.outgoing_statuses().await.last().map(String::as_str) == Some("read"))
                .then_some(())
        })
        .await;
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console.png");
        console.screenshot(&shot).await;
        if let Some(path) = std::env::var_os("CONSOLE_SCREENSHOT") {
            console.screenshot(&PathBuf::from(path)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_send_shows_failed_and_is_retried_only_by_the_person() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.connect().await;

        // a new conversation by phone number, validated as the API does
        console
            .type_into("#new-phone", &format!("011 2345-6789{ENTER}"))
            .await;
        console.wait_text("#new-chat-error", "phone number").await;
        console
            .js("document.getElementById('new-phone').value = '';", vec![])
            .await;
        console
            .type_into("#new-phone", &format!("+55 (11) 97777-6666{ENTER}"))
            .await;
        console.wait_text("#thread-title", "+5511977776666").await;
        assert!(!console.visible("#new-chat-error").await);

        // WPPConnect stalls: the message shows pending at once, then failed when the call times out
        console.sim.set_faults(Faults {
            stall_routes: vec!["send-message".to_owned()],
            ..Faults::default()
        });
        console
            .type_into("#message-input", &format!("stalled one{ENTER}"))
            .await;
        until("a pending bubble", || async {
            (console.outgoing_statuses().await == ["pending"]).then_some(())
        })
        .await;
        assert_eq!(
            console
                .text("#messages .message.out .tick")
                .await
                .as_deref(),
            Some("🕓")
        );
        until("the stalled send to fail", || async {
            (console.outgoing_statuses().await == ["failed"]).then_some(())
        })
        .await;

        // WPPConnect answers 500: failed, the API's error shown
        console.sim.set_faults(Faults {
            send_status: Some(500),
            send_count: Some(1),
            ..Faults::default()
        });
        console
            .type_into("#message-input", &format!("this one fails{ENTER}"))
            .await;
        until("the second send to fail", || async {
            (console.outgoing_statuses().await == ["failed", "failed"]).then_some(())
        })
        .await;
        console.wait_text("#send-error", "Not sent").await;
        assert!(console
            .text(".message.out:last-child .failed-note")
            .await
            .unwrap()
            .contains("Not sent"));
        assert_eq!(
            console
                .text(".message.out:last-child .body")
                .await
                .as_deref(),
            Some("this one fails")
        );

        // nothing retries by itself
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(console.outgoing_statuses().await, ["failed", "failed"]);
        let bodies = |console: &Console| {
            console
                .sim
                .messages("main")
                .into_iter()
                .filter(|m| m["fromMe"] == json!(true) && m["body"] == json!("this one fails"))
                .count()
        };
        assert_eq!(bodies(&console), 0, "the 500 sent nothing");

        // the person retries: sent once, the failed bubble says it was retried
        console.click(".message.out:last-child .retry").await;
        until("the retry to go out", || async {
            let statuses = console.outgoing_statuses().await;
            (statuses.len() == 3 && ["sent", "delivered", "read"].contains(&statuses[2].as_str()))
                .then_some(())
        })
        .await;
        assert_eq!(bodies(&console), 1, "the retry sent it exactly once");
        let notes = console
            .js(
                "return [...document.querySelectorAll('.failed-note')].map(n => n.textContent);",
                vec![],
            )
            .await;
        assert_eq!(notes, json!(["Not sent", "Not sent (retried below)"]));
        assert_eq!(
            console.count(".retry").await,
            1,
            "only the stalled one is still retryable"
        );
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-failed.png");
        console.screenshot(&shot).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrow_screen_shows_the_list_then_the_thread_by_keyboard() {
    with_console(NARROW.0, NARROW.1, |console| async move {
        console.connect().await;
        console
            .sim
            .contact_writes("main", "+5511999999999", "On the phone")
            .unwrap();
        let maria = conversation(MARIA);
        console.wait_visible(&maria).await;
        assert!(
            !console.visible("#thread-view").await,
            "the list alone on a phone"
        );
        // with the keyboard: Enter on the focused conversation opens it
        console.type_into(&format!("{maria} button"), ENTER).await;
        console.wait_visible("#message-input").await;
        assert!(
            !console.visible(".sidebar").await,
            "the thread alone on a phone"
        );
        console.wait_text("#messages", "On the phone").await;
        let width = console
            .js(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![],
            )
            .await;
        assert_eq!(width, json!(true), "nothing wider than the screen");
        // the file button fits beside the text box, and the file input takes the keyboard
        assert!(console.visible("label.attach").await);
        let focused = console
            .js(
                "const f = document.getElementById('file-input'); f.focus(); \
                 return document.activeElement === f;",
                vec![],
            )
            .await;
        assert_eq!(focused, json!(true), "the file input is focusable");
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-narrow.png");
        console.screenshot(&shot).await;
        console.type_into("#back", ENTER).await;
        console.wait_visible(&maria).await;
        assert!(!console.visible("#thread-view").await);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qr_code_is_replaced_live_when_a_new_one_arrives() {
    let refresh =
        |sim: wppconnect_sim::SimulatorBuilder| sim.qr_refresh(Duration::from_millis(700));
    with_simulator(refresh, WIDE.0, WIDE.1, |console| async move {
        console.log_in().await;
        console.click("#start-session").await;
        console.wait_visible("#qr-image").await;
        let first = console.attr("#qr-image", "src").await.unwrap();
        console.js("window.__sameDocument = true;", vec![]).await;
        let second = until("a new QR code", || async {
            console
                .attr("#qr-image", "src")
                .await
                .filter(|src| *src != first && src.starts_with("data:image/png;base64,"))
        })
        .await;
        assert_ne!(first, second);
        assert_eq!(
            console
                .attr("#session-status", "data-status")
                .await
                .as_deref(),
            Some("qr")
        );
        assert_eq!(console.count("#qr-image").await, 1, "replaced, not added");
        assert_eq!(
            console
                .js("return window.__sameDocument === true;", vec![])
                .await,
            json!(true)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_messages_load_when_scrolling_up() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.connect().await;
        for n in 1..=70 {
            console
                .sim
                .contact_writes("main", "+5511999999999", &format!("message {n}"))
                .unwrap();
        }
        let maria = conversation(MARIA);
        console.wait_text(&format!("{maria} .badge"), "70").await;
        console.click(&format!("{maria} button")).await;
        console.wait_text("#messages .message:last-child .body", "message 70").await;
        let first_page = console.count("#messages .message").await;
        assert!(
            (30..70).contains(&first_page),
            "the newest page(s) only, not everything: {first_page}"
        );
        let bodies = || async {
            console
                .js("return [...document.querySelectorAll('#messages .message .body')].map(n => n.textContent);", vec![])
                .await
        };
        // scrolling up loads the older pages until the first message
        until("every older page", || async {
            console.js("document.getElementById('thread').scrollTop = 0;", vec![]).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            (console.count("#messages .message").await == 70).then_some(())
        })
        .await;
        let expected: Vec<String> = (1..=70).map(|n| format!("message {n}")).collect();
        assert_eq!(bodies().await, json!(expected), "every message once, oldest first");
    })
    .await;
}

/// A 1x1 PNG, so the image message's thumbnail loads without any network.
const TINY_PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// Real `onmessage` payloads of the server (the models' fixtures), for session `main`.
fn media_events() -> Vec<serde_json::Value> {
    let fixture = |text: &str| -> serde_json::Value {
        let mut event: serde_json::Value = serde_json::from_str(text).unwrap();
        event["session"] = json!("main");
        event
    };
    let mut image = fixture(wppconnect_fixtures::text("onmessage-image-s3"));
    image["fileUrl"] = json!(TINY_PNG); // the fixture's S3 address is not reachable offline
    let document = fixture(wppconnect_fixtures::text("onmessage-document"));
    let location = fixture(wppconnect_fixtures::text("onmessage-location"));
    vec![image, location, document]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_messages_show_as_what_they_are() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.connect().await;
        let http = reqwest::Client::new();
        for event in media_events() {
            let answer = http
                .post(format!("{}/webhook/main?token={WEBHOOK_SECRET}", console.base))
                .json(&event)
                .send()
                .await
                .unwrap();
            assert!(answer.status().is_success(), "{}", answer.status());
        }
        // Maria sent a photo with a caption, then a location
        let maria = conversation(MARIA);
        console.wait_text(&format!("{maria} .badge"), "2").await;
        console.click(&format!("{maria} button")).await;
        console.wait_visible("#messages .media-image img.thumb").await;
        until("the thumbnail to load", || async {
            let width = console
                .js("const i = document.querySelector('#messages img.thumb'); return i ? i.naturalWidth : 0;", vec![])
                .await;
            (width.as_u64().unwrap_or(0) > 0).then_some(())
        })
        .await;
        assert_eq!(
            console.text("#messages .media-image + .body").await.as_deref(),
            Some("Comprovante do pagamento")
        );
        // the location: its name, address, coordinates and a link to the map
        let place = console
            .wait_text("#messages .media-location .place-name", "Praia de Copacabana")
            .await;
        assert_eq!(place, "📍 Praia de Copacabana");
        assert_eq!(
            console.text("#messages .media-location .place-address").await.as_deref(),
            Some("Av. Atlântica, Rio de Janeiro - RJ")
        );
        assert_eq!(
            console.text("#messages .media-location .coordinates").await.as_deref(),
            Some("-22.97110, -43.18220")
        );
        assert_eq!(
            console.attr("#messages .media-location a.map-link", "href").await.as_deref(),
            Some("https://www.openstreetmap.org/?mlat=-22.9711&mlon=-43.1822#map=16/-22.9711/-43.1822")
        );
        assert_eq!(
            console.attr("#messages .media-location a.map-link", "rel").await.as_deref(),
            Some("noopener noreferrer")
        );
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-media.png");
        console.screenshot(&shot).await;
        // Ana sent a PDF: its file name, size and type, the caption below
        let ana = conversation("5531977776666@c.us");
        console.click(&format!("{ana} button")).await;
        let label = console
            .wait_text("#messages .media-document .file-name", "nota-fiscal-4821.pdf")
            .await;
        assert_eq!(label, "📄 nota-fiscal-4821.pdf");
        assert_eq!(
            console.text("#messages .media-document .file-details").await.as_deref(),
            Some("329 bytes · application/pdf")
        );
        assert_eq!(
            console.text("#messages .media-document + .body").await.as_deref(),
            Some("Segue a nota fiscal")
        );
    })
    .await;
}

/// Starts the session `name` from the page (typed in the session box), scans its QR code through
/// the simulator and waits until the page shows it connected.
async fn connect_another(console: &Console, name: &str) {
    console
        .js(
            "document.getElementById('session-name').value = '';",
            vec![],
        )
        .await;
    // Enter opens the typed session; Start is enabled once it shows as disconnected
    console
        .type_into("#session-name", &format!("{name}{ENTER}"))
        .await;
    console
        .wait_text("#session-status", &format!("{name}: disconnected"))
        .await;
    until("the start button to be enabled", || async {
        (console
            .js(
                "return document.getElementById('start-session').disabled;",
                vec![],
            )
            .await
            == json!(false))
        .then_some(())
    })
    .await;
    console.click("#start-session").await;
    until(
        &format!("the simulator to show {name}'s QR code"),
        || async {
            (console.sim.status(name) == wppconnect_sim::SessionStatus::QrCode).then_some(())
        },
    )
    .await;
    console.sim.scan(name).unwrap();
    console
        .wait_text("#session-status", &format!("{name}: connected"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_sessions_show_their_unread_messages_and_status_live() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        // two sessions connected; the page shows `main`
        console.log_in().await;
        connect_another(&console, "work").await;
        connect_another(&console, "main").await;
        console.js("window.__sameDocument = true;", vec![]).await;
        console.click("#sessions summary").await;
        let work = "#session-list li[data-name=\"work\"]";
        console
            .wait_text(&format!("{work} .status"), "connected")
            .await;
        assert!(
            !console.visible("#sessions-unread").await,
            "nothing unread yet"
        );

        // a contact writes to `work`: its badge and the folded list's badge count it, and it is
        // announced; `main`'s conversations stay as they were
        console
            .sim
            .contact_writes("work", "+5511955554444", "For the other session")
            .unwrap();
        console.wait_text(&format!("{work} .badge"), "1").await;
        console.wait_text("#sessions-unread", "1").await;
        console
            .wait_text("#announcer", "New message in session work")
            .await;
        assert_eq!(console.count("#conversations li.conversation").await, 0);
        console
            .sim
            .contact_writes("work", "+5511955554444", "And another")
            .unwrap();
        console.wait_text(&format!("{work} .badge"), "2").await;
        console.wait_text("#sessions-unread", "2").await;
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-sessions.png");
        console.screenshot(&shot).await;

        // `main`'s own messages count in its conversation list, not in the other sessions' badge
        console
            .sim
            .contact_writes("main", "+5511999999999", "For main")
            .unwrap();
        console
            .wait_text(&format!("{} .badge", conversation(MARIA)), "1")
            .await;
        console
            .wait_text("#session-list li[data-name=\"main\"] .badge", "1")
            .await;
        assert_eq!(console.text("#sessions-unread").await.as_deref(), Some("2"));

        // `work` is logged out elsewhere: its chip follows live
        let token = stored_token(&console).await.unwrap();
        let answer = reqwest::Client::new()
            .post(format!("{}/api/sessions/work/logout", console.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
        console
            .wait_text(&format!("{work} .status"), "disconnected")
            .await;
        assert_eq!(
            console.text("#session-status").await.as_deref(),
            Some("main: connected"),
            "the shown session is untouched"
        );

        // opening `work` shows its conversation with both messages; the badge moves with it
        console.click(&format!("{work} button")).await;
        console.wait_text("#session-status", "work:").await;
        let contact = conversation("5511955554444@c.us");
        console.wait_text(&format!("{contact} .badge"), "2").await;
        console.wait_text("#sessions-unread", "1").await; // main's message, now elsewhere
        assert_eq!(
            console
                .js("return window.__sameDocument === true;", vec![])
                .await,
            json!(true),
            "all of it without a reload"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_number_gets_a_pairing_code_then_the_session_connects() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.log_in().await;
        console.js("window.__sameDocument = true;", vec![]).await;
        // offered while the session is not linked, by keyboard: Enter on the summary opens it
        console.wait_visible("#pairing summary").await;
        console.type_into("#pairing summary", ENTER).await;
        console.wait_visible("#pairing-phone").await;

        // a number the API would refuse: a clear message, nothing started
        console
            .type_into("#pairing-phone", &format!("12{ENTER}"))
            .await;
        console.wait_text("#pairing-error", "country code").await;
        assert_eq!(
            console.sim.status("main"),
            wppconnect_sim::SessionStatus::Closed,
            "nothing started"
        );

        // a real one: the server's code, shown big, and the form gone
        console
            .js(
                "document.getElementById('pairing-phone').value = '';",
                vec![],
            )
            .await;
        console
            .type_into("#pairing-phone", &format!("+55 11 98888-7777{ENTER}"))
            .await;
        console.wait_visible("#pairing-code").await;
        let raw = until("the pairing code", || async {
            console
                .attr("#pairing-code", "data-code")
                .await
                .filter(|c| !c.is_empty())
        })
        .await;
        assert_eq!(raw.len(), 8, "{raw}");
        assert!(
            raw.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
            "{raw}"
        );
        assert_eq!(
            console.text("#pairing-code").await.unwrap(),
            format!("{}-{}", &raw[..4], &raw[4..]),
            "shown as WhatsApp shows it"
        );
        assert_eq!(
            console.sim.status("main"),
            wppconnect_sim::SessionStatus::PhoneCode,
            "the server waits for this code"
        );
        assert!(!console.visible("#pairing-form").await);
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-pairing.png");
        console.screenshot(&shot).await;
        assert!(
            !console.visible("#qr").await,
            "no QR code for a phone login"
        );
        assert_eq!(
            console.attr("#pairing-code", "aria-live").await.as_deref(),
            Some("polite")
        );

        // the code is typed on the phone: connected, the code gone, no reload
        console.sim.scan("main").unwrap();
        console
            .wait_text("#session-status", "main: connected")
            .await;
        until("the pairing code to go", || async {
            (!console.visible("#pairing-code-box").await && !console.visible("#pairing").await)
                .then_some(())
        })
        .await;
        assert_eq!(
            console
                .js("return window.__sameDocument === true;", vec![])
                .await,
            json!(true)
        );
    })
    .await;
}

/// A file in the test's temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "upload-{}-{}",
            std::process::id(),
            name.replace('.', "-")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The bytes of [`TINY_PNG`].
fn tiny_png_bytes() -> Vec<u8> {
    // 1x1 PNG, the same picture as TINY_PNG
    const BYTES: [u8; 70] = [
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64,
        0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba, 0x92, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    BYTES.to_vec()
}

/// Chooses `file` in the composer's file input, as the file picker would.
async fn choose_file(console: &Console, file: &TempFile) {
    let input = console
        .browser
        .find(fantoccini::Locator::Css("#file-input"))
        .await
        .unwrap();
    input
        .send_keys(&file.0.display().to_string())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_sent_with_its_caption_a_preview_first() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.connect().await;
        console
            .sim
            .contact_writes("main", "+5511999999999", "Send me the receipt")
            .unwrap();
        let maria = conversation(MARIA);
        console.wait_visible(&maria).await;
        console.click(&format!("{maria} button")).await;
        console.wait_text("#messages .message.in .body", "receipt").await;

        // a picture: previewed above the text box with its name and size, before anything is sent
        let picture = TempFile::new("receipt.png", &tiny_png_bytes());
        choose_file(&console, &picture).await;
        console.wait_text("#attachment-name", "receipt.png").await;
        assert_eq!(console.text("#attachment-size").await.as_deref(), Some("70 bytes"));
        until("the preview to load", || async {
            let width = console
                .js("const i = document.getElementById('attachment-preview'); return i.hidden ? 0 : i.naturalWidth;", vec![])
                .await;
            (width.as_u64().unwrap_or(0) > 0).then_some(())
        })
        .await;
        assert!(console.sim.messages("main").iter().all(|m| m["fromMe"] != json!(true)));

        // Enter sends it with the typed caption: one bubble with the picture, sent once
        console
            .type_into("#message-input", &format!("Here it is{ENTER}"))
            .await;
        console
            .wait_text("#messages .message.out .body", "Here it is")
            .await;
        console.wait_visible("#messages .message.out .media-image img.thumb").await;
        until("the picture to be sent", || async {
            let statuses = console.outgoing_statuses().await;
            (statuses.len() == 1 && statuses[0] != "pending" && statuses[0] != "failed")
                .then_some(())
        })
        .await;
        assert!(!console.visible("#attachment").await, "the file is no longer attached");
        let sent: Vec<serde_json::Value> = console
            .sim
            .messages("main")
            .into_iter()
            .filter(|m| m["fromMe"] == json!(true))
            .collect();
        assert_eq!(sent.len(), 1, "sent once: {sent:?}");
        assert_eq!(sent[0]["type"], json!("image"));
        assert_eq!(sent[0]["caption"], json!("Here it is"));
        assert_eq!(sent[0]["mimetype"], json!("image/png"));

        // a document without a caption: its name and size in the bubble
        let pdf = TempFile::new("contrato assinado.pdf", b"%PDF-1.4\n% a tiny test file\n%%EOF\n");
        choose_file(&console, &pdf).await;
        console.wait_text("#attachment-name", "contrato assinado.pdf").await;
        console.type_into("#message-input", ENTER).await;
        console
            .wait_text("#messages .message.out:last-child .file-name", "contrato assinado.pdf")
            .await;
        until("the document to be sent", || async {
            let statuses = console.outgoing_statuses().await;
            (statuses.len() == 2 && statuses[1] != "pending" && statuses[1] != "failed")
                .then_some(())
        })
        .await;
        let details = console
            .text("#messages .message.out:last-child .file-details")
            .await
            .unwrap();
        assert!(details.starts_with("34 bytes"), "{details}");
        let documents: Vec<serde_json::Value> = console
            .sim
            .messages("main")
            .into_iter()
            .filter(|m| m["fromMe"] == json!(true) && m["type"] == json!("document"))
            .collect();
        assert_eq!(documents.len(), 1, "{documents:?}");
        assert_eq!(documents[0]["filename"], json!("contrato assinado.pdf"));
        assert_eq!(console.count("#messages .message.out").await, 2, "one bubble per file");
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-files.png");
        console.screenshot(&shot).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_without_an_answer_is_retried_under_the_same_id_and_sent_once() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.connect().await;
        console
            .type_into("#new-phone", &format!("+55 11 97777-6666{ENTER}"))
            .await;
        console.wait_text("#thread-title", "+5511977776666").await;

        // the network drops the send (and only it: a push may make the page fetch something
        // else meanwhile): the page cannot know whether the backend got it
        console
            .js(
                "const real = window.fetch; \
                 window.fetch = (path, init) => { \
                   if (path === '/api/messages' && init && init.method === 'POST') { \
                     window.fetch = real; return Promise.reject(new TypeError('network down')); } \
                   return real(path, init); };",
                vec![],
            )
            .await;
        console
            .type_into("#message-input", &format!("Are you there?{ENTER}"))
            .await;
        until("the send to show no answer", || async {
            (console.outgoing_statuses().await == ["failed"]).then_some(())
        })
        .await;
        assert_eq!(
            console.text(".message.out .failed-note").await.as_deref(),
            Some("No answer: maybe not sent")
        );
        let key = console.attr(".message.out", "data-key").await.unwrap();
        let from_me = |console: &Console| {
            console
                .sim
                .messages("main")
                .into_iter()
                .filter(|m| m["fromMe"] == json!(true))
                .count()
        };
        assert_eq!(from_me(&console), 0, "nothing reached the server");

        // Retry posts the same message again, in place, under the same clientId: sent once
        console.click(".message.out .retry").await;
        until("the retry to be sent", || async {
            let statuses = console.outgoing_statuses().await;
            (statuses.len() == 1 && ["sent", "delivered", "read"].contains(&statuses[0].as_str()))
                .then_some(())
        })
        .await;
        assert_eq!(
            console.attr(".message.out", "data-key").await.as_deref(),
            Some(key.as_str()),
            "the same message, not a new one"
        );
        assert_eq!(console.count(".failed-note").await, 0);
        assert_eq!(from_me(&console), 1, "sent exactly once");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_is_queued_from_the_console_and_its_progress_shown() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        console.connect().await;
        console.click("#campaign summary").await;
        console.wait_visible("#campaign-recipients").await;
        // a bad number refuses the whole campaign: nothing queued
        console
            .type_into("#campaign-recipients", "+55 11 98888-0001\n12ab")
            .await;
        console.type_into("#campaign-text", "Oferta da semana").await;
        console.click("#campaign-send").await;
        console.wait_text("#campaign-error", "recipient 1").await;
        console
            .js(
                "document.getElementById('campaign-recipients').value = '+55 11 98888-0001\\n+55 11 98888-0002';",
                vec![],
            )
            .await;
        console.click("#campaign-send").await;
        console
            .wait_text("#campaign-progress", "2 of 2 sent — done")
            .await;
        let sent = console
            .sim
            .messages("main")
            .into_iter()
            .filter(|m| m["body"] == json!("Oferta da semana"))
            .count();
        assert_eq!(sent, 2, "each number once");
    })
    .await;
}
