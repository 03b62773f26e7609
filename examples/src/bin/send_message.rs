//! Sends one WhatsApp message through WPPConnect Server.
//!
//! `cargo run -p wppconnect-examples --bin send_message -- <session> "<phone>" "<text>"`
//!
//! The phone number and the text are one argument each: quote them when they hold spaces. An
//! unquoted `+55 11 99999-9999` is a usage error, never a message to `55`. `--url` and
//! `--secret-key` fall back to `WPPCONNECT_URL` (default `http://127.0.0.1:21465`) and
//! `WPPCONNECT_SECRET_KEY`.

use std::process::ExitCode;

use clap::Parser;
use wppconnect_examples::cli::{phone_number, session_name, ServerArgs};
use wppconnect_models::{PhoneNumber, SessionName};

/// Sends one WhatsApp message through WPPConnect Server and prints its id.
#[derive(Debug, Parser)]
#[command(
    version,
    after_help = "Example: send_message main \"+55 11 99999-9999\" \"Olá do terminal\""
)]
struct Args {
    /// The session that sends (connected on the server).
    #[arg(value_parser = session_name)]
    session: SessionName,
    /// The recipient's number with its country code, as ONE argument: "+55 11 99999-9999".
    #[arg(value_parser = phone_number, allow_hyphen_values = true)]
    phone: PhoneNumber,
    /// The text, as ONE argument (quote it).
    text: String,
    #[command(flatten)]
    server: ServerArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.text.trim().is_empty() {
        eprintln!("send_message: the text is empty");
        return ExitCode::from(2);
    }
    let result = async {
        args.server
            .client()?
            .session(args.session.as_str())?
            .send_message(args.phone.digits(), args.text.as_str())
            .await
    }
    .await;
    match result {
        Ok(sent) => {
            for message in sent {
                println!("sent {} (ack {:?})", message.id, message.ack);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("not sent: {error}");
            ExitCode::FAILURE
        }
    }
}
