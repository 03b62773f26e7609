//! Starts a session and prints its QR code in the terminal until it is connected.
//!
//! `cargo run -p wppconnect-examples --bin qr_login -- <session>`
//!
//! Reads `WPPCONNECT_URL` (default `http://127.0.0.1:21465`) and `WPPCONNECT_SECRET_KEY`.

use std::time::Duration;

use futures::StreamExt;
use wppconnect_client::{qr, Client, LoginUpdate};

#[tokio::main]
async fn main() -> wppconnect_client::Result<()> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "main".to_owned());
    let session = Client::from_env()?.session(&name)?;
    let before = session.start().await?;
    println!("{name}: {} before the start", before.status);
    let mut login =
        Box::pin(session.wait_until_connected(Duration::from_secs(2), Duration::from_secs(180)));
    while let Some(update) = login.next().await {
        let LoginUpdate::State(state) = update? else {
            continue;
        };
        match state.urlcode.as_deref() {
            Some(urlcode) => println!(
                "{}\nscan this with WhatsApp > Linked devices",
                qr::render_terminal(urlcode)?
            ),
            None => println!("{name}: {}", state.status),
        }
    }
    println!("{name} is connected");
    Ok(())
}
