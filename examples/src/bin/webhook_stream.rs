//! Prints every webhook event of WPPConnect Server as it arrives.
//!
//! `cargo run -p wppconnect-examples --bin webhook_stream`
//!
//! `--bind` and `--webhook-secret` fall back to `BIND` (default `127.0.0.1:8080`) and
//! `WEBHOOK_SECRET`; point the server's webhook at `http://<this host>:8080/webhook/<session>`
//! (add `?token=<WEBHOOK_SECRET>` when you set one).

use clap::Parser;
use futures::StreamExt;
use wppconnect_webhook::{serve_on, Lagged, Webhook};

/// Prints every webhook event of WPPConnect Server as it arrives.
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
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let (router, hub) = Webhook::builder()
        .secret(args.webhook_secret.unwrap_or_default())
        .build();
    let mut events = hub.subscribe();
    tokio::spawn(async move {
        while let Some(item) = events.next().await {
            match item {
                Ok(event) => {
                    let session = event.session().map_or("?", |s| s.as_str());
                    match event.message() {
                        Some(m) => println!(
                            "[{session}] {} {:?}: {}",
                            event.name(),
                            m.author_id().map(|a| a.as_str()),
                            m.text().unwrap_or("")
                        ),
                        None => println!("[{session}] {} {}", event.name(), event.to_value()),
                    }
                }
                Err(Lagged(missed)) => eprintln!("missed {missed} events"),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    println!(
        "webhook listener on http://{}/webhook/<session>",
        listener.local_addr()?
    );
    serve_on(listener, router, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
