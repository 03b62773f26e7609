//! The reference backend: REST API, webhook receiver, Server-Sent Events, SQLite store, JWT auth.
//!
//! `cargo run -p wppconnect-examples --bin backend`
//!
//! With no `WPPCONNECT_URL` it starts a simulator of WPPConnect Server in-process. See the
//! README for `WPPCONNECT_URL`, `WPPCONNECT_SECRET_KEY`, `DATABASE_URL`, `JWT_SECRET`,
//! `WEBHOOK_SECRET`, `PUBLIC_URL`, `BIND`, `BACKEND_USERS`, `SESSIONS` and `LOG_FORMAT`, or run it with
//! `--help` for the flags that override them.

use std::process::ExitCode;

use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::{run, Config};

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("hash-password") {
        return hash_password_from_stdin();
    }
    let config = match Config::from_env_and_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(Some(error)) => {
            eprintln!("backend: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("backend: {error}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "\
usage: backend [--flag value]...   (each flag overrides its environment variable)
       backend hash-password       (reads a password on stdin, prints its argon2 hash)
  --wppconnect-url URL     WPPCONNECT_URL         WPPConnect Server; unset: the built-in simulator
  --secret-key KEY         WPPCONNECT_SECRET_KEY  the server's SECRET_KEY
  --database-url URL       DATABASE_URL           default sqlite://wppconnect-backend.db
  --jwt-secret SECRET      JWT_SECRET             default random (logins end with the process)
  --webhook-secret SECRET  WEBHOOK_SECRET         default random
  --public-url URL         PUBLIC_URL             where the server reaches this backend; default http://BIND
  --bind ADDR              BIND                   default 127.0.0.1:3000
  --users SPEC             BACKEND_USERS          name:argon2hash;... (default: admin, random password)
  --sessions a,b           SESSIONS               sessions /health checks besides the stored ones
  --log-format json        LOG_FORMAT             JSON logs";

/// `backend hash-password`: reads a password from the first line of stdin and prints its argon2
/// hash, for `BACKEND_USERS=name:<hash>`.
fn hash_password_from_stdin() -> ExitCode {
    let mut line = String::new();
    if let Err(error) = std::io::stdin().read_line(&mut line) {
        eprintln!("backend: cannot read the password: {error}");
        return ExitCode::FAILURE;
    }
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        eprintln!("backend: give the password on stdin: echo -n 's3cret' | backend hash-password");
        return ExitCode::from(2);
    }
    match hash_password(password) {
        Ok(hash) => {
            println!("{hash}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backend: hashing failed: {error}");
            ExitCode::FAILURE
        }
    }
}
