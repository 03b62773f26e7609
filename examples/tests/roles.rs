//! Users with roles, end to end over loopback with the simulator: every API route for each
//! role (admin, an agent granted the session, an agent granted another one, a viewer granted
//! it, nobody), lists and pushes filtered to the granted sessions, and the user admin flows.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use serde_json::{json, Value};
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::roles::{Need, ROUTES};
use wppconnect_examples::backend::{users, Auth, Backend, Parts, Store};
use wppconnect_sim::{RunningSimulator, Simulator};

use support::{next_event, sse, until};

const ROOT_PASSWORD: &str = "root-password-1";
const PASSWORD: &str = "password-of-8+";
const CONTACT: &str = "5521988887777";
const METRICS_TOKEN: &str = "metrics-token-of-the-roles-test";

struct Harness {
    sim: RunningSimulator,
    base: String,
    http: reqwest::Client,
    /// The token of `root`, the configured admin.
    root: String,
}

impl Harness {
    /// A backend in front of a fresh simulator, with `root` configured as admin and the
    /// sessions `loja` and `main` connected.
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
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let store = Store::open("sqlite::memory:").await.unwrap();
        let auth = Auth::new(
            HashMap::from([("root".to_owned(), hash_password(ROOT_PASSWORD).unwrap())]),
            "jwt-secret",
        );
        let parts = Parts {
            health_cache_period: Some(Duration::ZERO),
            metrics_token: Some(METRICS_TOKEN.to_owned()),
            ..Parts::new(client, store, auth, "hook-secret")
        };
        let backend = Backend::bind("127.0.0.1:0", parts).await.unwrap();
        let base = backend.url();
        backend.spawn();
        let http = reqwest::Client::new();
        let root = support::login(&http, &base, "root", ROOT_PASSWORD).await;
        let h = Self {
            sim,
            base,
            http,
            root,
        };
        for session in ["loja", "main"] {
            h.connect(session).await;
        }
        h
    }

    async fn connect(&self, session: &str) {
        let (status, _) = self
            .call(
                "POST",
                &format!("/api/sessions/{session}/start"),
                Some(&self.root),
                Body::None,
            )
            .await;
        assert_eq!(status, 200, "start {session}");
        let sim = &self.sim;
        until(&format!("{session} waiting for its scan"), || async move {
            sim.scan(session).ok()
        })
        .await;
        until(&format!("{session} connected"), || async move {
            let (_, s) = self
                .call(
                    "GET",
                    &format!("/api/sessions/{session}"),
                    Some(&self.root),
                    Body::None,
                )
                .await;
            (s["status"] == "connected").then_some(())
        })
        .await;
    }

    /// Adds a user through the API as `root`; their token.
    async fn user(&self, name: &str, role: &str, sessions: &[&str]) -> String {
        let (status, body) = self
            .call(
                "POST",
                "/api/users",
                Some(&self.root),
                Body::Json(
                    json!({"name": name, "password": PASSWORD, "role": role, "sessions": sessions}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        self.login(name, PASSWORD).await
    }

    async fn login(&self, name: &str, password: &str) -> String {
        support::login(&self.http, &self.base, name, password).await
    }

    /// One request: (status, JSON body or null). A stream (SSE) is answered by its status only.
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Body,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request = match body {
            Body::None => request,
            Body::Json(value) => request.json(&value),
            Body::File => request.multipart(
                reqwest::multipart::Form::new()
                    .text("session", "loja")
                    .text("to", CONTACT)
                    .part(
                        "file",
                        reqwest::multipart::Part::bytes(b"%PDF-1.4 roles".to_vec())
                            .file_name("price-list.pdf")
                            .mime_str("application/pdf")
                            .unwrap(),
                    ),
            ),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let streaming = response
            .headers()
            .get("content-type")
            .is_some_and(|ct| ct.as_bytes().starts_with(b"text/event-stream"));
        if streaming {
            return (status, Value::Null);
        }
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call("GET", path, Some(token), Body::None).await
    }
}

#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    File,
}

/// One route, a request to it, and the status each caller gets, in the order of [`CALLERS`].
struct Row {
    method: &'static str,
    route: &'static str,
    /// The request's path; a `{key}` in it is the value an earlier row captured (a send's
    /// client id, a campaign's, a rule's or a subscription's id).
    path: &'static str,
    body: Body,
    expect: [u16; 5],
    /// `(key, field)`: the first 2xx answer's JSON `field`, kept as `{key}` for later rows.
    capture: Option<(&'static str, &'static str)>,
}

impl Row {
    /// Keeps the first 2xx answer's `field` as `{key}` for the paths of later rows.
    fn capture(self, key: &'static str, field: &'static str) -> Self {
        Self {
            capture: Some((key, field)),
            ..self
        }
    }
}

/// Who calls, in this order (the admin last, so that its changes come after the others' tries).
const CALLERS: [&str; 5] = [
    "nobody",
    "viewer dora (loja)",
    "agent caio (main)",
    "agent bia (loja)",
    "admin root",
];

const fn row(
    method: &'static str,
    route: &'static str,
    path: &'static str,
    body: Body,
    expect: [u16; 5],
) -> Row {
    Row {
        method,
        route,
        path,
        body,
        expect,
        capture: None,
    }
}

/// Every API route; the session at stake is `loja`. Start and logout come last (the admin's
/// logout ends the session).
fn table() -> Vec<Row> {
    //   callers:          nobody viewer other agent admin
    const ALL: [u16; 5] = [200, 200, 200, 200, 200];
    const READ: [u16; 5] = [401, 200, 403, 200, 200];
    // user admin, automatic-reply rules and webhook subscriptions
    const ADMIN: [u16; 5] = [401, 403, 403, 403, 200];
    let send = json!({"sessionName": "loja", "phone": CONTACT, "message": "Olá"});
    let new_user = json!({"name": "newbie", "password": PASSWORD, "role": "viewer"});
    let campaign = json!({"session": "loja", "recipients": [CONTACT], "text": "Promoção de hoje"});
    let new_rule =
        json!({"trigger": "keyword", "pattern": "horário", "template": "Abrimos às 9h, {name}."});
    let subscription = json!({"url": "http://127.0.0.1:9/hook", "events": ["new-message"]});
    vec![
        row("GET", "/", "/", Body::None, ALL),
        row("GET", "/app.js", "/app.js", Body::None, ALL),
        row("GET", "/style.css", "/style.css", Body::None, ALL),
        row("GET", "/js/{*path}", "/js/api.js", Body::None, ALL),
        row("GET", "/health", "/health", Body::None, ALL),
        row(
            "POST",
            "/api/auth/login",
            "/api/auth/login",
            Body::Json(json!({"username": "nobody", "password": "wrong-password"})),
            [401; 5],
        ),
        row(
            "GET",
            "/api/health",
            "/api/health",
            Body::None,
            [401, 403, 403, 403, 200],
        ),
        row(
            "GET",
            "/api/sessions",
            "/api/sessions",
            Body::None,
            [401, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/api/sessions/{name}",
            "/api/sessions/loja",
            Body::None,
            READ,
        ),
        // sends are queued in the outbox: 202
        row(
            "POST",
            "/api/messages",
            "/api/messages",
            Body::Json(send),
            [401, 403, 403, 202, 202],
        )
        .capture("send", "clientId"),
        row(
            "POST",
            "/api/messages/file",
            "/api/messages/file",
            Body::File,
            [401, 403, 403, 202, 202],
        ),
        row(
            "GET",
            "/api/messages/{client_id}/delivery",
            "/api/messages/{send}/delivery?session=loja",
            Body::None,
            READ,
        ),
        row(
            "POST",
            "/api/campaigns",
            "/api/campaigns",
            Body::Json(campaign),
            [401, 403, 403, 202, 202],
        )
        .capture("campaign", "id"),
        // no session in the path: the handler checks the campaign's own
        row(
            "GET",
            "/api/campaigns/{id}",
            "/api/campaigns/{campaign}",
            Body::None,
            READ,
        ),
        row(
            "GET",
            "/api/sessions/{name}/rules",
            "/api/sessions/loja/rules",
            Body::None,
            READ,
        ),
        row(
            "POST",
            "/api/sessions/{name}/rules",
            "/api/sessions/loja/rules",
            Body::Json(new_rule),
            [401, 403, 403, 403, 201],
        )
        .capture("rule", "id"),
        row(
            "PATCH",
            "/api/sessions/{name}/rules/{id}",
            "/api/sessions/loja/rules/{rule}",
            Body::Json(json!({"enabled": false})),
            ADMIN,
        ),
        row(
            "DELETE",
            "/api/sessions/{name}/rules/{id}",
            "/api/sessions/loja/rules/{rule}",
            Body::None,
            [401, 403, 403, 403, 204],
        ),
        row(
            "GET",
            "/api/sessions/{name}/auto-replies",
            "/api/sessions/loja/auto-replies",
            Body::None,
            READ,
        ),
        row(
            "POST",
            "/api/sessions/{name}/subscriptions",
            "/api/sessions/loja/subscriptions",
            Body::Json(subscription),
            [401, 403, 403, 403, 201],
        )
        .capture("subscription", "id"),
        row(
            "GET",
            "/api/sessions/{name}/subscriptions",
            "/api/sessions/loja/subscriptions",
            Body::None,
            ADMIN,
        ),
        row(
            "POST",
            "/api/sessions/{name}/subscriptions/{id}/resume",
            "/api/sessions/loja/subscriptions/{subscription}/resume",
            Body::None,
            [401, 403, 403, 403, 204],
        ),
        row(
            "DELETE",
            "/api/sessions/{name}/subscriptions/{id}",
            "/api/sessions/loja/subscriptions/{subscription}",
            Body::None,
            [401, 403, 403, 403, 204],
        ),
        row(
            "GET",
            "/api/conversations",
            "/api/conversations?session=loja",
            Body::None,
            READ,
        ),
        row(
            "GET",
            "/api/conversations/{id}/messages",
            "/api/conversations/5521988887777@c.us/messages?session=loja",
            Body::None,
            READ,
        ),
        row(
            "POST",
            "/api/conversations/{id}/read",
            "/api/conversations/5521988887777@c.us/read?session=loja",
            Body::None,
            [401, 403, 403, 200, 200],
        ),
        row(
            "GET",
            "/api/events",
            "/api/events?session=loja",
            Body::None,
            READ,
        ),
        row(
            "GET",
            "/api/search",
            "/api/search?q=Olá&session=loja",
            Body::None,
            READ,
        ),
        row(
            "GET",
            "/api/analytics",
            "/api/analytics?session=loja",
            Body::None,
            READ,
        ),
        row(
            "GET",
            "/api/users",
            "/api/users",
            Body::None,
            [401, 403, 403, 403, 200],
        ),
        row(
            "POST",
            "/api/users",
            "/api/users",
            Body::Json(new_user),
            [401, 403, 403, 403, 201],
        ),
        row(
            "GET",
            "/api/users/me",
            "/api/users/me",
            Body::None,
            [401, 200, 200, 200, 200],
        ),
        row(
            "PATCH",
            "/api/users/{name}",
            "/api/users/temp",
            Body::Json(json!({"role": "admin"})),
            [401, 403, 403, 403, 200],
        ),
        row(
            "DELETE",
            "/api/users/{name}",
            "/api/users/temp",
            Body::None,
            [401, 403, 403, 403, 204],
        ),
        row(
            "POST",
            "/api/sessions/{name}/start",
            "/api/sessions/loja/start",
            Body::None,
            [401, 403, 403, 403, 200],
        ),
        row(
            "POST",
            "/api/sessions/{name}/logout",
            "/api/sessions/loja/logout",
            Body::None,
            [401, 403, 403, 403, 200],
        ),
    ]
}

/// Routes outside the API router, with checks of their own: the webhook receiver (its secret,
/// in the webhook crate) and `/metrics` (its own token).
const OUTSIDE: &[(&str, &str)] = &[("GET", "/metrics")];

/// Every `.rs` file under `dir`, in its subdirectories too.
fn sources_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found
}

/// Every `.route("…", method(…).method(…))` of the backend's sources (`src/backend` and its
/// subdirectories), as (method, path).
fn routes_in_sources() -> BTreeSet<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/backend");
    let mut found = BTreeSet::new();
    for path in sources_under(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let Some(open) = rest.find('"') else { break };
            let Some(close) = rest[open + 1..].find('"') else {
                break;
            };
            let route = rest[open + 1..open + 1 + close].to_owned();
            // the methods named at the top level of the handler expression
            let mut depth = 1;
            let mut word = String::new();
            for c in rest[open + close + 2..].chars() {
                match c {
                    '(' => {
                        if depth == 1
                            && ["get", "post", "put", "patch", "delete"].contains(&word.as_str())
                        {
                            found.insert((word.to_uppercase(), route.clone()));
                        }
                        depth += 1;
                        word.clear();
                    }
                    ')' => {
                        depth -= 1;
                        word.clear();
                        if depth == 0 {
                            break;
                        }
                    }
                    c if c.is_alphanumeric() || c == '_' => word.push(c),
                    _ => word.clear(),
                }
            }
        }
    }
    found
}

#[test]
fn the_table_rules_and_router_list_the_same_routes() {
    let in_sources = routes_in_sources();
    assert!(
        in_sources.contains(&("GET".to_owned(), "/api/sessions".to_owned())),
        "the scan finds routes: {in_sources:?}"
    );
    assert!(
        in_sources.contains(&("GET".to_owned(), "/api/sessions/{name}/rules".to_owned())),
        "the scan reads subdirectories (autoreply/rules.rs): {in_sources:?}"
    );
    let outside: BTreeSet<(String, String)> = OUTSIDE
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let rules: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let rows: BTreeSet<(String, String)> = table()
        .iter()
        .map(|r| (r.method.to_owned(), r.route.to_owned()))
        .collect();
    let served: BTreeSet<_> = in_sources.difference(&outside).cloned().collect();
    assert_eq!(
        served, rules,
        "every route has a permission rule in roles::ROUTES, and every rule a route"
    );
    assert_eq!(rows, rules, "every rule has a row in this test's table");
    for rule in ROUTES {
        let row = table()
            .into_iter()
            .find(|r| r.method == rule.method && r.route == rule.path)
            .unwrap();
        // the anonymous column follows the rule: public routes answer, the others want a login
        let anonymous_refused = row.expect[0] == 401;
        assert_eq!(
            anonymous_refused,
            rule.need != Need::Public || rule.path == "/api/auth/login",
            "{} {}",
            rule.method,
            rule.path
        );
    }
}

#[tokio::test]
async fn each_role_gets_what_it_may_on_every_route() {
    let h = Harness::new().await;
    let bia = h.user("bia", "agent", &["loja"]).await;
    let caio = h.user("caio", "agent", &["main"]).await;
    let dora = h.user("dora", "viewer", &["loja"]).await;
    h.user("temp", "viewer", &[]).await;
    h.sim.contact_writes("loja", CONTACT, "Olá, loja").unwrap();
    until("the contact's conversation stored", || async {
        let (_, list) = h.get("/api/conversations?session=loja", &h.root).await;
        (list[0]["id"] == "5521988887777@c.us").then_some(())
    })
    .await;
    let tokens = [None, Some(&dora), Some(&caio), Some(&bia), Some(&h.root)];
    let mut failures = Vec::new();
    let mut captured: HashMap<&str, String> = HashMap::new();
    for row in table() {
        let mut path = row.path.to_owned();
        for (key, value) in &captured {
            path = path.replace(&format!("{{{key}}}"), value);
        }
        if path.contains('{') {
            failures.push(format!(
                "{} {}: nothing captured for it (the row that creates it failed)",
                row.method, row.path
            ));
            continue;
        }
        for ((caller, token), expected) in CALLERS.iter().zip(tokens).zip(row.expect) {
            let (status, body) = h
                .call(
                    row.method,
                    &path,
                    token.map(String::as_str),
                    row.body.clone(),
                )
                .await;
            if status != expected {
                failures.push(format!(
                    "{} {path} as {caller}: {status}, expected {expected}: {body}",
                    row.method
                ));
            }
            if status == 403 && (body["error"] != "forbidden" || !body["reason"].is_string()) {
                failures.push(format!("{} {path}: a 403 body {body}", row.method));
            }
            if let Some((key, field)) = row.capture {
                let value = match &body[field] {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                };
                if let (true, Some(value)) = ((200..300).contains(&status), value) {
                    captured.entry(key).or_insert(value);
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // a send's delivery is looked up in the session named: a session granted to the caller
    // does not show another session's send
    let (status, body) = h
        .get(
            &format!("/api/messages/{}/delivery?session=main", captured["send"]),
            &caio,
        )
        .await;
    assert_eq!(status, 404, "{body}");

    // a method a route does not have is still a 405, whoever asks
    for token in [None, Some(&bia)] {
        let (status, _) = h
            .call(
                "PUT",
                "/api/sessions",
                token.map(String::as_str),
                Body::None,
            )
            .await;
        assert_eq!(status, 405);
    }

    // `/metrics` wants its own token: a JWT, even an admin's, is not it
    for token in [&bia, &h.root] {
        let (status, _) = h.get("/metrics", token).await;
        assert_eq!(status, 401);
    }
    // `/health` details (every session's state) for admins only
    let (_, details) = h.get("/health", &h.root).await;
    assert!(details["wppconnect"].is_object(), "{details}");
    let (_, plain) = h.get("/health", &bia).await;
    assert!(plain["wppconnect"].is_null(), "{plain}");
}

#[tokio::test]
async fn lists_searches_and_figures_hold_only_the_granted_sessions() {
    let h = Harness::new().await;
    let bia = h.user("bia", "agent", &["loja"]).await;
    let eva = h.user("eva", "viewer", &["loja", "main"]).await;
    h.sim
        .contact_writes("loja", "5521911112222", "pedido loja")
        .unwrap();
    h.sim
        .contact_writes("main", "5521933334444", "pedido main")
        .unwrap();
    until("both messages searchable", || async {
        let (_, page) = h.get("/api/search?q=pedido", &h.root).await;
        (page["hits"].as_array().map(Vec::len) == Some(2)).then_some(())
    })
    .await;

    let (_, sessions) = h.get("/api/sessions", &bia).await;
    let names: Vec<&str> = sessions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["loja"], "{sessions}");
    let (_, all) = h.get("/api/sessions", &h.root).await;
    assert_eq!(all.as_array().unwrap().len(), 2);

    let (_, conversations) = h.get("/api/conversations", &bia).await;
    let ids: Vec<&str> = conversations
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, ["5521911112222@c.us"], "{conversations}");

    let (status, page) = h.get("/api/search?q=pedido", &bia).await;
    assert_eq!(status, 200);
    let hits = page["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{page}");
    assert!(page.to_string().contains("pedido loja"), "{page}");
    assert!(!page.to_string().contains("pedido main"), "{page}");

    let (_, figures) = h.get("/api/analytics", &bia).await;
    let incoming: u64 = figures["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["messagesIn"].as_u64().unwrap())
        .sum();
    assert_eq!(incoming, 1, "only loja's message: {figures}");
    let (_, figures) = h.get("/api/analytics", &h.root).await;
    let incoming: u64 = figures["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["messagesIn"].as_u64().unwrap())
        .sum();
    assert_eq!(incoming, 2, "{figures}");

    // one conversation's history: an agent of one session reads it without naming the
    // session; with several, the session must be named
    let (status, page) = h
        .get("/api/conversations/5521933334444@c.us/messages", &bia)
        .await;
    assert_eq!((status, page["total"].as_i64()), (200, Some(0)), "{page}");
    let (status, body) = h
        .get("/api/conversations/5521911112222@c.us/messages", &eva)
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, page) = h
        .get(
            "/api/conversations/5521933334444@c.us/messages?session=main",
            &eva,
        )
        .await;
    assert_eq!((status, page["total"].as_i64()), (200, Some(1)), "{page}");

    // a send in a session not granted stores nothing and reaches nobody
    let (status, _) = h
        .call(
            "POST",
            "/api/messages",
            Some(&bia),
            Body::Json(json!({"sessionName": "main", "phone": CONTACT, "message": "intrusão"})),
        )
        .await;
    assert_eq!(status, 403);
    assert!(h
        .sim
        .messages("main")
        .iter()
        .all(|m| !m.to_string().contains("intrusão")));
}

#[tokio::test]
async fn pushes_reach_only_granted_sessions_and_follow_a_change_at_once() {
    let h = Harness::new().await;
    let bia = h.user("bia", "agent", &["loja"]).await;
    let mut admin_events = sse(
        &h.http,
        &format!("{}/api/events?access_token={}", h.base, h.root),
    )
    .await;
    let mut bia_events = sse(
        &h.http,
        &format!("{}/api/events?access_token={bia}", h.base),
    )
    .await;
    let incoming = |session: &'static str, text: &'static str| {
        move |event: &str, data: &Value| {
            event == "new-message" && data["session"] == session && data["data"]["content"] == text
        }
    };

    // main's message first: once the admin has it and then loja's reaches bia, bia's stream
    // (in push order) would have shown main's before loja's
    h.sim.contact_writes("main", CONTACT, "um").unwrap();
    next_event(&mut admin_events, incoming("main", "um")).await;
    h.sim.contact_writes("loja", CONTACT, "dois").unwrap();
    let first = next_event(&mut bia_events, |event, _| event == "new-message").await;
    assert_eq!(first["session"], "loja", "{first}");
    assert_eq!(first["data"]["content"], "dois");

    // the grant moves to main: the open stream follows at once
    let (status, _) = h
        .call(
            "PATCH",
            "/api/users/bia",
            Some(&h.root),
            Body::Json(json!({"sessions": ["main"]})),
        )
        .await;
    assert_eq!(status, 200);
    h.sim.contact_writes("loja", CONTACT, "três").unwrap();
    next_event(&mut admin_events, incoming("loja", "três")).await;
    h.sim.contact_writes("main", CONTACT, "quatro").unwrap();
    let next = next_event(&mut bia_events, |event, _| event == "new-message").await;
    assert_eq!(next["session"], "main", "{next}");
    assert_eq!(next["data"]["content"], "quatro");

    // asking for a session not granted is refused before any stream
    let (status, body) = h.get("/api/events?session=loja", &bia).await;
    assert_eq!(status, 403, "{body}");

    // a deleted user's open stream receives nothing more
    let (status, _) = h
        .call("DELETE", "/api/users/bia", Some(&h.root), Body::None)
        .await;
    assert_eq!(status, 204);
    h.sim.contact_writes("main", CONTACT, "cinco").unwrap();
    next_event(&mut admin_events, incoming("main", "cinco")).await;
    h.sim.contact_writes("main", CONTACT, "seis").unwrap();
    next_event(&mut admin_events, incoming("main", "seis")).await;
    assert!(
        bia_events
            .try_recv()
            .map_or(true, |(event, _)| event != "new-message"),
        "a deleted user got a push"
    );
}

#[tokio::test]
async fn admins_add_change_and_remove_users_but_never_the_last_admin() {
    let h = Harness::new().await;
    let (status, me) = h.get("/api/users/me", &h.root).await;
    assert_eq!(status, 200);
    assert_eq!(me, json!({"name": "root", "role": "admin", "sessions": []}));

    let bia = h.user("bia", "agent", &["loja", "loja"]).await;
    let (_, list) = h.get("/api/users", &h.root).await;
    assert_eq!(
        list,
        json!([
            {"name": "bia", "role": "agent", "sessions": ["loja"]},
            {"name": "root", "role": "admin", "sessions": []},
        ])
    );
    assert!(!list.to_string().contains("argon2"), "no hash is shown");

    // refusals, each with its reason, nothing stored
    let create = |body: Value| h.call("POST", "/api/users", Some(&h.root), Body::Json(body));
    let cases = [
        (
            json!({"name": "bia", "password": PASSWORD, "role": "viewer"}),
            409,
            "exists",
        ),
        (
            json!({"name": "a/b", "password": PASSWORD, "role": "viewer"}),
            400,
            "user name",
        ),
        (
            json!({"name": "ana", "password": PASSWORD, "role": "root"}),
            400,
            "role",
        ),
        (
            json!({"name": "ana", "password": "short", "role": "viewer"}),
            400,
            "8 characters",
        ),
        (
            json!({"name": "ana", "password": PASSWORD, "role": "viewer", "sessions": ["../x"]}),
            400,
            "",
        ),
        (json!({"name": "ana", "password": PASSWORD}), 400, "role"),
    ];
    for (body, status, reason) in cases {
        let (got, answer) = create(body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert!(
            answer["reason"]
                .as_str()
                .unwrap_or_default()
                .contains(reason),
            "{body}: {answer}"
        );
    }
    let (_, list) = h.get("/api/users", &h.root).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");

    // the last admin stays
    let (status, body) = h
        .call(
            "PATCH",
            "/api/users/root",
            Some(&h.root),
            Body::Json(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["reason"].as_str().unwrap().contains("last admin"));
    let (status, _) = h
        .call("DELETE", "/api/users/root", Some(&h.root), Body::None)
        .await;
    assert_eq!(status, 409);
    let (status, _) = h
        .call("DELETE", "/api/users/nobody", Some(&h.root), Body::None)
        .await;
    assert_eq!(status, 404);

    // a promotion applies to the next request, with the same token
    let (status, _) = h.get("/api/users", &bia).await;
    assert_eq!(status, 403);
    let (status, _) = h
        .call(
            "PATCH",
            "/api/users/bia",
            Some(&h.root),
            Body::Json(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = h.get("/api/users", &bia).await;
    assert_eq!(status, 200);
    // with two admins, root may step down
    let (status, body) = h
        .call(
            "PATCH",
            "/api/users/root",
            Some(&bia),
            Body::Json(json!({"role": "viewer", "sessions": ["main"]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"name": "root", "role": "viewer", "sessions": ["main"]})
    );
    let (status, _) = h.get("/api/users", &h.root).await;
    assert_eq!(status, 403, "root is a viewer now");

    // a new password: the tokens issued before stop working, the new one logs in
    let (status, _) = h
        .call(
            "PATCH",
            "/api/users/root",
            Some(&bia),
            Body::Json(json!({"password": "another-password"})),
        )
        .await;
    assert_eq!(status, 200);
    let root = h.login("root", "another-password").await;
    let (status, _) = h.get("/api/users/me", &root).await;
    assert_eq!(status, 200);
    let (status, body) = h.get("/api/users/me", &h.root).await;
    assert_eq!(status, 401, "the old token: {body}");
    let (status, _) = h
        .call(
            "POST",
            "/api/auth/login",
            None,
            Body::Json(json!({"username": "root", "password": ROOT_PASSWORD})),
        )
        .await;
    assert_eq!(status, 401, "the old password");

    // removed: the token and the password stop working
    let (status, _) = h
        .call("DELETE", "/api/users/root", Some(&bia), Body::None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = h.get("/api/sessions", &root).await;
    assert_eq!(status, 401);
    let (status, _) = h
        .call(
            "POST",
            "/api/auth/login",
            None,
            Body::Json(json!({"username": "root", "password": "another-password"})),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn configured_users_seed_the_store_once_as_admins() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let first = HashMap::from([("root".to_owned(), hash_password("first-one").unwrap())]);
    users::seed(&store, &first).await.unwrap();
    let second = HashMap::from([("root".to_owned(), hash_password("second-one").unwrap())]);
    users::seed(&store, &second).await.unwrap();
    assert_eq!(
        users::credentials(&store, "root")
            .await
            .unwrap()
            .map(|(hash, _)| hash),
        first.get("root").cloned(),
        "a stored user is kept as it is"
    );
    let listed = users::list(&store).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].role.as_str(), "admin");
}

/// Installs the official socket.io client 4 once into the target directory (as the socket.io
/// test does); its `node_modules`.
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
    dir.join("node_modules")
}

/// The socket.io client of `tests/socketio/roles.js` as `token` in `session`: its JSON lines,
/// as they come.
fn socket_client(
    base: &str,
    token: &str,
    session: &str,
    mode: &str,
) -> (
    tokio::process::Child,
    tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/socketio/roles.js");
    let mut child = tokio::process::Command::new("node")
        .arg(script)
        .args([base, token, session, mode])
        .env("NODE_PATH", socket_io_client())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node is needed to run the official socket.io client");
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    (child, lines)
}

/// The next line of the client of this kind.
async fn next_line(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    kind: &str,
) -> Value {
    tokio::time::timeout(support::HANG_GUARD, async {
        loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("the client ended before a {kind} line"));
            let value: Value = serde_json::from_str(&line).unwrap();
            if value["kind"] == kind {
                return value["data"].clone();
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {kind} line"))
}

#[tokio::test]
async fn socket_io_rooms_and_sends_follow_the_grants() {
    let h = Harness::new().await;
    let bia = h.user("bia", "agent", &["loja"]).await;
    let dora = h.user("dora", "viewer", &["loja"]).await;

    // a room and a send of a session not granted are refused
    let (_child, mut lines) = socket_client(&h.base, &bia, "main", "once");
    let join = next_line(&mut lines, "join-ack").await;
    assert_eq!(
        (join["ok"].clone(), join["error"].clone()),
        (json!(false), json!("forbidden")),
        "{join}"
    );
    let sent = next_line(&mut lines, "send-ack").await;
    assert_eq!(
        (sent["ok"].clone(), sent["error"].clone()),
        (json!(false), json!("forbidden")),
        "{sent}"
    );
    // a viewer joins their session's room but cannot send there
    let (_child, mut lines) = socket_client(&h.base, &dora, "loja", "once");
    assert_eq!(next_line(&mut lines, "join-ack").await["ok"], true);
    let sent = next_line(&mut lines, "send-ack").await;
    assert_eq!(sent["error"], "forbidden", "{sent}");
    assert!(h
        .sim
        .messages("loja")
        .iter()
        .chain(h.sim.messages("main").iter())
        .all(|m| !m.to_string().contains("pelo socket")));

    // in a granted room, until the grant goes: then the server closes the connection
    let (_child, mut lines) = socket_client(&h.base, &bia, "loja", "stay");
    assert_eq!(next_line(&mut lines, "join-ack").await["ok"], true);
    let (status, _) = h
        .call(
            "PATCH",
            "/api/users/bia",
            Some(&h.root),
            Body::Json(json!({"sessions": []})),
        )
        .await;
    assert_eq!(status, 200);
    let reason = next_line(&mut lines, "disconnect").await;
    assert_eq!(reason, "io server disconnect");
}

/// The backend binary with a fresh database and no `BACKEND_USERS`: its stdout up to the
/// simulator's lines (the address, then the generated admin's password when one is made).
async fn start_binary(db: &support::TempDb) -> (tokio::process::Child, Vec<String>) {
    let port = support::free_port().to_string();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_backend"));
    for name in [
        "WPPCONNECT_URL",
        "BACKEND_USERS",
        "WEBHOOK_SECRET",
        "METRICS_TOKEN",
    ] {
        command.env_remove(name);
    }
    let mut child = command
        .env("DATABASE_URL", &db.url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("JWT_SECRET", "a-jwt-secret-of-at-least-32-bytes!!")
        .env("HEAL_INTERVAL", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    tokio::time::timeout(support::HANG_GUARD, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let done = line.contains("talking to the built-in simulator");
            seen.push(line);
            if done {
                return;
            }
        }
        panic!("the backend ended: {seen:?}");
    })
    .await
    .expect("the backend printed its address");
    // keep reading, so the process never blocks on a full pipe
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, seen)
}

#[tokio::test]
async fn the_generated_admin_is_made_once_and_kept_across_restarts() {
    let db = support::TempDb::new("roles");
    let (mut first, output) = start_binary(&db).await;
    let password = output
        .iter()
        .find_map(|line| line.split("log in as admin with password ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no password printed: {output:?}"))
        .to_owned();
    first.kill().await.unwrap();

    let (_second, output) = start_binary(&db).await;
    assert!(
        !output.iter().any(|line| line.contains("password")),
        "a store with users gets no new admin: {output:?}"
    );
    let base = output
        .iter()
        .find_map(|line| line.split("backend on ").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    let http = reqwest::Client::new();
    let token = support::login(&http, &base, "admin", &password).await;
    let (status, me) = support::get(&http, &format!("{base}/api/users/me"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "admin", "{me}");
}
