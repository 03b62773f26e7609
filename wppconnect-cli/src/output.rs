//! What the commands print: the progress spinner, JSON lines, one-line summaries of events.

use std::fmt;
use std::future::IntoFuture;
use std::io::IsTerminal;
use std::io::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use wppconnect_client::models::Event;

/// A spinner on stderr, drawn only when stderr is a terminal (hidden in pipes, files and tests).
pub(crate) fn spinner(message: impl Into<String>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed:.dim}") {
        bar.set_style(style);
    }
    bar.set_message(message.into());
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// Awaits `work` with a spinner showing `message`.
pub(crate) async fn spin<F: IntoFuture>(message: impl Into<String>, work: F) -> F::Output {
    let bar = spinner(message);
    let output = work.into_future().await;
    bar.finish_and_clear();
    output
}

/// Writes one line to stdout and flushes it; `false` when stdout is gone (a closed pipe, as
/// after `| head -1`), where `println!` would panic.
pub(crate) fn line(text: impl fmt::Display) -> bool {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).is_ok()
}

/// `println!` that never panics when stdout is gone (see [`line()`]); the command goes on.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = $crate::output::line(format_args!($($arg)*));
    }};
}
pub(crate) use say;

/// Prints `value` as one line of JSON; `false` when stdout is gone.
pub(crate) fn json_line(value: &impl Serialize) -> bool {
    match serde_json::to_string(value) {
        Ok(text) => line(text),
        Err(error) => {
            eprintln!("warning: cannot write the answer as JSON: {error}");
            true
        }
    }
}

/// One line that says what an event is about, for people.
pub(crate) fn describe(event: &Event) -> String {
    let session = event.session().map_or("?", |s| s.as_str());
    let name = event.name();
    let detail = match event {
        Event::Message(m) | Event::SelfMessage(m) | Event::UnreadMessage(m) => {
            let from = m
                .author_id()
                .or(m.from.as_ref())
                .map_or_else(|| "?".to_owned(), ToString::to_string);
            let text = m
                .text()
                .map_or_else(|| format!("<{}>", m.kind.as_str()), |t| one_line(t, 200));
            format!("from {from}: {text} ({})", m.id)
        }
        Event::Ack(a) => format!("{} ack {} ({:?})", a.id, i64::from(a.ack), a.ack),
        Event::StatusFind(s) => s.status.as_str().to_owned(),
        Event::QrCode(q) => format!(
            "new QR code{}",
            if q.urlcode.is_some() {
                " (urlcode given)"
            } else {
                ""
            }
        ),
        Event::PhoneCode(p) => format!("pairing code {}", p.phone_code),
        _ => one_line(&event.to_value().to_string(), 300),
    };
    format!("[{session}] {name} {detail}")
}

/// `text` on one line, cut after `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match flat.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_and_multi_line_texts_fit_on_one_line() {
        assert_eq!(one_line("a\nb", 10), "a b");
        assert_eq!(one_line("ééééé", 3), "ééé…");
        assert_eq!(one_line("abc", 3), "abc");
    }
}
