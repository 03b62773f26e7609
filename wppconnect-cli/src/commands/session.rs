//! `sessions`, `status`, `logout`, `close`.

use serde_json::json;
use wppconnect_client::models::SessionName;

use crate::config::Settings;
use crate::failure::{code, Failure};
use crate::output::{json_line, say, spin};

/// `sessions`: the names in the server's token store, with `--status` each one's state.
pub(crate) async fn list(
    settings: &Settings,
    with_status: bool,
    json: bool,
) -> Result<u8, Failure> {
    let client = settings.client(None)?;
    let names = spin("asking for the sessions", client.show_all_sessions()).await?;
    if !with_status {
        if json {
            json_line(&names);
        } else {
            for name in &names {
                say!("{name}");
            }
        }
        return Ok(code::OK);
    }
    let mut states = Vec::with_capacity(names.len());
    for name in &names {
        let session = client.session(name.as_str())?;
        let state = spin(format!("asking for the state of {name}"), session.status()).await?;
        states.push((name, state.status));
    }
    if json {
        let list: Vec<_> = states
            .iter()
            .map(|(name, status)| json!({"session": name, "status": status}))
            .collect();
        json_line(&list);
    } else {
        let width = names.iter().map(|n| n.as_str().len()).max().unwrap_or(0);
        for (name, status) in &states {
            say!("{:width$}  {status}", name.as_str());
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
