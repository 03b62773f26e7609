//! Shared helpers of the webhook tests.
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use futures::{FutureExt, StreamExt};
use tokio::net::TcpListener;
use wppconnect_webhook::EventStream;

/// Every webhook payload of the real server (name, body).
pub const FIXTURES: &[(&str, &str)] = &[
    ("closesession", wppconnect_fixtures::text("closesession")),
    ("incomingcall", wppconnect_fixtures::text("incomingcall")),
    ("location", wppconnect_fixtures::text("location")),
    ("logoutsession", wppconnect_fixtures::text("logoutsession")),
    ("onack", wppconnect_fixtures::text("onack")),
    (
        "onack-group-delivered",
        wppconnect_fixtures::text("onack-group-delivered"),
    ),
    (
        "onmessage-document",
        wppconnect_fixtures::text("onmessage-document"),
    ),
    (
        "onmessage-group",
        wppconnect_fixtures::text("onmessage-group"),
    ),
    (
        "onmessage-image-autodownload",
        wppconnect_fixtures::text("onmessage-image-autodownload"),
    ),
    (
        "onmessage-image-s3",
        wppconnect_fixtures::text("onmessage-image-s3"),
    ),
    ("onmessage-lid", wppconnect_fixtures::text("onmessage-lid")),
    (
        "onmessage-location",
        wppconnect_fixtures::text("onmessage-location"),
    ),
    ("onmessage-ptt", wppconnect_fixtures::text("onmessage-ptt")),
    (
        "onmessage-quoted",
        wppconnect_fixtures::text("onmessage-quoted"),
    ),
    (
        "onmessage-sticker",
        wppconnect_fixtures::text("onmessage-sticker"),
    ),
    (
        "onmessage-text",
        wppconnect_fixtures::text("onmessage-text"),
    ),
    (
        "onparticipantschanged",
        wppconnect_fixtures::text("onparticipantschanged"),
    ),
    (
        "onparticipantschanged-leave",
        wppconnect_fixtures::text("onparticipantschanged-leave"),
    ),
    (
        "onpollresponse",
        wppconnect_fixtures::text("onpollresponse"),
    ),
    (
        "onpresencechanged",
        wppconnect_fixtures::text("onpresencechanged"),
    ),
    (
        "onpresencechanged-group",
        wppconnect_fixtures::text("onpresencechanged-group"),
    ),
    (
        "onreactionmessage",
        wppconnect_fixtures::text("onreactionmessage"),
    ),
    (
        "onrevokedmessage",
        wppconnect_fixtures::text("onrevokedmessage"),
    ),
    (
        "onrevokedmessage-group",
        wppconnect_fixtures::text("onrevokedmessage-group"),
    ),
    ("onselfmessage", wppconnect_fixtures::text("onselfmessage")),
    ("onupdatelabel", wppconnect_fixtures::text("onupdatelabel")),
    ("phonecode", wppconnect_fixtures::text("phonecode")),
    ("qrcode", wppconnect_fixtures::text("qrcode")),
    ("status-find", wppconnect_fixtures::text("status-find")),
    (
        "status-find-no-session",
        wppconnect_fixtures::text("status-find-no-session"),
    ),
    (
        "unreadmessages",
        wppconnect_fixtures::text("unreadmessages"),
    ),
];

/// A realistic onmessage body.
pub const ONMESSAGE: &str = wppconnect_fixtures::text("onmessage-text");

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

/// Whether the subscriber has nothing buffered. The router publishes an event before it
/// answers its request, so once the answer is in, whatever was published is in the buffer
/// already: an absence is checked without waiting. (`unconstrained`: Tokio's cooperative budget
/// would otherwise make a buffered event look absent after a hundred or so reads in one go.)
pub fn nothing_buffered(events: &mut EventStream) -> bool {
    tokio::task::unconstrained(events.next())
        .now_or_never()
        .is_none()
}
