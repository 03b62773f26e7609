//! Injected misbehaviour: failing and stalled routes, dropped, duplicated, delayed and reordered
//! webhooks.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{connected, fast_sim, until, Receiver, WAIT};
use wppconnect_sim::Faults;

async fn send_message(http: &reqwest::Client, url: &str, token: &str) -> reqwest::Response {
    http.post(format!("{url}/api/main/send-message"))
        .bearer_auth(token)
        .json(&json!({"phone": "5511999999999", "message": "oi"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sends_fail_with_500_for_the_next_n_and_nothing_is_delivered() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    sim.set_faults(Faults {
        send_status: Some(500),
        send_count: Some(1),
        ..Faults::default()
    });
    let failed = send_message(&http, &sim.url(), &token).await;
    assert_eq!(failed.status(), 500);
    assert_eq!(
        failed.json::<Value>().await.unwrap(),
        json!({"status": "Error", "message": "Erro ao enviar a mensagem.", "error": {}, "session": "main"})
    );
    assert!(sim.messages("main").is_empty());
    assert_eq!(sim.faults().send_count, Some(0), "the count went down");
    assert_eq!(
        send_message(&http, &sim.url(), &token).await.status(),
        201,
        "only the next one failed"
    );
    assert_eq!(sim.messages("main").len(), 1);
}

#[tokio::test]
async fn a_502_for_every_send_is_a_proxy_page_and_may_come_after_delivery() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    sim.set_faults(Faults {
        send_status: Some(502),
        ..Faults::default()
    });
    for _ in 0..2 {
        let failed = send_message(&http, &sim.url(), &token).await;
        assert_eq!(failed.status(), 502);
        assert!(failed.text().await.unwrap().contains("502 Bad Gateway"));
    }
    assert!(sim.messages("main").is_empty());

    sim.set_faults(Faults {
        send_status: Some(502),
        deliver_before_failing: true,
        ..Faults::default()
    });
    assert_eq!(send_message(&http, &sim.url(), &token).await.status(), 502);
    assert_eq!(
        sim.messages("main").len(),
        1,
        "delivered although the answer failed"
    );
    hooks.wait_for("onack", 3).await;
}

#[tokio::test]
async fn a_stalled_route_never_answers_and_the_others_still_do() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    sim.set_faults(Faults {
        stall_routes: vec!["send-message".into()],
        ..Faults::default()
    });
    // no client timeout racing the machine: the simulator says when it holds the request
    let stalled = tokio::spawn(
        http.post(format!("{}/api/main/send-message", sim.url()))
            .bearer_auth(&token)
            .json(&json!({"phone": "5511999999999", "message": "oi"}))
            .send(),
    );
    until("the send to stall", || sim.stalled_requests() == 1).await;
    let status = http
        .get(format!("{}/api/main/status-session", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 200, "the other routes still answer");
    assert!(!stalled.is_finished(), "the stalled send has no answer");
    assert!(sim.messages("main").is_empty());
    tokio::time::timeout(WAIT, sim.shutdown()).await.unwrap();
    // shutdown ends it without a send: never a 201
    let ended = tokio::time::timeout(WAIT, stalled).await.unwrap().unwrap();
    assert!(
        ended.as_ref().map_or(true, |r| r.status() != 201),
        "{ended:?}"
    );
}

#[tokio::test]
async fn dropped_webhooks_never_arrive() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    let token = connected(&sim, &http, "main", &hooks.url).await;
    sim.set_faults(Faults {
        drop_webhooks: true,
        webhook_events: vec!["onack".into()],
        ..Faults::default()
    });
    assert_eq!(send_message(&http, &sim.url(), &token).await.status(), 201);
    sim.contact_writes("main", "5511999999999", "oi").unwrap();
    hooks.wait_for("onmessage", 1).await;
    // the acks happen (the stored message reaches ack 3)…
    until("ack 3", || sim.messages("main")[0]["ack"] == 3).await;
    // …but their webhooks, which would have been posted at the same moment, never come
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(hooks.of("onack").is_empty(), "{:?}", hooks.events());
}

#[tokio::test]
async fn duplicated_webhooks_arrive_twice_with_the_same_id() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    connected(&sim, &http, "main", &hooks.url).await;
    sim.set_faults(Faults {
        duplicate_webhooks: true,
        ..Faults::default()
    });
    let id = sim.contact_writes("main", "5511999999999", "oi").unwrap();
    let twice = hooks.wait_for("onmessage", 2).await;
    assert_eq!(twice[0].raw, twice[1].raw);
    assert_eq!(twice[0].body["id"], id.as_str());
}

#[tokio::test]
async fn reordered_webhooks_arrive_later_one_first() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    connected(&sim, &http, "main", &hooks.url).await;
    hooks
        .wait("inChat", |all| {
            all.iter().any(|h| h.body["status"] == "inChat")
        })
        .await;
    sim.set_faults(Faults {
        reorder_webhooks: true,
        ..Faults::default()
    });
    let first = sim
        .contact_writes("main", "5511999999999", "primeira")
        .unwrap();
    let second = sim
        .contact_writes("main", "5511999999999", "segunda")
        .unwrap();
    let arrived = hooks.wait_for("onmessage", 2).await;
    assert_eq!(arrived[0].body["id"], second.as_str());
    assert_eq!(arrived[1].body["id"], first.as_str());
}

#[tokio::test]
async fn delayed_webhooks_arrive_late() {
    let sim = fast_sim().await;
    let hooks = Receiver::start().await;
    let http = reqwest::Client::new();
    connected(&sim, &http, "main", &hooks.url).await;
    hooks
        .wait("inChat", |all| {
            all.iter().any(|h| h.body["status"] == "inChat")
        })
        .await;
    sim.set_faults(Faults {
        webhook_delay_ms: 400,
        ..Faults::default()
    });
    let written = tokio::time::Instant::now();
    sim.contact_writes("main", "5511999999999", "oi").unwrap();
    hooks.wait_for("onmessage", 1).await;
    // a lower bound only: a busy machine makes it later, never earlier
    assert!(
        written.elapsed() >= Duration::from_millis(400),
        "not before its delay"
    );
}

#[tokio::test]
async fn faults_can_be_set_and_read_over_http() {
    let sim = fast_sim().await;
    let http = reqwest::Client::new();
    let set = http
        .post(format!("{}/sim/faults", sim.url()))
        .json(&json!({"sendStatus": 502, "sendCount": 2, "reorderWebhooks": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let expected = Faults {
        send_status: Some(502),
        send_count: Some(2),
        reorder_webhooks: true,
        ..Faults::default()
    };
    assert_eq!(sim.faults(), expected);
    let read: Faults = http
        .get(format!("{}/sim/faults", sim.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read, expected);
    let bad = http
        .post(format!("{}/sim/faults", sim.url()))
        .body("{\"sendStatus\": \"x\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(sim.faults(), expected, "unchanged by a bad request");

    // scan over HTTP: 404 for an unknown session, 409 when not waiting for a scan
    assert_eq!(
        http.post(format!("{}/sim/nobody/scan", sim.url()))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
