//! Shared helpers of the webhook tests.
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

/// Every webhook payload of the real server (name, body).
pub const FIXTURES: &[(&str, &str)] = &[
    (
        "closesession",
        include_str!("../fixtures/closesession.json"),
    ),
    (
        "incomingcall",
        include_str!("../fixtures/incomingcall.json"),
    ),
    ("location", include_str!("../fixtures/location.json")),
    (
        "logoutsession",
        include_str!("../fixtures/logoutsession.json"),
    ),
    ("onack", include_str!("../fixtures/onack.json")),
    (
        "onack-group-delivered",
        include_str!("../fixtures/onack-group-delivered.json"),
    ),
    (
        "onmessage-document",
        include_str!("../fixtures/onmessage-document.json"),
    ),
    (
        "onmessage-group",
        include_str!("../fixtures/onmessage-group.json"),
    ),
    (
        "onmessage-image-autodownload",
        include_str!("../fixtures/onmessage-image-autodownload.json"),
    ),
    (
        "onmessage-image-s3",
        include_str!("../fixtures/onmessage-image-s3.json"),
    ),
    (
        "onmessage-lid",
        include_str!("../fixtures/onmessage-lid.json"),
    ),
    (
        "onmessage-location",
        include_str!("../fixtures/onmessage-location.json"),
    ),
    (
        "onmessage-ptt",
        include_str!("../fixtures/onmessage-ptt.json"),
    ),
    (
        "onmessage-quoted",
        include_str!("../fixtures/onmessage-quoted.json"),
    ),
    (
        "onmessage-sticker",
        include_str!("../fixtures/onmessage-sticker.json"),
    ),
    (
        "onmessage-text",
        include_str!("../fixtures/onmessage-text.json"),
    ),
    (
        "onparticipantschanged",
        include_str!("../fixtures/onparticipantschanged.json"),
    ),
    (
        "onparticipantschanged-leave",
        include_str!("../fixtures/onparticipantschanged-leave.json"),
    ),
    (
        "onpollresponse",
        include_str!("../fixtures/onpollresponse.json"),
    ),
    (
        "onpresencechanged",
        include_str!("../fixtures/onpresencechanged.json"),
    ),
    (
        "onpresencechanged-group",
        include_str!("../fixtures/onpresencechanged-group.json"),
    ),
    (
        "onreactionmessage",
        include_str!("../fixtures/onreactionmessage.json"),
    ),
    (
        "onrevokedmessage",
        include_str!("../fixtures/onrevokedmessage.json"),
    ),
    (
        "onrevokedmessage-group",
        include_str!("../fixtures/onrevokedmessage-group.json"),
    ),
    (
        "onselfmessage",
        include_str!("../fixtures/onselfmessage.json"),
    ),
    (
        "onupdatelabel",
        include_str!("../fixtures/onupdatelabel.json"),
    ),
    ("phonecode", include_str!("../fixtures/phonecode.json")),
    ("qrcode", include_str!("../fixtures/qrcode.json")),
    ("status-find", include_str!("../fixtures/status-find.json")),
    (
        "status-find-no-session",
        include_str!("../fixtures/status-find-no-session.json"),
    ),
    (
        "unreadmessages",
        include_str!("../fixtures/unreadmessages.json"),
    ),
];

/// A realistic onmessage body.
pub const ONMESSAGE: &str = include_str!("../fixtures/onmessage-text.json");

/// Serves the router on 127.0.0.1:0 and returns its address.
pub async fn spawn(router: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    addr
}

/// Waits at most this long for an event that should arrive: a hang guard only.
pub const WAIT: Duration = Duration::from_secs(60);

/// POSTs `body` to `path` over a raw HTTP/1.1 connection, byte for byte: no client library
/// normalises the path (`/.`, `/..`), so the router sees exactly what is sent. Returns the
/// status and the JSON body.
pub async fn raw_post(addr: SocketAddr, path: &str, body: &str) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::time::timeout(WAIT, tokio::net::TcpStream::connect(addr))
        .await
        .unwrap()
        .unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, json) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {answer:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status: {head:?}"));
    let json = serde_json::from_str(json).unwrap_or_else(|_| panic!("not JSON: {answer:?}"));
    (status, json)
}
