//! The durable outbox with real processes: the backend binary, SIGKILLed in the middle of a
//! campaign and started again, talking to a simulator that records every send. No recipient
//! gets the text twice; what was never handed to the server is delivered after the restart;
//! what was handed over without an answer says `unknown outcome`; sends of a session are paced;
//! a 4xx is failed, never tried again.

mod support;

use std::collections::HashMap;

use serde_json::{json, Value};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_sim::{Faults, RunningSimulator, Simulator};

use support::{free_port, get, login, post, until, Backend, TempDb};

const TEXT: &str = "Promoção de sexta";
const PACE_MS: i64 = 200;
const METRICS_TOKEN: &str = "metrics-token-of-the-outbox-test";

/// The simulator's sends of `text` from `main`, oldest first, as (recipient digits, Unix seconds).
fn sends(sim: &RunningSimulator, text: &str) -> Vec<(String, i64)> {
    sim.messages("main")
        .into_iter()
        .filter(|m| m["id"].as_str().is_some_and(|id| id.starts_with("true_")) && m["body"] == text)
        .map(|m| {
            let to = m["to"].as_str().unwrap_or_default();
            let digits = to.split('@').next().unwrap_or_default().to_owned();
            (digits, m["t"].as_i64().unwrap_or_default())
        })
        .collect()
}

/// The backend binary's variables: the simulator, a database file, a fixed port (the webhook
/// URL the simulator holds stays valid across a restart), the pace.
struct Setup {
    sim: RunningSimulator,
    db: TempDb,
    users: String,
    bind: String,
    sim_url: String,
}

impl Setup {
    async fn new(name: &str) -> Self {
        let sim = Simulator::builder()
            .fast()
            .start("127.0.0.1:0")
            .await
            .unwrap();
        let sim_url = sim.url();
        Self {
            sim,
            db: TempDb::new(name),
            users: format!("ana:{}", hash_password("s3nha").unwrap()),
            bind: format!("127.0.0.1:{}", free_port()),
            sim_url,
        }
    }

    fn vars(&self) -> Vec<(&str, &str)> {
        vec![
            ("WPPCONNECT_URL", self.sim_url.as_str()),
            ("WPPCONNECT_SECRET_KEY", self.sim.secret_key()),
            ("DATABASE_URL", self.db.url.as_str()),
            ("BIND", self.bind.as_str()),
            ("BACKEND_USERS", self.users.as_str()),
            ("JWT_SECRET", "a-jwt-secret-of-at-least-32-bytes"),
            ("WEBHOOK_SECRET", "hook-secret"),
            ("METRICS_TOKEN", METRICS_TOKEN),
            ("SEND_PACE", "200ms"),
        ]
    }

    async fn start(&self) -> (Backend, reqwest::Client, String) {
        let backend = Backend::start(&self.vars()).await;
        let http = reqwest::Client::new();
        let token = login(&http, &backend.base, "ana", "s3nha").await;
        (backend, http, token)
    }

    /// Starts `main` and scans its QR code.
    async fn connect(&self, http: &reqwest::Client, base: &str, token: &str) {
        let (status, body) = post(
            http,
            &format!("{base}/api/sessions/main/start"),
            token,
            json!({}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        until("the QR code", || async {
            (self.sim.status("main") == wppconnect_sim::SessionStatus::QrCode).then_some(())
        })
        .await;
        self.sim.scan("main").unwrap();
        let url = format!("{base}/api/sessions/main");
        until("connected", || async {
            (get(http, &url, token).await.1["status"] == "connected").then_some(())
        })
        .await;
    }
}

/// Waits until the campaign has no queued or sending row; its view.
async fn finished(http: &reqwest::Client, base: &str, token: &str, id: i64) -> Value {
    let url = format!("{base}/api/campaigns/{id}");
    until("the campaign's end", || async {
        let (_, view) = get(http, &url, token).await;
        (view["done"] == true).then_some(view)
    })
    .await
}

/// `recipient i` of a campaign: distinct valid Brazilian mobile numbers.
fn recipient(i: usize) -> String {
    format!("55119800{i:05}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_killed_in_the_middle_sends_each_text_at_most_once_and_finishes_after_restart() {
    const N: usize = 30;
    let setup = Setup::new("outbox-kill").await;
    let (backend, http, token) = setup.start().await;
    setup.connect(&http, &backend.base, &token).await;
    let recipients: Vec<String> = (0..N).map(recipient).collect();
    let (status, created) = post(
        &http,
        &format!("{}/api/campaigns", backend.base),
        &token,
        json!({"session": "main", "recipients": recipients, "text": TEXT}),
    )
    .await;
    assert_eq!(status, 202, "{created}");
    assert_eq!(created["total"], N);
    let id = created["id"].as_i64().unwrap();

    until("a few sends", || async {
        (sends(&setup.sim, TEXT).len() >= 5).then_some(())
    })
    .await;
    // the next send reaches the server and gets no answer: the kill finds it in flight
    setup.sim.set_faults(Faults {
        stall_routes: vec!["send-message".to_owned()],
        ..Faults::default()
    });
    until("a send in flight", || async {
        (setup.sim.stalled_requests() >= 1).then_some(())
    })
    .await;
    backend.kill().await;
    setup.sim.set_faults(Faults::default());
    let at_kill = sends(&setup.sim, TEXT).len();
    assert!(
        at_kill < N,
        "the kill came in the middle of the campaign ({at_kill} of {N} sent)"
    );

    let (backend, http, token) = setup.start().await;
    let view = finished(&http, &backend.base, &token, id).await;
    let rows = view["recipients"].as_array().unwrap().clone();
    assert_eq!(rows.len(), N, "{view}");

    let mut received: HashMap<String, usize> = HashMap::new();
    for (to, _) in sends(&setup.sim, TEXT) {
        *received.entry(to).or_default() += 1;
    }
    for row in &rows {
        let phone = row["phone"].as_str().unwrap();
        let got = received.get(phone).copied().unwrap_or(0);
        assert!(got <= 1, "{phone} got the text {got} times: never twice");
        match row["state"].as_str().unwrap() {
            "sent" => assert_eq!(got, 1, "a sent row was received: {row}"),
            "unknown" => assert!(
                row["reason"]
                    .as_str()
                    .unwrap()
                    .contains("unknown outcome: not resent"),
                "{row}"
            ),
            other => panic!("every row was delivered or is unknown, not {other}: {row}"),
        }
        if got == 0 {
            assert_eq!(
                row["state"], "unknown",
                "a row nobody got was not lost silently: {row}"
            );
        }
    }
    let sent = rows.iter().filter(|r| r["state"] == "sent").count();
    let unknown = rows.len() - sent;
    assert_eq!(
        unknown, 1,
        "the send in flight at the kill is unknown, not sent again: {view}"
    );
    assert_eq!(
        rows[at_kill]["state"], "unknown",
        "the one after the last received: {view}"
    );
    assert_eq!(
        sent,
        N - 1,
        "every row never handed to the server was delivered after the restart"
    );
    assert_eq!(view["sent"], sent);
    assert_eq!(view["unknown"], unknown);

    // never faster than the pace: any two sends i < j of the session are at least (j - i)
    // paces apart (the simulator's times are whole seconds: one second of slack)
    let times: Vec<i64> = sends(&setup.sim, TEXT).iter().map(|(_, t)| *t).collect();
    for i in 0..times.len() {
        for j in i + 1..times.len() {
            let gap = (times[j] - times[i]) * 1000;
            let least = i64::try_from(j - i).unwrap() * PACE_MS - 1000;
            assert!(
                gap > least,
                "sends {i} and {j} {gap} ms apart: faster than the pace"
            );
        }
    }

    // the console's view agrees: no conversation shows a pending send
    let (_, page) = get(
        &http,
        &format!(
            "{}/api/conversations/{}@c.us/messages?session=main",
            backend.base,
            recipient(N - 1)
        ),
        &token,
    )
    .await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["messages"][0]["content"], TEXT);
    backend.kill().await;
}

/// `/metrics` as (series, value) lines.
async fn metrics(http: &reqwest::Client, base: &str) -> Vec<(String, f64)> {
    let text = http
        .get(format!("{base}/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_send_is_failed_not_retried_and_a_5xx_is_unknown_not_resent() {
    let setup = Setup::new("outbox-4xx").await;
    let (backend, http, token) = setup.start().await;
    setup.connect(&http, &backend.base, &token).await;

    // the simulator answers 400 "O número … não existe." for this number
    let recipients = [recipient(1), "5511900009999".to_owned(), recipient(2)];
    let (status, created) = post(
        &http,
        &format!("{}/api/campaigns", backend.base),
        &token,
        json!({"sessionName": "main", "recipients": recipients, "text": TEXT}),
    )
    .await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_i64().unwrap();
    let view = finished(&http, &backend.base, &token, id).await;
    assert_eq!(
        (view["sent"].as_i64(), view["failed"].as_i64()),
        (Some(2), Some(1)),
        "{view}"
    );
    let refused = &view["recipients"][1];
    assert_eq!(refused["state"], "failed", "{view}");
    assert!(
        refused["reason"].as_str().unwrap().contains("não existe"),
        "the server's reason is kept: {refused}"
    );
    let page = until("the failed message", || async {
        let (_, page) = get(
            &http,
            &format!(
                "{}/api/conversations/5511900009999@c.us/messages?session=main",
                backend.base
            ),
            &token,
        )
        .await;
        (page["messages"][0]["status"] == "failed").then_some(page)
    })
    .await;
    assert_eq!(page["total"], 1);

    // a 500 after the request went out: unknown, never sent again; the next send goes on
    setup.sim.set_faults(Faults {
        send_status: Some(500),
        send_count: Some(1),
        ..Faults::default()
    });
    let send = |text: &'static str| {
        let (http, base, token) = (http.clone(), backend.base.clone(), token.clone());
        async move {
            post(
                &http,
                &format!("{base}/api/messages"),
                &token,
                json!({"sessionName": "main", "phone": recipient(3), "message": text}),
            )
            .await
        }
    };
    let (status, first) = send("primeira").await;
    assert_eq!(status, 202, "answered at once: {first}");
    assert_eq!(first["status"], "pending");
    let (status, _) = send("segunda").await;
    assert_eq!(status, 202);
    let url = format!(
        "{}/api/conversations/{}@c.us/messages?session=main",
        backend.base,
        recipient(3)
    );
    let page = until("both outcomes", || async {
        let (_, page) = get(&http, &url, &token).await;
        let statuses: Vec<Value> = page["messages"]
            .as_array()?
            .iter()
            .map(|m| m["status"].clone())
            .collect();
        (statuses.len() == 2 && statuses.iter().all(|s| s != "pending")).then_some(page)
    })
    .await;
    assert_eq!(page["messages"][0]["content"], "primeira");
    assert_eq!(page["messages"][0]["status"], "failed", "{page}");
    assert_ne!(page["messages"][1]["status"], "failed", "{page}");
    assert!(
        sends(&setup.sim, "primeira").is_empty(),
        "the 500 was not followed by a resend"
    );
    assert_eq!(sends(&setup.sim, "segunda").len(), 1);

    // the server was asked once for the refused number and once for the 500
    let lines = metrics(&http, &backend.base).await;
    let calls = |status: &str| -> f64 {
        lines
            .iter()
            .filter(|(s, _)| {
                s.starts_with("wppconnect_client_requests_total")
                    && s.contains("send-message")
                    && s.contains(&format!("status=\"{status}\""))
            })
            .map(|(_, v)| v)
            .sum()
    };
    assert_eq!(calls("400"), 1.0, "a 4xx is not retried: {lines:?}");
    assert_eq!(calls("500"), 1.0, "a 5xx is not resent: {lines:?}");
    let depth = lines
        .iter()
        .find(|(s, _)| s == "backend_outbox_depth")
        .map(|(_, v)| *v);
    assert_eq!(depth, Some(0.0), "nothing left in the outbox: {lines:?}");
    backend.kill().await;
}

#[tokio::test]
async fn a_campaign_with_a_bad_recipient_is_refused_and_nothing_is_stored() {
    let setup = Setup::new("outbox-bad").await;
    let (backend, http, token) = setup.start().await;
    let url = format!("{}/api/campaigns", backend.base);
    for (body, says) in [
        (
            json!({"session": "main", "recipients": [recipient(1), "12ab"], "text": "x"}),
            "recipient 1",
        ),
        (
            json!({"session": "main", "recipients": [], "text": "x"}),
            "no recipients",
        ),
        (
            json!({"session": "main", "recipients": [recipient(1)], "text": "  "}),
            "empty",
        ),
        (
            json!({"session": "bad name!", "recipients": [recipient(1)], "text": "x"}),
            "",
        ),
        (json!({"session": "main", "text": "x"}), "recipients"),
    ] {
        let (status, answer) = post(&http, &url, &token, body).await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["error"].is_string() && answer["reason"].is_string(),
            "{answer}"
        );
        assert!(
            answer["message"].as_str().unwrap().contains(says),
            "{answer}"
        );
    }
    let (status, missing) = get(&http, &format!("{url}/999"), &token).await;
    assert_eq!(status, 404, "{missing}");
    let (status, _) = get(&http, &format!("{url}/abc"), &token).await;
    assert_eq!(status, 400);
    let (_, conversations) = get(
        &http,
        &format!("{}/api/conversations", backend.base),
        &token,
    )
    .await;
    assert_eq!(conversations, json!([]), "nothing stored");
    assert!(setup.sim.messages("main").is_empty(), "nothing sent");
    backend.kill().await;
}
