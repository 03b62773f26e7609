//! Webhook events into the store, and out to the browser clients.
//!
//! The webhook router (in its `received` mode: it hands over the body unparsed, with the head it
//! read) awaits [`Ingest::submit_unparsed`] before it answers: a `200` means the event is
//! durable. Two ways, one guarantee:
//!
//! - **With the ingest journal** (the default for a SQLite database file, see
//!   [`journal`]): each handler appends the body to the journal (one `write`,
//!   under a lock that also keeps the events in the journal's order on their way to the
//!   indexer) and is answered (a message or an ack at once; a session's status, rare, once
//!   indexed); the events then go to the writer (the indexer), which gathers
//!   them for up to [`LINGER`], or for as long as a burst goes on (up to [`HOLD`], and while
//!   less than half the lag is waiting), and stores them in groups, with the journal position it reached
//!   in the same transaction, at a lower CPU priority than the HTTP threads. A burst is taken at
//!   the speed of an append; the tables, the pushes and the automatic replies follow once it
//!   ends (or the hold does), as the indexer catches up. A message or an ack is not even parsed on the request path: the
//!   indexer builds the typed event from the body on its own thread. Past [`LAG`] events not yet indexed, appending waits for the indexer
//!   (and webhooks wait, then get 503). After a crash, the records the indexer had not
//!   committed are replayed before anything new.
//! - **Without** (PostgreSQL, an in-memory database, `INGEST_JOURNAL=off`): handlers hand
//!   their event to the writer, which takes whatever has queued, writes it in one transaction
//!   (group commit) and answers each handler once it is committed.
//!
//! Then the writer pushes what changed to the browsers and publishes each stored event to the
//! hub (the automatic replies). When the journal or the writer falls
//! behind, handlers wait (the channel is full); past the deadline they give up with an error,
//! which the router answers `503`, so the server's event is never acknowledged and lost.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use wppconnect_models::domain::{self, MessageStatus, SessionStatus};
use wppconnect_models::{Event, EventKind, SessionName};
use wppconnect_webhook::{EventHub, Received};

use super::events::{Push, Realtime};
use super::journal::{self, Journal};
use super::store::{Batch, SentProof, Store, StoreError, Writer};

/// How long a webhook waits for its event to be committed before it is answered 503.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);
/// Events waiting for the writer, at most; more wait for room.
const QUEUE: usize = 4096;
/// Events written in one transaction, at most.
const BATCH: usize = 512;
/// Journal bytes one batch of the indexer reads back, at most (unless one record is larger):
/// a burst of inline media makes smaller batches, not one large read.
const RANGE_BYTES: u64 = 16 * 1024 * 1024;
/// Events journaled and handed to the indexer but not yet taken by it, at most (the channel
/// between them; during a burst the indexer takes up to half as many again, see [`HOLD`]);
/// with [`LAG_BYTES`], how far behind the index may fall before appending waits for it.
pub const LAG: usize = 65_536;
/// Bytes of bodies journaled but not yet indexed, at most, by default
/// ([`Journaled::with_lag_bytes`]): a burst of inline media is held to this, not to [`LAG`]
/// events.
pub const LAG_BYTES: usize = 256 * 1024 * 1024;
/// How long the indexer gathers journaled events before it indexes them (longer during a
/// burst, see [`HOLD`]; not at all when half the lag is waiting or a handler waits for its
/// event): fewer, larger transactions, and no wake-up per event.
pub const LINGER: Duration = Duration::from_millis(10);
/// The indexer's CPU priority, as a Unix nice value: the lowest, so that a burst is acknowledged
/// first and indexed as the CPU allows (Linux). It still gets a share when the CPU is busy, so a
/// transaction it holds open is not stalled for long.
const INDEXER_NICE: i32 = 19;
/// How long the indexer holds back while a burst of journaled events goes on, at most: the
/// HTTP threads keep the CPU to answer it, and the tables, the pushes and the automatic
/// replies trail it by up to this much. It ends sooner when half the journal's lag is waiting
/// or a handler waits for its event to be indexed (a session's status).
pub const HOLD: Duration = Duration::from_secs(1);
/// The events one [`LINGER`] must bring for the indexer to hold back ([`HOLD`]): 6,400 a second.
/// Fewer would cost the indexer a fraction of a core; those are indexed as they come.
pub const BURST: usize = 64;

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
    /// The body the router accepted does not parse (not expected; logged).
    Unreadable,
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
            Self::Unreadable => f.write_str("the webhook body does not parse"),
        }
    }
}

impl std::error::Error for IngestError {}

/// One event for the writer, and where to say it is committed.
struct Job {
    event: Arc<Event>,
    reply: Option<oneshot::Sender<Result<(), IngestError>>>,
    /// Where its journal record ends (journaled events).
    position: Option<u64>,
    /// Its share of the journal's lag in bytes, given back once it is indexed.
    _room: Option<tokio::sync::OwnedSemaphorePermit>,
    /// Published to the hub (the automatic replies) once committed: a webhook's event, not a
    /// catch-up's.
    publish: bool,
}

/// An event on its way to the writer: parsed by its handler, or only in the journal (a
/// journaled message or ack: the indexer reads its body back and parses it, off the request
/// path, and no copy of the body waits in memory meanwhile).
enum Payload {
    Parsed(Arc<Event>),
    Journaled,
}

/// A [`Job`] before its event is parsed: what goes through the writer's channel.
struct Submitted {
    payload: Payload,
    reply: Option<oneshot::Sender<Result<(), IngestError>>>,
    position: Option<u64>,
    room: Option<tokio::sync::OwnedSemaphorePermit>,
    publish: bool,
}

impl Submitted {
    /// The job, with its event: parsed on its request, or from its journal record (`read`:
    /// the event, or why its record does not parse; `None` when no record ends at its
    /// position). `None`, logged with its journal position, for a body that does not parse
    /// (not expected: the router accepted it). Such an event is not indexed; the next commit
    /// moves the journal's position past it.
    fn parse(self, read: Option<Result<Event, String>>) -> Option<Job> {
        let event = match (self.payload, read) {
            (Payload::Parsed(event), _) => event,
            (Payload::Journaled, Some(Ok(event))) => Arc::new(event),
            (Payload::Journaled, Some(Err(error))) => {
                tracing::error!(position = ?self.position, %error, "a journaled webhook body does not parse; not indexed");
                return None;
            }
            (Payload::Journaled, None) => {
                tracing::error!(position = ?self.position, "a journaled webhook's record is not in the journal; not indexed");
                return None;
            }
        };
        Some(Job {
            event,
            reply: self.reply,
            position: self.position,
            _room: self.room,
            publish: self.publish,
        })
    }
}

/// A journal record's position and its event (or why its body does not parse).
type ReadEvent = (u64, Result<Event, String>);

/// The typed event of a journal record, its session filled in from the record.
fn parse_record(record: journal::RecordRef<'_>) -> Result<Event, String> {
    let session = SessionName::new(record.session).map_err(|e| e.to_string())?;
    let mut event = Event::from_slice(record.body).map_err(|e| e.to_string())?;
    event.fill_session(&session);
    Ok(event)
}

/// The events of the journal records in `dir` that end at `positions` (in order), parsed
/// straight from the bytes read (the records ending after `from`, at or before `to`; the
/// others, a status parsed on its request, are passed over). A read that fails for another
/// reason than damage is tried again until it succeeds (on the blocking thread it runs on).
fn read_events(
    dir: &std::path::Path,
    from: u64,
    to: u64,
    positions: &[u64],
) -> Result<Vec<ReadEvent>, journal::JournalError> {
    loop {
        let mut events = Vec::with_capacity(positions.len());
        let mut wanted = positions.iter().copied().peekable();
        let read = journal::visit_range(dir, from, to, |record| {
            while wanted.next_if(|&p| p < record.position).is_some() {}
            if wanted.next_if(|&p| p == record.position).is_some() {
                events.push((record.position, parse_record(record)));
            }
        });
        match read {
            Ok(()) => return Ok(events),
            // not the bytes that were appended (damaged, cut, gone): nothing to wait for
            Err(error) if error.is_damage() => return Err(error),
            // anything else (out of file handles, an I/O error) may pass: the events are
            // acknowledged, so they are read again, never dropped
            Err(error) => {
                tracing::error!(
                    error = &error as &dyn std::error::Error,
                    "could not read journaled webhooks back; trying again"
                );
                std::thread::sleep(RETRY);
            }
        }
    }
}

/// The jobs of a batch, the bodies of its journaled events read back from the journal in `dir`
/// (the records ending after `from`, at or before `to`) and parsed from the bytes read.
///
/// # Errors
/// The journal's bytes there are not what was appended ([`journal::JournalError::is_damage`]).
fn parse_batch(
    dir: &std::path::Path,
    from: u64,
    to: u64,
    batch: Vec<Submitted>,
) -> Result<Vec<Job>, journal::JournalError> {
    let positions: Vec<u64> = batch
        .iter()
        .filter(|job| matches!(job.payload, Payload::Journaled))
        .filter_map(|job| job.position)
        .collect();
    let events = if positions.is_empty() {
        Vec::new()
    } else {
        read_events(dir, from, to, &positions)?
    };
    let mut events = events.into_iter().peekable();
    Ok(batch
        .into_iter()
        .filter_map(|job| {
            let read = match (&job.payload, job.position) {
                (Payload::Journaled, Some(position)) => {
                    while events.next_if(|(p, _)| *p < position).is_some() {}
                    events
                        .next_if(|(p, _)| *p == position)
                        .map(|(_, event)| event)
                }
                _ => None,
            };
            job.parse(read)
        })
        .collect())
}

/// The writer's loop, as handed to its thread.
type WriterTask = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// What to push to the browsers once a batch is committed.
struct Outgoing {
    session: String,
    push: Push,
}

/// The writer's inbox, and the journal when there is one. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Ingest {
    jobs: mpsc::Sender<Submitted>,
    journal: Option<Arc<Appender>>,
    deadline: Duration,
}

/// An open journal, shared by the handlers of one backend; empty once a newer backend of this
/// process took it over.
type Slot = Arc<std::sync::Mutex<Option<Journal>>>;
/// A [`Slot`] the process registry keeps without keeping it open.
type WeakSlot = std::sync::Weak<std::sync::Mutex<Option<Journal>>>;

/// The journal as the handlers share it: appended to under its lock, with how far the indexer
/// has committed (segments before it are deleted).
#[derive(Debug)]
struct Appender {
    journal: Slot,
    indexed: Arc<AtomicU64>,
    room: Room,
}

/// The journal's lag in bytes, in KiB: each body takes its share until it is indexed.
#[derive(Debug, Clone)]
struct Room {
    free: Arc<tokio::sync::Semaphore>,
    /// All of it: a body larger takes it all.
    kib: usize,
}

/// A journal for [`Ingest::start_journaled`]: opened, with its directory's id.
#[derive(Debug)]
pub struct Journaled {
    journal: Slot,
    name: String,
    dir: std::path::PathBuf,
    end: u64,
    lag_bytes: usize,
}

/// The journals this process has open, by directory: a second backend over the same directory
/// in one process (a restart in a test, an embedding program's new instance) takes the journal
/// over from the first, whose handlers then answer 503, instead of failing on the journal's
/// lock that the first still holds.
static OPEN: std::sync::Mutex<Vec<(std::path::PathBuf, WeakSlot)>> =
    std::sync::Mutex::new(Vec::new());

impl Journaled {
    /// The journal in `dir`, opened (created when missing; see [`Journal::open`]), or taken
    /// over from an earlier backend of this process.
    ///
    /// # Errors
    /// [`journal::JournalError`].
    pub fn open(dir: &std::path::Path, sync: bool) -> Result<Self, journal::JournalError> {
        let mut open = OPEN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        open.retain(|(_, slot)| slot.strong_count() > 0);
        let dir = std::fs::create_dir_all(dir)
            .and_then(|()| dir.canonicalize())
            .unwrap_or_else(|_| dir.to_owned());
        let earlier = open
            .iter()
            .find(|(path, _)| *path == dir)
            .and_then(|(_, slot)| slot.upgrade())
            .and_then(|slot| {
                slot.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take()
            });
        let journal = match earlier {
            Some(journal) => {
                tracing::info!(journal = %dir.display(), "the ingest journal is taken over from an earlier backend of this process");
                journal
            }
            None => Journal::open(&dir, sync)?,
        };
        let (name, end) = (journal.id().to_owned(), journal.end());
        let slot = Arc::new(std::sync::Mutex::new(Some(journal)));
        open.retain(|(path, _)| *path != dir);
        open.push((dir.clone(), Arc::downgrade(&slot)));
        Ok(Self {
            journal: slot,
            name,
            dir,
            end,
            lag_bytes: LAG_BYTES,
        })
    }

    /// Bodies journaled but not yet indexed, at most (default [`LAG_BYTES`], at least 1 KiB):
    /// past it, a webhook waits for the indexer, and past the ingest deadline gets `503`.
    #[must_use]
    pub fn with_lag_bytes(self, bytes: usize) -> Self {
        Self {
            lag_bytes: bytes.max(1024),
            ..self
        }
    }
}

impl Ingest {
    /// Starts the writer on a thread of its own (with its own single-threaded Tokio runtime), so
    /// that its round trips to the database are not queued behind the HTTP tasks; it ends when
    /// every `Ingest` is dropped. Falls back to a task on the current runtime if the thread
    /// cannot be started.
    ///
    /// Each stored webhook event is published to `hub` once it is committed (the kinds the
    /// backend stores: messages, acks, session statuses; not presences, reactions and the like).
    pub fn start(store: Store, realtime: Realtime, hub: EventHub, deadline: Duration) -> Self {
        let (jobs, inbox) = mpsc::channel(QUEUE);
        let sinks = Sinks { realtime, hub };
        let task = writer(store.writer(), sinks, inbox, None);
        spawn_writer(Box::pin(task), false);
        Self {
            jobs,
            journal: None,
            deadline,
        }
    }

    /// Appends webhooks to the journal, and starts the writer as the journal's indexer (on a
    /// connection of its own, at a lower CPU priority), which first replays what the journal
    /// holds beyond the position the store last committed. Each stored webhook event is published
    /// to `hub` once it is indexed, as with [`Ingest::start`].
    pub fn start_journaled(
        store: Store,
        realtime: Realtime,
        hub: EventHub,
        deadline: Duration,
        journaled: Journaled,
    ) -> Self {
        let (jobs, inbox) = mpsc::channel(LAG);
        let indexed = Arc::new(AtomicU64::new(0));
        let Journaled {
            journal,
            name,
            dir,
            end,
            lag_bytes,
        } = journaled;
        let room = Room {
            free: Arc::new(tokio::sync::Semaphore::new(lag_bytes / 1024)),
            kib: lag_bytes / 1024,
        };
        let replay = Replay {
            dir,
            end,
            name,
            indexed: indexed.clone(),
            room: room.clone(),
            journal: Arc::downgrade(&journal),
        };
        let appender = Appender {
            journal,
            indexed,
            room: room.clone(),
        };
        let task = async move {
            lower_priority();
            let mut store_writer = store.own_writer();
            let sinks = Sinks { realtime, hub };
            replay.run(&mut store_writer, &store, &sinks).await;
            writer(store_writer, sinks, inbox, Some(replay)).await;
        };
        spawn_writer(Box::pin(task), true);
        Self {
            jobs,
            journal: Some(Arc::new(appender)),
            deadline,
        }
    }

    /// Stores the event with the body it was parsed from: appended to the journal when there
    /// is one (the body as posted, no serialising), else committed to the store; returns once
    /// it is durable.
    ///
    /// # Errors
    /// [`IngestError`], as for [`Ingest::submit`].
    pub async fn submit_received(&self, event: Arc<Event>, body: Bytes) -> Result<(), IngestError> {
        let Some(journal) = &self.journal else {
            return self.submit(event).await;
        };
        if !worth_storing(&event) {
            return Ok(());
        }
        let Some(session) = event.session().cloned() else {
            tracing::warn!(kind = %event.kind(), "webhook event without a session; ignored");
            return Ok(());
        };
        // a session's status (rare) is answered once indexed, as without the journal: what the
        // handler does next (the healer's marks, their push) reads it from the store
        let indexed = !is_message_kind(event.kind());
        let kind = event.kind();
        self.append(
            journal,
            &session,
            &body,
            kind,
            Payload::Parsed(event),
            indexed,
        )
        .await
    }

    /// Journals a message or an ack **unparsed** (the body as posted, with the head the router
    /// read of it) and returns once it is appended: the typed parse happens on the indexer's
    /// thread. Without a journal, or for any other kind of event, parses it here and does what
    /// [`Ingest::submit_received`] does. Returns the event when it was parsed here.
    ///
    /// # Errors
    /// [`IngestError`], as for [`Ingest::submit_received`]; [`IngestError::Unreadable`] for a
    /// body that does not parse (not expected of one the router accepted).
    pub async fn submit_unparsed(
        &self,
        received: &Received,
    ) -> Result<Option<Arc<Event>>, IngestError> {
        match (&self.journal, received.session()) {
            (Some(journal), Some(session)) if is_message_kind(received.kind()) => {
                // only the journal keeps the body: held in memory until the indexer takes it,
                // the body as received would pin the connection's read buffer (and make it
                // allocate another), and a copy would cost the request its allocation
                let payload = Payload::Journaled;
                let kind = received.kind();
                self.append(journal, session, received.body(), kind, payload, false)
                    .await?;
                Ok(None)
            }
            _ => {
                let event = Arc::new(received.event().map_err(|error| {
                    tracing::error!(kind = %received.kind(), %error, "an accepted webhook body does not parse; answered 503");
                    IngestError::Unreadable
                })?);
                self.submit_received(event.clone(), received.body().clone())
                    .await?;
                Ok(Some(event))
            }
        }
    }

    /// Appends a body to the journal and hands its event to the indexer; returns once appended
    /// (or, with `indexed`, once indexed).
    async fn append(
        &self,
        journal: &Appender,
        session: &SessionName,
        body: &[u8],
        kind: EventKind,
        payload: Payload,
        indexed: bool,
    ) -> Result<(), IngestError> {
        let wait = async {
            // room at the indexer first (when it is `LAG` events behind, this waits), then the
            // append and the hand-over under the journal's lock: the journal's order is the
            // indexer's, so the position it commits covers every record before it
            let kib = (body.len() / 1024 + 1).min(journal.room.kib);
            let kib = u32::try_from(kib).unwrap_or(u32::MAX);
            let room = journal
                .room
                .free
                .clone()
                .acquire_many_owned(kib)
                .await
                .map_err(|_| IngestError::Closed)?;
            let permit = self.jobs.reserve().await.map_err(|_| IngestError::Closed)?;
            let (reply, done) = if indexed {
                let (reply, done) = oneshot::channel();
                (Some(reply), Some(done))
            } else {
                (None, None)
            };
            {
                let mut locked = journal
                    .journal
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let Some(open) = locked.as_mut() else {
                    tracing::warn!(%kind, "the ingest journal was taken over by a newer backend in this process; answered 503");
                    return Err(IngestError::Closed);
                };
                let appended = open.append([(session.as_str(), body)]);
                let position = match appended.map(|positions| positions.first().copied()) {
                    Ok(Some(position)) => position,
                    Ok(None) => return Err(IngestError::Store),
                    Err(error) => {
                        tracing::error!(error = &error as &dyn std::error::Error, %kind, "could not append a webhook event to the journal; answered 503");
                        return Err(IngestError::Store);
                    }
                };
                permit.send(Submitted {
                    payload,
                    reply,
                    position: Some(position),
                    room: Some(room),
                    publish: true,
                });
                open.forget_before(journal.indexed.load(Ordering::Acquire));
            }
            match done {
                Some(done) => done.await.map_err(|_| IngestError::Closed)?,
                None => Ok(()),
            }
        };
        match tokio::time::timeout(self.deadline, wait).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(%kind, deadline = ?self.deadline, "the journal is behind: webhook answered 503, the server may resend");
                Err(IngestError::Overloaded(self.deadline))
            }
        }
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
            let job = Submitted {
                payload: Payload::Parsed(event),
                reply: Some(reply),
                position: None,
                room: None,
                publish: true,
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
        let job = Submitted {
            payload: Payload::Parsed(Arc::new(event)),
            reply: None,
            position: None,
            room: None,
            publish: false,
        };
        self.jobs.send(job).await.map_err(|_| IngestError::Closed)
    }
}

/// A message or an ack: what a journaled webhook is answered for once appended.
fn is_message_kind(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Message | EventKind::SelfMessage | EventKind::UnreadMessage | EventKind::Ack
    )
}

/// Where the writer sends what it committed: the browsers, and the hub's handlers.
struct Sinks {
    realtime: Realtime,
    hub: EventHub,
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

/// Runs the writer's task on a thread of its own (with its own single-threaded Tokio runtime),
/// so that its round trips to the database are not queued behind the HTTP tasks; falls back to
/// a task on the current runtime if the thread cannot be started.
fn spawn_writer(task: WriterTask, indexer: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let name = if indexer {
        "ingest-indexer"
    } else {
        "webhook-writer"
    };
    let thread = runtime.map_err(|e| e.to_string()).and_then(|runtime| {
        // the task is handed over once the thread runs, so it stays ours if it cannot start
        let (hand, take) = std::sync::mpsc::sync_channel::<WriterTask>(1);
        std::thread::Builder::new()
            .name(name.to_owned())
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
            let _ = hand.send(task);
        }
        Err(error) => {
            tracing::warn!(%error, "no thread for the webhook writer; it shares the server's");
            tokio::spawn(task);
        }
    }
}

/// Lowers the calling thread's CPU priority to [`INDEXER_NICE`] (Linux; threads it starts
/// afterwards, such as SQLite's connection thread, inherit it).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Err(error) =
        rustix::process::setpriority_process(Some(rustix::thread::gettid()), INDEXER_NICE)
    {
        tracing::debug!(%error, "the indexer keeps the default CPU priority");
    }
}

/// What the indexer needs of the journal: where to replay from, and where to say how far it
/// has committed.
struct Replay {
    dir: std::path::PathBuf,
    /// The journal's end when it opened: the replay stops there (what follows comes through the
    /// channel).
    end: u64,
    /// The journal's id, the key of its position in the store.
    name: String,
    indexed: Arc<AtomicU64>,
    /// The lag in bytes, as the handlers take it.
    room: Room,
    /// The journal as the handlers append to it: emptied when a newer backend of this process
    /// takes it over.
    journal: WeakSlot,
}

impl Replay {
    /// Stores the journal's records beyond the store's position for it, in order, before
    /// anything new.
    async fn run(&self, writer: &mut Writer, store: &Store, sinks: &Sinks) {
        let from = loop {
            match store.journal_cursor(&self.name).await {
                Ok(from) => break from,
                Err(error) => {
                    tracing::error!(
                        error = &error as &dyn std::error::Error,
                        "cannot read the journal's position; trying again"
                    );
                    tokio::time::sleep(RETRY).await;
                }
            }
        };
        self.indexed.store(from, Ordering::Release);
        if from >= self.end {
            return;
        }
        let records = match journal::read_between(&self.dir, from, self.end) {
            Ok(records) => records,
            Err(error) => {
                tracing::error!(
                    error = &error as &dyn std::error::Error,
                    "cannot read the journal back: its events are not indexed"
                );
                return;
            }
        };
        tracing::info!(
            events = records.len(),
            "replaying the journal's events the store had not committed"
        );
        let mut phones = HashMap::new();
        let mut jobs: Vec<Job> = Vec::with_capacity(BATCH);
        let mut records = records.into_iter().peekable();
        while records.peek().is_some() {
            jobs.extend(records.by_ref().take(BATCH).filter_map(|r| {
                let position = r.position;
                record_event(r).map(|event| Job {
                    event: Arc::new(event),
                    reply: None,
                    position: Some(position),
                    _room: None,
                    publish: true,
                })
            }));
            index(writer, &mut jobs, &mut phones, sinks, Some(self), 0).await;
        }
    }
}

/// A journal record's event, parsed again (with the session it was posted for); `None`, logged,
/// for one that does not parse (it did when it was appended).
fn record_event(record: journal::Record) -> Option<Event> {
    let parsed = parse_record(journal::RecordRef {
        position: record.position,
        session: &record.session,
        body: &record.body,
    });
    match parsed {
        Ok(event) => Some(event),
        Err(error) => {
            tracing::error!(position = record.position, %error, "a journal record does not parse; skipped");
            None
        }
    }
}

/// The pause before a failed transaction of journaled events is tried again.
const RETRY: Duration = Duration::from_millis(200);

async fn writer(
    store: Writer,
    sinks: Sinks,
    inbox: mpsc::Receiver<Submitted>,
    replay: Option<Replay>,
) {
    match replay {
        None => committer(store, sinks, inbox).await,
        Some(replay) => indexer(store, sinks, inbox, replay).await,
    }
}

/// The writer without a journal: each handler waits for its commit, so it takes whatever has
/// queued meanwhile and commits it at once (group commit).
async fn committer(mut store: Writer, sinks: Sinks, mut inbox: mpsc::Receiver<Submitted>) {
    let mut submitted = Vec::with_capacity(BATCH);
    let mut jobs = Vec::with_capacity(BATCH);
    let mut phones = HashMap::new();
    while inbox.recv_many(&mut submitted, BATCH).await > 0 {
        jobs.extend(submitted.drain(..).filter_map(|job| job.parse(None)));
        if !jobs.is_empty() {
            let queued = inbox.len();
            index(&mut store, &mut jobs, &mut phones, &sinks, None, queued).await;
        }
    }
}

/// The journal's indexer, in two stages: one gathers the events (for up to [`LINGER`], or
/// while a burst goes on: [`hold`]) and has
/// the bodies that came unparsed parsed on a blocking thread, a batch ahead of the other, which
/// writes them. After a burst, parsing and writing run side by side on two cores.
async fn indexer(
    mut store: Writer,
    sinks: Sinks,
    mut inbox: mpsc::Receiver<Submitted>,
    replay: Replay,
) {
    let (parsed, mut to_write) = mpsc::channel::<(Vec<Job>, usize)>(1);
    let room = replay.room.clone();
    // where the next batch's records start in the journal: after the replayed ones
    let (dir, mut cursor) = (replay.dir.clone(), replay.end);
    let journal = replay.journal.clone();
    let gather = async move {
        let mut submitted = Vec::with_capacity(BATCH);
        while inbox.recv_many(&mut submitted, BATCH).await > 0 {
            hold(&mut inbox, &mut submitted, &room).await;
            let mut held = std::mem::take(&mut submitted).into_iter().peekable();
            loop {
                let batch = next_batch(&mut held, cursor);
                if batch.is_empty() {
                    break;
                }
                if taken_over(&journal) {
                    // a newer backend of this process replays what this one had not committed
                    // (its handlers answer 503 meanwhile): indexing it here too would push and
                    // publish it twice
                    tracing::info!(
                        "the ingest journal was taken over; this backend's indexer stops"
                    );
                    return;
                }
                let from = cursor;
                cursor = batch
                    .iter()
                    .filter_map(|job| job.position)
                    .fold(cursor, u64::max);
                let (to, dir) = (cursor, dir.clone());
                let parsing =
                    tokio::task::spawn_blocking(move || parse_batch(&dir, from, to, batch));
                let jobs = match parsing.await {
                    Ok(Ok(jobs)) => jobs,
                    Ok(Err(error)) => {
                        // the journal's bytes are not what was appended: stop, as below; a
                        // restart replays from the last committed position
                        tracing::error!(
                            error = &error as &dyn std::error::Error,
                            "journaled webhooks cannot be read back; the indexer stops"
                        );
                        return;
                    }
                    Err(error) => {
                        // the runtime is shutting down, or the parse panicked (it is not known
                        // to): stop here, so that no later batch commits a journal position past
                        // this one's events, which a restart then replays; meanwhile webhooks get
                        // 503 (the writer is gone), never a 200 for what is not kept
                        tracing::error!(%error, "parsing a batch of journaled webhooks failed; the indexer stops");
                        return;
                    }
                };
                if parsed.send((jobs, inbox.len() + held.len())).await.is_err() {
                    return;
                }
            }
        }
    };
    let write = async move {
        let mut phones = HashMap::new();
        while let Some((mut jobs, queued)) = to_write.recv().await {
            if !jobs.is_empty() {
                let replay = Some(&replay);
                index(&mut store, &mut jobs, &mut phones, &sinks, replay, queued).await;
            }
        }
    };
    tokio::join!(gather, write);
}

/// The next batch of the held events: up to [`BATCH`] events and up to [`RANGE_BYTES`] of the
/// journal past `from` (at least one event, however large).
fn next_batch(
    held: &mut std::iter::Peekable<std::vec::IntoIter<Submitted>>,
    from: u64,
) -> Vec<Submitted> {
    let mut batch = Vec::with_capacity(BATCH.min(held.len()));
    let fits = |job: &Submitted| {
        job.position
            .is_none_or(|end| end.saturating_sub(from) <= RANGE_BYTES)
    };
    while batch.len() < BATCH {
        match held.next_if(|job| batch.is_empty() || fits(job)) {
            Some(job) => batch.push(job),
            None => break,
        }
    }
    batch
}

/// Whether a newer backend of this process has taken the journal over (its slot is empty; a
/// slot that is gone is a backend that stopped, whose last events are still indexed).
fn taken_over(journal: &WeakSlot) -> bool {
    journal.upgrade().is_some_and(|slot| {
        slot.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_none()
    })
}

/// Gathers the events that follow `submitted` for one [`LINGER`], and for as long as a burst
/// goes on (each [`LINGER`] brings [`BURST`] events or more), so that the indexer does not take
/// CPU time from the HTTP threads answering it. Holds for up to [`HOLD`], and only while less
/// than half the journal's lag (in events and in bytes) is taken and no handler waits for one
/// of these events to be indexed (a session's status); then the indexer catches up with all of
/// it at once. A steadier flow than a burst is indexed every [`LINGER`], as it comes.
async fn hold(inbox: &mut mpsc::Receiver<Submitted>, submitted: &mut Vec<Submitted>, room: &Room) {
    let started = tokio::time::Instant::now();
    let mut seen = 0;
    loop {
        let waited = submitted[seen..].iter().any(|job| job.reply.is_some());
        seen = submitted.len();
        let full = seen + inbox.len() >= LAG / 2 || room.free.available_permits() < room.kib / 2;
        if waited || full || started.elapsed() >= HOLD {
            return;
        }
        tokio::time::sleep(LINGER).await;
        while submitted.len() < LAG / 2 {
            match inbox.try_recv() {
                Ok(job) => submitted.push(job),
                Err(_) => break,
            }
        }
        if submitted.len() - seen < BURST {
            return;
        }
    }
}

/// Writes the jobs (and drains them): in one transaction, or one by one when one event sinks
/// the batch. A journaled event is already acknowledged: a failed transaction is tried again
/// until it commits, never dropped.
async fn index(
    store: &mut Writer,
    jobs: &mut Vec<Job>,
    phones: &mut HashMap<String, String>,
    sinks: &Sinks,
    replay: Option<&Replay>,
    queued: usize,
) {
    let cursor = replay.map(|r| r.name.as_str());
    loop {
        let started = std::time::Instant::now();
        let outcome = write(store, jobs, phones, cursor).await;
        super::metrics::batch(started, jobs.len(), queued, outcome.is_ok());
        match outcome {
            Ok(pushes) => {
                committed(replay, jobs);
                answer(jobs.drain(..), true, &sinks.hub);
                emit(&sinks.realtime, pushes);
                return;
            }
            Err(WriteError::Event(error)) if jobs.len() > 1 => {
                // one event the database refuses must not sink the others: each on its own
                store.reset();
                tracing::warn!(
                    error = &error as &dyn std::error::Error,
                    events = jobs.len(),
                    "a batch failed; writing its events one by one"
                );
                for job in jobs.drain(..) {
                    let one = std::slice::from_ref(&job);
                    loop {
                        match write(store, one, phones, cursor).await {
                            Ok(pushes) => {
                                committed(replay, one);
                                answer(std::iter::once(job), true, &sinks.hub);
                                emit(&sinks.realtime, pushes);
                            }
                            Err(WriteError::Transaction(error)) if job.position.is_some() => {
                                store.reset();
                                tracing::error!(
                                    error = &error as &dyn std::error::Error,
                                    "could not commit a journaled event; trying again"
                                );
                                tokio::time::sleep(RETRY).await;
                                continue;
                            }
                            Err(error) => {
                                store.reset();
                                refused(&job, error.inner());
                                answer(std::iter::once(job), false, &sinks.hub);
                            }
                        }
                        break;
                    }
                }
                return;
            }
            Err(WriteError::Transaction(error)) if jobs.iter().any(|j| j.position.is_some()) => {
                store.reset();
                tracing::error!(
                    error = &error as &dyn std::error::Error,
                    events = jobs.len(),
                    "could not commit journaled events; trying again"
                );
                tokio::time::sleep(RETRY).await;
            }
            Err(error) => {
                // the next batch starts on a fresh connection
                store.reset();
                match jobs.as_slice() {
                    [job] => refused(job, error.inner()),
                    _ => {
                        tracing::error!(
                            error = error.inner() as &dyn std::error::Error,
                            events = jobs.len(),
                            "could not store webhook events; answered 503"
                        )
                    }
                }
                answer(jobs.drain(..), false, &sinks.hub);
                return;
            }
        }
    }
}

/// Logs an event the database refused: answered 503 when its webhook waits, kept in the
/// journal (at its position) when it was journaled.
fn refused(job: &Job, error: &StoreError) {
    match job.position {
        Some(position) => {
            tracing::error!(kind = %job.event.kind(), position, error = error as &dyn std::error::Error, "the store refused a journaled event; it stays in the journal")
        }
        None => {
            tracing::error!(kind = %job.event.kind(), error = error as &dyn std::error::Error, "could not store a webhook event; answered 503")
        }
    }
}

/// Tells the journal how far the committed jobs reach, so that it may delete what is indexed.
fn committed(replay: Option<&Replay>, jobs: &[Job]) {
    if let (Some(replay), Some(position)) = (replay, jobs.iter().filter_map(|j| j.position).max()) {
        replay.indexed.fetch_max(position, Ordering::AcqRel);
    }
}

/// Answers the handlers that wait, and publishes each stored webhook event to the hub (its
/// handlers, the automatic replies among them, see it once it is in the store).
fn answer(jobs: impl Iterator<Item = Job>, stored: bool, hub: &EventHub) {
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
        if stored && job.publish {
            hub.publish_shared(job.event);
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
    cursor: Option<&str>,
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
    if let (Some(name), Some(position)) = (cursor, jobs.iter().filter_map(|j| j.position).max()) {
        batch
            .set_journal_cursor(name, position)
            .await
            .map_err(WriteError::Transaction)?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A journaled message on its way to the indexer; `waited` when its handler waits for the
    /// index (a session's status).
    fn submitted(waited: bool) -> Submitted {
        Submitted {
            payload: Payload::Journaled,
            reply: waited.then(|| oneshot::channel().0),
            position: Some(0),
            room: None,
            publish: true,
        }
    }

    #[test]
    fn a_batch_takes_its_bodies_back_from_the_journal_by_position() {
        let dir = std::env::temp_dir().join(format!("wpp-ingest-batch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut journal = Journal::open(&dir, false).unwrap();
        let from = journal.end();
        let message = |id: &str| {
            format!(r#"{{"event":"onmessage","id":"{id}","type":"chat","body":"hi {id}"}}"#)
        };
        let status = r#"{"event":"status-find","session":"main","status":"browserClose"}"#;
        let positions = journal
            .append([
                ("main", message("one").as_bytes()),
                ("main", status.as_bytes()),
                ("loja", message("two").as_bytes()),
            ])
            .unwrap();
        let job = |payload, position| Submitted {
            payload,
            reply: None,
            position: Some(position),
            room: None,
            publish: true,
        };
        let parsed = Arc::new(Event::from_slice(status.as_bytes()).unwrap());
        let batch = vec![
            job(Payload::Journaled, positions[0]),
            job(Payload::Parsed(parsed.clone()), positions[1]),
            // a position where no record ends: not indexed, the others are
            job(Payload::Journaled, positions[2] - 1),
            job(Payload::Journaled, positions[2]),
        ];
        let jobs = parse_batch(&dir, from, positions[2], batch).unwrap();
        let got: Vec<_> = jobs
            .iter()
            .map(|job| match &*job.event {
                Event::Message(m) => (m.id.as_str().to_owned(), m.session.clone()),
                other => (other.kind().to_string(), None),
            })
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, "one");
        assert_eq!(got[0].1.as_ref().map(|s| s.as_str()), Some("main"));
        assert!(Arc::ptr_eq(&jobs[1].event, &parsed));
        assert_eq!(got[2].0, "two");
        assert_eq!(got[2].1.as_ref().map(|s| s.as_str()), Some("loja"));

        // the journal changed under the backend: an error, so that the indexer stops
        let batch = vec![job(Payload::Journaled, positions[2] + 100)];
        assert!(parse_batch(&dir, positions[2], positions[2] + 100, batch).is_err());
        drop(journal);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_batch_is_bounded_in_events_and_in_journal_bytes() {
        let at = |position| Submitted {
            position: Some(position),
            ..submitted(false)
        };
        // small events: BATCH of them
        let mut held = (1..=BATCH as u64 + 3)
            .map(|i| at(i * 2_000))
            .collect::<Vec<_>>()
            .into_iter()
            .peekable();
        assert_eq!(next_batch(&mut held, 0).len(), BATCH);
        assert_eq!(next_batch(&mut held, BATCH as u64 * 2_000).len(), 3);
        assert!(next_batch(&mut held, 0).is_empty());
        // 5 MiB media bodies: as many as fit in RANGE_BYTES, and one alone when it is larger
        let mib = 1024 * 1024;
        let ends = [5 * mib, 10 * mib, 15 * mib, 20 * mib, 60 * mib, 61 * mib];
        let mut held = ends
            .map(at)
            .into_iter()
            .collect::<Vec<_>>()
            .into_iter()
            .peekable();
        assert_eq!(next_batch(&mut held, 0).len(), 3);
        assert_eq!(next_batch(&mut held, 15 * mib).len(), 1);
        assert_eq!(
            next_batch(&mut held, 20 * mib).len(),
            1,
            "larger than the range: alone"
        );
        assert_eq!(next_batch(&mut held, 60 * mib).len(), 1);
    }

    #[test]
    fn an_indexer_stops_only_when_a_newer_backend_took_its_journal_over() {
        let dir = std::env::temp_dir().join(format!("wpp-ingest-over-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = Journaled::open(&dir, false).unwrap();
        let slot = Arc::downgrade(&first.journal);
        assert!(!taken_over(&slot), "still its own");
        let second = Journaled::open(&dir, false).unwrap();
        assert!(taken_over(&slot), "taken over by the second");
        assert!(!taken_over(&Arc::downgrade(&second.journal)));
        // a backend that stopped (its slot gone) still indexes what it was handed
        let third = Journaled::open(&dir, false).unwrap();
        drop(second);
        let gone = Arc::downgrade(&third.journal);
        drop(third);
        assert!(!taken_over(&gone));
        drop(first);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn room(kib: usize, taken: u32) -> Room {
        let free = Arc::new(tokio::sync::Semaphore::new(kib));
        free.clone().try_acquire_many_owned(taken).unwrap().forget();
        Room { free, kib }
    }

    /// The indexer's inbox, fed `events` every half [`LINGER`] without end (until the task is
    /// aborted).
    fn flow(events: usize) -> (mpsc::Receiver<Submitted>, tokio::task::JoinHandle<()>) {
        let (sender, inbox) = mpsc::channel(LAG);
        let task = tokio::spawn(async move {
            loop {
                for _ in 0..events {
                    if sender.send(submitted(false)).await.is_err() {
                        return;
                    }
                }
                tokio::time::sleep(LINGER / 2).await;
            }
        });
        (inbox, task)
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_is_held_while_it_goes_on_for_up_to_the_hold() {
        // a burst's worth every half linger: the burst never pauses
        let (mut inbox, burst) = flow(BURST);
        let mut taken = vec![inbox.recv().await.unwrap()];
        let started = tokio::time::Instant::now();
        hold(&mut inbox, &mut taken, &room(1024, 0)).await;
        let held = started.elapsed();
        burst.abort();
        assert!(held >= HOLD, "held only {held:?}");
        assert!(held < HOLD + LINGER * 2, "held {held:?}");
        // every event of the burst so far, in one go for the indexer
        let ticks = (HOLD.as_millis() / (LINGER / 2).as_millis()) as usize;
        let expected = (ticks - 2) * BURST;
        assert!(taken.len() >= expected, "{} taken", taken.len());
        assert!(inbox.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_steady_flow_below_a_burst_is_indexed_every_linger() {
        let (mut inbox, flow) = flow(BURST / 4);
        let mut taken = vec![inbox.recv().await.unwrap()];
        let started = tokio::time::Instant::now();
        hold(&mut inbox, &mut taken, &room(1024, 0)).await;
        flow.abort();
        assert_eq!(started.elapsed(), LINGER);
        assert!(taken.len() < BURST, "{} taken", taken.len());
    }

    #[tokio::test(start_paused = true)]
    async fn a_lull_of_one_linger_lets_the_indexer_go() {
        let (sender, mut inbox) = mpsc::channel(LAG);
        for _ in 0..3 {
            sender.send(submitted(false)).await.unwrap();
        }
        let mut taken = vec![inbox.recv().await.unwrap()];
        let started = tokio::time::Instant::now();
        hold(&mut inbox, &mut taken, &room(1024, 0)).await;
        assert_eq!(taken.len(), 3);
        assert_eq!(started.elapsed(), LINGER);
        // the channel stayed open until here: the lull ended the hold, not the channel closing
        drop(sender);
    }

    #[tokio::test(start_paused = true)]
    async fn no_hold_past_half_the_lag_so_that_the_handlers_never_wait_for_it() {
        let (sender, mut inbox) = mpsc::channel(LAG);
        for _ in 0..LAG / 2 + 10 {
            sender.try_send(submitted(false)).unwrap();
        }
        let mut taken = vec![inbox.recv().await.unwrap()];
        let started = tokio::time::Instant::now();
        hold(&mut inbox, &mut taken, &room(1024, 0)).await;
        assert_eq!(started.elapsed(), Duration::ZERO, "no linger at all");
        assert_eq!(taken.len(), 1);
        assert_eq!(inbox.len(), LAG / 2 + 9);

        // half the bytes taken: not held at all
        let (sender, mut inbox) = mpsc::channel(LAG);
        sender.try_send(submitted(false)).unwrap();
        let mut taken = vec![submitted(false)];
        hold(&mut inbox, &mut taken, &room(1024, 513)).await;
        assert_eq!(started.elapsed(), Duration::ZERO, "no linger at all");
        assert_eq!(taken.len(), 1);
        assert_eq!(inbox.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_status_that_waits_for_its_index_ends_the_hold_at_once() {
        let (sender, mut inbox) = mpsc::channel(LAG);
        for _ in 0..5 {
            sender.try_send(submitted(false)).unwrap();
        }
        let mut taken = vec![submitted(true)];
        let started = tokio::time::Instant::now();
        hold(&mut inbox, &mut taken, &room(1024, 0)).await;
        assert_eq!(taken.len(), 1);
        assert_eq!(started.elapsed(), Duration::ZERO);

        // also when it comes in the middle of a burst: a linger brought a burst's worth with
        // it, and the hold ends there instead of lingering again
        for _ in 0..BURST {
            sender.try_send(submitted(false)).unwrap();
        }
        sender.try_send(submitted(true)).unwrap();
        let mut taken = vec![inbox.recv().await.unwrap()];
        hold(&mut inbox, &mut taken, &room(1024, 0)).await;
        assert_eq!(taken.len(), BURST + 6);
        assert!(taken.last().unwrap().reply.is_some());
        assert_eq!(started.elapsed(), LINGER);
    }
}
