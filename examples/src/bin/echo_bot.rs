//! Answers every inbound text with the same text: webhook in, client out.
//!
//! `cargo run -p wppconnect-examples --bin echo_bot`
//!
//! `--url`, `--secret-key`, `--bind` and `--webhook-secret` fall back to `WPPCONNECT_URL`,
//! `WPPCONNECT_SECRET_KEY`, `BIND` (default `127.0.0.1:8080`) and `WEBHOOK_SECRET`; start your
//! session with the webhook `http://<this host>:8080/webhook/<session>?token=<WEBHOOK_SECRET>`.

use std::sync::Arc;

use clap::Parser;
use wppconnect_examples::cli::ServerArgs;
use wppconnect_webhook::models::Event;
use wppconnect_webhook::{serve_on, Webhook};

/// Answers every inbound WhatsApp text with the same text, quoting it.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The address the webhook receiver listens on.
    #[arg(
        long,
        env = "BIND",
        value_name = "ADDR",
        default_value = "127.0.0.1:8080"
    )]
    bind: String,
    /// The secret WPPConnect Server sends as `?token=`; unset: no check.
    #[arg(
        long,
        env = "WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    webhook_secret: Option<String>,
    #[command(flatten)]
    server: ServerArgs,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let client = args.server.client()?;
    let (router, hub) = Webhook::builder()
        .secret(args.webhook_secret.unwrap_or_default())
        .dedupe_window(1000)
        .build();
    hub.on(
        [wppconnect_webhook::models::EventKind::Message],
        move |event: Arc<Event>| {
            let client = client.clone();
            async move {
                let (Some(session), Some(message)) = (event.session(), event.message()) else {
                    return Ok(());
                };
                let (Some(text), Some(chat)) = (message.text(), message.chat()) else {
                    return Ok(());
                };
                if message.is_from_me() || text.is_empty() {
                    return Ok(());
                }
                client
                    .session(session.as_str())?
                    .send_message(chat.as_str(), text)
                    .quoted(message.id.as_str())
                    .await
                    .map(drop)
            }
        },
    );
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    println!(
        "echo bot listening on http://{}/webhook/<session>",
        listener.local_addr()?
    );
    serve_on(listener, router, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
