//! The backend's socket.io endpoint with the official, unchanged `socket.io-client` (Node.js):
//! authenticate with the JWT, join the session's room, send over the socket, and receive the
//! pushes. The client package is installed with npm into the target directory on first run.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::{Auth, Backend, Parts, Store};
use wppconnect_sim::{SessionStatus, Simulator};

/// Installs socket.io-client 4 once into the target directory; returns its `node_modules` parent.
fn socket_io_client() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("socket.io-client");
    if !dir.join("node_modules/socket.io-client").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg("socket.io-client@4")
            .status()
            .expect("npm is needed to install the official socket.io client for this test");
        assert!(status.success(), "npm install socket.io-client failed");
    }
    dir
}

/// Runs the Node client against the backend; returns its JSON lines.
async fn run_client(url: &str, token: &str) -> Vec<Value> {
    let modules = socket_io_client();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/socketio/client.js");
    let output = tokio::process::Command::new("node")
        .arg(script)
        .args([url, token, "main", "5511999999999"])
        .env("NODE_PATH", modules.join("node_modules"))
        .output()
        .await
        .expect("node is needed to run the official socket.io client");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test]
async fn the_official_socket_io_client_joins_sends_and_receives() {
    let sim = Simulator::builder()
        .fast()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let client = Client::builder(&sim.url())
        .unwrap()
        .secret_key(sim.secret_key())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let store = Store::open("sqlite::memory:").await.unwrap();
    let auth = Auth::new(
        HashMap::from([("ana".to_owned(), hash_password("s3nha").unwrap())]),
        "jwt-secret",
    );
    let parts = Parts::new(client, store, auth.clone(), "hook-secret");
    let backend = Backend::bind("127.0.0.1:0", parts).await.unwrap();
    let base = backend.url();
    backend.spawn();
    let token = auth.login("ana", "s3nha", None).await.unwrap();
    let http = reqwest::Client::new();
    http.post(format!("{base}/api/sessions/main/start"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    sim.wait_for_status("main", SessionStatus::QrCode, Duration::from_secs(60))
        .await
        .unwrap();
    sim.scan("main").unwrap();
    sim.wait_for_status("main", SessionStatus::Connected, Duration::from_secs(60))
        .await
        .unwrap();

    let lines = run_client(&base, &token).await;
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"connect"), "{lines:#?}");
    let join = lines
        .iter()
        .find(|l| l["kind"] == "join-ack")
        .expect("join acknowledged");
    assert_eq!(join["data"], json!({"ok": true, "room": "session-main"}));
    let sent = lines
        .iter()
        .find(|l| l["kind"] == "send-ack")
        .expect("send acknowledged");
    assert_eq!(sent["data"]["ok"], true, "{sent}");
    // acknowledged once queued: the message pending under its client id
    let message = &sent["data"]["message"];
    assert_eq!(message["status"], "pending", "{sent}");
    let client_id = message["clientId"].as_str().unwrap();
    assert_eq!(message["id"], client_id);
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "new-message" && l["data"]["data"]["status"] == "pending"),
        "pushed at once as pending"
    );
    let statuses: Vec<&str> = lines
        .iter()
        .filter(|l| l["kind"] == "status-update" && l["data"]["data"]["clientId"] == client_id)
        .filter_map(|l| l["data"]["data"]["status"].as_str())
        .collect();
    assert!(
        statuses.contains(&"delivered") && statuses.last() == Some(&"read"),
        "{statuses:?}"
    );
    let sent_id = lines
        .iter()
        .find(|l| l["kind"] == "status-update" && l["data"]["data"]["clientId"] == client_id)
        .and_then(|l| l["data"]["data"]["id"].as_str())
        .unwrap();
    assert!(
        sent_id.starts_with("true_5511999999999@c.us_"),
        "the server's id: {sent_id}"
    );

    // without a valid token the socket is refused
    let refused = run_client(&base, "not-a-jwt").await;
    assert!(
        !refused.iter().any(|l| l["kind"] == "join-ack"),
        "{refused:#?}"
    );
}
