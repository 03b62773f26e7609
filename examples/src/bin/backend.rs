//! The reference backend: REST API, webhook receiver, Server-Sent Events, SQLite store, JWT auth.
//!
//! `cargo run -p wppconnect-examples --bin backend`
//!
//! With no `WPPCONNECT_URL` it starts a simulator of WPPConnect Server in-process. See the
//! README for `WPPCONNECT_URL`, `WPPCONNECT_SECRET_KEY`, `DATABASE_URL`, `JWT_SECRET`,
//! `WEBHOOK_SECRET`, `PUBLIC_URL`, `BIND`, `BACKEND_USERS` and `LOG_FORMAT`.

use wppconnect_examples::backend::{run, Config};

#[tokio::main]
async fn main() {
    if let Err(error) = run(Config::from_env()).await {
        eprintln!("backend: {error}");
        std::process::exit(1);
    }
}
