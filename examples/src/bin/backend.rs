//! The reference backend: REST API, webhook receiver, Server-Sent Events, SQLite store, JWT auth.
//!
//! `cargo run -p wppconnect-examples --bin backend`
//!
//! With no `WPPCONNECT_URL` it starts a simulator of WPPConnect Server in-process. See the
//! README for `WPPCONNECT_URL`, `WPPCONNECT_SECRET_KEY`, `DATABASE_URL`, `JWT_SECRET`,
//! `WEBHOOK_SECRET`, `PUBLIC_URL`, `BIND`, `BACKEND_USERS`, `SESSIONS` and `LOG_FORMAT`, or run it with
//! `--help` for the flags that override them.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::{run, Command, Config};

/// mimalloc: the HTTP threads allocate what the indexer frees, which glibc's allocator makes
/// them wait for (its arena locks); measured in `benches/benches/ingest.rs`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // An empty variable counts as unset (`JWT_SECRET=` in a compose file): forget those before
    // clap reads them, while no other thread exists to read the environment.
    for arg in Config::command().get_arguments() {
        if let Some(name) = arg.get_env() {
            if std::env::var(name).is_ok_and(|value| value.trim().is_empty()) {
                std::env::remove_var(name);
            }
        }
    }
    // `--help`, `--version` and usage errors (exit code 2) are clap's
    let config = Config::parse();
    if config.command == Some(Command::HashPassword) {
        return hash_password_from_stdin();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("backend: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // what failed, then each cause after it
            let mut message = vec![error.to_string()];
            let mut source = error.source();
            while let Some(cause) = source {
                message.push(cause.to_string());
                source = cause.source();
            }
            eprintln!("backend: {}", message.join(": "));
            ExitCode::FAILURE
        }
    }
}

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
