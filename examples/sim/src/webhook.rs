//! Posting webhooks as the real server does: axios headers, fire and forget, no retry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::state::Faults;

/// How long a webhook held back for reordering waits for the next one before it goes anyway.
const REORDER_HOLD: Duration = Duration::from_millis(300);

/// Per session: (ticket, url, body) of a webhook held back.
type Held = HashMap<String, (u64, String, Value)>;

#[derive(Debug, Clone)]
pub(crate) struct Poster {
    http: reqwest::Client,
    /// Per session, a webhook held back to be posted after the next one.
    held: Arc<Mutex<Held>>,
    counter: Arc<std::sync::atomic::AtomicU64>,
}

impl Poster {
    pub(crate) fn new() -> Self {
        let http = reqwest::Client::builder()
            .user_agent("axios/1.19.0")
            .build()
            .unwrap_or_default();
        Self {
            http,
            held: Arc::default(),
            counter: Arc::default(),
        }
    }

    pub(crate) fn post(&self, url: String, session: String, body: Value, faults: Faults) {
        if faults.drop_webhooks {
            tracing::debug!(%session, "webhook dropped (fault)");
            return;
        }
        let sends = if faults.duplicate_webhooks { 2 } else { 1 };
        if faults.reorder_webhooks {
            let held = {
                let mut held = self
                    .held
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                held.remove(&session)
            };
            match held {
                Some((_, held_url, held_body)) => {
                    self.spawn(url, body, sends, faults.webhook_delay_ms);
                    self.spawn(held_url, held_body, sends, faults.webhook_delay_ms + 20);
                }
                None => {
                    let ticket = self
                        .counter
                        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    self.held
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(session.clone(), (ticket, url, body));
                    let poster = self.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(REORDER_HOLD).await;
                        let still_held = {
                            let mut held = poster
                                .held
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                            match held.get(&session) {
                                Some((t, _, _)) if *t == ticket => held.remove(&session),
                                _ => None,
                            }
                        };
                        if let Some((_, url, body)) = still_held {
                            poster.spawn(url, body, sends, faults.webhook_delay_ms);
                        }
                    });
                }
            }
            return;
        }
        self.spawn(url, body, sends, faults.webhook_delay_ms);
    }

    fn spawn(&self, url: String, body: Value, sends: usize, delay_ms: u64) {
        let http = self.http.clone();
        tokio::spawn(async move {
            if delay_ms > 0 {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            for _ in 0..sends {
                let result = http
                    .post(&url)
                    .header("accept", "application/json, text/plain, */*")
                    .header("content-type", "application/json")
                    .header("accept-encoding", "gzip, compress, deflate, br")
                    .body(body.to_string())
                    .send()
                    .await;
                match result {
                    Ok(response) if response.status().is_success() => {}
                    Ok(response) => {
                        tracing::warn!(status = %response.status(), "Error calling Webhook.")
                    }
                    Err(error) => {
                        tracing::warn!(error = %error.without_url(), "Error calling Webhook.")
                    }
                }
            }
        });
    }
}
