//! The pure parts of a rule: keyword and regular-expression triggers, business hours and reply
//! templates. No I/O here; every function is tested beside it.

use regex::{Regex, RegexBuilder};
use time::{OffsetDateTime, UtcOffset};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The longest keyword list or regular expression accepted, in characters.
pub(super) const MAX_PATTERN_CHARS: usize = 500;
/// The most keywords (or phrases) one rule takes.
pub(super) const MAX_KEYWORDS: usize = 20;
/// The longest reply template, in characters.
pub(super) const MAX_TEMPLATE_CHARS: usize = 4096;
/// The compiled size a regular expression may take (its program and its lazy DFA each), so a
/// rule cannot make the engine slow or big: `(a{100}){100}` is refused.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// Lower case, accents removed (NFD, combining marks dropped): "Preço" and "PRECO" are one.
pub(super) fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The keywords of a `keyword` rule: comma-separated words or phrases, folded, blanks dropped.
///
/// # Errors
/// A message for a 400: none left, too many, or too long.
pub(super) fn keywords(pattern: &str) -> Result<Vec<String>, String> {
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!(
            "the keywords are at most {MAX_PATTERN_CHARS} characters"
        ));
    }
    let words: Vec<String> = pattern
        .split(',')
        .map(|word| fold(word).split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|word| !word.is_empty())
        .collect();
    if words.is_empty() {
        return Err("a keyword rule needs at least one keyword in `pattern`".to_owned());
    }
    if words.len() > MAX_KEYWORDS {
        return Err(format!("a rule takes at most {MAX_KEYWORDS} keywords"));
    }
    Ok(words)
}

/// Whether `text` holds one of `keywords` as a whole word (or whole phrase), ignoring case and
/// accents: "price" matches "Price?" and "the PRICE is", not "priceless".
pub(super) fn has_keyword(text: &str, keywords: &[String]) -> bool {
    let folded = fold(text);
    // words of the text, joined by single spaces, so a phrase matches across any spacing
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    keywords.iter().any(|keyword| {
        let wanted: Vec<&str> = keyword
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        !wanted.is_empty() && words.windows(wanted.len()).any(|window| window == wanted)
    })
}

/// A rule's regular expression, compiled case-insensitively under a size limit.
///
/// # Errors
/// A message for a 400: too long, invalid, or too big once compiled.
pub(super) fn regex(pattern: &str) -> Result<Regex, String> {
    if pattern.trim().is_empty() {
        return Err("a regex rule needs a regular expression in `pattern`".to_owned());
    }
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!(
            "the regular expression is at most {MAX_PATTERN_CHARS} characters"
        ));
    }
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|error| match error {
            regex::Error::CompiledTooBig(_) => {
                "the regular expression is too big once compiled".to_owned()
            }
            other => {
                let text = other.to_string();
                // the parser's message ends with the one-line reason
                let reason = text.lines().last().unwrap_or("invalid").trim();
                format!("the regular expression is invalid: {reason}")
            }
        })
}

/// A weekly window: the days (bit 0 Monday … bit 6 Sunday), from and to in minutes after
/// midnight at a fixed offset from UTC. `from > to` runs past midnight (22:00–06:00: the night
/// belongs to the day it starts on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hours {
    pub(super) days: u8,
    pub(super) from: u16,
    pub(super) to: u16,
    pub(super) offset_minutes: i16,
    /// Reply inside the window (true) or outside it (false).
    pub(super) inside: bool,
}

/// The day names a window takes, Monday first.
pub(super) const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Hours {
    /// Whether a reply may go at `now_ms` (epoch milliseconds).
    pub(super) fn allows(&self, now_ms: i64) -> bool {
        let local = local_time(now_ms, self.offset_minutes);
        let day = local.weekday().number_days_from_monday();
        let minute = u16::from(local.hour()) * 60 + u16::from(local.minute());
        let on = |day: u8| self.days & (1 << (day % 7)) != 0;
        let in_window = if self.from <= self.to {
            on(day) && (self.from..self.to).contains(&minute)
        } else {
            // past midnight: the evening of an open day, or the early morning after one
            (on(day) && minute >= self.from) || (on((day + 6) % 7) && minute < self.to)
        };
        in_window == self.inside
    }
}

/// `now_ms` at a fixed offset from UTC (UTC when the time is out of range).
pub(super) fn local_time(now_ms: i64, offset_minutes: i16) -> OffsetDateTime {
    let offset =
        UtcOffset::from_whole_seconds(i32::from(offset_minutes) * 60).unwrap_or(UtcOffset::UTC);
    OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
}

/// `HH:MM` (00:00 to 24:00) as minutes after midnight.
pub(super) fn parse_clock(text: &str) -> Result<u16, String> {
    let bad = || format!("`{text}` is not a time of day such as 09:00 or 18:30");
    let (hours, minutes) = text.trim().split_once(':').ok_or_else(bad)?;
    let hours: u16 = hours.parse().map_err(|_| bad())?;
    let minutes: u16 = minutes.parse().map_err(|_| bad())?;
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes > 0) {
        return Err(bad());
    }
    Ok(hours * 60 + minutes)
}

/// Minutes after midnight as `HH:MM`.
pub(super) fn show_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `+HH:MM`, `-HH:MM`, `Z` or `UTC` as minutes east of UTC (at most ±14:00).
pub(super) fn parse_offset(text: &str) -> Result<i16, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") || text.is_empty() {
        return Ok(0);
    }
    let bad = || format!("`{text}` is not a UTC offset such as -03:00 or +05:30");
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(bad()),
    };
    let minutes = i16::try_from(parse_clock(rest)?).map_err(|_| bad())?;
    if minutes > 14 * 60 {
        return Err(bad());
    }
    Ok(sign * minutes)
}

/// Minutes east of UTC as `+HH:MM` / `-HH:MM`.
pub(super) fn show_offset(minutes: i16) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    format!("{sign}{}", show_clock(minutes.unsigned_abs()))
}

/// The variables a template may use.
pub(super) const VARIABLES: [&str; 4] = ["name", "phone", "time", "date"];

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Variable(&'a str),
}

/// Splits a template into text and `{variable}`s; `{{` and `}}` are literal braces.
fn pieces(template: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let Some(at) = rest.find(['{', '}']) else {
            out.push(Piece::Text(rest));
            break;
        };
        if at > 0 {
            out.push(Piece::Text(&rest[..at]));
        }
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push(Piece::Text("{"));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            out.push(Piece::Text("}"));
            rest = after;
        } else if tail.starts_with('}') {
            return Err("a `}` without its `{` (write `}}` for a brace)".to_owned());
        } else {
            let end = tail
                .find('}')
                .ok_or_else(|| "a `{` without its `}` (write `{{` for a brace)".to_owned())?;
            let name = tail[1..end].trim();
            if !VARIABLES.contains(&name) {
                let shown: String = name.chars().take(40).collect();
                return Err(format!(
                    "unknown variable {{{shown}}}: a template may use {{name}}, {{phone}}, {{time}} and {{date}}"
                ));
            }
            out.push(Piece::Variable(name));
            rest = &tail[end + 1..];
        }
    }
    Ok(out)
}

/// Checks a template: not blank, not too long, known variables only.
///
/// # Errors
/// A message for a 400.
pub(super) fn check_template(template: &str) -> Result<(), String> {
    if template.trim().is_empty() {
        return Err("the reply template is empty".to_owned());
    }
    if template.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(format!(
            "the reply template is at most {MAX_TEMPLATE_CHARS} characters"
        ));
    }
    pieces(template).map(drop)
}

/// What a template's variables stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Values {
    /// The contact's name (their push name), else their phone number.
    pub(super) name: String,
    /// `+` and the contact's digits.
    pub(super) phone: String,
    /// The local time, `HH:MM`.
    pub(super) time: String,
    /// The local date, `YYYY-MM-DD`.
    pub(super) date: String,
}

impl Values {
    /// The values for a contact at `now_ms`, in the rule's offset from UTC.
    pub(super) fn new(name: Option<&str>, phone: &str, now_ms: i64, offset_minutes: i16) -> Self {
        let local = local_time(now_ms, offset_minutes);
        let phone = format!("+{phone}");
        Self {
            name: name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map_or_else(|| phone.clone(), str::to_owned),
            phone,
            time: format!("{:02}:{:02}", local.hour(), local.minute()),
            date: format!(
                "{:04}-{:02}-{:02}",
                local.year(),
                u8::from(local.month()),
                local.day()
            ),
        }
    }
}

/// The template with its variables filled. A template that no longer parses (it was checked
/// when saved) renders as it is written.
pub(super) fn render(template: &str, values: &Values) -> String {
    let Ok(pieces) = pieces(template) else {
        return template.to_owned();
    };
    let mut out = String::with_capacity(template.len() + 32);
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Variable("name") => out.push_str(&values.name),
            Piece::Variable("phone") => out.push_str(&values.phone),
            Piece::Variable("time") => out.push_str(&values.time),
            Piece::Variable("date") => out.push_str(&values.date),
            Piece::Variable(_) => {}
        }
    }
    out
}

/// Two texts compared as a person would: accents, case and spacing aside.
pub(super) fn same_text(a: &str, b: &str) -> bool {
    let squash = |text: &str| fold(text).split_whitespace().collect::<Vec<_>>().join(" ");
    squash(a) == squash(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whole_words_whatever_the_case_and_accents() {
        let words = keywords("preço, horário de funcionamento ,  ").unwrap();
        assert_eq!(words, ["preco", "horario de funcionamento"]);
        assert!(has_keyword("Qual o PRECO?", &words));
        assert!(has_keyword("qual o preço", &words));
        assert!(has_keyword("Horário  de\nfuncionamento?", &words));
        assert!(!has_keyword("preçoalto", &words), "a part of a word");
        assert!(!has_keyword("horario", &words), "a part of a phrase");
        assert!(keywords(" , ").is_err());
        assert!(keywords(&"a,".repeat(30)).is_err());
    }

    #[test]
    fn a_regex_is_case_insensitive_and_a_bad_or_huge_one_is_refused() {
        let order = regex(r"pedido\s*#?\d+").unwrap();
        assert!(order.is_match("Meu PEDIDO #123"));
        let error = regex("pedido(").unwrap_err();
        assert!(
            error.starts_with("the regular expression is invalid"),
            "{error}"
        );
        assert!(regex(r"(\w{100}){100}").unwrap_err().contains("too big"));
        assert!(regex(&"a".repeat(MAX_PATTERN_CHARS + 1)).is_err());
        assert!(regex("  ").is_err());
    }

    #[test]
    fn templates_take_four_variables_and_literal_braces() {
        check_template("Olá {name}! {{ok}} {phone} {time} {date}").unwrap();
        let error = check_template("Olá {nome}").unwrap_err();
        assert!(error.contains("unknown variable {nome}"), "{error}");
        assert!(check_template("Olá {name").is_err());
        assert!(check_template("Olá }").is_err());
        assert!(check_template("   ").is_err());
        // Monday 2026-11-30 12:34 UTC, shown at -03:00
        let now = 1_796_042_040_000;
        let values = Values::new(Some("Ana"), "5511999999999", now, -180);
        assert_eq!(
            render("Olá {name} ({phone}), {time} de {date} {{x}}", &values),
            "Olá Ana (+5511999999999), 09:34 de 2026-11-30 {x}"
        );
        let nameless = Values::new(Some("  "), "5511999999999", now, 0);
        assert_eq!(render("{name}", &nameless), "+5511999999999");
    }

    #[test]
    fn hours_at_an_offset_and_past_midnight() {
        // Monday 2026-11-30 12:34 UTC = 09:34 at -03:00
        let monday = 1_796_042_040_000;
        let office = Hours {
            days: 0b001_1111,
            from: 9 * 60,
            to: 18 * 60,
            offset_minutes: -180,
            inside: true,
        };
        assert!(office.allows(monday));
        assert!(!office.allows(monday - 60 * 60 * 1000), "08:34 local");
        assert!(!office.allows(monday + 5 * 24 * 3600 * 1000), "Saturday");
        let after = Hours {
            inside: false,
            ..office
        };
        assert!(!after.allows(monday));
        assert!(after.allows(monday + 5 * 24 * 3600 * 1000));
        let night = Hours {
            days: 0b000_0001, // Monday nights
            from: 22 * 60,
            to: 6 * 60,
            offset_minutes: 0,
            inside: true,
        };
        let monday_midnight_utc = 1_795_996_800_000; // 2026-11-30 00:00 UTC
        assert!(night.allows(monday_midnight_utc + 23 * 3600 * 1000));
        assert!(
            night.allows(monday_midnight_utc + 29 * 3600 * 1000),
            "Tuesday 05:00"
        );
        assert!(
            !night.allows(monday_midnight_utc + 3600 * 1000),
            "Monday 01:00 is Sunday's night"
        );
    }

    #[test]
    fn clocks_and_offsets_parse_and_show() {
        assert_eq!(parse_clock("09:30"), Ok(570));
        assert_eq!(parse_clock("24:00"), Ok(1440));
        assert!(parse_clock("24:01").is_err());
        assert!(parse_clock("9h").is_err());
        assert_eq!(parse_offset("-03:00"), Ok(-180));
        assert_eq!(parse_offset("+05:30"), Ok(330));
        assert_eq!(parse_offset("UTC"), Ok(0));
        assert!(parse_offset("+15:00").is_err());
        assert!(parse_offset("03:00").is_err());
        assert_eq!(show_offset(-180), "-03:00");
        assert_eq!(show_clock(570), "09:30");
    }

    #[test]
    fn texts_compare_as_people_read_them() {
        assert!(same_text("Olá  Ana!", "ola ana!"));
        assert!(!same_text("Olá Ana", "Olá Ana!"));
    }
}
