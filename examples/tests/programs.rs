//! The small programs, run as the compiled binaries against the simulator on loopback.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_sim::{RunningSimulator, SessionStatus, Simulator};

/// Only stops a hang: every wait below ends as soon as its condition holds.
const WAIT: Duration = Duration::from_secs(60);

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .fast()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

fn client(sim: &RunningSimulator) -> Client {
    Client::builder(&sim.url())
        .unwrap()
        .secret_key(sim.secret_key())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Starts `main` (with this webhook, when given) and scans its QR code.
async fn connect(sim: &RunningSimulator, webhook: Option<String>) {
    let session = client(sim).session("main").unwrap();
    match webhook {
        Some(url) => session.start().webhook(url).await.unwrap(),
        None => session.start().await.unwrap(),
    };
    sim.wait_for_status("main", SessionStatus::QrCode, WAIT)
        .await
        .unwrap();
    sim.scan("main").unwrap();
    sim.wait_for_status("main", SessionStatus::Connected, WAIT)
        .await
        .unwrap();
}

fn program(name: &str, sim: &RunningSimulator) -> Command {
    let path = match name {
        "send_message" => env!("CARGO_BIN_EXE_send_message"),
        "echo_bot" => env!("CARGO_BIN_EXE_echo_bot"),
        "webhook_stream" => env!("CARGO_BIN_EXE_webhook_stream"),
        "qr_login" => env!("CARGO_BIN_EXE_qr_login"),
        "backend" => env!("CARGO_BIN_EXE_backend"),
        other => panic!("no program {other}"),
    };
    let mut command = Command::new(path);
    command
        .env("WPPCONNECT_URL", sim.url())
        .env("WPPCONNECT_SECRET_KEY", sim.secret_key())
        .env("BIND", "127.0.0.1:0")
        .env("WEBHOOK_SECRET", "hook-secret")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Reads lines until one satisfies `wanted`; returns it.
async fn line_where(
    lines: &mut Lines<BufReader<ChildStdout>>,
    wanted: impl Fn(&str) -> bool,
) -> String {
    tokio::time::timeout(WAIT, async {
        loop {
            let line = lines.next_line().await.unwrap().expect("the program ended");
            if wanted(&line) {
                return line;
            }
        }
    })
    .await
    .expect("no such line in time")
}

/// Spawns a webhook program; returns it, its stdout and the webhook URL of session `main`.
async fn listening(
    name: &str,
    sim: &RunningSimulator,
) -> (Child, Lines<BufReader<ChildStdout>>, String) {
    let mut child = program(name, sim).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = line_where(&mut lines, |l| l.contains("/webhook/<session>")).await;
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .replace("<session>", "main");
    (child, lines, format!("{base}?token=hook-secret"))
}

async fn until_messages(sim: &RunningSimulator, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    tokio::time::timeout(WAIT, async {
        loop {
            let messages = sim.messages("main");
            if check(&messages) {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the simulator never saw the expected messages")
}

#[tokio::test]
async fn send_message_sends_once_and_prints_the_id() {
    let sim = simulator().await;
    connect(&sim, None).await;
    let output = program("send_message", &sim)
        .args(["main", "+55 11 99999-9999", "Olá do terminal"])
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("sent true_5511999999999@c.us_"),
        "{stdout}"
    );
    let sent: Vec<Value> = sim
        .messages("main")
        .into_iter()
        .filter(|m| m["body"] == "Olá do terminal")
        .collect();
    assert_eq!(sent.len(), 1, "sent exactly once");

    let usage = program("send_message", &sim).output().await.unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

#[tokio::test]
async fn send_message_refuses_a_bad_or_split_phone_and_sends_nothing() {
    let sim = simulator().await;
    connect(&sim, None).await;
    for args in [
        // an unquoted phone: once "11 99999-9999 Olá" to the number 55
        &["main", "+55", "11", "99999-9999", "Olá"][..],
        &["main", "12ab", "x"],
        &["main", "", "x"],
        &["main/..", "5511999999999", "x"],
        &["main", "5511999999999", "  "],
    ] {
        let output = program("send_message", &sim)
            .args(args)
            .stderr(Stdio::piped())
            .output()
            .await
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "a usage error for {args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!output.stderr.is_empty(), "it says why: {args:?}");
    }
    assert_eq!(sim.messages("main"), Vec::<Value>::new(), "nothing sent");
}

#[tokio::test]
async fn help_and_version_start_nothing() {
    let sim = simulator().await;
    for name in [
        "send_message",
        "echo_bot",
        "webhook_stream",
        "qr_login",
        "backend",
    ] {
        let help = program(name, &sim).arg("--help").output().await.unwrap();
        assert_eq!(help.status.code(), Some(0), "{name} --help");
        let text = String::from_utf8_lossy(&help.stdout);
        assert!(text.contains("Usage:"), "{name} --help: {text}");
        let version = program(name, &sim).arg("--version").output().await.unwrap();
        assert_eq!(version.status.code(), Some(0), "{name} --version");
        assert!(
            String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")),
            "{name} --version"
        );
    }
    let help = program("qr_login", &sim)
        .arg("--help")
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("WPPCONNECT_URL") && text.contains("WPPCONNECT_SECRET_KEY"),
        "{text}"
    );
    assert_eq!(
        client(&sim).show_all_sessions().await.unwrap(),
        Vec::new(),
        "qr_login --help started no session"
    );
    let backend = program("backend", &sim)
        .arg("--help")
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&backend.stdout);
    for flag in [
        "--wppconnect-url",
        "--secret-key",
        "--database-url",
        "--jwt-secret",
        "--webhook-secret",
        "--public-url",
        "--bind",
        "--users",
        "--sessions",
        "--log-format",
        "hash-password",
    ] {
        assert!(text.contains(flag), "backend --help lists {flag}: {text}");
    }
}

#[tokio::test]
async fn the_backend_refuses_a_short_jwt_secret_before_starting() {
    let sim = simulator().await;
    let output = tokio::time::timeout(
        WAIT,
        program("backend", &sim)
            .env("JWT_SECRET", "short-secret")
            .env("BIND", "127.0.0.1:0")
            .env("DATABASE_URL", "sqlite::memory:")
            .stderr(Stdio::piped())
            .output(),
    )
    .await
    .expect("the backend ended instead of serving")
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 32 bytes"), "{stderr}");
    assert!(!stderr.contains("short-secret"), "the secret is not echoed");
    assert!(output.stdout.is_empty(), "nothing started: {output:?}");
}

#[tokio::test]
async fn echo_bot_answers_every_inbound_text_quoting_it() {
    let sim = simulator().await;
    let (_bot, _lines, webhook) = listening("echo_bot", &sim).await;
    connect(&sim, Some(webhook)).await;
    let id = sim.contact_writes("main", "5521988887777", "eco?").unwrap();
    let messages = until_messages(&sim, |m| {
        m.iter().any(|m| m["fromMe"] == true && m["body"] == "eco?")
    })
    .await;
    let echo = messages
        .iter()
        .find(|m| m["fromMe"] == true && m["body"] == "eco?")
        .unwrap();
    assert_eq!(echo["to"], "5521988887777@c.us");
    let quoted = echo.to_string();
    assert!(
        quoted.contains(id.as_str()),
        "the echo quotes the message: {quoted}"
    );
}

#[tokio::test]
async fn webhook_stream_prints_each_event() {
    let sim = simulator().await;
    let (_stream, mut lines, webhook) = listening("webhook_stream", &sim).await;
    connect(&sim, Some(webhook)).await;
    sim.contact_writes("main", "5521988887777", "chegou?")
        .unwrap();
    let line = line_where(&mut lines, |l| l.contains("chegou?")).await;
    assert!(line.starts_with("[main] onmessage"), "{line}");
}

#[tokio::test]
async fn qr_login_prints_the_qr_code_until_connected() {
    let sim = Simulator::builder()
        .fast()
        .connect_after(Duration::from_millis(2500))
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let output = tokio::time::timeout(WAIT, program("qr_login", &sim).arg("main").output())
        .await
        .expect("qr_login ended once connected")
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("scan this with WhatsApp"), "{stdout}");
    assert!(
        stdout.contains('█') || stdout.contains('▀') || stdout.contains('▄'),
        "a QR code drawn: {stdout}"
    );
    assert!(stdout.trim_end().ends_with("main is connected"), "{stdout}");
}
