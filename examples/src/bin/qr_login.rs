//! Starts a session and prints its QR code in the terminal until it is connected.
//!
//! `cargo run -p wppconnect-examples --bin qr_login -- [session]`
//!
//! `--url` and `--secret-key` fall back to `WPPCONNECT_URL` (default `http://127.0.0.1:21465`)
//! and `WPPCONNECT_SECRET_KEY`. `--help` and `--version` start nothing.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use futures::StreamExt;
use wppconnect_client::{qr, LoginUpdate};
use wppconnect_examples::cli::{session_name, ServerArgs};
use wppconnect_models::SessionName;

/// Starts a WPPConnect session and prints its QR code until WhatsApp is linked.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The session to start.
    #[arg(default_value = "main", value_parser = session_name)]
    session: SessionName,
    /// How long to wait for the scan, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 180)]
    timeout: u64,
    #[command(flatten)]
    server: ServerArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match login(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("qr_login: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn login(args: &Args) -> wppconnect_client::Result<()> {
    let name = &args.session;
    let session = args.server.client()?.session(name.as_str())?;
    let before = session.start().await?;
    println!("{name}: {} before the start", before.status);
    let mut login = Box::pin(
        session.wait_until_connected(Duration::from_secs(2), Duration::from_secs(args.timeout)),
    );
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
