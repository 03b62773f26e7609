//! `login`: start a session, show each new QR code (or the pairing code), end once connected.

use std::pin::pin;

use futures::StreamExt;
use wppconnect_client::models::{PhoneNumber, SessionState, SessionStatus};
use wppconnect_client::{qr, Error, LoginUpdate, Session, TimeoutKind};

use crate::cli::LoginArgs;
use crate::config::Settings;
use crate::failure::{code, Failure};
use crate::output::{json_line, say, spin, spinner};

/// Starts the session and polls its state until it is `CONNECTED` (exit 0), the server closes
/// it (exit 3), or `--wait` passes (exit 3).
pub(crate) async fn run(settings: &Settings, args: LoginArgs, json: bool) -> Result<u8, Failure> {
    let name = args.session.clone();
    // checked before anything is sent
    let pairing = match &args.pairing_code {
        Some(phone) => Some(
            PhoneNumber::new(phone)
                .map_err(|e| Failure::usage(format!("invalid phone for --pairing-code: {e}")))?,
        ),
        None => None,
    };
    if let Some(path) = &args.qr_png {
        std::fs::File::create(path).map_err(|e| {
            Failure::usage(format!(
                "cannot write the QR code to {}: {e}",
                path.display()
            ))
        })?;
    }
    let session = settings.client(Some(&name))?.session(name.as_str())?;

    match &pairing {
        Some(phone) => start_with_pairing_code(&session, &args, phone, json).await?,
        None => {
            let mut start = session.start();
            if let Some(url) = &args.webhook {
                start = start.webhook(url);
            }
            let before = spin(format!("starting session {name}"), start).await?;
            if args.webhook.is_some() && before.status != SessionStatus::Closed {
                // the server applies a start's body only to a session it starts from nothing
                eprintln!(
                    "warning: session {name} was already {}: the server keeps its webhook; to \
                     change it, run `wppconnect close {name}` and log in again",
                    before.status
                );
            }
        }
    }

    let bar = spinner(format!("waiting for session {name}"));
    let mut updates = pin!(session.wait_until_connected(args.interval, args.wait));
    let mut shown_qr: Option<String> = None;
    let mut codes = 0_u32;
    while let Some(update) = updates.next().await {
        let state = match update {
            Ok(LoginUpdate::State(state)) => state,
            Ok(_) => continue,
            Err(Error::Timeout {
                kind: TimeoutKind::Deadline,
                after,
                ..
            }) => {
                bar.finish_and_clear();
                return Err(Failure::not_connected(format!(
                    "session {name} was not connected within {after:?}"
                ))
                .hint(
                    "nobody scanned in time; run the login again, or give it longer with --wait",
                ));
            }
            Err(error) => {
                bar.finish_and_clear();
                return Err(error.into());
            }
        };
        if json {
            bar.suspend(|| json_line(&state));
        }
        if state.is_connected() {
            bar.finish_and_clear();
            if !json {
                say!("session {name} is connected");
            }
            return Ok(code::OK);
        }
        if state.status == SessionStatus::QrCode {
            // `urlcode` is the QR text; a server that sent only the image has none
            let key = state.urlcode.clone().or_else(|| state.qrcode.clone());
            if key.is_some() && key != shown_qr {
                shown_qr = key;
                codes += 1;
                if let Some(path) = &args.qr_png {
                    write_png(&state, path)?;
                }
                if !json {
                    let drawn = match state.urlcode.as_deref() {
                        Some(urlcode) => qr::render_terminal(urlcode)?,
                        None if args.qr_png.is_some() => String::new(),
                        None => "(the server sent the QR code as an image only: run again with \
                                 --qr-png qr.png and open that file)"
                            .to_owned(),
                    };
                    bar.suspend(|| {
                        say!("{drawn}");
                        if let Some(path) = &args.qr_png {
                            say!("QR code image written to {}", path.display());
                        }
                        say!(
                            "QR code {codes} of session {name}: scan it with WhatsApp > Linked devices > Link a device"
                        );
                    });
                }
            }
        }
        bar.set_message(format!("session {name}: {}", describe(&state)));
    }
    bar.finish_and_clear();
    Err(Failure::server(format!(
        "the wait for session {name} ended without a connection"
    )))
}

/// The pairing code comes only in the held answer of start-session with `waitQrCode` (the
/// status route never shows it), and only when the session starts from nothing.
async fn start_with_pairing_code(
    session: &Session,
    args: &LoginArgs,
    phone: &PhoneNumber,
    json: bool,
) -> Result<(), Failure> {
    let name = session.name();
    let before = spin(format!("asking for the state of {name}"), session.status()).await?;
    if before.is_connected() {
        return Ok(());
    }
    if before.status != SessionStatus::Closed {
        eprintln!(
            "warning: session {name} is already {}: its pairing code was given when it started \
             (the server does not show it again); to get a new one, run `wppconnect close {name}` \
             and log in again",
            before.status
        );
        return Ok(());
    }
    let mut start = session.start().phone(phone.digits()).wait_qr_code(true);
    if let Some(url) = &args.webhook {
        start = start.webhook(url);
    }
    let answer = match spin(
        format!("asking the server for a pairing code for {name}"),
        start,
    )
    .await
    {
        Ok(answer) => answer,
        // the server holds the answer forever when the stored profile logs in by itself
        Err(Error::Timeout { .. }) => {
            eprintln!(
                "warning: the server did not answer with a pairing code (a stored login may be \
                 in use); waiting for the session"
            );
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    if json {
        json_line(&answer);
    }
    match answer.phone_code.as_deref() {
        Some(code) if !json => say!(
            "pairing code of session {name}: {code}\non the phone {}: WhatsApp > Linked devices > Link a device > Link with phone number instead",
            phone.digits()
        ),
        Some(_) => {}
        None => eprintln!(
            "warning: the server gave no pairing code ({}); it also posts it in the `phoneCode` \
             webhook (see `wppconnect listen`)",
            answer.status
        ),
    }
    Ok(())
}

/// Writes the state's QR image (a data URL) as a PNG file.
fn write_png(state: &SessionState, path: &std::path::Path) -> Result<(), Failure> {
    let Some(image) = state.qrcode.as_deref() else {
        return Ok(());
    };
    let png = qr::png_bytes(image)?;
    std::fs::write(path, png).map_err(|e| {
        Failure::server(format!(
            "cannot write the QR code to {}: {e}",
            path.display()
        ))
    })
}

/// What the spinner says about a state.
fn describe(state: &SessionState) -> String {
    match &state.status {
        SessionStatus::QrCode | SessionStatus::QrCodeLowercase => {
            "waiting for the QR code to be scanned".to_owned()
        }
        SessionStatus::PhoneCode | SessionStatus::PhoneCodeCamel => {
            "waiting for the pairing code to be typed on the phone".to_owned()
        }
        SessionStatus::Initializing => "starting WhatsApp Web".to_owned(),
        other => other.to_string(),
    }
}
