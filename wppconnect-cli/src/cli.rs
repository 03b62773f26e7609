//! The command line, as clap reads it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use wppconnect_client::models::SessionName;

use crate::config::Secret;
use crate::failure::EXIT_CODES;

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// Talk to a WPPConnect Server from the terminal: log in with a QR code, send messages, watch
/// webhooks, call any route.
///
/// Settings come from the flags, then the environment (WPPCONNECT_URL, WPPCONNECT_SECRET_KEY…),
/// then the config file (--config, else $XDG_CONFIG_HOME/wppconnect/config.toml), then the
/// defaults.
#[derive(Debug, Parser)]
#[command(
    name = "wppconnect",
    version,
    after_long_help = EXIT_CODES,
    after_help = "Exit codes: 0 done, 1 server or network failure, 2 usage error, 3 session not connected (--help for more)."
)]
pub(crate) struct Cli {
    /// The server's address [default: http://127.0.0.1:21465]
    #[arg(long, global = true, env = "WPPCONNECT_URL", value_name = "URL", help_heading = GLOBAL)]
    pub(crate) url: Option<String>,

    /// The server's SECRET_KEY, to generate tokens (prefer the environment or the config file:
    /// a flag shows in the process list)
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        env = "WPPCONNECT_SECRET_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub(crate) secret_key: Option<Secret>,

    /// A token you already have for the command's session (bare or `session:token`), instead of
    /// the secret key
    #[arg(
        long,
        global = true,
        help_heading = GLOBAL,
        env = "WPPCONNECT_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub(crate) token: Option<Secret>,

    /// The config file (TOML: url, secret_key, timeout, webhook_secret, bind)
    #[arg(long, global = true, env = "WPPCONNECT_CONFIG", value_name = "FILE", help_heading = GLOBAL)]
    pub(crate) config: Option<PathBuf>,

    /// Timeout of each request, e.g. `30s` [default: 30s]
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration, help_heading = GLOBAL)]
    pub(crate) timeout: Option<Duration>,

    /// Print JSON instead of text: one JSON value per line, for `jq`
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub(crate) json: bool,

    /// The command.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Start a session and show its QR code (or pairing code) until it is connected
    Login(LoginArgs),
    /// List the sessions the server knows (needs the secret key)
    Sessions {
        /// Also ask each session's state
        #[arg(long)]
        status: bool,
    },
    /// Show a session's state (exit 3 when it is not CONNECTED)
    Status(SessionArg),
    /// Log a session's account out (a new QR code is needed afterwards)
    Logout(SessionArg),
    /// Close a session's browser, keeping the login
    Close(SessionArg),
    /// Send a text, or a file with an optional caption
    Send(SendArgs),
    /// Receive the server's webhooks and print each event
    Listen(ListenArgs),
    /// Call any route of the server: `wppconnect call GET main/all-chats`, `wppconnect call GET /healthz`
    Call(CallArgs),
    /// Print a shell completion script (`wppconnect completions bash`)
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// A session name, checked before anything is sent.
#[derive(Debug, Args)]
pub(crate) struct SessionArg {
    /// The session's name
    #[arg(value_parser = parse_session)]
    pub(crate) session: SessionName,
}

/// `login`.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// The session's name
    #[arg(value_parser = parse_session)]
    pub(crate) session: SessionName,

    /// Log in with a pairing code for this phone number instead of a QR code
    #[arg(long, value_name = "PHONE")]
    pub(crate) pairing_code: Option<String>,

    /// The webhook URL the server posts this session's events to (e.g. `wppconnect listen`'s)
    #[arg(long, value_name = "URL")]
    pub(crate) webhook: Option<String>,

    /// Also write each QR code as a PNG image to this file (for terminals that cannot draw it)
    #[arg(long, value_name = "FILE")]
    pub(crate) qr_png: Option<PathBuf>,

    /// How long to wait for the scan
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub(crate) wait: Duration,

    /// How often to ask the server for the session's state
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub(crate) interval: Duration,
}

/// `send`.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The session's name
    #[arg(value_parser = parse_session)]
    pub(crate) session: SessionName,

    /// The recipient: a phone number (`+55 11 99999-9999`) or a chat id (`…@g.us`, `…@lid`)
    pub(crate) phone: String,

    /// The text (the caption with --file)
    #[arg(required_unless_present = "file")]
    pub(crate) text: Option<String>,

    /// Send this file as a document
    #[arg(long, value_name = "PATH")]
    pub(crate) file: Option<PathBuf>,

    /// With --file: stream the file as a multipart upload instead of base64 in JSON (for big
    /// files; WPPConnect Server reads it, the simulator does not)
    #[arg(long, requires = "file")]
    pub(crate) upload: bool,

    /// Reply to this message (its serialized id, `true_5511…@c.us_3EB0…`)
    #[arg(long, value_name = "MESSAGE_ID")]
    pub(crate) reply_to: Option<String>,
}

/// `listen`.
#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    /// The address to listen on [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub(crate) bind: Option<String>,

    /// Require this shared secret (`?token=` or the X-Webhook-Token header) on every webhook
    #[arg(
        long,
        env = "WPPCONNECT_WEBHOOK_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub(crate) secret: Option<Secret>,

    /// The path of the webhook routes: `POST PATH` and `POST PATH/{session}`
    #[arg(long, value_name = "PATH", default_value = "/webhook")]
    pub(crate) path: String,
}

/// `call`.
#[derive(Debug, Args)]
pub(crate) struct CallArgs {
    /// The HTTP method: GET, POST, PUT or DELETE
    #[arg(value_name = "METHOD")]
    pub(crate) method: String,

    /// The route: `SESSION/PATH` or `/api/SESSION/PATH` for a session's route (its token is
    /// used), or a path from the server's root (`/healthz`, `/api/{secretkey}/show-all-sessions`:
    /// `{secretkey}` is filled in from the configured key). A query may follow `?`
    #[arg(value_name = "ROUTE")]
    pub(crate) route: String,

    /// The JSON body; `@FILE` reads it from a file, `-` from standard input
    #[arg(long, short, value_name = "JSON")]
    pub(crate) data: Option<String>,

    /// Write the answer's body to this file as it is (images, ZIP backups…)
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Reads a session name with the client's rule.
fn parse_session(name: &str) -> Result<SessionName, String> {
    SessionName::new(name).map_err(|e| e.to_string())
}

/// Reads `500ms`, `30s`, `5m`, `1h`, or a bare number of seconds.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (e.g. 500ms, 30s, 5m)"))?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        other => return Err(format!("unknown unit {other:?} (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5 weeks").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn secrets_from_flags_never_show_in_debug() {
        let cli = Cli::try_parse_from([
            "wppconnect",
            "--secret-key",
            "THISISMYSECURETOKEN",
            "listen",
            "--secret",
            "hook-s3cret",
        ])
        .unwrap();
        let shown = format!("{cli:?}");
        assert!(!shown.contains("THISISMYSECURETOKEN"), "{shown}");
        assert!(!shown.contains("hook-s3cret"), "{shown}");
    }
}
