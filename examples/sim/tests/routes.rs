//! The simulator serves every route of the client's table that its README claims, and those
//! claims name real routes. The routes it does not serve are its README's known limits.

mod support;

use std::collections::HashSet;

use support::{fast_sim, token};
use wppconnect_client::routes;

/// What the simulator serves, as `Route::label()` writes it.
const SERVED: &[&str] = &[
    "POST /api/{session}/{secretkey}/generate-token",
    "GET /api/{secretkey}/show-all-sessions",
    "POST /api/{secretkey}/start-all",
    "POST /api/{session}/{secretkey}/clear-session-data",
    "POST /api/{session}/start-session",
    "POST /api/{session}/close-session",
    "POST /api/{session}/logout-session",
    "GET /api/{session}/status-session",
    "GET /api/{session}/qrcode-session",
    "GET /api/{session}/check-connection-session",
    "POST /api/{session}/send-message",
    "POST /api/{session}/send-reply",
    "POST /api/{session}/send-image",
    "POST /api/{session}/send-file",
    "POST /api/{session}/send-file-base64",
    "POST /api/{session}/send-voice",
    "POST /api/{session}/send-voice-base64",
    "POST /api/{session}/send-sticker",
    "POST /api/{session}/send-sticker-gif",
    "POST /api/{session}/send-location",
    "POST /api/{session}/send-link-preview",
    "GET /api/{session}/get-messages/{phone}",
    "POST /api/{session}/list-chats",
    "GET /api/{session}/all-chats",
    "GET /healthz",
    "GET /metrics",
    "GET /api-docs",
];

#[tokio::test]
async fn every_route_the_simulator_claims_is_in_the_table_and_answered() {
    let labels: HashSet<&str> = routes::ALL.iter().map(routes::Route::label).collect();
    let unknown: Vec<&&str> = SERVED.iter().filter(|l| !labels.contains(**l)).collect();
    assert!(unknown.is_empty(), "not in the client's table: {unknown:?}");

    let sim = fast_sim().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = token(&sim, &http, "main").await;
    let mut missing = Vec::new();
    for route in routes::ALL.iter().filter(|r| SERVED.contains(&r.label())) {
        let path = route
            .path()
            .split('/')
            .map(|segment| match segment {
                ":session" => "main".to_owned(),
                ":secretkey" => sim.secret_key().to_owned(),
                s if s.starts_with(':') => "5511999999999@c.us".to_owned(),
                s => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let method: reqwest::Method = route.method().as_str().parse().unwrap();
        let response = http
            .request(method, format!("{}{path}", sim.url()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        if status == 404 && text.contains("<pre>Cannot ") {
            missing.push(route.label());
        }
    }
    assert!(missing.is_empty(), "answered the generic 404: {missing:?}");
}
