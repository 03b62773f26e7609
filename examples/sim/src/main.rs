//! A simulator of WPPConnect Server on 127.0.0.1:21465.
//!
//! `cargo run -p wppconnect-sim` (env `SIM_BIND` to change the address, `SECRET_KEY` the key,
//! `WEBHOOK_URL` a global webhook).

use wppconnect_sim::{start, SimConfig};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let bind = std::env::var("SIM_BIND").unwrap_or_else(|_| "127.0.0.1:21465".to_owned());
    let mut config = SimConfig::default();
    if let Ok(key) = std::env::var("SECRET_KEY") {
        config.secret_key = key;
    }
    config.webhook_url = std::env::var("WEBHOOK_URL").ok();
    let sim = start(config, &bind).await?;
    println!(
        "WPPConnect simulator on {} (secret key from SECRET_KEY, default THISISMYSECURETOKEN)",
        sim.url()
    );
    println!(
        "scan a QR code:      curl -X POST {}/sim/<session>/scan",
        sim.url()
    );
    println!("a contact writes:    curl -X POST {}/sim/<session>/incoming -H 'content-type: application/json' -d '{{\"from\":\"5511999999999\",\"body\":\"Oi\"}}'", sim.url());
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    Ok(())
}
