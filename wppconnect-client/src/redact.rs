//! [`redact`]: cuts secrets out of text that came from the server before anyone sees it.
//!
//! Every text the client keeps from an answer (the message and body of an error, the snippet of
//! a body it could not decode, an HTML error page) goes through [`Client::redact`], which calls
//! [`redact`] with the secret key and every token the client knows. Servers echo what they were
//! sent: Express answers a wrong route with `Cannot POST /api/<SECRET_KEY>/generate-token`.
//!
//! [`Client::redact`]: crate::Client::redact

use aho_corasick::{AhoCorasick, MatchKind};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// What a secret is replaced by.
pub const REDACTED: &str = "<redacted>";

/// `text` with every secret in `secrets` replaced by [`REDACTED`].
///
/// A secret is found in every form a server may echo it in: as it is; percent-encoded as in a URL
/// path (as the `url` crate writes it), as in a query string (`+` for a space), or fully (every
/// byte but letters and digits), each with upper- or lowercase hex; HTML-escaped (`&amp;`,
/// `&lt;`, `&gt;`, `&quot;`, `&#39;`, as Express's error pages); and JSON-escaped (`\"`, `\\`).
/// Empty secrets are ignored. Overlapping secrets are cut as one (the longest match wins).
///
/// ```
/// use wppconnect_client::redact;
/// let page = "<pre>Cannot POST /api/THISISMYSECURETOKEN/generate-token</pre>";
/// assert_eq!(
///     redact(page, &["THISISMYSECURETOKEN"]),
///     "<pre>Cannot POST /api/<redacted>/generate-token</pre>"
/// );
/// ```
#[must_use]
pub fn redact(text: &str, secrets: &[&str]) -> String {
    redact_to(text, secrets, REDACTED)
}

/// A stand-in for [`REDACTED`] while a text is still to be parsed: it holds no `<`, `>`,
/// whitespace or JSON-escaped character, so HTML stripping and JSON parsing keep it whole.
pub(crate) const MARK: &str = "\u{E000}redacted\u{E001}";

/// Replaces each [`MARK`] by [`REDACTED`] in a text; a mark cut off by a length limit (a
/// message keeps only the start of a page) becomes [`REDACTED`] too.
pub(crate) fn unmark_text(text: &str) -> String {
    let mut out = text.replace(MARK, REDACTED);
    if let Some(cut) = out.find('\u{E000}') {
        out.truncate(cut);
        out.push_str(REDACTED);
    }
    out
}

/// Replaces each [`MARK`] by [`REDACTED`] in every string and key of a parsed body.
pub(crate) fn unmark(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(text) if text.contains('\u{E000}') => *text = unmark_text(text),
        Value::Array(items) => items.iter_mut().for_each(unmark),
        Value::Object(map) => {
            let marked: Vec<String> = map.keys().filter(|k| k.contains(MARK)).cloned().collect();
            for key in marked {
                if let Some(item) = map.remove(&key) {
                    map.insert(key.replace(MARK, REDACTED), item);
                }
            }
            map.values_mut().for_each(unmark);
        }
        _ => {}
    }
}

/// [`redact`] with another replacement.
pub(crate) fn redact_to(text: &str, secrets: &[&str], replacement: &str) -> String {
    Redactor::new(secrets)
        .redact_to(text, replacement)
        .into_owned()
}

/// [`redact`] prepared once for a fixed set of secrets, for a hot path such as a log writer:
/// the forms of each secret are worked out and compiled into one matcher when it is made, not on
/// every text. Its `Debug` shows how many forms it looks for, never a secret.
///
/// ```
/// use wppconnect_client::Redactor;
/// let redactor = Redactor::new(&["THISISMYSECURETOKEN"]);
/// assert_eq!(redactor.redact("GET /api/THISISMYSECURETOKEN/x"), "GET /api/<redacted>/x");
/// assert_eq!(redactor.redact("nothing to hide"), "nothing to hide");
/// ```
#[derive(Clone)]
pub struct Redactor {
    matcher: Matcher,
}

#[derive(Clone)]
enum Matcher {
    /// No secret: every text passes unchanged.
    Nothing,
    /// The forms of the secrets, longest match first.
    Forms(AhoCorasick),
    /// The matcher could not be built (absurdly many or long secrets): every text is hidden
    /// whole rather than leaked.
    HideAll,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let forms = match &self.matcher {
            Matcher::Nothing => 0,
            Matcher::Forms(matcher) => matcher.patterns_len(),
            Matcher::HideAll => usize::MAX,
        };
        f.debug_struct("Redactor").field("forms", &forms).finish()
    }
}

impl Redactor {
    /// A redactor of `secrets` (empty ones are ignored), in every form [`redact`] finds.
    #[must_use]
    pub fn new(secrets: &[&str]) -> Self {
        let patterns = variants(secrets);
        let matcher = if patterns.is_empty() {
            Matcher::Nothing
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .map_or(Matcher::HideAll, Matcher::Forms)
        };
        Self { matcher }
    }

    /// `text` with every secret replaced by [`REDACTED`]; borrowed when there is none in it.
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        self.redact_to(text, REDACTED)
    }

    fn redact_to<'a>(&self, text: &'a str, replacement: &str) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        match &self.matcher {
            Matcher::Nothing => Cow::Borrowed(text),
            Matcher::Forms(matcher) if !matcher.is_match(text) => Cow::Borrowed(text),
            Matcher::Forms(matcher) => {
                Cow::Owned(matcher.replace_all(text, &vec![replacement; matcher.patterns_len()]))
            }
            Matcher::HideAll => Cow::Owned(replacement.to_owned()),
        }
    }
}

/// Every form of every secret that a server may echo.
fn variants(secrets: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let encoded = [
            (*secret).to_owned(),
            url_path_segment(secret),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
            utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string(),
        ];
        for form in encoded {
            let lower = lowercase_hex(&form);
            for form in [form, lower] {
                out.push(html_escape(&form));
                out.push(json_escape(&form));
                out.push(form);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The secret as one path segment written by the `url` crate (the client's own encoding).
fn url_path_segment(secret: &str) -> String {
    let Ok(mut url) = url::Url::parse("http://h/") else {
        return secret.to_owned();
    };
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.clear().push(secret);
    }
    url.path().trim_start_matches('/').to_owned()
}

/// `%2F` → `%2f`: both spellings of a percent-encoded byte are the same byte.
fn lowercase_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut hex_left = 0;
    for c in encoded.chars() {
        if c == '%' {
            hex_left = 2;
            out.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn json_escape(text: &str) -> String {
    let quoted = serde_json::Value::from(text).to_string();
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(&quoted)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "THISISMYSECURETOKEN";
    const TOKEN: &str = "$2b$10$Qe5tK0pLr3vX8yZ1aB4cD.uH6iJ9kM2nO5pQ8rS1tU4vW7xY0zA_C";

    #[test]
    fn the_key_is_cut_out_of_an_express_html_page() {
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot POST /api/{KEY}/generate-token</pre>\n</body>\n</html>\n"
        );
        let out = redact(&page, &[KEY]);
        assert!(!out.contains(KEY), "{out}");
        assert!(out.contains("<pre>Cannot POST /api/<redacted>/generate-token</pre>"));
    }

    #[test]
    fn the_key_is_cut_out_of_json_strings_and_keys() {
        let body = format!(
            r#"{{"status":"error","message":"no route /api/{KEY}/x","{KEY}":["{KEY}"],"token":"{TOKEN}"}}"#
        );
        let out = redact(&body, &[KEY, TOKEN]);
        assert!(!out.contains(KEY) && !out.contains(TOKEN), "{out}");
        // still JSON, with the secrets replaced in place
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["message"], "no route /api/<redacted>/x");
        assert_eq!(value["<redacted>"][0], "<redacted>");
        assert_eq!(value["token"], "<redacted>");
    }

    #[test]
    fn a_secret_with_special_characters_is_cut_in_every_encoding() {
        let key = "s3cr3t/ke y&\"ç%";
        let forms = [
            key.to_owned(),
            utf8_percent_encode(key, NON_ALPHANUMERIC).to_string(),
            lowercase_hex(&utf8_percent_encode(key, NON_ALPHANUMERIC).to_string()),
            url_path_segment(key),
            url::form_urlencoded::byte_serialize(key.as_bytes()).collect(),
            html_escape(key),
            html_escape(&url_path_segment(key)),
            json_escape(key),
        ];
        for form in forms {
            let text = format!("Cannot GET /api/{form}/start-all\n");
            let out = redact(&text, &[key]);
            assert_eq!(
                out, "Cannot GET /api/<redacted>/start-all\n",
                "{form:?} -> {out:?}"
            );
        }
    }

    #[test]
    fn the_key_inside_a_url_is_cut_plain_and_percent_encoded() {
        let text = format!(
            "GET http://127.0.0.1:21465/api/{KEY}/show-all-sessions and http://h/x?k={KEY}"
        );
        let out = redact(&text, &[KEY]);
        assert!(out.contains("/api/<redacted>/show-all-sessions"), "{out}");
        assert!(out.contains("?k=<redacted>"), "{out}");
        let encoded = utf8_percent_encode(TOKEN, NON_ALPHANUMERIC).to_string();
        let out = redact(
            &format!("/api/main:{encoded}/x and /api/main:{TOKEN}/y"),
            &[TOKEN],
        );
        assert_eq!(out, "/api/main:<redacted>/x and /api/main:<redacted>/y");
    }

    #[test]
    fn marks_become_redacted_even_when_cut_off() {
        let marked = redact_to(&format!("a {KEY} b {KEY}"), &[KEY], MARK);
        assert!(!marked.contains(KEY));
        assert_eq!(unmark_text(&marked), "a <redacted> b <redacted>");
        let cut: String = marked.chars().take(marked.chars().count() - 3).collect();
        assert_eq!(unmark_text(&cut), "a <redacted> b <redacted>");
        let mut value = serde_json::json!({ marked.clone(): [marked.clone(), 1] });
        unmark(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"a <redacted> b <redacted>": ["a <redacted> b <redacted>", 1]})
        );
    }

    #[test]
    fn nothing_to_cut_leaves_the_text_alone() {
        assert_eq!(redact("plain", &[]), "plain");
        assert_eq!(redact("plain", &[""]), "plain");
        assert_eq!(redact("ção", &[KEY]), "ção");
    }
}
