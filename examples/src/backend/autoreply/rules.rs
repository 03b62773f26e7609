//! The rules: their JSON, their checks, their rows, and the routes that manage them.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize};
use sqlx::Row;

use super::matching::{self, Hours, DAYS};
use crate::backend::auth::AuthUser;
use crate::backend::error::{ApiError, ApiJson, ApiQuery};
use crate::backend::input;
use crate::backend::store::StoreError;
use crate::backend::AppState;

/// The longest rule name, in characters.
const MAX_NAME_CHARS: usize = 100;
/// The day names spelled out, Monday first.
const FULL_DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
/// The most rules a session keeps.
const MAX_RULES: i64 = 200;

/// What sets a rule off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) enum Trigger {
    /// One of the comma-separated words or phrases of `pattern`, as a whole word, whatever the
    /// case and accents.
    Keyword,
    /// The regular expression `pattern` (case-insensitive).
    Regex,
    /// The first message of a conversation.
    FirstMessage,
}

impl Trigger {
    fn as_db(self) -> &'static str {
        match self {
            Self::Keyword => "keyword",
            Self::Regex => "regex",
            Self::FirstMessage => "first_message",
        }
    }

    fn from_db(value: &str) -> Option<Self> {
        match value {
            "keyword" => Some(Self::Keyword),
            "regex" => Some(Self::Regex),
            "first_message" => Some(Self::FirstMessage),
            _ => None,
        }
    }
}

/// Inside or outside the business hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) enum When {
    /// Reply during the hours.
    Inside,
    /// Reply outside them.
    Outside,
}

/// Business hours as the API shows and takes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct HoursJson {
    /// `mon` … `sun` (full names too, any case).
    days: Vec<String>,
    /// `HH:MM`.
    from: String,
    /// `HH:MM`; before `from`: the window runs past midnight.
    to: String,
    /// `+HH:MM` / `-HH:MM` / `UTC` (default UTC).
    #[serde(default)]
    utc_offset: Option<String>,
    /// `inside` (default) or `outside`.
    #[serde(default)]
    when: Option<When>,
}

impl HoursJson {
    fn check(&self) -> Result<Hours, ApiError> {
        let bad = |reason: String| ApiError::BadRequest(format!("hours: {reason}"));
        let mut days = 0u8;
        for day in &self.days {
            let wanted = day.trim().to_ascii_lowercase();
            let index = DAYS
                .iter()
                .zip(FULL_DAYS)
                .position(|(short, full)| wanted == *short || wanted == full)
                .ok_or_else(|| {
                    bad(format!(
                        "`{}` is not a day (mon, tue, wed, thu, fri, sat, sun)",
                        input::shorten(day, 20)
                    ))
                })?;
            days |= 1 << index;
        }
        if days == 0 {
            return Err(bad("name at least one day".to_owned()));
        }
        let from = matching::parse_clock(&self.from).map_err(bad)?;
        let to = matching::parse_clock(&self.to).map_err(bad)?;
        if from == to {
            return Err(bad("`from` and `to` are the same time".to_owned()));
        }
        let offset =
            matching::parse_offset(self.utc_offset.as_deref().unwrap_or("UTC")).map_err(bad)?;
        Ok(Hours {
            days,
            from,
            to,
            offset_minutes: offset,
            inside: self.when.unwrap_or(When::Inside) == When::Inside,
        })
    }

    fn show(hours: &Hours) -> Self {
        Self {
            days: (0..7)
                .filter(|d| hours.days & (1 << d) != 0)
                .map(|d| DAYS[d].to_owned())
                .collect(),
            from: matching::show_clock(hours.from),
            to: matching::show_clock(hours.to),
            utc_offset: Some(matching::show_offset(hours.offset_minutes)),
            when: Some(if hours.inside {
                When::Inside
            } else {
                When::Outside
            }),
        }
    }
}

/// A rule as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Rule {
    pub(super) id: i64,
    pub(super) session: String,
    pub(super) name: String,
    pub(super) trigger: Trigger,
    /// The keywords (comma-separated) or the regular expression; `null` for `firstMessage`.
    pub(super) pattern: Option<String>,
    pub(super) template: String,
    /// `null`: any time.
    pub(super) hours: Option<HoursJson>,
    /// Whether messages in groups set it off too (the reply goes privately to their author).
    pub(super) groups: bool,
    pub(super) enabled: bool,
    /// Bumped at every change.
    pub(super) version: i64,
    /// Epoch ms.
    pub(super) created_at: i64,
    /// Epoch ms.
    pub(super) updated_at: i64,
}

/// What the engine runs: a rule with its trigger compiled.
#[derive(Debug)]
pub(super) struct Compiled {
    pub(super) id: i64,
    pub(super) version: i64,
    pub(super) matcher: Matcher,
    pub(super) hours: Option<Hours>,
    pub(super) template: String,
    pub(super) groups: bool,
}

/// A compiled trigger.
#[derive(Debug)]
pub(super) enum Matcher {
    Keywords(Vec<String>),
    Regex(Regex),
    FirstMessage,
}

impl Rule {
    /// Compiles the trigger (a stored rule was checked when saved; one that no longer compiles
    /// is an error the engine logs).
    pub(super) fn compile(&self) -> Result<Compiled, String> {
        let pattern = self.pattern.as_deref().unwrap_or_default();
        let matcher = match self.trigger {
            Trigger::Keyword => Matcher::Keywords(matching::keywords(pattern)?),
            Trigger::Regex => Matcher::Regex(matching::regex(pattern)?),
            Trigger::FirstMessage => Matcher::FirstMessage,
        };
        let hours = self
            .hours
            .as_ref()
            .map(|h| h.check().map_err(|e| e.reason()))
            .transpose()?;
        Ok(Compiled {
            id: self.id,
            version: self.version,
            matcher,
            hours,
            template: self.template.clone(),
            groups: self.groups,
        })
    }
}

/// `Some(None)` for an explicit `null`, `None` when the field is absent.
fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The body of `POST` (trigger and template required) and `PATCH` (any field).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RuleInput {
    name: Option<String>,
    trigger: Option<Trigger>,
    #[serde(default, deserialize_with = "nullable")]
    pattern: Option<Option<String>>,
    template: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    hours: Option<Option<HoursJson>>,
    groups: Option<bool>,
    enabled: Option<bool>,
}

impl RuleInput {
    /// `rule` with this input's fields, checked as a whole.
    fn apply(self, mut rule: Rule) -> Result<Rule, ApiError> {
        if let Some(name) = self.name {
            rule.name = name.trim().to_owned();
        }
        if let Some(trigger) = self.trigger {
            rule.trigger = trigger;
        }
        if let Some(pattern) = self.pattern {
            rule.pattern = pattern;
        }
        if let Some(template) = self.template {
            rule.template = template;
        }
        if let Some(hours) = self.hours {
            rule.hours = hours;
        }
        if let Some(groups) = self.groups {
            rule.groups = groups;
        }
        if let Some(enabled) = self.enabled {
            rule.enabled = enabled;
        }
        if rule.trigger == Trigger::FirstMessage {
            rule.pattern = None;
        }
        if rule.name.is_empty() {
            rule.name = match (&rule.trigger, &rule.pattern) {
                (Trigger::FirstMessage, _) => "first message".to_owned(),
                (_, Some(pattern)) => input::shorten(pattern.trim(), 40),
                (_, None) => String::new(),
            };
        }
        if rule.name.chars().count() > MAX_NAME_CHARS {
            return Err(ApiError::BadRequest(format!(
                "the rule name is at most {MAX_NAME_CHARS} characters"
            )));
        }
        matching::check_template(&rule.template).map_err(ApiError::BadRequest)?;
        let hours = rule.hours.as_ref().map(HoursJson::check).transpose()?;
        // shown as stored: days in order, the offset and `when` spelled out
        rule.hours = hours.as_ref().map(HoursJson::show);
        rule.compile().map_err(ApiError::BadRequest)?;
        Ok(rule)
    }
}

/// The rule routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/sessions/{name}/rules",
            get(list_rules).post(create_rule),
        )
        .route(
            "/api/sessions/{name}/rules/{id}",
            patch(update_rule).delete(delete_rule),
        )
        .route("/api/sessions/{name}/auto-replies", get(list_replies))
}

/// The session of the path, checked.
fn session_of(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(name) = path.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(input::session_name(&name)?.as_str().to_owned())
}

/// The session and rule id of the path, checked.
fn rule_of(path: Result<Path<(String, String)>, PathRejection>) -> Result<(String, i64), ApiError> {
    let Path((name, id)) = path.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let session = input::session_name(&name)?.as_str().to_owned();
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::BadRequest("a rule id is a positive number".to_owned()))?;
    Ok((session, id))
}

/// Reads a rule row (any database: only the generic `Row::try_get`).
macro_rules! rule_from_row {
    ($row:expr) => {{
        let row = $row;
        let trigger: String = row.try_get("trigger_kind")?;
        let hours_days: Option<i64> = row.try_get("hours_days")?;
        let hours = match hours_days {
            Some(days) => {
                let start: Option<i64> = row.try_get("hours_start")?;
                let end: Option<i64> = row.try_get("hours_end")?;
                let offset: Option<i64> = row.try_get("hours_offset")?;
                let when: Option<String> = row.try_get("hours_when")?;
                Some(HoursJson::show(&Hours {
                    days: u8::try_from(days & 0x7f).unwrap_or(0),
                    from: u16::try_from(start.unwrap_or(0)).unwrap_or(0),
                    to: u16::try_from(end.unwrap_or(0)).unwrap_or(0),
                    offset_minutes: i16::try_from(offset.unwrap_or(0)).unwrap_or(0),
                    inside: when.as_deref() != Some("outside"),
                }))
            }
            None => None,
        };
        let groups: i64 = row.try_get("in_groups")?;
        let enabled: i64 = row.try_get("enabled")?;
        Rule {
            id: row.try_get("id")?,
            session: row.try_get("session")?,
            name: row.try_get("name")?,
            // this version writes no other kind
            trigger: Trigger::from_db(&trigger).unwrap_or(Trigger::Keyword),
            pattern: row.try_get("pattern")?,
            template: row.try_get("template")?,
            hours,
            groups: groups != 0,
            enabled: enabled != 0,
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        }
    }};
}

const RULE_COLUMNS: &str = "id, session, name, trigger_kind, pattern, template, hours_days, \
     hours_start, hours_end, hours_offset, hours_when, in_groups, enabled, version, created_at, \
     updated_at";

/// The rules of a session, oldest first (the order the engine tries them in).
pub(super) async fn load(state: &AppState, session: &str) -> Result<Vec<Rule>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {RULE_COLUMNS} FROM auto_reply_rules WHERE session = $1 ORDER BY id"
    ))
    .bind(session)
    .fetch_all(state.store.pool())
    .await?;
    let mut rules = Vec::with_capacity(rows.len());
    for row in &rows {
        let read = || -> Result<Rule, sqlx::Error> { Ok(rule_from_row!(row)) };
        rules.push(read()?);
    }
    Ok(rules)
}

async fn load_one(state: &AppState, session: &str, id: i64) -> Result<Option<Rule>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {RULE_COLUMNS} FROM auto_reply_rules WHERE session = $1 AND id = $2"
    ))
    .bind(session)
    .bind(id)
    .fetch_optional(state.store.pool())
    .await?;
    match row {
        Some(row) => {
            let read = || -> Result<Rule, sqlx::Error> { Ok(rule_from_row!(&row)) };
            Ok(Some(read()?))
        }
        None => Ok(None),
    }
}

/// The columns a rule's hours are stored in.
fn hours_columns(rule: &Rule) -> Result<[Option<i64>; 4], ApiError> {
    Ok(
        match rule.hours.as_ref().map(HoursJson::check).transpose()? {
            Some(h) => [
                Some(i64::from(h.days)),
                Some(i64::from(h.from)),
                Some(i64::from(h.to)),
                Some(i64::from(h.offset_minutes)),
            ],
            None => [None; 4],
        },
    )
}

fn hours_when(rule: &Rule) -> Option<&'static str> {
    rule.hours.as_ref().map(|h| match h.when {
        Some(When::Outside) => "outside",
        _ => "inside",
    })
}

async fn list_rules(
    State(state): State<AppState>,
    _user: AuthUser,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Vec<Rule>>, ApiError> {
    let session = session_of(path)?;
    Ok(Json(load(&state, &session).await?))
}

async fn create_rule(
    State(state): State<AppState>,
    _user: AuthUser,
    path: Result<Path<String>, PathRejection>,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<(StatusCode, Json<Rule>), ApiError> {
    let session = session_of(path)?;
    if input.trigger.is_none() {
        return Err(ApiError::BadRequest(
            "a rule needs a `trigger`: keyword, regex or firstMessage".to_owned(),
        ));
    }
    if input.template.is_none() {
        return Err(ApiError::BadRequest(
            "a rule needs a reply `template`".to_owned(),
        ));
    }
    let now = state.autoreply.clock.now_ms();
    let blank = Rule {
        id: 0,
        session: session.clone(),
        name: String::new(),
        trigger: Trigger::Keyword,
        pattern: None,
        template: String::new(),
        hours: None,
        groups: false,
        enabled: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let rule = input.apply(blank)?;
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM auto_reply_rules WHERE session = $1")
        .bind(&session)
        .fetch_one(state.store.pool())
        .await
        .and_then(|row| row.try_get("n"))
        .map_err(StoreError::from)?;
    if count >= MAX_RULES {
        return Err(ApiError::BadRequest(format!(
            "a session keeps at most {MAX_RULES} rules"
        )));
    }
    let [days, start, end, offset] = hours_columns(&rule)?;
    let id: i64 = sqlx::query(
        "INSERT INTO auto_reply_rules (session, name, trigger_kind, pattern, template, \
         hours_days, hours_start, hours_end, hours_offset, hours_when, in_groups, enabled, \
         version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13) RETURNING id",
    )
    .bind(&session)
    .bind(&rule.name)
    .bind(rule.trigger.as_db())
    .bind(rule.pattern.as_deref())
    .bind(&rule.template)
    .bind(days)
    .bind(start)
    .bind(end)
    .bind(offset)
    .bind(hours_when(&rule))
    .bind(i64::from(rule.groups))
    .bind(i64::from(rule.enabled))
    .bind(now)
    .fetch_one(state.store.pool())
    .await
    .and_then(|row| row.try_get("id"))
    .map_err(StoreError::from)?;
    tracing::info!(
        session,
        rule = id,
        trigger = rule.trigger.as_db(),
        "automatic reply rule added"
    );
    state.rules_changed().bump();
    Ok((StatusCode::CREATED, Json(Rule { id, ..rule })))
}

async fn update_rule(
    State(state): State<AppState>,
    _user: AuthUser,
    path: Result<Path<(String, String)>, PathRejection>,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<Json<Rule>, ApiError> {
    let (session, id) = rule_of(path)?;
    let current = load_one(&state, &session, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no rule {id} in session {session}")))?;
    let now = state.autoreply.clock.now_ms();
    let mut rule = input.apply(current)?;
    rule.version += 1;
    rule.updated_at = now;
    let [days, start, end, offset] = hours_columns(&rule)?;
    let updated = sqlx::query(
        "UPDATE auto_reply_rules SET name = $3, trigger_kind = $4, pattern = $5, template = $6, \
         hours_days = $7, hours_start = $8, hours_end = $9, hours_offset = $10, hours_when = $11, \
         in_groups = $12, enabled = $13, version = version + 1, updated_at = $14 \
         WHERE session = $1 AND id = $2 RETURNING version",
    )
    .bind(&session)
    .bind(id)
    .bind(&rule.name)
    .bind(rule.trigger.as_db())
    .bind(rule.pattern.as_deref())
    .bind(&rule.template)
    .bind(days)
    .bind(start)
    .bind(end)
    .bind(offset)
    .bind(hours_when(&rule))
    .bind(i64::from(rule.groups))
    .bind(i64::from(rule.enabled))
    .bind(now)
    .fetch_optional(state.store.pool())
    .await
    .map_err(StoreError::from)?;
    let Some(row) = updated else {
        return Err(ApiError::NotFound(format!(
            "no rule {id} in session {session}"
        )));
    };
    rule.version = row.try_get("version").map_err(StoreError::from)?;
    state.rules_changed().bump();
    Ok(Json(rule))
}

async fn delete_rule(
    State(state): State<AppState>,
    _user: AuthUser,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (session, id) = rule_of(path)?;
    let deleted = sqlx::query("DELETE FROM auto_reply_rules WHERE session = $1 AND id = $2")
        .bind(&session)
        .bind(id)
        .execute(state.store.pool())
        .await
        .map_err(StoreError::from)?
        .rows_affected();
    if deleted == 0 {
        return Err(ApiError::NotFound(format!(
            "no rule {id} in session {session}"
        )));
    }
    sqlx::query("DELETE FROM auto_reply_mutes WHERE session = $1 AND rule_id = $2")
        .bind(&session)
        .bind(id)
        .execute(state.store.pool())
        .await
        .map_err(StoreError::from)?;
    state.rules_changed().bump();
    Ok(StatusCode::NO_CONTENT)
}

/// One decision of the engine, as `GET /api/sessions/{name}/auto-replies` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Decision {
    /// The message that set the rule off.
    trigger_id: String,
    rule_id: i64,
    /// The chat the reply went (or would have gone) to.
    contact: String,
    reply: String,
    /// `sending`, `sent`, `failed` or `skipped`.
    status: String,
    /// Why it was skipped or failed: `cooldown`, `muted`, `rate`, `no phone number`, or the
    /// send's error.
    reason: Option<String>,
    /// The sent message's id.
    message_id: Option<String>,
    /// Epoch ms.
    created_at: i64,
}

#[derive(Debug, Deserialize)]
struct RepliesQuery {
    limit: Option<u32>,
}

/// The newest decisions first (default 50, at most 500).
async fn list_replies(
    State(state): State<AppState>,
    _user: AuthUser,
    path: Result<Path<String>, PathRejection>,
    ApiQuery(query): ApiQuery<RepliesQuery>,
) -> Result<Json<Vec<Decision>>, ApiError> {
    let session = session_of(path)?;
    let limit = i64::from(query.limit.unwrap_or(50).clamp(1, 500));
    let rows = sqlx::query(
        "SELECT trigger_id, rule_id, contact, reply, status, reason, message_id, created_at \
         FROM auto_replies WHERE session = $1 ORDER BY created_at DESC, trigger_id LIMIT $2",
    )
    .bind(&session)
    .bind(limit)
    .fetch_all(state.store.pool())
    .await
    .map_err(StoreError::from)?;
    let mut decisions = Vec::with_capacity(rows.len());
    for row in &rows {
        let read = || -> Result<Decision, sqlx::Error> {
            Ok(Decision {
                trigger_id: row.try_get("trigger_id")?,
                rule_id: row.try_get("rule_id")?,
                contact: row.try_get("contact")?,
                reply: row.try_get("reply")?,
                status: row.try_get("status")?,
                reason: row.try_get("reason")?,
                message_id: row.try_get("message_id")?,
                created_at: row.try_get("created_at")?,
            })
        };
        decisions.push(read().map_err(StoreError::from)?);
    }
    Ok(Json(decisions))
}
