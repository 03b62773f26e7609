//! Messaging figures: `GET /api/analytics?session=&from=YYYY-MM-DD&to=YYYY-MM-DD`, per UTC day:
//! messages in and out, the delivery and read rates of the outgoing ones (from their stored
//! statuses), the median first-response time, and the messages of each hour of the day.
//!
//! A **first response** is the time from a contact's message that starts their turn (the
//! conversation's first message, or the first incoming one after an outgoing one) to the first
//! outgoing message after it in the same conversation; it counts on the day of the contact's
//! message, and a turn not answered yet counts nowhere. Failed sends are no answer.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use wppconnect_models::domain::MessageStatus;
use wppconnect_models::SessionName;

use super::error::{ApiError, ApiQuery};
use super::input;
use super::roles::Caller;
use super::store::StoreError;
use super::AppState;

/// Seconds in a (UTC) day.
pub(super) const SECONDS_PER_DAY: i64 = 86_400;
/// The longest range, in days.
const MAX_DAYS: i64 = 366;
/// The range when `from` is not given: the 7 days up to `to`.
const DEFAULT_DAYS: i64 = 7;

/// The analytics route.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/analytics", get(analytics))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date (year, month, day) of a day number since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A day number (since 1970-01-01) from `YYYY-MM-DD`, a real date from 1970 to 9999; `None`
/// for anything else.
pub(super) fn parse_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return None;
    }
    let year: i64 = text.get(0..4)?.parse().ok()?;
    let month: i64 = text.get(5..7)?.parse().ok()?;
    let day: i64 = text.get(8..10)?.parse().ok()?;
    if year < 1970 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // 2026-02-30 comes back as another date
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// `YYYY-MM-DD` of a day number.
pub(super) fn format_date(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The first Unix second of a day number.
pub(super) fn day_start(days: i64) -> i64 {
    days * SECONDS_PER_DAY
}

#[derive(Deserialize)]
struct AnalyticsQuery {
    session: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The figures of a range of days.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Analytics {
    /// The session, or `null` for every session.
    session: Option<String>,
    from: String,
    to: String,
    /// Always `UTC`: days and hours are UTC.
    time_zone: &'static str,
    /// Every day from `from` to `to`, in order, days without messages included.
    days: Vec<Day>,
}

/// One day's figures.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Day {
    date: String,
    messages_in: u64,
    messages_out: u64,
    /// Outgoing messages delivered or read, over all outgoing ones (`null` without any).
    delivery_rate: Option<f64>,
    /// Outgoing messages read, over all outgoing ones (`null` without any).
    read_rate: Option<f64>,
    /// The median of the day's first-response times, in seconds (`null` without any).
    median_first_response_seconds: Option<f64>,
    /// How many first responses the median is of.
    first_responses: usize,
    /// Messages (in and out) in each hour 0–23.
    hours: [u64; 24],
    /// The hour with the most messages (the earliest on a tie), `null` without messages.
    busiest_hour: Option<usize>,
}

impl Day {
    fn new(days: i64) -> Self {
        Self {
            date: format_date(days),
            messages_in: 0,
            messages_out: 0,
            delivery_rate: None,
            read_rate: None,
            median_first_response_seconds: None,
            first_responses: 0,
            hours: [0; 24],
            busiest_hour: None,
        }
    }
}

/// The median of `values` (the mean of the two middle ones for an even count).
fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    #[allow(clippy::cast_precision_loss)] // seconds: far below 2^52
    Some(if !values.len().is_multiple_of(2) {
        values[middle] as f64
    } else {
        (values[middle - 1] as f64 + values[middle] as f64) / 2.0
    })
}

#[allow(clippy::cast_precision_loss)] // message counts: far below 2^52
fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn date_param(name: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    value
        .map(|text| {
            parse_date(text).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "{name} must be a date YYYY-MM-DD, not {}",
                    input::shorten(text, 40)
                ))
            })
        })
        .transpose()
}

async fn analytics(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Json<Analytics>, ApiError> {
    let session = input::optional_session(query.session.as_deref())?;
    let session = session.as_ref().map(SessionName::as_str);
    let to = match date_param("to", query.to.as_deref())? {
        Some(to) => to,
        None => wppconnect_models::Seconds::now()
            .get()
            .div_euclid(SECONDS_PER_DAY),
    };
    let from = date_param("from", query.from.as_deref())?.unwrap_or(to - (DEFAULT_DAYS - 1));
    if from > to {
        return Err(ApiError::BadRequest("from is after to".to_owned()));
    }
    if to - from >= MAX_DAYS {
        return Err(ApiError::BadRequest(format!(
            "the range is longer than {MAX_DAYS} days"
        )));
    }
    let (start, end) = (day_start(from), day_start(to + 1));
    let mut days: Vec<Day> = (from..=to).map(Day::new).collect();
    let day_of =
        |timestamp: i64| usize::try_from(timestamp.div_euclid(SECONDS_PER_DAY) - from).ok();

    let rows = sqlx::query(
        "SELECT timestamp / 86400 AS day, (timestamp % 86400) / 3600 AS hour, is_from_me, \
         COUNT(*) AS n, SUM(CASE WHEN status IN ($4, $5) THEN 1 ELSE 0 END) AS delivered, \
         SUM(CASE WHEN status = $5 THEN 1 ELSE 0 END) AS seen \
         FROM messages WHERE ($1 IS NULL OR session = $1) AND timestamp >= $2 AND timestamp < $3 \
         AND ($6 IS NULL OR session IN (SELECT session FROM user_sessions WHERE user_name = $6)) \
         GROUP BY timestamp / 86400, (timestamp % 86400) / 3600, is_from_me",
    )
    .bind(session)
    .bind(start)
    .bind(end)
    .bind(MessageStatus::Delivered.as_str())
    .bind(MessageStatus::Read.as_str())
    .bind(caller.grant_filter())
    .fetch_all(state.store.pool())
    .await
    .map_err(StoreError::from)?;
    let mut outgoing = vec![(0_u64, 0_u64, 0_u64); days.len()]; // (all, delivered, read)
    for row in &rows {
        let get = |name: &str| row.try_get::<i64, _>(name).map_err(StoreError::from);
        let (Some(index), Ok(hour)) = (
            usize::try_from(get("day")? - from).ok(),
            usize::try_from(get("hour")?),
        ) else {
            continue;
        };
        let (Some(day), Some(out)) = (days.get_mut(index), outgoing.get_mut(index)) else {
            continue;
        };
        let count = u64::try_from(get("n")?).unwrap_or(0);
        if let Some(slot) = day.hours.get_mut(hour) {
            *slot += count;
        }
        if get("is_from_me")? != 0 {
            day.messages_out += count;
            out.0 += count;
            out.1 += u64::try_from(get("delivered")?).unwrap_or(0);
            out.2 += u64::try_from(get("seen")?).unwrap_or(0);
        } else {
            day.messages_in += count;
        }
    }

    // the contact messages that start a turn, and the first answer after each
    let turns = sqlx::query(
        "SELECT m.timestamp AS asked, \
         (SELECT MIN(r.timestamp) FROM messages AS r \
          WHERE r.session = m.session AND r.conversation_id = m.conversation_id \
          AND r.is_from_me = 1 AND r.status != $4 \
          AND (r.timestamp > m.timestamp OR (r.timestamp = m.timestamp AND r.rowid > m.rowid))) AS answered \
         FROM messages AS m \
         WHERE ($1 IS NULL OR m.session = $1) AND m.is_from_me = 0 \
         AND ($5 IS NULL OR m.session IN (SELECT session FROM user_sessions WHERE user_name = $5)) \
         AND m.timestamp >= $2 AND m.timestamp < $3 \
         AND COALESCE((SELECT p.is_from_me FROM messages AS p \
          WHERE p.session = m.session AND p.conversation_id = m.conversation_id \
          AND (p.is_from_me = 0 OR p.status != $4) \
          AND (p.timestamp < m.timestamp OR (p.timestamp = m.timestamp AND p.rowid < m.rowid)) \
          ORDER BY p.timestamp DESC, p.rowid DESC LIMIT 1), 1) = 1",
    )
    .bind(session)
    .bind(start)
    .bind(end)
    .bind(MessageStatus::Failed.as_str())
    .bind(caller.grant_filter())
    .fetch_all(state.store.pool())
    .await
    .map_err(StoreError::from)?;
    let mut responses: Vec<Vec<i64>> = vec![Vec::new(); days.len()];
    for row in &turns {
        let asked: i64 = row.try_get("asked").map_err(StoreError::from)?;
        let answered: Option<i64> = row.try_get("answered").map_err(StoreError::from)?;
        if let (Some(answered), Some(list)) =
            (answered, day_of(asked).and_then(|i| responses.get_mut(i)))
        {
            list.push(answered - asked);
        }
    }

    for ((day, (all, delivered, read)), mut times) in days.iter_mut().zip(outgoing).zip(responses) {
        day.delivery_rate = rate(delivered, all);
        day.read_rate = rate(read, all);
        day.first_responses = times.len();
        day.median_first_response_seconds = median(&mut times);
        let busiest = day.hours.iter().copied().max().unwrap_or(0);
        day.busiest_hour = (busiest > 0)
            .then(|| day.hours.iter().position(|&n| n == busiest))
            .flatten();
    }
    Ok(Json(Analytics {
        session: session.map(str::to_owned),
        from: format_date(from),
        to: format_date(to),
        time_zone: "UTC",
        days,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_impossible_ones_are_refused() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(format_date(19_782), "2024-02-29");
        assert_eq!(day_start(parse_date("2026-11-30").unwrap()), 1_795_996_800);
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "1969-12-31",
            "2026/01/01",
            "+026-01-01",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        for days in (-1000..30_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [30, 10, 20]), Some(20.0));
        assert_eq!(median(&mut [40, 10, 20, 30]), Some(25.0));
    }
}
