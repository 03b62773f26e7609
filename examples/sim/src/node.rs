//! Node.js 20's wording, for the errors the real server's framework answers: `JSON.parse`'s
//! syntax errors (V8 11) as body-parser reports them, and `decodeURIComponent`.

/// Characters of context V8 quotes on each side of an unexpected token.
const CONTEXT: usize = 10;

/// The message of V8's `JSON.parse(text)` for the error serde found at the same place.
pub(crate) fn json_parse_error(text: &str, error: &serde_json::Error) -> String {
    if error.is_eof() {
        return "Unexpected end of JSON input".to_owned();
    }
    let position = byte_offset(text, error.line(), error.column());
    let at = utf16_len(&text[..position.min(text.len())]);
    let what = error.to_string();
    let message = |template: &str| format!("{template} in JSON at position {at}");
    if what.starts_with("trailing characters") {
        format!("Unexpected non-whitespace character after JSON at position {at}")
    } else if what.starts_with("expected `:`") {
        message("Expected ':' after property name")
    } else if what.starts_with("expected `,` or `}`") {
        message("Expected ',' or '}' after property value")
    } else if what.starts_with("expected `,` or `]`") {
        message("Expected ',' or ']' after array element")
    } else if what.starts_with("trailing comma")
        && text[..position].trim_end().ends_with(',')
        && text[position..].starts_with('}')
    {
        message("Expected double-quoted property name")
    } else if what.starts_with("key must be a string") {
        message("Expected property name or '}'")
    } else if what.starts_with("control character") {
        message("Bad control character in string literal")
    } else if what.starts_with("invalid escape") {
        message("Bad escaped character")
    } else if what.starts_with("invalid unicode") {
        message("Bad Unicode escape")
    } else {
        unexpected_token(text, position)
    }
}

/// body-parser's strict mode on a body that is valid JSON but neither an object nor an array:
/// it re-parses the text with its first character (and everything after) replaced by `#` and
/// puts the original characters back into V8's message.
pub(crate) fn strict_violation(text: &str) -> String {
    let Some(first) = text.trim_start().chars().next() else {
        return "Unexpected end of JSON input".to_owned();
    };
    let index = text.find(first).unwrap_or_default();
    let masked: String = text[..index]
        .chars()
        .chain(text[index..].chars().map(|_| '#'))
        .collect();
    let message = unexpected_token(&masked, index);
    // every run of '#' gets back the original characters at the same place
    let original: Vec<char> = text[index..].chars().collect();
    let mut out = String::new();
    let mut run = 0;
    for c in message.chars() {
        if c == '#' {
            run += 1;
            continue;
        }
        out.extend(original.iter().take(run));
        run = 0;
        out.push(c);
    }
    out.extend(original.iter().take(run));
    out
}

/// V8's "Unexpected token" message for the character at byte `position` of `text`.
fn unexpected_token(text: &str, position: usize) -> String {
    let token = text[position.min(text.len())..]
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    let chars: Vec<char> = text.chars().collect();
    let pos = text[..position.min(text.len())].chars().count();
    let len = chars.len();
    let slice = |from: usize, to: usize| chars[from..to.min(len)].iter().collect::<String>();
    if len <= CONTEXT * 2 {
        format!("Unexpected token '{token}', \"{text}\" is not valid JSON")
    } else if pos < CONTEXT {
        format!(
            "Unexpected token '{token}', \"{}\"... is not valid JSON",
            slice(0, pos + CONTEXT)
        )
    } else if pos < len - CONTEXT {
        format!(
            "Unexpected token '{token}', ...\"{}\"... is not valid JSON",
            slice(pos - CONTEXT, pos + CONTEXT)
        )
    } else {
        format!(
            "Unexpected token '{token}', ...\"{}\" is not valid JSON",
            slice(pos - CONTEXT, len)
        )
    }
}

/// serde's 1-based line and column (in bytes) back to a byte offset.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// `decodeURIComponent`: every `%` starts two hex digits, and the bytes are UTF-8; `None`
/// where JavaScript throws a URIError.
pub(crate) fn decode_uri_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> String {
        let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        json_parse_error(text, &error)
    }

    #[test]
    fn json_errors_are_worded_as_node_20() {
        assert_eq!(
            parse("{bad"),
            "Expected property name or '}' in JSON at position 1"
        );
        assert_eq!(parse("{\"a\":1"), "Unexpected end of JSON input");
        assert_eq!(
            parse("{\"a\" 1}"),
            "Expected ':' after property name in JSON at position 5"
        );
        assert_eq!(
            parse("{\"a\":1 \"b\":2}"),
            "Expected ',' or '}' after property value in JSON at position 7"
        );
        assert_eq!(
            parse("[1 2]"),
            "Expected ',' or ']' after array element in JSON at position 3"
        );
        assert_eq!(
            parse("{} x"),
            "Unexpected non-whitespace character after JSON at position 3"
        );
        assert_eq!(
            parse("{\"a\":tru}"),
            "Unexpected token '}', \"{\"a\":tru}\" is not valid JSON"
        );
        assert_eq!(
            parse("{\"message\": \"hello\", \"x\": nope}"),
            "Unexpected token 'o', ...\"o\", \"x\": nope}\" is not valid JSON"
        );
    }

    #[test]
    fn strict_mode_quotes_the_original_text() {
        assert_eq!(
            strict_violation("\"hello\""),
            "Unexpected token '\"', \"\"hello\"\" is not valid JSON"
        );
        assert_eq!(
            strict_violation("42"),
            "Unexpected token '4', \"42\" is not valid JSON"
        );
    }

    #[test]
    fn decode_uri_component_fails_where_javascript_throws() {
        assert_eq!(decode_uri_component("..%2Fx").as_deref(), Some("../x"));
        assert_eq!(
            decode_uri_component("%C3%A7%C3%A3o").as_deref(),
            Some("ção")
        );
        assert_eq!(decode_uri_component("a%zz"), None);
        assert_eq!(decode_uri_component("a%E0%A4%A"), None);
        assert_eq!(decode_uri_component("%FF"), None);
        assert_eq!(decode_uri_component("100%"), None);
    }
}
