//! Prints every webhook event of WPPConnect Server as it arrives.
//!
//! `cargo run -p wppconnect-examples --bin webhook_stream`
//!
//! Listens on `BIND` (default `127.0.0.1:8080`); point the server's webhook at
//! `http://<this host>:8080/webhook/<session>` (add `?token=<WEBHOOK_SECRET>` when you set one).

use futures::StreamExt;
use wppconnect_webhook::{serve_on, Lagged, Webhook};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let secret = std::env::var("WEBHOOK_SECRET").unwrap_or_default();
    let (router, hub) = Webhook::builder().secret(secret).build();
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
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!(
        "webhook listener on http://{}/webhook/<session>",
        listener.local_addr()?
    );
    serve_on(listener, router, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
