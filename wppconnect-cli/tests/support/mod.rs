//! Helpers: a simulator on loopback, the `wppconnect` binary pointed at it, line readers with
//! long hang guards (never fixed sleeps).

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader, Lines};
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_sim::{RunningSimulator, SessionStatus, Simulator};

/// Only stops a hang; every wait ends as soon as its condition holds.
pub const WAIT: Duration = Duration::from_secs(90);

/// A simulator with test timings: QR code after 5 ms, scanned only by `sim.scan`.
pub async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .fast()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

/// An empty folder of this test run, so no user config file is read.
pub fn empty_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{name}-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// Clears the environment the command reads, so only what a test sets applies.
fn isolate(command: &mut std::process::Command) {
    let config_home = empty_dir("config-home");
    command
        .env_remove("WPPCONNECT_URL")
        .env_remove("WPPCONNECT_SECRET_KEY")
        .env_remove("WPPCONNECT_TOKEN")
        .env_remove("WPPCONNECT_CONFIG")
        .env_remove("WPPCONNECT_WEBHOOK_SECRET")
        .env_remove("RUST_LOG")
        .env("XDG_CONFIG_HOME", &config_home)
        .env("HOME", &config_home);
}

/// `wppconnect` (assert_cmd) with a clean environment and no server configured.
pub fn bare() -> assert_cmd::Command {
    isolated(assert_cmd::cargo::cargo_bin("wppconnect"))
}

/// Any program (assert_cmd) with the environment `wppconnect` reads cleared.
pub fn isolated(program: impl AsRef<std::ffi::OsStr>) -> assert_cmd::Command {
    let mut std_command = std::process::Command::new(program);
    isolate(&mut std_command);
    let mut command = assert_cmd::Command::from_std(std_command);
    command.timeout(WAIT);
    command
}

/// `wppconnect` (assert_cmd) pointed at the simulator with its secret key.
pub fn wpp(sim: &RunningSimulator) -> assert_cmd::Command {
    let mut command = bare();
    command
        .env("WPPCONNECT_URL", sim.url())
        .env("WPPCONNECT_SECRET_KEY", sim.secret_key());
    command
}

/// Runs a blocking assert_cmd command without stalling the simulator: the other tasks of this
/// worker move elsewhere meanwhile (needs the multi-thread runtime).
pub async fn run(command: &mut assert_cmd::Command) -> assert_cmd::assert::Assert {
    tokio::task::block_in_place(|| command.assert())
}

/// `wppconnect` as a running child (tokio), pointed at the simulator, stdout and stderr piped.
pub fn spawn(sim: Option<&RunningSimulator>, args: &[&str]) -> tokio::process::Child {
    let mut std_command = std::process::Command::new(assert_cmd::cargo::cargo_bin("wppconnect"));
    isolate(&mut std_command);
    if let Some(sim) = sim {
        std_command
            .env("WPPCONNECT_URL", sim.url())
            .env("WPPCONNECT_SECRET_KEY", sim.secret_key());
    }
    std_command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut command = tokio::process::Command::from(std_command);
    command.kill_on_drop(true);
    command.spawn().unwrap()
}

/// The lines of a child's pipe.
pub fn lines<R: AsyncRead + Unpin>(pipe: Option<R>) -> Lines<BufReader<R>> {
    BufReader::new(pipe.unwrap()).lines()
}

/// Reads lines until one satisfies `wanted`; returns every line read, the last one matching.
pub async fn read_until<R: AsyncRead + Unpin>(
    lines: &mut Lines<BufReader<R>>,
    wanted: impl Fn(&str) -> bool,
) -> Vec<String> {
    tokio::time::timeout(WAIT, async {
        let mut seen = Vec::new();
        loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("the program ended; it printed: {seen:#?}"));
            let done = wanted(&line);
            seen.push(line);
            if done {
                return seen;
            }
        }
    })
    .await
    .expect("no such line in time")
}

/// Every remaining line of a pipe.
pub async fn rest<R: AsyncRead + Unpin>(lines: &mut Lines<BufReader<R>>) -> Vec<String> {
    tokio::time::timeout(WAIT, async {
        let mut seen = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            seen.push(line);
        }
        seen
    })
    .await
    .expect("the pipe never closed")
}

/// Waits for the child to end; its exit code.
pub async fn exit_code(child: &mut tokio::process::Child) -> Option<i32> {
    tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("the program never ended")
        .unwrap()
        .code()
}

/// A client of the simulator that never retries.
pub fn client(sim: &RunningSimulator) -> Client {
    Client::builder(&sim.url())
        .unwrap()
        .secret_key(sim.secret_key())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Starts `main` and scans its QR code.
pub async fn connect(sim: &RunningSimulator) {
    client(sim).session("main").unwrap().start().await.unwrap();
    sim.wait_for_status("main", SessionStatus::QrCode, WAIT)
        .await
        .unwrap();
    sim.scan("main").unwrap();
    sim.wait_for_status("main", SessionStatus::Connected, WAIT)
        .await
        .unwrap();
}

/// Polls the simulator's message list until `check` holds (hang guard only).
pub async fn until_messages(
    sim: &RunningSimulator,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
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

/// The text of a command's output.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
