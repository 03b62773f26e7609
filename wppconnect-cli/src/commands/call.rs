//! `call`: any route of the server through the client's escape hatch
//! ([`Session::request`](wppconnect_client::Session::request) and
//! [`Client::request`](wppconnect_client::Client::request)): its auth, retry classes (a send is
//! never repeated once it may have reached the server) and redacted errors apply.

use std::io::{IsTerminal, Read, Write};

use serde_json::Value;
use wppconnect_client::models::SessionName;
use wppconnect_client::routes::HttpMethod;
use wppconnect_client::{Client, RawResponse};

use crate::cli::CallArgs;
use crate::config::Settings;
use crate::failure::{code, Failure};
use crate::output::{say, spin};

/// Where a route goes: a session's route (token auth) or one outside any session.
#[derive(Debug, PartialEq, Eq)]
enum Target<'a> {
    /// `SESSION/PATH` or `/api/SESSION/PATH`: the path under `/api/{session}/`.
    Session(&'a str, &'a str),
    /// `/healthz`, `/api/{secretkey}/backup-sessions`…: the path from the server's root.
    Root(&'a str),
}

/// `call METHOD ROUTE [--data JSON] [--output FILE]`: prints the answer (JSON pretty-printed,
/// or one line with `--json`; text as it is; other bodies need `--output` or a redirected
/// stdout).
pub(crate) async fn run(settings: &Settings, args: CallArgs, json: bool) -> Result<u8, Failure> {
    let method = parse_method(&args.method)?;
    let target = split_route(&args.route)?;
    let body = args.data.as_deref().map(read_body).transpose()?;
    if body.is_some() && method == HttpMethod::Get {
        return Err(Failure::usage("a GET takes no --data"));
    }
    let (client, request) = match target {
        Target::Session(name, path) => {
            let name = SessionName::new(name)
                .map_err(|e| Failure::usage(format!("invalid session in the route: {e}")))?;
            let client = settings.client(Some(&name))?;
            let request = client.session(name.as_str())?.request(method, path);
            (client, request)
        }
        Target::Root(path) => {
            let client = settings.client(None)?;
            let request = client.request(method, path);
            (client, request)
        }
    };
    let request = match &body {
        Some(body) => request.json(body),
        None => request,
    };
    let label = format!("{} {}", method.as_str(), args.route.trim());
    let answer = spin(label, request).await?;
    print(&client, &answer, args.output.as_deref(), json)?;
    Ok(code::OK)
}

fn parse_method(method: &str) -> Result<HttpMethod, Failure> {
    match method.to_ascii_uppercase().as_str() {
        "GET" => Ok(HttpMethod::Get),
        "POST" => Ok(HttpMethod::Post),
        "PUT" => Ok(HttpMethod::Put),
        "DELETE" => Ok(HttpMethod::Delete),
        other => Err(Failure::usage(format!(
            "method {other} is not one the server uses: GET, POST, PUT or DELETE"
        ))),
    }
}

/// `main/list-chats`, `/api/main/list-chats` → a session's route; `/healthz`,
/// `/api/{secretkey}/show-all-sessions` → a route outside any session.
fn split_route(route: &str) -> Result<Target<'_>, Failure> {
    let route = route.trim();
    let bad = || {
        Failure::usage(format!(
            "the route {route:?} is not SESSION/PATH (main/all-chats), /api/SESSION/PATH or \
             /PATH from the server's root (/healthz, /api/{{secretkey}}/show-all-sessions)"
        ))
    };
    if let Some(absolute) = route.strip_prefix('/') {
        let Some(under_api) = absolute.strip_prefix("api/") else {
            return if absolute.is_empty() {
                Err(bad())
            } else {
                Ok(Target::Root(route))
            };
        };
        return match under_api.split_once('/') {
            Some((first, _)) if first == "{secretkey}" || first.starts_with("{secretkey}") => {
                Ok(Target::Root(route))
            }
            Some((session, path)) if !session.is_empty() && !path.trim_matches('/').is_empty() => {
                Ok(Target::Session(session, path.trim_start_matches('/')))
            }
            _ => Err(bad()),
        };
    }
    match route.split_once('/') {
        Some((session, path)) if !session.is_empty() && !path.trim_matches('/').is_empty() => {
            Ok(Target::Session(session, path.trim_start_matches('/')))
        }
        _ => Err(bad()),
    }
}

/// Prints or saves the answer; secrets the client knows are cut out of text.
fn print(
    client: &Client,
    answer: &RawResponse,
    output: Option<&std::path::Path>,
    json: bool,
) -> Result<(), Failure> {
    if let Some(path) = output {
        return std::fs::write(path, answer.bytes()).map_err(|e| {
            Failure::server(format!(
                "cannot write the answer to {}: {e}",
                path.display()
            ))
        });
    }
    let content_type = answer
        .content_type()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let is_json = content_type.contains("json");
    let is_text = is_json || content_type.starts_with("text/") || content_type.is_empty();
    if is_json {
        if let Ok(value) = serde_json::from_slice::<Value>(answer.bytes()) {
            let text = if json {
                value.to_string()
            } else {
                serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
            };
            say!("{}", client.redact(&text));
            return Ok(());
        }
    }
    if is_text {
        say!("{}", client.redact(answer.text().trim_end()));
        return Ok(());
    }
    if std::io::stdout().is_terminal() {
        return Err(Failure::usage(format!(
            "the answer is {} ({} bytes): save it with --output FILE or redirect stdout",
            content_type,
            answer.bytes().len()
        )));
    }
    let mut out = std::io::stdout().lock();
    out.write_all(answer.bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::server(format!("cannot write the answer: {e}")))
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
    fn routes_name_a_session_or_the_root() {
        assert_eq!(
            split_route("main/list-chats").unwrap(),
            Target::Session("main", "list-chats")
        );
        assert_eq!(
            split_route("/api/main/get-messages/5511999999999@c.us?count=5").unwrap(),
            Target::Session("main", "get-messages/5511999999999@c.us?count=5")
        );
        assert_eq!(split_route("/healthz").unwrap(), Target::Root("/healthz"));
        assert_eq!(
            split_route("/api/{secretkey}/show-all-sessions").unwrap(),
            Target::Root("/api/{secretkey}/show-all-sessions")
        );
        assert!(split_route("main").is_err());
        assert!(split_route("/api/main/").is_err());
        assert!(split_route("/").is_err());
    }

    #[test]
    fn methods_are_the_servers() {
        assert_eq!(parse_method("put").unwrap(), HttpMethod::Put);
        assert_eq!(parse_method("PATCH").unwrap_err().code(), code::USAGE);
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
