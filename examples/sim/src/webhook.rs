//! Posting webhooks as the real server does: axios's headers, one task per event, fire and forget,
//! no retry, no signature. Faults (delay, drop, duplicate, reorder) are applied here.
//!
//! The real server does not wait for one webhook before posting the next, so a slow receiver can
//! see them out of order. To keep tests deterministic, each event of a session waits for the
//! previous one of the same session to be answered, but at most [`ORDER_WAIT`] (30 s); a receiver
//! that answers within it therefore sees every session's events in the order they happened.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{oneshot, watch};

use crate::Faults;

/// Longest time an event waits for the previous event of its session to be delivered. Long, so a
/// receiver slowed down by a busy machine still sees the events in order; the bound only keeps a
/// receiver that never answers from holding the session's later events for good.
const ORDER_WAIT: Duration = Duration::from_secs(30);
/// How long an event held back for reordering waits for the next one before it goes anyway.
const REORDER_HOLD: Duration = Duration::from_millis(250);

/// One webhook call.
#[derive(Debug, Clone)]
struct Delivery {
    url: String,
    body: String,
    copies: usize,
    delay: Duration,
}

#[derive(Debug, Default)]
struct Queues {
    /// Per session: fires when the last launched event of that session has been answered.
    last: HashMap<String, oneshot::Receiver<()>>,
    /// Per session: an event held back by the reorder fault, with its ticket.
    held: HashMap<String, (u64, Delivery)>,
    next_ticket: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Poster {
    http: reqwest::Client,
    queues: Arc<Mutex<Queues>>,
    stopped: watch::Receiver<bool>,
}

impl Poster {
    pub(crate) fn new(stopped: watch::Receiver<bool>) -> Self {
        let http = reqwest::Client::builder()
            .user_agent("axios/1.19.0")
            .build()
            .unwrap_or_default();
        Self {
            http,
            queues: Arc::default(),
            stopped,
        }
    }

    fn queues(&self) -> MutexGuard<'_, Queues> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Posts `body` (already serialized) to `url` for `session`'s event `event`.
    pub(crate) fn post(
        &self,
        url: String,
        session: &str,
        event: &str,
        body: String,
        faults: &Faults,
    ) {
        let applies = faults.applies_to(event);
        if applies && faults.drop_webhooks {
            tracing::debug!(session, event, "webhook dropped (fault)");
            return;
        }
        let delivery = Delivery {
            url,
            body,
            copies: if applies && faults.duplicate_webhooks {
                2
            } else {
                1
            },
            delay: if applies {
                Duration::from_millis(faults.webhook_delay_ms)
            } else {
                Duration::ZERO
            },
        };
        if !(applies && faults.reorder_webhooks) {
            self.launch(session, delivery);
            return;
        }
        let held = self.queues().held.remove(session);
        match held {
            Some((_, earlier)) => {
                // the later event first, then the one held back
                self.launch(session, delivery);
                self.launch(session, earlier);
            }
            None => {
                let ticket = {
                    let mut queues = self.queues();
                    queues.next_ticket += 1;
                    let ticket = queues.next_ticket;
                    queues.held.insert(session.to_owned(), (ticket, delivery));
                    ticket
                };
                let poster = self.clone();
                let session = session.to_owned();
                tokio::spawn(async move {
                    tokio::time::sleep(REORDER_HOLD).await;
                    let still_held = {
                        let mut queues = poster.queues();
                        match queues.held.get(&session) {
                            Some((t, _)) if *t == ticket => queues.held.remove(&session),
                            _ => None,
                        }
                    };
                    if let Some((_, delivery)) = still_held {
                        poster.launch(&session, delivery);
                    }
                });
            }
        }
    }

    /// Waits until every webhook launched so far was answered (or failed), at most `limit`.
    pub(crate) async fn drain(&self, limit: Duration) {
        let pending: Vec<oneshot::Receiver<()>> =
            self.queues().last.drain().map(|(_, last)| last).collect();
        let all = async {
            for last in pending {
                let _ = last.await;
            }
        };
        let _ = tokio::time::timeout(limit, all).await;
    }

    /// One task per event: wait (bounded) for the session's previous event, then POST.
    fn launch(&self, session: &str, delivery: Delivery) {
        let (done, done_rx) = oneshot::channel::<()>();
        let previous = self.queues().last.insert(session.to_owned(), done_rx);
        let http = self.http.clone();
        let stopped = self.stopped.clone();
        tokio::spawn(async move {
            if !delivery.delay.is_zero() {
                tokio::time::sleep(delivery.delay).await;
            }
            if let Some(previous) = previous {
                let _ = tokio::time::timeout(ORDER_WAIT, previous).await;
            }
            for _ in 0..delivery.copies {
                if *stopped.borrow() {
                    return;
                }
                let result = http
                    .post(&delivery.url)
                    .header("accept", "application/json, text/plain, */*")
                    .header("content-type", "application/json")
                    .header("accept-encoding", "gzip, compress, deflate, br")
                    .header("connection", "keep-alive")
                    .body(delivery.body.clone())
                    .send()
                    .await;
                match result {
                    Ok(response) if response.status().is_success() => {}
                    Ok(response) => {
                        tracing::warn!(status = %response.status(), "Error calling Webhook.");
                    }
                    Err(error) => {
                        tracing::warn!(error = %error.without_url(), "Error calling Webhook.");
                    }
                }
            }
            drop(done);
        });
    }
}
