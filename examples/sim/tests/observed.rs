//! Behaviour checked against what WPPConnect Server 2.10.4 really answered (the project's
//! `observed.md`): auto-close, shutdown, close-session while initializing, the sanitised token
//! store, clear-session-data, `/metrics`, `/api-docs`, and Express/Node 20 error pages.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{connected, fast_sim, token, until, Receiver, WAIT};
use wppconnect_sim::{SessionStatus, Simulator};

async fn start(
    sim: &wppconnect_sim::RunningSimulator,
    http: &reqwest::Client,
    name: &str,
    hook: &str,
) {
    let token = token(sim, http, name).await;
    let response = http
        .post(format!("{}/api/{name}/start-session", sim.url()))
        .bearer_auth(&token)
        .json(&json!({"webhook": hook}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

fn browser_closes(hooks: &Receiver, session: &str) -> usize {
    hooks
        .of("status-find")
        .iter()
        .filter(|h| h.body["status"] == "browserClose" && h.body["session"] == session)
        .count()
}

#[tokio::test]
async fn an_unscanned_start_auto_closes_with_browser_close_and_status_closed() {
    let sim = Simulator::builder()
        .fast()
        .auto_close(Duration::from_millis(200))
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    start(&sim, &http, "lonely", &hooks.url).await;

    let all = hooks
        .wait("browserClose", |all| {
            all.iter().any(|h| h.body["status"] == "browserClose")
        })
        .await;
    let close = all
        .iter()
        .find(|h| h.body["status"] == "browserClose")
        .unwrap();
    // the body observed at auto-close, keys in this order
    assert_eq!(
        close.raw,
        r#"{"event":"status-find","session":"lonely","status":"browserClose"}"#
    );
    assert_eq!(sim.status("lonely"), SessionStatus::Closed);
    let token = token(&sim, &http, "lonely").await;
    let status: Value = http
        .get(format!("{}/api/lonely/status-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "CLOSED");
    assert_eq!(
        status["version"], "2.10.4",
        "after auto-close, with version"
    );
    // it can be started again
    start(&sim, &http, "lonely", &hooks.url).await;
    sim.wait_for_status("lonely", SessionStatus::QrCode, WAIT)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_scan_before_the_auto_close_cancels_it() {
    let sim = Simulator::builder()
        .fast()
        .auto_close(Duration::from_secs(3))
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    connected(&sim, &http, "scanned", &hooks.url).await;
    // a session started later, and never scanned: once its close is posted, the first
    // session's close time has passed too
    start(&sim, &http, "later", &hooks.url).await;
    hooks
        .wait("the later session's browserClose", |_| {
            browser_closes(&hooks, "later") == 1
        })
        .await;
    assert_eq!(sim.status("scanned"), SessionStatus::Connected);
    assert_eq!(browser_closes(&hooks, "scanned"), 0);
}

#[tokio::test]
async fn the_default_auto_close_is_the_real_servers_minute() {
    assert_eq!(wppconnect_sim::DEFAULT_AUTO_CLOSE, Duration::from_secs(60));
}

#[tokio::test]
async fn shutdown_posts_browser_close_for_every_open_session() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    connected(&sim, &http, "online", &hooks.url).await;
    start(&sim, &http, "waiting", &hooks.url).await;
    sim.wait_for_status("waiting", SessionStatus::QrCode, WAIT)
        .await
        .unwrap();
    // a closed session has no browser left
    start(&sim, &http, "gone", &hooks.url).await;
    sim.wait_for_status("gone", SessionStatus::QrCode, WAIT)
        .await
        .unwrap();
    sim.close_browser("gone").unwrap();
    hooks
        .wait("gone's browserClose", |_| {
            browser_closes(&hooks, "gone") == 1
        })
        .await;

    tokio::time::timeout(WAIT, sim.shutdown()).await.unwrap();
    // shutdown returns once the webhooks were answered
    assert_eq!(browser_closes(&hooks, "online"), 1);
    assert_eq!(browser_closes(&hooks, "waiting"), 1);
    assert_eq!(
        browser_closes(&hooks, "gone"),
        1,
        "nothing more for a closed one"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_binary_posts_browser_close_on_sigterm() {
    use tokio::io::AsyncBufReadExt;

    let hooks = Receiver::start().await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wppconnect-sim"))
        .args([
            "--bind",
            "127.0.0.1:0",
            "--manual-scan",
            "--webhook",
            &hooks.url,
        ])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = first.rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let http = reqwest::Client::new();
    let minted: Value = http
        .post(format!("{url}/api/main/THISISMYSECURETOKEN/generate-token"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = minted["token"].as_str().unwrap().to_owned();
    http.post(format!("{url}/api/main/start-session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    hooks.wait_for("qrcode", 1).await;

    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    assert_eq!(browser_closes(&hooks, "main"), 1);
}

#[tokio::test]
async fn close_session_while_initializing_leaves_the_nameless_placeholder() {
    let sim = Simulator::builder()
        .fast()
        .qr_after(Duration::from_secs(3600))
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "slow").await;
    let url = |slug: &str| format!("{}/api/slow/{slug}", sim.url());
    http.post(url("start-session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(sim.status("slow"), SessionStatus::Initializing);

    let first = http
        .post(url("close-session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 500);
    assert_eq!(
        first.json::<Value>().await.unwrap(),
        json!({"status": false, "message": "Error closing session", "error": {"level": "error"}})
    );
    // CLOSED without `version`, and no `session` key even with the JSON content type
    let status: Value = http
        .get(url("status-session"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status, json!({"status": "CLOSED", "qrcode": null}));
    let second = http
        .post(url("close-session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
}

#[tokio::test]
async fn the_token_store_sanitises_names_so_start_all_starts_a_second_session() {
    let sim = Simulator::builder()
        .fast()
        .any_session_name()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token = token(&sim, &http, "..%2Fx").await;
    let started = http
        .post(format!("{}/api/..%2Fx/start-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);
    assert_eq!(sim.status("../x"), SessionStatus::Initializing);

    let all: Value = http
        .get(format!(
            "{}/api/{}/show-all-sessions",
            sim.url(),
            sim.secret_key()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all, json!({"response": ["..x"]}));

    let start_all = http
        .post(format!("{}/api/{}/start-all", sim.url(), sim.secret_key()))
        .send()
        .await
        .unwrap();
    assert_eq!(start_all.status(), 201);
    // a second session, called `..x`, beside `../x`
    sim.wait_for_status("..x", SessionStatus::QrCode, WAIT)
        .await
        .unwrap();
    assert_ne!(sim.status("../x"), SessionStatus::Closed);
}

#[tokio::test]
async fn clear_session_data_checks_the_secret_and_keeps_the_token_file() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let hooks = Receiver::start().await;
    start(&sim, &http, "main", &hooks.url).await;
    let clear = |key: String| {
        http.post(format!("{}/api/main/{key}/clear-session-data", sim.url()))
            .send()
    };
    let wrong = clear("nope".to_owned()).await.unwrap();
    assert_eq!(wrong.status(), 400);
    assert_eq!(
        wrong.json::<Value>().await.unwrap(),
        json!({"response": "error", "message": "The token is incorrect"})
    );
    let right = clear(sim.secret_key().to_owned()).await.unwrap();
    assert_eq!(right.status(), 200);
    assert_eq!(
        right.json::<Value>().await.unwrap(),
        json!({"success": true})
    );
    let all: Value = http
        .get(format!(
            "{}/api/{}/show-all-sessions",
            sim.url(),
            sim.secret_key()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        all,
        json!({"response": ["main"]}),
        "the token file survives"
    );
}

#[tokio::test]
async fn metrics_and_api_docs_answer_as_express_does() {
    let sim = fast_sim().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metrics = http
        .get(format!("{}/metrics", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    assert_eq!(
        metrics.headers()["content-type"],
        "text/plain; charset=utf-8; version=0.0.4"
    );
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains("# TYPE process_start_time_seconds gauge"),
        "{text}"
    );
    assert!(
        text.contains("nodejs_version_info{version=\"v20."),
        "{text}"
    );

    let docs = http
        .get(format!("{}/api-docs", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), 301);
    assert_eq!(docs.headers()["location"], "/api-docs/");
    let page = http
        .get(format!("{}/api-docs/", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger-ui-init.js"));
    let init = http
        .get(format!("{}/api-docs/swagger-ui-init.js", sim.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"swaggerDoc\": {"), "the spec is inline");
    assert!(init.contains("WPPConnect API Rest"));
    for missing in ["/swagger.json", "/api-docs/swagger.json"] {
        let response = http
            .get(format!("{}{missing}", sim.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{missing}");
    }
}

#[tokio::test]
async fn metrics_and_the_docs_page_never_answer_the_exact_json_content_type() {
    let sim = fast_sim().await;
    let mut held = Vec::new();
    for (n, path) in ["/metrics", "/api-docs/"].into_iter().enumerate() {
        held.push(tokio::spawn(
            reqwest::Client::new()
                .get(format!("{}{path}", sim.url()))
                .header("content-type", "application/json")
                .send(),
        ));
        until(&format!("{path} to stall"), || {
            sim.stalled_requests() == n + 1
        })
        .await;
    }
    assert!(held.iter().all(|h| !h.is_finished()));
    // with a charset they answer
    let fine = reqwest::Client::new()
        .get(format!("{}/metrics", sim.url()))
        .header("content-type", "application/json; charset=utf-8")
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status(), 200);
    tokio::time::timeout(WAIT, sim.shutdown()).await.unwrap();
}

async fn malformed(sim: &wppconnect_sim::RunningSimulator, body: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/main/start-session", sim.url()))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn malformed_json_is_worded_as_node_20_with_its_stack() {
    let sim = fast_sim().await;
    let (status, page) = malformed(&sim, "{bad").await;
    assert_eq!(status, 400);
    assert!(
        page.contains("<pre>SyntaxError: Expected property name or &#39;}&#39; in JSON at position 1<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)"),
        "{page}"
    );
    assert!(page.contains("node_modules/body-parser/lib/types/json.js"));
    let (_, page) = malformed(&sim, "\"hello\"").await;
    assert!(
        page.contains("SyntaxError: Unexpected token &#39;&quot;&#39;, &quot;&quot;hello&quot;&quot; is not valid JSON"),
        "strict mode: {page}"
    );
    let (_, page) = malformed(&sim, "{\"a\":1").await;
    assert!(
        page.contains("SyntaxError: Unexpected end of JSON input"),
        "{page}"
    );
}

#[tokio::test]
async fn production_mode_says_bad_request_without_a_stack() {
    let sim = Simulator::builder()
        .fast()
        .production()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let (status, page) = malformed(&sim, "{bad").await;
    assert_eq!(status, 400);
    assert!(page.contains("<pre>Bad Request</pre>"), "{page}");
    assert!(!page.contains("node_modules"));
}

#[tokio::test]
async fn a_bad_percent_encoding_is_expresss_html_uri_error() {
    let sim = fast_sim().await;
    for path in [
        "/api/a%zz/status-session",
        "/api/%E0%A4%A/status-session",
        "/api/main/get-messages/%FF",
    ] {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", sim.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let page = response.text().await.unwrap();
        assert!(
            page.contains("URIError: Failed to decode param &#39;"),
            "{page}"
        );
        assert!(
            page.contains("at decodeURIComponent (&lt;anonymous&gt;)"),
            "{page}"
        );
    }
}
