//! Webhook events into the store, and out to the browser clients.
//!
//! The webhook router awaits [`Ingest::submit`] before it answers: a `200` means the event is
//! committed. Handlers hand their event to one writer task through a bounded channel; the writer
//! takes whatever has queued, writes it in one transaction (group commit), answers each handler
//! once it is committed, and only then pushes what changed to the browsers. When the writer falls
//! behind, handlers wait (the channel is full); past the deadline they give up with an error,
//! which the router answers `503`, so the server's event is never acknowledged and lost.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use wppconnect_models::domain::{self, MessageStatus, SessionStatus};
use wppconnect_models::Event;

use super::events::{Push, Realtime};
use super::store::{Batch, SentProof, Store, StoreError, Writer};

/// How long a webhook waits for its event to be committed before it is answered 503.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);
/// Events waiting for the writer, at most; more wait for room.
const QUEUE: usize = 4096;
/// Events written in one transaction, at most.
const BATCH: usize = 512;

/// Why an event was not stored (the router answers 503 and the server's copy is not lost to a
/// 200).
#[derive(Debug)]
pub enum IngestError {
    /// The writer did not commit it within the deadline.
    Overloaded(Duration),
    /// The database refused the write (the writer logs why).
    Store,
    /// The writer is gone (the backend is shutting down).
    Closed,
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Overloaded(deadline) => write!(
                f,
                "the store is behind: the event was not committed within {deadline:?}"
            ),
            Self::Store => f.write_str("the store failed to write the event"),
            Self::Closed => f.write_str("the store's writer has stopped"),
        }
    }
}

impl std::error::Error for IngestError {}

/// One event for the writer, and where to say it is committed.
struct Job {
    event: Arc<Event>,
    reply: Option<oneshot::Sender<Result<(), IngestError>>>,
}

/// The writer's loop, as handed to its thread.
type WriterTask = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// What to push to the browsers once a batch is committed.
struct Outgoing {
    session: String,
    push: Push,
}

/// The writer's inbox. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Ingest {
    jobs: mpsc::Sender<Job>,
    deadline: Duration,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("kind", &self.event.kind())
            .finish_non_exhaustive()
    }
}

impl Ingest {
    /// Starts the writer on a thread of its own (with its own single-threaded Tokio runtime), so
    /// that its round trips to the database are not queued behind the HTTP tasks; it ends when
    /// every `Ingest` is dropped. Falls back to a task on the current runtime if the thread
    /// cannot be started.
    pub fn start(store: Store, realtime: Realtime, deadline: Duration) -> Self {
        let (jobs, inbox) = mpsc::channel(QUEUE);
        let task = writer(store, realtime, inbox);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let thread = runtime.map_err(|e| e.to_string()).and_then(|runtime| {
            // the task is handed over once the thread runs, so it stays ours if it cannot start
            let (hand, take) = std::sync::mpsc::sync_channel::<WriterTask>(1);
            std::thread::Builder::new()
                .name("webhook-writer".to_owned())
                .spawn(move || {
                    if let Ok(task) = take.recv() {
                        runtime.block_on(task);
                    }
                })
                .map(|_| hand)
                .map_err(|e| e.to_string())
        });
        match thread {
            Ok(hand) => {
                let _ = hand.send(Box::pin(task));
            }
            Err(error) => {
                tracing::warn!(%error, "no thread for the webhook writer; it shares the server's");
                tokio::spawn(task);
            }
        }
        Self { jobs, deadline }
    }

    /// Stores the event (when it is worth storing) and returns once it is committed.
    ///
    /// # Errors
    /// [`IngestError`]: not committed within the deadline, a database failure, or the writer
    /// stopped. The event may still be committed later; storing is idempotent, so a resend is
    /// harmless.
    pub async fn submit(&self, event: Arc<Event>) -> Result<(), IngestError> {
        if !worth_storing(&event) {
            return Ok(());
        }
        let kind = event.kind();
        let (reply, committed) = oneshot::channel();
        let wait = async {
            let job = Job {
                event,
                reply: Some(reply),
            };
            self.jobs.send(job).await.map_err(|_| IngestError::Closed)?;
            committed.await.map_err(|_| IngestError::Closed)?
        };
        match tokio::time::timeout(self.deadline, wait).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(%kind, deadline = ?self.deadline, "the store is behind: webhook answered 503, the server may resend");
                Err(IngestError::Overloaded(self.deadline))
            }
        }
    }

    /// Queues an event without waiting for its commit (catch-up: nobody waits for an answer).
    /// Waits while the queue is full.
    pub(super) async fn enqueue(&self, event: Event) -> Result<(), IngestError> {
        let job = Job {
            event: Arc::new(event),
            reply: None,
        };
        self.jobs.send(job).await.map_err(|_| IngestError::Closed)
    }
}

/// Whether the backend stores anything for this kind of event (others are answered at once).
fn worth_storing(event: &Event) -> bool {
    matches!(
        event,
        Event::Message(_)
            | Event::SelfMessage(_)
            | Event::UnreadMessage(_)
            | Event::Ack(_)
            | Event::QrCode(_)
            | Event::PhoneCode(_)
            | Event::StatusFind(_)
            | Event::SessionClosed(_)
            | Event::LoggedOut(_)
    )
}

async fn writer(store: Store, realtime: Realtime, mut inbox: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(BATCH);
    let mut phones = HashMap::new();
    let mut store = store.writer();
    while inbox.recv_many(&mut jobs, BATCH).await > 0 {
        let started = std::time::Instant::now();
        let outcome = write(&mut store, &jobs, &mut phones).await;
        super::metrics::batch(started, jobs.len(), inbox.len(), outcome.is_ok());
        match outcome {
            Ok(pushes) => {
                answer(jobs.drain(..), true);
                emit(&realtime, pushes);
            }
            Err(WriteError::Event(error)) if jobs.len() > 1 => {
                // one event the database refuses must not sink the others: each on its own
                store.reset();
                tracing::warn!(%error, events = jobs.len(), "a batch failed; writing its events one by one");
                for job in jobs.drain(..) {
                    match write(&mut store, std::slice::from_ref(&job), &mut phones).await {
                        Ok(pushes) => {
                            answer(std::iter::once(job), true);
                            emit(&realtime, pushes);
                        }
                        Err(error) => {
                            store.reset();
                            tracing::error!(kind = %job.event.kind(), error = %error.inner(), "could not store a webhook event; answered 503");
                            answer(std::iter::once(job), false);
                        }
                    }
                }
            }
            Err(error) => {
                // the next batch starts on a fresh connection
                store.reset();
                tracing::error!(error = %error.inner(), events = jobs.len(), "could not store webhook events; answered 503");
                answer(jobs.drain(..), false);
            }
        }
    }
}

fn answer(jobs: impl Iterator<Item = Job>, stored: bool) {
    for job in jobs {
        if stored {
            super::metrics::stored(job.event.kind());
        }
        if let Some(reply) = job.reply {
            let _ = reply.send(if stored {
                Ok(())
            } else {
                Err(IngestError::Store)
            });
        }
    }
}

fn emit(realtime: &Realtime, pushes: Vec<Outgoing>) {
    if pushes.is_empty() || !realtime.is_heard() {
        return; // nobody listens: spare the serialising
    }
    for outgoing in pushes {
        realtime.push(&outgoing.session, &outgoing.push);
    }
}

/// Why a batch failed: the transaction itself (begin, commit), or one of its events.
enum WriteError {
    Transaction(StoreError),
    Event(StoreError),
}

impl WriteError {
    fn inner(&self) -> &StoreError {
        match self {
            Self::Transaction(error) | Self::Event(error) => error,
        }
    }
}

/// A contact's message that needs nothing but an insert: the common case, written in bulk.
fn plain_message(event: &Event) -> Option<(&str, &wppconnect_models::Message)> {
    match event {
        Event::Message(m) | Event::UnreadMessage(m) | Event::SelfMessage(m)
            if !m.is_ciphertext() && !m.is_from_me() =>
        {
            Some((m.session.as_ref()?.as_str(), m))
        }
        _ => None,
    }
}

/// Writes the jobs in one transaction: runs of plain messages of one session in a few
/// multi-row statements, anything else event by event, then what the messages taught about the
/// sessions' own numbers. `phones` holds the own numbers known to be stored, so the common batch
/// does not write them again.
async fn write(
    store: &mut Writer,
    jobs: &[Job],
    phones: &mut HashMap<String, String>,
) -> Result<Vec<Outgoing>, WriteError> {
    let mut batch = store.begin().await.map_err(WriteError::Transaction)?;
    let mut pushes = Vec::new();
    let mut own_numbers = BTreeMap::new();
    let mut rest = jobs;
    while let Some(first) = rest.first() {
        let Some((session, _)) = plain_message(&first.event) else {
            apply(&mut batch, &first.event, &mut pushes, &mut own_numbers)
                .await
                .map_err(WriteError::Event)?;
            rest = &rest[1..];
            continue;
        };
        let run = rest
            .iter()
            .take_while(|job| plain_message(&job.event).is_some_and(|(s, _)| s == session))
            .count();
        let messages: Vec<domain::Message> = rest[..run]
            .iter()
            .filter_map(|job| plain_message(&job.event))
            .map(|(_, m)| {
                learn_own_number(&mut own_numbers, session, m);
                domain::Message::from(m)
            })
            .collect();
        let stored = batch
            .insert_messages(session, &messages)
            .await
            .map_err(WriteError::Event)?;
        for message in stored.into_iter().flatten() {
            pushes.push(Outgoing {
                session: session.to_owned(),
                push: Push::new_message(message),
            });
        }
        rest = &rest[run..];
    }
    let mut known = Vec::new();
    for (session, phone) in own_numbers {
        if phones.get(&session) == Some(&phone) {
            continue;
        }
        // one query unless the number changes: a session not stored yet has no number to keep
        // (asked again next time), and one that has it already is left alone
        let Some(mut stored) = batch.session(&session).await.map_err(WriteError::Event)? else {
            continue;
        };
        if stored.phone_number.as_deref() != Some(phone.as_str()) {
            batch
                .set_phone_number(&session, &phone)
                .await
                .map_err(WriteError::Event)?;
            stored.phone_number = Some(phone.clone());
            pushes.push(Outgoing {
                session: session.clone(),
                push: Push::SessionStatus(stored),
            });
        }
        known.push((session, phone));
    }
    let log = super::relay::log::rows(pushes.iter().map(|o| (o.session.as_str(), &o.push)));
    batch.append_events(&log).await.map_err(WriteError::Event)?;
    batch.commit().await.map_err(WriteError::Transaction)?;
    phones.extend(known);
    Ok(pushes)
}

/// A contact's message is addressed to this session's own number.
fn learn_own_number(
    own_numbers: &mut BTreeMap<String, String>,
    session: &str,
    message: &wppconnect_models::Message,
) {
    let own = message
        .to
        .as_ref()
        .filter(|_| !message.is_from_me())
        .and_then(wppconnect_models::ChatId::phone_number);
    if let Some(own) = own {
        own_numbers.insert(session.to_owned(), own.digits().to_owned());
    }
}

/// One event into the batch; what to push once it commits goes to `pushes`.
async fn apply(
    batch: &mut Batch<'_>,
    event: &Event,
    pushes: &mut Vec<Outgoing>,
    own_numbers: &mut BTreeMap<String, String>,
) -> Result<(), StoreError> {
    let Some(session) = event.session().map(|s| s.as_str().to_owned()) else {
        tracing::warn!(kind = %event.kind(), "webhook event without a session; ignored");
        return Ok(());
    };
    let mut push = |push: Push| {
        pushes.push(Outgoing {
            session: session.clone(),
            push,
        });
    };
    match event {
        Event::Message(m) | Event::SelfMessage(m) | Event::UnreadMessage(m) => {
            if m.is_ciphertext() {
                return Ok(()); // the decrypted copy follows under the same id
            }
            let message = domain::Message::from(m.as_ref());
            if message.is_from_me && !batch.contains(&session, &message.id).await? {
                // the server's own copy of a send it answered with an error
                let proof = SentProof {
                    server_id: &message.id,
                    conversation_id: &message.conversation_id,
                    content: Some(&message.content),
                    timestamp: Some(message.timestamp),
                    status: message.status.at_least(MessageStatus::Sent),
                };
                if let Some((_, adopted)) = batch.adopt_failed_send(&session, &proof).await? {
                    tracing::info!(session, id = %adopted.id, "a send answered with an error was delivered after all");
                    push(Push::status_of(&adopted));
                }
            }
            if let Some(stored) = batch.insert_message(&session, &message).await? {
                push(Push::new_message(stored));
            }
            learn_own_number(own_numbers, &session, m);
        }
        Event::Ack(ack) => {
            let status = MessageStatus::from(ack.ack);
            let id = ack.id.as_str();
            if ack.id.from_me() == Some(true)
                && status != MessageStatus::Failed
                && !batch.contains(&session, id).await?
            {
                if let Some(chat) = ack.id.chat() {
                    let proof = SentProof {
                        server_id: id,
                        conversation_id: chat,
                        content: ack.body.as_deref(),
                        timestamp: ack.t.map(wppconnect_models::Seconds::get),
                        status,
                    };
                    if let Some((_, adopted)) = batch.adopt_failed_send(&session, &proof).await? {
                        tracing::info!(
                            session,
                            id,
                            "a send answered with an error was delivered after all"
                        );
                        push(Push::status_of(&adopted));
                        return Ok(());
                    }
                }
            }
            if let Some(message) = batch.apply_status(&session, id, status).await? {
                push(Push::status_of(&message));
            }
        }
        Event::QrCode(qr) => {
            let data_url = format!("data:image/png;base64,{}", qr.qrcode);
            let stored = batch
                .set_session(&session, SessionStatus::Connecting, Some(&data_url))
                .await?;
            push(Push::SessionStatus(stored));
        }
        Event::PhoneCode(code) => {
            let mut stored = batch
                .set_session(&session, SessionStatus::Connecting, None)
                .await?;
            // not stored: the server holds it while it is valid (`GET /api/sessions/{name}`)
            stored.phone_code = Some(code.phone_code.clone());
            push(Push::SessionStatus(stored));
        }
        Event::StatusFind(find) => {
            // browserClose (the page closed: auto-close of an unscanned start, or the server's
            // shutdown) and serverClose leave the session not running: disconnected
            let status = SessionStatus::from(&find.status);
            let current = batch.session(&session).await?;
            let qr = if status == SessionStatus::Connecting {
                current.as_ref().and_then(|s| s.qr_code.clone())
            } else {
                None
            };
            let unchanged = current
                .as_ref()
                .is_some_and(|s| s.status == status && s.qr_code == qr);
            if !unchanged {
                let stored = batch.set_session(&session, status, qr.as_deref()).await?;
                push(Push::SessionStatus(stored));
            }
        }
        Event::SessionClosed(_) | Event::LoggedOut(_) => {
            let stored = batch
                .set_session(&session, SessionStatus::Disconnected, None)
                .await?;
            push(Push::SessionStatus(stored));
        }
        other => tracing::debug!(kind = %other.kind(), session, "webhook event not stored"),
    }
    Ok(())
}
