//! The simulator serves every route of the client's route table (`wppconnect_client::routes`,
//! the 156 routes of WPPConnect Server 2.10.4), behind the real server's middlewares: the
//! secret key, the token, and the connected-gate on the 134 routes that run it.

mod support;

use serde_json::{json, Value};
use support::{connected, fast_sim, token, Receiver};
use wppconnect_client::routes::{self, Auth, Route};
use wppconnect_sim::RunningSimulator;

/// The routes that take a token but not the connected-gate (api.md §4: 144 bearer routes,
/// 134 gated).
const UNGATED: &[&str] = &[
    "CHECK_CONNECTION_SESSION",
    "QRCODE_SESSION",
    "START_SESSION",
    "CLOSE_SESSION",
    "STATUS_SESSION",
    "GET_MEDIA_BY_MESSAGE",
    "GET_PLATFORM_FROM_MESSAGE",
    "SUBSCRIBE_PRESENCE",
    "SET_ONLINE_PRESENCE",
    "TAKE_SCREENSHOT",
];

/// The routes under `/api` that run no middleware at all.
const UNPROTECTED: &[&str] = &["SET_LIMIT", "CHATWOOT"];

/// A concrete path for `route`: the session `main`, the simulator's key, sample parameters.
fn path(route: &Route, sim: &RunningSimulator, key: &str) -> String {
    let path = route
        .path()
        .split('/')
        .map(|segment| match segment {
            ":session" => "main".to_owned(),
            ":secretkey" => key.to_owned(),
            ":type" => "all".to_owned(),
            ":groupId" | ":id" => "120363025746331234@g.us".to_owned(),
            s if s.starts_with(':') => "5511999999999@c.us".to_owned(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/");
    format!("{}{path}", sim.url())
}

async fn call(
    http: &reqwest::Client,
    route: &Route,
    url: String,
    token: Option<&str>,
) -> (u16, String) {
    let method: reqwest::Method = route.method().as_str().parse().unwrap();
    let mut request = http
        .request(method, url)
        // not exactly `application/json`: /healthz and /metrics would never answer
        .header("content-type", "application/json; charset=utf-8")
        .body("{}");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_route_of_the_client_table_is_served_for_a_connected_session() {
    assert_eq!(routes::ALL.len(), 156);
    let sim = fast_sim().await;
    let hook = Receiver::start().await;
    let http = no_redirects();
    let token = connected(&sim, &http, "main", &hook.url).await;
    let mut unserved = Vec::new();
    for route in routes::ALL {
        if route.name() == "LOGOUT_SESSION" || route.name() == "CLOSE_SESSION" {
            continue; // they end the session the walk uses; covered below
        }
        let (status, text) = call(
            &http,
            route,
            path(route, &sim, sim.secret_key()),
            Some(&token),
        )
        .await;
        if status == 404 && text.contains("<pre>Cannot ") {
            unserved.push(route.label());
        }
        assert!(
            !text.contains("Disconnected"),
            "{} refused a connected session: {text}",
            route.label()
        );
    }
    // logout ends the session (200); close-session then finds no browser (the real 500)
    for (name, expected) in [("LOGOUT_SESSION", 200), ("CLOSE_SESSION", 500)] {
        let route = routes::ALL.iter().find(|r| r.name() == name).unwrap();
        let url = path(route, &sim, sim.secret_key());
        let (status, text) = call(&http, route, url, Some(&token)).await;
        assert_eq!(status, expected, "{name}: {text}");
    }
    assert!(
        unserved.is_empty(),
        "answered the framework 404: {unserved:?}"
    );
}

#[tokio::test]
async fn the_connected_gate_guards_exactly_the_134_routes_of_the_real_server() {
    let sim = fast_sim().await;
    let http = no_redirects();
    let token = token(&sim, &http, "main").await;
    let disconnected = json!({
        "response": null,
        "status": "Disconnected",
        "message": "A sessão do WhatsApp não está ativa."
    });
    let mut gated = Vec::new();
    for route in routes::ALL {
        if route.auth() != Auth::Token || UNPROTECTED.contains(&route.name()) {
            continue;
        }
        let (status, text) = call(
            &http,
            route,
            path(route, &sim, sim.secret_key()),
            Some(&token),
        )
        .await;
        let body: Value = serde_json::from_str(&text).unwrap_or_default();
        if status == 404 && body == disconnected {
            gated.push(route.name());
        } else {
            assert!(
                UNGATED.contains(&route.name()),
                "{} is not gated: {status} {text}",
                route.label()
            );
        }
    }
    assert_eq!(gated.len(), 134);
    assert_eq!(gated.len() + UNGATED.len() + UNPROTECTED.len(), 146);
}

#[tokio::test]
async fn every_token_route_refuses_a_missing_or_foreign_token() {
    let sim = fast_sim().await;
    let http = no_redirects();
    let foreign = token(&sim, &http, "other").await;
    for route in routes::ALL {
        if route.auth() != Auth::Token || UNPROTECTED.contains(&route.name()) {
            continue;
        }
        let url = path(route, &sim, sim.secret_key());
        let (status, text) = call(&http, route, url.clone(), None).await;
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(status, 401, "{}", route.label());
        assert_eq!(
            body["message"],
            "Token is not present. Check your header and try again"
        );
        let (status, text) = call(&http, route, url, Some(&foreign)).await;
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(status, 401, "{}", route.label());
        assert_eq!(
            body["error"],
            "Check that the Session and Token are correct"
        );
    }
}

#[tokio::test]
async fn every_secret_key_route_refuses_a_wrong_key_with_its_own_answer() {
    let sim = fast_sim().await;
    let http = no_redirects();
    for route in routes::ALL.iter().filter(|r| r.auth() == Auth::SecretKey) {
        let (status, text) = call(&http, route, path(route, &sim, "wrong"), None).await;
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(status, 400, "{}", route.label());
        let expected = match route.name() {
            "GENERATE_TOKEN" => {
                json!({"response": false, "message": "The SECRET_KEY is incorrect"})
            }
            "SHOW_ALL_SESSIONS" => json!({"response": false, "message": "The token is incorrect"}),
            _ => json!({"response": "error", "message": "The token is incorrect"}),
        };
        let mut body = body;
        body.as_object_mut().unwrap().remove("session");
        assert_eq!(body, expected, "{}", route.label());
    }
}

#[tokio::test]
async fn a_method_or_path_outside_the_table_is_the_framework_404() {
    let sim = fast_sim().await;
    let http = no_redirects();
    let token = token(&sim, &http, "main").await;
    for (method, path) in [
        ("GET", "/api/main/send-message"),
        ("POST", "/api/main/status-session"),
        ("GET", "/api/main/group-info/"),
        ("GET", "/api/main/no-such-route"),
        ("PUT", "/api/main/newsletter"),
    ] {
        let response = http
            .request(method.parse().unwrap(), format!("{}{path}", sim.url()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{method} {path}");
        let text = response.text().await.unwrap();
        assert!(
            text.contains(&format!("<pre>Cannot {method} {path}</pre>")),
            "{text}"
        );
    }
}
