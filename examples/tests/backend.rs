//! End to end over loopback: the reference backend and the simulator, in-process.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::{Auth, Backend, Parts, Store};
use wppconnect_sim::{Faults, RunningSimulator, Simulator};

const WEBHOOK_SECRET: &str = "hook-secret";
/// Only stops a hang: every wait below ends as soon as its condition holds.
const WAIT: Duration = Duration::from_secs(60);

struct Harness {
    sim: Option<RunningSimulator>,
    base: String,
    http: reqwest::Client,
    token: String,
}

impl Harness {
    /// The backend in front of a fresh simulator.
    async fn new() -> Self {
        let sim = Simulator::builder()
            .fast()
            .start("127.0.0.1:0")
            .await
            .unwrap();
        let client = Client::builder(&sim.url())
            .unwrap()
            .secret_key(sim.secret_key())
            .retry(RetryPolicy::none())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        Self {
            sim: Some(sim),
            ..Self::with_client(client).await
        }
    }

    /// The backend in front of whatever `client` talks to, logged in as `ana`.
    async fn with_client(client: Client) -> Self {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let auth = Auth::new(
            HashMap::from([("ana".to_owned(), hash_password("s3nha").unwrap())]),
            "jwt-secret",
        );
        let parts = Parts {
            // no health cache: each `/health` here sees the simulator as it is now
            health_cache_period: Some(Duration::ZERO),
            ..Parts::new(client, store, auth, WEBHOOK_SECRET)
        };
        let backend = Backend::bind("127.0.0.1:0", parts).await.unwrap();
        let base = backend.url();
        backend.spawn();
        let http = reqwest::Client::new();
        let login: Value = http
            .post(format!("{base}/api/auth/login"))
            .json(&json!({"username": "ana", "password": "s3nha"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["token"].as_str().unwrap().to_owned();
        Self {
            sim: None,
            base,
            http,
            token,
        }
    }

    fn sim(&self) -> &RunningSimulator {
        self.sim.as_ref().expect("this harness has a simulator")
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Polls `path` until `check` holds.
    async fn until(&self, path: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let (_, body) = self.get(path).await;
            if check(&body) {
                return body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting on {path}: last {body}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The message sent with `client_id`, once the outbox has sent it or given up (not pending).
    async fn settled(&self, conversation: &str, client_id: &str) -> Value {
        let path = format!("/api/conversations/{conversation}/messages?session=main");
        let page = self
            .until(&path, |p| {
                p["messages"].as_array().is_some_and(|ms| {
                    ms.iter()
                        .any(|m| m["clientId"] == client_id && m["status"] != "pending")
                })
            })
            .await;
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["clientId"] == client_id)
            .unwrap()
            .clone()
    }

    /// The outbox row of the send with `client_id`, once it ended.
    async fn delivery(&self, client_id: &str) -> Value {
        self.until(
            &format!("/api/messages/{client_id}/delivery?session=main"),
            |d| {
                d["state"]
                    .as_str()
                    .is_some_and(|s| s != "queued" && s != "sending")
            },
        )
        .await
    }

    /// Starts `main`, waits for the QR code, scans it, waits for connected.
    async fn connect(&self) {
        let (status, session) = self.post("/api/sessions/main/start", json!({})).await;
        assert_eq!(status, 200, "{session}");
        assert_eq!(session["status"], "connecting");
        assert!(
            session["qrCode"].is_string(),
            "the start answers with the QR code: {session}"
        );
        let waiting = self
            .until("/api/sessions/main", |s| s["qrCode"].is_string())
            .await;
        assert!(waiting["qrCode"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,"));
        self.sim().scan("main").unwrap();
        self.until("/api/sessions/main", |s| s["status"] == "connected")
            .await;
    }

    /// Server-Sent Events of a session, as (event, data) pairs.
    async fn events(&self, session: &str) -> mpsc::UnboundedReceiver<(String, Value)> {
        let url = format!(
            "{}/api/events?session={session}&access_token={}",
            self.base, self.token
        );
        let response = self.http.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut stream = response.bytes_stream();
            let mut buffer = String::new();
            while let Some(Ok(chunk)) = stream.next().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    let mut event = String::new();
                    let mut data = String::new();
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            event = v.trim().to_owned();
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push_str(v.trim());
                        }
                    }
                    if !event.is_empty()
                        && tx
                            .send((event, serde_json::from_str(&data).unwrap_or(Value::Null)))
                            .is_err()
                    {
                        return;
                    }
                }
            }
        });
        rx
    }
}

async fn next_event(
    rx: &mut mpsc::UnboundedReceiver<(String, Value)>,
    wanted: impl Fn(&str, &Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let (event, data) = tokio::time::timeout(left, rx.recv())
            .await
            .expect("no such SSE event in time")
            .expect("SSE stream ended");
        if wanted(&event, &data) {
            return data;
        }
    }
}

#[tokio::test]
async fn login_start_qr_scan_connected() {
    let h = Harness::new().await;
    let wrong = h
        .http
        .post(format!("{}/api/auth/login", h.base))
        .json(&json!({"username": "ana", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["error"],
        "unauthorized"
    );
    h.connect().await;
    let (_, session) = h.get("/api/sessions/main").await;
    assert_eq!(session["status"], "connected");
    assert_eq!(session["qrCode"], Value::Null, "no QR code once connected");
    let (_, sessions) = h.get("/api/sessions").await;
    assert_eq!(sessions[0]["name"], "main");
    assert!(sessions[0]["lastConnected"].is_i64());
}

#[tokio::test]
async fn a_sent_message_is_stored_then_delivered_then_read_and_pushed() {
    let h = Harness::new().await;
    h.connect().await;
    let mut events = h.events("main").await;
    let (status, sent) = h.post("/api/messages", json!({"sessionName": "main", "phone": "+55 11 99999-9999", "message": "Seu pedido saiu"})).await;
    assert_eq!(status, 202, "answered once queued: {sent}");
    assert_eq!(sent["status"], "pending");
    assert_eq!(sent["conversationId"], "5511999999999@c.us");
    let client_id = sent["clientId"].as_str().unwrap().to_owned();
    assert_eq!(sent["id"], client_id.as_str(), "no server id yet");
    let pending = next_event(&mut events, |e, _| e == "new-message").await;
    assert_eq!(
        pending["data"]["status"], "pending",
        "shown at once as pending"
    );
    let confirmed = next_event(&mut events, |e, d| {
        e == "status-update" && d["data"]["clientId"] == client_id.as_str()
    })
    .await;
    let id = confirmed["data"]["id"].as_str().unwrap().to_owned();
    assert!(
        id.starts_with("true_5511999999999@c.us_3EB0"),
        "{confirmed}"
    );
    let update = next_event(&mut events, |e, d| {
        e == "status-update" && d["data"]["status"] == "read"
    })
    .await;
    assert_eq!(update["data"]["id"], id.as_str());
    let page = h
        .until(
            "/api/conversations/5511999999999@c.us/messages?session=main",
            |p| p["messages"][0]["status"] == "read",
        )
        .await;
    assert_eq!(page["total"], 1);
}

#[tokio::test]
async fn a_contact_writes_stored_unread_pushed_then_read() {
    let h = Harness::new().await;
    h.connect().await;
    let mut events = h.events("main").await;
    let id = h
        .sim()
        .contact_writes("main", "5521988887777", "Tem horário amanhã?")
        .unwrap();
    let pushed = next_event(&mut events, |e, _| e == "new-message").await;
    assert_eq!(pushed["data"]["id"], id.as_str());
    assert_eq!(pushed["data"]["content"], "Tem horário amanhã?");
    let conversations = h
        .until("/api/conversations?session=main", |c| {
            c[0]["unreadCount"] == 1
        })
        .await;
    assert_eq!(conversations[0]["id"], "5521988887777@c.us");
    assert_eq!(conversations[0]["lastMessage"], "Tem horário amanhã?");
    // the session learns its own number from the message's `to`
    h.until("/api/sessions/main", |s| {
        s["phoneNumber"] == "5511900000001"
    })
    .await;
    h.sim()
        .contact_writes("main", "5521988887777", "Alô?")
        .unwrap();
    h.until("/api/conversations?session=main", |c| {
        c[0]["unreadCount"] == 2
    })
    .await;
    let (status, _) = h
        .post(
            "/api/conversations/5521988887777@c.us/read?session=main",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, conversations) = h.get("/api/conversations?session=main").await;
    assert_eq!(conversations[0]["unreadCount"], 0);
    let (status, _) = h
        .post("/api/conversations/nobody@c.us/read", json!({}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn history_is_paginated_newest_page_first() {
    let h = Harness::new().await;
    h.connect().await;
    for i in 0..5 {
        h.sim()
            .contact_writes("main", "5521988887777", &format!("m{i}"))
            .unwrap();
        h.until("/api/conversations/5521988887777@c.us/messages", |p| {
            p["total"] == i + 1
        })
        .await;
    }
    let (_, first) = h
        .get("/api/conversations/5521988887777@c.us/messages?page=1&limit=2")
        .await;
    let contents: Vec<&str> = first["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["m3", "m4"]);
    assert_eq!(first["hasMore"], true);
    let (_, last) = h
        .get("/api/conversations/5521988887777@c.us/messages?page=3&limit=2")
        .await;
    assert_eq!(last["messages"][0]["content"], "m0");
    assert_eq!(last["hasMore"], false);
    let (_, default) = h
        .get("/api/conversations/5521988887777@c.us/messages")
        .await;
    assert_eq!(default["limit"], 50);
}

#[tokio::test]
async fn bad_tokens_bad_phones_and_bad_webhooks_are_refused() {
    let h = Harness::new().await;
    for auth in ["Bearer nope", ""] {
        let r = h
            .http
            .get(format!("{}/api/conversations", h.base))
            .header("authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    h.connect().await;
    let (status, body) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "12ab", "message": "x"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("phone"));
    let (_, conversations) = h.get("/api/conversations").await;
    assert_eq!(conversations, json!([]), "nothing stored, nothing sent");
    let (status, body) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "5511999999999"}),
        )
        .await;
    assert_eq!(status, 400, "a missing field: {body}");
    assert_eq!(body["error"], "bad_request");
    assert!(
        body["message"].as_str().unwrap().contains("message"),
        "{body}"
    );
    let not_json = h
        .http
        .post(format!("{}/api/messages", h.base))
        .bearer_auth(&h.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert_eq!(
        not_json.json::<Value>().await.unwrap()["error"],
        "bad_request"
    );
    let (status, body) = h
        .get("/api/conversations/5511999999999@c.us/messages?page=first")
        .await;
    assert_eq!(
        (status, &body["error"]),
        (400, &json!("bad_request")),
        "{body}"
    );
    let (status, body) = h.get("/api/nothing-here").await;
    assert_eq!(
        (status, &body["error"]),
        (404, &json!("not_found")),
        "{body}"
    );
    let (status, body) = h.post("/api/sessions/bad name!/start", json!({})).await;
    assert_eq!(status, 400, "{body}");
    let hook = h
        .http
        .post(format!("{}/webhook/main", h.base))
        .json(&json!({"event": "onmessage"}))
        .send()
        .await
        .unwrap();
    assert_eq!(hook.status(), 401, "the webhook needs its secret");
}

#[tokio::test]
async fn a_failed_send_is_stored_failed_and_never_retried() {
    let h = Harness::new().await;
    h.connect().await;
    h.sim().set_faults(Faults {
        send_status: Some(500),
        send_count: Some(1),
        ..Faults::default()
    });
    let (status, body) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "5511999999999", "message": "x", "clientId": "fails-500-01"}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let stored = h.settled("5511999999999@c.us", "fails-500-01").await;
    assert_eq!(stored["status"], "failed");
    let delivery = h.delivery("fails-500-01").await;
    assert_eq!(delivery["state"], "unknown", "{delivery}");
    let reason = delivery["reason"].as_str().unwrap();
    assert!(
        reason.contains("unknown outcome: not resent")
            && reason.contains("Erro ao enviar a mensagem."),
        "the server's own reason is kept: {delivery}"
    );
    let (status, _) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "5511999999999", "message": "y", "clientId": "works-after-01"}),
        )
        .await;
    assert_eq!(status, 202);
    let next = h.settled("5511999999999@c.us", "works-after-01").await;
    assert_ne!(
        next["status"], "failed",
        "only the one send failed: the backend did not retry it"
    );
    let xs = h
        .sim()
        .messages("main")
        .into_iter()
        .filter(|m| m["body"] == "x")
        .count();
    assert_eq!(xs, 0, "the failed send was not sent again");
}

#[tokio::test]
async fn repeated_webhooks_store_nothing_twice_and_early_acks_are_kept() {
    let h = Harness::new().await;
    h.connect().await;
    h.sim().set_faults(Faults {
        duplicate_webhooks: true,
        ..Faults::default()
    });
    h.sim()
        .contact_writes("main", "5521988887777", "uma vez")
        .unwrap();
    // the simulator posts a session's webhooks one after the other, each copy once the one
    // before was answered: once another contact's message is stored, both copies of the first
    // were answered (committed: this store has no journal)
    h.sim()
        .contact_writes("main", "5531966665555", "depois")
        .unwrap();
    h.until("/api/conversations?session=main", |c| {
        c.as_array().is_some_and(|list| list.len() == 2)
    })
    .await;
    let (_, page) = h
        .get("/api/conversations/5521988887777@c.us/messages")
        .await;
    assert_eq!(page["total"], 1);
    let (_, conversations) = h.get("/api/conversations?session=main").await;
    let first = conversations
        .as_array()
        .and_then(|list| list.iter().find(|c| c["id"] == "5521988887777@c.us"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        first["unreadCount"], 1,
        "the copy did not count twice: {conversations}"
    );
    h.sim().set_faults(Faults::default());

    // an ack before its message: kept, then applied
    let hook = format!("{}/webhook/main?token={WEBHOOK_SECRET}", h.base);
    let id = "false_5531977776666@c.us_ABCDEF0123456789";
    let ack = json!({"event": "onack", "session": "main", "ack": 2, "type": "chat",
        "id": {"fromMe": false, "remote": "5531977776666@c.us", "id": "ABCDEF0123456789", "_serialized": id}});
    assert_eq!(
        h.http.post(&hook).json(&ack).send().await.unwrap().status(),
        200
    );
    let message = json!({"event": "onmessage", "session": "main", "id": id, "type": "chat", "body": "oi", "t": 1795525512,
        "from": "5531977776666@c.us", "to": "5511900000001@c.us", "chatId": "5531977776666@c.us", "fromMe": false, "ack": 1});
    assert_eq!(
        h.http
            .post(&hook)
            .json(&message)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let page = h
        .until("/api/conversations/5531977776666@c.us/messages", |p| {
            p["total"] == 1
        })
        .await;
    assert_eq!(
        page["messages"][0]["status"], "delivered",
        "the early ack was applied"
    );
    let older = json!({"event": "onack", "session": "main", "ack": 1,
        "id": {"fromMe": false, "remote": "5531977776666@c.us", "id": "ABCDEF0123456789", "_serialized": id}});
    assert_eq!(
        h.http
            .post(&hook)
            .json(&older)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // answered once committed (this store has no journal): what it changed is there now
    let (_, page) = h
        .get("/api/conversations/5531977776666@c.us/messages")
        .await;
    assert_eq!(
        page["messages"][0]["status"], "delivered",
        "a status never goes backwards"
    );
}

#[tokio::test]
async fn health_is_up_then_503_when_the_server_is_gone() {
    let h = Harness::new().await;
    let r = h
        .http
        .get(format!("{}/health", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"status": "up"}),
        "anonymous: the status only"
    );
    let (status, body) = h.get("/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["wppconnect"]["status"], "up", "{body}");
    assert_eq!(body["wppconnect"]["sessions"]["main"]["connected"], false);
    assert_eq!(body["database"]["status"], "up");
    let (status, details) = h.get("/api/health").await;
    assert_eq!(
        (status, &details["database"]),
        (200, &json!({"status": "up"}))
    );
    let anonymous = h
        .http
        .get(format!("{}/api/health", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let Harness {
        sim,
        base,
        http,
        token,
    } = h;
    sim.unwrap().shutdown().await;
    let r = http.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "down"}));
    let r = http
        .get(format!("{base}/health"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.json::<Value>().await.unwrap()["wppconnect"]["status"],
        "down"
    );
}

#[tokio::test]
async fn reordered_acks_never_move_a_status_backwards() {
    let h = Harness::new().await;
    h.connect().await;
    let mut events = h.events("main").await;
    h.sim().set_faults(Faults {
        reorder_webhooks: true,
        webhook_events: vec!["onack".to_owned()],
        ..Faults::default()
    });
    let (status, sent) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "5511999999999", "message": "fora de ordem"}),
        )
        .await;
    assert_eq!(status, 202, "{sent}");
    let client_id = sent["clientId"].as_str().unwrap().to_owned();
    let confirmed = next_event(&mut events, |e, d| {
        e == "status-update" && d["data"]["clientId"] == client_id.as_str()
    })
    .await;
    let id = confirmed["data"]["id"].as_str().unwrap().to_owned();
    let mut seen = vec![confirmed["data"]["status"].as_str().unwrap().to_owned()];
    while seen.last().map(String::as_str) != Some("read") {
        let update = next_event(&mut events, |e, d| {
            e == "status-update" && d["data"]["id"] == id.as_str()
        })
        .await;
        seen.push(update["data"]["status"].as_str().unwrap().to_owned());
    }
    let rank = |s: &str| {
        ["pending", "sent", "delivered", "read"]
            .iter()
            .position(|r| *r == s)
    };
    // The send's own answer pushes the status it finds, with the `localId` the page needs, so a
    // status an ack pushed first may come twice; it never goes back.
    assert!(
        seen.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
        "pushed statuses never move backwards: {seen:?}"
    );
    let (_, page) = h
        .get("/api/conversations/5511999999999@c.us/messages?session=main")
        .await;
    assert_eq!(page["messages"][0]["status"], "read");
}

#[tokio::test]
async fn a_send_that_fails_after_delivery_is_not_sent_again() {
    let h = Harness::new().await;
    h.connect().await;
    h.sim().set_faults(Faults {
        send_status: Some(502),
        send_count: Some(1),
        deliver_before_failing: true,
        ..Faults::default()
    });
    let (status, body) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "5511999999999", "message": "só uma vez", "clientId": "only-once-001"}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let delivery = h.delivery("only-once-001").await;
    assert_eq!(
        delivery["state"], "unknown",
        "a 502 is no proof either way: {delivery}"
    );
    let copies = h
        .sim()
        .messages("main")
        .into_iter()
        .filter(|m| m["body"] == "só uma vez")
        .count();
    assert_eq!(
        copies, 1,
        "the backend did not retry a send the server may have made"
    );
}

#[tokio::test]
async fn a_message_keeps_its_client_id_from_the_page_to_the_server_id() {
    let h = Harness::new().await;
    h.connect().await;
    let mut events = h.events("main").await;
    let client_id = "0b6f1c52-7d0e-4f1e-9a55-2a4b8f9c1d3e";
    let (status, sent) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "5511999999999", "message": "um id só", "clientId": client_id}),
        )
        .await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!(sent["clientId"], client_id);
    assert_eq!(sent["id"], client_id);
    let pending = next_event(&mut events, |e, _| e == "new-message").await;
    assert_eq!(pending["session"], "main");
    assert_eq!(
        (
            &pending["data"]["id"],
            &pending["data"]["clientId"],
            &pending["data"]["status"]
        ),
        (&json!(client_id), &json!(client_id), &json!("pending")),
        "shown at once under the client's id: {pending}"
    );
    let confirmed = next_event(&mut events, |e, d| {
        e == "status-update" && d["data"]["clientId"] == client_id
    })
    .await;
    let server_id = confirmed["data"]["id"].as_str().unwrap().to_owned();
    assert!(
        server_id.starts_with("true_5511999999999@c.us_"),
        "{confirmed}"
    );
    assert_eq!(confirmed["data"]["conversationId"], "5511999999999@c.us");
    let page = h
        .until(
            "/api/conversations/5511999999999@c.us/messages?session=main",
            |p| p["messages"][0]["status"] == "read",
        )
        .await;
    assert_eq!(page["messages"][0]["id"], server_id.as_str());
    assert_eq!(page["messages"][0]["clientId"], client_id, "{page}");

    // the same client id again (a retry after a lost answer): not sent twice
    let (status, again) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "5511999999999", "message": "um id só", "clientId": client_id}),
        )
        .await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["error"], "duplicate_client_id");
    assert_eq!(again["stored"]["id"], server_id.as_str());
    let copies = h
        .sim()
        .messages("main")
        .into_iter()
        .filter(|m| m["body"] == "um id só")
        .count();
    assert_eq!(copies, 1, "a client id is sent once");

    // a client id that breaks the rule: 400, nothing stored nor sent
    for bad in [
        "short",
        "true_5511999999999@c.us_3EB0AAAA",
        "a b c d e f g h",
    ] {
        let (status, body) = h
            .post(
                "/api/messages",
                json!({"sessionName": "main", "phone": "5511999999999", "message": "nunca", "clientId": bad}),
            )
            .await;
        assert_eq!(
            (status, &body["error"]),
            (400, &json!("bad_request")),
            "{bad}: {body}"
        );
        assert!(
            body["reason"].as_str().unwrap().contains("clientId"),
            "{body}"
        );
    }
    assert!(!h
        .sim()
        .messages("main")
        .iter()
        .any(|m| m["body"] == "nunca"));
    let (_, page) = h
        .get("/api/conversations/5511999999999@c.us/messages?session=main")
        .await;
    assert_eq!(page["total"], 1, "{page}");
}

#[tokio::test]
async fn a_failed_send_quotes_the_server_s_reason_once() {
    let h = Harness::new().await;
    h.connect().await;
    let (status, body) = h
        .post(
            "/api/messages",
            json!({"sessionName": "main", "phone": "5511900009999", "message": "ninguém", "clientId": "failed-0001"}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let delivery = h.delivery("failed-0001").await;
    assert_eq!(
        delivery["state"], "failed",
        "a 400 is a refusal: {delivery}"
    );
    let reason = delivery["reason"].as_str().unwrap();
    assert_eq!(
        reason.matches("O número 5511900009999 não existe.").count(),
        1,
        "the server's message, once: {reason}"
    );
    let stored = h.settled("5511900009999@c.us", "failed-0001").await;
    assert_eq!(stored["status"], "failed");
    assert_eq!(
        (&stored["id"], &stored["clientId"]),
        (&json!("failed-0001"), &json!("failed-0001")),
        "a failed send keeps the client's id: {stored}"
    );
}

/// A fixture webhook body of the real server, for session `main`.
fn fixture_for_main(body: &str) -> String {
    body.replacen(
        "\"session\": \"NERDWHATS_AMERICA\"",
        "\"session\": \"main\"",
        1,
    )
}

#[tokio::test]
async fn documents_and_locations_keep_their_file_name_size_and_coordinates() {
    let h = Harness::new().await;
    let mut events = h.events("main").await;
    let hook = format!("{}/webhook/main?token={WEBHOOK_SECRET}", h.base);
    for body in [
        wppconnect_fixtures::text("onmessage-document"),
        wppconnect_fixtures::text("onmessage-location"),
    ] {
        let answer = h
            .http
            .post(&hook)
            .header("content-type", "application/json")
            .body(fixture_for_main(body))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    let document = next_event(&mut events, |e, d| {
        e == "new-message" && d["data"]["messageType"] == "document"
    })
    .await;
    assert_eq!(document["data"]["fileName"], "nota-fiscal-4821.pdf");
    assert_eq!(document["data"]["fileSize"], 329);
    assert_eq!(document["data"]["mimeType"], "application/pdf");
    assert_eq!(document["data"]["content"], "Segue a nota fiscal");
    let (_, page) = h
        .get("/api/conversations/5531977776666@c.us/messages?session=main")
        .await;
    assert_eq!(
        page["messages"][0]["fileName"], "nota-fiscal-4821.pdf",
        "{page}"
    );
    assert_eq!(page["messages"][0]["fileSize"], 329);
    let (_, page) = h
        .get("/api/conversations/5511999999999@c.us/messages?session=main")
        .await;
    let location = &page["messages"][0]["location"];
    assert_eq!(
        location,
        &json!({"latitude": -22.9711, "longitude": -43.1822, "name": "Praia de Copacabana",
            "address": "Av. Atlântica, Rio de Janeiro - RJ"}),
        "{page}"
    );
    assert_eq!(page["messages"][0]["content"], "", "no thumbnail as text");
}

#[tokio::test]
async fn a_start_with_a_phone_number_shows_the_pairing_code() {
    let h = Harness::new().await;
    let mut events = h.events("main").await;
    let (status, session) = h
        .post(
            "/api/sessions/main/start",
            json!({"phone": "+55 11 90000-0001"}),
        )
        .await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["status"], "connecting");
    let pushed = next_event(&mut events, |e, d| {
        e == "session-status" && d["data"]["phoneCode"].is_string()
    })
    .await;
    let code = pushed["data"]["phoneCode"].as_str().unwrap();
    assert_eq!(code.len(), 8, "{pushed}");
    assert_eq!(pushed["data"]["name"], "main");
    assert_eq!(pushed["data"]["status"], "connecting");
    let (status, body) = h
        .post("/api/sessions/main/start", json!({"phone": "12ab"}))
        .await;
    assert_eq!(
        (status, &body["error"]),
        (400, &json!("bad_request")),
        "{body}"
    );
}

#[tokio::test]
async fn a_file_is_sent_once_and_stored_as_a_document_with_its_name_and_size() {
    use base64::Engine;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/main/send-file"))
        .and(header("authorization", "Bearer the-token"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_raw(wppconnect_fixtures::text("send-file"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500).set_body_string("unexpected request"))
        .mount(&server)
        .await;
    let client = Client::builder(&server.uri())
        .unwrap()
        .token("main", "the-token")
        .unwrap()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let h = Harness::with_client(client).await;
    let pdf = b"%PDF-1.4 a tiny document".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("session", "main")
        .text("to", "+55 11 99999-9999")
        .text("caption", "Segue a nota")
        .text("clientId", "file-0001-abcd")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf.clone())
                .file_name("nota.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let answer = h
        .http
        .post(format!("{}/api/messages", h.base))
        .bearer_auth(&h.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let sent: Value = answer.json().await.unwrap();
    assert_eq!(status, 202, "{sent}");
    assert_eq!(sent["clientId"], "file-0001-abcd");
    assert_eq!(sent["messageType"], "document");
    assert_eq!(sent["fileName"], "nota.pdf");
    assert_eq!(sent["fileSize"], pdf.len());
    assert_eq!(sent["mimeType"], "application/pdf");
    assert_eq!(sent["content"], "Segue a nota");
    assert_eq!(sent["status"], "pending");
    let stored = h.settled("5511999999999@c.us", "file-0001-abcd").await;
    assert_eq!(
        stored["id"],
        "true_5511999999999@c.us_3EB05E6F7A8B9C0D1E2F3A"
    );
    assert_eq!(stored["status"], "sent");

    // what reached the server: one send-file with the file as a data URL, its name and caption
    let requests = server.received_requests().await.unwrap();
    let sends: Vec<Value> = requests
        .iter()
        .filter(|r| r.url.path() == "/api/main/send-file")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(sends.len(), 1, "sent once");
    let encoded = base64::engine::general_purpose::STANDARD.encode(&pdf);
    assert_eq!(
        sends[0]["base64"],
        format!("data:application/pdf;base64,{encoded}"),
        "{}",
        sends[0]
    );
    assert_eq!(sends[0]["phone"], "5511999999999");
    assert_eq!(sends[0]["filename"], "nota.pdf");
    assert_eq!(sends[0]["caption"], "Segue a nota");

    let (_, page) = h
        .get("/api/conversations/5511999999999@c.us/messages?session=main")
        .await;
    assert_eq!(page["messages"][0]["fileName"], "nota.pdf", "{page}");
    assert_eq!(page["messages"][0]["clientId"], "file-0001-abcd");

    // a form without its file, and an empty file: 400, nothing sent
    for form in [
        reqwest::multipart::Form::new()
            .text("session", "main")
            .text("to", "5511999999999"),
        reqwest::multipart::Form::new()
            .text("session", "main")
            .text("to", "5511999999999")
            .part(
                "file",
                reqwest::multipart::Part::bytes(Vec::new()).file_name("x.pdf"),
            ),
    ] {
        let answer = h
            .http
            .post(format!("{}/api/messages", h.base))
            .bearer_auth(&h.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400);
        assert_eq!(
            answer.json::<Value>().await.unwrap()["error"],
            "bad_request"
        );
    }
    // over the limit: 413, JSON
    let big = vec![b'x'; wppconnect_examples::backend::messages::MAX_UPLOAD_BYTES + 1];
    let form = reqwest::multipart::Form::new()
        .text("session", "main")
        .text("to", "5511999999999")
        .part(
            "file",
            reqwest::multipart::Part::bytes(big).file_name("big.bin"),
        );
    let answer = h
        .http
        .post(format!("{}/api/messages", h.base))
        .bearer_auth(&h.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 413);
    assert_eq!(
        answer.json::<Value>().await.unwrap()["error"],
        "payload_too_large"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_picture_sent_through_the_backend_reaches_the_simulator_as_an_image() {
    let h = Harness::new().await;
    h.connect().await;
    let mut events = h.events("main").await;
    let png = b"\x89PNG\r\n\x1a\n not really a picture".to_vec();
    // the console's names (those of the JSON body), on the form-only route
    let form = reqwest::multipart::Form::new()
        .text("sessionName", "main")
        .text("phone", "5511999999999")
        .text("caption", "o recibo")
        .text("clientId", "picture-0001")
        .part(
            "file",
            reqwest::multipart::Part::bytes(png.clone())
                .file_name("recibo.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let answer = h
        .http
        .post(format!("{}/api/messages/file", h.base))
        .bearer_auth(&h.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let sent: Value = answer.json().await.unwrap();
    assert_eq!(status, 202, "{sent}");
    assert_eq!(sent["messageType"], "image");
    assert_eq!(sent["clientId"], "picture-0001");
    let stored = h.settled("5511999999999@c.us", "picture-0001").await;
    let pending = next_event(&mut events, |e, _| e == "new-message").await;
    assert_eq!(pending["data"]["fileName"], "recibo.png", "{pending}");
    assert_eq!(pending["data"]["fileSize"], png.len());
    let copies: Vec<Value> = h
        .sim()
        .messages("main")
        .into_iter()
        .filter(|m| m["fromMe"] == true)
        .collect();
    assert_eq!(copies.len(), 1, "sent once: {copies:?}");
    assert_eq!(copies[0]["type"], "image");
    assert_eq!(copies[0]["mimetype"], "image/png");
    assert_eq!(copies[0]["caption"], "o recibo");
    assert_eq!(copies[0]["id"], stored["id"]);
    // the form-only route refuses JSON
    let (status, body) = h
        .post(
            "/api/messages/file",
            json!({"sessionName": "main", "phone": "5511999999999", "message": "x"}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]),
        (400, &json!("bad_request")),
        "{body}"
    );
}

#[tokio::test]
async fn a_send_keeps_its_client_id_when_the_server_s_copy_is_stored_first() {
    use wppconnect_models::domain::{Message, MessageStatus};
    use wppconnect_models::MessageType;

    let store = Store::open("sqlite::memory:").await.unwrap();
    let message = |id: &str, client_id: Option<&str>, status| Message {
        id: id.to_owned(),
        client_id: client_id.map(str::to_owned),
        conversation_id: "5511999999999@c.us".to_owned(),
        sender_id: String::new(),
        sender_name: None,
        content: "a cópia chegou antes".to_owned(),
        message_type: MessageType::Chat,
        timestamp: 1_795_525_512,
        status,
        is_from_me: true,
        quoted_message: None,
        media_url: None,
        mime_type: None,
        file_name: None,
        file_size: None,
        location: None,
    };
    let server_id = "true_5511999999999@c.us_3EB0AAAA";
    store
        .insert_message(
            "main",
            &message(
                "copy-first-01",
                Some("copy-first-01"),
                MessageStatus::Pending,
            ),
        )
        .await
        .unwrap();
    // the server's own copy (a webhook) is stored before the send is answered
    store
        .insert_message("main", &message(server_id, None, MessageStatus::Sent))
        .await
        .unwrap();
    let confirmed = store
        .confirm_sent("main", "copy-first-01", server_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(confirmed.id, server_id);
    assert_eq!(confirmed.client_id.as_deref(), Some("copy-first-01"));
    let by_client_id = store
        .message_by_client_id("main", "copy-first-01")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_client_id.id, server_id);
    let page = store
        .messages(Some("main"), "5511999999999@c.us", 1, 50)
        .await
        .unwrap();
    assert_eq!(
        page.total, 1,
        "one message, not the pending one and the copy"
    );
    // the client id is now the server's message's: a new pending row under it is refused
    let error = store
        .insert_message(
            "main",
            &message(
                "copy-first-01",
                Some("copy-first-01"),
                MessageStatus::Pending,
            ),
        )
        .await
        .unwrap_err();
    assert!(error.is_unique_violation(), "{error:?}");
}

#[tokio::test]
async fn two_sends_with_one_client_id_at_once_send_one_message() {
    let h = Harness::new().await;
    h.connect().await;
    let body = json!({"sessionName": "main", "phone": "5511999999999", "message": "clique duplo", "clientId": "double-click-01"});
    let (first, second) = tokio::join!(
        h.post("/api/messages", body.clone()),
        h.post("/api/messages", body)
    );
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [202, 409], "{first:?} {second:?}");
    h.settled("5511999999999@c.us", "double-click-01").await;
    let copies = h
        .sim()
        .messages("main")
        .into_iter()
        .filter(|m| m["body"] == "clique duplo")
        .count();
    assert_eq!(copies, 1, "one message reached the server");
}
