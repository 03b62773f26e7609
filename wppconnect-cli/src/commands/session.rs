//! `sessions`, `status`, `logout`, `close`.

use serde_json::json;
use wppconnect_client::models::SessionName;

use crate::config::Settings;
use crate::failure::{code, Failure};
use crate::output::{json_line, say, spin};

/// `sessions`: the names in the server's token store.
pub(crate) async fn list(settings: &Settings, json: bool) -> Result<u8, Failure> {
    let client = settings.client(None)?;
    let names = spin("asking for the sessions", client.show_all_sessions()).await?;
    if json {
        json_line(&names);
    } else {
        for name in &names {
            say!("{name}");
        }
    }
    Ok(code::OK)
}

/// `status`: exit 0 when CONNECTED, 3 otherwise.
pub(crate) async fn status(
    settings: &Settings,
    session: SessionName,
    json: bool,
) -> Result<u8, Failure> {
    let session = settings.client(Some(&session))?.session(session.as_str())?;
    let state = spin(
        format!("asking for the state of {}", session.name()),
        session.status(),
    )
    .await?;
    if json {
        json_line(&state);
    } else {
        say!("{}", state.status);
        if let Some(code) = &state.phone_code {
            say!("pairing code: {code}");
        }
    }
    Ok(if state.is_connected() {
        code::OK
    } else {
        code::NOT_CONNECTED
    })
}

/// `logout`.
pub(crate) async fn logout(
    settings: &Settings,
    session: SessionName,
    json: bool,
) -> Result<u8, Failure> {
    let session = settings.client(Some(&session))?.session(session.as_str())?;
    let answer = spin(format!("logging {} out", session.name()), session.logout()).await?;
    report(session.name(), "logged out", answer, json)
}

/// `close`.
pub(crate) async fn close(
    settings: &Settings,
    session: SessionName,
    json: bool,
) -> Result<u8, Failure> {
    let session = settings.client(Some(&session))?.session(session.as_str())?;
    let answer = spin(format!("closing {}", session.name()), session.close()).await?;
    report(session.name(), "closed", answer, json)
}

fn report(
    session: &SessionName,
    done: &str,
    answer: wppconnect_client::models::session::StatusMessage,
    json: bool,
) -> Result<u8, Failure> {
    if json {
        json_line(&json!({
            "session": session,
            "status": answer.status,
            "message": answer.message,
        }));
    } else {
        match (&answer.message, answer.status) {
            (Some(message), true) => say!("{session} {done} ({message})"),
            (Some(message), false) => {
                say!("{session} {done}; the server reported: {message}");
            }
            (None, _) => say!("{session} {done}"),
        }
    }
    Ok(code::OK)
}
