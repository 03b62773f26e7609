//! Sends one WhatsApp message through WPPConnect Server.
//!
//! `cargo run -p wppconnect-examples --bin send_message -- <session> <phone> <text…>`
//!
//! Reads `WPPCONNECT_URL` (default `http://127.0.0.1:21465`) and `WPPCONNECT_SECRET_KEY`.

use wppconnect_client::Client;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [session, phone, text @ ..] = args.as_slice() else {
        eprintln!("usage: send_message <session> <phone> <text…>");
        std::process::exit(2);
    };
    let result = async {
        let client = Client::from_env()?;
        client
            .session(session)?
            .send_message(phone, text.join(" "))
            .await
    }
    .await;
    match result {
        Ok(sent) => {
            for message in sent {
                println!("sent {} (ack {:?})", message.id, message.ack);
            }
        }
        Err(error) => {
            eprintln!("not sent: {error}");
            std::process::exit(1);
        }
    }
}
