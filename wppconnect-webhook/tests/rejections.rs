//! Status codes and JSON reasons, through `tower::ServiceExt::oneshot` on the router.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use futures::StreamExt;
use http_body_util::BodyExt;
use serde_json::Value;
use support::ONMESSAGE;
use tower::ServiceExt;
use wppconnect_webhook::models::EventKind;
use wppconnect_webhook::{EventStream, Webhook};

const SECRET: &str = "s3cr3t-värde/+=";

async fn post(
    router: &Router,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let mut request = Request::post(uri).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, json)
}

/// The refused bodies' answers are in: anything published would be buffered already.
fn nothing_arrived(stream: &mut EventStream) {
    assert!(
        support::nothing_buffered(stream),
        "a refused body reached a subscriber"
    );
}

#[tokio::test]
async fn malformed_bodies_get_400_with_a_json_reason() {
    let (router, hub) = Webhook::builder().build();
    let mut events = hub.subscribe();
    for (body, reason) in [
        ("{\"event\": \"onmessage\",", "not valid JSON"),
        ("[1, 2, 3]", "not a JSON object"),
        ("\"onmessage\"", "not a JSON object"),
        (
            "{\"session\": \"main\", \"status\": \"inChat\"}",
            "no string `event`",
        ),
        ("{\"event\": 42}", "no string `event`"),
        ("", "not valid JSON"),
    ] {
        let (status, json) = post(&router, "/webhook", &[], body.to_owned()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(json["error"], "invalid webhook body");
        assert!(
            json["reason"].as_str().unwrap().contains(reason),
            "{body}: {json}"
        );
    }
    nothing_arrived(&mut events);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let (router, hub) = Webhook::builder().body_limit(1024).build();
    let mut events = hub.subscribe();
    let (status, json) = post(&router, "/webhook", &[], ONMESSAGE.to_owned()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json["error"], "body too large");
    // without Content-Length too: a streamed body over the limit
    let chunks: Vec<Result<String, std::io::Error>> = vec![
        Ok(ONMESSAGE[..1000].to_owned()),
        Ok(ONMESSAGE[1000..].to_owned()),
    ];
    let body = Body::from_stream(futures::stream::iter(chunks));
    let (status, _) = post(&router, "/webhook", &[], body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    nothing_arrived(&mut events);
}

#[tokio::test]
async fn a_wrong_or_missing_secret_gets_401_without_echo() {
    let (router, hub) = Webhook::builder().secret(SECRET).build();
    let mut events = hub.subscribe();
    for (uri, headers) in [
        ("/webhook", vec![]),
        ("/webhook/main?token=wrong", vec![]),
        ("/webhook?token=", vec![]),
        ("/webhook?token=s3cr3t", vec![]),
        ("/webhook", vec![("x-webhook-token", "s3cr3t-värde/+")]),
    ] {
        let (status, json) = post(&router, uri, &headers, ONMESSAGE.to_owned()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(json["error"], "unauthorized");
        assert!(
            !json.to_string().contains("s3cr3t"),
            "the secret is never echoed"
        );
    }
    nothing_arrived(&mut events);
    let encoded = "s3cr3t-v%C3%A4rde%2F%2B%3D";
    let (status, json) = post(
        &router,
        &format!("/webhook/main?token={encoded}"),
        &[],
        ONMESSAGE.to_owned(),
    )
    .await;
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("received"))
    );
    let (status, _) = post(
        &router,
        "/webhook",
        &[("x-webhook-token", SECRET)],
        ONMESSAGE.to_owned(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        events.next().await.unwrap().unwrap().kind(),
        EventKind::Message
    );
    assert_eq!(
        events.next().await.unwrap().unwrap().kind(),
        EventKind::Message
    );
    assert!(!format!("{router:?}").contains("s3cr3t"));
}

#[tokio::test]
async fn unknown_events_are_delivered_not_dropped() {
    let (router, hub) = Webhook::builder().build();
    let mut events = hub.subscribe();
    let body = r#"{"event":"onnewfeature","session":"main","payload":{"x":1}}"#;
    let (status, _) = post(&router, "/webhook", &[], body).await;
    assert_eq!(status, StatusCode::OK);
    let event = events.next().await.unwrap().unwrap();
    assert_eq!(event.kind(), EventKind::Unknown);
    assert_eq!(event.name(), "onnewfeature");
    assert_eq!(
        event.to_value(),
        serde_json::from_str::<Value>(body).unwrap()
    );
}

#[tokio::test]
async fn the_router_nests_into_an_app_with_its_own_state() {
    #[derive(Clone)]
    struct AppState;
    let (routes, hub) = Webhook::builder().build();
    let app: Router = Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .nest("/wpp", routes)
        .with_state(AppState);
    let mut events = hub.subscribe();
    let (status, _) = post(&app, "/wpp/webhook/main", &[], ONMESSAGE.to_owned()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(events.next().await.unwrap().is_ok());
    let response = app
        .clone()
        .oneshot(Request::get("/wpp/webhook").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn every_fixture_through_oneshot_reaches_a_subscriber_intact() {
    let (router, hub) = Webhook::builder().build();
    let mut events = hub.subscribe();
    for (name, body) in support::FIXTURES {
        let (status, json) = post(&router, "/webhook/main", &[], body.to_owned()).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert_eq!(json, serde_json::json!({"status": "received"}));
        let event = events.next().await.unwrap().unwrap();
        assert_ne!(event.kind(), EventKind::Unknown, "{name}");
        let mut sent: Value = serde_json::from_str(body).unwrap();
        // the path fills a missing session, and only then
        sent.as_object_mut()
            .unwrap()
            .entry("session")
            .or_insert_with(|| "main".into());
        assert_eq!(event.to_value(), sent, "{name} arrived changed");
    }
}

#[tokio::test]
async fn the_secret_can_be_a_path_segment() {
    let (router, hub) = Webhook::builder().secret(SECRET).secret_in_path().build();
    let mut events = hub.subscribe();
    let encoded = "s3cr3t-v%C3%A4rde%2F%2B%3D";
    for uri in [
        "/webhook/s3cr3t/main".to_owned(),
        "/webhook/main".to_owned(),
        "/webhook".to_owned(),
        format!("/webhook/{encoded}x/main"),
    ] {
        let (status, json) = post(&router, &uri, &[], ONMESSAGE.to_owned()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(!json.to_string().contains("s3cr3t"));
    }
    let (status, json) = post(&router, "/webhook/%FF/main", &[], ONMESSAGE.to_owned()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "invalid webhook path");
    nothing_arrived(&mut events);

    let no_session = r#"{"event":"status-find","status":"isLogged"}"#;
    let (status, _) = post(
        &router,
        &format!("/webhook/{encoded}/loja"),
        &[],
        no_session,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let event = events.next().await.unwrap().unwrap();
    assert_eq!(event.session().map(|s| s.as_str()), Some("loja"));
    let (status, _) = post(&router, &format!("/webhook/{encoded}"), &[], no_session).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(events.next().await.unwrap().unwrap().session(), None);
    // the query and the header still work on the bare path
    let (status, _) = post(
        &router,
        &format!("/webhook?token={encoded}"),
        &[],
        ONMESSAGE.to_owned(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(events.next().await.unwrap().is_ok());
}

#[tokio::test]
async fn the_routes_can_sit_at_the_root_or_any_path() {
    for (path, bare, with_session) in [
        ("/", "/", "/main"),
        ("", "/", "/main"),
        ("hooks/wpp/", "/hooks/wpp", "/hooks/wpp/main"),
    ] {
        let (router, hub) = Webhook::builder().path(path).build();
        let mut events = hub.subscribe();
        let no_session = r#"{"event":"status-find","status":"isLogged"}"#;
        let (status, _) = post(&router, bare, &[], no_session).await;
        assert_eq!(status, StatusCode::OK, "{path:?} {bare}");
        assert_eq!(events.next().await.unwrap().unwrap().session(), None);
        let (status, _) = post(&router, with_session, &[], no_session).await;
        assert_eq!(status, StatusCode::OK, "{path:?} {with_session}");
        let event = events.next().await.unwrap().unwrap();
        assert_eq!(event.session().map(|s| s.as_str()), Some("main"));
    }
}
