//! The engine: one handler on the webhook hub that decides, claims, and sends each reply.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::Row;
use wppconnect_models::{ChatId, Event, Message, PhoneNumber};
use wppconnect_webhook::incoming_message;

use super::matching::{self, Values};
use super::rules::{self, Compiled, Matcher};
use crate::backend::error::ApiError;
use crate::backend::messages::{self, SendMessageRequest};
use crate::backend::store::StoreError;
use crate::backend::AppState;

/// How many of our latest replies to a contact a message is compared with (a bot that echoes
/// us is never a trigger).
const ECHO_MEMORY: i64 = 20;

/// How long the engine keeps a session's rules before it reads them again: a change made through
/// this instance is seen at once, one made through another within this long. Spares the store
/// a read per incoming message.
pub(super) const RULES_TTL: Duration = Duration::from_secs(1);

/// The engine's state: the backend's, the rules compiled so far (by id, with the version they
/// were compiled at, so a rule is compiled once per change), and each session's enabled rules as
/// last read.
pub(super) struct Engine {
    state: AppState,
    compiled: Mutex<HashMap<i64, Arc<Compiled>>>,
    sessions: Mutex<HashMap<String, Loaded>>,
}

/// A session's enabled rules as read at `at`, when this instance had counted `changes` changes.
struct Loaded {
    at: Instant,
    changes: u64,
    rules: Vec<Arc<Compiled>>,
}

/// What became of a trigger.
enum Verdict {
    /// Send it.
    Send,
    /// Not sent, for this reason.
    Skip(&'static str),
}

impl Engine {
    pub(super) fn new(state: AppState) -> Self {
        Self {
            state,
            compiled: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Handles one event of the hub. Errors are the store's; the hub logs them.
    pub(super) async fn handle(&self, event: &Event) -> Result<(), StoreError> {
        let Some(message) = incoming_message(event) else {
            return Ok(());
        };
        let Some(session) = event.session().map(|s| s.as_str().to_owned()) else {
            return Ok(());
        };
        let Some(chat) = message.chat() else {
            return Ok(());
        };
        let in_group = chat.is_group();
        let rules = self.rules(&session).await?;
        let rules: Vec<Arc<Compiled>> = rules
            .into_iter()
            .filter(|rule| !in_group || rule.groups)
            .collect();
        if rules.is_empty() {
            return Ok(());
        }
        let trigger_id = message.id.as_str();
        // a trigger handled before (a resent webhook, a restart) changes nothing, not even a
        // mute; the claim below is what makes this sure, this only spares the work
        let handled = sqlx::query(
            "SELECT COUNT(*) AS n FROM auto_replies WHERE session = $1 AND trigger_id = $2",
        )
        .bind(&session)
        .bind(trigger_id)
        .fetch_one(self.state.store.pool())
        .await
        .and_then(|row| row.try_get::<i64, _>("n"))?;
        if handled > 0 {
            tracing::debug!(session, trigger_id, "trigger handled before: no reply");
            return Ok(());
        }
        let settings = &self.state.autoreply;
        let now = settings.clock.now_ms();
        let text = message.text().unwrap_or_default();
        // the reply goes to the contact's own chat: in a group, privately to the author
        let to = if in_group {
            message.author_id().cloned()
        } else {
            Some(chat.clone())
        };
        let phone = to.as_ref().and_then(ChatId::phone_number);
        let contact = to
            .as_ref()
            .map_or_else(|| chat.to_string(), ToString::to_string);
        let name = message.sender_name();
        if !text.trim().is_empty()
            && self
                .echoes_us(&session, &contact, text, &rules, name, phone.as_ref(), now)
                .await?
        {
            tracing::info!(
                session,
                contact,
                "a message that repeats one of our replies: never a trigger"
            );
            return Ok(());
        }
        for rule in rules {
            if !self
                .fires(&rule, &session, message, chat.as_str(), text, now)
                .await?
            {
                continue;
            }
            let offset = rule.hours.map_or(0, |h| h.offset_minutes);
            let digits = phone.as_ref().map_or("", PhoneNumber::digits);
            let reply = matching::render(&rule.template, &Values::new(name, digits, now, offset));
            let verdict = match &phone {
                None => Verdict::Skip("no phone number"),
                Some(_) => self.pace(&session, &rule, &contact, now).await?,
            };
            let (status, reason) = match verdict {
                Verdict::Send => ("sending", None),
                Verdict::Skip(reason) => ("skipped", Some(reason)),
            };
            // the claim: a trigger seen before (a resent webhook, a restart) stops here
            let claimed = sqlx::query(
                "INSERT INTO auto_replies (session, trigger_id, rule_id, contact, reply, status, \
                 reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (session, trigger_id) DO NOTHING",
            )
            .bind(&session)
            .bind(trigger_id)
            .bind(rule.id)
            .bind(&contact)
            .bind(&reply)
            .bind(status)
            .bind(reason)
            .bind(now)
            .execute(self.state.store.pool())
            .await?
            .rows_affected()
                == 1;
            if !claimed {
                tracing::debug!(session, trigger_id, "trigger handled before: no reply");
                return Ok(());
            }
            if let (Verdict::Send, Some(phone)) = (verdict, phone) {
                // on a task of its own: a slow server delays this reply, not the next decisions
                // (the row claimed above already counts for the pacing)
                let (state, trigger_id) = (self.state.clone(), trigger_id.to_owned());
                tokio::spawn(async move {
                    if let Err(error) = send(&state, &session, &trigger_id, &phone, reply).await {
                        tracing::error!(session, trigger_id, error = ?error, "could not record an automatic reply");
                    }
                });
            } else {
                tracing::info!(
                    session,
                    rule = rule.id,
                    contact,
                    reason,
                    "automatic reply skipped"
                );
            }
            // one reply per trigger: the first rule that fires
            return Ok(());
        }
        Ok(())
    }

    /// The session's enabled rules, compiled (once per rule version), read from the store at
    /// most every [`RULES_TTL`] and after each change made through this instance.
    async fn rules(&self, session: &str) -> Result<Vec<Arc<Compiled>>, StoreError> {
        let changes = self.state.rules_changed().get();
        {
            let sessions = self
                .sessions
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(loaded) = sessions.get(session) {
                if loaded.changes == changes && loaded.at.elapsed() < RULES_TTL {
                    return Ok(loaded.rules.clone());
                }
            }
        }
        let at = Instant::now();
        let rules = self.read_rules(session).await?;
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(
                session.to_owned(),
                Loaded {
                    at,
                    changes,
                    rules: rules.clone(),
                },
            );
        Ok(rules)
    }

    /// The session's enabled rules as stored now, compiled (once per rule version).
    async fn read_rules(&self, session: &str) -> Result<Vec<Arc<Compiled>>, StoreError> {
        let stored = rules::load(&self.state, session).await?;
        let mut cache = self
            .compiled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = Vec::new();
        for rule in stored.into_iter().filter(|r| r.enabled) {
            if let Some(compiled) = cache.get(&rule.id).filter(|c| c.version == rule.version) {
                out.push(compiled.clone());
                continue;
            }
            match rule.compile() {
                Ok(compiled) => {
                    let compiled = Arc::new(compiled);
                    cache.insert(rule.id, compiled.clone());
                    out.push(compiled);
                }
                Err(error) => {
                    tracing::warn!(
                        session,
                        rule = rule.id,
                        error,
                        "a stored rule does not compile; skipped"
                    );
                }
            }
        }
        Ok(out)
    }

    /// Whether `rule`'s trigger and hours let it fire on `message`.
    async fn fires(
        &self,
        rule: &Compiled,
        session: &str,
        message: &Message,
        chat: &str,
        text: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        if rule.hours.is_some_and(|hours| !hours.allows(now)) {
            return Ok(false);
        }
        Ok(match &rule.matcher {
            Matcher::Keywords(words) => matching::has_keyword(text, words),
            Matcher::Regex(regex) => regex.is_match(text),
            Matcher::FirstMessage => {
                // nothing older in the conversation, and this rule never answered it before
                let sent = message.time().map_or(now / 1000, |t| t.get());
                let older: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM messages WHERE session = $1 \
                     AND conversation_id = $2 AND id <> $3 AND timestamp < $4",
                )
                .bind(session)
                .bind(chat)
                .bind(message.id.as_str())
                .bind(sent)
                .fetch_one(self.state.store.pool())
                .await
                .and_then(|row| row.try_get("n"))?;
                let answered: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM auto_replies WHERE session = $1 \
                     AND rule_id = $2 AND contact = $3",
                )
                .bind(session)
                .bind(rule.id)
                .bind(chat)
                .fetch_one(self.state.store.pool())
                .await
                .and_then(|row| row.try_get("n"))?;
                older == 0 && answered == 0
            }
        })
    }

    /// Whether `text` is one of our replies: the latest we sent this contact, or what a rule
    /// would answer them now.
    #[allow(clippy::too_many_arguments)]
    async fn echoes_us(
        &self,
        session: &str,
        contact: &str,
        text: &str,
        rules: &[Arc<Compiled>],
        name: Option<&str>,
        phone: Option<&PhoneNumber>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let digits = phone.map_or("", PhoneNumber::digits);
        let now_would = rules.iter().any(|rule| {
            let offset = rule.hours.map_or(0, |h| h.offset_minutes);
            let reply = matching::render(&rule.template, &Values::new(name, digits, now, offset));
            matching::same_text(text, &reply)
        });
        if now_would {
            return Ok(true);
        }
        let rows = sqlx::query(
            "SELECT reply FROM auto_replies WHERE session = $1 AND contact = $2 \
             AND status <> 'skipped' ORDER BY created_at DESC LIMIT $3",
        )
        .bind(session)
        .bind(contact)
        .bind(ECHO_MEMORY)
        .fetch_all(self.state.store.pool())
        .await?;
        for row in &rows {
            let reply: String = row.try_get("reply")?;
            if matching::same_text(text, &reply) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Mutes, cooldown, session rate, loop breaking: may this reply go now?
    async fn pace(
        &self,
        session: &str,
        rule: &Compiled,
        contact: &str,
        now: i64,
    ) -> Result<Verdict, StoreError> {
        let settings = &self.state.autoreply;
        let pool = self.state.store.pool();
        let muted: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM auto_reply_mutes WHERE session = $1 AND rule_id = $2 \
             AND contact = $3 AND until > $4",
        )
        .bind(session)
        .bind(rule.id)
        .bind(contact)
        .bind(now)
        .fetch_one(pool)
        .await
        .and_then(|row| row.try_get("n"))?;
        if muted > 0 {
            return Ok(Verdict::Skip("muted"));
        }
        let since = |window: Duration| now.saturating_sub(millis(window));
        // a loop: this would be one reply too many of this rule to this contact in the window
        let in_window = self
            .replies_since(
                session,
                Some((rule.id, contact)),
                since(settings.loop_window),
            )
            .await?;
        if in_window >= i64::from(settings.loop_limit) {
            let until = now.saturating_add(millis(settings.mute_for));
            sqlx::query(
                "INSERT INTO auto_reply_mutes (session, rule_id, contact, until) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (session, rule_id, contact) DO UPDATE SET until = $4",
            )
            .bind(session)
            .bind(rule.id)
            .bind(contact)
            .bind(until)
            .execute(pool)
            .await?;
            tracing::warn!(
                session,
                rule = rule.id,
                contact,
                replies = in_window,
                window_s = settings.loop_window.as_secs(),
                "a contact keeps setting off an automatic reply (another bot?): muted for this rule"
            );
            return Ok(Verdict::Skip("muted"));
        }
        if !settings.cooldown.is_zero()
            && self
                .replies_since(session, Some((rule.id, contact)), since(settings.cooldown))
                .await?
                > 0
        {
            return Ok(Verdict::Skip("cooldown"));
        }
        if self
            .replies_since(session, None, since(Duration::from_secs(60)))
            .await?
            >= i64::from(settings.session_rate)
        {
            return Ok(Verdict::Skip("rate"));
        }
        Ok(Verdict::Send)
    }

    /// Replies sent (or being sent) since `from` (epoch ms): of one rule to one contact, or of
    /// the whole session.
    async fn replies_since(
        &self,
        session: &str,
        rule_and_contact: Option<(i64, &str)>,
        from: i64,
    ) -> Result<i64, StoreError> {
        let pool = self.state.store.pool();
        let row =
            match rule_and_contact {
                Some((rule, contact)) => sqlx::query(
                    "SELECT COUNT(*) AS n FROM auto_replies WHERE session = $1 AND rule_id = $2 \
                     AND contact = $3 AND created_at > $4 AND status IN ('sending', 'sent')",
                )
                .bind(session)
                .bind(rule)
                .bind(contact)
                .bind(from)
                .fetch_one(pool)
                .await?,
                None => {
                    sqlx::query(
                        "SELECT COUNT(*) AS n FROM auto_replies WHERE session = $1 \
                     AND created_at > $2 AND status IN ('sending', 'sent')",
                    )
                    .bind(session)
                    .bind(from)
                    .fetch_one(pool)
                    .await?
                }
            };
        Ok(row.try_get("n")?)
    }
}

/// Sends the claimed reply once, through the backend's send function, and records how it
/// went.
async fn send(
    state: &AppState,
    session: &str,
    trigger_id: &str,
    phone: &PhoneNumber,
    reply: String,
) -> Result<(), StoreError> {
    let request = SendMessageRequest::text(
        session.to_owned(),
        phone.digits().to_owned(),
        reply,
        client_id(trigger_id),
    );
    let (status, reason, message_id) = match messages::send_text(state, request).await {
        Ok(sent) => ("sent", None, Some(sent.id)),
        // the same reply was sent before under this id: it is not sent again
        Err(ApiError::Duplicate(earlier)) => ("sent", None, Some(earlier.id)),
        Err(error) => {
            tracing::warn!(session, trigger_id, reason = %error.reason(), "automatic reply failed");
            ("failed", Some(error.reason()), None)
        }
    };
    sqlx::query(
        "UPDATE auto_replies SET status = $3, reason = $4, message_id = $5 \
         WHERE session = $1 AND trigger_id = $2",
    )
    .bind(session)
    .bind(trigger_id)
    .bind(status)
    .bind(reason)
    .bind(message_id)
    .execute(state.store.pool())
    .await?;
    Ok(())
}

/// A duration in milliseconds, as the rows keep times.
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The client id of a trigger's reply: `ar` and the trigger id's letters and digits (its tail,
/// which holds the message's own id, when it is long), so a second send of the same reply is
/// refused as a duplicate by the send function too.
fn client_id(trigger_id: &str) -> String {
    let kept: Vec<char> = trigger_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let tail: String = kept[kept.len().saturating_sub(60)..].iter().collect();
    format!("ar{tail:0>8}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_s_client_id_is_valid_and_follows_its_trigger() {
        let id = client_id("false_5511999999999@c.us_3EB0C767D26A1D8E8C2F");
        assert!(
            wppconnect_models::domain::ClientId::new(&id).is_ok(),
            "{id}"
        );
        assert_eq!(
            id,
            client_id("false_5511999999999@c.us_3EB0C767D26A1D8E8C2F")
        );
        assert_ne!(
            id,
            client_id("false_5511999999999@c.us_3EB0C767D26A1D8E8C2E")
        );
        let long = client_id(&format!("false_{}@c.us_{}", "9".repeat(40), "A".repeat(40)));
        assert!(
            wppconnect_models::domain::ClientId::new(&long).is_ok(),
            "{long}"
        );
        assert!(wppconnect_models::domain::ClientId::new(&client_id("x")).is_ok());
    }
}
