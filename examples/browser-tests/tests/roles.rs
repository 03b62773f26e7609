//! Users with roles in the web console, in a real headless Chromium: an admin adds an agent
//! through the Users view, and the agent then sees only their session; as a viewer, no send
//! control is offered.

#[allow(dead_code)] // the harness of every browser test: this file uses part of it
mod support;

use serde_json::{json, Value};
use support::{until, with_console, Console, PASSWORD, USER};

const WIDE: (u32, u32) = (1280, 800);
const ENTER: &str = "\u{E007}";
const AGENT_PASSWORD: &str = "agent-password-1";

/// Starts `name` through the API as the admin and scans it: connected.
async fn connect_by_api(console: &Console, http: &reqwest::Client, token: &str, name: &str) {
    let response = http
        .post(format!("{}/api/sessions/{name}/start", console.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    until(&format!("{name}'s QR code"), || async {
        console.sim.scan(name).ok()
    })
    .await;
    until(&format!("{name} connected"), || async {
        let session: Value = http
            .get(format!("{}/api/sessions/{name}", console.base))
            .bearer_auth(token)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (session["status"] == "connected").then_some(())
    })
    .await;
}

/// Signs out, then logs in through the form as `user`.
async fn log_in_as(console: &Console, user: &str, password: &str) {
    console.click("#logout").await;
    console.wait_visible("#login-form").await;
    console
        .js("document.getElementById('username').value = '';", vec![])
        .await;
    console.type_into("#username", user).await;
    console
        .type_into("#password", &format!("{password}{ENTER}"))
        .await;
    console.wait_visible("#app-view").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_an_agent_who_then_sees_only_their_session() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        let http = reqwest::Client::new();
        let login: Value = http
            .post(format!("{}/api/auth/login", console.base))
            .json(&json!({"username": USER, "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let admin = login["token"].as_str().unwrap().to_owned();
        for name in ["main", "loja"] {
            connect_by_api(&console, &http, &admin, name).await;
        }
        console.sim.contact_writes("main", "+5511999999999", "Mensagem da main").unwrap();
        console.sim.contact_writes("loja", "+5521988887777", "Mensagem da loja").unwrap();
        for (name, text) in [("main", "Mensagem da main"), ("loja", "Mensagem da loja")] {
            until(&format!("{name}'s message stored"), || async {
                let list: Value = http
                    .get(format!("{}/api/conversations?session={name}", console.base))
                    .bearer_auth(&admin)
                    .send()
                    .await
                    .ok()?
                    .json()
                    .await
                    .ok()?;
                list.to_string().contains(text).then_some(())
            })
            .await;
        }

        // the admin adds bia, an agent of `loja`, in the Users view
        console.log_in().await;
        console.wait_visible("#users-open").await;
        console.click("#users-open").await;
        console.wait_visible("#user-form").await;
        console.wait_text("#user-list", USER).await;
        console.type_into("#new-user-name", "bia").await;
        console.type_into("#new-user-password", AGENT_PASSWORD).await;
        console
            .js(
                "document.getElementById('new-user-role').value = 'agent';",
                vec![],
            )
            .await;
        console.type_into("#new-user-sessions", "loja").await;
        console.click("#add-user").await;
        console.wait_text("#user-list tr[data-name=\"bia\"]", "bia").await;
        assert_eq!(
            console
                .js(
                    "const row = document.querySelector('#user-list tr[data-name=\"bia\"]'); \
                     return [row.querySelector('select').value, row.querySelector('input').value];",
                    vec![],
                )
                .await,
            json!(["agent", "loja"])
        );
        console.click("#users-close").await;

        // bia signs in: `loja` is shown, no other session, no admin control
        log_in_as(&console, "bia", AGENT_PASSWORD).await;
        console.wait_text("#session-status", "loja: connected").await;
        console
            .wait_text("#conversations", "Mensagem da loja")
            .await;
        assert!(!console
            .text("#conversations")
            .await
            .unwrap_or_default()
            .contains("Mensagem da main"));
        until("the session list to be loaded", || async {
            (console.count("#session-list li").await > 0).then_some(())
        })
        .await;
        assert_eq!(
            console
                .js(
                    "return [...document.querySelectorAll('#session-list li')].map(li => li.dataset.name);",
                    vec![],
                )
                .await,
            json!(["loja"])
        );
        for admin_only in ["#users-open", "#start-session", "#logout-session"] {
            assert!(!console.visible(admin_only).await, "{admin_only} shown to an agent");
        }
        // an agent sends: the composer is there once a conversation is open
        console
            .click("#conversations li.conversation[data-id=\"5521988887777@c.us\"] button")
            .await;
        console.wait_visible("#composer").await;
        assert!(console.visible("#new-chat-form").await);

        // made a viewer (by the admin, through the API): after a reload, reading only
        let changed = http
            .patch(format!("{}/api/users/bia", console.base))
            .bearer_auth(&admin)
            .json(&json!({"role": "viewer"}))
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), 200);
        console.browser.refresh().await.unwrap();
        console.wait_text("#conversations", "Mensagem da loja").await;
        console
            .click("#conversations li.conversation[data-id=\"5521988887777@c.us\"] button")
            .await;
        console.wait_text("#messages", "Mensagem da loja").await;
        assert!(!console.visible("#composer").await, "a viewer gets no composer");
        assert!(!console.visible("#new-chat-form").await);
    })
    .await;
}
