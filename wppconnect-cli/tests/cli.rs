//! The `wppconnect` binary, run as a user would, against the simulator on loopback.

mod support;

use predicates::prelude::*;
use serde_json::Value;
use wppconnect_sim::SessionStatus;

use support::*;

/// The shared `onmessage-text` fixture, for the session `main` these tests use.
fn onmessage() -> String {
    wppconnect_fixtures::text("onmessage-text").replacen("\"NERDWHATS_AMERICA\"", "\"main\"", 1)
}

fn drew_a_qr_code(lines: &[String]) -> bool {
    lines
        .iter()
        .filter(|l| l.contains('█') || l.contains('▀') || l.contains('▄'))
        .count()
        > 10
}

// ---------------------------------------------------------------------------------------------
// login

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_draws_the_qr_code_and_ends_once_connected() {
    let sim = simulator().await;
    let mut login = spawn(Some(&sim), &["login", "main", "--interval", "50ms"]);
    let mut out = lines(login.stdout.take());
    let before_scan = read_until(&mut out, |l| l.contains("scan it with WhatsApp")).await;
    assert!(drew_a_qr_code(&before_scan), "{before_scan:#?}");

    sim.scan("main").unwrap();
    assert_eq!(exit_code(&mut login).await, Some(0));
    let after = rest(&mut out).await;
    assert_eq!(
        after.last().map(String::as_str),
        Some("session main is connected"),
        "{after:#?}"
    );
    assert_eq!(sim.status("main"), SessionStatus::Connected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_writes_the_qr_code_as_png_when_asked() {
    let sim = simulator().await;
    let path = empty_dir("qr-png").join("qr.png");
    let path_arg = path.to_str().unwrap();
    let mut login = spawn(
        Some(&sim),
        &["login", "main", "--qr-png", path_arg, "--interval", "50ms"],
    );
    let mut out = lines(login.stdout.take());
    let seen = read_until(&mut out, |l| l.contains("scan it with WhatsApp")).await;
    assert!(seen.iter().any(|l| l.contains("qr.png")), "{seen:#?}");
    let png = std::fs::read(&path).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG image");
    sim.scan("main").unwrap();
    assert_eq!(exit_code(&mut login).await, Some(0));

    // an unwritable path is refused before anything is sent
    let sim = simulator().await;
    run(wpp(&sim).args(["login", "main", "--qr-png", "/no/such/dir/qr.png"]))
        .await
        .code(2);
    assert_eq!(sim.status("main"), SessionStatus::Closed, "not started");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_pairing_code_prints_the_code() {
    let sim = simulator().await;
    let mut login = spawn(
        Some(&sim),
        &[
            "login",
            "main",
            "--pairing-code",
            "+55 11 99999-9999",
            "--interval",
            "50ms",
        ],
    );
    let mut out = lines(login.stdout.take());
    let seen = read_until(&mut out, |l| {
        l.starts_with("pairing code of session main: ")
    })
    .await;
    let code = seen.last().unwrap().rsplit(' ').next().unwrap().to_owned();
    assert!(code.len() >= 8, "an 8-character code: {code:?}");
    assert!(!drew_a_qr_code(&seen), "no QR code in a pairing-code login");

    sim.scan("main").unwrap(); // the code typed on the phone
    assert_eq!(exit_code(&mut login).await, Some(0));
    assert_eq!(sim.status("main"), SessionStatus::Connected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_exits_3_with_a_clear_message_when_the_server_gives_up() {
    let sim = simulator().await;
    let mut login = spawn(Some(&sim), &["login", "main", "--interval", "50ms"]);
    let mut out = lines(login.stdout.take());
    let mut err = lines(login.stderr.take());
    read_until(&mut out, |l| l.contains("scan it with WhatsApp")).await;

    // the session ends before anyone scans (as when the server auto-closes it)
    run(wpp(&sim).args(["close", "main"])).await.success();
    assert_eq!(exit_code(&mut login).await, Some(3));
    let stderr = rest(&mut err).await.join("\n");
    assert!(stderr.contains("gave up"), "{stderr}");
    assert!(stderr.contains("wppconnect login main"), "a hint: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_exits_3_when_nobody_scans_in_time() {
    let sim = simulator().await;
    let assert =
        run(wpp(&sim).args(["login", "main", "--wait", "1s", "--interval", "100ms"])).await;
    // (whether the QR code showed within the second depends on the machine's load: not asserted)
    assert
        .code(3)
        .stderr(predicate::str::contains("not connected within"));
}

// ---------------------------------------------------------------------------------------------
// sessions, status, logout, close

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_exit_code_tells_whether_the_session_is_connected() {
    let sim = simulator().await;
    run(wpp(&sim).args(["status", "main"]))
        .await
        .code(3)
        .stdout("CLOSED\n");
    connect(&sim).await;
    run(wpp(&sim).args(["status", "main"]))
        .await
        .success()
        .stdout("CONNECTED\n");
    let json = run(wpp(&sim).args(["status", "main", "--json"])).await;
    let state: Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(state["status"], "CONNECTED");

    run(wpp(&sim).args(["sessions"]))
        .await
        .success()
        .stdout("main\n");
    run(wpp(&sim).args(["sessions", "--status"]))
        .await
        .success()
        .stdout("main  CONNECTED\n");
    let json = run(wpp(&sim).args(["sessions", "--status", "--json"])).await;
    let list: Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(
        list,
        serde_json::json!([{"session": "main", "status": "CONNECTED"}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_and_close() {
    let sim = simulator().await;
    run(wpp(&sim).args(["logout", "main"]))
        .await
        .code(3)
        .stderr(predicate::str::contains("not connected"));
    connect(&sim).await;
    run(wpp(&sim).args(["logout", "main"]))
        .await
        .success()
        .stdout(predicate::str::starts_with("main logged out"));
    assert_ne!(sim.status("main"), SessionStatus::Connected);

    connect(&sim).await;
    run(wpp(&sim).args(["close", "main"]))
        .await
        .success()
        .stdout(predicate::str::starts_with("main closed"));
    assert_eq!(sim.status("main"), SessionStatus::Closed);
}

// ---------------------------------------------------------------------------------------------
// send

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_sends_once_and_the_message_is_delivered() {
    let sim = simulator().await;
    connect(&sim).await;
    let assert = run(wpp(&sim).args(["send", "main", "+55 11 99999-9999", "Olá do terminal"]))
        .await
        .success()
        // no spinner when stderr is not a terminal
        .stderr("");
    let stdout = text(&assert.get_output().stdout);
    assert!(
        stdout.starts_with("sent true_5511999999999@c.us_"),
        "{stdout}"
    );
    let id = stdout.trim().trim_start_matches("sent ").to_owned();

    // recorded once, then delivered (ack 2) and read (ack 3) by the simulated phone
    let messages = until_messages(&sim, |m| {
        m.iter()
            .any(|m| m["id"] == id.as_str() && m["ack"].as_i64() >= Some(2))
    })
    .await;
    let sent: Vec<&Value> = messages
        .iter()
        .filter(|m| m["body"] == "Olá do terminal")
        .collect();
    assert_eq!(sent.len(), 1, "sent exactly once: {messages:#?}");
    assert_eq!(sent[0]["to"], "5511999999999@c.us");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_json_reply_and_file() {
    let sim = simulator().await;
    connect(&sim).await;
    let incoming = sim
        .contact_writes("main", "5521988887777", "tem catálogo?")
        .unwrap();

    // a reply, printed as a JSON line
    let assert = run(wpp(&sim).args([
        "send",
        "main",
        "5521988887777",
        "segue",
        "--reply-to",
        &incoming,
        "--json",
    ]))
    .await
    .success();
    let line: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let reply_id = line["id"].as_str().unwrap().to_owned();
    assert!(reply_id.starts_with("true_5521988887777@c.us_"), "{line}");
    let messages = sim.messages("main");
    let reply = messages
        .iter()
        .find(|m| m["id"] == reply_id.as_str())
        .unwrap();
    assert_eq!(reply["quotedMsgId"], incoming.as_str(), "{reply}");

    // a file, with the text as its caption
    let dir = empty_dir("send-file");
    let path = dir.join("catalogo.pdf");
    std::fs::write(&path, b"%PDF-1.4 not much of a catalogue").unwrap();
    run(wpp(&sim)
        .arg("send")
        .arg("main")
        .arg("5521988887777")
        .arg("o catálogo")
        .arg("--file")
        .arg(&path))
    .await
    .success()
    .stdout(predicate::str::starts_with("sent true_5521988887777@c.us_"));
    let messages = sim.messages("main");
    let file = messages.iter().find(|m| m["type"] == "document").unwrap();
    assert_eq!(file["filename"], "catalogo.pdf", "{file}");
    assert_eq!(file["caption"], "o catálogo", "{file}");
    assert_eq!(file["mimetype"], "application/pdf", "{file}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_phone_exits_2_and_sends_nothing() {
    let sim = simulator().await;
    connect(&sim).await;
    let before = sim.messages("main").len();
    run(wpp(&sim).args(["send", "main", "12ab", "oi"]))
        .await
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("invalid"));
    run(wpp(&sim).args([
        "send",
        "main",
        "5511999999999",
        "oi",
        "--reply-to",
        "not-an-id",
    ]))
    .await
    .code(2);
    run(wpp(&sim).args([
        "send",
        "main",
        "5511999999999",
        "--file",
        "/no/such/file.pdf",
    ]))
    .await
    .code(2);
    assert_eq!(sim.messages("main").len(), before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_on_a_disconnected_session_exits_3() {
    let sim = simulator().await;
    run(wpp(&sim).args(["send", "main", "5511999999999", "oi"]))
        .await
        .code(3)
        .stderr(predicate::str::contains("wppconnect login main"));
}

// ---------------------------------------------------------------------------------------------
// usage, secrets, configuration

#[test]
fn bad_arguments_give_usage_and_exit_2() {
    bare()
        .args(["send", "main"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage:"));
    bare()
        .arg("frobnicate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage:"));
    bare()
        .args(["status", "../etc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid session name"));
    bare()
        .args(["login", "main", "--wait", "soon"])
        .assert()
        .code(2);
    bare().arg("--help").assert().success();
    bare()
        .arg("--help")
        .assert()
        .stdout(predicate::str::contains("Exit codes"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_key_is_a_clear_error_that_never_shows_the_key() {
    let sim = simulator().await;
    const WRONG: &str = "NOT-THE-KEY-8f3a1c";
    for args in [vec!["status", "main"], vec!["sessions"]] {
        let assert = run(wpp(&sim).env("WPPCONNECT_SECRET_KEY", WRONG).args(&args))
            .await
            .code(1)
            .stderr(predicate::str::contains(
                "the server refused the secret key",
            ));
        let output = assert.get_output();
        assert!(!text(&output.stderr).contains(WRONG), "{output:?}");
        assert!(!text(&output.stdout).contains(WRONG), "{output:?}");
    }
    // the same key given as a flag
    let assert = run(wpp(&sim).args(["--secret-key", WRONG, "sessions"]))
        .await
        .code(1);
    assert!(!text(&assert.get_output().stderr).contains(WRONG));
    // and never in the help, even when set in the environment
    let help = run(wpp(&sim)
        .env("WPPCONNECT_SECRET_KEY", WRONG)
        .env("WPPCONNECT_WEBHOOK_SECRET", WRONG)
        .arg("--help"))
    .await
    .success();
    assert!(!text(&help.get_output().stdout).contains(WRONG));
    let help = run(wpp(&sim)
        .env("WPPCONNECT_WEBHOOK_SECRET", WRONG)
        .args(["listen", "--help"]))
    .await
    .success();
    assert!(!text(&help.get_output().stdout).contains(WRONG));
}

#[test]
fn without_a_secret_key_the_error_says_where_to_give_it() {
    bare()
        .env("WPPCONNECT_URL", "http://127.0.0.1:9")
        .arg("sessions")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("WPPCONNECT_SECRET_KEY"));
}

#[test]
fn an_unreachable_server_exits_1() {
    bare()
        .env("WPPCONNECT_URL", "http://127.0.0.1:9")
        .env("WPPCONNECT_SECRET_KEY", "k")
        .args(["--timeout", "20s", "status", "main"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is WPPConnect Server running"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_file_is_read_and_env_and_flags_win_over_it() {
    let sim = simulator().await;
    let dir = empty_dir("config");
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "url = \"{}\"\nsecret_key = \"{}\"\n",
            sim.url(),
            sim.secret_key()
        ),
    )
    .unwrap();
    let config = path.to_str().unwrap();

    // the file alone is enough
    run(bare().args(["--config", config, "sessions"]))
        .await
        .success();
    // the default place: $XDG_CONFIG_HOME/wppconnect/config.toml
    let home = empty_dir("xdg");
    std::fs::create_dir_all(home.join("wppconnect")).unwrap();
    std::fs::copy(&path, home.join("wppconnect/config.toml")).unwrap();
    run(bare().env("XDG_CONFIG_HOME", &home).arg("sessions"))
        .await
        .success();
    // the environment wins over the file
    run(bare()
        .env("WPPCONNECT_CONFIG", config)
        .env("WPPCONNECT_SECRET_KEY", "wrong")
        .arg("sessions"))
    .await
    .code(1);
    // a flag wins over the environment
    run(bare()
        .env("WPPCONNECT_CONFIG", config)
        .env("WPPCONNECT_SECRET_KEY", "wrong")
        .args(["--secret-key", sim.secret_key(), "sessions"]))
    .await
    .success();
    run(bare()
        .env("WPPCONNECT_CONFIG", config)
        .args(["--url", "http://127.0.0.1:9", "sessions"]))
    .await
    .code(1);

    // a broken file is a usage error naming the line, without quoting the secret
    std::fs::write(&path, "url = \"http://x\"\nsecret_key = 4242424242\n").unwrap();
    let assert = run(bare().args(["--config", config, "sessions"]))
        .await
        .code(2)
        .stderr(predicate::str::contains("line 2"));
    assert!(!text(&assert.get_output().stderr).contains("4242424242"));
    run(bare().args(["--config", "/no/such/config.toml", "sessions"]))
        .await
        .code(2);
}

// ---------------------------------------------------------------------------------------------
// listen

/// Starts `wppconnect listen` and reads the address it prints; never sleeps.
async fn listening(
    args: &[&str],
) -> (
    tokio::process::Child,
    tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    String,
) {
    let mut child = spawn(None, &[&["listen", "--bind", "127.0.0.1:0"], args].concat());
    let mut err = lines(child.stderr.take());
    let seen = read_until(&mut err, |l| l.starts_with("listening for webhooks on ")).await;
    let base = seen
        .last()
        .unwrap()
        .trim_start_matches("listening for webhooks on ")
        .trim_end_matches("/<session>")
        .to_owned();
    // keep reading stderr so the child never blocks on a full pipe
    tokio::spawn(async move { while let Ok(Some(_)) = err.next_line().await {} });
    let out = lines(child.stdout.take());
    (child, out, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_prints_a_posted_event() {
    let (_listen, mut out, base) = listening(&["--secret", "hook-s3cret"]).await;
    let http = reqwest::Client::new();

    let refused = http
        .post(format!("{base}/main?token=wrong"))
        .header("content-type", "application/json")
        .body(onmessage())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    let taken = http
        .post(format!("{base}/main?token=hook-s3cret"))
        .header("content-type", "application/json")
        .body(onmessage())
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), 200);
    let seen = read_until(&mut out, |l| l.contains("onmessage")).await;
    assert_eq!(seen.len(), 1, "the refused post printed nothing: {seen:#?}");
    assert_eq!(
        seen[0],
        "[main] onmessage from 5511999999999@c.us: Olá! Vocês abrem amanhã? \
         (false_5511999999999@c.us_A1C9E2F64B0D3E8F7A6B5C4D3E2F1A0B)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_json_prints_one_parsable_object_per_line() {
    let (_listen, mut out, base) = listening(&["--json"]).await;
    let http = reqwest::Client::new();
    for _ in 0..2 {
        let answer = http
            .post(format!("{base}/main"))
            .header("content-type", "application/json")
            .body(onmessage())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    let sent: Value = serde_json::from_str(&onmessage()).unwrap();
    for _ in 0..2 {
        let line = read_until(&mut out, |_| true).await.remove(0);
        let event: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(event, sent, "the event as the server sent it");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_shows_the_acks_of_a_send() {
    let sim = simulator().await;
    let (_listen, mut out, base) = listening(&[]).await;
    let webhook = format!("{base}/main");
    let mut login = spawn(
        Some(&sim),
        &["login", "main", "--webhook", &webhook, "--interval", "50ms"],
    );
    let mut login_out = lines(login.stdout.take());
    read_until(&mut login_out, |l| l.contains("scan it with WhatsApp")).await;
    sim.scan("main").unwrap();
    assert_eq!(exit_code(&mut login).await, Some(0));

    let assert = run(wpp(&sim).args(["send", "main", "5511999999999", "chegou?"]))
        .await
        .success();
    let id = text(&assert.get_output().stdout)
        .trim()
        .trim_start_matches("sent ")
        .to_owned();
    let seen = read_until(&mut out, |l| l.contains(&id) && l.contains("ack 2")).await;
    assert!(
        seen.iter().any(|l| l.starts_with("[main] status-find")),
        "{seen:#?}"
    );
}

#[test]
fn listen_reports_a_busy_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    bare()
        .args(["listen", "--bind", &addr])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot listen on"));
}

// ---------------------------------------------------------------------------------------------
// call, completions

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_reaches_any_route() {
    let sim = simulator().await;
    connect(&sim).await;
    let assert = run(wpp(&sim).args([
        "call",
        "GET",
        "/api/main/check-connection-session",
        "--json",
    ]))
    .await
    .success();
    let answer: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(answer["status"], true, "{answer}");

    let assert = run(wpp(&sim).args([
        "call",
        "post",
        "main/send-message",
        "--data",
        r#"{"phone":"5511999999999","message":"pelo call"}"#,
    ]))
    .await
    .success();
    let answer: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(answer["status"], "success", "{answer}");
    let sent = sim
        .messages("main")
        .into_iter()
        .filter(|m| m["body"] == "pelo call")
        .count();
    assert_eq!(sent, 1);

    run(wpp(&sim).args(["call", "PATCH", "main/send-message"]))
        .await
        .code(2);
    run(wpp(&sim).args(["call", "GET", "main/all-chats", "--data", "{}"]))
        .await
        .code(2);
    run(wpp(&sim).args(["call", "POST", "main/send-message", "--data", "{oops"]))
        .await
        .code(2);
    run(wpp(&sim).args(["call", "GET", "main/no-such-route"]))
        .await
        .code(1)
        .stderr(predicate::str::contains("404"));
}

#[test]
fn completions_are_printed() {
    bare()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wppconnect"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_json_prints_each_state_and_a_connected_session_logs_in_at_once() {
    let sim = simulator().await;
    let mut login = spawn(
        Some(&sim),
        &["login", "main", "--json", "--interval", "50ms"],
    );
    let mut out = lines(login.stdout.take());
    let seen = read_until(&mut out, |l| l.contains("\"QRCODE\"")).await;
    for line in &seen {
        let state: Value = serde_json::from_str(line).unwrap();
        assert!(state["status"].is_string(), "{line}");
    }
    let waiting: Value = serde_json::from_str(seen.last().unwrap()).unwrap();
    assert!(
        waiting["urlcode"].is_string(),
        "the QR text for scripts: {waiting}"
    );
    sim.scan("main").unwrap();
    assert_eq!(exit_code(&mut login).await, Some(0));
    let last: Value = serde_json::from_str(rest(&mut out).await.last().unwrap()).unwrap();
    assert_eq!(last["status"], "CONNECTED");

    // already connected: nothing to scan
    run(wpp(&sim).args(["login", "main"]))
        .await
        .success()
        .stdout("session main is connected\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_works_instead_of_the_secret_key() {
    let sim = simulator().await;
    connect(&sim).await;
    let token = sim.token("main");
    let assert = run(bare()
        .env("WPPCONNECT_URL", sim.url())
        .env("WPPCONNECT_TOKEN", &token)
        .args(["send", "main", "5511999999999", "com token"]))
    .await
    .success();
    assert!(text(&assert.get_output().stdout).starts_with("sent "));
    // a token of another session is refused, and never printed
    let assert = run(bare()
        .env("WPPCONNECT_URL", sim.url())
        .env("WPPCONNECT_TOKEN", &token)
        .args(["status", "other"]))
    .await
    .code(1);
    let stderr = text(&assert.get_output().stderr);
    assert!(stderr.contains("refused the token"), "{stderr}");
    assert!(!stderr.contains(&token), "{stderr}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_stops_cleanly_on_sigterm() {
    let (mut listen, mut out, base) = listening(&[]).await;
    let answer = reqwest::Client::new()
        .post(format!("{base}/main"))
        .header("content-type", "application/json")
        .body(onmessage())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let pid = listen.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(exit_code(&mut listen).await, Some(0));
    let printed = rest(&mut out).await;
    assert!(
        printed.iter().any(|l| l.starts_with("[main] onmessage")),
        "the event taken before the stop is printed: {printed:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_ends_when_its_reader_goes_away() {
    // as after `wppconnect listen | head -1`
    let (mut listen, out, base) = listening(&[]).await;
    drop(out);
    let answer = reqwest::Client::new()
        .post(format!("{base}/main"))
        .header("content-type", "application/json")
        .body(onmessage())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(exit_code(&mut listen).await, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spinner_shows_while_waiting_when_stderr_is_a_terminal() {
    // `script` (util-linux) runs the command on a pseudo-terminal
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` command to give wppconnect a terminal");
        return;
    }
    let sim = simulator().await;
    sim.set_faults(wppconnect_sim::Faults {
        stall_routes: vec!["status-session".to_owned()],
        ..Default::default()
    });
    let command = format!(
        "{} --timeout 1s status main",
        assert_cmd::cargo::cargo_bin("wppconnect").display()
    );
    let assert = run(isolated("script")
        .env("WPPCONNECT_URL", sim.url())
        .env("WPPCONNECT_SECRET_KEY", sim.secret_key())
        .args(["-qec", &command, "/dev/null"]))
    .await
    .code(1);
    let terminal = text(&assert.get_output().stdout);
    assert!(
        terminal.contains("asking for the state of main"),
        "the spinner's message: {terminal:?}"
    );
    assert!(terminal.contains("no answer within"), "{terminal:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_answer_fails_is_not_repeated() {
    let sim = simulator().await;
    connect(&sim).await;
    // the message goes out, then a proxy answers 502: a retry would deliver it twice
    sim.set_faults(wppconnect_sim::Faults {
        send_status: Some(502),
        send_count: Some(1),
        deliver_before_failing: true,
        ..Default::default()
    });
    run(wpp(&sim).args(["send", "main", "5511999999999", "só uma vez"]))
        .await
        .code(1)
        .stderr(predicate::str::contains("502"));
    let sent = sim
        .messages("main")
        .into_iter()
        .filter(|m| m["body"] == "só uma vez")
        .count();
    assert_eq!(sent, 1, "sent once, not repeated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_reaches_routes_outside_a_session_queries_and_binary_answers() {
    let sim = simulator().await;
    // the server's root, no auth
    let assert = run(wpp(&sim).args(["call", "GET", "/healthz", "--json"]))
        .await
        .success();
    let health: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(health["message"], "OK", "{health}");

    // a query string
    connect(&sim).await;
    sim.contact_writes("main", "5511999999999", "primeira")
        .unwrap();
    sim.contact_writes("main", "5511999999999", "segunda")
        .unwrap();
    let assert = run(wpp(&sim).args([
        "call",
        "GET",
        "main/get-messages/5511999999999@c.us?count=1",
        "--json",
    ]))
    .await
    .success();
    let answer: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let messages = answer["response"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "count=1 reached the server: {answer}");

    // {secretkey} is filled in by the client, and never printed
    let assert = run(wpp(&sim).args(["call", "GET", "/api/{secretkey}/show-all-sessions"]))
        .await
        .success();
    let output = assert.get_output();
    assert!(text(&output.stdout).contains("main"), "{output:?}");
    assert!(!text(&output.stdout).contains(sim.secret_key()));
    let assert = run(wpp(&sim)
        .env("WPPCONNECT_SECRET_KEY", "NOT-THE-KEY-77c1")
        .args(["call", "GET", "/api/{secretkey}/show-all-sessions"]))
    .await
    .code(1);
    assert!(!text(&assert.get_output().stderr).contains("NOT-THE-KEY-77c1"));

    // a binary answer goes to a file as it is
    let other = client(&sim).session("loja").unwrap();
    other.start().await.unwrap();
    sim.wait_for_status("loja", SessionStatus::QrCode, WAIT)
        .await
        .unwrap();
    let path = empty_dir("call-output").join("qr.png");
    run(wpp(&sim)
        .args(["call", "GET", "loja/qrcode-session", "--output"])
        .arg(&path))
    .await
    .success()
    .stdout("");
    let png = std::fs::read(&path).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the PNG as the server sent it"
    );
}

/// A stand-in for WPPConnect Server's token and send-file routes that reads a multipart form,
/// as the real server's multer does (the simulator reads JSON only).
async fn multipart_server() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>,
) {
    use axum::extract::{Multipart, Path};
    use axum::http::StatusCode;
    use axum::routing::post;
    use axum::{Json, Router};
    use serde_json::json;

    let fields = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = fields.clone();
    let app = Router::new()
        .route(
            "/api/{session}/{secret}/generate-token",
            post(|Path((session, _)): Path<(String, String)>| async move {
                let token = "$2b$10$multipartTestToken";
                (
                    StatusCode::CREATED,
                    Json(
                        json!({"status": "success", "session": session, "token": token,
                                "full": format!("{session}:{token}")}),
                    ),
                )
            }),
        )
        .route(
            "/api/{session}/send-file",
            post(move |mut form: Multipart| async move {
                while let Ok(Some(field)) = form.next_field().await {
                    let name = field.name().unwrap_or_default().to_owned();
                    let bytes = field.bytes().await.unwrap_or_default().to_vec();
                    seen.lock().unwrap().push((name, bytes));
                }
                (
                    StatusCode::CREATED,
                    Json(json!({"status": "success", "response": [
                        {"id": "true_5511999999999@c.us_3EB0A1B2C3D4E5F6A7B8C9", "ack": 0}
                    ]})),
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, fields)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_file_upload_streams_a_multipart_form() {
    let (url, fields) = multipart_server().await;
    let path = empty_dir("upload").join("nota.pdf");
    std::fs::write(&path, b"%PDF-1.7 uma nota fiscal").unwrap();
    run(bare()
        .env("WPPCONNECT_URL", &url)
        .env("WPPCONNECT_SECRET_KEY", "k")
        .args([
            "send",
            "main",
            "+55 11 99999-9999",
            "a nota",
            "--upload",
            "--file",
        ])
        .arg(&path))
    .await
    .success()
    .stdout("sent true_5511999999999@c.us_3EB0A1B2C3D4E5F6A7B8C9\n");
    let fields = fields.lock().unwrap().clone();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    };
    assert_eq!(
        field("phone").as_deref(),
        Some("5511999999999"),
        "{fields:?}"
    );
    assert_eq!(field("caption").as_deref(), Some("a nota"), "{fields:?}");
    assert_eq!(
        field("file").as_deref(),
        Some("%PDF-1.7 uma nota fiscal"),
        "the file itself, not base64: {fields:?}"
    );
    assert!(field("base64").is_none(), "{fields:?}");

    // --upload needs --file
    bare()
        .args(["send", "main", "5511999999999", "oi", "--upload"])
        .assert()
        .code(2);
}
