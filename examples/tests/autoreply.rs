//! Automatic replies end to end: the backend and the simulator in-process, rules set through the
//! API, contacts (and a second bot) played through the simulator and the webhook route, and
//! replies counted on the simulator, which records every send.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use support::{until, TempDb};
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::autoreply::{Clock, Settings};
use wppconnect_examples::backend::{Auth, Backend, Parts, Store};
use wppconnect_sim::{RunningSimulator, Simulator};

const WEBHOOK_SECRET: &str = "hook-secret";
/// Monday 2026-11-30 12:34 UTC (09:34 at -03:00).
const MONDAY_MS: i64 = 1_796_042_040_000;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const CONTACT: &str = "5511999999999";

struct Harness {
    sim: Arc<RunningSimulator>,
    base: String,
    http: reqwest::Client,
    token: String,
    now: Arc<AtomicI64>,
    server: tokio::task::JoinHandle<()>,
}

/// Pacing that never gets in a test's way unless it asks.
fn settings(now: &Arc<AtomicI64>) -> Settings {
    let clock = now.clone();
    Settings {
        clock: Clock::from_fn(move || clock.load(Ordering::SeqCst)),
        ..Settings::default()
    }
}

impl Harness {
    async fn new(settings: impl FnOnce(&Arc<AtomicI64>) -> Settings) -> Self {
        let sim = Simulator::builder()
            .fast()
            .start("127.0.0.1:0")
            .await
            .unwrap();
        let store = Store::open("sqlite::memory:").await.unwrap();
        let now = Arc::new(AtomicI64::new(MONDAY_MS));
        let settings = settings(&now);
        let harness = Self::serve(Arc::new(sim), store, now, settings).await;
        harness.connect().await;
        harness
    }

    /// A backend over `store` in front of `sim`.
    async fn serve(
        sim: Arc<RunningSimulator>,
        store: Store,
        now: Arc<AtomicI64>,
        settings: Settings,
    ) -> Self {
        let client = Client::builder(&sim.url())
            .unwrap()
            .secret_key(sim.secret_key())
            .retry(RetryPolicy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let auth = Auth::new(
            HashMap::from([("ana".to_owned(), hash_password("s3nha").unwrap())]),
            "jwt-secret",
        );
        let parts = Parts {
            autoreply: Some(settings),
            ..Parts::new(client, store, auth, WEBHOOK_SECRET)
        };
        let backend = Backend::bind("127.0.0.1:0", parts).await.unwrap();
        let base = backend.url();
        let server = backend.spawn();
        let http = reqwest::Client::new();
        let token = support::login(&http, &base, "ana", "s3nha").await;
        Self {
            sim,
            base,
            http,
            token,
            now,
            server,
        }
    }

    /// Starts `main` through the backend and scans its QR code.
    async fn connect(&self) {
        let (status, body) = self.post("/api/sessions/main/start", json!({})).await;
        assert_eq!(status, 200, "{body}");
        let sim = self.sim.clone();
        until("the QR code", || {
            let sim = sim.clone();
            async move { sim.scan("main").ok() }
        })
        .await;
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        support::post(
            &self.http,
            &format!("{}{path}", self.base),
            &self.token,
            body,
        )
        .await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        support::get(&self.http, &format!("{}{path}", self.base), &self.token).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Adds a rule to `main`; its id.
    async fn rule(&self, rule: Value) -> i64 {
        let (status, body) = self.post("/api/sessions/main/rules", rule).await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_i64().unwrap()
    }

    /// The texts `main` sent, oldest first, as the simulator recorded them.
    fn replies(&self) -> Vec<(String, String)> {
        self.sim
            .messages("main")
            .iter()
            .filter(|m| m["fromMe"] == true)
            .map(|m| {
                (
                    m["chatId"].as_str().unwrap_or_default().to_owned(),
                    m["body"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// The engine's decision on a trigger, once it took one that is final (`sent`, `failed`
    /// or `skipped`).
    ///
    /// A `sent` reply is queued in the outbox, which delivers it on its own: this also waits
    /// until the simulator has every reply decided so far.
    async fn decision(&self, trigger: &str) -> Value {
        let decision = until(&format!("the decision on {trigger}"), || async {
            let (_, list) = self.get("/api/sessions/main/auto-replies?limit=500").await;
            list.as_array()?
                .iter()
                .find(|d| d["triggerId"] == trigger && d["status"] != "sending")
                .cloned()
        })
        .await;
        until("the replies delivered by the outbox", || async {
            let sent = self
                .decisions()
                .await
                .iter()
                .filter(|d| d["status"] == "sent")
                .count();
            (self.replies().len() >= sent).then_some(())
        })
        .await;
        decision
    }

    /// Every decision taken so far.
    async fn decisions(&self) -> Vec<Value> {
        let (status, list) = self.get("/api/sessions/main/auto-replies?limit=500").await;
        assert_eq!(status, 200, "{list}");
        list.as_array().unwrap().clone()
    }

    /// A contact writes `text` (the simulator posts `onmessage`); the message id.
    fn writes(&self, phone: &str, text: &str) -> String {
        self.sim.contact_writes("main", phone, text).unwrap()
    }

    /// Posts an `onmessage` to the backend's webhook route as the server would.
    async fn webhook(&self, body: &Value) {
        let response = self
            .http
            .post(format!("{}/webhook/main?token={WEBHOOK_SECRET}", self.base))
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{body}");
    }
}

/// An `onmessage` of a contact (or, with `group`, of a member in that group).
fn onmessage(id: &str, phone: &str, text: &str, group: Option<&str>) -> Value {
    let author = format!("{phone}@c.us");
    let chat = group.map_or_else(|| author.clone(), str::to_owned);
    let mut body = json!({
        "event": "onmessage",
        "session": "main",
        "id": format!("false_{chat}_{id}"),
        "body": text,
        "type": "chat",
        "t": 1_796_042_000,
        "notifyName": "Bia",
        "from": chat,
        "to": "5511900000000@c.us",
        "chatId": chat,
        "fromMe": false,
        "isGroupMsg": group.is_some(),
        "sender": {"id": author, "pushname": "Bia", "isMe": false},
    });
    if group.is_some() {
        body["author"] = json!(author);
    }
    body
}

#[tokio::test]
async fn a_matching_message_gets_exactly_one_reply_with_its_variables_filled() {
    let h = Harness::new(settings).await;
    h.rule(json!({
        "name": "prices",
        "trigger": "keyword",
        "pattern": "preço, price list",
        "template": "Olá {name}! Nossos preços: loja.example/precos ({phone}, {time} {date}) {{ok}}",
    }))
    .await;
    let quiet = h.writes(CONTACT, "bom dia, tudo bem?");
    let asks = h.writes(CONTACT, "Qual o PRECO do bolo?");
    let decision = h.decision(&asks).await;
    assert_eq!(decision["status"], "sent", "{decision}");
    let expected = "Olá Contato 9999! Nossos preços: loja.example/precos (+5511999999999, 12:34 2026-11-30) {ok}";
    assert_eq!(
        h.replies(),
        [(format!("{CONTACT}@c.us"), expected.to_owned())],
        "one reply, to the contact, with every variable filled"
    );
    let decisions = h.decisions().await;
    assert!(
        decisions.iter().all(|d| d["triggerId"] != quiet.as_str()),
        "a message without the keyword triggers nothing: {decisions:?}"
    );
    // the reply is a message of the backend like any other: stored and listed
    let (_, page) = h
        .get(&format!(
            "/api/conversations/{CONTACT}@c.us/messages?session=main"
        ))
        .await;
    assert!(
        page.to_string().contains("loja.example/precos"),
        "the reply is stored: {page}"
    );
}

#[tokio::test]
async fn the_same_webhook_twice_and_again_after_a_restart_gets_one_reply() {
    let db = TempDb::new("autoreply-restart");
    let sim = Arc::new(
        Simulator::builder()
            .fast()
            .start("127.0.0.1:0")
            .await
            .unwrap(),
    );
    let now = Arc::new(AtomicI64::new(MONDAY_MS));
    let first = Harness::serve(
        sim.clone(),
        Store::open(&db.url).await.unwrap(),
        now.clone(),
        settings(&now),
    )
    .await;
    first.connect().await;
    first
        .rule(json!({"trigger": "regex", "pattern": r"pedido\s*#?\d+", "template": "Vamos ver o seu pedido, {name}."}))
        .await;
    let asks = onmessage("3EB0A1B2C3D4E5F60718", CONTACT, "Cadê o pedido #123?", None);
    let trigger = asks["id"].as_str().unwrap().to_owned();
    first.webhook(&asks).await;
    first.webhook(&asks).await;
    assert_eq!(first.decision(&trigger).await["status"], "sent");
    // a restart ten minutes later (past the cooldown, so only the trigger's row can stop a
    // reply): a new backend over the same database, with no memory of the webhooks
    first.server.abort();
    now.fetch_add(10 * 60 * 1000, Ordering::SeqCst);
    let second = Harness::serve(
        sim.clone(),
        Store::open(&db.url).await.unwrap(),
        now.clone(),
        settings(&now),
    )
    .await;
    second.webhook(&asks).await;
    // the engine takes events in order: once a later trigger is decided, the resent one was
    let marker = onmessage("3EB0FFFFFFFFFFFFFFFF", "5511977776666", "pedido 9", None);
    second.webhook(&marker).await;
    assert_eq!(
        second.decision(marker["id"].as_str().unwrap()).await["status"],
        "sent"
    );
    let to_contact: Vec<_> = second
        .replies()
        .into_iter()
        .filter(|(chat, _)| chat == &format!("{CONTACT}@c.us"))
        .collect();
    assert_eq!(
        to_contact,
        [(
            format!("{CONTACT}@c.us"),
            "Vamos ver o seu pedido, Bia.".to_owned()
        )],
        "one reply however often the trigger is delivered"
    );
}

#[tokio::test]
async fn a_second_bot_answering_every_reply_does_not_cause_a_loop() {
    let h = Harness::new(|now| Settings {
        cooldown: Duration::ZERO,
        loop_limit: 3,
        ..settings(now)
    })
    .await;
    let rule = h
        .rule(json!({"trigger": "keyword", "pattern": "order", "template": "Hi {name}, your order is on its way."}))
        .await;
    let bot = "5511955554444";
    let mut trigger = h.writes(bot, "where is my order?");
    let mut echoes = Vec::new();
    let mut rounds = 0;
    // the other bot answers each of our replies: once with our own words, then with its own
    loop {
        let decision = h.decision(&trigger).await;
        if decision["status"] == "skipped" {
            assert_eq!(decision["reason"], "muted", "{decision}");
            break;
        }
        assert_eq!(decision["status"], "sent", "{decision}");
        rounds += 1;
        assert!(rounds <= 10, "the replies never stopped");
        let ours = h.replies().last().unwrap().1.clone();
        echoes.push(h.writes(bot, &ours));
        trigger = h.writes(
            bot,
            &format!("Thank you for your message about your order #{rounds}!"),
        );
    }
    assert_eq!(rounds, 3, "the loop stops after the configured 3 replies");
    assert_eq!(h.replies().len(), 3, "{:?}", h.replies());
    let decisions = h.decisions().await;
    for echo in &echoes {
        assert!(
            decisions.iter().all(|d| d["triggerId"] != echo.as_str()),
            "a message that repeats our reply is never a trigger"
        );
    }
    // muted for this rule: a later message of the bot is skipped too
    let later = h.writes(bot, "order order order");
    assert_eq!(h.decision(&later).await["reason"], "muted");
    assert!(decisions.iter().all(|d| d["ruleId"] == rule));
    // another contact is not muted
    let person = h.writes(CONTACT, "my order?");
    assert_eq!(h.decision(&person).await["status"], "sent");
    assert_eq!(h.replies().len(), 4);
}

#[tokio::test]
async fn the_cooldown_and_the_session_rate_pace_replies() {
    let h = Harness::new(|now| Settings {
        session_rate: 2,
        ..settings(now)
    })
    .await;
    h.rule(json!({"trigger": "keyword", "pattern": "oi", "template": "Olá!"}))
        .await;
    let first = h.writes(CONTACT, "oi");
    assert_eq!(h.decision(&first).await["status"], "sent");
    let again = h.writes(CONTACT, "oi de novo");
    let paced = h.decision(&again).await;
    assert_eq!(
        (&paced["status"], &paced["reason"]),
        (&json!("skipped"), &json!("cooldown"))
    );
    let other = h.writes("5511911112222", "oi");
    assert_eq!(h.decision(&other).await["status"], "sent");
    let third = h.writes("5511933334444", "oi");
    assert_eq!(h.decision(&third).await["reason"], "rate", "2 a minute");
    // a minute later both limits are over
    h.now.fetch_add(61_000, Ordering::SeqCst);
    let later = h.writes(CONTACT, "oi");
    assert_eq!(h.decision(&later).await["status"], "sent");
    assert_eq!(h.replies().len(), 3);
}

#[tokio::test]
async fn groups_are_ignored_unless_a_rule_asks_and_then_the_author_gets_the_reply() {
    let h = Harness::new(settings).await;
    let rule = h
        .rule(json!({"trigger": "keyword", "pattern": "horário", "template": "Abrimos às 9h."}))
        .await;
    let group = "120363025746331234@g.us";
    let member = "5511966665555";
    let in_group = onmessage(
        "3EB0000000000000000A",
        member,
        "qual o horario?",
        Some(group),
    );
    h.webhook(&in_group).await;
    let marker = h.writes(CONTACT, "horário?");
    assert_eq!(h.decision(&marker).await["status"], "sent");
    let decisions = h.decisions().await;
    assert!(
        decisions.iter().all(|d| d["triggerId"] != in_group["id"]),
        "a group message triggers nothing by default: {decisions:?}"
    );
    assert_eq!(h.replies().len(), 1);
    let (status, patched) = h
        .send(
            reqwest::Method::PATCH,
            &format!("/api/sessions/main/rules/{rule}"),
            Some(json!({"groups": true})),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["groups"], true);
    let asked = onmessage("3EB0000000000000000B", member, "horário?", Some(group));
    h.webhook(&asked).await;
    assert_eq!(
        h.decision(asked["id"].as_str().unwrap()).await["status"],
        "sent"
    );
    assert_eq!(
        h.replies().last().unwrap(),
        &(format!("{member}@c.us"), "Abrimos às 9h.".to_owned()),
        "the member gets the reply privately, not the group"
    );
}

#[tokio::test]
async fn business_hours_follow_the_clock() {
    let h = Harness::new(settings).await;
    let hours = |when: &str| {
        json!({"days": ["mon", "tue", "wed", "thu", "friday"], "from": "09:00", "to": "18:00",
               "utcOffset": "-03:00", "when": when})
    };
    h.rule(
        json!({"trigger": "keyword", "pattern": "hello", "template": "We are open.",
                  "hours": hours("inside")}),
    )
    .await;
    h.rule(json!({"trigger": "keyword", "pattern": "hello", "template": "We are closed; back Monday 9:00.",
                  "hours": hours("outside")}))
        .await;
    // Monday 09:34 at -03:00
    let monday = h.writes(CONTACT, "hello");
    assert_eq!(h.decision(&monday).await["reply"], "We are open.");
    // Saturday, same time
    h.now.store(MONDAY_MS + 5 * DAY_MS, Ordering::SeqCst);
    let saturday = h.writes("5511922223333", "Hello!");
    assert_eq!(
        h.decision(&saturday).await["reply"],
        "We are closed; back Monday 9:00."
    );
    // Monday 08:59 at -03:00 is outside too
    h.now.store(MONDAY_MS - 35 * 60 * 1000, Ordering::SeqCst);
    let early = h.writes("5511944443333", "hello");
    assert_eq!(
        h.decision(&early).await["reply"],
        "We are closed; back Monday 9:00."
    );
    let texts: Vec<String> = h.replies().into_iter().map(|(_, text)| text).collect();
    assert_eq!(
        texts,
        [
            "We are open.",
            "We are closed; back Monday 9:00.",
            "We are closed; back Monday 9:00."
        ]
    );
}

#[tokio::test]
async fn the_first_message_of_a_conversation_is_welcomed_once() {
    let h = Harness::new(settings).await;
    h.rule(json!({"trigger": "firstMessage", "template": "Bem-vindo, {name}!"}))
        .await;
    let first = h.writes(CONTACT, "oi");
    assert_eq!(h.decision(&first).await["status"], "sent");
    h.now.fetch_add(DAY_MS, Ordering::SeqCst);
    let second = h.writes(CONTACT, "oi de novo");
    let other = h.writes("5511988880000", "olá");
    assert_eq!(h.decision(&other).await["status"], "sent");
    assert!(
        h.decisions()
            .await
            .iter()
            .all(|d| d["triggerId"] != second.as_str()),
        "the second message of a conversation is not a first"
    );
    assert_eq!(
        h.replies(),
        [
            (
                format!("{CONTACT}@c.us"),
                "Bem-vindo, Contato 9999!".to_owned()
            ),
            (
                "5511988880000@c.us".to_owned(),
                "Bem-vindo, Contato 0000!".to_owned()
            )
        ]
    );
}

#[tokio::test]
async fn the_rules_api_checks_what_it_takes_and_manages_rules() {
    let h = Harness::new(settings).await;
    let refused = [
        json!({"trigger": "regex", "pattern": "pedido(", "template": "x"}),
        json!({"trigger": "regex", "pattern": r"(\w{100}){100}", "template": "x"}),
        json!({"trigger": "keyword", "pattern": "oi", "template": "Olá {nome}"}),
        json!({"trigger": "keyword", "pattern": " , ", "template": "x"}),
        json!({"trigger": "keyword", "template": "x"}),
        json!({"trigger": "sometimes", "pattern": "oi", "template": "x"}),
        json!({"trigger": "keyword", "pattern": "oi"}),
        json!({"trigger": "keyword", "pattern": "oi", "template": "x", "colour": "red"}),
        json!({"trigger": "keyword", "pattern": "oi", "template": "x",
               "hours": {"days": ["someday"], "from": "09:00", "to": "18:00"}}),
        json!({"trigger": "keyword", "pattern": "oi", "template": "x",
               "hours": {"days": ["mon"], "from": "9", "to": "18:00"}}),
        json!({"trigger": "keyword", "pattern": "oi", "template": "x",
               "hours": {"days": ["mon"], "from": "09:00", "to": "18:00", "utcOffset": "Mars"}}),
    ];
    for body in refused {
        let (status, answer) = h.post("/api/sessions/main/rules", body.clone()).await;
        assert_eq!(status, 400, "{body} → {answer}");
        assert!(
            answer["error"].is_string() && answer["reason"].is_string(),
            "{answer}"
        );
    }
    let (_, unknown) = h
        .post(
            "/api/sessions/main/rules",
            json!({"trigger": "keyword", "pattern": "oi", "template": "Olá {nome}"}),
        )
        .await;
    assert!(
        unknown["reason"].as_str().unwrap().contains("{nome}"),
        "{unknown}"
    );
    let (status, _) = h.get("/api/sessions/main/rules").await;
    assert_eq!(status, 200);
    let id = h
        .rule(json!({"trigger": "keyword", "pattern": "oi", "template": "Olá!",
                     "hours": {"days": ["Friday", "mon"], "from": "22:00", "to": "06:00", "utcOffset": "+05:30"}}))
        .await;
    let (_, rules) = h.get("/api/sessions/main/rules").await;
    assert_eq!(rules.as_array().unwrap().len(), 1);
    let rule = &rules[0];
    assert_eq!(rule["id"], id);
    assert_eq!(rule["name"], "oi");
    assert_eq!(rule["enabled"], true);
    assert_eq!(rule["groups"], false);
    assert_eq!(
        rule["hours"],
        json!({"days": ["mon", "fri"], "from": "22:00", "to": "06:00", "utcOffset": "+05:30", "when": "inside"})
    );
    let path = format!("/api/sessions/main/rules/{id}");
    let (status, patched) = h
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"hours": null, "enabled": false})),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        (patched["hours"].clone(), patched["enabled"].clone()),
        (Value::Null, json!(false))
    );
    assert_eq!(patched["version"], 2);
    let (status, _) = h
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"template": "{oops}"})),
        )
        .await;
    assert_eq!(status, 400, "a PATCH is checked as a whole");
    // disabled: a matching message gets nothing (a marker rule's reply to a later message
    // shows the engine is past it: it takes messages in order)
    let marker_rule = h
        .rule(json!({"trigger": "keyword", "pattern": "ping", "template": "pong"}))
        .await;
    let ignored = h.writes(CONTACT, "oi");
    let marker = h.writes(CONTACT, "ping");
    assert_eq!(h.decision(&marker).await["reply"], "pong");
    h.send(
        reqwest::Method::PATCH,
        &path,
        Some(json!({"enabled": true, "template": "De volta!"})),
    )
    .await;
    let answered = h.writes(CONTACT, "oi");
    assert_eq!(h.decision(&answered).await["reply"], "De volta!");
    assert!(h
        .decisions()
        .await
        .iter()
        .all(|d| d["triggerId"] != ignored.as_str()));
    for (method, path, status) in [
        (
            reqwest::Method::PATCH,
            "/api/sessions/main/rules/999".to_owned(),
            404,
        ),
        (
            reqwest::Method::PATCH,
            "/api/sessions/main/rules/abc".to_owned(),
            400,
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/sessions/other/rules/{id}"),
            404,
        ),
        (
            reqwest::Method::DELETE,
            "/api/sessions/main/rules/0".to_owned(),
            400,
        ),
        (
            reqwest::Method::GET,
            "/api/sessions/a%2Fb/rules".to_owned(),
            400,
        ),
    ] {
        let (got, body) = h.send(method.clone(), &path, Some(json!({}))).await;
        assert_eq!(got, status, "{method} {path}: {body}");
    }
    let (status, _) = h.send(reqwest::Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let (status, _) = h.send(reqwest::Method::DELETE, &path, None).await;
    assert_eq!(status, 404);
    let (_, rules) = h.get("/api/sessions/main/rules").await;
    assert_eq!(rules.as_array().unwrap().len(), 1);
    assert_eq!(rules[0]["id"], marker_rule);
    let anonymous = reqwest::Client::new()
        .get(format!("{}/api/sessions/main/rules", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
