//! A simulator of WPPConnect Server, on 127.0.0.1:21465 by default.
//!
//! `cargo run -p wppconnect-sim -- [--bind ADDR] [--secret-key KEY] [--webhook URL]
//! [--connect-after SECONDS | --manual-scan] [--auto-close SECONDS]`
//!
//! The same settings come from the environment: `SIM_BIND`, `SECRET_KEY`, `WEBHOOK_URL`,
//! `SIM_CONNECT_AFTER` (seconds; `0` = wait for a scan), `SIM_AUTO_CLOSE` (seconds; `0` =
//! never; default 60). Flags win over the environment.
//!
//! On SIGTERM or SIGINT it posts `status-find` `browserClose` for every open session, as the
//! real server does, then exits.

use std::process::ExitCode;
use std::time::Duration;

use wppconnect_sim::{Simulator, DEFAULT_ADDR, DEFAULT_AUTO_CLOSE, DEFAULT_SECRET_KEY};

const USAGE: &str = "usage: wppconnect-sim [--bind ADDR] [--secret-key KEY] [--webhook URL] \
[--connect-after SECONDS | --manual-scan] [--auto-close SECONDS]";

struct Options {
    bind: String,
    secret_key: String,
    webhook: Option<String>,
    /// `None`: wait for a scan.
    connect_after: Option<Duration>,
    /// `None`: never.
    auto_close: Option<Duration>,
}

/// `0` → `None`.
fn seconds(flag: &str, text: &str) -> Result<Option<Duration>, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{flag}: {text:?} is not a number of seconds"))?;
    if !value.is_finite() || !(0.0..=1e9).contains(&value) {
        return Err(format!("{flag}: {text:?} is not a number of seconds"));
    }
    Ok((value > 0.0).then(|| Duration::from_secs_f64(value)))
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        bind: std::env::var("SIM_BIND").unwrap_or_else(|_| DEFAULT_ADDR.to_owned()),
        secret_key: std::env::var("SECRET_KEY").unwrap_or_else(|_| DEFAULT_SECRET_KEY.to_owned()),
        webhook: std::env::var("WEBHOOK_URL").ok().filter(|u| !u.is_empty()),
        connect_after: match std::env::var("SIM_CONNECT_AFTER") {
            Ok(text) => seconds("SIM_CONNECT_AFTER", &text)?,
            Err(_) => Some(Duration::from_secs(8)),
        },
        auto_close: match std::env::var("SIM_AUTO_CLOSE") {
            Ok(text) => seconds("SIM_AUTO_CLOSE", &text)?,
            Err(_) => Some(DEFAULT_AUTO_CLOSE),
        },
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--bind" => options.bind = value("--bind")?,
            "--secret-key" => options.secret_key = value("--secret-key")?,
            "--webhook" => options.webhook = Some(value("--webhook")?),
            "--connect-after" => {
                options.connect_after = seconds("--connect-after", &value("--connect-after")?)?;
            }
            "--auto-close" => {
                options.auto_close = seconds("--auto-close", &value("--auto-close")?)?;
            }
            "--manual-scan" => options.connect_after = None,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Simulator::builder().secret_key(options.secret_key.clone());
    builder = match options.connect_after {
        Some(delay) => builder.connect_after(delay),
        None => builder.manual_scan(),
    };
    builder = match options.auto_close {
        Some(after) => builder.auto_close(after),
        None => builder.no_auto_close(),
    };
    if let Some(webhook) = options.webhook {
        builder = builder.webhook_url(webhook);
    }
    let sim = match builder.start(&options.bind).await {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("cannot listen on {}: {error}", options.bind);
            return ExitCode::FAILURE;
        }
    };
    let url = sim.url();
    // The simulator's key is printed on purpose: it is a local test double, and the person who
    // started it needs the key to call generate-token.
    println!("WPPConnect Server simulator listening on {url}");
    println!("secret key: {}", options.secret_key);
    println!();
    println!("  token:            curl -X POST {url}/api/main/<secret key>/generate-token");
    println!("  start a session:  curl -X POST {url}/api/main/start-session -H 'Authorization: Bearer <token>'");
    println!("  scan its QR code: curl -X POST {url}/sim/main/scan");
    println!("  a contact writes: curl -X POST {url}/sim/main/incoming -H 'content-type: application/json' -d '{{\"from\":\"5511999999999\",\"body\":\"Oi\"}}'");
    println!("  faults:           curl -X POST {url}/sim/faults -H 'content-type: application/json' -d '{{\"sendStatus\":502,\"sendCount\":1}}'");
    match options.connect_after {
        Some(delay) => println!("sessions connect by themselves {delay:?} after their QR code"),
        None => println!("sessions wait for a scan"),
    }
    terminated().await;
    sim.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
