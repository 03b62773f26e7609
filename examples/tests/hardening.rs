//! Hostile input against the reference backend (issue 11): session names, security headers,
//! JWT strictness, login throttling and a `/health` that neither leaks nor floods the server.
//! The upstream is a wiremock server that counts every request the backend makes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::{hash_password, Claims, LoginQuotas};
use wppconnect_examples::backend::{AppState, Auth, Parts, Store};

const JWT_SECRET: &str = "hardening-tests-jwt-secret-of-32+bytes";
const SECRET_KEY: &str = "THE-SERVERS-SECRET-KEY-1234";
/// Only stops a hang: every wait below ends as soon as its condition holds.
const WAIT: Duration = Duration::from_secs(60);

struct Backend {
    upstream: MockServer,
    base: String,
    addr: SocketAddr,
    http: reqwest::Client,
    token: String,
}

/// An upstream that answers every session `main` call like a connected server would.
async fn upstream() -> MockServer {
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/main/check-connection-session"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": true, "message": "Connected"})),
        )
        .mount(&upstream)
        .await;
    upstream
}

impl Backend {
    async fn start(upstream: MockServer, configure: impl FnOnce(AppState) -> AppState) -> Self {
        Self::start_with(upstream, |auth| auth, configure).await
    }

    async fn start_with(
        upstream: MockServer,
        auth: impl FnOnce(Auth) -> Auth,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let client = Client::builder(&upstream.uri())
            .unwrap()
            .secret_key(SECRET_KEY)
            .token("main", "main-token")
            .unwrap()
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let store = Store::open("sqlite::memory:").await.unwrap();
        let auth = auth(Auth::new(
            HashMap::from([("ana".to_owned(), hash_password("s3nha").unwrap())]),
            JWT_SECRET,
        ));
        let parts = Parts {
            secret_key: Some(SECRET_KEY.to_owned()),
            ..Parts::new(client, store, auth, "hook-secret")
        };
        let mut backend = wppconnect_examples::backend::Backend::bind("127.0.0.1:0", parts)
            .await
            .unwrap();
        backend.state = configure(backend.state);
        let addr = backend.addr();
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
            upstream,
            base,
            addr,
            http,
            token,
        }
    }

    /// A request sent byte for byte, so `.`, `%2E` and `..` reach the backend unnormalised (an
    /// HTTP client library would resolve them first). Returns the status and the JSON body.
    async fn raw(&self, method: &str, target: &str, authorization: Option<&str>) -> (u16, Value) {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let mut request = format!(
            "{method} {target} HTTP/1.1\r\nhost: {}\r\ncontent-length: 0\r\nconnection: close\r\n",
            self.addr
        );
        if let Some(value) = authorization {
            request.push_str(&format!("authorization: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(WAIT, stream.read_to_end(&mut answer))
            .await
            .expect("the backend answered")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer);
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        // a chunked body: the JSON sits between the chunk sizes
        let json = body
            .find(['{', '['])
            .and_then(|start| body.rfind(['}', ']']).map(|end| &body[start..=end]))
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null);
        (status, json)
    }

    async fn authed_raw(&self, method: &str, target: &str) -> (u16, Value) {
        let bearer = format!("Bearer {}", self.token);
        self.raw(method, target, Some(&bearer)).await
    }
}

/// Every route that takes a session name refuses `encoded` (a raw path segment or query value)
/// with a JSON 400, and the server never hears of it.
async fn assert_refused_everywhere(backend: &Backend, encoded: &str) {
    let targets = [
        ("POST", format!("/api/sessions/{encoded}/start")),
        ("GET", format!("/api/sessions/{encoded}")),
        ("POST", format!("/api/sessions/{encoded}/logout")),
        ("GET", format!("/api/conversations?session={encoded}")),
        (
            "GET",
            format!("/api/conversations/5511999999999@c.us/messages?session={encoded}"),
        ),
        (
            "POST",
            format!("/api/conversations/5511999999999@c.us/read?session={encoded}"),
        ),
        ("GET", format!("/api/events?session={encoded}")),
    ];
    let shown: String = encoded.chars().take(20).collect();
    for (method, target) in targets {
        let (status, body) = backend.authed_raw(method, &target).await;
        assert_eq!(status, 400, "{method} {shown}…: {body}");
        assert_eq!(body["error"], "bad_request", "{method} {shown}…: {body}");
        assert!(body["reason"].is_string(), "{method} {shown}…: {body}");
    }
    let decoded = percent_encoding::percent_decode_str(encoded)
        .decode_utf8_lossy()
        .into_owned();
    let send = backend
        .http
        .post(format!("{}/api/messages", backend.base))
        .bearer_auth(&backend.token)
        .json(&json!({"sessionName": decoded, "phone": "5511999999999", "message": "oi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(send.status(), 400, "send as {shown}…");
    let requests = backend.upstream.received_requests().await.unwrap();
    assert!(
        requests.is_empty(),
        "no upstream request for {shown}…: {:?}",
        requests.iter().map(|r| r.url.path()).collect::<Vec<_>>()
    );
    let (_, sessions) = backend.authed_raw("GET", "/api/sessions").await;
    assert_eq!(sessions, json!([]), "nothing stored for {shown}…");
}

#[tokio::test]
async fn hostile_session_names_are_refused_before_the_server_or_the_store() {
    let backend = Backend::start(MockServer::start().await, |s| s).await;
    for encoded in ["..", "a%2Fb", "a%5Cb", "%0D%0A", "%00", "a%20b", "a:b"] {
        assert_refused_everywhere(&backend, encoded).await;
    }
}

/// `.` normalises `/api/./generate-token` to the secret key's path, and a 5,000-character name
/// has no use; `SessionName::new` refuses them with the stricter rule of the models.
#[tokio::test]
async fn dot_and_endless_session_names_are_refused() {
    let backend = Backend::start(MockServer::start().await, |s| s).await;
    let endless = "a".repeat(5000);
    for encoded in [".", "%2E", "%2e", endless.as_str()] {
        assert_refused_everywhere(&backend, encoded).await;
    }
}

#[tokio::test]
async fn pages_api_answers_and_errors_carry_the_security_headers() {
    let backend = Backend::start(upstream().await, |s| s).await;
    let anonymous = |path: &str| backend.http.get(format!("{}{path}", backend.base));
    let answers = [
        ("/", anonymous("/").send().await.unwrap()),
        ("/app.js", anonymous("/app.js").send().await.unwrap()),
        (
            "/api/sessions",
            anonymous("/api/sessions")
                .bearer_auth(&backend.token)
                .send()
                .await
                .unwrap(),
        ),
        ("401", anonymous("/api/sessions").send().await.unwrap()),
        ("404", anonymous("/api/nothing-here").send().await.unwrap()),
        ("/health", anonymous("/health").send().await.unwrap()),
    ];
    for (what, answer) in answers {
        let headers = answer.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{what}: no CSP"))
            .to_str()
            .unwrap();
        for directive in [
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{what}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{what}");
    }
    // the console has nothing inline that this policy would block
    let page = anonymous("/").send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("<style"), "no inline style element");
    assert!(!page.contains(" style="), "no inline style attribute");
    for script in page.split("<script").skip(1) {
        assert!(script.contains("src="), "no inline script: <script{script}");
    }
}

fn token_for(sub: &str, exp_offset: i64) -> String {
    let now = wppconnect_models::Seconds::now().get();
    let claims = Claims {
        sub: sub.to_owned(),
        iat: now - 60,
        exp: now + exp_offset,
        ver: 0,
    };
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn bearer_is_case_insensitive_and_expired_or_orphan_tokens_are_refused() {
    let backend = Backend::start(upstream().await, |s| s).await;
    let with = |authorization: String| {
        let request = backend
            .http
            .get(format!("{}/api/sessions", backend.base))
            .header("authorization", authorization);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        assert_eq!(
            with(format!("{scheme} {}", backend.token)).await,
            200,
            "{scheme}"
        );
    }
    assert_eq!(with(format!("Basic {}", backend.token)).await, 401);
    assert_eq!(with(format!("Bearer {}", token_for("ana", 600))).await, 200);
    assert_eq!(
        with(format!("Bearer {}", token_for("ana", -30))).await,
        401,
        "expired 30 s ago: past the few seconds of leeway"
    );
    assert_eq!(
        with(format!("Bearer {}", token_for("removed", 600))).await,
        401,
        "a user that is no longer in the users map"
    );
    let events = backend
        .http
        .get(format!(
            "{}/api/events?access_token={}",
            backend.base,
            token_for("removed", 600)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 401, "the same check for ?access_token=");
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_user_and_per_address() {
    // the default bursts, refilled so slowly that a slow machine gets no extra attempt
    let quotas = LoginQuotas {
        per_user_period: Duration::from_secs(3600),
        per_address_burst: NonZeroU32::new(10).unwrap(),
        per_address_period: Duration::from_secs(3600),
        ..LoginQuotas::default()
    };
    let backend =
        Backend::start_with(upstream().await, |a| a.with_login_quotas(quotas), |s| s).await;
    let login = |username: &str, password: &str| {
        backend
            .http
            .post(format!("{}/api/auth/login", backend.base))
            .json(&json!({"username": username, "password": password}))
            .send()
    };
    // the setup's login was the first of ana's 5; then 4 more wrong ones are answered 401
    for _ in 0..4 {
        assert_eq!(login("ana", "wrong").await.unwrap().status(), 401);
    }
    let throttled = login("ana", "wrong").await.unwrap();
    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    let body: Value = throttled.json().await.unwrap();
    assert_eq!(body["error"], "too_many_requests");
    assert_eq!(
        login("ana", "s3nha").await.unwrap().status(),
        429,
        "even the right password waits: the limit is checked first"
    );
    // the address: 10 attempts, whatever the user names (7 made above)
    let mut statuses = Vec::new();
    for n in 0..5 {
        statuses.push(
            login(&format!("user{n}"), "x")
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
}

#[tokio::test]
async fn static_files_answer_during_a_login_flood() {
    let generous = LoginQuotas {
        per_user_burst: NonZeroU32::new(1000).unwrap(),
        per_user_period: Duration::from_millis(1),
        per_address_burst: NonZeroU32::new(1000).unwrap(),
        per_address_period: Duration::from_millis(1),
    };
    let backend =
        Backend::start_with(upstream().await, |a| a.with_login_quotas(generous), |s| s).await;
    let flood: Vec<_> = (0..40)
        .map(|n| {
            let request = backend
                .http
                .post(format!("{}/api/auth/login", backend.base))
                .json(&json!({"username": format!("user{n}"), "password": "wrong"}));
            tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
        })
        .collect();
    let page = tokio::time::timeout(WAIT, backend.http.get(format!("{}/", backend.base)).send())
        .await
        .expect("the page answered during the flood")
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<html"));
    for login in flood {
        assert_eq!(login.await.unwrap().unwrap(), 401);
    }
}

#[tokio::test]
async fn anonymous_health_says_only_up_or_down() {
    let backend = Backend::start(upstream().await, |s| s).await;
    let anonymous = backend
        .http
        .get(format!("{}/health", backend.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 200);
    assert_eq!(
        anonymous.json::<Value>().await.unwrap(),
        json!({"status": "up"})
    );
    let forged = backend
        .http
        .get(format!("{}/health", backend.base))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.json::<Value>().await.unwrap(),
        json!({"status": "up"})
    );
    let details: Value = backend
        .http
        .get(format!("{}/health", backend.base))
        .bearer_auth(&backend.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        details["wppconnect"]["sessions"]["main"]["connected"], true,
        "{details}"
    );
}

#[tokio::test]
async fn fifty_concurrent_health_requests_make_one_upstream_round() {
    let backend = Backend::start(upstream().await, |s| {
        // long enough that all 50 fall in one period on a busy machine
        s.with_health_cache_period(Duration::from_secs(300))
    })
    .await;
    let requests: Vec<_> = (0..50)
        .map(|_| {
            let request = backend.http.get(format!("{}/health", backend.base));
            tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap().unwrap(), 200);
    }
    let upstream_calls = backend.upstream.received_requests().await.unwrap();
    assert_eq!(
        upstream_calls.len(),
        1,
        "one check-connection for the one session, not one per request: {:?}",
        upstream_calls
            .iter()
            .map(|r| r.url.path())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_stalled_server_makes_health_down_within_its_deadline() {
    let upstream = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(600)))
        .mount(&upstream)
        .await;
    let backend = Backend::start(upstream, |s| s).await;
    let answer = tokio::time::timeout(
        WAIT,
        backend
            .http
            .get(format!("{}/health", backend.base))
            .bearer_auth(&backend.token)
            .send(),
    )
    .await
    .expect("/health answered though the server never does")
    .unwrap();
    assert_eq!(answer.status(), 503);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["wppconnect"]["status"], "down", "{body}");
    assert!(
        body["wppconnect"]["sessions"]["main"]["error"]
            .as_str()
            .unwrap()
            .contains("no answer within"),
        "{body}"
    );
}
