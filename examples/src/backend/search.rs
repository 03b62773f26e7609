//! Message search: `GET /api/search?q=…`, full-text over message texts and captions, documents'
//! file names, authors' and contacts' names, with filters, newest first, paged by an opaque
//! cursor. The index is the `message_search` table of migration 0006: SQLite FTS5, or on
//! PostgreSQL a `tsvector` column with a GIN index (`simple` words, accents folded by
//! `unaccent`). Both answer the same words, filters, order and snippet shape.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use wppconnect_models::domain::{Message, MessageStatus};
use wppconnect_models::SessionName;

use super::analytics::{day_start, parse_date, SECONDS_PER_DAY};
use super::error::{ApiError, ApiQuery};
use super::input;
use super::roles::Caller;
use super::store::{message_from_row, Dialect, StoreError};
use super::AppState;

/// Hits per page when `limit` is not given.
const DEFAULT_LIMIT: u32 = 20;
/// The most hits a page holds.
const MAX_LIMIT: u32 = 100;
/// The longest `q`, in characters.
const MAX_QUERY_CHARS: usize = 256;
/// The most words in `q`.
const MAX_TERMS: usize = 32;
/// Where the snippet's matches start and end, before the snippet is escaped for HTML.
const MARK_OPEN: char = '\u{1}';
const MARK_CLOSE: char = '\u{2}';
/// What a snippet's text leaves out, at either end.
const ELLIPSIS: &str = "…";
/// `ts_headline`'s options on PostgreSQL: FTS5's snippet of 12 tokens, the same marks.
const PG_HEADLINE_OPTIONS: &str =
    "StartSel=\u{1}, StopSel=\u{2}, MaxWords=12, MinWords=6, ShortWord=0, HighlightAll=false";

/// The search route.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/search", get(search))
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    session: Option<String>,
    conversation: Option<String>,
    direction: Option<String>,
    #[serde(rename = "type")]
    message_type: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

/// One page of results.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchPage {
    hits: Vec<Hit>,
    /// Gives the next page as `cursor=`; `null` on the last page.
    next_cursor: Option<String>,
}

/// A message that matched.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Hit {
    session: String,
    conversation_id: String,
    /// HTML: the text around the match, escaped, each matching word in `<mark>…</mark>`.
    snippet: String,
    message: Message,
}

/// Where a page starts: after the hit with this time and rowid (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    timestamp: i64,
    rowid: i64,
}

impl Cursor {
    /// Opaque to clients: the hex of `timestamp:rowid`.
    fn encode(self) -> String {
        format!("{}:{}", self.timestamp, self.rowid)
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn decode(text: &str) -> Option<Self> {
        if !text.len().is_multiple_of(2) || text.len() > 80 {
            return None;
        }
        let bytes = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        let text = String::from_utf8(bytes).ok()?;
        let (timestamp, rowid) = text.split_once(':')?;
        Some(Self {
            timestamp: timestamp.parse().ok()?,
            rowid: rowid.parse().ok()?,
        })
    }
}

/// The FTS5 query for what a person typed: each word a quoted string (a `"` in it doubled), so
/// no character of `q` is FTS5 syntax (`AND`, `-`, `NEAR`, `:` are words like any other); a
/// word ending in `*` matches as a prefix. Every word must match. Words without a letter or
/// digit are left out (the index holds none), and control characters separate words.
fn fts_query(q: &str) -> Result<String, ApiError> {
    Ok(words(q)?
        .iter()
        .map(|(word, prefix)| {
            let star = if *prefix { "*" } else { "" };
            format!("\"{}\"{star}", word.replace('"', "\"\""))
        })
        .collect::<Vec<_>>()
        .join(" "))
}

/// The PostgreSQL `tsquery` texts for what a person typed, as [`fts_query`] reads it: every
/// word (to match) and any word (to mark in the snippet). Each word is a quoted lexeme (a `'`
/// or `\\` in it doubled), so nothing typed is tsquery syntax; a trailing `*` is a prefix
/// (`:*`).
fn ts_queries(q: &str) -> Result<(String, String), ApiError> {
    let lexemes: Vec<String> = words(q)?
        .iter()
        .map(|(word, prefix)| {
            let star = if *prefix { ":*" } else { "" };
            format!("'{}'{star}", word.replace('\\', "\\\\").replace('\'', "''"))
        })
        .collect();
    Ok((lexemes.join(" & "), lexemes.join(" | ")))
}

/// The words of `q`, each with whether it ends in `*` (a prefix), checked as the module says.
fn words(q: &str) -> Result<Vec<(String, bool)>, ApiError> {
    let q = q.trim();
    if q.is_empty() {
        return Err(ApiError::BadRequest(
            "q (the words to search for) is required".to_owned(),
        ));
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::BadRequest(format!(
            "q is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    // control characters separate words in the index too; a NUL would cut the FTS5 query short
    let q: String = q
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut terms = Vec::new();
    for word in q.split_whitespace() {
        let (word, prefix) = match word.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (word, false),
        };
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        terms.push((word.to_owned(), prefix));
    }
    if terms.is_empty() {
        return Err(ApiError::BadRequest(
            "q has no word to search for (only punctuation)".to_owned(),
        ));
    }
    if terms.len() > MAX_TERMS {
        return Err(ApiError::BadRequest(format!(
            "q has more than {MAX_TERMS} words"
        )));
    }
    Ok(terms)
}

/// A `from`/`to` bound: a date `YYYY-MM-DD` (UTC) or Unix seconds. Returns the first second
/// it covers and the first one after it (a date covers its whole day).
fn time_bound(name: &str, value: &str) -> Result<(i64, i64), ApiError> {
    if let Ok(seconds) = value.parse::<i64>() {
        return Ok((seconds, seconds.saturating_add(1)));
    }
    let day = parse_date(value).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "{name} must be a date YYYY-MM-DD or Unix seconds, not {}",
            input::shorten(value, 40)
        ))
    })?;
    let start = day_start(day);
    Ok((start, start + SECONDS_PER_DAY))
}

/// PostgreSQL's headline as FTS5 would have given it: `<`, `>`, `&` back in place of the
/// separators that kept them from being read as markup (see migration 0006), and an ellipsis
/// at either end where the headline leaves part of `text` out.
fn pg_snippet(raw: &str, text: &str) -> String {
    let unmask = |c: char| match c {
        '\u{3}' => '<',
        '\u{4}' => '>',
        '\u{5}' => '&',
        c => c,
    };
    let raw: String = raw.chars().map(unmask).collect();
    let text: String = text.chars().map(unmask).collect();
    let plain: String = raw
        .chars()
        .filter(|&c| c != MARK_OPEN && c != MARK_CLOSE)
        .collect();
    let (plain, text) = (plain.trim(), text.trim());
    if plain.is_empty() {
        return raw;
    }
    let mut snippet = String::with_capacity(raw.len() + 8);
    if !text.starts_with(plain) {
        snippet.push_str(ELLIPSIS);
    }
    snippet.push_str(raw.trim());
    if !text.ends_with(plain) {
        snippet.push_str(ELLIPSIS);
    }
    snippet
}

/// The search on SQLite: FTS5's `MATCH` and `snippet`.
const SQLITE_SEARCH: &str = "SELECT m.*, m.rowid AS hit_rowid, \
     snippet(message_search, -1, char(1), char(2), '…', 12) AS hit_snippet, NULL AS hit_text \
     FROM message_search \
     JOIN messages AS m ON m.rowid = message_search.rowid \
     AND m.session = message_search.session AND m.id = message_search.id \
     WHERE message_search MATCH $1 \
     AND ($2 IS NULL OR m.session = $2) \
     AND ($3 IS NULL OR m.conversation_id = $3) \
     AND ($4 IS NULL OR m.is_from_me = $4) \
     AND ($5 IS NULL OR m.message_type = $5) \
     AND ($6 IS NULL OR m.status = $6) \
     AND ($7 IS NULL OR m.timestamp >= $7) \
     AND ($8 IS NULL OR m.timestamp < $8) \
     AND ($9 IS NULL OR m.timestamp < $9 OR (m.timestamp = $9 AND m.rowid < $10)) \
     AND ($12 IS NULL OR m.session IN (SELECT session FROM user_sessions WHERE user_name = $12)) \
     ORDER BY m.timestamp DESC, m.rowid DESC LIMIT $11";

/// The search on PostgreSQL: every word must match the row's `document`; the snippet is the
/// headline of the first column (text, file name, author, contact) where a word matches, as
/// FTS5 picks the column of the best match.
const PG_SEARCH: &str = "SELECT m.*, m.rowid AS hit_rowid, \
     ts_headline('wpp_search', shown.text, q.any_word, $14) AS hit_snippet, shown.text AS hit_text \
     FROM message_search AS s \
     JOIN messages AS m ON m.rowid = s.rowid AND m.session = s.session AND m.id = s.id \
     CROSS JOIN (SELECT to_tsquery('wpp_search', wpp_search_fold($1)) AS every_word, \
     to_tsquery('wpp_search', wpp_search_fold($13)) AS any_word) AS q \
     CROSS JOIN LATERAL (SELECT wpp_search_shown(CASE \
     WHEN to_tsvector('wpp_search', wpp_search_fold(wpp_search_shown(COALESCE(s.body, '')))) @@ q.any_word THEN s.body \
     WHEN to_tsvector('wpp_search', wpp_search_fold(wpp_search_shown(COALESCE(s.file_name, '')))) @@ q.any_word THEN s.file_name \
     WHEN to_tsvector('wpp_search', wpp_search_fold(wpp_search_shown(COALESCE(s.sender, '')))) @@ q.any_word THEN s.sender \
     ELSE COALESCE(s.contact, s.body) END) AS text) AS shown \
     WHERE s.document @@ q.every_word \
     AND ($2 IS NULL OR m.session = $2) \
     AND ($3 IS NULL OR m.conversation_id = $3) \
     AND ($4 IS NULL OR m.is_from_me = $4) \
     AND ($5 IS NULL OR m.message_type = $5) \
     AND ($6 IS NULL OR m.status = $6) \
     AND ($7 IS NULL OR m.timestamp >= $7) \
     AND ($8 IS NULL OR m.timestamp < $8) \
     AND ($9 IS NULL OR m.timestamp < $9 OR (m.timestamp = $9 AND m.rowid < $10)) \
     AND ($12 IS NULL OR m.session IN (SELECT session FROM user_sessions WHERE user_name = $12)) \
     ORDER BY m.timestamp DESC, m.rowid DESC LIMIT $11";

/// The snippet as HTML: the text escaped, the matches (between the markers) in `<mark>`.
/// A marker character inside a message cannot break it: marks always balance.
fn snippet_html(raw: &str) -> String {
    let mut html = String::with_capacity(raw.len() + 16);
    let mut open = false;
    for c in raw.chars() {
        match c {
            MARK_OPEN if !open => {
                html.push_str("<mark>");
                open = true;
            }
            MARK_CLOSE if open => {
                html.push_str("</mark>");
                open = false;
            }
            MARK_OPEN | MARK_CLOSE => {}
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '&' => html.push_str("&amp;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
    if open {
        html.push_str("</mark>");
    }
    html
}

async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchPage>, ApiError> {
    let q = query.q.as_deref().unwrap_or_default();
    let dialect = state.store.dialect();
    let (text_query, any_word) = match dialect {
        Dialect::Sqlite => (fts_query(q)?, String::new()),
        Dialect::Postgres => ts_queries(q)?,
    };
    let session = input::optional_session(query.session.as_deref())?;
    let from_me = match query.direction.as_deref() {
        None => None,
        Some("in") => Some(0_i64),
        Some("out") => Some(1_i64),
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "direction must be in or out, not {}",
                input::shorten(other, 40)
            )))
        }
    };
    let status = query
        .status
        .as_deref()
        .map(|name| {
            MessageStatus::from_name(name).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "status must be one of pending, sent, delivered, read, failed, not {}",
                    input::shorten(name, 40)
                ))
            })
        })
        .transpose()?;
    if let Some(kind) = &query.message_type {
        let valid = !kind.is_empty()
            && kind.len() <= 40
            && kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(ApiError::BadRequest(format!(
                "type must be a message type such as chat or image, not {}",
                input::shorten(kind, 40)
            )));
        }
    }
    let since = query
        .from
        .as_deref()
        .map(|value| time_bound("from", value).map(|(start, _)| start))
        .transpose()?;
    let until = query
        .to
        .as_deref()
        .map(|value| time_bound("to", value).map(|(_, end)| end))
        .transpose()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let cursor = query
        .cursor
        .as_deref()
        .map(|text| {
            Cursor::decode(text).ok_or_else(|| {
                ApiError::BadRequest("cursor is not one this server gave".to_owned())
            })
        })
        .transpose()?;
    // a NUL is no character PostgreSQL's text takes (and no chat id has one)
    let conversation = query.conversation.as_deref();
    if conversation.is_some_and(|c| c.contains('\0')) {
        return Err(ApiError::BadRequest(
            "conversation must be a chat id such as 5511999999999@c.us".to_owned(),
        ));
    }
    let sql = match dialect {
        Dialect::Sqlite => SQLITE_SEARCH,
        Dialect::Postgres => PG_SEARCH,
    };
    let mut statement = sqlx::query(sql)
        .bind(&text_query)
        .bind(session.as_ref().map(SessionName::as_str))
        .bind(conversation)
        .bind(from_me)
        .bind(query.message_type.as_deref())
        .bind(status.map(MessageStatus::as_str))
        .bind(since)
        .bind(until)
        .bind(cursor.map(|c| c.timestamp))
        .bind(cursor.map(|c| c.rowid))
        .bind(i64::from(limit) + 1)
        .bind(caller.grant_filter());
    if dialect == Dialect::Postgres {
        statement = statement.bind(&any_word).bind(PG_HEADLINE_OPTIONS);
    }
    let rows = statement
        .fetch_all(state.store.pool())
        .await
        .map_err(StoreError::from)?;
    let more = rows.len() > limit as usize;
    let mut hits = Vec::with_capacity(rows.len().min(limit as usize));
    let mut last = None;
    for row in rows.iter().take(limit as usize) {
        let message = message_from_row(row).map_err(StoreError::from)?;
        last = Some(Cursor {
            timestamp: message.timestamp,
            rowid: row.try_get("hit_rowid").map_err(StoreError::from)?,
        });
        let mut raw: Option<String> = row.try_get("hit_snippet").map_err(StoreError::from)?;
        if dialect == Dialect::Postgres {
            let text: Option<String> = row.try_get("hit_text").map_err(StoreError::from)?;
            raw = raw.map(|raw| pg_snippet(&raw, text.as_deref().unwrap_or_default()));
        }
        hits.push(Hit {
            session: row.try_get("session").map_err(StoreError::from)?,
            conversation_id: message.conversation_id.clone(),
            snippet: snippet_html(raw.as_deref().unwrap_or_default()),
            message,
        });
    }
    Ok(Json(SearchPage {
        hits,
        next_cursor: last.filter(|_| more).map(Cursor::encode),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_quoted_so_nothing_typed_is_fts_syntax() {
        assert_eq!(fts_query("olá mundo").unwrap(), "\"olá\" \"mundo\"");
        assert_eq!(
            fts_query("a\"b OR c AND NOT d").unwrap(),
            "\"a\"\"b\" \"OR\" \"c\" \"AND\" \"NOT\" \"d\""
        );
        assert_eq!(fts_query("entreg*").unwrap(), "\"entreg\"*");
        assert_eq!(fts_query("a\u{0}b\u{1}").unwrap(), "\"a\" \"b\"");
        assert_eq!(fts_query("-x NEAR(y)").unwrap(), "\"-x\" \"NEAR(y)\"");
        for bad in ["", "   ", "\" * - ()", &"a ".repeat(40), &"x".repeat(300)] {
            assert!(fts_query(bad).is_err(), "{bad:?} is refused");
        }
    }

    #[test]
    fn postgres_words_are_quoted_lexemes_so_nothing_typed_is_tsquery_syntax() {
        let (every, any) = ts_queries("olá it's a\\b entreg* & | ! <->").unwrap();
        assert_eq!(every, "'olá' & 'it''s' & 'a\\\\b' & 'entreg':*");
        assert_eq!(any, "'olá' | 'it''s' | 'a\\\\b' | 'entreg':*");
        assert!(ts_queries("  ").is_err());
    }

    #[test]
    fn a_postgres_headline_gets_its_markup_back_and_ellipses_where_it_is_cut() {
        let text = "Seu pedido foi enviado \u{3}hoje\u{4}";
        assert_eq!(
            pg_snippet("Seu pedido foi \u{1}enviado\u{2} \u{3}hoje\u{4}", text),
            "Seu pedido foi \u{1}enviado\u{2} <hoje>"
        );
        assert_eq!(
            pg_snippet("foi \u{1}enviado\u{2}", text),
            "…foi \u{1}enviado\u{2}…"
        );
    }

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let cursor = Cursor {
            timestamp: 1_700_000_000,
            rowid: 42,
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "zz", "abc", "3a", &"00".repeat(50), "e29883"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_snippet_is_escaped_html_with_balanced_marks() {
        assert_eq!(
            snippet_html("a <b> \u{1}word\u{2} & \u{2}x\u{1}y"),
            "a &lt;b&gt; <mark>word</mark> &amp; x<mark>y</mark>"
        );
    }
}
