//! `call`: any route of a session, through the client's escape hatch (its auth, retries and
//! errors apply).

use std::io::Read;

use serde_json::Value;

use crate::cli::CallArgs;
use crate::config::Settings;
use crate::failure::{code, Failure};
use crate::output::{json_line, say, spin};

/// `call METHOD ROUTE [--data JSON]`: prints the JSON answer.
pub(crate) async fn run(settings: &Settings, args: CallArgs, json: bool) -> Result<u8, Failure> {
    let method = args.method.to_ascii_uppercase();
    let (session_name, path) = split_route(&args.route)?;
    let body = match (method.as_str(), &args.data) {
        ("GET", Some(_)) => return Err(Failure::usage("a GET takes no --data")),
        ("GET", None) => None,
        ("POST", Some(data)) => Some(read_body(data)?),
        ("POST", None) => Some(Value::Object(serde_json::Map::new())),
        (other, _) => {
            return Err(Failure::usage(format!(
                "method {other} is not supported: `call` knows GET and POST"
            )))
        }
    };
    let name = wppconnect_client::models::SessionName::new(session_name)
        .map_err(|e| Failure::usage(format!("invalid session in the route: {e}")))?;
    let session = settings.client(Some(&name))?.session(name.as_str())?;
    let label = format!("{method} /api/{name}/{path}");
    let answer: Value = match body {
        None => spin(label, session.get(path)).await?,
        Some(body) => spin(label, session.post(path, &body)).await?,
    };
    if json {
        json_line(&answer);
    } else {
        match serde_json::to_string_pretty(&answer) {
            Ok(text) => say!("{text}"),
            Err(_) => say!("{answer}"),
        }
    }
    Ok(code::OK)
}

/// `main/list-chats` or `/api/main/list-chats` → (`main`, `list-chats`).
fn split_route(route: &str) -> Result<(&str, &str), Failure> {
    let trimmed = route.trim().trim_start_matches('/');
    let trimmed = trimmed.strip_prefix("api/").unwrap_or(trimmed);
    if trimmed.contains('?') || trimmed.contains('#') {
        return Err(Failure::usage(
            "query strings are not supported by `call` yet; give the route's path only",
        ));
    }
    match trimmed.split_once('/') {
        Some((session, path)) if !session.is_empty() && !path.trim_matches('/').is_empty() => {
            Ok((session, path.trim_matches('/')))
        }
        _ => Err(Failure::usage(format!(
            "the route {route:?} is not SESSION/PATH (e.g. main/list-chats or /api/main/list-chats)"
        ))),
    }
}

/// The body of `--data`: JSON text, `@file`, or `-` for standard input.
fn read_body(data: &str) -> Result<Value, Failure> {
    let text = if data == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage(format!("cannot read --data from standard input: {e}")))?;
        text
    } else if let Some(path) = data.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read --data from {path}: {e}")))?
    } else {
        data.to_owned()
    };
    serde_json::from_str(&text).map_err(|e| Failure::usage(format!("--data is not JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_read_with_or_without_the_api_prefix() {
        assert_eq!(
            split_route("main/list-chats").unwrap(),
            ("main", "list-chats")
        );
        assert_eq!(
            split_route("/api/main/get-messages/5511999999999@c.us").unwrap(),
            ("main", "get-messages/5511999999999@c.us")
        );
        assert!(split_route("main").is_err());
        assert!(split_route("/api/main/").is_err());
        assert!(split_route("main/list-chats?count=2").is_err());
    }

    #[test]
    fn data_must_be_json() {
        assert_eq!(
            read_body(r#"{"a":1}"#).unwrap(),
            serde_json::json!({"a": 1})
        );
        assert_eq!(read_body("{oops").unwrap_err().code(), code::USAGE);
    }
}
