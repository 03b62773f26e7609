//! `send`: a text, or a file with a caption; optionally as a reply.

use serde_json::json;
use wppconnect_client::{File, Upload};

use crate::cli::SendArgs;
use crate::config::Settings;
use crate::failure::{code, Failure};
use crate::output::{json_line, say, spin};

/// Sends once: the client never repeats a send that may have reached the server. Invalid input
/// (phone, message id, unreadable file) is refused before anything is sent.
pub(crate) async fn run(settings: &Settings, args: SendArgs, json: bool) -> Result<u8, Failure> {
    let session = settings
        .client(Some(&args.session))?
        .session(args.session.as_str())?;
    let to = args.phone.clone();
    let sent: Vec<(String, Option<i64>)> = match &args.file {
        Some(path) => {
            if !path.is_file() {
                return Err(Failure::usage(format!(
                    "{} is not a readable file",
                    path.display()
                )));
            }
            let file = if args.upload {
                File::upload(Upload::path(path))
            } else {
                File::path(path)
            };
            let mut request = session.send_file(&args.phone, file);
            if let Some(caption) = args.text.as_deref().filter(|t| !t.is_empty()) {
                request = request.caption(caption);
            }
            if let Some(id) = &args.reply_to {
                request = request.quoted(id);
            }
            let receipts = spin(format!("sending {} to {to}", path.display()), request).await?;
            receipts
                .into_iter()
                .map(|r| (r.id.to_string(), r.ack.map(i64::from)))
                .collect()
        }
        None => {
            let mut request = session.send_message(&args.phone, args.text.unwrap_or_default());
            if let Some(id) = &args.reply_to {
                request = request.quoted(id);
            }
            let messages = spin(format!("sending to {to}"), request).await?;
            messages
                .into_iter()
                .map(|m| (m.id.to_string(), m.ack.map(i64::from)))
                .collect()
        }
    };
    if sent.is_empty() {
        return Err(Failure::server(
            "the server answered without a message: nothing was sent",
        ));
    }
    for (id, ack) in &sent {
        if json {
            json_line(&json!({"id": id, "ack": ack}));
        } else {
            say!("sent {id}");
        }
    }
    Ok(code::OK)
}
